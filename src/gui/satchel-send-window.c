/* satchel-send-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-send-window"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-send-window.h"

#include "satchel-outbox-row.h"
#include "satchel-scheduler.h"
#include "satchel-time-format.h"

struct _SatchelSendWindow
{
  AdwWindow           parent_instance;

  SatchelApplication *app;
  char               *outbox_id;    /* NULL while the message is queued */
  GCancellable       *queueing;     /* (nullable) stops the queueing */
  gint64              held_until;   /* unix seconds; 0 once it may leave */
  guint               countdown_id;
  gboolean            sending;

  /* Template widgets */
  GtkLabel           *subject_label;
  GtkLabel           *recipients_label;
  GtkProgressBar     *progress_bar;
  GtkLabel           *status_label;
  GtkWidget          *undo_button;
  GtkWidget          *cancel_button;
};

G_DEFINE_FINAL_TYPE (SatchelSendWindow, satchel_send_window, ADW_TYPE_WINDOW)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
show_status (SatchelSendWindow *self,
             const char        *text)
{
  /* Set only when it changes: a label set again is measured again. */
  if (g_strcmp0 (gtk_label_get_text (self->status_label), text) != 0)
    gtk_label_set_text (self->status_label, text);
}

/* Held: the countdown and Undo. */
static gboolean
update_countdown (gpointer user_data)
{
  SatchelSendWindow *self = user_data;
  gint64 left = self->held_until - now_seconds ();
  g_autofree char *text = NULL;

  if (self->sending)
    {
      self->countdown_id = 0;
      return G_SOURCE_REMOVE;
    }

  text = satchel_format_sending_in (left);
  show_status (self, text);
  gtk_widget_set_visible (self->undo_button, left > 0);
  if (left > 0)
    return G_SOURCE_CONTINUE;

  self->countdown_id = 0;
  return G_SOURCE_REMOVE;
}

static void
on_send_started (SatchelScheduler  *scheduler,
                 const char        *id,
                 SatchelSendWindow *self)
{
  if (g_strcmp0 (id, self->outbox_id) != 0)
    return;

  /* Connecting, TLS, logging in: nothing counted yet. */
  self->sending = TRUE;
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_set_visible (self->undo_button, FALSE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  gtk_progress_bar_pulse (self->progress_bar);
  show_status (self, _("Connecting…"));
}

static void
on_send_progress (SatchelScheduler  *scheduler,
                  const char        *id,
                  guint64            sent,
                  guint64            total,
                  SatchelSendWindow *self)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (id, self->outbox_id) != 0 || total == 0)
    return;

  if (!self->sending)
    on_send_started (scheduler, id, self);
  gtk_progress_bar_set_fraction (self->progress_bar, MIN (1.0, (double) sent / (double) total));
  text = satchel_outbox_row_format_progress (sent, total);
  show_status (self, text);
}

static void
send_cancel (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SatchelSendWindow *self = SATCHEL_SEND_WINDOW (widget);

  if (self->outbox_id == NULL)
    {
      /* Not yet in the outbox: the compose window comes back. */
      if (self->queueing != NULL)
        g_cancellable_cancel (self->queueing);
      return;
    }
  satchel_scheduler_cancel_item (satchel_application_get_scheduler (self->app),
                                 self->outbox_id);
}

static void
send_undo (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  SatchelSendWindow *self = SATCHEL_SEND_WINDOW (widget);

  if (gtk_widget_get_visible (self->undo_button))
    g_action_group_activate_action (G_ACTION_GROUP (self->app), "undo-send",
                                    g_variant_new_string (self->outbox_id));
}

static gboolean
satchel_send_window_close_request (GtkWindow *window)
{
  SatchelSendWindow *self = SATCHEL_SEND_WINDOW (window);

  /* While the message can still be undone, the last window asks what
   * to do with it; afterwards it leaves anyway, and the result comes
   * as a notification. */
  if (satchel_application_confirm_close (self->app, window))
    return TRUE;

  return GTK_WINDOW_CLASS (satchel_send_window_parent_class)->close_request (window);
}

static void
satchel_send_window_dispose (GObject *object)
{
  SatchelSendWindow *self = SATCHEL_SEND_WINDOW (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_SEND_WINDOW);

  G_OBJECT_CLASS (satchel_send_window_parent_class)->dispose (object);
}

