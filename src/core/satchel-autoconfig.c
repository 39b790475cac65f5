/* satchel-autoconfig.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-autoconfig"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-autoconfig.h"
#include "satchel-autoconfig-private.h"

#include "satchel-address.h"

#include <stdio.h>
#include <string.h>

/* A greeting line longer than this is no SMTP server we want. */
#define GREETING_MAX 1024

/* After the answer, lookups and probes that were cancelled still report
 * back; the blocking call waits at most this long for them. */
#define DRAIN_TIMEOUT_MS 2000

enum
{
  KIND_TLS,       /* 465: implicit TLS */
  KIND_STARTTLS,  /* 587: plain, then STARTTLS */
  N_KINDS
};

/* The guessed names, best first. */
static const char * const probe_prefixes[] = { "smtp.", "mail.", "" };
#define N_HOSTS G_N_ELEMENTS (probe_prefixes)

static guint16 test_ports[N_KINDS];

/* The test resolver of SATCHEL_TEST_AUTOCONFIG ---------------------------- */

/* Answers from a key file, for processes that tests start:
 *   [ports]  tls=PORT  starttls=PORT
 *   [hosts]  NAME=ADDRESS;…
 *   [srv]    _submissions._tcp.DOMAIN=PRIORITY WEIGHT PORT TARGET;…
 *   [stall]  NAME=true   (a lookup that never answers)
 * Anything not listed does not exist. */
#define SATCHEL_TYPE_FILE_RESOLVER (satchel_file_resolver_get_type ())
G_DECLARE_FINAL_TYPE (SatchelFileResolver, satchel_file_resolver, SATCHEL, FILE_RESOLVER, GResolver)

struct _SatchelFileResolver
{
  GResolver  parent_instance;

  GKeyFile  *key_file;
};

G_DEFINE_FINAL_TYPE (SatchelFileResolver, satchel_file_resolver, G_TYPE_RESOLVER)

static void
set_not_found (GError     **error,
               const char  *name)
{
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
               "No test answer for “%s”", name);
}

static GList *
file_resolver_addresses (SatchelFileResolver  *self,
                         const char           *name,
                         GError              **error)
{
  g_auto(GStrv) values = g_key_file_get_string_list (self->key_file, "hosts", name, NULL, NULL);
  GList *addresses = NULL;

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      GInetAddress *address = g_inet_address_new_from_string (g_strstrip (values[i]));

      if (address != NULL)
        addresses = g_list_append (addresses, address);
    }

  if (addresses == NULL)
    set_not_found (error, name);
  return addresses;
}

static GList *
file_resolver_records (SatchelFileResolver  *self,
                       const char           *name,
                       GResolverRecordType   type,
                       GError              **error)
{
  g_auto(GStrv) values = NULL;
  GList *records = NULL;

  if (type == G_RESOLVER_RECORD_SRV)
    values = g_key_file_get_string_list (self->key_file, "srv", name, NULL, NULL);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      guint priority, weight, port;
      char target[256];

      if (sscanf (values[i], "%u %u %u %255s", &priority, &weight, &port, target) == 4)
        records = g_list_append (records,
                                 g_variant_ref_sink (g_variant_new ("(qqqs)", priority,
                                                                    weight, port, target)));
    }

  if (records == NULL)
    set_not_found (error, name);
  return records;
}

static gboolean
file_resolver_stalls (SatchelFileResolver *self,
                      const char          *name)
{
  return g_key_file_get_boolean (self->key_file, "stall", name, NULL);
}

static gboolean
on_stall_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;

  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/* A lookup that answers only when it is cancelled. */
static void
stall (GTask        *task,
       GCancellable *cancellable)
{
  g_autoptr(GSource) source = NULL;

  if (cancellable == NULL)
    return;

  source = g_cancellable_source_new (cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (on_stall_cancelled),
                         g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
}

static GList *
satchel_file_resolver_lookup_by_name (GResolver     *resolver,
                                      const char    *hostname,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  return file_resolver_addresses (SATCHEL_FILE_RESOLVER (resolver), hostname, error);
}

static void
free_records (GList *records)
{
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);
}

