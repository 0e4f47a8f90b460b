/* test-server-postgres.c — the PostgreSQL storage itself, on a cluster of
 * the test's own: the change feed under concurrent writers, the
 * supervision figures fed from it once and their cells' deltas folded, a
 * batch's deferred writes, and the
 * reads ahead of a group of writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <libpq-fe.h>

#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-sqlite.h"
#include "hall-stats-follower-test-hooks.h"
#include "hall-test-postgres.h"

#define WRITERS 3
#define TRANSACTIONS 150

static HallTestPostgres *postgres;
static gint finished;   /* writers done */

typedef struct
{
  HallServerStorage *storage;   /* a writer's own: as a server of its own */
  guint              index;
  GPtrArray         *written;   /* uuids committed */
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  GRand *rand = g_rand_new_with_seed (writer->index + 1);

  for (guint t = 0; t < TRANSACTIONS; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
      guint n = g_rand_int_range (rand, 1, 4);
      gboolean roll_back = g_rand_int_range (rand, 0, 10) == 0;

      g_assert_true (hall_server_storage_begin (writer->storage, &error));
      for (guint i = 0; i < n; i++)
        {
          char *uuid = g_uuid_string_random ();
          g_autofree char *json = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"person\"}", uuid);

          g_assert_true (hall_server_storage_put_entity (writer->storage, HALL_ENTITY_APPLICANT,
                                                         uuid, 1, NULL, json, &error));
          g_assert_no_error (error);
          g_ptr_array_add (uuids, uuid);
        }
      /* The trap's window: the change is numbered, not yet committed,
       * while the other writers number and commit theirs (slow_commits
       * widens it further, in the commit itself). */
      g_usleep (g_rand_int_range (rand, 0, 3000));
      if (roll_back)
        {
          hall_server_storage_rollback (writer->storage);
          continue;
        }
      g_assert_true (hall_server_storage_commit (writer->storage, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < uuids->len; i++)
        g_ptr_array_add (writer->written, g_strdup (g_ptr_array_index (uuids, i)));
    }
  g_rand_free (rand);
  g_atomic_int_inc (&finished);
  return NULL;
}

/* The trap's window made wider: a change numbered, not yet visible. This
 * trigger, deferred to the commit, sleeps there up to 3 ms a change, after
 * every seq of the transaction was taken, while the other writers number
 * and commit theirs. */
static const char slow_commits[] =
  "CREATE FUNCTION test_commit_slowly () RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN PERFORM pg_sleep (random () * 0.003); RETURN NULL; END $$;"
  "CREATE CONSTRAINT TRIGGER test_commit_slowly AFTER INSERT ON changes"
  " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_commit_slowly ()";

/* A storage on @uri of its own: its connections and transactions, as a
 * server of its own would have. */
static HallServerStorage *
storage_new (const char *uri)
{
  g_autoptr(GError) error = NULL;
  HallServerStorage *storage = HALL_SERVER_STORAGE (hall_server_postgres_new (uri, &error));

  g_assert_no_error (error);
  return storage;
}

/* The test's own connection to @uri, to look at the tables. */
static PGconn *
connect_to (const char *uri)
{
  g_autoptr(GError) error = NULL;
  PGconn *pg = hall_server_postgres_open (uri, &error);

  g_assert_no_error (error);
  return pg;
}

static void
exec_ok (PGconn     *pg,
         const char *sql)
{
  PGresult *result = PQexec (pg, sql);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
}

/* Three writers, each on a storage of its own (so, connections and
 * transactions of its own, as three servers would have), number changes
 * and commit them in random order and at random times; a reader follows
 * the feed all along with its cursor. Every committed change is read, and
 * read once, in increasing seq; none rolled back is. */
static void
test_feed_never_skips (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "feed");
  g_autoptr(HallServerStorage) reader_storage = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  Writer writers[WRITERS];
  GThread *threads[WRITERS];
  gint64 cursor = 0;
  guint written = 0;

  PGconn *pg;

  reader_storage = storage_new (uri);
  pg = connect_to (uri);
  exec_ok (pg, slow_commits);
  PQfinish (pg);
  for (guint i = 0; i < WRITERS; i++)
    {
      writers[i].storage = storage_new (uri);
      writers[i].index = i;
      writers[i].written = g_ptr_array_new_with_free_func (g_free);
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }

  /* Follows the feed until the writers are done, then drains it once more. */
  for (gboolean last = FALSE; ; )
    {
      g_autoptr(GPtrArray) changes = NULL;
      gboolean all_done = g_atomic_int_get (&finished) == WRITERS;

      changes = hall_server_storage_list_changes (reader_storage, cursor,
                                                  50, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < changes->len; i++)
        {
          HallChange *change = g_ptr_array_index (changes, i);

          g_assert_cmpint (change->seq, >, cursor);
          cursor = change->seq;
          g_assert_false (g_hash_table_contains (seen, change->uuid));
          g_hash_table_add (seen, g_strdup (change->uuid));
        }
      if (changes->len > 0)
        continue;
      if (last)
        break;
      last = all_done;
      g_usleep (500);
    }
  for (guint i = 0; i < WRITERS; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < WRITERS; i++)
    {
      written += writers[i].written->len;
      for (guint j = 0; j < writers[i].written->len; j++)
        g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (writers[i].written, j)));
      g_ptr_array_unref (writers[i].written);
      g_object_unref (writers[i].storage);
    }
  /* Nothing rolled back was read. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, written);
  g_assert_cmpuint (written, >, 0);
}

static void
put_case (HallServerStorage *storage,
          const char        *uuid,
          gint64             version,
          const char        *counter)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = g_strdup_printf ("YC-2026-C01-%.8s", uuid);
  g_autofree char *json = g_strdup_printf (
    "{\"uuid\":\"%s\",\"number\":\"%s\",\"service\":\"company_business_license\","
    "\"counter\":\"%s\",\"official\":\"demo\",\"state\":\"received\","
    "\"created_at\":\"2026-11-02T09:00:00Z\",\"version\":%" G_GINT64_FORMAT "}",
    uuid, number, counter, version);

  g_assert_true (hall_server_storage_put_entity (storage, HALL_ENTITY_CASE, uuid, version, number,
                                                 json, &error));
  g_assert_no_error (error);
}

static gint64
count_of (PGconn     *pg,
          const char *sql)
{
  PGresult *result = PQexec (pg, sql);
  gint64 n;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return n;
}

/* Ends every other connection to @pg's database, as an administrator or a
 * failover does: how many. */
