/* satchel-compose-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-application.h"
#include "satchel-attachment-list.h"
#include "satchel-draft.h"
#include "satchel-mailto.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_COMPOSE_WINDOW (satchel_compose_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelComposeWindow, satchel_compose_window, SATCHEL, COMPOSE_WINDOW, AdwApplicationWindow)

/* The window a message is written in: From (an account), To, Cc, Bcc,
 * Subject, the text (plain, or rich text sent as HTML with a plain
 * alternative) with the account's signature, and the attachments.
 *
 * What is typed is saved as a draft 2 seconds after typing pauses and
 * when the window closes (an empty window that was never saved leaves
 * nothing). Send (Ctrl+Return) checks the recipients, asks before
 * sending without the attachment the text mentions or over the
 * server's size limit, then queues the message in the outbox without
 * blocking (held for the undo delay of GSettings), hands it to
 * satchel_application_message_queued() and closes. Main thread only. */

/* A new, empty message from the last account used (or the default). */
SatchelComposeWindow *satchel_compose_window_new           (SatchelApplication   *app);
/* The window of a saved draft, with every field as it was; attachments
 * whose file has gone are shown as missing. */
SatchelComposeWindow *satchel_compose_window_new_for_draft (SatchelApplication   *app,
                                                            SatchelDraft         *draft);

/* Fills the fields from @prefill; its attachments are attached as they
 * are (the caller has the user's consent). */
void                  satchel_compose_window_prefill       (SatchelComposeWindow *self,
                                                            const SatchelMailto  *prefill);

/* Saves the draft now, without blocking (when the application quits).
 * Nothing is saved for an empty window never saved before. */
void                  satchel_compose_window_save_draft    (SatchelComposeWindow *self);

/* For tests and the application. (transfer none) */
SatchelDraft          *satchel_compose_window_get_draft           (SatchelComposeWindow *self);
SatchelAttachmentList *satchel_compose_window_get_attachment_list (SatchelComposeWindow *self);
GtkTextBuffer         *satchel_compose_window_get_body_buffer     (SatchelComposeWindow *self);
/* Starts sending, as the Send button does. */
void                   satchel_compose_window_send                (SatchelComposeWindow *self);
/* The dialog a send is waiting on (reminder, size), or NULL.
 * (transfer none) */
AdwMessageDialog      *satchel_compose_window_get_pending_dialog  (SatchelComposeWindow *self);

G_END_DECLS
