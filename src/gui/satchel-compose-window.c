/* satchel-compose-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-compose-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "satchel-compose-window.h"
#include "satchel-compose-check.h"
#include "satchel-contact-store.h"
#include "satchel-error.h"
#include "satchel-recipient-entry.h"
#include "satchel-rich-text.h"
#include "satchel-send-window.h"
#include "satchel-sender.h"

/* Drafts are saved this long after typing pauses. */
#define SAVE_DELAY_MS 2000
#define SIGNATURE_SEPARATOR "-- \n"

/* The checks a send has passed, as the user answers the dialogs. */
typedef enum
{
  CHECKED_REMINDER = 1 << 0,
  CHECKED_SIZE     = 1 << 1,
} CheckedFlags;

struct _SatchelComposeWindow
{
  AdwApplicationWindow   parent_instance;

  SatchelApplication    *app;
  SatchelContactStore   *contacts;
  GSettings             *settings;
  SatchelDraft          *draft;
  char                  *account_name; /* the one selected */
  char                  *signature;    /* in the body, untouched; or NULL */
  GStrv                  inline_images;
  guint                  save_timeout;
  gboolean               loading;      /* filling fields: not the user's edits */
  gboolean               dirty;        /* changed since the last save */
  gboolean               queued;       /* the message is in the outbox */
  gboolean               closed;
  gboolean               rich_text;
  GCancellable          *send_cancellable; /* while queueing */
  GtkWindow             *send_window;  /* (weak) the message's own, while queueing */
  guint                  send_window_id;
  AdwMessageDialog      *dialog;       /* a send waits on it */
  GtkFileChooserNative  *image_chooser;

  AdwToastOverlay       *toast_overlay;
  AdwWindowTitle        *window_title;
  GtkButton             *send_button;
  GtkButton             *cancel_button;
  GtkSpinner            *spinner;
  GtkRevealer           *error_revealer;
  GtkLabel              *error_label;
  GtkButton             *add_account_button;
  GtkGrid               *fields;
  GtkDropDown           *from_dropdown;
  GtkLabel              *to_label;
  GtkLabel              *cc_label;
  GtkLabel              *bcc_label;
  GtkWidget             *cc_bcc_buttons;
  GtkButton             *show_cc_button;
  GtkButton             *show_bcc_button;
  GtkEntry              *subject_entry;
  GtkRevealer           *format_revealer;
  GtkToggleButton       *bold_button;
  GtkToggleButton       *italic_button;
  GtkToggleButton       *underline_button;
  GtkToggleButton       *bullets_button;
  GtkTextView           *body_view;
  SatchelAttachmentList *attachment_list;
  SatchelRecipientEntry *to_entry;
  SatchelRecipientEntry *cc_entry;
  SatchelRecipientEntry *bcc_entry;
};

G_DEFINE_FINAL_TYPE (SatchelComposeWindow, satchel_compose_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_RICH_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void continue_send (SatchelComposeWindow *self,
                           CheckedFlags          checked);

/* Helpers ----------------------------------------------------------------- */

static GtkTextBuffer *
body_buffer (SatchelComposeWindow *self)
{
  return gtk_text_view_get_buffer (self->body_view);
}

static char *
dup_body_text (SatchelComposeWindow *self)
{
  GtkTextIter start;
  GtkTextIter end;

  if (self->rich_text)
    return satchel_rich_text_to_plain (body_buffer (self));
  gtk_text_buffer_get_bounds (body_buffer (self), &start, &end);
  return gtk_text_buffer_get_text (body_buffer (self), &start, &end, FALSE);
}

static SatchelAccountStore *
account_store (SatchelComposeWindow *self)
{
  return satchel_context_get_accounts (satchel_application_get_context (self->app));
}

/* The account selected in From. (transfer none) (nullable) */
static SatchelAccount *
selected_account (SatchelComposeWindow *self)
{
  return gtk_drop_down_get_selected_item (self->from_dropdown);
}

static const char *
account_signature (SatchelAccount *account)
{
  const char *signature = account != NULL ? satchel_account_get_signature (account) : NULL;

  return signature != NULL && *signature != '\0' ? signature : NULL;
}

static void
toast (SatchelComposeWindow *self,
       const char           *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
show_error (SatchelComposeWindow *self,
            const char           *text,
            gboolean              offer_account)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->add_account_button), offer_account);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (SatchelComposeWindow *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
update_title (SatchelComposeWindow *self)
{
  const char *subject = gtk_editable_get_text (GTK_EDITABLE (self->subject_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (subject));
  const char *title = *stripped != '\0' ? stripped : _("New Message");

  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
show_cc (SatchelComposeWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->cc_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->cc_entry), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->show_cc_button), FALSE);
}

static void
show_bcc (SatchelComposeWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->bcc_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->bcc_entry), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->show_bcc_button), FALSE);
}

/* Where the signature block ("-- \nSIGNATURE" at the end, trailing
 * blank space aside) starts, in characters; -1 if it is not there as it
 * was inserted. */
static int
find_signature (SatchelComposeWindow *self,
                const char           *signature)
{
  g_autofree char *text = NULL;
  g_autofree char *block = NULL;
  GtkTextIter start;
  GtkTextIter end;
  gsize length;
  gsize block_length;

  if (signature == NULL)
    return -1;
  gtk_text_buffer_get_bounds (body_buffer (self), &start, &end);
  /* With pictures as U+FFFC, so that offsets are characters. */
  text = gtk_text_buffer_get_slice (body_buffer (self), &start, &end, TRUE);
  length = strlen (text);
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  block = g_strconcat (SIGNATURE_SEPARATOR, signature, NULL);
  block_length = strlen (block);
  while (block_length > 0 && g_ascii_isspace (block[block_length - 1]))
    block_length--;
  if (length < block_length || strncmp (text + length - block_length, block, block_length) != 0)
    return -1;
  if (length > block_length && text[length - block_length - 1] != '\n')
    return -1;
  return g_utf8_pointer_to_offset (text, text + length - block_length);
}

/* Puts @signature after "-- " at the end of the text (a new message, a
 * prefilled one), leaving the cursor where it was. */
