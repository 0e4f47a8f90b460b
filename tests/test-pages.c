/* test-pages.c — pages imported into a case's checklist: decoding, the
 * refusals, storage by kind and size, order, and the queue to the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <tiffio.h>
#ifdef HAVE_POPPLER
#include <cairo-pdf.h>
#endif

#include "hall-case-promise.h"
#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-page-header.h"
#include "hall-page-image.h"
#include "hall-store.h"
#include "hall-store-pages.h"
#include "hall-store-signing.h"
#include "hall-store-sync-private.h"
#include "hall-store-test-hooks.h"
#include "hall-test-pages.h"
#include "hall-test-files.h"

typedef struct
{
  char        *dir;
  HallStore   *store;
  HallCatalog *catalog;
  HallCase    *kase;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autofree char *path = NULL;
  HallService *service;

  fixture->dir = g_dir_make_tmp ("hall-pages-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "counter.db", NULL);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  applicant = hall_applicant_new_person ("张伟", HALL_ID_TYPE_RESIDENT_ID,
                                         "640104198506120015", "13800000001");
  fixture->kase = hall_case_new ();
  g_assert_true (hall_store_create_case (fixture->store, applicant, service, fixture->kase,
                                         &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->kase);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
file_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* Imports @path into @slot as the command line and the window do. */
static gboolean
import (Fixture     *fixture,
        const char  *slot,
        const char  *path,
        GPtrArray  **pages_out,
        GError     **error)
{
  g_autoptr (GPtrArray) images = hall_page_image_load_file (path, error);

  if (images == NULL)
    return FALSE;
  return hall_store_add_pages (fixture->store, hall_case_get_uuid (fixture->kase), slot,
                               images, "wang.fang", pages_out, error);
}

static guint
count_pages (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pages = hall_store_list_case_pages (fixture->store,
                                                            hall_case_get_uuid (fixture->kase),
                                                            &error);

  g_assert_no_error (error);
  return pages->len;
}

static GBytes *
read_stored (Fixture        *fixture,
             HallStoredPage *page)
{
  g_autofree char *path = hall_store_get_page_path (fixture->store, page->sha256);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new (contents, length);
}

static void
test_png_grey_stored_as_jpeg (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 150, 1);
  g_autofree char *path = file_in (fixture, "lease.png");
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autofree char *sha = NULL;
  HallStoredPage *page;

  hall_test_write_png (image, path);
  g_assert_true (import (fixture, "premises_proof", path, &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
  page = g_ptr_array_index (pages, 0);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_GREY);
  g_assert_cmpstr (page->mime, ==, "image/jpeg");
  g_assert_cmpuint (page->width, ==, image->width);

  /* Named by its SHA-256, and no temporary file left beside it. */
  stored = read_stored (fixture, page);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, stored);
  g_assert_cmpstr (sha, ==, page->sha256);
  g_assert_cmpint (g_bytes_get_size (stored), ==, page->bytes);
  {
    g_autofree char *file = hall_store_get_page_path (fixture->store, page->sha256);
    g_autofree char *dir = g_path_get_dirname (file);
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (d) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  /* It reads back as the same page. */
  {
    g_autoptr (GPtrArray) back = hall_page_image_load_bytes (stored, "page.jpg", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (((HallPageImage *) g_ptr_array_index (back, 0))->height, ==,
                      image->height);
  }
}

static void
test_bilevel_stays_1bit (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 300, 2);
  g_autofree char *path = file_in (fixture, "form.png");
  g_autofree char *stored_path = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  HallStoredPage *page;
  guint16 compression = 0, bits = 0;
  TIFF *tiff;

  hall_test_write_png (image, path);
  g_assert_true (import (fixture, "company_registration_application", path, &pages, &error));
  g_assert_no_error (error);
  page = g_ptr_array_index (pages, 0);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_BILEVEL);
  g_assert_cmpstr (page->mime, ==, "image/tiff");
  /* The goal for a black-and-white A4 page at 300 dpi. */
  g_test_message ("A4 300 dpi black and white: %" G_GINT64_FORMAT " bytes", page->bytes);
  g_assert_cmpint (page->bytes, <=, 80 * 1024);

  stored_path = hall_store_get_page_path (fixture->store, page->sha256);
  tiff = TIFFOpen (stored_path, "r");
  g_assert_nonnull (tiff);
  TIFFGetField (tiff, TIFFTAG_COMPRESSION, &compression);
  TIFFGetField (tiff, TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFClose (tiff);
  g_assert_cmpuint (compression, ==, COMPRESSION_CCITTFAX4);
  g_assert_cmpuint (bits, ==, 1);
}

