/* satchel-smtp-auth.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SASL for SMTP AUTH through libgsasl, limited to the mechanisms Satchel
 * supports (never GSSAPI, NTLM or anything libgsasl happens to have). */

/* Strongest first: SCRAM-SHA-256, SCRAM-SHA-1, CRAM-MD5, PLAIN, LOGIN. */
const char * const *satchel_smtp_auth_supported_mechanisms (void);
gboolean            satchel_smtp_auth_is_supported         (const char *mechanism);

/* The strongest supported mechanism in @offered (upper-case names), or
 * NULL when none is usable. */
const char         *satchel_smtp_auth_choose               (const char * const *offered);

typedef struct _SatchelSmtpAuth SatchelSmtpAuth;

/* A client session for one exchange. The password is copied into
 * memory that is wiped on free. */
SatchelSmtpAuth *satchel_smtp_auth_new   (const char  *mechanism,
                                          const char  *username,
                                          const char  *password,
                                          GError     **error);
void             satchel_smtp_auth_free  (SatchelSmtpAuth *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelSmtpAuth, satchel_smtp_auth_free)

/* TRUE for mechanisms that send a first response with the AUTH command
 * (RFC 4954 initial response): PLAIN, SCRAM-*. */
gboolean         satchel_smtp_auth_has_initial_response (SatchelSmtpAuth *self);

/* One step: @challenge_b64 is the base64 text of a 334 reply (or NULL
 * for the initial response). On success *@response_b64 is the base64 to
 * send (possibly empty), and *@done tells whether libgsasl considers the
 * exchange complete. Errors are SATCHEL_SMTP_ERROR_AUTH_FAILED. The
 * challenge is not parsed beyond what the mechanism needs (LOGIN's
 * prompts are ignored). */
gboolean         satchel_smtp_auth_step  (SatchelSmtpAuth  *self,
                                          const char       *challenge_b64,
                                          char            **response_b64,
                                          gboolean         *done,
                                          GError          **error);

G_END_DECLS
