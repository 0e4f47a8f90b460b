/* test-server-blobs.c — uploads to service-hall-server are bounded: their
 * length is announced, kept and checked, a refused or abandoned upload
 * leaves nothing behind, a full disk is a 507, and only the roles that
 * attach documents upload
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test looks at the blob directory afterwards (blobs/partial/ holds
 * the uploads in progress, <sha256> and <sha256>.upload): a refusal is
 * only right if nothing of it is on disk.
 */
#define _GNU_SOURCE

#include <curl/curl.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <utime.h>

#include "hall-test-http.h"
#include "hall-test-files.h"
#include "hall-test-process.h"


#define MIB (1024 * 1024)
#define BLOB_LIMIT (50 * MIB)

typedef struct
{
  GSubprocess *process;
  char        *base;
  char        *data_dir;
  char        *partial_dir;
} Server;

typedef HallTestReply Reply;

/* A blob to upload: its bytes and its path. */
typedef struct
{
  guint8 *data;
  gsize   size;
  char   *sha256;
  char   *path;
} Blob;

/* The server most tests share, with the default limits. */
static Server *server;
static char *token;            /* demo: every role */

/* Servers */

/* A failed assertion must not leave a server behind, holding the pipe the
 * test runner waits on. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* @env: NULL, or "NAME", "value", … NULL for the server's environment. */
static Server *
server_start_with_env (const char        *data_dir,
                       const char *const *extra_args,
                       const char *const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *bin = g_getenv ("SERVICE_HALL_SERVER_BIN");
  Server *self = g_new0 (Server, 1);

  g_assert_nonnull (bin);
  self->data_dir = g_strdup (data_dir);
  self->partial_dir = g_build_filename (data_dir, "blobs", "partial", NULL);
  g_ptr_array_add (argv, (char *) bin);
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  g_ptr_array_add (argv, "--data");
  g_ptr_array_add (argv, (char *) data_dir);
  g_ptr_array_add (argv, "--demo");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  /* Blocks until the server printed its first line or died. */
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  self->base = g_strdup (line + strlen ("listening on "));
  return self;
}

static Server *
server_start (const char        *data_dir,
              const char *const *extra_args)
{
  return server_start_with_env (data_dir, extra_args, NULL);
}

static void
server_stop (Server *self)
{
  hall_test_terminate (self->process);
  g_object_unref (self->process);
  g_free (self->base);
  g_free (self->data_dir);
  g_free (self->partial_dir);
  g_free (self);
}

/* Adds an official with @roles to the database at @data_dir, as a hall's
 * IT does (--set-official), with the password "password1". */
static void
set_official (const char *data_dir,
              const char *username,
              const char *roles)
{
  g_autofree char *password_file = g_build_filename (data_dir, "password", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    g_getenv ("SERVICE_HALL_SERVER_BIN"), "--data", data_dir, "--set-official", username,
    "--roles", roles, "--password-file", password_file, NULL,
  };
  int status = 0;

  g_assert_true (g_file_set_contents (password_file, "password1", -1, NULL));
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_printerr ("--set-official: %s\n", err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (password_file);
}

/* HTTP */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, hall_test_reply_free)

/* One request with @length bytes of @body (NULL: spaces; NULL with
 * @length 0: none). @chunked sends it without a Content-Length, so that
 * the server can only count what arrives. */
static Reply *
request_full (Server            *to,
              const char        *method,
              const char        *path,
              const char        *bearer,
              const void        *body,
              gsize              length,
              gboolean           chunked,
              const char *const *extra)
{
  return hall_test_http_request (to->base, method, path, bearer, body, length,
                                 chunked ? HALL_TEST_HTTP_CHUNKED : 0, extra);
}

/* A PATCH of @length bytes of @blob from @offset, announcing @total. */
static Reply *
patch (Server     *to,
       const char *bearer,
       Blob       *blob,
       gsize       offset,
       gsize       length,
       gsize       total)
{
  g_autofree char *offset_header = g_strdup_printf ("Upload-Offset: %" G_GSIZE_FORMAT, offset);
  g_autofree char *length_header = g_strdup_printf ("Upload-Length: %" G_GSIZE_FORMAT, total);
  const char *extra[] = { offset_header, length_header, NULL };

  return request_full (to, "PATCH", blob->path, bearer, blob->data + offset, length, FALSE,
                       extra);
}

