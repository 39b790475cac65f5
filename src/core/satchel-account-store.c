/* satchel-account-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-account-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-account-store.h"

#include "satchel-error.h"
#include "satchel-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define GENERAL_GROUP "General"
#define DEFAULT_KEY "default"
#define ACCOUNT_PREFIX "Account "

struct _SatchelAccountStore
{
  GObject    parent_instance;

  char      *path;
  char      *lock_path;

  /* SatchelAccount, sorted by compare_accounts(): what the model shows. */
  GPtrArray *accounts;
  /* The effective default (see compute_default()), or NULL. */
  char      *default_name;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SatchelAccountStore, satchel_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* One change to accounts.ini, made to the freshly read @key_file (whose
 * accounts, parsed, are @accounts) while the lock is held. */
typedef gboolean (*ChangeFunc) (GKeyFile      *key_file,
                                GPtrArray     *accounts,
                                gconstpointer  data,
                                GError       **error);

/* Helpers ---------------------------------------------------------------- */

static int
compare_names (const char *a,
               const char *b)
{
  int result = g_utf8_collate (a, b);

  /* Names that collate alike still need a stable order. */
  return result != 0 ? result : strcmp (a, b);
}

static int
compare_accounts (gconstpointer a,
                  gconstpointer b)
{
  SatchelAccount *account_a = *(SatchelAccount **) a;
  SatchelAccount *account_b = *(SatchelAccount **) b;

  return compare_names (satchel_account_get_name (account_a),
                        satchel_account_get_name (account_b));
}

static SatchelAccount *
find_account (GPtrArray  *accounts,
              const char *name)
{
  for (guint i = 0; i < accounts->len; i++)
    {
      SatchelAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (satchel_account_get_name (account), name) == 0)
        return account;
    }
  return NULL;
}

/* TRUE when every property of @a and @b is the same. */
static gboolean
accounts_equal (SatchelAccount *a,
                SatchelAccount *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value_a = G_VALUE_INIT;
      g_auto(GValue) value_b = G_VALUE_INIT;

      g_value_init (&value_a, pspecs[i]->value_type);
      g_value_init (&value_b, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &value_a);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &value_b);
      /* Boxed values compare as pointers: compare string lists by content. */
      if (pspecs[i]->value_type == G_TYPE_STRV)
        {
          const char * const *strv_a = g_value_get_boxed (&value_a);
          const char * const *strv_b = g_value_get_boxed (&value_b);

          if ((strv_a == NULL) != (strv_b == NULL) ||
              (strv_a != NULL && !g_strv_equal (strv_a, strv_b)))
            return FALSE;
          continue;
        }
      if (g_param_values_cmp (pspecs[i], &value_a, &value_b) != 0)
        return FALSE;
    }

  return TRUE;
}

/* The name in General/default if there is such an account, else the
 * first (which is the only one when there is one). */
static const char *
compute_default (GPtrArray  *accounts,
                 const char *named)
{
  if (named != NULL && find_account (accounts, named) != NULL)
    return named;
  if (accounts->len > 0)
    return satchel_account_get_name (g_ptr_array_index (accounts, 0));
  return NULL;
}

/* A stable id for an account written by hand without one: its keyring
 * entry must be found again at the next start. A name-based UUID
 * (RFC 4122 version 5) of the account name. */
static char *
derive_id (const char *name)
{
  static const guint8 namespace_id[16] = {
    0x5a, 0x7c, 0x4e, 0x10, 0x93, 0x2b, 0x4f, 0x61,
    0xa8, 0x0d, 0x3c, 0x52, 0xe7, 0x19, 0xb4, 0x06,
  };
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;

  g_checksum_update (checksum, namespace_id, sizeof namespace_id);
  g_checksum_update (checksum, (const guchar *) name, strlen (name));
  g_checksum_get_digest (checksum, digest, &length);
  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3],
                          digest[4], digest[5], digest[6], digest[7],
                          digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

/* "password", or a translation of it ("password[de]"): never read, and
 * dropped at every write, so a password typed into the file by hand does
 * not stay there. */
