/* test-outbox.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-error.h"
#include "satchel-outbox.h"

#include <glib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* A message in wire form, with what a server must get byte for byte:
 * CRLF, an 8-bit byte, a NUL-free binary-ish line. */
static const char message_bytes[] =
  "From: Ann <ann@example.com>\r\n"
  "To: Bob <bob@example.com>\r\n"
  "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
  "\r\n"
  "Hello Bob,\r\n"
  "caf\xc3\xa9 \xff\x01\r\n"
  ".leading dot\r\n";

typedef struct
{
  char          *dir;
  char          *sent_dir;
  SatchelOutbox *outbox;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  /* G_TEST_OPTION_ISOLATE_DIRS gives every test its own XDG folders. */
  fixture->dir = g_build_filename (g_get_user_state_dir (), "satchel", "outbox", NULL);
  fixture->sent_dir = g_build_filename (g_get_user_data_dir (), "satchel", "sent", NULL);
  fixture->outbox = satchel_outbox_new (fixture->dir, fixture->sent_dir);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->outbox);
  g_free (fixture->dir);
  g_free (fixture->sent_dir);
}

static char *
dup_file_path (Fixture    *fixture,
               const char *id,
               const char *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (fixture->dir, name, NULL);
}

static gboolean
file_exists (Fixture    *fixture,
             const char *id,
             const char *suffix)
{
  g_autofree char *path = dup_file_path (fixture, id, suffix);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_no_errno (stat (path, &st));
  return st.st_mode & 07777;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* The names in @dir, sorted. */
static GPtrArray *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  return g_steal_pointer (&names);
}

static void
write_fd (int         fd,
          const char *data,
          gsize       length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      g_assert_cmpint (n, >, 0);
      data += n;
      length -= n;
    }
}

