/* hall-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-validate"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-validate.h"

/* ISO 7064 MOD 11-2 as GB 11643 uses it. */
static const int resident_id_weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
static const char resident_id_check_chars[] = "10X98765432";

/* GB 32100: the 31 characters, in the order of their values. */
static const char credit_code_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int credit_code_weights[17] = { 1,  3,  9,  27, 19, 26, 16, 17, 20,
                                             29, 25, 13, 8,  24, 10, 30, 28 };

/* GB 32100-2015 table 1 with its amendments: the registration authorities
 * (first character) and the kinds of organisation each registers (second
 * character). */
static const struct
{
  char        authority;
  const char *kinds;
} credit_code_registrars[] = {
  { '1', "1239" },   /* public sector staffing: organs, institutions, groups */
  { '2', "19" },     /* foreign affairs */
  { '3', "123459" }, /* justice: law firms, notaries, legal aid, forensics, arbitration */
  { '4', "19" },     /* culture */
  { '5', "1239" },   /* civil affairs: societies, private non-profits, foundations */
  { '6', "129" },    /* tourism */
  { '7', "129" },    /* religious affairs */
  { '8', "19" },     /* trade unions */
  { '9', "123" },    /* market regulation: companies, sole traders, co-operatives */
  { 'A', "19" },     /* the Central Military Commission's staffing office */
  { 'N', "1239" },   /* agriculture: rural collective economic organisations */
  { 'Y', "1" },      /* other registrars */
};

/* GB 11714-1997: the organisation code's check digit. */
static const int organization_code_weights[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };

#define NAME_MAX_CHARS 100

char *
hall_normalize_document_number (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Chinese input methods type full-width forms (U+FF01-U+FF5E) and the
       * ideographic space; they are the ASCII characters a clerk meant. */
      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      else if (c == 0x3000 || c == 0x00A0)
        c = ' ';
      if (c < 0x80)
        c = g_ascii_toupper ((char) c);
      g_string_append_unichar (out, c);
    }

  return g_strstrip (g_string_free (out, FALSE));
}

static gboolean
is_province_code (int code)
{
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37)
         || (code >= 41 && code <= 46) || (code >= 50 && code <= 54)
         || (code >= 61 && code <= 65) || code == 71 || code == 81 || code == 82 || code == 83
         || code == 91;
}

/* The check character over the first 17 digits of a GB 11643 number. */
static char
resident_id_check_char (const char *number)
{
  int sum = 0;
  int i;

  for (i = 0; i < 17; i++)
    sum += (number[i] - '0') * resident_id_weights[i];
  return resident_id_check_chars[sum % 11];
}

static int
digits_value (const char *p,
              int         n)
{
  int value = 0;
  int i;

  for (i = 0; i < n; i++)
    value = value * 10 + (p[i] - '0');
  return value;
}

