/* hall-reader-threads.h — the threads a SANE backend starts to read a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HallReaderThreads HallReaderThreads;

/* Where a backend's readers are, the least safe first: each of the others
 * is no worse. */
typedef enum
{
  HALL_READERS_BUSY,     /* one runs, or waits for a lock */
  HALL_READERS_WRITING,  /* one waits to write: its pipe is full */
  HALL_READERS_WAITING,  /* each has gone or waits in another system call */
  HALL_READERS_GONE,     /* each has ended (or none was found) */
} HallReadersState;

HallReaderThreads *hall_reader_threads_before      (void);
void               hall_reader_threads_started     (HallReaderThreads *self);
guint              hall_reader_threads_count       (HallReaderThreads *self);
HallReadersState   hall_reader_threads_get_state   (HallReaderThreads *self);
gboolean           hall_reader_threads_wait_gone   (HallReaderThreads *self,
                                                    gint64             timeout_us);
void               hall_reader_threads_free        (HallReaderThreads *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallReaderThreads, hall_reader_threads_free)

G_END_DECLS
