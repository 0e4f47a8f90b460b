/* hall-stats-report.c — the figures of GET /v1/stats, read and written as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-stats"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json-strict.h"
#include "hall-service.h"
#include "hall-stats-report.h"

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *what)
{
  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
               "Figures: %s %s", where, what);
  return FALSE;
}

/* An absent member leaves the count unknown; null is hidden. */
static gboolean
read_count (JsonObject     *parent,
            const char     *member,
            const char     *where,
            HallStatsCount *out,
            GError        **error)
{
  g_autofree char *path = g_strdup_printf ("%s%s%s", where, *where ? "." : "", member);
  JsonNode *node;
  JsonObject *object;
  JsonNode *count;

  out->count = -1;
  out->suppressed = FALSE;
  node = json_object_get_member (parent, member);
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "is not an object {count, suppressed}");
  object = json_node_get_object (node);
  count = json_object_get_member (object, "count");
  if (count != NULL && JSON_NODE_HOLDS_NULL (count))
    {
      out->suppressed = TRUE;
      return TRUE;
    }
  if (count == NULL || json_node_get_value_type (count) != G_TYPE_INT64
      || json_node_get_int (count) < 0)
    {
      g_autofree char *inner = g_strdup_printf ("%s.count", path);
      return fail (error, inner, "is not a count (a whole number from 0, or null)");
    }
  out->count = json_node_get_int (count);
  out->suppressed = json_object_get_boolean_member_with_default (object, "suppressed", FALSE);
  return TRUE;
}

static gboolean
read_number (JsonObject *object,
             const char *member,
             const char *where,
             double     *out,
             GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NAN;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (json_node_get_value_type (node) != G_TYPE_INT64
      && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    {
      g_autofree char *path = g_strdup_printf ("%s.%s", where, member);
      return fail (error, path, "is not a number");
    }
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_share (JsonObject     *parent,
            const char     *member,
            const char     *where,
            HallStatsShare *out,
            GError        **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", where, member);
  JsonNode *node = json_object_get_member (parent, member);

  out->value = NAN;
  out->suppressed = FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, path, "is not an object {value, suppressed}");
  if (!read_number (json_node_get_object (node), "value", path, &out->value, error))
    return FALSE;
  if (!isnan (out->value) && (out->value < 0 || out->value > 1))
    return fail (error, path, "is not a share from 0 to 1");
  out->suppressed = json_object_get_boolean_member_with_default (json_node_get_object (node),
                                                                  "suppressed", FALSE);
  return TRUE;
}

static const char *
read_text (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
figures_free (gpointer data)
{
  HallStatsFigures *figures = data;

  if (figures == NULL)
    return;
  g_free (figures->key);
  g_free (figures);
}

static HallStatsFigures *
read_figures (JsonNode   *node,
              const char *where,
              gboolean    keyed,
              GError    **error)
{
  HallStatsFigures *figures;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, where, "is missing or not an object");
      return NULL;
    }
  object = json_node_get_object (node);
  figures = g_new0 (HallStatsFigures, 1);
  if (keyed)
    {
      const char *key = read_text (object, "key");

      if (key == NULL)
        {
          g_autofree char *path = g_strdup_printf ("%s.key", where);
          fail (error, path, "is missing or not a string");
          figures_free (figures);
          return NULL;
        }
      figures->key = g_strdup (key);
    }
  if (!read_count (object, "opened", where, &figures->opened, error)
      || !read_count (object, "finished", where, &figures->finished, error)
      || !read_share (object, "finished_share", where, &figures->finished_share, error)
      || !read_count (object, "on_time", where, &figures->on_time, error)
      || !read_share (object, "on_time_share", where, &figures->on_time_share, error)
      || !read_count (object, "overdue_now", where, &figures->overdue_now, error)
      || !read_share (object, "overdue_share", where, &figures->overdue_share, error)
      || !read_count (object, "returned", where, &figures->returned, error)
      || !read_count (object, "rejected", where, &figures->rejected, error))
    {
      figures_free (figures);
      return NULL;
    }
  return figures;
}

static void
reason_free (gpointer data)
{
  HallStatsReason *reason = data;

  g_free (reason->kind);
  g_free (reason->reason);
  g_free (reason);
}

