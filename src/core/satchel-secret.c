/* satchel-secret.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-secret"

#include "config.h"

#include "satchel-secret.h"

#include "satchel-error.h"

#include <glib/gi18n-lib.h>

#include <string.h>
#include <sys/wait.h>

#define PROTOCOL "smtp"

/* How many characters of a password command's error output a message
 * quotes. */
#define STDERR_QUOTE_MAX 200

static const SecretSchema account_schema = {
  "io.github.satchel.Satchel.Account",
  SECRET_SCHEMA_NONE,
  {
    { "account-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "protocol", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "port", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
    { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

/* Helpers ---------------------------------------------------------------- */

static const char *
account_display_name (SatchelAccount *account)
{
  const char *name = satchel_account_get_name (account);

  return name != NULL ? name : satchel_account_get_id (account);
}

/* The attributes an entry is looked up by: the account id alone, so that
 * editing host, port or user keeps finding the password. */
static GHashTable *
build_lookup_attributes (SatchelAccount *account)
{
  return secret_attributes_build (&account_schema,
                                  "account-id", satchel_account_get_id (account),
                                  NULL);
}

/* All the attributes an entry is stored with. libsecret refuses NULL
 * string values, so unset fields are stored as "". */
static GHashTable *
build_store_attributes (SatchelAccount *account)
{
  const char *host = satchel_account_get_host (account);
  const char *user = satchel_account_get_username (account);

  return secret_attributes_build (&account_schema,
                                  "account-id", satchel_account_get_id (account),
                                  "protocol", PROTOCOL,
                                  "host", host != NULL ? host : "",
                                  "port", (int) satchel_account_get_port (account),
                                  "user", user != NULL ? user : "",
                                  NULL);
}

static void
wipe_string (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

static void
set_unavailable_error (GError       **error,
                       const GError  *cause)
{
  g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE,
               _("No keyring (Secret Service) is running, so Satchel cannot "
                 "keep or read passwords. Start GNOME Keyring or the Secret "
                 "Service integration of KeePassXC, or give the account a "
                 "password command. (%s)"),
               cause->message);
}

static void
set_no_collection_error (GError **error)
{
  g_set_error_literal (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE,
                       _("There is no default keyring to keep passwords in. "
                         "Create a default keyring (for example with "
                         "Seahorse, “Passwords and Keys”), or give the "
                         "account a password command."));
}

static void
set_locked_error (GError **error)
{
  g_set_error_literal (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_LOCKED,
                       _("The keyring is locked. Unlock it (log in to the "
                         "desktop, or use Seahorse, “Passwords and Keys”) "
                         "and try again."));
}

static gboolean
error_means_no_collection (const GError *error)
{
  return g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT);
}

/* Errors that say nothing answers for org.freedesktop.secrets, or that
 * there is no usable session bus at all ("Cannot autolaunch D-Bus
 * without X11 $DISPLAY", a bus address that leads nowhere). */
static gboolean
error_means_no_service (const GError *error)
{
  if (error->domain == G_IO_ERROR)
    return error->code != G_IO_ERROR_DBUS_ERROR &&
           error->code != G_IO_ERROR_CANCELLED;

  if (error->domain == G_SPAWN_ERROR)
    return TRUE;

  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
        case G_DBUS_ERROR_SERVICE_UNKNOWN:
        case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
        case G_DBUS_ERROR_NO_REPLY:
        case G_DBUS_ERROR_IO_ERROR:
        case G_DBUS_ERROR_BAD_ADDRESS:
        case G_DBUS_ERROR_ACCESS_DENIED:
        case G_DBUS_ERROR_AUTH_FAILED:
        case G_DBUS_ERROR_NO_SERVER:
        case G_DBUS_ERROR_TIMEOUT:
        case G_DBUS_ERROR_NO_NETWORK:
        case G_DBUS_ERROR_DISCONNECTED:
        case G_DBUS_ERROR_TIMED_OUT:
        case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
        case G_DBUS_ERROR_SPAWN_FORK_FAILED:
        case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
        case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
        case G_DBUS_ERROR_SPAWN_FAILED:
        case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
        case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
        case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
        case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
        case G_DBUS_ERROR_SPAWN_FILE_INVALID:
        case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          return TRUE;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

/* Turns an error of libsecret or GDBus into a SATCHEL_SECRET_ERROR that
 * says what to do. Cancellation stays G_IO_ERROR_CANCELLED. Takes
 * @cause. */
static void
propagate_keyring_error (GError **error,
                         GError  *cause)
{
  g_assert (cause != NULL);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }

  if (g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    set_locked_error (error);
  else if (error_means_no_collection (cause))
    set_no_collection_error (error);
  else if (error_means_no_service (cause))
    set_unavailable_error (error, cause);
  else
    g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_UNAVAILABLE,
                 _("The keyring (Secret Service) failed: %s. Check that it "
                   "is running and unlocked, or give the account a password "
                   "command."),
                 cause->message);

  g_error_free (cause);
}

/* The entries of this schema with @account's id, unlocked or not. Never
 * unlocks (so never prompts) and never reads a secret. */
static GList *
search_account_items (SecretService   *service,
                      SatchelAccount  *account,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_autoptr(GHashTable) attributes = build_lookup_attributes (account);

  return secret_service_search_sync (service, &account_schema, attributes,
                                     SECRET_SEARCH_ALL, cancellable, error);
}

static gboolean
any_item_locked (GList *items)
{
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        return TRUE;
    }

  return FALSE;
}

static gboolean
attributes_match (GHashTable *item_attributes,
                  GHashTable *wanted)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_strcmp0 (g_hash_table_lookup (item_attributes, key), value) != 0)
        return FALSE;
    }

  return TRUE;
}

