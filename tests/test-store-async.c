/* test-store-async.c — the store's _async calls, run to their end on a main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-store.h"
#include "hall-store-sync-private.h"

typedef struct
{
  char         *dir;
  HallCatalog  *catalog;
  HallService  *service;
  HallStore    *store;
  GAsyncResult *result;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("hall-store-async-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  g_assert_nonnull (fixture->service);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  g_clear_object (&fixture->result);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* Every callback comes back on the thread that made the call. */
static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_true (source == G_OBJECT (fixture->store));
  g_assert_null (fixture->result);
  fixture->result = g_object_ref (result);
}

/* Iterates the main context until the call in flight has finished; the
 * fixture gives the result up to the _finish that follows. */
static GAsyncResult *
wait_for_result (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_clear_object (&fixture->result);
  while (fixture->result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fixture->result);
  return fixture->result;
}

/* A valid GB 11643 number from Yinchuan (640104) born 1985-06-12. */
static char *
resident_id (guint n)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "64010419850612%03u", n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static HallApplicant *
person (const char *name,
        guint       n)
{
  g_autofree char *id = resident_id (n);
  g_autofree char *phone = g_strdup_printf ("138%08u", n);

  return hall_applicant_new_person (name, HALL_ID_TYPE_RESIDENT_ID, id, phone);
}

static HallCase *
create_case (Fixture       *fixture,
             HallApplicant *applicant)
{
  g_autoptr (GError) error = NULL;
  HallCase *kase = hall_case_new ();

  hall_case_set_official (kase, "wang.fang");
  g_assert_true (hall_store_create_case (fixture->store, applicant, fixture->service, kase,
                                         &error));
  g_assert_no_error (error);
  return kase;
}

static HallCaseEvent *
new_note (HallCase   *kase,
          const char *text)
{
  HallCaseEvent *note = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE);

  hall_case_event_set_note (note, text);
  hall_case_event_set_official (note, "wang.fang");
  return note;
}

static guint
count_events (Fixture  *fixture,
              HallCase *kase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = hall_store_list_case_events (fixture->store,
                                                              hall_case_get_uuid (kase),
                                                              &error);

  g_assert_no_error (error);
  return events->len;
}

