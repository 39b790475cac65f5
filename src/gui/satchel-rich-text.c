/* satchel-rich-text.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-rich-text"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "satchel-rich-text.h"

#define STATE_KEY "satchel-rich-text"
#define HREF_KEY "satchel-href"
#define IMAGE_PATH_KEY "satchel-image-path"
#define IMAGE_PENDING_KEY "satchel-image-pending"
#define BULLET "\xe2\x80\xa2 " /* "• " */
#define BULLET_CHAR 0x2022
/* What a picture is in the text: U+FFFC matches it in a search. */
#define OBJECT_CHAR "\xef\xbf\xbc"
#define BULLET_LENGTH 2
#define N_STYLES 3
/* Pictures are shown at most this large; the file is sent as it is. */
#define IMAGE_MAX_WIDTH 480
#define IMAGE_MAX_HEIGHT 360
#define PLACEHOLDER_SIZE 48

typedef struct
{
  GtkTextTag *styles[N_STYLES];
  GtkTextTag *bullet;
  int         pending[N_STYLES]; /* -1: as the text before; 0 off; 1 on */
  guint       busy;              /* inserting ourselves: no inheritance */
} RichState;

static const char *style_tag_names[N_STYLES] = {
  "satchel-bold", "satchel-italic", "satchel-underline",
};

/* HTML elements of each style, outermost first after the link. */
static const char *style_elements[N_STYLES] = { "b", "i", "u" };

/* Helpers ----------------------------------------------------------------- */

static RichState *
get_state (GtkTextBuffer *buffer)
{
  RichState *state = g_object_get_data (G_OBJECT (buffer), STATE_KEY);

  g_assert (state != NULL);
  return state;
}

static void
reset_pending (RichState *state)
{
  for (guint i = 0; i < N_STYLES; i++)
    state->pending[i] = -1;
}

static void
get_cursor (GtkTextBuffer *buffer,
            GtkTextIter   *iter)
{
  gtk_text_buffer_get_iter_at_mark (buffer, iter, gtk_text_buffer_get_insert (buffer));
}

/* Whether every character of [start, end) has @tag. */
static gboolean
range_has_tag (const GtkTextIter *start,
               const GtkTextIter *end,
               GtkTextTag        *tag)
{
  GtkTextIter iter = *start;

  if (!gtk_text_iter_has_tag (&iter, tag))
    return FALSE;
  gtk_text_iter_forward_to_tag_toggle (&iter, tag);
  return gtk_text_iter_compare (&iter, end) >= 0;
}

static GtkTextTag *
link_tag_at (const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    if (g_object_get_data (l->data, HREF_KEY) != NULL)
      return l->data;
  return NULL;
}

static void
remove_links (GtkTextBuffer     *buffer,
              const GtkTextIter *start,
              const GtkTextIter *end)
{
  GtkTextIter iter = *start;

  while (gtk_text_iter_compare (&iter, end) < 0)
    {
      GtkTextTag *tag = link_tag_at (&iter);

      if (tag != NULL)
        gtk_text_buffer_remove_tag (buffer, tag, start, end);
      if (!gtk_text_iter_forward_char (&iter))
        break;
    }
}

static GtkTextTag *
new_link_tag (GtkTextBuffer *buffer,
              const char    *uri)
{
  GtkTextTag *tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                "underline", PANGO_UNDERLINE_SINGLE,
                                                "foreground", "#1c71d8",
                                                NULL);

  g_object_set_data_full (G_OBJECT (tag), HREF_KEY, g_strdup (uri), g_free);
  return tag;
}

static gboolean
line_is_bullet (GtkTextBuffer *buffer,
                int            line)
{
  RichState *state = get_state (buffer);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
  return gtk_text_iter_get_char (&iter) == BULLET_CHAR &&
         gtk_text_iter_has_tag (&iter, state->bullet);
}

static void
insert_bullet (GtkTextBuffer *buffer,
               GtkTextIter   *iter)
{
  RichState *state = get_state (buffer);

  state->busy++;
  gtk_text_buffer_insert_with_tags (buffer, iter, BULLET, -1, state->bullet, NULL);
  state->busy--;
}

static const char *
image_path (GdkPaintable *paintable)
{
  return paintable != NULL ? g_object_get_data (G_OBJECT (paintable), IMAGE_PATH_KEY) : NULL;
}

