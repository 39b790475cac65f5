/* test-address.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "satchel-address.h"
#include "satchel-error.h"
#include "satchel-message.h"

typedef struct
{
  const char *input;
  const char *name;
  const char *local_part;
  const char *domain;
  const char *ascii_domain;
  const char *envelope;
  const char *display;
} ValidCase;

static const ValidCase valid_cases[] = {
  { "user@example.com", NULL, "user", "example.com", "example.com",
    "user@example.com", "user@example.com" },
  { "  first.last@Example.COM  ", NULL, "first.last", "example.com",
    "example.com", "first.last@example.com", "first.last@example.com" },
  { "user+tag@sub.example.org", NULL, "user+tag", "sub.example.org",
    "sub.example.org", "user+tag@sub.example.org", "user+tag@sub.example.org" },
  { "!#$%&'*+-/=?^_`{|}~@example.com", NULL, "!#$%&'*+-/=?^_`{|}~",
    "example.com", "example.com", "!#$%&'*+-/=?^_`{|}~@example.com",
    "!#$%&'*+-/=?^_`{|}~@example.com" },
  { "Ann Smith <ann@example.com>", "Ann Smith", "ann", "example.com",
    "example.com", "ann@example.com", "Ann Smith <ann@example.com>" },
  { "Ann   Smith<ann@example.com>", "Ann Smith", "ann", "example.com",
    "example.com", "ann@example.com", "Ann Smith <ann@example.com>" },
  { "\"Smith, Ann\" <ann@example.com>", "Smith, Ann", "ann", "example.com",
    "example.com", "ann@example.com", "\"Smith, Ann\" <ann@example.com>" },
  { "\"Ann \\\"the boss\\\" Smith\" <ann@example.com>", "Ann \"the boss\" Smith",
    "ann", "example.com", "example.com", "ann@example.com",
    "\"Ann \\\"the boss\\\" Smith\" <ann@example.com>" },
  { "John Q. Public <jqp@example.com>", "John Q. Public", "jqp", "example.com",
    "example.com", "jqp@example.com", "John Q. Public <jqp@example.com>" },
  { "<bare@example.com>", NULL, "bare", "example.com", "example.com",
    "bare@example.com", "bare@example.com" },
  { "\"\" <empty-name@example.com>", NULL, "empty-name", "example.com",
    "example.com", "empty-name@example.com", "empty-name@example.com" },
  { "张伟 <zhang.wei@example.cn>", "张伟", "zhang.wei", "example.cn",
    "example.cn", "zhang.wei@example.cn", "张伟 <zhang.wei@example.cn>" },
  { "\"Müller, Jürgen\" <jm@example.de>", "Müller, Jürgen", "jm", "example.de",
    "example.de", "jm@example.de", "\"Müller, Jürgen\" <jm@example.de>" },
  { "info@bücher.example", NULL, "info", "bücher.example",
    "xn--bcher-kva.example", "info@xn--bcher-kva.example",
    "info@bücher.example" },
  { "Bücher <info@BÜCHER.example>", "Bücher", "info", "bücher.example",
    "xn--bcher-kva.example", "info@xn--bcher-kva.example",
    "Bücher <info@bücher.example>" },
  { "user@例子.测试", NULL, "user", "例子.测试", "xn--fsqu00a.xn--0zwm56d",
    "user@xn--fsqu00a.xn--0zwm56d", "user@例子.测试" },
  { "user@xn--bcher-kva.example", NULL, "user", "xn--bcher-kva.example",
    "xn--bcher-kva.example", "user@xn--bcher-kva.example",
    "user@xn--bcher-kva.example" },
  { "用户@例子.测试", NULL, "用户", "例子.测试", "xn--fsqu00a.xn--0zwm56d",
    "用户@xn--fsqu00a.xn--0zwm56d", "用户@例子.测试" },
  { "\"john doe\"@example.com", NULL, "john doe", "example.com", "example.com",
    "\"john doe\"@example.com", "\"john doe\"@example.com" },
  { "\"a\\\\b\"@example.com", NULL, "a\\b", "example.com", "example.com",
    "\"a\\\\b\"@example.com", "\"a\\\\b\"@example.com" },
  { "root@localhost", NULL, "root", "localhost", "localhost",
    "root@localhost", "root@localhost" },
  { "admin@[192.0.2.1]", NULL, "admin", "[192.0.2.1]", "[192.0.2.1]",
    "admin@[192.0.2.1]", "admin@[192.0.2.1]" },
  { "admin@[ipv6:2001:DB8::1]", NULL, "admin", "[IPv6:2001:db8::1]",
    "[IPv6:2001:db8::1]", "admin@[IPv6:2001:db8::1]",
    "admin@[IPv6:2001:db8::1]" },
  { "x@a-b.c0.example", NULL, "x", "a-b.c0.example", "a-b.c0.example",
    "x@a-b.c0.example", "x@a-b.c0.example" },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SatchelAddress) address = NULL;
      g_autoptr(SatchelAddress) copy = NULL;
      g_autofree char *envelope = NULL;
      g_autofree char *display = NULL;

      g_test_message ("valid: %s", c->input);
      address = satchel_address_parse (c->input, &error);
      g_assert_no_error (error);
      g_assert_nonnull (address);
      g_assert_cmpstr (address->name, ==, c->name);
      g_assert_cmpstr (address->local_part, ==, c->local_part);
      g_assert_cmpstr (address->domain, ==, c->domain);
      g_assert_cmpstr (address->ascii_domain, ==, c->ascii_domain);

      envelope = satchel_address_to_envelope (address);
      display = satchel_address_to_display (address);
      g_assert_cmpstr (envelope, ==, c->envelope);
      g_assert_cmpstr (display, ==, c->display);

      copy = satchel_address_copy (address);
      g_assert_cmpstr (copy->name, ==, address->name);
      g_assert_cmpstr (copy->ascii_domain, ==, address->ascii_domain);

      /* What to_display() gives parses back to the same address. */
      {
        g_autoptr(SatchelAddress) again = satchel_address_parse (display, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (again->name, ==, address->name);
        g_assert_cmpstr (again->local_part, ==, address->local_part);
        g_assert_cmpstr (again->domain, ==, address->domain);
      }
    }
}

