/* satchel-attachment-list.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "satchel-attachment.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_ATTACHMENT_LIST (satchel_attachment_list_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAttachmentList, satchel_attachment_list, SATCHEL, ATTACHMENT_LIST, GtkWidget)

/* The files attached to a message being written: a list of rows (type
 * icon, name, size, Remove), reordered by dragging a row or with
 * Alt+Up/Alt+Down, removed with its button or the Delete key; and a
 * footer with "Attach Files…" and the total as it will travel (base64)
 * against the server's SIZE limit, in warning style when over it.
 *
 * Files are added at once and their information read without blocking;
 * a folder, a device or an unreadable file is taken out again and the
 * reason shown above the list. Main thread only.
 *
 * Signals:
 *   "changed" (): the list of files changed (added, removed, moved),
 *                 for drafts.
 * Properties (read-only, notify): total-size, encoded-size, over-limit,
 * size-limit (read-write). */
GtkWidget  *satchel_attachment_list_new             (void);

/* The attachments, in order. (transfer none) GListModel of
 * SatchelAttachment. */
GListModel *satchel_attachment_list_get_model       (SatchelAttachmentList *self);

/* Attaches @file (after the last one), reading its information. A file
 * already in the list is not added twice. Returns the attachment
 * (transfer none), or NULL when it was there already. With
 * @keep_missing (a draft being restored), a file that no longer exists
 * stays in the list, shown as missing; otherwise it is taken out with
 * the reason. */
SatchelAttachment *satchel_attachment_list_add_file (SatchelAttachmentList *self,
                                                     GFile                 *file,
                                                     gboolean               keep_missing);
/* Each GFile of @files, in order: a GdkFileList's list, a chooser's. */
void        satchel_attachment_list_add_files       (SatchelAttachmentList *self,
                                                     GSList                *files);
void        satchel_attachment_list_remove          (SatchelAttachmentList *self,
                                                     guint                  position);
/* Moves the attachment at @from to @to (both in the current list). */
void        satchel_attachment_list_move            (SatchelAttachmentList *self,
                                                     guint                  from,
                                                     guint                  to);
void        satchel_attachment_list_clear           (SatchelAttachmentList *self);

/* The local paths, in order (missing files included). (transfer full) */
GStrv       satchel_attachment_list_dup_paths       (SatchelAttachmentList *self);

/* The size of the files that can be sent, in bytes. */
guint64     satchel_attachment_list_get_total_size  (SatchelAttachmentList *self);
/* The same plus @extra_size, as it will travel: each file base64-encoded
 * (satchel_compose_encoded_size()). */
guint64     satchel_attachment_list_get_encoded_size (SatchelAttachmentList *self);
/* Raw bytes of other parts that travel base64-encoded too (inline
 * images of rich text); counted in the encoded size. */
void        satchel_attachment_list_set_extra_size  (SatchelAttachmentList *self,
                                                     guint64                extra_size);
/* The server's SIZE limit in bytes; 0 when unknown or none. */
void        satchel_attachment_list_set_size_limit  (SatchelAttachmentList *self,
                                                     guint64                size_limit);
guint64     satchel_attachment_list_get_size_limit  (SatchelAttachmentList *self);
/* TRUE when a limit is known and the encoded size is over it. */
gboolean    satchel_attachment_list_get_over_limit  (SatchelAttachmentList *self);
/* TRUE while the information of a file is still being read. */
gboolean    satchel_attachment_list_get_loading     (SatchelAttachmentList *self);
/* The first attachment that cannot be sent (missing), or NULL.
 * (transfer none) */
SatchelAttachment *satchel_attachment_list_get_first_problem (SatchelAttachmentList *self);

/* Why files were refused, as shown above the list, or NULL. */
const char *satchel_attachment_list_get_notice      (SatchelAttachmentList *self);
/* The footer text with the total ("12.4 MB of 25.0 MB"). */
const char *satchel_attachment_list_get_summary     (SatchelAttachmentList *self);

/* Opens the file chooser (several files at once) for the window that
 * holds the list. */
void        satchel_attachment_list_choose_files    (SatchelAttachmentList *self);

G_END_DECLS
