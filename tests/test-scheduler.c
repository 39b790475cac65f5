/* test-scheduler.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "satchel-account-store.h"
#include "satchel-context.h"
#include "satchel-error.h"
#include "satchel-outbox.h"
#include "satchel-scheduler.h"

#include "fault-server.h"

/* A loopback SMTP server on its own thread that takes any number of
 * sessions one after the other and notes when each message arrived. */
typedef struct
{
  const char      *mail_reply;  /* instead of 250 to MAIL FROM */

  GMutex           lock;
  GCond            cond;
  GPtrArray       *subjects;    /* of the messages received */
  GArray          *arrivals;    /* gint64 real time of each, µs */
  GPtrArray       *passwords;   /* of each AUTH PLAIN */
  guint            n_sessions;
  guint            n_held;      /* sessions left to hold before the greeting */
  gboolean         released;

  GSocketListener *listener;
  GCancellable    *cancellable;
  guint16          port;
  GThread         *thread;
} LoopServer;

static char *
read_line (GDataInputStream *input)
{
  char *line = g_data_input_stream_read_line (input, NULL, NULL, NULL);

  if (line != NULL)
    g_strchomp (line);
  return line;
}

static void
write_text (GOutputStream *output,
            const char    *text)
{
  g_output_stream_write_all (output, text, strlen (text), NULL, NULL, NULL);
}

/* Keeps the first sessions waiting before the greeting until the test
 * releases them (at most 30 s): a send to cancel. */
static void
hold_greeting (LoopServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_mutex_lock (&server->lock);
  if (server->n_held > 0)
    {
      server->n_held--;
      while (!server->released)
        if (!g_cond_wait_until (&server->cond, &server->lock, deadline))
          break;
    }
  g_mutex_unlock (&server->lock);
}

static void
server_release (LoopServer *server)
{
  g_mutex_lock (&server->lock);
  server->released = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
}

/* The password of an AUTH PLAIN response: authzid NUL authcid NUL
 * password. */
static void
record_password (LoopServer *server,
                 const char *response)
{
  g_autofree guchar *decoded = NULL;
  gsize length = 0;
  const char *user;
  const char *password;

  if (response == NULL)
    return;
  decoded = g_base64_decode (response, &length);
  decoded = g_realloc (decoded, length + 1);
  decoded[length] = '\0';
  user = memchr (decoded, '\0', length);
  g_assert_nonnull (user);
  password = memchr (user + 1, '\0', length - (user + 1 - (const char *) decoded));
  g_assert_nonnull (password);

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->passwords, g_strdup (password + 1));
  g_mutex_unlock (&server->lock);
}

static void
serve_session (LoopServer *server,
               GIOStream  *stream)
{
  g_autoptr(GDataInputStream) input =
    g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  GOutputStream *output = g_io_stream_get_output_stream (stream);
  char *line;

  hold_greeting (server);
  write_text (output, "220 loop.example ESMTP\r\n");

  while ((line = read_line (input)) != NULL)
    {
      g_autofree char *command = line;

      if (g_ascii_strncasecmp (command, "EHLO", 4) == 0)
        write_text (output, "250-loop.example\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      else if (g_ascii_strncasecmp (command, "AUTH", 4) == 0)
        {
          g_autofree char *response = NULL;

          /* "AUTH PLAIN base64", or the base64 after a 334. */
          if (strlen (command) > strlen ("AUTH PLAIN "))
            response = g_strdup (command + strlen ("AUTH PLAIN "));
          else
            {
              write_text (output, "334 \r\n");
              response = read_line (input);
            }
          record_password (server, response);
          write_text (output, "235 2.7.0 OK\r\n");
        }
      else if (g_ascii_strncasecmp (command, "MAIL", 4) == 0)
        {
          write_text (output, server->mail_reply ? server->mail_reply : "250 2.1.0 OK");
          write_text (output, "\r\n");
        }
      else if (g_ascii_strncasecmp (command, "RCPT", 4) == 0 ||
               g_ascii_strncasecmp (command, "RSET", 4) == 0)
        write_text (output, "250 2.1.5 OK\r\n");
      else if (g_ascii_strncasecmp (command, "DATA", 4) == 0)
        {
          g_autofree char *subject = NULL;
          char *data;

          write_text (output, "354 go on\r\n");
          while ((data = read_line (input)) != NULL && strcmp (data, ".") != 0)
            {
              if (subject == NULL && g_str_has_prefix (data, "Subject: "))
                subject = g_strdup (data + strlen ("Subject: "));
              g_free (data);
            }
          if (data == NULL)
            break;
          g_free (data);

          g_mutex_lock (&server->lock);
          g_ptr_array_add (server->subjects, g_steal_pointer (&subject));
          g_array_append_val (server->arrivals, (gint64) { g_get_real_time () });
          g_mutex_unlock (&server->lock);
          write_text (output, "250 2.0.0 queued\r\n");
        }
      else if (g_ascii_strncasecmp (command, "QUIT", 4) == 0)
        {
          write_text (output, "221 bye\r\n");
          break;
        }
      else
        write_text (output, "502 5.5.2 what?\r\n");
    }
}

static gpointer
server_thread (gpointer user_data)
{
  LoopServer *server = user_data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;

      connection = g_socket_listener_accept (server->listener, NULL,
                                             server->cancellable, NULL);
      if (connection == NULL)
        break;

      g_mutex_lock (&server->lock);
      server->n_sessions++;
      g_mutex_unlock (&server->lock);

      serve_session (server, G_IO_STREAM (connection));
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }

  return NULL;
}

