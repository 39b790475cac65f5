/* satchel-time-format.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-time-format"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-time-format.h"

char *
satchel_format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;

  if (unix_seconds == 0)
    return g_strdup ("");

  when = g_date_time_new_from_unix_local (unix_seconds);
  now = g_date_time_new_now_local ();
  if (when == NULL || now == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    return g_date_time_format (when, "%H:%M");

  /* %x: the locale's own way to write a date (2026/11/23 in Chinese). */
  return g_date_time_format (when, "%x %H:%M");
}

char *
satchel_format_sending_in (gint64 seconds_left)
{
  if (seconds_left <= 0)
    return g_strdup (_("Sending…"));

  /* Translators: %u is a number of seconds; Undo, beside it, can still
   * stop the message until then. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Sending in %u second…",
                                       "Sending in %u seconds…",
                                       (gulong) seconds_left),
                          (guint) seconds_left);
}
