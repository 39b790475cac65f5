/* test-account-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-account-store.h"
#include "satchel-error.h"
#include "satchel-paths.h"

#include <glib.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define FINGERPRINT "3f2a9c0d5e6b7a8190fedcba9876543210aabbccddeeff00112233445566778a"
#define FINGERPRINT_COLONS \
  "3F:2A:9C:0D:5E:6B:7A:81:90:FE:DC:BA:98:76:54:32:" \
  "10:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:8A"

/* Helpers ---------------------------------------------------------------- */

static SatchelAccount *
make_account (const char *name)
{
  SatchelAccount *account = satchel_account_new (name);
  g_autofree char *address = g_strdup_printf ("%s@example.com", name);

  satchel_account_set_address (account, address);
  satchel_account_set_host (account, "smtp.example.com");
  return account;
}

static void
add_account (SatchelAccountStore *store,
             const char          *name)
{
  g_autoptr(SatchelAccount) account = make_account (name);
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_account_store_add (store, account, &error));
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* Writes accounts.ini by hand, as a user would. */
static char *
write_accounts_file (const char *text)
{
  char *path = satchel_paths_accounts_file ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_paths_ensure_dir (dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_no_errno (stat (path, &st));
  return st.st_mode & 07777;
}

static void
assert_accounts_equal (SatchelAccount *a,
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
      if (pspecs[i]->value_type == G_TYPE_STRV)
        {
          const char * const *strv_a = g_value_get_boxed (&value_a);
          const char * const *strv_b = g_value_get_boxed (&value_b);

          if ((strv_a == NULL) != (strv_b == NULL) ||
              (strv_a != NULL && !g_strv_equal (strv_a, strv_b)))
            g_error ("Property “%s” differs", pspecs[i]->name);
          continue;
        }
      if (g_param_values_cmp (pspecs[i], &value_a, &value_b) != 0)
        {
          g_autofree char *text_a = g_strdup_value_contents (&value_a);
          g_autofree char *text_b = g_strdup_value_contents (&value_b);

          g_error ("Property “%s” differs: %s, %s", pspecs[i]->name, text_a, text_b);
        }
    }
}

static char *
model_names (GListModel *model)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SatchelAccount) account = g_list_model_get_item (model, i);

      if (i > 0)
        g_string_append_c (names, ' ');
      g_string_append (names, satchel_account_get_name (account));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* Paths ------------------------------------------------------------------ */

static void
test_paths (void)
{
  g_autofree char *accounts = satchel_paths_accounts_file ();
  g_autofree char *contacts = satchel_paths_contacts_file ();
  g_autofree char *outbox = satchel_paths_outbox_dir ();
  g_autofree char *logs = satchel_paths_logs_dir ();
  g_autofree char *drafts = satchel_paths_drafts_dir ();
  g_autofree char *sent = satchel_paths_sent_dir ();
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *expected = NULL;

  expected = g_build_filename (g_get_user_config_dir (), "satchel", "accounts.ini", NULL);
  g_assert_cmpstr (accounts, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_data_dir (), "satchel", "contacts.ini", NULL);
  g_assert_cmpstr (contacts, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_state_dir (), "satchel", "outbox", NULL);
  g_assert_cmpstr (outbox, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_state_dir (), "satchel", "logs", NULL);
  g_assert_cmpstr (logs, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_data_dir (), "satchel", "drafts", NULL);
  g_assert_cmpstr (drafts, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_data_dir (), "satchel", "sent", NULL);
  g_assert_cmpstr (sent, ==, expected);
  g_clear_pointer (&expected, g_free);
  expected = g_build_filename (g_get_user_state_dir (), "satchel", NULL);
  g_assert_cmpstr (state, ==, expected);

  /* Nothing is created by asking. */
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
}