static gboolean
is_password_key (const char *key)
{
  return g_ascii_strncasecmp (key, "password", 8) == 0 &&
         (key[8] == '\0' || key[8] == '[');
}

static void
remove_password_keys (GKeyFile *key_file)
{
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (key_file, groups[i], NULL, NULL);

      for (guint j = 0; keys != NULL && keys[j] != NULL; j++)
        if (is_password_key (keys[j]))
          g_key_file_remove_key (key_file, groups[i], keys[j], NULL);
    }
}

/* Reading accounts.ini --------------------------------------------------- */

static void
set_value_error (GError     **error,
                 const char  *path,
                 const char  *group,
                 const char  *key,
                 const char  *value,
                 const char  *expected)
{
  /* The file is not known to be UTF-8: error messages must be. */
  g_autofree char *shown_group = g_utf8_make_valid (group, -1);
  g_autofree char *shown_value = g_utf8_make_valid (value, -1);

  /* Translators: the file, the group, the key, what the value must be
   * (“a port number from 1 to 65535”, “true or false”…), the value. */
  g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
               _("The accounts file “%s” has a wrong value in the group [%s]: "
                 "“%s” must be %s, not “%s”. Satchel will not overwrite the "
                 "file: fix it or move it away, then try again."),
               path, shown_group, key, expected, shown_value);
}

static void
set_key_error (GError      **error,
               const char   *path,
               const char   *group,
               const char   *key,
               const GError *local_error)
{
  /* GKeyFile quotes a value that is not UTF-8 as it is. */
  g_autofree char *shown_group = g_utf8_make_valid (group, -1);
  g_autofree char *shown_message = g_utf8_make_valid (local_error->message, -1);

  g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
               _("The accounts file “%s” has a wrong value in the group [%s] "
                 "for “%s”: %s. Satchel will not overwrite the file: fix it "
                 "or move it away, then try again."),
               path, shown_group, key, shown_message);
}

/* Reads an optional string: *@out is NULL when the key is absent. */
static gboolean
read_string (GKeyFile    *key_file,
             const char  *path,
             const char  *group,
             const char  *key,
             char       **out,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = NULL;
  if (!g_key_file_has_key (key_file, group, key, NULL))
    return TRUE;

  *out = g_key_file_get_string (key_file, group, key, &local_error);
  if (*out == NULL)
    {
      set_key_error (error, path, group, key, local_error);
      return FALSE;
    }

  return TRUE;
}

/* Reads an optional unsigned number from @min to @max; *@present says
 * whether it was there. */
