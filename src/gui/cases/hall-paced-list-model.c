/* hall-paced-list-model.c — a list's items, handed over a few rows a frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's list views keep a row widget for each of 200 items around
 * their anchor, whatever their height, and build or destroy one for each
 * item added or removed among them. When a search's results replaced a
 * million cases, or the whole list came back, the view destroyed and
 * built 200 rows in one frame: 50-90 ms with the window frozen while the
 * case list was a column view (a dozen widgets a row), and still more
 * than a frame's worth with a row of one widget. This model stands between the list and
 * the view, and its items are rows (HallListRow), not the list's items:
 *
 * - When a change replaces everything shown, the first 200 rows are given
 *   the new items in place. The view keeps its row widgets, which only
 *   show other text: nothing is destroyed or built. The rows on screen
 *   (the view is at the top) are given theirs at once, the others a few
 *   a frame. Rows the new list does not fill show nothing and go a few a
 *   frame.
 * - Items the view has not been told of yet (after the first 200, or more
 *   than were shown) come a few a frame, until the view holds as many
 *   rows as it ever builds; the rest come at once, since no row is built
 *   for them. The results stream in, first rows first.
 * - Small changes (a case updated, new ones on top) pass through as they
 *   are. An item keeps its row while the row lasts, so an item that comes
 *   back (a case updated in place) finds its row and its widget.
 *
 * The model is always a prefix of the list: row i shows item i, or nothing
 * while it is on its way out; for the few frames after a replacement, the
 * rows past those on screen still show what they showed.
 */
#include "config.h"

#include "hall-list-row.h"
#include "hall-paced-list-model.h"

/* GTK 4.8's GTK_LIST_VIEW_MAX_LIST_ITEMS: past these the view builds no
 * row for items added after the shown ones. */
#define ROWS_A_VIEW_BUILDS 200
/* Rows given another item per row built or destroyed: giving a row
 * another item rebinds its cells, a fraction of what building them costs.
 * As many as that from the top (36 for the case list's 12) are more than
 * a screen of 1,200 pixels holds. */
#define ROWS_REFILLED_PER_ROW_PACED 3

struct _HallPacedListModel
{
  GObject parent_instance;

  GListModel *model;
  GtkWidget *widget;        /* weak: whose frame clock paces */
  guint rows_per_frame;
  guint n_shown;            /* rows the view was told of */
  guint pace_until;         /* shown up to here a few a frame, the rest at once */
  guint tick_id;
  /* The rows of the first items (up to ROWS_A_VIEW_BUILDS), kept across
   * lists: rows [0, MIN (n_shown, ROWS_A_VIEW_BUILDS)). Past the model's
   * items they show nothing. */
  GPtrArray *head;
  /* Rows of the head from here on still show what they showed before
   * the list was replaced (G_MAXUINT: none do). */
  guint stale_from;
  /* The rows on screen were just given theirs: the next frame lays them
   * out, and gives no more rows another item. */
  gboolean just_refilled;
  /* The view shows the top whatever comes (hall_paced_list_model_set_follow_top) */
  gboolean follow_top;
};

static void hall_paced_list_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HallPacedListModel, hall_paced_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hall_paced_list_model_list_model_init))

enum
{
  PROP_0,
  PROP_PACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* (transfer full): the row of the model's item at @position; a row
 * showing nothing past the model's items. */
static HallListRow *
row_at (HallPacedListModel *self,
        guint               position)
{
  g_autoptr (GObject) item = g_list_model_get_item (self->model, position);

  return item != NULL ? hall_list_row_for_item (item) : hall_list_row_new (NULL);
}

static GType
hall_paced_list_model_get_item_type (GListModel *list)
{
  return HALL_TYPE_LIST_ROW;
}

static guint
hall_paced_list_model_get_n_items (GListModel *list)
{
  HallPacedListModel *self = HALL_PACED_LIST_MODEL (list);

  return self->n_shown;
}

static gpointer
hall_paced_list_model_get_item (GListModel *list,
                                guint       position)
{
  HallPacedListModel *self = HALL_PACED_LIST_MODEL (list);

  if (position >= self->n_shown)
    return NULL;
  if (position < self->head->len)
    return g_object_ref (self->head->pdata[position]);
  return row_at (self, position);
}

static void
hall_paced_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hall_paced_list_model_get_item_type;
  iface->get_n_items = hall_paced_list_model_get_n_items;
  iface->get_item = hall_paced_list_model_get_item;
}

/* Tells the view that @removed rows at @position gave way to @added of
 * the model's items there (self->n_shown is already the new count), the
 * head kept in step first: the view asks for the new rows as it hears. */
