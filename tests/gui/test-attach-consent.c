/* test-attach-consent.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "gui-testlib.h"
#include "satchel-attach-consent.h"
#include "satchel-resources.h"

/* Generous: the machine may be loaded. */
#define WAIT_SECONDS 20

/* What a mailto: link asked for: files that passed the check, and
 * files refused with their reason. */
typedef struct
{
  const char *files[3];
  const char *refused[3];
  const char *reasons[3];
} Request;

/* The dialog on screen for @request, over a window of its own. */
static SatchelAttachConsent *
show (const Request *request)
{
  GtkWidget *parent = gtk_window_new ();
  SatchelAttachConsent *consent;

  gtk_window_present (GTK_WINDOW (parent));
  consent = satchel_attach_consent_new (GTK_WINDOW (parent));
  for (guint i = 0; request->files[i] != NULL; i++)
    satchel_attach_consent_add_file (consent, request->files[i]);
  for (guint i = 0; request->refused[i] != NULL; i++)
    satchel_attach_consent_add_refused (consent, request->refused[i], request->reasons[i]);
  gtk_window_present (GTK_WINDOW (consent));
  gui_test_wait_for (gui_test_is_mapped, consent, WAIT_SECONDS);

  return consent;
}

/* The buttons on screen, in order. (transfer container) */
static GPtrArray *
mapped_buttons (SatchelAttachConsent *consent)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GPtrArray *mapped = g_ptr_array_new ();

  gui_test_collect_widgets (GTK_WIDGET (consent), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_get_mapped (buttons->pdata[i]))
      g_ptr_array_add (mapped, buttons->pdata[i]);

  return mapped;
}

/* Whether a label showing exactly @text is on screen. */
static gboolean
label_mapped (SatchelAttachConsent *consent,
              const char           *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  gui_test_collect_widgets (GTK_WIDGET (consent), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_str_equal (gtk_label_get_text (labels->pdata[i]), text) &&
        gtk_widget_get_mapped (labels->pdata[i]))
      return TRUE;

  return FALSE;
}

/* Each path is shown in full, and each refusal with its reason. */
static void
assert_lists (SatchelAttachConsent *consent,
              const Request        *request)
{
  const char * const *files = satchel_attach_consent_get_files (consent);
  const char * const *refused = satchel_attach_consent_get_refused (consent);

  g_assert_cmpuint (g_strv_length ((char **) files), ==,
                    g_strv_length ((char **) request->files));
  g_assert_cmpuint (g_strv_length ((char **) refused), ==,
                    g_strv_length ((char **) request->refused));
  for (guint i = 0; request->files[i] != NULL; i++)
    {
      g_assert_cmpstr (files[i], ==, request->files[i]);
      g_assert_true (label_mapped (consent, request->files[i]));
    }
  for (guint i = 0; request->refused[i] != NULL; i++)
    {
      g_assert_cmpstr (refused[i], ==, request->refused[i]);
      g_assert_true (label_mapped (consent, request->refused[i]));
      g_assert_true (label_mapped (consent, request->reasons[i]));
    }

  g_assert_true (label_mapped (consent, "Attached if you agree") == (request->files[0] != NULL));
  g_assert_true (label_mapped (consent, "Never attached from a link") ==
                 (request->refused[0] != NULL));
}

static void
on_response (SatchelAttachConsent *consent,
             const char           *response,
             char                **answer)
{
  g_free (*answer);
  *answer = g_strdup (response);
}

static gboolean
answered (gpointer data)
{
  char **answer = data;

  return *answer != NULL;
}

/* Clicks @button and returns the response it gave; the dialog is then
 * gone, and so is its parent. (transfer full) */
static char *
press (SatchelAttachConsent *consent,
       GtkWidget            *button)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (consent));
  char *answer = NULL;

  /* A response closes the dialog: keep it to look at it after. */
  g_object_ref (consent);
  g_signal_connect (consent, "response", G_CALLBACK (on_response), &answer);
  gtk_widget_activate (button);
  gui_test_wait_for (answered, &answer, WAIT_SECONDS);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (consent)));
  g_signal_handlers_disconnect_by_func (consent, on_response, &answer);
  /* Gone before its parent. */
  g_object_unref (consent);
  gtk_window_destroy (parent);

  return answer;
}

