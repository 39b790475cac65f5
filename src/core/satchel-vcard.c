/* satchel-vcard.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-vcard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-vcard.h"

#include <string.h>

G_DEFINE_QUARK (satchel-vcard-error-quark, satchel_vcard_error)

/* One content line: [group.]NAME;PARAM=VALUE;…:value */
typedef struct
{
  char      *name;     /* upper case, group removed */
  GPtrArray *types;    /* lower-case TYPE values (and 2.1 bare params) */
  char      *encoding; /* upper case, or NULL */
  char      *charset;  /* or NULL */
  char      *value;    /* raw, still escaped */
} Property;

static void
property_clear (Property *prop)
{
  g_free (prop->name);
  g_ptr_array_unref (prop->types);
  g_free (prop->encoding);
  g_free (prop->charset);
  g_free (prop->value);
}

/* Reading --------------------------------------------------------------- */

static gboolean
is_quoted_printable (const char *line)
{
  const char *colon = strchr (line, ':');
  g_autofree char *params = NULL;

  if (colon == NULL)
    return FALSE;
  params = g_ascii_strup (line, colon - line);
  return strstr (params, "QUOTED-PRINTABLE") != NULL;
}

/* Logical lines: folded lines joined (a line starting with a space or a
 * tab continues the one before), and 2.1 quoted-printable soft breaks
 * ("=" at the end) joined to the next line. */
static GPtrArray *
unfold (const char *data,
        gsize       length)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GString *current = NULL;
  const char *p = data;
  const char *end = data + length;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      gsize len = line_end - p;

      if (len > 0 && p[len - 1] == '\r')
        len--;

      if (current != NULL && current->len > 0 &&
          current->str[current->len - 1] == '=' &&
          is_quoted_printable (current->str))
        {
          g_string_truncate (current, current->len - 1);
          g_string_append_len (current, p, len);
        }
      else if (current != NULL && len > 0 && (p[0] == ' ' || p[0] == '\t'))
        g_string_append_len (current, p + 1, len - 1);
      else
        {
          if (current != NULL)
            g_ptr_array_add (lines, g_string_free (current, FALSE));
          current = g_string_new_len (p, len);
        }
      p = nl != NULL ? nl + 1 : end;
    }
  if (current != NULL)
    g_ptr_array_add (lines, g_string_free (current, FALSE));

  return lines;
}

static void
add_type_values (GPtrArray  *types,
                 const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *v = g_strstrip (g_ascii_strdown (parts[i], -1));
      gsize len = strlen (v);

      if (len >= 2 && v[0] == '"' && v[len - 1] == '"')
        {
          memmove (v, v + 1, len - 2);
          v[len - 2] = '\0';
        }
      if (*v != '\0')
        g_ptr_array_add (types, v);
      else
        g_free (v);
    }
}

/* Splits a content line; FALSE when it is not one. Colons inside quoted
 * parameter values do not end the parameters. */
