/* test-certificate.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "satchel-certificate.h"

#include "fault-server.h"

/* Certificates made once by the fault server's make_certs() (the
 * openssl command): a CA, CA-signed ones (good, wrong-host, expired,
 * future, wildcard) and self-signed ones. */
static char *cert_dir;

static GTlsCertificate *
load (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".pem", NULL);
  g_autofree char *path = g_build_filename (cert_dir, file, NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  return certificate;
}

/* The hex SHA-256 of the DER, as openssl computes it. */
static char *
openssl_fingerprint (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".pem", NULL);
  g_autofree char *path = g_build_filename (cert_dir, file, NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "openssl", "x509", "-in", path, "-noout", "-fingerprint",
                         "-sha256", NULL };
  g_autoptr(GString) hex = g_string_new (NULL);
  char *equals;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* "sha256 Fingerprint=AB:CD:…" */
  equals = strchr (out, '=');
  g_assert_nonnull (equals);
  for (char *p = equals + 1; *p != '\0' && *p != '\n'; p++)
    if (*p != ':')
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static void
test_fingerprint (void)
{
  g_autoptr(GTlsCertificate) good = load ("good");
  g_autoptr(GTlsCertificate) renewed = load ("renewed");
  g_autofree char *hex = satchel_certificate_fingerprint (good);
  g_autofree char *expected = openssl_fingerprint ("good");
  g_autofree char *other = satchel_certificate_fingerprint (renewed);

  g_assert_cmpstr (hex, ==, expected);
  g_assert_cmpuint (strlen (hex), ==, 64);
  /* Same name and issuer, another certificate: another pin. */
  g_assert_cmpstr (hex, !=, other);
}

static void
test_format_fingerprint (void)
{
  g_autofree char *empty = satchel_certificate_format_fingerprint ("");
  g_autofree char *short_one = satchel_certificate_format_fingerprint ("0a1b");
  g_autofree char *hex = g_strnfill (64, 'f');
  g_autofree char *shown = satchel_certificate_format_fingerprint (hex);

  g_assert_cmpstr (empty, ==, "");
  g_assert_cmpstr (short_one, ==, "0A:1B");
  g_assert_cmpuint (strlen (shown), ==, 64 + 31);
  g_assert_true (g_str_has_prefix (shown, "FF:FF:"));
  g_assert_true (g_str_has_suffix (shown, ":FF"));
}

