/* satchel-draft.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-draft"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "satchel-draft.h"

#include "satchel-error.h"
#include "satchel-mime.h"
#include "satchel-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The headers of a draft file. X-Satchel-Draft marks a file as ours and
 * gives its format's version; the others hold what the user typed. */
#define HEADER_DRAFT      "X-Satchel-Draft"
#define HEADER_MODIFIED   "X-Satchel-Modified"
#define HEADER_ACCOUNT    "X-Satchel-Account"
#define HEADER_TO         "X-Satchel-To"
#define HEADER_CC         "X-Satchel-Cc"
#define HEADER_BCC        "X-Satchel-Bcc"
#define HEADER_ATTACHMENT "X-Satchel-Attachment"
#define FORMAT_VERSION    "1"

#define SUFFIX ".eml"

/* A draft is text and a list of paths: anything bigger is not ours. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

/* A temporary file older than this was left by a process that died
 * while saving: nobody will rename it any more. */
#define STALE_TEMP_SECONDS (10 * 60)

struct _SatchelDraft
{
  GObject   parent_instance;

  char     *id;
  char     *account;
  char     *to;
  char     *cc;
  char     *bcc;
  char     *subject;
  char     *body;
  char     *html;
  char    **attachments;
  gint64    modified_us;  /* real time of the last save, µs */
};

G_DEFINE_FINAL_TYPE (SatchelDraft, satchel_draft, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ACCOUNT,
  PROP_TO,
  PROP_CC,
  PROP_BCC,
  PROP_SUBJECT,
  PROP_BODY,
  PROP_HTML,
  PROP_ATTACHMENTS,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

struct _SatchelDraftStore
{
  GObject     parent_instance;

  char       *dir;

  /* Orders the writes of every thread: each save and removal takes a
   * ticket when it is asked for; a file is replaced only by a newer
   * ticket than the one that last wrote or removed it. */
  GMutex      lock;
  guint64     next_ticket;
  GHashTable *tickets;    /* id → guint64 *, the last ticket applied */
};

G_DEFINE_FINAL_TYPE (SatchelDraftStore, satchel_draft_store, G_TYPE_OBJECT)

/* What one background save needs: a copy of the draft and its ticket. */
typedef struct
{
  SatchelDraft *draft;
  guint64       ticket;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->draft);
  g_free (job);
}

/* Helpers: the draft ------------------------------------------------------ */

/* @field takes a copy of @value; @nullable fields keep NULL (and an
 * empty string means NULL for them), the others hold "" at least. TRUE
 * when that changed anything. */
