/* test-case-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hall-case-list-model.h"
#include "hall-case-list-model-test-hooks.h"
#include "hall-catalog.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-migrations.h"
#include "hall-store-sync-private.h"

#define N_BULK 1050

typedef struct
{
  char        *dir;
  char        *path;
  HallCatalog *catalog;
  HallStore   *store;
  GPtrArray   *order; /* uuids, newest first, as SQL sorts them */
} Fixture;

/* Cases written straight into the database: many, quickly, some created in
 * the same second so the rowid has to break ties. */
static void
fill (const char *path,
      guint       n)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) app = NULL;
  g_autoptr (sqlite3_stmt) bigrams = NULL;
  g_autoptr (sqlite3_stmt) trigrams = NULL;
  g_autoptr (sqlite3_stmt) kase = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (hall_store_register_functions (db, NULL));
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicants (uuid, kind, name, id_type,"
                                       " id_number, phone, created_at, updated_at)"
                                       " VALUES (?1, 'person', ?2, 'resident_id', ?3, '', 1, 1)",
                                       -1, &app, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicant_bigrams (rowid, bigrams)"
                                       " VALUES (?1, hall_name_bigrams (?2))",
                                       -1, &bigrams, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicant_trigrams (rowid, name, phone,"
                                       " id_number) VALUES (?1, ?2, '', ?3)",
                                       -1, &trigrams, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO cases (uuid, number, seq, service_id,"
                                       " applicant_id, state, created_at, updated_at)"
                                       " VALUES (?1, ?2, ?3, 'x', ?4, 'received', ?5, ?5)",
                                       -1, &kase, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *case_uuid = g_uuid_string_random ();
      g_autofree char *number = g_strdup_printf ("YC-2025-C01-%06u", i + 1);
      g_autofree char *id = g_strdup_printf ("6401041985%08u", i);
      const char *name = i % 10 == 0 ? "张伟明" : "王芳";
      gint64 rowid;

      sqlite3_bind_text (app, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (app, 3, id, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (app), ==, SQLITE_DONE);
      sqlite3_reset (app);
      rowid = sqlite3_last_insert_rowid (db);
      sqlite3_bind_int64 (bigrams, 1, rowid);
      sqlite3_bind_text (bigrams, 2, name, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (bigrams), ==, SQLITE_DONE);
      sqlite3_reset (bigrams);
      sqlite3_bind_int64 (trigrams, 1, rowid);
      sqlite3_bind_text (trigrams, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (trigrams, 3, id, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (trigrams), ==, SQLITE_DONE);
      sqlite3_reset (trigrams);

      sqlite3_bind_text (kase, 1, case_uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (kase, 2, number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (kase, 3, i + 1);
      sqlite3_bind_int64 (kase, 4, rowid);
      sqlite3_bind_int64 (kase, 5, 1700000000 + (i * 37) % (n * 2 / 3));
      g_assert_cmpint (sqlite3_step (kase), ==, SQLITE_DONE);
      sqlite3_reset (kase);
    }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
}

static GPtrArray *
read_order (const char *path)
{
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT uuid FROM cases NOT INDEXED"
                                       " ORDER BY created_at DESC, id DESC",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (order, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return order;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("hall-list-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = hall_store_open (fixture->path, "YC", "C03", &error);
  g_assert_no_error (error);
  fill (fixture->path, GPOINTER_TO_UINT (data));
  fixture->order = read_order (fixture->path);
  g_assert_cmpuint (fixture->order->len, ==, GPOINTER_TO_UINT (data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_pointer (&fixture->order, g_ptr_array_unref);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Iterates the main context until the model has no read running or
 * waiting. */
static void
wait_idle (HallCaseListModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (_hall_case_list_model_is_busy (model) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (_hall_case_list_model_is_busy (model));
}

/* A model that has counted the cases, as it does on a worker just after
 * it is made. */
static HallCaseListModel *
new_model (Fixture *fixture)
{
  HallCaseListModel *model = hall_case_list_model_new (fixture->store);

  wait_idle (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, fixture->order->len);
  return model;
}

/* The item at @position once its page is read: get_item() answers at once
 * with a placeholder, filled from a worker. */
static HallCase *
get_filled (GListModel *model,
            guint       position)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  HallCase *kase = g_list_model_get_item (model, position);

  while (kase != NULL && hall_case_list_model_is_placeholder (kase)
         && g_get_monotonic_time () < deadline)
    {
      g_clear_object (&kase);
      g_main_context_iteration (NULL, TRUE);
      kase = g_list_model_get_item (model, position);
    }
  g_assert_nonnull (kase);
  g_assert_false (hall_case_list_model_is_placeholder (kase));
  return kase;
}

static void
assert_item (GListModel *model,
             Fixture    *fixture,
             guint       position)
{
  g_autoptr (HallCase) kase = get_filled (model, position);

  g_assert_cmpstr (hall_case_get_uuid (kase), ==, fixture->order->pdata[position]);
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);

  g_assert_true (g_list_model_get_item_type (list) == HALL_TYPE_CASE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK);
  for (guint i = 0; i < N_BULK; i++)
    assert_item (list, fixture, i);
  g_assert_null (g_list_model_get_item (list, N_BULK));
  /* And back up, past pages that have left the cache. */
  for (guint i = N_BULK; i > 0; i -= 7)
    assert_item (list, fixture, i - 1);
}

static void
test_deep (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  const guint jumps[] = { N_BULK - 1, 777, 0, 1001, 500, 99, 100, 950, 201 };

  /* Straight to the bottom, with no page read before, then around. */
  for (guint i = 0; i < G_N_ELEMENTS (jumps); i++)
    assert_item (list, fixture, jumps[i]);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint count;
} Changed;

static void
on_items_changed (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changed    *changed)
{
  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->count++;
}

static void
wait_for (const guint *count,
          guint        value)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*count < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*count, >=, value);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

/* A valid GB 11643 number from Yinchuan born 1985-06-12. */
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

/* A business license case for 赵磊, the @n-th resident of the tests
 * (resident_id (@n)), taken in through the store into @kase. */
static void
take_in (Fixture  *fixture,
         guint     n,
         HallCase *kase)
{
  g_autofree char *id = resident_id (n);
  g_autofree char *phone = g_strdup_printf ("138%08u", n);
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GError) error = NULL;

  applicant = hall_applicant_new_person ("赵磊", HALL_ID_TYPE_RESIDENT_ID, id, phone);
  g_assert_true (hall_store_create_case (fixture->store, applicant,
                                         hall_catalog_lookup (fixture->catalog,
                                                              "company_business_license"),
                                         kase, &error));
  g_assert_no_error (error);
}

static void
test_insert (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (HallCase) first = NULL;
  g_autoptr (HallCaseEvent) event = NULL;
  g_autoptr (GError) error = NULL;
  Changed changed = { 0, };
  guint notified = 0;
  guint n_changes;

  /* A page is in use when the new case arrives. */
  assert_item (list, fixture, 150);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);

  take_in (fixture, 1, kase);
  wait_for (&changed.count, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK + 1);

  first = get_filled (list, 0);
  g_assert_cmpstr (hall_case_get_uuid (first), ==, hall_case_get_uuid (kase));
  /* What was at 150 is at 151 now. */
  {
    g_autoptr (HallCase) moved = get_filled (list, 151);

    g_assert_cmpstr (hall_case_get_uuid (moved), ==, fixture->order->pdata[150]);
  }
  wait_idle (model);

  /* A change in place reaches the object already handed out, with no
   * change of the list. */
  n_changes = changed.count;
  g_signal_connect (first, "notify::state", G_CALLBACK (on_notify), &notified);
  event = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_STATE);
  hall_case_event_set_new_state (event, HALL_CASE_IN_REVIEW);
  g_assert_true (hall_store_add_case_event (fixture->store, event, &error));
  wait_for (&notified, 1);
  g_assert_cmpint (hall_case_get_state (first), ==, HALL_CASE_IN_REVIEW);
  wait_idle (model);
  g_assert_cmpuint (changed.count, ==, n_changes);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  Changed changed = { 0, };
  g_autoptr (HallCase) first = NULL;
  g_autoptr (GPtrArray) whole = NULL;
  g_autoptr (GError) error = NULL;
  guint n_changes;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);

  /* Every tenth is 张伟明: 105 of them. The first 50 come first, the
   * rest after them, and together they are what one read of all 105 finds,
   * in its order: the rows shown first stay where they are. */
  hall_case_list_model_set_query (model, "张伟");
  g_assert_true (hall_case_list_model_get_searching (model));
  wait_for (&changed.count, 1);
  g_assert_true (hall_case_list_model_get_searching (model));
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, N_BULK);
  g_assert_cmpuint (changed.added, ==, 50);
  first = g_list_model_get_item (list, 0);
  wait_for (&changed.count, 2);
  g_assert_false (hall_case_list_model_get_searching (model));
  g_assert_cmpuint (changed.position, ==, 50);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, N_BULK / 10 - 50);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK / 10);
  whole = hall_store_search_cases (fixture->store, "张伟", HALL_CASE_LIST_MODEL_MAX_RESULTS,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->len, ==, N_BULK / 10);
  for (guint i = 0; i < N_BULK / 10; i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (list, i);

      g_assert_cmpstr (hall_case_get_applicant_name (kase), ==, "张伟明");
      g_assert_cmpstr (hall_case_get_uuid (kase), ==, hall_case_get_uuid (whole->pdata[i]));
    }
  {
    g_autoptr (HallCase) still = g_list_model_get_item (list, 0);

    g_assert_true (still == first);
  }

  /* A query replaced before its results came cancels them. */
  n_changes = changed.count;
  hall_case_list_model_set_query (model, "王");
  hall_case_list_model_set_query (model, "张伟明");
  wait_for (&changed.count, n_changes + 2);
  g_assert_false (hall_case_list_model_get_searching (model));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK / 10);
  g_object_set (model, "query", "  ", NULL);
  g_assert_null (hall_case_list_model_get_query (model));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK);
  assert_item (list, fixture, 0);
}