static void
tell_view (HallPacedListModel *self,
           guint               position,
           guint               removed,
           guint               added)
{
  guint head_len = MIN (self->n_shown, ROWS_A_VIEW_BUILDS);

  if (position < self->head->len)
    g_ptr_array_remove_range (self->head, position, MIN (removed, self->head->len - position));
  for (guint i = 0; i < added && position + i <= self->head->len
                    && position + i < ROWS_A_VIEW_BUILDS; i++)
    g_ptr_array_insert (self->head, position + i, row_at (self, position + i));
  if (self->head->len > head_len)
    g_ptr_array_set_size (self->head, head_len);
  /* Rows that moved up into the head. */
  while (self->head->len < head_len)
    g_ptr_array_add (self->head, row_at (self, self->head->len));
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static gboolean
is_refilling (HallPacedListModel *self)
{
  return self->stale_from < self->head->len;
}

/* The head's rows up to @end show the model's items at their places now,
 * or nothing past the model's items. The view is told nothing: its row
 * widgets stay and show the rows' new items. */
static void
refill_head (HallPacedListModel *self,
             guint               end)
{
  end = MIN (end, self->head->len);
  for (; self->stale_from < end; self->stale_from++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (self->model, self->stale_from);

      hall_list_row_set_item (self->head->pdata[self->stale_from], item);
    }
  if (self->stale_from >= self->head->len)
    self->stale_from = G_MAXUINT;
}

static guint
rows_refilled_a_frame (HallPacedListModel *self)
{
  return ROWS_REFILLED_PER_ROW_PACED * self->rows_per_frame;
}

static void
stop_pacing (HallPacedListModel *self)
{
  self->just_refilled = FALSE;
  if (self->tick_id == 0)
    return;
  if (self->widget != NULL)
    gtk_widget_remove_tick_callback (self->widget, self->tick_id);
  self->tick_id = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACING]);
}

/* Shows the next few items, or all that remain once the view has built
 * all the rows it will. */
static void
show_more (HallPacedListModel *self)
{
  guint n_items = g_list_model_get_n_items (self->model);
  guint before = self->n_shown;

  if (self->n_shown >= self->pace_until)
    self->n_shown = n_items;
  else
    self->n_shown = MIN (n_items, self->n_shown + self->rows_per_frame);
  if (self->n_shown >= n_items)
    stop_pacing (self);
  if (self->n_shown != before)
    tell_view (self, before, 0, self->n_shown - before);
}

/* Rows that show nothing go from the end, a few a frame: nothing on
 * screen waits for them. */
static void
retire_more (HallPacedListModel *self)
{
  guint n_items = g_list_model_get_n_items (self->model);
  guint step = MIN (self->rows_per_frame, self->n_shown - n_items);

  self->n_shown -= step;
  if (self->n_shown <= n_items)
    stop_pacing (self);
  tell_view (self, self->n_shown, step, 0);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  HallPacedListModel *self = user_data;
  guint n_items = g_list_model_get_n_items (self->model);

  if (self->just_refilled)
    self->just_refilled = FALSE;
  else if (is_refilling (self))
    {
      refill_head (self, self->stale_from + rows_refilled_a_frame (self));
      if (!is_refilling (self) && self->n_shown == n_items)
        stop_pacing (self);
    }
  else if (self->n_shown > n_items)
    retire_more (self);
  else
    show_more (self);
  return self->tick_id != 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
can_pace (HallPacedListModel *self)
{
  return self->widget != NULL && gtk_widget_get_realized (self->widget);
}

/* Until the rows shown are the model's items, one for one, a few more
 * rows come or go each frame. */
static void
start_pacing (HallPacedListModel *self)
{
  guint n_items = g_list_model_get_n_items (self->model);

  if (self->n_shown == n_items && !is_refilling (self))
    {
      stop_pacing (self);
      return;
    }
  if (self->tick_id != 0)
    return;
  /* Without a widget to pace by (gone, or never shown), all at once. */
  if (!can_pace (self))
    {
      guint before = self->n_shown;

      refill_head (self, G_MAXUINT);
      if (n_items == before)
        return;
      self->n_shown = n_items;
      if (n_items > before)
        tell_view (self, before, 0, n_items - before);
      else
        tell_view (self, n_items, before - n_items, 0);
      return;
    }
  /* The tick is removed by hand (stop_pacing) or when it says so, the
   * model outliving nothing: the widget holds the view, the view this. */
  self->tick_id = gtk_widget_add_tick_callback (self->widget, tick_cb, self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACING]);
}