/* After a store: deletes the entries of the same account stored under
 * other attributes (an older host, port or user), so that a lookup by
 * account id finds exactly one. Storing first and pruning afterwards
 * means a failed store never loses the previous password. */
static gboolean
remove_stale_items (SatchelAccount  *account,
                    GHashTable      *attributes,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autoptr(SecretService) service = NULL;
  GList *items;
  GError *local_error = NULL;
  gboolean ok = TRUE;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local_error);
  if (service == NULL)
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }

  items = search_account_items (service, account, cancellable, &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }

  for (GList *l = items; l != NULL && ok; l = l->next)
    {
      SecretItem *item = l->data;
      g_autoptr(GHashTable) item_attributes = secret_item_get_attributes (item);

      if (item_attributes != NULL && attributes_match (item_attributes, attributes))
        continue;

      g_debug ("Removing an older keyring entry of account %s",
               satchel_account_get_id (account));
      if (!secret_item_delete_sync (item, cancellable, &local_error))
        {
          if (local_error != NULL)
            propagate_keyring_error (error, local_error);
          else
            set_locked_error (error);
          ok = FALSE;
        }
    }

  g_list_free_full (items, g_object_unref);
  return ok;
}

/* A lookup found nothing and said nothing: tells a locked keyring (the
 * entry is there but could not be unlocked, a prompt was dismissed, or
 * the default keyring is locked) from nothing stored. */
static void
explain_missing_password (SatchelAccount  *account,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autofree char *quoted = NULL;
  GList *items;
  GError *local_error = NULL;
  gboolean locked;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local_error);
  if (service == NULL)
    {
      propagate_keyring_error (error, local_error);
      return;
    }

  items = search_account_items (service, account, cancellable, &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error);
      return;
    }
  locked = items != NULL && any_item_locked (items);
  g_list_free_full (items, g_object_unref);
  if (locked)
    {
      set_locked_error (error);
      return;
    }

  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE,
                                                 cancellable, &local_error);
  if (local_error != NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, local_error);
          return;
        }
      /* Only a hint: without it, nothing stored is still the answer. */
      g_debug ("Cannot read the default keyring: %s", local_error->message);
      g_clear_error (&local_error);
    }
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      set_locked_error (error);
      return;
    }

  quoted = g_shell_quote (account_display_name (account));
  g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_NO_PASSWORD,
               _("No password is stored for account “%s”. Enter it in the "
                 "account settings, or run: satchel-cli account edit %s "
                 "--password-stdin"),
               account_display_name (account), quoted);
}

