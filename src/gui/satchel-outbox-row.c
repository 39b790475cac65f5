/* satchel-outbox-row.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-outbox-row"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-outbox-row.h"

#include "satchel-time-format.h"

struct _SatchelOutboxRow
{
  GtkListBoxRow      parent_instance;

  SatchelOutboxItem *item;
  gboolean           sending;
  gboolean           needs_password;

  /* Template widgets */
  GtkImage          *state_icon;
  GtkLabel          *subject_label;
  GtkLabel          *recipients_label;
  GtkLabel          *status_label;
  GtkLabel          *error_label;
  GtkWidget         *progress_box;
  GtkProgressBar    *progress_bar;
  GtkLabel          *progress_label;
  GtkWidget         *cancel_button;
  GtkWidget         *retry_button;
  GtkWidget         *password_button;
  GtkWidget         *account_button;
  GtkWidget         *discard_button;
};

G_DEFINE_FINAL_TYPE (SatchelOutboxRow, satchel_outbox_row, GTK_TYPE_LIST_BOX_ROW)

/* Helpers */

static char *
describe_state (SatchelOutboxItem *item)
{
  guint attempts = satchel_outbox_item_get_attempts (item);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *when = NULL;
  g_autofree char *tried = NULL;
  g_autofree char *state = NULL;

  if (attempts > 0)
    tried = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u attempt", "%u attempts", attempts),
                             attempts);

  switch (satchel_outbox_item_get_state (item))
    {
    case SATCHEL_OUTBOX_QUEUED:
      if (satchel_outbox_item_get_next_attempt (item) > now)
        {
          when = satchel_format_time (satchel_outbox_item_get_next_attempt (item));
          /* Translators: %s is a time such as 14:05. */
          state = g_strdup_printf (_("Waiting to try again at %s"), when);
        }
      else
        state = g_strdup (_("Waiting to be sent"));
      break;
    case SATCHEL_OUTBOX_HELD:
      when = satchel_format_time (satchel_outbox_item_get_held_until (item));
      /* Translators: %s is a time such as 14:05; until then, Undo can
       * still stop the message. */
      state = g_strdup_printf (_("Leaves at %s"), when);
      break;
    case SATCHEL_OUTBOX_SENDING:
      state = g_strdup (_("Sending…"));
      break;
    case SATCHEL_OUTBOX_FAILED:
      state = g_strdup (_("Not sent: it waits for you to retry or discard it"));
      break;
    case SATCHEL_OUTBOX_UNKNOWN:
      state = g_strdup (_("The connection broke after the whole message was handed "
                          "over: the server may already have it"));
      break;
    default:
      g_assert_not_reached ();
    }

  if (tried == NULL)
    return g_steal_pointer (&state);

  /* Translators: a state, then how many times sending was tried, as in
   * "Waiting to try again at 14:05 · 2 attempts". */
  return g_strdup_printf (_("%s · %s"), state, tried);
}

static const char *
state_icon_name (SatchelOutboxItem *item)
{
  switch (satchel_outbox_item_get_state (item))
    {
    case SATCHEL_OUTBOX_HELD:
      return "document-open-recent-symbolic";
    case SATCHEL_OUTBOX_FAILED:
    case SATCHEL_OUTBOX_UNKNOWN:
      return "dialog-warning-symbolic";
    case SATCHEL_OUTBOX_QUEUED:
      if (satchel_outbox_item_get_attempts (item) > 0)
        return "dialog-warning-symbolic";
      return "mail-send-symbolic";
    case SATCHEL_OUTBOX_SENDING:
    default:
      return "mail-send-symbolic";
    }
}

static void
update (SatchelOutboxRow *self)
{
  SatchelOutboxItem *item = self->item;
  SatchelOutboxState state = satchel_outbox_item_get_state (item);
  const char *last_error = satchel_outbox_item_get_last_error (item);
  g_autofree char *shown_subject =
    satchel_outbox_row_format_subject (satchel_outbox_item_get_subject (item));
  g_autofree char *to = satchel_outbox_row_format_recipients (item);
  g_autofree char *status = NULL;
  gboolean has_error = last_error != NULL && *last_error != '\0';
  gboolean sending = self->sending || state == SATCHEL_OUTBOX_SENDING;

  gtk_label_set_text (self->subject_label, shown_subject);
  gtk_label_set_text (self->recipients_label, to);

  status = sending ? g_strdup (_("Sending…")) : describe_state (item);
  gtk_label_set_text (self->status_label, status);
  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (item));

  gtk_label_set_text (self->error_label, has_error ? last_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), has_error && !sending);

  gtk_widget_set_visible (self->progress_box, sending);
  gtk_widget_set_visible (self->cancel_button, sending);
  gtk_widget_set_visible (self->retry_button,
                          !sending && state != SATCHEL_OUTBOX_HELD &&
                          (state != SATCHEL_OUTBOX_QUEUED || has_error ||
                           satchel_outbox_item_get_attempts (item) > 0));
  gtk_button_set_label (GTK_BUTTON (self->retry_button),
                        state == SATCHEL_OUTBOX_UNKNOWN ? _("Send _Again…")
                        : state == SATCHEL_OUTBOX_QUEUED ? _("_Retry Now")
                        : _("_Retry"));
  gtk_widget_set_visible (self->password_button, !sending && self->needs_password);
  gtk_widget_set_visible (self->account_button, !sending && has_error);
  gtk_widget_set_visible (self->discard_button, !sending);

  if (sending)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
}

