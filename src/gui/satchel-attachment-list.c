/* satchel-attachment-list.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-attachment-list"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-attachment-list.h"
#include "satchel-attachment-row.h"
#include "satchel-compose-check.h"

/* Set on an attachment restored from a draft: stays when missing. */
#define KEEP_MISSING_KEY "satchel-keep-missing"

struct _SatchelAttachmentList
{
  GtkWidget             parent_instance;

  GListStore           *store;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;

  guint64               total_size;
  guint64               encoded_size;
  guint64               extra_size;
  guint64               size_limit;
  gboolean              over_limit;
  GString              *notice;
  char                 *summary;

  GtkRevealer          *notice_revealer;
  GtkLabel             *notice_label;
  GtkScrolledWindow    *scroller;
  GtkListBox           *list_box;
  GtkLabel             *count_label;
  GtkImage             *limit_icon;
  GtkLabel             *summary_label;
};

G_DEFINE_FINAL_TYPE (SatchelAttachmentList, satchel_attachment_list, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TOTAL_SIZE,
  PROP_ENCODED_SIZE,
  PROP_SIZE_LIMIT,
  PROP_OVER_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers ----------------------------------------------------------------- */

static void
update_totals (SatchelAttachmentList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint64 total = 0;
  guint64 encoded = 0;
  gboolean over;
  g_autofree char *count = NULL;
  g_autofree char *tooltip = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (satchel_attachment_get_state (attachment) != SATCHEL_ATTACHMENT_STATE_READY)
        continue;
      total += satchel_attachment_get_size (attachment);
      /* Each file is a base64 part of its own. */
      encoded += satchel_compose_encoded_size (satchel_attachment_get_size (attachment));
    }
  if (self->extra_size > 0)
    encoded += satchel_compose_encoded_size (self->extra_size);
  over = self->size_limit > 0 && encoded > self->size_limit;

  g_object_freeze_notify (G_OBJECT (self));
  if (total != self->total_size)
    {
      self->total_size = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL_SIZE]);
    }
  if (encoded != self->encoded_size)
    {
      self->encoded_size = encoded;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODED_SIZE]);
    }
  if (over != self->over_limit)
    {
      self->over_limit = over;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVER_LIMIT]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (n == 0)
    count = g_strdup (_("No attachments"));
  else
    {
      g_autofree char *size = g_format_size (total);

      /* Translators: the number of attached files and their size on
       * disk, as in "3 files, 12.4 MB". */
      count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file, %s", "%u files, %s", n),
                               n, size);
    }
  gtk_label_set_text (self->count_label, count);

  g_clear_pointer (&self->summary, g_free);
  if (self->size_limit > 0 && encoded > 0)
    {
      g_autofree char *sent = g_format_size (encoded);
      g_autofree char *limit = g_format_size (self->size_limit);

      /* Translators: the size of the attachments as they travel,
       * against the largest message the server accepts: "12.4 MB of
       * 25.0 MB". */
      self->summary = g_strdup_printf (_("%s of %s"), sent, limit);
      if (over)
        tooltip = g_strdup_printf (_("As sent, the attachments take %s: more than the "
                                     "%s the server accepts. Remove some, or share "
                                     "large files another way."),
                                   sent, limit);
      else
        tooltip = g_strdup_printf (_("As sent (base64 adds about 37 %%), the attachments "
                                     "take %s of the %s the server accepts."),
                                   sent, limit);
    }
  else if (encoded > 0)
    {
      g_autofree char *sent = g_format_size (encoded);

      /* Translators: the size of the attachments as they travel
       * (base64-encoded), when the server's limit is not known. */
      self->summary = g_strdup_printf (_("%s as sent"), sent);
      tooltip = g_strdup (_("As sent, base64 adds about 37 %. The server has not "
                            "said how large a message it accepts."));
    }
  else
    self->summary = g_strdup ("");

  gtk_label_set_text (self->summary_label, self->summary);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), tooltip);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->limit_icon), tooltip);
  gtk_widget_set_visible (GTK_WIDGET (self->limit_icon), over);
  if (over)
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  tooltip != NULL ? tooltip : "", -1);

  gtk_widget_set_visible (GTK_WIDGET (self->scroller), n > 0);
}

static void
show_notice (SatchelAttachmentList *self,
             const char            *text)
{
  if (self->notice->len > 0)
    g_string_append_c (self->notice, '\n');
  g_string_append (self->notice, text);
  gtk_label_set_text (self->notice_label, self->notice->str);
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
}

