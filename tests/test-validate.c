/* test-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-error.h"
#include "hall-validate.h"

typedef gboolean (*Validator) (const char *text, GError **error);

static void
assert_valid (Validator   validate,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  if (!validate (text, &error))
    g_error ("“%s” should be valid: %s", text, error->message);
}

/* Checks the error code and that the message names what is wrong. */
static void
assert_invalid (Validator   validate,
                const char *text,
                int         code,
                const char *in_message)
{
  g_autoptr(GError) error = NULL;

  if (validate (text, &error))
    g_error ("“%s” should be invalid", text);
  g_assert_error (error, HALL_VALIDATION_ERROR, code);
  if (strstr (error->message, in_message) == NULL)
    g_error ("message for “%s” is “%s”, it should mention “%s”", text, error->message,
             in_message);
}

static void
test_normalize (void)
{
  struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "11010519491231002X", "11010519491231002X" },
    { "11010519491231002x", "11010519491231002X" },
    { "  440524188001010014\t\n", "440524188001010014" },
    { "１１０１０５１９４９１２３１００２ｘ", "11010519491231002X" },
    { "\u3000９１３５０１００ｍ０００１００ｙ４３\u3000", "91350100M000100Y43" },
    { "", "" },
  };
  g_autofree char *from_null = hall_normalize_document_number (NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = hall_normalize_document_number (cases[i].in);

      g_assert_cmpstr (normalized, ==, cases[i].out);
    }
  g_assert_cmpstr (from_null, ==, "");
}

static void
test_resident_id_valid (void)
{
  /* The example of the GB 11643-1999 standard and ones computed and checked
   * by hand (leap day 2000-02-29). */
  assert_valid (hall_validate_resident_id, "11010519491231002X");
  assert_valid (hall_validate_resident_id, "440524199003070014");
  assert_valid (hall_validate_resident_id, "440524198001010013");
  assert_valid (hall_validate_resident_id, "110101199003074477");
  assert_valid (hall_validate_resident_id, "110101200002290018");
}

static void
test_resident_id_check_digit (void)
{
  /* The typo may be anywhere: the message says the number does not add
   * up and to read it again, never which digit to change. */
  assert_invalid (hall_validate_resident_id, "440524199003070013",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT,
                  "the number does not add up (its check digit does not match); read it again "
                  "from the card");
  assert_invalid (hall_validate_resident_id, "110105194912310021",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT, "does not add up");
  assert_invalid (hall_validate_resident_id, "44052419900307001X",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT, "does not add up");
  {
    g_autoptr (GError) error = NULL;

    /* A typo in the middle (digit 7), not in the check digit. */
    g_assert_false (hall_validate_resident_id ("440524199903070014", &error));
    g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_CHECK_DIGIT);
    g_assert_null (strstr (error->message, "should be"));
    g_assert_null (strstr (error->message, "not 4"));
  }
  /* Only normalised text is accepted: a lower-case x is the caller's job. */
  assert_invalid (hall_validate_resident_id, "11010519491231002x",
                  HALL_VALIDATION_ERROR_CHARACTERS, "last character must be a digit or X");
}

static void
test_resident_id_dates (void)
{
  assert_invalid (hall_validate_resident_id, "110105199002300013", HALL_VALIDATION_ERROR_DATE,
                  "birth date 1990-02-30 does not exist");
  /* 1900 is not a leap year, 2000 is (see the valid ones). */
  assert_invalid (hall_validate_resident_id, "110105190002290017", HALL_VALIDATION_ERROR_DATE,
                  "1900-02-29 does not exist");
  assert_invalid (hall_validate_resident_id, "110101199902290011", HALL_VALIDATION_ERROR_DATE,
                  "1999-02-29 does not exist");
  assert_invalid (hall_validate_resident_id, "110105199013010011", HALL_VALIDATION_ERROR_DATE,
                  "1990-13-01 does not exist");
  assert_invalid (hall_validate_resident_id, "110105199001000011", HALL_VALIDATION_ERROR_DATE,
                  "1990-01-00 does not exist");
  assert_invalid (hall_validate_resident_id, "110105299901010014", HALL_VALIDATION_ERROR_DATE,
                  "2999-01-01 is in the future");
  assert_invalid (hall_validate_resident_id, "110105189912310015", HALL_VALIDATION_ERROR_DATE,
                  "1899-12-31 is before 1900");
  /* A well-known example with a correct check digit, but born in 1880. */
  assert_invalid (hall_validate_resident_id, "440524188001010014", HALL_VALIDATION_ERROR_DATE,
                  "1880-01-01 is before 1900");
}

