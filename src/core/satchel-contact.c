/* satchel-contact.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-contact"

#include "config.h"

#include "satchel-contact.h"
#include "satchel-address.h"

#include <gio/gio.h>
#include <string.h>

struct _SatchelContact
{
  GObject    parent_instance;

  char      *id;
  char      *name;
  char      *nickname;
  char      *notes;
  GPtrArray *addresses;  /* NULL-terminated char* */
  GPtrArray *types;      /* parallel, char* or NULL */
  GPtrArray *categories; /* NULL-terminated char* */
};

G_DEFINE_FINAL_TYPE (SatchelContact, satchel_contact, G_TYPE_OBJECT)

struct _SatchelContactGroup
{
  GObject    parent_instance;

  char      *name;
  GPtrArray *members;    /* NULL-terminated char* */
};

G_DEFINE_FINAL_TYPE (SatchelContactGroup, satchel_contact_group, G_TYPE_OBJECT)

struct _SatchelContactMatch
{
  GObject                  parent_instance;

  SatchelContactMatchKind  kind;
  char                    *name;
  char                    *address;
  SatchelContact          *contact;
  SatchelContactGroup     *group;
  char                    *recipients;
};

G_DEFINE_FINAL_TYPE (SatchelContactMatch, satchel_contact_match, G_TYPE_OBJECT)

/* Helpers ----------------------------------------------------------------- */

/* An address, or a name in a recipient line, can never hold one. */
static gboolean
has_line_break (const char *text)
{
  return strpbrk (text, "\r\n") != NULL;
}

static GPtrArray *
new_string_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (list, NULL);
  return list;
}

static void
string_list_append (GPtrArray  *list,
                    const char *value)
{
  g_ptr_array_insert (list, list->len - 1, g_strdup (value));
}

static int
string_list_find (GPtrArray  *list,
                  const char *value)
{
  for (guint i = 0; i + 1 < list->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (list, i), value) == 0)
      return i;
  return -1;
}

static gboolean
string_lists_equal (GPtrArray *a,
                    GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;
  return TRUE;
}

static void
replace_string (char       **field,
                const char  *value)
{
  if (value == *field)
    return;
  g_free (*field);
  *field = g_strdup (value != NULL ? value : "");
}

/* SatchelContact ------------------------------------------------------------ */

static void
satchel_contact_finalize (GObject *object)
{
  SatchelContact *self = SATCHEL_CONTACT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->nickname);
  g_free (self->notes);
  g_ptr_array_unref (self->addresses);
  g_ptr_array_unref (self->types);
  g_ptr_array_unref (self->categories);

  G_OBJECT_CLASS (satchel_contact_parent_class)->finalize (object);
}

static void
satchel_contact_class_init (SatchelContactClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = satchel_contact_finalize;
}

static void
satchel_contact_init (SatchelContact *self)
{
  self->name = g_strdup ("");
  self->nickname = g_strdup ("");
  self->notes = g_strdup ("");
  self->addresses = new_string_list ();
  self->types = g_ptr_array_new_with_free_func (g_free);
  self->categories = new_string_list ();
}

SatchelContact *
satchel_contact_new (void)
{
  SatchelContact *self = g_object_new (SATCHEL_TYPE_CONTACT, NULL);

  self->id = g_uuid_string_random ();
  return self;
}

SatchelContact *
satchel_contact_copy (SatchelContact *self)
{
  SatchelContact *copy;

  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);

  copy = g_object_new (SATCHEL_TYPE_CONTACT, NULL);
  copy->id = g_strdup (self->id);
  replace_string (&copy->name, self->name);
  replace_string (&copy->nickname, self->nickname);
  replace_string (&copy->notes, self->notes);
  for (guint i = 0; i + 1 < self->addresses->len; i++)
    satchel_contact_add_address (copy, g_ptr_array_index (self->addresses, i),
                                 g_ptr_array_index (self->types, i));
  for (guint i = 0; i + 1 < self->categories->len; i++)
    string_list_append (copy->categories, g_ptr_array_index (self->categories, i));
  return copy;
}

gboolean
satchel_contact_equal (SatchelContact *a,
                       SatchelContact *b)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (a), FALSE);
  g_return_val_if_fail (SATCHEL_IS_CONTACT (b), FALSE);

  return g_strcmp0 (a->id, b->id) == 0 &&
         g_str_equal (a->name, b->name) &&
         g_str_equal (a->nickname, b->nickname) &&
         g_str_equal (a->notes, b->notes) &&
         string_lists_equal (a->addresses, b->addresses) &&
         string_lists_equal (a->types, b->types);
}

