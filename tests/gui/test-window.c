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
#include <unistd.h>

#include "gui-testlib.h"
#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-compose-window.h"
#include "satchel-draft.h"
#include "satchel-outbox-row.h"
#include "satchel-paths.h"
#include "satchel-sent.h"
#include "satchel-window.h"

/* One application for every test: registered, so that windows may join
 * it, but never run; the tests iterate the main context themselves. */
static SatchelApplication *application;

/* A port nothing listens on: sends there fail at once, "refused". */
static guint16 closed_port;

static SatchelApplication *
get_application (void)
{
  g_autoptr(GError) error = NULL;

  if (application != NULL)
    return application;

  application = satchel_application_new ();
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);

  return application;
}

/* Fresh folders, the accounts the test wants read by the application. */
static void
reset (gboolean with_account)
{
  SatchelContext *context = satchel_application_get_context (get_application ());
  g_autoptr(SatchelAccount) account = NULL;

  gui_test_reset ();
  if (with_account)
    account = gui_test_add_account ("work", closed_port);
  g_assert_true (satchel_account_store_load (satchel_context_get_accounts (context), NULL));
}

static gboolean
window_loaded (gpointer window)
{
  return satchel_window_is_loaded (window);
}

static SatchelWindow *
open_window (void)
{
  SatchelWindow *window = satchel_window_new (get_application ());

  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (window_loaded, window, 30);
  gui_test_wait_for ((gboolean (*) (gpointer)) gtk_widget_get_mapped, window, 30);

  return window;
}

static guint
n_items (SatchelWindow *window,
         const char    *list)
{
  return g_list_model_get_n_items (satchel_window_get_list (window, list));
}

static void
write_sent (const char *name,
            const char *subject)
{
  g_autofree char *dir = satchel_paths_sent_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;

  g_assert_true (satchel_paths_ensure_dir (dir, NULL));
  text = g_strdup_printf ("From: Me <me@example.com>\r\nTo: Carol <carol@example.com>\r\n"
                          "Subject: %s\r\nDate: Mon, 02 Nov 2026 09:00:00 +0000\r\n\r\nHi.\r\n",
                          subject);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
activate (SatchelWindow *window,
          const char    *action,
          const char    *id)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, "s", id));
}

/* Tests -------------------------------------------------------------------- */

static gboolean
is_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

