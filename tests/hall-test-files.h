/* hall-test-files.h — files and folders a test makes, and removes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only, so that every test program, whatever else it links (the
 * PostgreSQL runner links nothing else), removes its folders the same way.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

G_BEGIN_DECLS

/* Removes @path and everything below it; a symbolic link is removed, not
 * followed. What cannot be removed is left, silently: a test's folder in
 * /tmp, not something to fail a test over. */
static inline void
hall_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        hall_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

G_END_DECLS
