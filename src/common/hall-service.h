/* hall-service.h — one service of the hall's catalog
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hall-calendar.h"

G_BEGIN_DECLS

/* A document the applicant must bring. */
typedef struct
{
  char     *id;          /* "business_license_application" */
  char     *name;        /* English */
  char     *name_zh;     /* Chinese */
  gboolean  original;    /* the original must be shown, not only a copy */
} HallRequiredDocument;

/* One approval step: who decides, for which department, and how long they
 * are given. Steps that share a "parallel" group form a joint review: they
 * follow each other in the catalog, run at once, and the case moves on when
 * every one of them has approved. */
typedef struct
{
  char  *id;
  char  *name;
  char  *name_zh;
  char  *role;           /* "counter_official", "approver", "supervisor" */
  guint  promised_minutes;
  char  *department;     /* department id; the service's unless the step names one */
  char  *parallel;       /* (nullable): the joint review the step belongs to */
} HallApprovalStep;

/* A reason an official may give for returning or rejecting a case: the
 * hall's common ones and the service's own, by code. Free text travels
 * with the code "other", which no catalog reason may take. */
typedef struct
{
  char *code;            /* "missing_document" */
  char *text;            /* English */
  char *text_zh;         /* Chinese */
} HallCatalogReason;

#define HALL_DECISION_REASON_OTHER "other"

#define HALL_TYPE_SERVICE (hall_service_get_type ())
G_DECLARE_FINAL_TYPE (HallService, hall_service, HALL, SERVICE, GObject)

/* Properties (read-only): "id", "name" (in the user's language), "name-en",
 * "name-zh", "department-id", "department-name" (in the user's language),
 * "group" (the queue's ticket letter), "applicant-kind", "promised-minutes",
 * "fee-cents", "online".
 *
 * The user's language is Chinese when the first entry of
 * g_get_language_names() starts with "zh", decided once per process. The
 * documents and steps belong to the service and live as long as it does. */

const char                 *hall_service_get_id                (HallService *self);
const char                 *hall_service_get_name              (HallService *self);
const char                 *hall_service_get_name_en           (HallService *self);
const char                 *hall_service_get_name_zh           (HallService *self);
const char                 *hall_service_get_department_id     (HallService *self);
const char                 *hall_service_get_department_name   (HallService *self);
const char                 *hall_service_get_group             (HallService *self);
guint                       hall_service_get_promised_minutes  (HallService *self);
/* When a case of the service taken in at @created_at (Unix seconds) is
 * promised: the one rule of the counter, which sets it, and the server,
 * which checks it. Counted in the hall's calendar when the catalog has one
 * (hall_catalog_set_calendar()), else plain minutes. */
gint64                      hall_service_get_promised_at       (HallService *self,
                                                                gint64       created_at);
/* (transfer full) (nullable): the calendar its promise is counted in. */
HallCalendar               *hall_service_dup_calendar          (HallService *self);
guint                       hall_service_get_fee_cents         (HallService *self);
gboolean                    hall_service_get_online            (HallService *self);
/* Which applicants it is for: "person", "business" or "any". */
const char                 *hall_service_get_applicant_kind    (HallService *self);
guint                       hall_service_get_n_documents       (HallService *self);
/* (transfer none): the document at @index (< the number of documents),
 * owned by the service. */
const HallRequiredDocument *hall_service_get_document          (HallService *self,
                                                                guint        index);
guint                       hall_service_get_n_steps           (HallService *self);
/* (transfer none): the step at @index (< the number of steps), owned by the
 * service. */
const HallApprovalStep     *hall_service_get_step              (HallService *self,
                                                                guint        index);
/* The step named @step_id, and its place in *@index_out (may be NULL);
 * NULL if the service has none of that id. */
const HallApprovalStep     *hall_service_find_step             (HallService *self,
                                                                const char  *step_id,
                                                                guint       *index_out);
/* Where the group of steps that runs with the step at @index ends: the
 * index after its last step (@index + 1 for a step on its own). */
guint                       hall_service_get_group_end         (HallService *self,
                                                                guint        index);
guint                       hall_service_get_n_reasons         (HallService *self);
/* (transfer none): the reason at @index (< the number of reasons): the
 * hall's common reasons first, then the service's own. */
const HallCatalogReason   *hall_service_get_reason            (HallService *self,
                                                                guint        index);
/* (transfer none) (nullable): the reason of @code, NULL if unknown. */
const HallCatalogReason   *hall_service_find_reason           (HallService *self,
                                                                const char  *code);
/* Text the search in the intake matches against: both names, department,
 * keywords, lower-cased. */
const char                 *hall_service_get_search_text       (HallService *self);

G_END_DECLS