static SatchelOutboxItem *
queue_message (Fixture    *fixture,
               const char *subject)
{
  const char * const recipients[] = { "bob@example.com", NULL };
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  int fd = -1;

  item = satchel_outbox_begin (fixture->outbox, &fd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpint (fd, >=, 0);

  write_fd (fd, message_bytes, strlen (message_bytes));
  satchel_outbox_item_set_account (item, "work");
  satchel_outbox_item_set_sender (item, "ann@example.com");
  satchel_outbox_item_set_recipients (item, recipients);
  satchel_outbox_item_set_subject (item, subject);

  g_assert_true (satchel_outbox_commit (fixture->outbox, item, fd, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&item);
}

/* Replaces (or adds) KEY=VALUE in ID.ini the way a person or a script
 * would, outside of the outbox code. */
static void
edit_state_file (Fixture    *fixture,
                 const char *id,
                 const char *key,
                 const char *value)
{
  g_autofree char *path = dup_file_path (fixture, id, ".ini");
  g_autofree char *contents = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *prefix = g_strconcat (key, "=", NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        {
          g_string_append_printf (out, "%s=%s\n", key, value);
          found = TRUE;
        }
      else if (lines[i][0] != '\0')
        {
          g_string_append_printf (out, "%s\n", lines[i]);
        }
    }
  if (!found)
    g_string_append_printf (out, "%s=%s\n", key, value);
  /* configparser ends the file with an empty line. */
  g_string_append_c (out, '\n');

  g_assert_true (g_file_set_contents (path, out->str, -1, &error));
  g_assert_no_error (error);
}

static void
test_states (void)
{
  static const struct {
    SatchelOutboxState state;
    const char *name;
  } states[] = {
    { SATCHEL_OUTBOX_QUEUED, "queued" },
    { SATCHEL_OUTBOX_HELD, "held" },
    { SATCHEL_OUTBOX_SENDING, "sending" },
    { SATCHEL_OUTBOX_FAILED, "failed" },
    { SATCHEL_OUTBOX_UNKNOWN, "unknown" },
  };
  SatchelOutboxState state;

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_assert_cmpstr (satchel_outbox_state_to_string (states[i].state), ==, states[i].name);
      state = SATCHEL_OUTBOX_QUEUED;
      g_assert_true (satchel_outbox_state_from_string (states[i].name, &state));
      g_assert_cmpint (state, ==, states[i].state);
    }

  state = SATCHEL_OUTBOX_HELD;
  g_assert_false (satchel_outbox_state_from_string ("QUEUED", &state));
  g_assert_false (satchel_outbox_state_from_string ("", &state));
  g_assert_false (satchel_outbox_state_from_string (NULL, &state));
  g_assert_cmpint (state, ==, SATCHEL_OUTBOX_HELD);
}

static void
assert_same_fields (SatchelOutboxItem *a,
                    SatchelOutboxItem *b)
{
  g_assert_cmpstr (satchel_outbox_item_get_id (a), ==, satchel_outbox_item_get_id (b));
  g_assert_cmpint (satchel_outbox_item_get_state (a), ==, satchel_outbox_item_get_state (b));
  g_assert_cmpstr (satchel_outbox_item_get_account (a), ==, satchel_outbox_item_get_account (b));
  g_assert_cmpstr (satchel_outbox_item_get_sender (a), ==, satchel_outbox_item_get_sender (b));
  g_assert_cmpstrv (satchel_outbox_item_get_recipients (a),
                    satchel_outbox_item_get_recipients (b));
  g_assert_cmpstr (satchel_outbox_item_get_subject (a), ==, satchel_outbox_item_get_subject (b));
  g_assert_cmpint (satchel_outbox_item_get_created (a), ==, satchel_outbox_item_get_created (b));
  g_assert_cmpuint (satchel_outbox_item_get_size (a), ==, satchel_outbox_item_get_size (b));
  g_assert_cmpuint (satchel_outbox_item_get_attempts (a), ==, satchel_outbox_item_get_attempts (b));
  g_assert_cmpint (satchel_outbox_item_get_next_attempt (a), ==,
                   satchel_outbox_item_get_next_attempt (b));
  g_assert_cmpint (satchel_outbox_item_get_held_until (a), ==,
                   satchel_outbox_item_get_held_until (b));
  g_assert_cmpstr (satchel_outbox_item_get_last_error (a), ==,
                   satchel_outbox_item_get_last_error (b));
  g_assert_cmpint (satchel_outbox_item_get_needs_smtputf8 (a), ==,
                   satchel_outbox_item_get_needs_smtputf8 (b));
  g_assert_cmpint (satchel_outbox_item_get_needs_8bit (a), ==,
                   satchel_outbox_item_get_needs_8bit (b));
  g_assert_cmpint (satchel_outbox_item_get_data_ended (a), ==,
                   satchel_outbox_item_get_data_ended (b));
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  /* Separators, escapes and UTF-8 where a careless format breaks. */
  const char * const recipients[] = {
    "bob@example.com", "semi;colon@example.com", "jos\xc3\xa9@exampl\xc3\xa9.com", NULL
  };
  const char *subject = " Gr\xc3\xbc\xc3\x9f" "e; a\ttab\nand \\ a line = [Message] ";
  const char *last_error = "Server said: \xe2\x80\x9c" "451 try later\xe2\x80\x9d\r\n#not a comment";
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelOutboxItem) found = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GRegex) id_regex = NULL;
  g_autofree char *eml_path = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *message_path = NULL;
  g_autofree char *start_group = NULL;
  g_auto(GStrv) stored_recipients = NULL;
  gsize length = 0;
  gint64 before, after;
  int fd = -1;

  before = g_get_real_time () / G_USEC_PER_SEC;
  item = satchel_outbox_begin (fixture->outbox, &fd, &error);
  after = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_no_error (error);
  g_assert_nonnull (item);

  /* A new message: queued, created now, with an id that sorts by time
   * and is safe as a file name and as a command argument. */
  g_assert_cmpint (satchel_outbox_item_get_state (item), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_cmpint (satchel_outbox_item_get_created (item), >=, before);
  g_assert_cmpint (satchel_outbox_item_get_created (item), <=, after);
  id_regex = g_regex_new ("^[0-9]{8}T[0-9]{6}\\.[0-9]{6}Z-[0-9a-f]{8}$", 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (id_regex, satchel_outbox_item_get_id (item), 0, NULL));

  write_fd (fd, message_bytes, strlen (message_bytes));

  satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_HELD);
  satchel_outbox_item_set_account (item, "Work = \xe5\xb7\xa5\xe4\xbd\x9c");
  satchel_outbox_item_set_sender (item, "ann@example.com");
  satchel_outbox_item_set_recipients (item, recipients);
  satchel_outbox_item_set_subject (item, subject);
  satchel_outbox_item_set_attempts (item, 3);
  satchel_outbox_item_set_next_attempt (item, 1900000000);
  satchel_outbox_item_set_held_until (item, 1900000010);
  satchel_outbox_item_set_last_error (item, last_error);
  satchel_outbox_item_set_needs_smtputf8 (item, TRUE);
  satchel_outbox_item_set_needs_8bit (item, TRUE);
  satchel_outbox_item_set_data_ended (item, TRUE);

  g_assert_true (satchel_outbox_commit (fixture->outbox, item, fd, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (satchel_outbox_item_get_size (item), ==, strlen (message_bytes));

  /* The message, byte for byte. */
  eml_path = dup_file_path (fixture, satchel_outbox_item_get_id (item), ".eml");
  message_path = satchel_outbox_dup_message_path (fixture->outbox, item);
  g_assert_cmpstr (message_path, ==, eml_path);
  g_assert_true (g_file_get_contents (eml_path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, message_bytes, strlen (message_bytes));

  /* Every field, read back by another lookup and by list. */
  found = satchel_outbox_lookup (fixture->outbox, satchel_outbox_item_get_id (item), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  assert_same_fields (item, found);
  g_assert_cmpstr (satchel_outbox_item_get_subject (found), ==, subject);
  g_assert_cmpstr (satchel_outbox_item_get_last_error (found), ==, last_error);
  g_assert_cmpstrv (satchel_outbox_item_get_recipients (found), recipients);
  g_assert_cmpint (satchel_outbox_item_get_state (found), ==, SATCHEL_OUTBOX_HELD);
  g_assert_cmpuint (satchel_outbox_item_get_attempts (found), ==, 3);
  g_assert_true (satchel_outbox_item_get_data_ended (found));

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  assert_same_fields (item, g_ptr_array_index (items, 0));

  /* The documented format that scripts and tests edit: group Message,
   * Unix seconds, state names. */
  ini_path = dup_file_path (fixture, satchel_outbox_item_get_id (item), ".ini");
  g_assert_true (g_key_file_load_from_file (key_file, ini_path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  start_group = g_key_file_get_start_group (key_file);
  g_assert_cmpstr (start_group, ==, "Message");
#define ASSERT_KEY(key, value) \
  G_STMT_START { \
    g_autofree char *v = g_key_file_get_value (key_file, "Message", key, &error); \
    g_assert_no_error (error); \
    g_assert_cmpstr (v, ==, value); \
  } G_STMT_END
  ASSERT_KEY ("state", "held");
  ASSERT_KEY ("sender", "ann@example.com");
  ASSERT_KEY ("attempts", "3");
  ASSERT_KEY ("next-attempt", "1900000000");
  ASSERT_KEY ("held-until", "1900000010");
  ASSERT_KEY ("needs-smtputf8", "true");
  ASSERT_KEY ("needs-8bit", "true");
  ASSERT_KEY ("data-ended", "true");
#undef ASSERT_KEY
  stored_recipients = g_key_file_get_string_list (key_file, "Message", "recipients", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (stored_recipients, recipients);
  g_assert_cmpint (g_key_file_get_int64 (key_file, "Message", "created", NULL), ==,
                   satchel_outbox_item_get_created (item));
  g_assert_cmpint (g_key_file_get_int64 (key_file, "Message", "size", NULL), ==,
                   strlen (message_bytes));
}

/* Scripts (and the CLI integration tests) change the state file with
 * configparser to move time; reload must see exactly that. */
static void
test_external_edit (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "later");
  g_autoptr(GError) error = NULL;
  const char *id = satchel_outbox_item_get_id (item);

  edit_state_file (fixture, id, "state", "unknown");
  edit_state_file (fixture, id, "next-attempt", "0");
  edit_state_file (fixture, id, "held-until", "1700000000");

  g_assert_true (satchel_outbox_reload (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_cmpint (satchel_outbox_item_get_state (item), ==, SATCHEL_OUTBOX_UNKNOWN);
  g_assert_cmpint (satchel_outbox_item_get_next_attempt (item), ==, 0);
  g_assert_cmpint (satchel_outbox_item_get_held_until (item), ==, 1700000000);
  g_assert_cmpstr (satchel_outbox_item_get_subject (item), ==, "later");
  g_assert_cmpstr (satchel_outbox_item_get_account (item), ==, "work");

  /* Saving again keeps the edit and the other fields. */
  satchel_outbox_item_set_attempts (item, 7);
  g_assert_true (satchel_outbox_save (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_false (file_exists (fixture, id, ".ini.tmp"));
  {
    g_autoptr(SatchelOutboxItem) again = satchel_outbox_lookup (fixture->outbox, id, &error);

    g_assert_no_error (error);
    assert_same_fields (item, again);
    g_assert_cmpuint (satchel_outbox_item_get_attempts (again), ==, 7);
  }
}

static void
test_modes (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp_path = NULL;
  g_autofree char *eml_path = NULL;
  g_autofree char *ini_path = NULL;
  mode_t old_umask;
  int fd = -1;

  /* Even with a careless umask, nobody else may read a message. */
  old_umask = umask (0);

  item = satchel_outbox_begin (fixture->outbox, &fd, &error);
  g_assert_no_error (error);
  tmp_path = dup_file_path (fixture, satchel_outbox_item_get_id (item), ".eml.tmp");
  g_assert_cmpuint (file_mode (fixture->dir), ==, 0700);
  g_assert_cmpuint (file_mode (tmp_path), ==, 0600);

  write_fd (fd, message_bytes, strlen (message_bytes));
  g_assert_true (satchel_outbox_commit (fixture->outbox, item, fd, &error));
  g_assert_no_error (error);

  eml_path = dup_file_path (fixture, satchel_outbox_item_get_id (item), ".eml");
  ini_path = dup_file_path (fixture, satchel_outbox_item_get_id (item), ".ini");
  g_assert_cmpuint (file_mode (eml_path), ==, 0600);
  g_assert_cmpuint (file_mode (ini_path), ==, 0600);

  g_assert_true (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_outbox_move_to_sent (fixture->outbox, item, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (fixture->outbox, item);
  g_assert_cmpuint (file_mode (fixture->sent_dir), ==, 0700);
  {
    g_autoptr(GPtrArray) sent = list_dir (fixture->sent_dir);
    g_autofree char *sent_path = NULL;

    g_assert_cmpuint (sent->len, ==, 1);
    sent_path = g_build_filename (fixture->sent_dir, g_ptr_array_index (sent, 0), NULL);
    g_assert_cmpuint (file_mode (sent_path), ==, 0600);
  }

  umask (old_umask);
}

/* A message exists once its .ini does, and that is written last. */
static void
test_eml_before_ini (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;
  int fd = -1;

  item = satchel_outbox_begin (fixture->outbox, &fd, &error);
  g_assert_no_error (error);
  id = satchel_outbox_item_get_id (item);
  write_fd (fd, message_bytes, strlen (message_bytes));

  /* While it is being written: only the temporary file, and no message. */
  g_assert_true (file_exists (fixture, id, ".eml.tmp"));
  g_assert_false (file_exists (fixture, id, ".eml"));
  g_assert_false (file_exists (fixture, id, ".ini"));
  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  g_assert_true (satchel_outbox_commit (fixture->outbox, item, fd, &error));
  g_assert_no_error (error);

  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (file_exists (fixture, id, ".eml"));
  g_assert_true (file_exists (fixture, id, ".ini"));

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
}

static void
test_abort (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  int fd = -1;

  item = satchel_outbox_begin (fixture->outbox, &fd, &error);
  g_assert_no_error (error);
  write_fd (fd, message_bytes, strlen (message_bytes));
  satchel_outbox_abort (fixture->outbox, item, fd);

  /* The descriptor is closed. */
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  g_assert_cmpint (errno, ==, EBADF);

  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 0);
  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_list_empty (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing was ever queued: no folder yet, and that is no error. */
  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 0);
}

static void
test_list_order (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *subjects[] = { "one", "two", "three", "four", "five" };
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  SatchelOutboxItem *last;

  /* Queued within the same second: creation order still holds. */
  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    g_ptr_array_add (queued, queue_message (fixture, subjects[i]));

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (subjects));
  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);

      g_assert_cmpstr (satchel_outbox_item_get_subject (item), ==, subjects[i]);
      g_assert_cmpstr (satchel_outbox_item_get_id (item), ==,
                       satchel_outbox_item_get_id (g_ptr_array_index (queued, i)));
    }
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The creation time decides first. */
  last = g_ptr_array_index (queued, G_N_ELEMENTS (subjects) - 1);
  created = g_strdup_printf ("%" G_GINT64_FORMAT,
                             satchel_outbox_item_get_created (last) - 3600);
  edit_state_file (fixture, satchel_outbox_item_get_id (last), "created", created);

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, G_N_ELEMENTS (subjects));
  g_assert_cmpstr (satchel_outbox_item_get_subject (g_ptr_array_index (items, 0)), ==, "five");
  g_assert_cmpstr (satchel_outbox_item_get_subject (g_ptr_array_index (items, 1)), ==, "one");
}

static void
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
}

static void
assert_only_good (Fixture    *fixture,
                  const char *good_id)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = satchel_outbox_list (fixture->outbox, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (satchel_outbox_item_get_id (g_ptr_array_index (items, 0)), ==, good_id);
}

/* A damaged state file is skipped, said so, and never deleted: it may
 * be the only trace of a message. */
static void
test_corrupt (Fixture       *fixture,
              gconstpointer  data)
{
  static const struct {
    const char *id;
    const char *ini;
    const char *message;
  } cases[] = {
    { "20260101T000000.000000Z-0000000a", "not a key file\n\x01\x02",
      "*20260101T000000.000000Z-0000000a.ini*cannot be read*" },
    { "20260101T000000.000000Z-0000000b", "[Other]\nstate=queued\n",
      "*20260101T000000.000000Z-0000000b.ini*damaged*" },
    { "20260101T000000.000000Z-0000000c", "[Message]\nstate=lost\n",
      "*20260101T000000.000000Z-0000000c.ini*damaged*lost*" },
    { "20260101T000000.000000Z-0000000d", "[Message]\nstate=queued\nattempts=many\n",
      "*20260101T000000.000000Z-0000000d.ini*damaged*" },
    { "20260101T000000.000000Z-0000000e", "[Message]\nstate=queued\nsubject=\xff\xfe\n",
      "*20260101T000000.000000Z-0000000e.ini*" },
  };
  g_autoptr(SatchelOutboxItem) good = queue_message (fixture, "good");
  const char *good_id = satchel_outbox_item_get_id (good);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ini_name = g_strconcat (cases[i].id, ".ini", NULL);
      g_autofree char *eml_name = g_strconcat (cases[i].id, ".eml", NULL);
      g_autofree char *ini_path = NULL;
      g_autoptr(SatchelOutboxItem) item = NULL;
      g_autoptr(GError) error = NULL;

      write_file (fixture, ini_name, cases[i].ini);
      write_file (fixture, eml_name, message_bytes);

      g_test_expect_message ("satchel-outbox", G_LOG_LEVEL_MESSAGE, cases[i].message);
      assert_only_good (fixture, good_id);

      item = satchel_outbox_lookup (fixture->outbox, cases[i].id, &error);
      g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_CORRUPT);
      g_assert_null (item);

      /* Left as it was, for a person to look at. */
      g_assert_true (file_exists (fixture, cases[i].id, ".ini"));
      g_assert_true (file_exists (fixture, cases[i].id, ".eml"));

      /* Out of the way for the next case. */
      ini_path = dup_file_path (fixture, cases[i].id, ".ini");
      g_assert_no_errno (g_unlink (ini_path));
    }

  /* A state file whose message is missing is no message either. */
  write_file (fixture, "20260101T000000.000000Z-0000000f.ini", "[Message]\nstate=queued\n");
  g_test_expect_message ("satchel-outbox", G_LOG_LEVEL_MESSAGE,
                         "*20260101T000000.000000Z-0000000f*missing*");
  assert_only_good (fixture, good_id);
  g_assert_true (file_exists (fixture, "20260101T000000.000000Z-0000000f", ".ini"));
}

/* Temporary files of writers that crashed are not messages. */
static void
test_tmp_ignored (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) good = queue_message (fixture, "good");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  write_file (fixture, "20260101T000000.000000Z-00000001.eml.tmp", "half a mess");
  write_file (fixture, "20260101T000000.000000Z-00000002.ini.tmp", "[Message]\nstate=qu");
  write_file (fixture, "20260101T000000.000000Z-00000002.eml", message_bytes);
  write_file (fixture, "20260101T000000.000000Z-00000003.lock", "");

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (satchel_outbox_item_get_id (g_ptr_array_index (items, 0)), ==,
                   satchel_outbox_item_get_id (good));

  /* And left alone. */
  g_assert_true (file_exists (fixture, "20260101T000000.000000Z-00000001", ".eml.tmp"));
  g_assert_true (file_exists (fixture, "20260101T000000.000000Z-00000002", ".ini.tmp"));
}

static void
test_lookup_invalid (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *ids[] = {
    "", "../x", "..", ".", ".hidden", "a/b", "/etc/passwd", "x y", "-rf",
    "no-such-id", "20260101T000000.000000Z-00000000", "caf\xc3\xa9",
  };
  g_autoptr(SatchelOutboxItem) good = queue_message (fixture, "good");

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(SatchelOutboxItem) item = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = g_strdup_printf ("No message “%s” in the outbox", ids[i]);

      item = satchel_outbox_lookup (fixture->outbox, ids[i], &error);
      g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_null (item);
    }

  /* "../outbox/ID" names the same file, but is not an id. */
  {
    g_autofree char *sneaky = g_strconcat ("../outbox/", satchel_outbox_item_get_id (good), NULL);
    g_autoptr(SatchelOutboxItem) item = NULL;
    g_autoptr(GError) error = NULL;

    item = satchel_outbox_lookup (fixture->outbox, sneaky, &error);
    g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND);
    g_assert_null (item);
  }
}