/* What a link asked for, and what the dialog must make of it. */
typedef struct
{
  Request     request;
  const char *heading;
  const char *body;      /* a part of the text */
  const char *attach;    /* the Attach button, or NULL: none */
  const char *cancel;
  guint       press;     /* which button the test presses */
  const char *answer;    /* the response that gives */
} Case;

/* Files that may go: the question, the files, and a button that says
 * how many it attaches. */
static const Case allowed = {
  {
    { "/home/alice/Documents/report.txt", "/home/alice/Documents/Q3 figures.ods", NULL },
    { NULL },
    { NULL },
  },
  "Attach Files from a Link?", "steal files", "_Attach 2 Files", "_Don’t Attach",
  1, "attach",
};

/* Some files may go and some are refused: two lists, each refused
 * file with its reason, and the button counts only the files that go. */
static const Case mixed = {
  {
    { "/home/alice/Documents/report.txt", NULL },
    { "/home/alice/.ssh/id_rsa", "/proc/self/environ", NULL },
    { "“/home/alice/.ssh/id_rsa” is a hidden file or is in a hidden folder.",
      "“/proc/self/environ” describes the running system and is not a document.",
      NULL },
  },
  "Attach Files from a Link?", "steal files", "_Attach 1 File", "_Don’t Attach",
  0, "cancel",
};

/* Every file refused: nothing to agree to. It says so, lists each file
 * with its reason, and has one button, OK. */
static const Case all_refused = {
  {
    { NULL },
    { "/home/alice/.ssh/id_rsa", "/home/alice/Documents", NULL },
    { "“/home/alice/.ssh/id_rsa” is a hidden file or is in a hidden folder.",
      "“/home/alice/Documents” is a folder. Only files can be attached.",
      NULL },
  },
  "Files Not Attached", "opens without them", NULL, "_OK",
  0, "cancel",
};

static void
test_attach_consent (gconstpointer data)
{
  const Case *c = data;
  SatchelAttachConsent *consent;
  AdwMessageDialog *dialog;
  g_autoptr(GPtrArray) buttons = NULL;
  g_autofree char *answer = NULL;

  if (!gui_test_have_display ())
    return;

  consent = show (&c->request);
  dialog = ADW_MESSAGE_DIALOG (consent);
  assert_lists (consent, &c->request);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, c->heading);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (consent)), ==, c->heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), c->body));
  /* Enter, Escape and closing the window attach nothing. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "cancel"), ==, c->cancel);

  buttons = mapped_buttons (consent);
  if (c->attach != NULL)
    {
      g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "attach"), ==, c->attach);
      g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "attach"), ==,
                       ADW_RESPONSE_DESTRUCTIVE);
      g_assert_cmpuint (buttons->len, ==, 2);
      g_assert_cmpstr (gtk_button_get_label (buttons->pdata[1]), ==, c->attach);
    }
  else
    {
      g_assert_false (adw_message_dialog_has_response (dialog, "attach"));
      g_assert_cmpuint (buttons->len, ==, 1);
    }
  g_assert_cmpstr (gtk_button_get_label (buttons->pdata[0]), ==, c->cancel);

  answer = press (consent, buttons->pdata[c->press]);
  g_assert_cmpstr (answer, ==, c->answer);
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init_env ("test-attach-consent");

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      satchel_register_resource ();
      adw_init ();
    }

  g_test_add_data_func ("/satchel/gui/attach-consent/allowed", &allowed, test_attach_consent);
  g_test_add_data_func ("/satchel/gui/attach-consent/mixed", &mixed, test_attach_consent);
  g_test_add_data_func ("/satchel/gui/attach-consent/all-refused", &all_refused,
                        test_attach_consent);

  return g_test_run ();
}