static gboolean
parse_property (const char *line,
                Property   *prop)
{
  const char *p = line;
  const char *colon = NULL;
  gboolean quoted = FALSE;
  g_auto(GStrv) params = NULL;
  g_autofree char *head = NULL;
  char *dot;

  for (; *p != '\0'; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (*p == ':' && !quoted)
        {
          colon = p;
          break;
        }
    }
  if (colon == NULL || colon == line)
    return FALSE;

  head = g_strndup (line, colon - line);
  params = g_strsplit (head, ";", -1);

  dot = strrchr (params[0], '.');
  prop->name = g_ascii_strup (dot != NULL ? dot + 1 : params[0], -1);
  g_strstrip (prop->name);
  prop->types = g_ptr_array_new_with_free_func (g_free);
  prop->encoding = NULL;
  prop->charset = NULL;
  prop->value = g_strdup (colon + 1);

  for (guint i = 1; params[i] != NULL; i++)
    {
      char *eq = strchr (params[i], '=');
      g_autofree char *key = NULL;
      const char *value;

      if (eq == NULL)
        {
          /* vCard 2.1: "EMAIL;WORK;INTERNET" and "QUOTED-PRINTABLE". */
          g_autofree char *bare = g_ascii_strup (params[i], -1);

          g_strstrip (bare);
          if (g_str_equal (bare, "QUOTED-PRINTABLE") || g_str_equal (bare, "BASE64") ||
              g_str_equal (bare, "8BIT") || g_str_equal (bare, "7BIT"))
            {
              g_free (prop->encoding);
              prop->encoding = g_steal_pointer (&bare);
            }
          else
            add_type_values (prop->types, params[i]);
          continue;
        }

      key = g_ascii_strup (params[i], eq - params[i]);
      g_strstrip (key);
      value = eq + 1;
      if (g_str_equal (key, "TYPE"))
        add_type_values (prop->types, value);
      else if (g_str_equal (key, "ENCODING"))
        {
          g_free (prop->encoding);
          prop->encoding = g_ascii_strup (value, -1);
        }
      else if (g_str_equal (key, "CHARSET"))
        {
          g_free (prop->charset);
          prop->charset = g_strdup (value);
        }
      else if (g_str_equal (key, "PREF"))
        g_ptr_array_add (prop->types, g_strdup ("pref"));
    }

  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static char *
decode_quoted_printable (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '=' && hex_value (p[1]) >= 0 && hex_value (p[2]) >= 0)
        {
          g_string_append_c (out, (char) (hex_value (p[1]) * 16 + hex_value (p[2])));
          p += 2;
        }
      else if (*p == '=' && p[1] == '\0')
        break;
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The value as UTF-8: quoted-printable decoded, converted from its
 * CHARSET. Bytes that are not UTF-8 and have no charset are read as
 * Windows-1252, as old phones meant them. */
static char *
decode_value (Property *prop)
{
  g_autofree char *raw = NULL;
  char *converted;

  if (prop->encoding != NULL && g_str_equal (prop->encoding, "QUOTED-PRINTABLE"))
    raw = decode_quoted_printable (prop->value);
  else
    raw = g_strdup (prop->value);

  if (prop->charset != NULL && g_ascii_strcasecmp (prop->charset, "UTF-8") != 0)
    {
      converted = g_convert (raw, -1, "UTF-8", prop->charset, NULL, NULL, NULL);
      if (converted != NULL)
        return converted;
    }

  if (g_utf8_validate (raw, -1, NULL))
    return g_steal_pointer (&raw);

  converted = g_convert (raw, -1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  return converted != NULL ? converted : g_utf8_make_valid (raw, -1);
}

/* Splits on unescaped @separator and unescapes each part. */
static GPtrArray *
split_text (const char *text,
            char        separator)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  GString *current = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          if (*p == 'n' || *p == 'N')
            g_string_append_c (current, '\n');
          else
            g_string_append_c (current, *p);
        }
      else if (*p == separator)
        {
          g_ptr_array_add (parts, g_string_free (current, FALSE));
          current = g_string_new (NULL);
        }
      else
        g_string_append_c (current, *p);
    }
  g_ptr_array_add (parts, g_string_free (current, FALSE));
  return parts;
}

static char *
unescape_text (const char *text)
{
  g_autoptr(GPtrArray) parts = split_text (text, '\0');

  return g_strdup (parts->pdata[0]);
}

static gboolean
has_han (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

/* A name from N (family;given;additional;prefix;suffix): "given family"
 * in the West, "familygiven" for Chinese names. */
static char *
name_from_n (const char *value)
{
  g_autoptr(GPtrArray) parts = split_text (value, ';');
  const char *order[] = { NULL, NULL, NULL, NULL, NULL };
  g_autoptr(GString) name = g_string_new (NULL);
  const char *family = parts->len > 0 ? parts->pdata[0] : "";
  const char *given = parts->len > 1 ? parts->pdata[1] : "";
  gboolean chinese = has_han (family) || has_han (given);

  if (chinese)
    {
      g_string_append (name, family);
      g_string_append (name, given);
      return g_strstrip (g_string_free (g_steal_pointer (&name), FALSE));
    }

  order[0] = parts->len > 3 ? parts->pdata[3] : NULL;
  order[1] = given;
  order[2] = parts->len > 2 ? parts->pdata[2] : NULL;
  order[3] = family;
  order[4] = parts->len > 4 ? parts->pdata[4] : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] != NULL && *order[i] != '\0')
      {
        if (name->len > 0)
          g_string_append_c (name, ' ');
        g_string_append (name, order[i]);
      }
  return g_strstrip (g_string_free (g_steal_pointer (&name), FALSE));
}

