/* satchel-sender.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-sender"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-sender.h"

#include "satchel-contact-store.h"
#include "satchel-error.h"
#include "satchel-mime.h"
#include "satchel-secret.h"
#include "satchel-transcript.h"

#include <string.h>

/* Passwords are copied with g_strdup and wiped before they are freed. */
static void
password_free (char *password)
{
  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

/* What a send, a verification or queueing needs in its worker thread:
 * copies, so that the caller may change or free its own while it runs.
 * Sends use @item_id, not the caller's item: the worker reads the
 * outbox through a context of its own. */
typedef struct
{
  SatchelContext      *context;
  SatchelOutboxItem   *item;
  char                *item_id;
  SatchelAccount      *account;
  SatchelMessage      *message;
  gint64               held_until;
  SatchelSendHooks     hooks;
  char                *password;
  SatchelVerifyReport *report;
} SenderJob;

static void
sender_job_free (SenderJob *job)
{
  g_clear_object (&job->context);
  g_clear_object (&job->item);
  g_free (job->item_id);
  g_clear_object (&job->account);
  g_clear_object (&job->message);
  g_clear_pointer (&job->password, password_free);
  g_clear_pointer (&job->report, satchel_verify_report_free);
  g_free (job);
}

static SenderJob *
sender_job_new (SatchelContext         *context,
                SatchelOutboxItem      *item,
                SatchelAccount         *account,
                const SatchelSendHooks *hooks)
{
  SenderJob *job = g_new0 (SenderJob, 1);

  job->context = context ? g_object_ref (context) : NULL;
  job->item = item ? g_object_ref (item) : NULL;
  job->item_id = item ? g_strdup (satchel_outbox_item_get_id (item)) : NULL;
  job->account = account ? satchel_account_copy (account) : NULL;
  if (hooks != NULL)
    {
      job->hooks = *hooks;
      job->password = g_strdup (hooks->password);
      job->hooks.password = job->password;
    }

  return job;
}

/* The delays of the retry schedule: 1, 5, 15 and 60 minutes, then
 * hourly. */
gint64
satchel_sender_retry_delay (guint attempts)
{
  static const gint64 delays[] = { 60, 5 * 60, 15 * 60, 60 * 60 };

  if (attempts == 0)
    return 0;
  if (attempts <= G_N_ELEMENTS (delays))
    return delays[attempts - 1];
  return 60 * 60;
}

/* The password to log in with, or NULL (and no error) when the account
 * has none: such an account sends without AUTH. */
static gboolean
fetch_password (SatchelAccount          *account,
                const SatchelSendHooks  *hooks,
                char                   **password,
                GCancellable            *cancellable,
                GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  char *stored;

  *password = NULL;

  if (hooks != NULL && hooks->password != NULL)
    {
      *password = g_strdup (hooks->password);
      return TRUE;
    }

  stored = satchel_secret_lookup_sync (account, cancellable, &local_error);
  if (stored != NULL)
    {
      *password = g_strdup (stored);
      secret_password_free (stored);
      return TRUE;
    }

  if (g_error_matches (local_error, SATCHEL_SECRET_ERROR,
                       SATCHEL_SECRET_ERROR_NO_PASSWORD))
    return TRUE;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
open_session (SatchelSmtpClient       *client,
              const char              *password,
              GCancellable            *cancellable,
              GError                 **error)
{
  if (!satchel_smtp_client_connect (client, cancellable, error))
    return FALSE;

  if (password != NULL &&
      !satchel_smtp_client_authenticate (client, password, cancellable, error))
    return FALSE;

  return TRUE;
}

/* Every session is logged in @transcript, which passes the lines on to
 * the caller's transcript hook. */
static SatchelTranscript *
open_transcript (const char             *what,
                 const char             *name,
                 SatchelAccount         *account,
                 const SatchelSendHooks *hooks)
{
  return satchel_transcript_new (NULL, what, name, account,
                                 hooks != NULL ? hooks->transcript : NULL,
                                 hooks != NULL ? hooks->user_data : NULL);
}

static SatchelSmtpClient *
make_client (SatchelAccount         *account,
             const SatchelSendHooks *hooks,
             SatchelTranscript      *transcript)
{
  SatchelSmtpClient *client = satchel_smtp_client_new (account);

  satchel_smtp_client_set_transcript_func (client, satchel_transcript_add_line,
                                           transcript);
  if (hooks != NULL)
    {
      if (hooks->step != NULL)
        satchel_smtp_client_set_step_func (client, hooks->step,
                                           hooks->user_data);
      if (hooks->pipelining_off)
        satchel_smtp_client_set_pipelining (client, FALSE);
    }

  return client;
}

void
satchel_verify_report_free (SatchelVerifyReport *report)
{
  if (report == NULL)
    return;

  g_clear_object (&report->certificate);
  g_free (report->tls_description);
  g_free (report->username);
  g_strfreev (report->mechanisms);
  g_free (report);
}

/* What the session of @client showed; a later session overwrites it. */
static void
fill_report (SatchelVerifyReport *report,
             SatchelSmtpClient   *client,
             const GError        *error)
{
  const SatchelSmtpCapabilities *caps = satchel_smtp_client_get_capabilities (client);

  g_set_object (&report->certificate, satchel_smtp_client_get_peer_certificate (client));
  report->certificate_errors = satchel_smtp_client_get_certificate_rejected (client)
                               ? satchel_smtp_client_get_certificate_errors (client)
                               : 0;
  report->pin_mismatch = satchel_smtp_client_get_pin_mismatch (client);
  g_free (report->tls_description);
  report->tls_description = satchel_smtp_client_dup_tls_description (client);

  /* The client forgets what was announced before TLS: these are the
   * capabilities of the encrypted session (or of a plain one). */
  if (caps != NULL)
    {
      g_strfreev (report->mechanisms);
      report->mechanisms = g_strdupv (caps->auth);
      report->size_limit = caps->has_size ? caps->size : 0;
    }

  report->failed_step = error != NULL ? satchel_smtp_client_get_step (client) : 0;
}

/* One session for a verification: connect, TLS, EHLO, AUTH (with
 * @password), QUIT. *@mechanism is the mechanism AUTH used, *@refusal
 * the server's answer when AUTH was refused. */
static gboolean
verify_session (SatchelAccount          *account,
                const SatchelSendHooks  *hooks,
                SatchelTranscript       *transcript,
                const char              *password,
                SatchelVerifyReport     *report,
                char                   **mechanism,
                SatchelSmtpReply       **refusal,
                GCancellable            *cancellable,
                GError                 **error)
{
  g_autoptr(SatchelSmtpClient) client = make_client (account, hooks, transcript);
  g_autoptr(GError) local_error = NULL;

  if (open_session (client, password, cancellable, &local_error))
    {
      fill_report (report, client, NULL);
      satchel_smtp_client_quit (client, cancellable);
      return TRUE;
    }

  fill_report (report, client, local_error);
  if (mechanism != NULL)
    *mechanism = g_strdup (satchel_smtp_client_get_auth_mechanism (client));
  if (refusal != NULL &&
      satchel_smtp_client_get_step (client) == SATCHEL_SMTP_STEP_AUTH &&
      satchel_smtp_client_get_last_reply (client) != NULL)
    *refusal = satchel_smtp_reply_copy (satchel_smtp_client_get_last_reply (client));

  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* The server said no to this user name and password (535, 5.7.8): not
 * "try later" (4xx), not "use an app password" (534). */
static gboolean
is_login_refused (const GError           *error,
                  const SatchelSmtpReply *refusal)
{
  return g_error_matches (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED) &&
         refusal != NULL &&
         (refusal->code == 535 || g_strcmp0 (refusal->enhanced, "5.7.8") == 0);
}

/* "alice" of "alice@example.com"; NULL when @username is no address. */
static char *
dup_local_part (const char *username)
{
  const char *at = username != NULL ? strrchr (username, '@') : NULL;

  if (at == NULL || at == username || at[1] == '\0')
    return NULL;
  return g_strndup (username, at - username);
}

gboolean
satchel_sender_verify_report_sync (SatchelAccount          *account,
                                   const SatchelSendHooks  *hooks,
                                   SatchelVerifyReport    **report_out,
                                   GCancellable            *cancellable,
                                   GError                 **error)
{
  g_autoptr(SatchelVerifyReport) report = g_new0 (SatchelVerifyReport, 1);
  g_autoptr(SatchelTranscript) transcript = NULL;
  g_autoptr(SatchelSmtpReply) refusal = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *mechanism = NULL;
  g_autofree char *username = NULL;
  g_autofree char *local_part = NULL;
  char *password = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!fetch_password (account, hooks, &password, cancellable, &local_error))
    {
      /* Signing in is what needs it. */
      report->failed_step = SATCHEL_SMTP_STEP_AUTH;
      goto out;
    }

  username = g_strdup (satchel_account_get_username (account));
  transcript = open_transcript ("verify", satchel_account_get_name (account),
                                account, hooks);
  ok = verify_session (account, hooks, transcript, password, report,
                       &mechanism, &refusal, cancellable, &local_error);

  /* Account setup only: many servers want "alice", not
   * "alice@example.com". Once, with the same mechanism. */
  if (!ok && hooks != NULL && hooks->try_local_part && password != NULL &&
      is_login_refused (local_error, refusal) &&
      (local_part = dup_local_part (username)) != NULL)
    {
      g_autoptr(SatchelAccount) retry = satchel_account_copy (account);
      g_autoptr(SatchelSmtpReply) retry_refusal = NULL;
      g_autoptr(GError) retry_error = NULL;

      satchel_account_set_username (retry, local_part);
      satchel_account_set_auth_mechanism (retry, mechanism);
      ok = verify_session (retry, hooks, transcript, password, report,
                           NULL, &retry_refusal, cancellable, &retry_error);
      g_clear_error (&local_error);
      if (ok)
        {
          satchel_account_set_username (account, local_part);
          g_free (username);
          username = g_strdup (local_part);
        }
      else if (is_login_refused (retry_error, retry_refusal))
        {
          g_autofree char *where = g_strdup_printf ("%s:%u", satchel_account_get_host (account),
                                                    satchel_account_get_port (account));
          g_autofree char *quote = satchel_smtp_reply_quote (retry_refusal, 200);

          g_set_error (&local_error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                       _("The server %s refused to sign in both as “%s” and as "
                         "“%s” (%s): %s. Check the user name and password."),
                       where, username, local_part, mechanism, quote);
        }
      else
        local_error = g_steal_pointer (&retry_error);
    }
  /* No password, no AUTH: no user name signed in. */
  if (ok && password != NULL)
    report->username = g_strdup (username);
  g_clear_pointer (&password, password_free);

  /* Remember what the server allows, for the compose window. */
  if (report->mechanisms != NULL)
    {
      satchel_account_set_size_limit (account, report->size_limit);
      satchel_account_set_server_mechanisms (account, (const char * const *) report->mechanisms);
    }

  satchel_transcript_finish (transcript, local_error);

out:
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

gboolean
satchel_sender_verify_sync (SatchelAccount          *account,
                            const SatchelSendHooks  *hooks,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  return satchel_sender_verify_report_sync (account, hooks, NULL, cancellable, error);
}

/* Writes the wire form of @mime into the new outbox file @fd. */
static gboolean
write_mime_to_fd (GMimeMessage  *mime,
                  int            fd,
                  GError       **error)
{
  GMimeStream *stream = g_mime_stream_fs_new (fd);
  gint64 written;

  g_mime_stream_fs_set_owner (GMIME_STREAM_FS (stream), FALSE);
  written = satchel_mime_write (mime, stream, error);
  g_object_unref (stream);

  return written >= 0;
}

SatchelOutboxItem *
satchel_sender_queue_message (SatchelContext  *context,
                              SatchelAccount  *account,
                              SatchelMessage  *message,
                              gint64           held_until,
                              GCancellable    *cancellable,
                              GError         **error)
{
  SatchelOutbox *outbox;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GPtrArray) recipients = NULL;
  g_autofree char *sender = NULL;
  GMimeMessage *mime;
  gboolean written;
  int fd = -1;

  g_return_val_if_fail (SATCHEL_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (message), NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !satchel_message_validate (message, error))
    return NULL;

  mime = satchel_mime_build (message, error);
  if (mime == NULL)
    return NULL;

  outbox = satchel_context_get_outbox (context);
  item = satchel_outbox_begin (outbox, &fd, error);
  if (item == NULL)
    {
      g_object_unref (mime);
      return NULL;
    }

  written = write_mime_to_fd (mime, fd, error);
  g_object_unref (mime);
  /* Cancelled while it was written: nothing may be left to send. */
  if (!written || g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      satchel_outbox_abort (outbox, item, fd);
      return NULL;
    }

  sender = satchel_address_to_envelope (satchel_message_get_from (message));
  recipients = satchel_message_dup_envelope_recipients (message);
  g_ptr_array_add (recipients, NULL);

  satchel_outbox_item_set_account (item, satchel_account_get_name (account));
  satchel_outbox_item_set_sender (item, sender);
  satchel_outbox_item_set_recipients (item, (const char * const *) recipients->pdata);
  satchel_outbox_item_set_subject (item, satchel_message_get_subject (message));
  satchel_outbox_item_set_needs_smtputf8 (item, satchel_message_needs_smtputf8 (message));
  if (held_until > 0)
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_HELD);
      satchel_outbox_item_set_held_until (item, held_until);
    }

  if (!satchel_outbox_commit (outbox, item, fd, error))
    return NULL;

  return g_steal_pointer (&item);
}

