/* test-stats-charts.c — the supervisor's figures: read, charted, CSV, PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "hall-catalog.h"
#include "hall-chart-daily.h"
#include "hall-chart-heatmap.h"
#include "hall-chart-reasons.h"
#include "hall-chart-wait.h"
#include "hall-error.h"
#include "hall-stats-pdf.h"
#include "hall-stats-report.h"

#define WIDTH  800
#define HEIGHT 300

static HallStatsReport *
load (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  HallStatsReport *report;

  g_assert_true (g_file_get_contents (path, &text, &length, &error));
  report = hall_stats_report_new_from_json (text, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static GPtrArray *
load_weeks (void)
{
  GPtrArray *weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_report_free);

  for (int i = 1; i <= 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("stats-week-%d.json", i);
      g_ptr_array_add (weeks, load (name));
    }
  return weeks;
}

static GHashTable *
reason_labels_zh (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);

  g_assert_no_error (error);
  return hall_stats_reason_labels (catalog, TRUE);
}

/* Pixels that are neither white nor transparent. */
static guint
count_inked (cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface);
  unsigned char *data;
  guint inked = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint32 pixel = *(guint32 *) (data + y * stride + x * 4);
        if ((pixel & 0xffffff) != 0xffffff)
          inked++;
      }
  return inked;
}

typedef struct
{
  cairo_surface_t *surface;
  cairo_t         *cr;
  HallChartInfo   *info;
} Canvas;

static void
canvas_init (Canvas *canvas)
{
  canvas->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  canvas->cr = cairo_create (canvas->surface);
  canvas->info = hall_chart_info_new ();
}

static void
canvas_clear (Canvas *canvas)
{
  cairo_destroy (canvas->cr);
  cairo_surface_destroy (canvas->surface);
  hall_chart_info_free (canvas->info);
}

static void
test_read_extension (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  HallStatsFigures *ninth = NULL;
  HallStatsHour *last;

  /* December's first 30 days without their eight weekend days. */
  g_assert_cmpuint (report->groups->len, ==, 22);
  g_assert_cmpstr (report->by, ==, "day");
  for (guint i = 0; i < report->groups->len; i++)
    {
      HallStatsFigures *f = g_ptr_array_index (report->groups, i);
      if (g_strcmp0 (f->key, "2026-12-09") == 0)
        ninth = f;
    }
  g_assert_nonnull (ninth);
  g_assert_true (ninth->opened.suppressed);
  g_assert_cmpint (ninth->opened.count, ==, -1);
  g_assert_true (isnan (ninth->on_time_share.value));
  g_assert_cmpuint (report->reasons->len, ==, 5);
  g_assert_cmpuint (report->hours->len, ==, 7);
  last = &g_array_index (report->hours, HallStatsHour, 6);
  g_assert_cmpstr (last->hour, ==, "16");
  g_assert_true (last->tickets.suppressed);
  g_assert_true (isnan (last->wait_median_minutes));
  g_assert_cmpint (report->total->returned.count, ==, 37);
}

/* The live server before the issue-14 extension: the new members are
 * unknown, never zero. */
static void
test_read_before_extension (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-before-extension.json");
  g_autofree char *on_time = hall_stats_share_to_string (&report->total->on_time_share);
  g_autofree char *overdue = hall_stats_count_to_string (&report->total->overdue_now);
  g_autofree char *opened = hall_stats_count_to_string (&report->total->opened);

  g_assert_cmpuint (report->groups->len, ==, 2);
  g_assert_cmpstr (on_time, ==, "—");
  g_assert_cmpstr (overdue, ==, "—");
  g_assert_cmpstr (opened, ==, "42");
  g_assert_cmpuint (report->reasons->len, ==, 0);
  g_assert_cmpuint (report->hours->len, ==, 0);
}

static void
expect_bad (const char *json,
            const char *where)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallStatsReport) report = hall_stats_report_new_from_json (json, -1, &error);

  g_assert_null (report);
  g_assert_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID);
  if (strstr (error->message, where) == NULL)
    g_error ("“%s” does not name “%s”", error->message, where);
}

