/* test-gui.c — the counter app's screens, driven through their widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>

#include "hall-approval-inbox.h"
#include "hall-case-format.h"
#include "hall-case-promise.h"
#include "hall-case-list-model.h"
#include "hall-case-list-page.h"
#include "hall-case-list-page-test-hooks.h"
#include "hall-case-page.h"
#include "hall-case-row.h"
#include "hall-intake-dialog.h"
#include "hall-intake-dialog-private.h"
#include "hall-list-row.h"
#include "hall-sign-in-page.h"
#include "hall-stats-page.h"
#include "hall-store-signing.h"
#include "hall-store-sync-private.h"
#include "hall-lock-page.h"
#include "hall-queue-panel.h"
#include "hall-receipt-printer.h"
#include "hall-reception-page.h"
#include "hall-sync-indicator.h"
#include "hall-verify-window.h"
#include "hall-test-window.h"
#include "hall-window.h"

#define OFFICIAL "wang.li"
#define APPROVER "li.na"
#define PASSWORD "correct horse"
/* GB 11643's own example of a valid resident ID. */
#define ID_NUMBER "11010519491231002X"
#define OTHER_ID_NUMBER "640104198506120015"
#define WAIT_SECONDS 10

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds or the time runs out. */
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

typedef struct
{
  HallStore   *store;
  HallCatalog *catalog;
  HallWindow  *window;
} Fixture;

static HallStore *
open_store (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hall.db", NULL);
  HallStore *store;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

/* (transfer full): a case opened for @name; with @all_documents, each of
 * its service's documents brought at intake. */
static HallCase *
create_case_full (Fixture    *fixture,
                  const char *name,
                  gboolean    all_documents)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallApplicant) found = NULL;
  HallService *service = hall_catalog_lookup (fixture->catalog, "individual_business_license");
  HallCase *kase = hall_case_new ();

  g_assert_nonnull (service);
  /* Every document brought: the case's clock runs from intake. */
  if (all_documents)
    {
      g_autoptr (JsonArray) checklist = json_array_new ();

      for (guint i = 0; i < hall_service_get_n_documents (service); i++)
        {
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "id", hall_service_get_document (service, i)->id);
          json_object_set_boolean_member (item, "provided", TRUE);
          json_array_add_object_element (checklist, item);
        }
      hall_case_set_checklist (kase, checklist);
    }
  /* One person, one applicant: each name has its ID number, and a person
   * who comes back is the applicant the store has. */
  applicant = hall_applicant_new_person (name, HALL_ID_TYPE_RESIDENT_ID,
                                         g_str_equal (name, "Li Na") ? OTHER_ID_NUMBER
                                                                     : ID_NUMBER,
                                         "13912345678");
  found = hall_store_find_applicant_by_identity (fixture->store, applicant, &error);
  g_assert_no_error (error);
  if (found != NULL)
    g_set_object (&applicant, found);
  hall_case_set_official (kase, OFFICIAL);
  hall_store_create_case (fixture->store, applicant, service, kase, &error);
  g_assert_no_error (error);

  return kase;
}

/* (transfer full): a case opened for @name, its documents still to bring. */
static HallCase *
create_case (Fixture    *fixture,
             const char *name)
{
  return create_case_full (fixture, name, FALSE);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = open_store ();
  hall_store_add_official (fixture->store, OFFICIAL, "Wang Li", PASSWORD, "counter_official",
                           &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, APPROVER, "Li Na", PASSWORD, "approver", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  spin ();
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



static void
show_window (Fixture *fixture)
{
  fixture->window = hall_window_new (NULL, fixture->store, fixture->catalog, NULL, FALSE);
  gtk_window_present (GTK_WINDOW (fixture->window));
  spin ();
}

static gboolean
sign_in_idle (gpointer data)
{
  return !hall_sign_in_page_get_busy (HALL_SIGN_IN_PAGE (data));
}

static gboolean
signed_in (gpointer data)
{
  return hall_window_get_signed_in (HALL_WINDOW (data));
}

static void
type_sign_in (Fixture    *fixture,
              const char *username,
              const char *password)
{
  HallSignInPage *page = template_child (fixture->window, HALL_TYPE_WINDOW, "sign_in_page");

  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "username_row"), username);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "password_row"), password);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "c07");
  gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.submit", NULL);
}

static void
sign_in (Fixture *fixture)
{
  type_sign_in (fixture, OFFICIAL, PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
}

/* A calendar whose only holiday is in @year (transfer full). */
static HallCalendar *
calendar_with_holidays_in (int year)
{
  g_autofree char *json = g_strdup_printf (
    "{\"version\": 1, \"timezone\": \"+08:00\", \"hours\": {\"mon\": [\"09:00-17:00\"], "
    "\"tue\": [\"09:00-17:00\"], \"wed\": [], \"thu\": [], \"fri\": [], \"sat\": [], "
    "\"sun\": []}, \"holidays\": [\"%d-10-01\", \"%d-10-01\"]}", year, year + 1);
  g_autoptr (GError) error = NULL;
  HallCalendar *calendar = hall_calendar_new_from_data (json, -1, "test", &error);

  g_assert_no_error (error);
  return calendar;
}

/* An administrator is told when a year's holidays are not set (a year
 * long gone: this one's are then missing, whenever the test runs); a
 * counter official is not, nor anyone once they are set. */
static void
test_calendar_banner (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCalendar) old = calendar_with_holidays_in (1999);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (HallCalendar) current = calendar_with_holidays_in (g_date_time_get_year (now));
  g_autofree char *year = g_strdup_printf ("%d", g_date_time_get_year (now));
  GtkRevealer *banner;
  GtkLabel *label;

  hall_store_add_official (fixture->store, "admin.zhao", "Zhao Min", PASSWORD, "administrator",
                           &error);
  g_assert_no_error (error);
  hall_catalog_set_calendar (fixture->catalog, old);
  show_window (fixture);
  banner = template_child (fixture->window, HALL_TYPE_WINDOW, "calendar_banner");
  label = template_child (fixture->window, HALL_TYPE_WINDOW, "calendar_banner_label");

  sign_in (fixture);
  g_assert_false (gtk_revealer_get_reveal_child (banner));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin ();

  type_sign_in (fixture, "admin.zhao", PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_true (gtk_revealer_get_reveal_child (banner));
  g_assert_nonnull (strstr (gtk_label_get_text (label), year));
  g_assert_nonnull (strstr (gtk_label_get_text (label), "service-hall-ctl calendar set"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin ();
  g_assert_false (gtk_revealer_get_reveal_child (banner));

  hall_catalog_set_calendar (fixture->catalog, current);
  type_sign_in (fixture, "admin.zhao", PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_false (gtk_revealer_get_reveal_child (banner));
}

/* Screens without a display-bound state: the words and numbers they show. */
static void
test_format (void)
{
  g_autofree char *masked = hall_format_masked_document (ID_NUMBER);
  g_autofree char *passport = hall_format_masked_document ("E12345678");
  g_autofree char *due = hall_format_countdown (1000 + 3600 + 5 * 60, 1000, FALSE, NULL);
  g_autofree char *soon = hall_format_countdown (1000 + 150, 1000, TRUE, NULL);
  g_autofree char *late = NULL;
  g_autofree char *days = hall_format_duration (2 * 86400 + 3 * 3600 + 59, FALSE);
  g_autofree char *synced = hall_format_last_sync (1000, 1000 + 5 * 60 + 10);
  gboolean overdue = FALSE;

  g_assert_cmpstr (masked, ==, "1101**********002X");
  g_assert_cmpstr (passport, ==, "E1*****78");
  g_assert_cmpstr (due, ==, "Due in 1 h 5 min");
  g_assert_cmpstr (soon, ==, "Due in 2 min 30 s");
  late = hall_format_countdown (1000, 1000 + 3600 + 12 * 60, FALSE, &overdue);
  g_assert_cmpstr (late, ==, "Overdue by 1 h 12 min");
  g_assert_true (overdue);
  g_assert_cmpstr (days, ==, "2 d 3 h");
  {
    g_autofree char *hour = hall_format_countdown (1000 + 3600, 1000, FALSE, NULL);
    g_autofree char *two_days = hall_format_duration (2 * 86400 + 59, FALSE);

    /* Nothing of "1 h 0 min" or "2 d 0 h". */
    g_assert_cmpstr (hour, ==, "Due in 1 h");
    g_assert_cmpstr (two_days, ==, "2 d");
  }
  g_assert_cmpstr (synced, ==, "Synced 5 min ago");

  /* The server's record against the counter's claim: nothing when it has
   * said nothing; within a few minutes the times agree; beyond that, or
   * from another official, the page says so. */
  {
    gboolean differs = TRUE;
    g_autofree char *none = hall_format_server_record ("li.na", 1000, NULL, 0, &differs);
    g_autofree char *at = hall_format_timestamp (1000 + 2 * 3600 + 37 * 60);
    g_autofree char *close_at = hall_format_timestamp (1000 + HALL_FORMAT_CLOCK_SLACK);
    g_autofree char *close = NULL;
    g_autofree char *later = NULL;
    g_autofree char *earlier = NULL;
    g_autofree char *want = NULL;

    g_assert_null (none);
    g_assert_false (differs);
    close = hall_format_server_record ("li.na", 1000, "li.na", 1000 + HALL_FORMAT_CLOCK_SLACK,
                                       &differs);
    want = g_strdup_printf ("The server recorded this from li.na at %s", close_at);
    g_assert_cmpstr (close, ==, want);
    g_assert_false (differs);
    g_free (want);
    later = hall_format_server_record ("li.na", 1000, "li.na", 1000 + 2 * 3600 + 37 * 60,
                                       &differs);
    want = g_strdup_printf ("The server recorded this from li.na at %s, 2 h 37 min after the "
                            "counter’s time", at);
    g_assert_cmpstr (later, ==, want);
    g_assert_true (differs);
    g_free (want);
    earlier = hall_format_server_record ("li.na", 1000 + 2 * 3600 + 47 * 60, "li.na",
                                         1000 + 2 * 3600 + 37 * 60, &differs);
    want = g_strdup_printf ("The server recorded this from li.na at %s, 10 min before the "
                            "counter’s time", at);
    g_assert_cmpstr (earlier, ==, want);
    g_assert_true (differs);
  }

  /* The catalog names a service first, then what the case was opened
   * with; an id is shown only when there is nothing else. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HallCatalog) catalog = hall_catalog_new_default (&error);
    const char *name;

    g_assert_no_error (error);
    name = hall_service_get_name (hall_catalog_lookup (catalog, "individual_business_license"));
    g_assert_cmpstr (hall_format_service_name (catalog, "individual_business_license",
                                               "individual_business_license"), ==, name);
    g_assert_cmpstr (hall_format_service_name (catalog, "individual_business_license", ""), ==,
                     name);
    g_assert_cmpstr (hall_format_service_name (catalog, "individual_business_license",
                                               "An older name"), ==, name);
    g_assert_cmpstr (hall_format_service_name (catalog, "retired_service", "Retired service"), ==,
                     "Retired service");
    g_assert_cmpstr (hall_format_service_name (catalog, "retired_service", ""), ==,
                     "retired_service");
    g_assert_cmpstr (hall_format_service_name (NULL, "retired_service", NULL), ==,
                     "retired_service");
  }
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);
    }

  return NULL;
}

/* A bad .ui only fails at run time: build every template once. */
static void
test_templates (Fixture       *fixture,
                gconstpointer  data)
{
  GType types[] = {
    HALL_TYPE_SIGN_IN_PAGE, HALL_TYPE_CASE_LIST_PAGE, HALL_TYPE_CASE_PAGE,
    HALL_TYPE_SYNC_INDICATOR, HALL_TYPE_QUEUE_PANEL, HALL_TYPE_RECEPTION_PAGE,
    HALL_TYPE_LOCK_PAGE, HALL_TYPE_APPROVAL_INBOX, HALL_TYPE_STATS_PAGE,
  };
  GtkWidget *dialog;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      GtkWidget *widget = g_object_ref_sink (g_object_new (types[i], NULL));

      g_assert_true (GTK_IS_WIDGET (widget));
      g_object_unref (widget);
    }

  show_window (fixture);
  /* Start-up builds no page that only a signed-in official reaches. */
  {
    GtkStack *stack = template_child (fixture->window, HALL_TYPE_WINDOW, "stack");

    g_assert_null (gtk_stack_get_child_by_name (stack, "approval"));
    g_assert_null (gtk_stack_get_child_by_name (stack, "stats"));
    g_assert_null (gtk_stack_get_child_by_name (stack, "locked"));
    g_assert_null (adw_leaflet_get_child_by_name (template_child (fixture->window,
                                                                  HALL_TYPE_WINDOW, "leaflet"),
                                                  "case"));
  }
  /* The shortcuts window is built only when asked for (Ctrl+?, the menu). */
  g_assert_null (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  /* GTK 4.8's own shortcuts window warns that a label of it "reported min
   * width -3": not ours to fix, so not fatal here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-shortcuts",
                                             NULL));
  spin ();
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  dialog = GTK_WIDGET (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_true (gtk_widget_get_visible (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_false (hall_window_get_signed_in (fixture->window));
  /* Nobody signed in: no intake. */
  g_assert_false (gtk_widget_is_sensitive (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                           "new_intake_button")));

  dialog = GTK_WIDGET (hall_intake_dialog_new (GTK_WINDOW (fixture->window), fixture->store,
                                               fixture->catalog, OFFICIAL));
  gtk_window_present (GTK_WINDOW (dialog));
  spin ();
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_sign_in (Fixture       *fixture,
              gconstpointer  data)
{
  HallSignInPage *page;
  HallCaseListPage *list_page;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *counter = NULL;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "sign_in_page");

  /* Nothing typed: the page says what is missing, without a thread. */
  type_sign_in (fixture, "", "");
  g_assert_cmpstr (hall_sign_in_page_get_message (page), ==, "Enter your user name");

  type_sign_in (fixture, OFFICIAL, "wrong horse");
  g_assert_true (hall_sign_in_page_get_busy (page));
  g_assert_true (wait_for (sign_in_idle, page));
  g_assert_cmpstr (hall_sign_in_page_get_message (page), ==, "Wrong username or password");
  g_assert_false (hall_window_get_signed_in (fixture->window));
  /* What was typed stays, for the official to fix. */
  g_assert_cmpstr (gtk_editable_get_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE,
                                                          "password_row")), ==, "wrong horse");

  /* Held back while officials are being added, an early Enter waits. */
  hall_window_hold_sign_in (fixture->window, TRUE);
  type_sign_in (fixture, OFFICIAL, PASSWORD);
  spin ();
  g_assert_false (hall_sign_in_page_get_busy (page));
  g_assert_false (hall_window_get_signed_in (fixture->window));
  hall_window_hold_sign_in (fixture->window, FALSE);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_cmpstr (hall_window_get_username (fixture->window), ==, OFFICIAL);
  g_assert_cmpstr (hall_store_get_counter (fixture->store), ==, "C07");
  counter = g_settings_get_string (settings, "counter");
  g_assert_cmpstr (counter, ==, "C07");
  g_assert_true (gtk_widget_is_sensitive (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                          "new_intake_button")));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  g_assert_false (hall_window_get_signed_in (fixture->window));
  g_assert_cmpstr (gtk_editable_get_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE,
                                                          "password_row")), ==, "");

  /* An approver reads cases but takes nobody in, and the empty list does
   * not offer it either. */
  type_sign_in (fixture, APPROVER, PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_false (gtk_widget_is_sensitive (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                           "new_intake_button")));
  list_page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  g_assert_cmpstr (hall_case_list_page_get_view (list_page), ==, "empty");
  g_assert_false (gtk_widget_get_visible (template_child (list_page, HALL_TYPE_CASE_LIST_PAGE,
                                                          "empty_intake_button")));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  type_sign_in (fixture, OFFICIAL, PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_true (gtk_widget_get_visible (template_child (list_page, HALL_TYPE_CASE_LIST_PAGE,
                                                         "empty_intake_button")));
}

