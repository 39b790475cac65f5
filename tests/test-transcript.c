/* test-transcript.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "satchel-account.h"
#include "satchel-paths.h"
#include "satchel-transcript.h"

typedef struct
{
  GPtrArray *lines;
} Forwarded;

static void
forward_line (gboolean    from_server,
              const char *line,
              gpointer    user_data)
{
  Forwarded *forwarded = user_data;

  g_ptr_array_add (forwarded->lines,
                   g_strconcat (from_server ? "S " : "C ", line, NULL));
}

static SatchelAccount *
make_account (void)
{
  SatchelAccount *account = satchel_account_new ("work");

  satchel_account_set_address (account, "ann@example.com");
  satchel_account_set_host (account, "smtp.example.com");
  satchel_account_set_security (account, SATCHEL_SECURITY_STARTTLS);
  satchel_account_set_port (account, 587);
  return account;
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (folder);
  while (g_dir_read_name (folder) != NULL)
    n++;
  return n;
}

/* A session's file: private, in a private folder, every line in order,
 * what the client gave passed on untouched to the caller's hook. */
static void
test_transcript_file (void)
{
  g_autoptr(SatchelAccount) account = make_account ();
  g_autoptr(SatchelTranscript) transcript = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = satchel_paths_logs_dir ();
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  Forwarded forwarded = { lines };
  const char *path;
  GStatBuf st;

  transcript = satchel_transcript_new (NULL, "send", "20260101T000000Z-abc/../x",
                                       account, forward_line, &forwarded);
  path = satchel_transcript_get_path (transcript);
  g_assert_nonnull (path);

  base = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (path, dir));
  g_assert_true (g_regex_match_simple ("^\\d{8}T\\d{6}\\.\\d{6}Z-send-"
                                       "20260101T000000Z-abc_.._x\\.log$",
                                       base, 0, 0));

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  satchel_transcript_add_line (TRUE, "220 mx.example.com ESMTP", transcript);
  satchel_transcript_add_line (FALSE, "AUTH PLAIN <redacted 20 bytes>", transcript);
  satchel_transcript_add_line (TRUE, "550 evil\x1b[2Jtext", transcript);
  satchel_transcript_finish (transcript, NULL);
  /* After the end: forwarded, not written. */
  satchel_transcript_add_line (FALSE, "QUIT", transcript);

  contents = read_file (path);
  g_assert_nonnull (strstr (contents, "Account “work”, server smtp.example.com "
                                      "port 587, security starttls\n"));
  g_assert_nonnull (strstr (contents,
                            "S: 220 mx.example.com ESMTP\n"
                            "C: AUTH PLAIN <redacted 20 bytes>\n"
                            "S: 550 evil\\x1B[2Jtext\n"
                            "# Result: done\n"));
  g_assert_true (g_str_has_suffix (contents, "# Result: done\n"));
  g_assert_null (strstr (contents, "QUIT"));

  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "S 220 mx.example.com ESMTP");
  g_assert_cmpstr (g_ptr_array_index (lines, 2), ==, "S 550 evil\x1b[2Jtext");
  g_assert_cmpstr (g_ptr_array_index (lines, 3), ==, "C QUIT");
}

static void
test_transcript_failure (void)
{
  g_autoptr(SatchelTranscript) transcript = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  transcript = satchel_transcript_new (NULL, "verify", "work", NULL, NULL, NULL);
  satchel_transcript_add_line (TRUE, "535 5.7.8 Authentication failed", transcript);
  g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The server refused to sign in.\nCheck the password.");
  satchel_transcript_finish (transcript, error);

  contents = read_file (satchel_transcript_get_path (transcript));
  g_assert_true (g_str_has_suffix (contents,
                                   "S: 535 5.7.8 Authentication failed\n"
                                   "# Result: failed: The server refused to sign "
                                   "in.\\x0ACheck the password.\n"));
  g_assert_nonnull (strstr (contents, "verification of account “work”"));
}

