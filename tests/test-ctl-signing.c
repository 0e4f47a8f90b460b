/* test-ctl-signing.c — the whole path on the command line: hall key,
 * enrolment, a case taken in and approved, its license issued, verified
 * from the PDF, from a 300 dpi rendering read by zbar and from the text;
 * revocations; the audit trail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <poppler.h>
#include <sqlite3.h>
#include <string.h>
#include <sysexits.h>

#include "hall-audit.h"
#include "hall-catalog.h"
#include "hall-roles.h"
#include "hall-store-signing.h"
#include "hall-workflow.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

typedef struct
{
  char *dir;
  char *profile;
  char *password;
  char *hall_key;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_build_filename (g_get_user_data_dir (), "ctl-signing", NULL);
  f->profile = g_build_filename (f->dir, "profile", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->profile, 0700), ==, 0);
  f->password = g_build_filename (f->dir, "password", NULL);
  g_file_set_contents (f->password, "correct horse\n", -1, &error);
  g_assert_no_error (error);
  f->hall_key = g_build_filename (f->dir, "hall.key", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->dir);
  g_free (f->profile);
  g_free (f->password);
  g_free (f->hall_key);
}

/* Runs service-hall-ctl --profile PROFILE ARGS…, with @input on stdin. */
static int
run_ctl (Fixture    *f,
         const char *input,
         char      **out,
         char      **err,
         ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("SERVICE_HALL_CTL_BIN"));
  g_ptr_array_add (argv, (char *) "--profile");
  g_ptr_array_add (argv, f->profile);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                 | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* service-hall-ctl sync, which must succeed; what it said if it did not. */
static void
assert_synced (Fixture  *f,
               char    **err)
{
  int status = run_ctl (f, NULL, NULL, err, "sync", NULL);

  if (status != 0)
    g_error ("service-hall-ctl sync exited %d: %s", status, *err);
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” should contain “%s”", text, part);
}

/* Opens @official's signing key for the decisions that follow: made and
 * certified by this hall's key first (`enroll`), as the administrator
 * does; its password is the fixture's. */
static void
open_official_key (Fixture    *f,
                   HallStore  *store,
                   const char *official)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCertificate) certificate = hall_store_lookup_certificate (store, official, NULL,
                                                                           NULL);

  /* Once: a certificate made again would be valid only from now, after
   * the decisions its key signed before. */
  if (certificate == NULL)
    g_assert_cmpint (run_ctl (f, NULL, &out, &err, "enroll", official, "--hall-key",
                              f->hall_key, "--password-file", f->password, NULL),
                     ==, 0);
  g_assert_true (g_file_get_contents (f->password, &password, NULL, &error));
  g_strstrip (password);
  g_assert_true (hall_store_open_session_key (store, official, password, &error));
  g_assert_no_error (error);
}

/* A case of @service_id taken in and moved along to approved, as the
 * workflow does: every decision by @only_official when given, otherwise
 * the joint review by three approvers and the license's step by li.na (so
 * that li.na signs the license issued with the last approval). */