static gboolean
all_digits (const char *text,
            gsize       len)
{
  gsize i;

  for (i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* The 1-based position of the first character outside the ones allowed, or 0. */
static int
find_bad_char (const char *text,
               gboolean (*allowed) (char c))
{
  const char *p;
  int position = 1;

  for (p = text; *p != '\0'; p = g_utf8_next_char (p), position++)
    if ((guchar) *p >= 0x80 || !allowed (*p))
      return position;
  return 0;
}

static gboolean
is_digit (char c)
{
  return g_ascii_isdigit (c);
}

static gboolean
is_upper_alnum (char c)
{
  return g_ascii_isdigit (c) || g_ascii_isupper (c);
}

static gboolean
is_credit_code_char (char c)
{
  return c != '\0' && strchr (credit_code_chars, c) != NULL;
}

gboolean
hall_validate_resident_id (const char *id_number,
                           GError    **error)
{
  GDate birth;
  GDate today;
  glong n_chars;
  int bad;
  int year, month, day;
  char expected;

  if (id_number == NULL || *id_number == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Resident ID number is required"));
      return FALSE;
    }

  n_chars = g_utf8_strlen (id_number, -1);
  if (n_chars != 18)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("Resident ID number must have 18 characters, it has %ld"), n_chars);
      return FALSE;
    }

  /* The message names the position, not the character: ID numbers are
   * personal data and messages may end up in logs. */
  bad = find_bad_char (id_number, is_digit);
  if (bad != 0 && bad < 18)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                   _("Resident ID number: character %d is not a digit; the first 17 "
                     "characters must be digits"),
                   bad);
      return FALSE;
    }
  if (!g_ascii_isdigit (id_number[17]) && id_number[17] != 'X')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                           _("Resident ID number: the last character must be a digit or X"));
      return FALSE;
    }

  if (!is_province_code (digits_value (id_number, 2)))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_REGION,
                   _("Resident ID number: the region code starts with %.2s, which is not a "
                     "province code (11 to 65, 71, 81 to 83 or 91)"),
                   id_number);
      return FALSE;
    }

  year = digits_value (id_number + 6, 4);
  month = digits_value (id_number + 10, 2);
  day = digits_value (id_number + 12, 2);
  if (month < 1 || month > 12 || day < 1 || year < 1
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("Resident ID number: birth date %04d-%02d-%02d does not exist"), year,
                   month, day);
      return FALSE;
    }
  if (year < 1900)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("Resident ID number: birth date %04d-%02d-%02d is before 1900"), year,
                   month, day);
      return FALSE;
    }
  g_date_clear (&birth, 1);
  g_date_clear (&today, 1);
  g_date_set_dmy (&birth, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  /* Today as localtime_r sees it: GDateTime would load the time zone
   * again for each of the thousands of applicants of a pull. */
  g_date_set_time_t (&today, time (NULL));
  if (g_date_compare (&birth, &today) > 0)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_DATE,
                   _("Resident ID number: birth date %04d-%02d-%02d is in the future"), year,
                   month, day);
      return FALSE;
    }

  expected = resident_id_check_char (id_number);
  if (id_number[17] != expected)
    {
      /* Not which digit to change: the typo may be anywhere in the number. */
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHECK_DIGIT,
                           _("Resident ID number: the number does not add up (its check digit "
                             "does not match); read it again from the card"));
      return FALSE;
    }

  return TRUE;
}

GDate *
hall_resident_id_get_birth_date (const char *id_number)
{
  if (!hall_validate_resident_id (id_number, NULL))
    return NULL;
  return g_date_new_dmy ((GDateDay) digits_value (id_number + 12, 2),
                         (GDateMonth) digits_value (id_number + 10, 2),
                         (GDateYear) digits_value (id_number + 6, 4));
}

HallSex
hall_resident_id_get_sex (const char *id_number)
{
  if (!hall_validate_resident_id (id_number, NULL))
    return HALL_SEX_UNKNOWN;
  return (id_number[16] - '0') % 2 == 1 ? HALL_SEX_MALE : HALL_SEX_FEMALE;
}

/* Characters 1 and 2: a registration authority of the standard's table and
 * a kind of organisation that authority registers. */
static gboolean
check_credit_code_registrar (const char *code,
                             GError    **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (credit_code_registrars); i++)
    {
      if (credit_code_registrars[i].authority != code[0])
        continue;
      if (strchr (credit_code_registrars[i].kinds, code[1]) != NULL)
        return TRUE;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("Unified social credit code: character 2 (%c) is not a kind of "
                     "organisation that registration authority %c registers (it registers "
                     "kinds %s)"),
                   code[1], code[0], credit_code_registrars[i].kinds);
      return FALSE;
    }
  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
               _("Unified social credit code: character 1 (%c) is not a registration "
                 "authority (1 to 9, A, N or Y)"),
               code[0]);
  return FALSE;
}

/* Characters 3 to 8: the registering authority's division (GB/T 2260),
 * whose first two digits name a province; 100000 is the State. */
