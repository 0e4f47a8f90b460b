/* hall-case-format.h — how a case's numbers and times are shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "hall-case.h"
#include "hall-catalog.h"

G_BEGIN_DECLS

/* An identity document number as it may appear on screen: the first and last
 * quarter (at most four characters each) kept, the rest starred, so that
 * "110101199003070021" reads "1101**********0021". */
char       *hall_format_masked_document  (const char    *number);

/* "3 d 4 h", "1 h 12 min", "12 min 30 s" (@with_seconds) or "12 min". */
char       *hall_format_duration         (gint64         seconds,
                                          gboolean       with_seconds);

/* The time left until @promised_at as seen at @now: "Due in 1 h 12 min" or
 * "Overdue by 5 min". Sets *@overdue when not NULL. */
char       *hall_format_countdown        (gint64         promised_at,
                                          gint64         now,
                                          gboolean       with_seconds,
                                          gboolean      *overdue);

/* Local date and time, "2026-11-27 14:05". */
/* (transfer none): the machine's time zone, read once. */
GTimeZone  *hall_format_local_zone       (void);
char       *hall_format_timestamp        (gint64         unix_seconds);

/* How far apart the counter's clock and the server's may be before the
 * page says they differ: an entry sent at once arrives within seconds. */
#define HALL_FORMAT_CLOCK_SLACK (5 * 60)

/* The counter's claim of who did a thing and when: "2026-11-27 14:05 by
 * wang.fang (counter’s clock)", or without "by" when no official is named. */
char       *hall_format_claim            (const char    *official,
                                          gint64         at);

/* The server's record of a timeline entry set against the counter's claim
 * (@claimed_by, @claimed_at): "The server recorded this from li.na at
 * 2026-11-27 14:42", saying so when the official differs or the times are
 * more than HALL_FORMAT_CLOCK_SLACK apart, and setting *@differs then. NULL
 * when @recorded_by is NULL: the server has said nothing of it here. */
char       *hall_format_server_record    (const char    *claimed_by,
                                          gint64         claimed_at,
                                          const char    *recorded_by,
                                          gint64         recorded_at,
                                          gboolean      *differs);

/* "Synced 5 min ago", "Synced just now", "Never synced". */
char       *hall_format_last_sync        (gint64         last_sync,
                                          gint64         now);

/* A case's service as the official reads it: the catalog's name in the
 * user's language when @catalog knows @service_id, else the name the case
 * was opened with, else the id itself (a case pulled from another counter,
 * for a service this counter's catalog lacks). */
const char *hall_format_service_name     (HallCatalog   *catalog,
                                          const char    *service_id,
                                          const char    *stored_name);

/* Whether the promise still runs: a finished case has no countdown. */
gboolean    hall_case_state_is_open      (HallCaseState  state);

const char *hall_sync_state_get_icon_name (HallSyncState state);
const char *hall_sync_state_get_label     (HallSyncState state); /* translated */

G_END_DECLS
