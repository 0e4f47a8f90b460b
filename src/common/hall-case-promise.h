/* hall-case-promise.h — what a case's promise comes to, and how it reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-calendar.h"
#include "hall-case.h"
#include "hall-service.h"

G_BEGIN_DECLS

/* The times @kase waited for the applicant, from its checklist and
 * @events (HallCaseEvent, oldest first; NULL for none yet): from intake
 * while documents are missing, until the last "document" event when they
 * are all brought; from each move to "returned" to the next move. In order,
 * merged, only the last open. (transfer full) (element-type HallPause) */
GArray       *hall_case_get_pauses           (HallCase          *kase,
                                              GPtrArray         *events);

/* Whether @kase's clock stands now: an open case returned to the
 * applicant, or one with documents still missing. It is where
 * hall_case_get_pauses() ends with a pause still open, read from the case
 * alone: the case list says "Paused" as the case page does. */
gboolean      hall_case_is_paused            (HallCase          *kase);

/* Fills @promise for @kase of @service in @calendar with the pauses of
 * hall_case_get_pauses(). */
void          hall_case_compute_promise      (HallCase          *kase,
                                              HallService       *service,
                                              HallCalendar      *calendar,
                                              GPtrArray         *events,
                                              HallPromise       *promise);

/* What the case page and the receipt say: "Promised by Wed 9 Dec 17:00
 * (3 working days)", or while paused "Paused — waiting for 1 document; 2
 * working days left when it is brought" / "Paused — returned to the
 * applicant; …". Times in @calendar's zone. (transfer full) */
char         *hall_case_format_promise       (HallCase          *kase,
                                              HallCalendar      *calendar,
                                              const HallPromise *promise);

/* The amount alone: "3 working days", "4 working hours", "30 working
 * minutes". (transfer full) */
char         *hall_promise_format_amount     (gboolean           in_days,
                                              guint              amount);

G_END_DECLS
