/* test-stats-gui.c — the supervisor page on screen, against the real
 * server on loopback: the headline figures, the charts drawn, and who may
 * open it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <poppler.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "hall-case-page.h"
#include "hall-sign-in-page.h"
#include "hall-stats-page-test-hooks.h"
#include "hall-test-window.h"
#include "hall-window.h"

#define COUNTER    "wang.fang"
#define SUPERVISOR "zhao.lei"
#define PASSWORD   "demo"
#define N_CASES    6
#define WAIT_SECONDS 20

typedef struct
{
  HallCatalog    *catalog;
  HallStore      *store;
  HallSyncEngine *engine;
  GSubprocess    *server;
  char           *url;
  GtkWidget      *window;
  guint           n_applicants;
} Fixture;

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, wake_cb, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_server (Fixture *fixture)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = g_build_filename (g_get_user_data_dir (), "server", NULL);
  g_autofree char *line = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error,
                                                 g_getenv ("SERVICE_HALL_SERVER_BIN"),
                                                 "--listen", "127.0.0.1:0", "--data", data,
                                                 "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  fixture->url = g_strdup (line + strlen ("listening on "));
}

static void
create_case (Fixture    *fixture,
             const char *service_id)
{
  const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  const char checks[] = "10X98765432";
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autofree char *base = NULL;
  g_autofree char *id_number = NULL;
  int sum = 0;

  base = g_strdup_printf ("11010519900101%03u", ++fixture->n_applicants);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id_number = g_strdup_printf ("%s%c", base, checks[sum % 11]);
  applicant = hall_applicant_new_person ("Zhang Wei", HALL_ID_TYPE_RESIDENT_ID, id_number,
                                         "13912345678");
  hall_case_set_official (kase, COUNTER);
  hall_store_create_case (fixture->store, applicant,
                          hall_catalog_lookup (fixture->catalog, service_id), kase, &error);
  g_assert_no_error (error);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  int *done = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (hall_sync_engine_login_finish (HALL_SYNC_ENGINE (source), result, NULL, &error));
  g_assert_no_error (error);
  *done = 1;
}

static gboolean
is_set (gpointer data)
{
  return *(int *) data != 0;
}

static gboolean
outbox_empty (gpointer data)
{
  Fixture *fixture = data;

  return hall_store_count_outbox (fixture->store) == 0;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hall.db", NULL);
  int logged_in = 0;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, COUNTER, "Wang Fang", PASSWORD, "counter_official",
                           &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, SUPERVISOR, "Zhao Lei", PASSWORD, "supervisor",
                           &error);
  g_assert_no_error (error);

  start_server (fixture);
  fixture->engine = hall_sync_engine_new (fixture->store, fixture->url);
  hall_sync_engine_apply_environment (fixture->engine);
  hall_sync_engine_login_async (fixture->engine, "demo", "demo", NULL, login_cb, &logged_in);
  g_assert_true (wait_for (is_set, &logged_in));

  /* Six cases this day, on the server: five of one service, one of
   * another, so the heat map has a cell of figures and a cell of "< 5". */
  for (guint i = 0; i < N_CASES - 1; i++)
    create_case (fixture, "invoice_application");
  create_case (fixture, "tax_clearance_certificate");
  hall_sync_engine_sync_now (fixture->engine);
  g_assert_true (wait_for (outbox_empty, fixture));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  spin ();
  if (fixture->engine != NULL)
    hall_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  if (fixture->server != NULL)
    {
      g_subprocess_send_signal (fixture->server, SIGTERM);
      g_subprocess_wait (fixture->server, NULL, NULL);
      g_clear_object (&fixture->server);
    }
  g_free (fixture->url);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->catalog);
}

static gpointer
template_child (gpointer    widget,
                GType       type,
                const char *name)
{
  gpointer child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}



static gboolean
signed_in (gpointer data)
{
  return hall_window_get_signed_in (HALL_WINDOW (data));
}

static void
sign_in (Fixture    *fixture,
         const char *username)
{
  HallSignInPage *page;

  fixture->window = GTK_WIDGET (hall_window_new (NULL, fixture->store, fixture->catalog,
                                                 fixture->engine, FALSE));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1366, 768);
  gtk_window_present (GTK_WINDOW (fixture->window));
  spin ();
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "username_row"), username);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "password_row"), PASSWORD);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "c07");
  gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.submit", NULL);
  g_assert_true (wait_for (signed_in, fixture->window));
}