/* A grey square shown while the picture is read. */
static GdkPaintable *
new_placeholder (const char *path)
{
  g_autoptr(GBytes) bytes = NULL;
  guchar *pixels = g_malloc (PLACEHOLDER_SIZE * PLACEHOLDER_SIZE * 4);
  GdkTexture *texture;

  for (gsize i = 0; i < PLACEHOLDER_SIZE * PLACEHOLDER_SIZE; i++)
    {
      pixels[4 * i] = pixels[4 * i + 1] = pixels[4 * i + 2] = 0xc0;
      pixels[4 * i + 3] = 0xff;
    }
  bytes = g_bytes_new_take (pixels, PLACEHOLDER_SIZE * PLACEHOLDER_SIZE * 4);
  texture = gdk_memory_texture_new (PLACEHOLDER_SIZE, PLACEHOLDER_SIZE,
                                    GDK_MEMORY_R8G8B8A8, bytes, PLACEHOLDER_SIZE * 4);
  g_object_set_data_full (G_OBJECT (texture), IMAGE_PATH_KEY, g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (texture), IMAGE_PENDING_KEY, GINT_TO_POINTER (TRUE));
  return GDK_PAINTABLE (texture);
}

/* The name the recipient sees for the picture in @path: its base name,
 * made unique among @names. */
static char *
unique_image_name (const char *path,
                   GPtrArray  *names)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *display = g_filename_display_name (base);
  char *name = g_strdup (display);

  for (guint n = 2; g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%u-%s", n, display);
    }
  return name;
}

static void
append_escaped_char (GString  *out,
                     gunichar  c,
                     gboolean  hard_space)
{
  switch (c)
    {
    case '&':
      g_string_append (out, "&amp;");
      break;
    case '<':
      g_string_append (out, "&lt;");
      break;
    case '>':
      g_string_append (out, "&gt;");
      break;
    case '"':
      g_string_append (out, "&quot;");
      break;
    case ' ':
      g_string_append (out, hard_space ? "&#160;" : " ");
      break;
    case '\t':
      g_string_append (out, "&#160;&#160;&#160;&#160;");
      break;
    default:
      /* No control characters: XHTML cannot hold them. */
      if (c >= 0x20 && c != 0x7f && c != 0xfffc)
        g_string_append_unichar (out, c);
      break;
    }
}

typedef struct
{
  gboolean    styles[N_STYLES];
  GtkTextTag *link;
} Span;

static void
span_at (RichState         *state,
         const GtkTextIter *iter,
         Span              *span)
{
  for (guint i = 0; i < N_STYLES; i++)
    span->styles[i] = gtk_text_iter_has_tag (iter, state->styles[i]);
  span->link = link_tag_at (iter);
}

static void
open_span (GString    *out,
           const Span *span)
{
  if (span->link != NULL)
    {
      g_autofree char *href = g_markup_escape_text (g_object_get_data (G_OBJECT (span->link),
                                                                       HREF_KEY), -1);

      g_string_append_printf (out, "<a href=\"%s\">", href);
    }
  for (guint i = 0; i < N_STYLES; i++)
    if (span->styles[i])
      g_string_append_printf (out, "<%s>", style_elements[i]);
}

static void
close_span (GString    *out,
            const Span *span)
{
  for (int i = N_STYLES - 1; i >= 0; i--)
    if (span->styles[i])
      g_string_append_printf (out, "</%s>", style_elements[i]);
  if (span->link != NULL)
    g_string_append (out, "</a>");
}

