/* hall-blob-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-blob-store"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall-blob-store.h"

G_DEFINE_QUARK (hall-blob-store-error-quark, hall_blob_store_error)

struct _HallBlobStore
{
  GObject     parent_instance;
  char       *dir;
  char       *partial_dir;
  guint64     max_size;
  GMutex      mutex;
  GHashTable *busy;   /* sha256 of the uploads running */
};

struct _HallBlobUpload
{
  HallBlobStore *store;
  char          *sha256;
  char          *partial_path;
  int            fd;
  guint64        held;
  guint64        total;
};

G_DEFINE_FINAL_TYPE (HallBlobStore, hall_blob_store, G_TYPE_OBJECT)

static void
hall_blob_store_finalize (GObject *object)
{
  HallBlobStore *self = HALL_BLOB_STORE (object);

  g_hash_table_unref (self->busy);
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
  self->busy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static gboolean
set_io_error (GError    **error,
              const char *what,
              const char *path)
{
  int saved = errno;

  g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_IO,
               "%s %s: %s", what, path, g_strerror (saved));
  return FALSE;
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

HallBlobState
hall_blob_store_stat (HallBlobStore *self,
                      const char    *sha256,
                      guint64       *size_out)
{
  g_autofree char *path = complete_path (self, sha256);
  g_autofree char *partial = g_build_filename (self->partial_dir, sha256, NULL);
  GStatBuf st;

  if (g_stat (path, &st) == 0)
    {
      *size_out = st.st_size;
      return HALL_BLOB_COMPLETE;
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

static void
upload_free (HallBlobUpload *upload)
{
  g_mutex_lock (&upload->store->mutex);
  g_hash_table_remove (upload->store->busy, upload->sha256);
  g_mutex_unlock (&upload->store->mutex);
  if (upload->fd >= 0)
    close (upload->fd);
  g_object_unref (upload->store);
  g_free (upload->sha256);
  g_free (upload->partial_path);
  g_free (upload);
}

HallBlobUpload *
hall_blob_store_begin_upload (HallBlobStore  *self,
                              const char     *sha256,
                              gboolean        restart,
                              guint64         offset,
                              guint64         total,
                              guint64        *held_out,
                              GError        **error)
{
  HallBlobUpload *upload;
  gboolean busy;
  struct stat st;

  g_mutex_lock (&self->mutex);
  busy = g_hash_table_contains (self->busy, sha256);
  if (!busy)
    g_hash_table_add (self->busy, g_strdup (sha256));
  g_mutex_unlock (&self->mutex);
  if (busy)
    {
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_BUSY,
                   _("Another upload of this file is running"));
      return NULL;
    }

  upload = g_new0 (HallBlobUpload, 1);
  upload->store = g_object_ref (self);
  upload->sha256 = g_strdup (sha256);
  upload->partial_path = g_build_filename (self->partial_dir, sha256, NULL);
  upload->total = total;
  upload->fd = g_open (upload->partial_path,
                       O_WRONLY | O_CREAT | O_CLOEXEC | (restart ? O_TRUNC : 0), 0600);
  if (upload->fd < 0 || fstat (upload->fd, &st) != 0)
    {
      set_io_error (error, _("Cannot write the upload"), upload->partial_path);
      upload_free (upload);
      return NULL;
    }
  upload->held = st.st_size;
  if (held_out != NULL)
    *held_out = upload->held;
  if (upload->held != offset)
    {
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_OFFSET,
                   _("The upload must continue at byte %" PRIu64
                     ", not %" PRIu64),
                   upload->held, offset);
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
}

gboolean
hall_blob_upload_write (HallBlobUpload  *upload,
                        const void      *data,
                        gsize            length,
                        GError         **error)
{
  const guint8 *p = data;

  if (upload->held + length > upload->store->max_size
      || (upload->total > 0 && upload->held + length > upload->total))
    {
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_TOO_LARGE,
                   _("The file is larger than announced or than %" PRIu64 " bytes"),
                   upload->total > 0 ? upload->total : upload->store->max_size);
      return FALSE;
    }
  while (length > 0)
    {
      ssize_t n = write (upload->fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return set_io_error (error, _("Cannot write the upload"), upload->partial_path);
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

gboolean
hall_blob_upload_finish (HallBlobUpload  *upload,
                         gboolean         whole,
                         gboolean        *complete_out,
                         guint64         *held_out,
                         GError         **error)
{
  g_autofree char *hex = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  gboolean ok = FALSE;

  *complete_out = FALSE;
  *held_out = upload->held;

  if (fdatasync (upload->fd) != 0)
    {
      set_io_error (error, _("Cannot sync the upload"), upload->partial_path);
      goto out;
    }
  if (!whole && (upload->total == 0 || upload->held < upload->total))
    {
      ok = TRUE;
      goto out;
    }

  if (!hash_file (upload->partial_path, &hex, error))
    goto out;
  if (!g_str_equal (hex, upload->sha256))
    {
      g_unlink (upload->partial_path);
      *held_out = 0;
      g_set_error (error, HALL_BLOB_STORE_ERROR, HALL_BLOB_STORE_ERROR_MISMATCH,
                   _("The %" PRIu64 " bytes received hash to %s, not to the name "
                     "of the file; they were discarded"),
                   upload->held, hex);
      goto out;
    }

  path = complete_path (upload->store, upload->sha256);
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_io_error (error, _("Cannot create the blob directory"), dir);
      goto out;
    }
  if (g_rename (upload->partial_path, path) != 0)
    {
      set_io_error (error, _("Cannot store the blob"), path);
      goto out;
    }
  /* The new name, and a new prefix directory, must reach the disk too. */
  if (!fsync_dir (dir, error) || !fsync_dir (upload->store->dir, error)
      || !fsync_dir (upload->store->partial_dir, error))
    goto out;
  *complete_out = TRUE;
  ok = TRUE;

out:
  upload_free (upload);
  return ok;
}

void
hall_blob_upload_abort (HallBlobUpload *upload)
{
  upload_free (upload);
}