/* Overrides */

static void
satchel_outbox_row_dispose (GObject *object)
{
  SatchelOutboxRow *self = SATCHEL_OUTBOX_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_OUTBOX_ROW);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (satchel_outbox_row_parent_class)->dispose (object);
}

static void
satchel_outbox_row_class_init (SatchelOutboxRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = satchel_outbox_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-outbox-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, recipients_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, password_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, account_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelOutboxRow, discard_button);
}

static void
satchel_outbox_row_init (SatchelOutboxRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API */

SatchelOutboxRow *
satchel_outbox_row_new (SatchelOutboxItem *item)
{
  SatchelOutboxRow *self;
  GtkWidget *buttons[4];
  const char *id;
  g_autofree char *label = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), NULL);

  self = g_object_new (SATCHEL_TYPE_OUTBOX_ROW, NULL);
  self->item = g_object_ref (item);
  id = satchel_outbox_item_get_id (item);

  buttons[0] = self->cancel_button;
  buttons[1] = self->retry_button;
  buttons[2] = self->password_button;
  buttons[3] = self->account_button;
  for (gsize i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (buttons[i]), "s", id);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->discard_button), "s", id);

  update (self);

  /* Screen readers announce the row by its message. */
  label = g_strdup_printf ("%s, %s", gtk_label_get_text (self->subject_label),
                           gtk_label_get_text (self->status_label));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);

  return self;
}

SatchelOutboxItem *
satchel_outbox_row_get_item (SatchelOutboxRow *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ROW (self), NULL);

  return self->item;
}

void
satchel_outbox_row_set_progress (SatchelOutboxRow *self,
                                 gboolean          sending,
                                 guint64           sent,
                                 guint64           total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SATCHEL_IS_OUTBOX_ROW (self));

  if (self->sending != sending)
    {
      self->sending = sending;
      update (self);
    }
  if (!sending)
    return;

  if (total == 0)
    {
      /* Connecting, TLS, logging in: nothing counted yet. */
      gtk_progress_bar_pulse (self->progress_bar);
      gtk_label_set_text (self->progress_label, _("Connecting…"));
      return;
    }

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 MIN (1.0, (double) sent / (double) total));
  text = satchel_outbox_row_format_progress (sent, total);
  gtk_label_set_text (self->progress_label, text);
}

void
satchel_outbox_row_set_needs_password (SatchelOutboxRow *self,
                                       gboolean          needs)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ROW (self));

  self->needs_password = needs;
  update (self);
}

char *
satchel_outbox_row_format_subject (const char *subject)
{
  return g_strdup (subject != NULL && *subject != '\0' ? subject : _("(No subject)"));
}

char *
satchel_outbox_row_format_to (const char *addresses)
{
  /* Translators: %s is a list of addresses. */
  return g_strdup_printf (_("To %s"), addresses != NULL ? addresses : "");
}

char *
satchel_outbox_row_format_recipients (SatchelOutboxItem *item)
{
  const char * const *recipients = satchel_outbox_item_get_recipients (item);
  g_autofree char *joined = NULL;

  joined = recipients != NULL ? g_strjoinv (", ", (char **) recipients) : NULL;
  return satchel_outbox_row_format_to (joined);
}

char *
satchel_outbox_row_format_progress (guint64 sent,
                                    guint64 total)
{
  g_autofree char *done = g_format_size (sent);
  g_autofree char *all = g_format_size (total);
  guint percent = total > 0 ? (guint) MIN (100, sent * 100 / total) : 0;

  /* Translators: bytes sent so far, the message's size, and the
   * percentage, as in "3.2 MB of 12.0 MB (26 %)". */
  return g_strdup_printf (_("%s of %s (%u %%)"), done, all, percent);
}
