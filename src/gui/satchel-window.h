/* satchel-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-application.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_WINDOW (satchel_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelWindow, satchel_window, SATCHEL, WINDOW, AdwApplicationWindow)

/* The main window: Satchel's own mail in three lists (Drafts, Outbox,
 * Sent) that follow their folders on disk and the application's
 * scheduler (progress of the message being sent, results), the "New
 * Message" button, and on the first run the way into account setup.
 * Main thread only. */
SatchelWindow *satchel_window_new       (SatchelApplication *application);

/* Shows @toast (the window takes its reference) over the lists. */
void           satchel_window_add_toast (SatchelWindow      *self,
                                         AdwToast           *toast);

/* "drafts", "outbox" or "sent". */
void           satchel_window_set_page  (SatchelWindow      *self,
                                         const char         *name);
const char    *satchel_window_get_page  (SatchelWindow      *self);

/* What the lists show, as loaded from disk (transfer none): a
 * GListModel of SatchelDraft for "drafts", SatchelOutboxItem for
 * "outbox", SatchelSentMessage for "sent". */
GListModel    *satchel_window_get_list  (SatchelWindow      *self,
                                         const char         *name);

/* Reads the three folders again (they are also watched). */
void           satchel_window_reload    (SatchelWindow      *self);

/* TRUE once each list has been read at least once since the last
 * satchel_window_reload() and no read is under way. */
gboolean       satchel_window_is_loaded (SatchelWindow      *self);

/* Retries outbox message @id, asking first when the server may already
 * have it (state "unknown"). */
void           satchel_window_retry     (SatchelWindow      *self,
                                         const char         *id);

G_END_DECLS
