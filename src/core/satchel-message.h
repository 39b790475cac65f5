/* satchel-message.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-address.h"

G_BEGIN_DECLS

/* The composed message model: what the user typed and which files they
 * chose. It holds paths, not file contents; satchel-mime.h turns it into
 * MIME, reading the files while writing. */

typedef enum
{
  SATCHEL_ATTACHMENT_FILE,   /* a multipart/mixed attachment */
  SATCHEL_ATTACHMENT_INLINE, /* a multipart/related part, Content-ID = base name */
} SatchelAttachmentKind;

#define SATCHEL_TYPE_MESSAGE (satchel_message_get_type ())
G_DECLARE_FINAL_TYPE (SatchelMessage, satchel_message, SATCHEL, MESSAGE, GObject)

SatchelMessage *satchel_message_new              (void);

void            satchel_message_set_from         (SatchelMessage       *self,
                                                  const SatchelAddress *from);
const SatchelAddress *satchel_message_get_from   (SatchelMessage       *self);

/* Each takes one address; the lists keep the order of the calls.
 * (transfer none) GPtrArray of SatchelAddress. */
void            satchel_message_add_to           (SatchelMessage       *self,
                                                  const SatchelAddress *address);
void            satchel_message_add_cc           (SatchelMessage       *self,
                                                  const SatchelAddress *address);
void            satchel_message_add_bcc          (SatchelMessage       *self,
                                                  const SatchelAddress *address);
void            satchel_message_add_reply_to     (SatchelMessage       *self,
                                                  const SatchelAddress *address);
GPtrArray      *satchel_message_get_to           (SatchelMessage       *self);
GPtrArray      *satchel_message_get_cc           (SatchelMessage       *self);
GPtrArray      *satchel_message_get_bcc          (SatchelMessage       *self);
GPtrArray      *satchel_message_get_reply_to     (SatchelMessage       *self);

/* The envelope recipients: To, Cc and Bcc, each address once, in order.
 * Newly allocated array of envelope strings (satchel_address_to_envelope). */
GPtrArray      *satchel_message_dup_envelope_recipients (SatchelMessage *self);

void            satchel_message_set_subject      (SatchelMessage       *self,
                                                  const char           *subject);
const char     *satchel_message_get_subject      (SatchelMessage       *self);
/* The text/plain body (UTF-8). */
void            satchel_message_set_body         (SatchelMessage       *self,
                                                  const char           *text);
const char     *satchel_message_get_body         (SatchelMessage       *self);
/* The text/html body (UTF-8), or NULL for plain text only. */
void            satchel_message_set_html         (SatchelMessage       *self,
                                                  const char           *html);
const char     *satchel_message_get_html         (SatchelMessage       *self);

/* @display_name: the file name the recipient sees, or NULL for the base
 * name of @path. */
void            satchel_message_add_attachment   (SatchelMessage       *self,
                                                  SatchelAttachmentKind kind,
                                                  const char           *path,
                                                  const char           *display_name);
guint           satchel_message_get_n_attachments (SatchelMessage      *self);
void            satchel_message_get_attachment   (SatchelMessage       *self,
                                                  guint                 index,
                                                  SatchelAttachmentKind *kind,
                                                  const char          **path,
                                                  const char          **display_name);

/* An extra header given as "Name: value" (CLI --header). Refuses
 * CR/LF, a name that is not printable ASCII without ':' or spaces, and
 * the headers Satchel writes itself (From, To, Cc, Bcc, Subject, Date,
 * Message-ID, MIME-Version, Content-*). */
gboolean        satchel_message_add_header_line  (SatchelMessage       *self,
                                                  const char           *line,
                                                  GError              **error);
/* (transfer none) GPtrArray of "Name: value" strings. */
GPtrArray      *satchel_message_get_extra_headers (SatchelMessage      *self);

/* Checks everything before encoding: a From, at least one recipient,
 * no CR/LF in the subject, every attachment a readable regular file
 * (SATCHEL_MESSAGE_ERROR_FILE naming it). */
gboolean        satchel_message_validate         (SatchelMessage       *self,
                                                  GError              **error);

/* TRUE when an address of the message has a non-ASCII local part. */
gboolean        satchel_message_needs_smtputf8   (SatchelMessage       *self);

G_END_DECLS