static void
test_read_bad (void)
{
  expect_bad ("{\"from\": \"2026-12-01\"", "not JSON");
  expect_bad ("[1, 2]", "not a JSON object");
  expect_bad ("{\"to\": \"2026-12-31\", \"by\": \"day\", \"groups\": [], \"total\": {}}", "from");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": {}, \"total\": {}}",
              "groups");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": [{\"key\": \"x\"}, "
              "{\"key\": \"y\", \"opened\": {\"count\": \"many\"}}], \"total\": {}}",
              "groups[1].opened.count");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": [{\"opened\": "
              "{\"count\": 5}}], \"total\": {}}", "groups[0].key");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": []}", "total");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": [], \"total\": "
              "{\"on_time_share\": {\"value\": 1.5}}}", "total.on_time_share");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": [], \"total\": {}, "
              "\"reasons\": [{\"kind\": \"praise\", \"reason\": \"x\"}]}", "reasons[0]");
  expect_bad ("{\"from\": \"a\", \"to\": \"b\", \"by\": \"day\", \"groups\": [], \"total\": {}, "
              "\"queue\": {\"hours\": [{\"hour\": \"25\"}]}}", "queue.hours[0]");
}

static void
test_daily (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  Canvas canvas;

  canvas_init (&canvas);
  hall_chart_daily_render (report, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (count_inked (canvas.surface), >, WIDTH * HEIGHT / 50);
  g_assert_cmpuint (canvas.info->bars, ==, 22);
  g_assert_cmpuint (canvas.info->hidden, ==, 1);
  g_assert_cmpuint (canvas.info->hits->len, ==, 22);
  /* A click in the sixth bar's column lists 2026-12-08's cases. */
  {
    HallChartHit *hit = &g_array_index (canvas.info->hits, HallChartHit, 5);
    g_assert_cmpstr (hall_chart_info_hit (canvas.info, hit->x + hit->width / 2,
                                          hit->y + hit->height / 2), ==, "2026-12-08");
  }
  g_assert_true (hall_chart_info_has_text (canvas.info, "100 %"));
  canvas_clear (&canvas);
}

static void
test_wait (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  Canvas canvas;

  canvas_init (&canvas);
  hall_chart_wait_render (report, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (count_inked (canvas.surface), >, WIDTH * HEIGHT / 50);
  g_assert_cmpuint (canvas.info->bars, ==, 7);
  g_assert_cmpuint (canvas.info->hidden, ==, 1);
  g_assert_true (hall_chart_info_has_text (canvas.info, "< 5"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "09:00"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "16:00"));
  canvas_clear (&canvas);

  /* Half a page wide (the PDF): bare hours, so the labels do not overlap. */
  canvas_init (&canvas);
  hall_chart_wait_render (report, canvas.cr, 260, HEIGHT, canvas.info);
  g_assert_cmpuint (canvas.info->bars, ==, 7);
  g_assert_true (hall_chart_info_has_text (canvas.info, "09"));
  g_assert_false (hall_chart_info_has_text (canvas.info, "09:00"));
  canvas_clear (&canvas);
}

/* A counter's own figures (offline) have no queue: the chart says where
 * the waiting times come from instead of drawing an empty chart, and the
 * PDF of such figures says whose they are. */
static void
test_wait_local (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) document_object = NULL;
  g_autoptr(GObject) page_object = NULL;
  g_autofree char *text = NULL;
  PopplerDocument *document;
  Canvas canvas;

  report->local = TRUE;
  canvas_init (&canvas);
  hall_chart_wait_render (report, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (canvas.info->bars, ==, 0);
  g_assert_true (hall_chart_info_has_text (canvas.info, "Waiting times come from the server"));
  g_assert_false (hall_chart_info_has_text (canvas.info, "No figures for these dates"));
  g_assert_false (hall_chart_info_has_text (canvas.info, "09:00"));
  canvas_clear (&canvas);

  pdf = hall_stats_pdf_render (report, NULL, NULL, NULL, "市民服务中心", &error);
  g_assert_no_error (error);
  document = poppler_document_new_from_bytes (pdf, NULL, &error);
  document_object = G_OBJECT (document);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  page_object = G_OBJECT (poppler_document_get_page (document, 0));
  text = poppler_page_get_text (POPPLER_PAGE (page_object));
  g_assert_nonnull (strstr (text, "own cases only"));
  g_assert_nonnull (strstr (text, "Waiting times come from the server"));
}

static void
test_reasons_chinese (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  g_autoptr(GHashTable) labels = reason_labels_zh ();
  Canvas canvas;

  canvas_init (&canvas);
  hall_chart_reasons_render (report, labels, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (count_inked (canvas.surface), >, WIDTH * HEIGHT / 100);
  /* Returns only: the reject reason is not drawn. */
  g_assert_cmpuint (canvas.info->bars, ==, 4);
  g_assert_cmpuint (canvas.info->hidden, ==, 1);
  g_assert_true (hall_chart_info_has_text (canvas.info, "缺少必要材料"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "材料字迹不清或内容不全"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "< 5"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "21"));
  g_assert_false (hall_chart_info_has_text (canvas.info, "missing_document"));
  canvas_clear (&canvas);
}

static void
test_heatmap (void)
{
  g_autoptr(GPtrArray) weeks = load_weeks ();
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
  Canvas canvas;

  g_hash_table_insert (labels, "company_business_license", "企业设立登记");
  canvas_init (&canvas);
  hall_chart_heatmap_render (weeks, labels, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (count_inked (canvas.surface), >, WIDTH * HEIGHT / 20);
  /* Four services, four weeks; the first week knows three of them. */
  g_assert_cmpuint (canvas.info->bars, ==, 15);
  g_assert_cmpuint (canvas.info->hidden, ==, 1);
  g_assert_true (hall_chart_info_has_text (canvas.info, "< 5"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "企业设立登记"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "12-07"));
  /* A service without a label shows its id, shortened to fit. */
  g_assert_true (hall_chart_info_has_text (canvas.info, "company_deregistrat…"));
  canvas_clear (&canvas);
}

/* A city's many services in one chart: the rows that fit are the ones
 * whose worst week is worst, and a line says how many are left out. */
static void
test_heatmap_many (void)
{
  g_autoptr(GPtrArray) weeks = NULL;
  Canvas canvas;
  guint rows;

  weeks = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_report_free);
  for (int w = 0; w < 2; w++)
    {
      GString *json = g_string_new ("{\"from\": \"2026-03-01\", \"to\": \"2026-03-07\", "
                                    "\"by\": \"service\", \"groups\": [");
      g_autoptr(GError) error = NULL;
      HallStatsReport *report;

      /* Service s17 is the worst (90 % overdue in the second week only);
       * the others grow from 0 to 29 %. */
      for (int i = 0; i < 30; i++)
        g_string_append_printf (json, "%s{\"key\": \"s%02d\", \"opened\": {\"count\": 10, "
                                "\"suppressed\": false}, \"overdue_share\": {\"value\": %.2f, "
                                "\"suppressed\": false}}", i > 0 ? ", " : "", i,
                                i == 17 && w == 1 ? 0.9 : i / 100.0);
      g_string_append (json, "], \"total\": {}}");
      report = hall_stats_report_new_from_json (json->str, -1, &error);
      g_assert_no_error (error);
      g_ptr_array_add (weeks, report);
      g_string_free (json, TRUE);
    }
  canvas_init (&canvas);
  hall_chart_heatmap_render (weeks, NULL, canvas.cr, WIDTH, HEIGHT, canvas.info);
  g_assert_cmpuint (canvas.info->bars % 2, ==, 0);
  rows = canvas.info->bars / 2;
  g_assert_cmpuint (rows, >=, 5);
  g_assert_cmpuint (rows, <, 30);
  g_assert_true (hall_chart_info_has_text (canvas.info, "s17"));
  g_assert_true (hall_chart_info_has_text (canvas.info, "s29"));
  g_assert_false (hall_chart_info_has_text (canvas.info, "s00"));
  {
    g_autofree char *note = NULL;

    note = g_strdup_printf ("%u more services, with fewer overdue cases, not shown", 30 - rows);

    g_assert_true (hall_chart_info_has_text (canvas.info, note));
  }
  canvas_clear (&canvas);

  /* Room for all: every row, no note. */
  canvas_init (&canvas);
  hall_chart_heatmap_render (weeks, NULL, canvas.cr, WIDTH, 30 * 16 + 80, canvas.info);
  g_assert_cmpuint (canvas.info->bars, ==, 60);
  g_assert_false (hall_chart_info_has_text (canvas.info, "not shown"));
  canvas_clear (&canvas);
}

static void
test_empty (void)
{
  g_autoptr(HallStatsReport) report =
    hall_stats_report_new_from_json ("{\"from\": \"2026-12-01\", \"to\": \"2026-12-31\", "
                                     "\"by\": \"day\", \"groups\": [], \"total\": {}}", -1, NULL);
  g_autoptr(GPtrArray) weeks = g_ptr_array_new ();
  void (*charts[]) (HallStatsReport *, cairo_t *, double, double, HallChartInfo *) = {
    hall_chart_daily_render, hall_chart_wait_render,
  };

  g_assert_nonnull (report);
  for (guint i = 0; i < G_N_ELEMENTS (charts) + 2; i++)
    {
      Canvas canvas;

      canvas_init (&canvas);
      if (i < G_N_ELEMENTS (charts))
        charts[i] (report, canvas.cr, WIDTH, HEIGHT, canvas.info);
      else if (i == G_N_ELEMENTS (charts))
        hall_chart_reasons_render (report, NULL, canvas.cr, WIDTH, HEIGHT, canvas.info);
      else
        hall_chart_heatmap_render (weeks, NULL, canvas.cr, WIDTH, HEIGHT, canvas.info);
      g_assert_cmpuint (canvas.info->bars, ==, 0);
      g_assert_true (hall_chart_info_has_text (canvas.info, "No figures for these dates"));
      canvas_clear (&canvas);
    }
}

static void
test_csv (void)
{
  const char *json =
    "{\"from\": \"2026-12-01\", \"to\": \"2026-12-31\", \"by\": \"service\", \"groups\": ["
    "{\"key\": \"企业设立, \\\"快办\\\"\", \"opened\": {\"count\": 40, \"suppressed\": false},"
    " \"on_time_share\": {\"value\": 0.875, \"suppressed\": false}},"
    "{\"key\": \"small\", \"opened\": {\"count\": null, \"suppressed\": true}}],"
    " \"total\": {\"opened\": {\"count\": 43, \"suppressed\": false}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(HallStatsReport) report = hall_stats_report_new_from_json (json, -1, &error);
  g_autofree char *csv = NULL;
  g_autofree char *path = NULL;
  g_autofree char *back = NULL;
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) lines = NULL;
  int fd;

  g_assert_no_error (error);
  fd = g_file_open_tmp ("stats-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  file = g_file_new_for_path (path);
  g_assert_true (hall_stats_report_write_csv (report, NULL, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &back, NULL, &error));
  g_assert_true (g_str_has_prefix (back, "\xEF\xBB\xBF"));
  g_assert_true (g_utf8_validate (back, -1, NULL));

  /* Parsed back: the header, the two groups, the total. */
  lines = g_strsplit (back + 3, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_true (g_str_has_prefix (lines[0], "service,opened,finished,"));
  g_assert_cmpstr (lines[1], ==, "\"企业设立, \"\"快办\"\"\",40,,,,87.5,,,,");
  g_assert_cmpstr (lines[2], ==, "small,<5,,,,,,,,");
  g_assert_cmpstr (lines[3], ==, "total,43,,,,,,,,");
  g_unlink (path);

  /* With the services' names: a column "name" after the key, in UTF-8,
   * empty where a key has no name, and for the total. */
  {
    g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);
    g_auto(GStrv) named = NULL;

    g_hash_table_insert (labels, "small", "小微企业, 登记");
    csv = hall_stats_report_to_csv (report, labels);
    g_assert_true (g_utf8_validate (csv, -1, NULL));
    named = g_strsplit (csv + 3, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (named), ==, 5);
    g_assert_true (g_str_has_prefix (named[0], "service,name,opened,finished,"));
    g_assert_cmpstr (named[1], ==, "\"企业设立, \"\"快办\"\"\",,40,,,,87.5,,,,");
    g_assert_cmpstr (named[2], ==, "small,\"小微企业, 登记\",<5,,,,,,,,");
    g_assert_cmpstr (named[3], ==, "total,,43,,,,,,,,");
  }
}

static void
test_pdf (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  g_autoptr(GPtrArray) weeks = load_weeks ();
  g_autoptr(GHashTable) reasons = reason_labels_zh ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GObject) document_object = NULL;
  PopplerDocument *document;
  g_autoptr(GObject) page_object = NULL;
  PopplerPage *page;
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *text = NULL;
  g_autofree char *opened = g_strdup_printf ("%" G_GINT64_FORMAT, report->total->opened.count);
  double width, height;
  int fd;

  fd = g_file_open_tmp ("stats-XXXXXX.pdf", &path, &error);
  g_assert_no_error (error);
  close (fd);
  file = g_file_new_for_path (path);
  g_assert_true (hall_stats_pdf_write (report, weeks, NULL, reasons, "市民服务中心", file, &error));
  g_assert_no_error (error);

  uri = g_file_get_uri (file);
  document = poppler_document_new_from_file (uri, NULL, &error);
  document_object = G_OBJECT (document);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 1);
  page = poppler_document_get_page (document, 0);
  page_object = G_OBJECT (page);
  poppler_page_get_size (page, &width, &height);
  g_assert_cmpfloat_with_epsilon (width, HALL_STATS_PDF_WIDTH, 0.5);
  g_assert_cmpfloat_with_epsilon (height, HALL_STATS_PDF_HEIGHT, 0.5);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Monthly report"));
  g_assert_nonnull (strstr (text, "市民服务中心"));
  g_assert_nonnull (strstr (text, "2026-12-01"));
  g_assert_nonnull (strstr (text, opened));
  g_assert_nonnull (strstr (text, "Overdue now"));
  g_assert_nonnull (strstr (text, "缺少必要材料"));
  /* Poppler reads the narrow space of "< 5" back as none. */
  g_assert_true (strstr (text, "< 5") != NULL || strstr (text, "<5") != NULL);
  g_assert_nonnull (strstr (text, "Waiting time by hour"));
  g_assert_nonnull (strstr (text, "Overdue share by service and week"));
  g_unlink (path);
}

/* A report of other days than a whole month is not called monthly. */
static void
test_pdf_range_title (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) document = NULL;
  g_autoptr(GObject) page = NULL;
  g_autofree char *text = NULL;

  hall_stats_report_set_days (report, "2026-12-03", "2026-12-20");
  pdf = hall_stats_pdf_render (report, NULL, NULL, NULL, "市民服务中心", &error);
  g_assert_no_error (error);
  document = G_OBJECT (poppler_document_new_from_bytes (pdf, NULL, &error));
  g_assert_no_error (error);
  page = G_OBJECT (poppler_document_get_page (POPPLER_DOCUMENT (document), 0));
  text = poppler_page_get_text (POPPLER_PAGE (page));
  g_assert_nonnull (strstr (text, "Report — 市民服务中心"));
  g_assert_null (strstr (text, "Monthly report"));
  g_assert_nonnull (strstr (text, "From 2026-12-03 to 2026-12-20"));
}