static gboolean
replace_string (char       **field,
                const char  *value,
                gboolean     nullable)
{
  if (nullable && value != NULL && *value == '\0')
    value = NULL;
  if (!nullable && value == NULL)
    value = "";

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
set_string_property (SatchelDraft  *self,
                     char         **field,
                     const char    *value,
                     gboolean       nullable,
                     guint          prop_id)
{
  if (replace_string (field, value, nullable))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* A copy for a worker thread: the window goes on editing the original. */
static SatchelDraft *
copy_draft (SatchelDraft *self)
{
  SatchelDraft *copy = satchel_draft_new ();

  copy->id = g_strdup (self->id);
  replace_string (&copy->account, self->account, TRUE);
  replace_string (&copy->to, self->to, FALSE);
  replace_string (&copy->cc, self->cc, FALSE);
  replace_string (&copy->bcc, self->bcc, FALSE);
  replace_string (&copy->subject, self->subject, FALSE);
  replace_string (&copy->body, self->body, FALSE);
  copy->html = g_strdup (self->html);
  g_strfreev (copy->attachments);
  copy->attachments = g_strdupv (self->attachments);
  copy->modified_us = self->modified_us;

  return copy;
}

/* Helpers: the file format ------------------------------------------------ */

static void
set_invalid (GError     **error,
             const char  *path,
             const char  *reason)
{
  g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
               _("The draft “%s” cannot be read: %s. It was left as it is; "
                 "open it in a text editor to recover its text."),
               path, reason);
}

/* A text part in UTF-8, base64-encoded: the only encoding that gives
 * back exactly what was typed (a last line without a line end, CR). */
static GMimeObject *
new_text_part (const char *subtype,
               const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (text, strlen (text));
  GMimeDataWrapper *wrapper;

  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (GMIME_PART (part), wrapper);
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");
  g_mime_part_set_content_encoding (GMIME_PART (part), GMIME_CONTENT_ENCODING_BASE64);
  g_object_unref (wrapper);
  g_object_unref (stream);

  return GMIME_OBJECT (part);
}

/* Headers hold single lines: GMime encodes whatever is not printable
 * ASCII (CJK, and line breaks pasted by accident) as RFC 2047 words, so
 * nothing typed can add a header. */
static void
set_header (GMimeMessage *message,
            const char   *name,
            const char   *value)
{
  if (value != NULL && *value != '\0')
    g_mime_object_append_header (GMIME_OBJECT (message), name, value, "utf-8");
}

/* file: URIs: any byte sequence a path holds comes back unchanged. */
static GPtrArray *
dup_attachment_uris (SatchelDraft  *draft,
                     GError       **error)
{
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; draft->attachments[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      char *uri = g_filename_to_uri (draft->attachments[i], NULL, &local_error);

      if (uri == NULL)
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                       _("The draft cannot keep the attachment “%s”: %s. "
                         "Remove it from the list and add it again."),
                       draft->attachments[i], local_error->message);
          return NULL;
        }
      g_ptr_array_add (uris, uri);
    }

  return g_steal_pointer (&uris);
}

static GMimeMessage *
build_message (SatchelDraft *draft,
               GPtrArray    *uris)
{
  GMimeMessage *message = g_mime_message_new (FALSE);
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *modified = NULL;
  GMimeObject *body;

  modified = g_strdup_printf ("%" G_GINT64_FORMAT, draft->modified_us);
  date = g_date_time_new_from_unix_local (draft->modified_us / G_USEC_PER_SEC);

  set_header (message, HEADER_DRAFT, FORMAT_VERSION);
  g_mime_message_set_date (message, date);
  set_header (message, HEADER_MODIFIED, modified);
  set_header (message, HEADER_ACCOUNT, draft->account);
  set_header (message, HEADER_TO, draft->to);
  set_header (message, HEADER_CC, draft->cc);
  set_header (message, HEADER_BCC, draft->bcc);
  if (*draft->subject != '\0')
    g_mime_message_set_subject (message, draft->subject, "utf-8");
  for (guint i = 0; i < uris->len; i++)
    set_header (message, HEADER_ATTACHMENT, g_ptr_array_index (uris, i));

  body = new_text_part ("plain", draft->body);
  if (draft->html != NULL)
    {
      GMimeMultipart *alternative = g_mime_multipart_new_with_subtype ("alternative");
      GMimeObject *html = new_text_part ("html", draft->html);

      g_mime_multipart_add (alternative, body);
      g_mime_multipart_add (alternative, html);
      g_object_unref (body);
      g_object_unref (html);
      body = GMIME_OBJECT (alternative);
    }
  g_mime_message_set_mime_part (message, body);
  g_object_unref (body);

  return message;
}

/* The file's contents. */
static GBytes *
serialize_draft (SatchelDraft  *draft,
                 GError       **error)
{
  g_autoptr(GPtrArray) uris = NULL;
  GMimeMessage *message;
  GMimeStream *stream;
  GBytes *bytes = NULL;

  satchel_mime_init ();

  uris = dup_attachment_uris (draft, error);
  if (uris == NULL)
    return NULL;

  message = build_message (draft, uris);
  stream = g_mime_stream_mem_new ();
  if (g_mime_object_write_to_stream (GMIME_OBJECT (message), NULL, stream) >= 0)
    {
      GByteArray *array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));

      bytes = g_bytes_new (array->data, array->len);
    }
  else
    g_set_error_literal (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                         _("Could not write the draft: its text could not be "
                           "encoded. Copy the text elsewhere before closing."));

  g_object_unref (stream);
  g_object_unref (message);
  return bytes;
}