/* Runs in a forked child: takes the lock, says so on @ready, then waits
 * to be killed. */
static void
hold_lock_in_child (const char *dir,
                    const char *sent_dir,
                    const char *id,
                    int         ready)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (dir, sent_dir);
  g_autoptr(SatchelOutboxItem) item = satchel_outbox_lookup (outbox, id, NULL);
  char status = 'n';

  if (item != NULL && satchel_outbox_lock (outbox, item, NULL))
    status = 'y';
  if (write (ready, &status, 1) != 1)
    _exit (2);
  for (;;)
    pause ();
}

static void
test_lock (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "locked");
  g_autoptr(SatchelOutboxItem) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  const char *id = satchel_outbox_item_get_id (item);
  int pipe_fds[2];
  char status = 0;
  pid_t child;
  int wstatus;

  g_assert_no_errno (pipe (pipe_fds));
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      close (pipe_fds[0]);
      hold_lock_in_child (fixture->dir, fixture->sent_dir, id, pipe_fds[1]);
      _exit (1);
    }
  close (pipe_fds[1]);
  g_assert_cmpint (read (pipe_fds[0], &status, 1), ==, 1);
  close (pipe_fds[0]);
  g_assert_cmpint (status, ==, 'y');

  /* Another process is sending it. */
  g_assert_false (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY);
  expected = g_strdup_printf ("Message %s is being sent by another process", id);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* It dies without unlocking (kill -9): the lock goes with it. */
  g_assert_no_errno (kill (child, SIGKILL));
  g_assert_cmpint (waitpid (child, &wstatus, 0), ==, child);
  g_assert_true (WIFSIGNALED (wstatus));

  g_assert_true (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_no_error (error);

  /* Within one process too, a second holder (another thread's copy of
   * the item) is turned away. */
  other = satchel_outbox_lookup (fixture->outbox, id, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_outbox_lock (fixture->outbox, other, &error));
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY);
  g_clear_error (&error);

  satchel_outbox_unlock (fixture->outbox, item);
  g_assert_true (satchel_outbox_lock (fixture->outbox, other, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (fixture->outbox, other);

  /* Unlocking twice is harmless; the message is untouched. */
  satchel_outbox_unlock (fixture->outbox, other);
  g_assert_true (file_exists (fixture, id, ".eml"));
  g_assert_true (file_exists (fixture, id, ".ini"));
}

/* Once a sender finished a message, a process that listed it before
 * must not get a lock that looks valid. */
static void
test_lock_after_sent (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "sent");
  g_autoptr(SatchelOutboxItem) stale = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  const char *id = satchel_outbox_item_get_id (item);

  stale = satchel_outbox_lookup (fixture->outbox, id, &error);
  g_assert_no_error (error);

  g_assert_true (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_outbox_move_to_sent (fixture->outbox, item, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (fixture->outbox, item);

  /* BUSY, like a message another process is still sending: whoever
   * works through a list skips it. */
  g_assert_false (satchel_outbox_lock (fixture->outbox, stale, &error));
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY);
  expected = g_strdup_printf ("Message %s was sent or discarded by another process", id);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_assert_false (satchel_outbox_reload (fixture->outbox, stale, &error));
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND);

  /* No lock file is left behind. */
  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 0);
}