/* The content of the line at @iter (after any bullet) up to its end. */
static void
append_line_html (GString       *out,
                  RichState     *state,
                  GtkTextIter   *iter,
                  GPtrArray     *inline_paths,
                  GPtrArray     *inline_names)
{
  Span open = { { FALSE, }, NULL };
  gboolean space_before = TRUE; /* a leading space must show */

  while (!gtk_text_iter_ends_line (iter))
    {
      GdkPaintable *paintable = gtk_text_iter_get_paintable (iter);
      gunichar c = gtk_text_iter_get_char (iter);
      Span span;

      span_at (state, iter, &span);
      if (memcmp (&span, &open, sizeof span) != 0)
        {
          close_span (out, &open);
          open_span (out, &span);
          open = span;
        }

      if (image_path (paintable) != NULL)
        {
          const char *path = image_path (paintable);
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *alt = g_markup_escape_text (base, -1);
          g_autofree char *src = NULL;
          g_autofree char *escaped_src = NULL;

          if (inline_paths != NULL)
            {
              g_autofree char *content_id = NULL;
              guint index;

              if (!g_ptr_array_find_with_equal_func (inline_paths, path, g_str_equal, &index))
                {
                  g_ptr_array_add (inline_names, unique_image_name (path, inline_names));
                  g_ptr_array_add (inline_paths, g_strdup (path));
                  index = inline_paths->len - 1;
                }
              /* As satchel-mime.c makes the Content-ID (RFC 2392). */
              content_id = g_uri_escape_string (g_ptr_array_index (inline_names, index),
                                                "!#$&'*+-./=?^_`{|}~@", FALSE);
              src = g_strconcat ("cid:", content_id, NULL);
            }
          else
            src = g_filename_to_uri (path, NULL, NULL);
          if (src != NULL)
            {
              escaped_src = g_markup_escape_text (src, -1);
              g_string_append_printf (out, "<img src=\"%s\" alt=\"%s\"/>", escaped_src, alt);
            }
          space_before = FALSE;
        }
      else
        {
          gtk_text_iter_forward_char (iter);
          append_escaped_char (out, c, c == ' ' && (space_before || gtk_text_iter_ends_line (iter)));
          space_before = c == ' ';
          continue;
        }
      gtk_text_iter_forward_char (iter);
    }
  close_span (out, &open);
}

/* Callbacks ----------------------------------------------------------------- */

/* Typed text takes the style of the text before it, or the one chosen
 * with nothing selected; links and bullets are not inherited. */
static void
on_insert_text (GtkTextBuffer *buffer,
                GtkTextIter   *location,
                const char    *text,
                int            length,
                gpointer       user_data)
{
  RichState *state = get_state (buffer);
  int end_offset = gtk_text_iter_get_offset (location);
  int start_offset = end_offset - (int) g_utf8_strlen (text, length);
  gboolean on[N_STYLES];
  gboolean has_before;
  GtkTextIter start;
  GtkTextIter before;

  if (state->busy > 0)
    return;

  gtk_text_buffer_get_iter_at_offset (buffer, &before, start_offset);
  has_before = gtk_text_iter_backward_char (&before);
  for (guint i = 0; i < N_STYLES; i++)
    on[i] = state->pending[i] >= 0 ? state->pending[i]
                                   : has_before && gtk_text_iter_has_tag (&before, state->styles[i]);

  /* Each change of tags invalidates the iterators: take them anew. */
  for (guint i = 0; i < N_STYLES; i++)
    {
      gtk_text_buffer_get_iter_at_offset (buffer, &start, start_offset);
      gtk_text_buffer_get_iter_at_offset (buffer, location, end_offset);
      if (on[i])
        gtk_text_buffer_apply_tag (buffer, state->styles[i], &start, location);
      else
        gtk_text_buffer_remove_tag (buffer, state->styles[i], &start, location);
    }
  /* A bullet is only the two characters at the start of a line. */
  gtk_text_buffer_get_iter_at_offset (buffer, &start, start_offset);
  gtk_text_buffer_get_iter_at_offset (buffer, location, end_offset);
  gtk_text_buffer_remove_tag (buffer, state->bullet, &start, location);
  gtk_text_buffer_get_iter_at_offset (buffer, location, end_offset);
}

static void
on_mark_set (GtkTextBuffer     *buffer,
             const GtkTextIter *location,
             GtkTextMark       *mark,
             gpointer           user_data)
{
  RichState *state = get_state (buffer);

  if (state->busy == 0 && mark == gtk_text_buffer_get_insert (buffer))
    reset_pending (state);
}

typedef struct
{
  GtkTextBuffer *buffer;
  GtkTextMark   *mark;
  GdkPaintable  *placeholder;
} ImageLoad;

static void
image_load_free (ImageLoad *load)
{
  if (!gtk_text_mark_get_deleted (load->mark))
    gtk_text_buffer_delete_mark (load->buffer, load->mark);
  g_object_unref (load->mark);
  g_object_unref (load->buffer);
  g_object_unref (load->placeholder);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImageLoad, image_load_free)

