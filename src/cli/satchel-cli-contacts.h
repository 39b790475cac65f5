/* satchel-cli-contacts.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "satchel-cli contacts …": @argv[0] is "contacts". Returns the exit
 * status (sysexits, as CLI.md says). */
int   satchel_cli_contacts_run            (int          argc,
                                           char       **argv);

/* The contacts commands, one "  NAME  SUMMARY" line each, for the
 * general --help. */
void  satchel_cli_contacts_print_commands (void);

/* When @value names a contact group (it has no "@"), its members as
 * one recipient list ("Name <a@b>, c@d"); otherwise NULL. (transfer full) */
char *satchel_cli_contacts_expand_group   (const char  *value);

G_END_DECLS