static void
append_signature (SatchelComposeWindow *self,
                  const char           *signature)
{
  GtkTextBuffer *buffer = body_buffer (self);
  g_autofree char *block = NULL;
  GtkTextIter end;
  int cursor;
  GtkTextIter iter;

  g_clear_pointer (&self->signature, g_free);
  if (signature == NULL)
    return;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  cursor = gtk_text_iter_get_offset (&iter);
  gtk_text_buffer_get_end_iter (buffer, &end);
  block = g_strconcat ("\n\n", SIGNATURE_SEPARATOR, signature, NULL);
  gtk_text_buffer_insert (buffer, &end, block, -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, cursor);
  gtk_text_buffer_place_cursor (buffer, &iter);
  self->signature = g_strdup (signature);
}

/* The From account changed: its signature replaces the old one if the
 * user left that as it was. */
static void
swap_signature (SatchelComposeWindow *self,
                SatchelAccount       *account)
{
  GtkTextBuffer *buffer = body_buffer (self);
  const char *signature = account_signature (account);
  GtkTextIter start;
  GtkTextIter end;
  int offset;

  if (g_strcmp0 (signature, self->signature) == 0)
    return;

  if (self->signature == NULL)
    {
      g_autofree char *text = dup_body_text (self);

      /* The text has a signature of the user's own: leave it. */
      if (g_str_has_prefix (text, SIGNATURE_SEPARATOR) || strstr (text, "\n" SIGNATURE_SEPARATOR) != NULL)
        return;
      append_signature (self, signature);
      return;
    }

  offset = find_signature (self, self->signature);
  if (offset < 0)
    {
      /* Edited: it is the user's text now. */
      g_clear_pointer (&self->signature, g_free);
      return;
    }

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, offset);
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (signature != NULL)
    {
      g_autofree char *block = g_strconcat (SIGNATURE_SEPARATOR, signature, NULL);

      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, block, -1);
    }
  else
    {
      /* Without a signature, the blank lines before it go too. */
      while (gtk_text_iter_backward_char (&start) && gtk_text_iter_get_char (&start) == '\n')
        ;
      if (gtk_text_iter_get_char (&start) != '\n')
        gtk_text_iter_forward_char (&start);
      gtk_text_buffer_delete (buffer, &start, &end);
    }
  gtk_text_buffer_end_user_action (buffer);
  g_free (self->signature);
  self->signature = g_strdup (signature);
}

static void
select_account (SatchelComposeWindow *self,
                const char           *name)
{
  GListModel *accounts = G_LIST_MODEL (account_store (self));
  guint n = g_list_model_get_n_items (accounts);

  for (guint i = 0; name != NULL && i < n; i++)
    {
      g_autoptr(SatchelAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (satchel_account_get_name (account), name) == 0)
        {
          gtk_drop_down_set_selected (self->from_dropdown, i);
          return;
        }
    }
}

/* The last account used, or the default one. */
static void
select_default_account (SatchelComposeWindow *self)
{
  g_autofree char *last = g_settings_get_string (self->settings, "last-account");
  g_autoptr(SatchelAccount) account = NULL;

  if (*last != '\0')
    account = satchel_account_store_lookup (account_store (self), last);
  if (account == NULL)
    account = satchel_account_store_get_default (account_store (self), NULL);
  if (account != NULL)
    select_account (self, satchel_account_get_name (account));
}

static void
update_no_account (SatchelComposeWindow *self)
{
  gboolean none = g_list_model_get_n_items (G_LIST_MODEL (account_store (self))) == 0;

  if (none)
    show_error (self, _("Satchel has no account to send from yet. Add one, then send."), TRUE);
  else if (gtk_widget_get_visible (GTK_WIDGET (self->add_account_button)))
    hide_error (self);
}

/* The pictures in the text travel base64-encoded too. */
static void
update_inline_images (SatchelComposeWindow *self)
{
  g_auto(GStrv) images = NULL;
  guint64 total = 0;

  if (self->rich_text)
    images = satchel_rich_text_dup_images (body_buffer (self));
  if ((images == NULL || images[0] == NULL) && self->inline_images == NULL)
    return;
  if (images != NULL && self->inline_images != NULL &&
      g_strv_equal ((const char * const *) images, (const char * const *) self->inline_images))
    return;

  for (guint i = 0; images != NULL && images[i] != NULL; i++)
    {
      GStatBuf st;

      /* A stat, not a read: cheap on the main loop. */
      if (g_stat (images[i], &st) == 0)
        total += st.st_size;
    }
  g_strfreev (self->inline_images);
  self->inline_images = images != NULL && images[0] != NULL ? g_steal_pointer (&images) : NULL;
  satchel_attachment_list_set_extra_size (self->attachment_list, total);
}

static void
update_format_buttons (SatchelComposeWindow *self)
{
  GtkTextBuffer *buffer = body_buffer (self);

  if (!self->rich_text)
    return;
  gtk_toggle_button_set_active (self->bold_button,
                                satchel_rich_text_get_style (buffer, SATCHEL_RICH_TEXT_BOLD));
  gtk_toggle_button_set_active (self->italic_button,
                                satchel_rich_text_get_style (buffer, SATCHEL_RICH_TEXT_ITALIC));
  gtk_toggle_button_set_active (self->underline_button,
                                satchel_rich_text_get_style (buffer, SATCHEL_RICH_TEXT_UNDERLINE));
  gtk_toggle_button_set_active (self->bullets_button, satchel_rich_text_get_bullets (buffer));
}

static void
set_rich_text (SatchelComposeWindow *self,
               gboolean              rich_text)
{
  const char *format_actions[] = {
    "compose.bold", "compose.italic", "compose.underline", "compose.bullets",
    "compose.link", "compose.insert-image",
  };

  if (self->rich_text == rich_text)
    return;
  self->rich_text = rich_text;
  if (!rich_text)
    satchel_rich_text_clear_formatting (body_buffer (self));
  gtk_revealer_set_reveal_child (self->format_revealer, rich_text);
  for (guint i = 0; i < G_N_ELEMENTS (format_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), format_actions[i], rich_text);
  update_format_buttons (self);
  update_inline_images (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RICH_TEXT]);
}

/* Copies the fields into the draft. */
static void
fill_draft (SatchelComposeWindow *self)
{
  SatchelAccount *account = selected_account (self);
  g_autofree char *body = dup_body_text (self);
  g_autofree char *html = NULL;
  g_auto(GStrv) paths = satchel_attachment_list_dup_paths (self->attachment_list);

  if (self->rich_text)
    html = satchel_rich_text_to_html (body_buffer (self), NULL, NULL);
  satchel_draft_set_account (self->draft, account != NULL ? satchel_account_get_name (account) : NULL);
  satchel_draft_set_to (self->draft, satchel_recipient_entry_get_text (self->to_entry));
  satchel_draft_set_cc (self->draft, satchel_recipient_entry_get_text (self->cc_entry));
  satchel_draft_set_bcc (self->draft, satchel_recipient_entry_get_text (self->bcc_entry));
  satchel_draft_set_subject (self->draft, gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)));
  satchel_draft_set_body (self->draft, body);
  satchel_draft_set_html (self->draft, html);
  satchel_draft_set_attachments (self->draft, (const char * const *) paths);
}

