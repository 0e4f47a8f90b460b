/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hall-case-copy.h"
#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-signing.h"
#include "hall-store-migrations.h"
#include "hall-store-sync-private.h"
#include "hall-store-test-hooks.h"
#include "hall-test-files.h"

typedef struct
{
  char        *dir;
  char        *path;
  HallCatalog *catalog;
  HallService *service;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("hall-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  g_assert_nonnull (fixture->service);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->catalog);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
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

static HallStore *
open_store (const char *path,
            const char *counter)
{
  g_autoptr (GError) error = NULL;
  HallStore *store = hall_store_open (path, "YC", counter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static HallCase *
create_case (HallStore     *store,
             HallService   *service,
             HallApplicant *applicant)
{
  g_autoptr (GError) error = NULL;
  HallCase *kase = hall_case_new ();

  hall_case_set_official (kase, "wang.fang");
  g_assert_true (hall_store_create_case (store, applicant, service, kase, &error));
  g_assert_no_error (error);
  return kase;
}

static gint64
query_int (const char *path,
           const char *sql)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (const char *path,
            const char *sql)
{
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
test_open (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autofree char *mode = NULL;
  g_autofree char *url = NULL;

  g_assert_cmpint (hall_store_get_schema_version (store), ==, HALL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);
  mode = query_text (fixture->path, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpstr (hall_store_get_counter (store), ==, "C03");
  g_assert_cmpuint (hall_store_count_cases (store), ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);

  {
    g_autoptr (GError) error = NULL;
    g_autofree char *other = g_build_filename (fixture->dir, "bad.db", NULL);
    HallStore *bad = hall_store_open (other, "YC", "C-03", &error);

    g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS);
    g_assert_null (bad);
  }

  g_assert_true (hall_store_set_meta (store, "server_url", "https://hall.example", NULL));
  url = hall_store_get_meta (store, "server_url");
  g_assert_cmpstr (url, ==, "https://hall.example");
  g_assert_null (hall_store_get_meta (store, "nothing"));
}

/* Builds a database of @version with one applicant and one case (and, from
 * version 2, its "created" event), as that version wrote them. */
static void
make_old_database (const char *path,
                   int         version)
{
  g_autoptr (sqlite3) db = NULL;
  g_autofree char *id = resident_id (7);
  g_autofree char *sql = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (hall_store_register_functions (db, NULL));
  for (int v = 1; v <= version; v++)
    g_assert_cmpint (sqlite3_exec (db, hall_store_migration_get_sql (v), NULL, NULL, NULL), ==,
                     SQLITE_OK);

  sql = g_strdup_printf (
    "INSERT INTO applicants (id, uuid, kind, name, id_type, id_number, phone, version,"
    " created_at, updated_at) VALUES (1, '6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f', 'person',"
    " '张伟明', 'resident_id', '%s', '13800000007', 0, 1700000000, 1700000000);"
    "INSERT INTO cases (id, uuid, number, seq, service_id, service_name, applicant_id, state,"
    " created_at, promised_at, updated_at, counter, official, checklist)"
    " VALUES (1, '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'YC-2023-C01-000041', 41,"
    " 'company_business_license', 'Company business license', 1, 'received', 1700000000,"
    " 1700014400, 1700000000, 'C01', 'wang.fang', '[{\"id\":\"a\",\"provided\":true}]');"
    "INSERT INTO case_sequences VALUES ('C01', 2023, 41);",
    id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  if (version >= 2)
    {
      g_assert_cmpint (sqlite3_exec (db,
                                     "INSERT INTO case_events (uuid, case_id, kind, official, at)"
                                     " VALUES ('1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', 1,"
                                     " 'created', 'wang.fang', 1700000000);",
                                     NULL, NULL, NULL),
                       ==, SQLITE_OK);
      /* v2 wrote the indexes along with the row. */
      g_assert_cmpint (sqlite3_exec (db,
                                     "DELETE FROM applicant_bigrams; DELETE FROM applicant_trigrams;"
                                     "INSERT INTO applicant_bigrams (rowid, bigrams)"
                                     " SELECT id, hall_name_bigrams (name) FROM applicants;"
                                     "INSERT INTO applicant_trigrams (rowid, name, phone, id_number)"
                                     " SELECT id, name, phone, id_number FROM applicants;",
                                     NULL, NULL, NULL),
                       ==, SQLITE_OK);
    }
  g_free (sql);
  sql = g_strdup_printf ("PRAGMA user_version = %d", version);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
}

static void
test_migrate (Fixture       *fixture,
              gconstpointer  data)
{
  int from = GPOINTER_TO_INT (data);
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = resident_id (7);

  if (from == 0)
    {
      /* An empty file, as a crash right after creating it leaves one. */
      g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));
      store = open_store (fixture->path, "C01");
      g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                       HALL_STORE_SCHEMA_VERSION);
      g_assert_cmpuint (hall_store_count_cases (store), ==, 0);
      return;
    }

  make_old_database (fixture->path, from);
  store = open_store (fixture->path, "C01");
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);

  kase = hall_store_get_case_by_number (store, "YC-2023-C01-000041", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_applicant_name (kase), ==, "张伟明");
  g_assert_cmpint (hall_case_get_promised_at (kase), ==, 1700014400);
  g_assert_cmpint (hall_case_get_sync_state (kase), ==, HALL_SYNC_PENDING);
  g_assert_cmpuint (json_array_get_length (hall_case_get_checklist (kase)), ==, 1);
  g_assert_cmpuint (hall_store_count_cases (store), ==, 1);

  applicant = hall_store_find_applicant (store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (applicant);
  g_assert_cmpstr (hall_applicant_get_phone (applicant), ==, "13800000007");

  /* Version 14's search keys were filled from the cases and applicants. */
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM case_search"
                              " WHERE id_number = (SELECT id_number FROM applicants)"
                              " AND name = '张伟明'"
                              " AND phone = '13800000007' AND created_at = 1700000000"),
                   ==, 1);

  /* The indexes of version 2 were filled from the rows of version 1. */
  found = hall_store_search_cases (store, "伟明", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);

  /* Nothing of the old data was ever sent: it is queued now, applicant
   * first. */
  outbox = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, from >= 2 ? 3 : 2);
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[0])->entity, ==, "applicant");
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[1])->entity, ==, "case");

  /* The sequence carried on. */
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT last_seq FROM case_sequences WHERE counter = 'C01'"),
                   ==, 41);
}

/* A case of version 2 that had moved on: queued as it was taken in, then
 * its moves, so that the server, which holds moves to one rule, replays
 * them from where they started. */
static void
test_migrate_moved (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (sqlite3) db = NULL;
  g_autoptr (GError) error = NULL;

  make_old_database (fixture->path, 2);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO case_events (uuid, case_id, kind, new_state, official,"
                                 " at) VALUES ('2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e', 1, 'state',"
                                 " 'in_review', 'li.na', 1700000100);"
                                 "UPDATE cases SET state = 'in_review' WHERE id = 1;",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_clear_pointer (&db, hall_sqlite3_close);

  store = open_store (fixture->path, "C01");
  kase = hall_store_get_case_by_number (store, "YC-2023-C01-000041", &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_state (kase), ==, HALL_CASE_IN_REVIEW);

  outbox = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 4);
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[1])->entity, ==, "case");
  body = json_from_string (((HallOutboxItem *) outbox->pdata[1])->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "state"), ==,
                   "received");
  g_clear_pointer (&body, json_node_unref);
  body = json_from_string (((HallOutboxItem *) outbox->pdata[3])->body, &error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "state"), ==,
                   "in_review");
}

/* Version 3 had the outbox already: a case still waiting in it is not
 * queued a second time, and a conflict it recorded is listed with the
 * server's version. */
static void
test_migrate_v3 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;

  make_old_database (fixture->path, 3);
  {
    g_autoptr (sqlite3) db = NULL;

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db,
                                   "UPDATE applicants SET version = 1, sync_state = 'conflict';"
                                   "UPDATE cases SET sync_state = 'conflict';"
                                   "INSERT INTO outbox (uuid, method, path, body, entity,"
                                   " entity_uuid, owner_uuid, created_at) VALUES"
                                   " ('8a1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f', 'PUT',"
                                   " '/v1/cases/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', '{}',"
                                   " 'case', '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',"
                                   " '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 1700000000);"
                                   "INSERT INTO conflicts (entity, entity_uuid, outbox_uuid,"
                                   " local_json, server_json, created_at) VALUES ('applicant',"
                                   " '6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f',"
                                   " '7a1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f',"
                                   " '{\"name\": \"张伟明\", \"version\": 1}',"
                                   " '{\"name\": \"张伟\", \"version\": 4}', 1700000000);",
                                   NULL, NULL, NULL),
                     ==, SQLITE_OK);
  }

  store = open_store (fixture->path, "C01");
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 1);

  conflicts = hall_store_list_conflicts (store, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (hall_conflict_get_server_version (conflicts->pdata[0]), ==, 4);
  g_assert_cmpstr (hall_conflict_get_entity (conflicts->pdata[0]), ==, "applicant");
}

/* Version 4's outbox had three indexes keyed by random UUIDs. Its rows
 * keep their order and their seq, only the owner's index is left, and the
 * sequence carries on past rows acknowledged before: a new change is
 * queued after them. */
static void
test_migrate_v4 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = NULL;
  static const gint64 seqs[] = { 5, 9, 12 };

  make_old_database (fixture->path, 4);
  {
    g_autoptr (sqlite3) db = NULL;

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db,
                                   "INSERT INTO outbox (seq, uuid, method, path, body, entity,"
                                   " entity_uuid, owner_uuid, base_version, attempts, last_error,"
                                   " created_at) VALUES"
                                   " (5, 'a0000000-0000-4000-8000-000000000005', 'PUT',"
                                   " '/v1/applicants/6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f',"
                                   " '{\"n\":5}', 'applicant',"
                                   " '6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f',"
                                   " '6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f', 0, 2, 'offline',"
                                   " 1700000000),"
                                   " (9, 'a0000000-0000-4000-8000-000000000009', 'PUT',"
                                   " '/v1/cases/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',"
                                   " '{\"n\":9}', 'case', '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',"
                                   " '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 3, 0, NULL,"
                                   " 1700000001),"
                                   " (12, 'a0000000-0000-4000-8000-000000000012', 'POST',"
                                   " '/v1/cases/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/events',"
                                   " '{\"n\":12}', 'event', '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',"
                                   " '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 0, 0, NULL,"
                                   " 1700000002);"
                                   "UPDATE sqlite_sequence SET seq = 20 WHERE name = 'outbox';",
                                   NULL, NULL, NULL),
                     ==, SQLITE_OK);
  }

  store = open_store (fixture->path, "C01");
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM sqlite_master"
                              " WHERE type = 'index' AND tbl_name = 'outbox'"), ==, 1);

  outbox = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      HallOutboxItem *item = outbox->pdata[i];
      g_autofree char *body = g_strdup_printf ("{\"n\":%" G_GINT64_FORMAT "}", seqs[i]);

      g_assert_cmpint (item->seq, ==, seqs[i]);
      g_assert_cmpstr (item->body, ==, body);
    }
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[0])->last_error, ==, "offline");
  g_assert_cmpuint (((HallOutboxItem *) outbox->pdata[0])->attempts, ==, 2);
  g_assert_cmpint (((HallOutboxItem *) outbox->pdata[1])->base_version, ==, 3);
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[2])->entity_uuid, ==,
                   "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
  g_clear_pointer (&outbox, g_ptr_array_unref);

  {
    g_autoptr (HallApplicant) applicant = person ("李娜", 8);

    kase = create_case (store, fixture->service, applicant);
  }
  outbox = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 6);
  g_assert_cmpint (((HallOutboxItem *) outbox->pdata[3])->seq, ==, 21);

  /* Taken by seq: the acknowledged row goes, the others stay. */
  g_assert_true (hall_store_ack_outbox (store, outbox->pdata[1], 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 5);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM outbox WHERE seq = 9"), ==, 0);
}

/* Version 5 took a second applicant with a number another had: both
 * stay, readable and writable, the one the server knows holds the
 * document, a new one with it is refused; conflicts keep their rows and
 * are of the kind "changed". */
