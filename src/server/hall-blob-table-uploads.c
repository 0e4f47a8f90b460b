/* hall-blob-table-uploads.c — uploads in progress kept in PostgreSQL
 * (--blobs postgresql)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Servers that share no filesystem share the upload: its record and its
 * pieces are rows, so HEAD through any server says what is held and PATCH
 * through any server goes on from there. A request's bytes go into one
 * transaction, committed when the request ends well (or its client went
 * away: what came is kept, as the folder store keeps it) and rolled back
 * when it is refused or its server dies, so what an upload holds is
 * always what whole requests brought, piece after piece.
 *
 * Who writes an upload is settled by an advisory lock of the writing
 * connection's session, tried and never waited for: a second upload of
 * the same blob, through any server, is refused at once and touches
 * nothing, and a server that dies lets go of its locks when PostgreSQL
 * sees its connection close. While a request writes, its transaction also
 * holds the record's row lock, which the sweep skips.
 */
#define G_LOG_DOMAIN "hall-blob-store"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "hall-blob-table-private.h"
#include "hall-server-postgres.h"
#include "hall-sqlite.h"

/* The first keys of the two-key advisory locks taken here ("hblu",
 * "hblo"); two-key locks never meet the storage's one-key ones. */
#define LOCK_UPLOAD   "1751280757"
#define LOCK_OFFICIAL "1751280751"
/* Bytes gathered before they become a row: a few rows for a page, and a
 * round trip per MiB rather than per piece the network brings. */
#define PIECE_SIZE (1024 * 1024)

struct _HallBlobTableUpload
{
  HallBlobTable *table;
  PGconn        *pg;
  char          *sha256;
  char          *lock_key;    /* the lock's second key, from the name */
  gboolean       locked;
  GByteArray    *pending;     /* received, not a row yet */
  guint64        written;     /* bytes in rows, committed or in the transaction */
  guint64        length;      /* announced, when there is a record */
  gboolean       has_record;
  gboolean       created;     /* committed a record of its own: a discard removes it */
  gboolean       counted;     /* among the table's uploads holding a connection */
};

/* (transfer full): the result of @sql on the upload's connection; NULL
 * with @error set. */
static PGresult *
exec (HallBlobTableUpload *upload,
      const char          *sql,
      int                  n_params,
      const char * const  *values,
      const int           *lengths,
      const int           *formats,
      const char          *doing,
      GError             **error)
{
  PGresult *result = PQexecParams (upload->pg, sql, n_params, NULL, values, lengths, formats, 0);
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return result;
  hall_server_postgres_set_error (error, upload->pg, result, doing);
  PQclear (result);
  return NULL;
}

static gboolean
exec_ok (HallBlobTableUpload *upload,
         const char          *sql,
         int                  n_params,
         const char * const  *values,
         const char          *doing,
         GError             **error)
{
  PGresult *result = exec (upload, sql, n_params, values, NULL, NULL, doing, error);

  if (result == NULL)
    return FALSE;
  PQclear (result);
  return TRUE;
}

static guint64
value_u64 (PGresult *result,
           int       row,
           int       column)
{
  return g_ascii_strtoull (PQgetvalue (result, row, column), NULL, 10);
}

/* Lets the lock go and frees @upload; what its transaction holds is
 * rolled back. */
static void
upload_end (HallBlobTableUpload *upload)
{
  if (upload->pg != NULL)
    {
      gboolean released = !upload->locked;

      if (PQtransactionStatus (upload->pg) != PQTRANS_IDLE)
        PQclear (PQexec (upload->pg, "ROLLBACK"));
      if (upload->locked)
        {
          const char *values[] = { upload->lock_key };
          PGresult *result = PQexecParams (upload->pg,
                                           "SELECT pg_advisory_unlock (" LOCK_UPLOAD ", $1)",
                                           1, NULL, values, NULL, NULL, 0);

          released = PQresultStatus (result) == PGRES_TUPLES_OK
                     && g_str_equal (PQgetvalue (result, 0, 0), "t");
          PQclear (result);
        }
      /* A lock that could not be let go goes with its session. */
      if (released)
        _hall_blob_table_give_conn (upload->table, upload->pg);
      else
        PQfinish (upload->pg);
    }
  if (upload->counted)
    _hall_blob_table_end_upload (upload->table);
  g_object_unref (upload->table);
  g_byte_array_unref (upload->pending);
  g_free (upload->sha256);
  g_free (upload->lock_key);
  g_free (upload);
}

