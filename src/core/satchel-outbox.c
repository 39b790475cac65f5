/* satchel-outbox.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-outbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "satchel-outbox.h"

#include "satchel-error.h"
#include "satchel-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define GROUP "Message"

/* How often satchel_outbox_lock() tries again when the lock file it
 * locked was replaced meanwhile (a sender finished and removed it). */
#define LOCK_ATTEMPTS 8

struct _SatchelOutboxItem
{
  GObject             parent_instance;

  char               *id;
  SatchelOutboxState  state;
  char               *account;
  char               *sender;
  char              **recipients;
  char               *subject;
  gint64              created;
  guint64             size;
  guint               attempts;
  gint64              next_attempt;
  gint64              held_until;
  char               *last_error;
  gboolean            needs_smtputf8;
  gboolean            needs_8bit;
  gboolean            data_ended;

  /* The open ID.lock while satchel_outbox_lock() holds it, else -1. */
  int                 lock_fd;
};

G_DEFINE_FINAL_TYPE (SatchelOutboxItem, satchel_outbox_item, G_TYPE_OBJECT)

struct _SatchelOutbox
{
  GObject  parent_instance;

  char    *dir;
  char    *sent_dir;
};

G_DEFINE_FINAL_TYPE (SatchelOutbox, satchel_outbox, G_TYPE_OBJECT)

static const char * const state_names[] = {
  [SATCHEL_OUTBOX_QUEUED] = "queued",
  [SATCHEL_OUTBOX_HELD] = "held",
  [SATCHEL_OUTBOX_SENDING] = "sending",
  [SATCHEL_OUTBOX_FAILED] = "failed",
  [SATCHEL_OUTBOX_UNKNOWN] = "unknown",
};

/* Helpers */

static void set_errno_error (GError     **error,
                             int          saved_errno,
                             const char  *format,
                             ...) G_GNUC_PRINTF (3, 4);

/* An I/O error that says what failed, on which file, and why. */
static void
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s", what, g_strerror (saved_errno));
}

/* g_set_str() is newer than GLib 2.74. */
static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* Only names that are safe as a file name and as a command argument:
 * nothing that could leave the folder or look like an option. */
static gboolean
is_valid_id (const char *id)
{
  if (id == NULL || id[0] == '\0' || id[0] == '.' || id[0] == '-')
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;

  return TRUE;
}

/* Oldest first: when two share a second, the id (which has the
 * microseconds) decides. */
static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  SatchelOutboxItem *item_a = *(SatchelOutboxItem **) a;
  SatchelOutboxItem *item_b = *(SatchelOutboxItem **) b;

  if (item_a->created != item_b->created)
    return item_a->created < item_b->created ? -1 : 1;

  return strcmp (item_a->id, item_b->id);
}

static char *
make_id (void)
{
  gint64 now = g_get_real_time ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (time, "%Y%m%dT%H%M%S");

  return g_strdup_printf ("%s.%06dZ-%08" G_GINT32_MODIFIER "x", stamp,
                          (int) (now % G_USEC_PER_SEC), g_random_int ());
}

static char *
dup_path (SatchelOutbox *self,
          const char    *id,
          const char    *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (self->dir, name, NULL);
}

static gboolean
sync_dir (const char  *path,
          GError     **error)
{
  int fd;

  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not open the folder “%s”"), path);
      return FALSE;
    }

  if (fsync (fd) < 0)
    {
      int saved_errno = errno;

      close (fd);
      set_errno_error (error, saved_errno, _("Could not save the folder “%s” to disk"), path);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length,
           const char  *path,
           GError     **error)
{
  while (length > 0)
    {
      gssize n = write (fd, data, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_errno_error (error, errno, _("Could not write “%s”"), path);
          return FALSE;
        }
      data += n;
      length -= n;
    }

  return TRUE;
}

/* Writes @path whole or not at all: a temporary file beside it, synced
 * to disk, renamed over it, then the folder synced so that the rename
 * itself survives a crash. */
