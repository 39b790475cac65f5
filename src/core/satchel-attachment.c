/* satchel-attachment.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-attachment"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-attachment.h"
#include "satchel-error.h"

#define QUERY_ATTRIBUTES                  \
  G_FILE_ATTRIBUTE_STANDARD_TYPE ","      \
  G_FILE_ATTRIBUTE_STANDARD_SIZE ","      \
  G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE "," \
  G_FILE_ATTRIBUTE_STANDARD_ICON ","      \
  G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME "," \
  G_FILE_ATTRIBUTE_ACCESS_CAN_READ

struct _SatchelAttachment
{
  GObject                 parent_instance;

  GFile                  *file;
  char                   *path;
  char                   *display_name;
  guint64                 size;
  char                   *content_type;
  GIcon                  *icon;
  SatchelAttachmentState  state;
  char                   *problem;
};

G_DEFINE_FINAL_TYPE (SatchelAttachment, satchel_attachment, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SatchelAttachmentState, satchel_attachment_state,
                    G_DEFINE_ENUM_VALUE (SATCHEL_ATTACHMENT_STATE_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (SATCHEL_ATTACHMENT_STATE_READY, "ready"),
                    G_DEFINE_ENUM_VALUE (SATCHEL_ATTACHMENT_STATE_MISSING, "missing"),
                    G_DEFINE_ENUM_VALUE (SATCHEL_ATTACHMENT_STATE_REFUSED, "refused"))

enum
{
  PROP_0,
  PROP_FILE,
  PROP_PATH,
  PROP_DISPLAY_NAME,
  PROP_SIZE,
  PROP_CONTENT_TYPE,
  PROP_ICON,
  PROP_STATE,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers ----------------------------------------------------------------- */

/* The information read, or why the file cannot be attached. */
static gboolean
judge (SatchelAttachment  *self,
       GFileInfo          *info,
       GError            **error)
{
  GFileType type = g_file_info_get_file_type (info);

  if (type == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” is a folder. Attach the files in it, or compress "
                     "it into one file first."),
                   self->display_name);
      return FALSE;
    }
  if (type != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” is not a regular file (it is a device, a pipe or a "
                     "socket) and cannot be attached."),
                   self->display_name);
      return FALSE;
    }
  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("“%s” cannot be read: permission denied. Check who may "
                     "read it, or attach a copy you can read."),
                   self->display_name);
      return FALSE;
    }
  return TRUE;
}

static void
set_outcome (SatchelAttachment      *self,
             SatchelAttachmentState  state,
             const char             *problem)
{
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->problem, problem) != 0)
    {
      g_free (self->problem);
      self->problem = g_strdup (problem);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

static void
apply_info (SatchelAttachment *self,
            GFileInfo         *info)
{
  const char *display_name = g_file_info_get_display_name (info);
  const char *content_type = g_file_info_get_content_type (info);
  GIcon *icon = g_file_info_get_icon (info);

  g_object_freeze_notify (G_OBJECT (self));
  if (display_name != NULL && g_strcmp0 (display_name, self->display_name) != 0)
    {
      g_free (self->display_name);
      self->display_name = g_strdup (display_name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
    }
  if ((guint64) g_file_info_get_size (info) != self->size)
    {
      self->size = g_file_info_get_size (info);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
    }
  if (g_strcmp0 (content_type, self->content_type) != 0)
    {
      g_free (self->content_type);
      self->content_type = g_strdup (content_type);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTENT_TYPE]);
    }
  if (g_set_object (&self->icon, icon))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_query_info (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SatchelAttachment *self = g_task_get_source_object (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) problem = NULL;

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          problem = g_error_new (SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                                 _("“%s” is missing: it was moved or deleted. "
                                   "Remove it, or attach it again from where "
                                   "it is now."),
                                 self->display_name);
          set_outcome (self, SATCHEL_ATTACHMENT_STATE_MISSING, problem->message);
        }
      else
        {
          problem = g_error_new (SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                                 _("“%s” cannot be read: %s"),
                                 self->display_name, error->message);
          set_outcome (self, SATCHEL_ATTACHMENT_STATE_REFUSED, problem->message);
        }
      g_task_return_error (task, g_steal_pointer (&problem));
      return;
    }

  apply_info (self, info);
  if (!judge (self, info, &problem))
    {
      set_outcome (self, SATCHEL_ATTACHMENT_STATE_REFUSED, problem->message);
      g_task_return_error (task, g_steal_pointer (&problem));
      return;
    }
  set_outcome (self, SATCHEL_ATTACHMENT_STATE_READY, NULL);
  g_task_return_boolean (task, TRUE);
}

/* GObject ------------------------------------------------------------------- */

static void
satchel_attachment_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SatchelAttachment *self = SATCHEL_ATTACHMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;
    case PROP_ICON:
      g_value_set_object (value, self->icon);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_attachment_finalize (GObject *object)
{
  SatchelAttachment *self = SATCHEL_ATTACHMENT (object);

  g_clear_object (&self->file);
  g_clear_object (&self->icon);
  g_free (self->path);
  g_free (self->display_name);
  g_free (self->content_type);
  g_free (self->problem);

  G_OBJECT_CLASS (satchel_attachment_parent_class)->finalize (object);
}

static void
satchel_attachment_class_init (SatchelAttachmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = satchel_attachment_get_property;
  object_class->finalize = satchel_attachment_finalize;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, flags);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  properties[PROP_SIZE] =
    g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CONTENT_TYPE] =
    g_param_spec_string ("content-type", NULL, NULL, NULL, flags);
  properties[PROP_ICON] =
    g_param_spec_object ("icon", NULL, NULL, G_TYPE_ICON, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, SATCHEL_TYPE_ATTACHMENT_STATE,
                       SATCHEL_ATTACHMENT_STATE_LOADING, flags);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
satchel_attachment_init (SatchelAttachment *self)
{
  self->state = SATCHEL_ATTACHMENT_STATE_LOADING;
}

/* Public API ---------------------------------------------------------------- */

SatchelAttachment *
satchel_attachment_new (GFile *file)
{
  SatchelAttachment *self;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (SATCHEL_TYPE_ATTACHMENT, NULL);
  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  basename = g_file_get_basename (file);
  self->display_name = basename != NULL ? g_filename_display_name (basename)
                                        : g_file_get_parse_name (file);
  return self;
}

SatchelAttachment *
satchel_attachment_new_for_path (const char *path)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  return satchel_attachment_new (file);
}

void
satchel_attachment_load (SatchelAttachment   *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SATCHEL_IS_ATTACHMENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, satchel_attachment_load);
  g_file_query_info_async (self->file, QUERY_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, cancellable, on_query_info, task);
}

gboolean
satchel_attachment_load_finish (SatchelAttachment  *self,
                                GAsyncResult       *result,
                                GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

GFile *
satchel_attachment_get_file (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->file;
}

const char *
satchel_attachment_get_path (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->path;
}

const char *
satchel_attachment_get_display_name (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->display_name;
}

guint64
satchel_attachment_get_size (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), 0);
  return self->size;
}

const char *
satchel_attachment_get_content_type (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->content_type;
}

GIcon *
satchel_attachment_get_icon (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->icon;
}

SatchelAttachmentState
satchel_attachment_get_state (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), SATCHEL_ATTACHMENT_STATE_LOADING);
  return self->state;
}

const char *
satchel_attachment_get_problem (SatchelAttachment *self)
{
  g_return_val_if_fail (SATCHEL_IS_ATTACHMENT (self), NULL);
  return self->problem;
}