static void
test_grey_a4_size (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 300, 3);
  g_autoptr (GPtrArray) images = g_ptr_array_new ();
  g_autoptr (GPtrArray) pages = NULL;
  HallStoredPage *page;

  g_ptr_array_add (images, image);
  g_assert_true (hall_store_add_pages (fixture->store, hall_case_get_uuid (fixture->kase),
                                       "articles_of_association", images, NULL, &pages,
                                       &error));
  g_assert_no_error (error);
  page = g_ptr_array_index (pages, 0);
  g_test_message ("A4 300 dpi grey: %" G_GINT64_FORMAT " bytes", page->bytes);
  g_assert_cmpstr (page->mime, ==, "image/jpeg");
  /* The goal: 300 KB. This page of dense 12-point type comes to about
   * 255 KB (430 KB at plain quality 60; see README's figures and
   * tests/bench/bench-page-size.c); 8.7 million pixels are 8.5 MB raw. */
  g_assert_cmpint (page->bytes, <=, 300 * 1024);
  g_assert_cmpint (page->bytes, >, 20 * 1024); /* it holds the text, not a blank */
}

static void
test_jpeg_metadata_stripped (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_COLOUR, 100, 4);
  g_autofree char *path = file_in (fixture, "photo.JPG");
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autofree char *original = NULL;
  gsize length;
  HallStoredPage *page;

  hall_test_write_jpeg (image, path, "GPS 38.4872N 106.2309E Canon EOS");
  g_file_get_contents (path, &original, &length, NULL);
  g_assert_nonnull (memmem (original, length, "GPS 38.4872N", 12));

  g_assert_true (import (fixture, "shareholder_identity", path, &pages, &error));
  g_assert_no_error (error);
  page = g_ptr_array_index (pages, 0);
  g_assert_cmpint (page->kind, ==, HALL_PAGE_KIND_COLOUR);
  stored = read_stored (fixture, page);
  g_assert_null (memmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored),
                         "Exif", 4));
  g_assert_null (memmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored),
                         "GPS", 3));
}