static LoopServer *
server_start (const char *mail_reply)
{
  LoopServer *server = g_new0 (LoopServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->mail_reply = mail_reply;
  server->subjects = g_ptr_array_new_with_free_func (g_free);
  server->passwords = g_ptr_array_new_with_free_func (g_free);
  server->arrivals = g_array_new (FALSE, FALSE, sizeof (gint64));
  server->cancellable = g_cancellable_new ();
  server->listener = g_socket_listener_new ();
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->thread = g_thread_new ("loop-smtp", server_thread, server);

  return server;
}

static void
server_free (LoopServer *server)
{
  server_release (server);
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_ptr_array_unref (server->subjects);
  g_array_unref (server->arrivals);
  g_ptr_array_unref (server->passwords);
  g_cond_clear (&server->cond);
  g_mutex_clear (&server->lock);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoopServer, server_free)

static guint
server_count (LoopServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->subjects->len;
  g_mutex_unlock (&server->lock);
  return n;
}

static guint
server_sessions (LoopServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->n_sessions;
  g_mutex_unlock (&server->lock);
  return n;
}

static gint64
server_arrival (LoopServer *server,
                guint       index)
{
  gint64 when;

  g_mutex_lock (&server->lock);
  g_assert_cmpuint (index, <, server->arrivals->len);
  when = g_array_index (server->arrivals, gint64, index);
  g_mutex_unlock (&server->lock);
  return when;
}

static gboolean
server_received (LoopServer *server,
                 const char *subject)
{
  gboolean found = FALSE;

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->subjects->len; i++)
    if (g_strcmp0 (g_ptr_array_index (server->subjects, i), subject) == 0)
      found = TRUE;
  g_mutex_unlock (&server->lock);
  return found;
}

/* The fixture: an account on the loop server (plain text, which needs
 * no certificate; a password command, which needs no keyring), the
 * outbox at the test's own XDG folders, and a scheduler. */
typedef struct
{
  LoopServer       *server;
  FaultServer      *fault;      /* instead of @server, for some tests */
  SatchelContext   *context;
  SatchelScheduler *scheduler;
  char             *account_id;
  guint             n_flushes;
  guint             n_sent;
  guint             n_failed;

  /* What the scheduler's signals said, in order. */
  GPtrArray        *events;     /* SignalEvent * */
  GPtrArray        *errors;     /* GError * of send-finished, or NULL */
  char             *cancel_id;  /* cancel this message when it starts */
  gint64            started_at; /* monotonic µs of start_scheduler() */
} Fixture;

typedef enum
{
  EVENT_STARTED,
  EVENT_PROGRESS,
  EVENT_FINISHED,
  EVENT_FLUSHED,
} EventKind;

typedef struct
{
  EventKind  kind;
  char      *id;
  guint64    sent;
  guint64    total;
  GError    *error;
  gint64     time;       /* monotonic, µs */
} SignalEvent;

static void
signal_event_free (gpointer data)
{
  SignalEvent *event = data;

  g_free (event->id);
  g_clear_error (&event->error);
  g_free (event);
}

static SignalEvent *
add_event (Fixture    *fixture,
           EventKind   kind,
           const char *id)
{
  SignalEvent *event = g_new0 (SignalEvent, 1);

  event->kind = kind;
  event->id = g_strdup (id);
  event->time = g_get_monotonic_time ();
  g_ptr_array_add (fixture->events, event);
  return event;
}

static void
on_send_started (SatchelScheduler *scheduler,
                 const char       *id,
                 gpointer          user_data)
{
  Fixture *fixture = user_data;

  add_event (fixture, EVENT_STARTED, id);
  if (g_strcmp0 (id, fixture->cancel_id) == 0)
    {
      /* Another id is not being sent: nothing happens to it. */
      satchel_scheduler_cancel_item (scheduler, "20260101T000000.000000Z-00000000");
      satchel_scheduler_cancel_item (scheduler, id);
    }
}

static void
on_send_progress (SatchelScheduler *scheduler,
                  const char       *id,
                  guint64           sent,
                  guint64           total,
                  gpointer          user_data)
{
  SignalEvent *event = add_event (user_data, EVENT_PROGRESS, id);

  event->sent = sent;
  event->total = total;
}

static void
on_send_finished (SatchelScheduler *scheduler,
                  const char       *id,
                  const GError     *error,
                  gpointer          user_data)
{
  Fixture *fixture = user_data;
  SignalEvent *event = add_event (fixture, EVENT_FINISHED, id);

  event->error = error != NULL ? g_error_copy (error) : NULL;
  /* The cancelled session is over: the server may go on. */
  if (g_strcmp0 (id, fixture->cancel_id) == 0)
    server_release (fixture->server);
}

static void
on_flushed (SatchelScheduler *scheduler,
            guint             n_sent,
            guint             n_failed,
            gpointer          user_data)
{
  Fixture *fixture = user_data;

  add_event (fixture, EVENT_FLUSHED, NULL);
  fixture->n_flushes++;
  fixture->n_sent += n_sent;
  fixture->n_failed += n_failed;
}

