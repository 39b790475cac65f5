/* satchel-account-setup.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-account-setup"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "satchel-account-setup.h"

#include "satchel-address.h"
#include "satchel-autoconfig.h"
#include "satchel-certificate-dialog.h"
#include "satchel-error.h"
#include "satchel-secret.h"
#include "satchel-sender.h"

/* How long the address must stay unchanged before discovery starts. */
#define DISCOVERY_DELAY_MS 800
/* The conversation shown after a failure is cut beyond this. */
#define TRANSCRIPT_MAX_BYTES (32 * 1024)

/* Fields the user changed by hand: discovery and the address never
 * overwrite them. */
typedef enum
{
  FIELD_NAME     = 1 << 0,
  FIELD_HOST     = 1 << 1,
  FIELD_PORT     = 1 << 2,
  FIELD_SECURITY = 1 << 3,
  FIELD_USERNAME = 1 << 4,
} Field;

/* The verification steps the window shows, in order. */
typedef enum
{
  STEP_ROW_RESOLVE,
  STEP_ROW_CONNECT,
  STEP_ROW_TLS,
  STEP_ROW_EHLO,
  STEP_ROW_AUTH,
  STEP_ROW_DONE,
  N_STEP_ROWS
} StepRow;

typedef enum
{
  STEP_STATE_WAITING,
  STEP_STATE_RUNNING,
  STEP_STATE_DONE,
  STEP_STATE_FAILED,
  STEP_STATE_SKIPPED,
  N_STEP_STATES
} StepState;

typedef enum
{
  MESSAGE_ERROR,
  MESSAGE_WARNING,
} MessageKind;

/* What the worker of one verification shares with the window. The
 * window may close (and be disposed) while the worker runs: it is only
 * reached through the weak reference, from the main context. */
typedef struct
{
  GWeakRef          self;
  guint             serial;
  GMainContext     *context;
  SatchelAccount   *account;
  char             *password;    /* wiped when freed */
  SatchelSendHooks  hooks;
  GMutex            mutex;       /* guards transcript */
  GString          *transcript;
} Verification;

struct _SatchelAccountSetup
{
  AdwWindow             parent_instance;

  SatchelApplication   *application;
  /* What the window does not show: the id, the pinned certificate, what
   * verification learned, and in edit mode every other field. */
  SatchelAccount       *base;
  gboolean              editing;

  GResolver            *resolver;
  guint                 probe_timeout_ms;
  guint                 discovery_timeout_id;
  GCancellable         *discovery_cancellable;
  char                 *discovered_for;

  Field                 edited;
  guint                 filling;

  GCancellable         *cancellable;  /* verification; cancelled on close */
  guint                 verify_serial;
  gboolean              verifying;
  gboolean              verified;
  gboolean              save_after_verify;
  gboolean              saving;
  gboolean              closed;
  StepRow               active_row;
  gboolean              has_active_row;
  AdwActionRow         *step_rows[N_STEP_ROWS];
  GtkStack             *step_states[N_STEP_ROWS];

  /* Template widgets */
  GtkWidget            *cancel_button;
  GtkWidget            *main_button;
  GtkSpinner           *busy_spinner;
  GtkRevealer          *message_revealer;
  GtkImage             *message_icon;
  GtkLabel             *message_label;
  GtkLabel             *hint_label;
  GtkExpander          *transcript_expander;
  GtkLabel             *transcript_label;
  GtkWidget            *save_unverified_button;
  AdwPreferencesPage   *page;
  AdwPreferencesGroup  *server_group;
  AdwPreferencesGroup  *verify_group;
  AdwEntryRow          *address_row;
  AdwEntryRow          *password_row;
  AdwEntryRow          *display_name_row;
  AdwEntryRow          *name_row;
  GtkSpinner           *discovery_spinner;
  AdwEntryRow          *host_row;
  AdwActionRow         *port_row;
  GtkSpinButton        *port_spin;
  AdwComboRow          *security_row;
  AdwEntryRow          *username_row;
  AdwComboRow          *mechanism_row;
  GtkSwitch            *bcc_switch;
  AdwExpanderRow       *advanced_row;
  AdwEntryRow          *password_command_row;
  GtkSwitch            *plaintext_switch;
};

G_DEFINE_FINAL_TYPE (SatchelAccountSetup, satchel_account_setup, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The mechanism row's items after "Automatic", as the account names them. */
static const char * const mechanisms[] = {
  NULL, "PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
};

static const char * const step_state_names[N_STEP_STATES] = {
  "waiting", "running", "done", "failed", "skipped",
};

static void start_verification (SatchelAccountSetup *self,
                                gboolean             save_after);

/* Verification data ------------------------------------------------------- */

static Verification *
verification_ref (Verification *verification)
{
  return g_atomic_rc_box_acquire (verification);
}

static void
verification_clear (gpointer data)
{
  Verification *verification = data;

  g_weak_ref_clear (&verification->self);
  g_main_context_unref (verification->context);
  g_clear_object (&verification->account);
  if (verification->password != NULL)
    {
      memset (verification->password, 0, strlen (verification->password));
      g_free (verification->password);
    }
  g_mutex_clear (&verification->mutex);
  g_string_free (verification->transcript, TRUE);
}

static void
verification_unref (Verification *verification)
{
  g_atomic_rc_box_release_full (verification, verification_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Verification, verification_unref)

/* (transfer full) (nullable) the window, if this verification is still
 * the one it shows. Main context only. */
static SatchelAccountSetup *
verification_get_window (Verification *verification)
{
  SatchelAccountSetup *self = g_weak_ref_get (&verification->self);

  if (self != NULL && (self->closed || self->verify_serial != verification->serial))
    g_clear_object (&self);
  return self;
}

/* Helpers ----------------------------------------------------------------- */

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* (transfer full) the row's text without surrounding spaces. */
static char *
dup_stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (row_text (row)));
}

/* Sets a field without it counting as the user's edit. */
static void
fill_text (SatchelAccountSetup *self,
           AdwEntryRow         *row,
           const char          *text)
{
  self->filling++;
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  self->filling--;
}

static void
fill_port (SatchelAccountSetup *self,
           guint16              port)
{
  self->filling++;
  gtk_spin_button_set_value (self->port_spin, port);
  self->filling--;
}

