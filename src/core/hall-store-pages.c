/* hall-store-pages.c — HallStore: pages of a case's documents, their files
 * and the queue of pages the server does not have yet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hall-background-task.h"
#include "hall-core-error.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-store-pages.h"
#include "hall-store-private.h"

#define PAGE_COLUMNS                                                     \
  "p.uuid, c.uuid, p.slot, p.position, p.sha256, p.mime, p.kind, p.width, " \
  "p.height, p.dpi, p.bytes, p.created_at, p.uploaded_at IS NOT NULL"
#define PAGE_FROM " FROM pages p JOIN cases c ON c.id = p.case_id "

void
hall_stored_page_free (HallStoredPage *page)
{
  if (page == NULL)
    return;
  g_free (page->uuid);
  g_free (page->case_uuid);
  g_free (page->slot);
  g_free (page->sha256);
  g_free (page->mime);
  g_free (page);
}

static gpointer
read_page (HallSqliteStmt *stmt)
{
  HallStoredPage *page = g_new0 (HallStoredPage, 1);

  page->uuid = hall_sqlite_column_dup (stmt, 0);
  page->case_uuid = hall_sqlite_column_dup (stmt, 1);
  page->slot = hall_sqlite_column_dup (stmt, 2);
  page->position = sqlite3_column_int (stmt, 3);
  page->sha256 = hall_sqlite_column_dup (stmt, 4);
  page->mime = hall_sqlite_column_dup (stmt, 5);
  if (!hall_page_kind_from_string ((const char *) sqlite3_column_text (stmt, 6), &page->kind))
    page->kind = HALL_PAGE_KIND_COLOUR;
  page->width = sqlite3_column_int (stmt, 7);
  page->height = sqlite3_column_int (stmt, 8);
  page->dpi = sqlite3_column_int (stmt, 9);
  page->bytes = sqlite3_column_int64 (stmt, 10);
  page->created_at = sqlite3_column_int64 (stmt, 11);
  page->uploaded = sqlite3_column_int (stmt, 12) != 0;
  return page;
}

char *
hall_store_get_pages_dir (HallStore *self)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  dir = g_path_get_dirname (self->path);
  return g_build_filename (dir, "pages", NULL);
}

char *
hall_store_get_page_path (HallStore  *self,
                          const char *sha256)
{
  g_autofree char *dir = hall_store_get_pages_dir (self);
  char prefix[3] = { sha256[0], sha256[1], 0 };

  return g_build_filename (dir, prefix, sha256, NULL);
}

static gboolean
fsync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);
  return ok;
}

/* The file of a page: written beside its final name, synced, renamed and
 * its folder synced, so that a crash leaves either no file or a whole one;
 * never a half-written file under a name that promises its hash. */
static gboolean
write_page_file (HallStore   *self,
                 GBytes      *bytes,
                 const char  *sha256,
                 GError     **error)
{
  g_autofree char *path = hall_store_get_page_path (self, sha256);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gsize done = 0;
  int saved;
  int fd;

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE; /* content-addressed: the same name is the same bytes */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    goto fail_errno;
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail_errno;
  while (done < size)
    {
      ssize_t n = write (fd, data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          close (fd);
          g_unlink (tmp);
          errno = saved;
          goto fail_errno;
        }
      done += n;
    }
  if (fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      errno = saved;
      goto fail_errno;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      errno = saved;
      goto fail_errno;
    }
  fsync_dir (dir);
  return TRUE;

fail_errno:
  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Could not save the page in %s: %s"), dir, g_strerror (saved));
  return FALSE;
}

typedef struct
{
  HallStoredPage *page;
  GBytes         *bytes;
} Encoded;

/* An entry of the case's history for a change of its pages; @slot when
 * pages came for that document of the checklist, which they provide. */
static gboolean
document_event_locked (HallStore  *self,
                       const char *case_uuid,
                       const char *slot,
                       const char *official,
                       const char *note,
                       GError    **error)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (case_uuid, HALL_CASE_EVENT_DOCUMENT);

  hall_case_event_set_slot (event, slot);
  hall_case_event_set_note (event, note);
  if (official != NULL)
    hall_case_event_set_official (event, official);
  hall_case_event_set_at (event, _hall_store_now_seconds ());
  return _hall_store_add_case_event_locked (self, event, error);
}

/* The record of @page as the server takes it (PUT /v1/pages/{uuid}):
 * which case and checklist slot its blob is a page of, and where. */
static char *
page_record_json (const HallStoredPage *page,
                  int                   turn,
                  gboolean              deleted)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *created_at = hall_timestamp_to_iso8601 (page->created_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, page->uuid);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, page->case_uuid);
  json_builder_set_member_name (builder, "slot");
  json_builder_add_string_value (builder, page->slot);
  json_builder_set_member_name (builder, "position");
  json_builder_add_int_value (builder, page->position);
  json_builder_set_member_name (builder, "turn");
  json_builder_add_int_value (builder, turn);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, page->sha256);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, hall_page_kind_to_string (page->kind));
  json_builder_set_member_name (builder, "mime");
  json_builder_add_string_value (builder, page->mime);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, page->bytes);
  if (page->width > 0)
    {
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, page->width);
    }
  if (page->height > 0)
    {
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, page->height);
    }
  if (page->dpi > 0)
    {
      json_builder_set_member_name (builder, "dpi");
      json_builder_add_int_value (builder, page->dpi);
    }
  if (created_at != NULL)
    {
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, created_at);
    }
  if (deleted)
    {
      json_builder_set_member_name (builder, "deleted");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_end_object (builder);
  return _hall_store_json_to_string_free (json_builder_get_root (builder));
}

/* The page's record goes to the server in the same transaction as the
 * page: the sync engine sends the file first (hall-sync-blobs.c), then
 * the outbox, so the server never hears of a page whose file it lacks. */
static gboolean
enqueue_page_locked (HallStore             *self,
                     const HallStoredPage  *page,
                     GError               **error)
{
  g_autofree char *path = g_strdup_printf ("/v1/pages/%s", page->uuid);
  g_autofree char *body = page_record_json (page, 0, FALSE);

  return _hall_store_enqueue_locked (self, "PUT", path, body, "page", page->uuid,
                                     page->case_uuid, 0, error);
}

/* The page @uuid as it is now, and the version of its record the server
 * acknowledged last; NULL with @error when it is not here. */
