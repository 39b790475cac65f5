/* satchel-smtp-client.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-smtp-client"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-smtp-client.h"

#include "satchel-certificate.h"
#include "satchel-error.h"
#include "satchel-smtp-auth.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

/* Server replies are read into a buffer of our own: a line may be at
 * most SATCHEL_SMTP_MAX_LINE bytes, so a hostile server cannot make us
 * hold more than this. */
#define READ_BUFFER_SIZE (16 * 1024)

/* The message is read and written in blocks of this size; dot-stuffing
 * at most doubles a block. Memory does not depend on the message. */
#define DATA_BLOCK_SIZE (64 * 1024)

/* The envelope written in one go with PIPELINING: the whole of it in
 * practice (500 recipients take one round trip), yet bounded so that the
 * server's replies (some 40 bytes each) cannot fill the socket buffers
 * while we are still writing (RFC 2920, section 3.1). */
#define PIPELINE_MAX_RCPT  1000
#define PIPELINE_MAX_BYTES (32 * 1024)

/* Round trips of one AUTH exchange: SCRAM needs two, LOGIN two. */
#define AUTH_MAX_ROUNDS 8

/* Server words in error messages, in characters. */
#define QUOTE_MAX_CHARS 200

/* RFC 5321, 4.5.3.2.6 suggests waiting ten minutes for the reply to the
 * final dot: the server may be scanning the message. Wait longer than
 * for other replies, within that. */
#define DATA_END_TIMEOUT_FACTOR 4
#define DATA_END_TIMEOUT_MAX    600

struct _SatchelSmtpClient
{
  GObject                    parent_instance;

  /* Read from the account when the client is made. */
  char                      *host;
  guint16                    port;
  char                      *where;       /* "host:port" for messages */
  SatchelSecurity            security;
  char                      *username;
  char                      *mechanism;
  char                      *ca_file;
  char                      *pin;         /* lower-case hex SHA-256 */
  gboolean                   allow_plaintext_auth;
  guint                      timeout;

  SatchelSmtpTranscriptFunc  transcript_func;
  gpointer                   transcript_data;
  SatchelSmtpStepFunc        step_func;
  gpointer                   step_data;
  gboolean                   pipelining;

  SatchelSmtpStep            step;
  guint                      io_timeout;  /* the socket's, in seconds */

  GSocketConnection         *connection;
  GSocket                   *socket;      /* (transfer none) of connection */
  GTlsConnection            *tls;         /* NULL without TLS */
  GInputStream              *input;       /* (transfer none) */
  GOutputStream             *output;      /* (transfer none) */

  char                      *read_buffer;
  gsize                      read_start;
  gsize                      read_end;
  SatchelSmtpReplyParser    *parser;

  SatchelSmtpCapabilities   *caps;
  SatchelSmtpReply          *last_reply;
  GPtrArray                 *rejections;

  /* Trust, filled in by the accept-certificate handler. */
  GTlsDatabase              *ca_database; /* the account's CA file */
  GTlsCertificate           *peer_certificate;
  GTlsCertificateFlags       certificate_errors;
  gboolean                   certificate_rejected;
  gboolean                   pin_mismatch;

  /* What the session learned, kept after it ended. */
  char                      *tls_description;
  char                      *auth_mechanism; /* the one last tried */
};

G_DEFINE_FINAL_TYPE (SatchelSmtpClient, satchel_smtp_client, G_TYPE_OBJECT)

static void
rejection_free (SatchelSmtpRejection *rejection)
{
  g_free (rejection->recipient);
  satchel_smtp_reply_free (rejection->reply);
  g_free (rejection);
}

/* Helpers */

static void
set_step (SatchelSmtpClient *self,
          SatchelSmtpStep    step)
{
  self->step = step;
  if (self->step_func != NULL)
    self->step_func (step, self->step_data);
}

/* A line for the transcript: control characters escaped, valid UTF-8,
 * so that a server cannot drive the terminal it is printed on. */
static char *
dup_printable_line (const char *line,
                    gsize       len)
{
  g_autoptr(GString) out = g_string_sized_new (len + 8);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = line[i];

      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_c (out, c);
    }

  return g_utf8_make_valid (out->str, out->len);
}

static void
transcribe (SatchelSmtpClient *self,
            gboolean           from_server,
            const char        *line)
{
  if (self->transcript_func != NULL)
    self->transcript_func (from_server, line, self->transcript_data);
}

static void
transcribe_server_line (SatchelSmtpClient *self,
                        const char        *line,
                        gsize              len)
{
  g_autofree char *shown = NULL;

  if (self->transcript_func == NULL)
    return;

  /* SASL challenges (salts, nonces) stay out of logs like the answers. */
  if (self->step == SATCHEL_SMTP_STEP_AUTH && len > 4 &&
      strncmp (line, "334", 3) == 0)
    shown = g_strdup_printf ("%.4s<redacted %" G_GSIZE_FORMAT " bytes>",
                             line, len - 4);
  else
    shown = dup_printable_line (line, len);

  transcribe (self, TRUE, shown);
}

static char *
format_where (const char *host,
              guint16     port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

static char *
quote_reply (const SatchelSmtpReply *reply)
{
  return satchel_smtp_reply_quote (reply, QUOTE_MAX_CHARS);
}

/* An error for an unwelcome reply: 4xx is temporary, 5xx permanent,
 * anything else a protocol error. @what says what was refused. */
static void
set_reply_error (GError                 **error,
                 const SatchelSmtpReply  *reply,
                 const char              *what)
{
  g_autofree char *quote = quote_reply (reply);
  SatchelSmtpError code;

  if (reply->code >= 400 && reply->code < 500)
    code = SATCHEL_SMTP_ERROR_TEMPORARY;
  else if (reply->code >= 500 && reply->code < 600)
    code = SATCHEL_SMTP_ERROR_PERMANENT;
  else
    code = SATCHEL_SMTP_ERROR_PROTOCOL;

  /* TRANSLATORS: what failed, then the server's words */
  g_set_error (error, SATCHEL_SMTP_ERROR, code, C_("smtp error", "%s: %s"),
               what, quote);
}

static guint
get_data_end_timeout (SatchelSmtpClient *self)
{
  return CLAMP (self->timeout * DATA_END_TIMEOUT_FACTOR, self->timeout,
                MAX (self->timeout, DATA_END_TIMEOUT_MAX));
}

static void
set_io_timeout (SatchelSmtpClient *self,
                guint              seconds)
{
  self->io_timeout = seconds;
  if (self->socket != NULL)
    g_socket_set_timeout (self->socket, seconds);
}

static void
close_connection (SatchelSmtpClient *self)
{
  if (self->tls != NULL)
    {
      /* The peer may be gone: do not wait long for close_notify. */
      if (self->socket != NULL)
        g_socket_set_timeout (self->socket, 1);
      g_io_stream_close (G_IO_STREAM (self->tls), NULL, NULL);
    }
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);

  g_clear_object (&self->tls);
  g_clear_object (&self->connection);
  self->socket = NULL;
  self->input = NULL;
  self->output = NULL;
  self->read_start = self->read_end = 0;
}

static gboolean
is_greeting_step (SatchelSmtpClient *self)
{
  return self->step == SATCHEL_SMTP_STEP_GREETING &&
         self->security != SATCHEL_SECURITY_TLS;
}

/* Still G_IO_ERROR_CANCELLED, so that callers know it for what it is,
 * but saying where the session was. */
static void
set_cancelled_error (SatchelSmtpClient  *self,
                     SatchelSmtpStep     step,
                     GError            **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               _("The session with %s was cancelled while %s."),
               self->where, satchel_smtp_step_describe (step));
}

/* Turns a failed read or write into what the user needs to know, and
 * ends the session: after a transport error its state is unknown. */
