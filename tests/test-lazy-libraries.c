/* test-lazy-libraries.c — libcurl, poppler and zbar are opened on first use
 * (hall-lazy-library.h): not before, every function we call is found in
 * them, and a library that is missing says which and how to install it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* dladdr() */
#define _GNU_SOURCE
#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hall-curl-library.h"
#ifdef HAVE_RENDERING
#include "hall-poppler-library.h"
#include "hall-zbar-library.h"
#endif

/* Whether @soname is mapped into this process now. */
static gboolean
is_mapped (const char *soname)
{
  g_autofree char *maps = NULL;
  /* The path mapped is the file the soname links to: libcurl.so.4.8.0. */
  g_autofree char *needle = g_strconcat ("/", soname, NULL);

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, needle) != NULL;
}

/* Runs first: this program links none of them, as the counter app does not. */
static void
test_not_loaded_at_start (void)
{
  g_assert_false (is_mapped (HALL_LIBCURL_SONAME));
#ifdef HAVE_RENDERING
  g_assert_false (is_mapped (HALL_POPPLER_GLIB_SONAME));
  g_assert_false (is_mapped (HALL_ZBAR_SONAME));
#endif
}

static void
test_curl (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CURL) curl = NULL;

  g_assert_true (hall_curl_library_load (&error));
  g_assert_no_error (error);
  g_assert_true (is_mapped (HALL_LIBCURL_SONAME));

  curl = sym_curl_easy_init ();
  g_assert_nonnull (curl);
  g_assert_cmpint (sym_curl_easy_setopt (curl, CURLOPT_URL, "http://127.0.0.1:9/"), ==, CURLE_OK);
  g_assert_cmpint (sym_curl_getdate ("Sun, 06 Dec 2026 10:00:00 GMT", NULL), ==, 1796551200);
  g_assert_cmpstr (sym_curl_easy_strerror (CURLE_OK), ==, "No error");
}

#ifdef HAVE_RENDERING
static void
test_poppler (void)
{
  static const char not_a_pdf[] = "%PDF-1.4\nthis is not a document";
  g_autoptr (GBytes) bytes = g_bytes_new_static (not_a_pdf, sizeof not_a_pdf - 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) document = NULL;

  g_assert_true (hall_poppler_library_load (&error));
  g_assert_no_error (error);
  g_assert_true (is_mapped (HALL_POPPLER_GLIB_SONAME));

  document = sym_poppler_document_new_from_bytes (bytes, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, sym_poppler_error_quark (), POPPLER_ERROR_DAMAGED);
}

static void
test_zbar (void)
{
  g_autoptr (GError) error = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint8 blank[64 * 64];

  g_assert_true (hall_zbar_library_load (&error));
  g_assert_no_error (error);
  g_assert_true (is_mapped (HALL_ZBAR_SONAME));

  memset (blank, 0xff, sizeof blank);
  scanner = sym_zbar_image_scanner_create ();
  image = sym_zbar_image_create ();
  sym_zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  sym_zbar_image_set_size (image, 64, 64);
  sym_zbar_image_set_data (image, blank, sizeof blank, NULL);
  g_assert_cmpint (sym_zbar_scan_image (scanner, image), ==, 0);
  g_assert_null (sym_zbar_image_first_symbol (image));
  sym_zbar_image_destroy (image);
  sym_zbar_image_scanner_destroy (scanner);
}
#endif

static gpointer sym_first;
static gpointer sym_second;

static const HallLazySymbol two_symbols[] = {
  { "curl_easy_init", &sym_first },
  { "curl_no_such_function", &sym_second },
};

/* A library that is not installed: the error names it and its package,
 * and asking again gives the same answer without trying again. */
static void
test_missing_library (void)
{
  HallLazyLibrary library = {
    .soname = "libhall-not-installed.so.7",
    .package = "libhall-not-installed7",
    .symbols = two_symbols,
    .n_symbols = 1,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) again = NULL;

  g_assert_false (hall_lazy_library_load (&library, &error));
  g_assert_error (error, HALL_LIBRARY_ERROR, HALL_LIBRARY_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "libhall-not-installed.so.7"));
  g_assert_nonnull (strstr (error->message, "install the package libhall-not-installed7"));
  g_assert_null (sym_first);

  g_assert_false (hall_lazy_library_load (&library, &again));
  g_assert_cmpstr (again->message, ==, error->message);
  g_assert_false (hall_lazy_library_load (&library, NULL));
  g_free (library.failure);
}

/* A library of another version, without a function we call: refused
 * whole, none of its functions left half-resolved. */
