/* satchel-paths.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* XDG locations, from g_get_user_{config,data,state}_dir() (which
 * G_TEST_OPTION_ISOLATE_DIRS redirects in tests). Each returns a newly allocated path; the directories are not
 * created: satchel_paths_ensure_dir() does that, mode 0700. */
char     *satchel_paths_accounts_file (void);   /* $XDG_CONFIG_HOME/satchel/accounts.ini */
char     *satchel_paths_contacts_file (void);   /* $XDG_DATA_HOME/satchel/contacts.ini */
char     *satchel_paths_outbox_dir    (void);   /* $XDG_STATE_HOME/satchel/outbox */
char     *satchel_paths_logs_dir      (void);   /* $XDG_STATE_HOME/satchel/logs */
char     *satchel_paths_drafts_dir    (void);   /* $XDG_DATA_HOME/satchel/drafts */
char     *satchel_paths_sent_dir      (void);   /* $XDG_DATA_HOME/satchel/sent */
char     *satchel_paths_state_dir     (void);   /* $XDG_STATE_HOME/satchel */

gboolean  satchel_paths_ensure_dir    (const char  *path,
                                       GError     **error);

/* Opens (creating it, mode 0600) the lock file @lock_path and waits for
 * an exclusive flock() on it; the lock lasts until the returned
 * descriptor is closed. Lock files are never removed: removing one would
 * let two writers lock two different files. -1 and a G_FILE_ERROR naming
 * the file on failure. */
int       satchel_paths_lock_file     (const char  *lock_path,
                                       GError     **error);

/* Sets the locale from the environment and binds Satchel's translations:
 * from $SATCHEL_LOCALEDIR when set (build-aux/run points it at the build
 * folder, so an uninstalled build speaks the user's language), else from
 * the installed locale folder. Call first thing in main(). */
void      satchel_paths_init_i18n     (void);

G_END_DECLS
