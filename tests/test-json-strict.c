/* test-json-strict.c — the strict JSON reading every program does of text
 * from outside
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-error.h"
#include "hall-json-strict.h"
#include "hall-test-json-tree.h"

/* Checked, and read into nodes: both must say the same. */
static gboolean
check (const char  *text,
       gsize        length,
       char       **field_out,
       GError     **error)
{
  g_autoptr (GError) parse_error = NULL;
  g_autofree char *parse_field = NULL;
  g_autoptr (JsonNode) root = hall_json_parse_strict (text, length, 16, &parse_field,
                                                      &parse_error);
  gboolean ok = hall_json_check_strict (text, length, 16, field_out, error);

  g_assert_cmpint (ok, ==, root != NULL);
  if (!ok)
    {
      g_assert_cmpstr (parse_error->message, ==, (*error)->message);
      g_assert_cmpstr (parse_field, ==, field_out != NULL ? *field_out : parse_field);
    }
  return ok;
}

/* Accepted, and read into the nodes json-glib reads. */
static void
assert_accepted (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonNode) root = NULL;

  if (!check (text, strlen (text), NULL, &error))
    g_error ("refused %s: %s", text, error->message);
  root = hall_json_parse_strict (text, strlen (text), 16, NULL, NULL);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  if (!hall_test_json_same_tree (root, json_parser_get_root (parser)))
    {
      g_autofree char *ours = json_to_string (root, FALSE);

      g_error ("%s read as %s", text, ours);
    }
}

/* Refused, with @fragment in the message and @field (or none) at fault. */
static void
assert_refused_len (const char *text,
                    gsize       length,
                    const char *fragment,
                    const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *field_out = NULL;

  if (check (text, length, &field_out, &error))
    g_error ("accepted %.*s", (int) length, text);
  g_assert_true (error->domain == HALL_VALIDATION_ERROR);
  if (strstr (error->message, fragment) == NULL)
    g_error ("%.*s: “%s” does not say “%s”", (int) length, text, error->message, fragment);
  if (g_strcmp0 (field_out, field) != 0)
    g_error ("%.*s: the field at fault is %s, not %s", (int) length, text, field_out, field);
}

static void
assert_refused (const char *text,
                const char *fragment,
                const char *field)
{
  assert_refused_len (text, strlen (text), fragment, field);
}

static void
test_accepts_json (void)
{
  assert_accepted ("{}");
  assert_accepted ("[]");
  assert_accepted (" \t\r\n{\"a\": [1, -0.5, 2e10, 3E-2, true, false, null, \"x\"]} \n");
  assert_accepted ("{\"name\":\"张伟\",\"note\":\"line\\nnext \\u00e9 \\ud83d\\ude00 \\\"q\\\" \\/\"}");
  assert_accepted ("{\"a\":{\"a\":{\"a\":1}}}"); /* the same name in nested objects */
  assert_accepted ("\"just a string\"");
  assert_accepted ("0");
}

/* Whole numbers are int64s, others doubles, as json-glib has them; a
 * whole number too big for an int64 is a double rather than refused. */
static void
test_numbers (void)
{
  g_autoptr (JsonNode) root = NULL;
  JsonArray *array;

  assert_accepted ("[0, -0, 7, -12, 9223372036854775807, -9223372036854775808]");
  assert_accepted ("[0.5, -1.25, 1e3, 2E-2, 1.5e+2, 0.0]");
  assert_accepted ("{\"seq\": 42, \"mixed\": [1, 1.0, \"1\"]}");
  assert_accepted ("[1e-400, -0.0, 1.7976931348623157e308]");
  /* JSON has no infinity (json-glib would write it back as "inf.0"). */
  assert_refused ("{\"at\": 1e400}", "a number is too large", NULL);
  assert_refused ("[-2E+999]", "a number is too large", NULL);

  root = hall_json_parse_strict ("[3, 3.0, 92233720368547758070]", 30, 16, NULL, NULL);
  g_assert_nonnull (root);
  array = json_node_get_array (root);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 0)), ==,
                   G_TYPE_INT64);
  g_assert_cmpint (json_array_get_int_element (array, 0), ==, 3);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 1)), ==,
                   G_TYPE_DOUBLE);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 2)), ==,
                   G_TYPE_DOUBLE);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (array, 2),
                                  92233720368547758070.0, 1e6);
}

/* A text that is not all of the buffer: read no further than @length. */
static void
test_reads_only_its_length (void)
{
  g_autoptr (JsonNode) root = hall_json_parse_strict ("{\"a\": 12}34", 9, 16, NULL, NULL);

  g_assert_nonnull (root);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "a"), ==, 12);
  g_clear_pointer (&root, json_node_unref);
  root = hall_json_parse_strict ("[12345", 3, 16, NULL, NULL);
  g_assert_null (root);
}