/* find() answers from the rows already read and reads nothing: a case
 * on a page not read is not found (and no read starts), a case on a page
 * read is at its rank, and in search results at its place among them. */
static void
test_find (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  Changed changed = { 0, };
  const char *deep = fixture->order->pdata[N_BULK - 3];
  char *uuids[2] = { NULL, };
  char *names[2] = { NULL, };
  guint unmatched = 0;

  g_assert_cmpuint (hall_case_list_model_find (model, deep), ==, G_MAXUINT);
  g_assert_false (_hall_case_list_model_is_busy (model));
  g_assert_cmpuint (hall_case_list_model_find (model, "no-such-uuid"), ==, G_MAXUINT);

  assert_item (list, fixture, 5);
  g_assert_cmpuint (hall_case_list_model_find (model, fixture->order->pdata[5]), ==, 5);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (HallCase) kase = get_filled (list, 5 + i);

      uuids[i] = g_strdup (hall_case_get_uuid (kase));
      names[i] = g_strdup (hall_case_get_applicant_name (kase));
    }
  g_assert_cmpuint (hall_case_list_model_find (model, deep), ==, G_MAXUINT);
  assert_item (list, fixture, N_BULK - 3);
  g_assert_cmpuint (hall_case_list_model_find (model, deep), ==, N_BULK - 3);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);
  hall_case_list_model_set_query (model, "张伟");
  wait_for (&changed.count, 1);
  for (guint i = 0; i < g_list_model_get_n_items (list); i += 17)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (list, i);

      g_assert_cmpuint (hall_case_list_model_find (model, hall_case_get_uuid (kase)), ==, i);
    }
  /* A case read before but not among the results is not found. */
  for (guint i = 0; i < 2; i++)
    {
      gboolean matches = g_strcmp0 (names[i], "张伟明") == 0;

      g_assert_true ((hall_case_list_model_find (model, uuids[i]) != G_MAXUINT) == matches);
      unmatched += !matches;
      g_free (uuids[i]);
      g_free (names[i]);
    }
  g_assert_cmpuint (unmatched, >, 0);
}