typedef struct
{
  SatchelOutbox     *outbox;
  SatchelOutboxItem *item;
} DataEndData;

/* Just before the final dot: from here on a lost connection means the
 * server may have the message, so a crash must not lead to a resend. */
static void
mark_data_ended (gpointer user_data)
{
  DataEndData *data = user_data;
  g_autoptr(GError) error = NULL;

  satchel_outbox_item_set_data_ended (data->item, TRUE);
  if (!satchel_outbox_save (data->outbox, data->item, &error))
    g_message ("Could not record the end of data for %s: %s",
               satchel_outbox_item_get_id (data->item), error->message);
}

typedef struct
{
  const SatchelSendHooks *hooks;
  DataEndData             data_end;
} SendCallbacks;

static void
forward_progress (guint64  sent,
                  guint64  total,
                  gpointer user_data)
{
  SendCallbacks *callbacks = user_data;

  if (callbacks->hooks != NULL && callbacks->hooks->progress != NULL)
    callbacks->hooks->progress (sent, total, callbacks->hooks->user_data);
}

static void
forward_data_end (gpointer user_data)
{
  SendCallbacks *callbacks = user_data;

  mark_data_ended (&callbacks->data_end);
}

/* A failure's consequence for the queued message. */
static void
record_failure (SatchelOutbox     *outbox,
                SatchelOutboxItem *item,
                const GError      *failure)
{
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  satchel_outbox_item_set_last_error (item, failure->message);

  if (g_error_matches (failure, SATCHEL_SMTP_ERROR,
                       SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME))
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_UNKNOWN);
    }
  else if (satchel_error_is_temporary (failure) ||
           failure->domain == SATCHEL_SECRET_ERROR)
    {
      /* Keyring trouble is the user's to fix, but the message is fine:
       * keep it queued and try again on the schedule. */
      if (now - satchel_outbox_item_get_created (item) > SATCHEL_SENDER_GIVE_UP_SECONDS)
        {
          satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_FAILED);
        }
      else
        {
          guint attempts = satchel_outbox_item_get_attempts (item);

          satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_QUEUED);
          if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            satchel_outbox_item_set_next_attempt (item, now);
          else
            satchel_outbox_item_set_next_attempt (item, now + satchel_sender_retry_delay (attempts));
        }
    }
  else
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_FAILED);
    }

  if (!satchel_outbox_save (outbox, item, &error))
    g_message ("Could not record the failure of %s: %s",
               satchel_outbox_item_get_id (item), error->message);
}

