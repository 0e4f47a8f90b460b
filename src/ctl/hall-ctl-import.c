/* hall-ctl-import.c — service-hall-ctl import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "hall-ctl.h"
#include "hall-error.h"
#include "hall-json-strict.h"
#include "hall-sqlite.h"

/* Checks a line's "checklist" against the service's documents; NULL with
 * *field_out set when it is wrong. */
static JsonArray *
read_checklist (JsonNode     *node,
                HallService  *service,
                char        **field_out,
                GError      **error)
{
  g_autoptr (JsonArray) checklist = json_array_new ();
  JsonArray *given;
  guint i, j;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      *field_out = g_strdup ("checklist");
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("the checklist must be a list of {\"id\", \"provided\"}"));
      return NULL;
    }
  given = json_node_get_array (node);

  for (i = 0; i < json_array_get_length (given); i++)
    {
      JsonNode *element = json_array_get_element (given, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *id = item != NULL ? json_object_get_string_member_with_default (item, "id", NULL)
                                    : NULL;
      JsonNode *provided = item != NULL ? json_object_get_member (item, "provided") : NULL;
      JsonObject *copy;
      gboolean known = FALSE;

      if (id == NULL)
        {
          *field_out = g_strdup_printf ("checklist[%u].id", i);
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                       _("each checklist item needs the “id” of a document"));
          return NULL;
        }
      for (j = 0; j < hall_service_get_n_documents (service); j++)
        known |= g_strcmp0 (hall_service_get_document (service, j)->id, id) == 0;
      if (!known)
        {
          *field_out = g_strdup_printf ("checklist[%u].id", i);
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("“%s” is not a document that service “%s” asks for"), id,
                       hall_service_get_id (service));
          return NULL;
        }
      if (provided != NULL && !(JSON_NODE_HOLDS_VALUE (provided)
                                && json_node_get_value_type (provided) == G_TYPE_BOOLEAN))
        {
          *field_out = g_strdup_printf ("checklist[%u].provided", i);
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("“provided” must be true or false"));
          return NULL;
        }

      copy = json_object_new ();
      json_object_set_string_member (copy, "id", id);
      json_object_set_boolean_member (copy, "provided",
                                      provided != NULL && json_node_get_boolean (provided));
      json_array_add_object_element (checklist, copy);
    }
  return g_steal_pointer (&checklist);
}

static JsonArray *
default_checklist (HallService *service)
{
  JsonArray *checklist = json_array_new ();
  guint i;

  for (i = 0; i < hall_service_get_n_documents (service); i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id", hall_service_get_document (service, i)->id);
      json_object_set_boolean_member (item, "provided", FALSE);
      json_array_add_object_element (checklist, item);
    }
  return checklist;
}

/* One line to one case. On a problem with the line, returns NULL with the
 * JSON name of the field at fault in *field_out (may stay NULL); a failure
 * of the store itself is told apart by its error domain. */
static char *
import_line (HallCtl     *ctl,
             const char  *line,
             char       **field_out,
             GError     **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallApplicant) existing = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (JsonArray) checklist = NULL;
  g_autoptr (GError) parse_error = NULL;
  JsonObject *object;
  JsonNode *applicant_node;
  JsonNode *checklist_node;
  HallService *service;
  const char *service_id;
  const char *field = NULL;
  const char *kind;

  /* The same strict reading as the server's: a \u0000 would cut a name
   * short, and of a member given twice json-glib would keep the last. (A raw NUL
   * byte never gets here: the line would not be UTF-8.) */
  root = hall_json_parse_strict (line, strlen (line), 16, field_out, &parse_error);
  if (root == NULL)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("not valid JSON: %s"), parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("each line must be one JSON object {\"service\", \"applicant\"}"));
      return NULL;
    }
  object = json_node_get_object (root);

  service_id = json_object_get_string_member_with_default (object, "service", NULL);
  if (service_id == NULL || *service_id == '\0')
    {
      *field_out = g_strdup ("service");
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                   _("the service is missing"));
      return NULL;
    }
  service = hall_catalog_lookup (ctl->catalog, service_id);
  if (service == NULL)
    {
      *field_out = g_strdup ("service");
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("unknown service “%s”: it is not in the hall's catalog"), service_id);
      return NULL;
    }

  applicant_node = json_object_get_member (object, "applicant");
  if (applicant_node == NULL || !JSON_NODE_HOLDS_OBJECT (applicant_node))
    {
      *field_out = g_strdup ("applicant");
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                   _("the applicant is missing"));
      return NULL;
    }
  applicant = hall_applicant_new_from_json (applicant_node, &field, error);
  if (applicant == NULL || !hall_applicant_validate (applicant, &field, error))
    {
      if (field != NULL)
        *field_out = g_strdup_printf ("applicant.%s", field);
      return NULL;
    }

  kind = hall_service_get_applicant_kind (service);
  if ((g_strcmp0 (kind, "person") == 0
       && hall_applicant_get_kind (applicant) != HALL_APPLICANT_PERSON)
      || (g_strcmp0 (kind, "business") == 0
          && hall_applicant_get_kind (applicant) != HALL_APPLICANT_BUSINESS))
    {
      *field_out = g_strdup ("applicant.kind");
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   g_strcmp0 (kind, "person") == 0
                   ? _("service “%s” is for persons, not businesses")
                   : _("service “%s” is for businesses, not persons"),
                   service_id);
      return NULL;
    }

  checklist_node = json_object_get_member (object, "checklist");
  if (checklist_node != NULL && !JSON_NODE_HOLDS_NULL (checklist_node))
    {
      checklist = read_checklist (checklist_node, service, field_out, error);
      if (checklist == NULL)
        return NULL;
    }
  else
    checklist = default_checklist (service);

  /* One person, one applicant record, however many cases they open: the
   * one that holds the identity document (the store refuses a second). */
  existing = hall_store_find_applicant_by_identity (ctl->store, applicant, error);
  if (existing == NULL && error != NULL && *error != NULL)
    return NULL;

  kase = hall_case_new ();
  hall_case_set_service_id (kase, service_id);
  hall_case_set_checklist (kase, checklist);
  if (!hall_store_create_case (ctl->store, existing != NULL ? existing : applicant, service, kase,
                               error))
    return NULL;
  return g_strdup (hall_case_get_number (kase));
}

