/* gui-testlib.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gui-testlib.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "satchel-account-store.h"
#include "satchel-address.h"
#include "satchel-context.h"
#include "satchel-draft.h"
#include "satchel-message.h"
#include "satchel-outbox-row.h"
#include "satchel-paths.h"
#include "satchel-sender.h"

struct _GuiTestServer
{
  GSubprocess   *process;
  guint16        port;
  GOutputStream *events;  /* what it prints after the port, kept */
};

void
gui_test_init_env (const char *name)
{
  const char *vars[] = { "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME" };
  g_autofree char *template = g_strdup_printf ("satchel-%s-XXXXXX", name);
  g_autofree char *home = NULL;
  g_autoptr(GError) error = NULL;

  home = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_setenv (vars[i], dir, TRUE);
    }
  /* Loopback servers only; no proxy lookups. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
}

guint16
gui_test_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

gboolean
gui_test_have_display (void)
{
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    return TRUE;

  g_test_skip ("no display: run under build-aux/headless");
  return FALSE;
}

static gboolean
on_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
gui_test_wait_for (gboolean (*done) (gpointer),
                   gpointer   data,
                   guint      seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, on_timeout, &expired);

  while (!done (data) && !expired)
    {
      /* Some conditions are files, not events: look again now and
       * then. */
      gboolean tick = FALSE;
      guint tick_id = g_timeout_add (50, on_timeout, &tick);

      while (!tick && !done (data) && !expired)
        g_main_context_iteration (NULL, TRUE);
      if (!tick)
        g_source_remove (tick_id);
    }
  if (!expired)
    g_source_remove (id);
  g_assert_true (done (data));
}

gboolean
gui_test_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

void
gui_test_spin (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_timeout, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

static void
empty_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_assert_cmpint (g_remove (child), ==, 0);
    }
}

void
gui_test_reset (void)
{
  g_autofree char *accounts = satchel_paths_accounts_file ();
  g_autofree char *outbox = satchel_paths_outbox_dir ();
  g_autofree char *drafts = satchel_paths_drafts_dir ();
  g_autofree char *sent = satchel_paths_sent_dir ();
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *queued = g_build_filename (state, "queued-drafts.ini", NULL);

  g_assert_true (g_remove (accounts) == 0 || errno == ENOENT);
  g_assert_true (g_remove (queued) == 0 || errno == ENOENT);
  empty_dir (outbox);
  empty_dir (drafts);
  empty_dir (sent);
}

SatchelAccount *
gui_test_add_account (const char *name,
                      guint16     port)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = satchel_account_new (name);
  g_autoptr(GError) error = NULL;

  satchel_account_set_address (account, "me@example.com");
  satchel_account_set_display_name (account, "Me");
  satchel_account_set_host (account, "127.0.0.1");
  satchel_account_set_port (account, port);
  satchel_account_set_security (account, SATCHEL_SECURITY_NONE);
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  satchel_account_set_username (account, "alice");
  satchel_account_set_timeout (account, 20);
  g_assert_true (satchel_account_store_add (store, account, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&account);
}

SatchelOutboxItem *
gui_test_queue (const char *account_name,
                const char *subject,
                gint64      held_until,
                gsize       attachment_size)
{
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  g_autoptr(SatchelAddress) from = satchel_address_parse ("Me <me@example.com>", NULL);
  g_autoptr(SatchelAddress) to = satchel_address_parse ("Bob <bob@example.com>", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SatchelOutboxItem *item;

  g_assert_true (satchel_account_store_load (satchel_context_get_accounts (context), &error));
  account = satchel_account_store_lookup (satchel_context_get_accounts (context), account_name);
  g_assert_nonnull (account);

  satchel_message_set_from (message, from);
  satchel_message_add_to (message, to);
  satchel_message_set_subject (message, subject);
  satchel_message_set_body (message, "Hello Bob.\n");

  if (attachment_size > 0)
    {
      g_autofree char *data = g_malloc (attachment_size);

      for (gsize i = 0; i < attachment_size; i++)
        data[i] = (char) (i * 7 + i / 3);
      path = g_build_filename (g_get_user_cache_dir (), "attachment.bin", NULL);
      g_assert_true (satchel_paths_ensure_dir (g_get_user_cache_dir (), NULL));
      g_assert_true (g_file_set_contents (path, data, attachment_size, &error));
      satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE, path, NULL);
    }

  g_assert_true (satchel_message_validate (message, &error));
  g_assert_no_error (error);
  item = satchel_sender_queue_message (context, account, message, held_until, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);

  return item;
}

