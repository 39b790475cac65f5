/* test-autoconfig.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "satchel-autoconfig.h"
#include "satchel-autoconfig-private.h"

/* Discovery against a resolver of the test's own (SRV answers, names
 * mapped to loopback addresses 127.0.0.1-3) and real servers listening
 * on those addresses, on ports that stand in for 465 and 587. */

/* Time-outs are generous: the machine may be loaded. What is checked
 * is that the answer does not wait for a silent server beyond the
 * time-out, not how fast anything is. */
#define SLACK_US (8 * G_USEC_PER_SEC)

/* The resolver -------------------------------------------------------------- */

/* The resolver's answers, in the key file satchel-autoconfig's test
 * resolver reads at each lookup. */
static void
resolver_add_host (GKeyFile   *answers,
                   const char *name,
                   const char *address)
{
  g_key_file_set_string (answers, "hosts", name, address);
}

static void
resolver_add_srv (GKeyFile   *answers,
                  const char *name,
                  guint16     priority,
                  guint16     weight,
                  guint16     port,
                  const char *target)
{
  g_autofree char *old = g_key_file_get_string (answers, "srv", name, NULL);
  g_autofree char *value = g_strdup_printf ("%s%u %u %u %s;", old != NULL ? old : "",
                                            priority, weight, port, target);

  g_key_file_set_string (answers, "srv", name, value);
}

/* Lookups of @name never answer unless cancelled. */
static void
resolver_stall (GKeyFile   *answers,
                const char *name)
{
  g_key_file_set_boolean (answers, "stall", name, TRUE);
}

/* The servers ---------------------------------------------------------------- */

typedef enum
{
  SERVE_SMTP,      /* "220 …" at once */
  SERVE_TLS_SMTP,  /* TLS handshake, then "220 …" */
  SERVE_SILENT,    /* accepts, says nothing */
  SERVE_OTHER,     /* some other protocol */
} Behaviour;

/* What a service's "run" handler uses. The signal's closure owns it: a
 * connection's thread holds the service, so it lives as long as the
 * last connection, after the test has let go of the service. */
typedef struct
{
  Behaviour        behaviour;
  GTlsCertificate *certificate;
  GCancellable    *stop;
} Listener;

static void
listener_free (gpointer  data,
               GClosure *closure)
{
  Listener *listener = data;

  g_object_unref (listener->certificate);
  g_object_unref (listener->stop);
  g_free (listener);
}

/* All servers run in one thread with its own main context, so that the
 * blocking discovery (its own context on the test's thread) reaches them
 * too. Each connection is handled in a thread of the service. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  GPtrArray    *services;  /* GThreadedSocketService */
  GCancellable *stop;      /* ends the connections' threads */
  guint16       ports[2];  /* stand-ins for 465 and 587 */
} Servers;

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source_object,
        gpointer                user_data)
{
  Listener *listener = user_data;
  g_autoptr(GIOStream) tls = NULL;
  GIOStream *stream = G_IO_STREAM (connection);
  char buffer[256];

  switch (listener->behaviour)
    {
    case SERVE_TLS_SMTP:
      tls = g_tls_server_connection_new (stream, listener->certificate, NULL);
      if (tls == NULL ||
          !g_tls_connection_handshake (G_TLS_CONNECTION (tls), listener->stop, NULL))
        return TRUE;
      stream = tls;
      G_GNUC_FALLTHROUGH;
    case SERVE_SMTP:
      g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                                 "220 test.example ESMTP ready\r\n", 30, NULL, NULL, NULL);
      break;
    case SERVE_OTHER:
      g_output_stream_write_all (g_io_stream_get_output_stream (stream),
                                 "HTTP/1.1 400 Bad Request\r\n\r\n", 28, NULL, NULL, NULL);
      break;
    case SERVE_SILENT:
    default:
      break;
    }

  /* Until the client hangs up. */
  while (g_input_stream_read (g_io_stream_get_input_stream (stream), buffer, sizeof buffer,
                              listener->stop, NULL) > 0)
    ;
  return TRUE;
}

static gpointer
servers_thread (gpointer data)
{
  Servers *servers = data;

  g_main_context_push_thread_default (servers->context);
  g_main_loop_run (servers->loop);
  g_main_context_pop_thread_default (servers->context);
  return NULL;
}

