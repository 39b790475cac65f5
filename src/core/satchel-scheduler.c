/* satchel-scheduler.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-scheduler"

#include "config.h"

#include "satchel-scheduler.h"

#include "satchel-account-store.h"
#include "satchel-error.h"
#include "satchel-outbox.h"
#include "satchel-sender.h"

#include <string.h>

/* The monotonic clock of timers stands still while the machine sleeps:
 * never sleep longer than this, so a laptop that wakes up finds its
 * retries due within minutes, not hours late. With nothing to wait for,
 * look again after this long too: satchel-cli may have queued a message
 * for a retry meanwhile. */
#define MAX_SLEEP_SECONDS 600

/* Progress signals are for people: ten a second is smooth enough, and
 * more would keep the main loop busy for nothing. A count held back by
 * this limit goes out when the interval is over, so that a write that
 * blocks (the server stopped reading) leaves the last count shown, not
 * an older one. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)

/* What the worker tells the main context about one message. */
typedef struct
{
  guint    signal;
  char    *id;
  guint64  sent;
  guint64  total;
  GError  *error;
} SendEvent;

struct _SatchelScheduler
{
  GObject          parent_instance;

  GNetworkMonitor *monitor;
  GMainContext    *main_context;

  GCancellable    *cancellable;   /* of the running flush; NULL when idle */
  GSource         *timer;
  gint64           next_wakeup;

  gboolean         started;
  gboolean         flush_pending;
  gboolean         retry_pending; /* the network came back */
  gboolean         network_available;

  /* Shared with the worker thread, under @lock. */
  GMutex           lock;
  GHashTable      *passwords;           /* account id or name → typed password */
  char            *sending_id;          /* the message being sent now */
  GCancellable    *sending_cancellable; /* its own, chained to the flush's */
  GQueue           events;              /* SendEvent *, for the main context */
  GSource         *events_source;       /* dispatches them there */
  gint64           progress_time;       /* monotonic µs of the last queued
                                         * progress; 0 for none yet */
  SendEvent       *pending_progress;    /* the newest one held back */
  GSource         *progress_source;     /* queues it when it is time */
};

G_DEFINE_FINAL_TYPE (SatchelScheduler, satchel_scheduler, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_NETWORK_MONITOR,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  FLUSHED,
  SEND_STARTED,
  SEND_PROGRESS,
  SEND_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one flush did, filled in by the worker. */
typedef struct
{
  gboolean retry_now;
  guint    n_sent;
  guint    n_failed;
  gint64   next_due;
} FlushJob;

/* The worker's notes on the message it is sending. */
typedef struct
{
  SatchelScheduler *self;
  const char       *id;
  gboolean          started;
  guint64           sent;           /* the last count the sender gave */
  guint64           total;
} ItemSend;

static void start_flush (SatchelScheduler *self);

/* Helpers */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A typed password is wiped before its memory goes back. */
static void
password_free (gpointer data)
{
  char *password = data;

  if (password == NULL)
    return;
  explicit_bzero (password, strlen (password));
  g_free (password);
}

static void
send_event_free (gpointer data)
{
  SendEvent *event = data;

  g_free (event->id);
  g_clear_error (&event->error);
  g_free (event);
}

/* Emits the queued events, in the order the worker queued them; on the
 * scheduler's main context. */
static void
dispatch_events (SatchelScheduler *self)
{
  GQueue events = G_QUEUE_INIT;
  GSource *source;
  SendEvent *event;

  g_mutex_lock (&self->lock);
  events = self->events;
  g_queue_init (&self->events);
  source = g_steal_pointer (&self->events_source);
  g_mutex_unlock (&self->lock);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }

  while ((event = g_queue_pop_head (&events)) != NULL)
    {
      if (event->signal == SEND_PROGRESS)
        g_signal_emit (self, signals[SEND_PROGRESS], 0, event->id, event->sent, event->total);
      else if (event->signal == SEND_FINISHED)
        g_signal_emit (self, signals[SEND_FINISHED], 0, event->id, event->error);
      else
        g_signal_emit (self, signals[SEND_STARTED], 0, event->id);
      send_event_free (event);
    }
}

