/* satchel-account.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "satchel-address.h"

G_BEGIN_DECLS

typedef enum
{
  SATCHEL_SECURITY_TLS,      /* implicit TLS (RFC 8314), port 465 */
  SATCHEL_SECURITY_STARTTLS, /* STARTTLS required, port 587 */
  SATCHEL_SECURITY_NONE,     /* plain text, port 25 */
} SatchelSecurity;

#define SATCHEL_TYPE_SECURITY (satchel_security_get_type ())
GType satchel_security_get_type (void);

/* "tls", "starttls", "none"; FALSE for anything else. */
gboolean     satchel_security_from_string (const char      *text,
                                           SatchelSecurity *out);
const char  *satchel_security_to_string   (SatchelSecurity  security);
guint16      satchel_security_default_port (SatchelSecurity security);

#define SATCHEL_ACCOUNT_DEFAULT_TIMEOUT 30

#define SATCHEL_TYPE_ACCOUNT (satchel_account_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAccount, satchel_account, SATCHEL, ACCOUNT, GObject)

/* An SMTP account: a plain value object with a GObject property for each
 * field (so the GUI can bind them). It never holds the password: that
 * lives in the Secret Service (satchel-secret.h) or comes from
 * password-command at each use.
 *
 * Property names: name, id, address, display-name, host, port, security,
 * username, auth-mechanism, ca-file, trust-fingerprint,
 * allow-plaintext-auth, timeout, password-command, signature, reply-to,
 * bcc-self, size-limit, server-mechanisms (GStrv). */

/* A new account with a fresh UUID id, security TLS, port 465, timeout
 * SATCHEL_ACCOUNT_DEFAULT_TIMEOUT. */
SatchelAccount  *satchel_account_new                      (const char     *name);
SatchelAccount  *satchel_account_copy                     (SatchelAccount *self);

const char      *satchel_account_get_name                 (SatchelAccount *self);
const char      *satchel_account_get_id                   (SatchelAccount *self);
void             satchel_account_set_id                   (SatchelAccount *self,
                                                           const char     *id);
const char      *satchel_account_get_address              (SatchelAccount *self);
void             satchel_account_set_address              (SatchelAccount *self,
                                                           const char     *address);
const char      *satchel_account_get_display_name         (SatchelAccount *self);
void             satchel_account_set_display_name         (SatchelAccount *self,
                                                           const char     *display_name);
const char      *satchel_account_get_host                 (SatchelAccount *self);
void             satchel_account_set_host                 (SatchelAccount *self,
                                                           const char     *host);
guint16          satchel_account_get_port                 (SatchelAccount *self);
void             satchel_account_set_port                 (SatchelAccount *self,
                                                           guint16         port);
SatchelSecurity  satchel_account_get_security             (SatchelAccount *self);
void             satchel_account_set_security             (SatchelAccount *self,
                                                           SatchelSecurity security);
/* The user name to authenticate with; when unset, the address. */
const char      *satchel_account_get_username             (SatchelAccount *self);
void             satchel_account_set_username             (SatchelAccount *self,
                                                           const char     *username);
/* NULL means automatic: the strongest mechanism the server offers. */
const char      *satchel_account_get_auth_mechanism       (SatchelAccount *self);
void             satchel_account_set_auth_mechanism       (SatchelAccount *self,
                                                           const char     *mechanism);
const char      *satchel_account_get_ca_file              (SatchelAccount *self);
void             satchel_account_set_ca_file              (SatchelAccount *self,
                                                           const char     *ca_file);
/* Lower-case hex without colons, or NULL. The setter normalises any
 * case and colons; satchel_account_normalize_fingerprint() checks. */
const char      *satchel_account_get_trust_fingerprint    (SatchelAccount *self);
void             satchel_account_set_trust_fingerprint    (SatchelAccount *self,
                                                           const char     *fingerprint);
gboolean         satchel_account_get_allow_plaintext_auth (SatchelAccount *self);
void             satchel_account_set_allow_plaintext_auth (SatchelAccount *self,
                                                           gboolean        allow);
guint            satchel_account_get_timeout              (SatchelAccount *self);
void             satchel_account_set_timeout              (SatchelAccount *self,
                                                           guint           seconds);
const char      *satchel_account_get_password_command     (SatchelAccount *self);
void             satchel_account_set_password_command     (SatchelAccount *self,
                                                           const char     *command);
const char      *satchel_account_get_signature            (SatchelAccount *self);
void             satchel_account_set_signature            (SatchelAccount *self,
                                                           const char     *signature);
const char      *satchel_account_get_reply_to             (SatchelAccount *self);
void             satchel_account_set_reply_to             (SatchelAccount *self,
                                                           const char     *reply_to);
gboolean         satchel_account_get_bcc_self             (SatchelAccount *self);
void             satchel_account_set_bcc_self             (SatchelAccount *self,
                                                           gboolean        bcc_self);
/* The SIZE the server announced at the last verify or send; 0 unknown. */
guint64          satchel_account_get_size_limit           (SatchelAccount *self);
void             satchel_account_set_size_limit           (SatchelAccount *self,
                                                           guint64         size_limit);
/* The AUTH mechanisms the server offered (after TLS, upper case) at the
 * last verification; NULL when unknown. */
const char * const *satchel_account_get_server_mechanisms (SatchelAccount     *self);
void             satchel_account_set_server_mechanisms    (SatchelAccount     *self,
                                                           const char * const *mechanisms);

/* The From of a message sent with @account: its address, with its
 * display name when it has one. (transfer full) NULL and @error when
 * the address does not parse. */
SatchelAddress  *satchel_account_dup_from                 (SatchelAccount *self,
                                                           GError        **error);

/* Checks the fields together (address valid, host set, port non-zero,
 * mechanism known, fingerprint 64 hex digits, name has no '[', ']' or
 * control characters). */
gboolean         satchel_account_validate                 (SatchelAccount *self,
                                                           GError        **error);

/* SHA-256 fingerprint in any case, with or without colons, to 64
 * lower-case hex digits; NULL (and @error) if it is not one. */
char            *satchel_account_normalize_fingerprint    (const char     *text,
                                                           GError        **error);

G_END_DECLS
