/* satchel-smtp-auth.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-smtp-auth"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-smtp-auth.h"

#include "satchel-error.h"

#include <gsasl.h>
#include <string.h>

/* What Satchel lets libgsasl do, strongest first. Anything else libgsasl
 * knows (GSSAPI, NTLM, DIGEST-MD5, the -PLUS variants that need channel
 * binding data we do not pass) is never used. */
static const char * const known_mechanisms[] = {
  "SCRAM-SHA-256",
  "SCRAM-SHA-1",
  "CRAM-MD5",
  "PLAIN",
  "LOGIN",
};

typedef enum
{
  KIND_SCRAM,
  KIND_CRAM_MD5,
  KIND_PLAIN,
  KIND_LOGIN,
} MechanismKind;

struct _SatchelSmtpAuth
{
  Gsasl_session *session;
  char          *mechanism;
  MechanismKind  kind;
  guint          n_steps;
  gboolean       done;
};

typedef struct
{
  Gsasl      *gsasl;   /* NULL when gsasl_init failed */
  const char *supported[G_N_ELEMENTS (known_mechanisms) + 1];
} AuthGlobals;

/* Sessions of one context are used by one thread each, but starting one
 * walks the context's mechanism list: starts are serialised so sessions
 * may be created from several sending threads at once. */
static GMutex start_lock;

static gpointer
init_globals (gpointer data)
{
  AuthGlobals *globals = g_new0 (AuthGlobals, 1);
  guint n = 0;
  int rc;

  rc = gsasl_init (&globals->gsasl);
  if (rc != GSASL_OK)
    {
      g_warning ("Could not initialise libgsasl: %s", gsasl_strerror (rc));
      globals->gsasl = NULL;
      return globals;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (known_mechanisms); i++)
    if (gsasl_client_support_p (globals->gsasl, known_mechanisms[i]))
      globals->supported[n++] = known_mechanisms[i];
  globals->supported[n] = NULL;

  return globals;
}

/* One libgsasl context for the whole process, never freed. */
static AuthGlobals *
get_globals (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, init_globals, NULL);
}

static const char *
find_supported (const char *mechanism)
{
  const char * const *supported = satchel_smtp_auth_supported_mechanisms ();

  for (guint i = 0; supported[i] != NULL; i++)
    if (g_ascii_strcasecmp (supported[i], mechanism) == 0)
      return supported[i];
  return NULL;
}

static MechanismKind
get_kind (const char *mechanism)
{
  if (g_str_has_prefix (mechanism, "SCRAM-"))
    return KIND_SCRAM;
  if (strcmp (mechanism, "CRAM-MD5") == 0)
    return KIND_CRAM_MD5;
  if (strcmp (mechanism, "PLAIN") == 0)
    return KIND_PLAIN;
  g_assert (strcmp (mechanism, "LOGIN") == 0);
  return KIND_LOGIN;
}

/* libgsasl frees its copies without clearing them: clear them first. */
static void
wipe_property (Gsasl_session  *session,
               Gsasl_property  property)
{
  const char *value = gsasl_property_fast (session, property);

  if (value != NULL)
    explicit_bzero ((char *) value, strlen (value));
  gsasl_property_free (session, property);
}

/* Public API */

const char * const *
satchel_smtp_auth_supported_mechanisms (void)
{
  return get_globals ()->supported;
}

gboolean
satchel_smtp_auth_is_supported (const char *mechanism)
{
  g_return_val_if_fail (mechanism != NULL, FALSE);

  return find_supported (mechanism) != NULL;
}

const char *
satchel_smtp_auth_choose (const char * const *offered)
{
  const char * const *supported = satchel_smtp_auth_supported_mechanisms ();

  if (offered == NULL)
    return NULL;

  for (guint i = 0; supported[i] != NULL; i++)
    for (guint j = 0; offered[j] != NULL; j++)
      if (g_ascii_strcasecmp (supported[i], offered[j]) == 0)
        return supported[i];
  return NULL;
}