static SatchelSecurity
get_security (SatchelAccountSetup *self)
{
  guint selected = adw_combo_row_get_selected (self->security_row);

  return selected <= SATCHEL_SECURITY_NONE ? (SatchelSecurity) selected : SATCHEL_SECURITY_TLS;
}

/* What each choice means, under the row's title. */
static void
update_security_subtitle (SatchelAccountSetup *self)
{
  const char *subtitle;

  switch (get_security (self))
    {
    case SATCHEL_SECURITY_STARTTLS:
      subtitle = _("Encrypted after connecting, required");
      break;
    case SATCHEL_SECURITY_NONE:
      subtitle = _("Not encrypted: only for a server on your own network");
      break;
    case SATCHEL_SECURITY_TLS:
    default:
      subtitle = _("Encrypted from the start (recommended)");
      break;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->security_row), subtitle);
}

static void
fill_security (SatchelAccountSetup *self,
               SatchelSecurity      security)
{
  self->filling++;
  adw_combo_row_set_selected (self->security_row, (guint) security);
  self->filling--;
  update_security_subtitle (self);
}

static void
set_field_error (GtkWidget *widget,
                 gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

static void
clear_field_errors (SatchelAccountSetup *self)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->address_row), GTK_WIDGET (self->password_row),
    GTK_WIDGET (self->name_row), GTK_WIDGET (self->host_row),
    GTK_WIDGET (self->port_row), GTK_WIDGET (self->security_row),
    GTK_WIDGET (self->username_row), GTK_WIDGET (self->mechanism_row),
    GTK_WIDGET (self->password_command_row),
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    set_field_error (rows[i], FALSE);
}

/* Marks @widget's row as the one to fix and puts the cursor there. */
static void
focus_field (SatchelAccountSetup *self,
             GtkWidget           *widget)
{
  if (widget == NULL)
    return;

  if (widget == GTK_WIDGET (self->password_command_row) ||
      widget == GTK_WIDGET (self->plaintext_switch))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);

  set_field_error (widget == GTK_WIDGET (self->port_spin) ? GTK_WIDGET (self->port_row) : widget,
                   TRUE);
  gtk_widget_grab_focus (widget);
}

/* A response may close this window (saved): the dialog, which unsets
 * its transient parent as it goes, must not outlive it. */
static void
keep_parent_alive (GtkWindow           *dialog,
                   SatchelAccountSetup *self)
{
  g_object_set_data_full (G_OBJECT (dialog), "satchel-parent", g_object_ref (self), g_object_unref);
}

static void
scroll_to_top (SatchelAccountSetup *self)
{
  /* AdwPreferencesPage 1.2 has no API for it: its child scrolls. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->page));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_SCROLLED_WINDOW (child))
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child)), 0);
}

static void
show_message (SatchelAccountSetup *self,
              MessageKind          kind,
              const char          *message,
              const char          *hint)
{
  gtk_image_set_from_icon_name (self->message_icon,
                                kind == MESSAGE_ERROR ? "dialog-error-symbolic"
                                                      : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_icon), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->message_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->message_icon),
                            kind == MESSAGE_ERROR ? "error" : "warning");
  gtk_label_set_text (self->message_label, message);
  gtk_label_set_text (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
  gtk_revealer_set_reveal_child (self->message_revealer, TRUE);
}

static void
hide_message (SatchelAccountSetup *self)
{
  gtk_revealer_set_reveal_child (self->message_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->transcript_expander), FALSE);
  gtk_widget_set_visible (self->save_unverified_button, FALSE);
}

static void
update_actions (SatchelAccountSetup *self)
{
  gboolean busy = self->verifying || self->saving;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.add", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "setup.save-unverified", !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), busy);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
}

/* The settings changed: what was verified no longer says anything. */
static void
invalidate (SatchelAccountSetup *self)
{
  self->verified = FALSE;
}

/* Copies every field of @from that can be set after construction. */
static void
copy_properties (SatchelAccount *from,
                 SatchelAccount *to)
{
  g_autofree GParamSpec **specs = NULL;
  guint n_specs;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (from), &n_specs);
  for (guint i = 0; i < n_specs; i++)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      if ((specs[i]->flags & G_PARAM_WRITABLE) == 0 ||
          (specs[i]->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
        continue;
      g_value_init (&value, specs[i]->value_type);
      g_object_get_property (G_OBJECT (from), specs[i]->name, &value);
      g_object_set_property (G_OBJECT (to), specs[i]->name, &value);
    }
}

/* A new account from what the window shows (and the base for the rest).
 * NULL with @error when a field needs fixing, naming it in @focus. */
static SatchelAccount *
build_account (SatchelAccountSetup  *self,
               GtkWidget           **focus,
               GError              **error)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(SatchelAddress) parsed = NULL;
  g_autofree char *address = dup_stripped (self->address_row);
  g_autofree char *name = dup_stripped (self->name_row);
  g_autofree char *display_name = dup_stripped (self->display_name_row);
  g_autofree char *host = dup_stripped (self->host_row);
  g_autofree char *username = dup_stripped (self->username_row);
  g_autofree char *command = dup_stripped (self->password_command_row);
  guint mechanism = adw_combo_row_get_selected (self->mechanism_row);

  *focus = NULL;
  if (*address == '\0')
    {
      *focus = GTK_WIDGET (self->address_row);
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("Type the email address you send from."));
      return NULL;
    }
  parsed = satchel_address_parse (address, error);
  if (parsed == NULL)
    {
      *focus = GTK_WIDGET (self->address_row);
      return NULL;
    }
  if (*host == '\0')
    {
      *focus = GTK_WIDGET (self->host_row);
      g_set_error_literal (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID,
                           _("Type the host name of your provider’s SMTP server, "
                             "like “smtp.example.com”."));
      return NULL;
    }

  account = satchel_account_new (self->editing ? satchel_account_get_name (self->base)
                                               : *name != '\0' ? name : address);
  copy_properties (self->base, account);
  satchel_account_set_address (account, address);
  satchel_account_set_display_name (account, *display_name != '\0' ? display_name : NULL);
  satchel_account_set_host (account, host);
  satchel_account_set_port (account, (guint16) gtk_spin_button_get_value_as_int (self->port_spin));
  satchel_account_set_security (account, get_security (self));
  /* Unset means "the address", which then follows the address. */
  satchel_account_set_username (account,
                                *username != '\0' && g_strcmp0 (username, address) != 0
                                ? username : NULL);
  satchel_account_set_auth_mechanism (account,
                                      mechanism < G_N_ELEMENTS (mechanisms)
                                      ? mechanisms[mechanism] : NULL);
  satchel_account_set_bcc_self (account, gtk_switch_get_active (self->bcc_switch));
  satchel_account_set_password_command (account, *command != '\0' ? command : NULL);
  satchel_account_set_allow_plaintext_auth (account,
                                            gtk_switch_get_active (self->plaintext_switch));

  if (!satchel_account_validate (account, error))
    {
      if (g_error_matches (*error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_INVALID) &&
          !self->editing)
        *focus = GTK_WIDGET (self->name_row);
      return NULL;
    }

  return g_steal_pointer (&account);
}