/* A flusher in a forked child: sends (moves to sent) whatever it can
 * lock, and reports each id it sent on @report. */
static void
flush_in_child (const char *dir,
                const char *sent_dir,
                int         report)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (dir, sent_dir);
  g_autoptr(GPtrArray) items = satchel_outbox_list (outbox, NULL);

  if (items == NULL)
    _exit (2);

  for (guint i = 0; i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *line = NULL;

      if (!satchel_outbox_lock (outbox, item, &error))
        {
          if (!g_error_matches (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY))
            _exit (3);
          continue;
        }
      if (!satchel_outbox_reload (outbox, item, NULL) ||
          !satchel_outbox_move_to_sent (outbox, item, NULL))
        _exit (4);
      satchel_outbox_unlock (outbox, item);

      /* Shorter than PIPE_BUF: lines of several children never mix. */
      line = g_strdup_printf ("%s\n", satchel_outbox_item_get_id (item));
      if (write (report, line, strlen (line)) != (gssize) strlen (line))
        _exit (5);
    }

  _exit (0);
}

/* Several processes flushing at once: every message leaves exactly once. */
static void
test_lock_race (Fixture       *fixture,
                gconstpointer  data)
{
  const guint n_messages = 40;
  const guint n_children = 4;
  g_autoptr(GHashTable) queued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) reported = g_string_new (NULL);
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_auto(GStrv) lines = NULL;
  pid_t children[4];
  int pipe_fds[2];
  char buffer[4096];
  gssize n;

  for (guint i = 0; i < n_messages; i++)
    {
      g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "race");

      g_hash_table_add (queued, g_strdup (satchel_outbox_item_get_id (item)));
    }

  g_assert_no_errno (pipe (pipe_fds));
  for (guint i = 0; i < n_children; i++)
    {
      children[i] = fork ();
      g_assert_cmpint (children[i], >=, 0);
      if (children[i] == 0)
        {
          close (pipe_fds[0]);
          flush_in_child (fixture->dir, fixture->sent_dir, pipe_fds[1]);
        }
    }
  close (pipe_fds[1]);

  while ((n = read (pipe_fds[0], buffer, sizeof buffer)) > 0)
    g_string_append_len (reported, buffer, n);
  g_assert_cmpint (n, ==, 0);
  close (pipe_fds[0]);

  for (guint i = 0; i < n_children; i++)
    {
      int wstatus;

      g_assert_cmpint (waitpid (children[i], &wstatus, 0), ==, children[i]);
      g_assert_true (WIFEXITED (wstatus));
      g_assert_cmpint (WEXITSTATUS (wstatus), ==, 0);
    }

  /* Each id reported once, and all of them. */
  lines = g_strsplit (reported->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, n_messages + 1);
  for (guint i = 0; i < n_messages; i++)
    g_assert_true (g_hash_table_remove (queued, lines[i]));
  g_assert_cmpuint (g_hash_table_size (queued), ==, 0);

  sent = list_dir (fixture->sent_dir);
  g_assert_cmpuint (sent->len, ==, n_messages);
  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 0);
}

