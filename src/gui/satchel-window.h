/* satchel-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-application.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_WINDOW (satchel_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelWindow, satchel_window, SATCHEL, WINDOW, AdwApplicationWindow)

SatchelWindow *satchel_window_new (SatchelApplication *application);

G_END_DECLS