static void
test_tiff_pages (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) first = hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 5);
  g_autoptr (HallPageImage) second = hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 100, 6);
  HallPageImage *both[] = { first, second };
  g_autofree char *path = file_in (fixture, "articles.tiff");
  g_autoptr (GPtrArray) pages = NULL;

  hall_test_write_tiff (both, 2, path);
  g_assert_true (import (fixture, "articles_of_association", path, &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpint (((HallStoredPage *) g_ptr_array_index (pages, 0))->kind, ==,
                   HALL_PAGE_KIND_GREY);
  g_assert_cmpint (((HallStoredPage *) g_ptr_array_index (pages, 1))->kind, ==,
                   HALL_PAGE_KIND_BILEVEL);
  g_assert_cmpuint (((HallStoredPage *) g_ptr_array_index (pages, 1))->position, ==, 1);
}

#ifdef HAVE_POPPLER
static void
test_pdf_pages (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = file_in (fixture, "power.pdf");
  g_autoptr (GPtrArray) pages = NULL;
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < 3; i++)
    {
      cairo_set_source_rgb (cr, i == 2 ? 0.8 : 0, 0, 0);
      cairo_rectangle (cr, 72, 72 + i * 20, 300, 10);
      cairo_fill (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  g_assert_true (import (fixture, "power_of_attorney", path, &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 3);
  /* Drawn at 300 dpi; black on white is grey, the red page is colour. */
  g_assert_cmpuint (((HallStoredPage *) g_ptr_array_index (pages, 0))->width, ==, 2479);
  g_assert_cmpint (((HallStoredPage *) g_ptr_array_index (pages, 0))->kind, ==,
                   HALL_PAGE_KIND_GREY);
  g_assert_cmpint (((HallStoredPage *) g_ptr_array_index (pages, 2))->kind, ==,
                   HALL_PAGE_KIND_COLOUR);
}
#endif

/* Each refusal names what is wrong and leaves the case as it was. */
static void
assert_refused (Fixture    *fixture,
                const char *path,
                const char *expected)
{
  g_autoptr (GError) error = NULL;
  guint outbox = hall_store_count_outbox (fixture->store);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_false (import (fixture, "premises_proof", path, NULL, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, error->code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_cmpuint (count_pages (fixture), ==, 0);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 0);
}

static void
test_refused_empty (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = file_in (fixture, "empty.png");

  g_file_set_contents (path, "", 0, NULL);
  assert_refused (fixture, path, "empty");
}

static void
test_refused_truncated_jpeg (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 7);
  g_autofree char *path = file_in (fixture, "cut.jpg");
  g_autofree char *contents = NULL;
  gsize length;

  hall_test_write_jpeg (image, path, NULL);
  g_file_get_contents (path, &contents, &length, NULL);
  g_file_set_contents (path, contents, length / 2, NULL);
  assert_refused (fixture, path, "cut short");
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* (transfer full): the async load of @paths, waited for. */
static GPtrArray *
load_files (const char *const *paths,
            GError           **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  hall_page_image_load_files_async (paths, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return hall_page_image_load_files_finish (result, error);
}

/* Files decoded on a worker: all of them in order, or the first refusal. */
static void
test_load_files_async (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (HallPageImage) narrow = hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 7);
  g_autoptr (HallPageImage) wide = hall_test_page_typed (HALL_PAGE_KIND_GREY, 200, 7);
  g_autofree char *first = file_in (fixture, "first.jpg");
  g_autofree char *second = file_in (fixture, "second.jpg");
  g_autofree char *cut = file_in (fixture, "cut.jpg");
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GError) error = NULL;
  const char *both[] = { first, second, NULL };
  const char *with_cut[] = { first, cut, second, NULL };
  gsize length;

  hall_test_write_jpeg (narrow, first, NULL);
  hall_test_write_jpeg (wide, second, NULL);
  hall_test_write_jpeg (wide, cut, NULL);
  g_file_get_contents (cut, &contents, &length, NULL);
  g_file_set_contents (cut, contents, length / 2, NULL);

  images = load_files (both, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 2);
  g_assert_cmpuint (((HallPageImage *) images->pdata[0])->width, ==, narrow->width);
  g_assert_cmpuint (((HallPageImage *) images->pdata[1])->width, ==, wide->width);
  g_clear_pointer (&images, g_ptr_array_unref);

  images = load_files (with_cut, &error);
  g_assert_null (images);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cut.jpg"));
}

/* The calls the scanning window makes off its main loop: the slot read,
 * a page decoded (scaled down for a thumbnail, or whole), a page turned,
 * moved and deleted; a page whose file is not here and a page that does not
 * exist are errors, not hangs. */
static void
test_window_calls_async (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *uuid = hall_case_get_uuid (fixture->kase);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) added = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallPageImage) image = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  HallStoredPage *first;

  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 600, 21));
  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 300, 22));
  g_assert_true (hall_store_add_pages (fixture->store, uuid, "premises_proof", images,
                                       "wang.fang", &added, &error));
  g_assert_no_error (error);
  first = g_ptr_array_index (added, 0);

  hall_store_list_case_pages_async (fixture->store, uuid, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  pages = hall_store_list_case_pages_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 2);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[0])->uuid, ==, first->uuid);
  g_clear_object (&result);
  g_clear_pointer (&pages, g_ptr_array_unref);

  hall_store_load_page_image_async (fixture->store, first, 100, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  image = hall_store_load_page_image_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (MAX (image->width, image->height), <=, 100);
  g_assert_cmpuint (MAX (image->width, image->height), >, 0);
  g_clear_object (&result);
  g_clear_pointer (&image, hall_page_image_unref);
  image = hall_store_load_page_image (fixture->store, first, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, first->width);
  g_assert_cmpuint (image->height, ==, first->height);
  g_clear_pointer (&image, hall_page_image_unref);

  {
    g_autoptr (HallStoredPage) turned = NULL;

    hall_store_turn_page_async (fixture->store, first, 1, "wang.fang", NULL, store_result_cb,
                                &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    turned = hall_store_turn_page_finish (fixture->store, result, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (turned->uuid, ==, first->uuid);
    g_assert_cmpuint (turned->position, ==, 0);
    g_assert_cmpstr (turned->sha256, !=, first->sha256);
    g_assert_cmpuint (turned->width, ==, first->height);
    g_assert_cmpuint (turned->height, ==, first->width);
    g_clear_object (&result);
  }

  hall_store_move_page_async (fixture->store, first->uuid, 1, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hall_store_move_page_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  pages = hall_store_list_case_pages (fixture->store, uuid, &error);
  g_assert_cmpstr (((HallStoredPage *) pages->pdata[1])->uuid, ==, first->uuid);
  g_clear_pointer (&pages, g_ptr_array_unref);

  hall_store_remove_page_async (fixture->store, first->uuid, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (hall_store_remove_page_finish (fixture->store, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  pages = hall_store_list_case_pages (fixture->store, uuid, &error);
  g_assert_cmpuint (pages->len, ==, 1);
  g_clear_pointer (&pages, g_ptr_array_unref);

  hall_store_remove_page_async (fixture->store, first->uuid, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (hall_store_remove_page_finish (fixture->store, result, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The second page's file gone (a page pulled from another counter). */
  path = hall_store_get_page_path (fixture->store,
                                   ((HallStoredPage *) g_ptr_array_index (added, 1))->sha256);
  g_assert_cmpint (g_unlink (path), ==, 0);
  hall_store_load_page_image_async (fixture->store, g_ptr_array_index (added, 1), 100, NULL,
                                    store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (hall_store_load_page_image_finish (fixture->store, result, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

static void
test_refused_wrong_name (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 50, 8);
  g_autofree char *path = file_in (fixture, "scan.jpg");
  g_autofree char *text = file_in (fixture, "notes.pdf");

  hall_test_write_png (image, path);
  assert_refused (fixture, path, "holds a PNG file");
  g_file_set_contents (text, "just some text, not a document", -1, NULL);
  assert_refused (fixture, text, "not a PNG, JPEG, TIFF or PDF");
}

/* A PNG whose header claims 50,000 × 50,000 pixels (7.5 GB decoded) in a
 * few bytes: refused from its header, never decoded. */
static void
test_refused_pixel_bomb (Fixture       *fixture,
                         gconstpointer  data)
{
  static const guint8 bomb[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0xc3, 0x50, 0, 0, 0xc3, 0x50, 8, 2, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 'I', 'E', 'N', 'D',
  };
  g_autofree char *path = file_in (fixture, "bomb.png");
  g_autofree char *jpeg_path = file_in (fixture, "bomb.jpg");
  /* SOI, SOF0 of 9000 × 9000, EOI */
  static const guint8 jpeg_bomb[] = {
    0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0x23, 0x28, 0x23, 0x28, 1, 1, 0x11, 0, 0xff, 0xd9,
  };

  g_file_set_contents (path, (const char *) bomb, sizeof bomb, NULL);
  assert_refused (fixture, path, "50000 × 50000");
  g_file_set_contents (jpeg_path, (const char *) jpeg_bomb, sizeof jpeg_bomb, NULL);
  assert_refused (fixture, jpeg_path, "at most 40 million");
}

static void
test_refused_too_large (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *path = file_in (fixture, "huge.tif");
  FILE *f = fopen (path, "wb");

  /* A sparse file: refused by its size before a byte is read. */
  fwrite ("II*\0", 1, 4, f);
  g_assert_cmpint (ftruncate (fileno (f), (off_t) HALL_PAGE_MAX_BYTES + 1), ==, 0);
  fclose (f);
  assert_refused (fixture, path, "at most 50 MiB");
}

static void
test_refused_password_pdf (Fixture       *fixture,
                           gconstpointer  data)
{
#ifdef HAVE_POPPLER
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "pages", "password.pdf",
                                                 NULL);

  assert_refused (fixture, path, "protected by a password");
#else
  g_test_skip ("built without PDF import");
#endif
}

static void
test_refused_slot_and_case (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 50, 9);
  g_autoptr (GPtrArray) images = g_ptr_array_new ();

  g_ptr_array_add (images, image);
  g_assert_false (hall_store_add_pages (fixture->store, hall_case_get_uuid (fixture->kase),
                                        "marriage_certificate", images, NULL, NULL, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "marriage_certificate"));
  g_clear_error (&error);
  g_assert_false (hall_store_add_pages (fixture->store, "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
                                        "premises_proof", images, NULL, NULL, &error));
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (count_pages (fixture), ==, 0);
}

static const char *
slot_of (GPtrArray *pages,
         guint      i)
{
  return ((HallStoredPage *) g_ptr_array_index (pages, i))->slot;
}

/* The @n rows of the outbox before its last @trailing are PUTs of page
 * records, the first of them of @page_uuid with @member in its body,
 * marked deleted or not. */
static void
assert_last_page_rows (HallStore  *store,
                       guint       n,
                       guint       trailing,
                       const char *page_uuid,
                       const char *member,
                       gboolean    deleted)
{
  g_autoptr (GError) error = NULL;
  /* Every row: the outbox holds a page's record back from the sync engine
   * until its file is sent, and none is sent here. */
  g_autoptr (GPtrArray) rows = _hall_store_list_outbox_all (store, &error);
  HallOutboxItem *first;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, >=, n + trailing);
  for (guint i = rows->len - trailing - n; i < rows->len - trailing; i++)
    {
      HallOutboxItem *row = g_ptr_array_index (rows, i);

      g_assert_cmpstr (row->entity, ==, "page");
      g_assert_cmpstr (row->method, ==, "PUT");
      g_assert_true (g_str_has_prefix (row->path, "/v1/pages/"));
      g_assert_cmpstr (row->path + strlen ("/v1/pages/"), ==, row->entity_uuid);
    }
  first = g_ptr_array_index (rows, rows->len - trailing - n);
  g_assert_cmpstr (first->entity_uuid, ==, page_uuid);
  g_assert_nonnull (strstr (first->body, member));
  g_assert_true ((strstr (first->body, "\"deleted\":true") != NULL) == deleted);
}

static void
test_order_and_queue (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  const char *uuid = hall_case_get_uuid (fixture->kase);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) added = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  g_autoptr (GPtrArray) hashes = NULL;
  g_autoptr (GPtrArray) missing = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *third = NULL;
  guint outbox = hall_store_count_outbox (fixture->store);

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 40, 10 + i));
  /* The later slot of the checklist first: the list follows the checklist. */
  g_assert_true (hall_store_add_pages (fixture->store, uuid, "premises_proof", images,
                                       "wang.fang", &added, &error));
  g_assert_no_error (error);
  third = g_strdup (((HallStoredPage *) g_ptr_array_index (added, 2))->uuid);
  g_ptr_array_set_size (images, 1);
  g_assert_true (hall_store_add_pages (fixture->store, uuid, "articles_of_association",
                                       images, "wang.fang", NULL, &error));
  g_assert_no_error (error);

  pages = hall_store_list_case_pages (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 4);
  g_assert_cmpstr (slot_of (pages, 0), ==, "articles_of_association");
  g_assert_cmpstr (slot_of (pages, 1), ==, "premises_proof");
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Each addition is one document entry through the outbox, and each
   * page one record of it for the server. */
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 2 + 4);
  events = hall_store_list_case_events (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_event_get_kind (g_ptr_array_index (events, events->len - 1)), ==,
                   HALL_CASE_EVENT_DOCUMENT);
  /* Four pages wait to be sent, though two are the same file. */
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 4);

  /* The third page of the lease to the front: the three pages whose
   * place changed each send their new place, in the same transaction. */
  g_assert_true (hall_store_move_page (fixture->store, third, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 6 + 3);
  assert_last_page_rows (fixture->store, 3, 0, third, "\"position\":0", FALSE);
  pages = hall_store_list_case_pages (fixture->store, uuid, &error);
  g_assert_cmpstr (((HallStoredPage *) g_ptr_array_index (pages, 1))->uuid, ==, third);
  for (guint i = 1; i < 4; i++)
    g_assert_cmpuint (((HallStoredPage *) g_ptr_array_index (pages, i))->position, ==, i - 1);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Turned: the same page, in the same place, with a new file, in one
   * transaction with its record and the history entry. */
  {
    g_autoptr (HallPageImage) turned = hall_page_image_rotate (g_ptr_array_index (images, 0),
                                                              1);
    g_autoptr (HallStoredPage) after = NULL;
    g_autofree char *before_sha = NULL;

    pages = hall_store_list_case_pages (fixture->store, uuid, &error);
    before_sha = g_strdup (((HallStoredPage *) g_ptr_array_index (pages, 1))->sha256);
    g_clear_pointer (&pages, g_ptr_array_unref);
    g_assert_true (hall_store_replace_page (fixture->store, third, turned, "wang.fang", &after,
                                            &error));
    g_assert_no_error (error);
    g_assert_nonnull (after);
    g_assert_cmpstr (after->uuid, ==, third);
    g_assert_cmpint (after->position, ==, 0);
    g_assert_cmpstr (after->slot, ==, "premises_proof");
    g_assert_cmpstr (after->sha256, !=, before_sha);
    g_assert_cmpint (after->width, ==, turned->width);
    g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 9 + 2);
    assert_last_page_rows (fixture->store, 1, 1, third, after->sha256, FALSE);
    g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 4);
    g_assert_false (hall_store_replace_page (fixture->store, "no-such-page", turned, NULL, NULL,
                                             &error));
    g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 9 + 2);
  }

  /* Removed: the page's record, marked deleted, the new places of the two
   * after it, and the entry of the case's history. */
  g_assert_true (hall_store_remove_page (fixture->store, third, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 11 + 4);
  assert_last_page_rows (fixture->store, 3, 1, third, "\"position\":0", TRUE);
  pages = hall_store_list_case_pages (fixture->store, uuid, &error);
  g_assert_cmpuint (pages->len, ==, 3);
  g_assert_cmpuint (((HallStoredPage *) g_ptr_array_index (pages, 2))->position, ==, 1);

  hashes = hall_store_list_case_document_hashes (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hashes->len, ==, 3);
  for (guint i = 1; i < hashes->len; i++)
    g_assert_cmpint (strcmp (g_ptr_array_index (hashes, i - 1), g_ptr_array_index (hashes, i)),
                     <=, 0);

  missing = hall_store_list_missing_documents (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "company_registration_application");

  /* Once the server has a blob, every page naming it is sent: the first
   * page of the articles is the first of the lease. */
  g_assert_true (hall_store_mark_page_sent (fixture->store,
                                            ((HallStoredPage *) g_ptr_array_index (pages, 0))->sha256,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_unsent_pages (fixture->store), ==, 1);
}

static gboolean
checklist_says_provided (HallCase   *kase,
                         const char *slot)
{
  JsonArray *checklist = hall_case_get_checklist (kase);

  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (g_strcmp0 (json_object_get_string_member (item, "id"), slot) == 0)
        return json_object_get_boolean_member (item, "provided");
    }
  g_assert_not_reached ();
}

static guint
count_filtered (Fixture              *fixture,
                const HallCaseFilter *filter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  guint n = 0;

  cases = hall_store_filter_cases (fixture->store, NULL, filter, HALL_CASE_SORT_NEWEST,
                                   g_get_real_time () / G_USEC_PER_SEC, 10, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, n);
  return n;
}

/* The document entries the outbox holds for the case, oldest first. */
static GPtrArray *
document_rows (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = _hall_store_list_outbox_all (fixture->store, &error);
  GPtrArray *documents = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      HallOutboxItem *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->entity, "event") == 0 && strstr (row->body, "\"kind\":\"document\""))
        g_ptr_array_add (documents, g_strdup (row->body));
    }
  g_ptr_array_set_free_func (documents, g_free);
  return documents;
}