static void
test_move_to_sent (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "bye");
  g_autoptr(SatchelOutboxItem) other = queue_message (fixture, "stays");
  g_autoptr(SatchelOutboxItem) gone = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) name_regex = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *sent_path = NULL;
  g_autofree char *contents = NULL;
  const char *id = satchel_outbox_item_get_id (item);
  gsize length = 0;

  g_assert_true (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_outbox_move_to_sent (fixture->outbox, item, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (fixture->outbox, item);

  /* DATE-ID.eml in the sent folder, with the exact bytes. */
  sent = list_dir (fixture->sent_dir);
  g_assert_cmpuint (sent->len, ==, 1);
  pattern = g_strdup_printf ("^[0-9]{8}T[0-9]{6}-%s\\.eml$", id);
  name_regex = g_regex_new (pattern, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_regex_match (name_regex, g_ptr_array_index (sent, 0), 0, NULL));
  sent_path = g_build_filename (fixture->sent_dir, g_ptr_array_index (sent, 0), NULL);
  g_assert_true (g_file_get_contents (sent_path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, message_bytes, strlen (message_bytes));

  /* Nothing of it is left in the outbox; the other message is. */
  g_assert_false (file_exists (fixture, id, ".eml"));
  g_assert_false (file_exists (fixture, id, ".ini"));
  g_assert_false (file_exists (fixture, id, ".lock"));
  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 2);

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (satchel_outbox_item_get_subject (g_ptr_array_index (items, 0)), ==, "stays");

  gone = satchel_outbox_lookup (fixture->outbox, id, &error);
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND);
  g_assert_null (gone);
}