static gboolean
read_number (GKeyFile    *key_file,
             const char  *path,
             const char  *group,
             const char  *key,
             guint64      min,
             guint64      max,
             const char  *expected,
             guint64     *out,
             gboolean    *present,
             GError     **error)
{
  g_autofree char *value = NULL;

  *present = FALSE;
  if (!read_string (key_file, path, group, key, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;

  g_strstrip (value);
  if (!g_ascii_string_to_unsigned (value, 10, min, max, out, NULL))
    {
      set_value_error (error, path, group, key, value, expected);
      return FALSE;
    }

  *present = TRUE;
  return TRUE;
}

static gboolean
read_boolean (GKeyFile    *key_file,
              const char  *path,
              const char  *group,
              const char  *key,
              gboolean    *out,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = FALSE;
  if (!g_key_file_has_key (key_file, group, key, NULL))
    return TRUE;

  *out = g_key_file_get_boolean (key_file, group, key, &local_error);
  if (local_error != NULL)
    {
      g_autofree char *value = g_key_file_get_value (key_file, group, key, NULL);

      set_value_error (error, path, group, key, value != NULL ? value : "",
                       _("true or false"));
      return FALSE;
    }

  return TRUE;
}

/* The account in @group ("Account NAME"); NULL with a FILE error naming
 * the group and key of the first value that is not right. */
static SatchelAccount *
parse_account (GKeyFile    *key_file,
               const char  *path,
               const char  *group,
               GError     **error)
{
  static const struct
  {
    const char *key;
    void (*set) (SatchelAccount *, const char *);
  } strings[] = {
    { "address", satchel_account_set_address },
    { "display-name", satchel_account_set_display_name },
    { "host", satchel_account_set_host },
    { "username", satchel_account_set_username },
    { "auth-mechanism", satchel_account_set_auth_mechanism },
    { "ca-file", satchel_account_set_ca_file },
    { "trust-fingerprint", satchel_account_set_trust_fingerprint },
    { "password-command", satchel_account_set_password_command },
    { "signature", satchel_account_set_signature },
    { "reply-to", satchel_account_set_reply_to },
  };
  const char *name = group + strlen (ACCOUNT_PREFIX);
  g_autoptr(SatchelAccount) account = NULL;
  g_autofree char *id = NULL;
  g_autofree char *security_text = NULL;
  gboolean flag;
  gboolean present;
  guint64 number;

  if (*name == '\0')
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                   _("The accounts file “%s” has a group [%s] without an "
                     "account name. Satchel will not overwrite the file: fix "
                     "it or move it away, then try again."),
                   path, group);
      return NULL;
    }
  /* GKeyFile does not check group names: a name that is not UTF-8 would
   * reach the collation and the account list as it is. */
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_autofree char *shown_group = g_utf8_make_valid (group, -1);

      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                   _("The accounts file “%s” has a group [%s] whose name is "
                     "not UTF-8 text. Satchel will not overwrite the file: "
                     "fix it or move it away, then try again."),
                   path, shown_group);
      return NULL;
    }

  account = satchel_account_new (name);

  if (!read_string (key_file, path, group, "id", &id, error))
    return NULL;
  /* "id=" by hand is no id: the keyring entry needs one. */
  if (id == NULL || *id == '\0')
    {
      g_free (id);
      id = derive_id (name);
    }
  satchel_account_set_id (account, id);

  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autofree char *value = NULL;

      if (!read_string (key_file, path, group, strings[i].key, &value, error))
        return NULL;
      strings[i].set (account, value);
    }

  if (!read_number (key_file, path, group, "port", 1, G_MAXUINT16,
                    _("a port number from 1 to 65535"),
                    &number, &present, error))
    return NULL;
  if (present)
    satchel_account_set_port (account, (guint16) number);

  if (!read_string (key_file, path, group, "security", &security_text, error))
    return NULL;
  if (security_text != NULL)
    {
      SatchelSecurity security;

      if (!satchel_security_from_string (g_strstrip (security_text), &security))
        {
          set_value_error (error, path, group, "security", security_text,
                           _("tls, starttls or none"));
          return NULL;
        }
      satchel_account_set_security (account, security);
      /* A file written by hand with only the security gets its port. */
      if (!g_key_file_has_key (key_file, group, "port", NULL))
        satchel_account_set_port (account, satchel_security_default_port (security));
    }

  if (!read_number (key_file, path, group, "timeout", 1, 3600,
                    _("a number of seconds from 1 to 3600"),
                    &number, &present, error))
    return NULL;
  if (present)
    satchel_account_set_timeout (account, (guint) number);

  if (!read_number (key_file, path, group, "size-limit", 0, G_MAXUINT64,
                    _("a number of bytes"),
                    &number, &present, error))
    return NULL;
  if (present)
    satchel_account_set_size_limit (account, number);

  if (g_key_file_has_key (key_file, group, "server-mechanisms", NULL))
    {
      g_autoptr(GError) local_error = NULL;
      g_auto(GStrv) mechanisms = g_key_file_get_string_list (key_file, group,
                                                             "server-mechanisms",
                                                             NULL, &local_error);

      if (mechanisms == NULL && local_error != NULL)
        {
          set_key_error (error, path, group, "server-mechanisms", local_error);
          return NULL;
        }
      for (guint i = 0; mechanisms != NULL && mechanisms[i] != NULL; i++)
        g_strstrip (mechanisms[i]);
      satchel_account_set_server_mechanisms (account, (const char * const *) mechanisms);
    }

  if (!read_boolean (key_file, path, group, "allow-plaintext-auth", &flag, error))
    return NULL;
  satchel_account_set_allow_plaintext_auth (account, flag);

  if (!read_boolean (key_file, path, group, "bcc-self", &flag, error))
    return NULL;
  satchel_account_set_bcc_self (account, flag);

  return g_steal_pointer (&account);
}