/* Binds @address:@port (0: any). */
static gboolean
listen_on (Servers    *servers,
           const char *address,
           guint16    *port,
           Behaviour   behaviour,
           GError    **error)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) wanted = g_inet_socket_address_new (inet, *port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autofree char *pem = g_test_build_filename (G_TEST_BUILT, "localhost.pem", NULL);
  g_autofree char *key = g_test_build_filename (G_TEST_BUILT, "localhost.key", NULL);
  Listener *listener = g_new0 (Listener, 1);
  GSocketService *service;
  gboolean ok;

  listener->behaviour = behaviour;
  listener->stop = g_object_ref (servers->stop);
  listener->certificate = g_tls_certificate_new_from_files (pem, key, NULL);
  g_assert_nonnull (listener->certificate);

  /* The service accepts on the thread-default context of the calls that
   * create and fill it: the servers' own. */
  g_main_context_push_thread_default (servers->context);
  service = g_threaded_socket_service_new (8);
  g_socket_service_stop (service);
  g_signal_connect_data (service, "run", G_CALLBACK (on_run), listener, listener_free, 0);
  g_ptr_array_add (servers->services, service);
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (service), wanted,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error);
  g_main_context_pop_thread_default (servers->context);
  if (!ok)
    return FALSE;

  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

static void
service_free (GSocketService *service)
{
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_object_unref (service);
}

typedef struct
{
  const char *address;   /* 127.0.0.N */
  guint       kind;      /* 0: the 465 stand-in, 1: the 587 one */
  Behaviour   behaviour;
} Plan;

/* Listens as @plan says, on two ports the same for every address. */
static Servers *
servers_start (const Plan *plan,
               gsize       n_plan)
{
  Servers *servers = g_new0 (Servers, 1);

  servers->context = g_main_context_new ();
  servers->loop = g_main_loop_new (servers->context, FALSE);
  servers->services = g_ptr_array_new_with_free_func ((GDestroyNotify) service_free);
  servers->stop = g_cancellable_new ();

  /* The first bind chooses each port; another address may have it taken
   * already, then try again. */
  for (guint attempt = 0;; attempt++)
    {
      gboolean ok = TRUE;

      servers->ports[0] = servers->ports[1] = 0;
      for (gsize i = 0; i < n_plan && ok; i++)
        {
          g_autoptr(GError) error = NULL;

          if (!listen_on (servers, plan[i].address, &servers->ports[plan[i].kind],
                          plan[i].behaviour, &error))
            {
              g_test_message ("bind %s: %s", plan[i].address, error->message);
              ok = FALSE;
            }
        }
      if (ok)
        break;
      g_assert_cmpuint (attempt, <, 20);
      g_ptr_array_set_size (servers->services, 0);
    }

  g_main_context_push_thread_default (servers->context);
  for (guint i = 0; i < servers->services->len; i++)
    g_socket_service_start (g_ptr_array_index (servers->services, i));
  g_main_context_pop_thread_default (servers->context);
  /* No port yet for a kind without a server: one where nothing listens. */
  for (guint kind = 0; kind < 2; kind++)
    if (servers->ports[kind] == 0)
      {
        g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                  G_SOCKET_PROTOCOL_TCP, NULL);
        g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
        g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
        g_autoptr(GSocketAddress) bound = NULL;

        g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
        bound = g_socket_get_local_address (socket, NULL);
        servers->ports[kind] = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      }

  servers->thread = g_thread_new ("test-servers", servers_thread, servers);
  satchel_autoconfig_set_test_ports (servers->ports[0], servers->ports[1]);
  return servers;
}

static void
servers_stop (Servers *servers)
{
  /* Cancelled lookups and probes still report back: let them end. */
  for (guint i = 0; i < 1000 && g_main_context_iteration (NULL, FALSE); i++)
    ;

  g_cancellable_cancel (servers->stop);
  g_main_loop_quit (servers->loop);
  g_thread_join (servers->thread);
  g_ptr_array_unref (servers->services);
  g_object_unref (servers->stop);
  g_main_loop_unref (servers->loop);
  g_main_context_unref (servers->context);
  g_free (servers);
  satchel_autoconfig_set_test_ports (0, 0);
}

