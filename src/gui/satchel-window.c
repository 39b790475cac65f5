/* satchel-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-window"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-window.h"

#include "satchel-draft.h"
#include "satchel-outbox-row.h"
#include "satchel-paths.h"
#include "satchel-sent.h"
#include "satchel-time-format.h"

/* Folders change in bursts (a .tmp file, a rename, the state file):
 * read them once the burst is over. */
#define RELOAD_DELAY_MS 150

typedef enum
{
  LIST_DRAFTS,
  LIST_OUTBOX,
  LIST_SENT,
  N_LISTS
} ListKind;

static const char * const list_names[N_LISTS] = { "drafts", "outbox", "sent" };

/* One list and the folder it shows. */
typedef struct
{
  GListStore   *store;
  GFileMonitor *monitor;
  GCancellable *cancellable;  /* of the read under way, or NULL */
  guint         timeout_id;
  gboolean      pending;      /* changed again during the read */
  gboolean      loaded;
} List;

struct _SatchelWindow
{
  AdwApplicationWindow  parent_instance;

  SatchelApplication   *app;
  GSettings            *settings;
  List                  lists[N_LISTS];

  /* The message the scheduler is sending now, and how far it got. */
  char                 *sending_id;
  guint64               sending_sent;
  guint64               sending_total;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkStack             *main_stack;
  AdwStatusPage        *status_page;
  AdwViewStack         *view_stack;
  AdwViewStackPage     *outbox_page;
  GtkStack             *drafts_stack;
  GtkStack             *outbox_stack;
  GtkStack             *sent_stack;
  GtkListBox           *drafts_list;
  GtkListBox           *outbox_list;
  GtkListBox           *sent_list;
};

G_DEFINE_FINAL_TYPE (SatchelWindow, satchel_window, ADW_TYPE_APPLICATION_WINDOW)

static void start_reload (SatchelWindow *self,
                          ListKind       kind);

/* Helpers ----------------------------------------------------------------- */

/* Kept by the window itself: a window that is closed no longer has an
 * application, but may still get a callback. */
static SatchelApplication *
get_app (SatchelWindow *self)
{
  return self->app;
}

static void
toast (SatchelWindow *self,
       const char    *text)
{
  /* A toast's title is markup; ours is text (it may quote a server). */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *t = adw_toast_new (escaped);

  adw_toast_set_timeout (t, 8);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static char *
list_dir (ListKind kind)
{
  switch (kind)
    {
    case LIST_DRAFTS:
      return satchel_paths_drafts_dir ();
    case LIST_OUTBOX:
      return satchel_paths_outbox_dir ();
    case LIST_SENT:
      return satchel_paths_sent_dir ();
    case N_LISTS:
    default:
      g_assert_not_reached ();
    }
}

static SatchelOutboxRow *
find_outbox_row (SatchelWindow *self,
                 const char    *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->outbox_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SatchelOutboxItem *item;

      if (!SATCHEL_IS_OUTBOX_ROW (child))
        continue;
      item = satchel_outbox_row_get_item (SATCHEL_OUTBOX_ROW (child));
      if (g_strcmp0 (satchel_outbox_item_get_id (item), id) == 0)
        return SATCHEL_OUTBOX_ROW (child);
    }

  return NULL;
}

static SatchelOutboxItem *
find_outbox_item (SatchelWindow *self,
                  const char    *id)
{
  GListModel *model = G_LIST_MODEL (self->lists[LIST_OUTBOX].store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SatchelOutboxItem) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (satchel_outbox_item_get_id (item), id) == 0)
        return item;
    }

  return NULL;
}

/* The switcher goes to the bottom when the header bar is too narrow for
 * it, and is not there at all on the welcome page. */
static void
update_switcher_bar (SatchelWindow *self)
{
  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    adw_view_switcher_title_get_view_switcher_enabled (self->switcher_title) &&
                                    adw_view_switcher_title_get_title_visible (self->switcher_title));
}

