/* fuzz-json-strict.c — libFuzzer target for the strict JSON reader
 *
 * The input is the text. The check and the reading into nodes must agree
 * on whether it is JSON and, when not, on why and on the member at fault;
 * what they accept, json-glib must read as the same tree.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "hall-json-strict.h"
#include "hall-test-json-tree.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* Whether @node holds a whole number too big for an int64: read as a
 * double here, where json-glib wraps it round (2^63 reads as -2^63). */
static gboolean
holds_huge_whole (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr (GList) members = json_object_get_values (json_node_get_object (node));

        for (GList *l = members; l != NULL; l = l->next)
          if (holds_huge_whole (l->data))
            return TRUE;
        return FALSE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (holds_huge_whole (json_array_get_element (array, i)))
            return TRUE;
        return FALSE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
        return FALSE;
      {
        double value = json_node_get_double (node);

        return value >= 9223372036854775807.0 || value <= -9223372036854775808.0;
      }
    case JSON_NODE_NULL:
    default:
      return FALSE;
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *text = (const char *) data;
  g_autoptr (GError) check_error = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autofree char *check_field = NULL;
  g_autofree char *parse_field = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonParser) parser = NULL;
  gboolean ok;

  ok = hall_json_check_strict (text, size, 16, &check_field, &check_error);
  root = hall_json_parse_strict (text, size, 16, &parse_field, &parse_error);
  if (ok != (root != NULL))
    abort ();
  if (!ok)
    {
      if (g_strcmp0 (check_error->message, parse_error->message) != 0
          || g_strcmp0 (check_field, parse_field) != 0)
        abort ();
      return 0;
    }
  /* Accepted: valid UTF-8 with no NUL, so json-glib may read it too. */
  if (holds_huge_whole (root))
    return 0;
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, (gssize) size, NULL)
      || !hall_test_json_same_tree (root, json_parser_get_root (parser)))
    abort ();
  return 0;
}
