/* satchel-mime.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-mime"

/* sync_file_range() */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-mime.h"

#include "satchel-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* RFC 5322 2.1.1: no line longer than 998 octets without its CRLF. */
#define MAX_LINE 998
/* A header field, folded lines included, may not grow past this in
 * sendmail input: a bound on memory, far above any real header. */
#define MAX_FIELD (1024 * 1024)
/* Body blocks copied from sendmail input. */
#define BLOCK_SIZE (64 * 1024)
/* Bytes content-type guessing looks at. */
#define SNIFF_SIZE 4096

/* The wire stream: counts what goes through it (the byte count
 * g_mime_object_write_to_stream() returns is not the encoded one) and
 * passes it on to the destination stream. When that is a regular file,
 * it asks the kernel to start writing each finished stretch to disk
 * while encoding goes on, so that the outbox's final fsync() finds little
 * left to do. */
typedef struct
{
  GMimeStream  parent_instance;
  GMimeStream *dest;
  gint64       count;
  int          fd;          /* the file under @dest, or -1 */
  gint64       fd_start;    /* its offset where @count is 0 */
  gint64       kicked;      /* @count up to which writeback was started */
} SatchelWireStream;

typedef struct
{
  GMimeStreamClass parent_class;
} SatchelWireStreamClass;

/* Not G_DECLARE_FINAL_TYPE: GMime 3.2 has no g_autoptr for its types. */
GType satchel_wire_stream_get_type (void);
#define SATCHEL_TYPE_WIRE_STREAM (satchel_wire_stream_get_type ())
#define SATCHEL_WIRE_STREAM(obj) \
  (G_TYPE_CHECK_INSTANCE_CAST ((obj), SATCHEL_TYPE_WIRE_STREAM, SatchelWireStream))

G_DEFINE_FINAL_TYPE (SatchelWireStream, satchel_wire_stream, GMIME_TYPE_STREAM)

/* Writeback is started in stretches of this size. */
#define WRITEBACK_STRETCH (8 * 1024 * 1024)

static void
wire_stream_kick_writeback (SatchelWireStream *self,
                            gboolean           all)
{
#ifdef SYNC_FILE_RANGE_WRITE
  gint64 len = self->count - self->kicked;

  if (self->fd < 0 || len <= 0 || (!all && len < WRITEBACK_STRETCH))
    return;
  /* Only a hint: the caller's fsync() is what makes the data durable. */
  if (sync_file_range (self->fd, self->fd_start + self->kicked, len,
                       SYNC_FILE_RANGE_WRITE) != 0)
    self->fd = -1;
  self->kicked = self->count;
#endif
}

static ssize_t
wire_stream_read (GMimeStream *stream,
                  char        *buf,
                  size_t       len)
{
  errno = EBADF;
  return -1;
}

static ssize_t
wire_stream_write (GMimeStream *stream,
                   const char  *buf,
                   size_t       len)
{
  SatchelWireStream *self = SATCHEL_WIRE_STREAM (stream);
  size_t done = 0;

  /* A GMimeStreamFs may stop after part of a block on an error: go on
   * until it is all written or an error is reported. */
  while (done < len)
    {
      ssize_t n = g_mime_stream_write (self->dest, buf + done, len - done);

      if (n < 0)
        return done > 0 ? (ssize_t) done : -1;
      if (n == 0)
        {
          errno = EIO;
          return done > 0 ? (ssize_t) done : -1;
        }
      done += n;
    }

  self->count += done;
  stream->position += done;
  wire_stream_kick_writeback (self, FALSE);
  return done;
}

static int
wire_stream_flush (GMimeStream *stream)
{
  SatchelWireStream *self = SATCHEL_WIRE_STREAM (stream);

  /* Not g_mime_stream_flush (self->dest): on a GMimeStreamFs that is an
   * fsync(), which the caller does when it wants one (the outbox does,
   * once, when it commits the file). */
  wire_stream_kick_writeback (self, TRUE);
  return 0;
}

static int
wire_stream_close (GMimeStream *stream)
{
  return 0;
}

static gboolean
wire_stream_eos (GMimeStream *stream)
{
  return FALSE;
}

static int
wire_stream_reset (GMimeStream *stream)
{
  errno = ESPIPE;
  return -1;
}

static gint64
wire_stream_seek (GMimeStream     *stream,
                  gint64           offset,
                  GMimeSeekWhence  whence)
{
  errno = ESPIPE;
  return -1;
}

static gint64
wire_stream_tell (GMimeStream *stream)
{
  return stream->position;
}

static gint64
wire_stream_length (GMimeStream *stream)
{
  errno = ESPIPE;
  return -1;
}

static GMimeStream *
wire_stream_substream (GMimeStream *stream,
                       gint64       start,
                       gint64       end)
{
  return NULL;
}

static void
satchel_wire_stream_finalize (GObject *object)
{
  SatchelWireStream *self = SATCHEL_WIRE_STREAM (object);

  g_clear_object (&self->dest);
  G_OBJECT_CLASS (satchel_wire_stream_parent_class)->finalize (object);
}

static void
satchel_wire_stream_class_init (SatchelWireStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GMimeStreamClass *stream_class = GMIME_STREAM_CLASS (klass);

  object_class->finalize = satchel_wire_stream_finalize;
  stream_class->read = wire_stream_read;
  stream_class->write = wire_stream_write;
  stream_class->flush = wire_stream_flush;
  stream_class->close = wire_stream_close;
  stream_class->eos = wire_stream_eos;
  stream_class->reset = wire_stream_reset;
  stream_class->seek = wire_stream_seek;
  stream_class->tell = wire_stream_tell;
  stream_class->length = wire_stream_length;
  stream_class->substream = wire_stream_substream;
}

static void
satchel_wire_stream_init (SatchelWireStream *self)
{
  self->fd = -1;
}

