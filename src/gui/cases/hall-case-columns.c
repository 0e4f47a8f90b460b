/* hall-case-columns.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-case-columns.h"

/* What a column without a fixed width keeps when a row is too narrow for
 * all: an ellipsis and a few characters. */
#define MIN_WIDTH 48

typedef struct
{
  char *title;
  int fixed_width;    /* -1: none */
  int natural_width;
  gboolean expand;
  gboolean visible;
} Column;

struct _HallCaseColumns
{
  GObject parent_instance;

  GArray *columns;    /* of Column */
};

G_DEFINE_FINAL_TYPE (HallCaseColumns, hall_case_columns, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_column (gpointer data)
{
  Column *column = data;

  g_free (column->title);
}

static void
hall_case_columns_finalize (GObject *object)
{
  HallCaseColumns *self = HALL_CASE_COLUMNS (object);

  g_array_unref (self->columns);

  G_OBJECT_CLASS (hall_case_columns_parent_class)->finalize (object);
}

static void
hall_case_columns_class_init (HallCaseColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_case_columns_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
hall_case_columns_init (HallCaseColumns *self)
{
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, clear_column);
}

HallCaseColumns *
hall_case_columns_new (void)
{
  return g_object_new (HALL_TYPE_CASE_COLUMNS, NULL);
}

static Column *
get_column (HallCaseColumns *self,
            guint            column)
{
  g_return_val_if_fail (column < self->columns->len, NULL);

  return &g_array_index (self->columns, Column, column);
}

guint
hall_case_columns_add (HallCaseColumns *self,
                       const char      *title,
                       int              fixed_width,
                       int              natural_width,
                       gboolean         expand)
{
  Column column = { NULL, fixed_width, natural_width, expand, TRUE };

  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), 0);
  g_return_val_if_fail (self->columns->len < HALL_CASE_COLUMNS_MAX, 0);

  column.title = g_strdup (title);

  g_array_append_val (self->columns, column);
  g_signal_emit (self, signals[CHANGED], 0);
  return self->columns->len - 1;
}

guint
hall_case_columns_get_n_columns (HallCaseColumns *self)
{
  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), 0);

  return self->columns->len;
}

const char *
hall_case_columns_get_title (HallCaseColumns *self,
                             guint            column)
{
  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), NULL);

  return get_column (self, column)->title;
}

gboolean
hall_case_columns_get_visible (HallCaseColumns *self,
                               guint            column)
{
  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), FALSE);

  return get_column (self, column)->visible;
}

void
hall_case_columns_set_visible (HallCaseColumns *self,
                               guint            column,
                               gboolean         visible)
{
  Column *c;

  g_return_if_fail (HALL_IS_CASE_COLUMNS (self));

  c = get_column (self, column);
  if (c->visible == !!visible)
    return;
  c->visible = !!visible;
  g_signal_emit (self, signals[CHANGED], 0);
}

int
hall_case_columns_get_fixed_width (HallCaseColumns *self,
                                   guint            column)
{
  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), -1);

  return get_column (self, column)->fixed_width;
}

void
hall_case_columns_set_fixed_width (HallCaseColumns *self,
                                   guint            column,
                                   int              fixed_width)
{
  Column *c;

  g_return_if_fail (HALL_IS_CASE_COLUMNS (self));

  c = get_column (self, column);
  if (c->fixed_width == fixed_width)
    return;
  c->fixed_width = fixed_width;
  g_signal_emit (self, signals[CHANGED], 0);
}

void
hall_case_columns_set_expand (HallCaseColumns *self,
                              guint            column,
                              gboolean         expand)
{
  Column *c;

  g_return_if_fail (HALL_IS_CASE_COLUMNS (self));

  c = get_column (self, column);
  if (c->expand == !!expand)
    return;
  c->expand = !!expand;
  g_signal_emit (self, signals[CHANGED], 0);
}

static int
base_width (const Column *column)
{
  return column->fixed_width >= 0 ? column->fixed_width : column->natural_width;
}