/* Running discovery ------------------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GPtrArray *
discover (const char    *address,
          GResolver     *resolver,
          guint          timeout_ms,
          GCancellable  *cancellable,
          gint64        *elapsed,
          GError       **error)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  gint64 start = g_get_monotonic_time ();
  GPtrArray *candidates;

  satchel_autoconfig_discover_async (address, resolver, timeout_ms, cancellable,
                                     on_discovered, &waiter);
  g_main_loop_run (waiter.loop);
  if (elapsed != NULL)
    *elapsed = g_get_monotonic_time () - start;

  candidates = satchel_autoconfig_discover_finish (waiter.result, error);
  g_object_unref (waiter.result);
  g_main_loop_unref (waiter.loop);
  return candidates;
}

/* "host:port:security:source" per candidate, for one assertion. */
static char *
describe (GPtrArray *candidates)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < candidates->len; i++)
    {
      SatchelAutoconfigCandidate *candidate = g_ptr_array_index (candidates, i);

      g_string_append_printf (text, "%s%s:%u:%s:%s", i > 0 ? " " : "", candidate->host,
                              candidate->port, satchel_security_to_string (candidate->security),
                              satchel_autoconfig_source_to_string (candidate->source));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Tests ------------------------------------------------------------------- */

static void
test_srv_first (void)
{
  const Plan plan[] = { { "127.0.0.1", 1, SERVE_SMTP } };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  resolver_add_srv (answers, "_submissions._tcp.example.test", 10, 5, 1465, "b.example.test.");
  resolver_add_srv (answers, "_submissions._tcp.example.test", 5, 0, 2465, "a.example.test.");
  resolver_add_srv (answers, "_submissions._tcp.example.test", 10, 50, 3465, "C.Example.Test");
  /* The same server twice is listed once. */
  resolver_add_srv (answers, "_submissions._tcp.example.test", 20, 0, 3465, "c.example.test.");
  resolver_add_srv (answers, "_submission._tcp.example.test", 5, 0, 1587, "a.example.test.");
  /* "." is "no service here". */
  resolver_add_srv (answers, "_submission._tcp.example.test", 0, 0, 0, ".");
  resolver_add_host (answers, "smtp.example.test", "127.0.0.1");

  candidates = discover ("Anna <anna@Example.Test>", resolver, 4000, NULL,
                         NULL, &error);
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("a.example.test:2465:tls:srv a.example.test:1587:starttls:srv "
                              "c.example.test:3465:tls:srv b.example.test:1465:tls:srv "
                              "smtp.example.test:%u:starttls:probe", servers->ports[1]);
  g_assert_cmpstr (text, ==, expected);
  servers_stop (servers);
}

static void
test_no_service (void)
{
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;

  resolver_add_srv (answers, "_submissions._tcp.example.test", 0, 0, 0, ".");
  resolver_add_srv (answers, "_submission._tcp.example.test", 0, 0, 0, ".");

  /* Nothing found is not an error. */
  candidates = discover ("anna@example.test", resolver, 2000, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (candidates);
  g_assert_cmpuint (candidates->len, ==, 0);
}

/* Implicit TLS first, then smtp., mail., the bare domain; only what
 * answers like an SMTP server counts. */
static void
test_probe_order (void)
{
  const Plan plan[] = {
    { "127.0.0.1", 0, SERVE_TLS_SMTP },
    { "127.0.0.2", 0, SERVE_TLS_SMTP },
    { "127.0.0.3", 0, SERVE_SMTP },      /* plain text on the TLS port */
    { "127.0.0.1", 1, SERVE_SMTP },
    { "127.0.0.2", 1, SERVE_OTHER },     /* not SMTP */
    { "127.0.0.3", 1, SERVE_SMTP },
  };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  resolver_add_host (answers, "smtp.example.test", "127.0.0.1");
  resolver_add_host (answers, "mail.example.test", "127.0.0.2");
  resolver_add_host (answers, "example.test", "127.0.0.3");

  candidates = discover ("anna@example.test", resolver, 4000, NULL, NULL, &error);
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("smtp.example.test:%u:tls:probe mail.example.test:%u:tls:probe "
                              "smtp.example.test:%u:starttls:probe "
                              "example.test:%u:starttls:probe",
                              servers->ports[0], servers->ports[0],
                              servers->ports[1], servers->ports[1]);
  g_assert_cmpstr (text, ==, expected);
  servers_stop (servers);
}

/* A port that accepts and then says nothing is given up at the
 * time-out: the answer does not wait for it any longer. */
static void
test_silent_port (void)
{
  const Plan plan[] = {
    { "127.0.0.1", 0, SERVE_SILENT },
    { "127.0.0.1", 1, SERVE_SMTP },
  };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const guint timeout_ms = 1500;
  gint64 elapsed = 0;

  resolver_add_host (answers, "smtp.example.test", "127.0.0.1");

  candidates = discover ("anna@example.test", resolver, timeout_ms, NULL,
                         &elapsed, &error);
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("smtp.example.test:%u:starttls:probe", servers->ports[1]);
  g_assert_cmpstr (text, ==, expected);
  /* It did wait for the silent one, and not much longer. */
  g_assert_cmpint (elapsed, >=, timeout_ms * 1000 / 2);
  g_assert_cmpint (elapsed, <, timeout_ms * 1000 + SLACK_US);
  servers_stop (servers);
}

/* GResolver has no time-out in GLib 2.74: a DNS server that never
 * answers is bounded by the same time-out. */
static void
test_dns_bounded (void)
{
  const Plan plan[] = { { "127.0.0.1", 0, SERVE_TLS_SMTP } };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  const guint timeout_ms = 1500;
  gint64 elapsed = 0;

  resolver_stall (answers, "_submissions._tcp.example.test");
  resolver_stall (answers, "_submission._tcp.example.test");
  resolver_stall (answers, "mail.example.test");
  resolver_add_host (answers, "smtp.example.test", "127.0.0.1");

  candidates = discover ("anna@example.test", resolver, timeout_ms, NULL,
                         &elapsed, &error);
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("smtp.example.test:%u:tls:probe", servers->ports[0]);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpint (elapsed, <, timeout_ms * 1000 + SLACK_US);
  servers_stop (servers);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  const Plan plan[] = {
    { "127.0.0.1", 0, SERVE_SILENT },
    { "127.0.0.1", 1, SERVE_SILENT },
  };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  gint64 elapsed = 0;

  resolver_stall (answers, "_submissions._tcp.example.test");
  resolver_add_host (answers, "smtp.example.test", "127.0.0.1");

  /* A minute's time-out; cancelled after a moment. */
  g_timeout_add (200, cancel_soon, cancellable);
  candidates = discover ("anna@example.test", resolver, 60000, cancellable,
                         &elapsed, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (candidates);
  g_assert_cmpint (elapsed, <, SLACK_US);
  servers_stop (servers);
}

static void
test_invalid_address (void)
{
  const char * const addresses[] = {
    "no-at-sign", "anna@", "@example.test", "anna@[127.0.0.1]", "anna@exa mple.test", "",
  };
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);

  for (gsize i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autoptr(GPtrArray) candidates = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", addresses[i]);
      candidates = discover (addresses[i], resolver, 1000, NULL, NULL, &error);
      g_assert_null (candidates);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "is not an email address with a domain"));
    }
}

