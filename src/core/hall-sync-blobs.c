/* hall-sync-blobs.c — scanned pages' files both ways: resumable uploads,
 * and downloads of pages pulled from other counters when they are opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-store-pages.h"
#include "hall-store-sync-private.h"
#include "hall-sync-engine-private.h"
#include "hall-sync-response.h"

/* Consecutive 409s of a blob upload before the server is deemed confused. */
#define MAX_BLOB_REWINDS 3
/* Damaged answers to a page's download before giving up on this try. */
#define MAX_FETCH_ATTEMPTS 3

typedef struct
{
  HallSyncWorker  worker;
  GFile          *file;
  char           *sha256;
  guint           chunk_size;
} BlobData;

static void
blob_data_free (BlobData *data)
{
  _hall_sync_worker_clear (&data->worker);
  g_clear_object (&data->file);
  g_free (data->sha256);
  g_free (data);
}

static char *
hash_file (GFile        *file,
           goffset      *size_out,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  goffset size = 0;

  if (stream == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 64 * 1024,
                                      cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_checksum_update (checksum, buffer, n);
      size += n;
    }
  *size_out = size;
  return g_strdup (g_checksum_get_string (checksum));
}

static gboolean
read_offset (HallHttpResponse *response,
             goffset          *offset)
{
  return hall_sync_response_parse_offset (hall_http_response_get_header (response,
                                                                         "Upload-Offset"),
                                          offset);
}

/* An answer the upload cannot go on from: the sign-in is gone, or the
 * server refuses the document. */
static void
set_upload_error (HallHttpResponse *response,
                  GError          **error)
{
  g_autofree char *problem = NULL;

  if (response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return;
    }
  problem = _hall_sync_describe_problem (response);
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
               _("the server refused the upload of a document: %s"), problem);
}

static gboolean
upload_file (HallSyncWorker *worker,
             BlobData       *data,
             GError        **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HallHttpResponse) head = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autofree guint8 *buffer = NULL;
  goffset total = 0;
  goffset offset = 0;
  guint rewinds = 0;

  /* A damaged page is never sent: what the server stores must be what the
   * official scanned. */
  hash = hash_file (data->file, &total, worker->cancellable, error);
  if (hash == NULL)
    return FALSE;
  if (data->sha256 != NULL && g_ascii_strcasecmp (data->sha256, hash) != 0)
    {
      g_autofree char *name = g_file_get_parse_name (data->file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the file %s is damaged: its content does not match its SHA-256"), name);
      return FALSE;
    }
  /* The server takes no empty file, and no page scanned is one. */
  if (total == 0)
    {
      g_autofree char *name = g_file_get_parse_name (data->file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the file %s is damaged: it is empty"), name);
      return FALSE;
    }
  g_free (data->sha256);
  data->sha256 = g_strdup (hash);
  path = g_strdup_printf ("/v1/blobs/%s", hash);

  head = _hall_sync_send_authorized (worker, "HEAD", path, NULL, NULL, error);
  if (head == NULL)
    return FALSE;
  switch (head->status)
    {
    case 200:
      g_debug ("blob %s already on the server", hash);
      return TRUE;
    case 204:
      if (!read_offset (head, &offset))
        offset = 0;
      break;
    case 404:
      offset = 0;
      break;
    default:
      set_upload_error (head, error);
      return FALSE;
    }
  g_debug ("blob %s: %" G_GOFFSET_FORMAT " of %" G_GOFFSET_FORMAT " bytes on the server",
           hash, offset, total);

  stream = g_file_read (data->file, worker->cancellable, error);
  if (stream == NULL)
    return FALSE;
  buffer = g_malloc (data->chunk_size);

  for (;;)
    {
      g_autoptr (HallHttpResponse) response = NULL;
      g_autoptr (GBytes) chunk = NULL;
      g_autofree char *offset_header = NULL;
      g_autofree char *length_header = NULL;
      /* One key per chunk, kept across its retries. */
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", key);
      const char *extra[5];
      gsize n = 0;

      if (offset > total)
        offset = 0;
      if (!g_seekable_seek (G_SEEKABLE (stream), offset, G_SEEK_SET, worker->cancellable, error)
          || !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer,
                                       MIN ((goffset) data->chunk_size, total - offset), &n,
                                       worker->cancellable, error))
        return FALSE;
      chunk = g_bytes_new (buffer, n);

      offset_header = g_strdup_printf ("Upload-Offset: %" G_GOFFSET_FORMAT, offset);
      length_header = g_strdup_printf ("Upload-Length: %" G_GOFFSET_FORMAT, total);
      extra[0] = "Content-Type: application/offset+octet-stream";
      extra[1] = key_header;
      extra[2] = offset_header;
      extra[3] = length_header;
      extra[4] = NULL;

      response = _hall_sync_send_authorized (worker, "PATCH", path, extra,
                                             chunk, error);
      if (response == NULL)
        return FALSE;
      g_debug ("blob %s: PATCH at %" G_GOFFSET_FORMAT " (+%" G_GSIZE_FORMAT ") -> %u", hash,
               offset, n, response->status);

      switch (response->status)
        {
        case 200:
        case 201:
          return TRUE;

        case 204:
          rewinds = 0;
          if (!read_offset (response, &offset))
            offset += n;
          break;

        case 409:
          /* The server holds something else than we thought: start from
           * what it says it has. A 409 without an offset (an upload of
           * another length in progress) is refused like any other. */
          if (hall_http_response_get_header (response, "Upload-Offset") == NULL)
            {
              set_upload_error (response, error);
              return FALSE;
            }
          if (++rewinds > MAX_BLOB_REWINDS || !read_offset (response, &offset))
            {
              g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                           _("the server keeps changing where the upload of a document "
                             "should resume"));
              return FALSE;
            }
          break;

        default:
          set_upload_error (response, error);
          return FALSE;
        }
    }
}

