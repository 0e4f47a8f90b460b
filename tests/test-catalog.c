/* test-catalog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "hall-catalog.h"
#include "hall-error.h"

static const char * const roles[] = {
  "reception", "counter_official", "approver", "supervisor", "administrator", NULL,
};

static HallCatalog *
load_shipped (void)
{
  g_autoptr (GError) error = NULL;
  HallCatalog *catalog;

  catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  g_assert_nonnull (catalog);

  return catalog;
}

static char *
read_fixture (const char *name,
              gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr (GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);

  return data;
}

static void
test_shipped_loads (void)
{
  g_autoptr (HallCatalog) catalog = load_shipped ();
  GListModel *model = G_LIST_MODEL (catalog);
  const char *path = g_getenv ("SERVICE_HALL_CATALOG");
  g_autofree char *text = NULL;
  guint n;

  n = g_list_model_get_n_items (model);
  g_assert_cmpuint (n, >=, 30);
  g_assert_cmpuint (hall_catalog_get_n_departments (catalog), >=, 8);
  g_assert_cmpstr (hall_catalog_get_hall_code (catalog), ==, "YC");
  g_assert_nonnull (hall_catalog_get_hall_name (catalog));

  /* GET /v1/catalog serves the file as it is. */
  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (hall_catalog_get_json (catalog), ==, text);

  for (guint i = 0; i < hall_catalog_get_n_departments (catalog); i++)
    {
      const char *id = hall_catalog_get_department_id (catalog, i);

      g_assert_nonnull (id);
      g_assert_nonnull (hall_catalog_get_department_name (catalog, id));
    }
}

static void
test_shipped_services (void)
{
  g_autoptr (HallCatalog) catalog = load_shipped ();
  GListModel *model = G_LIST_MODEL (catalog);
  g_autoptr (GHashTable) departments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (HallService) service = g_list_model_get_item (model, i);
      g_autofree char *name_lower = NULL;
      guint steps_total = 0;

      g_test_message ("%s", hall_service_get_id (service));
      g_assert_true (hall_catalog_lookup (catalog, hall_service_get_id (service)) == service);
      g_assert_nonnull (hall_service_get_name_en (service));
      /* The Chinese name is Chinese, not a copy of the English one. */
      g_assert_false (g_str_is_ascii (hall_service_get_name_zh (service)));
      g_assert_nonnull (hall_catalog_get_department_name (catalog,
                                                          hall_service_get_department_id (service)));
      g_assert_cmpuint (strlen (hall_service_get_group (service)), ==, 1);
      g_assert_true (g_ascii_isupper (hall_service_get_group (service)[0]));
      g_assert_cmpuint (hall_service_get_promised_minutes (service), >, 0);
      g_assert_cmpuint (hall_service_get_n_documents (service), >=, 1);
      g_assert_cmpuint (hall_service_get_n_steps (service), >=, 1);

      for (guint d = 0; d < hall_service_get_n_documents (service); d++)
        {
          const HallRequiredDocument *doc = hall_service_get_document (service, d);

          g_assert_nonnull (doc->id);
          g_assert_nonnull (doc->name);
          g_assert_false (g_str_is_ascii (doc->name_zh));
        }

      for (guint s = 0; s < hall_service_get_n_steps (service);)
        {
          guint end = hall_service_get_group_end (service, s);
          guint slowest = 0;

          /* A joint review's steps run at once: the slowest counts. */
          for (; s < end; s++)
            {
              const HallApprovalStep *step = hall_service_get_step (service, s);

              g_assert_true (g_strv_contains (roles, step->role));
              g_assert_cmpuint (step->promised_minutes, >, 0);
              g_assert_nonnull (hall_catalog_get_department_name (catalog, step->department));
              slowest = MAX (slowest, step->promised_minutes);
            }
          steps_total += slowest;
        }
      /* Every service can be returned or rejected for a reason of its list. */
      g_assert_cmpuint (hall_service_get_n_reasons (service), >=, 1);
      g_assert_cmpuint (steps_total, <=, hall_service_get_promised_minutes (service));

      name_lower = g_utf8_strdown (hall_service_get_name_en (service), -1);
      g_assert_nonnull (strstr (hall_service_get_search_text (service), name_lower));
      g_assert_nonnull (strstr (hall_service_get_search_text (service),
                                hall_service_get_name_zh (service)));

      g_hash_table_add (departments, g_strdup (hall_service_get_department_id (service)));
    }

  /* Every department offers something. */
  g_assert_cmpuint (g_hash_table_size (departments), ==,
                    hall_catalog_get_n_departments (catalog));
}