/* The first run: no account, a page that leads into account setup. */
static void
test_window_first_run (void)
{
  SatchelWindow *window;
  GtkWidget *status;
  GtkWidget *button;
  guint n_windows;

  if (!gui_test_have_display ())
    return;
  reset (FALSE);

  window = open_window ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Satchel");
  status = gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "Welcome to Satchel");

  button = adw_status_page_get_child (ADW_STATUS_PAGE (status));
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Add an Account");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.add-account");
  g_assert_true (gtk_widget_is_sensitive (button));
  /* Nothing to switch between yet. */
  g_assert_false (adw_view_switcher_bar_get_reveal (
    ADW_VIEW_SWITCHER_BAR (gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR))));
  g_assert_false (adw_view_switcher_title_get_view_switcher_enabled (
    ADW_VIEW_SWITCHER_TITLE (gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_TITLE))));

  /* It opens the account setup window. */
  n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (application)));
  g_signal_emit_by_name (button, "clicked");
  gui_test_spin (200);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (application))),
                    ==, n_windows + 1);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    if (l->data != (gpointer) window)
      {
        gtk_window_destroy (l->data);
        break;
      }

  /* Once there is an account, the lists. */
  {
    g_autoptr(SatchelAccount) account = gui_test_add_account ("work", closed_port);
    SatchelContext *context = satchel_application_get_context (application);

    g_assert_true (satchel_account_store_load (satchel_context_get_accounts (context), NULL));
    gui_test_wait_for (is_unmapped, status, 30);
    g_assert_cmpstr (satchel_window_get_page (window), ==, "drafts");
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Each list shows what its folder holds. */
static void
test_window_lists (void)
{
  g_autoptr(SatchelOutboxItem) queued = NULL;
  g_autoptr(SatchelOutboxItem) failed = NULL;
  g_autoptr(SatchelOutboxItem) held = NULL;
  g_autofree char *draft_a = NULL;
  g_autofree char *draft_b = NULL;
  SatchelWindow *window;
  SatchelOutboxRow *row;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);

  queued = gui_test_queue ("work", "Waiting for a retry", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (queued), SATCHEL_OUTBOX_QUEUED,
                      "Could not connect to 127.0.0.1: Connection refused.");
  failed = gui_test_queue ("work", "Refused by the server", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (failed), SATCHEL_OUTBOX_FAILED,
                      "The server refused the message. The server said: “550 5.7.1 Relaying denied”");
  held = gui_test_queue ("work", "Still held", now + 3600, 0);
  draft_a = gui_test_save_draft ("Plans for Friday", "ann@example.com");
  draft_b = gui_test_save_draft ("", "");
  write_sent ("20261102T090000-abc.eml", "Minutes of the meeting");

  window = open_window ();
  g_assert_cmpuint (n_items (window, "outbox"), ==, 3);
  g_assert_cmpuint (n_items (window, "drafts"), ==, 2);
  g_assert_cmpuint (n_items (window, "sent"), ==, 1);

  /* What the user reads. */
  satchel_window_set_page (window, "outbox");
  gui_test_spin (100);
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "550 5.7.1 Relaying denied"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Waiting to try again at"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Leaves at"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "To bob@example.com"));
  row = SATCHEL_OUTBOX_ROW (gui_test_find_outbox_row (GTK_WIDGET (window),
                                                      satchel_outbox_item_get_id (failed)));
  g_assert_nonnull (row);
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (row), "1 attempt"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (row), "Refused by the server"));

  satchel_window_set_page (window, "drafts");
  gui_test_spin (100);
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Plans for Friday"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "To ann@example.com"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "(No subject)"));

  satchel_window_set_page (window, "sent");
  gui_test_spin (100);
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Minutes of the meeting"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Carol <carol@example.com>"));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_n_sent (gpointer window)
{
  return n_items (window, "sent") == 2;
}

static gboolean
has_no_drafts (gpointer window)
{
  return n_items (window, "drafts") == 0;
}

static gboolean
has_one_outbox (gpointer window)
{
  return n_items (window, "outbox") == 1;
}

/* The lists follow their folders, whoever changes them (satchel-cli,
 * another window). */
static void
test_window_follows_folders (void)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autofree char *draft = NULL;
  SatchelWindow *window;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  write_sent ("20261101T090000-one.eml", "First");
  draft = gui_test_save_draft ("Soon gone", "");

  window = open_window ();
  g_assert_cmpuint (n_items (window, "sent"), ==, 1);
  g_assert_cmpuint (n_items (window, "drafts"), ==, 1);
  g_assert_cmpuint (n_items (window, "outbox"), ==, 0);

  write_sent ("20261102T090000-two.eml", "Second");
  gui_test_wait_for (has_n_sent, window, 30);
  g_assert_true (satchel_draft_store_remove (store, draft, NULL));
  gui_test_wait_for (has_no_drafts, window, 30);
  item = gui_test_queue ("work", "Queued elsewhere", g_get_real_time () / G_USEC_PER_SEC + 3600, 0);
  gui_test_wait_for (has_one_outbox, window, 30);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  char     *id;
  guint     attempts;
} AttemptWait;

static gboolean
attempted (gpointer user_data)
{
  AttemptWait *wait = user_data;
  g_autoptr(SatchelOutboxItem) item = gui_test_lookup (wait->id);

  return item != NULL && satchel_outbox_item_get_attempts (item) >= wait->attempts &&
         satchel_outbox_item_get_state (item) != SATCHEL_OUTBOX_SENDING;
}

/* Retry makes a failed message due now and sends it: here the server
 * is down again, so it is tried once more and waits for the next
 * retry. */
