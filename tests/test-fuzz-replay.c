/* test-fuzz-replay.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Runs one fuzz target's LLVMFuzzerTestOneInput, without libFuzzer, on
 * every file of its seed corpus (tests/fuzz/corpus/TARGET) and of the
 * inputs that once crashed it (tests/fuzz/regressions/TARGET), so that a
 * bug the fuzzer found stays fixed. Built once per target, with
 * FUZZ_TARGET naming it. */

#define G_LOG_DOMAIN "test-fuzz-replay"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "fuzz/fuzz.h"

static void
replay_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, length), ==, 0);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/* Adds a test per file of tests/fuzz/@kind/FUZZ_TARGET, in name order;
 * returns how many. */
static guint
add_tests (const char *kind)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "fuzz", kind,
                                                     FUZZ_TARGET, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && !g_str_has_suffix (name, ".md"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("/satchel/fuzz/%s/%s/%s",
                                                    FUZZ_TARGET, kind, file);

      /* The path lives as long as the test. */
      g_test_add_data_func_full (test_path, g_build_filename (dir_path, file, NULL),
                                 replay_file, g_free);
    }
  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  guint n_corpus;

  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  n_corpus = add_tests ("corpus");
  add_tests ("regressions");
  /* A missing corpus would make this test pass by doing nothing. */
  g_assert_cmpuint (n_corpus, >, 0);

  return g_test_run ();
}
