/* main.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "satchel-application.h"
#include "satchel-paths.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SatchelApplication) app = NULL;

  satchel_application_prepare_environment ();
  satchel_paths_init_i18n ();

  app = satchel_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
