/* hall-blob-table.c — complete blobs kept in PostgreSQL (--blobs postgresql)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a hall whose servers share no filesystem: every complete blob is a
 * row of "blobs" (its bytes as bytea, stored uncompressed: pages are JPEG,
 * PNG or TIFF already), written in one statement that commits on its own,
 * so it is in the database's backups and seen by every server at once.
 * Uploads in progress are rows too (hall-blob-table-uploads.c); the blob's
 * row is written only once their bytes hash to the name and pass the page
 * check (hall-blob-store.c).
 */
#define G_LOG_DOMAIN "hall-blob-store"

#define _GNU_SOURCE
#include <errno.h>
#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hall-blob-table-private.h"
#include "hall-server-postgres.h"
#include "hall-sqlite.h"

struct _HallBlobTable
{
  GObject    parent_instance;
  char      *uri;
  GMutex     mutex;
  GPtrArray *idle;    /* of PGconn: connected, for the next request */
  guint      n_uploads;    /* holding a connection each */
  guint      max_uploads;
};

/* Connections kept idle after a burst: the others are closed, so that a
 * server gives back to the database what a busy minute took. */
#define IDLE_KEPT 4

G_DEFINE_FINAL_TYPE (HallBlobTable, hall_blob_table, G_TYPE_OBJECT)

static void
hall_blob_table_finalize (GObject *object)
{
  HallBlobTable *self = HALL_BLOB_TABLE (object);

  g_ptr_array_unref (self->idle);
  g_mutex_clear (&self->mutex);
  g_free (self->uri);
  G_OBJECT_CLASS (hall_blob_table_parent_class)->finalize (object);
}

static void
hall_blob_table_class_init (HallBlobTableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_blob_table_finalize;
}

static void
hall_blob_table_init (HallBlobTable *self)
{
  g_mutex_init (&self->mutex);
  self->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) PQfinish);
  self->max_uploads = HALL_BLOB_TABLE_MAX_UPLOADS_DEFAULT;
}

PGconn *
_hall_blob_table_take_conn (HallBlobTable  *self,
                            GError        **error)
{
  PGconn *pg = NULL;

  g_mutex_lock (&self->mutex);
  if (self->idle->len > 0)
    pg = g_ptr_array_steal_index (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->mutex);
  if (pg != NULL && PQstatus (pg) != CONNECTION_OK)
    g_clear_pointer (&pg, PQfinish);
  return pg != NULL ? pg : hall_server_postgres_open (self->uri, error);
}

void
_hall_blob_table_give_conn (HallBlobTable *self,
                            PGconn        *pg)
{
  gboolean kept;

  /* One left in a transaction would hold its locks for whoever is next. */
  if (PQstatus (pg) != CONNECTION_OK || PQtransactionStatus (pg) != PQTRANS_IDLE)
    {
      PQfinish (pg);
      return;
    }
  g_mutex_lock (&self->mutex);
  kept = self->idle->len < IDLE_KEPT;
  if (kept)
    g_ptr_array_add (self->idle, pg);
  g_mutex_unlock (&self->mutex);
  if (!kept)
    PQfinish (pg);
}

gboolean
_hall_blob_table_begin_upload (HallBlobTable  *self,
                               GError        **error)
{
  gboolean counted;

  g_mutex_lock (&self->mutex);
  counted = self->n_uploads < self->max_uploads;
  if (counted)
    self->n_uploads++;
  g_mutex_unlock (&self->mutex);
  if (!counted)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 _("This server is writing %u uploads already; try again in a few seconds"),
                 self->max_uploads);
  return counted;
}

void
_hall_blob_table_end_upload (HallBlobTable *self)
{
  g_mutex_lock (&self->mutex);
  g_assert (self->n_uploads > 0);
  self->n_uploads--;
  g_mutex_unlock (&self->mutex);
}

PGresult *
_hall_blob_table_run (HallBlobTable      *self,
                      const char         *sql,
                      int                 n_params,
                      const char * const *values,
                      const int          *lengths,
                      const int          *formats,
                      int                 result_format,
                      const char         *doing,
                      GError            **error)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      PGconn *pg = _hall_blob_table_take_conn (self, error);
      PGresult *result;
      ExecStatusType status;

      if (pg == NULL)
        return NULL;
      result = PQexecParams (pg, sql, n_params, NULL, values, lengths, formats, result_format);
      status = PQresultStatus (result);
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        {
          _hall_blob_table_give_conn (self, pg);
          return result;
        }
      if (attempt == 0 && PQstatus (pg) == CONNECTION_BAD)
        {
          PQclear (result);
          PQfinish (pg);
          continue;
        }
      hall_server_postgres_set_error (error, pg, result, doing);
      PQclear (result);
      _hall_blob_table_give_conn (self, pg);
      return NULL;
    }
  g_assert_not_reached ();
}

HallBlobTable *
hall_blob_table_new (const char  *uri,
                     GError     **error)
{
  g_autoptr(HallBlobTable) self = g_object_new (HALL_TYPE_BLOB_TABLE, NULL);
  PGconn *pg;

  self->uri = g_strdup (uri);
  pg = _hall_blob_table_take_conn (self, error);
  if (pg == NULL)
    return NULL;
  _hall_blob_table_give_conn (self, pg);
  return g_steal_pointer (&self);
}

void
hall_blob_table_set_max_uploads (HallBlobTable *self,
                                 guint          max_uploads)
{
  g_return_if_fail (HALL_IS_BLOB_TABLE (self));
  g_return_if_fail (max_uploads > 0);

  g_mutex_lock (&self->mutex);
  self->max_uploads = max_uploads;
  g_mutex_unlock (&self->mutex);
}

gboolean
hall_blob_table_stat (HallBlobTable  *self,
                      const char     *sha256,
                      guint64        *size_out,
                      GError        **error)
{
  const char *values[] = { sha256 };
  PGresult *result = _hall_blob_table_run (self, "SELECT size FROM blobs WHERE sha256 = $1", 1,
                                           values, NULL, NULL, 0, _("look the blob up"), error);
  gboolean found;

  if (result == NULL)
    return FALSE;
  found = PQntuples (result) == 1;
  if (found)
    *size_out = g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return found;
}

int
hall_blob_table_open (HallBlobTable  *self,
                      const char     *sha256,
                      guint64        *size_out,
                      GError        **error)
{
  const char *values[] = { sha256 };
  PGresult *result = _hall_blob_table_run (self, "SELECT data FROM blobs WHERE sha256 = $1", 1,
                                           values, NULL, NULL, 1, _("read the blob"), error);
  const char *data;
  gsize length;
  gsize done = 0;
  int fd;

  if (result == NULL)
    return -1;
  if (PQntuples (result) != 1)
    {
      PQclear (result);
      return -1;
    }
  data = PQgetvalue (result, 0, 0);
  length = PQgetlength (result, 0, 0);
  /* An anonymous file: the server answers with a descriptor, as for a
   * blob on disk. */
  fd = memfd_create ("hall-blob", MFD_CLOEXEC);
  while (fd >= 0 && done < length)
    {
      gssize n = write (fd, data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          close (fd);
          fd = -1;
          break;
        }
      done += n;
    }
  PQclear (result);
  if (fd < 0 || lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_FULL,
                   _("Cannot hold the blob %s in memory: %s"), sha256, g_strerror (saved));
      return -1;
    }
  *size_out = length;
  return fd;
}
