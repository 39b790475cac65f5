/* test-compose.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>

#include "gui-testlib.h"
#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-compose-check.h"
#include "satchel-compose-window.h"
#include "satchel-contact-store.h"
#include "satchel-paths.h"
#include "satchel-recipient-entry.h"
#include "satchel-rich-text.h"
#include "satchel-send-window.h"

static SatchelApplication *app;
static char *folder;

/* The To, Cc and Bcc fields, in that order. */
static SatchelRecipientEntry *
recipient_entry (SatchelComposeWindow *window,
                 guint                 index)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  gui_test_collect_widgets (GTK_WIDGET (window), SATCHEL_TYPE_RECIPIENT_ENTRY, entries);
  g_assert_cmpuint (entries->len, ==, 3);
  return g_ptr_array_index (entries, index);
}

static GtkEditable *
subject_entry (SatchelComposeWindow *window)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  gui_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_ENTRY, entries);
  /* The three recipient entries come first in the grid. */
  for (guint i = 0; i < entries->len; i++)
    if (!SATCHEL_IS_RECIPIENT_ENTRY (gtk_widget_get_parent (entries->pdata[i])))
      return entries->pdata[i];
  g_assert_not_reached ();
}

static char *
body_text (SatchelComposeWindow *window)
{
  GtkTextBuffer *buffer = satchel_compose_window_get_body_buffer (window);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_body (SatchelComposeWindow *window,
          const char           *text)
{
  GtkTextBuffer *buffer = satchel_compose_window_get_body_buffer (window);
  GtkTextIter start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_insert (buffer, &start, text, -1);
}

/* The focus of the window is @widget or inside it (the window need not
 * be active: there is no window manager). */
static gboolean
has_focus (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static GFile *
make_file (const char *name,
           gsize       size)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *content = g_malloc (size);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    content[i] = (char) (i * 7 + 3);
  g_file_set_contents (path, content, size, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static char *
make_png (const char *name)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 12);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (folder, name, NULL);

  gdk_pixbuf_fill (pixbuf, 0x3584e4ff);
  gdk_pixbuf_save (pixbuf, path, "png", &error, NULL);
  g_assert_no_error (error);
  return path;
}

static void
add_account (SatchelAccountStore *store,
             const char          *name,
             const char          *address,
             const char          *signature,
             guint64              size_limit)
{
  g_autoptr(SatchelAccount) account = satchel_account_new (name);
  g_autoptr(GError) error = NULL;

  satchel_account_set_address (account, address);
  satchel_account_set_display_name (account, "Alice Liddell");
  satchel_account_set_host (account, "127.0.0.1");
  satchel_account_set_port (account, 9);
  satchel_account_set_security (account, SATCHEL_SECURITY_NONE);
  satchel_account_set_signature (account, signature);
  satchel_account_set_size_limit (account, size_limit);
  satchel_account_store_add (store, account, &error);
  g_assert_no_error (error);
}

/* Two accounts, "work" the default; no drafts, nothing in the outbox. */
static void
reset (void)
{
  SatchelContext *context = satchel_application_get_context (app);
  SatchelAccountStore *store = satchel_context_get_accounts (context);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *accounts = satchel_paths_accounts_file ();
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  g_assert_true (g_remove (accounts) == 0 || errno == ENOENT);
  g_assert_true (satchel_account_store_load (store, NULL));
  add_account (store, "work", "alice@example.com", "Alice Liddell\nExample Corp", 0);
  add_account (store, "zhome", "alice@home.example", "A.", 0);
  g_settings_reset (settings, "last-account");
  g_settings_reset (settings, "rich-text");

  items = satchel_outbox_list (satchel_context_get_outbox (context), NULL);
  for (guint i = 0; items != NULL && i < items->len; i++)
    satchel_outbox_remove (satchel_context_get_outbox (context), items->pdata[i], NULL);
  drafts = satchel_draft_store_list (satchel_application_get_drafts (app), NULL);
  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    satchel_draft_store_remove (satchel_application_get_drafts (app),
                                satchel_draft_get_id (drafts->pdata[i]), NULL);
}

static guint
n_drafts (void)
{
  g_autoptr(GPtrArray) drafts = satchel_draft_store_list (satchel_application_get_drafts (app), NULL);

  return drafts != NULL ? drafts->len : 0;
}

static gboolean
has_draft (gpointer user_data)
{
  return n_drafts () > 0;
}

static guint
n_queued (void)
{
  g_autoptr(GPtrArray) items =
    satchel_outbox_list (satchel_context_get_outbox (satchel_application_get_context (app)), NULL);

  return items != NULL ? items->len : 0;
}

static gboolean
has_queued (gpointer user_data)
{
  return n_queued () > 0;
}

static gboolean
list_loaded (gpointer window)
{
  return !satchel_attachment_list_get_loading (satchel_compose_window_get_attachment_list (window));
}

static gboolean
has_dialog (gpointer window)
{
  return satchel_compose_window_get_pending_dialog (window) != NULL;
}

static SatchelComposeWindow *
new_window (void)
{
  SatchelComposeWindow *window = satchel_compose_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, 30);
  return window;
}

static void
test_empty (void)
{
  SatchelComposeWindow *window;
  g_autofree char *body = NULL;

  if (!gui_test_have_display ())
    return;
  reset ();
  window = new_window ();

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "New Message");
  /* The default account's signature, after "-- ", the cursor above. */
  body = body_text (window);
  g_assert_cmpstr (body, ==, "\n\n-- \nAlice Liddell\nExample Corp");
  g_assert_true (has_focus (GTK_WIDGET (satchel_recipient_entry_get_editable (recipient_entry (window, 0)))));
  /* Cc and Bcc on demand. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (recipient_entry (window, 1))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.show-cc", NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (recipient_entry (window, 1))));

  /* Closing an empty window never saved leaves no draft. */
  gtk_window_close (GTK_WINDOW (window));
  gui_test_spin (500);
  g_assert_cmpuint (n_drafts (), ==, 0);
}