static gint64
end_other_connections (PGconn *pg)
{
  return count_of (pg, "SELECT count(pg_terminate_backend (pid)) FROM pg_stat_activity"
                       " WHERE datname = current_database () AND pid <> pg_backend_pid ()");
}

/* "C01:1 C02:2 …": the cases opened by counter in November 2026. */
static char *
opened_by_counter (HallServerStorage *storage)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  rows = hall_server_storage_stats_cases (storage, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z",
                                          "counter", "2026-12-05T00:00:00Z", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      HallStatsRow *row = g_ptr_array_index (rows, i);

      g_string_append_printf (text, "%s%s:%" G_GINT64_FORMAT, i > 0 ? " " : "", row->key,
                              row->opened);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The figures count a committed case whether or not the follower fed it
 * yet (a read feeds the rest), and the same before the cells' deltas are
 * folded and after; a case moved away leaves no empty cell behind, and
 * the deltas are gone. */
static void
test_stats_fold (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "fold");
  g_autoptr(HallServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *moved = g_uuid_string_random ();
  PGconn *pg;

  storage = storage_new (uri);
  pg = connect_to (uri);

  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, moved, 1, "C01");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      put_case (storage, uuid, 1, i == 0 ? "C01" : "C02");
    }
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, moved, 2, "C03");
  {
    g_autofree char *uuid = g_uuid_string_random ();

    put_case (storage, uuid, 1, "C02");
  }
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);

  before = opened_by_counter (storage);
  g_assert_cmpstr (before, ==, "C01:1 C02:2 C03:1");
  /* Fed up to the last change, each once: its deltas are not folded yet
   * (the follower folds after a thousand, or ten seconds). */
  g_assert_cmpint (count_of (pg, "SELECT seq FROM stats_fed"), ==,
                   count_of (pg, "SELECT max (seq) FROM changes"));
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cell_deltas"), >, 0);
  g_assert_cmpint (count_of (pg, "SELECT stats_cells_fold ()"), >, 0);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cell_deltas"), ==, 0);
  after = opened_by_counter (storage);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cells WHERE opened = 0"), ==, 0);

  /* Moved back: C03's cell empties, and goes with the next fold. */
  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, moved, 3, "C01");
  g_assert_true (hall_server_storage_commit (storage, &error));
  /* Fed by the follower or here, folded here. */
  count_of (pg, "SELECT stats_feed (true, NULL)");
  g_assert_cmpint (count_of (pg, "SELECT stats_cells_fold ()"), >, 0);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cells WHERE key = 'C03'"), ==, 0);
  g_clear_pointer (&after, g_free);
  after = opened_by_counter (storage);
  g_assert_cmpstr (after, ==, "C01:2 C02:2");
  PQfinish (pg);
}

/* @n new cases at @counter, in one transaction. */
static void
commit_new_cases (HallServerStorage *storage,
                  guint              n,
                  const char        *counter)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hall_server_storage_begin (storage, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      put_case (storage, uuid, 1, counter);
    }
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
}

/* Waits until the figures are fed up to the last change, as no read of
 * them makes happen: the follower's work. */