gboolean
hall_blob_table_stat_upload (HallBlobTable  *self,
                             const char     *sha256,
                             guint64        *held_out,
                             GError        **error)
{
  const char *values[] = { sha256 };
  PGresult *result;
  gboolean found;

  /* Committed rows only: what a request is writing now may yet be taken
   * back. */
  result = _hall_blob_table_run (self,
                                 "SELECT (SELECT coalesce (sum (octet_length (data)), 0)"
                                 "        FROM blob_upload_parts WHERE sha256 = $1)"
                                 " FROM blob_uploads WHERE sha256 = $1",
                                 1, values, NULL, NULL, 0, _("look the upload up"), error);
  if (result == NULL)
    return FALSE;
  found = PQntuples (result) == 1;
  if (found)
    *held_out = value_u64 (result, 0, 0);
  PQclear (result);
  return found;
}

/* Reads the record, and with it takes its row lock for the transaction,
 * so that no server's sweep removes the upload while it is written. */
static gboolean
read_record (HallBlobTableUpload  *upload,
             GError              **error)
{
  const char *values[] = { upload->sha256 };
  PGresult *result;

  result = exec (upload,
                 "UPDATE blob_uploads SET written_at = now () WHERE sha256 = $1"
                 " RETURNING length, (SELECT coalesce (sum (octet_length (data)), 0)"
                 "                    FROM blob_upload_parts WHERE sha256 = $1)",
                 1, values, NULL, NULL, _("read the upload"), error);
  if (result == NULL)
    return FALSE;
  upload->has_record = PQntuples (result) == 1;
  if (upload->has_record)
    {
      upload->length = value_u64 (result, 0, 0);
      upload->written = value_u64 (result, 0, 1);
    }
  PQclear (result);
  return TRUE;
}

HallBlobTableUpload *
hall_blob_table_lock_upload (HallBlobTable  *self,
                             const char     *sha256,
                             gboolean       *busy_out,
                             GError        **error)
{
  HallBlobTableUpload *upload = g_new0 (HallBlobTableUpload, 1);
  g_autofree char *head = g_strndup (sha256, 8);
  const char *values[1];

  *busy_out = FALSE;
  upload->table = g_object_ref (self);
  upload->sha256 = g_strdup (sha256);
  /* Names are uniform: 32 bits of one tell blobs apart well enough. Two
   * that share them (one pair in 2^32) cannot be uploaded at the same
   * time: the second is a 409, as if busy, and its client retries. */
  upload->lock_key = g_strdup_printf ("%" G_GINT32_FORMAT,
                                      (gint32) (guint32) g_ascii_strtoull (head, NULL, 16));
  upload->pending = g_byte_array_new ();
  values[0] = upload->lock_key;
  upload->counted = _hall_blob_table_begin_upload (self, error);
  if (!upload->counted)
    {
      upload_end (upload);
      return NULL;
    }

  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      PGresult *result;

      upload->pg = _hall_blob_table_take_conn (self, error);
      if (upload->pg == NULL)
        {
          upload_end (upload);
          return NULL;
        }
      result = exec (upload, "SELECT pg_try_advisory_lock (" LOCK_UPLOAD ", $1)", 1, values,
                     NULL, NULL, _("lock the upload"), &local_error);
      if (result != NULL)
        {
          upload->locked = g_str_equal (PQgetvalue (result, 0, 0), "t");
          PQclear (result);
          break;
        }
      /* An idle connection that broke since its last use: once more on a
       * new one. */
      if (attempt == 0 && PQstatus (upload->pg) == CONNECTION_BAD)
        {
          g_clear_pointer (&upload->pg, PQfinish);
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      upload_end (upload);
      return NULL;
    }
  if (!upload->locked)
    {
      *busy_out = TRUE;
      upload_end (upload);
      return NULL;
    }
  if (!exec_ok (upload, "BEGIN", 0, NULL, _("begin the upload"), error)
      || !read_record (upload, error))
    {
      upload_end (upload);
      return NULL;
    }
  return upload;
}

gboolean
hall_blob_table_upload_get_record (HallBlobTableUpload *upload,
                                   guint64             *length_out,
                                   guint64             *held_out)
{
  *length_out = upload->length;
  *held_out = upload->written;
  return upload->has_record;
}

