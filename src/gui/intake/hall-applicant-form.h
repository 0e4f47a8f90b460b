/* hall-applicant-form.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "hall-applicant.h"
#include "hall-store.h"

G_BEGIN_DECLS

#define HALL_TYPE_APPLICANT_FORM (hall_applicant_form_get_type ())
G_DECLARE_FINAL_TYPE (HallApplicantForm, hall_applicant_form, HALL, APPLICANT_FORM, AdwBin)

/* The intake's applicant step. The official picks person or business and
 * types the identity document (the type of ID and its number, or the
 * credit code); once it is valid the store is asked, off the main loop,
 * which applicant holds it. That returning applicant is shown and reused,
 * since a document belongs to one applicant; otherwise the rest of the
 * form asks for the details. Every field is checked as it is typed (after a short pause,
 * or on leaving it) and a message under the field says what is wrong.
 *
 * Properties: "store" (HallStore), "kind" (HallApplicantKind), "valid"
 * (read-only, notifies), "returning" (read-only, notifies).
 * Signals: "submitted" (void): Enter was pressed in the last field while
 * everything is valid. */
GtkWidget        *hall_applicant_form_new              (void);
void              hall_applicant_form_set_store        (HallApplicantForm *self,
                                                        HallStore         *store);
HallApplicantKind hall_applicant_form_get_kind         (HallApplicantForm *self);
void              hall_applicant_form_set_kind         (HallApplicantForm *self,
                                                        HallApplicantKind  kind);
gboolean          hall_applicant_form_get_valid        (HallApplicantForm *self);
gboolean          hall_applicant_form_get_returning    (HallApplicantForm *self);
/* Whether anything was typed, so that cancelling should ask first. */
gboolean          hall_applicant_form_has_input        (HallApplicantForm *self);
/* The returning applicant, or a new one made of the fields; NULL unless
 * the form is valid. */
HallApplicant    *hall_applicant_form_dup_applicant    (HallApplicantForm *self);
/* Asks the store again who holds the document typed: a save met an
 * applicant that arrived after the first answer (from the server, say).
 * What was typed stays. */
void              hall_applicant_form_look_up_again    (HallApplicantForm *self);
/* Focuses the first field the official has to fill in. */
void              hall_applicant_form_focus_first      (HallApplicantForm *self);
void              hall_applicant_form_reset            (HallApplicantForm *self);

G_END_DECLS