static void
test_window_retry (void)
{
  g_autoptr(SatchelOutboxItem) failed = NULL;
  g_autoptr(SatchelOutboxItem) after = NULL;
  SatchelWindow *window;
  AttemptWait wait = { 0 };

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  failed = gui_test_queue ("work", "Try me again", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (failed), SATCHEL_OUTBOX_FAILED, "Earlier failure.");

  window = open_window ();
  activate (window, "outbox.retry", satchel_outbox_item_get_id (failed));

  wait.id = (char *) satchel_outbox_item_get_id (failed);
  wait.attempts = 2;
  gui_test_wait_for (attempted, &wait, 60);
  after = gui_test_lookup (wait.id);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_nonnull (strstr (satchel_outbox_item_get_last_error (after), "127.0.0.1"));
  g_assert_cmpint (satchel_outbox_item_get_next_attempt (after), >,
                   g_get_real_time () / G_USEC_PER_SEC);

  gtk_window_destroy (GTK_WINDOW (window));
}

static GuiTestNotification *
wait_for_notification (const char *note_id,
                       gboolean    (*check) (GuiTestNotification *))
{
  GuiTestNotification *notification = NULL;

  for (guint i = 0; i < 1500; i++)
    {
      notification = gui_test_notification_lookup (note_id);
      if (notification != NULL && check (notification))
        return notification;
      gui_test_spin (20);
    }
  g_assert_nonnull (notification);
  g_assert_true (check (notification));

  return notification;
}

static gboolean
is_failure (GuiTestNotification *notification)
{
  return g_strcmp0 (notification->title, "Message Not Sent") == 0;
}

static gboolean
is_success (GuiTestNotification *notification)
{
  return g_strcmp0 (notification->title, "Message Sent") == 0;
}

/* Results that arrive while no window is on screen come as desktop
 * notifications, one per message: a failure with Retry, withdrawn when
 * the message later leaves. */
static void
test_window_notifications (void)
{
  g_autoptr(GuiTestServer) server = NULL;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GVariant) button = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note_id = NULL;
  GuiTestNotification *failure;
  GuiTestNotification *success;
  SatchelWindow *window;
  const char *action = NULL;
  const char *id;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  item = gui_test_queue ("work", "Off screen", 0, 0);
  id = satchel_outbox_item_get_id (item);
  gui_test_set_state (id, SATCHEL_OUTBOX_QUEUED, NULL);
  note_id = g_strconcat ("send-", id, NULL);

  window = open_window ();
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_assert_true (satchel_application_retry_now (application, id, &error));
  g_assert_no_error (error);

  failure = wait_for_notification (note_id, is_failure);
  g_assert_nonnull (strstr (failure->body, "Off screen"));
  g_assert_nonnull (strstr (failure->body, "127.0.0.1"));
  g_assert_false (failure->withdrawn);
  g_assert_cmpuint (g_variant_n_children (failure->buttons), ==, 1);
  button = g_variant_get_child_value (failure->buttons, 0);
  g_assert_true (g_variant_lookup (button, "action", "&s", &action));
  g_assert_cmpstr (action, ==, "app.retry-send");
  target = g_variant_lookup_value (button, "target", G_VARIANT_TYPE_STRING);
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, id);

  /* The server is back (the account points at it now): Retry sends it,
   * and the failure goes away. */
  server = gui_test_server_start ("{\"security\": \"none\", \"auth_clear\": []}");
  g_assert_true (satchel_account_store_load (store, NULL));
  account = satchel_account_store_lookup (store, "work");
  satchel_account_set_port (account, gui_test_server_port (server));
  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_application_retry_now (application, id, &error));

  success = wait_for_notification (note_id, is_success);
  g_assert_true (failure->withdrawn);
  g_assert_cmpstr (success->body, ==, "Off screen");
  g_assert_false (success->withdrawn);
  g_assert_true (satchel_sent_contains (NULL, id));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* When the server may already have the message, Retry asks first; only
 * "Send Again" sends it. */