static gboolean
upload_blob (BlobData  *data,
             GError   **error)
{
  return upload_file (&data->worker, data, error);
}

static void
blob_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  BlobData *data = task_data;
  GError *error = NULL;

  data->worker.cancellable = cancellable;
  if (!upload_blob (data, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (data->sha256), g_free);
}

gboolean
_hall_sync_push_pages (HallSyncWorker  *worker,
                       guint           *sent_out,
                       GError         **error)
{
  g_autoptr (GPtrArray) pages = hall_store_list_unsent_pages (worker->store, error);
  g_autoptr (GHashTable) sent = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) held = g_hash_table_new (g_str_hash, g_str_equal);

  if (pages == NULL)
    return FALSE;
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      g_autofree char *path = NULL;
      g_autoptr (GError) local_error = NULL;
      BlobData data = { { 0 } };
      gboolean ok;

      if (g_hash_table_contains (sent, page->sha256) || g_hash_table_contains (held, page->sha256))
        continue;
      path = hall_store_get_page_path (worker->store, page->sha256);
      data.file = g_file_new_for_path (path);
      data.sha256 = g_strdup (page->sha256);
      data.chunk_size = worker->engine->blob_chunk_size;
      ok = upload_file (worker, &data, &local_error);
      g_object_unref (data.file);
      g_free (data.sha256);
      /* A file that is damaged, unreadable or refused waits, its reason
       * shown on its case, and the rest of the pass goes on; being offline
       * or signed out ends the pass as before. */
      if (!ok && (local_error->domain == G_IO_ERROR
                  || g_error_matches (local_error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED))
          && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *reason = g_strdup_printf (_("A page waits: %s"), local_error->message);

          g_debug ("blob %s waits: %s", page->sha256, local_error->message);
          g_hash_table_add (held, page->sha256);
          if (!hall_store_hold_page (worker->store, page->sha256, reason, error))
            return FALSE;
          continue;
        }
      if (!ok)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!hall_store_mark_page_sent (worker->store, page->sha256, error))
        return FALSE;
      g_hash_table_add (sent, page->sha256);
    }
  if (sent_out != NULL)
    *sent_out = g_hash_table_size (sent);
  return TRUE;
}

