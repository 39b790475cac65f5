/* satchel-application.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-context.h"
#include "satchel-draft.h"
#include "satchel-mailto.h"
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
/* (transfer none) the drafts folder every compose window saves into. */
SatchelDraftStore  *satchel_application_get_drafts    (SatchelApplication *self);

/* Opens a new compose window, filled from @prefill when it is not NULL
 * (its attachments are attached as they are: the caller has the user's
 * consent, or they came from the user's own command line). */
GtkWindow          *satchel_application_compose       (SatchelApplication  *self,
                                                       const SatchelMailto *prefill);

/* A compose window queued a message as "held" for the undo delay and
 * closed: the application shows the Undo notice, reopens draft
 * @draft_id if the user undoes (discarding outbox item @outbox_id),
 * and otherwise deletes the draft once the message has left. */
void                satchel_application_message_queued (SatchelApplication *self,
                                                        const char         *outbox_id,
                                                        const char         *draft_id);

G_END_DECLS
