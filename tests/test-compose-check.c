/* test-compose-check.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "satchel-compose-check.h"

static void
assert_mentions (const char *subject,
                 const char *body,
                 const char *signature)
{
  g_test_message ("subject “%s”, body “%s”", subject, body);
  g_assert_true (satchel_compose_mentions_attachment (subject, body, signature));
}

static void
assert_no_mention (const char *subject,
                   const char *body,
                   const char *signature)
{
  g_test_message ("subject “%s”, body “%s”", subject, body);
  g_assert_false (satchel_compose_mentions_attachment (subject, body, signature));
}

static void
test_check_subject (void)
{
  assert_mentions ("Report attached", "", NULL);
  assert_mentions ("Invoice (see attachment)", NULL, NULL);
  assert_mentions ("Re: the enclosed contract", "Thanks.", NULL);
  assert_no_mention ("Lunch on Friday?", "", NULL);
  assert_no_mention (NULL, NULL, NULL);
  assert_no_mention ("", "", "");
}

static void
test_check_body (void)
{
  assert_mentions ("Report", "Hi Bob,\n\nplease find the report attached.\n", NULL);
  assert_mentions ("", "I'm attaching the photos.", NULL);
  assert_mentions ("", "Two attachments follow.", NULL);
  assert_mentions ("", "Enclosure: contract.pdf", NULL);
  assert_mentions ("", "(attached) and re-attached", NULL);
  assert_mentions ("", "first line\nattach\nlast line", NULL);
  assert_no_mention ("Report", "Hi Bob,\n\nsee you tomorrow.\n", NULL);
}

/* The same words in any case and width. */
static void
test_check_case (void)
{
  assert_mentions ("", "SEE ATTACHED", NULL);
  assert_mentions ("", "The Attachment is big.", NULL);
  assert_mentions ("", "EnClOsEd you will find it.", NULL);
  assert_mentions ("", "ａｔｔａｃｈｅｄ", NULL);
}

/* Words that only contain the letters: not a mention. */
static void
test_check_boundaries (void)
{
  assert_no_mention ("A detached house", "The detachment left; reattaching is "
                     "not a word here; unenclosed fields.", NULL);
  assert_no_mention ("", "no: at tach ed, en-closed, attac", NULL);
  assert_mentions ("", "This is attached.", NULL);
}

/* Quoted lines are the other person's words, even nested or indented. */
static void
test_check_quoted (void)
{
  assert_no_mention ("Re: report",
                     "Thanks, got it.\n"
                     "\n"
                     "On Monday, Ann wrote:\n"
                     "> I have attached the report.\n"
                     "> > Please send the attachment.\n"
                     ">> enclosed\n"
                     "  > indented: attach\n"
                     "＞ 附件在这里\n",
                     NULL);
  assert_mentions ("Re: report",
                   "> Did you get it?\n"
                   "Here it is, attached.\n",
                   NULL);
}

/* The signature does not count: after a "-- " line, or the account's
 * signature text wherever the window put it. */
static void
test_check_signature (void)
{
  const char *signature = "Ann Smith\nAttachments are scanned for viruses.";

  assert_no_mention ("Hello", "Hi Bob,\n\nsee you.\n-- \nAnn\nAttachments are scanned.\n",
                     NULL);
  assert_no_mention ("Hello", "Hi Bob,\n\nsee you.\n--\n附件已扫描\n", NULL);
  assert_mentions ("Hello", "See the attachment.\n-- \nAnn\n", NULL);

  assert_no_mention ("Hello", "Hi Bob,\n\nsee you.\n\nAnn Smith\n"
                              "Attachments are scanned for viruses.\n", signature);
  /* Without telling which text is the signature, it counts. */
  assert_mentions ("Hello", "Hi Bob,\n\nsee you.\n\nAnn Smith\n"
                            "Attachments are scanned for viruses.\n", NULL);
  /* A signature above the quote (top posting). */
  assert_no_mention ("Re: hi", "Sure.\n\nAnn Smith\nAttachments are scanned for "
                               "viruses.\n\n> hi\n", signature);
  /* Text outside the signature still counts. */
  assert_mentions ("Hello", "Photos attached.\n\nAnn Smith\n"
                            "Attachments are scanned for viruses.\n", signature);
  /* A blank signature changes nothing. */
  assert_mentions ("Hello", "Photos attached.", " \n ");
}

