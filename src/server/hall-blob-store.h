/* hall-blob-store.h — scanned pages and other files, named by their SHA-256
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hall-blob-table.h"

G_BEGIN_DECLS

#define HALL_BLOB_STORE_ERROR (hall_blob_store_error_quark ())
typedef enum
{
  HALL_BLOB_STORE_ERROR_IO,
  HALL_BLOB_STORE_ERROR_OFFSET,    /* the upload does not continue what is held */
  HALL_BLOB_STORE_ERROR_BUSY,      /* another upload of the same blob is running */
  HALL_BLOB_STORE_ERROR_MISMATCH,  /* the bytes do not hash to the name */
  HALL_BLOB_STORE_ERROR_TOO_LARGE, /* more bytes than the announced length */
  HALL_BLOB_STORE_ERROR_LENGTH,    /* another length than the upload in progress has */
  HALL_BLOB_STORE_ERROR_CAP,       /* the official's partial uploads would pass the cap */
  HALL_BLOB_STORE_ERROR_FULL,      /* no space left on the disk (or over quota) */
  HALL_BLOB_STORE_ERROR_FORMAT,    /* not a PNG, JPEG, TIFF or PDF (its first bytes) */
  HALL_BLOB_STORE_ERROR_PAGE,      /* a damaged header, or a page over the pixel limit */
  HALL_BLOB_STORE_ERROR_UNAVAILABLE, /* the server writes as many uploads as it may */
} HallBlobStoreError;

GQuark hall_blob_store_error_quark (void);

typedef enum
{
  HALL_BLOB_NONE,
  HALL_BLOB_PARTIAL,
  HALL_BLOB_COMPLETE,
  HALL_BLOB_UNKNOWN,   /* the blob table did not answer: neither held nor missing */
} HallBlobState;

/* A partial upload not written to for this long is removed. */
#define HALL_BLOB_PARTIAL_TTL_DEFAULT (24 * 60 * 60)
/* The bytes of unfinished uploads one official may hold. */
#define HALL_BLOB_PARTIAL_CAP_DEFAULT ((guint64) 200 * 1024 * 1024)

/* One running upload; holds the blob's lock until finished, discarded or
 * aborted. */
typedef struct _HallBlobUpload HallBlobUpload;

#define HALL_TYPE_BLOB_STORE (hall_blob_store_get_type ())
G_DECLARE_FINAL_TYPE (HallBlobStore, hall_blob_store, HALL, BLOB_STORE, GObject)

/* (transfer full): complete blobs live in @dir/<2 hex>/<sha256>, uploads
 * in progress in @dir/partial/<sha256>, beside <sha256>.upload, which says
 * whose the upload is and how long the file will be. A complete blob is
 * written, fsynced and renamed, so it is never seen half-written.
 * Thread-safe. */
HallBlobStore  *hall_blob_store_new          (const char      *dir,
                                              guint64          max_size,
                                              GError         **error);
guint64         hall_blob_store_get_max_size (HallBlobStore   *self);
/* Complete blobs and uploads in progress go into @table (complete ones
 * are read from it first) instead of files of the directory: the cap and
 * the sweep then count the uploads of every server on the database, and
 * an upload is written by one server at a time. Call it before
 * hall_blob_store_set_partial_limits(). */
void            hall_blob_store_set_table    (HallBlobStore   *self,
                                              HallBlobTable   *table);
/* A partial upload not written to for @ttl_seconds (at least 1) is
 * removed; one official's partial uploads may hold at most @cap_bytes (each
 * counts with its announced length). The first call takes the partial
 * uploads on disk in hand: those with a record are known again, whatever
 * else lies there goes, and from then on a thread of the store's own sweeps
 * every quarter of the time to live (at most hourly) until the store is
 * finalized. Call it in the one process that serves uploads from @dir,
 * never in another one beside it (it would take the first one's uploads
 * for leftovers). Later calls change the limits and sweep at once. */
void            hall_blob_store_set_partial_limits (HallBlobStore *self,
                                                    guint64        ttl_seconds,
                                                    guint64        cap_bytes);
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

/* Starts writing @total bytes (1 to the maximum size) in the name of
 * @official. @whole (a PUT) discards any partial data and starts at 0.
 * Otherwise @offset must equal what is held, else
 * HALL_BLOB_STORE_ERROR_OFFSET with *held_out set; an upload in progress
 * with another length is HALL_BLOB_STORE_ERROR_LENGTH; a new one that
 * would take @official's partial uploads past the cap is
 * HALL_BLOB_STORE_ERROR_CAP. (transfer full): ended by
 * hall_blob_upload_finish(), _discard() or _abort(). */
HallBlobUpload *hall_blob_store_begin_upload (HallBlobStore   *self,
                                              const char      *sha256,
                                              const char      *official,
                                              gboolean         whole,
                                              guint64          offset,
                                              guint64          total,
                                              guint64         *held_out,
                                              GError         **error);
/* Writes on, or fails with HALL_BLOB_STORE_ERROR_TOO_LARGE (past the
 * announced length, nothing of @data written), _FULL or _IO; after a
 * failure the upload is to be discarded. */
gboolean        hall_blob_upload_write       (HallBlobUpload  *upload,
                                              const void      *data,
                                              gsize            length,
                                              GError         **error);
/* When the bytes held reach the announced total (or for a whole upload,
 * always), checks the hash, then the file's header as the counter does
 * (hall_page_header_read(): format, a readable header, at most
 * HALL_PAGE_MAX_PIXELS a page, never decoding it): the blob becomes
 * complete (TRUE, *complete_out TRUE) or the data is discarded
 * (HALL_BLOB_STORE_ERROR_MISMATCH, _FORMAT or _PAGE).
 * Otherwise the bytes are synced to disk and *held_out says how many there
 * are. On any failure, what this upload wrote is gone. Frees @upload. */
gboolean        hall_blob_upload_finish      (HallBlobUpload  *upload,
                                              gboolean        *complete_out,
                                              guint64         *held_out,
                                              GError         **error);
/* The upload was refused: what it wrote is removed (the partial upload as
 * it was before it, or nothing when it began one). Frees @upload. */
void            hall_blob_upload_discard     (HallBlobUpload  *upload);
/* The client went away: a resumable upload keeps what was written, a
 * whole one leaves nothing. Frees @upload. */
void            hall_blob_upload_abort       (HallBlobUpload  *upload);

G_END_DECLS
