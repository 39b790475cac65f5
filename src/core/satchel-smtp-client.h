/* satchel-smtp-client.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-account.h"
#include "satchel-smtp-reply.h"

G_BEGIN_DECLS

/* The steps of a session, for progress in the UI and for naming what
 * failed or timed out in error messages. */
typedef enum
{
  SATCHEL_SMTP_STEP_RESOLVE,
  SATCHEL_SMTP_STEP_CONNECT,
  SATCHEL_SMTP_STEP_TLS,
  SATCHEL_SMTP_STEP_GREETING,
  SATCHEL_SMTP_STEP_EHLO,
  SATCHEL_SMTP_STEP_STARTTLS,
  SATCHEL_SMTP_STEP_AUTH,
  SATCHEL_SMTP_STEP_MAIL,
  SATCHEL_SMTP_STEP_RCPT,
  SATCHEL_SMTP_STEP_DATA,
  SATCHEL_SMTP_STEP_DATA_END,  /* waiting for the reply to the final dot */
  SATCHEL_SMTP_STEP_QUIT,
} SatchelSmtpStep;

/* A translated phrase for the step ("waiting for the server's greeting"). */
const char *satchel_smtp_step_describe (SatchelSmtpStep step);

/* Called for every line on the wire, in the worker thread. AUTH payloads
 * (the initial response and every line after a 334) are given as
 * "<redacted N bytes>"; message content is never given, only a line
 * "<message: N bytes>". */
typedef void (*SatchelSmtpTranscriptFunc) (gboolean    from_server,
                                           const char *line,
                                           gpointer    user_data);
typedef void (*SatchelSmtpStepFunc)       (SatchelSmtpStep step,
                                           gpointer        user_data);
/* Bytes of the message sent so far (after dot-stuffing is not counted:
 * @sent counts bytes of the stored message). */
typedef void (*SatchelSmtpProgressFunc)   (guint64  sent,
                                           guint64  total,
                                           gpointer user_data);
/* Called once just before the terminating ".\r\n" is written: after
 * this, a lost connection means the server may have the message. */
typedef void (*SatchelSmtpDataEndFunc)    (gpointer user_data);

typedef enum
{
  SATCHEL_SMTP_SEND_NONE     = 0,
  SATCHEL_SMTP_SEND_8BITMIME = 1 << 0, /* BODY=8BITMIME if the server has it */
  SATCHEL_SMTP_SEND_SMTPUTF8 = 1 << 1, /* needs SMTPUTF8, else an error */
} SatchelSmtpSendFlags;

/* A recipient the server refused. */
typedef struct
{
  char             *recipient;
  SatchelSmtpReply *reply;
} SatchelSmtpRejection;

#define SATCHEL_TYPE_SMTP_CLIENT (satchel_smtp_client_get_type ())
G_DECLARE_FINAL_TYPE (SatchelSmtpClient, satchel_smtp_client, SATCHEL, SMTP_CLIENT, GObject)

/* One SMTP session for @account (its host, port, security, trust, user
 * name, mechanism and time-out are read now). All I/O calls block and
 * are cancellable: run them in a worker thread (GTask) or the CLI.
 * The callbacks are called in that same thread. */
SatchelSmtpClient *satchel_smtp_client_new (SatchelAccount *account);

void     satchel_smtp_client_set_transcript_func (SatchelSmtpClient        *self,
                                                  SatchelSmtpTranscriptFunc func,
                                                  gpointer                  user_data);
void     satchel_smtp_client_set_step_func       (SatchelSmtpClient        *self,
                                                  SatchelSmtpStepFunc       func,
                                                  gpointer                  user_data);
/* On by default; off sends the envelope one command at a time (for
 * benchmarks and comparison). */
void     satchel_smtp_client_set_pipelining      (SatchelSmtpClient        *self,
                                                  gboolean                  enabled);