static void
set_io_error (SatchelSmtpClient  *self,
              GError             *io_error,
              GError            **error)
{
  const char *doing = satchel_smtp_step_describe (self->step);

  close_connection (self);

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->step == SATCHEL_SMTP_STEP_DATA_END)
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME,
                     _("Sending was cancelled after the whole message had "
                       "been sent to %s: the server may have accepted it. "
                       "Check the recipient’s mailbox before sending it "
                       "again."),
                     self->where);
      else
        set_cancelled_error (self, self->step, error);
      g_clear_error (&io_error);
      return;
    }

  if (g_error_matches (io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      if (self->step == SATCHEL_SMTP_STEP_DATA_END)
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server %s did not answer within %u second "
                                  "after the whole message had been sent: it may "
                                  "have accepted it. Check the recipient’s "
                                  "mailbox before sending it again.",
                                  "The server %s did not answer within %u seconds "
                                  "after the whole message had been sent: it may "
                                  "have accepted it. Check the recipient’s "
                                  "mailbox before sending it again.",
                                  self->io_timeout),
                     self->where, self->io_timeout);
      else if (is_greeting_step (self))
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server %s did not answer within %u second "
                                  "while %s. If this port expects TLS from the "
                                  "start (usually port 465), use --security tls.",
                                  "The server %s did not answer within %u seconds "
                                  "while %s. If this port expects TLS from the "
                                  "start (usually port 465), use --security tls.",
                                  self->io_timeout),
                     self->where, self->io_timeout, doing);
      else
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server %s did not answer within %u second "
                                  "while %s.",
                                  "The server %s did not answer within %u seconds "
                                  "while %s.",
                                  self->io_timeout),
                     self->where, self->io_timeout, doing);
      g_clear_error (&io_error);
      return;
    }

  if (self->step == SATCHEL_SMTP_STEP_DATA_END)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME,
                 _("The connection to %s was lost after the whole message had "
                   "been sent (%s): the server may have accepted it. Check the "
                   "recipient’s mailbox before sending it again."),
                 self->where, io_error->message);
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CONNECTION_LOST,
                 _("The connection to %s was lost while %s (%s)."),
                 self->where, doing, io_error->message);
  g_clear_error (&io_error);
}

/* The peer closed the connection where a reply was due. */
static void
set_closed_error (SatchelSmtpClient  *self,
                  GError            **error)
{
  const char *doing = satchel_smtp_step_describe (self->step);

  close_connection (self);

  if (self->step == SATCHEL_SMTP_STEP_DATA_END)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_UNKNOWN_OUTCOME,
                 _("The server %s closed the connection after the whole "
                   "message had been sent, without saying whether it accepted "
                   "it. Check the recipient’s mailbox before sending it "
                   "again."),
                 self->where);
  else if (is_greeting_step (self))
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CONNECTION_LOST,
                 _("The server %s closed the connection while %s. If this port "
                   "expects TLS from the start (usually port 465), use "
                   "--security tls."),
                 self->where, doing);
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CONNECTION_LOST,
                 _("The server %s closed the connection while %s."),
                 self->where, doing);
}

static gboolean
check_connected (SatchelSmtpClient  *self,
                 GError            **error)
{
  if (self->connection != NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
               _("Not connected to %s"), self->where);
  return FALSE;
}

/* Writing */

static gboolean
write_bytes (SatchelSmtpClient  *self,
             const void         *data,
             gsize               len,
             GCancellable       *cancellable,
             GError            **error)
{
  GError *local_error = NULL;

  if (!check_connected (self, error))
    return FALSE;

  if (!g_output_stream_write_all (self->output, data, len, NULL, cancellable,
                                  &local_error))
    {
      set_io_error (self, local_error, error);
      return FALSE;
    }
  return TRUE;
}

/* Sends one command; @shown replaces it in the transcript (NULL: the
 * command itself). */
static gboolean
write_command (SatchelSmtpClient  *self,
               const char         *command,
               const char         *shown,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autofree char *line = g_strconcat (command, "\r\n", NULL);
  gsize len = strlen (line);
  gboolean ok;

  transcribe (self, FALSE, shown != NULL ? shown : command);
  ok = write_bytes (self, line, len, cancellable, error);
  explicit_bzero (line, len);
  return ok;
}

/* Reading */

/* The next line from the server, without its line end, pointing into
 * the read buffer (valid until the next read). Accepts a bare LF. */
static gboolean
read_line (SatchelSmtpClient  *self,
           const char        **line,
           gsize              *len,
           gint64              deadline,
           GCancellable       *cancellable,
           GError            **error)
{
  if (!check_connected (self, error))
    return FALSE;

  for (;;)
    {
      char *start = self->read_buffer + self->read_start;
      gsize available = self->read_end - self->read_start;
      char *newline = memchr (start, '\n', available);
      GError *local_error = NULL;
      gssize n;

      if (newline != NULL)
        {
          gsize line_len = newline - start;

          self->read_start += line_len + 1;
          if (line_len > 0 && start[line_len - 1] == '\r')
            line_len--;
          if (line_len > SATCHEL_SMTP_MAX_LINE)
            break;
          *line = start;
          *len = line_len;
          return TRUE;
        }

      /* No line end yet: a line that cannot fit is the server's fault. */
      if (available > SATCHEL_SMTP_MAX_LINE + 1)
        break;

      if (self->read_start > 0)
        {
          memmove (self->read_buffer, start, available);
          self->read_start = 0;
          self->read_end = available;
        }

      /* A server that trickles bytes slower than the time-out would
       * otherwise hold us for ever. */
      if (g_get_monotonic_time () > deadline)
        {
          set_io_error (self,
                        g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                             "stalled"),
                        error);
          return FALSE;
        }

      n = g_input_stream_read (self->input,
                               self->read_buffer + self->read_end,
                               READ_BUFFER_SIZE - self->read_end,
                               cancellable, &local_error);
      if (n < 0)
        {
          /* A TLS peer that just hangs up is a closed connection. */
          if (g_error_matches (local_error, G_TLS_ERROR, G_TLS_ERROR_EOF))
            {
              g_clear_error (&local_error);
              set_closed_error (self, error);
              return FALSE;
            }
          set_io_error (self, local_error, error);
          return FALSE;
        }
      if (n == 0)
        {
          set_closed_error (self, error);
          return FALSE;
        }
      self->read_end += n;
    }

  close_connection (self);
  g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
               _("The server %s sent a reply line longer than %u bytes while %s."),
               self->where, (guint) SATCHEL_SMTP_MAX_LINE,
               satchel_smtp_step_describe (self->step));
  return FALSE;
}

/* Reads one complete (possibly multi-line) reply. */
static SatchelSmtpReply *
read_reply (SatchelSmtpClient  *self,
            GCancellable       *cancellable,
            GError            **error)
{
  gint64 deadline;

  deadline = g_get_monotonic_time () + 2 * (gint64) self->io_timeout * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(SatchelSmtpReply) reply = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *line;
      gsize len;

      if (!read_line (self, &line, &len, deadline, cancellable, error))
        return NULL;

      transcribe_server_line (self, line, len);

      if (!satchel_smtp_reply_parser_feed (self->parser, line, len, &reply,
                                           &local_error))
        {
          gboolean looks_like_tls = len > 0 && (line[0] == 0x15 || line[0] == 0x16);

          close_connection (self);
          if (is_greeting_step (self) && looks_like_tls)
            g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                         _("The server %s answered with TLS instead of an SMTP "
                           "greeting: this port expects TLS from the start. "
                           "Use --security tls (usually port 465)."),
                         self->where);
          else if (is_greeting_step (self))
            g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                         _("%s (%s, while %s). If this port expects TLS from "
                           "the start (usually port 465), use --security tls."),
                         local_error->message, self->where,
                         satchel_smtp_step_describe (self->step));
          else
            g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                         _("%s (%s, while %s)"),
                         local_error->message, self->where,
                         satchel_smtp_step_describe (self->step));
          return NULL;
        }

      if (reply != NULL)
        {
          g_clear_pointer (&self->last_reply, satchel_smtp_reply_free);
          self->last_reply = satchel_smtp_reply_copy (reply);
          return g_steal_pointer (&reply);
        }
    }
}

/* Sends @command and reads its reply. */
static SatchelSmtpReply *
run_command (SatchelSmtpClient  *self,
             const char         *command,
             GCancellable       *cancellable,
             GError            **error)
{
  if (!write_command (self, command, NULL, cancellable, error))
    return NULL;
  return read_reply (self, cancellable, error);
}