/* The size of compose windows is kept; rich text is a preference. */
static void
test_window_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  SatchelComposeWindow *window;
  int width;
  int height;

  if (!gui_test_have_display ())
    return;
  reset ();
  g_settings_set_int (settings, "compose-width", 700);
  g_settings_set_int (settings, "compose-height", 500);
  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  g_assert_cmpint (g_settings_get_int (settings, "compose-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "compose-height"), ==, 610);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "compose-width");
  g_settings_reset (settings, "compose-height");

  /* New messages start in rich text when the preference says so. */
  g_settings_set_boolean (settings, "rich-text", TRUE);
  window = new_window ();
  {
    gboolean rich = FALSE;
    g_autoptr(GPtrArray) toggles = g_ptr_array_new ();
    GtkWidget *bold = NULL;

    g_object_get (window, "rich-text", &rich, NULL);
    g_assert_true (rich);

    /* The formatting bar shows. */
    gui_test_collect_widgets (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, toggles);
    for (guint i = 0; i < toggles->len; i++)
      if (g_strcmp0 (gtk_button_get_icon_name (toggles->pdata[i]), "format-text-bold-symbolic") == 0)
        bold = toggles->pdata[i];
    g_assert_nonnull (bold);
    gui_test_spin (300);
    g_assert_true (gtk_widget_get_mapped (bold));
  }
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "rich-text");
}

