/* test-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-applicant.h"
#include "hall-case-event.h"
#include "hall-case.h"
#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-workflow.h"

/* 2026-11-27T11:28:04Z */
#define SOME_TIME G_GINT64_CONSTANT (1795778884)

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

/* Through text and back, as on the wire. */
static JsonNode *
reparse (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return parse (text);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_timestamps (void)
{
  g_autofree char *text = hall_timestamp_to_iso8601 (SOME_TIME);
  gint64 seconds = 0;

  g_assert_cmpstr (text, ==, "2026-11-27T11:28:04Z");
  g_assert_true (hall_timestamp_from_iso8601 ("2026-11-27T11:28:04Z", &seconds));
  g_assert_cmpint (seconds, ==, SOME_TIME);
  g_assert_true (hall_timestamp_from_iso8601 ("2026-11-27T19:28:04+08:00", &seconds));
  g_assert_cmpint (seconds, ==, SOME_TIME);
  g_assert_false (hall_timestamp_from_iso8601 ("yesterday", &seconds));
  g_assert_false (hall_timestamp_from_iso8601 (NULL, &seconds));
}

static void
test_enums (void)
{
  HallIdType id_type;
  HallCaseState state;
  HallCaseEventKind kind;
  HallSyncState sync_state;
  int i;

  for (i = HALL_ID_TYPE_RESIDENT_ID; i <= HALL_ID_TYPE_FOREIGN_PERMANENT; i++)
    {
      g_assert_true (hall_id_type_from_string (hall_id_type_to_string (i), &id_type));
      g_assert_cmpint (id_type, ==, i);
      g_assert_nonnull (hall_id_type_get_label (i));
    }
  for (i = HALL_CASE_RECEIVED; i <= HALL_CASE_WITHDRAWN; i++)
    {
      g_assert_true (hall_case_state_from_string (hall_case_state_to_string (i), &state));
      g_assert_cmpint (state, ==, i);
      g_assert_nonnull (hall_case_state_get_label (i));
    }
  for (i = HALL_CASE_EVENT_CREATED; i <= HALL_CASE_EVENT_DOCUMENT; i++)
    {
      g_assert_true (hall_case_event_kind_from_string (hall_case_event_kind_to_string (i),
                                                       &kind));
      g_assert_cmpint (kind, ==, i);
    }
  for (i = HALL_SYNC_PENDING; i <= HALL_SYNC_CONFLICT; i++)
    {
      g_assert_true (hall_sync_state_from_string (hall_sync_state_to_string (i), &sync_state));
      g_assert_cmpint (sync_state, ==, i);
    }

  g_assert_cmpstr (hall_id_type_to_string (HALL_ID_TYPE_HK_MACAU_PERMIT), ==, "hk_macau_permit");
  g_assert_cmpstr (hall_case_state_to_string (HALL_CASE_IN_REVIEW), ==, "in_review");
  g_assert_false (hall_case_state_from_string ("In review", &state));
  g_assert_false (hall_case_state_from_string (NULL, &state));
  g_assert_false (hall_id_type_from_string ("", &id_type));
}

static void
test_applicant_new (void)
{
  g_autoptr(HallApplicant) person
    = hall_applicant_new_person ("张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", NULL);
  g_autoptr(HallApplicant) other
    = hall_applicant_new_person ("李四", HALL_ID_TYPE_PASSPORT, "E12345678", NULL);
  g_autoptr(HallApplicant) business
    = hall_applicant_new_business ("某某科技有限公司", "91350100M000100Y43", "王五");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (g_uuid_string_is_valid (hall_applicant_get_uuid (person)));
  g_assert_cmpstr (hall_applicant_get_uuid (person), !=, hall_applicant_get_uuid (other));
  g_assert_cmpint (hall_applicant_get_created_at (person), >=, now - 5);
  g_assert_cmpint (hall_applicant_get_created_at (person), <=, now + 5);
  g_assert_cmpint (hall_applicant_get_version (person), ==, 0);
  g_assert_cmpint (hall_applicant_get_kind (person), ==, HALL_APPLICANT_PERSON);
  g_assert_cmpstr (hall_applicant_get_document_number (person), ==, "11010519491231002X");

  g_assert_cmpint (hall_applicant_get_kind (business), ==, HALL_APPLICANT_BUSINESS);
  g_assert_cmpstr (hall_applicant_get_document_number (business), ==, "91350100M000100Y43");
  g_assert_cmpstr (hall_applicant_get_legal_representative (business), ==, "王五");
}

static void
test_applicant_notify (void)
{
  g_autoptr(HallApplicant) applicant
    = hall_applicant_new_person ("张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", NULL);
  guint name_count = 0;
  guint version_count = 0;
  guint id_type_count = 0;

  g_signal_connect (applicant, "notify::name", G_CALLBACK (count_notify), &name_count);
  g_signal_connect (applicant, "notify::version", G_CALLBACK (count_notify), &version_count);
  g_signal_connect (applicant, "notify::id-type", G_CALLBACK (count_notify), &id_type_count);

  hall_applicant_set_name (applicant, "张三丰");
  g_assert_cmpuint (name_count, ==, 1);
  hall_applicant_set_name (applicant, "张三丰");
  g_assert_cmpuint (name_count, ==, 1);
  g_object_set (applicant, "name", "张四", NULL);
  g_assert_cmpuint (name_count, ==, 2);
  g_assert_cmpstr (hall_applicant_get_name (applicant), ==, "张四");

  hall_applicant_set_version (applicant, 3);
  hall_applicant_set_version (applicant, 3);
  g_assert_cmpuint (version_count, ==, 1);

  hall_applicant_set_id_type (applicant, HALL_ID_TYPE_PASSPORT);
  g_assert_cmpuint (id_type_count, ==, 1);
}

static void
test_applicant_validate_normalizes (void)
{
  g_autoptr(HallApplicant) applicant = hall_applicant_new_person (
    "  张三 ", HALL_ID_TYPE_RESIDENT_ID, "１１０１０５１９４９１２３１００２ｘ",
    " １３８ ００１３ ８０００ ");
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  guint id_count = 0;
  guint phone_count = 0;

  g_signal_connect (applicant, "notify::id-number", G_CALLBACK (count_notify), &id_count);
  g_signal_connect (applicant, "notify::phone", G_CALLBACK (count_notify), &phone_count);

  g_assert_true (hall_applicant_validate (applicant, &field, &error));
  g_assert_no_error (error);
  g_assert_null (field);
  g_assert_cmpstr (hall_applicant_get_name (applicant), ==, "张三");
  g_assert_cmpstr (hall_applicant_get_id_number (applicant), ==, "11010519491231002X");
  g_assert_cmpstr (hall_applicant_get_phone (applicant), ==, "13800138000");
  g_assert_cmpuint (id_count, ==, 1);
  g_assert_cmpuint (phone_count, ==, 1);

  /* Already normal: validating again changes nothing. */
  g_assert_true (hall_applicant_validate (applicant, NULL, NULL));
  g_assert_cmpuint (id_count, ==, 1);
}

static void
test_applicant_validate_fields (void)
{
  g_autoptr(HallApplicant) no_phone
    = hall_applicant_new_person ("张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", "  ");
  g_autoptr(HallApplicant) bad_phone
    = hall_applicant_new_person ("张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", "123");
  g_autoptr(HallApplicant) bad_passport
    = hall_applicant_new_person ("John Smith", HALL_ID_TYPE_PASSPORT, "E1", NULL);
  g_autoptr(HallApplicant) no_name
    = hall_applicant_new_person (NULL, HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", NULL);
  g_autoptr(HallApplicant) no_representative
    = hall_applicant_new_business ("某某科技有限公司", "91350100M000100Y43", " ");
  g_autoptr(GError) error = NULL;
  const char *field = NULL;

  g_assert_true (hall_applicant_validate (no_phone, &field, NULL));
  g_assert_null (hall_applicant_get_phone (no_phone));

  g_assert_false (hall_applicant_validate (bad_phone, &field, &error));
  g_assert_cmpstr (field, ==, "phone");
  g_assert_nonnull (strstr (error->message, "Phone number"));
  g_clear_error (&error);

  g_assert_false (hall_applicant_validate (bad_passport, &field, &error));
  g_assert_cmpstr (field, ==, "id_number");
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH);
  g_assert_nonnull (strstr (error->message, "Passport number"));
  g_clear_error (&error);

  g_assert_false (hall_applicant_validate (no_name, &field, &error));
  g_assert_cmpstr (field, ==, "name");
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY);
  g_clear_error (&error);

  g_assert_false (hall_applicant_validate (no_representative, &field, &error));
  g_assert_cmpstr (field, ==, "legal_representative");
  g_assert_nonnull (strstr (error->message, "Legal representative"));
}

