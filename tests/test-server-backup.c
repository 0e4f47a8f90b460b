/* test-server-backup.c — backups: --backup of the SQLite file while a
 * server writes to it, restored and served; and README's pg_dump /
 * pg_restore procedure on a PostgreSQL cluster of the test's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <curl/curl.h>
#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hall-test-http.h"
#include "hall-test-server.h"
#include "hall-test-postgres.h"

static HallTestPostgres *postgres;

static HallTestReply *
request (const char        *base,
         const char        *method,
         const char        *path,
         const char        *token,
         const char        *body,
         const char *const *extra)
{
  return hall_test_http_request (base, method, path, token, body,
                                 body != NULL ? strlen (body) : 0,
                                 body != NULL ? HALL_TEST_HTTP_JSON : 0, extra);
}

static char *
sign_in (const char *base)
{
  const char *body = "{\"username\":\"demo\",\"password\":\"demo\"}";
  g_autoptr(HallTestReply) reply = request (base, "POST", "/v1/sessions", NULL, body, NULL);
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpint (reply->status, ==, 201);
  node = json_from_string (reply->body->str, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
}

static char *
fresh_resident_id (void)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static gint serial;
  guint n = (guint) g_atomic_int_add (&serial, 1);
  char base[18];
  int sum = 0;

  g_snprintf (base, sizeof base, "640104%04u%02u%02u%03u", 1950 + n / 336000,
              1 + n / 28000 % 12, 1 + n / 1000 % 28, n % 1000);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  return g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
}

/* Every page of the change feed, and the last seq. */
static char *
whole_feed (const char *base,
            const char *token,
            gint64     *last_out)
{
  g_autoptr(GString) all = g_string_new (NULL);
  gint64 cursor = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT "&limit=7",
                                               cursor);
      g_autoptr(HallTestReply) reply = request (base, "GET", path, token, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonArray *changes;

      g_assert_cmpint (reply->status, ==, 200);
      g_string_append (all, reply->body->str);
      node = json_from_string (reply->body->str, NULL);
      changes = json_object_get_array_member (json_node_get_object (node), "changes");
      if (json_array_get_length (changes) == 0)
        break;
      cursor = json_object_get_int_member (
        json_array_get_object_element (changes, json_array_get_length (changes) - 1), "seq");
    }
  *last_out = cursor;
  return g_string_free (g_steal_pointer (&all), FALSE);
}


/* A new applicant through @base; TRUE when the server acknowledged it. */
static gboolean
put_person (const char *base,
            const char *token,
            const char *uuid)
{
  g_autofree char *id_number = fresh_resident_id ();
  g_autofree char *person = g_strdup_printf ("{\"kind\":\"person\",\"name\":\"Test Person\","
                                             "\"id_type\":\"resident_id\",\"id_number\":\"%s\","
                                             "\"phone\":\"13800138000\"}", id_number);
  g_autofree char *path = g_strconcat ("/v1/applicants/", uuid, NULL);
  g_autoptr(HallTestReply) put = request (base, "PUT", path, token, person, NULL);

  return put->status == 201;
}

typedef struct
{
  const char *base;
  const char *token;
  GMutex      mutex;
  GPtrArray  *acknowledged;   /* uuids the server answered 201 for */
  gint        stop;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  while (!g_atomic_int_get (&writer->stop))
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_assert_true (put_person (writer->base, writer->token, uuid));
      g_mutex_lock (&writer->mutex);
      g_ptr_array_add (writer->acknowledged, g_steal_pointer (&uuid));
      g_mutex_unlock (&writer->mutex);
    }
  return NULL;
}

static guint
acknowledged_count (Writer *writer)
{
  guint n;

  g_mutex_lock (&writer->mutex);
  n = writer->acknowledged->len;
  g_mutex_unlock (&writer->mutex);
  return n;
}

/* The uuids of the feed's changes, paging through it, checking that seqs
 * only grow and that no entity appears twice (every applicant here is
 * written once). */
static GHashTable *
feed_uuids (const char *base,
            const char *token)
{
  GHashTable *uuids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 cursor = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT
                                               "&limit=500", cursor);
      g_autoptr(HallTestReply) reply = request (base, "GET", path, token, NULL, NULL);
      g_autoptr(JsonNode) node = NULL;
      JsonArray *changes;

      g_assert_cmpint (reply->status, ==, 200);
      node = json_from_string (reply->body->str, NULL);
      changes = json_object_get_array_member (json_node_get_object (node), "changes");
      if (json_array_get_length (changes) == 0)
        break;
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *uuid = json_object_get_string_member (change, "uuid");
          gint64 seq = json_object_get_int_member (change, "seq");

          g_assert_cmpint (seq, >, cursor);
          cursor = seq;
          g_assert_false (g_hash_table_contains (uuids, uuid));
          g_hash_table_add (uuids, g_strdup (uuid));
        }
    }
  return uuids;
}