static void
test_paths_ensure_dir (void)
{
  g_autofree char *outbox = satchel_paths_outbox_dir ();
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *file = NULL;
  g_autofree char *below_file = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_paths_ensure_dir (outbox, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (outbox), ==, 0700);
  g_assert_cmpuint (file_mode (state), ==, 0700);

  /* Again: nothing to do. */
  g_assert_true (satchel_paths_ensure_dir (outbox, &error));
  g_assert_no_error (error);

  /* A file in the way: the error names the folder. */
  file = g_build_filename (state, "plain-file", NULL);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  below_file = g_build_filename (file, "sub", NULL);
  g_assert_false (satchel_paths_ensure_dir (below_file, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_assert_nonnull (strstr (error->message, below_file));
}

/* The account ------------------------------------------------------------ */

static void
test_account_defaults (void)
{
  g_autoptr(SatchelAccount) account = satchel_account_new ("work");
  g_autoptr(SatchelAccount) other = satchel_account_new ("home");
  g_autofree char *username = NULL;

  g_assert_cmpstr (satchel_account_get_name (account), ==, "work");
  g_assert_true (g_uuid_string_is_valid (satchel_account_get_id (account)));
  g_assert_cmpstr (satchel_account_get_id (account), !=, satchel_account_get_id (other));
  g_assert_cmpint (satchel_account_get_security (account), ==, SATCHEL_SECURITY_TLS);
  g_assert_cmpuint (satchel_account_get_port (account), ==, 465);
  g_assert_cmpuint (satchel_account_get_timeout (account), ==, SATCHEL_ACCOUNT_DEFAULT_TIMEOUT);
  g_assert_null (satchel_account_get_auth_mechanism (account));
  g_assert_false (satchel_account_get_allow_plaintext_auth (account));
  g_assert_false (satchel_account_get_bcc_self (account));
  g_assert_cmpuint (satchel_account_get_size_limit (account), ==, 0);

  /* No user name: the address logs in, whatever it becomes. */
  g_assert_null (satchel_account_get_username (account));
  satchel_account_set_address (account, "ann@example.com");
  g_assert_cmpstr (satchel_account_get_username (account), ==, "ann@example.com");
  g_object_get (account, "username", &username, NULL);
  g_assert_null (username);
  satchel_account_set_username (account, "ann");
  g_assert_cmpstr (satchel_account_get_username (account), ==, "ann");

  g_assert_cmpuint (satchel_security_default_port (SATCHEL_SECURITY_TLS), ==, 465);
  g_assert_cmpuint (satchel_security_default_port (SATCHEL_SECURITY_STARTTLS), ==, 587);
  g_assert_cmpuint (satchel_security_default_port (SATCHEL_SECURITY_NONE), ==, 25);
}

static void
test_account_security_strings (void)
{
  SatchelSecurity security = SATCHEL_SECURITY_NONE;
  GEnumClass *enum_class;

  g_assert_true (satchel_security_from_string ("tls", &security));
  g_assert_cmpint (security, ==, SATCHEL_SECURITY_TLS);
  g_assert_true (satchel_security_from_string ("starttls", &security));
  g_assert_cmpint (security, ==, SATCHEL_SECURITY_STARTTLS);
  g_assert_true (satchel_security_from_string ("none", &security));
  g_assert_cmpint (security, ==, SATCHEL_SECURITY_NONE);
  g_assert_false (satchel_security_from_string ("ssl", &security));
  g_assert_false (satchel_security_from_string ("", &security));
  g_assert_false (satchel_security_from_string (NULL, &security));

  g_assert_cmpstr (satchel_security_to_string (SATCHEL_SECURITY_TLS), ==, "tls");
  g_assert_cmpstr (satchel_security_to_string (SATCHEL_SECURITY_STARTTLS), ==, "starttls");
  g_assert_cmpstr (satchel_security_to_string (SATCHEL_SECURITY_NONE), ==, "none");

  enum_class = g_type_class_ref (SATCHEL_TYPE_SECURITY);
  g_assert_true (G_IS_ENUM_CLASS (enum_class));
  g_assert_cmpstr (g_enum_get_value (enum_class, SATCHEL_SECURITY_STARTTLS)->value_nick,
                   ==, "starttls");
  g_type_class_unref (enum_class);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
notified (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_account_properties (void)
{
  static const char * const names[] = {
    "name", "id", "address", "display-name", "host", "port", "security",
    "username", "auth-mechanism", "ca-file", "trust-fingerprint",
    "allow-plaintext-auth", "timeout", "password-command", "signature",
    "reply-to", "bcc-self", "size-limit", "server-mechanisms",
  };
  g_autoptr(SatchelAccount) account = satchel_account_new ("work");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GObjectClass *klass = G_OBJECT_GET_CLASS (account);
  g_autofree GParamSpec **pspecs = NULL;
  g_autofree char *host = NULL;
  g_autofree char *mechanism = NULL;
  guint n_pspecs;
  guint port;
  SatchelSecurity security;

  /* Exactly the documented properties, and never a password. */
  pspecs = g_object_class_list_properties (klass, &n_pspecs);
  g_assert_cmpuint (n_pspecs, ==, G_N_ELEMENTS (names));
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, names[i]);

      g_assert_nonnull (pspec);
      if (strcmp (names[i], "name") != 0)
        g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
    }
  g_assert_null (g_object_class_find_property (klass, "password"));

  g_signal_connect (account, "notify", G_CALLBACK (count_notify), counts);

  satchel_account_set_host (account, "smtp.example.com");
  g_assert_cmpuint (notified (counts, "host"), ==, 1);
  satchel_account_set_host (account, "smtp.example.com");
  g_assert_cmpuint (notified (counts, "host"), ==, 1);
  /* Setting what the getter returned is safe. */
  satchel_account_set_host (account, satchel_account_get_host (account));
  g_assert_cmpuint (notified (counts, "host"), ==, 1);
  g_object_set (account, "host", "mail.example.com", NULL);
  g_assert_cmpuint (notified (counts, "host"), ==, 2);
  g_object_get (account, "host", &host, NULL);
  g_assert_cmpstr (host, ==, "mail.example.com");

  /* The security never moves the port behind the caller's back. */
  satchel_account_set_security (account, SATCHEL_SECURITY_STARTTLS);
  g_assert_cmpuint (notified (counts, "security"), ==, 1);
  g_assert_cmpuint (satchel_account_get_port (account), ==, 465);
  g_assert_cmpuint (notified (counts, "port"), ==, 0);
  satchel_account_set_security (account, SATCHEL_SECURITY_STARTTLS);
  g_assert_cmpuint (notified (counts, "security"), ==, 1);
  g_object_get (account, "security", &security, NULL);
  g_assert_cmpint (security, ==, SATCHEL_SECURITY_STARTTLS);

  g_object_set (account, "port", 587, NULL);
  g_assert_cmpuint (notified (counts, "port"), ==, 1);
  g_object_get (account, "port", &port, NULL);
  g_assert_cmpuint (port, ==, 587);
  satchel_account_set_port (account, 587);
  g_assert_cmpuint (notified (counts, "port"), ==, 1);

  /* Mechanisms are kept upper-case; "auto" is automatic (NULL). */
  satchel_account_set_auth_mechanism (account, "scram-sha-256");
  g_assert_cmpstr (satchel_account_get_auth_mechanism (account), ==, "SCRAM-SHA-256");
  satchel_account_set_auth_mechanism (account, "SCRAM-SHA-256");
  g_assert_cmpuint (notified (counts, "auth-mechanism"), ==, 1);
  g_object_set (account, "auth-mechanism", "Auto", NULL);
  g_object_get (account, "auth-mechanism", &mechanism, NULL);
  g_assert_null (mechanism);
  g_assert_cmpuint (notified (counts, "auth-mechanism"), ==, 2);

  /* Fingerprints are normalised once: the same one in another spelling
   * is no change. */
  satchel_account_set_trust_fingerprint (account, FINGERPRINT_COLONS);
  g_assert_cmpstr (satchel_account_get_trust_fingerprint (account), ==, FINGERPRINT);
  satchel_account_set_trust_fingerprint (account, FINGERPRINT);
  g_assert_cmpuint (notified (counts, "trust-fingerprint"), ==, 1);
  satchel_account_set_trust_fingerprint (account, NULL);
  g_assert_null (satchel_account_get_trust_fingerprint (account));
  g_assert_cmpuint (notified (counts, "trust-fingerprint"), ==, 2);

  /* An empty string unsets. */
  satchel_account_set_signature (account, "-- \nAnn");
  satchel_account_set_signature (account, "");
  g_assert_null (satchel_account_get_signature (account));
  g_assert_cmpuint (notified (counts, "signature"), ==, 2);

  satchel_account_set_bcc_self (account, TRUE);
  satchel_account_set_bcc_self (account, TRUE);
  g_assert_cmpuint (notified (counts, "bcc-self"), ==, 1);
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  g_assert_cmpuint (notified (counts, "allow-plaintext-auth"), ==, 1);
  satchel_account_set_timeout (account, 60);
  satchel_account_set_timeout (account, 60);
  g_assert_cmpuint (notified (counts, "timeout"), ==, 1);
  satchel_account_set_size_limit (account, G_GUINT64_CONSTANT (10485760));
  satchel_account_set_size_limit (account, G_GUINT64_CONSTANT (10485760));
  g_assert_cmpuint (notified (counts, "size-limit"), ==, 1);
  satchel_account_set_id (account, "fixed");
  satchel_account_set_id (account, "fixed");
  g_assert_cmpuint (notified (counts, "id"), ==, 1);
}

static void
test_account_copy (void)
{
  g_autoptr(SatchelAccount) account = make_account ("work");
  g_autoptr(SatchelAccount) copy = NULL;

  satchel_account_set_username (account, "ann");
  satchel_account_set_trust_fingerprint (account, FINGERPRINT);
  satchel_account_set_size_limit (account, 1000);
  satchel_account_set_bcc_self (account, TRUE);
  satchel_account_set_server_mechanisms (account, (const char *[]) { "PLAIN", "LOGIN", NULL });

  copy = satchel_account_copy (account);
  g_assert_true (copy != account);
  assert_accounts_equal (account, copy);
  g_assert_true (satchel_account_get_server_mechanisms (copy) !=
                 satchel_account_get_server_mechanisms (account));

  satchel_account_set_host (copy, "other.example.com");
  g_assert_cmpstr (satchel_account_get_host (account), ==, "smtp.example.com");
}

static void
test_fingerprint_valid (void)
{
  static const char * const inputs[] = {
    FINGERPRINT,
    FINGERPRINT_COLONS,
    "  " FINGERPRINT "\n",
    "3F2A9C0D5E6B7A8190FEDCBA9876543210AABBCCDDEEFF00112233445566778A",
    "3f:2a:9c:0d:5e:6b:7a:81:90:fe:dc:ba:98:76:54:32:"
    "10:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:8a",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      normalized = satchel_account_normalize_fingerprint (inputs[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (normalized, ==, FINGERPRINT);
    }
}

static void
test_fingerprint_invalid (void)
{
  static const struct
  {
    const char *input;
    const char *message_part;
  } cases[] = {
    { "", "empty" },
    { "   ", "empty" },
    { "abc", "has 3 hexadecimal digits" },
    /* A SHA-1 fingerprint is not a SHA-256 one. */
    { "3f2a9c0d5e6b7a8190fedcba9876543210aabbcc", "has 40 hexadecimal digits" },
    { FINGERPRINT "00", "has 66 hexadecimal digits" },
    { "3g2a9c0d5e6b7a8190fedcba9876543210aabbccddeeff00112233445566778a",
      "“g” is not a hexadecimal digit" },
    { "3f 2a 9c 0d 5e 6b 7a 81 90 fe dc ba 98 76 54 32 "
      "10 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 8a",
      "“ ” is not a hexadecimal digit" },
    { "3f2:a9c0d5e6b7a8190fedcba9876543210aabbccddeeff00112233445566778a", "in pairs" },
    { FINGERPRINT_COLONS ":", "in pairs" },
    { ":" FINGERPRINT_COLONS, "in pairs" },
    { "SHA256:" FINGERPRINT, "“S” is not a hexadecimal digit" },
    { "3f2a9c0d5e6b7a8190fedcba9876543210aabbccddeeff00112233445566778é",
      "“é” is not a hexadecimal digit" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = NULL;

      normalized = satchel_account_normalize_fingerprint (cases[i].input, &error);
      g_assert_null (normalized);
      g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", cases[i].input,
                 error->message, cases[i].message_part);
      g_assert_nonnull (strstr (error->message, "fingerprint"));
    }
}

/* Sets @property of @account from @text: a string, or a number for the
 * numeric properties. */
static void
set_property_from_text (SatchelAccount *account,
                        const char     *property,
                        const char     *text)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (account), property);

  g_assert_nonnull (pspec);
  if (pspec->value_type == G_TYPE_UINT)
    g_object_set (account, property, (guint) g_ascii_strtoull (text, NULL, 10), NULL);
  else
    g_object_set (account, property, text, NULL);
}

static void
test_account_validate (void)
{
  static const struct
  {
    const char *name;
    const char *property;
    const char *value;
    const char *message_part;
  } cases[] = {
    { "", NULL, NULL, "has no name" },
    { "a[b", NULL, NULL, "cannot contain “[” or “]”" },
    { "a]b", NULL, NULL, "cannot contain “[” or “]”" },
    { "a\nb", NULL, NULL, "control characters" },
    { "a\tb", NULL, NULL, "control characters" },
    { " work", NULL, NULL, "begin or end with a space" },
    { "0123456789012345678901234567890123456789012345678901234567890123x", NULL, NULL,
      "too long: use at most 64 characters" },
    { "work", "address", NULL, "The account “work” has no address" },
    { "work", "address", "ann.example.com",
      "The address “ann.example.com” is not valid: it has no “@”" },
    { "work", "address", "ann@b@example.com", "more than one “@”" },
    { "work", "address", "@example.com", "the part before “@” is empty" },
    { "work", "address", "ann@", "the domain after “@” is empty" },
    { "work", "address", "ann smith@example.com", "spaces or control characters" },
    { "work", "address", "ann@example.com\nBcc: x@y.z", "spaces or control characters" },
    { "work", "host", NULL, "The account “work” has no server" },
    { "work", "host", "smtp example.com", "The server name “smtp example.com” is not valid" },
    { "work", "port", "0", "The account “work” has no port" },
    { "work", "auth-mechanism", "gssapi",
      "The authentication mechanism “GSSAPI” is not supported" },
    { "work", "trust-fingerprint", "12:34",
      "The certificate fingerprint “12:34” has 4 hexadecimal digits" },
    { "work", "timeout", "0", "from 1 to 3600 seconds" },
    { "work", "timeout", "3601", "from 1 to 3600 seconds" },
    { "work", "id", NULL, "has no valid id" },
    { "work", "display-name", "Ann\r\nBcc: x@y.z", "display name of the account “work”" },
    { "work", "reply-to", "a@b.c\nX: y", "Reply-To address of the account “work”" },
  };

  {
    g_autoptr(SatchelAccount) account = make_account ("work");
    g_autoptr(SatchelAccount) unicode = make_account ("Büro – 工作");
    g_autoptr(SatchelAccount) longest = make_account ("0123456789012345678901234567890123456789"
                                                      "012345678901234567890123");
    g_autoptr(GError) error = NULL;

    satchel_account_set_auth_mechanism (account, "cram-md5");
    satchel_account_set_trust_fingerprint (account, FINGERPRINT_COLONS);
    satchel_account_set_address (unicode, "anna@bücher.example");
    g_assert_true (satchel_account_validate (account, &error));
    g_assert_no_error (error);
    g_assert_true (satchel_account_validate (unicode, &error));
    g_assert_no_error (error);
    g_assert_true (satchel_account_validate (longest, &error));
    g_assert_no_error (error);

    for (const char * const *m = (const char * const[]) { "PLAIN", "LOGIN", "CRAM-MD5",
                                                          "SCRAM-SHA-1", "SCRAM-SHA-256",
                                                          NULL };
         *m != NULL; m++)
      {
        satchel_account_set_auth_mechanism (account, *m);
        g_assert_true (satchel_account_validate (account, &error));
        g_assert_no_error (error);
      }
  }

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SatchelAccount) account = make_account (cases[i].name);
      g_autoptr(GError) error = NULL;

      if (cases[i].property != NULL)
        set_property_from_text (account, cases[i].property, cases[i].value);
      g_assert_false (satchel_account_validate (account, &error));
      g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID);
      if (strstr (error->message, cases[i].message_part) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": “%s” does not say “%s”", i,
                 error->message, cases[i].message_part);
    }
}

