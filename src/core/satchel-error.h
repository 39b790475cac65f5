/* satchel-error.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the SMTP engine. Every message is translated, says what
 * failed and what to do, and quotes the server's words when there are any
 * (labelled, escaped and length-limited by satchel_smtp_reply_quote()). */
#define SATCHEL_SMTP_ERROR (satchel_smtp_error_quark ())
typedef enum
{
  SATCHEL_SMTP_ERROR_HOST_NOT_FOUND,         /* DNS said no such host */
  SATCHEL_SMTP_ERROR_CONNECTION_REFUSED,     /* nothing listens there */
  SATCHEL_SMTP_ERROR_TIMED_OUT,              /* a phase took too long */
  SATCHEL_SMTP_ERROR_CONNECTION_LOST,        /* closed or reset mid-session */
  SATCHEL_SMTP_ERROR_TLS_FAILED,             /* handshake, old version, not TLS */
  SATCHEL_SMTP_ERROR_CERTIFICATE,            /* certificate not trusted */
  SATCHEL_SMTP_ERROR_STARTTLS_NOT_OFFERED,   /* never downgrade */
  SATCHEL_SMTP_ERROR_STARTTLS_INJECTION,     /* bytes after the 220 */
  SATCHEL_SMTP_ERROR_PROTOCOL,               /* malformed or oversized reply */
  SATCHEL_SMTP_ERROR_AUTH_FAILED,            /* credentials refused (535 …) */
  SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,       /* no mechanism we can use */
  SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED, /* would send credentials in clear */
  SATCHEL_SMTP_ERROR_TEMPORARY,              /* a 4xx reply */
  SATCHEL_SMTP_ERROR_PERMANENT,              /* a 5xx reply */
  SATCHEL_SMTP_ERROR_RECIPIENTS_REJECTED,    /* one or more RCPT refused */
  SATCHEL_SMTP_ERROR_MESSAGE_TOO_BIG,        /* over the server's SIZE */
  SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME,        /* lost after the final dot */
  SATCHEL_SMTP_ERROR_SMTPUTF8_REQUIRED,      /* UTF-8 address, no SMTPUTF8 */
  SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED,  /* 534 5.7.9 and kin: the provider
                                              * wants an app password */
} SatchelSmtpError;

/* Errors of accounts.ini and account values. */
#define SATCHEL_ACCOUNT_ERROR (satchel_account_error_quark ())
typedef enum
{
  SATCHEL_ACCOUNT_ERROR_NOT_FOUND,   /* no account of that name */
  SATCHEL_ACCOUNT_ERROR_EXISTS,      /* the name is taken */
  SATCHEL_ACCOUNT_ERROR_INVALID,     /* a field's value is wrong */
  SATCHEL_ACCOUNT_ERROR_NO_DEFAULT,  /* no account at all */
  SATCHEL_ACCOUNT_ERROR_FILE,        /* accounts.ini unreadable or corrupt */
  SATCHEL_ACCOUNT_ERROR_BUSY,        /* queued messages still use it */
} SatchelAccountError;

/* Errors of the keyring and password commands. */
#define SATCHEL_SECRET_ERROR (satchel_secret_error_quark ())
typedef enum
{
  SATCHEL_SECRET_ERROR_UNAVAILABLE,    /* no Secret Service on the bus */
  SATCHEL_SECRET_ERROR_LOCKED,         /* the keyring is locked */
  SATCHEL_SECRET_ERROR_NO_PASSWORD,    /* nothing stored for the account */
  SATCHEL_SECRET_ERROR_COMMAND_FAILED, /* the password command failed */
} SatchelSecretError;

/* Errors of composed messages and of messages read from sendmail input. */
#define SATCHEL_MESSAGE_ERROR (satchel_message_error_quark ())
typedef enum
{
  SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS,  /* an address does not parse */
  SATCHEL_MESSAGE_ERROR_HEADER_INJECTION, /* CR or LF in header input */
  SATCHEL_MESSAGE_ERROR_NO_RECIPIENTS,
  SATCHEL_MESSAGE_ERROR_FILE,             /* an attachment cannot be read */
  SATCHEL_MESSAGE_ERROR_INVALID,          /* anything else wrong in the input */
} SatchelMessageError;

/* Errors of the outbox. */
#define SATCHEL_OUTBOX_ERROR (satchel_outbox_error_quark ())
typedef enum
{
  SATCHEL_OUTBOX_ERROR_NOT_FOUND, /* no message with that id */
  SATCHEL_OUTBOX_ERROR_BUSY,      /* another process is sending it */
  SATCHEL_OUTBOX_ERROR_CORRUPT,   /* a state file cannot be read */
} SatchelOutboxError;

GQuark satchel_smtp_error_quark (void);
GQuark satchel_account_error_quark (void);
GQuark satchel_secret_error_quark (void);
GQuark satchel_message_error_quark (void);
GQuark satchel_outbox_error_quark (void);

/* TRUE when trying again later may succeed: the message stays queued. */
gboolean satchel_error_is_temporary (const GError *error);

G_END_DECLS
