/* satchel-smtp-reply.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-smtp-reply"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-smtp-reply.h"

#include "satchel-error.h"

#include <string.h>

struct _SatchelSmtpReplyParser
{
  guint    code;      /* 0 before the first line of a reply */
  guint    n_lines;
  char    *enhanced;
  GString *text;
};

G_DEFINE_BOXED_TYPE (SatchelSmtpReply, satchel_smtp_reply,
                     satchel_smtp_reply_copy, satchel_smtp_reply_free)

static void
reset_parser (SatchelSmtpReplyParser *self)
{
  self->code = 0;
  self->n_lines = 0;
  g_clear_pointer (&self->enhanced, g_free);
  g_string_truncate (self->text, 0);
}

/* Reads 1 to 3 digits at *@p, advancing it. */
static gboolean
skip_digits (const char **p,
             const char  *end,
             guint        max)
{
  guint n = 0;

  while (*p < end && g_ascii_isdigit (**p) && n < max)
    {
      (*p)++;
      n++;
    }
  return n > 0 && !(*p < end && g_ascii_isdigit (**p));
}

/* The length of an RFC 3463 code ("5.7.8") at the start of @text whose
 * class is @class_digit and which is followed by a space or the end, or
 * 0 when there is none. */
static gsize
match_enhanced_code (const char *text,
                     gsize       len,
                     char        class_digit)
{
  const char *end = text + len;
  const char *p = text;

  if (len < 5 || p[0] != class_digit || p[1] != '.')
    return 0;
  p += 2;
  if (!skip_digits (&p, end, 3) || p >= end || *p != '.')
    return 0;
  p++;
  if (!skip_digits (&p, end, 3))
    return 0;
  if (p < end && *p != ' ' && *p != '\t')
    return 0;
  return p - text;
}

static gboolean
is_reply_code (const char *line,
               gsize       len)
{
  return len >= 3
         && line[0] >= '2' && line[0] <= '5'
         && g_ascii_isdigit (line[1])
         && g_ascii_isdigit (line[2])
         && (len == 3 || line[3] == ' ' || line[3] == '-');
}

/* Backslash escapes for what must never reach a label as is: control
 * characters (C0, DEL, C1), invisible formatting such as bidi overrides
 * and isolates, and line or paragraph separators. */
static gboolean
needs_escape (gunichar c)
{
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    return TRUE;
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
    return TRUE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Appends one character of valid UTF-8 as it will be shown; returns how
 * many characters that took. */
static gsize
append_shown_char (GString  *out,
                   gunichar  c)
{
  gsize before = out->len;

  if (!needs_escape (c))
    {
      g_string_append_unichar (out, c);
      return 1;
    }
  if (c < 0x80)
    g_string_append_printf (out, "\\x%02X", c);
  else
    g_string_append_printf (out, "\\u{%X}", c);
  return out->len - before; /* escapes are ASCII */
}

/* The reply as one line: code, enhanced code, lines joined by " / ". */
static char *
dup_reply_line (const SatchelSmtpReply *reply)
{
  GString *line = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  gboolean first = TRUE;

  g_string_append_printf (line, "%03u", reply->code);
  if (reply->enhanced != NULL)
    g_string_append_printf (line, " %s", reply->enhanced);

  lines = g_strsplit (reply->text != NULL ? reply->text : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      g_string_append (line, first ? " " : " / ");
      g_string_append (line, lines[i]);
      first = FALSE;
    }
  return g_string_free (line, FALSE);
}

/* Escapes @valid (valid UTF-8) into @out, stopping before the character
 * that would make it longer than @limit characters (0: no limit), so that
 * no escape is ever cut in half. Returns FALSE when it stopped early. */
static gboolean
append_shown_text (GString    *out,
                   const char *valid,
                   gsize       limit)
{
  gsize n_chars = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gsize before = out->len;
      gsize width = append_shown_char (out, g_utf8_get_char (p));

      if (limit > 0 && n_chars + width > limit)
        {
          g_string_truncate (out, before);
          return FALSE;
        }
      n_chars += width;
    }
  return TRUE;
}

/* Upper-cases and checks a SASL mechanism name (RFC 4422: at most 20 of
 * A-Z, 0-9, "-" and "_"); NULL for anything else. */
