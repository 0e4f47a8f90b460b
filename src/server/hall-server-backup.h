/* hall-server-backup.h — an online backup of the server's SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes a consistent copy of the SQLite file @sqlite_path to @target
 * while servers keep writing to it: one read transaction (WAL: writers
 * are not waited for, nor do they wait), written to a temporary file
 * beside @target, checked (PRAGMA integrity_check), fsynced and renamed
 * over @target, then its folder fsynced. An existing @target is replaced
 * only by a finished, checked backup.
 *
 * (transfer full) (element-type utf8): what it holds, one line per table
 * ("cases: 120 rows") and the change feed's last seq. NULL with @error set. */
GPtrArray *hall_server_backup_sqlite (const char  *sqlite_path,
                                      const char  *target,
                                      GError     **error);

G_END_DECLS
