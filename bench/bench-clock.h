/* bench-clock.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the GUI benchmarks (compose-bench, hello-window) share: when the
 * process was launched, when a window showed its first frame, and how
 * much memory the process took. Every time is g_get_monotonic_time()
 * (CLOCK_MONOTONIC, µs). Main thread only. */

typedef struct
{
  /* When the launcher started the process: BENCH_LAUNCH_NS (its
   * CLOCK_MONOTONIC in ns, read just before fork) when set, else -1. */
  gint64 launch_us;
  /* The kernel's start time of the process (/proc/self/stat field 22,
   * clock ticks of 10 ms since boot): exec and dynamic linking count,
   * but it is up to 10 ms early. */
  gint64 start_us;
  /* When bench_launch_init() ran, first thing in main(). */
  gint64 main_us;
} BenchLaunch;

void     bench_launch_init       (BenchLaunch       *launch);
/* The origin of the reported times: the launcher's clock when it gave
 * one, else the kernel's start time. */
gint64   bench_launch_origin     (const BenchLaunch *launch);
/* Milliseconds from the origin to @time_us. */
double   bench_launch_ms         (const BenchLaunch *launch,
                                  gint64             time_us);

/* A window's first frame. */
typedef struct
{
  gint64  mapped_us;   /* its "map" */
  gint64  painted_us;  /* its first "after-paint" once mapped */
  /* At that moment: the CPU time of the whole process, the time its
   * main thread had waited for a CPU since the fork (the kernel's run
   * queue: another program's turn on a busy machine), and the peak
   * resident set size. */
  gint64  cpu_us;
  gint64  runq_us;
  guint64 rss_kib;
} BenchFrame;

typedef void (*BenchFrameFunc) (GtkWindow        *window,
                                const BenchFrame *frame,
                                gpointer          user_data);

/* Calls @func once, on the first GdkFrameClock "after-paint" of
 * @window after it was mapped: its first frame, drawn and handed to
 * the X server. */
void     bench_watch_first_frame (GtkWindow         *window,
                                  BenchFrameFunc     func,
                                  gpointer           user_data);

/* Prints the line "frame KEY=VALUE ..." that bench/run reads: each
 * time in ms from the origin (0 for an unknown one), and @frame's
 * figures. */
void     bench_print_frame       (const BenchLaunch *launch,
                                  gint64             startup_us,
                                  gint64             window_us,
                                  const BenchFrame  *frame);

/* The calling thread's CPU time and its time waiting for a CPU, in µs,
 * from @fd, an open /proc/thread-self/schedstat of that thread. */
void     bench_read_schedstat    (int                fd,
                                  gint64            *cpu_us,
                                  gint64            *runq_us);
/* The user + system time of every thread of the process, in µs. */
gint64   bench_process_cpu_us    (void);

/* A GSourceFunc that quits @application (a GApplication). */
gboolean bench_quit_idle         (gpointer           application);

/* The peak resident set size of this process so far, in KiB (VmHWM
 * from /proc/self/status; 0 when unknown). */
guint64  bench_peak_rss_kib      (void);

G_END_DECLS
