/* test-account-setup.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "gui-testlib.h"
#include "satchel-account-setup.h"
#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-autoconfig-private.h"
#include "satchel-certificate-dialog.h"
#include "satchel-certificate.h"
#include "satchel-paths.h"
#include "satchel-secret.h"

/* Each wait gives up after this long: generous, for a loaded machine. */
#define WAIT_SECONDS 60

static SatchelApplication *application;
static char *certs_dir;

/* A resolver of our own ------------------------------------------------ */

/* _submissions._tcp.DOMAIN answers "localhost" on @port, and localhost
 * is loopback; everything else does not exist. No real DNS is asked. */
static GResolver *
test_resolver_new (const char *domain,
                   guint16     port)
{
  g_autoptr(GKeyFile) answers = g_key_file_new ();

  g_key_file_set_string (answers, "hosts", "localhost", "127.0.0.1");
  g_key_file_set_string (answers, "hosts", "127.0.0.1", "127.0.0.1");
  if (domain != NULL)
    {
      g_autofree char *name = g_strdup_printf ("_submissions._tcp.%s", domain);
      g_autofree char *record = g_strdup_printf ("0 0 %u localhost", port);

      g_key_file_set_string (answers, "srv", name, record);
    }
  return satchel_autoconfig_test_resolver_new (answers);
}

/* Runs the main loop until @done says so; fails after WAIT_SECONDS.
 * @what goes to the log first, to tell which wait failed. */
static void
wait_until (gboolean    (*done) (gpointer),
            gpointer     data,
            const char  *what)
{
  g_test_message ("waiting for %s", what);
  gui_test_wait_for (done, data, WAIT_SECONDS);
}

/* The scripted fault server ---------------------------------------- */

/* A TLS server presenting the self-signed certificate, with one user. */
static GuiTestServer *
tls_server_start (const char *user,
                  const char *password)
{
  g_autofree char *cert = g_build_filename (certs_dir, "untrusted.pem", NULL);
  g_autofree char *key = g_build_filename (certs_dir, "untrusted.key", NULL);
  g_autofree char *script = NULL;

  script = g_strdup_printf ("{\"security\": \"tls\", \"cert\": \"%s\", \"key\": \"%s\", "
                            "\"users\": {\"%s\": \"%s\"}}",
                            cert, key, user, password);
  return gui_test_server_start (script);
}

/* Driving the window ---------------------------------------------------- */

static SatchelApplication *
get_application (void)
{
  g_autoptr(GError) error = NULL;

  if (application != NULL)
    return application;

  /* Registered (so windows may join it) but never run: the tests
   * iterate the main context themselves. */
  application = satchel_application_new ();
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  return application;
}

static GtkWidget *
get_row (GtkWindow  *window,
         const char *title)
{
  GtkWidget *row = gui_test_find_row (GTK_WIDGET (window), title);

  if (row == NULL)
    g_error ("no row titled “%s”", title);
  return row;
}

/* The button labelled @label (mnemonic included), if it is visible. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_visible (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = find_button (root, label);

  if (button == NULL)
    g_error ("no visible button “%s”", label);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Every label's text under @widget, one per line. */
static void
collect_labels (GtkWidget *widget,
                GString   *text)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, text);
}

static char *
all_labels (GtkWidget *widget)
{
  GString *text = g_string_new (NULL);

  collect_labels (widget, text);
  return g_string_free (text, FALSE);
}

/* The message shown at the top of the window, or NULL. */
static char *
message_text (GtkWindow *window)
{
  GtkRevealer *revealer = GTK_REVEALER (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_REVEALER));

  g_assert_nonnull (revealer);
  if (!gtk_revealer_get_reveal_child (revealer))
    return NULL;
  return all_labels (gtk_revealer_get_child (revealer));
}

static gboolean
has_message (gpointer window)
{
  g_autofree char *text = message_text (window);

  return text != NULL;
}

static void
set_text (GtkWindow  *window,
          const char *title,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_row (window, title)), text);
}

static const char *
get_text (GtkWindow  *window,
          const char *title)
{
  return gtk_editable_get_text (GTK_EDITABLE (get_row (window, title)));
}

static GtkSpinButton *
port_spin (GtkWindow *window)
{
  return GTK_SPIN_BUTTON (gui_test_find_widget (get_row (window, "Port"), GTK_TYPE_SPIN_BUTTON));
}