typedef struct
{
  HallCaseListPage *page;
  guint             n_items;
  const char       *view;
} ListWait;

static gboolean
list_shows (gpointer data)
{
  ListWait *wait = data;
  GListModel *model = hall_case_list_page_get_model (wait->page);

  if (model == NULL || g_list_model_get_n_items (model) != wait->n_items
      || g_strcmp0 (hall_case_list_page_get_view (wait->page), wait->view) != 0)
    return FALSE;
  /* The rows at the top read in, not placeholders any more. */
  for (guint i = 0; i < MIN (wait->n_items, 10); i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (model, i);

      if (hall_case_list_model_is_placeholder (kase))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  HallCasePage *page;
  HallCase     *kase;
} CaseWait;

static gboolean
case_page_shows (gpointer data)
{
  CaseWait *wait = data;
  HallCase *shown = hall_case_page_get_case (wait->page);

  return shown != NULL && g_strcmp0 (hall_case_get_uuid (shown),
                                     hall_case_get_uuid (wait->kase)) == 0;
}

/* Spins the main loop for @ms: frames are laid out and painted. */
static void
spin_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;
  guint wake = g_timeout_add (10, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

/* Cases that come in at the top (pulled from the server, opened at the
 * counter) are in sight when the official was looking at the top; when
 * the official had scrolled down, the view stays where it was. */
static void
test_case_list_keeps_top (Fixture       *fixture,
                          gconstpointer  data)
{
  HallCaseListPage *page;
  GtkAdjustment *vadjustment;
  ListWait wait;
  guint i;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);
  for (i = 0; i < 60; i++)
    g_object_unref (create_case (fixture, "Zhang Wei"));
  wait = (ListWait) { page, 60, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin_for (300);
  vadjustment = gtk_scrolled_window_get_vadjustment (template_child (page,
                                                                     HALL_TYPE_CASE_LIST_PAGE,
                                                                     "scrolled_window"));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  for (i = 0; i < 5; i++)
    g_object_unref (create_case (fixture, "Li Na"));
  wait = (ListWait) { page, 65, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);

  /* Scrolled down: the rows in view stay in view. */
  gtk_adjustment_set_value (vadjustment, 400);
  spin_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >=, 400);
  for (i = 0; i < 5; i++)
    g_object_unref (create_case (fixture, "Li Na"));
  wait = (ListWait) { page, 70, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin_for (300);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 400);
}

/* The case of the row highlighted, or NULL. */
static const char *
selected_uuid (GtkSelectionModel *selection)
{
  HallListRow *row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
  HallCase *kase = row != NULL ? hall_list_row_get_item (row) : NULL;

  return kase != NULL ? hall_case_get_uuid (kase) : NULL;
}

typedef struct
{
  GtkSelectionModel *selection;
  HallCase          *kase;
} SelectionWait;

static gboolean
selection_is (gpointer data)
{
  SelectionWait *wait = data;

  return g_strcmp0 (selected_uuid (wait->selection), hall_case_get_uuid (wait->kase)) == 0;
}

static void
test_case_list (Fixture       *fixture,
                gconstpointer  data)
{
  CaseWait wait_case;
  g_autoptr (HallCase) first = NULL;
  g_autoptr (HallCase) second = NULL;
  g_autoptr (HallCase) shown = NULL;
  HallCaseListPage *page;
  HallCasePage *case_page;
  GtkSelectionModel *selection;
  ListWait wait;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);

  /* An empty store says how to begin. */
  wait = (ListWait) { page, 0, "empty" };
  g_assert_true (wait_for (list_shows, &wait));

  first = create_case (fixture, "Zhang Wei");
  second = create_case (fixture, "Li Na");
  wait = (ListWait) { page, 2, "list" };
  g_assert_true (wait_for (list_shows, &wait));

  /* Newest first. */
  shown = g_list_model_get_item (hall_case_list_page_get_model (page), 0);
  g_assert_cmpstr (hall_case_get_number (shown), ==, hall_case_get_number (second));

  /* Nothing is open until someone picks a row; then the page follows. */
  case_page = hall_test_window_case_page (fixture->window);
  selection = gtk_list_view_get_model (template_child (page, HALL_TYPE_CASE_LIST_PAGE,
                                                         "list_view"));
  g_assert_null (hall_case_page_get_case (case_page));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==,
                    GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (selection, 1, TRUE);
  g_assert_cmpstr (hall_case_get_uuid (hall_case_page_get_case (case_page)), ==,
                   hall_case_get_uuid (first));

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  g_assert_true (hall_case_list_page_get_search_mode (page));
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "Nobody By This Name");
  wait = (ListWait) { page, 0, "no-results" };
  g_assert_true (wait_for (list_shows, &wait));

  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         hall_case_get_number (first));
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));

  /* Enter opens the match. */
  hall_case_page_set_case (case_page, NULL);
  g_signal_emit_by_name (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "activate");
  g_assert_cmpstr (hall_case_get_uuid (hall_case_page_get_case (case_page)), ==,
                   hall_case_get_uuid (first));
  /* The highlighted row is the open case. */
  g_assert_cmpstr (selected_uuid (selection), ==, hall_case_get_uuid (first));

  /* A search whose results lack the open case highlights nothing; one
   * that holds it highlights its row, wherever it is among them. */
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         hall_case_get_number (second));
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_null (selected_uuid (selection));
  g_assert_cmpstr (hall_case_get_uuid (hall_case_page_get_case (case_page)), ==,
                   hall_case_get_uuid (first));
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "Li Na");
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_null (selected_uuid (selection));
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "Zhang Wei");
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_cmpstr (selected_uuid (selection), ==, hall_case_get_uuid (first));

  /* A scanner types the number and Enter faster than the search waits:
   * Enter still opens the case scanned, not the last one found. */
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         hall_case_get_number (second));
  g_signal_emit_by_name (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "activate");
  wait_case = (CaseWait) { case_page, second };
  g_assert_true (wait_for (case_page_shows, &wait_case));
  /* ...and the row highlighted is the case opened. */
  g_assert_cmpstr (selected_uuid (selection), ==, hall_case_get_uuid (second));
}

static gboolean
table_has_rows (gpointer data)
{
  GtkAdjustment *vadjustment = data;

  return gtk_adjustment_get_upper (vadjustment) > gtk_adjustment_get_page_size (vadjustment);
}

/* Found cases are shown from the best match down, wherever the list was
 * scrolled to; clearing the search gives the whole list back at its top
 * without looking for the selected row among all the others (GTK 4.8 did
 * that one row at a time: seconds with a million cases), and the case on
 * show stays, its row highlighted. */
static void
test_case_list_search_resets (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  HallCaseListPage *page;
  HallCasePage *case_page;
  GtkListView *table;
  GtkSelectionModel *selection;
  GtkAdjustment *vadjustment;
  GtkEditable *search;
  ListWait wait;

  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 400);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  table = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "list_view");
  search = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry");
  vadjustment = gtk_scrolled_window_get_vadjustment (
    template_child (page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"));
  for (guint i = 0; i < 40; i++)
    g_ptr_array_add (cases, create_case (fixture, i % 2 == 0 ? "Zhang Wei" : "Li Na"));
  sign_in (fixture);
  case_page = hall_test_window_case_page (fixture->window);
  wait = (ListWait) { page, 40, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_true (wait_for (table_has_rows, vadjustment));

  selection = gtk_list_view_get_model (table);
  gtk_selection_model_select_item (selection, 3, TRUE);
  g_assert_nonnull (hall_case_page_get_case (case_page));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  gtk_editable_set_text (search, "Zhang Wei");
  wait = (ListWait) { page, 20, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin ();
  /* The top row on screen (the table may keep a pixel of its border). */
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), <, 8);

  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  gtk_editable_set_text (search, "");
  wait = (ListWait) { page, 40, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), <, 8);
  g_assert_true (gtk_list_view_get_model (table) == selection);
  /* The case on show stays, and so does its row's highlight: one selection. */
  g_assert_nonnull (hall_case_page_get_case (case_page));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==, 3);
  g_assert_cmpstr (selected_uuid (selection), ==,
                   hall_case_get_uuid (hall_case_page_get_case (case_page)));
}

/* A page still held (by a task on its way, say) after it is disposed hears
 * nothing more from the store. */
static void
test_dispose_disconnects (Fixture       *fixture,
                          gconstpointer  data)
{
  guint case_changed = g_signal_lookup ("case-changed", HALL_TYPE_STORE);
  guint outbox_changed = g_signal_lookup ("outbox-changed", HALL_TYPE_STORE);
  GtkWidget *page = g_object_ref_sink (hall_case_page_new ());
  GtkWidget *indicator = g_object_ref_sink (hall_sync_indicator_new ());

  hall_case_page_set_store (HALL_CASE_PAGE (page), fixture->store);
  hall_sync_indicator_set_store (HALL_SYNC_INDICATOR (indicator), fixture->store);
  g_assert_true (g_signal_has_handler_pending (fixture->store, case_changed, 0, FALSE));
  g_assert_true (g_signal_has_handler_pending (fixture->store, outbox_changed, 0, FALSE));

  g_object_run_dispose (G_OBJECT (page));
  g_object_run_dispose (G_OBJECT (indicator));
  g_assert_false (g_signal_has_handler_pending (fixture->store, case_changed, 0, FALSE));
  g_assert_false (g_signal_has_handler_pending (fixture->store, outbox_changed, 0, FALSE));

  g_object_unref (indicator);
  g_object_unref (page);
}

/* win.new-intake opens the intake; the case it opens shows in the window. */
static void
test_new_intake (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCase) before = NULL;
  HallIntakeDialog *dialog;
  HallCasePage *page;
  HallCaseListPage *list_page;
  SelectionWait wait;
  ListWait list_wait;

  show_window (fixture);
  list_page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-intake", NULL);
  spin ();
  g_assert_null ((HallIntakeDialog *) find_toplevel (HALL_TYPE_INTAKE_DIALOG));

  before = create_case (fixture, "Li Na");
  sign_in (fixture);
  list_wait = (ListWait) { list_page, 1, "list" };
  g_assert_true (wait_for (list_shows, &list_wait));
  gtk_selection_model_select_item (
    gtk_list_view_get_model (template_child (list_page, HALL_TYPE_CASE_LIST_PAGE, "list_view")),
    0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-intake", NULL);
  spin ();
  dialog = (HallIntakeDialog *) find_toplevel (HALL_TYPE_INTAKE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));

  kase = create_case (fixture, "Zhang Wei");
  g_signal_emit_by_name (dialog, "case-created", kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (hall_case_page_get_case (page) == kase);
  /* The list highlights the new case once its row is in, not the row
   * picked before. */
  wait = (SelectionWait) {
    gtk_list_view_get_model (template_child (list_page, HALL_TYPE_CASE_LIST_PAGE,
                                               "list_view")),
    kase };
  g_assert_true (wait_for (selection_is, &wait));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (wait.selection)), ==, 0);
  g_assert_true (hall_case_page_get_case (page) == kase);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