const char *
satchel_contact_get_id (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return self->id;
}

void
satchel_contact_set_id (SatchelContact *self,
                        const char     *id)
{
  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  g_return_if_fail (id != NULL);
  replace_string (&self->id, id);
}

const char *
satchel_contact_get_name (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return self->name;
}

void
satchel_contact_set_name (SatchelContact *self,
                          const char     *name)
{
  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  replace_string (&self->name, name);
  g_strstrip (self->name);
}

const char *
satchel_contact_get_nickname (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return self->nickname;
}

void
satchel_contact_set_nickname (SatchelContact *self,
                              const char     *nickname)
{
  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  replace_string (&self->nickname, nickname);
  g_strstrip (self->nickname);
}

const char *
satchel_contact_get_notes (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return self->notes;
}

void
satchel_contact_set_notes (SatchelContact *self,
                           const char     *notes)
{
  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  replace_string (&self->notes, notes);
}

const char * const *
satchel_contact_get_addresses (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return (const char * const *) self->addresses->pdata;
}

guint
satchel_contact_get_n_addresses (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), 0);
  return self->addresses->len - 1;
}

const char *
satchel_contact_get_address_type (SatchelContact *self,
                                  guint           index)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  g_return_val_if_fail (index < self->types->len, NULL);
  return g_ptr_array_index (self->types, index);
}

gboolean
satchel_contact_add_address (SatchelContact *self,
                             const char     *address,
                             const char     *type)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (address));
  if (*trimmed == '\0' || has_line_break (trimmed) ||
      string_list_find (self->addresses, trimmed) >= 0)
    return FALSE;

  string_list_append (self->addresses, trimmed);
  g_ptr_array_add (self->types, type != NULL && *type != '\0' ? g_ascii_strdown (type, -1) : NULL);
  return TRUE;
}

gboolean
satchel_contact_remove_address (SatchelContact *self,
                                const char     *address)
{
  int index;

  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  index = string_list_find (self->addresses, address);
  if (index < 0)
    return FALSE;
  g_ptr_array_remove_index (self->addresses, index);
  g_ptr_array_remove_index (self->types, index);
  return TRUE;
}

void
satchel_contact_clear_addresses (SatchelContact *self)
{
  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  g_ptr_array_set_size (self->addresses, 0);
  g_ptr_array_add (self->addresses, NULL);
  g_ptr_array_set_size (self->types, 0);
}

gboolean
satchel_contact_has_address (SatchelContact *self,
                             const char     *address)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  return string_list_find (self->addresses, address) >= 0;
}

const char * const *
satchel_contact_get_categories (SatchelContact *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  return (const char * const *) self->categories->pdata;
}

void
satchel_contact_add_category (SatchelContact *self,
                              const char     *category)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (SATCHEL_IS_CONTACT (self));
  g_return_if_fail (category != NULL);

  trimmed = g_strstrip (g_strdup (category));
  if (*trimmed != '\0' && string_list_find (self->categories, trimmed) < 0)
    string_list_append (self->categories, trimmed);
}

char *
satchel_format_recipient (const char *name,
                          const char *address)
{
  g_autoptr(SatchelAddress) parsed = NULL;
  g_autofree char *flat_name = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (name == NULL || *name == '\0')
    return g_strdup (address);

  /* A name from contacts.ini or a vCard may hold an escaped line break:
   * it must not break the recipient line (or a header) in two. */
  if (has_line_break (name))
    {
      flat_name = g_strdup (name);
      g_strdelimit (flat_name, "\r\n", ' ');
      name = flat_name;
    }

  /* The address parser knows when a name needs quotes. */
  parsed = satchel_address_parse (address, NULL);
  if (parsed != NULL)
    {
      g_free (parsed->name);
      parsed->name = g_strdup (name);
      return satchel_address_to_display (parsed);
    }

  return g_strdup_printf ("%s <%s>", name, address);
}

char *
satchel_contact_format_address (SatchelContact *self,
                                guint           index)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT (self), NULL);
  g_return_val_if_fail (index + 1 < self->addresses->len, NULL);

  return satchel_format_recipient (self->name, g_ptr_array_index (self->addresses, index));
}

/* SatchelContactGroup ---------------------------------------------------- */