static void
assert_applicants_equal (HallApplicant *a,
                         HallApplicant *b)
{
  g_assert_cmpstr (hall_applicant_get_uuid (a), ==, hall_applicant_get_uuid (b));
  g_assert_cmpint (hall_applicant_get_kind (a), ==, hall_applicant_get_kind (b));
  g_assert_cmpstr (hall_applicant_get_name (a), ==, hall_applicant_get_name (b));
  g_assert_cmpint (hall_applicant_get_id_type (a), ==, hall_applicant_get_id_type (b));
  g_assert_cmpstr (hall_applicant_get_id_number (a), ==, hall_applicant_get_id_number (b));
  g_assert_cmpstr (hall_applicant_get_phone (a), ==, hall_applicant_get_phone (b));
  g_assert_cmpstr (hall_applicant_get_credit_code (a), ==, hall_applicant_get_credit_code (b));
  g_assert_cmpstr (hall_applicant_get_legal_representative (a), ==,
                   hall_applicant_get_legal_representative (b));
  g_assert_cmpint (hall_applicant_get_version (a), ==, hall_applicant_get_version (b));
  g_assert_cmpint (hall_applicant_get_created_at (a), ==, hall_applicant_get_created_at (b));
  g_assert_cmpint (hall_applicant_get_updated_at (a), ==, hall_applicant_get_updated_at (b));
}

static void
test_applicant_round_trip (void)
{
  g_autoptr(HallApplicant) person = hall_applicant_new_person (
    "张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", "13800138000");
  g_autoptr(HallApplicant) business
    = hall_applicant_new_business ("某某科技有限公司", "91350100M000100Y43", "王五");
  g_autoptr(HallApplicant) business_phone
    = hall_applicant_new_business ("某某科技有限公司", "91350100M000100Y43", "王五");
  HallApplicant *originals[] = { person, business, business_phone };
  guint i;

  /* A business with its contact person and phone keeps them through the
   * wire. */
  hall_applicant_set_phone (business_phone, "0951-5012345");
  hall_applicant_set_contact_person (business_phone, "阿依古丽·买买提");
  hall_applicant_set_version (person, 4);
  hall_applicant_set_updated_at (person, SOME_TIME);

  for (i = 0; i < G_N_ELEMENTS (originals); i++)
    {
      g_autoptr(JsonNode) json = hall_applicant_to_json (originals[i]);
      g_autoptr(JsonNode) wire = reparse (json);
      g_autoptr(HallApplicant) copy = NULL;
      g_autoptr(JsonNode) json_again = NULL;
      g_autoptr(GError) error = NULL;
      const char *field = NULL;

      copy = hall_applicant_new_from_json (wire, &field, &error);
      g_assert_no_error (error);
      g_assert_nonnull (copy);
      assert_applicants_equal (originals[i], copy);
      g_assert_cmpstr (hall_applicant_get_phone (copy), ==,
                       hall_applicant_get_phone (originals[i]));
      g_assert_cmpstr (hall_applicant_get_contact_person (copy), ==,
                       hall_applicant_get_contact_person (originals[i]));
      json_again = hall_applicant_to_json (copy);
      g_assert_true (json_node_equal (json, json_again));
    }
}

static void
test_applicant_json_shape (void)
{
  g_autoptr(HallApplicant) person = hall_applicant_new_person (
    "张三", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X", NULL);
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;

  hall_applicant_set_uuid (person, "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a");
  hall_applicant_set_created_at (person, SOME_TIME);
  json = hall_applicant_to_json (person);
  object = json_node_get_object (json);

  g_assert_cmpstr (json_object_get_string_member (object, "uuid"), ==,
                   "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a");
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "person");
  g_assert_cmpstr (json_object_get_string_member (object, "id_type"), ==, "resident_id");
  g_assert_cmpstr (json_object_get_string_member (object, "id_number"), ==,
                   "11010519491231002X");
  g_assert_cmpstr (json_object_get_string_member (object, "created_at"), ==,
                   "2026-11-27T11:28:04Z");
  g_assert_false (json_object_has_member (object, "phone"));
  g_assert_false (json_object_has_member (object, "credit_code"));
  /* Not yet acknowledged by the server. */
  g_assert_false (json_object_has_member (object, "version"));
}