/* TRUE when the keyboard focus is in @widget. */
static gboolean
focus_is_in (GtkWindow *window,
             GtkWidget *widget)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* The state a verification step shows: "waiting", "running", "done",
 * "failed" or "skipped". */
static const char *
step_state (GtkWindow  *window,
            const char *title)
{
  GtkWidget *stack = gui_test_find_widget (get_row (window, title), GTK_TYPE_STACK);

  g_assert_nonnull (stack);
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static gboolean
certificate_dialog_shown (gpointer data)
{
  return gui_test_find_dialog (NULL, SATCHEL_TYPE_CERTIFICATE_DIALOG) != NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

typedef struct
{
  SatchelAccount *account;
  gboolean        destroyed;
} Outcome;

static void
on_saved (GtkWindow      *window,
          SatchelAccount *account,
          Outcome        *outcome)
{
  g_assert_null (outcome->account);
  outcome->account = satchel_account_copy (account);
}

static void
on_destroyed (GtkWindow *window,
              Outcome   *outcome)
{
  outcome->destroyed = TRUE;
}

static gboolean
was_saved (gpointer data)
{
  return ((Outcome *) data)->account != NULL;
}

static gboolean
was_destroyed (gpointer data)
{
  return ((Outcome *) data)->destroyed;
}

static void
outcome_clear (Outcome *outcome)
{
  g_clear_object (&outcome->account);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Outcome, outcome_clear)

/* A new setup window that asks @resolver (or one that knows nothing). */
static GtkWindow *
open_setup (SatchelAccount *account,
            GResolver      *resolver,
            Outcome        *outcome)
{
  g_autoptr(GResolver) nothing = test_resolver_new (NULL, 0);
  GtkWindow *window = satchel_account_setup_new (get_application (), account);

  satchel_account_setup_set_resolver (SATCHEL_ACCOUNT_SETUP (window),
                                      resolver != NULL ? resolver : nothing, 3000);
  g_signal_connect (window, "saved", G_CALLBACK (on_saved), outcome);
  g_signal_connect (window, "destroy", G_CALLBACK (on_destroyed), outcome);
  gtk_window_present (window);
  wait_until (gui_test_is_mapped, window, "the window");
  return window;
}

/* Fills what a person types for a server on loopback. */
static void
fill_loopback (GtkWindow  *window,
               const char *address,
               const char *password,
               guint16     port)
{
  set_text (window, "Email Address", address);
  set_text (window, "Password", password);
  set_text (window, "SMTP Server", "127.0.0.1");
  gtk_spin_button_set_value (port_spin (window), port);
}

/* (transfer full) (nullable) the account as accounts.ini has it now. */
static SatchelAccount *
stored_account (const char *name)
{
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (satchel_account_store_load (store, &error));
  g_assert_no_error (error);
  return satchel_account_store_lookup (store, name);
}

/* (transfer full) a g_malloc() copy of what the keyring holds. */
static char *
stored_password (SatchelAccount *account)
{
  g_autoptr(GError) error = NULL;
  char *secret = satchel_secret_lookup_sync (account, NULL, &error);
  char *password;

  g_assert_no_error (error);
  password = g_strdup (secret);
  secret_password_free (secret);
  return password;
}

static char *
fingerprint_of (const char *name,
                gboolean    formatted)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.pem", certs_dir, name);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;

  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);
  hex = satchel_certificate_fingerprint (certificate);
  return formatted ? satchel_certificate_format_fingerprint (hex) : g_steal_pointer (&hex);
}

/* Answers the certificate dialog as a person would, by its button. */
static SatchelCertificateDialog *
wait_for_certificate_dialog (void)
{
  wait_until (certificate_dialog_shown, NULL, "the certificate dialog");
  return SATCHEL_CERTIFICATE_DIALOG (gui_test_find_dialog (NULL, SATCHEL_TYPE_CERTIFICATE_DIALOG));
}

static void
trust_certificate (void)
{
  SatchelCertificateDialog *dialog = wait_for_certificate_dialog ();

  click (GTK_WIDGET (dialog), "_Trust This Certificate for This Account");
}

