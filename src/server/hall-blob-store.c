/* hall-blob-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every partial upload is in the table `partials` (whose it is, how long
 * it will be), and, when resumable, in a record beside its bytes, so that
 * a restarted server knows it again. Uploads are bounded three ways: the
 * announced length (no byte past it is written), the cap on what one
 * official's unfinished uploads may hold (counted by announced length, so
 * that it is known before a byte arrives), and the time to live of bytes
 * nobody writes to any more. Whatever is refused, or cannot be written
 * (a full disk), is removed at once.
 *
 * Several servers may share one blob directory (--blobs, on a network
 * filesystem): a complete blob appears only by rename() of a file already
 * fdatasync'ed, then its directory is fsynced; a partial upload's record
 * on disk, not only this server's table, says whose it is, so an upload
 * begun through one server resumes through another; and whoever writes a
 * partial upload holds flock() on it, which another server's upload of the
 * same file and every server's sweep respect (on NFS, flock is a lock the
 * server knows of: mount without "nolock").
 *
 * With a blob table (--blobs postgresql, hall-blob-table.c), complete
 * blobs and uploads in progress are rows of the database instead of
 * files, and its locks and counts stand for flock() and the table here;
 * what a blob must be (its length, its hash, the page check) is decided
 * here either way. Blobs completed as files before stay readable.
 */
#define G_LOG_DOMAIN "hall-blob-store"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall-blob-store.h"
#include "hall-blob-table.h"
#include "hall-page-header.h"
#include "hall-sqlite.h"

#define RECORD_SUFFIX ".upload"
#define RECORD_GROUP "upload"
/* How often expired partial uploads are looked for, at most. */
#define SWEEP_MAX_SECONDS 3600

G_DEFINE_QUARK (hall-blob-store-error-quark, hall_blob_store_error)

typedef struct
{
  char    *official;
  guint64  length;
} Partial;

struct _HallBlobStore
{
  GObject     parent_instance;
  char       *dir;
  char       *partial_dir;
  guint64     max_size;
  guint64     partial_ttl;   /* seconds */
  guint64     partial_cap;   /* bytes per official */
  GMutex      mutex;
  GHashTable *busy;          /* sha256 of the uploads running */
  GHashTable *partials;      /* sha256 -> Partial, every partial upload */
  GThread    *sweeper;
  HallBlobTable *table;      /* where complete blobs go, or NULL: files */
  GCond       sweep_cond;
  gboolean    sweep_now;
  gboolean    stopping;
};

struct _HallBlobUpload
{
  HallBlobStore *store;
  HallBlobTableUpload *row;    /* in the blob table, or NULL: a file */
  char          *sha256;
  char          *partial_path;
  char          *record_path;
  int            fd;
  guint64        start;        /* held when it began: a refusal goes back to it */
  guint64        held;
  guint64        total;
  gboolean       whole;
  gboolean       rolled_back;
};

G_DEFINE_FINAL_TYPE (HallBlobStore, hall_blob_store, G_TYPE_OBJECT)

static void
partial_free (Partial *partial)
{
  g_free (partial->official);
  g_free (partial);
}

static void
hall_blob_store_finalize (GObject *object)
{
  HallBlobStore *self = HALL_BLOB_STORE (object);

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_signal (&self->sweep_cond);
  g_mutex_unlock (&self->mutex);
  g_clear_pointer (&self->sweeper, g_thread_join);

  g_clear_object (&self->table);
  g_hash_table_unref (self->busy);
  g_hash_table_unref (self->partials);
  g_cond_clear (&self->sweep_cond);
  g_mutex_clear (&self->mutex);
  g_free (self->dir);
  g_free (self->partial_dir);
  G_OBJECT_CLASS (hall_blob_store_parent_class)->finalize (object);
}

static void
hall_blob_store_class_init (HallBlobStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_blob_store_finalize;
}

static void
hall_blob_store_init (HallBlobStore *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->sweep_cond);
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->partials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) partial_free);
  self->partial_ttl = HALL_BLOB_PARTIAL_TTL_DEFAULT;
  self->partial_cap = HALL_BLOB_PARTIAL_CAP_DEFAULT;
}

static gboolean
errno_is_full (int saved)
{
  return saved == ENOSPC || saved == EDQUOT;
}

