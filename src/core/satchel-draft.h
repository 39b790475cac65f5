/* satchel-draft.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A message being written: what the user typed and the paths of the
 * files to attach (attachments are copied only when the message is
 * queued). Recipients are kept as typed, valid or not. */
#define SATCHEL_TYPE_DRAFT (satchel_draft_get_type ())
G_DECLARE_FINAL_TYPE (SatchelDraft, satchel_draft, SATCHEL, DRAFT, GObject)

/* Property names: id (NULL until first saved), account (an account
 * name or NULL), to, cc, bcc, subject, body (text/plain, UTF-8), html
 * (nullable: rich text), modified (Unix seconds of the last save). */
SatchelDraft       *satchel_draft_new              (void);
const char         *satchel_draft_get_id           (SatchelDraft       *self);
const char         *satchel_draft_get_account      (SatchelDraft       *self);
void                satchel_draft_set_account      (SatchelDraft       *self,
                                                    const char         *account);
const char         *satchel_draft_get_to           (SatchelDraft       *self);
void                satchel_draft_set_to           (SatchelDraft       *self,
                                                    const char         *to);
const char         *satchel_draft_get_cc           (SatchelDraft       *self);
void                satchel_draft_set_cc           (SatchelDraft       *self,
                                                    const char         *cc);
const char         *satchel_draft_get_bcc          (SatchelDraft       *self);
void                satchel_draft_set_bcc          (SatchelDraft       *self,
                                                    const char         *bcc);
const char         *satchel_draft_get_subject      (SatchelDraft       *self);
void                satchel_draft_set_subject      (SatchelDraft       *self,
                                                    const char         *subject);
const char         *satchel_draft_get_body         (SatchelDraft       *self);
void                satchel_draft_set_body         (SatchelDraft       *self,
                                                    const char         *body);
const char         *satchel_draft_get_html         (SatchelDraft       *self);
void                satchel_draft_set_html         (SatchelDraft       *self,
                                                    const char         *html);
/* Absolute paths, in the order of the attachment list. (transfer none) */
const char * const *satchel_draft_get_attachments  (SatchelDraft       *self);
void                satchel_draft_set_attachments  (SatchelDraft       *self,
                                                    const char * const *paths);
gint64              satchel_draft_get_modified     (SatchelDraft       *self);
/* TRUE when nothing was typed and nothing attached. */
gboolean            satchel_draft_is_empty         (SatchelDraft       *self);

/* The drafts folder ($XDG_DATA_HOME/satchel/drafts/): one ID.eml per
 * draft (an RFC 5322 message with the text, and the recipients, account
 * and attachment paths in X-Satchel-* headers), written atomically
 * (temporary file, fsync, rename) with mode 0600. */
#define SATCHEL_TYPE_DRAFT_STORE (satchel_draft_store_get_type ())
G_DECLARE_FINAL_TYPE (SatchelDraftStore, satchel_draft_store, SATCHEL, DRAFT_STORE, GObject)

/* @dir: NULL for satchel_paths_drafts_dir(). */
SatchelDraftStore *satchel_draft_store_new    (const char         *dir);
/* Every draft, most recently modified first; unreadable files are
 * skipped with a warning, never deleted. (transfer full) GPtrArray of
 * SatchelDraft. */
GPtrArray         *satchel_draft_store_list   (SatchelDraftStore  *self,
                                               GError            **error);
/* (transfer full) */
SatchelDraft      *satchel_draft_store_load   (SatchelDraftStore  *self,
                                               const char         *id,
                                               GError            **error);
/* Writes @draft, giving it an id the first time; sets modified. */
gboolean           satchel_draft_store_save   (SatchelDraftStore  *self,
                                               SatchelDraft       *draft,
                                               GError            **error);
/* The same in a worker thread, on a copy of @draft taken now (the
 * window may go on editing); the id is given to @draft before this
 * returns. @callback runs on the caller's thread-default main context.
 * Saves of one draft are written in the order they were asked. */
void               satchel_draft_store_save_async  (SatchelDraftStore   *self,
                                                    SatchelDraft        *draft,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean           satchel_draft_store_save_finish (SatchelDraftStore   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
gboolean           satchel_draft_store_remove (SatchelDraftStore  *self,
                                               const char         *id,
                                               GError            **error);

G_END_DECLS