void
hall_sync_engine_upload_blob_async (HallSyncEngine     *self,
                                    GFile              *file,
                                    const char         *sha256,
                                    GCancellable       *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  BlobData *data;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (BlobData, 1);
  _hall_sync_worker_init (&data->worker, self);
  data->file = g_object_ref (file);
  data->sha256 = g_strdup (sha256);
  data->chunk_size = self->blob_chunk_size;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_upload_blob_async);
  g_task_set_task_data (task, data, (GDestroyNotify) blob_data_free);
  g_task_run_in_thread (task, blob_thread);
}

gboolean
hall_sync_engine_upload_blob_finish (HallSyncEngine *self,
                                     GAsyncResult   *result,
                                     char          **sha256_out,
                                     GError        **error)
{
  char *sha256;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  sha256 = g_task_propagate_pointer (G_TASK (result), error);
  if (sha256 == NULL)
    return FALSE;
  if (sha256_out != NULL)
    *sha256_out = sha256;
  else
    g_free (sha256);
  return TRUE;
}

/* Downloads of pages pulled from other counters. */

typedef struct
{
  HallSyncWorker  worker;
  char           *sha256;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  _hall_sync_worker_clear (&data->worker);
  g_free (data->sha256);
  g_free (data);
}

static char *
fetch_page_file (HallSyncWorker *worker,
                 const char     *sha256,
                 GError        **error)
{
  g_autofree char *file = hall_store_get_page_path (worker->store, sha256);
  g_autofree char *path = g_strdup_printf ("/v1/blobs/%s", sha256);

  if (hall_store_has_page_file (worker->store, sha256))
    return g_steal_pointer (&file);

  for (guint attempt = 1; attempt <= MAX_FETCH_ATTEMPTS; attempt++)
    {
      g_autoptr (HallHttpResponse) response = NULL;
      g_autoptr (GError) local_error = NULL;

      response = _hall_sync_send_authorized (worker, "GET", path, NULL, NULL, error);
      if (response == NULL)
        return NULL;
      if (response->status == 401)
        {
          _hall_sync_set_auth_error (error);
          return NULL;
        }
      if (response->status == 404)
        {
          g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                       _("the server does not hold the file of page %s"), sha256);
          return NULL;
        }
      if (response->status != 200)
        {
          g_autofree char *problem = _hall_sync_describe_problem (response);

          g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                       _("the server refused the file of page %s: %s"), sha256, problem);
          return NULL;
        }
      if (hall_store_save_page_file (worker->store, response->body, sha256, &local_error))
        return g_steal_pointer (&file);
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* Damaged on the way (or on the server's disk): not kept, asked again. */
      g_debug ("blob %s: download %u of %u does not match its hash", sha256, attempt,
               MAX_FETCH_ATTEMPTS);
    }
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
               _("the file of page %s came from the server damaged %u times and was not kept"),
               sha256, MAX_FETCH_ATTEMPTS);
  return NULL;
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FetchData *data = task_data;
  GError *error = NULL;
  char *path;

  data->worker.cancellable = cancellable;
  path = fetch_page_file (&data->worker, data->sha256, &error);
  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

void
hall_sync_engine_fetch_page_async (HallSyncEngine     *self,
                                   const char         *sha256,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  FetchData *data;

  g_return_if_fail (HALL_IS_SYNC_ENGINE (self));
  g_return_if_fail (sha256 != NULL && strlen (sha256) == 64);

  data = g_new0 (FetchData, 1);
  _hall_sync_worker_init (&data->worker, self);
  data->sha256 = g_ascii_strdown (sha256, -1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_sync_engine_fetch_page_async);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  g_task_run_in_thread (task, fetch_thread);
}

char *
hall_sync_engine_fetch_page_finish (HallSyncEngine *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
