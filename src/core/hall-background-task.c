/* hall-background-task.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "hall-background-task.h"

/* The scheduler weighs a nice-10 thread at a tenth of a nice-0 one: the
 * main thread waking for a frame runs before it, and a page is still
 * encoded at full speed while nothing else wants the CPU. */
#define BACKGROUND_NICE 10
#define BACKGROUND_THREADS 2

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

void
hall_thread_yield_to_window (void)
{
#ifdef __linux__
  /* On Linux a nice value is a thread's own, set through its thread id. */
  id_t thread = (id_t) syscall (SYS_gettid);
  int own;

  /* Never raised: a program started with a higher nice (a script's `nice
   * -n 19`) keeps it, and as root setting 10 would raise it. */
  errno = 0;
  own = getpriority (PRIO_PROCESS, thread);
  if (errno != 0 || own >= BACKGROUND_NICE)
    return;
  if (setpriority (PRIO_PROCESS, thread, BACKGROUND_NICE) != 0)
    g_debug ("Could not lower a worker thread's priority: %s", g_strerror (errno));
#endif
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  static GPrivate lowered = G_PRIVATE_INIT (NULL);
  Job *job = data;

  if (g_private_get (&lowered) == NULL)
    {
      hall_thread_yield_to_window ();
      g_private_set (&lowered, GINT_TO_POINTER (TRUE));
    }
  job->func (job->task, g_task_get_source_object (job->task),
             g_task_get_task_data (job->task), g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

static gpointer
new_pool (gpointer data)
{
  /* Exclusive: the threads are this pool's alone. Threads of GLib's
   * shared pools are handed from one pool to another, and a lowered one
   * would slow the store's reads. */
  return g_thread_pool_new (run_job, NULL, BACKGROUND_THREADS, TRUE, NULL);
}

void
hall_task_run_in_background (GTask           *task,
                             GTaskThreadFunc  func)
{
  static GOnce pool_once = G_ONCE_INIT;
  GThreadPool *pool = g_once (&pool_once, new_pool, NULL);
  Job *job = g_new (Job, 1);

  g_return_if_fail (G_IS_TASK (task) && func != NULL);

  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool, job, NULL);
}
