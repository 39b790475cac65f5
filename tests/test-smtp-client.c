/* test-smtp-client.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "satchel-certificate.h"
#include "satchel-error.h"
#include "satchel-smtp-client.h"

#define USER     "alice"
#define PASSWORD "p4ss-wörd with spaces"

/* A scripted SMTP server on loopback, on its own thread: one
 * connection, every byte it receives recorded (after TLS). */
typedef struct
{
  /* The script, set before server_start(). */
  const char      *bind_address;     /* default 127.0.0.1 */
  gboolean         implicit_tls;
  gboolean         silent_greeting;
  const char      *greeting;         /* instead of a 220 */
  const char      *mail_reply;       /* instead of 250 to MAIL */
  const char      *caps;             /* EHLO keywords, one per line */
  const char      *caps_tls;         /* after TLS; NULL: same as caps */
  gboolean         inject_after_starttls;
  gboolean         ehlo_refused;
  gboolean         huge_ehlo_line;
  const char      *silent_at;        /* no reply from this verb on; "." after data */
  gboolean         drop_after_dot;
  const char      *auth_reply;       /* instead of checking the password */
  GTlsCertificate *certificate;

  /* What happened, under lock. */
  GMutex           lock;
  GString         *received;
  GString         *message;          /* data as received, still stuffed */
  GPtrArray       *auth_mechanisms;
  guint            n_mail;
  guint            n_ehlo;
  gboolean         saw_data;
  gboolean         saw_rset;
  gboolean         pipelined;
  gboolean         tls_failed;

  /* Plumbing. */
  GSocketListener *listener;
  GCancellable    *accept_cancellable;
  guint16          port;
  GThread         *thread;
  GString         *pending;
  GIOStream       *stream;
  GIOStream       *base;
} TestServer;

static char *
build_filename (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, name, NULL);
}

static GTlsCertificate *
load_test_certificate (void)
{
  g_autofree char *pem = build_filename ("localhost.pem");
  g_autofree char *key = build_filename ("localhost.key");
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  certificate = g_tls_certificate_new_from_files (pem, key, &error);
  g_assert_no_error (error);
  return certificate;
}

static TestServer *
server_new (void)
{
  TestServer *server = g_new0 (TestServer, 1);

  g_mutex_init (&server->lock);
  server->received = g_string_new (NULL);
  server->message = g_string_new (NULL);
  server->pending = g_string_new (NULL);
  server->auth_mechanisms = g_ptr_array_new_with_free_func (g_free);
  server->caps = "PIPELINING\nSIZE 10000000\n8BITMIME\nENHANCEDSTATUSCODES";
  server->certificate = load_test_certificate ();
  return server;
}

static void
server_write (TestServer *server,
              const char *text)
{
  GOutputStream *output = g_io_stream_get_output_stream (server->stream);

  /* The client may be gone: that is its right. */
  g_output_stream_write_all (output, text, strlen (text), NULL, NULL, NULL);
}

static char *
server_read_line (TestServer *server)
{
  GInputStream *input = g_io_stream_get_input_stream (server->stream);

  for (;;)
    {
      char *newline = memchr (server->pending->str, '\n', server->pending->len);
      char buffer[4096];
      gssize n;

      if (newline != NULL)
        {
          gsize len = newline - server->pending->str;
          char *line = g_strndup (server->pending->str, len);

          g_string_erase (server->pending, 0, len + 1);
          if (len > 0 && line[len - 1] == '\r')
            line[len - 1] = '\0';
          return line;
        }

      n = g_input_stream_read (input, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        return NULL;

      g_mutex_lock (&server->lock);
      g_string_append_len (server->received, buffer, n);
      g_mutex_unlock (&server->lock);
      g_string_append_len (server->pending, buffer, n);
    }
}

static gboolean
server_start_tls (TestServer *server)
{
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_server_connection_new (server->base, server->certificate, &error);
  g_assert_no_error (error);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error))
    {
      g_test_message ("server: handshake failed: %s", error->message);
      g_mutex_lock (&server->lock);
      server->tls_failed = TRUE;
      g_mutex_unlock (&server->lock);
      g_object_unref (tls);
      return FALSE;
    }

  if (server->stream != server->base)
    g_object_unref (server->stream);
  server->stream = tls;
  return TRUE;
}

static void
server_send_ehlo (TestServer *server,
                  gboolean    after_tls)
{
  const char *caps = after_tls && server->caps_tls ? server->caps_tls : server->caps;
  g_auto(GStrv) lines = g_strsplit (caps != NULL ? caps : "", "\n", -1);
  g_autoptr(GString) reply = g_string_new (NULL);
  guint n = 0;

  if (server->ehlo_refused)
    {
      server_write (server, "502 5.5.2 EHLO not here\r\n");
      return;
    }

  if (server->huge_ehlo_line)
    {
      g_autofree char *huge = g_strnfill (1024 * 1024, 'x');

      server_write (server, "250-");
      server_write (server, huge);
      server_write (server, "\r\n250 OK\r\n");
      return;
    }

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;

  g_string_append_printf (reply, "250%ctest.example greets you\r\n", n > 0 ? '-' : ' ');
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      n--;
      g_string_append_printf (reply, "250%c%s\r\n", n > 0 ? '-' : ' ', lines[i]);
    }
  server_write (server, reply->str);
}