/* A fingerprint is shown in lines of a few bytes each. */
static void
collect_labels_with_text (GtkWidget  *widget,
                          const char *text,
                          GPtrArray  *found)
{
  if (GTK_IS_LABEL (widget))
    {
      g_autofree char *shown = g_strdup (gtk_label_get_text (GTK_LABEL (widget)));

      if (g_strcmp0 (g_strdelimit (shown, "\n", ':'), text) == 0)
        g_ptr_array_add (found, widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels_with_text (child, text, found);
}

/* (transfer container) every label showing exactly @text, its lines
 * joined with colons. */
static GPtrArray *
find_labels (GtkWidget  *widget,
             const char *text)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_labels_with_text (widget, text, found);
  return found;
}

/* Tests ------------------------------------------------------------------ */

static void
reset_accounts (void)
{
  g_autofree char *path = satchel_paths_accounts_file ();

  g_assert_true (g_remove (path) == 0 || errno == ENOENT);
}

static void
test_empty (void)
{
  g_auto(Outcome) outcome = { 0 };
  GtkWindow *window;
  g_autofree char *message = NULL;

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  window = open_setup (NULL, NULL, &outcome);

  g_assert_cmpstr (gtk_window_get_title (window), ==, "Add Account");
  g_assert_nonnull (find_button (GTK_WIDGET (window), "_Add Account"));
  g_assert_true (focus_is_in (window, get_row (window, "Email Address")));
  g_assert_cmpstr (get_text (window, "SMTP Server"), ==, "");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port_spin (window)), ==, 465);
  /* The verification steps appear only once verification starts. */
  g_assert_false (gtk_widget_is_visible (get_row (window, "Signing in")));

  /* The account name and the user name follow the address... */
  set_text (window, "Email Address", "zoe@example.test");
  g_assert_cmpstr (get_text (window, "Account Name"), ==, "zoe@example.test");
  g_assert_cmpstr (get_text (window, "User Name"), ==, "zoe@example.test");
  /* ...until the user changes them. */
  set_text (window, "Account Name", "Zoë at home");
  set_text (window, "Email Address", "zoe@example.org");
  g_assert_cmpstr (get_text (window, "Account Name"), ==, "Zoë at home");
  g_assert_cmpstr (get_text (window, "User Name"), ==, "zoe@example.org");

  /* STARTTLS brings its port, unless one was chosen. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_row (window, "Security")), 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port_spin (window)), ==, 587);

  /* No server: said, and the cursor goes there. */
  set_text (window, "Password", "secret");
  click (GTK_WIDGET (window), "_Add Account");
  message = message_text (window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "host name of your provider’s SMTP server"));
  g_assert_true (focus_is_in (window, get_row (window, "SMTP Server")));
  g_assert_null (outcome.account);

  gtk_window_destroy (window);
  g_assert_true (outcome.destroyed);
}

typedef struct
{
  GtkWindow  *window;
  const char *title;
  const char *text;
} TextWait;

static gboolean
text_is (gpointer data)
{
  TextWait *wait = data;

  return g_strcmp0 (get_text (wait->window, wait->title), wait->text) == 0;
}

typedef struct
{
  GtkWindow *window;
  guint16    port;
} PortWait;

static gboolean
port_is (gpointer data)
{
  PortWait *wait = data;

  return gtk_spin_button_get_value_as_int (port_spin (wait->window)) == wait->port;
}

static void
test_discovery (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_auto(Outcome) outcome2 = { 0 };
  g_autoptr(GuiTestServer) server = NULL;
  g_autoptr(GResolver) resolver = NULL;
  const char *description;
  GtkWindow *window;
  TextWait wait;
  PortWait port_wait;

  if (!gui_test_have_display ())
    return;
  server = tls_server_start ("kim@example.test", "pass");
  resolver = test_resolver_new ("example.test", gui_test_server_port (server));

  /* The SRV record fills the server and its port; the security chosen
   * by hand stays, and the window says so. */
  window = open_setup (NULL, resolver, &outcome);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_row (window, "Security")), 1);
  set_text (window, "Email Address", "kim@example.test");
  wait = (TextWait) { window, "SMTP Server", "localhost" };
  wait_until (text_is, &wait, "discovery to fill the server");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (port_spin (window)), ==,
                   gui_test_server_port (server));
  description = adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (
    gtk_widget_get_ancestor (get_row (window, "SMTP Server"), ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_nonnull (strstr (description, "DNS records of example.test"));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_row (window, "Security"))), ==, 1);
  g_assert_nonnull (strstr (description, "changed by hand is kept"));
  gtk_window_destroy (window);

  /* A server typed by hand stays; the port and implicit TLS (what
   * _submissions announces) are filled. */
  window = open_setup (NULL, resolver, &outcome2);
  set_text (window, "SMTP Server", "smtp.mine.test");
  set_text (window, "Email Address", "kim@example.test");
  /* Enter in the address looks at once and moves on to the password. */
  g_signal_emit_by_name (get_row (window, "Email Address"), "entry-activated");
  g_assert_true (focus_is_in (window, get_row (window, "Password")));
  port_wait = (PortWait) { window, gui_test_server_port (server) };
  wait_until (port_is, &port_wait, "discovery to fill the port");
  g_assert_cmpstr (get_text (window, "SMTP Server"), ==, "smtp.mine.test");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_row (window, "Security"))), ==, 0);
  gtk_window_destroy (window);
}

