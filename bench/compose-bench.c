/* compose-bench.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Issue 7's compose-window figures, from inside a real Satchel: this is
 * src/gui/main.c (the same SatchelApplication, the same command line),
 * plus clocks.
 *
 *     compose-bench frame [SATCHEL OPTIONS...]      e.g. --compose
 *     compose-bench send  [SATCHEL OPTIONS...]      --to --subject --attach
 *
 * frame: the time from the launch of the process to the first frame of
 * the compose window the options open (GdkFrameClock "after-paint",
 * once mapped), and to the steps before it; then quits. Prints one line
 * "frame KEY=VALUE ...".
 *
 * send: the undo delay set to 0 (GSettings; run it with the memory
 * backend), the compose window's send action is activated as Ctrl+Return
 * does once its attachments are read; from then until the scheduler's
 * "send-finished", a 1 ms timeout at the default priority (that of input
 * events) records every gap between its dispatches: how long the main
 * loop could not have handled a key press. Each gap is paired with the
 * time the kernel kept the main thread waiting for a CPU meanwhile
 * (/proc/thread-self/schedstat), to tell a busy loop from a busy machine.
 * Counts the "send-progress" signals the windows received, and times
 * each frame of every window meanwhile (from "before-paint" to
 * "after-paint" of its frame clock: update, layout and paint, all on
 * the main loop). Prints one line "send KEY=VALUE ...", and the longest
 * gaps on stderr.
 *
 * Times start at the launcher's clock (BENCH_LAUNCH_NS, CLOCK_MONOTONIC
 * ns read before fork) when given, else at the kernel's start time of
 * the process. Exit status 0 when the window appeared (and the message
 * was sent), 1 otherwise. Run by bench/run --gui. */

#define G_LOG_DOMAIN "compose-bench"

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-clock.h"
#include "satchel-application.h"
#include "satchel-attachment-list.h"
#include "satchel-compose-window.h"
#include "satchel-paths.h"
#include "satchel-scheduler.h"

/* Generous: a loaded 2-core machine, and 1 GB to queue and send. */
#define WATCHDOG_SECONDS 600
#define BLOCK_LIMIT_US (20 * 1000)
#define N_WORST 5

typedef enum
{
  PHASE_QUEUEING,     /* click to the compose window closing */
  PHASE_HANDING_OVER, /* to the scheduler's "send-started" */
  PHASE_SENDING,      /* to "send-finished" */
} Phase;

static const char * const phase_names[] = { "queueing", "handing-over", "sending" };

typedef struct
{
  gint64  gap_us;
  gint64  runq_us;   /* of which the thread waited for a CPU */
  gint64  at_us;     /* the end of the gap, from the click */
  Phase   phase;
} Gap;

typedef struct
{
  BenchLaunch         launch;
  gboolean            send_mode;
  SatchelApplication *app;
  GtkWindow          *compose;       /* (weak) */
  char               *failure;

  gint64              startup_us;
  gint64              window_us;
  BenchFrame          frame;

  /* send */
  gint64              click_us;
  gint64              queued_us;
  gint64              started_us;
  gint64              finished_us;
  guint64             rss_before_kib;
  int                 schedstat_fd;
  gint64              last_probe_us;
  gint64              last_runq_us;
  gint64              cpu_at_click_us;  /* main thread */
  gint64              process_cpu_at_click_us;
  gint64              main_cpu_us;
  gint64              process_cpu_us;
  guint               probe_id;
  GArray             *gaps;
  GArray             *frames;        /* gint64 µs: each frame's length */
  guint               n_progress;
  gint64              last_progress_us;
  gint64              max_progress_gap_us;
  guint64             sent_bytes;
  guint64             total_bytes;
} Bench;

