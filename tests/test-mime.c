/* test-mime.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "satchel-address.h"
#include "satchel-error.h"
#include "satchel-message.h"
#include "satchel-mime.h"

/* Helpers ---------------------------------------------------------------- */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("satchel-mime-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static char *
make_file (Fixture    *fixture,
           const char *name,
           const void *data,
           gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static SatchelAddress *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  SatchelAddress *address = satchel_address_parse (text, &error);

  g_assert_no_error (error);
  return address;
}

static SatchelMessage *
new_message (const char *subject,
             const char *body)
{
  SatchelMessage *message = satchel_message_new ();
  g_autoptr(SatchelAddress) from = parse ("Jürgen Müller <jm@bücher.example>");
  g_autoptr(SatchelAddress) to = parse ("张伟 <zw@example.cn>");
  g_autoptr(SatchelAddress) cc = parse ("\"Smith, Ann\" <ann@example.com>");
  g_autoptr(SatchelAddress) bcc = parse ("Secret Person <secret@hidden.example>");
  g_autoptr(SatchelAddress) reply_to = parse ("replies@example.org");

  satchel_message_set_from (message, from);
  satchel_message_add_to (message, to);
  satchel_message_add_cc (message, cc);
  satchel_message_add_bcc (message, bcc);
  satchel_message_add_reply_to (message, reply_to);
  satchel_message_set_subject (message, subject);
  satchel_message_set_body (message, body);
  return message;
}

/* Builds and writes @message; checks the count. */
static GBytes *
build_and_write (SatchelMessage *message)
{
  g_autoptr(GError) error = NULL;
  GMimeMessage *mime;
  GMimeStream *stream;
  GByteArray *array;
  GBytes *bytes;
  gint64 written;

  g_assert_true (satchel_message_validate (message, &error));
  g_assert_no_error (error);
  mime = satchel_mime_build (message, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mime);

  stream = g_mime_stream_mem_new ();
  written = satchel_mime_write (mime, stream, &error);
  g_assert_no_error (error);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  g_assert_cmpint (written, ==, array->len);
  bytes = g_bytes_new (array->data, array->len);

  g_object_unref (stream);
  g_object_unref (mime);
  return bytes;
}

/* The wire form: CRLF everywhere, no line over 998 octets, a final CRLF,
 * and (@seven_bit) nothing but ASCII. */
static void
assert_wire_form (GBytes   *bytes,
                  gboolean  seven_bit)
{
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);
  gsize line_start = 0;

  g_assert_cmpuint (len, >=, 2);
  g_assert_cmpint (data[len - 2], ==, '\r');
  g_assert_cmpint (data[len - 1], ==, '\n');

  for (gsize i = 0; i < len; i++)
    {
      if (seven_bit)
        g_assert_cmpuint (data[i], <, 0x80);
      g_assert_cmpuint (data[i], !=, 0);
      if (data[i] == '\r')
        {
          g_assert_cmpuint (i + 1, <, len);
          g_assert_cmpint (data[i + 1], ==, '\n');
        }
      else if (data[i] == '\n')
        {
          g_assert_cmpuint (i, >, 0);
          g_assert_cmpint (data[i - 1], ==, '\r');
          g_assert_cmpuint (i - 1 - line_start, <=, 998);
          line_start = i + 1;
        }
    }
}

/* The header block of @bytes, as a string. */
static char *
header_block (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *end = g_strstr_len (data, len, "\r\n\r\n");

  g_assert_nonnull (end);
  return g_strndup (data, end - data + 2);
}

/* TRUE when a header field named @name starts a line of @headers. */
static gboolean
has_header (const char *headers,
            const char *name)
{
  g_auto(GStrv) lines = g_strsplit (headers, "\r\n", -1);
  gsize name_len = strlen (name);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 &&
        lines[i][name_len] == ':')
      return TRUE;
  return FALSE;
}

static GMimeMessage *
parse_back (GBytes *bytes)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (bytes, NULL),
                                                           g_bytes_get_size (bytes));
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

  g_assert_nonnull (message);
  g_object_unref (parser);
  g_object_unref (stream);
  return message;
}

/* The decoded content of a leaf part. */
static GBytes *
decode_part (GMimeObject *object)
{
  GMimeDataWrapper *wrapper = g_mime_part_get_content (GMIME_PART (object));
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_assert_nonnull (wrapper);
  g_assert_cmpint (g_mime_data_wrapper_write_to_stream (wrapper, stream), >=, 0);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

/* Decoded text with CRLF as LF and no final line end. */
static char *
decode_text (GMimeObject *object)
{
  g_autoptr(GBytes) bytes = decode_part (object);
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (bytes, NULL),
                                              g_bytes_get_size (bytes));

  g_string_replace (text, "\r\n", "\n", 0);
  while (text->len > 0 && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);
  return g_strdup (text->str);
}

static void
assert_mime_type (GMimeObject *object,
                  const char  *expected)
{
  g_autofree char *type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (object));

  g_assert_cmpstr (type, ==, expected);
}

/* Building -------------------------------------------------------------- */

