/* satchel-mime.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-mime"

#include "config.h"

#include "satchel-mime.h"
