/* hall-case-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include "hall-case-record.h"

struct _HallCaseRecord
{
  GObject        parent_instance;

  HallCase      *kase;
  HallApplicant *applicant;
  GPtrArray     *events;
  GPtrArray     *conflicts;
};

G_DEFINE_FINAL_TYPE (HallCaseRecord, hall_case_record, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CASE,
  PROP_APPLICANT,
  PROP_EVENTS,
  PROP_CONFLICTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hall_case_record_constructed (GObject *object)
{
  HallCaseRecord *self = HALL_CASE_RECORD (object);

  G_OBJECT_CLASS (hall_case_record_parent_class)->constructed (object);

  /* A page walks the arrays without asking first. */
  if (self->events == NULL)
    self->events = g_ptr_array_new_with_free_func (g_object_unref);
  if (self->conflicts == NULL)
    self->conflicts = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
hall_case_record_dispose (GObject *object)
{
  HallCaseRecord *self = HALL_CASE_RECORD (object);

  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_case_record_parent_class)->dispose (object);
}

static void
hall_case_record_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HallCaseRecord *self = HALL_CASE_RECORD (object);

  switch (prop_id)
    {
    case PROP_CASE:
      g_value_set_object (value, self->kase);
      break;
    case PROP_APPLICANT:
      g_value_set_object (value, self->applicant);
      break;
    case PROP_EVENTS:
      g_value_set_boxed (value, self->events);
      break;
    case PROP_CONFLICTS:
      g_value_set_boxed (value, self->conflicts);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_record_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HallCaseRecord *self = HALL_CASE_RECORD (object);

  switch (prop_id)
    {
    case PROP_CASE:
      self->kase = g_value_dup_object (value);
      break;
    case PROP_APPLICANT:
      self->applicant = g_value_dup_object (value);
      break;
    case PROP_EVENTS:
      self->events = g_value_dup_boxed (value);
      break;
    case PROP_CONFLICTS:
      self->conflicts = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_record_class_init (HallCaseRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = hall_case_record_constructed;
  object_class->dispose = hall_case_record_dispose;
  object_class->get_property = hall_case_record_get_property;
  object_class->set_property = hall_case_record_set_property;

  properties[PROP_CASE] = g_param_spec_object ("case", NULL, NULL, HALL_TYPE_CASE, flags);
  properties[PROP_APPLICANT] = g_param_spec_object ("applicant", NULL, NULL,
                                                    HALL_TYPE_APPLICANT, flags);
  properties[PROP_EVENTS] = g_param_spec_boxed ("events", NULL, NULL, G_TYPE_PTR_ARRAY, flags);
  properties[PROP_CONFLICTS] = g_param_spec_boxed ("conflicts", NULL, NULL, G_TYPE_PTR_ARRAY,
                                                   flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_case_record_init (HallCaseRecord *self)
{
}

HallCaseRecord *
hall_case_record_new (HallCase      *kase,
                      HallApplicant *applicant,
                      GPtrArray     *events,
                      GPtrArray     *conflicts)
{
  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);
  g_return_val_if_fail (applicant == NULL || HALL_IS_APPLICANT (applicant), NULL);

  return g_object_new (HALL_TYPE_CASE_RECORD,
                       "case", kase,
                       "applicant", applicant,
                       "events", events,
                       "conflicts", conflicts,
                       NULL);
}

HallCase *
hall_case_record_get_case (HallCaseRecord *self)
{
  g_return_val_if_fail (HALL_IS_CASE_RECORD (self), NULL);

  return self->kase;
}

HallApplicant *
hall_case_record_get_applicant (HallCaseRecord *self)
{
  g_return_val_if_fail (HALL_IS_CASE_RECORD (self), NULL);

  return self->applicant;
}

GPtrArray *
hall_case_record_get_events (HallCaseRecord *self)
{
  g_return_val_if_fail (HALL_IS_CASE_RECORD (self), NULL);

  return self->events;
}

GPtrArray *
hall_case_record_get_conflicts (HallCaseRecord *self)
{
  g_return_val_if_fail (HALL_IS_CASE_RECORD (self), NULL);

  return self->conflicts;
}