static void
test_plain (void)
{
  const char *subject = "报告 für Müller: the quarterly numbers";
  const char *body = "Hello Zhang,\n\nSee you in Zürich — 再见.\nA line ending in spaces   \n.\nFrom here";
  g_autoptr(SatchelMessage) message = new_message (subject, body);
  g_autoptr(GBytes) bytes = build_and_write (message);
  g_autofree char *headers = header_block (bytes);
  g_autofree char *text = NULL;
  GMimeMessage *parsed;
  GMimeObject *part;
  InternetAddressList *list;
  InternetAddress *address;
  const char *message_id;

  assert_wire_form (bytes, TRUE);

  /* No Bcc, in any form. */
  g_assert_false (has_header (headers, "Bcc"));
  g_assert_null (g_strstr_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               "hidden.example"));

  g_assert_true (has_header (headers, "Date"));
  g_assert_true (has_header (headers, "Message-ID"));
  g_assert_true (has_header (headers, "MIME-Version"));
  g_assert_nonnull (strstr (headers, "\r\nUser-Agent: Satchel/" PACKAGE_VERSION "\r\n"));
  g_assert_nonnull (strstr (headers, "Subject: =?UTF-8?"));
  g_assert_nonnull (strstr (headers, "<jm@xn--bcher-kva.example>"));

  parsed = parse_back (bytes);
  g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, subject);

  list = g_mime_message_get_from (parsed);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Jürgen Müller");
  /* GMime shows IDN domains as U-labels once parsed. */
  g_assert_cmpstr (internet_address_mailbox_get_idn_addr (INTERNET_ADDRESS_MAILBOX (address)), ==,
                   "jm@xn--bcher-kva.example");

  list = g_mime_message_get_to (parsed);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "张伟");

  list = g_mime_message_get_cc (parsed);
  address = internet_address_list_get_address (list, 0);
  g_assert_cmpstr (internet_address_get_name (address), ==, "Smith, Ann");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), ==,
                   "ann@example.com");

  list = g_mime_message_get_reply_to (parsed);
  g_assert_cmpint (internet_address_list_length (list), ==, 1);
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_bcc (parsed)), ==, 0);

  message_id = g_mime_message_get_message_id (parsed);
  g_assert_nonnull (message_id);
  g_assert_true (g_str_has_suffix (message_id, "@xn--bcher-kva.example"));
  g_assert_nonnull (g_mime_message_get_date (parsed));

  /* Plain text alone is a single text/plain part. */
  part = g_mime_message_get_mime_part (parsed);
  g_assert_true (GMIME_IS_TEXT_PART (part));
  assert_mime_type (part, "text/plain");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (part, "charset"), ==, "utf-8");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), ==,
                   GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  text = decode_text (part);
  g_assert_cmpstr (text, ==, body);

  g_object_unref (parsed);
}

static void
test_text_encodings (void)
{
  /* ASCII with short lines needs no encoding; mostly ASCII is
   * quoted-printable; mostly Chinese is base64; an ASCII line over 998
   * octets must be encoded too. */
  g_autofree char *long_line = g_strnfill (3000, 'a');
  const struct
  {
    const char           *body;
    GMimeContentEncoding  encoding;
  } cases[] = {
    { "", GMIME_CONTENT_ENCODING_7BIT },
    { "Just ASCII.\nTwo lines.", GMIME_CONTENT_ENCODING_7BIT },
    { "Mostly ASCII, one é.", GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE },
    { "这是一封中文邮件，几乎全是汉字。\r\n第二行。", GMIME_CONTENT_ENCODING_BASE64 },
    { long_line, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SatchelMessage) message = new_message ("Encodings", cases[i].body);
      g_autoptr(GBytes) bytes = build_and_write (message);
      g_autofree char *text = NULL;
      g_autofree char *expected = NULL;
      GMimeMessage *parsed;
      GMimeObject *part;

      assert_wire_form (bytes, TRUE);
      parsed = parse_back (bytes);
      part = g_mime_message_get_mime_part (parsed);
      if (cases[i].encoding == GMIME_CONTENT_ENCODING_7BIT)
        g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), <=,
                         GMIME_CONTENT_ENCODING_7BIT);
      else
        g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), ==,
                         cases[i].encoding);
      text = decode_text (part);
      expected = g_strdup (cases[i].body);
      {
        g_autoptr(GString) normal = g_string_new (expected);

        g_string_replace (normal, "\r\n", "\n", 0);
        g_assert_cmpstr (text, ==, normal->str);
      }
      g_object_unref (parsed);
    }
}

static void
test_html_inline (Fixture       *fixture,
                  gconstpointer  data)
{
  static const guchar png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
  };
  g_autoptr(SatchelMessage) message = new_message ("Picture", "See the picture.");
  g_autofree char *image = make_file (fixture, "pic.png", png, sizeof png);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *html = NULL;
  GMimeMessage *parsed;
  GMimeObject *top, *alternative, *picture;

  satchel_message_set_html (message, "<p>See <img src=\"cid:pic.png\"></p>");
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE, image, NULL);
  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);

  parsed = parse_back (bytes);
  top = g_mime_message_get_mime_part (parsed);
  assert_mime_type (top, "multipart/related");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (top, "type"), ==,
                   "multipart/alternative");
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (top)), ==, 2);

  alternative = g_mime_multipart_get_part (GMIME_MULTIPART (top), 0);
  assert_mime_type (alternative, "multipart/alternative");
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (alternative)), ==, 2);
  assert_mime_type (g_mime_multipart_get_part (GMIME_MULTIPART (alternative), 0), "text/plain");
  assert_mime_type (g_mime_multipart_get_part (GMIME_MULTIPART (alternative), 1), "text/html");
  html = decode_text (g_mime_multipart_get_part (GMIME_MULTIPART (alternative), 1));
  g_assert_cmpstr (html, ==, "<p>See <img src=\"cid:pic.png\"></p>");

  picture = g_mime_multipart_get_part (GMIME_MULTIPART (top), 1);
  assert_mime_type (picture, "image/png");
  g_assert_cmpstr (g_mime_object_get_content_id (picture), ==, "pic.png");
  g_assert_cmpstr (g_mime_object_get_disposition (picture), ==, "inline");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (picture)), ==,
                   GMIME_CONTENT_ENCODING_BASE64);
  decoded = decode_part (picture);
  g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                   png, sizeof png);

  g_object_unref (parsed);
}