static void
test_applicant_from_json_normalizes (void)
{
  g_autoptr(JsonNode) node = parse ("{\"kind\": \"person\", \"name\": \" 张三 \", "
                                    "\"id_type\": \"resident_id\", "
                                    "\"id_number\": \"１１０１０５１９４９１２３１００２ｘ\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(HallApplicant) applicant = hall_applicant_new_from_json (node, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (hall_applicant_get_uuid (applicant)));
  g_assert_cmpstr (hall_applicant_get_name (applicant), ==, "张三");
  g_assert_cmpstr (hall_applicant_get_id_number (applicant), ==, "11010519491231002X");
}

typedef struct
{
  const char *json;
  const char *field;
  int code;
} BadJson;

static void
test_applicant_bad_json (void)
{
  g_autofree char *long_name = g_strnfill (201, 'a');
  g_autofree char *too_long = g_strdup_printf (
    "{\"kind\": \"person\", \"name\": \"%s\", \"id_type\": \"resident_id\", "
    "\"id_number\": \"11010519491231002X\"}",
    long_name);
  const BadJson cases[] = {
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"110105194912310021\"}",
      "id_number", HALL_VALIDATION_ERROR_CHECK_DIGIT },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\"}", "id_number",
      HALL_VALIDATION_ERROR_EMPTY },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": 110105194912310021}",
      "id_number", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"driving_licence\", "
      "\"id_number\": \"11010519491231002X\"}",
      "id_type", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"phone\": \"12345\"}",
      "phone", HALL_VALIDATION_ERROR_LENGTH },
    { "{\"kind\": \"business\", \"name\": \"某某科技有限公司\", "
      "\"credit_code\": \"911101087177628380\", \"legal_representative\": \"王五\"}",
      "credit_code", HALL_VALIDATION_ERROR_CHECK_DIGIT },
    { "{\"kind\": \"business\", \"name\": \"某某科技有限公司\", "
      "\"credit_code\": \"91350100M000100Y43\"}",
      "legal_representative", HALL_VALIDATION_ERROR_EMPTY },
    { "{\"kind\": \"robot\", \"name\": \"R2\"}", "kind", HALL_VALIDATION_ERROR_INVALID },
    { "{\"name\": \"张三\"}", "kind", HALL_VALIDATION_ERROR_EMPTY },
    { "{\"uuid\": \"not-a-uuid\", \"kind\": \"person\", \"name\": \"张三\", "
      "\"id_type\": \"resident_id\", \"id_number\": \"11010519491231002X\"}",
      "uuid", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"created_at\": \"yesterday\"}",
      "created_at", HALL_VALIDATION_ERROR_DATE },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"version\": -1}",
      "version", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"person\", \"name\": [\"张三\"], \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\"}",
      "name", HALL_VALIDATION_ERROR_INVALID },
    { too_long, "name", HALL_VALIDATION_ERROR_LENGTH },
    /* Fields of the other kind are refused, not dropped. */
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"credit_code\": \"garbage!!\"}",
      "credit_code", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"legal_representative\": \"王五\"}",
      "legal_representative", HALL_VALIDATION_ERROR_INVALID },
    /* A business's contact phone is checked as a person's. */
    { "{\"kind\": \"business\", \"name\": \"某某科技有限公司\", \"phone\": \"1380013800\", "
      "\"credit_code\": \"91350100M000100Y43\", \"legal_representative\": \"王五\"}",
      "phone", HALL_VALIDATION_ERROR_LENGTH },
    /* A contact person's name is a person's name; a person has none. */
    { "{\"kind\": \"business\", \"name\": \"某某科技有限公司\", \"contact_person\": \"李明😀\", "
      "\"credit_code\": \"91350100M000100Y43\", \"legal_representative\": \"王五\"}",
      "contact_person", HALL_VALIDATION_ERROR_CHARACTERS },
    { "{\"kind\": \"person\", \"name\": \"张三\", \"id_type\": \"resident_id\", "
      "\"id_number\": \"11010519491231002X\", \"contact_person\": \"李明\"}",
      "contact_person", HALL_VALIDATION_ERROR_INVALID },
    { "{\"kind\": \"business\", \"name\": \"某某科技有限公司\", \"id_number\": \"x\", "
      "\"credit_code\": \"91350100M000100Y43\", \"legal_representative\": \"王五\"}",
      "id_number", HALL_VALIDATION_ERROR_INVALID },
    /* One canonical form of identifiers: lower-case, no braces. */
    { "{\"uuid\": \"3F2B8C1E-5D4A-4C7B-9E21-0A6F5D3C2B1A\", \"kind\": \"person\", "
      "\"name\": \"张三\", \"id_type\": \"resident_id\", \"id_number\": \"11010519491231002X\"}",
      "uuid", HALL_VALIDATION_ERROR_INVALID },
  };
  g_autoptr(JsonNode) array = parse ("[]");
  g_autoptr(GError) error = NULL;
  g_autoptr(HallApplicant) from_array = NULL;
  const char *field = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HallApplicant) applicant = NULL;

      field = NULL;
      applicant = hall_applicant_new_from_json (node, &field, &case_error);
      g_assert_null (applicant);
      g_assert_error (case_error, HALL_VALIDATION_ERROR, cases[i].code);
      g_assert_cmpstr (field, ==, cases[i].field);
    }

  field = NULL;
  from_array = hall_applicant_new_from_json (array, &field, &error);
  g_assert_null (from_array);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_null (field);
}

static HallCase *
make_case (void)
{
  g_autoptr(JsonArray) checklist = json_array_new ();
  JsonObject *item = json_object_new ();
  HallCase *c = hall_case_new ();

  json_object_set_string_member (item, "id", "id-card-copy");
  json_object_set_boolean_member (item, "provided", TRUE);
  json_array_add_object_element (checklist, item);
  item = json_object_new ();
  json_object_set_string_member (item, "id", "lease");
  json_object_set_boolean_member (item, "provided", FALSE);
  json_array_add_object_element (checklist, item);

  hall_case_set_number (c, "A1-000017");
  hall_case_set_service_id (c, "business-license");
  hall_case_set_service_name (c, "Business license");
  hall_case_set_applicant_uuid (c, "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a");
  hall_case_set_applicant_name (c, "张三");
  hall_case_set_state (c, HALL_CASE_IN_REVIEW);
  hall_case_set_created_at (c, SOME_TIME);
  hall_case_set_promised_at (c, SOME_TIME + 4 * 3600);
  hall_case_set_updated_at (c, SOME_TIME + 60);
  hall_case_set_counter (c, "A1");
  hall_case_set_official (c, "official7");
  hall_case_set_recorded_by (c, "wang.fang");
  hall_case_set_recorded_at (c, SOME_TIME + 90);
  hall_case_set_version (c, 2);
  hall_case_set_checklist (c, checklist);
  return c;
}

static void
test_case_round_trip (void)
{
  g_autoptr(HallCase) original = make_case ();
  g_autoptr(JsonNode) json = hall_case_to_json (original);
  g_autoptr(JsonNode) wire = reparse (json);
  g_autoptr(JsonNode) json_again = NULL;
  g_autoptr(HallCase) copy = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = json_node_get_object (json);
  JsonArray *checklist;

  g_assert_cmpstr (json_object_get_string_member (object, "service"), ==, "business-license");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "in_review");
  g_assert_cmpstr (json_object_get_string_member (object, "created_at"), ==,
                   "2026-11-27T11:28:04Z");
  /* Local only. */
  g_assert_false (json_object_has_member (object, "service_name"));
  g_assert_false (json_object_has_member (object, "sync_state"));

  copy = hall_case_new_from_json (wire, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_uuid (copy), ==, hall_case_get_uuid (original));
  g_assert_cmpstr (hall_case_get_number (copy), ==, "A1-000017");
  g_assert_cmpstr (hall_case_get_service_id (copy), ==, "business-license");
  g_assert_cmpstr (hall_case_get_applicant_uuid (copy), ==,
                   "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a");
  g_assert_cmpint (hall_case_get_state (copy), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpint (hall_case_get_created_at (copy), ==, SOME_TIME);
  g_assert_cmpint (hall_case_get_promised_at (copy), ==, SOME_TIME + 4 * 3600);
  g_assert_cmpint (hall_case_get_updated_at (copy), ==, SOME_TIME + 60);
  g_assert_cmpstr (hall_case_get_counter (copy), ==, "A1");
  g_assert_cmpstr (hall_case_get_official (copy), ==, "official7");
  g_assert_cmpstr (hall_case_get_recorded_by (copy), ==, "wang.fang");
  g_assert_cmpint (hall_case_get_recorded_at (copy), ==, SOME_TIME + 90);
  g_assert_cmpint (hall_case_get_version (copy), ==, 2);
  checklist = hall_case_get_checklist (copy);
  g_assert_cmpuint (json_array_get_length (checklist), ==, 2);
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (checklist, 0),
                                                 "provided"));

  json_again = hall_case_to_json (copy);
  g_assert_true (json_node_equal (json, json_again));
}