static HallStoredPage *
read_page_locked (HallStore   *self,
                  const char  *uuid,
                  gint64      *version_out,
                  GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  HallStoredPage *page;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT " PAGE_COLUMNS ", p.version" PAGE_FROM
                                   "WHERE p.uuid = ?1", error);
  if (stmt == NULL)
    return NULL;
  hall_sqlite_bind_text (stmt, 1, uuid);
  if (!hall_sqlite_stmt_step_row (stmt, _("read the page"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                     _("There is no page %s at this counter"), uuid);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  page = read_page (stmt);
  *version_out = sqlite3_column_int64 (stmt, 13);
  return page;
}

/* A change of the page @page_uuid's record (its place, or its removal:
 * @deleted) for the server, in the caller's transaction: If-Match is the
 * version last acknowledged (raised on the row when an earlier row of the
 * page is acknowledged, hall-store-outbox.c). @page is the page as it was
 * when it is removed, else NULL to read it as it is now. */
static gboolean
enqueue_page_change_locked (HallStore             *self,
                            const char            *page_uuid,
                            const HallStoredPage  *removed,
                            gint64                 removed_version,
                            GError               **error)
{
  g_autoptr (HallStoredPage) current = NULL;
  g_autofree char *path = g_strdup_printf ("/v1/pages/%s", page_uuid);
  g_autofree char *body = NULL;
  gint64 version = removed_version;

  if (removed == NULL)
    {
      current = read_page_locked (self, page_uuid, &version, error);
      if (current == NULL)
        return FALSE;
    }
  body = page_record_json (removed != NULL ? removed : current, 0, removed != NULL);
  return _hall_store_enqueue_locked (self, "PUT", path, body, "page", page_uuid,
                                     (removed != NULL ? removed : current)->case_uuid, version,
                                     error);
}

/* Sends the new place of every page of @row's slot at positions @from to
 * @to (inclusive). */
static gboolean
enqueue_slot_range_locked (HallStore  *self,
                           gint64      case_id,
                           const char *slot,
                           gint64      from,
                           gint64      to,
                           GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT uuid FROM pages WHERE case_id = ?1 AND slot = ?2"
                                   " AND position BETWEEN ?3 AND ?4 ORDER BY position",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  hall_sqlite_bind_text (stmt, 2, slot);
  sqlite3_bind_int64 (stmt, 3, from);
  sqlite3_bind_int64 (stmt, 4, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (uuids, hall_sqlite_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("reorder the pages"));
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  for (guint i = 0; i < uuids->len; i++)
    if (!enqueue_page_change_locked (self, g_ptr_array_index (uuids, i), NULL, 0, error))
      return FALSE;
  return TRUE;
}

static gboolean
add_pages_locked (HallStore   *self,
                  const char  *case_uuid,
                  const char  *slot,
                  GPtrArray   *pages,
                  const char  *official,
                  GError     **error)
{
  g_autoptr (HallSqliteStmt) last = NULL;
  g_autoptr (HallSqliteStmt) insert = NULL;
  g_autofree char *note = NULL;
  gint64 case_id = 0;
  gint64 next = 0;

  if (!_hall_store_lookup_case_id_locked (self, case_uuid, &case_id, error))
    return FALSE;
  if (case_id == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no case %s at this counter"), case_uuid);
      return FALSE;
    }
  last = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT coalesce (max (position) + 1, 0) FROM pages"
                                   " WHERE case_id = ?1 AND slot = ?2", error);
  if (last == NULL)
    return FALSE;
  sqlite3_bind_int64 (last, 1, case_id);
  hall_sqlite_bind_text (last, 2, slot);
  if (!hall_sqlite_stmt_step_row (last, _("read the pages of the case"), error))
    return FALSE;
  next = sqlite3_column_int64 (last, 0);

  insert = hall_sqlite_conn_prepare (self->writer,
                                     "INSERT INTO pages (uuid, case_id, slot, position, sha256,"
                                     " mime, kind, width, height, dpi, bytes, created_at)"
                                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                                     error);
  if (insert == NULL)
    return FALSE;
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);

      page->position = next + i;
      sqlite3_reset (insert);
      hall_sqlite_bind_text (insert, 1, page->uuid);
      sqlite3_bind_int64 (insert, 2, case_id);
      hall_sqlite_bind_text (insert, 3, slot);
      sqlite3_bind_int64 (insert, 4, page->position);
      hall_sqlite_bind_text (insert, 5, page->sha256);
      hall_sqlite_bind_text (insert, 6, page->mime);
      hall_sqlite_bind_text (insert, 7, hall_page_kind_to_string (page->kind));
      sqlite3_bind_int (insert, 8, page->width);
      sqlite3_bind_int (insert, 9, page->height);
      sqlite3_bind_int (insert, 10, page->dpi);
      sqlite3_bind_int64 (insert, 11, page->bytes);
      sqlite3_bind_int64 (insert, 12, page->created_at);
      if (!hall_sqlite_stmt_run (insert, _("save the page"), error)
          || !enqueue_page_locked (self, page, error))
        return FALSE;
    }
  /* Translators: an entry of a case's timeline; %s is the document's id. */
  note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page added to %s",
                                       "%u pages added to %s", pages->len),
                          pages->len, slot);
  return document_event_locked (self, case_uuid, slot, official, note, error);
}

gboolean
hall_store_add_pages (HallStore   *self,
                      const char  *case_uuid,
                      const char  *slot,
                      GPtrArray   *images,
                      const char  *official,
                      GPtrArray  **pages_out,
                      GError     **error)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GPtrArray) changed = NULL;
  gint64 now = _hall_store_now_seconds ();
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (case_uuid != NULL && slot != NULL && images != NULL, FALSE);

  kase = hall_store_get_case (self, case_uuid, error);
  if (kase == NULL)
    return FALSE;
  if (hall_checklist_find (hall_case_get_checklist (kase), slot) < 0)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The checklist of case %s has no document “%s”"),
                   hall_case_get_number (kase), slot);
      return FALSE;
    }
  if (images->len == 0)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                   _("There are no pages to add"));
      return FALSE;
    }

  /* Compressed and on disk before the transaction: the writer is never
   * held while a page is encoded or synced. */
  pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stored_page_free);
  for (guint i = 0; i < images->len; i++)
    {
      HallPageImage *image = g_ptr_array_index (images, i);
      g_autoptr (GBytes) bytes = NULL;
      HallStoredPage *page;
      const char *mime = NULL;

      bytes = hall_page_image_encode (image, &mime, error);
      if (bytes == NULL)
        return FALSE;
      page = g_new0 (HallStoredPage, 1);
      page->uuid = g_uuid_string_random ();
      page->case_uuid = g_strdup (case_uuid);
      page->slot = g_strdup (slot);
      page->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      page->mime = g_strdup (mime);
      page->kind = image->kind;
      page->width = image->width;
      page->height = image->height;
      page->dpi = image->dpi;
      page->bytes = g_bytes_get_size (bytes);
      page->created_at = now;
      g_ptr_array_add (pages, page);
      if (!write_page_file (self, bytes, page->sha256, error))
        return FALSE;
    }

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = add_pages_locked (self, case_uuid, slot, pages, official, error);
  changed = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (changed, g_strdup (case_uuid));
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  _hall_store_emit_changed (self);
  if (pages_out != NULL)
    *pages_out = g_steal_pointer (&pages);
  return TRUE;
}

