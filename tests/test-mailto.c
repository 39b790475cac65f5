/* test-mailto.c
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
#include <unistd.h>

#include "satchel-error.h"
#include "satchel-mailto.h"

static SatchelMailto *
parse_ok (const char *uri)
{
  g_autoptr(GError) error = NULL;
  SatchelMailto *mailto = satchel_mailto_parse (uri, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mailto);
  g_assert_nonnull (mailto->to);
  g_assert_nonnull (mailto->cc);
  g_assert_nonnull (mailto->bcc);
  g_assert_nonnull (mailto->attachments);
  return mailto;
}

/* The list @addresses holds exactly the NULL-terminated arguments. */
static void
assert_list (GPtrArray *list,
             ...)
{
  va_list args;
  const char *expected;
  guint i = 0;

  va_start (args, list);
  while ((expected = va_arg (args, const char *)) != NULL)
    {
      g_assert_cmpuint (i, <, list->len);
      g_assert_cmpstr (g_ptr_array_index (list, i), ==, expected);
      i++;
    }
  va_end (args);
  g_assert_cmpuint (list->len, ==, i);
}

/* Refused, and the message says why. */
static void
assert_invalid (const char *uri,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SatchelMailto) mailto = satchel_mailto_parse (uri, &error);

  g_test_message ("%s", uri);
  g_assert_null (mailto);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strpbrk (error->message, "\r\n"));
  if (strstr (error->message, reason) == NULL)
    g_error ("“%s” does not say “%s”", error->message, reason);
}

/* RFC 6068 section 6.1, the basic examples. */
static void
test_mailto_rfc_basic (void)
{
  g_autoptr(SatchelMailto) a = parse_ok ("mailto:chris@example.com");
  g_autoptr(SatchelMailto) b = parse_ok ("mailto:infobot@example.com?subject=current-issue");
  g_autoptr(SatchelMailto) c = parse_ok ("mailto:infobot@example.com?body=send%20current-issue");
  g_autoptr(SatchelMailto) d =
    parse_ok ("mailto:infobot@example.com?body=send%20current-issue%0D%0Asend%20index");
  g_autoptr(SatchelMailto) e =
    parse_ok ("mailto:list@example.org?In-Reply-To=%3C3469A91.D10AF4C@example.com%3E");
  g_autoptr(SatchelMailto) f = parse_ok ("mailto:joe@example.com?cc=bob@example.com&body=hello");
  g_autoptr(SatchelMailto) g = parse_ok ("mailto:gorby%25kremvax@example.com");
  g_autoptr(SatchelMailto) h = parse_ok ("mailto:unlikely%3Faddress@example.com?blat=foop");
  g_autoptr(SatchelMailto) i = parse_ok ("mailto:Mike%26family@example.org");

  assert_list (a->to, "chris@example.com", NULL);
  g_assert_null (a->subject);
  g_assert_null (a->body);
  assert_list (a->cc, NULL);
  assert_list (a->attachments, NULL);

  assert_list (b->to, "infobot@example.com", NULL);
  g_assert_cmpstr (b->subject, ==, "current-issue");
  g_assert_cmpstr (c->body, ==, "send current-issue");
  g_assert_cmpstr (d->body, ==, "send current-issue\nsend index");

  /* Not a field a link may set: ignored, the rest stands. */
  assert_list (e->to, "list@example.org", NULL);
  g_assert_null (e->subject);
  g_assert_null (e->body);

  assert_list (f->to, "joe@example.com", NULL);
  assert_list (f->cc, "bob@example.com", NULL);
  g_assert_cmpstr (f->body, ==, "hello");

  assert_list (g->to, "gorby%kremvax@example.com", NULL);
  assert_list (h->to, "unlikely?address@example.com", NULL);
  assert_list (i->to, "Mike&family@example.org", NULL);
}

/* RFC 6068 section 6.2: quoted local parts; a comma inside quotes does
 * not split the address. */
