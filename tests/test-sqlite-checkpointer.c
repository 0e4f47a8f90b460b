/* test-sqlite-checkpointer.c — the write-ahead log copied back on a
 * thread of its own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hall-sqlite-checkpointer.h"
#include "hall-test-files.h"

/* A page of 4 KiB each. */
#define PAGE_ROWS "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %u)" \
                  " INSERT INTO t (x) SELECT randomblob (4000) FROM n"

static void
commit_pages (HallSqliteConn *writer,
              guint           pages)
{
  g_autofree char *sql = g_strdup_printf (PAGE_ROWS, pages);
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_sqlite_conn_exec (writer, sql, "write", &error));
  g_assert_no_error (error);
}

static void
wait_for_runs (HallSqliteCheckpointer *checkpointer,
               guint                   runs)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (hall_sqlite_checkpointer_get_runs (checkpointer) < runs)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }
}

static goffset
size_of (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? st.st_size : 0;
}

/* Small commits leave the log alone; one past a thousand pages has the
 * thread copy it back. Commit after commit, the log is copied back whole
 * and starts over, so it stays the size of about one of them, not of all
 * (11,000 pages, 45 MB); and every row is there after. */
static void
test_checkpoints_beside_the_writer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-checkpointer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hall.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr (HallSqliteConn) writer = NULL;
  g_autoptr (HallSqliteCheckpointer) checkpointer = NULL;
  g_autoptr (GError) error = NULL;

  writer = hall_sqlite_conn_open (path, HALL_SQLITE_OPEN_DURABLE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_sqlite_conn_exec (writer, "CREATE TABLE t (x BLOB)", "create", &error));
  checkpointer = hall_sqlite_checkpointer_new (path, &error);
  g_assert_no_error (error);
  hall_sqlite_checkpointer_watch (checkpointer, writer);

  for (guint i = 0; i < 5; i++)
    commit_pages (writer, 100);
  g_usleep (100000);
  g_assert_cmpuint (hall_sqlite_checkpointer_get_runs (checkpointer), ==, 0);

  for (guint i = 0; i < 10; i++)
    {
      commit_pages (writer, 1100);
      wait_for_runs (checkpointer, i + 1);
    }
  g_assert_cmpint (size_of (wal), <, 2 * 1600 * 4096);

  /* Commits back to back give the thread no moment to have copied it all
   * when the next begins: the writer's own checkpoint bounds the log at
   * 16 MB, not at the 48 MB they write. */
  for (guint i = 0; i < 200; i++)
    commit_pages (writer, 60);
  g_assert_cmpint (size_of (wal), <, 5000 * 4096);

  g_clear_pointer (&checkpointer, hall_sqlite_checkpointer_free);
  {
    g_autoptr (HallSqliteConn) reader = hall_sqlite_conn_open (path, 0, &error);
    g_autoptr (HallSqliteStmt) count = NULL;

    g_assert_no_error (error);
    count = hall_sqlite_conn_prepare (reader, "SELECT count (*) FROM t", &error);
    g_assert_true (hall_sqlite_stmt_step_row (count, "count", &error));
    g_assert_cmpint (sqlite3_column_int (count, 0), ==, 5 * 100 + 10 * 1100 + 200 * 60);
  }
  g_clear_pointer (&writer, hall_sqlite_conn_free);
  hall_test_remove_tree (dir);
}

typedef struct
{
  HallSqliteConn *writer;
  guint           commits;
} Writing;

static gpointer
write_thread (gpointer data)
{
  Writing *writing = data;

  /* The two take turns through SQLite's busy handler. */
  for (guint i = 0; i < writing->commits; i++)
    commit_pages (writing->writer, 60);
  return NULL;
}

/* A server's threads each write on a connection of their own, and each
 * is watched: a commit on the second alone that leaves a thousand pages
 * wakes the thread (SQLite's own checkpoint would copy it back in that
 * commit, and the thread never run). Commits back to back from both at
 * once keep the log bounded, though not as tightly as one writer's: a
 * writer's own checkpoint gives way while the thread's runs, and the
 * other writer goes on meanwhile. After the checkpointer is freed, both
 * checkpoint themselves again, and no row is lost. */