static void
test_case_new (void)
{
  g_autoptr(HallCase) a = hall_case_new ();
  g_autoptr(HallCase) b = hall_case_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_true (g_uuid_string_is_valid (hall_case_get_uuid (a)));
  g_assert_cmpstr (hall_case_get_uuid (a), !=, hall_case_get_uuid (b));
  g_assert_cmpint (hall_case_get_created_at (a), >=, now - 5);
  g_assert_cmpint (hall_case_get_state (a), ==, HALL_CASE_RECEIVED);
  g_assert_cmpint (hall_case_get_sync_state (a), ==, HALL_SYNC_PENDING);
  g_assert_nonnull (hall_case_get_checklist (a));
  g_assert_cmpuint (json_array_get_length (hall_case_get_checklist (a)), ==, 0);
}

static void
test_case_notify (void)
{
  g_autoptr(HallCase) c = hall_case_new ();
  g_autoptr(JsonArray) checklist = json_array_new ();
  guint state_count = 0;
  guint sync_count = 0;
  guint checklist_count = 0;
  HallCaseState state;

  g_signal_connect (c, "notify::state", G_CALLBACK (count_notify), &state_count);
  g_signal_connect (c, "notify::sync-state", G_CALLBACK (count_notify), &sync_count);
  g_signal_connect (c, "notify::checklist", G_CALLBACK (count_notify), &checklist_count);

  hall_case_set_state (c, HALL_CASE_APPROVED);
  hall_case_set_state (c, HALL_CASE_APPROVED);
  g_assert_cmpuint (state_count, ==, 1);
  g_object_set (c, "state", HALL_CASE_COMPLETED, NULL);
  g_assert_cmpuint (state_count, ==, 2);
  g_object_get (c, "state", &state, NULL);
  g_assert_cmpint (state, ==, HALL_CASE_COMPLETED);

  hall_case_set_sync_state (c, HALL_SYNC_CONFLICT);
  g_assert_cmpuint (sync_count, ==, 1);

  hall_case_set_checklist (c, checklist);
  g_assert_cmpuint (checklist_count, ==, 1);
  g_assert_true (hall_case_get_checklist (c) == checklist);
}

static void
test_case_bad_json (void)
{
  const BadJson cases[] = {
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"lost\"}",
      "state", HALL_VALIDATION_ERROR_INVALID },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\"}", "state",
      HALL_VALIDATION_ERROR_EMPTY },
    { "{\"uuid\": \"3f2b8c1e\", \"service\": \"s\", "
      "\"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", \"state\": \"received\"}",
      "uuid", HALL_VALIDATION_ERROR_INVALID },
    { "{\"service\": \"s\", \"applicant\": \"张三\", \"state\": \"received\"}", "applicant",
      HALL_VALIDATION_ERROR_INVALID },
    { "{\"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", \"state\": \"received\"}",
      "service", HALL_VALIDATION_ERROR_EMPTY },
    { "{\"service\": \"\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\"}",
      "service", HALL_VALIDATION_ERROR_EMPTY },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\", \"created_at\": \"2026-13-01T00:00:00Z\"}",
      "created_at", HALL_VALIDATION_ERROR_DATE },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\", \"created_at\": 1795778884}",
      "created_at", HALL_VALIDATION_ERROR_INVALID },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\", \"checklist\": [{\"id\": \"lease\", \"provided\": \"yes\"}]}",
      "checklist", HALL_VALIDATION_ERROR_INVALID },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\", \"checklist\": {}}",
      "checklist", HALL_VALIDATION_ERROR_INVALID },
    { "{\"service\": \"s\", \"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
      "\"state\": \"received\", \"version\": 1.5}",
      "version", HALL_VALIDATION_ERROR_INVALID },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(HallCase) c = NULL;
      const char *field = NULL;

      c = hall_case_new_from_json (node, &field, &error);
      g_assert_null (c);
      g_assert_error (error, HALL_VALIDATION_ERROR, cases[i].code);
      g_assert_cmpstr (field, ==, cases[i].field);
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

