/* hall-blob-table-private.h — what the files of HallBlobTable share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libpq-fe.h>

#include "hall-blob-table.h"

G_BEGIN_DECLS

/* (transfer full): an idle connection of @self, or a new one; NULL with
 * HALL_DATABASE_ERROR_OPEN. */
PGconn   *_hall_blob_table_take_conn (HallBlobTable      *self,
                                      GError            **error);
/* Keeps @pg for the next request, unless it broke or is inside a
 * transaction. */
void      _hall_blob_table_give_conn (HallBlobTable      *self,
                                      PGconn             *pg);
/* Counts an upload that is to hold a connection, or fails with
 * G_IO_ERROR_BUSY when as many as allowed are running; each success is
 * ended by _hall_blob_table_end_upload(). */
gboolean  _hall_blob_table_begin_upload (HallBlobTable  *self,
                                         GError        **error);
void      _hall_blob_table_end_upload   (HallBlobTable  *self);
/* (transfer full): the result of @sql on a connection of @self, run once
 * more on a new connection when the one taken had broken (for single
 * reads and statements that may run twice); NULL with @error set. */
PGresult *_hall_blob_table_run       (HallBlobTable      *self,
                                      const char         *sql,
                                      int                 n_params,
                                      const char * const *values,
                                      const int          *lengths,
                                      const int          *formats,
                                      int                 result_format,
                                      const char         *doing,
                                      GError            **error);

G_END_DECLS
