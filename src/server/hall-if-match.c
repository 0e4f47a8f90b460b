/* hall-if-match.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-if-match.h"

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* etagc = %x21 / %x23-7E / obs-text */
static gboolean
is_etag_char (guchar c)
{
  return c == 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80;
}

HallIfMatch
hall_if_match_evaluate (const char *header,
                        gint64      version)
{
  g_autofree char *current = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  gboolean matched = FALSE;
  gboolean matched_weak = FALSE;
  gboolean any_tag = FALSE;
  const char *p;

  g_return_val_if_fail (header != NULL, HALL_IF_MATCH_MALFORMED);

  p = skip_space (header);
  if (*p == '*' && *skip_space (p + 1) == '\0')
    return version > 0 ? HALL_IF_MATCH_PASS : HALL_IF_MATCH_FAIL;

  /* 1#entity-tag: elements separated by commas, empty ones allowed. */
  while (*p != '\0')
    {
      gboolean weak = FALSE;
      const char *start;
      gsize length;

      p = skip_space (p);
      if (*p == ',')
        {
          p++;
          continue;
        }
      if (p[0] == 'W' && p[1] == '/')
        {
          weak = TRUE;
          p += 2;
        }
      if (*p != '"')
        return HALL_IF_MATCH_MALFORMED;
      start = ++p;
      while (is_etag_char ((guchar) *p))
        p++;
      if (*p != '"')
        return HALL_IF_MATCH_MALFORMED;
      length = (gsize) (p - start);
      p = skip_space (p + 1);
      if (*p != ',' && *p != '\0')
        return HALL_IF_MATCH_MALFORMED;
      any_tag = TRUE;

      if (version > 0 && length == strlen (current) && memcmp (start, current, length) == 0)
        {
          matched = matched || !weak;
          matched_weak = matched_weak || weak;
        }
    }
  /* Judged once the whole header is known to be well formed. */
  if (!any_tag)
    return HALL_IF_MATCH_MALFORMED;
  if (matched)
    return HALL_IF_MATCH_PASS;
  return matched_weak ? HALL_IF_MATCH_WEAK : HALL_IF_MATCH_FAIL;
}