/* Every pair of states against the rule, written out as a table. */
static void
test_case_state_moves (void)
{
  const struct
  {
    HallCaseState from;
    const HallCaseState *to;
  } allowed[] = {
    { HALL_CASE_RECEIVED, (const HallCaseState[]) { HALL_CASE_IN_REVIEW, HALL_CASE_RETURNED,
                                                    HALL_CASE_REJECTED, HALL_CASE_WITHDRAWN,
                                                    -1 } },
    { HALL_CASE_IN_REVIEW, (const HallCaseState[]) { HALL_CASE_APPROVED, HALL_CASE_RETURNED,
                                                     HALL_CASE_REJECTED, HALL_CASE_WITHDRAWN,
                                                     -1 } },
    { HALL_CASE_RETURNED, (const HallCaseState[]) { HALL_CASE_RECEIVED, HALL_CASE_IN_REVIEW,
                                                    HALL_CASE_WITHDRAWN, -1 } },
    { HALL_CASE_APPROVED, (const HallCaseState[]) { HALL_CASE_COMPLETED, -1 } },
    { HALL_CASE_REJECTED, (const HallCaseState[]) { -1 } },
    { HALL_CASE_COMPLETED, (const HallCaseState[]) { -1 } },
    { HALL_CASE_WITHDRAWN, (const HallCaseState[]) { -1 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    for (int to = HALL_CASE_RECEIVED; to <= HALL_CASE_WITHDRAWN; to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean expected = FALSE;

        for (guint j = 0; allowed[i].to[j] != (HallCaseState) -1; j++)
          expected |= allowed[i].to[j] == (HallCaseState) to;
        g_assert_cmpint (hall_case_state_can_move_to (allowed[i].from, to), ==, expected);
        g_assert_cmpint (hall_case_state_check_move (allowed[i].from, to, &error), ==, expected);
        if (expected)
          g_assert_no_error (error);
        else
          {
            g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
            g_assert_nonnull (strstr (error->message, hall_case_state_get_label (allowed[i].from)));
            g_assert_nonnull (strstr (error->message, hall_case_state_get_label (to)));
          }
      }
}

/* A case read without its times was taken in when it was read, as the
 * header says: a check of its promised time or number needs one. */
static void
test_case_from_json_times (void)
{
  g_autoptr(JsonNode) node = parse ("{\"service\": \"s\", "
                                    "\"applicant\": \"3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a\", "
                                    "\"state\": \"received\"}");
  g_autoptr(HallCase) c = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  c = hall_case_new_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_created_at (c), >=, now);
  g_assert_cmpint (hall_case_get_created_at (c), <=, now + 5);
  g_assert_cmpint (hall_case_get_updated_at (c), ==, hall_case_get_created_at (c));
  g_assert_null (hall_case_get_recorded_by (c));
  g_assert_cmpint (hall_case_get_recorded_at (c), ==, 0);
}

/* A case of company_business_license (6 documents, 240 minutes) at
 * counter C03, taken in at SOME_TIME, numbered in its year. */
static HallCase *
make_catalog_case (HallService *service)
{
  g_autoptr(JsonArray) checklist = json_array_new ();
  HallCase *c = hall_case_new ();

  for (guint i = 0; i < hall_service_get_n_documents (service); i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", hall_service_get_document (service, i)->id);
      json_object_set_boolean_member (item, "provided", i % 2 == 0);
      json_array_add_object_element (checklist, item);
    }
  hall_case_set_service_id (c, hall_service_get_id (service));
  hall_case_set_applicant_uuid (c, "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a");
  hall_case_set_created_at (c, SOME_TIME);
  hall_case_set_promised_at (c, hall_service_get_promised_at (service, SOME_TIME));
  hall_case_set_counter (c, "C03");
  hall_case_set_number (c, "YC-2026-C03-000123");
  hall_case_set_checklist (c, checklist);
  return c;
}

static void
set_checklist_ids (HallCase          *c,
                   const char * const *ids)
{
  g_autoptr(JsonArray) checklist = json_array_new ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", ids[i]);
      json_object_set_boolean_member (item, "provided", FALSE);
      json_array_add_object_element (checklist, item);
    }
  hall_case_set_checklist (c, checklist);
}

static void
assert_refused (HallCase    *c,
                HallService *service,
                const char  *field,
                const char  *says)
{
  g_autoptr(GError) error = NULL;
  const char *field_out = NULL;

  g_assert_false (hall_case_check_for_service (c, service, &field_out, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_cmpstr (field_out, ==, field);
  if (strstr (error->message, says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, says);
}

/* The checklist names only the service's documents, each once; the
 * promised time is the service's; the number is well-formed and of the
 * case's counter and year. */
static void
test_case_check_for_service (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  HallService *service;
  g_autoptr(GPtrArray) invented = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, "company_business_license");
  g_assert_nonnull (service);
  g_assert_cmpuint (hall_service_get_n_documents (service), ==, 6);
  /* 240 working minutes in the hall's calendar, not 240 plain ones. */
  g_assert_nonnull (hall_catalog_get_calendar (catalog));
  g_assert_cmpint (hall_service_get_promised_at (service, SOME_TIME), ==,
                   hall_calendar_add_working_minutes (hall_catalog_get_calendar (catalog),
                                                      SOME_TIME, 240));
  g_assert_cmpint (hall_service_get_promised_at (service, SOME_TIME), >=, SOME_TIME + 240 * 60);

  {
    g_autoptr(HallCase) c = make_catalog_case (service);

    g_assert_true (hall_case_check_for_service (c, service, NULL, &error));
    g_assert_no_error (error);
    /* Not set yet: the server fills it in. */
    hall_case_set_promised_at (c, 0);
    g_assert_true (hall_case_check_for_service (c, service, NULL, &error));
    /* No number yet; an empty checklist. */
    hall_case_set_number (c, NULL);
    hall_case_set_checklist (c, NULL);
    g_assert_true (hall_case_check_for_service (c, service, NULL, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(HallCase) c = make_catalog_case (service);
    const char * const unknown[] = { "articles_of_association", "lease_of_the_moon", NULL };
    const char * const twice[] = { "premises_proof", "articles_of_association", "premises_proof",
                                   NULL };

    set_checklist_ids (c, unknown);
    assert_refused (c, service, "checklist", "lease_of_the_moon");
    set_checklist_ids (c, twice);
    assert_refused (c, service, "checklist", "premises_proof");

    /* 20,000 invented ids: refused at the first. */
    for (guint i = 0; i < 20000; i++)
      g_ptr_array_add (invented, g_strdup_printf ("invented_%05u", i));
    g_ptr_array_add (invented, NULL);
    set_checklist_ids (c, (const char * const *) invented->pdata);
    assert_refused (c, service, "checklist", "invented_00000");
  }

  {
    g_autoptr(HallCase) c = make_catalog_case (service);

    hall_case_set_promised_at (c, SOME_TIME + 24 * 3600);
    assert_refused (c, service, "promised_at", "240");
  }

  {
    const struct
    {
      const char *number;
      const char *counter;
      const char *says;
    } numbers[] = {
      { "YC-OPENAPI-1", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-2026-C03", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-2026-C03-000123-7", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-26-C03-000123", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-2026-C03-12a", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-2026-C03-", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "Y_C-2026-C03-000123", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "-2026-C03-000123", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "", "C03", "HALL-YEAR-COUNTER-SEQUENCE" },
      { "YC-2026-C04-000123", "C03", "C04" },
      { "YC-2026-C03-000123", NULL, "C03" },
      { "YC-2025-C03-000123", "C03", "2025" },
      { "YC-2027-C03-000123", "C03", "2027" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      {
        g_autoptr(HallCase) c = make_catalog_case (service);

        hall_case_set_number (c, numbers[i].number);
        hall_case_set_counter (c, numbers[i].counter);
        assert_refused (c, service, "number", numbers[i].says);
      }
  }

  /* Taken in a few hours into the year by a counter east of UTC: still the
   * year before by UTC's clock. */
  {
    g_autoptr(HallCase) c = make_catalog_case (service);
    g_autoptr(GDateTime) new_year = g_date_time_new_utc (2026, 12, 31, 20, 0, 0);

    hall_case_set_created_at (c, g_date_time_to_unix (new_year));
    hall_case_set_promised_at (c, 0);
    hall_case_set_number (c, "YC-2027-C03-000001");
    g_assert_true (hall_case_check_for_service (c, service, NULL, &error));
    g_assert_no_error (error);
  }
}

/* Who decides comes from the catalog's steps: the deciding step for a
 * decision on a case in review, acceptance at the counter for the rest. */
static void
test_case_role_needed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  const struct
  {
    const char    *service;   /* its steps' roles */
    HallCaseState  from;
    HallCaseState  to;
    const char    *role;
  } moves[] = {
    /* counter_official, approver, counter_official */
    { "company_business_license", HALL_CASE_RECEIVED, HALL_CASE_IN_REVIEW, "counter_official" },
    { "company_business_license", HALL_CASE_RECEIVED, HALL_CASE_RETURNED, "counter_official" },
    { "company_business_license", HALL_CASE_RECEIVED, HALL_CASE_REJECTED, "counter_official" },
    { "company_business_license", HALL_CASE_IN_REVIEW, HALL_CASE_APPROVED, "approver" },
    { "company_business_license", HALL_CASE_IN_REVIEW, HALL_CASE_REJECTED, "approver" },
    { "company_business_license", HALL_CASE_IN_REVIEW, HALL_CASE_RETURNED, "approver" },
    { "company_business_license", HALL_CASE_IN_REVIEW, HALL_CASE_WITHDRAWN, "counter_official" },
    { "company_business_license", HALL_CASE_RETURNED, HALL_CASE_RECEIVED, "counter_official" },
    { "company_business_license", HALL_CASE_APPROVED, HALL_CASE_COMPLETED, "counter_official" },
    /* counter_official, approver, supervisor */
    { "company_deregistration", HALL_CASE_IN_REVIEW, HALL_CASE_APPROVED, "supervisor" },
    { "company_deregistration", HALL_CASE_IN_REVIEW, HALL_CASE_RETURNED, "supervisor" },
    { "company_deregistration", HALL_CASE_RECEIVED, HALL_CASE_IN_REVIEW, "counter_official" },
    /* counter_official, approver, approver, supervisor */
    { "food_business_license", HALL_CASE_IN_REVIEW, HALL_CASE_REJECTED, "supervisor" },
    /* counter_official, counter_official */
    { "individual_income_tax_certificate", HALL_CASE_IN_REVIEW, HALL_CASE_APPROVED,
      "counter_official" },
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      HallService *service = hall_catalog_lookup (catalog, moves[i].service);

      g_assert_nonnull (service);
      g_assert_cmpstr (hall_case_state_role_needed (service, moves[i].from, moves[i].to), ==,
                       moves[i].role);
    }
}

static void
test_event_round_trip (void)
{
  const char *case_uuid = "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a";
  g_autoptr(HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_STATE);
  g_autoptr(HallCaseEvent) note = hall_case_event_new (case_uuid, HALL_CASE_EVENT_NOTE);
  HallCaseEvent *originals[] = { event, note };
  guint i;

  hall_case_event_set_new_state (event, HALL_CASE_APPROVED);
  hall_case_event_set_official (event, "approver2");
  hall_case_event_set_at (event, SOME_TIME);
  hall_case_event_set_recorded_by (event, "li.na");
  hall_case_event_set_recorded_at (event, SOME_TIME + 3600);
  hall_case_event_set_note (note, "申请人补交了租赁合同");

  g_assert_true (g_uuid_string_is_valid (hall_case_event_get_uuid (note)));
  g_assert_cmpint (hall_case_event_get_at (note), >, 0);

  for (i = 0; i < G_N_ELEMENTS (originals); i++)
    {
      g_autoptr(JsonNode) json = hall_case_event_to_json (originals[i]);
      g_autoptr(JsonNode) wire = reparse (json);
      g_autoptr(JsonNode) json_again = NULL;
      g_autoptr(HallCaseEvent) copy = NULL;
      g_autoptr(HallCaseEvent) standalone = NULL;
      g_autoptr(GError) error = NULL;

      copy = hall_case_event_new_from_json (case_uuid, wire, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hall_case_event_get_uuid (copy), ==,
                       hall_case_event_get_uuid (originals[i]));
      g_assert_cmpstr (hall_case_event_get_case_uuid (copy), ==, case_uuid);
      g_assert_cmpint (hall_case_event_get_kind (copy), ==,
                       hall_case_event_get_kind (originals[i]));
      g_assert_cmpint (hall_case_event_get_new_state (copy), ==,
                       hall_case_event_get_new_state (originals[i]));
      g_assert_cmpstr (hall_case_event_get_note (copy), ==,
                       hall_case_event_get_note (originals[i]));
      g_assert_cmpstr (hall_case_event_get_official (copy), ==,
                       hall_case_event_get_official (originals[i]));
      g_assert_cmpint (hall_case_event_get_at (copy), ==, hall_case_event_get_at (originals[i]));
      g_assert_cmpstr (hall_case_event_get_recorded_by (copy), ==,
                       hall_case_event_get_recorded_by (originals[i]));
      g_assert_cmpint (hall_case_event_get_recorded_at (copy), ==,
                       hall_case_event_get_recorded_at (originals[i]));
      json_again = hall_case_event_to_json (copy);
      g_assert_true (json_node_equal (json, json_again));

      /* From the changes feed, the case comes from the body. */
      standalone = hall_case_event_new_from_json (NULL, wire, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hall_case_event_get_case_uuid (standalone), ==, case_uuid);
    }
}

static void
test_event_notify (void)
{
  g_autoptr(HallCaseEvent) event = hall_case_event_new (NULL, HALL_CASE_EVENT_NOTE);
  guint count = 0;

  g_signal_connect (event, "notify::note", G_CALLBACK (count_notify), &count);
  hall_case_event_set_note (event, "a");
  hall_case_event_set_note (event, "a");
  hall_case_event_set_note (event, NULL);
  g_assert_cmpuint (count, ==, 2);
}

static void
test_event_bad_json (void)
{
  const char *case_uuid = "3f2b8c1e-5d4a-4c7b-9e21-0a6f5d3c2b1a";
  g_autofree char *long_note = g_strnfill (2001, 'n');
  g_autofree char *too_long = g_strdup_printf (
    "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"note\", \"note\": \"%s\"}",
    long_note);
  const BadJson cases[] = {
    { "{\"kind\": \"note\"}", "uuid", HALL_VALIDATION_ERROR_EMPTY },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2bz\", \"kind\": \"note\"}", "uuid",
      HALL_VALIDATION_ERROR_INVALID },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"shout\"}", "kind",
      HALL_VALIDATION_ERROR_INVALID },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"state\"}", "state",
      HALL_VALIDATION_ERROR_EMPTY },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"state\", "
      "\"state\": \"done\"}",
      "state", HALL_VALIDATION_ERROR_INVALID },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"note\", "
      "\"case\": \"0a6f5d3c-2b1a-4c7b-9e21-3f2b8c1e5d4a\"}",
      "case", HALL_VALIDATION_ERROR_INVALID },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"note\", "
      "\"at\": \"noon\"}",
      "at", HALL_VALIDATION_ERROR_DATE },
    { too_long, "note", HALL_VALIDATION_ERROR_LENGTH },
  };
  g_autoptr(JsonNode) no_case
    = parse ("{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"note\"}");
  g_autoptr(HallCaseEvent) orphan = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) case_error = NULL;
      g_autoptr(HallCaseEvent) event = NULL;

      field = NULL;
      event = hall_case_event_new_from_json (case_uuid, node, &field, &case_error);
      g_assert_null (event);
      g_assert_error (case_error, HALL_VALIDATION_ERROR, cases[i].code);
      g_assert_cmpstr (field, ==, cases[i].field);
    }

  orphan = hall_case_event_new_from_json (NULL, no_case, &field, &error);
  g_assert_null (orphan);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY);
  g_assert_cmpstr (field, ==, "case");
}