/* The account "loop" on the server at @port, and the scheduler. */
static void
fixture_set_up_account (Fixture *fixture,
                        guint16  port,
                        guint    timeout)
{
  g_autoptr(SatchelAccount) account = satchel_account_new ("loop");
  g_autoptr(GError) error = NULL;

  fixture->context = satchel_context_new ();

  satchel_account_set_address (account, "ann@example.com");
  satchel_account_set_host (account, "127.0.0.1");
  satchel_account_set_security (account, SATCHEL_SECURITY_NONE);
  satchel_account_set_port (account, port);
  satchel_account_set_username (account, "ann");
  satchel_account_set_password_command (account, "printf %s loop-secret");
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  satchel_account_set_timeout (account, timeout);
  g_assert_true (satchel_account_store_add (satchel_context_get_accounts (fixture->context),
                                            account, &error));
  g_assert_no_error (error);
  fixture->account_id = g_strdup (satchel_account_get_id (account));

  fixture->events = g_ptr_array_new_with_free_func (signal_event_free);
  fixture->scheduler = satchel_scheduler_new (NULL);
  g_signal_connect (fixture->scheduler, "flushed", G_CALLBACK (on_flushed), fixture);
  g_signal_connect (fixture->scheduler, "send-started", G_CALLBACK (on_send_started), fixture);
  g_signal_connect (fixture->scheduler, "send-progress", G_CALLBACK (on_send_progress), fixture);
  g_signal_connect (fixture->scheduler, "send-finished", G_CALLBACK (on_send_finished), fixture);
}

/* @data: the loop server's reply to MAIL FROM, or NULL for 250. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->server = server_start (data);
  fixture_set_up_account (fixture, fixture->server->port, 10);
}

/* What the fault server does to the message content. */
typedef struct
{
  const char *action;  /* "drop", "pause", … */
  guint64     after;   /* once it has read this many bytes of it */
} MidData;

/* @data: a MidData. The server speaks plain text and knows the
 * account's password. The account waits for the server a minute, longer
 * than any test waits for a stalled send. */
static void
fixture_set_up_fault (Fixture       *fixture,
                      gconstpointer  data)
{
  const MidData *mid_data = data;
  g_autofree char *script = NULL;

  script = g_strdup_printf ("{\"security\": \"none\", \"auth_clear\": [\"PLAIN\"], "
                            "\"users\": {\"ann\": \"loop-secret\"}, "
                            "\"mid_data_bytes\": %" G_GUINT64_FORMAT ", "
                            "\"at\": {\"mid-data\": \"%s\"}}",
                            mid_data->after, mid_data->action);
  fixture->fault = fault_server_start (script);
  fixture_set_up_account (fixture, fixture->fault->port, 60);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  satchel_scheduler_stop (fixture->scheduler);
  while (satchel_scheduler_get_busy (fixture->scheduler))
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&fixture->scheduler);
  g_clear_object (&fixture->context);
  g_clear_pointer (&fixture->server, server_free);
  if (fixture->fault != NULL)
    g_free (fault_server_stop (g_steal_pointer (&fixture->fault)));
  g_clear_pointer (&fixture->events, g_ptr_array_unref);
  g_clear_pointer (&fixture->account_id, g_free);
  g_clear_pointer (&fixture->cancel_id, g_free);
}

static SatchelOutboxItem *queue_sized (Fixture            *fixture,
                                        const char         *subject,
                                        SatchelOutboxState  state,
                                        gint64              when,
                                        gsize               body_size);

static SatchelOutboxItem *
queue (Fixture            *fixture,
       const char         *subject,
       SatchelOutboxState  state,
       gint64              when)
{
  return queue_sized (fixture, subject, state, when, 0);
}

/* Queues a message as the composer would: the file, then its state;
 * with @body_size bytes of text after "Hello.". */
static SatchelOutboxItem *
queue_sized (Fixture            *fixture,
             const char         *subject,
             SatchelOutboxState  state,
             gint64              when,
             gsize               body_size)
{
  SatchelOutbox *outbox = satchel_context_get_outbox (fixture->context);
  const char *recipients[] = { "bob@example.com", NULL };
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int fd = -1;

  item = satchel_outbox_begin (outbox, &fd, &error);
  g_assert_no_error (error);
  text = g_strdup_printf ("From: ann@example.com\r\nTo: bob@example.com\r\n"
                          "Subject: %s\r\n\r\nHello.\r\n", subject);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (gssize) strlen (text));
  if (body_size > 0)
    {
      g_autoptr(GString) body = g_string_sized_new (body_size);

      while (body->len + 78 <= body_size)
        g_string_append (body, "The quick brown fox jumps over the lazy dog, "
                               "again and again and again.\r\n");
      g_assert_cmpint (write (fd, body->str, body->len), ==, (gssize) body->len);
    }

  satchel_outbox_item_set_account (item, "loop");
  satchel_outbox_item_set_sender (item, "ann@example.com");
  satchel_outbox_item_set_recipients (item, recipients);
  satchel_outbox_item_set_subject (item, subject);
  satchel_outbox_item_set_state (item, state);
  if (state == SATCHEL_OUTBOX_HELD)
    satchel_outbox_item_set_held_until (item, when);
  else
    satchel_outbox_item_set_next_attempt (item, when);
  g_assert_true (satchel_outbox_commit (outbox, item, fd, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&item);
}

static SatchelOutboxState
state_of (Fixture           *fixture,
          SatchelOutboxItem *item)
{
  g_autoptr(SatchelOutboxItem) now = NULL;
  g_autoptr(GError) error = NULL;

  now = satchel_outbox_lookup (satchel_context_get_outbox (fixture->context),
                               satchel_outbox_item_get_id (item), &error);
  g_assert_no_error (error);
  return satchel_outbox_item_get_state (now);
}

