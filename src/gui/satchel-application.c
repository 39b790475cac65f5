/* satchel-application.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-application"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "satchel-application.h"
#include "satchel-account-setup.h"
#include "satchel-attach-consent.h"
#include "satchel-compose-window.h"
#include "satchel-contacts-window.h"
#include "satchel-error.h"
#include "satchel-mime.h"
#include "satchel-password-dialog.h"
#include "satchel-paths.h"
#include "satchel-preferences-window.h"
#include "satchel-resources.h"
#include "satchel-scheduler.h"
#include "satchel-secret.h"
#include "satchel-send-window.h"
#include "satchel-sent.h"
#include "satchel-time-format.h"
#include "satchel-tooltips.h"
#include "satchel-window.h"

/* A held message that has not left this long after its undo time no
 * longer keeps the application alive (another process holds it, or it
 * failed and waits for a retry). */
#define HOLD_MARGIN_SECONDS 120

/* The drafts of messages handed to the outbox, by outbox id: deleted
 * once the message has left, kept when it is taken back. Saved, so that
 * a message kept in the outbox at quit still clears its draft when it
 * leaves at the next start. */
#define QUEUED_DRAFTS_GROUP "Queued Drafts"

/* A message a compose window handed over. */
typedef struct
{
  SatchelApplication *app;
  char               *outbox_id;
  char               *draft_id;
  gint64              held_until;
  gboolean            holding;     /* keeps the application alive */
  AdwToast           *toast;       /* (weak) the Undo notice */
  SatchelSendWindow  *send_window; /* (weak) its own window, or NULL */
  guint               countdown_id;
  guint               release_id;
} Pending;

struct _SatchelApplication
{
  AdwApplication     parent_instance;

  SatchelContext    *context;
  SatchelScheduler  *scheduler;
  SatchelDraftStore *drafts;
  GSettings         *settings;
  GFileMonitor      *accounts_monitor;

  GHashTable        *pending;          /* outbox id -> Pending */
  char              *last_queued;      /* outbox id of the last Undo notice */
  GHashTable        *subjects;         /* outbox id -> subject, while it is sent */
  GHashTable        *password_errors;  /* outbox id -> GError (copy) */
  GHashTable        *password_dialogs; /* account name -> SatchelPasswordDialog */
  GHashTable        *waiting_password; /* account name -> GPtrArray of outbox ids */
  gboolean           busy_hold;
  AdwMessageDialog  *quit_dialog;
  gboolean           quitting;         /* the user chose to quit */
  gboolean           shut_down;
};

G_DEFINE_FINAL_TYPE (SatchelApplication, satchel_application, ADW_TYPE_APPLICATION)

/* Helpers ----------------------------------------------------------------- */

static SatchelWindow *
find_main_window (SatchelApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SATCHEL_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

static SatchelSendWindow *
find_send_window (SatchelApplication *self,
                  const char         *outbox_id)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SATCHEL_IS_SEND_WINDOW (l->data) &&
        g_strcmp0 (satchel_send_window_get_outbox_id (l->data), outbox_id) == 0)
      return l->data;

  return NULL;
}

static SatchelWindow *
ensure_main_window (SatchelApplication *self)
{
  SatchelWindow *window = find_main_window (self);

  if (window != NULL)
    return window;

  return satchel_window_new (self);
}

/* Results are shown in a window when the user is looking at one, else
 * as desktop notifications. */
static gboolean
have_active_window (SatchelApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && gtk_window_is_active (l->data))
      return TRUE;

  return FALSE;
}

/* A window on screen, active or not. */
static gboolean
have_visible_window (SatchelApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (gtk_widget_get_mapped (l->data))
      return TRUE;

  return FALSE;
}

/* For what the user just did: the main window comes forward with it. */
static void
show_toast (SatchelApplication *self,
            const char         *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  SatchelWindow *window = ensure_main_window (self);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 6);
  gtk_window_present (GTK_WINDOW (window));
  satchel_window_add_toast (window, toast);
}

/* The main window when it is on screen and the user is looking at the
 * application: results are shown there, else as notifications (a
 * window is never opened, or brought forward, for a result). */
static SatchelWindow *
main_window_for_results (SatchelApplication *self)
{
  SatchelWindow *window = find_main_window (self);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) ||
      !have_active_window (self))
    return NULL;

  return window;
}

static char *
notification_id (const char *outbox_id)
{
  return g_strconcat ("send-", outbox_id, NULL);
}

static gboolean
is_password_error (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (g_error_matches (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED))
    return TRUE;
  /* A failing password command is the user's to fix in that command. */
  return error->domain == SATCHEL_SECRET_ERROR &&
         error->code != SATCHEL_SECRET_ERROR_COMMAND_FAILED;
}

/* The queued drafts, on disk ------------------------------------------------ */

static char *
queued_drafts_path (void)
{
  g_autofree char *state = satchel_paths_state_dir ();

  return g_build_filename (state, "queued-drafts.ini", NULL);
}

static void
save_queued_drafts (SatchelApplication *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = queued_drafts_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  Pending *pending;
  gsize length;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    if (pending->draft_id != NULL)
      g_key_file_set_string (file, QUEUED_DRAFTS_GROUP, pending->outbox_id, pending->draft_id);

  data = g_key_file_to_data (file, &length, NULL);
  if (!satchel_paths_ensure_dir (dir, &error) ||
      !g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_message ("Could not save %s: %s", path, error->message);
}

static void pending_free (gpointer data);

static Pending *
add_pending (SatchelApplication *self,
             const char         *outbox_id,
             const char         *draft_id)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->app = self;
  pending->outbox_id = g_strdup (outbox_id);
  pending->draft_id = g_strdup (draft_id);
  g_hash_table_replace (self->pending, pending->outbox_id, pending);

  return pending;
}

/* Drafts of messages handed over in an earlier session: deleted when
 * the message has left since, kept (and forgotten here) when it was
 * discarded, watched when it is still in the outbox. */
static void
load_queued_drafts (SatchelApplication *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *path = queued_drafts_path ();
  g_auto(GStrv) ids = NULL;
  SatchelOutbox *outbox = satchel_context_get_outbox (self->context);

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, NULL))
    return;

  ids = g_key_file_get_keys (file, QUEUED_DRAFTS_GROUP, NULL, NULL);
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      g_autofree char *draft_id = g_key_file_get_string (file, QUEUED_DRAFTS_GROUP, ids[i], NULL);
      g_autoptr(SatchelOutboxItem) item = satchel_outbox_lookup (outbox, ids[i], NULL);

      if (draft_id == NULL)
        continue;
      if (item != NULL)
        add_pending (self, ids[i], draft_id);
      else if (satchel_sent_contains (NULL, ids[i]))
        satchel_draft_store_remove (self->drafts, draft_id, NULL);
    }

  save_queued_drafts (self);
}