/* A decision keeps what it decided and what its signature covers through
 * the wire, and refuses what it cannot be. */
static void
test_decision_json (void)
{
  const char *case_uuid = "0a6f5d3c-2b1a-4c7b-9e21-3f2b8c1e5d4a";
  g_autoptr(HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DECISION);
  g_autoptr(HallCaseEvent) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) certificate = parse ("{\"official\": \"li.na\", \"key\": \"AAAA\"}");
  g_autoptr(JsonArray) documents = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wire = NULL;
  const char *hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const char *field = NULL;
  JsonObject *reason;
  const struct { const char *json; const char *field; } bad[] = {
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"decision\": \"approve\"}", "step" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\"}", "decision" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"stamp\"}", "decision" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"return\", \"reasons\": \"missing\"}", "reasons" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"return\", \"reasons\": [{\"text\": \"x\"}]}",
      "reasons" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"return\", \"reasons\": [{\"code\": \"other\"}]}",
      "reasons" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"approve\", \"content_hash\": \"ABC\"}",
      "content_hash" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"approve\", \"documents\": [\"nope\"]}",
      "documents" },
    { "{\"uuid\": \"9b1f7c2e-8a3d-4e5f-a6b7-c8d9e0f1a2b3\", \"kind\": \"decision\", "
      "\"step\": \"review\", \"decision\": \"approve\", \"certificate\": 7}", "certificate" },
  };

  hall_case_event_set_step (event, "review");
  hall_case_event_set_decision (event, HALL_DECISION_RETURN);
  hall_case_event_add_reason (event, "missing_document", NULL);
  hall_case_event_add_reason (event, "other", "章程缺少股东签字");
  hall_case_event_set_content_hash (event, hash);
  json_array_add_string_element (documents, hash);
  hall_case_event_set_documents (event, documents);
  hall_case_event_set_signature (event, "c2lnbmF0dXJl");
  hall_case_event_set_certificate (event, certificate);
  hall_case_event_set_official (event, "li.na");

  json = hall_case_event_to_json (event);
  wire = json_to_string (json, FALSE);
  g_clear_pointer (&json, json_node_unref);
  json = parse (wire);
  copy = hall_case_event_new_from_json (case_uuid, json, &field, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_event_get_kind (copy), ==, HALL_CASE_EVENT_DECISION);
  g_assert_cmpstr (hall_case_event_get_step (copy), ==, "review");
  g_assert_cmpint (hall_case_event_get_decision (copy), ==, HALL_DECISION_RETURN);
  g_assert_cmpuint (json_array_get_length (hall_case_event_get_reasons (copy)), ==, 2);
  reason = json_array_get_object_element (hall_case_event_get_reasons (copy), 1);
  g_assert_cmpstr (json_object_get_string_member (reason, "code"), ==, "other");
  g_assert_cmpstr (json_object_get_string_member (reason, "text"), ==, "章程缺少股东签字");
  g_assert_cmpstr (hall_case_event_get_content_hash (copy), ==, hash);
  g_assert_cmpstr (json_array_get_string_element (hall_case_event_get_documents (copy), 0), ==,
                   hash);
  g_assert_cmpstr (hall_case_event_get_signature (copy), ==, "c2lnbmF0dXJl");
  g_assert_true (json_node_equal (hall_case_event_get_certificate (copy), certificate));
  g_assert_cmpstr (hall_case_event_get_decided_by (copy), ==, "li.na");
  hall_case_event_set_recorded_by (copy, "li.na.server");
  g_assert_cmpstr (hall_case_event_get_decided_by (copy), ==, "li.na.server");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i].json);
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(HallCaseEvent) refused = NULL;

      field = NULL;
      refused = hall_case_event_new_from_json (case_uuid, node, &field, &bad_error);
      g_assert_null (refused);
      g_assert_error (bad_error, HALL_VALIDATION_ERROR, bad_error->code);
      g_test_message ("%s: %s", bad[i].field, bad_error->message);
      g_assert_cmpstr (field, ==, bad[i].field);
    }
}

