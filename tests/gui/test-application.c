/* test-application.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gui-testlib.h"
#include "satchel-account-store.h"
#include "satchel-application.h"
#include "satchel-attach-consent.h"
#include "satchel-compose-window.h"
#include "satchel-draft.h"
#include "satchel-error.h"
#include "satchel-outbox-row.h"
#include "satchel-password-dialog.h"
#include "satchel-paths.h"
#include "satchel-secret.h"
#include "satchel-send-window.h"
#include "satchel-sent.h"
#include "satchel-window.h"

/* Each test runs a real SatchelApplication (its own instance, not
 * unique) with g_application_run(), does its part from the main loop,
 * and ends when the application quits by itself: that is how quitting
 * with a message in its undo time, and staying alive while sending,
 * are checked. */
typedef void (*AppStep) (SatchelApplication *app,
                         gpointer            data);

typedef struct
{
  AppStep   step;
  gpointer  data;
  gboolean  ran;
} Run;

static guint16 closed_port;

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("the application did not quit in time");
  return G_SOURCE_REMOVE;
}

static gboolean
run_step_idle (gpointer user_data)
{
  Run *run = user_data;
  SatchelApplication *app = SATCHEL_APPLICATION (g_application_get_default ());

  run->ran = TRUE;
  run->step (app, run->data);
  return G_SOURCE_REMOVE;
}

/* Startup comes first; the command line (or activation) is handled
 * before the main loop runs, so the step sees its result. */
static void
on_startup (GApplication *app,
            Run          *run)
{
  g_idle_add (run_step_idle, run);
}

/* Runs the application with @argv (NULL: none) and @step; returns its
 * exit status once it has quit. */
static int
run_app (const char * const *argv,
         AppStep             step,
         gpointer            data)
{
  g_autoptr(SatchelApplication) app = satchel_application_new ();
  const char *no_args[] = { "satchel", NULL };
  Run run = { step, data, FALSE };
  guint watchdog;
  int status;

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "startup", G_CALLBACK (on_startup), &run);

  watchdog = g_timeout_add_seconds (120, on_watchdog, NULL);
  if (argv == NULL)
    argv = no_args;
  status = g_application_run (G_APPLICATION (app), g_strv_length ((char **) argv), (char **) argv);
  g_source_remove (watchdog);

  g_assert_true (run.ran);
  return status;
}

static void
reset (guint16 port)
{
  g_autoptr(SatchelAccount) account = NULL;

  gui_test_reset ();
  account = gui_test_add_account ("work", port);
}

static gboolean
draft_exists (const char *id)
{
  g_autoptr(SatchelDraftStore) store = satchel_draft_store_new (NULL);
  g_autoptr(SatchelDraft) draft = satchel_draft_store_load (store, id, NULL);

  return draft != NULL;
}

static SatchelComposeWindow *
find_compose (SatchelApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SATCHEL_IS_COMPOSE_WINDOW (l->data))
      return l->data;

  return NULL;
}

static char *
queued_drafts_file (void)
{
  g_autofree char *state = satchel_paths_state_dir ();
  g_autofree char *path = g_build_filename (state, "queued-drafts.ini", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return g_steal_pointer (&text);
}

/* Undo ------------------------------------------------------------------- */

typedef struct
{
  char *outbox_id;
  char *draft_id;
} Handed;

static void
handed_clear (Handed *handed)
{
  g_clear_pointer (&handed->outbox_id, g_free);
  g_clear_pointer (&handed->draft_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Handed, handed_clear)

/* A message held for @seconds more, and its draft, as a compose window
 * hands them over. */
static void
hand_over (Handed     *handed,
           const char *subject,
           gint64      seconds)
{
  g_autoptr(SatchelOutboxItem) item = NULL;

  item = gui_test_queue ("work", subject, g_get_real_time () / G_USEC_PER_SEC + seconds, 0);
  handed->outbox_id = g_strdup (satchel_outbox_item_get_id (item));
  handed->draft_id = gui_test_save_draft (subject, "bob@example.com");
}

static void
step_undo (SatchelApplication *app,
           gpointer            data)
{
  Handed *handed = data;
  SatchelComposeWindow *compose;
  g_autoptr(SatchelOutboxItem) gone = NULL;
  g_autofree char *queued = NULL;

  satchel_application_message_queued (app, handed->outbox_id, handed->draft_id);
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 1);
  g_assert_null (find_compose (app));
  queued = queued_drafts_file ();
  g_assert_nonnull (strstr (queued, handed->outbox_id));

  /* The toast's Undo button. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "undo-send",
                                  g_variant_new_string (handed->outbox_id));

  gone = gui_test_lookup (handed->outbox_id);
  g_assert_null (gone);
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 0);
  compose = find_compose (app);
  g_assert_nonnull (compose);
  g_assert_cmpstr (satchel_draft_get_id (satchel_compose_window_get_draft (compose)), ==,
                   handed->draft_id);
  g_assert_cmpstr (satchel_draft_get_subject (satchel_compose_window_get_draft (compose)), ==,
                   "Take me back");
  g_free (queued);
  queued = queued_drafts_file ();
  g_assert_null (strstr (queued, handed->outbox_id));

  satchel_application_request_quit (app);
}

static void
test_application_undo (void)
{
  g_auto(Handed) handed = { 0 };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&handed, "Take me back", 60);

  g_assert_cmpint (run_app (NULL, step_undo, &handed), ==, 0);
  g_assert_true (draft_exists (handed.draft_id));
}

static void
step_undo_too_late (SatchelApplication *app,
                    gpointer            data)
{
  Handed *handed = data;
  g_autoptr(SatchelOutboxItem) still = NULL;
  g_autoptr(GError) error = NULL;

  satchel_application_message_queued (app, handed->outbox_id, handed->draft_id);
  /* As if it had started to leave. */
  gui_test_set_state (handed->outbox_id, SATCHEL_OUTBOX_QUEUED, NULL);

  g_assert_false (satchel_application_undo_send (app, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Too late to undo"));
  still = gui_test_lookup (handed->outbox_id);
  g_assert_nonnull (still);
  g_assert_null (find_compose (app));
  /* No longer inside its undo time: quitting does not ask. */
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 0);

  satchel_application_request_quit (app);
}

static void
test_application_undo_too_late (void)
{
  g_auto(Handed) handed = { 0 };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&handed, "Already leaving", 60);

  g_assert_cmpint (run_app (NULL, step_undo_too_late, &handed), ==, 0);
}

/* Quitting inside the undo time ------------------------------------------ */

typedef struct
{
  Handed      handed;
  const char *answer;
  gboolean    by_closing;
} QuitCase;

static void
quit_case_clear (QuitCase *quit)
{
  handed_clear (&quit->handed);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (QuitCase, quit_case_clear)

static void
step_quit (SatchelApplication *app,
           gpointer            data)
{
  QuitCase *quit = data;
  GtkWindow *main_window = satchel_application_get_main_window (app);
  AdwMessageDialog *dialog;

  satchel_application_message_queued (app, quit->handed.outbox_id, quit->handed.draft_id);
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 1);

  if (quit->by_closing)
    gtk_window_close (main_window);
  else
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (main_window, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send the Message Now?");
  g_assert_true (adw_message_dialog_has_response (dialog, "send"));
  g_assert_true (adw_message_dialog_has_response (dialog, "keep"));
  g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));

  /* Cancel: nothing happens, the window stays. */
  adw_message_dialog_response (dialog, "cancel");
  gui_test_spin (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (main_window)));
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 1);

  if (quit->by_closing)
    gtk_window_close (main_window);
  else
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (main_window, ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (dialog, quit->answer);
  /* From here the application must end by itself. */
}