static gboolean
check_plain (const char *b64)
{
  gsize len = 0;
  g_autofree guchar *data = g_base64_decode (b64, &len);
  static const char expected[] = "\0" USER "\0" PASSWORD;

  return len == sizeof expected - 1 && memcmp (data, expected, len) == 0;
}

static gboolean
check_b64 (const char *b64,
           const char *expected)
{
  gsize len = 0;
  g_autofree guchar *data = g_base64_decode (b64, &len);

  return len == strlen (expected) && memcmp (data, expected, len) == 0;
}

static void
server_auth (TestServer *server,
             const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  gboolean ok = FALSE;

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->auth_mechanisms, g_strdup (words[1] ? words[1] : ""));
  g_mutex_unlock (&server->lock);

  if (words[1] != NULL && g_ascii_strcasecmp (words[1], "PLAIN") == 0)
    {
      g_autofree char *response = NULL;

      if (words[2] != NULL)
        response = g_strdup (words[2]);
      else
        {
          server_write (server, "334 \r\n");
          response = server_read_line (server);
        }
      ok = response != NULL && check_plain (response);
    }
  else if (words[1] != NULL && g_ascii_strcasecmp (words[1], "LOGIN") == 0)
    {
      g_autofree char *user = NULL;
      g_autofree char *password = NULL;

      server_write (server, "334 VXNlcm5hbWU6\r\n");
      user = server_read_line (server);
      server_write (server, "334 UGFzc3dvcmQ6\r\n");
      password = server_read_line (server);
      ok = user != NULL && password != NULL &&
           check_b64 (user, USER) && check_b64 (password, PASSWORD);
    }
  else
    {
      server_write (server, "504 5.5.4 Unrecognized authentication type\r\n");
      return;
    }

  if (server->auth_reply != NULL)
    server_write (server, server->auth_reply);
  else if (ok)
    server_write (server, "235 2.7.0 Authentication successful\r\n");
  else
    server_write (server, "535 5.7.8 Authentication credentials invalid\r\n");
}

static void
server_data (TestServer *server)
{
  server_write (server, "354 End data with <CR><LF>.<CR><LF>\r\n");

  for (;;)
    {
      g_autofree char *line = server_read_line (server);

      if (line == NULL)
        return;
      if (strcmp (line, ".") == 0)
        break;
      g_mutex_lock (&server->lock);
      g_string_append (server->message, line);
      g_string_append (server->message, "\r\n");
      g_mutex_unlock (&server->lock);
    }

  if (server->drop_after_dot)
    {
      g_io_stream_close (server->base, NULL, NULL);
      return;
    }
  if (g_strcmp0 (server->silent_at, ".") == 0)
    return;
  server_write (server, "250 2.0.0 Ok: queued as 12345\r\n");
}

static gpointer
server_thread (gpointer data)
{
  TestServer *server = data;
  g_autoptr(GSocketConnection) connection = NULL;
  gboolean tls_active = FALSE;
  gboolean silenced = FALSE;

  connection = g_socket_listener_accept (server->listener, NULL,
                                         server->accept_cancellable, NULL);
  if (connection == NULL)
    return NULL;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), 20);
  server->base = G_IO_STREAM (connection);
  server->stream = server->base;

  if (server->implicit_tls)
    {
      if (!server_start_tls (server))
        goto out;
      tls_active = TRUE;
    }

  if (server->greeting != NULL)
    server_write (server, server->greeting);
  else if (!server->silent_greeting)
    server_write (server, "220 test.example ESMTP ready\r\n");

  for (;;)
    {
      g_autofree char *line = server_read_line (server);
      g_autofree char *verb = NULL;

      if (line == NULL)
        break;

      verb = g_ascii_strup (line, strcspn (line, " "));
      if (g_strcmp0 (server->silent_at, verb) == 0)
        silenced = TRUE;
      if (silenced || (server->silent_greeting && strcmp (verb, "QUIT") != 0))
        continue;

      if (strcmp (verb, "EHLO") == 0)
        {
          server->n_ehlo++;
          server_send_ehlo (server, tls_active);
        }
      else if (strcmp (verb, "HELO") == 0)
        server_write (server, "250 test.example\r\n");
      else if (strcmp (verb, "STARTTLS") == 0)
        {
          if (server->inject_after_starttls)
            {
              server_write (server, "220 go ahead\r\nX");
              continue;
            }
          server_write (server, "220 2.0.0 Ready to start TLS\r\n");
          if (!server_start_tls (server))
            break;
          tls_active = TRUE;
        }
      else if (strcmp (verb, "AUTH") == 0)
        server_auth (server, line);
      else if (strcmp (verb, "MAIL") == 0)
        {
          g_mutex_lock (&server->lock);
          server->n_mail++;
          if (strstr (server->pending->str, "RCPT TO:") != NULL)
            server->pipelined = TRUE;
          g_mutex_unlock (&server->lock);
          server_write (server, server->mail_reply ? server->mail_reply : "250 2.1.0 Ok\r\n");
        }
      else if (strcmp (verb, "RCPT") == 0)
        {
          if (g_str_has_prefix (line + 8, "<reject"))
            {
              g_autofree char *reply = g_strdup_printf ("550 5.1.1 %s: Recipient "
                                                        "address rejected: User "
                                                        "unknown\r\n", line + 8);
              server_write (server, reply);
            }
          else if (g_str_has_prefix (line + 8, "<later"))
            server_write (server, "450 4.2.0 Mailbox busy, try later\r\n");
          else
            server_write (server, "250 2.1.5 Ok\r\n");
        }
      else if (strcmp (verb, "DATA") == 0)
        {
          g_mutex_lock (&server->lock);
          server->saw_data = TRUE;
          g_mutex_unlock (&server->lock);
          server_data (server);
          if (server->drop_after_dot)
            break;
        }
      else if (strcmp (verb, "RSET") == 0)
        {
          g_mutex_lock (&server->lock);
          server->saw_rset = TRUE;
          g_mutex_unlock (&server->lock);
          server_write (server, "250 2.0.0 Ok\r\n");
        }
      else if (strcmp (verb, "QUIT") == 0)
        {
          server_write (server, "221 2.0.0 Bye\r\n");
          break;
        }
      else
        server_write (server, "500 5.5.2 Error: command not recognized\r\n");
    }

