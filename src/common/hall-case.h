/* hall-case.h — one citizen's request for one service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-service.h"

G_BEGIN_DECLS

typedef enum
{
  HALL_CASE_RECEIVED,     /* "received": taken in at the counter */
  HALL_CASE_IN_REVIEW,    /* "in_review" */
  HALL_CASE_RETURNED,     /* "returned": sent back to the applicant for more */
  HALL_CASE_APPROVED,     /* "approved" */
  HALL_CASE_REJECTED,     /* "rejected" */
  HALL_CASE_COMPLETED,    /* "completed": result handed over */
  HALL_CASE_WITHDRAWN,    /* "withdrawn" */
} HallCaseState;

/* The state a case is created in, whatever its service: the steps of every
 * service begin with acceptance at the counter, and every later state comes
 * from an event. */
#define HALL_CASE_FIRST_STATE HALL_CASE_RECEIVED

/* Where the counter's copy stands with the backend. */
typedef enum
{
  HALL_SYNC_PENDING,      /* changed here, not yet acknowledged */
  HALL_SYNC_SYNCED,       /* the server has every change */
  HALL_SYNC_REJECTED,     /* the server refused a change: see sync-error */
  HALL_SYNC_CONFLICT,     /* someone else changed it first: see the conflict */
} HallSyncState;

/* GEnum types for the properties; the nicks are the wire names. */
#define HALL_TYPE_CASE_STATE (hall_case_state_get_type ())
GType hall_case_state_get_type (void);
#define HALL_TYPE_SYNC_STATE (hall_sync_state_get_type ())
GType hall_sync_state_get_type (void);

#define HALL_TYPE_CASE (hall_case_get_type ())
G_DECLARE_FINAL_TYPE (HallCase, hall_case, HALL, CASE, GObject)

/* Properties (all notify): "uuid", "number", "service-id", "service-name",
 * "applicant-uuid", "applicant-name", "state", "created-at", "promised-at",
 * "updated-at", "counter", "official", "recorded-by", "recorded-at",
 * "version", "sync-state", "sync-error", "checklist". Timestamps are Unix
 * seconds. A case made without a "uuid" gets a fresh one, and "created-at"
 * (and "updated-at") default to the time of creation.
 *
 * "official", "created-at" and "updated-at" are the counter's word: who
 * took the case in and when, by the counter's clock. "recorded-by" and
 * "recorded-at" are the server's own record of the version it holds: the
 * signed-in official whose request wrote it and when, by the server's
 * clock (NULL and 0 until the case has been to the server).
 *
 * The checklist is the service's required documents, each marked as
 * provided or not; it is a JSON array of {"id", "provided"} objects. The
 * getter never returns NULL; treat the array as read-only and set a new one
 * to change it (that is what notifies). */

HallCase      *hall_case_new                (void);

const char    *hall_case_get_uuid           (HallCase      *self);
void           hall_case_set_uuid           (HallCase      *self,
                                             const char    *uuid);
const char    *hall_case_get_number         (HallCase      *self);
void           hall_case_set_number         (HallCase      *self,
                                             const char    *number);
const char    *hall_case_get_service_id     (HallCase      *self);
void           hall_case_set_service_id     (HallCase      *self,
                                             const char    *service_id);
const char    *hall_case_get_service_name   (HallCase      *self);
void           hall_case_set_service_name   (HallCase      *self,
                                             const char    *service_name);
const char    *hall_case_get_applicant_uuid (HallCase      *self);
void           hall_case_set_applicant_uuid (HallCase      *self,
                                             const char    *applicant_uuid);
const char    *hall_case_get_applicant_name (HallCase      *self);
void           hall_case_set_applicant_name (HallCase      *self,
                                             const char    *applicant_name);
HallCaseState  hall_case_get_state          (HallCase      *self);
void           hall_case_set_state          (HallCase      *self,
                                             HallCaseState  state);
gint64         hall_case_get_created_at     (HallCase      *self);
void           hall_case_set_created_at     (HallCase      *self,
                                             gint64         created_at);
gint64         hall_case_get_promised_at    (HallCase      *self);
void           hall_case_set_promised_at    (HallCase      *self,
                                             gint64         promised_at);
gint64         hall_case_get_updated_at     (HallCase      *self);
void           hall_case_set_updated_at     (HallCase      *self,
                                             gint64         updated_at);
const char    *hall_case_get_counter        (HallCase      *self);
void           hall_case_set_counter        (HallCase      *self,
                                             const char    *counter);
const char    *hall_case_get_official       (HallCase      *self);
void           hall_case_set_official       (HallCase      *self,
                                             const char    *official);
