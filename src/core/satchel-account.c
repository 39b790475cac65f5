/* satchel-account.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-account"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-account.h"

#include "satchel-address.h"
#include "satchel-error.h"

#include <string.h>

/* Longest account name, in characters: it is shown in lists and menus. */
#define MAX_NAME_LENGTH 64

/* Longest time-out, in seconds, that satchel-cli also accepts. */
#define MAX_TIMEOUT 3600

struct _SatchelAccount
{
  GObject          parent_instance;

  char            *name;
  char            *id;
  char            *address;
  char            *display_name;
  char            *host;
  guint16          port;
  SatchelSecurity  security;
  char            *username;
  char            *auth_mechanism;
  char            *ca_file;
  char            *trust_fingerprint;
  gboolean         allow_plaintext_auth;
  guint            timeout;
  char            *password_command;
  char            *signature;
  char            *reply_to;
  gboolean         bcc_self;
  guint64          size_limit;
  char           **server_mechanisms;
};

G_DEFINE_FINAL_TYPE (SatchelAccount, satchel_account, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SatchelSecurity, satchel_security,
                    G_DEFINE_ENUM_VALUE (SATCHEL_SECURITY_TLS, "tls"),
                    G_DEFINE_ENUM_VALUE (SATCHEL_SECURITY_STARTTLS, "starttls"),
                    G_DEFINE_ENUM_VALUE (SATCHEL_SECURITY_NONE, "none"))

enum
{
  PROP_0,
  PROP_NAME,
  PROP_ID,
  PROP_ADDRESS,
  PROP_DISPLAY_NAME,
  PROP_HOST,
  PROP_PORT,
  PROP_SECURITY,
  PROP_USERNAME,
  PROP_AUTH_MECHANISM,
  PROP_CA_FILE,
  PROP_TRUST_FINGERPRINT,
  PROP_ALLOW_PLAINTEXT_AUTH,
  PROP_TIMEOUT,
  PROP_PASSWORD_COMMAND,
  PROP_SIGNATURE,
  PROP_REPLY_TO,
  PROP_BCC_SELF,
  PROP_SIZE_LIMIT,
  PROP_SERVER_MECHANISMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The mechanisms an account may name; satchel-smtp-auth offers the same
 * ones. NULL in the account means "the strongest the server offers". */
static const char * const known_mechanisms[] = {
  "PLAIN",
  "LOGIN",
  "CRAM-MD5",
  "SCRAM-SHA-1",
  "SCRAM-SHA-256",
};

/* Helpers ---------------------------------------------------------------- */

/* Replaces *@field with a copy of @value (an empty string meaning unset);
 * TRUE if that changed anything. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* Setters take their own copies: @value may be what the getter returned. */
static void
set_string_property (SatchelAccount  *self,
                     char           **field,
                     const char      *value,
                     guint            prop_id)
{
  if (replace_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static gboolean
has_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static gboolean
has_space_or_control_chars (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || g_unichar_isspace (c))
        return TRUE;
    }
  return FALSE;
}

static const char *
find_mechanism (const char *mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_mechanisms); i++)
    if (g_ascii_strcasecmp (known_mechanisms[i], mechanism) == 0)
      return known_mechanisms[i];
  return NULL;
}

/* The account's address is a bare addr-spec: first the plain shape (with
 * messages that say what is missing), then the same strict parser that
 * messages use, so an account accepts exactly the addresses a message
 * does. */
static gboolean
check_address (const char  *address,
               GError     **error)
{
  g_autoptr(SatchelAddress) parsed = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *at;

  if (!g_utf8_validate (address, -1, NULL))
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The address is not valid: it is not UTF-8 text."));
      return FALSE;
    }

  if (has_space_or_control_chars (address))
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The address “%s” is not valid: it contains spaces or "
                     "control characters."), address);
      return FALSE;
    }

  at = strchr (address, '@');
  if (at == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The address “%s” is not valid: it has no “@”; write it "
                     "like “user@example.com”."), address);
      return FALSE;
    }

  if (strchr (at + 1, '@') != NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The address “%s” is not valid: it has more than one “@”."),
                   address);
      return FALSE;
    }

  if (at == address)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The address “%s” is not valid: the part before “@” is empty."),
                   address);
      return FALSE;
    }

  if (at[1] == '\0')
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The address “%s” is not valid: the domain after “@” is empty."),
                   address);
      return FALSE;
    }

  parsed = satchel_address_parse (address, &local_error);
  if (parsed == NULL)
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* Checks the account name alone; it becomes a group name in
 * accounts.ini, where "[" and "]" and line breaks cannot go. */