case_page_loaded (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);

  return !hall_case_page_get_loading (page) && hall_case_page_get_n_events (page) > 0;
}

/* A case opened after another shows from its top (its number and state),
 * not where the other was scrolled to. */
static void
test_case_page_scrolls_to_top (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr (HallCase) first = NULL;
  g_autoptr (HallCase) second = NULL;
  HallCasePage *page;
  GtkAdjustment *vadjustment;

  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 320);
  sign_in (fixture);
  first = create_case (fixture, "Zhang Wei");
  second = create_case (fixture, "Li Na");
  page = hall_test_window_case_page (fixture->window);
  vadjustment = gtk_scrolled_window_get_vadjustment (
    template_child (page, HALL_TYPE_CASE_PAGE, "case_scrolled_window"));

  hall_window_show_case (fixture->window, first);
  g_assert_true (wait_for (case_page_loaded, page));
  g_assert_true (wait_for (table_has_rows, vadjustment));
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);

  hall_window_show_case (fixture->window, second);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  g_assert_true (wait_for (case_page_loaded, page));
  spin ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
}

static gboolean
case_page_has_two_events (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);

  return !hall_case_page_get_loading (page) && hall_case_page_get_n_events (page) == 2;
}

static gboolean
sync_row_rejected (gpointer data)
{
  return gtk_widget_has_css_class (GTK_WIDGET (data), "error");
}

static void
test_case_page (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  AdwActionRow *sync_row;
  AdwMessageDialog *note_dialog;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCase) late = hall_case_new ();
  HallCasePage *page;
  GtkWidget *standalone;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  show_window (fixture);
  sign_in (fixture);
  kase = create_case (fixture, "Zhang Wei");

  hall_window_show_case (fixture->window, kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (hall_case_page_get_case (page) == kase);
  g_assert_true (wait_for (case_page_loaded, page));
  /* Taken in with every document still missing: the clock has not started
   * (补正), and the promise says so rather than counting down. */
  g_assert_cmpstr (hall_case_page_get_countdown_text (page), ==, "Paused");
  /* The ID number is never on screen in full. */
  g_assert_cmpstr (hall_case_page_get_document_text (page), ==, "1101**********002X");
  g_assert_cmpuint (hall_case_page_get_n_events (page), ==, 1);

  /* The server refuses the case for good: the page says so, with its reason,
   * on an error-styled row. */
  outbox = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    {
      HallOutboxItem *item = g_ptr_array_index (outbox, i);

      if (g_strcmp0 (item->entity, "case") == 0)
        hall_store_reject_outbox (fixture->store, item, 422, "service is closed today", &error);
      g_assert_no_error (error);
    }
  sync_row = template_child (page, HALL_TYPE_CASE_PAGE, "sync_row");
  g_assert_true (wait_for (sync_row_rejected, sync_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (sync_row), ==, "service is closed today");

  /* case.add-note asks for the note, saves it off the main loop and the
   * timeline shows it. */
  gtk_widget_activate_action (GTK_WIDGET (page), "case.add-note", NULL);
  spin ();
  note_dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (note_dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (note_dialog, "add"));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (note_dialog)),
                         "Will bring the lease tomorrow");
  g_assert_true (adw_message_dialog_get_response_enabled (note_dialog, "add"));
  adw_message_dialog_response (note_dialog, "add");
  g_assert_true (wait_for (case_page_has_two_events, page));

  /* A case past its promised time says by how much, from the HallCase alone. */
  standalone = g_object_ref_sink (hall_case_page_new ());
  hall_case_set_number (late, "YC-2026-C03-000009");
  hall_case_set_state (late, HALL_CASE_IN_REVIEW);
  hall_case_set_promised_at (late, now - (3600 + 12 * 60));
  hall_case_page_set_case (HALL_CASE_PAGE (standalone), late);
  g_assert_true (g_str_has_prefix (hall_case_page_get_countdown_text (HALL_CASE_PAGE (standalone)),
                                   "Overdue by 1 h 12 min"));
  g_object_unref (standalone);
}

static gboolean
phone_row_shows_correction (gpointer data)
{
  return g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (data)), "13987654321") == 0;
}

/* A returning applicant's phone is on the case page, and Correct asks for
 * the number, judges what is typed now, and saves it as an event of the
 * applicant's record for the server. */
static void
test_case_page_correct_phone (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallCase) kase = NULL;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  AdwActionRow *phone_row;
  HallCasePage *page;
  HallOutboxItem *last;
  guint queued;

  show_window (fixture);
  sign_in (fixture);
  kase = create_case (fixture, "Zhang Wei");
  queued = hall_store_count_outbox (fixture->store);

  hall_window_show_case (fixture->window, kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (wait_for (case_page_loaded, page));
  phone_row = template_child (page, HALL_TYPE_CASE_PAGE, "phone_row");
  g_assert_cmpstr (adw_action_row_get_subtitle (phone_row), ==, "13912345678");

  gtk_widget_activate_action (GTK_WIDGET (page), "case.correct-phone", NULL);
  spin ();
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "13912345678");
  /* The number it has already is no correction. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "correct"));
  gtk_editable_set_text (entry, "1398765432");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "correct"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "11"));
  gtk_editable_set_text (entry, "139 8765 4321");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "correct"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  adw_message_dialog_response (dialog, "correct");
  g_assert_true (wait_for (phone_row_shows_correction, phone_row));

  applicant = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (kase),
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_phone (applicant), ==, "13987654321");
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), ==, queued + 1);
  outbox = hall_store_peek_outbox (fixture->store, 100, &error);
  g_assert_no_error (error);
  last = g_ptr_array_index (outbox, outbox->len - 1);
  g_assert_cmpstr (last->method, ==, "POST");
  g_assert_true (g_str_has_suffix (last->path, "/phone"));
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

typedef struct
{
  HallCaseListPage *page;
  const char       *uuid;
} PromisedWait;

static gboolean
promised_shown (gpointer data)
{
  PromisedWait *wait = data;
  g_autofree char *text = hall_case_list_page_dup_promised_text (wait->page, wait->uuid);

  return text != NULL;
}

/* The list's countdowns tick as the case page's do. The list's clock is
 * moved by the test, not waited for: the cell says what the clock says at
 * each tick, and past the promise it says by how much, in red. */
static void
test_list_countdown (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  g_autofree char *first = NULL;
  g_autofree char *minute_later = NULL;
  g_autofree char *late = NULL;
  g_autofree char *expected = NULL;
  HallCaseListPage *page;
  ListWait wait;
  PromisedWait shown;
  gboolean overdue = FALSE;
  gint64 promised;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);
  kase = create_case_full (fixture, "Zhang Wei", TRUE);
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  shown = (PromisedWait) { page, hall_case_get_uuid (kase) };
  g_assert_true (wait_for (promised_shown, &shown));
  promised = hall_case_get_promised_at (kase);
  g_assert_cmpint (promised, >, 0);

  hall_case_list_page_set_clock (page, promised - 3600 - 5 * 60);
  hall_case_list_page_tick (page);
  first = hall_case_list_page_dup_promised_text (page, shown.uuid);
  expected = hall_format_countdown (promised, promised - 3600 - 5 * 60, FALSE, NULL);
  g_assert_cmpstr (first, ==, expected);
  g_clear_pointer (&expected, g_free);

  hall_case_list_page_set_clock (page, promised - 3600 - 4 * 60);
  hall_case_list_page_tick (page);
  minute_later = hall_case_list_page_dup_promised_text (page, shown.uuid);
  expected = hall_format_countdown (promised, promised - 3600 - 4 * 60, FALSE, NULL);
  g_assert_cmpstr (minute_later, ==, expected);
  g_assert_cmpstr (minute_later, !=, first);
  g_clear_pointer (&expected, g_free);

  hall_case_list_page_set_clock (page, promised + 12 * 60);
  hall_case_list_page_tick (page);
  late = hall_case_list_page_dup_promised_text (page, shown.uuid);
  expected = hall_format_countdown (promised, promised + 12 * 60, FALSE, &overdue);
  g_assert_true (overdue);
  g_assert_cmpstr (late, ==, expected);
  hall_case_list_page_set_clock (page, 0);
}

/* The countdown ticks only while a page is on screen, and its timeout
 * goes with the page: a destroyed window leaves no source behind that
 * would wake the loop, or worse, touch a freed page. */
static void
test_case_page_countdown_source (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "Zhang Wei");
  gpointer page;

  show_window (fixture);
  sign_in (fixture);
  hall_window_show_case (fixture->window, kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (wait_for (case_page_loaded, page));
  g_assert_true (wait_for (widget_mapped, page));
  g_assert_nonnull (g_main_context_find_source_by_funcs_user_data (NULL, &g_timeout_funcs, page));

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  spin ();
  g_assert_null (g_main_context_find_source_by_funcs_user_data (NULL, &g_timeout_funcs, page));
}

/* The button bound to @action_name under @widget, or NULL. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
conflict_shown (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);

  return !hall_case_page_get_loading (page) &&
         gtk_widget_get_visible (template_child (page, HALL_TYPE_CASE_PAGE, "conflict_group"));
}

static gboolean
conflict_gone (gpointer data)
{
  return !hall_case_page_get_loading (HALL_CASE_PAGE (data)) && !conflict_shown (data) &&
         hall_case_page_get_n_events (HALL_CASE_PAGE (data)) == 2;
}

/* The applicant's phone was changed here and on the server: the case page
 * shows the field with both values, and "take the server's" decides it. */
static void
test_case_page_conflict (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (HallApplicant) after = NULL;
  g_autoptr (JsonNode) server = NULL;
  g_autofree char *server_json = NULL;
  GtkWidget *keep;
  GtkWidget *take;
  HallCasePage *page;
  const char *text;

  show_window (fixture);
  sign_in (fixture);
  kase = create_case (fixture, "Zhang Wei");
  outbox = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    g_assert_true (hall_store_ack_outbox (fixture->store, outbox->pdata[i], 1, &error));
  g_clear_pointer (&outbox, g_ptr_array_unref);

  hall_window_show_case (fixture->window, kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (wait_for (case_page_loaded, page));
  g_assert_false (gtk_widget_get_visible (template_child (page, HALL_TYPE_CASE_PAGE,
                                                          "conflict_group")));
  keep = find_action_button (GTK_WIDGET (page), "case.keep-mine");
  take = find_action_button (GTK_WIDGET (page), "case.take-theirs");
  g_assert_nonnull (keep);
  g_assert_nonnull (take);
  g_assert_false (gtk_widget_is_sensitive (take));
  g_assert_cmpstr (hall_case_page_get_conflict_text (page), ==, "");

  /* This counter changes the phone; the server had another change first. */
  applicant = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (kase),
                                        &error);
  g_assert_no_error (error);
  server = hall_applicant_to_json (applicant);
  json_object_set_string_member (json_node_get_object (server), "phone", "13700000000");
  json_object_set_int_member (json_node_get_object (server), "version", 2);
  server_json = json_to_string (server, FALSE);
  hall_applicant_set_phone (applicant, "13900000001");
  g_assert_true (hall_store_save_applicant (fixture->store, applicant, &error));
  outbox = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_true (hall_store_record_conflict (fixture->store, outbox->pdata[0], server_json,
                                             &error));
  g_assert_no_error (error);

  g_assert_true (wait_for (conflict_shown, page));
  text = hall_case_page_get_conflict_text (page);
  g_assert_cmpstr (text, ==, "Applicant · Phone\nThis counter: 13900000001\nServer: 13700000000");
  g_assert_true (gtk_widget_is_sensitive (keep));
  g_assert_true (gtk_widget_is_sensitive (take));

  /* Decided off the main loop; the page reads the case again. */
  g_signal_emit_by_name (take, "clicked");
  g_assert_true (wait_for (conflict_gone, page));
  g_assert_false (gtk_widget_is_sensitive (take));
  g_assert_cmpstr (hall_case_page_get_conflict_text (page), ==, "");

  after = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (kase), &error);
  g_assert_cmpstr (hall_applicant_get_phone (after), ==, "13700000000");
  g_assert_cmpint (hall_applicant_get_version (after), ==, 2);
  conflicts = hall_store_list_conflicts (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 0);
}

static gboolean
duplicate_shown (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);

  return !hall_case_page_get_loading (page) &&
         gtk_widget_get_visible (template_child (page, HALL_TYPE_CASE_PAGE, "duplicate_group"));
}

static gboolean
duplicate_merged (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);
  AdwPreferencesRow *applicant_row = template_child (page, HALL_TYPE_CASE_PAGE, "applicant_row");

  return !hall_case_page_get_loading (page) && !duplicate_shown (data)
         && g_strcmp0 (adw_preferences_row_get_title (applicant_row), "Zhang Wei (first)") == 0;
}

/* Another counter registered the same person first: the case page shows
 * both records, the one registered first kept, and merging moves the case
 * to it. */
