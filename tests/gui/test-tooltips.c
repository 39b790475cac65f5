/* test-tooltips.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "gui-testlib.h"
#include "satchel-tooltips.h"

/* Generous: the machine may be loaded. */
#define WAIT_SECONDS 20

/* The main window's menu button, as translated (issue #8). */
#define SHORT_CJK "主菜单"
#define LONG_CJK "作为发送内容，附件共占用 12.3 MB：超过服务器接受的 10 MB 上限。" \
                 "请移除一些附件，或改用文件分享链接发送。服务器没有说明它接受多大的邮件。"
#define SHORT_ENGLISH "Main Menu"
#define LONG_ENGLISH "As sent, the attachments take 12.3 MB: more than the 10 MB " \
                     "the server accepts. Remove some, or share them by link instead."
#define MEDIUM_CJK "新建邮件 (Ctrl+N)"
#define TWO_LINES "report.pdf\n1.2 MB"
#define LONG_LINE "report.pdf\n" LONG_ENGLISH

/* How wide @text is on one line in @label's font, in pixels. */
static int
text_width (GtkWidget  *label,
            const char *text)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

/* What a person sees of a tooltip's text. */
typedef struct
{
  int lines;
  int width;        /* of the label, in pixels */
  int text_width;   /* of its text on one line */
  int glyph_width;  /* of one CJK character */
} Shown;

static Shown
shown_text (GtkWidget *label)
{
  Shown shown;

  shown.lines = pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label)));
  shown.width = gtk_widget_get_width (label);
  shown.text_width = text_width (label, gtk_label_get_text (GTK_LABEL (label)));
  shown.glyph_width = text_width (label, "主");
  return shown;
}

/* What every text tooltip must look like: short ones on one line as
 * wide as their text (English as GTK shows it, Chinese no longer one
 * character a line), long ones wrapped at a readable width. */
static void
assert_shown_well (const char *text,
                   Shown       shown)
{
  g_test_message ("%s: %d lines, %d px (text %d px, one CJK character %d px)",
                  text, shown.lines, shown.width, shown.text_width,
                  shown.glyph_width);
  if (strchr (text, '\n') != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      gboolean wraps = FALSE;

      for (guint i = 0; lines[i] != NULL; i++)
        wraps |= g_utf8_strlen (lines[i], -1) >= 20;
      if (wraps)
        g_assert_cmpint (shown.lines, >, g_strv_length (lines));
      else
        g_assert_cmpint (shown.lines, ==, g_strv_length (lines));
      g_assert_cmpint (shown.width, <=, 640);
    }
  else if (g_utf8_strlen (text, -1) < 20)
    {
      g_assert_cmpint (shown.lines, ==, 1);
      g_assert_cmpint (shown.width, >=, shown.text_width);
      g_assert_cmpint (shown.width, <=, shown.text_width + 1);
    }
  else
    {
      g_assert_cmpint (shown.lines, >=, 2);
      g_assert_cmpint (shown.lines, <=, 4);
      g_assert_cmpint (shown.width, >=, 12 * shown.glyph_width);
      g_assert_cmpint (shown.width, <=, 640);
    }
}

/* GTK's own tooltip contents, sized as GTK sizes a tooltip: GtkTooltip
 * is what GTK shows for every widget (one per display); its box is
 * found through a custom widget, then the text set as
 * gtk_widget_set_tooltip_text() sets it. No pointer needed, so other
 * tests' windows cannot get in the way. */
static void
test_tooltip_text (gconstpointer data)
{
  const char *text = data;
  g_autoptr(GtkTooltip) tooltip = NULL;
  g_autoptr(GtkWidget) marker = NULL;
  GtkWidget *box;
  GtkWidget *label;
  int width;
  int height;

  if (!gui_test_have_display ())
    return;

  tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  marker = g_object_ref_sink (gtk_label_new (NULL));
  gtk_tooltip_set_custom (tooltip, marker);
  box = gtk_widget_get_parent (marker);
  g_assert_nonnull (box);
  g_assert_cmpstr (gtk_widget_get_css_name (gtk_widget_get_parent (box)), ==, "tooltip");
  gtk_tooltip_set_custom (tooltip, NULL);

  gtk_tooltip_set_text (tooltip, text);
  label = gui_test_find_widget (box, GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, text);

  /* As the tooltip window does: its natural width, and the height that
   * takes. */
  gtk_widget_measure (box, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_widget_measure (box, GTK_ORIENTATION_VERTICAL, width, NULL, &height, NULL, NULL);
  gtk_widget_allocate (box, width, height, -1, NULL);

  assert_shown_well (text, shown_text (label));
}

/* A real tooltip, as a person gets it: the pointer over a button of a
 * window, GTK's hover delay, the tooltip's own surface. */

typedef struct
{
  GtkWidget  *window;
  const char *text;
  GtkWidget  *tooltip;
  GtkWidget  *label;
} Hover;

static gboolean
tooltip_shown (gpointer data)
{
  Hover *hover = data;

  for (GtkWidget *child = gtk_widget_get_first_child (hover->window);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *label;

      if (g_strcmp0 (gtk_widget_get_css_name (child), "tooltip") != 0 ||
          !gtk_widget_get_mapped (child))
        continue;
      label = gui_test_find_widget (child, GTK_TYPE_LABEL);
      if (label != NULL &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), hover->text) == 0 &&
          gtk_widget_get_width (label) > 0)
        {
          hover->tooltip = child;
          hover->label = label;
          return TRUE;
        }
    }
  return FALSE;
}

