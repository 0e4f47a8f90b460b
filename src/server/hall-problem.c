/* hall-problem.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include <glib/gi18n.h>

#include "hall-problem.h"
#include "hall-sqlite.h"

static HallProblem *
problem_new_valist (guint       status,
                    const char *field,
                    const char *detail_format,
                    va_list     args) G_GNUC_PRINTF (3, 0);

static HallProblem *
problem_new_valist (guint       status,
                    const char *field,
                    const char *detail_format,
                    va_list     args)
{
  HallProblem *self = g_new0 (HallProblem, 1);

  self->status = status;
  self->field = g_strdup (field);
  self->detail = g_strdup_vprintf (detail_format, args);
  return self;
}

HallProblem *
hall_problem_new (guint       status,
                  const char *field,
                  const char *detail_format,
                  ...)
{
  HallProblem *self;
  va_list args;

  va_start (args, detail_format);
  self = problem_new_valist (status, field, detail_format, args);
  va_end (args);
  return self;
}

HallProblem *
hall_problem_new_from_error (guint         status,
                             const char   *field,
                             const GError *error)
{
  return hall_problem_new (status, field, "%s", error->message);
}

void
hall_problem_set_current (HallProblem *self,
                          JsonNode    *current)
{
  g_clear_pointer (&self->current, json_node_unref);
  self->current = current ? json_node_ref (current) : NULL;
}

void
hall_problem_free (HallProblem *self)
{
  if (self == NULL)
    return;
  g_free (self->detail);
  g_free (self->field);
  g_free (self->allow);
  g_free (self->existing);
  g_clear_pointer (&self->current, json_node_unref);
  g_free (self);
}

const char *
hall_problem_get_title (guint status)
{
  switch (status)
    {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return status >= 500 ? "Server Error" : "Client Error";
    }
}

char *
hall_problem_to_string (HallProblem *self,
                        gsize       *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "about:blank");
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, hall_problem_get_title (self->status));
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, self->status);
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, self->detail);
  if (self->field != NULL)
    {
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, self->field);
    }
  if (self->existing != NULL)
    {
      json_builder_set_member_name (builder, "existing");
      json_builder_add_string_value (builder, self->existing);
    }
  if (self->current != NULL)
    {
      json_builder_set_member_name (builder, "current");
      json_builder_add_value (builder, json_node_copy (self->current));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, length);
}

HallServerResponse *
hall_problem_to_response (HallProblem *self)
{
  gsize length;
  char *data = hall_problem_to_string (self, &length);
  HallServerResponse *response = hall_server_response_new_take (self->status,
                                                                "application/problem+json",
                                                                data, length);

  response->allow = g_strdup (self->allow);
  return response;
}

HallServerResponse *
hall_problem_response (guint       status,
                       const char *field,
                       const char *detail_format,
                       ...)
{
  g_autoptr(HallProblem) problem = NULL;
  va_list args;

  va_start (args, detail_format);
  problem = problem_new_valist (status, field, detail_format, args);
  va_end (args);
  return hall_problem_to_response (problem);
}

/* 503 with Retry-After: a client's retry will do. */
static HallServerResponse *
retry_later (const char *detail)
{
  HallServerResponse *response = hall_problem_response (503, NULL, "%s", detail);

  response->retry_after = 5;
  return response;
}

HallServerResponse *
hall_problem_response_internal (const GError *error)
{
  guint32 reference = g_random_int ();

  /* The database went away (PostgreSQL restarting, its network down): a
   * client's retry will do, once it is back; the storage connects again
   * by itself. */
  if (g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN))
    {
      g_warning ("The database cannot be reached: %s", error->message);
      return retry_later (_("The database cannot be reached; try again in a few seconds"));
    }
  /* A newer server migrated the database (hall_server_storage_is_outdated
   * ()): the newer servers behind the balancer take the client's retry. */
  if (g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OUTDATED))
    return retry_later (_("This server is older than its database, which a newer server has "
                          "migrated; try again in a few seconds"));
  g_warning ("Internal error %08x: %s", reference, error->message);
  return hall_problem_response (500, NULL,
                                _("The server could not do this; its log has the details "
                                  "under reference %08x"),
                                reference);
}