static gboolean
check_credit_code_division (const char *code,
                            GError    **error)
{
  int province;

  if (!all_digits (code + 2, 6))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_REGION,
                   _("Unified social credit code: characters 3 to 8 are the division "
                     "code and must be digits, not “%.6s”"),
                   code + 2);
      return FALSE;
    }
  province = digits_value (code + 2, 2);
  /* 83 and 91 stand in resident IDs for Taiwan and abroad; no authority
   * registers there. */
  if (strncmp (code + 2, "100000", 6) != 0
      && (!is_province_code (province) || province == 83 || province == 91))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_REGION,
                   _("Unified social credit code: the division code %.6s does not name a "
                     "province (its first two digits must be 11 to 65, 71, 81 or 82)"),
                   code + 2);
      return FALSE;
    }
  return TRUE;
}

/* Characters 9 to 17: a GB 11714 organisation code, whose last character is
 * a check digit over the eight before it (letters count A = 10 to Z = 35). */
static gboolean
check_credit_code_organization (const char *code,
                                GError    **error)
{
  const char *organization = code + 8;
  int sum = 0;
  int check;
  char expected;

  for (int i = 0; i < 8; i++)
    {
      char c = organization[i];

      sum += (g_ascii_isdigit (c) ? c - '0' : c - 'A' + 10) * organization_code_weights[i];
    }
  check = 11 - sum % 11;
  expected = check == 10 ? 'X' : check == 11 ? '0' : (char) ('0' + check);
  if (organization[8] != expected)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHECK_DIGIT,
                   _("Unified social credit code: the organisation code %.9s (characters 9 "
                     "to 17) does not add up; read the code again from the licence"),
                   organization);
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_validate_credit_code (const char *credit_code,
                           GError    **error)
{
  glong n_chars;
  int bad;
  int sum = 0;
  int check;
  int i;

  if (credit_code == NULL || *credit_code == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Unified social credit code is required"));
      return FALSE;
    }

  n_chars = g_utf8_strlen (credit_code, -1);
  if (n_chars != 18)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("Unified social credit code must have 18 characters, it has %ld"),
                   n_chars);
      return FALSE;
    }

  bad = find_bad_char (credit_code, is_credit_code_char);
  if (bad != 0)
    {
      char c = credit_code[bad - 1];

      /* Position and character agree only while everything before is ASCII,
       * which find_bad_char guarantees. */
      if (c != '\0' && strchr ("IOSVZ", c) != NULL)
        g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                     _("Unified social credit code: character %d is the letter %c, which "
                       "credit codes never use (there is no I, O, S, V or Z)"),
                     bad, c);
      else
        g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                     _("Unified social credit code: character %d is not allowed; only digits "
                       "and the capital letters A to Y except I, O, S and V are"),
                     bad);
      return FALSE;
    }

  if (!check_credit_code_registrar (credit_code, error)
      || !check_credit_code_division (credit_code, error))
    return FALSE;

  for (i = 0; i < 17; i++)
    sum += (int) (strchr (credit_code_chars, credit_code[i]) - credit_code_chars)
           * credit_code_weights[i];
  check = 31 - sum % 31;
  if (check == 31)
    check = 0;
  if (credit_code[17] != credit_code_chars[check])
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHECK_DIGIT,
                           _("Unified social credit code: the code does not add up (its check "
                             "character does not match); read it again from the licence"));
      return FALSE;
    }

  /* Last: a code whose overall check character is right may still embed an
   * organisation code that was never issued. */
  return check_credit_code_organization (credit_code, error);
}

static gboolean
is_fixed_line (const char *phone)
{
  const char *hyphen = strchr (phone, '-');
  gsize len = strlen (phone);

  if (phone[0] != '0')
    return FALSE;
  if (hyphen != NULL)
    {
      gsize area = (gsize) (hyphen - phone);
      gsize local = len - area - 1;

      return (area == 3 || area == 4) && all_digits (phone, area) && local >= 7 && local <= 8
             && all_digits (hyphen + 1, local);
    }
  return len >= 10 && len <= 12 && all_digits (phone, len);
}