void
gui_test_set_state (const char         *id,
                    SatchelOutboxState  state,
                    const char         *last_error)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);
  g_autoptr(SatchelOutboxItem) item = satchel_outbox_lookup (outbox, id, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (item);
  g_assert_true (satchel_outbox_lock (outbox, item, &error));
  satchel_outbox_item_set_state (item, state);
  satchel_outbox_item_set_last_error (item, last_error);
  if (state == SATCHEL_OUTBOX_QUEUED)
    satchel_outbox_item_set_next_attempt (item, g_get_real_time () / G_USEC_PER_SEC + 3600);
  if (state != SATCHEL_OUTBOX_QUEUED && state != SATCHEL_OUTBOX_HELD)
    satchel_outbox_item_set_attempts (item, 1);
  g_assert_true (satchel_outbox_save (outbox, item, &error));
  satchel_outbox_unlock (outbox, item);
}

void
gui_test_make_due (const char *id)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);
  g_autoptr(SatchelOutboxItem) item = satchel_outbox_lookup (outbox, id, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (item);
  g_assert_true (satchel_outbox_lock (outbox, item, &error));
  satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_QUEUED);
  satchel_outbox_item_set_next_attempt (item, 0);
  satchel_outbox_item_set_held_until (item, 0);
  g_assert_true (satchel_outbox_save (outbox, item, &error));
  satchel_outbox_unlock (outbox, item);
}

SatchelOutboxItem *
gui_test_lookup (const char *id)
{
  g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);

  return satchel_outbox_lookup (outbox, id, NULL);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

GuiTestServer *
gui_test_server_start (const char *script)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "integration",
                                                 "satchel_faultserver.py", NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GuiTestServer *server = g_new0 (GuiTestServer, 1);

  /* It goes when the test goes, even when the test aborts. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server->process = g_subprocess_launcher_spawn (launcher, &error, "/usr/bin/python3", path,
                                                 "--script", script, NULL);
  g_assert_no_error (error);

  /* Its first line is the port it listens on. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  server->port = (guint16) atoi (line);
  g_assert_cmpuint (server->port, >, 0);

  /* It prints a line per event: read them all, or it dies of a broken
   * pipe. */
  server->events = g_memory_output_stream_new_resizable ();
  g_output_stream_splice_async (server->events, G_INPUT_STREAM (out),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  return server;
}

guint16
gui_test_server_port (GuiTestServer *server)
{
  return server->port;
}

static void
on_server_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
gui_test_server_stop (GuiTestServer *server)
{
  gboolean exited = FALSE;
  gboolean expired = FALSE;
  guint id;

  /* One that does not stop within the wait is killed: no test leaves a
   * server behind. */
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait_async (server->process, NULL, on_server_exited, &exited);
  id = g_timeout_add_seconds (60, on_timeout, &expired);
  while (!exited && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  if (!exited)
    {
      g_subprocess_force_exit (server->process);
      gui_test_wait_for (is_true, &exited, 60);
    }
  g_object_unref (server->process);
  g_clear_object (&server->events);
  g_free (server);
}

char *
gui_test_save_draft (const char *subject,
                     const char *to)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_new ();
  g_autoptr(GError) error = NULL;

  satchel_draft_set_subject (draft, subject);
  satchel_draft_set_to (draft, to);
  satchel_draft_set_body (draft, "Draft text.");
  g_assert_true (satchel_draft_store_save (store, draft, &error));
  g_assert_no_error (error);

  return g_strdup (satchel_draft_get_id (draft));
}

/* Notifications ------------------------------------------------------------ */

static GPtrArray *notifications;

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notification_free (gpointer data)
{
  GuiTestNotification *notification = data;

  g_free (notification->id);
  g_free (notification->title);
  g_free (notification->body);
  g_clear_pointer (&notification->buttons, g_variant_unref);
  g_free (notification);
}