static void
test_trust_and_save (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(GuiTestServer) server = NULL;
  g_autoptr(SatchelAccount) stored = NULL;
  g_autofree char *expected_pin = fingerprint_of ("untrusted", FALSE);
  g_autofree char *expected_shown = fingerprint_of ("untrusted", TRUE);
  g_autofree char *password = NULL;
  g_autofree char *dialog_text = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GPtrArray) fingerprint_labels = NULL;
  SatchelCertificateDialog *dialog;
  const char * const *mechanisms;
  GtkWindow *window;

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  server = tls_server_start ("ann@example.test", "right horse battery");
  window = open_setup (NULL, NULL, &outcome);
  fill_loopback (window, "ann@example.test", "right horse battery",
                 gui_test_server_port (server));
  set_text (window, "Your Name", "Ann Lee");
  gtk_switch_set_active (GTK_SWITCH (gui_test_find_widget (get_row (window, "_Bcc Myself"), GTK_TYPE_SWITCH)),
                         TRUE);
  click (GTK_WIDGET (window), "_Add Account");

  /* A self-signed certificate: the dialog shows what it is, with its
   * fingerprint, and the step that failed says so. */
  dialog = wait_for_certificate_dialog ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  g_assert_cmpstr (satchel_certificate_dialog_get_fingerprint (dialog), ==, expected_pin);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Untrusted Certificate");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "“127.0.0.1”"));
  dialog_text = all_labels (GTK_WIDGET (dialog));
  fingerprint_labels = find_labels (GTK_WIDGET (dialog), expected_shown);
  g_assert_cmpuint (fingerprint_labels->len, ==, 1);
  g_assert_true (gtk_label_get_selectable (fingerprint_labels->pdata[0]));
  g_assert_nonnull (strstr (dialog_text, "CN=localhost"));
  g_assert_nonnull (strstr (dialog_text, "It is self-signed or issued by an unknown certificate authority."));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "cancel");
  g_assert_cmpstr (step_state (window, "Securing the connection (TLS)"), ==, "failed");
  g_assert_cmpstr (step_state (window, "Signing in"), ==, "waiting");
  message = message_text (window);
  g_assert_nonnull (message);

  /* Trust: verified again with the pin, then saved, then closed. */
  trust_certificate ();
  wait_until (was_saved, &outcome, "the account to be saved");
  wait_until (was_destroyed, &outcome, "the window to close");

  stored = stored_account ("ann@example.test");
  g_assert_nonnull (stored);
  g_assert_cmpstr (satchel_account_get_trust_fingerprint (stored), ==, expected_pin);
  g_assert_cmpstr (satchel_account_get_host (stored), ==, "127.0.0.1");
  g_assert_cmpuint (satchel_account_get_port (stored), ==, gui_test_server_port (server));
  g_assert_cmpint (satchel_account_get_security (stored), ==, SATCHEL_SECURITY_TLS);
  g_assert_cmpstr (satchel_account_get_display_name (stored), ==, "Ann Lee");
  g_assert_true (satchel_account_get_bcc_self (stored));
  /* What the server said it takes, for the compose window. */
  g_assert_cmpuint (satchel_account_get_size_limit (stored), ==, 104857600);
  mechanisms = satchel_account_get_server_mechanisms (stored);
  g_assert_nonnull (mechanisms);
  g_assert_true (g_strv_contains (mechanisms, "PLAIN"));
  g_assert_cmpstr (satchel_account_get_id (stored), ==, satchel_account_get_id (outcome.account));

  password = stored_password (stored);
  g_assert_cmpstr (password, ==, "right horse battery");
  g_assert_true (satchel_secret_clear_sync (stored, NULL, NULL));
}

