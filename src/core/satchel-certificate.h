/* satchel-certificate.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What people are shown about a server certificate: the dialog that
 * offers to trust one, the CLI's prompt and the error messages. */

/* Lower-case hex SHA-256 of the certificate's DER, no colons
 * (transfer full), as accounts.ini pins it. */
char                 *satchel_certificate_fingerprint        (GTlsCertificate      *certificate);

/* "AB:CD:…" from 64 hex digits, for display (transfer full). */
char                 *satchel_certificate_format_fingerprint (const char           *hex);

/* Every problem of @certificate for @host, computed from the certificate
 * itself (GLib reports only one flag): @reported (what the TLS library
 * said) plus G_TLS_CERTIFICATE_BAD_IDENTITY when neither its DNS names
 * nor IP addresses match @host, EXPIRED or NOT_ACTIVATED from its
 * validity against now. */
GTlsCertificateFlags  satchel_certificate_find_problems      (GTlsCertificate      *certificate,
                                                              const char           *host,
                                                              GTlsCertificateFlags  reported);

/* One translated sentence fragment per problem, in a fixed order
 * ("it is self-signed or issued by an unknown certificate authority",
 * "it was issued for another host name, not “HOST”", "it expired on
 * DATE", "it is not valid before DATE", …). (transfer full) */
GStrv                 satchel_certificate_describe_problems  (GTlsCertificate      *certificate,
                                                              const char           *host,
                                                              GTlsCertificateFlags  problems);

/* Subject and issuer as GLib formats them, validity as local
 * "YYYY-MM-DD" dates; each (transfer full) (nullable). */
char                 *satchel_certificate_dup_subject        (GTlsCertificate      *certificate);
char                 *satchel_certificate_dup_issuer         (GTlsCertificate      *certificate);
char                 *satchel_certificate_dup_not_before     (GTlsCertificate      *certificate);
char                 *satchel_certificate_dup_not_after      (GTlsCertificate      *certificate);

G_END_DECLS
