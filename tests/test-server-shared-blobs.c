/* test-server-shared-blobs.c — blobs in a directory several servers share
 * (--blobs): an upload begun through one server resumes through another
 * and is read through the first; an upload running in one server's blob
 * store is neither overwritten by another's nor swept away by it; and
 * blobs kept in PostgreSQL (--blobs postgresql) by servers that share no
 * directory, their uploads in progress too: resumed through another
 * server after the first was killed mid-request, written by one server
 * at a time, and capped per official across servers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <curl/curl.h>
#include <glib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <string.h>

#include "hall-blob-store.h"
#include "hall-test-http.h"
#include "hall-test-postgres.h"
#include "hall-test-server.h"

/* One cluster for the tests in PostgreSQL, a database each; NULL when
 * PostgreSQL is not installed. */
static HallTestPostgres *cluster;
static gboolean cluster_tried;

static HallTestPostgres *
shared_postgres (void)
{
  if (!cluster_tried)
    {
      g_autoptr(GError) error = NULL;

      cluster_tried = TRUE;
      cluster = hall_test_postgres_start (&error);
      g_assert_no_error (error);
    }
  return cluster;
}

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

/* A page as the server takes one: a PNG's signature and header first,
 * then random bytes; its name into @sha256_out. */
static guint8 *
make_page (gsize   size,
           char  **sha256_out)
{
  static const guint8 png_header[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0x03, 0xe8, 0, 0, 0x05, 0x78, 8, 0, 0, 0, 0, 0, 0, 0, 0,
  };
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  memcpy (data, png_header, sizeof png_header);
  *sha256_out = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  return data;
}