/* Nothing typed, nothing attached: the signature alone is not a draft. */
static gboolean
is_empty (SatchelComposeWindow *self)
{
  g_autofree char *body = dup_body_text (self);
  int signature = find_signature (self, self->signature);
  const char *fields[] = {
    satchel_recipient_entry_get_text (self->to_entry),
    satchel_recipient_entry_get_text (self->cc_entry),
    satchel_recipient_entry_get_text (self->bcc_entry),
    gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)),
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (*fields[i] != '\0')
      return FALSE;
  if (g_list_model_get_n_items (satchel_attachment_list_get_model (self->attachment_list)) > 0)
    return FALSE;
  if (self->rich_text && satchel_rich_text_has_formatting (body_buffer (self)))
    return FALSE;
  if (signature >= 0 && !self->rich_text)
    *g_utf8_offset_to_pointer (body, signature) = '\0';
  else if (signature >= 0)
    {
      /* The plain form of rich text has no U+FFFC: cut at the separator. */
      char *separator = g_strrstr (body, SIGNATURE_SEPARATOR);

      if (separator != NULL)
        *separator = '\0';
    }
  return *g_strstrip (body) == '\0';
}

typedef struct
{
  GWeakRef      window;
  GApplication *app;
  gboolean      then_queue;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_weak_ref_clear (&data->window);
  g_application_release (data->app);
  g_object_unref (data->app);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void queue_message (SatchelComposeWindow *self);

static void
on_draft_saved (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  g_autoptr(SatchelComposeWindow) self = g_weak_ref_get (&data->window);
  g_autoptr(GError) error = NULL;
  gboolean saved;

  saved = satchel_draft_store_save_finish (SATCHEL_DRAFT_STORE (source), result, &error);
  if (!saved)
    {
      g_warning ("The draft could not be saved: %s", error->message);
      if (self != NULL && !self->queued)
        {
          g_autofree char *text = g_strdup_printf (_("The draft could not be saved: %s"),
                                                   error->message);

          toast (self, text);
        }
    }
  /* Queued only once the draft is on disk: Undo reopens it. */
  if (self != NULL && data->then_queue && !self->closed)
    queue_message (self);
}

/* Writes the draft without blocking; the application stays alive until
 * it is on disk. */
static void
save_now (SatchelComposeWindow *self,
          gboolean              then_queue)
{
  SaveData *data;

  g_clear_handle_id (&self->save_timeout, g_source_remove);
  if (!then_queue)
    {
      if (!self->dirty && satchel_draft_get_id (self->draft) != NULL)
        return;
      /* An empty window never saved leaves nothing behind. */
      if (satchel_draft_get_id (self->draft) == NULL && (!self->dirty || is_empty (self)))
        return;
    }

  fill_draft (self);
  self->dirty = FALSE;
  data = g_new0 (SaveData, 1);
  g_weak_ref_init (&data->window, self);
  data->app = g_object_ref (G_APPLICATION (self->app));
  data->then_queue = then_queue;
  g_application_hold (data->app);
  satchel_draft_store_save_async (satchel_application_get_drafts (self->app), self->draft,
                                  NULL, on_draft_saved, data);
}

static gboolean
on_save_timeout (gpointer user_data)
{
  SatchelComposeWindow *self = user_data;

  self->save_timeout = 0;
  save_now (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
mark_dirty (SatchelComposeWindow *self)
{
  if (self->loading || self->queued)
    return;
  self->dirty = TRUE;
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  self->save_timeout = g_timeout_add (SAVE_DELAY_MS, on_save_timeout, self);
}

/* Handed to the application once the message is queued; otherwise
 * (not queued, or this window went first) closed. */
static void
drop_send_window (SatchelComposeWindow *self,
                  gboolean              close)
{
  GtkWindow *window = self->send_window;

  g_clear_handle_id (&self->send_window_id, g_source_remove);
  if (window == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &self->send_window);
  self->send_window = NULL;
  if (close)
    gtk_window_destroy (window);
}

/* In the loop's next turn, not in the one that hides this window: each
 * stays short while a big message is queued. */
static gboolean
show_send_window_idle (gpointer user_data)
{
  SatchelComposeWindow *self = user_data;
  const char *to = satchel_recipient_entry_get_text (self->to_entry);

  self->send_window_id = 0;
  if (self->send_cancellable == NULL)
    return G_SOURCE_REMOVE;

  self->send_window = satchel_application_message_queueing (self->app,
                                                            gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)),
                                                            to, self->send_cancellable);
  if (self->send_window != NULL)
    g_object_add_weak_pointer (G_OBJECT (self->send_window), (gpointer *) &self->send_window);
  return G_SOURCE_REMOVE;
}

static void
set_sending (SatchelComposeWindow *self,
             gboolean              sending)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compose.send", !sending);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compose.cancel-send", sending);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), sending);
  gtk_spinner_set_spinning (self->spinner, sending);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), sending);
  /* Focus leaves the fields before they turn insensitive: a text field
   * would otherwise miss its focus-out. */
  if (sending)
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  gtk_widget_set_sensitive (GTK_WIDGET (self->fields), !sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->body_view), !sending);
  gtk_widget_set_sensitive (GTK_WIDGET (self->attachment_list), !sending);

  /* Sent, the window goes at once: the message belongs to the outbox
   * now, and Undo brings it back. (Hiding costs the main loop nothing;
   * drawing the whole window insensitive took some 20 ms, in the middle
   * of queueing.) It comes back when the message could not be queued. */
  if (sending)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      if (self->send_window_id == 0 && self->send_window == NULL)
        self->send_window_id = g_idle_add_full (G_PRIORITY_DEFAULT, show_send_window_idle,
                                                self, NULL);
    }
  else
    {
      drop_send_window (self, TRUE);
      if (!self->closed)
        gtk_window_present (GTK_WINDOW (self));
    }
}