static void
test_signature_swap (void)
{
  SatchelComposeWindow *window;
  GtkDropDown *from;
  g_autofree char *body = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter end;

  if (!gui_test_have_display ())
    return;
  reset ();
  window = new_window ();
  from = GTK_DROP_DOWN (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  set_body (window, "Hello Bob,");

  /* Untouched, the signature follows the account. */
  gtk_drop_down_set_selected (from, 1);
  body = body_text (window);
  g_assert_cmpstr (body, ==, "Hello Bob,\n\n-- \nA.");
  g_clear_pointer (&body, g_free);

  /* Once the user edits it, it is theirs. */
  buffer = satchel_compose_window_get_body_buffer (window);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, " (from home)", -1);
  gtk_drop_down_set_selected (from, 0);
  body = body_text (window);
  g_assert_cmpstr (body, ==, "Hello Bob,\n\n-- \nA. (from home)");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_recipients (void)
{
  g_autoptr(SatchelContactStore) contacts = satchel_contact_store_new (NULL);
  g_autoptr(SatchelContactGroup) group = satchel_contact_group_new ("Team");
  g_autoptr(GError) error = NULL;
  SatchelComposeWindow *window;
  SatchelRecipientEntry *to;
  GtkWidget *editable;
  g_autoptr(SatchelContact) added = NULL;

  if (!gui_test_have_display ())
    return;
  reset ();
  g_assert_true (satchel_contact_store_load (contacts, NULL));
  satchel_contact_group_add_member (group, "ann@example.com");
  satchel_contact_group_add_member (group, "bob@example.com");
  g_assert_true (satchel_contact_store_set_group (contacts, group, &error));
  g_assert_no_error (error);

  window = new_window ();
  to = recipient_entry (window, 0);
  editable = GTK_WIDGET (satchel_recipient_entry_get_editable (to));

  /* The recipient being typed is not judged yet; the others are. */
  gtk_editable_set_text (GTK_EDITABLE (editable), "carol@example.com; not an address, dave@exa");
  gtk_editable_set_position (GTK_EDITABLE (editable), -1);
  g_assert_true (satchel_recipient_entry_get_invalid (to));
  g_assert_true (gtk_widget_has_css_class (editable, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (editable), "not an address"));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (editable), "dave@exa"));

  /* Send: nothing leaves, the field has the focus, the reason shows. */
  satchel_compose_window_send (window);
  gui_test_spin (200);
  g_assert_cmpuint (n_queued (), ==, 0);
  g_assert_true (has_focus (editable));

  /* A pasted list with a group name: the group becomes its members. */
  satchel_recipient_entry_set_text (to, "Carol <carol@example.com>;  Team ,");
  g_assert_false (satchel_recipient_entry_get_invalid (to));
  g_assert_true (satchel_recipient_entry_check (to, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (satchel_recipient_entry_get_text (to), ==,
                   "Carol <carol@example.com>, ann@example.com, bob@example.com");
  g_assert_false (gtk_widget_has_css_class (editable, "error"));

  /* Add to Address Book: Carol is new (with her name), the others too. */
  g_assert_cmpuint (satchel_recipient_entry_add_to_address_book (to), ==, 3);
  g_assert_true (satchel_contact_store_load (contacts, NULL));
  added = satchel_contact_store_lookup_by_address (contacts, "carol@example.com");
  g_assert_nonnull (added);
  g_assert_cmpstr (satchel_contact_get_name (added), ==, "Carol");
  g_assert_cmpuint (satchel_recipient_entry_add_to_address_book (to), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
fill_minimal (SatchelComposeWindow *window,
              const char           *subject)
{
  satchel_recipient_entry_set_text (recipient_entry (window, 0), "bob@example.com");
  gtk_editable_set_text (subject_entry (window), subject);
}

static void
test_reminder (void)
{
  SatchelComposeWindow *window;
  AdwMessageDialog *dialog;
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);

  if (!gui_test_have_display ())
    return;
  reset ();
  g_settings_set_uint (settings, "undo-delay", 30);

  /* The text mentions an attachment and none is attached. */
  window = new_window ();
  fill_minimal (window, "Report");
  set_body (window, "Hi Bob,\nthe report is attached.\n");
  satchel_compose_window_send (window);
  gui_test_wait_for (has_dialog, window, 30);
  dialog = satchel_compose_window_get_pending_dialog (window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send Without Attachment?");
  adw_message_dialog_response (dialog, "cancel");
  gui_test_spin (200);
  g_assert_null (satchel_compose_window_get_pending_dialog (window));
  g_assert_cmpuint (n_queued (), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));

  /* In Chinese too. */
  window = new_window ();
  fill_minimal (window, "季度报告见附件");
  satchel_compose_window_send (window);
  gui_test_wait_for (has_dialog, window, 30);
  adw_message_dialog_response (satchel_compose_window_get_pending_dialog (window), "send");
  gui_test_wait_for (has_queued, NULL, 30);
  g_assert_cmpuint (n_queued (), ==, 1);
  reset ();

  /* A quoted line and the signature do not count: it leaves at once. */
  {
    SatchelAccountStore *store = satchel_context_get_accounts (satchel_application_get_context (app));
    g_autoptr(SatchelAccount) work = satchel_account_store_lookup (store, "work");

    satchel_account_set_signature (work, "Alice\nSee the attached terms of use.");
    g_assert_true (satchel_account_store_update (store, work, NULL));
    g_assert_true (satchel_account_store_load (store, NULL));
  }
  window = new_window ();
  fill_minimal (window, "Re: the plan");
  set_body (window, "Yes, let us do that.\n\n> I have attached the plan.\n");
  g_assert_nonnull (strstr (body_text (window), "attached terms"));
  satchel_compose_window_send (window);
  gui_test_wait_for (has_queued, NULL, 30);
  g_assert_cmpuint (n_queued (), ==, 1);
  g_settings_reset (settings, "undo-delay");
}

static void
test_size_warning (void)
{
  SatchelAccountStore *store = satchel_context_get_accounts (satchel_application_get_context (app));
  g_autoptr(SatchelAccount) work = NULL;
  g_autoptr(GFile) file = NULL;
  SatchelComposeWindow *window;
  SatchelAttachmentList *list;
  AdwMessageDialog *dialog;

  if (!gui_test_have_display ())
    return;
  reset ();
  /* The server said SIZE 10000; the file is 9000 bytes, 12 kB as sent. */
  work = satchel_account_store_lookup (store, "work");
  satchel_account_set_size_limit (work, 10000);
  g_assert_true (satchel_account_store_update (store, work, NULL));
  g_assert_true (satchel_account_store_load (store, NULL));
  file = make_file ("scan.pdf", 9000);

  window = new_window ();
  fill_minimal (window, "The scan");
  list = satchel_compose_window_get_attachment_list (window);
  satchel_attachment_list_add_file (list, file, FALSE);
  gui_test_wait_for (list_loaded, window, 30);
  g_assert_cmpuint (satchel_attachment_list_get_size_limit (list), ==, 10000);
  g_assert_true (satchel_attachment_list_get_over_limit (list));
  g_assert_cmpstr (satchel_attachment_list_get_summary (list), ==, "12.3\xc2\xa0kB of 10.0\xc2\xa0kB");

  satchel_compose_window_send (window);
  gui_test_wait_for (has_dialog, window, 30);
  dialog = satchel_compose_window_get_pending_dialog (window);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Too Large for the Server");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "12.3\xc2\xa0kB"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "10.0\xc2\xa0kB"));
  adw_message_dialog_response (dialog, "back");
  gui_test_spin (200);
  g_assert_cmpuint (n_queued (), ==, 0);

  /* Send anyway: the user's choice. */
  satchel_compose_window_send (window);
  gui_test_wait_for (has_dialog, window, 30);
  adw_message_dialog_response (satchel_compose_window_get_pending_dialog (window), "send");
  gui_test_wait_for (has_queued, NULL, 30);
}

static void
test_draft_round_trip (void)
{
  g_autoptr(GFile) kept = NULL;
  g_autoptr(GFile) gone = NULL;
  g_autofree char *gone_path = NULL;
  g_autofree char *png = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  SatchelComposeWindow *window;
  SatchelAttachmentList *list;
  GListModel *model;
  SatchelDraft *draft;
  g_autoptr(SatchelAttachment) second = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter end;

  if (!gui_test_have_display ())
    return;
  reset ();
  kept = make_file ("合同.pdf", 100);
  gone = make_file ("old notes.txt", 50);
  gone_path = g_file_get_path (gone);
  png = make_png ("logo.png");

  window = new_window ();
  g_object_set (window, "rich-text", TRUE, NULL);
  satchel_recipient_entry_set_text (recipient_entry (window, 0), "Bob <bob@example.com>, not yet@");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.show-bcc", NULL));
  satchel_recipient_entry_set_text (recipient_entry (window, 2), "boss@example.com");
  gtk_editable_set_text (subject_entry (window), "合同 draft");
  buffer = satchel_compose_window_get_body_buffer (window);
  set_body (window, "Dear Bob, ");
  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (buffer, &start);
    gtk_text_iter_forward_chars (&start, 10);
    gtk_text_buffer_place_cursor (buffer, &start);
  }
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_BOLD);
  gtk_text_buffer_insert_at_cursor (buffer, "thanks", -1);
  satchel_rich_text_insert_image (buffer, png);
  list = satchel_compose_window_get_attachment_list (window);
  satchel_attachment_list_add_file (list, kept, FALSE);
  satchel_attachment_list_add_file (list, gone, FALSE);
  gui_test_wait_for (list_loaded, window, 30);

  /* Saved by itself 2 s after the last change. */
  gui_test_wait_for (has_draft, NULL, 30);
  gui_test_spin (300);
  g_assert_cmpuint (n_drafts (), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_cmpint (g_remove (gone_path), ==, 0);

  drafts = satchel_draft_store_list (satchel_application_get_drafts (app), NULL);
  draft = drafts->pdata[0];
  g_assert_cmpstr (satchel_draft_get_account (draft), ==, "work");
  g_assert_cmpstr (satchel_draft_get_to (draft), ==, "Bob <bob@example.com>, not yet@");
  g_assert_cmpstr (satchel_draft_get_bcc (draft), ==, "boss@example.com");
  g_assert_cmpstr (satchel_draft_get_subject (draft), ==, "合同 draft");
  g_assert_nonnull (strstr (satchel_draft_get_html (draft), "<b>thanks</b>"));
  g_assert_true (g_str_has_prefix (satchel_draft_get_body (draft), "Dear Bob, thanks[logo.png]"));
  g_assert_cmpuint (g_strv_length ((GStrv) satchel_draft_get_attachments (draft)), ==, 2);

  /* Reopened: every field back, the missing file shown as missing. */
  window = satchel_compose_window_new_for_draft (app, draft);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_wait_for (gui_test_is_mapped, window, 30);
  gui_test_wait_for (list_loaded, window, 30);
  g_assert_cmpstr (satchel_recipient_entry_get_text (recipient_entry (window, 0)), ==,
                   "Bob <bob@example.com>, not yet@");
  g_assert_true (satchel_recipient_entry_get_invalid (recipient_entry (window, 0)));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (recipient_entry (window, 2))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (recipient_entry (window, 1))));
  g_assert_cmpstr (gtk_editable_get_text (subject_entry (window)), ==, "合同 draft");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "合同 draft");
  {
    gboolean rich = FALSE;
    g_autofree char *html = NULL;
    g_auto(GStrv) images = NULL;

    g_object_get (window, "rich-text", &rich, NULL);
    g_assert_true (rich);
    buffer = satchel_compose_window_get_body_buffer (window);
    html = satchel_rich_text_to_html (buffer, NULL, NULL);
    g_assert_cmpstr (html, ==, satchel_draft_get_html (draft));
    images = satchel_rich_text_dup_images (buffer);
    g_assert_cmpuint (g_strv_length (images), ==, 1);
    g_assert_cmpstr (images[0], ==, png);
  }
  list = satchel_compose_window_get_attachment_list (window);
  model = satchel_attachment_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  second = g_list_model_get_item (model, 1);
  g_assert_cmpstr (satchel_attachment_get_path (second), ==, gone_path);
  g_assert_cmpint (satchel_attachment_get_state (second), ==, SATCHEL_ATTACHMENT_STATE_MISSING);

  /* Reopening changed nothing: closing writes nothing new. */
  g_assert_cmpstr (satchel_compose_window_get_draft (window) == draft ? "same" : "other", ==, "same");
  buffer = satchel_compose_window_get_body_buffer (window);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_window_close (GTK_WINDOW (window));
  gui_test_spin (300);
  g_assert_cmpuint (n_drafts (), ==, 1);
}

