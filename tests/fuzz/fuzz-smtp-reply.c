/* fuzz-smtp-reply.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a server sends after EHLO (or any command), line by line, into the
 * reply parser; every complete reply then goes through the capabilities
 * parser and the quoting that shows server text to people. */

#define G_LOG_DOMAIN "fuzz-smtp-reply"

#include "config.h"

#include <string.h>

#include "satchel-error.h"
#include "satchel-smtp-reply.h"

#include "fuzz.h"

static void
check_reply (const SatchelSmtpReply *reply)
{
  g_autoptr(SatchelSmtpCapabilities) caps = NULL;
  g_autoptr(SatchelSmtpReply) copy = NULL;
  static const gsize limits[] = { 0, 1, 2, 3, 10, 80, 200 };

  g_assert (reply->code >= 200 && reply->code <= 599);
  g_assert (reply->text != NULL);
  g_assert (strlen (reply->text) <= SATCHEL_SMTP_MAX_LINES * (SATCHEL_SMTP_MAX_LINE + 1));

  copy = satchel_smtp_reply_copy (reply);
  g_assert_cmpstr (copy->text, ==, reply->text);

  caps = satchel_smtp_capabilities_parse (reply);
  g_assert (caps->auth != NULL);
  for (guint i = 0; caps->auth[i] != NULL; i++)
    {
      g_assert (caps->auth[i][0] != '\0');
      g_assert (strlen (caps->auth[i]) <= 20);
      g_assert (satchel_smtp_capabilities_has_auth (caps, caps->auth[i]));
    }
  (void) satchel_smtp_capabilities_has_auth (caps, "PLAIN");

  for (gsize i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *quoted = satchel_smtp_reply_quote (reply, limits[i]);

      /* What reaches a label: valid UTF-8, one line, no control bytes. */
      g_assert (g_utf8_validate (quoted, -1, NULL));
      for (const char *p = quoted; *p != '\0'; p++)
        g_assert ((guchar) *p >= 0x20 && *p != 0x7f);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SatchelSmtpReplyParser) parser = NULL;
  const char *p = (const char *) data;
  const char *end = p + size;

  fuzz_init ();
  parser = satchel_smtp_reply_parser_new ();

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      gsize len = line_end - p;
      g_autoptr(SatchelSmtpReply) reply = NULL;
      g_autoptr(GError) error = NULL;

      /* The client's line reader strips the CRLF. */
      if (len > 0 && p[len - 1] == '\r')
        len--;

      if (satchel_smtp_reply_parser_feed (parser, p, len, &reply, &error))
        {
          g_assert_no_error (error);
          if (reply != NULL)
            check_reply (reply);
        }
      else
        {
          g_assert (reply == NULL);
          g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
        }

      p = line_end + (nl != NULL ? 1 : 0);
    }

  return 0;
}