/* A full disk is told apart: it is the client's to retry later, and its
 * message names no path. */
static gboolean
set_full_error (GError **error)
{
  g_set_error_literal (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_FULL,
                       _("The server has no room left for files; nothing of this upload "
                         "was kept. Try again later"));
  return FALSE;
}

static gboolean
set_io_error (GError    **error,
              const char *what,
              const char *path)
{
  int saved = errno;

  if (errno_is_full (saved))
    return set_full_error (error);
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_IO,
               "%s %s: %s", what, path, g_strerror (saved));
  return FALSE;
}

/* A failure of the blob table: a full disk told apart as for files; a
 * database out of reach stays what it is (answered 503). */
static gboolean
propagate_table_error (GError **error,
                       GError  *table_error)
{
  if (g_error_matches (table_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_FULL))
    {
      g_error_free (table_error);
      return set_full_error (error);
    }
  if (g_error_matches (table_error, G_IO_ERROR, G_IO_ERROR_BUSY))
    {
      g_set_error_literal (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_UNAVAILABLE,
                           table_error->message);
      g_error_free (table_error);
      return FALSE;
    }
  g_propagate_error (error, table_error);
  return FALSE;
}

static gboolean
set_busy_error (GError **error)
{
  g_set_error_literal (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_BUSY,
                       _("Another upload of this file is running"));
  return FALSE;
}

static gboolean
set_length_error (GError  **error,
                  guint64   length,
                  guint64   total)
{
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_LENGTH,
               _("This upload was begun with an Upload-Length of %" PRIu64
                 " bytes, which cannot change to %" PRIu64),
               length, total);
  return FALSE;
}

static gboolean
set_first_offset_error (GError  **error,
                        guint64   offset)
{
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_OFFSET,
               _("The upload must begin at byte 0, not %" PRIu64), offset);
  return FALSE;
}

static gboolean
set_offset_error (GError  **error,
                  guint64   held,
                  guint64   offset)
{
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_OFFSET,
               _("The upload must continue at byte %" PRIu64 ", not %" PRIu64), held, offset);
  return FALSE;
}

static gboolean
set_cap_error (GError  **error,
               guint64   charged,
               guint64   cap,
               guint64   total,
               guint64   ttl)
{
  g_autofree char *held = g_format_size_full (charged, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *limit = g_format_size_full (cap, G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *size = g_format_size_full (total, G_FORMAT_SIZE_IEC_UNITS);

  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_CAP,
               _("Your unfinished uploads already hold %s of the %s they may hold, "
                 "and this one would need %s more: finish them first, or wait until "
                 "they expire %" PRIu64 " hours after their last byte"),
               held, limit, size, (ttl + 3599) / 3600);
  return FALSE;
}

static gboolean
set_mismatch_error (GError     **error,
                    guint64      held,
                    const char  *hex)
{
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_MISMATCH,
               _("The %" PRIu64 " bytes received hash to %s, not to the name "
                 "of the file; they were discarded"),
               held, hex);
  return FALSE;
}

gboolean
hall_blob_store_is_valid_name (const char *sha256)
{
  gsize i;

  for (i = 0; sha256[i] != '\0'; i++)
    if (!g_ascii_isxdigit (sha256[i]) || g_ascii_isupper (sha256[i]))
      return FALSE;
  return i == 64;
}

static char *
complete_path (HallBlobStore *self,
               const char    *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->dir, prefix, sha256, NULL);
}

static char *
partial_path (HallBlobStore *self,
              const char    *sha256)
{
  return g_build_filename (self->partial_dir, sha256, NULL);
}

static char *
record_path (HallBlobStore *self,
             const char    *sha256)
{
  g_autofree char *name = g_strconcat (sha256, RECORD_SUFFIX, NULL);

  return g_build_filename (self->partial_dir, name, NULL);
}

/* Partial uploads and their sweep */

static gboolean
write_record (const char  *path,
              const char  *official,
              guint64      length,
              GError     **error)
{
  g_autoptr(GKeyFile) record = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gsize size;

  g_key_file_set_string (record, RECORD_GROUP, "official", official);
  g_key_file_set_uint64 (record, RECORD_GROUP, "length", length);
  text = g_key_file_to_data (record, &size, NULL);
  if (g_file_set_contents_full (path, text, size, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                &local_error))
    return TRUE;
  if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return set_full_error (error);
  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_IO, "%s",
               local_error->message);
  return FALSE;
}

