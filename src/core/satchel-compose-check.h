/* satchel-compose-check.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks the compose window makes before a message leaves. */

/* TRUE when @subject or @body mentions an attachment: one of the words
 * of a translatable list ("attach", "attached", "attachment",
 * "enclosed", "附件", "附上", …; the English and Chinese words always
 * count, whatever the language), matched case-insensitively, ASCII
 * words on word boundaries. Quoted lines (starting with '>') do not
 * count, nor does the signature: everything after a "-- " line, and
 * the text of @signature (nullable) where it appears in @body. */
gboolean satchel_compose_mentions_attachment (const char *subject,
                                              const char *body,
                                              const char *signature);

/* How many bytes @raw bytes of attachments take on the wire once
 * base64-encoded in 76-column lines with CRLF (about 1.37 times). */
guint64  satchel_compose_encoded_size        (guint64     raw);

G_END_DECLS