typedef struct
{
  char      *case_uuid;
  char      *slot;
  GPtrArray *images;
  char      *official;
} AddPagesData;

static void
add_pages_data_free (AddPagesData *data)
{
  g_free (data->case_uuid);
  g_free (data->slot);
  g_ptr_array_unref (data->images);
  g_free (data->official);
  g_free (data);
}

static void
add_pages_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AddPagesData *data = task_data;
  GPtrArray *pages = NULL;
  GError *error = NULL;

  if (hall_store_add_pages (source_object, data->case_uuid, data->slot, data->images,
                            data->official, &pages, &error))
    g_task_return_pointer (task, pages, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_add_pages_async (HallStore          *self,
                            const char         *case_uuid,
                            const char         *slot,
                            GPtrArray          *images,
                            const char         *official,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  AddPagesData *data = g_new0 (AddPagesData, 1);

  g_return_if_fail (HALL_IS_STORE (self));

  data->case_uuid = g_strdup (case_uuid);
  data->slot = g_strdup (slot);
  /* The worker holds the pages themselves, whatever the caller's array. */
  data->images = g_ptr_array_new_full (images->len, (GDestroyNotify) hall_page_image_unref);
  for (guint i = 0; i < images->len; i++)
    g_ptr_array_add (data->images, hall_page_image_ref (g_ptr_array_index (images, i)));
  data->official = g_strdup (official);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_add_pages_async);
  g_task_set_task_data (task, data, (GDestroyNotify) add_pages_data_free);
  hall_task_run_in_background (task, add_pages_thread);
}

GPtrArray *
hall_store_add_pages_finish (HallStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Pages of slots the checklist lacks go last. */
static int
checklist_index (JsonArray  *checklist,
                 const char *slot)
{
  int i = hall_checklist_find (checklist, slot);

  return i < 0 ? G_MAXINT : i;
}

static JsonArray *sort_checklist; /* only under sort_lock */
G_LOCK_DEFINE_STATIC (sort_lock);

static int
compare_pages (gconstpointer a,
               gconstpointer b)
{
  const HallStoredPage *pa = *(HallStoredPage **) a;
  const HallStoredPage *pb = *(HallStoredPage **) b;
  int ia = checklist_index (sort_checklist, pa->slot);
  int ib = checklist_index (sort_checklist, pb->slot);

  if (ia != ib)
    return ia < ib ? -1 : 1;
  if (ia == G_MAXINT && g_strcmp0 (pa->slot, pb->slot) != 0)
    return g_strcmp0 (pa->slot, pb->slot);
  return (int) pa->position - (int) pb->position;
}

GPtrArray *
hall_store_list_case_pages (HallStore   *self,
                            const char  *case_uuid,
                            GError     **error)
{
  g_autoptr (HallCase) kase = NULL;
  GPtrArray *pages;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  kase = hall_store_get_case (self, case_uuid, error);
  if (kase == NULL)
    return NULL;
  pages = _hall_store_read_objects (self,
                                    "SELECT " PAGE_COLUMNS PAGE_FROM
                                    "WHERE c.uuid = ?1 ORDER BY p.slot, p.position",
                                    case_uuid, read_page, _("read the pages of the case"),
                                    error);
  if (pages == NULL)
    return NULL;
  g_ptr_array_set_free_func (pages, (GDestroyNotify) hall_stored_page_free);
  G_LOCK (sort_lock);
  sort_checklist = hall_case_get_checklist (kase);
  g_ptr_array_sort (pages, compare_pages);
  sort_checklist = NULL;
  G_UNLOCK (sort_lock);
  return pages;
}

static void
list_case_pages_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GPtrArray *pages;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  pages = hall_store_list_case_pages (source_object, task_data, &error);
  if (pages != NULL)
    g_task_return_pointer (task, pages, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_list_case_pages_async (HallStore          *self,
                                  const char         *case_uuid,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (case_uuid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_list_case_pages_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_strdup (case_uuid), g_free);
  g_task_run_in_thread (task, list_case_pages_thread);
}

GPtrArray *
hall_store_list_case_pages_finish (HallStore     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hall_store_list_case_pages_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

GPtrArray *
hall_store_list_case_document_hashes (HallStore   *self,
                                      const char  *case_uuid,
                                      GError     **error)
{
  g_autoptr (GPtrArray) pages = hall_store_list_case_pages (self, case_uuid, error);
  GPtrArray *hashes;

  if (pages == NULL)
    return NULL;
  hashes = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pages->len; i++)
    g_ptr_array_add (hashes, g_strdup (((HallStoredPage *) g_ptr_array_index (pages, i))->sha256));
  g_ptr_array_sort (hashes, compare_strings);
  return hashes;
}

GPtrArray *
hall_store_list_missing_documents (HallStore   *self,
                                   const char  *case_uuid,
                                   GError     **error)
{
  g_autoptr (HallCase) kase = hall_store_get_case (self, case_uuid, error);
  g_autoptr (GPtrArray) pages = NULL;
  JsonArray *checklist;
  GPtrArray *missing;

  if (kase == NULL)
    return NULL;
  pages = hall_store_list_case_pages (self, case_uuid, error);
  if (pages == NULL)
    return NULL;
  checklist = hall_case_get_checklist (kase);
  missing = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);
      const char *id = item ? json_object_get_string_member_with_default (item, "id", NULL)
                            : NULL;
      gboolean found = FALSE;

      if (id == NULL)
        continue;
      for (guint j = 0; j < pages->len && !found; j++)
        found = g_strcmp0 (((HallStoredPage *) g_ptr_array_index (pages, j))->slot, id) == 0;
      if (!found)
        g_ptr_array_add (missing, g_strdup (id));
    }
  return missing;
}