static gboolean
read_reasons (JsonObject      *root,
              HallStatsReport *self,
              GError         **error)
{
  JsonNode *node = json_object_get_member (root, "reasons");
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, "reasons", "is not an array");
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("reasons[%u]", i);
      JsonNode *item = json_array_get_element (array, i);
      HallStatsReason *reason;
      const char *kind, *id;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return fail (error, where, "is not an object");
      kind = read_text (json_node_get_object (item), "kind");
      id = read_text (json_node_get_object (item), "reason");
      if (g_strcmp0 (kind, "return") != 0 && g_strcmp0 (kind, "reject") != 0)
        return fail (error, where, "has a kind that is neither \"return\" nor \"reject\"");
      if (id == NULL || *id == '\0')
        return fail (error, where, "has no reason");
      reason = g_new0 (HallStatsReason, 1);
      reason->kind = g_strdup (kind);
      reason->reason = g_strdup (id);
      g_ptr_array_add (self->reasons, reason);
      if (!read_count (json_node_get_object (item), "count", where, &reason->count, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_queue (JsonObject      *root,
            HallStatsReport *self,
            GError         **error)
{
  JsonNode *node = json_object_get_member (root, "queue");
  JsonNode *hours_node;
  JsonArray *hours;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "queue", "is not an object");
  hours_node = json_object_get_member (json_node_get_object (node), "hours");
  if (hours_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (hours_node))
    return fail (error, "queue.hours", "is not an array");
  hours = json_node_get_array (hours_node);
  for (guint i = 0; i < json_array_get_length (hours); i++)
    {
      g_autofree char *where = g_strdup_printf ("queue.hours[%u]", i);
      JsonNode *item = json_array_get_element (hours, i);
      JsonObject *object;
      HallStatsHour hour = { 0 };
      const char *text;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        return fail (error, where, "is not an object");
      object = json_node_get_object (item);
      text = read_text (object, "hour");
      if (text == NULL || strlen (text) != 2 || !g_ascii_isdigit (text[0])
          || !g_ascii_isdigit (text[1]) || atoi (text) > 23)
        return fail (error, where, "has an hour that is not \"00\" to \"23\"");
      memcpy (hour.hour, text, 3);
      if (!read_count (object, "tickets", where, &hour.tickets, error)
          || !read_number (object, "wait_median_minutes", where, &hour.wait_median_minutes, error)
          || !read_number (object, "wait_p90_minutes", where, &hour.wait_p90_minutes, error)
          || !read_count (object, "no_shows", where, &hour.no_shows, error)
          || !read_count (object, "abandoned", where, &hour.abandoned, error))
        return FALSE;
      g_array_append_val (self->hours, hour);
    }
  return TRUE;
}

HallStatsReport *
hall_stats_report_new_from_json (const char *json,
                                 gssize      length,
                                 GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(HallStatsReport) self = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *groups;
  const char *from, *to, *by;

  /* The server's answer, read as strictly as every other. */
  node = hall_json_parse_strict (json, length < 0 ? strlen (json) : (gsize) length, 64, NULL,
                                 &local_error);
  if (node == NULL)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   "Figures: not JSON: %s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (error, "the answer", "is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (node);
  from = read_text (root, "from");
  to = read_text (root, "to");
  by = read_text (root, "by");
  if (from == NULL || to == NULL || by == NULL)
    {
      fail (error, from == NULL ? "from" : to == NULL ? "to" : "by", "is missing or not a string");
      return NULL;
    }

  self = g_new0 (HallStatsReport, 1);
  self->from = g_strdup (from);
  self->to = g_strdup (to);
  self->by = g_strdup (by);
  self->min_cell = json_object_get_int_member_with_default (root, "min_cell", 5);
  self->groups = g_ptr_array_new_with_free_func (figures_free);
  self->reasons = g_ptr_array_new_with_free_func (reason_free);
  self->hours = g_array_new (FALSE, TRUE, sizeof (HallStatsHour));

  groups = json_object_get_member (root, "groups");
  if (groups == NULL || !JSON_NODE_HOLDS_ARRAY (groups))
    {
      fail (error, "groups", "is missing or not an array");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (groups)); i++)
    {
      g_autofree char *where = g_strdup_printf ("groups[%u]", i);
      HallStatsFigures *figures = read_figures (json_array_get_element (json_node_get_array (groups), i),
                                                where, TRUE, error);
      if (figures == NULL)
        return NULL;
      g_ptr_array_add (self->groups, figures);
    }
  self->total = read_figures (json_object_get_member (root, "total"), "total", FALSE, error);
  if (self->total == NULL)
    return NULL;
  if (!read_reasons (root, self, error) || !read_queue (root, self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
hall_stats_report_set_days (HallStatsReport *self,
                            const char      *from_day,
                            const char      *to_day)
{
  g_return_if_fail (self != NULL && from_day != NULL && to_day != NULL);

  g_free (self->from);
  self->from = g_strdup (from_day);
  g_free (self->to);
  self->to = g_strdup (to_day);
}

void
hall_stats_report_free (HallStatsReport *self)
{
  if (self == NULL)
    return;
  g_free (self->from);
  g_free (self->to);
  g_free (self->by);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  figures_free (self->total);
  g_clear_pointer (&self->reasons, g_ptr_array_unref);
  g_clear_pointer (&self->hours, g_array_unref);
  g_free (self);
}

static void
csv_field (GString    *out,
           const char *text)
{
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, ',');
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_count (GString              *out,
           const HallStatsCount *count)
{
  g_autofree char *text = NULL;

  if (count->suppressed)
    text = g_strdup ("<5");
  else if (count->count < 0)
    text = g_strdup ("");
  else
    text = g_strdup_printf ("%" G_GINT64_FORMAT, count->count);
  csv_field (out, text);
}

static void
csv_share (GString              *out,
           const HallStatsShare *share)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (share->suppressed)
    csv_field (out, "<5");
  else if (isnan (share->value))
    csv_field (out, "");
  else
    csv_field (out, g_ascii_formatd (buffer, sizeof buffer, "%.1f", share->value * 100.0));
}

static void
csv_row (GString                *out,
         const char             *key,
         GHashTable             *labels,
         const HallStatsFigures *figures)
{
  csv_field (out, key);
  if (labels != NULL)
    {
      const char *label = g_hash_table_lookup (labels, key);

      csv_field (out, label != NULL ? label : "");
    }
  csv_count (out, &figures->opened);
  csv_count (out, &figures->finished);
  csv_share (out, &figures->finished_share);
  csv_count (out, &figures->on_time);
  csv_share (out, &figures->on_time_share);
  csv_count (out, &figures->overdue_now);
  csv_share (out, &figures->overdue_share);
  csv_count (out, &figures->returned);
  csv_count (out, &figures->rejected);
  g_string_append (out, "\r\n");
}

char *
hall_stats_report_to_csv (HallStatsReport *self,
                          GHashTable      *labels)
{
  GString *out;
  const char *header[] = { NULL, "name", "opened", "finished", "finished_share_percent",
                           "on_time", "on_time_share_percent", "overdue_now",
                           "overdue_share_percent", "returned", "rejected" };

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new ("\xEF\xBB\xBF");
  header[0] = self->by;
  /* The byte order mark is not a line: the first field follows it. */
  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    {
      if (i == 1 && labels == NULL)
        continue;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, header[i]);
    }
  g_string_append (out, "\r\n");
  for (guint i = 0; i < self->groups->len; i++)
    {
      HallStatsFigures *figures = g_ptr_array_index (self->groups, i);
      csv_row (out, figures->key, labels, figures);
    }
  /* The total's name is left empty: its key says it. */
  csv_row (out, "total", labels, self->total);
  return g_string_free (out, FALSE);
}

gboolean
hall_stats_report_write_csv (HallStatsReport *self,
                             GHashTable      *labels,
                             GFile           *file,
                             GError         **error)
{
  g_autofree char *csv = hall_stats_report_to_csv (self, labels);

  return g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

char *
hall_stats_count_to_string (const HallStatsCount *count)
{
  if (count->suppressed)
    return g_strdup ("< 5");
  if (count->count < 0)
    return g_strdup ("—");
  return g_strdup_printf ("%" G_GINT64_FORMAT, count->count);
}

char *
hall_stats_share_to_string (const HallStatsShare *share)
{
  if (share->suppressed)
    return g_strdup ("< 5");
  if (isnan (share->value))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f %%", share->value * 100.0);
}

char *
hall_stats_on_time_to_string (const HallStatsFigures *figures)
{
  if (figures->finished.count == 0 && !figures->finished.suppressed)
    return g_strdup ("—");
  return hall_stats_share_to_string (&figures->on_time_share);
}

GHashTable *
hall_stats_service_labels (HallCatalog *catalog)
{
  GHashTable *labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(HallService) service = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_hash_table_insert (labels, g_strdup (hall_service_get_id (service)),
                           g_strdup (hall_service_get_name (service)));
    }
  return labels;
}

GHashTable *
hall_stats_reason_labels (HallCatalog *catalog,
                          gboolean     chinese)
{
  GHashTable *labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* As hall_service_get_name() chooses: the first language the user names. */
  chinese = chinese || g_str_has_prefix (g_get_language_names ()[0], "zh");
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(HallService) service = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      for (guint r = 0; r < hall_service_get_n_reasons (service); r++)
        {
          const HallCatalogReason *reason = hall_service_get_reason (service, r);
          const char *text = chinese && reason->text_zh != NULL ? reason->text_zh : reason->text;

          if (!g_hash_table_contains (labels, reason->code))
            g_hash_table_insert (labels, g_strdup (reason->code), g_strdup (text));
        }
    }
  return labels;
}
