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

/* Inline validation: while the user types, every recipient but the one
 * being typed is checked; when the field loses focus, group names are
 * replaced by their members and all are checked. Invalid ones give the
 * field the error style and a tooltip naming them.
 *
 * Expands group names and checks every recipient now; FALSE with
 * SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS naming the first invalid one. */
gboolean    satchel_recipient_entry_check           (SatchelRecipientEntry *self,
                                                     GError               **error);
/* TRUE while the field shows an invalid recipient. */
gboolean    satchel_recipient_entry_get_invalid     (SatchelRecipientEntry *self);
/* The recipients after satchel_recipient_entry_check(), parsed.
 * (transfer full) GPtrArray of SatchelAddress; NULL and @error as
 * _check() says. */
GPtrArray  *satchel_recipient_entry_dup_addresses   (SatchelRecipientEntry *self,
                                                     GError               **error);

/* Adds each valid recipient the address book does not know yet as a
 * new contact (its display name, if any, as the name) and emits
 * "notice" with what was done. The field offers it too: an icon that
 * shows while such recipients are there, and its context menu.
 * Returns how many were added.
 *
 * Signal "notice" (const char *text): a sentence for a toast. */
guint       satchel_recipient_entry_add_to_address_book (SatchelRecipientEntry *self);

G_END_DECLS