typedef struct
{
  const char *input;
  const char *fragment; /* in the message, after the quoted input */
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  { "user", "domain part is missing" },
  { "user@", "domain part is missing" },
  { "@example.com", "before “@” is empty" },
  { "\"\"@example.com", "before “@” is empty" },
  { ".user@example.com", "dot at its start" },
  { "user.@example.com", "dot at its start" },
  { "us..er@example.com", "two dots" },
  { "us(er@example.com", "not allowed" },
  { "us er@example.com", "angle brackets" },
  { "user@example", "at least one dot" },
  { "user@example..com", "empty or longer" },
  { "user@.example.com", "empty or longer" },
  { "user@example.com.", "empty or longer" },
  { "user@-example.com", "hyphen" },
  { "user@example-.com", "hyphen" },
  { "user@exa_mple.com", "letters, digits and hyphens" },
  { "user@exa mple.com", "angle brackets" },
  { "user@192.0.2.1", "square brackets" },
  { "user@[192.0.2.300]", "IP address in square brackets" },
  { "user@[example.com]", "IP address in square brackets" },
  { "user@[IPv6:zz::1]", "IP address in square brackets" },
  { "a@b@example.com", "not allowed" },
  { "Ann <ann@example.com", "no matching “>”" },
  { "Ann <ann@example.com> x", "text after" },
  { "ann@example.com>", "no matching “<”" },
  { "Ann <>", "empty" },
  { "Smith, Ann <ann@example.com>", "double quotes" },
  { "\"Smith, Ann <ann@example.com>", "quote is not closed" },
  { "\"Smith, Ann\" x <ann@example.com>", "after the closing quote" },
  { "user@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
    "longer than 63" },
  { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com",
    "longer than 64" },
  { "user\t\001@example.com", "control character" },
};

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      const InvalidCase *c = &invalid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(SatchelAddress) address = NULL;

      g_test_message ("invalid: %s", c->input);
      address = satchel_address_parse (c->input, &error);
      g_assert_null (address);
      g_assert_error (error, SATCHEL_MESSAGE_ERROR,
                      SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, c->fragment));
      /* Every message names the input, except for control characters,
       * which are shown escaped. */
      if (strchr (c->input, '\001') == NULL)
        {
          g_autofree char *quoted = g_strdup_printf ("“%s”", c->input);

          g_assert_nonnull (strstr (error->message, quoted));
        }
    }
}