static void
on_items_changed_check_empty (GListModel *list,
                              guint       position,
                              guint       removed,
                              guint       added,
                              GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u=%u;", position, removed, added,
                          g_list_model_get_n_items (list));
}

/* Back from a search to the whole list: said as "all gone" (with the
 * model empty meanwhile), then "all new", so a list view does not look
 * for its tracked rows among a million new items. */
static void
test_query_cleared (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  g_autoptr (GString) log = g_string_new (NULL);
  g_autofree char *expected = NULL;
  Changed changed = { 0, };

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);
  hall_case_list_model_set_query (model, "张伟");
  /* The first rows, then the rest. */
  wait_for (&changed.count, 2);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed_check_empty), log);
  hall_case_list_model_set_query (model, NULL);
  expected = g_strdup_printf ("0-%u+0=0;0-0+%u=%u;", N_BULK / 10, N_BULK, N_BULK);
  g_assert_cmpstr (log->str, ==, expected);
}

/* Signals may come straight away or from the main context: iterate without
 * blocking until @count reaches @value or a deadline passes. */
static void
iterate_until (const guint *count,
               guint        value)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (*count < value && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (*count, >=, value);
}

static JsonArray *
applicant_change (HallApplicant *applicant,
                  gint64         version)
{
  JsonArray *changes = json_array_new ();
  JsonObject *change = json_object_new ();

  json_object_set_int_member (change, "seq", version);
  json_object_set_string_member (change, "entity", "applicant");
  json_object_set_string_member (change, "uuid", hall_applicant_get_uuid (applicant));
  json_object_set_int_member (change, "version", version);
  json_object_set_member (change, "data", hall_applicant_to_json (applicant));
  json_array_add_object_element (changes, change);
  return changes;
}

/* What a sync does to a case reaches the row already handed out, without
 * a reload: the acknowledgement of its creation, the refusal of a change
 * of its applicant, and a new name of its applicant from the server. */
