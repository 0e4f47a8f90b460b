/* test-sync-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-error.h"
#include "hall-http-client.h"
#include "hall-sync-response.h"

#define APPLICANT_UUID "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a"
#define CASE_UUID      "0a6f5d3c-2b1a-4c7b-9e21-3f2b8c1e5d4a"
#define EVENT_UUID     "9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3"

#define APPLICANT_DATA                                                                   \
  "{\"uuid\": \"" APPLICANT_UUID "\", \"kind\": \"person\", \"name\": \"Zhang San\", "   \
  "\"id_type\": \"resident_id\", \"id_number\": \"11010519491231002X\"}"
#define CASE_DATA                                                                        \
  "{\"uuid\": \"" CASE_UUID "\", \"number\": \"A-0001\", \"service\": \"s\", "           \
  "\"applicant\": \"" APPLICANT_UUID "\", \"state\": \"received\"}"
#define EVENT_DATA                                                                       \
  "{\"uuid\": \"" EVENT_UUID "\", \"case\": \"" CASE_UUID "\", \"kind\": \"note\"}"

#define CHANGE(seq, entity, uuid, data)                                                  \
  "{\"seq\": " seq ", \"entity\": \"" entity "\", \"uuid\": \"" uuid "\", "              \
  "\"version\": 1, \"data\": " data "}"

static gboolean
parse_changes (const char  *body,
               JsonArray  **changes,
               char       **next,
               gboolean    *more,
               GError     **error)
{
  return hall_sync_response_parse_changes (body, strlen (body), changes, NULL, next, more, error);
}

static void
test_changes_good (void)
{
  const char *body = "{\"changes\": ["
                     CHANGE ("1", "applicant", APPLICANT_UUID, APPLICANT_DATA) ", "
                     CHANGE ("2", "case", CASE_UUID, CASE_DATA) ", "
                     CHANGE ("3", "event", EVENT_UUID, EVENT_DATA)
                     "], \"next\": \"3\", \"more\": true}";
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  gboolean more = FALSE;

  g_assert_true (parse_changes (body, &changes, &next, &more, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 1),
                                                  "entity"), ==, "case");
  g_assert_cmpstr (next, ==, "3");
  g_assert_true (more);
}

/* Every escape JSON has is still read. */
static void
test_changes_escapes (void)
{
  const char *body = "{\"changes\": [], \"next\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}";
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  gboolean more = TRUE;

  g_assert_true (parse_changes (body, &changes, &next, &more, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (next, ==, "\"\\/\b\f\n\r\t\xc3\xa9");
}

static void
test_changes_empty (void)
{
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  gboolean more = TRUE;

  /* A whole-number cursor is read as its digits; no "more" is FALSE. */
  g_assert_true (parse_changes ("{\"changes\": [], \"next\": 17}", &changes, &next, &more,
                                &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 0);
  g_assert_cmpstr (next, ==, "17");
  g_assert_false (more);
}

/* A kind of entity a newer server may add is passed on for the store to
 * skip: refusing it would stop this counter from pulling anything more. */
static void
test_changes_unknown_entity (void)
{
  const char *body = "{\"changes\": ["
                     CHANGE ("1", "ticket", EVENT_UUID, "{\"anything\": [1, 2]}")
                     "], \"next\": \"1\", \"more\": false}";
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  gboolean more = TRUE;

  g_assert_true (parse_changes (body, &changes, &next, &more, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
}

typedef struct
{
  const char *body;
  const char *message_part;   /* names the change and the field */
} BadPage;

static void
test_changes_bad (void)
{
  g_autofree char *deep = NULL;
  g_autofree char *deep_body = NULL;
  const BadPage pages[] = {
    { "{\"changes\": []}", "“next”" },
    { "{\"changes\": [], \"next\": null}", "“next”" },
    { "{\"changes\": [], \"next\": [\"1\"]}", "“next”" },
    { "{\"next\": \"1\"}", "“changes”" },
    { "{\"changes\": {}, \"next\": \"1\"}", "“changes”" },
    { "{\"changes\": [], \"next\": \"1\", \"more\": \"yes\"}", "“more”" },
    { "{\"changes\": [], \"next\": \"1\", \"more\": {}}", "“more”" },
    { "{\"changes\": [7], \"next\": \"1\"}", "Change 0 " },
    { "{\"changes\": [" CHANGE ("\"1\"", "case", CASE_UUID, CASE_DATA) "], \"next\": \"1\"}",
      "Change 0 from the server cannot be stored (field “seq”)" },
    { "{\"changes\": [" CHANGE ("0", "case", CASE_UUID, CASE_DATA) "], \"next\": \"1\"}",
      "(field “seq”)" },
    { "{\"changes\": [" CHANGE ("1", "applicant", APPLICANT_UUID, APPLICANT_DATA) ", "
      "{\"seq\": 2, \"uuid\": \"" CASE_UUID "\", \"version\": 1, \"data\": " CASE_DATA "}"
      "], \"next\": \"2\"}",
      "Change 1 from the server cannot be stored (field “entity”)" },
    { "{\"changes\": [" CHANGE ("1", "case", "3f2b8c1e", CASE_DATA) "], \"next\": \"1\"}",
      "(field “uuid”)" },
    { "{\"changes\": [{\"seq\": 1, \"entity\": \"case\", \"uuid\": \"" CASE_UUID "\", "
      "\"version\": 0, \"data\": " CASE_DATA "}], \"next\": \"1\"}",
      "(field “version”)" },
    { "{\"changes\": [{\"seq\": 1, \"entity\": \"case\", \"uuid\": \"" CASE_UUID "\", "
      "\"version\": 1.5, \"data\": " CASE_DATA "}], \"next\": \"1\"}",
      "(field “version”)" },
    { "{\"changes\": [" CHANGE ("1", "case", CASE_UUID, "\"x\"") "], \"next\": \"1\"}",
      "(field “data”)" },
    { "{\"changes\": [" CHANGE ("1", "case", CASE_UUID,
                                "{\"uuid\": \"" CASE_UUID "\", \"service\": \"s\", "
                                "\"applicant\": \"Zhang San\", \"state\": \"received\"}")
      "], \"next\": \"1\"}",
      "Change 0 from the server cannot be stored (field “data.applicant”)" },
    /* Without a uuid the model would make up a new case. */
    { "{\"changes\": [" CHANGE ("1", "case", CASE_UUID,
                                "{\"service\": \"s\", \"applicant\": \"" APPLICANT_UUID "\", "
                                "\"state\": \"received\"}")
      "], \"next\": \"1\"}",
      "(field “data.uuid”)" },
    { "{\"changes\": [" CHANGE ("1", "applicant", CASE_UUID, APPLICANT_DATA) "], \"next\": \"1\"}",
      "(field “data.uuid”)" },
    { "{\"changes\": [" CHANGE ("1", "event", EVENT_UUID,
                                "{\"uuid\": \"" EVENT_UUID "\", \"kind\": \"note\"}")
      "], \"next\": \"1\"}",
      "(field “data.case”)" },
    { "{\"changes\": [" CHANGE ("1", "applicant", APPLICANT_UUID, APPLICANT_DATA),
      "not valid JSON" },
    { "", "empty" },
    { "[]", "not a JSON object" },
    { "{\"changes\": [], \"next\": \"\xff\"}", "UTF-8" },
    { "{'changes': [], 'next': '1'}", "member name" },
    { "/* */ {\"changes\": [], \"next\": \"1\"}", "JSON value is expected" },
    { "{\"changes\": [], \"next\": \"1\", \"next\": \"2\"}", "“next” appears twice" },
    { "{\"changes\": [], \"next\": \"1\"} {}", "more after the value" },
    { "{\"changes\": [], \"next\": \"1\\u0000\"}", "U+0000" },
    /* json-glib reads the octal escape \315 into a byte that is not UTF-8,
     * in text that is (found by fuzz-client-response). */
    { "{\"changes\": [" CHANGE ("1", "applicant", APPLICANT_UUID,
                                "{\"uuid\": \"" APPLICANT_UUID "\", \"kind\": \"person\", "
                                "\"name\": \"Zhang\\315\", \"id_type\": \"resident_id\", "
                                "\"id_number\": \"11010519491231002X\"}")
      "], \"next\": \"1\"}",
      "not an escape of JSON" },
    { "{\"changes\": [], \"next\": \"\\x41\"}", "not an escape of JSON" },
    { NULL, "nest deeper" },
  };
  guint i;

  deep = g_strnfill (100000, '[');
  deep_body = g_strconcat ("{\"changes\": ", deep, NULL);

  for (i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      const char *body = pages[i].body != NULL ? pages[i].body : deep_body;
      g_autoptr (JsonArray) changes = NULL;
      g_autofree char *next = NULL;
      g_autoptr (GError) error = NULL;
      gboolean more = FALSE;

      g_test_message ("page %u", i);
      g_assert_false (parse_changes (body, &changes, &next, &more, &error));
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, pages[i].message_part));
      g_assert_null (changes);
      g_assert_null (next);
    }
}

static void
test_changes_truncated (void)
{
  const char *body = "{\"changes\": ["
                     CHANGE ("1", "applicant", APPLICANT_UUID, APPLICANT_DATA)
                     "], \"next\": \"1\", \"more\": false}";
  gsize length = strlen (body);
  gsize cut;

  /* Every prefix of a good page, as a dropped connection leaves it. */
  for (cut = 0; cut < length; cut++)
    {
      g_autoptr (JsonArray) changes = NULL;
      g_autofree char *next = NULL;
      g_autoptr (GError) error = NULL;
      gboolean more = FALSE;

      g_assert_false (hall_sync_response_parse_changes (body, cut, &changes, NULL, &next, &more,
                                                        &error));
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
    }
}

static void
test_problem (void)
{
  const struct
  {
    const char *body;
    const char *reason;
    const char *field;
  } problems[] = {
    { "{\"type\": \"about:blank\", \"title\": \"Unprocessable\", \"status\": 422, "
      "\"detail\": \"The service is not in the catalog\", \"field\": \"service\"}",
      "The service is not in the catalog (field “service”)", "service" },
    { "{\"title\": \"Not found\", \"status\": 404}", "Not found", NULL },
    { "{\"title\": \"Conflict\", \"detail\": \"\", \"field\": \"\"}", "Conflict", NULL },
    { "{\"detail\": {\"text\": \"no\"}, \"title\": [1], \"field\": 3}",
      "the server answered 422", NULL },
    { "<html><body>Bad Gateway</body></html>", "the server answered 422", NULL },
    { "", "the server answered 422", NULL },
    { "\"just a string\"", "the server answered 422", NULL },
    { "{\"detail\": \"Bad \xc3\x28\"}", "the server answered 422", NULL },
    { "{\"detail\": \"half", "the server answered 422", NULL },
    { "{\"detail\": \"Bad \\315\"}", "the server answered 422", NULL },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (problems); i++)
    {
      g_autofree char *reason = NULL;
      g_autofree char *field = NULL;

      g_test_message ("problem %u", i);
      reason = hall_sync_response_describe_problem (422, problems[i].body,
                                                    strlen (problems[i].body), &field);
      g_assert_cmpstr (reason, ==, problems[i].reason);
      g_assert_cmpstr (field, ==, problems[i].field);
    }

  /* No body at all, and no interest in the field. */
  {
    g_autofree char *reason = hall_sync_response_describe_problem (503, NULL, 0, NULL);

    g_assert_cmpstr (reason, ==, "the server answered 503");
  }
}

static void
test_version (void)
{
  const struct
  {
    const char *etag;
    const char *body;
    gint64      version;
  } answers[] = {
    { "\"3\"", NULL, 3 },
    { "W/\"3\"", NULL, 3 },
    { "3", NULL, 3 },
    { "\"0\"", NULL, 0 },
    { "\"-3\"", NULL, 0 },
    { "\"+3\"", NULL, 0 },
    { "\"3", NULL, 0 },
    { "\"\"", NULL, 0 },
    { "\"", NULL, 0 },
    { "W/", NULL, 0 },
    { "\"abc\"", NULL, 0 },
    { "\" 3\"", NULL, 0 },
    { "\"99999999999999999999\"", NULL, 0 },
    { "\"9223372036854775807\"", NULL, G_MAXINT64 },
    { "", NULL, 0 },
    { NULL, NULL, 0 },
    /* The ETag first: the body is parsed only without one. */
    { "\"2\"", "{\"uuid\": \"x\", \"version\": 2}", 2 },
    { "\"2\"", "{\"uuid\": \"x\", \"version\": 5}", 2 },
    { NULL, "{\"uuid\": \"x\", \"version\": 5}", 5 },
    { "\"abc\"", "{\"uuid\": \"x\", \"version\": 5}", 5 },
    { NULL, "{\"event\": {}, \"case_version\": 4}", 4 },
    /* A version that is no whole number of at least 1 is no version. */
    { NULL, "{\"version\": \"5\"}", 0 },
    { NULL, "{\"version\": {}}", 0 },
    { NULL, "{\"version\": -5}", 0 },
    { NULL, "{\"version\": 5.5}", 0 },
    { NULL, "{\"version\": 0, \"case_version\": []}", 0 },
    { NULL, "{\"version\": 0, \"case_version\": 3}", 3 },
    { "\"2\"", "not json", 2 },
    { NULL, "not json", 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      const char *body = answers[i].body;

      g_test_message ("answer %u", i);
      g_assert_cmpint (hall_sync_response_parse_version (answers[i].etag, body,
                                                         body != NULL ? strlen (body) : 0),
                       ==, answers[i].version);
    }
}

static void
test_current (void)
{
  const char *good = "{\"title\": \"Precondition Failed\", \"status\": 412, "
                     "\"current\": " CASE_DATA "}";
  const char *bad[] = {
    "{\"title\": \"Precondition Failed\", \"status\": 412}",
    "{\"current\": \"" CASE_UUID "\"}",
    "{\"current\": {\"uuid\": \"" CASE_UUID "\", \"service\": \"s\", \"applicant\": 1, "
    "\"state\": \"received\"}}",
    "{\"current\": ",
    "{\"current\": {\"uuid\": \"" CASE_UUID "\", \"service\": \"s\\315\", "
    "\"applicant\": \"" APPLICANT_UUID "\", \"state\": \"received\"}}",
    "",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *current = NULL;
  guint i;

  current = hall_sync_response_parse_current ("case", good, strlen (good), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (current, CASE_UUID));

  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) bad_error = NULL;
      g_autofree char *none = NULL;

      none = hall_sync_response_parse_current ("case", bad[i], strlen (bad[i]), &bad_error);
      g_assert_null (none);
      g_assert_error (bad_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
    }
}

/* A 409 names the applicant that holds the identity document; only a
 * uuid goes on into a path. */
static void
test_existing (void)
{
  const char *good = "{\"status\": 409, \"field\": \"id_number\", "
                     "\"existing\": \"3F2B8C1E-5D4A-4C7B-9E21-0A6F5D3C2B1A\"}";
  const char *none[] = {
    "{\"status\": 409, \"field\": \"number\"}",
    "{\"existing\": \"../sessions\"}",
    "{\"existing\": 7}",
    "not json",
    "",
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *existing = hall_sync_response_parse_existing (good, strlen (good));
  g_autofree char *applicant = NULL;
  g_autofree char *other = NULL;

  g_assert_cmpstr (existing, ==, APPLICANT_UUID);
  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    {
      g_autofree char *nothing = hall_sync_response_parse_existing (none[i], strlen (none[i]));

      g_assert_null (nothing);
    }

  /* The applicant fetched for it must be the one named, and storable. */
  applicant = hall_sync_response_parse_applicant (APPLICANT_UUID, APPLICANT_DATA,
                                                  strlen (APPLICANT_DATA), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (applicant, APPLICANT_UUID));
  other = hall_sync_response_parse_applicant (CASE_UUID, APPLICANT_DATA, strlen (APPLICANT_DATA),
                                              &error);
  g_assert_null (other);
  g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
}

static void
test_offset (void)
{
  const struct
  {
    const char *header;
    gboolean    ok;
    goffset     offset;
  } headers[] = {
    { "0", TRUE, 0 },
    { "1048576", TRUE, 1048576 },
    { "9223372036854775807", TRUE, G_MAXINT64 },
    { "9223372036854775808", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
    { "-1", FALSE, 0 },
    { "+1", FALSE, 0 },
    { "", FALSE, 0 },
    { " 12", FALSE, 0 },
    { "12 ", FALSE, 0 },
    { "0x10", FALSE, 0 },
    { "12abc", FALSE, 0 },
    { "1.5", FALSE, 0 },
    { NULL, FALSE, 0 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      goffset offset = -7;

      g_test_message ("header %u", i);
      g_assert_cmpint (hall_sync_response_parse_offset (headers[i].header, &offset), ==,
                       headers[i].ok);
      g_assert_cmpint (offset, ==, headers[i].ok ? headers[i].offset : -7);
    }
}

static void
test_batch (void)
{
  const char *good = "{\"results\": [{\"status\": 201, \"etag\": \"\\\"1\\\"\", "
                     "\"body\": " APPLICANT_DATA "}, {\"status\": 422, \"body\": "
                     "{\"status\": 422, \"field\": \"service\"}}, {\"status\": 200, "
                     "\"body\": null}]}";
  const char *bad[] = {
    "",
    "[]",
    "{}",
    "{\"results\": {}}",
    "{\"results\": [{\"status\": 201}, {\"status\": 201}]}",  /* one too few */
    "{\"results\": [{\"status\": 201}, {\"status\": 201}, {\"status\": 2010}]}",
    "{\"results\": [{\"status\": 201}, {\"status\": \"201\"}, {\"status\": 201}]}",
    "{\"results\": [{\"status\": 201}, 7, {\"status\": 201}]}",
  };
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GError) error = NULL;
  HallHttpResponse *answer;
  gsize size;

  answers = hall_sync_response_parse_batch (good, strlen (good), 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (answers->len, ==, 3);
  answer = g_ptr_array_index (answers, 0);
  g_assert_cmpuint (answer->status, ==, 201);
  g_assert_cmpstr (hall_http_response_get_header (answer, "ETag"), ==, "\"1\"");
  g_assert_cmpint (hall_sync_response_parse_version (hall_http_response_get_header (answer, "ETag"),
                                                     g_bytes_get_data (answer->body, &size),
                                                     g_bytes_get_size (answer->body)), ==, 1);
  answer = g_ptr_array_index (answers, 1);
  g_assert_cmpuint (answer->status, ==, 422);
  g_assert_null (hall_http_response_get_header (answer, "ETag"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (answer->body, &size), -1, "service"));
  answer = g_ptr_array_index (answers, 2);
  g_assert_cmpuint (g_bytes_get_size (answer->body), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GPtrArray) refused = NULL;
      g_autoptr (GError) bad_error = NULL;
      g_autofree gint64 *versions = NULL;

      g_test_message ("bad answer %u", i);
      refused = hall_sync_response_parse_batch (bad[i], strlen (bad[i]), 3, &bad_error);
      g_assert_null (refused);
      g_assert_error (bad_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
      g_clear_error (&bad_error);
      refused = hall_sync_response_parse_batch_versions (bad[i], strlen (bad[i]), 3, &versions,
                                                         &bad_error);
      g_assert_null (refused);
      g_assert_null (versions);
      g_assert_error (bad_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
    }
}

/* The versions read from the parsed answer are the ones parse_version()
 * reads from each result's text: the ETag first, else the body's
 * "version" or "case_version". */
static void
test_batch_versions (void)
{
  const char *good = "{\"results\": [{\"status\": 201, \"etag\": \"\\\"7\\\"\", "
                     "\"body\": " APPLICANT_DATA "}, {\"status\": 201, \"body\": "
                     "{\"event\": \"x\", \"case_version\": 4}}, {\"status\": 200, "
                     "\"body\": {\"version\": 9}}, {\"status\": 200, \"body\": null}, "
                     /* As an answer preferring return=minimal has them. */
                     "{\"status\": 201, \"etag\": \"\\\"5\\\"\", \"body\": null}, "
                     "{\"status\": 422, \"body\": {\"status\": 422, \"field\": \"service\"}}]}";
  g_autoptr (GPtrArray) plain = NULL;
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *versions = NULL;
  const gint64 expected[] = { 7, 4, 9, 0, 5 };
  gsize size;

  plain = hall_sync_response_parse_batch (good, strlen (good), 6, &error);
  g_assert_no_error (error);
  answers = hall_sync_response_parse_batch_versions (good, strlen (good), 6, &versions, &error);
  g_assert_no_error (error);
  g_assert_nonnull (versions);
  g_assert_cmpuint (answers->len, ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      HallHttpResponse *answer = g_ptr_array_index (plain, i);

      g_assert_cmpint (versions[i], ==, expected[i]);
      g_assert_cmpint (hall_sync_response_parse_version (hall_http_response_get_header (answer, "ETag"),
                                                         g_bytes_get_data (answer->body, &size),
                                                         g_bytes_get_size (answer->body)),
                       ==, expected[i]);
    }
  /* A refused result keeps its body for the official to read. */
  g_assert_cmpuint (((HallHttpResponse *) g_ptr_array_index (answers, 5))->status, ==, 422);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (((HallHttpResponse *)
                                                     g_ptr_array_index (answers, 5))->body,
                                                    &size),
                                  -1, "service"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/sync-response/changes/good", test_changes_good);
  g_test_add_func ("/hall/sync-response/changes/empty", test_changes_empty);
  g_test_add_func ("/hall/sync-response/changes/escapes", test_changes_escapes);
  g_test_add_func ("/hall/sync-response/changes/unknown-entity", test_changes_unknown_entity);
  g_test_add_func ("/hall/sync-response/changes/bad", test_changes_bad);
  g_test_add_func ("/hall/sync-response/changes/truncated", test_changes_truncated);
  g_test_add_func ("/hall/sync-response/problem", test_problem);
  g_test_add_func ("/hall/sync-response/version", test_version);
  g_test_add_func ("/hall/sync-response/current", test_current);
  g_test_add_func ("/hall/sync-response/existing", test_existing);
  g_test_add_func ("/hall/sync-response/offset", test_offset);
  g_test_add_func ("/hall/sync-response/batch", test_batch);
  g_test_add_func ("/hall/sync-response/batch/versions", test_batch_versions);

  return g_test_run ();
}