/* (transfer full) the password typed, or NULL when the field is empty. */
static char *
dup_password (SatchelAccountSetup *self)
{
  const char *password = row_text (self->password_row);

  return *password != '\0' ? g_strdup (password) : NULL;
}

static void
wipe_password (char *password)
{
  if (password == NULL)
    return;
  memset (password, 0, strlen (password));
  g_free (password);
}

/* Verification steps ------------------------------------------------------ */

static void
set_step_state (SatchelAccountSetup *self,
                StepRow              row,
                StepState            state)
{
  GtkWidget *child;

  gtk_stack_set_visible_child_name (self->step_states[row], step_state_names[state]);
  child = gtk_stack_get_visible_child (self->step_states[row]);
  if (GTK_IS_SPINNER (child))
    gtk_spinner_set_spinning (GTK_SPINNER (child), state == STEP_STATE_RUNNING);
}

static StepState
get_step_state (SatchelAccountSetup *self,
                StepRow              row)
{
  const char *name = gtk_stack_get_visible_child_name (self->step_states[row]);

  for (guint i = 0; i < N_STEP_STATES; i++)
    if (g_strcmp0 (name, step_state_names[i]) == 0)
      return (StepState) i;
  return STEP_STATE_WAITING;
}

static gboolean
row_for_step (SatchelSmtpStep  step,
              StepRow         *row)
{
  switch (step)
    {
    case SATCHEL_SMTP_STEP_RESOLVE:
      *row = STEP_ROW_RESOLVE;
      return TRUE;
    case SATCHEL_SMTP_STEP_CONNECT:
      *row = STEP_ROW_CONNECT;
      return TRUE;
    case SATCHEL_SMTP_STEP_TLS:
    case SATCHEL_SMTP_STEP_STARTTLS:
      *row = STEP_ROW_TLS;
      return TRUE;
    case SATCHEL_SMTP_STEP_GREETING:
    case SATCHEL_SMTP_STEP_EHLO:
      *row = STEP_ROW_EHLO;
      return TRUE;
    case SATCHEL_SMTP_STEP_AUTH:
      *row = STEP_ROW_AUTH;
      return TRUE;
    case SATCHEL_SMTP_STEP_QUIT:
      *row = STEP_ROW_DONE;
      return TRUE;
    case SATCHEL_SMTP_STEP_MAIL:
    case SATCHEL_SMTP_STEP_RCPT:
    case SATCHEL_SMTP_STEP_DATA:
    case SATCHEL_SMTP_STEP_DATA_END:
    default:
      return FALSE;
    }
}

static gboolean
row_for_error (const GError *error,
               StepRow      *row)
{
  if (error->domain != SATCHEL_SMTP_ERROR)
    return FALSE;

  switch (error->code)
    {
    case SATCHEL_SMTP_ERROR_STARTTLS_NOT_OFFERED:
      *row = STEP_ROW_TLS;
      return TRUE;
    case SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE:
    case SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED:
      *row = STEP_ROW_AUTH;
      return TRUE;
    default:
      return FALSE;
    }
}

static void
reset_steps (SatchelAccountSetup *self)
{
  for (guint i = 0; i < N_STEP_ROWS; i++)
    {
      set_step_state (self, i, STEP_STATE_WAITING);
      adw_action_row_set_subtitle (self->step_rows[i], "");
    }
  self->has_active_row = FALSE;
}

/* A step began: the one before it is done. Steps may come back (EHLO
 * again after STARTTLS). */
static void
show_step (SatchelAccountSetup *self,
           SatchelSmtpStep      step)
{
  StepRow row;

  if (!row_for_step (step, &row))
    return;
  if (self->has_active_row && self->active_row != row)
    set_step_state (self, self->active_row, STEP_STATE_DONE);
  set_step_state (self, row, STEP_STATE_RUNNING);
  self->active_row = row;
  self->has_active_row = TRUE;
}

static void
finish_steps_success (SatchelAccountSetup       *self,
                      const SatchelVerifyReport *report,
                      SatchelAccount            *account)
{
  for (guint i = 0; i < STEP_ROW_DONE; i++)
    if (get_step_state (self, i) == STEP_STATE_RUNNING)
      set_step_state (self, i, STEP_STATE_DONE);
    else if (get_step_state (self, i) == STEP_STATE_WAITING)
      set_step_state (self, i, STEP_STATE_SKIPPED);
  set_step_state (self, STEP_ROW_DONE, STEP_STATE_DONE);
  self->has_active_row = FALSE;

  if (report == NULL)
    return;

  if (report->tls_description != NULL)
    adw_action_row_set_subtitle (self->step_rows[STEP_ROW_TLS], report->tls_description);
  else if (get_step_state (self, STEP_ROW_TLS) == STEP_STATE_SKIPPED)
    adw_action_row_set_subtitle (self->step_rows[STEP_ROW_TLS],
                                 _("Not used: the connection is not encrypted"));
  if (report->mechanisms != NULL && report->mechanisms[0] != NULL)
    {
      g_autofree char *offered = g_strjoinv (" ", report->mechanisms);
      /* Translators: %s lists authentication mechanisms, "PLAIN LOGIN". */
      g_autofree char *subtitle = g_strdup_printf (_("Offers %s"), offered);

      adw_action_row_set_subtitle (self->step_rows[STEP_ROW_EHLO], subtitle);
    }
  if (report->username != NULL)
    {
      /* Translators: %s is the user name the server accepted. */
      g_autofree char *subtitle = g_strdup_printf (_("Signed in as %s"), report->username);

      adw_action_row_set_subtitle (self->step_rows[STEP_ROW_AUTH], subtitle);
    }
  if (report->size_limit > 0)
    {
      g_autofree char *size = g_format_size (report->size_limit);
      /* Translators: %s is a size, "35.0 MB". */
      g_autofree char *subtitle = g_strdup_printf (_("Ready: messages up to %s"), size);

      adw_action_row_set_subtitle (self->step_rows[STEP_ROW_DONE], subtitle);
    }
  else
    adw_action_row_set_subtitle (self->step_rows[STEP_ROW_DONE], _("Ready to send"));
}