static void
on_image_scaled (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ImageLoad) load = user_data;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  RichState *state = get_state (load->buffer);
  const char *path = image_path (load->placeholder);
  GtkTextIter start;
  GtkTextIter end;

  pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);
  if (pixbuf == NULL)
    {
      g_message ("The picture %s cannot be shown: %s", path, error->message);
      return;
    }
  if (gtk_text_mark_get_deleted (load->mark))
    return;
  gtk_text_buffer_get_iter_at_mark (load->buffer, &start, load->mark);
  if (gtk_text_iter_get_paintable (&start) != load->placeholder)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_set_data_full (G_OBJECT (texture), IMAGE_PATH_KEY, g_strdup (path), g_free);

  end = start;
  gtk_text_iter_forward_char (&end);
  state->busy++;
  gtk_text_buffer_delete (load->buffer, &start, &end);
  gtk_text_buffer_insert_paintable (load->buffer, &start, GDK_PAINTABLE (texture));
  state->busy--;
}

static void
on_image_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ImageLoad) load = user_data;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = g_file_read_finish (G_FILE (source), result, &error);
  if (stream == NULL)
    {
      g_message ("The picture %s cannot be read: %s", image_path (load->placeholder),
                 error->message);
      return;
    }
  gdk_pixbuf_new_from_stream_at_scale_async (G_INPUT_STREAM (stream),
                                             IMAGE_MAX_WIDTH, IMAGE_MAX_HEIGHT, TRUE,
                                             NULL, on_image_scaled, g_steal_pointer (&load));
}

/* Reads the picture of the placeholder at @iter, then shows it there. */
static void
load_image (GtkTextBuffer     *buffer,
            const GtkTextIter *iter,
            GdkPaintable      *placeholder)
{
  ImageLoad *load = g_new0 (ImageLoad, 1);
  g_autoptr(GFile) file = g_file_new_for_path (image_path (placeholder));

  load->buffer = g_object_ref (buffer);
  load->mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, iter, TRUE));
  load->placeholder = g_object_ref (placeholder);
  g_object_set_data (G_OBJECT (placeholder), IMAGE_PENDING_KEY, NULL);
  g_file_read_async (file, G_PRIORITY_DEFAULT, NULL, on_image_read, load);
}

/* HTML parser (our own output) --------------------------------------------- */

typedef struct
{
  GtkTextBuffer *buffer;
  RichState     *state;
  int            styles[N_STYLES];
  GPtrArray     *links;   /* GtkTextTag*, innermost last */
  int            skip;    /* inside <head>, <title> or <style> */
  gboolean       pending_newline;
} HtmlParse;

static void
parse_insert (HtmlParse  *parse,
              const char *text)
{
  GtkTextIter end;
  int start_offset;
  GtkTextIter start;

  gtk_text_buffer_get_end_iter (parse->buffer, &end);
  start_offset = gtk_text_iter_get_offset (&end);
  gtk_text_buffer_insert (parse->buffer, &end, text, -1);
  gtk_text_buffer_get_iter_at_offset (parse->buffer, &start, start_offset);
  for (guint i = 0; i < N_STYLES; i++)
    if (parse->styles[i] > 0)
      gtk_text_buffer_apply_tag (parse->buffer, parse->state->styles[i], &start, &end);
  if (parse->links->len > 0 && g_ptr_array_index (parse->links, parse->links->len - 1) != NULL)
    gtk_text_buffer_apply_tag (parse->buffer, g_ptr_array_index (parse->links, parse->links->len - 1),
                               &start, &end);
}

static void
parse_flush_newline (HtmlParse *parse)
{
  if (parse->pending_newline)
    {
      parse->pending_newline = FALSE;
      parse_insert (parse, "\n");
    }
}

static int
style_index (const char *element)
{
  if (g_str_equal (element, "b") || g_str_equal (element, "strong"))
    return SATCHEL_RICH_TEXT_BOLD;
  if (g_str_equal (element, "i") || g_str_equal (element, "em"))
    return SATCHEL_RICH_TEXT_ITALIC;
  if (g_str_equal (element, "u"))
    return SATCHEL_RICH_TEXT_UNDERLINE;
  return -1;
}

static const char *
find_attribute (const char **names,
                const char **values,
                const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (names[i], name) == 0)
      return values[i];
  return NULL;
}

