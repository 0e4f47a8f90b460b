/* hall-server-trust.c — what the hall trusts, on the server: its public
 * key, the officials' certificates and the revocations; and checking a
 * license for anyone who asks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GET  /v1/trust                      every signed-in role: what counters pull
 * PUT  /v1/certificates/{official}    administrator: a certificate the hall's
 *                                     root key made (checked against its key)
 * PUT  /v1/revocations/{uuid}         administrator: a license, or a key from
 *                                     a date
 * POST /v1/verify                     no sign-in: {"code": "SH1:…"}; a few
 *                                     checks a minute per address (429)
 *
 * The tables (schema 4) are written on a connection of their own: these
 * writes are an administrator's, a few a day, and need no group commit.
 * With --database the connection is to PostgreSQL (its schema 3) and the
 * SQLite file holds none of it; several servers share the database, so
 * the hall's key is read again on every use instead of kept from start-up.
 */
#define G_LOG_DOMAIN "hall-server"

#include "config.h"

#include <arpa/inet.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <string.h>

#include "hall-audit.h"
#include "hall-json.h"
#include "hall-license-payload.h"
#include "hall-problem.h"
#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-server-private.h"
#include "hall-server-trust.h"
#include "hall-sqlite.h"

/* Per address: a burst of VERIFY_BURST, then one every VERIFY_EVERY_USEC. */
#define VERIFY_BURST       20
#define VERIFY_EVERY_USEC  (3 * G_USEC_PER_SEC)

typedef struct
{
  double tokens;
  gint64 at;
} Bucket;

struct _HallServerTrust
{
  GMutex          mutex;
  HallSqliteConn *conn;      /* on SQLite */
  PGconn         *pg;        /* on PostgreSQL */
  gboolean        has_key;
  guint8          hall_key[HALL_PUBLIC_KEY_BYTES];
  GHashTable     *buckets;   /* address -> Bucket */
};

/* PostgreSQL */

/* The failure of @result (or of the connection) as a GError saying it
 * was to @doing: a lost connection is HALL_DATABASE_ERROR_OPEN. */
static void
set_pg_error (GError    **error,
              PGconn     *pg,
              PGresult   *result,
              const char *doing)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = g_strchomp (g_strdup (PQerrorMessage (pg)));
  int code = HALL_DATABASE_ERROR_SQL;

  if (PQstatus (pg) == CONNECTION_BAD || state == NULL || g_str_has_prefix (state, "08"))
    code = HALL_DATABASE_ERROR_OPEN;
  else if (g_str_has_prefix (state, "23"))
    code = HALL_DATABASE_ERROR_CONSTRAINT;
  g_set_error (error, HALL_DATABASE_ERROR, code, _("Could not %s: %s"), doing, message);
}

/* (transfer full): the result of @sql with @n_params text parameters, or
 * NULL with @error set. A connection lost since the last call (the
 * database restarted) is made again once before giving up. */
static PGresult *
pg_run_locked (HallServerTrust     *self,
               const char          *sql,
               int                  n_params,
               const char * const  *params,
               const char          *doing,
               GError             **error)
{
  PGresult *result;
  ExecStatusType status;

  if (PQstatus (self->pg) == CONNECTION_BAD)
    PQreset (self->pg);
  result = PQexecParams (self->pg, sql, n_params, NULL, params, NULL, NULL, 0);
  if (PQstatus (self->pg) == CONNECTION_BAD)
    {
      PQclear (result);
      PQreset (self->pg);
      result = PQexecParams (self->pg, sql, n_params, NULL, params, NULL, NULL, 0);
    }
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_pg_error (error, self->pg, result, doing);
      PQclear (result);
      return NULL;
    }
  return result;
}

static gboolean
pg_command_locked (HallServerTrust     *self,
                   const char          *sql,
                   int                  n_params,
                   const char * const  *params,
                   const char          *doing,
                   GError             **error)
{
  PGresult *result = pg_run_locked (self, sql, n_params, params, doing, error);

  PQclear (result);
  return result != NULL;
}

/* (transfer full) (nullable): the first column of the first row of @sql,
 * NULL (with no error) when there is none. */
