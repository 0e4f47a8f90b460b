/* test-search.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "hall-catalog.h"
#include "hall-search-query.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-migrations.h"
#include "hall-store-test-hooks.h"
#include "hall-test-files.h"

/* Classification */

static void
assert_kinds (const char     *text,
              HallSearchKind  kinds,
              const char     *normalized)
{
  g_autoptr (HallSearchQuery) query = hall_search_query_new (text);

  if (query->kinds != kinds)
    g_error ("“%s”: kinds 0x%x, expected 0x%x", text, query->kinds, kinds);
  if (normalized != NULL)
    g_assert_cmpstr (query->text, ==, normalized);
}

static void
test_classify (void)
{
  g_autoptr (HallSearchQuery) seq = NULL;

  assert_kinds ("", HALL_SEARCH_NONE, "");
  assert_kinds ("   ", HALL_SEARCH_NONE, "");
  /* A whole resident ID, with a lower-case x, in full width, with spaces. */
  assert_kinds ("64010419850612001x", HALL_SEARCH_DOCUMENT, "64010419850612001X");
  assert_kinds ("６４０１０４１９８５０６１２００１Ｘ", HALL_SEARCH_DOCUMENT, "64010419850612001X");
  assert_kinds (" 640104 19850612 001X ", HALL_SEARCH_DOCUMENT, "64010419850612001X");
  /* Prefixes of IDs. */
  assert_kinds ("6401041985", HALL_SEARCH_DOCUMENT_PREFIX, "6401041985");
  assert_kinds ("6401", HALL_SEARCH_DOCUMENT_PREFIX | HALL_SEARCH_CASE_SEQ, NULL);
  assert_kinds ("1101051990", HALL_SEARCH_DOCUMENT_PREFIX, NULL);
  /* Phones: 16-19 only a phone; 13-15 also a Hebei, Shanxi, Inner Mongolia ID. */
  assert_kinds ("1861234", HALL_SEARCH_PHONE_PREFIX, NULL);
  assert_kinds ("１８６１２３４", HALL_SEARCH_PHONE_PREFIX, "1861234");
  assert_kinds ("138 1234 5678", HALL_SEARCH_PHONE_PREFIX | HALL_SEARCH_DOCUMENT_PREFIX,
                "13812345678");
  assert_kinds ("130104198506", HALL_SEARCH_DOCUMENT_PREFIX, NULL);
  assert_kinds ("0951-5012", HALL_SEARCH_PHONE_PREFIX, "0951-5012");
  /* Case numbers, whole, in part, and their tails. */
  assert_kinds ("yc-2026", HALL_SEARCH_CASE_NUMBER, "YC-2026");
  assert_kinds ("YC-2026-C03-000123", HALL_SEARCH_CASE_NUMBER, NULL);
  assert_kinds ("000123", HALL_SEARCH_PHONE_PREFIX | HALL_SEARCH_CASE_SEQ, NULL);
  assert_kinds ("c03-000123", HALL_SEARCH_CASE_SEQ, "C03-000123");
  assert_kinds ("YC-2026-C03", HALL_SEARCH_CASE_NUMBER, NULL);
  seq = hall_search_query_new ("000123");
  g_assert_cmpint (seq->seq, ==, 123);
  g_assert_null (seq->counter);
  g_clear_pointer (&seq, hall_search_query_free);
  /* Read out with its counter: that counter's only. */
  seq = hall_search_query_new ("c03-0123");
  g_assert_cmpint (seq->seq, ==, 123);
  g_assert_cmpstr (seq->counter, ==, "C03");
  assert_kinds ("42", HALL_SEARCH_CASE_SEQ, NULL);
  /* Other documents. */
  assert_kinds ("e12345678", HALL_SEARCH_DOCUMENT_PREFIX, "E12345678");
  assert_kinds ("91640100MA76", HALL_SEARCH_DOCUMENT_PREFIX, NULL);
  /* Names. */
  assert_kinds ("张", HALL_SEARCH_NAME_PREFIX, "张");
  assert_kinds ("张伟", HALL_SEARCH_NAME_BIGRAM, "张伟");
  assert_kinds (" 张伟明 ", HALL_SEARCH_SUBSTRING, "张伟明");
  assert_kinds ("wa", HALL_SEARCH_NAME_PREFIX, "Wa");
  assert_kinds ("wang", HALL_SEARCH_SUBSTRING, "wang");
  assert_kinds ("张\"伟", HALL_SEARCH_SUBSTRING, "张\"伟");
}