static void
test_resume_through_another (void)
{
  g_autofree char *root = g_dir_make_tmp ("hall-blobs-XXXXXX", NULL);
  g_autofree char *dir_a = g_build_filename (root, "a", NULL);
  g_autofree char *dir_b = g_build_filename (root, "b", NULL);
  g_autofree char *shared = g_build_filename (root, "shared", NULL);
  g_autofree char *sha256 = NULL;
  g_autofree char *whole_sha256 = NULL;
  gsize size = 300 * 1024;
  g_autofree guint8 *data = make_page (size, &sha256);
  g_autofree guint8 *whole = make_page (size, &whole_sha256);
  g_autofree char *path = g_strconcat ("/v1/blobs/", sha256, NULL);
  g_autofree char *whole_path = g_strconcat ("/v1/blobs/", whole_sha256, NULL);
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, size / 2);
  g_autofree char *token_a = NULL;
  g_autofree char *token_b = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *prefix = g_strndup (sha256, 2);
  const char *first_half[] = { "Upload-Offset: 0", length_header, NULL };
  const char *second_half[] = { offset_header, length_header, NULL };
  const char *blobs_shared[] = { "--blobs", shared, NULL };
  HallTestReply *reply;
  HallTestServer *a, *b;

  a = hall_test_server_start_full (dir_a, NULL, blobs_shared);
  token_a = sign_in (a->url);
  b = hall_test_server_start_full (dir_b, NULL, blobs_shared);
  token_b = sign_in (b->url);
  reply = hall_test_http_request (a->url, "PATCH", path, token_a, data, size / 2, 0, first_half);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);

  /* B, running all along, learns of the upload from its record on disk,
   * and where it stands. */
  reply = hall_test_http_request (b->url, "HEAD", path, token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  g_assert_cmpuint (g_ascii_strtoull (g_hash_table_lookup (reply->headers, "upload-offset"),
                                      NULL, 10), ==, size / 2);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (b->url, "PATCH", path, token_b, data + size / 2,
                                  size - size / 2, 0, second_half);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);

  /* Read through A, byte for byte; it lies in the shared directory. */
  reply = hall_test_http_request (a->url, "GET", path, token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_cmpuint (reply->body->len, ==, size);
  g_assert_true (memcmp (reply->body->str, data, size) == 0);
  hall_test_reply_free (reply);
  stored = g_build_filename (shared, prefix, sha256, NULL);
  g_assert_true (g_file_test (stored, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *unshared = g_build_filename (dir_a, "blobs", prefix, sha256, NULL);

    g_assert_false (g_file_test (unshared, G_FILE_TEST_EXISTS));
  }

  /* A whole upload through B, read through A. */
  reply = hall_test_http_request (b->url, "PUT", whole_path, token_b, whole, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (a->url, "GET", whole_path, token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_true (reply->body->len == size && memcmp (reply->body->str, whole, size) == 0);
  hall_test_reply_free (reply);

  hall_test_server_finish (a);
  hall_test_server_finish (b);
  hall_test_remove_tree (root);
}

/* Two blob stores on one directory, as two servers' (each holds its own
 * file descriptions, as two processes would): while one writes an upload,
 * the other's upload of the same file is BUSY and leaves the bytes alone,
 * and the other's sweep at start does not remove them. */
static void
test_running_upload_is_respected (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-XXXXXX", NULL);
  g_autofree char *sha256 = NULL;
  gsize size = 64 * 1024;
  g_autofree guint8 *data = make_page (size, &sha256);
  g_autoptr(HallBlobStore) one = NULL;
  g_autoptr(HallBlobStore) other = NULL;
  g_autoptr(GError) error = NULL;
  HallBlobUpload *upload;
  HallBlobUpload *second;
  gboolean complete;
  guint64 held;

  one = hall_blob_store_new (dir, 50 * 1024 * 1024, &error);
  g_assert_no_error (error);
  other = hall_blob_store_new (dir, 50 * 1024 * 1024, &error);
  g_assert_no_error (error);
  hall_blob_store_set_partial_limits (one, 3600, 1024 * 1024);

  /* A whole upload (no record on disk), its first half written. */
  upload = hall_blob_store_begin_upload (one, sha256, "demo", TRUE, 0, size, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hall_blob_upload_write (upload, data, size / 2, &error));

  /* The other server starts: its sweep leaves the running upload be. */
  hall_blob_store_set_partial_limits (other, 3600, 1024 * 1024);
  g_assert_cmpint (hall_blob_store_stat (other, sha256, &held), ==, HALL_BLOB_PARTIAL);
  g_assert_cmpuint (held, ==, size / 2);

  /* Its upload of the same file is refused, and truncates nothing. */
  second = hall_blob_store_begin_upload (other, sha256, "demo", TRUE, 0, size, NULL, &error);
  g_assert_null (second);
  g_assert_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_cmpint (hall_blob_store_stat (one, sha256, &held), ==, HALL_BLOB_PARTIAL);
  g_assert_cmpuint (held, ==, size / 2);

  g_assert_true (hall_blob_upload_write (upload, data + size / 2, size - size / 2, &error));
  g_assert_true (hall_blob_upload_finish (upload, &complete, &held, &error));
  g_assert_no_error (error);
  g_assert_true (complete);
  g_assert_cmpint (hall_blob_store_stat (other, sha256, &held), ==, HALL_BLOB_COMPLETE);
  g_assert_cmpuint (held, ==, size);
  g_clear_object (&one);
  g_clear_object (&other);
  hall_test_remove_tree (dir);
}

/* Servers A and (when asked for) B on a database of their own in the
 * shared cluster, with no directory in common, each with demo signed in;
 * their directories are kept for a test that starts A again. */
typedef struct
{
  HallTestPostgres *postgres;
  char             *root;
  char             *dir_a;
  char             *dir_b;
  char             *uri;
  HallTestServer   *a;
  HallTestServer   *b;
  char             *token_a;
  char             *token_b;
} PgServers;

/* Starts A with @args_a and, unless @args_b is NULL, B with @args_b on
 * a new database @database_name; FALSE, the test skipped, when
 * PostgreSQL is not installed. */
static gboolean
pg_servers_start (PgServers         *s,
                  const char        *database_name,
                  const char *const *args_a,
                  const char *const *args_b)
{
  s->postgres = shared_postgres ();
  if (s->postgres == NULL)
    {
      g_test_skip ("PostgreSQL is not installed");
      return FALSE;
    }
  s->root = g_dir_make_tmp ("hall-blobs-XXXXXX", NULL);
  s->dir_a = g_build_filename (s->root, "a", NULL);
  s->dir_b = g_build_filename (s->root, "b", NULL);
  s->uri = hall_test_postgres_create_database (s->postgres, database_name);
  s->a = hall_test_server_start_full (s->dir_a, s->uri, args_a);
  s->token_a = sign_in (s->a->url);
  if (args_b != NULL)
    {
      s->b = hall_test_server_start_full (s->dir_b, s->uri, args_b);
      s->token_b = sign_in (s->b->url);
    }
  return TRUE;
}

/* Stops the servers still running, each of which must shut down cleanly;
 * root and the rest stay for the test's last checks. */
static void
pg_servers_finish (PgServers *s)
{
  g_clear_pointer (&s->a, hall_test_server_finish);
  g_clear_pointer (&s->b, hall_test_server_finish);
}

static void
pg_servers_clear (PgServers *s)
{
  /* Servers a test did not finish are stopped, not left running; then
   * their folders go, as a test that fails has aborted before this. */
  g_clear_pointer (&s->a, hall_test_server_free);
  g_clear_pointer (&s->b, hall_test_server_free);
  if (s->root != NULL)
    hall_test_remove_tree (s->root);
  g_free (s->root);
  g_free (s->dir_a);
  g_free (s->dir_b);
  g_free (s->uri);
  g_free (s->token_a);
  g_free (s->token_b);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PgServers, pg_servers_clear)

/* Two servers with no directory in common, the blobs in their database:
 * what one stored the other reads, byte for byte, after a restart too;
 * nothing lands in a blob directory; bytes that do not hash to the name
 * leave no row, nor the upload they ended; and --blobs postgresql without
 * a database is refused. */
static void
test_in_postgresql (void)
{
  g_auto(PgServers) s = { 0 };
  g_autofree char *sha256 = NULL;
  g_autofree char *resumed_sha256 = NULL;
  gsize size = 300 * 1024;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *resumed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *resumed_path = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, size / 2);
  const char *first_half[] = { "Upload-Offset: 0", length_header, NULL };
  const char *second_half[] = { offset_header, length_header, NULL };
  const char *in_database[] = { "--blobs", "postgresql", NULL };
  HallTestReply *reply;
  PGconn *pg;
  PGresult *rows;

  if (!pg_servers_start (&s, "blobs", in_database, in_database))
    return;
  data = make_page (size, &sha256);
  resumed = make_page (size, &resumed_sha256);
  path = g_strconcat ("/v1/blobs/", sha256, NULL);
  resumed_path = g_strconcat ("/v1/blobs/", resumed_sha256, NULL);

  /* Stored whole through A, read through B. */
  reply = hall_test_http_request (s.a->url, "PUT", path, s.token_a, data, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "GET", path, s.token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_true (reply->body->len == size && memcmp (reply->body->str, data, size) == 0);
  hall_test_reply_free (reply);

  /* Resumed through A, read through B. */
  reply = hall_test_http_request (s.a->url, "PATCH", resumed_path, s.token_a, resumed, size / 2, 0,
                                  first_half);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.a->url, "PATCH", resumed_path, s.token_a, resumed + size / 2,
                                  size - size / 2, 0, second_half);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "HEAD", resumed_path, s.token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 200);
  hall_test_reply_free (reply);

  /* Bytes that are not what their name says: refused, no row. */
  data[1000] ^= 0xff;
  reply = hall_test_http_request (s.b->url, "PUT", path, s.token_b, data, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 201);  /* held already: a replay */
  hall_test_reply_free (reply);
  {
    g_autofree char *other_sha256 = NULL;
    g_autofree guint8 *other = make_page (size, &other_sha256);
    g_autofree char *other_path = g_strconcat ("/v1/blobs/", other_sha256, NULL);

    other[1000] ^= 0xff;
    reply = hall_test_http_request (s.b->url, "PUT", other_path, s.token_b, other, size, 0, NULL);
    g_assert_cmpint (reply->status, ==, 422);
    hall_test_reply_free (reply);
    reply = hall_test_http_request (s.a->url, "GET", other_path, s.token_a, NULL, 0, 0, NULL);
    g_assert_cmpint (reply->status, ==, 404);
    hall_test_reply_free (reply);

    /* Begun through A, ended wrong through B: no row, and the upload is
     * gone for both. */
    reply = hall_test_http_request (s.a->url, "PATCH", other_path, s.token_a, other, size / 2, 0,
                                    first_half);
    g_assert_cmpint (reply->status, ==, 204);
    hall_test_reply_free (reply);
    reply = hall_test_http_request (s.b->url, "PATCH", other_path, s.token_b, other + size / 2,
                                    size - size / 2, 0, second_half);
    g_assert_cmpint (reply->status, ==, 422);
    hall_test_reply_free (reply);
    reply = hall_test_http_request (s.a->url, "HEAD", other_path, s.token_a, NULL, 0, 0, NULL);
    g_assert_cmpint (reply->status, ==, 404);
    hall_test_reply_free (reply);
  }
  data[1000] ^= 0xff;

  /* The rows, and no file in either blob directory. */
  pg = PQconnectdb (s.uri);
  g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
  rows = PQexec (pg, "SELECT count (*), sum (size), sum (length (data)) FROM blobs");
  g_assert_cmpint (PQresultStatus (rows), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (rows, 0, 0), ==, "2");
  g_assert_cmpuint (g_ascii_strtoull (PQgetvalue (rows, 0, 1), NULL, 10), ==, 2 * size);
  g_assert_cmpuint (g_ascii_strtoull (PQgetvalue (rows, 0, 2), NULL, 10), ==, 2 * size);
  PQclear (rows);
  rows = PQexec (pg, "SELECT (SELECT count (*) FROM blob_uploads)"
                     " + (SELECT count (*) FROM blob_upload_parts)");
  g_assert_cmpint (PQresultStatus (rows), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (rows, 0, 0), ==, "0");
  PQclear (rows);
  PQfinish (pg);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *prefix = g_strndup (i == 0 ? sha256 : resumed_sha256, 2);
      g_autofree char *file = g_build_filename (i == 0 ? s.dir_a : s.dir_b, "blobs", prefix,
                                                i == 0 ? sha256 : resumed_sha256, NULL);

      g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
    }

  /* Durable: A started again still has both. */
  hall_test_server_finish (s.a);
  s.a = hall_test_server_start_full (s.dir_a, s.uri, in_database);
  g_clear_pointer (&s.token_a, g_free);
  s.token_a = sign_in (s.a->url);
  reply = hall_test_http_request (s.a->url, "GET", resumed_path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_true (reply->body->len == size && memcmp (reply->body->str, resumed, size) == 0);
  hall_test_reply_free (reply);
  pg_servers_finish (&s);

  /* Without a database there is nowhere to put them. */
  {
    g_autofree char *dir_c = g_build_filename (s.root, "c", NULL);
    const char *args[] = { "--data", dir_c, "--blobs", "postgresql", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (hall_test_server_run (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "--blobs postgresql needs --database"));
  }
}

/* Upload tests in PostgreSQL */

/* The answer to a SQL query of one number, on @uri. */
static gint64
query_number (const char *uri,
              const char *sql)
{
  PGconn *pg = PQconnectdb (uri);
  PGresult *result;
  gint64 value;

  g_assert_cmpint (PQstatus (pg), ==, CONNECTION_OK);
  result = PQexec (pg, sql);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  PQfinish (pg);
  return value;
}

/* Waits (10 s at most) until @sql on @uri answers @expected. */
static void
wait_for_number (const char *uri,
                 const char *sql,
                 gint64      expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (query_number (uri, sql) != expected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
}

/* The uploads' locks are the only two-key advisory locks (objsubid 2)
 * the server takes for longer than a statement. */
#define UPLOAD_LOCKS "SELECT count (*) FROM pg_locks WHERE locktype = 'advisory'" \
                     " AND objsubid = 2 AND granted"
/* A connection inside a request's transaction, a piece of it written. */
#define PIECE_WRITTEN "SELECT count (*) FROM pg_stat_activity" \
                      " WHERE state = 'idle in transaction'" \
                      " AND query LIKE 'INSERT INTO blob_upload_parts%'"

/* (transfer full): a PATCH of the bytes @offset to @total of @data
 * through @url, of which only the first @sent went out: the server is in
 * the middle of it. */
static GSocketConnection *
begin_patch (const char   *url,
             const char   *token,
             const char   *path,
             const guint8 *data,
             gsize         offset,
             gsize         total,
             gsize         sent)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  const char *host = url + strlen ("http://");
  g_autofree char *head = NULL;
  GSocketConnection *connection;
  GOutputStream *out;

  connection = g_socket_client_connect_to_host (client, host, 0, NULL, &error);
  g_assert_no_error (error);
  head = g_strdup_printf ("PATCH %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                          "Upload-Offset: %" G_GSIZE_FORMAT "\r\n"
                          "Upload-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          path, host, token, offset, total, total - offset);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, data + offset, sent, NULL, NULL, &error));
  g_assert_no_error (error);
  return connection;
}

/* Sends the rest of @connection's PATCH (from byte @from of @data to
 * @total); the status line of its answer. */
static char *
end_patch (GSocketConnection *connection,
           const guint8      *data,
           gsize              from,
           gsize              total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char *line;

  g_assert_true (g_output_stream_write_all (out, data + from, total - from, NULL, NULL, &error));
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_strchomp (line);
  return line;
}

static void
assert_upload_offset (HallTestReply *reply,
                      gsize          expected)
{
  const char *value = g_hash_table_lookup (reply->headers, "upload-offset");

  g_assert_nonnull (value);
  g_assert_cmpuint (g_ascii_strtoull (value, NULL, 10), ==, expected);
}

static void
assert_served (const char   *url,
               const char   *token,
               const char   *path,
               const guint8 *data,
               gsize         size)
{
  g_autoptr(HallTestReply) reply = hall_test_http_request (url, "GET", path, token, NULL, 0, 0,
                                                           NULL);

  g_assert_cmpint (reply->status, ==, 200);
  g_assert_cmpuint (reply->body->len, ==, size);
  g_assert_true (memcmp (reply->body->str, data, size) == 0);
}

/* An upload begun through A, whose server is killed in the middle of a
 * request: through B, HEAD says what A's earlier request committed (not
 * the bytes of the request cut short), the lock went with A's
 * connection, a PATCH goes on from there (one whose client goes away
 * keeps what came), and both serve the blob. */
static void
test_in_postgresql_resume_after_kill (void)
{
  g_auto(PgServers) s = { 0 };
  /* Over a piece (1 MiB), so that A's cut request has written one. */
  gsize size = 3 * 1024 * 1024;
  gsize third = size / 3;
  g_autofree char *sha256 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *path = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, third);
  const char *first[] = { "Upload-Offset: 0", length_header, NULL };
  const char *rest[] = { offset_header, length_header, NULL };
  const char *in_database[] = { "--blobs", "postgresql", NULL };
  g_autoptr(GSocketConnection) cut = NULL;
  g_autofree char *written_since = NULL;
  gint64 went_away;
  HallTestReply *reply;

  if (!pg_servers_start (&s, "resume", in_database, in_database))
    return;
  data = make_page (size, &sha256);
  path = g_strconcat ("/v1/blobs/", sha256, NULL);

  reply = hall_test_http_request (s.a->url, "PATCH", path, s.token_a, data, third, 0, first);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);

  /* A second request through A, half of its bytes sent, one piece of
   * them written in its transaction; then A dies. */
  cut = begin_patch (s.a->url, s.token_a, path, data, third, size, 1200 * 1024);
  wait_for_number (s.uri, PIECE_WRITTEN, 1);
  g_assert_cmpint (query_number (s.uri, UPLOAD_LOCKS), ==, 1);
  hall_test_server_kill (s.a);
  g_clear_pointer (&s.a, hall_test_server_free);
  g_clear_object (&cut);
  /* PostgreSQL sees the connection close: the lock does not outlive A. */
  wait_for_number (s.uri, UPLOAD_LOCKS, 0);

  reply = hall_test_http_request (s.b->url, "HEAD", path, s.token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  assert_upload_offset (reply, third);
  hall_test_reply_free (reply);

  /* B's client goes away in the middle of a request: what came is kept,
   * and counts as written when it was kept, not when the request began
   * (the sweep goes by it). */
  cut = begin_patch (s.b->url, s.token_b, path, data, third, size, 1200 * 1024);
  wait_for_number (s.uri, PIECE_WRITTEN, 1);
  went_away = query_number (s.uri, "SELECT (extract (epoch FROM clock_timestamp ()) * 1000000)"
                                   "::bigint");
  g_io_stream_close (G_IO_STREAM (cut), NULL, NULL);
  g_clear_object (&cut);
  wait_for_number (s.uri, "SELECT sum (octet_length (data)) FROM blob_upload_parts",
                   third + 1200 * 1024);
  wait_for_number (s.uri, UPLOAD_LOCKS, 0);
  written_since = g_strdup_printf ("SELECT count (*) FROM blob_uploads WHERE written_at"
                                   " >= 'epoch'::timestamptz + %" G_GINT64_FORMAT
                                   " * interval '1 microsecond'",
                                   went_away);
  g_assert_cmpint (query_number (s.uri, written_since), ==, 1);
  g_clear_pointer (&offset_header, g_free);
  offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, third + 1200 * 1024);
  rest[0] = offset_header;

  reply = hall_test_http_request (s.b->url, "PATCH", path, s.token_b, data + third + 1200 * 1024,
                                  size - third - 1200 * 1024, 0, rest);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);

  assert_served (s.b->url, s.token_b, path, data, size);
  s.a = hall_test_server_start_full (s.dir_a, s.uri, in_database);
  g_clear_pointer (&s.token_a, g_free);
  s.token_a = sign_in (s.a->url);
  assert_served (s.a->url, s.token_a, path, data, size);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blob_uploads"), ==, 0);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blob_upload_parts"), ==, 0);
  pg_servers_finish (&s);
}