/* The decoded content of a text part, which must be UTF-8. */
static char *
dup_part_text (GMimeObject *object)
{
  GMimeDataWrapper *wrapper;
  GMimeStream *stream;
  GByteArray *array;
  char *text = NULL;

  if (!GMIME_IS_PART (object))
    return NULL;
  wrapper = g_mime_part_get_content (GMIME_PART (object));
  if (wrapper == NULL)
    return g_strdup ("");

  stream = g_mime_stream_mem_new ();
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  /* No NUL either: the text is a C string. */
  if (g_mime_data_wrapper_write_to_stream (wrapper, stream) < 0)
    text = NULL;
  else if (array->len == 0)
    text = g_strdup ("");
  else if (g_utf8_validate_len ((const char *) array->data, array->len, NULL))
    text = g_strndup ((const char *) array->data, array->len);

  g_object_unref (stream);
  return text;
}

static gboolean
is_content_type (GMimeObject *object,
                 const char  *type,
                 const char  *subtype)
{
  GMimeContentType *content_type = g_mime_object_get_content_type (object);

  return content_type != NULL &&
         g_mime_content_type_is_type (content_type, type, subtype);
}

/* Fills @draft's text from the message's body: text/plain, or a
 * multipart/alternative with a text/plain and a text/html part. */
static gboolean
read_body (SatchelDraft *draft,
           GMimeObject  *body)
{
  if (body == NULL)
    return FALSE;

  if (GMIME_IS_MULTIPART (body) && is_content_type (body, "multipart", "alternative"))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (body);

      for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
        {
          GMimeObject *part = g_mime_multipart_get_part (multipart, i);
          char **field;

          if (is_content_type (part, "text", "plain"))
            field = &draft->body;
          else if (is_content_type (part, "text", "html"))
            field = &draft->html;
          else
            continue;

          g_free (*field);
          *field = dup_part_text (part);
          if (*field == NULL)
            return FALSE;
        }
      if (draft->body == NULL)
        draft->body = g_strdup ("");
      return TRUE;
    }

  if (!is_content_type (body, "text", "plain"))
    return FALSE;

  g_free (draft->body);
  draft->body = dup_part_text (body);
  return draft->body != NULL;
}

static char *
dup_header (GMimeMessage *message,
            const char   *name)
{
  const char *value = g_mime_object_get_header (GMIME_OBJECT (message), name);

  if (value == NULL)
    return NULL;
  if (!g_utf8_validate (value, -1, NULL))
    return g_utf8_make_valid (value, -1);
  return g_strdup (value);
}

static void
take_header (char         **field,
             GMimeMessage  *message,
             const char    *name)
{
  g_autofree char *value = dup_header (message, name);

  replace_string (field, value, FALSE);
}

/* The attachment paths, in the order of their headers. One that is not
 * a local file: URI is dropped with a message (the text matters more). */
static char **
read_attachments (GMimeMessage *message,
                  const char   *path)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (message));
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (int i = 0; i < g_mime_header_list_get_count (headers); i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (headers, i);
      g_autofree char *hostname = NULL;
      char *file;

      if (g_ascii_strcasecmp (g_mime_header_get_name (header), HEADER_ATTACHMENT) != 0)
        continue;

      file = g_filename_from_uri (g_mime_header_get_value (header), &hostname, NULL);
      if (file == NULL || hostname != NULL)
        {
          g_message ("Dropping an attachment of %s that is not a local file: %s",
                     path, g_mime_header_get_value (header));
          g_free (file);
          continue;
        }
      g_ptr_array_add (paths, file);
    }

  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

