/* satchel-send-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-application.h"
#include "satchel-outbox.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_SEND_WINDOW (satchel_send_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelSendWindow, satchel_send_window, SATCHEL, SEND_WINDOW, AdwWindow)

/* A small window for one message sent from a compose window that was
 * on screen by itself (a mailto: link, `satchel --compose`), shown in
 * its place instead of the main window: "Putting it in the Outbox…"
 * while the message is queued; while it is held, the Undo notice
 * ("Sending in 8 seconds…", Undo); then the progress of the send, with
 * Cancel. "Show Outbox" opens the main window. It follows the
 * application's scheduler for its message; the application closes it
 * when the message has left, was taken back or failed. Closing it while
 * the message can still be undone asks, as quitting does. Main thread
 * only. */

/* For the message in the outbox as @item. */
SatchelSendWindow *satchel_send_window_new           (SatchelApplication *application,
                                                      SatchelOutboxItem  *item);
/* While the message (@subject, to @to as typed) is being queued;
 * cancelling @cancellable, as its Cancel does, stops that. Then
 * satchel_send_window_set_item() with what the outbox holds. */
SatchelSendWindow *satchel_send_window_new_queueing  (SatchelApplication *application,
                                                      const char         *subject,
                                                      const char         *to,
                                                      GCancellable       *cancellable);
void               satchel_send_window_set_item      (SatchelSendWindow  *self,
                                                      SatchelOutboxItem  *item);
/* NULL while the message is being queued. */
const char        *satchel_send_window_get_outbox_id (SatchelSendWindow  *self);

G_END_DECLS