/* Chinese words count whatever the language, anywhere in a sentence. */
static void
test_check_chinese (void)
{
  assert_mentions ("", "请查收附件。", NULL);
  assert_mentions ("", "我附上了报告", NULL);
  assert_mentions ("合同随附", "", NULL);
  assert_mentions ("", "附加文件见下", NULL);
  assert_mentions ("关于附件的问题", "", NULL);
  assert_no_mention ("周五午餐", "明天见。", NULL);
  assert_no_mention ("回复：报告", "收到。\n> 附件在这里\n", NULL);
}

/* What GMime writes for @raw bytes as a base64 attachment, in the
 * wire form (CRLF): the part's body only. */
static guint64
gmime_encoded_size (guint64 raw)
{
  g_autofree guchar *data = g_malloc (MAX (raw, 1));
  GMimeFormatOptions *options = g_mime_format_options_new ();
  GMimePart *part = g_mime_part_new_with_type ("application", "octet-stream");
  GMimeStream *content;
  GMimeDataWrapper *wrapper;
  GMimeStream *out = g_mime_stream_mem_new ();
  GByteArray *bytes;
  const char *body;
  guint64 size;

  for (guint64 i = 0; i < raw; i++)
    data[i] = (guchar) g_random_int ();

  content = g_mime_stream_mem_new_with_buffer ((const char *) data, raw);
  wrapper = g_mime_data_wrapper_new_with_stream (content, GMIME_CONTENT_ENCODING_DEFAULT);
  g_mime_part_set_content (part, wrapper);
  g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  g_mime_object_write_to_stream (GMIME_OBJECT (part), options, out);

  bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
  body = g_strstr_len ((const char *) bytes->data, bytes->len, "\r\n\r\n");
  g_assert_nonnull (body);
  body += 4;
  size = bytes->len - (body - (const char *) bytes->data);

  g_object_unref (out);
  g_object_unref (wrapper);
  g_object_unref (content);
  g_object_unref (part);
  g_mime_format_options_free (options);
  return size;
}

static void
test_encoded_size (void)
{
  const guint64 sizes[] = { 0, 1, 2, 3, 4, 56, 57, 58, 113, 114, 115, 171,
                            1000, 4096, 65537, 1000000, 3 * 1024 * 1024 + 1 };

  /* The arithmetic: 4 characters for each 3 bytes, CRLF every 76. */
  g_assert_cmpuint (satchel_compose_encoded_size (0), ==, 0);
  g_assert_cmpuint (satchel_compose_encoded_size (1), ==, 4 + 2);
  g_assert_cmpuint (satchel_compose_encoded_size (3), ==, 4 + 2);
  g_assert_cmpuint (satchel_compose_encoded_size (57), ==, 76 + 2);
  g_assert_cmpuint (satchel_compose_encoded_size (58), ==, 80 + 4);
  g_assert_cmpuint (satchel_compose_encoded_size (G_GUINT64_CONSTANT (1) << 30), ==,
                    G_GUINT64_CONSTANT (1469330920));
  /* About 1.37 times, as the window says. */
  g_assert_cmpfloat ((double) satchel_compose_encoded_size (1000000) / 1000000, >, 1.36);
  g_assert_cmpfloat ((double) satchel_compose_encoded_size (1000000) / 1000000, <, 1.38);

  g_mime_init ();
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_test_message ("%" G_GUINT64_FORMAT " bytes", sizes[i]);
      g_assert_cmpuint (satchel_compose_encoded_size (sizes[i]), ==,
                        gmime_encoded_size (sizes[i]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/compose-check/subject", test_check_subject);
  g_test_add_func ("/satchel/compose-check/body", test_check_body);
  g_test_add_func ("/satchel/compose-check/case", test_check_case);
  g_test_add_func ("/satchel/compose-check/boundaries", test_check_boundaries);
  g_test_add_func ("/satchel/compose-check/quoted", test_check_quoted);
  g_test_add_func ("/satchel/compose-check/signature", test_check_signature);
  g_test_add_func ("/satchel/compose-check/chinese", test_check_chinese);
  g_test_add_func ("/satchel/compose-check/encoded-size", test_encoded_size);

  return g_test_run ();
}