static char *
approved_case (Fixture    *f,
               const char *only_official,
               const char *service_id,
               const char *name,
               guint       n,
               gboolean    approve)
{
  static const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  /* Officials of the demo hall; a joint review's steps need one each. */
  static const char *const approvers[] = { "li.na", "zhao.lei", "demo" };
  g_autofree char *path = g_build_filename (f->profile, "hall.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCatalog) catalog = hall_catalog_new_default (&error);
  g_autoptr (HallStore) store = hall_store_open (path, "YC", "C01", &error);
  g_autoptr (HallCase) kase = hall_case_new ();
  g_autoptr (HallApplicant) applicant = NULL;
  HallService *service = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;
  char base[18];
  g_autofree char *id = NULL;
  int sum = 0;
  guint i;

  g_assert_no_error (error);
  service = hall_catalog_lookup (catalog, service_id);
  g_snprintf (base, sizeof base, "64010419850612%03u", n);
  for (i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id = g_strdup_printf ("%s%c", base, "10X98765432"[sum % 11]);
  applicant = hall_applicant_new_person (name, HALL_ID_TYPE_RESIDENT_ID, id, "13800138000");
  hall_case_set_official (kase, "wang.fang");
  g_assert_true (hall_store_create_case (store, applicant, service, kase, &error));
  g_assert_no_error (error);
  /* Every step decided as the workflow asks, a joint review by three
   * approvers, until the case is approved. */
  for (i = 0; approve && state != HALL_CASE_APPROVED; i++)
    {
      g_autoptr (HallWorkflow) workflow = hall_store_get_workflow (store, service,
                                                                   hall_case_get_uuid (kase),
                                                                   &error);
      g_autoptr (GPtrArray) open = NULL;
      g_autoptr (HallCaseEvent) event = NULL;
      const HallApprovalStep *step;
      const char *official;
      HallRoles roles;

      g_assert_no_error (error);
      g_assert_cmpuint (i, <, 10);
      open = hall_workflow_list_open_steps (workflow);
      g_assert_cmpuint (open->len, >, 0);
      step = g_ptr_array_index (open, 0);
      roles = hall_roles_from_string (step->role);
      if (only_official != NULL)
        official = only_official;
      else if (roles == HALL_ROLE_APPROVER)
        official = approvers[(open->len - 1) % G_N_ELEMENTS (approvers)];
      else
        official = g_str_equal (step->id, "issue") ? "li.na" : "wang.fang";
      open_official_key (f, store, official);
      /* The decision is dated when it is made: after the key's certificate,
       * which the first use of a key has just made (a second may have
       * passed since the loop began). */
      event = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
      hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
      g_assert_true (hall_store_decide_case (store, service, event, roles, official, &state,
                                             &error));
      g_assert_no_error (error);
    }
  return g_strdup (hall_case_get_number (kase));
}

static char *
issue (Fixture    *f,
       const char *number,
       const char *pdf)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) fields = NULL;

  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "license", number, "--out", pdf, "--user",
                            "li.na", "--password-file", f->password, "--scope", "软件开发",
                            "--valid-years", "5", NULL),
                   ==, 0);
  fields = g_strsplit (g_strstrip (out), "\t", 2);
  g_assert_true (g_str_has_prefix (fields[0], "YC-"));
  return g_strdup (fields[0]);
}

static void
set_up_hall (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GStatBuf st;

  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "hall-key", "create", "--out", f->hall_key,
                            NULL),
                   ==, 0);
  assert_contains (out, "Public key: ");
  g_assert_cmpint (g_stat (f->hall_key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* The hall's key is never written over. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "hall-key", "create", "--out", f->hall_key,
                            NULL),
                   !=, 0);
  assert_contains (err, "exists");

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "enroll", "li.na", "--hall-key", f->hall_key,
                            "--password-file", f->password, NULL),
                   ==, 0);
  assert_contains (out, "\"official\":\"li.na\"");
  assert_contains (err, "Certified the key");
}