static void
test_case_page_duplicate (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) outbox = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCase) moved = NULL;
  g_autoptr (HallApplicant) first = NULL;
  g_autoptr (JsonNode) server = NULL;
  g_autofree char *server_json = NULL;
  GtkWidget *merge;
  HallCasePage *page;
  const char *text;

  show_window (fixture);
  sign_in (fixture);
  kase = create_case (fixture, "Zhang Wei");
  first = hall_applicant_new_person ("Zhang Wei (first)", HALL_ID_TYPE_RESIDENT_ID, ID_NUMBER,
                                     "13700000000");
  hall_applicant_set_version (first, 1);
  server = hall_applicant_to_json (first);
  server_json = json_to_string (server, FALSE);

  hall_window_show_case (fixture->window, kase);
  page = hall_test_window_case_page (fixture->window);
  g_assert_true (wait_for (case_page_loaded, page));
  merge = find_action_button (GTK_WIDGET (page), "case.merge-applicant");
  g_assert_nonnull (merge);
  g_assert_false (gtk_widget_is_sensitive (merge));

  outbox = hall_store_peek_outbox (fixture->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((HallOutboxItem *) outbox->pdata[0])->entity, ==, "applicant");
  g_assert_true (hall_store_record_duplicate (fixture->store, outbox->pdata[0], server_json,
                                              &error));
  g_assert_no_error (error);

  g_assert_true (wait_for (duplicate_shown, page));
  g_assert_false (gtk_widget_get_visible (template_child (page, HALL_TYPE_CASE_PAGE,
                                                          "conflict_group")));
  text = hall_case_page_get_conflict_text (page);
  g_assert_cmpstr (text, ==,
                   "Registered first, kept\n"
                   "Zhang Wei (first) · Resident identity card · 1101**********002X · 13700000000\n\n"
                   "This counter’s record, merged into it\n"
                   "Zhang Wei · Resident identity card · 1101**********002X · 13912345678");
  g_assert_true (gtk_widget_is_sensitive (merge));
  g_assert_false (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (page),
                                                               "case.keep-mine")));

  g_signal_emit_by_name (merge, "clicked");
  g_assert_true (wait_for (duplicate_merged, page));
  g_assert_cmpstr (hall_case_page_get_conflict_text (page), ==, "");
  moved = hall_store_get_case (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_applicant_uuid (moved), ==, hall_applicant_get_uuid (first));
}

/* A case pulled from another counter comes with its service's id only: the
 * store does not pass the id off as a name, and the case page names the
 * service from the catalog. */
static void
test_pulled_case_service (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *app = "11111111-2222-4333-8444-555555555555";
  const char *case_uuid = "22222222-3333-4444-8555-666666666666";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) changes = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autofree char *json = NULL;
  AdwPreferencesRow *service_row;
  GtkWidget *page;

  json = g_strdup_printf (
    "[{\"entity\": \"applicant\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"kind\": \"person\", \"name\": \"Ouyang Nana\","
    "   \"id_type\": \"resident_id\", \"id_number\": \"%s\", \"version\": 1}},"
    " {\"entity\": \"case\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"number\": \"YC-2026-C07-000009\","
    "   \"service\": \"individual_business_license\", \"applicant\": \"%s\","
    "   \"state\": \"received\", \"counter\": \"C07\", \"version\": 1}}]",
    app, app, ID_NUMBER, case_uuid, case_uuid, app);
  changes = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_apply_changes (fixture->store, json_node_get_array (changes), NULL, "2",
                                           &error));
  g_assert_no_error (error);
  kase = hall_store_get_case (fixture->store, case_uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_case_get_service_name (kase), ==, "");

  page = g_object_ref_sink (hall_case_page_new ());
  service_row = template_child (page, HALL_TYPE_CASE_PAGE, "service_row");
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), fixture->catalog);
  hall_case_page_set_case (HALL_CASE_PAGE (page), kase);
  g_assert_cmpstr (adw_preferences_row_get_title (service_row), ==,
                   hall_service_get_name (hall_catalog_lookup (fixture->catalog,
                                                               "individual_business_license")));

  /* Without a catalog, the id is all there is to show. */
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), NULL);
  hall_case_page_set_case (HALL_CASE_PAGE (page), NULL);
  hall_case_page_set_case (HALL_CASE_PAGE (page), kase);
  g_assert_cmpstr (adw_preferences_row_get_title (service_row), ==, "individual_business_license");
  g_object_unref (page);
}

/* 2026-11-27T08:00:00Z: the counter's clock when C07 took the case in. */
#define CLAIMED_AT G_GINT64_CONSTANT (1795766400)

/* The counter's claim and the server's record, each shown as what it is:
 * the server's only once it has said it, and a difference said plainly. */
static void
test_case_page_record (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *app = "11111111-2222-4333-8444-555555555555";
  const char *case_uuid = "22222222-3333-4444-8555-666666666666";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) changes = NULL;
  g_autoptr (HallCase) pulled = NULL;
  g_autoptr (HallCase) local = NULL;
  g_autofree char *json = NULL;
  g_autofree char *taken = hall_format_timestamp (CLAIMED_AT);
  g_autofree char *recorded = hall_format_timestamp (CLAIMED_AT + 42 * 60);
  g_autofree char *noted = hall_format_timestamp (CLAIMED_AT + 40 * 60);
  g_autofree char *note_recorded = hall_format_timestamp (CLAIMED_AT + 41 * 60);
  g_autofree char *expected = NULL;
  AdwActionRow *created_row;
  AdwActionRow *recorded_row;
  GtkWidget *page;

  json = g_strdup_printf (
    "[{\"entity\": \"applicant\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"kind\": \"person\", \"name\": \"Ouyang Nana\","
    "   \"id_type\": \"resident_id\", \"id_number\": \"%s\", \"version\": 1}},"
    " {\"entity\": \"case\", \"uuid\": \"%s\", \"version\": 1, \"data\":"
    "  {\"uuid\": \"%s\", \"number\": \"YC-2026-C07-000009\","
    "   \"service\": \"individual_business_license\", \"applicant\": \"%s\","
    "   \"state\": \"received\", \"counter\": \"C07\", \"official\": \"wang.fang\","
    "   \"created_at\": \"2026-11-27T08:00:00Z\", \"recorded_by\": \"li.na\","
    "   \"recorded_at\": \"2026-11-27T08:42:00Z\", \"version\": 1}},"
    " {\"entity\": \"event\", \"uuid\": \"33333333-4444-4555-8666-777777777777\", \"version\": 1,"
    "  \"data\": {\"uuid\": \"33333333-4444-4555-8666-777777777777\", \"case\": \"%s\","
    "   \"kind\": \"created\", \"official\": \"wang.fang\", \"at\": \"2026-11-27T08:00:00Z\","
    "   \"recorded_by\": \"li.na\", \"recorded_at\": \"2026-11-27T08:42:00Z\"}},"
    " {\"entity\": \"event\", \"uuid\": \"44444444-4444-4555-8666-777777777777\", \"version\": 1,"
    "  \"data\": {\"uuid\": \"44444444-4444-4555-8666-777777777777\", \"case\": \"%s\","
    "   \"kind\": \"note\", \"note\": \"Lease seen\", \"official\": \"li.na\","
    "   \"at\": \"2026-11-27T08:40:00Z\", \"recorded_by\": \"li.na\","
    "   \"recorded_at\": \"2026-11-27T08:41:00Z\"}}]",
    app, app, ID_NUMBER, case_uuid, case_uuid, app, case_uuid, case_uuid);
  changes = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_apply_changes (fixture->store, json_node_get_array (changes), NULL, "4",
                                           &error));
  g_assert_no_error (error);
  pulled = hall_store_get_case (fixture->store, case_uuid, &error);
  g_assert_no_error (error);

  page = g_object_ref_sink (hall_case_page_new ());
  created_row = template_child (page, HALL_TYPE_CASE_PAGE, "created_row");
  recorded_row = template_child (page, HALL_TYPE_CASE_PAGE, "recorded_row");
  hall_case_page_set_store (HALL_CASE_PAGE (page), fixture->store);
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), fixture->catalog);
  hall_case_page_set_case (HALL_CASE_PAGE (page), pulled);
  g_assert_true (wait_for (case_page_has_two_events, page));

  expected = g_strdup_printf ("%s by wang.fang (counter’s clock)", taken);
  g_assert_cmpstr (adw_action_row_get_subtitle (created_row), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("li.na, %s (server’s clock)", recorded);
  g_assert_cmpstr (adw_action_row_get_subtitle (recorded_row), ==, expected);
  g_free (expected);
  /* The case came in under li.na's sign-in, not wang.fang's: said so. A
   * note sent within the minute agrees with its claim. */
  expected = g_strdup_printf ("Case opened\n%s by wang.fang (counter’s clock)\n"
                              "The server recorded this from li.na at %s, not from wang.fang\n\n"
                              "Lease seen\nNote · %s by li.na (counter’s clock)\n"
                              "The server recorded this from li.na at %s",
                              taken, recorded, noted, note_recorded);
  g_assert_cmpstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)), ==, expected);
  g_free (expected);

  /* Taken in here and not yet at the server: its claim, nothing in the
   * server's name. */
  local = create_case (fixture, "Zhang Wei");
  hall_case_page_set_case (HALL_CASE_PAGE (page), local);
  g_assert_true (wait_for (case_page_loaded, page));
  g_free (taken);
  taken = hall_format_timestamp (hall_case_get_created_at (local));
  expected = g_strdup_printf ("%s by " OFFICIAL " (counter’s clock)", taken);
  g_assert_cmpstr (adw_action_row_get_subtitle (created_row), ==, expected);
  g_free (expected);
  g_assert_cmpstr (adw_action_row_get_subtitle (recorded_row), ==, "Not yet");
  expected = g_strdup_printf ("Case opened\n%s by " OFFICIAL " (counter’s clock)", taken);
  g_assert_cmpstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)), ==, expected);
  g_object_unref (page);
}

static gboolean
focus_on_screen (gpointer data)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (data));

  return focus != NULL && gtk_widget_get_mapped (focus);
}

static gboolean
focus_in (gpointer data)
{
  GtkRoot *root = gtk_widget_get_root (data);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == data || gtk_widget_is_ancestor (focus, data));
}

/* Right after signing in the keys go somewhere on screen, so Ctrl+N and
 * typing work before anything is clicked: to the empty list's New Intake,
 * or into the table of cases. */
static void
test_focus_after_sign_in (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  GtkWidget *table;
  GtkWidget *focus;

  show_window (fixture);
  sign_in (fixture);
  g_assert_true (wait_for (focus_on_screen, fixture->window));
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (GTK_IS_BUTTON (focus));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (focus)), ==, "win.new-intake");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  kase = create_case (fixture, "Zhang Wei");
  sign_in (fixture);
  /* The cases are counted on a worker: the list may show as empty for a
   * moment, and the focus follows when it fills. */
  table = template_child (template_child (fixture->window, HALL_TYPE_WINDOW, "list_page"),
                          HALL_TYPE_CASE_LIST_PAGE, "list_view");
  g_assert_true (wait_for (focus_in, table));
  g_assert_true (focus_on_screen (fixture->window));
}

/* The wrong password has been checked (Argon2 takes a moment). */
static gboolean
lock_settled (gpointer data)
{
  HallLockPage *page = data;

  return hall_lock_page_get_error (page) != NULL
         && strstr (hall_lock_page_get_error (page), "Wrong password") != NULL;
}

static gboolean
unlocked (gpointer data)
{
  return !hall_window_get_locked (HALL_WINDOW (data));
}

/* A break: the counter is locked with the case still open under it; a
 * wrong or empty password keeps it locked, the official's own unlocks it
 * to the same case. */
static void
test_lock (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  HallCasePage *case_page;
  HallLockPage *lock_page;
  GtkStack *stack;

  kase = create_case (fixture, "Zhang Wei");
  show_window (fixture);
  sign_in (fixture);
  hall_window_show_case (fixture->window, kase);
  case_page = hall_test_window_case_page (fixture->window);
  lock_page = hall_test_window_stack_page (fixture->window, "locked");
  stack = template_child (fixture->window, HALL_TYPE_WINDOW, "stack");
  g_assert_true (hall_case_page_get_case (case_page) == kase);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  g_assert_true (hall_window_get_locked (fixture->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "locked");
  /* Nothing works under the lock, not even a new intake or signing out. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-intake", NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin ();
  g_assert_false (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                          "new_intake_button")));
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

        g_assert_false (HALL_IS_INTAKE_DIALOG (window));
      }
  }
  g_assert_true (hall_window_get_signed_in (fixture->window));
  g_assert_true (hall_window_get_locked (fixture->window));

  /* Empty, then wrong: still locked, said at the field. */
  gtk_widget_activate_action (GTK_WIDGET (lock_page), "lock.unlock", NULL);
  g_assert_nonnull (strstr (hall_lock_page_get_error (lock_page), "Enter your password"));
  gtk_editable_set_text (hall_lock_page_get_password (lock_page), "not the password");
  gtk_widget_activate_action (GTK_WIDGET (lock_page), "lock.unlock", NULL);
  g_assert_true (wait_for (lock_settled, lock_page));
  g_assert_nonnull (strstr (hall_lock_page_get_error (lock_page), "Wrong password"));
  g_assert_true (hall_window_get_locked (fixture->window));
  g_assert_cmpstr (gtk_editable_get_text (hall_lock_page_get_password (lock_page)), ==, "");

  gtk_editable_set_text (hall_lock_page_get_password (lock_page), PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (lock_page), "lock.unlock", NULL);
  g_assert_true (wait_for (unlocked, fixture->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");

  /* Locked from an intake half done: the dialog hides under the lock and
   * comes back with what was typed. */
  {
    GtkWindow *intake;
    GtkEditable *search;

    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-intake", NULL);
    spin ();
    intake = find_toplevel (HALL_TYPE_INTAKE_DIALOG);
    g_assert_nonnull (intake);
    search = _hall_intake_dialog_get_search_entry (HALL_INTAKE_DIALOG (intake));
    gtk_editable_set_text (search, "营业执照");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (intake), "intake.lock", NULL));
    g_assert_true (hall_window_get_locked (fixture->window));
    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (intake)));
    gtk_editable_set_text (hall_lock_page_get_password (lock_page), PASSWORD);
    gtk_widget_activate_action (GTK_WIDGET (lock_page), "lock.unlock", NULL);
    g_assert_true (wait_for (unlocked, fixture->window));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (intake)));
    g_assert_cmpstr (gtk_editable_get_text (search), ==, "营业执照");
    gtk_window_destroy (intake);
  }
  /* Nothing lost: the same case, still signed in, intake works again. */
  g_assert_cmpstr (hall_case_get_uuid (hall_case_page_get_case (case_page)), ==,
                   hall_case_get_uuid (kase));
  g_assert_true (hall_window_get_signed_in (fixture->window));
  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                         "new_intake_button")));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (fixture->window)));
}

