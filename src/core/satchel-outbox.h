/* satchel-outbox.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The durable queue at $XDG_STATE_HOME/satchel/outbox/: per message
 * ID.eml (the message in wire form, CRLF, encoded once) and ID.ini (its
 * state). Both are written atomically (temporary file, fsync, rename,
 * fsync of the directory) with mode 0600, the .eml before the .ini: a
 * message exists once its .ini does. A message is removed only after the
 * server accepted it (then it moves to the sent folder) or when the user
 * discards it. */

typedef enum
{
  SATCHEL_OUTBOX_QUEUED,  /* waiting to be sent, maybe at next_attempt */
  SATCHEL_OUTBOX_HELD,    /* inside its undo window: never sent before held_until */
  SATCHEL_OUTBOX_SENDING, /* a process holds its lock and is sending */
  SATCHEL_OUTBOX_FAILED,  /* permanent failure: waits for the user */
  SATCHEL_OUTBOX_UNKNOWN, /* lost after the final dot: the server may have it */
} SatchelOutboxState;

const char *satchel_outbox_state_to_string   (SatchelOutboxState  state);
gboolean    satchel_outbox_state_from_string (const char         *text,
                                              SatchelOutboxState *state);

#define SATCHEL_TYPE_OUTBOX_ITEM (satchel_outbox_item_get_type ())
G_DECLARE_FINAL_TYPE (SatchelOutboxItem, satchel_outbox_item, SATCHEL, OUTBOX_ITEM, GObject)

/* The state of one queued message, as in ID.ini. Times are Unix seconds
 * (UTC); 0 means unset. */
const char         *satchel_outbox_item_get_id             (SatchelOutboxItem *self);
SatchelOutboxState  satchel_outbox_item_get_state          (SatchelOutboxItem *self);
void                satchel_outbox_item_set_state          (SatchelOutboxItem *self,
                                                            SatchelOutboxState state);
const char         *satchel_outbox_item_get_account        (SatchelOutboxItem *self);
void                satchel_outbox_item_set_account        (SatchelOutboxItem *self,
                                                            const char        *account);
/* The envelope sender (MAIL FROM), ASCII domain. */
const char         *satchel_outbox_item_get_sender         (SatchelOutboxItem *self);
void                satchel_outbox_item_set_sender         (SatchelOutboxItem *self,
                                                            const char        *sender);
/* The envelope recipients (RCPT TO), NULL-terminated. */
const char * const *satchel_outbox_item_get_recipients     (SatchelOutboxItem *self);
void                satchel_outbox_item_set_recipients     (SatchelOutboxItem  *self,
                                                            const char * const *recipients);
const char         *satchel_outbox_item_get_subject        (SatchelOutboxItem *self);
void                satchel_outbox_item_set_subject        (SatchelOutboxItem *self,
                                                            const char        *subject);
gint64              satchel_outbox_item_get_created        (SatchelOutboxItem *self);
guint64             satchel_outbox_item_get_size           (SatchelOutboxItem *self);
guint               satchel_outbox_item_get_attempts       (SatchelOutboxItem *self);
void                satchel_outbox_item_set_attempts       (SatchelOutboxItem *self,
                                                            guint              attempts);
gint64              satchel_outbox_item_get_next_attempt   (SatchelOutboxItem *self);
void                satchel_outbox_item_set_next_attempt   (SatchelOutboxItem *self,
                                                            gint64             when);
gint64              satchel_outbox_item_get_held_until     (SatchelOutboxItem *self);
void                satchel_outbox_item_set_held_until     (SatchelOutboxItem *self,
                                                            gint64             when);
/* The reason of the last failure, for people (translated when written). */
const char         *satchel_outbox_item_get_last_error     (SatchelOutboxItem *self);
void                satchel_outbox_item_set_last_error     (SatchelOutboxItem *self,
                                                            const char        *text);
gboolean            satchel_outbox_item_get_needs_smtputf8 (SatchelOutboxItem *self);
void                satchel_outbox_item_set_needs_smtputf8 (SatchelOutboxItem *self,
                                                            gboolean           needs);
gboolean            satchel_outbox_item_get_needs_8bit     (SatchelOutboxItem *self);
void                satchel_outbox_item_set_needs_8bit     (SatchelOutboxItem *self,
                                                            gboolean           needs);