static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The account has no name: give it a short name, "
                             "like “work”."));
      return FALSE;
    }

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The account name is not valid: it is not UTF-8 text."));
      return FALSE;
    }

  if (has_control_chars (name))
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The account name is not valid: it contains line "
                             "breaks or other control characters."));
      return FALSE;
    }

  if (strchr (name, '[') != NULL || strchr (name, ']') != NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account name “%s” is not valid: it cannot contain "
                     "“[” or “]”."), name);
      return FALSE;
    }

  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account name “%s” is not valid: it cannot begin or "
                     "end with a space."), name);
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account name “%s” is too long: use at most %d characters."),
                   name, MAX_NAME_LENGTH);
      return FALSE;
    }

  return TRUE;
}

/* Text that goes into a mail header must stay on one line. */
static gboolean
is_header_text (const char *value)
{
  return value == NULL ||
         (g_utf8_validate (value, -1, NULL) && !has_control_chars (value));
}

/* GObject ---------------------------------------------------------------- */

static void
satchel_account_finalize (GObject *object)
{
  SatchelAccount *self = (SatchelAccount *) object;

  g_free (self->name);
  g_free (self->id);
  g_free (self->address);
  g_free (self->display_name);
  g_free (self->host);
  g_free (self->username);
  g_free (self->auth_mechanism);
  g_free (self->ca_file);
  g_free (self->trust_fingerprint);
  g_free (self->password_command);
  g_free (self->signature);
  g_free (self->reply_to);
  g_strfreev (self->server_mechanisms);

  G_OBJECT_CLASS (satchel_account_parent_class)->finalize (object);
}

