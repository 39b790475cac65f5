/* test-preferences.c
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
#include "satchel-account-setup.h"
#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-certificate.h"
#include "satchel-certificate-dialog.h"
#include "satchel-error.h"
#include "satchel-outbox.h"
#include "satchel-paths.h"
#include "satchel-preferences-window.h"
#include "satchel-secret.h"

#define USER "me@example.com"
#define PASSWORD "pr3ferences ✓ secret"

/* A loaded 2-core machine may be slow; nothing here depends on speed. */
#define WAIT_SECONDS 20

static SatchelApplication *app;

/* Plumbing ------------------------------------------------------------------ */

/* The keyring of build-aux/headless; skipped without one, unless the
 * run demands it. */
static gboolean
have_keyring (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") != NULL)
    bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus != NULL)
    reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "NameHasOwner",
                                         g_variant_new ("(s)", "org.freedesktop.secrets"),
                                         G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                         -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  if (owned)
    return TRUE;
  if (g_strcmp0 (g_getenv ("SATCHEL_TEST_REQUIRE_KEYRING"), "1") == 0)
    g_error ("no Secret Service on the session bus, but SATCHEL_TEST_REQUIRE_KEYRING=1");
  g_test_skip ("no keyring: run under build-aux/headless");
  return FALSE;
}

/* Widgets ------------------------------------------------------------------- */

/* The first widget under @widget (itself included, depth first) that
 * @match accepts with @text, or NULL. */
typedef gboolean (*WidgetMatch) (GtkWidget  *widget,
                                 const char *text);

static GtkWidget *
find_matching (GtkWidget   *widget,
               WidgetMatch  match,
               const char  *text)
{
  if (match (widget, text))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_matching (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A label showing exactly @text. */
static gboolean
is_label (GtkWidget  *widget,
          const char *text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* A visible error label (style class "error") whose text has @part. */
static gboolean
is_error_label (GtkWidget  *widget,
                const char *part)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") &&
         gtk_widget_is_visible (widget) &&
         strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL;
}

static gboolean
is_button (GtkWidget  *widget,
           const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
has_tooltip (GtkWidget  *widget,
             const char *tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

/* A field holding @text. */
static gboolean
is_editable_with (GtkWidget  *widget,
                  const char *text)
{
  return GTK_IS_EDITABLE (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0;
}

#define find_label(widget, text)       GTK_LABEL (find_matching ((widget), is_label, (text)))
#define find_error_label(widget, part) GTK_LABEL (find_matching ((widget), is_error_label, (part)))
#define find_button(widget, label)     GTK_BUTTON (find_matching ((widget), is_button, (label)))
#define find_by_tooltip(widget, text)  find_matching ((widget), has_tooltip, (text))

static AdwPreferencesRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  return (AdwPreferencesRow *) gui_test_find_row (widget, title);
}

static gboolean
has_message_dialog (gpointer data)
{
  return gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
has_certificate_dialog (gpointer data)
{
  return gui_test_find_dialog (NULL, SATCHEL_TYPE_CERTIFICATE_DIALOG) != NULL;
}

static void
close_dialogs (void)
{
  GtkWindow *dialog;

  while ((dialog = gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);
}

/* Files --------------------------------------------------------------------- */

static const char accounts_ini[] =
  "[General]\n"
  "default=work\n"
  "\n"
  "[Account work]\n"
  "address=me@example.com\n"
  "display-name=Work Mail\n"
  "host=smtp.example.com\n"
  "port=587\n"
  "security=starttls\n"
  "\n"
  "[Account home]\n"
  "address=home@example.org\n"
  "host=mail.example.org\n"
  "security=tls\n";

/* Each test starts from the same accounts.ini, written by hand as a
 * person (or the CLI) would, and an empty outbox. */
static void
write_accounts (const char *text)
{
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *outbox = satchel_paths_outbox_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) entries = NULL;
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);

  entries = g_dir_open (outbox, 0, NULL);
  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *file = g_build_filename (outbox, name, NULL);

      g_assert_cmpint (g_remove (file), ==, 0);
    }
}

static GKeyFile *
read_accounts (void)
{
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&key_file);
}

static char *
read_key (const char *group,
          const char *key)
{
  g_autoptr(GKeyFile) key_file = read_accounts ();

  return g_key_file_get_string (key_file, group, key, NULL);
}

/* Another process's view of the accounts, as the CLI has it. */
static SatchelAccount *
lookup_account (const char *name)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(GError) error = NULL;

  satchel_account_store_load (store, &error);
  g_assert_no_error (error);
  return satchel_account_store_lookup (store, name);
}

/* Windows ------------------------------------------------------------------- */

static SatchelPreferencesWindow *
open_window (void)
{
  GtkWindow *window = satchel_preferences_window_new (app);

  g_assert_true (SATCHEL_IS_PREFERENCES_WINDOW (window));
  gtk_window_present (window);
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);
  return SATCHEL_PREFERENCES_WINDOW (window);
}

