/* hall-paced-list-model.c — a list's items, handed over a few rows a frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's list views keep a row widget for each of 200 items around
 * their anchor, whatever their height, and a column view's row is a dozen
 * widgets. When a search's results replace a million cases, or the whole
 * list comes back, the view destroyed and built 200 rows in one frame:
 * 50-90 ms with the window frozen. This model stands between the list and
 * the view. It is always a prefix of the underlying list: items [0,
 * n_shown). When a change replaces everything shown or adds many items at
 * the end of what is shown, it shows the first @rows_per_frame of them and
 * then that many more each frame, until the view holds as many rows as it
 * ever builds; the rest come at once, since no row is built for them. The
 * results stream in, first rows first.
 */
#include "config.h"

#include "hall-paced-list-model.h"

/* GTK 4.8's GTK_LIST_VIEW_MAX_LIST_ITEMS: past these the view builds no
 * row for items added after the shown ones. */
#define ROWS_A_VIEW_BUILDS 200

struct _HallPacedListModel
{
  GObject parent_instance;

  GListModel *model;
  GtkWidget *widget;        /* weak: whose frame clock paces */
  guint rows_per_frame;
  guint n_shown;            /* items the view was told of */
  guint pace_until;         /* shown up to here a few a frame, the rest at once */
  guint tick_id;
  /* The first items (up to ROWS_A_VIEW_BUILDS) as the view was told of
   * them. Outside a retirement they are the model's; during one, the
   * model holds its new items already and these are the old rows'. */
  GPtrArray *head;
  gboolean retiring;        /* old rows going a few a frame before the new come */
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

static GType
hall_paced_list_model_get_item_type (GListModel *list)
{
  HallPacedListModel *self = HALL_PACED_LIST_MODEL (list);

  return g_list_model_get_item_type (self->model);
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
  return g_list_model_get_item (self->model, position);
}

static void
hall_paced_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hall_paced_list_model_get_item_type;
  iface->get_n_items = hall_paced_list_model_get_n_items;
  iface->get_item = hall_paced_list_model_get_item;
}

/* Tells the view that @removed items at @position gave way to the
 * model's @added there (self->n_shown is already the new count), the head
 * kept in step first: the view asks for the new items as it hears. */
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
    g_ptr_array_insert (self->head, position + i,
                        g_list_model_get_item (self->model, position + i));
  if (self->head->len > head_len)
    g_ptr_array_set_size (self->head, head_len);
  /* Items that moved up into the head. */
  while (self->head->len < head_len)
    g_ptr_array_add (self->head, g_list_model_get_item (self->model, self->head->len));
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
stop_pacing (HallPacedListModel *self)
{
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

/* The last old rows (at most @rows_per_frame) give way to the first half
 * frame's worth of the model's: with destroying a row costing half what
 * building one does, no frame of the swap costs more than one of pacing. */
static void
finish_retiring (HallPacedListModel *self)
{
  guint n_items = g_list_model_get_n_items (self->model);
  guint before = self->n_shown;

  self->retiring = FALSE;
  self->n_shown = MIN (n_items, MAX (1, self->rows_per_frame / 2));
  self->pace_until = MIN (n_items, ROWS_A_VIEW_BUILDS);
  if (self->n_shown >= n_items)
    stop_pacing (self);
  tell_view (self, 0, before, self->n_shown);
}

/* Destroying a row costs about half what building one does (a profile of
 * the counter's table): the old rows go twice as many a frame as new ones
 * come, until no more than a frame's worth of new ones are left to swap. */
static void
retire_more (HallPacedListModel *self)
{
  guint step;

  if (self->n_shown <= self->rows_per_frame)
    {
      finish_retiring (self);
      return;
    }
  step = MIN (2 * self->rows_per_frame, self->n_shown - self->rows_per_frame);
  self->n_shown -= step;
  tell_view (self, self->n_shown, step, 0);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  HallPacedListModel *self = user_data;

  if (self->retiring)
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

static void
start_pacing (HallPacedListModel *self)
{
  if (self->tick_id != 0)
    return;
  /* Without a widget to pace by (gone, or never shown), all at once. */
  if (!can_pace (self))
    {
      guint before = self->n_shown;

      self->n_shown = g_list_model_get_n_items (self->model);
      if (self->n_shown != before)
        tell_view (self, before, 0, self->n_shown - before);
      return;
    }
  /* The tick is removed by hand (stop_pacing) or when it says so, the
   * model outliving nothing: the widget holds the view, the view this. */
  self->tick_id = gtk_widget_add_tick_callback (self->widget, tick_cb, self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACING]);
}

/* Whether the view shows its first rows: then the rows it built are the
 * head's, and they can go a few at a time. */
static gboolean
view_at_top (HallPacedListModel *self)
{
  GtkAdjustment *adjustment;

  if (!GTK_IS_SCROLLABLE (self->widget))
    return FALSE;
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->widget));
  return adjustment != NULL && gtk_adjustment_get_value (adjustment) < 1;
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

  /* While the old rows go, the view sees none of the model's items: what
   * the model holds when they are gone is what comes (finish_retiring). A
   * search's first rows and then the rest, or a list emptied and filled,
   * do not cut the old rows' going short. */
  if (self->retiring)
    return;

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

  if (position == 0 && removed >= self->n_shown && self->n_shown > 0)
    {
      /* Everything shown is replaced. Seen from the top, the old rows go a
       * few a frame (the view still shows them, from the head) and then
       * the new come a few a frame; elsewhere the old go at once. */
      if (self->n_shown > self->rows_per_frame && can_pace (self) && view_at_top (self))
        {
          guint before = self->n_shown;

          stop_pacing (self);
          self->retiring = TRUE;
          if (before > ROWS_A_VIEW_BUILDS)
            {
              self->n_shown = ROWS_A_VIEW_BUILDS;
              tell_view (self, ROWS_A_VIEW_BUILDS, before - ROWS_A_VIEW_BUILDS, 0);
            }
          start_pacing (self);
          return;
        }
      if (added > self->rows_per_frame)
        {
          guint before = self->n_shown;

          self->n_shown = self->rows_per_frame;
          self->pace_until = MIN (n_items, ROWS_A_VIEW_BUILDS);
          tell_view (self, 0, before, self->n_shown);
          start_pacing (self);
          return;
        }
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
  self->head = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < MIN (self->n_shown, ROWS_A_VIEW_BUILDS); i++)
    g_ptr_array_add (self->head, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (model_items_changed_cb), self);
  return self;
}

gboolean
hall_paced_list_model_get_pacing (HallPacedListModel *self)
{
  g_return_val_if_fail (HALL_IS_PACED_LIST_MODEL (self), FALSE);

  return self->tick_id != 0;
}