/* While A writes a request of an upload, B's PATCH and PUT of the same
 * blob are 409 (the PATCH's saying what is committed) and change
 * nothing; A's request then completes the blob, byte for byte. */
static void
test_in_postgresql_one_writer (void)
{
  g_auto(PgServers) s = { 0 };
  gsize size = 3 * 1024 * 1024;
  gsize third = size / 3;
  g_autofree char *sha256 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, third);
  const char *first[] = { "Upload-Offset: 0", length_header, NULL };
  const char *rest[] = { offset_header, length_header, NULL };
  const char *in_database[] = { "--blobs", "postgresql", NULL };
  g_autoptr(GSocketConnection) running = NULL;
  HallTestReply *reply;

  if (!pg_servers_start (&s, "one_writer", in_database, in_database))
    return;
  data = make_page (size, &sha256);
  path = g_strconcat ("/v1/blobs/", sha256, NULL);

  reply = hall_test_http_request (s.a->url, "PATCH", path, s.token_a, data, third, 0, first);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);
  running = begin_patch (s.a->url, s.token_a, path, data, third, size, 1200 * 1024);
  wait_for_number (s.uri, PIECE_WRITTEN, 1);

  reply = hall_test_http_request (s.b->url, "PATCH", path, s.token_b, data + third, size - third, 0,
                                  rest);
  g_assert_cmpint (reply->status, ==, 409);
  assert_upload_offset (reply, third);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "PUT", path, s.token_b, data, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 409);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "HEAD", path, s.token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  assert_upload_offset (reply, third);
  hall_test_reply_free (reply);

  status = end_patch (running, data, third + 1200 * 1024, size);
  g_assert_cmpstr (status, ==, "HTTP/1.1 201 Created");
  assert_served (s.b->url, s.token_b, path, data, size);
  assert_served (s.a->url, s.token_a, path, data, size);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blob_uploads"), ==, 0);
  g_assert_cmpint (query_number (s.uri, UPLOAD_LOCKS), ==, 0);
  pg_servers_finish (&s);
}

