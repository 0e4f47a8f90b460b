/* hall-poppler-library.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-poppler-library.h"

HALL_DEFINE_LAZY_LIBRARY (poppler, HALL_POPPLER_FUNCTIONS, HALL_POPPLER_GLIB_SONAME,
                          "libpoppler-glib8")

gboolean
hall_poppler_library_load (GError **error)
{
  return hall_lazy_library_load (&poppler_library, error);
}
