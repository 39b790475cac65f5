/* satchel-contact.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SATCHEL_TYPE_CONTACT (satchel_contact_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContact, satchel_contact, SATCHEL, CONTACT, GObject)

/* One person of the address book: a name, one or more addresses (each
 * with an optional vCard TYPE such as "work" or "home"), a nickname and
 * notes. The id is a UUID that names the contact's group in
 * contacts.ini; a contact made here gets a new one.
 *
 * Categories are not stored with the contact (groups are, in the store):
 * they carry vCard CATEGORIES on their way in and out. */
SatchelContact     *satchel_contact_new                (void);
/* A deep copy, the id included. (transfer full) */
SatchelContact     *satchel_contact_copy               (SatchelContact *self);
gboolean            satchel_contact_equal              (SatchelContact *a,
                                                        SatchelContact *b);

const char         *satchel_contact_get_id             (SatchelContact *self);
void                satchel_contact_set_id             (SatchelContact *self,
                                                        const char     *id);
/* Never NULL: "" when unset. */
const char         *satchel_contact_get_name           (SatchelContact *self);
void                satchel_contact_set_name           (SatchelContact *self,
                                                        const char     *name);
const char         *satchel_contact_get_nickname       (SatchelContact *self);
void                satchel_contact_set_nickname       (SatchelContact *self,
                                                        const char     *nickname);
const char         *satchel_contact_get_notes          (SatchelContact *self);
void                satchel_contact_set_notes          (SatchelContact *self,
                                                        const char     *notes);

/* The addresses, in order, NULL-terminated. (transfer none) */
const char * const *satchel_contact_get_addresses      (SatchelContact *self);
guint               satchel_contact_get_n_addresses    (SatchelContact *self);
/* The TYPE of address @index ("work", "home", …), or NULL. */
const char         *satchel_contact_get_address_type   (SatchelContact *self,
                                                        guint           index);
/* Appends @address (trimmed) unless the contact has it already
 * (compared case-insensitively); @type may be NULL. TRUE if added. */
gboolean            satchel_contact_add_address        (SatchelContact *self,
                                                        const char     *address,
                                                        const char     *type);
/* Removes @address (case-insensitively). TRUE if it was there. */
gboolean            satchel_contact_remove_address     (SatchelContact *self,
                                                        const char     *address);
void                satchel_contact_clear_addresses    (SatchelContact *self);
gboolean            satchel_contact_has_address        (SatchelContact *self,
                                                        const char     *address);

/* vCard CATEGORIES, NULL-terminated. (transfer none) */
const char * const *satchel_contact_get_categories     (SatchelContact *self);
void                satchel_contact_add_category       (SatchelContact *self,
                                                        const char     *category);

/* Address @index the way a To: field takes it: "Name <user@host>" (the
 * name quoted when it needs to be), or the bare address when there is
 * no name. (transfer full) */
char               *satchel_contact_format_address     (SatchelContact *self,
                                                        guint           index);
/* Formats @name and @address the same way. (transfer full) */
char               *satchel_format_recipient           (const char     *name,
                                                        const char     *address);

#define SATCHEL_TYPE_CONTACT_GROUP (satchel_contact_group_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContactGroup, satchel_contact_group, SATCHEL, CONTACT_GROUP, GObject)

/* A named list of addresses that can be a recipient: sending to the
 * group sends to each member. Members are addresses, so a member need
 * not be in the address book. */
SatchelContactGroup *satchel_contact_group_new          (const char          *name);
SatchelContactGroup *satchel_contact_group_copy         (SatchelContactGroup *self);
const char          *satchel_contact_group_get_name     (SatchelContactGroup *self);
/* NULL-terminated. (transfer none) */
const char * const  *satchel_contact_group_get_members  (SatchelContactGroup *self);
guint                satchel_contact_group_get_n_members (SatchelContactGroup *self);
/* TRUE if added (not there before, compared case-insensitively). */
gboolean             satchel_contact_group_add_member   (SatchelContactGroup *self,
                                                         const char          *address);
gboolean             satchel_contact_group_remove_member (SatchelContactGroup *self,
                                                          const char          *address);
gboolean             satchel_contact_group_has_member   (SatchelContactGroup *self,
                                                         const char          *address);

/* What a search found: an address of a contact, a group, or a recent
 * recipient who is not in the address book. */
typedef enum
{
  SATCHEL_CONTACT_MATCH_CONTACT,
  SATCHEL_CONTACT_MATCH_GROUP,
  SATCHEL_CONTACT_MATCH_RECENT,
} SatchelContactMatchKind;

#define SATCHEL_TYPE_CONTACT_MATCH (satchel_contact_match_get_type ())
G_DECLARE_FINAL_TYPE (SatchelContactMatch, satchel_contact_match, SATCHEL, CONTACT_MATCH, GObject)

SatchelContactMatchKind satchel_contact_match_get_kind      (SatchelContactMatch *self);
/* The contact's or group's name; "" for a recent recipient. */
const char             *satchel_contact_match_get_name      (SatchelContactMatch *self);
/* The address; for a group, NULL. */
const char             *satchel_contact_match_get_address   (SatchelContactMatch *self);
/* (nullable) (transfer none) */
SatchelContact         *satchel_contact_match_get_contact   (SatchelContactMatch *self);
/* (nullable) (transfer none) */
SatchelContactGroup    *satchel_contact_match_get_group     (SatchelContactMatch *self);
/* What to put in a To: field: "Name <address>", or for a group its
 * members' formatted addresses joined by ", ". (transfer full) */
char                   *satchel_contact_match_to_recipients (SatchelContactMatch *self);

/* Internal to the store. */
SatchelContactMatch    *satchel_contact_match_new           (SatchelContactMatchKind  kind,
                                                             const char              *name,
                                                             const char              *address,
                                                             SatchelContact          *contact,
                                                             SatchelContactGroup     *group,
                                                             char                    *recipients);

G_END_DECLS