static char *
dup_mechanism_name (const char *word)
{
  gsize len = strlen (word);

  if (len == 0 || len > 20)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (word[i]) && word[i] != '-' && word[i] != '_')
      return NULL;
  return g_ascii_strup (word, len);
}

static void
add_mechanism (GPtrArray  *mechanisms,
               const char *word)
{
  char *name = dup_mechanism_name (word);

  if (name == NULL)
    return;
  for (guint i = 0; i < mechanisms->len; i++)
    if (strcmp (g_ptr_array_index (mechanisms, i), name) == 0)
      {
        g_free (name);
        return;
      }
  g_ptr_array_add (mechanisms, name);
}

static void
parse_capability (SatchelSmtpCapabilities *caps,
                  GPtrArray               *mechanisms,
                  const char              *line)
{
  g_auto (GStrv) words = g_strsplit_set (line, " \t", -1);
  const char *keyword = NULL;
  guint first_arg = 0;

  /* Skip empty words that runs of blanks leave. */
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      {
        keyword = words[i];
        first_arg = i + 1;
        break;
      }
  if (keyword == NULL)
    return;

  if (g_ascii_strcasecmp (keyword, "STARTTLS") == 0)
    caps->starttls = TRUE;
  else if (g_ascii_strcasecmp (keyword, "PIPELINING") == 0)
    caps->pipelining = TRUE;
  else if (g_ascii_strcasecmp (keyword, "8BITMIME") == 0)
    caps->eightbitmime = TRUE;
  else if (g_ascii_strcasecmp (keyword, "SMTPUTF8") == 0)
    caps->smtputf8 = TRUE;
  else if (g_ascii_strcasecmp (keyword, "ENHANCEDSTATUSCODES") == 0)
    caps->enhancedstatuscodes = TRUE;
  else if (g_ascii_strcasecmp (keyword, "SIZE") == 0)
    {
      const char *arg = NULL;
      guint64 size = 0;

      for (guint i = first_arg; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          {
            arg = words[i];
            break;
          }

      if (arg == NULL)
        {
          caps->has_size = TRUE;
          caps->size = 0;
        }
      else if (g_ascii_string_to_unsigned (arg, 10, 0, G_MAXUINT64, &size, NULL))
        {
          caps->has_size = TRUE;
          caps->size = size;
        }
      else
        {
          /* A limit we cannot read is no limit we can respect: let the
           * server judge at MAIL FROM or after the data. */
          caps->has_size = FALSE;
          caps->size = 0;
        }
    }
  else if (g_ascii_strcasecmp (keyword, "AUTH") == 0
           || g_ascii_strncasecmp (keyword, "AUTH=", 5) == 0)
    {
      /* "AUTH=PLAIN LOGIN" is what servers said before RFC 2554 was
       * final; some still say it next to the standard line. */
      if (keyword[4] == '=')
        add_mechanism (mechanisms, keyword + 5);
      for (guint i = first_arg; words[i] != NULL; i++)
        add_mechanism (mechanisms, words[i]);
    }
}

/* Public API */

SatchelSmtpReply *
satchel_smtp_reply_copy (const SatchelSmtpReply *self)
{
  SatchelSmtpReply *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SatchelSmtpReply, 1);
  copy->code = self->code;
  copy->enhanced = g_strdup (self->enhanced);
  copy->text = g_strdup (self->text);
  return copy;
}

void
satchel_smtp_reply_free (SatchelSmtpReply *self)
{
  if (self == NULL)
    return;
  g_free (self->enhanced);
  g_free (self->text);
  g_free (self);
}

SatchelSmtpReplyParser *
satchel_smtp_reply_parser_new (void)
{
  SatchelSmtpReplyParser *self = g_new0 (SatchelSmtpReplyParser, 1);

  self->text = g_string_new (NULL);
  return self;
}

void
satchel_smtp_reply_parser_free (SatchelSmtpReplyParser *self)
{
  if (self == NULL)
    return;
  g_free (self->enhanced);
  g_string_free (self->text, TRUE);
  g_free (self);
}

