/* hall-stats-follower.h — feeds the supervision figures from the change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HallStatsFollower HallStatsFollower;

HallStatsFollower *hall_stats_follower_new  (const char        *uri);
void               hall_stats_follower_wake (HallStatsFollower *self);
void               hall_stats_follower_free (HallStatsFollower *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsFollower, hall_stats_follower_free)

G_END_DECLS