typedef struct
{
  gint64  id;
  gint64  case_id;
  char   *case_uuid;
  char   *slot;
  gint64  position;
  gint64  count;
} PageRow;

static void
page_row_clear (PageRow *row)
{
  g_free (row->case_uuid);
  g_free (row->slot);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PageRow, page_row_clear)

static gboolean
lookup_page_locked (HallStore   *self,
                    const char  *page_uuid,
                    PageRow     *row,
                    GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT p.id, p.case_id, c.uuid, p.slot, p.position,"
                                   " (SELECT count (*) FROM pages q WHERE q.case_id = p.case_id"
                                   "  AND q.slot = p.slot)"
                                   " FROM pages p JOIN cases c ON c.id = p.case_id"
                                   " WHERE p.uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, page_uuid);
  if (!hall_sqlite_stmt_step_row (stmt, _("read the page"), &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                     _("There is no page %s at this counter"), page_uuid);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  row->id = sqlite3_column_int64 (stmt, 0);
  row->case_id = sqlite3_column_int64 (stmt, 1);
  row->case_uuid = hall_sqlite_column_dup (stmt, 2);
  row->slot = hall_sqlite_column_dup (stmt, 3);
  row->position = sqlite3_column_int64 (stmt, 4);
  row->count = sqlite3_column_int64 (stmt, 5);
  return TRUE;
}

/* Moves the pages of @row's slot at positions @from..@to (inclusive) by
 * @delta (±1). Positions are UNIQUE in a slot and SQLite checks that row by
 * row, so they pass through negative numbers first. */
static gboolean
shift_locked (HallStore      *self,
              const PageRow  *row,
              gint64          from,
              gint64          to,
              int             delta,
              GError        **error)
{
  g_autoptr (HallSqliteStmt) out = NULL;
  g_autoptr (HallSqliteStmt) back = NULL;

  if (from > to)
    return TRUE;
  out = hall_sqlite_conn_prepare (self->writer,
                                  "UPDATE pages SET position = -(position + ?4) - 2"
                                  " WHERE case_id = ?1 AND slot = ?2 AND position BETWEEN ?3 AND ?5",
                                  error);
  if (out == NULL)
    return FALSE;
  sqlite3_bind_int64 (out, 1, row->case_id);
  hall_sqlite_bind_text (out, 2, row->slot);
  sqlite3_bind_int64 (out, 3, from);
  sqlite3_bind_int (out, 4, delta);
  sqlite3_bind_int64 (out, 5, to);
  if (!hall_sqlite_stmt_run (out, _("reorder the pages"), error))
    return FALSE;
  back = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE pages SET position = -position - 2"
                                   " WHERE case_id = ?1 AND slot = ?2 AND position <= -2",
                                   error);
  if (back == NULL)
    return FALSE;
  sqlite3_bind_int64 (back, 1, row->case_id);
  hall_sqlite_bind_text (back, 2, row->slot);
  return hall_sqlite_stmt_run (back, _("reorder the pages"), error);
}

static gboolean
set_position_locked (HallStore  *self,
                     gint64      id,
                     gint64      position,
                     GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE pages SET position = ?2 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, position);
  return hall_sqlite_stmt_run (stmt, _("reorder the pages"), error);
}

static gboolean
remove_page_locked (HallStore   *self,
                    const char  *page_uuid,
                    char       **case_uuid_out,
                    GError     **error)
{
  g_auto (PageRow) row = { 0 };
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *note = NULL;

  g_autoptr (HallStoredPage) removed = NULL;
  gint64 version = 0;

  if (!lookup_page_locked (self, page_uuid, &row, error))
    return FALSE;
  removed = read_page_locked (self, page_uuid, &version, error);
  if (removed == NULL)
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer, "DELETE FROM pages WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row.id);
  /* The removal and the new places of the pages after it reach the server
   * as the page's record, marked deleted, and theirs, in this transaction. */
  if (!hall_sqlite_stmt_run (stmt, _("remove the page"), error)
      || !shift_locked (self, &row, row.position + 1, row.count - 1, -1, error)
      || !enqueue_page_change_locked (self, page_uuid, removed, version, error)
      || !enqueue_slot_range_locked (self, row.case_id, row.slot, row.position, row.count - 2,
                                     error))
    return FALSE;
  *case_uuid_out = g_strdup (row.case_uuid);
  /* Translators: an entry of a case's timeline; %s is the document's id. */
  note = g_strdup_printf (_("Page %u of %s removed"), (guint) row.position + 1, row.slot);
  return document_event_locked (self, row.case_uuid, NULL, NULL, note, error);
}

gboolean
hall_store_remove_page (HallStore   *self,
                        const char  *page_uuid,
                        GError     **error)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  char *case_uuid = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = remove_page_locked (self, page_uuid, &case_uuid, error);
  if (case_uuid != NULL)
    g_ptr_array_add (changed, case_uuid);
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  _hall_store_emit_changed (self);
  return TRUE;
}

static gboolean
move_page_locked (HallStore   *self,
                  const char  *page_uuid,
                  guint        position,
                  char       **case_uuid_out,
                  GError     **error)
{
  g_auto (PageRow) row = { 0 };
  gint64 to;

  if (!lookup_page_locked (self, page_uuid, &row, error))
    return FALSE;
  to = MIN ((gint64) position, row.count - 1);
  *case_uuid_out = g_strdup (row.case_uuid);
  if (to == row.position)
    return TRUE;
  if (!set_position_locked (self, row.id, -1, error))
    return FALSE;
  if (to < row.position ? !shift_locked (self, &row, to, row.position - 1, +1, error)
                        : !shift_locked (self, &row, row.position + 1, to, -1, error))
    return FALSE;
  /* Every page whose place changed tells the server, in this transaction. */
  return set_position_locked (self, row.id, to, error)
         && enqueue_slot_range_locked (self, row.case_id, row.slot, MIN (to, row.position),
                                       MAX (to, row.position), error);
}

gboolean
hall_store_move_page (HallStore   *self,
                      const char  *page_uuid,
                      guint        position,
                      GError     **error)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  char *case_uuid = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = move_page_locked (self, page_uuid, position, &case_uuid, error);
  if (case_uuid != NULL)
    g_ptr_array_add (changed, case_uuid);
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  _hall_store_emit_changed (self);
  return TRUE;
}