static gboolean
in_outbox (Fixture           *fixture,
           SatchelOutboxItem *item)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = satchel_outbox_list (satchel_context_get_outbox (fixture->context), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (satchel_outbox_item_get_id (g_ptr_array_index (items, i)),
                     satchel_outbox_item_get_id (item)))
      return TRUE;
  return FALSE;
}

static gboolean
on_deadline (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @n_flushes flushes are done, or fails after
 * @seconds. */
static void
wait_for_flushes (Fixture *fixture,
                  guint    n_flushes,
                  guint    seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, on_deadline, &expired);

  while (fixture->n_flushes < n_flushes && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("Only %u of %u flushes in %u s", fixture->n_flushes, n_flushes, seconds);
  g_source_remove (deadline);
}

static gboolean
server_has (Fixture *fixture,
            guint    n)
{
  return server_count (fixture->server) >= n;
}

/* Runs the main loop until the server has @n messages. */
static void
wait_for_messages (Fixture *fixture,
                   guint    n,
                   guint    seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, on_deadline, &expired);

  /* The flush that sends ends after the server has the message: wait
   * for the scheduler to be idle as well. */
  while ((!server_has (fixture, n) || satchel_scheduler_get_busy (fixture->scheduler)) &&
         !expired)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("The server has %u of %u messages after %u s",
             server_count (fixture->server), n, seconds);
  g_source_remove (deadline);
}

/* With nothing left to send, the scheduler still looks again within
 * ten minutes (satchel-cli may queue something), not sooner. */
static void
assert_idle_wakeup (Fixture *fixture)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 wakeup = satchel_scheduler_get_next_wakeup (fixture->scheduler);

  g_assert_cmpint (wakeup, >=, now + 600 - 5);
  g_assert_cmpint (wakeup, <=, now + 600);
}

/* Started with a message due: it goes at once, and nothing is left to
 * wait for. */
static void
test_scheduler_start (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "due now", SATCHEL_OUTBOX_QUEUED, 0);

  satchel_scheduler_start (fixture->scheduler);
  g_assert_true (satchel_scheduler_get_busy (fixture->scheduler));
  wait_for_flushes (fixture, 1, 30);

  g_assert_cmpuint (fixture->n_sent, ==, 1);
  g_assert_true (server_received (fixture->server, "due now"));
  g_assert_false (in_outbox (fixture, item));
  g_assert_false (satchel_scheduler_get_busy (fixture->scheduler));
  assert_idle_wakeup (fixture);
}

/* A retry due in two seconds: not sent by the first flush, then sent by
 * the timer by itself, and not before its time. */
static void
test_scheduler_next_attempt (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 due = g_get_real_time () / G_USEC_PER_SEC + 2;
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "in two seconds",
                                             SATCHEL_OUTBOX_QUEUED, due);

  satchel_scheduler_start (fixture->scheduler);
  wait_for_flushes (fixture, 1, 30);
  g_assert_cmpuint (fixture->n_sent, ==, 0);
  g_assert_cmpuint (server_count (fixture->server), ==, 0);
  g_assert_cmpuint (server_sessions (fixture->server), ==, 0);
  g_assert_cmpint (state_of (fixture, item), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), >=, due);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), <=, due + 1);

  wait_for_messages (fixture, 1, 30);
  g_assert_true (server_received (fixture->server, "in two seconds"));
  g_assert_cmpint (server_arrival (fixture->server, 0), >=, due * G_USEC_PER_SEC);
  g_assert_false (in_outbox (fixture, item));
  assert_idle_wakeup (fixture);
}

/* A held message waits for the end of its undo time, even when the
 * network comes back; then it goes by itself. */
static void
test_scheduler_held (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 until = g_get_real_time () / G_USEC_PER_SEC + 2;
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "held", SATCHEL_OUTBOX_HELD, until);

  satchel_scheduler_start (fixture->scheduler);
  wait_for_flushes (fixture, 1, 30);
  satchel_scheduler_network_changed (fixture->scheduler, FALSE);
  satchel_scheduler_network_changed (fixture->scheduler, TRUE);
  wait_for_flushes (fixture, 2, 30);
  satchel_scheduler_flush (fixture->scheduler);
  wait_for_flushes (fixture, 3, 30);

  if (g_get_real_time () < until * G_USEC_PER_SEC)
    {
      g_assert_cmpuint (server_count (fixture->server), ==, 0);
      g_assert_cmpint (state_of (fixture, item), ==, SATCHEL_OUTBOX_HELD);
      g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), >=, until);
    }

  wait_for_messages (fixture, 1, 30);
  g_assert_true (server_received (fixture->server, "held"));
  g_assert_cmpint (server_arrival (fixture->server, 0), >=, until * G_USEC_PER_SEC);
  g_assert_false (in_outbox (fixture, item));
}

/* When the network comes back, a message waiting for its next retry an
 * hour away goes at once; a held one does not. */
