/* satchel-contacts-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-contacts-window"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-contacts-window.h"

#include "satchel-address.h"
#include "satchel-vcard.h"

struct _SatchelContactsWindow
{
  AdwWindow            parent_instance;

  SatchelContactStore *store;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  GHashTable          *visible_ids;  /* NULL: no search, all visible */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *view_stack;
  GtkSearchEntry       *search_entry;
  GtkStack             *contacts_stack;
  GtkStack             *groups_stack;
  GtkListView          *contacts_view;
  GtkListView          *groups_view;
};

G_DEFINE_FINAL_TYPE (SatchelContactsWindow, satchel_contacts_window, ADW_TYPE_WINDOW)

/* Helpers ----------------------------------------------------------------- */

static void
toast (SatchelContactsWindow *self,
       const char            *text)
{
  /* A toast's title is markup; ours is text (it may quote addresses in
   * angle brackets). */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *t = adw_toast_new (escaped);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static void
update_pages (SatchelContactsWindow *self)
{
  guint n_all = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint n_groups = g_list_model_get_n_items (satchel_contact_store_get_groups (self->store));

  if (n_all == 0 && self->visible_ids == NULL)
    gtk_stack_set_visible_child_name (self->contacts_stack, "empty");
  else if (n_shown == 0)
    gtk_stack_set_visible_child_name (self->contacts_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->contacts_stack, "list");

  gtk_stack_set_visible_child_name (self->groups_stack, n_groups > 0 ? "list" : "empty");
}

static gboolean
filter_contact (gpointer item,
                gpointer user_data)
{
  SatchelContactsWindow *self = user_data;

  return self->visible_ids == NULL ||
         g_hash_table_contains (self->visible_ids, satchel_contact_get_id (item));
}

static void
refilter (SatchelContactsWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(GPtrArray) matches = NULL;

  g_clear_pointer (&self->visible_ids, g_hash_table_unref);
  if (stripped != NULL && *stripped != '\0')
    {
      /* The same search as autocomplete and the CLI: accents, case and
       * Chinese characters alike. */
      matches = satchel_contact_store_search (self->store, text, 0);
      self->visible_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < matches->len; i++)
        {
          SatchelContact *contact = satchel_contact_match_get_contact (matches->pdata[i]);

          if (contact != NULL)
            g_hash_table_add (self->visible_ids, g_strdup (satchel_contact_get_id (contact)));
        }
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_pages (self);
}

static void
report_problem (SatchelContactsWindow *self)
{
  const GError *problem = satchel_contact_store_get_problem (self->store);

  if (problem != NULL)
    toast (self, problem->message);
}

/* Comma- or semicolon-separated addresses, each checked strictly; the
 * bare addr-spec of each. NULL and @error on the first bad one. */
static GPtrArray *
parse_addresses (const char  *text,
                 GError     **error)
{
  g_autoptr(GPtrArray) parsed = satchel_address_parse_list (text, error);
  GPtrArray *out;

  if (parsed == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < parsed->len; i++)
    {
      g_autoptr(SatchelAddress) bare = satchel_address_copy (parsed->pdata[i]);

      g_clear_pointer (&bare->name, g_free);
      g_ptr_array_add (out, satchel_address_to_display (bare));
    }
  return out;
}

static GtkWidget *
add_entry_row (GtkListBox *list,
               const char *title,
               const char *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_list_box_append (list, row);
  return row;
}

static GtkListBox *
new_form (void)
{
  GtkListBox *list = GTK_LIST_BOX (gtk_list_box_new ());

  gtk_list_box_set_selection_mode (list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (list), "boxed-list");
  gtk_widget_set_size_request (GTK_WIDGET (list), 360, -1);
  return list;
}

/* Contact dialog ------------------------------------------------------ */

typedef struct
{
  SatchelContactsWindow *self;
  SatchelContact        *contact;  /* a copy; new when adding */
  gboolean               is_new;
  GtkWidget             *name;
  GtkWidget             *addresses;
  GtkWidget             *nickname;
  GtkWidget             *notes;
} ContactDialog;

static void
contact_dialog_free (gpointer  user_data,
                     GClosure *closure)
{
  ContactDialog *dialog = user_data;

  g_object_unref (dialog->self);
  g_object_unref (dialog->contact);
  g_free (dialog);
}

static void
on_contact_dialog_response (AdwMessageDialog *message_dialog,
                            const char       *response,
                            ContactDialog    *dialog)
{
  SatchelContactsWindow *self = dialog->self;
  g_autoptr(GPtrArray) addresses = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;
  gboolean ok;

  if (!g_str_equal (response, "save"))
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (dialog->addresses));
  addresses = parse_addresses (text, &error);
  if (addresses == NULL || addresses->len == 0)
    {
      toast (self, error != NULL ? error->message : _("A contact needs at least one email address."));
      return;
    }

  satchel_contact_set_name (dialog->contact, gtk_editable_get_text (GTK_EDITABLE (dialog->name)));
  satchel_contact_set_nickname (dialog->contact,
                                gtk_editable_get_text (GTK_EDITABLE (dialog->nickname)));
  satchel_contact_set_notes (dialog->contact, gtk_editable_get_text (GTK_EDITABLE (dialog->notes)));
  {
    /* Keep the TYPE of addresses that stay. */
    g_autoptr(SatchelContact) old = satchel_contact_copy (dialog->contact);

    satchel_contact_clear_addresses (dialog->contact);
    for (guint i = 0; i < addresses->len; i++)
      {
        const char *type = NULL;
        const char * const *old_addresses = satchel_contact_get_addresses (old);

        for (guint j = 0; old_addresses[j] != NULL; j++)
          if (g_ascii_strcasecmp (old_addresses[j], addresses->pdata[i]) == 0)
            type = satchel_contact_get_address_type (old, j);
        satchel_contact_add_address (dialog->contact, addresses->pdata[i], type);
      }
  }

  if (dialog->is_new)
    ok = satchel_contact_store_add (self->store, dialog->contact, &error);
  else
    ok = satchel_contact_store_update (self->store, dialog->contact, &error);
  if (!ok)
    toast (self, error->message);
  refilter (self);
  report_problem (self);
}