/* Connects (implicit TLS straight away for SATCHEL_SECURITY_TLS), reads
 * the greeting, sends EHLO (HELO if EHLO is refused and no TLS is
 * needed), and for STARTTLS upgrades and sends EHLO again, forgetting
 * what was announced before. TLS below 1.2 is refused. Certificates are
 * checked against the account's host; a certificate the system CAs (or
 * the account's CA file) do not vouch for is accepted only if its
 * SHA-256 matches the account's pinned fingerprint. */
gboolean satchel_smtp_client_connect      (SatchelSmtpClient  *self,
                                           GCancellable       *cancellable,
                                           GError            **error);

/* Authenticates with @password (username from the account). Chooses the
 * account's mechanism or the strongest offered. Refuses to send
 * credentials without TLS unless the account allows plain-text auth.
 * A refusal stops at once (no other mechanism is tried). */
gboolean satchel_smtp_client_authenticate (SatchelSmtpClient  *self,
                                           const char         *password,
                                           GCancellable       *cancellable,
                                           GError            **error);

/* MAIL FROM (with SIZE= when announced), all RCPT TO (pipelined when
 * announced), and only when every recipient was accepted DATA, then the
 * message from @message (@size bytes in wire form: CRLF, not yet
 * dot-stuffed) with dot-stuffing and the final dot. A message larger than
 * the announced SIZE fails before MAIL. Rejected recipients: RSET,
 * SATCHEL_SMTP_ERROR_RECIPIENTS_REJECTED naming each with the server's
 * words, and satchel_smtp_client_get_rejections(). A lost connection
 * after the final dot is SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME. */
gboolean satchel_smtp_client_send         (SatchelSmtpClient        *self,
                                           const char               *from,
                                           const char * const       *recipients,
                                           GInputStream             *message,
                                           guint64                   size,
                                           SatchelSmtpSendFlags      flags,
                                           SatchelSmtpProgressFunc   progress,
                                           SatchelSmtpDataEndFunc    data_end,
                                           gpointer                  user_data,
                                           GCancellable             *cancellable,
                                           GError                  **error);

/* Sends QUIT and closes; errors after the message was accepted do not
 * matter and are only logged. */
void     satchel_smtp_client_quit         (SatchelSmtpClient  *self,
                                           GCancellable       *cancellable);

/* After connect: (transfer none) (nullable) */
const SatchelSmtpCapabilities *satchel_smtp_client_get_capabilities (SatchelSmtpClient *self);
/* (transfer none) (nullable) the last reply read. */
const SatchelSmtpReply        *satchel_smtp_client_get_last_reply   (SatchelSmtpClient *self);
/* (transfer none) GPtrArray of SatchelSmtpRejection from the last send. */
GPtrArray                     *satchel_smtp_client_get_rejections   (SatchelSmtpClient *self);
/* (transfer none) (nullable) the server's certificate, also after a
 * certificate error, with the problems found by
 * satchel_smtp_client_get_certificate_errors(). */
GTlsCertificate               *satchel_smtp_client_get_peer_certificate   (SatchelSmtpClient *self);
GTlsCertificateFlags           satchel_smtp_client_get_certificate_errors (SatchelSmtpClient *self);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" of the last handshake of this
 * session, also after it ended or failed (a version below 1.2 is
 * refused, but named here), or NULL without TLS (transfer full). */
char                          *satchel_smtp_client_dup_tls_description    (SatchelSmtpClient *self);
/* The step the session is at: after a failure, the one that failed. */
SatchelSmtpStep                satchel_smtp_client_get_step               (SatchelSmtpClient *self);
/* TRUE when the certificate was refused (then its problems are in
 * satchel_smtp_client_get_certificate_errors()), and whether it was
 * refused because it is not the one pinned for the account. */
gboolean                       satchel_smtp_client_get_certificate_rejected (SatchelSmtpClient *self);
gboolean                       satchel_smtp_client_get_pin_mismatch       (SatchelSmtpClient *self);
/* (transfer none) (nullable) the mechanism the last AUTH used. */
const char                    *satchel_smtp_client_get_auth_mechanism     (SatchelSmtpClient *self);

G_END_DECLS