static void
test_sync_reaches_rows (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallApplicant) stored = NULL;
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (HallCase) row = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonArray) changes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = resident_id (3);
  guint sync_notified = 0;
  guint name_notified = 0;

  applicant = hall_applicant_new_person ("赵磊", HALL_ID_TYPE_RESIDENT_ID, id, "13800000003");
  g_assert_true (hall_store_create_case (fixture->store, applicant,
                                         hall_catalog_lookup (fixture->catalog,
                                                              "company_business_license"),
                                         kase, &error));
  g_assert_no_error (error);
  while (g_list_model_get_n_items (G_LIST_MODEL (model)) < 4)
    g_main_context_iteration (NULL, TRUE);
  row = get_filled (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (hall_case_get_uuid (row), ==, hall_case_get_uuid (kase));
  g_assert_cmpint (hall_case_get_sync_state (row), ==, HALL_SYNC_PENDING);
  g_signal_connect (row, "notify::sync-state", G_CALLBACK (on_notify), &sync_notified);
  g_signal_connect (row, "notify::applicant-name", G_CALLBACK (on_notify), &name_notified);

  /* Applicant, case, "created" event: the row is synced after the last. */
  items = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < items->len; i++)
    {
      g_assert_true (hall_store_ack_outbox (fixture->store, items->pdata[i], 1, &error));
      g_assert_no_error (error);
    }
  iterate_until (&sync_notified, 1);
  g_assert_cmpint (hall_case_get_sync_state (row), ==, HALL_SYNC_SYNCED);
  g_assert_cmpint (hall_case_get_version (row), ==, 1);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A refused change of the applicant shows on each of its cases. */
  stored = hall_store_get_applicant (fixture->store, hall_applicant_get_uuid (applicant), &error);
  g_assert_no_error (error);
  hall_applicant_set_phone (stored, "13900000003");
  g_assert_true (hall_store_save_applicant (fixture->store, stored, &error));
  g_assert_no_error (error);
  items = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (hall_store_reject_outbox (fixture->store, items->pdata[0], 422,
                                           "phone: not in service", &error));
  g_assert_no_error (error);
  iterate_until (&sync_notified, 2);
  g_assert_cmpint (hall_case_get_sync_state (row), ==, HALL_SYNC_REJECTED);
  g_assert_cmpstr (hall_case_get_sync_error (row), ==, "phone: not in service");

  /* The server renamed the applicant: the row shows the new name. */
  hall_applicant_set_name (stored, "赵磊鑫");
  changes = applicant_change (stored, 2);
  g_assert_true (hall_store_apply_changes (fixture->store, changes, NULL, "2", &error));
  g_assert_no_error (error);
  iterate_until (&name_notified, 1);
  g_assert_cmpstr (hall_case_get_applicant_name (row), ==, "赵磊鑫");
}

/* A page of the feed: an applicant and its case, created at @created_at. */
static JsonArray *
pulled_case (guint  serial,
             gint64 created_at)
{
  g_autofree char *id = resident_id (serial);
  g_autofree char *number = g_strdup_printf ("YC-2026-C09-%06u", serial);
  g_autoptr (HallApplicant) applicant =
    hall_applicant_new_person ("钱多多", HALL_ID_TYPE_RESIDENT_ID, id, "13900000009");
  g_autoptr (HallCase) kase = hall_case_new ();
  JsonArray *changes = applicant_change (applicant, 1);
  JsonObject *change = json_object_new ();

  hall_case_set_number (kase, number);
  hall_case_set_service_id (kase, "company_business_license");
  hall_case_set_applicant_uuid (kase, hall_applicant_get_uuid (applicant));
  hall_case_set_created_at (kase, created_at);
  hall_case_set_updated_at (kase, created_at);
  hall_case_set_promised_at (kase, created_at + 4 * 3600);
  hall_case_set_counter (kase, "C09");
  json_object_set_int_member (change, "seq", serial);
  json_object_set_string_member (change, "entity", "case");
  json_object_set_string_member (change, "uuid", hall_case_get_uuid (kase));
  json_object_set_int_member (change, "version", 1);
  json_object_set_member (change, "data", hall_case_to_json (kase));
  json_array_add_object_element (changes, change);
  return changes;
}

typedef struct
{
  HallStore *store;
  JsonArray *changes;
} Apply;

static gpointer
apply_thread (gpointer data)
{
  Apply *apply = data;
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_store_apply_changes (apply->store, apply->changes, NULL, "1", &error));
  g_assert_no_error (error);
  return NULL;
}

/* A pull applies its pages on the sync thread, one after another; each
 * brings newer cases, and the list shows them all at its top, not only
 * those of the first page it heard of. */
static void
test_pulled_pages (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  guint n_before = g_list_model_get_n_items (list);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Changed changed = { 0 };

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &changed);
  for (guint page = 0; page < 3; page++)
    {
      g_autoptr (JsonArray) first = pulled_case (900 + 2 * page, now + page);
      g_autoptr (JsonArray) second = pulled_case (901 + 2 * page, now + page);
      g_autofree char *newest = g_strdup_printf ("YC-2026-C09-%06u", 901 + 2 * page);
      Apply apply = { fixture->store, first };
      g_autoptr (HallCase) top = NULL;
      GThread *thread;

      /* Two pages in a row before the main context hears of either. */
      thread = g_thread_new ("apply", apply_thread, &apply);
      g_thread_join (thread);
      apply.changes = second;
      thread = g_thread_new ("apply", apply_thread, &apply);
      g_thread_join (thread);

      wait_for (&changed.count, changed.count + 1);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      wait_idle (model);
      g_assert_cmpuint (g_list_model_get_n_items (list), ==, n_before + 2 * (page + 1));
      top = get_filled (list, 0);
      g_assert_cmpint (hall_case_get_created_at (top), ==, now + page);
      g_assert_cmpstr (hall_case_get_number (top), ==, newest);
    }
}

