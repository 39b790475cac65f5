/* test-secret.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-account.h"
#include "satchel-error.h"
#include "satchel-secret.h"

#include <gio/gio.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/* build-aux/headless unlocks its keyring with this password. */
#define HEADLESS_KEYRING_PASSWORD "satchel-test"

#define SECRETS_NAME "org.freedesktop.secrets"

static const char *const tricky_password = "correct horse  battery stäple 密码 ✓";

/* Keyring of the test session ------------------------------------------- */

static gboolean
session_keyring_running (char **reason)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = FALSE;

  /* Without an address GLib would autolaunch a bus that outlives us. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      *reason = g_strdup ("DBUS_SESSION_BUS_ADDRESS is not set");
      return FALSE;
    }

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (connection == NULL)
    {
      *reason = g_strdup_printf ("no session bus: %s", error->message);
      return FALSE;
    }

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                       "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", SECRETS_NAME),
                                       G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  if (reply == NULL)
    {
      *reason = g_strdup_printf ("cannot ask the bus: %s", error->message);
      return FALSE;
    }
  g_variant_get (reply, "(b)", &owned);
  if (!owned)
    {
      *reason = g_strdup ("nothing owns " SECRETS_NAME " on the session bus");
      return FALSE;
    }

  return TRUE;
}

static gboolean
keyring_required (void)
{
  return g_strcmp0 (g_getenv ("SATCHEL_TEST_REQUIRE_KEYRING"), "1") == 0;
}

/* Skips the test when there is no keyring, unless the test run demands
 * one (build-aux/headless sets SATCHEL_TEST_REQUIRE_KEYRING=1): then it
 * fails. */
static gboolean
need_keyring (void)
{
  g_autofree char *reason = NULL;

  if (session_keyring_running (&reason))
    return TRUE;

  if (keyring_required ())
    g_test_fail_printf ("No keyring although SATCHEL_TEST_REQUIRE_KEYRING=1: %s", reason);
  else
    g_test_skip_printf ("No keyring: %s (run under build-aux/headless)", reason);

  return FALSE;
}

/* The same for programs a test starts itself. */
static gboolean
need_programs (const char *first,
               ...)
{
  va_list args;
  const char *program;

  va_start (args, first);
  for (program = first; program != NULL; program = va_arg (args, const char *))
    {
      g_autofree char *path = g_find_program_in_path (program);

      if (path != NULL)
        continue;

      if (keyring_required ())
        g_test_fail_printf ("%s is not installed although SATCHEL_TEST_REQUIRE_KEYRING=1",
                            program);
      else
        g_test_skip_printf ("%s is not installed", program);
      va_end (args);
      return FALSE;
    }
  va_end (args);

  return TRUE;
}

/* Helpers ---------------------------------------------------------------- */

static SatchelAccount *
make_account (const char *name)
{
  SatchelAccount *account = satchel_account_new (name);

  satchel_account_set_address (account, "me@example.com");
  satchel_account_set_host (account, "smtp.example.com");
  satchel_account_set_port (account, 465);
  satchel_account_set_username (account, "me@example.com");

  return account;
}

static void
wipe_and_free (char *password)
{
  if (password != NULL)
    secret_password_free (password);
}

/* The keyring entries of @account's id, straight from the keyring. */
static GList *
search_entries (SatchelAccount *account)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (satchel_secret_get_schema (),
                                       SECRET_SEARCH_ALL, NULL, &error,
                                       "account-id", satchel_account_get_id (account),
                                       NULL);
  g_assert_no_error (error);

  return items;
}

static void
assert_no_password (SatchelAccount *account)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD);
  g_assert_null (password);
}

static void
assert_message_has_no (const GError *error,
                       const char   *secret)
{
  if (strstr (error->message, secret) != NULL)
    g_error ("The message “%s” shows the secret “%s”", error->message, secret);
}

/* A private session: a D-Bus daemon of our own, and a gnome-keyring in it
 * when asked. For subprocess tests only: it points this process's session
 * bus at itself, so it must come before anything touches D-Bus. ------- */

typedef struct
{
  char        *dir;
  GSubprocess *bus;
  GSubprocess *keyring;
} PrivateSession;

static const char bus_config[] =
  "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
  " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
  "<busconfig>\n"
  "  <type>session</type>\n"
  "  <listen>unix:tmpdir=%s</listen>\n"
  "  <servicedir>%s</servicedir>\n"
  "  <auth>EXTERNAL</auth>\n"
  "  <policy context=\"default\">\n"
  "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
  "    <allow eavesdrop=\"true\"/>\n"
  "    <allow own=\"*\"/>\n"
  "  </policy>\n"
  "</busconfig>\n";

