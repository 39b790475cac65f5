/* fuzz-account-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* accounts.ini as a user (or another program) may have left it, loaded
 * by the account store. A form feed splits the input in two files loaded
 * one after the other into the same store, as when the file changes
 * under a running Satchel: the model's items-changed signals must then
 * turn the old list into the new one. */

#define G_LOG_DOMAIN "fuzz-account-store"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "satchel-account-store.h"
#include "satchel-error.h"

#include "fuzz.h"

static char *accounts_path;

/* What a view would show, kept up to date from items-changed only. */
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

static void
write_file (const uint8_t *data,
            size_t         size)
{
  FILE *file = fopen (accounts_path, "wb");

  g_assert (file != NULL);
  g_assert (size == 0 || fwrite (data, 1, size, file) == size);
  g_assert (fclose (file) == 0);
}

static void
check_store (SatchelAccountStore *store,
             GPtrArray           *mirror)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n = g_list_model_get_n_items (model);
  const char *default_name = satchel_account_store_get_default_name (store);
  g_autoptr(SatchelAccount) fallback = NULL;

  g_assert_cmpuint (n, ==, mirror->len);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAccount) account = g_list_model_get_item (model, i);
      g_autoptr(SatchelAccount) looked_up = NULL;
      g_autoptr(GError) error = NULL;
      const char *address;

      g_assert (account == g_ptr_array_index (mirror, i));
      g_assert (satchel_account_get_name (account) != NULL);
      g_assert (satchel_account_get_id (account) != NULL);
      (void) satchel_account_get_host (account);
      (void) satchel_account_get_username (account);
      (void) satchel_account_get_port (account);
      (void) satchel_account_validate (account, &error);

      looked_up = satchel_account_store_lookup (store, satchel_account_get_name (account));
      g_assert (looked_up != NULL);

      address = satchel_account_get_address (account);
      if (address != NULL)
        {
          g_autoptr(SatchelAccount) by_address = NULL;

          by_address = satchel_account_store_lookup_by_address (store, address);
          g_assert (by_address != NULL);
        }
    }

  if (n > 0)
    {
      g_autoptr(GError) error = NULL;

      g_assert (default_name != NULL);
      fallback = satchel_account_store_get_default (store, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (satchel_account_get_name (fallback), ==, default_name);
    }
  else
    g_assert (default_name == NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SatchelAccountStore) store = NULL;
  g_autoptr(GPtrArray) mirror = g_ptr_array_new_with_free_func (g_object_unref);
  const uint8_t *split;
  size_t first_size;

  fuzz_init ();
  if (accounts_path == NULL)
    {
      g_autoptr(GError) error = NULL;
      char *dir = g_dir_make_tmp ("satchel-fuzz-XXXXXX", &error);

      g_assert_no_error (error);
      accounts_path = g_build_filename (dir, "accounts.ini", NULL);
      g_free (dir);
    }

  store = satchel_account_store_new (accounts_path);
  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), mirror);

  split = memchr (data, '\f', size);
  first_size = split != NULL ? (size_t) (split - data) : size;

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;

      if (round == 0)
        write_file (data, first_size);
      else if (split != NULL)
        write_file (split + 1, size - first_size - 1);
      else
        break;

      if (satchel_account_store_load (store, &error))
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_FILE);
          g_assert (g_utf8_validate (error->message, -1, NULL));
        }
      check_store (store, mirror);
    }

  g_signal_handlers_disconnect_by_func (store, on_items_changed, mirror);
  return 0;
}