static void
test_resident_id_format (void)
{
  assert_invalid (hall_validate_resident_id, "", HALL_VALIDATION_ERROR_EMPTY, "required");
  assert_invalid (hall_validate_resident_id, NULL, HALL_VALIDATION_ERROR_EMPTY, "required");
  assert_invalid (hall_validate_resident_id, "11010519491231002", HALL_VALIDATION_ERROR_LENGTH,
                  "must have 18 characters, it has 17");
  assert_invalid (hall_validate_resident_id, "11010519491231002X1",
                  HALL_VALIDATION_ERROR_LENGTH, "must have 18 characters, it has 19");
  assert_invalid (hall_validate_resident_id, "1101051949A231002X",
                  HALL_VALIDATION_ERROR_CHARACTERS, "character 11 is not a digit");
  assert_invalid (hall_validate_resident_id, "11010519491231X02X",
                  HALL_VALIDATION_ERROR_CHARACTERS, "character 15 is not a digit");
  /* Full-width digits count as characters, not bytes, and are not digits
   * until normalised. */
  assert_invalid (hall_validate_resident_id, "１１０１０５１９４９１２３１００２Ｘ",
                  HALL_VALIDATION_ERROR_CHARACTERS, "character 1 is not a digit");
  assert_invalid (hall_validate_resident_id, "990105194912310023",
                  HALL_VALIDATION_ERROR_REGION, "starts with 99, which is not a province");
  assert_invalid (hall_validate_resident_id, "000105194912310023",
                  HALL_VALIDATION_ERROR_REGION, "starts with 00");
}

static void
test_resident_id_full_width (void)
{
  g_autofree char *normalized = hall_normalize_document_number ("１１０１０５１９４９１２３１００２ｘ");

  assert_valid (hall_validate_resident_id, normalized);
}

static void
test_resident_id_birth_date (void)
{
  g_autoptr(GDate) date = hall_resident_id_get_birth_date ("11010519491231002X");

  g_assert_nonnull (date);
  g_assert_cmpint (g_date_get_year (date), ==, 1949);
  g_assert_cmpint (g_date_get_month (date), ==, 12);
  g_assert_cmpint (g_date_get_day (date), ==, 31);
  g_assert_null (hall_resident_id_get_birth_date ("110105199002300013"));
  g_assert_null (hall_resident_id_get_birth_date ("440524199003070013"));
}

static void
test_credit_code_valid (void)
{
  g_autofree char *lower = hall_normalize_document_number ("91350100m000100y43");

  /* Check characters computed and checked by hand. */
  assert_valid (hall_validate_credit_code, "91350100M000100Y43");
  assert_valid (hall_validate_credit_code, "91110000802100433B");
  assert_valid (hall_validate_credit_code, "9144030071526726XG");
  assert_valid (hall_validate_credit_code, "91110108551385082Q");
  assert_valid (hall_validate_credit_code, lower);
  /* Published codes of real companies: one of Yinchuan (640100), one of
   * Shizuishan in Ningxia, and two whose organisation codes have letters,
   * which count A = 10 to Z = 35 in their GB 11714 check digit. */
  assert_valid (hall_validate_credit_code, "91640100694329053P");
  assert_valid (hall_validate_credit_code, "91640200750828800U");
  assert_valid (hall_validate_credit_code, "91370281MA3CGHB07Q");
  assert_valid (hall_validate_credit_code, "91520115MA6DMFBM07");
}

/* Codes whose overall check character is right but which break another
 * rule of GB 32100: each refusal names that rule. */
