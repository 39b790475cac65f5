/* test-contacts.c
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

#include "gui-testlib.h"
#include "satchel-contact-store.h"
#include "satchel-contacts-window.h"
#include "satchel-paths.h"
#include "satchel-recipient-entry.h"
#include "satchel-resources.h"

/* Generous: the machine may be loaded. */
#define WAIT_SECONDS 20

static SatchelContactStore *
fresh_store (void)
{
  g_autofree char *path = satchel_paths_contacts_file ();
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *usage = g_build_filename (state, "recipients.tsv", NULL);
  SatchelContactStore *store;

  g_assert_true (g_remove (path) == 0 || errno == ENOENT);
  g_assert_true (g_remove (usage) == 0 || errno == ENOENT);
  store = satchel_contact_store_new (NULL);
  g_assert_true (satchel_contact_store_load (store, NULL));
  return store;
}

static void
add_contact (SatchelContactStore *store,
             const char          *name,
             const char          *address)
{
  g_autoptr(SatchelContact) contact = satchel_contact_new ();
  g_autoptr(GError) error = NULL;

  satchel_contact_set_name (contact, name);
  satchel_contact_add_address (contact, address, NULL);
  g_assert_true (satchel_contact_store_add (store, contact, &error));
  g_assert_no_error (error);
}

/* The status page on screen, if any. */
static AdwStatusPage *
find_mapped_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget) && gtk_widget_get_mapped (widget))
    return ADW_STATUS_PAGE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *page = find_mapped_status_page (child);

      if (page != NULL)
        return page;
    }
  return NULL;
}

static void
test_empty_state (void)
{
  g_autoptr(SatchelContactStore) store = NULL;
  SatchelContactsWindow *window;
  AdwStatusPage *page;

  if (!gui_test_have_display ())
    return;
  store = fresh_store ();
  window = satchel_contacts_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);
  gui_test_spin (50);

  page = find_mapped_status_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Contacts Yet");
  g_assert_nonnull (strstr (adw_status_page_get_description (page), "import a vCard"));

  /* A contact added elsewhere (the CLI) shows up without a reload. */
  add_contact (store, "Ann Lee", "ann@example.com");
  gui_test_spin (50);
  g_assert_cmpuint (g_list_model_get_n_items (satchel_contacts_window_get_visible_contacts (window)), ==, 1);
  g_assert_null (find_mapped_status_page (GTK_WIDGET (window)));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GListModel *model;
  guint       expected;
} CountWait;

static gboolean
count_is (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (wait->model) == wait->expected;
}

static void
test_search (void)
{
  g_autoptr(SatchelContactStore) store = NULL;
  SatchelContactsWindow *window;
  GtkWidget *search;
  CountWait wait;
  AdwStatusPage *page;

  if (!gui_test_have_display ())
    return;
  store = fresh_store ();
  add_contact (store, "Maria Annis", "maria@example.com");
  add_contact (store, "Zoë Müller", "zoe@example.com");
  add_contact (store, "王小明", "wang@example.cn");
  window = satchel_contacts_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);

  wait.model = satchel_contacts_window_get_visible_contacts (window);
  wait.expected = 3;
  gui_test_wait_for (count_is, &wait, WAIT_SECONDS);

  /* Typed into the search entry, as a person would. */
  search = gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);
  g_assert_nonnull (search);
  gtk_widget_grab_focus (search);
  gtk_editable_set_text (GTK_EDITABLE (search), "zoe");
  wait.expected = 1;
  gui_test_wait_for (count_is, &wait, WAIT_SECONDS);
  {
    g_autoptr(SatchelContact) zoe = g_list_model_get_item (wait.model, 0);

    g_assert_cmpstr (satchel_contact_get_name (zoe), ==, "Zoë Müller");
  }

  gtk_editable_set_text (GTK_EDITABLE (search), "小明");
  gui_test_wait_for (count_is, &wait, WAIT_SECONDS);

  gtk_editable_set_text (GTK_EDITABLE (search), "nobody at all");
  wait.expected = 0;
  gui_test_wait_for (count_is, &wait, WAIT_SECONDS);
  gui_test_spin (20);
  page = find_mapped_status_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "No Results");

  satchel_contacts_window_set_search (window, "");
  wait.expected = 3;
  gui_test_wait_for (count_is, &wait, WAIT_SECONDS);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  SatchelRecipientEntry *entry;
  gboolean               visible;
} PopupWait;