static gboolean
summary_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_query_exists (G_FILE (data), NULL);
}

static GtkWidget *
find_print_dialog (void)
{
  g_autoptr (GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (window), "GtkPrintUnixDialog")
          && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
print_dialog_shown (gpointer data)
{
  return find_print_dialog () != NULL;
}

static gboolean
print_dialog_gone (gpointer data)
{
  return find_print_dialog () == NULL;
}

/* End of day: the counter's numbers in a dialog, saved as a page to the
 * documents folder, or printed. */
static void
test_day_summary (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("day-summary-C07-%s.pdf", date);
  g_autoptr (GFile) folder = hall_receipt_printer_get_pdf_folder ();
  g_autoptr (GFile) file = g_file_get_child (folder, name);
  AdwMessageDialog *dialog;
  GtkDialog *print_dialog;

  show_window (fixture);
  sign_in (fixture);
  kase = create_case (fixture, "Zhang Wei");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.day-summary",
                                             NULL));
  g_assert_true (wait_for (summary_shown, NULL));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "End-of-Day Summary");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Cases opened\t1\n"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "Waiting for the applicant (documents missing or returned)\t1"));
  adw_message_dialog_response (dialog, "save");
  g_assert_true (wait_for (file_exists, file));

  /* Printed as a page too, through the print dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.day-summary",
                                             NULL));
  g_assert_true (wait_for (summary_shown, NULL));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (adw_message_dialog_has_response (dialog, "print"));
  adw_message_dialog_response (dialog, "print");
  g_assert_true (wait_for (print_dialog_shown, NULL));
  print_dialog = GTK_DIALOG (find_print_dialog ());
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (print_dialog)), !=, NULL);
  gtk_dialog_response (print_dialog, GTK_RESPONSE_CANCEL);
  g_assert_true (wait_for (print_dialog_gone, NULL));
}

/* A business gets a building, a person a person. */
static void
test_case_page_kind_icon (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) business =
    hall_applicant_new_business ("宁夏示例科技有限公司", "91350100M000100Y43", "李四");
  g_autoptr (HallCase) person_case = NULL;
  g_autoptr (HallCase) business_case = hall_case_new ();
  HallService *service = hall_catalog_lookup (fixture->catalog, "individual_business_license");
  HallCasePage *page;

  show_window (fixture);
  sign_in (fixture);
  person_case = create_case (fixture, "Zhang Wei");
  hall_case_set_official (business_case, OFFICIAL);
  g_assert_true (hall_store_create_case (fixture->store, business, service, business_case,
                                         &error));
  g_assert_no_error (error);
  page = hall_test_window_case_page (fixture->window);

  hall_window_show_case (fixture->window, person_case);
  g_assert_true (wait_for (case_page_loaded, page));
  g_assert_cmpstr (hall_case_page_get_applicant_icon_name (page), ==, "avatar-default-symbolic");
  hall_window_show_case (fixture->window, business_case);
  g_assert_true (wait_for (case_page_loaded, page));
  g_assert_cmpstr (hall_case_page_get_applicant_icon_name (page), ==, "hall-business-symbolic");
  /* The icon is one the app ships, where GtkApplication looks for its
   * icons (its resource base path, which a test has no application for). */
  {
    GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

    gtk_icon_theme_add_resource_path (theme, "/org/servicehall/Counter/icons");
    g_assert_true (gtk_icon_theme_has_icon (theme, "hall-business-symbolic"));
  }
}

/* The title names the hall as its catalog does, unless the setting gives
 * another name. */
static void
test_title (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  AdwWindowTitle *title;

  show_window (fixture);
  title = template_child (fixture->window, HALL_TYPE_WINDOW, "window_title");
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Yinchuan Citizens Hall");

  /* The window itself, as window lists and other programs see it, is the
   * app, whatever hall the header names. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Service Hall");

  g_settings_set_string (settings, "hall-name", "Xixia District Service Hall");
  spin ();
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Xixia District Service Hall");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "Service Hall");
  g_settings_set_string (settings, "hall-name", "");
  spin ();
  g_assert_cmpstr (adw_window_title_get_title (title), ==, "Yinchuan Citizens Hall");
}

/* In Chinese, the catalog's Chinese name. The language is chosen once per
 * process, hence a process of its own. */
static void
test_title_chinese (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (HallCatalog) catalog = NULL;
      g_autoptr (HallStore) store = NULL;
      HallWindow *window;

      g_setenv ("LANGUAGE", "zh_CN", TRUE);
      catalog = hall_catalog_new_default (&error);
      g_assert_no_error (error);
      store = open_store ();
      window = hall_window_new (NULL, store, catalog, NULL, FALSE);
      g_assert_cmpstr (adw_window_title_get_title (template_child (window, HALL_TYPE_WINDOW,
                                                                   "window_title")),
                       ==, "银川市民大厅");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The window comes back at the size it was closed at. */
static void
test_window_size (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  int width, height;

  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 640);
  spin ();
  gtk_window_close (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 640);

  show_window (fixture);
  gtk_window_get_default_size (GTK_WINDOW (fixture->window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
}

typedef struct
{
  HallCaseListPage *page;
  guint             n_items;
  const char       *view;
  const char       *count;
} FilterWait;

static gboolean
filter_shows (gpointer data)
{
  FilterWait *wait = data;
  ListWait list = { wait->page, wait->n_items, wait->view };
  GtkLabel *count = template_child (wait->page, HALL_TYPE_CASE_LIST_PAGE, "count_label");
  GListModel *model = hall_case_list_page_get_model (wait->page);

  return list_shows (&list) && !hall_case_list_model_get_searching (HALL_CASE_LIST_MODEL (model))
         && g_strcmp0 (gtk_label_get_label (count), wait->count) == 0;
}

static GtkCheckButton *
state_check (HallCaseListPage *page,
             HallCaseState     state)
{
  GtkWidget *box = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "state_box");
  GtkWidget *child = gtk_widget_get_first_child (box);

  for (guint i = 0; i < state && child != NULL; i++)
    child = gtk_widget_get_next_sibling (child);
  g_assert_nonnull (child);
  g_assert_cmpstr (gtk_check_button_get_label (GTK_CHECK_BUTTON (child)), ==,
                   hall_case_state_get_label (state));
  return GTK_CHECK_BUTTON (child);
}

static void
move_case (Fixture       *fixture,
           HallCase      *kase,
           HallCaseState  state)
{
  g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                         HALL_CASE_EVENT_STATE);
  g_autoptr (GError) error = NULL;

  hall_case_event_set_new_state (event, state);
  g_assert_true (hall_store_add_case_event (fixture->store, event, &error));
  g_assert_no_error (error);
}

typedef struct
{
  HallCaseListPage *page;
  const char       *uuid;
  const char       *text;
} PromisedTextWait;

static gboolean
promised_text_is (gpointer data)
{
  PromisedTextWait *wait = data;
  g_autofree char *text = hall_case_list_page_dup_promised_text (wait->page, wait->uuid);

  return g_strcmp0 (text, wait->text) == 0;
}

/* A case returned to the applicant waits on them: its clock stands, and
 * the list says "Paused", as the case page does and the "Overdue" filter
 * has it, not that it is overdue; back in review it counts down again. */
static void
test_list_paused (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCase) missing = NULL;
  g_autofree char *overdue_text = NULL;
  HallCaseListPage *page;
  ListWait wait;
  PromisedTextWait shown;
  gboolean overdue = FALSE;
  gint64 late;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);
  kase = create_case_full (fixture, "Zhang Wei", TRUE);
  /* Taken in with documents still to bring: its clock has not started. */
  missing = create_case (fixture, "Li Na");
  wait = (ListWait) { page, 2, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_false (hall_case_is_paused (kase));
  g_assert_true (hall_case_is_paused (missing));
  shown = (PromisedTextWait) { page, hall_case_get_uuid (missing), "Paused" };
  g_assert_true (wait_for (promised_text_is, &shown));

  late = hall_case_get_promised_at (kase) + 12 * 60;
  overdue_text = hall_format_countdown (hall_case_get_promised_at (kase), late, FALSE, &overdue);
  g_assert_true (overdue);
  hall_case_list_page_set_clock (page, late);
  hall_case_list_page_tick (page);
  shown = (PromisedTextWait) { page, hall_case_get_uuid (kase), overdue_text };
  g_assert_true (wait_for (promised_text_is, &shown));

  move_case (fixture, kase, HALL_CASE_RETURNED);
  shown.text = "Paused";
  g_assert_true (wait_for (promised_text_is, &shown));
  move_case (fixture, kase, HALL_CASE_IN_REVIEW);
  shown.text = overdue_text;
  g_assert_true (wait_for (promised_text_is, &shown));
  hall_case_list_page_set_clock (page, 0);
}

typedef struct
{
  HallCaseListPage *page;
  HallCase         *order[3];
} OrderWait;

static gboolean
list_order_is (gpointer data)
{
  OrderWait *wait = data;
  GListModel *model = hall_case_list_page_get_model (wait->page);

  if (model == NULL || g_list_model_get_n_items (model) != G_N_ELEMENTS (wait->order))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (wait->order); i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (model, i);

      if (hall_case_list_model_is_placeholder (kase)
          || g_strcmp0 (hall_case_get_uuid (kase), hall_case_get_uuid (wait->order[i])) != 0)
        return FALSE;
    }
  return TRUE;
}

static char *
page_sort (HallCaseListPage *page)
{
  char *sort = NULL;

  g_object_get (page, "sort", &sort, NULL);
  return sort;
}

/* The table's row widgets, in their order on screen. */
static void
collect_case_rows (GtkWidget *widget,
                   GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (HALL_IS_CASE_ROW (child))
      g_ptr_array_add (rows, child);
    else
      collect_case_rows (child, rows);
}

/* Every row of the table shows its case's number: none blank, none
 * another case's. */
static gboolean
table_shows_all (gpointer data)
{
  HallCaseListPage *page = data;
  GListModel *model = hall_case_list_page_get_model (page);
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  guint n;

  if (model == NULL)
    return FALSE;
  n = g_list_model_get_n_items (model);
  collect_case_rows (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "list_view"), rows);
  /* At the top of the list: the rows from the first on (GTK 4.8 builds
   * some 200). */
  if (rows->len != MIN (n, 200) && rows->len != n)
    {
      if (rows->len < MIN (n, 190) || rows->len > n)
        return FALSE;
      n = rows->len;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (model, i);

      if (hall_case_list_model_is_placeholder (kase)
          || g_strcmp0 (hall_case_row_get_text (rows->pdata[i], 0), hall_case_get_number (kase)) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Rows of the table that show nothing now. */
static guint
blank_rows (HallCaseListPage *page)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  guint blank = 0;

  collect_case_rows (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "list_view"), rows);
  for (guint i = 0; i < rows->len; i++)
    if (hall_case_row_get_text (rows->pdata[i], 0) == NULL)
      blank++;
  return blank;
}

static gboolean
has_blank_rows (gpointer data)
{
  return blank_rows (data) > 0;
}

static void
assert_table_shows_all (HallCaseListPage *page)
{
  GListModel *model = hall_case_list_page_get_model (page);
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  guint blank = 0, wrong = 0;

  if (wait_for (table_shows_all, page))
    return;
  collect_case_rows (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "list_view"), rows);
  for (guint i = 0; i < MIN (rows->len, g_list_model_get_n_items (model)); i++)
    {
      g_autoptr (HallCase) kase = g_list_model_get_item (model, i);
      const char *text = hall_case_row_get_text (rows->pdata[i], 0);

      if (text == NULL)
        blank++;
      else if (g_strcmp0 (text, hall_case_get_number (kase)) != 0)
        wrong++;
    }
  g_error ("%u items, %u rows: %u blank, %u showing another case", g_list_model_get_n_items (model),
           rows->len, blank, wrong);
}

static void
sort_now (HallCaseListPage *page,
          const char       *sort)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "list.sort", "s", sort));
}

static gboolean
model_sorted_newest (gpointer data)
{
  GListModel *model = hall_case_list_page_get_model (data);

  return hall_case_list_model_get_sort (HALL_CASE_LIST_MODEL (model)) == HALL_CASE_SORT_NEWEST;
}

/* Rows waiting their turn when the official signs out, and when the
 * window goes: nothing is shown into rows that are gone. */
