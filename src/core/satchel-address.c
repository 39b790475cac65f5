/* satchel-address.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-address"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-address.h"

#include "satchel-error.h"

#include <string.h>

/* RFC 5321: 64 octets of local part, 254 of forward-path without the
 * angle brackets, 63 per DNS label. */
#define MAX_LOCAL_PART 64
#define MAX_ADDRESS    254
#define MAX_LABEL      63

/* How much of a bad input an error message repeats. */
#define MAX_QUOTED_CHARS 120

G_DEFINE_BOXED_TYPE (SatchelAddress, satchel_address,
                     satchel_address_copy, satchel_address_free)

/* The input as an error message may show it: valid UTF-8, control
 * characters written as escapes (so that a CR/LF in the input cannot
 * break the line of the message), and cut when very long. */
static char *
quote_input (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n_chars++ >= MAX_QUOTED_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Sets an INVALID_ADDRESS error whose translated @format has one %s, the
 * quoted input. */
G_GNUC_PRINTF (3, 0)
static void
set_address_error (GError     **error,
                   const char  *input,
                   const char  *format)
{
  g_autofree char *quoted = quote_input (input);

  /* @format is a translated literal checked by G_GNUC_PRINTF above. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, SATCHEL_MESSAGE_ERROR,
               SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS,
               format, quoted);
#pragma GCC diagnostic pop
}

static gboolean
has_line_break (const char *text)
{
  return strpbrk (text, "\r\n") != NULL;
}

/* RFC 5322 atext, plus any non-ASCII byte (RFC 6532 UTF-8). */
static gboolean
is_atext (guchar c)
{
  if (c >= 0x80)
    return TRUE;
  if (g_ascii_isalnum (c))
    return TRUE;
  return strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL && c != '\0';
}

/* A dot-atom: atext runs separated by single dots. */
static gboolean
is_dot_atom (const char *text,
             gsize       len)
{
  gboolean after_dot = TRUE;

  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = text[i];

      if (c == '.')
        {
          if (after_dot)
            return FALSE;
          after_dot = TRUE;
        }
      else if (is_atext (c))
        after_dot = FALSE;
      else
        return FALSE;
    }

  return !after_dot;
}

/* Text allowed inside a quoted string once unquoted: printable ASCII,
 * space, tab, and UTF-8. */
static gboolean
is_quotable (guchar c)
{
  return c >= 0x80 || c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e);
}

/* Reads a quoted string starting at the '"' at @p. Returns the unquoted
 * text and sets *@end past the closing quote, or returns NULL when the
 * quote is not closed or holds a character that is not allowed. */
static char *
read_quoted (const char  *p,
             const char **end)
{
  GString *out = g_string_new (NULL);

  g_assert (*p == '"');
  p++;

  while (*p != '\0' && *p != '"')
    {
      if (*p == '\\')
        {
          p++;
          if (*p == '\0')
            break;
        }
      if (!is_quotable (*p))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, *p);
      p++;
    }

  if (*p != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  *end = p + 1;
  return g_string_free (out, FALSE);
}

/* @text quoted as an RFC 5322 quoted-string. */
static void
append_quoted (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_local_part (GString    *out,
                   const char *local_part)
{
  if (is_dot_atom (local_part, strlen (local_part)))
    g_string_append (out, local_part);
  else
    append_quoted (out, local_part);
}

/* A display name that can go out unquoted: words of atext (and dots,
 * which RFC 5322 tolerates in obsolete phrases and people type in
 * "John Q. Public") separated by single spaces. */
static gboolean
is_plain_phrase (const char *name)
{
  gboolean after_space = TRUE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == ' ')
        {
          if (after_space)
            return FALSE;
          after_space = TRUE;
        }
      else if (is_atext (*p) || *p == '.')
        after_space = FALSE;
      else
        return FALSE;
    }

  return !after_space;
}