static void
test_migrate_v5 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallApplicant) older = NULL;
  g_autoptr (HallApplicant) younger = NULL;
  g_autoptr (HallApplicant) third = NULL;
  g_autoptr (HallApplicant) holder = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = resident_id (7);

  make_old_database (fixture->path, 5);
  {
    g_autoptr (sqlite3) db = NULL;
    g_autofree char *sql = g_strdup_printf (
      "INSERT INTO applicants (id, uuid, kind, name, id_type, id_number, phone, version,"
      " sync_state, created_at, updated_at) VALUES (2, '7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70',"
      " 'person', '张伟明', 'resident_id', '%s', '13900000008', 3, 'synced', 1700000100,"
      " 1700000100);"
      "INSERT INTO conflicts (entity, entity_uuid, outbox_uuid, local_json, server_json,"
      " created_at, server_version) VALUES ('applicant',"
      " '6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f', '7a1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f',"
      " '{\"name\": \"张伟明\"}', '{\"name\": \"张伟\", \"version\": 4}', 1700000000, 4);",
      id);

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }

  store = open_store (fixture->path, "C01");
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);
  older = hall_store_get_applicant (store, "6f1c0b7e-8c55-4d8a-9d7e-1d2b3c4d5e6f", &error);
  g_assert_no_error (error);
  younger = hall_store_get_applicant (store, "7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70", &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM applicants"
                              " WHERE identity IS NOT NULL"), ==, 1);
  holder = hall_store_find_applicant_by_identity (store, older, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_uuid (holder), ==, "7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70");

  /* The duplicate that holds nothing changes what else it likes. */
  hall_applicant_set_phone (older, "13700000007");
  g_assert_true (hall_store_save_applicant (store, older, &error));
  g_assert_no_error (error);

  third = hall_applicant_new_person ("张伟明", HALL_ID_TYPE_RESIDENT_ID, id, "13600000000");
  g_assert_false (hall_store_save_applicant (store, third, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "7a2d1c8f-9d66-4e9b-8e8f-2e3c4d5e6f70"));
  g_clear_error (&error);

  conflicts = hall_store_list_conflicts (store, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (hall_conflict_get_kind (conflicts->pdata[0]), ==, HALL_CONFLICT_CHANGED);
  g_assert_cmpint (hall_conflict_get_server_version (conflicts->pdata[0]), ==, 4);
}

/* Version 7 keeps the server's record beside the counter's claim. Rows of
 * version 6 have none (the server has not said it here): they keep their
 * claim, get NULL for the record, and the feed is read again from its
 * start so that the pull brings the records of what it had brought. */
static void
test_migrate_v6 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *cursor = NULL;

  make_old_database (fixture->path, 6);
  {
    g_autoptr (sqlite3) db = NULL;

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db,
                                   "UPDATE applicants SET version = 1, sync_state = 'synced';"
                                   "UPDATE cases SET version = 1, sync_state = 'synced';"
                                   "INSERT INTO meta (key, value) VALUES ('cursor', '42'),"
                                   " ('server_url', 'https://hall.example');",
                                   NULL, NULL, NULL),
                     ==, SQLITE_OK);
  }

  store = open_store (fixture->path, "C01");
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   HALL_STORE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM cases"
                              " WHERE recorded_by IS NULL AND recorded_at IS NULL"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM case_events"
                              " WHERE recorded_by IS NULL AND recorded_at IS NULL"), ==, 1);

  kase = hall_store_get_case_by_number (store, "YC-2023-C01-000041", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_official (kase), ==, "wang.fang");
  g_assert_cmpint (hall_case_get_created_at (kase), ==, 1700000000);
  g_assert_null (hall_case_get_recorded_by (kase));
  g_assert_cmpint (hall_case_get_recorded_at (kase), ==, 0);
  g_assert_cmpint (hall_case_get_version (kase), ==, 1);
  g_assert_cmpint (hall_case_get_sync_state (kase), ==, HALL_SYNC_SYNCED);
  events = hall_store_list_case_events (store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (hall_case_event_get_official (events->pdata[0]), ==, "wang.fang");
  g_assert_null (hall_case_event_get_recorded_by (events->pdata[0]));

  /* Nothing queued: the rows were synced. The feed starts over; the rest
   * of the meta stays. */
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);
  cursor = hall_store_get_meta (store, "cursor");
  g_assert_null (cursor);
  g_free (cursor);
  cursor = hall_store_get_meta (store, "server_url");
  g_assert_cmpstr (cursor, ==, "https://hall.example");
}

static void
test_migrate_newer (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStore) store = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  {
    g_autoptr (sqlite3) db = NULL;
    g_autofree char *sql = g_strdup_printf ("CREATE TABLE future (x); PRAGMA user_version = %d",
                                            HALL_STORE_SCHEMA_VERSION + 1);

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  g_assert_true (g_file_get_contents (fixture->path, &before, &before_len, NULL));

  store = hall_store_open (fixture->path, "YC", "C03", &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SCHEMA);
  g_assert_null (store);
  g_assert_nonnull (strstr (error->message, "newer Service Hall"));

  g_assert_true (g_file_get_contents (fixture->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_case_numbers (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *other_path = g_build_filename (fixture->dir, "other.db", NULL);
  g_autoptr (HallApplicant) applicant = person ("张伟明", 1);
  g_autoptr (GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int year = g_date_time_get_year (now);

  {
    g_autoptr (HallStore) store = open_store (fixture->path, "C03");
    g_autoptr (HallStore) other = open_store (other_path, "C04");

    for (guint i = 1; i <= 3; i++)
      {
        g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
        g_autoptr (HallCase) their = create_case (other, fixture->service, applicant);
        g_autofree char *expected = g_strdup_printf ("YC-%d-C03-%06u", year, i);

        g_assert_cmpstr (hall_case_get_number (kase), ==, expected);
        g_assert_true (g_hash_table_add (numbers, g_strdup (hall_case_get_number (kase))));
        g_assert_true (g_hash_table_add (numbers, g_strdup (hall_case_get_number (their))));
        g_assert_cmpint (hall_case_get_promised_at (kase), ==,
                         hall_calendar_promise (hall_catalog_get_calendar (fixture->catalog),
                                                hall_service_get_promised_minutes (
                                                  fixture->service),
                                                hall_case_get_created_at (kase)));
        g_assert_cmpuint (json_array_get_length (hall_case_get_checklist (kase)), ==,
                          hall_service_get_n_documents (fixture->service));
      }
  }

  /* Re-opened, the counter carries on where it was. */
  {
    g_autoptr (HallStore) store = open_store (fixture->path, "C03");
    g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
    g_autofree char *expected = g_strdup_printf ("YC-%d-C03-%06u", year, 4);

    g_assert_cmpstr (hall_case_get_number (kase), ==, expected);
    g_assert_cmpuint (hall_store_count_cases (store), ==, 4);
  }
}

static void
test_checklist_from_caller (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("李娜", 2);
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (JsonArray) checklist = json_array_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *item = json_object_new ();

  json_object_set_string_member (item, "id", "id_card");
  json_object_set_boolean_member (item, "provided", TRUE);
  json_array_add_object_element (checklist, item);
  hall_case_set_checklist (kase, checklist);

  g_assert_true (hall_store_create_case (store, applicant, fixture->service, kase, &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (hall_case_get_checklist (stored)), ==, 1);
  g_assert_true (json_object_get_boolean_member (
    json_array_get_object_element (hall_case_get_checklist (stored), 0), "provided"));
}

/* A case taken in for a queue ticket starts its clock when the citizen
 * took the ticket, within a working day, never in the future. */
static void
test_case_started_at (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const struct
  {
    gint64   started;
    gboolean kept;
  } cases[] = {
    { now - 25 * 60, TRUE },
    { now - 13 * 3600, FALSE },
    { now + 600, FALSE },
    { 0, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (HallApplicant) applicant = person ("李娜", 10 + i);
      g_autoptr (HallCase) kase = hall_case_new ();
      g_autoptr (HallCase) stored = NULL;
      g_autoptr (GError) error = NULL;

      hall_case_set_created_at (kase, cases[i].started);
      g_assert_true (hall_store_create_case (store, applicant, fixture->service, kase, &error));
      g_assert_no_error (error);
      stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
      g_assert_no_error (error);
      if (cases[i].kept)
        g_assert_cmpint (hall_case_get_created_at (stored), ==, cases[i].started);
      else
        g_assert_cmpint (ABS (hall_case_get_created_at (stored) - now), <=, 5);
      g_assert_cmpint (hall_case_get_promised_at (stored), ==,
                       hall_service_get_promised_at (fixture->service,
                                                     hall_case_get_created_at (stored)));
    }
}

static void
test_rollback (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) first = person ("王芳", 3);
  g_autoptr (HallApplicant) second = person ("赵磊", 4);
  g_autoptr (HallCase) kase = create_case (store, fixture->service, first);
  g_autoptr (HallCase) clash = hall_case_new ();
  g_autoptr (HallCase) next = NULL;
  g_autoptr (HallApplicant) found = NULL;
  g_autoptr (GError) error = NULL;
  guint outbox = hall_store_count_outbox (store);
  gint64 seq = query_int (fixture->path, "SELECT last_seq FROM case_sequences");

  /* The same uuid as a stored case: the insert of the case fails after the
   * new applicant and the case number were written in the transaction. */
  hall_case_set_uuid (clash, hall_case_get_uuid (kase));
  g_assert_false (hall_store_create_case (store, second, fixture->service, clash, &error));
  g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_CONSTRAINT);
  g_clear_error (&error);

  g_assert_null (hall_case_get_number (clash));
  g_assert_cmpuint (hall_store_count_cases (store), ==, 1);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, outbox);
  g_assert_cmpint (query_int (fixture->path, "SELECT last_seq FROM case_sequences"), ==, seq);
  found = hall_store_find_applicant (store, hall_applicant_get_id_number (second), &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* And the store goes on as before. */
  next = create_case (store, fixture->service, second);
  g_assert_true (g_str_has_suffix (hall_case_get_number (next), "-000002"));
}

static HallOutboxItem *
outbox_item (GPtrArray *items,
             guint      i)
{
  return items->pdata[i];
}

static void
test_outbox (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("张伟明", 5);
  g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (HallApplicant) stored_applicant = NULL;
  g_autoptr (HallCaseEvent) note = NULL;
  g_autofree char *case_path = g_strdup_printf ("/v1/cases/%s", hall_case_get_uuid (kase));
  g_autofree char *events_path = g_strdup_printf ("%s/events", case_path);
  g_autofree char *applicant_path = g_strdup_printf ("/v1/applicants/%s",
                                                     hall_applicant_get_uuid (applicant));

  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_cmpstr (outbox_item (items, 0)->method, ==, "PUT");
  g_assert_cmpstr (outbox_item (items, 0)->path, ==, applicant_path);
  g_assert_cmpstr (outbox_item (items, 1)->method, ==, "PUT");
  g_assert_cmpstr (outbox_item (items, 1)->path, ==, case_path);
  g_assert_cmpstr (outbox_item (items, 2)->method, ==, "POST");
  g_assert_cmpstr (outbox_item (items, 2)->path, ==, events_path);
  g_assert_true (g_uuid_string_is_valid (outbox_item (items, 1)->uuid));
  g_assert_cmpint (outbox_item (items, 1)->base_version, ==, 0);
  g_assert_cmpint (outbox_item (items, 0)->seq, <, outbox_item (items, 1)->seq);
  body = json_from_string (outbox_item (items, 1)->body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "number"), ==,
                   hall_case_get_number (kase));

  /* Acknowledged one by one; the case is synced only when its event is too. */
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 0), 1, &error));
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 1), 1, &error));
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_PENDING);
  g_assert_cmpint (hall_case_get_version (stored), ==, 1);
  g_clear_object (&stored);
  /* The "created" entry does not move the case: the server answers with
   * the version the case has. */
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 2), 1, &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_SYNCED);
  g_assert_cmpint (hall_case_get_version (stored), ==, 1);
  g_clear_object (&stored);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);
  /* A second acknowledgement of the same row changes nothing. */
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 2), 1, &error));
  g_clear_pointer (&items, g_ptr_array_unref);

  /* An update of an acknowledged applicant names its version (If-Match). */
  stored_applicant = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_applicant_get_version (stored_applicant), ==, 1);
  hall_applicant_set_phone (stored_applicant, "13912345678");
  g_assert_true (hall_store_save_applicant (store, stored_applicant, &error));
  g_assert_no_error (error);
  /* Saving it unchanged queues nothing. */
  g_assert_true (hall_store_save_applicant (store, stored_applicant, &error));
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (outbox_item (items, 0)->base_version, ==, 1);

  /* A transient failure keeps the row first in line. */
  g_assert_true (hall_store_defer_outbox (store, outbox_item (items, 0), "offline", &error));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (outbox_item (items, 0)->attempts, ==, 1);
  g_assert_cmpstr (outbox_item (items, 0)->last_error, ==, "offline");

  /* Refused for good: the applicant's cases show the reason. */
  g_assert_true (hall_store_reject_outbox (store, outbox_item (items, 0), 422,
                                           "phone: not a number", &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_REJECTED);
  g_assert_cmpstr (hall_case_get_sync_error (stored), ==, "phone: not a number");
  g_clear_object (&stored);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* An event that meets a conflict. */
  note = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_STATE);
  hall_case_event_set_new_state (note, HALL_CASE_IN_REVIEW);
  g_assert_true (hall_store_add_case_event (store, note, &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_PENDING);
  g_clear_object (&stored);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (outbox_item (items, 0)->entity, ==, "event");
  g_assert_true (hall_store_record_conflict (store, outbox_item (items, 0), "{\"version\": 7}",
                                             &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_CONFLICT);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM conflicts"), ==, 1);

  {
    g_autoptr (GPtrArray) events = hall_store_list_case_events (store, hall_case_get_uuid (kase),
                                                                &error);

    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 2);
    g_assert_cmpint (hall_case_event_get_kind (events->pdata[0]), ==, HALL_CASE_EVENT_CREATED);
    g_assert_cmpint (hall_case_event_get_kind (events->pdata[1]), ==, HALL_CASE_EVENT_STATE);
  }
}

