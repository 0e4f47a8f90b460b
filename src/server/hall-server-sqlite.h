/* hall-server-sqlite.h — the embedded storage of the server (SQLite, WAL)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-server-storage.h"
#include "hall-sqlite.h"

G_BEGIN_DECLS

#define HALL_TYPE_SERVER_SQLITE (hall_server_sqlite_get_type ())
G_DECLARE_FINAL_TYPE (HallServerSqlite, hall_server_sqlite, HALL, SERVER_SQLITE, GObject)

/* (transfer full): opens (creating and migrating) the database at @path:
 * WAL, synchronous=FULL, one connection per thread that uses it. */
HallServerSqlite *hall_server_sqlite_new (const char  *path,
                                          GError     **error);

/* (transfer none): the calling thread's connection, on which the writer's
 * transaction is open while the group committer runs a job: for the
 * queue's operations (hall-queue.h), which write tables of their own. */
HallSqliteConn   *hall_server_sqlite_get_conn (HallServerSqlite  *self,
                                               GError           **error);

G_END_DECLS