/* Far jumps in a long list: the first one the slow way, then the marks
 * read on a worker serve the next ones; cases added at the top move them. */
static void
test_marks (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (HallCase) kase = hall_case_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint n = fixture->order->len;
  Changed changed = { 0, };

  g_assert_false (_hall_case_list_model_has_marks (model));
  assert_item (list, fixture, n / 2);
  while (!_hall_case_list_model_has_marks (model) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (_hall_case_list_model_has_marks (model));
  for (guint i = 7; i < n; i += n / 13)
    assert_item (list, fixture, i);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);
  take_in (fixture, 2, kase);
  wait_for (&changed.count, 1);
  g_assert_true (_hall_case_list_model_has_marks (model));
  g_ptr_array_unref (fixture->order);
  fixture->order = read_order (fixture->path);
  for (guint i = 11; i <= n; i += n / 17)
    assert_item (list, fixture, i);
  assert_item (list, fixture, 0);
  assert_item (list, fixture, n);
}

/* get_item() never waits for the store: a row not read yet is a
 * placeholder at once; its page is read on a worker and the placeholder
 * becomes its case in place, notifying, with no change of the list. */
static void
test_placeholders (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (HallCase) first = g_list_model_get_item (list, 250);
  g_autoptr (HallCase) again = NULL;
  g_autoptr (HallCase) last = NULL;
  Changed changed = { 0, };
  guint notified = 0;

  g_assert_true (hall_case_list_model_is_placeholder (first));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);
  g_signal_connect (first, "notify::uuid", G_CALLBACK (on_notify), &notified);
  wait_for (&notified, 1);
  g_assert_false (hall_case_list_model_is_placeholder (first));
  g_assert_cmpstr (hall_case_get_uuid (first), ==, fixture->order->pdata[250]);
  again = g_list_model_get_item (list, 250);
  g_assert_true (again == first);
  /* The whole page of rows 200–299 is in. */
  for (guint i = 200; i < 300; i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (list, i);

      g_assert_false (hall_case_list_model_is_placeholder (kase));
      g_assert_cmpstr (hall_case_get_uuid (kase), ==, fixture->order->pdata[i]);
    }

  /* The last page is short: as many placeholders as it has rows. */
  last = g_list_model_get_item (list, N_BULK - 1);
  g_assert_true (hall_case_list_model_is_placeholder (last));
  g_assert_null (g_list_model_get_item (list, N_BULK));
  assert_item (list, fixture, N_BULK - 1);
  g_assert_false (hall_case_list_model_is_placeholder (last));
  wait_idle (model);
  g_assert_cmpuint (changed.count, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK);
}

/* A jump deep into a long list (a scroll bar dragged down) with no page
 * or mark known answers at once and shows the right case once read; a
 * drag through many pages reads where it stops; a case held while its
 * page left the cache comes back as the same object, said changed, so a
 * view keeps its selection on it. */
/* States and promises of every kind, set straight in the database as the
 * cases were: closed cases, returned ones, open ones with and without a
 * promise or with a document still missing, and promises that tie. */
static void
mix_states (const char *path)
{
  g_autoptr (sqlite3) db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE cases SET"
                                 " state = CASE id % 7 WHEN 0 THEN 'completed'"
                                 "  WHEN 1 THEN 'returned' WHEN 2 THEN 'in_review'"
                                 "  WHEN 3 THEN 'approved' ELSE 'received' END,"
                                 " promised_at = CASE WHEN id % 11 = 0 THEN 0"
                                 "  ELSE 1700100000 + (id * 7919) % 5000 END,"
                                 " checklist = CASE id % 13"
                                 "  WHEN 0 THEN '[{\"id\": \"lease\", \"provided\": false}]'"
                                 "  WHEN 1 THEN '[{\"id\": \"lease\", \"provided\": true}]'"
                                 "  ELSE '[]' END",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
}

/* The uuids in an order SQL sorts them in, from the columns themselves
 * (not the store's due_rank, which triggers keep). */
