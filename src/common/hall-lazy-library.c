/* hall-lazy-library.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n.h>
#include <string.h>

#include "hall-lazy-library.h"

G_DEFINE_QUARK (hall-library-error-quark, hall_library_error)

enum
{
  LAZY_LIBRARY_LOADED = 1,
  LAZY_LIBRARY_MISSING = 2,
};

static gsize
open_library (HallLazyLibrary *library)
{
  void *handle;
  gsize i;

  /* dlopen() itself, not g_module_open(): given a bare soname, GModule
   * first looks in the current directory (NAME, NAME.so, NAME.la), and a
   * libtool archive found there names any file to load. dlopen() searches
   * only the system's library path. */
  g_assert (strchr (library->soname, '/') == NULL);
  handle = dlopen (library->soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    {
      library->failure = g_strdup_printf (_("%s cannot be loaded (%s); install the package %s"),
                                          library->soname, dlerror (), library->package);
      return LAZY_LIBRARY_MISSING;
    }

  for (i = 0; i < library->n_symbols; i++)
    {
      const HallLazySymbol *symbol = &library->symbols[i];

      *symbol->address = dlsym (handle, symbol->name);
      if (*symbol->address == NULL)
        {
          library->failure = g_strdup_printf (_("%s cannot be loaded: it has no function %s; "
                                                "install the package %s of this release"),
                                              library->soname, symbol->name, library->package);
          for (i = 0; i < library->n_symbols; i++)
            *library->symbols[i].address = NULL;
          dlclose (handle);
          return LAZY_LIBRARY_MISSING;
        }
    }

  /* Its functions are called until the process ends: the handle is never
   * closed, so the library stays. */
  g_debug ("loaded %s on first use", library->soname);
  return LAZY_LIBRARY_LOADED;
}

gboolean
hall_lazy_library_load (HallLazyLibrary *library,
                        GError         **error)
{
  if (g_once_init_enter (&library->state))
    g_once_init_leave (&library->state, open_library (library));

  if (library->state == LAZY_LIBRARY_LOADED)
    return TRUE;

  g_set_error_literal (error, HALL_LIBRARY_ERROR, HALL_LIBRARY_ERROR_MISSING, library->failure);
  return FALSE;
}