/* gnome-keyring asks this name for its password prompts. The only
 * service the private bus can start, and it fails at once, like a
 * prompter without a display: so a prompt is dismissed, and never waits
 * for someone to type. */
static const char prompter_service[] =
  "[D-BUS Service]\n"
  "Name=org.gnome.keyring.SystemPrompter\n"
  "Exec=/bin/false\n";

/* The daemons die with this process, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* The daemons get folders of their own in @dir: a test subprocess may
 * have its home and XDG folders pointed at /dev/null. */
static GSubprocessLauncher *
make_launcher (GSubprocessFlags  flags,
               const char       *dir)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);
  const char *const folders[][2] = {
    { "HOME", "home" },
    { "XDG_RUNTIME_DIR", "runtime" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (dir, folders[i][1], NULL);

      g_assert_no_errno (g_mkdir_with_parents (path, 0700));
      g_subprocess_launcher_setenv (launcher, folders[i][0], path, TRUE);
    }

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  /* Our fatal warnings are not the daemons': gnome-keyring warns when a
   * prompt fails, and must not die of it. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");

  return launcher;
}

static void
wait_for_secrets_name (void)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) reply = NULL;
      gboolean owned = FALSE;

      reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus",
                                           "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "NameHasOwner",
                                           g_variant_new ("(s)", SECRETS_NAME),
                                           G_VARIANT_TYPE ("(b)"),
                                           G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(b)", &owned);
      if (owned)
        return;
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }

  g_error ("gnome-keyring-daemon did not appear on the private bus");
}

static void
private_session_start (PrivateSession *session,
                       gboolean        with_keyring,
                       gboolean        unlock)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *services = NULL;
  g_autofree char *prompter_path = NULL;
  g_autofree char *address = NULL;

  session->dir = g_dir_make_tmp ("satchel-test-bus-XXXXXX", &error);
  g_assert_no_error (error);

  services = g_build_filename (session->dir, "services", NULL);
  g_assert_no_errno (g_mkdir (services, 0700));
  prompter_path = g_build_filename (services, "org.gnome.keyring.SystemPrompter.service", NULL);
  g_file_set_contents (prompter_path, prompter_service, -1, &error);
  g_assert_no_error (error);

  config = g_markup_printf_escaped (bus_config, session->dir, services);
  config_path = g_build_filename (session->dir, "bus.conf", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE, session->dir);
  session->bus = g_subprocess_launcher_spawn (launcher, &error,
                                              "dbus-daemon", "--nofork",
                                              "--print-address=1",
                                              "--config-file", config_path,
                                              NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (session->bus));
  address = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_strstrip (address);

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
  g_unsetenv ("DISPLAY");

  if (!with_keyring)
    return;

  g_clear_object (&launcher);
  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE,
                            session->dir);
  if (unlock)
    session->keyring = g_subprocess_launcher_spawn (launcher, &error,
                                                    "gnome-keyring-daemon",
                                                    "--foreground", "--unlock",
                                                    "--components=secrets",
                                                    NULL);
  else
    session->keyring = g_subprocess_launcher_spawn (launcher, &error,
                                                    "gnome-keyring-daemon",
                                                    "--foreground",
                                                    "--components=secrets",
                                                    NULL);
  g_assert_no_error (error);

  if (unlock)
    {
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (session->keyring),
                                 HEADLESS_KEYRING_PASSWORD,
                                 strlen (HEADLESS_KEYRING_PASSWORD),
                                 NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (g_subprocess_get_stdin_pipe (session->keyring), NULL, &error);
  g_assert_no_error (error);

  wait_for_secrets_name ();
}

static void
stop_process (GSubprocess **process)
{
  if (*process == NULL)
    return;

  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) &&
          !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
private_session_stop (PrivateSession *session)
{
  stop_process (&session->keyring);
  stop_process (&session->bus);

  remove_tree (session->dir);
  g_clear_pointer (&session->dir, g_free);
}

/* Unlocks a gnome-keyring collection without a prompt, through the
 * daemon's own interface for this (what its PAM module uses). */
static void
unlock_with_password (const char *collection_path,
                      const char *password)
{
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session_path = NULL;

  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  reply = g_dbus_connection_call_sync (connection, SECRETS_NAME,
                                       "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service",
                                       "OpenSession",
                                       g_variant_new ("(sv)", "plain",
                                                      g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(vo)", NULL, &session_path);

  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (connection, SECRETS_NAME,
                                       "/org/freedesktop/secrets",
                                       "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                       "UnlockWithMasterPassword",
                                       g_variant_new ("(o(o@ay@ays))",
                                                      collection_path,
                                                      session_path,
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                                 "", 0, 1),
                                                      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                                 password,
                                                                                 strlen (password), 1),
                                                      "text/plain"),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* The keyring: round trips ----------------------------------------------- */

static void
test_schema (void)
{
  const SecretSchema *schema = satchel_secret_get_schema ();
  const char *const names[] = { "account-id", "protocol", "host", "port", "user" };

  g_assert_cmpstr (schema->name, ==, "io.github.satchel.Satchel.Account");
  g_assert_cmpint (schema->flags, ==, SECRET_SCHEMA_NONE);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (schema->attributes[i].name, ==, names[i]);
  g_assert_null (schema->attributes[G_N_ELEMENTS (names)].name);
}

static void
test_round_trip (void)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GList *items;
  char *password;

  if (!need_keyring ())
    return;

  account = make_account ("Round trip");
  g_assert_true (satchel_secret_store_sync (account, tricky_password, NULL, &error));
  g_assert_no_error (error);

  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, tricky_password);
  wipe_and_free (password);

  /* What Seahorse shows, and what other tools can search for. */
  items = search_entries (account);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_assert_cmpstr (label, ==, "Satchel: SMTP password for me@example.com@smtp.example.com");
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "account-id"), ==,
                   satchel_account_get_id (account));
  g_assert_cmpstr (g_hash_table_lookup (attributes, "protocol"), ==, "smtp");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "host"), ==, "smtp.example.com");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "port"), ==, "465");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "user"), ==, "me@example.com");
  g_list_free_full (items, g_object_unref);

  /* Storing again replaces the password. */
  g_assert_true (satchel_secret_store_sync (account, "second", NULL, &error));
  g_assert_no_error (error);
  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "second");
  wipe_and_free (password);
  items = search_entries (account);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_list_free_full (items, g_object_unref);

  g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
  g_assert_no_error (error);
  assert_no_password (account);
  g_assert_null (search_entries (account));
}

