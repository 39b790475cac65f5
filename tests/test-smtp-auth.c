/* test-smtp-auth.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "satchel-error.h"
#include "satchel-smtp-auth.h"

#include <glib.h>
#include <gsasl.h>

#include <string.h>

#define USER     "ann@example.com"
#define PASSWORD "p\xc3\xa4ss w0rd!"

/* The server side is libgsasl's own, in its own context: a real peer
 * that checks the client's proof and proves itself in turn. */
typedef struct
{
  Gsasl         *gsasl;
  Gsasl_session *session;
  const char    *password; /* what the server believes is right */
} Server;

static int
server_callback (Gsasl          *gsasl,
                 Gsasl_session  *session,
                 Gsasl_property  property)
{
  Server *server = gsasl_session_hook_get (session);

  switch (property)
    {
    case GSASL_PASSWORD:
      g_assert_cmpstr (gsasl_property_fast (session, GSASL_AUTHID), ==, USER);
      gsasl_property_set (session, GSASL_PASSWORD, server->password);
      return GSASL_OK;
    default:
      return GSASL_NO_CALLBACK;
    }
}

static void
server_start (Server     *server,
              const char *mechanism,
              const char *password)
{
  g_assert_cmpint (gsasl_init (&server->gsasl), ==, GSASL_OK);
  gsasl_callback_set (server->gsasl, server_callback);
  g_assert_cmpint (gsasl_server_start (server->gsasl, mechanism, &server->session), ==, GSASL_OK);
  server->password = password;
  gsasl_session_hook_set (server->session, server);
}

static void
server_stop (Server *server)
{
  gsasl_finish (server->session);
  gsasl_done (server->gsasl);
}

static char *
decode_to_string (const char *b64,
                  gsize      *len)
{
  guchar *data = g_base64_decode (b64, len);
  char *text = g_malloc (*len + 1);

  memcpy (text, data, *len);
  text[*len] = '\0';
  g_free (data);
  return text;
}

static void
test_supported (void)
{
  const char * const *supported = satchel_smtp_auth_supported_mechanisms ();
  const char * const expected[] = {
    "SCRAM-SHA-256", "SCRAM-SHA-1", "CRAM-MD5", "PLAIN", "LOGIN", NULL,
  };

  /* Debian 12's libgsasl has all five. */
  g_assert_cmpstrv (supported, expected);
  g_assert_true (satchel_smtp_auth_is_supported ("PLAIN"));
  g_assert_true (satchel_smtp_auth_is_supported ("scram-sha-256"));
  g_assert_false (satchel_smtp_auth_is_supported ("GSSAPI"));
  g_assert_false (satchel_smtp_auth_is_supported ("NTLM"));
  g_assert_false (satchel_smtp_auth_is_supported ("DIGEST-MD5"));
  g_assert_false (satchel_smtp_auth_is_supported ("SCRAM-SHA-1-PLUS"));
  g_assert_false (satchel_smtp_auth_is_supported ("XOAUTH2"));
  g_assert_false (satchel_smtp_auth_is_supported (""));
}

static void
test_choose (void)
{
  const char * const plain_scram[] = { "LOGIN", "PLAIN", "SCRAM-SHA-256", NULL };
  const char * const sha1[] = { "PLAIN", "SCRAM-SHA-1", "CRAM-MD5", NULL };
  const char * const cram[] = { "LOGIN", "CRAM-MD5", "PLAIN", NULL };
  const char * const login[] = { "GSSAPI", "LOGIN", "NTLM", NULL };
  const char * const foreign[] = { "GSSAPI", "NTLM", "XOAUTH2", "OAUTHBEARER",
                                   "DIGEST-MD5", "SCRAM-SHA-256-PLUS", NULL };
  const char * const empty[] = { NULL };

  g_assert_cmpstr (satchel_smtp_auth_choose (plain_scram), ==, "SCRAM-SHA-256");
  g_assert_cmpstr (satchel_smtp_auth_choose (sha1), ==, "SCRAM-SHA-1");
  g_assert_cmpstr (satchel_smtp_auth_choose (cram), ==, "CRAM-MD5");
  g_assert_cmpstr (satchel_smtp_auth_choose (login), ==, "LOGIN");
  g_assert_null (satchel_smtp_auth_choose (foreign));
  g_assert_null (satchel_smtp_auth_choose (empty));
}

static void
test_unsupported (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("GSSAPI", USER, PASSWORD, &error);

  g_assert_null (auth);
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "GSSAPI"));
}