/* A name (@type 0) or a record lookup, answered at once from the file. */
static void
file_resolver_answer (SatchelFileResolver *self,
                      const char          *name,
                      GResolverRecordType  type,
                      GTask               *task)
{
  GError *error = NULL;
  GList *answer;

  if (file_resolver_stalls (self, name))
    {
      stall (task, g_task_get_cancellable (task));
      return;
    }

  answer = type == 0 ? file_resolver_addresses (self, name, &error)
                     : file_resolver_records (self, name, type, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else if (type == 0)
    g_task_return_pointer (task, answer, (GDestroyNotify) g_resolver_free_addresses);
  else
    g_task_return_pointer (task, answer, (GDestroyNotify) free_records);
}

static void
satchel_file_resolver_lookup_by_name_async (GResolver           *resolver,
                                            const char          *hostname,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  file_resolver_answer (SATCHEL_FILE_RESOLVER (resolver), hostname, 0, task);
}

static GList *
satchel_file_resolver_lookup_by_name_finish (GResolver     *resolver,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
satchel_file_resolver_lookup_records (GResolver            *resolver,
                                      const char           *rrname,
                                      GResolverRecordType   record_type,
                                      GCancellable         *cancellable,
                                      GError              **error)
{
  return file_resolver_records (SATCHEL_FILE_RESOLVER (resolver), rrname, record_type, error);
}

static void
satchel_file_resolver_lookup_records_async (GResolver           *resolver,
                                            const char          *rrname,
                                            GResolverRecordType  record_type,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);

  file_resolver_answer (SATCHEL_FILE_RESOLVER (resolver), rrname, record_type, task);
}

static GList *
satchel_file_resolver_lookup_records_finish (GResolver     *resolver,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
satchel_file_resolver_finalize (GObject *object)
{
  SatchelFileResolver *self = SATCHEL_FILE_RESOLVER (object);

  g_clear_pointer (&self->key_file, g_key_file_unref);

  G_OBJECT_CLASS (satchel_file_resolver_parent_class)->finalize (object);
}

static void
satchel_file_resolver_class_init (SatchelFileResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = satchel_file_resolver_finalize;
  resolver_class->lookup_by_name = satchel_file_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = satchel_file_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = satchel_file_resolver_lookup_by_name_finish;
  resolver_class->lookup_records = satchel_file_resolver_lookup_records;
  resolver_class->lookup_records_async = satchel_file_resolver_lookup_records_async;
  resolver_class->lookup_records_finish = satchel_file_resolver_lookup_records_finish;
}

static void
satchel_file_resolver_init (SatchelFileResolver *self)
{
  self->key_file = g_key_file_new ();
}

GResolver *
satchel_autoconfig_test_resolver_new (GKeyFile *answers)
{
  SatchelFileResolver *resolver = g_object_new (SATCHEL_TYPE_FILE_RESOLVER, NULL);

  g_key_file_unref (resolver->key_file);
  resolver->key_file = g_key_file_ref (answers);
  return G_RESOLVER (resolver);
}

/* The resolver and ports of SATCHEL_TEST_AUTOCONFIG, if it is set. */
static GResolver *
load_test_setup (guint16 ports[N_KINDS])
{
  const char *path = g_getenv ("SATCHEL_TEST_AUTOCONFIG");
  g_autoptr(SatchelFileResolver) resolver = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const keys[N_KINDS] = { "tls", "starttls" };

  if (path == NULL || *path == '\0')
    return NULL;

  resolver = g_object_new (SATCHEL_TYPE_FILE_RESOLVER, NULL);
  if (!g_key_file_load_from_file (resolver->key_file, path, G_KEY_FILE_NONE, &error))
    {
      g_warning ("SATCHEL_TEST_AUTOCONFIG: %s", error->message);
      return NULL;
    }

  for (guint kind = 0; kind < N_KINDS; kind++)
    {
      int port = g_key_file_get_integer (resolver->key_file, "ports", keys[kind], NULL);

      if (port > 0 && port <= G_MAXUINT16)
        ports[kind] = (guint16) port;
    }

  return G_RESOLVER (g_steal_pointer (&resolver));
}

/* Candidates -------------------------------------------------------------- */

const char *
satchel_autoconfig_source_to_string (SatchelAutoconfigSource source)
{
  switch (source)
    {
    case SATCHEL_AUTOCONFIG_SOURCE_SRV:
      return "srv";
    case SATCHEL_AUTOCONFIG_SOURCE_PROBE:
      return "probe";
    default:
      g_return_val_if_reached (NULL);
    }
}

void
satchel_autoconfig_candidate_free (SatchelAutoconfigCandidate *candidate)
{
  if (candidate == NULL)
    return;

  g_free (candidate->host);
  g_free (candidate);
}

static SatchelAutoconfigCandidate *
candidate_new (const char              *host,
               guint16                  port,
               SatchelSecurity          security,
               SatchelAutoconfigSource  source)
{
  SatchelAutoconfigCandidate *candidate = g_new0 (SatchelAutoconfigCandidate, 1);

  candidate->host = g_strdup (host);
  candidate->port = port;
  candidate->security = security;
  candidate->source = source;
  return candidate;
}

/* Discovery --------------------------------------------------------------- */

typedef struct
{
  guint16          priority;
  guint16          weight;
  guint16          port;
  char            *target;
  SatchelSecurity  security;
} SrvRecord;

static void
srv_record_free (SrvRecord *record)
{
  g_free (record->target);
  g_free (record);
}

/* The state of one discovery: the GTask's data. Every lookup and probe
 * holds a reference to the task while it runs. */
typedef struct
{
  char         *domain;          /* A-labels, lower case */
  char         *hosts[N_HOSTS];
  GResolver    *resolver;
  guint16       ports[N_KINDS];
  GCancellable *cancellable;     /* ours: the deadline and the caller cancel it */
  GCancellable *caller_cancellable;
  gulong        caller_handler;
  GSource      *timer;
  GPtrArray    *srv;             /* SrvRecord */
  gboolean      answered[N_HOSTS][N_KINDS];
  guint         pending;
  gboolean      returned;
} Discovery;

static void
discovery_free (Discovery *discovery)
{
  if (discovery->caller_handler != 0)
    g_cancellable_disconnect (discovery->caller_cancellable, discovery->caller_handler);
  g_clear_object (&discovery->caller_cancellable);
  if (discovery->timer != NULL)
    {
      g_source_destroy (discovery->timer);
      g_source_unref (discovery->timer);
    }
  g_free (discovery->domain);
  for (guint i = 0; i < N_HOSTS; i++)
    g_free (discovery->hosts[i]);
  g_clear_object (&discovery->resolver);
  g_clear_object (&discovery->cancellable);
  g_ptr_array_unref (discovery->srv);
  g_free (discovery);
}

static int
compare_srv (gconstpointer a,
             gconstpointer b)
{
  const SrvRecord *ra = *(const SrvRecord **) a;
  const SrvRecord *rb = *(const SrvRecord **) b;

  if (ra->priority != rb->priority)
    return ra->priority < rb->priority ? -1 : 1;
  /* RFC 8314: implicit TLS first among equals. */
  if (ra->security != rb->security)
    return ra->security == SATCHEL_SECURITY_TLS ? -1 : 1;
  /* RFC 2782 picks by weight at random; a list to show people is
   * better in a fixed order: the heaviest first. */
  if (ra->weight != rb->weight)
    return ra->weight > rb->weight ? -1 : 1;
  return 0;
}

static void
add_candidate (GPtrArray                  *candidates,
               SatchelAutoconfigCandidate *candidate)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      SatchelAutoconfigCandidate *other = g_ptr_array_index (candidates, i);

      if (g_ascii_strcasecmp (other->host, candidate->host) == 0 &&
          other->port == candidate->port && other->security == candidate->security)
        {
          satchel_autoconfig_candidate_free (candidate);
          return;
        }
    }

  g_ptr_array_add (candidates, candidate);
}