/* Holding the application ----------------------------------------------------- */

static void
stop_holding (Pending *pending)
{
  g_clear_handle_id (&pending->release_id, g_source_remove);
  if (pending->holding)
    {
      pending->holding = FALSE;
      g_application_release (G_APPLICATION (pending->app));
    }
}

static void
end_undo_notice (Pending *pending)
{
  g_clear_handle_id (&pending->countdown_id, g_source_remove);
  if (pending->toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (pending->toast), (gpointer *) &pending->toast);
      adw_toast_dismiss (pending->toast);
      pending->toast = NULL;
    }
}

/* TRUE when the message had its own window (the user was watching it
 * there), now closed. */
static gboolean
close_send_window (Pending *pending)
{
  SatchelSendWindow *window = pending->send_window;

  if (window == NULL)
    return FALSE;
  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &pending->send_window);
  pending->send_window = NULL;
  gtk_window_destroy (GTK_WINDOW (window));
  return TRUE;
}

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  close_send_window (pending);
  end_undo_notice (pending);
  stop_holding (pending);
  g_free (pending->outbox_id);
  g_free (pending->draft_id);
  g_free (pending);
}

static gboolean
on_hold_expired (gpointer user_data)
{
  Pending *pending = user_data;

  pending->release_id = 0;
  stop_holding (pending);

  return G_SOURCE_REMOVE;
}

static void
on_busy_changed (SatchelScheduler   *scheduler,
                 GParamSpec         *pspec,
                 SatchelApplication *self)
{
  gboolean busy = satchel_scheduler_get_busy (scheduler);

  /* The outbox is being sent: closing the last window must not end it. */
  if (busy && !self->busy_hold)
    {
      self->busy_hold = TRUE;
      g_application_hold (G_APPLICATION (self));
    }
  else if (!busy && self->busy_hold)
    {
      self->busy_hold = FALSE;
      g_application_release (G_APPLICATION (self));
    }
}

/* The Undo notice ----------------------------------------------------------- */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
update_countdown (Pending *pending)
{
  g_autofree char *title = satchel_format_sending_in (pending->held_until - now_seconds ());

  if (pending->toast != NULL)
    adw_toast_set_title (pending->toast, title);
}

static gboolean
on_countdown (gpointer user_data)
{
  Pending *pending = user_data;

  update_countdown (pending);
  if (pending->held_until <= now_seconds ())
    {
      pending->countdown_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
show_undo_notice (SatchelApplication *self,
                  Pending            *pending)
{
  AdwToast *toast;
  gint64 left = pending->held_until - now_seconds ();

  g_free (self->last_queued);
  self->last_queued = g_strdup (pending->outbox_id);

  /* Its own window counts down and has Undo. */
  if (pending->send_window != NULL)
    return;

  toast = adw_toast_new ("");

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "app.undo-send");
  adw_toast_set_action_target_value (toast, g_variant_new_string (pending->outbox_id));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, (guint) CLAMP (left, 1, 60));

  pending->toast = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) &pending->toast);
  update_countdown (pending);
  pending->countdown_id = g_timeout_add_seconds (1, on_countdown, pending);

  satchel_window_add_toast (ensure_main_window (self), toast);
}

/* Results --------------------------------------------------------------------- */

static void
notify_result (SatchelApplication *self,
               const char         *outbox_id,
               const char         *subject,
               const GError       *error)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = notification_id (outbox_id);

  if (error == NULL)
    {
      notification = g_notification_new (_("Message Sent"));
      if (subject != NULL && *subject != '\0')
        g_notification_set_body (notification, subject);
      g_notification_set_default_action_and_target (notification, "app.show-page",
                                                     "s", "sent");
    }
  else
    {
      g_autofree char *body = NULL;

      notification = g_notification_new (_("Message Not Sent"));
      if (subject != NULL && *subject != '\0')
        body = g_strdup_printf ("%s\n%s", subject, error->message);
      else
        body = g_strdup (error->message);
      g_notification_set_body (notification, body);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_notification_add_button_with_target (notification, _("Retry"), "app.retry-send",
                                             "s", outbox_id);
      g_notification_set_default_action_and_target (notification, "app.show-page",
                                                     "s", "outbox");
    }

  g_application_send_notification (G_APPLICATION (self), id, notification);
}

/* Remembered for the result: once sent, the message is no longer in
 * the outbox to look at. */
static void
on_send_started (SatchelScheduler   *scheduler,
                 const char         *outbox_id,
                 SatchelApplication *self)
{
  g_autoptr(SatchelOutboxItem) item = NULL;

  item = satchel_outbox_lookup (satchel_context_get_outbox (self->context), outbox_id, NULL);
  if (item != NULL)
    g_hash_table_replace (self->subjects, g_strdup (outbox_id),
                          g_strdup (satchel_outbox_item_get_subject (item)));
}

