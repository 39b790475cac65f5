/* satchel-application.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-context.h"
#include "satchel-scheduler.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_APPLICATION (satchel_application_get_type ())
G_DECLARE_FINAL_TYPE (SatchelApplication, satchel_application, SATCHEL, APPLICATION, AdwApplication)

SatchelApplication *satchel_application_new         (void);
/* (transfer none) the engine shared by every window. */
SatchelContext     *satchel_application_get_context (SatchelApplication *self);
/* (transfer none) sends the outbox in the background; call
 * satchel_scheduler_flush() after queuing a message. */
SatchelScheduler   *satchel_application_get_scheduler (SatchelApplication *self);

G_END_DECLS
