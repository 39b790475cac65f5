/* satchel-secret.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "satchel-account.h"

G_BEGIN_DECLS

/* The libsecret schema io.github.satchel.Satchel.Account with attributes
 * account-id (the lookup key), protocol ("smtp"), host, port, user; the
 * label "Satchel: SMTP password for USER@HOST".
 *
 * Errors are SATCHEL_SECRET_ERROR with a translated message that says
 * what to do: no Secret Service on the bus (G_DBUS_ERROR_SERVICE_UNKNOWN,
 * "Cannot autolaunch D-Bus without X11 $DISPLAY", no bus at all),
 * a missing collection (dbus error 19 / no such object), a locked keyring
 * (SECRET_ERROR_IS_LOCKED, or a NULL lookup with no error while the
 * default collection is locked) and nothing stored. The password itself
 * never appears in an error or a log.
 *
 * The _sync calls block: use them from a worker thread or the CLI. */

const SecretSchema *satchel_secret_get_schema (void);

gboolean  satchel_secret_store_sync  (SatchelAccount  *account,
                                      const char      *password,
                                      GCancellable    *cancellable,
                                      GError         **error);

/* The password for @account: from its password-command if it has one
 * (run through /bin/sh -c, first output line, non-zero exit is
 * SATCHEL_SECRET_ERROR_COMMAND_FAILED), else from the keyring
 * (SATCHEL_SECRET_ERROR_NO_PASSWORD when nothing is stored).
 * Free with secret_password_free(). */
char     *satchel_secret_lookup_sync (SatchelAccount  *account,
                                      GCancellable    *cancellable,
                                      GError         **error);

/* Removes the keyring entry; TRUE also when there was none. */
gboolean  satchel_secret_clear_sync  (SatchelAccount  *account,
                                      GCancellable    *cancellable,
                                      GError         **error);

G_END_DECLS