static void
fail (Bench      *bench,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (Bench      *bench,
      const char *format,
      ...)
{
  va_list args;

  if (bench->failure == NULL)
    {
      va_start (args, format);
      bench->failure = g_strdup_vprintf (format, args);
      va_end (args);
    }
  g_application_quit (G_APPLICATION (bench->app));
}

static double
ms (gint64 us)
{
  return us / 1000.0;
}

/* Send ----------------------------------------------------------------------- */

static Phase
current_phase (Bench *bench)
{
  if (bench->queued_us == 0)
    return PHASE_QUEUEING;
  if (bench->started_us == 0)
    return PHASE_HANDING_OVER;
  return PHASE_SENDING;
}

static gboolean
on_probe (gpointer user_data)
{
  Bench *bench = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu, runq;
  Gap gap;

  bench_read_schedstat (bench->schedstat_fd, &cpu, &runq);
  gap.gap_us = now - bench->last_probe_us;
  gap.runq_us = runq - bench->last_runq_us;
  gap.at_us = now - bench->click_us;
  gap.phase = current_phase (bench);
  g_array_append_val (bench->gaps, gap);
  bench->last_probe_us = now;
  bench->last_runq_us = runq;

  return G_SOURCE_CONTINUE;
}

static void
stop_probe (Bench *bench)
{
  gint64 cpu, runq;

  if (bench->probe_id == 0)
    return;
  /* The last gap, up to "send-finished". */
  on_probe (bench);
  g_clear_handle_id (&bench->probe_id, g_source_remove);
  bench_read_schedstat (bench->schedstat_fd, &cpu, &runq);
  bench->main_cpu_us = cpu - bench->cpu_at_click_us;
  bench->process_cpu_us = bench_process_cpu_us () - bench->process_cpu_at_click_us;
}

static gboolean
on_check_dialog (gpointer user_data)
{
  Bench *bench = user_data;
  AdwMessageDialog *dialog;

  /* A question would wait for ever: say which one. */
  if (bench->compose != NULL && bench->queued_us == 0)
    {
      dialog = satchel_compose_window_get_pending_dialog (SATCHEL_COMPOSE_WINDOW (bench->compose));
      if (dialog != NULL)
        fail (bench, "the compose window asks \"%s\"", adw_message_dialog_get_heading (dialog));
      else
        return G_SOURCE_CONTINUE;
    }
  return G_SOURCE_REMOVE;
}

static void
click_send (Bench *bench)
{
  gint64 cpu;

  bench->rss_before_kib = bench_peak_rss_kib ();
  bench->schedstat_fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  bench->gaps = g_array_sized_new (FALSE, FALSE, sizeof (Gap), 16384);
  bench->frames = g_array_new (FALSE, FALSE, sizeof (gint64));
  bench_read_schedstat (bench->schedstat_fd, &cpu, &bench->last_runq_us);
  bench->cpu_at_click_us = cpu;
  bench->process_cpu_at_click_us = bench_process_cpu_us ();
  bench->click_us = bench->last_probe_us = g_get_monotonic_time ();
  bench->probe_id = g_timeout_add (1, on_probe, bench);
  g_timeout_add_seconds (2, on_check_dialog, bench);

  /* What Ctrl+Return and the Send button do. */
  gtk_widget_activate_action (GTK_WIDGET (bench->compose), "compose.send", NULL);
}

static gboolean
on_wait_attachments (gpointer user_data)
{
  Bench *bench = user_data;
  SatchelAttachmentList *list;

  if (bench->compose == NULL)
    {
      fail (bench, "the compose window closed before sending");
      return G_SOURCE_REMOVE;
    }
  list = satchel_compose_window_get_attachment_list (SATCHEL_COMPOSE_WINDOW (bench->compose));
  if (satchel_attachment_list_get_loading (list))
    return G_SOURCE_CONTINUE;
  if (g_list_model_get_n_items (satchel_attachment_list_get_model (list)) == 0)
    {
      fail (bench, "nothing is attached: pass --attach FILE");
      return G_SOURCE_REMOVE;
    }
  click_send (bench);
  return G_SOURCE_REMOVE;
}

static void
on_send_started (SatchelScheduler *scheduler,
                 const char       *id,
                 Bench            *bench)
{
  if (bench->click_us == 0 || bench->started_us != 0)
    return;
  bench->started_us = bench->last_progress_us = g_get_monotonic_time ();
}

static void
on_send_progress (SatchelScheduler *scheduler,
                  const char       *id,
                  guint64           sent,
                  guint64           total,
                  Bench            *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->started_us == 0 || bench->finished_us != 0)
    return;
  bench->n_progress++;
  bench->max_progress_gap_us = MAX (bench->max_progress_gap_us, now - bench->last_progress_us);
  bench->last_progress_us = now;
  bench->sent_bytes = sent;
  bench->total_bytes = total;
}