static gboolean
write_file_atomically (const char  *path,
                       const char  *data,
                       gsize        length,
                       GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".tmp", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  fd = open (tmp_path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Could not create “%s”"), tmp_path);
      return FALSE;
    }

  /* A leftover temporary file keeps its old mode through O_CREAT. */
  if (fchmod (fd, 0600) < 0)
    {
      set_errno_error (error, errno, _("Could not protect “%s”"), tmp_path);
      goto fail;
    }

  if (!write_all (fd, data, length, tmp_path, error))
    goto fail;

  if (fsync (fd) < 0)
    {
      set_errno_error (error, errno, _("Could not save “%s” to disk"), tmp_path);
      goto fail;
    }

  if (close (fd) < 0)
    {
      fd = -1;
      set_errno_error (error, errno, _("Could not write “%s”"), tmp_path);
      goto fail;
    }
  fd = -1;

  if (g_rename (tmp_path, path) < 0)
    {
      set_errno_error (error, errno, _("Could not replace “%s”"), path);
      goto fail;
    }

  return sync_dir (dir, error);

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  return FALSE;
}

static gboolean
unlink_if_exists (const char  *path,
                  GError     **error)
{
  if (g_unlink (path) < 0 && errno != ENOENT)
    {
      set_errno_error (error, errno, _("Could not remove “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

/* GKeyFile needs UTF-8; whatever we were handed, the state file must
 * stay readable. */
static void
set_string (GKeyFile   *key_file,
            const char *key,
            const char *value)
{
  g_autofree char *valid = NULL;

  if (value == NULL)
    return;
  valid = g_utf8_make_valid (value, -1);
  g_key_file_set_string (key_file, GROUP, key, valid);
}

static char *
item_to_data (SatchelOutboxItem *item,
              gsize             *length)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GPtrArray) recipients = g_ptr_array_new_with_free_func (g_free);

  g_key_file_set_string (key_file, GROUP, "state",
                         satchel_outbox_state_to_string (item->state));
  set_string (key_file, "account", item->account);
  set_string (key_file, "sender", item->sender);

  for (guint i = 0; item->recipients != NULL && item->recipients[i] != NULL; i++)
    g_ptr_array_add (recipients, g_utf8_make_valid (item->recipients[i], -1));
  g_key_file_set_string_list (key_file, GROUP, "recipients",
                              (const char * const *) recipients->pdata,
                              recipients->len);

  set_string (key_file, "subject", item->subject);
  g_key_file_set_int64 (key_file, GROUP, "created", item->created);
  g_key_file_set_uint64 (key_file, GROUP, "size", item->size);
  g_key_file_set_uint64 (key_file, GROUP, "attempts", item->attempts);
  g_key_file_set_int64 (key_file, GROUP, "next-attempt", item->next_attempt);
  g_key_file_set_int64 (key_file, GROUP, "held-until", item->held_until);
  set_string (key_file, "last-error", item->last_error);
  g_key_file_set_boolean (key_file, GROUP, "needs-smtputf8", item->needs_smtputf8);
  g_key_file_set_boolean (key_file, GROUP, "needs-8bit", item->needs_8bit);
  g_key_file_set_boolean (key_file, GROUP, "data-ended", item->data_ended);

  return g_key_file_to_data (key_file, length, NULL);
}

/* Optional keys: a missing one is 0, a malformed one makes the whole
 * file unreadable (better to leave it alone than to guess). Takes
 * @local_error, the error of the read, and says whether to go on. */
static gboolean
accept_missing_key (GError  *local_error,
                    GError **error)
{
  if (local_error == NULL)
    return TRUE;
  if (g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    {
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
read_int64 (GKeyFile    *key_file,
            const char  *key,
            gint64      *value,
            GError     **error)
{
  GError *local_error = NULL;

  *value = g_key_file_get_int64 (key_file, GROUP, key, &local_error);
  return accept_missing_key (local_error, error);
}

static gboolean
read_uint64 (GKeyFile    *key_file,
             const char  *key,
             guint64     *value,
             GError     **error)
{
  GError *local_error = NULL;

  *value = g_key_file_get_uint64 (key_file, GROUP, key, &local_error);
  return accept_missing_key (local_error, error);
}

static gboolean
read_boolean (GKeyFile    *key_file,
              const char  *key,
              gboolean    *value,
              GError     **error)
{
  GError *local_error = NULL;

  *value = g_key_file_get_boolean (key_file, GROUP, key, &local_error);
  return accept_missing_key (local_error, error);
}

static gboolean
read_string (GKeyFile    *key_file,
             const char  *key,
             char       **value,
             GError     **error)
{
  GError *local_error = NULL;
  char *text;

  text = g_key_file_get_string (key_file, GROUP, key, &local_error);
  if (!accept_missing_key (local_error, error))
    return FALSE;

  g_free (*value);
  *value = text;
  return TRUE;
}

/* Parses @key_file into the fields of @item (all or nothing). */
static gboolean
parse_key_file (GKeyFile           *key_file,
                SatchelOutboxItem  *item,
                GError            **error)
{
  g_autofree char *state_name = NULL;
  g_auto(GStrv) recipients = NULL;
  g_autoptr(GError) local_error = NULL;
  SatchelOutboxState state;
  char *account = NULL, *sender = NULL, *subject = NULL, *last_error = NULL;
  gint64 created, next_attempt, held_until;
  guint64 size, attempts;
  gboolean needs_smtputf8, needs_8bit, data_ended;
  gboolean ok;

  state_name = g_key_file_get_string (key_file, GROUP, "state", error);
  if (state_name == NULL)
    return FALSE;
  if (!satchel_outbox_state_from_string (state_name, &state))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   _("Unknown state “%s”"), state_name);
      return FALSE;
    }

  recipients = g_key_file_get_string_list (key_file, GROUP, "recipients", NULL, &local_error);
  if (local_error != NULL &&
      !g_error_matches (local_error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  ok = read_string (key_file, "account", &account, error) &&
       read_string (key_file, "sender", &sender, error) &&
       read_string (key_file, "subject", &subject, error) &&
       read_string (key_file, "last-error", &last_error, error) &&
       read_int64 (key_file, "created", &created, error) &&
       read_uint64 (key_file, "size", &size, error) &&
       read_uint64 (key_file, "attempts", &attempts, error) &&
       read_int64 (key_file, "next-attempt", &next_attempt, error) &&
       read_int64 (key_file, "held-until", &held_until, error) &&
       read_boolean (key_file, "needs-smtputf8", &needs_smtputf8, error) &&
       read_boolean (key_file, "needs-8bit", &needs_8bit, error) &&
       read_boolean (key_file, "data-ended", &data_ended, error);
  if (!ok)
    {
      g_free (account);
      g_free (sender);
      g_free (subject);
      g_free (last_error);
      return FALSE;
    }

  item->state = state;
  g_free (item->account);
  item->account = account;
  g_free (item->sender);
  item->sender = sender;
  g_strfreev (item->recipients);
  item->recipients = recipients != NULL ? g_steal_pointer (&recipients) : g_new0 (char *, 1);
  g_free (item->subject);
  item->subject = subject;
  g_free (item->last_error);
  item->last_error = last_error;
  item->created = created;
  item->size = size;
  item->attempts = (guint) MIN (attempts, G_MAXUINT);
  item->next_attempt = next_attempt;
  item->held_until = held_until;
  item->needs_smtputf8 = needs_smtputf8;
  item->needs_8bit = needs_8bit;
  item->data_ended = data_ended;

  return TRUE;
}

static void
set_not_found (GError     **error,
               const char  *id)
{
  g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_NOT_FOUND,
               _("No message “%s” in the outbox"), id);
}

/* Reads ID.ini into @item. NOT_FOUND when it is gone, CORRUPT when it
 * cannot be read or parsed. */
static gboolean
load_item (SatchelOutbox      *self,
           SatchelOutboxItem  *item,
           GError            **error)
{
  g_autofree char *path = dup_path (self, item->id, ".ini");
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          set_not_found (error, item->id);
          return FALSE;
        }
      g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_CORRUPT,
                   _("The state file “%s” cannot be read: %s. It is left as "
                     "it is; fix or remove it by hand."),
                   display, local_error->message);
      return FALSE;
    }

  if (!parse_key_file (key_file, item, &local_error))
    {
      g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_CORRUPT,
                   _("The state file “%s” is damaged: %s. It is left as it "
                     "is; fix or remove it by hand."),
                   display, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static SatchelOutboxItem *
item_new (const char *id)
{
  SatchelOutboxItem *item = g_object_new (SATCHEL_TYPE_OUTBOX_ITEM, NULL);

  item->id = g_strdup (id);
  return item;
}

static gboolean
ensure_dir (const char  *path,
            GError     **error)
{
  return satchel_paths_ensure_dir (path, error);
}

/* Copies @source to @dest (new, 0600) and syncs it: for a sent folder
 * on another file system, where rename() cannot go. */
static gboolean
copy_file_synced (const char  *source,
                  const char  *dest,
                  GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (dest, ".tmp", NULL);
  char buffer[64 * 1024];
  int in_fd, out_fd = -1;

  in_fd = open (source, O_RDONLY | O_CLOEXEC);
  if (in_fd < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”"), source);
      return FALSE;
    }

  out_fd = open (tmp_path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (out_fd < 0)
    {
      set_errno_error (error, errno, _("Could not create “%s”"), tmp_path);
      goto fail;
    }

  for (;;)
    {
      gssize n = read (in_fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, _("Could not read “%s”"), source);
          goto fail;
        }
      if (n == 0)
        break;
      if (!write_all (out_fd, buffer, n, tmp_path, error))
        goto fail;
    }

  if (fsync (out_fd) < 0)
    {
      set_errno_error (error, errno, _("Could not save “%s” to disk"), tmp_path);
      goto fail;
    }
  if (close (out_fd) < 0)
    {
      out_fd = -1;
      set_errno_error (error, errno, _("Could not write “%s”"), tmp_path);
      goto fail;
    }
  out_fd = -1;
  close (in_fd);
  in_fd = -1;

  if (g_rename (tmp_path, dest) < 0)
    {
      set_errno_error (error, errno, _("Could not create “%s”"), dest);
      goto fail;
    }

  return TRUE;

fail:
  if (in_fd >= 0)
    close (in_fd);
  if (out_fd >= 0)
    close (out_fd);
  g_unlink (tmp_path);
  return FALSE;
}

/* Overrides */

static void
satchel_outbox_item_finalize (GObject *object)
{
  SatchelOutboxItem *self = SATCHEL_OUTBOX_ITEM (object);

  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self->id);
  g_free (self->account);
  g_free (self->sender);
  g_strfreev (self->recipients);
  g_free (self->subject);
  g_free (self->last_error);

  G_OBJECT_CLASS (satchel_outbox_item_parent_class)->finalize (object);
}

static void
satchel_outbox_item_class_init (SatchelOutboxItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_outbox_item_finalize;
}

static void
satchel_outbox_item_init (SatchelOutboxItem *self)
{
  self->state = SATCHEL_OUTBOX_QUEUED;
  self->recipients = g_new0 (char *, 1);
  self->lock_fd = -1;
}

static void
satchel_outbox_finalize (GObject *object)
{
  SatchelOutbox *self = SATCHEL_OUTBOX (object);

  g_free (self->dir);
  g_free (self->sent_dir);

  G_OBJECT_CLASS (satchel_outbox_parent_class)->finalize (object);
}

static void
satchel_outbox_class_init (SatchelOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_outbox_finalize;
}

static void
satchel_outbox_init (SatchelOutbox *self)
{
}

/* Public API: states */

const char *
satchel_outbox_state_to_string (SatchelOutboxState state)
{
  g_return_val_if_fail (state < G_N_ELEMENTS (state_names), "unknown");

  return state_names[state];
}

gboolean
satchel_outbox_state_from_string (const char         *text,
                                  SatchelOutboxState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (SatchelOutboxState) i;
        return TRUE;
      }

  return FALSE;
}

/* Public API: items */

const char *
satchel_outbox_item_get_id (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return self->id;
}

SatchelOutboxState
satchel_outbox_item_get_state (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), SATCHEL_OUTBOX_QUEUED);
  return self->state;
}