static void
model_items_changed_cb (GListModel         *model,
                        guint               position,
                        guint               removed,
                        guint               added,
                        HallPacedListModel *self)
{
  guint n_items = g_list_model_get_n_items (model);
  guint n_before = n_items - added + removed;
  /* Rows showing one of the model's items; the others show nothing. */
  guint n_filled = MIN (self->n_shown, n_before);

  if (position >= self->n_shown)
    {
      /* After the shown items: they are handed over in their turn. */
      if (self->tick_id == 0)
        {
          if (n_items - self->n_shown <= self->rows_per_frame)
            show_more (self);
          else
            {
              self->pace_until = MIN (n_items, self->n_shown + ROWS_A_VIEW_BUILDS);
              start_pacing (self);
            }
        }
      return;
    }

  if ((position == 0 && removed >= n_filled) || position == n_filled || is_refilling (self)
      || (self->follow_top && position == 0 && added > removed + self->rows_per_frame))
    {
      /* Everything shown replaced (a search's results, the whole list
       * back), or items added where rows show nothing (a search's first
       * rows and then the rest), or any change while rows still show what
       * they showed, or more new items on top than a frame builds rows
       * for while the view follows the top (a pull: the view would build
       * a row for each new one on screen and destroy as many): the head's
       * rows show the new items, those on screen now and the others a few
       * a frame. Past the head the view built no
       * rows while at the top; those go at once, and what is still to come
       * comes a few a frame. */
      guint head_len = self->head->len;

      self->stale_from = 0;
      refill_head (self, rows_refilled_a_frame (self));
      self->just_refilled = is_refilling (self);
      if (self->n_shown > head_len)
        {
          guint before = self->n_shown;

          self->n_shown = head_len;
          g_list_model_items_changed (G_LIST_MODEL (self), head_len, before - head_len, 0);
        }
      self->pace_until = MIN (n_items, ROWS_A_VIEW_BUILDS);
      start_pacing (self);
      return;
    }

  /* Any other change while some rows show nothing: those go first, at
   * once (a rare case: a case changing in the few frames they last). */
  if (self->n_shown > n_before)
    {
      guint before = self->n_shown;

      self->n_shown = n_before;
      tell_view (self, n_before, before - n_before, 0);
    }

  /* A change among the shown items while others are still to come: the
   * items from the change on are shown anew, all of them, in one change.
   * (Two changes would hand the view the model's new items for the
   * positions it was yet to hear had moved.) */
  if (self->n_shown < n_before)
    {
      guint before = self->n_shown;

      self->n_shown = n_items;
      stop_pacing (self);
      tell_view (self, position, before - position, n_items - position);
      return;
    }

  /* A change among the shown items (a case updated, new ones on top):
   * passed on as it is. */
  self->n_shown = n_items;
  tell_view (self, position, removed, added);
}

static void
hall_paced_list_model_dispose (GObject *object)
{
  HallPacedListModel *self = HALL_PACED_LIST_MODEL (object);

  stop_pacing (self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  g_clear_pointer (&self->head, g_ptr_array_unref);
  g_clear_weak_pointer (&self->widget);

  G_OBJECT_CLASS (hall_paced_list_model_parent_class)->dispose (object);
}

static void
hall_paced_list_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HallPacedListModel *self = HALL_PACED_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_PACING:
      g_value_set_boolean (value, hall_paced_list_model_get_pacing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_paced_list_model_class_init (HallPacedListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_paced_list_model_dispose;
  object_class->get_property = hall_paced_list_model_get_property;

  properties[PROP_PACING] =
    g_param_spec_boolean ("pacing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_paced_list_model_init (HallPacedListModel *self)
{
  self->head = g_ptr_array_new_with_free_func (g_object_unref);
  self->stale_from = G_MAXUINT;
}

HallPacedListModel *
hall_paced_list_model_new (GListModel *model,
                           GtkWidget  *widget,
                           guint       rows_per_frame)
{
  HallPacedListModel *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (rows_per_frame > 0, NULL);

  self = g_object_new (HALL_TYPE_PACED_LIST_MODEL, NULL);
  self->model = g_object_ref (model);
  g_set_weak_pointer (&self->widget, widget);
  self->rows_per_frame = rows_per_frame;
  self->n_shown = g_list_model_get_n_items (model);
  for (guint i = 0; i < MIN (self->n_shown, ROWS_A_VIEW_BUILDS); i++)
    g_ptr_array_add (self->head, row_at (self, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (model_items_changed_cb), self);
  return self;
}

void
hall_paced_list_model_set_follow_top (HallPacedListModel *self,
                                      gboolean            follow_top)
{
  g_return_if_fail (HALL_IS_PACED_LIST_MODEL (self));

  self->follow_top = !!follow_top;
}

gboolean
hall_paced_list_model_get_pacing (HallPacedListModel *self)
{
  g_return_val_if_fail (HALL_IS_PACED_LIST_MODEL (self), FALSE);

  return self->tick_id != 0;
}