/* The first line of a password command's error output, fit to quote in a
 * message: valid UTF-8, control and format characters replaced, at most
 * STDERR_QUOTE_MAX characters. NULL when there is nothing to quote.
 * @secret, when set, is cut out in case the command echoed it. */
static char *
quote_command_stderr (const char *output,
                      const char *secret)
{
  g_autofree char *line = NULL;
  g_autofree char *valid = NULL;
  g_autoptr(GString) quoted = NULL;
  const char *p;
  gsize length;
  guint count = 0;

  if (output == NULL)
    return NULL;

  length = strcspn (output, "\n");
  while (length > 0 && (output[length - 1] == '\r' || g_ascii_isspace (output[length - 1])))
    length--;
  line = g_strndup (output, length);

  if (secret != NULL && *secret != '\0' && strstr (line, secret) != NULL)
    {
      GString *redacted = g_string_new (NULL);
      const char *rest = line;
      const char *found;

      while ((found = strstr (rest, secret)) != NULL)
        {
          g_string_append_len (redacted, rest, found - rest);
          g_string_append (redacted, "…");
          rest = found + strlen (secret);
        }
      g_string_append (redacted, rest);

      wipe_string (line);
      g_free (line);
      line = g_string_free (redacted, FALSE);
    }

  valid = g_utf8_make_valid (line, -1);
  wipe_string (line);

  quoted = g_string_new (NULL);
  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (count == STDERR_QUOTE_MAX)
        {
          g_string_append (quoted, "…");
          break;
        }

      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        g_string_append_unichar (quoted, 0xFFFD);
      else
        g_string_append_unichar (quoted, c);
      count++;
    }

  if (quoted->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

static void
set_command_status_error (GError         **error,
                          SatchelAccount  *account,
                          int              wait_status,
                          const char      *err_output,
                          const char      *out_line)
{
  g_autofree char *said = quote_command_stderr (err_output, out_line);
  const char *name = account_display_name (account);

  if (WIFEXITED (wait_status))
    {
      int status = WEXITSTATUS (wait_status);

      if (said != NULL)
        g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                     _("The password command of account “%s” failed with exit "
                       "status %d and said: “%s”. Run it in a terminal to see "
                       "what is wrong, or change it in the account settings."),
                     name, status, said);
      else
        g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                     _("The password command of account “%s” failed with exit "
                       "status %d and gave no reason. Run it in a terminal to "
                       "see what is wrong, or change it in the account "
                       "settings."),
                     name, status);
    }
  else if (WIFSIGNALED (wait_status))
    {
      int signal_number = WTERMSIG (wait_status);

      if (said != NULL)
        g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                     _("The password command of account “%s” was stopped by "
                       "signal %d (%s) and said: “%s”. Run it in a terminal to "
                       "see what is wrong, or change it in the account "
                       "settings."),
                     name, signal_number, g_strsignal (signal_number), said);
      else
        g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                     _("The password command of account “%s” was stopped by "
                       "signal %d (%s). Run it in a terminal to see what is "
                       "wrong, or change it in the account settings."),
                     name, signal_number, g_strsignal (signal_number));
    }
  else
    {
      g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                   _("The password command of account “%s” did not finish "
                     "normally. Run it in a terminal to see what is wrong, or "
                     "change it in the account settings."),
                   name);
    }
}

/* Runs the account's password command through /bin/sh -c (it is the
 * user's own command line) and returns the first line of its output in
 * non-pageable memory, for secret_password_free(). Its standard input is
 * /dev/null: in sendmail mode standard input is the message. The output
 * never appears in an error. */