static void
test_window_retry_unknown_asks (void)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelOutboxItem) after = NULL;
  AdwMessageDialog *dialog;
  SatchelWindow *window;
  AttemptWait wait = { 0 };

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  item = gui_test_queue ("work", "Maybe delivered", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (item), SATCHEL_OUTBOX_UNKNOWN, "Lost.");

  window = open_window ();
  activate (window, "outbox.retry", satchel_outbox_item_get_id (item));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send Again?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "may already have it"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  adw_message_dialog_response (dialog, "cancel");
  gui_test_spin (300);
  after = gui_test_lookup (satchel_outbox_item_get_id (item));
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_UNKNOWN);
  g_clear_object (&after);

  activate (window, "outbox.retry", satchel_outbox_item_get_id (item));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "send");
  wait.id = (char *) satchel_outbox_item_get_id (item);
  wait.attempts = 2;
  gui_test_wait_for (attempted, &wait, 60);
  after = gui_test_lookup (wait.id);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_QUEUED);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_empty_outbox (gpointer window)
{
  return n_items (window, "outbox") == 0;
}

/* Discard asks, then removes the message for good. */
static void
test_window_discard (void)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelOutboxItem) after = NULL;
  AdwMessageDialog *dialog;
  SatchelWindow *window;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  item = gui_test_queue ("work", "Not worth sending", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (item), SATCHEL_OUTBOX_FAILED, "No.");

  window = open_window ();
  activate (window, "outbox.discard", satchel_outbox_item_get_id (item));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard Message?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Not worth sending"));
  adw_message_dialog_response (dialog, "cancel");
  gui_test_spin (300);
  after = gui_test_lookup (satchel_outbox_item_get_id (item));
  g_assert_nonnull (after);

  activate (window, "outbox.discard", satchel_outbox_item_get_id (item));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, "discard");
  gui_test_wait_for (has_empty_outbox, window, 30);
  g_clear_object (&after);
  after = gui_test_lookup (satchel_outbox_item_get_id (item));
  g_assert_null (after);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A draft opens in a compose window; Delete asks, then removes it. */
static void
test_window_drafts (void)
{
  g_autofree char *id = NULL;
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) gone = NULL;
  SatchelComposeWindow *compose = NULL;
  GtkListBoxRow *row;
  AdwMessageDialog *dialog;
  SatchelWindow *window;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);
  id = gui_test_save_draft ("Half written", "dan@example.com");

  window = open_window ();
  satchel_window_set_page (window, "drafts");
  gui_test_spin (100);
  row = GTK_LIST_BOX_ROW (gui_test_find_widget (GTK_WIDGET (window), ADW_TYPE_ACTION_ROW));
  g_assert_nonnull (row);
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  gui_test_spin (300);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (application)); l != NULL; l = l->next)
    if (SATCHEL_IS_COMPOSE_WINDOW (l->data))
      compose = l->data;
  g_assert_nonnull (compose);
  g_assert_cmpstr (satchel_draft_get_id (satchel_compose_window_get_draft (compose)), ==, id);
  g_assert_cmpstr (satchel_draft_get_subject (satchel_compose_window_get_draft (compose)), ==,
                   "Half written");
  gtk_window_destroy (GTK_WINDOW (compose));

  activate (window, "drafts.delete", id);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete Draft?");
  adw_message_dialog_response (dialog, "delete");
  gui_test_wait_for (has_no_drafts, window, 30);
  gone = satchel_draft_store_load (store, id, NULL);
  g_assert_null (gone);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window remembers its size: what it had when it was closed is
 * what the next one starts with. */
static void
test_window_size_saved (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  SatchelWindow *window;
  gboolean closed = TRUE;
  int width, height;

  if (!gui_test_have_display ())
    return;
  reset (TRUE);

  /* As if the user had made it this size (a window on screen takes the
   * size the window manager gives it). */
  window = satchel_window_new (get_application ());
  gtk_window_set_default_size (GTK_WINDOW (window), 930, 710);
  g_signal_emit_by_name (window, "close-request", &closed);
  g_assert_false (closed);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 930);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 710);

  window = open_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 930);
  g_assert_cmpint (height, ==, 710);
  gtk_window_destroy (GTK_WINDOW (window));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* Opening a sent message ----------------------------------------------------- */

#define READER_ID "satchel-test-reader.desktop"

/* Where the test mail reader writes the arguments it was given. */
static char *
reader_record (void)
{
  return g_build_filename (g_get_home_dir (), "reader-args", NULL);
}

static gboolean
default_reader_is (gpointer data)
{
  const char *wanted = data;
  g_autoptr(GAppInfo) reader = g_app_info_get_default_for_type ("message/rfc822", FALSE);

  if (wanted == NULL)
    return reader == NULL;
  return reader != NULL && g_strcmp0 (g_app_info_get_id (reader), wanted) == 0;
}

