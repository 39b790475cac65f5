/* satchel-sender.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account.h"
#include "satchel-context.h"
#include "satchel-message.h"
#include "satchel-outbox.h"
#include "satchel-smtp-client.h"

G_BEGIN_DECLS

/* Hooks a caller may set for one send or verification. Every callback
 * runs in the thread doing the work (the CLI's, or a GTask worker; the
 * _async calls marshal progress to the caller's main context). */
typedef struct
{
  SatchelSmtpTranscriptFunc transcript;
  SatchelSmtpStepFunc       step;
  SatchelSmtpProgressFunc   progress;
  gpointer                  user_data;
  /* The password to use instead of asking the keyring (tests, a
   * password the user just typed). Not kept. */
  const char               *password;
  gboolean                  pipelining_off;
  /* Account setup only: when the full address is refused as the user
   * name (535 and the like) with the same mechanism, try its local part
   * once before giving up. Never set for sending. */
  gboolean                  try_local_part;
} SatchelSendHooks;

/* What a verification learned, also when it failed: the certificate to
 * show in a trust dialog, the user name that worked, what the server
 * offers. */
typedef struct
{
  GTlsCertificate      *certificate;         /* (nullable) the server's */
  GTlsCertificateFlags  certificate_errors;  /* every problem found; 0 if trusted */
  gboolean              pin_mismatch;        /* a pinned certificate was replaced */
  char                 *tls_description;     /* "TLSv1.3 TLS_AES_…" or NULL */
  char                 *username;            /* the user name that authenticated */
  char                **mechanisms;          /* offered after TLS, upper case */
  guint64               size_limit;          /* SIZE after TLS; 0 unknown or none */
  SatchelSmtpStep       failed_step;         /* the step that failed, when it did */
} SatchelVerifyReport;

void satchel_verify_report_free (SatchelVerifyReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SatchelVerifyReport, satchel_verify_report_free)

/* The retry schedule of temporary failures: the delay in seconds before
 * attempt number @attempts + 1 (1, 5, 15, 60 minutes, then hourly). */
gint64   satchel_sender_retry_delay     (guint attempts);
/* After this long in the outbox a temporary failure becomes permanent. */
#define SATCHEL_SENDER_GIVE_UP_SECONDS (4 * 24 * 3600)

/* Encodes @message once, straight into the outbox as a new item for
 * @account (state QUEUED, or HELD until @held_until when it is non-zero).
 * No network traffic. Cancelled before it is committed, nothing is left
 * in the outbox (G_IO_ERROR_CANCELLED). (transfer full) */
SatchelOutboxItem *satchel_sender_queue_message (SatchelContext  *context,
                                                 SatchelAccount  *account,
                                                 SatchelMessage  *message,
                                                 gint64           held_until,
                                                 GCancellable    *cancellable,
                                                 GError         **error);

/* The same in a worker thread, for the GUI: encoding a 1 GB attachment
 * must not block the main loop. @message must not change until
 * @callback runs, on the caller's thread-default main context. */
void     satchel_sender_queue_message_async  (SatchelContext      *context,
                                              SatchelAccount      *account,
                                              SatchelMessage      *message,
                                              gint64               held_until,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* (transfer full) the new item, or NULL and @error. */
SatchelOutboxItem *satchel_sender_queue_message_finish (GAsyncResult  *result,
                                                        GError       **error);

/* Sends one outbox item now: takes its lock, fetches the password,
 * connects, authenticates, sends from the stored file, and on the
 * server's 250 moves it to the sent folder. On failure the item stays
 * with its reason: QUEUED with the next attempt for temporary failures,
 * FAILED for permanent ones, UNKNOWN when the connection broke after the
 * final dot. Refuses HELD items before their time and UNKNOWN items
 * (unless @resend_unknown). Blocking. */
gboolean satchel_sender_send_item_sync  (SatchelContext          *context,
                                         SatchelOutboxItem       *item,
                                         gboolean                 resend_unknown,
                                         const SatchelSendHooks  *hooks,
                                         GCancellable            *cancellable,
                                         GError                 **error);

/* Sends every item that is due (QUEUED with next_attempt passed, HELD
 * past held_until, UNKNOWN only with @resend_unknown); items locked by
 * another process are skipped. Returns the number sent; *@n_failed counts
 * failures. The first error is returned in @error. */
guint    satchel_sender_flush_sync      (SatchelContext          *context,
                                         gboolean                 resend_unknown,
                                         const SatchelSendHooks  *hooks,
                                         guint                   *n_failed,
                                         GCancellable            *cancellable,
                                         GError                 **error);

/* Connect, TLS, EHLO, AUTH, QUIT for @account, remembering the server's
 * SIZE limit and AUTH mechanisms in @account ("size-limit",
 * "server-mechanisms"), and, when hooks->try_local_part found that the
 * local part works as the user name, that user name. Blocking. */
gboolean satchel_sender_verify_sync     (SatchelAccount          *account,
                                         const SatchelSendHooks  *hooks,
                                         GCancellable            *cancellable,
                                         GError                 **error);

/* The same in a worker thread; @callback runs on the caller's thread-
 * default main context. Hooks' callbacks run in the worker. It works on
 * a copy of @account: what it learned is in the report
 * (satchel_sender_verify_get_report()). */
void     satchel_sender_verify_async    (SatchelAccount          *account,
                                         const SatchelSendHooks  *hooks,
                                         GCancellable            *cancellable,
                                         GAsyncReadyCallback      callback,
                                         gpointer                 user_data);
gboolean satchel_sender_verify_finish   (GAsyncResult            *result,
                                         GError                 **error);

/* Like satchel_sender_verify_sync(), filling *@report (transfer full,
 * also on failure) when @report is not NULL. */
gboolean satchel_sender_verify_report_sync (SatchelAccount          *account,
                                            const SatchelSendHooks  *hooks,
                                            SatchelVerifyReport    **report,
                                            GCancellable            *cancellable,
                                            GError                 **error);

/* After satchel_sender_verify_async() completed, successfully or not:
 * (transfer none) the report, valid as long as @result. */
SatchelVerifyReport *satchel_sender_verify_get_report (GAsyncResult *result);

/* satchel_sender_send_item_sync() in a worker thread, which reads the
 * accounts and the outbox through a context of its own, so that nothing
 * the caller's main loop shows changes from another thread; @item is
 * re-read from the outbox on the caller's thread-default main context
 * before @callback runs there. Hooks' callbacks run in the worker. */
void     satchel_sender_send_item_async (SatchelContext          *context,
                                         SatchelOutboxItem       *item,
                                         const SatchelSendHooks  *hooks,
                                         GCancellable            *cancellable,
                                         GAsyncReadyCallback      callback,
                                         gpointer                 user_data);
gboolean satchel_sender_send_item_finish (GAsyncResult           *result,
                                          GError                **error);

G_END_DECLS