static gboolean
add_recipients (SatchelRecipientEntry  *entry,
                SatchelMessage         *message,
                void                  (*add) (SatchelMessage *, const SatchelAddress *),
                GError                **error)
{
  g_autoptr(GPtrArray) addresses = satchel_recipient_entry_dup_addresses (entry, error);

  if (addresses == NULL)
    return FALSE;
  for (guint i = 0; i < addresses->len; i++)
    add (message, g_ptr_array_index (addresses, i));
  return TRUE;
}

/* The message as it will be queued, from the fields. */
static SatchelMessage *
build_message (SatchelComposeWindow  *self,
               SatchelAccount        *account,
               GError               **error)
{
  g_autoptr(SatchelMessage) message = satchel_message_new ();
  g_autoptr(SatchelAddress) from = NULL;
  g_autofree char *body = dup_body_text (self);
  GListModel *attachments = satchel_attachment_list_get_model (self->attachment_list);
  const char *reply_to = satchel_account_get_reply_to (account);

  from = satchel_account_dup_from (account, error);
  if (from == NULL)
    return NULL;
  satchel_message_set_from (message, from);
  if (!add_recipients (self->to_entry, message, satchel_message_add_to, error) ||
      !add_recipients (self->cc_entry, message, satchel_message_add_cc, error) ||
      !add_recipients (self->bcc_entry, message, satchel_message_add_bcc, error))
    return NULL;
  if (reply_to != NULL && *reply_to != '\0')
    {
      g_autoptr(GPtrArray) addresses = satchel_address_parse_list (reply_to, error);

      if (addresses == NULL)
        return NULL;
      for (guint i = 0; i < addresses->len; i++)
        satchel_message_add_reply_to (message, g_ptr_array_index (addresses, i));
    }
  /* As satchel-cli send does: the account's own copy goes by Bcc. */
  if (satchel_account_get_bcc_self (account))
    satchel_message_add_bcc (message, from);

  satchel_message_set_subject (message, gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)));
  satchel_message_set_body (message, body);
  if (self->rich_text)
    {
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *html = satchel_rich_text_to_html (body_buffer (self), paths, names);

      satchel_message_set_html (message, html);
      for (guint i = 0; i < paths->len; i++)
        satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_INLINE,
                                        g_ptr_array_index (paths, i),
                                        g_ptr_array_index (names, i));
    }
  for (guint i = 0; i < g_list_model_get_n_items (attachments); i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (attachments, i);

      satchel_message_add_attachment (message, SATCHEL_ATTACHMENT_FILE,
                                      satchel_attachment_get_path (attachment), NULL);
    }

  if (!satchel_message_validate (message, error))
    return NULL;
  return g_steal_pointer (&message);
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_field_changed (SatchelComposeWindow *self)
{
  mark_dirty (self);
}

static void
on_subject_changed (SatchelComposeWindow *self)
{
  update_title (self);
  mark_dirty (self);
}

static void
on_body_changed (SatchelComposeWindow *self)
{
  update_inline_images (self);
  update_format_buttons (self);
  mark_dirty (self);
}

static void
on_body_mark_set (SatchelComposeWindow *self,
                  const GtkTextIter    *location,
                  GtkTextMark          *mark)
{
  if (mark == gtk_text_buffer_get_insert (body_buffer (self)))
    update_format_buttons (self);
}

static void
on_account_selected (SatchelComposeWindow *self)
{
  SatchelAccount *account = selected_account (self);
  const char *name = account != NULL ? satchel_account_get_name (account) : NULL;

  if (g_strcmp0 (name, self->account_name) == 0)
    return;
  g_free (self->account_name);
  self->account_name = g_strdup (name);
  swap_signature (self, account);
  satchel_attachment_list_set_size_limit (self->attachment_list,
                                          account != NULL ? satchel_account_get_size_limit (account) : 0);
  mark_dirty (self);
}

/* The store was reloaded: keep the account the user chose. */
static void
on_accounts_changed (SatchelComposeWindow *self)
{
  g_autofree char *name = g_strdup (self->account_name);

  if (name != NULL)
    select_account (self, name);
  if (selected_account (self) == NULL ||
      g_strcmp0 (satchel_account_get_name (selected_account (self)), name) != 0)
    select_default_account (self);
  /* The server's SIZE may have been learnt by a send meanwhile. */
  if (selected_account (self) != NULL)
    satchel_attachment_list_set_size_limit (self->attachment_list,
                                            satchel_account_get_size_limit (selected_account (self)));
  update_no_account (self);
}

static char *
account_label (SatchelAccount *account)
{
  const char *display_name = account != NULL ? satchel_account_get_display_name (account) : NULL;

  if (account == NULL)
    return g_strdup ("");
  if (display_name != NULL && *display_name != '\0')
    return g_strdup_printf ("%s <%s>", display_name, satchel_account_get_address (account));
  return g_strdup (satchel_account_get_address (account));
}

static void
on_recipient_notice (SatchelComposeWindow *self,
                     const char           *text)
{
  toast (self, text);
}

static void
on_queued (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SatchelComposeWindow) self = user_data;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(GError) error = NULL;

  item = satchel_sender_queue_message_finish (result, &error);
  g_clear_object (&self->send_cancellable);
  if (item == NULL && self->closed)
    return;
  if (item == NULL)
    {
      set_sending (self, FALSE);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("Not sent: the message was not put in the outbox."));
      else
        {
          g_autofree char *text = g_strdup_printf (_("The message could not be put in the "
                                                     "outbox, and nothing was sent: %s"),
                                                   error->message);

          show_error (self, text, FALSE);
        }
      return;
    }

  self->queued = TRUE;
  g_settings_set_string (self->settings, "last-account", self->account_name);
  satchel_scheduler_flush (satchel_application_get_scheduler (self->app));
  if (self->send_window != NULL)
    satchel_send_window_set_item (SATCHEL_SEND_WINDOW (self->send_window), item);
  drop_send_window (self, FALSE);
  satchel_application_message_queued (self->app, satchel_outbox_item_get_id (item),
                                      satchel_draft_get_id (self->draft));
  if (!self->closed)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