out:
  if (server->stream != server->base)
    {
      g_io_stream_close (server->stream, NULL, NULL);
      g_object_unref (server->stream);
    }
  g_io_stream_close (server->base, NULL, NULL);
  server->stream = server->base = NULL;
  return NULL;
}

static void
server_start (TestServer *server)
{
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  loopback = g_inet_address_new_from_string (server->bind_address
                                             ? server->bind_address : "127.0.0.1");
  address = g_inet_socket_address_new (loopback, 0);
  server->listener = g_socket_listener_new ();
  server->accept_cancellable = g_cancellable_new ();
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->thread = g_thread_new ("test-smtp-server", server_thread, server);
}

/* Waits for the session to end (the client must have closed it). */
static void
server_join (TestServer *server)
{
  if (server->thread == NULL)
    return;
  g_cancellable_cancel (server->accept_cancellable);
  g_thread_join (server->thread);
  server->thread = NULL;
}

static void
server_free (TestServer *server)
{
  server_join (server);
  g_socket_listener_close (server->listener);
  g_clear_object (&server->listener);
  g_clear_object (&server->accept_cancellable);
  g_clear_object (&server->certificate);
  g_string_free (server->received, TRUE);
  g_string_free (server->message, TRUE);
  g_string_free (server->pending, TRUE);
  g_ptr_array_unref (server->auth_mechanisms);
  g_mutex_clear (&server->lock);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, server_free)

/* The client side */

typedef struct
{
  GPtrArray *lines;      /* "C: …" and "S: …" */
  GArray    *steps;
  guint64    last_sent;
  guint64    last_total;
  guint      n_data_end;
} Session;

static void
on_transcript (gboolean    from_server,
               const char *line,
               gpointer    user_data)
{
  Session *session = user_data;

  g_ptr_array_add (session->lines, g_strdup_printf ("%s %s", from_server ? "S:" : "C:", line));
}

static void
on_step (SatchelSmtpStep step,
         gpointer        user_data)
{
  Session *session = user_data;

  g_array_append_val (session->steps, step);
}

static void
on_progress (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  Session *session = user_data;

  g_assert_cmpuint (sent, >=, session->last_sent);
  session->last_sent = sent;
  session->last_total = total;
}

static void
on_data_end (gpointer user_data)
{
  Session *session = user_data;

  session->n_data_end++;
}

static char *
session_transcript (Session *session)
{
  char *joined;

  g_ptr_array_add (session->lines, NULL);
  joined = g_strjoinv ("\n", (char **) session->lines->pdata);
  g_ptr_array_remove_index (session->lines, session->lines->len - 1);
  return joined;
}

static Session *
session_new (void)
{
  Session *session = g_new0 (Session, 1);

  session->lines = g_ptr_array_new_with_free_func (g_free);
  session->steps = g_array_new (FALSE, FALSE, sizeof (SatchelSmtpStep));
  return session;
}

static void
session_free (Session *session)
{
  g_ptr_array_unref (session->lines);
  g_array_unref (session->steps);
  g_free (session);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Session, session_free)

static SatchelAccount *
make_account (TestServer      *server,
              SatchelSecurity  security)
{
  SatchelAccount *account = satchel_account_new ("test");

  satchel_account_set_address (account, "alice@example.com");
  satchel_account_set_host (account, server->bind_address ? server->bind_address
                                                          : "127.0.0.1");
  satchel_account_set_port (account, server->port);
  satchel_account_set_security (account, security);
  satchel_account_set_username (account, USER);
  satchel_account_set_timeout (account, 5);
  return account;
}

static void
trust_test_ca (SatchelAccount *account)
{
  g_autofree char *pem = build_filename ("localhost.pem");

  satchel_account_set_ca_file (account, pem);
}

static SatchelSmtpClient *
make_client (SatchelAccount *account,
             Session        *session)
{
  SatchelSmtpClient *client = satchel_smtp_client_new (account);

  satchel_smtp_client_set_transcript_func (client, on_transcript, session);
  satchel_smtp_client_set_step_func (client, on_step, session);
  return client;
}

