/* hall-sync-audit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-test"

#include "hall-http-client.h"
#include "hall-store-pages.h"
#include "hall-store-signing.h"
#include "hall-sync-audit.h"
#include "hall-test-server.h"

typedef struct
{
  HallHttpClient *client;
  const char     *url;
  char           *authorization;
} Server;

static JsonNode *
get_json (Server     *server,
          const char *path,
          guint      *status_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *full = g_strconcat (server->url, path, NULL);
  const char *headers[] = { server->authorization, "Accept: application/json", NULL };
  gsize size;
  const char *data;

  response = hall_http_client_send (server->client, "GET", full, headers, NULL, NULL, &error);
  g_assert_no_error (error);
  *status_out = response->status;
  data = g_bytes_get_data (response->body, &size);
  if (response->status != 200)
    return NULL;
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

/* The case an event of the feed belongs to. */
static const char *
event_case (JsonObject *data)
{
  const char *uuid = json_object_get_string_member_with_default (data, "case", NULL);

  if (uuid == NULL)
    uuid = json_object_get_string_member_with_default (data, "case_uuid", NULL);
  return uuid;
}

/* The pages of the case @uuid: each in the feed with the store's SHA-256,
 * and the server's blob of that name holding exactly those bytes. Returns
 * how many. */
static guint
assert_pages (Server     *server,
              HallStore  *store,
              const char *uuid,
              GHashTable *feed_pages)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pages = hall_store_list_case_pages (store, uuid, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      g_autofree char *full = g_strconcat (server->url, "/v1/blobs/", page->sha256, NULL);
      const char *headers[] = { server->authorization, NULL };
      g_autoptr (HallHttpResponse) response = NULL;
      g_autofree char *hash = NULL;

      if (!g_hash_table_contains (feed_pages, page->uuid))
        g_error ("page %s of case %s is not on the server", page->uuid, uuid);
      g_assert_cmpstr (g_hash_table_lookup (feed_pages, page->uuid), ==, page->sha256);
      /* A page pulled from another counter has no file here to upload. */
      if (hall_store_has_page_file (store, page->sha256))
        g_assert_true (page->uploaded);
      response = hall_http_client_send (server->client, "GET", full, headers, NULL, NULL,
                                        &error);
      g_assert_no_error (error);
      g_assert_cmpuint (response->status, ==, 200);
      hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, response->body);
      g_assert_cmpstr (hash, ==, page->sha256);
    }
  return pages->len;
}