static GPtrArray *
read_order_by (const char *path,
               const char *order_by)
{
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strconcat ("SELECT uuid FROM cases NOT INDEXED ORDER BY ",
                                      order_by, NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (order, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return order;
}

#define DUE_ORDER                                                               \
  "CASE WHEN state IN ('received', 'in_review') AND promised_at > 0"           \
  "  AND replace (checklist, ' ', '') NOT LIKE '%\"provided\":false%' THEN 0"   \
  " WHEN state = 'returned' OR state IN ('received', 'in_review') THEN 1"      \
  " ELSE 2 END, promised_at, id"

static void
assert_in_order (GListModel *list,
                 GPtrArray  *order,
                 guint       position)
{
  g_autoptr (HallCase) kase = get_filled (list, position);

  g_assert_cmpstr (hall_case_get_uuid (kase), ==, order->pdata[position]);
}

/* Each order reads the rows where SQL sorts them: near the top, across a
 * page's edge, far down (a mark's walk) and at the bottom (read from the
 * other end), and back to the newest first. */
static void
test_sorted (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = NULL;
  GListModel *list;
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (GPtrArray) oldest = NULL;
  guint n = fixture->order->len;
  const guint positions[] = { 0, 1, 99, 100, 150, n / 2, n - 1, n * 7 / 10, n / 4 + 3, 12 };
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  g_autoptr (HallCaseEvent) note = NULL;
  g_autoptr (HallCaseEvent) move = NULL;
  g_autoptr (GError) error = NULL;
  Changed changed = { 0, };

  mix_states (fixture->path);
  due = read_order_by (fixture->path, DUE_ORDER);
  oldest = read_order_by (fixture->path, "created_at, id");
  model = new_model (fixture);
  list = G_LIST_MODEL (model);
  assert_item (list, fixture, 3);
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);

  hall_case_list_model_set_sort (model, HALL_CASE_SORT_DUE);
  g_assert_cmpint (hall_case_list_model_get_sort (model), ==, HALL_CASE_SORT_DUE);
  /* Said as every row gone and every row new: no row is the same. */
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, n);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, n);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    assert_in_order (list, due, positions[i]);
  /* The far reads asked for the marks of this order. */
  while (!_hall_case_list_model_has_marks (model) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (_hall_case_list_model_has_marks (model));
  assert_in_order (list, due, n * 3 / 5 + 11);

  /* A note moves no case: the rows and marks stay (read again, they
   * would be dropped). A state changed is a move: they go. */
  note = hall_case_event_new (due->pdata[5], HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "申请人来电询问进度");
  g_assert_true (hall_store_add_case_event (fixture->store, note, &error));
  g_assert_no_error (error);
  wait_idle (model);
  g_assert_true (_hall_case_list_model_has_marks (model));
  move = hall_case_event_new (due->pdata[5], HALL_CASE_EVENT_STATE);
  hall_case_event_set_new_state (move, HALL_CASE_RETURNED);
  g_assert_true (hall_store_add_case_event (fixture->store, move, &error));
  g_assert_no_error (error);
  while (_hall_case_list_model_has_marks (model) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (_hall_case_list_model_has_marks (model));
  /* The rows kept are cases, not placeholders, while read again. */
  wait_idle (model);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = read_order_by (fixture->path, DUE_ORDER);
  for (guint i = 0; i < 12; i++)
    assert_in_order (list, due, i);

  hall_case_list_model_set_sort (model, HALL_CASE_SORT_OLDEST);
  g_assert_false (_hall_case_list_model_has_marks (model));
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    assert_in_order (list, oldest, positions[i]);

  hall_case_list_model_set_sort (model, HALL_CASE_SORT_NEWEST);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    assert_item (list, fixture, positions[i]);
}

/* Once the search or filter under way is in: more than one row, each in
 * one of @states (bits of HallCaseState; 0 for any) and after the one
 * before it in @sort. */
static void
assert_rows_sorted (HallCaseListModel *model,
                    HallCaseSort       sort,
                    guint              states)
{
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (HallCase) previous = NULL;

  while (hall_case_list_model_get_searching (model))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (list), >, 1);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (list, i);

      if (states != 0)
        g_assert_true (states & HALL_CASE_FILTER_STATE (hall_case_get_state (kase)));
      if (previous != NULL)
        g_assert_cmpint (hall_case_sort_compare (sort, previous, kase), <, 0);
      g_set_object (&previous, kase);
    }
}

static void
on_sorted_changed (GListModel *list,
                   guint       position,
                   guint       removed,
                   guint       added,
                   guint      *most_removed)
{
  *most_removed = MAX (*most_removed, removed);
}

/* In the order of what is due, a case sent back to the applicant leaves
 * the top, and the rows in view follow without the list being replaced;
 * a search is sorted too. */