static gboolean
page_loaded (gpointer data)
{
  HallStatsPage *page = data;

  return !hall_stats_page_get_busy (page) && hall_stats_page_get_month (page) != NULL;
}

static gboolean
charts_drawn (gpointer data)
{
  HallStatsPage *page = data;

  for (guint i = 0; i < HALL_STATS_N_CHARTS; i++)
    if (hall_stats_page_get_chart_info (page, i) == NULL)
      return FALSE;
  return TRUE;
}

static guint listed_expected;

static gboolean
listed (gpointer data)
{
  return hall_stats_page_get_n_listed (HALL_STATS_PAGE (data)) == listed_expected;
}

static gboolean
exported (gpointer data)
{
  return !hall_stats_page_get_exporting (HALL_STATS_PAGE (data));
}

/* Exports @kind of the page's figures to @name in the test's data dir, as
 * the save dialog's Save does; returns the file's path. */
static char *
export_figures (HallStatsPage   *page,
                HallStatsExport  kind,
                const char      *name)
{
  char *path = g_build_filename (g_get_user_data_dir (), name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  g_assert_true (hall_stats_page_export (page, kind, file));
  g_assert_true (hall_stats_page_get_exporting (page));
  g_assert_true (wait_for (exported, page));
  g_assert_nonnull (hall_stats_page_get_export_message (page));
  g_assert_true (g_str_has_prefix (hall_stats_page_get_export_message (page), "Saved “"));
  return path;
}

/* (transfer full): the text of the PDF at @path, checked to be one page. */
static char *
pdf_text (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) document = G_OBJECT (poppler_document_new_from_file (uri, NULL, &error));
  g_autoptr (GObject) page = NULL;

  g_assert_no_error (error);
  /* The report is one A4 page: headline figures and the four charts. */
  g_assert_cmpint (poppler_document_get_n_pages (POPPLER_DOCUMENT (document)), ==, 1);
  page = G_OBJECT (poppler_document_get_page (POPPLER_DOCUMENT (document), 0));
  return poppler_page_get_text (POPPLER_PAGE (page));
}

/* A supervisor opens the page (Ctrl+U's action) and reads the day's
 * figures from the server: six opened, none finished, the charts drawn
 * with the day's bar and the heat map's cells. */
static void
test_supervisor_sees_figures (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) hall_now = g_date_time_add_hours (now, 8);
  g_autofree char *today = g_date_time_format (hall_now, "%Y-%m-%d");
  HallStatsPage *page;
  HallStatsMonth *month;
  HallChartInfo *daily;
  HallChartInfo *heatmap;
  HallChartHit *hit;

  sign_in (fixture, SUPERVISOR);
  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                         "stats_button")));
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.stats", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture->window,
                                                                     HALL_TYPE_WINDOW, "stack")),
                   ==, "stats");
  page = hall_test_window_stack_page (fixture->window, "stats");
  /* The hall's day, whatever the machine's zone: one day, one bar. */
  hall_stats_page_set_range (page, today, today);
  g_assert_true (wait_for (page_loaded, page));
  g_assert_cmpstr (hall_stats_page_get_message (page), ==, "");

  month = hall_stats_page_get_month (page);
  g_assert_cmpstr (month->from, ==, today);
  g_assert_cmpuint (month->weeks->len, ==, 1);
  g_assert_cmpstr (hall_stats_page_get_headline (page, 0), ==, "6");
  g_assert_cmpstr (hall_stats_page_get_headline (page, 1), ==, "0");
  /* Nothing finished: the on-time share of no case is no figure ("—"),
   * not a small cell ("< 5"). */
  g_assert_cmpstr (hall_stats_page_get_headline (page, 2), ==, "—");
  g_assert_cmpstr (hall_stats_page_get_headline (page, 3), ==, "0");

  g_assert_true (wait_for (charts_drawn, page));
  daily = hall_stats_page_get_chart_info (page, HALL_STATS_CHART_DAILY);
  g_assert_cmpuint (daily->bars, ==, 1);
  g_assert_true (hall_chart_info_has_text (daily, "Cases per day"));
  g_assert_cmpuint (daily->hits->len, ==, 1);
  hit = &g_array_index (daily->hits, HallChartHit, 0);
  g_assert_cmpstr (hall_chart_info_hit (daily, hit->x + hit->width / 2, hit->y + hit->height / 2),
                   ==, today);

  /* Two services that day: five cases of one, one (hidden) of the other. */
  heatmap = hall_stats_page_get_chart_info (page, HALL_STATS_CHART_HEATMAP);
  g_assert_cmpuint (heatmap->bars, ==, 2);
  g_assert_cmpuint (heatmap->hidden, ==, 1);
  g_assert_true (hall_chart_info_has_text (heatmap, "< 5"));

  /* A cell lists its cases: the invoice cell has five. */
  for (guint i = 0; i < heatmap->hits->len; i++)
    {
      hit = &g_array_index (heatmap->hits, HallChartHit, i);
      if (g_str_has_prefix (hit->key, "invoice_application|"))
        break;
    }
  g_assert_true (g_str_has_prefix (hit->key, "invoice_application|"));
  g_assert_true (hall_stats_page_click (page, HALL_STATS_CHART_HEATMAP, hit->x + hit->width / 2,
                                        hit->y + hit->height / 2));
  listed_expected = 5;
  g_assert_true (wait_for (listed, page));
  /* The day's bar: all six. */
  hit = &g_array_index (daily->hits, HallChartHit, 0);
  g_assert_true (hall_stats_page_click (page, HALL_STATS_CHART_DAILY, hit->x + hit->width / 2,
                                        hit->y + hit->height / 2));
  listed_expected = N_CASES;
  g_assert_true (wait_for (listed, page));
  /* Opening one shows it in the case page. */
  hall_stats_page_activate_listed (page, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture->window,
                                                                     HALL_TYPE_WINDOW, "stack")),
                   ==, "main");
  g_assert_nonnull (hall_case_page_get_case (hall_test_window_case_page (fixture->window)));
}