static void
satchel_contact_group_finalize (GObject *object)
{
  SatchelContactGroup *self = SATCHEL_CONTACT_GROUP (object);

  g_free (self->name);
  g_ptr_array_unref (self->members);

  G_OBJECT_CLASS (satchel_contact_group_parent_class)->finalize (object);
}

static void
satchel_contact_group_class_init (SatchelContactGroupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = satchel_contact_group_finalize;
}

static void
satchel_contact_group_init (SatchelContactGroup *self)
{
  self->members = new_string_list ();
}

SatchelContactGroup *
satchel_contact_group_new (const char *name)
{
  SatchelContactGroup *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (SATCHEL_TYPE_CONTACT_GROUP, NULL);
  self->name = g_strstrip (g_strdup (name));
  return self;
}

SatchelContactGroup *
satchel_contact_group_copy (SatchelContactGroup *self)
{
  SatchelContactGroup *copy;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), NULL);

  copy = satchel_contact_group_new (self->name);
  for (guint i = 0; i + 1 < self->members->len; i++)
    string_list_append (copy->members, g_ptr_array_index (self->members, i));
  return copy;
}

const char *
satchel_contact_group_get_name (SatchelContactGroup *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), NULL);
  return self->name;
}

const char * const *
satchel_contact_group_get_members (SatchelContactGroup *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), NULL);
  return (const char * const *) self->members->pdata;
}

guint
satchel_contact_group_get_n_members (SatchelContactGroup *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), 0);
  return self->members->len - 1;
}

gboolean
satchel_contact_group_add_member (SatchelContactGroup *self,
                                  const char          *address)
{
  g_autofree char *trimmed = NULL;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (address));
  if (*trimmed == '\0' || has_line_break (trimmed) ||
      string_list_find (self->members, trimmed) >= 0)
    return FALSE;
  string_list_append (self->members, trimmed);
  return TRUE;
}

gboolean
satchel_contact_group_remove_member (SatchelContactGroup *self,
                                     const char          *address)
{
  int index;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  index = string_list_find (self->members, address);
  if (index < 0)
    return FALSE;
  g_ptr_array_remove_index (self->members, index);
  return TRUE;
}

gboolean
satchel_contact_group_has_member (SatchelContactGroup *self,
                                  const char          *address)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  return string_list_find (self->members, address) >= 0;
}

/* SatchelContactMatch ------------------------------------------------------ */

static void
satchel_contact_match_finalize (GObject *object)
{
  SatchelContactMatch *self = SATCHEL_CONTACT_MATCH (object);

  g_free (self->name);
  g_free (self->address);
  g_free (self->recipients);
  g_clear_object (&self->contact);
  g_clear_object (&self->group);

  G_OBJECT_CLASS (satchel_contact_match_parent_class)->finalize (object);
}

static void
satchel_contact_match_class_init (SatchelContactMatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = satchel_contact_match_finalize;
}

static void
satchel_contact_match_init (SatchelContactMatch *self)
{
}

SatchelContactMatch *
satchel_contact_match_new (SatchelContactMatchKind  kind,
                           const char              *name,
                           const char              *address,
                           SatchelContact          *contact,
                           SatchelContactGroup     *group,
                           char                    *recipients)
{
  SatchelContactMatch *self = g_object_new (SATCHEL_TYPE_CONTACT_MATCH, NULL);

  self->kind = kind;
  self->name = g_strdup (name != NULL ? name : "");
  self->address = g_strdup (address);
  self->contact = contact != NULL ? g_object_ref (contact) : NULL;
  self->group = group != NULL ? g_object_ref (group) : NULL;
  self->recipients = recipients;
  return self;
}

SatchelContactMatchKind
satchel_contact_match_get_kind (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), 0);
  return self->kind;
}

const char *
satchel_contact_match_get_name (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), NULL);
  return self->name;
}

const char *
satchel_contact_match_get_address (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), NULL);
  return self->address;
}

SatchelContact *
satchel_contact_match_get_contact (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), NULL);
  return self->contact;
}

SatchelContactGroup *
satchel_contact_match_get_group (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), NULL);
  return self->group;
}

char *
satchel_contact_match_to_recipients (SatchelContactMatch *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_MATCH (self), NULL);

  if (self->recipients != NULL)
    return g_strdup (self->recipients);
  if (self->address == NULL)
    return g_strdup ("");
  return satchel_format_recipient (self->name, self->address);
}
