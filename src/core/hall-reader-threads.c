/* hall-reader-threads.c — the threads a SANE backend starts to read a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Debian builds SANE's backends with pthreads: sane_start() starts a
 * reader thread in our process (sanei_thread), and the backend ends it with
 * pthread_cancel() under PTHREAD_CANCEL_ASYNCHRONOUS, from sane_cancel() or
 * from the sane_read() that returns a page's last bytes. Cancelled while
 * inside malloc() or free() (the test backend allocates its picture as the
 * reader starts and frees it after its last write), the reader dies
 * holding the allocator's lock, and its own exit then waits for that lock
 * for ever: so does the pthread_join() in sane_cancel(), and our scanner
 * thread with it.
 *
 * So the scanner lets the backend end a reader only once the reader has
 * gone by itself, or while it waits in a system call that holds none of
 * the C library's locks (a sleep between lines, a read from the device).
 * A write to the full pipe is no such wait: sane_cancel() closes the pipe
 * before it cancels, and the reader wakes into its error path (the test
 * backend's calls strerror()). This makes the hang rare, not impossible:
 * a reader seen asleep may wake in the microseconds before the cancel
 * reaches it.
 *
 * The readers are found by what Linux shows in /proc: the threads that
 * appeared during sane_start(), started from this thread and so named
 * after it. Where /proc/self/task cannot be listed, none are found and
 * nothing waits; where a thread's "syscall" cannot be read, it counts as
 * busy, and each wait runs to its bound.
 */
#define G_LOG_DOMAIN "hall-scanner"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hall-reader-threads.h"

struct _HallReaderThreads
{
  GArray *tids;   /* before hall_reader_threads_started(): every thread */
};

static GArray *
list_threads (void)
{
  GArray *tids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      gint64 tid = g_ascii_strtoll (name, NULL, 10);

      if (tid > 0)
        g_array_append_val (tids, tid);
    }
  return tids;
}

static char *
read_task_file (gint64      tid,
                const char *what)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%" G_GINT64_FORMAT "/%s", tid, what);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strchomp (contents);
}

static gboolean
contains (GArray *tids,
          gint64  tid)
{
  for (guint i = 0; i < tids->len; i++)
    if (g_array_index (tids, gint64, i) == tid)
      return TRUE;
  return FALSE;
}

/* The threads there are now: call it right before sane_start(). */
HallReaderThreads *
hall_reader_threads_before (void)
{
  HallReaderThreads *self = g_new0 (HallReaderThreads, 1);

  self->tids = list_threads ();
  return self;
}

/* Right after sane_start(): keeps the threads that came since and carry
 * this thread's name, as a thread started with pthread_create() does
 * until it names itself (GLib's own threads name themselves at once). */
void
hall_reader_threads_started (HallReaderThreads *self)
{
  g_autoptr (GArray) now = list_threads ();
  g_autofree char *own = read_task_file ((gint64) syscall (SYS_gettid), "comm");
  GArray *started = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; own != NULL && i < now->len; i++)
    {
      gint64 tid = g_array_index (now, gint64, i);
      g_autofree char *comm = NULL;

      if (contains (self->tids, tid))
        continue;
      comm = read_task_file (tid, "comm");
      if (g_strcmp0 (comm, own) == 0)
        g_array_append_val (started, tid);
    }
  g_array_unref (self->tids);
  self->tids = started;
}

guint
hall_reader_threads_count (HallReaderThreads *self)
{
  return self->tids->len;
}

static gboolean
is_gone (gint64 tid)
{
  g_autofree char *path = g_strdup_printf ("/proc/self/task/%" G_GINT64_FORMAT, tid);

  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

/* The calls a reader waits in for its device or its next line, holding
 * none of the C library's locks. Any other call may be the allocator's
 * own (malloc() maps and unmaps memory with its arena locked) or a lock's
 * wait, so it counts as busy. */
static gboolean
is_quiet_wait (gint64 number)
{
  switch (number)
    {
    case SYS_read:
    case SYS_readv:
    case SYS_pread64:
    case SYS_recvfrom:
    case SYS_recvmsg:
    case SYS_ioctl:
    case SYS_nanosleep:
    case SYS_clock_nanosleep:
#ifdef SYS_poll
    case SYS_poll:
#endif
    case SYS_ppoll:
#ifdef SYS_select
    case SYS_select:
#endif
    case SYS_pselect6:
#ifdef SYS_epoll_wait
    case SYS_epoll_wait:
#endif
    case SYS_epoll_pwait:
      return TRUE;
    default:
      return FALSE;
    }
}

/* /proc's "syscall" gives the number of the call a thread waits in, or
 * "running". */
static HallReadersState
thread_state (gint64 tid)
{
  g_autofree char *syscall_line = read_task_file (tid, "syscall");
  gint64 number;
  char *end = NULL;

  if (syscall_line == NULL)
    return is_gone (tid) ? HALL_READERS_GONE : HALL_READERS_BUSY;
  number = g_ascii_strtoll (syscall_line, &end, 10);
  if (end == syscall_line || number < 0)
    return HALL_READERS_BUSY;
  if (number == SYS_write || number == SYS_writev || number == SYS_pwrite64)
    return HALL_READERS_WRITING;
  return is_quiet_wait (number) ? HALL_READERS_WAITING : HALL_READERS_BUSY;
}

HallReadersState
hall_reader_threads_get_state (HallReaderThreads *self)
{
  HallReadersState state = HALL_READERS_GONE;

  for (guint i = 0; i < self->tids->len && state > HALL_READERS_BUSY; i++)
    state = MIN (state, thread_state (g_array_index (self->tids, gint64, i)));
  return state;
}

/* Polls until every reader has gone, or @timeout_us has passed: FALSE
 * then. The polls start short: a reader takes microseconds to finish. */
gboolean
hall_reader_threads_wait_gone (HallReaderThreads *self,
                               gint64             timeout_us)
{
  gint64 until = g_get_monotonic_time () + timeout_us;
  gulong pause = 50;

  while (hall_reader_threads_get_state (self) != HALL_READERS_GONE)
    {
      if (g_get_monotonic_time () >= until)
        return FALSE;
      g_usleep (pause);
      pause = MIN (pause * 2, 2000);
    }
  return TRUE;
}

void
hall_reader_threads_free (HallReaderThreads *self)
{
  g_array_unref (self->tids);
  g_free (self);
}
