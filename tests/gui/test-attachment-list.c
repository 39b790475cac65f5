/* test-attachment-list.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gui-testlib.h"
#include "satchel-attachment-list.h"
#include "satchel-attachment-row.h"
#include "satchel-compose-check.h"
#include "satchel-resources.h"

static char *folder;

static gboolean
list_loaded (gpointer list)
{
  return !satchel_attachment_list_get_loading (list);
}

/* A file of @size bytes in the test folder. (transfer full) */
static GFile *
make_file (const char *name,
           gsize       size)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *content = g_malloc (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    content[i] = 'a' + i % 26;
  g_file_set_contents (path, content, size, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static SatchelAttachment *
item (SatchelAttachmentList *list,
      guint                  position)
{
  GListModel *model = satchel_attachment_list_get_model (list);
  g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (model, position);

  g_assert_nonnull (attachment);
  /* The list keeps it alive. */
  return attachment;
}

static const char *
name_at (SatchelAttachmentList *list,
         guint                  position)
{
  return satchel_attachment_get_display_name (item (list, position));
}

static void
on_changed (SatchelAttachmentList *list,
            guint                 *count)
{
  (*count)++;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The list in a window of its own, shown. */
static SatchelAttachmentList *
new_list_in_window (GtkWindow **window)
{
  GtkWidget *list = satchel_attachment_list_new ();

  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (*window, 500, 400);
  gtk_window_set_child (*window, list);
  gtk_window_present (*window);
  return SATCHEL_ATTACHMENT_LIST (list);
}

static void
test_model (void)
{
  g_autoptr(GFile) small = NULL;
  g_autoptr(GFile) medium = NULL;
  g_autoptr(GFile) cjk = NULL;
  g_auto(GStrv) paths = NULL;
  SatchelAttachmentList *list;
  GtkWindow *window;
  guint changes = 0;
  guint64 encoded;

  if (!gui_test_have_display ())
    return;
  small = make_file ("small.txt", 1000);
  medium = make_file ("medium.bin", 20000);
  cjk = make_file ("季度报告.pdf", 3000);

  list = new_list_in_window (&window);
  g_signal_connect (list, "changed", G_CALLBACK (on_changed), &changes);
  g_assert_cmpstr (satchel_attachment_list_get_summary (list), ==, "");

  g_assert_nonnull (satchel_attachment_list_add_file (list, small, FALSE));
  g_assert_nonnull (satchel_attachment_list_add_file (list, medium, FALSE));
  g_assert_nonnull (satchel_attachment_list_add_file (list, cjk, FALSE));
  /* The same file twice is attached once. */
  g_assert_null (satchel_attachment_list_add_file (list, small, FALSE));
  g_assert_cmpuint (changes, ==, 3);
  gui_test_wait_for (list_loaded, list, 20);

  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 3);
  g_assert_cmpstr (name_at (list, 2), ==, "季度报告.pdf");
  g_assert_cmpint (satchel_attachment_get_state (item (list, 2)), ==, SATCHEL_ATTACHMENT_STATE_READY);
  g_assert_cmpuint (satchel_attachment_get_size (item (list, 2)), ==, 3000);
  g_assert_nonnull (satchel_attachment_get_icon (item (list, 0)));
  g_assert_cmpstr (satchel_attachment_get_content_type (item (list, 0)), ==, "text/plain");

  /* The total, and the total as it travels: each file base64 on its own. */
  g_assert_cmpuint (satchel_attachment_list_get_total_size (list), ==, 24000);
  encoded = satchel_compose_encoded_size (1000) + satchel_compose_encoded_size (20000) +
            satchel_compose_encoded_size (3000);
  g_assert_cmpuint (satchel_attachment_list_get_encoded_size (list), ==, encoded);
  g_assert_cmpuint (encoded, >, 24000 * 4 / 3);
  g_assert_false (satchel_attachment_list_get_over_limit (list));
  g_assert_nonnull (strstr (satchel_attachment_list_get_summary (list), "as sent"));

  /* Inline pictures travel too. */
  satchel_attachment_list_set_extra_size (list, 5000);
  g_assert_cmpuint (satchel_attachment_list_get_encoded_size (list), ==,
                    encoded + satchel_compose_encoded_size (5000));
  satchel_attachment_list_set_extra_size (list, 0);

  /* Reorder, and the paths follow. */
  satchel_attachment_list_move (list, 2, 0);
  g_assert_cmpuint (changes, ==, 4);
  paths = satchel_attachment_list_dup_paths (list);
  g_assert_cmpuint (g_strv_length (paths), ==, 3);
  g_assert_true (g_str_has_suffix (paths[0], "/季度报告.pdf"));
  g_assert_true (g_str_has_suffix (paths[1], "/small.txt"));
  g_assert_true (g_str_has_suffix (paths[2], "/medium.bin"));

  /* Remove. */
  satchel_attachment_list_remove (list, 1);
  g_assert_cmpuint (changes, ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 2);
  g_assert_cmpstr (name_at (list, 1), ==, "medium.bin");
  g_assert_cmpuint (satchel_attachment_list_get_total_size (list), ==, 23000);

  gtk_window_destroy (window);
}

static gboolean
has_notice (gpointer list)
{
  return satchel_attachment_list_get_notice (list) != NULL && list_loaded (list);
}

static void
test_refused (void)
{
  g_autofree char *dir_path = g_build_filename (folder, "a folder", NULL);
  g_autofree char *fifo_path = g_build_filename (folder, "a pipe", NULL);
  g_autofree char *missing_path = g_build_filename (folder, "gone.txt", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFile) fifo = g_file_new_for_path (fifo_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GFile) good = NULL;
  SatchelAttachmentList *list;
  GtkWindow *window;
  const char *notice;

  if (!gui_test_have_display ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (dir_path, 0700), ==, 0);
  g_assert_true (mkfifo (fifo_path, 0600) == 0 || errno == EEXIST);
  good = make_file ("good.txt", 10);

  list = new_list_in_window (&window);
  satchel_attachment_list_add_file (list, dir, FALSE);
  satchel_attachment_list_add_file (list, good, FALSE);
  satchel_attachment_list_add_file (list, fifo, FALSE);
  satchel_attachment_list_add_file (list, missing, FALSE);
  gui_test_wait_for (list_loaded, list, 20);
  gui_test_wait_for (has_notice, list, 20);

  /* Only the regular file stays; the others are named with the reason. */
  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 1);
  g_assert_cmpstr (name_at (list, 0), ==, "good.txt");
  notice = satchel_attachment_list_get_notice (list);
  g_assert_nonnull (strstr (notice, "“a folder” is a folder"));
  g_assert_nonnull (strstr (notice, "“a pipe” is not a regular file"));
  g_assert_nonnull (strstr (notice, "“gone.txt” is missing"));
  g_assert_null (satchel_attachment_list_get_first_problem (list));

  /* Unreadable (not as root, who reads everything). */
  if (getuid () != 0)
    {
      g_autoptr(GFile) locked = make_file ("locked.txt", 10);
      g_autofree char *locked_path = g_file_get_path (locked);

      g_assert_cmpint (g_chmod (locked_path, 0), ==, 0);
      satchel_attachment_list_add_file (list, locked, FALSE);
      gui_test_wait_for (list_loaded, list, 20);
      g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 1);
      g_assert_nonnull (strstr (satchel_attachment_list_get_notice (list),
                                "“locked.txt” cannot be read"));
    }

  gtk_window_destroy (window);
}

