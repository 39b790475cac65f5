/* satchel-preferences-window.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-preferences-window.h"

#include "satchel-account-setup.h"
#include "satchel-address.h"
#include "satchel-certificate.h"
#include "satchel-certificate-dialog.h"
#include "satchel-error.h"
#include "satchel-outbox.h"
#include "satchel-paths.h"
#include "satchel-secret.h"
#include "satchel-sender.h"

/* Typing pauses this long before the account is saved. */
#define SAVE_DELAY_MS 800
/* accounts.ini is replaced in several steps: wait for the last one. */
#define RELOAD_DELAY_MS 200

typedef enum
{
  STEP_RUNNING,
  STEP_DONE,
  STEP_FAILED,
} StepState;

typedef struct _VerifyJob VerifyJob;

struct _SatchelPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  SatchelAccountStore  *store;
  SatchelOutbox        *outbox;
  GSettings            *settings;
  GFileMonitor         *monitor;
  guint                 reload_id;
  gboolean              close_anyway;

  /* The account subpage on screen, or NULL; the widgets below are its
   * parts (kept alive by @page). */
  GtkWidget            *page;
  char                 *page_account;   /* the name of its account */
  gboolean              page_loading;   /* filling fields: not a change */
  gboolean              page_dirty;     /* typed but not saved yet */
  gboolean              page_gone;      /* its account was removed meanwhile */
  guint                 save_id;
  VerifyJob            *verify_job;     /* the verification running, or NULL */
  AdwWindowTitle       *page_title;
  AdwPreferencesGroup  *save_error_group;
  GtkLabel             *save_error_label;
  AdwEntryRow          *display_name_row;
  AdwEntryRow          *reply_to_row;
  GtkLabel             *reply_to_error;
  GtkTextView          *signature_view;
  AdwActionRow         *bcc_self_row;
  GtkSwitch            *bcc_self_switch;
  AdwActionRow         *server_row;
  GtkButton            *verify_button;
  GtkListBox           *verify_list;
  AdwActionRow         *verify_current;  /* the step in progress */
  AdwActionRow         *default_row;
  GtkButton            *default_button;
  GtkButton            *remove_button;

  /* Template widgets */
  GtkListBox           *accounts_list;
  GtkAdjustment        *undo_delay_adjustment;
  GtkSwitch            *rich_text_switch;
};

G_DEFINE_FINAL_TYPE (SatchelPreferencesWindow, satchel_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* One run of "Verify Again". Shared by the window and the worker's step
 * callbacks (which reach the main context later), hence counted. */
struct _VerifyJob
{
  SatchelPreferencesWindow *self;
  GMainContext             *context;
  GCancellable             *cancellable;
  SatchelAccount           *account;
  gboolean                  finished;
};

static void     show_account_page     (SatchelPreferencesWindow *self,
                                       SatchelAccount           *account);
static gboolean save_page             (SatchelPreferencesWindow *self);
static void     refresh_page          (SatchelPreferencesWindow *self);
static void     start_verify          (SatchelPreferencesWindow *self);

/* Helpers ----------------------------------------------------------------- */

static void
toast (SatchelPreferencesWindow *self,
       const char               *text)
{
  /* A toast's title is markup; ours is text (it may quote addresses in
   * angle brackets). */
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  AdwToast *t = adw_toast_new (escaped);

  adw_toast_set_timeout (t, 6);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), t);
}

/* What people call the account: its display name, else its name. */
static const char *
account_title (SatchelAccount *account)
{
  const char *display_name = satchel_account_get_display_name (account);

  if (display_name != NULL && *display_name != '\0')
    return display_name;
  return satchel_account_get_name (account);
}

static const char *
describe_security (SatchelSecurity security)
{
  switch (security)
    {
    case SATCHEL_SECURITY_TLS:
      return _("TLS");
    case SATCHEL_SECURITY_STARTTLS:
      return _("STARTTLS");
    case SATCHEL_SECURITY_NONE:
    default:
      return _("no encryption");
    }
}

/* "smtp.example.com:465 · TLS" (transfer full) */
static char *
describe_server (SatchelAccount *account)
{
  const char *host = satchel_account_get_host (account);

  if (host == NULL || *host == '\0')
    return g_strdup (_("no server set"));
  /* Translators: host:port · security, e.g. "smtp.example.com:465 · TLS". */
  return g_strdup_printf (_("%s:%u · %s"), host, satchel_account_get_port (account),
                          describe_security (satchel_account_get_security (account)));
}

/* A sentence from a phrase meant for the middle of one ("connecting to
 * the server"): the first letter in upper case, where there is case. */
static char *
capitalize (const char *phrase)
{
  gunichar first = g_utf8_get_char (phrase);
  char head[8] = { 0 };

  g_unichar_to_utf8 (g_unichar_totitle (first), head);
  return g_strconcat (head, g_utf8_next_char (phrase), NULL);
}