static void
show_contact_dialog (SatchelContactsWindow *self,
                     SatchelContact        *contact)
{
  ContactDialog *dialog = g_new0 (ContactDialog, 1);
  g_autofree char *addresses = NULL;
  GtkListBox *form = new_form ();
  AdwMessageDialog *message_dialog;

  dialog->self = g_object_ref (self);
  dialog->is_new = contact == NULL;
  dialog->contact = contact != NULL ? satchel_contact_copy (contact) : satchel_contact_new ();
  addresses = g_strjoinv (", ", (char **) satchel_contact_get_addresses (dialog->contact));

  dialog->name = add_entry_row (form, _("Name"), satchel_contact_get_name (dialog->contact));
  dialog->addresses = add_entry_row (form, _("Email addresses, separated by commas"), addresses);
  dialog->nickname = add_entry_row (form, _("Nickname"),
                                    satchel_contact_get_nickname (dialog->contact));
  dialog->notes = add_entry_row (form, _("Notes"), satchel_contact_get_notes (dialog->contact));

  message_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                               dialog->is_new ? _("New Contact")
                                                                              : _("Edit Contact"),
                                                               NULL));
  adw_message_dialog_set_extra_child (message_dialog, GTK_WIDGET (form));
  adw_message_dialog_add_responses (message_dialog,
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (message_dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (message_dialog, "save");
  adw_message_dialog_set_close_response (message_dialog, "cancel");
  g_signal_connect_data (message_dialog, "response", G_CALLBACK (on_contact_dialog_response),
                         dialog, contact_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (message_dialog));
  gtk_widget_grab_focus (dialog->name);
}

/* Group dialog -------------------------------------------------------- */

typedef struct
{
  SatchelContactsWindow *self;
  char                  *old_name;  /* NULL when adding */
  GtkWidget             *name;
  GtkWidget             *members;
} GroupDialog;

static void
group_dialog_free (gpointer  user_data,
                   GClosure *closure)
{
  GroupDialog *dialog = user_data;

  g_object_unref (dialog->self);
  g_free (dialog->old_name);
  g_free (dialog);
}

static void
on_group_dialog_response (AdwMessageDialog *message_dialog,
                          const char       *response,
                          GroupDialog      *dialog)
{
  SatchelContactsWindow *self = dialog->self;
  g_autoptr(SatchelContactGroup) group = NULL;
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (dialog->name));

  if (!g_str_equal (response, "save"))
    return;

  members = parse_addresses (gtk_editable_get_text (GTK_EDITABLE (dialog->members)), &error);
  if (members == NULL)
    {
      toast (self, error->message);
      return;
    }

  group = satchel_contact_group_new (name);
  for (guint i = 0; i < members->len; i++)
    satchel_contact_group_add_member (group, members->pdata[i]);

  if (!satchel_contact_store_set_group (self->store, group, &error))
    {
      toast (self, error->message);
      return;
    }
  /* A rename: the old name goes. */
  if (dialog->old_name != NULL && !g_str_equal (dialog->old_name, satchel_contact_group_get_name (group)) &&
      !satchel_contact_store_remove_group (self->store, dialog->old_name, &error))
    toast (self, error->message);
  update_pages (self);
}