/* The welcome page until there is an account; the lists after. */
static void
update_main_page (SatchelWindow *self)
{
  SatchelContext *context = satchel_application_get_context (get_app (self));
  GListModel *accounts = G_LIST_MODEL (satchel_context_get_accounts (context));
  gboolean have_account = g_list_model_get_n_items (accounts) > 0;

  gtk_stack_set_visible_child_name (self->main_stack, have_account ? "mail" : "welcome");
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, have_account);
  update_switcher_bar (self);
}

static void
update_list_pages (SatchelWindow *self)
{
  GtkStack *stacks[N_LISTS] = { self->drafts_stack, self->outbox_stack, self->sent_stack };
  guint n_outbox;

  for (guint i = 0; i < N_LISTS; i++)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lists[i].store));

      gtk_stack_set_visible_child_name (stacks[i], n > 0 ? "list" : "empty");
    }

  n_outbox = g_list_model_get_n_items (G_LIST_MODEL (self->lists[LIST_OUTBOX].store));
  adw_view_stack_page_set_badge_number (self->outbox_page, n_outbox);
  adw_view_stack_page_set_needs_attention (self->outbox_page, n_outbox > 0);
}

/* Rows -------------------------------------------------------------------- */

/* A one-line row of a list: @subject (or "(No subject)") over @details,
 * both plain text, after an icon. */
static GtkWidget *
new_mail_row (const char *subject,
              const char *details,
              const char *icon_name)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = g_markup_escape_text (details, -1);
  GtkWidget *row = adw_action_row_new ();

  title = g_markup_escape_text (subject != NULL && *subject != '\0' ? subject : _("(No subject)"),
                                -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon_name));

  return row;
}

static GtkWidget *
create_draft_row (gpointer item,
                  gpointer user_data)
{
  SatchelDraft *draft = item;
  const char *to = satchel_draft_get_to (draft);
  g_autofree char *when = satchel_format_time (satchel_draft_get_modified (draft));
  g_autofree char *details = NULL;
  GtkWidget *delete_button;
  GtkWidget *row;

  if (to != NULL && *to != '\0')
    /* Translators: recipients, then when the draft was last saved. */
    details = g_strdup_printf (_("To %s · %s"), to, when);
  else
    /* Translators: %s is when the draft was last saved. */
    details = g_strdup_printf (_("No recipients yet · %s"), when);
  row = new_mail_row (satchel_draft_get_subject (draft), details, "document-edit-symbolic");

  delete_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (delete_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete_button, "flat");
  gtk_widget_set_tooltip_text (delete_button, _("Delete Draft"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete draft"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete_button), "drafts.delete");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete_button), "s",
                                    satchel_draft_get_id (draft));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete_button);

  g_object_set_data_full (G_OBJECT (row), "draft-id",
                          g_strdup (satchel_draft_get_id (draft)), g_free);
  return row;
}

static GtkWidget *
create_outbox_row (gpointer item,
                   gpointer user_data)
{
  SatchelWindow *self = user_data;
  SatchelOutboxRow *row = satchel_outbox_row_new (item);
  const char *id = satchel_outbox_item_get_id (item);

  if (g_strcmp0 (id, self->sending_id) == 0)
    satchel_outbox_row_set_progress (row, TRUE, self->sending_sent, self->sending_total);
  satchel_outbox_row_set_needs_password (row,
                                         satchel_application_needs_password (get_app (self), id));

  return GTK_WIDGET (row);
}

static GtkWidget *
create_sent_row (gpointer item,
                 gpointer user_data)
{
  SatchelSentMessage *message = item;
  g_autofree char *when = satchel_format_time (satchel_sent_message_get_date (message));
  g_autofree char *details = NULL;
  GtkWidget *row;

  /* Translators: recipients, then when the message was sent. */
  details = g_strdup_printf (_("To %s · %s"), satchel_sent_message_get_recipients (message), when);
  row = new_mail_row (satchel_sent_message_get_subject (message), details, "mail-read-symbolic");
  gtk_widget_set_tooltip_text (row, _("Open in your mail reader"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));

  return row;
}

/* Reading the folders ----------------------------------------------------- */