gboolean
hall_blob_table_upload_create (HallBlobTableUpload *upload,
                               const char          *official,
                               guint64              total,
                               gboolean             whole,
                               guint64              cap,
                               guint64             *charged_out,
                               GError             **error)
{
  g_autofree char *official_key = g_strdup_printf ("%" G_GINT32_FORMAT,
                                                   (gint32) g_str_hash (official));
  g_autofree char *length = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  const char *lock_values[] = { official_key };
  const char *count_values[] = { official, upload->sha256 };
  const char *record_values[] = { upload->sha256, official, length };
  PGresult *result;
  guint64 charged;

  *charged_out = 0;
  /* A resumable upload is counted by every server from its first byte
   * on, so its record is committed before it; the servers admitting
   * uploads of one official at once take turns to count. */
  if (!whole
      && (!exec_ok (upload, "ROLLBACK", 0, NULL, _("begin the upload"), error)
          || !exec_ok (upload, "BEGIN", 0, NULL, _("begin the upload"), error)
          || !exec_ok (upload, "SELECT pg_advisory_xact_lock (" LOCK_OFFICIAL ", $1)", 1,
                       lock_values, _("begin the upload"), error)))
    return FALSE;
  result = exec (upload,
                 "SELECT coalesce (sum (length), 0) FROM blob_uploads"
                 " WHERE official = $1 AND sha256 <> $2",
                 2, count_values, NULL, NULL, _("count the unfinished uploads"), error);
  if (result == NULL)
    return FALSE;
  charged = value_u64 (result, 0, 0);
  PQclear (result);
  if (charged + total > cap)
    {
      *charged_out = charged;
      return FALSE;
    }
  /* A whole upload replaces any upload in progress, in its own
   * transaction: refused, it leaves that one as it was. */
  if (!exec_ok (upload, "DELETE FROM blob_uploads WHERE sha256 = $1", 1, record_values,
                _("begin the upload"), error)
      || !exec_ok (upload, "INSERT INTO blob_uploads (sha256, official, length) VALUES ($1, $2, $3)",
                   3, record_values, _("begin the upload"), error))
    return FALSE;
  if (!whole)
    {
      if (!exec_ok (upload, "COMMIT", 0, NULL, _("begin the upload"), error))
        return FALSE;
      upload->created = TRUE;
      if (!exec_ok (upload, "BEGIN", 0, NULL, _("begin the upload"), error)
          || !read_record (upload, error))
        return FALSE;
      if (!upload->has_record)
        {
          /* Swept in the moment between: only with a time to live of a
           * second or so. */
          g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL,
                       _("The upload %s expired as it began"), upload->sha256);
          return FALSE;
        }
    }
  upload->has_record = TRUE;
  upload->length = total;
  upload->written = 0;
  return TRUE;
}

/* The bytes received so far become a row. */
static gboolean
flush (HallBlobTableUpload  *upload,
       GError              **error)
{
  g_autofree char *offset = NULL;
  const char *values[3];
  int lengths[3] = { 0, 0, 0 };
  int formats[3] = { 0, 0, 1 };
  PGresult *result;

  if (upload->pending->len == 0)
    return TRUE;
  offset = g_strdup_printf ("%" G_GUINT64_FORMAT, upload->written);
  values[0] = upload->sha256;
  values[1] = offset;
  values[2] = (const char *) upload->pending->data;
  lengths[2] = upload->pending->len;
  result = exec (upload,
                 "INSERT INTO blob_upload_parts (sha256, byte_offset, data) VALUES ($1, $2, $3)",
                 3, values, lengths, formats, _("store the upload"), error);
  if (result == NULL)
    return FALSE;
  PQclear (result);
  upload->written += upload->pending->len;
  g_byte_array_set_size (upload->pending, 0);
  return TRUE;
}

gboolean
hall_blob_table_upload_write (HallBlobTableUpload *upload,
                              const void          *data,
                              gsize                length,
                              GError             **error)
{
  g_return_val_if_fail (upload->has_record, FALSE);

  g_byte_array_append (upload->pending, data, length);
  return upload->pending->len < PIECE_SIZE || flush (upload, error);
}

GBytes *
hall_blob_table_upload_read (HallBlobTableUpload  *upload,
                             GError              **error)
{
  const char *values[] = { upload->sha256 };
  g_autofree guint8 *bytes = NULL;
  gboolean failed = FALSE;
  guint64 filled = 0;
  PGresult *result;

  if (!flush (upload, error))
    return NULL;
  bytes = g_malloc (MAX (upload->written, 1));
  /* A row at a time, into one buffer: the result never holds them all
   * beside it. */
  if (!PQsendQueryParams (upload->pg,
                          "SELECT byte_offset, data FROM blob_upload_parts WHERE sha256 = $1"
                          " ORDER BY byte_offset",
                          1, NULL, values, NULL, NULL, 1)
      || !PQsetSingleRowMode (upload->pg))
    {
      hall_server_postgres_set_error (error, upload->pg, NULL, _("read the upload"));
      while ((result = PQgetResult (upload->pg)) != NULL)
        PQclear (result);
      return NULL;
    }
  /* Every result is taken, after a failure too, so that the connection
   * is ready for the next statement. */
  while ((result = PQgetResult (upload->pg)) != NULL)
    {
      ExecStatusType status = PQresultStatus (result);

      if (!failed && status == PGRES_SINGLE_TUPLE)
        {
          guint64 at;
          gsize length = PQgetlength (result, 0, 1);

          memcpy (&at, PQgetvalue (result, 0, 0), sizeof at);
          at = GUINT64_FROM_BE (at);
          /* Pieces follow each other: any gap or overlap is damage. */
          if (at != filled || length > upload->written - filled)
            {
              g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL,
                           _("The pieces of the upload %s do not follow each other at byte %"
                             PRIu64),
                           upload->sha256, filled);
              failed = TRUE;
            }
          else
            {
              memcpy (bytes + filled, PQgetvalue (result, 0, 1), length);
              filled += length;
            }
        }
      else if (!failed && status != PGRES_TUPLES_OK)
        {
          hall_server_postgres_set_error (error, upload->pg, result, _("read the upload"));
          failed = TRUE;
        }
      PQclear (result);
    }
  if (failed)
    return NULL;
  if (filled != upload->written)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SQL,
                   _("The upload %s holds %" PRIu64 " bytes, not %" PRIu64),
                   upload->sha256, filled, upload->written);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&bytes), filled);
}

