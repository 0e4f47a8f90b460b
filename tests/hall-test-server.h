/* hall-test-server.h — a service-hall-server child process for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-catalog.h"
#include "hall-store.h"
#include "hall-test-files.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  GThread     *drain;     /* reads the server's stdout so it never blocks */
  char        *data_dir;
  char        *database;  /* libpq URI with HALL_TEST_STORAGE=postgresql, else NULL */
  char        *url;       /* "http://127.0.0.1:PORT" */
  guint16      port;
} HallTestServer;

/* Starts $SERVICE_HALL_SERVER_BIN --listen 127.0.0.1:0 --data @data_dir
 * --demo and waits for its "listening on" line. With
 * HALL_TEST_STORAGE=postgresql, adds --database with @data_dir's own
 * database in the test program's throw-away cluster (hall-test-postgres.c;
 * the program exits 77, skipped, when PostgreSQL is not installed). */
HallTestServer *hall_test_server_start   (const char     *data_dir);
/* The same on the storage the test names: @database (a libpq URI), or
 * SQLite in @data_dir when NULL; @extra (nullable, NULL-terminated) are
 * more arguments ("--blobs", DIR). */
HallTestServer *hall_test_server_start_full (const char        *data_dir,
                                             const char        *database,
                                             const char *const *extra);
/* SIGKILL, then waits: nothing of the server's own shutdown runs. */
void            hall_test_server_kill    (HallTestServer *server);
/* SIGTERM, then waits. */
void            hall_test_server_stop    (HallTestServer *server);
/* SIGTERM, asserts that the server shut down cleanly (exit status 0), and
 * frees it. */
void            hall_test_server_finish  (HallTestServer *server);
/* Runs $SERVICE_HALL_SERVER_BIN with @args (NULL-terminated) to its end,
 * as an administrator runs --backup or --copy-to: its exit status, and
 * what it wrote to @out and @err. */
int             hall_test_server_run     (const char *const *args,
                                          char             **out,
                                          char             **err);
/* Stops it (if still running) and frees; the data stays. */
void            hall_test_server_free    (HallTestServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallTestServer, hall_test_server_free)

/* (nullable): data_dir/hall.sqlite, or NULL when the records are in
 * PostgreSQL (server->database). */
char           *hall_test_server_dup_db_path (HallTestServer *server);

/* POST /v1/sessions as demo/demo; the token. */
char           *hall_test_server_sign_in (const char     *url);

/* hall_test_remove_tree () is in hall-test-files.h. */

/* Asserts PRAGMA integrity_check answers "ok" for the database at @path,
 * opened read-only beside whoever else has it open (WAL). */
void            hall_test_assert_integrity (const char   *path);

/* Opens @n cases offline at @store, each with its own applicant (resident
 * ID numbers made from serials @first_serial on, valid up to serial 30999);
 * some get a note, some move on once or twice, so that case versions differ
 * and a state event applied twice would show. */
void            hall_test_create_cases   (HallStore      *store,
                                          HallCatalog    *catalog,
                                          guint           first_serial,
                                          guint           n);

/* Gives the demo officials of @store their certified keys (once per
 * store) and opens demo's for the session (password "demo"), so that
 * decisions made with @store are signed as the --demo server wants. */
void            hall_test_open_demo_signing     (HallStore      *store);

G_END_DECLS