static void
test_html_only (void)
{
  g_autoptr(SatchelMessage) message = new_message ("HTML", NULL);
  g_autoptr(GBytes) bytes = NULL;
  GMimeMessage *parsed;

  satchel_message_set_html (message, "<b>bold</b>");
  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);
  parsed = parse_back (bytes);
  assert_mime_type (g_mime_message_get_mime_part (parsed), "text/html");
  g_object_unref (parsed);
}

static GMimeObject *
find_by_filename (GMimeMultipart *multipart,
                  const char     *filename)
{
  for (int i = 0; i < g_mime_multipart_get_count (multipart); i++)
    {
      GMimeObject *part = g_mime_multipart_get_part (multipart, i);

      if (GMIME_IS_PART (part) &&
          g_strcmp0 (g_mime_part_get_filename (GMIME_PART (part)), filename) == 0)
        return part;
    }
  return NULL;
}

static void
test_attachments (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char pdf[] = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";
  guchar all_bytes[512];
  g_autoptr(SatchelMessage) message = new_message ("Files", "Three files and a picture.");
  g_autofree char *report = make_file (fixture, "报告.pdf", pdf, sizeof pdf - 1);
  g_autofree char *binary = NULL;
  g_autofree char *empty = make_file (fixture, "empty.dat", "", 0);
  g_autofree char *image = make_file (fixture, "logo.gif", "GIF89a\x01\x00\x01\x00", 10);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *raw = NULL;
  GMimeMessage *parsed;
  GMimeObject *top, *first, *part;

  for (guint i = 0; i < sizeof all_bytes; i++)
    all_bytes[i] = i % 256;
  binary = make_file (fixture, "all-bytes.bin", all_bytes, sizeof all_bytes);

  satchel_message_set_html (message, "<p>Three files <img src=\"cid:logo.gif\"></p>");
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, report, NULL);
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE, image, NULL);
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, binary, NULL);
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, empty, NULL);
  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);

  /* The Chinese file name, both ways, in the raw bytes. */
  raw = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_nonnull (strstr (raw, "filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf"));
  /* base64 of "报告.pdf" is 5oql5ZGKLnBkZg== */
  g_assert_nonnull (strstr (raw, "name=\"=?UTF-8?B?5oql5ZGKLnBkZg==?=\""));

  parsed = parse_back (bytes);
  top = g_mime_message_get_mime_part (parsed);
  assert_mime_type (top, "multipart/mixed");
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (top)), ==, 4);
  first = g_mime_multipart_get_part (GMIME_MULTIPART (top), 0);
  assert_mime_type (first, "multipart/related");
  assert_mime_type (g_mime_multipart_get_part (GMIME_MULTIPART (first), 0),
                    "multipart/alternative");
  part = g_mime_multipart_get_part (GMIME_MULTIPART (first), 1);
  assert_mime_type (part, "image/gif");
  g_assert_cmpstr (g_mime_object_get_content_id (part), ==, "logo.gif");

  part = find_by_filename (GMIME_MULTIPART (top), "报告.pdf");
  g_assert_nonnull (part);
  assert_mime_type (part, "application/pdf");
  g_assert_cmpstr (g_mime_object_get_disposition (part), ==, "attachment");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (part, "name"), ==, "报告.pdf");
  {
    g_autoptr(GBytes) decoded = decode_part (part);

    g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                     pdf, sizeof pdf - 1);
  }

  part = find_by_filename (GMIME_MULTIPART (top), "all-bytes.bin");
  g_assert_nonnull (part);
  assert_mime_type (part, "application/octet-stream");
  g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), ==,
                   GMIME_CONTENT_ENCODING_BASE64);
  {
    g_autoptr(GBytes) decoded = decode_part (part);

    g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                     all_bytes, sizeof all_bytes);
  }

  part = find_by_filename (GMIME_MULTIPART (top), "empty.dat");
  g_assert_nonnull (part);
  {
    g_autoptr(GBytes) decoded = decode_part (part);

    g_assert_cmpuint (g_bytes_get_size (decoded), ==, 0);
  }

  g_object_unref (parsed);
}

static void
test_display_name_and_special_content_id (Fixture       *fixture,
                                          gconstpointer  data)
{
  const char *long_name = "第一季度销售报告 2026 年 final version (copy).pdf";
  g_autoptr(SatchelMessage) message = new_message ("Names", "Text");
  g_autofree char *raw = NULL;
  g_autofree char *file = make_file (fixture, "a.txt", "plain text\n", 11);
  g_autofree char *image = make_file (fixture, "my picture.png", "\x89PNG\r\n\x1a\n", 8);
  g_autoptr(GBytes) bytes = NULL;
  GMimeMessage *parsed;
  GMimeObject *top, *related, *part;

  satchel_message_set_html (message, "<img src=\"cid:my%20picture.png\">");
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, file, "Ünïcödé notes.txt");
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, file, long_name);
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE, image, NULL);
  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);

  parsed = parse_back (bytes);
  top = g_mime_message_get_mime_part (parsed);
  part = find_by_filename (GMIME_MULTIPART (top), "Ünïcödé notes.txt");
  g_assert_nonnull (part);
  assert_mime_type (part, "text/plain");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (part, "name"), ==,
                   "Ünïcödé notes.txt");

  /* The whole name= value is encoded words, folded between them, even
   * its ASCII words: mail programs that read only name= expect that. */
  part = find_by_filename (GMIME_MULTIPART (top), long_name);
  g_assert_nonnull (part);
  assert_mime_type (part, "application/pdf");
  g_assert_cmpstr (g_mime_object_get_content_type_parameter (part, "name"), ==, long_name);
  raw = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  {
    const char *start = strstr (raw, "Content-Type: application/pdf;\r\n\tname=\"=?UTF-8?B?");
    const char *end;
    g_autofree char *value = NULL;
    g_auto(GStrv) words = NULL;
    g_autoptr(GString) decoded = g_string_new (NULL);

    g_assert_nonnull (start);
    start = strchr (start, '"') + 1;
    end = strchr (start, '"');
    value = g_strndup (start, end - start);
    words = g_strsplit (value, "\r\n\t", -1);
    g_assert_cmpuint (g_strv_length (words), >, 1);
    for (guint i = 0; words[i] != NULL; i++)
      {
        gsize len;
        g_autofree char *inner = NULL;
        g_autofree guchar *bytes_of_word = NULL;

        g_assert_true (g_str_has_prefix (words[i], "=?UTF-8?B?"));
        g_assert_true (g_str_has_suffix (words[i], "?="));
        g_assert_cmpuint (strlen (words[i]), <=, 75);
        inner = g_strndup (words[i] + 10, strlen (words[i]) - 12);
        bytes_of_word = g_base64_decode (inner, &len);
        /* Each word holds whole characters. */
        g_assert_true (g_utf8_validate ((const char *) bytes_of_word, len, NULL));
        g_string_append_len (decoded, (const char *) bytes_of_word, len);
      }
    g_assert_cmpstr (decoded->str, ==, long_name);
  }

  related = g_mime_multipart_get_part (GMIME_MULTIPART (top), 0);
  part = g_mime_multipart_get_part (GMIME_MULTIPART (related), 1);
  g_assert_cmpstr (g_mime_object_get_content_id (part), ==, "my%20picture.png");
  g_object_unref (parsed);
}