static const char *
email_type (GPtrArray *types)
{
  for (guint i = 0; i < types->len; i++)
    {
      const char *t = types->pdata[i];

      if (g_str_equal (t, "internet") || g_str_equal (t, "pref") ||
          g_str_equal (t, "x400") || g_str_has_prefix (t, "x-"))
        continue;
      return t;
    }
  return NULL;
}

GPtrArray *
satchel_vcard_parse (const char  *data,
                     gssize       length,
                     GError     **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(SatchelContact) current = NULL;
  g_autofree char *n_name = NULL;
  gboolean seen_begin = FALSE;
  gboolean has_fn = FALSE;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  lines = unfold (data, length);
  contacts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < lines->len; i++)
    {
      Property prop = { 0 };
      g_autofree char *value = NULL;

      if (!parse_property (lines->pdata[i], &prop))
        continue;

      if (g_str_equal (prop.name, "BEGIN") && g_ascii_strcasecmp (g_strstrip (prop.value), "VCARD") == 0)
        {
          seen_begin = TRUE;
          g_clear_object (&current);
          g_clear_pointer (&n_name, g_free);
          has_fn = FALSE;
          current = satchel_contact_new ();
        }
      else if (g_str_equal (prop.name, "END") && current != NULL)
        {
          if (!has_fn && n_name != NULL)
            satchel_contact_set_name (current, n_name);
          g_ptr_array_add (contacts, g_steal_pointer (&current));
        }
      else if (current != NULL)
        {
          value = decode_value (&prop);

          if (g_str_equal (prop.name, "FN"))
            {
              g_autofree char *text = unescape_text (value);

              g_strstrip (text);
              if (*text != '\0')
                {
                  satchel_contact_set_name (current, text);
                  has_fn = TRUE;
                }
            }
          else if (g_str_equal (prop.name, "N"))
            {
              g_free (n_name);
              n_name = name_from_n (value);
            }
          else if (g_str_equal (prop.name, "NICKNAME"))
            {
              g_autoptr(GPtrArray) parts = split_text (value, ',');

              satchel_contact_set_nickname (current, parts->pdata[0]);
            }
          else if (g_str_equal (prop.name, "EMAIL"))
            {
              g_autofree char *text = unescape_text (value);
              const char *address = g_strstrip (text);

              if (g_ascii_strncasecmp (address, "mailto:", 7) == 0)
                address += 7;
              satchel_contact_add_address (current, address, email_type (prop.types));
            }
          else if (g_str_equal (prop.name, "NOTE"))
            {
              g_autofree char *text = unescape_text (value);

              satchel_contact_set_notes (current, text);
            }
          else if (g_str_equal (prop.name, "CATEGORIES"))
            {
              g_autoptr(GPtrArray) parts = split_text (value, ',');

              for (guint j = 0; j < parts->len; j++)
                satchel_contact_add_category (current, parts->pdata[j]);
            }
        }

      property_clear (&prop);
    }

  if (!seen_begin)
    {
      g_set_error (error, SATCHEL_VCARD_ERROR, SATCHEL_VCARD_ERROR_INVALID,
                   _("This is not a vCard file: it has no “BEGIN:VCARD” line."));
      return NULL;
    }

  /* A last card without END: keep what it said. */
  if (current != NULL)
    {
      if (!has_fn && n_name != NULL)
        satchel_contact_set_name (current, n_name);
      g_ptr_array_add (contacts, g_steal_pointer (&current));
    }

  return g_steal_pointer (&contacts);
}

/* Writing --------------------------------------------------------------- */

static void
append_escaped (GString    *out,
                const char *text,
                gboolean    escape_comma)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case ';': g_string_append (out, "\\;"); break;
        case ',':
          g_string_append (out, escape_comma ? "\\," : ",");
          break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': break;
        default: g_string_append_c (out, *p);
        }
    }
}

/* Ends @line with CRLF, folded so that no line exceeds 75 octets and no
 * UTF-8 character is cut. */
