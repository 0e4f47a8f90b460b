/* hall-if-match.h — the If-Match precondition of RFC 9110 §13.1.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  HALL_IF_MATCH_PASS,      /* the write may go on */
  HALL_IF_MATCH_FAIL,      /* 412: no tag names the current version */
  HALL_IF_MATCH_WEAK,      /* 412: only a weak tag names it, and weak tags
                            * never match for a write (strong comparison) */
  HALL_IF_MATCH_MALFORMED, /* 400: not "*" nor a list of entity tags */
} HallIfMatch;

/* Whether an If-Match of @header lets a write of an entity whose current
 * version is @version (0: the server has none) go on. "*" passes when the
 * entity exists; a list passes when one of its strong tags is the current
 * ETag ("3"). */
HallIfMatch hall_if_match_evaluate (const char *header,
                                    gint64      version);

G_END_DECLS
