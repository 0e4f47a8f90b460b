/* hall-memory-trim.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A search replaces hundreds of row widgets, and an intake builds and
 * drops a dialog; glibc's malloc keeps what they freed in its arenas,
 * scattered among what is still in use, and the counter's resident memory
 * crept up over a day (some 9 MB in 500 intakes and 5,000 searches,
 * tests/bench/bench-memory.c --soak) although what it used did not.
 * malloc_trim () gives those pages back. It walks the whole heap, so it
 * runs on a worker, and only once the counter stands idle.
 */
#include "config.h"

#include <gio/gio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "hall-memory-trim.h"

static guint trim_source;

static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  g_task_return_boolean (task, TRUE);
}

static gboolean
trim_cb (gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  trim_source = 0;
  g_task_run_in_thread (task, trim_thread);
  return G_SOURCE_REMOVE;
}

void
hall_memory_trim_when_idle (void)
{
  g_clear_handle_id (&trim_source, g_source_remove);
  trim_source = g_timeout_add_seconds (HALL_MEMORY_TRIM_IDLE_SECONDS, trim_cb, NULL);
}
