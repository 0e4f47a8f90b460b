/* hall-server-postgres.h — the city's storage of the server (PostgreSQL, libpq)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>

#include "hall-server-storage.h"

G_BEGIN_DECLS

#define HALL_TYPE_SERVER_POSTGRES (hall_server_postgres_get_type ())
G_DECLARE_FINAL_TYPE (HallServerPostgres, hall_server_postgres, HALL, SERVER_POSTGRES, GObject)

/* (transfer full): connects to @uri (a libpq connection URI or
 * "key=value" string) and creates or migrates the schema; several servers
 * may do so at once. One connection per thread that uses it, made when
 * the thread first does. FALSE with HALL_DATABASE_ERROR_OPEN naming the
 * host, the database and the role when the database cannot be reached. */
HallServerPostgres *hall_server_postgres_new (const char  *uri,
                                              GError     **error);

/* (transfer full): PQconnectdb() of @uri with connect_timeout=5 unless
 * @uri names its own, so that a database that does not answer is an
 * error within seconds (at start, and on each reconnection by PQreset)
 * rather than a hang. Check PQstatus() as after PQconnectdb(). */
PGconn             *hall_server_postgres_connect (const char *uri);

/* (transfer full): hall_server_postgres_connect() of @uri, connected;
 * NULL with HALL_DATABASE_ERROR_OPEN naming the host, the database and
 * the role when it is not. */
PGconn             *hall_server_postgres_open    (const char  *uri,
                                                  GError     **error);
/* (transfer none): the calling thread's connection, the one its
 * transaction (begin() of the storage) is open on, made again if it
 * broke; NULL with @error set when the database cannot be reached. */
PGconn             *hall_server_postgres_get_thread_pg (HallServerPostgres  *self,
                                                        GError             **error);
/* (transfer none): the URI the storage was made with. */
const char         *hall_server_postgres_get_uri (HallServerPostgres *self);
/* A failed @result of @pg as a GError saying it was to @doing: unique and
 * check violations are HALL_DATABASE_ERROR_CONSTRAINT, a lost connection
 * HALL_DATABASE_ERROR_OPEN, a full disk FULL, serialisation failures and
 * deadlocks BUSY, the rest SQL. */
void                hall_server_postgres_set_error (GError    **error,
                                                    PGconn     *pg,
                                                    PGresult   *result,
                                                    const char *doing);

G_END_DECLS