static void
test_scheduler_network_back (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SatchelOutboxItem) retry = queue (fixture, "retry later",
                                              SATCHEL_OUTBOX_QUEUED, now + 3600);
  g_autoptr(SatchelOutboxItem) held = queue (fixture, "held an hour",
                                             SATCHEL_OUTBOX_HELD, now + 3600);
  gint64 wakeup;

  satchel_scheduler_start (fixture->scheduler);
  wait_for_flushes (fixture, 1, 30);
  g_assert_cmpuint (server_count (fixture->server), ==, 0);
  /* The timer is armed, but sleeps ten minutes at most: its clock
   * stops while the machine sleeps. */
  wakeup = satchel_scheduler_get_next_wakeup (fixture->scheduler);
  g_assert_cmpint (wakeup, >, now);
  g_assert_cmpint (wakeup, <=, g_get_real_time () / G_USEC_PER_SEC + 600);

  /* Still connected, the network changed: nothing new is due. */
  satchel_scheduler_network_changed (fixture->scheduler, TRUE);
  wait_for_flushes (fixture, 2, 30);
  g_assert_cmpuint (server_count (fixture->server), ==, 0);

  /* Gone: no flush. Back: the retry goes now. */
  satchel_scheduler_network_changed (fixture->scheduler, FALSE);
  g_assert_false (satchel_scheduler_get_busy (fixture->scheduler));
  satchel_scheduler_network_changed (fixture->scheduler, TRUE);
  g_assert_true (satchel_scheduler_get_busy (fixture->scheduler));
  wait_for_flushes (fixture, 3, 30);

  g_assert_cmpuint (fixture->n_sent, ==, 1);
  g_assert_true (server_received (fixture->server, "retry later"));
  g_assert_false (server_received (fixture->server, "held an hour"));
  g_assert_false (in_outbox (fixture, retry));
  g_assert_cmpint (state_of (fixture, held), ==, SATCHEL_OUTBOX_HELD);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), >, now);
}

/* A 4xx leaves the message queued for the retry schedule, and the timer
 * is armed for that retry. Requests during a flush make one more flush,
 * not one each. */
static void
test_scheduler_temporary_failure (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "refused for now",
                                             SATCHEL_OUTBOX_QUEUED, 0);
  g_autoptr(SatchelOutboxItem) now = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next_attempt;

  satchel_scheduler_start (fixture->scheduler);
  satchel_scheduler_flush (fixture->scheduler);
  satchel_scheduler_flush (fixture->scheduler);
  satchel_scheduler_network_changed (fixture->scheduler, TRUE);
  wait_for_flushes (fixture, 2, 30);
  g_assert_false (satchel_scheduler_get_busy (fixture->scheduler));

  g_assert_cmpuint (fixture->n_flushes, ==, 2);
  g_assert_cmpuint (fixture->n_sent, ==, 0);
  g_assert_cmpuint (fixture->n_failed, ==, 1);
  g_assert_cmpuint (server_sessions (fixture->server), ==, 1);

  now = satchel_outbox_lookup (satchel_context_get_outbox (fixture->context),
                               satchel_outbox_item_get_id (item), &error);
  g_assert_no_error (error);
  g_assert_cmpint (satchel_outbox_item_get_state (now), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_cmpuint (satchel_outbox_item_get_attempts (now), ==, 1);
  next_attempt = satchel_outbox_item_get_next_attempt (now);
  g_assert_cmpint (next_attempt, >, g_get_real_time () / G_USEC_PER_SEC + 30);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), ==, next_attempt);
}

/* Stopped: no timer, and a network that comes back sends nothing. */
static void
test_scheduler_stopped (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "after stop",
                                             SATCHEL_OUTBOX_QUEUED, now + 3600);

  satchel_scheduler_start (fixture->scheduler);
  wait_for_flushes (fixture, 1, 30);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), >, 0);

  satchel_scheduler_stop (fixture->scheduler);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), ==, 0);
  satchel_scheduler_network_changed (fixture->scheduler, FALSE);
  satchel_scheduler_network_changed (fixture->scheduler, TRUE);
  satchel_scheduler_flush (fixture->scheduler);
  g_assert_false (satchel_scheduler_get_busy (fixture->scheduler));
  g_assert_cmpuint (server_sessions (fixture->server), ==, 0);
  g_assert_true (in_outbox (fixture, item));
}

/* The events of message @id, in order. */
static GPtrArray *
events_of (Fixture    *fixture,
           const char *id)
{
  GPtrArray *events = g_ptr_array_new ();

  for (guint i = 0; i < fixture->events->len; i++)
    {
      SignalEvent *event = g_ptr_array_index (fixture->events, i);

      if (g_strcmp0 (event->id, id) == 0)
        g_ptr_array_add (events, event);
    }
  return events;
}

static guint
index_of (Fixture    *fixture,
          EventKind   kind,
          const char *id)
{
  for (guint i = 0; i < fixture->events->len; i++)
    {
      SignalEvent *event = g_ptr_array_index (fixture->events, i);

      if (event->kind == kind && g_strcmp0 (event->id, id) == 0)
        return i;
    }
  g_error ("No event %d for %s", kind, id);
}

/* Started, progress that only grows to the whole message, finished:
 * returns the finishing event. */
