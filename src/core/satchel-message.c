/* satchel-message.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-message"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "satchel-message.h"

#include "satchel-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct
{
  SatchelAttachmentKind kind;
  char                 *path;
  char                 *display_name;
} Attachment;

struct _SatchelMessage
{
  GObject         parent_instance;

  SatchelAddress *from;
  GPtrArray      *to;
  GPtrArray      *cc;
  GPtrArray      *bcc;
  GPtrArray      *reply_to;
  char           *subject;
  char           *body;
  char           *html;
  GArray         *attachments;   /* of Attachment */
  GPtrArray      *extra_headers; /* "Name: value" */
};

G_DEFINE_FINAL_TYPE (SatchelMessage, satchel_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SUBJECT,
  PROP_BODY,
  PROP_HTML,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Headers Satchel writes itself: an extra header must not repeat or
 * contradict them. Content-* is matched as a prefix. */
static const char * const reserved_headers[] = {
  "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID",
  "MIME-Version",
};

static void
clear_attachment (gpointer data)
{
  Attachment *attachment = data;

  g_free (attachment->path);
  g_free (attachment->display_name);
}

/* g_set_str() is GLib 2.76. */
static gboolean
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static GPtrArray *
new_address_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) satchel_address_free);
}

static gboolean
is_reserved_header (const char *name)
{
  if (g_ascii_strncasecmp (name, "Content-", strlen ("Content-")) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved_headers); i++)
    if (g_ascii_strcasecmp (name, reserved_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
any_needs_smtputf8 (GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    if (satchel_address_needs_smtputf8 (g_ptr_array_index (addresses, i)))
      return TRUE;
  return FALSE;
}

/* Checks that @path can be opened for reading and is a regular file. */
static gboolean
check_attachment_file (const char  *path,
                       GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  struct stat st;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("The attachment “%s” cannot be read: %s."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   _("The attachment “%s” cannot be read: %s."),
                   display, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_FILE,
                   S_ISDIR (st.st_mode)
                   ? _("The attachment “%s” is a folder: attach the files "
                       "inside it instead.")
                   : _("The attachment “%s” is not a regular file."),
                   display);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_utf8 (const char  *field,
            const char  *text,
            GError     **error)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return TRUE;

  g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
               _("The %s is not valid UTF-8 text."), field);
  return FALSE;
}

static void
satchel_message_finalize (GObject *object)
{
  SatchelMessage *self = (SatchelMessage *) object;

  g_clear_pointer (&self->from, satchel_address_free);
  g_clear_pointer (&self->to, g_ptr_array_unref);
  g_clear_pointer (&self->cc, g_ptr_array_unref);
  g_clear_pointer (&self->bcc, g_ptr_array_unref);
  g_clear_pointer (&self->reply_to, g_ptr_array_unref);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->body, g_free);
  g_clear_pointer (&self->html, g_free);
  g_clear_pointer (&self->attachments, g_array_unref);
  g_clear_pointer (&self->extra_headers, g_ptr_array_unref);

  G_OBJECT_CLASS (satchel_message_parent_class)->finalize (object);
}

static void
satchel_message_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SatchelMessage *self = SATCHEL_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_HTML:
      g_value_set_string (value, self->html);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_message_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SatchelMessage *self = SATCHEL_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      satchel_message_set_subject (self, g_value_get_string (value));
      break;
    case PROP_BODY:
      satchel_message_set_body (self, g_value_get_string (value));
      break;
    case PROP_HTML:
      satchel_message_set_html (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
satchel_message_class_init (SatchelMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_message_finalize;
  object_class->get_property = satchel_message_get_property;
  object_class->set_property = satchel_message_set_property;

  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HTML] =
    g_param_spec_string ("html", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
satchel_message_init (SatchelMessage *self)
{
  self->to = new_address_array ();
  self->cc = new_address_array ();
  self->bcc = new_address_array ();
  self->reply_to = new_address_array ();
  self->attachments = g_array_new (FALSE, TRUE, sizeof (Attachment));
  g_array_set_clear_func (self->attachments, clear_attachment);
  self->extra_headers = g_ptr_array_new_with_free_func (g_free);
}

/* Public API ----------------------------------------------------------- */

SatchelMessage *
satchel_message_new (void)
{
  return g_object_new (SATCHEL_TYPE_MESSAGE, NULL);
}

void
satchel_message_set_from (SatchelMessage       *self,
                          const SatchelAddress *from)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));

  g_clear_pointer (&self->from, satchel_address_free);
  if (from != NULL)
    self->from = satchel_address_copy (from);
}