int
hall_case_columns_get_natural_width (HallCaseColumns *self)
{
  int sum = 0;

  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), 0);

  for (guint i = 0; i < self->columns->len; i++)
    {
      const Column *column = &g_array_index (self->columns, Column, i);

      if (column->visible)
        sum += base_width (column);
    }
  return sum;
}

/* Takes @excess pixels out of @widths: first from the columns without a
 * fixed width, down to MIN_WIDTH, in proportion to what each can give,
 * then from all in proportion to their widths. */
static void
shrink (HallCaseColumns *self,
        int             *widths,
        int              excess)
{
  int spare = 0;
  int total = 0;
  int taken = 0;

  for (guint i = 0; i < self->columns->len; i++)
    {
      const Column *column = &g_array_index (self->columns, Column, i);

      if (column->visible && column->fixed_width < 0)
        spare += MAX (0, widths[i] - MIN_WIDTH);
    }
  if (spare > 0)
    {
      int share = MIN (spare, excess);

      for (guint i = 0; i < self->columns->len; i++)
        {
          const Column *column = &g_array_index (self->columns, Column, i);
          int give;

          if (!column->visible || column->fixed_width >= 0)
            continue;
          give = (gint64) MAX (0, widths[i] - MIN_WIDTH) * share / spare;
          widths[i] -= give;
          taken += give;
        }
      /* What rounding left, from the last of them that can give it. */
      for (guint i = self->columns->len; i-- > 0 && taken < share;)
        {
          const Column *column = &g_array_index (self->columns, Column, i);
          int give;

          if (!column->visible || column->fixed_width >= 0)
            continue;
          give = MIN (MAX (0, widths[i] - MIN_WIDTH), share - taken);
          widths[i] -= give;
          taken += give;
        }
      excess -= taken;
    }
  if (excess <= 0)
    return;

  for (guint i = 0; i < self->columns->len; i++)
    total += widths[i];
  taken = 0;
  for (guint i = 0; i < self->columns->len && total > 0; i++)
    {
      int give = (gint64) widths[i] * excess / total;

      widths[i] -= give;
      taken += give;
    }
  /* Rounding leaves a few pixels: from the last visible column. */
  for (guint i = self->columns->len; i-- > 0 && taken < excess;)
    if (widths[i] > 0)
      {
        int give = MIN (widths[i], excess - taken);

        widths[i] -= give;
        taken += give;
      }
}

void
hall_case_columns_place (HallCaseColumns *self,
                         int              width,
                         int             *x,
                         int             *widths)
{
  int natural;
  guint n_expand = 0;
  int left;

  g_return_if_fail (HALL_IS_CASE_COLUMNS (self));

  for (guint i = 0; i < self->columns->len; i++)
    {
      const Column *column = &g_array_index (self->columns, Column, i);

      widths[i] = column->visible ? base_width (column) : 0;
      if (column->visible && column->expand)
        n_expand++;
    }
  natural = hall_case_columns_get_natural_width (self);

  if (natural > width)
    shrink (self, widths, natural - width);
  else if (n_expand > 0)
    {
      int extra = width - natural;
      guint seen = 0;

      /* Equal shares; the last expanding column takes what rounding left. */
      for (guint i = 0; i < self->columns->len; i++)
        {
          const Column *column = &g_array_index (self->columns, Column, i);

          if (!column->visible || !column->expand)
            continue;
          seen++;
          widths[i] += seen == n_expand ? extra - (int) (extra / n_expand) * (int) (n_expand - 1)
                                        : (int) (extra / n_expand);
        }
    }

  left = 0;
  for (guint i = 0; i < self->columns->len; i++)
    {
      x[i] = left;
      left += widths[i];
    }
}

int
hall_case_columns_get_column_at (HallCaseColumns *self,
                                 int              width,
                                 double           x)
{
  int xs[HALL_CASE_COLUMNS_MAX];
  int widths[HALL_CASE_COLUMNS_MAX];

  g_return_val_if_fail (HALL_IS_CASE_COLUMNS (self), -1);

  hall_case_columns_place (self, width, xs, widths);
  for (guint i = 0; i < self->columns->len; i++)
    if (widths[i] > 0 && x >= xs[i] && x < xs[i] + widths[i])
      return i;
  return -1;
}
