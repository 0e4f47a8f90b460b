/* hall-sqlite.h — g_autoptr support for SQLite handles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* sqlite3_close_v2 defers the close until the last statement is finalised,
 * so the order in which autoptrs go out of scope does not matter. */
static inline void
hall_sqlite3_close (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, hall_sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