static void
test_business_license (void)
{
  g_autoptr (HallCatalog) catalog = load_shipped ();
  HallService *service = hall_catalog_lookup (catalog, "company_business_license");
  g_autofree char *department = NULL;
  guint minutes = 0;

  g_assert_nonnull (service);
  /* Yinchuan's promise: a company's business license in four hours. */
  g_assert_cmpuint (hall_service_get_promised_minutes (service), ==, 240);
  g_assert_cmpstr (hall_service_get_department_id (service), ==, "market_regulation");
  /* The company does not exist yet: its founder (or an agent) applies. */
  g_assert_cmpstr (hall_service_get_applicant_kind (service), ==, "person");
  g_assert_cmpstr (hall_service_get_name_zh (service), ==, "公司设立登记（营业执照核发）");
  g_assert_true (hall_service_get_online (service));
  g_assert_cmpuint (hall_service_get_fee_cents (service), ==, 0);

  /* The merged approval office: registration, tax and seal reviewed at
   * once by three departments, between acceptance and hand-over. */
  g_assert_cmpuint (hall_service_get_group_end (service, 1), ==, 4);
  g_assert_cmpstr (hall_service_get_step (service, 2)->department, ==, "taxation");
  g_assert_cmpstr (hall_service_get_step (service, 3)->department, ==, "public_security");
  g_assert_nonnull (hall_service_find_reason (service, "name_not_registrable"));
  g_assert_nonnull (hall_service_find_reason (service, "missing_document"));

  g_object_get (service, "department-id", &department, "promised-minutes", &minutes, NULL);
  g_assert_cmpstr (department, ==, "market_regulation");
  g_assert_cmpuint (minutes, ==, 240);

  service = hall_catalog_lookup (catalog, "resident_id_card_replacement");
  g_assert_nonnull (service);
  g_assert_cmpuint (hall_service_get_fee_cents (service), ==, 4000);

  g_assert_null (hall_catalog_lookup (catalog, "no_such_service"));
  g_assert_null (hall_catalog_get_department_name (catalog, "no_such_department"));
}