/* Set (and saved) just before the final dot is written; an item found
 * in state SENDING with this set and nobody holding its lock goes to
 * UNKNOWN, without it back to QUEUED. */
gboolean            satchel_outbox_item_get_data_ended     (SatchelOutboxItem *self);
void                satchel_outbox_item_set_data_ended     (SatchelOutboxItem *self,
                                                            gboolean           ended);

/* When a flush sends @item, in Unix seconds: its next attempt, or the
 * end of its undo time; 0 for one in state SENDING (its sender may have
 * died: the lock tells); G_MAXINT64 for those that wait for the user:
 * failed ones, and unknown outcomes unless @resend_unknown (then 0). */
gint64              satchel_outbox_item_get_due            (SatchelOutboxItem *self,
                                                            gboolean           resend_unknown);

#define SATCHEL_TYPE_OUTBOX (satchel_outbox_get_type ())
G_DECLARE_FINAL_TYPE (SatchelOutbox, satchel_outbox, SATCHEL, OUTBOX, GObject)

/* @dir: the outbox folder, or NULL for satchel_paths_outbox_dir(); sent
 * messages go to @sent_dir, or NULL for satchel_paths_sent_dir(). */
SatchelOutbox     *satchel_outbox_new          (const char         *dir,
                                                const char         *sent_dir);

/* Starts a new message: creates ID.eml.tmp (0600, O_EXCL) and returns
 * a new item (state QUEUED, created now) and in *@fd a file descriptor
 * to write the wire form into. Then satchel_outbox_commit() or
 * satchel_outbox_abort(). */
SatchelOutboxItem *satchel_outbox_begin        (SatchelOutbox      *self,
                                                int                *fd,
                                                GError            **error);
/* fsyncs and closes @fd, renames ID.eml.tmp to ID.eml, records its size,
 * and writes ID.ini from @item's fields. */
gboolean           satchel_outbox_commit       (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                int                 fd,
                                                GError            **error);
/* Closes @fd and removes the temporary file. */
void               satchel_outbox_abort        (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                int                 fd);

/* Every message, oldest first. Unreadable state files are skipped with
 * a warning, never deleted. Leftover *.tmp files of crashed writers are
 * ignored. (transfer full) GPtrArray of SatchelOutboxItem. */
GPtrArray         *satchel_outbox_list         (SatchelOutbox      *self,
                                                GError            **error);
/* (transfer full) */
SatchelOutboxItem *satchel_outbox_lookup       (SatchelOutbox      *self,
                                                const char         *id,
                                                GError            **error);
/* Re-reads ID.ini into @item (after taking its lock). */
gboolean           satchel_outbox_reload       (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                GError            **error);
/* The path of ID.eml (transfer full). */
char              *satchel_outbox_dup_message_path (SatchelOutbox     *self,
                                                    SatchelOutboxItem *item);
/* Writes @item's fields to ID.ini atomically. */
gboolean           satchel_outbox_save         (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                GError            **error);

/* Takes the per-message lock (flock on ID.lock, non-blocking):
 * SATCHEL_OUTBOX_ERROR_BUSY when another process holds it. The lock is
 * held until satchel_outbox_unlock() or the process dies. */
gboolean           satchel_outbox_lock         (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                GError            **error);
void               satchel_outbox_unlock       (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item);

/* The server accepted it: moves ID.eml to the sent folder (as
 * DATE-ID.eml), then removes ID.ini and ID.lock. */
gboolean           satchel_outbox_move_to_sent (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                GError            **error);
/* Removes the message for good (the user discarded it, or --no-queue). */
gboolean           satchel_outbox_remove       (SatchelOutbox      *self,
                                                SatchelOutboxItem  *item,
                                                GError            **error);

/* How many messages of account @account still wait to be sent (every
 * state but FAILED). */
guint              satchel_outbox_count_pending (SatchelOutbox     *self,
                                                 const char        *account);

/* The account @account is going away: each of its messages still
 * waiting is marked FAILED with a reason saying so, never deleted, so
 * it can be retried once the account is back or discarded. A message
 * another process is sending right now is left to that process. */
gboolean           satchel_outbox_fail_account  (SatchelOutbox     *self,
                                                 const char        *account,
                                                 GError           **error);

G_END_DECLS
