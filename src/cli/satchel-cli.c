/* satchel-cli.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

int
main (int   argc,
      char *argv[])
{
  return 64;
}