/* With @installed, the desktop's mail reader (the default for
 * message/rfc822 in mimeapps.list) is a script that writes its
 * arguments, one a line, to reader_record(); without, there is none
 * (main() hides the system's applications). */
static void
set_mail_reader (gboolean installed)
{
  g_autofree char *apps = g_build_filename (g_get_user_data_dir (), "applications", NULL);
  g_autofree char *desktop = g_build_filename (apps, READER_ID, NULL);
  g_autofree char *script = g_build_filename (g_get_home_dir (), "satchel-test-reader", NULL);
  g_autofree char *mimeapps = g_build_filename (g_get_user_config_dir (), "mimeapps.list", NULL);
  g_autofree char *record = reader_record ();

  g_assert_true (g_remove (record) == 0 || errno == ENOENT);
  if (installed)
    {
      /* Written aside, then renamed: the test never reads half of it. */
      g_autofree char *script_text = g_strdup_printf ("#!/bin/sh\n"
                                                      "printf '%%s\\n' \"$@\" > '%s.part'\n"
                                                      "mv '%s.part' '%s'\n",
                                                      record, record, record);
      g_autofree char *desktop_text = g_strdup_printf ("[Desktop Entry]\n"
                                                       "Type=Application\n"
                                                       "Name=Test Mail Reader\n"
                                                       "Exec=%s %%f\n"
                                                       "MimeType=message/rfc822;\n",
                                                       script);

      g_assert_true (g_file_set_contents (script, script_text, -1, NULL));
      g_assert_cmpint (g_chmod (script, 0755), ==, 0);
      g_assert_cmpint (g_mkdir_with_parents (apps, 0700), ==, 0);
      g_assert_true (g_file_set_contents (desktop, desktop_text, -1, NULL));
      g_assert_cmpint (g_mkdir_with_parents (g_get_user_config_dir (), 0700), ==, 0);
      g_assert_true (g_file_set_contents (mimeapps,
                                          "[Default Applications]\n"
                                          "message/rfc822=" READER_ID "\n",
                                          -1, NULL));
    }
  else
    {
      g_assert_true (g_remove (desktop) == 0 || errno == ENOENT);
      g_assert_true (g_remove (mimeapps) == 0 || errno == ENOENT);
    }

  /* GIO notices the change through file monitors, in its own time. */
  gui_test_wait_for (default_reader_is, installed ? READER_ID : NULL, 30);
}

/* A window showing the sent message @name, with @subject, and the row
 * of that message activated; with a mail reader when @reader. Sets
 * @path to the message's file. */
static SatchelWindow *
open_sent (gboolean     reader,
           const char  *name,
           const char  *subject,
           char       **path)
{
  g_autofree char *dir = satchel_paths_sent_dir ();
  SatchelWindow *window;
  GtkLabel *label;
  GtkWidget *row;

  reset (TRUE);
  set_mail_reader (reader);
  write_sent (name, subject);
  *path = g_build_filename (dir, name, NULL);

  window = open_window ();
  satchel_window_set_page (window, "sent");
  gui_test_spin (100);
  label = gui_test_find_label (GTK_WIDGET (window), subject);
  g_assert_nonnull (label);
  row = gtk_widget_get_ancestor (GTK_WIDGET (label), GTK_TYPE_LIST_BOX_ROW);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));

  return window;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The desktop's mail reader opens the message's file. */