/* Says goodbye without waiting: for sessions we refuse to go on with. */
static void
abandon_session (SatchelSmtpClient *self)
{
  if (self->connection != NULL)
    {
      set_step (self, SATCHEL_SMTP_STEP_QUIT);
      write_command (self, "QUIT", NULL, NULL, NULL);
    }
  close_connection (self);
}

/* Connecting */

typedef struct
{
  SatchelSmtpClient *self;
  GSocketConnection *connection;
  GError            *error;
  GCancellable      *cancellable;
  gboolean           done;
  gboolean           timed_out;
  gboolean           connecting;
} ConnectData;

static void
on_socket_client_event (GSocketClient      *client,
                        GSocketClientEvent  event,
                        GSocketConnectable *connectable,
                        GIOStream          *connection,
                        gpointer            user_data)
{
  ConnectData *data = user_data;

  if (event == G_SOCKET_CLIENT_CONNECTING && !data->connecting)
    {
      data->connecting = TRUE;
      set_step (data->self, SATCHEL_SMTP_STEP_CONNECT);
    }
}

static void
on_connect_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ConnectData *data = user_data;

  data->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source),
                                                     result, &data->error);
  data->done = TRUE;
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  ConnectData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *cancellable,
                     gpointer      user_data)
{
  GCancellable *own = user_data;

  g_cancellable_cancel (own);
}

/* Resolves and connects within the account's time-out: GLib 2.74 has no
 * time-out for name resolution, so the whole attempt runs on a private
 * main context with a timer that cancels it. */
static gboolean
open_connection (SatchelSmtpClient  *self,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GCancellable) own = g_cancellable_new ();
  g_autoptr(GSource) timer = NULL;
  g_autoptr(GSocketConnectable) address = NULL;
  ConnectData data = { 0 };
  GError *option_error = NULL;
  gulong handler = 0;

  data.self = self;
  data.cancellable = own;

  g_socket_client_set_timeout (client, self->timeout);
  g_signal_connect (client, "event", G_CALLBACK (on_socket_client_event), &data);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                     g_object_ref (own), g_object_unref);

  set_step (self, SATCHEL_SMTP_STEP_RESOLVE);

  g_main_context_push_thread_default (context);

  timer = g_timeout_source_new_seconds (self->timeout);
  g_source_set_callback (timer, on_connect_timeout, &data, NULL);
  g_source_attach (timer, context);

  /* Not g_socket_client_connect_to_host(): it would read a port out of
   * a host name such as "example.com:25". */
  address = g_network_address_new (self->host, self->port);
  g_socket_client_connect_async (client, address, own, on_connect_ready, &data);
  while (!data.done)
    g_main_context_iteration (context, TRUE);

  g_source_destroy (timer);
  g_main_context_pop_thread_default (context);

  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  g_signal_handlers_disconnect_by_data (client, &data);

  if (data.connection == NULL)
    {
      g_autoptr(GError) local_error = g_steal_pointer (&data.error);

      if (data.timed_out)
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server %s did not answer within %u second "
                                  "while %s.",
                                  "The server %s did not answer within %u seconds "
                                  "while %s.",
                                  self->timeout),
                     self->where, self->timeout,
                     satchel_smtp_step_describe (data.connecting ? SATCHEL_SMTP_STEP_CONNECT
                                                                 : SATCHEL_SMTP_STEP_RESOLVE));
      else if (g_cancellable_is_cancelled (cancellable))
        set_cancelled_error (self, data.connecting ? SATCHEL_SMTP_STEP_CONNECT
                                                   : SATCHEL_SMTP_STEP_RESOLVE,
                             error);
      else if (local_error->domain == G_RESOLVER_ERROR)
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_HOST_NOT_FOUND,
                     _("The server %s was not found: %s. Check the host name, "
                       "and that this computer is online."),
                     self->where, local_error->message);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CONNECTION_REFUSED,
                     _("The server %s refused the connection: nothing answers on "
                       "that port. Check the host name and port."),
                     self->where);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TIMED_OUT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The server %s did not answer within %u second "
                                  "while %s.",
                                  "The server %s did not answer within %u seconds "
                                  "while %s.",
                                  self->timeout),
                     self->where, self->timeout,
                     satchel_smtp_step_describe (SATCHEL_SMTP_STEP_CONNECT));
      else
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Could not connect to %s: "), self->where);
        }
      return FALSE;
    }

  self->connection = g_steal_pointer (&data.connection);
  self->socket = g_socket_connection_get_socket (self->connection);
  set_io_timeout (self, self->timeout);
  /* Commands and the final dot are small writes that wait for a reply:
   * Nagle's algorithm would hold each back until the previous write is
   * acknowledged, and the peer delays that ACK by up to 40 ms. */
  if (!g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, &option_error))
    {
      g_debug ("Could not set TCP_NODELAY on %s: %s", self->where,
               option_error->message);
      g_clear_error (&option_error);
    }
  self->input = g_io_stream_get_input_stream (G_IO_STREAM (self->connection));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  self->read_start = self->read_end = 0;

  return TRUE;
}

/* TLS */

static gboolean
load_ca_file (SatchelSmtpClient  *self,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  GList *certificates;

  if (self->ca_file == NULL || self->ca_database != NULL)
    return TRUE;

  certificates = g_tls_certificate_list_new_from_file (self->ca_file, &local_error);
  if (local_error != NULL || certificates == NULL)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE,
                   _("The CA file “%s” could not be read: %s"),
                   self->ca_file,
                   local_error != NULL ? local_error->message
                                       : _("it contains no certificate"));
      return FALSE;
    }
  g_list_free_full (certificates, g_object_unref);

  self->ca_database = g_tls_file_database_new (self->ca_file, &local_error);
  if (self->ca_database == NULL)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE,
                   _("The CA file “%s” could not be read: %s"),
                   self->ca_file, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Every problem with @certificate, not only the one GLib reported. */
static GTlsCertificateFlags
find_certificate_problems (SatchelSmtpClient    *self,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  reported)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (self->host, self->port);
  GTlsCertificateFlags problems;

  /* Dates and the host name, from the certificate itself. */
  problems = satchel_certificate_find_problems (certificate, self->host, reported);

  if (self->ca_database != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      GTlsCertificateFlags from_file;

      from_file = g_tls_database_verify_chain (self->ca_database, certificate,
                                               G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                               identity, NULL,
                                               G_TLS_DATABASE_VERIFY_NONE,
                                               NULL, &local_error);
      if (local_error != NULL)
        {
          g_debug ("Could not check the certificate against %s: %s",
                   self->ca_file, local_error->message);
          return problems;
        }
      if (from_file == 0)
        return 0;
      if (!(from_file & G_TLS_CERTIFICATE_UNKNOWN_CA))
        problems &= ~G_TLS_CERTIFICATE_UNKNOWN_CA;
      problems |= from_file;
    }

  return problems;
}

/* Called (in this thread) only for certificates the system CAs do not
 * vouch for: the account's CA file or its pin may still trust it. */
static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  SatchelSmtpClient *self = user_data;

  g_set_object (&self->peer_certificate, certificate);
  self->certificate_errors = find_certificate_problems (self, certificate, errors);

  if (self->certificate_errors == 0)
    return TRUE;

  if (self->pin != NULL)
    {
      g_autofree char *fingerprint = satchel_certificate_fingerprint (certificate);

      if (g_strcmp0 (fingerprint, self->pin) == 0)
        return TRUE;
      self->pin_mismatch = TRUE;
    }

  self->certificate_rejected = TRUE;
  return FALSE;
}

