/* hall-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-catalog"

#include "hall-service-private.h"

struct _HallService
{
  GObject parent_instance;

  char *id;
  char *name_en;
  char *name_zh;
  char *department_id;
  char *department_name_en;
  char *department_name_zh;
  char *group;
  char *applicant_kind;
  guint promised_minutes;
  guint fee_cents;
  gboolean online;
  char *search_text;

  GArray *documents; /* of HallRequiredDocument */
  GArray *steps;     /* of HallApprovalStep */
  HallCalendar *calendar; /* (nullable), under calendar_lock */
  GArray *reasons;   /* of HallCatalogReason */
};

/* The catalog may change its calendar while a worker computes a promise. */
G_LOCK_DEFINE_STATIC (calendar_lock);

G_DEFINE_FINAL_TYPE (HallService, hall_service, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_NAME_EN,
  PROP_NAME_ZH,
  PROP_DEPARTMENT_ID,
  PROP_DEPARTMENT_NAME,
  PROP_GROUP,
  PROP_APPLICANT_KIND,
  PROP_PROMISED_MINUTES,
  PROP_FEE_CENTS,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

gboolean
_hall_prefers_chinese (void)
{
  static gsize once = 0;
  static gboolean chinese = FALSE;

  /* Once per process: a list that switched language half-way through would
   * show a mix of both. */
  if (g_once_init_enter (&once))
    {
      const char * const *names = g_get_language_names ();

      chinese = names[0] != NULL && g_str_has_prefix (names[0], "zh");
      g_once_init_leave (&once, 1);
    }

  return chinese;
}

static void
clear_document (gpointer data)
{
  HallRequiredDocument *doc = data;

  g_clear_pointer (&doc->id, g_free);
  g_clear_pointer (&doc->name, g_free);
  g_clear_pointer (&doc->name_zh, g_free);
}

static void
clear_step (gpointer data)
{
  HallApprovalStep *step = data;

  g_clear_pointer (&step->id, g_free);
  g_clear_pointer (&step->name, g_free);
  g_clear_pointer (&step->name_zh, g_free);
  g_clear_pointer (&step->role, g_free);
  g_clear_pointer (&step->department, g_free);
  g_clear_pointer (&step->parallel, g_free);
}

static void
clear_reason (gpointer data)
{
  HallCatalogReason *reason = data;

  g_clear_pointer (&reason->code, g_free);
  g_clear_pointer (&reason->text, g_free);
  g_clear_pointer (&reason->text_zh, g_free);
}

static void
hall_service_finalize (GObject *object)
{
  HallService *self = HALL_SERVICE (object);

  g_free (self->id);
  g_free (self->name_en);
  g_free (self->name_zh);
  g_free (self->department_id);
  g_free (self->department_name_en);
  g_free (self->department_name_zh);
  g_free (self->group);
  g_free (self->applicant_kind);
  g_free (self->search_text);
  g_clear_pointer (&self->documents, g_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);
  g_clear_object (&self->calendar);
  g_clear_pointer (&self->reasons, g_array_unref);

  G_OBJECT_CLASS (hall_service_parent_class)->finalize (object);
}

static void
hall_service_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HallService *self = HALL_SERVICE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, hall_service_get_name (self));
      break;
    case PROP_NAME_EN:
      g_value_set_string (value, self->name_en);
      break;
    case PROP_NAME_ZH:
      g_value_set_string (value, self->name_zh);
      break;
    case PROP_DEPARTMENT_ID:
      g_value_set_string (value, self->department_id);
      break;
    case PROP_DEPARTMENT_NAME:
      g_value_set_string (value, hall_service_get_department_name (self));
      break;
    case PROP_GROUP:
      g_value_set_string (value, self->group);
      break;
    case PROP_APPLICANT_KIND:
      g_value_set_string (value, self->applicant_kind);
      break;
    case PROP_PROMISED_MINUTES:
      g_value_set_uint (value, self->promised_minutes);
      break;
    case PROP_FEE_CENTS:
      g_value_set_uint (value, self->fee_cents);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_service_class_init (HallServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hall_service_finalize;
  object_class->get_property = hall_service_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_NAME_EN] = g_param_spec_string ("name-en", NULL, NULL, NULL, flags);
  properties[PROP_NAME_ZH] = g_param_spec_string ("name-zh", NULL, NULL, NULL, flags);
  properties[PROP_DEPARTMENT_ID] = g_param_spec_string ("department-id", NULL, NULL, NULL, flags);
  properties[PROP_DEPARTMENT_NAME]
      = g_param_spec_string ("department-name", NULL, NULL, NULL, flags);
  properties[PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, NULL, flags);
  properties[PROP_APPLICANT_KIND]
      = g_param_spec_string ("applicant-kind", NULL, NULL, NULL, flags);
  properties[PROP_PROMISED_MINUTES]
      = g_param_spec_uint ("promised-minutes", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FEE_CENTS] = g_param_spec_uint ("fee-cents", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_service_init (HallService *self)
{
  self->documents = g_array_new (FALSE, TRUE, sizeof (HallRequiredDocument));
  g_array_set_clear_func (self->documents, clear_document);
  self->steps = g_array_new (FALSE, TRUE, sizeof (HallApprovalStep));
  g_array_set_clear_func (self->steps, clear_step);
  self->reasons = g_array_new (FALSE, TRUE, sizeof (HallCatalogReason));
  g_array_set_clear_func (self->reasons, clear_reason);
}

HallService *
_hall_service_new (const char         *id,
                   const char         *name_en,
                   const char         *name_zh,
                   const char         *department_id,
                   const char         *department_name_en,
                   const char         *department_name_zh,
                   const char         *group,
                   const char         *applicant_kind,
                   guint               promised_minutes,
                   guint               fee_cents,
                   gboolean            online,
                   const char * const *keywords)
{
  HallService *self = g_object_new (HALL_TYPE_SERVICE, NULL);
  g_autoptr (GString) search = g_string_new (NULL);

  self->id = g_strdup (id);
  self->name_en = g_strdup (name_en);
  self->name_zh = g_strdup (name_zh);
  self->department_id = g_strdup (department_id);
  self->department_name_en = g_strdup (department_name_en);
  self->department_name_zh = g_strdup (department_name_zh);
  self->group = g_strdup (group);
  self->applicant_kind = g_strdup (applicant_kind);
  self->promised_minutes = promised_minutes;
  self->fee_cents = fee_cents;
  self->online = online;

  /* One line per term, so a search cannot match across two of them. */
  g_string_append_printf (search, "%s\n%s\n%s\n%s", name_en, name_zh, department_name_en,
                          department_name_zh);
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    g_string_append_printf (search, "\n%s", keywords[i]);
  self->search_text = g_utf8_strdown (search->str, search->len);

  return self;
}

void
_hall_service_add_document (HallService *self,
                            const char  *id,
                            const char  *name_en,
                            const char  *name_zh,
                            gboolean     original)
{
  HallRequiredDocument doc;

  g_return_if_fail (HALL_IS_SERVICE (self));

  doc.id = g_strdup (id);
  doc.name = g_strdup (name_en);
  doc.name_zh = g_strdup (name_zh);
  doc.original = original;
  g_array_append_val (self->documents, doc);
}

void
_hall_service_add_step (HallService *self,
                        const char  *id,
                        const char  *name_en,
                        const char  *name_zh,
                        const char  *role,
                        guint        promised_minutes,
                        const char  *department,
                        const char  *parallel)
{
  HallApprovalStep step;

  g_return_if_fail (HALL_IS_SERVICE (self));

  step.id = g_strdup (id);
  step.name = g_strdup (name_en);
  step.name_zh = g_strdup (name_zh);
  step.role = g_strdup (role);
  step.promised_minutes = promised_minutes;
  step.department = g_strdup (department != NULL ? department : self->department_id);
  step.parallel = g_strdup (parallel);
  g_array_append_val (self->steps, step);
}

void
_hall_service_add_reason (HallService *self,
                          const char  *code,
                          const char  *text_en,
                          const char  *text_zh)
{
  HallCatalogReason reason;

  g_return_if_fail (HALL_IS_SERVICE (self));

  reason.code = g_strdup (code);
  reason.text = g_strdup (text_en);
  reason.text_zh = g_strdup (text_zh);
  g_array_append_val (self->reasons, reason);
}

const char *
hall_service_get_id (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->id;
}

const char *
hall_service_get_name (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return _hall_prefers_chinese () ? self->name_zh : self->name_en;
}

const char *
hall_service_get_name_en (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->name_en;
}

const char *
hall_service_get_name_zh (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->name_zh;
}

const char *
hall_service_get_department_id (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->department_id;
}

const char *
hall_service_get_department_name (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return _hall_prefers_chinese () ? self->department_name_zh : self->department_name_en;
}

const char *
hall_service_get_group (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->group;
}

guint
hall_service_get_promised_minutes (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  return self->promised_minutes;
}

gint64
hall_service_get_promised_at (HallService *self,
                              gint64       created_at)
{
  g_autoptr (HallCalendar) calendar = NULL;

  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  calendar = hall_service_dup_calendar (self);
  if (calendar == NULL)
    return created_at + (gint64) self->promised_minutes * 60;
  return hall_calendar_promise (calendar, self->promised_minutes, created_at);
}

HallCalendar *
hall_service_dup_calendar (HallService *self)
{
  HallCalendar *calendar;

  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  G_LOCK (calendar_lock);
  calendar = self->calendar != NULL ? g_object_ref (self->calendar) : NULL;
  G_UNLOCK (calendar_lock);
  return calendar;
}

guint
hall_service_get_fee_cents (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  return self->fee_cents;
}

gboolean
hall_service_get_online (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), FALSE);

  return self->online;
}

