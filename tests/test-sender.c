/* test-sender.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "satchel-account-store.h"
#include "satchel-certificate.h"
#include "satchel-context.h"
#include "satchel-error.h"
#include "satchel-mime.h"
#include "satchel-sender.h"

#include "fault-server.h"

/* The sender against the scripted fault server (a child process): what
 * a verification reports, setup's retry with the local part, the app
 * password reply, and the worker-thread calls. */

#define USER     "alice"
#define ADDRESS  "alice@example.com"
#define PASSWORD "p4ss-wörd with spaces"

static char *cert_dir;

static char *
cert (const char *name)
{
  return fault_server_cert_file (cert_dir, name, "pem");
}

/* A fault-server script in JSON: @security, the certificate @cert_name
 * (NULL: none), the users, then "extra" members ("\"at\": {…}"). */
static char *
script (const char *security,
        const char *cert_name,
        const char *users,
        const char *extra)
{
  g_autofree char *pem = cert_name ? cert (cert_name) : NULL;
  g_autofree char *key = cert_name ? fault_server_cert_file (cert_dir, cert_name, "key") : NULL;

  return g_strdup_printf ("{\"security\": \"%s\", \"cert\": %s%s%s, \"key\": %s%s%s, "
                          "\"users\": %s%s%s}",
                          security,
                          pem ? "\"" : "", pem ? pem : "null", pem ? "\"" : "",
                          key ? "\"" : "", key ? key : "null", key ? "\"" : "",
                          users ? users : "{\"" USER "\": \"" PASSWORD "\"}",
                          extra ? ", " : "", extra ? extra : "");
}

/* The fault server running script() of the same arguments. */
static FaultServer *
start_server (const char *security,
              const char *cert_name,
              const char *users,
              const char *extra)
{
  g_autofree char *json = script (security, cert_name, users, extra);

  return fault_server_start (json);
}

static SatchelAccount *
make_account (FaultServer     *server,
              SatchelSecurity  security,
              gboolean         trust_ca)
{
  SatchelAccount *account = satchel_account_new ("work");

  satchel_account_set_address (account, ADDRESS);
  satchel_account_set_host (account, "localhost");
  satchel_account_set_security (account, security);
  satchel_account_set_port (account, server->port);
  satchel_account_set_username (account, USER);
  satchel_account_set_timeout (account, 10);
  if (trust_ca)
    {
      g_autofree char *ca = cert ("ca");

      satchel_account_set_ca_file (account, ca);
    }
  return account;
}

static char *
fingerprint_of (const char *name)
{
  g_autofree char *path = cert (name);
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (path, NULL);

  g_assert_nonnull (certificate);
  return satchel_certificate_fingerprint (certificate);
}

/* The client's lines, to count AUTH commands. */
static void
collect_line (gboolean    from_server,
              const char *line,
              gpointer    user_data)
{
  GString *lines = user_data;

  g_string_append_printf (lines, "%s %s\n", from_server ? "S:" : "C:", line);
}

static guint
count_lines (const char *text,
             const char *prefix)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, prefix)) != NULL; p += strlen (prefix))
    if (p == text || p[-1] == '\n')
      n++;
  return n;
}

typedef struct
{
  GString          *transcript;
  SatchelSendHooks  hooks;
} Hooks;

/* The password without the keyring: these tests need no Secret Service. */
static const SatchelSendHooks with_password = { .password = PASSWORD };

static void
hooks_init (Hooks    *hooks,
            gboolean  try_local_part)
{
  memset (hooks, 0, sizeof *hooks);
  hooks->transcript = g_string_new (NULL);
  hooks->hooks.transcript = collect_line;
  hooks->hooks.user_data = hooks->transcript;
  hooks->hooks.password = PASSWORD;
  hooks->hooks.try_local_part = try_local_part;
}

static void
hooks_clear (Hooks *hooks)
{
  g_string_free (hooks->transcript, TRUE);
}