void
satchel_outbox_item_set_state (SatchelOutboxItem  *self,
                               SatchelOutboxState  state)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  g_return_if_fail (state < G_N_ELEMENTS (state_names));
  self->state = state;
}

const char *
satchel_outbox_item_get_account (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return self->account;
}

void
satchel_outbox_item_set_account (SatchelOutboxItem *self,
                                 const char        *account)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  replace_string (&self->account, account);
}

const char *
satchel_outbox_item_get_sender (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return self->sender;
}

void
satchel_outbox_item_set_sender (SatchelOutboxItem *self,
                                const char        *sender)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  replace_string (&self->sender, sender);
}

const char * const *
satchel_outbox_item_get_recipients (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return (const char * const *) self->recipients;
}

void
satchel_outbox_item_set_recipients (SatchelOutboxItem  *self,
                                    const char * const *recipients)
{
  char **copy;

  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));

  copy = recipients != NULL ? g_strdupv ((char **) recipients) : g_new0 (char *, 1);
  g_strfreev (self->recipients);
  self->recipients = copy;
}

const char *
satchel_outbox_item_get_subject (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return self->subject;
}

void
satchel_outbox_item_set_subject (SatchelOutboxItem *self,
                                 const char        *subject)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  replace_string (&self->subject, subject);
}

