/* satchel-mailto.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-mailto"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "satchel-mailto.h"

#include "satchel-error.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEME "mailto:"

/* Folders whose files describe the running system, not documents:
 * /proc/self/environ holds the environment, /dev/stdin is a pipe. */
static const char * const system_dirs[] = { "/proc", "/dev", "/sys" };

/* Helpers: parsing -------------------------------------------------------- */

static void set_invalid (GError     **error,
                         const char  *format,
                         ...) G_GNUC_PRINTF (2, 3);

static void
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
               _("The mail link cannot be opened: %s. Ask whoever gave you the "
                 "link for a correct one, or write the message yourself."),
               reason);
}

/* RFC 3986 percent-decoding of @length bytes of @text, which must give
 * UTF-8 without NUL. '+' is a '+', not a space: this is not a form. */
static char *
percent_decode (const char  *text,
                gsize        length,
                GError     **error)
{
  g_autoptr(GString) out = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      int high, low;

      if (text[i] != '%')
        {
          g_string_append_c (out, text[i]);
          continue;
        }

      high = i + 1 < length ? g_ascii_xdigit_value (text[i + 1]) : -1;
      low = i + 2 < length ? g_ascii_xdigit_value (text[i + 2]) : -1;
      if (high < 0 || low < 0)
        {
          set_invalid (error, _("a “%%” is not followed by two hexadecimal digits"));
          return NULL;
        }
      g_string_append_c (out, (char) (high << 4 | low));
      i += 2;
    }

  if (memchr (out->str, '\0', out->len) != NULL)
    {
      set_invalid (error, _("it holds a NUL character"));
      return NULL;
    }
  if (!g_utf8_validate_len (out->str, out->len, NULL))
    {
      set_invalid (error, _("it is not valid UTF-8 text"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
has_line_break (const char *text)
{
  return strpbrk (text, "\r\n") != NULL;
}

/* A header field's value, on one line. */
static char *
decode_line (const char  *name,
             const char  *text,
             gsize        length,
             GError     **error)
{
  g_autofree char *value = percent_decode (text, length, error);

  if (value == NULL)
    return NULL;
  if (has_line_break (value))
    {
      set_invalid (error, _("its “%s” field holds a line break"), name);
      return NULL;
    }

  return g_steal_pointer (&value);
}

/* Line ends as GTK shows them: RFC 6068 asks for CRLF in the body. */
static char *
normalise_line_ends (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* Adds the addresses of @list (decoded), split at commas outside
 * quoted strings ("not,me"@example.org is one address). */
static void
add_addresses (GPtrArray  *addresses,
               const char *list)
{
  gboolean quoted = FALSE;
  const char *start = list;

  for (const char *p = list; ; p++)
    {
      if (*p == '\\' && quoted && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == '"')
        quoted = !quoted;

      if (*p == '\0' || (*p == ',' && !quoted))
        {
          g_autofree char *address = g_strndup (start, p - start);

          g_strstrip (address);
          if (*address != '\0')
            g_ptr_array_add (addresses, g_steal_pointer (&address));
          if (*p == '\0')
            break;
          start = p + 1;
        }
    }
}

static gboolean
add_address_field (GPtrArray   *addresses,
                   const char  *name,
                   const char  *text,
                   gsize        length,
                   GError     **error)
{
  g_autofree char *list = decode_line (name, text, length, error);

  if (list == NULL)
    return FALSE;
  add_addresses (addresses, list);
  return TRUE;
}

/* Characters that could make a path look like another in the consent
 * dialog: control characters and invisible formatting (right-to-left
 * override, U+202E, shows "report\u202Efdp.exe" as "reportexe.pdf"). */
static gboolean
has_deceptive_chars (const char *path)
{
  for (const char *p = path; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        return TRUE;
    }
  return FALSE;
}

/* An attach or attachment value as xdg-email (an encoded path) and the
 * desktop portal pass it: a path, or a file: URI, itself encoded in the
 * link or not. A link has no current folder: relative paths are
 * refused. */
static char *
decode_attachment (const char  *text,
                   gsize        length,
                   GError     **error)
{
  g_autofree char *raw = g_strndup (text, length);
  g_autofree char *value = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *path = NULL;
  const char *uri = NULL;

  value = decode_line ("attach", text, length, error);
  if (value == NULL)
    return NULL;

  /* A file: URI written as is in the link keeps its own escapes, which
   * one more decoding would spoil (a%2520b is "a%20b"). */
  if (g_ascii_strncasecmp (raw, "file:", 5) == 0)
    uri = raw;
  else if (g_ascii_strncasecmp (value, "file:", 5) == 0)
    uri = value;

  if (uri != NULL)
    {
      path = g_filename_from_uri (uri, &hostname, NULL);
      if (path == NULL ||
          (hostname != NULL && g_ascii_strcasecmp (hostname, "localhost") != 0))
        {
          set_invalid (error, _("it asks to attach “%s”, which is not a file on this "
                                "computer"), value);
          return NULL;
        }
    }
  else if (g_uri_peek_scheme (value) != NULL)
    {
      set_invalid (error, _("it asks to attach “%s”, which is not a file on this "
                            "computer"), value);
      return NULL;
    }
  else
    path = g_steal_pointer (&value);

  if (!g_utf8_validate (path, -1, NULL))
    {
      set_invalid (error, _("it asks to attach a file whose name is not valid UTF-8"));
      return NULL;
    }
  if (has_deceptive_chars (path))
    {
      set_invalid (error, _("it asks to attach a file whose name holds invisible "
                            "or control characters"));
      return NULL;
    }
  if (!g_path_is_absolute (path))
    {
      set_invalid (error, _("it asks to attach “%s”, which is not a full path"), path);
      return NULL;
    }

  return g_steal_pointer (&path);
}

static void
add_unique (GPtrArray *paths,
            char      *path)
{
  for (guint i = 0; i < paths->len; i++)
    if (g_str_equal (g_ptr_array_index (paths, i), path))
      {
        g_free (path);
        return;
      }
  g_ptr_array_add (paths, path);
}

/* One "name=value" of the query. */
static gboolean
parse_field (SatchelMailto  *mailto,
             const char     *field,
             gsize           length,
             GError        **error)
{
  const char *equals = memchr (field, '=', length);
  const char *value;
  gsize value_length;
  g_autofree char *name = NULL;

  /* "mailto:a@example.com?&" or a name without a value: nothing to do. */
  if (equals == NULL)
    return TRUE;

  name = percent_decode (field, equals - field, error);
  if (name == NULL)
    return FALSE;
  value = equals + 1;
  value_length = length - (value - field);

  if (g_ascii_strcasecmp (name, "to") == 0)
    return add_address_field (mailto->to, "to", value, value_length, error);
  if (g_ascii_strcasecmp (name, "cc") == 0)
    return add_address_field (mailto->cc, "cc", value, value_length, error);
  if (g_ascii_strcasecmp (name, "bcc") == 0)
    return add_address_field (mailto->bcc, "bcc", value, value_length, error);

  /* The last subject and body count, as the last value of a query does. */
  if (g_ascii_strcasecmp (name, "subject") == 0)
    {
      char *subject = decode_line ("subject", value, value_length, error);

      if (subject == NULL)
        return FALSE;
      g_free (mailto->subject);
      mailto->subject = subject;
      return TRUE;
    }

  if (g_ascii_strcasecmp (name, "body") == 0)
    {
      g_autofree char *body = percent_decode (value, value_length, error);

      if (body == NULL)
        return FALSE;
      g_free (mailto->body);
      mailto->body = normalise_line_ends (body);
      return TRUE;
    }

  if (g_ascii_strcasecmp (name, "attach") == 0 ||
      g_ascii_strcasecmp (name, "attachment") == 0)
    {
      char *path = decode_attachment (value, value_length, error);

      if (path == NULL)
        return FALSE;
      add_unique (mailto->attachments, path);
      return TRUE;
    }

  /* From, In-Reply-To, X-…: a link does not choose those. */
  return TRUE;
}

/* Helpers: attachments ---------------------------------------------------- */

/* TRUE when a file or folder on @path starts with a dot: hidden, where
 * keys and settings live (~/.ssh, ~/.config, ~/.gnupg); "." and ".."
 * included, which have no place in a path a link gives. */
static gboolean
has_hidden_component (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, G_DIR_SEPARATOR_S, -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '.')
      return TRUE;
  return FALSE;
}

static gboolean
is_in_system_dir (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_dirs); i++)
    {
      gsize length = strlen (system_dirs[i]);

      if (strncmp (path, system_dirs[i], length) == 0 &&
          (path[length] == '\0' || path[length] == G_DIR_SEPARATOR))
        return TRUE;
    }
  return FALSE;
}

/* Judges @path (the one given, or where its links lead). */
static gboolean
check_location (const char  *path,
                const char  *given,
                GError     **error)
{
  g_autofree char *shown = g_filename_display_name (given);
  g_autofree char *shown_target = g_filename_display_name (path);
  gboolean is_target = !g_str_equal (path, given);

  if (has_hidden_component (path))
    {
      if (is_target)
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” leads to “%s”, a hidden file or a file in a hidden "
                       "folder. A link may not attach such files: they often "
                       "hold keys and passwords. If you mean to send it, attach "
                       "it yourself."),
                     shown, shown_target);
      else
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” is a hidden file or is in a hidden folder. A link "
                       "may not attach such files: they often hold keys and "
                       "passwords. If you mean to send it, attach it yourself."),
                     shown);
      return FALSE;
    }

  if (is_in_system_dir (path))
    {
      if (is_target)
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” leads to “%s”, which describes the running system "
                       "and is not a document. A link may not attach it."),
                     shown, shown_target);
      else
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” describes the running system and is not a "
                       "document. A link may not attach it."),
                     shown);
      return FALSE;
    }

  return TRUE;
}

