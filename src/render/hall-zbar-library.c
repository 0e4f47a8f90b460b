/* hall-zbar-library.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-zbar-library.h"

HALL_DEFINE_LAZY_LIBRARY (zbar, HALL_ZBAR_FUNCTIONS, HALL_ZBAR_SONAME, "libzbar0")

gboolean
hall_zbar_library_load (GError **error)
{
  return hall_lazy_library_load (&zbar_library, error);
}
