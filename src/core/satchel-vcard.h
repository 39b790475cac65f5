/* satchel-vcard.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "satchel-contact.h"

G_BEGIN_DECLS

#define SATCHEL_VCARD_ERROR (satchel_vcard_error_quark ())
typedef enum
{
  SATCHEL_VCARD_ERROR_INVALID, /* no vCard in the input */
} SatchelVCardError;

GQuark satchel_vcard_error_quark (void);

typedef enum
{
  SATCHEL_VCARD_3_0,
  SATCHEL_VCARD_4_0,
} SatchelVCardVersion;

/* Reads every vCard of @data (2.1, 3.0 or 4.0; folded lines; escapes;
 * 2.1 QUOTED-PRINTABLE values and CHARSET parameters; a UTF-8 BOM).
 * FN (or else N) becomes the name; EMAIL with its TYPE, NICKNAME and
 * NOTE are kept, CATEGORIES become the contact's categories. Cards
 * without an email address are returned too: the caller decides.
 * SATCHEL_VCARD_ERROR_INVALID when there is no BEGIN:VCARD at all.
 * (transfer full) (element-type SatchelContact) */
GPtrArray *satchel_vcard_parse (const char           *data,
                                gssize                length,
                                GError              **error);

/* Writes @contacts (element-type SatchelContact) as vCards of @version:
 * UTF-8, CRLF, lines folded at 75 octets, text escaped. (transfer full) */
char      *satchel_vcard_write (GPtrArray            *contacts,
                                SatchelVCardVersion   version);

G_END_DECLS