static void
close_window (SatchelPreferencesWindow *window)
{
  close_dialogs ();
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_spin (50);
}

typedef struct
{
  GtkWidget  *root;
  const char *title;
  gboolean    present;
} RowWait;

static gboolean
row_is (gpointer data)
{
  RowWait *wait = data;

  return (find_row (wait->root, wait->title) != NULL) == wait->present;
}

static void
wait_for_row (gpointer    root,
              const char *title,
              gboolean    present)
{
  RowWait wait = { root, title, present };

  gui_test_wait_for (row_is, &wait, WAIT_SECONDS);
}

/* The accounts page: rows for accounts, Default on the default one. */
static gboolean
is_marked_default (SatchelPreferencesWindow *window,
                   const char               *title)
{
  AdwPreferencesRow *row = find_row (GTK_WIDGET (window), title);
  GtkLabel *badge;

  g_assert_nonnull (row);
  badge = find_label (GTK_WIDGET (row), "Default");
  g_assert_nonnull (badge);
  return gtk_widget_get_visible (GTK_WIDGET (badge));
}

/* A tiny SMTP server ------------------------------------------------------- */

/* On its own thread: implicit TLS (with the self-signed certificate of
 * tests/) or plain text, EHLO with AUTH PLAIN and SIZE, AUTH checked
 * against USER and PASSWORD, QUIT. One connection after another. */
typedef struct
{
  gboolean         tls;
  GTlsCertificate *certificate;
  GSocketListener *listener;
  GCancellable    *cancellable;
  guint16          port;
  GThread         *thread;
  gint             n_auth_ok;  /* atomic */
} TestServer;

static GTlsCertificate *
load_test_certificate (void)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_BUILT, "..", "localhost.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_BUILT, "..", "localhost.key", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (pem, key, &error);

  g_assert_no_error (error);
  return certificate;
}

static char *
read_line (GDataInputStream *input)
{
  return g_data_input_stream_read_line (input, NULL, NULL, NULL);
}

static void
write_text (GIOStream  *stream,
            const char *text)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                             NULL, NULL, NULL);
}

static gboolean
check_plain (const char *b64)
{
  static const char expected[] = "\0" USER "\0" PASSWORD;
  gsize len = 0;
  g_autofree guchar *data = g_base64_decode (b64, &len);

  return len == sizeof expected - 1 && memcmp (data, expected, len) == 0;
}