typedef struct
{
  char  *page_uuid;
  guint  position;  /* G_MAXUINT: remove the page */
} EditPageData;

static void
edit_page_data_free (EditPageData *data)
{
  g_free (data->page_uuid);
  g_free (data);
}

static void
edit_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EditPageData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  if (data->position == G_MAXUINT)
    ok = hall_store_remove_page (source_object, data->page_uuid, &error);
  else
    ok = hall_store_move_page (source_object, data->page_uuid, data->position, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
edit_page_async (HallStore          *self,
                 const char         *page_uuid,
                 guint               position,
                 GCancellable       *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer            user_data,
                 gpointer            source_tag)
{
  g_autoptr (GTask) task = NULL;
  EditPageData *data = g_new0 (EditPageData, 1);

  data->page_uuid = g_strdup (page_uuid);
  data->position = position;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* A write that has begun reports what it did. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) edit_page_data_free);
  g_task_run_in_thread (task, edit_page_thread);
}

void
hall_store_remove_page_async (HallStore          *self,
                              const char         *page_uuid,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (page_uuid != NULL);

  edit_page_async (self, page_uuid, G_MAXUINT, cancellable, callback, user_data,
                   hall_store_remove_page_async);
}

gboolean
hall_store_remove_page_finish (HallStore     *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hall_store_remove_page_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
hall_store_move_page_async (HallStore          *self,
                            const char         *page_uuid,
                            guint               position,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (page_uuid != NULL && position != G_MAXUINT);

  edit_page_async (self, page_uuid, position, cancellable, callback, user_data,
                   hall_store_move_page_async);
}

gboolean
hall_store_move_page_finish (HallStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hall_store_move_page_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
replace_page_locked (HallStore             *self,
                     const char            *page_uuid,
                     const HallStoredPage  *encoded,
                     const char            *official,
                     char                 **case_uuid_out,
                     GError               **error)
{
  g_auto (PageRow) row = { 0 };
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *note = NULL;

  if (!lookup_page_locked (self, page_uuid, &row, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE pages SET sha256 = ?2, mime = ?3, kind = ?4, width = ?5,"
                                   " height = ?6, dpi = ?7, bytes = ?8, uploaded_at = NULL"
                                   " WHERE id = ?1",
                                   error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row.id);
  hall_sqlite_bind_text (stmt, 2, encoded->sha256);
  hall_sqlite_bind_text (stmt, 3, encoded->mime);
  hall_sqlite_bind_text (stmt, 4, hall_page_kind_to_string (encoded->kind));
  sqlite3_bind_int (stmt, 5, encoded->width);
  sqlite3_bind_int (stmt, 6, encoded->height);
  sqlite3_bind_int (stmt, 7, encoded->dpi);
  sqlite3_bind_int64 (stmt, 8, encoded->bytes);
  if (!hall_sqlite_stmt_run (stmt, _("save the page"), error)
      || !enqueue_page_change_locked (self, page_uuid, NULL, 0, error))
    return FALSE;
  *case_uuid_out = g_strdup (row.case_uuid);
  /* Translators: an entry of a case's timeline; %s is the document's id. */
  note = g_strdup_printf (_("Page %u of %s replaced"), (guint) row.position + 1, row.slot);
  return document_event_locked (self, row.case_uuid, NULL, official, note, error);
}

gboolean
hall_store_replace_page (HallStore        *self,
                         const char       *page_uuid,
                         HallPageImage    *image,
                         const char       *official,
                         HallStoredPage  **page_out,
                         GError          **error)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GBytes) bytes = NULL;
  HallStoredPage encoded = { 0 };
  g_autofree char *sha256 = NULL;
  char *case_uuid = NULL;
  const char *mime = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (page_uuid != NULL && image != NULL, FALSE);

  if (page_out != NULL)
    *page_out = NULL;
  /* Encoded and on disk before the transaction, as an added page is. */
  bytes = hall_page_image_encode (image, &mime, error);
  if (bytes == NULL)
    return FALSE;
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!write_page_file (self, bytes, sha256, error))
    return FALSE;
  encoded.sha256 = sha256;
  encoded.mime = (char *) mime;
  encoded.kind = image->kind;
  encoded.width = image->width;
  encoded.height = image->height;
  encoded.dpi = image->dpi;
  encoded.bytes = g_bytes_get_size (bytes);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  ok = replace_page_locked (self, page_uuid, &encoded, official, &case_uuid, error);
  if (case_uuid != NULL)
    g_ptr_array_add (changed, case_uuid);
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  _hall_store_emit_changed (self);
  if (page_out != NULL)
    {
      g_autoptr (GPtrArray) pages = hall_store_list_case_pages (self, case_uuid, error);

      if (pages == NULL)
        return FALSE;
      for (guint i = 0; i < pages->len; i++)
        if (g_str_equal (((HallStoredPage *) g_ptr_array_index (pages, i))->uuid, page_uuid))
          *page_out = g_ptr_array_steal_index (pages, i);
    }
  return TRUE;
}

typedef struct
{
  char          *page_uuid;
  HallPageImage *image;
  char          *official;
} ReplacePageData;

static void
replace_page_data_free (ReplacePageData *data)
{
  g_free (data->page_uuid);
  hall_page_image_unref (data->image);
  g_free (data->official);
  g_free (data);
}

static void
replace_page_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ReplacePageData *data = task_data;
  HallStoredPage *page = NULL;
  GError *error = NULL;

  if (hall_store_replace_page (source_object, data->page_uuid, data->image, data->official,
                               &page, &error))
    g_task_return_pointer (task, page, (GDestroyNotify) hall_stored_page_free);
  else
    g_task_return_error (task, error);
}

void
hall_store_replace_page_async (HallStore          *self,
                               const char         *page_uuid,
                               HallPageImage      *image,
                               const char         *official,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  ReplacePageData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (page_uuid != NULL && image != NULL);

  data = g_new0 (ReplacePageData, 1);
  data->page_uuid = g_strdup (page_uuid);
  data->image = hall_page_image_ref (image);
  data->official = g_strdup (official);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_replace_page_async);
  g_task_set_task_data (task, data, (GDestroyNotify) replace_page_data_free);
  hall_task_run_in_background (task, replace_page_thread);
}

