/* hall-test-json-tree.h — whether two JSON trees are the same, types and all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only, for the strict reader's test and its fuzz target.
 * json_node_equal () holds 1 and 1.0 equal, and 0.0 and -0.0: a reader
 * that made an int64 a double would pass it.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <string.h>

G_BEGIN_DECLS

static inline gboolean
hall_test_json_same_tree (JsonNode *a,
                          JsonNode *b)
{
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;
  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *x = json_node_get_object (a);
        JsonObject *y = json_node_get_object (b);
        g_autoptr (GList) names_x = json_object_get_members (x);
        g_autoptr (GList) names_y = json_object_get_members (y);
        GList *l, *m;

        /* In the order written, as json-glib keeps it. */
        for (l = names_x, m = names_y; l != NULL && m != NULL; l = l->next, m = m->next)
          if (strcmp (l->data, m->data) != 0
              || !hall_test_json_same_tree (json_object_get_member (x, l->data),
                                            json_object_get_member (y, m->data)))
            return FALSE;
        return l == NULL && m == NULL;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *x = json_node_get_array (a);
        JsonArray *y = json_node_get_array (b);

        if (json_array_get_length (x) != json_array_get_length (y))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (x); i++)
          if (!hall_test_json_same_tree (json_array_get_element (x, i),
                                         json_array_get_element (y, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return FALSE;
      switch (json_node_get_value_type (a))
        {
        case G_TYPE_INT64:
          return json_node_get_int (a) == json_node_get_int (b);
        case G_TYPE_DOUBLE:
          {
            double x = json_node_get_double (a);
            double y = json_node_get_double (b);

            return memcmp (&x, &y, sizeof x) == 0;
          }
        case G_TYPE_BOOLEAN:
          return json_node_get_boolean (a) == json_node_get_boolean (b);
        case G_TYPE_STRING:
        default:
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        }
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

G_END_DECLS