static gboolean
on_events_ready (gpointer user_data)
{
  dispatch_events (SATCHEL_SCHEDULER (user_data));
  return G_SOURCE_REMOVE;
}

static SendEvent *
send_event_new (guint         signal,
                const char   *id,
                guint64       sent,
                guint64       total,
                const GError *error)
{
  SendEvent *event = g_new0 (SendEvent, 1);

  event->signal = signal;
  event->id = g_strdup (id);
  event->sent = sent;
  event->total = total;
  event->error = error != NULL ? g_error_copy (error) : NULL;
  return event;
}

/* Under @lock: @event (transfer full) goes after every event queued
 * before it. One idle source carries every event queued until it runs,
 * so the main context sees them in order. */
static void
push_event_locked (SatchelScheduler *self,
                   SendEvent        *event)
{
  g_queue_push_tail (&self->events, event);
  if (self->events_source == NULL)
    {
      self->events_source = g_idle_source_new ();
      g_source_set_priority (self->events_source, G_PRIORITY_DEFAULT);
      g_source_set_callback (self->events_source, on_events_ready,
                             g_object_ref (self), g_object_unref);
      g_source_set_static_name (self->events_source, "[satchel] send progress");
      g_source_attach (self->events_source, self->main_context);
    }
}

/* From the worker. */
static void
queue_event (SatchelScheduler *self,
             guint             signal,
             const char       *id,
             guint64           sent,
             guint64           total,
             const GError     *error)
{
  SendEvent *event = send_event_new (signal, id, sent, total, error);

  g_mutex_lock (&self->lock);
  push_event_locked (self, event);
  g_mutex_unlock (&self->lock);
}

/* On the main context, when the interval after the last progress signal
 * is over: the count held back since goes out, unless a newer one went
 * meanwhile or the send ended (which took it and the timeout away). */
static gboolean
on_progress_due (gpointer user_data)
{
  SatchelScheduler *self = user_data;

  g_mutex_lock (&self->lock);
  if (self->progress_source == g_main_current_source ())
    {
      g_clear_pointer (&self->progress_source, g_source_unref);
      if (self->pending_progress != NULL)
        {
          self->progress_time = g_get_monotonic_time ();
          push_event_locked (self, g_steal_pointer (&self->pending_progress));
        }
    }
  g_mutex_unlock (&self->lock);

  return G_SOURCE_REMOVE;
}

/* Under @lock: a count the throttle holds back, to go out @wait_us from
 * now at the latest (a newer count may replace it meanwhile). */
static void
hold_progress_locked (SatchelScheduler *self,
                      const char       *id,
                      guint64           sent,
                      guint64           total,
                      gint64            wait_us)
{
  if (self->pending_progress == NULL)
    self->pending_progress = send_event_new (SEND_PROGRESS, id, 0, 0, NULL);
  self->pending_progress->sent = sent;
  self->pending_progress->total = total;

  if (self->progress_source != NULL)
    return;
  self->progress_source = g_timeout_source_new ((guint) ((wait_us + 999) / 1000));
  g_source_set_priority (self->progress_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->progress_source, on_progress_due,
                         g_object_ref (self), g_object_unref);
  g_source_set_static_name (self->progress_source, "[satchel] held-back progress");
  g_source_attach (self->progress_source, self->main_context);
}

/* Under @lock: forgets the count held back; returns its timeout
 * (transfer full, to destroy outside the lock: that drops the
 * source's reference on us), or NULL. */
static GSource *
drop_held_progress_locked (SatchelScheduler *self)
{
  g_clear_pointer (&self->pending_progress, send_event_free);
  return g_steal_pointer (&self->progress_source);
}

/* The end of a message's progress: the count held back, if any, is
 * queued now (before "send-finished", which follows it), and the
 * timeout goes, so that nothing of this message comes after its end.
 * From the worker, or from dispose. */