/* RFC 5321 dot-stuffing, done the simple way. */
static GString *
reference_stuff (const char *message,
                 gsize       len)
{
  GString *out = g_string_sized_new (len + 16);
  gboolean line_start = TRUE;

  for (gsize i = 0; i < len; i++)
    {
      if (line_start && message[i] == '.')
        g_string_append_c (out, '.');
      g_string_append_c (out, message[i]);
      line_start = message[i] == '\n';
    }
  return out;
}

static gboolean
send_text (SatchelSmtpClient   *client,
           Session             *session,
           const char * const  *recipients,
           const char          *message,
           gsize                len,
           GError             **error)
{
  g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data (message, len, NULL);

  return satchel_smtp_client_send (client, "alice@example.com", recipients, input,
                                   len, SATCHEL_SMTP_SEND_NONE, on_progress,
                                   on_data_end, session, NULL, error);
}

static char *
test_fingerprint (void)
{
  g_autoptr(GTlsCertificate) certificate = load_test_certificate ();

  return satchel_certificate_fingerprint (certificate);
}

/* "AB:CD:…" */
static char *
colon_fingerprint (const char *hex)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
    }
  return g_string_free (out, FALSE);
}

/* Tests */

static void
test_send_pipelined (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) stuffed = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *envelope = NULL;
  const char *recipients[] = { "bob@example.com", "carol@example.com", NULL };
  const char *message = ".Leading dot\r\nSubject: hi\r\n\r\nline\r\n.\r\n..two\r\nno end";
  const SatchelSmtpCapabilities *caps;

  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  caps = satchel_smtp_client_get_capabilities (client);
  g_assert_true (caps->pipelining);
  g_assert_cmpuint (caps->size, ==, 10000000);
  g_assert_null (satchel_smtp_client_dup_tls_description (client));

  send_text (client, session, recipients, message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (satchel_smtp_client_get_last_reply (client)->code, ==, 250);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  envelope = g_strdup_printf ("MAIL FROM:<alice@example.com> SIZE=%zu\r\n"
                              "RCPT TO:<bob@example.com>\r\n"
                              "RCPT TO:<carol@example.com>\r\n"
                              "DATA\r\n",
                              strlen (message));
  g_assert_nonnull (strstr (server->received->str, envelope));
  g_assert_true (server->pipelined);
  g_assert_true (g_str_has_suffix (server->received->str, "\r\n.\r\nQUIT\r\n"));

  /* Dot-stuffed, and the missing line end added before the dot. */
  stuffed = reference_stuff (message, strlen (message));
  g_string_append (stuffed, "\r\n");
  g_assert_cmpstr (server->message->str, ==, stuffed->str);
  g_assert_cmpstr (server->message->str, ==,
                   "..Leading dot\r\nSubject: hi\r\n\r\nline\r\n..\r\n...two\r\nno end\r\n");

  g_assert_cmpuint (session->last_sent, ==, strlen (message));
  g_assert_cmpuint (session->n_data_end, ==, 1);

  transcript = session_transcript (session);
  g_assert_nonnull (strstr (transcript, "C: RCPT TO:<carol@example.com>"));
  g_assert_nonnull (strstr (transcript, "S: 250 2.0.0 Ok: queued as 12345"));
  g_assert_nonnull (strstr (transcript, "C: <message: 51 bytes>\nC: .\nS: 250"));
  g_assert_null (strstr (transcript, "Leading dot"));
}