/* The accounts of @key_file, sorted, and the name in General/default
 * (which may name no account). */
static GPtrArray *
parse_accounts (GKeyFile    *key_file,
                const char  *path,
                char       **default_name,
                GError     **error)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);
  g_autofree char *named = NULL;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      SatchelAccount *account;

      /* Other groups are left alone, for newer versions of Satchel. */
      if (!g_str_has_prefix (groups[i], ACCOUNT_PREFIX))
        continue;

      account = parse_account (key_file, path, groups[i], error);
      if (account == NULL)
        return NULL;
      g_ptr_array_add (accounts, account);
    }
  g_ptr_array_sort (accounts, compare_accounts);

  if (!read_string (key_file, path, GENERAL_GROUP, DEFAULT_KEY, &named, error))
    return NULL;
  if (default_name != NULL)
    *default_name = g_steal_pointer (&named);

  return g_steal_pointer (&accounts);
}

/* accounts.ini as it is on disk: empty when there is none yet. */
static GKeyFile *
read_key_file (SatchelAccountStore  *self,
               GError              **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (self->path, &data, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&key_file);

      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                   _("Could not read the accounts file “%s”: %s"),
                   self->path, local_error->message);
      return NULL;
    }

  /* Comments stay: the file is the user's too. */
  if (!g_key_file_load_from_data (key_file, data, length,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local_error))
    {
      /* GKeyFile quotes the bad line as it is, UTF-8 or not. */
      g_autofree char *shown_message = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                   _("The accounts file “%s” is damaged: %s. Satchel will not "
                     "overwrite it: fix the file or move it away, then try again."),
                   self->path, shown_message);
      return NULL;
    }

  return g_steal_pointer (&key_file);
}

/* Writing accounts.ini --------------------------------------------------- */

static void
write_string (GKeyFile   *key_file,
              const char *group,
              const char *key,
              const char *value)
{
  if (value != NULL)
    g_key_file_set_string (key_file, group, key, value);
  else
    g_key_file_remove_key (key_file, group, key, NULL);
}

static void
write_boolean (GKeyFile   *key_file,
               const char *group,
               const char *key,
               gboolean    value)
{
  if (value)
    g_key_file_set_boolean (key_file, group, key, TRUE);
  else
    g_key_file_remove_key (key_file, group, key, NULL);
}

/* Sets the keys of @account in its group. Keys this version does not know
 * stay as they are. */
static void
write_account (GKeyFile       *key_file,
               SatchelAccount *account)
{
  g_autofree char *group = g_strconcat (ACCOUNT_PREFIX, satchel_account_get_name (account), NULL);
  g_autofree char *username = NULL;

  /* The property, not the getter: no user name means "the address",
   * whatever the address becomes. */
  g_object_get (account, "username", &username, NULL);

  write_string (key_file, group, "id", satchel_account_get_id (account));
  write_string (key_file, group, "address", satchel_account_get_address (account));
  write_string (key_file, group, "display-name", satchel_account_get_display_name (account));
  write_string (key_file, group, "host", satchel_account_get_host (account));
  g_key_file_set_integer (key_file, group, "port", satchel_account_get_port (account));
  g_key_file_set_string (key_file, group, "security",
                         satchel_security_to_string (satchel_account_get_security (account)));
  write_string (key_file, group, "username", username);
  write_string (key_file, group, "auth-mechanism", satchel_account_get_auth_mechanism (account));
  write_string (key_file, group, "ca-file", satchel_account_get_ca_file (account));
  write_string (key_file, group, "trust-fingerprint",
                satchel_account_get_trust_fingerprint (account));
  write_boolean (key_file, group, "allow-plaintext-auth",
                 satchel_account_get_allow_plaintext_auth (account));
  g_key_file_set_uint64 (key_file, group, "timeout", satchel_account_get_timeout (account));
  write_string (key_file, group, "password-command",
                satchel_account_get_password_command (account));
  write_string (key_file, group, "signature", satchel_account_get_signature (account));
  write_string (key_file, group, "reply-to", satchel_account_get_reply_to (account));
  write_boolean (key_file, group, "bcc-self", satchel_account_get_bcc_self (account));
  if (satchel_account_get_size_limit (account) > 0)
    g_key_file_set_uint64 (key_file, group, "size-limit",
                           satchel_account_get_size_limit (account));
  else
    g_key_file_remove_key (key_file, group, "size-limit", NULL);
  if (satchel_account_get_server_mechanisms (account) != NULL)
    {
      const char * const *mechanisms = satchel_account_get_server_mechanisms (account);

      g_key_file_set_string_list (key_file, group, "server-mechanisms", mechanisms,
                                  g_strv_length ((char **) mechanisms));
    }
  else
    g_key_file_remove_key (key_file, group, "server-mechanisms", NULL);
}