static void
end_progress (SatchelScheduler *self,
              gboolean          flush)
{
  g_autoptr(GSource) source = NULL;

  g_mutex_lock (&self->lock);
  if (flush && self->pending_progress != NULL)
    push_event_locked (self, g_steal_pointer (&self->pending_progress));
  source = drop_held_progress_locked (self);
  self->progress_time = 0;
  g_mutex_unlock (&self->lock);

  if (source != NULL)
    g_source_destroy (source);
}

/* The network is back: what waits for a retry is tried now. Held
 * messages keep their undo time; one another process is sending is left
 * alone (its lock says so). */
static void
make_queued_items_due (SatchelOutbox *outbox,
                       gint64         now)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = satchel_outbox_list (outbox, &error);
  if (items == NULL)
    {
      g_message ("Could not read the outbox: %s", error->message);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);

      if (satchel_outbox_item_get_state (item) != SATCHEL_OUTBOX_QUEUED ||
          satchel_outbox_item_get_next_attempt (item) <= now)
        continue;

      if (!satchel_outbox_lock (outbox, item, NULL))
        continue;

      if (satchel_outbox_reload (outbox, item, NULL) &&
          satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_QUEUED &&
          satchel_outbox_item_get_next_attempt (item) > now)
        {
          satchel_outbox_item_set_next_attempt (item, now);
          if (!satchel_outbox_save (outbox, item, &error))
            {
              g_message ("Could not reschedule %s: %s",
                         satchel_outbox_item_get_id (item), error->message);
              g_clear_error (&error);
            }
        }

      satchel_outbox_unlock (outbox, item);
    }
}

/* When the earliest message left in the outbox is due, or 0. A message
 * that is due but still there (another process holds it, or the flush
 * was cancelled) is looked at again a little later, not in a loop. */
static gint64
find_next_due (SatchelOutbox *outbox,
               gint64         now)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gint64 next = 0;

  items = satchel_outbox_list (outbox, &error);
  if (items == NULL)
    {
      g_message ("Could not read the outbox: %s", error->message);
      return now + SATCHEL_SCHEDULER_RECHECK_SECONDS;
    }

  for (guint i = 0; i < items->len; i++)
    {
      gint64 when = satchel_outbox_item_get_due (g_ptr_array_index (items, i), FALSE);

      if (when == G_MAXINT64)
        continue;
      if (when <= now)
        when = now + SATCHEL_SCHEDULER_RECHECK_SECONDS;
      if (next == 0 || when < next)
        next = when;
    }

  return next;
}

/* A copy of the password typed for @item's account, or NULL for the
 * keyring's. */
static char *
dup_typed_password (SatchelScheduler  *self,
                    SatchelContext    *context,
                    SatchelOutboxItem *item)
{
  const char *name = satchel_outbox_item_get_account (item);
  g_autoptr(SatchelAccount) account = NULL;
  const char *password = NULL;
  char *copy = NULL;

  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->passwords) == 0)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  g_mutex_unlock (&self->lock);

  if (name != NULL &&
      satchel_account_store_load (satchel_context_get_accounts (context), NULL))
    account = satchel_account_store_lookup (satchel_context_get_accounts (context), name);

  g_mutex_lock (&self->lock);
  if (account != NULL && satchel_account_get_id (account) != NULL)
    password = g_hash_table_lookup (self->passwords, satchel_account_get_id (account));
  if (password == NULL && name != NULL)
    password = g_hash_table_lookup (self->passwords, name);
  copy = g_strdup (password);
  g_mutex_unlock (&self->lock);

  return copy;
}

/* The send really began: the message was neither refused as busy nor
 * skipped. */
static void
announce_start (ItemSend *send)
{
  if (send->started)
    return;
  send->started = TRUE;
  queue_event (send->self, SEND_STARTED, send->id, 0, 0, NULL);
}

static void
on_item_step (SatchelSmtpStep step,
              gpointer        user_data)
{
  announce_start (user_data);
}