gboolean
satchel_smtp_reply_parser_feed (SatchelSmtpReplyParser  *self,
                                const char              *line,
                                gsize                    len,
                                SatchelSmtpReply       **reply,
                                GError                 **error)
{
  const char *text;
  gsize text_len;
  gsize enhanced_len;
  guint code;
  gboolean last;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (line != NULL || len == 0, FALSE);
  g_return_val_if_fail (reply != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *reply = NULL;

  if (len > SATCHEL_SMTP_MAX_LINE)
    {
      reset_parser (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                   _("The server sent a reply line longer than %u bytes"),
                   (guint) SATCHEL_SMTP_MAX_LINE);
      return FALSE;
    }

  if (self->n_lines >= SATCHEL_SMTP_MAX_LINES)
    {
      reset_parser (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                   _("The server sent a reply of more than %u lines"),
                   (guint) SATCHEL_SMTP_MAX_LINES);
      return FALSE;
    }

  if (!is_reply_code (line, len) || memchr (line, '\0', len) != NULL)
    {
      reset_parser (self);
      g_set_error_literal (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                           _("The server sent a reply that is not SMTP"));
      return FALSE;
    }

  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (self->code != 0 && code != self->code)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                   _("The server began a reply with code %u and continued it "
                     "with code %u"),
                   self->code, code);
      reset_parser (self);
      return FALSE;
    }

  self->code = code;
  self->n_lines++;
  last = len == 3 || line[3] == ' ';

  text = len > 4 ? line + 4 : "";
  text_len = len > 4 ? len - 4 : 0;
  enhanced_len = match_enhanced_code (text, text_len, line[0]);
  if (enhanced_len > 0)
    {
      if (self->enhanced == NULL)
        self->enhanced = g_strndup (text, enhanced_len);
      text += enhanced_len;
      text_len -= enhanced_len;
      while (text_len > 0 && (*text == ' ' || *text == '\t'))
        {
          text++;
          text_len--;
        }
    }

  if (self->n_lines > 1)
    g_string_append_c (self->text, '\n');
  g_string_append_len (self->text, text, text_len);

  if (last)
    {
      SatchelSmtpReply *done = g_new0 (SatchelSmtpReply, 1);

      done->code = self->code;
      done->enhanced = g_steal_pointer (&self->enhanced);
      done->text = g_strndup (self->text->str, self->text->len);
      reset_parser (self);
      *reply = done;
    }

  return TRUE;
}

/* @max_chars limits the server's words inside the quotes, ellipsis
 * included; 0 means no limit. */
char *
satchel_smtp_reply_quote (const SatchelSmtpReply *reply,
                          gsize                   max_chars)
{
  g_autofree char *raw = NULL;
  g_autofree char *valid = NULL;
  g_autoptr (GString) shown = g_string_new (NULL);

  g_return_val_if_fail (reply != NULL, NULL);

  raw = dup_reply_line (reply);
  valid = g_utf8_make_valid (raw, -1);

  if (!append_shown_text (shown, valid, max_chars))
    {
      /* Too long: start again with room for the ellipsis. */
      g_string_truncate (shown, 0);
      if (max_chars > 1)
        append_shown_text (shown, valid, max_chars - 1);
      while (shown->len > 0 && shown->str[shown->len - 1] == ' ')
        g_string_truncate (shown, shown->len - 1);
      g_string_append (shown, "…");
    }

  return g_strdup_printf (_("the server said: “%s”"), shown->str);
}

SatchelSmtpCapabilities *
satchel_smtp_capabilities_parse (const SatchelSmtpReply *ehlo_reply)
{
  SatchelSmtpCapabilities *caps;
  g_autoptr (GPtrArray) mechanisms = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = NULL;

  g_return_val_if_fail (ehlo_reply != NULL, NULL);

  caps = g_new0 (SatchelSmtpCapabilities, 1);

  /* The first line is the server's name and greeting, not a keyword. */
  lines = g_strsplit (ehlo_reply->text != NULL ? ehlo_reply->text : "", "\n", -1);
  for (guint i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    parse_capability (caps, mechanisms, lines[i]);

  g_ptr_array_add (mechanisms, NULL);
  caps->auth = (char **) g_ptr_array_steal (mechanisms, NULL);
  return caps;
}

void
satchel_smtp_capabilities_free (SatchelSmtpCapabilities *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->auth);
  g_free (self);
}

gboolean
satchel_smtp_capabilities_has_auth (const SatchelSmtpCapabilities *self,
                                    const char                    *mechanism)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);

  for (guint i = 0; self->auth != NULL && self->auth[i] != NULL; i++)
    if (g_ascii_strcasecmp (self->auth[i], mechanism) == 0)
      return TRUE;
  return FALSE;
}