static void
test_application_quit_keep (gconstpointer data)
{
  g_autoptr(SatchelOutboxItem) before = NULL;
  g_autoptr(SatchelOutboxItem) after = NULL;
  g_autofree char *queued = NULL;
  g_auto(QuitCase) quit = { { 0 } };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&quit.handed, "Keep me", 120);
  before = gui_test_lookup (quit.handed.outbox_id);

  quit.answer = "keep";
  quit.by_closing = GPOINTER_TO_INT (data);
  g_assert_cmpint (run_app (NULL, step_quit, &quit), ==, 0);

  /* Still there, still held: it leaves at the next start. */
  after = gui_test_lookup (quit.handed.outbox_id);
  g_assert_nonnull (after);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_HELD);
  g_assert_cmpint (satchel_outbox_item_get_held_until (after), ==,
                   satchel_outbox_item_get_held_until (before));
  g_assert_true (draft_exists (quit.handed.draft_id));
  queued = queued_drafts_file ();
  g_assert_nonnull (strstr (queued, quit.handed.outbox_id));
}

/* The last window to go is a compose window: the question comes all the
 * same, on a main window opened for it. */
static void
step_last_compose (SatchelApplication *app,
                   gpointer            data)
{
  QuitCase *quit = data;
  GtkWindow *compose = satchel_application_compose (app, NULL);
  GtkWindow *main_window;
  AdwMessageDialog *dialog;

  satchel_application_message_queued (app, quit->handed.outbox_id, quit->handed.draft_id);
  gtk_window_destroy (satchel_application_get_main_window (app));
  gui_test_spin (100);
  g_assert_null (gui_test_find_dialog (NULL, ADW_TYPE_MESSAGE_DIALOG));

  gtk_window_destroy (compose);
  main_window = satchel_application_get_main_window (app);
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (main_window, ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send the Message Now?");
  adw_message_dialog_response (dialog, quit->answer);
}

static void
test_application_last_compose_asks (void)
{
  g_autoptr(SatchelOutboxItem) after = NULL;
  g_auto(QuitCase) quit = { { 0 } };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&quit.handed, "Last window", 120);

  quit.answer = "keep";
  g_assert_cmpint (run_app (NULL, step_last_compose, &quit), ==, 0);

  after = gui_test_lookup (quit.handed.outbox_id);
  g_assert_nonnull (after);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_HELD);
}

/* "Send Now": the application stays until the message has left, then
 * the draft is gone and the message is in Sent. */
static void
test_application_quit_send_now (void)
{
  g_autoptr(GuiTestServer) server = gui_test_server_start ("{\"security\": \"none\", "
                                                           "\"auth_clear\": []}");
  g_autoptr(SatchelOutboxItem) after = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_auto(QuitCase) quit = { { 0 } };

  if (!gui_test_have_display ())
    return;
  reset (gui_test_server_port (server));
  hand_over (&quit.handed, "Send me now", 120);

  quit.answer = "send";
  g_assert_cmpint (run_app (NULL, step_quit, &quit), ==, 0);

  after = gui_test_lookup (quit.handed.outbox_id);
  g_assert_null (after);
  g_assert_true (satchel_sent_contains (NULL, quit.handed.outbox_id));
  g_assert_false (draft_exists (quit.handed.draft_id));
  sent = satchel_sent_list_sync (NULL, NULL, NULL);
  g_assert_cmpuint (sent->len, ==, 1);
  g_assert_cmpstr (satchel_sent_message_get_subject (sent->pdata[0]), ==, "Send me now");
}