static void
on_item_progress (guint64  sent,
                  guint64  total,
                  gpointer user_data)
{
  ItemSend *send = user_data;
  SatchelScheduler *self = send->self;
  g_autoptr(GSource) source = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 wait_us;

  announce_start (send);
  send->sent = sent;
  send->total = total;

  g_mutex_lock (&self->lock);
  wait_us = self->progress_time + PROGRESS_INTERVAL_US - now;
  if (sent != total && self->progress_time != 0 && wait_us > 0)
    hold_progress_locked (self, send->id, sent, total, wait_us);
  else
    {
      /* This count replaces the one held back. */
      source = drop_held_progress_locked (self);
      self->progress_time = now;
      push_event_locked (self, send_event_new (SEND_PROGRESS, send->id, sent, total, NULL));
    }
  g_mutex_unlock (&self->lock);

  if (source != NULL)
    g_source_destroy (source);
}

static void
on_flush_cancelled (GCancellable *flush_cancellable,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* The user stopped this message: it waits for its next attempt on the
 * retry schedule instead of starting again at once. */
static void
postpone (SatchelOutbox     *outbox,
          SatchelOutboxItem *item)
{
  g_autoptr(GError) error = NULL;

  if (!satchel_outbox_lock (outbox, item, NULL))
    return;

  if (satchel_outbox_reload (outbox, item, NULL) &&
      satchel_outbox_item_get_state (item) == SATCHEL_OUTBOX_QUEUED)
    {
      guint attempts = MAX (satchel_outbox_item_get_attempts (item), 1);

      satchel_outbox_item_set_next_attempt (item, now_seconds () +
                                            satchel_sender_retry_delay (attempts));
      if (!satchel_outbox_save (outbox, item, &error))
        g_message ("Could not postpone %s: %s", satchel_outbox_item_get_id (item),
                   error->message);
    }

  satchel_outbox_unlock (outbox, item);
}

/* Sends @item with its own cancellable, so that cancelling it spares
 * the rest of the flush, and tells the main context how it goes. */
static void
send_item (SatchelScheduler  *self,
           SatchelContext    *context,
           SatchelOutboxItem *item,
           GCancellable      *flush_cancellable,
           FlushJob          *job)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  ItemSend send = { 0 };
  SatchelSendHooks hooks = { 0 };
  char *password;
  gulong handler;
  gboolean ok;
  gboolean stopped_by_user;

  send.self = self;
  send.id = satchel_outbox_item_get_id (item);

  g_mutex_lock (&self->lock);
  self->sending_id = g_strdup (send.id);
  self->sending_cancellable = g_object_ref (cancellable);
  g_mutex_unlock (&self->lock);
  handler = g_cancellable_connect (flush_cancellable, G_CALLBACK (on_flush_cancelled),
                                   cancellable, NULL);

  password = dup_typed_password (self, context, item);
  hooks.step = on_item_step;
  hooks.progress = on_item_progress;
  hooks.user_data = &send;
  hooks.password = password;
  ok = satchel_sender_send_item_sync (context, item, FALSE, &hooks, cancellable, &error);
  password_free (password);

  g_cancellable_disconnect (flush_cancellable, handler);
  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->sending_id, g_free);
  g_clear_object (&self->sending_cancellable);
  g_mutex_unlock (&self->lock);
  end_progress (self, TRUE);

  /* Another process is sending it, or it was not due after all. */
  if (!ok && !send.started &&
      g_error_matches (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY))
    return;

  announce_start (&send);
  if (ok && send.total > 0 && send.sent != send.total)
    queue_event (self, SEND_PROGRESS, send.id, send.total, send.total, NULL);
  queue_event (self, SEND_FINISHED, send.id, 0, 0, error);

  if (ok)
    {
      job->n_sent++;
      return;
    }

  job->n_failed++;
  stopped_by_user = g_cancellable_is_cancelled (cancellable) &&
                    !g_cancellable_is_cancelled (flush_cancellable);
  if (stopped_by_user)
    postpone (satchel_context_get_outbox (context), item);
  else
    g_debug ("Could not send %s: %s", send.id, error->message);
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SatchelScheduler *self = source_object;
  FlushJob *job = task_data;
  g_autoptr(SatchelContext) context = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  SatchelOutbox *outbox;
  gint64 now;

  /* A context of its own over the same files: the account list the UI
   * shows must not change from this thread. */
  context = satchel_context_new ();
  outbox = satchel_context_get_outbox (context);

  if (job->retry_now)
    make_queued_items_due (outbox, now_seconds ());

  now = now_seconds ();
  items = satchel_outbox_list (outbox, &error);
  if (items == NULL)
    g_message ("Could not read the outbox: %s", error->message);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (satchel_outbox_item_get_due (item, FALSE) <= now)
        send_item (self, context, item, cancellable, job);
    }

  job->next_due = find_next_due (outbox, now_seconds ());
  g_task_return_boolean (task, TRUE);
}

