/* satchel-time-format.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A moment for a list row, in the user's time zone and locale: the
 * time alone when it is today, else the date and the time. @unix_seconds
 * 0 gives "". (transfer full) */
char *satchel_format_time (gint64 unix_seconds);

/* The Undo notice's countdown: "Sending in 8 seconds…" while
 * @seconds_left is above 0, then "Sending…". (transfer full) */
char *satchel_format_sending_in (gint64 seconds_left);

G_END_DECLS