static void
dismiss_notice (SatchelAttachmentList *self)
{
  g_string_truncate (self->notice, 0);
  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

static gboolean
contains_file (SatchelAttachmentList *self,
               GFile                 *file)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_file_equal (satchel_attachment_get_file (attachment), file))
        return TRUE;
    }
  return FALSE;
}

/* The row that has the focus, else the selected one; -1 for none. */
static int
current_position (SatchelAttachmentList *self)
{
  GtkWidget *focus = gtk_widget_get_focus_child (GTK_WIDGET (self->list_box));
  GtkListBoxRow *row = GTK_IS_LIST_BOX_ROW (focus) ? GTK_LIST_BOX_ROW (focus)
                                                   : gtk_list_box_get_selected_row (self->list_box);

  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

static void
focus_position (SatchelAttachmentList *self,
                int                    position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  GtkListBoxRow *row;

  if (n == 0)
    return;
  row = gtk_list_box_get_row_at_index (self->list_box, CLAMP (position, 0, (int) n - 1));
  gtk_list_box_select_row (self->list_box, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_attachment_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(SatchelAttachmentList) self = user_data;
  SatchelAttachment *attachment = SATCHEL_ATTACHMENT (source);
  g_autoptr(GError) error = NULL;
  gboolean keep;
  guint position;

  if (satchel_attachment_load_finish (attachment, result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->store == NULL)
    return;

  keep = g_object_get_data (G_OBJECT (attachment), KEEP_MISSING_KEY) != NULL &&
         satchel_attachment_get_state (attachment) == SATCHEL_ATTACHMENT_STATE_MISSING;
  if (keep || !g_list_store_find (self->store, attachment, &position))
    return;

  /* Refused at once, with the reason above the list. */
  show_notice (self, error->message);
  satchel_attachment_list_remove (self, position);
}

static void
on_attachment_notify (SatchelAttachmentList *self)
{
  update_totals (self);
}

static void
on_items_changed (SatchelAttachmentList *self,
                  guint                  position,
                  guint                  removed,
                  guint                  added)
{
  update_totals (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  SatchelAttachment *attachment = satchel_attachment_row_get_attachment (SATCHEL_ATTACHMENT_ROW (row));

  return gdk_content_provider_new_typed (SATCHEL_TYPE_ATTACHMENT, attachment);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               gpointer       user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (source));
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (row);

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static gboolean
on_row_drop (GtkDropTarget *target,
             const GValue  *value,
             double         x,
             double         y,
             gpointer       user_data)
{
  SatchelAttachmentList *self = user_data;
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  SatchelAttachment *dragged = g_value_get_object (value);
  guint from;
  int to = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));

  if (dragged == NULL || to < 0 || !g_list_store_find (self->store, dragged, &from))
    return FALSE;
  satchel_attachment_list_move (self, from, to);
  focus_position (self, to);
  return TRUE;
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SatchelAttachmentList *self = user_data;
  GtkWidget *row = satchel_attachment_row_new (item);
  GtkDragSource *source = gtk_drag_source_new ();
  GtkDropTarget *target = gtk_drop_target_new (SATCHEL_TYPE_ATTACHMENT, GDK_ACTION_MOVE);

  gtk_drag_source_set_actions (source, GDK_ACTION_MOVE);
  g_signal_connect (source, "prepare", G_CALLBACK (on_drag_prepare), NULL);
  g_signal_connect (source, "drag-begin", G_CALLBACK (on_drag_begin), NULL);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (source));

  g_signal_connect (target, "drop", G_CALLBACK (on_row_drop), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));

  return row;
}

static gboolean
on_list_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     SatchelAttachmentList *self)
{
  int position = current_position (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (position < 0)
    return FALSE;

  state &= gtk_accelerator_get_default_mod_mask ();
  if (state == 0 && (keyval == GDK_KEY_Delete || keyval == GDK_KEY_KP_Delete ||
                     keyval == GDK_KEY_BackSpace))
    {
      satchel_attachment_list_remove (self, position);
      if (n > 1)
        focus_position (self, position);
      return TRUE;
    }
  if (state == GDK_ALT_MASK && (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up))
    {
      if (position > 0)
        {
          satchel_attachment_list_move (self, position, position - 1);
          focus_position (self, position - 1);
        }
      return TRUE;
    }
  if (state == GDK_ALT_MASK && (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down))
    {
      if ((guint) position + 1 < n)
        {
          satchel_attachment_list_move (self, position, position + 1);
          focus_position (self, position + 1);
        }
      return TRUE;
    }
  return FALSE;
}

static void
on_chooser_response (GtkNativeDialog       *chooser,
                     int                    response,
                     SatchelAttachmentList *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      guint n = g_list_model_get_n_items (files);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);

          satchel_attachment_list_add_file (self, file, FALSE);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&self->chooser);
}

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  satchel_attachment_list_choose_files (SATCHEL_ATTACHMENT_LIST (widget));
}

