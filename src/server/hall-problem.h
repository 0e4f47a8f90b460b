/* hall-problem.h — RFC 7807 problem details, the body of every error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* {"type": "about:blank", "title", "status", "detail", "field"}, and for a
 * 412 the server's entity as "current". */
typedef struct
{
  guint     status;
  char     *detail;
  char     *field;    /* JSON name of the field at fault, or NULL */
  JsonNode *current;  /* the server's entity, for 412 */
} HallProblem;

HallProblem *hall_problem_new            (guint          status,
                                          const char    *field,
                                          const char    *detail_format,
                                          ...) G_GNUC_PRINTF (3, 4);
/* Takes the message of @error as the detail. */
HallProblem *hall_problem_new_from_error (guint          status,
                                          const char    *field,
                                          const GError  *error);
void         hall_problem_set_current    (HallProblem   *self,
                                          JsonNode      *current);
void         hall_problem_free           (HallProblem   *self);

/* The reason phrase of @status, as about:blank problems use for "title". */
const char  *hall_problem_get_title      (guint          status);
char        *hall_problem_to_string      (HallProblem   *self,
                                          gsize         *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallProblem, hall_problem_free)

G_END_DECLS
