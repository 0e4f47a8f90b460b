/* disk-full-shim.c — LD_PRELOAD shim that makes a directory's disk "full":
 * a write() to a regular file under $DISK_FULL_DIR that would take the file
 * past $DISK_FULL_BYTES writes what fits and then fails with ENOSPC. Used by
 * test-server-blobs where no tmpfs can be mounted (not root); sockets,
 * pipes and every other file are left alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t write (int         fd,
               const void *buf,
               size_t      count);

/* The bytes of @fd's file that may still be written from its offset, or
 * -1 when the shim does not apply to it. */
static long long
room (int fd)
{
  const char *dir = getenv ("DISK_FULL_DIR");
  const char *bytes = getenv ("DISK_FULL_BYTES");
  char link[64];
  char path[PATH_MAX];
  struct stat st;
  ssize_t n;
  off_t offset;

  if (dir == NULL || bytes == NULL || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    return -1;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, path, sizeof path - 1);
  if (n < 0)
    return -1;
  path[n] = '\0';
  if (strncmp (path, dir, strlen (dir)) != 0 || path[strlen (dir)] != '/')
    return -1;
  offset = lseek (fd, 0, SEEK_CUR);
  if (offset < 0)
    return -1;
  return atoll (bytes) > offset ? atoll (bytes) - offset : 0;
}

ssize_t
write (int         fd,
       const void *buf,
       size_t      count)
{
  static ssize_t (*real) (int, const void *, size_t);
  long long left = room (fd);

  if (real == NULL)
    real = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
  if (left < 0 || (unsigned long long) left >= count)
    return real (fd, buf, count);
  if (left > 0)
    return real (fd, buf, left);
  errno = ENOSPC;
  return -1;
}