/* The store -------------------------------------------------------------- */

static void
test_store_missing_file (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == SATCHEL_TYPE_ACCOUNT);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), 0));
  g_assert_null (satchel_account_store_get_default_name (store));
  g_assert_null (satchel_account_store_lookup (store, "work"));

  account = satchel_account_store_get_default (store, &error);
  g_assert_null (account);
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NO_DEFAULT);
  g_assert_nonnull (strstr (error->message, "satchel-cli account add"));

  /* Loading creates nothing. */
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
test_store_round_trip (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccountStore) other = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = satchel_account_new ("Büro");
  g_autoptr(SatchelAccount) plain = make_account ("plain");
  g_autoptr(SatchelAccount) loaded = NULL;
  g_autoptr(SatchelAccount) loaded_plain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *text = NULL;

  satchel_account_set_address (account, "anna@bücher.example");
  satchel_account_set_display_name (account, "Anna Müller, \"Büro\"");
  satchel_account_set_host (account, "mail.bücher.example");
  satchel_account_set_security (account, SATCHEL_SECURITY_STARTTLS);
  satchel_account_set_port (account, 2525);
  satchel_account_set_username (account, "anna");
  satchel_account_set_auth_mechanism (account, "scram-sha-1");
  satchel_account_set_ca_file (account, "/etc/ssl/my ca.pem");
  satchel_account_set_trust_fingerprint (account, FINGERPRINT_COLONS);
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  satchel_account_set_timeout (account, 120);
  satchel_account_set_password_command (account, "pass show mail/büro # = ; [x]");
  satchel_account_set_signature (account, "-- \n  Anna\n\tBüro = [Satchel]\\n\n");
  satchel_account_set_reply_to (account, "Team <team@bücher.example>");
  satchel_account_set_bcc_self (account, TRUE);
  satchel_account_set_size_limit (account, G_GUINT64_CONSTANT (52428800000));
  satchel_account_set_server_mechanisms (account,
                                         (const char *[]) { "PLAIN", "SCRAM-SHA-256", NULL });

  g_assert_true (satchel_account_store_add (store, account, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_account_store_add (store, plain, &error));
  g_assert_no_error (error);

  text = read_text (path);
  g_assert_nonnull (strstr (text, "[Account Büro]\n"));
  g_assert_nonnull (strstr (text, "\nsecurity=starttls\n"));
  g_assert_nonnull (strstr (text, "\nport=2525\n"));
  g_assert_nonnull (strstr (text, "\nauth-mechanism=SCRAM-SHA-1\n"));
  g_assert_nonnull (strstr (text, "\ntrust-fingerprint=" FINGERPRINT "\n"));
  g_assert_nonnull (strstr (text, "\nsize-limit=52428800000\n"));
  g_assert_nonnull (strstr (text, "\nserver-mechanisms=PLAIN;SCRAM-SHA-256;\n"));
  g_assert_nonnull (strstr (text, "[General]\ndefault=Büro\n"));
  /* Unset keys are left out. */
  g_assert_null (strstr (text, "username=plain"));
  {
    g_autoptr(GKeyFile) key_file = g_key_file_new ();
    g_auto(GStrv) keys = NULL;

    g_assert_true (g_key_file_load_from_data (key_file, text, -1, 0, NULL));
    keys = g_key_file_get_keys (key_file, "Account plain", NULL, NULL);
    g_assert_nonnull (keys);
    g_assert_true (g_strv_equal ((const char * const *) keys,
                                 (const char * const[]) { "id", "address", "host", "port",
                                                          "security", "timeout", NULL }));
  }

  g_assert_true (satchel_account_store_load (other, &error));
  g_assert_no_error (error);
  loaded = satchel_account_store_lookup (other, "Büro");
  g_assert_nonnull (loaded);
  assert_accounts_equal (account, loaded);
  g_assert_cmpstr (satchel_account_get_signature (loaded), ==,
                   "-- \n  Anna\n\tBüro = [Satchel]\\n\n");
  loaded_plain = satchel_account_store_lookup (other, "plain");
  g_assert_nonnull (loaded_plain);
  assert_accounts_equal (plain, loaded_plain);
  g_assert_null (satchel_account_get_display_name (loaded_plain));
  g_assert_cmpstr (satchel_account_get_username (loaded_plain), ==, "plain@example.com");
}

