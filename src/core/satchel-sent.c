/* satchel-sent.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-sent"

#include "config.h"

#include "satchel-sent.h"

#include <gmime/gmime.h>
#include <string.h>

#include "satchel-mime.h"
#include "satchel-paths.h"

/* Header blocks larger than this are cut: what the list shows is in the
 * first few lines anyway. */
#define MAX_HEADER_BYTES (256 * 1024)

struct _SatchelSentMessage
{
  GObject  parent_instance;

  char    *path;
  char    *id;
  char    *subject;
  char    *recipients;
  gint64   date;
};

G_DEFINE_FINAL_TYPE (SatchelSentMessage, satchel_sent_message, G_TYPE_OBJECT)

/* Helpers */

/* DATE-ID.eml, as satchel_outbox_move_to_sent() names it, DATE being
 * YYYYMMDDTHHMMSS. */
static char *
id_from_name (const char *name)
{
  const gsize stamp_len = strlen ("YYYYMMDDTHHMMSS");
  gsize len = strlen (name);

  if (len <= stamp_len + 1 + strlen (".eml") || name[stamp_len] != '-' ||
      name[8] != 'T' || !g_str_has_suffix (name, ".eml"))
    return NULL;
  for (gsize i = 0; i < stamp_len; i++)
    if (i != 8 && !g_ascii_isdigit (name[i]))
      return NULL;

  return g_strndup (name + stamp_len + 1, len - stamp_len - 1 - strlen (".eml"));
}

/* The bytes up to and including the blank line that ends the header
 * block (or the whole file when it is short, or the first
 * MAX_HEADER_BYTES). */
static GBytes *
read_header_block (GFile         *file,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[8192];

  input = g_file_read (file, cancellable, error);
  if (input == NULL)
    return NULL;

  while (buffer->len < MAX_HEADER_BYTES)
    {
      gssize n;
      gsize scan_from = buffer->len > 3 ? buffer->len - 3 : 0;

      n = g_input_stream_read (G_INPUT_STREAM (input), chunk, sizeof chunk,
                               cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (buffer, chunk, n);

      for (gsize i = scan_from; i + 1 < buffer->len; i++)
        {
          if (buffer->data[i] != '\n')
            continue;
          if (buffer->data[i + 1] == '\n' ||
              (buffer->data[i + 1] == '\r' && i + 2 < buffer->len &&
               buffer->data[i + 2] == '\n'))
            {
              g_byte_array_set_size (buffer, i + 1);
              return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
            }
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static char *
join_addresses (GMimeMessage *message)
{
  const GMimeAddressType types[] = { GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC };
  g_autoptr(GString) text = g_string_new (NULL);

  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    {
      InternetAddressList *list = g_mime_message_get_addresses (message, types[t]);
      int n = list != NULL ? internet_address_list_length (list) : 0;

      for (int i = 0; i < n; i++)
        {
          InternetAddress *address = internet_address_list_get_address (list, i);
          g_autofree char *shown = internet_address_to_string (address, NULL, FALSE);

          if (text->len > 0)
            g_string_append (text, ", ");
          g_string_append (text, shown);
        }
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Text for a one-line list: valid UTF-8, no control characters. */
static char *
make_printable (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';

  return g_strstrip (g_steal_pointer (&valid));
}

static SatchelSentMessage *
read_message (GFile         *file,
              GFileInfo     *info,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(SatchelSentMessage) self = NULL;
  g_autoptr(GBytes) header = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  g_autoptr(GDateTime) modified = NULL;
  GDateTime *date;
  gsize size;
  const guint8 *data;

  header = read_header_block (file, cancellable, error);
  if (header == NULL)
    return NULL;

  self = g_object_new (SATCHEL_TYPE_SENT_MESSAGE, NULL);
  self->path = g_file_get_path (file);
  self->id = id_from_name (g_file_info_get_name (info));

  data = g_bytes_get_data (header, &size);
  stream = g_mime_stream_mem_new_with_buffer ((const char *) data, size);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);

  if (message != NULL)
    {
      g_autofree char *recipients = join_addresses (message);

      self->subject = make_printable (g_mime_message_get_subject (message));
      self->recipients = make_printable (recipients);
      date = g_mime_message_get_date (message);
      if (date != NULL)
        self->date = g_date_time_to_unix (date);
      g_object_unref (message);
    }
  else
    {
      self->subject = g_strdup ("");
      self->recipients = g_strdup ("");
    }

  if (self->date == 0)
    {
      modified = g_file_info_get_modification_date_time (info);
      if (modified != NULL)
        self->date = g_date_time_to_unix (modified);
    }

  return g_steal_pointer (&self);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  SatchelSentMessage *ma = *(SatchelSentMessage **) a;
  SatchelSentMessage *mb = *(SatchelSentMessage **) b;

  if (ma->date != mb->date)
    return ma->date > mb->date ? -1 : 1;
  /* File names start with the time they were sent. */
  return -g_strcmp0 (ma->path, mb->path);
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *messages;

  messages = satchel_sent_list_sync (task_data, cancellable, &error);
  if (messages == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, messages, (GDestroyNotify) g_ptr_array_unref);
}

/* Overrides */

static void
satchel_sent_message_finalize (GObject *object)
{
  SatchelSentMessage *self = SATCHEL_SENT_MESSAGE (object);

  g_free (self->path);
  g_free (self->id);
  g_free (self->subject);
  g_free (self->recipients);

  G_OBJECT_CLASS (satchel_sent_message_parent_class)->finalize (object);
}

static void
satchel_sent_message_class_init (SatchelSentMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_sent_message_finalize;
}

static void
satchel_sent_message_init (SatchelSentMessage *self)
{
}

/* Public API */

const char *
satchel_sent_message_get_path (SatchelSentMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_SENT_MESSAGE (self), NULL);

  return self->path;
}

const char *
satchel_sent_message_get_id (SatchelSentMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_SENT_MESSAGE (self), NULL);

  return self->id;
}

const char *
satchel_sent_message_get_subject (SatchelSentMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_SENT_MESSAGE (self), NULL);

  return self->subject;
}

const char *
satchel_sent_message_get_recipients (SatchelSentMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_SENT_MESSAGE (self), NULL);

  return self->recipients;
}

gint64
satchel_sent_message_get_date (SatchelSentMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_SENT_MESSAGE (self), 0);

  return self->date;
}