static void
serve (TestServer *server,
       GIOStream  *stream)
{
  g_autoptr(GDataInputStream) input = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  char *line;

  g_data_input_stream_set_newline_type (input, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  write_text (stream, "220 test.example ESMTP ready\r\n");
  while ((line = read_line (input)) != NULL)
    {
      g_autofree char *owned = line;

      if (g_ascii_strncasecmp (line, "EHLO", 4) == 0)
        write_text (stream, "250-test.example\r\n250-AUTH PLAIN\r\n250 SIZE 1048576\r\n");
      else if (g_ascii_strncasecmp (line, "AUTH PLAIN", 10) == 0)
        {
          g_autofree char *response = NULL;

          if (line[10] == ' ')
            response = g_strdup (line + 11);
          else
            {
              write_text (stream, "334 \r\n");
              response = read_line (input);
            }
          if (response != NULL && check_plain (response))
            {
              g_atomic_int_inc (&server->n_auth_ok);
              write_text (stream, "235 2.7.0 Authentication successful\r\n");
            }
          else
            write_text (stream, "535 5.7.8 Authentication credentials invalid\r\n");
        }
      else if (g_ascii_strncasecmp (line, "QUIT", 4) == 0)
        {
          write_text (stream, "221 2.0.0 Bye\r\n");
          break;
        }
      else
        write_text (stream, "502 5.5.2 Not here\r\n");
    }
}

static gpointer
server_thread (gpointer data)
{
  TestServer *server = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GIOStream) tls = NULL;

      connection = g_socket_listener_accept (server->listener, NULL, server->cancellable, NULL);
      if (connection == NULL)
        return NULL;
      g_socket_set_timeout (g_socket_connection_get_socket (connection), 30);
      if (server->tls)
        {
          tls = g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, NULL);
          /* The client refuses an unknown certificate: next one. */
          if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
            continue;
        }
      serve (server, tls != NULL ? tls : G_IO_STREAM (connection));
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
}

static TestServer *
server_start (gboolean tls)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;

  server->tls = tls;
  server->certificate = load_test_certificate ();
  server->cancellable = g_cancellable_new ();
  server->listener = g_socket_listener_new ();
  server->port = g_socket_listener_add_any_inet_port (server->listener, NULL, &error);
  g_assert_no_error (error);
  server->thread = g_thread_new ("smtp-server", server_thread, server);
  return server;
}

static void
server_stop (TestServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_object_unref (server->certificate);
  g_free (server);
}

/* An account "loop" on 127.0.0.1 of @server, its password in the
 * keyring: @password. */
static void
write_server_account (TestServer *server,
                      const char *password)
{
  g_autofree char *text = NULL;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("[Account loop]\n"
                          "address=" USER "\n"
                          "host=%s\n"
                          "port=%u\n"
                          "security=%s\n"
                          "allow-plaintext-auth=%s\n"
                          "timeout=30\n",
                          server->tls ? "localhost" : "127.0.0.1", server->port,
                          server->tls ? "tls" : "none", server->tls ? "false" : "true");
  write_accounts (text);
  account = lookup_account ("loop");
  g_assert_nonnull (account);
  satchel_secret_store_sync (account, password, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  GtkWidget  *root;
  const char *title;
} VerifyWait;

static gboolean
has_row (gpointer data)
{
  VerifyWait *wait = data;

  return find_row (wait->root, wait->title) != NULL;
}

static AdwActionRow *
wait_for_result (SatchelPreferencesWindow *window,
                 const char               *title)
{
  VerifyWait wait = { GTK_WIDGET (window), title };

  gui_test_wait_for (has_row, &wait, WAIT_SECONDS);
  return ADW_ACTION_ROW (find_row (GTK_WIDGET (window), title));
}

/* Tests ---------------------------------------------------------------------- */

static void
test_accounts_list (void)
{
  g_autoptr(SatchelAccountStore) cli = NULL;
  g_autoptr(SatchelAccount) extra = NULL;
  g_autoptr(GError) error = NULL;
  SatchelPreferencesWindow *window;
  AdwPreferencesRow *row;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();

  /* Display name, else the name; address · host:port · security. */
  row = find_row (GTK_WIDGET (window), "Work Mail");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "me@example.com · smtp.example.com:587 · STARTTLS");
  row = find_row (GTK_WIDGET (window), "home");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "home@example.org · mail.example.org:465 · TLS");
  g_assert_true (is_marked_default (window, "Work Mail"));
  g_assert_false (is_marked_default (window, "home"));
  g_assert_nonnull (find_row (GTK_WIDGET (window), "_Add Account…"));

  /* The CLI adds an account, then removes it: the list follows. */
  cli = satchel_account_store_new (NULL);
  g_assert_true (satchel_account_store_load (cli, NULL));
  extra = satchel_account_new ("zeta");
  satchel_account_set_address (extra, "z@example.net");
  satchel_account_set_host (extra, "smtp.example.net");
  satchel_account_store_add (cli, extra, &error);
  g_assert_no_error (error);
  wait_for_row (window, "zeta", TRUE);
  satchel_account_store_set_default (cli, "zeta", &error);
  g_assert_no_error (error);
  satchel_account_store_remove (cli, "zeta", &error);
  g_assert_no_error (error);
  wait_for_row (window, "zeta", FALSE);
  g_assert_nonnull (find_row (GTK_WIDGET (window), "Work Mail"));

  close_window (window);
}

