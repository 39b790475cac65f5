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

/* The single instance (G_APPLICATION_HANDLES_COMMAND_LINE |
 * G_APPLICATION_HANDLES_OPEN): a second `satchel` forwards its command
 * line (--compose, --to, --cc, --bcc, --subject, --body, --attach and
 * mailto: URIs) to the running one. Main thread only. */
SatchelApplication *satchel_application_new         (void);
/* Call first in main(), before any thread starts (it may set an
 * environment variable). With GSK_RENDERER=cairo the user asked for no
 * GL, yet GTK 4.8 still loads the GL driver when it opens an X display
 * (to choose a visual): this turns that probe off too (GDK_DEBUG
 * gl-disable), unless GDK_DEBUG already makes a GL choice. */
void                satchel_application_prepare_environment (void);
/* Gives programs started through @context the environment Satchel was
 * started with (what satchel_application_prepare_environment() added
 * is for Satchel alone). */
void                satchel_application_restore_environment (GAppLaunchContext *context);
/* (transfer none) the engine shared by every window. */
SatchelContext     *satchel_application_get_context (SatchelApplication *self);
/* (transfer none) sends the outbox in the background; call
 * satchel_scheduler_flush() after queuing a message. */
SatchelScheduler   *satchel_application_get_scheduler (SatchelApplication *self);
/* (transfer none) the drafts folder every compose window saves into. */
SatchelDraftStore  *satchel_application_get_drafts    (SatchelApplication *self);

/* Opens a new compose window, filled from @prefill when it is not NULL
 * (its attachments are attached as they are: the caller has the user's
 * consent, or they came from the user's own command line).
 * (transfer none) */
GtkWindow          *satchel_application_compose       (SatchelApplication  *self,
                                                       const SatchelMailto *prefill);

/* Opens a compose window for a mailto: link: everything but the files
 * the link asks to attach at once; those that
 * satchel_mailto_check_attachment() accepts only after the user agrees
 * in a dialog listing each full path (refused ones are listed with the
 * reason). (transfer none) the compose window. */
GtkWindow          *satchel_application_compose_from_link (SatchelApplication  *self,
                                                           const SatchelMailto *link);

/* A compose window, about to go, is queueing a message (@subject, to
 * @to as typed; @cancellable stops it). With no main window on screen,
 * the message gets a window of its own (SatchelSendWindow), returned
 * (transfer none); else NULL: the main window shows it once queued. */
GtkWindow          *satchel_application_message_queueing (SatchelApplication *self,
                                                          const char         *subject,
                                                          const char         *to,
                                                          GCancellable       *cancellable);

/* A compose window queued a message as "held" for the undo delay and
 * closed: the application shows the Undo notice (in the message's own
 * window if it has one with @outbox_id, see above), reopens draft
 * @draft_id if the user undoes (discarding outbox item @outbox_id),
 * and otherwise deletes the draft once the message has left. */
void                satchel_application_message_queued (SatchelApplication *self,
                                                        const char         *outbox_id,
                                                        const char         *draft_id);

/* Takes back a message inside its undo time: discards the outbox item
 * if it is still held and nobody is sending it, and reopens its draft.
 * @outbox_id NULL or "" for the last one queued. FALSE and a
 * translated @error when it is too late. */
gboolean            satchel_application_undo_send     (SatchelApplication  *self,
                                                       const char          *outbox_id,
                                                       GError             **error);

/* How many messages wait out their undo time in this session, not yet
 * sent and not taken back. */
guint               satchel_application_get_n_held    (SatchelApplication *self);

/* Makes outbox message @id due now (queued, next attempt now) and asks
 * the scheduler to send it. The caller asked the user first when the
 * server may already have it (state "unknown"). */
gboolean            satchel_application_retry_now     (SatchelApplication  *self,
                                                       const char          *id,
                                                       GError             **error);
/* Removes outbox message @id for good, unless it is being sent
 * (SATCHEL_OUTBOX_ERROR_BUSY). */
gboolean            satchel_application_discard       (SatchelApplication  *self,
                                                       const char          *id,
                                                       GError             **error);

/* Whether the last failure of outbox message @id was a password the
 * server refused or one Satchel could not find. */
gboolean            satchel_application_needs_password (SatchelApplication *self,
                                                        const char         *id);
/* Asks for the password of the account of outbox message @id (one
 * dialog per account), then retries every message waiting for it. */
void                satchel_application_ask_password  (SatchelApplication *self,
                                                       const char         *id);
/* Opens the account setup window for account @name. */
void                satchel_application_edit_account  (SatchelApplication *self,
                                                       const char         *name);
/* Opens draft @id in a compose window, or presents the one showing it. */
gboolean            satchel_application_open_draft    (SatchelApplication  *self,
                                                       const char          *id,
                                                       GError             **error);

/* The main window, made if there is none, not presented.
 * (transfer none) a SatchelWindow. */
GtkWindow          *satchel_application_get_main_window (SatchelApplication *self);

/* Quits as Ctrl+Q does: asks "Send Now or Keep in Outbox" while a
 * message is inside its undo time, saves the compose windows' drafts
 * and closes every window. The process lives on while the outbox is
 * sending. */
void                satchel_application_request_quit (SatchelApplication *self);

/* Called by a window about to close: TRUE when it is the last one and
 * a message is inside its undo time; the question is then asked (as
 * satchel_application_request_quit() does) and the window must stay. */
gboolean            satchel_application_confirm_close (SatchelApplication *self,
                                                       GtkWindow          *window);

G_END_DECLS