static void
on_send_finished (SatchelScheduler   *scheduler,
                  const char         *outbox_id,
                  const GError       *error,
                  SatchelApplication *self)
{
  Pending *pending = g_hash_table_lookup (self->pending, outbox_id);
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autofree char *note_id = notification_id (outbox_id);
  g_autofree char *subject = NULL;
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gboolean watched = FALSE;
  SatchelWindow *window;

  g_hash_table_steal_extended (self->subjects, outbox_id, NULL, (gpointer *) &subject);

  if (error == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      g_hash_table_remove (self->password_errors, outbox_id);
      if (pending != NULL && pending->draft_id != NULL &&
          !satchel_draft_store_remove (self->drafts, pending->draft_id, &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_message ("Could not delete the draft of a sent message: %s", local_error->message);
      if (pending != NULL)
        {
          g_hash_table_remove (self->pending, outbox_id);
          save_queued_drafts (self);
        }

      /* A failure said earlier no longer holds. */
      g_application_withdraw_notification (G_APPLICATION (self), note_id);
      window = main_window_for_results (self);
      if (window != NULL)
        {
          AdwToast *toast = adw_toast_new (_("Message sent"));

          adw_toast_set_timeout (toast, 4);
          satchel_window_add_toast (window, toast);
        }
      else
        notify_result (self, outbox_id, subject, NULL);
      return;
    }

  /* It stays in the outbox, waiting for a retry or for the user; that
   * is no reason to keep the application alive. */
  if (pending != NULL)
    {
      watched = close_send_window (pending);
      end_undo_notice (pending);
      stop_holding (pending);
    }
  /* The user was watching it in its own window: the main window takes
   * over, on the Outbox, where the message now is. */
  if (watched)
    {
      window = ensure_main_window (self);
      satchel_window_set_page (window, "outbox");
      gtk_window_present (GTK_WINDOW (window));
      if (cancelled)
        {
          AdwToast *toast = adw_toast_new (_("Sending cancelled. The message stays in the Outbox."));

          adw_toast_set_timeout (toast, 6);
          satchel_window_add_toast (window, toast);
        }
    }
  if (cancelled)
    return;

  if (subject == NULL)
    {
      item = satchel_outbox_lookup (satchel_context_get_outbox (self->context), outbox_id, NULL);
      if (item != NULL)
        subject = g_strdup (satchel_outbox_item_get_subject (item));
    }

  if (is_password_error (error))
    g_hash_table_replace (self->password_errors, g_strdup (outbox_id), g_error_copy (error));
  else
    g_hash_table_remove (self->password_errors, outbox_id);

  window = watched ? find_main_window (self) : main_window_for_results (self);
  if (window == NULL)
    notify_result (self, outbox_id, subject, error);

  /* The password is asked where the user can see it; with no window at
   * all, the notification's Retry asks. */
  if (is_password_error (error))
    {
      if (have_visible_window (self))
        satchel_application_ask_password (self, outbox_id);
      return;
    }
  if (window == NULL)
    return;

  {
    g_autofree char *escaped = NULL;
    AdwToast *toast;

    /* The row in the Outbox shows the server's words, Retry and Edit
     * Account. */
    escaped = g_markup_escape_text (_("Message not sent: it stays in the Outbox"), -1);
    toast = adw_toast_new (escaped);
    adw_toast_set_button_label (toast, _("_Show"));
    adw_toast_set_action_name (toast, "app.show-page");
    adw_toast_set_action_target_value (toast, g_variant_new_string ("outbox"));
    adw_toast_set_timeout (toast, 10);
    satchel_window_add_toast (window, toast);
  }
}

/* Passwords ------------------------------------------------------------------- */

typedef struct
{
  SatchelAccount *account;
  char           *password;
} StoreJob;

static void
store_job_free (gpointer data)
{
  StoreJob *job = data;

  g_clear_object (&job->account);
  if (job->password != NULL)
    {
      explicit_bzero (job->password, strlen (job->password));
      g_free (job->password);
    }
  g_free (job);
}

static void
store_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  StoreJob *job = task_data;
  GError *error = NULL;

  if (satchel_secret_store_sync (job->account, job->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SatchelApplication *self = SATCHEL_APPLICATION (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      /* Translators: %s says why. The typed password is still used for
       * this session. */
      text = g_strdup_printf (_("The password works for now, but could not be kept in "
                                "the keyring: %s"), error->message);
      show_toast (self, text);
    }
  g_application_release (G_APPLICATION (self));
}

static void
on_password_response (SatchelPasswordDialog *dialog,
                      const char            *response,
                      SatchelApplication    *self)
{
  const char *name = satchel_password_dialog_get_account (dialog);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  const char *password;

  g_hash_table_steal_extended (self->waiting_password, name, NULL, (gpointer *) &ids);
  g_hash_table_remove (self->password_dialogs, name);

  if (!g_str_equal (response, "send"))
    return;

  account = satchel_account_store_lookup (satchel_context_get_accounts (self->context), name);
  if (account == NULL)
    return;

  password = satchel_password_dialog_get_password (dialog);
  satchel_scheduler_set_password (self->scheduler, satchel_account_get_id (account), password);

  if (satchel_password_dialog_get_remember (dialog))
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, on_password_stored, NULL);
      StoreJob *job = g_new0 (StoreJob, 1);

      job->account = g_object_ref (account);
      job->password = g_strdup (password);
      g_task_set_task_data (task, job, store_job_free);
      g_task_set_name (task, "[satchel] store password");
      /* Stay alive until the keyring has it. */
      g_application_hold (G_APPLICATION (self));
      g_task_run_in_thread (task, store_password_thread);
    }

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_hash_table_remove (self->password_errors, ids->pdata[i]);
      if (!satchel_application_retry_now (self, ids->pdata[i], &error))
        show_toast (self, error->message);
    }
}

/* Quitting -------------------------------------------------------------------- */

static gboolean
make_due_now (SatchelApplication  *self,
              const char          *id,
              gboolean             only_held,
              GError             **error)
{
  SatchelOutbox *outbox = satchel_context_get_outbox (self->context);
  g_autoptr(SatchelOutboxItem) item = NULL;
  SatchelOutboxState state;
  gboolean ok;

  item = satchel_outbox_lookup (outbox, id, error);
  if (item == NULL || !satchel_outbox_lock (outbox, item, error))
    return FALSE;

  ok = satchel_outbox_reload (outbox, item, error);
  state = ok ? satchel_outbox_item_get_state (item) : SATCHEL_OUTBOX_QUEUED;
  if (ok && (!only_held || state == SATCHEL_OUTBOX_HELD))
    {
      satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_QUEUED);
      satchel_outbox_item_set_next_attempt (item, now_seconds ());
      satchel_outbox_item_set_held_until (item, 0);
      ok = satchel_outbox_save (outbox, item, error);
    }
  satchel_outbox_unlock (outbox, item);

  return ok;
}

static gpointer
ref_window (gconstpointer window,
            gpointer      user_data)
{
  return g_object_ref ((gpointer) window);
}

