/* satchel-account-setup.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-account.h"
#include "satchel-application.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_ACCOUNT_SETUP (satchel_account_setup_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAccountSetup, satchel_account_setup, SATCHEL, ACCOUNT_SETUP, AdwWindow)

/* The account setup window: the user types an address and a password,
 * the server is found (RFC 6186 SRV records, then probes), every server
 * field stays editable, and the account is verified step by step before
 * it is saved (saving an unverified account takes an explicit choice).
 *
 * A new window to create an account (@account NULL) or to edit the
 * server settings of a copy of @account; saved on success: the account
 * goes to the application's account store, the password to the keyring
 * (in a worker thread). The window's "saved" signal (SatchelAccount
 * *account, transfer none) is emitted on the main context after the
 * store has it; when the keyring could not take the password the window
 * stays open and says so. (transfer none: the window belongs to GTK's
 * list of toplevels, as gtk_window_new() windows do.) */
GtkWindow *satchel_account_setup_new            (SatchelApplication  *application,
                                                 SatchelAccount      *account);

/* Installs app.add-account, which opens a new setup window. */
void       satchel_account_setup_install_action (GtkApplication      *application);

/* For tests: the resolver discovery uses instead of the default one (a
 * test resolver answers SRV queries with loopback servers), and the
 * time-out of each probe. Call before the address is typed. */
void       satchel_account_setup_set_resolver   (SatchelAccountSetup *self,
                                                 GResolver           *resolver,
                                                 guint                probe_timeout_ms);

G_END_DECLS
