/* satchel-attachment-row.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-attachment-row"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-attachment-row.h"

struct _SatchelAttachmentRow
{
  GtkListBoxRow      parent_instance;

  SatchelAttachment *attachment;

  GtkStack          *icon_stack;
  GtkImage          *icon;
  GtkSpinner        *spinner;
  GtkLabel          *name_label;
  GtkLabel          *detail_label;
  GtkButton         *remove_button;
};

G_DEFINE_FINAL_TYPE (SatchelAttachmentRow, satchel_attachment_row, GTK_TYPE_LIST_BOX_ROW)

/* Helpers ----------------------------------------------------------------- */

static void
update (SatchelAttachmentRow *self)
{
  SatchelAttachment *attachment = self->attachment;
  const char *name = satchel_attachment_get_display_name (attachment);
  SatchelAttachmentState state = satchel_attachment_get_state (attachment);
  g_autofree char *detail = NULL;
  g_autofree char *remove_label = NULL;
  g_autofree char *tooltip = NULL;
  gboolean loading = state == SATCHEL_ATTACHMENT_STATE_LOADING;
  gboolean bad = state == SATCHEL_ATTACHMENT_STATE_MISSING ||
                 state == SATCHEL_ATTACHMENT_STATE_REFUSED;

  gtk_label_set_text (self->name_label, name);

  switch (state)
    {
    case SATCHEL_ATTACHMENT_STATE_LOADING:
      detail = g_strdup (_("Reading…"));
      break;
    case SATCHEL_ATTACHMENT_STATE_MISSING:
      detail = g_strdup (_("Missing: moved or deleted"));
      break;
    case SATCHEL_ATTACHMENT_STATE_REFUSED:
      detail = g_strdup (_("Cannot be attached"));
      break;
    case SATCHEL_ATTACHMENT_STATE_READY:
    default:
      {
        g_autofree char *size = g_format_size (satchel_attachment_get_size (attachment));
        const char *type = satchel_attachment_get_content_type (attachment);
        g_autofree char *description = type != NULL ? g_content_type_get_description (type) : NULL;

        /* Translators: an attachment's size and the kind of file, as in
         * "2.1 MB — PDF document". */
        detail = description != NULL ? g_strdup_printf (_("%s — %s"), size, description)
                                     : g_steal_pointer (&size);
        break;
      }
    }
  gtk_label_set_text (self->detail_label, detail);

  if (bad)
    {
      gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->icon), "error");
    }
  else
    {
      GIcon *icon = satchel_attachment_get_icon (attachment);

      if (icon != NULL)
        gtk_image_set_from_gicon (self->icon, icon);
      else
        gtk_image_set_from_icon_name (self->icon, "text-x-generic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->icon), "error");
    }

  gtk_spinner_set_spinning (self->spinner, loading);
  gtk_stack_set_visible_child_name (self->icon_stack, loading ? "loading" : "icon");

  /* The full path and, for a file that cannot be sent, the reason. */
  tooltip = g_strjoin ("\n",
                       satchel_attachment_get_path (attachment) != NULL
                       ? satchel_attachment_get_path (attachment) : name,
                       satchel_attachment_get_problem (attachment), NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail,
                                  -1);
  /* Translators: the accessible name of the button that removes the
   * attachment %s from the message. */
  remove_label = g_strdup_printf (_("Remove %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_remove_clicked (SatchelAttachmentRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "attachments.remove", "u",
                              (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
}

/* GObject ------------------------------------------------------------------- */

static void
satchel_attachment_row_dispose (GObject *object)
{
  SatchelAttachmentRow *self = SATCHEL_ATTACHMENT_ROW (object);

  if (self->attachment != NULL)
    g_signal_handlers_disconnect_by_data (self->attachment, self);
  g_clear_object (&self->attachment);
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_ATTACHMENT_ROW);

  G_OBJECT_CLASS (satchel_attachment_row_parent_class)->dispose (object);
}

static void
satchel_attachment_row_class_init (SatchelAttachmentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = satchel_attachment_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-attachment-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentRow, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
}

static void
satchel_attachment_row_init (SatchelAttachmentRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API ---------------------------------------------------------------- */

GtkWidget *
satchel_attachment_row_new (SatchelAttachment *attachment)
{
  SatchelAttachmentRow *self;

  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (attachment), NULL);

  self = g_object_new (SATCHEL_TYPE_ATTACHMENT_ROW, NULL);
  self->attachment = g_object_ref (attachment);
  g_signal_connect_swapped (attachment, "notify", G_CALLBACK (update), self);
  update (self);

  return GTK_WIDGET (self);
}

SatchelAttachment *
satchel_attachment_row_get_attachment (SatchelAttachmentRow *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_ROW (self), NULL);
  return self->attachment;
}