static GMimeStream *
wire_stream_new (GMimeStream *dest)
{
  SatchelWireStream *self = g_object_new (SATCHEL_TYPE_WIRE_STREAM, NULL);
  struct stat st;

  g_mime_stream_construct (GMIME_STREAM (self), 0, -1);
  self->dest = g_object_ref (dest);
  if (GMIME_IS_STREAM_FS (dest) && fstat (GMIME_STREAM_FS (dest)->fd, &st) == 0 &&
      S_ISREG (st.st_mode))
    {
      self->fd = GMIME_STREAM_FS (dest)->fd;
      self->fd_start = g_mime_stream_tell (dest);
      if (self->fd_start < 0)
        self->fd = -1;
    }
  return GMIME_STREAM (self);
}

/* Base64 of attachments ------------------------------------------------ */

/* GMime encodes through a chain of filters that handles 4 KiB at a time
 * (read, seek, base64, LF to CRLF, write: two system calls and three
 * copies per 4 KiB), which made encoding most of the time of a send.
 * Attachments are instead encoded here, straight from the file into
 * large blocks, with the very bytes GMime writes: lines of 76 characters
 * (57 octets), each ending in the newline of the format options, the
 * last one shorter and padded with '=', nothing for an empty file. */

#define BASE64_LINE_OCTETS 57
#define BASE64_LINE_CHARS 76
/* Lines encoded per block: 912 KiB in, 1.2 MiB out. */
#define BASE64_BLOCK_LINES 16384

static const char base64_alphabet[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The two characters of every 12-bit value. */
static char base64_pairs[4096][2];

static void
base64_pairs_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      for (guint i = 0; i < 4096; i++)
        {
          base64_pairs[i][0] = base64_alphabet[i >> 6];
          base64_pairs[i][1] = base64_alphabet[i & 0x3f];
        }
      g_once_init_leave (&initialised, 1);
    }
}

/* Six octets (the first six of eight readable ones) to eight characters. */
static inline void
base64_encode_6 (const guchar *in,
                 char         *out)
{
  guint64 v;

  memcpy (&v, in, sizeof v);
  v = GUINT64_FROM_BE (v) >> 16;
  memcpy (out, base64_pairs[(v >> 36) & 0xfff], 2);
  memcpy (out + 2, base64_pairs[(v >> 24) & 0xfff], 2);
  memcpy (out + 4, base64_pairs[(v >> 12) & 0xfff], 2);
  memcpy (out + 6, base64_pairs[v & 0xfff], 2);
}

static inline void
base64_encode_3 (const guchar *in,
                 char         *out)
{
  guint32 v = (guint32) in[0] << 16 | (guint32) in[1] << 8 | in[2];

  memcpy (out, base64_pairs[v >> 12], 2);
  memcpy (out + 2, base64_pairs[v & 0xfff], 2);
}

/* Encodes @n_lines whole lines; returns the number of characters. */
static gsize
base64_encode_lines (const guchar *in,
                     gsize         n_lines,
                     char         *out,
                     const char   *newline,
                     gsize         newline_len)
{
  char *start = out;

  for (gsize line = 0; line < n_lines; line++)
    {
      /* 9 x 6 + 3 = 57 octets; the last 8-octet load ends at octet 55. */
      for (int i = 0; i < 9; i++)
        base64_encode_6 (in + 6 * i, out + 8 * i);
      base64_encode_3 (in + 54, out + 72);
      memcpy (out + BASE64_LINE_CHARS, newline, newline_len);
      in += BASE64_LINE_OCTETS;
      out += BASE64_LINE_CHARS + newline_len;
    }

  return out - start;
}

/* The last line: 1 to 56 octets, padded. */
static gsize
base64_encode_tail (const guchar *in,
                    gsize         len,
                    char         *out,
                    const char   *newline,
                    gsize         newline_len)
{
  char *start = out;

  for (; len >= 3; len -= 3, in += 3, out += 4)
    base64_encode_3 (in, out);
  if (len > 0)
    {
      guchar last[3] = { in[0], len == 2 ? in[1] : 0, 0 };

      base64_encode_3 (last, out);
      out[3] = '=';
      if (len == 1)
        out[2] = '=';
      out += 4;
    }
  memcpy (out, newline, newline_len);
  out += newline_len;

  return out - start;
}

/* Reads up to @len bytes at @offset, fewer only at the end of the file. */
static gssize
read_full (int     fd,
           guchar *buf,
           gsize   len,
           gint64  offset)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = pread (fd, buf + done, len - done, offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += n;
    }

  return done;
}

/* Writes the base64 of the file under @source (from its start bound to
 * its end bound or the end of the file) to @stream. Returns the number
 * of characters written, or -1 with errno set. */
static gint64
write_base64_file (GMimeStream *source,
                   const char  *newline,
                   GMimeStream *stream)
{
  int fd = GMIME_STREAM_FS (source)->fd;
  gint64 offset = source->bound_start;
  gint64 end = source->bound_end;
  gsize newline_len = strlen (newline);
  gsize in_size = BASE64_BLOCK_LINES * BASE64_LINE_OCTETS;
  g_autofree guchar *in = g_malloc (in_size);
  g_autofree char *out = g_malloc (BASE64_BLOCK_LINES * (BASE64_LINE_CHARS + newline_len));
  gint64 total = 0;

  base64_pairs_init ();
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  for (;;)
    {
      gsize want = end >= 0 ? (gsize) MIN ((gint64) in_size, end - offset) : in_size;
      gssize n_read = want > 0 ? read_full (fd, in, want, offset) : 0;
      gsize n_lines, len;

      if (n_read < 0)
        return -1;
      offset += n_read;

      n_lines = n_read / BASE64_LINE_OCTETS;
      len = base64_encode_lines (in, n_lines, out, newline, newline_len);
      if ((gsize) n_read < in_size && n_read % BASE64_LINE_OCTETS != 0)
        len += base64_encode_tail (in + n_lines * BASE64_LINE_OCTETS,
                                   n_read % BASE64_LINE_OCTETS,
                                   out + len, newline, newline_len);

      for (gsize done = 0; done < len;)
        {
          ssize_t n = g_mime_stream_write (stream, out + done, len - done);

          if (n <= 0)
            {
              if (n == 0)
                errno = EIO;
              return -1;
            }
          done += n;
        }
      total += len;

      /* A short read is the end of the file (or of the bounds). */
      if ((gsize) n_read < in_size)
        break;
    }

  return total;
}