static void
wait_until_fed (PGconn *pg)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (count_of (pg, "SELECT coalesce ((SELECT seq FROM stats_fed), 0)")
         < count_of (pg, "SELECT max (seq) FROM changes"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

/* The follower feeds the figures after a commit, with no read to make it:
 * stats_fed reaches the last change by itself. And a time PostgreSQL
 * cannot read counts the case out, as SQLite does, and stops nothing:
 * the changes after it are fed. */
static void
test_stats_follower (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "follower");
  g_autoptr(HallServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *figures = NULL;
  /* GLib reads both; PostgreSQL neither (a decimal comma; an offset
   * beyond its ±15:59). */
  const char *odd_times[] = { "2026-11-02T09:00:00,5Z", "2026-11-02T09:00:00+16:00" };
  PGconn *pg;

  storage = storage_new (uri);
  pg = connect_to (uri);

  g_assert_true (hall_server_storage_begin (storage, &error));
  for (guint i = 0; i < G_N_ELEMENTS (odd_times); i++)
    {
      g_autofree char *odd = g_uuid_string_random ();
      g_autofree char *number = g_strdup_printf ("YC-2026-C01-odd%u", i);
      g_autofree char *odd_json = g_strdup_printf (
        "{\"uuid\":\"%s\",\"number\":\"%s\",\"service\":\"company_business_license\","
        "\"counter\":\"C09\",\"official\":\"demo\",\"state\":\"received\","
        "\"created_at\":\"%s\",\"version\":1}", odd, number, odd_times[i]);

      g_assert_true (hall_server_storage_put_entity (storage, HALL_ENTITY_CASE, odd, 1, number,
                                                     odd_json, &error));
      g_assert_no_error (error);
    }
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
  commit_new_cases (storage, 3, "C01");

  wait_until_fed (pg);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cases"), ==, 3);

  /* The database ended every connection but this one (a restart, a
   * failover): the follower finds its own broken at the next commit, and
   * feeds on a new one. */
  g_assert_cmpint (end_other_connections (pg), >=, 2);
  {
    g_autofree char *missing = g_uuid_string_random ();

    /* (The storage's connection is made again by a read.) */
    g_assert_null (hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, missing, NULL,
                                                   &error));
    g_clear_error (&error);
  }
  commit_new_cases (storage, 1, "C02");
  wait_until_fed (pg);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cases"), ==, 4);
  figures = opened_by_counter (storage);
  g_assert_cmpstr (figures, ==, "C01:3 C02:1");
  PQfinish (pg);
}

static gint64
fed_up_to (PGconn *pg)
{
  return count_of (pg, "SELECT coalesce ((SELECT seq FROM stats_fed), 0)");
}

/* A burst of writes (a counter pushing what it took in offline) is not
 * fed while it lasts, so that the feed does not slow it: the follower
 * waits for the writes to pause. Under writes that never pause it feeds
 * at the latest a while after the first it has not fed. (The waits are
 * longer than the defaults here, so that no hiccup of a busy machine
 * between two commits looks like a pause.) */
static void
test_stats_follower_waits_for_a_pause (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "pause");
  g_autoptr(HallServerStorage) storage = NULL;
  const gint64 quiet = 1500 * G_TIME_SPAN_MILLISECOND;
  const gint64 at_most = 3 * G_USEC_PER_SEC;
  gint64 start, fed;
  PGconn *pg;

  hall_stats_follower_set_waits (quiet, at_most);
  storage = storage_new (uri);
  pg = connect_to (uri);

  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < G_USEC_PER_SEC)
    {
      commit_new_cases (storage, 1, "C01");
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
      g_assert_cmpint (fed_up_to (pg), ==, 0);
    }
  wait_until_fed (pg);

  /* Writes that do not pause: fed while they go on, not before the
   * longest wait is over. */
  fed = fed_up_to (pg);
  start = g_get_monotonic_time ();
  while (fed_up_to (pg) == fed)
    {
      g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * at_most);
      commit_new_cases (storage, 1, "C02");
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
  g_assert_cmpint (g_get_monotonic_time () - start, >=, at_most);
  wait_until_fed (pg);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM stats_cases"), ==,
                   count_of (pg, "SELECT count(*) FROM cases"));
  hall_stats_follower_set_waits (0, 0);
  PQfinish (pg);
}

typedef struct
{
  HallServerStorage *storage;   /* a writer's own, with its own follower */
  guint              index;
  GHashTable        *counters;  /* committed: uuid -> its case's counter */
  GHashTable        *versions;  /* committed: uuid -> version */
  guint              decisions; /* committed */
} CaseWriter;

/* A decision on @case_uuid, returning it for a missing document. */
static void
put_decision (HallServerStorage *storage,
              const char        *case_uuid,
              gint64             case_version)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *json = g_strdup_printf (
    "{\"uuid\":\"%s\",\"case\":\"%s\",\"kind\":\"decision\",\"step\":\"review\","
    "\"decision\":\"return\",\"at\":\"2026-11-02T10:00:00Z\","
    "\"reasons\":[{\"code\":\"missing_document\"}]}", uuid, case_uuid);

  g_assert_true (hall_server_storage_put_event (storage, uuid, case_uuid, case_version, json,
                                                &error));
  g_assert_no_error (error);
}

/* Transactions of one to three new cases at counter C0<index>, some also
 * moving an earlier case of the writer's to another counter (C0<index>
 * or M), or deciding on one, one in ten rolled back. */
static gpointer
case_writer_thread (gpointer data)
{
  CaseWriter *writer = data;
  GRand *rand = g_rand_new_with_seed (writer->index + 11);
  static const char * const homes[WRITERS] = { "C00", "C01", "C02" };
  const char *home = homes[writer->index];

  for (guint t = 0; t < TRANSACTIONS / 2; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GHashTable) counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      guint n = g_rand_int_range (rand, 1, 4);
      gboolean roll_back = g_rand_int_range (rand, 0, 10) == 0;
      gboolean decided = FALSE;
      GHashTableIter iter;
      gpointer uuid, counter;

      g_assert_true (hall_server_storage_begin (writer->storage, &error));
      for (guint i = 0; i < n; i++)
        {
          char *fresh = g_uuid_string_random ();

          put_case (writer->storage, fresh, 1, home);
          g_hash_table_insert (counters, fresh, (gpointer) "");
        }
      if (g_hash_table_size (writer->counters) > 0 && g_rand_boolean (rand))
        {
          g_autofree gpointer *known = g_hash_table_get_keys_as_array (writer->counters, NULL);
          const char *old = known[g_rand_int_range (rand, 0, g_hash_table_size (writer->counters))];
          gint64 version = GPOINTER_TO_INT (g_hash_table_lookup (writer->versions, old)) + 1;
          const char *to = g_str_equal (g_hash_table_lookup (writer->counters, old), "M") ? home : "M";

          put_case (writer->storage, old, version, to);
          g_hash_table_insert (counters, g_strdup (old), (gpointer) to);
          decided = g_rand_boolean (rand);
          if (decided)
            put_decision (writer->storage, old, version);
        }
      g_usleep (g_rand_int_range (rand, 0, 2000));
      if (roll_back)
        {
          hall_server_storage_rollback (writer->storage);
          continue;
        }
      g_assert_true (hall_server_storage_commit (writer->storage, &error));
      g_assert_no_error (error);
      writer->decisions += decided;
      g_hash_table_iter_init (&iter, counters);
      while (g_hash_table_iter_next (&iter, &uuid, &counter))
        {
          gint64 version = GPOINTER_TO_INT (g_hash_table_lookup (writer->versions, uuid)) + 1;

          g_hash_table_insert (writer->counters, g_strdup (uuid),
                               (gpointer) (*(const char *) counter != '\0' ? counter : home));
          g_hash_table_insert (writer->versions, g_strdup (uuid), GINT_TO_POINTER (version));
        }
    }
  g_rand_free (rand);
  g_atomic_int_inc (&finished);
  return NULL;
}

