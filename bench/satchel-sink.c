/* satchel-sink.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A fast SMTP sink for benchmarks: it accepts mail on loopback, swallows
 * DATA at wire speed in constant memory and logs one line per message
 * (bytes, seconds, MB/s, optionally a SHA-256 of the content).
 *
 * aiosmtpd holds whole messages in memory and handles DATA at 35-50 MB/s:
 * too slow to measure a client. This one reads 1 MiB at a time, looks only
 * at the dots (base64 has none) to find the end of data, and keeps nothing.
 *
 * Plain C (glibc); STARTTLS with OpenSSL when built with SINK_TLS
 * (bench/run does; meson does when libssl is there). One process per
 * connection. All socket I/O goes through conn_read () and conn_write (). */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifdef SINK_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#define IN_BUFFER_SIZE (1024 * 1024)
#define MAX_LINE 65536
#define MAX_OUT (1024 * 1024)
#define IDLE_TIMEOUT_SECONDS 600

/* ------------------------------------------------------------------ */
/* Options */

typedef struct
{
  const char *bind_address;
  int port;
  const char *port_file;
  const char *log_file;
  bool auth;
  bool require_auth;
  const char *auth_user;     /* NULL: any credentials are accepted */
  const char *auth_password;
  unsigned long long size_limit;
  bool sha256;
  const char *save_dir;
  long delay_ms;
  const char *tls_cert;      /* offer STARTTLS with this PEM certificate */
  const char *tls_key;       /* and key */
  bool once;
  bool quiet;
} Options;

static Options options = {
  .bind_address = "127.0.0.1",
  .size_limit = 10ULL * 1024 * 1024 * 1024,
};

static int log_fd = STDOUT_FILENO;

#ifdef SINK_TLS
static SSL_CTX *tls_context;
#endif

/* ------------------------------------------------------------------ */
/* SHA-256 (FIPS 180-4), so the sink needs nothing beyond glibc */

typedef struct
{
  uint32_t state[8];
  uint64_t length;
  unsigned char block[64];
  size_t used;
} Sha256;

static const uint32_t sha256_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
  0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t
rotr (uint32_t x,
      int      n)
{
  return (x >> n) | (x << (32 - n));
}

static void
sha256_init (Sha256 *s)
{
  static const uint32_t initial[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  };

  memcpy (s->state, initial, sizeof initial);
  s->length = 0;
  s->used = 0;
}