/* A GMimePart for a file to attach in base64: it writes its content with
 * write_base64_file(), and behaves as a plain GMimePart in every other
 * case (content changed to another stream or encoding). */
typedef struct
{
  GMimePart parent_instance;
} SatchelFilePart;

typedef struct
{
  GMimePartClass parent_class;
} SatchelFilePartClass;

GType satchel_file_part_get_type (void);
#define SATCHEL_TYPE_FILE_PART (satchel_file_part_get_type ())

G_DEFINE_FINAL_TYPE (SatchelFilePart, satchel_file_part, GMIME_TYPE_PART)

static ssize_t
file_part_write_to_stream (GMimeObject        *object,
                           GMimeFormatOptions *options,
                           gboolean            content_only,
                           GMimeStream        *stream)
{
  GMimePart *part = GMIME_PART (object);
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  const char *newline = g_mime_format_options_get_newline (options);
  GMimeStream *source = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  ssize_t total = 0, n;
  gint64 encoded;

  if (source == NULL || !GMIME_IS_STREAM_FS (source) ||
      g_mime_part_get_content_encoding (part) != GMIME_CONTENT_ENCODING_BASE64 ||
      g_mime_data_wrapper_get_encoding (content) != GMIME_CONTENT_ENCODING_DEFAULT)
    return GMIME_OBJECT_CLASS (satchel_file_part_parent_class)->write_to_stream (object, options,
                                                                                  content_only,
                                                                                  stream);

  /* As GMimePart does. */
  if (!content_only)
    {
      if ((n = g_mime_header_list_write_to_stream (object->headers, options, stream)) < 0)
        return -1;
      total += n;
      if ((n = g_mime_stream_write_string (stream, newline)) < 0)
        return -1;
      total += n;
    }

  encoded = write_base64_file (source, newline, stream);
  if (encoded < 0)
    return -1;

  return total + encoded;
}

static void
satchel_file_part_class_init (SatchelFilePartClass *klass)
{
  GMIME_OBJECT_CLASS (klass)->write_to_stream = file_part_write_to_stream;
}

static void
satchel_file_part_init (SatchelFilePart *self)
{
}

/* Building ------------------------------------------------------------- */

static GMimeFormatOptions *
new_wire_options (void)
{
  GMimeFormatOptions *options = g_mime_format_options_new ();

  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  /* Explicit, though it is GMime's default: parameters not set one by
   * one below (none today) use RFC 2231. */
  g_mime_format_options_set_param_encoding_method (options,
                                                   GMIME_PARAM_ENCODING_METHOD_RFC2231);
  return options;
}

/* A mailbox for a header: the name encoded as UTF-8 RFC 2047 words (GMime
 * would pick ISO-8859-1 for Latin names otherwise), the domain as
 * A-labels so that the header stays ASCII. */
static InternetAddress *
new_mailbox (const SatchelAddress *address)
{
  g_autofree char *envelope = satchel_address_to_envelope (address);
  InternetAddress *mailbox = internet_address_mailbox_new (address->name, envelope);

  internet_address_set_charset (mailbox, "UTF-8");
  return mailbox;
}

static void
add_addresses (GMimeMessage     *mime,
               GMimeAddressType  type,
               GPtrArray        *addresses)
{
  InternetAddressList *list = g_mime_message_get_addresses (mime, type);

  for (guint i = 0; i < addresses->len; i++)
    {
      InternetAddress *mailbox = new_mailbox (g_ptr_array_index (addresses, i));

      internet_address_list_add (list, mailbox);
      g_object_unref (mailbox);
    }
}

/* Line ends of typed text as LF, or as CRLF (@crlf), always ending with
 * one: base64 carries text in its canonical CRLF form, while the
 * quoted-printable encoder and GMime's DOS newline filter turn LF into
 * CRLF themselves. */
static GByteArray *
normalise_text (const char *text,
                gboolean    crlf)
{
  GByteArray *out = g_byte_array_sized_new (strlen (text) + 2);
  static const guint8 cr = '\r', lf = '\n';

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        {
          if (*p == '\r' && p[1] == '\n')
            p++;
          if (crlf)
            g_byte_array_append (out, &cr, 1);
          g_byte_array_append (out, &lf, 1);
        }
      else
        g_byte_array_append (out, (const guint8 *) p, 1);
    }

  if (out->len > 0 && out->data[out->len - 1] != '\n')
    {
      if (crlf)
        g_byte_array_append (out, &cr, 1);
      g_byte_array_append (out, &lf, 1);
    }

  return out;
}

static void
set_part_bytes (GMimePart  *part,
                GByteArray *bytes)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_byte_array (bytes);
  GMimeDataWrapper *wrapper;

  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, wrapper);
  g_object_unref (wrapper);
  g_object_unref (stream);
}