static void
test_list_rows_gone_while_waiting (Fixture       *fixture,
                                   gconstpointer  data)
{
  HallCaseListPage *page;
  ListWait wait;

  for (guint i = 0; i < 60; i++)
    g_object_unref (create_case (fixture, "Zhang Wei"));
  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);
  wait = (ListWait) { page, 60, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  assert_table_shows_all (page);

  sort_now (page, "oldest");
  g_test_message ("blank before sign-out: %u", blank_rows (page));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin_for (200);
  sign_in (fixture);
  g_assert_true (wait_for (list_shows, &wait));
  assert_table_shows_all (page);

  sort_now (page, "oldest");
  g_test_message ("blank before destroy: %u", blank_rows (page));
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  spin_for (300);
}

typedef struct
{
  HallCaseListPage *page;
  GtkWidget        *viewport;
  GString          *log;
  guint             frames;
  guint             last_blank_frame; /* the last frame painted with a row in view blank */
  guint             in_view;
} PaintLog;

/* At each frame painted: which rows in view show their case (#), and
 * which nothing (.). */
static void
log_paint_cb (GdkFrameClock *clock,
              PaintLog      *log)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  int height = gtk_widget_get_height (log->viewport);
  gboolean any_blank = FALSE;

  log->frames++;
  collect_case_rows (template_child (log->page, HALL_TYPE_CASE_LIST_PAGE, "list_view"), rows);
  g_string_append_printf (log->log, "\n  frame %2u: ", log->frames);
  log->in_view = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      graphene_rect_t bounds;

      if (!gtk_widget_compute_bounds (rows->pdata[i], log->viewport, &bounds)
          || bounds.origin.y + bounds.size.height <= 0 || bounds.origin.y >= height)
        continue;
      log->in_view++;
      if (hall_case_row_get_text (rows->pdata[i], 0) == NULL)
        {
          any_blank = TRUE;
          g_string_append_c (log->log, '.');
        }
      else
        g_string_append_c (log->log, '#');
    }
  if (any_blank)
    log->last_blank_frame = log->frames;
}

/* A new order at the top of a long list: the rows in view are shown
 * within a few frames; the rows out of view (GTK 4.8 binds some 200) do
 * not hold them up. */
static void
test_list_rows_in_view_first (Fixture       *fixture,
                              gconstpointer  data)
{
  HallCaseListPage *page;
  GdkFrameClock *clock;
  PaintLog log = { 0 };
  ListWait wait;
  gulong id;

  for (guint i = 0; i < 260; i++)
    g_object_unref (create_case (fixture, "Zhang Wei"));
  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 600);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  sign_in (fixture);
  wait = (ListWait) { page, 260, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  assert_table_shows_all (page);
  spin_for (300);

  log = (PaintLog) { page, template_child (page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"),
                     g_string_new (NULL), 0, 0, 0 };
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (log_paint_cb), &log);
  sort_now (page, "oldest");
  g_assert_true (wait_for (table_shows_all, page));
  spin_for (200);
  g_signal_handler_disconnect (clock, id);
  g_test_message ("rows in view, frame by frame after the sort:%s", log.log->str);
  g_test_message ("%u rows in view; the last painted with one blank: frame %u of %u",
                  log.in_view, log.last_blank_frame, log.frames);
  /* Ten a frame: a view of this size (some 15 rows) is whole by the
   * frame after its page was read, give or take two. */
  g_assert_cmpuint (log.last_blank_frame, <=, 6);
  g_string_free (log.log, TRUE);
}

static gboolean
view_filled (gpointer data)
{
  PaintLog *log = data;

  return log->frames > 0 && log->last_blank_frame < log->frames;
}

/* A jump deep into a long list (the scroll bar dragged): the rows in view
 * show their cases once their pages are read, not after every row out of
 * view that was read with them. */
static void
test_list_jump_rows_in_view (Fixture       *fixture,
                             gconstpointer  data)
{
  HallCaseListPage *page;
  GtkAdjustment *vadjustment;
  GdkFrameClock *clock;
  PaintLog log = { 0 };
  ListWait wait;
  gulong id;
  guint n = 1200;

  for (guint i = 0; i < n; i++)
    g_object_unref (create_case (fixture, "Zhang Wei"));
  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 600);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  vadjustment = gtk_scrolled_window_get_vadjustment (
    template_child (page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"));
  sign_in (fixture);
  wait = (ListWait) { page, n, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  spin_for (500);

  log = (PaintLog) { page, template_child (page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"),
                     g_string_new (NULL), 0, 0, 0 };
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (log_paint_cb), &log);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment) / 2);
  g_assert_true (wait_for (view_filled, &log));
  spin_for (300);
  g_signal_handler_disconnect (clock, id);
  g_test_message ("rows in view, frame by frame after the jump:%s", log.log->str);
  g_test_message ("%u rows in view; the last painted with one blank: frame %u of %u",
                  log.in_view, log.last_blank_frame, log.frames);
  /* Their pages read (a frame or two), the rows in view ten a frame:
   * not behind the 150-odd rows out of view read with them. */
  g_assert_cmpuint (log.last_blank_frame, <=, 2 + (log.in_view + 9) / 10 + 1);
  g_string_free (log.log, TRUE);
}

/* A refill of every row (a new order, a search's results) and, before its
 * rows are shown, the list out of sight in some way; in sight again, every
 * row shows its case, none blank, none another's. */
static void
test_list_rows_filled (Fixture       *fixture,
                       gconstpointer  data)
{
  HallCaseListPage *page;
  GtkStack *window_stack;
  GtkAdjustment *vadjustment;
  GtkEditable *search;
  ListWait wait;

  for (guint i = 0; i < 60; i++)
    g_object_unref (create_case (fixture, i % 2 == 0 ? "Zhang Wei" : "Li Na"));
  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 600);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  window_stack = template_child (fixture->window, HALL_TYPE_WINDOW, "stack");
  search = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry");
  vadjustment = gtk_scrolled_window_get_vadjustment (
    template_child (page, HALL_TYPE_CASE_LIST_PAGE, "scrolled_window"));
  sign_in (fixture);
  wait = (ListWait) { page, 60, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_test_message ("sign-in");
  assert_table_shows_all (page);

  /* Sorted at the top; locked before the rows were shown. */
  sort_now (page, "oldest");
  g_test_message ("blank before lock: %u", blank_rows (page));
  gtk_stack_set_visible_child_name (window_stack, "locked");
  spin_for (300);
  gtk_stack_set_visible_child_name (window_stack, "main");
  g_test_message ("lock");
  assert_table_shows_all (page);

  /* Sorted deep in the list: the view goes up, then the order. */
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  spin_for (200);
  sort_now (page, "newest");
  g_assert_true (wait_for (model_sorted_newest, page));
  g_test_message ("sorted deep");
  assert_table_shows_all (page);

  /* The window hidden while rows wait. */
  sort_now (page, "oldest");
  g_assert_true (wait_for (has_blank_rows, page));
  g_test_message ("blank before hide: %u", blank_rows (page));
  gtk_widget_set_visible (GTK_WIDGET (fixture->window), FALSE);
  spin_for (300);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_test_message ("hidden");
  assert_table_shows_all (page);

  /* A search's results, and at once none, and the list back. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.search", NULL);
  gtk_editable_set_text (search, "Zhang Wei");
  wait = (ListWait) { page, 30, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_test_message ("search");
  assert_table_shows_all (page);
  gtk_editable_set_text (search, "Nobody By This Name");
  wait = (ListWait) { page, 0, "no-results" };
  g_assert_true (wait_for (list_shows, &wait));
  gtk_editable_set_text (search, "");
  wait = (ListWait) { page, 60, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_test_message ("search cleared");
  assert_table_shows_all (page);
}

/* The list's orders (issue 9): from the Sort menu's action and from the
 * table's titles, Case Number turning the order of intake round and
 * Promised putting what is due first, a returned case after the open
 * ones; another official's list starts newest first again. */
static void
test_list_sorted (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr (HallCase) first = NULL;
  g_autoptr (HallCase) returned = NULL;
  g_autoptr (HallCase) last = NULL;
  g_autofree char *sort = NULL;
  HallCaseListPage *page;
  GtkWidget *header;
  OrderWait wait;

  show_window (fixture);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  header = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "table_header");
  sign_in (fixture);
  first = create_case_full (fixture, "Zhang Wei", TRUE);
  returned = create_case_full (fixture, "Li Na", TRUE);
  last = create_case_full (fixture, "Wang Fang", TRUE);
  move_case (fixture, returned, HALL_CASE_RETURNED);
  wait = (OrderWait) { page, { last, returned, first } };
  g_assert_true (wait_for (list_order_is, &wait));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "list.sort", "s", "oldest"));
  wait = (OrderWait) { page, { first, returned, last } };
  g_assert_true (wait_for (list_order_is, &wait));

  /* Promised: the two open cases by their promises, then the returned. */
  g_signal_emit_by_name (header, "title-clicked", 4);
  sort = page_sort (page);
  g_assert_cmpstr (sort, ==, "due");
  wait = (OrderWait) { page, { first, last, returned } };
  g_assert_true (wait_for (list_order_is, &wait));

  /* Back in review, the returned case's promise counts again. */
  move_case (fixture, returned, HALL_CASE_IN_REVIEW);
  wait = (OrderWait) { page, { first, returned, last } };
  g_assert_true (wait_for (list_order_is, &wait));

  /* Case Number: newest first, then turned round. */
  g_signal_emit_by_name (header, "title-clicked", 0);
  g_clear_pointer (&sort, g_free);
  sort = page_sort (page);
  g_assert_cmpstr (sort, ==, "newest");
  wait = (OrderWait) { page, { last, returned, first } };
  g_assert_true (wait_for (list_order_is, &wait));
  g_signal_emit_by_name (header, "title-clicked", 0);
  wait = (OrderWait) { page, { first, returned, last } };
  g_assert_true (wait_for (list_order_is, &wait));
  /* Other titles are no order. */
  g_signal_emit_by_name (header, "title-clicked", 1);
  g_clear_pointer (&sort, g_free);
  sort = page_sort (page);
  g_assert_cmpstr (sort, ==, "oldest");

  hall_case_list_page_set_store (page, NULL);
  g_clear_pointer (&sort, g_free);
  sort = page_sort (page);
  g_assert_cmpstr (sort, ==, "newest");
}

/* The list's filters (issue 16): a state, waiting for the applicant,
 * overdue, each changing the rows and the count; with a search; cleared in
 * one click; opened from the keyboard. */
static void
test_case_list_filter (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (HallCase) waiting1 = create_case (fixture, "Zhang Wei");
  g_autoptr (HallCase) waiting2 = create_case (fixture, "Li Na");
  g_autoptr (HallCase) done = create_case (fixture, "Zhang Wei");
  g_autoptr (HallCase) returned = create_case (fixture, "Li Na");
  HallCaseListPage *page;
  GtkCheckButton *waiting_check;
  GtkCheckButton *overdue_check;
  GtkMenuButton *filter_button;
  GtkWidget *clear_button;
  FilterWait wait;

  move_case (fixture, done, HALL_CASE_IN_REVIEW);
  move_case (fixture, done, HALL_CASE_APPROVED);
  move_case (fixture, done, HALL_CASE_COMPLETED);
  move_case (fixture, returned, HALL_CASE_RETURNED);

  show_window (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1366, 768);
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  waiting_check = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "waiting_check");
  overdue_check = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "overdue_check");
  filter_button = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "filter_button");
  clear_button = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "clear_button");
  sign_in (fixture);
  wait = (FilterWait) { page, 4, "list", "4 cases" };
  g_assert_true (wait_for (filter_shows, &wait));
  g_assert_false (gtk_widget_get_visible (clear_button));

  /* Ctrl+Shift+F opens the filters. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.filter", NULL));
  g_assert_true (wait_for ((Condition) gtk_widget_get_mapped,
                           gtk_menu_button_get_popover (filter_button)));
  /* Closed again (Escape would): the checks work the same either way, and
   * a popover left open over the table's rows keeps asking GTK's tooltips
   * where the pointer is while the rows change under it. */
  gtk_menu_button_popdown (filter_button);
  spin ();

  /* One state. */
  gtk_check_button_set_active (state_check (page, HALL_CASE_COMPLETED), TRUE);
  wait = (FilterWait) { page, 1, "list", "1 case shown" };
  g_assert_true (wait_for (filter_shows, &wait));
  {
    g_autoptr (HallCase) row = g_list_model_get_item (hall_case_list_page_get_model (page), 0);

    g_assert_cmpstr (hall_case_get_uuid (row), ==, hall_case_get_uuid (done));
  }
  g_assert_true (gtk_widget_get_visible (clear_button));

  /* A completed case waits for nobody: nothing passes both. */
  gtk_check_button_set_active (waiting_check, TRUE);
  wait = (FilterWait) { page, 0, "no-results", "0 cases shown" };
  g_assert_true (wait_for (filter_shows, &wait));

  /* Cleared in one click: every case again. */
  gtk_widget_activate (clear_button);
  wait = (FilterWait) { page, 4, "list", "4 cases" };
  g_assert_true (wait_for (filter_shows, &wait));
  g_assert_false (gtk_check_button_get_active (waiting_check));
  g_assert_false (gtk_check_button_get_active (state_check (page, HALL_CASE_COMPLETED)));
  g_assert_false (gtk_widget_get_visible (clear_button));

  /* Waiting for the applicant: documents missing, or returned; newest
   * first. */
  gtk_check_button_set_active (waiting_check, TRUE);
  wait = (FilterWait) { page, 3, "list", "3 cases shown" };
  g_assert_true (wait_for (filter_shows, &wait));
  {
    g_autoptr (HallCase) row = g_list_model_get_item (hall_case_list_page_get_model (page), 0);

    g_assert_cmpstr (hall_case_get_uuid (row), ==, hall_case_get_uuid (returned));
  }

  /* With a search: Li Na's waiting cases. */
  hall_case_list_page_set_search_mode (page, TRUE);
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"),
                         "Li Na");
  wait = (FilterWait) { page, 2, "list", "2 cases shown" };
  g_assert_true (wait_for (filter_shows, &wait));

  /* Overdue, as of two months on: the waiting cases' clock stands, so
   * none of them. */
  hall_case_list_page_set_clock (page, g_get_real_time () / G_USEC_PER_SEC + 60 * 86400);
  gtk_check_button_set_active (waiting_check, FALSE);
  gtk_check_button_set_active (overdue_check, TRUE);
  wait = (FilterWait) { page, 0, "no-results", "0 cases shown" };
  g_assert_true (wait_for (filter_shows, &wait));

  /* The search cleared, the filter still on; then the filter cleared. */
  gtk_editable_set_text (template_child (page, HALL_TYPE_CASE_LIST_PAGE, "search_entry"), "");
  wait = (FilterWait) { page, 0, "no-results", "0 cases shown" };
  g_assert_true (wait_for (filter_shows, &wait));
  gtk_widget_activate_action (GTK_WIDGET (page), "list.clear-filters", NULL);
  wait = (FilterWait) { page, 4, "list", "4 cases" };
  g_assert_true (wait_for (filter_shows, &wait));
}

