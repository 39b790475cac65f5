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

G_END_DECLS