/* A text/SUBTYPE part in UTF-8, 7-bit safe. */
static GMimeObject *
new_text_part (const char *subtype,
               const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);
  GMimeContentEncoding encoding;

  /* Not g_mime_text_part_set_text(): it may pick ISO-8859-1. */
  set_part_bytes (GMIME_PART (part), normalise_text (text != NULL ? text : "", FALSE));
  g_mime_object_set_content_type_parameter (GMIME_OBJECT (part), "charset", "utf-8");

  encoding = g_mime_part_get_best_content_encoding (GMIME_PART (part),
                                                    GMIME_ENCODING_CONSTRAINT_7BIT);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64)
    set_part_bytes (GMIME_PART (part), normalise_text (text != NULL ? text : "", TRUE));
  g_mime_part_set_content_encoding (GMIME_PART (part), encoding);

  return GMIME_OBJECT (part);
}

static void
set_param_method (GMimeParamList           *params,
                  const char               *name,
                  GMimeParamEncodingMethod  method)
{
  int n = g_mime_param_list_length (params);

  for (int i = 0; i < n; i++)
    {
      GMimeParam *param = g_mime_param_list_get_parameter_at (params, i);

      if (g_ascii_strcasecmp (g_mime_param_get_name (param), name) == 0)
        g_mime_param_set_encoding_method (param, method);
    }
}

/* The MIME type GIO guesses from the name and the first bytes. */
static char *
guess_mime_type (const char   *name,
                 const guchar *data,
                 gsize         len)
{
  g_autofree char *content_type = g_content_type_guess (name, data, len, NULL);
  g_autofree char *mime_type = NULL;

  if (content_type != NULL)
    mime_type = g_content_type_get_mime_type (content_type);

  /* GIO's names for "no idea" and "empty": neither means anything to the
   * recipient. */
  if (mime_type == NULL || strchr (mime_type, '/') == NULL ||
      g_str_equal (mime_type, "application/x-zerosize") ||
      g_content_type_is_unknown (content_type))
    return g_strdup ("application/octet-stream");

  return g_steal_pointer (&mime_type);
}

/* @name as RFC 2047 "B" encoded words of at most 75 characters, whole
 * characters in each, one per folded line. */
static char *
encode_rfc2047_name (const char *name)
{
  GString *out = g_string_new (NULL);
  const char *p = name;

  while (*p != '\0')
    {
      const char *start = p;
      g_autofree char *base64 = NULL;

      /* 45 octets become 60 base64 characters, 72 with the markers. */
      while (*p != '\0')
        {
          const char *next = g_utf8_next_char (p);

          if (next - start > 45 && p > start)
            break;
          p = next;
        }

      base64 = g_base64_encode ((const guchar *) start, p - start);
      if (out->len > 0)
        g_string_append (out, "\n\t");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", base64);
    }

  return g_string_free (out, FALSE);
}

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* Writes the Content-Type of an attachment with a non-ASCII name by hand.
 * GMime's own RFC 2047 parameter encoding leaves ASCII words of the
 * value unencoded ("=?UTF-8?b?...?= 2026.pdf"), which the mail programs
 * that need name= do not decode; they expect the whole value as encoded
 * words. The in-memory content type keeps the plain name. */
static void
set_encoded_name_header (GMimeObject *part,
                         const char  *mime_type,
                         const char  *name)
{
  GMimeHeaderList *headers = g_mime_object_get_header_list (part);
  GMimeHeader *header = g_mime_header_list_get_header (headers, "Content-Type");
  g_autofree char *words = encode_rfc2047_name (name);
  g_autofree char *raw = g_strdup_printf (" %s;\n\tname=\"%s\"\n", mime_type, words);

  g_assert (header != NULL);
  g_mime_header_set_raw_value (header, raw);
}

/* A Content-ID for an inline part: the base name, so that HTML can say
 * cid:NAME. Bytes a msg-id cannot hold (non-ASCII, spaces, brackets) are
 * percent-encoded as in a cid: URL (RFC 2392). */
static char *
make_content_id (const char *name)
{
  return g_uri_escape_string (name, "!#$&'*+-./=?^_`{|}~@", FALSE);
}

static GMimeObject *
new_attachment_part (SatchelAttachmentKind   kind,
                     const char             *path,
                     const char             *display_name,
                     GError                **error)
{
  g_autofree char *display_path = g_filename_display_name (path);
  g_autofree char *mime_type = NULL;
  guchar sniff[SNIFF_SIZE];
  GMimeContentType *content_type;
  GMimeContentDisposition *disposition;
  GMimeStream *stream;
  GMimeDataWrapper *wrapper;
  GMimePart *part;
  struct stat st;
  ssize_t n_read;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("The attachment “%s” cannot be read: %s."),
                   display_path, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("The attachment “%s” is not a regular file."),
                   display_path);
      return NULL;
    }

  do
    n_read = pread (fd, sniff, sizeof sniff, 0);
  while (n_read < 0 && errno == EINTR);
  if (n_read < 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("The attachment “%s” cannot be read: %s."),
                   display_path, g_strerror (saved_errno));
      return NULL;
    }

  mime_type = guess_mime_type (display_name, sniff, n_read);
  content_type = g_mime_content_type_parse (NULL, mime_type);

  /* Outlook, Foxmail and QQ Mail read only an RFC 2047 name= on
   * Content-Type; everything else reads RFC 2231 filename*= on
   * Content-Disposition. Say which one each parameter uses: GMime would
   * use RFC 2231 for both (and see set_encoded_name_header()). */
  g_mime_content_type_set_parameter (content_type, "name", display_name);
  set_param_method (g_mime_content_type_get_parameters (content_type), "name",
                    GMIME_PARAM_ENCODING_METHOD_RFC2047);

  disposition = g_mime_content_disposition_new ();
  g_mime_content_disposition_set_disposition (disposition,
                                              kind == SATCHEL_ATTACHMENT_INLINE
                                              ? GMIME_DISPOSITION_INLINE
                                              : GMIME_DISPOSITION_ATTACHMENT);
  g_mime_content_disposition_set_parameter (disposition, "filename", display_name);
  set_param_method (g_mime_content_disposition_get_parameters (disposition), "filename",
                    GMIME_PARAM_ENCODING_METHOD_RFC2231);

  part = g_object_new (SATCHEL_TYPE_FILE_PART, NULL);
  g_mime_object_set_content_type (GMIME_OBJECT (part), content_type);
  g_mime_object_set_content_disposition (GMIME_OBJECT (part), disposition);
  g_object_unref (content_type);
  g_object_unref (disposition);

  if (kind == SATCHEL_ATTACHMENT_INLINE)
    {
      g_autofree char *content_id = make_content_id (display_name);

      g_mime_object_set_content_id (GMIME_OBJECT (part), content_id);
    }

  /* The stream owns @fd and reads it only while the message is written,
   * so memory does not depend on the size of the file. */
  stream = g_mime_stream_fs_new (fd);
  wrapper = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, wrapper);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_object_unref (wrapper);
  g_object_unref (stream);

  /* Last: any later change to the content type would rewrite it. */
  if (!is_ascii (display_name))
    set_encoded_name_header (GMIME_OBJECT (part), mime_type, display_name);

  return GMIME_OBJECT (part);
}

