/* hall-catalog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>

#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-service-private.h"

#define CATALOG_VERSION 1
#define MAX_ID_LENGTH 64
/* Longer than any real promise (a year); catches seconds typed as minutes. */
#define MAX_PROMISED_MINUTES (366 * 24 * 60)

static const char * const roles[] = {
  "reception", "counter_official", "approver", "supervisor", "administrator", NULL,
};

static const char * const applicant_kinds[] = { "person", "business", "any", NULL };

typedef struct
{
  char *id;
  char *name_en;
  char *name_zh;
} Department;

/* One of the hall's common reasons for a return or a rejection. */
typedef struct
{
  char *code;
  char *text_en;
  char *text_zh;
} Reason;

/* Everything one catalog text holds; built whole before it replaces the
 * catalog's current one, so an error never leaves half a catalog behind. */
typedef struct
{
  char *json;
  char *hall_code;
  char *hall_name_en;
  char *hall_name_zh;
  GPtrArray *departments;  /* of Department */
  GHashTable *department_index; /* id -> borrowed Department */
  GPtrArray *reasons;      /* of Reason: the hall's common ones */
  GPtrArray *services;     /* of HallService */
  GHashTable *index;       /* id -> borrowed HallService */
} Contents;

struct _HallCatalog
{
  GObject parent_instance;

  Contents *contents;
  HallCalendar *calendar; /* (nullable), under calendar_mutex */
  GMutex calendar_mutex;  /* the server swaps it while requests read it */
};

static void hall_catalog_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HallCatalog, hall_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hall_catalog_list_model_init))

static void
department_free (Department *department)
{
  g_free (department->id);
  g_free (department->name_en);
  g_free (department->name_zh);
  g_free (department);
}

static void
reason_free (Reason *reason)
{
  g_free (reason->code);
  g_free (reason->text_en);
  g_free (reason->text_zh);
  g_free (reason);
}

static Contents *
contents_new (void)
{
  Contents *contents = g_new0 (Contents, 1);

  contents->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) reason_free);
  contents->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) department_free);
  contents->department_index = g_hash_table_new (g_str_hash, g_str_equal);
  contents->services = g_ptr_array_new_with_free_func (g_object_unref);
  contents->index = g_hash_table_new (g_str_hash, g_str_equal);

  return contents;
}

static void
contents_free (Contents *contents)
{
  g_free (contents->json);
  g_free (contents->hall_code);
  g_free (contents->hall_name_en);
  g_free (contents->hall_name_zh);
  g_hash_table_unref (contents->department_index);
  g_ptr_array_unref (contents->departments);
  g_ptr_array_unref (contents->reasons);
  g_hash_table_unref (contents->index);
  g_ptr_array_unref (contents->services);
  g_free (contents);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Contents, contents_free)

/* Every message reads "ORIGIN: PLACE: what is wrong", PLACE being a path such
 * as services[4].documents[1], so the person fixing the file finds the spot. */
static gboolean fail (GError    **error,
                      int         code,
                      const char *origin,
                      const char *place,
                      const char *format,
                      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (GError    **error,
      int         code,
      const char *origin,
      const char *place,
      const char *format,
      ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (place != NULL)
    g_set_error (error, HALL_CATALOG_ERROR, code, "%s: %s: %s", origin, place, what);
  else
    g_set_error (error, HALL_CATALOG_ERROR, code, "%s: %s", origin, what);

  return FALSE;
}

static JsonNode *
get_member (JsonObject *object,
            const char *key,
            const char *origin,
            const char *place,
            GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("\"%s\" is missing"), key);

  return node;
}

static gboolean
get_string (JsonObject  *object,
            const char  *key,
            const char  *origin,
            const char  *place,
            const char **out,
            GError     **error)
{
  JsonNode *node = get_member (object, key, origin, place, error);
  const char *value;

  if (node == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("\"%s\" must be a string"),
                 key);

  value = json_node_get_string (node);
  if (*value == '\0' || g_ascii_isspace (value[0]) || g_ascii_isspace (value[strlen (value) - 1]))
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("\"%s\" must not be empty or begin or end with a space"), key);

  *out = value;
  return TRUE;
}