static gboolean
leaflet_folded (gpointer data)
{
  return adw_leaflet_get_folded (ADW_LEAFLET (data));
}

static gboolean
leaflet_unfolded (gpointer data)
{
  return !adw_leaflet_get_folded (ADW_LEAFLET (data));
}

/* At 800 px the table does not fit beside the case: the list takes the
 * whole width, and the case comes on top of it when opened. */
static void
test_narrow_window (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "Zhang Wei");
  AdwLeaflet *leaflet;

  show_window (fixture);
  leaflet = template_child (fixture->window, HALL_TYPE_WINDOW, "leaflet");
  sign_in (fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 600);
  g_assert_true (wait_for (leaflet_unfolded, leaflet));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 800, 600);
  g_assert_true (wait_for (leaflet_folded, leaflet));

  hall_window_show_case (fixture->window, kase);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) ==
                 hall_test_window_case_page (fixture->window));
}

static gboolean
leaflet_visible_list (gpointer data)
{
  AdwLeaflet *leaflet = data;
  GtkWidget *child = adw_leaflet_get_visible_child (leaflet);

  return child != NULL && HALL_IS_CASE_LIST_PAGE (child);
}

static gboolean
list_not_compact (gpointer data)
{
  return !hall_case_list_page_get_compact (HALL_CASE_LIST_PAGE (data));
}

static gboolean
window_is_width (gpointer data)
{
  GtkWidget *window = data;
  int width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "hall-test-width"));

  /* The window's frame (client-side, when no window manager draws one)
   * is inside the size asked for. */
  if (gtk_widget_get_width (window) <= width && gtk_widget_get_width (window) >= width - 20)
    return TRUE;
  /* Asked again, as a person goes on dragging the edge: a window held at
   * its minimum of the moment stays there when the minimum shrinks. */
  gtk_window_set_default_size (GTK_WINDOW (window), width, 740);
  return FALSE;
}

static void
print_min_widths (GtkWidget *widget,
                  int        depth)
{
  int min, nat;

  if (depth > 14 || !gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  if (min > 300)
    g_printerr ("%*s%s min %d nat %d\n", depth * 2, "", G_OBJECT_TYPE_NAME (widget), min, nat);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    print_min_widths (child, depth + 1);
}

static gboolean
widget_has_size (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* A dialog opened by @action is no wider than the window. */
static void
assert_dialog_fits (Fixture    *fixture,
                    const char *action,
                    GType       type)
{
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), action, NULL));
  spin ();
  dialog = find_toplevel (type);
  g_assert_nonnull (dialog);
  g_assert_true (wait_for (widget_has_size, dialog));
  spin_for (200);
  if (gtk_widget_get_width (GTK_WIDGET (dialog)) > gtk_widget_get_width (GTK_WIDGET (fixture->window)))
    print_min_widths (GTK_WIDGET (dialog), 0);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (dialog)), <=,
                   gtk_widget_get_width (GTK_WIDGET (fixture->window)));
  gtk_window_destroy (dialog);
  spin ();
}

/* A phone's width (issue 16): at 360 px the window takes that width, the
 * list and the case fold into one column, the list keeps the number, the
 * applicant and the state, a case opened comes forward, and back shows the
 * list again; the queue folds away behind its button. */
static void
test_window_360 (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "Zhang Wei");
  AdwLeaflet *leaflet;
  HallCaseListPage *page;
  GtkListView *list_view;
  AdwFlap *queue_flap;
  ListWait wait;

  show_window (fixture);
  leaflet = template_child (fixture->window, HALL_TYPE_WINDOW, "leaflet");
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "list_page");
  list_view = template_child (page, HALL_TYPE_CASE_LIST_PAGE, "list_view");
  queue_flap = template_child (fixture->window, HALL_TYPE_WINDOW, "queue_flap");
  sign_in (fixture);
  /* The queue is there for an official who calls tickets (it needs a
   * server): shown here by hand, to see where it goes. */
  gtk_widget_set_visible (template_child (fixture->window, HALL_TYPE_WINDOW, "queue_sidebar"),
                          TRUE);
  /* As a person drags the edge: the header bar gives up its wide buttons
   * on the way, and the window goes narrower. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 740);
  g_object_set_data (G_OBJECT (fixture->window), "hall-test-width", GINT_TO_POINTER (360));
  if (!wait_for (window_is_width, fixture->window))
    print_min_widths (GTK_WIDGET (fixture->window), 0);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <=, 360);
  g_assert_true (window_is_width (fixture->window));
  g_assert_true (wait_for (leaflet_folded, leaflet));
  g_assert_true (wait_for ((Condition) hall_case_list_page_get_compact, page));
  /* The queue folded away behind its button, and out over the list. */
  g_assert_true (adw_flap_get_folded (queue_flap));
  g_assert_true (wait_for ((Condition) gtk_widget_get_visible,
                           template_child (fixture->window, HALL_TYPE_WINDOW, "queue_button")));
  g_assert_false (adw_flap_get_reveal_flap (queue_flap));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-queue",
                                             NULL));
  g_assert_true (adw_flap_get_reveal_flap (queue_flap));
  /* Revealed, the queue's buttons fit its 300 px: their labels wrap, so
   * nothing scrolls sideways. */
  {
    GtkWidget *panel = template_child (fixture->window, HALL_TYPE_WINDOW, "queue_panel");
    int minimum;

    gtk_widget_measure (panel, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_assert_cmpint (minimum, <=, 300);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.toggle-queue",
                                             NULL));
  g_assert_false (adw_flap_get_reveal_flap (queue_flap));
  wait = (ListWait) { page, 1, "list" };
  g_assert_true (wait_for (list_shows, &wait));
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == GTK_WIDGET (page));

  /* Enter on the row opens the case: it comes forward. */
  g_signal_emit_by_name (list_view, "activate", 0);
  g_assert_true (adw_leaflet_get_visible_child (leaflet) ==
                 hall_test_window_case_page (fixture->window));
  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                         "back_button")));
  /* Back shows the list. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.back", NULL));
  g_assert_true (wait_for (leaflet_visible_list, leaflet));

  /* The approver's inbox folds too: the list, then the case. */
  {
    GtkWidget *inbox = hall_test_window_stack_page (fixture->window, "approval");
    int minimum;

    gtk_widget_measure (inbox, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
    g_assert_cmpint (minimum, <=, 360);
  }

  /* The intake and the license check open no wider than the window. */
  assert_dialog_fits (fixture, "win.new-intake", HALL_TYPE_INTAKE_DIALOG);
  assert_dialog_fits (fixture, "win.verify-license", HALL_TYPE_VERIFY_WINDOW);

  /* Wide again: side by side, every column. */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1366, 768);
  g_assert_true (wait_for (leaflet_unfolded, leaflet));
  g_assert_true (wait_for (list_not_compact, page));
  g_assert_false (adw_flap_get_folded (queue_flap));
  g_assert_false (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                          "queue_button")));
}

static gboolean
indicator_counts (gpointer data)
{
  return g_strcmp0 (hall_sync_indicator_get_text (HALL_SYNC_INDICATOR (data)),
                    "1 case and 1 note waiting") == 0;
}

static gboolean
indicator_offline (gpointer data)
{
  return g_strcmp0 (hall_sync_indicator_get_text (HALL_SYNC_INDICATOR (data)),
                    "Offline — 1 case and 1 note waiting") == 0;
}

/* What waits is said in the official's words: entities, not outbox rows;
 * offline is said plainly, with the technical detail behind "Details". */
static void
test_sync_indicator (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallCaseEvent) note = NULL;
  g_autoptr (HallSyncEngine) engine = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *indicator = g_object_ref_sink (hall_sync_indicator_new ());

  hall_sync_indicator_set_store (HALL_SYNC_INDICATOR (indicator), fixture->store);
  g_assert_cmpstr (hall_sync_indicator_get_text (HALL_SYNC_INDICATOR (indicator)), ==, "Offline");

  /* A new applicant, a case and a note: four outbox rows (applicant, case,
   * its created event, the note), one case and one note to the official. */
  kase = create_case (fixture, "Zhang Wei");
  note = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (note, "Brings the lease tomorrow");
  g_assert_true (hall_store_add_case_event (fixture->store, note, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hall_store_count_outbox (fixture->store), >=, 3);
  g_assert_true (wait_for (indicator_counts, indicator));

  /* With an engine whose server does not answer, the changes still wait
   * and the indicator says offline rather than failing. */
  g_setenv ("SERVICE_HALL_SYNC_ATTEMPTS", "1", TRUE);
  g_setenv ("SERVICE_HALL_SYNC_BACKOFF_MS", "1", TRUE);
  engine = hall_sync_engine_new (fixture->store, "http://127.0.0.1:9");
  hall_sync_engine_apply_environment (engine);
  hall_sync_indicator_set_engine (HALL_SYNC_INDICATOR (indicator), engine);
  g_assert_cmpstr (hall_sync_indicator_get_text (HALL_SYNC_INDICATOR (indicator)), ==,
                   "1 case and 1 note waiting");
  g_assert_null (hall_sync_indicator_get_details (HALL_SYNC_INDICATOR (indicator)));
  hall_sync_engine_sync_now (engine);
  g_assert_true (wait_for (indicator_offline, indicator));
  g_assert_cmpstr (hall_sync_indicator_get_status (HALL_SYNC_INDICATOR (indicator)), ==,
                   "Offline — 1 case and 1 note will be sent when the server is back");
  /* The engineer's words are kept, but not in the official's face. */
  g_assert_nonnull (hall_sync_indicator_get_details (HALL_SYNC_INDICATOR (indicator)));
  g_assert_null (strstr (hall_sync_indicator_get_text (HALL_SYNC_INDICATOR (indicator)),
                         "127.0.0.1"));
  g_assert_null (strstr (hall_sync_indicator_get_status (HALL_SYNC_INDICATOR (indicator)),
                         "127.0.0.1"));

  hall_sync_indicator_set_engine (HALL_SYNC_INDICATOR (indicator), NULL);
  g_object_unref (indicator);
}

static gboolean
verify_idle (gpointer data)
{
  return !hall_verify_window_get_busy (data);
}

/* "Verify a License": a code that is not one, a valid one, a forged one,
 * with the demo hall's key the demo profile trusts. */
static void
test_verify_window (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallLicensePayload) payload = hall_license_payload_new ();
  g_autoptr (HallRootKey) forger = hall_root_key_generate ();
  g_autoptr (HallCertificate) forged_certificate = NULL;
  g_autofree char *text = NULL;
  g_autofree char *forged = NULL;
  HallVerifyWindow *window;

  g_assert_true (hall_store_add_demo_officials (fixture->store, &error));
  g_assert_no_error (error);
  key = hall_store_open_signing_key (fixture->store, "li.na", "demo", NULL, &error);
  g_assert_no_error (error);
  certificate = hall_store_lookup_certificate (fixture->store, "li.na", NULL, &error);
  g_assert_nonnull (certificate);
  payload->number = g_strdup ("YC-2026-C01-L000001");
  payload->license_type = g_strdup ("company_business_license");
  payload->holder = g_strdup ("张伟");
  payload->holder_id = g_strdup ("");
  payload->scope = g_strdup ("");
  payload->hall = g_strdup ("YC");
  payload->issued_at = g_get_real_time () / G_USEC_PER_SEC;
  payload->case_uuid = g_strdup ("5d1c2c3e-8d7b-4c59-9a8e-0d5f1f2b3c4d");
  text = hall_license_payload_sign (payload, key, certificate, &error);
  g_assert_no_error (error);
  forged_certificate = hall_root_key_certify (forger, "li.na",
                                              hall_signing_key_get_public_key (key),
                                              payload->issued_at - 60,
                                              payload->issued_at + 86400);
  forged = hall_license_payload_sign (payload, key, forged_certificate, &error);
  g_assert_no_error (error);

  window = HALL_VERIFY_WINDOW (hall_verify_window_new (fixture->store));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (wait_for (verify_idle, window));
  g_assert_cmpstr (hall_verify_window_get_verdict (window), ==, "");

  hall_verify_window_check_text (window, "https://example.com/");
  g_assert_true (wait_for (verify_idle, window));
  g_assert_cmpstr (hall_verify_window_get_verdict (window), ==, "Not valid");

  hall_verify_window_check_text (window, text);
  g_assert_true (wait_for (verify_idle, window));
  g_assert_cmpstr (hall_verify_window_get_verdict (window), ==, "Valid");

  hall_verify_window_check_text (window, forged);
  g_assert_true (wait_for (verify_idle, window));
  g_assert_cmpstr (hall_verify_window_get_verdict (window), ==, "Not valid");

  hall_verify_window_check_file (window, "/nonexistent/license.pdf");
  g_assert_true (wait_for (verify_idle, window));
  g_assert_cmpstr (hall_verify_window_get_verdict (window), ==, "Could not read the file");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