static GMimeObject *
new_multipart (const char  *subtype,
               GMimeObject *first)
{
  GMimeMultipart *multipart = g_mime_multipart_new_with_subtype (subtype);

  g_mime_multipart_add (multipart, first);
  return GMIME_OBJECT (multipart);
}

/* The body: text/plain, or alternative(plain, html), inside related with
 * the inline parts, inside mixed with the attached files; each level
 * only when needed. */
static GMimeObject *
build_body (SatchelMessage  *message,
            GError         **error)
{
  const char *html = satchel_message_get_html (message);
  const char *text = satchel_message_get_body (message);
  guint n_attachments = satchel_message_get_n_attachments (message);
  GMimeObject *body;
  GMimeObject *related = NULL;
  GMimeObject *mixed = NULL;

  if (html != NULL && text != NULL)
    {
      GMimeObject *plain = new_text_part ("plain", text);
      GMimeObject *rich = new_text_part ("html", html);

      body = new_multipart ("alternative", plain);
      g_mime_multipart_add (GMIME_MULTIPART (body), rich);
      g_object_unref (plain);
      g_object_unref (rich);
    }
  else if (html != NULL)
    body = new_text_part ("html", html);
  else
    body = new_text_part ("plain", text);

  for (guint i = 0; i < n_attachments; i++)
    {
      SatchelAttachmentKind kind;
      const char *path, *display_name;
      GMimeObject *part;
      GMimeObject **container;

      satchel_message_get_attachment (message, i, &kind, &path, &display_name);
      part = new_attachment_part (kind, path, display_name, error);
      if (part == NULL)
        {
          g_clear_object (&related);
          g_clear_object (&mixed);
          g_object_unref (body);
          return NULL;
        }

      container = kind == SATCHEL_ATTACHMENT_INLINE ? &related : &mixed;
      if (*container == NULL)
        {
          GMimeObject *root = kind == SATCHEL_ATTACHMENT_INLINE ? body : NULL;

          *container = GMIME_OBJECT (g_mime_multipart_new_with_subtype (
            kind == SATCHEL_ATTACHMENT_INLINE ? "related" : "mixed"));
          if (root != NULL)
            {
              g_autofree char *root_type =
                g_mime_content_type_get_mime_type (g_mime_object_get_content_type (root));

              /* RFC 2387: the type of the root part. */
              g_mime_object_set_content_type_parameter (*container, "type", root_type);
              g_mime_multipart_add (GMIME_MULTIPART (*container), root);
            }
        }
      g_mime_multipart_add (GMIME_MULTIPART (*container), part);
      g_object_unref (part);
    }

  if (related != NULL)
    {
      g_object_unref (body);
      body = related;
    }
  if (mixed != NULL)
    {
      g_mime_multipart_insert (GMIME_MULTIPART (mixed), 0, body);
      g_object_unref (body);
      body = mixed;
    }

  return body;
}

/* Sendmail input ------------------------------------------------------- */

typedef struct
{
  GBufferedInputStream *input;
  GOutputStream        *output;
  GCancellable         *cancellable;
  GByteArray           *out;      /* pending output */
  gint64                written;

  gboolean              take_recipients;
  GPtrArray            *recipients;
  SatchelAddress       *from;
  char                 *subject;
  gboolean              saw_from;
  gboolean              saw_date;
  gboolean              saw_message_id;
  gboolean              needs_8bit;
  gboolean              needs_smtputf8;

  GString              *field_name;  /* the header being read, or empty */
  GString              *field_raw;   /* its lines, each ending in CRLF */
  GString              *field_value; /* unfolded */
  guint                 line_number;
  guint                 n_fields;
} SendmailReader;

static void
sendmail_reader_clear (SendmailReader *reader)
{
  g_clear_object (&reader->input);
  g_clear_pointer (&reader->out, g_byte_array_unref);
  g_clear_pointer (&reader->from, satchel_address_free);
  g_clear_pointer (&reader->subject, g_free);
  if (reader->field_name != NULL)
    g_string_free (reader->field_name, TRUE);
  if (reader->field_raw != NULL)
    g_string_free (reader->field_raw, TRUE);
  if (reader->field_value != NULL)
    g_string_free (reader->field_value, TRUE);
}

static gboolean
flush_output (SendmailReader  *reader,
              GError         **error)
{
  gsize n_written = 0;

  if (reader->out->len == 0)
    return TRUE;

  if (!g_output_stream_write_all (reader->output, reader->out->data, reader->out->len,
                                  &n_written, reader->cancellable, error))
    return FALSE;

  reader->written += n_written;
  g_byte_array_set_size (reader->out, 0);
  return TRUE;
}