static gboolean
get_bool (JsonObject *object,
          const char *key,
          const char *origin,
          const char *place,
          gboolean   *out,
          GError    **error)
{
  JsonNode *node = get_member (object, key, origin, place, error);

  if (node == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("\"%s\" must be true or false"), key);

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_uint (JsonObject *object,
          const char *key,
          gboolean    positive,
          guint       max,
          const char *origin,
          const char *place,
          guint      *out,
          GError    **error)
{
  JsonNode *node = get_member (object, key, origin, place, error);
  gint64 value;

  if (node == NULL)
    return FALSE;

  value = -1;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);

  if (value < (positive ? 1 : 0))
    {
      if (positive)
        return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                     _("\"%s\" must be a positive whole number"), key);
      return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                   _("\"%s\" must be a whole number, 0 or more"), key);
    }

  if (value > max)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("\"%s\" must be at most %u, not %" PRId64), key, max, value);

  *out = (guint) value;
  return TRUE;
}

/* @node is NULL when get_member() has already said it is missing. */
static JsonObject *
get_object (JsonNode   *node,
            const char *origin,
            const char *place,
            const char *key,
            GError    **error)
{
  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      if (key != NULL)
        fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("\"%s\" must be an object"), key);
      else
        fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("must be an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *key,
           gboolean    non_empty,
           const char *origin,
           const char *place,
           GError    **error)
{
  JsonNode *node = get_member (object, key, origin, place, error);
  JsonArray *array;

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("\"%s\" must be an array"), key);
      return NULL;
    }

  array = json_node_get_array (node);
  if (non_empty && json_array_get_length (array) == 0)
    {
      fail (error, HALL_CATALOG_ERROR_FIELD, origin, place, _("\"%s\" must not be empty"), key);
      return NULL;
    }

  return array;
}

/* A {"en": ..., "zh": ...} pair under @key; both are required, since the
 * hall serves its citizens in Chinese and its visitors in English. */
static gboolean
get_texts (JsonObject  *object,
           const char  *key,
           const char  *origin,
           const char  *place,
           const char **en,
           const char **zh,
           GError     **error)
{
  g_autofree char *names_place = NULL;
  JsonObject *names;

  names = get_object (get_member (object, key, origin, place, error), origin, place, key,
                      error);
  if (names == NULL)
    return FALSE;

  names_place = place != NULL ? g_strconcat (place, ".", key, NULL) : g_strdup (key);

  return get_string (names, "en", origin, names_place, en, error)
         && get_string (names, "zh", origin, names_place, zh, error);
}

static gboolean
get_names (JsonObject  *object,
           const char  *origin,
           const char  *place,
           const char **en,
           const char **zh,
           GError     **error)
{
  return get_texts (object, "name", origin, place, en, zh, error);
}

static gboolean
is_valid_id (const char *id)
{
  if (!g_ascii_islower (id[0]) || strlen (id) > MAX_ID_LENGTH)
    return FALSE;

  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static gboolean
get_id (JsonObject  *object,
        const char  *origin,
        const char  *place,
        const char **out,
        GError     **error)
{
  if (!get_string (object, "id", origin, place, out, error))
    return FALSE;

  if (!is_valid_id (*out))
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("\"id\" must be lower-case letters, digits and underscores, starting with a "
                   "letter, at most %d characters (not \"%s\")"),
                 MAX_ID_LENGTH, *out);

  return TRUE;
}

static gboolean
get_one_of (JsonObject         *object,
            const char         *key,
            const char * const *allowed,
            const char         *origin,
            const char         *place,
            const char        **out,
            GError            **error)
{
  g_autofree char *list = NULL;

  if (!get_string (object, key, origin, place, out, error))
    return FALSE;

  if (g_strv_contains (allowed, *out))
    return TRUE;

  list = g_strjoinv (", ", (char **) allowed);
  return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
               _("\"%s\" must be one of %s (not \"%s\")"), key, list, *out);
}

