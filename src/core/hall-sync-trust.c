/* hall-sync-trust.c — pulling what the hall trusts: its public key, the
 * officials' certificates and the revocation list (GET /v1/trust)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-json.h"
#include "hall-store-signing.h"
#include "hall-sync-engine-private.h"

/* The hall's key is taken from the server the first time (or set by hand
 * with service-hall-ctl hall-key trust); a server that later says another
 * key is not believed: every signature this counter made or checked hangs
 * on it. Certificates are kept only when that key made them. */
gboolean
_hall_sync_pull_trust (HallSyncWorker  *worker,
                       GError         **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) certificates = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_certificate_free);
  g_autoptr (HallRevocationList) revocations = NULL;
  g_autoptr (GError) local_error = NULL;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  guint8 known[HALL_PUBLIC_KEY_BYTES];
  JsonObject *object;
  JsonArray *array;
  const char *key_text;
  guint i;

  response = _hall_sync_send_authorized (worker, "GET", "/v1/trust", NULL, NULL, error);
  if (response == NULL)
    return FALSE;
  /* A server from before signatures: nothing to pull. */
  if (response->status == 404)
    return TRUE;
  if (response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return FALSE;
    }
  if (response->status != 200)
    {
      g_autofree char *problem = _hall_sync_describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server refused to say what the hall trusts: %s"), problem);
      return FALSE;
    }
  root = hall_http_response_parse_json (response, 16);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                           _("the server’s list of what the hall trusts is not a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (root);
  key_text = json_object_get_string_member_with_default (object, "hall_public_key", NULL);
  if (key_text == NULL)
    return TRUE; /* the server has no hall key yet */
  if (!hall_public_key_from_base64 (key_text, hall_key, error))
    return FALSE;
  if (hall_store_get_hall_public_key (worker->store, known, &local_error)
      && memcmp (known, hall_key, HALL_PUBLIC_KEY_BYTES) != 0)
    {
      g_autofree char *ours = hall_public_key_fingerprint (known);
      g_autofree char *theirs = hall_public_key_fingerprint (hall_key);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server says the hall’s key is %s, but this counter trusts %s: "
                     "ask the hall’s administrator"),
                   theirs, ours);
      return FALSE;
    }
  if (local_error != NULL && !g_error_matches (local_error, HALL_STORE_ERROR,
                                               HALL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  array = json_object_get_array_member (object, "certificates");
  for (i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) cert_error = NULL;
      HallCertificate *certificate = hall_certificate_new_from_json (
        json_array_get_element (array, i), NULL, &cert_error);

      if (certificate == NULL
          || !hall_certificate_check (certificate, hall_key, certificate->valid_from,
                                      &cert_error))
        {
          g_debug ("certificate %u from the server left out: %s", i, cert_error->message);
          hall_certificate_free (certificate);
          continue;
        }
      g_ptr_array_add (certificates, certificate);
    }
  revocations = hall_revocation_list_new_from_json (
    json_object_get_member (object, "revocations"), error);
  if (revocations == NULL)
    return FALSE;
  g_debug ("pulled the hall's trust: %u certificates, %u revocations", certificates->len,
           hall_revocation_list_get_length (revocations));
  return hall_store_set_trust (worker->store, hall_key, certificates, revocations,
                               g_get_real_time () / G_USEC_PER_SEC, error);
}