static void
on_notifications_call (GDBusConnection       *connection,
                       const char            *sender,
                       const char            *object_path,
                       const char            *interface_name,
                       const char            *method_name,
                       GVariant              *parameters,
                       GDBusMethodInvocation *invocation,
                       gpointer               user_data)
{
  const char *app_id;
  const char *id;

  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr(GVariant) dict = NULL;
      GuiTestNotification *notification = g_new0 (GuiTestNotification, 1);
      g_autoptr(GVariantDict) fields = NULL;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &dict);
      fields = g_variant_dict_new (dict);
      notification->id = g_strdup (id);
      g_variant_dict_lookup (fields, "title", "s", &notification->title);
      g_variant_dict_lookup (fields, "body", "s", &notification->body);
      notification->buttons = g_variant_dict_lookup_value (fields, "buttons",
                                                           G_VARIANT_TYPE ("aa{sv}"));
      g_ptr_array_add (notifications, notification);
    }
  else
    {
      g_variant_get (parameters, "(&s&s)", &app_id, &id);
      for (guint i = 0; i < notifications->len; i++)
        {
          GuiTestNotification *notification = notifications->pdata[i];

          if (g_strcmp0 (notification->id, id) == 0)
            notification->withdrawn = TRUE;
        }
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
on_name (GDBusConnection *connection,
         const char      *name,
         gpointer         user_data)
{
  *(int *) user_data = 1;
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  *(int *) user_data = -1;
}

void
gui_test_notifications_start (gboolean required)
{
  static const GDBusInterfaceVTable vtable = { on_notifications_call, NULL, NULL, { 0 } };
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;
  static int owned = 0;

  if (notifications != NULL)
    return;
  notifications = g_ptr_array_new_with_free_func (notification_free);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/gtk/Notifications", info->interfaces[0],
                                     &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                on_name, on_name_lost, &owned, NULL);
  while (owned == 0)
    g_main_context_iteration (NULL, TRUE);
  if (required)
    g_assert_cmpint (owned, ==, 1);
}

GPtrArray *
gui_test_notifications (void)
{
  g_assert_nonnull (notifications);
  return notifications;
}

GuiTestNotification *
gui_test_notification_lookup (const char *id)
{
  g_assert_nonnull (notifications);
  for (guint i = notifications->len; i > 0; i--)
    {
      GuiTestNotification *notification = notifications->pdata[i - 1];

      if (g_strcmp0 (notification->id, id) == 0)
        return notification;
    }

  return NULL;
}

/* Widgets -------------------------------------------------------------------- */

GtkWidget *
gui_test_find_widget (GtkWidget *widget,
                      GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
gui_test_collect_widgets (GtkWidget *widget,
                          GType      type,
                          GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gui_test_collect_widgets (child, type, found);
}

GtkWidget *
gui_test_find_row (GtkWidget  *widget,
                   const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkLabel *
gui_test_find_label (GtkWidget  *widget,
                     const char *text)
{
  if (GTK_IS_LABEL (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = gui_test_find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
gui_test_find_button (GtkWidget  *widget,
                      const char *label,
                      gboolean    mapped)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  gui_test_collect_widgets (widget, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), label) == 0 &&
        (!mapped || gtk_widget_get_mapped (buttons->pdata[i])))
      return buttons->pdata[i];

  return NULL;
}

GtkWindow *
gui_test_wait_for_dialog (GtkWindow *parent,
                          GType      type)
{
  GtkWindow *dialog = NULL;

  for (guint i = 0; i < 500 && dialog == NULL; i++)
    {
      gui_test_spin (20);
      dialog = gui_test_find_dialog (parent, type);
    }
  g_assert_nonnull (dialog);

  return dialog;
}

GtkWidget *
gui_test_find_outbox_row (GtkWidget  *window,
                          const char *id)
{
  /* Rows are siblings in the outbox list. */
  for (GtkWidget *row = gui_test_find_widget (window, SATCHEL_TYPE_OUTBOX_ROW);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (SATCHEL_IS_OUTBOX_ROW (row) &&
        g_strcmp0 (satchel_outbox_item_get_id (satchel_outbox_row_get_item (SATCHEL_OUTBOX_ROW (row))),
                   id) == 0)
      return row;

  return NULL;
}

GtkWindow *
gui_test_find_dialog (GtkWindow *parent,
                      GType      type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = g_list_model_get_n_items (toplevels);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) &&
          (parent == NULL || gtk_window_get_transient_for (window) == parent) &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}