/* With the server out of reach, the page counts this counter's own cases
 * from its store and says so. */
static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) hall_now = g_date_time_add_hours (now, 8);
  g_autofree char *today = g_date_time_format (hall_now, "%Y-%m-%d");
  HallStatsPage *page;

  /* Nothing listens on port 9 of loopback. */
  hall_sync_engine_stop (fixture->engine);
  g_clear_object (&fixture->engine);
  fixture->engine = hall_sync_engine_new (fixture->store, "http://127.0.0.1:9");
  hall_sync_engine_apply_environment (fixture->engine);
  sign_in (fixture, SUPERVISOR);
  /* Signed in at counter C07: five cases of its own, beside the six of
   * C03 set up before, which are not its own. */
  for (guint i = 0; i < 5; i++)
    create_case (fixture, "invoice_application");
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.stats", NULL));
  page = hall_test_window_stack_page (fixture->window, "stats");
  hall_stats_page_set_range (page, today, today);
  g_assert_true (wait_for (page_loaded, page));
  g_assert_true (hall_stats_page_get_offline (page));
  g_assert_nonnull (strstr (hall_stats_page_get_message (page), "this counter’s own cases only"));
  g_assert_cmpstr (hall_stats_page_get_headline (page, 0), ==, "5");
  g_assert_cmpstr (hall_stats_page_get_headline (page, 3), ==, "0");
  g_assert_true (wait_for (charts_drawn, page));
  g_assert_cmpuint (hall_stats_page_get_chart_info (page, HALL_STATS_CHART_DAILY)->bars, ==, 1);
  /* No queue here: the waiting chart says where the times come from. */
  g_assert_true (hall_chart_info_has_text (hall_stats_page_get_chart_info (page,
                                                                           HALL_STATS_CHART_WAIT),
                                           "Waiting times come from the server"));
  g_assert_cmpuint (hall_stats_page_get_chart_info (page, HALL_STATS_CHART_WAIT)->bars, ==, 0);

  /* Exported offline, the figures say whose they are. */
  {
    g_autofree char *csv_path = export_figures (page, HALL_STATS_EXPORT_CSV, "offline.csv");
    g_autofree char *pdf_path = NULL;
    g_autofree char *csv = NULL;
    g_autofree char *text = NULL;

    g_assert_nonnull (strstr (hall_stats_page_get_export_message (page), "own figures only"));
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
    g_assert_nonnull (strstr (csv, "\r\ninvoice_application,Invoice application,5,0,"));
    g_assert_nonnull (strstr (csv, "\r\ntotal,,5,0,"));
    pdf_path = export_figures (page, HALL_STATS_EXPORT_PDF, "offline.pdf");
    text = pdf_text (pdf_path);
    g_assert_nonnull (strstr (text, "own cases only"));
    g_assert_nonnull (strstr (text, "Waiting times come from the server"));
  }
}