static void
test_action (void)
{
  const char *expected[] = { "<Control>comma", NULL };
  g_auto(GStrv) accels = NULL;
  GtkWindow *first;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_assert_cmpstrv (accels, expected);

  /* One preferences window per application. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  first = gui_test_find_dialog (NULL, SATCHEL_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (first);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (gui_test_find_dialog (NULL, SATCHEL_TYPE_PREFERENCES_WINDOW) == first);
  gui_test_wait_for (gui_test_is_mapped, first, WAIT_SECONDS);
  close_window (SATCHEL_PREFERENCES_WINDOW (first));
}

static gboolean
reply_to_saved (gpointer data)
{
  g_autofree char *reply_to = read_key ("Account work", "reply-to");

  return g_strcmp0 (reply_to, data) == 0;
}

static void
test_reply_to (void)
{
  SatchelPreferencesWindow *window;
  AdwPreferencesRow *row;
  AdwPreferencesRow *reply_to;
  GtkLabel *error_label;
  g_autofree char *stored = NULL;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();

  /* Opened from its row, as a click does. */
  row = find_row (GTK_WIDGET (window), "Work Mail");
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  reply_to = find_row (GTK_WIDGET (window), "Reply-To");
  g_assert_nonnull (reply_to);

  gtk_editable_set_text (GTK_EDITABLE (reply_to), "not an address");
  error_label = find_error_label (GTK_WIDGET (window), "not an address");
  g_assert_nonnull (error_label);
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "is kept until this one is valid"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (reply_to), "error"));

  /* Neither the pause nor leaving the field saves it. */
  gui_test_spin (2000);
  gtk_widget_grab_focus (GTK_WIDGET (find_row (GTK_WIDGET (window), "Display Name")));
  gui_test_spin (200);
  stored = read_key ("Account work", "reply-to");
  g_assert_null (stored);

  /* Nor going back: the page stays, on the field to fix. */
  g_signal_emit_by_name (find_by_tooltip (GTK_WIDGET (window), "Back to the Accounts (Alt+Left)"),
                         "clicked");
  gui_test_spin (500);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (reply_to)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (reply_to)) ||
                 gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (reply_to)));
  stored = read_key ("Account work", "reply-to");
  g_assert_null (stored);

  /* A valid one is saved after the pause, and the error goes. */
  gtk_editable_set_text (GTK_EDITABLE (reply_to), "Team <team@example.com>");
  g_assert_null (find_error_label (GTK_WIDGET (window), "not an address"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (reply_to), "error"));
  gui_test_wait_for (reply_to_saved, (gpointer) "Team <team@example.com>", WAIT_SECONDS);

  close_window (window);
}

typedef struct
{
  const char *group;
  const char *key;
  const char *value;
} KeyWait;

static gboolean
key_is (gpointer data)
{
  KeyWait *wait = data;
  g_autofree char *value = read_key (wait->group, wait->key);

  return g_strcmp0 (value, wait->value) == 0;
}

