/* hall-case-record.h — a case with what its page shows beside it, read at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-applicant.h"
#include "hall-case.h"
#include "hall-case-event.h"
#include "hall-conflict.h"

G_BEGIN_DECLS

#define HALL_TYPE_CASE_RECORD (hall_case_record_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseRecord, hall_case_record, HALL, CASE_RECORD, GObject)

/* What hall_store_load_case_async() reads for a case's page, from one
 * worker, so the page shows one moment of the store.
 *
 * Properties (construct-only, read-only): "case", "applicant" (NULL for a
 * case without one), "events" (a GPtrArray of HallCaseEvent, oldest
 * first), "conflicts" (a GPtrArray of HallConflict, the open ones, as
 * hall_store_list_conflicts() gives them). The arrays are never NULL, and
 * nobody changes a record once it is made: it may be handed from the
 * worker to the main thread as it is. */

/* (transfer full): takes references to @kase, @applicant and the arrays;
 * NULL arrays stand for empty ones. */
HallCaseRecord *hall_case_record_new            (HallCase       *kase,
                                                 HallApplicant  *applicant,
                                                 GPtrArray      *events,
                                                 GPtrArray      *conflicts);

/* (transfer none) */
HallCase       *hall_case_record_get_case       (HallCaseRecord *self);
/* (transfer none) (nullable) */
HallApplicant  *hall_case_record_get_applicant  (HallCaseRecord *self);
/* (transfer none) (element-type HallCaseEvent) */
GPtrArray      *hall_case_record_get_events     (HallCaseRecord *self);
/* (transfer none) (element-type HallConflict) */
GPtrArray      *hall_case_record_get_conflicts  (HallCaseRecord *self);

G_END_DECLS
