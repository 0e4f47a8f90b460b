/* hall-applicant.h — a person or a business that comes to the hall
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  HALL_APPLICANT_PERSON,
  HALL_APPLICANT_BUSINESS,
} HallApplicantKind;

/* The documents a person can identify with. A business is identified by its
 * unified social credit code instead. */
typedef enum
{
  HALL_ID_TYPE_RESIDENT_ID,        /* "resident_id": PRC resident identity card, GB 11643 */
  HALL_ID_TYPE_PASSPORT,           /* "passport" */
  HALL_ID_TYPE_HK_MACAU_PERMIT,    /* "hk_macau_permit": Mainland Travel Permit for HK/Macau residents */
  HALL_ID_TYPE_TAIWAN_PERMIT,      /* "taiwan_permit": Mainland Travel Permit for Taiwan residents */
  HALL_ID_TYPE_FOREIGN_PERMANENT,  /* "foreign_permanent": Foreign Permanent Resident ID card */
} HallIdType;

/* GEnum types for the properties; the nicks are the wire names. */
#define HALL_TYPE_APPLICANT_KIND (hall_applicant_kind_get_type ())
GType hall_applicant_kind_get_type (void);
#define HALL_TYPE_ID_TYPE (hall_id_type_get_type ())
GType hall_id_type_get_type (void);

#define HALL_TYPE_APPLICANT (hall_applicant_get_type ())
G_DECLARE_FINAL_TYPE (HallApplicant, hall_applicant, HALL, APPLICANT, GObject)

/* Properties (all notify): "uuid", "kind", "name", "id-type", "id-number",
 * "phone", "credit-code", "legal-representative", "contact-person",
 * "version", "created-at", "updated-at". Timestamps are Unix seconds. "version" is the server's
 * version of the record (0 until the server has acknowledged it). "kind"
 * is construct-only. An applicant made without a "uuid" gets a fresh one,
 * and "created-at" (and "updated-at") default to the time of creation. */

HallApplicant    *hall_applicant_new_person          (const char    *name,
                                                      HallIdType     id_type,
                                                      const char    *id_number,
                                                      const char    *phone);
HallApplicant    *hall_applicant_new_business        (const char    *name,
                                                      const char    *credit_code,
                                                      const char    *legal_representative);

const char       *hall_applicant_get_uuid            (HallApplicant *self);
void              hall_applicant_set_uuid            (HallApplicant *self,
                                                      const char    *uuid);
HallApplicantKind hall_applicant_get_kind            (HallApplicant *self);
const char       *hall_applicant_get_name            (HallApplicant *self);
void              hall_applicant_set_name            (HallApplicant *self,
                                                      const char    *name);
HallIdType        hall_applicant_get_id_type         (HallApplicant *self);
void              hall_applicant_set_id_type         (HallApplicant *self,
                                                      HallIdType     id_type);
const char       *hall_applicant_get_id_number       (HallApplicant *self);
void              hall_applicant_set_id_number       (HallApplicant *self,
                                                      const char    *id_number);
const char       *hall_applicant_get_phone           (HallApplicant *self);
void              hall_applicant_set_phone           (HallApplicant *self,
                                                      const char    *phone);
const char       *hall_applicant_get_credit_code     (HallApplicant *self);
void              hall_applicant_set_credit_code     (HallApplicant *self,
                                                      const char    *credit_code);
const char       *hall_applicant_get_legal_representative (HallApplicant *self);
void              hall_applicant_set_legal_representative (HallApplicant *self,
                                                      const char    *legal_representative);
/* A business's contact person (nullable): who the hall calls there. */
const char       *hall_applicant_get_contact_person  (HallApplicant *self);
void              hall_applicant_set_contact_person  (HallApplicant *self,
                                                      const char    *contact_person);
gint64            hall_applicant_get_version         (HallApplicant *self);
void              hall_applicant_set_version         (HallApplicant *self,
                                                      gint64         version);
gint64            hall_applicant_get_created_at      (HallApplicant *self);
void              hall_applicant_set_created_at      (HallApplicant *self,
                                                      gint64         created_at);
gint64            hall_applicant_get_updated_at      (HallApplicant *self);
void              hall_applicant_set_updated_at      (HallApplicant *self,
                                                      gint64         updated_at);

/* The document that identifies the applicant: the ID number of a person,
 * the credit code of a business. */
const char       *hall_applicant_get_document_number (HallApplicant *self);

/* Normalises (trims, full-width digits to ASCII, upper-case X) and checks
 * every field. On failure sets a HALL_VALIDATION_ERROR whose message names the
 * field, and stores the field's JSON name in *field_out when not NULL. */
/* (transfer full) (nullable): @phone as it is kept ("138 0013 8000" is
 * "13800138000"), or NULL with a HALL_VALIDATION_ERROR saying what is
 * wrong with it. The rule of a person's and a business's "phone", for a
 * correction made on its own (counter and server). */
char             *hall_applicant_check_phone         (const char    *phone,
                                                      GError       **error);
gboolean          hall_applicant_validate            (HallApplicant *self,
                                                      const char   **field_out,
                                                      GError       **error);

/* The wire format shared by the server, the sync engine and `ctl import`:
 * {"uuid", "kind": "person", "name", "id_type", "id_number", "phone"} or
 * {"uuid", "kind": "business", "name", "credit_code", "legal_representative",
 * "contact_person", "phone"},
 * plus "version", "created_at", "updated_at" where known. */
JsonNode         *hall_applicant_to_json             (HallApplicant *self);
HallApplicant    *hall_applicant_new_from_json       (JsonNode      *node,
                                                      const char   **field_out,
                                                      GError       **error);

const char       *hall_id_type_to_string             (HallIdType     id_type);
gboolean          hall_id_type_from_string           (const char    *str,
                                                      HallIdType    *id_type);
const char       *hall_id_type_get_label             (HallIdType     id_type); /* translated */

const char       *hall_applicant_kind_to_string      (HallApplicantKind kind);
gboolean          hall_applicant_kind_from_string    (const char    *str,
                                                      HallApplicantKind *kind);

G_END_DECLS