static void
satchel_account_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SatchelAccount *self = SATCHEL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_SECURITY:
      g_value_set_enum (value, self->security);
      break;
    case PROP_USERNAME:
      /* As set, NULL when unset: the getter falls back to the address. */
      g_value_set_string (value, self->username);
      break;
    case PROP_AUTH_MECHANISM:
      g_value_set_string (value, self->auth_mechanism);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_TRUST_FINGERPRINT:
      g_value_set_string (value, self->trust_fingerprint);
      break;
    case PROP_ALLOW_PLAINTEXT_AUTH:
      g_value_set_boolean (value, self->allow_plaintext_auth);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_PASSWORD_COMMAND:
      g_value_set_string (value, self->password_command);
      break;
    case PROP_SIGNATURE:
      g_value_set_string (value, self->signature);
      break;
    case PROP_REPLY_TO:
      g_value_set_string (value, self->reply_to);
      break;
    case PROP_BCC_SELF:
      g_value_set_boolean (value, self->bcc_self);
      break;
    case PROP_SIZE_LIMIT:
      g_value_set_uint64 (value, self->size_limit);
      break;
    case PROP_SERVER_MECHANISMS:
      g_value_set_boxed (value, self->server_mechanisms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_account_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SatchelAccount *self = SATCHEL_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_assert (self->name == NULL);
      self->name = g_value_dup_string (value);
      break;
    case PROP_ID:
      satchel_account_set_id (self, g_value_get_string (value));
      break;
    case PROP_ADDRESS:
      satchel_account_set_address (self, g_value_get_string (value));
      break;
    case PROP_DISPLAY_NAME:
      satchel_account_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_HOST:
      satchel_account_set_host (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      satchel_account_set_port (self, (guint16) g_value_get_uint (value));
      break;
    case PROP_SECURITY:
      satchel_account_set_security (self, g_value_get_enum (value));
      break;
    case PROP_USERNAME:
      satchel_account_set_username (self, g_value_get_string (value));
      break;
    case PROP_AUTH_MECHANISM:
      satchel_account_set_auth_mechanism (self, g_value_get_string (value));
      break;
    case PROP_CA_FILE:
      satchel_account_set_ca_file (self, g_value_get_string (value));
      break;
    case PROP_TRUST_FINGERPRINT:
      satchel_account_set_trust_fingerprint (self, g_value_get_string (value));
      break;
    case PROP_ALLOW_PLAINTEXT_AUTH:
      satchel_account_set_allow_plaintext_auth (self, g_value_get_boolean (value));
      break;
    case PROP_TIMEOUT:
      satchel_account_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_PASSWORD_COMMAND:
      satchel_account_set_password_command (self, g_value_get_string (value));
      break;
    case PROP_SIGNATURE:
      satchel_account_set_signature (self, g_value_get_string (value));
      break;
    case PROP_REPLY_TO:
      satchel_account_set_reply_to (self, g_value_get_string (value));
      break;
    case PROP_BCC_SELF:
      satchel_account_set_bcc_self (self, g_value_get_boolean (value));
      break;
    case PROP_SIZE_LIMIT:
      satchel_account_set_size_limit (self, g_value_get_uint64 (value));
      break;
    case PROP_SERVER_MECHANISMS:
      satchel_account_set_server_mechanisms (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_account_class_init (SatchelAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = satchel_account_finalize;
  object_class->get_property = satchel_account_get_property;
  object_class->set_property = satchel_account_set_property;

  /* The name is the account's key in accounts.ini and in the outbox:
   * it never changes. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /* The key of the keyring entry. */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, flags);

  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL, flags);

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL, flags);

  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 465,
                       flags);

  properties[PROP_SECURITY] =
    g_param_spec_enum ("security", NULL, NULL,
                       SATCHEL_TYPE_SECURITY, SATCHEL_SECURITY_TLS,
                       flags);

  /* NULL when unset; satchel_account_get_username() then gives the
   * address. */
  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL, flags);

  properties[PROP_AUTH_MECHANISM] =
    g_param_spec_string ("auth-mechanism", NULL, NULL, NULL, flags);

  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL, flags);

  properties[PROP_TRUST_FINGERPRINT] =
    g_param_spec_string ("trust-fingerprint", NULL, NULL, NULL, flags);

  properties[PROP_ALLOW_PLAINTEXT_AUTH] =
    g_param_spec_boolean ("allow-plaintext-auth", NULL, NULL, FALSE, flags);

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, SATCHEL_ACCOUNT_DEFAULT_TIMEOUT,
                       flags);

  properties[PROP_PASSWORD_COMMAND] =
    g_param_spec_string ("password-command", NULL, NULL, NULL, flags);

  properties[PROP_SIGNATURE] =
    g_param_spec_string ("signature", NULL, NULL, NULL, flags);

  properties[PROP_REPLY_TO] =
    g_param_spec_string ("reply-to", NULL, NULL, NULL, flags);

  properties[PROP_BCC_SELF] =
    g_param_spec_boolean ("bcc-self", NULL, NULL, FALSE, flags);

  properties[PROP_SIZE_LIMIT] =
    g_param_spec_uint64 ("size-limit", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         flags);

  properties[PROP_SERVER_MECHANISMS] =
    g_param_spec_boxed ("server-mechanisms", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
satchel_account_init (SatchelAccount *self)
{
  self->id = g_uuid_string_random ();
  self->security = SATCHEL_SECURITY_TLS;
  self->port = satchel_security_default_port (SATCHEL_SECURITY_TLS);
  self->timeout = SATCHEL_ACCOUNT_DEFAULT_TIMEOUT;
}

/* Public API ------------------------------------------------------------- */

gboolean
satchel_security_from_string (const char      *text,
                              SatchelSecurity *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (text, "tls") == 0)
    *out = SATCHEL_SECURITY_TLS;
  else if (g_ascii_strcasecmp (text, "starttls") == 0)
    *out = SATCHEL_SECURITY_STARTTLS;
  else if (g_ascii_strcasecmp (text, "none") == 0)
    *out = SATCHEL_SECURITY_NONE;
  else
    return FALSE;

  return TRUE;
}

const char *
satchel_security_to_string (SatchelSecurity security)
{
  switch (security)
    {
    case SATCHEL_SECURITY_TLS:
      return "tls";
    case SATCHEL_SECURITY_STARTTLS:
      return "starttls";
    case SATCHEL_SECURITY_NONE:
      return "none";
    default:
      g_return_val_if_reached (NULL);
    }
}