static void
test_full_path (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *number = NULL;
  g_autofree char *license = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "license.pdf", NULL);
  g_autofree char *png = g_build_filename (f->dir, "scan-300dpi.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autofree char *db = g_build_filename (f->profile, "hall.db", NULL);
  g_autoptr (GError) error = NULL;

  set_up_hall (f);
  number = approved_case (f, NULL, "company_business_license", "银川塞上云数据科技有限公司", 1, TRUE);
  license = issue (f, number, pdf);

  /* From the PDF. */
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "verify", pdf, NULL), ==, 0);
  assert_contains (out, "VALID");
  assert_contains (out, license);
  assert_contains (out, "银川塞上云数据科技有限公司");
  assert_contains (out, "li.na");

  /* From the page as a 300 dpi scanner gives it (poppler, then zbar). */
  {
    g_autoptr (GFile) file = g_file_new_for_path (pdf);
    g_autoptr (PopplerDocument) document = poppler_document_new_from_gfile (file, NULL, NULL,
                                                                             &error);
    g_autoptr (PopplerPage) page = NULL;
    g_autoptr (cairo_surface_t) surface = NULL;
    g_autoptr (cairo_t) cr = NULL;
    double width, height;

    g_assert_no_error (error);
    page = poppler_document_get_page (document, 0);
    poppler_page_get_size (page, &width, &height);
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * 300 / 72),
                                          (int) (height * 300 / 72));
    cr = cairo_create (surface);
    cairo_set_source_rgb (cr, 1, 1, 1);
    cairo_paint (cr);
    cairo_scale (cr, 300.0 / 72, 300.0 / 72);
    poppler_page_render_for_printing (page, cr);
    g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", png, NULL), ==, 0);
  assert_contains (out, "VALID");
  assert_contains (out, license);

  /* The scan saved as a PDF by a copier: an image, no text of its own. */
  {
    g_autofree char *scanned = g_build_filename (f->dir, "scanned.pdf", NULL);
    g_autoptr (cairo_surface_t) image = cairo_image_surface_create_from_png (png);
    g_autoptr (cairo_surface_t) surface = cairo_pdf_surface_create (scanned, 595.276, 841.89);
    g_autoptr (cairo_t) cr = cairo_create (surface);

    cairo_scale (cr, 72.0 / 300, 72.0 / 300);
    cairo_set_source_surface (cr, image, 0, 0);
    cairo_paint (cr);
    cairo_show_page (cr);
    cairo_surface_finish (surface);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", scanned, NULL), ==, 0);
    assert_contains (out, "VALID");
    assert_contains (out, license);
  }

  /* From the text, as a phone's reader hands it over. */
  {
    g_autoptr (HallStore) store = hall_store_open (db, "YC", "C01", &error);
    g_autoptr (HallCase) kase = hall_store_get_case_by_number (store, number, &error);

    text = hall_store_get_license (store, hall_case_get_uuid (kase), &error);
    g_assert_no_error (error);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, text, &out, NULL, "verify", "-", NULL), ==, 0);
  assert_contains (out, "VALID");
  /* Issued again, the same license. */
  {
    g_autofree char *again = issue (f, number, pdf);

    g_assert_cmpstr (again, ==, license);
  }

  /* A truncated code. */
  {
    g_autofree char *cut = g_strndup (text, strlen (text) - 7);

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_ctl (f, cut, &out, NULL, "verify", "-", NULL), ==, EX_DATAERR);
    assert_contains (out, "INVALID");
    assert_contains (out, "cut short");
  }

  /* The code of this license shown as another's. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, text, &out, NULL, "verify", "-", "--number",
                            "YC-2026-C01-L999999", NULL),
                   ==, EX_DATAERR);
  assert_contains (out, "copied from another license");

  /* Another hall's key. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, text, &out, NULL, "verify", "-", "--hall-public-key",
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", NULL),
                   ==, EX_DATAERR);
  assert_contains (out, "not certified by this hall");

  /* The audit trail is whole; then an entry is edited behind the store. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "audit", number, NULL), ==, 0);
  assert_contains (out, "whole (6 entries)");
  {
    sqlite3 *handle = NULL;

    g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (handle,
                                   "UPDATE case_events SET official = 'zhao.lei'"
                                   " WHERE id = (SELECT min (id) FROM case_events"
                                   "             WHERE kind = 'decision')",
                                   NULL, NULL, NULL),
                     ==, SQLITE_OK);
    sqlite3_close (handle);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "audit", number, NULL), ==, EX_DATAERR);
  assert_contains (out, "Entry 2 of the audit trail");
}

static void
test_revocations (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *pending = NULL;
  g_autofree char *pdf1 = g_build_filename (f->dir, "first.pdf", NULL);
  g_autofree char *pdf2 = g_build_filename (f->dir, "second.pdf", NULL);
  g_autofree char *pdf3 = g_build_filename (f->dir, "pending.pdf", NULL);
  g_autofree char *license1 = NULL;
  g_autofree char *license2 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  set_up_hall (f);
  first = approved_case (f, NULL, "company_business_license", "张伟", 2, TRUE);
  second = approved_case (f, NULL, "company_business_license", "李娜", 3, TRUE);
  pending = approved_case (f, NULL, "company_business_license", "王芳", 4, FALSE);
  license1 = issue (f, first, pdf1);
  license2 = issue (f, second, pdf2);

  /* Only an approved case gets a license. */
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "license", pending, "--out", pdf3, "--user",
                            "li.na", "--password-file", f->password, NULL),
                   ==, EX_DATAERR);
  assert_contains (err, "not approved");
  g_assert_false (g_file_test (pdf3, G_FILE_TEST_EXISTS));

  /* The revoked license. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "revoke", "--license", license1, "--reason",
                            "issued in error", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf1, NULL), ==, EX_DATAERR);
  assert_contains (out, "REVOKED");
  assert_contains (out, "issued in error");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf2, NULL), ==, 0);

  /* The revoked official, from a time before the second was issued. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "revoke", "--official", "li.na", "--from",
                            "2020-01-01T00:00:00Z", "--reason", "laptop stolen", NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf2, NULL), ==, EX_DATAERR);
  assert_contains (out, "REVOKED: The key of li.na was revoked from 2020-01-01");
  assert_contains (out, "laptop stolen");
}

static void
test_no_code (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *junk = g_build_filename (f->dir, "junk.txt", NULL);

  set_up_hall (f);
  g_assert_true (g_file_set_contents (junk, "hello", -1, NULL));
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "verify", junk, NULL), !=, 0);
  assert_contains (err, "not a PDF, PNG or JPEG");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "verify", "/nonexistent.pdf", NULL), ==,
                   EX_NOINPUT);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, "https://example.com", &out, NULL, "verify", "-", NULL), ==,
                   EX_DATAERR);
  assert_contains (out, "INVALID: This is not a Service Hall license code");
}

static void
exec_server_sql (const char *path,
                 const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The server's chain of @case_uuid's events (schema 4), checked as the
 * counter's is; @in_message NULL: whole. */
