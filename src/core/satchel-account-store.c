/* satchel-account-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-account-store"

#include "config.h"

#include "satchel-account-store.h"
