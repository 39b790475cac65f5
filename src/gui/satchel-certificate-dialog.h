/* satchel-certificate-dialog.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SATCHEL_TYPE_CERTIFICATE_DIALOG (satchel_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SatchelCertificateDialog, satchel_certificate_dialog, SATCHEL, CERTIFICATE_DIALOG, AdwMessageDialog)

/* The dialog that offers to trust a server certificate for one account:
 * host and port, subject, issuer, validity, SHA-256 fingerprint
 * (selectable) and every problem, computed from the certificate as well
 * as from @problems (GLib reports only one). When @pinned_fingerprint is
 * not NULL the account had pinned another certificate: the dialog warns
 * that it changed and shows the old and new fingerprints side by side.
 *
 * Emits AdwMessageDialog::response with "trust" or "cancel"; Cancel is
 * the default and the answer to Escape. Modal for @parent; destroys
 * itself after the response. (transfer none, like any toplevel) */
GtkWindow *satchel_certificate_dialog_new (GtkWindow            *parent,
                                           const char           *host,
                                           guint16               port,
                                           GTlsCertificate      *certificate,
                                           GTlsCertificateFlags  problems,
                                           const char           *pinned_fingerprint);

/* (transfer none) lower-case hex SHA-256 of the certificate shown, the
 * value to pin when the answer is "trust". */
const char *satchel_certificate_dialog_get_fingerprint (SatchelCertificateDialog *self);

G_END_DECLS
