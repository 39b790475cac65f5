/* satchel-rich-text.h
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Rich text in a GtkTextBuffer, and its two forms on the wire: the
 * text/html part and the text/plain alternative made from the same
 * content. What it knows: bold, italic, underline, links, bulleted
 * lists (lines starting with a tagged "• ") and inline images
 * (paintables that remember their file). Main thread only. */

typedef enum
{
  SATCHEL_RICH_TEXT_BOLD,
  SATCHEL_RICH_TEXT_ITALIC,
  SATCHEL_RICH_TEXT_UNDERLINE,
} SatchelRichTextStyle;

/* Creates the tags in @buffer's tag table and makes typed text take the
 * style of the text before it (or the style chosen with nothing
 * selected). Call once per buffer. */
void      satchel_rich_text_setup            (GtkTextBuffer        *buffer);

/* With a selection: applies @style to it, or removes it when all of it
 * has it already. Without: the style of what is typed next. Returns
 * whether @style is now on. */
gboolean  satchel_rich_text_toggle_style     (GtkTextBuffer        *buffer,
                                              SatchelRichTextStyle  style);
/* Whether the selection, or what is typed next, has @style. */
gboolean  satchel_rich_text_get_style        (GtkTextBuffer        *buffer,
                                              SatchelRichTextStyle  style);

/* Makes the selection a link to @uri; with no selection inserts @uri
 * as a link at the cursor. */
void      satchel_rich_text_insert_link      (GtkTextBuffer        *buffer,
                                              const char           *uri);
/* The link at the cursor, or NULL. (transfer none) */
const char *satchel_rich_text_get_link       (GtkTextBuffer        *buffer);

/* Makes the lines of the selection (or the cursor's) a bulleted list,
 * or plain lines again when they all are in one already. */
void      satchel_rich_text_toggle_bullets   (GtkTextBuffer        *buffer);
gboolean  satchel_rich_text_get_bullets      (GtkTextBuffer        *buffer);
/* What Enter does in a list: a new item, or the end of the list on an
 * empty item. FALSE when the cursor is not in a list. */
gboolean  satchel_rich_text_newline          (GtkTextBuffer        *buffer);

/* Inserts the image in @path at the cursor: a placeholder at once, the
 * picture (scaled to fit the window; the file is sent as it is) once
 * read without blocking. */
void      satchel_rich_text_insert_image     (GtkTextBuffer        *buffer,
                                              const char           *path);
/* The files of the images in @buffer, each once, in order.
 * (transfer full) */
GStrv     satchel_rich_text_dup_images       (GtkTextBuffer        *buffer);

/* TRUE when anything in @buffer is styled, linked, listed or a picture. */
gboolean  satchel_rich_text_has_formatting   (GtkTextBuffer        *buffer);
/* Removes every style, link and bullet; pictures become their file
 * name in brackets. */
void      satchel_rich_text_clear_formatting (GtkTextBuffer        *buffer);

/* The text/html form of @buffer (UTF-8, well-formed XHTML).
 * For sending, pass @inline_paths and @inline_names (empty GPtrArrays
 * of char*, with a free function): images point to cid:NAME, and each
 * picture's file and the unique NAME to give it
 * (SATCHEL_ATTACHMENT_INLINE) are appended. With NULL (a draft),
 * images point to their file: URI. (transfer full) */
char     *satchel_rich_text_to_html          (GtkTextBuffer        *buffer,
                                              GPtrArray            *inline_paths,
                                              GPtrArray            *inline_names);
/* The text/plain alternative of the same content: list items start with
 * "* ", links are followed by their address in angle brackets, images
 * are "[NAME]". (transfer full) */
char     *satchel_rich_text_to_plain         (GtkTextBuffer        *buffer);
/* Replaces @buffer's content with @html as satchel_rich_text_to_html()
 * writes it (a draft). FALSE, and the buffer untouched, when @html is
 * not in that form. */
gboolean  satchel_rich_text_load_html        (GtkTextBuffer        *buffer,
                                              const char           *html,
                                              GError              **error);

G_END_DECLS