static void
test_keep_missing (void)
{
  g_autofree char *missing_path = g_build_filename (folder, "moved-away.odt", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  SatchelAttachmentList *list;
  GtkWindow *window;
  GtkWidget *row;
  GtkLabel *detail = NULL;

  if (!gui_test_have_display ())
    return;
  list = new_list_in_window (&window);
  satchel_attachment_list_add_file (list, missing, TRUE);
  gui_test_wait_for (list_loaded, list, 20);

  /* A draft's file that has gone is shown as missing, not dropped. */
  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 1);
  g_assert_cmpint (satchel_attachment_get_state (item (list, 0)), ==, SATCHEL_ATTACHMENT_STATE_MISSING);
  g_assert_true (satchel_attachment_list_get_first_problem (list) == item (list, 0));
  g_assert_cmpuint (satchel_attachment_list_get_total_size (list), ==, 0);

  row = gui_test_find_widget (GTK_WIDGET (list), SATCHEL_TYPE_ATTACHMENT_ROW);
  g_assert_nonnull (row);
  detail = GTK_LABEL (find_label (row, "Missing: moved or deleted"));
  g_assert_nonnull (detail);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (detail), "error"));

  gtk_window_destroy (window);
}

static void
test_size_limit (void)
{
  g_autoptr(GFile) file = NULL;
  SatchelAttachmentList *list;
  GtkWindow *window;
  GtkWidget *summary;
  guint64 encoded;

  if (!gui_test_have_display ())
    return;
  file = make_file ("photo.jpg", 300000);
  list = new_list_in_window (&window);
  satchel_attachment_list_add_file (list, file, FALSE);
  gui_test_wait_for (list_loaded, list, 20);
  encoded = satchel_attachment_list_get_encoded_size (list);
  g_assert_cmpuint (encoded, ==, satchel_compose_encoded_size (300000));

  /* Under the server's limit. */
  satchel_attachment_list_set_size_limit (list, 1000000);
  g_assert_false (satchel_attachment_list_get_over_limit (list));
  g_assert_cmpstr (satchel_attachment_list_get_summary (list), ==, "410.5\xc2\xa0kB of 1.0\xc2\xa0MB");

  /* Over it: the raw size fits, but not as it travels. */
  satchel_attachment_list_set_size_limit (list, 350000);
  g_assert_true (satchel_attachment_list_get_over_limit (list));
  g_assert_cmpstr (satchel_attachment_list_get_summary (list), ==, "410.5\xc2\xa0kB of 350.0\xc2\xa0kB");
  summary = find_label (GTK_WIDGET (list), "410.5\xc2\xa0kB of 350.0\xc2\xa0kB");
  g_assert_nonnull (summary);
  g_assert_true (gtk_widget_has_css_class (summary, "warning"));

  /* Removing the file brings it back under. */
  satchel_attachment_list_remove (list, 0);
  g_assert_false (satchel_attachment_list_get_over_limit (list));
  g_assert_cmpuint (satchel_attachment_list_get_encoded_size (list), ==, 0);

  gtk_window_destroy (window);
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  return NULL;
}