static void
test_bigrams (void)
{
  g_autofree char *three = hall_search_name_bigrams ("张伟明");
  g_autofree char *dot = hall_search_name_bigrams ("阿卜杜·热合曼");
  g_autofree char *latin = hall_search_name_bigrams ("Wang Fang");
  g_autofree char *one = hall_search_name_bigrams ("张");
  g_autofree char *phrase = hall_search_fts_phrase ("a\"b\"\"c");

  g_assert_cmpstr (three, ==, "张伟 伟明");
  g_assert_cmpstr (dot, ==, "阿卜 卜杜 热合 合曼");
  g_assert_cmpstr (latin, ==, "");
  g_assert_cmpstr (one, ==, "");
  g_assert_cmpstr (phrase, ==, "\"a\"\"b\"\"\"\"c\"");
}

/* The store */

typedef struct
{
  char        *dir;
  char        *path;
  HallCatalog *catalog;
  HallStore   *store;
  GPtrArray   *cases; /* in the order created, oldest first */
} Fixture;

/* A valid GB 11643 number; @region and @birth give its first 14 digits. */
static char *
resident_id (const char *region,
             const char *birth,
             guint       n)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "%s%s%03u", region, birth, n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

static const struct
{
  const char *name;
  const char *region;
  const char *birth;
  const char *phone;
} people[] = {
  { "张伟明", "640104", "19850612", "13812345678" },
  { "李张伟", "640104", "19900101", "18611112222" },
  { "王芳", "640105", "19781224", "15900001111" },
  { "欧阳娜娜", "110105", "20000229", "17733334444" },
  { "张三", "130104", "19660708", "13012340000" },
};

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  HallService *service;

  fixture->dir = g_dir_make_tmp ("hall-search-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  fixture->store = hall_store_open (fixture->path, "YC", "C03", &error);
  g_assert_no_error (error);
  fixture->cases = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *id = resident_id (people[i].region, people[i].birth, i);
      g_autoptr (HallApplicant) applicant = hall_applicant_new_person (people[i].name,
                                                                       HALL_ID_TYPE_RESIDENT_ID,
                                                                       id, people[i].phone);
      HallCase *kase = hall_case_new ();

      g_assert_true (hall_store_create_case (fixture->store, applicant, service, kase, &error));
      g_assert_no_error (error);
      g_ptr_array_add (fixture->cases, kase);
    }

  {
    g_autoptr (HallApplicant) visitor = hall_applicant_new_person ("Wang Fang",
                                                                   HALL_ID_TYPE_PASSPORT,
                                                                   "E12345678", "13900000000");
    HallCase *kase = hall_case_new ();

    g_assert_true (hall_store_create_case (fixture->store, visitor, service, kase, &error));
    g_assert_no_error (error);
    g_ptr_array_add (fixture->cases, kase);
  }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->cases, g_ptr_array_unref);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Searches and checks the names found, as a sorted comma-separated list. */
