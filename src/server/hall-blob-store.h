/* hall-blob-store.h — scanned pages and other files, named by their SHA-256
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HALL_BLOB_STORE_ERROR (hall_blob_store_error_quark ())
typedef enum
{
  HALL_BLOB_STORE_ERROR_IO,
  HALL_BLOB_STORE_ERROR_OFFSET,    /* the upload does not continue what is held */
  HALL_BLOB_STORE_ERROR_BUSY,      /* another upload of the same blob is running */
  HALL_BLOB_STORE_ERROR_MISMATCH,  /* the bytes do not hash to the name */
  HALL_BLOB_STORE_ERROR_TOO_LARGE,
} HallBlobStoreError;

GQuark hall_blob_store_error_quark (void);

typedef enum
{
  HALL_BLOB_NONE,
  HALL_BLOB_PARTIAL,
  HALL_BLOB_COMPLETE,
} HallBlobState;

/* One running upload; holds the blob's lock until finished or aborted. */
typedef struct _HallBlobUpload HallBlobUpload;

#define HALL_TYPE_BLOB_STORE (hall_blob_store_get_type ())
G_DECLARE_FINAL_TYPE (HallBlobStore, hall_blob_store, HALL, BLOB_STORE, GObject)

/* (transfer full): complete blobs live in @dir/<2 hex>/<sha256>, uploads
 * in progress in @dir/partial/<sha256>: a complete blob is written, fsynced
 * and renamed, so it is never seen half-written. */
HallBlobStore  *hall_blob_store_new          (const char      *dir,
                                              guint64          max_size,
                                              GError         **error);
guint64         hall_blob_store_get_max_size (HallBlobStore   *self);
/* @sha256 must be 64 lowercase hex digits (hall_blob_store_is_valid_name). */
gboolean        hall_blob_store_is_valid_name (const char     *sha256);
HallBlobState   hall_blob_store_stat         (HallBlobStore   *self,
                                              const char      *sha256,
                                              guint64         *size_out);
/* (transfer full): a file descriptor on a complete blob, for the caller to
 * close; or -1 with an error. */
int             hall_blob_store_open         (HallBlobStore   *self,
                                              const char      *sha256,
                                              guint64         *size_out,
                                              GError         **error);

/* Starts writing at @offset: @restart discards any partial data (a whole
 * PUT, @offset 0); otherwise @offset must equal what is held, else
 * HALL_BLOB_STORE_ERROR_OFFSET with *held_out set. @total is the announced
 * length, 0 when unknown. (transfer full): ended by
 * hall_blob_upload_finish() or hall_blob_upload_abort(). */
HallBlobUpload *hall_blob_store_begin_upload (HallBlobStore   *self,
                                              const char      *sha256,
                                              gboolean         restart,
                                              guint64          offset,
                                              guint64          total,
                                              guint64         *held_out,
                                              GError         **error);
gboolean        hall_blob_upload_write       (HallBlobUpload  *upload,
                                              const void      *data,
                                              gsize            length,
                                              GError         **error);
/* When the bytes held reach the announced total (or, with @whole, always),
 * checks the hash: the blob becomes complete (TRUE, *complete_out TRUE) or
 * the data is discarded (HALL_BLOB_STORE_ERROR_MISMATCH). Otherwise the
 * bytes are synced to disk and *held_out says how many there are. Frees
 * @upload. */
gboolean        hall_blob_upload_finish      (HallBlobUpload  *upload,
                                              gboolean         whole,
                                              gboolean        *complete_out,
                                              guint64         *held_out,
                                              GError         **error);
/* The client went away: keeps what was written, for a resumed upload. */
void            hall_blob_upload_abort       (HallBlobUpload  *upload);

G_END_DECLS