static void
test_mailto_rfc_quoted (void)
{
  g_autoptr(SatchelMailto) a = parse_ok ("mailto:%22not%40me%22@example.org");
  g_autoptr(SatchelMailto) b = parse_ok ("mailto:%22oh%5C%5Cno%22@example.org");
  g_autoptr(SatchelMailto) c =
    parse_ok ("mailto:%22%5C%5C%5C%22it's%5C%20ugly%5C%5C%5C%22%22@example.org");
  g_autoptr(SatchelMailto) d = parse_ok ("mailto:%22a%2Cb%22@example.org,c@example.org");

  assert_list (a->to, "\"not@me\"@example.org", NULL);
  assert_list (b->to, "\"oh\\\\no\"@example.org", NULL);
  assert_list (c->to, "\"\\\\\\\"it's\\ ugly\\\\\\\"\"@example.org", NULL);
  assert_list (d->to, "\"a,b\"@example.org", "c@example.org", NULL);
}

/* RFC 6068 section 6.3: percent-encoded UTF-8, in the subject and in a
 * domain; an encoded word stays text (it is what the link says). */
static void
test_mailto_rfc_utf8 (void)
{
  g_autoptr(SatchelMailto) a = parse_ok ("mailto:user@example.org?subject=caf%C3%A9");
  g_autoptr(SatchelMailto) b =
    parse_ok ("mailto:user@example.org?subject=%3D%3Futf-8%3FQ%3Fcaf%3DC3%3DA9%3F%3D");
  g_autoptr(SatchelMailto) c =
    parse_ok ("mailto:user@%E7%B4%8D%E8%B1%86.example.org?subject=Test&body=NATTO");
  g_autoptr(SatchelMailto) d =
    parse_ok ("mailto:%E5%BC%A0%E4%B8%89@%E4%BE%8B%E5%AD%90.%E4%B8%AD%E5%9B%BD"
              "?subject=%E5%85%B3%E4%BA%8E%E9%99%84%E4%BB%B6");
  g_autoptr(SatchelMailto) e = parse_ok ("mailto:张三@例子.中国?subject=你好");

  g_assert_cmpstr (a->subject, ==, "café");
  g_assert_cmpstr (b->subject, ==, "=?utf-8?Q?caf=C3=A9?=");
  assert_list (c->to, "user@納豆.example.org", NULL);
  g_assert_cmpstr (c->subject, ==, "Test");
  g_assert_cmpstr (c->body, ==, "NATTO");
  assert_list (d->to, "张三@例子.中国", NULL);
  g_assert_cmpstr (d->subject, ==, "关于附件");
  /* An IRI as a browser may hand it over, not encoded. */
  assert_list (e->to, "张三@例子.中国", NULL);
  g_assert_cmpstr (e->subject, ==, "你好");
}

/* Several recipients in the path and in to, cc and bcc fields, which
 * may repeat; names are case-insensitive; empty entries vanish. */
static void
test_mailto_recipients (void)
{
  g_autoptr(SatchelMailto) a =
    parse_ok ("mailto:a@example.com,%20b@example.com,,?to=c@example.com"
              "&TO=d@example.com,e@example.com&Cc=f@example.com&cc=g@example.com"
              "&bCC=h@example.com%2Ci@example.com");
  g_autoptr(SatchelMailto) b = parse_ok ("mailto:?to=addr1@an.example,addr2@an.example");
  g_autoptr(SatchelMailto) c = parse_ok ("MailTo:addr1@an.example?to=addr2@an.example");
  g_autoptr(SatchelMailto) d = parse_ok ("mailto:");

  assert_list (a->to, "a@example.com", "b@example.com", "c@example.com",
               "d@example.com", "e@example.com", NULL);
  assert_list (a->cc, "f@example.com", "g@example.com", NULL);
  assert_list (a->bcc, "h@example.com", "i@example.com", NULL);
  assert_list (b->to, "addr1@an.example", "addr2@an.example", NULL);
  assert_list (c->to, "addr1@an.example", "addr2@an.example", NULL);
  assert_list (d->to, NULL);
  g_assert_null (d->subject);
}

/* '+' is a plus (this is not a form), the body's line ends become LF,
 * and the last subject wins. */
static void
test_mailto_text (void)
{
  g_autoptr(SatchelMailto) a =
    parse_ok ("mailto:a@example.com?subject=C+%2B+C&body=1+1%3D2%0D%0A%0D%0Aline%0Dthree%0Afour"
              "&SUBJECT=second&Body=%E9%99%84%E4%BB%B6%20issue%20#5");

  g_assert_cmpstr (a->subject, ==, "second");
  g_assert_cmpstr (a->body, ==, "附件 issue #5");
  g_clear_pointer (&a, satchel_mailto_free);

  a = parse_ok ("mailto:a@example.com?subject=C+%2B+C&body=1+1%3D2%0D%0A%0D%0Aline%0Dthree%0Afour");
  g_assert_cmpstr (a->subject, ==, "C+++C");
  g_assert_cmpstr (a->body, ==, "1+1=2\n\nline\nthree\nfour");
}