static void
on_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              user_data,
                  GError              **error)
{
  HtmlParse *parse = user_data;
  int style = style_index (element);

  if (g_str_equal (element, "head") || g_str_equal (element, "style") ||
      g_str_equal (element, "title"))
    parse->skip++;
  else if (style >= 0)
    parse->styles[style]++;
  else if (g_str_equal (element, "a"))
    {
      const char *href = find_attribute (names, values, "href");

      g_ptr_array_add (parse->links, href != NULL ? new_link_tag (parse->buffer, href) : NULL);
    }
  else if (g_str_equal (element, "br"))
    {
      parse_flush_newline (parse);
      parse_insert (parse, "\n");
    }
  else if (g_str_equal (element, "li"))
    {
      GtkTextIter end;

      parse->pending_newline = FALSE;
      gtk_text_buffer_get_end_iter (parse->buffer, &end);
      if (!gtk_text_iter_is_start (&end) && !gtk_text_iter_starts_line (&end))
        gtk_text_buffer_insert (parse->buffer, &end, "\n", -1);
      gtk_text_buffer_get_end_iter (parse->buffer, &end);
      gtk_text_buffer_insert_with_tags (parse->buffer, &end, BULLET, -1, parse->state->bullet, NULL);
    }
  else if (g_str_equal (element, "img"))
    {
      const char *src = find_attribute (names, values, "src");
      g_autofree char *path = src != NULL ? g_filename_from_uri (src, NULL, NULL) : NULL;

      parse_flush_newline (parse);
      if (path != NULL)
        {
          g_autoptr(GdkPaintable) placeholder = new_placeholder (path);
          GtkTextIter end;

          gtk_text_buffer_get_end_iter (parse->buffer, &end);
          gtk_text_buffer_insert_paintable (parse->buffer, &end, placeholder);
        }
    }
}

static void
on_end_element (GMarkupParseContext  *context,
                const char           *element,
                gpointer              user_data,
                GError              **error)
{
  HtmlParse *parse = user_data;
  int style = style_index (element);

  if (g_str_equal (element, "head") || g_str_equal (element, "style") ||
      g_str_equal (element, "title"))
    parse->skip--;
  else if (style >= 0)
    parse->styles[style]--;
  else if (g_str_equal (element, "a") && parse->links->len > 0)
    g_ptr_array_remove_index (parse->links, parse->links->len - 1);
  else if (g_str_equal (element, "ul"))
    parse->pending_newline = TRUE;
}

static void
on_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  HtmlParse *parse = user_data;
  g_autoptr(GString) clean = g_string_sized_new (length);

  if (parse->skip > 0)
    return;
  /* Line breaks in the source are only layout; hard spaces were spaces. */
  for (const char *p = text; p < text + length; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n' || c == '\r')
        continue;
      g_string_append_unichar (clean, c == 0xa0 ? ' ' : c);
    }
  if (clean->len == 0)
    return;
  parse_flush_newline (parse);
  parse_insert (parse, clean->str);
}

/* Public API ---------------------------------------------------------------- */

void
satchel_rich_text_setup (GtkTextBuffer *buffer)
{
  RichState *state;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (g_object_get_data (G_OBJECT (buffer), STATE_KEY) == NULL);

  state = g_new0 (RichState, 1);
  state->styles[SATCHEL_RICH_TEXT_BOLD] =
    gtk_text_buffer_create_tag (buffer, style_tag_names[SATCHEL_RICH_TEXT_BOLD],
                                "weight", PANGO_WEIGHT_BOLD, NULL);
  state->styles[SATCHEL_RICH_TEXT_ITALIC] =
    gtk_text_buffer_create_tag (buffer, style_tag_names[SATCHEL_RICH_TEXT_ITALIC],
                                "style", PANGO_STYLE_ITALIC, NULL);
  state->styles[SATCHEL_RICH_TEXT_UNDERLINE] =
    gtk_text_buffer_create_tag (buffer, style_tag_names[SATCHEL_RICH_TEXT_UNDERLINE],
                                "underline", PANGO_UNDERLINE_SINGLE, NULL);
  state->bullet = gtk_text_buffer_create_tag (buffer, "satchel-bullet", NULL);
  reset_pending (state);
  g_object_set_data_full (G_OBJECT (buffer), STATE_KEY, state, g_free);

  g_signal_connect_after (buffer, "insert-text", G_CALLBACK (on_insert_text), NULL);
  g_signal_connect (buffer, "mark-set", G_CALLBACK (on_mark_set), NULL);
}

gboolean
satchel_rich_text_toggle_style (GtkTextBuffer        *buffer,
                                SatchelRichTextStyle  style)
{
  RichState *state;
  GtkTextIter start;
  GtkTextIter end;
  gboolean on;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);
  g_return_val_if_fail (style < N_STYLES, FALSE);

  state = get_state (buffer);
  on = !satchel_rich_text_get_style (buffer, style);
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      if (on)
        gtk_text_buffer_apply_tag (buffer, state->styles[style], &start, &end);
      else
        gtk_text_buffer_remove_tag (buffer, state->styles[style], &start, &end);
    }
  else
    state->pending[style] = on;
  return on;
}

