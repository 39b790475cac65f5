/* satchel-attach-consent.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SATCHEL_TYPE_ATTACH_CONSENT (satchel_attach_consent_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAttachConsent, satchel_attach_consent, SATCHEL, ATTACH_CONSENT, AdwMessageDialog)

/* The question a mailto: link's attachments need (CVE-2020-11879: a
 * link must never attach a file by itself): the full path of each file
 * attached if the user agrees, and apart, of each one refused outright
 * with the reason. Emits "response": "attach" ("Attach N Files") or
 * "cancel" ("Don't Attach", the default and what Escape gives). With no
 * file to offer it only informs: it has no "attach" response, and
 * "cancel" is labelled "OK". */
SatchelAttachConsent *satchel_attach_consent_new         (GtkWindow            *parent);

/* A file that passed satchel_mailto_check_attachment(). */
void                  satchel_attach_consent_add_file    (SatchelAttachConsent *self,
                                                          const char           *path);
/* A file refused, with the translated reason. */
void                  satchel_attach_consent_add_refused (SatchelAttachConsent *self,
                                                          const char           *path,
                                                          const char           *reason);

/* The files offered, in order. (transfer none) NULL-terminated. */
const char * const   *satchel_attach_consent_get_files   (SatchelAttachConsent *self);
/* The files refused. (transfer none) NULL-terminated. */
const char * const   *satchel_attach_consent_get_refused (SatchelAttachConsent *self);

G_END_DECLS