guint16
satchel_security_default_port (SatchelSecurity security)
{
  switch (security)
    {
    case SATCHEL_SECURITY_TLS:
      return 465;
    case SATCHEL_SECURITY_STARTTLS:
      return 587;
    case SATCHEL_SECURITY_NONE:
      return 25;
    default:
      g_return_val_if_reached (0);
    }
}

SatchelAccount *
satchel_account_new (const char *name)
{
  return g_object_new (SATCHEL_TYPE_ACCOUNT,
                       "name", name,
                       NULL);
}

/* A deep copy, id included: the same account, to change without
 * touching the original. */
SatchelAccount *
satchel_account_copy (SatchelAccount *self)
{
  SatchelAccount *copy;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  copy = satchel_account_new (self->name);
  g_free (copy->id);
  copy->id = g_strdup (self->id);
  copy->address = g_strdup (self->address);
  copy->display_name = g_strdup (self->display_name);
  copy->host = g_strdup (self->host);
  copy->port = self->port;
  copy->security = self->security;
  copy->username = g_strdup (self->username);
  copy->auth_mechanism = g_strdup (self->auth_mechanism);
  copy->ca_file = g_strdup (self->ca_file);
  copy->trust_fingerprint = g_strdup (self->trust_fingerprint);
  copy->allow_plaintext_auth = self->allow_plaintext_auth;
  copy->timeout = self->timeout;
  copy->password_command = g_strdup (self->password_command);
  copy->signature = g_strdup (self->signature);
  copy->reply_to = g_strdup (self->reply_to);
  copy->bcc_self = self->bcc_self;
  copy->size_limit = self->size_limit;
  copy->server_mechanisms = g_strdupv (self->server_mechanisms);

  return copy;
}

const char *
satchel_account_get_name (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->name;
}

const char *
satchel_account_get_id (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->id;
}

void
satchel_account_set_id (SatchelAccount *self,
                        const char     *id)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->id, id, PROP_ID);
}

const char *
satchel_account_get_address (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->address;
}

void
satchel_account_set_address (SatchelAccount *self,
                             const char     *address)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->address, address, PROP_ADDRESS);
}

const char *
satchel_account_get_display_name (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->display_name;
}

void
satchel_account_set_display_name (SatchelAccount *self,
                                  const char     *display_name)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->display_name, display_name, PROP_DISPLAY_NAME);
}

const char *
satchel_account_get_host (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->host;
}

void
satchel_account_set_host (SatchelAccount *self,
                          const char     *host)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->host, host, PROP_HOST);
}

guint16
satchel_account_get_port (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), 0);

  return self->port;
}

void
satchel_account_set_port (SatchelAccount *self,
                          guint16         port)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  if (self->port == port)
    return;

  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

SatchelSecurity
satchel_account_get_security (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), SATCHEL_SECURITY_TLS);

  return self->security;
}

/* Leaves the port alone: whoever changes the security decides whether
 * the port follows (a server may use 2525 for STARTTLS). */
void
satchel_account_set_security (SatchelAccount  *self,
                              SatchelSecurity  security)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));
  g_return_if_fail (security <= SATCHEL_SECURITY_NONE);

  if (self->security == security)
    return;

  self->security = security;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
}

const char *
satchel_account_get_username (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->username != NULL ? self->username : self->address;
}

void
satchel_account_set_username (SatchelAccount *self,
                              const char     *username)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->username, username, PROP_USERNAME);
}

const char *
satchel_account_get_auth_mechanism (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->auth_mechanism;
}

/* Kept in upper case; NULL, "" and "auto" all mean automatic. An unknown
 * name is kept as given, for satchel_account_validate() to report. */
void
satchel_account_set_auth_mechanism (SatchelAccount *self,
                                    const char     *mechanism)
{
  g_autofree char *upper = NULL;

  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  if (mechanism != NULL && g_ascii_strcasecmp (mechanism, "auto") != 0)
    upper = g_ascii_strup (mechanism, -1);

  set_string_property (self, &self->auth_mechanism, upper, PROP_AUTH_MECHANISM);
}

const char *
satchel_account_get_ca_file (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->ca_file;
}

