/* hello-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The floor of compose-bench frame: the least a GTK 4 application can
 * do before its first frame. A unique application (registered on the
 * session bus, as Satchel is) opens one window with a header bar and a
 * label, prints the same "frame" line as compose-bench, and quits
 * (with --stay, once the window is closed).
 * Built twice: hello-gtk (GtkApplication and GtkWindow, linked with
 * GTK only) and hello-adw (-DHELLO_ADW: AdwApplication, whose start-up
 * loads libadwaita's style sheet, and AdwApplicationWindow, as
 * Satchel's windows are). Run by bench/run --gui. */

#define G_LOG_DOMAIN "hello-window"

#include "config.h"

#include <stdio.h>

#include "bench-clock.h"

#ifdef HELLO_ADW
#include <adwaita.h>
#define HELLO_ID "io.github.satchel.BenchHelloAdw"
#else
#define HELLO_ID "io.github.satchel.BenchHelloGtk"
#endif

typedef struct
{
  BenchLaunch  launch;
  GApplication *app;
  gboolean     stay;
  gint64       startup_us;
  gint64       window_us;
  BenchFrame   frame;
} Hello;

static void
on_first_frame (GtkWindow        *window,
                const BenchFrame *frame,
                gpointer          user_data)
{
  Hello *hello = user_data;

  hello->frame = *frame;
  if (!hello->stay)
    g_idle_add (bench_quit_idle, hello->app);
}

static void
on_startup (GApplication *app,
            Hello        *hello)
{
  hello->startup_us = g_get_monotonic_time ();
}

static void
on_activate (GApplication *app,
             Hello        *hello)
{
  GtkWidget *label = gtk_label_new ("Hello");
  GtkWindow *window;
#ifdef HELLO_ADW
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (app)));
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
#else
  window = GTK_WINDOW (gtk_application_window_new (GTK_APPLICATION (app)));
  gtk_window_set_titlebar (window, gtk_header_bar_new ());
  gtk_window_set_child (window, label);
#endif
  gtk_window_set_title (window, "Hello");
  gtk_window_set_default_size (window, 640, 480);
  hello->window_us = g_get_monotonic_time ();
  bench_watch_first_frame (window, on_first_frame, hello);
  gtk_window_present (window);
}

int
main (int   argc,
      char *argv[])
{
  Hello hello = { 0 };
  g_autoptr(GApplication) app = NULL;

  bench_launch_init (&hello.launch);
  /* --stay: keep the window open (to look at it) until it is closed. */
  if (argc > 1 && g_strcmp0 (argv[1], "--stay") == 0)
    {
      hello.stay = TRUE;
      argv[1] = argv[0];
      argv++;
      argc--;
    }

#ifdef HELLO_ADW
  app = G_APPLICATION (adw_application_new (HELLO_ID, G_APPLICATION_DEFAULT_FLAGS));
#else
  app = G_APPLICATION (gtk_application_new (HELLO_ID, G_APPLICATION_DEFAULT_FLAGS));
#endif
  hello.app = app;
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup), &hello);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate), &hello);
  g_application_run (app, argc, argv);

  if (hello.frame.painted_us == 0)
    {
      fprintf (stderr, "hello-window: no window appeared\n");
      return 1;
    }
  bench_print_frame (&hello.launch, hello.startup_us, hello.window_us, &hello.frame);
  return 0;
}
