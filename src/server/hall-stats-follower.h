/* hall-stats-follower.h — feeds the supervision figures from the change feed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct _HallStatsFollower HallStatsFollower;

/* Opens a connection to @uri, or NULL with @error set. */
typedef PGconn *(*HallStatsFollowerOpen) (const char  *uri,
                                          GError     **error);

HallStatsFollower *hall_stats_follower_new  (const char            *uri,
                                             HallStatsFollowerOpen  open);
void               hall_stats_follower_wake (HallStatsFollower     *self);
void               hall_stats_follower_free (HallStatsFollower     *self);

G_END_DECLS