static gboolean
load_hall (Contents   *contents,
           JsonObject *root,
           const char *origin,
           GError    **error)
{
  JsonObject *hall;
  const char *code, *en, *zh;

  hall = get_object (get_member (root, "hall", origin, NULL, error), origin, NULL, "hall", error);
  if (hall == NULL)
    return FALSE;

  if (!get_string (hall, "code", origin, "hall", &code, error)
      || !get_names (hall, origin, "hall", &en, &zh, error))
    return FALSE;

  /* The code starts the case numbers citizens read out, so keep it short and plain. */
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p))
      return fail (error, HALL_CATALOG_ERROR_FIELD, origin, "hall",
                   _("\"code\" must be capital letters and digits (not \"%s\")"), code);
  if (strlen (code) > 8)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, "hall",
                 _("\"code\" must be at most 8 characters (not \"%s\")"), code);

  contents->hall_code = g_strdup (code);
  contents->hall_name_en = g_strdup (en);
  contents->hall_name_zh = g_strdup (zh);

  return TRUE;
}

static gboolean
load_departments (Contents   *contents,
                  JsonObject *root,
                  const char *origin,
                  GError    **error)
{
  JsonArray *array = get_array (root, "departments", TRUE, origin, NULL, error);
  guint n;

  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *place = g_strdup_printf ("departments[%u]", i);
      JsonObject *object;
      const char *id, *en, *zh;
      Department *department;

      object = get_object (json_array_get_element (array, i), origin, place, NULL, error);
      if (object == NULL || !get_id (object, origin, place, &id, error)
          || !get_names (object, origin, place, &en, &zh, error))
        return FALSE;

      if (g_hash_table_contains (contents->department_index, id))
        return fail (error, HALL_CATALOG_ERROR_DUPLICATE, origin, place,
                     _("department \"%s\" is listed twice"), id);

      department = g_new0 (Department, 1);
      department->id = g_strdup (id);
      department->name_en = g_strdup (en);
      department->name_zh = g_strdup (zh);
      g_ptr_array_add (contents->departments, department);
      g_hash_table_insert (contents->department_index, department->id, department);
    }

  return TRUE;
}

static gboolean
load_documents (HallService *service,
                JsonObject  *object,
                const char  *origin,
                const char  *service_place,
                GError     **error)
{
  JsonArray *array = get_array (object, "documents", TRUE, origin, service_place, error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *place = g_strdup_printf ("%s.documents[%u]", service_place, i);
      JsonObject *doc;
      const char *id, *en, *zh;
      gboolean original;

      doc = get_object (json_array_get_element (array, i), origin, place, NULL, error);
      if (doc == NULL || !get_id (doc, origin, place, &id, error)
          || !get_names (doc, origin, place, &en, &zh, error)
          || !get_bool (doc, "original", origin, place, &original, error))
        return FALSE;

      /* Cases keep their checklist by document id. */
      if (!g_hash_table_add (seen, (gpointer) id))
        return fail (error, HALL_CATALOG_ERROR_DUPLICATE, origin, place,
                     _("document \"%s\" is listed twice"), id);

      _hall_service_add_document (service, id, en, zh, original);
    }

  return TRUE;
}