static void
write_default (GKeyFile   *key_file,
               const char *name)
{
  if (name != NULL)
    {
      g_key_file_set_string (key_file, GENERAL_GROUP, DEFAULT_KEY, name);
    }
  else
    {
      g_key_file_remove_key (key_file, GENERAL_GROUP, DEFAULT_KEY, NULL);
      if (g_key_file_has_group (key_file, GENERAL_GROUP))
        {
          g_auto(GStrv) keys = g_key_file_get_keys (key_file, GENERAL_GROUP, NULL, NULL);

          if (keys == NULL || keys[0] == NULL)
            g_key_file_remove_group (key_file, GENERAL_GROUP, NULL);
        }
    }
}

/* Waits for the exclusive lock on accounts.ini.lock
 * (satchel_paths_lock_file()), its error in the accounts' domain. */
static int
lock_file (SatchelAccountStore  *self,
           GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd = satchel_paths_lock_file (self->lock_path, &local_error);

  if (fd < 0)
    g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                         local_error->message);
  return fd;
}

/* The model --------------------------------------------------------------- */

/* Makes the model show @accounts (sorted), telling views only about the
 * accounts that came, went or changed. */
static void
apply_accounts (SatchelAccountStore *self,
                GPtrArray           *accounts,
                const char          *named_default)
{
  guint i = 0;
  guint j = 0;

  g_free (self->default_name);
  self->default_name = g_strdup (compute_default (accounts, named_default));

  while (i < self->accounts->len || j < accounts->len)
    {
      SatchelAccount *old = i < self->accounts->len ? g_ptr_array_index (self->accounts, i) : NULL;
      SatchelAccount *new = j < accounts->len ? g_ptr_array_index (accounts, j) : NULL;
      int order;

      if (old == NULL)
        order = 1;
      else if (new == NULL)
        order = -1;
      else
        order = compare_accounts (&old, &new);

      if (order < 0)
        {
          g_ptr_array_remove_index (self->accounts, i);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
        }
      else if (order > 0)
        {
          g_ptr_array_insert (self->accounts, i, g_object_ref (new));
          g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
          i++;
          j++;
        }
      else
        {
          if (!accounts_equal (old, new))
            {
              g_ptr_array_index (self->accounts, i) = g_object_ref (new);
              g_object_unref (old);
              g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
            }
          i++;
          j++;
        }
    }
}

/* Read, change, write: under the lock, the file is read again so that a
 * change another process made meanwhile is kept, @change is applied to
 * it, and it is replaced atomically. A file that cannot be read is never
 * written. */
