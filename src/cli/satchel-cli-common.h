/* satchel-cli-common.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The exit statuses of CLI.md (sysexits.h values). */
enum
{
  EXIT_USAGE       = 64,
  EXIT_DATAERR     = 65,
  EXIT_UNAVAILABLE = 69,
  EXIT_TEMPFAIL    = 75,
  EXIT_NOPERM      = 77,
  EXIT_CONFIG      = 78,
};

/* Prints @text as one line on stderr, "satchel-cli: TEXT", with any line
 * break in it turned into a space: scripts read one line per error. */
void satchel_cli_print_error_line (const char *text);

G_END_DECLS