queue_message (SatchelComposeWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  guint delay = g_settings_get_uint (self->settings, "undo-delay");
  gint64 held_until = 0;

  if (g_cancellable_is_cancelled (self->send_cancellable))
    {
      /* Cancelled while the draft was written. */
      g_clear_object (&self->send_cancellable);
      set_sending (self, FALSE);
      toast (self, _("Not sent: the message was not put in the outbox."));
      return;
    }
  if (selected_account (self) == NULL)
    {
      g_clear_object (&self->send_cancellable);
      set_sending (self, FALSE);
      update_no_account (self);
      return;
    }
  /* The worker reads its own copy: the window's may change. */
  account = satchel_account_copy (selected_account (self));
  message = build_message (self, account, &error);
  if (message == NULL)
    {
      g_clear_object (&self->send_cancellable);
      set_sending (self, FALSE);
      show_error (self, error->message, FALSE);
      return;
    }
  if (delay > 0)
    held_until = g_get_real_time () / G_USEC_PER_SEC + delay;

  satchel_sender_queue_message_async (satchel_application_get_context (self->app),
                                      account, message, held_until, self->send_cancellable,
                                      on_queued, g_object_ref (self));
}

static void
on_dialog_response (AdwMessageDialog     *dialog,
                    const char           *response,
                    SatchelComposeWindow *self)
{
  CheckedFlags checked = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "checked"));

  self->dialog = NULL;
  if (g_str_equal (response, "send"))
    continue_send (self, checked);
  else if (g_str_equal (response, "attach"))
    satchel_attachment_list_choose_files (self->attachment_list);
}

static void
ask (SatchelComposeWindow *self,
     AdwMessageDialog     *dialog,
     CheckedFlags          checked)
{
  g_object_set_data (G_OBJECT (dialog), "checked", GUINT_TO_POINTER (checked));
  g_signal_connect (dialog, "response", G_CALLBACK (on_dialog_response), self);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
ask_reminder (SatchelComposeWindow *self,
              CheckedFlags          checked)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Send Without Attachment?"),
                                                       _("The message mentions an attachment, "
                                                         "but no file is attached.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "attach", _("_Attach Files…"),
                                    "send", _("_Send Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "attach", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "attach");
  adw_message_dialog_set_close_response (dialog, "cancel");
  ask (self, dialog, checked | CHECKED_REMINDER);
}

static void
ask_size (SatchelComposeWindow *self,
          CheckedFlags          checked)
{
  AdwMessageDialog *dialog;
  g_autofree char *total = g_format_size (satchel_attachment_list_get_encoded_size (self->attachment_list));
  g_autofree char *limit = g_format_size (satchel_attachment_list_get_size_limit (self->attachment_list));
  g_autofree char *body = NULL;

  /* Translators: the first %s is the size of the attachments as they
   * travel, the second the largest message the server accepts. */
  body = g_strdup_printf (_("As sent, the attachments take %s, but the server accepts "
                            "messages of at most %s: it will probably refuse this one. "
                            "Remove some files, or share large ones another way."),
                          total, limit);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Too Large for the Server"),
                                                       body));
  adw_message_dialog_add_responses (dialog,
                                    "back", _("_Go Back"),
                                    "send", _("Send _Anyway"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "back");
  adw_message_dialog_set_close_response (dialog, "back");
  ask (self, dialog, checked | CHECKED_SIZE);
}

/* Checks the recipients: FALSE, with the field focused and the reason
 * shown, when one is invalid or there are none. */
static gboolean
check_recipients (SatchelComposeWindow *self)
{
  SatchelRecipientEntry *entries[] = { self->to_entry, self->cc_entry, self->bcc_entry };
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) addresses = satchel_recipient_entry_dup_addresses (entries[i], &error);

      if (addresses == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("%s Correct it or remove it, then send again."),
                                                   error->message);

          if (entries[i] == self->cc_entry)
            show_cc (self);
          else if (entries[i] == self->bcc_entry)
            show_bcc (self);
          gtk_widget_grab_focus (GTK_WIDGET (entries[i]));
          show_error (self, text, FALSE);
          return FALSE;
        }
      any = any || addresses->len > 0;
    }
  if (!any)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
      show_error (self, _("Add at least one recipient in To, Cc or Bcc."), FALSE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_file_attachments (SatchelComposeWindow *self)
{
  return g_list_model_get_n_items (satchel_attachment_list_get_model (self->attachment_list)) > 0;
}

static void
continue_send (SatchelComposeWindow *self,
               CheckedFlags          checked)
{
  SatchelAccount *account = selected_account (self);
  SatchelAttachment *problem;

  if (self->send_cancellable != NULL || self->queued)
    return;
  hide_error (self);
  if (account == NULL)
    {
      update_no_account (self);
      return;
    }
  if (!check_recipients (self))
    return;
  if (satchel_attachment_list_get_loading (self->attachment_list))
    {
      toast (self, _("The attachments are still being read. Send again in a moment."));
      return;
    }
  problem = satchel_attachment_list_get_first_problem (self->attachment_list);
  if (problem != NULL)
    {
      show_error (self, satchel_attachment_get_problem (problem), FALSE);
      return;
    }

  if (!(checked & CHECKED_REMINDER) && !has_file_attachments (self))
    {
      g_autofree char *body = dup_body_text (self);

      if (satchel_compose_mentions_attachment (gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)),
                                               body, account_signature (account)))
        {
          ask_reminder (self, checked);
          return;
        }
    }
  if (!(checked & CHECKED_SIZE) && satchel_attachment_list_get_over_limit (self->attachment_list))
    {
      ask_size (self, checked);
      return;
    }

  /* Saved first, so that Undo can reopen it; then queued. */
  self->send_cancellable = g_cancellable_new ();
  set_sending (self, TRUE);
  save_now (self, TRUE);
}

/* Pasting files attaches them. */
static void
on_clipboard_files (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SatchelComposeWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) files = NULL;
  const GValue *value;

  value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  if (value == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The files could not be pasted: %s"), error->message);

      toast (self, text);
      return;
    }
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  satchel_attachment_list_add_files (self->attachment_list, files);
}

static gboolean
clipboard_has_files (GdkClipboard *clipboard)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);
  g_autoptr(GdkContentFormats) all = NULL;

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST))
    return TRUE;
  all = gdk_content_formats_union_deserialize_gtypes (gdk_content_formats_ref (formats));
  return gdk_content_formats_contain_gtype (all, GDK_TYPE_FILE_LIST);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SatchelComposeWindow  *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GdkClipboard *clipboard;

  state &= gtk_accelerator_get_default_mod_mask ();
  if (state != GDK_CONTROL_MASK || (keyval != GDK_KEY_v && keyval != GDK_KEY_V))
    return FALSE;
  /* One-line fields paste text as usual. */
  if (GTK_IS_TEXT (focus))
    return FALSE;
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));
  if (!clipboard_has_files (clipboard))
    return FALSE;
  gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT, NULL,
                                  on_clipboard_files, g_object_ref (self));
  return TRUE;
}