static gboolean
is_ldh_label (const char *label,
              gsize       len)
{
  if (len == 0 || len > MAX_LABEL)
    return FALSE;
  if (label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  return TRUE;
}

/* Checks an address literal "[192.0.2.1]" or "[IPv6:2001:db8::1]" and
 * returns its normal form, or NULL. */
static char *
parse_address_literal (const char *domain)
{
  gsize len = strlen (domain);
  g_autofree char *inner = NULL;

  if (len < 3 || domain[0] != '[' || domain[len - 1] != ']')
    return NULL;

  inner = g_strndup (domain + 1, len - 2);
  if (g_ascii_strncasecmp (inner, "IPv6:", 5) == 0)
    {
      const char *ip = inner + 5;
      g_autofree char *lower = NULL;

      if (strchr (ip, ':') == NULL || !g_hostname_is_ip_address (ip))
        return NULL;
      lower = g_ascii_strdown (ip, -1);
      return g_strdup_printf ("[IPv6:%s]", lower);
    }

  /* Only dotted-quad IPv4 without the tag. */
  if (strspn (inner, "0123456789.") != strlen (inner) ||
      !g_hostname_is_ip_address (inner))
    return NULL;

  return g_strdup_printf ("[%s]", inner);
}

/* Validates the domain and fills @address->domain and ->ascii_domain.
 * @input is the whole text, for the error message. */
static gboolean
parse_domain (SatchelAddress  *address,
              const char      *domain,
              const char      *input,
              GError         **error)
{
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  g_auto(GStrv) labels = NULL;
  gboolean all_digits = TRUE;

  if (domain[0] == '[')
    {
      char *literal = parse_address_literal (domain);

      if (literal == NULL)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the IP "
                               "address in square brackets is not valid."));
          return FALSE;
        }
      address->domain = literal;
      address->ascii_domain = g_strdup (literal);
      return TRUE;
    }

  if (strpbrk (domain, " \t\"()<>[]@,;:\\") != NULL)
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the domain "
                           "part has a character that is not allowed."));
      return FALSE;
    }

  lower = g_utf8_strdown (domain, -1);
  ascii = g_hostname_to_ascii (lower);
  if (ascii == NULL)
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the domain "
                           "name is not valid."));
      return FALSE;
    }

  {
    char *folded = g_ascii_strdown (ascii, -1);

    g_free (ascii);
    ascii = folded;
  }

  if (strchr (ascii, '.') == NULL && !g_str_equal (ascii, "localhost"))
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the domain "
                           "name needs at least one dot, as in "
                           "“example.com”."));
      return FALSE;
    }

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize len = strlen (labels[i]);

      if (len == 0 || len > MAX_LABEL)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: a part "
                               "of the domain name is empty or longer than "
                               "63 characters."));
          return FALSE;
        }
      if (!is_ldh_label (labels[i], len))
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the domain "
                               "name may only have letters, digits and "
                               "hyphens, and no hyphen at the start or end "
                               "of a part."));
          return FALSE;
        }
      if (labels[i + 1] == NULL)
        all_digits = strspn (labels[i], "0123456789") == len;
    }

  /* "user@192.0.2.1" is a typo or an attempt to skip DNS: RFC 5321 wants
   * IP addresses in brackets, and no top-level domain is numeric. */
  if (all_digits)
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: write an IP "
                           "address in square brackets, as in "
                           "“user@[192.0.2.1]”."));
      return FALSE;
    }

  address->domain = g_steal_pointer (&lower);
  address->ascii_domain = g_steal_pointer (&ascii);
  return TRUE;
}

/* Parses "local@domain" (no angle brackets, no surrounding spaces). */
static gboolean
parse_addr_spec (SatchelAddress  *address,
                 const char      *spec,
                 const char      *input,
                 GError         **error)
{
  const char *at;
  g_autofree char *local = NULL;
  g_autofree char *envelope = NULL;

  if (*spec == '\0')
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the address "
                           "between “<” and “>” is empty."));
      return FALSE;
    }

  if (*spec == '"')
    {
      const char *end = NULL;

      local = read_quoted (spec, &end);
      if (local == NULL)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the "
                               "quoted part before “@” is not closed or has "
                               "a character that is not allowed."));
          return FALSE;
        }
      at = end;
      if (*at != '@')
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the "
                               "domain part is missing."));
          return FALSE;
        }
    }
  else
    {
      at = strchr (spec, '@');
      if (at == NULL)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the "
                               "domain part is missing."));
          return FALSE;
        }
      if (at == spec)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the part "
                               "before “@” is empty."));
          return FALSE;
        }
      if (!is_dot_atom (spec, at - spec))
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the part "
                               "before “@” has a character that is not "
                               "allowed, or a dot at its start or end or "
                               "two dots in a row."));
          return FALSE;
        }
      local = g_strndup (spec, at - spec);
    }

  if (*local == '\0')
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the part "
                           "before “@” is empty."));
      return FALSE;
    }
  if (strlen (local) > MAX_LOCAL_PART)
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the part "
                           "before “@” is longer than 64 bytes."));
      return FALSE;
    }

  if (at[1] == '\0')
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: the domain "
                           "part is missing."));
      return FALSE;
    }

  if (!parse_domain (address, at + 1, input, error))
    return FALSE;

  address->local_part = g_steal_pointer (&local);

  envelope = satchel_address_to_envelope (address);
  if (strlen (envelope) > MAX_ADDRESS)
    {
      set_address_error (error, input,
                         _("“%s” is not a valid email address: it is longer "
                           "than 254 bytes."));
      return FALSE;
    }

  return TRUE;
}