/* Sending, progress and results --------------------------------------------- */

typedef struct
{
  char    *id;
  gboolean finished;
  GError  *error;
  guint    n_progress;
  guint64  last_sent;
  guint64  total;
} SendWatch;

static void
on_progress (SatchelScheduler *scheduler,
             const char       *id,
             guint64           sent,
             guint64           total,
             SendWatch        *watch)
{
  if (g_strcmp0 (id, watch->id) != 0)
    return;
  watch->n_progress++;
  watch->last_sent = sent;
  watch->total = total;
}

static void
on_finished (SatchelScheduler *scheduler,
             const char       *id,
             const GError     *error,
             SendWatch        *watch)
{
  if (g_strcmp0 (id, watch->id) != 0)
    return;
  watch->finished = TRUE;
  g_clear_error (&watch->error);
  if (error != NULL)
    watch->error = g_error_copy (error);
}

static gboolean
is_finished (gpointer data)
{
  return ((SendWatch *) data)->finished;
}

static gboolean
has_progress (gpointer data)
{
  SendWatch *watch = data;

  return watch->total > 0 && watch->last_sent > 0;
}

typedef struct
{
  GtkWindow  *window;
  const char *id;
} RowWait;

static gboolean
row_shows_progress (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *row = gui_test_find_outbox_row (GTK_WIDGET (wait->window), wait->id);
  GtkLabel *label;

  if (row == NULL)
    return FALSE;
  label = gui_test_find_label (GTK_WIDGET (row), "B of ");
  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static void
step_progress_cancel (SatchelApplication *app,
                      gpointer            data)
{
  SendWatch *watch = data;
  SatchelScheduler *scheduler = satchel_application_get_scheduler (app);
  GtkWindow *window = satchel_application_get_main_window (app);
  RowWait wait = { window, watch->id };
  SatchelOutboxRow *row;
  g_autoptr(SatchelOutboxItem) after = NULL;
  GtkLabel *label;
  GtkWidget *cancel;

  gtk_window_present (window);
  g_signal_connect (scheduler, "send-progress", G_CALLBACK (on_progress), watch);
  g_signal_connect (scheduler, "send-finished", G_CALLBACK (on_finished), watch);
  satchel_window_set_page (SATCHEL_WINDOW (window), "outbox");
  gui_test_make_due (watch->id);
  satchel_scheduler_flush (scheduler);

  /* The server stops reading in the middle of the data: the row shows
   * how far it got, in bytes and percent, and a Cancel button. */
  gui_test_wait_for (has_progress, watch, 60);
  gui_test_wait_for (row_shows_progress, &wait, 60);
  row = SATCHEL_OUTBOX_ROW (gui_test_find_outbox_row (GTK_WIDGET (window), watch->id));
  /* "1.2 MB of 21.9 MB (5 %)" */
  label = gui_test_find_label (GTK_WIDGET (row), "B of ");
  g_assert_nonnull (strstr (gtk_label_get_text (label), "MB ("));
  g_assert_nonnull (strstr (gtk_label_get_text (label), " %)"));
  g_assert_nonnull (gui_test_find_widget (GTK_WIDGET (row), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpuint (watch->total, >=, 16 * 1000 * 1000);
  /* Stuck in the middle: more than the socket buffers can take. */
  g_assert_cmpuint (watch->last_sent, <, watch->total);
  g_assert_false (watch->finished);

  cancel = GTK_WIDGET (gui_test_find_label (GTK_WIDGET (row), "Cancel"));
  g_assert_nonnull (cancel);
  cancel = gtk_widget_get_ancestor (cancel, GTK_TYPE_BUTTON);
  g_assert_true (gtk_widget_get_mapped (cancel));
  g_signal_emit_by_name (cancel, "clicked");

  gui_test_wait_for (is_finished, watch, 60);
  g_assert_error (watch->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = gui_test_lookup (watch->id);
  g_assert_nonnull (after);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_QUEUED);

  g_signal_handlers_disconnect_by_data (scheduler, watch);
  satchel_application_request_quit (app);
}

static void
test_application_progress_cancel (void)
{
  g_autoptr(GuiTestServer) server = NULL;
  g_autoptr(SatchelOutboxItem) item = NULL;
  SendWatch watch = { 0 };

  if (!gui_test_have_display ())
    return;
  server = gui_test_server_start ("{\"security\": \"none\", \"auth_clear\": [], "
                                  "\"mid_data_bytes\": 1500000, "
                                  "\"at\": {\"mid-data\": \"pause\"}}");
  reset (gui_test_server_port (server));
  /* 16 MB of attachment (22 MB in base64); made due once the test
   * watches. */
  item = gui_test_queue ("work", "Large", 0, 16 * 1000 * 1000);
  gui_test_set_state (satchel_outbox_item_get_id (item), SATCHEL_OUTBOX_QUEUED, NULL);

  watch.id = (char *) satchel_outbox_item_get_id (item);
  g_assert_cmpint (run_app (NULL, step_progress_cancel, &watch), ==, 0);
  g_clear_error (&watch.error);
}

/* Sent from a compose window on screen by itself (a mailto: link) ------- */

static SatchelSendWindow *
find_send_window (SatchelApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SATCHEL_IS_SEND_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
have_main_window (SatchelApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (SATCHEL_IS_WINDOW (l->data))
      return TRUE;

  return FALSE;
}

/* The message gets a small window of its own, not the main window: the
 * countdown and Undo (Ctrl+Z), which brings the compose window back. */
static void
step_send_window_undo (SatchelApplication *app,
                       gpointer            data)
{
  Handed *handed = data;
  SatchelSendWindow *window;
  SatchelComposeWindow *compose;
  GtkLabel *countdown;
  g_autoptr(SatchelOutboxItem) gone = NULL;

  g_assert_nonnull (find_compose (app));
  gtk_window_destroy (GTK_WINDOW (find_compose (app)));
  satchel_application_message_queued (app, handed->outbox_id, handed->draft_id);

  window = find_send_window (app);
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_false (have_main_window (app));
  g_assert_cmpstr (satchel_send_window_get_outbox_id (window), ==, handed->outbox_id);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Sending “Where is it”");
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "Where is it"));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (window), "To bob@example.com"));
  /* "Sending in 60 seconds…", give or take the seconds that passed. */
  countdown = gui_test_find_label (GTK_WIDGET (window), "Sending in ");
  g_assert_nonnull (countdown);
  g_assert_cmpint (strtol (gtk_label_get_text (countdown) + strlen ("Sending in "), NULL, 10),
                   >=, 50);
  g_assert_nonnull (gui_test_find_button (GTK_WIDGET (window), "_Undo", TRUE));
  g_assert_null (gui_test_find_button (GTK_WIDGET (window), "_Cancel", TRUE));
  g_assert_nonnull (gui_test_find_button (GTK_WIDGET (window), "Show _Outbox", TRUE));
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 1);

  /* Ctrl+Z, as in the main window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "send.undo", NULL));
  gui_test_spin (100);

  g_assert_null (find_send_window (app));
  g_assert_false (have_main_window (app));
  gone = gui_test_lookup (handed->outbox_id);
  g_assert_null (gone);
  g_assert_cmpuint (satchel_application_get_n_held (app), ==, 0);
  compose = find_compose (app);
  g_assert_nonnull (compose);
  g_assert_cmpstr (satchel_draft_get_id (satchel_compose_window_get_draft (compose)), ==,
                   handed->draft_id);

  satchel_application_request_quit (app);
}

static void
test_application_send_window_undo (void)
{
  g_auto(Handed) handed = { 0 };
  const char *argv[] = { "satchel", "--compose", NULL };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&handed, "Where is it", 60);

  g_assert_cmpint (run_app (argv, step_send_window_undo, &handed), ==, 0);
}

/* Closing it while the message can still be undone asks, as quitting
 * does; kept, the message stays held for the next start. */
