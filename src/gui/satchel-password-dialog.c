/* satchel-password-dialog.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-password-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-password-dialog.h"

struct _SatchelPasswordDialog
{
  AdwMessageDialog  parent_instance;

  char             *account;

  /* Template widgets */
  GtkLabel         *reason_label;
  GtkWidget        *password_entry;
  GtkWidget        *remember_check;
};

G_DEFINE_FINAL_TYPE (SatchelPasswordDialog, satchel_password_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
on_password_changed (SatchelPasswordDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "send",
                                           text != NULL && *text != '\0');
}

static void
satchel_password_dialog_finalize (GObject *object)
{
  SatchelPasswordDialog *self = SATCHEL_PASSWORD_DIALOG (object);

  g_free (self->account);

  G_OBJECT_CLASS (satchel_password_dialog_parent_class)->finalize (object);
}

static void
satchel_password_dialog_class_init (SatchelPasswordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = satchel_password_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-password-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelPasswordDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelPasswordDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, SatchelPasswordDialog, remember_check);
  gtk_widget_class_bind_template_callback (widget_class, on_password_changed);
}

static void
satchel_password_dialog_init (SatchelPasswordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SatchelPasswordDialog *
satchel_password_dialog_new (GtkWindow      *parent,
                             SatchelAccount *account,
                             const char     *reason,
                             gboolean        can_remember)
{
  SatchelPasswordDialog *self;
  const char *user;
  g_autofree char *body = NULL;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), NULL);

  self = g_object_new (SATCHEL_TYPE_PASSWORD_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->account = g_strdup (satchel_account_get_name (account));

  user = satchel_account_get_username (account);
  if (user == NULL || *user == '\0')
    user = satchel_account_get_address (account);
  /* Translators: the user name, then the server, as in
   * "Type the password of alice@example.com on smtp.example.com to send
   * your message." */
  body = g_strdup_printf (_("Type the password of %s on %s to send your message."),
                          user, satchel_account_get_host (account));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);

  if (reason != NULL && *reason != '\0')
    {
      gtk_label_set_text (self->reason_label, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->reason_label), TRUE);
    }

  gtk_widget_set_visible (self->remember_check, can_remember);
  if (!can_remember)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (self->remember_check), FALSE);

  gtk_widget_grab_focus (self->password_entry);

  return self;
}

const char *
satchel_password_dialog_get_account (SatchelPasswordDialog *self)
{
  g_return_val_if_fail (SATCHEL_IS_PASSWORD_DIALOG (self), NULL);

  return self->account;
}

const char *
satchel_password_dialog_get_password (SatchelPasswordDialog *self)
{
  g_return_val_if_fail (SATCHEL_IS_PASSWORD_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
}

gboolean
satchel_password_dialog_get_remember (SatchelPasswordDialog *self)
{
  g_return_val_if_fail (SATCHEL_IS_PASSWORD_DIALOG (self), FALSE);

  return gtk_widget_get_visible (self->remember_check) &&
         gtk_check_button_get_active (GTK_CHECK_BUTTON (self->remember_check));
}

void
satchel_password_dialog_set_password (SatchelPasswordDialog *self,
                                      const char            *password)
{
  g_return_if_fail (SATCHEL_IS_PASSWORD_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), password);
}