/* (transfer full) (nullable): the record at @path, if it is whole. */
static Partial *
read_record (HallBlobStore *self,
             const char    *path)
{
  g_autoptr(GKeyFile) record = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *official = NULL;
  guint64 length;
  Partial *partial;

  if (!g_key_file_load_from_file (record, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  official = g_key_file_get_string (record, RECORD_GROUP, "official", NULL);
  length = g_key_file_get_uint64 (record, RECORD_GROUP, "length", &error);
  if (official == NULL || *official == '\0' || error != NULL || length == 0
      || length > self->max_size)
    return NULL;
  partial = g_new0 (Partial, 1);
  partial->official = g_steal_pointer (&official);
  partial->length = length;
  return partial;
}

static void
remove_partial_locked (HallBlobStore *self,
                       const char    *sha256)
{
  g_autofree char *data = partial_path (self, sha256);
  g_autofree char *record = record_path (self, sha256);

  g_unlink (data);
  g_unlink (record);
  g_hash_table_remove (self->partials, sha256);
}

/* Whether an upload (of this server or another sharing the directory) is
 * writing @path now. */
static gboolean
is_being_written (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean held;

  if (fd < 0)
    return FALSE;
  held = flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return held;
}

static gboolean
is_expired (HallBlobStore *self,
            GStatBuf      *st,
            gint64         now)
{
  return now - (gint64) st->st_mtime >= (gint64) self->partial_ttl;
}

/* Removes the partial uploads nobody wrote to for the time to live, and
 * bytes no record explains; @at_start, when no upload runs, it also reads
 * the records into the table and removes whatever else lies there. */
static void
sweep_locked (HallBlobStore *self,
              gboolean       at_start)
{
  g_autoptr(GDir) dir = g_dir_open (self->partial_dir, 0, NULL);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GHashTableIter iter;
  const char *name;
  gpointer key;
  guint removed = 0;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->partial_dir, name, NULL);
      g_autofree char *sha256 = NULL;
      GStatBuf st;

      if (g_str_has_suffix (name, RECORD_SUFFIX))
        sha256 = g_strndup (name, strlen (name) - strlen (RECORD_SUFFIX));
      else
        sha256 = g_strdup (name);

      if (!hall_blob_store_is_valid_name (sha256))
        {
          /* A temporary file of a record written when the server died. */
          if (at_start || (g_lstat (path, &st) == 0 && is_expired (self, &st, now)))
            g_unlink (path);
          continue;
        }
      if (g_hash_table_contains (self->busy, sha256) || !g_str_equal (name, sha256))
        continue;  /* records go with their bytes, below */
      /* Another server's upload, running. */
      if (is_being_written (path))
        continue;

      /* At start, or begun through another server sharing the directory. */
      if (!g_hash_table_contains (self->partials, sha256))
        {
          g_autofree char *record = record_path (self, sha256);
          Partial *partial = read_record (self, record);

          if (partial != NULL)
            g_hash_table_insert (self->partials, g_strdup (sha256), partial);
        }
      if (!g_hash_table_contains (self->partials, sha256) || g_stat (path, &st) != 0
          || is_expired (self, &st, now)
          || (guint64) st.st_size > ((Partial *) g_hash_table_lookup (self->partials,
                                                                       sha256))->length)
        {
          remove_partial_locked (self, sha256);
          removed++;
        }
    }

  /* Records (and table rows) whose bytes are gone. */
  g_dir_rewind (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, RECORD_SUFFIX))
      {
        g_autofree char *sha256 = g_strndup (name, strlen (name) - strlen (RECORD_SUFFIX));
        g_autofree char *data = partial_path (self, sha256);

        if (!g_hash_table_contains (self->busy, sha256)
            && !g_file_test (data, G_FILE_TEST_EXISTS))
          g_ptr_array_add (gone, g_steal_pointer (&sha256));
      }
  g_hash_table_iter_init (&iter, self->partials);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *data = partial_path (self, key);

      if (!g_hash_table_contains (self->busy, key) && !g_file_test (data, G_FILE_TEST_EXISTS))
        g_ptr_array_add (gone, g_strdup (key));
    }
  for (guint i = 0; i < gone->len; i++)
    remove_partial_locked (self, g_ptr_array_index (gone, i));

  if (removed > 0)
    g_debug ("removed %u expired or unexplained partial uploads", removed);
}