static void
step_send_window_close (SatchelApplication *app,
                        gpointer            data)
{
  Handed *handed = data;
  SatchelSendWindow *window;
  AdwMessageDialog *dialog;

  gtk_window_destroy (GTK_WINDOW (find_compose (app)));
  satchel_application_message_queued (app, handed->outbox_id, handed->draft_id);
  window = find_send_window (app);
  g_assert_nonnull (window);

  gtk_window_close (GTK_WINDOW (window));
  dialog = ADW_MESSAGE_DIALOG (gui_test_wait_for_dialog (GTK_WINDOW (window),
                                                         ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send the Message Now?");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  adw_message_dialog_response (dialog, "keep");
  /* From here the application must end by itself. */
}

static void
test_application_send_window_close (void)
{
  g_auto(Handed) handed = { 0 };
  g_autoptr(SatchelOutboxItem) after = NULL;
  const char *argv[] = { "satchel", "--compose", NULL };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  hand_over (&handed, "Close me", 60);

  g_assert_cmpint (run_app (argv, step_send_window_close, &handed), ==, 0);

  after = gui_test_lookup (handed.outbox_id);
  g_assert_nonnull (after);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_HELD);
}

typedef struct
{
  SendWatch watch;
  char     *draft_id;
} WindowSend;

static gboolean
send_window_gone (gpointer data)
{
  return find_send_window (SATCHEL_APPLICATION (g_application_get_default ())) == NULL;
}

static gboolean
send_window_shows_progress (gpointer data)
{
  SatchelSendWindow *window = find_send_window (SATCHEL_APPLICATION (g_application_get_default ()));
  GtkLabel *label;

  if (window == NULL)
    return FALSE;
  label = gui_test_find_label (GTK_WIDGET (window), "B of ");
  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;

  return gui_test_find_outbox_row (GTK_WIDGET (wait->window), wait->id) != NULL;
}

/* Its progress in bytes and percent, and Cancel: the main window then
 * comes up on the Outbox, where the message stays. */
static void
step_send_window_cancel (SatchelApplication *app,
                         gpointer            data)
{
  WindowSend *send = data;
  SatchelScheduler *scheduler = satchel_application_get_scheduler (app);
  SatchelSendWindow *window;
  GtkProgressBar *bar;
  GtkWindow *main_window;
  g_autoptr(SatchelOutboxItem) after = NULL;

  g_signal_connect (scheduler, "send-progress", G_CALLBACK (on_progress), &send->watch);
  g_signal_connect (scheduler, "send-finished", G_CALLBACK (on_finished), &send->watch);
  gtk_window_destroy (GTK_WINDOW (find_compose (app)));
  gui_test_make_due (send->watch.id);
  satchel_application_message_queued (app, send->watch.id, send->draft_id);
  window = find_send_window (app);
  g_assert_nonnull (window);

  /* The server stops reading in the middle of the data. */
  gui_test_wait_for (has_progress, &send->watch, 60);
  gui_test_wait_for (send_window_shows_progress, NULL, 60);
  g_assert_nonnull (strstr (gtk_label_get_text (gui_test_find_label (GTK_WIDGET (window), "B of ")),
                            " %)"));
  bar = GTK_PROGRESS_BAR (gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_PROGRESS_BAR));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), >, 0.0);
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (bar), <, 1.0);
  g_assert_null (gui_test_find_button (GTK_WIDGET (window), "_Undo", TRUE));
  g_assert_false (have_main_window (app));

  g_signal_emit_by_name (gui_test_find_button (GTK_WIDGET (window), "_Cancel", TRUE), "clicked");
  gui_test_wait_for (is_finished, &send->watch, 60);
  g_assert_error (send->watch.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gui_test_wait_for (send_window_gone, NULL, 10);

  main_window = satchel_application_get_main_window (app);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (main_window)));
  g_assert_cmpstr (satchel_window_get_page (SATCHEL_WINDOW (main_window)), ==, "outbox");
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (main_window), "Sending cancelled"));
  after = gui_test_lookup (send->watch.id);
  g_assert_nonnull (after);
  g_assert_cmpint (satchel_outbox_item_get_state (after), ==, SATCHEL_OUTBOX_QUEUED);

  g_signal_handlers_disconnect_by_data (scheduler, &send->watch);
  satchel_application_request_quit (app);
}

