/* fuzz-server-request.c — libFuzzer target for what the server makes of a
 * request: route, then body into a validated entity or a problem
 *
 * Input: "METHOD PATH\n" followed by the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-server-request.h"

int LLVMFuzzerInitialize   (int          *argc,
                            char       ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* A warning or critical on bad input is a bug too: make it a crash the
 * fuzzer reports. */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

/* Whether @body escapes U+0000 anywhere, read independently of the
 * checker under test: a backslash that is not itself escaped, then u0000. */
static gboolean
escapes_nul (const char *body,
             gsize       length)
{
  gsize backslashes = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (body[i] == '\\')
        {
          backslashes++;
          continue;
        }
      if (backslashes % 2 == 1 && body[i] == 'u' && i + 5 <= length
          && g_ascii_strncasecmp (body + i + 1, "0000", 4) == 0)
        return TRUE;
      backslashes = 0;
    }
  return FALSE;
}

static void
check_problem (HallProblem *problem)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (problem);
  g_assert_cmpuint (problem->status, >=, 400);
  g_assert_cmpuint (problem->status, <, 500);
  text = hall_problem_to_string (problem, NULL);
  g_assert_nonnull (text);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *line = NULL;
  g_autofree char *id = NULL;
  g_autoptr(HallProblem) problem = NULL;
  g_autoptr(JsonNode) entity = NULL;
  const guint8 *newline = memchr (data, '\n', size);
  const char *body;
  gsize body_length;
  char *space;
  HallMethod method;
  HallRoute route;

  if (newline == NULL)
    return 0;
  line = g_strndup ((const char *) data, newline - data);
  body = (const char *) newline + 1;
  body_length = size - (newline + 1 - data);
  space = strchr (line, ' ');
  if (space == NULL)
    return 0;
  *space = '\0';

  if (!hall_server_route (line, space + 1, &method, &route, &id, &problem))
    {
      check_problem (problem);
      return 0;
    }

  switch (route)
    {
    case HALL_ROUTE_APPLICANT:
    case HALL_ROUTE_CASE:
    case HALL_ROUTE_CASE_EVENTS:
    case HALL_ROUTE_APPLICANT_PHONE:
      entity = hall_server_parse_entity (route, id, body, body_length, &problem);
      if (entity == NULL)
        check_problem (problem);
      else
        {
          g_autoptr(JsonGenerator) generator = json_generator_new ();
          g_autofree char *text = NULL;

          /* No string was cut short on its way in: text that escapes a
           * NUL is never taken. */
          g_assert_false (escapes_nul (body, body_length));
          g_assert_true (JSON_NODE_HOLDS_OBJECT (entity));
          g_assert_cmpstr (hall_json_get_string (json_node_get_object (entity), "uuid"), !=, NULL);
          json_generator_set_root (generator, entity);
          text = json_generator_to_data (generator, NULL);
        }
      break;
    case HALL_ROUTE_SESSIONS:
      {
        g_autofree char *username = NULL;
        g_autofree char *password = NULL;

        if (!hall_server_parse_session (body, body_length, &username, &password, &problem))
          check_problem (problem);
        else
          {
            g_assert_true (username != NULL && password != NULL);
            g_assert_false (escapes_nul (body, body_length));
          }
      }
      break;
    case HALL_ROUTE_NONE:
    case HALL_ROUTE_HEALTH:
    case HALL_ROUTE_CHANGES:
    case HALL_ROUTE_CATALOG:
    case HALL_ROUTE_BLOB:
    default:
      break;
    }
  return 0;
}
