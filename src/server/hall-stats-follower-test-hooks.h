/* hall-stats-follower-test-hooks.h — what only tests set on the stats
 * followers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-stats-follower.h"

G_BEGIN_DECLS

/* How long followers made from now on wait for the writes to pause
 * (@quiet), and at most after the first (@at_most), in µs; 0 for the
 * default. */
void hall_stats_follower_set_waits (gint64 quiet,
                                    gint64 at_most);

G_END_DECLS
