/* satchel-mailto.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A mailto: URI (RFC 6068) taken apart. Recipients are single
 * addresses as the link gives them (percent-decoded, UTF-8), not yet
 * validated; attach/attachment values (as xdg-email --attach and the
 * desktop portal pass them: a path or a file: URI) become absolute
 * paths. Unknown header fields are ignored; never "send". */
typedef struct
{
  GPtrArray *to;          /* char*, never NULL */
  GPtrArray *cc;
  GPtrArray *bcc;
  char      *subject;     /* nullable */
  char      *body;        /* nullable; CRLF made LF */
  GPtrArray *attachments; /* char*, absolute paths, never NULL */
} SatchelMailto;

void           satchel_mailto_free  (SatchelMailto *mailto);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelMailto, satchel_mailto_free)

/* NULL and SATCHEL_MESSAGE_ERROR_INVALID (translated, naming what is
 * wrong) when @uri is not a mailto: URI or is malformed (bad
 * percent-encoding, not UTF-8, CR or LF in a header field other than
 * body). */
SatchelMailto *satchel_mailto_parse (const char     *uri,
                                     GError        **error);

/* Whether a file that a link (not the user) asks to attach may be
 * offered at all: @path must be absolute, exist, be a regular file
 * (symbolic links are followed and the target judged), and neither its
 * name nor any folder on its path may start with a dot (~/.ssh/id_rsa,
 * ~/.config/…). FALSE with a translated reason otherwise. Files that
 * pass still need the user's consent. */
gboolean       satchel_mailto_check_attachment (const char  *path,
                                                GError     **error);

G_END_DECLS