static void
test_search_text (void)
{
  g_autoptr (HallCatalog) catalog = load_shipped ();
  HallService *service = hall_catalog_lookup (catalog, "subsistence_allowance");
  const char *text;

  g_assert_nonnull (service);
  text = hall_service_get_search_text (service);
  g_assert_nonnull (strstr (text, "低保"));
  g_assert_nonnull (strstr (text, "dibao"));
  g_assert_nonnull (strstr (text, "民政局"));
  g_assert_nonnull (strstr (text, "civil affairs bureau"));
  g_assert_null (strstr (text, "Civil"));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  guint *calls = user_data;

  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (removed, ==, calls[1]);
  g_assert_cmpuint (added, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  calls[0]++;
}

static void
test_list_model (void)
{
  g_autoptr (HallCatalog) catalog = load_shipped ();
  GListModel *model = G_LIST_MODEL (catalog);
  g_autoptr (GError) error = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *broken = NULL;
  g_autoptr (HallService) kept = NULL;
  guint n = g_list_model_get_n_items (model);
  guint calls[2] = { 0, n };
  gsize length;

  g_assert_true (g_list_model_get_item_type (model) == HALL_TYPE_SERVICE);
  g_assert_null (g_list_model_get_item (model, n));
  kept = g_list_model_get_item (model, 0);

  g_signal_connect (catalog, "items-changed", G_CALLBACK (on_items_changed), calls);

  /* A refused update changes nothing and says nothing. */
  broken = read_fixture ("catalog-bad-role.json", &length);
  g_assert_false (hall_catalog_update_from_data (catalog, broken, length, "update.json", &error));
  g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_FIELD);
  g_clear_error (&error);
  g_assert_cmpuint (calls[0], ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n);
  g_assert_nonnull (hall_catalog_lookup (catalog, "social_security_card"));

  valid = read_fixture ("catalog-valid.json", &length);
  g_assert_true (hall_catalog_update_from_data (catalog, valid, length, "update.json", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls[0], ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  g_assert_cmpuint (hall_catalog_get_n_departments (catalog), ==, 3);
  g_assert_null (hall_catalog_lookup (catalog, "social_security_card"));
  g_assert_nonnull (hall_catalog_lookup (catalog, "marriage_registration"));
  g_assert_cmpstr (hall_catalog_get_json (catalog), ==, valid);

  /* An item a view still holds outlives the update. */
  g_assert_cmpstr (hall_service_get_id (kept), ==, "company_business_license");
}

static void
test_name_language_child (const char *language,
                          const char *expected_name,
                          const char *expected_department)
{
  g_autoptr (HallCatalog) catalog = NULL;
  g_autofree char *name = NULL;
  HallService *service;

  g_setenv ("LANGUAGE", language, TRUE);
  catalog = load_shipped ();
  service = hall_catalog_lookup (catalog, "marriage_registration");
  g_assert_cmpstr (hall_service_get_name (service), ==, expected_name);
  g_assert_cmpstr (hall_service_get_department_name (service), ==, expected_department);
  g_object_get (service, "name", &name, NULL);
  g_assert_cmpstr (name, ==, expected_name);
}

static void
test_name_chinese (void)
{
  if (g_test_subprocess ())
    {
      test_name_language_child ("zh_CN:en", "结婚登记", "民政局");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_name_english (void)
{
  if (g_test_subprocess ())
    {
      test_name_language_child ("en_GB:zh_CN", "Marriage registration", "Civil Affairs Bureau");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

typedef struct
{
  const char *file;
  int code;
  const char *place;  /* must appear in the message */
  const char *what;   /* and so must this */
} BrokenFixture;

static const BrokenFixture broken_fixtures[] = {
  { "catalog-syntax-error.json", HALL_CATALOG_ERROR_SYNTAX, "catalog-syntax-error.json:89:", NULL },
  { "catalog-missing-field.json", HALL_CATALOG_ERROR_FIELD, ": services[1].name: ", "\"zh\" is missing" },
  { "catalog-bad-type.json", HALL_CATALOG_ERROR_FIELD, ": services[1].documents[0]: ",
    "\"original\" must be true or false" },
  { "catalog-unknown-department.json", HALL_CATALOG_ERROR_FIELD, ": services[1]: ",
    "unknown department \"foo\"" },
  { "catalog-duplicate-id.json", HALL_CATALOG_ERROR_DUPLICATE, ": services[1]: ",
    "\"company_business_license\"" },
  { "catalog-bad-role.json", HALL_CATALOG_ERROR_FIELD, ": services[1].steps[1]: ", "\"clerk\"" },
  { "catalog-empty-file.json", HALL_CATALOG_ERROR_SYNTAX, "catalog-empty-file.json:", "empty" },
};

static void
test_broken_fixture (gconstpointer data)
{
  const BrokenFixture *fixture = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", fixture->file, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;

  catalog = hall_catalog_new_from_file (file, &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, fixture->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fixture->file));
  g_assert_nonnull (strstr (error->message, fixture->place));
  if (fixture->what != NULL)
    g_assert_nonnull (strstr (error->message, fixture->what));
}

static void
test_valid_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "catalog-valid.json", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;
  HallService *service;
  const HallRequiredDocument *doc;
  const HallApprovalStep *step;

  catalog = hall_catalog_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (catalog)), ==, 2);

  service = hall_catalog_lookup (catalog, "company_business_license");
  g_assert_cmpuint (hall_service_get_n_documents (service), ==, 2);
  doc = hall_service_get_document (service, 1);
  g_assert_cmpstr (doc->id, ==, "articles_of_association");
  g_assert_cmpstr (doc->name, ==, "Articles of association");
  g_assert_cmpstr (doc->name_zh, ==, "公司章程");
  g_assert_true (doc->original);
  g_assert_cmpuint (hall_service_get_n_steps (service), ==, 3);
  step = hall_service_get_step (service, 1);
  g_assert_cmpstr (step->id, ==, "review");
  g_assert_cmpstr (step->role, ==, "approver");
  g_assert_cmpuint (step->promised_minutes, ==, 210);
  /* A step without a department is its service's. */
  g_assert_cmpstr (step->department, ==, "market_regulation");
  g_assert_cmpstr (step->parallel, ==, "joint-review");
  step = hall_service_get_step (service, 2);
  g_assert_cmpstr (step->department, ==, "taxation");
  g_assert_cmpstr (step->parallel, ==, "joint-review");
  g_assert_null (hall_service_get_step (service, 0)->parallel);
  /* The joint review is one round: steps 1 and 2. */
  g_assert_cmpuint (hall_service_get_group_end (service, 0), ==, 1);
  g_assert_cmpuint (hall_service_get_group_end (service, 1), ==, 3);
  g_assert_true (hall_service_find_step (service, "tax_review", NULL) == step);
  g_assert_null (hall_service_find_step (service, "no_such_step", NULL));

  /* The hall's reasons first, then the service's own. */
  g_assert_cmpuint (hall_service_get_n_reasons (service), ==, 3);
  g_assert_cmpstr (hall_service_get_reason (service, 0)->code, ==, "missing_document");
  g_assert_cmpstr (hall_service_get_reason (service, 1)->text_zh, ==, "身份证件已过期");
  g_assert_cmpstr (hall_service_get_reason (service, 2)->code, ==, "name_not_registrable");
  g_assert_cmpstr (hall_service_find_reason (service, "name_not_registrable")->text, ==,
                   "The company name cannot be registered");
  g_assert_null (hall_service_find_reason (service, "other"));

  service = hall_catalog_lookup (catalog, "marriage_registration");
  g_assert_cmpuint (hall_service_get_n_reasons (service), ==, 2);
  g_assert_null (hall_service_find_reason (service, "name_not_registrable"));
  g_assert_false (hall_service_get_online (service));
  g_assert_cmpstr (hall_service_get_group (service), ==, "K");
}

/* Variations of catalog-valid.json, each broken in one place, checked
 * without a fixture file per case. */
typedef struct
{
  const char *json_path;  /* a member path as "services.0.group" */
  const char *value;      /* JSON text to put there; NULL removes it */
  int code;
  const char *message;    /* what the message must contain */
} Mutation;

static const Mutation mutations[] = {
  { "services.1.promised_minutes", "0", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"promised_minutes\" must be a positive whole number" },
  { "services.1.promised_minutes", "-30", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"promised_minutes\" must be a positive whole number" },
  { "services.1.promised_minutes", "\"30\"", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"promised_minutes\" must be a positive whole number" },
  { "services.1.promised_minutes", "30.5", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"promised_minutes\" must be a positive whole number" },
  { "services.1.promised_minutes", "20", HALL_CATALOG_ERROR_FIELD,
    "services[1]: the steps promise 30 minutes in all" },
  { "services.0.promised_minutes", "99999999", HALL_CATALOG_ERROR_FIELD,
    "services[0]: \"promised_minutes\" must be at most" },
  { "services.1.fee_cents", "-1", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"fee_cents\" must be a whole number" },
  { "services.1.steps", "[]", HALL_CATALOG_ERROR_FIELD, "services[1]: \"steps\" must not be empty" },
  { "services.1.documents", "{}", HALL_CATALOG_ERROR_FIELD,
    "services[1]: \"documents\" must be an array" },
  { "services.1.documents", NULL, HALL_CATALOG_ERROR_FIELD, "services[1]: \"documents\" is missing" },
  { "services.0.group", "\"AB\"", HALL_CATALOG_ERROR_FIELD, "services[0]: \"group\" must be a single" },
  { "services.0.group", "\"a\"", HALL_CATALOG_ERROR_FIELD, "services[0]: \"group\" must be a single" },
  { "services.0.applicant_kind", "\"company\"", HALL_CATALOG_ERROR_FIELD,
    "services[0]: \"applicant_kind\" must be one of person, business, any" },
  { "services.0.online", "1", HALL_CATALOG_ERROR_FIELD,
    "services[0]: \"online\" must be true or false" },
  { "services.0.id", "\"Company License\"", HALL_CATALOG_ERROR_FIELD, "services[0]: \"id\" must be" },
  { "services.0.name", "\"Business license\"", HALL_CATALOG_ERROR_FIELD,
    "services[0]: \"name\" must be an object" },
  { "services.0.name.en", "\"\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].name: \"en\" must not be empty" },
  { "services.0.keywords.1", "7", HALL_CATALOG_ERROR_FIELD,
    "services[0].keywords[1]: must be a non-empty string" },
  { "services.0.documents.1.id", "\"company_registration_application\"",
    HALL_CATALOG_ERROR_DUPLICATE, "services[0].documents[1]: document" },
  { "services.0.steps.1.id", "\"accept\"", HALL_CATALOG_ERROR_DUPLICATE,
    "services[0].steps[1]: step \"accept\" is listed twice" },
  { "services.0.steps.0.promised_minutes", "0", HALL_CATALOG_ERROR_FIELD,
    "services[0].steps[0]: \"promised_minutes\" must be a positive whole number" },
  { "services.1", "[]", HALL_CATALOG_ERROR_FIELD, "services[1]: must be an object" },
  /* Joint reviews: the slowest step counts, two steps at least, a known
   * department, a plain name. */
  { "services.0.steps.2.promised_minutes", "220", HALL_CATALOG_ERROR_FIELD,
    "services[0]: the steps promise 250 minutes in all" },
  { "services.0.steps.2.parallel", "\"other-review\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].steps[1]: the joint review \"joint-review\" has only this step" },
  { "services.0.steps.1.parallel", "\"Joint Review\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].steps[1]: \"parallel\" must be lower-case" },
  { "services.0.steps.1.parallel", "7", HALL_CATALOG_ERROR_FIELD,
    "services[0].steps[1]: \"parallel\" must be a string" },
  { "services.0.steps.2.department", "\"nowhere\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].steps[2]: unknown department \"nowhere\"" },
  /* Reasons: codes once each, "other" kept for free text, both languages. */
  { "reasons.0.code", "\"other\"", HALL_CATALOG_ERROR_FIELD,
    "reasons[0]: the code \"other\" is kept" },
  { "reasons.1.code", "\"missing_document\"", HALL_CATALOG_ERROR_DUPLICATE,
    "reasons[1]: reason \"missing_document\" is listed twice" },
  { "services.0.reasons.0.code", "\"identity_expired\"", HALL_CATALOG_ERROR_DUPLICATE,
    "services[0].reasons[0]: reason \"identity_expired\" is listed twice" },
  { "services.0.reasons.0.code", "\"Bad Code\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].reasons[0]: \"code\" must be lower-case" },
  { "reasons.0.text", NULL, HALL_CATALOG_ERROR_FIELD, "reasons[0]: \"text\" is missing" },
  { "services.0.reasons.0.text.zh", "\"\"", HALL_CATALOG_ERROR_FIELD,
    "services[0].reasons[0].text: \"zh\" must not be empty" },
  { "reasons", "{}", HALL_CATALOG_ERROR_FIELD, ": \"reasons\" must be an array" },
  { "departments.1.id", "\"market_regulation\"", HALL_CATALOG_ERROR_DUPLICATE,
    "departments[1]: department \"market_regulation\" is listed twice" },
  { "departments", "[]", HALL_CATALOG_ERROR_FIELD, ": \"departments\" must not be empty" },
  { "services", NULL, HALL_CATALOG_ERROR_FIELD, ": \"services\" is missing" },
  { "version", "2", HALL_CATALOG_ERROR_FIELD, "catalog version 2" },
  { "hall.code", "\"yc\"", HALL_CATALOG_ERROR_FIELD, "hall: \"code\" must be capital letters" },
  { "hall.name", NULL, HALL_CATALOG_ERROR_FIELD, "hall: \"name\" is missing" },
};

static void mutate (JsonNode   *root,
                    const char *json_path,
                    const char *value);

/* The steps of a joint review follow each other: one set apart by a step of
 * no joint review is refused, naming it. */
static void
test_joint_review_apart (void)
{
  g_autofree char *valid = read_fixture ("catalog-valid.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = json_from_string (valid, &error);
  g_autoptr (HallCatalog) catalog = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  /* accept and review in "joint-review", tax_review in none, and a fourth
   * step in "joint-review" again */
  mutate (root, "services.0.steps.0.parallel", "\"joint-review\"");
  mutate (root, "services.0.steps.2.parallel", NULL);
  {
    JsonArray *steps = json_node_get_array (json_object_get_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (root),
                                                                   "services"), 0),
      "steps"));
    g_autoptr (JsonNode) extra = json_from_string (
      "{\"id\": \"seal\", \"name\": {\"en\": \"Seal\", \"zh\": \"公章\"}, \"role\": "
      "\"approver\", \"promised_minutes\": 1, \"parallel\": \"joint-review\"}", NULL);

    json_array_add_element (steps, g_steal_pointer (&extra));
  }
  mutate (root, "services.0.promised_minutes", "1000");
  text = json_to_string (root, TRUE);
  catalog = hall_catalog_new_from_data (text, -1, "apart.json", &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_FIELD);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "apart.json: services[0].steps[3]: the steps of the "
                                            "joint review \"joint-review\" must follow each other"));

  /* Both steps of a service in one joint review is fine. */
  g_clear_error (&error);
  g_clear_pointer (&root, json_node_unref);
  root = json_from_string (valid, &error);
  g_assert_no_error (error);
  mutate (root, "services.1.steps.0.parallel", "\"pair\"");
  mutate (root, "services.1.steps.1.parallel", "\"pair\"");
  g_clear_pointer (&text, g_free);
  text = json_to_string (root, TRUE);
  g_clear_object (&catalog);
  catalog = hall_catalog_new_from_data (text, -1, "pair.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hall_service_get_group_end (hall_catalog_lookup (catalog,
                                                                     "marriage_registration"),
                                                0), ==, 2);
}