static void
test_invalid_message_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SatchelAddress) address = satchel_address_parse ("john.example.com", &error);

  g_assert_null (address);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
  g_assert_cmpstr (error->message, ==,
                   "“john.example.com” is not a valid email address: "
                   "the domain part is missing.");

  g_clear_error (&error);
  address = satchel_address_parse ("   ", &error);
  g_assert_null (address);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
  g_assert_cmpstr (error->message, ==, "The email address is empty.");
}

static void
test_length_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SatchelAddress) ok = NULL;
  g_autoptr(SatchelAddress) too_long = NULL;
  g_autoptr(GString) domain = g_string_new (NULL);
  g_autofree char *local = g_strnfill (64, 'l');
  g_autofree char *text = NULL;

  /* 64 + 1 + 189 = 254 octets: the most RFC 5321 allows. */
  while (domain->len < 189)
    g_string_append (domain, "abcdefghi.");
  g_string_truncate (domain, 185);
  g_string_append (domain, ".com");
  g_assert_cmpuint (domain->len, ==, 189);
  text = g_strdup_printf ("%s@%s", local, domain->str);
  g_assert_cmpuint (strlen (text), ==, 254);
  ok = satchel_address_parse (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  g_free (text);
  text = g_strdup_printf ("%s@a%s", local, domain->str);
  too_long = satchel_address_parse (text, &error);
  g_assert_null (too_long);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "254"));
}

