/* satchel-autoconfig.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account.h"

G_BEGIN_DECLS

/* Where a candidate came from. */
typedef enum
{
  SATCHEL_AUTOCONFIG_SOURCE_SRV,   /* an RFC 6186 SRV record */
  SATCHEL_AUTOCONFIG_SOURCE_PROBE, /* a server answered on a guessed name */
} SatchelAutoconfigSource;

/* "srv" or "probe", as `satchel-cli account detect` prints it. */
const char *satchel_autoconfig_source_to_string (SatchelAutoconfigSource source);

/* One way to reach the submission server of a domain. */
typedef struct
{
  char                    *host;
  guint16                  port;
  SatchelSecurity          security;  /* TLS for 465/_submissions, STARTTLS for 587/_submission */
  SatchelAutoconfigSource  source;
} SatchelAutoconfigCandidate;

void satchel_autoconfig_candidate_free (SatchelAutoconfigCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelAutoconfigCandidate, satchel_autoconfig_candidate_free)

/* Finds the submission server for the domain of @address:
 * 1. RFC 6186 SRV records _submissions._tcp (implicit TLS) and
 *    _submission._tcp (STARTTLS) through @resolver, in priority/weight
 *    order; a target of "." means "no service" and is skipped;
 * 2. probes smtp.DOMAIN, mail.DOMAIN and DOMAIN on 465 and 587, all at
 *    once, each bounded by @probe_timeout_ms. A probe counts when the
 *    port answers like an SMTP server: a TLS handshake then a 220 on
 *    465, a 220 greeting on 587 (certificates are not judged here:
 *    verification does that and asks the user).
 * Results are best first: SRV answers first (as the domain's owner
 * published them), then probes, implicit TLS before STARTTLS (RFC 8314),
 * then smtp. before mail. before the bare domain. Duplicates are removed.
 *
 * @resolver: (nullable) the resolver to use, or NULL for
 * g_resolver_get_default() (tests pass one of their own that answers
 * SRV queries and maps names to loopback). DNS lookups are bounded by
 * the same time-out (GResolver has no time-out of its own in GLib 2.74).
 *
 * @callback runs on the caller's thread-default main context. Cancelling
 * stops every lookup and probe at once. */
void       satchel_autoconfig_discover_async  (const char          *address,
                                               GResolver           *resolver,
                                               guint                probe_timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

/* (transfer full) GPtrArray of SatchelAutoconfigCandidate, possibly
 * empty (nothing found is not an error); NULL and @error for an address
 * without a valid domain, or G_IO_ERROR_CANCELLED. */
GPtrArray *satchel_autoconfig_discover_finish (GAsyncResult        *result,
                                               GError             **error);

/* The same, blocking, for the CLI (runs its own main context). */
GPtrArray *satchel_autoconfig_discover_sync   (const char          *address,
                                               GResolver           *resolver,
                                               guint                probe_timeout_ms,
                                               GCancellable        *cancellable,
                                               GError             **error);

/* The default probe time-out: short, as a user is waiting. */
#define SATCHEL_AUTOCONFIG_PROBE_TIMEOUT_MS 4000

G_END_DECLS