gint64
satchel_outbox_item_get_created (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), 0);
  return self->created;
}

guint64
satchel_outbox_item_get_size (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), 0);
  return self->size;
}

guint
satchel_outbox_item_get_attempts (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), 0);
  return self->attempts;
}

void
satchel_outbox_item_set_attempts (SatchelOutboxItem *self,
                                  guint              attempts)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->attempts = attempts;
}

gint64
satchel_outbox_item_get_next_attempt (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), 0);
  return self->next_attempt;
}

void
satchel_outbox_item_set_next_attempt (SatchelOutboxItem *self,
                                      gint64             when)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->next_attempt = when;
}

gint64
satchel_outbox_item_get_held_until (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), 0);
  return self->held_until;
}

void
satchel_outbox_item_set_held_until (SatchelOutboxItem *self,
                                    gint64             when)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->held_until = when;
}

const char *
satchel_outbox_item_get_last_error (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), NULL);
  return self->last_error;
}

void
satchel_outbox_item_set_last_error (SatchelOutboxItem *self,
                                    const char        *text)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  replace_string (&self->last_error, text);
}

gboolean
satchel_outbox_item_get_needs_smtputf8 (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), FALSE);
  return self->needs_smtputf8;
}

void
satchel_outbox_item_set_needs_smtputf8 (SatchelOutboxItem *self,
                                        gboolean           needs)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->needs_smtputf8 = !!needs;
}

