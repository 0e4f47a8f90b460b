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
HallBlobTable *hall_blob_table_new      (const char     *uri,
                                         GError        **error);
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
/* Stores the bytes of the file at @path (already checked: they hash to
 * @sha256) as the blob @sha256; a blob already held stays as it is. The
 * blob is durable when this returns TRUE (committed). */
gboolean       hall_blob_table_put_file (HallBlobTable  *self,
                                         const char     *sha256,
                                         const char     *path,
                                         GError        **error);

G_END_DECLS