void
satchel_account_set_ca_file (SatchelAccount *self,
                             const char     *ca_file)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->ca_file, ca_file, PROP_CA_FILE);
}

const char *
satchel_account_get_trust_fingerprint (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->trust_fingerprint;
}

/* Normalises what it can; anything else is kept as given (without the
 * surrounding spaces) for satchel_account_validate() to report, rather
 * than silently dropped. */
void
satchel_account_set_trust_fingerprint (SatchelAccount *self,
                                       const char     *fingerprint)
{
  g_autofree char *normalized = NULL;

  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  if (fingerprint != NULL)
    {
      normalized = satchel_account_normalize_fingerprint (fingerprint, NULL);
      if (normalized == NULL)
        normalized = g_strstrip (g_strdup (fingerprint));
    }

  set_string_property (self, &self->trust_fingerprint, normalized,
                       PROP_TRUST_FINGERPRINT);
}

gboolean
satchel_account_get_allow_plaintext_auth (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), FALSE);

  return self->allow_plaintext_auth;
}

void
satchel_account_set_allow_plaintext_auth (SatchelAccount *self,
                                          gboolean        allow)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  allow = !!allow;
  if (self->allow_plaintext_auth == allow)
    return;

  self->allow_plaintext_auth = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_PLAINTEXT_AUTH]);
}

guint
satchel_account_get_timeout (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), SATCHEL_ACCOUNT_DEFAULT_TIMEOUT);

  return self->timeout;
}

void
satchel_account_set_timeout (SatchelAccount *self,
                             guint           seconds)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

const char *
satchel_account_get_password_command (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->password_command;
}

void
satchel_account_set_password_command (SatchelAccount *self,
                                      const char     *command)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->password_command, command, PROP_PASSWORD_COMMAND);
}

const char *
satchel_account_get_signature (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->signature;
}

void
satchel_account_set_signature (SatchelAccount *self,
                               const char     *signature)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->signature, signature, PROP_SIGNATURE);
}

const char *
satchel_account_get_reply_to (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return self->reply_to;
}

void
satchel_account_set_reply_to (SatchelAccount *self,
                              const char     *reply_to)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  set_string_property (self, &self->reply_to, reply_to, PROP_REPLY_TO);
}

gboolean
satchel_account_get_bcc_self (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), FALSE);

  return self->bcc_self;
}

void
satchel_account_set_bcc_self (SatchelAccount *self,
                              gboolean        bcc_self)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  bcc_self = !!bcc_self;
  if (self->bcc_self == bcc_self)
    return;

  self->bcc_self = bcc_self;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BCC_SELF]);
}

guint64
satchel_account_get_size_limit (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), 0);

  return self->size_limit;
}

void
satchel_account_set_size_limit (SatchelAccount *self,
                                guint64         size_limit)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  if (self->size_limit == size_limit)
    return;

  self->size_limit = size_limit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE_LIMIT]);
}

const char * const *
satchel_account_get_server_mechanisms (SatchelAccount *self)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  return (const char * const *) self->server_mechanisms;
}

void
satchel_account_set_server_mechanisms (SatchelAccount     *self,
                                       const char * const *mechanisms)
{
  g_auto(GStrv) copy = NULL;

  g_return_if_fail (SATCHEL_IS_ACCOUNT (self));

  /* Empty is unknown, as in accounts.ini. */
  if (mechanisms != NULL && mechanisms[0] == NULL)
    mechanisms = NULL;

  if (mechanisms == NULL && self->server_mechanisms == NULL)
    return;
  if (mechanisms != NULL && self->server_mechanisms != NULL &&
      g_strv_equal (mechanisms, (const char * const *) self->server_mechanisms))
    return;

  /* @mechanisms may be what the getter returned. */
  copy = g_strdupv ((char **) mechanisms);
  g_strfreev (self->server_mechanisms);
  self->server_mechanisms = g_steal_pointer (&copy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_MECHANISMS]);
}

