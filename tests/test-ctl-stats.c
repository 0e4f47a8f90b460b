/* test-ctl-stats.c — service-hall-ctl stats against the real server: the
 * figures written as CSV and as the monthly PDF, and what it refuses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <poppler.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sysexits.h>
#include <glib/gstdio.h>

#include "hall-test-files.h"

typedef struct
{
  char        *dir;
  char        *profile;
  GSubprocess *server;
  char        *url;
} Fixture;

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
  g_autofree char *data = g_build_filename (fixture->dir, "server", NULL);
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

/* Runs service-hall-ctl --profile PROFILE ARGS…; returns its exit status. */
static int
run_ctl (Fixture  *fixture,
         char    **err,
         ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, fixture->profile);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-ctl-stats-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->profile = g_build_filename (fixture->dir, "profile", NULL);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer user_data)
{
  if (fixture->server != NULL)
    {
      g_subprocess_send_signal (fixture->server, SIGTERM);
      g_subprocess_wait (fixture->server, NULL, NULL);
      g_clear_object (&fixture->server);
    }
  hall_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->profile);
  g_free (fixture->url);
}

static void
sign_in (Fixture *fixture)
{
  g_autofree char *password = g_build_filename (fixture->dir, "password", NULL);

  g_assert_true (g_file_set_contents (password, "demo\n", -1, NULL));
  start_server (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, "login", "--server", fixture->url, "--user", "demo",
                            "--password-file", password, NULL), ==, 0);
}

static void
test_csv (Fixture      *fixture,
          gconstpointer user_data)
{
  g_autofree char *csv = g_build_filename (fixture->dir, "figures.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  sign_in (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, "stats", "--from", "2026-12-01", "--to", "2026-12-31",
                            "--by", "service", "--csv", csv, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF" "service,name,opened,finished,"));
  lines = g_strsplit (text + 3, "\r\n", -1);
  /* A fresh server: the header and the total, nothing opened. */
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[1], "total,,0,0,"));
}

static void
test_pdf (Fixture      *fixture,
          gconstpointer user_data)
{
  g_autofree char *pdf = g_build_filename (fixture->dir, "report.pdf", NULL);
  g_autofree char *uri = g_filename_to_uri (pdf, NULL, NULL);
  g_autoptr (GObject) document_object = NULL;
  PopplerDocument *document;
  g_autoptr (GObject) page_object = NULL;
  PopplerPage *page;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  sign_in (fixture);
  g_assert_cmpint (run_ctl (fixture, NULL, "stats", "--from", "2026-12-01", "--to", "2026-12-31",
                            "--pdf", pdf, NULL), ==, 0);
  document = poppler_document_new_from_file (uri, NULL, &error);
  document_object = G_OBJECT (document);
  g_assert_no_error (error);
  page = poppler_document_get_page (document, 0);
  page_object = G_OBJECT (page);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Monthly report"));
  g_assert_nonnull (strstr (text, "2026-12-01"));
  g_assert_nonnull (strstr (text, "Cases per day"));
  g_assert_nonnull (strstr (text, "Opened"));
}

static void
expect_refused (Fixture    *fixture,
                int         code,
                const char *named,
                ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, fixture->profile);
  g_ptr_array_add (argv, (char *) "stats");
  va_start (args, named);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, code);
  if (strstr (err, named) == NULL)
    g_error ("“%s” does not name “%s”", err, named);
}

static void
test_refused (Fixture      *fixture,
              gconstpointer user_data)
{
  g_autofree char *csv = g_build_filename (fixture->dir, "kept.csv", NULL);
  g_autofree char *text = NULL;

  /* A file already there is never touched by a command refused. */
  g_assert_true (g_file_set_contents (csv, "kept", -1, NULL));
  sign_in (fixture);
  expect_refused (fixture, EX_USAGE, "--from “2026-02-30”", "--from", "2026-02-30", "--to",
                  "2026-03-31", "--csv", csv, NULL);
  expect_refused (fixture, EX_USAGE, "--to “31.12.2026”", "--from", "2026-12-01", "--to",
                  "31.12.2026", "--csv", csv, NULL);
  expect_refused (fixture, EX_USAGE, "after --to", "--from", "2026-12-31", "--to", "2026-12-01",
                  "--csv", csv, NULL);
  expect_refused (fixture, EX_USAGE, "--by “week”", "--from", "2026-12-01", "--to", "2026-12-31",
                  "--by", "week", "--csv", csv, NULL);
  expect_refused (fixture, EX_USAGE, "Usage", "--from", "2026-12-01", "--to", "2026-12-31", NULL);
  expect_refused (fixture, EX_USAGE, "Usage", "--from", "2026-12-01", "--to", "2026-12-31",
                  "--csv", csv, "--pdf", "x.pdf", NULL);
  expect_refused (fixture, EX_CANTCREAT, "no-such-folder", "--from", "2026-12-01", "--to",
                  "2026-12-31", "--csv", "/no-such-folder/figures.csv", NULL);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "kept");

  /* The server away: the figures cannot be had, and nothing is written. */
  g_subprocess_send_signal (fixture->server, SIGTERM);
  g_subprocess_wait (fixture->server, NULL, NULL);
  g_clear_object (&fixture->server);
  g_assert_cmpint (run_ctl (fixture, NULL, "stats", "--from", "2026-12-01", "--to",
                            "2026-12-31", "--csv", csv, NULL), !=, 0);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "kept");
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  add ("/hall/ctl/stats/csv", test_csv);
  add ("/hall/ctl/stats/pdf", test_pdf);
  add ("/hall/ctl/stats/refused", test_refused);

  return g_test_run ();
}
