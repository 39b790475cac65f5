/* satchel-attach-consent.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-attach-consent"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-attach-consent.h"

struct _SatchelAttachConsent
{
  AdwMessageDialog  parent_instance;

  GPtrArray        *files;    /* char*, NULL-terminated */
  GPtrArray        *refused;  /* char*, NULL-terminated */

  /* Template widgets */
  GtkWidget        *files_heading;
  GtkListBox       *files_list;
  GtkWidget        *refused_heading;
  GtkListBox       *refused_list;
};

G_DEFINE_FINAL_TYPE (SatchelAttachConsent, satchel_attach_consent, ADW_TYPE_MESSAGE_DIALOG)

/* The full path, never shortened or ellipsized: the point is that the
 * user sees exactly which file would go. */
static GtkWidget *
make_row (const char *path,
          const char *reason,
          const char *icon_name)
{
  g_autofree char *shown = g_filename_display_name (path);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new (shown);
  g_autoptr(PangoAttrList) attributes = NULL;

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon_name));

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  /* The dialog takes the width the paths need (up to its maximum):
   * wrapped labels would ask for little in Chinese, and every path
   * would break. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  /* A path broken inside a name must not gain a hyphen it does not
   * have. */
  attributes = pango_attr_list_new ();
  pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), label);

  if (reason != NULL)
    {
      GtkWidget *why = gtk_label_new (reason);

      gtk_label_set_xalign (GTK_LABEL (why), 0);
      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_widget_add_css_class (why, "dim-label");
      gtk_widget_add_css_class (why, "caption");
      gtk_box_append (GTK_BOX (texts), why);
    }

  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, shown,
                                  -1);

  return row;
}

/* What the user is asked depends on what the link asks for: files
 * that may go are listed under "Attached if you agree", and the Attach
 * button says how many; refused files are listed apart, each with its
 * reason. Without a file to offer there is nothing to agree to: the
 * dialog only informs, with one button. */
static void
update_responses (SatchelAttachConsent *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  guint n_files = self->files->len - 1;
  gboolean offer = n_files > 0;
  gboolean refused = self->refused->len > 1;
  const char *heading;

  gtk_widget_set_visible (self->files_heading, offer);
  gtk_widget_set_visible (GTK_WIDGET (self->files_list), offer);
  gtk_widget_set_visible (self->refused_heading, refused);
  gtk_widget_set_visible (GTK_WIDGET (self->refused_list), refused);
  gtk_widget_set_margin_top (self->refused_heading, offer ? 12 : 0);

  if (offer)
    {
      g_autofree char *attach = NULL;

      heading = _("Attach Files from a Link?");
      adw_message_dialog_set_body (dialog,
                                   _("The link that opened this message asks to attach "
                                     "files. Links have been used to steal files this "
                                     "way: attach them only if you expected it."));
      adw_message_dialog_set_response_label (dialog, "cancel", _("_Don’t Attach"));

      /* Translators: a button of the dialog; %u files go when pressed. */
      attach = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "_Attach %u File", "_Attach %u Files", n_files),
                                n_files);
      /* Files are only ever added: once there, "attach" stays. */
      if (adw_message_dialog_has_response (dialog, "attach"))
        {
          adw_message_dialog_set_response_label (dialog, "attach", attach);
        }
      else
        {
          adw_message_dialog_add_response (dialog, "attach", attach);
          adw_message_dialog_set_response_appearance (dialog, "attach",
                                                      ADW_RESPONSE_DESTRUCTIVE);
        }
    }
  else
    {
      heading = _("Files Not Attached");
      adw_message_dialog_set_body (dialog,
                                   _("The link that opened this message asks to attach "
                                     "files that a link may never attach. The message "
                                     "opens without them: to send one, attach it yourself "
                                     "with Attach Files."));
      adw_message_dialog_set_response_label (dialog, "cancel", _("_OK"));
    }

  adw_message_dialog_set_heading (dialog, heading);
  gtk_window_set_title (GTK_WINDOW (self), heading);
}

static void
satchel_attach_consent_finalize (GObject *object)
{
  SatchelAttachConsent *self = SATCHEL_ATTACH_CONSENT (object);

  g_ptr_array_unref (self->files);
  g_ptr_array_unref (self->refused);

  G_OBJECT_CLASS (satchel_attach_consent_parent_class)->finalize (object);
}

static void
satchel_attach_consent_class_init (SatchelAttachConsentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = satchel_attach_consent_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-attach-consent.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachConsent, files_heading);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachConsent, files_list);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachConsent, refused_heading);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachConsent, refused_list);
}

static void
satchel_attach_consent_init (SatchelAttachConsent *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->files = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->files, NULL);
  self->refused = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->refused, NULL);
  update_responses (self);
}

SatchelAttachConsent *
satchel_attach_consent_new (GtkWindow *parent)
{
  return g_object_new (SATCHEL_TYPE_ATTACH_CONSENT,
                       "transient-for", parent,
                       NULL);
}

void
satchel_attach_consent_add_file (SatchelAttachConsent *self,
                                 const char           *path)
{
  g_return_if_fail (SATCHEL_IS_ATTACH_CONSENT (self));
  g_return_if_fail (path != NULL);

  g_ptr_array_insert (self->files, self->files->len - 1, g_strdup (path));
  gtk_list_box_append (self->files_list, make_row (path, NULL, "text-x-generic-symbolic"));
  update_responses (self);
}

void
satchel_attach_consent_add_refused (SatchelAttachConsent *self,
                                    const char           *path,
                                    const char           *reason)
{
  g_return_if_fail (SATCHEL_IS_ATTACH_CONSENT (self));
  g_return_if_fail (path != NULL);

  g_ptr_array_insert (self->refused, self->refused->len - 1, g_strdup (path));
  gtk_list_box_append (self->refused_list, make_row (path, reason, "action-unavailable-symbolic"));
  update_responses (self);
}

const char * const *
satchel_attach_consent_get_files (SatchelAttachConsent *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACH_CONSENT (self), NULL);

  return (const char * const *) self->files->pdata;
}

const char * const *
satchel_attach_consent_get_refused (SatchelAttachConsent *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACH_CONSENT (self), NULL);

  return (const char * const *) self->refused->pdata;
}