/* What was found so far, best first (the order of the header). */
static GPtrArray *
collect_candidates (Discovery *discovery)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) satchel_autoconfig_candidate_free);

  g_ptr_array_sort (discovery->srv, compare_srv);
  for (guint i = 0; i < discovery->srv->len; i++)
    {
      SrvRecord *record = g_ptr_array_index (discovery->srv, i);

      add_candidate (candidates, candidate_new (record->target, record->port, record->security,
                                                SATCHEL_AUTOCONFIG_SOURCE_SRV));
    }

  for (guint kind = 0; kind < N_KINDS; kind++)
    for (guint host = 0; host < N_HOSTS; host++)
      if (discovery->answered[host][kind])
        add_candidate (candidates,
                       candidate_new (discovery->hosts[host], discovery->ports[kind],
                                      kind == KIND_TLS ? SATCHEL_SECURITY_TLS
                                                       : SATCHEL_SECURITY_STARTTLS,
                                      SATCHEL_AUTOCONFIG_SOURCE_PROBE));

  return candidates;
}

/* Answers the caller once: with what was found, or "cancelled". */
static void
discovery_return (GTask *task)
{
  Discovery *discovery = g_task_get_task_data (task);

  if (discovery->returned)
    return;
  discovery->returned = TRUE;

  /* Whatever still runs is of no use now. */
  g_cancellable_cancel (discovery->cancellable);
  if (discovery->timer != NULL)
    g_source_destroy (discovery->timer);

  if (g_cancellable_is_cancelled (discovery->caller_cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("Looking for the server was cancelled."));
  else
    g_task_return_pointer (task, collect_candidates (discovery),
                           (GDestroyNotify) g_ptr_array_unref);
}

/* A lookup or probe is done; the last one answers. */
static void
operation_done (GTask *task)
{
  Discovery *discovery = g_task_get_task_data (task);

  g_assert (discovery->pending > 0);
  discovery->pending--;
  if (discovery->pending == 0)
    discovery_return (task);
  g_object_unref (task);
}

static GTask *
operation_start (GTask *task)
{
  Discovery *discovery = g_task_get_task_data (task);

  discovery->pending++;
  return g_object_ref (task);
}

static gboolean
on_deadline (gpointer user_data)
{
  GTask *task = user_data;

  discovery_return (task);
  return G_SOURCE_REMOVE;
}

/* In whatever thread cancels: our own cancellable is thread-safe, and
 * the operations then end on the discovery's main context. */
static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GCancellable *own = user_data;

  g_cancellable_cancel (own);
}