typedef struct
{
  SatchelWindow *self;
  ListKind       kind;
} ReloadData;

static void
reload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ListKind kind = GPOINTER_TO_UINT (task_data);
  GPtrArray *items = NULL;
  GError *error = NULL;

  /* Objects of their own: nothing the main thread uses is touched. */
  if (kind == LIST_DRAFTS)
    {
      g_autoptr(SatchelDraftStore) drafts = satchel_draft_store_new (NULL);

      items = satchel_draft_store_list (drafts, &error);
    }
  else if (kind == LIST_OUTBOX)
    {
      g_autoptr(SatchelOutbox) outbox = satchel_outbox_new (NULL, NULL);

      items = satchel_outbox_list (outbox, &error);
    }
  else
    {
      items = satchel_sent_list_sync (NULL, cancellable, &error);
    }

  if (items == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_reload_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree ReloadData *data = user_data;
  SatchelWindow *self = data->self;
  List *list = &self->lists[data->kind];
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  g_clear_object (&list->cancellable);
  if (items == NULL)
    {
      g_autofree char *text = NULL;

      /* Translators: %s says what went wrong reading a folder. */
      text = g_strdup_printf (_("Could not read your mail: %s"), error->message);
      toast (self, text);
    }
  else
    {
      g_list_store_splice (list->store, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (list->store)),
                           items->pdata, items->len);
      list->loaded = TRUE;
      update_list_pages (self);
    }

  if (list->pending)
    start_reload (self, data->kind);
  g_object_unref (self);
}

static void
start_reload (SatchelWindow *self,
              ListKind       kind)
{
  List *list = &self->lists[kind];
  g_autoptr(GTask) task = NULL;
  ReloadData *data;

  g_clear_handle_id (&list->timeout_id, g_source_remove);
  if (list->cancellable != NULL)
    {
      /* One read at a time; the newest state wins. */
      list->pending = TRUE;
      return;
    }
  list->pending = FALSE;

  data = g_new0 (ReloadData, 1);
  data->self = g_object_ref (self);
  data->kind = kind;
  list->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, list->cancellable, on_reload_done, data);
  g_task_set_source_tag (task, start_reload);
  g_task_set_name (task, "[satchel] read mail folder");
  g_task_set_task_data (task, GUINT_TO_POINTER (kind), NULL);
  g_task_run_in_thread (task, reload_thread);
}

typedef struct
{
  SatchelWindow *self;
  ListKind       kind;
} DelayData;

static gboolean
on_reload_delay (gpointer user_data)
{
  DelayData *data = user_data;

  data->self->lists[data->kind].timeout_id = 0;
  start_reload (data->self, data->kind);

  return G_SOURCE_REMOVE;
}

static void
schedule_reload (SatchelWindow *self,
                 ListKind       kind)
{
  List *list = &self->lists[kind];
  DelayData *data;

  if (list->timeout_id != 0)
    return;

  data = g_new0 (DelayData, 1);
  data->self = self;
  data->kind = kind;
  list->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, RELOAD_DELAY_MS,
                                         on_reload_delay, data, g_free);
}

static void
on_folder_changed (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   gpointer           user_data)
{
  SatchelWindow *self = SATCHEL_WINDOW (user_data);

  for (guint i = 0; i < N_LISTS; i++)
    if (self->lists[i].monitor == monitor)
      schedule_reload (self, i);
}

static void
watch_folders (SatchelWindow *self)
{
  for (guint i = 0; i < N_LISTS; i++)
    {
      g_autofree char *dir = list_dir (i);
      g_autoptr(GFile) file = g_file_new_for_path (dir);
      g_autoptr(GError) error = NULL;

      /* Watching a folder that is not there yet would miss its files. */
      if (!satchel_paths_ensure_dir (dir, &error))
        g_message ("Could not create %s: %s", dir, error->message);
      g_clear_error (&error);

      self->lists[i].monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES,
                                                         NULL, &error);
      if (self->lists[i].monitor == NULL)
        {
          g_message ("Cannot watch %s: %s", dir, error->message);
          continue;
        }
      g_signal_connect_object (self->lists[i].monitor, "changed",
                               G_CALLBACK (on_folder_changed), self, 0);
    }
}