static void
close_all_windows (SatchelApplication *self)
{
  g_autolist(GtkWindow) windows = NULL;

  /* Held: destroying a window also destroys its dialogs, which may come
   * later in the list. */
  windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (self)),
                              ref_window, NULL);

  /* What is being written is saved first; nothing is lost by quitting. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (SATCHEL_IS_COMPOSE_WINDOW (l->data))
      satchel_compose_window_save_draft (l->data);

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
}

static gboolean
close_all_windows_idle (gpointer user_data)
{
  close_all_windows (SATCHEL_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
on_quit_response (AdwMessageDialog   *dialog,
                  const char         *response,
                  SatchelApplication *self)
{
  GHashTableIter iter;
  Pending *pending;
  gboolean send_now = g_str_equal (response, "send");

  self->quit_dialog = NULL;
  if (g_str_equal (response, "cancel"))
    return;
  self->quitting = TRUE;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    {
      g_autoptr(GError) error = NULL;

      if (!pending->holding)
        continue;
      end_undo_notice (pending);

      if (send_now)
        {
          /* It goes now; the application stays until it has left. */
          pending->held_until = 0;
          if (!make_due_now (self, pending->outbox_id, TRUE, &error))
            g_message ("Could not send %s now: %s", pending->outbox_id, error->message);
        }
      else
        {
          /* It stays held in the outbox, and leaves at the next start. */
          stop_holding (pending);
        }
    }

  if (send_now)
    satchel_scheduler_flush (self->scheduler);

  /* Once the dialog has finished answering: it goes with its window. */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_all_windows_idle, g_object_ref (self),
                   g_object_unref);
}

static void
ask_before_quitting (SatchelApplication *self,
                     GtkWindow          *parent)
{
  guint n = satchel_application_get_n_held (self);
  AdwMessageDialog *dialog;

  if (self->quit_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent,
                                                       g_dngettext (GETTEXT_PACKAGE,
                                                                    "Send the Message Now?",
                                                                    "Send the Messages Now?",
                                                                    n),
                                                       NULL));
  adw_message_dialog_set_body (dialog,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "A message you sent can still be undone. Send it "
                                            "now, or keep it in the Outbox: it then leaves the "
                                            "next time Satchel starts.",
                                            "Messages you sent can still be undone. Send them "
                                            "now, or keep them in the Outbox: they then leave "
                                            "the next time Satchel starts.",
                                            n));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep in Outbox"),
                                    "send", _("_Send Now"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_quit_response), self);

  self->quit_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Command line ---------------------------------------------------------------- */

static const GOptionEntry option_entries[] = {
  { "compose", 'c', 0, G_OPTION_ARG_NONE, NULL,
    N_("Open a new message"), NULL },
  { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Add a recipient (repeat for more)"), N_("ADDRESS") },
  { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Add a Cc recipient (repeat for more)"), N_("ADDRESS") },
  { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("Add a Bcc recipient (repeat for more)"), N_("ADDRESS") },
  { "subject", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Set the subject"), N_("TEXT") },
  { "body", 'b', 0, G_OPTION_ARG_STRING, NULL,
    N_("Set the text of the message"), N_("TEXT") },
  { "attach", 'a', 0, G_OPTION_ARG_FILENAME_ARRAY, NULL,
    N_("Attach a file; a relative path starts in the current folder (repeat for more)"),
    N_("FILE") },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, NULL },
  { NULL }
};

static SatchelMailto *
mailto_new_empty (void)
{
  SatchelMailto *mailto = g_new0 (SatchelMailto, 1);

  mailto->to = g_ptr_array_new_with_free_func (g_free);
  mailto->cc = g_ptr_array_new_with_free_func (g_free);
  mailto->bcc = g_ptr_array_new_with_free_func (g_free);
  mailto->attachments = g_ptr_array_new_with_free_func (g_free);

  return mailto;
}

static void
add_strings (GPtrArray          *array,
             const char * const *strings)
{
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    g_ptr_array_add (array, g_strdup (strings[i]));
}

static void
append_copies (GPtrArray *array,
               GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (array, g_strdup (from->pdata[i]));
}

/* The options of one command line: a message to open, or NULL when
 * none was asked for. */
static SatchelMailto *
mailto_from_options (GApplicationCommandLine *cmdline,
                     GVariantDict            *options)
{
  g_autoptr(SatchelMailto) mailto = mailto_new_empty ();
  g_autofree const char **to = NULL;
  g_autofree const char **cc = NULL;
  g_autofree const char **bcc = NULL;
  g_autofree const char **attach = NULL;
  gboolean compose = FALSE;
  const char *text;

  g_variant_dict_lookup (options, "compose", "b", &compose);
  g_variant_dict_lookup (options, "to", "^a&s", &to);
  g_variant_dict_lookup (options, "cc", "^a&s", &cc);
  g_variant_dict_lookup (options, "bcc", "^a&s", &bcc);
  g_variant_dict_lookup (options, "attach", "^a&ay", &attach);
  add_strings (mailto->to, to);
  add_strings (mailto->cc, cc);
  add_strings (mailto->bcc, bcc);

  if (g_variant_dict_lookup (options, "subject", "&s", &text))
    mailto->subject = g_strdup (text);
  if (g_variant_dict_lookup (options, "body", "&s", &text))
    mailto->body = g_strdup (text);

  /* Relative to the folder `satchel` was started in, not ours. */
  for (guint i = 0; attach != NULL && attach[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (cmdline, attach[i]);

      g_ptr_array_add (mailto->attachments, g_file_get_path (file));
    }

  if (!compose && mailto->to->len == 0 && mailto->cc->len == 0 && mailto->bcc->len == 0 &&
      mailto->subject == NULL && mailto->body == NULL && mailto->attachments->len == 0)
    return NULL;

  return g_steal_pointer (&mailto);
}

/* The options add to the first link: `satchel --attach report.pdf
 * mailto:boss@example.com` is one message. */
static void
merge_options (SatchelMailto       *link,
               const SatchelMailto *options)
{
  append_copies (link->to, options->to);
  append_copies (link->cc, options->cc);
  append_copies (link->bcc, options->bcc);
  if (options->subject != NULL)
    {
      g_free (link->subject);
      link->subject = g_strdup (options->subject);
    }
  if (options->body != NULL)
    {
      g_free (link->body);
      link->body = g_strdup (options->body);
    }
}

/* What `satchel ARG` says when ARG is not a mailto: link. */
static char *
describe_bad_link (const char   *arg,
                   const GError *error)
{
  /* Translators: the program's name, then why the argument is not a
   * mail link (a sentence). */
  return g_strdup_printf (_("satchel: %s To attach a file, use --attach FILE."),
                          error->message);
}

/* Arguments that are not links are refused by the process that got
 * them, with the exit status of a usage error (the running instance's
 * status would be lost while it sends). */
static int
satchel_application_handle_local_options (GApplication *app,
                                          GVariantDict *options)
{
  g_autofree const char **uris = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &uris);
  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      g_autoptr(SatchelMailto) link = NULL;
      g_autoptr(GError) error = NULL;

      link = satchel_mailto_parse (uris[i], &error);
      if (link == NULL)
        {
          g_autofree char *text = describe_bad_link (uris[i], error);

          g_printerr ("%s\n", text);
          return 64; /* EX_USAGE */
        }
    }

  return -1;
}

static int
satchel_application_command_line (GApplication            *app,
                                  GApplicationCommandLine *cmdline)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  g_autoptr(SatchelMailto) from_options = NULL;
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func ((GDestroyNotify) satchel_mailto_free);
  g_autofree const char **uris = NULL;

  from_options = mailto_from_options (cmdline, options);

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &uris);
  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      SatchelMailto *link = satchel_mailto_parse (uris[i], &error);

      if (link == NULL)
        {
          g_autofree char *text = describe_bad_link (uris[i], error);

          g_application_command_line_printerr (cmdline, "%s\n", text);
          return 64; /* EX_USAGE */
        }
      g_ptr_array_add (links, link);
    }

  if (links->len == 0 && from_options == NULL)
    {
      g_application_activate (app);
      return 0;
    }

  if (links->len == 0)
    {
      gtk_window_present (satchel_application_compose (self, from_options));
      return 0;
    }

  for (guint i = 0; i < links->len; i++)
    {
      SatchelMailto *link = links->pdata[i];
      if (i == 0 && from_options != NULL)
        {
          GtkWindow *window;

          merge_options (link, from_options);
          /* The user's own --attach needs no question. */
          window = satchel_application_compose_from_link (self, link);
          if (from_options->attachments->len > 0)
            {
              g_autoptr(SatchelMailto) files = mailto_new_empty ();

              append_copies (files->attachments, from_options->attachments);
              satchel_compose_window_prefill (SATCHEL_COMPOSE_WINDOW (window), files);
            }
        }
      else
        satchel_application_compose_from_link (self, link);
    }

  return 0;
}