/* Three writers, each a storage of its own (as three servers, each with
 * its follower feeding the figures), create and move cases in
 * transactions committed in random order, while a reader reads the
 * figures all along (and so feeds them too). In the end they count every
 * committed case once, at the counter of its last committed version, and
 * every committed decision once: no change fed twice, none skipped, none
 * fed after a later one. */
static void
test_stats_fed_once (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "fed");
  g_autoptr(HallServerStorage) reader = NULL;
  g_autoptr(GHashTable) opened = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;
  g_autofree char *figures = NULL;
  CaseWriter writers[WRITERS];
  GThread *threads[WRITERS];
  PGconn *pg;

  reader = storage_new (uri);
  pg = connect_to (uri);
  exec_ok (pg, slow_commits);
  g_atomic_int_set (&finished, 0);
  for (guint i = 0; i < WRITERS; i++)
    {
      writers[i].storage = storage_new (uri);
      writers[i].index = i;
      writers[i].counters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      writers[i].versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      writers[i].decisions = 0;
      threads[i] = g_thread_new ("writer", case_writer_thread, &writers[i]);
    }
  while (g_atomic_int_get (&finished) < WRITERS)
    {
      g_free (opened_by_counter (reader));
      g_usleep (2000);
    }

  for (guint i = 0; i < WRITERS; i++)
    {
      GHashTableIter iter;
      gpointer counter;

      g_thread_join (threads[i]);
      g_hash_table_iter_init (&iter, writers[i].counters);
      while (g_hash_table_iter_next (&iter, NULL, &counter))
        g_hash_table_insert (opened, counter,
                             GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (opened, counter)) + 1));
    }
  keys = g_list_sort (g_hash_table_get_keys (opened), (GCompareFunc) strcmp);
  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf (expected, "%s%s:%d", l == keys ? "" : " ", (char *) l->data,
                            GPOINTER_TO_INT (g_hash_table_lookup (opened, l->data)));
  figures = opened_by_counter (reader);
  g_assert_cmpstr (figures, ==, expected->str);
  g_assert_true (g_hash_table_contains (opened, "M"));
  /* The decisions (not idempotent to feed: each adds to its step's
   * count and to its case's history) counted once each. */
  {
    guint decisions = 0;

    for (guint i = 0; i < WRITERS; i++)
      decisions += writers[i].decisions;
    g_assert_cmpuint (decisions, >, 0);
    g_assert_cmpint (count_of (pg, "SELECT sum (decided) FROM stats_steps"), ==, decisions);
    g_assert_cmpint (count_of (pg, "SELECT sum (length (history) / length ('review:return;'))"
                                   " FROM stats_cases"), ==, decisions);
  }
  g_assert_cmpint (count_of (pg, "SELECT seq FROM stats_fed"), ==,
                   count_of (pg, "SELECT max (seq) FROM changes"));
  for (guint i = 0; i < WRITERS; i++)
    {
      g_hash_table_unref (writers[i].counters);
      g_hash_table_unref (writers[i].versions);
      g_object_unref (writers[i].storage);
    }
  PQfinish (pg);
}

/* Deferred writes (a batch's): sent without waiting, each says it was
 * written, and the flush says whether all were. More than the pipeline
 * holds at once, so their answers are also read on the way. A creation
 * refused by the database (another server created the uuid) fails the
 * flush, and a commit never makes such a transaction durable; a rollback
 * to the savepoint undoes the deferred writes, and those written again
 * one by one are committed. */
