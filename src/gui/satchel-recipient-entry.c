/* satchel-recipient-entry.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-recipient-entry"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-recipient-entry.h"
#include "satchel-address.h"
#include "satchel-error.h"

#include <string.h>

#define MAX_SUGGESTIONS 8

struct _SatchelRecipientEntry
{
  GtkWidget            parent_instance;

  SatchelContactStore *store;
  GListStore          *suggestions;
  GtkSingleSelection  *selection;
  gboolean             completing;  /* our own change to the text */
  gboolean             invalid;
  char                *problem;     /* the first invalid recipient's error */
  guint                n_unknown;   /* valid recipients not in the book */

  GtkEntry            *entry;
  GtkPopover          *popover;
  GtkListView         *list_view;
};

G_DEFINE_FINAL_TYPE (SatchelRecipientEntry, satchel_recipient_entry, GTK_TYPE_WIDGET)

enum
{
  NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Helpers ------------------------------------------------------------------ */

/* Where the recipient being typed starts: after the last separator
 * outside quotes. */
static gsize
current_token_start (const char *text)
{
  gboolean quoted = FALSE;
  gsize start = 0;

  for (gsize i = 0; text[i] != '\0'; i++)
    {
      if (text[i] == '"')
        quoted = !quoted;
      else if (!quoted && (text[i] == ',' || text[i] == ';'))
        start = i + 1;
    }
  return start;
}

/* The recipients in @text, trimmed, empty ones left out; with @skip
 * (a byte offset), not the one it falls in (being typed). */
static GPtrArray *
split_recipients (const char *text,
                  gsize       skip)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_free);
  gboolean quoted = FALSE;
  gsize start = 0;

  for (gsize i = 0;; i++)
    {
      if (text[i] == '"')
        quoted = !quoted;
      else if (text[i] == '\0' || (!quoted && (text[i] == ',' || text[i] == ';')))
        {
          char *token = g_strstrip (g_strndup (text + start, i - start));

          if (*token != '\0' && !(skip >= start && skip <= i))
            g_ptr_array_add (tokens, token);
          else
            g_free (token);
          if (text[i] == '\0')
            break;
          start = i + 1;
        }
    }
  return tokens;
}

/* Whether the focus of the window is in @widget, active or not. */
static gboolean
contains_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static gboolean
is_group (SatchelRecipientEntry *self,
          const char            *token)
{
  g_auto(GStrv) members = NULL;

  if (self->store == NULL || strchr (token, '@') != NULL)
    return FALSE;
  members = satchel_contact_store_expand_group (self->store, token);
  return members != NULL;
}

static gboolean
in_address_book (SatchelRecipientEntry *self,
                 const SatchelAddress  *address)
{
  g_autofree char *plain = g_strdup_printf ("%s@%s", address->local_part, address->domain);
  g_autoptr(SatchelContact) contact = satchel_contact_store_lookup_by_address (self->store, plain);

  return contact != NULL;
}

/* Marks the field when a recipient is invalid (but not the one being
 * typed while @typing), and offers to add unknown ones to the book. */
static void
validate (SatchelRecipientEntry *self,
          gboolean               typing)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  gsize skip = G_MAXSIZE;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);
  guint n_bad = 0;

  if (typing && contains_focus (GTK_WIDGET (self->entry)))
    skip = g_utf8_offset_to_pointer (text, gtk_editable_get_position (GTK_EDITABLE (self->entry))) - text;
  tokens = split_recipients (text, skip);

  g_clear_pointer (&self->problem, g_free);
  self->n_unknown = 0;
  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(SatchelAddress) address = satchel_address_parse (token, &error);

      if (address != NULL)
        {
          if (self->store != NULL && !in_address_book (self, address))
            self->n_unknown++;
          continue;
        }
      if (is_group (self, token))
        continue;

      if (n_bad++ == 0)
        self->problem = g_strdup (error->message);
      if (n_bad <= 3)
        {
          if (tooltip->len > 0)
            g_string_append_c (tooltip, '\n');
          g_string_append (tooltip, error->message);
        }
    }
  if (n_bad > 3)
    {
      g_string_append_c (tooltip, '\n');
      g_string_append_printf (tooltip, g_dngettext (GETTEXT_PACKAGE, "and %u more invalid recipient",
                                                    "and %u more invalid recipients", n_bad - 3),
                              n_bad - 3);
    }

  self->invalid = n_bad > 0;
  if (self->invalid)
    gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), self->invalid ? tooltip->str : NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_STATE_INVALID,
                               self->invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->invalid ? tooltip->str : "", -1);

  gtk_entry_set_icon_from_icon_name (self->entry, GTK_ENTRY_ICON_SECONDARY,
                                     self->n_unknown > 0 ? "contact-new-symbolic" : NULL);
  if (self->n_unknown > 0)
    gtk_entry_set_icon_tooltip_text (self->entry, GTK_ENTRY_ICON_SECONDARY,
                                     _("Add to Address Book"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recipient.add-to-address-book",
                                 self->n_unknown > 0);
}