static void
test_host_change (void)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAccount) other = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;
  char *password;

  if (!need_keyring ())
    return;

  /* A second account on the same server stays untouched. */
  other = make_account ("Neighbour");
  g_assert_true (satchel_secret_store_sync (other, "neighbour's", NULL, &error));
  g_assert_no_error (error);

  account = make_account ("Moving");
  g_assert_true (satchel_secret_store_sync (account, "old server", NULL, &error));
  g_assert_no_error (error);

  satchel_account_set_host (account, "mail.example.org");
  satchel_account_set_port (account, 587);
  satchel_account_set_username (account, "me");

  /* Editing the account still finds the password by its id. */
  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "old server");
  wipe_and_free (password);

  g_assert_true (satchel_secret_store_sync (account, tricky_password, NULL, &error));
  g_assert_no_error (error);

  items = search_entries (account);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "host"), ==, "mail.example.org");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "port"), ==, "587");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "user"), ==, "me");
  g_list_free_full (items, g_object_unref);

  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, tricky_password);
  wipe_and_free (password);

  password = satchel_secret_lookup_sync (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "neighbour's");
  wipe_and_free (password);

  g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_secret_clear_sync (other, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (search_entries (account));
  g_assert_null (search_entries (other));
}

static void
test_clear_none (void)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_keyring ())
    return;

  account = make_account ("Never stored");
  g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
  g_assert_no_error (error);
}

static void
test_lookup_none (void)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  if (!need_keyring ())
    return;

  account = make_account ("Büro Mail");
  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD);
  g_assert_nonnull (strstr (error->message, "“Büro Mail”"));
  g_assert_nonnull (strstr (error->message,
                            "satchel-cli account edit 'Büro Mail' --password-stdin"));
}

/* Password commands ------------------------------------------------------ */

static char *
lookup_with_command (const char  *command,
                     GError     **error)
{
  g_autoptr(SatchelAccount) account = make_account ("Commanded");

  satchel_account_set_password_command (account, command);
  return satchel_secret_lookup_sync (account, NULL, error);
}