/* Everything but the text. */
static void
read_headers (SatchelDraft *draft,
              const char   *id,
              const char   *path,
              GMimeMessage *message)
{
  g_autofree char *modified = NULL;

  draft->id = g_strdup (id);
  draft->account = dup_header (message, HEADER_ACCOUNT);
  take_header (&draft->to, message, HEADER_TO);
  take_header (&draft->cc, message, HEADER_CC);
  take_header (&draft->bcc, message, HEADER_BCC);
  take_header (&draft->subject, message, "Subject");
  g_strfreev (draft->attachments);
  draft->attachments = read_attachments (message, path);

  /* The time of the save, to the microsecond so that two saves within a
   * second still sort; a file written by hand may only have a Date. */
  modified = dup_header (message, HEADER_MODIFIED);
  if (modified == NULL ||
      !g_ascii_string_to_signed (modified, 10, 0, G_MAXINT64, &draft->modified_us, NULL))
    {
      GDateTime *date = g_mime_message_get_date (message);

      draft->modified_us = date != NULL ? g_date_time_to_unix (date) * G_USEC_PER_SEC : 0;
    }

}

/* The message of a draft file, or NULL and the reason. */
static GMimeMessage *
parse_message (const char  *path,
               const char  *contents,
               gsize        length,
               GError     **error)
{
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  satchel_mime_init ();

  stream = g_mime_stream_mem_new_with_buffer (contents, length);
  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);

  if (message == NULL)
    set_invalid (error, path, _("it is not a mail message"));
  else if (g_strcmp0 (g_mime_object_get_header (GMIME_OBJECT (message), HEADER_DRAFT),
                      FORMAT_VERSION) != 0)
    {
      set_invalid (error, path, _("it is not a Satchel draft"));
      g_clear_object (&message);
    }

  return message;
}

static SatchelDraft *
parse_draft (const char  *id,
             const char  *path,
             const char  *contents,
             gsize        length,
             GError     **error)
{
  g_autoptr(SatchelDraft) draft = NULL;
  GMimeMessage *message;

  message = parse_message (path, contents, length, error);
  if (message == NULL)
    return NULL;

  draft = satchel_draft_new ();
  if (read_body (draft, g_mime_message_get_mime_part (message)))
    read_headers (draft, id, path, message);
  else
    {
      set_invalid (error, path, _("its text is damaged or not UTF-8"));
      g_clear_object (&draft);
    }

  g_object_unref (message);
  return g_steal_pointer (&draft);
}

/* Helpers: the store ------------------------------------------------------ */

static gboolean
is_valid_id (const char *id)
{
  return id != NULL && g_uuid_string_is_valid (id);
}

static char *
dup_draft_path (SatchelDraftStore *self,
                const char        *id)
{
  g_autofree char *name = g_strconcat (id, SUFFIX, NULL);

  return g_build_filename (self->dir, name, NULL);
}

/* An I/O error that says what failed and why. */
static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
}

static gboolean
ensure_dir (SatchelDraftStore  *self,
            GError            **error)
{
  if (!satchel_paths_ensure_dir (self->dir, error))
    return FALSE;

  /* Drafts are nobody else's business, even in a folder made by hand. */
  if (g_chmod (self->dir, 0700) < 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not protect the folder “%s”"),
                                               self->dir);

      set_io_error (error, saved_errno, what);
      return FALSE;
    }

  return TRUE;
}