static void
sha256_block (Sha256              *s,
              const unsigned char *p)
{
  uint32_t w[64], a, b, c, d, e, f, g, h;
  int i;

  for (i = 0; i < 16; i++)
    w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
           | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
  for (i = 16; i < 64; i++)
    {
      uint32_t s0 = rotr (w[i - 15], 7) ^ rotr (w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr (w[i - 2], 17) ^ rotr (w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }

  a = s->state[0]; b = s->state[1]; c = s->state[2]; d = s->state[3];
  e = s->state[4]; f = s->state[5]; g = s->state[6]; h = s->state[7];
  for (i = 0; i < 64; i++)
    {
      uint32_t t1 = h + (rotr (e, 6) ^ rotr (e, 11) ^ rotr (e, 25))
                    + ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
      uint32_t t2 = (rotr (a, 2) ^ rotr (a, 13) ^ rotr (a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
      h = g; g = f; f = e; e = d + t1;
      d = c; c = b; b = a; a = t1 + t2;
    }
  s->state[0] += a; s->state[1] += b; s->state[2] += c; s->state[3] += d;
  s->state[4] += e; s->state[5] += f; s->state[6] += g; s->state[7] += h;
}

static void
sha256_update (Sha256     *s,
               const void *data,
               size_t      len)
{
  const unsigned char *p = data;

  s->length += len;
  if (s->used > 0)
    {
      size_t take = 64 - s->used < len ? 64 - s->used : len;

      memcpy (s->block + s->used, p, take);
      s->used += take;
      p += take;
      len -= take;
      if (s->used < 64)
        return;
      sha256_block (s, s->block);
      s->used = 0;
    }
  for (; len >= 64; p += 64, len -= 64)
    sha256_block (s, p);
  memcpy (s->block, p, len);
  s->used = len;
}

static void
sha256_finish (Sha256 *s,
               char    hex[65])
{
  uint64_t bits = s->length * 8;
  unsigned char pad[72] = { 0x80 };
  size_t pad_len = (s->used < 56 ? 56 : 120) - s->used;
  unsigned char length_be[8];
  int i;

  for (i = 0; i < 8; i++)
    length_be[i] = (unsigned char) (bits >> (56 - 8 * i));
  sha256_update (s, pad, pad_len);
  sha256_update (s, length_be, 8);
  for (i = 0; i < 8; i++)
    sprintf (hex + 8 * i, "%08" PRIx32, s->state[i]);
  hex[64] = '\0';
}

/* ------------------------------------------------------------------ */
/* Helpers */

static void die (const char *format, ...)
  __attribute__ ((format (printf, 1, 2), noreturn));
static void log_line (const char *format, ...)
  __attribute__ ((format (printf, 1, 2)));

static void
die (const char *format,
     ...)
{
  va_list args;

  fputs ("satchel-sink: ", stderr);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static double
now_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
sleep_until (double when)
{
  struct timespec ts;

  ts.tv_sec = (time_t) when;
  ts.tv_nsec = (long) ((when - ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000L)
    ts.tv_nsec = 999999999L;
  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

/* One line per event, in a single write so that the processes of
 * several connections do not interleave within a line. */
static void
log_line (const char *format,
          ...)
{
  char line[1024];
  va_list args;
  int n;

  va_start (args, format);
  n = vsnprintf (line, sizeof line - 1, format, args);
  va_end (args);
  if (n < 0)
    return;
  if ((size_t) n > sizeof line - 2)
    n = sizeof line - 2;
  line[n++] = '\n';
  if (write (log_fd, line, n) < 0)
    {
      /* Nothing sensible to do: the log is gone. */
    }
}

/* Decodes standard base64 into out (NUL-terminated); returns the length
 * or -1 when the input is not base64. */
static long
base64_decode (const char *in,
               char       *out,
               size_t      out_size)
{
  unsigned int bits = 0;
  int nbits = 0;
  size_t n = 0;

  for (; *in != '\0' && *in != '='; in++)
    {
      const char *alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const char *pos = strchr (alphabet, *in);

      if (pos == NULL)
        return -1;
      bits = (bits << 6) | (unsigned int) (pos - alphabet);
      nbits += 6;
      if (nbits >= 8)
        {
          nbits -= 8;
          if (n + 1 >= out_size)
            return -1;
          out[n++] = (char) ((bits >> nbits) & 0xff);
        }
    }
  out[n] = '\0';
  return (long) n;
}

/* ------------------------------------------------------------------ */
/* A connection */

typedef enum
{
  STATE_COMMAND,
  STATE_DATA,
  STATE_AUTH_PLAIN,      /* waiting for the PLAIN response line */
  STATE_AUTH_LOGIN_USER, /* waiting for the LOGIN user name */
  STATE_AUTH_LOGIN_PASS, /* waiting for the LOGIN password */
} State;

typedef struct
{
  double due;            /* when the replies up to end may be sent */
  size_t end;            /* offset in out */
} Mark;

typedef struct
{
  int fd;
  unsigned long id;
  State state;
  bool closing;

  char *in;
  size_t in_start, in_end;
  double arrival;        /* when the bytes in `in` were read */

  char *out;
  size_t out_len, out_size;
  Mark *marks;
  size_t n_marks, marks_size;

  bool helo, authenticated;
  char login_user[512];

  /* The envelope and the message being received */
  bool has_from;
  char from[256];
  char size_param[32];
  unsigned long rcpts;
  unsigned long messages;
  unsigned long long content_bytes, wire_bytes;
  unsigned long long total_wire;
  double data_start, connection_start;
  char history[2];       /* the last two wire bytes before in_start */
  Sha256 sha;
  int save_fd;

  bool start_tls;        /* STARTTLS answered: handshake next */
  bool tls;              /* the session is encrypted */
#ifdef SINK_TLS
  SSL *ssl;
#endif
} Conn;

/* The only places that touch the socket. */
static ssize_t
conn_read (Conn   *c,
           void   *buffer,
           size_t  size)
{
  ssize_t n;

#ifdef SINK_TLS
  if (c->ssl != NULL)
    {
      size_t done = 0;

      /* One record per SSL_read: take all that is already decrypted or
       * waiting, up to the size, without blocking for more. */
      do
        {
          int r = SSL_read (c->ssl, (char *) buffer + done,
                            (int) (size - done > 1 << 30 ? 1 << 30 : size - done));

          if (r <= 0)
            return done > 0 ? (ssize_t) done : -1;
          done += (size_t) r;
        }
      while (done + 16384 < size
             && (SSL_pending (c->ssl) > 0
                 || poll (&(struct pollfd) { .fd = c->fd, .events = POLLIN }, 1, 0) > 0));
      return (ssize_t) done;
    }
#endif
  do
    n = recv (c->fd, buffer, size, 0);
  while (n < 0 && errno == EINTR);
  return n;
}

static bool
conn_write (Conn       *c,
            const char *data,
            size_t      len)
{
#ifdef SINK_TLS
  if (c->ssl != NULL)
    return len == 0 || SSL_write (c->ssl, data, (int) len) == (int) len;
#endif
  while (len > 0)
    {
      ssize_t n = send (c->fd, data, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      data += n;
      len -= (size_t) n;
    }
  return true;
}

/* Sends the replies that are due. With --delay, a reply leaves `delay`
 * after its command arrived, so replies to pipelined commands overlap
 * as over a slow link. */
static bool
flush_due (Conn   *c,
           double  now)
{
  size_t i = 0, end = 0;

  while (i < c->n_marks && c->marks[i].due <= now)
    end = c->marks[i++].end;
  if (i == 0)
    return true;
  if (!conn_write (c, c->out, end))
    return false;
  memmove (c->out, c->out + end, c->out_len - end);
  c->out_len -= end;
  memmove (c->marks, c->marks + i, (c->n_marks - i) * sizeof (Mark));
  c->n_marks -= i;
  for (i = 0; i < c->n_marks; i++)
    c->marks[i].end -= end;
  return true;
}

static void reply (Conn *c, const char *format, ...)
  __attribute__ ((format (printf, 2, 3)));

static void
reply (Conn       *c,
       const char *format,
       ...)
{
  char line[1024];
  va_list args;
  int n;

  va_start (args, format);
  n = vsnprintf (line, sizeof line - 2, format, args);
  va_end (args);
  if (n < 0)
    return;
  if ((size_t) n > sizeof line - 3)
    n = sizeof line - 3;
  line[n++] = '\r';
  line[n++] = '\n';

  if (c->out_len + (size_t) n > c->out_size)
    {
      if (c->out_len + (size_t) n > MAX_OUT)
        {
          /* A client that never reads: send what we have regardless. */
          flush_due (c, 1e300);
        }
      while (c->out_len + (size_t) n > c->out_size)
        c->out_size *= 2;
      c->out = realloc (c->out, c->out_size);
      if (c->out == NULL)
        die ("out of memory");
    }
  memcpy (c->out + c->out_len, line, n);
  c->out_len += (size_t) n;

  if (c->n_marks == c->marks_size)
    {
      c->marks_size *= 2;
      c->marks = realloc (c->marks, c->marks_size * sizeof (Mark));
      if (c->marks == NULL)
        die ("out of memory");
    }
  c->marks[c->n_marks].due = c->arrival + options.delay_ms / 1000.0;
  c->marks[c->n_marks].end = c->out_len;
  c->n_marks++;
}

static void
reset_envelope (Conn *c)
{
  c->has_from = false;
  c->from[0] = '\0';
  c->size_param[0] = '\0';
  c->rcpts = 0;
}

static void
start_data (Conn *c)
{
  c->state = STATE_DATA;
  c->content_bytes = 0;
  c->wire_bytes = 0;
  /* The DATA line ended with CRLF: a first line "." ends the message. */
  c->history[0] = '\r';
  c->history[1] = '\n';
  c->data_start = now_seconds ();
  c->messages++;
  if (options.sha256)
    sha256_init (&c->sha);
  if (options.save_dir != NULL)
    {
      char path[4096];

      snprintf (path, sizeof path, "%s/conn%lu-msg%lu.eml", options.save_dir,
                c->id, c->messages);
      c->save_fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (c->save_fd < 0)
        fprintf (stderr, "satchel-sink: cannot write %s: %s\n", path,
                 strerror (errno));
    }
}

/* Content bytes of the message, dot-stuffing already removed. */
static void
take_content (Conn       *c,
              const char *data,
              size_t      len)
{
  c->content_bytes += len;
  if (options.sha256)
    sha256_update (&c->sha, data, len);
  if (c->save_fd >= 0 && len > 0)
    {
      while (len > 0)
        {
          ssize_t n = write (c->save_fd, data, len);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              fprintf (stderr, "satchel-sink: write: %s\n", strerror (errno));
              close (c->save_fd);
              c->save_fd = -1;
              break;
            }
          data += n;
          len -= (size_t) n;
        }
    }
}

static void
finish_data (Conn *c)
{
  double seconds = now_seconds () - c->data_start;
  char hex[65] = "-";

  if (options.sha256)
    sha256_finish (&c->sha, hex);
  if (c->save_fd >= 0)
    {
      close (c->save_fd);
      c->save_fd = -1;
    }
  c->total_wire += c->wire_bytes;
  if (!options.quiet)
    log_line ("message conn=%lu msg=%lu from=<%s> rcpts=%lu size_param=%s "
              "bytes=%llu wire=%llu seconds=%.6f MB/s=%.1f sha256=%s",
              c->id, c->messages, c->from, c->rcpts,
              c->size_param[0] ? c->size_param : "-",
              c->content_bytes, c->wire_bytes, seconds,
              seconds > 0 ? c->wire_bytes / seconds / 1e6 : 0.0, hex);
  reply (c, "250 2.0.0 Ok: queued as %lu.%lu", c->id, c->messages);
  reset_envelope (c);
  c->state = STATE_COMMAND;
}

/* Eats DATA from the input buffer. Only dots matter: a dot at the start
 * of a line is either the end of data (".\r\n") or a stuffed dot ("..").
 * memchr finds them at memory speed, and base64 contains none. Returns
 * true when the message ended. Leaves at most two bytes unconsumed (a
 * dot at the start of a line whose next bytes have not arrived). */
static bool
eat_data (Conn *c)
{
  const char *base = c->in + c->in_start;
  const char *end = c->in + c->in_end;
  const char *p = base;   /* start of content not yet taken */
  const char *q = base;   /* where to look for the next dot */
  const char *stop = end; /* where consumption stopped */
  bool finished = false;

  for (;;)
    {
      const char *dot = memchr (q, '.', end - q);
      char before1, before2;

      if (dot == NULL)
        {
          take_content (c, p, end - p);
          stop = end;
          break;
        }
      before1 = dot - base >= 1 ? dot[-1] : c->history[1];
      before2 = dot - base >= 2 ? dot[-2] : (dot - base == 1 ? c->history[1]
                                                              : c->history[0]);
      if (before2 != '\r' || before1 != '\n')
        {
          q = dot + 1;
          continue;
        }
      if (end - dot < 3)
        {
          /* Wait for the two bytes that say what this dot is. Even "..":
           * whether it is "..\r\n" or not does not matter, but keeping
           * the rule simple costs nothing. */
          take_content (c, p, dot - p);
          stop = dot;
          break;
        }
      if (dot[1] == '\r' && dot[2] == '\n')
        {
          take_content (c, p, dot - p);
          stop = dot + 3;
          finished = true;
          break;
        }
      if (dot[1] == '.')
        {
          take_content (c, p, dot - p);
          p = dot + 1;  /* the second dot is content */
          q = dot + 2;
          continue;
        }
      q = dot + 1;      /* a lone dot at the start of a line: keep it */
    }

  c->wire_bytes += (unsigned long long) (stop - base);
  if (stop - base >= 2)
    {
      c->history[0] = stop[-2];
      c->history[1] = stop[-1];
    }
  else if (stop - base == 1)
    {
      c->history[0] = c->history[1];
      c->history[1] = stop[-1];
    }
  c->in_start += (size_t) (stop - base);
  if (finished)
    finish_data (c);
  return finished;
}

static bool
check_credentials (const char *user,
                   const char *password)
{
  if (options.auth_user == NULL)
    return true;
  return strcmp (user, options.auth_user) == 0
         && strcmp (password, options.auth_password) == 0;
}

static void
auth_result (Conn *c,
             bool  ok)
{
  c->state = STATE_COMMAND;
  if (ok)
    {
      c->authenticated = true;
      reply (c, "235 2.7.0 Authentication successful");
    }
  else
    reply (c, "535 5.7.8 Authentication credentials invalid");
}

/* PLAIN: [authzid] NUL authcid NUL passwd, base64. */
static void
auth_plain (Conn       *c,
            const char *response)
{
  char decoded[2048];
  long n = base64_decode (response, decoded, sizeof decoded);
  const char *user, *password, *nul;

  if (strcmp (response, "*") == 0)
    {
      c->state = STATE_COMMAND;
      reply (c, "501 5.0.0 Authentication cancelled");
      return;
    }
  if (n < 0 || (nul = memchr (decoded, '\0', n)) == NULL)
    {
      c->state = STATE_COMMAND;
      reply (c, "501 5.5.2 Cannot decode the response");
      return;
    }
  user = nul + 1;
  nul = memchr (user, '\0', decoded + n - user);
  if (nul == NULL)
    {
      c->state = STATE_COMMAND;
      reply (c, "501 5.5.2 Cannot decode the response");
      return;
    }
  password = nul + 1;
  auth_result (c, check_credentials (user, password));
}

static bool
has_prefix_nocase (const char *line,
                   const char *prefix)
{
  return strncasecmp (line, prefix, strlen (prefix)) == 0;
}

/* The address between < and >, for the log. */
static void
copy_path (char       *dest,
           size_t      size,
           const char *arg)
{
  const char *lt = strchr (arg, '<');
  const char *gt = lt ? strchr (lt, '>') : NULL;
  size_t len;

  if (lt == NULL || gt == NULL)
    {
      snprintf (dest, size, "%s", arg);
      return;
    }
  len = (size_t) (gt - lt - 1);
  if (len >= size)
    len = size - 1;
  memcpy (dest, lt + 1, len);
  dest[len] = '\0';
}

static void
command_ehlo (Conn       *c,
              const char *line,
              bool        extended)
{
  c->helo = true;
  reset_envelope (c);
  if (!extended)
    {
      reply (c, "250 satchel-sink");
      return;
    }
  reply (c, "250-satchel-sink greets %s", line[4] == ' ' ? line + 5 : "you");
  reply (c, "250-PIPELINING");
  reply (c, "250-SIZE %llu", options.size_limit);
  reply (c, "250-8BITMIME");
  reply (c, "250-SMTPUTF8");
  if (options.tls_cert != NULL && !c->tls)
    reply (c, "250-STARTTLS");
  /* With TLS on offer, AUTH only once the session is encrypted, as real
   * submission servers do. */
  if (options.auth && (options.tls_cert == NULL || c->tls))
    reply (c, "250-AUTH PLAIN LOGIN");
  reply (c, "250 ENHANCEDSTATUSCODES");
}

static void
command_mail (Conn       *c,
              const char *arg)
{
  const char *size;

  if (options.require_auth && !c->authenticated)
    {
      reply (c, "530 5.7.0 Authentication required");
      return;
    }
  if (c->has_from)
    {
      reply (c, "503 5.5.1 Nested MAIL command");
      return;
    }
  copy_path (c->from, sizeof c->from, arg);
  size = strcasestr (arg, " SIZE=");
  if (size != NULL)
    {
      unsigned long long declared = strtoull (size + 6, NULL, 10);

      snprintf (c->size_param, sizeof c->size_param, "%llu", declared);
      if (options.size_limit > 0 && declared > options.size_limit)
        {
          reply (c, "552 5.3.4 Message size exceeds fixed limit");
          return;
        }
    }
  c->has_from = true;
  reply (c, "250 2.1.0 Ok");
}

static void
command_auth (Conn       *c,
              const char *arg)
{
  if (!options.auth)
    {
      reply (c, "502 5.5.1 AUTH not offered");
      return;
    }
  if (c->authenticated)
    {
      reply (c, "503 5.5.1 Already authenticated");
      return;
    }
  if (has_prefix_nocase (arg, "PLAIN"))
    {
      if (arg[5] == ' ' && arg[6] != '\0')
        auth_plain (c, arg + 6);
      else
        {
          c->state = STATE_AUTH_PLAIN;
          reply (c, "334 ");
        }
    }
  else if (has_prefix_nocase (arg, "LOGIN"))
    {
      if (arg[5] == ' ' && arg[6] != '\0')
        {
          if (base64_decode (arg + 6, c->login_user, sizeof c->login_user) < 0)
            {
              reply (c, "501 5.5.2 Cannot decode the response");
              return;
            }
          c->state = STATE_AUTH_LOGIN_PASS;
          reply (c, "334 UGFzc3dvcmQ6");
        }
      else
        {
          c->state = STATE_AUTH_LOGIN_USER;
          reply (c, "334 VXNlcm5hbWU6");
        }
    }
  else
    reply (c, "504 5.5.4 Unrecognised authentication mechanism");
}

static void
handle_line (Conn *c,
             char *line)
{
  const char *arg;

  switch (c->state)
    {
    case STATE_AUTH_PLAIN:
      auth_plain (c, line);
      return;
    case STATE_AUTH_LOGIN_USER:
      if (strcmp (line, "*") == 0
          || base64_decode (line, c->login_user, sizeof c->login_user) < 0)
        {
          c->state = STATE_COMMAND;
          reply (c, "501 5.5.2 Authentication aborted");
          return;
        }
      c->state = STATE_AUTH_LOGIN_PASS;
      reply (c, "334 UGFzc3dvcmQ6");
      return;
    case STATE_AUTH_LOGIN_PASS:
      {
        char password[512];

        if (strcmp (line, "*") == 0
            || base64_decode (line, password, sizeof password) < 0)
          {
            c->state = STATE_COMMAND;
            reply (c, "501 5.5.2 Authentication aborted");
            return;
          }
        auth_result (c, check_credentials (c->login_user, password));
        return;
      }
    case STATE_COMMAND:
    case STATE_DATA:
      break;
    }

  arg = strchr (line, ' ');
  arg = arg ? arg + 1 : "";

  if (has_prefix_nocase (line, "EHLO"))
    command_ehlo (c, line, true);
  else if (has_prefix_nocase (line, "HELO"))
    command_ehlo (c, line, false);
  else if (has_prefix_nocase (line, "MAIL FROM:"))
    command_mail (c, line + 10);
  else if (has_prefix_nocase (line, "RCPT TO:"))
    {
      if (!c->has_from)
        reply (c, "503 5.5.1 Need MAIL before RCPT");
      else
        {
          c->rcpts++;
          reply (c, "250 2.1.5 Ok");
        }
    }
  else if (strcasecmp (line, "DATA") == 0)
    {
      if (!c->has_from)
        reply (c, "503 5.5.1 Need MAIL before DATA");
      else if (c->rcpts == 0)
        reply (c, "554 5.5.1 No valid recipients");
      else
        {
          reply (c, "354 End data with <CR><LF>.<CR><LF>");
          start_data (c);
        }
    }
  else if (strcasecmp (line, "RSET") == 0)
    {
      reset_envelope (c);
      reply (c, "250 2.0.0 Ok");
    }
  else if (has_prefix_nocase (line, "NOOP"))
    reply (c, "250 2.0.0 Ok");
  else if (strcasecmp (line, "QUIT") == 0)
    {
      reply (c, "221 2.0.0 Bye");
      c->closing = true;
    }
  else if (has_prefix_nocase (line, "AUTH "))
    command_auth (c, arg);
  else if (has_prefix_nocase (line, "VRFY"))
    reply (c, "252 2.0.0 Cannot VRFY user");
  else if (strcasecmp (line, "STARTTLS") == 0 && options.tls_cert != NULL && !c->tls)
    {
      reply (c, "220 2.0.0 Ready to start TLS");
      c->start_tls = true;
    }
  else if (has_prefix_nocase (line, "STARTTLS"))
    reply (c, "502 5.5.1 STARTTLS not offered");
  else
    reply (c, "500 5.5.2 Command not recognised");
}

/* Handles all the complete commands and data in the input buffer. */
static void
process_input (Conn *c)
{
  while (!c->closing && c->in_start < c->in_end)
    {
      char *line, *nl;
      size_t len;

      if (c->state == STATE_DATA)
        {
          if (!eat_data (c))
            return;
          continue;
        }

      line = c->in + c->in_start;
      nl = memchr (line, '\n', c->in_end - c->in_start);
      if (nl == NULL)
        {
          if (c->in_end - c->in_start > MAX_LINE)
            {
              reply (c, "500 5.5.6 Line too long");
              c->closing = true;
            }
          return;
        }
      c->in_start = (size_t) (nl + 1 - c->in);
      len = (size_t) (nl - line);
      if (len > 0 && line[len - 1] == '\r')
        len--;
      line[len] = '\0';
      handle_line (c, line);
      if (c->start_tls)
        {
          /* RFC 3207: whatever the client pipelined after STARTTLS is
           * dropped. */
          c->in_start = c->in_end;
          return;
        }
    }
}

/* After the 220 to STARTTLS: the handshake, then a fresh session. */
static bool
start_tls (Conn *c)
{
#ifdef SINK_TLS
  while (c->n_marks > 0)
    {
      sleep_until (c->marks[c->n_marks - 1].due);
      if (!flush_due (c, now_seconds ()))
        return false;
    }
  c->ssl = SSL_new (tls_context);
  if (c->ssl == NULL || SSL_set_fd (c->ssl, c->fd) != 1 || SSL_accept (c->ssl) != 1)
    {
      if (!options.quiet)
        log_line ("tls-failed conn=%lu", c->id);
      return false;
    }
  c->start_tls = false;
  c->tls = true;
  c->helo = false;
  c->authenticated = false;
  c->in_start = c->in_end = 0;
  reset_envelope (c);
  return true;
#else
  (void) c;
  return false;
#endif
}

static void
serve (int           fd,
       unsigned long id)
{
  Conn c = { 0 };
  int one = 1;
  struct timeval timeout = { .tv_sec = IDLE_TIMEOUT_SECONDS };

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  c.fd = fd;
  c.id = id;
  c.save_fd = -1;
  c.in = malloc (IN_BUFFER_SIZE);
  c.out_size = 4096;
  c.out = malloc (c.out_size);
  c.marks_size = 64;
  c.marks = malloc (c.marks_size * sizeof (Mark));
  if (c.in == NULL || c.out == NULL || c.marks == NULL)
    die ("out of memory");
  c.connection_start = now_seconds ();
  c.arrival = c.connection_start;
  reset_envelope (&c);

  reply (&c, "220 satchel-sink ESMTP ready");

  for (;;)
    {
      double now;
      ssize_t n;

      process_input (&c);
      if (c.start_tls && !start_tls (&c))
        break;

      now = now_seconds ();
      if (!flush_due (&c, now))
        break;
      if (c.closing)
        {
          if (c.n_marks == 0)
            break;
          sleep_until (c.marks[0].due);
          continue;
        }
      if (c.n_marks > 0)
        {
          /* Replies are pending: read what arrives meanwhile, so each
           * command is stamped with its own arrival time. */
          struct pollfd pfd = { .fd = fd, .events = POLLIN };
          int wait_ms = (int) ((c.marks[0].due - now) * 1000.0) + 1;

#ifdef SINK_TLS
          if (c.ssl == NULL || SSL_pending (c.ssl) == 0)
#endif
          if (poll (&pfd, 1, wait_ms) <= 0)
            continue;
        }

      /* Keep the unconsumed tail (a partial line, or a dot at the start
       * of a line) at the front, and read as much as fits. */
      if (c.in_start > 0)
        {
          memmove (c.in, c.in + c.in_start, c.in_end - c.in_start);
          c.in_end -= c.in_start;
          c.in_start = 0;
        }
      n = conn_read (&c, c.in + c.in_end, IN_BUFFER_SIZE - c.in_end - 1);
      if (n <= 0)
        {
          if (c.state == STATE_DATA && !options.quiet)
            log_line ("aborted conn=%lu msg=%lu wire=%llu", c.id, c.messages,
                      c.wire_bytes);
          break;
        }
      c.arrival = now_seconds ();
      c.in_end += (size_t) n;
    }

  if (!options.quiet)
    log_line ("connection conn=%lu messages=%lu wire=%llu seconds=%.6f",
              c.id, c.messages, c.total_wire,
              now_seconds () - c.connection_start);
  if (c.save_fd >= 0)
    close (c.save_fd);
#ifdef SINK_TLS
  if (c.ssl != NULL)
    {
      SSL_shutdown (c.ssl);
      SSL_free (c.ssl);
    }
#endif
  close (fd);
  free (c.in);
  free (c.out);
  free (c.marks);
}

/* ------------------------------------------------------------------ */
/* Main */

static void
usage (FILE *out)
{
  fputs (
    "Usage: satchel-sink [OPTION...]\n"
    "A fast SMTP sink for benchmarks: accepts every message, counts and\n"
    "discards it, and logs one line per message.\n"
    "\n"
    "  -p, --port N          listen on port N (default 0: any free port)\n"
    "  -b, --bind ADDR       IPv4 address to listen on (default 127.0.0.1)\n"
    "  -P, --port-file FILE  write the port to FILE once listening\n"
    "  -l, --log FILE        append the per-message log to FILE (default stdout)\n"
    "  -a, --auth            offer AUTH PLAIN LOGIN (any credentials pass)\n"
    "  -u, --user USER:PASS  offer AUTH and accept only these credentials\n"
    "  -r, --require-auth    refuse MAIL before a successful AUTH\n"
    "  -s, --size N          advertise SIZE N (default 10 GiB; 0: no limit)\n"
    "  -x, --sha256          log the SHA-256 of each message (costs CPU)\n"
    "  -w, --save DIR        also write each message to DIR (dot-unstuffed)\n"
    "  -d, --delay MS        answer each command MS ms after it arrived\n"
    "  -t, --tls CERT,KEY    offer STARTTLS with this PEM certificate and key;\n"
    "                        AUTH is then offered only after STARTTLS\n"
    "  -1, --once            serve one connection in this process, then exit\n"
    "  -q, --quiet           log nothing\n"
    "  -h, --help            show this help\n"
    "\n"
    "Log lines (space-separated key=value):\n"
    "  message conn=N msg=N from=<A> rcpts=N size_param=N bytes=N wire=N\n"
    "          seconds=S MB/s=R sha256=HEX|-\n"
    "  connection conn=N messages=N wire=N seconds=S\n"
    "bytes: the message after dot-unstuffing, without the final \".\\r\\n\";\n"
    "wire: the DATA bytes as sent; seconds: from DATA to the final dot.\n",
    out);
}

static void
parse_options (int    argc,
               char **argv)
{
  static const struct option long_options[] = {
    { "port", required_argument, NULL, 'p' },
    { "bind", required_argument, NULL, 'b' },
    { "port-file", required_argument, NULL, 'P' },
    { "log", required_argument, NULL, 'l' },
    { "auth", no_argument, NULL, 'a' },
    { "user", required_argument, NULL, 'u' },
    { "require-auth", no_argument, NULL, 'r' },
    { "size", required_argument, NULL, 's' },
    { "sha256", no_argument, NULL, 'x' },
    { "save", required_argument, NULL, 'w' },
    { "delay", required_argument, NULL, 'd' },
    { "tls", required_argument, NULL, 't' },
    { "once", no_argument, NULL, '1' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int opt;

  while ((opt = getopt_long (argc, argv, "p:b:P:l:au:rs:xw:d:t:1qh",
                             long_options, NULL)) != -1)
    {
      char *colon;

      switch (opt)
        {
        case 'p':
          options.port = atoi (optarg);
          if (options.port < 0 || options.port > 65535)
            die ("bad port: %s", optarg);
          break;
        case 'b':
          options.bind_address = optarg;
          break;
        case 'P':
          options.port_file = optarg;
          break;
        case 'l':
          options.log_file = optarg;
          break;
        case 'a':
          options.auth = true;
          break;
        case 'u':
          colon = strchr (optarg, ':');
          if (colon == NULL)
            die ("--user takes USER:PASS");
          *colon = '\0';
          options.auth_user = optarg;
          options.auth_password = colon + 1;
          options.auth = true;
          break;
        case 'r':
          options.require_auth = true;
          options.auth = true;
          break;
        case 's':
          options.size_limit = strtoull (optarg, NULL, 10);
          break;
        case 'x':
          options.sha256 = true;
          break;
        case 'w':
          options.save_dir = optarg;
          break;
        case 'd':
          options.delay_ms = atol (optarg);
          break;
        case 't':
          colon = strchr (optarg, ',');
          if (colon == NULL)
            die ("--tls takes CERT,KEY");
          *colon = '\0';
          options.tls_cert = optarg;
          options.tls_key = colon + 1;
#ifndef SINK_TLS
          die ("--tls: this sink was built without OpenSSL (SINK_TLS)");
#endif
          break;
        case '1':
          options.once = true;
          break;
        case 'q':
          options.quiet = true;
          break;
        case 'h':
          usage (stdout);
          exit (0);
        default:
          usage (stderr);
          exit (2);
        }
    }
  if (optind != argc)
    {
      usage (stderr);
      exit (2);
    }
}

int
main (int    argc,
      char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t addr_len = sizeof addr;
  unsigned long next_id = 1;
  pid_t sink_pid = getpid ();
  int listener, one = 1;

  parse_options (argc, argv);

  if (options.log_file != NULL)
    {
      log_fd = open (options.log_file,
                     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (log_fd < 0)
        die ("cannot open %s: %s", options.log_file, strerror (errno));
    }

#ifdef SINK_TLS
  if (options.tls_cert != NULL)
    {
      tls_context = SSL_CTX_new (TLS_server_method ());
      if (tls_context == NULL
          || SSL_CTX_use_certificate_chain_file (tls_context, options.tls_cert) != 1
          || SSL_CTX_use_PrivateKey_file (tls_context, options.tls_key, SSL_FILETYPE_PEM) != 1)
        die ("cannot load %s and %s", options.tls_cert, options.tls_key);
      SSL_CTX_set_min_proto_version (tls_context, TLS1_2_VERSION);
      /* Whole writes: a reply is one SSL_write. */
      SSL_CTX_set_mode (tls_context, SSL_MODE_AUTO_RETRY);
    }
#endif

  signal (SIGPIPE, SIG_IGN);
  /* Children are reaped by the kernel. */
  signal (SIGCHLD, SIG_IGN);

  listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0)
    die ("socket: %s", strerror (errno));
  setsockopt (listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr.sin_port = htons ((uint16_t) options.port);
  if (inet_pton (AF_INET, options.bind_address, &addr.sin_addr) != 1)
    die ("bad IPv4 address: %s", options.bind_address);
  if (bind (listener, (struct sockaddr *) &addr, sizeof addr) < 0)
    die ("bind %s:%d: %s", options.bind_address, options.port,
         strerror (errno));
  if (listen (listener, 64) < 0)
    die ("listen: %s", strerror (errno));
  if (getsockname (listener, (struct sockaddr *) &addr, &addr_len) < 0)
    die ("getsockname: %s", strerror (errno));

  if (options.port_file != NULL)
    {
      /* Written to a temporary name and renamed, so a reader polling for
       * the file never sees it half written. */
      char tmp[4096];
      FILE *f;

      snprintf (tmp, sizeof tmp, "%s.tmp", options.port_file);
      f = fopen (tmp, "w");
      if (f == NULL)
        die ("cannot write %s: %s", tmp, strerror (errno));
      fprintf (f, "%d\n", ntohs (addr.sin_port));
      if (fclose (f) != 0 || rename (tmp, options.port_file) != 0)
        die ("cannot write %s: %s", options.port_file, strerror (errno));
    }
  else
    {
      printf ("listening on %s:%d\n", options.bind_address,
              ntohs (addr.sin_port));
      fflush (stdout);
    }

  for (;;)
    {
      int fd = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
      pid_t pid;

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          die ("accept: %s", strerror (errno));
        }
      if (options.once)
        {
          close (listener);
          serve (fd, next_id);
          return 0;
        }
      pid = fork ();
      if (pid < 0)
        die ("fork: %s", strerror (errno));
      if (pid == 0)
        {
          /* Go when the sink is stopped, even in the middle of a message. */
          prctl (PR_SET_PDEATHSIG, SIGTERM);
          if (getppid () != sink_pid)
            _exit (0);
          close (listener);
          serve (fd, next_id);
          _exit (0);
        }
      close (fd);
      next_id++;
    }
}
