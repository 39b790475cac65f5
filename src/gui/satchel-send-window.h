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
 * its place instead of the main window: while the message is held it
 * is the Undo notice ("Sending in 8 seconds…", Undo), then the
 * progress of the send, with Cancel; "Show Outbox" opens the main
 * window. It follows the application's scheduler for @item; the
 * application closes it when the message has left, was taken back or
 * failed. Closing it while the message can still be undone asks, as
 * quitting does. Main thread only. */
SatchelSendWindow *satchel_send_window_new           (SatchelApplication *application,
                                                      SatchelOutboxItem  *item);
const char        *satchel_send_window_get_outbox_id (SatchelSendWindow  *self);

G_END_DECLS