/* The name of a joint review: lower-case letters, digits, "-" and "_". */
static gboolean
is_valid_group (const char *group)
{
  if (!g_ascii_islower (group[0]) || strlen (group) > MAX_ID_LENGTH)
    return FALSE;
  for (const char *p = group; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
load_steps (Contents    *contents,
            HallService *service,
            JsonObject  *object,
            guint        service_minutes,
            const char  *origin,
            const char  *service_place,
            GError     **error)
{
  JsonArray *array = get_array (object, "steps", TRUE, origin, service_place, error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) groups_done = g_hash_table_new (g_str_hash, g_str_equal);
  const char *group = NULL;       /* the joint review being read */
  guint group_start = 0, group_minutes = 0;
  guint64 total = 0;
  guint n;

  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i <= n; i++)
    {
      g_autofree char *place = g_strdup_printf ("%s.steps[%u]", service_place, i);
      JsonObject *step = NULL;
      const char *id = NULL, *en = NULL, *zh = NULL, *role = NULL;
      const char *department = NULL, *parallel = NULL;
      guint minutes = 0;

      if (i < n)
        {
          step = get_object (json_array_get_element (array, i), origin, place, NULL, error);
          if (step == NULL || !get_id (step, origin, place, &id, error)
              || !get_names (step, origin, place, &en, &zh, error)
              || !get_one_of (step, "role", roles, origin, place, &role, error)
              || !get_uint (step, "promised_minutes", TRUE, MAX_PROMISED_MINUTES, origin, place,
                            &minutes, error))
            return FALSE;

          /* Optional: most steps are the service's own department's. */
          if (json_object_has_member (step, "department"))
            {
              if (!get_string (step, "department", origin, place, &department, error))
                return FALSE;
              if (!g_hash_table_contains (contents->department_index, department))
                return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                             _("unknown department \"%s\" (not in \"departments\")"),
                             department);
            }
          if (json_object_has_member (step, "parallel"))
            {
              if (!get_string (step, "parallel", origin, place, &parallel, error))
                return FALSE;
              if (!is_valid_group (parallel))
                return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                             _("\"parallel\" must be lower-case letters, digits, \"-\" and "
                               "\"_\", starting with a letter (not \"%s\")"),
                             parallel);
            }

          /* Signed decisions name their step by id. */
          if (!g_hash_table_add (seen, (gpointer) id))
            return fail (error, HALL_CATALOG_ERROR_DUPLICATE, origin, place,
                         _("step \"%s\" is listed twice"), id);
        }

      /* A joint review ends where a step of another (or none) begins: it
       * had to have two steps at least, and may not start again later. */
      if (group != NULL && g_strcmp0 (group, parallel) != 0)
        {
          if (i - group_start < 2)
            {
              g_autofree char *group_place = g_strdup_printf ("%s.steps[%u]", service_place,
                                                              group_start);

              return fail (error, HALL_CATALOG_ERROR_FIELD, origin, group_place,
                           _("the joint review \"%s\" has only this step; a joint review "
                             "needs two steps or more (or no \"parallel\")"),
                           group);
            }
          g_hash_table_add (groups_done, (gpointer) group);
          total += group_minutes;
          group = NULL;
        }
      if (i == n)
        break;

      if (parallel != NULL && group == NULL)
        {
          if (g_hash_table_contains (groups_done, parallel))
            return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                         _("the steps of the joint review \"%s\" must follow each other; "
                           "this one is separated from the others by a step of another"),
                         parallel);
          group = parallel;
          group_start = i;
          group_minutes = 0;
        }
      /* The steps of a joint review run at once: the slowest one counts. */
      if (group != NULL)
        group_minutes = MAX (group_minutes, minutes);
      else
        total += minutes;

      _hall_service_add_step (service, id, en, zh, role, minutes, department, parallel);
    }

  /* A service may promise more than its steps (time to hand the result
   * over), never less: the steps' deadlines would be broken by design. */
  if (total > service_minutes)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, service_place,
                 _("the steps promise %" PRIu64 " minutes in all, more than the "
                   "service's \"promised_minutes\" (%u)"),
                 total, service_minutes);

  return TRUE;
}

/* Reasons for a return or a rejection: the hall's common ones (@place
 * "reasons") or a service's own, each {"code", "text": {"en", "zh"}}.
 * @taken holds the codes already given (the hall's, for a service). */
