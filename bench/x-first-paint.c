/* x-first-paint.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The time to a program's first window, seen from outside: by the X
 * server, not by the program's own clocks.
 *
 *     x-first-paint [--kill] [--timeout SECONDS] [--verbose] -- COMMAND [ARG...]
 *
 * Watches the root window (SubstructureNotify, and a DAMAGE object that
 * reports drawing into the root window and the windows inside it),
 * reads CLOCK_MONOTONIC, starts COMMAND with BENCH_LAUNCH_NS set to that
 * reading, and waits for the first top-level window COMMAND maps
 * (override-redirect pop-ups do not count) and for its first frame:
 * the first drawing after which the top 48 rows of the window (a
 * header bar) hold more than one colour. The first drawing into a GTK
 * window only clears it, while GTK maps its widgets; its first real
 * frame comes 20-50 ms later, when its own "after-paint" runs. With
 * --kill, COMMAND then gets SIGTERM (for programs that do not quit by
 * themselves); otherwise it is waited for. Prints
 *
 *     x map_ms=M damage_ms=D paint_ms=P size=WxH exit=STATUS
 *
 * ms from the launch to the window's MapNotify, to the first drawing in
 * it, and to its first frame as read back from the server (0 when it did
 * not happen in time). Exit status 0 when the window was mapped and
 * drawn, 1 otherwise. Needs an X server with DAMAGE (Xvfb has it) and
 * nothing else mapping windows
 * meanwhile. Run by bench/run --gui. */

#define _GNU_SOURCE

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The rows looked at for content: a header bar is 46 px high. */
#define STRIP_HEIGHT 48

static long long
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
usage (void)
{
  fprintf (stderr, "usage: x-first-paint [--kill] [--timeout SECONDS] [--verbose] "
                   "-- COMMAND [ARG...]\n");
  exit (2);
}

static int
ignore_errors (Display     *dpy,
               XErrorEvent *error)
{
  /* The window may go away under us: that is not fatal. */
  return 0;
}

/* Whether the top of @window (its header bar: title, buttons) holds
 * more than one colour. A first drawing that only clears the window
 * does not count as a frame. */
static int
shows_content (Display           *dpy,
               Window             window,
               XWindowAttributes *attrs)
{
  int height = attrs->height < STRIP_HEIGHT ? attrs->height : STRIP_HEIGHT;
  XImage *image;
  unsigned long first;
  int varied = 0;

  if (attrs->width <= 0 || height <= 0)
    return 0;
  image = XGetImage (dpy, window, 0, 0, attrs->width, height, AllPlanes, ZPixmap);
  if (image == NULL)
    return 0;
  first = XGetPixel (image, 0, 0);
  for (int y = 0; y < height && !varied; y++)
    for (int x = 0; x < attrs->width && !varied; x++)
      varied = (unsigned long) XGetPixel (image, x, y) != first;
  XDestroyImage (image);
  return varied;
}

static int
intersects (int x, int y, int w, int h,
            XWindowAttributes *a)
{
  return x < a->x + a->width && a->x < x + w && y < a->y + a->height && a->y < y + h;
}