void
hall_sync_audit_assert (HallStore     *store,
                        const char    *server_url,
                        const char    *server_db,
                        HallSyncAudit *audit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallHttpClient) client = hall_http_client_new ();
  g_autofree char *token = hall_store_get_meta (store, "token");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* uuid -> highest version in the feed */
  g_autoptr (GHashTable) feed_cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) feed_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) feed_applicants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                  NULL);
  /* case uuid -> the license's payload in the feed */
  g_autoptr (GHashTable) feed_licenses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                                g_free);
  /* page uuid -> its SHA-256 in the feed, at its highest version */
  g_autoptr (GHashTable) feed_pages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             g_free);
  /* case uuid -> state events in the feed */
  g_autoptr (GHashTable) state_events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               NULL);
  g_autoptr (GPtrArray) cases = NULL;
  g_autofree char *cursor = NULL;
  Server server = { client, server_url, NULL };
  HallSyncAudit counts = { 0 };
  gboolean more = TRUE;
  guint n_cases, n_licenses = 0, n_pages = 0, i, j;

  g_assert_nonnull (token);
  server.authorization = g_strdup_printf ("Authorization: Bearer %s", token);

  g_assert_cmpuint (hall_store_count_outbox (store), ==, 0);

  /* The feed from its start. */
  while (more)
    {
      g_autofree char *path = NULL;
      g_autoptr (JsonNode) root = NULL;
      JsonObject *page;
      JsonArray *changes;
      JsonNode *next;
      guint status;

      if (cursor == NULL)
        path = g_strdup ("/v1/changes?limit=5000");
      else
        {
          g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

          path = g_strdup_printf ("/v1/changes?limit=5000&since=%s", escaped);
        }
      root = get_json (&server, path, &status);
      g_assert_cmpuint (status, ==, 200);
      page = json_node_get_object (root);
      changes = json_object_get_array_member (page, "changes");
      for (i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          const char *entity = json_object_get_string_member (change, "entity");
          const char *uuid = json_object_get_string_member (change, "uuid");
          gint64 version = json_object_get_int_member (change, "version");
          JsonObject *data = json_object_get_object_member (change, "data");
          char *key = g_strdup_printf ("%s %s %" G_GINT64_FORMAT, entity, uuid, version);

          if (!g_hash_table_add (seen, key))
            g_error ("the change feed names %s twice", key);
          counts.changes++;

          if (g_str_equal (entity, "case"))
            {
              gint64 highest = GPOINTER_TO_SIZE (g_hash_table_lookup (feed_cases, uuid));

              g_hash_table_insert (feed_cases, g_strdup (uuid),
                                   GSIZE_TO_POINTER ((gsize) MAX (highest, version)));
            }
          else if (g_str_equal (entity, "event"))
            {
              const char *kase = event_case (data);
              const char *kind = json_object_get_string_member_with_default (data, "kind",
                                                                             NULL);

              g_assert_true (g_hash_table_insert (feed_events, g_strdup (uuid), NULL));
              g_assert_nonnull (kase);

              /* State events, decisions and documents provided each make a
               * new case version (a counter names a document's slot only
               * when it was missing). */
              if (g_strcmp0 (kind, "state") == 0 || g_strcmp0 (kind, "decision") == 0
                  || (g_strcmp0 (kind, "document") == 0 && json_object_has_member (data, "slot")))
                g_hash_table_insert (state_events, g_strdup (kase),
                                     GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (state_events, kase)) + 1));
            }
          else if (g_str_equal (entity, "applicant"))
            g_hash_table_add (feed_applicants, g_strdup (uuid));
          else if (g_str_equal (entity, "license"))
            {
              const char *payload = json_object_get_string_member_with_default (data, "payload",
                                                                                NULL);

              g_assert_nonnull (payload);
              g_assert_cmpstr (json_object_get_string_member_with_default (data, "case", NULL),
                               ==, uuid);
              if (!g_hash_table_insert (feed_licenses, g_strdup (uuid), g_strdup (payload)))
                g_error ("the change feed has two licenses of case %s", uuid);
            }
          else if (g_str_equal (entity, "page"))
            {
              const char *sha256 = json_object_get_string_member_with_default (data, "sha256",
                                                                               NULL);

              g_assert_nonnull (sha256);
              g_assert_nonnull (json_object_get_string_member_with_default (data, "case", NULL));
              /* A turned or rescanned page is a later version of itself. */
              g_hash_table_insert (feed_pages, g_strdup (uuid), g_strdup (sha256));
            }
          else
            g_error ("the change feed names an unknown entity “%s”", entity);
        }
      next = json_object_get_member (page, "next");
      g_free (cursor);
      cursor = json_node_get_value_type (next) == G_TYPE_STRING
               ? g_strdup (json_node_get_string (next))
               : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));
      more = json_object_get_boolean_member (page, "more");
    }
  counts.cases = g_hash_table_size (feed_cases);
  counts.events = g_hash_table_size (feed_events);
  counts.applicants = g_hash_table_size (feed_applicants);
  counts.licenses = g_hash_table_size (feed_licenses);
  counts.pages = g_hash_table_size (feed_pages);

  /* The store's cases, one by one, against the feed and the server. */
  n_cases = hall_store_count_cases (store);
  cases = hall_store_fetch_cases (store, 0, n_cases, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, n_cases);
  g_assert_cmpuint (n_cases, ==, counts.cases);

  for (i = 0; i < cases->len; i++)
    {
      HallCase *kase = g_ptr_array_index (cases, i);
      const char *uuid = hall_case_get_uuid (kase);
      g_autofree char *path = g_strconcat ("/v1/cases/", uuid, NULL);
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GPtrArray) events = NULL;
      g_autoptr (HallCase) local = NULL;
      JsonObject *remote;
      gint64 expected;
      guint status;

      if (!g_hash_table_contains (feed_cases, uuid))
        g_error ("case %s (%s) is not on the server", hall_case_get_number (kase), uuid);
      /* The list may be a summary: the full row for the sync state. */
      local = hall_store_get_case (store, uuid, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hall_case_get_sync_error (local), ==, NULL);
      g_assert_cmpint (hall_case_get_sync_state (local), ==, HALL_SYNC_SYNCED);
      g_assert_true (g_hash_table_contains (feed_applicants, hall_case_get_applicant_uuid (local)));

      events = hall_store_list_case_events (store, uuid, &error);
      g_assert_no_error (error);
      for (j = 0; j < events->len; j++)
        {
          const char *event_uuid = hall_case_event_get_uuid (g_ptr_array_index (events, j));

          if (!g_hash_table_contains (feed_events, event_uuid))
            g_error ("event %s of case %s is not on the server", event_uuid, uuid);
        }

      {
        g_autofree char *license = hall_store_get_license (store, uuid, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (g_hash_table_lookup (feed_licenses, uuid), ==, license);
        if (license != NULL)
          n_licenses++;
      }

      n_pages += assert_pages (&server, store, uuid, feed_pages);

      root = get_json (&server, path, &status);
      g_assert_cmpuint (status, ==, 200);
      remote = json_node_get_object (root);
      expected = 1 + GPOINTER_TO_UINT (g_hash_table_lookup (state_events, uuid));
      g_assert_cmpstr (json_object_get_string_member (remote, "number"), ==,
                       hall_case_get_number (local));
      g_assert_cmpstr (json_object_get_string_member (remote, "state"), ==,
                       hall_case_state_to_string (hall_case_get_state (local)));
      g_assert_cmpint (json_object_get_int_member (remote, "version"), ==, expected);
      g_assert_cmpint ((gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (feed_cases, uuid)), ==,
                       expected);
      g_assert_cmpint (hall_case_get_version (local), ==, expected);
    }

  g_assert_cmpuint (n_licenses, ==, counts.licenses);
  g_assert_cmpuint (n_pages, ==, counts.pages);

  hall_test_assert_integrity (hall_store_get_path (store));
  if (server_db != NULL)
    hall_test_assert_integrity (server_db);

  g_free (server.authorization);
  if (audit != NULL)
    *audit = counts;
}