static void
test_pdf_unwritable (void)
{
  g_autoptr(HallStatsReport) report = load ("stats-by-day.json");
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent-folder/report.pdf");
  g_autoptr(GError) error = NULL;

  g_assert_false (hall_stats_pdf_write (report, NULL, NULL, NULL, NULL, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* The on-time share of a range where nothing was finished is no figure
 * ("—"), not a small cell ("< 5"): the supervisor of a quiet month must
 * not read that someone could be singled out. */
static void
test_on_time_text (void)
{
  HallStatsFigures figures = { 0 };
  g_autofree char *none = NULL;
  g_autofree char *few = NULL;
  g_autofree char *some = NULL;

  figures.on_time_share.value = NAN;
  figures.on_time_share.suppressed = TRUE;
  none = hall_stats_on_time_to_string (&figures);
  g_assert_cmpstr (none, ==, "—");
  figures.finished.suppressed = TRUE;
  few = hall_stats_on_time_to_string (&figures);
  g_assert_cmpstr (few, ==, "< 5");
  figures.finished.suppressed = FALSE;
  figures.finished.count = 10;
  figures.on_time_share.suppressed = FALSE;
  figures.on_time_share.value = 0.8;
  some = hall_stats_on_time_to_string (&figures);
  g_assert_cmpstr (some, ==, "80.0 %");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/on-time-text", test_on_time_text);
  g_test_add_func ("/stats/read/extension", test_read_extension);
  g_test_add_func ("/stats/read/before-extension", test_read_before_extension);
  g_test_add_func ("/stats/read/bad", test_read_bad);
  g_test_add_func ("/stats/chart/daily", test_daily);
  g_test_add_func ("/stats/chart/wait", test_wait);
  g_test_add_func ("/stats/chart/wait-local", test_wait_local);
  g_test_add_func ("/stats/chart/reasons-chinese", test_reasons_chinese);
  g_test_add_func ("/stats/chart/heatmap", test_heatmap);
  g_test_add_func ("/stats/chart/heatmap-many", test_heatmap_many);
  g_test_add_func ("/stats/chart/empty", test_empty);
  g_test_add_func ("/stats/csv", test_csv);
  g_test_add_func ("/stats/pdf", test_pdf);
  g_test_add_func ("/stats/pdf/range-title", test_pdf_range_title);
  g_test_add_func ("/stats/pdf/unwritable", test_pdf_unwritable);

  return g_test_run ();
}