/* Rolls back, then removes the upload's record and pieces unless
 * @only_if_created and this upload did not make the record: a failed
 * request leaves the upload as it was before it, or gone when it began
 * it. */
static void
end_removing (HallBlobTableUpload *upload,
              gboolean             only_if_created)
{
  const char *values[] = { upload->sha256 };
  g_autoptr(GError) error = NULL;

  if (PQtransactionStatus (upload->pg) != PQTRANS_IDLE)
    PQclear (PQexec (upload->pg, "ROLLBACK"));
  if ((upload->created || !only_if_created)
      && !exec_ok (upload, "DELETE FROM blob_uploads WHERE sha256 = $1", 1, values,
                   _("remove the upload"), &error))
    /* Left to the sweep. */
    g_warning ("%s", error->message);
  upload_end (upload);
}

gboolean
hall_blob_table_upload_keep (HallBlobTableUpload  *upload,
                             GError              **error)
{
  const char *values[] = { upload->sha256 };

  /* The sweep counts from the last byte, not from when the request began
   * (now () would be the transaction's start): a slow request is not
   * swept the moment it ends. */
  if (!flush (upload, error)
      || !exec_ok (upload, "UPDATE blob_uploads SET written_at = clock_timestamp ()"
                   " WHERE sha256 = $1",
                   1, values, _("store the upload"), error)
      || !exec_ok (upload, "COMMIT", 0, NULL, _("store the upload"), error))
    {
      end_removing (upload, TRUE);
      return FALSE;
    }
  upload_end (upload);
  return TRUE;
}

gboolean
hall_blob_table_upload_complete (HallBlobTableUpload  *upload,
                                 GError              **error)
{
  g_autofree char *size = NULL;
  const char *values[2];
  gboolean ok;

  ok = flush (upload, error);
  size = g_strdup_printf ("%" G_GUINT64_FORMAT, upload->written);
  values[0] = upload->sha256;
  values[1] = size;
  /* Put together where the pieces are: the bytes do not cross the
   * network again. They are the ones the caller checked, read in this
   * transaction under the upload's lock. */
  ok = ok
       && exec_ok (upload,
                   "INSERT INTO blobs (sha256, size, data)"
                   " SELECT $1, $2, string_agg (data, ''::bytea ORDER BY byte_offset)"
                   " FROM blob_upload_parts WHERE sha256 = $1"
                   " ON CONFLICT (sha256) DO NOTHING",
                   2, values, _("store the blob"), error)
       && exec_ok (upload, "DELETE FROM blob_uploads WHERE sha256 = $1", 1, values,
                   _("store the blob"), error)
       && exec_ok (upload, "COMMIT", 0, NULL, _("store the blob"), error);
  if (ok)
    upload_end (upload);
  else
    end_removing (upload, TRUE);
  return ok;
}

void
hall_blob_table_upload_discard (HallBlobTableUpload *upload)
{
  end_removing (upload, TRUE);
}

void
hall_blob_table_upload_remove (HallBlobTableUpload *upload)
{
  end_removing (upload, FALSE);
}

gint64
hall_blob_table_sweep_uploads (HallBlobTable  *self,
                               guint64         ttl_seconds,
                               GError        **error)
{
  g_autofree char *ttl = g_strdup_printf ("%" G_GUINT64_FORMAT, ttl_seconds);
  const char *values[] = { ttl };
  PGresult *result;
  gint64 removed;

  /* An upload being written holds its record's row lock: skipped. */
  result = _hall_blob_table_run (self,
                                 "DELETE FROM blob_uploads WHERE sha256 IN"
                                 " (SELECT sha256 FROM blob_uploads"
                                 "  WHERE written_at < now () - $1::double precision * interval '1 second'"
                                 "  FOR UPDATE SKIP LOCKED)",
                                 1, values, NULL, NULL, 0, _("remove expired uploads"), error);
  if (result == NULL)
    return -1;
  removed = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
  PQclear (result);
  return removed;
}