/* The uploads in the database that nobody, through any server, wrote to
 * for @ttl seconds. Every server sweeps them; one sweep is enough. */
static void
sweep_table (HallBlobStore *self,
             guint64        ttl)
{
  g_autoptr(GError) error = NULL;
  gint64 removed = hall_blob_table_sweep_uploads (self->table, ttl, &error);

  if (removed < 0)
    g_warning ("Cannot remove the expired uploads: %s", error->message);
  else if (removed > 0)
    g_debug ("removed %" G_GINT64_FORMAT " expired uploads from the database", removed);
}

static gpointer
sweep_thread (gpointer data)
{
  HallBlobStore *self = data;

  g_mutex_lock (&self->mutex);
  while (!self->stopping)
    {
      gint64 period = CLAMP (self->partial_ttl / 4, 1, SWEEP_MAX_SECONDS);
      gint64 deadline = g_get_monotonic_time () + period * G_USEC_PER_SEC;

      while (!self->stopping && !self->sweep_now
             && g_cond_wait_until (&self->sweep_cond, &self->mutex, deadline))
        ;
      self->sweep_now = FALSE;
      if (!self->stopping)
        sweep_locked (self, FALSE);
      if (!self->stopping && self->table != NULL)
        {
          guint64 ttl = self->partial_ttl;

          /* Uploads keep going meanwhile: the database's own locks keep
           * this off the ones being written. */
          g_mutex_unlock (&self->mutex);
          sweep_table (self, ttl);
          g_mutex_lock (&self->mutex);
        }
    }
  g_mutex_unlock (&self->mutex);
  return NULL;
}

HallBlobStore *
hall_blob_store_new (const char  *dir,
                     guint64      max_size,
                     GError     **error)
{
  g_autoptr(HallBlobStore) self = g_object_new (HALL_TYPE_BLOB_STORE, NULL);

  self->dir = g_strdup (dir);
  self->partial_dir = g_build_filename (dir, "partial", NULL);
  self->max_size = max_size;
  if (g_mkdir_with_parents (self->partial_dir, 0700) != 0)
    {
      set_io_error (error, _("Cannot create the blob directory"), self->partial_dir);
      return NULL;
    }
  return g_steal_pointer (&self);
}

guint64
hall_blob_store_get_max_size (HallBlobStore *self)
{
  return self->max_size;
}

void
hall_blob_store_set_partial_limits (HallBlobStore *self,
                                    guint64        ttl_seconds,
                                    guint64        cap_bytes)
{
  gboolean first;

  g_return_if_fail (HALL_IS_BLOB_STORE (self));

  g_mutex_lock (&self->mutex);
  self->partial_ttl = MAX (ttl_seconds, 1);
  self->partial_cap = cap_bytes;
  first = self->sweeper == NULL;
  if (first)
    {
      /* With a blob table, this removes what uploads left as files before
       * the switch, once they expire. */
      sweep_locked (self, TRUE);
      self->sweeper = g_thread_new ("hall-blob-sweep", sweep_thread, self);
    }
  else
    {
      self->sweep_now = TRUE;
      g_cond_signal (&self->sweep_cond);
    }
  g_mutex_unlock (&self->mutex);
  if (first && self->table != NULL)
    sweep_table (self, MAX (ttl_seconds, 1));
}

void
hall_blob_store_set_table (HallBlobStore *self,
                           HallBlobTable *table)
{
  g_set_object (&self->table, table);
}

HallBlobState
hall_blob_store_stat (HallBlobStore *self,
                      const char    *sha256,
                      guint64       *size_out)
{
  g_autofree char *path = complete_path (self, sha256);
  g_autofree char *partial = partial_path (self, sha256);
  g_autoptr(GError) table_error = NULL;
  GStatBuf st;

  if (self->table != NULL
      && hall_blob_table_stat (self->table, sha256, size_out, &table_error))
    return HALL_BLOB_COMPLETE;
  if (g_stat (path, &st) == 0)
    {
      *size_out = st.st_size;
      return HALL_BLOB_COMPLETE;
    }
  if (self->table != NULL)
    {
      /* Not "missing": a counter told so would begin the upload again. */
      if (table_error == NULL
          && hall_blob_table_stat_upload (self->table, sha256, size_out, &table_error))
        return HALL_BLOB_PARTIAL;
      *size_out = 0;
      if (table_error == NULL)
        return HALL_BLOB_NONE;
      g_warning ("%s", table_error->message);
      return HALL_BLOB_UNKNOWN;
    }
  if (g_stat (partial, &st) == 0)
    {
      *size_out = st.st_size;
      return HALL_BLOB_PARTIAL;
    }
  *size_out = 0;
  return HALL_BLOB_NONE;
}