static void
test_deferred_writes (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "deferred");
  g_autoptr(HallServerStorage) storage = NULL;
  g_autoptr(HallServerStorage) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *taken = g_uuid_string_random ();
  g_autofree char *kept = g_uuid_string_random ();
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  PGconn *pg;

  storage = storage_new (uri);
  other = storage_new (uri);
  pg = connect_to (uri);

  /* 450 cases, deferred, all written. */
  g_assert_true (hall_server_storage_begin (storage, &error));
  hall_server_storage_defer_writes (storage);
  for (guint i = 0; i < 450; i++)
    {
      g_ptr_array_add (uuids, g_uuid_string_random ());
      put_case (storage, uuids->pdata[i], 1, "C01");
    }
  g_assert_true (hall_server_storage_flush_writes (storage, &error));
  g_assert_no_error (error);
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 450);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM changes WHERE entity = 'case'"), ==, 450);

  /* Another server creates @taken first; this one, deferring, creates it
   * too among others: told so at the flush, not at the write. */
  g_assert_true (hall_server_storage_begin (other, &error));
  put_case (other, taken, 1, "C02");
  g_assert_true (hall_server_storage_commit (other, &error));

  g_assert_true (hall_server_storage_begin (storage, &error));
  g_assert_true (hall_server_storage_savepoint (storage, &error));
  hall_server_storage_defer_writes (storage);
  put_case (storage, kept, 1, "C01");
  put_case (storage, taken, 1, "C01");
  g_assert_false (hall_server_storage_flush_writes (storage, &error));
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Undone, and written again one by one, without @taken. */
  g_assert_true (hall_server_storage_rollback_to (storage, &error));
  g_assert_true (hall_server_storage_savepoint (storage, &error));
  put_case (storage, kept, 1, "C01");
  g_assert_true (hall_server_storage_release (storage, &error));
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 452);

  /* A deferred write that failed and was never flushed: the commit
   * refuses, and the rollback leaves nothing of that transaction. */
  {
    g_autofree char *lost = g_uuid_string_random ();

    g_assert_true (hall_server_storage_begin (storage, &error));
    hall_server_storage_defer_writes (storage);
    put_case (storage, lost, 1, "C01");
    put_case (storage, taken, 1, "C01");
    g_assert_false (hall_server_storage_commit (storage, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    hall_server_storage_rollback (storage);
  }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 452);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM changes WHERE entity = 'case'"), ==, 452);

  /* A refusal read on the way (the pipeline full) stops the batch's
   * writes at once: the rest would be undone anyway. */
  {
    gboolean stopped = FALSE;

    g_assert_true (hall_server_storage_begin (storage, &error));
    hall_server_storage_defer_writes (storage);
    put_case (storage, taken, 1, "C01");
    for (guint i = 0; i < 400 && !stopped; i++)
      {
        g_autofree char *uuid = g_uuid_string_random ();
        g_autofree char *json = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"person\"}", uuid);

        stopped = !hall_server_storage_put_entity (storage, HALL_ENTITY_APPLICANT, uuid, 1, NULL,
                                                   json, &error);
      }
    g_assert_true (stopped);
    g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT);
    g_clear_error (&error);
    g_assert_false (hall_server_storage_flush_writes (storage, &error));
    g_clear_error (&error);
    hall_server_storage_rollback (storage);
  }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM applicants"), ==, 0);

  /* The connection ended by the database in the middle of deferred writes
   * (an administrator, a failover): nothing of them is committed, and the
   * next transaction runs on a new connection. With one write deferred;
   * with more than the pipeline holds, so that the loss is found while
   * sending; and with writes going on after the loss. */
  {
    const guint before[] = { 1, 250, 10 };
    const guint after[] = { 0, 0, 300 };

    for (guint k = 0; k < G_N_ELEMENTS (before); k++)
      {
        g_assert_true (hall_server_storage_begin (storage, &error));
        hall_server_storage_defer_writes (storage);
        for (guint i = 0; i < before[k]; i++)
          {
            g_autofree char *lost = g_uuid_string_random ();

            put_case (storage, lost, 1, "C01");
          }
        g_assert_cmpint (end_other_connections (pg), >=, 1);
        for (guint i = 0; i < after[k]; i++)
          {
            g_autofree char *uuid = g_uuid_string_random ();
            g_autofree char *json = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"person\"}",
                                                     uuid);

            if (!hall_server_storage_put_entity (storage, HALL_ENTITY_APPLICANT, uuid, 1, NULL,
                                                 json, &error))
              break;
          }
        g_clear_error (&error);
        g_assert_false (hall_server_storage_flush_writes (storage, &error));
        g_assert_nonnull (error);
        g_clear_error (&error);
        g_assert_false (hall_server_storage_commit (storage, &error));
        g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN);
        g_clear_error (&error);
        hall_server_storage_rollback (storage);
        g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 452);
        g_assert_cmpint (count_of (pg, "SELECT count(*) FROM applicants"), ==, 0);
      }
  }

  /* And the connection serves on, not left in pipeline mode. */
  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, g_ptr_array_index (uuids, 0), 2, "C01");
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
  PQfinish (pg);
}

static GPtrArray *
strings (const char *first,
         ...)
{
  GPtrArray *array = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *value = first; value != NULL; value = va_arg (args, const char *))
    g_ptr_array_add (array, (gpointer) value);
  va_end (args);
  return array;
}

/* A transaction's idempotency answers go in as arrays, in statements of
 * a bounded size (a message to PostgreSQL may not pass 1 GB): more rows
 * than one statement takes, and a body larger than its bytes, all stored
 * exactly, whatever characters they hold. A NULL where the table wants a
 * value fails the commit with the database's reason (it does not crash),
 * and nothing of its transaction stays. */
