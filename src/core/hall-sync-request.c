/* hall-sync-request.c — sending one request, with retries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-retry-policy.h"
#include "hall-sync-engine-private.h"
#include "hall-sync-response.h"

static gboolean
wait_ms (gint64        ms,
         GCancellable *cancellable)
{
  GPollFD pollfd;

  if (ms <= 0)
    return !g_cancellable_is_cancelled (cancellable);
  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep (ms * 1000);
      return !g_cancellable_is_cancelled (cancellable);
    }
  g_poll (&pollfd, 1, (int) MIN (ms, G_MAXINT));
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

/* What the server said, for people: the problem's detail and field. */
char *
_hall_sync_describe_problem (HallHttpResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return hall_sync_response_describe_problem (response->status, data, size, NULL);
}

/* The truth about reachability goes to the main context only when it
 * changes, not once per request; posted under the lock, so that two
 * batches' threads cannot post their news in the other order. */
static void
report_online (HallSyncWorker *worker,
               gboolean        online)
{
  g_mutex_lock (&worker->lock);
  if (worker->posted_online != (int) online)
    {
      worker->posted_online = online;
      _hall_sync_engine_post_online (worker->engine, online);
    }
  g_mutex_unlock (&worker->lock);
}

/* Sends one request, trying again after a transient failure as the policy
 * allows. @headers is NULL-terminated here (and so used up). Returns any
 * answer that is not transient; NULL with HALL_SYNC_ERROR_OFFLINE or _SERVER
 * when the tries ran out (or the server asked to wait longer than a pass
 * waits), or with another error that retrying cannot cure (TLS, a bad URL,
 * cancelled). */
HallHttpResponse *
_hall_sync_send_with_retry (HallSyncWorker *worker,
                            const char     *method,
                            const char     *path,
                            GPtrArray      *headers,
                            GBytes         *body,
                            GError        **error)
{
  g_autofree char *url = g_strconcat (worker->server_url, path, NULL);
  guint attempts = 0;

  g_ptr_array_add (headers, NULL);

  for (;;)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (HallHttpResponse) response = NULL;
      const char *retry_after = NULL;
      gint64 delay;

      response = hall_http_client_send (worker->client, method, url,
                                        (const char * const *) headers->pdata, body,
                                        worker->cancellable, &local_error);
      attempts++;

      if (response == NULL)
        {
          if (!g_error_matches (local_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          report_online (worker, FALSE);
        }
      else
        {
          report_online (worker, TRUE);
          if (!hall_retry_policy_status_is_transient (response->status))
            return g_steal_pointer (&response);
          retry_after = hall_http_response_get_header (response, "Retry-After");
        }

      /* GRand is not safe for two threads at once. */
      g_mutex_lock (&worker->lock);
      delay = hall_retry_policy_next_delay_ms (worker->policy, attempts, retry_after,
                                               g_get_real_time () / G_USEC_PER_SEC,
                                               worker->rand);
      g_mutex_unlock (&worker->lock);
      g_debug ("%s %s: try %u failed (%u), next in %" G_GINT64_FORMAT " ms", method, path,
               attempts, response != NULL ? response->status : 0, delay);
      if (delay < 0)
        {
          if (response == NULL)
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            {
              g_autofree char *problem = _hall_sync_describe_problem (response);

              g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_SERVER,
                           _("the server cannot serve this counter now (%u: %s); "
                             "sync will try again later"),
                           response->status, problem);
            }
          return NULL;
        }
      if (!wait_ms (delay, worker->cancellable))
        {
          g_cancellable_set_error_if_cancelled (worker->cancellable, error);
          return NULL;
        }
    }
}
