/* satchel-certificate.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-certificate"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-certificate.h"

#include <string.h>

/* Helpers */

/* A host name as certificates carry it: ASCII (A-labels), lower case,
 * without a final dot. NULL for an IP address or nothing usable. */
static char *
dup_comparable_name (const char *name)
{
  g_autofree char *ascii = NULL;
  gsize len;

  if (name == NULL || *name == '\0')
    return NULL;

  ascii = g_hostname_to_ascii (name);
  if (ascii == NULL)
    return NULL;

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[len - 1] = '\0';

  return g_ascii_strdown (ascii, -1);
}

/* RFC 6125, 6.4.3: a wildcard only as the whole left-most label, which
 * matches exactly one label; never for a public suffix such as "*.com"
 * (we ask for at least two labels after it). */
static gboolean
name_matches (const char *pattern,
              const char *host)
{
  const char *host_rest;

  if (g_ascii_strcasecmp (pattern, host) == 0)
    return TRUE;

  if (pattern[0] != '*' || pattern[1] != '.')
    return FALSE;
  if (strchr (pattern + 2, '.') == NULL)
    return FALSE;

  host_rest = strchr (host, '.');
  if (host_rest == NULL || host_rest == host)
    return FALSE;

  return g_ascii_strcasecmp (pattern + 1, host_rest) == 0;
}

static gboolean
dns_names_match (GPtrArray  *names,
                 const char *host)
{
  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (names, i);
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autofree char *name = NULL;
      g_autofree char *comparable = NULL;

      if (data == NULL || size == 0 || memchr (data, '\0', size) != NULL)
        continue;
      name = g_strndup (data, size);
      comparable = dup_comparable_name (name);
      if (comparable != NULL && name_matches (comparable, host))
        return TRUE;
    }

  return FALSE;
}

static gboolean
ip_addresses_match (GPtrArray    *addresses,
                    GInetAddress *host)
{
  for (guint i = 0; addresses != NULL && i < addresses->len; i++)
    if (g_inet_address_equal (g_ptr_array_index (addresses, i), host))
      return TRUE;

  return FALSE;
}

/* TRUE when @certificate names @host in its subjectAltName, or, for an
 * old certificate without one, when the TLS library says so (it then
 * reads the subject's common name). */
static gboolean
certificate_names_host (GTlsCertificate *certificate,
                        const char      *host)
{
  g_autoptr(GPtrArray) names = g_tls_certificate_get_dns_names (certificate);
  g_autoptr(GPtrArray) addresses = g_tls_certificate_get_ip_addresses (certificate);
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize len = strlen (host);

  /* "[::1]" as people may write an IPv6 address. */
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  address = g_inet_address_new_from_string (bare);

  if ((names == NULL || names->len == 0) &&
      (addresses == NULL || addresses->len == 0))
    {
      g_autoptr(GSocketConnectable) identity = g_network_address_new (bare, 0);

      return !(g_tls_certificate_verify (certificate, identity, NULL) &
               G_TLS_CERTIFICATE_BAD_IDENTITY);
    }

  if (address != NULL)
    return ip_addresses_match (addresses, address);

  {
    g_autofree char *comparable = dup_comparable_name (bare);

    return comparable != NULL && dns_names_match (names, comparable);
  }
}

/* A validity date for people: the local calendar day. */
static char *
format_date (GDateTime *date)
{
  g_autoptr(GDateTime) local = NULL;

  if (date == NULL)
    return NULL;

  local = g_date_time_to_local (date);
  return g_date_time_format (local != NULL ? local : date, "%Y-%m-%d");
}

/* @with_date (one %s) when the date is known, else @without. */
static void
add_dated_reason (GStrvBuilder *reasons,
                  const char   *date,
                  const char   *with_date,
                  const char   *without)
{
  g_autofree char *reason = NULL;

  if (date == NULL)
    {
      g_strv_builder_add (reasons, without);
      return;
    }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  reason = g_strdup_printf (with_date, date);
#pragma GCC diagnostic pop
  g_strv_builder_add (reasons, reason);
}