static void
set_certificate_error (SatchelSmtpClient  *self,
                       GError            **error)
{
  g_auto(GStrv) list = NULL;
  g_autofree char *reasons = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *presented = NULL;

  list = satchel_certificate_describe_problems (self->peer_certificate, self->host,
                                                self->certificate_errors);
  /* TRANSLATORS: separates the reasons why a certificate is not trusted */
  reasons = g_strjoinv (_("; "), list);
  hex = satchel_certificate_fingerprint (self->peer_certificate);
  presented = satchel_certificate_format_fingerprint (hex);

  if (self->pin_mismatch)
    {
      g_autofree char *expected = satchel_certificate_format_fingerprint (self->pin);

      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE,
                   _("The certificate of %s is not trusted (%s), and it is not "
                     "the one pinned for this account: expected SHA-256 "
                     "fingerprint %s, the server presented %s. If the server’s "
                     "certificate was changed on purpose, pin the new one with "
                     "--trust-fingerprint."),
                   self->where, reasons, expected, presented);
    }
  else
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE,
                   _("The certificate of %s is not trusted: %s. Its SHA-256 "
                     "fingerprint is %s. If you trust it, give the certificate "
                     "of its issuer with --ca-file, or pin this one with "
                     "--trust-fingerprint."),
                   self->where, reasons, presented);
    }
}

static const char *describe_protocol_version (GTlsProtocolVersion version);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384", after the handshake. */
static char *
describe_tls (GTlsConnection *tls)
{
  g_autofree char *cipher = g_tls_connection_get_ciphersuite_name (tls);
  const char *version = describe_protocol_version (g_tls_connection_get_protocol_version (tls));

  if (cipher == NULL)
    return g_strdup (version);
  return g_strdup_printf ("%s %s", version, cipher);
}

/* The certificate in the transcript: who it names, who issued it, its
 * fingerprint. */
static void
transcribe_certificate (SatchelSmtpClient *self,
                        const char        *tls)
{
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *line = NULL;

  if (self->transcript_func == NULL || self->peer_certificate == NULL)
    return;

  subject = g_tls_certificate_get_subject_name (self->peer_certificate);
  issuer = g_tls_certificate_get_issuer_name (self->peer_certificate);
  hex = satchel_certificate_fingerprint (self->peer_certificate);
  fingerprint = satchel_certificate_format_fingerprint (hex != NULL ? hex : "");
  line = g_strdup_printf ("<%s; certificate: %s; issuer: %s; SHA-256 %s>",
                          tls, subject ? subject : "?", issuer ? issuer : "?",
                          fingerprint);
  transcribe (self, TRUE, line);
}

static const char *
describe_protocol_version (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
      return "SSLv3";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
      return "TLSv1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
      return "TLSv1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      return "TLSv1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      return "TLSv1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
      return "DTLSv1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
      return "DTLSv1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:
      return "TLS";
    }
}

/* After a failed handshake on an implicit-TLS port: TLS only read the
 * first record header, so a plain SMTP greeting leaves readable text
 * behind it ("220 mail.example ESMTP\r\n" minus five bytes). */
static gboolean
peer_sent_text (SatchelSmtpClient *self)
{
  char buffer[512];
  GInputVector vector = { buffer, sizeof buffer };
  gint flags = G_SOCKET_MSG_PEEK;
  gssize n;

  if (self->socket == NULL || g_socket_get_available_bytes (self->socket) <= 0)
    return FALSE;

  n = g_socket_receive_message (self->socket, NULL, &vector, 1, NULL, NULL,
                                &flags, NULL, NULL);
  if (n <= 0)
    return FALSE;

  for (gssize i = 0; i < n; i++)
    if (!g_ascii_isprint (buffer[i]) && buffer[i] != '\r' && buffer[i] != '\n')
      return FALSE;
  return memchr (buffer, '\n', n) != NULL;
}

static void
set_handshake_error (SatchelSmtpClient  *self,
                     GError             *tls_error,
                     GError            **error)
{
  gboolean plain_smtp;

  if (g_error_matches (tls_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (tls_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      set_io_error (self, tls_error, error);
      return;
    }

  plain_smtp = self->security == SATCHEL_SECURITY_TLS &&
               !self->certificate_rejected &&
               (g_error_matches (tls_error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS) ||
                peer_sent_text (self));

  close_connection (self);

  if (self->certificate_rejected && self->peer_certificate != NULL)
    {
      transcribe_certificate (self, "TLS handshake refused");
      set_certificate_error (self, error);
    }
  else if (plain_smtp)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                 _("The server %s does not speak TLS on this port: it seems to "
                   "speak plain SMTP there. Use --security starttls (usually "
                   "port 587)."),
                 self->where);
  else if (g_error_matches (tls_error, G_TLS_ERROR, G_TLS_ERROR_EOF) ||
           g_error_matches (tls_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (tls_error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                 _("The server %s closed the connection during the TLS "
                   "handshake: it may not accept TLS 1.2 or newer, or not "
                   "speak TLS on this port."),
                 self->where);
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                 _("The TLS handshake with %s failed: %s"),
                 self->where, tls_error->message);
  g_clear_error (&tls_error);
}

/* Puts TLS on the plain connection and checks what we got. */
static gboolean
start_tls (SatchelSmtpClient  *self,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  GTlsConnection *tls;
  GTlsProtocolVersion version;
  GError *local_error = NULL;

  set_step (self, SATCHEL_SMTP_STEP_TLS);

  /* Whatever was announced in clear is forgotten now, also if the
   * handshake fails: say_hello() asks again over TLS. */
  g_clear_pointer (&self->caps, satchel_smtp_capabilities_free);

  identity = g_network_address_new (self->host, self->port);
  stream = g_tls_client_connection_new (G_IO_STREAM (self->connection), identity,
                                        &local_error);
  if (stream == NULL)
    {
      close_connection (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                   _("TLS is not available (is glib-networking installed?): %s"),
                   local_error->message);
      g_clear_error (&local_error);
      return FALSE;
    }
  tls = G_TLS_CONNECTION (stream);

  /* The system CAs; the account's CA file is consulted in addition by
   * on_accept_certificate(), as GTlsFileDatabase would replace them. */
  database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  g_tls_connection_set_database (tls, database);
  /* SMTP frames its own data: a missing close_notify truncates nothing. */
  g_tls_connection_set_require_close_notify (tls, FALSE);

  g_clear_object (&self->peer_certificate);
  self->certificate_errors = 0;
  self->certificate_rejected = FALSE;
  self->pin_mismatch = FALSE;
  g_signal_connect (tls, "accept-certificate",
                    G_CALLBACK (on_accept_certificate), self);

  if (!g_tls_connection_handshake (tls, cancellable, &local_error))
    {
      g_signal_handlers_disconnect_by_data (tls, self);
      set_handshake_error (self, local_error, error);
      return FALSE;
    }
  g_signal_handlers_disconnect_by_data (tls, self);

  if (self->peer_certificate == NULL)
    g_set_object (&self->peer_certificate, g_tls_connection_get_peer_certificate (tls));

  self->tls = G_TLS_CONNECTION (g_steal_pointer (&stream));
  self->input = g_io_stream_get_input_stream (G_IO_STREAM (self->tls));
  self->output = g_io_stream_get_output_stream (G_IO_STREAM (self->tls));

  g_free (self->tls_description);
  self->tls_description = describe_tls (self->tls);
  transcribe_certificate (self, self->tls_description);

  /* No API sets a minimum version in GLib 2.74: check afterwards. */
  version = g_tls_connection_get_protocol_version (self->tls);
  if (version == G_TLS_PROTOCOL_VERSION_SSL_3_0 ||
      version == G_TLS_PROTOCOL_VERSION_TLS_1_0 ||
      version == G_TLS_PROTOCOL_VERSION_TLS_1_1)
    {
      close_connection (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                   _("The server %s only offers %s, an outdated and unsafe "
                     "version of TLS; Satchel needs TLS 1.2 or newer."),
                   self->where, describe_protocol_version (version));
      return FALSE;
    }

  return TRUE;
}

/* Greeting and EHLO */

static gboolean
is_valid_hostname (const char *name)
{
  gsize len = strlen (name);
  gsize label = 0;

  if (len == 0 || len > 253 || strchr (name, '.') == NULL)
    return FALSE;
  if (name[0] == '.' || name[len - 1] == '.')
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (c == '.')
        {
          if (label == 0 || name[i - 1] == '-')
            return FALSE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (c) && c != '-')
        return FALSE;
      if (label == 0 && c == '-')
        return FALSE;
      if (++label > 63)
        return FALSE;
    }
  return name[len - 1] != '-';
}

/* This machine's name if it is a real one, else the address literal of
 * our end of the connection (RFC 5321, 4.1.4). */
static char *
dup_ehlo_name (SatchelSmtpClient *self)
{
  const char *name = g_get_host_name ();
  g_autoptr(GSocketAddress) local = NULL;

  if (is_valid_hostname (name))
    return g_strdup (name);

  local = g_socket_connection_get_local_address (self->connection, NULL);
  if (G_IS_INET_SOCKET_ADDRESS (local))
    {
      GInetAddress *address = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local));
      g_autofree char *text = g_inet_address_to_string (address);

      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
        return g_strdup_printf ("[IPv6:%s]", text);
      return g_strdup_printf ("[%s]", text);
    }

  return g_strdup ("[127.0.0.1]");
}

