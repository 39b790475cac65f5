/* fuzz-contact-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* contacts.ini and the recipients' usage file as they may be found on
 * disk (a form feed separates the two), loaded by the address book, which
 * then serves the lookups, group expansions and searches of the composer's
 * autocomplete. A damaged file is moved aside and salvaged: that path
 * runs too. */

#define G_LOG_DOMAIN "fuzz-contact-store"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "satchel-contact-store.h"

#include "fuzz.h"

static char *dir_path;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GPtrArray  *mirror)
{
  g_assert (position + removed <= mirror->len);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror, position + i, g_list_model_get_item (model, position + i));
}

/* Empties the directory: a salvage leaves contacts.ini.corrupt-* files. */
static void
clear_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert (dir != NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      g_assert (g_unlink (path) == 0);
    }
}

static void
write_file (const char    *name,
            const uint8_t *data,
            size_t         size)
{
  g_autofree char *path = g_build_filename (dir_path, name, NULL);
  FILE *file = fopen (path, "wb");

  g_assert (file != NULL);
  g_assert (size == 0 || fwrite (data, 1, size, file) == size);
  g_assert (fclose (file) == 0);
}

static void
check_search (SatchelContactStore *store,
              const char          *query)
{
  g_autoptr(GPtrArray) matches = satchel_contact_store_search (store, query, 20);

  g_assert (matches != NULL);
  g_assert_cmpuint (matches->len, <=, 20);
  for (guint i = 0; i < matches->len; i++)
    {
      SatchelContactMatch *match = g_ptr_array_index (matches, i);
      g_autofree char *recipients = satchel_contact_match_to_recipients (match);

      g_assert (recipients != NULL);
      g_assert (g_utf8_validate (recipients, -1, NULL));
      g_assert (strpbrk (recipients, "\r\n") == NULL);
    }
}

static void
check_store (SatchelContactStore *store,
             GPtrArray           *mirror)
{
  GListModel *model = G_LIST_MODEL (store);
  GListModel *groups = satchel_contact_store_get_groups (store);
  guint n = g_list_model_get_n_items (model);
  const GError *problem = satchel_contact_store_get_problem (store);

  if (problem != NULL)
    g_assert (g_utf8_validate (problem->message, -1, NULL));

  g_assert_cmpuint (n, ==, mirror->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelContact) contact = g_list_model_get_item (model, i);
      g_autoptr(SatchelContact) looked_up = NULL;
      const char * const *addresses = satchel_contact_get_addresses (contact);

      /* An unchanged contact may be a new object with equal contents. */
      g_assert (satchel_contact_equal (contact, g_ptr_array_index (mirror, i)));
      g_assert (satchel_contact_get_id (contact) != NULL);
      g_assert (g_utf8_validate (satchel_contact_get_name (contact) ?: "", -1, NULL));
      looked_up = satchel_contact_store_lookup (store, satchel_contact_get_id (contact));
      g_assert (looked_up != NULL);

      for (guint j = 0; addresses != NULL && addresses[j] != NULL; j++)
        {
          g_autoptr(SatchelContact) by_address = NULL;

          (void) satchel_contact_get_address_type (contact, j);
          by_address = satchel_contact_store_lookup_by_address (store, addresses[j]);
          g_assert (by_address != NULL);
        }
    }

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(SatchelContactGroup) group = g_list_model_get_item (groups, i);
      g_auto(GStrv) recipients = satchel_contact_store_expand_group (store,
                                                                     satchel_contact_group_get_name (group));

      g_assert (recipients != NULL);
      for (guint j = 0; recipients[j] != NULL; j++)
        g_assert (strpbrk (recipients[j], "\r\n") == NULL);
    }

  check_search (store, "a");
  check_search (store, "zh e");
  check_search (store, "张");
  check_search (store, "É@");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SatchelContactStore) store = NULL;
  g_autoptr(GPtrArray) mirror = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contacts_path = NULL;
  g_autofree char *usage_path = NULL;
  const uint8_t *split;
  size_t first_size;

  fuzz_init ();
  if (dir_path == NULL)
    {
      dir_path = g_dir_make_tmp ("satchel-fuzz-XXXXXX", &error);
      g_assert_no_error (error);
    }
  clear_dir ();

  split = memchr (data, '\f', size);
  first_size = split != NULL ? (size_t) (split - data) : size;
  write_file ("contacts.ini", data, first_size);
  if (split != NULL)
    write_file ("recipients.tsv", split + 1, size - first_size - 1);

  contacts_path = g_build_filename (dir_path, "contacts.ini", NULL);
  usage_path = g_build_filename (dir_path, "recipients.tsv", NULL);
  store = satchel_contact_store_new_full (contacts_path, usage_path);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), mirror);

  if (satchel_contact_store_load (store, &error))
    {
      g_assert_no_error (error);
      check_store (store, mirror);

      /* The salvaged file, read again, is whole. */
      if (satchel_contact_store_get_problem (store) != NULL)
        {
          g_assert (satchel_contact_store_load (store, &error));
          g_assert_no_error (error);
          g_assert (satchel_contact_store_get_problem (store) == NULL);
          check_store (store, mirror);
        }
    }
  else
    g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));

  g_signal_handlers_disconnect_by_func (store, on_items_changed, mirror);
  return 0;
}
