/* hall-store-pages.h — HallStore: the pages of a case's documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each page is a file named by its SHA-256 in hall_store_get_pages_dir(),
 * written to a temporary file, fsynced and renamed before the row that
 * names it is committed. Adding pages to a slot of a case's checklist
 * records a "document" entry on the case through the outbox, in the same
 * transaction; the files themselves wait in the queue of unsent pages
 * until the sync engine has uploaded them (hall-store-sync-private.h).
 */
#pragma once

#include "hall-page-image.h"
#include "hall-store.h"

G_BEGIN_DECLS

/* One stored page. */
typedef struct
{
  char         *uuid;
  char         *case_uuid;
  char         *slot;      /* the checklist's document id */
  guint         position;  /* 0, 1, … within the slot */
  char         *sha256;
  char         *mime;      /* "image/jpeg" or "image/tiff" */
  HallPageKind  kind;
  guint         width;
  guint         height;
  guint         dpi;
  gint64        bytes;
  gint64        created_at;
  gboolean      uploaded;
} HallStoredPage;

void            hall_stored_page_free              (HallStoredPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStoredPage, hall_stored_page_free)

/* (transfer full): the folder of the page files. */
char           *hall_store_get_pages_dir           (HallStore      *self);
/* (transfer full): the file of a page with @sha256. */
char           *hall_store_get_page_path           (HallStore      *self,
                                                    const char     *sha256);

/* Whether the file of the page @sha256 is at this counter. A page pulled
 * from another counter has its record here and its file on the server
 * until it is opened (hall_sync_engine_fetch_page_async()). */
gboolean        hall_store_has_page_file           (HallStore      *self,
                                                    const char     *sha256);

/* (transfer full) (nullable): the file of @page read back and decoded,
 * scaled down to at most @max_side pixels on its longer side (a
 * thumbnail), or as stored when @max_side is 0. Reads and decodes on the
 * calling thread; a file that is not here is G_FILE_ERROR_NOENT. */
HallPageImage  *hall_store_load_page_image         (HallStore            *self,
                                                    const HallStoredPage *page,
                                                    guint                 max_side,
                                                    GError              **error);
/* hall_store_load_page_image() on a worker thread: a window's thumbnails
 * are decoded off its main loop. A cancelled load finishes at once with
 * G_IO_ERROR_CANCELLED. */
void            hall_store_load_page_image_async   (HallStore            *self,
                                                    const HallStoredPage *page,
                                                    guint                 max_side,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* (transfer full) */
HallPageImage  *hall_store_load_page_image_finish  (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* Compresses @images (element-type HallPageImage) by kind, writes each as
 * its file and adds them, in order, at the end of @slot of the case
 * @case_uuid, with a "document" entry (through the outbox) saying how many
 * pages were added by @official. A case or slot that does not exist is
 * refused (HALL_STORE_ERROR_NOT_FOUND, HALL_VALIDATION_ERROR) before
 * anything is written. @pages_out (optional) (transfer full)
 * (element-type HallStoredPage): the pages added. */
gboolean        hall_store_add_pages               (HallStore      *self,
                                                    const char     *case_uuid,
                                                    const char     *slot,
                                                    GPtrArray      *images,
                                                    const char     *official,
                                                    GPtrArray     **pages_out,
                                                    GError        **error);
void            hall_store_add_pages_async         (HallStore          *self,
                                                    const char         *case_uuid,
                                                    const char         *slot,
                                                    GPtrArray          *images,
                                                    const char         *official,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* (transfer full) (element-type HallStoredPage) */
GPtrArray      *hall_store_add_pages_finish        (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

/* (transfer full) (element-type HallStoredPage): the case's pages in the
 * order of its checklist, then by position; pages of a slot the checklist
 * does not name come last. */
GPtrArray      *hall_store_list_case_pages         (HallStore      *self,
                                                    const char     *case_uuid,
                                                    GError        **error);
/* hall_store_list_case_pages() on a worker thread, for a window: a
 * cancelled read finishes at once with G_IO_ERROR_CANCELLED. */
void            hall_store_list_case_pages_async   (HallStore          *self,
                                                    const char         *case_uuid,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* (transfer full) (element-type HallStoredPage) */
GPtrArray      *hall_store_list_case_pages_finish  (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
/* (transfer full) (element-type utf8): the SHA-256 (lowercase hex) of each
 * page of the case, sorted; what a decision signs for its documents. */
GPtrArray      *hall_store_list_case_document_hashes (HallStore    *self,
                                                      const char   *case_uuid,
                                                      GError      **error);
/* (transfer full) (element-type utf8): the checklist's documents of the
 * case that have no page yet, in checklist order. */
GPtrArray      *hall_store_list_missing_documents  (HallStore      *self,
                                                    const char     *case_uuid,
                                                    GError        **error);
/* Removes the page @page_uuid from its slot (the pages after it move up)
 * or moves it to @position within its slot. The file stays while another
 * page names it and until the server has it. */
gboolean        hall_store_remove_page             (HallStore      *self,
                                                    const char     *page_uuid,
                                                    GError        **error);
gboolean        hall_store_move_page               (HallStore      *self,
                                                    const char     *page_uuid,
                                                    guint           position,
                                                    GError        **error);
/* hall_store_remove_page() and hall_store_move_page() on a worker thread
 * (each commits with an fsync). Once begun, a cancelled one still runs
 * to its end and reports what it did. */
void            hall_store_remove_page_async       (HallStore          *self,
                                                    const char         *page_uuid,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean        hall_store_remove_page_finish      (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
void            hall_store_move_page_async         (HallStore          *self,
                                                    const char         *page_uuid,
                                                    guint               position,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean        hall_store_move_page_finish        (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
/* Puts @image in the place of the page @page_uuid (a page scanned again,
 * or turned: hall_page_image_rotate()), keeping its uuid, slot and
 * position: the new file, the page's row, its record for the server and
 * the case's history entry in one transaction. *@page_out (transfer full)
 * (optional): the page as it is now. Runs on the calling thread (encodes
 * and fsyncs). */
gboolean        hall_store_replace_page            (HallStore      *self,
                                                    const char     *page_uuid,
                                                    HallPageImage  *image,
                                                    const char     *official,
                                                    HallStoredPage **page_out,
                                                    GError        **error);
/* hall_store_replace_page() on a worker thread. */
void            hall_store_replace_page_async      (HallStore          *self,
                                                    const char         *page_uuid,
                                                    HallPageImage      *image,
                                                    const char         *official,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
/* (transfer full): the page as it is now. */
HallStoredPage *hall_store_replace_page_finish     (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);
/* Turns @page by @quarter_turns × 90° clockwise on a worker thread: its
 * file read, decoded, turned and stored in its place, as
 * hall_store_replace_page() does. The window's main loop never holds a
 * whole page. _finish: (transfer full) the page as it is now. */
void            hall_store_turn_page_async         (HallStore            *self,
                                                    const HallStoredPage *page,
                                                    int                   quarter_turns,
                                                    const char           *official,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
HallStoredPage *hall_store_turn_page_finish        (HallStore      *self,
                                                    GAsyncResult   *result,
                                                    GError        **error);

G_END_DECLS
