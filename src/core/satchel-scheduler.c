/* satchel-scheduler.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-scheduler"

#include "config.h"

#include "satchel-scheduler.h"

#include "satchel-outbox.h"
#include "satchel-sender.h"

/* The monotonic clock of timers stands still while the machine sleeps:
 * never sleep longer than this, so a laptop that wakes up finds its
 * retries due within minutes, not hours late. With nothing to wait for,
 * look again after this long too: satchel-cli may have queued a message
 * for a retry meanwhile. */
#define MAX_SLEEP_SECONDS 600

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

static void start_flush (SatchelScheduler *self);

/* Helpers */

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
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
      SatchelOutboxItem *item = g_ptr_array_index (items, i);
      gint64 when;

      switch (satchel_outbox_item_get_state (item))
        {
        case SATCHEL_OUTBOX_QUEUED:
          when = satchel_outbox_item_get_next_attempt (item);
          break;
        case SATCHEL_OUTBOX_HELD:
          when = satchel_outbox_item_get_held_until (item);
          break;
        case SATCHEL_OUTBOX_SENDING:
          when = 0;
          break;
        case SATCHEL_OUTBOX_FAILED:
        case SATCHEL_OUTBOX_UNKNOWN:
        default:
          /* These wait for the user. */
          continue;
        }

      if (when <= now)
        when = now + SATCHEL_SCHEDULER_RECHECK_SECONDS;
      if (next == 0 || when < next)
        next = when;
    }

  return next;
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FlushJob *job = task_data;
  g_autoptr(SatchelContext) context = NULL;
  g_autoptr(GError) error = NULL;
  SatchelOutbox *outbox;

  /* A context of its own over the same files: the account list the UI
   * shows must not change from this thread. */
  context = satchel_context_new ();
  outbox = satchel_context_get_outbox (context);

  if (job->retry_now)
    make_queued_items_due (outbox, now_seconds ());

  job->n_sent = satchel_sender_flush_sync (context, FALSE, NULL, &job->n_failed,
                                           cancellable, &error);
  if (error != NULL)
    g_debug ("Flush: %u sent, %u failed, first error: %s", job->n_sent,
             job->n_failed, error->message);

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
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (satchel_scheduler_parent_class)->dispose (object);
}

static void
satchel_scheduler_finalize (GObject *object)
{
  SatchelScheduler *self = SATCHEL_SCHEDULER (object);

  g_clear_pointer (&self->main_context, g_main_context_unref);

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
}

static void
satchel_scheduler_init (SatchelScheduler *self)
{
  self->main_context = g_main_context_ref_thread_default ();
  self->network_available = TRUE;
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