static void
on_send_finished (SatchelScheduler *scheduler,
                  const char       *id,
                  const GError     *error,
                  Bench            *bench)
{
  gint64 now = g_get_monotonic_time ();

  if (bench->started_us == 0 || bench->finished_us != 0)
    return;
  bench->finished_us = now;
  stop_probe (bench);
  bench->max_progress_gap_us = MAX (bench->max_progress_gap_us, now - bench->last_progress_us);
  if (error != NULL)
    {
      fail (bench, "the send failed: %s", error->message);
      return;
    }
  g_idle_add (bench_quit_idle, bench->app);
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  const Gap *x = a;
  const Gap *y = b;

  return (x->gap_us < y->gap_us) - (x->gap_us > y->gap_us);
}

static int
compare_us (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x < y) - (x > y);
}

/* The gap that @fraction of the gaps are shorter than (sorted longest
 * first). */
static gint64
percentile (GArray *sorted,
            double  fraction)
{
  guint rank = (guint) ((1.0 - fraction) * sorted->len);

  return g_array_index (sorted, Gap, MIN (rank, sorted->len - 1)).gap_us;
}

static void
print_send (Bench *bench)
{
  g_autoptr(GArray) sorted = NULL;
  gint64 max_own = 0;
  guint over = 0;
  gint64 over_us = 0;
  double sending_s = (bench->finished_us - bench->started_us) / 1e6;
  gint64 frames_us = 0;
  guint frames_over = 0;

  sorted = g_array_copy (bench->gaps);
  g_array_sort (sorted, compare_gaps);
  g_array_sort (bench->frames, compare_us);
  for (guint i = 0; i < bench->frames->len; i++)
    {
      gint64 length = g_array_index (bench->frames, gint64, i);

      frames_us += length;
      frames_over += length > BLOCK_LIMIT_US;
    }
  for (guint i = 0; i < sorted->len; i++)
    {
      const Gap *gap = &g_array_index (sorted, Gap, i);

      /* Without the time the kernel gave the CPU to others. */
      max_own = MAX (max_own, gap->gap_us - gap->runq_us);
      if (gap->gap_us > BLOCK_LIMIT_US)
        {
          over++;
          over_us += gap->gap_us;
        }
    }

  printf ("send queue_s=%.3f handover_s=%.3f transfer_s=%.3f total_s=%.3f "
          "dispatches=%u max_gap_ms=%.2f p999_gap_ms=%.2f p99_gap_ms=%.2f median_gap_ms=%.2f "
          "max_gap_runq_ms=%.2f max_own_gap_ms=%.2f gaps_over_20ms=%u time_over_20ms_s=%.3f "
          "progress=%u progress_per_s=%.1f max_progress_gap_ms=%.1f sent_bytes=%" G_GUINT64_FORMAT " "
          "total_bytes=%" G_GUINT64_FORMAT " main_cpu_s=%.3f process_cpu_s=%.3f "
          "frames=%u max_frame_ms=%.2f median_frame_ms=%.2f frames_over_20ms=%u frames_s=%.3f "
          "rss_before_kib=%" G_GUINT64_FORMAT " peak_rss_kib=%" G_GUINT64_FORMAT "\n",
          (bench->queued_us - bench->click_us) / 1e6,
          (bench->started_us - bench->queued_us) / 1e6,
          sending_s,
          (bench->finished_us - bench->click_us) / 1e6,
          sorted->len,
          ms (g_array_index (sorted, Gap, 0).gap_us),
          ms (percentile (sorted, 0.999)),
          ms (percentile (sorted, 0.99)),
          ms (percentile (sorted, 0.5)),
          ms (g_array_index (sorted, Gap, 0).runq_us),
          ms (max_own),
          over, over_us / 1e6,
          bench->n_progress,
          sending_s > 0 ? bench->n_progress / sending_s : 0.0,
          ms (bench->max_progress_gap_us),
          bench->sent_bytes, bench->total_bytes,
          bench->main_cpu_us / 1e6, bench->process_cpu_us / 1e6,
          bench->frames->len,
          bench->frames->len > 0 ? ms (g_array_index (bench->frames, gint64, 0)) : 0.0,
          bench->frames->len > 0 ? ms (g_array_index (bench->frames, gint64, bench->frames->len / 2)) : 0.0,
          frames_over, frames_us / 1e6,
          bench->rss_before_kib, bench_peak_rss_kib ());

  for (guint i = 0; i < MIN (N_WORST, sorted->len); i++)
    {
      const Gap *gap = &g_array_index (sorted, Gap, i);

      fprintf (stderr, "compose-bench: gap %u: %.2f ms (%.2f ms waiting for a CPU), "
               "ending %.3f s after the click, %s\n",
               i + 1, ms (gap->gap_us), ms (gap->runq_us), gap->at_us / 1e6,
               phase_names[gap->phase]);
    }
}