static void
test_store_modes (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);

  /* Even with a permissive umask. */
  mode_t old_umask = umask (0);

  add_account (store, "work");
  umask (old_umask);

  g_assert_cmpuint (file_mode (path), ==, 0600);
  g_assert_cmpuint (file_mode (lock_path), ==, 0600);
  g_assert_cmpuint (file_mode (dir), ==, 0700);

  /* A file made readable by others by hand is private again after a change. */
  g_assert_no_errno (g_chmod (path, 0644));
  add_account (store, "home");
  g_assert_cmpuint (file_mode (path), ==, 0600);
}

static void
test_store_explicit_path (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "a", "b", "mine.ini", NULL);
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (path);
  g_autoptr(SatchelAccountStore) other = satchel_account_store_new (path);
  g_autofree char *default_path = satchel_paths_accounts_file ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  add_account (store, "work");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_false (g_file_test (default_path, G_FILE_TEST_EXISTS));
  g_assert_true (satchel_account_store_load (other, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (other)), ==, 1);
}

static void
assert_default (SatchelAccountStore *store,
                const char          *name)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (satchel_account_store_get_default_name (store), ==, name);
  account = satchel_account_store_get_default (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  g_assert_cmpstr (satchel_account_get_name (account), ==, name);
}

static void
test_store_default_rules (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccountStore) reader = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *text = NULL;

  /* The first account added becomes the default, and stays it. */
  add_account (store, "mid");
  assert_default (store, "mid");
  add_account (store, "alpha");
  add_account (store, "zulu");
  assert_default (store, "mid");

  g_assert_true (satchel_account_store_set_default (store, "zulu", &error));
  g_assert_no_error (error);
  assert_default (store, "zulu");
  g_assert_true (satchel_account_store_load (reader, &error));
  g_assert_no_error (error);
  assert_default (reader, "zulu");

  /* Removing another account leaves the default alone. */
  g_assert_true (satchel_account_store_remove (store, "mid", &error));
  g_assert_no_error (error);
  assert_default (store, "zulu");

  /* Removing the default makes the first one left the default. */
  add_account (store, "beta");
  g_assert_true (satchel_account_store_remove (store, "zulu", &error));
  g_assert_no_error (error);
  assert_default (store, "alpha");
  text = read_text (path);
  g_assert_nonnull (strstr (text, "default=alpha\n"));
  g_clear_pointer (&text, g_free);

  g_assert_true (satchel_account_store_remove (store, "alpha", &error));
  g_assert_no_error (error);
  assert_default (store, "beta");
  g_assert_true (satchel_account_store_remove (store, "beta", &error));
  g_assert_no_error (error);
  g_assert_null (satchel_account_store_get_default_name (store));
  none = satchel_account_store_get_default (store, &error);
  g_assert_null (none);
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NO_DEFAULT);
  text = read_text (path);
  g_assert_null (strstr (text, "default="));
}