static void
test_send_dot_stuffing_boundary (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  g_autoptr(GString) stuffed = NULL;
  const char *recipients[] = { "bob@example.com", NULL };

  /* Lines of 78 characters, with a '.' starting a line right at each
   * 64 KiB block boundary, and a "\r" / "\n" split across another. */
  while (message->len < 3 * 65536 + 100)
    {
      if (message->len + 80 > 65536 && message->len < 65536)
        {
          g_string_append_c (message, 'a');
          while (message->len < 65536 - 2)
            g_string_append_c (message, 'b');
          g_string_append (message, "\r\n.dot at the boundary\r\n");
          continue;
        }
      if (message->len + 80 > 2 * 65536 && message->len < 2 * 65536)
        {
          while (message->len < 2 * 65536 - 1)
            g_string_append_c (message, 'c');
          g_string_append (message, "\r\n..two dots after a split line end\r\n");
          continue;
        }
      g_string_append (message, message->len % 3 == 0 ? ".starts with a dot " : "plain line ");
      while (message->len % 80 != 78)
        g_string_append_c (message, 'x');
      g_string_append (message, "\r\n");
    }
  g_assert_cmpint (message->str[65536], ==, '.');
  g_assert_cmpint (message->str[2 * 65536], ==, '\n');

  /* No PIPELINING: one command at a time. */
  server->caps = "SIZE 10000000";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  send_text (client, session, recipients, message->str, message->len, &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  stuffed = reference_stuff (message->str, message->len);
  g_assert_cmpuint (server->message->len, ==, stuffed->len);
  g_assert_true (memcmp (server->message->str, stuffed->str, stuffed->len) == 0);
  g_assert_false (server->pipelined);
  g_assert_cmpuint (session->last_sent, ==, message->len);
  g_assert_cmpuint (session->last_total, ==, message->len);
}

static void
test_tls_ca_file (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  const char *recipients[] = { "bob@example.com", NULL };
  const char *message = "Subject: over TLS\r\n\r\nhello\r\n";

  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  description = satchel_smtp_client_dup_tls_description (client);
  g_test_message ("TLS: %s", description);
  g_assert_true (g_str_has_prefix (description, "TLSv1.2") ||
                 g_str_has_prefix (description, "TLSv1.3"));
  g_assert_nonnull (satchel_smtp_client_get_peer_certificate (client));
  g_assert_cmpuint (satchel_smtp_client_get_certificate_errors (client), ==, 0);

  send_text (client, session, recipients, message, strlen (message), &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  g_assert_cmpstr (server->message->str, ==, message);
  g_assert_cmpuint (server->n_mail, ==, 1);
}

static void
test_tls_untrusted (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = test_fingerprint ();
  g_autofree char *shown = colon_fingerprint (fingerprint);
  GTlsCertificate *peer;

  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not trusted"));
  g_assert_nonnull (strstr (error->message, "unknown certificate authority"));
  g_assert_nonnull (strstr (error->message, shown));
  g_assert_nonnull (strstr (error->message, "--ca-file"));
  g_assert_nonnull (strstr (error->message, "--trust-fingerprint"));

  peer = satchel_smtp_client_get_peer_certificate (client);
  g_assert_nonnull (peer);
  g_assert_true (satchel_smtp_client_get_certificate_errors (client) &
                 G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_false (satchel_smtp_client_get_certificate_errors (client) &
                  G_TLS_CERTIFICATE_BAD_IDENTITY);

  server_join (server);
  g_assert_cmpstr (server->received->str, ==, "");
  g_assert_cmpuint (server->n_ehlo, ==, 0);
}

static void
test_tls_wrong_host (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  /* The certificate names localhost and 127.0.0.1, not 127.0.0.2. */
  server->bind_address = "127.0.0.2";
  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "name mismatch"));
  g_assert_nonnull (strstr (error->message, "127.0.0.2"));
  /* The CA file vouches for the issuer. */
  g_assert_null (strstr (error->message, "unknown certificate authority"));
  g_assert_cmpuint (satchel_smtp_client_get_certificate_errors (client), ==,
                    G_TLS_CERTIFICATE_BAD_IDENTITY);

  server_join (server);
  g_assert_cmpstr (server->received->str, ==, "");
}

static void
test_tls_pinned (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = test_fingerprint ();
  g_autofree char *peer_fingerprint = NULL;

  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_trust_fingerprint (account, fingerprint);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  peer_fingerprint = satchel_certificate_fingerprint (satchel_smtp_client_get_peer_certificate (client));
  g_assert_cmpstr (peer_fingerprint, ==, fingerprint);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->n_ehlo, ==, 1);
}

static void
test_tls_wrong_pin (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = test_fingerprint ();
  g_autofree char *shown = colon_fingerprint (fingerprint);
  g_autofree char *wrong = g_strnfill (64, '0');
  g_autofree char *wrong_shown = colon_fingerprint (wrong);

  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_trust_fingerprint (account, wrong);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, shown));
  g_assert_nonnull (strstr (error->message, wrong_shown));
  g_assert_nonnull (strstr (error->message, "pinned"));

  server_join (server);
  g_assert_cmpstr (server->received->str, ==, "");
}

static void
test_tls_plaintext_port (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "plain SMTP"));
  g_assert_nonnull (strstr (error->message, "--security starttls"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_tls_on_starttls_port (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  /* An implicit-TLS server waits for a ClientHello that never comes. */
  server->implicit_tls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_STARTTLS);
  satchel_account_set_timeout (account, 1);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "greeting"));
  g_assert_nonnull (strstr (error->message, "--security tls"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_starttls_not_offered (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  server->caps = "PIPELINING\nAUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_STARTTLS);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_STARTTLS_NOT_OFFERED);
  g_assert_nonnull (strstr (error->message, "STARTTLS"));
  g_clear_error (&error);

  /* Nothing more goes, whatever the caller tries. */
  g_assert_false (satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error));
  g_assert_nonnull (error);
  g_clear_object (&client);
  server_join (server);

  g_assert_true (g_str_has_prefix (server->received->str, "EHLO "));
  g_assert_true (g_str_has_suffix (server->received->str, "\r\nQUIT\r\n"));
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 0);
  g_assert_cmpuint (server->n_mail, ==, 0);
  g_assert_null (strstr (server->received->str, "AUTH"));
}

static void
test_starttls_injection (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->caps = "STARTTLS\nAUTH PLAIN";
  server->inject_after_starttls = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_STARTTLS);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_STARTTLS_INJECTION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "possible attack"));
  g_clear_object (&client);
  server_join (server);

  g_assert_true (g_str_has_suffix (server->received->str, "\r\nSTARTTLS\r\n"));
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 0);
}

