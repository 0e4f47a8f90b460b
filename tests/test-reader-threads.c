/* test-reader-threads.c — finding a SANE backend's reader threads, and
 * telling when they may be cancelled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The readers are started here with pthread_create(), as sanei_thread does,
 * so that they carry the name of the thread that started them.
 */
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include "hall-reader-threads.h"

typedef struct
{
  int     pipe[2];
  GMutex  lock;
  gint    spin;      /* atomic: busy until cleared */
} Reader;

/* Busy while asked, then waits for the lock, then blocks reading a byte:
 * what a backend's reader does between its allocations and its writes. */
static void *
reader_main (void *data)
{
  Reader *reader = data;
  char byte;

  while (g_atomic_int_get (&reader->spin))
    ;
  g_mutex_lock (&reader->lock);
  g_mutex_unlock (&reader->lock);
  if (read (reader->pipe[0], &byte, 1) < 0)
    g_error ("reader: %s", g_strerror (errno));
  return NULL;
}

static void
reader_start (Reader    *reader,
              pthread_t *thread)
{
  g_assert_no_errno (pipe (reader->pipe));
  g_assert_cmpint (pthread_create (thread, NULL, reader_main, reader), ==, 0);
}

static void
reader_end (Reader    *reader,
            pthread_t  thread)
{
  g_assert_cmpint (write (reader->pipe[1], "x", 1), ==, 1);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  close (reader->pipe[0]);
  close (reader->pipe[1]);
}

/* Polls until the readers are in @state, for at most 5 s. */
static gboolean
reaches (HallReaderThreads *readers,
         HallReadersState   state)
{
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (hall_reader_threads_get_state (readers) != state)
    {
      if (g_get_monotonic_time () >= until)
        return FALSE;
      g_usleep (1000);
    }
  return TRUE;
}

static void
test_found_and_gone (void)
{
  g_autoptr (HallReaderThreads) readers = hall_reader_threads_before ();
  Reader reader = { 0 };
  pthread_t thread;

  g_mutex_init (&reader.lock);
  reader_start (&reader, &thread);
  hall_reader_threads_started (readers);
  g_assert_cmpuint (hall_reader_threads_count (readers), ==, 1);

  /* Blocked in read(): it may be cancelled, but it has not gone. */
  g_assert_true (reaches (readers, HALL_READERS_WAITING));
  g_assert_false (hall_reader_threads_wait_gone (readers, 20000));

  g_assert_cmpint (write (reader.pipe[1], "x", 1), ==, 1);
  g_assert_true (hall_reader_threads_wait_gone (readers, 5 * G_USEC_PER_SEC));
  g_assert_cmpint (hall_reader_threads_get_state (readers), ==, HALL_READERS_GONE);
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  close (reader.pipe[0]);
  close (reader.pipe[1]);
  g_mutex_clear (&reader.lock);
}

/* Running, or waiting for a lock (a futex), is no moment to be cancelled
 * asynchronously: the lock may be the allocator's. */
static void
test_busy (void)
{
  g_autoptr (HallReaderThreads) readers = hall_reader_threads_before ();
  Reader reader = { .spin = 1 };
  pthread_t thread;

  g_mutex_init (&reader.lock);
  g_mutex_lock (&reader.lock);
  reader_start (&reader, &thread);
  hall_reader_threads_started (readers);
  g_assert_cmpuint (hall_reader_threads_count (readers), ==, 1);

  g_assert_cmpint (hall_reader_threads_get_state (readers), ==, HALL_READERS_BUSY);
  g_atomic_int_set (&reader.spin, 0);
  /* Now on the lock: give it the time to get there. */
  g_usleep (50000);
  g_assert_cmpint (hall_reader_threads_get_state (readers), ==, HALL_READERS_BUSY);

  g_mutex_unlock (&reader.lock);
  g_assert_true (reaches (readers, HALL_READERS_WAITING));
  reader_end (&reader, thread);
  g_mutex_clear (&reader.lock);
}

static void *
writer_main (void *data)
{
  int fd = GPOINTER_TO_INT (data);

  if (write (fd, "x", 1) < 0)
    g_error ("writer: %s", g_strerror (errno));
  return NULL;
}

/* Waiting to write to a full pipe is told apart: closing the pipe wakes
 * the writer into its error path, so it is let on instead. */
static void
test_writing (void)
{
  g_autoptr (HallReaderThreads) readers = hall_reader_threads_before ();
  char drain[4096];
  pthread_t thread;
  int fds[2];
  int flags;

  g_assert_no_errno (pipe (fds));
  flags = fcntl (fds[1], F_GETFL);
  g_assert_no_errno (fcntl (fds[1], F_SETFL, flags | O_NONBLOCK));
  while (write (fds[1], drain, sizeof drain) > 0)
    ;
  g_assert_no_errno (fcntl (fds[1], F_SETFL, flags));
  g_assert_cmpint (pthread_create (&thread, NULL, writer_main, GINT_TO_POINTER (fds[1])), ==, 0);
  hall_reader_threads_started (readers);
  g_assert_cmpuint (hall_reader_threads_count (readers), ==, 1);
  g_assert_true (reaches (readers, HALL_READERS_WRITING));

  /* Room for its byte: it writes and ends. */
  g_assert_cmpint (read (fds[0], drain, sizeof drain), ==, sizeof drain);
  g_assert_true (hall_reader_threads_wait_gone (readers, 5 * G_USEC_PER_SEC));
  g_assert_cmpint (pthread_join (thread, NULL), ==, 0);
  close (fds[0]);
  close (fds[1]);
}

typedef struct
{
  GAsyncQueue *ready;
  GAsyncQueue *go;
} Waiter;

static gpointer
waiter_main (gpointer data)
{
  Waiter *waiter = data;

  g_async_queue_push (waiter->ready, GINT_TO_POINTER (1));
  g_async_queue_pop (waiter->go);
  return NULL;
}

static GThread *
waiter_start (Waiter     *waiter,
              const char *name)
{
  GThread *thread;

  waiter->ready = g_async_queue_new ();
  waiter->go = g_async_queue_new ();
  thread = g_thread_new (name, waiter_main, waiter);
  g_async_queue_pop (waiter->ready);
  return thread;
}

static void
waiter_end (Waiter  *waiter,
            GThread *thread)
{
  g_async_queue_push (waiter->go, GINT_TO_POINTER (1));
  g_thread_join (thread);
  g_async_queue_unref (waiter->ready);
  g_async_queue_unref (waiter->go);
}

/* A thread that was there before, or that names itself (GLib's do, the
 * thread pool's among them), is not a reader. */
static void
test_others_ignored (void)
{
  g_autoptr (HallReaderThreads) readers = NULL;
  Waiter before = { 0 }, other = { 0 };
  GThread *before_thread, *other_thread;

  before_thread = waiter_start (&before, "before");
  readers = hall_reader_threads_before ();
  other_thread = waiter_start (&other, "other");
  hall_reader_threads_started (readers);
  g_assert_cmpuint (hall_reader_threads_count (readers), ==, 0);
  g_assert_true (hall_reader_threads_wait_gone (readers, 0));

  waiter_end (&other, other_thread);
  waiter_end (&before, before_thread);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hall/reader-threads/found-and-gone", test_found_and_gone);
  g_test_add_func ("/hall/reader-threads/busy", test_busy);
  g_test_add_func ("/hall/reader-threads/writing", test_writing);
  g_test_add_func ("/hall/reader-threads/others-ignored", test_others_ignored);
  return g_test_run ();
}
