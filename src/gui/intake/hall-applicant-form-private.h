/* hall-applicant-form-private.h — for the intake's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-applicant-form.h"

G_BEGIN_DECLS

/* @field is a JSON field name: "id_number", "credit_code", "name", "phone",
 * "business_name", "legal_representative", "contact_person". */
GtkEditable *_hall_applicant_form_get_field (HallApplicantForm *self,
                                             const char        *field);
/* The message shown under the field, or NULL when none is shown. */
const char  *_hall_applicant_form_get_error (HallApplicantForm *self,
                                             const char        *field);

G_END_DECLS
