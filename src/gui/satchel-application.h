/* satchel-application.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-context.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_APPLICATION (satchel_application_get_type ())
G_DECLARE_FINAL_TYPE (SatchelApplication, satchel_application, SATCHEL, APPLICATION, AdwApplication)

SatchelApplication *satchel_application_new         (void);
/* (transfer none) the engine shared by every window. */
SatchelContext     *satchel_application_get_context (SatchelApplication *self);

G_END_DECLS