static gboolean
is_default (SatchelPreferencesWindow *self,
            const char               *name)
{
  return g_strcmp0 (satchel_account_store_get_default_name (self->store), name) == 0;
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and addresses are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static GtkWidget *
new_suffix_button (AdwActionRow *row,
                   const char   *label,
                   GCallback     callback,
                   gpointer      user_data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", callback, user_data);
  adw_action_row_add_suffix (row, button);
  return button;
}

/* Accounts list ------------------------------------------------------------ */

static GtkWidget *
create_account_row (gpointer item,
                    gpointer user_data)
{
  SatchelPreferencesWindow *self = user_data;
  SatchelAccount *account = item;
  const char *name = satchel_account_get_name (account);
  g_autofree char *server = describe_server (account);
  g_autofree char *subtitle = NULL;
  GtkWidget *row;
  GtkWidget *badge;
  GtkWidget *arrow;

  /* Translators: address · host:port · security of an account. */
  subtitle = g_strdup_printf (_("%s · %s"), satchel_account_get_address (account), server);
  row = new_row (account_title (account), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  badge = gtk_label_new (_("Default"));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "caption-heading");
  gtk_widget_add_css_class (badge, "accent");
  gtk_widget_set_visible (badge, is_default (self, name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);

  arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  g_object_set_data_full (G_OBJECT (row), "account-name", g_strdup (name), g_free);
  g_object_set_data (G_OBJECT (row), "default-badge", badge);
  return row;
}

/* The store tells views when accounts change, not when only the default
 * moves: mark the default again after every load and change. */
static void
update_default_marks (SatchelPreferencesWindow *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->accounts_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *badge = g_object_get_data (G_OBJECT (row), "default-badge");
      const char *name = g_object_get_data (G_OBJECT (row), "account-name");

      if (badge != NULL)
        gtk_widget_set_visible (badge, is_default (self, name));
    }
}

static void
reload_accounts (SatchelPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!satchel_account_store_load (self->store, &error))
    toast (self, error->message);
  update_default_marks (self);
  refresh_page (self);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  SatchelPreferencesWindow *self = user_data;

  self->reload_id = 0;
  reload_accounts (self);
  return G_SOURCE_REMOVE;
}

static void
on_accounts_file_changed (GFileMonitor             *monitor,
                          GFile                    *file,
                          GFile                    *other_file,
                          GFileMonitorEvent         event,
                          SatchelPreferencesWindow *self)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  g_clear_handle_id (&self->reload_id, g_source_remove);
  self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
}

/* The CLI changes accounts.ini behind the store's back: follow it. */
static void
watch_accounts_file (SatchelPreferencesWindow *self)
{
  g_autofree char *path = satchel_paths_accounts_file ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    {
      /* The list is still reloaded each time the window comes back. */
      g_message ("Cannot watch %s: %s", path, error->message);
      return;
    }
  g_signal_connect (self->monitor, "changed", G_CALLBACK (on_accounts_file_changed), self);
}

static void
on_accounts_changed (SatchelPreferencesWindow *self)
{
  update_default_marks (self);
  refresh_page (self);
}

static void
on_account_row_activated (GtkListBox               *list,
                          GtkListBoxRow            *row,
                          SatchelPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "account-name");

  if (name != NULL)
    satchel_preferences_window_show_account (self, name);
}

static void
on_is_active_changed (SatchelPreferencesWindow *self)
{
  /* Coming back from a terminal: show what the CLI did meanwhile. */
  if (gtk_window_is_active (GTK_WINDOW (self)))
    reload_accounts (self);
}

/* Saving the subpage ------------------------------------------------------- */

static void
show_save_error (SatchelPreferencesWindow *self,
                 const char               *message)
{
  if (self->save_error_group == NULL)
    return;
  gtk_label_set_text (self->save_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->save_error_group), message != NULL);
}

/* Checks the Reply-To typed, and says on screen what is wrong with it.
 * Empty is valid: no Reply-To. When it is valid and @reply_to is not
 * NULL, *@reply_to is the text to save, or NULL for none (transfer
 * full). */
static gboolean
check_reply_to (SatchelPreferencesWindow  *self,
                char                     **reply_to)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->reply_to_row));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autoptr(SatchelAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (*stripped != '\0')
    address = satchel_address_parse (stripped, &error);

  if (*stripped == '\0' || address != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->reply_to_row), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->reply_to_error), FALSE);
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->reply_to_row),
                                  GTK_ACCESSIBLE_STATE_INVALID);
      if (reply_to != NULL)
        *reply_to = *stripped != '\0' ? g_steal_pointer (&stripped) : NULL;
      return TRUE;
    }

  /* Translators: %s is the parser's complaint, a full sentence. */
  message = g_strdup_printf (_("%s The Reply-To address saved before is kept until this one is valid."),
                             error->message);
  gtk_label_set_text (self->reply_to_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->reply_to_error), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->reply_to_row), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->reply_to_row),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  return FALSE;
}

/* Copies the fields of the subpage into @account: all but a Reply-To
 * that is not an address (then FALSE). */
static gboolean
apply_fields (SatchelPreferencesWindow *self,
              SatchelAccount           *account)
{
  g_autofree char *display_name = NULL;
  g_autofree char *reply_to = NULL;
  g_autofree char *signature = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->signature_view);
  GtkTextIter start;
  GtkTextIter end;
  gboolean reply_to_valid;

  display_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->display_name_row))));
  satchel_account_set_display_name (account, *display_name != '\0' ? display_name : NULL);

  reply_to_valid = check_reply_to (self, &reply_to);
  if (reply_to_valid)
    satchel_account_set_reply_to (account, reply_to);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  signature = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  satchel_account_set_signature (account, *signature != '\0' ? signature : NULL);

  satchel_account_set_bcc_self (account, gtk_switch_get_active (self->bcc_self_switch));
  return reply_to_valid;
}

