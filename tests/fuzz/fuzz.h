/* fuzz.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include <stddef.h>
#include <string.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The libFuzzer entry point each fuzz-*.c defines. The same file is
 * linked into a libFuzzer binary (tests/fuzz/meson.build) and into a
 * plain test that replays the committed inputs (tests/test-fuzz-replay.c). */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* Warnings and criticals abort, as under G_DEBUG=fatal-warnings: a
 * g_return_if_fail() reached from an input is a bug the fuzzer reports. */
static inline void
fuzz_init (void)
{
  static gboolean done = FALSE;

  if (done)
    return;
  done = TRUE;
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
}

/* @data as a NUL-terminated string (it may hold other NULs). */
static inline char *
fuzz_dup_string (const uint8_t *data,
                 size_t         size)
{
  char *text = g_malloc (size + 1);

  if (size > 0)
    memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

G_END_DECLS
