/* satchel-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-window"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-window.h"

struct _SatchelWindow
{
  AdwApplicationWindow  parent_instance;

  AdwStatusPage        *status_page;
};

G_DEFINE_FINAL_TYPE (SatchelWindow, satchel_window, ADW_TYPE_APPLICATION_WINDOW)

/* Says what the engine has: the first screen until the account setup and
 * compose windows exist. */
static void
update_status (SatchelWindow *self)
{
  SatchelApplication *app;
  SatchelAccountStore *accounts;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  guint n_accounts;

  app = SATCHEL_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  accounts = satchel_context_get_accounts (satchel_application_get_context (app));

  if (!satchel_account_store_load (accounts, &error))
    {
      adw_status_page_set_description (self->status_page, error->message);
      return;
    }

  n_accounts = g_list_model_get_n_items (G_LIST_MODEL (accounts));
  if (n_accounts == 0)
    description = g_strdup (_("No account yet. Add one from a terminal with "
                              "“satchel-cli account add”."));
  else
    description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                "%u account is ready to send.",
                                                "%u accounts are ready to send.",
                                                n_accounts),
                                   n_accounts);
  adw_status_page_set_description (self->status_page, description);
}

static void
satchel_window_class_init (SatchelWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, status_page);
}

static void
satchel_window_init (SatchelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

SatchelWindow *
satchel_window_new (SatchelApplication *application)
{
  SatchelWindow *self;

  self = g_object_new (SATCHEL_TYPE_WINDOW, "application", application, NULL);
  update_status (self);

  return self;
}