static void
finish_steps_failure (SatchelAccountSetup       *self,
                      const GError              *error,
                      const SatchelVerifyReport *report)
{
  StepRow failed;
  gboolean known = FALSE;

  /* Some failures are found while greeting the server, but belong to a
   * later step: the greeting itself went well. */
  if (row_for_error (error, &failed))
    {
      known = TRUE;
      for (guint i = 0; i < failed; i++)
        if (get_step_state (self, i) == STEP_STATE_RUNNING)
          set_step_state (self, i, STEP_STATE_DONE);
    }
  else if (report != NULL)
    known = row_for_step (report->failed_step, &failed);
  if (!known && self->has_active_row)
    {
      failed = self->active_row;
      known = TRUE;
    }

  for (guint i = 0; i < N_STEP_ROWS; i++)
    if (get_step_state (self, i) == STEP_STATE_RUNNING)
      set_step_state (self, i, STEP_STATE_WAITING);
  if (known)
    {
      set_step_state (self, failed, STEP_STATE_FAILED);
      adw_action_row_set_subtitle (self->step_rows[failed], _("Failed: see the message above"));
    }
  self->has_active_row = FALSE;
}

/* On the window's main context. */
static gboolean
apply_step (gpointer data)
{
  gpointer *pair = data;
  Verification *verification = pair[0];
  g_autoptr(SatchelAccountSetup) self = verification_get_window (verification);

  if (self != NULL)
    show_step (self, GPOINTER_TO_UINT (pair[1]));
  return G_SOURCE_REMOVE;
}

static void
free_step (gpointer data)
{
  gpointer *pair = data;

  verification_unref (pair[0]);
  g_free (pair);
}

static void
on_worker_step (SatchelSmtpStep step,
                gpointer        user_data)
{
  Verification *verification = user_data;
  gpointer *pair = g_new (gpointer, 2);

  /* Worker thread: hand the step to the window's main context. */
  pair[0] = verification_ref (verification);
  pair[1] = GUINT_TO_POINTER (step);
  g_main_context_invoke_full (verification->context, G_PRIORITY_DEFAULT,
                              apply_step, pair, free_step);
}

static void
on_worker_transcript (gboolean    from_server,
                      const char *line,
                      gpointer    user_data)
{
  Verification *verification = user_data;

  /* Worker thread; AUTH payloads arrive already redacted. */
  g_mutex_lock (&verification->mutex);
  if (verification->transcript->len < TRANSCRIPT_MAX_BYTES)
    g_string_append_printf (verification->transcript, "%s %s\n",
                            from_server ? "S:" : "C:", line);
  g_mutex_unlock (&verification->mutex);
}

/* Failures ------------------------------------------------------------ */

/* The field that fixes @error, and what to say beyond the error's own
 * message (which already says what failed, quoting the server). */
static GtkWidget *
field_for_error (SatchelAccountSetup  *self,
                 const GError         *error,
                 SatchelSmtpStep       failed_step,
                 const char          **hint)
{
  *hint = NULL;

  if (error->domain == SATCHEL_SECRET_ERROR)
    {
      if (error->code == SATCHEL_SECRET_ERROR_COMMAND_FAILED)
        return GTK_WIDGET (self->password_command_row);
      return GTK_WIDGET (self->password_row);
    }
  if (error->domain != SATCHEL_SMTP_ERROR)
    return NULL;

  switch (error->code)
    {
    case SATCHEL_SMTP_ERROR_HOST_NOT_FOUND:
      return GTK_WIDGET (self->host_row);
    case SATCHEL_SMTP_ERROR_CONNECTION_REFUSED:
      /* The name was found: the port is the likelier mistake. */
      return GTK_WIDGET (self->port_spin);
    case SATCHEL_SMTP_ERROR_TIMED_OUT:
      if (failed_step == SATCHEL_SMTP_STEP_RESOLVE || failed_step == SATCHEL_SMTP_STEP_CONNECT)
        return GTK_WIDGET (self->host_row);
      /* Often a port that expects the other kind of security. */
      return GTK_WIDGET (self->security_row);
    case SATCHEL_SMTP_ERROR_CONNECTION_LOST:
    case SATCHEL_SMTP_ERROR_CERTIFICATE:
      return GTK_WIDGET (self->host_row);
    case SATCHEL_SMTP_ERROR_TLS_FAILED:
    case SATCHEL_SMTP_ERROR_STARTTLS_NOT_OFFERED:
    case SATCHEL_SMTP_ERROR_PLAINTEXT_AUTH_REFUSED:
      return GTK_WIDGET (self->security_row);
    case SATCHEL_SMTP_ERROR_AUTH_FAILED:
      /* The local part was tried too (hooks.try_local_part). */
      set_field_error (GTK_WIDGET (self->username_row), TRUE);
      return GTK_WIDGET (self->password_row);
    case SATCHEL_SMTP_ERROR_APP_PASSWORD_REQUIRED:
      *hint = _("Some providers call an app password an “authorization code” "
                "or a “client password”. Your normal password keeps working "
                "on the website.");
      return GTK_WIDGET (self->password_row);
    case SATCHEL_SMTP_ERROR_AUTH_UNAVAILABLE:
      return GTK_WIDGET (self->mechanism_row);
    default:
      return NULL;
    }
}

static void
show_transcript (SatchelAccountSetup *self,
                 Verification        *verification)
{
  g_autofree char *text = NULL;

  g_mutex_lock (&verification->mutex);
  text = g_strdup (verification->transcript->str);
  g_mutex_unlock (&verification->mutex);

  g_strchomp (text);
  gtk_label_set_text (self->transcript_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->transcript_expander), *text != '\0');
}