gboolean
satchel_outbox_item_get_needs_8bit (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), FALSE);
  return self->needs_8bit;
}

void
satchel_outbox_item_set_needs_8bit (SatchelOutboxItem *self,
                                    gboolean           needs)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->needs_8bit = !!needs;
}

gboolean
satchel_outbox_item_get_data_ended (SatchelOutboxItem *self)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), FALSE);
  return self->data_ended;
}

void
satchel_outbox_item_set_data_ended (SatchelOutboxItem *self,
                                    gboolean           ended)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (self));
  self->data_ended = !!ended;
}

/* Public API: the outbox */

SatchelOutbox *
satchel_outbox_new (const char *dir,
                    const char *sent_dir)
{
  SatchelOutbox *self = g_object_new (SATCHEL_TYPE_OUTBOX, NULL);

  self->dir = dir != NULL ? g_strdup (dir) : satchel_paths_outbox_dir ();
  self->sent_dir = sent_dir != NULL ? g_strdup (sent_dir) : satchel_paths_sent_dir ();

  return self;
}

SatchelOutboxItem *
satchel_outbox_begin (SatchelOutbox  *self,
                      int            *fd,
                      GError        **error)
{
  g_autoptr(SatchelOutboxItem) item = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (fd != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *fd = -1;

  if (!ensure_dir (self->dir, error))
    return NULL;

  /* The id has microseconds and 32 random bits: a clash needs two
   * messages in the same microsecond, and O_EXCL catches even that. */
  for (guint tries = 0; *fd < 0; tries++)
    {
      g_autofree char *id = make_id ();
      g_autofree char *tmp_path = dup_path (self, id, ".eml.tmp");
      g_autofree char *eml_path = dup_path (self, id, ".eml");
      g_autofree char *ini_path = dup_path (self, id, ".ini");

      if (g_file_test (eml_path, G_FILE_TEST_EXISTS) ||
          g_file_test (ini_path, G_FILE_TEST_EXISTS))
        continue;

      *fd = open (tmp_path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (*fd < 0)
        {
          if (errno == EEXIST && tries < 16)
            continue;
          set_errno_error (error, errno, _("Could not create “%s”"), tmp_path);
          return NULL;
        }

      item = item_new (id);
    }

  item->state = SATCHEL_OUTBOX_QUEUED;
  item->created = g_get_real_time () / G_USEC_PER_SEC;

  return g_steal_pointer (&item);
}

gboolean
satchel_outbox_commit (SatchelOutbox      *self,
                       SatchelOutboxItem  *item,
                       int                 fd,
                       GError            **error)
{
  g_autofree char *tmp_path = NULL;
  g_autofree char *eml_path = NULL;
  struct stat st;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  tmp_path = dup_path (self, item->id, ".eml.tmp");
  eml_path = dup_path (self, item->id, ".eml");

  if (fsync (fd) < 0)
    {
      set_errno_error (error, errno, _("Could not save “%s” to disk"), tmp_path);
      goto fail;
    }
  if (fstat (fd, &st) < 0)
    {
      set_errno_error (error, errno, _("Could not read “%s”"), tmp_path);
      goto fail;
    }
  if (close (fd) < 0)
    {
      fd = -1;
      set_errno_error (error, errno, _("Could not write “%s”"), tmp_path);
      goto fail;
    }
  fd = -1;

  item->size = st.st_size;

  if (g_rename (tmp_path, eml_path) < 0)
    {
      set_errno_error (error, errno, _("Could not create “%s”"), eml_path);
      goto fail;
    }

  /* The .eml must be on disk before the .ini that makes it a message. */
  if (!sync_dir (self->dir, error) ||
      !satchel_outbox_save (self, item, error))
    {
      g_unlink (eml_path);
      goto fail;
    }

  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  return FALSE;
}

void
satchel_outbox_abort (SatchelOutbox     *self,
                      SatchelOutboxItem *item,
                      int                fd)
{
  g_autofree char *tmp_path = NULL;

  g_return_if_fail (SATCHEL_IS_OUTBOX (self));
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (item));

  if (fd >= 0)
    close (fd);

  tmp_path = dup_path (self, item->id, ".eml.tmp");
  g_unlink (tmp_path);
}

GPtrArray *
satchel_outbox_list (SatchelOutbox  *self,
                     GError        **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  items = g_ptr_array_new_with_free_func (g_object_unref);

  dir = g_dir_open (self->dir, 0, &local_error);
  if (dir == NULL)
    {
      g_autofree char *display = NULL;

      /* Nothing was ever queued. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&items);

      display = g_filename_display_name (self->dir);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not read the outbox folder “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(SatchelOutboxItem) item = NULL;
      g_autoptr(GError) item_error = NULL;
      g_autofree char *id = NULL;
      g_autofree char *eml_path = NULL;

      /* Temporary files (*.tmp) of writers that crashed end differently
       * and are never taken for messages. */
      if (!g_str_has_suffix (name, ".ini"))
        continue;

      id = g_strndup (name, strlen (name) - strlen (".ini"));
      if (!is_valid_id (id))
        {
          g_message ("Skipping “%s” in the outbox: not a message name", name);
          continue;
        }

      eml_path = dup_path (self, id, ".eml");
      if (!g_file_test (eml_path, G_FILE_TEST_IS_REGULAR))
        {
          g_message ("Skipping message %s in the outbox: its %s.eml is missing",
                     id, id);
          continue;
        }

      item = item_new (id);
      if (!load_item (self, item, &item_error))
        {
          /* Sent or discarded meanwhile by another process. */
          if (!g_error_matches (item_error, SATCHEL_OUTBOX_ERROR,
                                SATCHEL_OUTBOX_ERROR_NOT_FOUND))
            g_message ("Skipping message %s: %s", id, item_error->message);
          continue;
        }

      g_ptr_array_add (items, g_steal_pointer (&item));
    }

  g_ptr_array_sort (items, compare_items);

  return g_steal_pointer (&items);
}

SatchelOutboxItem *
satchel_outbox_lookup (SatchelOutbox  *self,
                       const char     *id,
                       GError        **error)
{
  g_autoptr(SatchelOutboxItem) item = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_valid_id (id))
    {
      set_not_found (error, id);
      return NULL;
    }

  item = item_new (id);
  if (!load_item (self, item, error))
    return NULL;

  return g_steal_pointer (&item);
}