GPtrArray *
satchel_sent_list_sync (const char    *dir,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *default_dir = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  satchel_mime_init ();

  if (dir == NULL)
    dir = default_dir = satchel_paths_sent_dir ();
  folder = g_file_new_for_path (dir);

  enumerator = g_file_enumerate_children (folder,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                          G_FILE_QUERY_INFO_NONE,
                                          cancellable, &local_error);
  if (enumerator == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&messages);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile *child = NULL;
      SatchelSentMessage *message;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, cancellable, error))
        return NULL;
      if (info == NULL)
        break;

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR ||
          !g_str_has_suffix (g_file_info_get_name (info), ".eml"))
        continue;

      message = read_message (child, info, cancellable, &local_error);
      if (message == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          g_debug ("Skipping %s: %s", g_file_info_get_name (info), local_error->message);
          g_clear_error (&local_error);
          continue;
        }
      g_ptr_array_add (messages, message);
    }

  g_ptr_array_sort (messages, compare_newest_first);

  return g_steal_pointer (&messages);
}

void
satchel_sent_list_async (const char          *dir,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_sent_list_async);
  g_task_set_name (task, "[satchel] read sent folder");
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
satchel_sent_list_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == satchel_sent_list_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
satchel_sent_contains (const char *dir,
                       const char *id)
{
  g_autofree char *default_dir = NULL;
  g_autofree char *suffix = NULL;
  g_autoptr(GDir) folder = NULL;
  const char *name;

  g_return_val_if_fail (id != NULL, FALSE);

  if (dir == NULL)
    dir = default_dir = satchel_paths_sent_dir ();
  folder = g_dir_open (dir, 0, NULL);
  if (folder == NULL)
    return FALSE;

  suffix = g_strdup_printf ("-%s.eml", id);
  while ((name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, suffix))
      return TRUE;

  return FALSE;
}