/* Pages for a document the applicant had not brought: the checklist says
 * it is provided, the case stops waiting for it, and the document entry
 * names it for the server, once; nothing else is sent for the case. */
static void
test_scanned_document_provided (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  const char *uuid = hall_case_get_uuid (fixture->kase);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (GPtrArray) documents = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (HallCase) before = NULL;
  g_autoptr (HallCase) after = NULL;
  HallCaseFilter waiting = { .waiting = TRUE };
  HallService *service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  guint outbox;

  before = hall_store_get_case (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_true (hall_case_is_paused (before));
  g_assert_false (checklist_says_provided (before, "premises_proof"));
  g_assert_cmpuint (count_filtered (fixture, &waiting), ==, 1);

  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 40, 3));
  outbox = hall_store_count_outbox (fixture->store);
  g_assert_true (hall_store_add_pages (fixture->store, uuid, "premises_proof", images,
                                       "wang.fang", NULL, &error));
  g_assert_no_error (error);
  after = hall_store_get_case (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_true (checklist_says_provided (after, "premises_proof"));
  g_assert_false (checklist_says_provided (after, "articles_of_association"));
  g_assert_cmpint (hall_case_get_sync_state (after), ==, HALL_SYNC_PENDING);
  /* The page's record and the document entry: the case is not sent again,
   * and its creation, still waiting, goes as it was taken in (a decision
   * signed before the scan covers that). */
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 2);
  {
    g_autoptr (GPtrArray) rows = _hall_store_list_outbox_all (fixture->store, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < rows->len; i++)
      {
        HallOutboxItem *row = g_ptr_array_index (rows, i);

        if (g_strcmp0 (row->entity, "case") == 0)
          g_assert_nonnull (strstr (row->body,
                                    "{\"id\":\"premises_proof\",\"provided\":false}"));
      }
  }

  /* A second scan of the same document provides nothing new. */
  g_assert_true (hall_store_add_pages (fixture->store, uuid, "premises_proof", images,
                                       "wang.fang", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, outbox + 4);
  documents = document_rows (fixture);
  g_assert_cmpuint (documents->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (documents, 0), "\"slot\":\"premises_proof\""));
  g_assert_null (strstr (g_ptr_array_index (documents, 1), "\"slot\""));
  /* The history keeps which document the entry provided. */
  events = hall_store_list_case_events (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_event_get_slot (g_ptr_array_index (events, events->len - 2)), ==,
                   "premises_proof");
  g_assert_null (hall_case_event_get_slot (g_ptr_array_index (events, events->len - 1)));

  /* With every document scanned, the case waits for nothing. */
  for (guint i = 0; i < hall_service_get_n_documents (service); i++)
    {
      g_assert_true (hall_store_add_pages (fixture->store, uuid,
                                           hall_service_get_document (service, i)->id,
                                           images, "wang.fang", NULL, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&after);
  after = hall_store_get_case (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_assert_false (hall_case_is_paused (after));
  g_assert_cmpuint (count_filtered (fixture, &waiting), ==, 0);
  /* And its audit trail, which covers each entry's document, holds. */
  g_assert_true (hall_store_audit_case (fixture->store, hall_case_get_number (after), NULL,
                                          &error));
  g_assert_no_error (error);
}

static void
count_signal (gpointer  store,
              gpointer  arg,
              guint    *count)
{
  (*count)++;
}

static void
count_changed (gpointer  store,
               guint    *count)
{
  (*count)++;
}

/* Pages attached by another process (service-hall-ctl attach, beside the
 * counter app): the store that watches sees the commit, and its lists and
 * the case's page hear of it; its own writes are not taken for another's. */
static void
test_other_process_attaches (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "counter.db", NULL);
  g_autoptr (HallStore) other = hall_store_open (path, "YC", "C03", &error);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_page_image_unref);
  g_autoptr (HallCaseEvent) note = NULL;
  const char *uuid = hall_case_get_uuid (fixture->kase);
  guint changed = 0;
  guint case_changed = 0;

  g_assert_no_error (error);
  g_signal_connect (fixture->store, "changed", G_CALLBACK (count_changed), &changed);
  g_signal_connect (fixture->store, "case-changed", G_CALLBACK (count_signal), &case_changed);

  /* The first look takes note of where the store is. */
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));

  g_ptr_array_add (images, hall_test_page_typed (HALL_PAGE_KIND_GREY, 40, 5));
  g_assert_true (hall_store_add_pages (other, uuid, "premises_proof", images, "wang.fang", NULL,
                                       &error));
  g_assert_no_error (error);
  g_assert_true (_hall_store_check_other_processes (fixture->store, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (case_changed, ==, 1);
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));

  /* Its own entry is its own. */
  changed = case_changed = 0;
  note = hall_case_event_new (uuid, HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Lease shown");
  g_assert_true (hall_store_add_case_event (fixture->store, note, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  changed = case_changed = 0;
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 0);
}

/* The store's own entries between two looks were said when they were
 * written: another process's commit after them is one case changed, not
 * every case the store wrote since (a first pull's million). */
static void
test_other_process_after_own_writes (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "counter.db", NULL);
  g_autoptr (HallStore) other = hall_store_open (path, "YC", "C03", &error);
  g_autoptr (HallCaseEvent) note = NULL;
  HallService *service = hall_catalog_lookup (fixture->catalog, "company_business_license");
  guint changed = 0;
  guint case_changed = 0;

  g_assert_no_error (error);
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));
  g_assert_no_error (error);
  /* Its own writes: 40 more cases of the fixture's applicant. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr (HallApplicant) applicant = hall_store_get_applicant (
        fixture->store, hall_case_get_applicant_uuid (fixture->kase), &error);
      g_autoptr (HallCase) kase = hall_case_new ();

      g_assert_no_error (error);
      g_assert_true (hall_store_create_case (fixture->store, applicant, service, kase, &error));
      g_assert_no_error (error);
    }
  g_assert_false (_hall_store_check_other_processes (fixture->store, &error));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_connect (fixture->store, "changed", G_CALLBACK (count_changed), &changed);
  g_signal_connect (fixture->store, "case-changed", G_CALLBACK (count_signal), &case_changed);
  /* Another process: one note on one case. */
  note = hall_case_event_new (hall_case_get_uuid (fixture->kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Lease shown at the other desk");
  g_assert_true (hall_store_add_case_event (other, note, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (_hall_store_check_other_processes (fixture->store, &error));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (case_changed, ==, 1);
}

static void
test_header_sniff (void)
{
  g_autoptr (GError) error = NULL;
  HallPageHeader header;
  static const guint8 cut_png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };

  g_assert_cmpint (hall_page_format_from_name ("A.TIFF"), ==, HALL_PAGE_FORMAT_TIFF);
  g_assert_cmpint (hall_page_format_from_name ("scan"), ==, HALL_PAGE_FORMAT_UNKNOWN);
  g_assert_false (hall_page_header_read (cut_png, sizeof cut_png, &header, &error));
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cut short"));
}

/* A document camera's frame: a white sheet of 400 × 500 pixels turned by
 * 5° on a dark desk. Found, turned back and cut out. */
static void
test_find_page (void)
{
  g_autoptr (HallPageImage) frame = hall_page_image_new (HALL_PAGE_KIND_COLOUR, 800, 700, 0);
  g_autoptr (HallPageImage) page = NULL;
  g_autoptr (HallPageImage) desk = hall_page_image_new (HALL_PAGE_KIND_GREY, 300, 200, 0);
  double a = -5 * G_PI / 180;
  double angle = 0;

  for (guint y = 0; y < frame->height; y++)
    for (guint x = 0; x < frame->width; x++)
      {
        /* Into the sheet's own axes. */
        double dx = x - 400.0, dy = y - 350.0;
        double u = dx * cos (a) + dy * sin (a), v = -dx * sin (a) + dy * cos (a);
        gboolean sheet = fabs (u) < 200 && fabs (v) < 250;
        guint8 *p = frame->pixels + y * frame->stride + x * 3;

        p[0] = sheet ? 235 : 60;
        p[1] = sheet ? 235 : 50;
        p[2] = sheet ? 230 : 40;
      }
  page = hall_page_image_find_page (frame, &angle);
  g_assert_nonnull (page);
  g_test_message ("turned by %.2f°, %u × %u", angle, page->width, page->height);
  g_assert_cmpfloat (fabs (fabs (angle) - 5), <, 0.5);
  g_assert_cmpint (ABS ((int) page->width - 400), <=, 12);
  g_assert_cmpint (ABS ((int) page->height - 500), <=, 12);
  /* Cut out: paper up to a few pixels from each corner. */
  g_assert_cmpuint (page->pixels[4 * page->stride + 4 * 3], >, 150);
  g_assert_cmpuint (page->pixels[(page->height - 5) * page->stride + (page->width - 5) * 3], >,
                    150);

  /* The outline drawn over a camera's preview: the turned sheet's
   * corners, clockwise from the top left. */
  {
    double corners[8];
    const double u[4] = { -200, 200, 200, -200 }, v[4] = { -250, -250, 250, 250 };

    g_assert_true (hall_page_image_find_outline (frame, corners));
    for (guint i = 0; i < 4; i++)
      {
        double x = 400 + u[i] * cos (a) - v[i] * sin (a);
        double y = 350 + u[i] * sin (a) + v[i] * cos (a);

        g_test_message ("corner %u: %.1f,%.1f (expected %.1f,%.1f)", i, corners[2 * i],
                        corners[2 * i + 1], x, y);
        g_assert_cmpfloat (hypot (corners[2 * i] - x, corners[2 * i + 1] - y), <, 12);
      }
  }

  /* Nothing stands out: no page. */
  memset (desk->pixels, 80, desk->stride * desk->height);
  g_assert_null (hall_page_image_find_page (desk, NULL));
  {
    double corners[8];

    g_assert_false (hall_page_image_find_outline (desk, corners));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/hall/pages/png-grey", test_png_grey_stored_as_jpeg);
  ADD ("/hall/pages/bilevel-1bit", test_bilevel_stays_1bit);
  ADD ("/hall/pages/grey-a4-size", test_grey_a4_size);
  ADD ("/hall/pages/jpeg-metadata-stripped", test_jpeg_metadata_stripped);
  ADD ("/hall/pages/tiff-pages", test_tiff_pages);
#ifdef HAVE_POPPLER
  ADD ("/hall/pages/pdf-pages", test_pdf_pages);
#endif
  ADD ("/hall/pages/refused/empty", test_refused_empty);
  ADD ("/hall/pages/refused/truncated-jpeg", test_refused_truncated_jpeg);
  ADD ("/hall/pages/refused/wrong-name", test_refused_wrong_name);
  ADD ("/hall/pages/load-files-async", test_load_files_async);
  ADD ("/hall/pages/window-calls-async", test_window_calls_async);
  ADD ("/hall/pages/refused/pixel-bomb", test_refused_pixel_bomb);
  ADD ("/hall/pages/refused/too-large", test_refused_too_large);
  ADD ("/hall/pages/refused/password-pdf", test_refused_password_pdf);
  ADD ("/hall/pages/refused/slot-and-case", test_refused_slot_and_case);
  ADD ("/hall/pages/order-and-queue", test_order_and_queue);
  ADD ("/hall/pages/scanned-document-provided", test_scanned_document_provided);
  ADD ("/hall/pages/other-process-attaches", test_other_process_attaches);
  ADD ("/hall/pages/other-process-after-own-writes", test_other_process_after_own_writes);
#undef ADD
  g_test_add_func ("/hall/pages/header", test_header_sniff);
  g_test_add_func ("/hall/pages/find-page", test_find_page);
  return g_test_run ();
}