gboolean
satchel_outbox_reload (SatchelOutbox      *self,
                       SatchelOutboxItem  *item,
                       GError            **error)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return load_item (self, item, error);
}

char *
satchel_outbox_dup_message_path (SatchelOutbox     *self,
                                 SatchelOutboxItem *item)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), NULL);

  return dup_path (self, item->id, ".eml");
}

gboolean
satchel_outbox_save (SatchelOutbox      *self,
                     SatchelOutboxItem  *item,
                     GError            **error)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = dup_path (self, item->id, ".ini");
  data = item_to_data (item, &length);

  return write_file_atomically (path, data, length, error);
}

gboolean
satchel_outbox_lock (SatchelOutbox      *self,
                     SatchelOutboxItem  *item,
                     GError            **error)
{
  g_autofree char *lock_path = NULL;
  g_autofree char *ini_path = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (item->lock_fd >= 0)
    return TRUE;

  lock_path = dup_path (self, item->id, ".lock");
  ini_path = dup_path (self, item->id, ".ini");

  for (guint attempt = 0; attempt < LOCK_ATTEMPTS; attempt++)
    {
      struct stat fd_st, path_st;
      int fd;

      fd = open (lock_path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd < 0)
        {
          if (errno == ENOENT)
            {
              /* The outbox folder itself is gone. */
              set_not_found (error, item->id);
              return FALSE;
            }
          set_errno_error (error, errno, _("Could not open the lock file “%s”"), lock_path);
          return FALSE;
        }

      while (flock (fd, LOCK_EX | LOCK_NB) < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          if (saved_errno == EWOULDBLOCK)
            {
              g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                           _("Message %s is being sent by another process"),
                           item->id);
              return FALSE;
            }
          set_errno_error (error, saved_errno, _("Could not lock “%s”"), lock_path);
          return FALSE;
        }

      /* The holder before us may have finished the message and removed
       * the lock file: then we hold a lock on a file nobody else can
       * find, which protects nothing. Look again. */
      if (fstat (fd, &fd_st) < 0 ||
          stat (lock_path, &path_st) < 0 ||
          fd_st.st_dev != path_st.st_dev ||
          fd_st.st_ino != path_st.st_ino)
        {
          close (fd);
          continue;
        }

      /* Holding the lock: nobody can be finishing the message now, so
       * if its state file is gone, so is the message, and the lock file
       * we may have just created is ours to remove. Another process
       * sent or discarded it since @item was read: for a caller working
       * through a list that is the same as finding it busy. */
      if (!g_file_test (ini_path, G_FILE_TEST_EXISTS))
        {
          g_unlink (lock_path);
          close (fd);
          g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
                       _("Message %s was sent or discarded by another process"),
                       item->id);
          return FALSE;
        }

      item->lock_fd = fd;
      return TRUE;
    }

  g_set_error (error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY,
               _("Message %s is being sent by another process"), item->id);
  return FALSE;
}