/* Frames: how long each window's frame clock works on one frame, from
 * "before-paint" (events flushed; update, layout and paint follow) to
 * "after-paint", while the message is queued and sent. */
typedef struct
{
  Bench      *bench;
  const char *window;  /* its type's name */
  gint64      start_us;
} FrameTiming;

static void
on_before_paint (GdkFrameClock *clock,
                 FrameTiming   *timing)
{
  timing->start_us = g_get_monotonic_time ();
}

static void
on_after_paint_timed (GdkFrameClock *clock,
                      FrameTiming   *timing)
{
  Bench *bench = timing->bench;
  gint64 length = g_get_monotonic_time () - timing->start_us;

  if (bench->probe_id == 0 || timing->start_us == 0)
    return;
  g_array_append_val (bench->frames, length);
  /* Which window, and when: what a long frame was drawing. */
  if (length > BLOCK_LIMIT_US)
    fprintf (stderr, "compose-bench: frame of %s: %.2f ms, ending %.3f s after the click\n",
             timing->window,
             ms (length), (g_get_monotonic_time () - bench->click_us) / 1e6);
}

static void
on_realize_time_frames (GtkWidget *window,
                        Bench     *bench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  FrameTiming *timing = g_new0 (FrameTiming, 1);

  timing->bench = bench;
  timing->window = G_OBJECT_TYPE_NAME (window);
  g_object_set_data_full (G_OBJECT (clock), "bench-frame-timing", timing, g_free);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), timing);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_timed), timing);
}

/* The window ----------------------------------------------------------------- */

static void
on_first_frame (GtkWindow        *window,
                const BenchFrame *frame,
                gpointer          user_data)
{
  Bench *bench = user_data;

  bench->frame = *frame;
  if (bench->send_mode)
    g_timeout_add (20, on_wait_attachments, bench);
  else
    g_idle_add (bench_quit_idle, bench->app);
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window,
                 Bench          *bench)
{
  /* Satchel realizes its main window ahead, before it adds it. */
  if (bench->send_mode && gtk_widget_get_realized (GTK_WIDGET (window)))
    on_realize_time_frames (GTK_WIDGET (window), bench);
  else if (bench->send_mode)
    g_signal_connect (window, "realize", G_CALLBACK (on_realize_time_frames), bench);
  if (!SATCHEL_IS_COMPOSE_WINDOW (window) || bench->compose != NULL)
    return;
  bench->window_us = g_get_monotonic_time ();
  bench->compose = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &bench->compose);
  bench_watch_first_frame (window, on_first_frame, bench);
}