/* So that a rename survives a crash. */
static gboolean
sync_dir (const char  *path,
          GError     **error)
{
  int fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0 || fsync (fd) < 0)
    {
      int saved_errno = errno;
      g_autofree char *what = g_strdup_printf (_("Could not save the folder “%s” to disk"),
                                               path);

      set_io_error (error, saved_errno, what);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

/* The ticket that last wrote or removed @id, or 0; call locked. */
static guint64
last_ticket (SatchelDraftStore *self,
             const char        *id)
{
  guint64 *ticket = g_hash_table_lookup (self->tickets, id);

  return ticket != NULL ? *ticket : 0;
}

static void
set_last_ticket (SatchelDraftStore *self,
                 const char        *id,
                 guint64            ticket)
{
  g_hash_table_insert (self->tickets, g_strdup (id), g_memdup2 (&ticket, sizeof ticket));
}

static guint64
take_ticket (SatchelDraftStore *self)
{
  guint64 ticket;

  g_mutex_lock (&self->lock);
  ticket = ++self->next_ticket;
  g_mutex_unlock (&self->lock);

  return ticket;
}

/* Writes @draft (which has its id and time) as ID.eml: a temporary file
 * of its own beside it (saves of one draft may run side by side),
 * synced, then renamed over it unless a save or a removal asked for
 * later has been applied meanwhile; then the folder is synced. Any
 * thread; only the rename holds the store's lock. */
static gboolean
write_draft (SatchelDraftStore  *self,
             SatchelDraft       *draft,
             guint64             ticket,
             GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tmp_path = NULL;
  gboolean superseded;
  int saved_errno = 0;
  const char *data;
  gsize length;

  bytes = serialize_draft (draft, error);
  if (bytes == NULL)
    return FALSE;

  if (!ensure_dir (self, error))
    return FALSE;

  path = dup_draft_path (self, draft->id);
  tmp_path = g_strdup_printf ("%s.%" G_GUINT64_FORMAT "-%08x", path, ticket, g_random_int ());
  data = g_bytes_get_data (bytes, &length);
  if (!g_file_set_contents_full (tmp_path, data, length, G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   _("Could not save the draft: %s"), local_error->message);
      g_unlink (tmp_path);
      return FALSE;
    }

  g_mutex_lock (&self->lock);
  superseded = last_ticket (self, draft->id) > ticket;
  if (superseded)
    g_unlink (tmp_path);
  else if (g_rename (tmp_path, path) < 0)
    saved_errno = errno;
  else
    set_last_ticket (self, draft->id, ticket);
  g_mutex_unlock (&self->lock);

  if (saved_errno != 0)
    {
      g_autofree char *what = g_strdup_printf (_("Could not replace “%s”"), path);

      set_io_error (error, saved_errno, what);
      g_unlink (tmp_path);
      return FALSE;
    }

  /* A later save wrote its own text, or the draft was discarded. */
  if (superseded)
    return TRUE;

  return sync_dir (self->dir, error);
}

/* Gives @draft an id the first time and the time of this save; returns
 * the save's ticket. On the caller's thread. */
static guint64
prepare_save (SatchelDraftStore *self,
              SatchelDraft      *draft)
{
  if (draft->id == NULL)
    {
      draft->id = g_uuid_string_random ();
      g_object_notify_by_pspec (G_OBJECT (draft), properties[PROP_ID]);
    }

  draft->modified_us = g_get_real_time ();
  g_object_notify_by_pspec (G_OBJECT (draft), properties[PROP_MODIFIED]);

  return take_ticket (self);
}

static SatchelDraft *
load_path (const char  *id,
           const char  *path,
           GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;
  GStatBuf buf;

  /* Not a FIFO or a huge file that someone put there. */
  if (g_lstat (path, &buf) == 0 && (!S_ISREG (buf.st_mode) || buf.st_size > MAX_FILE_SIZE))
    {
      set_invalid (error, path, _("it is not a draft file"));
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return parse_draft (id, path, contents, length, error);
}

/* Removes temporary files of saves that never finished. */
static void
remove_stale_temp (SatchelDraftStore *self,
                   const char        *name)
{
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  const char *suffix = strstr (name, SUFFIX ".");
  g_autofree char *id = NULL;
  GStatBuf buf;

  if (suffix == NULL)
    return;
  id = g_strndup (name, suffix - name);
  if (!is_valid_id (id))
    return;

  if (g_lstat (path, &buf) == 0 && S_ISREG (buf.st_mode) &&
      buf.st_mtime < g_get_real_time () / G_USEC_PER_SEC - STALE_TEMP_SECONDS)
    g_unlink (path);
}

static int
compare_modified (gconstpointer a,
                  gconstpointer b)
{
  SatchelDraft *draft_a = *(SatchelDraft **) a;
  SatchelDraft *draft_b = *(SatchelDraft **) b;

  if (draft_a->modified_us != draft_b->modified_us)
    return draft_a->modified_us > draft_b->modified_us ? -1 : 1;
  return strcmp (draft_a->id, draft_b->id);
}

/* The background save ----------------------------------------------------- */

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SatchelDraftStore *self = source_object;
  SaveJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (write_draft (self, job->draft, job->ticket, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* SatchelDraft: overrides ------------------------------------------------- */

static void
satchel_draft_finalize (GObject *object)
{
  SatchelDraft *self = SATCHEL_DRAFT (object);

  g_free (self->id);
  g_free (self->account);
  g_free (self->to);
  g_free (self->cc);
  g_free (self->bcc);
  g_free (self->subject);
  g_free (self->body);
  g_free (self->html);
  g_strfreev (self->attachments);

  G_OBJECT_CLASS (satchel_draft_parent_class)->finalize (object);
}

static void
satchel_draft_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SatchelDraft *self = SATCHEL_DRAFT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ACCOUNT:
      g_value_set_string (value, self->account);
      break;
    case PROP_TO:
      g_value_set_string (value, self->to);
      break;
    case PROP_CC:
      g_value_set_string (value, self->cc);
      break;
    case PROP_BCC:
      g_value_set_string (value, self->bcc);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_HTML:
      g_value_set_string (value, self->html);
      break;
    case PROP_ATTACHMENTS:
      g_value_set_boxed (value, self->attachments);
      break;
    case PROP_MODIFIED:
      g_value_set_int64 (value, satchel_draft_get_modified (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_draft_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SatchelDraft *self = SATCHEL_DRAFT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      satchel_draft_set_account (self, g_value_get_string (value));
      break;
    case PROP_TO:
      satchel_draft_set_to (self, g_value_get_string (value));
      break;
    case PROP_CC:
      satchel_draft_set_cc (self, g_value_get_string (value));
      break;
    case PROP_BCC:
      satchel_draft_set_bcc (self, g_value_get_string (value));
      break;
    case PROP_SUBJECT:
      satchel_draft_set_subject (self, g_value_get_string (value));
      break;
    case PROP_BODY:
      satchel_draft_set_body (self, g_value_get_string (value));
      break;
    case PROP_HTML:
      satchel_draft_set_html (self, g_value_get_string (value));
      break;
    case PROP_ATTACHMENTS:
      satchel_draft_set_attachments (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_draft_class_init (SatchelDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = satchel_draft_finalize;
  object_class->get_property = satchel_draft_get_property;
  object_class->set_property = satchel_draft_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, flags);
  properties[PROP_TO] = g_param_spec_string ("to", NULL, NULL, "", flags);
  properties[PROP_CC] = g_param_spec_string ("cc", NULL, NULL, "", flags);
  properties[PROP_BCC] = g_param_spec_string ("bcc", NULL, NULL, "", flags);
  properties[PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, "", flags);
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, "", flags);
  properties[PROP_HTML] = g_param_spec_string ("html", NULL, NULL, NULL, flags);
  properties[PROP_ATTACHMENTS] =
    g_param_spec_boxed ("attachments", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_MODIFIED] =
    g_param_spec_int64 ("modified", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
satchel_draft_init (SatchelDraft *self)
{
  self->to = g_strdup ("");
  self->cc = g_strdup ("");
  self->bcc = g_strdup ("");
  self->subject = g_strdup ("");
  self->body = g_strdup ("");
  self->attachments = g_new0 (char *, 1);
}

/* SatchelDraftStore: overrides -------------------------------------------- */

static void
satchel_draft_store_finalize (GObject *object)
{
  SatchelDraftStore *self = SATCHEL_DRAFT_STORE (object);

  g_free (self->dir);
  g_hash_table_unref (self->tickets);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (satchel_draft_store_parent_class)->finalize (object);
}

static void
satchel_draft_store_class_init (SatchelDraftStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = satchel_draft_store_finalize;
}

static void
satchel_draft_store_init (SatchelDraftStore *self)
{
  g_mutex_init (&self->lock);
  self->tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* SatchelDraft: public API ------------------------------------------------ */

SatchelDraft *
satchel_draft_new (void)
{
  return g_object_new (SATCHEL_TYPE_DRAFT, NULL);
}

const char *
satchel_draft_get_id (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->id;
}

const char *
satchel_draft_get_account (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->account;
}

void
satchel_draft_set_account (SatchelDraft *self,
                           const char   *account)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->account, account, TRUE, PROP_ACCOUNT);
}

const char *
satchel_draft_get_to (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->to;
}

void
satchel_draft_set_to (SatchelDraft *self,
                      const char   *to)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->to, to, FALSE, PROP_TO);
}

const char *
satchel_draft_get_cc (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->cc;
}

void
satchel_draft_set_cc (SatchelDraft *self,
                      const char   *cc)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->cc, cc, FALSE, PROP_CC);
}

const char *
satchel_draft_get_bcc (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->bcc;
}

void
satchel_draft_set_bcc (SatchelDraft *self,
                       const char   *bcc)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->bcc, bcc, FALSE, PROP_BCC);
}