static gboolean
emit (SendmailReader  *reader,
      const char      *data,
      gsize            len,
      GError         **error)
{
  g_byte_array_append (reader->out, (const guint8 *) data, len);
  if (reader->out->len >= BLOCK_SIZE)
    return flush_output (reader, error);
  return TRUE;
}

static void
set_invalid (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                       message);
}

/* Reads one line without its LF (and CR) into @line. Returns FALSE at
 * the end of the input (with @line empty) or on error. */
static gboolean
read_header_line (SendmailReader  *reader,
                  GString         *line,
                  gboolean        *eof,
                  GError         **error)
{
  g_string_truncate (line, 0);
  *eof = FALSE;

  for (;;)
    {
      GError *local_error = NULL;
      int c = g_buffered_input_stream_read_byte (reader->input, reader->cancellable,
                                                 &local_error);

      if (c < 0)
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, local_error);
              return FALSE;
            }
          *eof = TRUE;
          break;
        }
      if (c == '\n')
        break;
      if (c == '\0')
        {
          set_invalid (error, _("The message headers contain a NUL byte."));
          return FALSE;
        }
      g_string_append_c (line, c);
      /* One more for a CR before the LF. */
      if (line->len > MAX_LINE + 1)
        break;
    }

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  if (line->len > MAX_LINE)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("Line %u of the message headers is longer than %u bytes, "
                     "which mail does not allow."),
                   reader->line_number, (guint) MAX_LINE);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_field_name (const char *line,
               gsize      *name_len)
{
  gsize i;

  for (i = 0; line[i] != '\0' && line[i] != ':'; i++)
    if ((guchar) line[i] < 33 || (guchar) line[i] > 126)
      return FALSE;

  if (line[i] != ':' || i == 0)
    return FALSE;

  *name_len = i;
  return TRUE;
}

static gboolean
has_8bit (const char *data,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) data[i] >= 0x80)
      return TRUE;
  return FALSE;
}

static void
add_recipient (SendmailReader       *reader,
               const SatchelAddress *address)
{
  g_autofree char *envelope = satchel_address_to_envelope (address);
  g_autofree char *key = g_utf8_casefold (envelope, -1);

  if (satchel_address_needs_smtputf8 (address))
    reader->needs_smtputf8 = TRUE;

  if (reader->recipients == NULL)
    return;

  for (guint i = 0; i < reader->recipients->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (g_ptr_array_index (reader->recipients, i), -1);

      if (g_str_equal (key, other))
        return;
    }

  g_ptr_array_add (reader->recipients, g_steal_pointer (&envelope));
}

/* Validates each mailbox of @list, groups included, and adds it to the
 * recipients, or (@first_only) keeps the first as the From address. */
static gboolean
collect_mailboxes (SendmailReader       *reader,
                   InternetAddressList  *list,
                   const char           *field,
                   gboolean              first_only,
                   GError              **error)
{
  int n = internet_address_list_length (list);

  for (int i = 0; i < n; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          InternetAddressList *members =
            internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));

          if (members != NULL &&
              !collect_mailboxes (reader, members, field, first_only, error))
            return FALSE;
        }
      else if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
          g_autoptr(SatchelAddress) address = NULL;
          g_autoptr(GError) local_error = NULL;

          address = satchel_address_parse (addr != NULL ? addr : "", &local_error);
          if (address == NULL)
            {
              g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                           _("In the %s header: %s"), field, local_error->message);
              return FALSE;
            }

          if (first_only)
            {
              const char *name = internet_address_get_name (ia);

              if (reader->from == NULL)
                {
                  g_free (address->name);
                  address->name = (name != NULL && *name != '\0') ? g_strdup (name) : NULL;
                  reader->from = g_steal_pointer (&address);
                }
              return TRUE;
            }

          add_recipient (reader, address);
        }
    }

  return TRUE;
}

static gboolean
parse_address_field (SendmailReader  *reader,
                     const char      *field,
                     gboolean         first_only,
                     GError         **error)
{
  InternetAddressList *list;
  gboolean ok;

  list = internet_address_list_parse (NULL, reader->field_value->str);
  if (list == NULL)
    {
      if (first_only)
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                       _("The %s header has no valid address."), field);
          return FALSE;
        }
      return TRUE;
    }

  ok = collect_mailboxes (reader, list, field, first_only, error);
  g_object_unref (list);

  if (ok && first_only && reader->from == NULL)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("The %s header has no valid address."), field);
      return FALSE;
    }

  return ok;
}

/* Handles the complete header field being read: looks at it, then
 * writes it unless it is a Bcc. */
static gboolean
finish_field (SendmailReader  *reader,
              GError         **error)
{
  const char *name = reader->field_name->str;
  gboolean keep = TRUE;

  if (reader->field_name->len == 0)
    return TRUE;

  if (g_ascii_strcasecmp (name, "Bcc") == 0 ||
      g_ascii_strcasecmp (name, "Resent-Bcc") == 0)
    {
      keep = FALSE;
      if (reader->take_recipients && g_ascii_strcasecmp (name, "Bcc") == 0 &&
          !parse_address_field (reader, "Bcc", FALSE, error))
        return FALSE;
    }
  else if (g_ascii_strcasecmp (name, "To") == 0 || g_ascii_strcasecmp (name, "Cc") == 0)
    {
      if (reader->take_recipients &&
          !parse_address_field (reader, name, FALSE, error))
        return FALSE;
    }
  else if (g_ascii_strcasecmp (name, "From") == 0)
    {
      reader->saw_from = TRUE;
      if (!parse_address_field (reader, "From", TRUE, error))
        return FALSE;
    }
  else if (g_ascii_strcasecmp (name, "Subject") == 0)
    {
      if (reader->subject == NULL)
        {
          char *decoded = g_mime_utils_header_decode_text (NULL, reader->field_value->str);

          reader->subject = g_strstrip (decoded);
        }
    }
  else if (g_ascii_strcasecmp (name, "Date") == 0)
    reader->saw_date = TRUE;
  else if (g_ascii_strcasecmp (name, "Message-ID") == 0)
    reader->saw_message_id = TRUE;

  if (keep)
    {
      if (has_8bit (reader->field_raw->str, reader->field_raw->len))
        reader->needs_smtputf8 = TRUE;
      if (!emit (reader, reader->field_raw->str, reader->field_raw->len, error))
        return FALSE;
    }

  g_string_truncate (reader->field_name, 0);
  g_string_truncate (reader->field_raw, 0);
  g_string_truncate (reader->field_value, 0);
  return TRUE;
}