static void
test_rich_text (void)
{
  g_autoptr(GtkTextBuffer) buffer = gtk_text_buffer_new (NULL);
  g_autoptr(GtkTextBuffer) copy = gtk_text_buffer_new (NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *png = NULL;
  g_autofree char *png2_dir = NULL;
  g_autofree char *png2 = NULL;
  g_autofree char *html = NULL;
  g_autofree char *draft_html = NULL;
  g_autofree char *again = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextIter iter;

  if (!gui_test_have_display ())
    return;
  png = make_png ("chart.png");
  png2_dir = g_build_filename (folder, "other", NULL);
  g_assert_cmpint (g_mkdir_with_parents (png2_dir, 0700), ==, 0);
  png2 = g_build_filename (png2_dir, "chart.png", NULL);
  {
    g_autoptr(GFile) source = g_file_new_for_path (png);
    g_autoptr(GFile) destination = g_file_new_for_path (png2);

    g_assert_true (g_file_copy (source, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, NULL));
  }

  satchel_rich_text_setup (buffer);
  gtk_text_buffer_insert_at_cursor (buffer, "Plain <&> ", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_BOLD);
  gtk_text_buffer_insert_at_cursor (buffer, "bold ", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_ITALIC);
  gtk_text_buffer_insert_at_cursor (buffer, "both", -1);
  /* Typing goes on in the style of the text before. */
  g_assert_true (satchel_rich_text_get_style (buffer, SATCHEL_RICH_TEXT_BOLD));
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_BOLD);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_ITALIC);
  gtk_text_buffer_insert_at_cursor (buffer, "  two spaces\n", -1);

  /* A list: Enter continues it, Enter on an empty item ends it. */
  satchel_rich_text_toggle_bullets (buffer);
  gtk_text_buffer_insert_at_cursor (buffer, "first", -1);
  g_assert_true (satchel_rich_text_newline (buffer));
  gtk_text_buffer_insert_at_cursor (buffer, "second ", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_UNDERLINE);
  gtk_text_buffer_insert_at_cursor (buffer, "under", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_UNDERLINE);
  g_assert_true (satchel_rich_text_newline (buffer));
  g_assert_true (satchel_rich_text_newline (buffer));
  g_assert_false (satchel_rich_text_get_bullets (buffer));
  g_assert_false (satchel_rich_text_newline (buffer));

  /* A link on selected text, and one inserted as its address. */
  gtk_text_buffer_insert_at_cursor (buffer, "See the site", -1);
  gtk_text_buffer_get_end_iter (buffer, &iter);
  {
    GtkTextIter start = iter;

    gtk_text_iter_backward_chars (&start, 4);
    gtk_text_buffer_select_range (buffer, &start, &iter);
  }
  satchel_rich_text_insert_link (buffer, "https://example.com/?a=1&b=2");
  gtk_text_buffer_get_end_iter (buffer, &iter);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_text_buffer_insert_at_cursor (buffer, " or ", -1);
  satchel_rich_text_insert_link (buffer, "https://satchel.example");
  gtk_text_buffer_insert_at_cursor (buffer, "\n", -1);
  /* Two pictures with the same name, one twice. */
  satchel_rich_text_insert_image (buffer, png);
  satchel_rich_text_insert_image (buffer, png2);
  satchel_rich_text_insert_image (buffer, png);

  html = satchel_rich_text_to_html (buffer, paths, names);
  g_test_message ("%s", html);
  g_assert_nonnull (strstr (html, "Plain &lt;&amp;&gt; <b>bold </b><b><i>both</i></b> &#160;two spaces<br/>"));
  g_assert_nonnull (strstr (html, "<ul>\n<li>first</li>\n<li>second <u>under</u></li>\n</ul>\n"));
  g_assert_nonnull (strstr (html, "See the <a href=\"https://example.com/?a=1&amp;b=2\">site</a> or "
                                  "<a href=\"https://satchel.example\">https://satchel.example</a><br/>"));
  g_assert_nonnull (strstr (html, "<img src=\"cid:chart.png\" alt=\"chart.png\"/>"
                                  "<img src=\"cid:2-chart.png\" alt=\"chart.png\"/>"
                                  "<img src=\"cid:chart.png\" alt=\"chart.png\"/>"));
  g_assert_cmpuint (paths->len, ==, 2);
  g_assert_cmpstr (paths->pdata[0], ==, png);
  g_assert_cmpstr (paths->pdata[1], ==, png2);
  g_assert_cmpstr (names->pdata[1], ==, "2-chart.png");

  plain = satchel_rich_text_to_plain (buffer);
  g_assert_cmpstr (plain, ==,
                   "Plain <&> bold both  two spaces\n"
                   "* first\n"
                   "* second under\n"
                   "See the site <https://example.com/?a=1&b=2> or https://satchel.example\n"
                   "[chart.png][chart.png][chart.png]");

  /* A draft's form (file: URIs) reads back to the same content. */
  draft_html = satchel_rich_text_to_html (buffer, NULL, NULL);
  g_assert_nonnull (strstr (draft_html, "src=\"file://"));
  satchel_rich_text_setup (copy);
  g_assert_true (satchel_rich_text_load_html (copy, draft_html, &error));
  g_assert_no_error (error);
  again = satchel_rich_text_to_html (copy, NULL, NULL);
  g_assert_cmpstr (again, ==, draft_html);

  /* Not our form: refused, the buffer as it was. */
  g_assert_false (satchel_rich_text_load_html (copy, "<p>unclosed", &error));
  g_assert_nonnull (error);
  g_clear_pointer (&again, g_free);
  again = satchel_rich_text_to_html (copy, NULL, NULL);
  g_assert_cmpstr (again, ==, draft_html);

  /* Plain again: no formatting, pictures become their names. */
  satchel_rich_text_clear_formatting (copy);
  g_assert_false (satchel_rich_text_has_formatting (copy));
  g_clear_pointer (&plain, g_free);
  {
    GtkTextIter start;
    GtkTextIter end;

    gtk_text_buffer_get_bounds (copy, &start, &end);
    plain = gtk_text_buffer_get_text (copy, &start, &end, TRUE);
  }
  g_assert_true (g_str_has_suffix (plain, "\n[chart.png][chart.png][chart.png]"));
}