gboolean
satchel_account_validate (SatchelAccount  *self,
                          GError         **error)
{
  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_name (self->name, error))
    return FALSE;

  if (self->id == NULL || !g_utf8_validate (self->id, -1, NULL) ||
      has_space_or_control_chars (self->id))
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account “%s” has no valid id: remove it and add it again."),
                   self->name);
      return FALSE;
    }

  if (self->address == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account “%s” has no address: give the address "
                     "you send from."), self->name);
      return FALSE;
    }
  if (!check_address (self->address, error))
    return FALSE;

  if (self->host == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account “%s” has no server: give the host name of "
                     "its SMTP server."), self->name);
      return FALSE;
    }
  if (!g_utf8_validate (self->host, -1, NULL) ||
      has_space_or_control_chars (self->host) ||
      strchr (self->host, '/') != NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The server name “%s” is not valid: give a host name "
                     "like “smtp.example.com”, without spaces."), self->host);
      return FALSE;
    }

  if (self->port == 0)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The account “%s” has no port: give a port from 1 to 65535."),
                   self->name);
      return FALSE;
    }

  if (self->auth_mechanism != NULL && find_mechanism (self->auth_mechanism) == NULL)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The authentication mechanism “%s” is not supported: use "
                     "PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, or "
                     "automatic."), self->auth_mechanism);
      return FALSE;
    }

  if (self->trust_fingerprint != NULL)
    {
      g_autofree char *normalized = NULL;

      normalized = satchel_account_normalize_fingerprint (self->trust_fingerprint, error);
      if (normalized == NULL)
        return FALSE;
    }

  if (self->timeout < 1 || self->timeout > MAX_TIMEOUT)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The time-out of the account “%s” must be from 1 to %d seconds."),
                   self->name, MAX_TIMEOUT);
      return FALSE;
    }

  if (!is_header_text (self->display_name))
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The display name of the account “%s” cannot contain "
                     "line breaks or other control characters."), self->name);
      return FALSE;
    }

  if (!is_header_text (self->reply_to))
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The Reply-To address of the account “%s” cannot contain "
                     "line breaks or other control characters."), self->name);
      return FALSE;
    }

  return TRUE;
}

char *
satchel_account_normalize_fingerprint (const char  *text,
                                       GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autoptr(GString) hex = NULL;
  gboolean has_colons;
  guint group = 0;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The certificate fingerprint is empty: give the 64 "
                             "hexadecimal digits of its SHA-256 fingerprint."));
      return NULL;
    }

  if (!g_utf8_validate (stripped, -1, NULL))
    {
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The certificate fingerprint is not valid: it is not "
                             "UTF-8 text."));
      return NULL;
    }

  hex = g_string_sized_new (64);
  has_colons = strchr (stripped, ':') != NULL;

  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (*p == ':')
        {
          if (group != 2)
            {
              g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("The certificate fingerprint “%s” is not valid: "
                             "separate its digits in pairs with colons "
                             "(AB:CD:…), or not at all."), stripped);
              return NULL;
            }
          group = 0;
          continue;
        }

      if (!g_ascii_isxdigit (*p))
        {
          char bad[8] = { 0 };

          g_unichar_to_utf8 (g_utf8_get_char (p), bad);
          g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                       _("The certificate fingerprint “%s” is not valid: “%s” is "
                         "not a hexadecimal digit (0–9, A–F)."), stripped, bad);
          return NULL;
        }

      g_string_append_c (hex, g_ascii_tolower (*p));
      group++;
    }

  if (has_colons && group != 2)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   _("The certificate fingerprint “%s” is not valid: separate "
                     "its digits in pairs with colons (AB:CD:…), or not at all."),
                   stripped);
      return NULL;
    }

  if (hex->len != 64)
    {
      g_set_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The certificate fingerprint “%s” has %u hexadecimal "
                                "digit, but a SHA-256 fingerprint has 64.",
                                "The certificate fingerprint “%s” has %u hexadecimal "
                                "digits, but a SHA-256 fingerprint has 64.",
                                hex->len),
                   stripped, (guint) hex->len);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

SatchelAddress *
satchel_account_dup_from (SatchelAccount  *self,
                          GError         **error)
{
  SatchelAddress *from;
  const char *display_name;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (self), NULL);

  from = satchel_address_parse (satchel_account_get_address (self), error);
  display_name = satchel_account_get_display_name (self);
  if (from != NULL && display_name != NULL && *display_name != '\0')
    {
      g_free (from->name);
      from->name = g_strdup (display_name);
    }

  return from;
}
