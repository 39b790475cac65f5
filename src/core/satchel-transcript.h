/* satchel-transcript.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account.h"
#include "satchel-smtp-client.h"

G_BEGIN_DECLS

/* How many session logs are kept; older ones are removed. */
#define SATCHEL_TRANSCRIPT_KEEP 50

#define SATCHEL_TYPE_TRANSCRIPT (satchel_transcript_get_type ())
G_DECLARE_FINAL_TYPE (SatchelTranscript, satchel_transcript, SATCHEL, TRANSCRIPT, GObject)

/* The log of one SMTP session (a send or a verification): a new file
 * in @dir (NULL: satchel_paths_logs_dir(), created mode 0700), mode 0600,
 * named TIME-WHAT-NAME.log with TIME in UTC to the microsecond so that
 * names sort by age. @what is "send" or "verify", @name the outbox id or
 * the account name. Opening prunes the folder to the newest
 * SATCHEL_TRANSCRIPT_KEEP logs. A log that cannot be written is no
 * reason to fail a send: lines are then only forwarded.
 *
 * Lines given to satchel_transcript_add_line() are written and passed on
 * to @forward (the caller's own transcript hook, may be NULL) unchanged.
 * Only what the SMTP client gives is written: AUTH payloads arrive
 * already redacted and the message only as its size. (transfer full) */
SatchelTranscript *satchel_transcript_new        (const char                *dir,
                                                  const char                *what,
                                                  const char                *name,
                                                  SatchelAccount            *account,
                                                  SatchelSmtpTranscriptFunc  forward,
                                                  gpointer                   forward_data);

/* A SatchelSmtpTranscriptFunc: @user_data is the SatchelTranscript.
 * Called from the thread doing the session only. */
void               satchel_transcript_add_line   (gboolean                   from_server,
                                                  const char                *line,
                                                  gpointer                   user_data);

/* Writes the outcome (@error, or success when NULL) and closes the
 * file. Later lines are only forwarded. */
void               satchel_transcript_finish     (SatchelTranscript         *self,
                                                  const GError              *error);

/* (transfer none) (nullable) the log file, NULL when none could be made. */
const char        *satchel_transcript_get_path   (SatchelTranscript         *self);

/* Removes the oldest session logs in @dir so that at most @keep remain;
 * other files are left alone. Returns how many were removed. */
guint              satchel_transcript_prune      (const char                *dir,
                                                  guint                      keep,
                                                  GError                   **error);

G_END_DECLS
