/* satchel-preferences-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-application.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_PREFERENCES_WINDOW (satchel_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelPreferencesWindow, satchel_preferences_window, SATCHEL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The preferences: an "Accounts" page listing the accounts of
 * @application's context (following accounts.ini as the CLI changes it),
 * with a subpage per account to edit, verify, make default or remove
 * it; a "General" page bound to the GSettings schema (undo delay, rich
 * text). Everything runs on the main context; the keyring and the
 * network are reached from worker threads. (transfer none: the
 * application's window list holds the window) */
GtkWindow *satchel_preferences_window_new (SatchelApplication *application);

/* Opens the subpage of the account named @name, as a click on its row
 * does. FALSE when there is no such account. */
gboolean   satchel_preferences_window_show_account (SatchelPreferencesWindow *self,
                                                    const char               *name);

/* Adds the "app.preferences" action (Ctrl+comma) to @application: it
 * presents the preferences window, one per application. */
void       satchel_preferences_window_install_action (GtkApplication *application);

G_END_DECLS