/* --backup three times while a writer keeps writing through the server;
 * each backup, put in a new --data folder, is served: its feed is in
 * order with no change twice, holds every write acknowledged before the
 * backup started and nothing that was never written, and the next write
 * takes the next seq. */
static void
test_sqlite_backup (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-backup-XXXXXX", NULL);
  g_autofree char *token = NULL;
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_free);
  guint before[3];
  Writer writer = { 0 };
  GThread *thread;
  HallTestServer *server;

  server = hall_test_server_start_full (dir, NULL, NULL);
  token = sign_in (server->url);
  writer.base = server->url;
  writer.token = token;
  g_mutex_init (&writer.mutex);
  writer.acknowledged = g_ptr_array_new_with_free_func (g_free);
  thread = g_thread_new ("writer", writer_thread, &writer);
  while (acknowledged_count (&writer) < 100)
    g_usleep (1000);

  for (guint b = 0; b < 3; b++)
    {
      g_autofree char *target = g_strdup_printf ("%s/backup-%u.sqlite", dir, b);
      const char *args[] = { "--data", dir, "--backup", target, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      GStatBuf st;

      before[b] = acknowledged_count (&writer);
      g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 0);
      g_assert_cmpstr (err, ==, "");
      g_assert_nonnull (strstr (out, "applicants: "));
      g_assert_nonnull (strstr (out, "the change feed up to seq "));
      g_assert_nonnull (strstr (out, "/blobs"));
      /* Personal data: for its owner only. */
      g_assert_cmpint (g_stat (target, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0077, ==, 0);
      g_ptr_array_add (backups, g_steal_pointer (&target));
    }
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);
  hall_test_server_finish (server);
  g_assert_cmpuint (writer.acknowledged->len, >, before[2]);
  g_test_message ("%u writes acknowledged from the first backup's start to the writer's stop",
                  writer.acknowledged->len - before[0]);

  for (guint b = 0; b < backups->len; b++)
    {
      g_autofree char *restored = g_strdup_printf ("%s/restored-%u", dir, b);
      g_autofree char *db = g_build_filename (restored, "hall.sqlite", NULL);
      g_autofree char *contents = NULL;
      g_autofree char *feed = NULL;
      g_autofree char *restored_token = NULL;
      g_autofree char *next_uuid = g_uuid_string_random ();
      g_autofree char *since = NULL;
      g_autoptr(GHashTable) uuids = NULL;
      g_autoptr(GHashTable) written = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(HallTestReply) next = NULL;
      g_autoptr(JsonNode) node = NULL;
      gsize length;
      gint64 last;

      /* README's restore: the file put back as hall.sqlite of --data. */
      g_assert_cmpint (g_mkdir_with_parents (restored, 0700), ==, 0);
      g_assert_true (g_file_get_contents (g_ptr_array_index (backups, b), &contents, &length,
                                          NULL));
      g_assert_true (g_file_set_contents (db, contents, length, NULL));
      server = hall_test_server_start_full (restored, NULL, NULL);
      restored_token = sign_in (server->url);
      feed = whole_feed (server->url, restored_token, &last);
      uuids = feed_uuids (server->url, restored_token);
      for (guint i = 0; i < writer.acknowledged->len; i++)
        g_hash_table_add (written, g_ptr_array_index (writer.acknowledged, i));
      for (guint i = 0; i < before[b]; i++)
        g_assert_true (g_hash_table_contains (uuids, g_ptr_array_index (writer.acknowledged, i)));
      {
        GHashTableIter iter;
        gpointer uuid;

        g_hash_table_iter_init (&iter, uuids);
        while (g_hash_table_iter_next (&iter, &uuid, NULL))
          g_assert_true (g_hash_table_contains (written, uuid));
      }
      g_assert_cmpuint (g_hash_table_size (uuids), >=, before[b]);

      g_assert_true (put_person (server->url, restored_token, next_uuid));
      since = g_strdup_printf ("/v1/changes?since=%" G_GINT64_FORMAT, last);
      next = request (server->url, "GET", since, restored_token, NULL, NULL);
      node = json_from_string (next->body->str, NULL);
      g_assert_cmpint (json_object_get_int_member (
                         json_array_get_object_element (
                           json_object_get_array_member (json_node_get_object (node), "changes"),
                           0), "seq"), ==, last + 1);
      hall_test_server_finish (server);
    }
  g_ptr_array_unref (writer.acknowledged);
  g_mutex_clear (&writer.mutex);
  hall_test_remove_tree (dir);
}