static void
show_group_dialog (SatchelContactsWindow *self,
                   SatchelContactGroup   *group)
{
  GroupDialog *dialog = g_new0 (GroupDialog, 1);
  g_autofree char *members = NULL;
  GtkListBox *form = new_form ();
  AdwMessageDialog *message_dialog;

  dialog->self = g_object_ref (self);
  dialog->old_name = group != NULL ? g_strdup (satchel_contact_group_get_name (group)) : NULL;
  members = group != NULL ? g_strjoinv (", ", (char **) satchel_contact_group_get_members (group))
                          : g_strdup ("");
  dialog->name = add_entry_row (form, _("Group name"), dialog->old_name);
  dialog->members = add_entry_row (form, _("Member addresses, separated by commas"), members);

  message_dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                               group == NULL ? _("New Group")
                                                                             : _("Edit Group"),
                                                               NULL));
  adw_message_dialog_set_extra_child (message_dialog, GTK_WIDGET (form));
  adw_message_dialog_add_responses (message_dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (message_dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (message_dialog, "save");
  adw_message_dialog_set_close_response (message_dialog, "cancel");
  g_signal_connect_data (message_dialog, "response", G_CALLBACK (on_group_dialog_response),
                         dialog, group_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (message_dialog));
  gtk_widget_grab_focus (dialog->name);
}

/* Delete -------------------------------------------------------------- */

typedef struct
{
  SatchelContactsWindow *self;
  char                  *contact_id;
  char                  *group_name;
} DeleteData;

static void
delete_data_free (gpointer  user_data,
                  GClosure *closure)
{
  DeleteData *data = user_data;

  g_object_unref (data->self);
  g_free (data->contact_id);
  g_free (data->group_name);
  g_free (data);
}

static void
on_delete_response (AdwMessageDialog *dialog,
                    const char       *response,
                    DeleteData       *data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (!g_str_equal (response, "delete"))
    return;
  if (data->contact_id != NULL)
    ok = satchel_contact_store_remove (data->self->store, data->contact_id, &error);
  else
    ok = satchel_contact_store_remove_group (data->self->store, data->group_name, &error);
  if (!ok)
    toast (data->self, error->message);
  refilter (data->self);
}

static void
confirm_delete (SatchelContactsWindow *self,
                SatchelContact        *contact,
                SatchelContactGroup   *group)
{
  DeleteData *data = g_new0 (DeleteData, 1);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  data->self = g_object_ref (self);
  if (contact != NULL)
    {
      const char *name = satchel_contact_get_name (contact);

      data->contact_id = g_strdup (satchel_contact_get_id (contact));
      heading = g_strdup_printf (_("Delete “%s”?"),
                                 *name != '\0' ? name : satchel_contact_get_addresses (contact)[0]);
    }
  else
    {
      data->group_name = g_strdup (satchel_contact_group_get_name (group));
      heading = g_strdup_printf (_("Delete the group “%s”?"), data->group_name);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       contact != NULL
                                                       ? _("The contact and all its addresses leave the address book.")
                                                       : _("The group goes; its members stay in the address book.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_delete_response),
                         data, delete_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rows ------------------------------------------------------------------ */

static void
on_row_edit_clicked (GtkButton *button,
                     gpointer   user_data)
{
  SatchelContactsWindow *self = SATCHEL_CONTACTS_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  GObject *item = g_object_get_data (G_OBJECT (button), "item");

  if (SATCHEL_IS_CONTACT (item))
    show_contact_dialog (self, SATCHEL_CONTACT (item));
  else
    show_group_dialog (self, SATCHEL_CONTACT_GROUP (item));
}

static void
on_row_delete_clicked (GtkButton *button,
                       gpointer   user_data)
{
  SatchelContactsWindow *self = SATCHEL_CONTACTS_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  GObject *item = g_object_get_data (G_OBJECT (button), "item");

  if (SATCHEL_IS_CONTACT (item))
    confirm_delete (self, SATCHEL_CONTACT (item), NULL);
  else
    confirm_delete (self, NULL, SATCHEL_CONTACT_GROUP (item));
}

static GtkWidget *
make_icon_button (const char *icon,
                  const char *label,
                  GCallback   callback)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", callback, NULL);
  return button;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), make_icon_button ("document-edit-symbolic", _("Edit"),
                                                   G_CALLBACK (on_row_edit_clicked)));
  gtk_box_append (GTK_BOX (box), make_icon_button ("user-trash-symbolic", _("Delete"),
                                                   G_CALLBACK (on_row_delete_clicked)));
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *labels = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (labels);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *edit = gtk_widget_get_next_sibling (labels);
  GtkWidget *delete = gtk_widget_get_next_sibling (edit);
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *joined = NULL;
  g_autofree char *edit_label = NULL;
  g_autofree char *delete_label = NULL;
  const char *name;

  if (SATCHEL_IS_CONTACT (item))
    {
      SatchelContact *contact = SATCHEL_CONTACT (item);

      name = satchel_contact_get_name (contact);
      joined = g_strjoinv (", ", (char **) satchel_contact_get_addresses (contact));
      if (*name == '\0')
        name = satchel_contact_get_addresses (contact)[0];
      if (*satchel_contact_get_nickname (contact) != '\0')
        {
          char *with_nick = g_strdup_printf ("%s (%s)", name, satchel_contact_get_nickname (contact));

          gtk_label_set_text (GTK_LABEL (title), with_nick);
          g_free (with_nick);
        }
      else
        gtk_label_set_text (GTK_LABEL (title), name);
    }
  else
    {
      SatchelContactGroup *group = SATCHEL_CONTACT_GROUP (item);
      guint n = satchel_contact_group_get_n_members (group);
      g_autofree char *members = g_strjoinv (", ", (char **) satchel_contact_group_get_members (group));

      name = satchel_contact_group_get_name (group);
      gtk_label_set_text (GTK_LABEL (title), name);
      joined = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member: %s", "%u members: %s", n),
                                n, members);
    }
  gtk_label_set_text (GTK_LABEL (subtitle), joined);

  /* Say whose button it is: a screen reader hears more than "Edit". */
  edit_label = g_strdup_printf (_("Edit %s"), name);
  delete_label = g_strdup_printf (_("Delete %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL, delete_label, -1);
  g_object_set_data_full (G_OBJECT (edit), "item", g_object_ref (item), g_object_unref);
  g_object_set_data_full (G_OBJECT (delete), "item", g_object_ref (item), g_object_unref);
}

/* Import and export ------------------------------------------------------ */

static void
on_import_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SatchelContactsWindow) self = user_data;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  gsize length;
  guint added = 0;
  guint merged = 0;
  guint skipped = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &data, &length, NULL, &error))
    {
      toast (self, error->message);
      return;
    }
  contacts = satchel_vcard_parse (data, length, &error);
  if (contacts == NULL ||
      !satchel_contact_store_import (self->store, contacts, &added, &merged, &skipped, &error))
    {
      toast (self, error->message);
      return;
    }

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Imported %u contact (%u updated, %u skipped)",
                                       "Imported %u contacts (%u updated, %u skipped)", added),
                          added, merged, skipped);
  toast (self, text);
  refilter (self);
  report_problem (self);
}