static void
test_credit_code_structure (void)
{
  assert_invalid (hall_validate_credit_code, "00350100MA2Y00019P",
                  HALL_VALIDATION_ERROR_INVALID, "character 1 (0) is not a registration authority");
  assert_invalid (hall_validate_credit_code, "X9350100MA2Y00019X",
                  HALL_VALIDATION_ERROR_INVALID, "character 1 (X) is not a registration authority");
  assert_invalid (hall_validate_credit_code, "95350100MA2Y00019Y",
                  HALL_VALIDATION_ERROR_INVALID,
                  "character 2 (5) is not a kind of organisation that registration authority 9");
  assert_invalid (hall_validate_credit_code, "Y2350100MA2Y00019J",
                  HALL_VALIDATION_ERROR_INVALID, "authority Y registers (it registers kinds 1)");
  assert_invalid (hall_validate_credit_code, "91000000MA2Y00019D",
                  HALL_VALIDATION_ERROR_REGION, "the division code 000000 does not name a province");
  assert_invalid (hall_validate_credit_code, "91990000MA2Y00019Y",
                  HALL_VALIDATION_ERROR_REGION, "the division code 990000 does not name a province");
  assert_invalid (hall_validate_credit_code, "91350100MA2Y00011J",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT,
                  "organisation code MA2Y00011 (characters 9 to 17) does not add up; read the "
                  "code again from the licence");
  assert_invalid (hall_validate_credit_code, "9135A100MA2Y0001X5",
                  HALL_VALIDATION_ERROR_REGION, "characters 3 to 8 are the division code");
}

static void
test_credit_code_invalid (void)
{
  const char *forbidden[] = { "I", "O", "S", "V", "Z" };
  guint i;

  assert_invalid (hall_validate_credit_code, "911101087177628380",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT,
                  "the code does not add up (its check character does not match); read it "
                  "again from the licence");
  assert_invalid (hall_validate_credit_code, "91350100M000100Y44",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT, "does not add up");
  assert_invalid (hall_validate_credit_code, "", HALL_VALIDATION_ERROR_EMPTY, "required");
  assert_invalid (hall_validate_credit_code, "91350100M000100Y4", HALL_VALIDATION_ERROR_LENGTH,
                  "must have 18 characters, it has 17");
  assert_invalid (hall_validate_credit_code, "91350100M000100Y433",
                  HALL_VALIDATION_ERROR_LENGTH, "it has 19");
  assert_invalid (hall_validate_credit_code, "91350100m000100Y43",
                  HALL_VALIDATION_ERROR_CHARACTERS, "character 9 is not allowed");
  assert_invalid (hall_validate_credit_code, "91350100-000100Y43",
                  HALL_VALIDATION_ERROR_CHARACTERS, "character 9 is not allowed");

  for (i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      g_autofree char *code = g_strdup ("91350100M000100Y43");
      g_autofree char *expected = g_strdup_printf ("character 9 is the letter %s", forbidden[i]);

      code[8] = forbidden[i][0];
      assert_invalid (hall_validate_credit_code, code, HALL_VALIDATION_ERROR_CHARACTERS,
                      expected);
    }
}

static void
test_phone (void)
{
  assert_valid (hall_validate_phone, "13800138000");
  assert_valid (hall_validate_phone, "19912345678");
  assert_valid (hall_validate_phone, "0951-1234567");
  assert_valid (hall_validate_phone, "010-12345678");
  assert_valid (hall_validate_phone, "09511234567");

  assert_invalid (hall_validate_phone, "", HALL_VALIDATION_ERROR_EMPTY, "required");
  assert_invalid (hall_validate_phone, "1380013800", HALL_VALIDATION_ERROR_LENGTH,
                  "has 11 digits, this one has 10");
  assert_invalid (hall_validate_phone, "138001380001", HALL_VALIDATION_ERROR_LENGTH,
                  "this one has 12");
  assert_invalid (hall_validate_phone, "12800138000", HALL_VALIDATION_ERROR_INVALID,
                  "starts with 13 to 19");
  assert_invalid (hall_validate_phone, "138-0013-8000", HALL_VALIDATION_ERROR_CHARACTERS,
                  "only digits");
  assert_invalid (hall_validate_phone, "0951-123", HALL_VALIDATION_ERROR_INVALID,
                  "area code of 3 or 4");
  assert_invalid (hall_validate_phone, "09512-1234567", HALL_VALIDATION_ERROR_INVALID,
                  "area code of 3 or 4");
  assert_invalid (hall_validate_phone, "23800138000", HALL_VALIDATION_ERROR_INVALID,
                  "expected a mobile number");
  assert_invalid (hall_validate_phone, "+8613800138000", HALL_VALIDATION_ERROR_INVALID,
                  "expected a mobile number");
}