static void
test_drop (void)
{
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  GdkFileList *files;
  g_autoptr(GListModel) controllers = NULL;
  GtkDropTarget *target = NULL;
  SatchelComposeWindow *window;
  GListModel *model;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;
  GSList *list = NULL;

  if (!gui_test_have_display ())
    return;
  reset ();
  a = make_file ("dropped one.txt", 10);
  b = make_file ("第二个.txt", 20);
  window = new_window ();

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (gtk_drop_target_get_gtypes (target, NULL)[0] == GDK_TYPE_FILE_LIST);

  list = g_slist_append (list, a);
  list = g_slist_append (list, b);
  files = gdk_file_list_new_from_list (list);
  g_slist_free (list);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_set_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 100.0, 300.0, &accepted);
  g_value_unset (&value);
  g_boxed_free (GDK_TYPE_FILE_LIST, files);
  g_assert_true (accepted);

  gui_test_wait_for (list_loaded, window, 30);
  model = satchel_attachment_list_get_model (satchel_compose_window_get_attachment_list (window));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  {
    g_autoptr(SatchelAttachment) second = g_list_model_get_item (model, 1);

    g_assert_cmpstr (satchel_attachment_get_display_name (second), ==, "第二个.txt");
    g_assert_cmpuint (satchel_attachment_get_size (second), ==, 20);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_two_attachments (gpointer window)
{
  GListModel *model = satchel_attachment_list_get_model (satchel_compose_window_get_attachment_list (window));

  return g_list_model_get_n_items (model) == 2 && list_loaded (window);
}

/* Ctrl+V with files on the clipboard attaches them, from the text too. */
static void
test_paste (void)
{
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  g_autoptr(GListModel) controllers = NULL;
  SatchelComposeWindow *window;
  GdkFileList *files;
  GSList *list = NULL;
  gboolean handled = FALSE;

  if (!gui_test_have_display ())
    return;
  reset ();
  a = make_file ("pasted.txt", 10);
  b = make_file ("粘贴.txt", 20);
  window = new_window ();
  gtk_widget_grab_focus (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_TEXT_VIEW));

  list = g_slist_append (list, a);
  list = g_slist_append (list, b);
  files = gdk_file_list_new_from_list (list);
  g_slist_free (list);
  gdk_clipboard_set (gtk_widget_get_clipboard (GTK_WIDGET (window)), GDK_TYPE_FILE_LIST, files);
  g_boxed_free (GDK_TYPE_FILE_LIST, files);

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_v, 0, GDK_CONTROL_MASK, &handled);
    }
  g_assert_true (handled);
  gui_test_wait_for (has_two_attachments, window, 30);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
shows_unreadable (gpointer window)
{
  return shows_text (window, "/vanished.txt” cannot be read");
}

/* A file gone between attaching and sending: the window says so and
 * keeps everything; nothing is queued. */
static void
test_queue_error (void)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  SatchelComposeWindow *window;

  if (!gui_test_have_display ())
    return;
  reset ();
  file = make_file ("vanished.txt", 10);
  path = g_file_get_path (file);
  window = new_window ();
  fill_minimal (window, "It was here");
  satchel_attachment_list_add_file (satchel_compose_window_get_attachment_list (window), file, FALSE);
  gui_test_wait_for (list_loaded, window, 30);
  g_assert_cmpint (g_remove (path), ==, 0);

  satchel_compose_window_send (window);
  gui_test_wait_for (shows_unreadable, window, 30);
  gui_test_spin (300);
  g_assert_cmpuint (n_queued (), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_editable_get_text (subject_entry (window)), ==, "It was here");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (subject_entry (window))));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