static void
test_answers (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "answers");
  g_autoptr(HallServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *large = g_strnfill (33 * 1024 * 1024, '\\');
  const guint n = 12001;
  const guint replayed[] = { 0, 1, 4999, 5000, 5001, 9999, 10000, 12000 };
  PGconn *pg;

  storage = storage_new (uri);
  pg = connect_to (uri);

  g_assert_true (hall_server_storage_begin (storage, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("demo\n{\"answer\", %u}", i);
      g_autofree char *body = g_strdup_printf ("{\"n\":%u,\"odd\":\"{\\\"a\\\",b\\\\ NULL 键}\"}",
                                               i);
      HallIdempotentAnswer answer = { .request_hash = i % 2 ? "NULL" : "", .status = 201,
                                      .etag = G_MAXINT64 - i, .body = body };

      g_assert_true (hall_server_storage_put_idempotent_answer (storage, key, &answer, &error));
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *key = g_strdup_printf ("demo\nlarge-%u", i);
      HallIdempotentAnswer answer = { .request_hash = "h", .status = 200, .etag = 2,
                                      .body = large };

      g_assert_true (hall_server_storage_put_idempotent_answer (storage, key, &answer, &error));
    }
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);

  /* Both ends of each statement's rows, odd and even. */
  for (guint r = 0; r < G_N_ELEMENTS (replayed); r++)
    {
      guint i = replayed[r];
      g_autofree char *key = g_strdup_printf ("demo\n{\"answer\", %u}", i);
      g_autofree char *body = g_strdup_printf ("{\"n\":%u,\"odd\":\"{\\\"a\\\",b\\\\ NULL 键}\"}",
                                               i);
      g_autoptr(HallIdempotentAnswer) replay =
        hall_server_storage_get_idempotent_answer (storage, key, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (replay->body, ==, body);
      g_assert_cmpstr (replay->request_hash, ==, i % 2 ? "NULL" : "");
      g_assert_cmpint (replay->etag, ==, G_MAXINT64 - i);
    }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM idempotency"), ==, n + 2);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM idempotency"
                                 " WHERE body ~ '^{\"n\":[0-9]+,\"odd\":\"{\\\\\"a\\\\\",b\\\\\\\\ NULL 键}\"}$'"),
                   ==, n);
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM idempotency"
                                 " WHERE length (body) = 33 * 1024 * 1024 AND body !~ '[^\\\\]'"),
                   ==, 2);

  /* After a statement's worth of good ones: the rows already sent go
   * with the transaction. */
  {
    HallIdempotentAnswer answer = { .request_hash = NULL, .status = 201, .etag = 1,
                                    .body = "{}" };
    HallIdempotentAnswer good = { .request_hash = "h", .status = 201, .etag = 1, .body = "{}" };

    g_assert_true (hall_server_storage_begin (storage, &error));
    for (guint i = 0; i < 5001; i++)
      {
        g_autofree char *key = g_strdup_printf ("demo\nbefore-%u", i);

        g_assert_true (hall_server_storage_put_idempotent_answer (storage, key, &good, &error));
      }
    g_assert_true (hall_server_storage_put_idempotent_answer (storage, "demo\nno-hash", &answer,
                                                              &error));
    g_assert_false (hall_server_storage_commit (storage, &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "request_hash"));
    g_clear_error (&error);
    hall_server_storage_rollback (storage);
  }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM idempotency"), ==, n + 2);
  PQfinish (pg);
}

/* A group's reads ahead go in one round trip: afterwards, what they found
 * answers the reads without asking the database (which, to show it, has
 * ended the connection by then), and what they did not find is known to
 * be missing. One of their statements that fails (a value that is not
 * UTF-8) fails the read-ahead with the database's reason; the savepoint
 * undoes it, and the connection serves on, not left in pipeline mode. A
 * connection lost in the middle of a transaction is not handed out. */
