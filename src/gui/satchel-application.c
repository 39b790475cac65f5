/* satchel-application.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-application"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-application.h"
#include "satchel-account-setup.h"
#include "satchel-contacts-window.h"
#include "satchel-mime.h"
#include "satchel-preferences-window.h"
#include "satchel-resources.h"
#include "satchel-scheduler.h"
#include "satchel-window.h"

struct _SatchelApplication
{
  AdwApplication    parent_instance;

  SatchelContext   *context;
  SatchelScheduler *scheduler;
};

G_DEFINE_FINAL_TYPE (SatchelApplication, satchel_application, ADW_TYPE_APPLICATION)

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
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = show_about },
  { .name = "quit", .activate = quit_app },
};

static void
satchel_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (satchel_application_parent_class)->startup (app);

  satchel_mime_init ();
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         quit_accels);
  satchel_account_setup_install_action (GTK_APPLICATION (app));
  satchel_contacts_window_install_action (GTK_APPLICATION (app));
  satchel_preferences_window_install_action (GTK_APPLICATION (app));

  /* The primary instance sends what is queued, by itself: now, when the
   * next retry is due, and when the network comes back. */
  satchel_scheduler_start (SATCHEL_APPLICATION (app)->scheduler);
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

  /* A send in progress is cancelled, which leaves its message queued;
   * give the worker a moment to record that rather than die mid-write
   * (the outbox survives that too, but "queued" beats "unknown"). */
  satchel_scheduler_stop (self->scheduler);
  deadline = g_timeout_add_seconds (2, on_shutdown_deadline, &expired);
  while (satchel_scheduler_get_busy (self->scheduler) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);

  G_APPLICATION_CLASS (satchel_application_parent_class)->shutdown (app);
}

static void
satchel_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (satchel_window_new (SATCHEL_APPLICATION (app)));

  gtk_window_present (window);
}

static void
satchel_application_finalize (GObject *object)
{
  SatchelApplication *self = SATCHEL_APPLICATION (object);

  g_clear_object (&self->scheduler);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (satchel_application_parent_class)->finalize (object);
}

static void
satchel_application_class_init (SatchelApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  satchel_register_resource ();

  object_class->finalize = satchel_application_finalize;
  app_class->startup = satchel_application_startup;
  app_class->activate = satchel_application_activate;
  app_class->shutdown = satchel_application_shutdown;
}

static void
satchel_application_init (SatchelApplication *self)
{
  self->context = satchel_context_new ();
  self->scheduler = satchel_scheduler_new (g_network_monitor_get_default ());
}

SatchelApplication *
satchel_application_new (void)
{
  return g_object_new (SATCHEL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "resource-base-path", RESOURCE_BASE,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
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