static void
test_passport (void)
{
  g_autofree char *too_long = g_strnfill (21, 'A');

  assert_valid (hall_validate_passport, "E12345678");
  assert_valid (hall_validate_passport, "G1234");
  assert_invalid (hall_validate_passport, "", HALL_VALIDATION_ERROR_EMPTY, "required");
  assert_invalid (hall_validate_passport, "E123", HALL_VALIDATION_ERROR_LENGTH,
                  "5 to 20 characters, it has 4");
  assert_invalid (hall_validate_passport, too_long, HALL_VALIDATION_ERROR_LENGTH, "it has 21");
  assert_invalid (hall_validate_passport, "E1234-678", HALL_VALIDATION_ERROR_CHARACTERS,
                  "only the letters A to Z and digits");
}

static void
test_permits (void)
{
  assert_valid (hall_validate_hk_macau_permit, "H12345678");
  assert_valid (hall_validate_hk_macau_permit, "M1234567890");
  assert_invalid (hall_validate_hk_macau_permit, "C12345678", HALL_VALIDATION_ERROR_CHARACTERS,
                  "starts with H (Hong Kong) or M (Macau)");
  assert_invalid (hall_validate_hk_macau_permit, "H1234567", HALL_VALIDATION_ERROR_LENGTH,
                  "8 or 10 digits, not 7");
  assert_invalid (hall_validate_hk_macau_permit, "H123456789", HALL_VALIDATION_ERROR_LENGTH,
                  "not 9");
  assert_invalid (hall_validate_hk_macau_permit, "H1234A678", HALL_VALIDATION_ERROR_CHARACTERS,
                  "only digits may follow");

  assert_valid (hall_validate_taiwan_permit, "12345678");
  assert_valid (hall_validate_taiwan_permit, "1234567890");
  assert_invalid (hall_validate_taiwan_permit, "123456789", HALL_VALIDATION_ERROR_LENGTH,
                  "8 or 10 digits, this one has 9");
  assert_invalid (hall_validate_taiwan_permit, "1234567A", HALL_VALIDATION_ERROR_CHARACTERS,
                  "only digits");

  assert_valid (hall_validate_foreign_permanent, "USA123456789012");
  assert_valid (hall_validate_foreign_permanent, "93310019800101001X");
  assert_invalid (hall_validate_foreign_permanent, "933100198001010011",
                  HALL_VALIDATION_ERROR_CHECK_DIGIT, "does not add up");
  assert_invalid (hall_validate_foreign_permanent, "US1123456789012",
                  HALL_VALIDATION_ERROR_CHARACTERS, "3 letters followed by 12 digits");
  assert_invalid (hall_validate_foreign_permanent, "83310019800101001X",
                  HALL_VALIDATION_ERROR_CHARACTERS, "starts with 9");
  assert_invalid (hall_validate_foreign_permanent, "USA1234567890", HALL_VALIDATION_ERROR_LENGTH,
                  "15 or 18 characters, it has 13");
}

static gboolean
validate_legal_representative (const char *name,
                               GError    **error)
{
  return hall_validate_person_name_field ("Legal representative", name, error);
}

static gboolean
validate_business_name (const char *name,
                        GError    **error)
{
  return hall_validate_name_field ("Business name", name, error);
}