/* What a link is refused for. */
static void
test_mailto_invalid (void)
{
  assert_invalid ("http://example.com/", "mailto:");
  assert_invalid ("mail:a@example.com", "mailto:");
  assert_invalid ("mailto:a@example.com?subject=100%", "%");
  assert_invalid ("mailto:a@example.com?subject=%4", "%");
  assert_invalid ("mailto:a@example.com?subject=%zz", "%");
  assert_invalid ("mailto:a%2@example.com", "%");
  assert_invalid ("mailto:a@example.com?subject=%FF%FE", "UTF-8");
  assert_invalid ("mailto:a@example.com?body=%C3", "UTF-8");
  assert_invalid ("mailto:a@example.com?subject=a%00b", "NUL");
  assert_invalid ("mailto:a@example.com?body=a%00b", "NUL");
  /* Line breaks would add header fields. */
  assert_invalid ("mailto:a@example.com?subject=hi%0D%0ABcc:%20spy@example.com", "subject");
  assert_invalid ("mailto:a@example.com?subject=hi%0Athere", "line break");
  assert_invalid ("mailto:a@example.com%0D%0ABcc:spy@example.com", "line break");
  assert_invalid ("mailto:a@example.com?cc=b@example.com%0Ac@example.com", "cc");
  assert_invalid ("mailto:a@example.com?bcc=b@example.com%0D", "bcc");
  assert_invalid ("mailto:a@example.com?to=b@example.com%0A", "to");
}

/* Unknown fields and malformed pairs are ignored, not errors. */
static void
test_mailto_unknown (void)
{
  g_autoptr(SatchelMailto) a =
    parse_ok ("mailto:a@example.com?from=evil@example.com&X-Mailer=x&send=yes"
              "&reply-to=evil@example.com&&novalue&=&subject=kept");

  assert_list (a->to, "a@example.com", NULL);
  assert_list (a->cc, NULL);
  assert_list (a->bcc, NULL);
  g_assert_cmpstr (a->subject, ==, "kept");
}

/* attach and attachment, as xdg-email --attach (an encoded path) and
 * the desktop portal pass them, and file: URIs, encoded in the link or
 * not. Each path once, in order. */
static void
test_mailto_attach_forms (void)
{
  g_autoptr(SatchelMailto) a =
    parse_ok ("mailto:a@example.com?attach=%2Fhome%2Fann%2FMy%20Documents%2Freport.pdf"
              "&attachment=/tmp/plain path.txt"
              "&ATTACH=file:///tmp/a%20b%2520c.txt"
              "&Attachment=file%3A%2F%2F%2Ftmp%2F%25E6%2596%2587%25E6%25A1%25A3.txt"
              "&attach=file://localhost/tmp/local.txt"
              "&attach=%2Ftmp%2F%E6%96%87%E6%A1%A3.txt"
              "&attach=/tmp/plain%20path.txt");

  assert_list (a->attachments,
               "/home/ann/My Documents/report.pdf",
               "/tmp/plain path.txt",
               "/tmp/a b%20c.txt",
               "/tmp/文档.txt",
               "/tmp/local.txt",
               NULL);

  /* A link has no current folder; not a file here; names that could
   * fool the consent dialog. */
  assert_invalid ("mailto:a@example.com?attach=notes.txt", "not a full path");
  assert_invalid ("mailto:a@example.com?attach=..%2F.ssh%2Fid_rsa", "not a full path");
  assert_invalid ("mailto:a@example.com?attach=~/.ssh/id_rsa", "not a full path");
  assert_invalid ("mailto:a@example.com?attachment=http://example.com/x.pdf",
                  "not a file on this computer");
  assert_invalid ("mailto:a@example.com?attach=file://server.example.com/share/x.pdf",
                  "not a file on this computer");
  assert_invalid ("mailto:a@example.com?attach=smb://server/share/x.pdf",
                  "not a file on this computer");
  assert_invalid ("mailto:a@example.com?attach=file:///tmp/%FF.bin", "UTF-8");
  assert_invalid ("mailto:a@example.com?attach=%2Ftmp%2Freport%E2%80%AEfdp.exe",
                  "invisible");
  assert_invalid ("mailto:a@example.com?attach=%2Ftmp%2Fa%09b", "control");
  assert_invalid ("mailto:a@example.com?attach=file%3A%2F%2F%2Ftmp%2Fa%250Ab", "control");
  assert_invalid ("mailto:a@example.com?attach=file:///tmp/a%0Ab", "line break");
  assert_invalid ("mailto:a@example.com?attach=%2Ftmp%2Fa%0Ab", "line break");
}