static gboolean
move_case (HallStore     *store,
           HallCase      *kase,
           HallCaseState  state,
           GError       **error)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                         HALL_CASE_EVENT_STATE);

  hall_case_event_set_new_state (event, state);
  return hall_store_add_case_event (store, event, error);
}

/* A state event moves a case only along the rule both ends share; a move
 * refused writes nothing, not even to the outbox. */
static void
test_state_moves (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("张伟", 21);
  g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (GError) error = NULL;
  guint queued = hall_store_count_outbox (store);

  g_assert_false (move_case (store, kase, HALL_CASE_APPROVED, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Received"));
  g_assert_nonnull (strstr (error->message, "Approved"));
  g_clear_error (&error);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, queued);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM case_events"), ==, 1);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_RECEIVED);
  g_clear_object (&stored);

  g_assert_true (move_case (store, kase, HALL_CASE_IN_REVIEW, &error));
  g_assert_true (move_case (store, kase, HALL_CASE_APPROVED, &error));
  g_assert_true (move_case (store, kase, HALL_CASE_COMPLETED, &error));
  g_assert_no_error (error);

  /* Completed is final. */
  g_assert_false (move_case (store, kase, HALL_CASE_RECEIVED, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Completed"));
  g_clear_error (&error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_COMPLETED);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, queued + 3);
}

static void
test_ack_renumbers_if_match (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("张伟明", 6);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) rest = NULL;
  g_autoptr (GError) error = NULL;

  /* Created and edited before the creation reached the server: once the
   * server has version 1, the edit must say If-Match: 1. */
  g_assert_true (hall_store_save_applicant (store, applicant, &error));
  hall_applicant_set_name (applicant, "张伟");
  g_assert_true (hall_store_save_applicant (store, applicant, &error));
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpint (outbox_item (items, 1)->base_version, ==, 0);
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 0), 1, &error));
  rest = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpint (outbox_item (rest, 0)->base_version, ==, 1);
}

static JsonArray *
parse_array (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_array_ref (json_node_get_array (node));
}

/* A failed read while applying the server's changes must abort them, not
 * be taken for "no such entry": here every read of case_events fails. */
static void
test_apply_changes_read_error (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page = NULL;
  g_autofree char *cursor = NULL;
  sqlite3 *db = NULL;

  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP TABLE case_events;"
                                 "CREATE VIEW case_events AS"
                                 " SELECT json_extract ('not json', '$') AS uuid;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = open_store (fixture->path, "C03");

  page = parse_array (
    "[{\"seq\": 1, \"entity\": \"event\", \"uuid\": \"33333333-4444-4555-8666-777777777777\","
    "  \"version\": 1, \"data\": {\"uuid\": \"33333333-4444-4555-8666-777777777777\","
    "   \"case\": \"22222222-3333-4444-8555-666666666666\", \"kind\": \"created\","
    "   \"official\": \"li.na\", \"at\": \"2026-11-27T08:00:00Z\"}}]");
  g_assert_false (hall_store_apply_changes (store, page, NULL, "1", &error));
  g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL);
  g_assert_nonnull (strstr (error->message, "entry"));
  cursor = hall_store_get_meta (store, "cursor");
  g_assert_null (cursor);
}


/* A page of the feed as a fresh counter's first pull gets it: for each of
 * @n cases from @first on, its applicant (欧阳伟明, with a number of its own), the case
 * and its "created" entry. */
static JsonArray *
first_pull_page (guint first,
                 guint n)
{
  g_autoptr (GString) json = g_string_new ("[");

  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *id = resident_id (i);
      g_autofree char *app = g_strdup_printf ("11111111-2222-4333-8444-%012u", i);
      g_autofree char *kase = g_strdup_printf ("22222222-3333-4444-8555-%012u", i);
      g_autofree char *event = g_strdup_printf ("33333333-4444-4555-8666-%012u", i);

      g_string_append_printf (json,
        "%s{\"entity\": \"applicant\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
        " {\"uuid\": \"%s\", \"kind\": \"person\", \"name\": \"欧阳伟明\","
        "  \"id_type\": \"resident_id\", \"id_number\": \"%s\", \"phone\": \"139%08u\","
        "  \"version\": 1}},"
        " {\"entity\": \"case\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
        " {\"uuid\": \"%s\", \"number\": \"YC-2026-C07-%06u\","
        "  \"service\": \"individual_business_license\", \"applicant\": \"%s\","
        "  \"state\": \"received\", \"counter\": \"C07\", \"version\": 1}},"
        " {\"entity\": \"event\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
        " {\"uuid\": \"%s\", \"case\": \"%s\", \"kind\": \"created\","
        "  \"official\": \"li.na\", \"at\": \"2026-11-27T08:00:00Z\"}}",
        i == first ? "" : ",", app, app, id, i, kase, kase, i + 1, app, event, event, kase);
    }
  g_string_append_c (json, ']');
  return parse_array (json->str);
}

/* A pull begun, and @page of changes stored with @cursor. */
static void
begin_pull_with (HallStore  *store,
                 JsonArray  *page,
                 const char *cursor)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_store_begin_pull (store, &error));
  g_assert_true (hall_store_apply_changes (store, page, NULL, cursor, &error));
  g_assert_no_error (error);
}

static guint
count_found (HallStore  *store,
             const char *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = hall_store_search_cases (store, query, 50, &error);

  g_assert_no_error (error);
  return found->len;
}

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Every way of searching finds the pulled cases: case_search (phone,
 * document and name buckets), case_bigrams (two characters) and the
 * applicants' full-text indexes (three characters and more). */
static void
assert_pulled_found (HallStore  *store,
                     const char *path,
                     guint       n_cases)
{
  g_autofree char *id = resident_id (0);

  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM case_search"), ==, n_cases);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM meta WHERE key = 'search_fill'"),
                   ==, 0);
  g_assert_cmpuint (count_found (store, "伟明"), ==, MIN (n_cases, 50));
  g_assert_cmpuint (count_found (store, "阳伟明"), ==, MIN (n_cases, 50));
  g_assert_cmpuint (count_found (store, "欧阳伟明"), ==, MIN (n_cases, 50));
  g_assert_cmpuint (count_found (store, id), ==, 1);
  g_assert_cmpuint (count_found (store, "13900000000"), ==, 1);
  g_assert_cmpuint (count_found (store, "1390000"), >=, 1);
}

/* A fresh store's first pull writes the search keys of what it pulls once,
 * at its end (none while its pages are applied), and then every search
 * finds the cases. */
static void
test_first_pull_search (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page1 = first_pull_page (0, 30);
  g_autoptr (JsonArray) page2 = first_pull_page (30, 30);

  g_assert_true (hall_store_begin_pull (store, &error));
  g_assert_no_error (error);
  hall_store_apply_changes (store, page1, NULL, "90", &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_apply_changes (store, page2, NULL, "180", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_search"), ==, 0);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM meta"
                                              " WHERE key = 'search_fill'"), ==, 1);
  g_assert_true (hall_store_end_pull (store, &error));
  g_assert_no_error (error);
  assert_pulled_found (store, fixture->path, 60);

  /* The next pull is not a first one: its cases get their keys at once. */
  g_clear_pointer (&page1, json_array_unref);
  page1 = first_pull_page (60, 1);
  begin_pull_with (store, page1, "183");
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_search"), ==, 61);
  g_assert_cmpuint (count_found (store, "13900000060"), ==, 1);
  g_assert_true (hall_store_end_pull (store, &error));
}

/* A first pull cut off between two pages (the counter killed), and the
 * writing of its keys failing before its commit (as a kill there leaves
 * it): the keys are all written when the store is opened again. */
static void
test_first_pull_search_cut_off (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page1 = first_pull_page (0, 20);
  g_autoptr (JsonArray) page2 = first_pull_page (20, 20);

  /* Killed after a page: nothing but the flag says what is missing. */
  begin_pull_with (store, page1, "60");
  g_clear_object (&store);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_search"), ==, 0);
  store = open_store (fixture->path, "C03");
  assert_pulled_found (store, fixture->path, 20);

  /* The next pull goes on row by row, its keys at once. */
  begin_pull_with (store, page2, "120");
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_search"), ==, 40);
  g_assert_true (hall_store_end_pull (store, &error));
}

static void
test_first_pull_search_fill_fails (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page = first_pull_page (0, 25);
  g_autoptr (HallApplicant) walk_in = person ("欧阳伟明", 900);
  g_autoptr (HallCase) taken_in = NULL;

  begin_pull_with (store, page, "75");
  /* An intake while the pull runs. */
  taken_in = create_case (store, fixture->service, walk_in);
  _hall_store_fail_next_search_fill (store);
  g_assert_false (hall_store_end_pull (store, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL);
  g_clear_error (&error);
  /* Rolled back whole: the flag is still there, and only the intake's keys. */
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM meta"
                                              " WHERE key = 'search_fill'"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_search"), ==, 1);
  g_clear_object (&store);

  store = open_store (fixture->path, "C03");
  assert_pulled_found (store, fixture->path, 26);
  g_assert_cmpuint (count_found (store, hall_case_get_number (taken_in)), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM case_bigrams"
                                              " WHERE bigram = '伟明'"), ==, 26);
}

/* The counts the list reads agree with the cases there are. */
static void
assert_counts_true (const char *path)
{
  g_assert_cmpint (count_rows (path, "SELECT n FROM counts WHERE name = 'cases'"), ==,
                   count_rows (path, "SELECT count(*) FROM cases"));
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM"
                                     " (SELECT state, count(*) AS k FROM cases GROUP BY state) g"
                                     " LEFT JOIN counts c ON c.name = 'state:' || g.state"
                                     " WHERE c.n IS NOT g.k"), ==, 0);
}

#define TRIGGERS_SQL                                                                       \
  "SELECT group_concat (name || ': ' || sql, char (10)) FROM"                              \
  " (SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name)"
/* The insert triggers of the tables a first pull loads, in the order they
 * were made, which is the order SQLite fires a table's triggers in. */
#define INSERT_TRIGGERS_ORDER_SQL                                                          \
  "SELECT group_concat (name) FROM (SELECT name FROM sqlite_master WHERE type = 'trigger'" \
  " AND tbl_name IN ('cases', 'applicants', 'case_events') AND sql LIKE '%AFTER INSERT ON%'" \
  " ORDER BY rowid)"

/* A first pull loads without the insert triggers (hall-store-search.c):
 * away while it runs and back as they were at its end, while the counts
 * and keys they keep stay right, with other stores on the same file (as
 * service-hall-ctl beside the app is) writing, or ending the pull, beside
 * it. */