static void
test_sorted_follows (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (HallCase) first = NULL;
  g_autoptr (HallCase) now_first = NULL;
  g_autoptr (HallCaseEvent) event = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  guint most_removed = 0;
  const guint in_review_or_returned = HALL_CASE_FILTER_STATE (HALL_CASE_IN_REVIEW)
                                      | HALL_CASE_FILTER_STATE (HALL_CASE_RETURNED);
  g_autoptr (HallCase) kase = hall_case_new ();

  mix_states (fixture->path);
  due = read_order_by (fixture->path, DUE_ORDER);
  hall_case_list_model_set_sort (model, HALL_CASE_SORT_DUE);
  first = get_filled (list, 0);
  g_assert_cmpstr (hall_case_get_uuid (first), ==, due->pdata[0]);
  g_assert_cmpint (hall_case_get_state (first), !=, HALL_CASE_RETURNED);
  assert_in_order (list, due, 1);
  wait_idle (model);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_sorted_changed), &most_removed);
  event = hall_case_event_new (hall_case_get_uuid (first), HALL_CASE_EVENT_STATE);
  hall_case_event_set_new_state (event, HALL_CASE_RETURNED);
  hall_case_event_set_note (event, "营业执照复印件不清晰");
  g_assert_true (hall_store_add_case_event (fixture->store, event, &error));
  g_assert_no_error (error);

  while (g_get_monotonic_time () < deadline)
    {
      g_clear_object (&now_first);
      now_first = g_list_model_get_item (list, 0);
      if (!hall_case_list_model_is_placeholder (now_first)
          && g_strcmp0 (hall_case_get_uuid (now_first), due->pdata[1]) == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpstr (hall_case_get_uuid (now_first), ==, due->pdata[1]);
  /* The second row was the same object: the one handed out moved up. */
  wait_idle (model);
  g_assert_cmpuint (most_removed, <, 4 * HALL_CASE_LIST_MODEL_PAGE_SIZE);
  g_assert_cmpint (hall_case_get_state (first), ==, HALL_CASE_RETURNED);

  /* A case taken in lands within the order, not on top: the list grows
   * at its end and the rows kept are read again, never all replaced. */
  take_in (fixture, 1, kase);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_list_model_get_n_items (list) != N_BULK + 1 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_BULK + 1);
  wait_idle (model);
  g_assert_cmpuint (most_removed, <, 4 * HALL_CASE_LIST_MODEL_PAGE_SIZE);
  g_clear_pointer (&due, g_ptr_array_unref);
  due = read_order_by (fixture->path, DUE_ORDER);
  for (guint i = 0; i < 150; i++)
    assert_in_order (list, due, i);
  for (guint i = 0; i < due->len; i++)
    if (g_strcmp0 (due->pdata[i], hall_case_get_uuid (kase)) == 0)
      assert_in_order (list, due, i);

  /* A search's answers, newest first from the store, in the list's order. */
  hall_case_list_model_set_sort (model, HALL_CASE_SORT_OLDEST);
  hall_case_list_model_set_query (model, "张伟明");
  assert_rows_sorted (model, HALL_CASE_SORT_OLDEST, 0);

  /* A filter's, read in the order from the store, and oldest first
   * through the index of states in that order. */
  hall_case_list_model_set_sort (model, HALL_CASE_SORT_DUE);
  hall_case_list_model_set_query (model, NULL);
  hall_case_list_model_set_filter (model, &(HallCaseFilter) { in_review_or_returned });
  assert_rows_sorted (model, HALL_CASE_SORT_DUE, in_review_or_returned);
  hall_case_list_model_set_sort (model, HALL_CASE_SORT_OLDEST);
  assert_rows_sorted (model, HALL_CASE_SORT_OLDEST, in_review_or_returned);
}

static void
test_deep_jump (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  guint n = fixture->order->len;
  g_autoptr (HallCase) held = get_filled (list, 5);
  g_autoptr (HallCase) deep = g_list_model_get_item (list, n * 7 / 10);
  g_autoptr (HallCase) back = NULL;
  Changed changed = { 0, };

  g_assert_false (_hall_case_list_model_has_marks (model));
  g_assert_true (hall_case_list_model_is_placeholder (deep));
  assert_item (list, fixture, n * 7 / 10);

  /* Dragged through: a row of every 10th page asked for, as a view
   * passing over them would; then where it stopped. */
  for (guint i = 0; i < n; i += 10 * HALL_CASE_LIST_MODEL_PAGE_SIZE)
    {
      g_autoptr (HallCase) passed = g_list_model_get_item (list, i + 3);

      g_assert_nonnull (passed);
    }
  assert_item (list, fixture, n - 17);
  assert_item (list, fixture, n / 3);
  wait_idle (model);
  /* The cases of pages that left the cache are forgotten as they go:
   * what is live is the sixteen pages the model keeps, and the one held. */
  g_assert_cmpuint (_hall_case_list_model_get_n_live (model), <=,
                    16 * HALL_CASE_LIST_MODEL_PAGE_SIZE + 1);

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &changed);
  back = get_filled (list, 5);
  g_assert_true (back == held);
  g_assert_cmpuint (changed.count, ==, 1);
  g_assert_cmpuint (changed.position, ==, 5);
  g_assert_cmpuint (changed.removed, ==, 1);
  g_assert_cmpuint (changed.added, ==, 1);
  g_assert_cmpstr (hall_case_get_uuid (back), ==, fixture->order->pdata[5]);
}