static gboolean
change_file (SatchelAccountStore  *self,
             ChangeFunc            change,
             gconstpointer         data,
             GError              **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *named_default = NULL;
  gsize length;
  int fd;

  dir = g_path_get_dirname (self->path);
  if (!satchel_paths_ensure_dir (dir, &local_error))
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                           local_error->message);
      return FALSE;
    }

  fd = lock_file (self, error);
  if (fd < 0)
    return FALSE;

  key_file = read_key_file (self, error);
  if (key_file != NULL)
    accounts = parse_accounts (key_file, self->path, NULL, error);
  if (accounts == NULL || !change (key_file, accounts, data, error))
    {
      close (fd);
      return FALSE;
    }

  remove_password_keys (key_file);
  contents = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (self->path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &local_error))
    {
      close (fd);
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE,
                   _("Could not save the accounts file “%s”: %s"),
                   self->path, local_error->message);
      return FALSE;
    }

  /* What was written, as the next load would see it. */
  g_clear_pointer (&accounts, g_ptr_array_unref);
  accounts = parse_accounts (key_file, self->path, &named_default, error);
  close (fd);
  if (accounts == NULL)
    return FALSE;

  /* Views hear of it only now, with the lock released. */
  apply_accounts (self, accounts, named_default);
  return TRUE;
}

static gboolean
add_change (GKeyFile      *key_file,
            GPtrArray     *accounts,
            gconstpointer  data,
            GError       **error)
{
  SatchelAccount *account = (SatchelAccount *) data;
  const char *name = satchel_account_get_name (account);

  if (find_account (accounts, name) != NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_EXISTS,
                   _("An account named “%s” exists already: choose another "
                     "name, or change that account instead."), name);
      return FALSE;
    }

  write_account (key_file, account);
  if (accounts->len == 0)
    write_default (key_file, name);

  return TRUE;
}

static gboolean
update_change (GKeyFile      *key_file,
               GPtrArray     *accounts,
               gconstpointer  data,
               GError       **error)
{
  SatchelAccount *account = (SatchelAccount *) data;
  const char *name = satchel_account_get_name (account);

  if (find_account (accounts, name) == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                   _("There is no account named “%s”: it may have been removed "
                     "meanwhile."), name);
      return FALSE;
    }

  write_account (key_file, account);
  return TRUE;
}

static gboolean
remove_change (GKeyFile      *key_file,
               GPtrArray     *accounts,
               gconstpointer  data,
               GError       **error)
{
  const char *name = data;
  g_autofree char *group = NULL;
  g_autofree char *named = NULL;

  if (find_account (accounts, name) == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                   _("There is no account named “%s”."), name);
      return FALSE;
    }

  group = g_strconcat (ACCOUNT_PREFIX, name, NULL);
  g_key_file_remove_group (key_file, group, NULL);

  /* The default goes to the first account left, if any. */
  named = g_key_file_get_string (key_file, GENERAL_GROUP, DEFAULT_KEY, NULL);
  if (g_strcmp0 (named, name) == 0)
    {
      const char *next = NULL;

      for (guint i = 0; i < accounts->len && next == NULL; i++)
        {
          const char *other = satchel_account_get_name (g_ptr_array_index (accounts, i));

          if (strcmp (other, name) != 0)
            next = other;
        }
      write_default (key_file, next);
    }

  return TRUE;
}

static gboolean
set_default_change (GKeyFile      *key_file,
                    GPtrArray     *accounts,
                    gconstpointer  data,
                    GError       **error)
{
  const char *name = data;

  if (find_account (accounts, name) == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                   _("There is no account named “%s” to make the default."), name);
      return FALSE;
    }

  write_default (key_file, name);
  return TRUE;
}

/* GListModel -------------------------------------------------------------- */

static GType
satchel_account_store_get_item_type (GListModel *model)
{
  return SATCHEL_TYPE_ACCOUNT;
}

static guint
satchel_account_store_get_n_items (GListModel *model)
{
  SatchelAccountStore *self = SATCHEL_ACCOUNT_STORE (model);

  return self->accounts->len;
}