void
satchel_outbox_unlock (SatchelOutbox     *self,
                       SatchelOutboxItem *item)
{
  g_return_if_fail (SATCHEL_IS_OUTBOX (self));
  g_return_if_fail (SATCHEL_IS_OUTBOX_ITEM (item));

  if (item->lock_fd >= 0)
    {
      close (item->lock_fd);
      item->lock_fd = -1;
    }
}

gboolean
satchel_outbox_move_to_sent (SatchelOutbox      *self,
                             SatchelOutboxItem  *item,
                             GError            **error)
{
  g_autofree char *eml_path = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *lock_path = NULL;
  g_autofree char *sent_name = NULL;
  g_autofree char *sent_path = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ensure_dir (self->sent_dir, error))
    return FALSE;

  eml_path = dup_path (self, item->id, ".eml");
  ini_path = dup_path (self, item->id, ".ini");
  lock_path = dup_path (self, item->id, ".lock");

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  sent_name = g_strdup_printf ("%s-%s.eml", stamp, item->id);
  sent_path = g_build_filename (self->sent_dir, sent_name, NULL);

  if (g_rename (eml_path, sent_path) < 0)
    {
      if (errno != EXDEV)
        {
          set_errno_error (error, errno, _("Could not move “%s” to the sent folder"),
                           eml_path);
          return FALSE;
        }
      if (!copy_file_synced (eml_path, sent_path, error))
        return FALSE;
      if (!sync_dir (self->sent_dir, error))
        return FALSE;
      if (!unlink_if_exists (eml_path, error))
        return FALSE;
    }
  else if (!sync_dir (self->sent_dir, error))
    {
      return FALSE;
    }

  /* The sent copy is safe on disk; from here on the state file would
   * only describe a message that is gone. */
  if (!unlink_if_exists (ini_path, error) ||
      !unlink_if_exists (lock_path, error))
    return FALSE;

  return sync_dir (self->dir, error);
}

