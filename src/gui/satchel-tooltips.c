/* satchel-tooltips.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-tooltips"

#include "config.h"

#include "satchel-tooltips.h"

/* The widest a tooltip's text grows before it wraps, in GtkLabel
 * "chars": the font's average character width, which a CJK character
 * takes about two of. GTK's own limit. */
#define MAX_WIDTH_CHARS 50

/* Whether @label is the text of a tooltip: the first label of the box
 * that a tooltip window (CSS name "tooltip") holds. Labels of custom
 * tooltip widgets come after it, and are left alone. */
static gboolean
is_tooltip_text (GtkWidget *label)
{
  GtkWidget *box = gtk_widget_get_parent (label);
  GtkWidget *tooltip;

  if (box == NULL)
    return FALSE;
  tooltip = gtk_widget_get_parent (box);
  if (tooltip == NULL || !GTK_IS_NATIVE (tooltip) ||
      g_strcmp0 (gtk_widget_get_css_name (tooltip), "tooltip") != 0)
    return FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (box);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child))
        return child == label;
    }
  return FALSE;
}

/* GtkTooltip sets the label's text, its wrapping and max-width-chars
 * (as many as the text has characters), then shows the label, each
 * time it asks a widget for its tooltip: so this runs after GTK's own
 * sizing and before the tooltip is measured. Emission hooks run before
 * the class handler, on the main thread. */
static gboolean
on_widget_show (GSignalInvocationHint *hint,
                guint                  n_param_values,
                const GValue          *param_values,
                gpointer               user_data)
{
  GtkWidget *widget = g_value_get_object (&param_values[0]);

  if (GTK_IS_LABEL (widget) && is_tooltip_text (widget))
    {
      /* As wide as the text, up to the limit: the label measures its
       * natural width as the narrower of the two. Text with line
       * breaks (GTK does not wrap it) wraps too when a line is long. */
      gtk_label_set_wrap (GTK_LABEL (widget), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (widget),
                                     MAX_WIDTH_CHARS);
    }

  return TRUE;
}

void
satchel_tooltips_init (void)
{
  static gsize hooked = 0;

  if (g_once_init_enter (&hooked))
    {
      guint show;

      /* The signal comes with the class; the hook, and so the class,
       * stay for the life of the process. */
      g_type_class_ref (GTK_TYPE_WIDGET);
      show = g_signal_lookup ("show", GTK_TYPE_WIDGET);
      g_assert (show != 0);
      g_signal_add_emission_hook (show, 0, on_widget_show, NULL, NULL);
      g_once_init_leave (&hooked, 1);
    }
}