/* Writes @mime with @options (NULL: GMime's defaults, LF). */
static GBytes *
write_with_options (GMimeObject        *object,
                    GMimeFormatOptions *options)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_assert_cmpint (g_mime_object_write_to_stream (object, options, stream), >=, 0);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

/* Attachments are base64-encoded by Satchel's own encoder, straight from
 * the file in large blocks: its output must be the very bytes GMime's
 * encoder gives (76-character lines, the last one padded, nothing for an
 * empty file), with CRLF and with LF, at every length that ends a line,
 * a 3-octet group or a read block (16384 lines of 57 octets) early, on
 * time or late. */
static void
test_attachment_encoding_matches_gmime (Fixture       *fixture,
                                        gconstpointer  data)
{
  static const gsize block = 16384 * 57;
  const gsize sizes[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 54, 55, 56, 57, 58, 59, 60,
                          113, 114, 115, 171, 1000, block - 1, block, block + 1,
                          block + 57, 2 * block + 58 };
  g_autofree guchar *content = g_malloc (2 * block + 58);
  guint32 seed = 4;

  for (gsize i = 0; i < 2 * block + 58; i++)
    {
      seed = seed * 1103515245 + 12345;
      content[i] = seed >> 24;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(SatchelMessage) message = new_message ("Encoding", "Body");
      g_autofree char *name = g_strdup_printf ("file-%" G_GSIZE_FORMAT ".bin", sizes[i]);
      g_autofree char *path = make_file (fixture, name, content, sizes[i]);
      g_autoptr(GError) error = NULL;
      GMimeFormatOptions *dos = g_mime_format_options_new ();
      GMimeMessage *mime;
      GMimeObject *part;
      GMimeStream *memory;
      GMimeDataWrapper *wrapper;

      g_mime_format_options_set_newline_format (dos, GMIME_NEWLINE_FORMAT_DOS);
      satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, path, NULL);
      mime = satchel_mime_build (message, &error);
      g_assert_no_error (error);
      part = g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (mime)), 1);
      g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (part)), ==,
                       GMIME_CONTENT_ENCODING_BASE64);

      {
        g_autoptr(GBytes) ours_dos = write_with_options (GMIME_OBJECT (mime), dos);
        g_autoptr(GBytes) ours_unix = write_with_options (part, NULL);
        g_autoptr(GBytes) theirs_dos = NULL;
        g_autoptr(GBytes) theirs_unix = NULL;
        g_autoptr(GBytes) wire = NULL;

        /* The same part over a memory stream: GMime's own encoder. */
        memory = g_mime_stream_mem_new_with_buffer ((const char *) content, sizes[i]);
        wrapper = g_mime_data_wrapper_new_with_stream (memory, GMIME_CONTENT_ENCODING_DEFAULT);
        g_mime_part_set_content (GMIME_PART (part), wrapper);
        g_object_unref (wrapper);
        g_object_unref (memory);
        theirs_dos = write_with_options (GMIME_OBJECT (mime), dos);
        theirs_unix = write_with_options (part, NULL);

        g_assert_cmpmem (g_bytes_get_data (ours_dos, NULL), g_bytes_get_size (ours_dos),
                         g_bytes_get_data (theirs_dos, NULL), g_bytes_get_size (theirs_dos));
        g_assert_cmpmem (g_bytes_get_data (ours_unix, NULL), g_bytes_get_size (ours_unix),
                         g_bytes_get_data (theirs_unix, NULL), g_bytes_get_size (theirs_unix));
        assert_wire_form (ours_dos, TRUE);
      }

      g_mime_format_options_free (dos);
      g_object_unref (mime);
      g_unlink (path);
    }
}

/* The written message decodes to the file, and satchel_mime_write() counts
 * every byte, across several read blocks. */
static void
test_attachment_round_trip (Fixture       *fixture,
                            gconstpointer  data)
{
  const gsize size = 3 * 16384 * 57 + 1234;
  g_autofree guchar *content = g_malloc (size);
  g_autoptr(SatchelMessage) message = new_message ("Round trip", "Body");
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GMimeMessage *parsed;
  GMimeObject *part;
  guint32 seed = 7;

  for (gsize i = 0; i < size; i++)
    {
      seed = seed * 1103515245 + 12345;
      content[i] = seed >> 24;
    }
  path = make_file (fixture, "round-trip.bin", content, size);
  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, path, NULL);
  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);

  parsed = parse_back (bytes);
  part = find_by_filename (GMIME_MULTIPART (g_mime_message_get_mime_part (parsed)),
                           "round-trip.bin");
  g_assert_nonnull (part);
  {
    g_autoptr(GBytes) decoded = decode_part (part);

    g_assert_cmpmem (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded),
                     content, size);
  }
  g_object_unref (parsed);
}