static SignalEvent *
assert_send_events (Fixture           *fixture,
                    SatchelOutboxItem *item,
                    gboolean           complete)
{
  g_autoptr(GPtrArray) events = events_of (fixture, satchel_outbox_item_get_id (item));
  guint64 size = satchel_outbox_item_get_size (item);
  guint64 last_sent = 0;
  SignalEvent *first;
  SignalEvent *last;
  guint n_progress = 0;

  g_assert_cmpuint (events->len, >=, 2);
  first = g_ptr_array_index (events, 0);
  last = g_ptr_array_index (events, events->len - 1);
  g_assert_cmpint (first->kind, ==, EVENT_STARTED);
  g_assert_cmpint (last->kind, ==, EVENT_FINISHED);

  for (guint i = 1; i + 1 < events->len; i++)
    {
      SignalEvent *event = g_ptr_array_index (events, i);

      g_assert_cmpint (event->kind, ==, EVENT_PROGRESS);
      g_assert_cmpuint (event->total, ==, size);
      g_assert_cmpuint (event->sent, >=, last_sent);
      g_assert_cmpuint (event->sent, <=, event->total);
      last_sent = event->sent;
      n_progress++;
    }

  if (complete)
    {
      g_assert_cmpuint (n_progress, >=, 1);
      g_assert_cmpuint (last_sent, ==, size);
    }

  /* At most one every tenth of a second, plus the one at 100 %. The
   * signals may reach the main loop in one go: count from the start. */
  if (n_progress > 0)
    {
      gint64 elapsed = last->time - fixture->started_at;

      g_test_message ("%u progress signals in %" G_GINT64_FORMAT " ms", n_progress,
                      elapsed / 1000);
      g_assert_cmpint (n_progress, <=, elapsed / (G_USEC_PER_SEC / 10) + 2);
    }

  return last;
}

static void
start_scheduler (Fixture *fixture)
{
  fixture->started_at = g_get_monotonic_time ();
  satchel_scheduler_start (fixture->scheduler);
}

/* Each message a flush sends: "send-started", "send-progress" up to the
 * whole size, "send-finished" without error, one message after the
 * other, and "flushed" last. */
static void
test_scheduler_signals (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) big = queue_sized (fixture, "big", SATCHEL_OUTBOX_QUEUED, 0,
                                                  8 * 1024 * 1024);
  g_autoptr(SatchelOutboxItem) small = queue (fixture, "small", SATCHEL_OUTBOX_QUEUED, 0);
  const char *big_id = satchel_outbox_item_get_id (big);
  const char *small_id = satchel_outbox_item_get_id (small);
  SignalEvent *finished;

  g_assert_cmpuint (satchel_outbox_item_get_size (big), >, 8 * 1024 * 1024 - 100);

  start_scheduler (fixture);
  wait_for_flushes (fixture, 1, 60);
  g_assert_cmpuint (fixture->n_sent, ==, 2);
  g_assert_true (server_received (fixture->server, "big"));
  g_assert_true (server_received (fixture->server, "small"));

  finished = assert_send_events (fixture, big, TRUE);
  g_assert_no_error (finished->error);
  finished = assert_send_events (fixture, small, TRUE);
  g_assert_no_error (finished->error);

  /* The outbox is sent in order, one message at a time. */
  g_assert_cmpuint (index_of (fixture, EVENT_FINISHED, big_id), <,
                    index_of (fixture, EVENT_STARTED, small_id));
  g_assert_cmpint (((SignalEvent *) g_ptr_array_index (fixture->events,
                                                       fixture->events->len - 1))->kind,
                   ==, EVENT_FLUSHED);
}

/* A refused message: started and finished with the server's reason; it
 * stays in the outbox. A held message sends no signal at all. */
static void
test_scheduler_signals_failure (Fixture       *fixture,
                                gconstpointer  data)
{
  gint64 later = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_autoptr(SatchelOutboxItem) item = queue (fixture, "refused", SATCHEL_OUTBOX_QUEUED, 0);
  g_autoptr(SatchelOutboxItem) held = queue (fixture, "held", SATCHEL_OUTBOX_HELD, later);
  g_autoptr(GPtrArray) held_events = NULL;
  SignalEvent *finished;

  start_scheduler (fixture);
  wait_for_flushes (fixture, 1, 30);
  g_assert_cmpuint (fixture->n_failed, ==, 1);

  finished = assert_send_events (fixture, item, FALSE);
  g_assert_error (finished->error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PERMANENT);
  g_assert_nonnull (strstr (finished->error->message, "not from you"));
  g_assert_cmpint (state_of (fixture, item), ==, SATCHEL_OUTBOX_FAILED);

  held_events = events_of (fixture, satchel_outbox_item_get_id (held));
  g_assert_cmpuint (held_events->len, ==, 0);
}

/* Cancelling the message being sent stops only it: it stays queued,
 * for its next attempt on the retry schedule, and the next message of
 * the flush still goes. */
static void
test_scheduler_cancel_item (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) cancelled = queue (fixture, "to cancel",
                                                  SATCHEL_OUTBOX_QUEUED, 0);
  g_autoptr(SatchelOutboxItem) after = queue (fixture, "after it", SATCHEL_OUTBOX_QUEUED, 0);
  g_autoptr(SatchelOutboxItem) now = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_real_time () / G_USEC_PER_SEC;
  SignalEvent *finished;

  /* Nothing is being sent: nothing to cancel. */
  satchel_scheduler_cancel_item (fixture->scheduler, satchel_outbox_item_get_id (cancelled));

  /* The server keeps the first session waiting for its greeting until
   * the cancelled send has finished. */
  fixture->server->n_held = 1;
  fixture->cancel_id = g_strdup (satchel_outbox_item_get_id (cancelled));
  start_scheduler (fixture);
  wait_for_flushes (fixture, 1, 60);

  g_assert_cmpuint (fixture->n_sent, ==, 1);
  g_assert_cmpuint (fixture->n_failed, ==, 1);
  finished = assert_send_events (fixture, cancelled, FALSE);
  g_assert_error (finished->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  finished = assert_send_events (fixture, after, TRUE);
  g_assert_no_error (finished->error);

  g_assert_false (server_received (fixture->server, "to cancel"));
  g_assert_true (server_received (fixture->server, "after it"));
  g_assert_false (in_outbox (fixture, after));

  now = satchel_outbox_lookup (satchel_context_get_outbox (fixture->context),
                               satchel_outbox_item_get_id (cancelled), &error);
  g_assert_no_error (error);
  g_assert_cmpint (satchel_outbox_item_get_state (now), ==, SATCHEL_OUTBOX_QUEUED);
  g_assert_cmpuint (satchel_outbox_item_get_attempts (now), ==, 1);
  g_assert_cmpint (satchel_outbox_item_get_next_attempt (now), >=, start + 60);
  g_assert_cmpint (satchel_scheduler_get_next_wakeup (fixture->scheduler), <=,
                   satchel_outbox_item_get_next_attempt (now));
}

