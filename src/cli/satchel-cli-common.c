/* satchel-cli-common.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-cli"

#include "config.h"

#include "satchel-cli-common.h"

void
satchel_cli_print_error_line (const char *text)
{
  g_autofree char *line = g_strdup (text);

  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("satchel-cli: %s\n", line);
}
