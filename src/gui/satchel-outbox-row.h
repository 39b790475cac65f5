/* satchel-outbox-row.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-outbox.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_OUTBOX_ROW (satchel_outbox_row_get_type ())
G_DECLARE_FINAL_TYPE (SatchelOutboxRow, satchel_outbox_row, SATCHEL, OUTBOX_ROW, GtkListBoxRow)

/* One message of the outbox in the main window: subject, recipients,
 * state, attempts, next attempt, last error, and while it is being
 * sent a progress bar. Its buttons activate the window's "outbox.*"
 * actions (cancel, retry, password, edit-account, discard) with the
 * message id as target. The row keeps a reference to @item and never
 * changes it. Main thread only. */
SatchelOutboxRow  *satchel_outbox_row_new          (SatchelOutboxItem *item);
/* (transfer none) */
SatchelOutboxItem *satchel_outbox_row_get_item     (SatchelOutboxRow  *self);

/* Shows the send in progress (@sent of @total bytes), or, with
 * @sending FALSE, the message's stored state again. */
void               satchel_outbox_row_set_progress (SatchelOutboxRow  *self,
                                                    gboolean           sending,
                                                    guint64            sent,
                                                    guint64            total);

/* Whether the last failure asked for a password (the server refused
 * the stored one, or there is none): the row then offers to type it. */
void               satchel_outbox_row_set_needs_password (SatchelOutboxRow *self,
                                                          gboolean          needs);

/* @subject, or "(No subject)"; "To " and @addresses; "To " and
 * @item's recipients: as the row shows them. (transfer full) */
char              *satchel_outbox_row_format_subject    (const char        *subject);
char              *satchel_outbox_row_format_to         (const char        *addresses);
char              *satchel_outbox_row_format_recipients (SatchelOutboxItem *item);

/* "3.2 MB of 12.0 MB (26 %)", as the row shows it. (transfer full) */
char              *satchel_outbox_row_format_progress (guint64 sent,
                                                       guint64 total);

G_END_DECLS