gboolean
hall_validate_phone (const char *phone,
                     GError    **error)
{
  gsize len;

  if (phone == NULL || *phone == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Phone number is required"));
      return FALSE;
    }

  len = strlen (phone);
  if (phone[0] == '1')
    {
      if (!all_digits (phone, len))
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                               _("Phone number: a mobile number has only digits"));
          return FALSE;
        }
      if (len != 11)
        {
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                       _("Phone number: a mobile number has 11 digits, this one has %d"),
                       (int) len);
          return FALSE;
        }
      if (phone[1] < '3')
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                               _("Phone number: a mobile number starts with 13 to 19"));
          return FALSE;
        }
      return TRUE;
    }

  if (phone[0] == '0')
    {
      if (!is_fixed_line (phone))
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                               _("Phone number: a fixed-line number has an area code of 3 or 4 "
                                 "digits starting with 0, then 7 or 8 digits, such as "
                                 "0951-1234567"));
          return FALSE;
        }
      return TRUE;
    }

  g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Phone number: expected a mobile number (11 digits starting with 1) "
                         "or a fixed-line number with its area code, such as 0951-1234567"));
  return FALSE;
}

gboolean
hall_validate_passport (const char *number,
                        GError    **error)
{
  glong n_chars;

  if (number == NULL || *number == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Passport number is required"));
      return FALSE;
    }
  n_chars = g_utf8_strlen (number, -1);
  if (n_chars < 5 || n_chars > 20)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("Passport number must have 5 to 20 characters, it has %ld"), n_chars);
      return FALSE;
    }
  if (find_bad_char (number, is_upper_alnum) != 0)
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                           _("Passport number: only the letters A to Z and digits are allowed"));
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_validate_hk_macau_permit (const char *number,
                               GError    **error)
{
  gsize n_digits;

  if (number == NULL || *number == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Travel permit number is required"));
      return FALSE;
    }
  if (number[0] != 'H' && number[0] != 'M')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                           _("Travel permit number: a permit for Hong Kong and Macau residents "
                             "starts with H (Hong Kong) or M (Macau)"));
      return FALSE;
    }
  if (find_bad_char (number + 1, is_digit) != 0)
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                           _("Travel permit number: only digits may follow the H or M"));
      return FALSE;
    }
  n_digits = strlen (number + 1);
  if (n_digits != 8 && n_digits != 10)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("Travel permit number: the H or M is followed by 8 or 10 digits, not %d"),
                   (int) n_digits);
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_validate_taiwan_permit (const char *number,
                             GError    **error)
{
  gsize len;

  if (number == NULL || *number == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Travel permit number is required"));
      return FALSE;
    }
  if (find_bad_char (number, is_digit) != 0)
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                           _("Travel permit number: a permit for Taiwan residents has only "
                             "digits"));
      return FALSE;
    }
  len = strlen (number);
  if (len != 8 && len != 10)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("Travel permit number: a permit for Taiwan residents has 8 or 10 digits, "
                     "this one has %d"),
                   (int) len);
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_validate_foreign_permanent (const char *number,
                                 GError    **error)
{
  glong n_chars;
  char expected;

  if (number == NULL || *number == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("Permanent residence ID number is required"));
      return FALSE;
    }

  n_chars = g_utf8_strlen (number, -1);
  if (n_chars == 15 && strlen (number) == 15)
    {
      if (!g_ascii_isupper (number[0]) || !g_ascii_isupper (number[1])
          || !g_ascii_isupper (number[2]) || !all_digits (number + 3, 12))
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                               _("Permanent residence ID number: a 15-character number is 3 "
                                 "letters followed by 12 digits"));
          return FALSE;
        }
      return TRUE;
    }

  if (n_chars == 18 && strlen (number) == 18)
    {
      if (number[0] != '9' || !all_digits (number, 17)
          || (!g_ascii_isdigit (number[17]) && number[17] != 'X'))
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                               _("Permanent residence ID number: an 18-character number starts "
                                 "with 9, has 17 digits and ends with a digit or X"));
          return FALSE;
        }
      expected = resident_id_check_char (number);
      if (number[17] != expected)
        {
          g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHECK_DIGIT,
                               _("Permanent residence ID number: the number does not add up (its "
                                 "check digit does not match); read it again from the card"));
          return FALSE;
        }
      return TRUE;
    }

  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
               _("Permanent residence ID number must have 15 or 18 characters, it has %ld"),
               n_chars);
  return FALSE;
}