static void
test_fields_saved (void)
{
  SatchelPreferencesWindow *window;
  GtkTextView *signature;
  GtkSwitch *bcc;
  KeyWait wait;
  g_autoptr(SatchelAccount) account = NULL;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "home"));

  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (window), "Display Name")), "Ann at Home");
  signature = GTK_TEXT_VIEW (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (signature), "-- \nAnn\n安妮", -1);
  bcc = GTK_SWITCH (gui_test_find_widget (GTK_WIDGET (find_row (GTK_WIDGET (window), "_Bcc Myself")),
                                 GTK_TYPE_SWITCH));
  gtk_switch_set_active (bcc, TRUE);

  wait = (KeyWait) { "Account home", "signature", "-- \nAnn\n安妮" };
  gui_test_wait_for (key_is, &wait, WAIT_SECONDS);
  account = lookup_account ("home");
  g_assert_cmpstr (satchel_account_get_display_name (account), ==, "Ann at Home");
  g_assert_true (satchel_account_get_bcc_self (account));
  /* The list shows the new display name. */
  wait_for_row (window, "Ann at Home", TRUE);

  close_window (window);
}

static void
test_save_error (void)
{
  g_autoptr(SatchelAccountStore) cli = satchel_account_store_new (NULL);
  g_autoptr(GError) error = NULL;
  SatchelPreferencesWindow *window;
  AdwPreferencesRow *display_name;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "home"));
  display_name = find_row (GTK_WIDGET (window), "Display Name");

  /* The CLI removes the account while it is being edited: saving fails,
   * says so, and keeps what was typed. */
  g_assert_true (satchel_account_store_load (cli, NULL));
  satchel_account_store_remove (cli, "home", &error);
  g_assert_no_error (error);
  gtk_widget_grab_focus (GTK_WIDGET (display_name));
  gtk_editable_set_text (GTK_EDITABLE (display_name), "Typed Before It Went");
  gui_test_spin (100);
  gtk_widget_grab_focus (GTK_WIDGET (find_row (GTK_WIDGET (window), "Reply-To")));
  g_assert_nonnull (find_error_label (GTK_WIDGET (window), "Your changes are not saved yet."));
  g_assert_nonnull (find_error_label (GTK_WIDGET (window), "was removed by another program"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (display_name)), ==, "Typed Before It Went");

  /* Closing the window asks before the text is lost. */
  gtk_window_close (GTK_WINDOW (window));
  gui_test_wait_for (has_message_dialog, NULL, WAIT_SECONDS);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  close_window (window);
}

static gboolean
has_setup_window (gpointer data)
{
  return gui_test_find_dialog (NULL, SATCHEL_TYPE_ACCOUNT_SETUP) != NULL;
}

static void
test_server_settings (void)
{
  SatchelPreferencesWindow *window;
  AdwPreferencesRow *row;
  GtkWindow *setup;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "work"));

  /* The row says where the server is, and opens the setup window on
   * this account, above the preferences. */
  row = find_row (GTK_WIDGET (window), "_Server Settings…");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "smtp.example.com:587 · STARTTLS");
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  gui_test_wait_for (has_setup_window, NULL, WAIT_SECONDS);
  setup = gui_test_find_dialog (NULL, SATCHEL_TYPE_ACCOUNT_SETUP);
  g_assert_true (gtk_window_get_transient_for (setup) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (setup));
  g_assert_true (find_matching (GTK_WIDGET (setup), is_editable_with, "smtp.example.com") != NULL);

  gtk_window_destroy (setup);
  close_window (window);
}

static void
test_set_default (void)
{
  SatchelPreferencesWindow *window;
  GtkButton *button;
  g_autofree char *named = NULL;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "home"));

  button = find_button (GTK_WIDGET (window), "Set as _Default");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");

  named = read_key ("General", "default");
  g_assert_cmpstr (named, ==, "home");
  g_assert_true (is_marked_default (window, "home"));
  g_assert_false (is_marked_default (window, "Work Mail"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button)));

  close_window (window);
}

typedef struct
{
  SatchelAccount *account;
} SecretWait;

static gboolean
secret_is_gone (gpointer data)
{
  SecretWait *wait = data;
  g_autoptr(GError) error = NULL;
  char *password = satchel_secret_lookup_sync (wait->account, NULL, &error);

  if (password != NULL)
    {
      secret_password_free (password);
      return FALSE;
    }
  return g_error_matches (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD);
}

static gboolean
item_failed (gpointer data)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);
  g_autoptr(SatchelOutboxItem) item = satchel_outbox_lookup (outbox, data, NULL);

  return item != NULL && satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_FAILED;
}