static void
satchel_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);

  /* D-Bus activation and `gio open` hand mailto: links over as files. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autoptr(SatchelMailto) link = NULL;
      g_autoptr(GError) error = NULL;

      link = satchel_mailto_parse (uri, &error);
      if (link == NULL)
        {
          g_autofree char *text = NULL;

          /* Translators: %s is why the link was refused. */
          text = g_strdup_printf (_("Could not open the link: %s"), error->message);
          gtk_window_present (GTK_WINDOW (ensure_main_window (self)));
          show_toast (self, text);
          continue;
        }
      satchel_application_compose_from_link (self, link);
    }
}

/* Actions --------------------------------------------------------------------- */

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *window = gtk_application_get_active_window (app);
  const char *developers[] = { _("The Satchel authors"), NULL };

  adw_show_about_window (window,
                         "application-name", _("Satchel"),
                         "application-icon", APPLICATION_ID,
                         "developer-name", _("The Satchel authors"),
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "copyright", "© 2026 The Satchel authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_app (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  satchel_application_request_quit (SATCHEL_APPLICATION (user_data));
}

static void
compose_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  gtk_window_present (satchel_application_compose (SATCHEL_APPLICATION (user_data), NULL));
}

/* Built when asked for. GtkApplication would build it from
 * gtk/help-overlay.ui for every window it gets, before the window's
 * first frame: about 10 ms each. */
static void
show_shortcuts (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ui/help-overlay.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  gtk_window_set_transient_for (shortcuts, parent);
  gtk_window_present (shortcuts);
}

static void
undo_send_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SatchelApplication *self = SATCHEL_APPLICATION (user_data);
  g_autoptr(GError) error = NULL;

  if (!satchel_application_undo_send (self, g_variant_get_string (parameter, NULL), &error))
    show_toast (self, error->message);
}

static void
retry_send_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  SatchelApplication *self = SATCHEL_APPLICATION (user_data);
  SatchelWindow *window = ensure_main_window (self);
  const char *id = g_variant_get_string (parameter, NULL);

  gtk_window_present (GTK_WINDOW (window));
  satchel_window_set_page (window, "outbox");
  satchel_window_retry (window, id);
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SatchelWindow *window = ensure_main_window (SATCHEL_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  satchel_window_set_page (window, g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = show_about },
  { .name = "shortcuts", .activate = show_shortcuts },
  { .name = "quit", .activate = quit_app },
  { .name = "compose", .activate = compose_action },
  { .name = "undo-send", .activate = undo_send_action, .parameter_type = "s" },
  { .name = "retry-send", .activate = retry_send_action, .parameter_type = "s" },
  { .name = "show-page", .activate = show_page_action, .parameter_type = "s" },
};

/* Callbacks ------------------------------------------------------------------- */

static void
on_accounts_file_changed (GFileMonitor       *monitor,
                          GFile              *file,
                          GFile              *other_file,
                          GFileMonitorEvent   event,
                          SatchelApplication *self)
{
  g_autoptr(GError) error = NULL;

  /* satchel-cli or another window changed the accounts. */
  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT ||
      event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_DELETED ||
      event == G_FILE_MONITOR_EVENT_RENAMED ||
      event == G_FILE_MONITOR_EVENT_MOVED_IN)
    if (!satchel_account_store_load (satchel_context_get_accounts (self->context), &error))
      g_message ("Could not read the accounts: %s", error->message);
}

static void
watch_accounts (SatchelApplication *self)
{
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  if (!satchel_account_store_load (satchel_context_get_accounts (self->context), &error))
    g_message ("Could not read the accounts: %s", error->message);

  self->accounts_monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->accounts_monitor != NULL)
    g_signal_connect_object (self->accounts_monitor, "changed",
                             G_CALLBACK (on_accounts_file_changed), self, 0);
}

/* Overrides ------------------------------------------------------------------- */

static void
satchel_application_startup (GApplication *app)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);
  const char *quit_accels[] = { "<Control>q", NULL };
  const char *compose_accels[] = { "<Control>n", NULL };
  const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (satchel_application_parent_class)->startup (app);

  satchel_mime_init ();
  satchel_tooltips_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.compose",
                                         compose_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.shortcuts",
                                         shortcuts_accels);
  satchel_account_setup_install_action (GTK_APPLICATION (app));
  satchel_contacts_window_install_action (GTK_APPLICATION (app));
  satchel_preferences_window_install_action (GTK_APPLICATION (app));

  self->drafts = satchel_draft_store_new (NULL);
  self->settings = g_settings_new (APPLICATION_ID);
  watch_accounts (self);
  load_queued_drafts (self);

  g_signal_connect_object (self->scheduler, "notify::busy",
                           G_CALLBACK (on_busy_changed), self, 0);
  g_signal_connect_object (self->scheduler, "send-started",
                           G_CALLBACK (on_send_started), self, 0);
  g_signal_connect_object (self->scheduler, "send-finished",
                           G_CALLBACK (on_send_finished), self, 0);

  /* The primary instance sends what is queued, by itself: now, when the
   * next retry is due, and when the network comes back. */
  satchel_scheduler_start (self->scheduler);
}