gboolean
satchel_rich_text_get_style (GtkTextBuffer        *buffer,
                             SatchelRichTextStyle  style)
{
  RichState *state;
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);
  g_return_val_if_fail (style < N_STYLES, FALSE);

  state = get_state (buffer);
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return range_has_tag (&start, &end, state->styles[style]);
  if (state->pending[style] >= 0)
    return state->pending[style];
  return gtk_text_iter_backward_char (&start) &&
         gtk_text_iter_has_tag (&start, state->styles[style]);
}

void
satchel_rich_text_insert_link (GtkTextBuffer *buffer,
                               const char    *uri)
{
  RichState *state;
  GtkTextIter start;
  GtkTextIter end;
  GtkTextTag *tag;
  int offset;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (uri != NULL && *uri != '\0');

  state = get_state (buffer);
  tag = new_link_tag (buffer, uri);
  gtk_text_buffer_begin_user_action (buffer);
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      remove_links (buffer, &start, &end);
      gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
      gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
    }
  else
    {
      offset = gtk_text_iter_get_offset (&start);
      state->busy++;
      gtk_text_buffer_insert (buffer, &start, uri, -1);
      state->busy--;
      gtk_text_buffer_get_iter_at_offset (buffer, &end, offset);
      gtk_text_buffer_apply_tag (buffer, tag, &end, &start);
    }
  gtk_text_buffer_end_user_action (buffer);
}

const char *
satchel_rich_text_get_link (GtkTextBuffer *buffer)
{
  GtkTextIter iter;
  GtkTextTag *tag;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);

  get_cursor (buffer, &iter);
  tag = link_tag_at (&iter);
  if (tag == NULL && gtk_text_iter_backward_char (&iter))
    tag = link_tag_at (&iter);
  return tag != NULL ? g_object_get_data (G_OBJECT (tag), HREF_KEY) : NULL;
}

void
satchel_rich_text_toggle_bullets (GtkTextBuffer *buffer)
{
  GtkTextIter start;
  GtkTextIter end;
  int first;
  int last;
  gboolean all = TRUE;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);
  first = gtk_text_iter_get_line (&start);
  last = gtk_text_iter_get_line (&end);
  for (int line = first; line <= last; line++)
    all = all && line_is_bullet (buffer, line);

  gtk_text_buffer_begin_user_action (buffer);
  for (int line = first; line <= last; line++)
    {
      GtkTextIter iter;

      gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
      if (all)
        {
          GtkTextIter after = iter;

          gtk_text_iter_forward_chars (&after, BULLET_LENGTH);
          gtk_text_buffer_delete (buffer, &iter, &after);
        }
      else if (!line_is_bullet (buffer, line))
        insert_bullet (buffer, &iter);
    }
  gtk_text_buffer_end_user_action (buffer);
}

gboolean
satchel_rich_text_get_bullets (GtkTextBuffer *buffer)
{
  GtkTextIter iter;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);

  get_cursor (buffer, &iter);
  return line_is_bullet (buffer, gtk_text_iter_get_line (&iter));
}

gboolean
satchel_rich_text_newline (GtkTextBuffer *buffer)
{
  GtkTextIter iter;
  GtkTextIter line_start;
  GtkTextIter line_end;
  g_autofree char *content = NULL;
  int line;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);

  get_cursor (buffer, &iter);
  line = gtk_text_iter_get_line (&iter);
  if (!line_is_bullet (buffer, line))
    return FALSE;

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
  get_cursor (buffer, &iter);
  gtk_text_buffer_get_iter_at_line (buffer, &line_start, line);
  line_end = line_start;
  if (!gtk_text_iter_ends_line (&line_end))
    gtk_text_iter_forward_to_line_end (&line_end);
  gtk_text_iter_forward_chars (&line_start, BULLET_LENGTH);
  content = gtk_text_iter_get_text (&line_start, &line_end);

  if (*g_strstrip (content) == '\0')
    {
      /* Enter on an empty item ends the list. */
      gtk_text_buffer_get_iter_at_line (buffer, &line_start, line);
      gtk_text_buffer_delete (buffer, &line_start, &line_end);
    }
  else
    {
      gtk_text_buffer_insert (buffer, &iter, "\n", 1);
      insert_bullet (buffer, &iter);
      gtk_text_buffer_place_cursor (buffer, &iter);
    }
  gtk_text_buffer_end_user_action (buffer);
  return TRUE;
}