static void
test_wrong_password (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(GuiTestServer) server = NULL;
  g_autofree char *message = NULL;
  const char *transcript;
  GtkWidget *expander;
  GtkWindow *window;

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  server = tls_server_start ("bob@example.test", "the right one");
  window = open_setup (NULL, NULL, &outcome);
  fill_loopback (window, "bob@example.test", "a wrong one", gui_test_server_port (server));
  click (GTK_WIDGET (window), "_Add Account");
  trust_certificate ();
  wait_until (has_message, window, "the failure");

  /* The server's words, what to do, and the cursor in the password. */
  message = message_text (window);
  g_assert_nonnull (strstr (message, "Authentication credentials invalid"));
  g_assert_nonnull (strstr (message, "Check the user name and password"));
  g_assert_true (focus_is_in (window, get_row (window, "Password")));
  g_assert_true (gtk_widget_has_css_class (get_row (window, "User Name"), "error"));
  g_assert_cmpstr (step_state (window, "Securing the connection (TLS)"), ==, "done");
  g_assert_cmpstr (step_state (window, "Signing in"), ==, "failed");
  g_assert_nonnull (find_button (GTK_WIDGET (window), "Save _Without Verifying…"));
  /* The conversation is there to see, without the password. */
  expander = gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_EXPANDER);
  g_assert_true (gtk_widget_get_visible (expander));
  transcript = gtk_label_get_text (GTK_LABEL (gui_test_find_widget (gtk_expander_get_child (GTK_EXPANDER (expander)),
                                                         GTK_TYPE_LABEL)));
  g_assert_nonnull (strstr (transcript, "C: AUTH"));
  g_assert_nonnull (strstr (transcript, "S: 535"));
  g_assert_null (strstr (transcript, "a wrong one"));
  /* Nor its base64 forms, as AUTH LOGIN and AUTH PLAIN send it. */
  g_assert_null (strstr (transcript, "YSB3cm9uZyBvbmU"));
  g_assert_null (strstr (transcript, "AGJvYkBleGFtcGxlLnRlc3QAYSB3cm9uZyBvbmU"));
  g_assert_null (strstr (transcript, "AGJvYgBhIHdyb25nIG9uZQ"));
  g_assert_null (outcome.account);
  g_assert_null (stored_account ("bob@example.test"));

  gtk_window_destroy (window);
}

/* Each failure its own message, and the cursor in the field to fix. */
static void
test_failures_focus_the_field (void)
{
  const struct
  {
    const char *script;          /* after the certificate, for TLS servers */
    const char *host;            /* NULL: the server's, 127.0.0.1 */
    gboolean    tls;
    guint       security;        /* the Security row's choice */
    const char *message;         /* in the message shown */
    const char *field;           /* the row with the cursor */
    const char *failed_step;
  } cases[] = {
    /* .invalid never resolves (RFC 6761), online or not. */
    { "\"security\": \"none\"", "nothere.invalid", FALSE, 0, "was not found", "SMTP Server",
      "Looking up the server" },
    { "\"security\": \"none\"", NULL, FALSE, 1, "STARTTLS", "Security",
      "Securing the connection (TLS)" },
    { "\"auth_tls\": [\"GSSAPI\"]", NULL, TRUE, 0, "GSSAPI", "Authentication", "Signing in" },
    { "\"at\": {\"auth\": \"534 5.7.9 Application-specific password required\"}", NULL, TRUE, 0,
      "authorization code", "Password", "Signing in" },
  };

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Outcome) outcome = { 0 };
      g_autoptr(GuiTestServer) server = NULL;
      g_autofree char *cert = g_build_filename (certs_dir, "untrusted.pem", NULL);
      g_autofree char *key = g_build_filename (certs_dir, "untrusted.key", NULL);
      g_autofree char *script = NULL;
      g_autofree char *message = NULL;
      GtkWindow *window;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].script);
      if (cases[i].tls)
        script = g_strdup_printf ("{\"security\": \"tls\", \"cert\": \"%s\", \"key\": \"%s\", "
                                  "\"users\": {\"gus@example.test\": \"pw\"}, %s}",
                                  cert, key, cases[i].script);
      else
        script = g_strdup_printf ("{%s}", cases[i].script);
      server = gui_test_server_start (script);

      window = open_setup (NULL, NULL, &outcome);
      adw_combo_row_set_selected (ADW_COMBO_ROW (get_row (window, "Security")), cases[i].security);
      fill_loopback (window, "gus@example.test", "pw", gui_test_server_port (server));
      if (cases[i].host != NULL)
        set_text (window, "SMTP Server", cases[i].host);
      click (GTK_WIDGET (window), "_Add Account");
      if (cases[i].tls)
        trust_certificate ();
      wait_until (has_message, window, "the failure");

      message = message_text (window);
      if (strstr (message, cases[i].message) == NULL)
        g_error ("“%s” not in the message: %s", cases[i].message, message);
      g_assert_true (focus_is_in (window, get_row (window, cases[i].field)));
      g_assert_true (gtk_widget_has_css_class (get_row (window, cases[i].field), "error"));
      g_assert_cmpstr (step_state (window, cases[i].failed_step), ==, "failed");
      g_assert_null (outcome.account);
      gtk_window_destroy (window);
    }
}