static void
test_header_injection (void)
{
  static const char * const inputs[] = {
    "user@example.com\r\nBcc: victim@example.net",
    "user@example.com\nBcc: victim@example.net",
    "Ann\r <ann@example.com>",
    "\"Ann\nSmith\" <ann@example.com>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SatchelAddress) address = satchel_address_parse (inputs[i], &error);
      g_autoptr(GPtrArray) list = NULL;

      g_assert_null (address);
      g_assert_error (error, SATCHEL_MESSAGE_ERROR,
                      SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
      /* The line break is shown escaped, never raw. */
      g_assert_null (strpbrk (error->message, "\r\n"));
      g_assert_true (strstr (error->message, "\\n") != NULL ||
                     strstr (error->message, "\\r") != NULL);
      g_clear_error (&error);

      list = satchel_address_parse_list (inputs[i], &error);
      g_assert_null (list);
      g_assert_error (error, SATCHEL_MESSAGE_ERROR,
                      SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
    }
}

static void
test_header_value_check (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_header_value_check ("Subject", "Hello, 世界", &error));
  g_assert_no_error (error);
  g_assert_true (satchel_header_value_check ("Subject", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (satchel_header_value_check ("Subject", "Hi\r\nBcc: x@example.com",
                                              &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
  g_assert_nonnull (strstr (error->message, "Subject"));
  g_clear_error (&error);

  g_assert_false (satchel_header_value_check ("Subject", "Hi\n", &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
}

static void
test_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const SatchelAddress *a;

  list = satchel_address_parse_list ("\"Smith, Ann\" <ann@example.com>; bob@example.org,,"
                                     "  ; 张伟 <zw@例子.测试>, \"x;y\" <xy@example.com> ;",
                                     &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);

  a = g_ptr_array_index (list, 0);
  g_assert_cmpstr (a->name, ==, "Smith, Ann");
  g_assert_cmpstr (a->local_part, ==, "ann");
  a = g_ptr_array_index (list, 1);
  g_assert_null (a->name);
  g_assert_cmpstr (a->local_part, ==, "bob");
  a = g_ptr_array_index (list, 2);
  g_assert_cmpstr (a->name, ==, "张伟");
  g_assert_cmpstr (a->ascii_domain, ==, "xn--fsqu00a.xn--0zwm56d");
  a = g_ptr_array_index (list, 3);
  g_assert_cmpstr (a->name, ==, "x;y");

  /* Angle brackets protect their content too (a quoted local part with
   * a comma). */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = satchel_address_parse_list ("Odd <\"a,b\"@example.com>, c@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  a = g_ptr_array_index (list, 0);
  g_assert_cmpstr (a->local_part, ==, "a,b");

  /* Blank lists are empty, not errors. */
  g_clear_pointer (&list, g_ptr_array_unref);
  list = satchel_address_parse_list (" , ;  ", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);

  g_clear_pointer (&list, g_ptr_array_unref);
  list = satchel_address_parse_list ("", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

static void
test_list_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;

  /* An unquoted "Last, First" splits into two items; the first fails. */
  list = satchel_address_parse_list ("Smith, Ann <ann@example.com>", &error);
  g_assert_null (list);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "“Smith”"));
  g_clear_error (&error);

  /* The first bad item is named, not the later ones. */
  list = satchel_address_parse_list ("a@example.com; b@bad; c@", &error);
  g_assert_null (list);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS);
  g_assert_cmpstr (error->message, ==,
                   "“b@bad” is not a valid email address: the domain name "
                   "needs at least one dot, as in “example.com”.");
}

static void
test_smtputf8 (void)
{
  g_autoptr(SatchelAddress) ascii_local = satchel_address_parse ("张伟 <zw@例子.测试>", NULL);
  g_autoptr(SatchelAddress) utf8_local = satchel_address_parse ("用户@example.com", NULL);

  g_assert_false (satchel_address_needs_smtputf8 (ascii_local));
  g_assert_true (satchel_address_needs_smtputf8 (utf8_local));
}

static void
test_boxed (void)
{
  g_autoptr(SatchelAddress) address = satchel_address_parse ("Ann <ann@example.com>", NULL);
  SatchelAddress *copy;

  g_assert_true (G_TYPE_IS_BOXED (SATCHEL_TYPE_ADDRESS));
  copy = g_boxed_copy (SATCHEL_TYPE_ADDRESS, address);
  g_assert_true (copy != address);
  g_assert_cmpstr (copy->name, ==, "Ann");
  g_assert_cmpstr (copy->local_part, ==, "ann");
  g_boxed_free (SATCHEL_TYPE_ADDRESS, copy);
}

/* The message model ----------------------------------------------------- */

static SatchelAddress *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  SatchelAddress *address = satchel_address_parse (text, &error);

  g_assert_no_error (error);
  return address;
}

static void
test_message_recipients (void)
{
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  g_autoptr(SatchelAddress) a = parse ("Ann <ann@example.com>");
  g_autoptr(SatchelAddress) a_upper = parse ("ANN@Example.COM");
  g_autoptr(SatchelAddress) b = parse ("bob@bücher.example");
  g_autoptr(SatchelAddress) c = parse ("carol@example.org");
  g_autoptr(GPtrArray) envelope = NULL;

  satchel_message_add_to (message, a);
  satchel_message_add_cc (message, b);
  satchel_message_add_cc (message, a_upper);
  satchel_message_add_bcc (message, c);
  satchel_message_add_bcc (message, b);

  g_assert_cmpuint (satchel_message_get_to (message)->len, ==, 1);
  g_assert_cmpuint (satchel_message_get_cc (message)->len, ==, 2);
  g_assert_cmpuint (satchel_message_get_bcc (message)->len, ==, 2);

  envelope = satchel_message_dup_envelope_recipients (message);
  g_assert_cmpuint (envelope->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (envelope, 0), ==, "ann@example.com");
  g_assert_cmpstr (g_ptr_array_index (envelope, 1), ==, "bob@xn--bcher-kva.example");
  g_assert_cmpstr (g_ptr_array_index (envelope, 2), ==, "carol@example.org");

  g_assert_false (satchel_message_needs_smtputf8 (message));
  {
    g_autoptr(SatchelAddress) utf8 = parse ("用户@example.com");

    satchel_message_add_reply_to (message, utf8);
    g_assert_true (satchel_message_needs_smtputf8 (message));
  }
}

static void
test_message_header_lines (void)
{
  static const struct
  {
    const char *line;
    int         code; /* -1: accepted */
  } cases[] = {
    { "X-Mailer: something", -1 },
    { "X-Priority:1", -1 },
    { "List-Unsubscribe: <mailto:u@example.com>", -1 },
    { "X-Note: 你好", -1 },
    { "X-Bad\r\nBcc: victim@example.com", SATCHEL_MESSAGE_ERROR_HEADER_INJECTION },
    { "X-Bad: a\nb", SATCHEL_MESSAGE_ERROR_HEADER_INJECTION },
    { "X-Bad: a\rb", SATCHEL_MESSAGE_ERROR_HEADER_INJECTION },
    { "no colon here", SATCHEL_MESSAGE_ERROR_INVALID },
    { ": empty name", SATCHEL_MESSAGE_ERROR_INVALID },
    { "X Space: v", SATCHEL_MESSAGE_ERROR_INVALID },
    { "X-Ünicode: v", SATCHEL_MESSAGE_ERROR_INVALID },
    { "bcc: victim@example.com", SATCHEL_MESSAGE_ERROR_INVALID },
    { "FROM: a@example.com", SATCHEL_MESSAGE_ERROR_INVALID },
    { "To: a@example.com", SATCHEL_MESSAGE_ERROR_INVALID },
    { "Cc: a@example.com", SATCHEL_MESSAGE_ERROR_INVALID },
    { "Subject: x", SATCHEL_MESSAGE_ERROR_INVALID },
    { "date: x", SATCHEL_MESSAGE_ERROR_INVALID },
    { "Message-Id: <x@y>", SATCHEL_MESSAGE_ERROR_INVALID },
    { "Mime-Version: 1.0", SATCHEL_MESSAGE_ERROR_INVALID },
    { "content-type: text/html", SATCHEL_MESSAGE_ERROR_INVALID },
    { "Content-Transfer-Encoding: 8bit", SATCHEL_MESSAGE_ERROR_INVALID },
  };
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  GPtrArray *extra;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = satchel_message_add_header_line (message, cases[i].line, &error);

      g_test_message ("header line: %s", cases[i].line);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, SATCHEL_MESSAGE_ERROR, cases[i].code);
        }
    }

  extra = satchel_message_get_extra_headers (message);
  g_assert_cmpuint (extra->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (extra, 0), ==, "X-Mailer: something");
  g_assert_cmpstr (g_ptr_array_index (extra, 1), ==, "X-Priority: 1");
  g_assert_cmpstr (g_ptr_array_index (extra, 3), ==, "X-Note: 你好");
}

static void
test_message_validate (void)
{
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  g_autoptr(SatchelAddress) from = parse ("me@example.com");
  g_autoptr(SatchelAddress) to = parse ("you@example.com");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("satchel-message-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "report.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);
  g_autofree char *secret = g_build_filename (dir, "secret.txt", NULL);
  const char *display = NULL;
  const char *path = NULL;
  SatchelAttachmentKind kind;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "data", -1, NULL));

  g_assert_false (satchel_message_validate (message, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_clear_error (&error);

  satchel_message_set_from (message, from);
  g_assert_false (satchel_message_validate (message, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_NO_RECIPIENTS);
  g_clear_error (&error);

  satchel_message_add_bcc (message, to);
  satchel_message_set_subject (message, "Hello");
  g_assert_true (satchel_message_validate (message, &error));
  g_assert_no_error (error);

  satchel_message_set_subject (message, "Hello\r\nBcc: victim@example.com");
  g_assert_false (satchel_message_validate (message, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
  g_clear_error (&error);
  satchel_message_set_subject (message, "Hello");

  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, file, NULL);
  g_assert_true (satchel_message_validate (message, &error));
  g_assert_no_error (error);
  satchel_message_get_attachment (message, 0, &kind, &path, &display);
  g_assert_cmpint (kind, ==, SATCHEL_ATTACHMENT_FILE);
  g_assert_cmpstr (path, ==, file);
  g_assert_cmpstr (display, ==, "report.txt");

  /* A folder is not an attachment. */
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE, dir, "pic.png");
  g_assert_cmpuint (satchel_message_get_n_attachments (message), ==, 2);
  satchel_message_get_attachment (message, 1, &kind, NULL, &display);
  g_assert_cmpint (kind, ==, SATCHEL_ATTACHMENT_INLINE);
  g_assert_cmpstr (display, ==, "pic.png");
  g_assert_false (satchel_message_validate (message, &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
  g_clear_error (&error);

  {
    g_autoptr(SatchelMessage) other = satchel_message_new ();
    g_autofree char *quoted = g_strdup_printf ("“%s”", missing);

    satchel_message_set_from (other, from);
    satchel_message_add_to (other, to);
    satchel_message_add_attachment (other, SATCHEL_ATTACHMENT_FILE, missing, NULL);
    g_assert_false (satchel_message_validate (other, &error));
    g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
    g_assert_nonnull (strstr (error->message, quoted));
    g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
    g_clear_error (&error);
  }

  /* Unreadable (root reads everything, so only check as a user). */
  if (geteuid () != 0)
    {
      g_autoptr(SatchelMessage) other = satchel_message_new ();

      g_assert_true (g_file_set_contents (secret, "x", -1, NULL));
      g_assert_cmpint (g_chmod (secret, 0), ==, 0);
      satchel_message_set_from (other, from);
      satchel_message_add_to (other, to);
      satchel_message_add_attachment (other, SATCHEL_ATTACHMENT_FILE, secret, NULL);
      g_assert_false (satchel_message_validate (other, &error));
      g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, "secret.txt"));
      g_clear_error (&error);
      g_unlink (secret);
    }

  g_unlink (file);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/address/valid", test_valid);
  g_test_add_func ("/satchel/address/invalid", test_invalid);
  g_test_add_func ("/satchel/address/invalid/message", test_invalid_message_text);
  g_test_add_func ("/satchel/address/length", test_length_limits);
  g_test_add_func ("/satchel/address/header-injection", test_header_injection);
  g_test_add_func ("/satchel/address/header-value-check", test_header_value_check);
  g_test_add_func ("/satchel/address/list", test_list);
  g_test_add_func ("/satchel/address/list/invalid", test_list_invalid);
  g_test_add_func ("/satchel/address/smtputf8", test_smtputf8);
  g_test_add_func ("/satchel/address/boxed", test_boxed);
  g_test_add_func ("/satchel/address/message/recipients", test_message_recipients);
  g_test_add_func ("/satchel/address/message/header-lines", test_message_header_lines);
  g_test_add_func ("/satchel/address/message/validate", test_message_validate);

  return g_test_run ();
}
