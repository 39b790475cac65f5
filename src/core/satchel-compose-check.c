/* satchel-compose-check.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-compose-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-compose-check.h"

#include <string.h>

/* Words that count in any language: many people write English or
 * Chinese whatever their desktop speaks. Each also matches longer words
 * it starts ("attach": attached, attachment, attaching). */
static const char * const builtin_words[] = {
  "attach",
  "enclosed",
  "enclosure",
  "附件",
  "附上",
  "随附",
  "附加",
};

/* Base64 turns each 3 bytes into 4 characters, in lines of 76
 * characters (57 bytes) ended by CRLF. */
#define BASE64_LINE_CHARS 76

/* Helpers ----------------------------------------------------------------- */

/* The form words are compared in: compatibility forms folded (full-width
 * "ａｔｔａｃｈ" is "attach"), then case folded. */
static char *
fold (const char *text,
      gssize      length)
{
  g_autofree char *normalized = g_utf8_normalize (text, length, G_NORMALIZE_NFKC);

  if (normalized == NULL)
    return g_strdup ("");
  return g_utf8_casefold (normalized, -1);
}

/* Letters and digits of scripts that separate words with spaces: a
 * word of them starts only after something else. Chinese and Japanese
 * words start anywhere. */
static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) && !g_unichar_iswide (c);
}

static void
add_words (GPtrArray  *words,
           const char *list)
{
  g_autofree char *commas = g_strdup (list);
  g_auto(GStrv) parts = NULL;

  /* Translators may use their own script's commas. */
  for (char *p = commas; *p != '\0'; p++)
    if (*p == ';')
      *p = ',';
  parts = g_strsplit (commas, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) more = g_strsplit (parts[i], "，", -1);

      for (guint j = 0; more[j] != NULL; j++)
        {
          g_auto(GStrv) last = g_strsplit (more[j], "、", -1);

          for (guint k = 0; last[k] != NULL; k++)
            {
              char *word = fold (g_strstrip (last[k]), -1);

              if (*word != '\0')
                g_ptr_array_add (words, word);
              else
                g_free (word);
            }
        }
    }
}

static GPtrArray *
dup_words (void)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_words); i++)
    g_ptr_array_add (words, fold (builtin_words[i], -1));

  /* Translators: words that, in a message's subject or text, mean the
   * writer meant to attach a file; when one is there and nothing is
   * attached, Satchel asks before sending. Separate them with commas.
   * Each word also matches the longer words it starts (“attach” finds
   * “attachment”), ignoring case, and only at the start of a word.
   * Replace them with your language's words; the English and Chinese
   * words count in every language anyway. */
  add_words (words, _("attach,attached,attachment,attaching,enclosed,enclosure"));

  return words;
}

/* Whether @word (folded) starts a word somewhere in @text (folded). */
static gboolean
contains_word (const char *text,
               const char *word)
{
  gboolean needs_boundary = is_word_char (g_utf8_get_char (word));

  for (const char *hit = strstr (text, word); hit != NULL; hit = strstr (hit + 1, word))
    {
      const char *before;

      if (!needs_boundary || hit == text)
        return TRUE;

      before = g_utf8_find_prev_char (text, hit);
      if (before == NULL || !is_word_char (g_utf8_get_char (before)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_quoted (const char *line)
{
  while (*line == ' ' || *line == '\t')
    line++;
  return *line == '>' || g_str_has_prefix (line, "＞");
}

/* The standard signature separator, also with its space trimmed away
 * by an editor. */
static gboolean
is_signature_separator (const char *line)
{
  return g_str_equal (line, "-- ") || g_str_equal (line, "--") ||
         g_str_equal (line, "-- \r") || g_str_equal (line, "--\r");
}

/* @body without quoted lines, the signature, and what follows a "-- "
 * line. */
static char *
dup_own_text (const char *body,
              const char *signature)
{
  g_autofree char *text = g_strdup (body);
  g_auto(GStrv) lines = NULL;
  GString *own = g_string_new (NULL);

  if (signature != NULL)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (signature));
      char *found = *trimmed != '\0' ? g_strrstr (text, trimmed) : NULL;

      /* The account's signature as the window inserted it. */
      if (found != NULL)
        memmove (found, found + strlen (trimmed), strlen (found + strlen (trimmed)) + 1);
    }

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (is_signature_separator (lines[i]))
        break;
      if (is_quoted (lines[i]))
        continue;
      g_string_append (own, lines[i]);
      g_string_append_c (own, '\n');
    }

  return g_string_free (own, FALSE);
}

/* Public API -------------------------------------------------------------- */

gboolean
satchel_compose_mentions_attachment (const char *subject,
                                     const char *body,
                                     const char *signature)
{
  g_autoptr(GPtrArray) words = NULL;
  g_autofree char *own = NULL;
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;

  own = dup_own_text (body != NULL ? body : "", signature);
  text = g_strconcat (subject != NULL ? subject : "", "\n", own, NULL);
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (text, -1);

      g_free (text);
      text = g_steal_pointer (&valid);
    }
  folded = fold (text, -1);

  words = dup_words ();
  for (guint i = 0; i < words->len; i++)
    if (contains_word (folded, g_ptr_array_index (words, i)))
      return TRUE;

  return FALSE;
}

guint64
satchel_compose_encoded_size (guint64 raw)
{
  guint64 chars = (raw + 2) / 3 * 4;
  guint64 lines = (chars + BASE64_LINE_CHARS - 1) / BASE64_LINE_CHARS;

  return chars + 2 * lines;
}
