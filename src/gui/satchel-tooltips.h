/* satchel-tooltips.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Makes every text tooltip of the process, in every window, as wide as
 * its text up to 50 average characters (about 25 Chinese ones), and
 * wrap beyond.
 *
 * GTK 4.8 sizes a tooltip's label for as many average characters as the
 * text has characters; a CJK character is about twice as wide as that,
 * so Chinese tooltips wrap after every character or two. No stylesheet
 * rule can undo that without widening short English tooltips too.
 *
 * Call once, on the main thread, after gtk_init(): from the
 * application's startup. Later calls do nothing. */
void satchel_tooltips_init (void);

G_END_DECLS