void
satchel_rich_text_insert_image (GtkTextBuffer *buffer,
                                const char    *path)
{
  RichState *state;
  g_autoptr(GdkPaintable) placeholder = NULL;
  GtkTextIter iter;
  int offset;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (path != NULL);

  state = get_state (buffer);
  placeholder = new_placeholder (path);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
  get_cursor (buffer, &iter);
  offset = gtk_text_iter_get_offset (&iter);
  state->busy++;
  gtk_text_buffer_insert_paintable (buffer, &iter, placeholder);
  state->busy--;
  gtk_text_buffer_end_user_action (buffer);

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  load_image (buffer, &iter, placeholder);
}

GStrv
satchel_rich_text_dup_images (GtkTextBuffer *buffer)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  GtkTextIter iter;
  GtkTextIter match;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);

  /* Pictures match U+FFFC: search for them rather than step through. */
  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (gtk_text_iter_forward_search (&iter, OBJECT_CHAR, 0, &match, &iter, NULL))
    {
      const char *path = image_path (gtk_text_iter_get_paintable (&match));

      if (path != NULL && !g_ptr_array_find_with_equal_func (paths, path, g_str_equal, NULL))
        g_ptr_array_add (paths, g_strdup (path));
    }
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

gboolean
satchel_rich_text_has_formatting (GtkTextBuffer *buffer)
{
  g_autoptr(GSList) tags = NULL;
  GtkTextIter iter;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);

  gtk_text_buffer_get_start_iter (buffer, &iter);
  tags = gtk_text_iter_get_tags (&iter);
  if (tags != NULL || gtk_text_iter_forward_to_tag_toggle (&iter, NULL))
    return TRUE;
  gtk_text_buffer_get_start_iter (buffer, &iter);
  return gtk_text_iter_forward_search (&iter, OBJECT_CHAR, 0, NULL, NULL, NULL);
}

void
satchel_rich_text_clear_formatting (GtkTextBuffer *buffer)
{
  RichState *state;
  GtkTextIter iter;
  GtkTextIter start;
  GtkTextIter end;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  state = get_state (buffer);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_all_tags (buffer, &start, &end);

  state->busy++;
  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (gtk_text_iter_forward_search (&iter, OBJECT_CHAR, 0, &start, &end, NULL))
    {
      GdkPaintable *paintable = gtk_text_iter_get_paintable (&start);
      g_autofree char *base = image_path (paintable) != NULL
                              ? g_path_get_basename (image_path (paintable)) : NULL;
      g_autofree char *name = base != NULL ? g_filename_display_name (base) : NULL;
      g_autofree char *text = g_strdup_printf ("[%s]", name != NULL ? name : "");

      gtk_text_buffer_delete (buffer, &start, &end);
      gtk_text_buffer_insert (buffer, &start, text, -1);
      iter = start;
    }
  state->busy--;
  reset_pending (state);
  gtk_text_buffer_end_user_action (buffer);
}

char *
satchel_rich_text_to_html (GtkTextBuffer *buffer,
                           GPtrArray     *inline_paths,
                           GPtrArray     *inline_names)
{
  RichState *state;
  GString *out;
  gboolean in_list = FALSE;
  int n_lines;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);
  g_return_val_if_fail ((inline_paths == NULL) == (inline_names == NULL), NULL);

  state = get_state (buffer);
  out = g_string_new ("<!DOCTYPE html>\n"
                      "<html><head><meta charset=\"utf-8\"/></head><body>\n");
  n_lines = gtk_text_buffer_get_line_count (buffer);
  for (int line = 0; line < n_lines; line++)
    {
      gboolean bullet = line_is_bullet (buffer, line);
      GtkTextIter iter;

      if (bullet && !in_list)
        g_string_append (out, "<ul>\n");
      else if (!bullet && in_list)
        g_string_append (out, "</ul>\n");
      in_list = bullet;

      gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
      if (bullet)
        {
          gtk_text_iter_forward_chars (&iter, BULLET_LENGTH);
          g_string_append (out, "<li>");
        }
      append_line_html (out, state, &iter, inline_paths, inline_names);
      if (bullet)
        g_string_append (out, "</li>\n");
      else if (line + 1 < n_lines)
        g_string_append (out, "<br/>\n");
    }
  if (in_list)
    g_string_append (out, "</ul>\n");
  g_string_append (out, "</body></html>\n");
  return g_string_free (out, FALSE);
}