const char *
hall_service_get_applicant_kind (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->applicant_kind;
}

guint
hall_service_get_n_documents (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  return self->documents->len;
}

const HallRequiredDocument *
hall_service_get_document (HallService *self,
                           guint        index)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);
  g_return_val_if_fail (index < self->documents->len, NULL);

  return &g_array_index (self->documents, HallRequiredDocument, index);
}

guint
hall_service_get_n_steps (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  return self->steps->len;
}

const HallApprovalStep *
hall_service_get_step (HallService *self,
                       guint        index)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);

  return &g_array_index (self->steps, HallApprovalStep, index);
}

const HallApprovalStep *
hall_service_find_step (HallService *self,
                        const char  *step_id,
                        guint       *index_out)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  for (guint i = 0; step_id != NULL && i < self->steps->len; i++)
    {
      const HallApprovalStep *step = &g_array_index (self->steps, HallApprovalStep, i);

      if (g_str_equal (step->id, step_id))
        {
          if (index_out != NULL)
            *index_out = i;
          return step;
        }
    }
  return NULL;
}

guint
hall_service_get_group_end (HallService *self,
                            guint        index)
{
  const HallApprovalStep *step;
  guint end;

  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);
  g_return_val_if_fail (index < self->steps->len, index);

  step = &g_array_index (self->steps, HallApprovalStep, index);
  /* The catalog keeps a joint review's steps together. */
  for (end = index + 1; step->parallel != NULL && end < self->steps->len; end++)
    if (g_strcmp0 (g_array_index (self->steps, HallApprovalStep, end).parallel, step->parallel)
        != 0)
      break;
  return end;
}