/* SRV --------------------------------------------------------------------- */

/* "smtp.example.com." as a host name: no final dot, nothing strange. */
static char *
dup_target (const char *target)
{
  g_autofree char *name = g_strdup (target);
  gsize len = strlen (name);

  if (len > 0 && name[len - 1] == '.')
    name[--len] = '\0';
  if (len == 0 || len > 253)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '.' && name[i] != '_')
      return NULL;

  return g_ascii_strdown (name, -1);
}

/* A lookup of one service: its answers get its security. */
typedef struct
{
  GTask           *task;
  SatchelSecurity  security;
} SrvLookup;

static void
on_srv_looked_up (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SrvLookup *lookup = user_data;
  GTask *task = lookup->task;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *records;

  records = g_resolver_lookup_records_finish (G_RESOLVER (source), result, &error);
  if (records == NULL)
    g_debug ("No SRV record for %s: %s", discovery->domain, error->message);

  for (GList *l = records; l != NULL && !discovery->returned; l = l->next)
    {
      guint16 priority, weight, port;
      const char *target;
      SrvRecord *record;

      if (!g_variant_is_of_type (l->data, G_VARIANT_TYPE ("(qqqs)")))
        continue;
      g_variant_get (l->data, "(qqq&s)", &priority, &weight, &port, &target);

      /* RFC 2782: "." means the service is not offered there. */
      if (port == 0 || g_str_equal (target, ".") || *target == '\0')
        continue;

      record = g_new0 (SrvRecord, 1);
      record->priority = priority;
      record->weight = weight;
      record->port = port;
      record->target = dup_target (target);
      record->security = lookup->security;
      if (record->target == NULL)
        {
          srv_record_free (record);
          continue;
        }
      g_ptr_array_add (discovery->srv, record);
    }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  g_free (lookup);
  operation_done (task);
}