/* Saves what was typed, if anything; FALSE when something could not be
 * saved (a Reply-To that is not an address is one). On failure the
 * message stays on the page and so does every field: the next change
 * or focus change tries again. */
static gboolean
save_page (SatchelPreferencesWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;

  g_clear_handle_id (&self->save_id, g_source_remove);
  if (self->page_account == NULL || !self->page_dirty)
    return TRUE;

  /* Merge with what the CLI may have changed a moment ago. */
  if (satchel_account_store_load (self->store, &error))
    account = satchel_account_store_lookup (self->store, self->page_account);
  if (account == NULL && error == NULL)
    g_set_error (&error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_NOT_FOUND,
                 _("The account “%s” was removed by another program, so these "
                   "changes cannot be saved. Copy what you need, then go back."),
                 self->page_account);
  if (account != NULL)
    {
      complete = apply_fields (self, account);
      satchel_account_store_update (self->store, account, &error);
    }

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why, and what to do. */
      message = g_strdup_printf (_("Your changes are not saved yet. %s"), error->message);
      show_save_error (self, message);
      return FALSE;
    }

  /* The Reply-To still waits for a valid address. */
  self->page_dirty = !complete;
  show_save_error (self, NULL);
  return complete;
}

/* What keeps the page from being saved, for people. */
static const char *
describe_unsaved (SatchelPreferencesWindow *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->save_error_group)))
    return gtk_label_get_text (self->save_error_label);
  return gtk_label_get_text (self->reply_to_error);
}

static gboolean
save_timeout_cb (gpointer user_data)
{
  SatchelPreferencesWindow *self = user_data;

  self->save_id = 0;
  save_page (self);
  return G_SOURCE_REMOVE;
}

static void
on_field_changed (SatchelPreferencesWindow *self)
{
  if (self->page_loading)
    return;
  self->page_dirty = TRUE;
  g_clear_handle_id (&self->save_id, g_source_remove);
  self->save_id = g_timeout_add (SAVE_DELAY_MS, save_timeout_cb, self);
}

static void
on_reply_to_changed (SatchelPreferencesWindow *self)
{
  check_reply_to (self, NULL);
  on_field_changed (self);
}

static void
on_field_left (SatchelPreferencesWindow *self)
{
  save_page (self);
}

static void
on_bcc_self_changed (SatchelPreferencesWindow *self)
{
  if (self->page_loading)
    return;
  self->page_dirty = TRUE;
  save_page (self);
}

static void
save_on_focus_out (SatchelPreferencesWindow *self,
                   GtkWidget                *widget)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_field_left), self);
  gtk_widget_add_controller (widget, focus);
}

/* Verification ------------------------------------------------------------- */

static VerifyJob *
verify_job_ref (VerifyJob *job)
{
  return g_atomic_rc_box_acquire (job);
}

static void
verify_job_clear (gpointer data)
{
  VerifyJob *job = data;

  g_object_unref (job->self);
  g_main_context_unref (job->context);
  g_object_unref (job->cancellable);
  g_object_unref (job->account);
}

static void
verify_job_unref (VerifyJob *job)
{
  g_atomic_rc_box_release_full (job, verify_job_clear);
}

static void
set_step_state (AdwActionRow *row,
                StepState     state)
{
  GtkWidget *spinner = g_object_get_data (G_OBJECT (row), "spinner");
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "icon");
  const char *description;

  gtk_widget_set_visible (spinner, state == STEP_RUNNING);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), state == STEP_RUNNING);
  gtk_widget_set_visible (icon, state != STEP_RUNNING);
  gtk_widget_remove_css_class (icon, "success");
  gtk_widget_remove_css_class (icon, "error");
  switch (state)
    {
    case STEP_DONE:
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "emblem-ok-symbolic");
      gtk_widget_add_css_class (icon, "success");
      description = _("done");
      break;
    case STEP_FAILED:
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "dialog-error-symbolic");
      gtk_widget_add_css_class (icon, "error");
      description = _("failed");
      break;
    case STEP_RUNNING:
    default:
      description = _("in progress");
      break;
    }
  /* The icon says it to the eye; this says it to a screen reader. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static AdwActionRow *
add_step_row (SatchelPreferencesWindow *self,
              const char               *title,
              const char               *subtitle,
              StepState                 state)
{
  GtkWidget *row = new_row (title, subtitle);
  GtkWidget *spinner = gtk_spinner_new ();
  GtkWidget *icon = gtk_image_new ();

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "spinner", spinner);
  g_object_set_data (G_OBJECT (row), "icon", icon);
  set_step_state (ADW_ACTION_ROW (row), state);
  gtk_list_box_append (self->verify_list, row);
  gtk_widget_set_visible (GTK_WIDGET (self->verify_list), TRUE);
  return ADW_ACTION_ROW (row);
}

static void
clear_steps (SatchelPreferencesWindow *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->verify_list))) != NULL)
    gtk_list_box_remove (self->verify_list, row);
  self->verify_current = NULL;
}

typedef struct
{
  VerifyJob       *job;
  SatchelSmtpStep  step;
} StepEvent;

static void
step_event_free (gpointer data)
{
  StepEvent *event = data;

  verify_job_unref (event->job);
  g_free (event);
}

static gboolean
show_step_cb (gpointer data)
{
  StepEvent *event = data;
  SatchelPreferencesWindow *self = event->job->self;
  g_autofree char *title = NULL;

  /* A step of a run that was cancelled or replaced. */
  if (event->job->finished || self->verify_job != event->job)
    return G_SOURCE_REMOVE;

  if (self->verify_current != NULL)
    set_step_state (self->verify_current, STEP_DONE);
  title = capitalize (satchel_smtp_step_describe (event->step));
  self->verify_current = add_step_row (self, title, NULL, STEP_RUNNING);
  return G_SOURCE_REMOVE;
}