HallStoredPage *
hall_store_replace_page_finish (HallStore     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  HallStoredPage page;  /* the fields the turn reads: uuid, sha256, mime */
  int            quarter_turns;
  char          *official;
} TurnPageData;

static void
turn_page_data_free (TurnPageData *data)
{
  g_free (data->page.uuid);
  g_free (data->page.sha256);
  g_free (data->page.mime);
  g_free (data->official);
  g_free (data);
}

static void
turn_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TurnPageData *data = task_data;
  g_autoptr (HallPageImage) image = NULL;
  g_autoptr (HallPageImage) turned = NULL;
  HallStoredPage *page = NULL;
  GError *error = NULL;

  image = hall_store_load_page_image (source_object, &data->page, 0, &error);
  if (image == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  turned = hall_page_image_rotate (image, data->quarter_turns);
  if (hall_store_replace_page (source_object, data->page.uuid, turned, data->official, &page,
                               &error))
    g_task_return_pointer (task, page, (GDestroyNotify) hall_stored_page_free);
  else
    g_task_return_error (task, error);
}

void
hall_store_turn_page_async (HallStore            *self,
                            const HallStoredPage *page,
                            int                   quarter_turns,
                            const char           *official,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  TurnPageData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (page != NULL && page->uuid != NULL && page->sha256 != NULL);

  data = g_new0 (TurnPageData, 1);
  data->page.uuid = g_strdup (page->uuid);
  data->page.sha256 = g_strdup (page->sha256);
  data->page.mime = g_strdup (page->mime);
  data->quarter_turns = quarter_turns;
  data->official = g_strdup (official);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_turn_page_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) turn_page_data_free);
  hall_task_run_in_background (task, turn_page_thread);
}

HallStoredPage *
hall_store_turn_page_finish (HallStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hall_store_turn_page_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The queue of page files the server does not hold yet. */

GPtrArray *
hall_store_list_unsent_pages (HallStore  *self,
                               GError    **error)
{
  GPtrArray *pages;

  pages = _hall_store_read_objects (self,
                                    "SELECT " PAGE_COLUMNS PAGE_FROM
                                    "WHERE p.uploaded_at IS NULL ORDER BY p.id",
                                    NULL, read_page, _("read the pages to send"), error);
  if (pages != NULL)
    g_ptr_array_set_free_func (pages, (GDestroyNotify) hall_stored_page_free);
  return pages;
}

guint
hall_store_count_unsent_pages (HallStore *self)
{
  return _hall_store_count_query (self, "SELECT count (*) FROM pages WHERE uploaded_at IS NULL",
                                  _("count the pages to send"));
}

/* Runs @stmt (?1 @sha256, ?2 @reason when not NULL), collecting the
 * uuid each row returns into @cases. */
static gboolean
collect_cases (HallSqliteStmt  *stmt,
               const char      *sha256,
               const char      *reason,
               GPtrArray       *cases,
               GError         **error)
{
  int rc;

  hall_sqlite_bind_text (stmt, 1, sha256);
  if (reason != NULL)
    hall_sqlite_bind_text (stmt, 2, reason);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (cases, hall_sqlite_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("show why a page waits"));
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_store_mark_page_sent (HallStore   *self,
                            const char  *sha256,
                            GError     **error)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallSqliteStmt) stmt = NULL;
  gboolean ok;

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE pages SET uploaded_at = ?2"
                                   " WHERE sha256 = ?1 AND uploaded_at IS NULL", error);
  ok = stmt != NULL;
  if (ok)
    {
      hall_sqlite_bind_text (stmt, 1, sha256);
      sqlite3_bind_int64 (stmt, 2, _hall_store_now_seconds ());
      ok = hall_sqlite_stmt_run (stmt, _("record that a page was sent"), error);
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  /* A reason shown while the file waited is no longer true. */
  if (ok)
    {
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE cases SET sync_error = NULL"
                                       " WHERE sync_state = 'pending' AND sync_error IS NOT NULL"
                                       " AND id IN (SELECT case_id FROM pages WHERE sha256 = ?1)"
                                       " RETURNING uuid", error);
      ok = stmt != NULL && collect_cases (stmt, sha256, NULL, changed, error);
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  if (changed->len > 0)
    _hall_store_emit_changed (self);
  return TRUE;
}

gboolean
hall_store_hold_page (HallStore   *self,
                      const char  *sha256,
                      const char  *reason,
                      GError     **error)
{
  g_autoptr (GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallSqliteStmt) stmt = NULL;
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE cases SET sync_error = ?2"
                                   " WHERE sync_state = 'pending' AND sync_error IS NOT ?2"
                                   " AND id IN (SELECT case_id FROM pages WHERE sha256 = ?1"
                                   "            AND uploaded_at IS NULL)"
                                   " RETURNING uuid", error);
  ok = stmt != NULL && collect_cases (stmt, sha256, reason, changed, error);
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (!_hall_store_write_end (self, ok, changed, error))
    return FALSE;
  if (changed->len > 0)
    _hall_store_emit_changed (self);
  return TRUE;
}

gboolean
hall_store_save_page_file (HallStore   *self,
                           GBytes      *bytes,
                           const char  *sha256,
                           GError     **error)
{
  g_autofree char *actual = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (bytes != NULL && sha256 != NULL, FALSE);

  /* A file is kept under the name of its hash or not at all: a damaged
   * download never poses as the page. */
  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_ascii_strcasecmp (actual, sha256) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The file of page %s is damaged: its content does not match its SHA-256"),
                   sha256);
      return FALSE;
    }
  return write_page_file (self, bytes, sha256, error);
}

gboolean
hall_store_has_page_file (HallStore  *self,
                          const char *sha256)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (sha256 != NULL && strlen (sha256) == 64, FALSE);

  path = hall_store_get_page_path (self, sha256);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

HallPageImage *
hall_store_load_page_image (HallStore            *self,
                            const HallStoredPage *page,
                            guint                 max_side,
                            GError              **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) images = NULL;
  gsize length = 0;
  /* The decoder checks that the content is what the name says. */
  const char *name = g_strcmp0 (page->mime, "image/tiff") == 0 ? "page.tif" : "page.jpg";

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (page != NULL && page->sha256 != NULL, NULL);

  path = hall_store_get_page_path (self, page->sha256);
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  images = hall_page_image_load_bytes (bytes, name, error);
  if (images == NULL)
    return NULL;
  if (images->len == 0)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("The file of page %s holds no image"), page->uuid);
      return NULL;
    }
  if (max_side == 0)
    return hall_page_image_ref (g_ptr_array_index (images, 0));
  return hall_page_image_scale_down (g_ptr_array_index (images, 0), max_side);
}

