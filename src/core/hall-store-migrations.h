/* hall-store-migrations.h — the schema of the counter's database, version
 * by version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The DDL that takes a database from @version - 1 to @version (1 to
 * HALL_STORE_SCHEMA_VERSION), without the PRAGMA user_version. Tests use it
 * to build databases of older versions. */
const char *hall_store_migration_get_sql   (int        version);

/* PRAGMA user_version. */
gboolean    hall_store_read_schema_version (sqlite3   *db,
                                            int       *version,
                                            GError   **error);

/* Registers hall_name_bigrams(name), which the migrations and the store's
 * writes use to fill the bigram index. */
gboolean    hall_store_register_functions  (sqlite3   *db,
                                            GError   **error);

/* Brings @db from @from_version to HALL_STORE_SCHEMA_VERSION inside the
 * caller's transaction (each step's DDL, then the user_version). */
gboolean    hall_store_migrate             (sqlite3   *db,
                                            int        from_version,
                                            GError   **error);

G_END_DECLS