/* In the worker: hand the step to the window's main context. */
static void
on_verify_step (SatchelSmtpStep step,
                gpointer        user_data)
{
  VerifyJob *job = user_data;
  StepEvent *event = g_new0 (StepEvent, 1);

  event->job = verify_job_ref (job);
  event->step = step;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, show_step_cb,
                              event, step_event_free);
}

/* What the server offered, for the subtitle of the last row. */
static char *
describe_report (const SatchelVerifyReport *report)
{
  GString *text = g_string_new (NULL);

  if (report == NULL)
    return g_string_free (text, FALSE);
  if (report->tls_description != NULL)
    /* Translators: %s is the TLS version and cipher. */
    g_string_append_printf (text, _("Encrypted with %s."), report->tls_description);
  if (report->mechanisms != NULL && report->mechanisms[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", report->mechanisms);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* Translators: %s lists SASL mechanisms, "PLAIN, LOGIN". */
      g_string_append_printf (text, _("Sign-in methods: %s."), joined);
    }
  if (report->size_limit > 0)
    {
      g_autofree char *size = g_format_size (report->size_limit);

      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* Translators: %s is a size, "25.0 MB". */
      g_string_append_printf (text, _("Largest message: %s."), size);
    }
  return g_string_free (text, FALSE);
}

/* What verification learned goes to the account, for the compose
 * window's size warning. */
static void
remember_report (SatchelPreferencesWindow  *self,
                 const char                *name,
                 const SatchelVerifyReport *report)
{
  g_autoptr(SatchelAccount) account = satchel_account_store_lookup (self->store, name);
  g_autoptr(GError) error = NULL;

  if (account == NULL || report == NULL)
    return;
  satchel_account_set_size_limit (account, report->size_limit);
  satchel_account_set_server_mechanisms (account, (const char * const *) report->mechanisms);
  if (!satchel_account_store_update (self->store, account, &error))
    toast (self, error->message);
}

typedef struct
{
  SatchelPreferencesWindow *self;
  char                     *name;
  char                     *fingerprint;
} TrustData;

static void
trust_data_free (gpointer  data,
                 GClosure *closure)
{
  TrustData *trust = data;

  g_object_unref (trust->self);
  g_free (trust->name);
  g_free (trust->fingerprint);
  g_free (trust);
}

static void
on_certificate_response (GtkWindow  *dialog,
                         const char *response,
                         TrustData  *trust)
{
  SatchelPreferencesWindow *self = trust->self;
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (response, "trust") || self->store == NULL)
    return;

  /* Pin exactly this certificate, for this account only, and check
   * again with it. */
  account = satchel_account_store_lookup (self->store, trust->name);
  if (account == NULL)
    return;
  satchel_account_set_trust_fingerprint (account, trust->fingerprint);
  if (!satchel_account_store_update (self->store, account, &error))
    {
      toast (self, error->message);
      return;
    }
  if (g_strcmp0 (self->page_account, trust->name) == 0)
    start_verify (self);
}

static void
ask_trust (SatchelPreferencesWindow  *self,
           SatchelAccount            *account,
           const SatchelVerifyReport *report)
{
  TrustData *trust = g_new0 (TrustData, 1);
  GtkWindow *dialog;

  trust->self = g_object_ref (self);
  trust->name = g_strdup (satchel_account_get_name (account));
  trust->fingerprint = satchel_certificate_fingerprint (report->certificate);
  dialog = satchel_certificate_dialog_new (GTK_WINDOW (self),
                                           satchel_account_get_host (account),
                                           satchel_account_get_port (account),
                                           report->certificate,
                                           report->certificate_errors,
                                           satchel_account_get_trust_fingerprint (account));
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_certificate_response),
                         trust, trust_data_free, 0);
  gtk_window_present (dialog);
}

static void
on_verify_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VerifyJob *job = user_data;
  SatchelPreferencesWindow *self = job->self;
  SatchelVerifyReport *report = satchel_sender_verify_get_report (result);
  g_autoptr(GError) error = NULL;
  g_autofree char *details = NULL;
  gboolean ok;

  ok = satchel_sender_verify_finish (result, &error);
  job->finished = TRUE;
  if (self->verify_job != job)
    {
      verify_job_unref (job);
      return;
    }
  self->verify_job = NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button), TRUE);

  if (self->verify_current != NULL)
    set_step_state (self->verify_current, ok ? STEP_DONE : STEP_FAILED);
  self->verify_current = NULL;

  if (ok)
    {
      details = describe_report (report);
      add_step_row (self, _("The account works"), *details != '\0' ? details : NULL, STEP_DONE);
      remember_report (self, satchel_account_get_name (job->account), report);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      add_step_row (self, _("Verification cancelled"), NULL, STEP_FAILED);
    }
  else
    {
      add_step_row (self, _("Verification failed"), error->message, STEP_FAILED);
      if (report != NULL && report->certificate != NULL &&
          (report->certificate_errors != 0 || report->pin_mismatch))
        ask_trust (self, job->account, report);
    }

  verify_job_unref (job);
}