/* Bad input: no hall at --data, a folder that is not there. A failed
 * backup leaves the previous one in place. */
static void
test_sqlite_backup_refusals (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-backup-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "backup.sqlite", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "backup.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  {
    const char *args[] = { "--data", dir, "--backup", target, NULL };

    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "There is no hall to back up"));
    g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  }
  hall_test_server_finish (hall_test_server_start_full (dir, NULL, NULL));
  {
    const char *args[] = { "--data", dir, "--backup", nowhere, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "does not exist"));
  }
  {
    const char *args[] = { "--data", dir, "--backup", target, NULL };
    GDir *folder;
    const char *name;

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 0);
    g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
    /* No temporary file left beside it. */
    folder = g_dir_open (dir, 0, NULL);
    while ((name = g_dir_read_name (folder)) != NULL)
      g_assert_false (g_str_has_suffix (name, ".partial"));
    g_dir_close (folder);
  }
  hall_test_remove_tree (dir);
}

/* README's procedure for PostgreSQL, followed on the test's cluster while
 * the server runs: pg_dump --format=custom, pg_restore into a new
 * database, a server on it answers the same feed and numbers on. */
static void
test_postgres_dump_restore (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-backup-XXXXXX", NULL);
  g_autofree char *restored_dir = g_build_filename (dir, "restored", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *restored_uri = NULL;
  g_autofree char *dump = g_build_filename (dir, "hall.dump", NULL);
  g_autofree char *token = NULL;
  g_autofree char *feed = NULL;
  g_autofree char *restored_feed = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last, restored_last;
  HallTestServer *server;
  int status;

  if (postgres == NULL)
    {
      g_test_skip ("PostgreSQL is not installed");
      hall_test_remove_tree (dir);
      return;
    }
  uri = hall_test_postgres_create_database (postgres, "live");
  restored_uri = hall_test_postgres_create_database (postgres, "restored");
  server = hall_test_server_start_full (dir, uri, NULL);
  token = sign_in (server->url);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      g_assert_true (put_person (server->url, token, uuid));
    }
  feed = whole_feed (server->url, token, &last);
  g_assert_cmpint (last, ==, 40);

  /* While it serves: pg_dump reads one snapshot. */
  {
    const char *argv[] = { "pg_dump", "--format=custom", "--file", dump, uri, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (err, ==, "");
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  hall_test_server_finish (server);
  {
    const char *argv[] = { "pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                           restored_uri, dump, NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (err, ==, "");
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  server = hall_test_server_start_full (restored_dir, restored_uri, NULL);
  g_clear_pointer (&token, g_free);
  token = sign_in (server->url);
  restored_feed = whole_feed (server->url, token, &restored_last);
  g_assert_cmpint (restored_last, ==, last);
  g_assert_cmpstr (restored_feed, ==, feed);
  /* The feed's sequence came back too: the next change is 41. */
  {
    g_autofree char *uuid = g_uuid_string_random ();
    g_autoptr(HallTestReply) next = NULL;
    g_autoptr(JsonNode) node = NULL;

    g_assert_true (put_person (server->url, token, uuid));
    next = request (server->url, "GET", "/v1/changes?since=40", token, NULL, NULL);
    node = json_from_string (next->body->str, NULL);
    g_assert_cmpint (json_object_get_int_member (
                       json_array_get_object_element (
                         json_object_get_array_member (json_node_get_object (node), "changes"),
                         0), "seq"), ==, 41);
  }
  hall_test_server_finish (server);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);
  postgres = hall_test_postgres_start (&error);
  g_assert_no_error (error);

  g_test_add_func ("/hall/server-backup/sqlite", test_sqlite_backup);
  g_test_add_func ("/hall/server-backup/sqlite-refusals", test_sqlite_backup_refusals);
  g_test_add_func ("/hall/server-backup/postgres-dump-restore", test_postgres_dump_restore);
  rc = g_test_run ();
  g_clear_pointer (&postgres, hall_test_postgres_stop);
  return rc;
}