/* Scheduler --------------------------------------------------------------- */

static void
on_send_started (SatchelScheduler *scheduler,
                 const char       *id,
                 SatchelWindow    *self)
{
  SatchelOutboxRow *row;

  g_free (self->sending_id);
  self->sending_id = g_strdup (id);
  self->sending_sent = 0;
  self->sending_total = 0;

  row = find_outbox_row (self, id);
  if (row != NULL)
    satchel_outbox_row_set_progress (row, TRUE, 0, 0);
}

static void
on_send_progress (SatchelScheduler *scheduler,
                  const char       *id,
                  guint64           sent,
                  guint64           total,
                  SatchelWindow    *self)
{
  SatchelOutboxRow *row;

  if (g_strcmp0 (id, self->sending_id) != 0)
    {
      g_free (self->sending_id);
      self->sending_id = g_strdup (id);
    }
  self->sending_sent = sent;
  self->sending_total = total;

  row = find_outbox_row (self, id);
  if (row != NULL)
    satchel_outbox_row_set_progress (row, TRUE, sent, total);
}

static void
on_send_finished (SatchelScheduler *scheduler,
                  const char       *id,
                  const GError     *error,
                  SatchelWindow    *self)
{
  SatchelOutboxRow *row;

  if (g_strcmp0 (id, self->sending_id) == 0)
    g_clear_pointer (&self->sending_id, g_free);

  row = find_outbox_row (self, id);
  if (row != NULL)
    {
      satchel_outbox_row_set_progress (row, FALSE, 0, 0);
      satchel_outbox_row_set_needs_password (row,
                                             satchel_application_needs_password (get_app (self), id));
    }

  /* The file monitors see it too; this is sooner. */
  schedule_reload (self, LIST_OUTBOX);
  if (error == NULL)
    schedule_reload (self, LIST_SENT);
}

/* Actions ----------------------------------------------------------------- */

typedef struct
{
  SatchelWindow *self;
  char          *id;
} ConfirmData;

static void
confirm_data_free (gpointer  user_data,
                   GClosure *closure)
{
  ConfirmData *data = user_data;

  g_object_unref (data->self);
  g_free (data->id);
  g_free (data);
}

static AdwMessageDialog *
confirm (SatchelWindow *self,
         const char    *heading,
         const char    *body,
         const char    *response,
         const char    *label,
         const char    *id,
         GCallback      callback)
{
  AdwMessageDialog *dialog;
  ConfirmData *data = g_new0 (ConfirmData, 1);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    response, label,
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, response, ADW_RESPONSE_DESTRUCTIVE);
  /* The safe answer is the one Enter and Escape give. */
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  data->self = g_object_ref (self);
  data->id = g_strdup (id);
  g_signal_connect_data (dialog, "response", callback, data, confirm_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
retry_now (SatchelWindow *self,
           const char    *id)
{
  g_autoptr(GError) error = NULL;

  if (!satchel_application_retry_now (get_app (self), id, &error))
    toast (self, error->message);
  schedule_reload (self, LIST_OUTBOX);
}

static void
on_send_again_response (AdwMessageDialog *dialog,
                        const char       *response,
                        ConfirmData      *data)
{
  if (g_str_equal (response, "send"))
    retry_now (data->self, data->id);
}

static void
outbox_retry (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  satchel_window_retry (SATCHEL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     ConfirmData      *data)
{
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "discard"))
    return;

  if (!satchel_application_discard (get_app (data->self), data->id, &error))
    toast (data->self, error->message);
  schedule_reload (data->self, LIST_OUTBOX);
}