static void
remove_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SatchelAttachmentList *self = SATCHEL_ATTACHMENT_LIST (widget);
  guint position = g_variant_get_uint32 (parameter);

  if (position < g_list_model_get_n_items (G_LIST_MODEL (self->store)))
    satchel_attachment_list_remove (self, position);
}

static void
dismiss_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  dismiss_notice (SATCHEL_ATTACHMENT_LIST (widget));
}

/* GObject ------------------------------------------------------------------- */

static void
satchel_attachment_list_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SatchelAttachmentList *self = SATCHEL_ATTACHMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_TOTAL_SIZE:
      g_value_set_uint64 (value, self->total_size);
      break;
    case PROP_ENCODED_SIZE:
      g_value_set_uint64 (value, self->encoded_size);
      break;
    case PROP_SIZE_LIMIT:
      g_value_set_uint64 (value, self->size_limit);
      break;
    case PROP_OVER_LIMIT:
      g_value_set_boolean (value, self->over_limit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_attachment_list_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SatchelAttachmentList *self = SATCHEL_ATTACHMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_SIZE_LIMIT:
      satchel_attachment_list_set_size_limit (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_attachment_list_dispose (GObject *object)
{
  SatchelAttachmentList *self = SATCHEL_ATTACHMENT_LIST (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->store != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));

      g_signal_handlers_disconnect_by_data (self->store, self);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

          g_signal_handlers_disconnect_by_data (item, self);
        }
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_ATTACHMENT_LIST);
  /* The footer is not bound: unparent what the template left. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (satchel_attachment_list_parent_class)->dispose (object);
}

static void
satchel_attachment_list_finalize (GObject *object)
{
  SatchelAttachmentList *self = SATCHEL_ATTACHMENT_LIST (object);

  g_clear_object (&self->cancellable);
  g_string_free (self->notice, TRUE);
  g_free (self->summary);

  G_OBJECT_CLASS (satchel_attachment_list_parent_class)->finalize (object);
}

static void
satchel_attachment_list_class_init (SatchelAttachmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = satchel_attachment_list_get_property;
  object_class->set_property = satchel_attachment_list_set_property;
  object_class->dispose = satchel_attachment_list_dispose;
  object_class->finalize = satchel_attachment_list_finalize;

  properties[PROP_TOTAL_SIZE] =
    g_param_spec_uint64 ("total-size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ENCODED_SIZE] =
    g_param_spec_uint64 ("encoded-size", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SIZE_LIMIT] =
    g_param_spec_uint64 ("size-limit", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OVER_LIMIT] =
    g_param_spec_boolean ("over-limit", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-attachment-list.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, notice_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, scroller);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, list_box);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, count_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, limit_icon);
  gtk_widget_class_bind_template_child (widget_class, SatchelAttachmentList, summary_label);

  gtk_widget_class_install_action (widget_class, "attachments.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "attachments.remove", "u", remove_activated);
  gtk_widget_class_install_action (widget_class, "attachments.dismiss", NULL, dismiss_activated);

  gtk_widget_class_set_css_name (widget_class, "satchel-attachment-list");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
satchel_attachment_list_init (SatchelAttachmentList *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->store = g_list_store_new (SATCHEL_TYPE_ATTACHMENT);
  self->cancellable = g_cancellable_new ();
  self->notice = g_string_new (NULL);
  g_signal_connect_swapped (self->store, "items-changed", G_CALLBACK (on_items_changed), self);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->store), create_row, self, NULL);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_box), keys);

  update_totals (self);
}

/* Public API ---------------------------------------------------------------- */

GtkWidget *
satchel_attachment_list_new (void)
{
  return g_object_new (SATCHEL_TYPE_ATTACHMENT_LIST, NULL);
}

GListModel *
satchel_attachment_list_get_model (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);
  return G_LIST_MODEL (self->store);
}

