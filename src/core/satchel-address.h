/* satchel-address.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* One mailbox: an optional display name and an addr-spec. Strings are
 * UTF-8; the domain is kept as typed (U-labels) and also as A-labels
 * (punycode, for the envelope and headers). */
typedef struct
{
  char *name;         /* display name, or NULL */
  char *local_part;   /* as typed, unquoted */
  char *domain;       /* as typed, lower-cased */
  char *ascii_domain; /* IDNA A-labels (g_hostname_to_ascii) */
} SatchelAddress;

#define SATCHEL_TYPE_ADDRESS (satchel_address_get_type ())
GType           satchel_address_get_type      (void);

SatchelAddress *satchel_address_copy          (const SatchelAddress *self);
void            satchel_address_free          (SatchelAddress       *self);

/* Parses one address: "user@host", "Name <user@host>",
 * "\"Last, First\" <user@host>", non-ASCII names and IDN domains.
 * Validates strictly (RFC 5322 dot-atom or quoted local part, a domain
 * of valid labels with at least one dot, or "localhost", or an address
 * literal; no CR, LF or NUL anywhere; at most 254 octets). On failure,
 * SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS (or _HEADER_INJECTION for CR/LF)
 * with a translated message quoting the input. */
SatchelAddress *satchel_address_parse         (const char   *text,
                                               GError      **error);

/* Parses a list separated by commas or semicolons (a pasted list, with
 * blank items skipped; commas inside quotes belong to the name). Returns
 * a GPtrArray of SatchelAddress (free func set), possibly empty; fails on
 * the first invalid item, naming it. */
GPtrArray      *satchel_address_parse_list    (const char   *text,
                                               GError      **error);

/* local@ascii_domain, for MAIL FROM / RCPT TO (no angle brackets). */
char           *satchel_address_to_envelope   (const SatchelAddress *self);
/* "Name <local@domain>" or "local@domain", UTF-8, for people. */
char           *satchel_address_to_display    (const SatchelAddress *self);
/* TRUE when the local part has non-ASCII characters: needs SMTPUTF8. */
gboolean        satchel_address_needs_smtputf8 (const SatchelAddress *self);

/* Refuses CR, LF and NUL in any text meant for a header
 * (SATCHEL_MESSAGE_ERROR_HEADER_INJECTION naming @field). */
gboolean        satchel_header_value_check    (const char   *field,
                                               const char   *value,
                                               GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelAddress, satchel_address_free)

G_END_DECLS