char *
satchel_rich_text_to_plain (GtkTextBuffer *buffer)
{
  GString *out;
  int n_lines;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), NULL);

  out = g_string_new (NULL);
  n_lines = gtk_text_buffer_get_line_count (buffer);
  for (int line = 0; line < n_lines; line++)
    {
      GtkTextIter iter;
      GtkTextTag *link = NULL;
      GString *link_text = g_string_new (NULL);

      gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
      if (line_is_bullet (buffer, line))
        {
          gtk_text_iter_forward_chars (&iter, BULLET_LENGTH);
          g_string_append (out, "* ");
        }
      while (TRUE)
        {
          gboolean at_end = gtk_text_iter_ends_line (&iter);
          GtkTextTag *here = at_end ? NULL : link_tag_at (&iter);
          GdkPaintable *paintable;

          if (here != link)
            {
              const char *href = link != NULL ? g_object_get_data (G_OBJECT (link), HREF_KEY) : NULL;

              if (href != NULL && g_strcmp0 (link_text->str, href) != 0)
                g_string_append_printf (out, " <%s>", href);
              g_string_truncate (link_text, 0);
              link = here;
            }
          if (at_end)
            break;

          paintable = gtk_text_iter_get_paintable (&iter);
          if (paintable != NULL)
            {
              g_autofree char *base = image_path (paintable) != NULL
                                      ? g_path_get_basename (image_path (paintable)) : NULL;

              if (base != NULL)
                {
                  g_autofree char *name = g_filename_display_name (base);

                  g_string_append_printf (out, "[%s]", name);
                }
            }
          else
            {
              gunichar c = gtk_text_iter_get_char (&iter);

              g_string_append_unichar (out, c);
              if (link != NULL)
                g_string_append_unichar (link_text, c);
            }
          gtk_text_iter_forward_char (&iter);
        }
      g_string_free (link_text, TRUE);
      if (line + 1 < n_lines)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

gboolean
satchel_rich_text_load_html (GtkTextBuffer  *buffer,
                             const char     *html,
                             GError        **error)
{
  static const GMarkupParser parser = {
    .start_element = on_start_element,
    .end_element = on_end_element,
    .text = on_text,
  };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GtkTextBuffer) scratch = NULL;
  g_autoptr(GPtrArray) links = g_ptr_array_new ();
  RichState *state;
  HtmlParse parse = { NULL, };
  GtkTextIter at;
  GtkTextIter start;
  GtkTextIter end;
  const char *body;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);
  g_return_val_if_fail (html != NULL, FALSE);

  state = get_state (buffer);
  /* Parsed aside, in the same tag table: a failure leaves @buffer as it
   * was. The doctype line is not XML. */
  body = html;
  if (g_str_has_prefix (body, "<!DOCTYPE"))
    {
      body = strchr (body, '>');
      body = body != NULL ? body + 1 : html;
    }
  scratch = gtk_text_buffer_new (gtk_text_buffer_get_tag_table (buffer));
  parse.buffer = scratch;
  parse.state = state;
  parse.links = links;
  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  if (!g_markup_parse_context_parse (context, body, -1, error) ||
      !g_markup_parse_context_end_parse (context, error))
    return FALSE;

  state->busy++;
  gtk_text_buffer_begin_irreversible_action (buffer);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_get_bounds (scratch, &start, &end);
  gtk_text_buffer_get_start_iter (buffer, &at);
  gtk_text_buffer_insert_range (buffer, &at, &start, &end);
  gtk_text_buffer_end_irreversible_action (buffer);
  state->busy--;
  reset_pending (state);

  /* Now read the pictures, in the buffer they are shown in. */
  gtk_text_buffer_get_start_iter (buffer, &at);
  while (gtk_text_iter_forward_search (&at, OBJECT_CHAR, 0, &start, &at, NULL))
    {
      GdkPaintable *paintable = gtk_text_iter_get_paintable (&start);

      if (paintable != NULL && g_object_get_data (G_OBJECT (paintable), IMAGE_PENDING_KEY))
        load_image (buffer, &start, paintable);
    }

  return TRUE;
}