/* Brings an item whose sender died back to a state that says what may
 * have happened; called with its lock held. */
static void
recover_stale_item (SatchelOutbox     *outbox,
                    SatchelOutboxItem *item)
{
  g_autoptr(GError) error = NULL;

  if (satchel_outbox_item_get_state (item) != SATCHEL_OUTBOX_SENDING)
    return;

  if (satchel_outbox_item_get_data_ended (item))
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_UNKNOWN);
      satchel_outbox_item_set_last_error (item,
        _("The connection was lost after the whole message had been sent: "
          "the server may have accepted it. Check the recipient’s mailbox "
          "before sending it again."));
    }
  else
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_QUEUED);
    }

  if (!satchel_outbox_save (outbox, item, &error))
    g_message ("Could not recover %s: %s", satchel_outbox_item_get_id (item),
               error->message);
}

static gboolean
check_sendable (SatchelOutboxItem  *item,
                gboolean            resend_unknown,
                GError            **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  switch (satchel_outbox_item_get_state (item))
    {
    case SATCHEL_OUTBOX_HELD:
      if (satchel_outbox_item_get_held_until (item) > now)
        {
          g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                       _("The message is held for its undo time and is sent "
                         "when that ends."));
          return FALSE;
        }
      return TRUE;

    case SATCHEL_OUTBOX_UNKNOWN:
      if (!resend_unknown)
        {
          g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                       _("The server may already have this message. Check the "
                         "recipient’s mailbox, then resend it explicitly with "
                         "“outbox flush --resend-unknown”."));
          return FALSE;
        }
      return TRUE;

    case SATCHEL_OUTBOX_QUEUED:
    case SATCHEL_OUTBOX_FAILED:
    case SATCHEL_OUTBOX_SENDING:
    default:
      return TRUE;
    }
}