/* The supervisor exports the figures shown: CSV by service (UTF-8, a
 * header row, the services' Chinese names under a Chinese language) and
 * the PDF report, through the code Save runs. */
static void
test_export (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) hall_now = g_date_time_add_hours (now, 8);
  g_autofree char *today = g_date_time_format (hall_now, "%Y-%m-%d");
  g_autofree char *csv_path = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  HallStatsPage *page;
  gsize length;

  /* The catalog's names follow the first language the user names, once
   * per process: the test "stats-gui-zh" runs this one under zh_CN. */
  gboolean chinese = g_str_has_prefix (g_get_language_names ()[0], "zh");
  const char *invoice = chinese ? "发票领用" : "Invoice application";
  const char *tax = chinese ? "清税证明开具" : "Tax clearance certificate";
  g_autofree char *invoice_row = g_strdup_printf ("invoice_application,%s,5,0,", invoice);
  g_autofree char *tax_row = g_strdup_printf ("tax_clearance_certificate,%s,<5,", tax);

  g_assert_cmpstr (hall_service_get_name (hall_catalog_lookup (fixture->catalog,
                                                               "invoice_application")),
                   ==, invoice);
  sign_in (fixture, SUPERVISOR);
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.stats", NULL));
  page = hall_test_window_stack_page (fixture->window, "stats");
  hall_stats_page_set_range (page, today, today);
  /* Nothing to write while the figures are read. */
  {
    g_autoptr (GFile) early = g_file_new_for_path ("/nonexistent/early.csv");

    g_assert_false (hall_stats_page_export (page, HALL_STATS_EXPORT_CSV, early));
  }
  g_assert_true (wait_for (page_loaded, page));
  g_assert_false (hall_stats_page_get_offline (page));
  /* Nor while another range is read over the figures shown. */
  hall_stats_page_refresh (page);
  g_assert_true (hall_stats_page_get_busy (page));
  {
    g_autoptr (GFile) during = g_file_new_for_path ("/nonexistent/during.pdf");

    g_assert_false (hall_stats_page_export (page, HALL_STATS_EXPORT_PDF, during));
  }
  g_assert_true (wait_for (page_loaded, page));

  csv_path = export_figures (page, HALL_STATS_EXPORT_CSV, "figures.csv");
  g_assert_true (g_file_get_contents (csv_path, &csv, &length, &error));
  g_assert_no_error (error);
  g_assert_true (g_utf8_validate (csv, length, NULL));
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF"));
  lines = g_strsplit (csv + 3, "\r\n", -1);
  /* The header, the two services of the day, the total, and the end. */
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_true (g_str_has_prefix (lines[0], "service,name,opened,finished,"));
  g_assert_true (g_str_has_prefix (lines[1], invoice_row));
  g_assert_true (g_str_has_prefix (lines[2], tax_row));
  g_assert_true (g_str_has_prefix (lines[3], "total,,6,0,"));

  pdf_path = export_figures (page, HALL_STATS_EXPORT_PDF, "report.pdf");
  text = pdf_text (pdf_path);
  g_assert_nonnull (strstr (text, chinese ? "银川市民大厅" : "Yinchuan Citizens Hall"));
  g_assert_nonnull (strstr (text, today));
  g_assert_nonnull (strstr (text, invoice));
  g_assert_null (strstr (text, "own cases only"));

  /* A file that cannot be written is said so, and the next export works. */
  {
    g_autoptr (GFile) nowhere = g_file_new_for_path ("/nonexistent-folder/figures.csv");

    g_assert_true (hall_stats_page_export (page, HALL_STATS_EXPORT_CSV, nowhere));
    g_assert_true (wait_for (exported, page));
    g_assert_true (g_str_has_prefix (hall_stats_page_get_export_message (page),
                                     "The figures could not be saved: "));
  }
}

static gboolean
chooser_in_folder (gpointer data)
{
  g_autoptr (GFile) folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (data));

  return folder != NULL;
}

/* Export CSV… opens the save dialog in the documents folder with the
 * month's name; the month is the hall's (+08:00), not the machine's: at
 * 20:00 UTC on 30 November the hall is in December. */