static void
test_command_success (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = lookup_with_command ("printf 'first line: pässwörd 密码\\r\\nsecond line\\n'",
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first line: pässwörd 密码");
  wipe_and_free (password);

  /* No final newline; spaces around it are part of the password. */
  password = lookup_with_command ("printf '  spaced  '", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "  spaced  ");
  wipe_and_free (password);

  /* Error output of a successful command does not matter. */
  password = lookup_with_command ("echo warning >&2; echo s3cret", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cret");
  wipe_and_free (password);
}

static void
test_command_failure (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = lookup_with_command ("echo s3cret-out; "
                                  "echo 'gpg: decryption failed: No secret key' >&2; "
                                  "echo 'second error line' >&2; exit 3",
                                  &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_test_message ("failure: %s", error->message);
  g_assert_nonnull (strstr (error->message, "“Commanded”"));
  g_assert_nonnull (strstr (error->message, "exit status 3"));
  g_assert_nonnull (strstr (error->message, "“gpg: decryption failed: No secret key”"));
  g_assert_null (strstr (error->message, "second error line"));
  assert_message_has_no (error, "s3cret-out");
  g_clear_error (&error);

  /* Nothing on standard error. */
  password = lookup_with_command ("echo s3cret-out; exit 1", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "exit status 1"));
  assert_message_has_no (error, "s3cret-out");
  g_clear_error (&error);

  /* A command that echoes its output into its errors. */
  password = lookup_with_command ("echo hunter2; echo 'bad key hunter2 here' >&2; exit 2",
                                  &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "bad key"));
  assert_message_has_no (error, "hunter2");
  g_clear_error (&error);

  /* Cutting the output out of the errors must end, whatever it is. */
  password = lookup_with_command ("echo '…'; echo 'x … y' >&2; exit 1", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_clear_error (&error);

  /* The shell says so when the program does not exist. */
  password = lookup_with_command ("/nonexistent/satchel-pass-helper", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "exit status 127"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/satchel-pass-helper"));
  g_clear_error (&error);

  password = lookup_with_command ("kill -TERM $$", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "signal 15"));
}

static void
test_command_empty (void)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = lookup_with_command ("true", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_nonnull (strstr (error->message, "printed no password"));
  g_clear_error (&error);

  /* An empty first line is no password either. */
  password = lookup_with_command ("printf '\\nlater\\n'", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  assert_message_has_no (error, "later");
  g_clear_error (&error);

  /* Standard input is not ours to give (in sendmail mode it is the
   * message): the command reads nothing. */
  password = lookup_with_command ("cat", &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
}

static void
test_command_stderr_quoted (void)
{
  g_autoptr(GError) error = NULL;
  char *password;
  const char *quote;

  /* Terminal escapes and a bidi override are not passed on, and a long
   * line is cut. */
  password = lookup_with_command ("printf '\\033[31mred\\342\\200\\256evil\\377' >&2; "
                                  "head -c 5000 /dev/zero | tr '\\0' x >&2; exit 1",
                                  &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\033'));
  g_assert_null (strstr (error->message, "\342\200\256"));
  quote = strstr (error->message, "said: “");
  g_assert_nonnull (quote);
  g_assert_nonnull (strstr (quote, "red"));
  g_assert_nonnull (strstr (quote, "xxx…”"));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 500);
}

/* No keyring ------------------------------------------------------------- */

static void
assert_unavailable (void)
{
  g_autoptr(SatchelAccount) account = make_account ("Nowhere");
  g_autoptr(GError) error = NULL;
  char *password;

  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE);
  g_test_message ("lookup: %s", error->message);
  g_assert_nonnull (strstr (error->message, "No keyring (Secret Service) is running"));
  g_assert_nonnull (strstr (error->message, "password command"));
  g_clear_error (&error);

  g_assert_false (satchel_secret_store_sync (account, "s3cret", NULL, &error));
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "keyring"));
  assert_message_has_no (error, "s3cret");
  g_clear_error (&error);

  g_assert_false (satchel_secret_clear_sync (account, NULL, &error));
  g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  /* An account with a password command needs no keyring at all. */
  satchel_account_set_password_command (account, "echo from-command");
  password = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "from-command");
  wipe_and_free (password);
  g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
  g_assert_no_error (error);
}