static gboolean
on_shutdown_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

static void
satchel_application_shutdown (GApplication *app)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);
  gboolean expired = FALSE;
  guint deadline;

  self->shut_down = TRUE;

  /* A send in progress is cancelled, which leaves its message queued;
   * give the worker a moment to record that rather than die mid-write
   * (the outbox survives that too, but "queued" beats "unknown"). */
  satchel_scheduler_stop (self->scheduler);
  deadline = g_timeout_add_seconds (2, on_shutdown_deadline, &expired);
  while (satchel_scheduler_get_busy (self->scheduler) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);

  g_hash_table_remove_all (self->pending);
  g_clear_object (&self->accounts_monitor);

  G_APPLICATION_CLASS (satchel_application_parent_class)->shutdown (app);
}

static void
satchel_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (ensure_main_window (SATCHEL_APPLICATION (app))));
}

static void
satchel_application_window_added (GtkApplication *app,
                                  GtkWindow      *window)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);

  GTK_APPLICATION_CLASS (satchel_application_parent_class)->window_added (app, window);

  /* A new window after quitting: the user is back. */
  self->quitting = FALSE;
}

static void
satchel_application_window_removed (GtkApplication *app,
                                    GtkWindow      *window)
{
  SatchelApplication *self = SATCHEL_APPLICATION (app);

  GTK_APPLICATION_CLASS (satchel_application_parent_class)->window_removed (app, window);

  /* The last window went (a compose window, the address book) while a
   * message can still be undone: ask, as quitting does, rather than let
   * it leave unseen. */
  if (!self->quitting && !self->shut_down && gtk_application_get_windows (app) == NULL &&
      satchel_application_get_n_held (self) > 0 &&
      !g_application_get_is_remote (G_APPLICATION (app)))
    {
      GtkWindow *main_window = GTK_WINDOW (ensure_main_window (self));

      gtk_window_present (main_window);
      ask_before_quitting (self, main_window);
    }
}

static void
satchel_application_finalize (GObject *object)
{
  SatchelApplication *self = SATCHEL_APPLICATION (object);

  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->subjects, g_hash_table_unref);
  g_clear_pointer (&self->password_errors, g_hash_table_unref);
  g_clear_pointer (&self->password_dialogs, g_hash_table_unref);
  g_clear_pointer (&self->waiting_password, g_hash_table_unref);
  g_clear_object (&self->accounts_monitor);
  g_clear_object (&self->settings);
  g_clear_object (&self->drafts);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->context);
  g_free (self->last_queued);

  G_OBJECT_CLASS (satchel_application_parent_class)->finalize (object);
}

static void
satchel_application_class_init (SatchelApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  satchel_register_resource ();

  object_class->finalize = satchel_application_finalize;
  app_class->startup = satchel_application_startup;
  app_class->activate = satchel_application_activate;
  app_class->shutdown = satchel_application_shutdown;
  app_class->handle_local_options = satchel_application_handle_local_options;
  app_class->command_line = satchel_application_command_line;
  app_class->open = satchel_application_open;
  gtk_app_class->window_added = satchel_application_window_added;
  gtk_app_class->window_removed = satchel_application_window_removed;
}

static void
satchel_application_init (SatchelApplication *self)
{
  self->context = satchel_context_new ();
  self->scheduler = satchel_scheduler_new (g_network_monitor_get_default ());
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, pending_free);
  self->subjects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->password_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_error_free);
  self->password_dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->waiting_password = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  (GDestroyNotify) g_ptr_array_unref);

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[mailto:LINK…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Compose and send mail. With a mailto: link "
                                              "or any option below, open a new message filled "
                                              "in with them in the running Satchel; nothing is "
                                              "sent until you press Send. Files a link asks to "
                                              "attach are attached only if you agree."));
}

/* Public API ------------------------------------------------------------------ */

/* GDK_DEBUG as Satchel was started with; NULL: unset. */
static char *original_gdk_debug;
static gboolean changed_gdk_debug;

void
satchel_application_prepare_environment (void)
{
  const char *debug = g_getenv ("GDK_DEBUG");
  g_autofree char *value = NULL;

  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") != 0 || changed_gdk_debug)
    return;
  /* gl-disable, gl-glx, gl-gles...: the user's own choice. */
  if (debug != NULL && strstr (debug, "gl-") != NULL)
    return;

  original_gdk_debug = g_strdup (debug);
  changed_gdk_debug = TRUE;
  if (debug != NULL && *debug != '\0')
    value = g_strconcat (debug, ",gl-disable", NULL);
  else
    value = g_strdup ("gl-disable");
  g_setenv ("GDK_DEBUG", value, TRUE);
}

void
satchel_application_restore_environment (GAppLaunchContext *context)
{
  g_return_if_fail (G_IS_APP_LAUNCH_CONTEXT (context));

  if (!changed_gdk_debug)
    return;
  if (original_gdk_debug != NULL)
    g_app_launch_context_setenv (context, "GDK_DEBUG", original_gdk_debug);
  else
    g_app_launch_context_unsetenv (context, "GDK_DEBUG");
}

SatchelApplication *
satchel_application_new (void)
{
  return g_object_new (SATCHEL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

SatchelContext *
satchel_application_get_context (SatchelApplication *self)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  return self->context;
}

SatchelScheduler *
satchel_application_get_scheduler (SatchelApplication *self)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  return self->scheduler;
}

SatchelDraftStore *
satchel_application_get_drafts (SatchelApplication *self)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  if (self->drafts == NULL)
    self->drafts = satchel_draft_store_new (NULL);

  return self->drafts;
}

GtkWindow *
satchel_application_compose (SatchelApplication  *self,
                             const SatchelMailto *prefill)
{
  SatchelComposeWindow *window;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  window = satchel_compose_window_new (self);
  if (prefill != NULL)
    satchel_compose_window_prefill (window, prefill);
  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}