int
main (int   argc,
      char *argv[])
{
  Display *dpy;
  Window root;
  Window toplevel = None;
  XWindowAttributes attrs = { 0 };
  Damage damage;
  int damage_event, damage_error;
  int kill_child = 0, verbose = 0, timeout_s = 60;
  int argi = 1;
  long long launch, deadline, map_ns = 0, damage_ns = 0, paint_ns = 0;
  char launch_text[32];
  pid_t child;
  int status = -1, exited = 0;

  for (; argi < argc && strcmp (argv[argi], "--") != 0; argi++)
    {
      if (strcmp (argv[argi], "--kill") == 0)
        kill_child = 1;
      else if (strcmp (argv[argi], "--verbose") == 0)
        verbose = 1;
      else if (strcmp (argv[argi], "--timeout") == 0 && argi + 1 < argc)
        timeout_s = atoi (argv[++argi]);
      else
        usage ();
    }
  if (argi + 1 >= argc)
    usage ();
  argi++;

  dpy = XOpenDisplay (NULL);
  if (dpy == NULL)
    {
      fprintf (stderr, "x-first-paint: cannot open the display (DISPLAY=%s)\n",
               getenv ("DISPLAY") ? getenv ("DISPLAY") : "");
      return 1;
    }
  if (!XDamageQueryExtension (dpy, &damage_event, &damage_error))
    {
      fprintf (stderr, "x-first-paint: the X server has no DAMAGE extension\n");
      return 1;
    }
  XSetErrorHandler (ignore_errors);
  root = DefaultRootWindow (dpy);
  XSelectInput (dpy, root, SubstructureNotifyMask);
  /* Drawing into any window on the screen damages the root's area. */
  damage = XDamageCreate (dpy, root, XDamageReportRawRectangles);
  XSync (dpy, False);
  while (XPending (dpy))
    {
      XEvent event;
      XNextEvent (dpy, &event);
    }

  fflush (stdout);
  launch = now_ns ();
  snprintf (launch_text, sizeof launch_text, "%lld", launch);
  child = fork ();
  if (child < 0)
    {
      perror ("x-first-paint: fork");
      return 1;
    }
  if (child == 0)
    {
      close (ConnectionNumber (dpy));
      setenv ("BENCH_LAUNCH_NS", launch_text, 1);
      execvp (argv[argi], argv + argi);
      fprintf (stderr, "x-first-paint: cannot run %s: %s\n", argv[argi], strerror (errno));
      _exit (127);
    }

  deadline = launch + timeout_s * 1000000000LL;
  while (paint_ns == 0 && now_ns () < deadline)
    {
      struct pollfd pfd = { ConnectionNumber (dpy), POLLIN, 0 };

      if (!XPending (dpy))
        {
          poll (&pfd, 1, 50);
          if (!exited && waitpid (child, &status, WNOHANG) == child)
            exited = 1;
          continue;
        }
      while (XPending (dpy) && paint_ns == 0)
        {
          XEvent event;
          long long t;

          XNextEvent (dpy, &event);
          t = now_ns ();
          if (event.type == MapNotify && event.xmap.event == root &&
              !event.xmap.override_redirect && toplevel == None)
            {
              toplevel = event.xmap.window;
              map_ns = t;
              XGetWindowAttributes (dpy, toplevel, &attrs);
              if (verbose)
                fprintf (stderr, "x-first-paint: %.2f ms: window 0x%lx mapped, %dx%d at %d,%d\n",
                         (t - launch) / 1e6, toplevel, attrs.width, attrs.height, attrs.x, attrs.y);
            }
          else if (event.type == damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *de = (XDamageNotifyEvent *) &event;

              if (verbose)
                fprintf (stderr, "x-first-paint: %.2f ms: damage %dx%d at %d,%d\n",
                         (t - launch) / 1e6, de->area.width, de->area.height,
                         de->area.x, de->area.y);
              if (toplevel != None &&
                  intersects (de->area.x, de->area.y, de->area.width, de->area.height, &attrs))
                {
                  if (damage_ns == 0)
                    damage_ns = t;
                  if (shows_content (dpy, toplevel, &attrs))
                    paint_ns = now_ns ();
                }
            }
        }
    }

  /* What came next, to see what the first drawing was. */
  while (verbose && paint_ns != 0 && now_ns () < paint_ns + 300000000LL)
    {
      struct pollfd pfd = { ConnectionNumber (dpy), POLLIN, 0 };
      XEvent event;

      if (!XPending (dpy))
        {
          poll (&pfd, 1, 10);
          continue;
        }
      XNextEvent (dpy, &event);
      if (event.type == damage_event + XDamageNotify)
        {
          XDamageNotifyEvent *de = (XDamageNotifyEvent *) &event;

          fprintf (stderr, "x-first-paint: %.2f ms: then damage %dx%d at %d,%d\n",
                   (now_ns () - launch) / 1e6, de->area.width, de->area.height,
                   de->area.x, de->area.y);
        }
      else
        fprintf (stderr, "x-first-paint: %.2f ms: then event %d\n",
                 (now_ns () - launch) / 1e6, event.type);
    }

  if (kill_child && !exited)
    kill (child, SIGTERM);
  if (!exited)
    {
      /* A child that does not quit within the time-out is killed. */
      while (waitpid (child, &status, WNOHANG) == 0)
        {
          if (now_ns () > deadline + 10000000000LL)
            {
              kill (child, SIGKILL);
              waitpid (child, &status, 0);
              break;
            }
          usleep (10000);
        }
    }
  XDamageDestroy (dpy, damage);
  XCloseDisplay (dpy);

  printf ("x map_ms=%.2f damage_ms=%.2f paint_ms=%.2f size=%dx%d exit=%d\n",
          map_ns ? (map_ns - launch) / 1e6 : 0.0, damage_ns ? (damage_ns - launch) / 1e6 : 0.0,
          paint_ns ? (paint_ns - launch) / 1e6 : 0.0, attrs.width, attrs.height,
          WIFEXITED (status) ? WEXITSTATUS (status) : WIFSIGNALED (status) ? -WTERMSIG (status) : -1);
  return map_ns != 0 && paint_ns != 0 ? 0 : 1;
}