static void
cancel_verify (SatchelPreferencesWindow *self)
{
  if (self->verify_job == NULL)
    return;
  g_cancellable_cancel (self->verify_job->cancellable);
  self->verify_job = NULL;
}

static void
start_verify (SatchelPreferencesWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  SatchelSendHooks hooks = { 0 };
  VerifyJob *job;

  if (self->page_account == NULL)
    return;
  save_page (self);
  account = satchel_account_store_lookup (self->store, self->page_account);
  if (account == NULL)
    return;

  cancel_verify (self);
  clear_steps (self);

  job = g_atomic_rc_box_new0 (VerifyJob);
  job->self = g_object_ref (self);
  job->context = g_main_context_ref_thread_default ();
  job->cancellable = g_cancellable_new ();
  job->account = g_steal_pointer (&account);
  self->verify_job = job;

  hooks.step = on_verify_step;
  hooks.user_data = job;
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button), FALSE);
  /* The job is kept for the steps by the hooks' user data until the
   * callback, which the task calls last. */
  satchel_sender_verify_async (job->account, &hooks, job->cancellable,
                               on_verify_done, verify_job_ref (job));
  verify_job_unref (job);
}

/* Removing ----------------------------------------------------------------- */

/* The outbox messages from @name still waiting to be sent. */
static guint
count_pending (SatchelPreferencesWindow *self,
               const char               *name)
{
  return satchel_outbox_count_pending (self->outbox, name);
}

typedef struct
{
  SatchelAccount *account;
  SatchelOutbox  *outbox;
} RemoveJob;

static void
remove_job_free (gpointer data)
{
  RemoveJob *job = data;

  g_object_unref (job->account);
  g_object_unref (job->outbox);
  g_free (job);
}

/* Its messages stay, marked failed, to be retried once the account is
 * back or discarded: they are never lost with it. */
static void
fail_pending_items (RemoveJob *job)
{
  g_autoptr(GError) error = NULL;

  if (!satchel_outbox_fail_account (job->outbox,
                                    satchel_account_get_name (job->account),
                                    &error))
    g_message ("Cannot mark the messages of %s failed: %s",
               satchel_account_get_name (job->account), error->message);
}

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RemoveJob *job = task_data;
  GError *error = NULL;

  fail_pending_items (job);
  if (satchel_secret_clear_sync (job->account, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_remove_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  SatchelPreferencesWindow *self = SATCHEL_PREFERENCES_WINDOW (source);
  RemoveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->store != NULL)
        {
          text = g_strdup_printf (_("Removed “%s”"), account_title (job->account));
          toast (self, text);
        }
      return;
    }

  /* The account is gone either way; say where its password still is. */
  text = g_strdup_printf (_("The account “%s” was removed, but its password could not "
                            "be removed from the keyring: %s"),
                          satchel_account_get_name (job->account), error->message);
  if (self->store == NULL)
    {
      g_warning ("%s", text);
      return;
    }
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Password Not Removed"), text);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_page (SatchelPreferencesWindow *self)
{
  cancel_verify (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_pointer (&self->page_account, g_free);
  self->page_dirty = FALSE;
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

static void
on_remove_response (AdwMessageDialog         *dialog,
                    const char               *response,
                    SatchelPreferencesWindow *self)
{
  const char *name = g_object_get_data (G_OBJECT (dialog), "account-name");
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  RemoveJob *job;

  if (!g_str_equal (response, "remove") || self->store == NULL)
    return;

  account = satchel_account_store_lookup (self->store, name);
  if (account == NULL)
    return;
  /* Before the store says it is gone, or the page would call that a
   * removal by another program. */
  if (g_strcmp0 (self->page_account, name) == 0)
    close_page (self);
  if (!satchel_account_store_remove (self->store, name, &error))
    {
      toast (self, error->message);
      return;
    }

  /* The keyring and the outbox files are not for the main loop. */
  job = g_new0 (RemoveJob, 1);
  job->account = g_steal_pointer (&account);
  job->outbox = g_object_ref (self->outbox);
  task = g_task_new (self, NULL, on_remove_done, NULL);
  g_task_set_source_tag (task, on_remove_response);
  g_task_set_task_data (task, job, remove_job_free);
  g_task_run_in_thread (task, remove_thread);
}

static void
on_remove_clicked (SatchelPreferencesWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  guint n_pending;

  account = satchel_account_store_lookup (self->store, self->page_account);
  if (account == NULL)
    return;

  n_pending = count_pending (self, self->page_account);
  heading = g_strdup_printf (_("Remove “%s”?"), account_title (account));
  if (n_pending == 0)
    body = g_strdup (_("Satchel forgets this account and removes its password from the "
                       "keyring. Sent messages are kept."));
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Satchel forgets this account and removes its "
                                         "password from the keyring. %u message in the "
                                         "outbox is waiting to be sent from it: it will be "
                                         "marked failed, not lost. Add the account again to "
                                         "send it.",
                                         "Satchel forgets this account and removes its "
                                         "password from the keyring. %u messages in the "
                                         "outbox are waiting to be sent from it: they will "
                                         "be marked failed, not lost. Add the account again "
                                         "to send them.",
                                         n_pending),
                             n_pending);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account-name",
                          g_strdup (self->page_account), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The other buttons of the subpage ----------------------------------------- */

static void
on_set_default_clicked (SatchelPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!satchel_account_store_set_default (self->store, self->page_account, &error))
    toast (self, error->message);
  update_default_marks (self);
  refresh_page (self);
}