gboolean
satchel_sender_send_item_sync (SatchelContext          *context,
                               SatchelOutboxItem       *item,
                               gboolean                 resend_unknown,
                               const SatchelSendHooks  *hooks,
                               GCancellable            *cancellable,
                               GError                 **error)
{
  SatchelOutbox *outbox;
  SatchelAccountStore *accounts;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelTranscript) transcript = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) input = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  char *password = NULL;
  SatchelSmtpSendFlags flags = SATCHEL_SMTP_SEND_NONE;
  SendCallbacks callbacks = { 0 };
  gboolean ok = FALSE;

  g_return_val_if_fail (SATCHEL_IS_CONTEXT (context), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);

  outbox = satchel_context_get_outbox (context);
  accounts = satchel_context_get_accounts (context);

  if (!satchel_outbox_lock (outbox, item, error))
    return FALSE;

  if (!satchel_outbox_reload (outbox, item, error))
    goto out;

  recover_stale_item (outbox, item);
  if (!check_sendable (item, resend_unknown, error))
    goto out;

  if (!satchel_account_store_load (accounts, error))
    goto out;
  account = satchel_account_store_lookup (accounts, satchel_outbox_item_get_account (item));
  if (account == NULL)
    {
      g_set_error (&local_error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                   _("The account “%s” of this message no longer exists. Add it "
                     "again, then retry the message."),
                   satchel_outbox_item_get_account (item));
      record_failure (outbox, item, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }

  if (!fetch_password (account, hooks, &password, cancellable, &local_error))
    {
      record_failure (outbox, item, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }

  satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_SENDING);
  satchel_outbox_item_set_data_ended (item, FALSE);
  satchel_outbox_item_set_attempts (item, satchel_outbox_item_get_attempts (item) + 1);
  if (!satchel_outbox_save (outbox, item, error))
    goto out;

  path = satchel_outbox_dup_message_path (outbox, item);
  file = g_file_new_for_path (path);
  input = g_file_read (file, cancellable, &local_error);

  transcript = open_transcript ("send", satchel_outbox_item_get_id (item),
                                account, hooks);
  client = make_client (account, hooks, transcript);
  if (input != NULL &&
      open_session (client, password, cancellable, &local_error))
    {
      if (satchel_outbox_item_get_needs_8bit (item))
        flags |= SATCHEL_SMTP_SEND_8BITMIME;
      if (satchel_outbox_item_get_needs_smtputf8 (item))
        flags |= SATCHEL_SMTP_SEND_SMTPUTF8;

      callbacks.hooks = hooks;
      callbacks.data_end.outbox = outbox;
      callbacks.data_end.item = item;
      ok = satchel_smtp_client_send (client,
                                     satchel_outbox_item_get_sender (item),
                                     satchel_outbox_item_get_recipients (item),
                                     G_INPUT_STREAM (input),
                                     satchel_outbox_item_get_size (item),
                                     flags,
                                     forward_progress,
                                     forward_data_end,
                                     &callbacks,
                                     cancellable,
                                     &local_error);
    }
  g_clear_pointer (&password, password_free);

  if (!ok)
    {
      satchel_transcript_finish (transcript, local_error);
      record_failure (outbox, item, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }

  satchel_smtp_client_quit (client, cancellable);
  satchel_transcript_finish (transcript, NULL);
  g_clear_object (&input);

  /* Autocomplete offers frequent and recent recipients first. */
  satchel_contacts_record_sent (satchel_outbox_item_get_recipients (item));

  /* The server has it: it must not stay in the outbox, whatever happens
   * to the copy in the sent folder. */
  if (!satchel_outbox_move_to_sent (outbox, item, &local_error))
    {
      g_message ("Sent %s, but could not move it to the sent folder: %s",
                 satchel_outbox_item_get_id (item), local_error->message);
      g_clear_error (&local_error);
      if (!satchel_outbox_remove (outbox, item, &local_error))
        g_message ("Could not remove sent message %s: %s",
                   satchel_outbox_item_get_id (item), local_error->message);
    }

out:
  satchel_outbox_unlock (outbox, item);
  return ok;
}

guint
satchel_sender_flush_sync (SatchelContext          *context,
                           gboolean                 resend_unknown,
                           const SatchelSendHooks  *hooks,
                           guint                   *n_failed,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(GPtrArray) items = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint n_sent = 0;
  guint failed = 0;

  g_return_val_if_fail (SATCHEL_IS_CONTEXT (context), 0);

  items = satchel_outbox_list (satchel_context_get_outbox (context), error);
  if (items == NULL)
    {
      if (n_failed != NULL)
        *n_failed = 0;
      return 0;
    }

  for (guint i = 0; i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) local_error = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (satchel_outbox_item_get_due (item, resend_unknown) > now)
        continue;

      if (satchel_sender_send_item_sync (context, item, resend_unknown, hooks,
                                         cancellable, &local_error))
        {
          n_sent++;
          continue;
        }

      /* Another process is sending it, or it was not due after all. */
      if (g_error_matches (local_error, SATCHEL_OUTBOX_ERROR,
                           SATCHEL_OUTBOX_ERROR_BUSY))
        continue;

      failed++;
      if (error != NULL && *error == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  if (n_failed != NULL)
    *n_failed = failed;
  return n_sent;
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SenderJob *job = task_data;
  GError *error = NULL;

  /* The report stays with the task, for satchel_sender_verify_get_report(). */
  if (satchel_sender_verify_report_sync (job->account, &job->hooks, &job->report,
                                         cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
satchel_sender_verify_async (SatchelAccount          *account,
                             const SatchelSendHooks  *hooks,
                             GCancellable            *cancellable,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SATCHEL_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_sender_verify_async);
  g_task_set_task_data (task, sender_job_new (NULL, NULL, account, hooks),
                        (GDestroyNotify) sender_job_free);
  g_task_run_in_thread (task, verify_thread);
}

gboolean
satchel_sender_verify_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

SatchelVerifyReport *
satchel_sender_verify_get_report (GAsyncResult *result)
{
  SenderJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == satchel_sender_verify_async, NULL);

  job = g_task_get_task_data (G_TASK (result));
  return job->report;
}

/* In the worker: the accounts and the outbox are read through a context
 * of its own (the same files, under the same locks), as the scheduler
 * does, so that nothing the caller's main loop shows (the account
 * store's model, the caller's item) changes from this thread. */
static void
send_item_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SenderJob *job = task_data;
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelOutboxItem) item = NULL;
  GError *error = NULL;

  item = satchel_outbox_lookup (satchel_context_get_outbox (context), job->item_id, &error);
  if (item != NULL &&
      satchel_sender_send_item_sync (context, item, FALSE, &job->hooks,
                                     cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Back on the caller's main context: the caller's item catches up with
 * what the worker wrote (unless it left the outbox), then the caller
 * hears of it. */
static void
on_send_item_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SenderJob *job = g_task_get_task_data (task);
  g_autoptr(GError) reload_error = NULL;
  GError *error = NULL;

  if (!satchel_outbox_reload (satchel_context_get_outbox (job->context), job->item,
                              &reload_error))
    g_debug ("Outbox item %s not reloaded: %s", job->item_id, reload_error->message);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
satchel_sender_send_item_async (SatchelContext          *context,
                                SatchelOutboxItem       *item,
                                const SatchelSendHooks  *hooks,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  SenderJob *job;

  g_return_if_fail (SATCHEL_IS_CONTEXT (context));
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (item));

  job = sender_job_new (context, item, NULL, hooks);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_sender_send_item_async);
  g_task_set_task_data (task, job, (GDestroyNotify) sender_job_free);

  /* The worker's task shares the job, which the outer task owns and
   * outlives it. */
  worker = g_task_new (NULL, cancellable, on_send_item_done, g_object_ref (task));
  g_task_set_source_tag (worker, send_item_thread);
  g_task_set_task_data (worker, job, NULL);
  g_task_run_in_thread (worker, send_item_thread);
}

gboolean
satchel_sender_send_item_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
queue_message_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  SenderJob *job = task_data;
  SatchelOutboxItem *item;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* The context only names the outbox folder: nothing in it changes. */
  item = satchel_sender_queue_message (job->context, job->account, job->message,
                                       job->held_until, cancellable, &error);
  if (item != NULL)
    g_task_return_pointer (task, item, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
satchel_sender_queue_message_async (SatchelContext      *context,
                                    SatchelAccount      *account,
                                    SatchelMessage      *message,
                                    gint64               held_until,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SenderJob *job;

  g_return_if_fail (SATCHEL_IS_CONTEXT (context));
  g_return_if_fail (SATCHEL_IS_ACCOUNT (account));
  g_return_if_fail (SATCHEL_IS_MESSAGE (message));

  job = sender_job_new (context, NULL, account, NULL);
  job->message = g_object_ref (message);
  job->held_until = held_until;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_sender_queue_message_async);
  /* What the worker did is the result: a message committed to the
   * outbox just as the cancel came is queued, and is reported so. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) sender_job_free);
  g_task_run_in_thread (task, queue_message_thread);
}

SatchelOutboxItem *
satchel_sender_queue_message_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        satchel_sender_queue_message_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