static void
assert_finds (Fixture    *fixture,
              const char *query,
              const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = hall_store_search_cases (fixture->store, query, 50, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (found);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (names, (gpointer) hall_case_get_applicant_name (found->pdata[i]));
  g_ptr_array_sort (names, compare_strings);
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv (",", (char **) names->pdata);
  if (g_strcmp0 (joined, expected) != 0)
    g_error ("“%s” found “%s”, expected “%s”", query, joined, expected);
}

static void
test_search_kinds (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *full_id = resident_id ("640104", "19850612", 0);
  g_autofree char *lower_x = NULL;
  HallCase *third = fixture->cases->pdata[2];
  g_autofree char *tail = g_strdup (strrchr (hall_case_get_number (third), '-') + 1);
  g_autofree char *number_prefix = g_strndup (hall_case_get_number (third), 7);

  /* Full ID: exact. */
  assert_finds (fixture, full_id, "张伟明");
  lower_x = g_ascii_strdown (full_id, -1);
  assert_finds (fixture, lower_x, "张伟明");
  /* ID prefixes: region, region and birth year. */
  assert_finds (fixture, "640104", "张伟明,李张伟");
  assert_finds (fixture, "6401", "张伟明,李张伟,王芳");
  assert_finds (fixture, "64010419850", "张伟明");
  /* Phone prefixes, in full-width digits too. */
  assert_finds (fixture, "1381234", "张伟明");
  assert_finds (fixture, "１８６１１", "李张伟");
  assert_finds (fixture, "159 0000", "王芳");
  /* 130...: a phone and a Hebei ID both start so; both are found. */
  assert_finds (fixture, "1301", "张三");
  /* Case numbers: prefix, whole, tail digits. */
  assert_finds (fixture, number_prefix, "Wang Fang,张三,张伟明,李张伟,欧阳娜娜,王芳");
  assert_finds (fixture, hall_case_get_number (third), "王芳");
  assert_finds (fixture, tail, "王芳");
  {
    g_autofree char *read_out = g_strdup_printf ("c03-%s", tail);

    assert_finds (fixture, read_out, "王芳");
  }
  /* A one-character name: its start. */
  assert_finds (fixture, "张", "张三,张伟明");
  assert_finds (fixture, "王", "王芳");
  /* Two Chinese characters at the start and in the middle of a name. */
  assert_finds (fixture, "张伟", "张伟明,李张伟");
  assert_finds (fixture, "伟明", "张伟明");
  assert_finds (fixture, "娜娜", "欧阳娜娜");
  assert_finds (fixture, "阳娜", "欧阳娜娜");
  /* Three or more characters anywhere. */
  assert_finds (fixture, "张伟明", "张伟明");
  assert_finds (fixture, "欧阳娜", "欧阳娜娜");
  assert_finds (fixture, "ang fa", "Wang Fang");
  assert_finds (fixture, "WANG", "Wang Fang");
  /* A passport. */
  assert_finds (fixture, "e1234", "Wang Fang");
  /* Nothing. */
  assert_finds (fixture, "赵磊", "");
  assert_finds (fixture, "", "");
}

static void
test_search_quotes (Fixture       *fixture,
                    gconstpointer  data)
{
  /* Never read as MATCH syntax: no error, no surprise. */
  assert_finds (fixture, "张\"伟", "");
  assert_finds (fixture, "\"", "");
  assert_finds (fixture, "\"\"\"", "");
  assert_finds (fixture, "张伟\" OR \"王", "");
  assert_finds (fixture, "NEAR(张伟 明)", "");
  assert_finds (fixture, "wang*", "");
  assert_finds (fixture, "'; DROP TABLE cases; --", "");
  assert_finds (fixture, "张伟明", "张伟明");
}

static void
test_search_order (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = hall_store_search_cases (fixture->store, "YC-", 3, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 3);
  /* Newest first: the last three created, last first. */
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (hall_case_get_uuid (found->pdata[i]), ==,
                     hall_case_get_uuid (fixture->cases->pdata[fixture->cases->len - 1 - i]));
}

static void
test_search_renamed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autofree char *id = resident_id ("640105", "19781224", 2);

  /* The indexes follow an update: the old name is gone from them. */
  applicant = hall_store_find_applicant (fixture->store, id, &error);
  g_assert_nonnull (applicant);
  hall_applicant_set_name (applicant, "王小芳");
  g_assert_true (hall_store_save_applicant (fixture->store, applicant, &error));
  g_assert_no_error (error);
  assert_finds (fixture, "王芳", "");
  assert_finds (fixture, "小芳", "王小芳");
  assert_finds (fixture, "王小芳", "王小芳");
}