static void
on_verify_clicked (SatchelPreferencesWindow *self)
{
  start_verify (self);
}

static void
on_setup_saved (GtkWindow                *setup,
                SatchelAccount           *account,
                SatchelPreferencesWindow *self)
{
  const char *edited = g_object_get_data (G_OBJECT (setup), "account-name");

  /* Renamed there: this page now shows it under its new name. */
  if (g_strcmp0 (self->page_account, edited) == 0)
    {
      g_free (self->page_account);
      self->page_account = g_strdup (satchel_account_get_name (account));
    }
  update_default_marks (self);
  refresh_page (self);
}

static void
on_server_row_activated (SatchelPreferencesWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  SatchelApplication *application;
  GtkWindow *setup;

  if (!save_page (self))
    return;
  account = satchel_account_store_lookup (self->store, self->page_account);
  application = SATCHEL_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (account == NULL || application == NULL)
    return;

  setup = satchel_account_setup_new (application, account);
  gtk_window_set_transient_for (setup, GTK_WINDOW (self));
  gtk_window_set_modal (setup, TRUE);
  g_object_set_data_full (G_OBJECT (setup), "account-name",
                          g_strdup (self->page_account), g_free);
  g_signal_connect_object (setup, "saved", G_CALLBACK (on_setup_saved), self, 0);
  gtk_window_present (setup);
}

static void
on_back_clicked (SatchelPreferencesWindow *self)
{
  /* What could not be saved stays on screen, with the reason. */
  if (!save_page (self))
    {
      if (gtk_widget_get_visible (GTK_WIDGET (self->reply_to_error)))
        gtk_widget_grab_focus (GTK_WIDGET (self->reply_to_row));
      return;
    }
  close_page (self);
}

static gboolean
on_back_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  on_back_clicked (user_data);
  return TRUE;
}

/* The account subpage ------------------------------------------------------ */

/* Shows the stored account's state (not the fields being typed into):
 * after a save, a change of default, or a change from the CLI. */
static void
refresh_page (SatchelPreferencesWindow *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autofree char *server = NULL;
  g_autofree char *bcc = NULL;
  g_autofree char *default_text = NULL;
  gboolean is_the_default;

  if (self->page_account == NULL)
    return;

  account = satchel_account_store_lookup (self->store, self->page_account);
  gtk_widget_set_sensitive (GTK_WIDGET (self->verify_button), account != NULL && self->verify_job == NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), account != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->default_row), account != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), account != NULL);
  if (account == NULL)
    {
      self->page_gone = TRUE;
      show_save_error (self, _("This account was removed by another program. "
                               "What you typed here is not saved."));
      return;
    }
  /* Back (renamed, or added again): so is the page. */
  if (self->page_gone)
    {
      self->page_gone = FALSE;
      show_save_error (self, NULL);
    }

  adw_window_title_set_title (self->page_title, account_title (account));
  adw_window_title_set_subtitle (self->page_title, satchel_account_get_address (account));

  server = describe_server (account);
  adw_action_row_set_subtitle (self->server_row, server);

  /* Translators: %s is the account's own address. */
  bcc = g_strdup_printf (_("Send a copy of every message to %s"),
                         satchel_account_get_address (account));
  adw_action_row_set_subtitle (self->bcc_self_row, bcc);

  is_the_default = is_default (self, self->page_account);
  if (is_the_default)
    default_text = g_strdup (_("New messages start from this account."));
  else
    default_text = g_strdup_printf (_("New messages start from “%s”."),
                                    satchel_account_store_get_default_name (self->store));
  adw_action_row_set_subtitle (self->default_row, default_text);
  gtk_widget_set_visible (GTK_WIDGET (self->default_button), !is_the_default);
}

static AdwPreferencesGroup *
add_group (AdwPreferencesPage *page,
           const char         *title,
           const char         *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  if (title != NULL)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (page, ADW_PREFERENCES_GROUP (group));
  return ADW_PREFERENCES_GROUP (group);
}