const SatchelAddress *
satchel_message_get_from (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->from;
}

void
satchel_message_add_to (SatchelMessage       *self,
                        const SatchelAddress *address)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (address != NULL);

  g_ptr_array_add (self->to, satchel_address_copy (address));
}

void
satchel_message_add_cc (SatchelMessage       *self,
                        const SatchelAddress *address)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (address != NULL);

  g_ptr_array_add (self->cc, satchel_address_copy (address));
}

void
satchel_message_add_bcc (SatchelMessage       *self,
                         const SatchelAddress *address)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (address != NULL);

  g_ptr_array_add (self->bcc, satchel_address_copy (address));
}

void
satchel_message_add_reply_to (SatchelMessage       *self,
                              const SatchelAddress *address)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (address != NULL);

  g_ptr_array_add (self->reply_to, satchel_address_copy (address));
}

GPtrArray *
satchel_message_get_to (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->to;
}

GPtrArray *
satchel_message_get_cc (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->cc;
}

GPtrArray *
satchel_message_get_bcc (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->bcc;
}

GPtrArray *
satchel_message_get_reply_to (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->reply_to;
}

GPtrArray *
satchel_message_dup_envelope_recipients (SatchelMessage *self)
{
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *lists[3];
  GPtrArray *result;

  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  lists[0] = self->to;
  lists[1] = self->cc;
  lists[2] = self->bcc;

  /* Mailbox names are case-sensitive in theory only: no server in use
   * treats "Ann@x" and "ann@x" as two people, and sending twice is what
   * the user would notice. */
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  result = g_ptr_array_new_with_free_func (g_free);

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        char *envelope = satchel_address_to_envelope (g_ptr_array_index (lists[l], i));
        char *key = g_utf8_casefold (envelope, -1);

        if (g_hash_table_add (seen, key))
          g_ptr_array_add (result, envelope);
        else
          g_free (envelope);
      }

  return result;
}

void
satchel_message_set_subject (SatchelMessage *self,
                             const char     *subject)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));

  if (replace_string (&self->subject, subject))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

const char *
satchel_message_get_subject (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->subject;
}

void
satchel_message_set_body (SatchelMessage *self,
                          const char     *text)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));

  if (replace_string (&self->body, text))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BODY]);
}

const char *
satchel_message_get_body (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->body;
}

void
satchel_message_set_html (SatchelMessage *self,
                          const char     *html)
{
  g_return_if_fail (SATCHEL_IS_MESSAGE (self));

  if (replace_string (&self->html, html))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HTML]);
}

const char *
satchel_message_get_html (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->html;
}

void
satchel_message_add_attachment (SatchelMessage        *self,
                                SatchelAttachmentKind  kind,
                                const char            *path,
                                const char            *display_name)
{
  Attachment attachment = { 0 };

  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (kind == SATCHEL_ATTACHMENT_FILE ||
                    kind == SATCHEL_ATTACHMENT_INLINE);

  attachment.kind = kind;
  attachment.path = g_strdup (path);
  attachment.display_name = display_name != NULL
                            ? g_strdup (display_name)
                            : g_filename_display_basename (path);
  g_array_append_val (self->attachments, attachment);
}

guint
satchel_message_get_n_attachments (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), 0);

  return self->attachments->len;
}

void
satchel_message_get_attachment (SatchelMessage         *self,
                                guint                   index,
                                SatchelAttachmentKind  *kind,
                                const char            **path,
                                const char            **display_name)
{
  const Attachment *attachment;

  g_return_if_fail (SATCHEL_IS_MESSAGE (self));
  g_return_if_fail (index < self->attachments->len);

  attachment = &g_array_index (self->attachments, Attachment, index);
  if (kind != NULL)
    *kind = attachment->kind;
  if (path != NULL)
    *path = attachment->path;
  if (display_name != NULL)
    *display_name = attachment->display_name;
}