/* The blocking variant runs a main context of its own. */
static void
test_sync (void)
{
  const Plan plan[] = {
    { "127.0.0.2", 0, SERVE_TLS_SMTP },
    { "127.0.0.2", 1, SERVE_SILENT },
  };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GKeyFile) answers = g_key_file_new ();
  g_autoptr(GResolver) resolver = satchel_autoconfig_test_resolver_new (answers);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  resolver_add_srv (answers, "_submission._tcp.example.test", 0, 0, 2587, "relay.example.test");
  resolver_add_host (answers, "mail.example.test", "127.0.0.2");

  candidates = satchel_autoconfig_discover_sync ("anna@example.test", resolver,
                                                 1500, NULL, &error);
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("relay.example.test:2587:starttls:srv "
                              "mail.example.test:%u:tls:probe", servers->ports[0]);
  g_assert_cmpstr (text, ==, expected);
  servers_stop (servers);
}

/* What processes started by tests read: SATCHEL_TEST_AUTOCONFIG. */
static void
test_test_file (void)
{
  const Plan plan[] = { { "127.0.0.3", 1, SERVE_SMTP } };
  Servers *servers = servers_start (plan, G_N_ELEMENTS (plan));
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "autoconfig.ini", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  contents = g_strdup_printf ("[ports]\ntls=%u\nstarttls=%u\n"
                              "[hosts]\nexample.test=127.0.0.3\n"
                              "[srv]\n_submissions._tcp.example.test=1 0 4465 smtp.example.test.;"
                              "0 0 0 .;\n",
                              servers->ports[0], servers->ports[1]);
  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  /* Only the file's ports count then. */
  satchel_autoconfig_set_test_ports (0, 0);
  g_setenv ("SATCHEL_TEST_AUTOCONFIG", path, TRUE);

  candidates = satchel_autoconfig_discover_sync ("anna@example.test", NULL, 1500, NULL, &error);
  g_unsetenv ("SATCHEL_TEST_AUTOCONFIG");
  g_assert_no_error (error);
  text = describe (candidates);
  expected = g_strdup_printf ("smtp.example.test:4465:tls:srv example.test:%u:starttls:probe",
                              servers->ports[1]);
  g_assert_cmpstr (text, ==, expected);
  servers_stop (servers);
}

int
main (int   argc,
      char *argv[])
{
  /* Isolated XDG folders have no GSettings schemas for GIO's GNOME
   * proxy resolver; loopback needs no proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_unsetenv ("SATCHEL_TEST_AUTOCONFIG");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/autoconfig/srv-first", test_srv_first);
  g_test_add_func ("/satchel/autoconfig/no-service", test_no_service);
  g_test_add_func ("/satchel/autoconfig/probe-order", test_probe_order);
  g_test_add_func ("/satchel/autoconfig/silent-port", test_silent_port);
  g_test_add_func ("/satchel/autoconfig/dns-bounded", test_dns_bounded);
  g_test_add_func ("/satchel/autoconfig/cancel", test_cancel);
  g_test_add_func ("/satchel/autoconfig/invalid-address", test_invalid_address);
  g_test_add_func ("/satchel/autoconfig/sync", test_sync);
  g_test_add_func ("/satchel/autoconfig/test-file", test_test_file);

  return g_test_run ();
}
