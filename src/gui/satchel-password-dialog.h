/* satchel-password-dialog.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-account.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_PASSWORD_DIALOG (satchel_password_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SatchelPasswordDialog, satchel_password_dialog, SATCHEL, PASSWORD_DIALOG, AdwMessageDialog)

/* Asks for the password of @account because sending failed with
 * @reason (the server refused the stored password, or none could be
 * found): a GtkPasswordEntry, and "Remember in the keyring" when
 * @can_remember. Emits "response" with "send" or "cancel"; the caller
 * reads the password then and clears it (the dialog never stores it). */
SatchelPasswordDialog *satchel_password_dialog_new          (GtkWindow             *parent,
                                                             SatchelAccount        *account,
                                                             const char            *reason,
                                                             gboolean               can_remember);
/* The account name the dialog asks for. */
const char            *satchel_password_dialog_get_account  (SatchelPasswordDialog *self);
/* (transfer none) what was typed; valid until the entry changes. */
const char            *satchel_password_dialog_get_password (SatchelPasswordDialog *self);
gboolean               satchel_password_dialog_get_remember (SatchelPasswordDialog *self);
/* Sets the text as if typed (tests). */
void                   satchel_password_dialog_set_password (SatchelPasswordDialog *self,
                                                             const char            *password);

G_END_DECLS