/* The newest SATCHEL_TRANSCRIPT_KEEP stay; nothing else in the folder is
 * touched. */
static void
test_transcript_rotation (void)
{
  g_autofree char *dir = satchel_paths_logs_dir ();
  g_autofree char *foreign = NULL;
  g_autofree char *foreign_log = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  guint n = SATCHEL_TRANSCRIPT_KEEP + 5;

  g_assert_true (satchel_paths_ensure_dir (dir, &error));
  foreign = g_build_filename (dir, "notes.txt", NULL);
  foreign_log = g_build_filename (dir, "mine.log", NULL);
  g_assert_true (g_file_set_contents (foreign, "keep me", -1, &error));
  g_assert_true (g_file_set_contents (foreign_log, "keep me too", -1, &error));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("item%u", i);
      g_autoptr(SatchelTranscript) transcript =
        satchel_transcript_new (NULL, "send", name, NULL, NULL, NULL);

      g_ptr_array_add (paths, g_strdup (satchel_transcript_get_path (transcript)));
      satchel_transcript_finish (transcript, NULL);
      /* While it runs, at most KEEP logs (plus the two foreign files). */
      g_assert_cmpuint (count_entries (dir), <=, SATCHEL_TRANSCRIPT_KEEP + 2);
    }

  g_assert_cmpuint (count_entries (dir), ==, SATCHEL_TRANSCRIPT_KEEP + 2);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_file_test (g_ptr_array_index (paths, i), G_FILE_TEST_EXISTS),
                     ==, i >= n - SATCHEL_TRANSCRIPT_KEEP);
  g_assert_true (g_file_test (foreign, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (foreign_log, G_FILE_TEST_EXISTS));

  /* Pruning by hand to fewer. */
  g_assert_cmpuint (satchel_transcript_prune (dir, 10, &error), ==,
                    SATCHEL_TRANSCRIPT_KEEP - 10);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 12);
  g_assert_true (g_file_test (g_ptr_array_index (paths, n - 1), G_FILE_TEST_EXISTS));
}

/* Two sessions in the same microsecond do not share a file. */
static void
test_transcript_unique (void)
{
  g_autoptr(GPtrArray) transcripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < 20; i++)
    {
      SatchelTranscript *transcript =
        satchel_transcript_new (NULL, "verify", "same", NULL, NULL, NULL);
      const char *path = satchel_transcript_get_path (transcript);

      g_assert_nonnull (path);
      g_assert_false (g_hash_table_contains (seen, path));
      g_hash_table_add (seen, (gpointer) path);
      g_ptr_array_add (transcripts, transcript);
    }
}

/* No folder to write in: the session goes on, lines are forwarded. */
static void
test_transcript_unwritable (void)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SatchelTranscript) transcript = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *blocker = g_build_filename (state, "not-a-folder", NULL);
  g_autofree char *dir = g_build_filename (blocker, "logs", NULL);
  Forwarded forwarded = { lines };

  g_assert_true (satchel_paths_ensure_dir (state, &error));
  g_assert_true (g_file_set_contents (blocker, "", 0, &error));

  transcript = satchel_transcript_new (dir, "send", "x", NULL, forward_line, &forwarded);
  g_assert_null (satchel_transcript_get_path (transcript));
  satchel_transcript_add_line (FALSE, "EHLO example.com", transcript);
  satchel_transcript_finish (transcript, NULL);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "C EHLO example.com");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/transcript/file", test_transcript_file);
  g_test_add_func ("/satchel/transcript/failure", test_transcript_failure);
  g_test_add_func ("/satchel/transcript/rotation", test_transcript_rotation);
  g_test_add_func ("/satchel/transcript/unique", test_transcript_unique);
  g_test_add_func ("/satchel/transcript/unwritable", test_transcript_unwritable);

  return g_test_run ();
}
