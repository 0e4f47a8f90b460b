/* hall-server-copy.h — moving a hall's records from SQLite up to PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Copies every table of the server's SQLite file @sqlite_path that the
 * PostgreSQL database @uri also has (its schema is made or migrated
 * first) row for row, keeping sequence numbers (the change feed's cursors
 * stay valid), in one PostgreSQL transaction, from one consistent SQLite
 * snapshot (a server may be running on the file). Before committing it
 * counts and hashes (SHA-256 over every row in key order) each table on
 * both sides and refuses to commit when they differ. Refuses a target
 * that holds any row (HALL_SERVER_ERROR_CONFLICT naming the tables).
 *
 * (transfer full) (element-type utf8): what was copied, one line per
 * table ("cases: 120 rows, sha256 …"), then one line per table of the
 * SQLite file that PostgreSQL does not keep (they stay in the file). NULL
 * with @error set. */
GPtrArray *hall_server_copy_to_postgres (const char  *sqlite_path,
                                         const char  *uri,
                                         GError     **error);

G_END_DECLS