/* Enter in a bulleted list starts the next item. */
static gboolean
on_body_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     SatchelComposeWindow  *self)
{
  state &= gtk_accelerator_get_default_mod_mask ();
  if (!self->rich_text || state != 0 ||
      (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter))
    return FALSE;
  return satchel_rich_text_newline (body_buffer (self));
}

static gboolean
on_drop (GtkDropTarget        *target,
         const GValue         *value,
         double                x,
         double                y,
         SatchelComposeWindow *self)
{
  GdkFileList *list = g_value_get_boxed (value);
  g_autoptr(GSList) files = NULL;

  if (list == NULL)
    return FALSE;
  files = gdk_file_list_get_files (list);
  satchel_attachment_list_add_files (self->attachment_list, files);
  return TRUE;
}

static void
on_link_response (AdwMessageDialog     *dialog,
                  const char           *response,
                  SatchelComposeWindow *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autofree char *uri = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (!g_str_equal (response, "insert") || *uri == '\0')
    return;
  if (g_uri_peek_scheme (uri) == NULL)
    {
      char *full = g_strconcat (strchr (uri, '@') != NULL && strchr (uri, '/') == NULL
                                ? "mailto:" : "https://", uri, NULL);

      g_free (uri);
      uri = full;
    }
  satchel_rich_text_insert_link (body_buffer (self), uri);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
on_image_chooser_response (GtkNativeDialog      *chooser,
                           int                   response,
                           SatchelComposeWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);

          if (path != NULL)
            satchel_rich_text_insert_image (body_buffer (self), path);
        }
      gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->image_chooser);
}

/* The spinner's icon is the first SVG the process draws: loading it
 * (and gdk-pixbuf's SVG loader with it) when Send is pressed stalls the
 * main loop; after the first frame nobody waits for it. */
static gboolean
warm_spinner_idle (gpointer user_data)
{
  GtkWidget *widget = user_data;
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GtkSnapshot *snapshot;

  if (gtk_widget_get_root (widget) == NULL)
    return G_SOURCE_REMOVE;
  icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                     "process-working-symbolic", NULL, 16,
                                     gtk_widget_get_scale_factor (widget),
                                     GTK_TEXT_DIR_NONE, 0);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (GDK_PAINTABLE (icon), snapshot, 16, 16);
  node = gtk_snapshot_free_to_node (snapshot);
  return G_SOURCE_REMOVE;
}

static void
on_map (SatchelComposeWindow *self)
{
  g_idle_add_full (G_PRIORITY_LOW, warm_spinner_idle, g_object_ref (self), g_object_unref);
  g_signal_handlers_disconnect_by_func (self, on_map, NULL);
}

static gboolean
on_close_request (SatchelComposeWindow *self)
{
  self->closed = TRUE;
  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);
  if (!self->queued)
    save_now (self, FALSE);
  return FALSE;
}

/* Actions ------------------------------------------------------------------- */

static void
send_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  satchel_compose_window_send (SATCHEL_COMPOSE_WINDOW (widget));
}

static void
cancel_send_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);

  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);
}

static void
attach_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  satchel_attachment_list_choose_files (SATCHEL_COMPOSE_WINDOW (widget)->attachment_list);
}

static void
show_cc_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);

  show_cc (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->cc_entry));
}

static void
show_bcc_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);

  show_bcc (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->bcc_entry));
}

static void
dismiss_error_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  hide_error (SATCHEL_COMPOSE_WINDOW (widget));
}

static void
style_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);
  SatchelRichTextStyle style = SATCHEL_RICH_TEXT_BOLD;

  if (g_str_equal (action_name, "compose.italic"))
    style = SATCHEL_RICH_TEXT_ITALIC;
  else if (g_str_equal (action_name, "compose.underline"))
    style = SATCHEL_RICH_TEXT_UNDERLINE;
  satchel_rich_text_toggle_style (body_buffer (self), style);
  update_format_buttons (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
bullets_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);

  satchel_rich_text_toggle_bullets (body_buffer (self));
  update_format_buttons (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
}