int
hall_blob_store_open (HallBlobStore  *self,
                      const char     *sha256,
                      guint64        *size_out,
                      GError        **error)
{
  g_autofree char *path = complete_path (self, sha256);
  struct stat st;
  int fd;

  if (self->table != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      fd = hall_blob_table_open (self->table, sha256, size_out, &local_error);
      if (fd >= 0)
        return fd;
      if (local_error != NULL)
        {
          g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_IO, "%s",
                       local_error->message);
          return -1;
        }
    }
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      set_io_error (error, _("Cannot open the blob"), sha256);
      if (fd >= 0)
        close (fd);
      return -1;
    }
  *size_out = st.st_size;
  return fd;
}

/* Uploads */

static void
upload_free (HallBlobUpload *upload)
{
  if (upload->row != NULL)
    hall_blob_table_upload_discard (upload->row);
  g_mutex_lock (&upload->store->mutex);
  g_hash_table_remove (upload->store->busy, upload->sha256);
  g_mutex_unlock (&upload->store->mutex);
  if (upload->fd >= 0)
    close (upload->fd);
  g_object_unref (upload->store);
  g_free (upload->sha256);
  g_free (upload->partial_path);
  g_free (upload->record_path);
  g_free (upload);
}

static void
remove_upload (HallBlobUpload *upload)
{
  g_mutex_lock (&upload->store->mutex);
  remove_partial_locked (upload->store, upload->sha256);
  g_mutex_unlock (&upload->store->mutex);
  upload->held = 0;
}

/* Takes back what this upload wrote: the partial upload is as it was before
 * it, or gone when the upload began it (or cannot be cut back). */
static void
roll_back (HallBlobUpload *upload)
{
  if (upload->rolled_back)
    return;
  upload->rolled_back = TRUE;
  if (upload->row != NULL)
    {
      hall_blob_table_upload_discard (g_steal_pointer (&upload->row));
      upload->held = upload->start;
      return;
    }
  if (upload->start == 0 || upload->fd < 0 || ftruncate (upload->fd, upload->start) != 0
      || fdatasync (upload->fd) != 0)
    remove_upload (upload);
  else
    upload->held = upload->start;
  if (upload->fd >= 0)
    close (upload->fd);
  upload->fd = -1;
}

static guint64
charged_locked (HallBlobStore *self,
                const char    *official,
                const char    *except)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;
  guint64 sum = 0;

  g_hash_table_iter_init (&iter, self->partials);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Partial *partial = value;

      if (g_str_equal (partial->official, official) && !g_str_equal (key, except))
        sum += partial->length;
    }
  return sum;
}

/* Under the lock, with @sha256 marked busy: FALSE when this upload cannot
 * begin; *created_out says whether it begins a new partial upload, charged
 * to @official. */
static gboolean
admit_locked (HallBlobStore *self,
              const char    *sha256,
              const char    *official,
              gboolean       whole,
              guint64        offset,
              guint64        total,
              gboolean      *created_out,
              GError       **error)
{
  Partial *partial = g_hash_table_lookup (self->partials, sha256);
  guint64 charged;

  *created_out = FALSE;
  /* Begun through another server that shares the directory. */
  if (partial == NULL && !whole)
    {
      g_autofree char *record = record_path (self, sha256);
      g_autofree char *data = partial_path (self, sha256);

      if (g_file_test (data, G_FILE_TEST_EXISTS))
        partial = read_record (self, record);
      if (partial != NULL)
        g_hash_table_insert (self->partials, g_strdup (sha256), partial);
    }
  if (partial != NULL && !whole)
    {
      if (partial->length != total)
        return set_length_error (error, partial->length, total);
      return TRUE;
    }
  if (!whole && offset != 0)
    return set_first_offset_error (error, offset);
  charged = charged_locked (self, official, sha256);
  if (charged + total > self->partial_cap)
    return set_cap_error (error, charged, self->partial_cap, total, self->partial_ttl);
  partial = g_new0 (Partial, 1);
  partial->official = g_strdup (official);
  partial->length = total;
  g_hash_table_replace (self->partials, g_strdup (sha256), partial);
  *created_out = TRUE;
  return TRUE;
}