static void
on_certificate_response (AdwMessageDialog    *dialog,
                         const char          *response,
                         SatchelAccountSetup *self)
{
  if (self->closed || g_strcmp0 (response, "trust") != 0)
    return;

  /* Only this exact certificate, only for this account. */
  satchel_account_set_trust_fingerprint (self->base,
                                         satchel_certificate_dialog_get_fingerprint (SATCHEL_CERTIFICATE_DIALOG (dialog)));
  start_verification (self, self->save_after_verify);
}

static void
show_certificate_dialog (SatchelAccountSetup       *self,
                         SatchelAccount            *account,
                         const SatchelVerifyReport *report)
{
  GtkWindow *dialog;

  dialog = satchel_certificate_dialog_new (GTK_WINDOW (self),
                                           satchel_account_get_host (account),
                                           satchel_account_get_port (account),
                                           report->certificate,
                                           report->certificate_errors,
                                           report->pin_mismatch
                                           ? satchel_account_get_trust_fingerprint (account)
                                           : NULL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_certificate_response),
                           self, G_CONNECT_DEFAULT);
  keep_parent_alive (dialog, self);
  gtk_window_present (dialog);
}

static void
show_failure (SatchelAccountSetup       *self,
              const GError              *error,
              const SatchelVerifyReport *report,
              SatchelAccount            *account)
{
  const char *hint = NULL;
  GtkWidget *field;

  gtk_widget_set_visible (self->save_unverified_button, TRUE);

  /* The engine's words name the command line's options; here the
   * dialog offers the same choice. */
  if (g_error_matches (error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_CERTIFICATE) &&
      report != NULL && report->certificate != NULL)
    {
      show_message (self, MESSAGE_ERROR,
                    report->pin_mismatch
                    ? _("The server presented a different certificate from the one "
                        "this account trusts.")
                    : _("The server’s certificate is not trusted."),
                    _("Look at it in the dialog: trust it only if you expected it, "
                      "for example for a server of your own."));
      show_certificate_dialog (self, account, report);
      return;
    }

  field = field_for_error (self, error, report != NULL ? report->failed_step : SATCHEL_SMTP_STEP_CONNECT,
                           &hint);
  show_message (self, MESSAGE_ERROR, error->message, hint);
  focus_field (self, field);
}

/* Verification -------------------------------------------------------- */

static void save_account (SatchelAccountSetup *self);

/* What verification learned goes with the account. */
static void
learn_from_report (SatchelAccountSetup       *self,
                   const SatchelVerifyReport *report)
{
  if (report->size_limit > 0)
    satchel_account_set_size_limit (self->base, report->size_limit);
  if (report->mechanisms != NULL)
    satchel_account_set_server_mechanisms (self->base,
                                           (const char * const *) report->mechanisms);
}

static void
on_verified (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Verification) verification = user_data;
  g_autoptr(SatchelAccountSetup) self = NULL;
  g_autoptr(GError) error = NULL;
  const SatchelVerifyReport *report;
  gboolean ok;

  ok = satchel_sender_verify_finish (result, &error);
  report = satchel_sender_verify_get_report (result);

  self = verification_get_window (verification);
  if (self == NULL)
    return;

  self->verifying = FALSE;
  update_actions (self);
  show_transcript (self, verification);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      reset_steps (self);
      return;
    }

  if (report != NULL)
    learn_from_report (self, report);

  if (!ok)
    {
      finish_steps_failure (self, error, report);
      show_failure (self, error, report, verification->account);
      return;
    }

  finish_steps_success (self, report, verification->account);
  /* The local part worked where the address did not: keep it. */
  if (report != NULL && report->username != NULL &&
      g_strcmp0 (report->username, row_text (self->username_row)) != 0)
    {
      fill_text (self, self->username_row, report->username);
      self->edited |= FIELD_USERNAME;
    }
  self->verified = TRUE;
  hide_message (self);

  if (self->save_after_verify)
    save_account (self);
}

static void
start_verification (SatchelAccountSetup *self,
                    gboolean             save_after)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  Verification *verification;
  GtkWidget *focus = NULL;

  if (self->verifying || self->saving)
    return;

  clear_field_errors (self);
  hide_message (self);
  account = build_account (self, &focus, &error);
  if (account == NULL)
    {
      show_message (self, MESSAGE_ERROR, error->message, NULL);
      focus_field (self, focus);
      return;
    }
  if (!self->editing && *row_text (self->password_row) == '\0' &&
      satchel_account_get_password_command (account) == NULL)
    {
      show_message (self, MESSAGE_ERROR, _("Type the password of your email account."), NULL);
      focus_field (self, GTK_WIDGET (self->password_row));
      return;
    }

  verification = g_atomic_rc_box_new0 (Verification);
  g_weak_ref_init (&verification->self, self);
  verification->serial = ++self->verify_serial;
  verification->context = g_main_context_ref_thread_default ();
  verification->account = g_steal_pointer (&account);
  verification->password = dup_password (self);
  g_mutex_init (&verification->mutex);
  verification->transcript = g_string_new (NULL);
  verification->hooks.step = on_worker_step;
  verification->hooks.transcript = on_worker_transcript;
  verification->hooks.user_data = verification;
  verification->hooks.password = verification->password;
  verification->hooks.try_local_part = TRUE;

  self->verifying = TRUE;
  self->save_after_verify = save_after;
  update_actions (self);
  reset_steps (self);
  gtk_widget_set_visible (GTK_WIDGET (self->verify_group), TRUE);
  /* The steps are at the top of the page: in view, and screen readers
   * follow them. */
  scroll_to_top (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->step_rows[STEP_ROW_RESOLVE]));

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  satchel_sender_verify_async (verification->account, &verification->hooks,
                               self->cancellable, on_verified, verification);
}

/* Saving -------------------------------------------------------------- */

typedef struct
{
  SatchelAccount *account;
  char           *password;
} PasswordData;

static void
password_data_free (gpointer data)
{
  PasswordData *password_data = data;

  g_clear_object (&password_data->account);
  wipe_password (password_data->password);
  g_free (password_data);
}