static void
test_starttls_capabilities (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  const SatchelSmtpCapabilities *caps;

  /* Before TLS the server (or someone between) offers only LOGIN and
   * a tiny SIZE; after TLS, PLAIN too and a larger SIZE. */
  server->caps = "STARTTLS\nAUTH LOGIN\nSIZE 100";
  server->caps_tls = "AUTH PLAIN LOGIN\nSIZE 5000000\nPIPELINING";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_STARTTLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  caps = satchel_smtp_client_get_capabilities (client);
  g_assert_false (caps->starttls);
  g_assert_true (caps->pipelining);
  g_assert_cmpuint (caps->size, ==, 5000000);
  description = satchel_smtp_client_dup_tls_description (client);
  g_assert_nonnull (description);

  satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  g_assert_cmpuint (server->n_ehlo, ==, 2);
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (server->auth_mechanisms, 0), ==, "PLAIN");

  {
    static const SatchelSmtpStep expected[] = {
      SATCHEL_SMTP_STEP_RESOLVE, SATCHEL_SMTP_STEP_CONNECT,
      SATCHEL_SMTP_STEP_GREETING, SATCHEL_SMTP_STEP_EHLO,
      SATCHEL_SMTP_STEP_STARTTLS, SATCHEL_SMTP_STEP_TLS,
      SATCHEL_SMTP_STEP_EHLO, SATCHEL_SMTP_STEP_AUTH, SATCHEL_SMTP_STEP_QUIT,
    };

    g_assert_cmpmem (session->steps->data, session->steps->len * sizeof (SatchelSmtpStep),
                     expected, sizeof expected);
  }
}

static void
test_auth_plain (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *encoded_password = NULL;
  static const char raw[] = "\0" USER "\0" PASSWORD;

  server->implicit_tls = TRUE;
  server->caps = "AUTH LOGIN PLAIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  g_assert_cmpuint (server->auth_mechanisms->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (server->auth_mechanisms, 0), ==, "PLAIN");

  transcript = session_transcript (session);
  plain = g_base64_encode ((const guchar *) raw, sizeof raw - 1);
  encoded_password = g_base64_encode ((const guchar *) PASSWORD, strlen (PASSWORD));
  g_assert_nonnull (strstr (transcript, "C: AUTH PLAIN <redacted"));
  g_assert_nonnull (strstr (transcript, "S: 235 2.7.0"));
  g_assert_nonnull (strstr (transcript, "; certificate: CN=localhost; issuer: CN=localhost; SHA-256 "));
  g_assert_true (g_str_has_prefix (transcript, "S: <TLSv1."));
  g_assert_null (strstr (transcript, PASSWORD));
  g_assert_null (strstr (transcript, plain));
  g_assert_null (strstr (transcript, encoded_password));
}

static void
test_auth_login (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *encoded_password = NULL;

  server->implicit_tls = TRUE;
  server->caps = "AUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_auth_mechanism (account, "LOGIN");
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  g_assert_cmpuint (server->auth_mechanisms->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (server->auth_mechanisms, 0), ==, "LOGIN");
  transcript = session_transcript (session);
  encoded_password = g_base64_encode ((const guchar *) PASSWORD, strlen (PASSWORD));
  g_assert_null (strstr (transcript, encoded_password));
  g_assert_nonnull (strstr (transcript, "S: 334 <redacted"));
}

static void
test_auth_refused (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->implicit_tls = TRUE;
  server->caps = "AUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_smtp_client_authenticate (client, "not the password", NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the server said: “535 5.7.8 "
                                            "Authentication credentials invalid”"));
  g_assert_null (strstr (error->message, "not the password"));
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  /* One attempt, no weaker fallback. */
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (server->auth_mechanisms, 0), ==, "PLAIN");
}

static void
test_auth_temporary (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->implicit_tls = TRUE;
  server->caps = "AUTH PLAIN";
  server->auth_reply = "454 4.7.0 Temporary authentication failure\r\n";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TEMPORARY);
  g_assert_true (satchel_error_is_temporary (error));
  g_assert_nonnull (strstr (error->message, "454 4.7.0"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_auth_unavailable (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->implicit_tls = TRUE;
  server->caps = "AUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_auth_mechanism (account, "CRAM-MD5");
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "CRAM-MD5"));
  g_assert_nonnull (strstr (error->message, "PLAIN LOGIN"));
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 0);
}

static void
test_auth_not_offered (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->implicit_tls = TRUE;
  server->caps = "PIPELINING";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  trust_test_ca (account);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 0);
}

static void
test_auth_plaintext_refused (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->caps = "AUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED);
  g_assert_nonnull (strstr (error->message, "--allow-plaintext-auth"));
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 0);
  g_assert_null (strstr (server->received->str, "AUTH"));
}

static void
test_auth_plaintext_allowed (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->caps = "AUTH PLAIN LOGIN";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  satchel_account_set_allow_plaintext_auth (account, TRUE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_authenticate (client, PASSWORD, NULL, &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->auth_mechanisms->len, ==, 1);
}

static void
test_helo_fallback (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const SatchelSmtpCapabilities *caps;
  const char *recipients[] = { "bob@example.com", NULL };
  const char *message = "Subject: old server\r\n\r\nhi\r\n";

  server->ehlo_refused = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  caps = satchel_smtp_client_get_capabilities (client);
  g_assert_false (caps->pipelining);
  g_assert_false (caps->has_size);
  g_assert_null (caps->auth[0]);

  send_text (client, session, recipients, message, strlen (message), &error);
  g_assert_no_error (error);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);

  g_assert_nonnull (strstr (server->received->str, "\r\nHELO "));
  /* No SIZE= for a server that did not announce SIZE. */
  g_assert_nonnull (strstr (server->received->str, "MAIL FROM:<alice@example.com>\r\n"));
  g_assert_cmpstr (server->message->str, ==, message);
}