static void
test_first_pull_triggers (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallStore) other = open_store (fixture->path, "C04");
  g_autoptr (HallStore) third = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page1 = first_pull_page (0, 20);
  g_autoptr (JsonArray) page2 = first_pull_page (20, 20);
  g_autoptr (HallApplicant) walk_in = person ("欧阳伟明", 900);
  g_autoptr (HallCase) taken_in = NULL;
  g_autofree char *triggers = query_text (fixture->path, TRIGGERS_SQL);
  g_autofree char *order = query_text (fixture->path, INSERT_TRIGGERS_ORDER_SQL);
  g_autofree char *order_after = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  guint n_entries = 0;

  begin_pull_with (store, page1, "60");
  during = query_text (fixture->path, TRIGGERS_SQL);
  g_assert_null (strstr (during, "cases_count_insert"));
  g_assert_null (strstr (during, "case_events_chain"));
  g_assert_nonnull (strstr (during, "cases_count_delete"));
  assert_counts_true (fixture->path);

  /* The other store learns of the pull as it starts to write. */
  taken_in = create_case (other, fixture->service, walk_in);
  assert_counts_true (fixture->path);
  g_assert_cmpuint (count_found (other, hall_case_get_number (taken_in)), ==, 1);
  /* Its entry carries its hashes, the chain's trigger away. */
  g_assert_true (hall_store_audit_case (other, hall_case_get_number (taken_in), &n_entries,
                                        &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_entries, ==, 1);

  /* A store opened now ends the pull, as after a counter killed half-way;
   * the first one's next page finds the triggers back and counts nothing
   * twice. */
  third = open_store (fixture->path, "C05");
  after = query_text (fixture->path, TRIGGERS_SQL);
  g_assert_cmpstr (after, ==, triggers);
  g_assert_true (hall_store_apply_changes (store, page2, NULL, "120", &error));
  g_assert_no_error (error);
  assert_counts_true (fixture->path);
  g_assert_true (hall_store_end_pull (store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&after, g_free);
  after = query_text (fixture->path, TRIGGERS_SQL);
  g_assert_cmpstr (after, ==, triggers);
  order_after = query_text (fixture->path, INSERT_TRIGGERS_ORDER_SQL);
  g_assert_cmpstr (order_after, ==, order);
  assert_pulled_found (store, fixture->path, 41);
  assert_counts_true (fixture->path);
}

/* A store left in the middle of its first pull by one version and opened
 * by a newer one: its migrations may drop or change the insert triggers by
 * name (version 19 drops two), so they are put back before them. Here the
 * store says it is at version 18, and version 19 runs again. */
static void
test_first_pull_cut_off_then_migrated (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (JsonArray) page = first_pull_page (0, 20);
  g_autofree char *triggers = query_text (fixture->path, TRIGGERS_SQL);
  g_autofree char *after = NULL;
  sqlite3 *db = NULL;

  begin_pull_with (store, page, "60");
  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 18", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);

  store = open_store (fixture->path, "C03");
  after = query_text (fixture->path, TRIGGERS_SQL);
  g_assert_cmpstr (after, ==, triggers);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM meta"
                                              " WHERE key LIKE 'trigger:%'"), ==, 0);
  assert_pulled_found (store, fixture->path, 20);
  assert_counts_true (fixture->path);
}

/* Reads that cannot return an error must still say that they failed,
 * rather than answer 0 cases as if the store were empty. */
static void
test_count_read_error (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  sqlite3 *db = NULL;

  g_clear_object (&store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP TABLE counts;"
                                 "CREATE VIEW counts AS"
                                 " SELECT 'cases' AS name, json_extract ('not json', '$') AS n;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = open_store (fixture->path, "C03");

  g_test_expect_message ("hall-store", G_LOG_LEVEL_WARNING, "*count the cases*");
  g_assert_cmpuint (hall_store_count_cases (store), ==, 0);
  g_test_assert_expected_messages ();
}

static void
test_apply_changes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page = NULL;
  g_autoptr (JsonArray) older = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autofree char *id = resident_id (11);
  g_autofree char *json = NULL;
  g_autofree char *cursor = NULL;
  const char *app = "11111111-2222-4333-8444-555555555555";
  const char *case_uuid = "22222222-3333-4444-8555-666666666666";

  json = g_strdup_printf (
    "[{\"seq\": 1, \"entity\": \"applicant\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"kind\": \"person\", \"name\": \"欧阳娜娜\", \"id_type\": \"resident_id\","
    "   \"id_number\": \"%s\", \"phone\": \"13700000011\", \"version\": 1}},"
    " {\"seq\": 2, \"entity\": \"case\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"number\": \"YC-2026-C07-000009\", \"service\": \"company_business_license\","
    "   \"applicant\": \"%s\", \"state\": \"received\", \"created_at\": \"2026-11-27T08:00:00Z\","
    "   \"promised_at\": \"2026-11-27T12:00:00Z\", \"counter\": \"C07\", \"official\": \"li.na\","
    "   \"checklist\": [], \"version\": 1}},"
    " {\"seq\": 3, \"entity\": \"event\", \"uuid\": \"33333333-4444-4555-8666-777777777777\","
    "  \"version\": 1, \"data\": {\"uuid\": \"33333333-4444-4555-8666-777777777777\","
    "   \"case\": \"%s\", \"kind\": \"created\", \"official\": \"li.na\","
    "   \"at\": \"2026-11-27T08:00:00Z\"}}]",
    app, app, id, case_uuid, case_uuid, app, case_uuid);
  page = parse_array (json);

  g_assert_true (hall_store_apply_changes (store, page, NULL, "3", &error));
  g_assert_no_error (error);
  cursor = hall_store_get_meta (store, "cursor");
  g_assert_cmpstr (cursor, ==, "3");
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);

  kase = hall_store_get_case (store, case_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_number (kase), ==, "YC-2026-C07-000009");
  g_assert_cmpstr (hall_case_get_applicant_name (kase), ==, "欧阳娜娜");
  g_assert_cmpint (hall_case_get_sync_state (kase), ==, HALL_SYNC_SYNCED);
  g_assert_cmpint (hall_case_get_version (kase), ==, 1);
  events = hall_store_list_case_events (store, case_uuid, &error);
  g_assert_cmpuint (events->len, ==, 1);
  found = hall_store_search_cases (store, "娜娜", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);

  /* Applied twice: nothing new. An older version is skipped. */
  g_assert_true (hall_store_apply_changes (store, page, NULL, "3", &error));
  older = parse_array (
    "[{\"seq\": 4, \"entity\": \"case\", \"uuid\": \"22222222-3333-4444-8555-666666666666\","
    "  \"version\": 1, \"data\": {\"uuid\": \"22222222-3333-4444-8555-666666666666\","
    "  \"number\": \"YC-2026-C07-000009\", \"service\": \"company_business_license\","
    "  \"applicant\": \"11111111-2222-4333-8444-555555555555\", \"state\": \"rejected\"}}]");
  g_assert_true (hall_store_apply_changes (store, older, NULL, "4", &error));
  g_clear_object (&kase);
  kase = hall_store_get_case (store, case_uuid, &error);
  g_assert_cmpint (hall_case_get_state (kase), ==, HALL_CASE_RECEIVED);

  /* A change waiting in our outbox wins over the server's until sent. */
  {
    g_autoptr (HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_STATE);
    g_autoptr (JsonArray) newer = NULL;

    hall_case_event_set_new_state (event, HALL_CASE_IN_REVIEW);
    g_assert_true (hall_store_add_case_event (store, event, &error));
    newer = parse_array (
      "[{\"seq\": 5, \"entity\": \"case\", \"uuid\": \"22222222-3333-4444-8555-666666666666\","
      "  \"version\": 5, \"data\": {\"uuid\": \"22222222-3333-4444-8555-666666666666\","
      "  \"number\": \"YC-2026-C07-000009\", \"service\": \"company_business_license\","
      "  \"applicant\": \"11111111-2222-4333-8444-555555555555\", \"state\": \"rejected\"}}]");
    g_assert_true (hall_store_apply_changes (store, newer, NULL, "5", &error));
    g_clear_object (&kase);
    kase = hall_store_get_case (store, case_uuid, &error);
    g_assert_cmpint (hall_case_get_state (kase), ==, HALL_CASE_IN_REVIEW);
  }

  /* A case whose applicant is unknown fails the whole page, cursor too. */
  {
    g_autoptr (JsonArray) bad = parse_array (
      "[{\"seq\": 6, \"entity\": \"case\", \"uuid\": \"44444444-3333-4444-8555-666666666666\","
      "  \"version\": 1, \"data\": {\"uuid\": \"44444444-3333-4444-8555-666666666666\","
      "  \"number\": \"YC-2026-C07-000010\", \"service\": \"company_business_license\","
      "  \"applicant\": \"55555555-2222-4333-8444-555555555555\", \"state\": \"received\"}}]");
    g_autofree char *kept = NULL;

    g_assert_false (hall_store_apply_changes (store, bad, NULL, "6", &error));
    g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
    kept = hall_store_get_meta (store, "cursor");
    g_assert_cmpstr (kept, ==, "5");
  }
}

/* Creates a case and has the server acknowledge all of it as version 1. */
static HallCase *
create_synced_case (HallStore     *store,
                    HallService   *service,
                    HallApplicant *applicant)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  HallCase *kase = create_case (store, service, applicant);

  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    g_assert_true (hall_store_ack_outbox (store, items->pdata[i], 1, NULL));
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);
  return kase;
}

/* The page of the feed that carries @kase at @version in @state. */
static JsonArray *
case_page (HallCase      *kase,
           HallCaseState  state,
           gint64         version)
{
  g_autoptr (HallCase) copy = hall_case_new ();
  g_autoptr (JsonNode) data = NULL;
  JsonArray *page = json_array_new ();
  JsonObject *change = json_object_new ();

  _hall_case_copy (copy, kase);
  hall_case_set_state (copy, state);
  hall_case_set_version (copy, version);
  data = hall_case_to_json (copy);
  json_object_set_int_member (change, "seq", version);
  json_object_set_string_member (change, "entity", "case");
  json_object_set_string_member (change, "uuid", hall_case_get_uuid (kase));
  json_object_set_int_member (change, "version", version);
  json_object_set_member (change, "data", g_steal_pointer (&data));
  json_array_add_object_element (page, change);
  return page;
}

/* The answer to an entry is the version of the case on the server, which
 * includes what other counters did meanwhile: it is not the version of this
 * counter's copy, or the pull that follows would skip their change. */
static void
test_ack_event_keeps_version (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("李娜", 31);
  g_autoptr (HallCase) kase = create_synced_case (store, fixture->service, applicant);
  g_autoptr (HallCaseEvent) note = hall_case_event_new (hall_case_get_uuid (kase),
                                                        HALL_CASE_EVENT_NOTE);
  g_autoptr (HallCaseEvent) approve = hall_case_event_new (hall_case_get_uuid (kase),
                                                           HALL_CASE_EVENT_STATE);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonArray) page = NULL;
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (GError) error = NULL;

  hall_case_event_set_note (note, "Copy of the lease provided");
  g_assert_true (hall_store_add_case_event (store, note, &error));
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);

  /* Meanwhile another counter put the case in review: version 2. */
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 0), 2, &error));
  g_assert_no_error (error);
  page = case_page (kase, HALL_CASE_IN_REVIEW, 2);
  g_assert_true (hall_store_apply_changes (store, page, NULL, "2", &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_IN_REVIEW);
  g_assert_cmpint (hall_case_get_version (stored), ==, 2);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_SYNCED);
  g_clear_object (&stored);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* This counter's own move is the next version: its copy is that one. */
  hall_case_event_set_new_state (approve, HALL_CASE_APPROVED);
  g_assert_true (hall_store_add_case_event (store, approve, &error));
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_true (hall_store_ack_outbox (store, outbox_item (items, 0), 3, &error));
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_APPROVED);
  g_assert_cmpint (hall_case_get_version (stored), ==, 3);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_SYNCED);
}

/* 2026-11-27T08:00:00Z and 08:42:00Z. */
#define CLAIMED_AT  G_GINT64_CONSTANT (1795766400)
#define RECORDED_AT G_GINT64_CONSTANT (1795768920)

/* A case and its entry from the feed: wang.fang took it in, by the other
 * counter's clock; li.na's request brought it to the server. Both stay,
 * each as what it is. */