/* Replaces group names by their members. */
static void
expand_groups (SatchelRecipientEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr(GPtrArray) tokens = split_recipients (text, G_MAXSIZE);
  g_autoptr(GString) result = g_string_new (NULL);
  gboolean expanded = FALSE;

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);
      g_auto(GStrv) members = NULL;
      g_autoptr(SatchelAddress) address = satchel_address_parse (token, NULL);

      if (result->len > 0)
        g_string_append (result, ", ");
      if (address == NULL && self->store != NULL && strchr (token, '@') == NULL)
        members = satchel_contact_store_expand_group (self->store, token);
      if (members != NULL)
        {
          g_autofree char *joined = g_strjoinv (", ", members);

          g_string_append (result, joined);
          expanded = TRUE;
        }
      else
        g_string_append (result, token);
    }
  if (!expanded)
    return;

  self->completing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), result->str);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  self->completing = FALSE;
}

static void
hide_popup (SatchelRecipientEntry *self)
{
  g_list_store_remove_all (self->suggestions);
  gtk_popover_popdown (self->popover);
}

static void
update_suggestions (SatchelRecipientEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *token = g_strstrip (g_strdup (text + current_token_start (text)));
  g_autoptr(GPtrArray) matches = NULL;

  if (self->store == NULL || *token == '\0')
    {
      hide_popup (self);
      return;
    }

  matches = satchel_contact_store_search (self->store, token, MAX_SUGGESTIONS);
  g_list_store_splice (self->suggestions, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->suggestions)),
                       matches->pdata, matches->len);
  if (matches->len == 0)
    {
      gtk_popover_popdown (self->popover);
      return;
    }

  gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_set_size_request (GTK_WIDGET (self->popover),
                               MAX (gtk_widget_get_width (GTK_WIDGET (self)), 280), -1);
  gtk_popover_popup (self->popover);
}

/* Replaces the recipient being typed by @match, and a separator after
 * it, ready for the next. */
static void
accept (SatchelRecipientEntry *self,
        SatchelContactMatch   *match)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  gsize start = current_token_start (text);
  g_autofree char *recipients = satchel_contact_match_to_recipients (match);
  g_autoptr(GString) result = g_string_new_len (text, start);

  if (start > 0)
    g_string_append_c (result, ' ');
  g_string_append (result, recipients);
  g_string_append (result, ", ");

  self->completing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), result->str);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  self->completing = FALSE;
  hide_popup (self);
}

static gboolean
accept_selected (SatchelRecipientEntry *self)
{
  SatchelContactMatch *match = gtk_single_selection_get_selected_item (self->selection);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->popover)) || match == NULL)
    return FALSE;
  accept (self, match);
  return TRUE;
}

static void
move_selection (SatchelRecipientEntry *self,
                int                    delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->suggestions));
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (n == 0)
    return;
  if (selected == GTK_INVALID_LIST_POSITION)
    selected = delta > 0 ? n - 1 : 0;
  selected = (selected + n + delta) % n;
  gtk_single_selection_set_selected (self->selection, selected);
}

/* Callbacks -------------------------------------------------------------- */

static void
on_entry_changed (SatchelRecipientEntry *self)
{
  if (!self->completing)
    update_suggestions (self);
  validate (self, TRUE);
}

static void
on_cursor_moved (SatchelRecipientEntry *self)
{
  if (!self->completing)
    validate (self, TRUE);
}

static void
on_icon_press (SatchelRecipientEntry *self,
               GtkEntryIconPosition   position)
{
  if (position == GTK_ENTRY_ICON_SECONDARY)
    satchel_recipient_entry_add_to_address_book (self);
}

static void
add_to_address_book_activated (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  satchel_recipient_entry_add_to_address_book (SATCHEL_RECIPIENT_ENTRY (widget));
}

