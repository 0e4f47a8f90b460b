/* hall-curl-library.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-curl-library.h"

HALL_DEFINE_LAZY_LIBRARY (curl, HALL_CURL_FUNCTIONS, HALL_LIBCURL_SONAME, "libcurl4")

gboolean
hall_curl_library_load (GError **error)
{
  static gsize initialized = 0;

  if (!hall_lazy_library_load (&curl_library, error))
    return FALSE;

  /* Once per process, before any thread makes a transfer. */
  if (g_once_init_enter (&initialized))
    {
      sym_curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialized, 1);
    }
  return TRUE;
}