/* begin_upload() in the blob table: the rules of admit_locked(), on the
 * record every server sees; the cap counts every server's uploads. */
static gboolean
begin_in_table (HallBlobStore  *self,
                HallBlobUpload *upload,
                const char     *official,
                guint64         offset,
                guint64        *held_out,
                GError        **error)
{
  g_autoptr(GError) table_error = NULL;
  gboolean busy;
  guint64 length;
  guint64 held;
  guint64 charged;
  guint64 cap;
  guint64 ttl;

  upload->row = hall_blob_table_lock_upload (self->table, upload->sha256, &busy, &table_error);
  if (upload->row == NULL && busy)
    {
      /* The 409 says what is held (as HEAD would), not 0: a client that
       * retries from there once the other upload is done goes on. */
      if (held_out != NULL
          && !hall_blob_table_stat_upload (self->table, upload->sha256, held_out, NULL))
        *held_out = 0;
      return set_busy_error (error);
    }
  if (upload->row == NULL)
    return propagate_table_error (error, g_steal_pointer (&table_error));
  if (!upload->whole && hall_blob_table_upload_get_record (upload->row, &length, &held))
    {
      if (held_out != NULL)
        *held_out = held;
      if (length != upload->total)
        return set_length_error (error, length, upload->total);
      if (held != offset)
        return set_offset_error (error, held, offset);
      upload->held = upload->start = held;
      return TRUE;
    }
  if (!upload->whole && offset != 0)
    return set_first_offset_error (error, offset);

  g_mutex_lock (&self->mutex);
  cap = self->partial_cap;
  ttl = self->partial_ttl;
  g_mutex_unlock (&self->mutex);
  if (!hall_blob_table_upload_create (upload->row, official, upload->total, upload->whole, cap,
                                      &charged, &table_error))
    return table_error == NULL ? set_cap_error (error, charged, cap, upload->total, ttl)
                               : propagate_table_error (error, g_steal_pointer (&table_error));
  upload->held = upload->start = 0;
  return TRUE;
}