static GtkWidget *
build_page (SatchelPreferencesWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *scrolled;
  GtkWidget *row;
  GtkWidget *arrow;
  GtkEventController *keys;
  GtkShortcut *shortcut;
  AdwPreferencesGroup *group;

  gtk_widget_set_tooltip_text (back, _("Back to the Accounts (Alt+Left)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (back), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Back to the accounts"), -1);
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (on_back_clicked), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  self->page_title = ADW_WINDOW_TITLE (adw_window_title_new ("", ""));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->page_title));
  gtk_box_append (GTK_BOX (box), header);

  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  /* Alt+Left and Escape go back, as the back button does. */
  keys = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (keys), GTK_SHORTCUT_SCOPE_MANAGED);
  shortcut = gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                                                            gtk_keyval_trigger_new (GDK_KEY_Escape, 0)),
                               gtk_callback_action_new (on_back_shortcut, self, NULL));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys), shortcut);
  gtk_widget_add_controller (box, keys);

  /* An error saving, at the top where it is seen. */
  self->save_error_group = add_group (ADW_PREFERENCES_PAGE (page), NULL, NULL);
  self->save_error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->save_error_label, TRUE);
  gtk_label_set_xalign (self->save_error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->save_error_label), "error");
  adw_preferences_group_add (self->save_error_group, GTK_WIDGET (self->save_error_label));
  gtk_widget_set_visible (GTK_WIDGET (self->save_error_group), FALSE);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Sender"),
                     _("How recipients see you. Their replies go to the Reply-To "
                       "address, when there is one."));
  self->display_name_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->display_name_row), _("Display Name"));
  g_signal_connect_swapped (self->display_name_row, "changed", G_CALLBACK (on_field_changed), self);
  save_on_focus_out (self, GTK_WIDGET (self->display_name_row));
  adw_preferences_group_add (group, GTK_WIDGET (self->display_name_row));

  self->reply_to_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reply_to_row), _("Reply-To"));
  adw_entry_row_set_input_purpose (self->reply_to_row, GTK_INPUT_PURPOSE_EMAIL);
  g_signal_connect_swapped (self->reply_to_row, "changed", G_CALLBACK (on_reply_to_changed), self);
  save_on_focus_out (self, GTK_WIDGET (self->reply_to_row));
  adw_preferences_group_add (group, GTK_WIDGET (self->reply_to_row));

  self->reply_to_error = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->reply_to_error, TRUE);
  gtk_label_set_xalign (self->reply_to_error, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->reply_to_error), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->reply_to_error), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->reply_to_error), FALSE);
  adw_preferences_group_add (group, GTK_WIDGET (self->reply_to_error));
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->reply_to_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->reply_to_error, NULL,
                                  -1);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Signature"),
                     _("Added below new messages from this account."));
  self->signature_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->signature_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->signature_view, 12);
  gtk_text_view_set_bottom_margin (self->signature_view, 12);
  gtk_text_view_set_left_margin (self->signature_view, 12);
  gtk_text_view_set_right_margin (self->signature_view, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->signature_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Signature"), -1);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->signature_view), "changed",
                            G_CALLBACK (on_field_changed), self);
  save_on_focus_out (self, GTK_WIDGET (self->signature_view));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 96);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->signature_view));
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (scrolled, "card");
  adw_preferences_group_add (group, scrolled);

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Sending"), NULL);
  self->bcc_self_row = ADW_ACTION_ROW (new_row (_("_Bcc Myself"), NULL));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->bcc_self_row), TRUE);
  self->bcc_self_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->bcc_self_switch), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->bcc_self_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Bcc myself"), -1);
  g_signal_connect_swapped (self->bcc_self_switch, "notify::active",
                            G_CALLBACK (on_bcc_self_changed), self);
  adw_action_row_add_suffix (self->bcc_self_row, GTK_WIDGET (self->bcc_self_switch));
  adw_action_row_set_activatable_widget (self->bcc_self_row, GTK_WIDGET (self->bcc_self_switch));
  adw_preferences_group_add (group, GTK_WIDGET (self->bcc_self_row));

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Server"), NULL);
  self->server_row = ADW_ACTION_ROW (new_row (_("_Server Settings…"), NULL));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (self->server_row), TRUE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->server_row), TRUE);
  arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  adw_action_row_add_suffix (self->server_row, arrow);
  g_signal_connect_swapped (self->server_row, "activated", G_CALLBACK (on_server_row_activated), self);
  adw_preferences_group_add (group, GTK_WIDGET (self->server_row));

  row = new_row (_("Verify Again"),
                 _("Connect, check the certificate and sign in, without sending anything"));
  self->verify_button = GTK_BUTTON (new_suffix_button (ADW_ACTION_ROW (row), _("_Verify"),
                                                       G_CALLBACK (on_verify_clicked), self));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->verify_button));
  adw_preferences_group_add (group, row);

  self->verify_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->verify_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->verify_list), "boxed-list");
  gtk_widget_set_margin_top (GTK_WIDGET (self->verify_list), 12);
  gtk_widget_set_visible (GTK_WIDGET (self->verify_list), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verify_list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Verification steps"), -1);
  adw_preferences_group_add (group, GTK_WIDGET (self->verify_list));

  group = add_group (ADW_PREFERENCES_PAGE (page), _("Account"), NULL);
  self->default_row = ADW_ACTION_ROW (new_row (_("Default Account"), NULL));
  self->default_button = GTK_BUTTON (new_suffix_button (self->default_row, _("Set as _Default"),
                                                        G_CALLBACK (on_set_default_clicked), self));
  adw_preferences_group_add (group, GTK_WIDGET (self->default_row));

  row = new_row (_("Remove Account"),
                 _("Its password leaves the keyring; its queued messages stay in the outbox"));
  self->remove_button = GTK_BUTTON (new_suffix_button (ADW_ACTION_ROW (row), _("_Remove…"),
                                                       G_CALLBACK (on_remove_clicked), self));
  gtk_widget_add_css_class (GTK_WIDGET (self->remove_button), "destructive-action");
  adw_preferences_group_add (group, row);

  return box;
}

