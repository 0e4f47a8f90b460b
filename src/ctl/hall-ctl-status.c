/* hall-ctl-status.c — service-hall-ctl status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-ctl.h"
#include "hall-http-client.h"
#include "hall-json.h"

#define PROBE_CONNECT_TIMEOUT 3

/* Whether the server answers at all (any HTTP status counts): the same
 * truth the engine goes by. */
static gboolean
probe (HallCtl    *ctl,
       const char *server_url)
{
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *url = g_strconcat (server_url, "/v1/health", NULL);

  hall_http_client_set_connect_timeout (client, ctl->connect_timeout > 0
                                                ? (guint) ctl->connect_timeout
                                                : PROBE_CONNECT_TIMEOUT);
  hall_http_client_set_low_speed (client, 1, PROBE_CONNECT_TIMEOUT);
  if (ctl->ca_file != NULL)
    hall_http_client_set_ca_file (client, ctl->ca_file);
  if (ctl->pinned_key != NULL)
    hall_http_client_set_pinned_public_key (client, ctl->pinned_key);

  hall_http_client_send_async (client, "GET", url, NULL, NULL, NULL, hall_ctl_store_result,
                               &result);
  hall_ctl_wait (&result);
  response = hall_http_client_send_finish (client, result, NULL);
  return response != NULL;
}

int
hall_ctl_status (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  gboolean as_json = FALSE;
  gboolean no_probe = FALSE;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *last_sync_text = NULL;
  g_autofree char *last_sync = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *server = NULL;
  HallStore *store;
  guint pending;
  gint64 seconds;
  int online = -1;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &as_json, N_("Print one JSON object"), NULL },
    { "no-probe", 0, 0, G_OPTION_ARG_NONE, &no_probe,
      N_("Do not ask the server whether it answers (online is then unknown)"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— what waits to be sent, and when sync last ran"));
  g_option_context_set_summary (context,
                                _("Prints the changes waiting in the outbox, the time of the "
                                  "last complete sync,\nthe change-feed cursor, the server, and "
                                  "whether it answers now.\nWith --json: {\"pending\": N, "
                                  "\"last_sync\": \"ISO 8601\" or null, \"cursor\",\n"
                                  "\"server\", \"online\": true, false or null (no server, "
                                  "or --no-probe)}."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    {
      g_printerr (_("service-hall-ctl status: unexpected argument “%s”\n"), argv[1]);
      return EX_USAGE;
    }

  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("status", error);

  pending = hall_store_count_outbox (store);
  last_sync_text = hall_store_get_meta (store, "last_sync");
  if (last_sync_text != NULL
      && g_ascii_string_to_signed (last_sync_text, 10, 1, G_MAXINT64, &seconds, NULL))
    last_sync = hall_timestamp_to_iso8601 (seconds);
  cursor = hall_store_get_meta (store, "cursor");
  server = g_strdup (ctl->server_url);
  if (server == NULL)
    server = hall_store_get_meta (store, "server_url");
  if (server != NULL && *server == '\0')
    g_clear_pointer (&server, g_free);
  if (server != NULL && !no_probe)
    online = probe (ctl, server) ? 1 : 0;

  if (as_json)
    {
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "pending");
      json_builder_add_int_value (builder, pending);
      json_builder_set_member_name (builder, "last_sync");
      if (last_sync != NULL)
        json_builder_add_string_value (builder, last_sync);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "cursor");
      if (cursor != NULL)
        json_builder_add_string_value (builder, cursor);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "server");
      if (server != NULL)
        json_builder_add_string_value (builder, server);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "online");
      if (online >= 0)
        json_builder_add_boolean_value (builder, online);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      return EX_OK;
    }

  g_print (_("pending: %u\n"), pending);
  g_print (_("last sync: %s\n"), last_sync != NULL ? last_sync : _("never"));
  g_print (_("cursor: %s\n"), cursor != NULL ? cursor : _("none (nothing pulled yet)"));
  g_print (_("server: %s\n"), server != NULL ? server : _("none (run login)"));
  g_print (_("online: %s\n"), online > 0 ? _("yes") : online == 0 ? _("no") : _("unknown"));
  return EX_OK;
}