can_send (gpointer window)
{
  return gtk_widget_is_sensitive (GTK_WIDGET (subject_entry (window)));
}

/* Sent, the window goes at once; cancelled while the message is on its
 * way to the outbox, nothing is queued and the window comes back with
 * the message. */
static void
test_cancel (void)
{
  SatchelComposeWindow *window;

  if (!gui_test_have_display ())
    return;
  reset ();
  window = new_window ();
  fill_minimal (window, "Never mind");
  satchel_compose_window_send (window);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.cancel-send", NULL));
  gui_test_wait_for (can_send, window, 30);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (subject_entry (window))));
  gui_test_spin (300);
  g_assert_cmpuint (n_queued (), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (subject_entry (window)), ==, "Never mind");
  /* And it can be sent after all. */
  gtk_widget_activate_action (GTK_WIDGET (window), "compose.send", NULL);
  gui_test_wait_for (has_queued, NULL, 30);
}

static gboolean
is_destroyed (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

static SatchelSendWindow *
find_send_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SATCHEL_IS_SEND_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
has_send_window (gpointer user_data)
{
  return find_send_window () != NULL;
}

/* What the message's window showed when it came, and its Cancel,
 * clicked then. */
typedef struct
{
  SatchelSendWindow *window;
  char              *outbox_id;
  char              *status;
  char              *subject;
  char              *recipients;
  gboolean           undo_visible;
  gboolean           cancel_visible;
  gboolean           cancelled;
} EarlyCancel;

static void
early_clear (EarlyCancel *early)
{
  g_clear_pointer (&early->outbox_id, g_free);
  g_clear_pointer (&early->status, g_free);
  g_clear_pointer (&early->subject, g_free);
  g_clear_pointer (&early->recipients, g_free);
}

static gboolean
cancel_early_idle (gpointer data)
{
  EarlyCancel *early = data;
  GtkWidget *window = GTK_WIDGET (early->window);
  GtkLabel *label;

  early->outbox_id = g_strdup (satchel_send_window_get_outbox_id (early->window));
  label = gui_test_find_label (window, "Outbox");
  early->status = g_strdup (label != NULL ? gtk_label_get_text (label) : "");
  label = gui_test_find_label (window, "On its way");
  early->subject = g_strdup (label != NULL ? gtk_label_get_text (label) : "");
  label = gui_test_find_label (window, "To ");
  early->recipients = g_strdup (label != NULL ? gtk_label_get_text (label) : "");
  early->undo_visible = gtk_widget_get_visible (gui_test_find_button (window, "_Undo", FALSE));
  early->cancel_visible = gtk_widget_get_visible (gui_test_find_button (window, "_Cancel", FALSE));
  g_signal_emit_by_name (gui_test_find_button (window, "_Cancel", FALSE), "clicked");
  early->cancelled = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_send_window_added (GtkApplication *application,
                      GtkWindow      *window,
                      EarlyCancel    *early)
{
  if (!SATCHEL_IS_SEND_WINDOW (window) || early->window != NULL)
    return;
  /* Filled in once it is built. */
  early->window = SATCHEL_SEND_WINDOW (window);
  g_idle_add_full (G_PRIORITY_HIGH, cancel_early_idle, early, NULL);
}

static gboolean
compose_back_or_gone (gpointer data)
{
  GtkWidget *window = *(gpointer *) data;

  return window == NULL || gtk_widget_get_visible (window);
}

static gboolean
has_no_send_window (gpointer user_data)
{
  return find_send_window () == NULL;
}

/* With no main window on screen, the message gets a window of its own
 * as soon as the compose window goes: "Putting it in the Outbox…" with
 * Cancel, which brings the compose window back; queued, the same
 * window counts down to its leaving, with Undo. */
static void
test_send_window (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GFile) file = NULL;
  SatchelComposeWindow *window;
  SatchelSendWindow *send_window;
  gpointer alive;
  gpointer send_alive;
  SatchelOutboxItem *queued = NULL;
  EarlyCancel early = { 0 };
  guint before;

  if (!gui_test_have_display ())
    return;
  reset ();
  /* The windows of the tests before (a main window on screen would
   * show the message instead). */
  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  g_settings_set_uint (settings, "undo-delay", 30);
  before = n_queued ();
  window = new_window ();
  fill_minimal (window, "On its way");
  /* Big enough to take a while to queue. */
  file = make_file ("big.bin", 100 * 1000 * 1000);
  satchel_attachment_list_add_file (satchel_compose_window_get_attachment_list (window),
                                    file, FALSE);
  gui_test_wait_for (list_loaded, window, 30);

  /* Its Cancel, as soon as it shows, stops the queueing: nothing is
   * queued, the compose window comes back as it was. */
  alive = window;
  g_object_add_weak_pointer (G_OBJECT (window), &alive);
  g_signal_connect (app, "window-added", G_CALLBACK (on_send_window_added), &early);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.send", NULL));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  gui_test_wait_for (compose_back_or_gone, &alive, 30);
  g_signal_handlers_disconnect_by_func (app, on_send_window_added, &early);
  g_assert_true (early.cancelled);
  g_assert_null (early.outbox_id);
  g_assert_nonnull (strstr (early.status, "Putting it in the Outbox"));
  g_assert_cmpstr (early.subject, ==, "On its way");
  g_assert_cmpstr (early.recipients, ==, "To bob@example.com");
  g_assert_false (early.undo_visible);
  g_assert_true (early.cancel_visible);
  /* Not queued after all: the window is back, its message intact. */
  g_assert_nonnull (alive);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  gui_test_wait_for (can_send, window, 30);
  gui_test_wait_for (has_no_send_window, NULL, 10);
  /* As in test_cancel: the worker removes what it had written. */
  gui_test_spin (300);
  g_assert_cmpuint (n_queued (), ==, before);
  g_assert_cmpstr (gtk_editable_get_text (subject_entry (window)), ==, "On its way");
  early_clear (&early);

  /* Sent again and left to finish: the same window takes the message
   * in the outbox, held, with Undo. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.send", NULL));
  gui_test_wait_for (has_send_window, NULL, 10);
  send_window = find_send_window ();
  send_alive = send_window;
  g_object_add_weak_pointer (G_OBJECT (send_window), &send_alive);
  gui_test_wait_for (is_destroyed, &alive, 60);
  g_assert_true (send_alive == send_window);
  items = satchel_outbox_list (satchel_context_get_outbox (satchel_application_get_context (app)), NULL);
  g_assert_cmpuint (items->len, ==, before + 1);
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (satchel_outbox_item_get_subject (items->pdata[i]), "On its way") == 0)
      queued = items->pdata[i];
  g_assert_nonnull (queued);
  g_assert_cmpstr (satchel_send_window_get_outbox_id (send_window), ==,
                   satchel_outbox_item_get_id (queued));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (send_window), "Sending in "));
  g_assert_nonnull (gui_test_find_button (GTK_WIDGET (send_window), "_Undo", TRUE));
  g_assert_null (gui_test_find_button (GTK_WIDGET (send_window), "_Cancel", TRUE));

  /* Taken back: the message leaves the outbox, its window goes. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (send_window), "send.undo", NULL));
  gui_test_wait_for (is_destroyed, &send_alive, 10);
  g_assert_cmpuint (n_queued (), ==, before);
  /* The compose window is back, with the message. */
  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
}

/* Fill, attach three files, send with no undo delay: the outbox holds
 * the message as it will travel. */
static void
test_send (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  GFile *files[3] = { NULL, };
  const char *names[3] = { "one.bin", "报告 2026.pdf", "three.txt" };
  const gsize sizes[3] = { 70000, 1234, 5 };
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *path = NULL;
  GMimeParser *parser;
  GMimeMessage *message;
  GMimeStream *stream;
  SatchelComposeWindow *window;
  gpointer alive;
  GMimePartIter *iter;
  guint n_parts = 0;

  if (!gui_test_have_display ())
    return;
  reset ();
  g_settings_set_uint (settings, "undo-delay", 0);
  window = new_window ();
  satchel_recipient_entry_set_text (recipient_entry (window, 0), "Bob <bob@example.com>");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.show-cc", NULL));
  satchel_recipient_entry_set_text (recipient_entry (window, 1), "carol@example.com");
  gtk_editable_set_text (subject_entry (window), "Three files, as promised");
  set_body (window, "Hello Bob,\nhere they are.");
  for (guint i = 0; i < 3; i++)
    {
      files[i] = make_file (names[i], sizes[i]);
      satchel_attachment_list_add_file (satchel_compose_window_get_attachment_list (window),
                                        files[i], FALSE);
    }
  gui_test_wait_for (list_loaded, window, 30);

  alive = window;
  g_object_add_weak_pointer (G_OBJECT (window), &alive);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "compose.send", NULL));
  /* It closes once the message is in the outbox. */
  gui_test_wait_for (is_destroyed, &alive, 30);
  g_assert_cmpuint (n_queued (), ==, 1);
  g_assert_cmpstr (g_settings_get_string (settings, "last-account"), ==, "work");
  /* The draft stays until the message has left (the undo reopens it). */
  g_assert_cmpuint (n_drafts (), ==, 1);

  items = satchel_outbox_list (satchel_context_get_outbox (satchel_application_get_context (app)), NULL);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpuint (satchel_outbox_item_get_held_until (items->pdata[0]), ==, 0);
  g_assert_cmpstr (satchel_outbox_item_get_subject (items->pdata[0]), ==, "Three files, as promised");
  path = satchel_outbox_dup_message_path (satchel_context_get_outbox (satchel_application_get_context (app)),
                                          items->pdata[0]);
  stream = g_mime_stream_file_open (path, "r", NULL);
  g_assert_nonnull (stream);
  parser = g_mime_parser_new_with_stream (stream);
  g_object_unref (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_assert_nonnull (message);

  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Three files, as promised");
  g_assert_nonnull (strstr (internet_address_list_to_string (g_mime_message_get_from (message), NULL, FALSE),
                            "alice@example.com"));
  g_assert_nonnull (strstr (internet_address_list_to_string (g_mime_message_get_to (message), NULL, FALSE),
                            "bob@example.com"));
  g_assert_nonnull (strstr (internet_address_list_to_string (g_mime_message_get_cc (message), NULL, FALSE),
                            "carol@example.com"));
  {
    g_autofree char *wire = g_mime_message_get_body (message) != NULL
                            ? g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_message_get_body (message)))
                            : NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *text = NULL;

    g_assert_nonnull (wire);
    lines = g_strsplit (wire, "\r\n", -1);
    text = g_strjoinv ("\n", lines);
    g_assert_nonnull (strstr (text, "Hello Bob,"));
    g_assert_nonnull (strstr (text, "-- \nAlice Liddell"));
  }

  /* Three attachments, in order, byte for byte. */
  iter = g_mime_part_iter_new (g_mime_message_get_mime_part (message));
  do
    {
      GMimeObject *part = g_mime_part_iter_get_current (iter);

      if (GMIME_IS_PART (part) && g_mime_part_is_attachment (GMIME_PART (part)))
        {
          GMimeDataWrapper *content = g_mime_part_get_content (GMIME_PART (part));
          GMimeStream *memory = g_mime_stream_mem_new ();
          GByteArray *bytes;
          g_autofree char *expected = NULL;
          gsize expected_length;
          g_autofree char *expected_path = g_file_get_path (files[n_parts]);

          g_assert_cmpuint (n_parts, <, 3);
          g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (part)), ==, names[n_parts]);
          g_mime_data_wrapper_write_to_stream (content, memory);
          bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (memory));
          g_assert_true (g_file_get_contents (expected_path, &expected, &expected_length, NULL));
          g_assert_cmpmem (bytes->data, bytes->len, expected, expected_length);
          g_object_unref (memory);
          n_parts++;
        }
    }
  while (g_mime_part_iter_next (iter));
  g_mime_part_iter_free (iter);
  g_assert_cmpuint (n_parts, ==, 3);

  g_object_unref (message);
  for (guint i = 0; i < 3; i++)
    g_object_unref (files[i]);
  g_settings_reset (settings, "undo-delay");
}