HallBlobUpload *
hall_blob_store_begin_upload (HallBlobStore  *self,
                              const char     *sha256,
                              const char     *official,
                              gboolean        whole,
                              guint64         offset,
                              guint64         total,
                              guint64        *held_out,
                              GError        **error)
{
  HallBlobUpload *upload;
  gboolean busy;
  gboolean created = FALSE;
  gboolean admitted = FALSE;
  struct stat st;

  g_return_val_if_fail (HALL_IS_BLOB_STORE (self), NULL);
  g_return_val_if_fail (official != NULL, NULL);

  if (held_out != NULL)
    *held_out = 0;
  if (total == 0 || total > self->max_size)
    {
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_TOO_LARGE,
                   _("A file must have 1 to %" PRIu64 " bytes"), self->max_size);
      return NULL;
    }

  g_mutex_lock (&self->mutex);
  busy = g_hash_table_contains (self->busy, sha256);
  if (!busy)
    {
      g_hash_table_add (self->busy, g_strdup (sha256));
      if (self->table == NULL)
        admitted = admit_locked (self, sha256, official, whole, offset, total, &created, error);
    }
  g_mutex_unlock (&self->mutex);
  if (busy)
    {
      set_busy_error (error);
      return NULL;
    }

  upload = g_new0 (HallBlobUpload, 1);
  upload->store = g_object_ref (self);
  upload->sha256 = g_strdup (sha256);
  upload->partial_path = partial_path (self, sha256);
  upload->record_path = record_path (self, sha256);
  upload->total = total;
  upload->whole = whole;
  upload->fd = -1;
  if (self->table != NULL)
    {
      if (begin_in_table (self, upload, official, offset, held_out, error))
        return upload;
      upload_free (upload);
      return NULL;
    }
  if (!admitted)
    {
      upload_free (upload);
      return NULL;
    }

  /* A whole upload is not resumed, so it has no record: if the server dies
   * meanwhile, its bytes go at the next start. */
  if (whole)
    g_unlink (upload->record_path);
  else if (created && !write_record (upload->record_path, official, total, error))
    goto undo;
  /* Locked before it is cut to nothing: another server may be writing it. */
  upload->fd = g_open (upload->partial_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (upload->fd >= 0 && flock (upload->fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (created)
        {
          g_mutex_lock (&self->mutex);
          g_hash_table_remove (self->partials, sha256);
          g_mutex_unlock (&self->mutex);
        }
      set_busy_error (error);
      upload_free (upload);
      return NULL;
    }
  if (upload->fd < 0 || (created && ftruncate (upload->fd, 0) != 0)
      || fstat (upload->fd, &st) != 0)
    {
      set_io_error (error, _("Cannot write the upload"), upload->partial_path);
      goto undo;
    }
  upload->held = upload->start = st.st_size;
  if (held_out != NULL)
    *held_out = upload->held;
  if (upload->held != offset)
    {
      set_offset_error (error, upload->held, offset);
      upload_free (upload);
      return NULL;
    }
  if (lseek (upload->fd, 0, SEEK_END) < 0)
    {
      set_io_error (error, _("Cannot write the upload"), upload->partial_path);
      upload_free (upload);
      return NULL;
    }
  return upload;

undo:
  if (created)
    remove_upload (upload);
  upload_free (upload);
  return NULL;
}

gboolean
hall_blob_upload_write (HallBlobUpload  *upload,
                        const void      *data,
                        gsize            length,
                        GError         **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (!upload->rolled_back, FALSE);

  if (upload->held + length > upload->total)
    {
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_TOO_LARGE,
                   _("The body goes past the %" PRIu64 " bytes announced; nothing of it "
                     "was kept"),
                   upload->total);
      roll_back (upload);
      return FALSE;
    }
  if (upload->row != NULL)
    {
      g_autoptr(GError) table_error = NULL;

      if (hall_blob_table_upload_write (upload->row, data, length, &table_error))
        {
          upload->held += length;
          return TRUE;
        }
      propagate_table_error (error, g_steal_pointer (&table_error));
      roll_back (upload);
      return FALSE;
    }
  while (length > 0)
    {
      ssize_t n = write (upload->fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_io_error (error, _("Cannot write the upload"), upload->partial_path);
          roll_back (upload);
          return FALSE;
        }
      p += n;
      length -= n;
      upload->held += n;
    }
  return TRUE;
}