static gboolean
read_greeting (SatchelSmtpClient  *self,
               GCancellable       *cancellable,
               GError            **error)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;

  set_step (self, SATCHEL_SMTP_STEP_GREETING);
  reply = read_reply (self, cancellable, error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 220)
    {
      g_autofree char *what = g_strdup_printf (_("The server %s is not accepting "
                                                 "mail now"),
                                               self->where);
      set_reply_error (error, reply, what);
      abandon_session (self);
      return FALSE;
    }
  return TRUE;
}

/* EHLO, and HELO when EHLO is refused and @allow_helo. Replaces the
 * capabilities: what was said before TLS is forgotten. */
static gboolean
say_hello (SatchelSmtpClient  *self,
           gboolean            allow_helo,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autofree char *name = dup_ehlo_name (self);
  g_autofree char *command = g_strdup_printf ("EHLO %s", name);
  g_autoptr(SatchelSmtpReply) reply = NULL;

  g_clear_pointer (&self->caps, satchel_smtp_capabilities_free);

  set_step (self, SATCHEL_SMTP_STEP_EHLO);
  reply = run_command (self, command, cancellable, error);
  if (reply == NULL)
    return FALSE;

  if (reply->code == 250)
    {
      self->caps = satchel_smtp_capabilities_parse (reply);
      return TRUE;
    }

  if (reply->code >= 500 && allow_helo)
    {
      SatchelSmtpReply empty = { 250, NULL, (char *) "" };

      g_clear_pointer (&reply, satchel_smtp_reply_free);
      g_free (command);
      command = g_strdup_printf ("HELO %s", name);
      reply = run_command (self, command, cancellable, error);
      if (reply == NULL)
        return FALSE;
      if (reply->code == 250)
        {
          /* HELO announces nothing. */
          self->caps = satchel_smtp_capabilities_parse (&empty);
          return TRUE;
        }
    }

  {
    g_autofree char *what = g_strdup_printf (_("The server %s refused the "
                                               "greeting (EHLO)"),
                                             self->where);
    set_reply_error (error, reply, what);
  }
  abandon_session (self);
  return FALSE;
}

static gboolean
upgrade_with_starttls (SatchelSmtpClient  *self,
                       GCancellable       *cancellable,
                       GError            **error)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;

  if (!self->caps->starttls)
    {
      /* Never downgrade: not a word more in clear. */
      abandon_session (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_STARTTLS_NOT_OFFERED,
                   _("The server %s does not offer STARTTLS, so the connection "
                     "cannot be encrypted; nothing was sent. If the port expects "
                     "TLS from the start (usually 465), use --security tls."),
                   self->where);
      return FALSE;
    }

  set_step (self, SATCHEL_SMTP_STEP_STARTTLS);
  reply = run_command (self, "STARTTLS", cancellable, error);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 220)
    {
      g_autofree char *quote = quote_reply (reply);

      abandon_session (self);
      if (reply->code >= 400 && reply->code < 500)
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TEMPORARY,
                     _("The server %s could not start encryption (STARTTLS) "
                       "now: %s"),
                     self->where, quote);
      else
        g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TLS_FAILED,
                     _("The server %s refused to start encryption (STARTTLS): %s"),
                     self->where, quote);
      return FALSE;
    }

  /* Anything that arrived after the 220 and before our handshake was
   * written by someone else than the TLS peer (CVE-2011-0411 and kin):
   * it would be read as if it came over TLS. */
  if (self->read_end > self->read_start ||
      g_socket_get_available_bytes (self->socket) > 0)
    {
      close_connection (self);
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_STARTTLS_INJECTION,
                   _("The server %s (or something between) sent data before "
                     "the TLS handshake after STARTTLS: possible attack. The "
                     "connection was closed; nothing was sent."),
                   self->where);
      return FALSE;
    }

  if (!start_tls (self, cancellable, error))
    return FALSE;

  return say_hello (self, FALSE, cancellable, error);
}

/* Authentication */

static void
set_auth_unavailable (SatchelSmtpClient  *self,
                      const char         *wanted,
                      GError            **error)
{
  g_autofree char *offered = g_strjoinv (" ", self->caps->auth);

  if (self->caps->auth[0] == NULL)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,
                 _("The server %s does not offer to sign in (no AUTH), but a "
                   "password was given. Check the port and security, or remove "
                   "the password from the account."),
                 self->where);
  else if (wanted != NULL)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,
                 _("The server %s does not offer the sign-in method %s; it "
                   "offers: %s."),
                 self->where, wanted, offered);
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE,
                 _("The server %s offers no sign-in method Satchel supports; it "
                   "offers: %s."),
                 self->where, offered);
}

/* Gmail's "534-5.7.9 Application-specific password required" and
 * "534-5.7.14 Please log in via your web browser", and the same words
 * from other providers: the password is right, but this provider does
 * not take it from mail programs. (RFC 4954's own 534 5.7.9, "mechanism
 * too weak", is something else.) */
static gboolean
asks_for_app_password (const SatchelSmtpReply *reply)
{
  g_autofree char *text = g_ascii_strdown (reply->text != NULL ? reply->text : "", -1);

  if (reply->code < 500 || reply->code >= 600 || strstr (text, "too weak") != NULL)
    return FALSE;

  return reply->code == 534 ||
         g_strcmp0 (reply->enhanced, "5.7.9") == 0 ||
         g_strcmp0 (reply->enhanced, "5.7.14") == 0 ||
         strstr (text, "application-specific password") != NULL ||
         strstr (text, "app-specific password") != NULL ||
         strstr (text, "app password") != NULL ||
         strstr (text, "web browser") != NULL;
}

static void
set_auth_reply_error (SatchelSmtpClient       *self,
                      const SatchelSmtpReply  *reply,
                      const char              *mechanism,
                      GError                 **error)
{
  g_autofree char *quote = quote_reply (reply);

  if (asks_for_app_password (reply))
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED,
                 _("The server %s does not accept the usual password of “%s” "
                   "from mail programs: it wants an app password. Sign in to "
                   "your account on the provider’s website, create an app "
                   "password in its security settings (two-step verification "
                   "may have to be on first), and use that password here "
                   "instead (%s)."),
                 self->where, self->username, quote);
  else if (reply->code >= 400 && reply->code < 500)
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_TEMPORARY,
                 _("The server %s could not sign in “%s” now (%s): %s"),
                 self->where, self->username, mechanism, quote);
  else
    g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED,
                 _("The server %s refused to sign in “%s” (%s): %s. Check the "
                   "user name and password."),
                 self->where, self->username, mechanism, quote);
}

/* Sends a SASL response; the transcript gets only its length. */
static gboolean
write_auth_line (SatchelSmtpClient  *self,
                 const char         *prefix,
                 const char         *payload,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autofree char *shown = NULL;
  char *line;
  gboolean ok;

  if (prefix != NULL)
    {
      line = g_strconcat (prefix, " ", payload, NULL);
      shown = g_strdup_printf ("%s <redacted %" G_GSIZE_FORMAT " bytes>",
                               prefix, strlen (payload));
    }
  else
    {
      line = g_strdup (payload);
      shown = g_strdup_printf ("<redacted %" G_GSIZE_FORMAT " bytes>",
                               strlen (payload));
    }

  ok = write_command (self, line, shown, cancellable, error);
  explicit_bzero (line, strlen (line));
  g_free (line);
  return ok;
}

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