static void
test_read_ahead (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "ahead");
  g_autoptr(HallServerStorage) storage = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = g_uuid_string_random ();
  g_autofree char *missing = g_uuid_string_random ();
  g_autofree char *number = g_strdup_printf ("YC-2026-C01-%.8s", stored);
  g_autofree char *found = NULL;
  g_autoptr(HallIdempotentAnswer) replay = NULL;
  HallIdempotentAnswer answer = { .request_hash = "hash", .status = 201, .etag = 1, .body = "{}" };
  gint64 version = 0;
  PGconn *pg;

  storage = storage_new (uri);
  pg = connect_to (uri);

  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, stored, 1, "C01");
  g_assert_true (hall_server_storage_put_idempotent_answer (storage, "demo\nkey-1", &answer,
                                                            &error));
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GPtrArray) keys = strings ("demo\nkey-1", "demo\nkey-2", NULL);
    g_autoptr(GPtrArray) applicants = strings (missing, NULL);
    g_autoptr(GPtrArray) cases = strings (stored, missing, NULL);
    g_autoptr(GPtrArray) numbers = strings (number, "YC-2026-C01-none", NULL);
    g_autoptr(GPtrArray) events = strings (missing, NULL);
    HallReadAhead what = { keys, applicants, cases, numbers, events };

    g_assert_true (hall_server_storage_begin (storage, &error));
    g_assert_true (hall_server_storage_read_ahead (storage, &what, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (end_other_connections (pg), ==, 1);

  found = hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, stored, &version, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (found, stored));
  g_assert_cmpint (version, ==, 1);
  g_clear_pointer (&found, g_free);
  found = hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, missing, NULL, &error);
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = hall_server_storage_get_entity (storage, HALL_ENTITY_APPLICANT, missing, NULL, &error);
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = hall_server_storage_find_case_by_number (storage, number, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, stored);
  g_clear_pointer (&found, g_free);
  found = hall_server_storage_find_case_by_number (storage, "YC-2026-C01-none", &error);
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  replay = hall_server_storage_get_idempotent_answer (storage, "demo\nkey-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replay->status, ==, 201);
  g_assert_null (hall_server_storage_get_idempotent_answer (storage, "demo\nkey-2", &error));
  g_assert_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  hall_server_storage_rollback (storage);

  {
    g_autoptr(GPtrArray) keys = strings ("demo\nkey-3", NULL);
    g_autoptr(GPtrArray) cases = strings (missing, "not \xff UTF-8", NULL);
    HallReadAhead what = { keys, NULL, cases, NULL, NULL };
    g_autofree char *written = g_uuid_string_random ();

    g_assert_true (hall_server_storage_begin (storage, &error));
    g_assert_no_error (error);
    g_assert_true (hall_server_storage_savepoint (storage, &error));
    g_assert_false (hall_server_storage_read_ahead (storage, &what, &error));
    g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL);
    g_assert_nonnull (strstr (error->message, "UTF8"));
    g_clear_error (&error);
    g_assert_true (hall_server_storage_rollback_to (storage, &error));
    put_case (storage, written, 1, "C01");
    g_assert_true (hall_server_storage_commit (storage, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 2);

  /* The connection lost in the middle of a transaction: the thread's
   * connection is not handed out (to the queue's statements), or what ran
   * on the new one would run outside any transaction. */
  {
    g_autofree char *lost = g_uuid_string_random ();

    g_assert_true (hall_server_storage_begin (storage, &error));
    g_assert_true (hall_server_storage_savepoint (storage, &error));
    put_case (storage, lost, 1, "C01");
    g_assert_cmpint (end_other_connections (pg), ==, 1);
    g_assert_null (hall_server_storage_get_entity (storage, HALL_ENTITY_CASE, missing, NULL,
                                                   &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_null (hall_server_postgres_get_thread_pg (HALL_SERVER_POSTGRES (storage), &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_false (hall_server_storage_commit (storage, &error));
    g_clear_error (&error);
    hall_server_storage_rollback (storage);
  }
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 2);
  PQfinish (pg);
}

/* A write begun on its own thread while a migration is under way; its
 * error, or NULL. */
typedef struct
{
  HallServerStorage *storage;
  gint               begun;
} WriteDuringMigration;

static gpointer
write_during_migration (gpointer data)
{
  WriteDuringMigration *write = data;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *number = g_strdup_printf ("YC-2026-C01-%.8s", uuid);
  GError *error = NULL;

  g_atomic_int_set (&write->begun, TRUE);
  if (hall_server_storage_begin (write->storage, &error)
      && hall_server_storage_put_entity (write->storage, HALL_ENTITY_CASE, uuid, 1, number, "{}",
                                         &error))
    hall_server_storage_commit (write->storage, &error);
  else
    hall_server_storage_rollback (write->storage);
  return error;
}

/* A newer server migrates the database while this one runs: this one
 * writes nothing more, says so to its health check, and is itself again
 * when the database is back at its schema (restored from a backup). */
static void
test_outdated_server (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "outdated");
  g_autoptr(HallServerStorage) storage = storage_new (uri);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = g_uuid_string_random ();
  g_autofree char *after = g_uuid_string_random ();
  g_autofree char *number = g_strdup_printf ("YC-2026-C01-%.8s", after);
  PGconn *pg = connect_to (uri);

  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, before, 1, "C01");
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
  g_assert_false (hall_server_storage_is_outdated (storage));

  /* What a newer server's migration leaves. */
  /* (Expected before the update: the check above began a read of the
   * version, which may meet it.) */
  g_test_expect_message ("hall-server-postgres", G_LOG_LEVEL_WARNING,
                         "A newer server has migrated the database*");
  exec_ok (pg, "UPDATE hall_schema SET version = version + 1");
  g_assert_true (hall_server_storage_begin (storage, &error));
  g_assert_false (hall_server_storage_put_entity (storage, HALL_ENTITY_CASE, after, 1, number,
                                                  "{}", &error));
  g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OUTDATED);
  g_assert_nonnull (strstr (error->message, "newer than this server"));
  g_clear_error (&error);
  hall_server_storage_rollback (storage);
  g_test_assert_expected_messages ();
  g_assert_true (hall_server_storage_is_outdated (storage));
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 1);

  exec_ok (pg, "UPDATE hall_schema SET version = version - 1");
  g_assert_true (hall_server_storage_begin (storage, &error));
  put_case (storage, after, 1, "C01");
  g_assert_true (hall_server_storage_commit (storage, &error));
  g_assert_no_error (error);
  g_assert_false (hall_server_storage_is_outdated (storage));
  g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 2);

  /* A migration under way, holding its lock: the check waits for it,
   * and then sees the version it committed. */
  {
    WriteDuringMigration write = { storage, FALSE };
    g_autoptr(GError) write_error = NULL;
    GThread *thread;

    exec_ok (pg, "BEGIN");
    g_assert_cmpint (count_of (pg, "SELECT count(*) FROM (SELECT pg_advisory_xact_lock ("
                                   "7402161301)) AS locked"), ==, 1);
    exec_ok (pg, "UPDATE hall_schema SET version = version + 1");
    g_test_expect_message ("hall-server-postgres", G_LOG_LEVEL_WARNING,
                           "A newer server has migrated the database*");
    thread = g_thread_new ("write-during-migration", write_during_migration, &write);
    while (!g_atomic_int_get (&write.begun))
      g_usleep (1000);
    /* Until the commit, the check waits on the lock. */
    for (guint i = 0; i < 100 && count_of (pg, "SELECT count(*) FROM pg_locks"
                                               " WHERE locktype = 'advisory' AND NOT granted") == 0;
         i++)
      g_usleep (10000);
    g_assert_cmpint (count_of (pg, "SELECT count(*) FROM pg_locks"
                                   " WHERE locktype = 'advisory' AND NOT granted"), ==, 1);
    exec_ok (pg, "COMMIT");
    write_error = g_thread_join (thread);
    g_assert_error (write_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OUTDATED);
    g_test_assert_expected_messages ();
    g_assert_cmpint (count_of (pg, "SELECT count(*) FROM cases"), ==, 2);
    exec_ok (pg, "UPDATE hall_schema SET version = version - 1");
  }

  /* A server that writes nothing after the migration (no counter sent it
   * a write) learns it from the reads its health check asks for, on a
   * thread of their own: the check answers at once, from the last. */
  {
    g_autoptr(HallServerStorage) idle = storage_new (uri);
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    g_test_expect_message ("hall-server-postgres", G_LOG_LEVEL_WARNING,
                           "A newer server has migrated the database*");
    exec_ok (pg, "UPDATE hall_schema SET version = version + 1");
    while (!hall_server_storage_is_outdated (idle))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (10000);
      }
    g_test_assert_expected_messages ();
    exec_ok (pg, "UPDATE hall_schema SET version = version - 1");
  }
  PQfinish (pg);
}