static void
test_report_success (void)
{
  FaultServer *server = start_server ("starttls", "good", NULL,
                                      "\"extensions_tls\": [\"SIZE 2000000\", \"PIPELINING\"], "
                                      "\"auth_tls\": [\"PLAIN\", \"LOGIN\", \"CRAM-MD5\"]");
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_STARTTLS, TRUE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  g_autofree char *good = fingerprint_of ("good");
  g_autofree char *seen = NULL;
  const char * const offered[] = { "PLAIN", "LOGIN", "CRAM-MD5", NULL };
  Hooks hooks;

  hooks_init (&hooks, FALSE);
  g_assert_true (satchel_sender_verify_report_sync (account, &hooks.hooks, &report, NULL, &error));
  g_assert_no_error (error);
  events = fault_server_stop (server);

  g_assert_nonnull (report);
  g_assert_nonnull (report->certificate);
  seen = satchel_certificate_fingerprint (report->certificate);
  g_assert_cmpstr (seen, ==, good);
  g_assert_cmpint (report->certificate_errors, ==, 0);
  g_assert_false (report->pin_mismatch);
  g_assert_true (g_str_has_prefix (report->tls_description, "TLSv1."));
  g_assert_cmpstr (report->username, ==, USER);
  /* After TLS, not the weaker list announced before it. */
  g_assert_true (g_strv_equal ((const char * const *) report->mechanisms, offered));
  g_assert_cmpuint (report->size_limit, ==, 2000000);

  /* Remembered on the account, for the compose window. */
  g_assert_cmpuint (satchel_account_get_size_limit (account), ==, 2000000);
  g_assert_true (g_strv_equal (satchel_account_get_server_mechanisms (account), offered));
  g_assert_cmpstr (satchel_account_get_username (account), ==, USER);
  g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH CRAM-MD5"), ==, 1);
  hooks_clear (&hooks);
}