/* Tells the server we give up an exchange (RFC 4954: "*"). */
static void
cancel_auth (SatchelSmtpClient *self,
             GCancellable      *cancellable)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;

  if (write_command (self, "*", NULL, cancellable, NULL))
    reply = read_reply (self, cancellable, NULL);
}

/* Message */

static gboolean
is_envelope_address (const char *address)
{
  for (const char *p = address; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
      return FALSE;
  return TRUE;
}

static char *
build_mail_command (SatchelSmtpClient    *self,
                    const char           *from,
                    guint64               size,
                    SatchelSmtpSendFlags  flags)
{
  GString *command = g_string_new (NULL);

  g_string_append_printf (command, "MAIL FROM:<%s>", from);
  if (self->caps->has_size)
    g_string_append_printf (command, " SIZE=%" G_GUINT64_FORMAT, size);
  if ((flags & SATCHEL_SMTP_SEND_8BITMIME) && self->caps->eightbitmime)
    g_string_append (command, " BODY=8BITMIME");
  if (flags & SATCHEL_SMTP_SEND_SMTPUTF8)
    g_string_append (command, " SMTPUTF8");
  return g_string_free (command, FALSE);
}

static void
add_rejection (SatchelSmtpClient      *self,
               const char             *recipient,
               const SatchelSmtpReply *reply)
{
  SatchelSmtpRejection *rejection = g_new0 (SatchelSmtpRejection, 1);

  rejection->recipient = g_strdup (recipient);
  rejection->reply = satchel_smtp_reply_copy (reply);
  g_ptr_array_add (self->rejections, rejection);
}

/* RSET after refused recipients: the transaction is dropped, the
 * session can go on (or QUIT). */
static void
reset_transaction (SatchelSmtpClient *self,
                   GCancellable      *cancellable)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;
  g_autoptr(GError) local_error = NULL;

  reply = run_command (self, "RSET", cancellable, &local_error);
  if (reply == NULL)
    g_debug ("RSET failed: %s", local_error->message);
}

static void
set_rejections_error (SatchelSmtpClient  *self,
                      GError            **error)
{
  g_autoptr(GString) list = g_string_new (NULL);
  gboolean all_temporary = TRUE;

  for (guint i = 0; i < self->rejections->len; i++)
    {
      SatchelSmtpRejection *rejection = g_ptr_array_index (self->rejections, i);
      g_autofree char *quote = quote_reply (rejection->reply);

      if (rejection->reply->code < 400 || rejection->reply->code >= 500)
        all_temporary = FALSE;
      if (i > 0)
        /* TRANSLATORS: separates refused recipients */
        g_string_append (list, _("; "));
      /* TRANSLATORS: a refused recipient and the server's words */
      g_string_append_printf (list, _("<%s> (%s)"), rejection->recipient, quote);
    }

  /* Only "try later" answers: the message stays queued for a retry. */
  g_set_error (error, SATCHEL_SMTP_ERROR,
               all_temporary ? SATCHEL_SMTP_ERROR_TEMPORARY
                             : SATCHEL_SMTP_ERROR_RECIPIENTS_REJECTED,
               g_dngettext (GETTEXT_PACKAGE,
                            "The server %s refused %u recipient, so nothing was "
                            "sent: %s",
                            "The server %s refused %u recipients, so nothing was "
                            "sent: %s",
                            self->rejections->len),
               self->where, self->rejections->len, list->str);
}

/* Reads the reply to MAIL FROM; FALSE with @error when refused (the
 * connection stays usable unless it was lost). */
static gboolean
check_mail_reply (SatchelSmtpClient       *self,
                  const SatchelSmtpReply  *reply,
                  const char              *from,
                  GError                 **error)
{
  g_autofree char *what = NULL;

  if (reply->code == 250)
    return TRUE;

  what = g_strdup_printf (_("The server %s refused the sender address <%s>"),
                          self->where, from);
  set_reply_error (error, reply, what);
  return FALSE;
}

/* MAIL FROM and every RCPT TO; pipelined when the server allows it. */
static gboolean
send_envelope (SatchelSmtpClient   *self,
               const char          *mail_command,
               const char          *from,
               const char * const  *recipients,
               GCancellable        *cancellable,
               GError             **error)
{
  gboolean pipelining = self->pipelining && self->caps->pipelining;
  g_autoptr(GError) mail_error = NULL;
  guint n_recipients = g_strv_length ((char **) recipients);
  guint next = 0;

  set_step (self, SATCHEL_SMTP_STEP_MAIL);

  if (!pipelining)
    {
      g_autoptr(SatchelSmtpReply) reply = run_command (self, mail_command,
                                                       cancellable, error);
      if (reply == NULL)
        return FALSE;
      if (!check_mail_reply (self, reply, from, error))
        return FALSE;
      set_step (self, SATCHEL_SMTP_STEP_RCPT);
    }

  while (next < n_recipients)
    {
      g_autoptr(GString) batch = g_string_new (NULL);
      guint first = next;
      guint count;

      if (pipelining && first == 0)
        {
          transcribe (self, FALSE, mail_command);
          g_string_append_printf (batch, "%s\r\n", mail_command);
        }

      count = 0;
      do
        {
          g_autofree char *command = g_strdup_printf ("RCPT TO:<%s>", recipients[first + count]);

          transcribe (self, FALSE, command);
          g_string_append_printf (batch, "%s\r\n", command);
          count++;
        }
      while (pipelining &&
             first + count < n_recipients &&
             count < PIPELINE_MAX_RCPT &&
             batch->len < PIPELINE_MAX_BYTES);
      next = first + count;

      if (!write_bytes (self, batch->str, batch->len, cancellable, error))
        return FALSE;

      if (pipelining && first == 0)
        {
          g_autoptr(SatchelSmtpReply) reply = read_reply (self, cancellable, error);

          if (reply == NULL)
            return FALSE;
          /* The RCPT replies still come (503 most likely): read them. */
          check_mail_reply (self, reply, from, &mail_error);
          set_step (self, SATCHEL_SMTP_STEP_RCPT);
        }

      for (guint i = first; i < next; i++)
        {
          g_autoptr(SatchelSmtpReply) reply = read_reply (self, cancellable, error);

          if (reply == NULL)
            return FALSE;
          if (mail_error != NULL)
            continue;
          if (reply->code != 250 && reply->code != 251)
            add_rejection (self, recipients[i], reply);
        }

      if (mail_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&mail_error));
          reset_transaction (self, cancellable);
          return FALSE;
        }
    }

  if (self->rejections->len > 0)
    {
      reset_transaction (self, cancellable);
      set_rejections_error (self, error);
      return FALSE;
    }

  return TRUE;
}

/* Copies @len bytes of @in to @out with a '.' doubled at the start of
 * each line (RFC 5321, 4.5.2); *@line_start carries across blocks.
 * @out has room for 2 * @len bytes. Returns the bytes written. */
static gsize
dot_stuff (const char *in,
           gsize       len,
           char       *out,
           gboolean   *line_start)
{
  const char *p = in;
  const char *end = in + len;
  gsize o = 0;

  while (p < end)
    {
      const char *newline;
      gsize run;

      if (*line_start && *p == '.')
        out[o++] = '.';

      newline = memchr (p, '\n', end - p);
      run = newline != NULL ? (gsize) (newline - p + 1) : (gsize) (end - p);
      memcpy (out + o, p, run);
      o += run;
      p += run;
      *line_start = newline != NULL;
    }

  return o;
}

