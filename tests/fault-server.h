/* fault-server.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* For unit tests: the scripted fault server of the integration tests
 * (tests/integration/satchel_faultserver.py) in a child process, and
 * the certificates its make_certs() makes. Header-only: each test
 * program includes it once. */

#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>

static inline char *
fault_server_script_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "integration", "satchel_faultserver.py", NULL);
}

/* Makes the certificates in a new temporary folder, returned (transfer
 * full): ca.pem, then good, renewed, wrong-host, expired, future,
 * wildcard, untrusted, untrusted2 as NAME.pem and NAME.key. */
static inline char *
fault_server_make_certs (void)
{
  g_autofree char *script = fault_server_script_path ();
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("satchel-certs-XXXXXX", &error);
  const char *argv[] = { "/usr/bin/python3", script, "--make-certs", dir, NULL };
  int status = 0;

  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return dir;
}

static inline void
fault_server_remove_certs (char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
  g_free (dir);
}

/* "DIR/NAME.pem" (transfer full). */
static inline char *
fault_server_cert_file (const char *dir,
                        const char *name,
                        const char *extension)
{
  g_autofree char *file = g_strconcat (name, ".", extension, NULL);

  return g_build_filename (dir, file, NULL);
}

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *output;
  guint16           port;
} FaultServer;

/* Starts the server with @script_json (its script, see the Python file)
 * on a free loopback port. */
static inline FaultServer *
fault_server_start (const char *script_json)
{
  g_autofree char *script = fault_server_script_path ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  FaultServer *server = g_new0 (FaultServer, 1);
  guint64 port = 0;

  server->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                      "/usr/bin/python3", script, "--script", script_json,
                                      "--port", "0", NULL);
  g_assert_no_error (error);
  server->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (server->output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_ascii_string_to_unsigned (line, 10, 1, G_MAXUINT16, &port, NULL));
  server->port = (guint16) port;
  return server;
}

/* Stops it; returns its event lines ("EVENT tls 1", …) (transfer full). */
static inline char *
fault_server_stop (FaultServer *server)
{
  g_autoptr(GString) events = g_string_new (NULL);
  char *line;

  g_subprocess_send_signal (server->process, SIGTERM);
  while ((line = g_data_input_stream_read_line_utf8 (server->output, NULL, NULL, NULL)) != NULL)
    {
      g_string_append (events, line);
      g_string_append_c (events, '\n');
      g_free (line);
    }
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->output);
  g_object_unref (server->process);
  g_free (server);
  return g_string_free (g_steal_pointer (&events), FALSE);
}