/* Emoji and other pictures, and what only builds them (joiners, variation
 * selectors, keycaps): nobody's name or business is written with them. */
static gboolean
is_picture (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  return type == G_UNICODE_OTHER_SYMBOL || type == G_UNICODE_SURROGATE
         || type == G_UNICODE_PRIVATE_USE || type == G_UNICODE_UNASSIGNED
         || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF)
         || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF);
}

/* What a person's name is written with: letters of any script (Chinese,
 * Latin with its diacritics, Uyghur, Tibetan, …) and their combining
 * marks, spaces, and the marks that join parts of a name: the middle dot
 * of ethnic minority and transliterated foreign names (U+00B7, and the
 * katakana middle dot U+30FB often typed for it), hyphens, apostrophes and
 * brackets. */
static gboolean
is_person_name_char (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_SPACE_SEPARATOR:
      return TRUE;
    default:
      /* Brackets hold a name in another script or a note of the record's:
       * "Anna Müller (安娜)". */
      return c == 0x00B7 || c == 0x30FB || c == 0x2027 || c == '-' || c == 0x2010
             || c == '\'' || c == 0x2019 || c == '.' || c == '(' || c == ')' || c == 0xFF08
             || c == 0xFF09;
    }
}

static gboolean
validate_name (const char *label,
               const char *name,
               gboolean    person,
               GError    **error)
{
  const char *p;
  glong n_chars;
  gboolean blank = TRUE;

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                   _("%s is not valid text"), label);
      return FALSE;
    }
  for (p = name; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        {
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                       _("%s contains a control character such as a line break or a tab"),
                       label);
          return FALSE;
        }
      if (is_picture (c))
        {
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                       _("%s contains an emoji or a symbol; type it as it is written on the "
                         "card or licence"),
                       label);
          return FALSE;
        }
      if (person && !is_person_name_char (c))
        {
          char text[8] = { 0 };

          g_unichar_to_utf8 (c, text);
          /* Translators: "Name may not contain “3”: a name has letters…" */
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHARACTERS,
                       _("%s may not contain “%s”: a name has letters, spaces, the middle dot "
                         "(·), hyphens and apostrophes"),
                       label, text);
          return FALSE;
        }
      if (!g_unichar_isspace (c))
        blank = FALSE;
    }
  if (blank)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                   _("%s is required"), label);
      return FALSE;
    }
  n_chars = g_utf8_strlen (name, -1);
  if (n_chars > NAME_MAX_CHARS)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("%s may have at most %d characters, it has %ld"), label, NAME_MAX_CHARS,
                   n_chars);
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_validate_name_field (const char *label,
                          const char *name,
                          GError    **error)
{
  return validate_name (label, name, FALSE, error);
}

gboolean
hall_validate_person_name_field (const char *label,
                                 const char *name,
                                 GError    **error)
{
  return validate_name (label, name, TRUE, error);
}

gboolean
hall_validate_name (const char *name,
                    GError    **error)
{
  return hall_validate_person_name_field (_("Name"), name, error);
}