/* Runs @step on a message due now, from a compose window started by
 * itself, against @port. */
static void
run_window_send (guint16     port,
                 const char *subject,
                 gsize       attachment_size,
                 AppStep     step)
{
  g_autoptr(SatchelOutboxItem) item = NULL;
  WindowSend send = { { 0 } };
  const char *argv[] = { "satchel", "--compose", NULL };

  reset (port);
  item = gui_test_queue ("work", subject, 0, attachment_size);
  gui_test_set_state (satchel_outbox_item_get_id (item), SATCHEL_OUTBOX_QUEUED, NULL);
  send.watch.id = (char *) satchel_outbox_item_get_id (item);
  send.draft_id = gui_test_save_draft (subject, "bob@example.com");

  g_assert_cmpint (run_app (argv, step, &send), ==, 0);
  g_clear_error (&send.watch.error);
  g_free (send.draft_id);
}

static void
test_application_send_window_cancel (void)
{
  g_autoptr(GuiTestServer) server = NULL;

  if (!gui_test_have_display ())
    return;
  server = gui_test_server_start ("{\"security\": \"none\", \"auth_clear\": [], "
                                  "\"mid_data_bytes\": 1500000, "
                                  "\"at\": {\"mid-data\": \"pause\"}}");
  run_window_send (gui_test_server_port (server), "Large", 16 * 1000 * 1000,
                   step_send_window_cancel);
}

/* A failure: the main window comes up on the Outbox, where the row
 * shows the server's words, Retry and Edit Account. */
static void
step_send_window_failure (SatchelApplication *app,
                          gpointer            data)
{
  WindowSend *send = data;
  SatchelScheduler *scheduler = satchel_application_get_scheduler (app);
  RowWait wait = { NULL, send->watch.id };
  GtkWindow *main_window;

  g_signal_connect (scheduler, "send-finished", G_CALLBACK (on_finished), &send->watch);
  gtk_window_destroy (GTK_WINDOW (find_compose (app)));
  gui_test_make_due (send->watch.id);
  satchel_application_message_queued (app, send->watch.id, send->draft_id);
  g_assert_nonnull (find_send_window (app));

  gui_test_wait_for (is_finished, &send->watch, 60);
  g_assert_nonnull (send->watch.error);
  gui_test_wait_for (send_window_gone, NULL, 10);
  main_window = satchel_application_get_main_window (app);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (main_window)));
  g_assert_cmpstr (satchel_window_get_page (SATCHEL_WINDOW (main_window)), ==, "outbox");
  /* The row, once the new window has read the outbox. */
  wait.window = main_window;
  gui_test_wait_for (row_shown, &wait, 10);

  g_signal_handlers_disconnect_by_data (scheduler, &send->watch);
  satchel_application_request_quit (app);
}

static void
test_application_send_window_failure (void)
{
  if (!gui_test_have_display ())
    return;
  run_window_send (closed_port, "Nowhere", 0, step_send_window_failure);
}

/* A password the server refuses is asked for, and the send retried with
 * what the user typed. */
static void
step_password (SatchelApplication *app,
               gpointer            data)
{
  SendWatch *watch = data;
  SatchelScheduler *scheduler = satchel_application_get_scheduler (app);
  GtkWindow *window = satchel_application_get_main_window (app);
  SatchelPasswordDialog *dialog;

  gtk_window_present (window);
  g_signal_connect (scheduler, "send-finished", G_CALLBACK (on_finished), watch);
  gui_test_make_due (watch->id);
  satchel_scheduler_flush (scheduler);

  gui_test_wait_for (is_finished, watch, 60);
  g_assert_error (watch->error, SATCHEL_SMTP_ERROR, SATCHEL_SMTP_ERROR_AUTH_FAILED);
  g_assert_true (satchel_application_needs_password (app, watch->id));

  dialog = SATCHEL_PASSWORD_DIALOG (gui_test_wait_for_dialog (window, SATCHEL_TYPE_PASSWORD_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "alice"));
  /* The server's words are shown. */
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (dialog), "535"));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send"));
  satchel_password_dialog_set_password (dialog, "right password");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "send"));

  watch->finished = FALSE;
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "send");
  gui_test_wait_for (is_finished, watch, 60);
  g_assert_no_error (watch->error);
  g_assert_false (satchel_application_needs_password (app, watch->id));

  g_signal_handlers_disconnect_by_data (scheduler, watch);
  satchel_application_request_quit (app);
}

