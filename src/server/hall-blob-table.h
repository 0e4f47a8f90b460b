/* hall-blob-table.h — complete blobs kept in PostgreSQL (--blobs postgresql)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HALL_TYPE_BLOB_TABLE (hall_blob_table_get_type ())
G_DECLARE_FINAL_TYPE (HallBlobTable, hall_blob_table, HALL, BLOB_TABLE, GObject)

/* (transfer full): the table "blobs" of the database @uri (the server's
 * storage made it, schema 9), on connections of its own, made as they are
 * needed and kept for the next request. Thread-safe. NULL with
 * HALL_DATABASE_ERROR_OPEN when the database cannot be reached. */
/* Uploads one server writes into the table at once, each holding a
 * connection of its own for as long as its body takes: past these,
 * hall_blob_table_lock_upload() refuses with G_IO_ERROR_BUSY (a 503 the
 * counter retries), so that slow uploads cannot use up the database's
 * connections for the records too. */
#define HALL_BLOB_TABLE_MAX_UPLOADS_DEFAULT 32

HallBlobTable *hall_blob_table_new      (const char     *uri,
                                         GError        **error);
void           hall_blob_table_set_max_uploads (HallBlobTable *self,
                                                guint          max_uploads);
/* Whether the blob @sha256 is held (*@size_out its size); FALSE with
 * @error unset when it is not, set when the database failed. */
gboolean       hall_blob_table_stat     (HallBlobTable  *self,
                                         const char     *sha256,
                                         guint64        *size_out,
                                         GError        **error);
/* (transfer full): a file descriptor (an anonymous file in memory) on the
 * blob's bytes, at offset 0; -1 with @error unset when it is not held,
 * set when the database failed. */
int            hall_blob_table_open     (HallBlobTable  *self,
                                         const char     *sha256,
                                         guint64        *size_out,
                                         GError        **error);
/* Uploads in progress (hall-blob-table-uploads.c): each is a record in
 * "blob_uploads" (whose it is, its announced length, when it was last
 * written to) and its bytes in pieces, rows of "blob_upload_parts", so
 * that an upload begun through one server goes on through any other. */

/* One upload being written; holds the blob's lock (an advisory lock of
 * its connection's session: PostgreSQL lets it go when the server dies)
 * and a transaction that this request's bytes go into. */
typedef struct _HallBlobTableUpload HallBlobTableUpload;

/* Whether an upload of @sha256 is in progress (*@held_out: the bytes it
 * holds, as committed); FALSE with @error unset when none is, set when
 * the database failed. */
gboolean       hall_blob_table_stat_upload (HallBlobTable  *self,
                                            const char     *sha256,
                                            guint64        *held_out,
                                            GError        **error);
/* (transfer full): takes the lock of @sha256's upload and opens its
 * transaction; NULL with *@busy_out TRUE (and @error unset) when another
 * upload of it holds the lock, through this server or another one. */
HallBlobTableUpload *hall_blob_table_lock_upload (HallBlobTable  *self,
                                                  const char     *sha256,
                                                  gboolean       *busy_out,
                                                  GError        **error);
/* Whether the upload is in progress already: its announced length and
 * the bytes it holds. */
gboolean       hall_blob_table_upload_get_record (HallBlobTableUpload *upload,
                                                  guint64             *length_out,
                                                  guint64             *held_out);
/* Begins the upload anew, @total bytes long, in the name of @official,
 * unless @official's other unfinished uploads and this one would hold
 * more than @cap bytes: then FALSE with @error unset and *@charged_out
 * what the others hold. A resumable upload's record is committed at once
 * (under a lock per official, so that servers admitting at once count
 * each other's); a whole one's (@whole: a PUT, never resumed) is part of
 * its transaction, and any upload in progress it replaces is removed with
 * it. */
gboolean       hall_blob_table_upload_create (HallBlobTableUpload *upload,
                                              const char          *official,
                                              guint64              total,
                                              gboolean             whole,
                                              guint64              cap,
                                              guint64             *charged_out,
                                              GError             **error);
/* Adds @length bytes at the end; they become a row once a piece is full,
 * or at the end. On failure the upload is to be discarded. */
gboolean       hall_blob_table_upload_write (HallBlobTableUpload *upload,
                                             const void          *data,
                                             gsize                length,
                                             GError             **error);
/* (transfer full): every byte of the upload, its pieces in offset order;
 * NULL with @error set. */
GBytes        *hall_blob_table_upload_read (HallBlobTableUpload *upload,
                                            GError             **error);

/* Each of these ends the upload, lets its lock go and frees it. */

/* Commits what this request wrote: the upload goes on from there. */
gboolean       hall_blob_table_upload_keep (HallBlobTableUpload *upload,
                                            GError             **error);
/* The bytes (checked by the caller) become the blob's row, and the
 * upload's rows go, in one transaction. */
gboolean       hall_blob_table_upload_complete (HallBlobTableUpload *upload,
                                                GError             **error);
/* Takes back what this request wrote; the record too when it made it. */
void           hall_blob_table_upload_discard (HallBlobTableUpload *upload);
/* Removes the upload and all it held (bytes that are not what their name
 * says). */
void           hall_blob_table_upload_remove (HallBlobTableUpload *upload);

/* Removes the uploads nobody wrote to for @ttl_seconds, except those
 * being written now (through any server); how many went, or -1 with
 * @error set. */
gint64         hall_blob_table_sweep_uploads (HallBlobTable  *self,
                                              guint64         ttl_seconds,
                                              GError        **error);

G_END_DECLS
