/* hall-memory-trim.h — what the counter freed goes back to the system
 * once it stands idle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* After a burst of work (signing in, a search replacing the list, an
 * intake): once nothing more has asked for HALL_MEMORY_TRIM_IDLE_SECONDS,
 * malloc gives the memory freed back to the system. Each call puts it off
 * again, so a busy counter is not trimmed between keystrokes. */
#define HALL_MEMORY_TRIM_IDLE_SECONDS 3

void hall_memory_trim_when_idle (void);

G_END_DECLS
