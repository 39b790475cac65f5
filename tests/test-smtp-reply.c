/* test-smtp-reply.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-error.h"
#include "satchel-smtp-reply.h"

#include <glib.h>

#include <string.h>

/* Feeds @lines (NULL-terminated) and returns the reply the last one
 * completes; every earlier line must ask for more. */
static SatchelSmtpReply *
parse_lines (const char * const *lines)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  SatchelSmtpReply *reply = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok;

      g_assert_null (reply);
      ok = satchel_smtp_reply_parser_feed (parser, lines[i], strlen (lines[i]),
                                           &reply, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      if (lines[i + 1] != NULL)
        g_assert_null (reply);
    }
  g_assert_nonnull (reply);
  return reply;
}

static SatchelSmtpReply *
parse_line (const char *line)
{
  const char *lines[] = { line, NULL };

  return parse_lines (lines);
}

/* Feeds @lines and expects the last one to be a protocol error. */
static void
assert_protocol_error (const char * const *lines)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SatchelSmtpReply) reply = NULL;
      gboolean ok;

      ok = satchel_smtp_reply_parser_feed (parser, lines[i], strlen (lines[i]),
                                           &reply, &error);
      g_assert_null (reply);
      if (lines[i + 1] != NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
          g_assert_false (ok);
          g_assert_cmpstr (error->message, !=, "");
        }
    }
}

static void
assert_bad_line (const char *line)
{
  const char *lines[] = { line, NULL };

  assert_protocol_error (lines);
}

static void
test_single_line (void)
{
  g_autoptr (SatchelSmtpReply) reply = parse_line ("250 OK");
  g_autoptr (SatchelSmtpReply) bare = parse_line ("354");
  g_autoptr (SatchelSmtpReply) copy = NULL;

  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_null (reply->enhanced);
  g_assert_cmpstr (reply->text, ==, "OK");

  g_assert_cmpuint (bare->code, ==, 354);
  g_assert_null (bare->enhanced);
  g_assert_cmpstr (bare->text, ==, "");

  copy = g_boxed_copy (SATCHEL_TYPE_SMTP_REPLY, reply);
  g_assert_true (copy != reply);
  g_assert_cmpuint (copy->code, ==, 250);
  g_assert_cmpstr (copy->text, ==, "OK");
}

static void
test_multi_line (void)
{
  const char *lines[] = {
    "250-mail.example.com Hello",
    "250-PIPELINING",
    "250-",
    "250 HELP",
    NULL,
  };
  g_autoptr (SatchelSmtpReply) reply = parse_lines (lines);

  g_assert_cmpuint (reply->code, ==, 250);
  g_assert_cmpstr (reply->text, ==, "mail.example.com Hello\nPIPELINING\n\nHELP");
}

static void
test_parser_reset (void)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  g_autoptr (SatchelSmtpReply) first = NULL;
  g_autoptr (SatchelSmtpReply) second = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (satchel_smtp_reply_parser_feed (parser, "220-hi", 6, &first, &error));
  g_assert_null (first);
  g_assert_true (satchel_smtp_reply_parser_feed (parser, "220 5.0.0 there", 15, &first, &error));
  g_assert_no_error (error);
  g_assert_null (first->enhanced); /* 5.x.x cannot go with a 2xx reply */
  g_assert_cmpstr (first->text, ==, "hi\n5.0.0 there");

  /* A different code right after a finished reply starts a new one. */
  g_assert_true (satchel_smtp_reply_parser_feed (parser, "535 5.7.8 no", 12, &second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->code, ==, 535);
  g_assert_cmpstr (second->enhanced, ==, "5.7.8");
  g_assert_cmpstr (second->text, ==, "no");
}

