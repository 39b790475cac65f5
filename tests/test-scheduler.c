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
#include "satchel-outbox.h"
#include "satchel-scheduler.h"

/* A loopback SMTP server on its own thread that takes any number of
 * sessions one after the other and notes when each message arrived. */
typedef struct
{
  const char      *mail_reply;  /* instead of 250 to MAIL FROM */

  GMutex           lock;
  GPtrArray       *subjects;    /* of the messages received */
  GArray          *arrivals;    /* gint64 real time of each, µs */
  guint            n_sessions;

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

static void
serve_session (LoopServer *server,
               GIOStream  *stream)
{
  g_autoptr(GDataInputStream) input =
    g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  GOutputStream *output = g_io_stream_get_output_stream (stream);
  char *line;

  write_text (output, "220 loop.example ESMTP\r\n");

  while ((line = read_line (input)) != NULL)
    {
      g_autofree char *command = line;

      if (g_ascii_strncasecmp (command, "EHLO", 4) == 0)
        write_text (output, "250-loop.example\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      else if (g_ascii_strncasecmp (command, "AUTH", 4) == 0)
        write_text (output, "235 2.7.0 OK\r\n");
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
  server->mail_reply = mail_reply;
  server->subjects = g_ptr_array_new_with_free_func (g_free);
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
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_ptr_array_unref (server->subjects);
  g_array_unref (server->arrivals);
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
  SatchelContext   *context;
  SatchelScheduler *scheduler;
  guint             n_flushes;
  guint             n_sent;
  guint             n_failed;
} Fixture;

static void
on_flushed (SatchelScheduler *scheduler,
            guint             n_sent,
            guint             n_failed,
            gpointer          user_data)
{
  Fixture *fixture = user_data;

  fixture->n_flushes++;
  fixture->n_sent += n_sent;
  fixture->n_failed += n_failed;
}

static void
fixture_set_up_with (Fixture    *fixture,
                     const char *mail_reply)
{
  g_autoptr(SatchelAccount) account = satchel_account_new ("loop");
  g_autoptr(GError) error = NULL;

  fixture->server = server_start (mail_reply);
  fixture->context = satchel_context_new ();

  satchel_account_set_address (account, "ann@example.com");
  satchel_account_set_host (account, "127.0.0.1");
  satchel_account_set_security (account, SATCHEL_SECURITY_NONE);
  satchel_account_set_port (account, fixture->server->port);
  satchel_account_set_username (account, "ann");
  satchel_account_set_password_command (account, "printf %s loop-secret");
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  satchel_account_set_timeout (account, 10);
  g_assert_true (satchel_account_store_add (satchel_context_get_accounts (fixture->context),
                                            account, &error));
  g_assert_no_error (error);

  fixture->scheduler = satchel_scheduler_new (NULL);
  g_signal_connect (fixture->scheduler, "flushed", G_CALLBACK (on_flushed), fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_set_up_with (fixture, data);
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
}

/* Queues a message as the composer would: the file, then its state. */
static SatchelOutboxItem *
queue (Fixture            *fixture,
       const char         *subject,
       SatchelOutboxState  state,
       gint64              when)
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

int
main (int   argc,
      char *argv[])
{
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

#undef ADD

  return g_test_run ();
}