static gboolean
hash_file (const char  *path,
           char       **hex_out,
           GError     **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (256 * 1024);
  int fd;
  ssize_t n;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return set_io_error (error, _("Cannot read the upload"), path);
  while ((n = read (fd, buffer, 256 * 1024)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_checksum_update (checksum, buffer, n);
  close (fd);
  if (n < 0)
    return set_io_error (error, _("Cannot read the upload"), path);
  *hex_out = g_strdup (g_checksum_get_string (checksum));
  return TRUE;
}

static gboolean
fsync_dir (const char  *dir,
           GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      set_io_error (error, _("Cannot sync the directory"), dir);
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The counter's check of a page file, on what was received. */
static gboolean
check_page_data (const guint8  *data,
                 gsize          length,
                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  HallPageHeader header;

  if (hall_page_header_read (data, length, &header, &local_error))
    return TRUE;
  g_set_error (error, HALL_BLOB_STORE_ERROR,
               header.format == HALL_PAGE_FORMAT_UNKNOWN ? HALL_BLOB_STORE_ERROR_FORMAT
                                                         : HALL_BLOB_STORE_ERROR_PAGE,
               _("%s; the file was discarded"), local_error->message);
  return FALSE;
}

static gboolean
check_page (const char  *path,
            GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);

  if (mapped == NULL)
    return set_io_error (error, _("Cannot read the upload"), path);
  return check_page_data ((const guint8 *) g_mapped_file_get_contents (mapped),
                          g_mapped_file_get_length (mapped), error);
}

/* Ends @row, whose bytes are not what their name says (or no page). A
 * resumable upload goes with them; a whole one is only rolled back, which
 * leaves the upload in progress it would have replaced as it was. */
static void
refuse_in_table (HallBlobUpload      *upload,
                 HallBlobTableUpload *row)
{
  if (upload->whole)
    {
      hall_blob_table_upload_discard (row);
      upload->held = upload->start;
    }
  else
    {
      hall_blob_table_upload_remove (row);
      upload->held = 0;
    }
}

/* hall_blob_upload_finish() in the blob table. */
static gboolean
finish_in_table (HallBlobUpload  *upload,
                 gboolean        *complete_out,
                 GError         **error)
{
  HallBlobTableUpload *row = g_steal_pointer (&upload->row);
  g_autoptr(GError) table_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *hex = NULL;
  guint64 held = upload->held;

  if (!upload->whole && upload->held < upload->total)
    {
      if (hall_blob_table_upload_keep (row, &table_error))
        return TRUE;
      upload->held = upload->start;
      return propagate_table_error (error, g_steal_pointer (&table_error));
    }

  /* In memory, as a blob of the table is when it is read: at most the
   * upload limit. */
  bytes = hall_blob_table_upload_read (row, &table_error);
  if (bytes == NULL)
    {
      hall_blob_table_upload_discard (row);
      upload->held = upload->start;
      return propagate_table_error (error, g_steal_pointer (&table_error));
    }
  hex = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!g_str_equal (hex, upload->sha256))
    {
      refuse_in_table (upload, row);
      return set_mismatch_error (error, held, hex);
    }
  if (!check_page_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    {
      refuse_in_table (upload, row);
      return FALSE;
    }
  if (!hall_blob_table_upload_complete (row, &table_error))
    {
      upload->held = upload->start;
      return propagate_table_error (error, g_steal_pointer (&table_error));
    }
  *complete_out = TRUE;
  return TRUE;
}

gboolean
hall_blob_upload_finish (HallBlobUpload  *upload,
                         gboolean        *complete_out,
                         guint64         *held_out,
                         GError         **error)
{
  g_autofree char *hex = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (!upload->rolled_back, FALSE);

  *complete_out = FALSE;
  *held_out = upload->held;

  if (upload->row != NULL)
    {
      ok = finish_in_table (upload, complete_out, error);
      goto out;
    }

  /* Some file systems find out only now that the disk is full. */
  if (fdatasync (upload->fd) != 0)
    {
      set_io_error (error, _("Cannot sync the upload"), upload->partial_path);
      roll_back (upload);
      goto out;
    }
  if (!upload->whole && upload->held < upload->total)
    {
      ok = TRUE;
      goto out;
    }

  if (!hash_file (upload->partial_path, &hex, error))
    {
      roll_back (upload);
      goto out;
    }
  if (!g_str_equal (hex, upload->sha256))
    {
      remove_upload (upload);
      set_mismatch_error (error, *held_out, hex);
      goto out;
    }

  if (!check_page (upload->partial_path, error))
    {
      remove_upload (upload);
      goto out;
    }

  path = complete_path (upload->store, upload->sha256);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_io_error (error, _("Cannot create the blob directory"), dir);
      roll_back (upload);
      goto out;
    }
  if (g_rename (upload->partial_path, path) != 0)
    {
      set_io_error (error, _("Cannot store the blob"), path);
      roll_back (upload);
      goto out;
    }
  g_mutex_lock (&upload->store->mutex);
  g_unlink (upload->record_path);
  g_hash_table_remove (upload->store->partials, upload->sha256);
  g_mutex_unlock (&upload->store->mutex);
  /* The new name, and a new prefix directory, must reach the disk too. */
  if (!fsync_dir (dir, error) || !fsync_dir (upload->store->dir, error)
      || !fsync_dir (upload->store->partial_dir, error))
    goto out;
  *complete_out = TRUE;
  ok = TRUE;

out:
  *held_out = upload->held;
  upload_free (upload);
  return ok;
}

void
hall_blob_upload_discard (HallBlobUpload *upload)
{
  roll_back (upload);
  upload_free (upload);
}

void
hall_blob_upload_abort (HallBlobUpload *upload)
{
  if (upload->whole)
    roll_back (upload);
  else if (upload->row != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* What came before the client went away is kept, as on disk. */
      if (!hall_blob_table_upload_keep (g_steal_pointer (&upload->row), &error))
        g_debug ("upload %s: %s", upload->sha256, error->message);
    }
  upload_free (upload);
}
