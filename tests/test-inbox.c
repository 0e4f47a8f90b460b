/* test-inbox.c — the approver's inbox in the store: which cases, in which
 * order, the per-step counts, and deciding off the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-sqlite.h"
#include "hall-store-signing.h"
#include "hall-store.h"

typedef struct
{
  char         *dir;
  char         *path;
  HallCatalog  *catalog;
  HallStore    *store;
  GAsyncResult *result;
  guint         n_applicants;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("hall-inbox-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = hall_store_open (fixture->path, "YC", "C03", &error);
  g_assert_no_error (error);
  /* Decisions are signed: the demo officials' keys, certified by the demo
   * hall's key (password "demo"). */
  g_assert_true (hall_store_add_demo_signing (fixture->store, &error));
  g_assert_no_error (error);
}

/* Signs in @official's key for the decisions that follow. */
static void
open_key (Fixture    *fixture,
          const char *official)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_store_open_session_key (fixture->store, official, "demo", &error));
  g_assert_no_error (error);
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
  g_free (fixture->path);
}

/* A case of @service_id taken in @minutes_ago minutes ago, by a new
 * applicant each time. */
static HallCase *
create_case (Fixture    *fixture,
             const char *service_id,
             gint64      minutes_ago)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  static const char *const names[] = { "Zhang Wei", "Li Qiang", "Wang Fang", "Liu Yang",
                                       "Chen Jing", "Yang Min", "Zhao Lei", "Huang Li" };
  const char *name = names[fixture->n_applicants++ % G_N_ELEMENTS (names)];
  g_autofree char *id_number = NULL;
  HallService *service = hall_catalog_lookup (fixture->catalog, service_id);
  HallCase *kase = hall_case_new ();
  g_autofree char *base = g_strdup_printf ("11010519900101%03u", fixture->n_applicants);
  const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  const char checks[] = "10X98765432";
  int sum = 0;

  g_assert_nonnull (service);
  /* A valid resident ID (GB 11643 check digit) per applicant. */
  base[17] = '\0';
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id_number = g_strdup_printf ("%s%c", base, checks[sum % 11]);
  applicant = hall_applicant_new_person (name, HALL_ID_TYPE_RESIDENT_ID, id_number,
                                         "13912345678");
  hall_case_set_official (kase, "wang.fang");
  if (minutes_ago > 0)
    hall_case_set_created_at (kase, g_get_real_time () / G_USEC_PER_SEC - minutes_ago * 60);
  hall_store_create_case (fixture->store, applicant, service, kase, &error);
  g_assert_no_error (error);
  return kase;
}

static void
decide (Fixture      *fixture,
        HallCase     *kase,
        const char   *step,
        HallDecision  decision,
        HallRoles     roles,
        const char   *official)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                         HALL_CASE_EVENT_DECISION);
  HallService *service = hall_catalog_lookup (fixture->catalog, hall_case_get_service_id (kase));

  hall_case_event_set_decision (event, decision);
  if (step != NULL)
    hall_case_event_set_step (event, step);
  if (decision != HALL_DECISION_APPROVE)
    hall_case_event_add_reason (event, "missing_document", NULL);
  hall_case_event_set_at (event, g_get_real_time () / G_USEC_PER_SEC);
  open_key (fixture, official);
  g_assert_true (hall_store_decide_case (fixture->store, service, event, roles, official, NULL,
                                         &error));
  g_assert_no_error (error);
}