static void
on_list_activate (SatchelRecipientEntry *self,
                  guint                  position)
{
  g_autoptr(SatchelContactMatch) match = g_list_model_get_item (G_LIST_MODEL (self->suggestions), position);

  if (match != NULL)
    accept (self, match);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SatchelRecipientEntry *self)
{
  gboolean open = gtk_widget_get_visible (GTK_WIDGET (self->popover));

  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (!open)
        {
          update_suggestions (self);
          return gtk_widget_get_visible (GTK_WIDGET (self->popover));
        }
      move_selection (self, 1);
      return TRUE;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (!open)
        return FALSE;
      move_selection (self, -1);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      return accept_selected (self);

    case GDK_KEY_Tab:
      /* Takes the suggestion; without one, Tab moves focus as usual. */
      return accept_selected (self);

    case GDK_KEY_Escape:
      if (!open)
        return FALSE;
      hide_popup (self);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
on_focus_leave (SatchelRecipientEntry *self)
{
  hide_popup (self);
  expand_groups (self);
  validate (self, FALSE);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  SatchelContactMatch *match = gtk_list_item_get_item (list_item);
  const char *name = satchel_contact_match_get_name (match);
  const char *address = satchel_contact_match_get_address (match);

  switch (satchel_contact_match_get_kind (match))
    {
    case SATCHEL_CONTACT_MATCH_GROUP:
      {
        SatchelContactGroup *group = satchel_contact_match_get_group (match);
        guint n = satchel_contact_group_get_n_members (group);
        g_autofree char *label = g_strdup_printf (_("Group: %s"), name);
        g_autofree char *members = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member",
                                                                 "%u members", n), n);

        gtk_label_set_text (GTK_LABEL (title), label);
        gtk_label_set_text (GTK_LABEL (subtitle), members);
        break;
      }
    case SATCHEL_CONTACT_MATCH_RECENT:
      gtk_label_set_text (GTK_LABEL (title), address);
      gtk_label_set_text (GTK_LABEL (subtitle), _("Recent recipient"));
      break;
    case SATCHEL_CONTACT_MATCH_CONTACT:
    default:
      gtk_label_set_text (GTK_LABEL (title), *name != '\0' ? name : address);
      gtk_label_set_text (GTK_LABEL (subtitle), address);
      break;
    }
}

/* GObject ---------------------------------------------------------------- */

static void
satchel_recipient_entry_dispose (GObject *object)
{
  SatchelRecipientEntry *self = SATCHEL_RECIPIENT_ENTRY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_RECIPIENT_ENTRY);
  g_clear_object (&self->selection);
  g_clear_object (&self->suggestions);
  g_clear_object (&self->store);
  g_clear_pointer (&self->problem, g_free);

  G_OBJECT_CLASS (satchel_recipient_entry_parent_class)->dispose (object);
}

static void
satchel_recipient_entry_size_allocate (GtkWidget *widget,
                                       int        width,
                                       int        height,
                                       int        baseline)
{
  SatchelRecipientEntry *self = SATCHEL_RECIPIENT_ENTRY (widget);

  gtk_widget_size_allocate (GTK_WIDGET (self->entry),
                            &(GtkAllocation) { 0, 0, width, height }, baseline);
  gtk_popover_present (self->popover);
}

/* The entry's size; the popover is a surface of its own. */
static void
satchel_recipient_entry_measure (GtkWidget      *widget,
                                 GtkOrientation  orientation,
                                 int             for_size,
                                 int            *minimum,
                                 int            *natural,
                                 int            *minimum_baseline,
                                 int            *natural_baseline)
{
  gtk_widget_measure (GTK_WIDGET (SATCHEL_RECIPIENT_ENTRY (widget)->entry), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static gboolean
satchel_recipient_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (SATCHEL_RECIPIENT_ENTRY (widget)->entry));
}

static void
satchel_recipient_entry_class_init (SatchelRecipientEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = satchel_recipient_entry_dispose;
  widget_class->measure = satchel_recipient_entry_measure;
  widget_class->size_allocate = satchel_recipient_entry_size_allocate;
  widget_class->grab_focus = satchel_recipient_entry_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-recipient-entry.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelRecipientEntry, entry);
  gtk_widget_class_bind_template_child (widget_class, SatchelRecipientEntry, popover);
  gtk_widget_class_bind_template_child (widget_class, SatchelRecipientEntry, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_icon_press);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_install_action (widget_class, "recipient.add-to-address-book", NULL,
                                   add_to_address_book_activated);

  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
