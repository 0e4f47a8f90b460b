/* hall-validate.h — checks for the numbers on Chinese identity documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* (transfer full): each normaliser returns a newly allocated copy with
 * surrounding white space removed, full-width digits and letters (０-９, Ａ-Ｚ,
 * ａ-ｚ) turned into ASCII and letters upper-cased; it never fails ("" for
 * NULL). */
char     *hall_normalize_document_number  (const char *text);

/* Each checker takes already normalised text. On failure it sets a
 * HALL_VALIDATION_ERROR whose message a counter official can act on, e.g.
 * "The check digit should be 7, not 3". */

/* GB 11643-1999: 17 digits + a check digit (0-9 or X) over ISO 7064 MOD 11-2,
 * a region code whose first two digits name a province, and a birth date
 * YYYYMMDD that exists, is not in the future and not before 1900. */
gboolean  hall_validate_resident_id       (const char *id_number,
                                           GError    **error);
/* (transfer full) (nullable): the birth date embedded in a valid resident
 * ID, or NULL; free with g_date_free(). */
GDate    *hall_resident_id_get_birth_date (const char *id_number);

typedef enum
{
  HALL_SEX_UNKNOWN,
  HALL_SEX_MALE,
  HALL_SEX_FEMALE,
} HallSex;

/* The sex a valid resident ID records (its 17th digit, the sequence
 * number: odd for men, even for women), or HALL_SEX_UNKNOWN when the
 * number is not a valid resident ID. */
HallSex   hall_resident_id_get_sex        (const char *id_number);

/* GB 32100-2015 in full: 18 characters from
 * "0123456789ABCDEFGHJKLMNPQRTUWXY"; a registration authority and a kind of
 * organisation it registers (the standard's table); a division code whose
 * first two digits name a province (or 100000, the State); a GB 11714
 * organisation code with its own check digit; and the check character
 * (weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28, modulo 31).
 * Each refusal names the rule and the characters at fault. */
gboolean  hall_validate_credit_code       (const char *credit_code,
                                           GError    **error);

/* A mainland mobile number: 11 digits starting with 1, second digit 3-9.
 * Fixed-line numbers with an area code (0xx-xxxxxxx(x)) are accepted too. */
gboolean  hall_validate_phone             (const char *phone,
                                           GError    **error);

/* Passports: 5 to 20 letters and digits. */
gboolean  hall_validate_passport          (const char *number,
                                           GError    **error);
/* Mainland Travel Permit for Hong Kong and Macau Residents: H or M followed
 * by 8 (old, 10 before 2013) or 10 digits. */
gboolean  hall_validate_hk_macau_permit   (const char *number,
                                           GError    **error);
/* Mainland Travel Permit for Taiwan Residents: 8 digits (10 digits on older
 * cards). */
gboolean  hall_validate_taiwan_permit     (const char *number,
                                           GError    **error);
/* Foreign Permanent Resident ID card: 15 characters (old: 3 letters + 12
 * digits) or 18 (2023 format starting with 9, with a GB 11643 check digit). */
gboolean  hall_validate_foreign_permanent (const char *number,
                                           GError    **error);

/* A person's name: 1 to 100 characters of letters (any script, with their
 * combining marks), spaces, the middle dot (U+00B7, U+30FB), hyphens and
 * apostrophes; no emoji, digits or control characters. */
gboolean  hall_validate_name              (const char *name,
                                           GError    **error);
/* The same for a person's name under another label, such as "Legal
 * representative"; the messages start with the (translated) label. */
gboolean  hall_validate_person_name_field (const char *label,
                                           const char *name,
                                           GError    **error);
/* Any other name (a business's): 1 to 100 characters, no control
 * characters, no emoji or other pictures. */
gboolean  hall_validate_name_field        (const char *label,
                                           const char *name,
                                           GError    **error);

G_END_DECLS
