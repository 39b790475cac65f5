/* test-draft.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "satchel-draft.h"
#include "satchel-error.h"
#include "satchel-paths.h"

static const char *odd_paths[] = {
  "/home/ann/My Documents/report 2026.pdf",
  "/home/ann/文档/报告（最终）.docx",
  "/tmp/100% sure?#&=+;,@.txt",
  "/tmp/a\nX-Satchel-Attachment: file:///etc/passwd",
  "/tmp/not-utf8-\xff\xfe.bin",
  "/tmp/%20literal%2F",
  "/tmp/=?UTF-8?B?Zm9v?=",
  NULL
};

static char *
drafts_dir (void)
{
  return satchel_paths_drafts_dir ();
}

static char *
draft_path (const char *id)
{
  g_autofree char *dir = drafts_dir ();
  g_autofree char *name = g_strconcat (id, ".eml", NULL);

  return g_build_filename (dir, name, NULL);
}

static char *
read_draft_file (const char *id)
{
  g_autofree char *path = draft_path (id);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static SatchelDraft *
make_full_draft (void)
{
  SatchelDraft *draft = satchel_draft_new ();

  satchel_draft_set_account (draft, "工作 account");
  satchel_draft_set_to (draft, "张三 <zhang@例子.中国>, bob@example.com; not an address");
  satchel_draft_set_cc (draft, "\"Müller, Jörg\" <j@example.de>");
  satchel_draft_set_bcc (draft, "secret@example.org");
  satchel_draft_set_subject (draft, "关于附件的问题 — a long subject that goes on and on "
                                    "past the seventy-eight columns of a header line");
  satchel_draft_set_body (draft, "Hello 你好,\r\nline two with trailing space \n"
                                 "From the start\n.\n> quoted\n-- \nsig\nno final newline");
  satchel_draft_set_html (draft, "<p>Hello <b>你好</b></p>");
  satchel_draft_set_attachments (draft, odd_paths);

  return draft;
}

static void
assert_same_draft (SatchelDraft *a,
                   SatchelDraft *b)
{
  g_assert_cmpstr (satchel_draft_get_id (a), ==, satchel_draft_get_id (b));
  g_assert_cmpstr (satchel_draft_get_account (a), ==, satchel_draft_get_account (b));
  g_assert_cmpstr (satchel_draft_get_to (a), ==, satchel_draft_get_to (b));
  g_assert_cmpstr (satchel_draft_get_cc (a), ==, satchel_draft_get_cc (b));
  g_assert_cmpstr (satchel_draft_get_bcc (a), ==, satchel_draft_get_bcc (b));
  g_assert_cmpstr (satchel_draft_get_subject (a), ==, satchel_draft_get_subject (b));
  g_assert_cmpstr (satchel_draft_get_body (a), ==, satchel_draft_get_body (b));
  g_assert_cmpstr (satchel_draft_get_html (a), ==, satchel_draft_get_html (b));
  g_assert_true (g_strv_equal (satchel_draft_get_attachments (a),
                               satchel_draft_get_attachments (b)));
  g_assert_cmpint (satchel_draft_get_modified (a), ==, satchel_draft_get_modified (b));
}

/* Every field comes back as typed: CJK, line ends, a last line without
 * its line end, and paths with spaces, non-ASCII, URI characters, a
 * line break and bytes that are not UTF-8. */
