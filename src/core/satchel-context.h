/* satchel-context.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account-store.h"
#include "satchel-outbox.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_CONTEXT (satchel_context_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContext, satchel_context, SATCHEL, CONTEXT, GObject)

/* Owns what the GUI and the CLI share: the account store and the outbox,
 * at their XDG locations. Each face makes one; there are no globals. */
SatchelContext      *satchel_context_new          (void);

/* (transfer none) */
SatchelAccountStore *satchel_context_get_accounts (SatchelContext *self);
/* (transfer none) */
SatchelOutbox       *satchel_context_get_outbox   (SatchelContext *self);

G_END_DECLS