/* Public API -------------------------------------------------------------- */

void
satchel_mailto_free (SatchelMailto *mailto)
{
  if (mailto == NULL)
    return;

  g_ptr_array_unref (mailto->to);
  g_ptr_array_unref (mailto->cc);
  g_ptr_array_unref (mailto->bcc);
  g_free (mailto->subject);
  g_free (mailto->body);
  g_ptr_array_unref (mailto->attachments);
  g_free (mailto);
}

SatchelMailto *
satchel_mailto_parse (const char  *uri,
                      GError     **error)
{
  g_autoptr(SatchelMailto) mailto = NULL;
  const char *rest;
  const char *query;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (uri, -1, NULL))
    {
      set_invalid (error, _("it is not valid UTF-8 text"));
      return NULL;
    }
  if (g_ascii_strncasecmp (uri, SCHEME, strlen (SCHEME)) != 0)
    {
      set_invalid (error, _("it does not start with “mailto:”"));
      return NULL;
    }

  mailto = g_new0 (SatchelMailto, 1);
  mailto->to = g_ptr_array_new_with_free_func (g_free);
  mailto->cc = g_ptr_array_new_with_free_func (g_free);
  mailto->bcc = g_ptr_array_new_with_free_func (g_free);
  mailto->attachments = g_ptr_array_new_with_free_func (g_free);

  /* mailto:ADDRESSES?FIELD=VALUE&FIELD=VALUE. A '#' is kept as text:
   * links are often written by hand ("body=see issue #5"). */
  rest = uri + strlen (SCHEME);
  query = strchr (rest, '?');

  if (!add_address_field (mailto->to, "to", rest,
                          query != NULL ? (gsize) (query - rest) : strlen (rest), error))
    return NULL;

  while (query != NULL)
    {
      const char *field = query + 1;
      const char *end = strchr (field, '&');
      gsize length = end != NULL ? (gsize) (end - field) : strlen (field);

      if (!parse_field (mailto, field, length, error))
        return NULL;
      query = end;
    }

  return g_steal_pointer (&mailto);
}