static char *
pg_value_locked (HallServerTrust     *self,
                 const char          *sql,
                 int                  n_params,
                 const char * const  *params,
                 const char          *doing,
                 GError             **error)
{
  PGresult *result = pg_run_locked (self, sql, n_params, params, doing, error);
  char *value = NULL;

  if (result != NULL && PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

/* Storage: each call below is one statement on SQLite or on PostgreSQL. */

static gboolean
load_key_locked (HallServerTrust  *self,
                 GError          **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *key = NULL;
  GError *local_error = NULL;

  if (self->pg != NULL)
    {
      key = pg_value_locked (self, "SELECT public_key FROM hall_key WHERE id = 1", 0, NULL,
                             _("read the hall’s key"), &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  else
    {
      stmt = hall_sqlite_conn_prepare (self->conn, "SELECT public_key FROM hall_key WHERE id = 1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      if (hall_sqlite_stmt_step_row (stmt, _("read the hall’s key"), error))
        key = hall_sqlite_column_dup (stmt, 0);
      else if (error != NULL && *error != NULL)
        return FALSE;
    }
  self->has_key = key != NULL && hall_public_key_from_base64 (key, self->hall_key, NULL);
  return TRUE;
}

static gboolean
store_key_locked (HallServerTrust  *self,
                  const char       *text,
                  GError          **error)
{
  static const char sql[] = "INSERT INTO hall_key (id, public_key) VALUES (1, %s)"
                            " ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key";
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *query = g_strdup_printf (sql, self->pg != NULL ? "$1" : "?1");

  if (self->pg != NULL)
    {
      const char *params[] = { text };

      return pg_command_locked (self, query, 1, params, _("save the hall’s key"), error);
    }
  stmt = hall_sqlite_conn_prepare (self->conn, query, error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, text);
  return hall_sqlite_stmt_run (stmt, _("save the hall’s key"), error);
}

static gboolean
store_certificate_locked (HallServerTrust  *self,
                          const char       *key,
                          const char       *official,
                          const char       *text,
                          GError          **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  if (self->pg != NULL)
    {
      const char *params[] = { key, official, text };

      return pg_command_locked (self,
                                "INSERT INTO certificates (public_key, official, data)"
                                " VALUES ($1, $2, $3) ON CONFLICT (public_key) DO UPDATE"
                                " SET official = excluded.official, data = excluded.data",
                                3, params, _("save a certificate"), error);
    }
  stmt = hall_sqlite_conn_prepare (self->conn,
                                   "INSERT INTO certificates (public_key, official, data)"
                                   " VALUES (?1, ?2, ?3) ON CONFLICT (public_key) DO UPDATE"
                                   " SET official = excluded.official, data = excluded.data",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, key);
  hall_sqlite_bind_text (stmt, 2, official);
  hall_sqlite_bind_text (stmt, 3, text);
  return hall_sqlite_stmt_run (stmt, _("save a certificate"), error);
}

/* Stores the revocation unless its uuid is taken; (transfer full) in
 * *@existing_out: what the uuid holds after. */
static gboolean
store_revocation_locked (HallServerTrust  *self,
                         const char       *uuid,
                         const char       *text,
                         char            **existing_out,
                         GError          **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (HallSqliteStmt) read = NULL;
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          g_get_real_time () / G_USEC_PER_SEC);

  if (self->pg != NULL)
    {
      const char *params[] = { uuid, text, now };
      GError *local_error = NULL;

      if (!pg_command_locked (self,
                              "INSERT INTO revocations (uuid, data, recorded_at)"
                              " VALUES ($1, $2, $3) ON CONFLICT (uuid) DO NOTHING",
                              3, params, _("save a revocation"), error))
        return FALSE;
      *existing_out = pg_value_locked (self, "SELECT data FROM revocations WHERE uuid = $1",
                                       1, params, _("read a revocation"), &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return TRUE;
    }
  stmt = hall_sqlite_conn_prepare (self->conn,
                                   "INSERT INTO revocations (uuid, data, recorded_at)"
                                   " VALUES (?1, ?2, ?3) ON CONFLICT (uuid) DO NOTHING",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  hall_sqlite_bind_text (stmt, 2, text);
  hall_sqlite_bind_text (stmt, 3, now);
  if (!hall_sqlite_stmt_run (stmt, _("save a revocation"), error))
    return FALSE;
  read = hall_sqlite_conn_prepare (self->conn, "SELECT data FROM revocations WHERE uuid = ?1",
                                   error);
  if (read == NULL)
    return FALSE;
  hall_sqlite_bind_text (read, 1, uuid);
  if (!hall_sqlite_stmt_step_row (read, _("read a revocation"), error))
    return FALSE;
  *existing_out = hall_sqlite_column_dup (read, 0);
  return TRUE;
}

/* Adds the JSON in the first column of every row of @sql (no parameters)
 * to @builder's array. */
static gboolean
add_rows_locked (HallServerTrust  *self,
                 JsonBuilder      *builder,
                 const char       *sql,
                 const char       *doing,
                 GError          **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  GError *local_error = NULL;

  if (self->pg != NULL)
    {
      PGresult *result = pg_run_locked (self, sql, 0, NULL, doing, error);
      int i;

      if (result == NULL)
        return FALSE;
      for (i = 0; i < PQntuples (result); i++)
        json_builder_add_value (builder, json_from_string (PQgetvalue (result, i, 0), NULL));
      PQclear (result);
      return TRUE;
    }
  stmt = hall_sqlite_conn_prepare (self->conn, sql, error);
  if (stmt == NULL)
    return FALSE;
  while (hall_sqlite_stmt_step_row (stmt, doing, &local_error))
    json_builder_add_value (builder,
                            json_from_string ((const char *) sqlite3_column_text (stmt, 0), NULL));
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

HallServerTrust *
hall_server_trust_new (const char  *db_path,
                       GError     **error)
{
  g_autofree HallServerTrust *self = g_new0 (HallServerTrust, 1);

  self->conn = hall_sqlite_conn_open (db_path, HALL_SQLITE_OPEN_DURABLE, error);
  if (self->conn == NULL)
    return NULL;
  if (!hall_audit_register_sql_function (hall_sqlite_conn_get_db (self->conn), error)
      || !load_key_locked (self, error))
    {
      hall_sqlite_conn_free (self->conn);
      return NULL;
    }
  g_mutex_init (&self->mutex);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_steal_pointer (&self);
}

HallServerTrust *
hall_server_trust_new_postgres (const char  *uri,
                                GError     **error)
{
  g_autofree HallServerTrust *self = g_new0 (HallServerTrust, 1);

  self->pg = hall_server_postgres_connect (uri);
  if (PQstatus (self->pg) != CONNECTION_OK)
    {
      g_autofree char *message = g_strchomp (g_strdup (PQerrorMessage (self->pg)));

      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("Cannot connect to the PostgreSQL database %s on %s as %s: %s"),
                   PQdb (self->pg) != NULL ? PQdb (self->pg) : "?",
                   PQhost (self->pg) != NULL && *PQhost (self->pg) != '\0' ? PQhost (self->pg)
                   : "localhost",
                   PQuser (self->pg) != NULL ? PQuser (self->pg) : "?", message);
      PQfinish (self->pg);
      return NULL;
    }
  if (!load_key_locked (self, error))
    {
      PQfinish (self->pg);
      return NULL;
    }
  g_mutex_init (&self->mutex);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return g_steal_pointer (&self);
}

void
hall_server_trust_free (HallServerTrust *self)
{
  if (self == NULL)
    return;
  if (self->conn != NULL)
    hall_sqlite_conn_free (self->conn);
  if (self->pg != NULL)
    PQfinish (self->pg);
  g_hash_table_unref (self->buckets);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

gboolean
hall_server_trust_set_hall_key (HallServerTrust  *self,
                                const guint8      public_key[HALL_PUBLIC_KEY_BYTES],
                                GError          **error)
{
  g_autofree char *text = hall_public_key_to_base64 (public_key);
  gboolean ok;

  g_mutex_lock (&self->mutex);
  ok = store_key_locked (self, text, error);
  if (ok)
    {
      memcpy (self->hall_key, public_key, HALL_PUBLIC_KEY_BYTES);
      self->has_key = TRUE;
    }
  g_mutex_unlock (&self->mutex);
  return ok;
}

gboolean
hall_server_trust_get_hall_key (HallServerTrust *self,
                                guint8           public_key[HALL_PUBLIC_KEY_BYTES])
{
  gboolean has;

  g_mutex_lock (&self->mutex);
  /* Another server may have been given it; if the database cannot say,
   * what was read last holds. */
  if (self->pg != NULL)
    load_key_locked (self, NULL);
  has = self->has_key;
  if (has)
    memcpy (public_key, self->hall_key, HALL_PUBLIC_KEY_BYTES);
  g_mutex_unlock (&self->mutex);
  return has;
}

gboolean
hall_server_trust_put_certificate (HallServerTrust        *self,
                                   const HallCertificate  *certificate,
                                   GError                **error)
{
  g_autofree char *key = hall_public_key_to_base64 (certificate->public_key);
  g_autoptr (JsonNode) json = hall_certificate_to_json (certificate);
  g_autofree char *text = json_to_string (json, FALSE);
  gboolean ok;

  g_mutex_lock (&self->mutex);
  ok = store_certificate_locked (self, key, certificate->official, text, error);
  g_mutex_unlock (&self->mutex);
  return ok;
}

/* TRUE when stored, or stored before with the same body; FALSE with
 * HALL_SERVER_ERROR_CONFLICT when the uuid names another revocation. */
static gboolean
put_revocation (HallServerTrust       *self,
                const HallRevocation  *revocation,
                GError               **error)
{
  g_autoptr (JsonNode) json = hall_revocation_to_json (revocation);
  g_autofree char *text = json_to_string (json, FALSE);
  g_autofree char *existing = NULL;
  gboolean ok;

  g_mutex_lock (&self->mutex);
  ok = store_revocation_locked (self, revocation->uuid, text, &existing, error);
  g_mutex_unlock (&self->mutex);
  if (ok && g_strcmp0 (existing, text) != 0)
    {
      g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                   _("The revocation %s was recorded before with other contents"),
                   revocation->uuid);
      return FALSE;
    }
  return ok;
}

/* (transfer full): the body of GET /v1/trust. */
static JsonNode *
trust_to_json (HallServerTrust  *self,
               GError          **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *key = NULL;
  g_autofree char *as_of = hall_timestamp_to_iso8601 (g_get_real_time () / G_USEC_PER_SEC);
  gboolean ok = TRUE;

  g_mutex_lock (&self->mutex);
  if (self->pg != NULL)
    ok = load_key_locked (self, error);
  if (ok && self->has_key)
    key = hall_public_key_to_base64 (self->hall_key);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hall_public_key");
  if (key != NULL)
    json_builder_add_string_value (builder, key);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "certificates");
  json_builder_begin_array (builder);
  ok = ok && add_rows_locked (self, builder,
                              "SELECT data FROM certificates ORDER BY official, public_key",
                              _("read the certificates"), error);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "revocations");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "as_of");
  json_builder_add_string_value (builder, as_of);
  json_builder_set_member_name (builder, "revocations");
  json_builder_begin_array (builder);
  ok = ok && add_rows_locked (self, builder,
                              "SELECT data FROM revocations ORDER BY recorded_at, uuid",
                              _("read the revocations"), error);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  g_mutex_unlock (&self->mutex);
  if (!ok)
    return NULL;
  return json_builder_get_root (builder);
}

HallRevocationList *
hall_server_trust_get_revocations (HallServerTrust  *self,
                                   GError          **error)
{
  g_autoptr (JsonNode) json = trust_to_json (self, error);

  if (json == NULL)
    return NULL;
  return hall_revocation_list_new_from_json (
    json_object_get_member (json_node_get_object (json), "revocations"), error);
}

/* Requests */

HallServerResponse *
_hall_server_answer_trust (HallServer        *self,
                           HallServerRequest *request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = trust_to_json (self->trust, &error);

  if (json == NULL)
    return hall_problem_response_internal (error);
  return hall_server_response_new_json (200, json);
}

static JsonNode *
parse_body (HallServerRequest  *request,
            HallServerResponse **response)
{
  g_autoptr (HallProblem) problem = NULL;
  JsonNode *node = hall_server_parse_json_object (
    request->body != NULL ? (const char *) request->body->data : "",
    request->body != NULL ? request->body->len : 0, &problem);

  if (node == NULL)
    *response = hall_problem_to_response (problem);
  return node;
}

HallServerResponse *
_hall_server_answer_certificate (HallServer        *self,
                                 HallServerRequest *request)
{
  HallServerResponse *response = NULL;
  g_autoptr (JsonNode) body = parse_body (request, &response);
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (GError) error = NULL;
  const char *field = NULL;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];

  if (body == NULL)
    return response;
  certificate = hall_certificate_new_from_json (body, &field, &error);
  if (certificate == NULL)
    return hall_problem_response (422, field, "%s", error->message);
  if (g_strcmp0 (certificate->official, request->id) != 0)
    return hall_problem_response (422, "official",
                                  _("The certificate is of %s, not of %s of the path"),
                                  certificate->official, request->id);
  if (!hall_server_trust_get_hall_key (self->trust, hall_key))
    return hall_problem_response (409, NULL,
                                  _("This server has no hall key yet: start it with "
                                    "--hall-public-key"));
  if (!hall_certificate_check (certificate, hall_key, certificate->valid_from, &error))
    return hall_problem_response (422, "signature", "%s", error->message);
  if (!hall_server_trust_put_certificate (self->trust, certificate, &error))
    return hall_problem_response_internal (error);
  return hall_server_response_new_json (200, hall_certificate_to_json (certificate));
}

HallServerResponse *
_hall_server_answer_revocation (HallServer        *self,
                                HallServerRequest *request)
{
  HallServerResponse *response = NULL;
  g_autoptr (JsonNode) body = parse_body (request, &response);
  g_autoptr (HallRevocation) revocation = NULL;
  g_autoptr (GError) error = NULL;
  const char *field = NULL;
  JsonObject *object;

  if (body == NULL)
    return response;
  object = json_node_get_object (body);
  if (!json_object_has_member (object, "uuid"))
    json_object_set_string_member (object, "uuid", request->id);
  revocation = hall_revocation_new_from_json (body, &field, &error);
  if (revocation == NULL)
    return hall_problem_response (422, field, "%s", error->message);
  if (g_strcmp0 (revocation->uuid, request->id) != 0)
    return hall_problem_response (422, "uuid", _("The body’s uuid is not the path’s"));
  if (!put_revocation (self->trust, revocation, &error))
    {
      if (g_error_matches (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT))
        return hall_problem_response (422, "uuid", "%s", error->message);
      return hall_problem_response_internal (error);
    }
  return hall_server_response_new_json (200, hall_revocation_to_json (revocation));
}

static char *
client_address (struct MHD_Connection *connection)
{
  const union MHD_ConnectionInfo *info
    = MHD_get_connection_info (connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  char text[INET6_ADDRSTRLEN] = "?";

  if (info != NULL && info->client_addr != NULL)
    {
      const struct sockaddr *address = info->client_addr;

      if (address->sa_family == AF_INET)
        inet_ntop (AF_INET, &((const struct sockaddr_in *) (const void *) address)->sin_addr,
                   text, sizeof text);
      else if (address->sa_family == AF_INET6)
        inet_ntop (AF_INET6, &((const struct sockaddr_in6 *) (const void *) address)->sin6_addr,
                   text, sizeof text);
    }
  return g_strdup (text);
}

/* 0 when @address may check one more license now, else the seconds to
 * wait. A token bucket: a bank's clerk checking a pile is not held up, a
 * script trying codes is. */
static guint
rate_limit (HallServerTrust *self,
            const char      *address)
{
  gint64 now = g_get_monotonic_time ();
  Bucket *bucket;
  guint wait = 0;

  g_mutex_lock (&self->mutex);
  bucket = g_hash_table_lookup (self->buckets, address);
  if (bucket == NULL)
    {
      /* Forget the idle ones now and then, so the table stays small. */
      if (g_hash_table_size (self->buckets) > 10000)
        g_hash_table_remove_all (self->buckets);
      bucket = g_new0 (Bucket, 1);
      bucket->tokens = VERIFY_BURST;
      bucket->at = now;
      g_hash_table_insert (self->buckets, g_strdup (address), bucket);
    }
  bucket->tokens = MIN (VERIFY_BURST,
                        bucket->tokens + (double) (now - bucket->at) / VERIFY_EVERY_USEC);
  bucket->at = now;
  if (bucket->tokens >= 1)
    bucket->tokens -= 1;
  else
    wait = (guint) ((1 - bucket->tokens) * VERIFY_EVERY_USEC / G_USEC_PER_SEC) + 1;
  g_mutex_unlock (&self->mutex);
  return wait;
}

HallServerResponse *
_hall_server_answer_verify (HallServer            *self,
                            HallServerRequest     *request,
                            struct MHD_Connection *connection)
{
  HallServerResponse *response = NULL;
  g_autofree char *address = client_address (connection);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (HallRevocationList) revocations = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  const char *code = NULL;
  const char *field = NULL;
  const char *status;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  guint wait;
  gboolean valid;

  wait = rate_limit (self->trust, address);
  if (wait > 0)
    {
      response = hall_problem_response (429, NULL,
                                        _("Too many licenses checked from this address; try "
                                          "again in %u seconds"),
                                        wait);
      response->retry_after = wait;
      return response;
    }
  body = parse_body (request, &response);
  if (body == NULL)
    return response;
  if (!hall_json_read_string (json_node_get_object (body), "code", TRUE, 4096, &code, &field,
                              &error))
    return hall_problem_response (422, field, "%s", error->message);
  if (!hall_server_trust_get_hall_key (self->trust, hall_key))
    return hall_problem_response (503, NULL,
                                  _("This server has no hall key yet, so it cannot check "
                                    "licenses"));
  revocations = hall_server_trust_get_revocations (self->trust, &error);
  if (revocations == NULL)
    return hall_problem_response_internal (error);

  valid = hall_license_payload_verify (code, hall_key, revocations,
                                       g_get_real_time () / G_USEC_PER_SEC, &payload, &error);
  status = valid ? "valid"
                 : g_error_matches (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_REVOKED)
                     ? "revoked"
                     : "invalid";
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status);
  json_builder_set_member_name (builder, "reason");
  if (valid)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "license");
  if (payload != NULL)
    {
      g_autofree char *issued = hall_timestamp_to_iso8601 (payload->issued_at);
      g_autofree char *until = payload->valid_until != 0
                                 ? hall_timestamp_to_iso8601 (payload->valid_until)
                                 : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "number");
      json_builder_add_string_value (builder, payload->number);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, payload->license_type);
      json_builder_set_member_name (builder, "holder");
      json_builder_add_string_value (builder, payload->holder);
      json_builder_set_member_name (builder, "holder_id");
      json_builder_add_string_value (builder, payload->holder_id);
      json_builder_set_member_name (builder, "scope");
      json_builder_add_string_value (builder, payload->scope);
      json_builder_set_member_name (builder, "hall");
      json_builder_add_string_value (builder, payload->hall);
      json_builder_set_member_name (builder, "issued_at");
      json_builder_add_string_value (builder, issued);
      json_builder_set_member_name (builder, "valid_until");
      if (until != NULL)
        json_builder_add_string_value (builder, until);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "official");
      json_builder_add_string_value (builder, payload->certificate->official);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return hall_server_response_new_json (200, json_builder_get_root (builder));
}

