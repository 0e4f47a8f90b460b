/* hall-service-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-service-row.h"

struct _HallServiceRow
{
  GtkWidget    parent_instance;

  HallService *service;

  GtkLabel    *name_label;
  GtkLabel    *department_label;
  GtkLabel    *promise_label;
  GtkLabel    *fee_label;
  GtkWidget   *online_badge;
};

G_DEFINE_FINAL_TYPE (HallServiceRow, hall_service_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SERVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
hall_service_format_promise (guint promised_minutes)
{
  guint hours, days;

  if (promised_minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u minute", "%u minutes",
                                         promised_minutes),
                            promised_minutes);

  /* The catalog counts a working day as 24 h of its clock (1440 min). */
  if (promised_minutes < 24 * 60)
    {
      hours = promised_minutes / 60;
      if (promised_minutes % 60 == 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", hours),
                                hours);
      /* TRANSLATORS: a duration, e.g. "1 h 30 min" */
      return g_strdup_printf (_("%u h %u min"), hours, promised_minutes % 60);
    }

  days = (promised_minutes + 24 * 60 - 1) / (24 * 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working day", "%u working days",
                                       days),
                          days);
}

char *
hall_service_format_fee (guint fee_cents)
{
  if (fee_cents == 0)
    return g_strdup (_("Free"));
  return g_strdup_printf ("¥%u.%02u", fee_cents / 100, fee_cents % 100);
}

static void
hall_service_row_dispose (GObject *object)
{
  HallServiceRow *self = HALL_SERVICE_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_SERVICE_ROW);
  /* The template's unnamed boxes are children too, and a plain GtkWidget
   * must let go of its children itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (hall_service_row_parent_class)->dispose (object);
}

static void
hall_service_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HallServiceRow *self = HALL_SERVICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_service_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HallServiceRow *self = HALL_SERVICE_ROW (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      hall_service_row_set_service (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_service_row_class_init (HallServiceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_service_row_dispose;
  object_class->get_property = hall_service_row_get_property;
  object_class->set_property = hall_service_row_set_property;

  properties[PROP_SERVICE] =
    g_param_spec_object ("service", NULL, NULL, HALL_TYPE_SERVICE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-service-row.ui");
  gtk_widget_class_bind_template_child (widget_class, HallServiceRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, HallServiceRow, department_label);
  gtk_widget_class_bind_template_child (widget_class, HallServiceRow, promise_label);
  gtk_widget_class_bind_template_child (widget_class, HallServiceRow, fee_label);
  gtk_widget_class_bind_template_child (widget_class, HallServiceRow, online_badge);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hallservicerow");
}

static void
hall_service_row_init (HallServiceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hall_service_row_new (void)
{
  return g_object_new (HALL_TYPE_SERVICE_ROW, NULL);
}

HallService *
hall_service_row_get_service (HallServiceRow *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE_ROW (self), NULL);

  return self->service;
}

void
hall_service_row_set_service (HallServiceRow *self,
                              HallService    *service)
{
  g_autofree char *promise = NULL;
  g_autofree char *fee = NULL;

  g_return_if_fail (HALL_IS_SERVICE_ROW (self));
  g_return_if_fail (service == NULL || HALL_IS_SERVICE (service));

  if (!g_set_object (&self->service, service))
    return;

  if (service != NULL)
    {
      promise = hall_service_format_promise (hall_service_get_promised_minutes (service));
      fee = hall_service_format_fee (hall_service_get_fee_cents (service));
      gtk_label_set_label (self->name_label, hall_service_get_name (service));
      gtk_label_set_label (self->department_label, hall_service_get_department_name (service));
      gtk_label_set_label (self->promise_label, promise);
      gtk_label_set_label (self->fee_label, fee);
      gtk_widget_set_visible (self->online_badge, hall_service_get_online (service));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVICE]);
}
