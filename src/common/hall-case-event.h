/* hall-case-event.h — one entry of a case's timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case.h"

G_BEGIN_DECLS

typedef enum
{
  HALL_CASE_EVENT_CREATED,       /* "created" */
  HALL_CASE_EVENT_STATE,         /* "state": the case moved to new-state */
  HALL_CASE_EVENT_NOTE,          /* "note" */
  HALL_CASE_EVENT_DOCUMENT,      /* "document": a checklist item was provided */
  HALL_CASE_EVENT_DECISION,      /* "decision": an official decided an approval step */
} HallCaseEventKind;

/* What an official decided on a step. */
typedef enum
{
  HALL_DECISION_APPROVE,         /* "approve": the step is done */
  HALL_DECISION_RETURN,          /* "return": back to the applicant for what is missing */
  HALL_DECISION_REJECT,          /* "reject": the case ends refused */
} HallDecision;

#define HALL_TYPE_DECISION (hall_decision_get_type ())
GType hall_decision_get_type (void);

/* GEnum type for the "kind" property; the nicks are the wire names. */
#define HALL_TYPE_CASE_EVENT_KIND (hall_case_event_kind_get_type ())
GType hall_case_event_kind_get_type (void);

#define HALL_TYPE_CASE_EVENT (hall_case_event_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseEvent, hall_case_event, HALL, CASE_EVENT, GObject)

/* Properties (all notify): "uuid", "case-uuid", "kind", "new-state", "note",
 * "official", "at" (Unix seconds), "recorded-by", "recorded-at" (Unix
 * seconds). "case-uuid" and "kind" are construct-only. An event made
 * without a "uuid" gets a fresh one, and "at" defaults to the time of
 * creation.
 *
 * "official" and "at" are the counter's word: who made the change and
 * when, by the counter's clock, perhaps offline. "recorded-by" and
 * "recorded-at" are the server's own record: the signed-in official whose
 * request brought the event and when, by the server's clock (NULL and 0
 * until the event has been to the server). */

HallCaseEvent     *hall_case_event_new               (const char        *case_uuid,
                                                      HallCaseEventKind  kind);
const char        *hall_case_event_get_uuid          (HallCaseEvent     *self);
void               hall_case_event_set_uuid          (HallCaseEvent     *self,
                                                      const char        *uuid);
const char        *hall_case_event_get_case_uuid     (HallCaseEvent     *self);
HallCaseEventKind  hall_case_event_get_kind          (HallCaseEvent     *self);
HallCaseState      hall_case_event_get_new_state     (HallCaseEvent     *self);
void               hall_case_event_set_new_state     (HallCaseEvent     *self,
                                                      HallCaseState      state);
const char        *hall_case_event_get_note          (HallCaseEvent     *self);
void               hall_case_event_set_note          (HallCaseEvent     *self,
                                                      const char        *note);
const char        *hall_case_event_get_official      (HallCaseEvent     *self);
void               hall_case_event_set_official      (HallCaseEvent     *self,
                                                      const char        *official);
gint64             hall_case_event_get_at            (HallCaseEvent     *self);
void               hall_case_event_set_at            (HallCaseEvent     *self,
                                                      gint64             at);
const char        *hall_case_event_get_recorded_by   (HallCaseEvent     *self);
void               hall_case_event_set_recorded_by   (HallCaseEvent     *self,
                                                      const char        *recorded_by);
gint64             hall_case_event_get_recorded_at   (HallCaseEvent     *self);
void               hall_case_event_set_recorded_at   (HallCaseEvent     *self,
                                                      gint64             recorded_at);

/* A document event (kind "document") may name the checklist's document
 * it provides, by its id in the catalog ("id_card"): the case's checklist
 * then says it is provided, on the counter and on the server alike. A
 * plain field, set before the event is stored, not a property. */
const char        *hall_case_event_get_slot          (HallCaseEvent     *self);
void               hall_case_event_set_slot          (HallCaseEvent     *self,
                                                      const char        *slot);