static void
test_unavailable_bogus_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-bus",
                                                  g_get_user_runtime_dir ());

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      g_unsetenv ("DISPLAY");
      assert_unavailable ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_unavailable_no_bus (void)
{
  if (g_test_subprocess ())
    {
      /* No address, no $XDG_RUNTIME_DIR/bus (the folders are the test's
       * own) and no X display to autolaunch a bus with. */
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      g_unsetenv ("DISPLAY");
      assert_unavailable ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_unavailable_no_service (void)
{
  if (g_test_subprocess ())
    {
      PrivateSession session = { 0 };

      private_session_start (&session, FALSE, FALSE);
      assert_unavailable ();
      private_session_stop (&session);
      return;
    }

  if (!need_programs ("dbus-daemon", NULL))
    return;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A keyring without a default collection: nothing was ever unlocked, so
 * gnome-keyring made no "login" collection. */
static void
test_no_default_collection (void)
{
  if (g_test_subprocess ())
    {
      PrivateSession session = { 0 };
      g_autoptr(SatchelAccount) account = make_account ("No collection");
      g_autoptr(GError) error = NULL;
      char *password;

      private_session_start (&session, TRUE, FALSE);

      g_assert_false (satchel_secret_store_sync (account, "s3cret", NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("store: %s", error->message);
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE);
      g_assert_nonnull (strstr (error->message, "Create a default keyring"));
      assert_message_has_no (error, "s3cret");
      g_clear_error (&error);

      /* Nothing can be stored, so nothing is. */
      password = satchel_secret_lookup_sync (account, NULL, &error);
      g_assert_null (password);
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD);
      g_clear_error (&error);

      g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
      g_assert_no_error (error);

      private_session_stop (&session);
      return;
    }

  if (!need_programs ("dbus-daemon", "gnome-keyring-daemon", NULL))
    return;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A locked keyring. In a keyring of its own, so that other tests using
 * the session's keyring at the same time never see it locked. */
static void
test_locked (void)
{
  if (g_test_subprocess ())
    {
      PrivateSession session = { 0 };
      g_autoptr(SatchelAccount) account = make_account ("Locked away");
      g_autoptr(SatchelAccount) fresh = make_account ("Fresh");
      g_autoptr(SecretService) service = NULL;
      g_autoptr(SecretCollection) collection = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *collection_path = NULL;
      GList *objects;
      char *password;
      int count;

      private_session_start (&session, TRUE, TRUE);

      g_assert_true (satchel_secret_store_sync (account, tricky_password, NULL, &error));
      g_assert_no_error (error);

      service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
      g_assert_no_error (error);
      collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                     SECRET_COLLECTION_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (collection);
      collection_path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)));
      objects = g_list_append (NULL, collection);
      count = secret_service_lock_sync (service, objects, NULL, NULL, &error);
      g_list_free (objects);
      g_assert_no_error (error);
      g_assert_cmpint (count, ==, 1);

      /* The entry is there but cannot be read: locked, not missing. */
      password = satchel_secret_lookup_sync (account, NULL, &error);
      g_assert_null (password);
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);
      g_test_message ("lookup: %s", error->message);
      g_assert_nonnull (strstr (error->message, "The keyring is locked"));
      g_assert_nonnull (strstr (error->message, "nlock"));
      g_clear_error (&error);

      /* Nothing stored, but the default keyring is locked: the answer
       * may change once it is unlocked. */
      password = satchel_secret_lookup_sync (fresh, NULL, &error);
      g_assert_null (password);
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);
      g_clear_error (&error);

      g_assert_false (satchel_secret_store_sync (account, "new", NULL, &error));
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);
      g_clear_error (&error);

      /* A locked entry is not "cleared" by skipping it. */
      g_assert_false (satchel_secret_clear_sync (account, NULL, &error));
      g_assert_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED);
      g_clear_error (&error);

      /* Unlocked again, the password is still the old one. */
      unlock_with_password (collection_path, HEADLESS_KEYRING_PASSWORD);
      password = satchel_secret_lookup_sync (account, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (password, ==, tricky_password);
      wipe_and_free (password);

      g_assert_true (satchel_secret_clear_sync (account, NULL, &error));
      g_assert_no_error (error);
      assert_no_password (account);

      private_session_stop (&session);
      return;
    }

  if (!need_programs ("dbus-daemon", "gnome-keyring-daemon", NULL))
    return;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/secret/schema", test_schema);
  g_test_add_func ("/satchel/secret/keyring/round-trip", test_round_trip);
  g_test_add_func ("/satchel/secret/keyring/host-change", test_host_change);
  g_test_add_func ("/satchel/secret/keyring/clear-none", test_clear_none);
  g_test_add_func ("/satchel/secret/keyring/lookup-none", test_lookup_none);
  g_test_add_func ("/satchel/secret/command/success", test_command_success);
  g_test_add_func ("/satchel/secret/command/failure", test_command_failure);
  g_test_add_func ("/satchel/secret/command/empty", test_command_empty);
  g_test_add_func ("/satchel/secret/command/stderr-quoted", test_command_stderr_quoted);
  g_test_add_func ("/satchel/secret/unavailable/bogus-bus", test_unavailable_bogus_bus);
  g_test_add_func ("/satchel/secret/unavailable/no-bus", test_unavailable_no_bus);
  g_test_add_func ("/satchel/secret/unavailable/no-service", test_unavailable_no_service);
  g_test_add_func ("/satchel/secret/no-default-collection", test_no_default_collection);
  g_test_add_func ("/satchel/secret/locked", test_locked);

  return g_test_run ();
}