gboolean
hall_server_set_hall_public_key (HallServer   *self,
                                 const guint8  public_key[32],
                                 GError      **error)
{
  g_return_val_if_fail (HALL_IS_SERVER (self), FALSE);
  return hall_server_trust_set_hall_key (self->trust, public_key, error);
}

gboolean
hall_server_add_demo_hall_key (HallServer  *self,
                               GError     **error)
{
  g_autoptr (HallRootKey) demo = hall_root_key_new_demo ();
  guint8 existing[HALL_PUBLIC_KEY_BYTES];

  g_return_val_if_fail (HALL_IS_SERVER (self), FALSE);
  if (hall_server_trust_get_hall_key (self->trust, existing))
    return TRUE;
  return hall_server_trust_set_hall_key (self->trust, hall_root_key_get_public_key (demo), error);
}

gboolean
hall_server_has_hall_key (HallServer *self)
{
  guint8 key[HALL_PUBLIC_KEY_BYTES];

  g_return_val_if_fail (self != NULL, FALSE);
  return hall_server_trust_get_hall_key (self->trust, key);
}

void
hall_server_set_max_offline (HallServer *self,
                             gint64      seconds)
{
  g_return_if_fail (HALL_IS_SERVER (self));
  g_return_if_fail (seconds >= 0);
  self->max_offline = seconds;
}
