/* satchel-contact-store.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "satchel-contact.h"

G_BEGIN_DECLS

/* Errors of the address book. */
#define SATCHEL_CONTACTS_ERROR (satchel_contacts_error_quark ())
typedef enum
{
  SATCHEL_CONTACTS_ERROR_NOT_FOUND, /* no such contact, address or group */
  SATCHEL_CONTACTS_ERROR_EXISTS,    /* the address belongs to another contact */
  SATCHEL_CONTACTS_ERROR_INVALID,   /* no address, a bad group name, … */
  SATCHEL_CONTACTS_ERROR_FILE,      /* contacts.ini cannot be read or written */
  SATCHEL_CONTACTS_ERROR_RECOVERED, /* a damaged file was kept aside (a notice) */
} SatchelContactsError;

GQuark satchel_contacts_error_quark (void);

#define SATCHEL_TYPE_CONTACT_STORE (satchel_contact_store_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContactStore, satchel_contact_store, SATCHEL, CONTACT_STORE, GObject)

/* contacts.ini (GKeyFile: one group "Contact ID" per contact, one group
 * "Group NAME" per contact group) as a GListModel of SatchelContact
 * sorted by name, plus a GListModel of SatchelContactGroup.
 *
 * Every change is a read-merge-write under an exclusive flock() on
 * contacts.ini.lock, written atomically with mode 0600: the GUI and the
 * CLI changing the book at the same time lose nothing.
 *
 * A contacts.ini that cannot be read or parsed is never overwritten: it
 * is renamed to contacts.ini.corrupt-TIMESTAMP, the lines that could be
 * read become the new book, and satchel_contact_store_get_problem() says
 * so until the next load.
 *
 * How often and how recently each address was a recipient lives in its
 * own file (recipients.tsv under $XDG_STATE_HOME/satchel/), so that a
 * send never rewrites contacts.ini; it covers recent recipients who are
 * not in the book too. */

/* @path: contacts.ini, or NULL for satchel_paths_contacts_file().
 * @usage_path: the usage file, or NULL for the one under
 * $XDG_STATE_HOME/satchel/. Nothing is read until _load(). */
SatchelContactStore *satchel_contact_store_new          (const char           *path);
SatchelContactStore *satchel_contact_store_new_full     (const char           *path,
                                                         const char           *usage_path);

/* (Re)reads contacts.ini and the usage file. A missing file is an empty
 * book. A damaged one is kept aside (see above) and the load succeeds
 * with what could be read; FALSE only when even that was impossible. */
gboolean             satchel_contact_store_load         (SatchelContactStore  *self,
                                                         GError              **error);
/* The notice of the last load or change that found contacts.ini damaged
 * (SATCHEL_CONTACTS_ERROR_RECOVERED, naming where the old file went), or
 * NULL. (transfer none) */
const GError        *satchel_contact_store_get_problem  (SatchelContactStore  *self);

/* Reloads when another process changes the file (GFileMonitor, on the
 * thread-default main context of the caller). */
void                 satchel_contact_store_watch        (SatchelContactStore  *self);

const char          *satchel_contact_store_get_path     (SatchelContactStore  *self);

/* The groups, sorted by name. (transfer none) */
GListModel          *satchel_contact_store_get_groups   (SatchelContactStore  *self);

/* Copies of what was last loaded. (transfer full) (nullable) */
SatchelContact      *satchel_contact_store_lookup       (SatchelContactStore  *self,
                                                         const char           *id);
SatchelContact      *satchel_contact_store_lookup_by_address (SatchelContactStore *self,
                                                              const char          *address);
SatchelContactGroup *satchel_contact_store_lookup_group (SatchelContactStore  *self,
                                                         const char           *name);

/* Adds a new contact. It needs an address; EXISTS if one of its
 * addresses belongs to another contact already. */
gboolean             satchel_contact_store_add          (SatchelContactStore  *self,
                                                         SatchelContact       *contact,
                                                         GError              **error);
