/* test-contact-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "satchel-contact-store.h"
#include "satchel-paths.h"

/* Each test starts from an empty book and no usage. */
static SatchelContactStore *
fresh_store (void)
{
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *usage = g_build_filename (state, "recipients.tsv", NULL);
  SatchelContactStore *store;
  g_autoptr(GError) error = NULL;

  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_true (satchel_paths_ensure_dir (dir, NULL));
  g_assert_true (g_remove (path) == 0 || errno == ENOENT);
  g_assert_true (g_remove (usage) == 0 || errno == ENOENT);
  store = satchel_contact_store_new (NULL);
  g_assert_true (satchel_contact_store_load (store, &error));
  g_assert_no_error (error);
  return store;
}

static void
add_contact (SatchelContactStore *store,
             const char          *name,
             const char          *nickname,
             ...)
{
  g_autoptr(SatchelContact) contact = satchel_contact_new ();
  g_autoptr(GError) error = NULL;
  const char *address;
  va_list args;

  satchel_contact_set_name (contact, name);
  satchel_contact_set_nickname (contact, nickname);
  va_start (args, nickname);
  while ((address = va_arg (args, const char *)) != NULL)
    satchel_contact_add_address (contact, address, NULL);
  va_end (args);

  g_assert_true (satchel_contact_store_add (store, contact, &error));
  g_assert_no_error (error);
}

/* The results as "name <address>" or "[group]", joined by "|". */
static char *
search (SatchelContactStore *store,
        const char          *query,
        guint                limit)
{
  g_autoptr(GPtrArray) matches = satchel_contact_store_search (store, query, limit);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < matches->len; i++)
    {
      SatchelContactMatch *match = matches->pdata[i];

      if (i > 0)
        g_string_append_c (out, '|');
      if (satchel_contact_match_get_kind (match) == SATCHEL_CONTACT_MATCH_GROUP)
        g_string_append_printf (out, "[%s]", satchel_contact_match_get_name (match));
      else
        g_string_append_printf (out, "%s <%s>", satchel_contact_match_get_name (match),
                                satchel_contact_match_get_address (match));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
model_names (GListModel *model)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SatchelContact) contact = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, satchel_contact_get_name (contact));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
read_file (const char *path)
{
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
  return data;
}

static void
test_fold (void)
{
  g_autofree char *a = satchel_contacts_fold ("Zoë MÜLLER");
  g_autofree char *b = satchel_contacts_fold ("José Ångström");
  g_autofree char *c = satchel_contacts_fold ("王小明");
  g_autofree char *d = satchel_contacts_fold ("Straße");

  g_assert_cmpstr (a, ==, "zoe muller");
  g_assert_cmpstr (b, ==, "jose angstrom");
  g_assert_cmpstr (c, ==, "王小明");
  g_assert_cmpstr (d, ==, "strasse");
}

static void
test_format (void)
{
  g_autofree char *plain = satchel_format_recipient ("Ann Lee", "ann@example.com");
  g_autofree char *comma = satchel_format_recipient ("Lee, Ann", "ann@example.com");
  g_autofree char *bare = satchel_format_recipient ("", "ann@example.com");

  g_assert_cmpstr (plain, ==, "Ann Lee <ann@example.com>");
  g_assert_cmpstr (comma, ==, "\"Lee, Ann\" <ann@example.com>");
  g_assert_cmpstr (bare, ==, "ann@example.com");
}