guint
hall_service_get_n_reasons (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), 0);

  return self->reasons->len;
}

const HallCatalogReason *
hall_service_get_reason (HallService *self,
                         guint        index)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);
  g_return_val_if_fail (index < self->reasons->len, NULL);

  return &g_array_index (self->reasons, HallCatalogReason, index);
}

const HallCatalogReason *
hall_service_find_reason (HallService *self,
                          const char  *code)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  for (guint i = 0; code != NULL && i < self->reasons->len; i++)
    if (g_str_equal (g_array_index (self->reasons, HallCatalogReason, i).code, code))
      return &g_array_index (self->reasons, HallCatalogReason, i);
  return NULL;
}

const char *
hall_service_get_search_text (HallService *self)
{
  g_return_val_if_fail (HALL_IS_SERVICE (self), NULL);

  return self->search_text;
}

void
_hall_service_set_calendar (HallService  *self,
                            HallCalendar *calendar)
{
  g_autoptr (HallCalendar) old = NULL;

  g_return_if_fail (HALL_IS_SERVICE (self));

  G_LOCK (calendar_lock);
  old = g_steal_pointer (&self->calendar);
  self->calendar = calendar != NULL ? g_object_ref (calendar) : NULL;
  G_UNLOCK (calendar_lock);
}