static Reply *
put (Server     *to,
     const char *bearer,
     Blob       *blob)
{
  return request_full (to, "PUT", blob->path, bearer, blob->data, blob->size, FALSE, NULL);
}

static Reply *
head (Server     *to,
      const char *bearer,
      Blob       *blob)
{
  return request_full (to, "HEAD", blob->path, bearer, NULL, 0, FALSE, NULL);
}

static void
assert_status (Reply *reply,
               long   status)
{
  if (reply->status != status)
    g_printerr ("unexpected answer %ld: %s\n", reply->status, reply->body->str);
  g_assert_cmpint (reply->status, ==, status);
}

/* @field NULL: the problem names none. Returns the detail. */
static const char *
assert_problem (Reply      *reply,
                long        status,
                const char *field)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *problem;

  assert_status (reply, status);
  g_assert_cmpstr (reply->content_type, ==, "application/problem+json");
  json_parser_load_from_data (parser, reply->body->str, reply->body->len, &error);
  g_assert_no_error (error);
  problem = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  g_assert_nonnull (json_object_get_string_member_with_default (problem, "title", NULL));
  g_assert_cmpstr (json_object_get_string_member_with_default (problem, "field", NULL), ==,
                   field);
  /* Kept for the caller to look into: the reply owns the text. */
  g_string_assign (reply->body, json_object_get_string_member (problem, "detail"));
  return reply->body->str;
}

static guint64
upload_offset (Reply *reply)
{
  const char *value = g_hash_table_lookup (reply->headers, "upload-offset");

  g_assert_nonnull (value);
  return g_ascii_strtoull (value, NULL, 10);
}

static char *
sign_in (Server     *to,
         const char *username,
         const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"%s\"}",
                                           username, password);
  const char *extra[] = { "Content-Type: application/json", NULL };
  g_autoptr(Reply) reply = request_full (to, "POST", "/v1/sessions", NULL, body, strlen (body),
                                         FALSE, extra);
  g_autoptr(JsonParser) parser = json_parser_new ();

  assert_status (reply, 201);
  g_assert_true (json_parser_load_from_data (parser, reply->body->str, -1, NULL));
  return g_strdup (json_object_get_string_member (json_node_get_object (
                                                    json_parser_get_root (parser)), "token"));
}

/* Blobs and what is on disk */

/* The signature and IHDR of a 1000 × 1400 grey PNG (CRC not checked). */
static const guint8 page_header[] = {
  0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
  0, 0, 0x03, 0xe8, 0, 0, 0x05, 0x78, 8, 0, 0, 0, 0, 0, 0, 0, 0,
};

static Blob *
blob_new (gsize size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  Blob *blob = g_new0 (Blob, 1);

  blob->size = size;
  blob->data = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    blob->data[i] = (guint8) g_random_int ();
  /* The server keeps pages only: these bytes begin as a PNG does. */
  if (size >= sizeof page_header)
    memcpy (blob->data, page_header, sizeof page_header);
  g_checksum_update (checksum, blob->data, size);
  blob->sha256 = g_strdup (g_checksum_get_string (checksum));
  blob->path = g_strconcat ("/v1/blobs/", blob->sha256, NULL);
  return blob;
}

