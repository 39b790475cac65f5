/* satchel-smtp-reply.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Caps that keep a hostile server from growing our memory: a reply line
 * longer than SATCHEL_SMTP_MAX_LINE or a reply of more than
 * SATCHEL_SMTP_MAX_LINES lines is a protocol error. */
#define SATCHEL_SMTP_MAX_LINE  4096
#define SATCHEL_SMTP_MAX_LINES 256

/* One complete SMTP reply. */
typedef struct
{
  guint  code;      /* 3-digit code */
  char  *enhanced;  /* "5.7.8" (RFC 3463) when present, else NULL */
  char  *text;      /* the lines' text joined by '\n', enhanced code removed */
} SatchelSmtpReply;

#define SATCHEL_TYPE_SMTP_REPLY (satchel_smtp_reply_get_type ())
GType             satchel_smtp_reply_get_type (void);
SatchelSmtpReply *satchel_smtp_reply_copy     (const SatchelSmtpReply *self);
void              satchel_smtp_reply_free     (SatchelSmtpReply       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelSmtpReply, satchel_smtp_reply_free)

/* Incremental parser fed one line at a time (without CRLF). */
typedef struct _SatchelSmtpReplyParser SatchelSmtpReplyParser;

SatchelSmtpReplyParser *satchel_smtp_reply_parser_new  (void);
void                    satchel_smtp_reply_parser_free (SatchelSmtpReplyParser *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelSmtpReplyParser, satchel_smtp_reply_parser_free)

/* Feeds a line. Returns TRUE with *@reply set (transfer full) when the
 * line ends a reply; TRUE with *@reply NULL when more lines are needed;
 * FALSE with SATCHEL_SMTP_ERROR_PROTOCOL on a malformed line (no code,
 * codes differing between lines, a line over SATCHEL_SMTP_MAX_LINE, more
 * than SATCHEL_SMTP_MAX_LINES lines). */
gboolean satchel_smtp_reply_parser_feed (SatchelSmtpReplyParser  *self,
                                         const char              *line,
                                         gsize                    len,
                                         SatchelSmtpReply       **reply,
                                         GError                 **error);

/* The server's words for people: labelled ("the server said: “…”"),
 * control characters escaped, at most @max_chars characters (an ellipsis
 * marks a cut), never markup. Translated label. */
char    *satchel_smtp_reply_quote       (const SatchelSmtpReply *reply,
                                         gsize                   max_chars);

/* What the EHLO reply announced. */
typedef struct
{
  gboolean  starttls;
  gboolean  pipelining;
  gboolean  eightbitmime;
  gboolean  smtputf8;
  gboolean  enhancedstatuscodes;
  gboolean  has_size;
  guint64   size;        /* 0 with has_size: no fixed limit */
  char    **auth;        /* upper-case mechanism names, NULL-terminated, never NULL */
} SatchelSmtpCapabilities;

SatchelSmtpCapabilities *satchel_smtp_capabilities_parse (const SatchelSmtpReply *ehlo_reply);
void                     satchel_smtp_capabilities_free  (SatchelSmtpCapabilities *self);
gboolean                 satchel_smtp_capabilities_has_auth (const SatchelSmtpCapabilities *self,
                                                             const char                    *mechanism);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelSmtpCapabilities, satchel_smtp_capabilities_free)

G_END_DECLS