typedef struct
{
  HallStoredPage page;  /* the fields the load reads: uuid, sha256, mime */
  guint          max_side;
} LoadImageData;

static void
load_image_data_free (LoadImageData *data)
{
  g_free (data->page.uuid);
  g_free (data->page.sha256);
  g_free (data->page.mime);
  g_free (data);
}

static void
load_page_image_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  LoadImageData *data = task_data;
  HallPageImage *image;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  image = hall_store_load_page_image (source_object, &data->page, data->max_side, &error);
  if (image != NULL)
    g_task_return_pointer (task, image, (GDestroyNotify) hall_page_image_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_load_page_image_async (HallStore            *self,
                                  const HallStoredPage *page,
                                  guint                 max_side,
                                  GCancellable         *cancellable,
                                  GAsyncReadyCallback   callback,
                                  gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadImageData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (page != NULL && page->sha256 != NULL);

  data = g_new0 (LoadImageData, 1);
  data->page.uuid = g_strdup (page->uuid);
  data->page.sha256 = g_strdup (page->sha256);
  data->page.mime = g_strdup (page->mime);
  data->max_side = max_side;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_load_page_image_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, data, (GDestroyNotify) load_image_data_free);
  g_task_run_in_thread (task, load_page_image_thread);
}

HallPageImage *
hall_store_load_page_image_finish (HallStore     *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == hall_store_load_page_image_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Pages from the change feed: the record of a page another counter scanned
 * (or this one, coming back with its version). */

static gboolean
page_waiting_locked (HallStore   *self,
                     const char  *uuid,
                     gboolean    *waiting,
                     GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT 1 FROM outbox WHERE entity = 'page'"
                                   " AND entity_uuid = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the outbox"));
      return FALSE;
    }
  *waiting = rc == SQLITE_ROW;
  return TRUE;
}

static gboolean
refuse_page_record (GError     **error,
                    const char  *uuid,
                    const char  *field)
{
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
               _("The record of page %s from the server is not one: “%s” is missing or wrong"),
               uuid, field);
  return FALSE;
}

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

/* The file of a removed page goes once no page here names it: the server
 * keeps it, so it can always be fetched again. */
static gboolean
forget_page_file_locked (HallStore   *self,
                         const char  *sha256,
                         GError     **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *path = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT 1 FROM pages WHERE sha256 = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, sha256);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("read the pages"));
      return FALSE;
    }
  if (rc == SQLITE_DONE)
    {
      path = hall_store_get_page_path (self, sha256);
      g_unlink (path);
    }
  return TRUE;
}