static void
test_report_untrusted (void)
{
  FaultServer *server = start_server ("tls", "untrusted", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, FALSE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  g_autofree char *untrusted = fingerprint_of ("untrusted");
  g_autofree char *seen = NULL;
  g_autofree char *shown = satchel_certificate_format_fingerprint (untrusted);

  g_assert_false (satchel_sender_verify_report_sync (account, &with_password, &report, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  g_assert_nonnull (strstr (error->message, shown));
  events = fault_server_stop (server);

  g_assert_nonnull (report);
  g_assert_nonnull (report->certificate);
  seen = satchel_certificate_fingerprint (report->certificate);
  g_assert_cmpstr (seen, ==, untrusted);
  g_assert_true (report->certificate_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_false (report->certificate_errors & G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_false (report->pin_mismatch);
  g_assert_cmpint (report->failed_step, ==, SATCHEL_SMTP_STEP_TLS);
  g_assert_null (report->username);
  g_assert_null (report->mechanisms);
  g_assert_null (satchel_account_get_server_mechanisms (account));
}

/* Every problem, not only the one GLib names. */
static void
test_report_every_problem (void)
{
  FaultServer *server = start_server ("starttls", "expired", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_STARTTLS, FALSE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;

  /* Expired, and its CA is not trusted here: GLib names one problem. */
  g_assert_false (satchel_sender_verify_report_sync (account, &with_password, &report, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  events = fault_server_stop (server);

  g_assert_cmpint (report->certificate_errors & (G_TLS_CERTIFICATE_UNKNOWN_CA |
                                                  G_TLS_CERTIFICATE_EXPIRED), ==,
                   G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_EXPIRED);
  g_assert_nonnull (strstr (error->message, "unknown certificate authority"));
  g_assert_nonnull (strstr (error->message, "expired on 2020-01-02"));
  /* The mechanisms announced before TLS are not what the server offers. */
  g_assert_null (report->mechanisms);
}

static void
test_report_pin (void)
{
  FaultServer *server = start_server ("tls", "untrusted", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, FALSE);
  g_autoptr(SatchelVerifyReport) pinned = NULL;
  g_autoptr(SatchelVerifyReport) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  g_autofree char *untrusted = fingerprint_of ("untrusted");
  g_autofree char *other = fingerprint_of ("untrusted2");
  g_autofree char *shown_old = satchel_certificate_format_fingerprint (other);
  g_autofree char *shown_new = satchel_certificate_format_fingerprint (untrusted);

  satchel_account_set_trust_fingerprint (account, untrusted);
  g_assert_true (satchel_sender_verify_report_sync (account, &with_password, &pinned, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pinned->certificate_errors, ==, 0);
  g_assert_false (pinned->pin_mismatch);

  /* The pinned certificate was replaced by another self-signed one. */
  satchel_account_set_trust_fingerprint (account, other);
  g_assert_false (satchel_sender_verify_report_sync (account, &with_password, &changed, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  g_assert_true (changed->pin_mismatch);
  g_assert_true (changed->certificate_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_nonnull (strstr (error->message, shown_old));
  g_assert_nonnull (strstr (error->message, shown_new));
  events = fault_server_stop (server);
}

/* A pin never stands in the way of a certificate a CA vouches for. */
static void
test_report_ca_renewal (void)
{
  FaultServer *server = start_server ("tls", "renewed", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  g_autofree char *good = fingerprint_of ("good");
  g_autofree char *renewed = fingerprint_of ("renewed");
  g_autofree char *seen = NULL;

  satchel_account_set_trust_fingerprint (account, good);
  g_assert_true (satchel_sender_verify_report_sync (account, &with_password, &report, NULL, &error));
  g_assert_no_error (error);
  events = fault_server_stop (server);
  seen = satchel_certificate_fingerprint (report->certificate);
  g_assert_cmpstr (seen, ==, renewed);
  g_assert_false (report->pin_mismatch);
}

static void
test_local_part_success (void)
{
  FaultServer *server = start_server ("tls", "good", NULL, "\"auth_tls\": [\"LOGIN\", \"PLAIN\"]");
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  Hooks hooks;

  satchel_account_set_username (account, NULL);
  g_assert_cmpstr (satchel_account_get_username (account), ==, ADDRESS);

  hooks_init (&hooks, TRUE);
  g_assert_true (satchel_sender_verify_report_sync (account, &hooks.hooks, &report, NULL, &error));
  g_assert_no_error (error);
  events = fault_server_stop (server);

  g_assert_cmpstr (report->username, ==, USER);
  g_assert_cmpstr (satchel_account_get_username (account), ==, USER);
  /* Twice with the same mechanism, on two connections. */
  g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH PLAIN"), ==, 2);
  g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH"), ==, 2);
  g_assert_cmpuint (count_lines (events, "EVENT connect"), ==, 2);
  hooks_clear (&hooks);
}

static void
test_local_part_failure (void)
{
  FaultServer *server = start_server ("tls", "good", "{\"bob\": \"" PASSWORD "\"}", NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
  g_autoptr(SatchelVerifyReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  Hooks hooks;

  satchel_account_set_username (account, NULL);
  hooks_init (&hooks, TRUE);
  g_assert_false (satchel_sender_verify_report_sync (account, &hooks.hooks, &report, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "refused to sign in both as “alice@example.com” "
                                            "and as “alice” (PLAIN)"));
  g_assert_nonnull (strstr (error->message, "535 5.7.8"));
  events = fault_server_stop (server);

  g_assert_null (report->username);
  g_assert_cmpint (report->failed_step, ==, SATCHEL_SMTP_STEP_AUTH);
  g_assert_cmpstr (satchel_account_get_username (account), ==, ADDRESS);
  g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH"), ==, 2);
  hooks_clear (&hooks);
}

/* Sending, and verifying outside setup, never retry. */
static void
test_local_part_not_asked (void)
{
  FaultServer *server = start_server ("tls", "good", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  Hooks hooks;

  satchel_account_set_username (account, NULL);
  hooks_init (&hooks, FALSE);
  g_assert_false (satchel_sender_verify_sync (account, &hooks.hooks, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_nonnull (strstr (error->message, "“alice@example.com”"));
  events = fault_server_stop (server);
  g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH"), ==, 1);
  hooks_clear (&hooks);
}

/* Neither "try later" nor "use an app password" is a wrong user name. */
static void
test_local_part_other_refusals (void)
{
  const char *replies[] = {
    "454 4.7.0 Temporary authentication failure",
    "534-5.7.9 Application-specific password required. Learn more at\\n"
    "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autofree char *at = g_strdup_printf ("\"at\": {\"auth\": \"%s\"}", replies[i]);
      FaultServer *server = start_server ("tls", "good", NULL, at);
      g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
      g_autoptr(GError) error = NULL;
      g_autofree char *events = NULL;
      Hooks hooks;

      satchel_account_set_username (account, NULL);
      hooks_init (&hooks, TRUE);
      g_assert_false (satchel_sender_verify_sync (account, &hooks.hooks, NULL, &error));
      g_assert_error (error, SATCHEL_SMTP_ERROR,
                      (i == 0 ? SATCHEL_SMTP_ERROR_TEMPORARY
                              : SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED));
      events = fault_server_stop (server);
      g_assert_cmpuint (count_lines (hooks.transcript->str, "C: AUTH"), ==, 1);
      hooks_clear (&hooks);
    }
}

static void
test_app_password (void)
{
  struct
  {
    const char *reply;
    gboolean    app_password;
  } cases[] = {
    { "534-5.7.9 Application-specific password required. Learn more at\\n"
      "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor", TRUE },
    { "534-5.7.14 <https://accounts.google.com/signin/continue> Please log in via\\n"
      "534-5.7.14 your web browser and then try again.\\n"
      "534 5.7.14  Learn more at https://support.google.com/mail/answer/78754", TRUE },
    { "535 5.7.8 Error: authentication failed: app-specific password required", TRUE },
    { "534 5.7.9 Authentication mechanism is too weak", FALSE },
    { "535 5.7.8 Authentication credentials invalid", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *at = g_strdup_printf ("\"at\": {\"auth\": \"%s\"}", cases[i].reply);
      FaultServer *server = start_server ("tls", "good", NULL, at);
      g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
      g_autoptr(SatchelVerifyReport) report = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *events = NULL;
      Hooks hooks;

      g_test_message ("%s", cases[i].reply);
      hooks_init (&hooks, FALSE);
      g_assert_false (satchel_sender_verify_report_sync (account, &hooks.hooks, &report,
                                                         NULL, &error));
      events = fault_server_stop (server);
      g_assert_cmpint (report->failed_step, ==, SATCHEL_SMTP_STEP_AUTH);
      if (cases[i].app_password)
        {
          g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED);
          g_assert_nonnull (strstr (error->message, "wants an app password"));
          g_assert_nonnull (strstr (error->message, "create an app password in its "
                                                    "security settings"));
          g_assert_true (strstr (error->message, "the server said: “534") != NULL ||
                         strstr (error->message, "the server said: “535") != NULL);
        }
      else
        {
          g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
          g_assert_null (strstr (error->message, "app password"));
        }
      hooks_clear (&hooks);
    }
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GThread      *thread;
} Waiter;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->thread = g_thread_self ();
  g_main_loop_quit (waiter->loop);
}

static void
waiter_init (Waiter *waiter)
{
  memset (waiter, 0, sizeof *waiter);
  waiter->loop = g_main_loop_new (NULL, FALSE);
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_main_loop_unref (waiter->loop);
}

static void
test_verify_async_report (void)
{
  FaultServer *server = start_server ("tls", "untrusted", NULL, NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  SatchelVerifyReport *report;
  Waiter waiter;

  waiter_init (&waiter);
  satchel_sender_verify_async (account, &with_password, NULL, on_done, &waiter);
  g_main_loop_run (waiter.loop);
  events = fault_server_stop (server);

  g_assert_true (waiter.thread == g_thread_self ());
  g_assert_false (satchel_sender_verify_finish (waiter.result, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  report = satchel_sender_verify_get_report (waiter.result);
  g_assert_nonnull (report);
  g_assert_nonnull (report->certificate);
  g_assert_true (report->certificate_errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  waiter_clear (&waiter);
}

static SatchelMessage *
make_message (void)
{
  g_autoptr(SatchelAddress) from = satchel_address_parse ("Alice <" ADDRESS ">", NULL);
  g_autoptr(SatchelAddress) to = satchel_address_parse ("bob@example.com", NULL);
  SatchelMessage *message = satchel_message_new ();

  satchel_message_set_from (message, from);
  satchel_message_add_to (message, to);
  satchel_message_set_subject (message, "Queued in a worker");
  satchel_message_set_body (message, "Hello.\n");
  return message;
}

static void
test_queue_async (void)
{
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelAccount) account = satchel_account_new ("work");
  g_autoptr(SatchelMessage) message = make_message ();
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelOutboxItem) held = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  gint64 until = g_get_real_time () / G_USEC_PER_SEC + 600;
  Waiter waiter;

  satchel_account_set_address (account, ADDRESS);
  satchel_account_set_host (account, "localhost");

  waiter_init (&waiter);
  satchel_sender_queue_message_async (context, account, message, 0, NULL, on_done, &waiter);
  g_main_loop_run (waiter.loop);
  g_assert_true (waiter.thread == g_thread_self ());
  item = satchel_sender_queue_message_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_cmpint (satchel_outbox_item_get_state (item), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_cmpstr (satchel_outbox_item_get_account (item), ==, "work");
  g_assert_cmpstr (satchel_outbox_item_get_subject (item), ==, "Queued in a worker");
  path = satchel_outbox_dup_message_path (satchel_context_get_outbox (context), item);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  waiter_clear (&waiter);

  waiter_init (&waiter);
  satchel_sender_queue_message_async (context, account, message, until, NULL, on_done, &waiter);
  g_main_loop_run (waiter.loop);
  held = satchel_sender_queue_message_finish (waiter.result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (satchel_outbox_item_get_state (held), ==, SATCHEL_OUTBOX_HELD);
  g_assert_cmpint (satchel_outbox_item_get_held_until (held), ==, until);
  waiter_clear (&waiter);

  items = satchel_outbox_list (satchel_context_get_outbox (context), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
}

static void
test_queue_async_invalid (void)
{
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelAccount) account = satchel_account_new ("work");
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  Waiter waiter;

  /* No sender, no recipient. */
  waiter_init (&waiter);
  satchel_sender_queue_message_async (context, account, message, 0, NULL, on_done, &waiter);
  g_main_loop_run (waiter.loop);
  item = satchel_sender_queue_message_finish (waiter.result, &error);
  g_assert_null (item);
  g_assert_nonnull (error);
  g_assert_true (error->domain == SATCHEL_MESSAGE_ERROR);
  waiter_clear (&waiter);
}

typedef struct
{
  GThread *main_thread;
  guint    changes;
  guint    changes_elsewhere;
} ModelWatch;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ModelWatch *watch)
{
  watch->changes++;
  if (g_thread_self () != watch->main_thread)
    watch->changes_elsewhere++;
}

static void
on_item_notify (GObject    *object,
                GParamSpec *pspec,
                ModelWatch *watch)
{
  if (g_thread_self () != watch->main_thread)
    watch->changes_elsewhere++;
}

/* What the caller's main loop shows changes only on it: the account
 * model is not reloaded in the worker, the caller's item is updated
 * once the worker is done. */
static void
test_send_item_async (void)
{
  FaultServer *server = start_server ("tls", "good", NULL,
                                      "\"at\": {\"mail\": \"550 5.7.1 Not from you\"}");
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelAccountStore) other = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = make_account (server, SATCHEL_SECURITY_TLS, TRUE);
  g_autoptr(SatchelAccount) renamed = NULL;
  g_autoptr(SatchelMessage) message = make_message ();
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;
  SatchelAccountStore *store = satchel_context_get_accounts (context);
  ModelWatch watch = { g_thread_self (), 0, 0 };
  Hooks hooks;
  Waiter waiter;

  g_assert_true (satchel_account_store_add (store, account, &error));
  g_assert_no_error (error);
  item = satchel_sender_queue_message (context, account, message, 0, NULL, &error);
  g_assert_no_error (error);

  /* Another process adds an account: a reload would show it. */
  renamed = satchel_account_new ("other");
  satchel_account_set_address (renamed, ADDRESS);
  satchel_account_set_host (renamed, "localhost");
  g_assert_true (satchel_account_store_load (other, &error));
  g_assert_true (satchel_account_store_add (other, renamed, &error));
  g_assert_no_error (error);

  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &watch);
  g_signal_connect (item, "notify", G_CALLBACK (on_item_notify), &watch);

  hooks_init (&hooks, FALSE);
  waiter_init (&waiter);
  satchel_sender_send_item_async (context, item, &hooks.hooks, NULL, on_done, &waiter);
  g_main_loop_run (waiter.loop);
  events = fault_server_stop (server);

  g_assert_false (satchel_sender_send_item_finish (waiter.result, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PERMANENT);
  g_assert_cmpuint (watch.changes_elsewhere, ==, 0);
  g_assert_cmpuint (watch.changes, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);
  /* The caller's item says what happened. */
  g_assert_cmpint (satchel_outbox_item_get_state (item), ==, SATCHEL_OUTBOX_FAILED);
  g_assert_nonnull (strstr (satchel_outbox_item_get_last_error (item), "Not from you"));
  g_assert_cmpuint (satchel_outbox_item_get_attempts (item), ==, 1);

  hooks_clear (&hooks);
  waiter_clear (&waiter);
}

/* Cancelled, queueing leaves nothing in the outbox to be sent later. */
static void
test_queue_cancelled (void)
{
  g_autoptr(SatchelContext) context = satchel_context_new ();
  g_autoptr(SatchelAccount) account = satchel_account_new ("cancelled");
  g_autoptr(SatchelMessage) message = make_message ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  satchel_account_set_address (account, ADDRESS);
  satchel_account_set_host (account, "localhost");
  before = satchel_outbox_list (satchel_context_get_outbox (context), &error);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  item = satchel_sender_queue_message (context, account, message, 0, cancellable, &error);
  g_assert_null (item);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  after = satchel_outbox_list (satchel_context_get_outbox (context), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);

  /* Not cancelled, it is queued. */
  g_clear_object (&item);
  item = satchel_sender_queue_message (context, account, message, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = satchel_outbox_list (satchel_context_get_outbox (context), &error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  satchel_mime_init ();

  cert_dir = fault_server_make_certs ();

  g_test_add_func ("/satchel/sender/queue/cancelled", test_queue_cancelled);
  g_test_add_func ("/satchel/sender/verify/report/success", test_report_success);
  g_test_add_func ("/satchel/sender/verify/report/untrusted", test_report_untrusted);
  g_test_add_func ("/satchel/sender/verify/report/every-problem", test_report_every_problem);
  g_test_add_func ("/satchel/sender/verify/report/pin", test_report_pin);
  g_test_add_func ("/satchel/sender/verify/report/ca-renewal", test_report_ca_renewal);
  g_test_add_func ("/satchel/sender/verify/report/async", test_verify_async_report);
  g_test_add_func ("/satchel/sender/verify/local-part/success", test_local_part_success);
  g_test_add_func ("/satchel/sender/verify/local-part/failure", test_local_part_failure);
  g_test_add_func ("/satchel/sender/verify/local-part/not-asked", test_local_part_not_asked);
  g_test_add_func ("/satchel/sender/verify/local-part/other-refusals",
                   test_local_part_other_refusals);
  g_test_add_func ("/satchel/sender/verify/app-password", test_app_password);
  g_test_add_func ("/satchel/sender/queue/async", test_queue_async);
  g_test_add_func ("/satchel/sender/queue/async-invalid", test_queue_async_invalid);
  g_test_add_func ("/satchel/sender/send/async-threads", test_send_item_async);

  status = g_test_run ();
  fault_server_remove_certs (g_steal_pointer (&cert_dir));
  return status;
}