static void
test_pulled_record (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) page = NULL;
  g_autoptr (JsonArray) later = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *id = resident_id (12);
  g_autofree char *json = NULL;
  const char *app = "11111111-2222-4333-8444-555555555556";
  const char *case_uuid = "22222222-3333-4444-8555-666666666667";

  json = g_strdup_printf (
    "[{\"seq\": 1, \"entity\": \"applicant\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"kind\": \"person\", \"name\": \"欧阳娜娜\", \"id_type\": \"resident_id\","
    "   \"id_number\": \"%s\", \"phone\": \"13700000012\", \"version\": 1}},"
    " {\"seq\": 2, \"entity\": \"case\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"number\": \"YC-2026-C07-000012\", \"service\": \"company_business_license\","
    "   \"applicant\": \"%s\", \"state\": \"received\", \"created_at\": \"2026-11-27T08:00:00Z\","
    "   \"promised_at\": \"2026-11-27T12:00:00Z\", \"counter\": \"C07\", \"official\": \"wang.fang\","
    "   \"recorded_by\": \"li.na\", \"recorded_at\": \"2026-11-27T08:42:00Z\","
    "   \"checklist\": [], \"version\": 1}},"
    " {\"seq\": 3, \"entity\": \"event\", \"uuid\": \"33333333-4444-4555-8666-777777777778\","
    "  \"version\": 1, \"data\": {\"uuid\": \"33333333-4444-4555-8666-777777777778\","
    "   \"case\": \"%s\", \"kind\": \"created\", \"official\": \"wang.fang\","
    "   \"at\": \"2026-11-27T08:00:00Z\", \"recorded_by\": \"li.na\","
    "   \"recorded_at\": \"2026-11-27T08:42:00Z\"}}]",
    app, app, id, case_uuid, case_uuid, app, case_uuid);
  page = parse_array (json);
  g_assert_true (hall_store_apply_changes (store, page, NULL, "3", &error));
  g_assert_no_error (error);

  kase = hall_store_get_case (store, case_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_official (kase), ==, "wang.fang");
  g_assert_cmpint (hall_case_get_created_at (kase), ==, CLAIMED_AT);
  g_assert_cmpstr (hall_case_get_recorded_by (kase), ==, "li.na");
  g_assert_cmpint (hall_case_get_recorded_at (kase), ==, RECORDED_AT);
  events = hall_store_list_case_events (store, case_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (hall_case_event_get_official (events->pdata[0]), ==, "wang.fang");
  g_assert_cmpint (hall_case_event_get_at (events->pdata[0]), ==, CLAIMED_AT);
  g_assert_cmpstr (hall_case_event_get_recorded_by (events->pdata[0]), ==, "li.na");
  g_assert_cmpint (hall_case_event_get_recorded_at (events->pdata[0]), ==, RECORDED_AT);
  g_clear_object (&kase);

  /* A later version the server kept no record of (an older server): the
   * record of version 1 is not passed off as the record of version 2, and
   * the claim stays. */
  later = parse_array (
    "[{\"seq\": 4, \"entity\": \"case\", \"uuid\": \"22222222-3333-4444-8555-666666666667\","
    "  \"version\": 2, \"data\": {\"uuid\": \"22222222-3333-4444-8555-666666666667\","
    "  \"number\": \"YC-2026-C07-000012\", \"service\": \"company_business_license\","
    "  \"applicant\": \"11111111-2222-4333-8444-555555555556\", \"state\": \"in_review\","
    "  \"created_at\": \"2026-11-27T08:00:00Z\"}}]");
  g_assert_true (hall_store_apply_changes (store, later, NULL, "4", &error));
  g_assert_no_error (error);
  kase = hall_store_get_case (store, case_uuid, &error);
  g_assert_cmpint (hall_case_get_version (kase), ==, 2);
  g_assert_cmpstr (hall_case_get_official (kase), ==, "wang.fang");
  g_assert_null (hall_case_get_recorded_by (kase));
  g_assert_cmpint (hall_case_get_recorded_at (kase), ==, 0);
}

/* What this counter writes carries its claim and no record, whatever the
 * objects said, until the server's own word comes back with the pull (the
 * answer to a write gives only the version). */
static void
test_local_record (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("李娜", 41);
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (HallCaseEvent) note = NULL;
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (JsonArray) page = NULL;
  g_autoptr (GError) error = NULL;

  hall_case_set_official (kase, "wang.fang");
  hall_case_set_recorded_by (kase, "supervisor-x");
  hall_case_set_recorded_at (kase, 946684800);
  g_assert_true (hall_store_create_case (store, applicant, fixture->service, kase, &error));
  g_assert_no_error (error);
  g_assert_null (hall_case_get_recorded_by (kase));
  note = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Copy of the lease provided");
  hall_case_event_set_official (note, "wang.fang");
  hall_case_event_set_recorded_by (note, "supervisor-x");
  hall_case_event_set_recorded_at (note, 946684800);
  g_assert_true (hall_store_add_case_event (store, note, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM cases"
                              " WHERE official = 'wang.fang' AND recorded_by IS NULL"
                              " AND recorded_at IS NULL"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM case_events"
                              " WHERE official = 'wang.fang' AND recorded_by IS NULL"
                              " AND recorded_at IS NULL"), ==, 2);

  /* Acknowledged: the version is known, the record not yet. */
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 4);
  for (guint i = 0; i < items->len; i++)
    g_assert_true (hall_store_ack_outbox (store, items->pdata[i], 1, NULL));
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpint (hall_case_get_version (stored), ==, 1);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_SYNCED);
  g_assert_null (hall_case_get_recorded_by (stored));
  g_clear_object (&stored);

  /* The pull brings the version this counter has, with the record; and the
   * entries this counter wrote, with theirs. */
  {
    g_autoptr (HallCase) copy = hall_case_new ();
    g_autoptr (GPtrArray) local = hall_store_list_case_events (store, hall_case_get_uuid (kase),
                                                               &error);

    _hall_case_copy (copy, kase);
    hall_case_set_recorded_by (copy, "wang.fang");
    hall_case_set_recorded_at (copy, RECORDED_AT);
    page = case_page (copy, HALL_CASE_RECEIVED, 1);
    for (guint i = 0; i < local->len; i++)
      {
        HallCaseEvent *event = local->pdata[i];
        JsonObject *change = json_object_new ();
        JsonNode *event_data;

        hall_case_event_set_recorded_by (event, "wang.fang");
        hall_case_event_set_recorded_at (event, RECORDED_AT + i);
        event_data = hall_case_event_to_json (event);
        json_object_set_string_member (change, "entity", "event");
        json_object_set_string_member (change, "uuid", hall_case_event_get_uuid (event));
        json_object_set_int_member (change, "version", 1);
        json_object_set_member (change, "data", event_data);
        json_array_add_object_element (page, change);
      }
  }
  g_assert_true (hall_store_apply_changes (store, page, NULL, "9", &error));
  g_assert_no_error (error);
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpstr (hall_case_get_official (stored), ==, "wang.fang");
  g_assert_cmpstr (hall_case_get_recorded_by (stored), ==, "wang.fang");
  g_assert_cmpint (hall_case_get_recorded_at (stored), ==, RECORDED_AT);
  g_clear_object (&stored);
  events = hall_store_list_case_events (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpuint (events->len, ==, 2);
  for (guint i = 0; i < events->len; i++)
    {
      g_assert_cmpstr (hall_case_event_get_recorded_by (events->pdata[i]), ==, "wang.fang");
      g_assert_cmpint (hall_case_event_get_recorded_at (events->pdata[i]), ==, RECORDED_AT + i);
    }
  g_clear_pointer (&events, g_ptr_array_unref);

  /* A move made here: the case as it is now has not been to the server, so
   * it has no record; the entries already recorded keep theirs. */
  g_assert_true (move_case (store, kase, HALL_CASE_IN_REVIEW, &error));
  stored = hall_store_get_case (store, hall_case_get_uuid (kase), &error);
  g_assert_null (hall_case_get_recorded_by (stored));
  g_assert_cmpint (hall_case_get_recorded_at (stored), ==, 0);
  events = hall_store_list_case_events (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_cmpstr (hall_case_event_get_recorded_by (events->pdata[0]), ==, "wang.fang");
  g_assert_null (hall_case_event_get_recorded_by (events->pdata[2]));
}

static char *
applicant_json (HallApplicant *applicant,
                const char    *phone,
                gint64         version)
{
  g_autoptr (HallApplicant) copy = NULL;
  g_autoptr (JsonNode) node = hall_applicant_to_json (applicant);

  copy = hall_applicant_new_from_json (node, NULL, NULL);
  hall_applicant_set_phone (copy, phone);
  hall_applicant_set_version (copy, version);
  g_clear_pointer (&node, json_node_unref);
  node = hall_applicant_to_json (copy);
  return json_to_string (node, FALSE);
}

/* The wire form of @applicant. */
static char *
json_of (HallApplicant *applicant)
{
  g_autoptr (JsonNode) node = hall_applicant_to_json (applicant);

  return json_to_string (node, FALSE);
}

static HallSyncState
case_sync_state (HallStore  *store,
                 const char *uuid)
{
  g_autoptr (HallCase) kase = hall_store_get_case (store, uuid, NULL);

  g_assert_nonnull (kase);
  return hall_case_get_sync_state (kase);
}

/* The last entry of the case's timeline, which must be a note. */
static char *
last_note (HallStore  *store,
           const char *case_uuid)
{
  g_autoptr (GPtrArray) events = hall_store_list_case_events (store, case_uuid, NULL);
  HallCaseEvent *last;

  g_assert_nonnull (events);
  g_assert_cmpuint (events->len, >, 0);
  last = events->pdata[events->len - 1];
  g_assert_cmpint (hall_case_event_get_kind (last), ==, HALL_CASE_EVENT_NOTE);
  g_assert_cmpstr (hall_case_event_get_official (last), ==, "li.na");
  return g_strdup (hall_case_event_get_note (last));
}

/* The applicant's phone was changed here and on the server: the official
 * sees the difference, the server's newer pull goes into the conflict, and
 * taking the server's version writes it here, drops the local change and
 * records it in the timeline. */
static void
test_conflict_take_theirs (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("张伟明", 12);
  g_autoptr (HallCase) kase = create_synced_case (store, fixture->service, applicant);
  const char *case_uuid = hall_case_get_uuid (kase);
  g_autoptr (HallApplicant) edited = NULL;
  g_autoptr (HallApplicant) after = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) differences = NULL;
  g_autoptr (HallCaseEvent) note = NULL;
  g_autoptr (JsonArray) pulled = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *newer = NULL;
  g_autofree char *text = NULL;
  HallConflictDifference *difference;
  HallConflict *conflict;
  gint64 id;

  edited = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  hall_applicant_set_phone (edited, "13912345678");
  g_assert_true (hall_store_save_applicant (store, edited, &error));
  g_assert_no_error (error);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);
  server = applicant_json (applicant, "13700000000", 3);
  g_assert_true (hall_store_record_conflict (store, items->pdata[0], server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (case_sync_state (store, case_uuid), ==, HALL_SYNC_CONFLICT);

  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = conflicts->pdata[0];
  id = hall_conflict_get_id (conflict);
  g_assert_cmpstr (hall_conflict_get_entity (conflict), ==, "applicant");
  g_assert_cmpstr (hall_conflict_get_entity_uuid (conflict), ==,
                   hall_applicant_get_uuid (applicant));
  g_assert_cmpint (hall_conflict_get_server_version (conflict), ==, 3);
  g_assert_cmpint (hall_conflict_get_created_at (conflict), >, 0);
  differences = hall_conflict_list_differences (conflict);
  g_assert_cmpuint (differences->len, ==, 1);
  difference = differences->pdata[0];
  g_assert_cmpstr (difference->field, ==, "phone");
  g_assert_cmpstr (difference->mine, ==, "13912345678");
  g_assert_cmpstr (difference->theirs, ==, "13700000000");
  g_assert_cmpstr (hall_conflict_get_field_label ("phone"), ==, "Phone");
  g_clear_pointer (&conflicts, g_ptr_array_unref);

  /* A note added meanwhile does not hide the conflict. */
  note = hall_case_event_new (case_uuid, HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Called the applicant");
  g_assert_true (hall_store_add_case_event (store, note, &error));
  g_assert_cmpint (case_sync_state (store, case_uuid), ==, HALL_SYNC_CONFLICT);

  /* The server moved on: the conflict shows its newer version, and this
   * counter's version stays until the official decides. */
  newer = applicant_json (applicant, "13600000000", 4);
  pulled = json_array_new ();
  {
    JsonObject *change = json_object_new ();

    json_object_set_string_member (change, "entity", "applicant");
    json_object_set_string_member (change, "uuid", hall_applicant_get_uuid (applicant));
    json_object_set_int_member (change, "version", 4);
    json_object_set_member (change, "data", json_from_string (newer, NULL));
    json_array_add_object_element (pulled, change);
  }
  g_assert_true (hall_store_apply_changes (store, pulled, NULL, "9", &error));
  g_assert_no_error (error);
  after = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  g_assert_cmpstr (hall_applicant_get_phone (after), ==, "13912345678");
  g_clear_object (&after);
  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (hall_conflict_get_server_version (conflicts->pdata[0]), ==, 4);
  g_clear_pointer (&conflicts, g_ptr_array_unref);

  g_assert_true (hall_store_resolve_conflict (store, id, HALL_CONFLICT_TAKE_THEIRS, "li.na",
                                              &error));
  g_assert_no_error (error);

  after = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  g_assert_cmpstr (hall_applicant_get_phone (after), ==, "13600000000");
  g_assert_cmpint (hall_applicant_get_version (after), ==, 4);
  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM conflicts"
                                             " WHERE resolution = 'take_theirs'"),
                   ==, 1);
  /* Nothing of the discarded change waits to be sent; the timeline keeps it. */
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  for (guint i = 0; i < items->len; i++)
    g_assert_cmpstr (((HallOutboxItem *) items->pdata[i])->entity, ==, "event");
  text = last_note (store, case_uuid);
  g_assert_nonnull (strstr (text, "Kept the server’s version"));
  g_assert_nonnull (strstr (text, "Phone: 13912345678"));
  g_assert_cmpint (case_sync_state (store, case_uuid), ==, HALL_SYNC_PENDING);

  /* Decided once. */
  g_assert_false (hall_store_resolve_conflict (store, id, HALL_CONFLICT_KEEP_MINE, "li.na",
                                               &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (hall_store_resolve_conflict (store, id + 100, HALL_CONFLICT_KEEP_MINE, "li.na",
                                               &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
}

/* The case's creation (the second row of @store's outbox, after its
 * applicant's, which the server took at version 1) met the server's copy
 * at version 2, with another official: the conflict is recorded. Returns
 * the outbox as it was, in order. */
static GPtrArray *
record_creation_conflict (HallStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) server = NULL;
  g_autofree char *server_text = NULL;
  GPtrArray *items = hall_store_peek_outbox (store, 10, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  g_assert_true (hall_store_ack_outbox (store, items->pdata[0], 1, &error));
  server = json_from_string (((HallOutboxItem *) items->pdata[1])->body, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (server), "official", "zhao.lei");
  json_object_set_int_member (json_node_get_object (server), "version", 2);
  server_text = json_to_string (server, FALSE);
  g_assert_true (hall_store_record_conflict (store, items->pdata[1], server_text, &error));
  g_assert_no_error (error);
  return items;
}

/* The case's creation met different content on the server (428): keeping
 * this counter's version queues it again over the server's version. */
static void
test_conflict_keep_mine (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("李娜", 13);
  g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
  const char *case_uuid = hall_case_get_uuid (kase);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) differences = NULL;
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  HallOutboxItem *resent = NULL;

  items = record_creation_conflict (store);
  g_assert_cmpint (case_sync_state (store, case_uuid), ==, HALL_SYNC_CONFLICT);

  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpstr (hall_conflict_get_entity (conflicts->pdata[0]), ==, "case");
  differences = hall_conflict_list_differences (conflicts->pdata[0]);
  g_assert_cmpuint (differences->len, ==, 1);
  g_assert_cmpstr (((HallConflictDifference *) differences->pdata[0])->field, ==, "official");
  g_assert_cmpstr (((HallConflictDifference *) differences->pdata[0])->mine, ==, "wang.fang");
  g_assert_cmpstr (((HallConflictDifference *) differences->pdata[0])->theirs, ==, "zhao.lei");

  g_assert_true (hall_store_resolve_conflict (store, hall_conflict_get_id (conflicts->pdata[0]),
                                              HALL_CONFLICT_KEEP_MINE, "li.na", &error));
  g_assert_no_error (error);

  /* In line after the "created" entry: the case again, If-Match 2, then
   * the note. */
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 3);
  resent = items->pdata[1];
  g_assert_cmpstr (resent->entity, ==, "case");
  g_assert_cmpstr (resent->method, ==, "PUT");
  g_assert_cmpint (resent->base_version, ==, 2);
  g_assert_nonnull (strstr (resent->body, "\"official\":\"wang.fang\""));
  g_assert_cmpstr (((HallOutboxItem *) items->pdata[2])->entity, ==, "event");
  stored = hall_store_get_case (store, case_uuid, &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_PENDING);
  g_assert_cmpint (hall_case_get_version (stored), ==, 2);
  g_assert_cmpstr (hall_case_get_official (stored), ==, "wang.fang");
  text = last_note (store, case_uuid);
  g_assert_nonnull (strstr (text, "Kept this counter’s version"));
  g_assert_nonnull (strstr (text, "Official: zhao.lei"));
  g_clear_pointer (&conflicts, g_ptr_array_unref);
  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 0);

  /* Sent and acknowledged: synced at the server's next version. */
  for (guint i = 0; i < items->len; i++)
    g_assert_true (hall_store_ack_outbox (store, items->pdata[i], 3, &error));
  g_clear_object (&stored);
  stored = hall_store_get_case (store, case_uuid, &error);
  g_assert_cmpint (hall_case_get_sync_state (stored), ==, HALL_SYNC_SYNCED);
  g_assert_cmpint (hall_case_get_version (stored), ==, 3);
}

/* A document scanned while a conflict of the case waits: keeping this
 * counter's version sends it after the document's entry, so it carries
 * the document as provided and does not take it back on the server. */
static void
test_conflict_keep_mine_after_scan (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("李娜", 13);
  g_autoptr (HallCase) kase = create_case (store, fixture->service, applicant);
  const char *case_uuid = hall_case_get_uuid (kase);
  const char *slot = hall_service_get_document (fixture->service, 0)->id;
  g_autoptr (HallCaseEvent) scanned = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DOCUMENT);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *provided = g_strdup_printf ("{\"id\":\"%s\",\"provided\":true}", slot);
  HallOutboxItem *resent = NULL;

  items = record_creation_conflict (store);
  g_assert_null (strstr (((HallOutboxItem *) items->pdata[1])->body, provided));

  hall_case_event_set_slot (scanned, slot);
  g_assert_true (hall_store_add_case_event (store, scanned, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_event_get_slot (scanned), ==, slot);

  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (hall_store_resolve_conflict (store, hall_conflict_get_id (conflicts->pdata[0]),
                                              HALL_CONFLICT_KEEP_MINE, "li.na", &error));
  g_assert_no_error (error);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (((HallOutboxItem *) items->pdata[i])->entity, "case") == 0)
      resent = items->pdata[i];
  g_assert_nonnull (resent);
  g_assert_nonnull (strstr (resent->body, provided));

  /* Scanned again: the entry names nothing the checklist lacks. */
  g_clear_object (&scanned);
  scanned = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DOCUMENT);
  hall_case_event_set_slot (scanned, slot);
  g_assert_true (hall_store_add_case_event (store, scanned, &error));
  g_assert_no_error (error);
  g_assert_null (hall_case_event_get_slot (scanned));
}