/* A DBA sees the server's connections by name, or by the name the URI
 * gives them. */
static void
test_application_name (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "named");
  g_autofree char *named_uri = g_strconcat (uri, strchr (uri, '?') != NULL ? "&" : "?",
                                            "application_name=hall-7", NULL);
  PGconn *pg = connect_to (uri);

  {
    g_autoptr(HallServerStorage) storage = storage_new (uri);

    g_assert_cmpint (count_of (pg, "SELECT count(*) FROM pg_stat_activity"
                                   " WHERE datname = current_database ()"
                                   " AND application_name = 'service-hall-server'"
                                   " AND pid <> pg_backend_pid ()"), >=, 1);
  }
  {
    g_autoptr(HallServerStorage) storage = storage_new (named_uri);

    g_assert_cmpint (count_of (pg, "SELECT count(*) FROM pg_stat_activity"
                                   " WHERE datname = current_database ()"
                                   " AND application_name = 'hall-7'"), >=, 1);
  }
  PQfinish (pg);
}

/* The value libpq uses for @keyword on @pg. */
static char *
conninfo_value (PGconn     *pg,
                const char *keyword)
{
  PQconninfoOption *options = PQconninfo (pg);
  char *value = NULL;

  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    if (g_str_equal (option->keyword, keyword))
      value = g_strdup (option->val);
  PQconninfoFree (options);
  return value;
}

/* A connection over TCP finds out that its database's machine is gone in
 * about a minute, not the kernel's 15 minutes to 2 hours; a URI's own
 * keepalives_idle wins over the server's. */
static void
test_dead_peer_timeouts (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "keepalives");
  g_autofree char *own_uri = g_strconcat (uri, strchr (uri, '?') != NULL ? "&" : "?",
                                          "keepalives_idle=7", NULL);
  const struct
  {
    const char *keyword;
    const char *value;
  } expected[] = {
    { "keepalives_idle", "30" },
    { "keepalives_interval", "10" },
    { "keepalives_count", "3" },
    { "tcp_user_timeout", "30000" },
    { "connect_timeout", "5" },
  };
  PGconn *pg = hall_server_postgres_connect (uri);
  PGconn *own = hall_server_postgres_connect (own_uri);

  g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
  g_assert_cmpint (PQstatus (own), ==, CONNECTION_OK);
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *value = conninfo_value (pg, expected[i].keyword);

      g_assert_cmpstr (value, ==, expected[i].value);
    }
  {
    g_autofree char *idle = conninfo_value (own, "keepalives_idle");
    g_autofree char *interval = conninfo_value (own, "keepalives_interval");

    g_assert_cmpstr (idle, ==, "7");
    g_assert_cmpstr (interval, ==, "10");
  }
  PQfinish (own);
  PQfinish (pg);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  postgres = hall_test_postgres_start (&error);
  g_assert_no_error (error);
  if (postgres == NULL)
    {
      g_printerr ("PostgreSQL is not installed: skipped\n");
      return 77;
    }
  g_test_add_func ("/hall/server-postgres/feed/never-skips", test_feed_never_skips);
  g_test_add_func ("/hall/server-postgres/stats/fold", test_stats_fold);
  g_test_add_func ("/hall/server-postgres/stats/fed-once", test_stats_fed_once);
  g_test_add_func ("/hall/server-postgres/stats/follower", test_stats_follower);
  g_test_add_func ("/hall/server-postgres/stats/follower-waits-for-a-pause",
                   test_stats_follower_waits_for_a_pause);
  g_test_add_func ("/hall/server-postgres/deferred-writes", test_deferred_writes);
  g_test_add_func ("/hall/server-postgres/read-ahead", test_read_ahead);
  g_test_add_func ("/hall/server-postgres/answers", test_answers);
  g_test_add_func ("/hall/server-postgres/application-name", test_application_name);
  g_test_add_func ("/hall/server-postgres/dead-peer-timeouts", test_dead_peer_timeouts);
  g_test_add_func ("/hall/server-postgres/outdated-server", test_outdated_server);
  rc = g_test_run ();
  hall_test_postgres_stop (postgres);
  return rc;
}