static void
test_store_default_from_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* The only one. */
  path = write_accounts_file ("[Account solo]\naddress=s@example.com\nhost=h\n");
  {
    g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);

    g_assert_true (satchel_account_store_load (store, &error));
    g_assert_no_error (error);
    assert_default (store, "solo");
  }
  g_free (path);

  /* No default named: the first by name. */
  path = write_accounts_file ("[Account zed]\naddress=z@example.com\nhost=h\n"
                              "[Account bee]\naddress=b@example.com\nhost=h\n");
  {
    g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
    g_autofree char *names = NULL;

    g_assert_true (satchel_account_store_load (store, &error));
    g_assert_no_error (error);
    names = model_names (G_LIST_MODEL (store));
    g_assert_cmpstr (names, ==, "bee zed");
    assert_default (store, "bee");
  }
  g_free (path);

  /* A default naming no account: the first by name. */
  path = write_accounts_file ("[General]\ndefault=gone\n"
                              "[Account zed]\naddress=z@example.com\nhost=h\n"
                              "[Account bee]\naddress=b@example.com\nhost=h\n");
  {
    g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);

    g_assert_true (satchel_account_store_load (store, &error));
    g_assert_no_error (error);
    assert_default (store, "bee");
  }
  g_free (path);

  /* The named one. */
  path = write_accounts_file ("[General]\ndefault=zed\n"
                              "[Account zed]\naddress=z@example.com\nhost=h\n"
                              "[Account bee]\naddress=b@example.com\nhost=h\n");
  {
    g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);

    g_assert_true (satchel_account_store_load (store, &error));
    g_assert_no_error (error);
    assert_default (store, "zed");
  }
}