static gboolean
have_keyring (void)
{
  if (g_getenv ("SATCHEL_TEST_REQUIRE_KEYRING") != NULL)
    return TRUE;
  g_test_skip ("no keyring: run under build-aux/headless");
  return FALSE;
}

static void
test_application_password (void)
{
  g_autoptr(GuiTestServer) server = NULL;
  g_autoptr(SatchelOutboxItem) item = NULL;
  g_autoptr(SatchelAccountStore) store = satchel_account_store_new (NULL);
  g_autoptr(SatchelAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  char *stored;
  SendWatch watch = { 0 };

  if (!gui_test_have_display () || !have_keyring ())
    return;
  server = gui_test_server_start ("{\"security\": \"none\", "
                                  "\"users\": {\"alice\": \"right password\"}}");
  reset (gui_test_server_port (server));
  g_assert_true (satchel_account_store_load (store, NULL));
  account = satchel_account_store_lookup (store, "work");
  g_assert_true (satchel_secret_store_sync (account, "wrong password", NULL, &error));
  g_assert_no_error (error);
  item = gui_test_queue ("work", "Needs the right password", 0, 0);
  gui_test_set_state (satchel_outbox_item_get_id (item), SATCHEL_OUTBOX_QUEUED, NULL);

  watch.id = (char *) satchel_outbox_item_get_id (item);
  g_assert_cmpint (run_app (NULL, step_password, &watch), ==, 0);
  g_clear_error (&watch.error);

  g_assert_true (satchel_sent_contains (NULL, watch.id));
  /* "Remember in the keyring" was on. */
  stored = satchel_secret_lookup_sync (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored, ==, "right password");
  secret_password_free (stored);
  g_assert_true (satchel_secret_clear_sync (account, NULL, NULL));
}

/* Keyboard shortcuts ------------------------------------------------------ */

static char *
normalize_accel (const char *accel)
{
  guint key;
  GdkModifierType mods;

  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

static void
collect_accels (GtkWidget  *widget,
                GHashTable *accels)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accel = NULL;
      g_auto(GStrv) each = NULL;

      /* "<Alt>Up <Alt>Down": two, written the same way as the code's. */
      g_object_get (widget, "accelerator", &accel, NULL);
      each = g_strsplit (accel, " ", -1);
      for (guint i = 0; each[i] != NULL; i++)
        g_hash_table_add (accels, normalize_accel (each[i]));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_accels (child, accels);
}

/* Every accelerator the application sets is in the shortcuts window,
 * which the main window's menu opens. */
static void
step_shortcuts (SatchelApplication *app,
                gpointer            data)
{
  const char *actions[] = { "app.compose", "app.quit", "app.contacts", "app.preferences",
                            "app.shortcuts", NULL };
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *window = satchel_application_get_main_window (app);
  GtkShortcutsWindow *overlay;
  GtkWidget *menu_button;
  GMenuModel *menu;
  gboolean found = FALSE;

  builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ui/help-overlay.ui");
  overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  collect_accels (GTK_WIDGET (overlay), listed);
  g_assert_true (g_hash_table_contains (listed, "<Control>z"));       /* undo send */
  g_assert_true (g_hash_table_contains (listed, "<Control>Return"));  /* send */
  g_assert_true (g_hash_table_contains (listed, "<Shift><Control>a")); /* attach */

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    actions[i]);

      g_autofree char *accel = NULL;

      g_assert_cmpuint (g_strv_length (accels), >, 0);
      accel = normalize_accel (accels[0]);
      if (!g_hash_table_contains (listed, accel))
        g_error ("%s (%s) is not in the shortcuts window", accel, actions[i]);
    }

  /* The primary menu has Keyboard Shortcuts and Preferences. */
  menu_button = gui_test_find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button));
  for (int section = 0; section < g_menu_model_get_n_items (menu); section++)
    {
      GMenuModel *items = g_menu_model_get_item_link (menu, section, G_MENU_LINK_SECTION);

      for (int i = 0; i < g_menu_model_get_n_items (items); i++)
        {
          g_autofree char *action = NULL;

          g_menu_model_get_item_attribute (items, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
          if (g_strcmp0 (action, "app.shortcuts") == 0 ||
              g_strcmp0 (action, "app.preferences") == 0)
            found = TRUE;
        }
      g_object_unref (items);
    }
  g_assert_true (found);
  gtk_window_destroy (GTK_WINDOW (overlay));

  /* Ctrl+? builds it when asked, over the window it was asked from;
   * no window builds one of its own (GtkApplication would, for each). */
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  overlay = NULL;
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    if (GTK_IS_SHORTCUTS_WINDOW (l->data))
      overlay = l->data;
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (overlay)) == window);
  gtk_window_destroy (GTK_WINDOW (overlay));
  satchel_application_request_quit (app);
}

static void
test_application_shortcuts (void)
{
  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  g_assert_cmpint (run_app (NULL, step_shortcuts, NULL), ==, 0);
}

/* The command line and mailto: links ------------------------------------------ */

