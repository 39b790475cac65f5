/* gui-testlib.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "satchel-account.h"
#include "satchel-outbox.h"

G_BEGIN_DECLS

/* What the main window and application tests share: private XDG
 * folders, waiting on the main loop without tight time limits, real
 * accounts and outbox messages, and the scripted SMTP server of the
 * integration tests as a subprocess. */

/* Points HOME and the XDG folders at a new temporary folder (not
 * G_TEST_OPTION_ISOLATE_DIRS: that hides the MIME database GTK needs),
 * and disables the proxy resolver for tests that open sockets. Call
 * before g_test_init(). */
void               gui_test_init_env     (const char   *name);

/* A loopback port nothing listens on: sends there fail at once. */
guint16            gui_test_closed_port  (void);

/* FALSE (and the test skipped) without an X display. */
gboolean           gui_test_have_display (void);

/* Iterates the default main context until @done returns TRUE (asked
 * again at least every 50 ms, for conditions that are files); fails the
 * test after @seconds (generous: the machine may be loaded). */
void               gui_test_wait_for     (gboolean   (*done) (gpointer),
                                          gpointer     data,
                                          guint        seconds);
/* For gui_test_wait_for(): whether @widget is mapped. */
gboolean           gui_test_is_mapped    (gpointer     widget);
/* Iterates the default main context for @ms milliseconds. */
void               gui_test_spin         (guint        ms);

/* Removes accounts.ini and every file of the outbox, drafts and sent
 * folders. */
void               gui_test_reset        (void);

/* Adds account @name (address me@example.com) on 127.0.0.1:@port with
 * no TLS, plain-text AUTH allowed, user "alice", and a short time-out.
 * (transfer full) */
SatchelAccount    *gui_test_add_account  (const char   *name,
                                          guint16       port);

/* Queues a message for account @name with @subject to
 * bob@example.com, held until @held_until when it is not 0; with
 * @attachment_size > 0 it carries an attachment of that many bytes.
 * (transfer full) the outbox item. */
SatchelOutboxItem *gui_test_queue        (const char   *account,
                                          const char   *subject,
                                          gint64        held_until,
                                          gsize         attachment_size);

/* Rewrites the state of outbox message @id. */
void               gui_test_set_state    (const char         *id,
                                          SatchelOutboxState  state,
                                          const char         *last_error);
/* Makes outbox message @id queued and due now. */
void               gui_test_make_due     (const char   *id);
/* (transfer full) (nullable) outbox message @id as on disk now. */
SatchelOutboxItem *gui_test_lookup       (const char   *id);

/* The scripted fault server (tests/integration/satchel_faultserver.py)
 * with @script (JSON). */
typedef struct _GuiTestServer GuiTestServer;
GuiTestServer     *gui_test_server_start (const char    *script);
guint16            gui_test_server_port  (GuiTestServer *server);
void               gui_test_server_stop  (GuiTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GuiTestServer, gui_test_server_stop)

/* A stand-in for the desktop's notification server: owns
 * org.gtk.Notifications on the session bus (GApplication then sends its
 * notifications there) and records them. Start it before the
 * application sends its first one. */
typedef struct
{
  char     *id;        /* the notification's id, e.g. "send-ID" */
  char     *title;
  char     *body;
  GVariant *buttons;   /* aa{sv}: label, action, target */
  gboolean  withdrawn;
} GuiTestNotification;

/* @required: fail when another process already owns the name (a test
 * that checks notifications); otherwise that process answers, which
 * does as well. */
void               gui_test_notifications_start (gboolean required);
/* The notifications received so far, oldest first (transfer none):
 * GPtrArray of GuiTestNotification. */
GPtrArray         *gui_test_notifications       (void);
/* The last one with @id, or NULL. */
GuiTestNotification *gui_test_notification_lookup (const char *id);

/* Saves a draft with @subject, @to and a short text; (transfer full)
 * its id. */
char              *gui_test_save_draft   (const char   *subject,
                                          const char   *to);

/* Waits (generously) for a visible dialog of @type transient for
 * @parent, and returns it. */
GtkWindow         *gui_test_wait_for_dialog (GtkWindow *parent,
                                             GType      type);

/* The outbox row of message @id in the main window @window, or NULL. */
GtkWidget         *gui_test_find_outbox_row (GtkWidget  *window,
                                             const char *id);

/* The first widget of @type under @widget, depth first, or NULL. */
GtkWidget         *gui_test_find_widget  (GtkWidget    *widget,
                                          GType         type);
/* Adds every widget of @type under @widget (itself included) to
 * @found, in tree order. */
void               gui_test_collect_widgets (GtkWidget *widget,
                                             GType      type,
                                             GPtrArray *found);
/* The first AdwPreferencesRow under @widget titled @title, or NULL. */
GtkWidget         *gui_test_find_row     (GtkWidget    *widget,
                                          const char   *title);
/* The first GtkLabel under @widget whose text contains @text, or NULL. */
GtkLabel          *gui_test_find_label   (GtkWidget    *widget,
                                          const char   *text);
/* The first GtkButton under @widget whose label is @label (mnemonic
 * included, as "_Undo"); with @mapped, only one on screen. Or NULL. */
GtkWidget         *gui_test_find_button  (GtkWidget    *widget,
                                          const char   *label,
                                          gboolean      mapped);
/* The first toplevel of @type transient for @parent (any when @parent
 * is NULL), or NULL. */
GtkWindow         *gui_test_find_dialog  (GtkWindow    *parent,
                                          GType         type);

G_END_DECLS
