/* satchel-paths.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-paths"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/file.h>
#include <unistd.h>

#define APP_DIR "satchel"

char *
satchel_paths_accounts_file (void)
{
  return g_build_filename (g_get_user_config_dir (), APP_DIR, "accounts.ini", NULL);
}

char *
satchel_paths_contacts_file (void)
{
  return g_build_filename (g_get_user_data_dir (), APP_DIR, "contacts.ini", NULL);
}

char *
satchel_paths_outbox_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), APP_DIR, "outbox", NULL);
}

char *
satchel_paths_logs_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), APP_DIR, "logs", NULL);
}

char *
satchel_paths_drafts_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), APP_DIR, "drafts", NULL);
}

char *
satchel_paths_sent_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), APP_DIR, "sent", NULL);
}

char *
satchel_paths_state_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), APP_DIR, NULL);
}

/* Creates @path and its missing parents, mode 0700 (the folders hold
 * accounts, mail and logs, which are nobody else's business). A folder
 * that exists already keeps its mode. On failure, a G_FILE_ERROR naming
 * the folder. */
gboolean
satchel_paths_ensure_dir (const char  *path,
                          GError     **error)
{
  int saved_errno;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;

  saved_errno = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               _("Could not create the folder “%s”: %s"),
               path, g_strerror (saved_errno));
  return FALSE;
}

int
satchel_paths_lock_file (const char  *lock_path,
                         GError     **error)
{
  int saved_errno;
  int fd;

  do
    fd = open (lock_path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
  while (fd < 0 && errno == EINTR);

  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not open the lock file “%s”: %s"),
                   lock_path, g_strerror (saved_errno));
      return -1;
    }

  while (flock (fd, LOCK_EX) < 0)
    {
      if (errno == EINTR)
        continue;

      saved_errno = errno;
      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not lock “%s”: %s"), lock_path, g_strerror (saved_errno));
      return -1;
    }

  return fd;
}

void
satchel_paths_init_i18n (void)
{
  const char *dir = g_getenv ("SATCHEL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
