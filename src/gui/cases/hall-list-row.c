/* hall-list-row.c — one row of a table, given another item when the list changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-list-row.h"

struct _HallListRow
{
  GObject parent_instance;

  GObject *item;
  gulong item_notify_id;
  GArray *watches;  /* of Watch: the cells shown on the row */
};

typedef struct
{
  HallListRowWatch func;
  gpointer         data;
} Watch;

G_DEFINE_FINAL_TYPE (HallListRow, hall_list_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* On an item, its row (unowned): set while the row shows it. */
static GQuark row_quark;

/* "changed", to the signal's handlers and then to the watches. */
static void
emit_changed (HallListRow *self,
              GParamSpec  *pspec)
{
  if (pspec != NULL)
    g_signal_emit (self, signals[CHANGED], g_param_spec_get_name_quark (pspec), pspec);
  else
    g_signal_emit (self, signals[CHANGED], 0, NULL);
  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    {
      Watch *watch = &g_array_index (self->watches, Watch, i);

      watch->func (self, pspec, watch->data);
    }
}

static void
item_notify_cb (GObject     *item,
                GParamSpec  *pspec,
                HallListRow *self)
{
  emit_changed (self, pspec);
}

static void
let_go_of_item (HallListRow *self)
{
  if (self->item == NULL)
    return;
  if (g_object_get_qdata (self->item, row_quark) == self)
    g_object_set_qdata (self->item, row_quark, NULL);
  g_clear_signal_handler (&self->item_notify_id, self->item);
  g_clear_object (&self->item);
}

static void
hall_list_row_finalize (GObject *object)
{
  HallListRow *self = HALL_LIST_ROW (object);

  let_go_of_item (self);
  g_clear_pointer (&self->watches, g_array_unref);

  G_OBJECT_CLASS (hall_list_row_parent_class)->finalize (object);
}

static void
hall_list_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HallListRow *self = HALL_LIST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_list_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HallListRow *self = HALL_LIST_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      hall_list_row_set_item (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_list_row_class_init (HallListRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_list_row_finalize;
  object_class->get_property = hall_list_row_get_property;
  object_class->set_property = hall_list_row_set_property;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  row_quark = g_quark_from_static_string ("hall-list-row");

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_NO_RECURSE | G_SIGNAL_DETAILED, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_PARAM);
}

static void
hall_list_row_init (HallListRow *self)
{
}

HallListRow *
hall_list_row_new (gpointer item)
{
  g_return_val_if_fail (item == NULL || G_IS_OBJECT (item), NULL);

  return g_object_new (HALL_TYPE_LIST_ROW, "item", item, NULL);
}

HallListRow *
hall_list_row_for_item (gpointer item)
{
  HallListRow *row;

  g_return_val_if_fail (G_IS_OBJECT (item), NULL);

  row = g_object_get_qdata (item, row_quark);
  if (row != NULL)
    return g_object_ref (row);
  return hall_list_row_new (item);
}

gpointer
hall_list_row_get_item (HallListRow *self)
{
  g_return_val_if_fail (HALL_IS_LIST_ROW (self), NULL);

  return self->item;
}

void
hall_list_row_set_item (HallListRow *self,
                        gpointer     item)
{
  g_return_if_fail (HALL_IS_LIST_ROW (self));
  g_return_if_fail (item == NULL || G_IS_OBJECT (item));

  if (self->item == item)
    return;
  let_go_of_item (self);
  if (item != NULL)
    {
      self->item = g_object_ref (item);
      self->item_notify_id = g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), self);
      g_object_set_qdata (self->item, row_quark, self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
  emit_changed (self, NULL);
}

void
hall_list_row_watch (HallListRow      *self,
                     HallListRowWatch  func,
                     gpointer          data)
{
  Watch watch = { func, data };

  g_return_if_fail (HALL_IS_LIST_ROW (self));
  g_return_if_fail (func != NULL);

  if (self->watches == NULL)
    self->watches = g_array_sized_new (FALSE, FALSE, sizeof (Watch), 8);
  g_array_append_val (self->watches, watch);
}

void
hall_list_row_unwatch (HallListRow      *self,
                       HallListRowWatch  func,
                       gpointer          data)
{
  g_return_if_fail (HALL_IS_LIST_ROW (self));

  for (guint i = 0; self->watches != NULL && i < self->watches->len; i++)
    {
      Watch *watch = &g_array_index (self->watches, Watch, i);

      if (watch->func == func && watch->data == data)
        {
          g_array_remove_index (self->watches, i);
          return;
        }
    }
  g_critical ("%s: %p does not watch the row", G_STRFUNC, data);
}