static char *
queue_held_message (const char *account)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", NULL };
  const char message[] = "From: home@example.org\r\nTo: bob@example.com\r\n\r\nHi\r\n";
  int fd = -1;

  item = satchel_outbox_begin (outbox, &fd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, message, strlen (message)), ==, (gssize) strlen (message));
  /* Held for an hour: the application's scheduler leaves it alone. */
  satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_HELD);
  satchel_outbox_item_set_held_until (item, g_get_real_time () / G_USEC_PER_SEC + 3600);
  satchel_outbox_item_set_account (item, account);
  satchel_outbox_item_set_sender (item, "home@example.org");
  satchel_outbox_item_set_recipients (item, recipients);
  satchel_outbox_item_set_subject (item, "Hi");
  satchel_outbox_commit (outbox, item, fd, &error);
  g_assert_no_error (error);
  return g_strdup (satchel_outbox_item_get_id (item));
}

static void
test_remove (void)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelOutbox) outbox = NULL;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  char *password;
  SatchelPreferencesWindow *window;
  AdwMessageDialog *dialog;
  SecretWait wait;

  if (!gui_test_have_display () || !have_keyring ())
    return;
  write_accounts (accounts_ini);
  account = lookup_account ("home");
  satchel_secret_store_sync (account, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, PASSWORD);
  secret_password_free (password);
  id = queue_held_message ("home");

  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "home"));
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Remove…"), "clicked");
  gui_test_wait_for (has_message_dialog, NULL, WAIT_SECONDS);
  dialog = ADW_MESSAGE_DIALOG (gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove “home”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 message in the outbox"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "marked failed, not lost"));
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");

  adw_message_dialog_response (dialog, "remove");
  wait_for_row (window, "home", FALSE);
  g_assert_null (lookup_account ("home"));
  g_assert_nonnull (lookup_account ("work"));

  /* The password leaves the keyring; the message stays, failed. */
  wait.account = account;
  gui_test_wait_for (secret_is_gone, &wait, WAIT_SECONDS);
  gui_test_wait_for (item_failed, id, WAIT_SECONDS);
  outbox = satchel_outbox_new (NULL, NULL);
  item = satchel_outbox_lookup (outbox, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (satchel_outbox_item_get_last_error (item), "account was removed"));

  close_window (window);
}

static void
test_general (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  SatchelPreferencesWindow *window;
  GtkSpinButton *spin_button;
  GtkSwitch *rich_text;

  if (!gui_test_have_display ())
    return;
  write_accounts (accounts_ini);
  g_settings_set_uint (settings, "undo-delay", 25);
  g_settings_set_boolean (settings, "rich-text", FALSE);
  window = open_window ();
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "general");

  spin_button = GTK_SPIN_BUTTON (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON));
  rich_text = GTK_SWITCH (gui_test_find_widget (GTK_WIDGET (find_row (GTK_WIDGET (window),
                                                             "Start New Messages in _Rich Text")),
                                       GTK_TYPE_SWITCH));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_button), ==, 25);
  g_assert_false (gtk_switch_get_active (rich_text));

  /* Both ways: the window writes GSettings, and follows it. */
  gtk_spin_button_set_value (spin_button, 42);
  g_assert_cmpuint (g_settings_get_uint (settings, "undo-delay"), ==, 42);
  gtk_spin_button_set_value (spin_button, 99);
  g_assert_cmpuint (g_settings_get_uint (settings, "undo-delay"), ==, 60);
  gtk_switch_set_active (rich_text, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "rich-text"));
  g_settings_set_uint (settings, "undo-delay", 0);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_button), ==, 0);
  g_settings_set_boolean (settings, "rich-text", FALSE);
  g_assert_false (gtk_switch_get_active (rich_text));

  close_window (window);
}