static gboolean
load_reasons (JsonObject  *object,
              const char  *origin,
              const char  *parent_place,
              GHashTable  *taken,
              GPtrArray   *out,
              GError     **error)
{
  JsonArray *array;
  guint n;

  /* Optional: a hall may rely on free text alone. */
  if (!json_object_has_member (object, "reasons"))
    return TRUE;

  array = get_array (object, "reasons", FALSE, origin, parent_place, error);
  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *place = parent_place != NULL
                               ? g_strdup_printf ("%s.reasons[%u]", parent_place, i)
                               : g_strdup_printf ("reasons[%u]", i);
      JsonObject *reason;
      const char *code, *en, *zh;
      Reason *copy;

      reason = get_object (json_array_get_element (array, i), origin, place, NULL, error);
      if (reason == NULL || !get_string (reason, "code", origin, place, &code, error))
        return FALSE;
      if (!is_valid_id (code))
        return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                     _("\"code\" must be lower-case letters, digits and underscores, starting "
                       "with a letter, at most %d characters (not \"%s\")"),
                     MAX_ID_LENGTH, code);
      if (g_str_equal (code, HALL_DECISION_REASON_OTHER))
        return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                     _("the code \"%s\" is kept for an official's own words; choose another"),
                     code);
      if (!get_texts (reason, "text", origin, place, &en, &zh, error))
        return FALSE;
      /* Decisions name their reasons by code. */
      if (g_hash_table_contains (taken, code))
        return fail (error, HALL_CATALOG_ERROR_DUPLICATE, origin, place,
                     _("reason \"%s\" is listed twice"), code);
      g_hash_table_add (taken, (gpointer) code);

      copy = g_new0 (Reason, 1);
      copy->code = g_strdup (code);
      copy->text_en = g_strdup (en);
      copy->text_zh = g_strdup (zh);
      g_ptr_array_add (out, copy);
    }

  return TRUE;
}

static gboolean
load_keywords (JsonObject *object,
               const char *origin,
               const char *service_place,
               GPtrArray  *out,
               GError    **error)
{
  JsonArray *array;
  guint n;

  /* Optional: the names and the department are searched anyway. */
  if (!json_object_has_member (object, "keywords"))
    return TRUE;

  array = get_array (object, "keywords", FALSE, origin, service_place, error);
  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || *json_node_get_string (node) == '\0')
        {
          g_autofree char *place = g_strdup_printf ("%s.keywords[%u]", service_place, i);

          return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                       _("must be a non-empty string"));
        }

      g_ptr_array_add (out, (gpointer) json_node_get_string (node));
    }

  return TRUE;
}