static GPtrArray *
list_inbox (Fixture    *fixture,
            HallRoles   roles,
            const char *official,
            gint64      now,
            guint       limit)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = hall_store_list_inbox (fixture->store, fixture->catalog, roles, official,
                                            now, limit, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static const char *
item_uuid (GPtrArray *items,
           guint      i)
{
  return hall_case_get_uuid (hall_inbox_item_get_case (g_ptr_array_index (items, i)));
}

static gint
compare_promised (gconstpointer a,
                  gconstpointer b)
{
  gint64 pa = hall_case_get_promised_at (*(HallCase **) a);
  gint64 pb = hall_case_get_promised_at (*(HallCase **) b);

  return pa < pb ? -1 : pa > pb;
}

/* The approver sees the cases waiting at a step of theirs, soonest
 * promised first, overdue marked; not those at a counter official's or a
 * supervisor's step, nor closed ones. */
static void
test_inbox_lists_waiting_in_order (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (HallCase) at_accept = create_case (fixture, "invoice_application", 0);
  g_autoptr (HallCase) at_supervisor = create_case (fixture, "company_deregistration", 0);
  g_autoptr (HallCase) rejected = create_case (fixture, "invoice_application", 0);
  gint64 now;

  /* Three at the approver's review, taken in at different times. */
  g_ptr_array_add (expected, create_case (fixture, "tax_clearance_certificate", 0));
  g_ptr_array_add (expected, create_case (fixture, "individual_business_license", 0));
  g_ptr_array_add (expected, create_case (fixture, "invoice_application", 60));
  for (guint i = 0; i < expected->len; i++)
    decide (fixture, g_ptr_array_index (expected, i), NULL, HALL_DECISION_APPROVE,
            HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  g_ptr_array_sort (expected, compare_promised);
  g_assert_cmpint (hall_case_get_promised_at (g_ptr_array_index (expected, 0)), <,
                   hall_case_get_promised_at (g_ptr_array_index (expected, 1)));

  decide (fixture, at_supervisor, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL,
          "wang.fang");
  decide (fixture, at_supervisor, NULL, HALL_DECISION_APPROVE, HALL_ROLE_APPROVER, "li.na");
  decide (fixture, rejected, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL,
          "wang.fang");
  decide (fixture, rejected, NULL, HALL_DECISION_REJECT, HALL_ROLE_APPROVER, "li.na");

  /* Overdue: promised before now. The first is past, the others not. */
  now = hall_case_get_promised_at (g_ptr_array_index (expected, 0)) + 1;
  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", now, 50);
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      HallInboxItem *item = g_ptr_array_index (items, i);

      g_assert_cmpstr (item_uuid (items, i), ==,
                       hall_case_get_uuid (g_ptr_array_index (expected, i)));
      g_assert_cmpstr (hall_inbox_item_get_step_id (item), ==, "review");
      g_assert_cmpint (hall_inbox_item_get_overdue (item), ==, i == 0);
      g_assert_cmpstr (hall_case_get_applicant_name (hall_inbox_item_get_case (item)), !=, NULL);
    }
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Bounded: the two soonest. */
  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", now, 2);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (item_uuid (items, 1), ==, hall_case_get_uuid (g_ptr_array_index (expected, 1)));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The counter official's inbox holds the case at acceptance only. */
  items = list_inbox (fixture, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang", now, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (item_uuid (items, 0), ==, hall_case_get_uuid (at_accept));
  g_assert_cmpstr (hall_inbox_item_get_step_id (g_ptr_array_index (items, 0)), ==, "accept");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* The supervisor's holds the deregistration at its decision. */
  items = list_inbox (fixture, HALL_ROLE_SUPERVISOR, "zhao.lei", now, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (item_uuid (items, 0), ==, hall_case_get_uuid (at_supervisor));
  g_assert_cmpstr (hall_inbox_item_get_step_id (g_ptr_array_index (items, 0)), ==, "decision");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* No role that decides anything: empty, not an error. */
  items = list_inbox (fixture, HALL_ROLE_RECEPTION, "desk", now, 50);
  g_assert_cmpuint (items->len, ==, 0);
}

/* A joint review: each approver sees the case until they have decided one
 * of its steps; the supervisor's counts follow each open step. */
static void
test_inbox_joint_review (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) other = create_case (fixture, "invoice_application", 0);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) counts = NULL;
  g_autoptr (GError) error = NULL;
  gint64 far = hall_case_get_promised_at (kase) + 3600;
  guint seen = 0;

  decide (fixture, kase, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", far, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (hall_inbox_item_get_step_id (g_ptr_array_index (items, 0)), ==, "review");
  g_clear_pointer (&items, g_ptr_array_unref);

  decide (fixture, kase, "review", HALL_DECISION_APPROVE, HALL_ROLE_APPROVER, "li.na");
  /* li.na has decided her part; another approver is offered the next. */
  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", far, 50);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = list_inbox (fixture, HALL_ROLE_APPROVER, "chen.jie", far, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (hall_inbox_item_get_step_id (g_ptr_array_index (items, 0)), ==, "tax_review");

  /* Counts: the two open steps of the joint review, overdue at @far, and
   * the other case at its acceptance, not overdue. */
  counts = hall_store_count_inbox_steps (fixture->store, fixture->catalog, far, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 3);
  for (guint i = 0; i < counts->len; i++)
    {
      HallInboxStepCount *count = g_ptr_array_index (counts, i);

      g_assert_cmpuint (count->waiting, ==, 1);
      if (g_str_equal (count->service_id, "company_business_license"))
        {
          g_assert_true (g_str_equal (count->step_id, "tax_review")
                         || g_str_equal (count->step_id, "seal_review"));
          g_assert_cmpuint (count->overdue, ==, 1);
          seen++;
        }
      else
        {
          g_assert_cmpstr (count->service_id, ==, "invoice_application");
          g_assert_cmpstr (count->step_id, ==, "accept");
          g_assert_cmpuint (count->overdue, ==,
                            hall_case_get_promised_at (other) < far ? 1 : 0);
        }
      g_assert_nonnull (count->step_name);
      g_assert_cmpstr (count->step_name, !=, "");
    }
  g_assert_cmpuint (seen, ==, 2);
}

static HallInboxStepCount *
find_count (GPtrArray  *counts,
            const char *service_id,
            const char *step_id)
{
  for (guint i = 0; i < counts->len; i++)
    {
      HallInboxStepCount *count = g_ptr_array_index (counts, i);

      if (g_str_equal (count->service_id, service_id) && g_str_equal (count->step_id, step_id))
        return count;
    }
  return NULL;
}

static void
assert_count (GPtrArray  *counts,
              const char *service_id,
              const char *step_id,
              guint       waiting,
              guint       overdue)
{
  HallInboxStepCount *count = find_count (counts, service_id, step_id);

  g_assert_nonnull (count);
  g_assert_cmpuint (count->waiting, ==, waiting);
  g_assert_cmpuint (count->overdue, ==, overdue);
  g_assert_nonnull (count->step_name);
  g_assert_cmpstr (count->step_name, !=, "");
}

/* The supervisor's counts group cases whose decisions left the same steps
 * open, whoever decided them; a returned case counts nowhere, and overdue
 * is judged against the time given. */
static void
test_inbox_counts_grouped (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr (HallCase) fresh = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) accepted = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) reviewed = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) reviewed_too = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) taxed = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) returned = create_case (fixture, "company_business_license", 0);
  g_autoptr (HallCase) invoice = create_case (fixture, "invoice_application", 0);
  g_autoptr (HallCase) invoice_too = create_case (fixture, "invoice_application", 0);
  g_autoptr (GPtrArray) counts = NULL;
  g_autoptr (GError) error = NULL;
  gint64 far = G_MAXINT64 / 4; /* past every promise */

  decide (fixture, accepted, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  decide (fixture, reviewed, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  decide (fixture, reviewed, "review", HALL_DECISION_APPROVE, HALL_ROLE_APPROVER, "li.na");
  decide (fixture, reviewed_too, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL,
          "wang.fang");
  decide (fixture, reviewed_too, "review", HALL_DECISION_APPROVE, HALL_ROLE_APPROVER, "demo");
  decide (fixture, taxed, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  decide (fixture, taxed, "tax_review", HALL_DECISION_APPROVE, HALL_ROLE_APPROVER, "li.na");
  decide (fixture, returned, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");
  decide (fixture, returned, "review", HALL_DECISION_RETURN, HALL_ROLE_APPROVER, "li.na");

  counts = hall_store_count_inbox_steps (fixture->store, fixture->catalog, far, &error);
  g_assert_no_error (error);
  /* accept: fresh; review: accepted, taxed; tax_review: accepted, reviewed,
   * reviewed_too; seal_review: accepted, reviewed, reviewed_too, taxed. */
  g_assert_cmpuint (counts->len, ==, 5);
  assert_count (counts, "company_business_license", "accept", 1, 1);
  assert_count (counts, "company_business_license", "review", 2, 2);
  assert_count (counts, "company_business_license", "tax_review", 3, 3);
  assert_count (counts, "company_business_license", "seal_review", 4, 4);
  assert_count (counts, "invoice_application", "accept", 2, 2);
  /* In the order the first case waiting at each step was promised. */
  for (guint i = 1; i < counts->len; i++)
    {
      HallInboxStepCount *before = g_ptr_array_index (counts, i - 1);
      HallInboxStepCount *after = g_ptr_array_index (counts, i);
      gint64 promised_before = hall_case_get_promised_at (
        g_str_equal (before->service_id, "invoice_application") ? invoice : fresh);
      gint64 promised_after = hall_case_get_promised_at (
        g_str_equal (after->service_id, "invoice_application") ? invoice : fresh);

      g_assert_cmpint (promised_before, <=, promised_after);
    }
  g_clear_pointer (&counts, g_ptr_array_unref);

  /* Before any promise is due, nothing is overdue; the same waiting. */
  counts = hall_store_count_inbox_steps (fixture->store, fixture->catalog, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 5);
  assert_count (counts, "company_business_license", "seal_review", 4, 0);
  assert_count (counts, "invoice_application", "accept", 2, 0);
}

/* The inbox walks an index of the open cases, not the whole table: its
 * query as the store writes it (the index named, since schema 15's
 * cases_state answers the states too), with no sort of its own. */
static void
test_inbox_uses_index (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (sqlite3) db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "EXPLAIN QUERY PLAN SELECT c.id"
                                       " FROM cases c INDEXED BY cases_waiting"
                                       " CROSS JOIN applicants a ON a.id = c.applicant_id"
                                       " WHERE c.state IN ('received', 'in_review')"
                                       " AND (c.promised_at, c.id) > (0, 0)"
                                       " ORDER BY c.promised_at, c.id LIMIT 256",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      g_assert_null (strstr (detail, "TEMP B-TREE"));
      if (strstr (detail, "cases_waiting") != NULL)
        found = TRUE;
    }
  sqlite3_finalize (stmt);
  g_assert_true (found);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *fixture = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_assert_null (fixture->result);
  fixture->result = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (Fixture *fixture)
{
  while (fixture->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return fixture->result;
}

/* Deciding off the main loop: written, the case leaves the inbox; a
 * decision the rule refuses writes nothing and says why. */
static void
test_decide_async (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "individual_business_license", 0);
  HallService *service = hall_catalog_lookup (fixture->catalog, "individual_business_license");
  g_autoptr (HallCaseEvent) approve = NULL;
  g_autoptr (HallCaseEvent) bare_return = NULL;
  g_autoptr (HallCaseEvent) wrong = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) stored = NULL;
  HallCaseState state = HALL_CASE_REJECTED;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  decide (fixture, kase, NULL, HALL_DECISION_APPROVE, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang");

  /* A return with no reason: refused, nothing written. */
  bare_return = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
  hall_case_event_set_decision (bare_return, HALL_DECISION_RETURN);
  open_key (fixture, "li.na");
  hall_store_decide_case_async (fixture->store, service, bare_return, HALL_ROLE_APPROVER,
                                "li.na", NULL, on_done, fixture);
  g_assert_false (hall_store_decide_case_finish (fixture->store, wait_for_result (fixture),
                                                 &state, &error));
  g_assert_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_REASON);
  g_clear_error (&error);
  g_clear_object (&fixture->result);

  /* The counter official's role does not decide the review. */
  wrong = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
  hall_case_event_set_decision (wrong, HALL_DECISION_APPROVE);
  open_key (fixture, "wang.fang");
  hall_store_decide_case_async (fixture->store, service, wrong, HALL_ROLE_COUNTER_OFFICIAL,
                                "wang.fang", NULL, on_done, fixture);
  g_assert_false (hall_store_decide_case_finish (fixture->store, wait_for_result (fixture),
                                                 NULL, &error));
  g_assert_true (error != NULL && error->domain == HALL_WORKFLOW_ERROR);
  g_clear_error (&error);
  g_clear_object (&fixture->result);

  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", now, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  approve = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
  hall_case_event_set_decision (approve, HALL_DECISION_APPROVE);
  open_key (fixture, "li.na");
  hall_store_decide_case_async (fixture->store, service, approve, HALL_ROLE_APPROVER, "li.na",
                                NULL, on_done, fixture);
  g_assert_true (hall_store_decide_case_finish (fixture->store, wait_for_result (fixture),
                                                &state, &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
  g_assert_cmpint (state, ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpstr (hall_case_event_get_step (approve), ==, "review");
  g_assert_cmpint (hall_case_event_get_at (approve), >=, now);

  stored = hall_store_get_case (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_IN_REVIEW);
  events = hall_store_list_case_events (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  /* created, accept, review: the refused ones left no trace. */
  g_assert_cmpuint (events->len, ==, 3);

  items = list_inbox (fixture, HALL_ROLE_APPROVER, "li.na", now, 50);
  g_assert_cmpuint (items->len, ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);
  /* Now at issuing, the counter official's. */
  items = list_inbox (fixture, HALL_ROLE_COUNTER_OFFICIAL, "wang.fang", now, 50);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (hall_inbox_item_get_step_id (g_ptr_array_index (items, 0)), ==, "issue");
}

/* The inbox read off the main loop gives what the call gives. */
static void
test_list_inbox_async (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "invoice_application", 0);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) counts = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  hall_store_list_inbox_async (fixture->store, fixture->catalog, HALL_ROLE_COUNTER_OFFICIAL,
                               "wang.fang", now, 10, NULL, on_done, fixture);
  items = hall_store_list_inbox_finish (fixture->store, wait_for_result (fixture), &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (item_uuid (items, 0), ==, hall_case_get_uuid (kase));

  hall_store_count_inbox_steps_async (fixture->store, fixture->catalog, now, NULL, on_done,
                                      fixture);
  counts = hall_store_count_inbox_steps_finish (fixture->store, wait_for_result (fixture),
                                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (counts->len, ==, 1);
  g_assert_cmpuint (((HallInboxStepCount *) g_ptr_array_index (counts, 0))->waiting, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/inbox/order", test_inbox_lists_waiting_in_order);
  ADD ("/inbox/joint-review", test_inbox_joint_review);
  ADD ("/inbox/counts-grouped", test_inbox_counts_grouped);
  ADD ("/inbox/index", test_inbox_uses_index);
  ADD ("/inbox/decide-async", test_decide_async);
  ADD ("/inbox/list-async", test_list_inbox_async);
#undef ADD

  return g_test_run ();
}
