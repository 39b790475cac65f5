/* fuzz-mailto.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A mailto: link from a web page or another program, through the
 * parser that fills a compose window. Whatever a link holds, what it
 * gives the window is UTF-8, one line per header field (no CR or LF
 * outside the body, which has LF line ends only), and attachments are
 * full paths the consent dialog can show as they are. The input is
 * tried as it is and after "mailto:", so that most inputs reach the
 * fields. */

#define G_LOG_DOMAIN "fuzz-mailto"

#include "config.h"

#include <string.h>

#include "satchel-error.h"
#include "satchel-mailto.h"

#include "fuzz.h"

static void
check_line (const char *text)
{
  g_assert (text != NULL);
  g_assert (g_utf8_validate (text, -1, NULL));
  g_assert (strpbrk (text, "\r\n") == NULL);
}

static void
check_addresses (GPtrArray *addresses)
{
  g_assert (addresses != NULL);
  for (guint i = 0; i < addresses->len; i++)
    {
      const char *address = g_ptr_array_index (addresses, i);

      check_line (address);
      /* Split at commas, trimmed, empty entries dropped. */
      g_assert (*address != '\0');
      g_assert (!g_ascii_isspace (address[0]));
      g_assert (!g_ascii_isspace (address[strlen (address) - 1]));
    }
}

static void
check_mailto (const SatchelMailto *mailto)
{
  check_addresses (mailto->to);
  check_addresses (mailto->cc);
  check_addresses (mailto->bcc);

  if (mailto->subject != NULL)
    check_line (mailto->subject);

  if (mailto->body != NULL)
    {
      g_assert (g_utf8_validate (mailto->body, -1, NULL));
      g_assert (strchr (mailto->body, '\r') == NULL);
    }

  g_assert (mailto->attachments != NULL);
  for (guint i = 0; i < mailto->attachments->len; i++)
    {
      const char *path = g_ptr_array_index (mailto->attachments, i);
      g_autoptr(GError) error = NULL;

      check_line (path);
      g_assert (g_path_is_absolute (path));
      for (const char *p = path; *p != '\0'; p = g_utf8_next_char (p))
        g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
      for (guint j = 0; j < i; j++)
        g_assert (strcmp (g_ptr_array_index (mailto->attachments, j), path) != 0);

      /* Reads nothing: realpath, stat and access only. */
      if (!satchel_mailto_check_attachment (path, &error))
        {
          g_assert (error != NULL && error->domain == SATCHEL_MESSAGE_ERROR);
          g_assert (g_utf8_validate (error->message, -1, NULL));
        }
    }
}

static void
parse (const char *uri)
{
  g_autoptr(SatchelMailto) mailto = NULL;
  g_autoptr(GError) error = NULL;

  mailto = satchel_mailto_parse (uri, &error);
  if (mailto != NULL)
    {
      g_assert (error == NULL);
      check_mailto (mailto);
    }
  else
    {
      g_assert (error != NULL);
      g_assert (g_error_matches (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID));
      check_line (error->message);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autofree char *with_scheme = NULL;

  fuzz_init ();
  text = fuzz_dup_string (data, size);

  parse (text);
  with_scheme = g_strconcat ("mailto:", text, NULL);
  parse (with_scheme);

  return 0;
}