const char *
satchel_draft_get_subject (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->subject;
}

void
satchel_draft_set_subject (SatchelDraft *self,
                           const char   *subject)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->subject, subject, FALSE, PROP_SUBJECT);
}

const char *
satchel_draft_get_body (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->body;
}

void
satchel_draft_set_body (SatchelDraft *self,
                        const char   *body)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  set_string_property (self, &self->body, body, FALSE, PROP_BODY);
}

const char *
satchel_draft_get_html (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return self->html;
}

/* Unlike the other fields, an empty @html stays rich text (a message
 * whose rich text was all deleted); NULL means plain text. */
void
satchel_draft_set_html (SatchelDraft *self,
                        const char   *html)
{
  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  if (g_strcmp0 (self->html, html) == 0)
    return;
  g_free (self->html);
  self->html = g_strdup (html);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HTML]);
}

const char * const *
satchel_draft_get_attachments (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), NULL);

  return (const char * const *) self->attachments;
}

void
satchel_draft_set_attachments (SatchelDraft       *self,
                               const char * const *paths)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (SATCHEL_IS_DRAFT (self));

  if (paths == NULL)
    paths = none;
  if (g_strv_equal ((const char * const *) self->attachments, paths))
    return;

  g_strfreev (self->attachments);
  self->attachments = g_strdupv ((char **) paths);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTACHMENTS]);
}