/* Streams the message after the 354, then its end. */
static gboolean
send_content (SatchelSmtpClient        *self,
              GInputStream             *message,
              guint64                   size,
              SatchelSmtpProgressFunc   progress,
              SatchelSmtpDataEndFunc    data_end,
              gpointer                  user_data,
              GCancellable             *cancellable,
              GError                  **error)
{
  g_autofree char *in = g_malloc (DATA_BLOCK_SIZE);
  g_autofree char *out = g_malloc (2 * DATA_BLOCK_SIZE + 2);
  g_autofree char *summary = NULL;
  gboolean line_start = TRUE;
  char last[2] = { '\r', '\n' };  /* as if after the DATA line */
  guint64 sent = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;
      gsize len;

      n = g_input_stream_read (message, in, DATA_BLOCK_SIZE, cancellable,
                               &local_error);
      if (n < 0)
        {
          /* Our own file failed us: the server gets no end of data, so
           * it drops the transaction when we close. */
          close_connection (self);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            set_cancelled_error (self, SATCHEL_SMTP_STEP_DATA, error);
          else
            g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                        _("Could not read the message to send: "));
          return FALSE;
        }
      if (n == 0)
        break;

      if (n == 1)
        {
          last[0] = last[1];
          last[1] = in[0];
        }
      else
        {
          last[0] = in[n - 2];
          last[1] = in[n - 1];
        }

      len = dot_stuff (in, n, out, &line_start);
      if (!write_bytes (self, out, len, cancellable, error))
        return FALSE;

      sent += n;
      if (progress != NULL)
        progress (sent, MAX (size, sent), user_data);
    }

  /* The end of data must follow a line end. */
  if (last[0] != '\r' || last[1] != '\n')
    {
      if (!write_bytes (self, "\r\n", 2, cancellable, error))
        return FALSE;
    }

  summary = g_strdup_printf ("<message: %" G_GUINT64_FORMAT " bytes>", sent);
  transcribe (self, FALSE, summary);

  /* Last chance to stop cleanly: after the dot the server may have it. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      close_connection (self);
      set_cancelled_error (self, SATCHEL_SMTP_STEP_DATA, error);
      return FALSE;
    }

  if (data_end != NULL)
    data_end (user_data);
  set_step (self, SATCHEL_SMTP_STEP_DATA_END);
  set_io_timeout (self, get_data_end_timeout (self));

  transcribe (self, FALSE, ".");
  return write_bytes (self, ".\r\n", 3, cancellable, error);
}

/* GObject */

static void
satchel_smtp_client_dispose (GObject *object)
{
  SatchelSmtpClient *self = (SatchelSmtpClient *) object;

  close_connection (self);

  G_OBJECT_CLASS (satchel_smtp_client_parent_class)->dispose (object);
}

static void
satchel_smtp_client_finalize (GObject *object)
{
  SatchelSmtpClient *self = (SatchelSmtpClient *) object;

  g_free (self->host);
  g_free (self->where);
  g_free (self->username);
  g_free (self->mechanism);
  g_free (self->ca_file);
  g_free (self->pin);
  g_free (self->tls_description);
  g_free (self->auth_mechanism);
  g_free (self->read_buffer);
  satchel_smtp_reply_parser_free (self->parser);
  g_clear_pointer (&self->caps, satchel_smtp_capabilities_free);
  g_clear_pointer (&self->last_reply, satchel_smtp_reply_free);
  g_ptr_array_unref (self->rejections);
  g_clear_object (&self->ca_database);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (satchel_smtp_client_parent_class)->finalize (object);
}

static void
satchel_smtp_client_class_init (SatchelSmtpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = satchel_smtp_client_dispose;
  object_class->finalize = satchel_smtp_client_finalize;
}

static void
satchel_smtp_client_init (SatchelSmtpClient *self)
{
  self->pipelining = TRUE;
  self->read_buffer = g_malloc (READ_BUFFER_SIZE);
  self->parser = satchel_smtp_reply_parser_new ();
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
}

/* Public API */

const char *
satchel_smtp_step_describe (SatchelSmtpStep step)
{
  switch (step)
    {
    case SATCHEL_SMTP_STEP_RESOLVE:
      return _("looking up the server’s address");
    case SATCHEL_SMTP_STEP_CONNECT:
      return _("connecting to the server");
    case SATCHEL_SMTP_STEP_TLS:
      return _("setting up encryption (TLS handshake)");
    case SATCHEL_SMTP_STEP_GREETING:
      return _("waiting for the server’s greeting");
    case SATCHEL_SMTP_STEP_EHLO:
      return _("greeting the server (EHLO)");
    case SATCHEL_SMTP_STEP_STARTTLS:
      return _("asking the server to encrypt the connection (STARTTLS)");
    case SATCHEL_SMTP_STEP_AUTH:
      return _("signing in (AUTH)");
    case SATCHEL_SMTP_STEP_MAIL:
      return _("giving the sender address (MAIL FROM)");
    case SATCHEL_SMTP_STEP_RCPT:
      return _("giving the recipients (RCPT TO)");
    case SATCHEL_SMTP_STEP_DATA:
      return _("sending the message (DATA)");
    case SATCHEL_SMTP_STEP_DATA_END:
      return _("waiting for the server to accept the message");
    case SATCHEL_SMTP_STEP_QUIT:
      return _("closing the session (QUIT)");
    default:
      return _("talking to the server");
    }
}

SatchelSmtpClient *
satchel_smtp_client_new (SatchelAccount *account)
{
  SatchelSmtpClient *self;
  const char *host;

  g_return_val_if_fail (SATCHEL_IS_ACCOUNT (account), NULL);

  self = g_object_new (SATCHEL_TYPE_SMTP_CLIENT, NULL);

  host = satchel_account_get_host (account);
  self->host = g_strdup (host != NULL ? host : "");
  self->port = satchel_account_get_port (account);
  self->where = format_where (self->host, self->port);
  self->security = satchel_account_get_security (account);
  self->username = g_strdup (satchel_account_get_username (account));
  self->mechanism = g_strdup (satchel_account_get_auth_mechanism (account));
  self->ca_file = g_strdup (satchel_account_get_ca_file (account));
  self->pin = g_strdup (satchel_account_get_trust_fingerprint (account));
  self->allow_plaintext_auth = satchel_account_get_allow_plaintext_auth (account);
  self->timeout = satchel_account_get_timeout (account);
  if (self->timeout == 0)
    self->timeout = SATCHEL_ACCOUNT_DEFAULT_TIMEOUT;
  self->io_timeout = self->timeout;

  return self;
}

void
satchel_smtp_client_set_transcript_func (SatchelSmtpClient        *self,
                                         SatchelSmtpTranscriptFunc func,
                                         gpointer                  user_data)
{
  g_return_if_fail (SATCHEL_IS_SMTP_CLIENT (self));

  self->transcript_func = func;
  self->transcript_data = user_data;
}

void
satchel_smtp_client_set_step_func (SatchelSmtpClient   *self,
                                   SatchelSmtpStepFunc  func,
                                   gpointer             user_data)
{
  g_return_if_fail (SATCHEL_IS_SMTP_CLIENT (self));

  self->step_func = func;
  self->step_data = user_data;
}

void
satchel_smtp_client_set_pipelining (SatchelSmtpClient *self,
                                    gboolean           enabled)
{
  g_return_if_fail (SATCHEL_IS_SMTP_CLIENT (self));

  self->pipelining = !!enabled;
}

gboolean
satchel_smtp_client_connect (SatchelSmtpClient  *self,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (self->connection == NULL, FALSE);

  g_clear_pointer (&self->caps, satchel_smtp_capabilities_free);
  g_clear_pointer (&self->last_reply, satchel_smtp_reply_free);
  g_clear_pointer (&self->tls_description, g_free);
  g_clear_pointer (&self->auth_mechanism, g_free);
  satchel_smtp_reply_parser_free (self->parser);
  self->parser = satchel_smtp_reply_parser_new ();

  if (self->security != SATCHEL_SECURITY_NONE && !load_ca_file (self, error))
    return FALSE;

  if (!open_connection (self, cancellable, error))
    return FALSE;

  if (self->security == SATCHEL_SECURITY_TLS &&
      !start_tls (self, cancellable, error))
    return FALSE;

  if (!read_greeting (self, cancellable, error))
    return FALSE;

  if (!say_hello (self, self->security == SATCHEL_SECURITY_NONE, cancellable, error))
    return FALSE;

  if (self->security == SATCHEL_SECURITY_STARTTLS &&
      !upgrade_with_starttls (self, cancellable, error))
    return FALSE;

  return TRUE;
}