static void
test_export_dialog_and_hall_month (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr (GDateTime) evening = g_date_time_new_utc (2026, 11, 30, 20, 0, 0);
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GFile) documents = NULL;
  g_autofree char *name = NULL;
  HallStatsPage *page;
  GtkFileChooser *chooser;
  const char *documents_path = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  /* The isolated home's documents folder, made as a desktop makes it. */
  if (documents_path == NULL)
    documents_path = g_get_home_dir ();
  g_assert_cmpint (g_mkdir_with_parents (documents_path, 0700), ==, 0);
  sign_in (fixture, SUPERVISOR);
  page = hall_test_window_stack_page (fixture->window, "stats");
  hall_stats_page_set_now (page, g_date_time_to_unix (evening));
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.stats", NULL));
  g_assert_true (wait_for (page_loaded, page));
  g_assert_cmpstr (hall_stats_page_get_month (page)->from, ==, "2026-12-01");
  g_assert_cmpstr (hall_stats_page_get_month (page)->to, ==, "2026-12-31");
  g_assert_cmpstr (gtk_label_get_text (template_child (page, HALL_TYPE_STATS_PAGE, "range_label")),
                   ==, "2026-12-01 – 2026-12-31");

  name = hall_stats_page_dup_export_name (page, HALL_STATS_EXPORT_PDF);
  g_assert_cmpstr (name, ==, "service-hall-2026-12.pdf");
  g_clear_pointer (&name, g_free);
  /* Previous month: November, by the same hall's calendar. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "stats.previous", NULL));
  g_assert_true (wait_for (page_loaded, page));
  g_assert_cmpstr (hall_stats_page_get_month (page)->from, ==, "2026-11-01");
  g_assert_cmpstr (hall_stats_page_get_month (page)->to, ==, "2026-11-30");
  hall_stats_page_set_range (page, "2026-11-03", "2026-11-20");
  g_assert_true (wait_for (page_loaded, page));
  name = hall_stats_page_dup_export_name (page, HALL_STATS_EXPORT_CSV);
  g_assert_cmpstr (name, ==, "service-hall-2026-11-03_2026-11-20.csv");
  g_clear_pointer (&name, g_free);
  hall_stats_page_set_range (page, "2026-01-01", "2026-12-31");
  g_assert_true (wait_for (page_loaded, page));
  name = hall_stats_page_dup_export_name (page, HALL_STATS_EXPORT_CSV);
  g_assert_cmpstr (name, ==, "service-hall-2026.csv");
  g_clear_pointer (&name, g_free);
  hall_stats_page_set_range (page, "2026-11-01", "2026-11-30");
  g_assert_true (wait_for (page_loaded, page));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "stats.export-csv", NULL));
  chooser = hall_stats_page_get_chooser (page);
  g_assert_nonnull (chooser);
  name = gtk_file_chooser_get_current_name (chooser);
  g_assert_cmpstr (name, ==, "service-hall-2026-11.csv");
  /* The dialog goes to its folder as it loads it. */
  g_assert_true (wait_for (chooser_in_folder, chooser));
  folder = gtk_file_chooser_get_current_folder (chooser);
  documents = g_file_new_for_path (documents_path);
  g_assert_nonnull (folder);
  g_assert_true (g_file_equal (folder, documents));
  /* Cancel: nothing is written. */
  gtk_native_dialog_hide (GTK_NATIVE_DIALOG (chooser));
  g_signal_emit_by_name (chooser, "response", GTK_RESPONSE_CANCEL);
  g_assert_null (hall_stats_page_get_chooser (page));
  g_assert_false (hall_stats_page_get_exporting (page));
}

static gboolean
page_loaded_from (gpointer data)
{
  HallStatsPage *page = data;

  return page_loaded (page)
         && g_strcmp0 (hall_stats_page_get_month (page)->from, "2026-11-03") == 0;
}

/* The range popover: each kind of bad date is said under its field, the
 * figures shown stay; good dates are read. */