gint64
satchel_draft_get_modified (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), 0);

  return self->modified_us / G_USEC_PER_SEC;
}

/* Blank text counts as nothing typed; the account chosen does not. */
gboolean
satchel_draft_is_empty (SatchelDraft *self)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT (self), TRUE);

  return is_blank (self->to) && is_blank (self->cc) && is_blank (self->bcc) &&
         is_blank (self->subject) && is_blank (self->body) &&
         is_blank (self->html) && self->attachments[0] == NULL;
}

/* SatchelDraftStore: public API ------------------------------------------- */

SatchelDraftStore *
satchel_draft_store_new (const char *dir)
{
  SatchelDraftStore *self = g_object_new (SATCHEL_TYPE_DRAFT_STORE, NULL);

  self->dir = dir != NULL ? g_strdup (dir) : satchel_paths_drafts_dir ();
  return self;
}

GPtrArray *
satchel_draft_store_list (SatchelDraftStore  *self,
                          GError            **error)
{
  g_autoptr(GPtrArray) drafts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (SATCHEL_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_dir_open (self->dir, 0, &local_error);
  if (dir == NULL)
    {
      /* Nothing saved yet. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&drafts);

      g_set_error (error, G_FILE_ERROR, local_error->code,
                   _("Could not read the drafts folder “%s”: %s"),
                   self->dir, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GError) draft_error = NULL;
      SatchelDraft *draft;

      if (!g_str_has_suffix (name, SUFFIX))
        {
          remove_stale_temp (self, name);
          continue;
        }

      id = g_strndup (name, strlen (name) - strlen (SUFFIX));
      path = g_build_filename (self->dir, name, NULL);
      if (!is_valid_id (id))
        {
          g_message ("Skipping “%s” in the drafts folder: not a draft name", path);
          continue;
        }

      draft = load_path (id, path, &draft_error);
      if (draft == NULL)
        {
          g_message ("Skipping a draft: %s", draft_error->message);
          continue;
        }
      g_ptr_array_add (drafts, draft);
    }

  g_ptr_array_sort (drafts, compare_modified);
  return g_steal_pointer (&drafts);
}

SatchelDraft *
satchel_draft_store_load (SatchelDraftStore  *self,
                          const char         *id,
                          GError            **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  SatchelDraft *draft;

  g_return_val_if_fail (SATCHEL_IS_DRAFT_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_valid_id (id))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("There is no draft “%s”. Open a draft from the list of drafts."),
                   id);
      return NULL;
    }

  path = dup_draft_path (self, id);
  draft = load_path (id, path, &local_error);
  if (draft == NULL && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("The draft “%s” no longer exists: it was sent or discarded "
                     "meanwhile."), path);
      return NULL;
    }
  if (draft == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return draft;
}

gboolean
satchel_draft_store_save (SatchelDraftStore  *self,
                          SatchelDraft       *draft,
                          GError            **error)
{
  guint64 ticket;

  g_return_val_if_fail (SATCHEL_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_DRAFT (draft), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ticket = prepare_save (self, draft);
  return write_draft (self, draft, ticket, error);
}

/* Saves run in GIO's worker threads, several at once; their tickets,
 * taken here in the order of the calls, make sure that a save that
 * finishes late never replaces what a later one wrote (it is dropped:
 * its text is older). */
void
satchel_draft_store_save_async (SatchelDraftStore   *self,
                                SatchelDraft        *draft,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveJob *job;

  g_return_if_fail (SATCHEL_IS_DRAFT_STORE (self));
  g_return_if_fail (SATCHEL_IS_DRAFT (draft));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (SaveJob, 1);
  job->ticket = prepare_save (self, draft);
  job->draft = copy_draft (draft);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_draft_store_save_async);
  g_task_set_name (task, "[satchel] save draft");
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
satchel_draft_store_save_finish (SatchelDraftStore  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (SATCHEL_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing a draft that is not there (never saved, or removed by
 * another window) is not an error. A save asked for before the removal
 * that has not finished yet writes nothing. */
gboolean
satchel_draft_store_remove (SatchelDraftStore  *self,
                            const char         *id,
                            GError            **error)
{
  g_autofree char *path = NULL;
  guint64 ticket;
  int saved_errno = 0;

  g_return_val_if_fail (SATCHEL_IS_DRAFT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_valid_id (id))
    return TRUE;

  path = dup_draft_path (self, id);
  ticket = take_ticket (self);

  g_mutex_lock (&self->lock);
  set_last_ticket (self, id, ticket);
  if (g_unlink (path) < 0 && errno != ENOENT)
    saved_errno = errno;
  g_mutex_unlock (&self->lock);

  if (saved_errno != 0)
    {
      g_autofree char *what = g_strdup_printf (_("Could not remove the draft “%s”"), path);

      set_io_error (error, saved_errno, what);
      return FALSE;
    }

  return TRUE;
}