static void
assert_server_chain (const char *path,
                     const char *case_uuid,
                     const char *in_message)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (
    (GDestroyNotify) hall_audit_entry_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *head = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT audit_head FROM cases WHERE uuid = ?1", -1,
                                       &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, case_uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  head = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT uuid, data, prev_hash, entry_hash FROM events"
                                       " WHERE case_uuid = ?1 ORDER BY rowid",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, case_uuid, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      HallAuditEntry *entry = g_new0 (HallAuditEntry, 1);

      entry->uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      entry->data = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->prev_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->entry_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_ptr_array_add (entries, entry);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  /* created, then a decision on each of the three steps */
  g_assert_cmpuint (entries->len, ==, 4);
  if (in_message == NULL)
    {
      g_assert_true (hall_audit_check_chain (entries, head, NULL, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (hall_audit_check_chain (entries, head, NULL, &error));
      assert_contains (error->message, in_message);
    }
}

/* The server in the middle: the administrator's enrolment and revocation
 * reach it, and another counter pulls them with its sync and honours them
 * offline. */
static void
test_through_server (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *number = NULL;
  g_autofree char *license = NULL;
  g_autofree char *second = NULL;
  g_autofree char *license2 = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "revoked.pdf", NULL);
  g_autofree char *pdf2 = g_build_filename (f->dir, "kept.pdf", NULL);
  g_autofree char *data_dir = g_build_filename (f->dir, "server", NULL);
  g_autofree char *demo_password = g_build_filename (f->dir, "demo-password", NULL);
  g_autofree char *issuing = g_strdup (f->profile);
  g_autofree char *checking = g_build_filename (f->dir, "checking", NULL);
  g_autofree char *checking_db = g_build_filename (checking, "hall.db", NULL);
  char *p;

  if (g_getenv ("SERVICE_HALL_SERVER_BIN") == NULL)
    {
      g_test_skip ("no server built");
      return;
    }
  g_assert_true (g_file_set_contents (demo_password, "demo\n", -1, NULL));
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "hall-key", "create", "--out", f->hall_key,
                            NULL),
                   ==, 0);
  p = strstr (out, "Public key: ");
  g_assert_nonnull (p);
  public_key = g_strndup (p + 12, strcspn (p + 12, "\n"));

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             g_getenv ("SERVICE_HALL_SERVER_BIN"), "--listen", "127.0.0.1:0",
                             "--data", data_dir, "--demo", "--hall-public-key", public_key,
                             NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  url = g_strdup (line + strlen ("listening on "));

  /* The issuing counter, signed in as the administrator. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, NULL, &err, "login", "--server", url, "--user", "demo",
                            "--password-file", demo_password, NULL),
                   ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "enroll", "li.na", "--hall-key", f->hall_key,
                            "--password-file", f->password, NULL),
                   ==, 0);
  assert_contains (err, "The server keeps it");
  /* The server takes a decision from the official whose session sends it
   * (the administrator here, who holds every role) and lets one official
   * make only one decision of a joint review: a service without one. */
  number = approved_case (f, "demo", "individual_business_license", "张伟", 5, TRUE);
  license = issue (f, number, pdf);
  second = approved_case (f, "demo", "individual_business_license", "李娜", 6, TRUE);
  license2 = issue (f, second, pdf2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, &err, "revoke", "--license", license, "--reason",
                            "issued in error", NULL),
                   ==, 0);
  assert_contains (err, "The server keeps it");

  /* Another counter, which never saw the hall key file: it learns the key,
   * the certificate and the revocation from its sync. */
  g_free (f->profile);
  f->profile = g_strdup (checking);
  g_assert_cmpint (g_mkdir_with_parents (checking, 0700), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf, NULL), ==, 78);
  g_assert_cmpint (run_ctl (f, NULL, NULL, NULL, "--counter", "C02", "login", "--server", url,
                            "--user", "demo", "--password-file", demo_password, NULL),
                   ==, 0);
  g_clear_pointer (&err, g_free);
  assert_synced (f, &err);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf, NULL), ==, EX_DATAERR);
  assert_contains (out, "REVOKED");
  assert_contains (out, "issued in error");
  assert_contains (out, "Revocations as synced at");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_ctl (f, NULL, &out, NULL, "verify", pdf2, NULL), ==, 0);
  assert_contains (out, "VALID");
  assert_contains (out, license2);
  {
    g_autoptr (HallStore) store = hall_store_open (checking_db, "YC", "C02", &error);
    g_autoptr (HallCertificate) certificate = NULL;

    g_assert_no_error (error);
    certificate = hall_store_lookup_certificate (store, "li.na", NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (certificate);
  }
  g_free (f->profile);
  f->profile = g_steal_pointer (&issuing);

  /* The issuing counter's cases reach the server, whose chain of each
   * case's events is whole; an event edited or removed there is found. */
  g_clear_pointer (&err, g_free);
  assert_synced (f, &err);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  {
    g_autofree char *server_db = g_build_filename (data_dir, "hall.sqlite", NULL);
    g_autofree char *case_uuid = NULL;

    {
      g_autofree char *path = g_build_filename (f->profile, "hall.db", NULL);
      g_autoptr (HallStore) store = hall_store_open (path, "YC", "C01", &error);
      g_autoptr (HallCase) kase = hall_store_get_case_by_number (store, number, &error);

      g_assert_no_error (error);
      case_uuid = g_strdup (hall_case_get_uuid (kase));
    }
    assert_server_chain (server_db, case_uuid, NULL);
    {
      /* Every approval of the case turned into a rejection: the first
       * decision, entry 2, is the first entry found altered. */
      g_autofree char *sql = g_strdup_printf ("UPDATE events SET data = replace (data,"
                                              " '\"approve\"', '\"reject\"')"
                                              " WHERE case_uuid = '%s'", case_uuid);

      exec_server_sql (server_db, sql);
    }
    assert_server_chain (server_db, case_uuid, "Entry 2 of the audit trail");
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/hall/ctl-signing/full-path", Fixture, NULL, fixture_set_up, test_full_path,
              fixture_tear_down);
  g_test_add ("/hall/ctl-signing/revocations", Fixture, NULL, fixture_set_up,
              test_revocations, fixture_tear_down);
  g_test_add ("/hall/ctl-signing/no-code", Fixture, NULL, fixture_set_up, test_no_code,
              fixture_tear_down);
  g_test_add ("/hall/ctl-signing/through-server", Fixture, NULL, fixture_set_up,
              test_through_server, fixture_tear_down);

  return g_test_run ();
}
