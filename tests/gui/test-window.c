/* test-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-paths.h"
#include "satchel-window.h"

/* Activates the real application and hands its window to @check once
 * it is mapped. */
typedef void (*WindowCheck) (GtkWindow *window);

typedef struct
{
  GtkWindow   *window;
  WindowCheck  check;
} PendingCheck;

/* Runs the check from the main loop, once the window has been shown,
 * then quits the application. */
static gboolean
run_check_idle (gpointer user_data)
{
  PendingCheck *pending = user_data;
  GApplication *app = G_APPLICATION (gtk_window_get_application (pending->window));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (pending->window)));
  pending->check (pending->window);
  g_application_quit (app);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static void
on_activate_after (GApplication *app,
                   gpointer      user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  PendingCheck *pending = g_new0 (PendingCheck, 1);

  g_assert_nonnull (window);
  g_assert_true (SATCHEL_IS_WINDOW (window));
  pending->window = window;
  pending->check = (WindowCheck) user_data;
  g_idle_add (run_check_idle, pending);
}

static void
run_app (WindowCheck check)
{
  g_autoptr(SatchelApplication) app = satchel_application_new ();
  char *argv[] = { (char *) "satchel", NULL };

  /* Not unique: each test runs its own instance. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (on_activate_after), check);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 1, argv), ==, 0);
}

static AdwStatusPage *
find_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget))
    return ADW_STATUS_PAGE (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *page = find_status_page (child);

      if (page != NULL)
        return page;
    }

  return NULL;
}

static void
check_no_account (GtkWindow *window)
{
  AdwStatusPage *page = find_status_page (GTK_WIDGET (window));

  g_assert_cmpstr (gtk_window_get_title (window), ==, "Satchel");
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_nonnull (strstr (adw_status_page_get_description (page), "satchel-cli account add"));
}

static void
check_one_account (GtkWindow *window)
{
  AdwStatusPage *page = find_status_page (GTK_WIDGET (window));

  g_assert_cmpstr (adw_status_page_get_description (page), ==,
                   "1 account is ready to send.");
}

static gboolean
have_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;

  g_test_skip ("no display: run under build-aux/headless");
  return FALSE;
}

/* Each test starts without accounts. */
static void
reset_accounts (void)
{
  g_autofree char *path = satchel_paths_accounts_file ();

  g_assert_true (g_remove (path) == 0 || errno == ENOENT);
}

static void
test_window_no_account (void)
{
  if (!have_display ())
    return;
  reset_accounts ();
  run_app (check_no_account);
}

static void
test_window_one_account (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = satchel_account_new ("work");
  g_autoptr(GError) error = NULL;

  if (!have_display ())
    return;
  reset_accounts ();
  satchel_account_set_address (account, "me@example.com");
  satchel_account_set_host (account, "smtp.example.com");
  satchel_account_store_add (store, account, &error);
  g_assert_no_error (error);

  run_app (check_one_account);
}

int
main (int   argc,
      char *argv[])
{
  const char *vars[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME" };
  g_autofree char *home = NULL;
  g_autoptr(GError) error = NULL;

  /* Private user folders, but not G_TEST_OPTION_ISOLATE_DIRS: that also
   * hides the system data folders, and with them the MIME database GTK
   * needs to load the application's SVG icon. */
  home = g_dir_make_tmp ("satchel-test-window-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_setenv (vars[i], dir, TRUE);
    }

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/satchel/gui/window/no-account", test_window_no_account);
  g_test_add_func ("/satchel/gui/window/one-account", test_window_one_account);

  return g_test_run ();
}