gboolean
_hall_store_apply_page_locked (HallStore   *self,
                               JsonNode    *data,
                               const char  *uuid,
                               gint64       version,
                               GHashTable  *parked,
                               GPtrArray   *changed_cases,
                               GError     **error)
{
  JsonObject *record = json_node_get_object (data);
  const char *case_uuid = json_object_get_string_member_with_default (record, "case", NULL);
  const char *slot = json_object_get_string_member_with_default (record, "slot", NULL);
  const char *sha256 = json_object_get_string_member_with_default (record, "sha256", NULL);
  const char *kind_text = json_object_get_string_member_with_default (record, "kind", NULL);
  const char *mime = json_object_get_string_member_with_default (record, "mime", NULL);
  const char *created_text = json_object_get_string_member_with_default (record, "created_at",
                                                                         NULL);
  gint64 position = json_object_get_int_member_with_default (record, "position", -1);
  gint64 bytes = json_object_get_int_member_with_default (record, "bytes", 0);
  gboolean deleted = json_object_get_boolean_member_with_default (record, "deleted", FALSE);
  g_autoptr (HallSqliteStmt) stmt = NULL;
  g_autofree char *old_sha256 = NULL;
  g_autofree char *old_case = NULL;
  HallPageKind kind;
  gboolean waiting = FALSE;
  gint64 local_version = -1;
  gint64 case_id = 0;
  gint64 created_at = 0;
  gint64 intended = -1;
  int rc;

  /* This counter's own change of the page is on its way: it wins until the
   * server has it, as for every entity. */
  if (!page_waiting_locked (self, uuid, &waiting, error))
    return FALSE;
  if (waiting)
    return TRUE;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT p.version, p.sha256, c.uuid FROM pages p"
                                   " JOIN cases c ON c.id = p.case_id WHERE p.uuid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      local_version = sqlite3_column_int64 (stmt, 0);
      old_sha256 = hall_sqlite_column_dup (stmt, 1);
      old_case = hall_sqlite_column_dup (stmt, 2);
    }
  else if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the page"));
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (local_version >= version)
    return TRUE;

  if (deleted)
    {
      if (old_sha256 == NULL)
        return TRUE; /* never seen here: nothing to remove */
      stmt = hall_sqlite_conn_prepare (self->writer, "DELETE FROM pages WHERE uuid = ?1", error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, uuid);
      if (!hall_sqlite_stmt_run (stmt, _("remove the page"), error)
          || !forget_page_file_locked (self, old_sha256, error))
        return FALSE;
      g_ptr_array_add (changed_cases, g_steal_pointer (&old_case));
      return TRUE;
    }

  if (case_uuid == NULL)
    return refuse_page_record (error, uuid, "case");
  if (slot == NULL || *slot == '\0')
    return refuse_page_record (error, uuid, "slot");
  if (position < 0 || position > G_MAXINT)
    return refuse_page_record (error, uuid, "position");
  if (!is_sha256 (sha256))
    return refuse_page_record (error, uuid, "sha256");
  if (kind_text == NULL || !hall_page_kind_from_string (kind_text, &kind))
    return refuse_page_record (error, uuid, "kind");
  if (mime == NULL)
    return refuse_page_record (error, uuid, "mime");
  if (bytes <= 0)
    return refuse_page_record (error, uuid, "bytes");
  if (created_text != NULL && !hall_timestamp_from_iso8601 (created_text, &created_at))
    return refuse_page_record (error, uuid, "created_at");

  if (!_hall_store_lookup_case_id_locked (self, case_uuid, &case_id, error))
    return FALSE;
  if (case_id == 0)
    {
      /* The feed is in commit order: the case came first. */
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("The server sent a page of case %s before the case"), case_uuid);
      return FALSE;
    }

  /* Records of a move arrive one by one: while another page still holds
   * the place, this one waits below zero (a place of its own) for that
   * page's record, in this page of the feed or a later one. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT 1 FROM pages WHERE case_id = ?1 AND slot = ?2"
                                   " AND position = ?3 AND uuid <> ?4", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  hall_sqlite_bind_text (stmt, 2, slot);
  sqlite3_bind_int64 (stmt, 3, position);
  hall_sqlite_bind_text (stmt, 4, uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look up the page"));
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (rc == SQLITE_ROW)
    {
      intended = position;
      position = -1;
    }
  g_hash_table_remove (parked, uuid);

  /* The server holds the file (it refuses a record whose file it lacks),
   * so the page is not for this counter to send. */
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO pages (uuid, case_id, slot, position, sha256, mime,"
                                   " kind, width, height, dpi, bytes, created_at, uploaded_at,"
                                   " version)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
                                   " ?13, ?14)"
                                   " ON CONFLICT (uuid) DO UPDATE SET case_id = excluded.case_id,"
                                   " slot = excluded.slot, position = excluded.position,"
                                   " sha256 = excluded.sha256, mime = excluded.mime,"
                                   " kind = excluded.kind, width = excluded.width,"
                                   " height = excluded.height, dpi = excluded.dpi,"
                                   " bytes = excluded.bytes,"
                                   " uploaded_at = coalesce (pages.uploaded_at, excluded.uploaded_at),"
                                   " version = excluded.version",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, uuid);
  sqlite3_bind_int64 (stmt, 2, case_id);
  hall_sqlite_bind_text (stmt, 3, slot);
  sqlite3_bind_int64 (stmt, 4, position);
  hall_sqlite_bind_text (stmt, 5, sha256);
  hall_sqlite_bind_text (stmt, 6, mime);
  hall_sqlite_bind_text (stmt, 7, hall_page_kind_to_string (kind));
  sqlite3_bind_int64 (stmt, 8, json_object_get_int_member_with_default (record, "width", 0));
  sqlite3_bind_int64 (stmt, 9, json_object_get_int_member_with_default (record, "height", 0));
  sqlite3_bind_int64 (stmt, 10, json_object_get_int_member_with_default (record, "dpi", 0));
  sqlite3_bind_int64 (stmt, 11, bytes);
  sqlite3_bind_int64 (stmt, 12, created_at != 0 ? created_at : _hall_store_now_seconds ());
  sqlite3_bind_int64 (stmt, 13, _hall_store_now_seconds ());
  sqlite3_bind_int64 (stmt, 14, version);
  if (!hall_sqlite_stmt_run (stmt, _("save the page from the server"), error))
    return FALSE;
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  if (position < 0)
    {
      stmt = hall_sqlite_conn_prepare (self->writer,
                                       "UPDATE pages SET position = -id - 1 WHERE uuid = ?1",
                                       error);
      if (stmt == NULL)
        return FALSE;
      hall_sqlite_bind_text (stmt, 1, uuid);
      if (!hall_sqlite_stmt_run (stmt, _("save the page from the server"), error))
        return FALSE;
      g_hash_table_insert (parked, g_strdup (uuid), GSIZE_TO_POINTER ((gsize) intended + 1));
      g_debug ("page %s waits for place %" G_GINT64_FORMAT, uuid, intended);
    }
  if (old_sha256 != NULL && g_strcmp0 (old_sha256, sha256) != 0
      && !forget_page_file_locked (self, old_sha256, error))
    return FALSE;
  if (old_case != NULL && g_strcmp0 (old_case, case_uuid) != 0)
    g_ptr_array_add (changed_cases, g_steal_pointer (&old_case));
  g_ptr_array_add (changed_cases, g_strdup (case_uuid));
  return TRUE;
}

static int
compare_parked (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  gsize pa = GPOINTER_TO_SIZE (g_hash_table_lookup (user_data, *(const char **) a));
  gsize pb = GPOINTER_TO_SIZE (g_hash_table_lookup (user_data, *(const char **) b));

  return pa < pb ? -1 : pa > pb;
}

gboolean
_hall_store_settle_pages_locked (HallStore   *self,
                                 GHashTable  *parked,
                                 GError     **error)
{
  g_autoptr (HallSqliteStmt) place = NULL;
  g_autoptr (HallSqliteStmt) last = NULL;
  g_autoptr (GPtrArray) uuids = NULL;
  GHashTableIter iter;
  gpointer key;

  if (g_hash_table_size (parked) == 0)
    return TRUE;
  /* The place named by the page's newest record, now that the page that
   * held it has moved; or, when its record is in a later page of the feed,
   * the end of the slot until then, rather than nowhere. */
  uuids = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, parked);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (uuids, key);
  g_ptr_array_sort_with_data (uuids, compare_parked, parked);
  place = hall_sqlite_conn_prepare (self->writer,
                                    "UPDATE pages SET position = ?2 WHERE uuid = ?1"
                                    " AND position < 0 AND NOT EXISTS (SELECT 1 FROM pages q"
                                    " WHERE q.case_id = pages.case_id AND q.slot = pages.slot"
                                    " AND q.position = ?2)", error);
  last = hall_sqlite_conn_prepare (self->writer,
                                   "UPDATE pages SET position = (SELECT coalesce (max (q.position)"
                                   " + 1, 0) FROM pages q WHERE q.case_id = pages.case_id"
                                   " AND q.slot = pages.slot) WHERE uuid = ?1 AND position < 0",
                                   error);
  if (place == NULL || last == NULL)
    return FALSE;
  for (guint i = 0; i < uuids->len; i++)
    {
      const char *uuid = g_ptr_array_index (uuids, i);

      sqlite3_reset (place);
      hall_sqlite_bind_text (place, 1, uuid);
      sqlite3_bind_int64 (place, 2,
                          (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (parked, uuid)) - 1);
      if (!hall_sqlite_stmt_run (place, _("save the page from the server"), error))
        return FALSE;
    }
  for (guint i = 0; i < uuids->len; i++)
    {
      sqlite3_reset (last);
      hall_sqlite_bind_text (last, 1, g_ptr_array_index (uuids, i));
      if (!hall_sqlite_stmt_run (last, _("save the page from the server"), error))
        return FALSE;
    }
  return TRUE;
}