/* Public API */

char *
satchel_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}

char *
satchel_certificate_format_fingerprint (const char *hex)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (hex != NULL, NULL);

  out = g_string_sized_new (strlen (hex) * 3 / 2);
  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

GTlsCertificateFlags
satchel_certificate_find_problems (GTlsCertificate      *certificate,
                                   const char           *host,
                                   GTlsCertificateFlags  reported)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  GTlsCertificateFlags problems = reported;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), reported);

  if (host != NULL && *host != '\0' && !certificate_names_host (certificate, host))
    problems |= G_TLS_CERTIFICATE_BAD_IDENTITY;

  now = g_date_time_new_now_utc ();
  before = g_tls_certificate_get_not_valid_before (certificate);
  after = g_tls_certificate_get_not_valid_after (certificate);
  if (after != NULL && g_date_time_compare (now, after) > 0)
    problems |= G_TLS_CERTIFICATE_EXPIRED;
  if (before != NULL && g_date_time_compare (now, before) < 0)
    problems |= G_TLS_CERTIFICATE_NOT_ACTIVATED;

  return problems;
}

GStrv
satchel_certificate_describe_problems (GTlsCertificate      *certificate,
                                       const char           *host,
                                       GTlsCertificateFlags  problems)
{
  g_autoptr(GStrvBuilder) reasons = g_strv_builder_new ();
  gboolean any = FALSE;

  g_return_val_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate), NULL);

  if (problems & G_TLS_CERTIFICATE_UNKNOWN_CA)
    {
      g_strv_builder_add (reasons, _("it is self-signed or issued by an unknown "
                                     "certificate authority"));
      any = TRUE;
    }
  if (problems & G_TLS_CERTIFICATE_BAD_IDENTITY)
    {
      g_autofree char *reason = g_strdup_printf (_("it was issued for another host "
                                                   "name, not “%s” (name mismatch)"),
                                                 host != NULL ? host : "");
      g_strv_builder_add (reasons, reason);
      any = TRUE;
    }
  if (problems & G_TLS_CERTIFICATE_EXPIRED)
    {
      g_autofree char *date = certificate ? satchel_certificate_dup_not_after (certificate) : NULL;

      add_dated_reason (reasons, date, _("it expired on %s"), _("it has expired"));
      any = TRUE;
    }
  if (problems & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    {
      g_autofree char *date = certificate ? satchel_certificate_dup_not_before (certificate) : NULL;

      add_dated_reason (reasons, date, _("it is not valid before %s"), _("it is not valid yet"));
      any = TRUE;
    }
  if (problems & G_TLS_CERTIFICATE_REVOKED)
    {
      g_strv_builder_add (reasons, _("it has been revoked"));
      any = TRUE;
    }
  if (problems & G_TLS_CERTIFICATE_INSECURE)
    {
      g_strv_builder_add (reasons, _("it uses insecure cryptography"));
      any = TRUE;
    }
  if ((problems & G_TLS_CERTIFICATE_GENERIC_ERROR) || (problems != 0 && !any))
    g_strv_builder_add (reasons, _("it could not be checked"));

  return g_strv_builder_end (reasons);
}

char *
satchel_certificate_dup_subject (GTlsCertificate *certificate)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  return g_tls_certificate_get_subject_name (certificate);
}

char *
satchel_certificate_dup_issuer (GTlsCertificate *certificate)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  return g_tls_certificate_get_issuer_name (certificate);
}

char *
satchel_certificate_dup_not_before (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) date = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  date = g_tls_certificate_get_not_valid_before (certificate);
  return format_date (date);
}

char *
satchel_certificate_dup_not_after (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) date = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  date = g_tls_certificate_get_not_valid_after (certificate);
  return format_date (date);
}
