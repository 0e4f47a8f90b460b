/* hall-test-postgres-run.c — hall-test-postgres.c for tests that are not
 * in C (test-openapi.py): starts a throw-away cluster, prints a libpq URI
 * of a new, empty database of it on one line, and stops and removes the
 * cluster when its standard input ends (the test closed it, or died).
 * Exits 77 when PostgreSQL is not installed, as meson counts a skip.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <unistd.h>

#include "hall-test-postgres.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallTestPostgres) postgres = NULL;
  g_autofree char *uri = NULL;
  char buffer[256];

  postgres = hall_test_postgres_start (&error);
  if (postgres == NULL && error == NULL)
    {
      g_printerr ("PostgreSQL is not installed\n");
      return 77;
    }
  if (postgres == NULL)
    {
      g_printerr ("Could not start PostgreSQL: %s\n", error->message);
      return 1;
    }
  uri = hall_test_postgres_create_database (postgres, argc > 1 ? argv[1] : "hall");
  printf ("%s\n", uri);
  fflush (stdout);
  while (read (STDIN_FILENO, buffer, sizeof buffer) > 0)
    ;
  return 0;
}