static void
test_round_trip (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContactStore) other = NULL;
  g_autoptr(SatchelContact) contact = satchel_contact_new ();
  g_autoptr(SatchelContact) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *names = NULL;
  struct stat st;

  satchel_contact_set_name (contact, "Zoë Müller");
  satchel_contact_set_nickname (contact, "Zo");
  satchel_contact_set_notes (contact, "Two lines;\nwith = and [brackets]");
  satchel_contact_add_address (contact, "zoe@example.com", "home");
  satchel_contact_add_address (contact, "z;m@work.example", "work");
  g_assert_true (satchel_contact_store_add (store, contact, &error));
  g_assert_no_error (error);
  add_contact (store, "Adam", NULL, "adam@example.com", NULL);
  add_contact (store, "王小明", NULL, "wang@example.cn", NULL);

  g_assert_no_errno (g_stat (path, &st));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  other = satchel_contact_store_new (path);
  g_assert_true (satchel_contact_store_load (other, &error));
  g_assert_null (satchel_contact_store_get_problem (other));
  names = model_names (G_LIST_MODEL (other));
  g_assert_cmpstr (names, ==, "Adam|Zoë Müller|王小明");

  back = satchel_contact_store_lookup (other, satchel_contact_get_id (contact));
  g_assert_nonnull (back);
  g_assert_true (satchel_contact_equal (back, contact));
  g_assert_cmpstr (satchel_contact_get_addresses (back)[1], ==, "z;m@work.example");
  g_assert_cmpstr (satchel_contact_get_address_type (back, 1), ==, "work");
  g_assert_cmpstr (satchel_contact_get_notes (back), ==, "Two lines;\nwith = and [brackets]");
}