static void
outbox_discard (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SatchelWindow *self = SATCHEL_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  SatchelOutboxItem *item = find_outbox_item (self, id);
  const char *subject = item != NULL ? satchel_outbox_item_get_subject (item) : NULL;
  g_autofree char *body = NULL;

  if (subject != NULL && *subject != '\0')
    /* Translators: %s is the subject of a message. */
    body = g_strdup_printf (_("“%s” will not be sent, and it cannot be brought back."),
                            subject);
  else
    body = g_strdup (_("The message will not be sent, and it cannot be brought back."));

  confirm (self, _("Discard Message?"), body, "discard", _("_Discard"), id,
           G_CALLBACK (on_discard_response));
}

static void
outbox_cancel (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SatchelWindow *self = SATCHEL_WINDOW (widget);
  SatchelScheduler *scheduler = satchel_application_get_scheduler (get_app (self));

  satchel_scheduler_cancel_item (scheduler, g_variant_get_string (parameter, NULL));
  toast (self, _("Sending cancelled. The message stays in the Outbox."));
}

static void
outbox_password (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SatchelWindow *self = SATCHEL_WINDOW (widget);

  satchel_application_ask_password (get_app (self), g_variant_get_string (parameter, NULL));
}

static void
outbox_edit_account (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SatchelWindow *self = SATCHEL_WINDOW (widget);
  SatchelOutboxItem *item = find_outbox_item (self, g_variant_get_string (parameter, NULL));

  if (item != NULL)
    satchel_application_edit_account (get_app (self), satchel_outbox_item_get_account (item));
}

static void
on_delete_draft_response (AdwMessageDialog *dialog,
                          const char       *response,
                          ConfirmData      *data)
{
  SatchelDraftStore *drafts;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "delete"))
    return;

  drafts = satchel_application_get_drafts (get_app (data->self));
  if (!satchel_draft_store_remove (drafts, data->id, &error))
    toast (data->self, error->message);
  schedule_reload (data->self, LIST_DRAFTS);
}

static void
drafts_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  confirm (SATCHEL_WINDOW (widget), _("Delete Draft?"),
           _("What you wrote and the list of files to attach will be gone. "
             "The files themselves stay where they are."),
           "delete", _("_Delete"), g_variant_get_string (parameter, NULL),
           G_CALLBACK (on_delete_draft_response));
}

static void
window_undo_send (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (get_app (SATCHEL_WINDOW (widget))),
                                  "undo-send", g_variant_new_string (""));
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_draft_activated (GtkListBox    *list,
                    GtkListBoxRow *row,
                    SatchelWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "draft-id");
  g_autoptr(GError) error = NULL;

  if (id != NULL && !satchel_application_open_draft (get_app (self), id, &error))
    toast (self, error->message);
}

typedef struct
{
  SatchelWindow *self;
  char          *path;   /* the sent message's file */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_object_unref (data->self);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenData, open_data_free)

/* A toast would cut this short: it says what to do, and where the
 * message is. */
static void
on_launched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(OpenData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  /* Opened; or failed, but the window is gone and the user with it. */
  if (g_app_info_launch_default_for_uri_finish (result, &error) ||
      !gtk_widget_get_visible (GTK_WIDGET (data->self)))
    return;

  shown = g_filename_display_name (data->path);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    /* Translators: %s is the file of the message (.eml). */
    body = g_strdup_printf (_("No program on this computer opens mail files. Install a mail "
                              "reader such as Thunderbird or Evolution to read your sent "
                              "messages. This one is kept in “%s”."),
                            shown);
  else
    /* Translators: the first %s says what failed; the second is the
     * file of the message (.eml). */
    body = g_strdup_printf (_("%s\n\nThe message is kept in “%s”: a mail reader such as "
                              "Thunderbird or Evolution can open it."),
                            error->message, shown);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (data->self),
                                                       _("Could Not Open the Message"),
                                                       body));
  adw_message_dialog_add_response (dialog, "close", _("_OK"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_sent_activated (GtkListBox    *list,
                   GtkListBoxRow *row,
                   SatchelWindow *self)
{
  g_autoptr(SatchelSentMessage) message = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autofree char *uri = NULL;
  OpenData *data;

  message = g_list_model_get_item (G_LIST_MODEL (self->lists[LIST_SENT].store),
                                   gtk_list_box_row_get_index (row));
  if (message == NULL)
    return;

  file = g_file_new_for_path (satchel_sent_message_get_path (message));
  uri = g_file_get_uri (file);
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                                    gtk_widget_get_display (GTK_WIDGET (self))));
  satchel_application_restore_environment (context);
  data = g_new0 (OpenData, 1);
  data->self = g_object_ref (self);
  data->path = g_strdup (satchel_sent_message_get_path (message));
  /* GtkFileLauncher is GTK 4.10. */
  g_app_info_launch_default_for_uri_async (uri, context, NULL, on_launched, data);
}