static void
test_line_length_argument (void)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  g_autoptr (SatchelSmtpReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* Only @len bytes count, whatever follows them. */
  g_assert_true (satchel_smtp_reply_parser_feed (parser, "250 OK\r\n", 6, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (reply->text, ==, "OK");
}

static void
test_enhanced_codes (void)
{
  const char *lines[] = {
    "550-5.1.1 The email account that you tried to reach does not exist.",
    "550-5.1.1 Please try double-checking the recipient's email",
    "550 5.1.1 address for typos.",
    NULL,
  };
  g_autoptr (SatchelSmtpReply) multi = parse_lines (lines);
  g_autoptr (SatchelSmtpReply) auth = parse_line ("535 5.7.8 Authentication credentials invalid");
  g_autoptr (SatchelSmtpReply) ok = parse_line ("250 2.1.0 Sender OK");
  g_autoptr (SatchelSmtpReply) temp = parse_line ("451 4.3.0 Try later");
  g_autoptr (SatchelSmtpReply) only = parse_line ("250 2.0.0");
  g_autoptr (SatchelSmtpReply) wrong_class = parse_line ("250 5.1.1 odd");
  g_autoptr (SatchelSmtpReply) version = parse_line ("250 2.10.100x not a code");
  g_autoptr (SatchelSmtpReply) long_part = parse_line ("250 2.1000.0 not a code");
  g_autoptr (SatchelSmtpReply) wide = parse_line ("250 2.999.999 wide");

  g_assert_cmpuint (multi->code, ==, 550);
  g_assert_cmpstr (multi->enhanced, ==, "5.1.1");
  g_assert_cmpstr (multi->text, ==,
                   "The email account that you tried to reach does not exist.\n"
                   "Please try double-checking the recipient's email\n"
                   "address for typos.");

  g_assert_cmpstr (auth->enhanced, ==, "5.7.8");
  g_assert_cmpstr (auth->text, ==, "Authentication credentials invalid");
  g_assert_cmpstr (ok->enhanced, ==, "2.1.0");
  g_assert_cmpstr (ok->text, ==, "Sender OK");
  g_assert_cmpstr (temp->enhanced, ==, "4.3.0");
  g_assert_cmpstr (temp->text, ==, "Try later");
  g_assert_cmpstr (only->enhanced, ==, "2.0.0");
  g_assert_cmpstr (only->text, ==, "");

  g_assert_null (wrong_class->enhanced);
  g_assert_cmpstr (wrong_class->text, ==, "5.1.1 odd");
  g_assert_null (version->enhanced);
  g_assert_cmpstr (version->text, ==, "2.10.100x not a code");
  g_assert_null (long_part->enhanced);
  g_assert_cmpstr (long_part->text, ==, "2.1000.0 not a code");
  g_assert_cmpstr (wide->enhanced, ==, "2.999.999");
  g_assert_cmpstr (wide->text, ==, "wide");
}

static void
test_mismatched_codes (void)
{
  const char *lines[] = { "250-first", "251 second", NULL };
  const char *class_change[] = { "250-first", "550 second", NULL };

  assert_protocol_error (lines);
  assert_protocol_error (class_change);
}

static void
test_garbage (void)
{
  const char *after_start[] = { "250-first", "hello there", NULL };

  assert_bad_line ("");
  assert_bad_line ("hello");
  assert_bad_line ("abc");
  assert_bad_line ("abc def");
  assert_bad_line ("25");
  assert_bad_line ("2500 x");
  assert_bad_line ("250x");
  assert_bad_line ("250_x");
  assert_bad_line ("600 x");
  assert_bad_line ("199 x");
  assert_bad_line ("099 x");
  assert_bad_line (" 250 x");
  assert_bad_line ("+OK POP3 server ready");
  assert_bad_line ("HTTP/1.1 400 Bad Request");
  assert_protocol_error (after_start);
}

static void
test_nul_byte (void)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  g_autoptr (SatchelSmtpReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (satchel_smtp_reply_parser_feed (parser, "250 a\0b", 7, &reply, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
  g_assert_null (reply);
}

static void
test_long_line (void)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  g_autoptr (GString) line = g_string_new ("250 ");
  g_autoptr (SatchelSmtpReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* Exactly at the cap is fine. */
  while (line->len < SATCHEL_SMTP_MAX_LINE)
    g_string_append_c (line, 'x');
  g_assert_true (satchel_smtp_reply_parser_feed (parser, line->str, line->len, &reply, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (reply->text), ==, SATCHEL_SMTP_MAX_LINE - 4);
  g_clear_pointer (&reply, satchel_smtp_reply_free);

  g_string_append_c (line, 'x');
  g_assert_false (satchel_smtp_reply_parser_feed (parser, line->str, line->len, &reply, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
  g_assert_null (reply);
}

static void
test_too_many_lines (void)
{
  g_autoptr (SatchelSmtpReplyParser) parser = satchel_smtp_reply_parser_new ();
  g_autoptr (SatchelSmtpReply) reply = NULL;
  g_autoptr (GError) error = NULL;

  /* SATCHEL_SMTP_MAX_LINES lines make a reply... */
  for (guint i = 0; i < SATCHEL_SMTP_MAX_LINES - 1; i++)
    {
      g_assert_true (satchel_smtp_reply_parser_feed (parser, "250-x", 5, &reply, &error));
      g_assert_no_error (error);
      g_assert_null (reply);
    }
  g_assert_true (satchel_smtp_reply_parser_feed (parser, "250 x", 5, &reply, &error));
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_clear_pointer (&reply, satchel_smtp_reply_free);

  /* ...one more is an endless reply. */
  for (guint i = 0; i < SATCHEL_SMTP_MAX_LINES; i++)
    {
      g_assert_true (satchel_smtp_reply_parser_feed (parser, "250-x", 5, &reply, &error));
      g_assert_no_error (error);
    }
  g_assert_false (satchel_smtp_reply_parser_feed (parser, "250 x", 5, &reply, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
  g_assert_null (reply);
}

static void
test_quote_plain (void)
{
  g_autoptr (SatchelSmtpReply) auth = parse_line ("535 5.7.8 Authentication credentials invalid");
  const char *lines[] = { "550-5.1.1 No such user", "550 5.1.1 here", NULL };
  g_autoptr (SatchelSmtpReply) multi = parse_lines (lines);
  g_autoptr (SatchelSmtpReply) bare = parse_line ("421");
  g_autofree char *auth_quote = satchel_smtp_reply_quote (auth, 200);
  g_autofree char *multi_quote = satchel_smtp_reply_quote (multi, 200);
  g_autofree char *bare_quote = satchel_smtp_reply_quote (bare, 200);

  g_assert_cmpstr (auth_quote, ==,
                   "the server said: “535 5.7.8 Authentication credentials invalid”");
  g_assert_cmpstr (multi_quote, ==, "the server said: “550 5.1.1 No such user / here”");
  g_assert_cmpstr (bare_quote, ==, "the server said: “421”");
}

static void
test_quote_escapes (void)
{
  g_autoptr (SatchelSmtpReply) esc = parse_line ("554 \x1b[31mred\x1b[0m\tand\x7f del");
  g_autoptr (SatchelSmtpReply) bidi = parse_line ("554 evil \xe2\x80\xae" "gnp.exe \xe2\x81\xa6x\xe2\x81\xa9 \xc2\x85");
  g_autoptr (SatchelSmtpReply) invalid = parse_line ("554 caf\xc3\xa9 \xff\xfe bad \xc3");
  g_autofree char *esc_quote = satchel_smtp_reply_quote (esc, 200);
  g_autofree char *bidi_quote = satchel_smtp_reply_quote (bidi, 200);
  g_autofree char *invalid_quote = satchel_smtp_reply_quote (invalid, 200);

  g_assert_cmpstr (esc_quote, ==,
                   "the server said: “554 \\x1B[31mred\\x1B[0m\\x09and\\x7F del”");
  g_assert_cmpstr (bidi_quote, ==,
                   "the server said: “554 evil \\u{202E}gnp.exe \\u{2066}x\\u{2069} \\u{85}”");
  g_assert_true (g_utf8_validate (invalid_quote, -1, NULL));
  g_assert_cmpstr (invalid_quote, ==,
                   "the server said: “554 café \xef\xbf\xbd\xef\xbf\xbd bad \xef\xbf\xbd”");
}

static void
test_quote_truncation (void)
{
  g_autoptr (SatchelSmtpReply) reply = parse_line ("550 abcdefghijklmnopqrstuvwxyz");
  g_autoptr (SatchelSmtpReply) escapes = parse_line ("550 ab\x1b\x1b");
  g_autoptr (SatchelSmtpReply) accents = parse_line ("550 ééééééééé");
  g_autofree char *cut = satchel_smtp_reply_quote (reply, 10);
  g_autofree char *exact = satchel_smtp_reply_quote (reply, 30);
  g_autofree char *one_less = satchel_smtp_reply_quote (reply, 29);
  g_autofree char *escape_cut = satchel_smtp_reply_quote (escapes, 10);
  g_autofree char *escape_kept = satchel_smtp_reply_quote (escapes, 11);
  g_autofree char *accent_cut = satchel_smtp_reply_quote (accents, 8);

  /* The limit counts characters, ellipsis included, and never splits an
   * escape or a multi-byte character. */
  g_assert_cmpstr (cut, ==, "the server said: “550 abcde…”");
  g_assert_cmpstr (exact, ==, "the server said: “550 abcdefghijklmnopqrstuvwxyz”");
  g_assert_cmpstr (one_less, ==, "the server said: “550 abcdefghijklmnopqrstuvwx…”");
  g_assert_cmpstr (escape_cut, ==, "the server said: “550 ab…”");
  g_assert_cmpstr (escape_kept, ==, "the server said: “550 ab\\x1B…”");
  g_assert_cmpstr (accent_cut, ==, "the server said: “550 ééé…”");
}

static SatchelSmtpCapabilities *
parse_capabilities (const char * const *lines)
{
  g_autoptr (SatchelSmtpReply) reply = parse_lines (lines);

  return satchel_smtp_capabilities_parse (reply);
}

static void
test_capabilities (void)
{
  const char *lines[] = {
    "250-mail.example.com at your service, [192.0.2.1]",
    "250-SIZE 35882577",
    "250-8BITMIME",
    "250-STARTTLS",
    "250-ENHANCEDSTATUSCODES",
    "250-PIPELINING",
    "250-AUTH LOGIN PLAIN XOAUTH2 scram-sha-256",
    "250-AUTH=PLAIN LOGIN CRAM-MD5",
    "250-CHUNKING",
    "250 SMTPUTF8",
    NULL,
  };
  const char * const expected_auth[] = {
    "LOGIN", "PLAIN", "XOAUTH2", "SCRAM-SHA-256", "CRAM-MD5", NULL,
  };
  g_autoptr (SatchelSmtpCapabilities) caps = parse_capabilities (lines);

  g_assert_true (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_true (caps->eightbitmime);
  g_assert_true (caps->smtputf8);
  g_assert_true (caps->enhancedstatuscodes);
  g_assert_true (caps->has_size);
  g_assert_cmpuint (caps->size, ==, 35882577);
  g_assert_cmpstrv (caps->auth, expected_auth);
  g_assert_true (satchel_smtp_capabilities_has_auth (caps, "SCRAM-SHA-256"));
  g_assert_true (satchel_smtp_capabilities_has_auth (caps, "cram-md5"));
  g_assert_false (satchel_smtp_capabilities_has_auth (caps, "GSSAPI"));
}

static void
test_capabilities_none (void)
{
  /* The greeting line is never a keyword, even when it looks like one. */
  const char *lines[] = { "250 STARTTLS", NULL };
  g_autoptr (SatchelSmtpCapabilities) caps = parse_capabilities (lines);

  g_assert_false (caps->starttls);
  g_assert_false (caps->has_size);
  g_assert_nonnull (caps->auth);
  g_assert_null (caps->auth[0]);
  g_assert_false (satchel_smtp_capabilities_has_auth (caps, "PLAIN"));
}

static void
test_capabilities_lower_case (void)
{
  const char *lines[] = {
    "250-localhost",
    "250-starttls",
    "250-Pipelining",
    "250-8bitmime",
    "250-smtputf8",
    "250-enhancedstatuscodes",
    "250-size 1000",
    "250 auth=login",
    NULL,
  };
  const char * const expected_auth[] = { "LOGIN", NULL };
  g_autoptr (SatchelSmtpCapabilities) caps = parse_capabilities (lines);

  g_assert_true (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_true (caps->eightbitmime);
  g_assert_true (caps->smtputf8);
  g_assert_true (caps->enhancedstatuscodes);
  g_assert_true (caps->has_size);
  g_assert_cmpuint (caps->size, ==, 1000);
  g_assert_cmpstrv (caps->auth, expected_auth);
}

static void
test_capabilities_size (void)
{
  const struct
  {
    const char *line;
    gboolean    has_size;
    guint64     size;
  } cases[] = {
    { "250 SIZE", TRUE, 0 },
    { "250 SIZE 0", TRUE, 0 },
    { "250 SIZE   52428800  ", TRUE, 52428800 },
    { "250 SIZE 18446744073709551615", TRUE, G_MAXUINT64 },
    { "250 SIZE 18446744073709551616", FALSE, 0 },
    { "250 SIZE -1", FALSE, 0 },
    { "250 SIZE +5", FALSE, 0 },
    { "250 SIZE 10MB", FALSE, 0 },
    { "250 SIZE lots", FALSE, 0 },
    { "250 SIZEX 10", FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *lines[] = { "250-localhost", cases[i].line, NULL };
      g_autoptr (SatchelSmtpCapabilities) caps = parse_capabilities (lines);

      g_test_message ("%s", cases[i].line);
      g_assert_cmpint (caps->has_size, ==, cases[i].has_size);
      g_assert_cmpuint (caps->size, ==, cases[i].size);
    }
}

static void
test_capabilities_auth_forms (void)
{
  const char *lines[] = {
    "250-localhost",
    "250-AUTH",
    "250-AUTH=",
    "250-AUTH  plain\tLogin  PLAIN",
    "250-AUTH=LOGIN",
    "250-AUTH BAD/NAME VERY-LONG-MECHANISM-NAME-X GSSAPI",
    "250 AUTHX NTLM",
    NULL,
  };
  const char * const expected_auth[] = { "PLAIN", "LOGIN", "GSSAPI", NULL };
  g_autoptr (SatchelSmtpCapabilities) caps = parse_capabilities (lines);

  g_assert_cmpstrv (caps->auth, expected_auth);
  g_assert_false (satchel_smtp_capabilities_has_auth (caps, "NTLM"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/smtp/reply/single-line", test_single_line);
  g_test_add_func ("/satchel/smtp/reply/multi-line", test_multi_line);
  g_test_add_func ("/satchel/smtp/reply/parser-reset", test_parser_reset);
  g_test_add_func ("/satchel/smtp/reply/line-length-argument", test_line_length_argument);
  g_test_add_func ("/satchel/smtp/reply/enhanced-codes", test_enhanced_codes);
  g_test_add_func ("/satchel/smtp/reply/mismatched-codes", test_mismatched_codes);
  g_test_add_func ("/satchel/smtp/reply/garbage", test_garbage);
  g_test_add_func ("/satchel/smtp/reply/nul-byte", test_nul_byte);
  g_test_add_func ("/satchel/smtp/reply/long-line", test_long_line);
  g_test_add_func ("/satchel/smtp/reply/too-many-lines", test_too_many_lines);
  g_test_add_func ("/satchel/smtp/reply/quote/plain", test_quote_plain);
  g_test_add_func ("/satchel/smtp/reply/quote/escapes", test_quote_escapes);
  g_test_add_func ("/satchel/smtp/reply/quote/truncation", test_quote_truncation);
  g_test_add_func ("/satchel/smtp/reply/capabilities/all", test_capabilities);
  g_test_add_func ("/satchel/smtp/reply/capabilities/none", test_capabilities_none);
  g_test_add_func ("/satchel/smtp/reply/capabilities/lower-case", test_capabilities_lower_case);
  g_test_add_func ("/satchel/smtp/reply/capabilities/size", test_capabilities_size);
  g_test_add_func ("/satchel/smtp/reply/capabilities/auth-forms", test_capabilities_auth_forms);

  return g_test_run ();
}