gboolean
satchel_message_add_header_line (SatchelMessage  *self,
                                 const char      *line,
                                 GError         **error)
{
  const char *colon;
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (line != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strpbrk (line, "\r\n") != NULL)
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR,
                           SATCHEL_MESSAGE_ERROR_HEADER_INJECTION,
                           _("A header must be on one line: it cannot contain "
                             "a line break."));
      return FALSE;
    }

  if (!g_utf8_validate (line, -1, NULL))
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR,
                           SATCHEL_MESSAGE_ERROR_INVALID,
                           _("A header is not valid UTF-8 text."));
      return FALSE;
    }

  colon = strchr (line, ':');
  if (colon == NULL || colon == line)
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("“%s” is not a header: write it as “Name: value”."),
                   line);
      return FALSE;
    }

  name = g_strndup (line, colon - line);
  for (const char *p = name; *p != '\0'; p++)
    {
      /* RFC 5322 ftext: printable ASCII except ':' (and so no space). */
      if ((guchar) *p < 33 || (guchar) *p > 126)
        {
          g_set_error (error, SATCHEL_MESSAGE_ERROR,
                       SATCHEL_MESSAGE_ERROR_INVALID,
                       _("“%s” is not a valid header name: use only ASCII "
                         "letters, digits and punctuation, without spaces, "
                         "as in “X-Mailer”."),
                       name);
          return FALSE;
        }
    }

  if (is_reserved_header (name))
    {
      g_set_error (error, SATCHEL_MESSAGE_ERROR, SATCHEL_MESSAGE_ERROR_INVALID,
                   _("The “%s” header cannot be added by hand: Satchel "
                     "writes it itself from the message."),
                   name);
      return FALSE;
    }

  value = g_strstrip (g_strdup (colon + 1));
  g_ptr_array_add (self->extra_headers,
                   g_strdup_printf ("%s: %s", name, value));
  return TRUE;
}

GPtrArray *
satchel_message_get_extra_headers (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), NULL);

  return self->extra_headers;
}

gboolean
satchel_message_validate (SatchelMessage  *self,
                          GError         **error)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->from == NULL)
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR,
                           SATCHEL_MESSAGE_ERROR_INVALID,
                           _("The message has no sender: choose a From "
                             "address."));
      return FALSE;
    }

  if (self->to->len + self->cc->len + self->bcc->len == 0)
    {
      g_set_error_literal (error, SATCHEL_MESSAGE_ERROR,
                           SATCHEL_MESSAGE_ERROR_NO_RECIPIENTS,
                           _("The message has no recipients: add at least "
                             "one address to To, Cc or Bcc."));
      return FALSE;
    }

  if (!satchel_header_value_check (_("Subject"), self->subject, error))
    return FALSE;

  if (!check_utf8 (_("subject"), self->subject, error) ||
      !check_utf8 (_("message text"), self->body, error) ||
      !check_utf8 (_("HTML text"), self->html, error))
    return FALSE;

  for (guint i = 0; i < self->attachments->len; i++)
    {
      const Attachment *attachment = &g_array_index (self->attachments, Attachment, i);

      if (!satchel_header_value_check (_("attachment name"),
                                       attachment->display_name, error))
        return FALSE;
      if (!check_utf8 (_("attachment name"), attachment->display_name, error))
        return FALSE;
      if (!check_attachment_file (attachment->path, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
satchel_message_needs_smtputf8 (SatchelMessage *self)
{
  g_return_val_if_fail (SATCHEL_IS_MESSAGE (self), FALSE);

  if (self->from != NULL && satchel_address_needs_smtputf8 (self->from))
    return TRUE;

  return any_needs_smtputf8 (self->to) ||
         any_needs_smtputf8 (self->cc) ||
         any_needs_smtputf8 (self->bcc) ||
         any_needs_smtputf8 (self->reply_to);
}