static void
store_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PasswordData *data = task_data;
  GError *error = NULL;

  /* The keyring may be slow, locked or missing: never on the main loop. */
  if (satchel_secret_store_sync (data->account, data->password, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
finish_saving (SatchelAccountSetup *self,
               SatchelAccount      *account,
               const GError        *keyring_error)
{
  g_autofree char *saved = NULL;

  self->saving = FALSE;
  g_signal_emit (self, signals[SAVED], 0, account);
  if (self->closed)
    return;

  update_actions (self);
  if (keyring_error == NULL)
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* The account works without the keyring: sending asks each time. */
  saved = g_strdup_printf (_("The account “%s” is saved without its password. Satchel "
                             "will ask for the password when you send."),
                           satchel_account_get_name (account));
  show_message (self, MESSAGE_WARNING, saved, keyring_error->message);
  gtk_widget_set_visible (self->save_unverified_button, FALSE);
  /* Nothing is left to cancel. */
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->main_button), _("_Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->main_button), "window.close");
  /* Focus first: a focused entry made insensitive loses it badly. */
  gtk_widget_grab_focus (self->main_button);
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), FALSE);
}

static void
on_password_stored (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (source);
  PasswordData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  finish_saving (self, data->account, error);
}

static void
save_account (SatchelAccountSetup *self)
{
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  SatchelAccountStore *store;
  GtkWidget *focus = NULL;
  PasswordData *data;
  gboolean ok;

  if (self->verifying || self->saving)
    return;

  clear_field_errors (self);
  account = build_account (self, &focus, &error);
  if (account == NULL)
    {
      show_message (self, MESSAGE_ERROR, error->message, NULL);
      focus_field (self, focus);
      return;
    }

  store = satchel_context_get_accounts (satchel_application_get_context (self->application));
  if (self->editing)
    ok = satchel_account_store_update (store, account, &error);
  else
    ok = satchel_account_store_add (store, account, &error);
  if (!ok)
    {
      show_message (self, MESSAGE_ERROR, error->message, NULL);
      if (g_error_matches (error, SATCHEL_ACCOUNT_ERROR, SATCHEL_ACCOUNT_ERROR_EXISTS))
        focus_field (self, GTK_WIDGET (self->name_row));
      return;
    }

  self->saving = TRUE;
  update_actions (self);

  /* An empty field keeps the stored password (edit mode); a password
   * command replaces the keyring. */
  if (*row_text (self->password_row) == '\0' ||
      satchel_account_get_password_command (account) != NULL)
    {
      finish_saving (self, account, NULL);
      return;
    }

  data = g_new0 (PasswordData, 1);
  data->account = satchel_account_copy (account);
  data->password = dup_password (self);
  task = g_task_new (self, NULL, on_password_stored, NULL);
  g_task_set_source_tag (task, save_account);
  g_task_set_task_data (task, data, password_data_free);
  g_task_run_in_thread (task, store_password_thread);
}

static void
on_save_unverified_response (AdwMessageDialog    *dialog,
                             const char          *response,
                             SatchelAccountSetup *self)
{
  if (!self->closed && g_strcmp0 (response, "save") == 0)
    save_account (self);
}

/* Discovery ----------------------------------------------------------- */

static void
cancel_discovery (SatchelAccountSetup *self)
{
  g_clear_handle_id (&self->discovery_timeout_id, g_source_remove);
  if (self->discovery_cancellable != NULL)
    {
      g_cancellable_cancel (self->discovery_cancellable);
      g_clear_object (&self->discovery_cancellable);
    }
  gtk_spinner_set_spinning (self->discovery_spinner, FALSE);
}

static void
on_discovered (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GCancellable) cancellable = user_data;
  /* The cancellable keeps the window alive until this runs. */
  SatchelAccountSetup *self = g_object_get_data (G_OBJECT (cancellable), "window");
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  SatchelAutoconfigCandidate *best;
  const char *domain;

  candidates = satchel_autoconfig_discover_finish (result, &error);
  /* A discovery for an address since changed, or a closed window. */
  if (self == NULL || self->closed || cancellable != self->discovery_cancellable)
    return;

  gtk_spinner_set_spinning (self->discovery_spinner, FALSE);
  g_clear_object (&self->discovery_cancellable);
  if (candidates == NULL)
    {
      adw_preferences_group_set_description (self->server_group, error->message);
      return;
    }

  domain = strrchr (self->discovered_for, '@');
  domain = domain != NULL ? domain + 1 : self->discovered_for;
  if (candidates->len == 0)
    {
      /* Translators: %s is the domain of the address, "example.com". */
      description = g_strdup_printf (_("No server answered for %s. Type the server "
                                       "settings your provider gives."), domain);
      adw_preferences_group_set_description (self->server_group, description);
      return;
    }

  best = candidates->pdata[0];
  if ((self->edited & FIELD_HOST) == 0)
    fill_text (self, self->host_row, best->host);
  if ((self->edited & FIELD_SECURITY) == 0)
    fill_security (self, best->security);
  if ((self->edited & FIELD_PORT) == 0)
    fill_port (self, best->port);
  invalidate (self);

  if (best->source == SATCHEL_AUTOCONFIG_SOURCE_SRV)
    /* Translators: the first %s is a domain, the second a host name. */
    description = g_strdup_printf (_("Found in the DNS records of %s: %s, port %u."),
                                   domain, best->host, best->port);
  else
    /* Translators: %s is a host name. */
    description = g_strdup_printf (_("Found by trying %s: it answered on port %u."),
                                   best->host, best->port);
  if ((self->edited & (FIELD_HOST | FIELD_PORT | FIELD_SECURITY)) != 0)
    {
      g_autofree char *kept = g_strconcat (description, " ",
                                           _("What you changed by hand is kept."), NULL);

      g_free (description);
      description = g_steal_pointer (&kept);
    }
  adw_preferences_group_set_description (self->server_group, description);
}

static void
start_discovery (SatchelAccountSetup *self)
{
  g_autoptr(SatchelAddress) parsed = NULL;
  g_autofree char *address = dup_stripped (self->address_row);
  g_autofree char *description = NULL;

  g_clear_handle_id (&self->discovery_timeout_id, g_source_remove);
  /* An account being edited keeps its server unless the user changes it. */
  if (self->editing || self->closed)
    return;
  parsed = satchel_address_parse (address, NULL);
  if (parsed == NULL || g_strcmp0 (address, self->discovered_for) == 0)
    return;

  cancel_discovery (self);
  g_free (self->discovered_for);
  self->discovered_for = g_steal_pointer (&address);
  self->discovery_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self->discovery_cancellable), "window",
                          g_object_ref (self), g_object_unref);
  gtk_spinner_set_spinning (self->discovery_spinner, TRUE);
  /* Translators: %s is the domain of the address, "example.com". */
  description = g_strdup_printf (_("Looking for the server of %s…"), parsed->domain);
  adw_preferences_group_set_description (self->server_group, description);

  satchel_autoconfig_discover_async (self->discovered_for, self->resolver,
                                     self->probe_timeout_ms, self->discovery_cancellable,
                                     on_discovered, g_object_ref (self->discovery_cancellable));
}

