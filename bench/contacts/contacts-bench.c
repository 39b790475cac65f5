/* contacts-bench.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How long the address book takes to load 100,000 contacts, and how long
 * one autocomplete query takes per keystroke while names and addresses
 * are typed. See README.md beside this file.
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "satchel-contact-store.h"

static const char *first_names[] = {
  "Anna", "Ben", "Chloé", "David", "Élodie", "Felix", "Greta", "Hugo", "Ines", "Jonas",
  "Karin", "Lukas", "María", "Niklas", "Olivia", "Paul", "Quentin", "Rosa", "Søren", "Tomás",
  "Ursula", "Victor", "Wiebke", "Xavier", "Yasmin", "Zoë", "Aarav", "Björn", "Camille", "Dmitri",
};
static const char *last_names[] = {
  "Müller", "Schmidt", "García", "Martin", "Rossi", "Novák", "Kowalski", "Johansson", "Dubois",
  "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Walker",
  "Hernández", "López", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
};
static const char *han_family[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周" };
static const char *han_given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
                                   "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平" };

/* CPU time of this process in ms: on a shared, busy machine wall time
 * mostly measures the neighbours. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index = (guint) (p * (sorted->len - 1) + 0.5);

  return g_array_index (sorted, double, index);
}

/* A contacts.ini as the store writes it, quickly: the store's own add
 * would take a locked write per contact. */
static void
write_book (const char *path,
            guint       count,
            GPtrArray  *names,
            GPtrArray  *addresses)
{
  GString *out = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < count; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *address = NULL;

      if (i % 5 == 0)
        {
          name = g_strconcat (han_family[g_rand_int_range (rand, 0, G_N_ELEMENTS (han_family))],
                              han_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (han_given))],
                              han_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (han_given))],
                              NULL);
          address = g_strdup_printf ("user%u@mail%u.example.cn", i, i % 97);
        }
      else
        {
          const char *first = first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))];
          const char *last = last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
          g_autofree char *folded = NULL;

          name = g_strdup_printf ("%s %s", first, last);
          folded = satchel_contacts_fold (name);
          g_strdelimit (folded, " ", '.');
          address = g_strdup_printf ("%s%u@example%u.com", folded, i, i % 53);
        }

      g_string_append_printf (out, "[Contact %08x-bench-%u]\nname=%s\nemails=%s;\n", i, i, name, address);
      if (i % 10 == 0)
        g_string_append (out, "nickname=Buddy\n");
      g_string_append_c (out, '\n');
      g_ptr_array_add (names, g_steal_pointer (&name));
      g_ptr_array_add (addresses, g_steal_pointer (&address));
    }

  if (!g_file_set_contents (path, out->str, out->len, &error))
    g_error ("%s", error->message);
  g_string_free (out, TRUE);
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  guint count = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint words = argc > 2 ? (guint) atoi (argv[2]) : 300;
  g_autofree char *dir = g_dir_make_tmp ("satchel-contacts-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "contacts.ini", NULL);
  g_autofree char *usage = g_build_filename (dir, "recipients.tsv", NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) loads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) queries = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) load_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) query_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  double cpu;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(SatchelContactStore) store = NULL;
  g_autoptr(GError) error = NULL;
  double first_query;
  gint64 start;
  gsize file_size;
  GStatBuf st;
  guint hits = 0;

  write_book (path, count, names, addresses);
  g_stat (path, &st);
  file_size = st.st_size;

  /* Load: a new store reading the whole file, five times. */
  for (guint run = 0; run < 5; run++)
    {
      g_clear_object (&store);
      cpu = cpu_ms ();
      start = g_get_monotonic_time ();
      store = satchel_contact_store_new_full (path, usage);
      if (!satchel_contact_store_load (store, &error))
        g_error ("%s", error->message);
      g_array_append_val (loads, (double) { (g_get_monotonic_time () - start) / 1000.0 });
      g_array_append_val (load_cpu, (double) { cpu_ms () - cpu });
    }
  g_assert (g_list_model_get_n_items (G_LIST_MODEL (store)) == count);

  /* The first query builds the search index. */
  start = g_get_monotonic_time ();
  g_ptr_array_unref (satchel_contact_store_search (store, "a", 8));
  first_query = (g_get_monotonic_time () - start) / 1000.0;

  /* Typing: each prefix of a name or an address, one query per
   * keystroke, limited to the 8 suggestions the popover shows. */
  for (guint w = 0; w < words; w++)
    {
      guint i = g_rand_int_range (rand, 0, count);
      const char *target = (w % 3 == 2) ? addresses->pdata[i] : names->pdata[i];
      guint n_chars = MIN (g_utf8_strlen (target, -1), 12);

      for (guint c = 1; c <= n_chars; c++)
        {
          const char *end = g_utf8_offset_to_pointer (target, c);
          g_autofree char *prefix = g_strndup (target, end - target);
          g_autoptr(GPtrArray) matches = NULL;
          double ms;

          cpu = cpu_ms ();
          start = g_get_monotonic_time ();
          matches = satchel_contact_store_search (store, prefix, 8);
          ms = (g_get_monotonic_time () - start) / 1000.0;
          g_array_append_val (queries, ms);
          g_array_append_val (query_cpu, (double) { cpu_ms () - cpu });
          hits += matches->len > 0;
        }
    }

  g_array_sort (loads, compare_doubles);
  g_array_sort (queries, compare_doubles);
  g_array_sort (load_cpu, compare_doubles);
  g_array_sort (query_cpu, compare_doubles);

  g_print ("contacts\t%u\n", count);
  g_print ("file\t%.1f MB\n", file_size / 1e6);
  g_print ("load, median of 5\t%.1f ms wall\t%.1f ms CPU\t(wall min %.1f, max %.1f)\n",
           percentile (loads, 0.5), percentile (load_cpu, 0.5),
           percentile (loads, 0.0), percentile (loads, 1.0));
  g_print ("first query (builds the index)\t%.1f ms wall\n", first_query);
  g_print ("queries\t%u\t(%u with results)\n", queries->len, hits);
  g_print ("query median\t%.3f ms wall\t%.3f ms CPU\n", percentile (queries, 0.5), percentile (query_cpu, 0.5));
  g_print ("query p90\t%.3f ms wall\t%.3f ms CPU\n", percentile (queries, 0.9), percentile (query_cpu, 0.9));
  g_print ("query p99\t%.3f ms wall\t%.3f ms CPU\n", percentile (queries, 0.99), percentile (query_cpu, 0.99));
  g_print ("query max\t%.3f ms wall\t%.3f ms CPU\n", percentile (queries, 1.0), percentile (query_cpu, 1.0));
  g_print ("load average\t");
  {
    g_autofree char *loadavg = NULL;

    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      g_print ("%s", loadavg);
  }

  g_remove (path);
  g_remove (usage);
  g_rmdir (dir);
  return 0;
}