static gpointer
satchel_account_store_get_item (GListModel *model,
                                guint       position)
{
  SatchelAccountStore *self = SATCHEL_ACCOUNT_STORE (model);

  if (position >= self->accounts->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = satchel_account_store_get_item_type;
  iface->get_n_items = satchel_account_store_get_n_items;
  iface->get_item = satchel_account_store_get_item;
}

/* GObject ----------------------------------------------------------------- */

static void
satchel_account_store_finalize (GObject *object)
{
  SatchelAccountStore *self = (SatchelAccountStore *) object;

  g_free (self->path);
  g_free (self->lock_path);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_free (self->default_name);

  G_OBJECT_CLASS (satchel_account_store_parent_class)->finalize (object);
}

static void
satchel_account_store_class_init (SatchelAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_account_store_finalize;
}

static void
satchel_account_store_init (SatchelAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
}

/* Public API -------------------------------------------------------------- */

SatchelAccountStore *
satchel_account_store_new (const char *path)
{
  SatchelAccountStore *self = g_object_new (SATCHEL_TYPE_ACCOUNT_STORE, NULL);

  self->path = path != NULL ? g_strdup (path) : satchel_paths_accounts_file ();
  self->lock_path = g_strconcat (self->path, ".lock", NULL);

  return self;
}

/* Reads the file without the lock: every writer replaces it atomically,
 * so a reader sees either the old file or the new one. On failure the
 * model keeps what it had. */
gboolean
satchel_account_store_load (SatchelAccountStore  *self,
                            GError              **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree char *named_default = NULL;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key_file = read_key_file (self, error);
  if (key_file == NULL)
    return FALSE;

  accounts = parse_accounts (key_file, self->path, &named_default, error);
  if (accounts == NULL)
    return FALSE;

  apply_accounts (self, accounts, named_default);
  return TRUE;
}

/* Returns a copy of the account as last loaded: the caller may change it
 * and hand it to satchel_account_store_update() without the model (or
 * anyone else holding the model's item) seeing the change before it is
 * saved. */
SatchelAccount *
satchel_account_store_lookup (SatchelAccountStore *self,
                              const char          *name)
{
  SatchelAccount *account;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  account = find_account (self->accounts, name);
  return account != NULL ? satchel_account_copy (account) : NULL;
}

/* A copy, as for satchel_account_store_lookup(). When several accounts
 * send as the same address, the default one wins, then the first by
 * name. */
SatchelAccount *
satchel_account_store_lookup_by_address (SatchelAccountStore *self,
                                         const char          *address)
{
  g_autofree char *folded = NULL;
  SatchelAccount *found = NULL;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  if (!g_utf8_validate (address, -1, NULL))
    return NULL;

  folded = g_utf8_casefold (address, -1);
  for (guint i = 0; i < self->accounts->len; i++)
    {
      SatchelAccount *account = g_ptr_array_index (self->accounts, i);
      const char *candidate = satchel_account_get_address (account);
      g_autofree char *candidate_folded = NULL;

      if (candidate == NULL || !g_utf8_validate (candidate, -1, NULL))
        continue;

      candidate_folded = g_utf8_casefold (candidate, -1);
      if (strcmp (folded, candidate_folded) != 0)
        continue;

      if (found == NULL ||
          g_strcmp0 (satchel_account_get_name (account), self->default_name) == 0)
        found = account;
    }

  return found != NULL ? satchel_account_copy (found) : NULL;
}

/* A copy, as for satchel_account_store_lookup(). */
SatchelAccount *
satchel_account_store_get_default (SatchelAccountStore  *self,
                                   GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->default_name == NULL)
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NO_DEFAULT,
                           _("There is no account to send with: add one with "
                             "“satchel-cli account add” or in Satchel."));
      return NULL;
    }

  return satchel_account_store_lookup (self, self->default_name);
}

gboolean
satchel_account_store_add (SatchelAccountStore  *self,
                           SatchelAccount       *account,
                           GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!satchel_account_validate (account, error))
    return FALSE;

  return change_file (self, add_change, account, error);
}

gboolean
satchel_account_store_update (SatchelAccountStore  *self,
                              SatchelAccount       *account,
                              GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!satchel_account_validate (account, error))
    return FALSE;

  return change_file (self, update_change, account, error);
}

gboolean
satchel_account_store_remove (SatchelAccountStore  *self,
                              const char           *name,
                              GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, remove_change, name, error);
}

gboolean
satchel_account_store_set_default (SatchelAccountStore  *self,
                                   const char           *name,
                                   GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, set_default_change, name, error);
}

const char *
satchel_account_store_get_default_name (SatchelAccountStore *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT_STORE (self), NULL);

  return self->default_name;
}