case_page_has_three_events (gpointer data)
{
  HallCasePage *page = HALL_CASE_PAGE (data);

  return !hall_case_page_get_loading (page) && hall_case_page_get_n_events (page) == 3;
}

/* Each decision on the case page: what was decided on which step, by whom
 * and when, the reasons as the catalog words them, and whether it is
 * signed. */
static void
test_case_page_decisions (Fixture      *fixture,
                          gconstpointer user_data)
{
  g_autoptr (HallCase) kase = create_case (fixture, "Zhang Wei");
  HallService *service = hall_catalog_lookup (fixture->catalog, hall_case_get_service_id (kase));
  g_autoptr (HallCaseEvent) accept = hall_case_event_new (hall_case_get_uuid (kase),
                                                          HALL_CASE_EVENT_DECISION);
  g_autoptr (HallCaseEvent) back = hall_case_event_new (hall_case_get_uuid (kase),
                                                        HALL_CASE_EVENT_DECISION);
  g_autoptr (HallCase) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *at = NULL;
  g_autofree char *expected = NULL;
  HallCaseState state = HALL_CASE_RECEIVED;
  GtkWidget *page;

  /* Each official signs with the key opened at sign-in. */
  g_assert_true (hall_store_add_demo_signing (fixture->store, &error));
  g_assert_true (hall_store_open_session_key (fixture->store, "wang.fang", "demo", &error));
  g_assert_no_error (error);
  hall_case_event_set_decision (accept, HALL_DECISION_APPROVE);
  g_assert_true (hall_store_decide_case (fixture->store, service, accept,
                                         HALL_ROLE_COUNTER_OFFICIAL, "wang.fang", &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, HALL_CASE_IN_REVIEW);
  hall_case_event_set_decision (back, HALL_DECISION_RETURN);
  hall_case_event_add_reason (back, "missing_document", NULL);
  hall_case_event_add_reason (back, "other", "Lease unsigned");
  g_assert_true (hall_store_open_session_key (fixture->store, "li.na", "demo", &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_decide_case (fixture->store, service, back, HALL_ROLE_APPROVER,
                                         "li.na", &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, HALL_CASE_RETURNED);
  stored = hall_store_get_case (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_RETURNED);

  page = g_object_ref_sink (hall_case_page_new ());
  hall_case_page_set_store (HALL_CASE_PAGE (page), fixture->store);
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), fixture->catalog);
  hall_case_page_set_case (HALL_CASE_PAGE (page), stored);
  g_assert_true (wait_for (case_page_has_three_events, page));
  at = hall_format_timestamp (hall_case_event_get_at (back));
  expected = g_strdup_printf ("Returned · Review of the registration\n%s by li.na (counter’s "
                              "clock)\nReasons: A required document is missing; Lease unsigned\n"
                              "Signature verified: signed by li.na", at);
  g_test_message ("%s", hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)));
  g_assert_nonnull (strstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)), expected));
  g_assert_nonnull (strstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)),
                            "Approved · Acceptance at the counter\n"));
  g_assert_null (strstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)),
                         "does not verify"));

  /* Someone edits the stored return's reason behind the store's back, and
   * the case's checklist changes: the return no longer verifies, and the
   * acceptance, signed over the case as it was, no longer matches it. */
  {
    sqlite3 *db = NULL;
    g_autoptr (HallCase) changed = NULL;

    g_assert_cmpint (sqlite3_open (hall_store_get_path (fixture->store), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE case_events SET decision ="
                                       " replace (decision, 'Lease unsigned', 'Lease signed')"
                                       " WHERE kind = 'decision';"
                                       "UPDATE cases SET checklist = '[]';",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_changes (db), >, 0);
    sqlite3_close (db);
    changed = hall_store_get_case (fixture->store, hall_case_get_uuid (kase), &error);
    g_assert_no_error (error);
    hall_case_page_set_case (HALL_CASE_PAGE (page), changed);
    g_assert_true (wait_for (case_page_has_three_events, page));
    g_test_message ("%s", hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)));
    g_assert_nonnull (strstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)),
                              "Lease signed\nSignature does not verify: "));
    g_assert_nonnull (strstr (hall_case_page_get_timeline_text (HALL_CASE_PAGE (page)),
                              "Signature verified, but the case has changed since"));
  }
  g_object_unref (page);
}

/* Every window action before the first sign-in does nothing harmful, and
 * the pages a sign-in adds are built once, whoever signs in after. */
static guint
n_children (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    n++;
  return n;
}

static void
test_signed_in_pages (Fixture       *fixture,
                        gconstpointer  data)
{
  static const char *actions[] = {
    "win.sign-out", "win.lock", "win.back", "win.approval-inbox", "win.stats", "win.filter",
    "win.toggle-queue", "win.day-summary", "win.new-intake", "win.sync-now", "win.search",
  };
  GtkStack *stack;
  GtkWidget *leaflet;
  guint n_stack, n_leaflet;
  GtkWidget *lock_page, *case_page, *inbox;
  g_autoptr (HallCase) kase = NULL;

  kase = create_case (fixture, "Zhang Wei");
  show_window (fixture);
  stack = template_child (fixture->window, HALL_TYPE_WINDOW, "stack");
  leaflet = template_child (fixture->window, HALL_TYPE_WINDOW, "leaflet");
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), actions[i], NULL);
  spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "sign-in");
  n_stack = g_list_model_get_n_items (G_LIST_MODEL (gtk_stack_get_pages (stack)));
  n_leaflet = n_children (leaflet);

  sign_in (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_stack_get_pages (stack))), ==,
                    n_stack + 3);
  g_assert_cmpuint (n_children (leaflet), ==, n_leaflet + 1);
  lock_page = hall_test_window_stack_page (fixture->window, "locked");
  case_page = hall_test_window_case_page (fixture->window);
  inbox = hall_test_window_stack_page (fixture->window, "approval");
  hall_window_show_case (fixture->window, kase);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin ();
  g_assert_null (hall_case_page_get_case (HALL_CASE_PAGE (case_page)));

  type_sign_in (fixture, APPROVER, PASSWORD);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_stack_get_pages (stack))), ==,
                    n_stack + 3);
  g_assert_cmpuint (n_children (leaflet), ==, n_leaflet + 1);
  g_assert_true (hall_test_window_stack_page (fixture->window, "locked") == lock_page);
  g_assert_true (hall_test_window_case_page (fixture->window) == case_page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window),
                                             "win.approval-inbox", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "approval");
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));

    g_assert_true (focus == NULL || focus == inbox || gtk_widget_is_ancestor (focus, inbox));
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "locked");
  gtk_editable_set_text (hall_lock_page_get_password (HALL_LOCK_PAGE (lock_page)), PASSWORD);
  gtk_widget_activate_action (lock_page, "lock.unlock", NULL);
  g_assert_true (wait_for (unlocked, fixture->window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "approval");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sign-out", NULL);
  spin ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "sign-in");
  sign_in (fixture);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "main");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char *const *data_dirs = g_get_system_data_dirs ();

  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  /* The isolated data dirs have no MIME database, and without one the
   * icon loader cannot tell an SVG icon from junk: keep the system's. */
  for (guint i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_content_type_set_mime_dirs ((const char *const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/hall/gui/format", test_format);
  g_test_add ("/hall/gui/templates", Fixture, NULL, fixture_set_up, test_templates,
              fixture_tear_down);
  g_test_add ("/hall/gui/signed-in-pages", Fixture, NULL, fixture_set_up, test_signed_in_pages,
              fixture_tear_down);
  g_test_add ("/hall/gui/sign-in", Fixture, NULL, fixture_set_up, test_sign_in,
              fixture_tear_down);
  g_test_add ("/hall/gui/case-list", Fixture, NULL, fixture_set_up, test_case_list,
              fixture_tear_down);
  g_test_add ("/hall/gui/case-list/keeps-top", Fixture, NULL, fixture_set_up,
              test_case_list_keeps_top, fixture_tear_down);
  g_test_add ("/hall/gui/case-list/search-resets", Fixture, NULL, fixture_set_up,
              test_case_list_search_resets, fixture_tear_down);
  g_test_add ("/hall/gui/dispose-disconnects", Fixture, NULL, fixture_set_up,
              test_dispose_disconnects, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/scrolls-to-top", Fixture, NULL, fixture_set_up,
              test_case_page_scrolls_to_top, fixture_tear_down);
  g_test_add ("/hall/gui/new-intake", Fixture, NULL, fixture_set_up, test_new_intake,
              fixture_tear_down);
  g_test_add ("/hall/gui/case-page", Fixture, NULL, fixture_set_up, test_case_page,
              fixture_tear_down);
  g_test_add ("/hall/gui/case-page/decisions", Fixture, NULL, fixture_set_up,
              test_case_page_decisions, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/correct-phone", Fixture, NULL, fixture_set_up,
              test_case_page_correct_phone, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/countdown-source", Fixture, NULL, fixture_set_up,
              test_case_page_countdown_source, fixture_tear_down);
  g_test_add ("/hall/gui/list/countdown", Fixture, NULL, fixture_set_up,
              test_list_countdown, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/conflict", Fixture, NULL, fixture_set_up,
              test_case_page_conflict, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/duplicate", Fixture, NULL, fixture_set_up,
              test_case_page_duplicate, fixture_tear_down);
  g_test_add ("/hall/gui/pulled-case-service", Fixture, NULL, fixture_set_up,
              test_pulled_case_service, fixture_tear_down);
  g_test_add ("/hall/gui/case-page/record", Fixture, NULL, fixture_set_up,
              test_case_page_record, fixture_tear_down);
  g_test_add ("/hall/gui/focus-after-sign-in", Fixture, NULL, fixture_set_up,
              test_focus_after_sign_in, fixture_tear_down);
  g_test_add ("/hall/gui/title", Fixture, NULL, fixture_set_up, test_title, fixture_tear_down);
  g_test_add ("/hall/gui/lock", Fixture, NULL, fixture_set_up, test_lock, fixture_tear_down);
  g_test_add ("/hall/gui/calendar-banner", Fixture, NULL, fixture_set_up, test_calendar_banner,
              fixture_tear_down);
  g_test_add ("/hall/gui/case-page/kind-icon", Fixture, NULL, fixture_set_up,
              test_case_page_kind_icon, fixture_tear_down);
  g_test_add ("/hall/gui/day-summary", Fixture, NULL, fixture_set_up, test_day_summary,
              fixture_tear_down);
  g_test_add_func ("/hall/gui/title/chinese", test_title_chinese);
  g_test_add ("/hall/gui/case-list/filter", Fixture, NULL, fixture_set_up,
              test_case_list_filter, fixture_tear_down);
  g_test_add ("/hall/gui/list/paused", Fixture, NULL, fixture_set_up, test_list_paused,
              fixture_tear_down);
  g_test_add ("/hall/gui/list/rows-gone-while-waiting", Fixture, NULL, fixture_set_up,
              test_list_rows_gone_while_waiting, fixture_tear_down);
  g_test_add ("/hall/gui/list/rows-in-view-first", Fixture, NULL, fixture_set_up,
              test_list_rows_in_view_first, fixture_tear_down);
  g_test_add ("/hall/gui/list/jump-rows-in-view", Fixture, NULL, fixture_set_up,
              test_list_jump_rows_in_view, fixture_tear_down);
  g_test_add ("/hall/gui/list/rows-filled", Fixture, NULL, fixture_set_up,
              test_list_rows_filled, fixture_tear_down);
  g_test_add ("/hall/gui/list/sorted", Fixture, NULL, fixture_set_up, test_list_sorted,
              fixture_tear_down);
  g_test_add ("/hall/gui/narrow-window", Fixture, NULL, fixture_set_up, test_narrow_window,
              fixture_tear_down);
  g_test_add ("/hall/gui/window-360", Fixture, NULL, fixture_set_up, test_window_360,
              fixture_tear_down);
  g_test_add ("/hall/gui/window-size", Fixture, NULL, fixture_set_up, test_window_size,
              fixture_tear_down);
  g_test_add ("/hall/gui/verify-window", Fixture, NULL, fixture_set_up, test_verify_window,
              fixture_tear_down);
  g_test_add ("/hall/gui/sync-indicator", Fixture, NULL, fixture_set_up, test_sync_indicator,
              fixture_tear_down);

  return g_test_run ();
}