/* Answers "Save Without Verifying?" with its Save Anyway button. */
static void
confirm_saving_anyway (void)
{
  AdwMessageDialog *confirm;

  wait_until (message_dialog_shown, NULL, "the confirmation");
  confirm = ADW_MESSAGE_DIALOG (gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, "Save Without Verifying?");
  g_assert_cmpstr (adw_message_dialog_get_default_response (confirm), ==, "cancel");
  click (GTK_WIDGET (confirm), "_Save Anyway");
}

/* Saves without verifying as a person does after a failure: the button
 * next to the message, then the confirmation. */
static void
save_without_verifying (GtkWindow *window)
{
  click (GTK_WIDGET (window), "Save _Without Verifying…");
  confirm_saving_anyway ();
}

/* The same through the window's action, with no failure before. */
static void
save_unverified_now (GtkWindow *window)
{
  gtk_widget_activate_action (GTK_WIDGET (window), "setup.save-unverified", NULL);
  confirm_saving_anyway ();
}

static void
test_refused_then_save_unverified (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(SatchelAccount) stored = NULL;
  g_autofree char *message = NULL;
  g_autofree char *password = NULL;
  GtkWindow *window;
  guint16 port = gui_test_closed_port ();

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  window = open_setup (NULL, NULL, &outcome);
  fill_loopback (window, "cy@example.test", "cy's password", port);
  set_text (window, "Account Name", "Cy");
  click (GTK_WIDGET (window), "_Add Account");
  wait_until (has_message, window, "the failure");

  /* Nothing listens there: the port is where to look. */
  message = message_text (window);
  g_assert_nonnull (strstr (message, "refused"));
  g_assert_nonnull (strstr (message, "Check the host name and port"));
  g_assert_true (focus_is_in (window, get_row (window, "Port")));
  g_assert_cmpstr (step_state (window, "Connecting"), ==, "failed");
  g_assert_null (outcome.account);

  /* Saving anyway takes an explicit choice; then the window closes. */
  save_without_verifying (window);
  wait_until (was_saved, &outcome, "the account to be saved");
  wait_until (was_destroyed, &outcome, "the window to close");
  stored = stored_account ("Cy");
  g_assert_nonnull (stored);
  g_assert_cmpstr (satchel_account_get_address (stored), ==, "cy@example.test");
  g_assert_cmpuint (satchel_account_get_port (stored), ==, port);
  g_assert_null (satchel_account_get_trust_fingerprint (stored));
  password = stored_password (stored);
  g_assert_cmpstr (password, ==, "cy's password");
  g_assert_true (satchel_secret_clear_sync (stored, NULL, NULL));
}

static void
test_name_taken (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) existing = satchel_account_new ("work");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  GtkWindow *window;

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  satchel_account_set_address (existing, "dee@example.test");
  satchel_account_set_host (existing, "smtp.example.test");
  g_assert_true (satchel_account_store_add (store, existing, &error));
  g_assert_no_error (error);

  window = open_setup (NULL, NULL, &outcome);
  fill_loopback (window, "dee@example.org", "pw", gui_test_closed_port ());
  set_text (window, "Account Name", "work");
  save_unverified_now (window);
  wait_until (has_message, window, "the error");

  message = message_text (window);
  g_assert_nonnull (strstr (message, "An account named “work” exists already"));
  g_assert_true (focus_is_in (window, get_row (window, "Account Name")));
  g_assert_null (outcome.account);
  gtk_window_destroy (window);
}