/* A decision event (kind "decision") also holds what was decided: the
 * step's id, the decision, the reasons (a JSON array of {"code", "text"};
 * a reason of the catalog has its code, an official's own words the code
 * "other"), and what the signature covers and is: the case's content hash
 * (hex SHA-256), the attached documents' SHA-256s, the base64 signature and
 * the official's certificate (as hall-signature.h writes it). These are
 * plain fields, set before the event is stored, not properties. */
const char        *hall_case_event_get_step          (HallCaseEvent     *self);
void               hall_case_event_set_step          (HallCaseEvent     *self,
                                                      const char        *step);
HallDecision       hall_case_event_get_decision      (HallCaseEvent     *self);
void               hall_case_event_set_decision      (HallCaseEvent     *self,
                                                      HallDecision       decision);
/* (transfer none) (nullable): the reasons, owned by the event. */
JsonArray         *hall_case_event_get_reasons       (HallCaseEvent     *self);
void               hall_case_event_set_reasons       (HallCaseEvent     *self,
                                                      JsonArray         *reasons);
/* Appends one reason: @code of the catalog, or "other" with @text. */
void               hall_case_event_add_reason        (HallCaseEvent     *self,
                                                      const char        *code,
                                                      const char        *text);
const char        *hall_case_event_get_content_hash  (HallCaseEvent     *self);
void               hall_case_event_set_content_hash  (HallCaseEvent     *self,
                                                      const char        *content_hash);
/* (transfer none) (nullable) (element-type utf8): hex SHA-256s. */
JsonArray         *hall_case_event_get_documents     (HallCaseEvent     *self);
void               hall_case_event_set_documents     (HallCaseEvent     *self,
                                                      JsonArray         *documents);
const char        *hall_case_event_get_signature     (HallCaseEvent     *self);
void               hall_case_event_set_signature     (HallCaseEvent     *self,
                                                      const char        *signature);
/* (transfer none) (nullable): the certificate's JSON as it came. */
JsonNode          *hall_case_event_get_certificate   (HallCaseEvent     *self);
void               hall_case_event_set_certificate   (HallCaseEvent     *self,
                                                      JsonNode          *certificate);
/* Who made the decision, as far as this copy knows: the official of its
 * certificate when it is signed (the signer, whichever session sent it),
 * else the server's record when it has one, else the counter's word. */
const char        *hall_case_event_get_decided_by    (HallCaseEvent     *self);

/* Wire format (body of POST /v1/cases/{uuid}/events):
 * {"uuid", "case", "kind", "state" (for kind "state"), "note", "official",
 * "at", "recorded_by", "recorded_at"}; the last two are written by the
 * server only: one sent to it is replaced. "case" (the case uuid) lets an
 * event stand alone in the changes feed; new_from_json takes it from
 * case_uuid when that is not NULL (a "case" in the body must then match
 * it) and requires it otherwise. "uuid" and "kind" are required; a missing
 * "at" is now. A note may have HALL_JSON_MAX_NOTE_CHARS characters.
 * A document event may add "slot", a catalog id of at most 64 letters,
 * digits, "-", "_" or ".".
 * A decision adds "step", "decision" (both required), "reasons",
 * "content_hash", "documents", "signature" and "certificate"; a reason's
 * code is required, and "other" needs its text. */
JsonNode          *hall_case_event_to_json           (HallCaseEvent     *self);
HallCaseEvent     *hall_case_event_new_from_json     (const char        *case_uuid,
                                                      JsonNode          *node,
                                                      const char       **field_out,
                                                      GError           **error);

const char        *hall_case_event_kind_to_string    (HallCaseEventKind  kind);
const char        *hall_decision_to_string           (HallDecision       decision);
gboolean           hall_decision_from_string         (const char        *str,
                                                      HallDecision      *decision);
/* Translated: "Approved", "Returned", "Rejected". */
const char        *hall_decision_get_label           (HallDecision       decision);
gboolean           hall_case_event_kind_from_string  (const char        *str,
                                                      HallCaseEventKind *kind);

G_END_DECLS