static void
blob_free (Blob *blob)
{
  g_free (blob->data);
  g_free (blob->sha256);
  g_free (blob->path);
  g_free (blob);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Blob, blob_free)

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* (transfer full): the names in blobs/partial/, sorted, space-separated. */
static char *
partial_listing (Server *of)
{
  g_autoptr(GDir) dir = g_dir_open (of->partial_dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_no_partials (Server *of)
{
  g_autofree char *listing = partial_listing (of);

  g_assert_cmpstr (listing, ==, "");
}

/* Only the bytes of @blob, and its record, are in blobs/partial/. */
static void
assert_partial (Server *of,
                Blob   *blob,
                gsize   held)
{
  g_autofree char *listing = partial_listing (of);
  g_autofree char *expected = g_strdup_printf ("%s %s.upload", blob->sha256, blob->sha256);
  g_autofree char *path = g_build_filename (of->partial_dir, blob->sha256, NULL);
  g_autofree char *bytes = NULL;
  gsize length = 0;

  g_assert_cmpstr (listing, ==, expected);
  g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
  g_assert_cmpuint (length, ==, held);
  g_assert_cmpmem (bytes, length, blob->data, held);
}

static gboolean
is_complete (Server *of,
             Blob   *blob)
{
  char prefix[3] = { blob->sha256[0], blob->sha256[1], '\0' };
  g_autofree char *path = g_build_filename (of->data_dir, "blobs", prefix, blob->sha256, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
assert_complete (Server     *of,
                 const char *bearer,
                 Blob       *blob)
{
  g_autoptr(Reply) reply = request_full (of, "GET", blob->path, bearer, NULL, 0, FALSE, NULL);

  assert_status (reply, 200);
  g_assert_cmpmem (reply->body->str, reply->body->len, blob->data, blob->size);
  g_assert_true (is_complete (of, blob));
}

/* Tests */

/* Upload-Length is required, at least 1 and at most the limit, and so is
 * a PUT's Content-Length; each refusal names the header and writes
 * nothing. */
static void
test_lengths (void)
{
  g_autoptr(Blob) blob = blob_new (1000);
  g_autoptr(Reply) reply = NULL;
  const char *no_length[] = { "Upload-Offset: 0", NULL };
  const char *no_offset[] = { "Upload-Length: 1000", NULL };
  const char *zero[] = { "Upload-Offset: 0", "Upload-Length: 0", NULL };
  const char *not_a_number[] = { "Upload-Offset: 0", "Upload-Length: 1e3", NULL };
  const char *negative[] = { "Upload-Offset: 0", "Upload-Length: -1000", NULL };
  const char *over_limit[] = { "Upload-Offset: 0", "Upload-Length: 52428801", NULL };

  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, no_length);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, no_offset);
  assert_problem (reply, 400, "Upload-Offset");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, zero);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* No body and no length: the "Upload-Length: 0". */
  reply = request_full (server, "PATCH", blob->path, token, NULL, 0, FALSE, zero);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, not_a_number);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, negative);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Over the limit: refused before a byte is read, the limit said. */
  reply = request_full (server, "PATCH", blob->path, token, blob->data, 100, FALSE, over_limit);
  g_assert_nonnull (strstr (assert_problem (reply, 413, "Upload-Length"), "52428800"));
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A body longer than the length announced, with its Content-Length:
   * refused before it is read. */
  reply = patch (server, token, blob, 0, 1000, 999);
  assert_problem (reply, 413, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (server, token, blob, 500, 501, 1000);
  assert_problem (reply, 413, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A whole PUT: an empty one, one of unknown length, one over the limit
   * (announced, never sent: curl waits for 100 Continue). */
  reply = request_full (server, "PUT", blob->path, token, NULL, 0, FALSE, NULL);
  assert_problem (reply, 400, "Content-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (server, "PUT", blob->path, token, blob->data, blob->size, TRUE, NULL);
  assert_problem (reply, 411, "Content-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (server, "PUT", blob->path, token, NULL, BLOB_LIMIT + 1, FALSE, NULL);
  g_assert_nonnull (strstr (assert_problem (reply, 413, "Content-Length"), "50 MiB"));
  g_clear_pointer (&reply, hall_test_reply_free);

  assert_no_partials (server);
  reply = head (server, token, blob);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The rules hold for a file the server has, too. */
  reply = put (server, token, blob);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (server, "PATCH", blob->path, token, NULL, 0, FALSE, zero);
  assert_problem (reply, 400, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (server, token, blob);
  assert_no_partials (server);
}

/* The length announced first is the upload's for its life: another one is
 * a 409 naming Upload-Length, with no offset to resume from, and what is
 * held stays as it was. */
static void
test_fixed_length (void)
{
  g_autoptr(Blob) blob = blob_new (200 * 1024);
  g_autoptr(Reply) reply = NULL;
  gsize half = blob->size / 2;

  reply = patch (server, token, blob, 0, half, blob->size);
  assert_status (reply, 204);
  g_assert_cmpuint (upload_offset (reply), ==, half);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (server, blob, half);

  reply = patch (server, token, blob, half, blob->size - half, blob->size + 1);
  assert_problem (reply, 409, "Upload-Length");
  g_assert_null (g_hash_table_lookup (reply->headers, "upload-offset"));
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (server, token, blob, half, 3, half + 5);
  assert_problem (reply, 409, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (server, blob, half);

  reply = head (server, token, blob);
  assert_status (reply, 204);
  g_assert_cmpuint (upload_offset (reply), ==, half);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = patch (server, token, blob, half, blob->size - half, blob->size);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (server, token, blob);
  assert_no_partials (server);
}

/* Bytes counted as they arrive (no Content-Length): the 51 MiB
 * PATCH of a file said to be 50 MiB is refused, and nothing of it stays;
 * going past the length while resuming takes back only that request's
 * bytes. */
static void
test_counted (void)
{
  g_autoptr(Blob) blob = blob_new (4000);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *limit_header = g_strdup_printf ("Upload-Length: %d", BLOB_LIMIT);
  const char *at_limit[] = { "Upload-Offset: 0", limit_header, NULL };
  const char *resume[] = { "Upload-Offset: 1000", "Upload-Length: 4000", NULL };

  reply = request_full (server, "PATCH", blob->path, token, NULL, 51 * MIB, TRUE, at_limit);
  assert_problem (reply, 413, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_no_partials (server);
  reply = head (server, token, blob);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  reply = patch (server, token, blob, 0, 1000, blob->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = request_full (server, "PATCH", blob->path, token, blob->data + 1000, 3001, TRUE, resume);
  assert_problem (reply, 413, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (server, blob, 1000);

  /* The whole length, counted, is fine. */
  reply = request_full (server, "PATCH", blob->path, token, blob->data + 1000, 3000, TRUE, resume);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (server, token, blob);
  assert_no_partials (server);
}

/* Bytes that do not hash to the name go, whole or resumed. */
static void
test_mismatch (void)
{
  g_autoptr(Blob) blob = blob_new (3000);
  g_autoptr(Reply) reply = NULL;

  blob->sha256[0] = blob->sha256[0] == '0' ? '1' : '0';
  blob->path[strlen ("/v1/blobs/")] = blob->sha256[0];
  reply = put (server, token, blob);
  assert_problem (reply, 422, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_no_partials (server);

  reply = patch (server, token, blob, 0, 1000, blob->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (server, token, blob, 1000, 2000, blob->size);
  assert_problem (reply, 422, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_no_partials (server);
  g_assert_false (is_complete (server, blob));
}

/* A whole upload whose client goes away leaves nothing; a resumable one
 * keeps what arrived, to be resumed. */
static void
test_abandoned_put (void)
{
  g_autoptr(Blob) blob = blob_new (MIB);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strdup (server->base + strlen ("http://"));
  g_autofree char *request = NULL;
  GOutputStream *out;
  gint64 deadline;

  connection = g_socket_client_connect_to_host (client, host, 0, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  request = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                             blob->path, host, token, blob->size);
  g_assert_true (g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error));
  g_assert_true (g_output_stream_write_all (out, blob->data, blob->size / 2, NULL, NULL,
                                            &error));
  g_assert_no_error (error);

  /* Held while the upload runs... */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *path = g_build_filename (server->partial_dir, blob->sha256, NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0 && (gsize) st.st_size == blob->size / 2)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  /* ...and gone once the client is. */
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *listing = partial_listing (server);

      if (*listing == '\0')
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  reply = head (server, token, blob);
  assert_status (reply, 404);
}

/* Each official's unfinished uploads may hold so much (by the length they
 * announced), and no more: the next one is a 429 that writes nothing,
 * another official is not held back, and finishing an upload frees its
 * share. */
static void
test_cap (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-cap-XXXXXX", NULL);
  const char *args[] = { "--partial-cap", "1000000", NULL };
  g_autoptr(Blob) first = blob_new (700000);
  g_autoptr(Blob) second = blob_new (400000);
  g_autoptr(Blob) small = blob_new (300000);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *demo = NULL;
  g_autofree char *other = NULL;
  Server *capped;

  set_official (dir, "counter2", "counter_official");
  capped = server_start (dir, args);
  demo = sign_in (capped, "demo", "demo");
  other = sign_in (capped, "counter2", "password1");

  reply = patch (capped, demo, first, 0, 1000, first->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* 700000 announced + 400000 > 1000000, though only 1000 bytes are held. */
  reply = patch (capped, demo, second, 0, 1000, second->size);
  assert_problem (reply, 429, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = put (capped, demo, second);
  assert_problem (reply, 429, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (capped, first, 1000);

  /* Within the cap, the same official goes on. */
  reply = patch (capped, demo, small, 0, 1000, small->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Another official has a cap of their own. */
  reply = put (capped, other, second);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* A finished upload no longer counts. */
  reply = patch (capped, demo, first, 1000, first->size - 1000, first->size);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  g_clear_pointer (&second, blob_free);
  second = blob_new (400000);
  reply = patch (capped, demo, second, 0, second->size, second->size);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (capped, small, 1000);

  server_stop (capped);
  hall_test_remove_tree (dir);
}

/* A partial upload nobody writes to expires (--partial-ttl), its record
 * with it. */
static void
test_expiry (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-ttl-XXXXXX", NULL);
  const char *args[] = { "--partial-ttl", "1", NULL };
  g_autoptr(Blob) blob = blob_new (5000);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *demo = NULL;
  Server *brief;
  gint64 deadline;

  brief = server_start (dir, args);
  demo = sign_in (brief, "demo", "demo");
  reply = patch (brief, demo, blob, 0, 1000, blob->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *listing = partial_listing (brief);

      if (*listing == '\0')
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
  reply = head (brief, demo, blob);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Begun again, from 0. */
  reply = patch (brief, demo, blob, 0, blob->size, blob->size);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (brief, demo, blob);

  server_stop (brief);
  hall_test_remove_tree (dir);
}

static void
age (const char *path,
     gint64      seconds)
{
  struct utimbuf times;

  times.actime = times.modtime = g_get_real_time () / G_USEC_PER_SEC - seconds;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* At start, the server knows its partial uploads again from their records
 * (their length is still fixed), and removes the expired ones and what no
 * record explains. */
static void
test_sweep_at_start (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-start-XXXXXX", NULL);
  g_autoptr(Blob) kept = blob_new (6000);
  g_autoptr(Blob) old = blob_new (6000);
  g_autoptr(Blob) stray = blob_new (10);
  g_autoptr(Reply) reply = NULL;
  g_autofree char *demo = NULL;
  g_autofree char *bearer = NULL;
  g_autofree char *old_path = NULL;
  g_autofree char *stray_path = NULL;
  g_autofree char *orphan_record = NULL;
  g_autofree char *temporary = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *expected = NULL;
  Server *first;
  Server *second;

  first = server_start (dir, NULL);
  demo = sign_in (first, "demo", "demo");
  reply = patch (first, demo, kept, 0, 1000, kept->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (first, demo, old, 0, 2000, old->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);
  server_stop (first);

  /* Two days untouched; bytes with no record; a record with no bytes; a
   * record's temporary file from a server that died writing it. */
  old_path = g_build_filename (dir, "blobs", "partial", old->sha256, NULL);
  age (old_path, 2 * 24 * 60 * 60);
  stray_path = g_build_filename (dir, "blobs", "partial", stray->sha256, NULL);
  g_assert_true (g_file_set_contents (stray_path, (char *) stray->data, stray->size, NULL));
  orphan_record = g_strdup_printf ("%s/blobs/partial/%064d.upload", dir, 7);
  g_assert_true (g_file_set_contents (orphan_record, "[upload]\nofficial=demo\nlength=9\n", -1,
                                      NULL));
  temporary = g_strdup_printf ("%s/blobs/partial/%s.upload.ABC123", dir, kept->sha256);
  g_assert_true (g_file_set_contents (temporary, "[upl", -1, NULL));

  second = server_start (dir, NULL);
  listing = partial_listing (second);
  expected = g_strdup_printf ("%s %s.upload", kept->sha256, kept->sha256);
  g_assert_cmpstr (listing, ==, expected);

  /* Still of the length announced before the restart, and resumable. */
  bearer = sign_in (second, "demo", "demo");
  reply = patch (second, bearer, kept, 1000, 10, kept->size + 1);
  assert_problem (reply, 409, "Upload-Length");
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (second, bearer, kept, 1000, kept->size - 1000, kept->size);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (second, bearer, kept);
  assert_no_partials (second);

  server_stop (second);
  hall_test_remove_tree (dir);
}

/* Only the roles that attach documents upload; a supervisor or an
 * administrator reads them, and their attempts leave nothing. */
static void
test_roles (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-roles-XXXXXX", NULL);
  const char *uploaders[] = { "reception", "counter_official", "approver" };
  const char *others[] = { "supervisor", "administrator" };
  g_autoptr(Blob) blob = NULL;
  Server *roles;

  for (guint i = 0; i < G_N_ELEMENTS (uploaders); i++)
    set_official (dir, uploaders[i], uploaders[i]);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    set_official (dir, others[i], others[i]);
  roles = server_start (dir, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *bearer = sign_in (roles, others[i], "password1");
      g_autoptr(Blob) refused = blob_new (2000);
      g_autoptr(Reply) reply = NULL;

      reply = patch (roles, bearer, refused, 0, 1000, refused->size);
      assert_problem (reply, 403, NULL);
      g_clear_pointer (&reply, hall_test_reply_free);
      reply = put (roles, bearer, refused);
      assert_problem (reply, 403, NULL);
      g_clear_pointer (&reply, hall_test_reply_free);
      reply = head (roles, bearer, refused);
      assert_status (reply, 404);
      g_clear_pointer (&reply, hall_test_reply_free);
      assert_no_partials (roles);
      g_assert_false (is_complete (roles, refused));
    }

  for (guint i = 0; i < G_N_ELEMENTS (uploaders); i++)
    {
      g_autofree char *bearer = sign_in (roles, uploaders[i], "password1");
      g_autoptr(Reply) reply = NULL;

      g_clear_pointer (&blob, blob_free);
      blob = blob_new (3000);
      reply = put (roles, bearer, blob);
      assert_status (reply, 201);
      assert_complete (roles, bearer, blob);
    }

  /* What was uploaded, every role reads. */
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *bearer = sign_in (roles, others[i], "password1");

      assert_complete (roles, bearer, blob);
    }

  server_stop (roles);
  hall_test_remove_tree (dir);
}

/* A file that does not fit on the disk is a 507, and nothing of it stays,
 * complete or partial; what was held before a resumed request stays as it
 * was; and the server goes on serving. The disk holds 2 MiB. */
static void
check_disk_full (const char        *dir,
                 const char *const *env)
{
  g_autoptr(Blob) big = blob_new (3 * MIB);
  g_autoptr(Blob) small = blob_new (100 * 1024);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) health = NULL;
  g_autofree char *demo = NULL;
  Server *full;

  full = server_start_with_env (dir, NULL, env);
  demo = sign_in (full, "demo", "demo");

  reply = put (full, demo, big);
  assert_problem (reply, 507, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_no_partials (full);
  g_assert_false (is_complete (full, big));

  reply = patch (full, demo, big, 0, big->size, big->size);
  assert_problem (reply, 507, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_no_partials (full);
  reply = head (full, demo, big);
  assert_status (reply, 404);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* Resumed: the request that does not fit is taken back, what was held
   * before it stays. */
  reply = patch (full, demo, big, 0, MIB, big->size);
  assert_status (reply, 204);
  g_clear_pointer (&reply, hall_test_reply_free);
  reply = patch (full, demo, big, MIB, big->size - MIB, big->size);
  assert_problem (reply, 507, NULL);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_partial (full, big, MIB);
  reply = head (full, demo, big);
  assert_status (reply, 204);
  g_assert_cmpuint (upload_offset (reply), ==, MIB);
  g_clear_pointer (&reply, hall_test_reply_free);

  /* The server goes on serving, and stores what fits. */
  health = request_full (full, "GET", "/v1/health", NULL, NULL, 0, FALSE, NULL);
  assert_status (health, 200);
  reply = put (full, demo, small);
  assert_status (reply, 201);
  g_clear_pointer (&reply, hall_test_reply_free);
  assert_complete (full, demo, small);

  server_stop (full);
}

/* The disk filled by a shim (disk-full-shim.c) that fails the server's
 * writes under blobs/ past 2 MiB a file: runs anywhere. */
static void
test_disk_full_shim (void)
{
  g_autofree char *made = g_dir_make_tmp ("hall-blobs-shim-XXXXXX", NULL);
  /* As /proc/self/fd names the files the shim looks at. */
  g_autofree char *real_dir = realpath (made, NULL);
  g_autofree char *blob_dir = g_build_filename (real_dir, "blobs", NULL);
  const char *env[] = {
    "LD_PRELOAD", g_getenv ("HALL_TEST_DISK_FULL_SHIM"),
    "DISK_FULL_DIR", blob_dir,
    "DISK_FULL_BYTES", "2097152",
    NULL,
  };

  g_assert_nonnull (env[1]);
  check_disk_full (real_dir, env);
  hall_test_remove_tree (real_dir);
}

/* A disk that really fills: the blob directory on a 2 MiB tmpfs, mounted
 * in a mount namespace of this test's own, so that it goes with the test
 * however the test ends. Skipped where this may not mount (not root). */
static void
test_disk_full_tmpfs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-blobs-full-XXXXXX", NULL);
  g_autofree char *blob_dir = g_build_filename (dir, "blobs", NULL);

  if (unshare (CLONE_NEWNS) != 0
      || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      g_autofree char *why = g_strdup_printf ("no mount namespace of our own: %s",
                                              g_strerror (errno));

      g_test_skip (why);
      hall_test_remove_tree (dir);
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (blob_dir, 0700), ==, 0);
  if (mount ("tmpfs", blob_dir, "tmpfs", 0, "size=2m,mode=0700") != 0)
    {
      g_autofree char *why = g_strdup_printf ("cannot mount a tmpfs: %s", g_strerror (errno));

      g_test_skip (why);
      hall_test_remove_tree (dir);
      return;
    }
  check_disk_full (dir, NULL);
  g_assert_cmpint (umount (blob_dir), ==, 0);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  dir = g_dir_make_tmp ("hall-blobs-test-XXXXXX", &error);
  g_assert_no_error (error);
  server = server_start (dir, NULL);
  token = sign_in (server, "demo", "demo");

  g_test_add_func ("/hall/server/blobs/lengths", test_lengths);
  g_test_add_func ("/hall/server/blobs/fixed-length", test_fixed_length);
  g_test_add_func ("/hall/server/blobs/counted", test_counted);
  g_test_add_func ("/hall/server/blobs/mismatch", test_mismatch);
  g_test_add_func ("/hall/server/blobs/abandoned-put", test_abandoned_put);
  g_test_add_func ("/hall/server/blobs/cap", test_cap);
  g_test_add_func ("/hall/server/blobs/expiry", test_expiry);
  g_test_add_func ("/hall/server/blobs/sweep-at-start", test_sweep_at_start);
  g_test_add_func ("/hall/server/blobs/roles", test_roles);
  g_test_add_func ("/hall/server/blobs/disk-full/shim", test_disk_full_shim);
  /* Last: it moves this process into a mount namespace of its own. */
  g_test_add_func ("/hall/server/blobs/disk-full/tmpfs", test_disk_full_tmpfs);
  rc = g_test_run ();

  server_stop (server);
  hall_test_remove_tree (dir);
  g_free (token);
  curl_global_cleanup ();
  return rc;
}
