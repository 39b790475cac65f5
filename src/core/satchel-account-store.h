/* satchel-account-store.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_ACCOUNT_STORE (satchel_account_store_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAccountStore, satchel_account_store, SATCHEL, ACCOUNT_STORE, GObject)

/* accounts.ini (GKeyFile, one group "Account NAME" per account, plus a
 * "General" group naming the default) as a GListModel of SatchelAccount,
 * sorted by name.
 *
 * Every change is a read-merge-write under an exclusive flock() on
 * accounts.ini.lock, written atomically with mode 0600, so the GUI and the
 * CLI changing accounts at the same time lose nothing. A corrupt file is
 * never overwritten. */

/* @path: the accounts.ini to use, or NULL for satchel_paths_accounts_file(). */
SatchelAccountStore *satchel_account_store_new          (const char           *path);

/* (Re)reads the file. A missing file is an empty store. */
gboolean             satchel_account_store_load         (SatchelAccountStore  *self,
                                                         GError              **error);

/* (transfer full) (nullable) */
SatchelAccount      *satchel_account_store_lookup       (SatchelAccountStore  *self,
                                                         const char           *name);
/* The account whose address matches (case-insensitively), or NULL. */
SatchelAccount      *satchel_account_store_lookup_by_address (SatchelAccountStore *self,
                                                              const char          *address);
/* The default account: the one named in General/default, or the only
 * one, or the first; SATCHEL_ACCOUNT_ERROR_NO_DEFAULT if none. */
SatchelAccount      *satchel_account_store_get_default  (SatchelAccountStore  *self,
                                                         GError              **error);

/* Adds a new account; SATCHEL_ACCOUNT_ERROR_EXISTS if the name is taken.
 * The first account added becomes the default. */
gboolean             satchel_account_store_add          (SatchelAccountStore  *self,
                                                         SatchelAccount       *account,
                                                         GError              **error);
/* Replaces the account of the same name; NOT_FOUND if there is none. */
gboolean             satchel_account_store_update       (SatchelAccountStore  *self,
                                                         SatchelAccount       *account,
                                                         GError              **error);
/* Removes the account from the file (not its keyring entry: the caller
 * clears that with satchel_secret_clear_sync()). */
gboolean             satchel_account_store_remove       (SatchelAccountStore  *self,
                                                         const char           *name,
                                                         GError              **error);
gboolean             satchel_account_store_set_default  (SatchelAccountStore  *self,
                                                         const char           *name,
                                                         GError              **error);
/* (transfer none) (nullable) */
const char          *satchel_account_store_get_default_name (SatchelAccountStore *self);

G_END_DECLS