static void
on_accounts_changed (GListModel    *model,
                     guint          position,
                     guint          removed,
                     guint          added,
                     SatchelWindow *self)
{
  update_main_page (self);
}

/* Overrides --------------------------------------------------------------- */

static gboolean
satchel_window_close_request (GtkWindow *window)
{
  SatchelWindow *self = SATCHEL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (window));

  /* Closing the last window while a message can still be undone asks
   * what to do with it, as quitting does. */
  if (satchel_application_confirm_close (get_app (self), window))
    return TRUE;

  return GTK_WINDOW_CLASS (satchel_window_parent_class)->close_request (window);
}

static void
satchel_window_dispose (GObject *object)
{
  SatchelWindow *self = SATCHEL_WINDOW (object);

  for (guint i = 0; i < N_LISTS; i++)
    {
      List *list = &self->lists[i];

      if (list->cancellable != NULL)
        g_cancellable_cancel (list->cancellable);
      g_clear_object (&list->cancellable);
      g_clear_handle_id (&list->timeout_id, g_source_remove);
      if (list->monitor != NULL)
        g_file_monitor_cancel (list->monitor);
      g_clear_object (&list->monitor);
    }

  if (self->app != NULL)
    {
      SatchelContext *context = satchel_application_get_context (self->app);

      g_signal_handlers_disconnect_by_data (satchel_context_get_accounts (context), self);
      g_signal_handlers_disconnect_by_data (satchel_application_get_scheduler (self->app), self);
      g_clear_object (&self->app);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_WINDOW);

  G_OBJECT_CLASS (satchel_window_parent_class)->dispose (object);
}

static void
satchel_window_finalize (GObject *object)
{
  SatchelWindow *self = SATCHEL_WINDOW (object);

  for (guint i = 0; i < N_LISTS; i++)
    g_clear_object (&self->lists[i].store);
  g_clear_object (&self->settings);
  g_free (self->sending_id);

  G_OBJECT_CLASS (satchel_window_parent_class)->finalize (object);
}

static void
satchel_window_class_init (SatchelWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = satchel_window_dispose;
  object_class->finalize = satchel_window_finalize;
  window_class->close_request = satchel_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, outbox_page);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, drafts_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, outbox_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, sent_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, drafts_list);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, outbox_list);
  gtk_widget_class_bind_template_child (widget_class, SatchelWindow, sent_list);
  gtk_widget_class_bind_template_callback (widget_class, on_draft_activated);
  gtk_widget_class_bind_template_callback (widget_class, update_switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_sent_activated);

  gtk_widget_class_install_action (widget_class, "outbox.retry", "s", outbox_retry);
  gtk_widget_class_install_action (widget_class, "outbox.discard", "s", outbox_discard);
  gtk_widget_class_install_action (widget_class, "outbox.cancel", "s", outbox_cancel);
  gtk_widget_class_install_action (widget_class, "outbox.password", "s", outbox_password);
  gtk_widget_class_install_action (widget_class, "outbox.edit-account", "s", outbox_edit_account);
  gtk_widget_class_install_action (widget_class, "drafts.delete", "s", drafts_delete);
  gtk_widget_class_install_action (widget_class, "win.undo-send", NULL, window_undo_send);

  /* No text to edit in this window: Ctrl+Z takes back the last send. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK,
                                       "win.undo-send", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
satchel_window_init (SatchelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->lists[LIST_DRAFTS].store = g_list_store_new (SATCHEL_TYPE_DRAFT);
  self->lists[LIST_OUTBOX].store = g_list_store_new (SATCHEL_TYPE_OUTBOX_ITEM);
  self->lists[LIST_SENT].store = g_list_store_new (SATCHEL_TYPE_SENT_MESSAGE);

  gtk_list_box_bind_model (self->drafts_list, G_LIST_MODEL (self->lists[LIST_DRAFTS].store),
                           create_draft_row, self, NULL);
  gtk_list_box_bind_model (self->outbox_list, G_LIST_MODEL (self->lists[LIST_OUTBOX].store),
                           create_outbox_row, self, NULL);
  gtk_list_box_bind_model (self->sent_list, G_LIST_MODEL (self->lists[LIST_SENT].store),
                           create_sent_row, self, NULL);

  self->settings = g_settings_new (APPLICATION_ID);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

/* Public API -------------------------------------------------------------- */