static void
test_several_writers (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-checkpointer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hall.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr (HallSqliteConn) first = NULL;
  g_autoptr (HallSqliteConn) second = NULL;
  g_autoptr (HallSqliteCheckpointer) checkpointer = NULL;
  g_autoptr (GError) error = NULL;
  Writing writings[2];
  GThread *threads[2];

  first = hall_sqlite_conn_open (path, HALL_SQLITE_OPEN_DURABLE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_sqlite_conn_exec (first, "CREATE TABLE t (x BLOB)", "create", &error));
  second = hall_sqlite_conn_open (path, HALL_SQLITE_OPEN_DURABLE, &error);
  g_assert_no_error (error);
  checkpointer = hall_sqlite_checkpointer_new (path, &error);
  g_assert_no_error (error);
  hall_sqlite_checkpointer_watch (checkpointer, first);
  hall_sqlite_checkpointer_watch (checkpointer, second);

  commit_pages (second, 1100);
  wait_for_runs (checkpointer, 1);

  writings[0] = (Writing) { first, 150 };
  writings[1] = (Writing) { second, 150 };
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("writer", write_thread, &writings[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  /* Without the writers' own checkpoints it grew to 39 MB of the 73 MB
   * they wrote. */
  g_assert_cmpint (size_of (wal), <, 9000 * 4096);

  g_clear_pointer (&checkpointer, hall_sqlite_checkpointer_free);
  commit_pages (first, 10);
  commit_pages (second, 10);
  {
    g_autoptr (HallSqliteStmt) count = NULL;

    count = hall_sqlite_conn_prepare (first, "SELECT count (*) FROM t", &error);
    g_assert_true (hall_sqlite_stmt_step_row (count, "count", &error));
    g_assert_cmpint (sqlite3_column_int (count, 0), ==, 1100 + 2 * 150 * 60 + 2 * 10);
  }
  g_clear_pointer (&second, hall_sqlite_conn_free);
  g_clear_pointer (&first, hall_sqlite_conn_free);
  hall_test_remove_tree (dir);
}

/* Another process holds the log's checkpoint lock (SQLite's -shm file,
 * byte 120 + 1): a child, as POSIX locks never conflict within one
 * process. Returns its pid once the lock is held. */
static GPid
hold_checkpoint_lock (const char *path)
{
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  int ready[2];
  char byte;
  GPid pid;

  g_assert_no_errno (pipe (ready));
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 121, .l_len = 1 };
      int fd;

      /* Gone with the test, should it fail. */
      prctl (PR_SET_PDEATHSIG, SIGKILL);
      fd = open (shm, O_RDWR);
      if (fd < 0 || fcntl (fd, F_SETLK, &lock) < 0 || write (ready[1], "l", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  return pid;
}

/* A checkpoint that finds another one running is skipped quietly, as the
 * next commit asks again; it used to be reported as a failure, since
 * SQLite gives a busy checkpoint's log as -1 frames. Messages are fatal
 * here. */
static void
test_busy_is_quiet (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-checkpointer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hall.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr (HallSqliteConn) writer = NULL;
  g_autoptr (HallSqliteCheckpointer) checkpointer = NULL;
  g_autoptr (GError) error = NULL;
  GLogLevelFlags fatal;
  GPid holder;
  int status;

  writer = hall_sqlite_conn_open (path, HALL_SQLITE_OPEN_DURABLE, &error);
  g_assert_no_error (error);
  g_assert_true (hall_sqlite_conn_exec (writer, "CREATE TABLE t (x BLOB)", "create", &error));
  checkpointer = hall_sqlite_checkpointer_new (path, &error);
  g_assert_no_error (error);
  hall_sqlite_checkpointer_watch (checkpointer, writer);
  holder = hold_checkpoint_lock (path);

  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_MESSAGE
                                  | G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  commit_pages (writer, 1100);
  wait_for_runs (checkpointer, 1);
  g_log_set_always_fatal (fatal);
  /* It was busy indeed: nothing was copied back. */
  g_assert_cmpint (size_of (wal), >, 1000 * 4096);

  kill (holder, SIGKILL);
  g_assert_cmpint (waitpid (holder, &status, 0), ==, holder);
  g_clear_pointer (&checkpointer, hall_sqlite_checkpointer_free);
  g_clear_pointer (&writer, hall_sqlite_conn_free);
  hall_test_remove_tree (dir);
}

/* A database the checkpointer cannot open: an error (its writers go on
 * checkpointing themselves). */
static void
test_cannot_open (void)
{
  g_autofree char *dir = g_dir_make_tmp ("hall-checkpointer-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "none", "hall.db", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_null (hall_sqlite_checkpointer_new (missing, &error));
  g_assert_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN);
  hall_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hall/sqlite/checkpointer/beside-the-writer",
                   test_checkpoints_beside_the_writer);
  g_test_add_func ("/hall/sqlite/checkpointer/several-writers", test_several_writers);
  g_test_add_func ("/hall/sqlite/checkpointer/busy-is-quiet", test_busy_is_quiet);
  g_test_add_func ("/hall/sqlite/checkpointer/cannot-open", test_cannot_open);
  return g_test_run ();
}
