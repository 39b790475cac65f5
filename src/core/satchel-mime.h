/* satchel-mime.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gmime/gmime.h>

#include "satchel-address.h"
#include "satchel-message.h"

G_BEGIN_DECLS

/* Call once per process before any other GMime use (idempotent,
 * thread-safe). */
void          satchel_mime_init            (void);

/* Builds the MIME form of @message with GMime 3:
 * - From, To, Cc, Reply-To, Subject, Date, Message-ID (@message_id_domain
 *   from the From address), MIME-Version, User-Agent ("Satchel/VERSION");
 *   no Bcc header, ever;
 * - RFC 2047 for non-ASCII header text, IDN domains as A-labels;
 * - text parts UTF-8, quoted-printable or base64 (7-bit safe, no line over
 *   998 octets);
 * - attachments base64 over a GMimeDataWrapper on a file stream (the file is
 *   read while writing, never loaded whole), content type from
 *   g_content_type_guess, file names as RFC 2231 filename*= and as an
 *   RFC 2047 name= on Content-Type;
 * - structure only as needed: mixed > related > alternative.
 * Call satchel_message_validate() first. (transfer full) */
GMimeMessage *satchel_mime_build           (SatchelMessage  *message,
                                            GError         **error);

/* Writes @message to @stream in wire form: CRLF line ends, not
 * dot-stuffed. Returns the number of bytes written, or -1. */
gint64        satchel_mime_write           (GMimeMessage    *message,
                                            GMimeStream     *stream,
                                            GError         **error);

/* Reads a message in sendmail mode from @input (RFC 5322, LF or CRLF
 * line ends) and writes it to @output in wire form (CRLF), so that it
 * can be queued:
 * - @take_recipients (-t): the To, Cc and Bcc addresses are added to
 *   @recipients (envelope strings); the Bcc header is always removed;
 * - a missing Date or Message-ID is added; a missing From is added from
 *   @default_from (and @full_name, -F);
 * - *@from is set to the From address (the first one), *@subject to the
 *   decoded Subject (or NULL);
 * - *@needs_8bit is set when the body has 8-bit bytes, *@needs_smtputf8
 *   when headers have raw UTF-8;
 * The body is copied in blocks: memory does not grow with its size.
 * Returns the number of bytes written, or -1 with
 * SATCHEL_MESSAGE_ERROR_INVALID (no header block, header line over 998
 * octets, invalid address). */
gint64        satchel_mime_read_sendmail   (GInputStream         *input,
                                            GOutputStream        *output,
                                            gboolean              take_recipients,
                                            const SatchelAddress *default_from,
                                            const char           *full_name,
                                            GPtrArray            *recipients,
                                            SatchelAddress      **from,
                                            char                **subject,
                                            gboolean             *needs_8bit,
                                            gboolean             *needs_smtputf8,
                                            GCancellable         *cancellable,
                                            GError              **error);

G_END_DECLS