const char    *hall_case_get_recorded_by    (HallCase      *self);
void           hall_case_set_recorded_by    (HallCase      *self,
                                             const char    *recorded_by);
gint64         hall_case_get_recorded_at    (HallCase      *self);
void           hall_case_set_recorded_at    (HallCase      *self,
                                             gint64         recorded_at);
gint64         hall_case_get_version        (HallCase      *self);
void           hall_case_set_version        (HallCase      *self,
                                             gint64         version);
HallSyncState  hall_case_get_sync_state     (HallCase      *self);
void           hall_case_set_sync_state     (HallCase      *self,
                                             HallSyncState  sync_state);
const char    *hall_case_get_sync_error     (HallCase      *self);
void           hall_case_set_sync_error     (HallCase      *self,
                                             const char    *sync_error);
JsonArray     *hall_case_get_checklist      (HallCase      *self);
void           hall_case_set_checklist      (HallCase      *self,
                                             JsonArray     *checklist);

/* A checklist ([{"id", "provided"}], a case's or its JSON's; NULL is
 * empty): the position of the document @id in it, or -1; its item, or
 * NULL; whether it says the document is provided (FALSE without one). */
int            hall_checklist_find          (JsonArray     *checklist,
                                             const char    *id);
JsonObject    *hall_checklist_get_item      (JsonArray     *checklist,
                                             const char    *id);
gboolean       hall_checklist_is_provided   (JsonArray     *checklist,
                                             const char    *id);

/* Wire format: {"uuid", "number", "service", "applicant" (uuid), "state",
 * "created_at", "promised_at", "updated_at" (ISO 8601 UTC), "counter",
 * "official", "recorded_by", "recorded_at", "checklist": [{"id",
 * "provided"}], "version"}. "recorded_by" and "recorded_at" are written by
 * the server only: one sent to it is replaced.
 * The denormalised names and the sync state are local only. Strings are
 * limited to HALL_JSON_MAX_CHARS; "service", "applicant" and "state" are
 * required, a missing "uuid" or "created_at" gets a fresh one. */
JsonNode      *hall_case_to_json            (HallCase      *self);
HallCase      *hall_case_new_from_json      (JsonNode      *node,
                                             const char   **field_out,
                                             GError       **error);

const char    *hall_case_state_to_string    (HallCaseState  state);
gboolean       hall_case_state_from_string  (const char    *str,
                                             HallCaseState *state);
const char    *hall_case_state_get_label    (HallCaseState  state); /* translated */

/* The moves a case may make, the one rule for the counter and the server:
 *   received  -> in_review | returned | rejected | withdrawn
 *   in_review -> approved | returned | rejected | withdrawn
 *   returned  -> received | in_review | withdrawn
 *   approved  -> completed
 * rejected, completed and withdrawn are final. */
gboolean       hall_case_state_can_move_to  (HallCaseState  from,
                                             HallCaseState  to);
/* The same, with a HALL_VALIDATION_ERROR_INVALID naming both states. */
gboolean       hall_case_state_check_move   (HallCaseState  from,
                                             HallCaseState  to,
                                             GError       **error);

/* What the catalog says of a case of @service: its checklist names only
 * documents of the service, each at most once (so it is never longer than
 * the service's list); "promised_at", when set, is "created_at" plus the
 * service's promised time (hall_service_get_promised_at()); and "number",
 * when set, is HALL-YEAR-COUNTER-SEQUENCE ("YC-2026-C03-000123") with the
 * case's own "counter" and the year it was taken in. FALSE with a
 * HALL_VALIDATION_ERROR whose message names the value at fault, and the
 * field ("checklist", "promised_at", "number") in *@field_out. */
gboolean       hall_case_check_for_service  (HallCase      *self,
                                             HallService   *service,
                                             const char   **field_out,
                                             GError       **error);

/* (transfer none): the catalog role ("approver") an official needs to move
 * a case of @service from @from to @to. The decision on a case in review
 * (approved, rejected, returned) belongs to the service's deciding step:
 * its last step whose role is not that of its first step, or its last
 * step when all share one. Every other move (accepting it for review,
 * returning or refusing it at intake, taking it back, withdrawing it,
 * handing the result over) belongs to its first step, acceptance at the
 * counter. A service with no steps is decided at the counter:
 * "counter_official". */
const char    *hall_case_state_role_needed  (HallService   *service,
                                             HallCaseState  from,
                                             HallCaseState  to);

const char    *hall_sync_state_to_string    (HallSyncState  sync_state);
gboolean       hall_sync_state_from_string  (const char    *str,
                                             HallSyncState *sync_state);

G_END_DECLS