static void
start_srv_lookup (GTask           *task,
                  const char      *service,
                  SatchelSecurity  security)
{
  Discovery *discovery = g_task_get_task_data (task);
  g_autofree char *name = g_strdup_printf ("_%s._tcp.%s", service, discovery->domain);
  SrvLookup *lookup = g_new0 (SrvLookup, 1);

  lookup->task = operation_start (task);
  lookup->security = security;
  g_resolver_lookup_records_async (discovery->resolver, name, G_RESOLVER_RECORD_SRV,
                                   discovery->cancellable, on_srv_looked_up, lookup);
}

/* Probes ------------------------------------------------------------------ */

typedef struct
{
  GTask             *task;
  guint              host;
  guint              kind;
  GList             *addresses;   /* GInetAddress, those left to try */
  GSocketClient     *client;
  GSocketConnection *connection;
  GIOStream         *stream;      /* the connection, or TLS over it */
  char               buffer[GREETING_MAX];
  gsize              length;
} Probe;

static void
probe_free (Probe *probe)
{
  g_resolver_free_addresses (probe->addresses);
  g_clear_object (&probe->client);
  g_clear_object (&probe->stream);
  /* Closing the socket is immediate; a TLS goodbye is not needed. */
  if (probe->connection != NULL)
    g_io_stream_close (G_IO_STREAM (probe->connection), NULL, NULL);
  g_clear_object (&probe->connection);
  g_free (probe);
}

static void
probe_finish (Probe    *probe,
              gboolean  answered)
{
  GTask *task = probe->task;
  Discovery *discovery = g_task_get_task_data (task);

  if (answered && !discovery->returned)
    discovery->answered[probe->host][probe->kind] = TRUE;

  probe_free (probe);
  operation_done (task);
}

static void try_next_address (Probe *probe);

static void
on_greeting_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Probe *probe = user_data;
  Discovery *discovery = g_task_get_task_data (probe->task);
  g_autoptr(GError) error = NULL;
  gssize n;
  char *newline;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n <= 0)
    {
      probe_finish (probe, FALSE);
      return;
    }

  probe->length += n;
  newline = memchr (probe->buffer, '\n', probe->length);
  if (newline == NULL)
    {
      if (probe->length >= sizeof probe->buffer)
        {
          probe_finish (probe, FALSE);
          return;
        }
      g_input_stream_read_async (G_INPUT_STREAM (source), probe->buffer + probe->length,
                                 sizeof probe->buffer - probe->length, G_PRIORITY_DEFAULT,
                                 discovery->cancellable, on_greeting_read, probe);
      return;
    }

  /* "220 mail.example.com ESMTP" or "220-…": an SMTP server, ready. */
  probe_finish (probe,
                probe->length >= 3 && memcmp (probe->buffer, "220", 3) == 0 &&
                (probe->buffer + 3 == newline || probe->buffer[3] == ' ' ||
                 probe->buffer[3] == '-' || probe->buffer[3] == '\r'));
}

static void
read_greeting (Probe *probe)
{
  Discovery *discovery = g_task_get_task_data (probe->task);

  g_input_stream_read_async (g_io_stream_get_input_stream (probe->stream),
                             probe->buffer, sizeof probe->buffer, G_PRIORITY_DEFAULT,
                             discovery->cancellable, on_greeting_read, probe);
}