gboolean
satchel_smtp_client_authenticate (SatchelSmtpClient  *self,
                                  const char         *password,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  g_autoptr(SatchelSmtpAuth) auth = NULL;
  g_autoptr(SatchelSmtpReply) reply = NULL;
  g_autofree char *command = NULL;
  const char *mechanism;
  char *response = NULL;
  gboolean done = FALSE;

  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_connected (self, error))
    return FALSE;
  g_assert (self->caps != NULL);

  if (self->tls == NULL && !self->allow_plaintext_auth)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED,
                   _("The connection to %s is not encrypted, so Satchel will not "
                     "send the password over it. Use --security tls or starttls, "
                     "or, if this network is private, allow it with "
                     "--allow-plaintext-auth."),
                   self->where);
      return FALSE;
    }

  if (self->mechanism != NULL)
    {
      if (!satchel_smtp_capabilities_has_auth (self->caps, self->mechanism))
        {
          set_auth_unavailable (self, self->mechanism, error);
          return FALSE;
        }
      mechanism = self->mechanism;
    }
  else
    {
      mechanism = satchel_smtp_auth_choose ((const char * const *) self->caps->auth);
      if (mechanism == NULL)
        {
          set_auth_unavailable (self, NULL, error);
          return FALSE;
        }
    }

  g_free (self->auth_mechanism);
  self->auth_mechanism = g_strdup (mechanism);

  auth = satchel_smtp_auth_new (mechanism, self->username != NULL ? self->username : "",
                                password, error);
  if (auth == NULL)
    return FALSE;

  set_step (self, SATCHEL_SMTP_STEP_AUTH);
  command = g_strdup_printf ("AUTH %s", mechanism);

  if (satchel_smtp_auth_has_initial_response (auth))
    {
      gboolean ok;

      if (!satchel_smtp_auth_step (auth, NULL, &response, &done, error))
        return FALSE;
      /* RFC 4954: an empty initial response is sent as "=". */
      ok = write_auth_line (self, command, response[0] != '\0' ? response : "=",
                            cancellable, error);
      g_clear_pointer (&response, wipe_string);
      if (!ok)
        return FALSE;
    }
  else if (!write_command (self, command, NULL, cancellable, error))
    return FALSE;

  for (guint round = 0;; round++)
    {
      g_autoptr(GError) step_error = NULL;
      gboolean ok;

      g_clear_pointer (&reply, satchel_smtp_reply_free);
      reply = read_reply (self, cancellable, error);
      if (reply == NULL)
        return FALSE;

      if (reply->code == 235)
        return TRUE;

      if (reply->code != 334)
        {
          set_auth_reply_error (self, reply, mechanism, error);
          return FALSE;
        }

      if (round >= AUTH_MAX_ROUNDS)
        {
          cancel_auth (self, cancellable);
          g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_PROTOCOL,
                       _("The server %s kept asking for more while signing in "
                         "with %s"),
                       self->where, mechanism);
          return FALSE;
        }

      if (!satchel_smtp_auth_step (auth, reply->text, &response, &done, &step_error))
        {
          cancel_auth (self, cancellable);
          g_propagate_prefixed_error (error, g_steal_pointer (&step_error),
                                      "%s: ", self->where);
          return FALSE;
        }

      ok = write_auth_line (self, NULL, response, cancellable, error);
      g_clear_pointer (&response, wipe_string);
      if (!ok)
        return FALSE;
    }
}

gboolean
satchel_smtp_client_send (SatchelSmtpClient        *self,
                          const char               *from,
                          const char * const       *recipients,
                          GInputStream             *message,
                          guint64                   size,
                          SatchelSmtpSendFlags      flags,
                          SatchelSmtpProgressFunc   progress,
                          SatchelSmtpDataEndFunc    data_end,
                          gpointer                  user_data,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;
  g_autofree char *mail_command = NULL;

  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), FALSE);
  g_return_val_if_fail (from != NULL, FALSE);
  g_return_val_if_fail (recipients != NULL, FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_ptr_array_set_size (self->rejections, 0);

  if (!check_connected (self, error))
    return FALSE;
  g_assert (self->caps != NULL);

  if (recipients[0] == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The message has no recipients"));
      return FALSE;
    }

  /* No line breaks or brackets may smuggle a command into the envelope. */
  if (!is_envelope_address (from))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” cannot be used as the sender address"), from);
      return FALSE;
    }
  for (guint i = 0; recipients[i] != NULL; i++)
    if (!is_envelope_address (recipients[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” cannot be used as a recipient address"),
                     recipients[i]);
        return FALSE;
      }

  if ((flags & SATCHEL_SMTP_SEND_SMTPUTF8) && !self->caps->smtputf8)
    {
      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_SMTPUTF8_REQUIRED,
                   _("An address of this message has non-ASCII characters "
                     "before the @, and the server %s does not support them "
                     "(no SMTPUTF8). Nothing was sent."),
                   self->where);
      return FALSE;
    }

  if (self->caps->has_size && self->caps->size > 0 && size > self->caps->size)
    {
      g_autofree char *have = g_format_size (size);
      g_autofree char *limit = g_format_size (self->caps->size);

      g_set_error (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_MESSAGE_TOO_BIG,
                   _("The message is %s, more than the %s the server %s accepts. "
                     "Nothing was sent; make it smaller (fewer or smaller "
                     "attachments)."),
                   have, limit, self->where);
      return FALSE;
    }

  mail_command = build_mail_command (self, from, size, flags);
  if (!send_envelope (self, mail_command, from, recipients, cancellable, error))
    return FALSE;

  set_step (self, SATCHEL_SMTP_STEP_DATA);
  reply = run_command (self, "DATA", cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 354)
    {
      g_autofree char *what = g_strdup_printf (_("The server %s refused to take "
                                                 "the message (DATA)"),
                                               self->where);
      set_reply_error (error, reply, what);
      reset_transaction (self, cancellable);
      return FALSE;
    }
  g_clear_pointer (&reply, satchel_smtp_reply_free);

  if (!send_content (self, message, size, progress, data_end, user_data,
                     cancellable, error))
    return FALSE;

  reply = read_reply (self, cancellable, error);
  set_io_timeout (self, self->timeout);
  if (reply == NULL)
    return FALSE;

  if (reply->code != 250)
    {
      g_autofree char *what = g_strdup_printf (_("The server %s did not accept "
                                                 "the message"),
                                               self->where);
      set_reply_error (error, reply, what);
      return FALSE;
    }

  return TRUE;
}

void
satchel_smtp_client_quit (SatchelSmtpClient *self,
                          GCancellable      *cancellable)
{
  g_autoptr(SatchelSmtpReply) reply = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_if_fail (SATCHEL_IS_SMTP_CLIENT (self));

  if (self->connection == NULL)
    return;

  set_step (self, SATCHEL_SMTP_STEP_QUIT);
  reply = run_command (self, "QUIT", cancellable, &local_error);
  if (reply == NULL)
    g_debug ("QUIT to %s: %s", self->where, local_error->message);

  close_connection (self);
}

const SatchelSmtpCapabilities *
satchel_smtp_client_get_capabilities (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return self->caps;
}

const SatchelSmtpReply *
satchel_smtp_client_get_last_reply (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return self->last_reply;
}

GPtrArray *
satchel_smtp_client_get_rejections (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return self->rejections;
}

GTlsCertificate *
satchel_smtp_client_get_peer_certificate (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return self->peer_certificate;
}

GTlsCertificateFlags
satchel_smtp_client_get_certificate_errors (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), 0);

  return self->certificate_errors;
}

char *
satchel_smtp_client_dup_tls_description (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return g_strdup (self->tls_description);
}

SatchelSmtpStep
satchel_smtp_client_get_step (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), SATCHEL_SMTP_STEP_RESOLVE);

  return self->step;
}

gboolean
satchel_smtp_client_get_pin_mismatch (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), FALSE);

  return self->pin_mismatch;
}

gboolean
satchel_smtp_client_get_certificate_rejected (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), FALSE);

  return self->certificate_rejected;
}

const char *
satchel_smtp_client_get_auth_mechanism (SatchelSmtpClient *self)
{
  g_return_val_if_fail (SATCHEL_IS_SMTP_CLIENT (self), NULL);

  return self->auth_mechanism;
}