static void
test_nul_is_refused (void)
{
  assert_refused ("{\"username\":\"demo\",\"password\":\"demo\\u0000anything\"}",
                  "U+0000", "password");
  assert_refused ("{\"name\":\"ab\\u0000cd\"}", "U+0000", "name");
  assert_refused ("{\"checklist\":[\"a\",\"b\\u0000\"]}", "U+0000", "checklist");
  /* After an object, the member at fault is again the one it is in. */
  assert_refused ("{\"x\":[{\"a\":1},\"\\u0000\"]}", "U+0000", "x");
  assert_refused ("[{\"a\":1},\"\\u0000\"]", "U+0000", NULL);
  /* A raw NUL byte in a string, or after the value. */
  assert_refused_len ("{\"name\":\"ab\0cd\"}", 15, "control character", "name");
  assert_refused_len ("{\"name\":\"abcd\"}\0", 16, "more after the value", NULL);
}

static void
test_duplicates_are_refused (void)
{
  g_autoptr (GString) many = g_string_new ("{");

  assert_refused ("{\"state\":\"received\",\"state\":\"approved\"}", "“state” appears twice",
                  "state");
  /* The same name, written differently. */
  assert_refused ("{\"a\":1,\"\\u0061\":2}", "“a” appears twice", "a");
  /* Past the point where names go into a hash table. */
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (many, "\"k%u\":%u,", i, i);
  g_string_append (many, "\"k57\":0}");
  assert_refused (many->str, "“k57” appears twice", "k57");
}

static void
test_not_json_is_refused (void)
{
  assert_refused ("{\"a\":1}{\"a\":1}", "more after the value", NULL);
  assert_refused ("{\"a\":1} x", "more after the value", NULL);
  assert_refused ("", "ends where a value is expected", NULL);
  assert_refused ("   ", "ends where a value is expected", NULL);
  assert_refused ("{\"a\":1,}", "member name", NULL);
  assert_refused ("[1,]", "JSON value is expected", NULL);
  assert_refused ("{'a':1}", "member name", NULL);
  assert_refused ("/* c */ {}", "JSON value is expected", NULL);
  assert_refused ("{\"a\":1 /* c */}", "“,” or “}”", NULL);
  assert_refused ("{\"a\":\"\\315\"}", "is not an escape of JSON", "a");
  assert_refused ("{\"a\":\"\\x41\"}", "is not an escape of JSON", "a");
  assert_refused ("{\"a\":\"\\u12\"}", "four hexadecimal digits", "a");
  assert_refused ("{\"a\":\"\\ud800\"}", "surrogate", "a");
  assert_refused ("{\"a\":\"\\udc00\\ud800\"}", "surrogate", "a");
  assert_refused ("{\"a\":\"x\xc3\"}", "not valid UTF-8", "a");
  assert_refused ("{\"a\":\"\xed\xa0\x80\"}", "not valid UTF-8", "a");
  assert_refused ("{\"a\":\"\xc0\xaf\"}", "not valid UTF-8", "a");
  assert_refused ("{\"a\":\"tab\there\"}", "control character", "a");
  assert_refused ("{\"a\":\"open", "not closed", "a");
  assert_refused ("{\"a\":01}", "“,” or “}”", NULL);
  assert_refused ("{\"a\":1.}", "number", NULL);
  assert_refused ("{\"a\":.5}", "JSON value is expected", NULL);
  assert_refused ("{\"a\":-}", "number", NULL);
  assert_refused ("{\"a\":tru}", "JSON value is expected", NULL);
  assert_refused ("{\"a\":NaN}", "JSON value is expected", NULL);
  assert_refused ("{\"a\" 1}", "“:” is expected", NULL);
}

static void
test_depth_and_position (void)
{
  g_autofree char *deep = g_strnfill (17, '[');
  g_autofree char *fine = g_strconcat ("[[[[[[[[[[[[[[[[", "]]]]]]]]]]]]]]]]", NULL);
  g_autoptr (GError) error = NULL;

  assert_refused (deep, "deeper than 16 levels", NULL);
  assert_accepted (fine);

  g_assert_false (check ("{\n  \"a\": 1,\n  \"a\": 2\n}", 22, NULL, &error));
  g_assert_nonnull (strstr (error->message, "(at line 3, column 3)"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/json-strict/accepts-json", test_accepts_json);
  g_test_add_func ("/hall/json-strict/numbers", test_numbers);
  g_test_add_func ("/hall/json-strict/only-its-length", test_reads_only_its_length);
  g_test_add_func ("/hall/json-strict/nul", test_nul_is_refused);
  g_test_add_func ("/hall/json-strict/duplicates", test_duplicates_are_refused);
  g_test_add_func ("/hall/json-strict/not-json", test_not_json_is_refused);
  g_test_add_func ("/hall/json-strict/depth-and-position", test_depth_and_position);

  return g_test_run ();
}