/* The official changed the applicant again after the change that met the
 * conflict: keeping "mine" sends that later version, once, over the
 * server's; a newer conflict of the same applicant replaces the older. */
static void
test_conflict_keep_later_change (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("王芳", 14);
  g_autoptr (HallCase) kase = create_synced_case (store, fixture->service, applicant);
  g_autoptr (HallApplicant) edited = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *server = applicant_json (applicant, "13700000014", 5);

  edited = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  hall_applicant_set_phone (edited, "13900000001");
  g_assert_true (hall_store_save_applicant (store, edited, &error));
  hall_applicant_set_phone (edited, "13900000002");
  g_assert_true (hall_store_save_applicant (store, edited, &error));
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_true (hall_store_record_conflict (store, items->pdata[0], server, &error));
  g_assert_true (hall_store_record_conflict (store, items->pdata[0], server, &error));
  g_assert_no_error (error);

  conflicts = hall_store_list_conflicts (store, hall_case_get_uuid (kase), &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_true (hall_store_resolve_conflict (store, hall_conflict_get_id (conflicts->pdata[0]),
                                              HALL_CONFLICT_KEEP_MINE, "li.na", &error));
  g_assert_no_error (error);

  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((HallOutboxItem *) items->pdata[0])->entity, ==, "applicant");
  g_assert_cmpint (((HallOutboxItem *) items->pdata[0])->base_version, ==, 5);
  g_assert_nonnull (strstr (((HallOutboxItem *) items->pdata[0])->body, "13900000002"));
  g_assert_cmpstr (((HallOutboxItem *) items->pdata[1])->entity, ==, "event");
}

/* An identity document belongs to one applicant: a second one with it,
 * saved alone or with a case, or an applicant changed into it, is refused
 * naming the first, and nothing is written. Another type of ID with the
 * same number is another document. */