static void
test_missing_function (void)
{
  HallLazyLibrary library = {
    .soname = HALL_LIBCURL_SONAME,
    .package = "libcurl4",
    .symbols = two_symbols,
    .n_symbols = G_N_ELEMENTS (two_symbols),
  };
  g_autoptr (GError) error = NULL;

  g_assert_false (hall_lazy_library_load (&library, &error));
  g_assert_error (error, HALL_LIBRARY_ERROR, HALL_LIBRARY_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "curl_no_such_function"));
  g_assert_null (sym_first);
  g_assert_null (sym_second);
  g_free (library.failure);
}

static gpointer sym_planted;
static const HallLazySymbol planted_symbols[] = {
  { "g_free", &sym_planted },
};
static gpointer sym_beside_stray;
static const HallLazySymbol beside_stray_symbols[] = {
  { "curl_easy_init", &sym_beside_stray },
};

/* A file in the current directory never stands in for a library. Given a
 * bare soname, g_module_open() looks there first: for NAME.la, a libtool
 * archive that may name any file to load (here GLib, to be harmless), and
 * for NAME.so, which then fails to load by name. */
static void
test_not_from_current_directory (void)
{
  HallLazyLibrary planted = {
    .soname = "libhall-only-here.so.3",
    .package = "libhall-only-here3",
    .symbols = planted_symbols,
    .n_symbols = G_N_ELEMENTS (planted_symbols),
  };
  HallLazyLibrary beside_stray = {
    .soname = HALL_LIBCURL_SONAME,
    .package = "libcurl4",
    .symbols = beside_stray_symbols,
    .n_symbols = G_N_ELEMENTS (beside_stray_symbols),
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) stray_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("lazy-libraries-XXXXXX", NULL);
  g_autofree char *previous = g_get_current_dir ();
  g_autofree char *glib_dir = NULL;
  g_autofree char *glib_name = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *archive_path = NULL;
  g_autofree char *stray_path = NULL;
  Dl_info info;

  g_assert_nonnull (dir);
  g_assert_true (dladdr ((void *) g_free, &info) != 0 && info.dli_fname != NULL);
  glib_dir = g_path_get_dirname (info.dli_fname);
  glib_name = g_path_get_basename (info.dli_fname);
  archive = g_strdup_printf ("dlname='%s'\nlibdir='%s'\n", glib_name, glib_dir);
  archive_path = g_build_filename (dir, "libhall-only-here.so.3.la", NULL);
  stray_path = g_build_filename (dir, HALL_LIBCURL_SONAME ".so", NULL);
  g_assert_true (g_file_set_contents (archive_path, archive, -1, NULL));
  g_assert_true (g_file_set_contents (stray_path, "", 0, NULL));
  g_assert_cmpint (chdir (dir), ==, 0);

  g_assert_false (hall_lazy_library_load (&planted, &error));
  g_assert_error (error, HALL_LIBRARY_ERROR, HALL_LIBRARY_ERROR_MISSING);
  g_assert_null (sym_planted);
  g_assert_true (hall_lazy_library_load (&beside_stray, &stray_error));
  g_assert_no_error (stray_error);
  g_assert_nonnull (sym_beside_stray);

  g_assert_cmpint (chdir (previous), ==, 0);
  g_unlink (archive_path);
  g_unlink (stray_path);
  g_rmdir (dir);
  g_free (planted.failure);
}

#define N_THREADS 8

static gpointer sym_shared;
static const HallLazySymbol shared_symbols[] = {
  { "curl_slist_append", &sym_shared },
};
static HallLazyLibrary shared_library = {
  .soname = HALL_LIBCURL_SONAME,
  .package = "libcurl4",
  .symbols = shared_symbols,
  .n_symbols = G_N_ELEMENTS (shared_symbols),
};

static gpointer
load_in_thread (gpointer data)
{
  gboolean loaded = hall_lazy_library_load (&shared_library, NULL);

  return GINT_TO_POINTER (loaded && sym_shared != NULL);
}

/* The sync engine's worker, the queue feed's and a page import may each be
 * the first: all of them find the functions resolved. */
static void
test_first_use_from_threads (void)
{
  GThread *threads[N_THREADS];
  guint i;

  for (i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("first-use", load_in_thread, NULL);
  for (i = 0; i < N_THREADS; i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lazy-libraries/not-loaded-at-start", test_not_loaded_at_start);
  g_test_add_func ("/lazy-libraries/missing-library", test_missing_library);
  g_test_add_func ("/lazy-libraries/missing-function", test_missing_function);
  g_test_add_func ("/lazy-libraries/not-from-current-directory", test_not_from_current_directory);
  g_test_add_func ("/lazy-libraries/first-use-from-threads", test_first_use_from_threads);
  g_test_add_func ("/lazy-libraries/curl", test_curl);
#ifdef HAVE_RENDERING
  g_test_add_func ("/lazy-libraries/poppler", test_poppler);
  g_test_add_func ("/lazy-libraries/zbar", test_zbar);
#endif
  return g_test_run ();
}