/* Discovery does not judge certificates: verification does, and asks. */
static gboolean
on_accept_any_certificate (GTlsConnection       *connection,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Probe *probe = user_data;
  Discovery *discovery = g_task_get_task_data (probe->task);
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_debug ("Probe of %s:%u: TLS: %s", discovery->hosts[probe->host],
               discovery->ports[probe->kind], error->message);
      probe_finish (probe, FALSE);
      return;
    }

  read_greeting (probe);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Probe *probe = user_data;
  Discovery *discovery = g_task_get_task_data (probe->task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  GIOStream *tls;

  probe->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (probe->connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        probe_finish (probe, FALSE);
      else
        try_next_address (probe);
      return;
    }

  if (probe->kind == KIND_STARTTLS)
    {
      probe->stream = G_IO_STREAM (g_object_ref (probe->connection));
      read_greeting (probe);
      return;
    }

  identity = g_network_address_new (discovery->hosts[probe->host], discovery->ports[probe->kind]);
  tls = g_tls_client_connection_new (G_IO_STREAM (probe->connection), identity, &error);
  if (tls == NULL)
    {
      g_debug ("No TLS for probes: %s", error->message);
      probe_finish (probe, FALSE);
      return;
    }
  probe->stream = tls;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_any_certificate), NULL);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT,
                                    discovery->cancellable, on_handshake_done, probe);
}

static void
try_next_address (Probe *probe)
{
  Discovery *discovery = g_task_get_task_data (probe->task);
  g_autoptr(GSocketAddress) address = NULL;
  GInetAddress *next;

  if (probe->addresses == NULL || g_cancellable_is_cancelled (discovery->cancellable))
    {
      probe_finish (probe, FALSE);
      return;
    }

  next = probe->addresses->data;
  probe->addresses = g_list_delete_link (probe->addresses, probe->addresses);
  address = g_inet_socket_address_new (next, discovery->ports[probe->kind]);
  g_object_unref (next);

  g_socket_client_connect_async (probe->client, G_SOCKET_CONNECTABLE (address),
                                 discovery->cancellable, on_connected, probe);
}

typedef struct
{
  GTask *task;
  guint  host;
} HostLookup;

static void
on_host_lookup_ready (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  HostLookup *lookup = user_data;
  GTask *task = lookup->task;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (addresses == NULL)
    g_debug ("%s: %s", discovery->hosts[lookup->host], error->message);

  for (guint kind = 0; addresses != NULL && !discovery->returned && kind < N_KINDS; kind++)
    {
      Probe *probe = g_new0 (Probe, 1);

      probe->task = operation_start (task);
      probe->host = lookup->host;
      probe->kind = kind;
      for (GList *l = g_list_last (addresses); l != NULL; l = l->prev)
        probe->addresses = g_list_prepend (probe->addresses, g_object_ref (l->data));
      probe->client = g_socket_client_new ();
      try_next_address (probe);
    }

  g_resolver_free_addresses (addresses);
  g_free (lookup);
  operation_done (task);
}

static void
start_host_lookup (GTask *task,
                   guint  host)
{
  Discovery *discovery = g_task_get_task_data (task);
  HostLookup *lookup = g_new0 (HostLookup, 1);

  lookup->task = operation_start (task);
  lookup->host = host;
  g_resolver_lookup_by_name_async (discovery->resolver, discovery->hosts[host],
                                   discovery->cancellable, on_host_lookup_ready, lookup);
}

/* The domain to look for, in A-labels; NULL and @error when @address has
 * none that could have a mail server. */
static char *
dup_domain (const char  *address,
            GError     **error)
{
  g_autoptr(SatchelAddress) parsed = NULL;
  g_autoptr(GError) local_error = NULL;

  if (address != NULL)
    parsed = satchel_address_parse (address, &local_error);

  if (parsed == NULL || parsed->ascii_domain == NULL || parsed->ascii_domain[0] == '\0' ||
      parsed->ascii_domain[0] == '[' || g_hostname_is_ip_address (parsed->ascii_domain))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an email address with a domain, so Satchel cannot "
                     "look for its server. Check the address, or enter the server "
                     "by hand."),
                   address != NULL ? address : "");
      return NULL;
    }

  return g_ascii_strdown (parsed->ascii_domain, -1);
}

/* Public API -------------------------------------------------------------- */

void
satchel_autoconfig_set_test_ports (guint16 tls_port,
                                   guint16 starttls_port)
{
  test_ports[KIND_TLS] = tls_port;
  test_ports[KIND_STARTTLS] = starttls_port;
}