SatchelSmtpAuth *
satchel_smtp_auth_new (const char  *mechanism,
                       const char  *username,
                       const char  *password,
                       GError     **error)
{
  g_autoptr (SatchelSmtpAuth) self = NULL;
  AuthGlobals *globals;
  const char *name;
  int rc;

  g_return_val_if_fail (mechanism != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  globals = get_globals ();
  name = find_supported (mechanism);
  if (globals->gsasl == NULL || name == NULL)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,
                   _("Satchel cannot sign in with the “%s” method"), mechanism);
      return NULL;
    }

  self = g_new0 (SatchelSmtpAuth, 1);
  self->mechanism = g_strdup (name);
  self->kind = get_kind (name);

  g_mutex_lock (&start_lock);
  rc = gsasl_client_start (globals->gsasl, name, &self->session);
  g_mutex_unlock (&start_lock);
  if (rc != GSASL_OK)
    {
      self->session = NULL;
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,
                   _("Could not start signing in with %s: %s"),
                   name, gsasl_strerror (rc));
      return NULL;
    }

  /* libgsasl keeps its own copies, which satchel_smtp_auth_free() wipes;
   * no channel binding is ever offered (no -PLUS mechanism). */
  if ((rc = gsasl_property_set (self->session, GSASL_AUTHID, username)) != GSASL_OK
      || (rc = gsasl_property_set (self->session, GSASL_PASSWORD, password)) != GSASL_OK)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                   _("Could not start signing in with %s: %s"),
                   name, gsasl_strerror (rc));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
satchel_smtp_auth_free (SatchelSmtpAuth *self)
{
  if (self == NULL)
    return;

  if (self->session != NULL)
    {
      wipe_property (self->session, GSASL_PASSWORD);
      wipe_property (self->session, GSASL_SCRAM_SALTED_PASSWORD);
      gsasl_finish (self->session);
    }
  g_free (self->mechanism);
  g_free (self);
}

gboolean
satchel_smtp_auth_has_initial_response (SatchelSmtpAuth *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kind == KIND_SCRAM || self->kind == KIND_PLAIN;
}

gboolean
satchel_smtp_auth_step (SatchelSmtpAuth  *self,
                        const char       *challenge_b64,
                        char            **response_b64,
                        gboolean         *done,
                        GError          **error)
{
  char *output = NULL;
  const char *input;
  guint step;
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (response_b64 != NULL, FALSE);
  g_return_val_if_fail (done != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *response_b64 = NULL;
  *done = FALSE;

  if (self->done)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                   _("The server asked for more after signing in with %s "
                     "was complete"),
                   self->mechanism);
      return FALSE;
    }

  /* LOGIN's prompts ("Username:") are not always valid base64, and
   * libgsasl answers them by position anyway. */
  input = challenge_b64;
  if (self->kind == KIND_LOGIN || (input != NULL && input[0] == '\0'))
    input = NULL;

  step = self->n_steps++;
  rc = gsasl_step64 (self->session, input, &output);

  /* The response may hold the password (PLAIN): wipe libgsasl's copy. */
  if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE)
    *response_b64 = g_strdup (output != NULL ? output : "");
  if (output != NULL)
    {
      explicit_bzero (output, strlen (output));
      gsasl_free (output);
    }

  if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE)
    {
      *done = rc == GSASL_OK;
      self->done = *done;
      return TRUE;
    }

  /* A SCRAM client sends its proof at the second step: the server only
   * answers with a 334 after accepting it, so failing after that means
   * its final message, which must carry its own proof, was wrong. */
  if (self->kind == KIND_SCRAM && step >= 2)
    g_set_error_literal (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                         _("The server could not prove it knows the password "
                           "(SCRAM)"));
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                 _("Signing in with %s failed: %s"),
                 self->mechanism, gsasl_strerror (rc));
  return FALSE;
}