static void
mutate (JsonNode   *root,
        const char *json_path,
        const char *value)
{
  g_auto (GStrv) parts = g_strsplit (json_path, ".", -1);
  guint n = g_strv_length (parts);
  JsonNode *node = root;
  g_autoptr (JsonNode) replacement = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i + 1 < n; i++)
    {
      if (JSON_NODE_HOLDS_ARRAY (node))
        node = json_array_get_element (json_node_get_array (node), atoi (parts[i]));
      else
        node = json_object_get_member (json_node_get_object (node), parts[i]);
      g_assert_nonnull (node);
    }

  if (value != NULL)
    {
      replacement = json_from_string (value, &error);
      g_assert_no_error (error);
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint index = atoi (parts[n - 1]);

      g_assert_nonnull (replacement);
      json_array_remove_element (array, index);
      /* json-glib cannot insert at an index; only the last element is replaced. */
      g_assert_cmpuint (index, ==, json_array_get_length (array));
      json_array_add_element (array, g_steal_pointer (&replacement));
    }
  else if (replacement != NULL)
    json_object_set_member (json_node_get_object (node), parts[n - 1],
                            g_steal_pointer (&replacement));
  else
    json_object_remove_member (json_node_get_object (node), parts[n - 1]);
}

static void
test_mutation (gconstpointer data)
{
  const Mutation *mutation = data;
  g_autofree char *valid = read_fixture ("catalog-valid.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = json_from_string (valid, &error);
  g_autoptr (HallCatalog) catalog = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  mutate (root, mutation->json_path, mutation->value);
  text = json_to_string (root, TRUE);

  catalog = hall_catalog_new_from_data (text, -1, "mutated.json", &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, mutation->code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "mutated.json: "));
  g_assert_nonnull (strstr (error->message, mutation->message));
}