/* Adds the headers a message must have and the input lacked. */
static gboolean
add_missing_headers (SendmailReader        *reader,
                     const SatchelAddress  *default_from,
                     const char            *full_name,
                     GError               **error)
{
  if (!reader->saw_from && default_from != NULL)
    {
      GMimeFormatOptions *options = new_wire_options ();
      InternetAddressList *list = internet_address_list_new ();
      SatchelAddress *from = satchel_address_copy (default_from);
      InternetAddress *mailbox;
      GString *line = g_string_new ("From: ");
      gboolean ok;

      if (full_name != NULL && *full_name != '\0')
        {
          g_free (from->name);
          from->name = g_strdup (full_name);
        }
      mailbox = new_mailbox (from);
      internet_address_list_add (list, mailbox);
      internet_address_list_encode (list, options, line);
      if (!g_str_has_suffix (line->str, "\r\n"))
        g_string_append (line, "\r\n");
      if (has_8bit (line->str, line->len))
        reader->needs_smtputf8 = TRUE;

      ok = emit (reader, line->str, line->len, error);

      g_string_free (line, TRUE);
      g_object_unref (mailbox);
      g_object_unref (list);
      g_mime_format_options_free (options);
      g_clear_pointer (&reader->from, satchel_address_free);
      reader->from = from;
      if (!ok)
        return FALSE;
    }

  if (!reader->saw_date)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *date = g_mime_utils_header_format_date (now);
      g_autofree char *line = g_strdup_printf ("Date: %s\r\n", date);

      if (!emit (reader, line, strlen (line), error))
        return FALSE;
    }

  if (!reader->saw_message_id)
    {
      const char *domain = reader->from != NULL ? reader->from->ascii_domain : "localhost";
      g_autofree char *id = g_mime_utils_generate_message_id (domain);
      g_autofree char *line = g_strdup_printf ("Message-ID: <%s>\r\n", id);

      if (!emit (reader, line, strlen (line), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_headers (SendmailReader        *reader,
              const SatchelAddress  *default_from,
              const char            *full_name,
              GError               **error)
{
  g_autoptr(GString) line = g_string_sized_new (MAX_LINE + 2);
  gboolean eof = FALSE;

  reader->field_name = g_string_new (NULL);
  reader->field_raw = g_string_new (NULL);
  reader->field_value = g_string_new (NULL);

  for (reader->line_number = 1;; reader->line_number++)
    {
      gsize name_len = 0;

      if (!read_header_line (reader, line, &eof, error))
        return FALSE;

      if (eof && line->len == 0)
        break;

      if (line->len == 0)
        break;

      /* An mbox "From " separator before the headers (git format-patch
       * writes one) is not part of the message. */
      if (reader->line_number == 1 && g_str_has_prefix (line->str, "From "))
        {
          reader->line_number = 0;
          continue;
        }

      if (line->str[0] == ' ' || line->str[0] == '\t')
        {
          if (reader->field_name->len == 0)
            {
              set_invalid (error, _("The message does not start with a header: "
                                    "give a message with headers, a blank line, "
                                    "then the text."));
              return FALSE;
            }
          g_string_append_len (reader->field_value, line->str, line->len);
        }
      else if (is_field_name (line->str, &name_len))
        {
          if (!finish_field (reader, error))
            return FALSE;
          reader->n_fields++;
          g_string_append_len (reader->field_name, line->str, name_len);
          g_string_append (reader->field_value, line->str + name_len + 1);
        }
      else if (reader->field_name->len == 0)
        {
          set_invalid (error, _("The message does not start with a header: "
                                "give a message with headers, a blank line, "
                                "then the text."));
          return FALSE;
        }
      else
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                       _("Line %u of the message is neither a header nor the "
                         "blank line that ends the headers."),
                       reader->line_number);
          return FALSE;
        }

      g_string_append_len (reader->field_raw, line->str, line->len);
      g_string_append (reader->field_raw, "\r\n");
      if (reader->field_raw->len > MAX_FIELD)
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                       _("The %s header of the message is too long."),
                       reader->field_name->str);
          return FALSE;
        }

      if (eof)
        break;
    }

  if (reader->n_fields == 0)
    {
      set_invalid (error, _("The message has no headers: give a message with "
                            "headers, a blank line, then the text."));
      return FALSE;
    }

  if (!finish_field (reader, error) ||
      !add_missing_headers (reader, default_from, full_name, error))
    return FALSE;

  return emit (reader, "\r\n", 2, error);
}

/* Copies the body, turning bare LF (and bare CR) into CRLF. */
static gboolean
copy_body (SendmailReader  *reader,
           GError         **error)
{
  g_autofree char *block = g_malloc (BLOCK_SIZE);
  gboolean pending_cr = FALSE;
  char last = '\n';
  gboolean empty = TRUE;

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (reader->input), block, BLOCK_SIZE,
                                      reader->cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;

      empty = FALSE;
      if (!reader->needs_8bit && has_8bit (block, n))
        reader->needs_8bit = TRUE;

      for (gssize i = 0; i < n; i++)
        {
          char c = block[i];

          if (pending_cr)
            {
              pending_cr = FALSE;
              g_byte_array_append (reader->out, (const guint8 *) "\r\n", 2);
              if (c == '\n')
                continue;
            }

          if (c == '\r')
            pending_cr = TRUE;
          else if (c == '\n')
            g_byte_array_append (reader->out, (const guint8 *) "\r\n", 2);
          else
            g_byte_array_append (reader->out, (const guint8 *) &c, 1);
        }

      last = block[n - 1];
      if (reader->out->len >= BLOCK_SIZE && !flush_output (reader, error))
        return FALSE;
    }

  /* A CR at the very end, or text without a final line end. */
  if (pending_cr || (!empty && last != '\n' && last != '\r'))
    g_byte_array_append (reader->out, (const guint8 *) "\r\n", 2);

  return flush_output (reader, error);
}

