/* hall-test-postgres.h — a throw-away PostgreSQL cluster for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HallTestPostgres HallTestPostgres;

/* (transfer full) (nullable): a new cluster (initdb into a temporary
 * folder, postgres listening only on a Unix socket in that folder, on a
 * free port), run as the "postgres" user when the caller is root, with a
 * superuser "hall" that connects without a password. NULL with @error set
 * when it cannot start; NULL with no error when PostgreSQL's programs are
 * not installed (the caller then skips: exit code 77 under meson). */
HallTestPostgres *hall_test_postgres_start           (GError          **error);
/* (transfer full): a libpq URI of a new, empty database of the cluster
 * (a database per test server, so that they never see each other's data). */
char             *hall_test_postgres_create_database (HallTestPostgres *self,
                                                      const char       *name);
/* (transfer none): the folder of the cluster's socket. */
const char       *hall_test_postgres_get_socket_dir  (HallTestPostgres *self);
guint16           hall_test_postgres_get_port        (HallTestPostgres *self);
/* Stops the cluster (fast shutdown: its clients' connections end) and
 * keeps it, as a database that goes away while serving. */
void              hall_test_postgres_pause           (HallTestPostgres *self);
/* Starts the paused cluster again, on the same socket and port. */
gboolean          hall_test_postgres_resume          (HallTestPostgres  *self,
                                                      GError           **error);
/* Ends its clients' connections, then stops the postmaster with SIGSTOP:
 * a database that takes connections (the kernel completes them) and never
 * answers, as a hung server or a dead route does. */
void              hall_test_postgres_terminate_clients (HallTestPostgres *self);
void              hall_test_postgres_freeze          (HallTestPostgres *self);
/* SIGCONT to the frozen postmaster; nothing when none is. */
void              hall_test_postgres_thaw            (HallTestPostgres *self);
/* Stops the cluster (fast shutdown) and removes its folder. */
void              hall_test_postgres_stop            (HallTestPostgres *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallTestPostgres, hall_test_postgres_stop)

G_END_DECLS