static void
on_consent_response (SatchelAttachConsent *dialog,
                     const char           *response,
                     GWeakRef             *window_ref)
{
  g_autoptr(GtkWidget) window = g_weak_ref_get (window_ref);
  g_autoptr(SatchelMailto) files = NULL;

  if (!g_str_equal (response, "attach") || window == NULL)
    return;

  files = mailto_new_empty ();
  add_strings (files->attachments, satchel_attach_consent_get_files (dialog));
  satchel_compose_window_prefill (SATCHEL_COMPOSE_WINDOW (window), files);
}

static void
free_weak_ref (gpointer  data,
               GClosure *closure)
{
  g_weak_ref_clear (data);
  g_free (data);
}

GtkWindow *
satchel_application_compose_from_link (SatchelApplication  *self,
                                       const SatchelMailto *link)
{
  g_autoptr(SatchelMailto) safe = NULL;
  SatchelAttachConsent *consent = NULL;
  GtkWindow *window;
  GWeakRef *window_ref;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (link != NULL, NULL);

  /* Everything but the files: those wait for the user's answer. */
  safe = mailto_new_empty ();
  append_copies (safe->to, link->to);
  append_copies (safe->cc, link->cc);
  append_copies (safe->bcc, link->bcc);
  safe->subject = g_strdup (link->subject);
  safe->body = g_strdup (link->body);

  window = satchel_application_compose (self, safe);
  if (link->attachments->len == 0)
    return window;

  consent = satchel_attach_consent_new (window);
  for (guint i = 0; i < link->attachments->len; i++)
    {
      const char *path = link->attachments->pdata[i];
      g_autoptr(GError) error = NULL;

      if (satchel_mailto_check_attachment (path, &error))
        satchel_attach_consent_add_file (consent, path);
      else
        satchel_attach_consent_add_refused (consent, path, error->message);
    }

  window_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (window_ref, window);
  g_signal_connect_data (consent, "response", G_CALLBACK (on_consent_response),
                         window_ref, free_weak_ref, 0);
  gtk_window_present (GTK_WINDOW (consent));

  return window;
}

GtkWindow *
satchel_application_message_queueing (SatchelApplication *self,
                                      const char         *subject,
                                      const char         *to,
                                      GCancellable       *cancellable)
{
  SatchelWindow *main_window;
  SatchelSendWindow *window;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  main_window = find_main_window (self);
  if (main_window != NULL && gtk_widget_get_mapped (GTK_WIDGET (main_window)))
    return NULL;

  window = satchel_send_window_new_queueing (self, subject, to, cancellable);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

void
satchel_application_message_queued (SatchelApplication *self,
                                    const char         *outbox_id,
                                    const char         *draft_id)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  SatchelWindow *window;
  Pending *pending;

  g_return_if_fail (SATCHEL_IS_APPLICATION (self));
  g_return_if_fail (outbox_id != NULL);

  pending = add_pending (self, outbox_id, draft_id);
  save_queued_drafts (self);

  item = satchel_outbox_lookup (satchel_context_get_outbox (self->context), outbox_id, &error);
  window = find_main_window (self);
  pending->send_window = find_send_window (self, outbox_id);
  if (pending->send_window != NULL)
    {
      /* Shown while it was queued. */
      g_object_add_weak_pointer (G_OBJECT (pending->send_window),
                                 (gpointer *) &pending->send_window);
    }
  else if (window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)))
    {
      /* The user came from the main window: the Undo notice and the
       * progress are there. */
      gtk_window_present (GTK_WINDOW (window));
    }
  else if (item != NULL)
    {
      /* The compose window was on screen by itself (a mailto: link):
       * the message gets a small window of its own rather than the
       * main window, which would also stop the main loop for some
       * 50 ms to show up in the middle of a big send. */
      pending->send_window = satchel_send_window_new (self, item);
      g_object_add_weak_pointer (G_OBJECT (pending->send_window),
                                 (gpointer *) &pending->send_window);
      gtk_window_present (GTK_WINDOW (pending->send_window));
    }
  else
    {
      window = ensure_main_window (self);
      satchel_window_set_page (window, "outbox");
      gtk_window_present (GTK_WINDOW (window));
    }

  if (item == NULL)
    g_message ("The queued message %s is not in the outbox: %s", outbox_id, error->message);
  else if (satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_HELD &&
           satchel_outbox_item_get_held_until (item) > now_seconds ())
    {
      /* Nothing may end the process before the message has left. */
      pending->held_until = satchel_outbox_item_get_held_until (item);
      pending->holding = TRUE;
      g_application_hold (G_APPLICATION (self));
      pending->release_id = g_timeout_add_seconds (pending->held_until - now_seconds () +
                                                   HOLD_MARGIN_SECONDS,
                                                   on_hold_expired, pending);
      show_undo_notice (self, pending);
    }

  /* The scheduler arms its timer for the end of the undo time. */
  satchel_scheduler_flush (self->scheduler);
}

gboolean
satchel_application_undo_send (SatchelApplication  *self,
                               const char          *outbox_id,
                               GError             **error)
{
  SatchelOutbox *outbox;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *draft_id = NULL;
  Pending *pending;
  gboolean held;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);

  if (outbox_id == NULL || *outbox_id == '\0')
    outbox_id = self->last_queued;
  pending = outbox_id != NULL ? g_hash_table_lookup (self->pending, outbox_id) : NULL;
  if (pending == NULL)
    {
      g_set_error_literal (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND,
                           _("There is no message to take back."));
      return FALSE;
    }

  outbox = satchel_context_get_outbox (self->context);
  item = satchel_outbox_lookup (outbox, outbox_id, NULL);
  if (item == NULL || !satchel_outbox_lock (outbox, item, &local_error))
    {
      /* It is leaving: its undo time is over, whatever the clock says. */
      end_undo_notice (pending);
      stop_holding (pending);
      g_set_error_literal (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                           item == NULL ? _("Too late to undo: the message has left.")
                                        : _("Too late to undo: the message is being sent."));
      return FALSE;
    }

  held = satchel_outbox_reload (outbox, item, NULL) &&
         satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_HELD;
  if (!held)
    {
      satchel_outbox_unlock (outbox, item);
      end_undo_notice (pending);
      stop_holding (pending);
      g_set_error_literal (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                           _("Too late to undo: the message is being sent."));
      return FALSE;
    }

  if (!satchel_outbox_remove (outbox, item, &local_error))
    {
      satchel_outbox_unlock (outbox, item);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  satchel_outbox_unlock (outbox, item);

  draft_id = g_strdup (pending->draft_id);
  if (g_strcmp0 (self->last_queued, outbox_id) == 0)
    g_clear_pointer (&self->last_queued, g_free);
  g_hash_table_remove (self->pending, outbox_id);
  save_queued_drafts (self);

  /* Back to where the user was: the compose window, with the draft. */
  if (draft_id != NULL && !satchel_application_open_draft (self, draft_id, &local_error))
    {
      g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND,
                   /* Translators: %s says why the draft could not be read. */
                   _("The message was taken back, but its draft could not be opened: %s"),
                   local_error->message);
      return FALSE;
    }

  return TRUE;
}