static gboolean
load_service (Contents   *contents,
              JsonObject *object,
              const char *origin,
              const char *place,
              GError    **error)
{
  g_autoptr (GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr (HallService) service = NULL;
  const char *id, *en, *zh, *department_id, *group, *kind;
  guint minutes, fee;
  gboolean online;
  Department *department;

  if (!get_id (object, origin, place, &id, error))
    return FALSE;

  if (g_hash_table_contains (contents->index, id))
    return fail (error, HALL_CATALOG_ERROR_DUPLICATE, origin, place,
                 _("service id \"%s\" is used twice"), id);

  if (!get_names (object, origin, place, &en, &zh, error)
      || !get_string (object, "department", origin, place, &department_id, error))
    return FALSE;

  department = g_hash_table_lookup (contents->department_index, department_id);
  if (department == NULL)
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("unknown department \"%s\" (not in \"departments\")"), department_id);

  if (!get_string (object, "group", origin, place, &group, error))
    return FALSE;
  if (strlen (group) != 1 || !g_ascii_isupper (group[0]))
    return fail (error, HALL_CATALOG_ERROR_FIELD, origin, place,
                 _("\"group\" must be a single capital letter A-Z (not \"%s\")"), group);

  if (!get_one_of (object, "applicant_kind", applicant_kinds, origin, place, &kind, error)
      || !get_uint (object, "promised_minutes", TRUE, MAX_PROMISED_MINUTES, origin, place,
                    &minutes, error)
      || !get_uint (object, "fee_cents", FALSE, G_MAXUINT, origin, place, &fee, error)
      || !get_bool (object, "online", origin, place, &online, error)
      || !load_keywords (object, origin, place, keywords, error))
    return FALSE;

  g_ptr_array_add (keywords, NULL);
  service = _hall_service_new (id, en, zh, department->id, department->name_en,
                               department->name_zh, group, kind, minutes, fee, online,
                               (const char * const *) keywords->pdata);

  if (!load_documents (service, object, origin, place, error)
      || !load_steps (contents, service, object, minutes, origin, place, error))
    return FALSE;

  {
    g_autoptr (GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr (GPtrArray) own = g_ptr_array_new_with_free_func ((GDestroyNotify) reason_free);

    for (guint i = 0; i < contents->reasons->len; i++)
      {
        Reason *reason = g_ptr_array_index (contents->reasons, i);

        g_hash_table_add (taken, reason->code);
        _hall_service_add_reason (service, reason->code, reason->text_en, reason->text_zh);
      }
    if (!load_reasons (object, origin, place, taken, own, error))
      return FALSE;
    for (guint i = 0; i < own->len; i++)
      {
        Reason *reason = g_ptr_array_index (own, i);

        _hall_service_add_reason (service, reason->code, reason->text_en, reason->text_zh);
      }
  }

  g_hash_table_insert (contents->index, (gpointer) hall_service_get_id (service), service);
  g_ptr_array_add (contents->services, g_steal_pointer (&service));

  return TRUE;
}

static gboolean
load_common_reasons (Contents   *contents,
                     JsonObject *root,
                     const char *origin,
                     GError    **error)
{
  g_autoptr (GHashTable) taken = g_hash_table_new (g_str_hash, g_str_equal);

  return load_reasons (root, origin, NULL, taken, contents->reasons, error);
}

static gboolean
load_services (Contents   *contents,
               JsonObject *root,
               const char *origin,
               GError    **error)
{
  JsonArray *array = get_array (root, "services", TRUE, origin, NULL, error);
  guint n;

  if (array == NULL)
    return FALSE;

  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *place = g_strdup_printf ("services[%u]", i);
      JsonObject *object;

      object = get_object (json_array_get_element (array, i), origin, place, NULL, error);
      if (object == NULL || !load_service (contents, object, origin, place, error))
        return FALSE;
    }

  return TRUE;
}

/* json-glib refuses bad UTF-8 without saying where; say where. */
static gboolean
check_utf8 (const char *data,
            gsize       length,
            const char *origin,
            GError    **error)
{
  const char *end;
  guint line = 1, column = 1;

  if (g_utf8_validate_len (data, length, &end))
    return TRUE;

  for (const char *p = data; p < end; p = g_utf8_next_char (p))
    {
      if (*p == '\n')
        {
          line++;
          column = 1;
        }
      else
        column++;
    }

  g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX,
               _("%s:%u:%u: the text is not valid UTF-8"), origin, line, column);
  return FALSE;
}

typedef struct
{
  guint line;
  guint column;
} ParsePosition;

static void
on_parser_error (JsonParser *parser,
                 gpointer    error,
                 gpointer    user_data)
{
  ParsePosition *position = user_data;

  position->line = json_parser_get_current_line (parser);
  position->column = json_parser_get_current_pos (parser);
}

static gboolean
parse_json (JsonParser *parser,
            const char *data,
            gsize       length,
            const char *origin,
            GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  ParsePosition position = { 0, 0 };
  const char *message;

  g_signal_connect (parser, "error", G_CALLBACK (on_parser_error), &position);

  if (json_parser_load_from_data (parser, data, length, &local_error))
    return TRUE;

  /* json-glib says "<data>:LINE:COL: Parse error: ..."; put the file's name
   * where it says <data>. */
  message = local_error->message;
  if (g_str_has_prefix (message, "<data>:"))
    g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX, "%s%s", origin,
                 message + strlen ("<data>"));
  else if (position.line > 0)
    g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX, "%s:%u:%u: %s", origin,
                 position.line, position.column, message);
  else
    g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX, "%s: %s", origin, message);

  return FALSE;
}

