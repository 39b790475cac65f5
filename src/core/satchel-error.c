/* satchel-error.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-error"

#include "config.h"

#include "satchel-error.h"

#include <gio/gio.h>

G_DEFINE_QUARK (satchel-smtp-error-quark, satchel_smtp_error)
G_DEFINE_QUARK (satchel-account-error-quark, satchel_account_error)
G_DEFINE_QUARK (satchel-secret-error-quark, satchel_secret_error)
G_DEFINE_QUARK (satchel-message-error-quark, satchel_message_error)
G_DEFINE_QUARK (satchel-outbox-error-quark, satchel_outbox_error)

gboolean
satchel_error_is_temporary (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == SATCHEL_SMTP_ERROR)
    {
      switch ((SatchelSmtpError) error->code)
        {
        case SATCHEL_SMTP_ERROR_HOST_NOT_FOUND:
        case SATCHEL_SMTP_ERROR_CONNECTION_REFUSED:
        case SATCHEL_SMTP_ERROR_TIMED_OUT:
        case SATCHEL_SMTP_ERROR_CONNECTION_LOST:
        case SATCHEL_SMTP_ERROR_TEMPORARY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  if (error->domain == G_IO_ERROR)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;

  return FALSE;
}