static HallCaseEvent *
decision (const char   *step,
          HallDecision  what,
          const char   *official,
          const char   *reason)
{
  HallCaseEvent *event = hall_case_event_new ("0a6f5d3c-2b1a-4c7b-9e21-3f2b8c1e5d4a",
                                              HALL_CASE_EVENT_DECISION);

  hall_case_event_set_step (event, step);
  hall_case_event_set_decision (event, what);
  hall_case_event_set_official (event, official);
  if (reason != NULL)
    hall_case_event_add_reason (event, reason, g_str_equal (reason, "other") ? "写错了" : NULL);
  return event;
}

/* Decides @event as @official with @roles: checks it, then takes it in,
 * as the server does. Returns the case's new state. */
static HallCaseState
decide (HallWorkflow  *workflow,
        GPtrArray     *events,
        HallCaseEvent *event,
        HallRoles      roles,
        const char    *official)
{
  g_autoptr(GError) error = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;
  const char *field = "unset";

  g_assert_true (hall_workflow_check_decision (workflow, event, roles, official, &state, &field,
                                               &error));
  g_assert_no_error (error);
  g_assert_null (field);
  hall_workflow_apply (workflow, event);
  g_assert_cmpint (hall_workflow_get_state (workflow), ==, state);
  g_ptr_array_add (events, event);
  return state;
}