static void
remove_timer (SatchelScheduler *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  self->next_wakeup = 0;
}

static gboolean
on_timer_fired (gpointer user_data)
{
  SatchelScheduler *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  self->next_wakeup = 0;
  start_flush (self);

  return G_SOURCE_REMOVE;
}

/* One timer, for the earliest due message (or sooner, see
 * MAX_SLEEP_SECONDS); @when is 0 when nothing waits. */
static void
arm_timer (SatchelScheduler *self,
           gint64            when)
{
  gint64 delay_us;
  guint seconds;

  remove_timer (self);
  if (!self->started)
    return;

  delay_us = when * G_USEC_PER_SEC - g_get_real_time ();
  if (when == 0 || delay_us > (gint64) MAX_SLEEP_SECONDS * G_USEC_PER_SEC)
    seconds = MAX_SLEEP_SECONDS;
  else if (delay_us <= 0)
    seconds = 1;
  else
    seconds = (guint) ((delay_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

  self->timer = g_timeout_source_new_seconds (seconds);
  g_source_set_callback (self->timer, on_timer_fired, self, NULL);
  g_source_set_static_name (self->timer, "[satchel] outbox retry");
  g_source_attach (self->timer, self->main_context);
  self->next_wakeup = now_seconds () + seconds;
}

/* Callbacks */

static void
on_flush_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (source);
  FlushJob *job = g_task_get_task_data (G_TASK (result));

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_clear_object (&self->cancellable);

  /* Every message's signals before the flush's. */
  dispatch_events (self);

  if (self->started && self->flush_pending)
    start_flush (self);
  else
    {
      arm_timer (self, job->next_due);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }

  g_signal_emit (self, signals[FLUSHED], 0, job->n_sent, job->n_failed);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  satchel_scheduler_network_changed (SATCHEL_SCHEDULER (user_data), available);
}

static void
start_flush (SatchelScheduler *self)
{
  g_autoptr(GTask) task = NULL;
  FlushJob *job;
  gboolean was_busy = self->cancellable != NULL;

  if (was_busy)
    {
      self->flush_pending = TRUE;
      return;
    }

  self->flush_pending = FALSE;
  remove_timer (self);

  job = g_new0 (FlushJob, 1);
  job->retry_now = self->retry_pending;
  self->retry_pending = FALSE;

  self->cancellable = g_cancellable_new ();
  task = g_task_new (self, self->cancellable, on_flush_done, NULL);
  g_task_set_source_tag (task, start_flush);
  g_task_set_name (task, "[satchel] outbox flush");
  g_task_set_task_data (task, job, g_free);
  g_task_run_in_thread (task, flush_thread);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Overrides */

static void
satchel_scheduler_dispose (GObject *object)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (object);

  satchel_scheduler_stop (self);
  end_progress (self, FALSE);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (satchel_scheduler_parent_class)->dispose (object);
}

static void
satchel_scheduler_finalize (GObject *object)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (object);

  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_hash_table_unref (self->passwords);
  g_queue_clear_full (&self->events, send_event_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (satchel_scheduler_parent_class)->finalize (object);
}

static void
satchel_scheduler_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_NETWORK_MONITOR:
      g_value_set_object (value, self->monitor);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, satchel_scheduler_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_scheduler_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_NETWORK_MONITOR:
      self->monitor = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_scheduler_class_init (SatchelSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = satchel_scheduler_dispose;
  object_class->finalize = satchel_scheduler_finalize;
  object_class->get_property = satchel_scheduler_get_property;
  object_class->set_property = satchel_scheduler_set_property;

  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL,
                         G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                          G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After each flush, on the scheduler's main context: how many messages
   * were sent and how many failed (they stay in the outbox). */
  signals[FLUSHED] =
    g_signal_new ("flushed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  /* A flush began sending the outbox message of this id. */
  signals[SEND_STARTED] =
    g_signal_new ("send-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /* How many bytes of it went out, of how many. */
  signals[SEND_PROGRESS] =
    g_signal_new ("send-progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_UINT64, G_TYPE_UINT64);

  /* The end of its send: NULL when the server accepted it, else why
   * it stays in the outbox. */
  signals[SEND_FINISHED] =
    g_signal_new ("send-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
satchel_scheduler_init (SatchelScheduler *self)
{
  self->main_context = g_main_context_ref_thread_default ();
  self->network_available = TRUE;
  g_mutex_init (&self->lock);
  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, password_free);
}

/* Public API */

SatchelScheduler *
satchel_scheduler_new (GNetworkMonitor *monitor)
{
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (SATCHEL_TYPE_SCHEDULER,
                       "network-monitor", monitor,
                       NULL);
}

void
satchel_scheduler_start (SatchelScheduler *self)
{
  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));

  if (self->started)
    return;
  self->started = TRUE;

  if (self->monitor != NULL)
    {
      self->network_available = g_network_monitor_get_network_available (self->monitor);
      g_signal_connect_object (self->monitor, "network-changed",
                               G_CALLBACK (on_network_changed), self, 0);
    }

  start_flush (self);
}

void
satchel_scheduler_stop (SatchelScheduler *self)
{
  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));

  self->started = FALSE;
  self->flush_pending = FALSE;
  self->retry_pending = FALSE;
  remove_timer (self);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_func (self->monitor, on_network_changed, self);

  /* The sender leaves a cancelled message queued, due at once. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
satchel_scheduler_flush (SatchelScheduler *self)
{
  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));

  if (self->started)
    start_flush (self);
}

void
satchel_scheduler_network_changed (SatchelScheduler *self,
                                   gboolean          available)
{
  gboolean came_back;

  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));

  came_back = available && !self->network_available;
  self->network_available = available;

  if (!self->started || !available)
    return;

  if (came_back)
    self->retry_pending = TRUE;
  start_flush (self);
}

void
satchel_scheduler_cancel_item (SatchelScheduler *self,
                               const char       *id)
{
  g_autoptr(GCancellable) cancellable = NULL;

  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));
  g_return_if_fail (id != NULL);

  g_mutex_lock (&self->lock);
  if (g_strcmp0 (self->sending_id, id) == 0)
    cancellable = g_object_ref (self->sending_cancellable);
  g_mutex_unlock (&self->lock);

  /* Outside the lock: cancelling runs the socket's handlers. */
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
}

void
satchel_scheduler_set_password (SatchelScheduler *self,
                                const char       *account_id,
                                const char       *password)
{
  g_return_if_fail (SATCHEL_IS_SCHEDULER (self));
  g_return_if_fail (account_id != NULL);

  g_mutex_lock (&self->lock);
  if (password != NULL)
    g_hash_table_replace (self->passwords, g_strdup (account_id), g_strdup (password));
  else
    g_hash_table_remove (self->passwords, account_id);
  g_mutex_unlock (&self->lock);
}

gboolean
satchel_scheduler_get_busy (SatchelScheduler *self)
{
  g_return_val_if_fail (SATCHEL_IS_SCHEDULER (self), FALSE);

  return self->cancellable != NULL;
}

gint64
satchel_scheduler_get_next_wakeup (SatchelScheduler *self)
{
  g_return_val_if_fail (SATCHEL_IS_SCHEDULER (self), 0);

  return self->next_wakeup;
}
