/* fuzz-sendmail.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A message piped to "satchel-cli sendmail -t" (git send-email, cron,
 * mutt), read from memory and written to a stream that only counts and
 * checks what it is given: the queued form must be CRLF wire text with
 * no Bcc left in it. */

#define G_LOG_DOMAIN "fuzz-sendmail"

#include "config.h"

#include <string.h>

#include "satchel-address.h"
#include "satchel-error.h"
#include "satchel-mime.h"

#include "fuzz.h"

/* A GOutputStream that keeps nothing but the last byte and a count. */
typedef struct
{
  GOutputStream parent_instance;
  gsize         n_bytes;
  char          last[2];
  gboolean      in_body;
  GString      *line;     /* the header line being written */
} FuzzNullStream;

typedef GOutputStreamClass FuzzNullStreamClass;

static GType fuzz_null_stream_get_type (void);
G_DEFINE_TYPE (FuzzNullStream, fuzz_null_stream, G_TYPE_OUTPUT_STREAM)

static gssize
fuzz_null_stream_write (GOutputStream  *stream,
                        const void     *buffer,
                        gsize           count,
                        GCancellable   *cancellable,
                        GError        **error)
{
  FuzzNullStream *self = (FuzzNullStream *) stream;
  const char *bytes = buffer;

  /* Every LF is part of a CRLF, across writes too; no header line is a
   * Bcc. */
  for (gsize i = 0; i < count; i++)
    {
      if (bytes[i] == '\n')
        {
          g_assert (self->last[1] == '\r');
          if (!self->in_body)
            {
              g_assert (g_ascii_strncasecmp (self->line->str, "Bcc:", 4) != 0);
              g_assert (g_ascii_strncasecmp (self->line->str, "Resent-Bcc:", 11) != 0);
              g_assert (self->line->len <= 998 + 1);
              self->in_body = self->line->len == 1;
              g_string_truncate (self->line, 0);
            }
        }
      else if (!self->in_body)
        g_string_append_c (self->line, bytes[i]);
      self->last[0] = self->last[1];
      self->last[1] = bytes[i];
    }
  self->n_bytes += count;
  return count;
}

static void
fuzz_null_stream_finalize (GObject *object)
{
  FuzzNullStream *self = (FuzzNullStream *) object;

  g_string_free (self->line, TRUE);
  G_OBJECT_CLASS (fuzz_null_stream_parent_class)->finalize (object);
}

static void
fuzz_null_stream_class_init (FuzzNullStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fuzz_null_stream_finalize;
  klass->write_fn = fuzz_null_stream_write;
}

static void
fuzz_null_stream_init (FuzzNullStream *self)
{
  self->line = g_string_new (NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static SatchelAddress *default_from;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SatchelAddress) from = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(GError) error = NULL;
  gboolean needs_8bit = FALSE;
  gboolean needs_smtputf8 = FALSE;
  gint64 written;

  fuzz_init ();
  if (default_from == NULL)
    default_from = satchel_address_parse ("Fuzz <fuzz@example.com>", NULL);

  input = g_memory_input_stream_new_from_data (data, size, NULL);
  output = g_object_new (fuzz_null_stream_get_type (), NULL);

  written = satchel_mime_read_sendmail (input, output, TRUE, default_from, NULL,
                                        recipients, &from, &subject,
                                        &needs_8bit, &needs_smtputf8, NULL, &error);
  if (written >= 0)
    {
      FuzzNullStream *null = (FuzzNullStream *) output;

      g_assert_no_error (error);
      g_assert_cmpint (written, ==, null->n_bytes);
      g_assert (null->last[0] == '\r' && null->last[1] == '\n');
      g_assert (from != NULL);
      for (guint i = 0; i < recipients->len; i++)
        {
          const char *envelope = g_ptr_array_index (recipients, i);

          g_assert (strpbrk (envelope, "\r\n") == NULL);
          g_assert (strchr (envelope, '@') != NULL);
        }
    }
  else
    {
      g_assert (error != NULL);
      g_assert (from == NULL && subject == NULL);
    }

  return 0;
}
