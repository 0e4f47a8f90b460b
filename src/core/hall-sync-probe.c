/* hall-sync-probe.c — noticing that the server went away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passes run every "interval" seconds (30): without a probe, a counter
 * whose server went away kept saying "Synced just now" until the next
 * pass. While the engine believes it is online and no pass runs, a GET of
 * /v1/health (no session, a few bytes) every "probe-interval" seconds
 * tells. A failed probe only says offline; it never says online, which
 * is the next pass's word.
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-core-error.h"
#include "hall-sync-engine-private.h"

static void
probe_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (HallSyncEngine) self = user_data;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  response = hall_http_client_send_finish (HALL_HTTP_CLIENT (source), result, &error);
  /* A probe stopped (or replaced by a newer one) has nothing to say. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || cancellable == NULL
      || cancellable != self->probe_cancellable)
    return;
  g_clear_object (&self->probe_cancellable);
  /* A pass that began meanwhile has the last word. */
  if (response != NULL || _hall_sync_engine_is_passing (self))
    return;
  if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
    {
      /* The technical detail goes to the log and behind "Details". */
      g_message ("The server stopped answering: %s", error->message);
      _hall_sync_engine_set_last_error (self, error->message);
      _hall_sync_engine_set_online (self, FALSE);
    }
  else
    g_debug ("Probe failed: %s", error->message);
}

static gboolean
probe_timeout_cb (gpointer user_data)
{
  HallSyncEngine *self = user_data;
  g_autofree char *url = NULL;

  if (!self->online || self->server_url == NULL || self->probe_cancellable != NULL
      || _hall_sync_engine_is_passing (self))
    return G_SOURCE_CONTINUE;

  url = g_strconcat (self->server_url, "/v1/health", NULL);
  self->probe_cancellable = g_cancellable_new ();
  hall_http_client_send_async (self->client, "GET", url, NULL, NULL, self->probe_cancellable,
                               probe_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

void
_hall_sync_engine_start_probe (HallSyncEngine *self)
{
  if (self->probe_id == 0)
    self->probe_id = g_timeout_add_seconds (self->probe_interval, probe_timeout_cb, self);
}

void
_hall_sync_engine_stop_probe (HallSyncEngine *self)
{
  g_clear_handle_id (&self->probe_id, g_source_remove);
  if (self->probe_cancellable != NULL)
    g_cancellable_cancel (self->probe_cancellable);
  g_clear_object (&self->probe_cancellable);
}