SatchelWindow *
satchel_window_new (SatchelApplication *application)
{
  SatchelWindow *self;
  SatchelScheduler *scheduler;
  SatchelContext *context;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (application), NULL);

  self = g_object_new (SATCHEL_TYPE_WINDOW, "application", application, NULL);
  self->app = g_object_ref (application);

  context = satchel_application_get_context (application);
  g_signal_connect_object (satchel_context_get_accounts (context), "items-changed",
                           G_CALLBACK (on_accounts_changed), self, 0);
  update_main_page (self);

  scheduler = satchel_application_get_scheduler (application);
  g_signal_connect_object (scheduler, "send-started", G_CALLBACK (on_send_started), self, 0);
  g_signal_connect_object (scheduler, "send-progress", G_CALLBACK (on_send_progress), self, 0);
  g_signal_connect_object (scheduler, "send-finished", G_CALLBACK (on_send_finished), self, 0);

  watch_folders (self);
  satchel_window_reload (self);

  return self;
}

void
satchel_window_add_toast (SatchelWindow *self,
                          AdwToast      *toast)
{
  g_return_if_fail (SATCHEL_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
satchel_window_set_page (SatchelWindow *self,
                         const char    *name)
{
  g_return_if_fail (SATCHEL_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
satchel_window_get_page (SatchelWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

GListModel *
satchel_window_get_list (SatchelWindow *self,
                         const char    *name)
{
  g_return_val_if_fail (SATCHEL_IS_WINDOW (self), NULL);

  for (guint i = 0; i < N_LISTS; i++)
    if (g_strcmp0 (name, list_names[i]) == 0)
      return G_LIST_MODEL (self->lists[i].store);

  g_return_val_if_reached (NULL);
}

void
satchel_window_reload (SatchelWindow *self)
{
  g_return_if_fail (SATCHEL_IS_WINDOW (self));

  for (guint i = 0; i < N_LISTS; i++)
    {
      self->lists[i].loaded = FALSE;
      start_reload (self, i);
    }
}

gboolean
satchel_window_is_loaded (SatchelWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_WINDOW (self), FALSE);

  for (guint i = 0; i < N_LISTS; i++)
    {
      List *list = &self->lists[i];

      if (!list->loaded || list->cancellable != NULL || list->timeout_id != 0)
        return FALSE;
    }

  return TRUE;
}

void
satchel_window_retry (SatchelWindow *self,
                      const char    *id)
{
  SatchelOutboxItem *item;

  g_return_if_fail (SATCHEL_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  item = find_outbox_item (self, id);
  if (item != NULL && satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_UNKNOWN)
    {
      confirm (self, _("Send Again?"),
               _("The connection broke after the whole message was handed over, so "
                 "the server may already have it: sending again may deliver it twice. "
                 "If you can, ask a recipient whether it arrived."),
               "send", _("_Send Again"), id, G_CALLBACK (on_send_again_response));
      return;
    }

  if (satchel_application_needs_password (get_app (self), id))
    {
      satchel_application_ask_password (get_app (self), id);
      return;
    }

  retry_now (self, id);
}