static void
test_not_utf8 (void)
{
  const char data[] = "{\n  \"version\": 1,\n  \"hall\": \"\xff\"\n}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;

  catalog = hall_catalog_new_from_data (data, -1, "latin1.json", &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_SYNTAX);
  g_assert_true (g_str_has_prefix (error->message, "latin1.json:3:12: "));
}

static void
test_not_an_object (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;

  catalog = hall_catalog_new_from_data ("[]", -1, "array.json", &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_FIELD);
  g_assert_true (g_str_has_prefix (error->message, "array.json: "));
}

static void
test_unreadable (void)
{
  g_autoptr (GFile) file = g_file_new_for_path ("/nonexistent/catalog-gone.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;

  catalog = hall_catalog_new_from_file (file, &error);
  g_assert_null (catalog);
  g_assert_error (error, HALL_CATALOG_ERROR, HALL_CATALOG_ERROR_READ);
  g_assert_nonnull (strstr (error->message, "catalog-gone.json"));
}

static void
test_default_without_env (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = NULL;

  if (g_test_subprocess ())
    {
      /* Falls back to the installed or the source tree's catalog. */
      g_unsetenv ("SERVICE_HALL_CATALOG");
      catalog = hall_catalog_new_default (&error);
      g_assert_no_error (error);
      g_assert_nonnull (hall_catalog_lookup (catalog, "company_business_license"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/catalog/shipped/loads", test_shipped_loads);
  g_test_add_func ("/hall/catalog/shipped/services", test_shipped_services);
  g_test_add_func ("/hall/catalog/shipped/business-license", test_business_license);
  g_test_add_func ("/hall/catalog/shipped/search-text", test_search_text);
  g_test_add_func ("/hall/catalog/list-model", test_list_model);
  g_test_add_func ("/hall/catalog/name/chinese", test_name_chinese);
  g_test_add_func ("/hall/catalog/name/english", test_name_english);
  g_test_add_func ("/hall/catalog/valid-fixture", test_valid_fixture);
  g_test_add_func ("/hall/catalog/joint-review-apart", test_joint_review_apart);
  g_test_add_func ("/hall/catalog/not-utf8", test_not_utf8);
  g_test_add_func ("/hall/catalog/not-an-object", test_not_an_object);
  g_test_add_func ("/hall/catalog/unreadable", test_unreadable);
  g_test_add_func ("/hall/catalog/default-without-env", test_default_without_env);

  for (guint i = 0; i < G_N_ELEMENTS (broken_fixtures); i++)
    {
      g_autofree char *name = g_strdup (broken_fixtures[i].file);
      g_autofree char *test_path = NULL;

      *strrchr (name, '.') = '\0';
      test_path = g_strdup_printf ("/hall/catalog/broken/%s", name + strlen ("catalog-"));
      g_test_add_data_func (test_path, &broken_fixtures[i], test_broken_fixture);
    }

  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/hall/catalog/mutation/%s=%s",
                                                    mutations[i].json_path,
                                                    mutations[i].value ? mutations[i].value
                                                                       : "removed");

      g_test_add_data_func (test_path, &mutations[i], test_mutation);
    }

  return g_test_run ();
}