static void
test_verify (void)
{
  TestServer *server;
  SatchelPreferencesWindow *window;
  AdwActionRow *result;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *largest = NULL;

  if (!gui_test_have_display () || !have_keyring ())
    return;
  server = server_start (FALSE);
  write_server_account (server, "wrong password");
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "loop"));

  /* The server refuses: the steps, and its words. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Verify"), "clicked");
  result = wait_for_result (window, "Verification failed");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (result), "credentials invalid"));
  g_assert_nonnull (find_row (GTK_WIDGET (window), "Connecting to the server"));
  g_assert_nonnull (find_row (GTK_WIDGET (window), "Signing in (AUTH)"));
  g_assert_cmpint (g_atomic_int_get (&server->n_auth_ok), ==, 0);

  /* With the right password: it works, and what it learned is kept. */
  account = lookup_account ("loop");
  satchel_secret_store_sync (account, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Verify"), "clicked");
  result = wait_for_result (window, "The account works");
  g_assert_null (find_row (GTK_WIDGET (window), "Verification failed"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (result), "Sign-in methods: PLAIN."));
  size = g_format_size (1048576);
  largest = g_strdup_printf ("Largest message: %s.", size);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (result), largest));
  g_assert_cmpint (g_atomic_int_get (&server->n_auth_ok), ==, 1);
  g_clear_object (&account);
  account = lookup_account ("loop");
  g_assert_cmpuint (satchel_account_get_size_limit (account), ==, 1048576);
  g_assert_nonnull (satchel_account_get_server_mechanisms (account));
  g_assert_cmpstr (satchel_account_get_server_mechanisms (account)[0], ==, "PLAIN");
  g_assert_null (satchel_account_get_server_mechanisms (account)[1]);

  close_window (window);
  server_stop (server);
}

static void
test_verify_certificate (void)
{
  TestServer *server;
  SatchelPreferencesWindow *window;
  GtkWindow *dialog;
  g_autoptr(SatchelAccount) account = NULL;
  g_autofree char *fingerprint = NULL;

  if (!gui_test_have_display () || !have_keyring ())
    return;
  server = server_start (TRUE);
  write_server_account (server, PASSWORD);
  window = open_window ();
  g_assert_true (satchel_preferences_window_show_account (window, "loop"));

  /* A self-signed certificate: the dialog offers to trust it. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Verify"), "clicked");
  gui_test_wait_for (has_certificate_dialog, NULL, WAIT_SECONDS);
  g_assert_nonnull (find_row (GTK_WIDGET (window), "Verification failed"));
  g_assert_cmpint (g_atomic_int_get (&server->n_auth_ok), ==, 0);
  account = lookup_account ("loop");
  g_assert_null (satchel_account_get_trust_fingerprint (account));

  /* Trust pins exactly that certificate and verifies again. */
  dialog = gui_test_find_dialog (NULL, SATCHEL_TYPE_CERTIFICATE_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "trust");
  wait_for_result (window, "The account works");
  g_assert_cmpint (g_atomic_int_get (&server->n_auth_ok), ==, 1);
  g_clear_object (&account);
  account = lookup_account ("loop");
  fingerprint = satchel_certificate_fingerprint (server->certificate);
  g_assert_cmpstr (satchel_account_get_trust_fingerprint (account), ==, fingerprint);

  close_window (window);
  server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gui_test_init_env ("test-preferences");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/satchel/gui/preferences/accounts-list", test_accounts_list);
  g_test_add_func ("/satchel/gui/preferences/action", test_action);
  g_test_add_func ("/satchel/gui/preferences/reply-to", test_reply_to);
  g_test_add_func ("/satchel/gui/preferences/fields-saved", test_fields_saved);
  g_test_add_func ("/satchel/gui/preferences/save-error", test_save_error);
  g_test_add_func ("/satchel/gui/preferences/server-settings", test_server_settings);
  g_test_add_func ("/satchel/gui/preferences/set-default", test_set_default);
  g_test_add_func ("/satchel/gui/preferences/remove", test_remove);
  g_test_add_func ("/satchel/gui/preferences/general", test_general);
  g_test_add_func ("/satchel/gui/preferences/verify", test_verify);
  g_test_add_func ("/satchel/gui/preferences/verify-certificate", test_verify_certificate);

  /* One application for every test, registered (its startup installs
   * the actions) but not run: the tests turn the main loop. */
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      app = satchel_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
