/* hall-test-postgres.c — a throw-away PostgreSQL cluster for tests
 *
 * A copy of a cluster that initdb made once (a template kept under /tmp,
 * per PostgreSQL and user: initdb takes seconds, a copy a fraction of one),
 * in a folder under /dev/shm when it is a roomy tmpfs (no disk to wait
 * for), else under /tmp (short paths: a Unix socket's is at most 107 bytes), then postgres on a socket in that folder only, with fsync off:
 * the cluster lives for one test program. As root (CI), both run as the
 * "postgres" user, which PostgreSQL requires, through runuser.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hall-test-postgres.h"
#include "hall-test-files.h"

struct _HallTestPostgres
{
  char    *bindir;
  char    *dir;       /* the socket's, and data/ and log in it */
  char    *data;
  guint16  port;
  gboolean as_postgres;
  gboolean running;
  GPid     frozen;    /* the postmaster stopped by SIGSTOP, or 0 */
};

/* The folder of initdb and postgres: $HALL_TEST_PG_BINDIR, the PATH, or
 * Debian's /usr/lib/postgresql/<newest>/bin. */
static char *
find_bindir (void)
{
  const char *env = g_getenv ("HALL_TEST_PG_BINDIR");
  g_autofree char *in_path = g_find_program_in_path ("initdb");
  g_autoptr(GDir) versions = NULL;
  const char *name;
  char *best = NULL;
  int best_version = 0;

  if (env != NULL)
    return g_strdup (env);
  if (in_path != NULL)
    return g_path_get_dirname (in_path);
  versions = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (versions != NULL && (name = g_dir_read_name (versions)) != NULL)
    {
      g_autofree char *initdb = g_build_filename ("/usr/lib/postgresql", name, "bin", "initdb",
                                                  NULL);
      int version = atoi (name);

      if (version > best_version && g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_free (best);
          best = g_path_get_dirname (initdb);
          best_version = version;
        }
    }
  return best;
}

static guint16
free_port (GError **error)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, error))
    return 0;
  bound = g_socket_get_local_address (socket, error);
  if (bound == NULL)
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Runs the PostgreSQL program @program with @args (NULL-terminated), as
 * the postgres user when we are root; FALSE with its output in @error. */
static gboolean
run (HallTestPostgres  *self,
     const char        *program,
     const char *const *args,
     GError           **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (self->as_postgres)
    {
      g_ptr_array_add (argv, g_strdup ("runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("postgres"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (self->bindir, program, NULL));
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, g_strdup (*args));
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync ("/", (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s%s", program, out,
                   err);
      return FALSE;
    }
  return TRUE;
}

/* /dev/shm when it is there with room for a few clusters, else /tmp. */
static const char *
base_dir (void)
{
  struct statvfs fs;

  if (access ("/dev/shm", W_OK) == 0 && statvfs ("/dev/shm", &fs) == 0
      && (guint64) fs.f_bavail * fs.f_frsize > 512 * 1024 * 1024)
    return "/dev/shm";
  return "/tmp";
}

/* Makes the template when there is none (initdb into a folder of its own,
 * renamed into place, so that two test programs never see half of one),
 * then copies it to self->data. */
static gboolean
copy_template (HallTestPostgres  *self,
               GError           **error)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->bindir, -1);
  g_autofree char *template = g_strdup_printf ("%s/hall-pg-template-%.12s-%u", base_dir (), digest,
                                               (guint) geteuid ());
  const char *cp[] = { "cp", "-a", template, self->data, NULL };
  int status;

  if (!g_file_test (template, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *fresh = g_strdup_printf ("%s/fresh", self->dir);
      /* 1 MiB WAL segments: a tenth of the copy. */
      const char *args[] = { "-D", fresh, "-U", "hall", "-A", "trust", "-E", "UTF8",
                             "--locale=C", "--no-sync", "--no-instructions", "--wal-segsize=1",
                             NULL };

      if (!run (self, "initdb", args, error))
        return FALSE;
      if (g_rename (fresh, template) != 0)
        hall_test_remove_tree (fresh);  /* another test program made it meanwhile */
    }
  if (!g_spawn_sync ("/", (char **) cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, error))
    return FALSE;
  return g_spawn_check_wait_status (status, error);
}

/* A test that aborts never calls stop: a shell outside it waits for the
 * test's process to end, then stops the cluster and removes it (nothing
 * is left to do when stop() did so already). */
static void
start_watchdog (HallTestPostgres *self)
{
  g_autofree char *pg_ctl = g_build_filename (self->bindir, "pg_ctl", NULL);
  g_autofree char *script = g_strdup_printf (
    "while kill -0 %d 2>/dev/null; do sleep 1; done;"
    " if [ -d '%s' ]; then %s '%s' -D '%s' -m immediate stop >/dev/null 2>&1;"
    " rm -rf '%s'; fi",
    (int) getpid (), self->data, self->as_postgres ? "runuser -u postgres --" : "", pg_ctl,
    self->data, self->dir);
  const char *argv[] = { "sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;

  if (!g_spawn_async ("/", (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                      | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, &error))
    g_warning ("No watchdog for the PostgreSQL cluster: %s", error->message);
}

HallTestPostgres *
hall_test_postgres_start (GError **error)
{
  g_autoptr(HallTestPostgres) self = g_new0 (HallTestPostgres, 1);

  self->bindir = find_bindir ();
  if (self->bindir == NULL)
    return NULL;
  self->port = free_port (error);
  if (self->port == 0)
    return NULL;
  self->dir = g_strdup_printf ("%s/hall-pg-XXXXXX", base_dir ());
  if (g_mkdtemp (self->dir) == NULL)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "mkdtemp: %s",
                   g_strerror (errno));
      g_clear_pointer (&self->dir, g_free);
      return NULL;
    }
  self->data = g_build_filename (self->dir, "data", NULL);
  if (geteuid () == 0)
    {
      struct passwd *pw = getpwnam ("postgres");

      if (pw == NULL || chown (self->dir, pw->pw_uid, pw->pw_gid) != 0)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                       "As root, PostgreSQL needs a postgres user to run as");
          return NULL;
        }
      self->as_postgres = TRUE;
    }

  if (!copy_template (self, error))
    return NULL;
  if (!hall_test_postgres_resume (self, error))
    return NULL;
  start_watchdog (self);
  return g_steal_pointer (&self);
}