static void
test_rejected_recipient (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", "reject-me@example.com",
                               "reject-too@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";
  GPtrArray *rejections;
  SatchelSmtpRejection *rejection;

  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_assert_false (satchel_error_is_temporary (error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "2 recipients"));
  g_assert_nonnull (strstr (error->message, "<reject-me@example.com> (the server said: "
                                            "“550 5.1.1 <reject-me@example.com>: Recipient"));
  g_assert_nonnull (strstr (error->message, "reject-too@example.com"));
  g_assert_null (strstr (error->message, "bob@"));

  rejections = satchel_smtp_client_get_rejections (client);
  g_assert_cmpuint (rejections->len, ==, 2);
  rejection = g_ptr_array_index (rejections, 0);
  g_assert_cmpstr (rejection->recipient, ==, "reject-me@example.com");
  g_assert_cmpuint (rejection->reply->code, ==, 550);
  g_assert_cmpstr (rejection->reply->enhanced, ==, "5.1.1");
  g_assert_cmpuint (session->n_data_end, ==, 0);

  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_true (server->saw_rset);
  g_assert_false (server->saw_data);
  g_assert_null (strstr (server->received->str, "DATA"));
}

static void
test_temporary_recipient (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "later@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";

  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TEMPORARY);
  g_assert_true (satchel_error_is_temporary (error));
  g_assert_nonnull (strstr (error->message, "later@example.com"));
  g_assert_cmpuint (satchel_smtp_client_get_rejections (client)->len, ==, 1);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_false (server->saw_data);
}

static void
test_too_big (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = g_strnfill (2000, 'x');
  const char *recipients[] = { "bob@example.com", NULL };

  server->caps = "PIPELINING\nSIZE 1000";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_MESSAGE_TOO_BIG);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "2.0\xc2\xa0kB"));
  g_assert_nonnull (strstr (error->message, "1.0\xc2\xa0kB"));
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->n_mail, ==, 0);
}

static void
test_smtputf8_required (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) input = NULL;
  const char *recipients[] = { "jörg@example.com", NULL };

  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  input = g_memory_input_stream_new_from_data ("x\r\n", 3, NULL);
  g_assert_false (satchel_smtp_client_send (client, "alice@example.com", recipients,
                                            input, 3, SATCHEL_SMTP_SEND_SMTPUTF8,
                                            NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_SMTPUTF8_REQUIRED);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_cmpuint (server->n_mail, ==, 0);
}

static void
test_timeout_greeting (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->silent_greeting = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  satchel_account_set_timeout (account, 1);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "within 1 second while waiting for "
                                            "the server’s greeting"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_timeout_mail (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";

  server->silent_at = "MAIL";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  satchel_account_set_timeout (account, 1);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT);
  g_assert_true (satchel_error_is_temporary (error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "MAIL FROM"));
  g_clear_object (&client);
  server_join (server);
  g_assert_false (server->saw_data);
}

static void
test_dropped_after_dot (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";

  server->drop_after_dot = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (session->n_data_end, ==, 1);
  g_clear_object (&client);
  server_join (server);
  g_assert_cmpstr (server->message->str, ==, message);
}

static void
test_silent_after_dot (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";

  server->silent_at = ".";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  satchel_account_set_timeout (account, 1);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME);
  g_test_message ("%s", error->message);
  g_clear_object (&client);
  server_join (server);
}

static void
test_greeting_refused (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->greeting = "421 4.3.2 Too busy\x1b[31m, come back later\r\n";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TEMPORARY);
  g_test_message ("%s", error->message);
  /* The server's words, escaped. */
  g_assert_nonnull (strstr (error->message, "the server said: “421 4.3.2 Too busy"));
  g_assert_null (strchr (error->message, '\x1b'));
  g_clear_object (&client);
  server_join (server);
  g_assert_null (strstr (server->received->str, "EHLO"));
}

static void
test_mail_refused (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@example.com", "carol@example.com", NULL };
  const char *message = "Subject: s\r\n\r\nb\r\n";

  server->mail_reply = "553 5.7.1 Sender address rejected: not owned by user\r\n";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  satchel_smtp_client_connect (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (send_text (client, session, recipients, message, strlen (message), &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PERMANENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "<alice@example.com>"));
  g_assert_nonnull (strstr (error->message, "553 5.7.1 Sender address rejected"));
  g_assert_cmpuint (satchel_smtp_client_get_rejections (client)->len, ==, 0);
  satchel_smtp_client_quit (client, NULL);
  server_join (server);
  g_assert_true (server->pipelined);
  g_assert_true (server->saw_rset);
  g_assert_false (server->saw_data);
}

static void
test_timeout_tls (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->implicit_tls = TRUE;
  server->silent_at = "EHLO";
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_timeout (account, 1);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "(EHLO)"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_timeout_handshake (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  /* Accepts the connection and never answers the ClientHello. */
  server->silent_greeting = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_TLS);
  satchel_account_set_timeout (account, 1);
  trust_test_ca (account);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "TLS handshake"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_huge_line (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;

  server->huge_ehlo_line = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = make_client (account, session);

  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "4096"));
  g_clear_object (&client);
  server_join (server);
}