satchel_recipient_entry_init (SatchelRecipientEntry *self)
{
  GtkListItemFactory *factory;
  GtkEventController *keys;
  GtkEventController *focus;
  g_autoptr(GMenu) menu = g_menu_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_menu_append (menu, _("Add to Address _Book"), "recipient.add-to-address-book");
  gtk_entry_set_extra_menu (self->entry, G_MENU_MODEL (menu));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recipient.add-to-address-book", FALSE);

  self->suggestions = g_list_store_new (SATCHEL_TYPE_CONTACT_MATCH);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->suggestions)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  /* Before the entry sees the keys: Up, Down, Enter and Tab are ours
   * while the list is open. */
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  /* Moving off a recipient judges it. */
  g_signal_connect_swapped (self->entry, "notify::cursor-position",
                            G_CALLBACK (on_cursor_moved), self);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
}

static gboolean
prepare_search_idle (gpointer user_data)
{
  satchel_contact_store_prepare_search (user_data);
  return G_SOURCE_REMOVE;
}

/* Public API -------------------------------------------------------------- */

GtkWidget *
satchel_recipient_entry_new (SatchelContactStore *store)
{
  SatchelRecipientEntry *self = g_object_new (SATCHEL_TYPE_RECIPIENT_ENTRY, NULL);

  if (store != NULL)
    {
      self->store = g_object_ref (store);
      /* The first keystroke should not build the index. */
      g_idle_add_full (G_PRIORITY_LOW, prepare_search_idle, g_object_ref (store), g_object_unref);
    }
  return GTK_WIDGET (self);
}

GtkEditable *
satchel_recipient_entry_get_editable (SatchelRecipientEntry *self)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), NULL);
  return GTK_EDITABLE (self->entry);
}

const char *
satchel_recipient_entry_get_text (SatchelRecipientEntry *self)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

void
satchel_recipient_entry_set_text (SatchelRecipientEntry *self,
                                  const char            *text)
{
  g_return_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self));

  self->completing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  self->completing = FALSE;
  hide_popup (self);
  validate (self, FALSE);
}

GListModel *
satchel_recipient_entry_get_suggestions (SatchelRecipientEntry *self)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), NULL);
  return G_LIST_MODEL (self->suggestions);
}

gboolean
satchel_recipient_entry_get_popup_visible (SatchelRecipientEntry *self)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), FALSE);
  return gtk_widget_get_visible (GTK_WIDGET (self->popover));
}

gboolean
satchel_recipient_entry_check (SatchelRecipientEntry  *self,
                               GError                **error)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), FALSE);

  expand_groups (self);
  validate (self, FALSE);
  if (self->invalid)
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID_ADDRESS,
                           self->problem);
      return FALSE;
    }
  return TRUE;
}

gboolean
satchel_recipient_entry_get_invalid (SatchelRecipientEntry *self)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), FALSE);
  return self->invalid;
}

GPtrArray *
satchel_recipient_entry_dup_addresses (SatchelRecipientEntry  *self,
                                       GError                **error)
{
  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), NULL);

  if (!satchel_recipient_entry_check (self, error))
    return NULL;
  return satchel_address_parse_list (gtk_editable_get_text (GTK_EDITABLE (self->entry)), error);
}

guint
satchel_recipient_entry_add_to_address_book (SatchelRecipientEntry *self)
{
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *notice = NULL;
  guint n_added = 0;

  g_return_val_if_fail (SATCHEL_IS_RECIPIENT_ENTRY (self), 0);

  if (self->store == NULL)
    return 0;
  tokens = split_recipients (gtk_editable_get_text (GTK_EDITABLE (self->entry)), G_MAXSIZE);
  for (guint i = 0; i < tokens->len && error == NULL; i++)
    {
      g_autoptr(SatchelAddress) address = satchel_address_parse (g_ptr_array_index (tokens, i), NULL);
      g_autoptr(SatchelContact) contact = NULL;
      g_autofree char *plain = NULL;

      if (address == NULL || in_address_book (self, address))
        continue;
      plain = g_strdup_printf ("%s@%s", address->local_part, address->domain);
      contact = satchel_contact_new ();
      satchel_contact_set_name (contact, address->name != NULL ? address->name : "");
      satchel_contact_add_address (contact, plain, NULL);
      if (satchel_contact_store_add (self->store, contact, &error))
        n_added++;
    }

  if (error != NULL)
    notice = g_strdup (error->message);
  else if (n_added > 0)
    notice = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u recipient added to the address book.",
                                           "%u recipients added to the address book.",
                                           n_added),
                              n_added);
  if (notice != NULL)
    g_signal_emit (self, signals[NOTICE], 0, notice);
  validate (self, FALSE);
  return n_added;
}