/* Replaces the contact with the same id (NOT_FOUND if gone). */
gboolean             satchel_contact_store_update       (SatchelContactStore  *self,
                                                         SatchelContact       *contact,
                                                         GError              **error);
gboolean             satchel_contact_store_remove       (SatchelContactStore  *self,
                                                         const char           *id,
                                                         GError              **error);
/* Removes @address from its contact; the contact goes when its last
 * address goes. NOT_FOUND if no contact has it. */
gboolean             satchel_contact_store_remove_address (SatchelContactStore *self,
                                                           const char          *address,
                                                           GError             **error);
/* Adds many contacts in one write (an import). A contact whose addresses
 * are all in the book already adds its new details to that contact
 * instead; one without an address is skipped. Categories become groups
 * (the contact's first address joins each). */
gboolean             satchel_contact_store_import       (SatchelContactStore  *self,
                                                         GPtrArray            *contacts,
                                                         guint                *n_added,
                                                         guint                *n_merged,
                                                         guint                *n_skipped,
                                                         GError              **error);
/* Every contact, with its groups as categories, for an export.
 * (transfer full) (element-type SatchelContact) */
GPtrArray           *satchel_contact_store_dup_for_export (SatchelContactStore *self);

/* Creates the group, or replaces its members. INVALID for an empty name
 * or one with brackets or line breaks. */
gboolean             satchel_contact_store_set_group    (SatchelContactStore  *self,
                                                         SatchelContactGroup  *group,
                                                         GError              **error);
/* Adds @addresses to the group @name, creating it if needed. */
gboolean             satchel_contact_store_add_to_group (SatchelContactStore  *self,
                                                         const char           *name,
                                                         const char * const   *addresses,
                                                         GError              **error);
gboolean             satchel_contact_store_remove_group (SatchelContactStore  *self,
                                                         const char           *name,
                                                         GError              **error);
/* The members of the group called @name (exact, else case-insensitive)
 * formatted as recipients ("Name <address>" with the book's names), or
 * NULL when there is no such group. (transfer full) */
GStrv                satchel_contact_store_expand_group (SatchelContactStore  *self,
                                                         const char           *name);

/* Searches names, nicknames, addresses and group names for every word of
 * @query, ignoring case and accents: a match at the start of a field
 * ranks first, then at the start of a word (each Chinese character starts
 * one), then anywhere; within a rank, frequent and recent recipients
 * first, then by name. Recent recipients outside the book are found by
 * address. At most @limit results (0: all).
 * (transfer full) (element-type SatchelContactMatch) */
GPtrArray           *satchel_contact_store_search       (SatchelContactStore  *self,
                                                         const char           *query,
                                                         guint                 limit);

/* Builds the search index now rather than on the next search (which
 * does it after every load or change): call it from an idle callback so
 * that the first keystroke does not wait. */
void                 satchel_contact_store_prepare_search (SatchelContactStore *self);

/* Counts one use of each address (a successful send), under the usage
 * file's own lock. contacts.ini is not touched. */
gboolean             satchel_contact_store_record_usage (SatchelContactStore  *self,
                                                         const char * const   *addresses,
                                                         GError              **error);
/* Forgets the usage of @address: a recent recipient outside the book is
 * no longer offered. */
gboolean             satchel_contact_store_forget       (SatchelContactStore  *self,
                                                         const char           *address,
                                                         GError              **error);
/* How many times @address was used, and when last (unix time, or 0). */
guint                satchel_contact_store_get_usage    (SatchelContactStore  *self,
                                                         const char           *address,
                                                         gint64               *last_used);

/* Records @addresses in the default usage file: for the sender, after
 * the server accepted a message. Failures are only logged. */
void                 satchel_contacts_record_sent       (const char * const   *addresses);

/* Case- and accent-insensitive form of @text used by the search (NFKD,
 * combining marks removed, case folded). (transfer full) */
char                *satchel_contacts_fold              (const char           *text);

G_END_DECLS
