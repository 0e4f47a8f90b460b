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
} HallCaseEventKind;

#define HALL_TYPE_CASE_EVENT (hall_case_event_get_type ())
G_DECLARE_FINAL_TYPE (HallCaseEvent, hall_case_event, HALL, CASE_EVENT, GObject)

/* Properties: "uuid", "case-uuid", "kind", "new-state", "note", "official",
 * "at" (Unix seconds). */

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

/* Wire format (body of POST /v1/cases/{uuid}/events):
 * {"uuid", "kind", "state" (for kind "state"), "note", "official", "at"} */
JsonNode          *hall_case_event_to_json           (HallCaseEvent     *self);
HallCaseEvent     *hall_case_event_new_from_json     (const char        *case_uuid,
                                                      JsonNode          *node,
                                                      const char       **field_out,
                                                      GError           **error);

const char        *hall_case_event_kind_to_string    (HallCaseEventKind  kind);
gboolean           hall_case_event_kind_from_string  (const char        *str,
                                                      HallCaseEventKind *kind);

G_END_DECLS