static void
test_connection_refused (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  /* A port that was just free and is closed again. */
  server_start (server);
  server_join (server);
  g_socket_listener_close (server->listener);

  account = make_account (server, SATCHEL_SECURITY_NONE);
  client = satchel_smtp_client_new (account);
  g_assert_false (satchel_smtp_client_connect (client, NULL, &error));
  g_assert_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CONNECTION_REFUSED);
  where = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_assert_nonnull (strstr (error->message, where));
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(TestServer) server = server_new ();
  g_autoptr(Session) session = session_new ();
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelSmtpClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *canceller;
  gint64 start;

  server->silent_greeting = TRUE;
  server_start (server);
  account = make_account (server, SATCHEL_SECURITY_NONE);
  satchel_account_set_timeout (account, 30);
  client = make_client (account, session);

  start = g_get_monotonic_time ();
  canceller = g_thread_new ("canceller", cancel_later, cancellable);
  g_assert_false (satchel_smtp_client_connect (client, cancellable, &error));
  g_thread_join (canceller);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Well before the time-out. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_clear_object (&client);
  server_join (server);
}

static void
test_step_describe (void)
{
  for (guint step = SATCHEL_SMTP_STEP_RESOLVE; step <= SATCHEL_SMTP_STEP_QUIT; step++)
    {
      const char *text = satchel_smtp_step_describe (step);

      g_assert_nonnull (text);
      g_assert_cmpuint (strlen (text), >, 5);
    }
  g_assert_cmpstr (satchel_smtp_step_describe (SATCHEL_SMTP_STEP_GREETING), ==,
                   "waiting for the server’s greeting");
}

int
main (int    argc,
      char **argv)
{
  /* With isolated XDG folders no GSettings schema is found, and GIO's
   * GNOME proxy resolver aborts without its schema: loopback needs no
   * proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/smtp/client/step-describe", test_step_describe);
  g_test_add_func ("/satchel/smtp/client/send/pipelined", test_send_pipelined);
  g_test_add_func ("/satchel/smtp/client/send/dot-stuffing-boundary",
                   test_send_dot_stuffing_boundary);
  g_test_add_func ("/satchel/smtp/client/send/rejected-recipient", test_rejected_recipient);
  g_test_add_func ("/satchel/smtp/client/send/temporary-recipient", test_temporary_recipient);
  g_test_add_func ("/satchel/smtp/client/send/too-big", test_too_big);
  g_test_add_func ("/satchel/smtp/client/send/smtputf8-required", test_smtputf8_required);
  g_test_add_func ("/satchel/smtp/client/send/dropped-after-dot", test_dropped_after_dot);
  g_test_add_func ("/satchel/smtp/client/send/silent-after-dot", test_silent_after_dot);
  g_test_add_func ("/satchel/smtp/client/helo-fallback", test_helo_fallback);
  g_test_add_func ("/satchel/smtp/client/tls/ca-file", test_tls_ca_file);
  g_test_add_func ("/satchel/smtp/client/tls/untrusted", test_tls_untrusted);
  g_test_add_func ("/satchel/smtp/client/tls/wrong-host", test_tls_wrong_host);
  g_test_add_func ("/satchel/smtp/client/tls/pinned", test_tls_pinned);
  g_test_add_func ("/satchel/smtp/client/tls/wrong-pin", test_tls_wrong_pin);
  g_test_add_func ("/satchel/smtp/client/tls/plaintext-port", test_tls_plaintext_port);
  g_test_add_func ("/satchel/smtp/client/tls/starttls-port", test_tls_on_starttls_port);
  g_test_add_func ("/satchel/smtp/client/starttls/not-offered", test_starttls_not_offered);
  g_test_add_func ("/satchel/smtp/client/starttls/injection", test_starttls_injection);
  g_test_add_func ("/satchel/smtp/client/starttls/capabilities", test_starttls_capabilities);
  g_test_add_func ("/satchel/smtp/client/auth/plain", test_auth_plain);
  g_test_add_func ("/satchel/smtp/client/auth/login", test_auth_login);
  g_test_add_func ("/satchel/smtp/client/auth/refused", test_auth_refused);
  g_test_add_func ("/satchel/smtp/client/auth/temporary", test_auth_temporary);
  g_test_add_func ("/satchel/smtp/client/auth/unavailable", test_auth_unavailable);
  g_test_add_func ("/satchel/smtp/client/auth/not-offered", test_auth_not_offered);
  g_test_add_func ("/satchel/smtp/client/auth/plaintext-refused", test_auth_plaintext_refused);
  g_test_add_func ("/satchel/smtp/client/auth/plaintext-allowed", test_auth_plaintext_allowed);
  g_test_add_func ("/satchel/smtp/client/timeout/greeting", test_timeout_greeting);
  g_test_add_func ("/satchel/smtp/client/timeout/mail", test_timeout_mail);
  g_test_add_func ("/satchel/smtp/client/timeout/tls", test_timeout_tls);
  g_test_add_func ("/satchel/smtp/client/timeout/handshake", test_timeout_handshake);
  g_test_add_func ("/satchel/smtp/client/greeting-refused", test_greeting_refused);
  g_test_add_func ("/satchel/smtp/client/send/mail-refused", test_mail_refused);
  g_test_add_func ("/satchel/smtp/client/protocol/huge-line", test_huge_line);
  g_test_add_func ("/satchel/smtp/client/connect/refused", test_connection_refused);
  g_test_add_func ("/satchel/smtp/client/cancel", test_cancel);

  return g_test_run ();
}
