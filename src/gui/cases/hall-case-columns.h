/* hall-case-columns.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Room left and right of a cell's content, inside its column: the header's
 * titles and the rows' texts start at the same x. */
#define HALL_CASE_CELL_PADDING 6

/* A table has at most this many columns: callers place them into arrays
 * of this size on the stack. */
#define HALL_CASE_COLUMNS_MAX 16

#define HALL_TYPE_CASE_COLUMNS (hall_case_columns_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseColumns, hall_case_columns, HALL, CASE_COLUMNS, GObject)

/* The columns of the case table: their titles, which are shown, and where
 * each stands in a row of a given width. The table's header and every row
 * place their cells by it, so a column resized in the header moves the
 * cells of all rows; "changed" says that the places moved.
 *
 * A column is as wide as its fixed width, or else its natural width; the
 * room left over goes to the columns that expand, in equal shares. In a
 * row narrower than all of that, the columns without a fixed width give
 * up their room first, down to MIN_WIDTH, then every column shrinks in
 * proportion: a table never scrolls sideways. */

HallCaseColumns *hall_case_columns_new             (void);
/* The new column's index. @fixed_width is -1 for none. */
guint            hall_case_columns_add             (HallCaseColumns *self,
                                                    const char      *title,
                                                    int              fixed_width,
                                                    int              natural_width,
                                                    gboolean         expand);
guint            hall_case_columns_get_n_columns   (HallCaseColumns *self);
const char      *hall_case_columns_get_title       (HallCaseColumns *self,
                                                    guint            column);
gboolean         hall_case_columns_get_visible     (HallCaseColumns *self,
                                                    guint            column);
void             hall_case_columns_set_visible     (HallCaseColumns *self,
                                                    guint            column,
                                                    gboolean         visible);
int              hall_case_columns_get_fixed_width (HallCaseColumns *self,
                                                    guint            column);
void             hall_case_columns_set_fixed_width (HallCaseColumns *self,
                                                    guint            column,
                                                    int              fixed_width);
void             hall_case_columns_set_expand      (HallCaseColumns *self,
                                                    guint            column,
                                                    gboolean         expand);
/* Each column's left edge and width in a row @width wide, into @x and
 * @widths (n_columns each, HALL_CASE_COLUMNS_MAX will do); a hidden column
 * gets a width of 0. */
void             hall_case_columns_place           (HallCaseColumns *self,
                                                    int              width,
                                                    int             *x,
                                                    int             *widths);
/* The column at @x in a row @width wide, or -1 for none. */
int              hall_case_columns_get_column_at   (HallCaseColumns *self,
                                                    int              width,
                                                    double           x);
/* The width of all the visible columns at their natural widths. */
int              hall_case_columns_get_natural_width (HallCaseColumns *self);

G_END_DECLS