static gboolean
popup_is (gpointer data)
{
  PopupWait *wait = data;

  return satchel_recipient_entry_get_popup_visible (wait->entry) == wait->visible;
}

/* Key presses through the entry's own key controller, as GTK delivers
 * them: the test cannot inject X events without a window manager. */
static gboolean
press (SatchelRecipientEntry *entry,
       guint                  keyval)
{
  GtkWidget *text = GTK_WIDGET (satchel_recipient_entry_get_editable (entry));
  GListModel *controllers = gtk_widget_observe_controllers (text);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_object_unref (controllers);
  return handled;
}

static void
test_autocomplete (void)
{
  g_autoptr(SatchelContactStore) store = NULL;
  const char *team[] = { "maria@example.com", "zoe@example.com", NULL };
  GtkWidget *window;
  SatchelRecipientEntry *entry;
  GtkEditable *editable;
  GListModel *suggestions;
  PopupWait wait;

  if (!gui_test_have_display ())
    return;
  store = fresh_store ();
  add_contact (store, "Maria Annis", "maria@example.com");
  add_contact (store, "Mario Rossi", "mario@example.it");
  add_contact (store, "Zoë Müller", "zoe@example.com");
  g_assert_true (satchel_contact_store_add_to_group (store, "Marketing", team, NULL));

  window = gtk_window_new ();
  entry = SATCHEL_RECIPIENT_ENTRY (satchel_recipient_entry_new (store));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (entry));
  gtk_window_set_default_size (GTK_WINDOW (window), 400, -1);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  editable = satchel_recipient_entry_get_editable (entry);
  suggestions = satchel_recipient_entry_get_suggestions (entry);
  wait.entry = entry;

  /* A prefix offers the people and the group. */
  gtk_editable_set_text (editable, "mar");
  wait.visible = TRUE;
  gui_test_wait_for (popup_is, &wait, WAIT_SECONDS);
  g_assert_cmpuint (g_list_model_get_n_items (suggestions), ==, 3);

  /* Down, Enter: the second suggestion. */
  g_assert_true (press (entry, GDK_KEY_Down));
  g_assert_true (press (entry, GDK_KEY_Return));
  g_assert_cmpstr (gtk_editable_get_text (editable), ==, "Mario Rossi <mario@example.it>, ");
  g_assert_false (satchel_recipient_entry_get_popup_visible (entry));

  /* The next recipient, accent-free, taken with Tab. */
  gtk_editable_set_text (editable, "Mario Rossi <mario@example.it>, zoe");
  gui_test_wait_for (popup_is, &wait, WAIT_SECONDS);
  g_assert_true (press (entry, GDK_KEY_Tab));
  g_assert_cmpstr (gtk_editable_get_text (editable), ==,
                   "Mario Rossi <mario@example.it>, Zoë Müller <zoe@example.com>, ");

  /* A group's name offers the group, which brings its members. */
  gtk_editable_set_text (editable, "marke");
  gui_test_wait_for (popup_is, &wait, WAIT_SECONDS);
  g_assert_cmpuint (g_list_model_get_n_items (suggestions), ==, 1);
  g_assert_true (press (entry, GDK_KEY_Return));
  g_assert_cmpstr (gtk_editable_get_text (editable), ==,
                   "Maria Annis <maria@example.com>, Zoë Müller <zoe@example.com>, ");

  /* Escape closes the list and leaves the text; Up wraps around. */
  gtk_editable_set_text (editable, "ma");
  gui_test_wait_for (popup_is, &wait, WAIT_SECONDS);
  g_assert_true (press (entry, GDK_KEY_Up));
  g_assert_true (press (entry, GDK_KEY_Escape));
  g_assert_false (satchel_recipient_entry_get_popup_visible (entry));
  g_assert_cmpstr (gtk_editable_get_text (editable), ==, "ma");
  /* Closed: Enter and Tab are the entry's again. */
  g_assert_false (press (entry, GDK_KEY_Return));
  g_assert_false (press (entry, GDK_KEY_Tab));

  /* Nothing matches: no list. */
  gtk_editable_set_text (editable, "qqq");
  g_assert_false (satchel_recipient_entry_get_popup_visible (entry));

  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwMessageDialog *
find_dialog (void)
{
  return (AdwMessageDialog *) gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG);
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