static void
test_name (void)
{
  g_autofree char *too_long = g_strnfill (101, 'a');
  GString *hundred = g_string_new (NULL);
  guint i;

  for (i = 0; i < 100; i++)
    g_string_append (hundred, "张");

  assert_valid (hall_validate_name, "张三");
  assert_valid (hall_validate_name, "Zhang San");
  assert_valid (hall_validate_name, hundred->str);
  assert_invalid (hall_validate_name, "", HALL_VALIDATION_ERROR_EMPTY, "Name is required");
  assert_invalid (hall_validate_name, NULL, HALL_VALIDATION_ERROR_EMPTY, "Name is required");
  assert_invalid (hall_validate_name, "   ", HALL_VALIDATION_ERROR_EMPTY, "Name is required");
  assert_invalid (hall_validate_name, "Zhang\tSan", HALL_VALIDATION_ERROR_CHARACTERS,
                  "control character");
  assert_invalid (hall_validate_name, too_long, HALL_VALIDATION_ERROR_LENGTH,
                  "at most 100 characters, it has 101");
  assert_invalid (hall_validate_name, "\xff\xfe", HALL_VALIDATION_ERROR_CHARACTERS,
                  "not valid text");
  assert_invalid (validate_legal_representative, "", HALL_VALIDATION_ERROR_EMPTY,
                  "Legal representative is required");

  /* The characters real names use: the middle dot of ethnic minority and
   * transliterated names (U+00B7, and U+30FB typed for it), Latin with
   * diacritics, hyphens and apostrophes, Uyghur script. */
  assert_valid (hall_validate_name, "阿依古丽·买买提");
  assert_valid (hall_validate_name, "阿依古丽・买买提");
  assert_valid (hall_validate_name, "José Müller-Łukasiewicz");
  assert_valid (hall_validate_name, "Nguyễn Thị Ánh");
  assert_valid (hall_validate_name, "O’Brien");
  assert_valid (hall_validate_name, "ئايگۈل");
  assert_valid (hall_validate_name, "Anna Müller (安娜)");
  assert_valid (validate_legal_representative, "扎西·次仁");
  /* Emoji, with or without their joiners and selectors, and control
   * characters are refused, at the name's field. */
  assert_invalid (hall_validate_name, "伟😀", HALL_VALIDATION_ERROR_CHARACTERS,
                  "Name contains an emoji or a symbol");
  assert_invalid (hall_validate_name, "伟\u2764\ufe0f", HALL_VALIDATION_ERROR_CHARACTERS,
                  "emoji");
  assert_invalid (hall_validate_name, "伟\u200d", HALL_VALIDATION_ERROR_CHARACTERS, "emoji");
  assert_invalid (hall_validate_name, "张\a三", HALL_VALIDATION_ERROR_CHARACTERS,
                  "control character");
  assert_invalid (hall_validate_name, "张三3", HALL_VALIDATION_ERROR_CHARACTERS,
                  "Name may not contain “3”");
  assert_invalid (hall_validate_name, "张<三>", HALL_VALIDATION_ERROR_CHARACTERS,
                  "may not contain “<”");
  assert_invalid (validate_legal_representative, "李四🙂", HALL_VALIDATION_ERROR_CHARACTERS,
                  "Legal representative contains an emoji");
  /* A business's name may hold digits and brackets, but no emoji. */
  assert_valid (validate_business_name, "宁夏123科技有限公司（银川分公司）");
  assert_invalid (validate_business_name, "好运😀公司", HALL_VALIDATION_ERROR_CHARACTERS,
                  "Business name contains an emoji");

  g_string_free (hundred, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hall/validate/normalize", test_normalize);
  g_test_add_func ("/hall/validate/resident-id/valid", test_resident_id_valid);
  g_test_add_func ("/hall/validate/resident-id/check-digit", test_resident_id_check_digit);
  g_test_add_func ("/hall/validate/resident-id/dates", test_resident_id_dates);
  g_test_add_func ("/hall/validate/resident-id/format", test_resident_id_format);
  g_test_add_func ("/hall/validate/resident-id/full-width", test_resident_id_full_width);
  g_test_add_func ("/hall/validate/resident-id/birth-date", test_resident_id_birth_date);
  g_test_add_func ("/hall/validate/credit-code/valid", test_credit_code_valid);
  g_test_add_func ("/hall/validate/credit-code/invalid", test_credit_code_invalid);
  g_test_add_func ("/hall/validate/credit-code/structure", test_credit_code_structure);
  g_test_add_func ("/hall/validate/phone", test_phone);
  g_test_add_func ("/hall/validate/passport", test_passport);
  g_test_add_func ("/hall/validate/permits", test_permits);
  g_test_add_func ("/hall/validate/name", test_name);

  return g_test_run ();
}
