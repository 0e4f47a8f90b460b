/* hall-sync-pull.c — the change feed, page by page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-error.h"
#include "hall-sync-engine-private.h"
#include "hall-sync-response.h"

/* One page of the feed, checked: its changes, their data read into model
 * objects, and where the feed goes on. */
typedef struct
{
  JsonArray *changes;
  GPtrArray *entities;
  char      *next;
  gboolean   more;
} FeedPage;

static void
feed_page_free (FeedPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->changes, json_array_unref);
  g_clear_pointer (&page->entities, g_ptr_array_unref);
  g_free (page->next);
  g_free (page);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FeedPage, feed_page_free)

/* The page after a cursor, fetched on a thread of its own while the worker
 * applies the page before it. */
typedef struct
{
  HallSyncWorker  *worker;
  char            *cursor;    /* asked for: the changes after it */
  FeedPage        *applied;   /* a page applied before, freed on the thread */
  GThread         *thread;
  FeedPage        *page;
  GError          *error;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  if (fetch->thread != NULL)
    g_thread_join (fetch->thread);
  g_free (fetch->cursor);
  feed_page_free (fetch->applied);
  feed_page_free (fetch->page);
  g_clear_error (&fetch->error);
  g_free (fetch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fetch, fetch_free)

static gboolean
fetch_page (HallSyncWorker *worker,
            const char     *cursor,
            FeedPage       *page,
            GError        **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autofree char *path = NULL;
  const char *data;
  gsize size;

  if (cursor != NULL && *cursor != '\0')
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      path = g_strdup_printf ("/v1/changes?since=%s&limit=%u", escaped, worker->pull_page_size);
    }
  else
    path = g_strdup_printf ("/v1/changes?limit=%u", worker->pull_page_size);

  response = _hall_sync_send_authorized (worker, "GET", path, NULL, NULL, error);
  if (response == NULL)
    return FALSE;
  if (response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return FALSE;
    }
  if (response->status == 403)
    {
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH,
                   _("the signed-in user may not read the server's changes: "
                     "sign in to the server as a counter official"));
      return FALSE;
    }
  if (response->status != 200)
    {
      g_autofree char *problem = _hall_sync_describe_problem (response);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                   _("the server refused to list its changes: %s"), problem);
      return FALSE;
    }

  /* A bad page is refused whole, before the store sees any of it. */
  data = g_bytes_get_data (response->body, &size);
  return hall_sync_response_parse_changes (data, size, &page->changes, &page->entities,
                                           &page->next, &page->more, error);
}

static gpointer
fetch_page_thread (gpointer data)
{
  Fetch *fetch = data;

  /* Freeing a page's thousands of nodes and objects is work the applying
   * thread need not wait for. */
  g_clear_pointer (&fetch->applied, feed_page_free);
  fetch->page = g_new0 (FeedPage, 1);
  if (!fetch_page (fetch->worker, fetch->cursor, fetch->page, &fetch->error))
    g_clear_pointer (&fetch->page, feed_page_free);
  return NULL;
}

/* Pages of the feed in order, each applied with its cursor in one
 * transaction. The next page is fetched and checked while one is applied,
 * so the server, the network and the reading of the data into model
 * objects go on while the store writes. */
static gboolean pull_pages (HallSyncWorker *worker,
                            HallSyncReport *report,
                            GError        **error);

/* The pages, between the store's start and end of a pull (a fresh store
 * writes its search keys at the end, whether the pull went to its end or
 * not). */
gboolean
_hall_sync_pull (HallSyncWorker *worker,
                 HallSyncReport *report,
                 GError        **error)
{
  g_autoptr (GError) end_error = NULL;
  gboolean ok;

  if (!hall_store_begin_pull (worker->store, error))
    return FALSE;
  ok = pull_pages (worker, report, error);
  if (!hall_store_end_pull (worker->store, &end_error))
    {
      if (ok)
        {
          g_propagate_error (error, g_steal_pointer (&end_error));
          return FALSE;
        }
      g_message ("Could not index the pulled cases for search yet: %s", end_error->message);
    }
  return ok;
}

static gboolean
pull_pages (HallSyncWorker *worker,
            HallSyncReport *report,
            GError        **error)
{
  g_autofree char *cursor = hall_store_get_meta (worker->store, "cursor");
  g_autoptr (FeedPage) page = g_new0 (FeedPage, 1);
  g_autoptr (FeedPage) applied = NULL;

  if (!fetch_page (worker, cursor, page, error))
    return FALSE;

  for (;;)
    {
      g_autoptr (Fetch) ahead = NULL;
      guint n = json_array_get_length (page->changes);
      /* A server that says "more" without moving on would loop forever. */
      gboolean last = !page->more || (n == 0 && g_strcmp0 (page->next, cursor) == 0);

      if (!last)
        {
          ahead = g_new0 (Fetch, 1);
          ahead->worker = worker;
          ahead->cursor = g_strdup (page->next);
          ahead->applied = g_steal_pointer (&applied);
          ahead->thread = g_thread_new ("hall-sync-page", fetch_page_thread, ahead);
        }

      if (!hall_store_apply_changes (worker->store, page->changes, page->entities, page->next,
                                     error))
        return FALSE;
      report->pulled += n;
      g_debug ("pulled %u changes, cursor %s, more %d", n, page->next, page->more);
      if (last)
        return TRUE;

      g_thread_join (g_steal_pointer (&ahead->thread));
      if (ahead->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&ahead->error));
          return FALSE;
        }
      g_free (cursor);
      cursor = g_strdup (page->next);
      applied = g_steal_pointer (&page);
      page = g_steal_pointer (&ahead->page);
    }
}
