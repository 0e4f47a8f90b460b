/* hall-problem.h — RFC 7807 problem details, the body of every error, and
 * the one place that makes the answers that carry them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-server-response.h"

G_BEGIN_DECLS

/* {"type": "about:blank", "title", "status", "detail", "field"}, for a
 * 412 the server's entity as "current", and for a 409 of an identity
 * document the uuid of the applicant that holds it as "existing". */
typedef struct
{
  guint     status;
  char     *detail;
  char     *field;    /* JSON name of the field at fault, or NULL */
  JsonNode *current;  /* the server's entity, for 412 */
  char     *allow;    /* the methods of the path, for 405: "GET, HEAD, PUT" */
  char     *existing; /* the applicant that holds the identity document, for 409 */
} HallProblem;

/* (transfer full) */
HallProblem *hall_problem_new            (guint          status,
                                          const char    *field,
                                          const char    *detail_format,
                                          ...) G_GNUC_PRINTF (3, 4);
/* (transfer full): takes the message of @error as the detail. */
HallProblem *hall_problem_new_from_error (guint          status,
                                          const char    *field,
                                          const GError  *error);
/* Keeps a reference to @current (transfer none). */
void         hall_problem_set_current    (HallProblem   *self,
                                          JsonNode      *current);
void         hall_problem_free           (HallProblem   *self);

/* (transfer none): the reason phrase of @status, as about:blank problems
 * use for "title". */
const char  *hall_problem_get_title      (guint          status);
/* (transfer full): the JSON text; @length (nullable) receives its length. */
char        *hall_problem_to_string      (HallProblem   *self,
                                          gsize         *length);

/* (transfer full): the application/problem+json answer of @self. */
HallServerResponse *hall_problem_to_response       (HallProblem   *self);
/* (transfer full): the answer of hall_problem_new (@status, @field, …). */
HallServerResponse *hall_problem_response          (guint          status,
                                                    const char    *field,
                                                    const char    *detail_format,
                                                    ...) G_GNUC_PRINTF (3, 4);
/* (transfer full): a 500 whose answer names only a reference; @error goes
 * to the log under it, since it may say more of the server (database
 * paths, SQL) than whoever sent the request should see. */
HallServerResponse *hall_problem_response_internal (const GError  *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallProblem, hall_problem_free)

G_END_DECLS