void
satchel_autoconfig_discover_async (const char          *address,
                                   GResolver           *resolver,
                                   guint                probe_timeout_ms,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *domain = NULL;
  Discovery *discovery;

  g_return_if_fail (resolver == NULL || G_IS_RESOLVER (resolver));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_autoconfig_discover_async);
  g_task_set_name (task, "[satchel] discover the server");

  domain = dup_domain (address, &error);
  if (domain == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  discovery = g_new0 (Discovery, 1);
  discovery->domain = g_steal_pointer (&domain);
  for (guint i = 0; i < N_HOSTS; i++)
    discovery->hosts[i] = g_strconcat (probe_prefixes[i], discovery->domain, NULL);
  discovery->ports[KIND_TLS] = test_ports[KIND_TLS] ? test_ports[KIND_TLS] : 465;
  discovery->ports[KIND_STARTTLS] = test_ports[KIND_STARTTLS] ? test_ports[KIND_STARTTLS] : 587;
  if (resolver != NULL)
    discovery->resolver = g_object_ref (resolver);
  else if ((discovery->resolver = load_test_setup (discovery->ports)) == NULL)
    discovery->resolver = g_resolver_get_default ();
  discovery->cancellable = g_cancellable_new ();
  discovery->srv = g_ptr_array_new_with_free_func ((GDestroyNotify) srv_record_free);
  g_task_set_task_data (task, discovery, (GDestroyNotify) discovery_free);

  if (cancellable != NULL)
    {
      discovery->caller_cancellable = g_object_ref (cancellable);
      discovery->caller_handler = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (on_caller_cancelled),
                                                         g_object_ref (discovery->cancellable),
                                                         g_object_unref);
    }

  /* One deadline for everything: GResolver has no time-out of its own in
   * GLib 2.74, so DNS is bounded by it too. */
  context = g_main_context_ref_thread_default ();
  discovery->timer = g_timeout_source_new (MAX (probe_timeout_ms, 1));
  g_source_set_callback (discovery->timer, on_deadline, task, NULL);
  g_source_attach (discovery->timer, context);

  /* Held until the first operations have started, so that none of them
   * ending at once answers early. */
  operation_start (task);
  start_srv_lookup (task, "submissions", SATCHEL_SECURITY_TLS);
  start_srv_lookup (task, "submission", SATCHEL_SECURITY_STARTTLS);
  for (guint host = 0; host < N_HOSTS; host++)
    start_host_lookup (task, host);
  operation_done (task);
}

GPtrArray *
satchel_autoconfig_discover_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        satchel_autoconfig_discover_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GAsyncResult *result;
} SyncData;

static void
on_sync_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SyncData *data = user_data;

  data->result = g_object_ref (result);
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

GPtrArray *
satchel_autoconfig_discover_sync (const char    *address,
                                  GResolver     *resolver,
                                  guint          probe_timeout_ms,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) drain = NULL;
  g_autoptr(GTask) task = NULL;
  SyncData data = { NULL };
  Discovery *discovery;
  gboolean expired = FALSE;
  GPtrArray *candidates;

  g_main_context_push_thread_default (context);
  satchel_autoconfig_discover_async (address, resolver, probe_timeout_ms, cancellable,
                                     on_sync_done, &data);
  while (data.result == NULL)
    g_main_context_iteration (context, TRUE);

  /* The cancelled lookups and probes hold the task: let them end, so
   * that nothing is left behind on this context. */
  task = G_TASK (g_object_ref (data.result));
  discovery = g_task_get_task_data (task);
  drain = g_timeout_source_new (DRAIN_TIMEOUT_MS);
  g_source_set_callback (drain, on_drain_timeout, &expired, NULL);
  g_source_attach (drain, context);
  while (discovery != NULL && discovery->pending > 0 && !expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (drain);
  g_main_context_pop_thread_default (context);

  candidates = satchel_autoconfig_discover_finish (data.result, error);
  g_object_unref (data.result);
  return candidates;
}
