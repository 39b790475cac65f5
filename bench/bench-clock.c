/* bench-clock.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-clock"

#include "config.h"

#include "bench-clock.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
  BenchFrameFunc func;
  gpointer       user_data;
  BenchFrame     frame;
  gulong         map_id;
  gulong         paint_id;
  GdkFrameClock *clock;
} FrameWatch;

static gint64
timespec_us (clockid_t id)
{
  struct timespec ts;

  clock_gettime (id, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* The kernel's start time of this process, converted from
 * CLOCK_BOOTTIME ticks to CLOCK_MONOTONIC µs; -1 when unreadable. */
static gint64
read_start_time (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_comm;
  guint64 ticks;
  long hz = sysconf (_SC_CLK_TCK);
  gint64 boot_minus_mono;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) || hz <= 0)
    return -1;
  /* The command name may hold spaces and parentheses: count the
   * fields after its closing one. "state" is field 3, starttime 22. */
  after_comm = strrchr (stat, ')');
  if (after_comm == NULL)
    return -1;
  fields = g_strsplit (after_comm + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return -1;
  ticks = g_ascii_strtoull (fields[19], NULL, 10);

  boot_minus_mono = timespec_us (CLOCK_BOOTTIME) - timespec_us (CLOCK_MONOTONIC);
  return (gint64) (ticks * G_USEC_PER_SEC / (guint64) hz) - boot_minus_mono;
}

void
bench_launch_init (BenchLaunch *launch)
{
  const char *launched = g_getenv ("BENCH_LAUNCH_NS");

  launch->main_us = g_get_monotonic_time ();
  launch->start_us = read_start_time ();
  launch->launch_us = -1;
  if (launched != NULL && *launched != '\0')
    launch->launch_us = g_ascii_strtoll (launched, NULL, 10) / 1000;
}

gint64
bench_launch_origin (const BenchLaunch *launch)
{
  return launch->launch_us >= 0 ? launch->launch_us : launch->start_us;
}

double
bench_launch_ms (const BenchLaunch *launch,
                 gint64             time_us)
{
  return (time_us - bench_launch_origin (launch)) / 1000.0;
}

static void
on_after_paint (GdkFrameClock *clock,
                GtkWindow     *window)
{
  FrameWatch *watch = g_object_get_data (G_OBJECT (window), "bench-frame-watch");
  gint64 now = g_get_monotonic_time ();
  gint64 cpu;
  int fd;

  /* A frame of a window not yet on screen does not count. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    return;
  watch->frame.painted_us = now;
  watch->frame.cpu_us = bench_process_cpu_us ();
  fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  bench_read_schedstat (fd, &cpu, &watch->frame.runq_us);
  if (fd >= 0)
    close (fd);
  watch->frame.rss_kib = bench_peak_rss_kib ();
  g_clear_signal_handler (&watch->paint_id, watch->clock);
  g_clear_signal_handler (&watch->map_id, window);
  watch->func (window, &watch->frame, watch->user_data);
  g_object_set_data (G_OBJECT (window), "bench-frame-watch", NULL);
}

static void
on_map (GtkWindow *window)
{
  FrameWatch *watch = g_object_get_data (G_OBJECT (window), "bench-frame-watch");

  if (watch->clock != NULL)
    return;
  watch->frame.mapped_us = g_get_monotonic_time ();
  watch->clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  watch->paint_id = g_signal_connect (watch->clock, "after-paint",
                                      G_CALLBACK (on_after_paint), window);
}

void
bench_watch_first_frame (GtkWindow      *window,
                         BenchFrameFunc  func,
                         gpointer        user_data)
{
  FrameWatch *watch = g_new0 (FrameWatch, 1);

  watch->func = func;
  watch->user_data = user_data;
  g_object_set_data_full (G_OBJECT (window), "bench-frame-watch", watch, g_free);
  watch->map_id = g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
}

void
bench_print_frame (const BenchLaunch *launch,
                   gint64             startup_us,
                   gint64             window_us,
                   const BenchFrame  *frame)
{
  gint64 times[] = { launch->main_us, startup_us, window_us, frame->mapped_us, frame->painted_us };
  const char *names[] = { "main", "startup", "window", "map", "first_frame" };

  printf ("frame origin=%s", launch->launch_us >= 0 ? "launcher" : "kernel");
  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    printf (" %s_ms=%.2f", names[i], times[i] != 0 ? bench_launch_ms (launch, times[i]) : 0.0);
  /* The same from the kernel's clock, to check the launcher's. */
  printf (" kernel_first_frame_ms=%.2f cpu_ms=%.2f runq_ms=%.2f rss_kib=%" G_GUINT64_FORMAT "\n",
          frame->painted_us != 0 ? (frame->painted_us - launch->start_us) / 1000.0 : 0.0,
          frame->cpu_us / 1000.0, frame->runq_us / 1000.0, frame->rss_kib);
  fflush (stdout);
}

void
bench_read_schedstat (int     fd,
                      gint64 *cpu_us,
                      gint64 *runq_us)
{
  char buf[96];
  ssize_t n = fd >= 0 ? pread (fd, buf, sizeof buf - 1, 0) : -1;
  char *end;

  *cpu_us = *runq_us = 0;
  if (n <= 0)
    return;
  buf[n] = '\0';
  *cpu_us = g_ascii_strtoull (buf, &end, 10) / 1000;
  *runq_us = g_ascii_strtoull (end, NULL, 10) / 1000;
}

gint64
bench_process_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

gboolean
bench_quit_idle (gpointer application)
{
  g_application_quit (G_APPLICATION (application));
  return G_SOURCE_REMOVE;
}

guint64
bench_peak_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmHWM:");
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmHWM:"), NULL, 10);
}