static void
test_load_case (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (HallApplicant) applicant = person ("张伟明", 1);
  g_autoptr (HallCase) kase = create_case (fixture, applicant);
  g_autoptr (HallCaseEvent) note = new_note (kase, "Brings the lease tomorrow");
  g_autoptr (HallCaseRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *events;

  g_assert_true (hall_store_add_case_event (fixture->store, note, &error));
  g_assert_no_error (error);

  hall_store_load_case_async (fixture->store, hall_case_get_uuid (kase), NULL, on_done, fixture);
  record = hall_store_load_case_finish (fixture->store, wait_for_result (fixture), &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpstr (hall_case_get_uuid (hall_case_record_get_case (record)), ==,
                   hall_case_get_uuid (kase));
  g_assert_cmpstr (hall_case_get_number (hall_case_record_get_case (record)), ==,
                   hall_case_get_number (kase));
  g_assert_nonnull (hall_case_record_get_applicant (record));
  g_assert_cmpstr (hall_applicant_get_uuid (hall_case_record_get_applicant (record)), ==,
                   hall_applicant_get_uuid (applicant));
  g_assert_cmpstr (hall_applicant_get_name (hall_case_record_get_applicant (record)), ==,
                   "张伟明");
  events = hall_case_record_get_events (record);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpint (hall_case_event_get_kind (events->pdata[0]), ==, HALL_CASE_EVENT_CREATED);
  g_assert_cmpstr (hall_case_event_get_note (events->pdata[1]), ==, "Brings the lease tomorrow");
  g_assert_nonnull (hall_case_record_get_conflicts (record));
  g_assert_cmpuint (hall_case_record_get_conflicts (record)->len, ==, 0);

  /* A case that is not there is an error, not an empty record. */
  hall_store_load_case_async (fixture->store, "00000000-0000-4000-8000-000000000000", NULL,
                              on_done, fixture);
  g_clear_object (&record);
  record = hall_store_load_case_finish (fixture->store, wait_for_result (fixture), &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_assert_null (record);
}

/* The time of the entry is when it was asked for, whatever the event said. */
static void
test_add_case_event (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (HallApplicant) applicant = person ("李娜", 2);
  g_autoptr (HallCase) kase = create_case (fixture, applicant);
  g_autoptr (HallCaseEvent) note = new_note (kase, "Called the applicant");
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  HallCaseEvent *stored;

  hall_case_event_set_at (note, 1000);
  hall_store_add_case_event_async (fixture->store, note, NULL, on_done, fixture);
  g_assert_cmpint (hall_case_event_get_at (note), >=, before);
  g_assert_true (hall_store_add_case_event_finish (fixture->store, wait_for_result (fixture),
                                                   &error));
  g_assert_no_error (error);

  events = hall_store_list_case_events (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  stored = events->pdata[1];
  g_assert_cmpstr (hall_case_event_get_uuid (stored), ==, hall_case_event_get_uuid (note));
  g_assert_cmpstr (hall_case_event_get_note (stored), ==, "Called the applicant");
  g_assert_cmpstr (hall_case_event_get_official (stored), ==, "wang.fang");
  g_assert_cmpint (hall_case_event_get_at (stored), ==, hall_case_event_get_at (note));

  /* A case that is not there: the store's error comes through. */
  g_clear_object (&note);
  note = hall_case_event_new ("00000000-0000-4000-8000-000000000000", HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Lost");
  hall_store_add_case_event_async (fixture->store, note, NULL, on_done, fixture);
  g_assert_false (hall_store_add_case_event_finish (fixture->store, wait_for_result (fixture),
                                                    &error));
  g_assert_nonnull (error);
}

/* Both conflicts of a page, decided with one call. */
static void
test_resolve_conflicts (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (HallApplicant) applicant = person ("王芳", 3);
  g_autoptr (HallCase) kase = create_case (fixture, applicant);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GError) error = NULL;

  /* The applicant and the case each met a different version on the server. */
  items = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      HallOutboxItem *item = items->pdata[i];
      g_autoptr (JsonNode) server = json_from_string (item->body, &error);
      g_autofree char *server_text = NULL;

      g_assert_no_error (error);
      json_object_set_int_member (json_node_get_object (server), "version", 2);
      if (g_str_equal (item->entity, "case"))
        json_object_set_string_member (json_node_get_object (server), "official", "zhao.lei");
      else
        json_object_set_string_member (json_node_get_object (server), "phone", "13700000003");
      server_text = json_to_string (server, FALSE);
      g_assert_true (hall_store_record_conflict (fixture->store, item, server_text, &error));
      g_assert_no_error (error);
    }
  conflicts = hall_store_list_conflicts (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 2);
  for (guint i = 0; i < conflicts->len; i++)
    {
      gint64 id = hall_conflict_get_id (conflicts->pdata[i]);

      g_array_append_val (ids, id);
    }

  hall_store_resolve_conflicts_async (fixture->store, (const gint64 *) ids->data, ids->len,
                                      HALL_CONFLICT_KEEP_MINE, "li.na", NULL, on_done, fixture);
  g_assert_true (hall_store_resolve_conflicts_finish (fixture->store, wait_for_result (fixture),
                                                      &error));
  g_assert_no_error (error);
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = hall_store_list_conflicts (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_cmpuint (conflicts->len, ==, 0);

  /* Decided once: the second time is the store's "already decided". */
  hall_store_resolve_conflicts_async (fixture->store, (const gint64 *) ids->data, 1,
                                      HALL_CONFLICT_KEEP_MINE, "li.na", NULL, on_done, fixture);
  g_assert_false (hall_store_resolve_conflicts_finish (fixture->store, wait_for_result (fixture),
                                                       &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
}

static void
test_officials (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *roles = NULL;

  hall_store_add_demo_officials_async (fixture->store, NULL, on_done, fixture);
  g_assert_true (hall_store_add_demo_officials_finish (fixture->store, wait_for_result (fixture),
                                                       &error));
  g_assert_no_error (error);

  hall_store_check_password_async (fixture->store, "demo", "demo", NULL, on_done, fixture);
  name = hall_store_check_password_finish (fixture->store, wait_for_result (fixture), &roles,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Demo Official");
  g_assert_cmpstr (roles, ==, "reception,counter_official,approver,supervisor,administrator");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&roles, g_free);

  hall_store_check_password_async (fixture->store, "li.na", "wrong", NULL, on_done, fixture);
  name = hall_store_check_password_finish (fixture->store, wait_for_result (fixture), &roles,
                                           &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH);
  g_assert_null (name);
  g_assert_null (roles);
}

static void
test_find_applicant (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (HallApplicant) applicant = person ("赵磊", 4);
  g_autoptr (HallCase) first = create_case (fixture, applicant);
  g_autoptr (HallCase) second = create_case (fixture, applicant);
  g_autoptr (HallApplicant) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unknown = resident_id (5);
  guint n_cases = 99;

  hall_store_find_applicant_async (fixture->store, hall_applicant_get_id_number (applicant), NULL,
                                   on_done, fixture);
  found = hall_store_find_applicant_finish (fixture->store, wait_for_result (fixture), &n_cases,
                                            &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (applicant));
  g_assert_cmpuint (n_cases, ==, 2);
  g_clear_object (&found);

  /* Nobody with that number: NULL, no error, no cases. */
  hall_store_find_applicant_async (fixture->store, unknown, NULL, on_done, fixture);
  found = hall_store_find_applicant_finish (fixture->store, wait_for_result (fixture), &n_cases,
                                            &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_assert_cmpuint (n_cases, ==, 0);

  /* By identity: another applicant object with the document finds the
   * one that holds it; the same number as a passport is nobody's. */
  {
    g_autoptr (HallApplicant) twin =
      hall_applicant_new_person (NULL, HALL_ID_TYPE_RESIDENT_ID,
                                 hall_applicant_get_id_number (applicant), NULL);
    g_autoptr (HallApplicant) passport =
      hall_applicant_new_person (NULL, HALL_ID_TYPE_PASSPORT,
                                 hall_applicant_get_id_number (applicant), NULL);

    hall_store_find_applicant_by_identity_async (fixture->store, twin, NULL, on_done, fixture);
    found = hall_store_find_applicant_by_identity_finish (fixture->store,
                                                          wait_for_result (fixture), &n_cases,
                                                          &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (applicant));
    g_assert_cmpuint (n_cases, ==, 2);
    g_clear_object (&found);

    hall_store_find_applicant_by_identity_async (fixture->store, passport, NULL, on_done,
                                                 fixture);
    found = hall_store_find_applicant_by_identity_finish (fixture->store,
                                                          wait_for_result (fixture), &n_cases,
                                                          &error);
    g_assert_no_error (error);
    g_assert_null (found);
  }
}

/* Cancelled before it runs: a read and a write both finish with
 * G_IO_ERROR_CANCELLED, and the write leaves nothing behind. */
static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (HallApplicant) applicant = person ("张伟", 6);
  g_autoptr (HallCase) kase = create_case (fixture, applicant);
  g_autoptr (HallCaseEvent) note = new_note (kase, "Never written");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (HallCaseRecord) record = NULL;
  g_autoptr (GError) error = NULL;
  guint n_outbox = hall_store_count_outbox (fixture->store);

  g_cancellable_cancel (cancellable);

  hall_store_load_case_async (fixture->store, hall_case_get_uuid (kase), cancellable, on_done,
                              fixture);
  record = hall_store_load_case_finish (fixture->store, wait_for_result (fixture), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (record);
  g_clear_error (&error);

  hall_store_add_case_event_async (fixture->store, note, cancellable, on_done, fixture);
  g_assert_false (hall_store_add_case_event_finish (fixture->store, wait_for_result (fixture),
                                                    &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_events (fixture, kase), ==, 1);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, n_outbox);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/store/async/load-case", Fixture, NULL, fixture_set_up, test_load_case,
              fixture_tear_down);
  g_test_add ("/hall/store/async/add-case-event", Fixture, NULL, fixture_set_up,
              test_add_case_event, fixture_tear_down);
  g_test_add ("/hall/store/async/resolve-conflicts", Fixture, NULL, fixture_set_up,
              test_resolve_conflicts, fixture_tear_down);
  g_test_add ("/hall/store/async/officials", Fixture, NULL, fixture_set_up, test_officials,
              fixture_tear_down);
  g_test_add ("/hall/store/async/find-applicant", Fixture, NULL, fixture_set_up,
              test_find_applicant, fixture_tear_down);
  g_test_add ("/hall/store/async/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);

  return g_test_run ();
}