/* --blob-uploads: a server writes at most that many uploads at once, each
 * on a database connection of its own; one more is a 503 with Retry-After
 * that changes nothing, and goes through once the other is done. */
static void
test_in_postgresql_uploads_limit (void)
{
  g_auto(PgServers) s = { 0 };
  gsize size = 3 * 1024 * 1024;
  gsize other_size = 300 * 1024;
  g_autofree char *sha256 = NULL;
  g_autofree char *other_sha256 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *other = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_path = NULL;
  g_autofree char *status = NULL;
  const char *limited[] = { "--blobs", "postgresql", "--blob-uploads", "1", NULL };
  g_autoptr(GSocketConnection) running = NULL;
  HallTestReply *reply;

  if (!pg_servers_start (&s, "uploads_limit", limited, NULL))
    return;
  data = make_page (size, &sha256);
  other = make_page (other_size, &other_sha256);
  path = g_strconcat ("/v1/blobs/", sha256, NULL);
  other_path = g_strconcat ("/v1/blobs/", other_sha256, NULL);

  running = begin_patch (s.a->url, s.token_a, path, data, 0, size, 1200 * 1024);
  wait_for_number (s.uri, PIECE_WRITTEN, 1);

  reply = hall_test_http_request (s.a->url, "PUT", other_path, s.token_a, other, other_size, 0,
                                  NULL);
  g_assert_cmpint (reply->status, ==, 503);
  g_assert_nonnull (g_hash_table_lookup (reply->headers, "retry-after"));
  hall_test_reply_free (reply);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blobs"), ==, 0);
  /* Reads hold no connection for long: they are not counted. The bytes
   * of the request under way are not committed yet. */
  reply = hall_test_http_request (s.a->url, "HEAD", path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  assert_upload_offset (reply, 0);
  hall_test_reply_free (reply);

  status = end_patch (running, data, 1200 * 1024, size);
  g_assert_cmpstr (status, ==, "HTTP/1.1 201 Created");
  reply = hall_test_http_request (s.a->url, "PUT", other_path, s.token_a, other, other_size, 0,
                                  NULL);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  assert_served (s.a->url, s.token_a, path, data, size);
  assert_served (s.a->url, s.token_a, other_path, other, other_size);
  pg_servers_finish (&s);
}

/* A whole upload (PUT) of bytes that are not what their name says,
 * through B, while an upload of that name is in progress (begun through
 * A): refused, and the upload in progress is as it was, resumed and
 * completed through A. */
static void
test_in_postgresql_wrong_put_keeps_upload (void)
{
  g_auto(PgServers) s = { 0 };
  gsize size = 300 * 1024;
  gsize half = size / 2;
  g_autofree char *sha256 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *wrong = NULL;
  g_autofree char *path = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, half);
  const char *first[] = { "Upload-Offset: 0", length_header, NULL };
  const char *rest[] = { offset_header, length_header, NULL };
  const char *in_database[] = { "--blobs", "postgresql", NULL };
  HallTestReply *reply;

  if (!pg_servers_start (&s, "wrong_put", in_database, in_database))
    return;
  data = make_page (size, &sha256);
  wrong = g_memdup2 (data, size);
  wrong[1000] ^= 0xff;
  path = g_strconcat ("/v1/blobs/", sha256, NULL);

  reply = hall_test_http_request (s.a->url, "PATCH", path, s.token_a, data, half, 0, first);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);

  reply = hall_test_http_request (s.b->url, "PUT", path, s.token_b, wrong, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 422);
  hall_test_reply_free (reply);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blobs"), ==, 0);

  reply = hall_test_http_request (s.a->url, "HEAD", path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  assert_upload_offset (reply, half);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.a->url, "PATCH", path, s.token_a, data + half, size - half, 0,
                                  rest);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  assert_served (s.b->url, s.token_b, path, data, size);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blob_uploads"), ==, 0);
  pg_servers_finish (&s);
}

