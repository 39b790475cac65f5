/* satchel-autoconfig-private.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* For tests only: probe @tls_port instead of 465 and @starttls_port
 * instead of 587 (0 and 0 for the real ones), as a test cannot listen
 * on those. Call from the main thread before discovering.
 *
 * Processes that tests start (satchel-cli, the GUI) read
 * SATCHEL_TEST_AUTOCONFIG=FILE instead, a key file with the ports and a
 * resolver's answers (docs/HACKING.md); it is read only when set, and
 * only when no resolver is passed in. */
void satchel_autoconfig_set_test_ports (guint16 tls_port,
                                        guint16 starttls_port);

/* For tests only: a resolver answering from @answers, a key file in the
 * SATCHEL_TEST_AUTOCONFIG format ([hosts], [srv], [stall]; see
 * docs/HACKING.md). It reads @answers at each lookup, so a test may add
 * answers after making it. (transfer full) */
GResolver *satchel_autoconfig_test_resolver_new (GKeyFile *answers);

G_END_DECLS