static void
test_long_headers (void)
{
  g_autofree char *word = g_strnfill (1500, 'x');
  g_autoptr(GString) words = g_string_new (NULL);
  g_autoptr(GString) chinese = g_string_new (NULL);
  const char *subjects[3];

  for (guint i = 0; i < 300; i++)
    g_string_append (words, "word ");
  g_string_append (words, "end");
  for (guint i = 0; i < 400; i++)
    g_string_append (chinese, "邮件");
  subjects[0] = word;
  subjects[1] = words->str;
  subjects[2] = chinese->str;

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      g_autoptr(SatchelMessage) message = new_message (subjects[i], "Body");
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *note = g_strdup_printf ("X-Long: %s", words->str);
      GMimeMessage *parsed;

      g_autofree char *long_word = g_strdup_printf ("X-Word: %s", word);
      g_autofree char *long_name = g_strdup_printf ("\"%s\" <long@example.com>", word);
      g_autoptr(SatchelAddress) to = parse (long_name);

      g_assert_true (satchel_message_add_header_line (message, note, &error));
      g_assert_true (satchel_message_add_header_line (message, long_word, &error));
      g_assert_no_error (error);
      satchel_message_add_to (message, to);
      bytes = build_and_write (message);
      assert_wire_form (bytes, TRUE);
      parsed = parse_back (bytes);
      g_assert_cmpstr (g_mime_message_get_subject (parsed), ==, subjects[i]);
      g_object_unref (parsed);
    }
}

static void
test_extra_headers (void)
{
  g_autoptr(SatchelMessage) message = new_message ("Extra", "Body");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *headers = NULL;
  GMimeMessage *parsed;

  g_assert_true (satchel_message_add_header_line (message, "X-Mailer-Note: 你好, world", &error));
  g_assert_true (satchel_message_add_header_line (message, "User-Agent: git-send-email 2.39", &error));
  g_assert_no_error (error);

  g_assert_false (satchel_message_add_header_line (message, "Bcc: spy@example.com", &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (satchel_message_add_header_line (message, "content-transfer-encoding: 8bit",
                                                   &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (satchel_message_add_header_line (message, "X-Evil: a\r\nBcc: spy@example.com",
                                                   &error));
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_HEADER_INJECTION);
  g_clear_error (&error);

  bytes = build_and_write (message);
  assert_wire_form (bytes, TRUE);
  headers = header_block (bytes);
  g_assert_false (has_header (headers, "Bcc"));
  g_assert_null (strstr (headers, "spy@"));
  g_assert_nonnull (strstr (headers, "\r\nUser-Agent: git-send-email 2.39\r\n"));
  g_assert_null (strstr (headers, "Satchel/"));

  parsed = parse_back (bytes);
  {
    g_autofree char *decoded =
      g_mime_utils_header_decode_text (NULL, g_mime_object_get_header (GMIME_OBJECT (parsed),
                                                                       "X-Mailer-Note"));

    g_assert_cmpstr (g_strstrip (decoded), ==, "你好, world");
  }
  g_object_unref (parsed);
}

static void
test_attachment_gone (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SatchelMessage) message = new_message ("Gone", "Body");
  g_autofree char *file = make_file (fixture, "gone.txt", "x", 1);
  g_autoptr(GError) error = NULL;
  GMimeMessage *mime;

  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, file, NULL);
  g_assert_true (satchel_message_validate (message, &error));
  g_unlink (file);

  mime = satchel_mime_build (message, &error);
  g_assert_null (mime);
  g_assert_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "gone.txt"));
}

