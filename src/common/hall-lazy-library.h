/* hall-lazy-library.h — a shared library opened when it is first needed
 *
 * A counter starts in a fraction of a second only if it does not load, at
 * start, the libraries of what an official may never use in a session:
 * libcurl with its TLS, Kerberos and LDAP (about 11 ms on a 2-core counter
 * PC), poppler with NSS (about 5 ms). Such a library is not linked; its
 * functions are resolved when a caller first needs one, as pointers named
 * sym_<function> (as systemd does), so a call still reads as the library's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HALL_LIBRARY_ERROR (hall_library_error_quark ())
typedef enum
{
  HALL_LIBRARY_ERROR_MISSING,  /* not installed, or without a function we call */
} HallLibraryError;

GQuark hall_library_error_quark (void);

typedef struct
{
  const char *name;
  gpointer   *address;
} HallLazySymbol;

typedef struct
{
  const char           *soname;   /* "libcurl.so.4" */
  const char           *package;  /* Debian's package that installs it */
  const HallLazySymbol *symbols;
  gsize                 n_symbols;

  /*< private >*/
  gsize                 state;
  char                 *failure;
} HallLazyLibrary;

/* In a header: the pointer to one function, typed as the library declares it. */
#define HALL_LAZY_SYMBOL_DECLARE(function) extern __typeof__ (function) *sym_##function;
/* In the library's one source file: the pointer itself. */
#define HALL_LAZY_SYMBOL_DEFINE(function) __typeof__ (function) *sym_##function = NULL;
/* An entry of its HallLazySymbol array. */
#define HALL_LAZY_SYMBOL_ENTRY(function) { #function, (gpointer *) &sym_##function },

/* In the library's one source file: the pointers of FUNCTIONS (an X macro of
 * HALL_LAZY_SYMBOL_*), and the HallLazyLibrary @name##_library of them. */
#define HALL_DEFINE_LAZY_LIBRARY(name, FUNCTIONS, soname_, package_) \
  FUNCTIONS (HALL_LAZY_SYMBOL_DEFINE) \
  static const HallLazySymbol name##_symbols[] = { FUNCTIONS (HALL_LAZY_SYMBOL_ENTRY) }; \
  static HallLazyLibrary name##_library = { \
    .soname = soname_, \
    .package = package_, \
    .symbols = name##_symbols, \
    .n_symbols = G_N_ELEMENTS (name##_symbols), \
  };

/* Opens @library and resolves all its functions, once per process and from
 * any thread; later calls only return what the first found. FALSE with
 * HALL_LIBRARY_ERROR_MISSING ("… cannot be loaded …; install the package …")
 * when it is missing or lacks a function. */
gboolean hall_lazy_library_load (HallLazyLibrary *library,
                                 GError         **error);

G_END_DECLS
