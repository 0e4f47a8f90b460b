/* hall-store-migrations.h — the schema of the counter's database, version
 * by version
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The group of a case in the list sorted by what is due
 * (HALL_CASE_SORT_DUE, hall_case_sort_due_rank()) from its state, promise
 * and checklist: 0 received or in review with a promise and every
 * document brought (its clock runs), 1 waiting for the applicant
 * (returned, or a document still missing, as hall_case_is_paused() says)
 * or without a promise, 2 closed. Triggers keep it in cases.due_rank
 * (schema 17); it is part of that migration's text, so change it only
 * with a migration that computes the column again. */
#define HALL_STORE_DUE_RANK                                                      \
  "(CASE WHEN state IN ('received', 'in_review') AND promised_at > 0"          \
  " AND NOT EXISTS (SELECT 1 FROM json_each (checklist)"                        \
  "  WHERE json_extract (value, '$.provided') IS NOT 1) THEN 0"                 \
  " WHEN state IN ('received', 'in_review', 'returned') THEN 1 ELSE 2 END)"

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
