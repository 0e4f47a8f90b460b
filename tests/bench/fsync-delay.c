/* fsync-delay.c — LD_PRELOAD shim that makes every fsync/fdatasync take
 * 1 ms longer, like a disk without a write cache, to show what group commit
 * is worth (see bench-server.sh). FSYNC_DELAY_US overrides the delay.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int fsync (int fd);
int fdatasync (int fd);

static void
delay (void)
{
  const char *env = getenv ("FSYNC_DELAY_US");
  long us = env ? atol (env) : 1000;
  struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

  while (nanosleep (&ts, &ts) != 0)
    ;
}

int
fsync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fsync");
  delay ();
  return real (fd);
}

int
fdatasync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");
  delay ();
  return real (fd);
}