static void
on_import_response (GtkNativeDialog       *dialog,
                    int                    response,
                    SatchelContactsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_load_contents_async (file, NULL, on_import_loaded, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static void
on_export_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SatchelContactsWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_file_get_basename (G_FILE (source));
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      toast (self, error->message);
      return;
    }
  text = g_strdup_printf (_("Exported to “%s”"), basename);
  toast (self, text);
}

static void
on_export_response (GtkNativeDialog       *dialog,
                    int                    response,
                    SatchelContactsWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GPtrArray) contacts = satchel_contact_store_dup_for_export (self->store);
      char *text = satchel_vcard_write (contacts, SATCHEL_VCARD_3_0);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, on_export_written, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static GtkFileFilter *
vcard_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("vCard files"));
  gtk_file_filter_add_mime_type (filter, "text/vcard");
  gtk_file_filter_add_mime_type (filter, "text/x-vcard");
  gtk_file_filter_add_suffix (filter, "vcf");
  gtk_file_filter_add_suffix (filter, "vcard");
  return filter;
}

/* Actions --------------------------------------------------------------- */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  SatchelContactsWindow *self = SATCHEL_CONTACTS_WINDOW (widget);

  if (g_str_equal (adw_view_stack_get_visible_child_name (self->view_stack), "groups"))
    show_group_dialog (self, NULL);
  else
    show_contact_dialog (self, NULL);
}