static void
append_folded (GString    *out,
               const char *line)
{
  const char *p = line;
  gsize room = 75;

  while (*p != '\0')
    {
      const char *q = p;

      while (*q != '\0')
        {
          const char *next = g_utf8_next_char (q);

          if ((gsize) (next - p) > room)
            break;
          q = next;
        }
      g_string_append_len (out, p, q - p);
      g_string_append (out, "\r\n");
      p = q;
      if (*p != '\0')
        {
          g_string_append_c (out, ' ');
          room = 74;
        }
    }
}

static void
add_line (GString    *out,
          GString    *line)
{
  append_folded (out, line->str);
  g_string_truncate (line, 0);
}

/* N from a name: Chinese names are one family character and the rest;
 * others the last word and the rest. */
static void
append_n (GString    *line,
          const char *name)
{
  const char *space = strrchr (name, ' ');

  if (has_han (name) && space == NULL && g_utf8_strlen (name, -1) > 1)
    {
      const char *second = g_utf8_next_char (name);
      g_autofree char *family = g_strndup (name, second - name);

      append_escaped (line, family, TRUE);
      g_string_append_c (line, ';');
      append_escaped (line, second, TRUE);
    }
  else if (space != NULL)
    {
      g_autofree char *given = g_strndup (name, space - name);

      append_escaped (line, space + 1, TRUE);
      g_string_append_c (line, ';');
      append_escaped (line, given, TRUE);
    }
  else
    {
      append_escaped (line, name, TRUE);
      g_string_append_c (line, ';');
    }
  g_string_append (line, ";;;");
}

char *
satchel_vcard_write (GPtrArray           *contacts,
                     SatchelVCardVersion  version)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean v4 = version == SATCHEL_VCARD_4_0;

  g_return_val_if_fail (contacts != NULL, NULL);

  for (guint i = 0; i < contacts->len; i++)
    {
      SatchelContact *contact = contacts->pdata[i];
      const char *name = satchel_contact_get_name (contact);
      const char * const *addresses = satchel_contact_get_addresses (contact);
      const char * const *categories = satchel_contact_get_categories (contact);

      g_string_append (out, "BEGIN:VCARD\r\n");
      g_string_append (out, v4 ? "VERSION:4.0\r\n" : "VERSION:3.0\r\n");

      g_string_append (line, "FN:");
      append_escaped (line, *name != '\0' ? name : addresses[0] != NULL ? addresses[0] : "", TRUE);
      add_line (out, line);

      g_string_append (line, "N:");
      append_n (line, name);
      add_line (out, line);

      if (*satchel_contact_get_nickname (contact) != '\0')
        {
          g_string_append (line, "NICKNAME:");
          append_escaped (line, satchel_contact_get_nickname (contact), TRUE);
          add_line (out, line);
        }

      for (guint j = 0; addresses[j] != NULL; j++)
        {
          const char *type = satchel_contact_get_address_type (contact, j);

          g_string_append (line, "EMAIL");
          if (v4)
            {
              if (type != NULL)
                g_string_append_printf (line, ";TYPE=%s", type);
              if (j == 0 && addresses[1] != NULL)
                g_string_append (line, ";PREF=1");
            }
          else
            {
              g_string_append (line, ";TYPE=INTERNET");
              if (type != NULL)
                {
                  g_autofree char *up = g_ascii_strup (type, -1);

                  g_string_append_printf (line, ",%s", up);
                }
              if (j == 0 && addresses[1] != NULL)
                g_string_append (line, ",PREF");
            }
          g_string_append_c (line, ':');
          append_escaped (line, addresses[j], TRUE);
          add_line (out, line);
        }

      if (*satchel_contact_get_notes (contact) != '\0')
        {
          g_string_append (line, "NOTE:");
          append_escaped (line, satchel_contact_get_notes (contact), TRUE);
          add_line (out, line);
        }

      if (categories[0] != NULL)
        {
          g_string_append (line, "CATEGORIES:");
          for (guint j = 0; categories[j] != NULL; j++)
            {
              if (j > 0)
                g_string_append_c (line, ',');
              append_escaped (line, categories[j], TRUE);
            }
          add_line (out, line);
        }

      if (satchel_contact_get_id (contact) != NULL)
        {
          g_string_append_printf (line, v4 ? "UID:urn:uuid:%s" : "UID:%s",
                                  satchel_contact_get_id (contact));
          add_line (out, line);
        }

      g_string_append (out, "END:VCARD\r\n");
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