/* A folder of its own, like a home, for the attachment checks. */
typedef struct
{
  char *home;
} Home;

static char *
home_path (Home       *home,
           const char *relative)
{
  return g_build_filename (home->home, relative, NULL);
}

static void
make_file (Home       *home,
           const char *relative)
{
  g_autofree char *path = home_path (home, relative);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "content\n", -1, &error);
  g_assert_no_error (error);
}

static void
make_link (Home       *home,
           const char *relative,
           const char *target)
{
  g_autofree char *path = home_path (home, relative);

  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
home_set_up (Home          *home,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  home->home = g_dir_make_tmp ("satchel-mailto-XXXXXX", &error);
  g_assert_no_error (error);
  /* A hidden folder anywhere above would make every check fail. */
  g_assert_null (strstr (home->home, "/."));

  make_file (home, "Documents/report.pdf");
  make_file (home, "Documents/报告 2026.txt");
  make_file (home, "Documents/.secret");
  make_file (home, ".ssh/id_rsa");
  make_file (home, ".config/app/settings.ini");
  make_file (home, ".gnupg/private-keys-v1.d/key");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
home_tear_down (Home          *home,
                gconstpointer  data)
{
  remove_tree (home->home);
  g_free (home->home);
}

static void
assert_allowed (Home       *home,
                const char *relative)
{
  g_autofree char *path = home_path (home, relative);
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_mailto_check_attachment (path, &error));
  g_assert_no_error (error);
}

/* Refused (an absolute @path, or one relative to the home when it does
 * not start with '/'), with a reason that names it and says @reason. */
static void
assert_refused (Home       *home,
                const char *path,
                const char *reason)
{
  g_autofree char *full = path[0] == '/' ? g_strdup (path) : home_path (home, path);
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", full);
  g_assert_false (satchel_mailto_check_attachment (full, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, reason) == NULL)
    g_error ("“%s” does not say “%s”", error->message, reason);
  if (strstr (error->message, full) == NULL)
    g_error ("“%s” does not name “%s”", error->message, full);
}

/* Documents may be offered, in any language. */
static void
test_mailto_check_allowed (Home          *home,
                           gconstpointer  data)
{
  assert_allowed (home, "Documents/report.pdf");
  assert_allowed (home, "Documents/报告 2026.txt");

  /* A link to a document is judged by the document. */
  make_link (home, "Documents/latest.pdf", "report.pdf");
  assert_allowed (home, "Documents/latest.pdf");
}

/* CVE-2020-11879: a link must not take the user's keys. Hidden files,
 * hidden folders, and links that lead to them. */
static void
test_mailto_check_hidden (Home          *home,
                          gconstpointer  data)
{
  g_autofree char *ssh_key = home_path (home, ".ssh/id_rsa");
  g_autofree char *ssh_dir = home_path (home, ".ssh");
  g_autofree char *dotdot = home_path (home, "Documents/../.ssh/id_rsa");

  assert_refused (home, ".ssh/id_rsa", "hidden");
  assert_refused (home, ".config/app/settings.ini", "hidden");
  assert_refused (home, ".gnupg/private-keys-v1.d/key", "hidden");
  assert_refused (home, "Documents/.secret", "hidden");
  assert_refused (home, dotdot, "hidden");
  assert_refused (home, "Documents/./report.pdf", "hidden");

  /* An innocent name that leads to a key. */
  make_link (home, "Documents/invoice.pdf", ssh_key);
  assert_refused (home, "Documents/invoice.pdf", "leads to");
  assert_refused (home, "Documents/invoice.pdf", ssh_key);
  /* A folder that leads to a hidden one. */
  make_link (home, "keys", ssh_dir);
  assert_refused (home, "keys/id_rsa", "hidden");
  /* Relative links, too. */
  make_link (home, "Documents/relative.pdf", "../.ssh/id_rsa");
  assert_refused (home, "Documents/relative.pdf", "hidden");
}

/* Only regular files: not folders, pipes, devices, or what describes
 * the running system. */
static void
test_mailto_check_not_regular (Home          *home,
                               gconstpointer  data)
{
  g_autofree char *fifo = home_path (home, "Documents/pipe");

  assert_refused (home, "Documents", "folder");
  assert_refused (home, "/", "folder");

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_refused (home, "Documents/pipe", "not an ordinary file");

  assert_refused (home, "/dev/stdin", "running system");
  assert_refused (home, "/dev/null", "running system");
  assert_refused (home, "/proc/self/environ", "running system");
  assert_refused (home, "/proc/self/cwd/x", "running system");
  assert_refused (home, "/sys/kernel/notes", "running system");

  make_link (home, "Documents/env.txt", "/proc/self/environ");
  assert_refused (home, "Documents/env.txt", "leads to");
  /* Where /dev/stdin leads depends on how the test runs. */
  make_link (home, "Documents/input.txt", "/dev/stdin");
  assert_refused (home, "Documents/input.txt", "");
}

/* Missing, relative, unreadable. */
static void
test_mailto_check_other (Home          *home,
                         gconstpointer  data)
{
  g_autofree char *locked = home_path (home, "Documents/locked.txt");
  g_autoptr(GError) error = NULL;

  assert_refused (home, "Documents/missing.pdf", "does not exist");
  assert_refused (home, "Documents/report.pdf/x", "does not exist");
  make_link (home, "Documents/dangling.pdf", "nowhere.pdf");
  assert_refused (home, "Documents/dangling.pdf", "does not exist");

  g_assert_false (satchel_mailto_check_attachment ("Documents/report.pdf", &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "not a full path"));

  /* root reads anything. */
  if (geteuid () != 0)
    {
      make_file (home, "Documents/locked.txt");
      g_assert_cmpint (g_chmod (locked, 0), ==, 0);
      assert_refused (home, "Documents/locked.txt", "cannot be read");
    }
}

/* What the compose window does with a link: parse, then judge each
 * file it asks for before asking the user. */
static void
test_mailto_parse_then_check (Home          *home,
                              gconstpointer  data)
{
  g_autofree char *report = home_path (home, "Documents/report.pdf");
  g_autofree char *key = home_path (home, ".ssh/id_rsa");
  g_autofree char *report_uri = g_filename_to_uri (report, NULL, NULL);
  g_autofree char *escaped_key = g_uri_escape_string (key, NULL, FALSE);
  g_autofree char *uri = g_strdup_printf ("mailto:a@example.com?attach=%s&attachment=%s",
                                          report_uri, escaped_key);
  g_autoptr(SatchelMailto) mailto = parse_ok (uri);
  g_autoptr(GError) error = NULL;

  assert_list (mailto->attachments, report, key, NULL);
  g_assert_true (satchel_mailto_check_attachment (report, &error));
  g_assert_no_error (error);
  g_assert_false (satchel_mailto_check_attachment (key, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/mailto/rfc6068/basic", test_mailto_rfc_basic);
  g_test_add_func ("/satchel/mailto/rfc6068/quoted", test_mailto_rfc_quoted);
  g_test_add_func ("/satchel/mailto/rfc6068/utf8", test_mailto_rfc_utf8);
  g_test_add_func ("/satchel/mailto/recipients", test_mailto_recipients);
  g_test_add_func ("/satchel/mailto/text", test_mailto_text);
  g_test_add_func ("/satchel/mailto/invalid", test_mailto_invalid);
  g_test_add_func ("/satchel/mailto/unknown", test_mailto_unknown);
  g_test_add_func ("/satchel/mailto/attach/forms", test_mailto_attach_forms);

#define ADD(path, func) \
  g_test_add ("/satchel/mailto/attach/" path, Home, NULL, home_set_up, func, home_tear_down)

  ADD ("allowed", test_mailto_check_allowed);
  ADD ("hidden", test_mailto_check_hidden);
  ADD ("not-regular", test_mailto_check_not_regular);
  ADD ("other", test_mailto_check_other);
  ADD ("parse-then-check", test_mailto_parse_then_check);

#undef ADD

  return g_test_run ();
}