static Contents *
contents_load (const char *data,
               gssize      length,
               const char *origin,
               GError    **error)
{
  g_autoptr (Contents) contents = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonNode *root_node;
  JsonObject *root;
  guint version;

  if (length < 0)
    length = strlen (data);

  if (!check_utf8 (data, length, origin, error))
    return NULL;

  parser = json_parser_new_immutable ();
  if (!parse_json (parser, data, length, origin, error))
    return NULL;

  root_node = json_parser_get_root (parser);
  if (root_node == NULL)
    {
      g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX,
                   _("%s:1:1: the file is empty; a catalog is a JSON object with \"version\", "
                     "\"hall\", \"departments\" and \"services\""),
                   origin);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      fail (error, HALL_CATALOG_ERROR_FIELD, origin, NULL,
            _("a catalog must be a JSON object with \"version\", \"hall\", \"departments\" and "
              "\"services\""));
      return NULL;
    }
  root = json_node_get_object (root_node);

  if (!get_uint (root, "version", TRUE, G_MAXUINT, origin, NULL, &version, error))
    return NULL;
  if (version != CATALOG_VERSION)
    {
      fail (error, HALL_CATALOG_ERROR_FIELD, origin, NULL,
            _("catalog version %u is not understood by this program, which reads version %d"),
            version, CATALOG_VERSION);
      return NULL;
    }

  contents = contents_new ();
  if (!load_hall (contents, root, origin, error)
      || !load_departments (contents, root, origin, error)
      || !load_common_reasons (contents, root, origin, error)
      || !load_services (contents, root, origin, error))
    return NULL;

  contents->json = g_strndup (data, length);

  g_debug ("Loaded %u services in %u departments from %s", contents->services->len,
           contents->departments->len, origin);

  return g_steal_pointer (&contents);
}

static GType
hall_catalog_get_item_type (GListModel *model)
{
  return HALL_TYPE_SERVICE;
}

static guint
hall_catalog_get_n_items (GListModel *model)
{
  HallCatalog *self = HALL_CATALOG (model);

  return self->contents->services->len;
}

static gpointer
hall_catalog_get_item (GListModel *model,
                       guint       position)
{
  HallCatalog *self = HALL_CATALOG (model);

  if (position >= self->contents->services->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->contents->services, position));
}

static void
hall_catalog_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hall_catalog_get_item_type;
  iface->get_n_items = hall_catalog_get_n_items;
  iface->get_item = hall_catalog_get_item;
}

static void
hall_catalog_finalize (GObject *object)
{
  HallCatalog *self = HALL_CATALOG (object);

  g_clear_pointer (&self->contents, contents_free);
  g_clear_object (&self->calendar);
  g_mutex_clear (&self->calendar_mutex);

  G_OBJECT_CLASS (hall_catalog_parent_class)->finalize (object);
}

static void
hall_catalog_class_init (HallCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_catalog_finalize;
}

static void
hall_catalog_init (HallCatalog *self)
{
  g_mutex_init (&self->calendar_mutex);
}

HallCatalog *
hall_catalog_new_from_data (const char *data,
                            gssize      length,
                            const char *origin,
                            GError    **error)
{
  HallCatalog *self;
  Contents *contents;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (origin == NULL)
    origin = "catalog";

  contents = contents_load (data, length, origin, error);
  if (contents == NULL)
    return NULL;

  self = g_object_new (HALL_TYPE_CATALOG, NULL);
  self->contents = contents;

  return self;
}

HallCatalog *
hall_catalog_new_from_file (GFile   *file,
                            GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_file_get_parse_name (file);
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, &local_error))
    {
      g_set_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_READ,
                   _("Could not read the service catalog %s: %s"), name, local_error->message);
      return NULL;
    }

  return hall_catalog_new_from_data (data, length, name, error);
}

/* With calendar_mutex held. */
static void
set_service_calendars (HallCatalog *self)
{
  for (guint i = 0; i < self->contents->services->len; i++)
    _hall_service_set_calendar (g_ptr_array_index (self->contents->services, i), self->calendar);
}