/* A new order drops the old one's pages on a worker. A case only its page
 * held is forgotten first, on this thread, which alone uses the model's
 * table of live cases; one still held elsewhere stays known. */
static void
finalized_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  g_atomic_int_set ((gint *) data, TRUE);
}

static void
test_dropped_pages (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr (HallCase) kept = get_filled (list, 3);
  HallCase *dropped = get_filled (list, 4);
  gint finalized = FALSE;
  gint64 deadline;

  wait_idle (model);
  g_object_weak_ref (G_OBJECT (dropped), finalized_cb, &finalized);
  g_object_unref (dropped);   /* its page holds it alone now */
  g_assert_cmpuint (_hall_case_list_model_get_n_live (model), >, 1);

  hall_case_list_model_set_sort (model, HALL_CASE_SORT_OLDEST);
  /* Before any page of the new order is read: only the case held here. */
  g_assert_cmpuint (_hall_case_list_model_get_n_live (model), ==, 1);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&finalized) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_true (g_atomic_int_get (&finalized));
}

/* The reviewer's race: new orders one after the other while the pages of
 * each are read, cases finalized on the worker as the table of live cases
 * is read and written here. It crashed, or hung, within a few runs. */
static void
test_dropped_pages_stress (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr (HallCaseListModel) model = new_model (fixture);
  GListModel *list = G_LIST_MODEL (model);
  guint n_pages = fixture->order->len / HALL_CASE_LIST_MODEL_PAGE_SIZE;

  for (guint round = 0; round < 60; round++)
    {
      for (guint p = 0; p < 16; p++)
        g_object_unref (get_filled (list, (p * 7 % n_pages) * HALL_CASE_LIST_MODEL_PAGE_SIZE));
      hall_case_list_model_set_sort (model, round % 2 ? HALL_CASE_SORT_NEWEST
                                                      : HALL_CASE_SORT_OLDEST);
    }
  wait_idle (model);
  /* Every live case is one of the pages kept. */
  g_assert_cmpuint (_hall_case_list_model_get_n_live (model), <=,
                    16 * HALL_CASE_LIST_MODEL_PAGE_SIZE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/case-list-model/paging", Fixture, GUINT_TO_POINTER (N_BULK), fixture_set_up, test_paging,
              fixture_tear_down);
  g_test_add ("/hall/case-list-model/deep", Fixture, GUINT_TO_POINTER (N_BULK), fixture_set_up, test_deep,
              fixture_tear_down);
  g_test_add ("/hall/case-list-model/insert", Fixture, GUINT_TO_POINTER (N_BULK), fixture_set_up, test_insert,
              fixture_tear_down);
  g_test_add ("/hall/case-list-model/query", Fixture, GUINT_TO_POINTER (N_BULK), fixture_set_up,
              test_query, fixture_tear_down);
  g_test_add ("/hall/case-list-model/find", Fixture, GUINT_TO_POINTER (N_BULK), fixture_set_up,
              test_find, fixture_tear_down);
  g_test_add ("/hall/case-list-model/query-cleared", Fixture, GUINT_TO_POINTER (N_BULK),
              fixture_set_up, test_query_cleared, fixture_tear_down);
  g_test_add ("/hall/case-list-model/sync-reaches-rows", Fixture, GUINT_TO_POINTER (3),
              fixture_set_up, test_sync_reaches_rows, fixture_tear_down);
  g_test_add ("/hall/case-list-model/pulled-pages", Fixture, GUINT_TO_POINTER (3),
              fixture_set_up, test_pulled_pages, fixture_tear_down);
  g_test_add ("/hall/case-list-model/placeholders", Fixture, GUINT_TO_POINTER (N_BULK),
              fixture_set_up, test_placeholders, fixture_tear_down);
  g_test_add ("/hall/case-list-model/deep-jump", Fixture, GUINT_TO_POINTER (30000),
              fixture_set_up, test_deep_jump, fixture_tear_down);
  g_test_add ("/hall/case-list-model/sorted", Fixture, GUINT_TO_POINTER (30000), fixture_set_up,
              test_sorted, fixture_tear_down);
  g_test_add ("/hall/case-list-model/sorted-follows", Fixture, GUINT_TO_POINTER (N_BULK),
              fixture_set_up, test_sorted_follows, fixture_tear_down);
  g_test_add ("/hall/case-list-model/marks", Fixture, GUINT_TO_POINTER (30000), fixture_set_up,
              test_marks, fixture_tear_down);
  g_test_add ("/hall/case-list-model/dropped-pages", Fixture, GUINT_TO_POINTER (N_BULK),
              fixture_set_up, test_dropped_pages, fixture_tear_down);
  g_test_add ("/hall/case-list-model/dropped-pages/stress", Fixture, GUINT_TO_POINTER (3000),
              fixture_set_up, test_dropped_pages_stress, fixture_tear_down);

  return g_test_run ();
}