static void
test_window_open_sent (void)
{
  g_autofree char *sent = NULL;
  g_autofree char *record = reader_record ();
  g_autofree char *args = NULL;
  g_autofree char *wanted = NULL;
  g_autofree char *given = NULL;
  g_auto(GStrv) lines = NULL;
  SatchelWindow *window;

  if (!gui_test_have_display ())
    return;
  window = open_sent (TRUE, "20261102T090000-open.eml", "Minutes to open", &sent);
  gui_test_wait_for (file_exists, record, 30);

  /* One argument: a file that holds that message. */
  g_assert_true (g_file_get_contents (record, &args, NULL, NULL));
  lines = g_strsplit (args, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "");
  g_assert_true (g_path_is_absolute (lines[0]));
  g_assert_true (g_file_get_contents (lines[0], &given, NULL, NULL));
  g_assert_true (g_file_get_contents (sent, &wanted, NULL, NULL));
  g_assert_cmpstr (given, ==, wanted);
  g_assert_nonnull (strstr (given, "Subject: Minutes to open\r\n"));
  gui_test_spin (200);
  g_assert_null (gui_test_find_dialog (GTK_WINDOW (window), ADW_TYPE_MESSAGE_DIALOG));

  gtk_window_destroy (GTK_WINDOW (window));
  set_mail_reader (FALSE);
}

/* No program opens mail files: the user is told so, what to do, and
 * where the message is. */
static void
test_window_open_sent_no_reader (void)
{
  g_autofree char *sent = NULL;
  g_autofree char *record = reader_record ();
  SatchelWindow *window;
  AdwMessageDialog *dialog;
  const char *body;

  if (!gui_test_have_display ())
    return;
  window = open_sent (FALSE, "20261102T090000-noreader.eml", "Minutes nobody opens", &sent);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window),
                                                         ADW_TYPE_MESSAGE_DIALOG));
  body = adw_message_dialog_get_body (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Message");
  g_assert_nonnull (strstr (body, "No program on this computer opens mail files"));
  g_assert_nonnull (strstr (body, "Install a mail reader"));
  g_assert_nonnull (strstr (body, sent));
  g_assert_false (g_file_test (record, G_FILE_TEST_EXISTS));

  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Only the system's MIME database, icons and schemas stay in view: a
 * mail reader installed on the machine would answer for message/rfc822
 * (set_mail_reader()). Before anything asks GLib for its data folders. */
static void
hide_system_applications (void)
{
  const char *keep[] = { "mime", "icons", "glib-2.0" };
  const char *dirs = g_getenv ("XDG_DATA_DIRS");
  g_auto(GStrv) system = g_strsplit (dirs != NULL && *dirs != '\0' ? dirs
                                     : "/usr/local/share/:/usr/share/", ":", -1);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *value = NULL;

  for (guint i = 0; system[i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("system-data-%u", i);
      char *dir = g_build_filename (g_getenv ("HOME"), name, NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      for (gsize k = 0; k < G_N_ELEMENTS (keep); k++)
        {
          g_autofree char *target = g_build_filename (system[i], keep[k], NULL);
          g_autofree char *link = g_build_filename (dir, keep[k], NULL);

          if (g_file_test (target, G_FILE_TEST_IS_DIR))
            g_assert_cmpint (symlink (target, link), ==, 0);
        }
      g_ptr_array_add (shown, dir);
    }
  g_ptr_array_add (shown, NULL);
  value = g_strjoinv (":", (char **) shown->pdata);
  g_setenv ("XDG_DATA_DIRS", value, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gui_test_init_env ("test-window");
  hide_system_applications ();
  g_test_init (&argc, &argv, NULL);

  closed_port = gui_test_closed_port ();
  gui_test_notifications_start (TRUE);

  g_test_add_func ("/satchel/gui/window/first-run", test_window_first_run);
  g_test_add_func ("/satchel/gui/window/lists", test_window_lists);
  g_test_add_func ("/satchel/gui/window/follows-folders", test_window_follows_folders);
  g_test_add_func ("/satchel/gui/window/retry", test_window_retry);
  g_test_add_func ("/satchel/gui/window/notifications", test_window_notifications);
  g_test_add_func ("/satchel/gui/window/retry-unknown-asks", test_window_retry_unknown_asks);
  g_test_add_func ("/satchel/gui/window/discard", test_window_discard);
  g_test_add_func ("/satchel/gui/window/drafts", test_window_drafts);
  g_test_add_func ("/satchel/gui/window/size-saved", test_window_size_saved);
  g_test_add_func ("/satchel/gui/window/open-sent", test_window_open_sent);
  g_test_add_func ("/satchel/gui/window/open-sent-no-reader", test_window_open_sent_no_reader);

  status = g_test_run ();
  g_clear_object (&application);

  return status;
}