static void
test_identity (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) first = person ("张伟明", 30);
  g_autoptr (HallApplicant) twin = person ("张伟", 30);
  g_autoptr (HallApplicant) other = person ("赵磊", 31);
  g_autoptr (HallApplicant) found = NULL;
  g_autoptr (HallApplicant) stored = NULL;
  g_autoptr (HallCase) kase = create_case (store, fixture->service, first);
  g_autoptr (HallCase) clash = hall_case_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *other_number = NULL;
  guint outbox = hall_store_count_outbox (store);
  gint64 seq = query_int (fixture->path, "SELECT last_seq FROM case_sequences");

  g_assert_false (hall_store_save_applicant (store, twin, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, hall_applicant_get_uuid (first)));
  g_clear_error (&error);
  g_assert_false (hall_store_create_case (store, twin, fixture->service, clash, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (hall_store_count_cases (store), ==, 1);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, outbox);
  g_assert_cmpint (query_int (fixture->path, "SELECT last_seq FROM case_sequences"), ==, seq);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM applicants"), ==, 1);

  found = hall_store_find_applicant_by_identity (store, twin, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (first));

  /* Changed into another's number: refused, left as it was. */
  g_assert_true (hall_store_save_applicant (store, other, &error));
  other_number = g_strdup (hall_applicant_get_id_number (other));
  hall_applicant_set_id_number (other, hall_applicant_get_id_number (first));
  g_assert_false (hall_store_save_applicant (store, other, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  stored = hall_store_get_applicant (store, hall_applicant_get_uuid (other), &error);
  g_assert_cmpstr (hall_applicant_get_id_number (stored), ==, other_number);
  g_clear_object (&stored);

  /* The holder itself changes what else it likes. */
  hall_applicant_set_phone (first, "13700000030");
  g_assert_true (hall_store_save_applicant (store, first, &error));
  g_assert_no_error (error);

  /* A passport and a travel permit with the same number are two
   * documents; two passports with it are one. */
  {
    g_autoptr (HallApplicant) passport =
      hall_applicant_new_person ("John Smith", HALL_ID_TYPE_PASSPORT, "H12345678", NULL);
    g_autoptr (HallApplicant) permit =
      hall_applicant_new_person ("陈大文", HALL_ID_TYPE_HK_MACAU_PERMIT, "H12345678", NULL);
    g_autoptr (HallApplicant) again =
      hall_applicant_new_person ("Jon Smith", HALL_ID_TYPE_PASSPORT, "h12345678", NULL);

    g_assert_true (hall_store_save_applicant (store, passport, &error));
    g_assert_true (hall_store_save_applicant (store, permit, &error));
    g_assert_no_error (error);
    g_assert_false (hall_store_save_applicant (store, again, &error));
    g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
  }

  /* A business by its credit code. */
  {
    g_autoptr (HallApplicant) company =
      hall_applicant_new_business ("银川市测试有限公司", "91640100694329053P", "李四");
    g_autoptr (HallApplicant) copy =
      hall_applicant_new_business ("银川测试公司", "91640100694329053P", "王五");

    g_autoptr (HallApplicant) read = NULL;

    /* Its contact person and phone are kept, and read back. */
    hall_applicant_set_contact_person (company, "李明");
    hall_applicant_set_phone (company, "13800138000");
    g_assert_true (hall_store_save_applicant (store, company, &error));
    read = hall_store_get_applicant (store, hall_applicant_get_uuid (company), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (hall_applicant_get_contact_person (read), ==, "李明");
    g_assert_cmpstr (hall_applicant_get_phone (read), ==, "13800138000");
    g_assert_false (hall_store_save_applicant (store, copy, &error));
    g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
    g_assert_nonnull (strstr (error->message, hall_applicant_get_uuid (company)));
  }
}

/* The applicant of a case the server has was changed here into a number
 * the server gives another applicant: the 409 is kept as a duplicate, the
 * case's rows wait, the server's applicant arrives by the pull and takes
 * the document, and merging moves the case with an update sent with
 * If-Match; the applicant the server knows stays, holding no document. */
static void
test_duplicate_merge_known_case (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("王芳", 40);
  g_autoptr (HallCase) kase = create_synced_case (store, fixture->service, applicant);
  g_autoptr (HallApplicant) edited = NULL;
  g_autoptr (HallApplicant) server = person ("王芳", 41);
  g_autoptr (HallApplicant) found = NULL;
  g_autoptr (HallApplicant) kept = NULL;
  g_autoptr (HallCase) moved = NULL;
  g_autoptr (HallCaseEvent) note = hall_case_event_new (hall_case_get_uuid (kase),
                                                        HALL_CASE_EVENT_NOTE);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (JsonArray) pulled = json_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *server_json = NULL;
  g_autofree char *text = NULL;
  const char *case_uuid = hall_case_get_uuid (kase);
  JsonObject *change = json_object_new ();
  HallOutboxItem *update = NULL;

  hall_applicant_set_version (server, 2);
  server_json = json_of (server);
  edited = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  hall_applicant_set_id_number (edited, hall_applicant_get_id_number (server));
  g_assert_true (hall_store_save_applicant (store, edited, &error));
  g_assert_no_error (error);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_true (hall_store_record_duplicate (store, items->pdata[0], server_json, &error));
  g_assert_no_error (error);
  g_assert_cmpint (case_sync_state (store, case_uuid), ==, HALL_SYNC_CONFLICT);

  /* A note made meanwhile waits with the case. */
  hall_case_event_set_note (note, "Called the applicant");
  g_assert_true (hall_store_add_case_event (store, note, &error));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (store), ==, 1);

  /* The pull brings the server's applicant: it holds the document here
   * now, this counter's change of the other notwithstanding. */
  json_object_set_string_member (change, "entity", "applicant");
  json_object_set_string_member (change, "uuid", hall_applicant_get_uuid (server));
  json_object_set_int_member (change, "version", 2);
  json_object_set_member (change, "data", json_from_string (server_json, NULL));
  json_array_add_object_element (pulled, change);
  g_assert_true (hall_store_apply_changes (store, pulled, NULL, "7", &error));
  g_assert_no_error (error);
  found = hall_store_find_applicant_by_identity (store, server, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (server));

  conflicts = hall_store_list_conflicts (store, case_uuid, &error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  g_assert_cmpint (hall_conflict_get_kind (conflicts->pdata[0]), ==, HALL_CONFLICT_DUPLICATE);
  g_assert_false (hall_store_resolve_conflict (store, hall_conflict_get_id (conflicts->pdata[0]),
                                               HALL_CONFLICT_TAKE_THEIRS, "li.na", &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (hall_store_resolve_conflict (store, hall_conflict_get_id (conflicts->pdata[0]),
                                              HALL_CONFLICT_MERGE, "li.na", &error));
  g_assert_no_error (error);

  moved = hall_store_get_case (store, case_uuid, &error);
  g_assert_cmpstr (hall_case_get_applicant_uuid (moved), ==, hall_applicant_get_uuid (server));
  g_assert_cmpint (hall_case_get_sync_state (moved), ==, HALL_SYNC_PENDING);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = hall_store_peek_outbox (store, 10, &error);
  /* The note, the case's update with If-Match, the merge's note. */
  g_assert_cmpuint (items->len, ==, 3);
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (((HallOutboxItem *) items->pdata[i])->entity, "case") == 0)
      update = items->pdata[i];
  g_assert_nonnull (update);
  g_assert_cmpstr (update->method, ==, "PUT");
  g_assert_cmpint (update->base_version, ==, 1);
  g_assert_nonnull (strstr (update->body, hall_applicant_get_uuid (server)));
  text = last_note (store, case_uuid);
  g_assert_nonnull (strstr (text, "same ID document"));

  kept = hall_store_get_applicant (store, hall_applicant_get_uuid (applicant), &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM applicants"
                              " WHERE identity IS NULL"), ==, 1);
}

static void
test_officials (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (GError) error = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;

  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_no_error (error);
  /* A second time adds nothing. */
  g_assert_true (hall_store_add_demo_officials (store, &error));
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM officials"), ==, 4);

  hash = query_text (fixture->path, "SELECT password_hash FROM officials WHERE username = 'demo'");
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));

  name = hall_store_check_password (store, "demo", "demo", &roles, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Demo Official");
  g_assert_cmpstr (roles, ==, "reception,counter_official,approver,supervisor,administrator");
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&roles, g_free);

  name = hall_store_check_password (store, "wang.fang", "demo", &roles, &error);
  g_assert_cmpstr (name, ==, "王芳");
  g_assert_cmpstr (roles, ==, "counter_official");
  g_clear_pointer (&name, g_free);

  name = hall_store_check_password (store, "li.na", "wrong", NULL, &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH);
  g_assert_null (name);
  g_clear_error (&error);

  name = hall_store_check_password (store, "nobody", "demo", NULL, &error);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH);
  g_assert_null (name);
  g_clear_error (&error);

  /* A role that is not one is refused by name, and nothing is saved. */
  g_assert_false (hall_store_add_official (store, "zhou.jie", "周杰", "secret-password",
                                           "approver,janitor", &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "janitor"));
  g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM officials"), ==, 4);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!hall_store_create_case_finish (HALL_STORE (source), result, error) && *error == NULL)
    g_assert_not_reached ();
  /* Marks completion for the loop below. */
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
on_changed_count (HallStore *store,
                  guint     *count)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*count)++;
}

static void
test_create_async (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant = person ("张伟明", 8);
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (GError) error = NULL;
  guint changed = 0;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_signal_connect (store, "changed", G_CALLBACK (on_changed_count), &changed);
  hall_store_create_case_async (store, applicant, fixture->service, kase, NULL, on_created, &error);
  while (error == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (hall_case_get_number (kase));
  g_assert_cmpuint (hall_store_count_cases (store), ==, 1);
  /* Written on a worker, announced here. */
  while (changed == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (changed, >=, 1);
}

/* The child writes cases and reports each commit through the pipe; it is
 * killed mid-write, as a power cut or a crash would. */
static void
test_kill9 (Fixture       *fixture,
            gconstpointer  data)
{
  const guint n_acked = 20;
  int fds[2];
  pid_t pid;
  guint got = 0;
  int status;

  g_assert_cmpint (pipe (fds), ==, 0);
  {
    /* Schema first, so the child only writes cases. */
    g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  }

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr (HallStore) store = NULL;
      g_autoptr (HallApplicant) applicant = person ("张伟明", 9);

      close (fds[0]);
      store = hall_store_open (fixture->path, "YC", "C03", NULL);
      if (store == NULL)
        _exit (2);
      for (guint i = 0; i < 100000; i++)
        {
          g_autoptr (HallCase) kase = hall_case_new ();

          if (!hall_store_create_case (store, applicant, fixture->service, kase, NULL))
            _exit (3);
          if (write (fds[1], "x", 1) != 1)
            _exit (4);
        }
      _exit (0);
    }

  close (fds[1]);
  while (got < n_acked)
    {
      char c;
      ssize_t r = read (fds[0], &c, 1);

      if (r < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (r, ==, 1);
      got++;
    }
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (fds[0]);
  g_assert_true (WIFSIGNALED (status));

  {
    g_autoptr (HallStore) store = open_store (fixture->path, "C03");
    g_autofree char *check = query_text (fixture->path, "PRAGMA integrity_check");
    guint n = hall_store_count_cases (store);

    g_assert_cmpstr (check, ==, "ok");
    g_assert_cmpuint (n, >=, n_acked);
    g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM cases"), ==, n);
    /* No gaps: every committed case has its number and its outbox rows. */
    g_assert_cmpint (query_int (fixture->path, "SELECT max(seq) FROM cases"), ==, n);
    g_assert_cmpint (query_int (fixture->path, "SELECT count(*) FROM outbox WHERE entity = 'case'"),
                     ==, n);
  }
}

/* The names of the cases @found holds, in its order, as "A,B,C"; the
 * letters are the cases' places in @all (0 = A). */
static char *
found_letters (GPtrArray *all,
               GPtrArray *found)
{
  GString *letters = g_string_new ("");

  for (guint i = 0; i < found->len; i++)
    for (guint j = 0; j < all->len; j++)
      if (g_strcmp0 (hall_case_get_uuid (found->pdata[i]), hall_case_get_uuid (all->pdata[j]))
          == 0)
        g_string_append_printf (letters, "%s%c", letters->len > 0 ? "," : "", 'A' + j);
  return g_string_free (letters, FALSE);
}

static void
assert_filter (HallStore      *store,
               GPtrArray      *all,
               const char     *query,
               HallCaseFilter  filter,
               gint64          now,
               guint           limit,
               const char     *expected,
               guint           expected_n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autofree char *letters = NULL;
  guint n = G_MAXUINT;

  found = hall_store_filter_cases (store, query, &filter, HALL_CASE_SORT_NEWEST, now, limit, &n, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  letters = found_letters (all, found);
  if (g_strcmp0 (letters, expected) != 0 || n != expected_n)
    g_error ("filter states 0x%x waiting %d overdue %d query “%s”: found “%s” of %u,"
             " expected “%s” of %u",
             filter.states, filter.waiting, filter.overdue, query ? query : "", letters, n,
             expected, expected_n);
}

/* The list's filters (issue 16): by state, waiting for the applicant and
 * overdue, each exactly the cases it names, newest first, counted, and
 * with a search. The definitions are the end-of-day summary's. */
static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) zhang =
    hall_applicant_new_person ("张伟", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X",
                               "13800138000");
  g_autoptr (HallApplicant) li =
    hall_applicant_new_person ("李娜", HALL_ID_TYPE_PASSPORT, "E98765432", "13900139000");
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 later = now + 60 * 86400;
  HallCase *kase;

  /* A: 张伟, received, a document missing (waiting). */
  g_ptr_array_add (all, create_case (store, fixture->service, zhang));
  /* B: 张伟, received, every document (overdue later). */
  kase = hall_case_new ();
  {
    g_autoptr (JsonArray) checklist = json_array_new ();

    for (guint i = 0; i < hall_service_get_n_documents (fixture->service); i++)
      {
        JsonObject *item = json_object_new ();

        json_object_set_string_member (item, "id",
                                       hall_service_get_document (fixture->service, i)->id);
        json_object_set_boolean_member (item, "provided", TRUE);
        json_array_add_object_element (checklist, item);
      }
    hall_case_set_checklist (kase, checklist);
  }
  hall_case_set_official (kase, "wang.fang");
  g_assert_true (hall_store_create_case (store, zhang, fixture->service, kase, &error));
  g_assert_no_error (error);
  g_ptr_array_add (all, kase);
  /* C: 李娜, in review with every document (overdue later). */
  kase = hall_case_new ();
  hall_case_set_checklist (kase, hall_case_get_checklist (all->pdata[1]));
  g_assert_true (hall_store_create_case (store, li, fixture->service, kase, &error));
  g_assert_no_error (error);
  g_ptr_array_add (all, kase);
  g_assert_true (move_case (store, kase, HALL_CASE_IN_REVIEW, &error));
  /* D: 张伟, completed. */
  kase = create_case (store, fixture->service, zhang);
  g_ptr_array_add (all, kase);
  g_assert_true (move_case (store, kase, HALL_CASE_IN_REVIEW, &error));
  g_assert_true (move_case (store, kase, HALL_CASE_APPROVED, &error));
  g_assert_true (move_case (store, kase, HALL_CASE_COMPLETED, &error));
  /* E: 李娜, returned (waiting). */
  kase = create_case (store, fixture->service, li);
  g_ptr_array_add (all, kase);
  g_assert_true (move_case (store, kase, HALL_CASE_RETURNED, &error));
  g_assert_no_error (error);

  /* By state, one or several; newest first. */
  assert_filter (store, all, NULL, (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED) },
                 now, 50, "B,A", 2);
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED)
                                    | HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED) },
                 now, 50, "D,B,A", 3);
  assert_filter (store, all, NULL, (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_REJECTED) },
                 now, 50, "", 0);
  /* A page shorter than what passes: the count is all of them. */
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED)
                                    | HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED) },
                 now, 1, "D", 3);
  /* Waiting for the applicant: a document missing, or returned. */
  assert_filter (store, all, NULL, (HallCaseFilter) { 0, TRUE, FALSE }, now, 50, "E,A", 2);
  /* Overdue: nothing yet; two months on, the open cases with every
   * document (the waiting ones' clock stands). */
  assert_filter (store, all, NULL, (HallCaseFilter) { 0, FALSE, TRUE }, now, 50, "", 0);
  assert_filter (store, all, NULL, (HallCaseFilter) { 0, FALSE, TRUE }, later, 50, "C,B", 2);
  /* Either. */
  assert_filter (store, all, NULL, (HallCaseFilter) { 0, TRUE, TRUE }, later, 50, "E,C,B,A", 4);
  /* With a state: the two conditions hold together. */
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RETURNED), TRUE, FALSE },
                 now, 50, "E", 1);
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED), TRUE, TRUE },
                 later, 50, "", 0);
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_IN_REVIEW), FALSE, TRUE },
                 later, 50, "C", 1);
  /* With a search: by name, by case number. */
  assert_filter (store, all, "张伟", (HallCaseFilter) { 0, FALSE, TRUE }, later, 50, "B", 1);
  assert_filter (store, all, "张伟", (HallCaseFilter) { 0, TRUE, FALSE }, now, 50, "A", 1);
  assert_filter (store, all, "李娜", (HallCaseFilter) { 0, TRUE, FALSE }, now, 50, "E", 1);
  assert_filter (store, all, "张伟",
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_COMPLETED) }, now, 50, "D",
                 1);
  assert_filter (store, all, hall_case_get_number (all->pdata[2]),
                 (HallCaseFilter) { 0, FALSE, TRUE }, later, 50, "C", 1);
  assert_filter (store, all, hall_case_get_number (all->pdata[2]),
                 (HallCaseFilter) { 0, TRUE, FALSE }, later, 50, "", 0);
  assert_filter (store, all, "赵磊", (HallCaseFilter) { 0, TRUE, TRUE }, later, 50, "", 0);
  /* The counts of the states follow the moves (the triggers of schema
   * 15): a page of one, counted from them. */
  assert_filter (store, all, NULL,
                 (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RETURNED)
                                    | HALL_CASE_FILTER_STATE (HALL_CASE_IN_REVIEW) },
                 now, 1, "E", 2);
  assert_filter (store, all, NULL, (HallCaseFilter) { HALL_CASE_FILTER_STATE (HALL_CASE_RECEIVED) },
                 now, 1, "B", 2);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT n FROM counts WHERE name = 'state:received'"), ==, 2);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT n FROM counts WHERE name = 'state:completed'"), ==, 1);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT n FROM counts WHERE name = 'state:in_review'"), ==, 1);
  /* No filter: every case. */
  assert_filter (store, all, NULL, (HallCaseFilter) { 0 }, now, 50, "E,D,C,B,A", 5);

  g_assert_true (hall_case_filter_is_empty (&(HallCaseFilter) { 0 }));
  g_assert_false (hall_case_filter_is_empty (&(HallCaseFilter) { 0, FALSE, TRUE }));
  /* The index the state filter walks. */
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT count(*) FROM sqlite_master WHERE name = 'cases_state'"),
                   ==, 1);
}