static void
add_contact_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  show_contact_dialog (SATCHEL_CONTACTS_WINDOW (widget), NULL);
}

static void
add_group_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  SatchelContactsWindow *self = SATCHEL_CONTACTS_WINDOW (widget);

  adw_view_stack_set_visible_child_name (self->view_stack, "groups");
  show_group_dialog (self, NULL);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import vCard"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), vcard_filter ());
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_import_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export vCard"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), vcard_filter ());
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _("contacts.vcf"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (SATCHEL_CONTACTS_WINDOW (widget)->search_entry));
}

/* Callbacks ------------------------------------------------------------- */

static void
on_search_changed (SatchelContactsWindow *self)
{
  refilter (self);
}

static void
on_contact_activated (SatchelContactsWindow *self,
                      guint                  position)
{
  g_autoptr(SatchelContact) contact = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (contact != NULL)
    show_contact_dialog (self, contact);
}

static void
on_group_activated (SatchelContactsWindow *self,
                    guint                  position)
{
  g_autoptr(SatchelContactGroup) group =
    g_list_model_get_item (satchel_contact_store_get_groups (self->store), position);

  if (group != NULL)
    show_group_dialog (self, group);
}

/* Delete on the selected row asks to delete it: the keyboard way to what
 * the row's trash button does. */
static gboolean
on_list_key_pressed (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     SatchelContactsWindow *self)
{
  GtkListView *view = GTK_LIST_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (view));
  GObject *item = gtk_single_selection_get_selected_item (selection);

  if ((keyval != GDK_KEY_Delete && keyval != GDK_KEY_KP_Delete) || item == NULL)
    return FALSE;
  if (SATCHEL_IS_CONTACT (item))
    confirm_delete (self, SATCHEL_CONTACT (item), NULL);
  else
    confirm_delete (self, NULL, SATCHEL_CONTACT_GROUP (item));
  return TRUE;
}

static void
on_store_changed (SatchelContactsWindow *self)
{
  /* Another process (the CLI) may have changed the book: search again. */
  if (self->visible_ids != NULL)
    refilter (self);
  else
    update_pages (self);
}

static gboolean
prepare_search_idle (gpointer user_data)
{
  satchel_contact_store_prepare_search (user_data);
  return G_SOURCE_REMOVE;
}

/* GObject --------------------------------------------------------------- */

static void
satchel_contacts_window_dispose (GObject *object)
{
  SatchelContactsWindow *self = SATCHEL_CONTACTS_WINDOW (object);

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->store, self);
      g_signal_handlers_disconnect_by_data (satchel_contact_store_get_groups (self->store), self);
    }
  /* The filter model may outlive the window (a selection model still
   * holds it) and refilter when the store changes: its filter must not
   * call back into a freed window. The filter model owns the filter. */
  if (self->filter != NULL)
    {
      gtk_custom_filter_set_filter_func (self->filter, NULL, NULL, NULL);
      self->filter = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_CONTACTS_WINDOW);
  g_clear_object (&self->filtered);
  g_clear_object (&self->store);
  g_clear_pointer (&self->visible_ids, g_hash_table_unref);

  G_OBJECT_CLASS (satchel_contacts_window_parent_class)->dispose (object);
}

