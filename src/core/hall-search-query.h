/* hall-search-query.h — what an official typed in the search box, and
 * which index answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The ways a query can be read. Ambiguous input gets several, and the store
 * merges their results: "1381234" is a phone prefix, while "1301" is both a
 * mobile prefix and the start of a Hebei resident ID. */
typedef enum
{
  HALL_SEARCH_NONE            = 0,
  HALL_SEARCH_DOCUMENT        = 1 << 0, /* a whole resident ID: exact */
  HALL_SEARCH_DOCUMENT_PREFIX = 1 << 1, /* the start of any document number */
  HALL_SEARCH_PHONE_PREFIX    = 1 << 2,
  HALL_SEARCH_CASE_NUMBER     = 1 << 3, /* the start of a case number "YC-2026-…" */
  HALL_SEARCH_CASE_SEQ        = 1 << 4, /* the tail of a case number "000123" */
  HALL_SEARCH_NAME_PREFIX     = 1 << 5, /* one or two letters of a name: its start */
  HALL_SEARCH_NAME_BIGRAM     = 1 << 6, /* two Chinese characters anywhere in a name */
  HALL_SEARCH_SUBSTRING       = 1 << 7, /* three or more characters anywhere */
} HallSearchKind;

typedef struct
{
  HallSearchKind  kinds;
  /* Trimmed, full-width forms turned into ASCII; for numbers also without
   * spaces and upper-cased. What the index lookups use. */
  char           *text;
  /* For HALL_SEARCH_CASE_SEQ. */
  gint64          seq;
  /* For HALL_SEARCH_CASE_SEQ read out with its counter, "C03-000123":
   * "C03"; else NULL, any counter's. */
  char           *counter;
} HallSearchQuery;

/* (transfer full): how @text is to be read; kinds HALL_SEARCH_NONE when it
 * is blank. */
HallSearchQuery *hall_search_query_new        (const char      *text);
void             hall_search_query_free       (HallSearchQuery *query);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSearchQuery, hall_search_query_free)

/* (transfer full): a name's Chinese character bigrams, for the unicode61
 * bigram index: "张伟明" -> "张伟 伟明"; "" when there are none. */
char            *hall_search_name_bigrams     (const char      *name);

/* (transfer full): @text as one FTS5 phrase, "…" with inner double quotes
 * doubled, so that nothing the official types is read as MATCH syntax. */
char            *hall_search_fts_phrase       (const char      *text);

/* (transfer full): the smallest string greater than every string that
 * starts with @prefix, for `col >= prefix AND col < end` range scans on a
 * B-tree index. */
char            *hall_search_prefix_end       (const char      *prefix);

G_END_DECLS