static void
on_window_removed (GtkApplication *app,
                   GtkWindow      *window,
                   Bench          *bench)
{
  /* The compose window closes once the message is in the outbox. */
  if (SATCHEL_IS_COMPOSE_WINDOW (window) && bench->click_us != 0 && bench->queued_us == 0)
    bench->queued_us = g_get_monotonic_time ();
}

static void
on_startup (GApplication *app,
            Bench        *bench)
{
  SatchelScheduler *scheduler = satchel_application_get_scheduler (bench->app);

  bench->startup_us = g_get_monotonic_time ();
  g_signal_connect (scheduler, "send-started", G_CALLBACK (on_send_started), bench);
  g_signal_connect (scheduler, "send-progress", G_CALLBACK (on_send_progress), bench);
  g_signal_connect (scheduler, "send-finished", G_CALLBACK (on_send_finished), bench);
}

static gboolean
on_watchdog (gpointer user_data)
{
  Bench *bench = user_data;

  if (bench->frame.painted_us == 0)
    fail (bench, "no compose window appeared in %d s", WATCHDOG_SECONDS);
  else
    fail (bench, "not sent in %d s (%s)", WATCHDOG_SECONDS,
          bench->started_us == 0 ? "the scheduler never started it" : "the send did not finish");
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { 0 };
  g_autoptr(SatchelApplication) app = NULL;
  g_autoptr(GPtrArray) app_argv = g_ptr_array_new ();

  /* First: from here on, everything is Satchel's own start-up. */
  bench_launch_init (&bench.launch);

  if (argc < 2 || (strcmp (argv[1], "frame") != 0 && strcmp (argv[1], "send") != 0))
    {
      fprintf (stderr, "usage: compose-bench frame|send [SATCHEL OPTIONS...]\n");
      return 2;
    }
  bench.send_mode = strcmp (argv[1], "send") == 0;
  g_ptr_array_add (app_argv, argv[0]);
  for (int i = 2; i < argc; i++)
    g_ptr_array_add (app_argv, argv[i]);
  g_ptr_array_add (app_argv, NULL);

  satchel_application_prepare_environment ();
  satchel_paths_init_i18n ();

  if (bench.send_mode)
    {
      g_autoptr(GSettings) settings = NULL;

      /* Never the user's own settings. */
      if (g_strcmp0 (g_getenv ("GSETTINGS_BACKEND"), "memory") != 0)
        {
          fprintf (stderr, "compose-bench: send needs GSETTINGS_BACKEND=memory\n");
          return 2;
        }
      settings = g_settings_new (APPLICATION_ID);

      /* Straight to the scheduler: the undo time is not what is measured. */
      g_settings_set_uint (settings, "undo-delay", 0);
    }

  app = satchel_application_new ();
  bench.app = app;
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup), &bench);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), &bench);
  g_signal_connect (app, "window-removed", G_CALLBACK (on_window_removed), &bench);
  g_timeout_add_seconds (WATCHDOG_SECONDS, on_watchdog, &bench);

  g_application_run (G_APPLICATION (app), app_argv->len - 1, (char **) app_argv->pdata);

  if (bench.startup_us == 0)
    bench.failure = g_strdup ("Satchel did not start here: another instance runs in this session");
  if (bench.failure != NULL)
    {
      fprintf (stderr, "compose-bench: failed: %s\n", bench.failure);
      return 1;
    }

  bench_print_frame (&bench.launch, bench.startup_us, bench.window_us, &bench.frame);
  if (bench.send_mode)
    print_send (&bench);
  fflush (stdout);

  return 0;
}
