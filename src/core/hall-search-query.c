/* hall-search-query.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-search"

#include "config.h"

#include <string.h>

#include "hall-search-query.h"

/* Full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space are what
 * a Chinese input method produces when it is left in full-width mode. */
static char *
normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;
      if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
      else if (c == 0x3000)
        c = ' ';
      g_string_append_unichar (out, c);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  return g_string_free (out, FALSE);
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

/* ASCII digits and letters, spaces removed, letters upper-cased: how
 * document and case numbers are stored. NULL if @text has anything else. */
static char *
compact_number (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == ' ')
        continue;
      if (!g_ascii_isalnum (*p) && *p != '-')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, g_ascii_toupper (*p));
    }
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return len > 0;
}

/* Digits, where a resident ID's check character may be X. */
static HallSearchKind
classify_digits (const char *s,
                 gsize       len)
{
  HallSearchKind kinds = HALL_SEARCH_NONE;
  gboolean x_last = s[len - 1] == 'X';

  if (len == 18)
    return HALL_SEARCH_DOCUMENT;
  if (x_last)
    return HALL_SEARCH_DOCUMENT_PREFIX;

  if (s[0] == '1')
    {
      /* Mobile numbers are 1[3-9]xxxxxxxxx; resident IDs start with a
       * province code, and 13, 14 and 15 are Hebei, Shanxi and Inner
       * Mongolia. So 13-15 is read both ways, 16-19 only as a phone and
       * 10-12 only as an ID. */
      char second = len > 1 ? s[1] : '3';

      if (second >= '3' && len <= 11)
        kinds |= HALL_SEARCH_PHONE_PREFIX;
      if (len >= 4 && (second <= '5' || len > 11))
        kinds |= HALL_SEARCH_DOCUMENT_PREFIX;
    }
  else if (s[0] == '0')
    {
      /* No resident ID starts with 0; fixed-line numbers with an area code
       * do. */
      kinds |= HALL_SEARCH_PHONE_PREFIX;
    }
  else if (len >= 4)
    {
      kinds |= HALL_SEARCH_DOCUMENT_PREFIX;
    }

  if (len <= 6)
    kinds |= HALL_SEARCH_CASE_SEQ;
  return kinds;
}

HallSearchQuery *
hall_search_query_new (const char *text)
{
  g_autoptr (HallSearchQuery) query = g_new0 (HallSearchQuery, 1);
  g_autofree char *norm = NULL;
  g_autofree char *number = NULL;
  glong n_chars;
  gboolean han_only = TRUE;

  g_return_val_if_fail (text != NULL, NULL);

  norm = normalize (text);
  if (*norm == '\0')
    {
      query->text = g_steal_pointer (&norm);
      return g_steal_pointer (&query);
    }

  number = compact_number (norm);
  if (number != NULL && *number != '\0')
    {
      gsize len = strlen (number);
      gboolean has_letter = strpbrk (number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != NULL;
      gboolean has_dash = strchr (number, '-') != NULL;
      gboolean has_digit = strpbrk (number, "0123456789") != NULL;

      if (has_dash)
        {
          /* "YC-2026", "YC-2026-C03-0001": case numbers are the only
           * things with dashes, except fixed-line phones ("0951-…"). */
          const char *tail = strrchr (number, '-') + 1;
          gsize n_head = strspn (number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");

          if (g_ascii_isdigit (number[0]))
            query->kinds = HALL_SEARCH_PHONE_PREFIX;
          else if (n_head > 0 && g_ascii_isdigit (number[n_head]) && tail - number > (gssize) n_head
                   && all_digits (tail, strlen (tail)) && strlen (tail) <= 6)
            {
              /* "C03-000123": the counter and the tail, as an official reads
               * a number out; not a prefix of any number. */
              query->kinds = HALL_SEARCH_CASE_SEQ;
              query->seq = g_ascii_strtoll (tail, NULL, 10);
              query->counter = g_strndup (number, tail - 1 - number);
            }
          else
            query->kinds = HALL_SEARCH_CASE_NUMBER;
          query->text = g_steal_pointer (&number);
          return g_steal_pointer (&query);
        }

      if (!has_dash && (all_digits (number, len)
                        || (len > 1 && all_digits (number, len - 1) && number[len - 1] == 'X')))
        {
          query->kinds = classify_digits (number, len);
          if (query->kinds & HALL_SEARCH_CASE_SEQ)
            query->seq = g_ascii_strtoll (number, NULL, 10);
          query->text = g_steal_pointer (&number);
          return g_steal_pointer (&query);
        }

      if (!has_dash && has_digit && has_letter)
        {
          /* Passports ("E12345678"), permits ("H1234567890"), credit codes
           * ("91640100…" with letters). */
          query->kinds = HALL_SEARCH_DOCUMENT_PREFIX;
          query->text = g_steal_pointer (&number);
          return g_steal_pointer (&query);
        }
    }

  /* A name, or part of one. */
  n_chars = g_utf8_strlen (norm, -1);
  for (const char *p = norm; *p; p = g_utf8_next_char (p))
    if (!is_han (g_utf8_get_char (p)))
      han_only = FALSE;

  if (n_chars >= 3)
    query->kinds = HALL_SEARCH_SUBSTRING;
  else if (han_only && n_chars == 2)
    query->kinds = HALL_SEARCH_NAME_BIGRAM;
  else
    query->kinds = HALL_SEARCH_NAME_PREFIX;

  /* Latin names are stored as written, "Wang Fang", and the B-tree prefix
   * is case-sensitive. */
  if (query->kinds == HALL_SEARCH_NAME_PREFIX && g_ascii_islower (norm[0]))
    norm[0] = g_ascii_toupper (norm[0]);
  query->text = g_steal_pointer (&norm);
  return g_steal_pointer (&query);
}

void
hall_search_query_free (HallSearchQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->text);
  g_free (query->counter);
  g_free (query);
}

char *
hall_search_name_bigrams (const char *name)
{
  GString *out = g_string_new (NULL);
  const char *prev = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_han (c))
        {
          prev = NULL;
          continue;
        }
      if (prev != NULL)
        {
          if (out->len > 0)
            g_string_append_c (out, ' ');
          g_string_append_len (out, prev, g_utf8_next_char (p) - prev);
        }
      prev = p;
    }
  return g_string_free (out, FALSE);
}

char *
hall_search_fts_phrase (const char *text)
{
  GString *out = g_string_new ("\"");

  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

char *
hall_search_prefix_end (const char *prefix)
{
  /* 0xFF never occurs in UTF-8, so it sorts (BINARY collation, memcmp)
   * after every character that could follow the prefix. */
  return g_strconcat (prefix, "\xff", NULL);
}