static void
test_rules (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContact) empty = satchel_contact_new ();
  g_autoptr(SatchelContact) dup = satchel_contact_new ();
  g_autoptr(SatchelContact) ann = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (satchel_contact_store_add (store, empty, &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID);
  g_clear_error (&error);

  add_contact (store, "Ann", NULL, "ann@example.com", "ann@work.example", NULL);
  satchel_contact_set_name (dup, "Other Ann");
  satchel_contact_add_address (dup, "ANN@example.com", NULL);
  g_assert_false (satchel_contact_store_add (store, dup, &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "Ann"));
  g_clear_error (&error);

  /* The contact goes when its last address goes. */
  g_assert_true (satchel_contact_store_remove_address (store, "ann@example.com", &error));
  ann = satchel_contact_store_lookup_by_address (store, "ann@work.example");
  g_assert_nonnull (ann);
  g_assert_cmpuint (satchel_contact_get_n_addresses (ann), ==, 1);
  g_assert_true (satchel_contact_store_remove_address (store, "ann@work.example", &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_false (satchel_contact_store_remove_address (store, "ann@work.example", &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND);
}

static void
test_update_remove (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContact) ann = NULL;
  g_autoptr(GError) error = NULL;

  add_contact (store, "Ann", NULL, "ann@example.com", NULL);
  ann = satchel_contact_store_lookup_by_address (store, "ann@example.com");
  satchel_contact_set_name (ann, "Ann Lee");
  satchel_contact_add_address (ann, "lee@example.com", NULL);
  g_assert_true (satchel_contact_store_update (store, ann, &error));
  g_assert_no_error (error);
  g_clear_object (&ann);
  ann = satchel_contact_store_lookup_by_address (store, "lee@example.com");
  g_assert_cmpstr (satchel_contact_get_name (ann), ==, "Ann Lee");

  g_assert_true (satchel_contact_store_remove (store, satchel_contact_get_id (ann), &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_false (satchel_contact_store_update (store, ann, &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND);
}

static void
test_groups (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) members = NULL;
  const char *team[] = { "ann@example.com", "out@side.example", NULL };
  const char *bad[] = { "not an address", NULL };

  add_contact (store, "Lee, Ann", NULL, "ann@example.com", NULL);
  g_assert_true (satchel_contact_store_add_to_group (store, "Team", team, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (satchel_contact_store_get_groups (store)), ==, 1);

  members = satchel_contact_store_expand_group (store, "team");
  g_assert_nonnull (members);
  g_assert_cmpuint (g_strv_length (members), ==, 2);
  g_assert_cmpstr (members[0], ==, "\"Lee, Ann\" <ann@example.com>");
  g_assert_cmpstr (members[1], ==, "out@side.example");
  g_assert_null (satchel_contact_store_expand_group (store, "nobody"));

  g_assert_false (satchel_contact_store_add_to_group (store, "Team", bad, &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (satchel_contact_store_add_to_group (store, "[x]", team, &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (satchel_contact_store_remove_group (store, "Team", &error));
  g_assert_cmpuint (g_list_model_get_n_items (satchel_contact_store_get_groups (store)), ==, 0);
  g_assert_false (satchel_contact_store_remove_group (store, "Team", &error));
  g_assert_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND);
}

static void
fill_for_search (SatchelContactStore *store)
{
  add_contact (store, "Maria Annis", NULL, "maria@example.com", NULL);
  add_contact (store, "Annabel Smith", "Bel", "annabel@example.org", NULL);
  add_contact (store, "Joanna Kowalska", NULL, "jk@example.pl", NULL);
  add_contact (store, "José Ángel", NULL, "jose@example.es", NULL);
  add_contact (store, "王小明", NULL, "xiaoming@example.cn", NULL);
  add_contact (store, "李明", NULL, "liming@example.cn", NULL);
  add_contact (store, "Support", NULL, "help.desk@company.example", NULL);
}

static void
test_search (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  const char *team[] = { "maria@example.com", NULL };
  g_autofree char *r = NULL;

  fill_for_search (store);

  /* Field start first, then word start (Maria *An*ders), then inside
   * a word (Jo*ann*a). */
  r = search (store, "ann", 0);
  g_assert_cmpstr (r, ==, "Annabel Smith <annabel@example.org>|"
                          "Maria Annis <maria@example.com>|"
                          "Joanna Kowalska <jk@example.pl>");
  g_free (r);

  /* Case and accents do not matter, either way round. */
  r = search (store, "JOSE ang", 0);
  g_assert_cmpstr (r, ==, "José Ángel <jose@example.es>");
  g_free (r);
  r = search (store, "josé", 0);
  g_assert_cmpstr (r, ==, "José Ángel <jose@example.es>");
  g_free (r);

  /* Nickname, and a word inside an address. */
  r = search (store, "bel", 0);
  g_assert_cmpstr (r, ==, "Annabel Smith <annabel@example.org>");
  g_free (r);
  r = search (store, "desk", 0);
  g_assert_cmpstr (r, ==, "Support <help.desk@company.example>");
  g_free (r);

  /* Chinese names by any of their characters. */
  r = search (store, "明", 0);
  g_assert_cmpstr (r, ==, "李明 <liming@example.cn>|王小明 <xiaoming@example.cn>");
  g_free (r);
  r = search (store, "小明", 0);
  g_assert_cmpstr (r, ==, "王小明 <xiaoming@example.cn>");
  g_free (r);

  r = search (store, "nobody", 0);
  g_assert_cmpstr (r, ==, "");
  g_free (r);
  r = search (store, "   ", 0);
  g_assert_cmpstr (r, ==, "");
  g_free (r);

  /* A limit keeps the best. */
  r = search (store, "example", 2);
  g_assert_cmpuint (strlen (r), >, 0);
  g_assert_cmpuint (g_strv_length ((char *[]) { NULL }), ==, 0);
  {
    g_autoptr(GPtrArray) limited = satchel_contact_store_search (store, "a", 2);
    g_autoptr(GPtrArray) all = satchel_contact_store_search (store, "a", 0);

    g_assert_cmpuint (limited->len, ==, 2);
    g_assert_cmpuint (all->len, >, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_cmpstr (satchel_contact_match_get_address (limited->pdata[i]), ==,
                       satchel_contact_match_get_address (all->pdata[i]));
  }
  g_free (r);

  /* Typing a group's name offers the group. */
  g_assert_true (satchel_contact_store_add_to_group (store, "Marketing", team, NULL));
  r = search (store, "mar", 0);
  g_assert_cmpstr (r, ==, "Maria Annis <maria@example.com>|[Marketing]");
  g_free (r);
  {
    g_autoptr(GPtrArray) matches = satchel_contact_store_search (store, "marke", 0);
    g_autofree char *recipients = satchel_contact_match_to_recipients (matches->pdata[0]);

    g_assert_cmpstr (recipients, ==, "Maria Annis <maria@example.com>");
  }
  r = NULL;
}

static void
test_usage (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContactStore) other = NULL;
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *r = NULL;
  g_autoptr(GError) error = NULL;
  const char *sent[] = { "joanna.k@other.example", "jk@example.pl", NULL };
  gint64 last = 0;

  add_contact (store, "Jo Adams", NULL, "jo@example.com", NULL);
  add_contact (store, "Joanna Kowalska", NULL, "jk@example.pl", NULL);
  before = read_file (path);

  r = search (store, "jo", 0);
  g_assert_cmpstr (r, ==, "Jo Adams <jo@example.com>|Joanna Kowalska <jk@example.pl>");
  g_free (r);

  /* What the sender does after a send. */
  satchel_contacts_record_sent (sent);
  after = read_file (path);
  g_assert_cmpstr (before, ==, after);

  other = satchel_contact_store_new (NULL);
  g_assert_true (satchel_contact_store_load (other, &error));
  g_assert_cmpuint (satchel_contact_store_get_usage (other, "JK@example.pl", &last), ==, 1);
  g_assert_cmpint (last, >, 0);

  /* Used first; and the recent recipient outside the book is offered. */
  r = search (other, "jo", 0);
  g_assert_cmpstr (r, ==, "Joanna Kowalska <jk@example.pl>|"
                          " <joanna.k@other.example>|"
                          "Jo Adams <jo@example.com>");
  g_free (r);

  g_assert_true (satchel_contact_store_record_usage (other, sent, &error));
  g_assert_cmpuint (satchel_contact_store_get_usage (other, "jk@example.pl", NULL), ==, 2);

  g_assert_true (satchel_contact_store_forget (other, "joanna.k@other.example", &error));
  r = search (other, "joanna.k", 0);
  g_assert_cmpstr (r, ==, "");
  g_assert_cmpuint (satchel_contact_store_get_usage (other, "joanna.k@other.example", NULL), ==, 0);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               gpointer    user_data)
{
  guint *changes = user_data;

  changes[0]++;
  changes[1] = position;
  changes[2] = removed;
  changes[3] = added;
}

static void
test_items_changed (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  guint changes[4] = { 0 };

  add_contact (store, "A", NULL, "a@example.com", NULL);
  add_contact (store, "C", NULL, "c@example.com", NULL);
  g_signal_connect (store, "items-changed", G_CALLBACK (count_changes), changes);
  add_contact (store, "B", NULL, "b@example.com", NULL);
  g_assert_cmpuint (changes[0], ==, 1);
  g_assert_cmpuint (changes[1], ==, 1);
  g_assert_cmpuint (changes[2], ==, 0);
  g_assert_cmpuint (changes[3], ==, 1);
  g_signal_handlers_disconnect_by_data (store, changes);
}

static guint
count_corrupt_files (void)
{
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "contacts.ini.corrupt-"))
      n++;
  return n;
}

static void
remove_corrupt_files (void)
{
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "contacts.ini.corrupt-"))
      {
        g_autofree char *file = g_build_filename (dir_path, name, NULL);

        if (g_remove (file) != 0)
          g_assert_no_errno (rmdir (file));
      }
}

static void
test_corrupt (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContactStore) again = NULL;
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autoptr(GError) error = NULL;
  const GError *problem;
  const char *damaged =
    "[Contact 1]\nname=Ann\nemails=ann@example.com;\n"
    "this line is garbage\n"
    "[Contact 2\nname=Broken header\n"
    "[Contact 3]\nname=B\xff\xfe\nemails=bad@example.com;\n"
    "[Contact 4]\nname=Dee\nemails=dee@example.com;\n";

  remove_corrupt_files ();
  g_assert_true (g_file_set_contents (path, damaged, -1, NULL));
  g_assert_true (satchel_contact_store_load (store, &error));
  g_assert_no_error (error);

  problem = satchel_contact_store_get_problem (store);
  g_assert_nonnull (problem);
  g_assert_true (g_error_matches (problem, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_RECOVERED));
  g_assert_nonnull (strstr (problem->message, "contacts.ini.corrupt-"));
  g_assert_cmpuint (count_corrupt_files (), ==, 1);

  /* What could be read is there, and the damaged bytes were kept. */
  {
    g_autoptr(SatchelContact) ann = satchel_contact_store_lookup_by_address (store, "ann@example.com");
    g_autoptr(SatchelContact) dee = satchel_contact_store_lookup_by_address (store, "dee@example.com");

    g_assert_nonnull (ann);
    g_assert_cmpstr (satchel_contact_get_name (ann), ==, "Ann");
    g_assert_nonnull (dee);
  }

  /* Writing works again, and the next load is clean. */
  add_contact (store, "Eve", NULL, "eve@example.com", NULL);
  again = satchel_contact_store_new (NULL);
  g_assert_true (satchel_contact_store_load (again, &error));
  g_assert_null (satchel_contact_store_get_problem (again));
  /* Ann, Dee, Eve, and bad@example.com without its undecodable name. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 4);
  g_assert_cmpuint (count_corrupt_files (), ==, 1);
  remove_corrupt_files ();
}

/* A change finds the file damaged (another program wrote it since the
 * load): it is kept aside, not overwritten. */
static void
test_corrupt_on_write (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autofree char *path = satchel_paths_contacts_file ();

  remove_corrupt_files ();
  add_contact (store, "Ann", NULL, "ann@example.com", NULL);
  g_assert_true (g_file_set_contents (path, "\xff\xfe\x00garbage", 11, NULL));
  add_contact (store, "Bob", NULL, "bob@example.com", NULL);
  g_assert_nonnull (satchel_contact_store_get_problem (store));
  g_assert_cmpuint (count_corrupt_files (), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  remove_corrupt_files ();
}

/* Unreadable (here: a folder where the file should be): moved aside,
 * the book starts empty. */
static void
test_unreadable (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autoptr(GError) error = NULL;

  remove_corrupt_files ();
  g_assert_no_errno (g_mkdir (path, 0700));
  g_assert_true (satchel_contact_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_nonnull (satchel_contact_store_get_problem (store));
  g_assert_cmpuint (count_corrupt_files (), ==, 1);
  add_contact (store, "Ann", NULL, "ann@example.com", NULL);
  remove_corrupt_files ();
}

static void
add_in_child (const char *prefix,
              guint       count,
              int         start_fd)
{
  char byte;

  while (read (start_fd, &byte, 1) < 0 && errno == EINTR)
    ;

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(SatchelContactStore) store = satchel_contact_store_new (NULL);
      g_autoptr(SatchelContact) contact = satchel_contact_new ();
      g_autofree char *name = g_strdup_printf ("%s %02u", prefix, i);
      g_autofree char *address = g_strdup_printf ("%s%02u@example.com", prefix, i);
      const char *members[] = { address, NULL };

      satchel_contact_set_name (contact, name);
      satchel_contact_add_address (contact, address, NULL);
      if (!satchel_contact_store_load (store, NULL) ||
          !satchel_contact_store_add (store, contact, NULL) ||
          !satchel_contact_store_add_to_group (store, "Everyone", members, NULL))
        _exit (1);
    }
  _exit (0);
}

/* Two real processes (think GUI and CLI) changing the book at once. */
static void
test_concurrent_writers (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autoptr(SatchelContactGroup) everyone = NULL;
  g_autoptr(GError) error = NULL;
  const char *prefixes[] = { "left", "right" };
  pid_t children[2];
  int start[2];

  g_assert_no_errno (pipe (start));
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      g_assert_cmpint (children[i], >=, 0);
      if (children[i] == 0)
        {
          close (start[1]);
          add_in_child (prefixes[i], 25, start[0]);
        }
    }
  close (start[0]);
  close (start[1]);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      int status;

      g_assert_cmpint (waitpid (children[i], &status, 0), ==, children[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  g_assert_true (satchel_contact_store_load (store, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 50);
  everyone = satchel_contact_store_lookup_group (store, "Everyone");
  g_assert_cmpuint (satchel_contact_group_get_n_members (everyone), ==, 50);
  g_assert_null (satchel_contact_store_get_problem (store));
}

/* Written by hand, in GKeyFile syntax: escapes, spaces around "=",
 * comments, a group split in two, unknown keys. */
static void
test_hand_written (void)
{
  g_autoptr(SatchelContactStore) store = fresh_store ();
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autoptr(SatchelContact) ann = NULL;
  g_autoptr(SatchelContact) bob = NULL;
  g_autoptr(SatchelContactGroup) team = NULL;
  g_autoptr(GError) error = NULL;
  const char *text =
    "# My address book\n"
    "[Contact one]\n"
    "name = Ann\\sLee\n"
    "notes=Line one\\nLine\\ttwo\n"
    "emails=ann@example.com;a\\;b@example.com;\n"
    "x-unknown=kept\n"
    "\n"
    "[Group Team]\n"
    "members=ann@example.com;\n"
    "[Contact two]\r\n"
    "name=Bob\r\n"
    "emails=bob@example.com;\r\n"
    "email-types=work;\r\n"
    "[Contact one]\n"
    "nickname=Annie\n";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_true (satchel_contact_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_null (satchel_contact_store_get_problem (store));

  ann = satchel_contact_store_lookup (store, "one");
  g_assert_nonnull (ann);
  g_assert_cmpstr (satchel_contact_get_name (ann), ==, "Ann Lee");
  g_assert_cmpstr (satchel_contact_get_nickname (ann), ==, "Annie");
  g_assert_cmpstr (satchel_contact_get_notes (ann), ==, "Line one\nLine\ttwo");
  g_assert_cmpstr (satchel_contact_get_addresses (ann)[1], ==, "a;b@example.com");
  bob = satchel_contact_store_lookup (store, "two");
  g_assert_cmpstr (satchel_contact_get_address_type (bob, 0), ==, "work");
  team = satchel_contact_store_lookup_group (store, "Team");
  g_assert_cmpstr (satchel_contact_group_get_members (team)[0], ==, "ann@example.com");

  /* A change keeps the comment and the key this version does not know. */
  add_contact (store, "Cy", NULL, "cy@example.com", NULL);
  {
    g_autofree char *after = read_file (path);

    g_assert_nonnull (strstr (after, "# My address book"));
    g_assert_nonnull (strstr (after, "x-unknown=kept"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/contacts/fold", test_fold);
  g_test_add_func ("/satchel/contacts/format", test_format);
  g_test_add_func ("/satchel/contacts/store/round-trip", test_round_trip);
  g_test_add_func ("/satchel/contacts/store/rules", test_rules);
  g_test_add_func ("/satchel/contacts/store/update-remove", test_update_remove);
  g_test_add_func ("/satchel/contacts/store/groups", test_groups);
  g_test_add_func ("/satchel/contacts/store/hand-written", test_hand_written);
  g_test_add_func ("/satchel/contacts/store/items-changed", test_items_changed);
  g_test_add_func ("/satchel/contacts/search", test_search);
  g_test_add_func ("/satchel/contacts/usage", test_usage);
  g_test_add_func ("/satchel/contacts/corrupt/load", test_corrupt);
  g_test_add_func ("/satchel/contacts/corrupt/write", test_corrupt_on_write);
  g_test_add_func ("/satchel/contacts/corrupt/unreadable", test_unreadable);
  g_test_add_func ("/satchel/contacts/concurrent-writers", test_concurrent_writers);

  return g_test_run ();
}