typedef struct
{
  const char *answer;    /* for the consent dialog, or NULL: none expected */
  const char *allowed;
  const char *refused;
  const char *relative;  /* an --attach resolved against the caller's folder */
} LinkCase;

static gboolean
attached_count_is (gpointer data)
{
  gpointer *pair = data;
  SatchelComposeWindow *compose = pair[0];
  guint wanted = GPOINTER_TO_UINT (pair[1]);
  g_auto(GStrv) paths = satchel_attachment_list_dup_paths (satchel_compose_window_get_attachment_list (compose));

  return g_strv_length (paths) == wanted;
}

static gboolean
draft_saved (gpointer compose)
{
  return satchel_draft_get_id (satchel_compose_window_get_draft (compose)) != NULL;
}

static void
step_link (SatchelApplication *app,
           gpointer            data)
{
  LinkCase *link = data;
  SatchelComposeWindow *compose = find_compose (app);
  SatchelAttachConsent *consent;
  g_auto(GStrv) paths = NULL;
  gpointer pair[2];

  g_assert_nonnull (compose);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (compose)), ==, "Hi");
  /* What came from outside is kept as a draft. */
  gui_test_wait_for (draft_saved, compose, 30);
  g_assert_cmpstr (satchel_draft_get_subject (satchel_compose_window_get_draft (compose)), ==, "Hi");
  g_assert_cmpstr (satchel_draft_get_to (satchel_compose_window_get_draft (compose)), ==,
                   "bob@example.com");

  if (link->relative != NULL)
    {
      /* The user's own --attach: attached at once, no question. */
      g_assert_null (gui_test_find_dialog (GTK_WINDOW (compose), SATCHEL_TYPE_ATTACH_CONSENT));
      pair[0] = compose;
      pair[1] = GUINT_TO_POINTER (1);
      gui_test_wait_for (attached_count_is, pair, 30);
      paths = satchel_attachment_list_dup_paths (satchel_compose_window_get_attachment_list (compose));
      g_assert_cmpstr (paths[0], ==, link->relative);
      gtk_window_destroy (GTK_WINDOW (compose));
      satchel_application_request_quit (app);
      return;
    }

  consent = SATCHEL_ATTACH_CONSENT (gui_test_wait_for_dialog (GTK_WINDOW (compose), SATCHEL_TYPE_ATTACH_CONSENT));

  /* Each full path is shown; the dot-folder one is refused with a
   * reason and never offered. */
  g_assert_cmpuint (g_strv_length ((char **) satchel_attach_consent_get_refused (consent)), ==, 1);
  g_assert_cmpstr (satchel_attach_consent_get_refused (consent)[0], ==, link->refused);
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (consent), link->refused));
  g_assert_nonnull (gui_test_find_label (GTK_WIDGET (consent), "hidden folder"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (consent)), ==, "cancel");
  if (link->allowed != NULL)
    {
      g_assert_cmpuint (g_strv_length ((char **) satchel_attach_consent_get_files (consent)), ==, 1);
      g_assert_cmpstr (satchel_attach_consent_get_files (consent)[0], ==, link->allowed);
      g_assert_nonnull (gui_test_find_label (GTK_WIDGET (consent), link->allowed));
      g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (consent)), ==,
                       "Attach Files from a Link?");
      g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (consent), "attach"),
                       ==, "_Attach 1 File");
    }
  else
    {
      /* Nothing to agree to: it only says so, and the message opens
       * without the files. */
      g_assert_cmpuint (g_strv_length ((char **) satchel_attach_consent_get_files (consent)), ==, 0);
      g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (consent)), ==,
                       "Files Not Attached");
      g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (consent), "attach"));
      g_assert_cmpstr (adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (consent), "cancel"),
                       ==, "_OK");
    }

  /* Nothing is attached before the answer. */
  gui_test_spin (300);
  paths = satchel_attachment_list_dup_paths (satchel_compose_window_get_attachment_list (compose));
  g_assert_cmpuint (g_strv_length (paths), ==, 0);

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (consent), link->answer);
  pair[0] = compose;
  pair[1] = GUINT_TO_POINTER (g_str_equal (link->answer, "attach") ? 1 : 0);
  gui_test_spin (300);
  gui_test_wait_for (attached_count_is, pair, 30);
  if (g_str_equal (link->answer, "attach"))
    {
      g_clear_pointer (&paths, g_strfreev);
      paths = satchel_attachment_list_dup_paths (satchel_compose_window_get_attachment_list (compose));
      g_assert_cmpstr (paths[0], ==, link->allowed);
    }

  gtk_window_destroy (GTK_WINDOW (compose));
  satchel_application_request_quit (app);
}

/* A link asking for a file that may go and one that never may; or,
 * with "refused", only for the latter. */