static void
test_edit (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) existing = satchel_account_new ("home");
  g_autoptr(SatchelAccount) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  GtkWindow *window;

  if (!gui_test_have_display ())
    return;
  reset_accounts ();
  satchel_account_set_address (existing, "eve@example.test");
  satchel_account_set_host (existing, "smtp.example.test");
  satchel_account_set_signature (existing, "Eve");
  g_assert_true (satchel_account_store_add (store, existing, &error));
  g_assert_no_error (error);
  g_assert_true (satchel_secret_store_sync (existing, "kept password", NULL, &error));
  g_assert_no_error (error);

  window = open_setup (existing, NULL, &outcome);
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Edit Account");
  g_assert_nonnull (find_button (GTK_WIDGET (window), "_Save"));
  g_assert_cmpstr (get_text (window, "SMTP Server"), ==, "smtp.example.test");
  /* The name is the account's key: shown, not editable. */
  g_assert_cmpstr (get_text (window, "Account Name"), ==, "home");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (get_row (window, "Account Name"))));
  g_assert_false (gtk_widget_is_sensitive (get_row (window, "Account Name")));
  g_assert_true (focus_is_in (window, get_row (window, "SMTP Server")));

  set_text (window, "SMTP Server", "mail.example.test");
  save_unverified_now (window);
  wait_until (was_saved, &outcome, "the account to be saved");
  wait_until (was_destroyed, &outcome, "the window to close");

  /* The new server, the rest as it was, and an empty password field
   * kept the stored password. */
  stored = stored_account ("home");
  g_assert_cmpstr (satchel_account_get_host (stored), ==, "mail.example.test");
  g_assert_cmpstr (satchel_account_get_signature (stored), ==, "Eve");
  g_assert_cmpstr (satchel_account_get_id (stored), ==, satchel_account_get_id (existing));
  password = stored_password (stored);
  g_assert_cmpstr (password, ==, "kept password");
  g_assert_true (satchel_secret_clear_sync (stored, NULL, NULL));
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             char            **out)
{
  *out = g_strdup (response);
}