gboolean
satchel_mailto_check_attachment (const char  *path,
                                 GError     **error)
{
  g_autofree char *shown = NULL;
  char resolved[PATH_MAX];
  GStatBuf buf;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  shown = g_filename_display_name (path);

  if (!g_path_is_absolute (path))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” is not a full path. A link can only attach files "
                     "named by their full path."),
                   shown);
      return FALSE;
    }

  /* The path as given, then where its links lead. */
  if (!check_location (path, path, error))
    return FALSE;

  if (realpath (path, resolved) == NULL)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” does not exist."), shown);
      else
        g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                     _("“%s” cannot be opened: %s."), shown, g_strerror (saved_errno));
      return FALSE;
    }

  if (!check_location (resolved, path, error))
    return FALSE;

  /* Not a folder, a pipe that would never end, or a device. */
  if (g_stat (resolved, &buf) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” cannot be opened: %s."), shown, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISDIR (buf.st_mode))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” is a folder. Only files can be attached."), shown);
      return FALSE;
    }
  if (!S_ISREG (buf.st_mode))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” is not an ordinary file (it is a device, a pipe or a "
                     "socket). Only files can be attached."),
                   shown);
      return FALSE;
    }

  if (g_access (resolved, R_OK) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” cannot be read: %s."), shown, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