static void
satchel_contacts_window_class_init (SatchelContactsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = satchel_contacts_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-contacts-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, contacts_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, groups_stack);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, contacts_view);
  gtk_widget_class_bind_template_child (widget_class, SatchelContactsWindow, groups_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_contact_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_group_activated);

  gtk_widget_class_install_action (widget_class, "contacts.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "contacts.add-contact", NULL, add_contact_action);
  gtk_widget_class_install_action (widget_class, "contacts.add-group", NULL, add_group_action);
  gtk_widget_class_install_action (widget_class, "contacts.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "contacts.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "contacts.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "contacts.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "contacts.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "contacts.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "contacts.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
satchel_contacts_window_init (SatchelContactsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API ------------------------------------------------------------- */

SatchelContactsWindow *
satchel_contacts_window_new (GtkApplication      *application,
                             SatchelContactStore *store)
{
  SatchelContactsWindow *self;
  GtkListItemFactory *factory;
  GtkListItemFactory *group_factory;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (store), NULL);

  self = g_object_new (SATCHEL_TYPE_CONTACTS_WINDOW, "application", application, NULL);
  self->store = g_object_ref (store);
  self->filter = gtk_custom_filter_new (filter_contact, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (store)),
                                              GTK_FILTER (self->filter));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->contacts_view, factory);
  gtk_list_view_set_model (self->contacts_view,
                           GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)))));
  g_object_unref (factory);

  group_factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (group_factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (group_factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->groups_view, group_factory);
  gtk_list_view_set_model (self->groups_view,
                           GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (satchel_contact_store_get_groups (store)))));
  g_object_unref (group_factory);

  for (guint i = 0; i < 2; i++)
    {
      GtkEventController *keys = gtk_event_controller_key_new ();

      g_signal_connect (keys, "key-pressed", G_CALLBACK (on_list_key_pressed), self);
      gtk_widget_add_controller (GTK_WIDGET (i == 0 ? self->contacts_view : self->groups_view), keys);
    }

  g_signal_connect_swapped (store, "items-changed", G_CALLBACK (on_store_changed), self);
  g_signal_connect_swapped (satchel_contact_store_get_groups (store), "items-changed",
                            G_CALLBACK (update_pages), self);
  satchel_contact_store_watch (store);

  update_pages (self);
  report_problem (self);
  /* Once the window is up, so that the first search does not wait. */
  g_idle_add_full (G_PRIORITY_LOW, prepare_search_idle, g_object_ref (store), g_object_unref);
  return self;
}

void
satchel_contacts_window_set_search (SatchelContactsWindow *self,
                                    const char            *text)
{
  g_return_if_fail (SATCHEL_IS_CONTACTS_WINDOW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* Not after the entry's search delay: now. */
  refilter (self);
}

GListModel *
satchel_contacts_window_get_visible_contacts (SatchelContactsWindow *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACTS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

static void
open_contacts (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(SatchelContactStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SatchelContactsWindow *window;

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (SATCHEL_IS_CONTACTS_WINDOW (l->data))
      {
        gtk_window_present (GTK_WINDOW (l->data));
        return;
      }

  store = satchel_contact_store_new (NULL);
  if (!satchel_contact_store_load (store, &error))
    g_message ("%s", error->message);
  window = satchel_contacts_window_new (app, store);
  if (error != NULL)
    toast (window, error->message);
  gtk_window_present (GTK_WINDOW (window));
}

void
satchel_contacts_window_install_action (GtkApplication *application)
{
  const GActionEntry entries[] = {
    { .name = "contacts", .activate = open_contacts },
  };
  const char *accels[] = { "<Control><Shift>b", NULL };

  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries,
                                   G_N_ELEMENTS (entries), application);
  gtk_application_set_accels_for_action (application, "app.contacts", accels);
}