static char *
run_password_command (SatchelAccount  *account,
                      const char      *command,
                      GError         **error)
{
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  g_autoptr(GError) spawn_error = NULL;
  SecretValue *value;
  char *out_output = NULL;
  char *err_output = NULL;
  char *password = NULL;
  int wait_status = 0;
  gsize length = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_STDIN_FROM_DEV_NULL,
                     NULL, NULL, &out_output, &err_output, &wait_status,
                     &spawn_error))
    {
      g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                   _("The password command of account “%s” could not be "
                     "started: %s. Check that /bin/sh exists, or change the "
                     "command in the account settings."),
                   account_display_name (account), spawn_error->message);
      return NULL;
    }

  if (out_output != NULL)
    {
      length = strcspn (out_output, "\n");
      if (length > 0 && out_output[length - 1] == '\r')
        length--;
    }

  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_autofree char *out_line = NULL;

      if (length > 0)
        out_line = g_strndup (out_output, length);
      set_command_status_error (error, account, wait_status, err_output, out_line);
      wipe_string (out_line);
    }
  else if (length == 0)
    {
      g_set_error (error, SATCHEL_SECRET_ERROR, SATCHEL_SECRET_ERROR_COMMAND_FAILED,
                   _("The password command of account “%s” printed no "
                     "password. Run it in a terminal to see what it prints, "
                     "or change it in the account settings."),
                   account_display_name (account));
    }
  else
    {
      value = secret_value_new (out_output, length, "text/plain");
      password = secret_value_unref_to_password (value, NULL);
    }

  wipe_string (out_output);
  wipe_string (err_output);
  g_free (out_output);
  g_free (err_output);

  return password;
}

/* Public API ------------------------------------------------------------- */

const SecretSchema *
satchel_secret_get_schema (void)
{
  return &account_schema;
}

gboolean
satchel_secret_store_sync (SatchelAccount  *account,
                           const char      *password,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  const char *host;
  const char *user;
  GError *local_error = NULL;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (satchel_account_get_id (account) != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  host = satchel_account_get_host (account);
  user = satchel_account_get_username (account);
  /* Translators: the name of the keyring entry, shown in Seahorse; the
   * first %s is the user name, the second the SMTP server. */
  label = g_strdup_printf (_("Satchel: SMTP password for %s@%s"),
                           user != NULL ? user : "",
                           host != NULL ? host : "");
  attributes = build_store_attributes (account);

  if (!secret_password_storev_sync (&account_schema, attributes,
                                    SECRET_COLLECTION_DEFAULT, label, password,
                                    cancellable, &local_error))
    {
      /* No error means a prompt to unlock the keyring was dismissed. */
      if (local_error != NULL)
        propagate_keyring_error (error, local_error);
      else
        set_locked_error (error);
      return FALSE;
    }

  return remove_stale_items (account, attributes, cancellable, error);
}

char *
satchel_secret_lookup_sync (SatchelAccount  *account,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  const char *command;
  GError *local_error = NULL;
  char *password;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (satchel_account_get_id (account) != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  command = satchel_account_get_password_command (account);
  if (command != NULL && *command != '\0')
    return run_password_command (account, command, error);

  attributes = build_lookup_attributes (account);
  password = secret_password_lookupv_nonpageable_sync (&account_schema, attributes,
                                                       cancellable, &local_error);
  if (local_error != NULL)
    {
      g_clear_pointer (&password, secret_password_free);
      propagate_keyring_error (error, local_error);
      return NULL;
    }

  if (password == NULL)
    explain_missing_password (account, cancellable, error);

  return password;
}

gboolean
satchel_secret_clear_sync (SatchelAccount  *account,
                           GCancellable    *cancellable,
                           GError         **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretService) service = NULL;
  GError *local_error = NULL;
  GList *items;
  gboolean remaining;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (satchel_account_get_id (account) != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  attributes = build_lookup_attributes (account);
  if (secret_password_clearv_sync (&account_schema, attributes, cancellable, &local_error))
    return TRUE;

  if (local_error != NULL)
    {
      /* An account whose password comes from a command need not have a
       * keyring at all: with none running there is nothing to remove. */
      if (satchel_account_get_password_command (account) != NULL &&
          error_means_no_service (local_error))
        {
          g_debug ("No keyring to clear for account %s: %s",
                   satchel_account_get_id (account), local_error->message);
          g_error_free (local_error);
          return TRUE;
        }

      propagate_keyring_error (error, local_error);
      return FALSE;
    }

  /* Nothing was deleted: either there was nothing, or the entries are
   * locked (libsecret skips those silently). */
  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local_error);
  if (service == NULL)
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }

  items = search_account_items (service, account, cancellable, &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error);
      return FALSE;
    }
  remaining = items != NULL;
  g_list_free_full (items, g_object_unref);

  if (remaining)
    {
      set_locked_error (error);
      return FALSE;
    }

  return TRUE;
}