static const char *
server_password (LoopServer *server,
                 guint       index)
{
  const char *password;

  g_mutex_lock (&server->lock);
  g_assert_cmpuint (index, <, server->passwords->len);
  password = g_ptr_array_index (server->passwords, index);
  g_mutex_unlock (&server->lock);
  return password;
}

/* A typed password wins over the account's own, for the account given
 * by id or by name, until it is forgotten. */
static void
test_scheduler_set_password (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(SatchelOutboxItem) first = NULL;
  g_autoptr(SatchelOutboxItem) second = NULL;
  g_autoptr(SatchelOutboxItem) third = NULL;
  g_autoptr(SatchelOutboxItem) fourth = NULL;

  satchel_scheduler_set_password (fixture->scheduler, fixture->account_id, "typed pässword");
  satchel_scheduler_set_password (fixture->scheduler, "another account", "not this one");
  first = queue (fixture, "typed", SATCHEL_OUTBOX_QUEUED, 0);
  satchel_scheduler_start (fixture->scheduler);
  wait_for_flushes (fixture, 1, 30);
  g_assert_cmpuint (fixture->n_sent, ==, 1);
  g_assert_cmpstr (server_password (fixture->server, 0), ==, "typed pässword");

  /* Replaced. */
  satchel_scheduler_set_password (fixture->scheduler, fixture->account_id, "second try");
  second = queue (fixture, "replaced", SATCHEL_OUTBOX_QUEUED, 0);
  satchel_scheduler_flush (fixture->scheduler);
  wait_for_flushes (fixture, 2, 30);
  g_assert_cmpstr (server_password (fixture->server, 1), ==, "second try");

  /* Forgotten: the account's own password (its command) again. */
  satchel_scheduler_set_password (fixture->scheduler, fixture->account_id, NULL);
  third = queue (fixture, "forgotten", SATCHEL_OUTBOX_QUEUED, 0);
  satchel_scheduler_flush (fixture->scheduler);
  wait_for_flushes (fixture, 3, 30);
  g_assert_cmpstr (server_password (fixture->server, 2), ==, "loop-secret");

  /* By the account's name. */
  satchel_scheduler_set_password (fixture->scheduler, "loop", "by name");
  fourth = queue (fixture, "by name", SATCHEL_OUTBOX_QUEUED, 0);
  satchel_scheduler_flush (fixture->scheduler);
  wait_for_flushes (fixture, 4, 30);
  g_assert_cmpstr (server_password (fixture->server, 3), ==, "by name");
  g_assert_cmpuint (fixture->n_sent, ==, 4);
}

/* The last "send-progress" of message @id, or NULL. */
static SignalEvent *
last_progress (Fixture    *fixture,
               const char *id)
{
  for (guint i = fixture->events->len; i > 0; i--)
    {
      SignalEvent *event = g_ptr_array_index (fixture->events, i - 1);

      if (event->kind == EVENT_PROGRESS && g_strcmp0 (event->id, id) == 0)
        return event;
    }
  return NULL;
}

/* @progress counts what was written before the server's fault, not
 * less: the server read @mid_data->after bytes, a whole number of the
 * sender's blocks, and the sender counts each block once all of it is
 * written. Nor all: the fault came before the end. */
static void
assert_count_written (SignalEvent   *progress,
                      const MidData *mid_data)
{
  g_assert_nonnull (progress);
  g_test_message ("Last count %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT,
                  progress->sent, progress->total);
  g_assert_cmpuint (progress->sent, >=, mid_data->after);
  g_assert_cmpuint (progress->sent, <, progress->total);
}

/* The server breaks the session after some megabytes of a larger
 * message. On loopback nearly every count comes within a tenth of a
 * second of the one before, so the throttle holds it back; still the
 * last count before "send-finished" is what was written, not the count
 * of an earlier signal. */
static void
test_scheduler_progress_dropped (Fixture       *fixture,
                                 gconstpointer  data)
{
  const MidData *mid_data = data;
  g_autoptr(SatchelOutboxItem) item = queue_sized (fixture, "dropped", SATCHEL_OUTBOX_QUEUED,
                                                   0, 4 * mid_data->after);
  SignalEvent *finished;

  start_scheduler (fixture);
  wait_for_flushes (fixture, 1, 60);
  g_assert_cmpuint (fixture->n_failed, ==, 1);

  finished = assert_send_events (fixture, item, FALSE);
  g_assert_nonnull (finished->error);
  assert_count_written (last_progress (fixture, satchel_outbox_item_get_id (item)), mid_data);
}