static void
link_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);
  const char *current = satchel_rich_text_get_link (body_buffer (self));
  GtkWidget *dialog;
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), current != NULL ? current : "https://");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_URL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Link address"), -1);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Insert Link"),
                                   _("The selected text links to this address; with nothing "
                                     "selected, the address itself is inserted."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "insert", _("_Insert"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "insert",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "insert");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect (dialog, "response", G_CALLBACK (on_link_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
insert_image_activated (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->image_chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->image_chooser));
      return;
    }
  gtk_file_filter_set_name (filter, _("Pictures"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/gif");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  self->image_chooser = gtk_file_chooser_native_new (_("Insert Pictures"), GTK_WINDOW (self),
                                                     GTK_FILE_CHOOSER_ACTION_OPEN,
                                                     _("_Insert"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->image_chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->image_chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->image_chooser), TRUE);
  g_signal_connect (self->image_chooser, "response", G_CALLBACK (on_image_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->image_chooser));
}

/* GObject ------------------------------------------------------------------- */

static void
satchel_compose_window_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RICH_TEXT:
      g_value_set_boolean (value, self->rich_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_compose_window_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_RICH_TEXT:
      set_rich_text (self, g_value_get_boolean (value));
      mark_dirty (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_compose_window_dispose (GObject *object)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (object);

  self->closed = TRUE;
  g_clear_handle_id (&self->save_timeout, g_source_remove);
  if (self->send_cancellable != NULL)
    g_cancellable_cancel (self->send_cancellable);
  drop_send_window (self, TRUE);
  if (self->app != NULL)
    g_signal_handlers_disconnect_by_data (account_store (self), self);
  /* A picture still being read keeps the buffer alive. */
  if (self->body_view != NULL)
    g_signal_handlers_disconnect_by_data (body_buffer (self), self);
  if (self->image_chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->image_chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->image_chooser));
      g_clear_object (&self->image_chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_COMPOSE_WINDOW);

  G_OBJECT_CLASS (satchel_compose_window_parent_class)->dispose (object);
}

static void
satchel_compose_window_finalize (GObject *object)
{
  SatchelComposeWindow *self = SATCHEL_COMPOSE_WINDOW (object);

  g_clear_object (&self->send_cancellable);
  g_clear_object (&self->contacts);
  g_clear_object (&self->settings);
  g_clear_object (&self->draft);
  g_clear_object (&self->app);
  g_free (self->account_name);
  g_free (self->signature);
  g_strfreev (self->inline_images);

  G_OBJECT_CLASS (satchel_compose_window_parent_class)->finalize (object);
}

static void
satchel_compose_window_class_init (SatchelComposeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const char *style_actions[] = { "compose.bold", "compose.italic", "compose.underline" };
  const guint style_keys[] = { GDK_KEY_b, GDK_KEY_i, GDK_KEY_u };

  object_class->get_property = satchel_compose_window_get_property;
  object_class->set_property = satchel_compose_window_set_property;
  object_class->dispose = satchel_compose_window_dispose;
  object_class->finalize = satchel_compose_window_finalize;

  properties[PROP_RICH_TEXT] =
    g_param_spec_boolean ("rich-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SATCHEL_TYPE_ATTACHMENT_LIST);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-compose-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, add_account_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, fields);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, to_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, cc_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, bcc_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, cc_bcc_buttons);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, show_cc_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, show_bcc_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, subject_entry);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, format_revealer);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, bold_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, italic_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, underline_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, bullets_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, body_view);
  gtk_widget_class_bind_template_child (widget_class, SatchelComposeWindow, attachment_list);

  gtk_widget_class_install_action (widget_class, "compose.send", NULL, send_activated);
  gtk_widget_class_install_action (widget_class, "compose.cancel-send", NULL, cancel_send_activated);
  gtk_widget_class_install_action (widget_class, "compose.attach", NULL, attach_activated);
  gtk_widget_class_install_action (widget_class, "compose.show-cc", NULL, show_cc_activated);
  gtk_widget_class_install_action (widget_class, "compose.show-bcc", NULL, show_bcc_activated);
  gtk_widget_class_install_action (widget_class, "compose.dismiss-error", NULL, dismiss_error_activated);
  gtk_widget_class_install_property_action (widget_class, "compose.rich-text", "rich-text");
  for (guint i = 0; i < G_N_ELEMENTS (style_actions); i++)
    {
      gtk_widget_class_install_action (widget_class, style_actions[i], NULL, style_activated);
      gtk_widget_class_add_binding_action (widget_class, style_keys[i], GDK_CONTROL_MASK,
                                           style_actions[i], NULL);
    }
  gtk_widget_class_install_action (widget_class, "compose.bullets", NULL, bullets_activated);
  gtk_widget_class_install_action (widget_class, "compose.link", NULL, link_activated);
  gtk_widget_class_install_action (widget_class, "compose.insert-image", NULL, insert_image_activated);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "compose.attach", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "compose.rich-text", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "compose.bullets", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK,
                                       "compose.link", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "compose.dismiss-error", NULL);
}

static void
satchel_compose_window_init (SatchelComposeWindow *self)
{
  GtkEventController *controller;
  GtkShortcutController *shortcuts;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->loading = TRUE;
  self->draft = satchel_draft_new ();
  self->settings = g_settings_new (APPLICATION_ID);

  /* Ctrl+Return sends from every field, the text included: before the
   * text view takes Return for a new line. */
  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (shortcuts), GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string ("<Control>Return|<Control>KP_Enter"),
                                                          gtk_named_action_new ("compose.send")));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (shortcuts));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_body_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->body_view), controller);

  /* Files dropped anywhere on the window are attached, the text view
   * included: before it takes their paths as text. */
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drop), GTK_PHASE_CAPTURE);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  satchel_rich_text_setup (body_buffer (self));
  gtk_text_buffer_set_enable_undo (body_buffer (self), TRUE);
  g_signal_connect_swapped (body_buffer (self), "changed", G_CALLBACK (on_body_changed), self);
  g_signal_connect_swapped (body_buffer (self), "mark-set", G_CALLBACK (on_body_mark_set), self);
  g_signal_connect_swapped (self->subject_entry, "changed", G_CALLBACK (on_subject_changed), self);
  g_signal_connect_swapped (self->attachment_list, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);

  gtk_drop_down_set_expression (self->from_dropdown,
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                             G_CALLBACK (account_label), NULL, NULL));

  g_settings_bind (self->settings, "compose-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "compose-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);

  {
    const char *format_actions[] = {
      "compose.bold", "compose.italic", "compose.underline", "compose.bullets",
      "compose.link", "compose.insert-image",
    };

    for (guint i = 0; i < G_N_ELEMENTS (format_actions); i++)
      gtk_widget_action_set_enabled (GTK_WIDGET (self), format_actions[i], FALSE);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compose.cancel-send", FALSE);
}

static gboolean
load_contacts_idle (gpointer user_data)
{
  SatchelContactStore *contacts = user_data;
  g_autoptr(GError) error = NULL;

  if (!satchel_contact_store_load (contacts, &error))
    g_message ("The address book cannot be read: %s", error->message);
  satchel_contact_store_watch (contacts);
  return G_SOURCE_REMOVE;
}

/* The parts that need the application: accounts, address book. */
static SatchelComposeWindow *
compose_window_new (SatchelApplication *app)
{
  SatchelComposeWindow *self;
  SatchelRecipientEntry **entries[3];
  GtkLabel *labels[3];
  const char *names[3] = { N_("To"), N_("Cc"), N_("Bcc") };
  g_autoptr(GError) error = NULL;

  self = g_object_new (SATCHEL_TYPE_COMPOSE_WINDOW, "application", app, NULL);
  self->app = g_object_ref (app);

  /* The address book is read after the first frame: a large one takes
   * a moment, and nothing needs it before the first keystroke. */
  self->contacts = satchel_contact_store_new (NULL);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, load_contacts_idle,
                   g_object_ref (self->contacts), g_object_unref);

  entries[0] = &self->to_entry;
  entries[1] = &self->cc_entry;
  entries[2] = &self->bcc_entry;
  labels[0] = self->to_label;
  labels[1] = self->cc_label;
  labels[2] = self->bcc_label;
  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *entry = satchel_recipient_entry_new (self->contacts);
      GtkEditable *editable = satchel_recipient_entry_get_editable (SATCHEL_RECIPIENT_ENTRY (entry));

      *entries[i] = SATCHEL_RECIPIENT_ENTRY (entry);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_grid_attach (self->fields, entry, 1, 1 + i, i == 0 ? 1 : 2, 1);
      gtk_label_set_mnemonic_widget (labels[i], GTK_WIDGET (editable));
      gtk_accessible_update_property (GTK_ACCESSIBLE (editable), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _(names[i]), -1);
      g_signal_connect_swapped (editable, "changed", G_CALLBACK (on_field_changed), self);
      g_signal_connect_swapped (entry, "notice", G_CALLBACK (on_recipient_notice), self);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->cc_entry), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->bcc_entry), FALSE);

  /* The application reads the accounts when it starts; in case not. */
  if (g_list_model_get_n_items (G_LIST_MODEL (account_store (self))) == 0 &&
      !satchel_account_store_load (account_store (self), &error))
    g_message ("%s", error->message);
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (account_store (self)));
  g_signal_connect_swapped (account_store (self), "items-changed",
                            G_CALLBACK (on_accounts_changed), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected",
                            G_CALLBACK (on_account_selected), self);
  select_default_account (self);
  on_account_selected (self);
  update_no_account (self);
  update_title (self);

  return self;
}