/* Parses the display name before '<': a quoted string, or words. */
static gboolean
parse_display_name (SatchelAddress  *address,
                    const char      *start,
                    const char      *end,
                    const char      *input,
                    GError         **error)
{
  g_autofree char *raw = g_strstrip (g_strndup (start, end - start));

  if (*raw == '\0')
    return TRUE;

  if (*raw == '"')
    {
      const char *after = NULL;
      g_autofree char *name = read_quoted (raw, &after);

      if (name == NULL || *after != '\0')
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: the quoted "
                               "name is not closed, or has text after the "
                               "closing quote."));
          return FALSE;
        }
      g_strstrip (name);
      if (*name != '\0')
        address->name = g_steal_pointer (&name);
      return TRUE;
    }

  for (const char *p = raw; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7f || strchr ("\"()<>[]:;@\\,", c) != NULL)
        {
          set_address_error (error, input,
                             _("“%s” is not a valid email address: a name "
                               "with commas or other special characters "
                               "must be in double quotes, as in "
                               "“\"Last, First\" <user@example.com>”."));
          return FALSE;
        }
    }

  {
    /* Runs of spaces and tabs between words count as one space. */
    g_auto(GStrv) words = g_strsplit_set (raw, " \t", -1);
    GString *name = g_string_new (NULL);

    for (guint i = 0; words[i] != NULL; i++)
      {
        if (*words[i] == '\0')
          continue;
        if (name->len > 0)
          g_string_append_c (name, ' ');
        g_string_append (name, words[i]);
      }
    address->name = g_string_free (name, FALSE);
  }

  return TRUE;
}

/* Public API ----------------------------------------------------------- */

SatchelAddress *
satchel_address_copy (const SatchelAddress *self)
{
  SatchelAddress *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (SatchelAddress, 1);
  copy->name = g_strdup (self->name);
  copy->local_part = g_strdup (self->local_part);
  copy->domain = g_strdup (self->domain);
  copy->ascii_domain = g_strdup (self->ascii_domain);
  return copy;
}

void
satchel_address_free (SatchelAddress *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->local_part);
  g_free (self->domain);
  g_free (self->ascii_domain);
  g_free (self);
}

SatchelAddress *
satchel_address_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(SatchelAddress) address = NULL;
  g_autofree char *trimmed = NULL;
  const char *open = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (has_line_break (text))
    {
      g_autofree char *quoted = quote_input (text);

      g_set_error (error, SATCHEL_MESSAGE_ERROR,
                   SATCHEL_MESSAGE_ERROR_HEADER_INJECTION,
                   _("“%s” is not a valid email address: it contains a line "
                     "break."),
                   quoted);
      return NULL;
    }

  if (!g_utf8_validate (text, -1, NULL))
    {
      set_address_error (error, text,
                         _("“%s” is not a valid email address: it is not "
                           "valid UTF-8 text."));
      return NULL;
    }

  trimmed = g_strstrip (g_strdup (text));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR,
                           SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS,
                           _("The email address is empty."));
      return NULL;
    }

  for (const char *p = trimmed; *p != '\0'; p++)
    {
      if ((guchar) *p < 0x20 && *p != '\t')
        {
          set_address_error (error, text,
                             _("“%s” is not a valid email address: it "
                               "contains a control character."));
          return NULL;
        }
    }

  /* Find a '<' outside a quoted name. */
  {
    gboolean in_quotes = FALSE;

    for (const char *p = trimmed; *p != '\0'; p++)
      {
        if (in_quotes && *p == '\\' && p[1] != '\0')
          p++;
        else if (*p == '"')
          in_quotes = !in_quotes;
        else if (!in_quotes && *p == '<')
          {
            open = p;
            break;
          }
      }

    if (in_quotes)
      {
        set_address_error (error, text,
                           _("“%s” is not a valid email address: a double "
                             "quote is not closed."));
        return NULL;
      }
  }

  address = g_new0 (SatchelAddress, 1);

  if (open != NULL)
    {
      const char *close = strchr (open, '>');
      g_autofree char *spec = NULL;

      if (close == NULL)
        {
          set_address_error (error, text,
                             _("“%s” is not a valid email address: the “<” "
                               "has no matching “>”."));
          return NULL;
        }
      if (close[1] != '\0')
        {
          set_address_error (error, text,
                             _("“%s” is not a valid email address: there is "
                               "text after the “>”."));
          return NULL;
        }
      if (!parse_display_name (address, trimmed, open, text, error))
        return NULL;

      spec = g_strstrip (g_strndup (open + 1, close - open - 1));
      if (!parse_addr_spec (address, spec, text, error))
        return NULL;
    }
  else
    {
      if (strpbrk (trimmed, " \t") != NULL && trimmed[0] != '"')
        {
          set_address_error (error, text,
                             _("“%s” is not a valid email address: put the "
                               "address in angle brackets after the name, "
                               "as in “Name <user@example.com>”."));
          return NULL;
        }
      if (strchr (trimmed, '>') != NULL)
        {
          set_address_error (error, text,
                             _("“%s” is not a valid email address: the “>” "
                               "has no matching “<”."));
          return NULL;
        }
      if (!parse_addr_spec (address, trimmed, text, error))
        return NULL;
    }

  return g_steal_pointer (&address);
}