static void
test_problems_host (void)
{
  g_autoptr(GTlsCertificate) good = load ("good");
  struct
  {
    const char *host;
    gboolean    matches;
  } cases[] = {
    { "localhost", TRUE },
    { "LocalHost", TRUE },
    { "localhost.", TRUE },
    { "127.0.0.1", TRUE },
    { "127.0.0.2", FALSE },
    { "[::1]", FALSE },
    { "mail.example.com", FALSE },
    { "localhost.example.com", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GTlsCertificateFlags problems = satchel_certificate_find_problems (good, cases[i].host, 0);

      g_test_message ("host %s", cases[i].host);
      g_assert_cmpint (problems, ==, cases[i].matches ? 0 : G_TLS_CERTIFICATE_BAD_IDENTITY);
    }
}

static void
test_problems_wildcard (void)
{
  g_autoptr(GTlsCertificate) wildcard = load ("wildcard");

  g_assert_cmpint (satchel_certificate_find_problems (wildcard, "smtp.example.test", 0), ==, 0);
  g_assert_cmpint (satchel_certificate_find_problems (wildcard, "SMTP.Example.Test", 0), ==, 0);
  /* One label only, and not the bare domain. */
  g_assert_cmpint (satchel_certificate_find_problems (wildcard, "a.smtp.example.test", 0),
                   ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_cmpint (satchel_certificate_find_problems (wildcard, "example.test", 0),
                   ==, G_TLS_CERTIFICATE_BAD_IDENTITY);
}

static void
test_problems_dates (void)
{
  g_autoptr(GTlsCertificate) expired = load ("expired");
  g_autoptr(GTlsCertificate) future = load ("future");
  g_auto(GStrv) expired_reasons = NULL;
  g_auto(GStrv) future_reasons = NULL;
  GTlsCertificateFlags problems;

  problems = satchel_certificate_find_problems (expired, "localhost", 0);
  g_assert_cmpint (problems, ==, G_TLS_CERTIFICATE_EXPIRED);
  expired_reasons = satchel_certificate_describe_problems (expired, "localhost", problems);
  g_assert_cmpuint (g_strv_length (expired_reasons), ==, 1);
  g_assert_cmpstr (expired_reasons[0], ==, "it expired on 2020-01-02");

  problems = satchel_certificate_find_problems (future, "localhost", 0);
  g_assert_cmpint (problems, ==, G_TLS_CERTIFICATE_NOT_ACTIVATED);
  future_reasons = satchel_certificate_describe_problems (future, "localhost", problems);
  g_assert_cmpuint (g_strv_length (future_reasons), ==, 1);
  g_assert_cmpstr (future_reasons[0], ==, "it is not valid before 2099-01-01");
}

/* GLib reports one flag; everything else is found in the certificate. */
static void
test_problems_all (void)
{
  g_autoptr(GTlsCertificate) expired = load ("expired");
  g_auto(GStrv) reasons = NULL;
  GTlsCertificateFlags problems;

  problems = satchel_certificate_find_problems (expired, "smtp.example.com",
                                                G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_cmpint (problems, ==, G_TLS_CERTIFICATE_UNKNOWN_CA |
                                 G_TLS_CERTIFICATE_BAD_IDENTITY |
                                 G_TLS_CERTIFICATE_EXPIRED);

  reasons = satchel_certificate_describe_problems (expired, "smtp.example.com", problems);
  g_assert_cmpuint (g_strv_length (reasons), ==, 3);
  g_assert_cmpstr (reasons[0], ==,
                   "it is self-signed or issued by an unknown certificate authority");
  g_assert_cmpstr (reasons[1], ==,
                   "it was issued for another host name, not “smtp.example.com” "
                   "(name mismatch)");
  g_assert_cmpstr (reasons[2], ==, "it expired on 2020-01-02");
}

static void
test_describe_other (void)
{
  g_autoptr(GTlsCertificate) good = load ("good");
  g_auto(GStrv) none = satchel_certificate_describe_problems (good, "localhost", 0);
  g_auto(GStrv) rest = NULL;
  g_auto(GStrv) generic = NULL;

  g_assert_cmpuint (g_strv_length (none), ==, 0);

  rest = satchel_certificate_describe_problems (good, "localhost",
                                                G_TLS_CERTIFICATE_REVOKED |
                                                G_TLS_CERTIFICATE_INSECURE);
  g_assert_cmpuint (g_strv_length (rest), ==, 2);
  g_assert_cmpstr (rest[0], ==, "it has been revoked");
  g_assert_cmpstr (rest[1], ==, "it uses insecure cryptography");

  generic = satchel_certificate_describe_problems (good, "localhost",
                                                   G_TLS_CERTIFICATE_GENERIC_ERROR);
  g_assert_cmpuint (g_strv_length (generic), ==, 1);
  g_assert_cmpstr (generic[0], ==, "it could not be checked");
}

static void
test_details (void)
{
  g_autoptr(GTlsCertificate) good = load ("good");
  g_autoptr(GTlsCertificate) untrusted = load ("untrusted");
  g_autoptr(GTlsCertificate) expired = load ("expired");
  g_autofree char *subject = satchel_certificate_dup_subject (good);
  g_autofree char *issuer = satchel_certificate_dup_issuer (good);
  g_autofree char *self_issuer = satchel_certificate_dup_issuer (untrusted);
  g_autofree char *before = satchel_certificate_dup_not_before (expired);
  g_autofree char *after = satchel_certificate_dup_not_after (expired);
  g_autofree char *good_after = satchel_certificate_dup_not_after (good);

  g_assert_nonnull (strstr (subject, "CN=localhost"));
  g_assert_nonnull (strstr (issuer, "CN=Satchel Fault Test CA"));
  g_assert_nonnull (strstr (self_issuer, "CN=localhost"));
  g_assert_cmpstr (before, ==, "2020-01-01");
  g_assert_cmpstr (after, ==, "2020-01-02");
  g_assert_true (g_regex_match_simple ("^2[0-9]{3}-[01][0-9]-[0-3][0-9]$", good_after, 0, 0));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Validity dates are shown as local days: make them predictable. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  cert_dir = fault_server_make_certs ();

  g_test_add_func ("/satchel/certificate/fingerprint", test_fingerprint);
  g_test_add_func ("/satchel/certificate/format-fingerprint", test_format_fingerprint);
  g_test_add_func ("/satchel/certificate/problems/host", test_problems_host);
  g_test_add_func ("/satchel/certificate/problems/wildcard", test_problems_wildcard);
  g_test_add_func ("/satchel/certificate/problems/dates", test_problems_dates);
  g_test_add_func ("/satchel/certificate/problems/all", test_problems_all);
  g_test_add_func ("/satchel/certificate/describe/other", test_describe_other);
  g_test_add_func ("/satchel/certificate/details", test_details);

  status = g_test_run ();
  fault_server_remove_certs (g_steal_pointer (&cert_dir));
  return status;
}