/* Public API ----------------------------------------------------------- */

void
satchel_mime_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      g_mime_init ();
      g_once_init_leave (&initialised, 1);
    }
}

GMimeMessage *
satchel_mime_build (SatchelMessage  *message,
                    GError         **error)
{
  const SatchelAddress *from;
  GMimeMessage *mime;
  GMimeObject *body;
  GPtrArray *extra;
  gboolean has_user_agent = FALSE;
  const char *subject;

  g_return_val_if_fail (SATCHEL_IS_MESSAGE (message), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  satchel_mime_init ();

  from = satchel_message_get_from (message);
  if (from == NULL)
    {
      set_invalid (error, _("The message has no sender: choose a From address."));
      return NULL;
    }

  body = build_body (message, error);
  if (body == NULL)
    return NULL;

  mime = g_mime_message_new (TRUE);

  {
    InternetAddress *mailbox = new_mailbox (from);

    internet_address_list_add (g_mime_message_get_from (mime), mailbox);
    g_object_unref (mailbox);
  }
  add_addresses (mime, GMIME_ADDRESS_TYPE_TO, satchel_message_get_to (message));
  add_addresses (mime, GMIME_ADDRESS_TYPE_CC, satchel_message_get_cc (message));
  add_addresses (mime, GMIME_ADDRESS_TYPE_REPLY_TO, satchel_message_get_reply_to (message));
  /* Bcc recipients are in the envelope only: never a Bcc header. */

  subject = satchel_message_get_subject (message);
  if (subject != NULL)
    g_mime_message_set_subject (mime, subject, "UTF-8");

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *id = g_mime_utils_generate_message_id (from->ascii_domain);

    g_mime_message_set_date (mime, now);
    g_mime_message_set_message_id (mime, id);
  }

  extra = satchel_message_get_extra_headers (message);
  for (guint i = 0; i < extra->len; i++)
    {
      const char *line = g_ptr_array_index (extra, i);
      const char *colon = strchr (line, ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      g_assert (colon != NULL);
      name = g_strndup (line, colon - line);
      value = g_strstrip (g_strdup (colon + 1));
      if (g_ascii_strcasecmp (name, "User-Agent") == 0)
        has_user_agent = TRUE;
      g_mime_object_append_header (GMIME_OBJECT (mime), name, value, "UTF-8");
    }
  if (!has_user_agent)
    g_mime_object_set_header (GMIME_OBJECT (mime), "User-Agent",
                              "Satchel/" PACKAGE_VERSION, NULL);

  g_mime_message_set_mime_part (mime, body);
  g_object_unref (body);

  return mime;
}

gint64
satchel_mime_write (GMimeMessage  *message,
                    GMimeStream   *stream,
                    GError       **error)
{
  GMimeFormatOptions *options;
  GMimeStream *wire;
  gint64 count;
  gboolean ok;

  g_return_val_if_fail (GMIME_IS_MESSAGE (message), -1);
  g_return_val_if_fail (GMIME_IS_STREAM (stream), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  options = new_wire_options ();
  wire = wire_stream_new (stream);

  errno = 0;
  ok = g_mime_object_write_to_stream (GMIME_OBJECT (message), options, wire) >= 0 &&
       g_mime_stream_flush (wire) == 0;
  count = SATCHEL_WIRE_STREAM (wire)->count;

  if (!ok)
    {
      int saved_errno = errno != 0 ? errno : EIO;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write the message: %s."), g_strerror (saved_errno));
    }

  g_object_unref (wire);
  g_mime_format_options_free (options);

  return ok ? count : -1;
}

gint64
satchel_mime_read_sendmail (GInputStream          *input,
                            GOutputStream         *output,
                            gboolean               take_recipients,
                            const SatchelAddress  *default_from,
                            const char            *full_name,
                            GPtrArray             *recipients,
                            SatchelAddress       **from,
                            char                 **subject,
                            gboolean              *needs_8bit,
                            gboolean              *needs_smtputf8,
                            GCancellable          *cancellable,
                            GError               **error)
{
  SendmailReader reader = { 0 };
  gint64 written = -1;

  g_return_val_if_fail (G_IS_INPUT_STREAM (input), -1);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  satchel_mime_init ();

  reader.input = G_BUFFERED_INPUT_STREAM (g_buffered_input_stream_new_sized (input,
                                                                             BLOCK_SIZE));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (reader.input), FALSE);
  reader.output = output;
  reader.cancellable = cancellable;
  reader.out = g_byte_array_sized_new (2 * BLOCK_SIZE + 2);
  reader.take_recipients = take_recipients;
  reader.recipients = recipients;

  if (read_headers (&reader, default_from, full_name, error) &&
      copy_body (&reader, error))
    {
      written = reader.written;
      if (from != NULL)
        *from = g_steal_pointer (&reader.from);
      if (subject != NULL)
        *subject = g_steal_pointer (&reader.subject);
      if (needs_8bit != NULL)
        *needs_8bit = reader.needs_8bit;
      if (needs_smtputf8 != NULL)
        *needs_smtputf8 = reader.needs_smtputf8;
    }

  sendmail_reader_clear (&reader);
  return written;
}