GPtrArray *
satchel_address_parse_list (const char  *text,
                            GError     **error)
{
  g_autoptr(GPtrArray) list = NULL;
  const char *item_start;
  gboolean in_quotes = FALSE;
  gboolean in_angle = FALSE;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) satchel_address_free);

  /* A line break anywhere is refused before splitting, so that it is
   * reported as what it is even between two items. */
  if (has_line_break (text))
    {
      g_autofree char *quoted = quote_input (text);

      g_set_error (error, SATCHEL_MESSAGE_ERROR,
                   SATCHEL_MESSAGE_ERROR_HEADER_INJECTION,
                   _("“%s” is not a valid list of email addresses: it "
                     "contains a line break."),
                   quoted);
      return NULL;
    }

  item_start = text;
  for (p = text;; p++)
    {
      if (*p != '\0')
        {
          if (in_quotes && *p == '\\' && p[1] != '\0')
            {
              p++;
              continue;
            }
          if (*p == '"' && !in_angle)
            in_quotes = !in_quotes;
          else if (!in_quotes && *p == '<')
            in_angle = TRUE;
          else if (!in_quotes && *p == '>')
            in_angle = FALSE;
          if (in_quotes || in_angle || (*p != ',' && *p != ';'))
            continue;
        }

      {
        g_autofree char *item = g_strndup (item_start, p - item_start);

        g_strstrip (item);
        if (*item != '\0')
          {
            SatchelAddress *address = satchel_address_parse (item, error);

            if (address == NULL)
              return NULL;
            g_ptr_array_add (list, address);
          }
      }

      if (*p == '\0')
        break;
      item_start = p + 1;
    }

  return g_steal_pointer (&list);
}

char *
satchel_address_to_envelope (const SatchelAddress *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->local_part != NULL, NULL);

  out = g_string_new (NULL);
  append_local_part (out, self->local_part);
  g_string_append_c (out, '@');
  g_string_append (out, self->ascii_domain);
  return g_string_free (out, FALSE);
}

char *
satchel_address_to_display (const SatchelAddress *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->local_part != NULL, NULL);

  out = g_string_new (NULL);
  if (self->name != NULL && *self->name != '\0')
    {
      if (is_plain_phrase (self->name))
        g_string_append (out, self->name);
      else
        append_quoted (out, self->name);
      g_string_append (out, " <");
    }
  append_local_part (out, self->local_part);
  g_string_append_c (out, '@');
  g_string_append (out, self->domain);
  if (self->name != NULL && *self->name != '\0')
    g_string_append_c (out, '>');
  return g_string_free (out, FALSE);
}

gboolean
satchel_address_needs_smtputf8 (const SatchelAddress *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (const char *p = self->local_part; p != NULL && *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return TRUE;
  return FALSE;
}

gboolean
satchel_header_value_check (const char  *field,
                            const char  *value,
                            GError     **error)
{
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (value == NULL || !has_line_break (value))
    return TRUE;

  g_set_error (error, SATCHEL_MESSAGE_ERROR,
               SATCHEL_MESSAGE_ERROR_HEADER_INJECTION,
               _("The %s field contains a line break, which a mail header "
                 "cannot hold: keep it on one line."),
               field);
  return FALSE;
}
