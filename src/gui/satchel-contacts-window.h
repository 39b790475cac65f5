/* satchel-contacts-window.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-contact-store.h"

G_BEGIN_DECLS

#define SATCHEL_TYPE_CONTACTS_WINDOW (satchel_contacts_window_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContactsWindow, satchel_contacts_window, SATCHEL, CONTACTS_WINDOW, AdwWindow)

/* The address book: a searchable list of contacts and one of groups,
 * add, edit and delete, vCard import and export. @store is shared (the
 * window watches its file, so changes the CLI makes show up). */
SatchelContactsWindow *satchel_contacts_window_new        (GtkApplication        *application,
                                                           SatchelContactStore   *store);

/* Sets the search text, as if typed. */
void                   satchel_contacts_window_set_search (SatchelContactsWindow *self,
                                                           const char            *text);
/* The filtered contacts list the window shows. (transfer none) */
GListModel            *satchel_contacts_window_get_visible_contacts (SatchelContactsWindow *self);

/* Adds the "app.contacts" action (Ctrl+Shift+B) that opens the address
 * book, one window per application, to @application. */
void                   satchel_contacts_window_install_action (GtkApplication *application);

G_END_DECLS