static GMimeMessage *
read_queued_message (void)
{
  SatchelOutbox *outbox = satchel_context_get_outbox (satchel_application_get_context (app));
  g_autoptr(GPtrArray) items = satchel_outbox_list (outbox, NULL);
  g_autofree char *path = NULL;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  g_assert_cmpuint (items->len, ==, 1);
  path = satchel_outbox_dup_message_path (outbox, items->pdata[0]);
  stream = g_mime_stream_file_open (path, "r", NULL);
  g_assert_nonnull (stream);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

/* Every leaf part of @message whose type is @type, in order. */
static GPtrArray *
parts_of_type (GMimeMessage *message,
               const char   *type)
{
  GPtrArray *parts = g_ptr_array_new ();
  GMimePartIter *iter = g_mime_part_iter_new (g_mime_message_get_mime_part (message));

  do
    {
      GMimeObject *part = g_mime_part_iter_get_current (iter);
      g_autofree char *mime_type = NULL;

      if (!GMIME_IS_PART (part))
        continue;
      mime_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
      if (g_ascii_strcasecmp (mime_type, type) == 0)
        g_ptr_array_add (parts, part);
    }
  while (g_mime_part_iter_next (iter));
  g_mime_part_iter_free (iter);
  return parts;
}

static char *
part_text (GMimeObject *part)
{
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  return g_strjoinv ("\n", lines);
}

/* Rich text leaves as HTML with the same content as plain text, and the
 * picture in it as an inline part the HTML points to. */
static void
test_send_rich (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *png = NULL;
  g_autoptr(GPtrArray) html_parts = NULL;
  g_autoptr(GPtrArray) plain_parts = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autofree char *html = NULL;
  g_autofree char *plain = NULL;
  GMimeMessage *message;
  SatchelComposeWindow *window;
  GtkTextBuffer *buffer;
  gpointer alive;

  if (!gui_test_have_display ())
    return;
  reset ();
  g_settings_set_uint (settings, "undo-delay", 0);
  png = make_png ("diagram.png");
  window = new_window ();
  g_object_set (window, "rich-text", TRUE, NULL);
  fill_minimal (window, "Rich");
  buffer = satchel_compose_window_get_body_buffer (window);
  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (buffer, &start);
    gtk_text_buffer_place_cursor (buffer, &start);
  }
  gtk_text_buffer_insert_at_cursor (buffer, "See ", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_BOLD);
  gtk_text_buffer_insert_at_cursor (buffer, "this", -1);
  satchel_rich_text_toggle_style (buffer, SATCHEL_RICH_TEXT_BOLD);
  gtk_text_buffer_insert_at_cursor (buffer, ": ", -1);
  satchel_rich_text_insert_image (buffer, png);

  alive = window;
  g_object_add_weak_pointer (G_OBJECT (window), &alive);
  satchel_compose_window_send (window);
  gui_test_wait_for (is_destroyed, &alive, 30);

  message = read_queued_message ();
  html_parts = parts_of_type (message, "text/html");
  plain_parts = parts_of_type (message, "text/plain");
  images = parts_of_type (message, "image/png");
  g_assert_cmpuint (html_parts->len, ==, 1);
  g_assert_cmpuint (plain_parts->len, ==, 1);
  g_assert_cmpuint (images->len, ==, 1);
  html = part_text (html_parts->pdata[0]);
  plain = part_text (plain_parts->pdata[0]);
  g_assert_nonnull (strstr (html, "See <b>this</b>: <img src=\"cid:diagram.png\""));
  g_assert_nonnull (strstr (html, "--&#160;<br/>"));
  g_assert_true (g_str_has_prefix (plain, "See this: [diagram.png]\n\n-- \nAlice Liddell"));
  g_assert_cmpstr (g_mime_object_get_content_id (images->pdata[0]), ==, "diagram.png");
  g_assert_true (GMIME_IS_MULTIPART (g_mime_message_get_mime_part (message)));
  g_object_unref (message);
  g_settings_reset (settings, "undo-delay");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  gui_test_init_env ("test-compose");
  folder = g_build_filename (g_getenv ("HOME"), "files", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      /* The real application, registered (its startup runs) but not
       * run: each test drives the main loop itself. Not unique: each
       * test program has its own. */
      /* A blinking cursor in a window without the X focus (there is no
       * window manager) makes GTK warn about focus-out events. */
      gtk_init ();
      g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
      app = satchel_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
      /* These tests look at what a window queues; sending it is the
       * scheduler's (tests/integration/test_gui_compose.py sends). */
      satchel_scheduler_stop (satchel_application_get_scheduler (app));
    }

  g_test_add_func ("/satchel/gui/compose/empty", test_empty);
  g_test_add_func ("/satchel/gui/compose/window-size", test_window_size);
  g_test_add_func ("/satchel/gui/compose/signature-swap", test_signature_swap);
  g_test_add_func ("/satchel/gui/compose/recipients", test_recipients);
  g_test_add_func ("/satchel/gui/compose/reminder", test_reminder);
  g_test_add_func ("/satchel/gui/compose/size-warning", test_size_warning);
  g_test_add_func ("/satchel/gui/compose/draft-round-trip", test_draft_round_trip);
  g_test_add_func ("/satchel/gui/compose/rich-text", test_rich_text);
  g_test_add_func ("/satchel/gui/compose/drop", test_drop);
  g_test_add_func ("/satchel/gui/compose/paste", test_paste);
  g_test_add_func ("/satchel/gui/compose/queue-error", test_queue_error);
  g_test_add_func ("/satchel/gui/compose/cancel", test_cancel);
  g_test_add_func ("/satchel/gui/compose/send", test_send);
  g_test_add_func ("/satchel/gui/compose/send-window", test_send_window);
  g_test_add_func ("/satchel/gui/compose/send-rich", test_send_rich);

  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