guint
satchel_application_get_n_held (SatchelApplication *self)
{
  GHashTableIter iter;
  Pending *pending;
  guint n = 0;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), 0);

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &pending))
    if (pending->holding && pending->held_until > now_seconds ())
      n++;

  return n;
}

gboolean
satchel_application_retry_now (SatchelApplication  *self,
                               const char          *id,
                               GError             **error)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!make_due_now (self, id, FALSE, error))
    return FALSE;

  satchel_scheduler_flush (self->scheduler);
  return TRUE;
}

gboolean
satchel_application_discard (SatchelApplication  *self,
                             const char          *id,
                             GError             **error)
{
  SatchelOutbox *outbox;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autofree char *note_id = NULL;
  gboolean ok;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  outbox = satchel_context_get_outbox (self->context);
  item = satchel_outbox_lookup (outbox, id, error);
  if (item == NULL || !satchel_outbox_lock (outbox, item, error))
    return FALSE;
  ok = satchel_outbox_remove (outbox, item, error);
  satchel_outbox_unlock (outbox, item);

  if (ok)
    {
      note_id = notification_id (id);
      g_application_withdraw_notification (G_APPLICATION (self), note_id);
      g_hash_table_remove (self->password_errors, id);
      /* Its draft, if any, stays: the user may want to send it later. */
      if (g_hash_table_remove (self->pending, id))
        save_queued_drafts (self);
    }

  return ok;
}

gboolean
satchel_application_needs_password (SatchelApplication *self,
                                    const char         *id)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);

  return id != NULL && g_hash_table_contains (self->password_errors, id);
}

void
satchel_application_ask_password (SatchelApplication *self,
                                  const char         *id)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  SatchelPasswordDialog *dialog;
  GPtrArray *ids;
  const GError *reason;
  const char *name;
  gboolean can_remember;

  g_return_if_fail (SATCHEL_IS_APPLICATION (self));
  g_return_if_fail (id != NULL);

  item = satchel_outbox_lookup (satchel_context_get_outbox (self->context), id, NULL);
  if (item == NULL)
    return;
  name = satchel_outbox_item_get_account (item);
  account = satchel_account_store_lookup (satchel_context_get_accounts (self->context), name);
  if (account == NULL)
    {
      show_toast (self, _("The account of this message no longer exists. Add it again, "
                          "then retry the message."));
      return;
    }

  ids = g_hash_table_lookup (self->waiting_password, name);
  if (ids == NULL)
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->waiting_password, g_strdup (name), ids);
    }
  if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
    g_ptr_array_add (ids, g_strdup (id));

  dialog = g_hash_table_lookup (self->password_dialogs, name);
  if (dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* Storing needs a keyring that answers, and makes no sense for an
   * account whose password comes from a command. */
  reason = g_hash_table_lookup (self->password_errors, id);
  can_remember = satchel_account_get_password_command (account) == NULL &&
                 !g_error_matches (reason, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE) &&
                 !g_error_matches (reason, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);

  gtk_window_present (GTK_WINDOW (ensure_main_window (self)));
  dialog = satchel_password_dialog_new (GTK_WINDOW (ensure_main_window (self)), account,
                                        reason != NULL ? reason->message : NULL,
                                        can_remember);
  g_hash_table_insert (self->password_dialogs, g_strdup (name), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_password_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
satchel_application_edit_account (SatchelApplication *self,
                                  const char         *name)
{
  g_autoptr(SatchelAccount) account = NULL;

  g_return_if_fail (SATCHEL_IS_APPLICATION (self));

  account = satchel_account_store_lookup (satchel_context_get_accounts (self->context), name);
  if (account == NULL)
    {
      show_toast (self, _("The account of this message no longer exists. Add it again, "
                          "then retry the message."));
      return;
    }

  gtk_window_present (satchel_account_setup_new (self, account));
}

gboolean
satchel_application_open_draft (SatchelApplication  *self,
                                const char          *id,
                                GError             **error)
{
  g_autoptr(SatchelDraft) draft = NULL;
  SatchelComposeWindow *window;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (SATCHEL_IS_COMPOSE_WINDOW (l->data) &&
        g_strcmp0 (g_object_get_data (l->data, "satchel-draft-id"), id) == 0)
      {
        gtk_window_present (l->data);
        return TRUE;
      }

  draft = satchel_draft_store_load (satchel_application_get_drafts (self), id, error);
  if (draft == NULL)
    return FALSE;

  window = satchel_compose_window_new_for_draft (self, draft);
  g_object_set_data_full (G_OBJECT (window), "satchel-draft-id", g_strdup (id), g_free);
  gtk_window_present (GTK_WINDOW (window));

  return TRUE;
}

GtkWindow *
satchel_application_get_main_window (SatchelApplication *self)
{
  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), NULL);

  return GTK_WINDOW (ensure_main_window (self));
}

void
satchel_application_request_quit (SatchelApplication *self)
{
  GtkWindow *parent;

  g_return_if_fail (SATCHEL_IS_APPLICATION (self));

  if (satchel_application_get_n_held (self) == 0)
    {
      self->quitting = TRUE;
      close_all_windows (self);
      return;
    }

  parent = GTK_WINDOW (ensure_main_window (self));
  gtk_window_present (parent);
  ask_before_quitting (self, parent);
}

gboolean
satchel_application_confirm_close (SatchelApplication *self,
                                   GtkWindow          *window)
{
  GList *windows;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (self), FALSE);

  if (satchel_application_get_n_held (self) == 0)
    return FALSE;

  /* Other windows (compose, address book) keep the application open:
   * the question comes when the last one goes. Dialogs of this window
   * do not count. */
  windows = gtk_application_get_windows (GTK_APPLICATION (self));
  for (GList *l = windows; l != NULL; l = l->next)
    if (l->data != window && gtk_window_get_transient_for (l->data) != window &&
        gtk_widget_get_visible (l->data))
      return FALSE;

  ask_before_quitting (self, window);
  return TRUE;
}