/* While the database is away, HEAD and GET of a blob kept in it are a 503
 * (retry), not a 404 that tells a counter the upload is gone and to begin
 * it again; once it is back, the upload is there as it was. */
static void
test_in_postgresql_database_away (void)
{
  g_auto(PgServers) s = { 0 };
  g_autoptr(GError) error = NULL;
  gsize size = 300 * 1024;
  g_autofree char *sha256 = NULL;
  g_autofree char *whole_sha256 = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree guint8 *whole = NULL;
  g_autofree char *path = NULL;
  g_autofree char *whole_path = NULL;
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, size);
  const char *first[] = { "Upload-Offset: 0", length_header, NULL };
  const char *in_database[] = { "--blobs", "postgresql", NULL };
  HallTestReply *reply;

  if (!pg_servers_start (&s, "away", in_database, NULL))
    return;
  data = make_page (size, &sha256);
  whole = make_page (size, &whole_sha256);
  path = g_strconcat ("/v1/blobs/", sha256, NULL);
  whole_path = g_strconcat ("/v1/blobs/", whole_sha256, NULL);

  reply = hall_test_http_request (s.a->url, "PATCH", path, s.token_a, data, size / 2, 0, first);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.a->url, "PUT", whole_path, s.token_a, whole, size, 0, NULL);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);

  hall_test_postgres_pause (s.postgres);
  reply = hall_test_http_request (s.a->url, "HEAD", path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 503);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.a->url, "GET", whole_path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 503);
  hall_test_reply_free (reply);
  g_assert_true (hall_test_postgres_resume (s.postgres, &error));
  g_assert_no_error (error);

  reply = hall_test_http_request (s.a->url, "HEAD", path, s.token_a, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 204);
  assert_upload_offset (reply, size / 2);
  hall_test_reply_free (reply);
  assert_served (s.a->url, s.token_a, whole_path, whole, size);
  pg_servers_finish (&s);
}