SatchelAttachment *
satchel_attachment_list_add_file (SatchelAttachmentList *self,
                                  GFile                 *file,
                                  gboolean               keep_missing)
{
  g_autoptr(SatchelAttachment) attachment = NULL;

  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (contains_file (self, file))
    return NULL;

  attachment = satchel_attachment_new (file);
  if (keep_missing)
    g_object_set_data (G_OBJECT (attachment), KEEP_MISSING_KEY, GINT_TO_POINTER (TRUE));
  g_signal_connect_swapped (attachment, "notify::state", G_CALLBACK (on_attachment_notify), self);
  g_signal_connect_swapped (attachment, "notify::size", G_CALLBACK (on_attachment_notify), self);
  g_list_store_append (self->store, attachment);
  satchel_attachment_load (attachment, self->cancellable, on_attachment_loaded,
                           g_object_ref (self));
  return attachment;
}

void
satchel_attachment_list_add_files (SatchelAttachmentList *self,
                                   GSList                *files)
{
  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));

  for (GSList *l = files; l != NULL; l = l->next)
    satchel_attachment_list_add_file (self, l->data, FALSE);
}

void
satchel_attachment_list_remove (SatchelAttachmentList *self,
                                guint                  position)
{
  g_autoptr(GObject) item = NULL;

  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));
  g_return_if_fail (position < g_list_model_get_n_items (G_LIST_MODEL (self->store)));

  item = g_list_model_get_item (G_LIST_MODEL (self->store), position);
  g_signal_handlers_disconnect_by_data (item, self);
  g_list_store_remove (self->store, position);
}

void
satchel_attachment_list_move (SatchelAttachmentList *self,
                              guint                  from,
                              guint                  to)
{
  g_autoptr(GObject) item = NULL;
  guint n;

  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  g_return_if_fail (from < n && to < n);

  if (from == to)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->store), from);
  /* One "changed" for the move, not two. */
  g_signal_handlers_block_by_func (self->store, on_items_changed, self);
  g_list_store_remove (self->store, from);
  g_list_store_insert (self->store, to, item);
  g_signal_handlers_unblock_by_func (self->store, on_items_changed, self);
  on_items_changed (self, MIN (from, to), 0, 0);
}

void
satchel_attachment_list_clear (SatchelAttachmentList *self)
{
  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));

  while (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    satchel_attachment_list_remove (self, 0);
  dismiss_notice (self);
}

GStrv
satchel_attachment_list_dup_paths (SatchelAttachmentList *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n;

  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (satchel_attachment_get_path (attachment) != NULL)
        g_strv_builder_add (builder, satchel_attachment_get_path (attachment));
    }
  return g_strv_builder_end (builder);
}

guint64
satchel_attachment_list_get_total_size (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), 0);
  return self->total_size;
}

guint64
satchel_attachment_list_get_encoded_size (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), 0);
  return self->encoded_size;
}

void
satchel_attachment_list_set_extra_size (SatchelAttachmentList *self,
                                        guint64                extra_size)
{
  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));

  if (self->extra_size == extra_size)
    return;
  self->extra_size = extra_size;
  update_totals (self);
}

void
satchel_attachment_list_set_size_limit (SatchelAttachmentList *self,
                                        guint64                size_limit)
{
  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));

  if (self->size_limit == size_limit)
    return;
  self->size_limit = size_limit;
  update_totals (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE_LIMIT]);
}

guint64
satchel_attachment_list_get_size_limit (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), 0);
  return self->size_limit;
}

gboolean
satchel_attachment_list_get_over_limit (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), FALSE);
  return self->over_limit;
}

gboolean
satchel_attachment_list_get_loading (SatchelAttachmentList *self)
{
  guint n;

  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (satchel_attachment_get_state (attachment) == SATCHEL_ATTACHMENT_STATE_LOADING)
        return TRUE;
    }
  return FALSE;
}

SatchelAttachment *
satchel_attachment_list_get_first_problem (SatchelAttachmentList *self)
{
  guint n;

  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SatchelAttachment) attachment = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      SatchelAttachmentState state = satchel_attachment_get_state (attachment);

      if (state == SATCHEL_ATTACHMENT_STATE_MISSING || state == SATCHEL_ATTACHMENT_STATE_REFUSED)
        return attachment;
    }
  return NULL;
}

const char *
satchel_attachment_list_get_notice (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);
  return self->notice->len > 0 ? self->notice->str : NULL;
}

const char *
satchel_attachment_list_get_summary (SatchelAttachmentList *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self), NULL);
  return self->summary;
}

void
satchel_attachment_list_choose_files (SatchelAttachmentList *self)
{
  GtkRoot *root;

  g_return_if_fail (SATCHEL_IS_ATTACHMENT_LIST (self));

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  root = gtk_widget_get_root (GTK_WIDGET (self));
  self->chooser = gtk_file_chooser_native_new (_("Attach Files"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Attach"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