static void
test_application_mailto_consent (gconstpointer data)
{
  gboolean all_refused = g_str_equal (data, "refused");
  const char *answer = all_refused ? "cancel" : data;
  g_autofree char *ssh = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *key = g_build_filename (ssh, "id_rsa", NULL);
  g_autofree char *docs = g_build_filename (g_get_home_dir (), "Documents", NULL);
  g_autofree char *report = g_build_filename (docs, "report.txt", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *escaped_key = NULL;
  g_autofree char *escaped_report = NULL;
  LinkCase link = { answer, all_refused ? NULL : report, key, NULL };
  const char *argv[3];

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  g_assert_cmpint (g_mkdir_with_parents (ssh, 0700), ==, 0);
  g_assert_true (g_file_set_contents (key, "-----BEGIN OPENSSH PRIVATE KEY-----\n", -1, NULL));
  g_assert_cmpint (g_mkdir_with_parents (docs, 0700), ==, 0);
  g_assert_true (g_file_set_contents (report, "The report.\n", -1, NULL));

  escaped_key = g_uri_escape_string (key, "/", FALSE);
  escaped_report = g_uri_escape_string (report, "/", FALSE);
  if (all_refused)
    uri = g_strdup_printf ("mailto:bob@example.com?subject=Hi&attach=%s", escaped_key);
  else
    uri = g_strdup_printf ("mailto:bob@example.com?subject=Hi&attach=%s&attachment=file://%s",
                           escaped_key, escaped_report);
  argv[0] = "satchel";
  argv[1] = uri;
  argv[2] = NULL;
  g_assert_cmpint (run_app (argv, step_link, &link), ==, 0);
}

static void
test_application_attach_relative (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *folder = g_build_filename (g_get_home_dir (), "work", NULL);
  g_autofree char *path = g_build_filename (folder, "notes.txt", NULL);
  LinkCase link = { NULL, NULL, NULL, path };
  const char *argv[] = { "satchel", "--to", "bob@example.com", "--subject", "Hi",
                         "--attach", "notes.txt", NULL };

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "Notes.\n", -1, NULL));

  g_assert_cmpint (g_chdir (folder), ==, 0);
  g_assert_cmpint (run_app (argv, step_link, &link), ==, 0);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

static void
step_never (SatchelApplication *app,
            gpointer            data)
{
  g_assert_not_reached ();
}

/* Not a link: a usage error, and no window. */
static void
test_application_bad_argument (void)
{
  const char *argv[] = { "satchel", "report.pdf", NULL };
  g_autoptr(SatchelApplication) app = satchel_application_new ();
  int status;

  if (!gui_test_have_display ())
    return;
  reset (closed_port);
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) |
                           G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (step_never), NULL);
  status = g_application_run (G_APPLICATION (app), 2, (char **) argv);
  g_assert_cmpint (status, ==, 64);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
}

/* GSK_RENDERER=cairo turns GTK's GL probe off for Satchel (GDK_DEBUG),
 * and only for Satchel: programs it opens get the variable as it was. */
static void
test_application_environment (void)
{
  g_autofree char *renderer = g_strdup (g_getenv ("GSK_RENDERER"));
  g_autofree char *debug = g_strdup (g_getenv ("GDK_DEBUG"));
  g_autoptr(GAppLaunchContext) context = g_app_launch_context_new ();
  g_auto(GStrv) environment = NULL;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "events", TRUE);
  satchel_application_prepare_environment ();
  g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "events,gl-disable");
  satchel_application_restore_environment (context);
  environment = g_app_launch_context_get_environment (context);
  g_assert_cmpstr (g_environ_getenv (environment, "GDK_DEBUG"), ==, "events");

  if (renderer != NULL)
    g_setenv ("GSK_RENDERER", renderer, TRUE);
  else
    g_unsetenv ("GSK_RENDERER");
  if (debug != NULL)
    g_setenv ("GDK_DEBUG", debug, TRUE);
  else
    g_unsetenv ("GDK_DEBUG");
}

int
main (int   argc,
      char *argv[])
{
  gui_test_init_env ("test-application");
  g_test_init (&argc, &argv, NULL);

  closed_port = gui_test_closed_port ();
  gui_test_notifications_start (FALSE);

  g_test_add_func ("/satchel/gui/application/undo", test_application_undo);
  g_test_add_func ("/satchel/gui/application/send-window/undo", test_application_send_window_undo);
  g_test_add_func ("/satchel/gui/application/send-window/close", test_application_send_window_close);
  g_test_add_func ("/satchel/gui/application/send-window/cancel", test_application_send_window_cancel);
  g_test_add_func ("/satchel/gui/application/send-window/failure", test_application_send_window_failure);
  g_test_add_func ("/satchel/gui/application/undo-too-late", test_application_undo_too_late);
  g_test_add_data_func ("/satchel/gui/application/quit-keep", GINT_TO_POINTER (FALSE),
                        test_application_quit_keep);
  g_test_add_data_func ("/satchel/gui/application/close-last-window-keep", GINT_TO_POINTER (TRUE),
                        test_application_quit_keep);
  g_test_add_func ("/satchel/gui/application/last-compose-asks", test_application_last_compose_asks);
  g_test_add_func ("/satchel/gui/application/quit-send-now", test_application_quit_send_now);
  g_test_add_func ("/satchel/gui/application/progress-cancel", test_application_progress_cancel);
  g_test_add_func ("/satchel/gui/application/password", test_application_password);
  g_test_add_func ("/satchel/gui/application/shortcuts", test_application_shortcuts);
  g_test_add_data_func ("/satchel/gui/application/mailto-consent-attach", "attach",
                        test_application_mailto_consent);
  g_test_add_data_func ("/satchel/gui/application/mailto-consent-refuse", "cancel",
                        test_application_mailto_consent);
  g_test_add_data_func ("/satchel/gui/application/mailto-consent-all-refused", "refused",
                        test_application_mailto_consent);
  g_test_add_func ("/satchel/gui/application/attach-relative", test_application_attach_relative);
  g_test_add_func ("/satchel/gui/application/bad-argument", test_application_bad_argument);
  /* Last: it changes this process's environment (and puts it back). */
  g_test_add_func ("/satchel/gui/application/environment", test_application_environment);

  return g_test_run ();
}