static gboolean
press (GtkWidget       *widget,
       guint            keyval,
       GdkModifierType  state)
{
  GtkEventController *keys = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_assert_nonnull (keys);
  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  return handled;
}

static void
test_keyboard_and_drag (void)
{
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  g_autoptr(GFile) c = NULL;
  SatchelAttachmentList *list;
  GtkWindow *window;
  GtkListBox *box;
  GtkDropTarget *target;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  if (!gui_test_have_display ())
    return;
  a = make_file ("a.txt", 1);
  b = make_file ("b.txt", 2);
  c = make_file ("c.txt", 3);
  list = new_list_in_window (&window);
  satchel_attachment_list_add_file (list, a, FALSE);
  satchel_attachment_list_add_file (list, b, FALSE);
  satchel_attachment_list_add_file (list, c, FALSE);
  gui_test_wait_for (list_loaded, list, 20);
  box = GTK_LIST_BOX (gui_test_find_widget (GTK_WIDGET (list), GTK_TYPE_LIST_BOX));

  /* Alt+Down moves the focused row down, and it keeps the focus. */
  gtk_widget_grab_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (box, 0)));
  g_assert_true (press (GTK_WIDGET (box), GDK_KEY_Down, GDK_ALT_MASK));
  g_assert_cmpstr (name_at (list, 0), ==, "b.txt");
  g_assert_cmpstr (name_at (list, 1), ==, "a.txt");
  g_assert_true (gtk_widget_get_focus_child (GTK_WIDGET (box)) ==
                 GTK_WIDGET (gtk_list_box_get_row_at_index (box, 1)));
  g_assert_true (press (GTK_WIDGET (box), GDK_KEY_Down, GDK_ALT_MASK));
  g_assert_cmpstr (name_at (list, 2), ==, "a.txt");
  /* At the end it stays there. */
  g_assert_true (press (GTK_WIDGET (box), GDK_KEY_Down, GDK_ALT_MASK));
  g_assert_cmpstr (name_at (list, 2), ==, "a.txt");
  g_assert_true (press (GTK_WIDGET (box), GDK_KEY_Up, GDK_ALT_MASK));
  g_assert_cmpstr (name_at (list, 1), ==, "a.txt");

  /* Delete removes it. */
  g_assert_true (press (GTK_WIDGET (box), GDK_KEY_Delete, 0));
  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 2);
  g_assert_cmpstr (name_at (list, 0), ==, "b.txt");
  g_assert_cmpstr (name_at (list, 1), ==, "c.txt");

  /* Dragging c onto the first row puts it first. */
  target = GTK_DROP_TARGET (find_controller (GTK_WIDGET (gtk_list_box_get_row_at_index (box, 0)),
                                             GTK_TYPE_DROP_TARGET));
  g_assert_nonnull (target);
  g_value_init (&value, SATCHEL_TYPE_ATTACHMENT);
  g_value_set_object (&value, item (list, 1));
  g_signal_emit_by_name (target, "drop", &value, 5.0, 5.0, &accepted);
  g_value_unset (&value);
  g_assert_true (accepted);
  g_assert_cmpstr (name_at (list, 0), ==, "c.txt");
  g_assert_cmpstr (name_at (list, 1), ==, "b.txt");

  /* The Remove button of a row. */
  {
    GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (box, 1));
    GtkWidget *button = gui_test_find_widget (row, GTK_TYPE_BUTTON);

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
  }
  g_assert_cmpuint (g_list_model_get_n_items (satchel_attachment_list_get_model (list)), ==, 1);
  g_assert_cmpstr (name_at (list, 0), ==, "c.txt");

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init_env ("test-attachments");
  folder = g_build_filename (g_getenv ("HOME"), "files", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      satchel_register_resource ();
      adw_init ();
    }

  g_test_add_func ("/satchel/gui/attachment-list/model", test_model);
  g_test_add_func ("/satchel/gui/attachment-list/refused", test_refused);
  g_test_add_func ("/satchel/gui/attachment-list/keep-missing", test_keep_missing);
  g_test_add_func ("/satchel/gui/attachment-list/size-limit", test_size_limit);
  g_test_add_func ("/satchel/gui/attachment-list/keyboard-and-drag", test_keyboard_and_drag);

  return g_test_run ();
}