static void
test_plain (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("PLAIN", "user", "pass", &error);
  g_autofree char *response = NULL;
  g_autofree char *decoded = NULL;
  gboolean done = FALSE;
  gsize len;

  g_assert_no_error (error);
  g_assert_true (satchel_smtp_auth_has_initial_response (auth));
  g_assert_true (satchel_smtp_auth_step (auth, NULL, &response, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);

  decoded = decode_to_string (response, &len);
  g_assert_cmpmem (decoded, len, "\0user\0pass", 10);
}

static void
test_plain_empty_challenge (void)
{
  /* "334 " after AUTH PLAIN without an initial response. */
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("plain", "user", "pass", &error);
  g_autofree char *response = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_assert_true (satchel_smtp_auth_step (auth, "", &response, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpstr (response, ==, "AHVzZXIAcGFzcw==");
}

static void
test_login (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("LOGIN", "user", "pass", &error);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  gboolean done = TRUE;

  g_assert_no_error (error);
  g_assert_false (satchel_smtp_auth_has_initial_response (auth));

  /* "Username:" as aiosmtpd sends it, with a trailing NUL. */
  g_assert_true (satchel_smtp_auth_step (auth, "VXNlcm5hbWU6AA==", &first, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);
  g_assert_cmpstr (first, ==, "dXNlcg==");

  /* A prompt that is not even base64 is ignored too. */
  g_assert_true (satchel_smtp_auth_step (auth, "Password:", &second, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpstr (second, ==, "cGFzcw==");

  /* Nothing more to say once done. */
  g_assert_false (satchel_smtp_auth_step (auth, "", &third, &done, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_null (third);
}

static void
test_cram_md5 (void)
{
  /* RFC 2195, section 2. */
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("CRAM-MD5", "tim", "tanstaaftanstaaf", &error);
  g_autofree char *response = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_assert_false (satchel_smtp_auth_has_initial_response (auth));
  g_assert_true (satchel_smtp_auth_step (auth,
                                         "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
                                         &response, &done, &error));
  g_assert_no_error (error);
  g_assert_true (done);
  g_assert_cmpstr (response, ==, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
}

/* Flips one bit of the signature in a SCRAM server-final message
 * ("v=base64"), keeping it well-formed. */
static char *
tamper_signature (const char *server_final_b64)
{
  g_autofree char *message = NULL;
  g_autofree guchar *signature = NULL;
  g_autofree char *signature_b64 = NULL;
  g_autofree char *tampered = NULL;
  gsize len;
  gsize signature_len;

  message = decode_to_string (server_final_b64, &len);
  g_assert_true (g_str_has_prefix (message, "v="));
  signature = g_base64_decode (message + 2, &signature_len);
  g_assert_cmpuint (signature_len, >=, 20);
  signature[0] ^= 0x01;
  signature_b64 = g_base64_encode (signature, signature_len);
  tampered = g_strconcat ("v=", signature_b64, NULL);
  return g_base64_encode ((const guchar *) tampered, strlen (tampered));
}

/* Runs a whole exchange between a Satchel client and a libgsasl server
 * as an SMTP server would relay it: the client speaks first when the
 * mechanism has an initial response, every server challenge is a 334,
 * and the server's last word (SCRAM's signature) still goes through the
 * client. @tamper changes the server's final message. Returns whether
 * the server accepted; *@client_error is the client's complaint. */
static gboolean
run_exchange (const char  *mechanism,
              const char  *client_password,
              const char  *server_password,
              gboolean     tamper,
              GError     **client_error)
{
  g_autoptr (SatchelSmtpAuth) auth = NULL;
  g_autofree char *to_server = NULL;
  Server server = { 0 };
  gboolean client_done = FALSE;
  gboolean server_ok = FALSE;
  guint rounds = 0;

  auth = satchel_smtp_auth_new (mechanism, USER, client_password, client_error);
  g_assert_nonnull (auth);
  server_start (&server, mechanism, server_password);

  if (satchel_smtp_auth_has_initial_response (auth))
    g_assert_true (satchel_smtp_auth_step (auth, NULL, &to_server, &client_done, client_error));

  for (;;)
    {
      g_autofree char *to_client = NULL;
      int rc;

      g_assert_cmpuint (++rounds, <, 10);
      rc = gsasl_step64 (server.session, to_server, &to_client);
      g_clear_pointer (&to_server, g_free);
      if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE)
        {
          /* 535: the client never hears more. */
          g_assert_cmpint (rc, ==, GSASL_AUTHENTICATION_ERROR);
          break;
        }

      if (rc == GSASL_OK && (to_client == NULL || to_client[0] == '\0'))
        {
          /* 235 with nothing left to relay. */
          server_ok = TRUE;
          g_assert_true (client_done);
          break;
        }

      if (rc == GSASL_OK && tamper)
        {
          g_autofree char *tampered = tamper_signature (to_client);

          g_free (to_client);
          to_client = g_steal_pointer (&tampered);
        }

      if (!satchel_smtp_auth_step (auth, to_client, &to_server, &client_done, client_error))
        {
          /* The client gives up (and would send "*"). */
          server_ok = FALSE;
          break;
        }

      if (rc == GSASL_OK)
        {
          /* The server was done and its final message checked out: the
           * client's (empty) answer leads to 235. */
          g_assert_true (client_done);
          g_assert_cmpstr (to_server, ==, "");
          server_ok = TRUE;
          break;
        }
    }

  server_stop (&server);
  return server_ok;
}

static void
test_scram (gconstpointer data)
{
  const char *mechanism = data;
  g_autoptr (GError) error = NULL;

  /* Right password: both sides are satisfied. */
  g_assert_true (run_exchange (mechanism, PASSWORD, PASSWORD, FALSE, &error));
  g_assert_no_error (error);

  /* Wrong password: the server refuses the client's proof. */
  g_assert_false (run_exchange (mechanism, "wrong", PASSWORD, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_scram_server_not_proven (gconstpointer data)
{
  const char *mechanism = data;
  g_autoptr (GError) error = NULL;

  /* A server that accepts the client but cannot sign its last message
   * (it never knew the password) must not be trusted. */
  g_assert_false (run_exchange (mechanism, PASSWORD, PASSWORD, TRUE, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "The server could not prove it knows the password (SCRAM)");
}

static void
test_cram_md5_exchange (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (run_exchange ("CRAM-MD5", PASSWORD, PASSWORD, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (run_exchange ("CRAM-MD5", "wrong", PASSWORD, FALSE, &error));
  g_assert_no_error (error);
}

static void
test_garbage_challenge (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("SCRAM-SHA-256", USER, PASSWORD, &error);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  g_autoptr (SatchelSmtpAuth) sha1 = satchel_smtp_auth_new ("SCRAM-SHA-1", USER, PASSWORD, &error);
  g_autofree char *sha1_first = NULL;
  g_autofree char *server_first = g_base64_encode ((const guchar *) "not scram at all", 16);
  gboolean done = FALSE;

  g_assert_no_error (error);
  g_assert_true (satchel_smtp_auth_step (auth, NULL, &first, &done, &error));
  g_assert_no_error (error);
  g_assert_false (done);

  /* Not base64: an error that names the method but never the password. */
  g_assert_false (satchel_smtp_auth_step (auth, "!!! not base64 !!!", &second, &done, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_null (second);
  g_assert_nonnull (strstr (error->message, "SCRAM-SHA-256"));
  g_assert_null (strstr (error->message, PASSWORD));
  g_clear_error (&error);

  /* Base64 of something that is not a SCRAM message. */
  g_assert_true (satchel_smtp_auth_step (sha1, NULL, &sha1_first, &done, &error));
  g_assert_false (satchel_smtp_auth_step (sha1, server_first, &third, &done, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_null (third);
  g_assert_null (strstr (error->message, PASSWORD));
}

static gpointer
start_sessions (gpointer data)
{
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (SatchelSmtpAuth) auth = satchel_smtp_auth_new ("SCRAM-SHA-256", USER, PASSWORD, &error);
      g_autofree char *response = NULL;
      gboolean done;

      g_assert_no_error (error);
      g_assert_true (satchel_smtp_auth_step (auth, NULL, &response, &done, &error));
      g_assert_no_error (error);
    }
  return NULL;
}

static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("auth", start_sessions, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/smtp/auth/supported", test_supported);
  g_test_add_func ("/satchel/smtp/auth/choose", test_choose);
  g_test_add_func ("/satchel/smtp/auth/unsupported", test_unsupported);
  g_test_add_func ("/satchel/smtp/auth/plain", test_plain);
  g_test_add_func ("/satchel/smtp/auth/plain-empty-challenge", test_plain_empty_challenge);
  g_test_add_func ("/satchel/smtp/auth/login", test_login);
  g_test_add_func ("/satchel/smtp/auth/cram-md5/rfc2195", test_cram_md5);
  g_test_add_func ("/satchel/smtp/auth/cram-md5/exchange", test_cram_md5_exchange);
  g_test_add_data_func ("/satchel/smtp/auth/scram-sha-256/exchange", "SCRAM-SHA-256", test_scram);
  g_test_add_data_func ("/satchel/smtp/auth/scram-sha-256/server-not-proven", "SCRAM-SHA-256",
                        test_scram_server_not_proven);
  g_test_add_data_func ("/satchel/smtp/auth/scram-sha-1/exchange", "SCRAM-SHA-1", test_scram);
  g_test_add_data_func ("/satchel/smtp/auth/scram-sha-1/server-not-proven", "SCRAM-SHA-1",
                        test_scram_server_not_proven);
  g_test_add_func ("/satchel/smtp/auth/garbage-challenge", test_garbage_challenge);
  g_test_add_func ("/satchel/smtp/auth/threads", test_threads);

  return g_test_run ();
}
