/* satchel-transcript.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-transcript"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "satchel-transcript.h"

#include "satchel-paths.h"

#include <errno.h>
#include <string.h>

struct _SatchelTranscript
{
  GObject                    parent_instance;

  char                      *path;
  GOutputStream             *output;
  SatchelSmtpTranscriptFunc  forward;
  gpointer                   forward_data;
};

G_DEFINE_FINAL_TYPE (SatchelTranscript, satchel_transcript, G_TYPE_OBJECT)

/* "20260102T030405.123456Z-": 24 characters, then WHAT-NAME.log. */
#define STAMP_LENGTH 24

/* Helpers */

/* Only session logs are ever pruned: a name that starts with our time
 * stamp and ends in .log. */
static gboolean
is_session_log_name (const char *name)
{
  static const char pattern[] = "dddddddd\1dddddd.dddddd\2-";

  if (strlen (name) < STAMP_LENGTH + strlen (".log") ||
      !g_str_has_suffix (name, ".log"))
    return FALSE;

  for (guint i = 0; i < STAMP_LENGTH; i++)
    {
      char c = name[i];

      switch (pattern[i])
        {
        case 'd':
          if (!g_ascii_isdigit (c))
            return FALSE;
          break;
        case '\1':
          if (c != 'T')
            return FALSE;
          break;
        case '\2':
          if (c != 'Z')
            return FALSE;
          break;
        default:
          if (c != pattern[i])
            return FALSE;
        }
    }

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* A file name part from an outbox id or an account name, which may hold
 * anything (slashes, spaces, non-ASCII). */
static char *
dup_file_name_part (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text ? text : ""; *p != '\0' && out->len < 64; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        g_string_append_c (out, *p);
      else
        g_string_append_c (out, '_');
    }

  if (out->len == 0)
    g_string_append_c (out, '_');

  return g_string_free (out, FALSE);
}

/* The logs are read in a terminal or an editor: no control characters,
 * one line per line, valid UTF-8. */
static char *
dup_log_line (const char *prefix,
              const char *text)
{
  GString *out = g_string_new (prefix);

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '\n');

  if (!g_utf8_validate (out->str, out->len, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, out->len);

      g_string_free (out, TRUE);
      return valid;
    }

  return g_string_free (out, FALSE);
}

static void
write_text (SatchelTranscript *self,
            const char        *text)
{
  g_autoptr(GError) error = NULL;

  if (self->output == NULL)
    return;

  if (!g_output_stream_write_all (self->output, text, strlen (text), NULL,
                                  NULL, &error))
    {
      g_message ("Could not write the transcript %s: %s", self->path,
                 error->message);
      g_clear_object (&self->output);
    }
}

static void
write_note (SatchelTranscript *self,
            const char        *text)
{
  g_autofree char *line = dup_log_line ("# ", text);

  write_text (self, line);
}

/* Creates the file with a name no other session has: two sessions in
 * the same microsecond get a counter. */
static GOutputStream *
create_log_file (const char  *dir,
                 const char  *what,
                 const char  *name,
                 char       **path_out,
                 GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%S.%fZ");
  g_autofree char *safe_what = dup_file_name_part (what);
  g_autofree char *safe_name = dup_file_name_part (name);

  for (guint attempt = 0; ; attempt++)
    {
      g_autofree char *base = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GError) local_error = NULL;
      GFileOutputStream *stream;

      if (attempt == 0)
        base = g_strdup_printf ("%s-%s-%s.log", stamp, safe_what, safe_name);
      else
        base = g_strdup_printf ("%s-%s-%s-%u.log", stamp, safe_what, safe_name,
                                attempt);
      path = g_build_filename (dir, base, NULL);
      file = g_file_new_for_path (path);

      /* G_FILE_CREATE_PRIVATE: mode 0600 from the start. */
      stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &local_error);
      if (stream != NULL)
        {
          *path_out = g_steal_pointer (&path);
          return G_OUTPUT_STREAM (stream);
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) ||
          attempt >= 100)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

static void
write_header (SatchelTranscript *self,
              const char        *what,
              const char        *name,
              SatchelAccount    *account)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  g_autofree char *session = NULL;
  g_autofree char *started = NULL;

  if (g_strcmp0 (what, "verify") == 0)
    /* Translators: a line at the top of a protocol log. */
    session = g_strdup_printf (_("Satchel %s: verification of account “%s”"),
                               PACKAGE_VERSION, name);
  else
    /* Translators: a line at the top of a protocol log; %s: an outbox id. */
    session = g_strdup_printf (_("Satchel %s: sending outbox message %s"),
                               PACKAGE_VERSION, name);
  write_note (self, session);

  /* Translators: a line in a protocol log; %s: a date and time (UTC). */
  started = g_strdup_printf (_("Started %s"), when);
  write_note (self, started);

  if (account != NULL)
    {
      g_autofree char *server = NULL;

      /* Translators: a line in a protocol log: account name, host, port,
       * security (tls, starttls or none). */
      server = g_strdup_printf (_("Account “%s”, server %s port %u, security %s"),
                                satchel_account_get_name (account),
                                satchel_account_get_host (account),
                                satchel_account_get_port (account),
                                satchel_security_to_string (satchel_account_get_security (account)));
      write_note (self, server);
    }
}

