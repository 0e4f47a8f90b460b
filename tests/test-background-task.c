/* test-background-task.c — page work on threads that yield to the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hall-background-task.h"

static int
thread_nice (void)
{
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static void
nice_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_int (task, thread_nice ());
}

static void
ran_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  gssize *nice = user_data;
  g_autoptr (GError) error = NULL;

  *nice = g_task_propagate_int (G_TASK (result), &error);
  g_assert_no_error (error);
}

/* The nice value of the thread @func ran on, run the way @run runs it. */
static gssize
run_and_wait (void (*run) (GTask *, GTaskThreadFunc))
{
  gssize nice = G_MINSSIZE;
  g_autoptr (GTask) task = g_task_new (NULL, NULL, ran_cb, &nice);

  run (task, nice_thread);
  g_clear_object (&task);
  while (nice == G_MINSSIZE)
    g_main_context_iteration (NULL, TRUE);
  return nice;
}

/* A background task's thread runs at nice 10 (or the process's own, when
 * that is already lower); the thread that called stays as it was, and so
 * do GLib's pool threads that run the store's reads. */
static void
test_lower_priority (void)
{
  int own = thread_nice ();

  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (run_and_wait (hall_task_run_in_background), ==, MAX (own, 10));
  g_assert_cmpint (thread_nice (), ==, own);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (run_and_wait (g_task_run_in_thread), ==, own);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hall/background-task/lower-priority", test_lower_priority);
  return g_test_run ();
}