/* The dialog's entry rows, in order. */
static GPtrArray *
dialog_rows (AdwMessageDialog *dialog)
{
  GtkWidget *list = adw_message_dialog_get_extra_child (dialog);
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ENTRY_ROW (row))
      g_ptr_array_add (rows, row);
  return rows;
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gui_test_spin (20);
}

static void
test_add_edit_delete (void)
{
  g_autoptr(SatchelContactStore) store = NULL;
  g_autoptr(SatchelContact) ann = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(SatchelContactGroup) team = NULL;
  SatchelContactsWindow *window;
  AdwMessageDialog *dialog;
  GtkListView *view;

  if (!gui_test_have_display ())
    return;
  store = fresh_store ();
  window = satchel_contacts_window_new (NULL, store);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, WAIT_SECONDS);

  /* Add: Ctrl+N's action, the form filled in, Save. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "contacts.add-contact", NULL));
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "New Contact");
  rows = dialog_rows (dialog);
  g_assert_cmpuint (rows->len, ==, 4);
  gtk_editable_set_text (rows->pdata[0], "Ann Lee");
  gtk_editable_set_text (rows->pdata[1], "ann@example.com; Ann Work <ann@work.example>");
  gtk_editable_set_text (rows->pdata[2], "Annie");
  answer (dialog, "save");
  ann = satchel_contact_store_lookup_by_address (store, "ann@work.example");
  g_assert_nonnull (ann);
  g_assert_cmpstr (satchel_contact_get_name (ann), ==, "Ann Lee");
  g_assert_cmpstr (satchel_contact_get_nickname (ann), ==, "Annie");
  g_assert_cmpuint (satchel_contact_get_n_addresses (ann), ==, 2);

  /* A bad address: nothing saved, a notice instead. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "contacts.add-contact", NULL));
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  dialog = find_dialog ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = dialog_rows (dialog);
  gtk_editable_set_text (rows->pdata[0], "Broken");
  gtk_editable_set_text (rows->pdata[1], "not an address");
  answer (dialog, "save");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1);

  /* Edit: Enter on the row opens the contact. */
  view = GTK_LIST_VIEW (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW));
  g_signal_emit_by_name (view, "activate", 0);
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Edit Contact");
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = dialog_rows (dialog);
  g_assert_cmpstr (gtk_editable_get_text (rows->pdata[0]), ==, "Ann Lee");
  gtk_editable_set_text (rows->pdata[0], "Ann Lee-Smith");
  answer (dialog, "save");
  g_clear_object (&ann);
  ann = satchel_contact_store_lookup_by_address (store, "ann@example.com");
  g_assert_cmpstr (satchel_contact_get_name (ann), ==, "Ann Lee-Smith");

  /* A group, from the menu's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "contacts.add-group", NULL));
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  dialog = find_dialog ();
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = dialog_rows (dialog);
  gtk_editable_set_text (rows->pdata[0], "Team");
  gtk_editable_set_text (rows->pdata[1], "ann@example.com, bob@example.com");
  answer (dialog, "save");
  team = satchel_contact_store_lookup_group (store, "Team");
  g_assert_nonnull (team);
  g_assert_cmpuint (satchel_contact_group_get_n_members (team), ==, 2);

  /* Delete: confirm, and the contact goes. */
  g_signal_emit_by_name (view, "activate", 0);
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  answer (find_dialog (), "cancel");
  {
    GtkWidget *trash = NULL;
    GtkWidget *row_box = gui_test_find_widget (GTK_WIDGET (view), GTK_TYPE_BOX);

    for (GtkWidget *child = gtk_widget_get_first_child (row_box); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      trash = child;
    g_assert_true (GTK_IS_BUTTON (trash));
    g_signal_emit_by_name (trash, "clicked");
  }
  gui_test_wait_for (dialog_shown, NULL, WAIT_SECONDS);
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Ann Lee-Smith”?");
  answer (dialog, "delete");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init_env ("test-contacts");

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      satchel_register_resource ();
      adw_init ();
    }

  g_test_add_func ("/satchel/gui/contacts/empty-state", test_empty_state);
  g_test_add_func ("/satchel/gui/contacts/search", test_search);
  g_test_add_func ("/satchel/gui/contacts/add-edit-delete", test_add_edit_delete);
  g_test_add_func ("/satchel/gui/recipient-entry/autocomplete", test_autocomplete);

  return g_test_run ();
}
