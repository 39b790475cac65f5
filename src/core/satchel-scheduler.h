/* satchel-scheduler.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>


G_BEGIN_DECLS

/* When nothing is due yet something could not be sent (another process
 * holds it), look again after this many seconds. */
#define SATCHEL_SCHEDULER_RECHECK_SECONDS 30

#define SATCHEL_TYPE_SCHEDULER (satchel_scheduler_get_type ())
G_DECLARE_FINAL_TYPE (SatchelScheduler, satchel_scheduler, SATCHEL, SCHEDULER, GObject)

/* Sends the outbox by itself, for a long-running process
 * (the GUI): when started, when the earliest queued message is due (its
 * next attempt, or the end of its undo time: held messages are never
 * sent early), and at once when the network comes back. Flushes run in
 * a worker thread, one at a time; a request during a flush runs right
 * after it. Every callback and the "flushed" signal run on the
 * thread-default main context of the thread that made the scheduler.
 * The worker reads accounts and the outbox through a SatchelContext of
 * its own (the same files, under the same locks), so that objects the
 * UI shows never change from another thread.
 *
 * @monitor (nullable): follow its "network-changed" signal; NULL for none
 * (tests call satchel_scheduler_network_changed() themselves). */
SatchelScheduler *satchel_scheduler_new             (GNetworkMonitor  *monitor);

/* Flushes now, then keeps a timer for the next due message, and looks
 * at the outbox again every few minutes in any case (another process
 * may queue a message; the clock of timers stops while the machine
 * sleeps). */
void              satchel_scheduler_start           (SatchelScheduler *self);

/* Cancels a running flush (the message stays queued) and the timer.
 * "busy" turns FALSE once the worker has stopped. */
void              satchel_scheduler_stop            (SatchelScheduler *self);

/* Flushes what is due now (after the running flush, if any); for a
 * message just queued. */
void              satchel_scheduler_flush           (SatchelScheduler *self);

/* What a GNetworkMonitor's "network-changed" handler calls. When the
 * network comes back after being gone, queued messages waiting for a
 * retry are tried at once, not at their next attempt; held messages
 * still wait for the end of their undo time. */
void              satchel_scheduler_network_changed (SatchelScheduler *self,
                                                     gboolean          available);

/* Cancels the send of the outbox message @id if it is the one being
 * sent now; otherwise nothing. It stays queued, with its next attempt
 * on the retry schedule (not at once: the user stopped it); the rest
 * of the flush goes on. */
void              satchel_scheduler_cancel_item     (SatchelScheduler *self,
                                                     const char       *id);

/* A password the user typed for @account_id (the account's id; its
 * name works too), when there is no keyring or the server refused the
 * stored password: the scheduler's sends of that account use it instead
 * of the keyring. Kept in memory only, never written anywhere, and
 * wiped when replaced, forgotten (@password NULL) or at the end. */
void              satchel_scheduler_set_password    (SatchelScheduler *self,
                                                     const char       *account_id,
                                                     const char       *password);

/* Signals, on the scheduler's main context, for each message a flush
 * tries (so windows can show progress without sending themselves):
 *   "send-started"  (const char *id)
 *   "send-progress" (const char *id, guint64 sent, guint64 total):
 *                   at most about 10 a second, total the size of the
 *                   message; the last one has sent == total when all
 *                   of it went out
 *   "send-finished" (const char *id, const GError *error): error NULL
 *                   when the server accepted it (it is now in Sent);
 *                   else the message stays in the outbox with the reason.
 * A message another process is sending is skipped without a signal.
 * The existing "flushed" (guint n_sent, guint n_failed) still ends each
 * flush, after the signals of its messages. */

/* TRUE while a flush runs. */
gboolean          satchel_scheduler_get_busy        (SatchelScheduler *self);

/* When the timer fires next, in Unix seconds; 0 when stopped or while a
 * flush runs. */
gint64            satchel_scheduler_get_next_wakeup (SatchelScheduler *self);

G_END_DECLS
