/* satchel-sent.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One message of the sent folder ($XDG_DATA_HOME/satchel/sent/), as the
 * list of sent mail shows it: read from the file's header block only,
 * so a message with a large attachment costs no more than a small one.
 * Immutable once made. */
#define SATCHEL_TYPE_SENT_MESSAGE (satchel_sent_message_get_type ())
G_DECLARE_FINAL_TYPE (SatchelSentMessage, satchel_sent_message, SATCHEL, SENT_MESSAGE, GObject)

/* The absolute path of the .eml file. */
const char *satchel_sent_message_get_path       (SatchelSentMessage *self);
/* The outbox id the message had (the file is DATE-ID.eml), or NULL
 * for a file named otherwise. */
const char *satchel_sent_message_get_id         (SatchelSentMessage *self);
/* The decoded Subject, "" when there is none. */
const char *satchel_sent_message_get_subject    (SatchelSentMessage *self);
/* The To and Cc recipients, decoded, separated by ", "; "" when none. */
const char *satchel_sent_message_get_recipients (SatchelSentMessage *self);
/* The Date header in Unix seconds, or the file's modification time
 * when the header is missing or unreadable. */
gint64      satchel_sent_message_get_date       (SatchelSentMessage *self);

/* Reads the headers of every *.eml in @dir (NULL for
 * satchel_paths_sent_dir()), newest first. A missing folder is an empty
 * list; a file that cannot be read is skipped with a debug message.
 * Blocking: call it from a worker thread. (transfer full) GPtrArray of
 * SatchelSentMessage. */
GPtrArray  *satchel_sent_list_sync   (const char           *dir,
                                      GCancellable         *cancellable,
                                      GError              **error);

/* The same in a worker thread; @callback runs on the caller's
 * thread-default main context. */
void        satchel_sent_list_async  (const char           *dir,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data);
/* (transfer full) GPtrArray of SatchelSentMessage, or NULL and @error. */
GPtrArray  *satchel_sent_list_finish (GAsyncResult         *result,
                                      GError              **error);

/* Whether the sent folder @dir (NULL for the default) holds the message
 * that had outbox id @id. Blocking, but reads only the folder. */
gboolean    satchel_sent_contains    (const char           *dir,
                                      const char           *id);

G_END_DECLS