static void
test_store_exists_and_not_found (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) again = make_account ("work");
  g_autoptr(SatchelAccount) missing = make_account ("missing");
  g_autoptr(SatchelAccount) invalid = make_account ("bad");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* An invalid account is refused before anything is written. */
  satchel_account_set_port (invalid, 0);
  g_assert_false (satchel_account_store_add (store, invalid, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  add_account (store, "work");
  before = read_text (path);

  g_assert_false (satchel_account_store_add (store, again, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "“work”"));
  g_clear_error (&error);

  g_assert_false (satchel_account_store_update (store, missing, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“missing”"));
  g_clear_error (&error);

  g_assert_false (satchel_account_store_remove (store, "missing", &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“missing”"));
  g_clear_error (&error);

  g_assert_false (satchel_account_store_set_default (store, "missing", &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“missing”"));
  g_clear_error (&error);

  after = read_text (path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
}

static void
test_store_update (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccountStore) reader = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAccount) item = NULL;
  g_autoptr(SatchelAccount) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  add_account (store, "work");
  account = satchel_account_store_lookup (store, "work");
  id = g_strdup (satchel_account_get_id (account));

  /* lookup gives a copy: the model changes only when saved. */
  item = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_true (item != account);
  satchel_account_set_host (account, "new.example.com");
  satchel_account_set_signature (account, "Sig");
  g_assert_cmpstr (satchel_account_get_host (item), ==, "smtp.example.com");

  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  g_clear_object (&item);
  item = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_cmpstr (satchel_account_get_host (item), ==, "new.example.com");

  g_assert_true (satchel_account_store_load (reader, &error));
  g_assert_no_error (error);
  loaded = satchel_account_store_lookup (reader, "work");
  g_assert_cmpstr (satchel_account_get_id (loaded), ==, id);
  g_assert_cmpstr (satchel_account_get_host (loaded), ==, "new.example.com");
  g_assert_cmpstr (satchel_account_get_signature (loaded), ==, "Sig");
  g_clear_object (&loaded);

  /* Unsetting a field removes its key. */
  satchel_account_set_signature (account, NULL);
  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_account_store_load (reader, &error));
  g_assert_no_error (error);
  loaded = satchel_account_store_lookup (reader, "work");
  g_assert_null (satchel_account_get_signature (loaded));
}

static void
test_store_lookup_by_address (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) shared = make_account ("b-shared");
  g_autoptr(SatchelAccount) found = NULL;
  g_autoptr(GError) error = NULL;

  add_account (store, "work");
  add_account (store, "a-first");
  satchel_account_set_address (shared, "a-first@example.com");
  g_assert_true (satchel_account_store_add (store, shared, &error));
  g_assert_no_error (error);

  found = satchel_account_store_lookup_by_address (store, "WORK@Example.COM");
  g_assert_nonnull (found);
  g_assert_cmpstr (satchel_account_get_name (found), ==, "work");
  g_clear_object (&found);

  g_assert_null (satchel_account_store_lookup_by_address (store, "nobody@example.com"));

  /* Two accounts with one address: the first by name, unless the other
   * is the default. */
  found = satchel_account_store_lookup_by_address (store, "a-first@example.com");
  g_assert_cmpstr (satchel_account_get_name (found), ==, "a-first");
  g_clear_object (&found);
  g_assert_true (satchel_account_store_set_default (store, "b-shared", &error));
  g_assert_no_error (error);
  found = satchel_account_store_lookup_by_address (store, "a-first@example.com");
  g_assert_cmpstr (satchel_account_get_name (found), ==, "b-shared");
}

static void
assert_refuses_changes (SatchelAccountStore *store,
                        const char          *path,
                        const char          *original)
{
  g_autoptr(SatchelAccount) account = make_account ("new");
  g_autoptr(SatchelAccount) existing = make_account ("work");
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_false (satchel_account_store_add (store, account, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (satchel_account_store_update (store, existing, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
  g_clear_error (&error);

  g_assert_false (satchel_account_store_remove (store, "work", &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
  g_clear_error (&error);

  g_assert_false (satchel_account_store_set_default (store, "work", &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
  g_clear_error (&error);

  /* Byte for byte what the user wrote. */
  after = read_text (path);
  g_assert_cmpstr (after, ==, original);
}

static void
test_store_corrupt_file (void)
{
  static const char corrupt[] =
    "# my accounts\n"
    "[Account work]\n"
    "address=work@example.com\n"
    "host=smtp.example.com\n"
    "this line is not a key\n";
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_accounts_file (corrupt);

  g_assert_false (satchel_account_store_load (store, &error));
  g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "this line is not a key"));
  g_assert_nonnull (strstr (error->message, "will not overwrite"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  assert_refuses_changes (store, path, corrupt);
}

static void
test_store_bad_values (void)
{
  static const struct
  {
    const char *line;
    const char *message_part;
  } cases[] = {
    { "port=abc", "“port” must be a port number from 1 to 65535, not “abc”" },
    { "port=0", "“port” must be a port number" },
    { "port=65536", "“port” must be a port number" },
    { "port=-1", "“port” must be a port number" },
    { "security=ssl", "“security” must be tls, starttls or none, not “ssl”" },
    { "timeout=soon", "“timeout” must be a number of seconds" },
    { "size-limit=big", "“size-limit” must be a number of bytes" },
    { "bcc-self=maybe", "“bcc-self” must be true or false, not “maybe”" },
    { "allow-plaintext-auth=yes", "“allow-plaintext-auth” must be true or false" },
    { "host=\xff\xfe", "“host”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *path = NULL;

      text = g_strdup_printf ("[Account good]\naddress=g@example.com\nhost=h\n"
                              "[Account work]\naddress=work@example.com\n%s\n",
                              cases[i].line);
      path = write_accounts_file (text);

      g_assert_false (satchel_account_store_load (store, &error));
      g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
      if (strstr (error->message, cases[i].message_part) == NULL ||
          strstr (error->message, "[Account work]") == NULL ||
          strstr (error->message, path) == NULL)
        g_error ("“%s”: “%s” does not say “%s”", cases[i].line,
                 error->message, cases[i].message_part);

      assert_refuses_changes (store, path, text);
    }
}

static void
test_store_hand_written (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccountStore) again = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAccount) account_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  /* No id, only a security, spaces around values, comments, a group and
   * a key from some other version. */
  path = write_accounts_file ("# Written by hand\n"
                              "[Account home]\n"
                              "address = home@example.com\n"
                              "host=smtp.example.com\n"
                              "security = starttls \n"
                              "colour=blue\n"
                              "[Future]\n"
                              "x=1\n");

  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  account = satchel_account_store_lookup (store, "home");
  g_assert_nonnull (account);
  g_assert_cmpint (satchel_account_get_security (account), ==, SATCHEL_SECURITY_STARTTLS);
  g_assert_cmpuint (satchel_account_get_port (account), ==, 587);
  g_assert_cmpuint (satchel_account_get_timeout (account), ==, SATCHEL_ACCOUNT_DEFAULT_TIMEOUT);
  /* A stable id, so the keyring entry is found again. */
  g_assert_true (g_uuid_string_is_valid (satchel_account_get_id (account)));
  g_assert_true (satchel_account_store_load (again, &error));
  g_assert_no_error (error);
  account_again = satchel_account_store_lookup (again, "home");
  g_assert_cmpstr (satchel_account_get_id (account), ==, satchel_account_get_id (account_again));

  /* A change keeps what Satchel does not know about. */
  satchel_account_set_display_name (account, "Home");
  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "# Written by hand\n"));
  g_assert_nonnull (strstr (text, "colour=blue\n"));
  g_assert_nonnull (strstr (text, "[Future]\nx=1\n"));
  g_assert_nonnull (strstr (text, "display-name=Home\n"));
  g_assert_nonnull (strstr (text, satchel_account_get_id (account)));
}

static void
test_store_password_key (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  path = write_accounts_file ("[Account work]\n"
                              "address=work@example.com\n"
                              "host=smtp.example.com\n"
                              "password=hunter2\n"
                              "Password[de]=hunter3\n"
                              "password-command=pass show work\n");

  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  account = satchel_account_store_lookup (store, "work");
  g_assert_nonnull (account);
  g_assert_cmpstr (satchel_account_get_password_command (account), ==, "pass show work");
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (account), "password"));

  /* The next write drops it: the file is never a password store. */
  add_account (store, "home");
  text = read_text (path);
  g_assert_null (strstr (text, "hunter"));
  g_assert_null (strstr (text, "password="));
  g_assert_null (strstr (text, "Password"));
  g_assert_nonnull (strstr (text, "password-command=pass show work\n"));

  g_clear_pointer (&text, g_free);
  satchel_account_set_host (account, "smtp2.example.com");
  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_null (strstr (text, "hunter"));
}

typedef struct
{
  guint    position;
  guint    removed;
  guint    added;
} Change;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static void
assert_changes (GArray *changes,
                ...)
{
  va_list args;
  guint i;

  va_start (args, changes);
  for (i = 0; ; i++)
    {
      int position = va_arg (args, int);
      Change *change;

      if (position < 0)
        break;
      g_assert_cmpuint (i, <, changes->len);
      change = &g_array_index (changes, Change, i);
      g_assert_cmpuint (change->position, ==, (guint) position);
      g_assert_cmpuint (change->removed, ==, va_arg (args, guint));
      g_assert_cmpuint (change->added, ==, va_arg (args, guint));
    }
  va_end (args);
  g_assert_cmpuint (changes->len, ==, i);
  g_array_set_size (changes, 0);
}

/* What the server offered, remembered for the compose window and the
 * setup window: a string list in accounts.ini, empty meaning unknown. */
static void
test_server_mechanisms (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = make_account ("work");
  g_autoptr(SatchelAccount) loaded = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) from_property = NULL;
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autofree char *text = NULL;
  const char * const mechanisms[] = { "PLAIN", "CRAM-MD5", NULL };

  g_signal_connect (account, "notify", G_CALLBACK (count_notify), counts);
  g_assert_null (satchel_account_get_server_mechanisms (account));
  satchel_account_set_server_mechanisms (account, mechanisms);
  g_assert_cmpuint (notified (counts, "server-mechanisms"), ==, 1);
  satchel_account_set_server_mechanisms (account, mechanisms);
  satchel_account_set_server_mechanisms (account, satchel_account_get_server_mechanisms (account));
  g_assert_cmpuint (notified (counts, "server-mechanisms"), ==, 1);
  g_assert_true (g_strv_equal (satchel_account_get_server_mechanisms (account), mechanisms));
  g_object_get (account, "server-mechanisms", &from_property, NULL);
  g_assert_true (g_strv_equal ((const char * const *) from_property, mechanisms));

  g_assert_true (satchel_account_store_add (store, account, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "\nserver-mechanisms=PLAIN;CRAM-MD5;\n"));

  /* A load of the same file is no change, although the lists are new. */
  g_signal_connect (store, "items-changed", G_CALLBACK (record_change), changes);
  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  assert_changes (changes, -1);

  loaded = satchel_account_store_lookup (store, "work");
  g_assert_true (g_strv_equal (satchel_account_get_server_mechanisms (loaded), mechanisms));

  /* An empty list is unknown, and leaves the file. */
  satchel_account_set_server_mechanisms (loaded, (const char *[]) { NULL });
  g_assert_null (satchel_account_get_server_mechanisms (loaded));
  g_assert_true (satchel_account_store_update (store, loaded, &error));
  g_assert_no_error (error);
  assert_changes (changes, 0, 1, 1, -1);
  g_clear_pointer (&text, g_free);
  text = read_text (path);
  g_assert_null (strstr (text, "server-mechanisms"));
}

static void
test_store_items_changed (void)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccountStore) other = satchel_account_store_new (NULL);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  g_signal_connect (store, "items-changed", G_CALLBACK (record_change), changes);

  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  assert_changes (changes, -1);

  add_account (store, "m");
  assert_changes (changes, 0, 0, 1, -1);
  add_account (store, "c");
  assert_changes (changes, 0, 0, 1, -1);
  add_account (store, "x");
  assert_changes (changes, 2, 0, 1, -1);
  names = model_names (G_LIST_MODEL (store));
  g_assert_cmpstr (names, ==, "c m x");

  account = satchel_account_store_lookup (store, "m");
  satchel_account_set_port (account, 2525);
  g_assert_true (satchel_account_store_update (store, account, &error));
  g_assert_no_error (error);
  assert_changes (changes, 1, 1, 1, -1);

  /* Setting the default changes no account. */
  g_assert_true (satchel_account_store_set_default (store, "x", &error));
  g_assert_no_error (error);
  assert_changes (changes, -1);

  g_assert_true (satchel_account_store_remove (store, "c", &error));
  g_assert_no_error (error);
  assert_changes (changes, 0, 1, 0, -1);

  /* Loading an unchanged file changes nothing. */
  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  assert_changes (changes, -1);

  /* Another process's changes arrive with the next load or change. */
  g_assert_true (satchel_account_store_load (other, &error));
  g_assert_no_error (error);
  add_account (other, "a");
  add_account (other, "z");
  g_assert_true (satchel_account_store_remove (other, "x", &error));
  g_assert_no_error (error);
  assert_changes (changes, -1);
  add_account (store, "n");
  assert_changes (changes, 0, 0, 1, 2, 0, 1, 3, 1, 0, 3, 0, 1, -1);
  g_clear_pointer (&names, g_free);
  names = model_names (G_LIST_MODEL (store));
  g_assert_cmpstr (names, ==, "a m n z");
}

/* Adds @count accounts named PREFIX-N through a store of its own, in a
 * forked child: the exit status says whether all went in. */
static void
add_in_child (const char *path,
              const char *prefix,
              guint       count,
              int         start_fd)
{
  char byte;

  /* Wait until both children exist, so that they really overlap. */
  while (read (start_fd, &byte, 1) < 0 && errno == EINTR)
    ;

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(SatchelAccountStore) store = satchel_account_store_new (path);
      g_autofree char *name = g_strdup_printf ("%s-%02u", prefix, i);
      g_autoptr(SatchelAccount) account = make_account (name);

      if (!satchel_account_store_add (store, account, NULL))
        _exit (1);
    }
  _exit (0);
}

static void
test_store_concurrent_writers (void)
{
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autoptr(SatchelAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *prefixes[] = { "left", "right" };
  pid_t children[2];
  int start[2];

  g_assert_no_errno (pipe (start));
  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      children[i] = fork ();
      g_assert_cmpint (children[i], >=, 0);
      if (children[i] == 0)
        {
          close (start[1]);
          add_in_child (path, prefixes[i], 20, start[0]);
        }
    }
  close (start[0]);
  close (start[1]);

  for (guint i = 0; i < G_N_ELEMENTS (children); i++)
    {
      int status;

      g_assert_cmpint (waitpid (children[i], &status, 0), ==, children[i]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }

  /* Made only now: the children would leave it behind unfreed, which
   * valgrind counts against them. */
  store = satchel_account_store_new (path);
  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 40);
  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    for (guint j = 0; j < 20; j++)
      {
        g_autofree char *name = g_strdup_printf ("%s-%02u", prefixes[i], j);
        g_autoptr(SatchelAccount) account = satchel_account_store_lookup (store, name);

        g_assert_nonnull (account);
      }

  /* Exactly one of them was first. */
  g_assert_nonnull (satchel_account_store_get_default_name (store));
  g_assert_true (g_str_has_suffix (satchel_account_store_get_default_name (store), "-00"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/paths/locations", test_paths);
  g_test_add_func ("/satchel/paths/ensure-dir", test_paths_ensure_dir);

  g_test_add_func ("/satchel/account/defaults", test_account_defaults);
  g_test_add_func ("/satchel/account/security-strings", test_account_security_strings);
  g_test_add_func ("/satchel/account/properties", test_account_properties);
  g_test_add_func ("/satchel/account/copy", test_account_copy);
  g_test_add_func ("/satchel/account/fingerprint/valid", test_fingerprint_valid);
  g_test_add_func ("/satchel/account/fingerprint/invalid", test_fingerprint_invalid);
  g_test_add_func ("/satchel/account/validate", test_account_validate);

  g_test_add_func ("/satchel/account/store/missing-file", test_store_missing_file);
  g_test_add_func ("/satchel/account/store/round-trip", test_store_round_trip);
  g_test_add_func ("/satchel/account/store/modes", test_store_modes);
  g_test_add_func ("/satchel/account/store/explicit-path", test_store_explicit_path);
  g_test_add_func ("/satchel/account/store/default/rules", test_store_default_rules);
  g_test_add_func ("/satchel/account/store/default/from-file", test_store_default_from_file);
  g_test_add_func ("/satchel/account/store/exists-not-found", test_store_exists_and_not_found);
  g_test_add_func ("/satchel/account/store/update", test_store_update);
  g_test_add_func ("/satchel/account/store/lookup-by-address", test_store_lookup_by_address);
  g_test_add_func ("/satchel/account/store/corrupt", test_store_corrupt_file);
  g_test_add_func ("/satchel/account/store/bad-values", test_store_bad_values);
  g_test_add_func ("/satchel/account/store/hand-written", test_store_hand_written);
  g_test_add_func ("/satchel/account/store/password-key", test_store_password_key);
  g_test_add_func ("/satchel/account/store/items-changed", test_store_items_changed);
  g_test_add_func ("/satchel/account/store/server-mechanisms", test_server_mechanisms);
  g_test_add_func ("/satchel/account/store/concurrent-writers", test_store_concurrent_writers);

  return g_test_run ();
}