static void
test_remove (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue_message (fixture, "discard me");
  g_autoptr(SatchelOutboxItem) other = queue_message (fixture, "keep me");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  const char *id = satchel_outbox_item_get_id (item);

  g_assert_true (satchel_outbox_lock (fixture->outbox, item, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_outbox_remove (fixture->outbox, item, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (fixture->outbox, item);

  g_assert_false (file_exists (fixture, id, ".eml"));
  g_assert_false (file_exists (fixture, id, ".ini"));
  g_assert_false (file_exists (fixture, id, ".lock"));
  names = list_dir (fixture->dir);
  g_assert_cmpuint (names->len, ==, 2);

  /* Discarded is not sent. */
  sent = list_dir (fixture->sent_dir);
  g_assert_cmpuint (sent->len, ==, 0);

  items = satchel_outbox_list (fixture->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (satchel_outbox_item_get_subject (g_ptr_array_index (items, 0)), ==, "keep me");

  /* Twice: it is gone already. */
  g_assert_false (satchel_outbox_remove (fixture->outbox, item, &error));
  g_assert_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND);
}

/* Without folders given, the XDG ones: state for the outbox, data for
 * the sent folder. */
static void
test_default_dirs (void)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *eml_name = NULL;
  g_autofree char *outbox_path = NULL;
  g_autofree char *sent_dir = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  int fd = -1;

  item = satchel_outbox_begin (outbox, &fd, &error);
  g_assert_no_error (error);
  write_fd (fd, message_bytes, strlen (message_bytes));
  g_assert_true (satchel_outbox_commit (outbox, item, fd, &error));
  g_assert_no_error (error);

  eml_name = g_strconcat (satchel_outbox_item_get_id (item), ".eml", NULL);
  outbox_path = g_build_filename (g_get_user_state_dir (), "satchel", "outbox", eml_name, NULL);
  g_assert_true (g_file_test (outbox_path, G_FILE_TEST_IS_REGULAR));

  g_assert_true (satchel_outbox_lock (outbox, item, &error));
  g_assert_true (satchel_outbox_move_to_sent (outbox, item, &error));
  g_assert_no_error (error);
  satchel_outbox_unlock (outbox, item);

  sent_dir = g_build_filename (g_get_user_data_dir (), "satchel", "sent", NULL);
  sent = list_dir (sent_dir);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (sent, 0), eml_name));
}

static void
add_test (const char *path,
          void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/outbox/states", test_states);
  g_test_add_func ("/satchel/outbox/default-dirs", test_default_dirs);
  add_test ("/satchel/outbox/round-trip", test_round_trip);
  add_test ("/satchel/outbox/external-edit", test_external_edit);
  add_test ("/satchel/outbox/modes", test_modes);
  add_test ("/satchel/outbox/eml-before-ini", test_eml_before_ini);
  add_test ("/satchel/outbox/abort", test_abort);
  add_test ("/satchel/outbox/list/empty", test_list_empty);
  add_test ("/satchel/outbox/list/order", test_list_order);
  add_test ("/satchel/outbox/list/corrupt", test_corrupt);
  add_test ("/satchel/outbox/list/tmp-ignored", test_tmp_ignored);
  add_test ("/satchel/outbox/lookup/invalid", test_lookup_invalid);
  add_test ("/satchel/outbox/lock/busy", test_lock);
  add_test ("/satchel/outbox/lock/after-sent", test_lock_after_sent);
  add_test ("/satchel/outbox/lock/race", test_lock_race);
  add_test ("/satchel/outbox/move-to-sent", test_move_to_sent);
  add_test ("/satchel/outbox/remove", test_remove);

  return g_test_run ();
}
