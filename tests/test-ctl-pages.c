/* test-ctl-pages.c — service-hall-ctl attach and dossier, as a hall's IT
 * person runs them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>
#include <sysexits.h>

#include "hall-store.h"
#include "hall-store-pages.h"
#include "hall-test-pages.h"
#include "hall-test-files.h"

/* poppler-glib 22.12 defines no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

typedef struct
{
  char *profile;
  char *number;
} Fixture;

static int
run_ctl (Fixture  *fixture,
         char    **out,
         char    **err,
         ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list args;

  g_assert_nonnull (g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, fixture->profile);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static char *
file_in (Fixture    *fixture,
         const char *name)
{
  return g_build_filename (fixture->profile, name, NULL);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *jsonl = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) fields = NULL;

  fixture->profile = g_dir_make_tmp ("test-ctl-pages-XXXXXX", &error);
  g_assert_no_error (error);
  jsonl = file_in (fixture, "cases.jsonl");
  g_file_set_contents (jsonl,
                       "{\"service\": \"company_business_license\", \"applicant\": {\"kind\": "
                       "\"person\", \"name\": \"王芳\", \"id_type\": \"resident_id\", "
                       "\"id_number\": \"640104199003071236\", \"phone\": \"13912345678\"}}\n",
                       -1, NULL);
  g_assert_cmpint (run_ctl (fixture, &out, NULL, "import", jsonl, NULL), ==, 0);
  fields = g_strsplit (g_strstrip (out), "\t", 2);
  g_assert_cmpuint (g_strv_length (fields), ==, 2);
  fixture->number = g_strdup (fields[1]);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  hall_test_remove_tree (fixture->profile);
  g_free (fixture->profile);
  g_free (fixture->number);
}

static guint
count_pages (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = file_in (fixture, "hall.db");
  g_autoptr (HallStore) store = hall_store_open (db, "YC", "C01", &error);
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GPtrArray) pages = NULL;

  g_assert_no_error (error);
  kase = hall_store_get_case_by_number (store, fixture->number, &error);
  g_assert_no_error (error);
  pages = hall_store_list_case_pages (store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  return pages->len;
}

/* One bad file among good ones: exit 65 naming it, nothing added. */
static void
test_attach_refused (Fixture      *fixture,
                     gconstpointer user_data)
{
  g_autoptr (HallPageImage) image = hall_test_page_typed (HALL_PAGE_KIND_GREY, 75, 1);
  g_autofree char *good = file_in (fixture, "lease-1.png");
  g_autofree char *bad = file_in (fixture, "lease-2.jpg");
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize length;

  hall_test_write_png (image, good);
  hall_test_write_jpeg (image, bad, NULL);
  g_file_get_contents (bad, &contents, &length, NULL);
  g_file_set_contents (bad, contents, length - 400, NULL);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "attach", fixture->number, "premises_proof",
                            good, bad, NULL), ==, EX_DATAERR);
  g_assert_nonnull (strstr (err, "lease-2.jpg"));
  g_assert_nonnull (strstr (err, "cut short"));
  g_assert_cmpuint (count_pages (fixture), ==, 0);

  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, &err, "attach", fixture->number, "no_such_slot",
                            good, NULL), ==, EX_DATAERR);
  g_assert_nonnull (strstr (err, "no_such_slot"));
  g_assert_cmpuint (count_pages (fixture), ==, 0);
}

static void
test_attach_and_dossier (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autoptr (HallPageImage) grey = hall_test_page_typed (HALL_PAGE_KIND_GREY, 100, 2);
  g_autoptr (HallPageImage) bw = hall_test_page_typed (HALL_PAGE_KIND_BILEVEL, 100, 3);
  HallPageImage *both[] = { grey, bw };
  g_autofree char *png = file_in (fixture, "articles.png");
  g_autofree char *tiff = file_in (fixture, "lease.tif");
  g_autofree char *pdf = file_in (fixture, "dossier.pdf");
  g_autofree char *uri = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) doc = NULL;
  g_autoptr (PopplerPage) cover = NULL;
  g_autofree char *text = NULL;

  hall_test_write_png (grey, png);
  hall_test_write_tiff (both, 2, tiff);
  /* The lease first, then the articles, which come before it in the
   * checklist. */
  g_assert_cmpint (run_ctl (fixture, &out, &err, "attach", fixture->number, "premises_proof",
                            tiff, NULL), ==, 0);
  g_assert_cmpuint (g_strv_length (g_strsplit (out, "\n", -1)), ==, 3); /* two lines */
  g_assert_nonnull (strstr (out, "premises_proof\t2\tbilevel\t"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, &err, "attach", fixture->number,
                            "articles_of_association", png, NULL), ==, 0);
  g_assert_cmpuint (count_pages (fixture), ==, 3);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (fixture, &out, &err, "dossier", fixture->number, "--out", pdf, NULL),
                   ==, 0);
  uri = g_filename_to_uri (pdf, NULL, NULL);
  doc = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  /* The cover and three pages. */
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 4);
  cover = poppler_document_get_page (doc, 0);
  text = poppler_page_get_text (cover);
  g_assert_nonnull (strstr (text, fixture->number));
  g_assert_nonnull (strstr (text, "王芳"));
  /* The articles (1 page) are listed before the lease (2 pages). */
  g_assert_nonnull (strstr (text, "Articles of association"));
  g_assert_true (strstr (text, "Articles of association") < strstr (text, "Proof of the premises"));
  g_assert_nonnull (strstr (text, "missing"));
}

/* scan through SANE's test backend: a feeder batch into a slot; a
 * scanner that is not there is exit 69 and adds nothing. */
static void
test_scan (Fixture      *fixture,
           gconstpointer user_data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_cmpint (run_ctl (fixture, &out, &err, "scan", "--list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "test:0\t"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "scan", "--device", "test:9", fixture->number,
                            "premises_proof", NULL), ==, EX_UNAVAILABLE);
  g_assert_nonnull (strstr (err, "test:9"));
  g_assert_cmpuint (count_pages (fixture), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_ctl (fixture, &out, &err, "scan", "--device", "test:1", "--resolution",
                            "75", "--source", "Automatic Document Feeder", "--mode", "bilevel",
                            fixture->number, "premises_proof", NULL), ==, 0);
  lines = g_strsplit (g_strstrip (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 10);
  g_assert_nonnull (strstr (lines[9], "premises_proof\t10\tbilevel\t"));
  g_assert_cmpuint (count_pages (fixture), ==, 10);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sane = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_setenv ("LANGUAGE", "en", TRUE);
  sane = g_test_build_filename (G_TEST_DIST, "data", "sane", NULL);
  g_setenv ("SANE_CONFIG_DIR", sane, TRUE);

  g_test_add ("/hall/ctl/scan", Fixture, NULL, fixture_set_up, test_scan, fixture_tear_down);
  g_test_add ("/hall/ctl/attach-refused", Fixture, NULL, fixture_set_up, test_attach_refused,
              fixture_tear_down);
  g_test_add ("/hall/ctl/attach-and-dossier", Fixture, NULL, fixture_set_up,
              test_attach_and_dossier, fixture_tear_down);
  return g_test_run ();
}