HallCatalog *
hall_catalog_new_default (GError **error)
{
  const char *path = g_getenv ("SERVICE_HALL_CATALOG");
  g_autoptr (GFile) file = NULL;
  g_autoptr (HallCatalog) self = NULL;
  g_autoptr (HallCalendar) calendar = NULL;

  /* Installed first; the source tree lets an uninstalled build run. */
  if (path == NULL || *path == '\0')
    path = g_file_test (PKGDATADIR "/catalog.json", G_FILE_TEST_EXISTS)
               ? PKGDATADIR "/catalog.json"
               : SOURCE_DATADIR "/catalog.json";

  file = g_file_new_for_path (path);
  self = hall_catalog_new_from_file (file, error);
  if (self == NULL)
    return NULL;
  calendar = hall_calendar_new_default (error);
  if (calendar == NULL)
    return NULL;
  hall_catalog_set_calendar (self, calendar);
  return g_steal_pointer (&self);
}

gboolean
hall_catalog_update_from_data (HallCatalog *self,
                               const char  *data,
                               gssize       length,
                               const char  *origin,
                               GError     **error)
{
  Contents *contents;
  guint removed;

  g_return_val_if_fail (HALL_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (origin == NULL)
    origin = "catalog";

  contents = contents_load (data, length, origin, error);
  if (contents == NULL)
    return FALSE;

  removed = self->contents->services->len;
  g_clear_pointer (&self->contents, contents_free);
  self->contents = contents;
  g_mutex_lock (&self->calendar_mutex);
  set_service_calendars (self);
  g_mutex_unlock (&self->calendar_mutex);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, contents->services->len);

  return TRUE;
}

HallService *
hall_catalog_lookup (HallCatalog *self,
                     const char  *service_id)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  return g_hash_table_lookup (self->contents->index, service_id);
}

guint
hall_catalog_get_n_departments (HallCatalog *self)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), 0);

  return self->contents->departments->len;
}

const char *
hall_catalog_get_department_id (HallCatalog *self,
                                guint        index)
{
  Department *department;

  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);
  g_return_val_if_fail (index < self->contents->departments->len, NULL);

  department = g_ptr_array_index (self->contents->departments, index);
  return department->id;
}

const char *
hall_catalog_get_department_name (HallCatalog *self,
                                  const char  *department_id)
{
  Department *department;

  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);
  g_return_val_if_fail (department_id != NULL, NULL);

  department = g_hash_table_lookup (self->contents->department_index, department_id);
  if (department == NULL)
    return NULL;

  return _hall_prefers_chinese () ? department->name_zh : department->name_en;
}

const char *
hall_catalog_get_hall_code (HallCatalog *self)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);

  return self->contents->hall_code;
}

const char *
hall_catalog_get_hall_name (HallCatalog *self)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);

  return _hall_prefers_chinese () ? self->contents->hall_name_zh : self->contents->hall_name_en;
}

const char *
hall_catalog_get_json (HallCatalog *self)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);

  return self->contents->json;
}

HallCalendar *
hall_catalog_get_calendar (HallCatalog *self)
{
  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);

  return self->calendar;
}

void
hall_catalog_set_calendar (HallCatalog  *self,
                           HallCalendar *calendar)
{
  g_return_if_fail (HALL_IS_CATALOG (self));
  g_return_if_fail (calendar == NULL || HALL_IS_CALENDAR (calendar));

  g_mutex_lock (&self->calendar_mutex);
  g_set_object (&self->calendar, calendar);
  set_service_calendars (self);
  g_mutex_unlock (&self->calendar_mutex);
}

HallCalendar *
hall_catalog_dup_calendar (HallCatalog *self)
{
  HallCalendar *calendar;

  g_return_val_if_fail (HALL_IS_CATALOG (self), NULL);

  g_mutex_lock (&self->calendar_mutex);
  calendar = self->calendar != NULL ? g_object_ref (self->calendar) : NULL;
  g_mutex_unlock (&self->calendar_mutex);
  return calendar;
}