static void
test_certificate_changed (void)
{
  g_autofree char *path = g_build_filename (certs_dir, "untrusted.pem", NULL);
  g_autofree char *old_pin = fingerprint_of ("good", FALSE);
  g_autofree char *old_shown = fingerprint_of ("good", TRUE);
  g_autofree char *new_shown = fingerprint_of ("untrusted", TRUE);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GPtrArray) old_labels = NULL;
  g_autoptr(GPtrArray) new_labels = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *old_label;
  GtkWidget *new_label = NULL;
  int old_column, old_row, new_column, new_row;

  if (!gui_test_have_display ())
    return;
  certificate = g_tls_certificate_new_from_file (path, &error);
  g_assert_no_error (error);

  dialog = ADW_MESSAGE_DIALOG (satchel_certificate_dialog_new (NULL, "localhost", 465, certificate,
                                                               G_TLS_CERTIFICATE_UNKNOWN_CA,
                                                               old_pin));
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), &response);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (gui_test_is_mapped, dialog, "the dialog");

  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Server’s Certificate Changed");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“localhost” (port 465)"));
  text = all_labels (GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (text, "Trusted before"));
  g_assert_nonnull (strstr (text, "Presented now"));
  /* Old and new side by side: one row of one grid, selectable. */
  old_labels = find_labels (GTK_WIDGET (dialog), old_shown);
  new_labels = find_labels (GTK_WIDGET (dialog), new_shown);
  g_assert_cmpuint (old_labels->len, ==, 1);
  old_label = old_labels->pdata[0];
  for (guint i = 0; i < new_labels->len; i++)
    if (gtk_widget_get_parent (new_labels->pdata[i]) == gtk_widget_get_parent (old_label))
      new_label = new_labels->pdata[i];
  g_assert_nonnull (new_label);
  g_assert_true (gtk_widget_is_visible (old_label));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (old_label)));
  gtk_grid_query_child (GTK_GRID (gtk_widget_get_parent (old_label)), old_label,
                        &old_column, &old_row, NULL, NULL);
  gtk_grid_query_child (GTK_GRID (gtk_widget_get_parent (old_label)), new_label,
                        &new_column, &new_row, NULL, NULL);
  g_assert_cmpint (old_row, ==, new_row);
  g_assert_cmpint (old_column, <, new_column);

  /* Cancel is the default, and what Escape or closing answers. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "trust"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  gtk_window_close (GTK_WINDOW (dialog));
  gui_test_spin (20);
  g_assert_cmpstr (response, ==, "cancel");
}

/* TRUE when a file under @dir holds @needle. */
static gboolean
tree_contains (const char *dir,
               const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &length, NULL) &&
               g_strstr_len (contents, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Runs in a subprocess whose session bus does not exist (main() points
 * it nowhere): no Secret Service at all. */
static void
keyring_missing_subprocess (void)
{
  g_auto(Outcome) outcome = { 0 };
  g_autoptr(SatchelAccount) stored = NULL;
  g_autofree char *message = NULL;
  GtkWindow *window;

  reset_accounts ();
  window = open_setup (NULL, NULL, &outcome);
  fill_loopback (window, "fay@example.test", "fay's unkept password", gui_test_closed_port ());
  save_unverified_now (window);
  wait_until (was_saved, &outcome, "the account to be saved");
  gui_test_spin (50);

  /* Saved, said so in the window, which stays open to say it. */
  stored = stored_account ("fay@example.test");
  g_assert_nonnull (stored);
  g_assert_false (outcome.destroyed);
  message = message_text (window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "saved without its password"));
  g_assert_nonnull (strstr (message, "ask for the password when you send"));
  g_assert_nonnull (strstr (message, "No keyring"));
  g_assert_nonnull (find_button (GTK_WIDGET (window), "_Close"));
  g_assert_null (find_button (GTK_WIDGET (window), "_Cancel"));
  /* Never written anywhere instead. */
  g_assert_false (tree_contains (g_get_home_dir (), "fay's unkept password"));

  click (GTK_WIDGET (window), "_Close");
  wait_until (was_destroyed, &outcome, "the window to close");
}

static void
test_keyring_missing (void)
{
  if (!gui_test_have_display ())
    return;
  if (g_test_subprocess ())
    {
      keyring_missing_subprocess ();
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) 2 * WAIT_SECONDS * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The fault server's test certificates, made once. */
static void
make_certificates (const char *home)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "integration",
                                                   "satchel_faultserver.py", NULL);
  g_autoptr(GError) error = NULL;
  int status;

  certs_dir = g_build_filename (home, "certs", NULL);
  g_spawn_sync (NULL,
                (char *[]) { (char *) "/usr/bin/python3", script, (char *) "--make-certs",
                             certs_dir, NULL },
                NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }
  g_remove (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int status;

  /* The keyring stays the session's (build-aux/headless starts one). */
  gui_test_init_env ("test-account-setup");
  home = g_strdup (g_getenv ("HOME"));

  g_test_init (&argc, &argv, NULL);
  /* Only the keyring test runs in a subprocess: give it no bus at all. */
  if (g_test_subprocess ())
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/satchel-test-bus", TRUE);

  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      get_application ();
      if (!g_test_subprocess ())
        make_certificates (home);
    }

  g_test_add_func ("/satchel/gui/account-setup/empty", test_empty);
  g_test_add_func ("/satchel/gui/account-setup/discovery", test_discovery);
  g_test_add_func ("/satchel/gui/account-setup/trust-and-save", test_trust_and_save);
  g_test_add_func ("/satchel/gui/account-setup/wrong-password", test_wrong_password);
  g_test_add_func ("/satchel/gui/account-setup/failures-focus-the-field",
                   test_failures_focus_the_field);
  g_test_add_func ("/satchel/gui/account-setup/refused-then-save-unverified",
                   test_refused_then_save_unverified);
  g_test_add_func ("/satchel/gui/account-setup/name-taken", test_name_taken);
  g_test_add_func ("/satchel/gui/account-setup/edit", test_edit);
  g_test_add_func ("/satchel/gui/account-setup/keyring-missing", test_keyring_missing);
  g_test_add_func ("/satchel/gui/certificate-dialog/changed", test_certificate_changed);

  status = g_test_run ();
  if (application != NULL)
    g_clear_object (&application);
  remove_tree (home);
  return status;
}