static void
satchel_send_window_finalize (GObject *object)
{
  SatchelSendWindow *self = SATCHEL_SEND_WINDOW (object);

  g_clear_object (&self->app);
  g_clear_object (&self->queueing);
  g_free (self->outbox_id);

  G_OBJECT_CLASS (satchel_send_window_parent_class)->finalize (object);
}

static void
satchel_send_window_class_init (SatchelSendWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = satchel_send_window_dispose;
  object_class->finalize = satchel_send_window_finalize;
  window_class->close_request = satchel_send_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/satchel/Satchel/ui/satchel-send-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, recipients_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelSendWindow, cancel_button);

  gtk_widget_class_install_action (widget_class, "send.cancel", NULL, send_cancel);
  gtk_widget_class_install_action (widget_class, "send.undo", NULL, send_undo);
  /* As in the main window: Ctrl+Z takes the message back. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "send.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "window.close", NULL);
}

static void
satchel_send_window_init (SatchelSendWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
show_message (SatchelSendWindow *self,
              const char        *subject,
              const char        *recipients)
{
  g_autofree char *title = NULL;

  if (g_strcmp0 (gtk_label_get_text (self->subject_label), subject) != 0)
    gtk_label_set_text (self->subject_label, subject);
  if (g_strcmp0 (gtk_label_get_text (self->recipients_label), recipients) != 0)
    gtk_label_set_text (self->recipients_label, recipients);
  /* Translators: the title of the small window that shows one message
   * being sent; %s is its subject. */
  title = g_strdup_printf (_("Sending “%s”"), subject);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

SatchelSendWindow *
satchel_send_window_new_queueing (SatchelApplication *application,
                                  const char         *subject,
                                  const char         *to,
                                  GCancellable       *cancellable)
{
  SatchelSendWindow *self;
  g_autofree char *shown_subject = satchel_outbox_row_format_subject (subject);
  g_autofree char *recipients = satchel_outbox_row_format_to (to);
  SatchelScheduler *scheduler;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (SATCHEL_TYPE_SEND_WINDOW, "application", application, NULL);
  self->app = g_object_ref (application);
  self->queueing = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  show_message (self, shown_subject, recipients);
  gtk_progress_bar_pulse (self->progress_bar);
  /* Encoding it, copying the attachments: a few seconds for a
   * gigabyte. */
  show_status (self, _("Putting it in the Outbox…"));
  gtk_widget_set_visible (self->cancel_button, self->queueing != NULL);

  scheduler = satchel_application_get_scheduler (application);
  g_signal_connect_object (scheduler, "send-started", G_CALLBACK (on_send_started), self, 0);
  g_signal_connect_object (scheduler, "send-progress", G_CALLBACK (on_send_progress), self, 0);

  return self;
}

SatchelSendWindow *
satchel_send_window_new (SatchelApplication *application,
                         SatchelOutboxItem  *item)
{
  SatchelSendWindow *self;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), NULL);

  self = satchel_send_window_new_queueing (application, NULL, NULL, NULL);
  satchel_send_window_set_item (self, item);
  return self;
}

void
satchel_send_window_set_item (SatchelSendWindow *self,
                              SatchelOutboxItem *item)
{
  g_autofree char *subject = NULL;
  g_autofree char *recipients = NULL;

  g_return_if_fail (SATCHEL_IS_SEND_WINDOW (self));
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (item));

  g_free (self->outbox_id);
  self->outbox_id = g_strdup (satchel_outbox_item_get_id (item));
  g_clear_object (&self->queueing);
  g_clear_handle_id (&self->countdown_id, g_source_remove);

  subject = satchel_outbox_row_format_subject (satchel_outbox_item_get_subject (item));
  recipients = satchel_outbox_row_format_recipients (item);
  show_message (self, subject, recipients);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_visible (self->cancel_button, FALSE);

  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->undo_button),
                                          g_variant_new_string (self->outbox_id));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->undo_button), "app.undo-send");
  if (satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_HELD)
    {
      self->held_until = satchel_outbox_item_get_held_until (item);
      if (update_countdown (self) == G_SOURCE_CONTINUE)
        self->countdown_id = g_timeout_add_seconds (1, update_countdown, self);
    }
  else
    show_status (self, _("Waiting to be sent"));
}

const char *
satchel_send_window_get_outbox_id (SatchelSendWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_SEND_WINDOW (self), NULL);

  return self->outbox_id;
}