static gboolean
on_discovery_timeout (gpointer user_data)
{
  SatchelAccountSetup *self = user_data;

  self->discovery_timeout_id = 0;
  start_discovery (self);
  return G_SOURCE_REMOVE;
}

/* Callbacks ----------------------------------------------------------- */

static void
on_address_changed (SatchelAccountSetup *self)
{
  const char *address = row_text (self->address_row);

  if (self->filling > 0)
    return;

  invalidate (self);
  set_field_error (GTK_WIDGET (self->address_row), FALSE);
  /* The name and the user name follow the address until changed. */
  if (!self->editing && (self->edited & FIELD_NAME) == 0)
    fill_text (self, self->name_row, address);
  if ((self->edited & FIELD_USERNAME) == 0)
    fill_text (self, self->username_row, address);

  /* A discovery for the old address is of no use any more. */
  cancel_discovery (self);
  g_clear_pointer (&self->discovered_for, g_free);
  if (!self->editing)
    self->discovery_timeout_id = g_timeout_add (DISCOVERY_DELAY_MS, on_discovery_timeout, self);
}

static void
on_address_activated (SatchelAccountSetup *self)
{
  start_discovery (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

/* The user changed @field by hand: nothing fills it any more, its
 * error mark goes, and (for server settings) what was verified no
 * longer holds. FALSE when it was the window filling it. */
static gboolean
note_edit (SatchelAccountSetup *self,
           Field                field,
           gpointer             row)
{
  if (self->filling > 0)
    return FALSE;
  self->edited |= field;
  set_field_error (GTK_WIDGET (row), FALSE);
  if (field != FIELD_NAME)
    invalidate (self);
  return TRUE;
}

static void
on_name_changed (SatchelAccountSetup *self)
{
  note_edit (self, FIELD_NAME, self->name_row);
}

static void
on_host_changed (SatchelAccountSetup *self)
{
  note_edit (self, FIELD_HOST, self->host_row);
}

static void
on_port_changed (SatchelAccountSetup *self)
{
  note_edit (self, FIELD_PORT, self->port_row);
}

static void
on_security_changed (SatchelAccountSetup *self)
{
  update_security_subtitle (self);
  /* The usual port of the new security, unless one was chosen. */
  if (note_edit (self, FIELD_SECURITY, self->security_row) && (self->edited & FIELD_PORT) == 0)
    fill_port (self, satchel_security_default_port (get_security (self)));
}

static void
on_username_changed (SatchelAccountSetup *self)
{
  note_edit (self, FIELD_USERNAME, self->username_row);
}

static void
on_server_field_changed (SatchelAccountSetup *self)
{
  if (self->filling > 0)
    return;
  set_field_error (GTK_WIDGET (self->password_row), FALSE);
  set_field_error (GTK_WIDGET (self->mechanism_row), FALSE);
  set_field_error (GTK_WIDGET (self->password_command_row), FALSE);
  invalidate (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (widget);

  if (self->verified)
    save_account (self);
  else
    start_verification (self, TRUE);
}

static void
save_unverified_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Without Verifying?"),
                                   _("Satchel could not check that it can send mail "
                                     "with these settings. Messages you send may wait "
                                     "in the outbox until the settings are right. You "
                                     "can change them later in Preferences."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save Anyway"),
                                    NULL);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_save_unverified_response),
                           self, G_CONNECT_DEFAULT);
  keep_parent_alive (GTK_WINDOW (dialog), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_close_request (GtkWindow *window)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (window);

  /* Stops every lookup, probe and connection at once. A password being
   * stored is left to finish: the account is already saved. */
  self->closed = TRUE;
  cancel_discovery (self);
  g_cancellable_cancel (self->cancellable);
  return FALSE;
}

/* Construction -------------------------------------------------------- */

static void
build_step_rows (SatchelAccountSetup *self)
{
  const char *titles[N_STEP_ROWS] = {
    _("Looking up the server"),
    _("Connecting"),
    _("Securing the connection (TLS)"),
    _("Greeting the server (EHLO)"),
    _("Signing in"),
    _("Done"),
  };
  const struct
  {
    const char *icon;
    const char *style;
    const char *label;
  } states[N_STEP_STATES] = {
    { "content-loading-symbolic", "dim-label", N_("Waiting") },
    { NULL, NULL, N_("In progress") },
    { "object-select-symbolic", "success", N_("Done") },
    { "dialog-error-symbolic", "error", N_("Failed") },
    { "list-remove-symbolic", "dim-label", N_("Not needed") },
  };

  for (guint i = 0; i < N_STEP_ROWS; i++)
    {
      GtkStack *stack = GTK_STACK (gtk_stack_new ());

      for (guint s = 0; s < N_STEP_STATES; s++)
        {
          GtkWidget *child;

          if (states[s].icon != NULL)
            child = gtk_image_new_from_icon_name (states[s].icon);
          else
            child = gtk_spinner_new ();
          if (states[s].style != NULL)
            gtk_widget_add_css_class (child, states[s].style);
          gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, _(states[s].label),
                                          -1);
          gtk_stack_add_named (stack, child, step_state_names[s]);
        }
      gtk_widget_set_valign (GTK_WIDGET (stack), GTK_ALIGN_CENTER);

      self->step_rows[i] = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->step_rows[i]), titles[i]);
      adw_action_row_add_prefix (self->step_rows[i], GTK_WIDGET (stack));
      self->step_states[i] = stack;
      adw_preferences_group_add (self->verify_group, GTK_WIDGET (self->step_rows[i]));
    }
  reset_steps (self);
}