typedef int (*XWarpPointerFunc) (Display *, Window, Window, int, int,
                                 unsigned int, unsigned int, int, int);
typedef int (*XWindowFunc) (Display *, Window);
typedef int (*XFlushFunc) (Display *);

#define X_FUNC(type, name) ((type) x_func (name))

/* Xlib is in the process through GDK's X11 backend; the tests link
 * against GTK alone, so its functions are looked up. */
static gpointer
x_func (const char *name)
{
  gpointer func = dlsym (RTLD_DEFAULT, name);

  g_assert_nonnull (func);
  return func;
}

/* Moves the X pointer to (@x, @y) of @widget, as a mouse would (X sends
 * the motion events). Other tests run beside this one on the same X
 * server, with no window manager: when one of their windows has come
 * over @widget, raises @widget's window and tries again. */
static void
move_pointer_to (GtkWidget *widget,
                 double     x,
                 double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  GdkDisplay *display = gtk_widget_get_display (widget);
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  GdkDevice *pointer = gdk_seat_get_pointer (gdk_display_get_default_seat (display));
  graphene_point_t point;
  double native_x;
  double native_y;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (native, &native_x, &native_y);
  for (int attempt = 0; attempt < 20; attempt++)
    {
      X_FUNC (XWindowFunc, "XRaiseWindow") (xdisplay, gdk_x11_surface_get_xid (surface));
      X_FUNC (XWarpPointerFunc, "XWarpPointer") (xdisplay, None, gdk_x11_surface_get_xid (surface),
                                                 0, 0, 0, 0,
                                                 point.x + native_x, point.y + native_y);
      X_FUNC (XFlushFunc, "XFlush") (xdisplay);
      gui_test_spin (100);
      if (gdk_device_get_surface_at_position (pointer, NULL, NULL) == surface)
        return;
    }
  g_error ("other windows kept covering this test's window");
}

static void
test_hover (void)
{
  const char *texts[] = { SHORT_CJK, SHORT_ENGLISH, MEDIUM_CJK, LONG_CJK, LONG_ENGLISH };
  GtkWidget *window;
  GtkWidget *row;

  if (!gui_test_have_display ())
    return;
  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("moving the pointer needs X11");
      return;
    }

  window = gtk_window_new ();
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_margin_top (row, 12);
  gtk_widget_set_margin_bottom (row, 200);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("open-menu-symbolic");

      gtk_widget_set_tooltip_text (button, texts[i]);
      gtk_box_append (GTK_BOX (row), button);
    }
  gtk_window_set_child (GTK_WINDOW (window), row);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);
  gui_test_spin (100);

  for (GtkWidget *button = gtk_widget_get_first_child (row);
       button != NULL;
       button = gtk_widget_get_next_sibling (button))
    {
      Hover hover = { window, gtk_widget_get_tooltip_text (button), NULL, NULL };
      GdkSurface *surface;

      /* Two moves, as a hand makes many: the first, from another
       * tooltip's widget, only hides that tooltip. */
      move_pointer_to (button, gtk_widget_get_width (button) / 2.0,
                       gtk_widget_get_height (button) / 2.0);
      move_pointer_to (button, gtk_widget_get_width (button) / 2.0 + 1,
                       gtk_widget_get_height (button) / 2.0);
      gui_test_wait_for (tooltip_shown, &hover, WAIT_SECONDS);
      gui_test_spin (100);
      assert_shown_well (hover.text, shown_text (hover.label));
      /* What is on screen holds the text as laid out. */
      surface = gtk_native_get_surface (GTK_NATIVE (hover.tooltip));
      g_assert_cmpint (gdk_surface_get_width (surface), >=, gtk_widget_get_width (hover.label));
      g_assert_cmpint (gdk_surface_get_height (surface), >=, gtk_widget_get_height (hover.label));
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init_env ("test-tooltips");

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      adw_init ();
      /* What the application's startup does. */
      satchel_tooltips_init ();
    }

  g_test_add_data_func ("/satchel/gui/tooltips/text/short-chinese", SHORT_CJK, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/short-english", SHORT_ENGLISH, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/medium-chinese", MEDIUM_CJK, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/long-chinese", LONG_CJK, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/long-english", LONG_ENGLISH, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/two-lines", TWO_LINES, test_tooltip_text);
  g_test_add_data_func ("/satchel/gui/tooltips/text/long-line", LONG_LINE, test_tooltip_text);
  g_test_add_func ("/satchel/gui/tooltips/hover", test_hover);

  return g_test_run ();
}
