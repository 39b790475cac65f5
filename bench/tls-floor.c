/* tls-floor.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The floor of a TLS transfer on this machine: a client and a server
 * (two processes, OpenSSL, TLS 1.3 as negotiated by default) copy N bytes
 * over loopback, in 1 MiB writes and reads, and nothing else happens.
 * No SMTP, no dot-stuffing, no file: what an SMTP client sending N bytes
 * of DATA over STARTTLS cannot beat.
 *
 *     tls-floor CERT KEY BYTES
 *
 * prints one line: bytes=N handshake=S seconds=S MB/s=R cipher=NAME
 * (seconds: from the end of the handshake to the server's
 * acknowledgement of the last byte). */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (1024 * 1024)

static void
die (const char *what)
{
  fprintf (stderr, "tls-floor: %s\n", what);
  ERR_print_errors_fp (stderr);
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
serve (int                 listener,
       const char         *cert,
       const char         *key,
       unsigned long long  bytes)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_server_method ());
  char *buffer = malloc (BLOCK);
  unsigned long long got = 0;
  int fd, one = 1;
  SSL *ssl;

  if (ctx == NULL || buffer == NULL
      || SSL_CTX_use_certificate_chain_file (ctx, cert) != 1
      || SSL_CTX_use_PrivateKey_file (ctx, key, SSL_FILETYPE_PEM) != 1)
    die ("server set-up");
  fd = accept (listener, NULL, NULL);
  if (fd < 0)
    die ("accept");
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ssl = SSL_new (ctx);
  SSL_set_fd (ssl, fd);
  if (SSL_accept (ssl) != 1)
    die ("server handshake");
  while (got < bytes)
    {
      int n = SSL_read (ssl, buffer, BLOCK);

      if (n <= 0)
        die ("server read");
      got += (unsigned long long) n;
    }
  if (SSL_write (ssl, "k", 1) != 1)
    die ("server ack");
  SSL_shutdown (ssl);
  SSL_free (ssl);
  close (fd);
  SSL_CTX_free (ctx);
  free (buffer);
}

int
main (int    argc,
      char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t addr_len = sizeof addr;
  unsigned long long bytes, sent = 0;
  double start, handshake_end, end;
  int listener, fd, one = 1, status;
  SSL_CTX *ctx;
  char *buffer;
  char ack;
  pid_t pid;
  SSL *ssl;

  if (argc != 4)
    {
      fputs ("Usage: tls-floor CERT KEY BYTES\n", stderr);
      return 2;
    }
  bytes = strtoull (argv[3], NULL, 10);

  signal (SIGPIPE, SIG_IGN);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  listener = socket (AF_INET, SOCK_STREAM, 0);
  if (listener < 0 || bind (listener, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (listener, 1) < 0
      || getsockname (listener, (struct sockaddr *) &addr, &addr_len) < 0)
    die ("listen");

  pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      serve (listener, argv[1], argv[2], bytes);
      _exit (0);
    }
  close (listener);

  buffer = malloc (BLOCK);
  if (buffer == NULL)
    die ("memory");
  /* Base64-looking bytes: the content does not change the cost. */
  for (int i = 0; i < BLOCK; i++)
    buffer[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(i * 7 + i / 64) % 64];

  ctx = SSL_CTX_new (TLS_client_method ());
  if (ctx == NULL)
    die ("client set-up");
  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);

  start = now_seconds ();
  fd = socket (AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    die ("connect");
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ssl = SSL_new (ctx);
  SSL_set_fd (ssl, fd);
  if (SSL_connect (ssl) != 1)
    die ("client handshake");
  handshake_end = now_seconds ();

  while (sent < bytes)
    {
      int len = bytes - sent < BLOCK ? (int) (bytes - sent) : BLOCK;

      if (SSL_write (ssl, buffer, len) != len)
        die ("client write");
      sent += (unsigned long long) len;
    }
  if (SSL_read (ssl, &ack, 1) != 1)
    die ("no acknowledgement");
  end = now_seconds ();

  printf ("bytes=%llu handshake=%.6f seconds=%.6f MB/s=%.1f cipher=%s\n",
          bytes, handshake_end - start, end - handshake_end,
          bytes / (end - handshake_end) / 1e6, SSL_get_cipher (ssl));

  SSL_free (ssl);
  close (fd);
  SSL_CTX_free (ctx);
  free (buffer);
  if (waitpid (pid, &status, 0) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    die ("the server failed");
  return 0;
}