static void
show_account_page (SatchelPreferencesWindow *self,
                   SatchelAccount           *account)
{
  const char *reply_to = satchel_account_get_reply_to (account);
  const char *signature = satchel_account_get_signature (account);
  const char *display_name = satchel_account_get_display_name (account);
  GtkWidget *old_parent;

  close_page (self);
  /* Still sliding out after "back": the window forgets it only at the
   * end of the transition, and must not show it again. */
  if (self->page != NULL && (old_parent = gtk_widget_get_parent (self->page)) != NULL &&
      ADW_IS_LEAFLET (old_parent))
    adw_leaflet_remove (ADW_LEAFLET (old_parent), self->page);
  g_clear_object (&self->page);

  self->page = g_object_ref_sink (build_page (self));
  self->page_account = g_strdup (satchel_account_get_name (account));

  self->page_loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->display_name_row), display_name != NULL ? display_name : "");
  gtk_editable_set_text (GTK_EDITABLE (self->reply_to_row), reply_to != NULL ? reply_to : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->signature_view),
                            signature != NULL ? signature : "", -1);
  gtk_switch_set_active (self->bcc_self_switch, satchel_account_get_bcc_self (account));
  self->page_loading = FALSE;
  self->page_dirty = FALSE;
  self->page_gone = FALSE;

  refresh_page (self);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->page);
}

/* GObject -------------------------------------------------------------- */

static void
on_close_response (AdwMessageDialog         *dialog,
                   const char               *response,
                   SatchelPreferencesWindow *self)
{
  if (!g_str_equal (response, "discard"))
    return;
  self->close_anyway = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
satchel_preferences_window_close_request (GtkWindow *window)
{
  SatchelPreferencesWindow *self = SATCHEL_PREFERENCES_WINDOW (window);
  AdwMessageDialog *dialog;

  if (self->close_anyway || save_page (self))
    return GTK_WINDOW_CLASS (satchel_preferences_window_parent_class)->close_request (window);

  /* Closing would lose what was typed: say so first. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Changes Not Saved"),
                                                       describe_unsaved (self)));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard Changes"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
satchel_preferences_window_dispose (GObject *object)
{
  SatchelPreferencesWindow *self = SATCHEL_PREFERENCES_WINDOW (object);

  /* The application quits without asking windows: keep what can be. */
  if (self->store != NULL)
    {
      save_page (self);
      g_signal_handlers_disconnect_by_data (self->store, self);
    }
  cancel_verify (self);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  g_clear_pointer (&self->page_account, g_free);
  g_clear_object (&self->page);
  /* The list is destroyed after us: it must not build rows meanwhile. */
  if (self->accounts_list != NULL)
    gtk_list_box_bind_model (self->accounts_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (satchel_preferences_window_parent_class)->dispose (object);
}

static void
satchel_preferences_window_class_init (SatchelPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = satchel_preferences_window_dispose;
  window_class->close_request = satchel_preferences_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelPreferencesWindow, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, SatchelPreferencesWindow, undo_delay_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SatchelPreferencesWindow, rich_text_switch);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
satchel_preferences_window_init (SatchelPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind (self->settings, "undo-delay", self->undo_delay_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "rich-text", self->rich_text_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect (self->accounts_list, "row-activated",
                    G_CALLBACK (on_account_row_activated), self);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed), NULL);
}

/* Public API ------------------------------------------------------------- */

GtkWindow *
satchel_preferences_window_new (SatchelApplication *application)
{
  SatchelPreferencesWindow *self;
  SatchelContext *context;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (application), NULL);

  self = g_object_new (SATCHEL_TYPE_PREFERENCES_WINDOW, "application", application, NULL);
  context = satchel_application_get_context (application);
  self->store = g_object_ref (satchel_context_get_accounts (context));
  self->outbox = g_object_ref (satchel_context_get_outbox (context));

  gtk_list_box_bind_model (self->accounts_list, G_LIST_MODEL (self->store),
                           create_account_row, self, NULL);
  g_signal_connect_swapped (self->store, "items-changed", G_CALLBACK (on_accounts_changed), self);
  watch_accounts_file (self);
  reload_accounts (self);

  return GTK_WINDOW (self);
}

gboolean
satchel_preferences_window_show_account (SatchelPreferencesWindow *self,
                                         const char               *name)
{
  g_autoptr(SatchelAccount) account = NULL;

  g_return_val_if_fail (SATCHEL_IS_PREFERENCES_WINDOW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* Typed into another account's page: keep it before leaving. */
  if (!save_page (self))
    return FALSE;
  account = satchel_account_store_lookup (self->store, name);
  if (account == NULL)
    return FALSE;
  show_account_page (self, account);
  return TRUE;
}

static void
open_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (application);
  GtkWindow *window;

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    if (SATCHEL_IS_PREFERENCES_WINDOW (l->data))
      {
        gtk_window_present (GTK_WINDOW (l->data));
        return;
      }

  window = satchel_preferences_window_new (SATCHEL_APPLICATION (application));
  if (parent != NULL)
    gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

void
satchel_preferences_window_install_action (GtkApplication *application)
{
  const GActionEntry entries[] = {
    { .name = "preferences", .activate = open_preferences },
  };
  const char *accels[] = { "<Control>comma", NULL };

  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries,
                                   G_N_ELEMENTS (entries), application);
  gtk_application_set_accels_for_action (application, "app.preferences", accels);
}