static void
fill_from_account (SatchelAccountSetup *self,
                   SatchelAccount      *account)
{
  const char *mechanism = satchel_account_get_auth_mechanism (account);

  fill_text (self, self->address_row, satchel_account_get_address (account));
  fill_text (self, self->display_name_row, satchel_account_get_display_name (account));
  fill_text (self, self->name_row, satchel_account_get_name (account));
  fill_text (self, self->host_row, satchel_account_get_host (account));
  fill_port (self, satchel_account_get_port (account));
  fill_security (self, satchel_account_get_security (account));
  fill_text (self, self->username_row, satchel_account_get_username (account));
  fill_text (self, self->password_command_row, satchel_account_get_password_command (account));
  self->filling++;
  adw_combo_row_set_selected (self->mechanism_row, 0);
  for (guint i = 1; mechanism != NULL && i < G_N_ELEMENTS (mechanisms); i++)
    if (g_ascii_strcasecmp (mechanism, mechanisms[i]) == 0)
      adw_combo_row_set_selected (self->mechanism_row, i);
  gtk_switch_set_active (self->bcc_switch, satchel_account_get_bcc_self (account));
  gtk_switch_set_active (self->plaintext_switch, satchel_account_get_allow_plaintext_auth (account));
  self->filling--;

  /* What the account has is the user's choice: nothing overwrites it. */
  self->edited = FIELD_NAME | FIELD_HOST | FIELD_PORT | FIELD_SECURITY;
  if (g_strcmp0 (satchel_account_get_username (account), satchel_account_get_address (account)) != 0)
    self->edited |= FIELD_USERNAME;
  if (satchel_account_get_password_command (account) != NULL ||
      satchel_account_get_allow_plaintext_auth (account))
    adw_expander_row_set_expanded (self->advanced_row, TRUE);
}

static void
satchel_account_setup_dispose (GObject *object)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (object);

  self->closed = TRUE;
  g_clear_handle_id (&self->discovery_timeout_id, g_source_remove);
  if (self->discovery_cancellable != NULL)
    g_cancellable_cancel (self->discovery_cancellable);
  /* It holds a reference to the window while a discovery runs. */
  g_clear_object (&self->discovery_cancellable);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SATCHEL_TYPE_ACCOUNT_SETUP);

  G_OBJECT_CLASS (satchel_account_setup_parent_class)->dispose (object);
}

static void
satchel_account_setup_finalize (GObject *object)
{
  SatchelAccountSetup *self = SATCHEL_ACCOUNT_SETUP (object);

  g_clear_object (&self->application);
  g_clear_object (&self->base);
  g_clear_object (&self->resolver);
  g_clear_object (&self->discovery_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->discovered_for, g_free);

  G_OBJECT_CLASS (satchel_account_setup_parent_class)->finalize (object);
}

static void
satchel_account_setup_class_init (SatchelAccountSetupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = satchel_account_setup_dispose;
  object_class->finalize = satchel_account_setup_finalize;
  window_class->close_request = on_close_request;

  /**
   * SatchelAccountSetup::saved:
   * @account: (transfer none): the account as the store has it
   *
   * The account was saved (its password too, unless the keyring
   * refused it: the window then stays open and says so).
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SATCHEL_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/ui/satchel-account-setup.ui");
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, main_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, message_icon);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, message_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, hint_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, transcript_expander);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, transcript_label);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, save_unverified_button);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, page);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, server_group);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, verify_group);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, address_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, password_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, display_name_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, name_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, discovery_spinner);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, host_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, port_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, port_spin);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, security_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, username_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, mechanism_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, bcc_switch);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, advanced_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, password_command_row);
  gtk_widget_class_bind_template_child (widget_class, SatchelAccountSetup, plaintext_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_address_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_address_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_host_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_port_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_security_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_username_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_server_field_changed);

  gtk_widget_class_install_action (widget_class, "setup.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "setup.save-unverified", NULL,
                                   save_unverified_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
satchel_account_setup_init (SatchelAccountSetup *self)
{
  const char *real_name = g_get_real_name ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->probe_timeout_ms = SATCHEL_AUTOCONFIG_PROBE_TIMEOUT_MS;
  self->cancellable = g_cancellable_new ();
  build_step_rows (self);

  /* A new account: the person's name is a good guess. */
  if (g_strcmp0 (real_name, "Unknown") != 0)
    fill_text (self, self->display_name_row, real_name);
  fill_port (self, satchel_security_default_port (SATCHEL_SECURITY_TLS));
}

/* Public API ------------------------------------------------------------- */

GtkWindow *
satchel_account_setup_new (SatchelApplication *application,
                           SatchelAccount     *account)
{
  SatchelAccountSetup *self;

  g_return_val_if_fail (SATCHEL_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (account == NULL || SATCHEL_IS_ACCOUNT (account), NULL);

  self = g_object_new (SATCHEL_TYPE_ACCOUNT_SETUP, "application", application, NULL);
  self->application = g_object_ref (application);

  if (account != NULL)
    {
      self->editing = TRUE;
      self->base = satchel_account_copy (account);
      fill_from_account (self, account);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Account"));
      gtk_button_set_label (GTK_BUTTON (self->main_button), _("_Save"));
      /* The name is the account's key in accounts.ini and the outbox. */
      gtk_editable_set_editable (GTK_EDITABLE (self->name_row), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->password_row),
                                     _("Password (leave empty to keep the saved one)"));
      adw_preferences_group_set_description (self->server_group, NULL);
      gtk_widget_grab_focus (GTK_WIDGET (self->host_row));
    }
  else
    {
      self->base = satchel_account_new ("");
      gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
    }

  return GTK_WINDOW (self);
}

static void
open_add_account (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (application);
  GtkWindow *window = satchel_account_setup_new (SATCHEL_APPLICATION (application), NULL);

  gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

void
satchel_account_setup_install_action (GtkApplication *application)
{
  const GActionEntry entries[] = {
    { .name = "add-account", .activate = open_add_account },
  };

  g_return_if_fail (GTK_IS_APPLICATION (application));

  g_action_map_add_action_entries (G_ACTION_MAP (application), entries,
                                   G_N_ELEMENTS (entries), application);
}

void
satchel_account_setup_set_resolver (SatchelAccountSetup *self,
                                    GResolver           *resolver,
                                    guint                probe_timeout_ms)
{
  g_return_if_fail (SATCHEL_IS_ACCOUNT_SETUP (self));
  g_return_if_fail (resolver == NULL || G_IS_RESOLVER (resolver));

  g_set_object (&self->resolver, resolver);
  self->probe_timeout_ms = probe_timeout_ms > 0 ? probe_timeout_ms
                                                : SATCHEL_AUTOCONFIG_PROBE_TIMEOUT_MS;
}
