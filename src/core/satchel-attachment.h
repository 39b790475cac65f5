/* satchel-attachment.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SATCHEL_ATTACHMENT_STATE_LOADING, /* its file information is being read */
  SATCHEL_ATTACHMENT_STATE_READY,   /* a readable regular file */
  SATCHEL_ATTACHMENT_STATE_MISSING, /* the file does not exist (any more) */
  SATCHEL_ATTACHMENT_STATE_REFUSED, /* a folder, a device, unreadable, … */
} SatchelAttachmentState;

#define SATCHEL_TYPE_ATTACHMENT_STATE (satchel_attachment_state_get_type ())
GType satchel_attachment_state_get_type (void);

#define SATCHEL_TYPE_ATTACHMENT (satchel_attachment_get_type ())
G_DECLARE_FINAL_TYPE (SatchelAttachment, satchel_attachment, SATCHEL, ATTACHMENT, GObject)

/* One file the user chose to attach, as the compose window shows it:
 * what GIO says about it (size, content type, icon), read without
 * blocking. It holds the file's location, never its content: the
 * message is encoded from the file when it is queued.
 *
 * Property names (all read-only, with notify): file, path,
 * display-name, size, content-type, icon, state, problem. Every
 * notification is emitted on the main context of the thread that
 * called satchel_attachment_load(). */

/* A new attachment in state LOADING, named after the file's base name
 * until its information arrives. (transfer full) */
SatchelAttachment      *satchel_attachment_new              (GFile             *file);
SatchelAttachment      *satchel_attachment_new_for_path     (const char        *path);

/* Reads the file's information in a worker thread of GIO; when done,
 * the state is READY, MISSING or REFUSED (with a translated problem
 * naming the file and saying what to do) and @callback (nullable) runs
 * on the caller's thread-default main context. @cancellable stops it
 * (the state then stays LOADING). */
void                    satchel_attachment_load             (SatchelAttachment   *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
/* FALSE with the problem as a SATCHEL_MESSAGE_ERROR_FILE when the file
 * cannot be attached. */
gboolean                satchel_attachment_load_finish      (SatchelAttachment   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* (transfer none) */
GFile                  *satchel_attachment_get_file         (SatchelAttachment *self);
/* The local path, or NULL for a file that has none. */
const char             *satchel_attachment_get_path         (SatchelAttachment *self);
/* The name people see (and the recipient gets), UTF-8. */
const char             *satchel_attachment_get_display_name (SatchelAttachment *self);
/* In bytes, as the file is now; 0 until READY. */
guint64                 satchel_attachment_get_size         (SatchelAttachment *self);
/* A GIO content type ("application/pdf" on Unix); NULL until READY. */
const char             *satchel_attachment_get_content_type (SatchelAttachment *self);
/* The icon of its content type. (transfer none) (nullable) */
GIcon                  *satchel_attachment_get_icon         (SatchelAttachment *self);
SatchelAttachmentState  satchel_attachment_get_state        (SatchelAttachment *self);
/* Why it cannot be attached (MISSING or REFUSED), translated; or NULL. */
const char             *satchel_attachment_get_problem      (SatchelAttachment *self);

G_END_DECLS
