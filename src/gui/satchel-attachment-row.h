/* satchel-attachment-row.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "satchel-attachment.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_ATTACHMENT_ROW (satchel_attachment_row_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAttachmentRow, satchel_attachment_row, SATCHEL, ATTACHMENT_ROW, GtkListBoxRow)

/* One row of the attachment list: the icon of the file's type, its
 * name, its size (or why it cannot be sent) and a Remove button, which
 * activates "attachments.remove" with the row's index. The row follows
 * @attachment's changes. Main thread only. */
GtkWidget         *satchel_attachment_row_new            (SatchelAttachment    *attachment);

/* (transfer none) */
SatchelAttachment *satchel_attachment_row_get_attachment (SatchelAttachmentRow *self);

G_END_DECLS