/* Public API ---------------------------------------------------------------- */

SatchelComposeWindow *
satchel_compose_window_new (SatchelApplication *app)
{
  SatchelComposeWindow *self;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (app), NULL);

  self = compose_window_new (app);
  set_rich_text (self, g_settings_get_boolean (self->settings, "rich-text"));
  gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
  self->loading = FALSE;
  return self;
}

SatchelComposeWindow *
satchel_compose_window_new_for_draft (SatchelApplication *app,
                                      SatchelDraft       *draft)
{
  SatchelComposeWindow *self;
  const char * const *paths;
  const char *html;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (SATCHEL_IS_DRAFT (draft), NULL);

  self = compose_window_new (app);
  g_set_object (&self->draft, draft);

  if (satchel_draft_get_account (draft) != NULL)
    select_account (self, satchel_draft_get_account (draft));
  /* The body holds the signature already. */
  g_clear_pointer (&self->signature, g_free);
  gtk_text_buffer_set_text (body_buffer (self), "", -1);

  satchel_recipient_entry_set_text (self->to_entry, satchel_draft_get_to (draft));
  satchel_recipient_entry_set_text (self->cc_entry, satchel_draft_get_cc (draft));
  satchel_recipient_entry_set_text (self->bcc_entry, satchel_draft_get_bcc (draft));
  if (*satchel_draft_get_cc (draft) != '\0')
    show_cc (self);
  if (*satchel_draft_get_bcc (draft) != '\0')
    show_bcc (self);
  gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), satchel_draft_get_subject (draft));

  html = satchel_draft_get_html (draft);
  set_rich_text (self, html != NULL);
  if (html == NULL || !satchel_rich_text_load_html (body_buffer (self), html, &error))
    {
      if (error != NULL)
        g_message ("The rich text of draft %s cannot be read (%s): its plain text is shown.",
                   satchel_draft_get_id (draft), error->message);
      set_rich_text (self, FALSE);
      gtk_text_buffer_set_text (body_buffer (self), satchel_draft_get_body (draft), -1);
    }
  if (find_signature (self, account_signature (selected_account (self))) >= 0)
    self->signature = g_strdup (account_signature (selected_account (self)));

  paths = satchel_draft_get_attachments (draft);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);

      satchel_attachment_list_add_file (self->attachment_list, file, TRUE);
    }

  {
    GtkTextIter start;

    gtk_text_buffer_get_start_iter (body_buffer (self), &start);
    gtk_text_buffer_place_cursor (body_buffer (self), &start);
  }
  if (*satchel_draft_get_to (draft) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
  else if (*satchel_draft_get_subject (draft) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->subject_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
  self->loading = FALSE;
  return self;
}

static void
append_recipients (SatchelRecipientEntry *entry,
                   GPtrArray             *recipients)
{
  g_autoptr(GString) text = NULL;

  if (recipients == NULL || recipients->len == 0)
    return;
  text = g_string_new (satchel_recipient_entry_get_text (entry));
  for (guint i = 0; i < recipients->len; i++)
    {
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, g_ptr_array_index (recipients, i));
    }
  satchel_recipient_entry_set_text (entry, text->str);
}

void
satchel_compose_window_prefill (SatchelComposeWindow *self,
                                const SatchelMailto  *prefill)
{
  g_return_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self));
  g_return_if_fail (prefill != NULL);

  append_recipients (self->to_entry, prefill->to);
  append_recipients (self->cc_entry, prefill->cc);
  append_recipients (self->bcc_entry, prefill->bcc);
  if (prefill->cc != NULL && prefill->cc->len > 0)
    show_cc (self);
  if (prefill->bcc != NULL && prefill->bcc->len > 0)
    show_bcc (self);
  if (prefill->subject != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->subject_entry), prefill->subject);
  if (prefill->body != NULL)
    {
      GtkTextIter start;

      /* Before the signature. */
      gtk_text_buffer_get_start_iter (body_buffer (self), &start);
      gtk_text_buffer_insert (body_buffer (self), &start, prefill->body, -1);
    }
  for (guint i = 0; prefill->attachments != NULL && i < prefill->attachments->len; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (g_ptr_array_index (prefill->attachments, i));

      satchel_attachment_list_add_file (self->attachment_list, file, FALSE);
    }

  if (*satchel_recipient_entry_get_text (self->to_entry) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->to_entry));
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->subject_entry)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->subject_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->body_view));
  /* Content from outside the window: kept as a draft. */
  mark_dirty (self);
}

void
satchel_compose_window_save_draft (SatchelComposeWindow *self)
{
  g_return_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self));

  if (!self->queued)
    save_now (self, FALSE);
}

SatchelDraft *
satchel_compose_window_get_draft (SatchelComposeWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self), NULL);
  return self->draft;
}

SatchelAttachmentList *
satchel_compose_window_get_attachment_list (SatchelComposeWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self), NULL);
  return self->attachment_list;
}

GtkTextBuffer *
satchel_compose_window_get_body_buffer (SatchelComposeWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self), NULL);
  return body_buffer (self);
}

void
satchel_compose_window_send (SatchelComposeWindow *self)
{
  g_return_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self));

  if (self->dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->dialog));
      return;
    }
  continue_send (self, 0);
}

AdwMessageDialog *
satchel_compose_window_get_pending_dialog (SatchelComposeWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_COMPOSE_WINDOW (self), NULL);
  return self->dialog;
}