gboolean
satchel_outbox_remove (SatchelOutbox      *self,
                       SatchelOutboxItem  *item,
                       GError            **error)
{
  g_autofree char *eml_path = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *lock_path = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (item), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  eml_path = dup_path (self, item->id, ".eml");
  ini_path = dup_path (self, item->id, ".ini");
  lock_path = dup_path (self, item->id, ".lock");

  /* The message stops existing with its state file; a crash after that
   * leaves only an .eml that nothing lists. */
  if (g_unlink (ini_path) < 0)
    {
      if (errno == ENOENT)
        {
          set_not_found (error, item->id);
          return FALSE;
        }
      set_errno_error (error, errno, _("Could not remove “%s”"), ini_path);
      return FALSE;
    }

  if (!sync_dir (self->dir, error) ||
      !unlink_if_exists (eml_path, error) ||
      !unlink_if_exists (lock_path, error))
    return FALSE;

  return sync_dir (self->dir, error);
}

static gboolean
item_is_pending (SatchelOutboxItem *item,
                 const char        *account)
{
  return g_strcmp0 (satchel_outbox_item_get_account (item), account) == 0 &&
         satchel_outbox_item_get_state (item) != SATCHEL_OUTBOX_FAILED;
}

guint
satchel_outbox_count_pending (SatchelOutbox *self,
                              const char    *account)
{
  g_autoptr(GPtrArray) items = NULL;
  guint n = 0;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), 0);

  items = satchel_outbox_list (self, NULL);
  for (guint i = 0; items != NULL && i < items->len; i++)
    if (item_is_pending (g_ptr_array_index (items, i), account))
      n++;

  return n;
}

gboolean
satchel_outbox_fail_account (SatchelOutbox  *self,
                             const char     *account,
                             GError        **error)
{
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (SATCHEL_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (account != NULL, FALSE);

  items = satchel_outbox_list (self, error);
  if (items == NULL)
    return FALSE;

  for (guint i = 0; i < items->len; i++)
    {
      SatchelOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr(GError) local_error = NULL;
      gboolean saved;

      if (!item_is_pending (item, account))
        continue;
      if (!satchel_outbox_lock (self, item, &local_error))
        {
          if (g_error_matches (local_error, SATCHEL_OUTBOX_ERROR, SATCHEL_OUTBOX_ERROR_BUSY))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      saved = satchel_outbox_reload (self, item, error);
      if (saved && item_is_pending (item, account))
        {
          satchel_outbox_item_set_state (item, SATCHEL_OUTBOX_FAILED);
          satchel_outbox_item_set_last_error (item, _("Its account was removed. Add the "
                                                      "account again to send it, or discard it."));
          saved = satchel_outbox_save (self, item, error);
        }
      satchel_outbox_unlock (self, item);
      if (!saved)
        return FALSE;
    }

  return TRUE;
}

gint64
satchel_outbox_item_get_due (SatchelOutboxItem *self,
                             gboolean           resend_unknown)
{
  g_return_val_if_fail (SATCHEL_IS_OUTBOX_ITEM (self), G_MAXINT64);

  switch (satchel_outbox_item_get_state (self))
    {
    case SATCHEL_OUTBOX_QUEUED:
      return satchel_outbox_item_get_next_attempt (self);
    case SATCHEL_OUTBOX_HELD:
      return satchel_outbox_item_get_held_until (self);
    case SATCHEL_OUTBOX_SENDING:
      return 0;
    case SATCHEL_OUTBOX_UNKNOWN:
      return resend_unknown ? 0 : G_MAXINT64;
    case SATCHEL_OUTBOX_FAILED:
    default:
      return G_MAXINT64;
    }
}