static void
test_range (Fixture       *fixture,
            gconstpointer  data)
{
  struct
  {
    const char *from, *to, *field, *says;
  } bad[] = {
    { "2026-13-01", "2026-11-20", "from", "“2026-13-01” is not a date" },
    { "", "2026-11-20", "from", "is not a date" },
    { "2026-11-03", "20.11.2026", "to", "“20.11.2026” is not a date" },
    { "2026-11-03", "2026-11-02", "to", "before the first day" },
    { "2026-11-03", "2027-11-03", "to", "at most a year" },
  };
  g_autoptr (GDateTime) day = g_date_time_new_utc (2026, 11, 10, 2, 0, 0);
  HallStatsPage *page;
  GtkWidget *from_entry, *to_entry, *from_error, *to_error;
  GtkPopover *popover;

  sign_in (fixture, SUPERVISOR);
  page = hall_test_window_stack_page (fixture->window, "stats");
  hall_stats_page_set_now (page, g_date_time_to_unix (day));
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.stats", NULL));
  g_assert_true (wait_for (page_loaded, page));
  from_entry = template_child (page, HALL_TYPE_STATS_PAGE, "from_entry");
  to_entry = template_child (page, HALL_TYPE_STATS_PAGE, "to_entry");
  from_error = template_child (page, HALL_TYPE_STATS_PAGE, "from_error");
  to_error = template_child (page, HALL_TYPE_STATS_PAGE, "to_error");
  popover = template_child (page, HALL_TYPE_STATS_PAGE, "range_popover");

  /* The popover opens on the dates shown. */
  gtk_menu_button_popup (template_child (page, HALL_TYPE_STATS_PAGE, "range_button"));
  spin ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (from_entry)), ==, "2026-11-01");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (to_entry)), ==, "2026-11-30");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gboolean at_from = g_str_equal (bad[i].field, "from");
      GtkWidget *at = at_from ? from_entry : to_entry;
      GtkWidget *label = at_from ? from_error : to_error;
      GtkWidget *other = at_from ? to_error : from_error;

      gtk_editable_set_text (GTK_EDITABLE (from_entry), bad[i].from);
      gtk_editable_set_text (GTK_EDITABLE (to_entry), bad[i].to);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "stats.show-range", NULL));
      g_assert_false (hall_stats_page_get_busy (page));
      g_assert_true (gtk_widget_get_visible (label));
      g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), bad[i].says));
      g_assert_true (gtk_widget_has_css_class (at, "error"));
      g_assert_false (gtk_widget_get_visible (other));
      /* The figures shown are still November's. */
      g_assert_cmpstr (hall_stats_page_get_month (page)->from, ==, "2026-11-01");
      /* Typing again clears the message. */
      gtk_editable_set_text (GTK_EDITABLE (at), "2");
      g_assert_false (gtk_widget_get_visible (label));
      g_assert_false (gtk_widget_has_css_class (at, "error"));
    }

  gtk_editable_set_text (GTK_EDITABLE (from_entry), "2026-11-03");
  gtk_editable_set_text (GTK_EDITABLE (to_entry), "2026-11-20");
  g_signal_emit_by_name (to_entry, "activate");
  g_assert_true (wait_for (page_loaded_from, page));
  g_assert_cmpstr (hall_stats_page_get_month (page)->to, ==, "2026-11-20");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_cmpstr (gtk_label_get_text (template_child (page, HALL_TYPE_STATS_PAGE, "range_label")),
                   ==, "2026-11-03 – 2026-11-20");
  /* Three weeks of heat map: 3–9, 10–16, 17–20 November. */
  g_assert_cmpuint (hall_stats_page_get_month (page)->weeks->len, ==, 3);
}

/* A counter official has no figures to open. */
static void
test_counter_official_has_none (Fixture       *fixture,
                                gconstpointer  data)
{
  sign_in (fixture, COUNTER);
  g_assert_false (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                          "stats_button")));
  gtk_widget_activate_action (fixture->window, "win.stats", NULL);
  spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture->window,
                                                                     HALL_TYPE_WINDOW, "stack")),
                   ==, "main");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char *const *data_dirs = g_get_system_data_dirs ();

  /* The isolated data dirs have no MIME database, and without one the
   * icon loader cannot tell an SVG icon from junk: keep the system's. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);
  /* English messages; the catalog's names in HALL_TEST_LANGUAGE's. */
  g_setenv ("LANGUAGE", g_getenv ("HALL_TEST_LANGUAGE") != NULL ? g_getenv ("HALL_TEST_LANGUAGE")
                                                                 : "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char *const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/stats-gui/supervisor", test_supervisor_sees_figures);
  ADD ("/stats-gui/offline", test_offline);
  ADD ("/stats-gui/export", test_export);
  ADD ("/stats-gui/export-dialog-hall-month", test_export_dialog_and_hall_month);
  ADD ("/stats-gui/range", test_range);
  ADD ("/stats-gui/counter-official", test_counter_official_has_none);
#undef ADD

  return g_test_run ();
}