static void
test_write_error (void)
{
  g_autoptr(SatchelMessage) message = new_message ("Error", "Body");
  g_autoptr(GError) error = NULL;
  GMimeMessage *mime = satchel_mime_build (message, &error);
  GMimeStream *stream;
  int fd;

  /* A full disk under the outbox. */
  g_assert_no_error (error);
  fd = open ("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    {
      g_object_unref (mime);
      g_test_skip ("no /dev/full");
      return;
    }
  stream = g_mime_stream_fs_new (fd);
  g_assert_cmpint (satchel_mime_write (mime, stream, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_object_unref (stream);
  g_object_unref (mime);
}

/* The peak of this process image: VmHWM, which exec resets. ru_maxrss
 * is kept across fork and exec, so a subprocess of a big parent (one
 * running under ASan or valgrind, or after big tests) would report the
 * parent's peak as its own. */
static glong
peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  struct rusage usage;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *hwm = strstr (status, "\nVmHWM:");

      if (hwm != NULL)
        return g_ascii_strtoll (hwm + strlen ("\nVmHWM:"), NULL, 10);
    }

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

/* A big attachment goes through in constant memory. Runs in a fresh
 * subprocess so that the peak is its own; SATCHEL_TEST_ATTACHMENT_MIB
 * sets the size (64 MiB by default, enough to tell streaming from
 * loading while staying fast). */
static void
test_large_attachment_subprocess (void)
{
  const char *size_env = g_getenv ("SATCHEL_TEST_ATTACHMENT_MIB");
  gint64 size = (size_env != NULL ? g_ascii_strtoll (size_env, NULL, 10) : 64) * 1024 * 1024;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("satchel-big-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "big.bin", NULL);
  g_autoptr(SatchelMessage) message = new_message ("Big", "A big file.");
  GMimeMessage *mime;
  GMimeStream *sink;
  glong before, after;
  gint64 written, start, elapsed;
  int fd;

  if (!g_test_subprocess ())
    {
      g_test_skip ("runs only in a subprocess of /satchel/mime/large-attachment");
      return;
    }

  g_assert_no_error (error);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  close (fd);

  satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, path, NULL);
  mime = satchel_mime_build (message, &error);
  g_assert_no_error (error);

  sink = g_mime_stream_fs_new (open ("/dev/null", O_WRONLY | O_CLOEXEC));
  before = peak_rss_kib ();
  start = g_get_monotonic_time ();
  written = satchel_mime_write (mime, sink, &error);
  elapsed = g_get_monotonic_time () - start;
  after = peak_rss_kib ();
  g_assert_no_error (error);

  g_printerr ("attachment %" G_GINT64_FORMAT " MiB: %" G_GINT64_FORMAT " bytes written in "
              "%.2f s; peak RSS %ld KiB before, %ld KiB after\n",
              size / (1024 * 1024), written, elapsed / 1e6, before, after);
  /* base64 with CRLF every 76 characters: 4/3 * 78/76 of the file. */
  g_assert_cmpint (written, >, size * 4 / 3);
  g_assert_cmpint (after, <, 30 * 1024);

  g_object_unref (sink);
  g_object_unref (mime);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_large_attachment (void)
{
  g_test_trap_subprocess ("/satchel/mime/large-attachment/subprocess", 0,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* Sendmail mode --------------------------------------------------------- */

typedef struct
{
  gint64          written;
  GBytes         *output;
  GPtrArray      *recipients;
  SatchelAddress *from;
  char           *subject;
  gboolean        needs_8bit;
  gboolean        needs_smtputf8;
  GError         *error;
} SendmailResult;

static void
sendmail_result_free (SendmailResult *result)
{
  g_clear_pointer (&result->output, g_bytes_unref);
  g_clear_pointer (&result->recipients, g_ptr_array_unref);
  g_clear_pointer (&result->from, satchel_address_free);
  g_clear_pointer (&result->subject, g_free);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SendmailResult, sendmail_result_free)

static SendmailResult *
run_sendmail (const char *input,
              gssize      input_len,
              gboolean    take_recipients,
              const char *default_from,
              const char *full_name)
{
  SendmailResult *result = g_new0 (SendmailResult, 1);
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(SatchelAddress) from = default_from != NULL ? parse (default_from) : NULL;

  if (input_len < 0)
    input_len = strlen (input);
  in = g_memory_input_stream_new_from_data (g_memdup2 (input, input_len), input_len, g_free);

  result->recipients = g_ptr_array_new_with_free_func (g_free);
  result->written = satchel_mime_read_sendmail (in, out, take_recipients, from, full_name,
                                                result->recipients, &result->from,
                                                &result->subject, &result->needs_8bit,
                                                &result->needs_smtputf8, NULL,
                                                &result->error);
  g_output_stream_close (out, NULL, NULL);
  result->output = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
  if (result->written >= 0)
    g_assert_cmpint (result->written, ==, g_bytes_get_size (result->output));
  return result;
}

static char *
output_string (SendmailResult *result)
{
  return g_strndup (g_bytes_get_data (result->output, NULL), g_bytes_get_size (result->output));
}

static void
test_sendmail_basic (void)
{
  const char *input =
    "To: Ann <ann@example.com>, bob@bücher.example\n"
    "Cc: \"Smith, Carol\" <carol@example.org>,\n"
    "\tANN@example.com\n"
    "Bcc: hidden@example.net,\n"
    "  other-hidden@example.net\n"
    "Subject: =?UTF-8?B?5oql5ZGK?= weekly\n"
    "X-Mailer: test\n"
    "\n"
    "Line one\n"
    "Line two\r\n"
    "\n"
    "Last line without end";
  g_autoptr(SendmailResult) result = run_sendmail (input, -1, TRUE, "me@example.com", "张伟");
  g_autofree char *output = NULL;
  g_autofree char *headers = NULL;
  GMimeMessage *parsed;

  g_assert_no_error (result->error);
  output = output_string (result);
  /* The raw UTF-8 domain in To stays as it was. */
  assert_wire_form (result->output, FALSE);
  headers = header_block (result->output);

  g_assert_false (has_header (headers, "Bcc"));
  g_assert_null (strstr (output, "hidden@"));
  g_assert_true (has_header (headers, "Date"));
  g_assert_true (has_header (headers, "Message-ID"));
  g_assert_true (has_header (headers, "From"));
  g_assert_nonnull (strstr (headers, "@example.com>\r\n"));
  g_assert_nonnull (strstr (headers, "Cc: \"Smith, Carol\" <carol@example.org>,\r\n"
                                     "\tANN@example.com\r\n"));
  g_assert_true (g_str_has_suffix (output, "\r\n\r\nLine one\r\nLine two\r\n\r\n"
                                   "Last line without end\r\n"));

  g_assert_cmpuint (result->recipients->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (result->recipients, 0), ==, "ann@example.com");
  g_assert_cmpstr (g_ptr_array_index (result->recipients, 1), ==, "bob@xn--bcher-kva.example");
  g_assert_cmpstr (g_ptr_array_index (result->recipients, 2), ==, "carol@example.org");
  g_assert_cmpstr (g_ptr_array_index (result->recipients, 3), ==, "hidden@example.net");
  g_assert_cmpstr (g_ptr_array_index (result->recipients, 4), ==, "other-hidden@example.net");

  g_assert_nonnull (result->from);
  g_assert_cmpstr (result->from->name, ==, "张伟");
  g_assert_cmpstr (result->from->local_part, ==, "me");
  g_assert_cmpstr (result->subject, ==, "报告 weekly");
  g_assert_false (result->needs_8bit);
  /* Raw UTF-8 in To. */
  g_assert_true (result->needs_smtputf8);

  parsed = parse_back (result->output);
  {
    InternetAddress *from = internet_address_list_get_address (g_mime_message_get_from (parsed), 0);

    g_assert_cmpstr (internet_address_get_name (from), ==, "张伟");
    g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (from)), ==,
                     "me@example.com");
  }
  g_assert_true (g_str_has_suffix (g_mime_message_get_message_id (parsed), "@example.com"));
  g_object_unref (parsed);
}

static void
test_sendmail_keeps_headers (void)
{
  const char *input =
    "From: Ann <ann@example.com>\r\n"
    "To: bob@example.com\r\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
    "Message-ID: <abc@example.com>\r\n"
    "BCC: spy@example.com\r\n"
    "Subject: plain\r\n"
    "\r\n"
    "Body\r\n";
  g_autoptr(SendmailResult) result = run_sendmail (input, -1, FALSE, "me@example.com", NULL);
  g_autofree char *output = NULL;

  g_assert_no_error (result->error);
  output = output_string (result);
  assert_wire_form (result->output, TRUE);

  /* Without -t, no recipients come from the headers, but Bcc still goes. */
  g_assert_cmpuint (result->recipients->len, ==, 0);
  g_assert_cmpstr (output, ==,
                   "From: Ann <ann@example.com>\r\n"
                   "To: bob@example.com\r\n"
                   "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
                   "Message-ID: <abc@example.com>\r\n"
                   "Subject: plain\r\n"
                   "\r\n"
                   "Body\r\n");
  g_assert_cmpstr (result->from->name, ==, "Ann");
  g_assert_cmpstr (result->from->local_part, ==, "ann");
  g_assert_cmpstr (result->subject, ==, "plain");
  g_assert_false (result->needs_8bit);
  g_assert_false (result->needs_smtputf8);
}

static void
test_sendmail_recipients_dedup (void)
{
  const char *input =
    "To: a@example.com, undisclosed-recipients:;\n"
    "Cc: Team: b@example.com, A@EXAMPLE.COM;\n"
    "\n"
    "x\n";
  SatchelAddress *from = parse ("me@example.com");
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (input, -1, NULL);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  /* Arguments given before -t's are kept, and not repeated. */
  g_ptr_array_add (recipients, g_strdup ("b@example.com"));
  g_assert_cmpint (satchel_mime_read_sendmail (in, out, TRUE, from, NULL, recipients,
                                               NULL, NULL, NULL, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (recipients->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (recipients, 0), ==, "b@example.com");
  g_assert_cmpstr (g_ptr_array_index (recipients, 1), ==, "a@example.com");
  satchel_address_free (from);
}

static void
test_sendmail_8bit (void)
{
  const char *input =
    "From: 张伟 <zw@example.com>\n"
    "To: a@example.com\n"
    "Subject: 你好\n"
    "\n"
    "正文\n";
  g_autoptr(SendmailResult) result = run_sendmail (input, -1, TRUE, NULL, NULL);

  g_assert_no_error (result->error);
  assert_wire_form (result->output, FALSE);
  g_assert_true (result->needs_8bit);
  g_assert_true (result->needs_smtputf8);
  g_assert_cmpstr (result->subject, ==, "你好");
  g_assert_cmpstr (result->from->name, ==, "张伟");

  {
    g_autoptr(SendmailResult) ascii_headers =
      run_sendmail ("To: a@example.com\n\nCaf\xc3\xa9\n", -1, TRUE, "me@example.com", NULL);

    g_assert_no_error (ascii_headers->error);
    g_assert_true (ascii_headers->needs_8bit);
    g_assert_false (ascii_headers->needs_smtputf8);
  }
}

static void
test_sendmail_headers_only (void)
{
  g_autoptr(SendmailResult) result = run_sendmail ("To: a@example.com\nSubject: x", -1, TRUE,
                                                   "me@example.com", NULL);
  g_autofree char *output = NULL;

  g_assert_no_error (result->error);
  output = output_string (result);
  assert_wire_form (result->output, TRUE);
  g_assert_true (g_str_has_suffix (output, "\r\n\r\n"));
  g_assert_nonnull (strstr (output, "Subject: x\r\n"));
}

static void
test_sendmail_mbox_separator (void)
{
  const char *input =
    "From 1234567890abcdef Mon Sep 17 00:00:00 2001\n"
    "From: Ann <ann@example.com>\n"
    "To: b@example.com\n"
    "Subject: [PATCH] fix\n"
    "\n"
    "diff\n";
  g_autoptr(SendmailResult) result = run_sendmail (input, -1, TRUE, NULL, NULL);
  g_autofree char *output = NULL;

  g_assert_no_error (result->error);
  output = output_string (result);
  g_assert_true (g_str_has_prefix (output, "From: Ann <ann@example.com>\r\n"));
  g_assert_cmpuint (result->recipients->len, ==, 1);
}

static void
test_sendmail_invalid (void)
{
  g_autofree char *long_line = NULL;
  g_autofree char *long_body_line = NULL;
  g_autofree char *max_line = NULL;
  const struct
  {
    const char *input;
    gboolean    take_recipients;
  } cases[] = {
    { "", FALSE },
    { "\nBody only\n", FALSE },
    { "Hello, this is just text\n\nand more\n", FALSE },
    { " continuation first: x\n\n", FALSE },
    { "To: a@example.com\nnot a header\n\nbody\n", FALSE },
    { "To: not-an-address\n\nbody\n", TRUE },
    { "To: a@example.com\nFrom: nobody\n\nbody\n", FALSE },
    { "To: a@example.com\nX-Null: a\0b\n\n", FALSE },
  };
  GString *text = g_string_new ("X-Long: ");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SendmailResult) result = NULL;
      gsize len = strlen (cases[i].input);

      if (i == G_N_ELEMENTS (cases) - 1)
        len = strlen ("To: a@example.com\nX-Null: a") + 1 + strlen ("b\n\n");
      result = run_sendmail (cases[i].input, len, cases[i].take_recipients,
                             "me@example.com", NULL);
      g_test_message ("sendmail input %u: %s", i,
                      result->error != NULL ? result->error->message : "(no error)");
      g_assert_cmpint (result->written, ==, -1);
      g_assert_error (result->error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
    }

  /* 998 octets is the limit, whatever the line end. */
  while (text->len < 998)
    g_string_append_c (text, 'x');
  max_line = g_strdup_printf ("%s\r\nTo: a@example.com\n\nbody\n", text->str);
  {
    g_autoptr(SendmailResult) result = run_sendmail (max_line, -1, FALSE, "me@example.com", NULL);

    g_assert_no_error (result->error);
    assert_wire_form (result->output, TRUE);
  }

  g_string_append_c (text, 'x');
  long_line = g_strdup_printf ("To: a@example.com\n%s\n\nbody\n", text->str);
  {
    g_autoptr(SendmailResult) result = run_sendmail (long_line, -1, FALSE, "me@example.com", NULL);

    g_assert_error (result->error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID);
    g_assert_nonnull (strstr (result->error->message, "998"));
    g_assert_nonnull (strstr (result->error->message, "2"));
  }
  g_string_free (text, TRUE);
}

/* Reference conversion: bare LF and bare CR become CRLF. */
static GString *
expected_crlf (const char *data,
               gsize       len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      if (data[i] == '\r')
        {
          g_string_append (out, "\r\n");
          if (i + 1 < len && data[i + 1] == '\n')
            i++;
        }
      else if (data[i] == '\n')
        g_string_append (out, "\r\n");
      else
        g_string_append_c (out, data[i]);
    }
  if (len > 0 && data[len - 1] != '\n' && data[len - 1] != '\r')
    g_string_append (out, "\r\n");
  return out;
}

static void
test_sendmail_block_boundaries (void)
{
  /* CRLF, LF and lone CR at every offset around the 64 KiB blocks. */
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) input = g_string_new ("To: a@example.com\nSubject: big\n\n");
  g_autoptr(GString) expected = NULL;
  g_autoptr(SendmailResult) result = NULL;
  gsize header_len = input->len;
  gsize len;
  const char *data;
  static const char * const ends[] = { "\r\n", "\n", "\r", "\r\n\r\n", "\n\n" };
  guint32 seed = 42;

  while (body->len < 300 * 1024)
    {
      guint n = (seed = seed * 1103515245 + 12345) % 97;

      for (guint i = 0; i < n; i++)
        g_string_append_c (body, 'a' + i % 26);
      g_string_append (body, ends[(seed >> 8) % G_N_ELEMENTS (ends)]);
    }
  g_string_append (body, "end\r");
  g_string_append_len (input, body->str, body->len);

  result = run_sendmail (input->str, input->len, TRUE, "me@example.com", NULL);
  g_assert_no_error (result->error);
  assert_wire_form (result->output, TRUE);

  data = g_bytes_get_data (result->output, &len);
  expected = expected_crlf (body->str, body->len);
  {
    const char *start = g_strstr_len (data, len, "\r\n\r\n");

    g_assert_nonnull (start);
    start += 4;
    g_assert_cmpmem (start, len - (start - data), expected->str, expected->len);
  }
  g_assert_cmpuint (header_len, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  /* Content types come from the system's MIME database, which
   * G_TEST_OPTION_ISOLATE_DIRS would hide. */
  g_content_type_set_mime_dirs (NULL);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  satchel_mime_init ();

  g_test_add_func ("/satchel/mime/plain", test_plain);
  g_test_add_func ("/satchel/mime/text-encodings", test_text_encodings);
  g_test_add ("/satchel/mime/html-inline", Fixture, NULL,
              fixture_set_up, test_html_inline, fixture_tear_down);
  g_test_add_func ("/satchel/mime/html-only", test_html_only);
  g_test_add ("/satchel/mime/attachments", Fixture, NULL,
              fixture_set_up, test_attachments, fixture_tear_down);
  g_test_add ("/satchel/mime/attachment-names", Fixture, NULL,
              fixture_set_up, test_display_name_and_special_content_id, fixture_tear_down);
  g_test_add ("/satchel/mime/attachment-gone", Fixture, NULL,
              fixture_set_up, test_attachment_gone, fixture_tear_down);
  g_test_add ("/satchel/mime/attachment-encoding", Fixture, NULL,
              fixture_set_up, test_attachment_encoding_matches_gmime, fixture_tear_down);
  g_test_add ("/satchel/mime/attachment-round-trip", Fixture, NULL,
              fixture_set_up, test_attachment_round_trip, fixture_tear_down);
  g_test_add_func ("/satchel/mime/long-headers", test_long_headers);
  g_test_add_func ("/satchel/mime/extra-headers", test_extra_headers);
  g_test_add_func ("/satchel/mime/write-error", test_write_error);
  g_test_add_func ("/satchel/mime/large-attachment", test_large_attachment);
  g_test_add_func ("/satchel/mime/large-attachment/subprocess", test_large_attachment_subprocess);
  g_test_add_func ("/satchel/mime/sendmail/basic", test_sendmail_basic);
  g_test_add_func ("/satchel/mime/sendmail/keeps-headers", test_sendmail_keeps_headers);
  g_test_add_func ("/satchel/mime/sendmail/recipients", test_sendmail_recipients_dedup);
  g_test_add_func ("/satchel/mime/sendmail/8bit", test_sendmail_8bit);
  g_test_add_func ("/satchel/mime/sendmail/headers-only", test_sendmail_headers_only);
  g_test_add_func ("/satchel/mime/sendmail/mbox-separator", test_sendmail_mbox_separator);
  g_test_add_func ("/satchel/mime/sendmail/invalid", test_sendmail_invalid);
  g_test_add_func ("/satchel/mime/sendmail/block-boundaries", test_sendmail_block_boundaries);

  return g_test_run ();
}
