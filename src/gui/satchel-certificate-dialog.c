/* satchel-certificate-dialog.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-certificate-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-certificate-dialog.h"

#include "satchel-certificate.h"

struct _SatchelCertificateDialog
{
  AdwMessageDialog  parent_instance;

  char             *fingerprint;

  /* Template widgets */
  GtkBox           *problems_box;
  GtkWidget        *changed_box;
  GtkWidget        *advice_label;
  GtkLabel         *old_fingerprint_label;
  GtkLabel         *new_fingerprint_label;
  GtkLabel         *server_label;
  GtkLabel         *subject_label;
  GtkLabel         *issuer_label;
  GtkLabel         *not_before_label;
  GtkLabel         *not_after_label;
  GtkLabel         *fingerprint_label;
};

G_DEFINE_FINAL_TYPE (SatchelCertificateDialog, satchel_certificate_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* Helpers ----------------------------------------------------------------- */

/* Sets a value label; what the certificate does not say shows as such. */
static void
set_value (GtkLabel   *label,
           const char *value)
{
  gtk_label_set_text (label, value != NULL && *value != '\0' ? value : _("(not given)"));
}

/* "AB:CD:…" in lines of @per_line bytes: a fingerprint people compare
 * by eye, in columns that line up. */
static char *
format_lines (const char *hex,
              guint       per_line)
{
  g_autofree char *formatted = satchel_certificate_format_fingerprint (hex);
  g_auto(GStrv) bytes = g_strsplit (formatted, ":", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; bytes[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (text, i % per_line == 0 ? '\n' : ':');
      g_string_append (text, bytes[i]);
    }
  return g_string_free (text, FALSE);
}

/* "it expired on …" as a sentence of its own. */
static char *
make_sentence (const char *fragment)
{
  gunichar first = g_utf8_get_char (fragment);
  char head[8] = { 0 };

  g_unichar_to_utf8 (g_unichar_totitle (first), head);
  /* Translators: a sentence made of one problem of a certificate
   * ("It expired on 2020-01-02"): put your language's full stop. */
  return g_strdup_printf (_("%s%s."), head, g_utf8_next_char (fragment));
}

/* One line per problem, each with its warning sign. */
static void
add_problems (SatchelCertificateDialog *self,
              const char               *host,
              GTlsCertificate          *certificate,
              GTlsCertificateFlags      problems)
{
  g_auto(GStrv) reasons = satchel_certificate_describe_problems (certificate, host, problems);

  for (guint i = 0; reasons != NULL && reasons[i] != NULL; i++)
    {
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *text = make_sentence (reasons[i]);
      GtkWidget *label = gtk_label_new (text);

      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (line), icon);
      gtk_box_append (GTK_BOX (line), label);
      gtk_box_append (self->problems_box, line);
    }
}

/* Overrides --------------------------------------------------------------- */

static void
satchel_certificate_dialog_finalize (GObject *object)
{
  SatchelCertificateDialog *self = SATCHEL_CERTIFICATE_DIALOG (object);

  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (satchel_certificate_dialog_parent_class)->finalize (object);
}

static void
satchel_certificate_dialog_class_init (SatchelCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = satchel_certificate_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-certificate-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, problems_box);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, changed_box);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, advice_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, old_fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, new_fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, server_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, subject_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, not_before_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, not_after_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelCertificateDialog, fingerprint_label);
}

static void
satchel_certificate_dialog_init (SatchelCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------- */

GtkWindow *
satchel_certificate_dialog_new (GtkWindow            *parent,
                                const char           *host,
                                guint16               port,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  problems,
                                const char           *pinned_fingerprint)
{
  SatchelCertificateDialog *self;
  g_autofree char *body = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *server = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  gboolean changed;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  changed = pinned_fingerprint != NULL && *pinned_fingerprint != '\0';
  /* GLib names one problem; the user is told all of them. */
  problems = satchel_certificate_find_problems (certificate, host, problems);

  self = g_object_new (SATCHEL_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->fingerprint = satchel_certificate_fingerprint (certificate);

  if (changed)
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                      _("The Server’s Certificate Changed"));
      /* Translators: %s is a host name, %u a port number. */
      body = g_strdup_printf (_("The server “%s” (port %u) presented a different "
                                "certificate from the one this account trusts."),
                              host, port);
      gtk_widget_set_visible (self->advice_label, FALSE);
    }
  else
    /* Translators: %s is a host name, %u a port number. */
    body = g_strdup_printf (_("The server “%s” (port %u) presented a certificate "
                              "that cannot be checked."),
                            host, port);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  add_problems (self, host, certificate, problems);

  /* Translators: a host name and a port number, "smtp.example.com, port 465". */
  server = g_strdup_printf (_("%s, port %u"), host, port);
  set_value (self->server_label, server);
  subject = satchel_certificate_dup_subject (certificate);
  set_value (self->subject_label, subject);
  issuer = satchel_certificate_dup_issuer (certificate);
  set_value (self->issuer_label, issuer);
  not_before = satchel_certificate_dup_not_before (certificate);
  set_value (self->not_before_label, not_before);
  not_after = satchel_certificate_dup_not_after (certificate);
  set_value (self->not_after_label, not_after);
  formatted = format_lines (self->fingerprint, 16);
  set_value (self->fingerprint_label, formatted);

  if (changed)
    {
      g_autofree char *old_formatted = format_lines (pinned_fingerprint, 8);
      g_autofree char *new_formatted = format_lines (self->fingerprint, 8);

      set_value (self->old_fingerprint_label, old_formatted);
      set_value (self->new_fingerprint_label, new_formatted);
      gtk_widget_set_visible (self->changed_box, TRUE);
    }

  return GTK_WINDOW (self);
}

const char *
satchel_certificate_dialog_get_fingerprint (SatchelCertificateDialog *self)
{
  g_return_val_if_fail (SATCHEL_IS_CERTIFICATE_DIALOG (self), NULL);

  return self->fingerprint;
}