static void
on_searched (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GPtrArray **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = hall_store_search_cases_finish (HALL_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_search_async (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GPtrArray) found = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  hall_store_search_cases_async (fixture->store, "张伟", 10, NULL, on_searched, &found);
  while (found == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (found);
  g_assert_cmpuint (found->len, ==, 2);
}

/* Every plan (seek per candidate, walk of case_search with a test per row,
 * walk with a candidate set for the full-text routes) must give what a plain
 * scan gives. Rows are written
 * straight into the database, as many as it takes to reach each plan. */
static void
fill_bulk (const char *path,
           guint       n)
{
  static const char *surnames[] = { "张", "王", "李", "赵", "刘", "陈" };
  static const char *given[] = { "伟", "芳", "娜", "明", "磊", "静", "强", "丽" };
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) app = NULL;
  g_autoptr (sqlite3_stmt) bigrams = NULL;
  g_autoptr (sqlite3_stmt) trigrams = NULL;
  g_autoptr (sqlite3_stmt) kase = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (hall_store_register_functions (db, NULL));
  g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicants (uuid, kind, name, id_type, id_number,"
                                       " phone, created_at, updated_at) VALUES (?1, 'person', ?2,"
                                       " 'resident_id', ?3, ?4, 1, 1)",
                                       -1, &app, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicant_bigrams (rowid, bigrams)"
                                       " VALUES (?1, hall_name_bigrams (?2))",
                                       -1, &bigrams, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO applicant_trigrams (rowid, name, phone, id_number)"
                                       " VALUES (?1, ?2, ?3, ?4)",
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
      g_autofree char *name = g_strconcat (surnames[i % 6], given[(i / 6) % 8],
                                           i % 3 ? given[(i / 48) % 8] : "", NULL);
      g_autofree char *birth = g_strdup_printf ("19%02u0101", 40 + i % 50);
      g_autofree char *id = resident_id ("640104", birth, i / 50);
      g_autofree char *phone = g_strdup_printf ("186%08u", (i * 7919) % 100000000);
      /* Creation times out of step with the applicants' order, and, as
       * the store draws them, case numbers in step with the times. */
      guint t = (i * 104729) % (n * 3);
      g_autofree char *number = g_strdup_printf ("YC-2025-C%02u-%06u", i % 7, t);
      gint64 rowid;

      sqlite3_bind_text (app, 1, uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 3, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (app, 4, phone, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (app), ==, SQLITE_DONE);
      sqlite3_reset (app);
      rowid = sqlite3_last_insert_rowid (db);

      sqlite3_bind_int64 (bigrams, 1, rowid);
      sqlite3_bind_text (bigrams, 2, name, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (bigrams), ==, SQLITE_DONE);
      sqlite3_reset (bigrams);
      sqlite3_bind_int64 (trigrams, 1, rowid);
      sqlite3_bind_text (trigrams, 2, name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (trigrams, 3, phone, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (trigrams, 4, id, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (trigrams), ==, SQLITE_DONE);
      sqlite3_reset (trigrams);

      sqlite3_bind_text (kase, 1, case_uuid, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (kase, 2, number, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (kase, 3, t);
      sqlite3_bind_int64 (kase, 4, rowid);
      sqlite3_bind_int64 (kase, 5, 1700000000 + t);
      g_assert_cmpint (sqlite3_step (kase), ==, SQLITE_DONE);
      sqlite3_reset (kase);
    }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
assert_same_as_scan (HallStore  *store,
                     const char *path,
                     const char *query,
                     const char *where)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = hall_store_search_cases (store, query, 50, &error);
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT c.uuid FROM cases c NOT INDEXED"
                                          " JOIN applicants a ON a.id = c.applicant_id"
                                          " WHERE %s ORDER BY c.created_at DESC, c.id DESC"
                                          " LIMIT 50",
                                          where);
  guint i = 0;
  int rc;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (i >= found->len)
        g_error ("“%s” found %u cases, the scan more", query, found->len);
      g_assert_cmpstr (hall_case_get_uuid (found->pdata[i]), ==,
                       (const char *) sqlite3_column_text (stmt, 0));
      i++;
    }
  if (rc != SQLITE_DONE)
    g_error ("the scan for “%s” failed: %s", query, sqlite3_errmsg (db));
  if (i != found->len)
    g_error ("“%s” found %u cases, the scan %u", query, found->len, i);
}

/* A second case with the tail 7, as @counter's case with it, on @other. */
static void
copy_case_to_counter (const char *path,
                      const char *counter,
                      const char *other)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *from = g_strdup_printf ("-%s-", counter);
  g_autofree char *to = g_strdup_printf ("-%s-", other);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO cases (uuid, number, seq, service_id,"
                                       " applicant_id, state, created_at, updated_at)"
                                       " SELECT ?1, replace (number, ?2, ?3), seq, service_id,"
                                       " applicant_id, state, created_at + 1, updated_at"
                                       " FROM cases WHERE seq = 7 AND instr (number, ?2) > 0",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, to, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
}

static void
test_search_plans (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-search-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
  g_autoptr (HallStore) store = NULL;

  /* Create the schema, fill, open again. */
  store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  fill_bulk (path, 24000);

  /* All 24000: walked, a test per row of case_search. */
  assert_same_as_scan (store, path, "6401041", "substr (a.id_number, 1, 7) = '6401041'");
  /* Born in the 1980s: 4800, walked too. */
  assert_same_as_scan (store, path, "640104198", "substr (a.id_number, 1, 9) = '640104198'");
  /* Born in 1985: 480, walked (256 or fewer, as "1860000" or "伟明", are sought). */
  assert_same_as_scan (store, path, "6401041985", "substr (a.id_number, 1, 10) = '6401041985'");
  assert_same_as_scan (store, path, "1860000", "substr (a.phone, 1, 7) = '1860000'");
  assert_same_as_scan (store, path, "18600", "substr (a.phone, 1, 5) = '18600' OR c.seq = 18600");
  assert_same_as_scan (store, path, "张", "substr (a.name, 1, 1) = '张'");
  assert_same_as_scan (store, path, "张伟", "instr (a.name, '张伟') > 0");
  assert_same_as_scan (store, path, "伟明", "instr (a.name, '伟明') > 0");
  assert_same_as_scan (store, path, "王芳娜", "instr (a.name, '王芳娜') > 0");
  assert_same_as_scan (store, path, "YC-2025-C03", "substr (c.number, 1, 11) = 'YC-2025-C03'");
  assert_same_as_scan (store, path, "YC-2025-C0", "substr (c.number, 1, 10) = 'YC-2025-C0'");
  assert_same_as_scan (store, path, "YC-", "substr (c.number, 1, 3) = 'YC-'");
  assert_same_as_scan (store, path, "YC-2025-C03-0001",
                       "substr (c.number, 1, 16) = 'YC-2025-C03-0001'");
  /* A tail read out with its counter, "C02-7", where another counter's case
   * has the same tail: only the counter's. */
  copy_case_to_counter (path, "C02", "C05");
  assert_same_as_scan (store, path, "C02-7", "c.seq = 7 AND instr (c.number, '-C02-') > 0");
  assert_same_as_scan (store, path, "C05-000007", "c.seq = 7 AND instr (c.number, '-C05-') > 0");
  assert_same_as_scan (store, path, "7", "c.seq = 7");

  g_clear_object (&store);
  g_remove (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
  }
  g_rmdir (dir);
}

static void
exec_sql (const char *path,
          const char *sql)
{
  g_autoptr (sqlite3) db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (hall_store_register_functions (db, NULL));
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static gint64
query_int64 (const char *path,
             const char *sql)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* case_bigrams (schema 16) holds each case's name bigrams and nothing
 * else: every pair of CJK characters of each name in case_search, once,
 * and no row left over from an old name, a moved case or a deleted one. */
static void
assert_bigrams_follow (const char *path)
{
  const char *expected = "SELECT DISTINCT substr (s.name, p.n, 2) AS bigram, s.created_at, s.id"
                         " FROM case_search s JOIN search_positions p ON p.n < length (s.name)"
                         " WHERE unicode (substr (s.name, p.n, 1)) >= 11904"
                         " AND unicode (substr (s.name, p.n + 1, 1)) >= 11904";
  g_autofree char *n_expected = g_strdup_printf ("SELECT count(*) FROM (%s)", expected);
  g_autofree char *n_both = g_strdup_printf ("SELECT count(*) FROM (%s) e JOIN case_bigrams b"
                                             " USING (bigram, created_at, id)", expected);
  gint64 n = query_int64 (path, n_expected);

  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (query_int64 (path, "SELECT count(*) FROM case_bigrams"), ==, n);
  g_assert_cmpint (query_int64 (path, n_both), ==, n);
}

/* Broad queries walk case_search (schema 14), which holds each case's
 * applicant keys: it must follow every change to cases and applicants, or
 * a broad search finds an old phone, misses a moved case or shows a
 * deleted one. Each change below is made in SQL, as any writer would,
 * and the broad query (over 256 candidates: the walk) and a narrow one
 * (the seek) are checked against a scan of cases joined to applicants. */
static void
test_search_keys_follow (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-search-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr (HallStore) store = NULL;

  store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  fill_bulk (path, 6000);
  g_assert_cmpint (query_int64 (path, "SELECT count(*) FROM case_search"), ==, 6000);

  /* Phones corrected: 600 applicants get 1771 numbers. */
  exec_sql (path, "UPDATE applicants SET phone = '1771' || substr (phone, 5) WHERE id % 10 = 3");
  assert_same_as_scan (store, path, "1771", "substr (a.phone, 1, 4) = '1771'");
  assert_same_as_scan (store, path, "17710", "substr (a.phone, 1, 5) = '17710'");
  /* Their old numbers are gone from the walk. */
  assert_same_as_scan (store, path, "186", "substr (a.phone, 1, 3) = '186'");

  /* Renamed: 1,000 applicants become 钱 (the B-tree prefix route). */
  exec_sql (path,
            "UPDATE applicants SET name = '钱' || substr (name, 2) WHERE id % 6 = 1;"
            /* The store rewrites the bigrams in code; SQL has to as well. */
            "INSERT INTO applicant_bigrams (applicant_bigrams) VALUES ('delete-all');"
            "INSERT INTO applicant_bigrams (rowid, bigrams)"
            "  SELECT id, hall_name_bigrams (name) FROM applicants;");
  assert_same_as_scan (store, path, "钱", "substr (a.name, 1, 1) = '钱'");
  assert_same_as_scan (store, path, "张", "substr (a.name, 1, 1) = '张'");

  /* Cases moved to another applicant (as merging duplicates does),
   * deleted, and a case that arrived before its applicant. */
  exec_sql (path, "UPDATE cases SET applicant_id = 1 WHERE id % 9 = 4");
  exec_sql (path, "DELETE FROM cases WHERE id % 7 = 2");
  exec_sql (path,
            "INSERT INTO cases (uuid, number, seq, service_id, applicant_id, state, created_at,"
            " updated_at) VALUES ('00000000-0000-4000-8000-000000000001', 'YC-2027-C01-000001',"
            " 1, 'x', 90001, 'received', 1800000000, 1800000000);"
            "INSERT INTO applicants (id, uuid, kind, name, id_type, id_number, phone, created_at,"
            " updated_at) VALUES (90001, '00000000-0000-4000-8000-000000000002', 'person',"
            " '张后来', 'resident_id', '640104199901010012', '17719999999', 1, 1);");
  g_assert_cmpint (query_int64 (path, "SELECT count(*) FROM case_search"), ==,
                   query_int64 (path, "SELECT count(*) FROM cases"));
  g_assert_cmpint (query_int64 (path,
                                "SELECT count(*) FROM case_search k JOIN cases c ON c.id = k.id"
                                " JOIN applicants a ON a.id = c.applicant_id"
                                " WHERE k.created_at = c.created_at AND k.applicant_id = a.id"
                                " AND k.phone = coalesce (a.phone, '') AND k.name = a.name"
                                " AND k.id_number = a.id_number"),
                   ==, query_int64 (path, "SELECT count(*) FROM cases"));
  assert_same_as_scan (store, path, "张", "substr (a.name, 1, 1) = '张'");
  assert_same_as_scan (store, path, "张伟", "instr (a.name, '张伟') > 0");
  assert_same_as_scan (store, path, "后来", "instr (a.name, '后来') > 0");
  assert_bigrams_follow (path);
  assert_same_as_scan (store, path, "1771", "substr (a.phone, 1, 4) = '1771'");
  assert_same_as_scan (store, path, "17719999999", "a.phone = '17719999999'");
  assert_same_as_scan (store, path, "640104", "substr (a.id_number, 1, 6) = '640104'");

  /* An applicant removed takes its cases' keys along. */
  exec_sql (path, "DELETE FROM applicants WHERE id = 90001");
  g_assert_cmpint (query_int64 (path, "SELECT count(*) FROM case_search WHERE applicant_id = 90001"),
                   ==, 0);
  assert_bigrams_follow (path);

  g_clear_object (&store);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

/* A search whose keystroke was overtaken stops inside SQLite (a progress
 * handler on the reader) and says it was cancelled; the reader it used
 * goes back to the pool without the handler, so the next broad search on
 * it, with no cancellable at all, finds what it should. */
static void
test_search_cancelled (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hall-search-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr (HallStore) store = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) found = NULL;

  store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  fill_bulk (path, 24000);

  /* All 24000 match: walking them takes thousands of steps, stopped. */
  g_cancellable_cancel (cancellable);
  found = _hall_store_search_cases_cancellable (store, "6401041", 50, cancellable, &error);
  g_assert_null (found);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  found = hall_store_search_cases (store, "6401041", 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 50);

  g_clear_object (&store);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hall/search/classify", test_classify);
  g_test_add_func ("/hall/search/bigrams", test_bigrams);
  g_test_add ("/hall/search/kinds", Fixture, NULL, fixture_set_up, test_search_kinds,
              fixture_tear_down);
  g_test_add ("/hall/search/quotes", Fixture, NULL, fixture_set_up, test_search_quotes,
              fixture_tear_down);
  g_test_add ("/hall/search/order", Fixture, NULL, fixture_set_up, test_search_order,
              fixture_tear_down);
  g_test_add ("/hall/search/renamed", Fixture, NULL, fixture_set_up, test_search_renamed,
              fixture_tear_down);
  g_test_add ("/hall/search/async", Fixture, NULL, fixture_set_up, test_search_async,
              fixture_tear_down);
  g_test_add_func ("/hall/search/plans", test_search_plans);
  g_test_add_func ("/hall/search/cancelled", test_search_cancelled);
  g_test_add_func ("/hall/search/keys-follow", test_search_keys_follow);

  return g_test_run ();
}
