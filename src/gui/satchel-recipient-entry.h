/* satchel-recipient-entry.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "satchel-contact-store.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_RECIPIENT_ENTRY (satchel_recipient_entry_get_type ())
G_DECLARE_FINAL_TYPE (SatchelRecipientEntry, satchel_recipient_entry, SATCHEL, RECIPIENT_ENTRY, GtkWidget)

/* A To/Cc/Bcc field: recipients separated by commas or semicolons, with
 * suggestions from the address book (people, groups and recent
 * recipients) in a popover under the entry while the last recipient is
 * typed. Up and Down choose, Enter or Tab take the suggestion, Escape
 * closes the list; a click takes one too. */
GtkWidget  *satchel_recipient_entry_new            (SatchelContactStore   *store);

/* (transfer none) */
GtkEditable *satchel_recipient_entry_get_editable  (SatchelRecipientEntry *self);
const char *satchel_recipient_entry_get_text       (SatchelRecipientEntry *self);
void        satchel_recipient_entry_set_text       (SatchelRecipientEntry *self,
                                                    const char            *text);
/* The suggestions shown now. (transfer none) */
GListModel *satchel_recipient_entry_get_suggestions (SatchelRecipientEntry *self);
gboolean    satchel_recipient_entry_get_popup_visible (SatchelRecipientEntry *self);

G_END_DECLS