int
hall_ctl_import (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) file_stream = NULL;
  g_autoptr (GDataInputStream) stream = NULL;
  const char *path;
  guint line_number = 0;
  guint bad = 0;
  guint created = 0;
  int exit_code = EX_OK;

  context = g_option_context_new (_("FILE.jsonl — open cases from a file, offline"));
  g_option_context_set_summary (context,
                                _("Each line is one case: {\"service\": ID, \"applicant\": "
                                  "{…}, \"checklist\": [{\"id\", \"provided\"}]}\n"
                                  "(checklist optional; the applicant in the wire format). An "
                                  "applicant whose\ndocument number is already known is "
                                  "reused. Prints “LINE<TAB>CASE-NUMBER” for\neach case opened; "
                                  "bad lines are reported on stderr as\n“FILE:LINE: what is "
                                  "wrong (field X)” and skipped. Empty lines are skipped.\n\n"
                                  "Exit status: 0 every line was good; 65 some lines were bad "
                                  "(the good ones are\nsaved); 66 the file cannot be read; "
                                  "74 the profile cannot be written."));
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      g_printerr (_("service-hall-ctl import: give exactly one FILE.jsonl\n"));
      return EX_USAGE;
    }
  path = argv[1];

  if (hall_ctl_get_store (ctl, &error) == NULL)
    return hall_ctl_fail ("import", error);

  file = g_file_new_for_commandline_arg (path);
  file_stream = g_file_read (file, NULL, &error);
  if (file_stream == NULL)
    return hall_ctl_fail ("import", error);
  stream = g_data_input_stream_new (G_INPUT_STREAM (file_stream));
  g_data_input_stream_set_newline_type (stream, G_DATA_STREAM_NEWLINE_TYPE_ANY);

  for (;;)
    {
      g_autofree char *line = NULL;
      g_autofree char *field = NULL;
      g_autofree char *number = NULL;
      g_autoptr (GError) line_error = NULL;
      gsize length;

      line = g_data_input_stream_read_line_utf8 (stream, &length, NULL, &line_error);
      if (line == NULL && line_error == NULL)
        break;
      line_number++;
      if (line_error != NULL)
        {
          /* Not UTF-8: this line is skipped, the reading goes on. */
          g_printerr ("%s:%u: %s\n", path, line_number, line_error->message);
          bad++;
          if (!g_error_matches (line_error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE))
            break;
          continue;
        }
      g_strstrip (line);
      if (*line == '\0')
        continue;

      /* Spreadsheet programs start their UTF-8 exports with a byte order mark. */
      number = import_line (ctl,
                            line_number == 1 && g_str_has_prefix (line, "\xEF\xBB\xBF") ? line + 3
                                                                                   : line,
                            &field, &line_error);
      if (number == NULL)
        {
          /* The profile, not the line, is at fault: stop. */
          if (line_error->domain == HALL_STORE_ERROR || line_error->domain == HALL_DATABASE_ERROR)
            {
              g_printerr ("%s:%u: %s\n", path, line_number, line_error->message);
              return hall_ctl_exit_code (line_error);
            }
          if (field != NULL)
            g_printerr (_("%s:%u: %s (field %s)\n"), path, line_number, line_error->message, field);
          else
            g_printerr ("%s:%u: %s\n", path, line_number, line_error->message);
          bad++;
          continue;
        }
      g_print ("%u\t%s\n", line_number, number);
      created++;
    }

  g_debug ("import: %u cases, %u bad lines", created, bad);
  return bad > 0 ? EX_DATAERR : EX_OK;
}