gboolean
hall_test_postgres_resume (HallTestPostgres  *self,
                           GError           **error)
{
  g_autofree char *log = g_build_filename (self->dir, "log", NULL);
  /* Only the socket: nothing listens on the network. */
  g_autofree char *options = g_strdup_printf ("-k %s -p %u -c listen_addresses='' -c fsync=off"
                                              " -c full_page_writes=off -c max_connections=200",
                                              self->dir, self->port);
  const char *args[] = { "-D", self->data, "-l", log, "-o", options, "-w", "-t", "30",
                         "start", NULL };

  if (!run (self, "pg_ctl", args, error))
    return FALSE;
  self->running = TRUE;
  return TRUE;
}

void
hall_test_postgres_pause (HallTestPostgres *self)
{
  const char *args[] = { "-D", self->data, "-m", "fast", "-w", "stop", NULL };
  g_autoptr(GError) error = NULL;

  hall_test_postgres_thaw (self);
  if (!run (self, "pg_ctl", args, &error))
    g_error ("%s", error->message);
  self->running = FALSE;
}

/* Ends every client's backend, as an administrator's
 * pg_terminate_backend or a failover does: the clients find out at their
 * next statement. */
void
hall_test_postgres_terminate_clients (HallTestPostgres *self)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s port=%u user=hall dbname=postgres",
                                               self->dir, self->port);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, "SELECT pg_terminate_backend (pid) FROM pg_stat_activity"
                         " WHERE pid <> pg_backend_pid () AND backend_type = 'client backend'");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("pg_terminate_backend: %s", PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

void
hall_test_postgres_freeze (HallTestPostgres *self)
{
  g_autofree char *pid_path = g_build_filename (self->data, "postmaster.pid", NULL);
  g_autofree char *pid_file = NULL;
  g_autoptr(GError) error = NULL;

  hall_test_postgres_terminate_clients (self);
  /* The first line of postmaster.pid is the postmaster's pid. */
  g_file_get_contents (pid_path, &pid_file, NULL, &error);
  g_assert_no_error (error);
  self->frozen = (GPid) g_ascii_strtoll (pid_file, NULL, 10);
  g_assert_cmpint (self->frozen, >, 0);
  g_assert_cmpint (kill (self->frozen, SIGSTOP), ==, 0);
}

void
hall_test_postgres_thaw (HallTestPostgres *self)
{
  if (self->frozen == 0)
    return;
  kill (self->frozen, SIGCONT);
  self->frozen = 0;
}

char *
hall_test_postgres_create_database (HallTestPostgres *self,
                                    const char       *name)
{
  g_autofree char *conninfo = g_strdup_printf ("host=%s port=%u user=hall dbname=postgres",
                                               self->dir, self->port);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE \"%s\"", name);
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
  return g_strdup_printf ("postgresql://hall@/%s?host=%s&port=%u", name, self->dir, self->port);
}

const char *
hall_test_postgres_get_socket_dir (HallTestPostgres *self)
{
  return self->dir;
}

guint16
hall_test_postgres_get_port (HallTestPostgres *self)
{
  return self->port;
}

void
hall_test_postgres_stop (HallTestPostgres *self)
{
  if (self == NULL)
    return;
  hall_test_postgres_thaw (self);
  if (self->running)
    {
      const char *args[] = { "-D", self->data, "-m", "fast", "-w", "stop", NULL };
      g_autoptr(GError) error = NULL;

      if (!run (self, "pg_ctl", args, &error))
        g_warning ("%s", error->message);
    }
  if (self->dir != NULL)
    hall_test_remove_tree (self->dir);
  g_free (self->bindir);
  g_free (self->dir);
  g_free (self->data);
  g_free (self);
}