/* The end-of-day summary's four numbers: opened and completed today at
 * this counter, waiting for the applicant, and overdue (not counting the
 * waiting, whose clock stands); another counter's cases are not ours. */
static void
test_day_counts (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallStore) store = open_store (fixture->path, "C03");
  g_autoptr (HallApplicant) applicant =
    hall_applicant_new_person ("张伟", HALL_ID_TYPE_RESIDENT_ID, "11010519491231002X",
                               "13800138000");
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) missing = NULL;
  g_autoptr (HallCase) complete = NULL;
  g_autoptr (HallCase) done = NULL;
  g_autoptr (HallCase) returned = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  HallDayCounts counts;

  missing = create_case (store, fixture->service, applicant);
  complete = hall_case_new ();
  {
    g_autoptr (JsonArray) checklist = json_array_new ();

    for (guint i = 0; i < hall_service_get_n_documents (fixture->service); i++)
      {
        JsonObject *item = json_object_new ();

        json_object_set_string_member (item, "id",
                                       hall_service_get_document (fixture->service, i)->id);
        json_object_set_boolean_member (item, "provided", TRUE);
        json_array_add_object_element (checklist, item);
      }
    hall_case_set_checklist (complete, checklist);
    hall_case_set_official (complete, "wang.fang");
    g_assert_true (hall_store_create_case (store, applicant, fixture->service, complete,
                                           &error));
    g_assert_no_error (error);
  }
  done = create_case (store, fixture->service, applicant);
  g_assert_true (move_case (store, done, HALL_CASE_IN_REVIEW, &error));
  g_assert_true (move_case (store, done, HALL_CASE_APPROVED, &error));
  g_assert_true (move_case (store, done, HALL_CASE_COMPLETED, &error));
  returned = create_case (store, fixture->service, applicant);
  g_assert_true (move_case (store, returned, HALL_CASE_RETURNED, &error));

  /* Today, before anything is due. */
  g_assert_true (hall_store_get_day_counts (store, now - 3600, now + 3600, now, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.opened, ==, 4);
  g_assert_cmpuint (counts.completed, ==, 1);
  g_assert_cmpuint (counts.waiting, ==, 2);
  g_assert_cmpuint (counts.overdue, ==, 0);

  /* A month on: only the case with every document is overdue. */
  g_assert_true (hall_store_get_day_counts (store, now - 3600, now + 3600, now + 30 * 86400,
                                            &counts, &error));
  g_assert_cmpuint (counts.overdue, ==, 1);
  g_assert_cmpuint (counts.waiting, ==, 2);

  /* Yesterday: nothing opened or completed. */
  g_assert_true (hall_store_get_day_counts (store, now - 2 * 86400, now - 86400, now, &counts,
                                            &error));
  g_assert_cmpuint (counts.opened, ==, 0);
  g_assert_cmpuint (counts.completed, ==, 0);

  /* Another counter's store file sees none of C03's day. */
  {
    g_autofree char *other_path = g_build_filename (fixture->dir, "other.db", NULL);
    g_autoptr (HallStore) other = open_store (other_path, "C04");

    g_assert_true (hall_store_get_day_counts (other, now - 3600, now + 3600, now, &counts,
                                              &error));
    g_assert_cmpuint (counts.opened, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* First, while the process has no other threads to fork with. */
  g_test_add ("/hall/store/kill9", Fixture, NULL, fixture_set_up, test_kill9, fixture_tear_down);
  g_test_add ("/hall/store/open", Fixture, NULL, fixture_set_up, test_open, fixture_tear_down);
  g_test_add ("/hall/store/pull/first-search", Fixture, NULL, fixture_set_up,
              test_first_pull_search, fixture_tear_down);
  g_test_add ("/hall/store/pull/first-search-cut-off", Fixture, NULL, fixture_set_up,
              test_first_pull_search_cut_off, fixture_tear_down);
  g_test_add ("/hall/store/pull/first-search-fill-fails", Fixture, NULL, fixture_set_up,
              test_first_pull_search_fill_fails, fixture_tear_down);
  g_test_add ("/hall/store/first-pull-triggers", Fixture, NULL, fixture_set_up,
              test_first_pull_triggers, fixture_tear_down);
  g_test_add ("/hall/store/first-pull-cut-off-then-migrated", Fixture, NULL, fixture_set_up,
              test_first_pull_cut_off_then_migrated, fixture_tear_down);
  g_test_add ("/hall/store/filter", Fixture, NULL, fixture_set_up, test_filter,
              fixture_tear_down);
  g_test_add ("/hall/store/day-counts", Fixture, NULL, fixture_set_up, test_day_counts,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/v0", Fixture, GINT_TO_POINTER (0), fixture_set_up,
              test_migrate, fixture_tear_down);
  g_test_add ("/hall/store/migrate/v1", Fixture, GINT_TO_POINTER (1), fixture_set_up,
              test_migrate, fixture_tear_down);
  g_test_add ("/hall/store/migrate/v2", Fixture, GINT_TO_POINTER (2), fixture_set_up,
              test_migrate, fixture_tear_down);
  g_test_add ("/hall/store/migrate/v2-moved", Fixture, NULL, fixture_set_up, test_migrate_moved,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/v3", Fixture, NULL, fixture_set_up, test_migrate_v3,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/v4", Fixture, NULL, fixture_set_up, test_migrate_v4,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/v6", Fixture, NULL, fixture_set_up, test_migrate_v6,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/v5", Fixture, NULL, fixture_set_up, test_migrate_v5,
              fixture_tear_down);
  g_test_add ("/hall/store/migrate/newer", Fixture, NULL, fixture_set_up, test_migrate_newer,
              fixture_tear_down);
  g_test_add ("/hall/store/case-numbers", Fixture, NULL, fixture_set_up, test_case_numbers,
              fixture_tear_down);
  g_test_add ("/hall/store/checklist", Fixture, NULL, fixture_set_up, test_checklist_from_caller,
              fixture_tear_down);
  g_test_add ("/hall/store/rollback", Fixture, NULL, fixture_set_up, test_rollback,
              fixture_tear_down);
  g_test_add ("/hall/store/outbox", Fixture, NULL, fixture_set_up, test_outbox, fixture_tear_down);
  g_test_add ("/hall/store/outbox/if-match", Fixture, NULL, fixture_set_up,
              test_ack_renumbers_if_match, fixture_tear_down);
  g_test_add ("/hall/store/apply-changes", Fixture, NULL, fixture_set_up, test_apply_changes,
              fixture_tear_down);
  g_test_add ("/hall/store/apply-changes/read-error", Fixture, NULL, fixture_set_up,
              test_apply_changes_read_error, fixture_tear_down);
  g_test_add ("/hall/store/count/read-error", Fixture, NULL, fixture_set_up,
              test_count_read_error, fixture_tear_down);
  g_test_add ("/hall/store/conflict/take-theirs", Fixture, NULL, fixture_set_up,
              test_conflict_take_theirs, fixture_tear_down);
  g_test_add ("/hall/store/conflict/keep-mine", Fixture, NULL, fixture_set_up,
              test_conflict_keep_mine, fixture_tear_down);
  g_test_add ("/hall/store/conflict/keep-mine-after-scan", Fixture, NULL, fixture_set_up,
              test_conflict_keep_mine_after_scan, fixture_tear_down);
  g_test_add ("/hall/store/conflict/keep-later-change", Fixture, NULL, fixture_set_up,
              test_conflict_keep_later_change, fixture_tear_down);
  g_test_add ("/hall/store/identity", Fixture, NULL, fixture_set_up, test_identity,
              fixture_tear_down);
  g_test_add ("/hall/store/conflict/merge-known-case", Fixture, NULL, fixture_set_up,
              test_duplicate_merge_known_case, fixture_tear_down);
  g_test_add ("/hall/store/officials", Fixture, NULL, fixture_set_up, test_officials,
              fixture_tear_down);
  g_test_add ("/hall/store/create-async", Fixture, NULL, fixture_set_up, test_create_async,
              fixture_tear_down);
  g_test_add ("/hall/store/case-started-at", Fixture, NULL, fixture_set_up, test_case_started_at,
              fixture_tear_down);
  g_test_add ("/hall/store/state-moves", Fixture, NULL, fixture_set_up, test_state_moves,
              fixture_tear_down);
  g_test_add ("/hall/store/outbox/ack-event", Fixture, NULL, fixture_set_up,
              test_ack_event_keeps_version, fixture_tear_down);

  g_test_add ("/hall/store/record/pulled", Fixture, NULL, fixture_set_up, test_pulled_record,
              fixture_tear_down);
  g_test_add ("/hall/store/record/local", Fixture, NULL, fixture_set_up, test_local_record,
              fixture_tear_down);

  return g_test_run ();
}