/* --partial-cap counts every server's unfinished uploads of an official:
 * what demo began through A keeps their next upload through B out, until
 * B finishes A's; and any server's sweep removes what nobody writes to
 * any more, whichever server it was begun through. */
static void
test_in_postgresql_cap (void)
{
  g_auto(PgServers) s = { 0 };
  g_autofree char *dir_c = NULL;
  g_autofree char *first_sha256 = NULL;
  g_autofree char *second_sha256 = NULL;
  g_autofree char *small_sha256 = NULL;
  g_autofree guint8 *first = NULL;
  g_autofree guint8 *second = NULL;
  g_autofree guint8 *small = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  g_autofree char *small_path = NULL;
  const char *capped[] = { "--blobs", "postgresql", "--partial-cap", "1000000", NULL };
  const char *sweeping[] = { "--blobs", "postgresql", "--partial-ttl", "1", NULL };
  const char *first_start[] = { "Upload-Offset: 0", "Upload-Length: 700000", NULL };
  const char *first_rest[] = { "Upload-Offset: 1000", "Upload-Length: 700000", NULL };
  const char *second_start[] = { "Upload-Offset: 0", "Upload-Length: 400000", NULL };
  const char *small_start[] = { "Upload-Offset: 0", "Upload-Length: 300000", NULL };
  HallTestReply *reply;
  HallTestServer *c;
  gint64 deadline;

  if (!pg_servers_start (&s, "cap", capped, capped))
    return;
  first = make_page (700000, &first_sha256);
  second = make_page (400000, &second_sha256);
  small = make_page (300000, &small_sha256);
  first_path = g_strconcat ("/v1/blobs/", first_sha256, NULL);
  second_path = g_strconcat ("/v1/blobs/", second_sha256, NULL);
  small_path = g_strconcat ("/v1/blobs/", small_sha256, NULL);
  dir_c = g_build_filename (s.root, "c", NULL);

  reply = hall_test_http_request (s.a->url, "PATCH", first_path, s.token_a, first, 1000, 0,
                                  first_start);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);

  /* 700000 announced through A + 400000 > 1000000, though B holds none. */
  reply = hall_test_http_request (s.b->url, "PATCH", second_path, s.token_b, second, 1000, 0,
                                  second_start);
  g_assert_cmpint (reply->status, ==, 429);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "PUT", second_path, s.token_b, second, 400000, 0, NULL);
  g_assert_cmpint (reply->status, ==, 429);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.b->url, "HEAD", second_path, s.token_b, NULL, 0, 0, NULL);
  g_assert_cmpint (reply->status, ==, 404);
  hall_test_reply_free (reply);

  /* Within the cap, demo goes on through B. */
  reply = hall_test_http_request (s.b->url, "PATCH", small_path, s.token_b, small, 1000, 0,
                                  small_start);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);

  /* A's upload finished through B no longer counts, through A either. */
  reply = hall_test_http_request (s.b->url, "PATCH", first_path, s.token_b, first + 1000,
                                  700000 - 1000, 0, first_rest);
  g_assert_cmpint (reply->status, ==, 201);
  hall_test_reply_free (reply);
  reply = hall_test_http_request (s.a->url, "PATCH", second_path, s.token_a, second, 1000, 0,
                                  second_start);
  g_assert_cmpint (reply->status, ==, 204);
  hall_test_reply_free (reply);
  g_assert_cmpint (query_number (s.uri, "SELECT sum (length) FROM blob_uploads"), ==,
                   300000 + 400000);

  /* C, whose uploads expire after a second, sweeps both unfinished
   * uploads away, though A and B began them. */
  c = hall_test_server_start_full (dir_c, s.uri, sweeping);
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  for (;;)
    {
      reply = hall_test_http_request (s.a->url, "HEAD", small_path, s.token_a, NULL, 0, 0, NULL);
      if (reply->status == 404)
        break;
      g_assert_cmpint (reply->status, ==, 204);
      hall_test_reply_free (reply);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (100 * 1000);
    }
  hall_test_reply_free (reply);
  wait_for_number (s.uri, "SELECT count (*) FROM blob_uploads", 0);
  g_assert_cmpint (query_number (s.uri, "SELECT count (*) FROM blob_upload_parts"), ==, 0);
  assert_served (s.a->url, s.token_a, first_path, first, 700000);

  hall_test_server_finish (c);
  pg_servers_finish (&s);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add_func ("/hall/server-shared-blobs/resume-through-another",
                   test_resume_through_another);
  g_test_add_func ("/hall/server-shared-blobs/running-upload-is-respected",
                   test_running_upload_is_respected);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql", test_in_postgresql);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-resume-after-kill",
                   test_in_postgresql_resume_after_kill);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-one-writer",
                   test_in_postgresql_one_writer);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-wrong-put-keeps-upload",
                   test_in_postgresql_wrong_put_keeps_upload);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-uploads-limit",
                   test_in_postgresql_uploads_limit);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-database-away",
                   test_in_postgresql_database_away);
  g_test_add_func ("/hall/server-shared-blobs/in-postgresql-cap", test_in_postgresql_cap);
  status = g_test_run ();
  g_clear_pointer (&cluster, hall_test_postgres_stop);
  return status;
}
