/* test-sent.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-paths.h"
#include "satchel-sent.h"

#include <glib.h>
#include <glib/gstdio.h>

#include <string.h>

static char *
sent_dir (void)
{
  g_autofree char *dir = satchel_paths_sent_dir ();

  g_assert_true (satchel_paths_ensure_dir (dir, NULL));
  return g_steal_pointer (&dir);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static void
test_sent_missing_folder (void)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  messages = satchel_sent_list_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (messages);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_false (satchel_sent_contains (NULL, "abc"));
}

/* Subjects and names in RFC 2047 come out decoded; Bcc never shows
 * (there is none on the wire); the list is newest first by Date. */
static void
test_sent_headers (void)
{
  g_autofree char *dir = sent_dir ();
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  SatchelSentMessage *message;

  write_file (dir, "20261101T080000-older.eml",
              "From: Ann <ann@example.com>\r\n"
              "To: Bob <bob@example.com>\r\n"
              "Subject: Older\r\n"
              "Date: Sun, 01 Nov 2026 08:00:00 +0000\r\n"
              "\r\n"
              "Body.\r\n", -1);
  write_file (dir, "20261102T090000-newer.eml",
              "From: Ann <ann@example.com>\r\n"
              "To: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>, carol@example.com\r\n"
              "Cc: Dave <dave@example.com>\r\n"
              "Subject: =?UTF-8?B?5Lya6K6u57qq6KaB?=\r\n"
              "Date: Mon, 02 Nov 2026 09:00:00 +0000\r\n"
              "\r\n"
              "Subject: not a header\r\n", -1);
  /* Not mail: ignored. */
  write_file (dir, "notes.txt", "Subject: no\r\n\r\n", -1);

  messages = satchel_sent_list_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);

  message = messages->pdata[0];
  g_assert_cmpstr (satchel_sent_message_get_id (message), ==, "newer");
  g_assert_cmpstr (satchel_sent_message_get_subject (message), ==, "会议纪要");
  g_assert_cmpstr (satchel_sent_message_get_recipients (message), ==,
                   "张三 <zhang@example.cn>, carol@example.com, Dave <dave@example.com>");
  g_assert_cmpint (satchel_sent_message_get_date (message), ==, 1793610000);
  g_assert_true (g_str_has_suffix (satchel_sent_message_get_path (message),
                                   "/20261102T090000-newer.eml"));

  message = messages->pdata[1];
  g_assert_cmpstr (satchel_sent_message_get_id (message), ==, "older");
  g_assert_cmpstr (satchel_sent_message_get_subject (message), ==, "Older");
  g_assert_cmpstr (satchel_sent_message_get_recipients (message), ==, "Bob <bob@example.com>");

  g_assert_true (satchel_sent_contains (NULL, "older"));
  g_assert_false (satchel_sent_contains (NULL, "olde"));
}

/* Only the header block is read: a body of many megabytes after it
 * does not matter, and header text is made printable. */
static void
test_sent_large_and_odd (void)
{
  g_autofree char *dir = sent_dir ();
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  SatchelSentMessage *message;

  g_string_append (big,
                   "To: bob@example.com\n"
                   "Subject: Tab\there \xff and bad UTF-8\n"
                   "\n");
  for (guint i = 0; i < 100000; i++)
    g_string_append (big, "Subject: body line that looks like a header\n");
  write_file (dir, "20261103T100000-big.eml", big->str, big->len);

  /* No Date header: the file's time is used. */
  write_file (dir, "no-date.eml", "Subject: Undated\r\n\r\n", -1);

  messages = satchel_sent_list_sync (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 2);
  for (guint i = 0; i < messages->len; i++)
    {
      message = messages->pdata[i];
      if (g_strcmp0 (satchel_sent_message_get_id (message), "big") == 0)
        {
          const char *subject = satchel_sent_message_get_subject (message);

          g_assert_true (g_utf8_validate (subject, -1, NULL));
          g_assert_null (strchr (subject, '\t'));
          g_assert_true (g_str_has_prefix (subject, "Tab here"));
          g_assert_cmpstr (satchel_sent_message_get_recipients (message), ==, "bob@example.com");
        }
      else
        {
          g_assert_null (satchel_sent_message_get_id (message));
          g_assert_cmpstr (satchel_sent_message_get_subject (message), ==, "Undated");
          g_assert_cmpint (satchel_sent_message_get_date (message), >,
                           g_get_real_time () / G_USEC_PER_SEC - 3600);
        }
    }
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = satchel_sent_list_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_sent_async (void)
{
  g_autofree char *dir = sent_dir ();
  g_autoptr(GPtrArray) messages = NULL;

  write_file (dir, "20261104T100000-one.eml", "Subject: One\r\n\r\n", -1);
  satchel_sent_list_async (NULL, NULL, on_listed, &messages);
  while (messages == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (satchel_sent_message_get_subject (messages->pdata[0]), ==, "One");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/sent/missing-folder", test_sent_missing_folder);
  g_test_add_func ("/satchel/sent/headers", test_sent_headers);
  g_test_add_func ("/satchel/sent/large-and-odd", test_sent_large_and_odd);
  g_test_add_func ("/satchel/sent/async", test_sent_async);

  return g_test_run ();
}