typedef struct
{
  GDataInputStream *output;
  const char       *line;
  int               seen;  /* atomic */
} EventWatch;

/* Reads the fault server's event lines until @watch's own. */
static gpointer
watch_events (gpointer data)
{
  EventWatch *watch = data;
  char *line;

  while ((line = g_data_input_stream_read_line_utf8 (watch->output, NULL, NULL, NULL)) != NULL)
    {
      gboolean found = g_str_equal (line, watch->line);

      g_free (line);
      if (found)
        {
          g_atomic_int_set (&watch->seen, TRUE);
          g_main_context_wakeup (g_main_context_default ());
          break;
        }
    }
  return NULL;
}

/* Runs the main loop until the fault server says @line, or fails after
 * @seconds. */
static void
wait_for_fault_event (Fixture    *fixture,
                      const char *line,
                      guint       seconds)
{
  EventWatch watch = { fixture->fault->output, line, FALSE };
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, on_deadline, &expired);
  GThread *thread = g_thread_new ("fault-events", watch_events, &watch);

  while (!g_atomic_int_get (&watch.seen) && !expired)
    g_main_context_iteration (NULL, TRUE);

  if (expired)
    g_error ("The fault server did not say “%s” in %u s", line, seconds);
  g_source_remove (deadline);
  g_thread_join (thread);
}

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until no count of message @id has come for
 * @quiet_seconds (its send is stuck), or fails after @seconds; returns
 * the last count. */
static SignalEvent *
wait_for_stuck_progress (Fixture    *fixture,
                         const char *id,
                         guint       quiet_seconds,
                         guint       seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, on_deadline, &expired);
  guint tick = g_timeout_add (100, on_tick, NULL);
  SignalEvent *progress;

  for (;;)
    {
      progress = last_progress (fixture, id);
      if (progress != NULL &&
          g_get_monotonic_time () - progress->time >= quiet_seconds * G_USEC_PER_SEC)
        break;
      if (expired)
        g_error ("The counts of %s did not stop in %u s", id, seconds);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
  g_source_remove (deadline);
  return progress;
}

/* The server stops reading (as on a congested link): the sender's
 * writes fill the socket's buffers, then block. What was written by
 * then is shown while the send is stuck (at least what the server read,
 * as above), not the count of the last signal the throttle let through;
 * and it is the last count: nothing newer waited for the end of the
 * send. */
static void
test_scheduler_progress_stalled (Fixture       *fixture,
                                 gconstpointer  data)
{
  const MidData *mid_data = data;
  g_autoptr(SatchelOutboxItem) item = queue_sized (fixture, "stalled", SATCHEL_OUTBOX_QUEUED,
                                                   0, 32 * 1024 * 1024);
  const char *id = satchel_outbox_item_get_id (item);
  SignalEvent *progress;
  SignalEvent *finished;
  guint64 stuck;

  start_scheduler (fixture);
  wait_for_fault_event (fixture, "EVENT pause-mid-data 1", 60);
  progress = wait_for_stuck_progress (fixture, id, 2, 30);
  assert_count_written (progress, mid_data);
  stuck = progress->sent;
  g_assert_cmpuint (fixture->n_flushes, ==, 0);
  g_assert_cmpint (((SignalEvent *) g_ptr_array_index (fixture->events,
                                                       fixture->events->len - 1))->kind,
                   ==, EVENT_PROGRESS);

  satchel_scheduler_cancel_item (fixture->scheduler, id);
  wait_for_flushes (fixture, 1, 60);
  finished = assert_send_events (fixture, item, FALSE);
  g_assert_error (finished->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (last_progress (fixture, id)->sent, ==, stuck);
}

int
main (int   argc,
      char *argv[])
{
  /* Whole blocks of the sender's (64 KiB), well past the first. */
  static const MidData dropped = { "drop", 2 * 1024 * 1024 };
  static const MidData paused = { "pause", 256 * 1024 };

  /* Isolated XDG folders have no GSettings schemas, without which GIO's
   * GNOME proxy resolver aborts; loopback needs no proxy. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func, data) \
  g_test_add ("/satchel/scheduler/" path, Fixture, data, \
              fixture_set_up, func, fixture_tear_down)

  ADD ("start", test_scheduler_start, NULL);
  ADD ("next-attempt", test_scheduler_next_attempt, NULL);
  ADD ("held", test_scheduler_held, NULL);
  ADD ("network-back", test_scheduler_network_back, NULL);
  ADD ("temporary-failure", test_scheduler_temporary_failure,
       "451 4.3.0 Try again later");
  ADD ("stopped", test_scheduler_stopped, NULL);
  ADD ("signals", test_scheduler_signals, NULL);
  ADD ("signals-failure", test_scheduler_signals_failure, "550 5.7.1 not from you");
  ADD ("cancel-item", test_scheduler_cancel_item, NULL);
  ADD ("set-password", test_scheduler_set_password, NULL);

#undef ADD

  g_test_add ("/satchel/scheduler/progress-dropped", Fixture, &dropped,
              fixture_set_up_fault, test_scheduler_progress_dropped, fixture_tear_down);
  g_test_add ("/satchel/scheduler/progress-stalled", Fixture, &paused,
              fixture_set_up_fault, test_scheduler_progress_stalled, fixture_tear_down);

  return g_test_run ();
}