static void
test_draft_round_trip (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = make_full_draft ();
  g_autoptr(SatchelDraft) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_null (satchel_draft_get_id (draft));
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (satchel_draft_get_id (draft)));
  g_assert_cmpint (satchel_draft_get_modified (draft), >=, before);
  g_assert_cmpint (satchel_draft_get_modified (draft), <=, g_get_real_time () / G_USEC_PER_SEC);

  loaded = satchel_draft_store_load (store, satchel_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_same_draft (draft, loaded);
  g_assert_cmpstr (satchel_draft_get_attachments (loaded)[4], ==, "/tmp/not-utf8-\xff\xfe.bin");

  /* An RFC 5322 message, 7-bit: CJK is RFC 2047-encoded, the line break
   * in a path did not become a header of its own. */
  contents = read_draft_file (satchel_draft_get_id (draft));
  for (const char *p = contents; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, <, 0x80);
  g_assert_nonnull (strstr (contents, "\nX-Satchel-To: =?"));
  g_assert_nonnull (strstr (contents, "\nSubject: =?"));
  g_assert_nonnull (strstr (contents, "\nX-Satchel-Bcc: secret@example.org\n"));
  g_assert_nonnull (strstr (contents, "\nX-Satchel-Attachment: file:///home/ann/My%20Documents/"));
  g_assert_nonnull (strstr (contents, "Content-Type: multipart/alternative"));
  g_assert_nonnull (strstr (contents, "Content-Type: text/html; charset=utf-8"));
  g_assert_null (strstr (contents, "\nX-Satchel-Attachment: file:///etc/passwd"));
  g_assert_null (strstr (contents, "\nFrom:"));

  /* A second save keeps the id and the file. */
  satchel_draft_set_body (draft, "changed");
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = satchel_draft_store_load (store, satchel_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_same_draft (draft, loaded);
}

/* Plain text stays plain text (no html), empty rich text stays rich
 * text; an empty draft round-trips as empty strings, not NULL. */
static void
test_draft_plain (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(SatchelDraft) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_cmpstr (satchel_draft_get_to (draft), ==, "");
  g_assert_cmpstr (satchel_draft_get_body (draft), ==, "");
  g_assert_null (satchel_draft_get_account (draft));
  g_assert_null (satchel_draft_get_html (draft));
  g_assert_nonnull (satchel_draft_get_attachments (draft));
  g_assert_null (satchel_draft_get_attachments (draft)[0]);

  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);
  loaded = satchel_draft_store_load (store, satchel_draft_get_id (draft), &error);
  g_assert_no_error (error);
  assert_same_draft (draft, loaded);
  contents = read_draft_file (satchel_draft_get_id (draft));
  g_assert_null (strstr (contents, "multipart"));
  g_assert_nonnull (strstr (contents, "Content-Type: text/plain; charset=utf-8"));

  satchel_draft_set_body (draft, "plain\n");
  satchel_draft_set_html (draft, "");
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = satchel_draft_store_load (store, satchel_draft_get_id (draft), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (satchel_draft_get_html (loaded), ==, "");
  g_assert_cmpstr (satchel_draft_get_body (loaded), ==, "plain\n");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* Setters notify once per change; is_empty ignores blanks and the
 * account. */
static void
test_draft_properties (void)
{
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  const char *paths[] = { "/tmp/x", NULL };
  g_autofree char *to = NULL;
  guint n_notify = 0;

  g_signal_connect (draft, "notify", G_CALLBACK (count_notify), &n_notify);
  g_assert_true (satchel_draft_is_empty (draft));

  satchel_draft_set_account (draft, "work");
  satchel_draft_set_account (draft, "work");
  g_assert_cmpuint (n_notify, ==, 1);
  satchel_draft_set_body (draft, "  \n\t ");
  g_assert_cmpuint (n_notify, ==, 2);
  g_assert_true (satchel_draft_is_empty (draft));

  satchel_draft_set_attachments (draft, paths);
  satchel_draft_set_attachments (draft, paths);
  g_assert_cmpuint (n_notify, ==, 3);
  g_assert_false (satchel_draft_is_empty (draft));
  satchel_draft_set_attachments (draft, NULL);
  g_assert_true (satchel_draft_is_empty (draft));

  g_object_set (draft, "to", "bob@example.com", NULL);
  g_object_get (draft, "to", &to, NULL);
  g_assert_cmpstr (to, ==, "bob@example.com");
  g_assert_false (satchel_draft_is_empty (draft));
  satchel_draft_set_to (draft, NULL);
  g_assert_cmpstr (satchel_draft_get_to (draft), ==, "");

  satchel_draft_set_html (draft, "<p></p>");
  g_assert_false (satchel_draft_is_empty (draft));
}

/* Most recently saved first, even within one second. */
static void
test_draft_list_order (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  SatchelDraft *drafts[3];

  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (drafts); i++)
    {
      g_autofree char *subject = g_strdup_printf ("draft %u", i);

      drafts[i] = satchel_draft_new ();
      satchel_draft_set_subject (drafts[i], subject);
      g_assert_true (satchel_draft_store_save (store, drafts[i], &error));
      g_assert_no_error (error);
      g_usleep (2000);
    }

  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (satchel_draft_get_subject (g_ptr_array_index (list, 0)), ==, "draft 2");
  g_assert_cmpstr (satchel_draft_get_subject (g_ptr_array_index (list, 1)), ==, "draft 1");
  g_assert_cmpstr (satchel_draft_get_subject (g_ptr_array_index (list, 2)), ==, "draft 0");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Saving the oldest again brings it to the top. */
  g_assert_true (satchel_draft_store_save (store, drafts[0], &error));
  g_assert_no_error (error);
  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (satchel_draft_get_id (g_ptr_array_index (list, 0)), ==,
                   satchel_draft_get_id (drafts[0]));
  assert_same_draft (drafts[0], g_ptr_array_index (list, 0));
  g_assert_cmpstr (satchel_draft_get_subject (g_ptr_array_index (list, 1)), ==, "draft 2");

  for (guint i = 0; i < G_N_ELEMENTS (drafts); i++)
    g_object_unref (drafts[i]);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
file_exists (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Files that are not drafts, or are damaged, are skipped and left
 * where they are: the user may still recover the text by hand. */
static void
test_draft_corrupt (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) good = satchel_draft_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = drafts_dir ();
  g_autofree char *fifo = NULL;
  const char *garbage = "0b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml";
  const char *foreign = "1b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml";
  const char *not_utf8 = "2b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml";
  const char *other_type = "3b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml";
  const char *fifo_name = "4b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml";

  satchel_draft_set_body (good, "still here");
  g_assert_true (satchel_draft_store_save (store, good, &error));
  g_assert_no_error (error);

  write_file (dir, garbage, "\x01\x02\xff\xfe binary junk\n\n\n");
  write_file (dir, foreign, "From: a@example.com\nSubject: hi\n\nNot ours.\n");
  /* "aGk=\n//4=" is base64 for "hi" then 0xff 0xfe. */
  write_file (dir, not_utf8, "X-Satchel-Draft: 1\nMIME-Version: 1.0\n"
                             "Content-Type: text/plain; charset=utf-8\n"
                             "Content-Transfer-Encoding: base64\n\naGn//g==\n");
  write_file (dir, other_type, "X-Satchel-Draft: 1\nMIME-Version: 1.0\n"
                               "Content-Type: image/png\n\nPNG\n");
  write_file (dir, "notes.eml", "X-Satchel-Draft: 1\n\nname is not an id\n");
  fifo = g_build_filename (dir, fifo_name, NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (satchel_draft_get_body (g_ptr_array_index (list, 0)), ==, "still here");

  g_assert_true (file_exists (dir, garbage));
  g_assert_true (file_exists (dir, foreign));
  g_assert_true (file_exists (dir, not_utf8));
  g_assert_true (file_exists (dir, other_type));
  g_assert_true (file_exists (dir, "notes.eml"));
  g_assert_true (file_exists (dir, fifo_name));

  /* Loading one says what is wrong and what to do. */
  g_assert_null (satchel_draft_store_load (store, "1b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d",
                                           &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a Satchel draft"));
  g_assert_nonnull (strstr (error->message, foreign));
  g_clear_error (&error);

  g_assert_null (satchel_draft_store_load (store, "2b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d",
                                           &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
}

/* A name is an id: never a path. */
static void
test_draft_bad_id (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = drafts_dir ();
  g_autofree char *outside = g_build_filename (dir, "..", "victim.eml", NULL);

  g_assert_true (satchel_paths_ensure_dir (dir, NULL));
  write_file (dir, "../victim.eml", "X-Satchel-Draft: 1\n\nsecret\n");

  g_assert_null (satchel_draft_store_load (store, "../victim", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_assert_true (satchel_draft_store_remove (store, "../victim", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
}

static void
test_draft_remove (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(SatchelDraft) kept = satchel_draft_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  satchel_draft_set_subject (draft, "to go");
  satchel_draft_set_subject (kept, "to keep");
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_true (satchel_draft_store_save (store, kept, &error));
  g_assert_no_error (error);
  path = draft_path (satchel_draft_get_id (draft));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (satchel_draft_store_remove (store, satchel_draft_get_id (draft), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (satchel_draft_get_subject (g_ptr_array_index (list, 0)), ==, "to keep");

  /* Already gone: not an error; loading it says it is gone. */
  g_assert_true (satchel_draft_store_remove (store, satchel_draft_get_id (draft), &error));
  g_assert_no_error (error);
  g_assert_null (satchel_draft_store_load (store, satchel_draft_get_id (draft), &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "no longer exists"));
  g_clear_error (&error);

  /* Saving it again after that (undo of a send) brings it back. */
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
}

typedef struct
{
  guint n_done;
  guint n_failed;
} AsyncState;

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  if (!satchel_draft_store_save_finish (SATCHEL_DRAFT_STORE (source), result, &error))
    {
      g_test_message ("save failed: %s", error->message);
      state->n_failed++;
    }
  state->n_done++;
}

static void
wait_for_saves (AsyncState *state,
                guint       n)
{
  while (state->n_done < n)
    g_main_context_iteration (NULL, TRUE);
}

/* Many saves of one draft in a row, while the window goes on typing:
 * the file ends with the last text, whatever order the workers finish
 * in; a removal asked for after them wins over all of them. */
static void
test_draft_async_order (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(SatchelDraft) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *big = NULL;
  AsyncState state = { 0 };
  const guint n_saves = 40;
  const char *body;

  /* Big enough that writing takes a while. */
  big = g_strnfill (512 * 1024, 'x');

  for (guint i = 0; i < n_saves; i++)
    {
      g_autofree char *text = NULL;

      /* Early saves are big and slow, later ones small and quick. */
      text = g_strdup_printf ("%s version %u", i < n_saves / 2 ? big : "", i);
      satchel_draft_set_body (draft, text);
      satchel_draft_store_save_async (store, draft, NULL, on_saved, &state);
      /* The id is there at once, and it never changes. */
      g_assert_true (g_uuid_string_is_valid (satchel_draft_get_id (draft)));
    }
  /* The copy was taken at the call: typing on does not leak into it. */
  satchel_draft_set_body (draft, "typed after the last save");

  wait_for_saves (&state, n_saves);
  g_assert_cmpuint (state.n_failed, ==, 0);

  loaded = satchel_draft_store_load (store, satchel_draft_get_id (draft), &error);
  g_assert_no_error (error);
  body = satchel_draft_get_body (loaded);
  if (!g_str_equal (body, " version 39"))
    g_error ("The draft holds the text of an older save, ending “%s”",
             body + strlen (body) - MIN (strlen (body), 12));

  /* Saves asked for, then the draft discarded: nothing comes back. */
  path = draft_path (satchel_draft_get_id (draft));
  state.n_done = 0;
  for (guint i = 0; i < 10; i++)
    satchel_draft_store_save_async (store, draft, NULL, on_saved, &state);
  g_assert_true (satchel_draft_store_remove (store, satchel_draft_get_id (draft), &error));
  g_assert_no_error (error);
  wait_for_saves (&state, 10);
  g_assert_cmpuint (state.n_failed, ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A cancelled save writes nothing and says so. */
static void
test_draft_async_cancel (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = NULL;
  AsyncState state = { 0 };

  g_cancellable_cancel (cancellable);
  satchel_draft_store_save_async (store, draft, cancellable, on_saved, &state);
  wait_for_saves (&state, 1);
  g_assert_cmpuint (state.n_failed, ==, 1);
  path = draft_path (satchel_draft_get_id (draft));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Private: the file 0600, the folder 0700 even when it was made with a
 * wider mode; no temporary file left behind. */
static void
test_draft_mode (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *dir_path = drafts_dir ();
  g_autofree char *path = NULL;
  GStatBuf buf;
  guint n_files = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0755), ==, 0);
  g_assert_cmpint (g_chmod (dir_path, 0755), ==, 0);

  satchel_draft_set_body (draft, "private");
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);

  path = draft_path (satchel_draft_get_id (draft));
  g_assert_cmpint (g_stat (path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir_path, &buf), ==, 0);
  g_assert_cmpint (buf.st_mode & 0777, ==, 0700);

  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
}

/* What a process killed while saving leaves behind is cleaned up once
 * it is old; a save in progress (a fresh file) is not touched. */
static void
test_draft_stale_temp (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = drafts_dir ();
  g_autofree char *old_path = NULL;
  const char *old_name = "5b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml.Ab3dEf";
  const char *fresh_name = "6b5c7e4a-1d2f-4a3b-8c9d-0e1f2a3b4c5d.eml.Gh1jKl";
  struct utimbuf times = { 0 };

  g_assert_true (satchel_paths_ensure_dir (dir, NULL));
  write_file (dir, old_name, "half");
  write_file (dir, fresh_name, "half");
  write_file (dir, "keep-me.txt", "not ours");
  old_path = g_build_filename (dir, old_name, NULL);
  times.actime = times.modtime = g_get_real_time () / G_USEC_PER_SEC - 3600;
  g_assert_cmpint (utime (old_path, &times), ==, 0);

  list = satchel_draft_store_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (file_exists (dir, old_name));
  g_assert_true (file_exists (dir, fresh_name));
  g_assert_true (file_exists (dir, "keep-me.txt"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/draft/round-trip", test_draft_round_trip);
  g_test_add_func ("/satchel/draft/plain", test_draft_plain);
  g_test_add_func ("/satchel/draft/properties", test_draft_properties);
  g_test_add_func ("/satchel/draft/list-order", test_draft_list_order);
  g_test_add_func ("/satchel/draft/corrupt", test_draft_corrupt);
  g_test_add_func ("/satchel/draft/bad-id", test_draft_bad_id);
  g_test_add_func ("/satchel/draft/remove", test_draft_remove);
  g_test_add_func ("/satchel/draft/async-order", test_draft_async_order);
  g_test_add_func ("/satchel/draft/async-cancel", test_draft_async_cancel);
  g_test_add_func ("/satchel/draft/mode", test_draft_mode);
  g_test_add_func ("/satchel/draft/stale-temp", test_draft_stale_temp);

  return g_test_run ();
}