/* Overrides */

static void
satchel_transcript_finalize (GObject *object)
{
  SatchelTranscript *self = SATCHEL_TRANSCRIPT (object);

  if (self->output != NULL)
    g_output_stream_close (self->output, NULL, NULL);
  g_clear_object (&self->output);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (satchel_transcript_parent_class)->finalize (object);
}

static void
satchel_transcript_class_init (SatchelTranscriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_transcript_finalize;
}

static void
satchel_transcript_init (SatchelTranscript *self)
{
}

/* Public API */

SatchelTranscript *
satchel_transcript_new (const char                *dir,
                        const char                *what,
                        const char                *name,
                        SatchelAccount            *account,
                        SatchelSmtpTranscriptFunc  forward,
                        gpointer                   forward_data)
{
  g_autoptr(SatchelTranscript) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_dir = NULL;

  g_return_val_if_fail (what != NULL, NULL);
  g_return_val_if_fail (account == NULL || SATCHEL_IS_ACCOUNT (account), NULL);

  self = g_object_new (SATCHEL_TYPE_TRANSCRIPT, NULL);
  self->forward = forward;
  self->forward_data = forward_data;

  if (dir == NULL)
    dir = default_dir = satchel_paths_logs_dir ();

  /* The folder is ours: private even if something made it wider. */
  if (!satchel_paths_ensure_dir (dir, &error) || g_chmod (dir, 0700) != 0)
    {
      g_message ("No transcript for this session: %s",
                 error != NULL ? error->message : g_strerror (errno));
      return g_steal_pointer (&self);
    }

  self->output = create_log_file (dir, what, name, &self->path, &error);
  if (self->output == NULL)
    {
      g_message ("No transcript for this session: %s", error->message);
      return g_steal_pointer (&self);
    }

  write_header (self, what, name, account);

  g_clear_error (&error);
  satchel_transcript_prune (dir, SATCHEL_TRANSCRIPT_KEEP, &error);
  if (error != NULL)
    g_message ("Could not remove old transcripts: %s", error->message);

  return g_steal_pointer (&self);
}

void
satchel_transcript_add_line (gboolean    from_server,
                             const char *line,
                             gpointer    user_data)
{
  SatchelTranscript *self = user_data;

  g_return_if_fail (SATCHEL_IS_TRANSCRIPT (self));
  g_return_if_fail (line != NULL);

  if (self->output != NULL)
    {
      g_autofree char *text = dup_log_line (from_server ? "S: " : "C: ", line);

      write_text (self, text);
    }

  if (self->forward != NULL)
    self->forward (from_server, line, self->forward_data);
}

void
satchel_transcript_finish (SatchelTranscript *self,
                           const GError      *error)
{
  g_autofree char *outcome = NULL;

  g_return_if_fail (SATCHEL_IS_TRANSCRIPT (self));

  if (self->output == NULL)
    return;

  if (error == NULL)
    /* Translators: the last line of a protocol log. */
    outcome = g_strdup (_("Result: done"));
  else
    /* Translators: the last line of a protocol log; %s: the error. */
    outcome = g_strdup_printf (_("Result: failed: %s"), error->message);
  write_note (self, outcome);

  g_output_stream_close (self->output, NULL, NULL);
  g_clear_object (&self->output);
}

const char *
satchel_transcript_get_path (SatchelTranscript *self)
{
  g_return_val_if_fail (SATCHEL_IS_TRANSCRIPT (self), NULL);

  return self->path;
}

guint
satchel_transcript_prune (const char  *dir,
                          guint        keep,
                          GError     **error)
{
  g_autoptr(GDir) folder = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (dir != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  folder = g_dir_open (dir, 0, error);
  if (folder == NULL)
    return 0;

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (folder)) != NULL)
    if (is_session_log_name (name))
      g_ptr_array_add (names, g_strdup (name));

  if (names->len <= keep)
    return 0;

  /* The time stamp leads the name: by name is by age. */
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len - keep; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      /* Another process may have pruned it first. */
      if (g_unlink (path) == 0)
        removed++;
      else if (errno != ENOENT && error != NULL && *error == NULL)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not remove the old log “%s”: %s"), path,
                       g_strerror (saved_errno));
        }
    }

  return removed;
}
