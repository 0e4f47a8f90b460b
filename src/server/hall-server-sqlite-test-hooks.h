/* hall-server-sqlite-test-hooks.h — what only tests ask the server's
 * SQLite storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-server-sqlite.h"

G_BEGIN_DECLS

/* How many checkpoints the storage's checkpointer thread has run (0
 * without one). */
guint _hall_server_sqlite_get_checkpoint_runs (HallServerSqlite *self);

G_END_DECLS