static void
refused (HallWorkflow  *workflow,
         HallCaseEvent *event,
         HallRoles      roles,
         const char    *official,
         int            code,
         const char    *field,
         const char    *says)
{
  g_autoptr(HallCaseEvent) owned = event;
  g_autoptr(GError) error = NULL;
  const char *field_out = NULL;

  g_assert_false (hall_workflow_check_decision (workflow, event, roles, official, NULL,
                                                &field_out, &error));
  g_assert_error (error, HALL_WORKFLOW_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_cmpstr (field_out, ==, field);
  if (strstr (error->message, says) == NULL)
    g_error ("“%s” does not say “%s”", error->message, says);
}

/* The business license's whole path: acceptance, the joint review of
 * three departments (each by another official, in any order), a return and
 * the case coming back to the same step, and the hand-over. */
static void
test_workflow_business_license (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HallWorkflow) workflow = NULL;
  g_autoptr(HallWorkflow) rebuilt = NULL;
  g_autoptr(GPtrArray) open = NULL;
  HallService *service;

  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, "company_business_license");
  workflow = hall_workflow_new (service, HALL_CASE_RECEIVED, NULL);
  g_assert_true (hall_workflow_is_waiting (workflow));
  g_assert_cmpint (hall_workflow_get_due_at (workflow, 1000), ==, 1000 + 30 * 60);
  g_assert_cmpstr (hall_workflow_find_step_for (workflow, HALL_ROLE_COUNTER_OFFICIAL,
                                                "wang.fang")->id, ==, "accept");
  g_assert_null (hall_workflow_find_step_for (workflow, HALL_ROLE_APPROVER, "li.na"));

  /* Not yet at the review; not the reception's to accept. */
  refused (workflow, decision ("review", HALL_DECISION_APPROVE, "li.na", NULL),
           HALL_ROLE_APPROVER, "li.na", HALL_WORKFLOW_ERROR_STEP, "step", "not at the step");
  refused (workflow, decision ("accept", HALL_DECISION_APPROVE, "reception1", NULL),
           HALL_ROLE_RECEPTION, "reception1", HALL_WORKFLOW_ERROR_ROLE, "step",
           "counter_official");
  refused (workflow, decision ("stamp", HALL_DECISION_APPROVE, "wang.fang", NULL),
           HALL_ROLES_ALL, "wang.fang", HALL_WORKFLOW_ERROR_STEP, "step", "no step “stamp”");

  g_assert_cmpint (decide (workflow, events,
                           decision ("accept", HALL_DECISION_APPROVE, "wang.fang", NULL),
                           HALL_ROLE_COUNTER_OFFICIAL, "wang.fang"), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpuint (hall_workflow_get_round_start (workflow), ==, 1);
  g_assert_cmpuint (hall_workflow_get_round_end (workflow), ==, 4);
  g_assert_cmpint (hall_workflow_get_due_at (workflow, 0), ==, (30 + 150) * 60);
  open = hall_workflow_list_open_steps (workflow);
  g_assert_cmpuint (open->len, ==, 3);
  g_clear_pointer (&open, g_ptr_array_unref);
  refused (workflow, decision ("accept", HALL_DECISION_APPROVE, "wang.fang", NULL),
           HALL_ROLE_COUNTER_OFFICIAL, "wang.fang", HALL_WORKFLOW_ERROR_STEP, "step", "is done");

  /* The joint review, tax first: one official, one step. */
  g_assert_cmpint (decide (workflow, events,
                           decision ("tax_review", HALL_DECISION_APPROVE, "li.na", NULL),
                           HALL_ROLE_APPROVER, "li.na"), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpstr (hall_workflow_get_approved_by (workflow, "tax_review"), ==, "li.na");
  refused (workflow, decision ("review", HALL_DECISION_APPROVE, "li.na", NULL),
           HALL_ROLE_APPROVER, "li.na", HALL_WORKFLOW_ERROR_TWICE, "step",
           "approved the step");
  g_assert_null (hall_workflow_find_step_for (workflow, HALL_ROLE_APPROVER, "li.na"));
  refused (workflow, decision ("tax_review", HALL_DECISION_APPROVE, "chen.jie", NULL),
           HALL_ROLE_APPROVER, "chen.jie", HALL_WORKFLOW_ERROR_DECIDED, "step",
           "approved already, by li.na");
  /* Returned without a reason, or with one the service does not have. */
  refused (workflow, decision ("review", HALL_DECISION_RETURN, "chen.jie", NULL),
           HALL_ROLE_APPROVER, "chen.jie", HALL_WORKFLOW_ERROR_REASON, "reasons",
           "at least one");
  refused (workflow, decision ("review", HALL_DECISION_RETURN, "chen.jie", "made_up"),
           HALL_ROLE_APPROVER, "chen.jie", HALL_WORKFLOW_ERROR_REASON, "reasons", "made_up");

  /* Returned: the approval in hand is void, and the case waits for the
   * applicant, not for a decision. */
  g_assert_cmpint (decide (workflow, events,
                           decision ("review", HALL_DECISION_RETURN, "chen.jie",
                                     "name_not_registrable"),
                           HALL_ROLE_APPROVER, "chen.jie"), ==, HALL_CASE_RETURNED);
  g_assert_false (hall_workflow_is_waiting (workflow));
  g_assert_null (hall_workflow_get_approved_by (workflow, "tax_review"));
  g_assert_cmpint (hall_workflow_get_resume_state (workflow), ==, HALL_CASE_IN_REVIEW);
  refused (workflow, decision ("review", HALL_DECISION_APPROVE, "chen.jie", NULL),
           HALL_ROLE_APPROVER, "chen.jie", HALL_WORKFLOW_ERROR_STEP, "step", "returned");

  /* The applicant brings what was missing: the same round again, rebuilt
   * from the record as the server and the counter do. */
  rebuilt = hall_workflow_new (service, HALL_CASE_IN_REVIEW, events);
  g_assert_cmpuint (hall_workflow_get_round_start (rebuilt), ==, 1);
  g_assert_true (hall_workflow_is_waiting (rebuilt));
  decide (rebuilt, events, decision ("review", HALL_DECISION_APPROVE, "chen.jie", NULL),
          HALL_ROLE_APPROVER, "chen.jie");
  decide (rebuilt, events, decision ("seal_review", HALL_DECISION_APPROVE, "demo", NULL),
          HALL_ROLES_ALL, "demo");
  g_assert_cmpint (decide (rebuilt, events,
                           decision ("tax_review", HALL_DECISION_APPROVE, "li.na", "other"),
                           HALL_ROLE_APPROVER, "li.na"), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpuint (hall_workflow_get_round_start (rebuilt), ==, 4);
  g_assert_cmpint (hall_workflow_get_resume_state (rebuilt), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpint (decide (rebuilt, events,
                           decision ("issue", HALL_DECISION_APPROVE, "wang.fang", NULL),
                           HALL_ROLE_COUNTER_OFFICIAL, "wang.fang"), ==, HALL_CASE_APPROVED);
  g_assert_false (hall_workflow_is_waiting (rebuilt));
  refused (rebuilt, decision ("issue", HALL_DECISION_REJECT, "wang.fang", "not_eligible"),
           HALL_ROLE_COUNTER_OFFICIAL, "wang.fang", HALL_WORKFLOW_ERROR_STEP, "step",
           "no step waits");

  /* The record read again gives the same place. */
  g_clear_pointer (&workflow, hall_workflow_free);
  workflow = hall_workflow_new (service, HALL_CASE_APPROVED, events);
  g_assert_cmpuint (hall_workflow_get_round_start (workflow), ==, 5);
  g_assert_false (hall_workflow_is_waiting (workflow));
}

/* A rejection ends the case; a return at acceptance comes back received. */
static void
test_workflow_reject (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HallWorkflow) workflow = NULL;
  HallService *service;

  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, "company_business_license");
  workflow = hall_workflow_new (service, HALL_CASE_RECEIVED, NULL);
  decide (workflow, events, decision ("accept", HALL_DECISION_RETURN, "wang.fang",
                                      "missing_document"),
          HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  g_assert_cmpint (hall_workflow_get_resume_state (workflow), ==, HALL_CASE_RECEIVED);
  g_clear_pointer (&workflow, hall_workflow_free);
  workflow = hall_workflow_new (service, HALL_CASE_RECEIVED, events);
  g_assert_cmpint (decide (workflow, events,
                           decision ("accept", HALL_DECISION_REJECT, "wang.fang", "not_eligible"),
                           HALL_ROLE_COUNTER_OFFICIAL, "wang.fang"), ==, HALL_CASE_REJECTED);
  g_assert_false (hall_workflow_is_waiting (workflow));
}

/* A checklist's documents by their ids: found where they stand, items
 * that are not objects passed over, NULL and unknown ids found nowhere. */
static void
test_checklist_find (void)
{
  g_autoptr (JsonNode) node = json_from_string ("[1, {\"id\":\"id_card\",\"provided\":true},"
                                                " {\"id\":\"lease\",\"provided\":false},"
                                                " {\"id\":\"plan\"}]", NULL);
  JsonArray *checklist = json_node_get_array (node);

  g_assert_cmpint (hall_checklist_find (checklist, "id_card"), ==, 1);
  g_assert_cmpint (hall_checklist_find (checklist, "plan"), ==, 3);
  g_assert_cmpint (hall_checklist_find (checklist, "id_card_back"), ==, -1);
  g_assert_cmpint (hall_checklist_find (checklist, NULL), ==, -1);
  g_assert_cmpint (hall_checklist_find (NULL, "id_card"), ==, -1);
  g_assert_cmpstr (json_object_get_string_member (hall_checklist_get_item (checklist, "lease"),
                                                  "id"), ==, "lease");
  g_assert_null (hall_checklist_get_item (checklist, "deed"));
  g_assert_true (hall_checklist_is_provided (checklist, "id_card"));
  g_assert_false (hall_checklist_is_provided (checklist, "lease"));
  g_assert_false (hall_checklist_is_provided (checklist, "plan"));
  g_assert_false (hall_checklist_is_provided (checklist, "deed"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/model/timestamps", test_timestamps);
  g_test_add_func ("/hall/model/checklist-find", test_checklist_find);
  g_test_add_func ("/hall/model/enums", test_enums);
  g_test_add_func ("/hall/model/applicant/new", test_applicant_new);
  g_test_add_func ("/hall/model/applicant/notify", test_applicant_notify);
  g_test_add_func ("/hall/model/applicant/validate-normalizes",
                   test_applicant_validate_normalizes);
  g_test_add_func ("/hall/model/applicant/validate-fields", test_applicant_validate_fields);
  g_test_add_func ("/hall/model/applicant/round-trip", test_applicant_round_trip);
  g_test_add_func ("/hall/model/applicant/json-shape", test_applicant_json_shape);
  g_test_add_func ("/hall/model/applicant/from-json-normalizes",
                   test_applicant_from_json_normalizes);
  g_test_add_func ("/hall/model/applicant/bad-json", test_applicant_bad_json);
  g_test_add_func ("/hall/model/case/new", test_case_new);
  g_test_add_func ("/hall/model/case/notify", test_case_notify);
  g_test_add_func ("/hall/model/case/round-trip", test_case_round_trip);
  g_test_add_func ("/hall/model/case/bad-json", test_case_bad_json);
  g_test_add_func ("/hall/model/case/state-moves", test_case_state_moves);
  g_test_add_func ("/hall/model/case/from-json-times", test_case_from_json_times);
  g_test_add_func ("/hall/model/case/check-for-service", test_case_check_for_service);
  g_test_add_func ("/hall/model/case/role-needed", test_case_role_needed);
  g_test_add_func ("/hall/model/event/round-trip", test_event_round_trip);
  g_test_add_func ("/hall/model/event/notify", test_event_notify);
  g_test_add_func ("/hall/model/event/bad-json", test_event_bad_json);
  g_test_add_func ("/hall/model/event/decision-json", test_decision_json);
  g_test_add_func ("/hall/model/workflow/business-license", test_workflow_business_license);
  g_test_add_func ("/hall/model/workflow/reject", test_workflow_reject);

  return g_test_run ();
}
