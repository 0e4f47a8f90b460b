/* test-approval-gui.c — the approver's inbox on screen: what it lists, in
 * which order, deciding by keyboard, and a return without a reason
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "hall-approval-inbox.h"
#include "hall-approval-inbox-test-hooks.h"
#include "hall-case-page.h"
#include "hall-license-printer.h"
#include "hall-license-reader.h"
#include "hall-sign-in-page.h"
#include "hall-store-signing.h"
#include "hall-test-window.h"
#include "hall-window.h"

#define COUNTER   "wang.fang"
#define APPROVER  "li.na"
#define SUPERVISOR "zhao.lei"
/* The demo officials' password: their signing keys are sealed under it
 * and certified by the demo hall's key (hall_store_add_demo_signing). */
#define PASSWORD  "demo"
#define WAIT_SECONDS 10

typedef struct
{
  HallCatalog *catalog;
  HallStore   *store;
  GtkWidget   *window;
  GPtrArray   *waiting;   /* of HallCase at the approver's review, promised order */
  HallCase    *at_accept;
  guint        n_applicants;
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

static HallCase *
create_case (Fixture    *fixture,
             const char *service_id,
             gint64      minutes_ago)
{
  static const char *const names[] = { "Zhang Wei", "Li Qiang", "Wang Fang", "Liu Yang",
                                       "Chen Jing", "Yang Min" };
  const int weights[] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  const char checks[] = "10X98765432";
  g_autoptr (GError) error = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autofree char *base = NULL;
  g_autofree char *id_number = NULL;
  HallService *service = hall_catalog_lookup (fixture->catalog, service_id);
  HallCase *kase = hall_case_new ();
  int sum = 0;

  base = g_strdup_printf ("11010519900101%03u", ++fixture->n_applicants);
  for (int i = 0; i < 17; i++)
    sum += (base[i] - '0') * weights[i];
  id_number = g_strdup_printf ("%s%c", base, checks[sum % 11]);
  applicant = hall_applicant_new_person (names[fixture->n_applicants % G_N_ELEMENTS (names)],
                                         HALL_ID_TYPE_RESIDENT_ID, id_number, "13912345678");
  hall_case_set_official (kase, COUNTER);
  if (minutes_ago > 0)
    hall_case_set_created_at (kase, g_get_real_time () / G_USEC_PER_SEC - minutes_ago * 60);
  hall_store_create_case (fixture->store, applicant, service, kase, &error);
  g_assert_no_error (error);
  return kase;
}

static void
accept_case (Fixture  *fixture,
             HallCase *kase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                         HALL_CASE_EVENT_DECISION);

  hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
  hall_case_event_set_at (event, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (hall_store_open_session_key (fixture->store, COUNTER, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (hall_store_decide_case (fixture->store,
                                         hall_catalog_lookup (fixture->catalog,
                                                              hall_case_get_service_id (kase)),
                                         event, HALL_ROLE_COUNTER_OFFICIAL, COUNTER, NULL,
                                         &error));
  g_assert_no_error (error);
}

static gint
compare_promised (gconstpointer a,
                  gconstpointer b)
{
  gint64 pa = hall_case_get_promised_at (*(HallCase **) a);
  gint64 pb = hall_case_get_promised_at (*(HallCase **) b);

  return pa < pb ? -1 : pa > pb;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "hall.db", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_add_demo_signing (fixture->store, &error));
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, COUNTER, "Wang Fang", PASSWORD, "counter_official",
                           &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, APPROVER, "Li Na", PASSWORD, "approver", &error);
  g_assert_no_error (error);
  hall_store_add_official (fixture->store, SUPERVISOR, "Zhao Lei", PASSWORD,
                           "approver,supervisor", &error);
  g_assert_no_error (error);

  fixture->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (fixture->waiting, create_case (fixture, "tax_clearance_certificate", 0));
  g_ptr_array_add (fixture->waiting, create_case (fixture, "individual_business_license", 0));
  g_ptr_array_add (fixture->waiting, create_case (fixture, "invoice_application", 90));
  for (guint i = 0; i < fixture->waiting->len; i++)
    accept_case (fixture, g_ptr_array_index (fixture->waiting, i));
  g_ptr_array_sort (fixture->waiting, compare_promised);
  fixture->at_accept = create_case (fixture, "invoice_application", 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  spin ();
  g_clear_pointer (&fixture->waiting, g_ptr_array_unref);
  g_clear_object (&fixture->at_accept);
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

static gboolean
inbox_idle (gpointer data)
{
  return !hall_approval_inbox_get_busy (HALL_APPROVAL_INBOX (data));
}

/* Signs @username in and opens the inbox with Ctrl+I's action. */
static HallApprovalInbox *
open_inbox (Fixture    *fixture,
            const char *username)
{
  HallSignInPage *page;
  HallApprovalInbox *inbox;

  fixture->window = GTK_WIDGET (hall_window_new (NULL, fixture->store, fixture->catalog, NULL, FALSE));
  gtk_window_present (GTK_WINDOW (fixture->window));
  spin ();
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "username_row"), username);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "password_row"), PASSWORD);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "c07");
  gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.submit", NULL);
  g_assert_true (wait_for (signed_in, fixture->window));

  g_assert_true (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                         "approval_button")));
  g_assert_true (gtk_widget_activate_action (fixture->window, "win.approval-inbox", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (template_child (fixture->window,
                                                                     HALL_TYPE_WINDOW, "stack")),
                   ==, "approval");
  inbox = hall_test_window_stack_page (fixture->window, "approval");
  g_assert_true (wait_for (inbox_idle, inbox));
  spin ();
  return inbox;
}

/* Presses @keyval with @mods on @widget as its key bindings take it: the
 * shortcut bound to the key, found among the widget's controllers, is
 * activated. FALSE when no shortcut takes the key. */
static gboolean
press (GtkWidget       *widget,
       guint            keyval,
       GdkModifierType  mods)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)))
                 == gdk_keyval_to_lower (keyval)
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static HallCaseState
stored_state (Fixture  *fixture,
              HallCase *kase)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) stored = hall_store_get_case (fixture->store, hall_case_get_uuid (kase),
                                                     &error);

  g_assert_no_error (error);
  return hall_case_get_state (stored);
}

static const char *
listed_uuid (HallApprovalInbox *inbox,
             guint              index)
{
  return hall_case_get_uuid (hall_inbox_item_get_case (hall_approval_inbox_get_item (inbox,
                                                                                      index)));
}

/* The approver's inbox: the three cases at review, soonest promised first,
 * the first overdue; not the one still at acceptance. */
static void
test_lists_in_order (Fixture       *fixture,
                     gconstpointer  data)
{
  HallApprovalInbox *inbox = open_inbox (fixture, APPROVER);

  g_assert_cmpuint (hall_approval_inbox_get_n_cases (inbox), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (listed_uuid (inbox, i), ==,
                     hall_case_get_uuid (g_ptr_array_index (fixture->waiting, i)));
  /* Taken in 90 minutes ago with 30 promised: overdue. */
  g_assert_true (hall_inbox_item_get_overdue (hall_approval_inbox_get_item (inbox, 0)));
  g_assert_false (hall_inbox_item_get_overdue (hall_approval_inbox_get_item (inbox, 2)));
  g_assert_true (hall_approval_inbox_get_selected (inbox) == hall_approval_inbox_get_item (inbox, 0));
  g_assert_cmpstr (hall_approval_inbox_get_status (inbox), ==, "");
  /* An approver sees no supervisor's counts. */
  g_assert_cmpuint (hall_approval_inbox_get_n_step_counts (inbox), ==, 0);
}

static gboolean
inbox_folded (gpointer data)
{
  return adw_leaflet_get_folded (template_child (data, HALL_TYPE_APPROVAL_INBOX, "leaflet"));
}

/* In a window 360 px wide the inbox is one column: the list first; a
 * case chosen (Enter on its row) comes forward with a back button, and
 * back shows the list. */
static void
test_narrow_folds (Fixture       *fixture,
                   gconstpointer  data)
{
  HallApprovalInbox *inbox = open_inbox (fixture, APPROVER);
  AdwLeaflet *leaflet = template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "leaflet");
  GtkWidget *list = template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "list");
  GtkWidget *back = template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "back_button");

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 740);
  g_assert_true (wait_for (inbox_folded, inbox));
  g_assert_true (adw_leaflet_get_visible_child (leaflet)
                 == template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "list_side"));
  g_assert_true (gtk_widget_get_visible (back));
  g_signal_emit_by_name (list, "row-activated",
                         gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  g_assert_true (adw_leaflet_get_visible_child (leaflet)
                 == template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "detail_side"));
  g_signal_emit_by_name (back, "clicked");
  spin ();
  g_assert_true (adw_leaflet_get_visible_child (leaflet)
                 == template_child (inbox, HALL_TYPE_APPROVAL_INBOX, "list_side"));
}

typedef struct
{
  HallApprovalInbox *inbox;
  guint              n;
} CountWait;

static gboolean
has_n_cases (gpointer data)
{
  CountWait *wait = data;

  return !hall_approval_inbox_get_busy (wait->inbox)
         && hall_approval_inbox_get_n_cases (wait->inbox) == wait->n;
}

/* j moves down, k up; Ctrl+Enter approves the case selected, which moves
 * on (to the counter official's issuing) and leaves the list. */
static void
test_decide_by_keyboard (Fixture       *fixture,
                         gconstpointer  data)
{
  HallApprovalInbox *inbox = open_inbox (fixture, APPROVER);
  HallCase *second = g_ptr_array_index (fixture->waiting, 1);
  CountWait wait = { inbox, 2 };

  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_j, 0));
  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_j, 0));
  g_assert_true (hall_approval_inbox_get_selected (inbox) == hall_approval_inbox_get_item (inbox, 2));
  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_k, 0));
  g_assert_cmpstr (hall_case_get_uuid (hall_inbox_item_get_case (hall_approval_inbox_get_selected (inbox))),
                   ==, hall_case_get_uuid (second));

  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_Return, GDK_CONTROL_MASK));
  g_assert_true (wait_for (has_n_cases, &wait));
  g_assert_cmpint (stored_state (fixture, second), ==,
                   g_str_equal (hall_case_get_service_id (second), "invoice_application")
                   || g_str_equal (hall_case_get_service_id (second), "tax_clearance_certificate")
                   ? HALL_CASE_APPROVED : HALL_CASE_IN_REVIEW);
  for (guint i = 0; i < hall_approval_inbox_get_n_cases (inbox); i++)
    g_assert_cmpstr (listed_uuid (inbox, i), !=, hall_case_get_uuid (second));
  /* The one after it takes its place. */
  g_assert_true (hall_approval_inbox_get_selected (inbox) == hall_approval_inbox_get_item (inbox, 1));
  g_assert_cmpstr (hall_approval_inbox_get_status (inbox), ==, "");
}

/* A return without a reason is refused at the reasons, and nothing is
 * written; with the official's words it goes through. */
static void
test_return_needs_reason (Fixture       *fixture,
                          gconstpointer  data)
{
  HallApprovalInbox *inbox = open_inbox (fixture, APPROVER);
  HallCase *first = g_ptr_array_index (fixture->waiting, 0);
  CountWait wait = { inbox, 2 };

  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_r, GDK_CONTROL_MASK));
  spin ();
  g_assert_cmpstr (hall_approval_inbox_get_reason_error (inbox), !=, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (hall_approval_inbox_get_reason_entry (inbox)),
                                           "error"));
  g_assert_false (hall_approval_inbox_get_busy (inbox));
  g_assert_cmpuint (hall_approval_inbox_get_n_cases (inbox), ==, 3);
  g_assert_cmpint (stored_state (fixture, first), ==, HALL_CASE_IN_REVIEW);
  /* Blank words are no reason either. */
  gtk_editable_set_text (hall_approval_inbox_get_reason_entry (inbox), "   ");
  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_X, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  spin ();
  g_assert_cmpstr (hall_approval_inbox_get_reason_error (inbox), !=, "");
  g_assert_cmpint (stored_state (fixture, first), ==, HALL_CASE_IN_REVIEW);

  gtk_editable_set_text (hall_approval_inbox_get_reason_entry (inbox), "The lease is unsigned");
  g_assert_true (press (GTK_WIDGET (inbox), GDK_KEY_r, GDK_CONTROL_MASK));
  g_assert_true (wait_for (has_n_cases, &wait));
  g_assert_cmpint (stored_state (fixture, first), ==, HALL_CASE_RETURNED);
  g_assert_cmpstr (hall_approval_inbox_get_reason_error (inbox), ==, "");
}

/* A supervisor sees each step's queue with its counts. */
static void
test_supervisor_counts (Fixture       *fixture,
                        gconstpointer  data)
{
  HallApprovalInbox *inbox = open_inbox (fixture, SUPERVISOR);

  /* zhao.lei is an approver too: the same three cases. */
  g_assert_cmpuint (hall_approval_inbox_get_n_cases (inbox), ==, 3);
  /* Three services at review, one at acceptance. */
  g_assert_cmpuint (hall_approval_inbox_get_n_step_counts (inbox), ==, 4);
}

/* A counter official has no inbox to open. */
static void
test_counter_official_has_none (Fixture       *fixture,
                                gconstpointer  data)
{
  HallSignInPage *page;

  fixture->window = GTK_WIDGET (hall_window_new (NULL, fixture->store, fixture->catalog, NULL, FALSE));
  gtk_window_present (GTK_WINDOW (fixture->window));
  spin ();
  page = template_child (fixture->window, HALL_TYPE_WINDOW, "sign_in_page");
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "username_row"), COUNTER);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "password_row"), PASSWORD);
  gtk_editable_set_text (template_child (page, HALL_TYPE_SIGN_IN_PAGE, "counter_row"), "c07");
  gtk_widget_activate_action (GTK_WIDGET (page), "sign-in.submit", NULL);
  g_assert_true (wait_for (signed_in, fixture->window));
  g_assert_false (gtk_widget_get_visible (template_child (fixture->window, HALL_TYPE_WINDOW,
                                                          "approval_button")));
  g_assert_false (gtk_widget_activate_action (fixture->window, "win.approval-inbox", NULL)
                  && g_str_equal (gtk_stack_get_visible_child_name (
                                    template_child (fixture->window, HALL_TYPE_WINDOW, "stack")),
                                  "approval"));
}

static void
decide_as (Fixture    *fixture,
           HallCase   *kase,
           const char *official,
           HallRoles   roles)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCaseEvent) event = hall_case_event_new (hall_case_get_uuid (kase),
                                                         HALL_CASE_EVENT_DECISION);

  hall_case_event_set_decision (event, HALL_DECISION_APPROVE);
  g_assert_true (hall_store_open_session_key (fixture->store, official, PASSWORD, &error));
  g_assert_true (hall_store_decide_case (fixture->store,
                                         hall_catalog_lookup (fixture->catalog,
                                                              hall_case_get_service_id (kase)),
                                         event, roles, official, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
save_license (gpointer data)
{
  return gtk_widget_activate_action (data, "case.save-license", NULL);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* The license of an approved case from its page: Save License as PDF
 * writes it to the Documents folder, printing (exported through
 * GtkPrintOperation, as the print dialog's "Print to File" does) draws it;
 * both read back, by zbar, to the signed code the store holds. A case not
 * approved has no license to print. */
static void
test_license_print (Fixture       *fixture,
                    gconstpointer  data)
{
  HallCase *kase = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallLicensePrinter) printer = NULL;
  g_autoptr (HallLicensePrinter) none = NULL;
  g_autoptr (HallCase) stored = NULL;
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *exported = NULL;
  g_autofree char *from_saved = NULL;
  g_autofree char *from_print = NULL;
  g_autoptr (GFile) export_file = NULL;
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  GtkWidget *page;

  for (guint i = 0; i < fixture->waiting->len; i++)
    if (g_str_equal (hall_case_get_service_id (g_ptr_array_index (fixture->waiting, i)),
                     "individual_business_license"))
      kase = g_ptr_array_index (fixture->waiting, i);
  g_assert_nonnull (kase);

  none = hall_license_printer_new (fixture->store, fixture->catalog, kase, &error);
  g_assert_null (none);
  g_assert_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  decide_as (fixture, kase, APPROVER, HALL_ROLE_APPROVER);
  decide_as (fixture, kase, COUNTER, HALL_ROLE_COUNTER_OFFICIAL);
  stored = hall_store_get_case (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_APPROVED);
  text = hall_store_get_license (fixture->store, hall_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);

  fixture->window = gtk_window_new ();
  page = hall_case_page_new ();
  gtk_window_set_child (GTK_WINDOW (fixture->window), page);
  hall_case_page_set_catalog (HALL_CASE_PAGE (page), fixture->catalog);
  hall_case_page_set_store (HALL_CASE_PAGE (page), fixture->store);
  hall_case_page_set_case (HALL_CASE_PAGE (page), stored);
  gtk_window_present (GTK_WINDOW (fixture->window));
  spin ();

  printer = hall_license_printer_new (fixture->store, fixture->catalog, stored, &error);
  g_assert_no_error (error);
  saved = g_build_filename (documents != NULL ? documents : g_get_home_dir (),
                            hall_license_printer_get_number (printer), NULL);
  {
    g_autofree char *with_pdf = g_strconcat (saved, ".pdf", NULL);

    g_free (saved);
    saved = g_steal_pointer (&with_pdf);
  }
  /* Enabled once the page has shown the approved case. */
  g_assert_true (wait_for (save_license, page));
  g_assert_true (wait_for (file_exists, saved));
  from_saved = hall_license_reader_read_file (saved, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_saved, ==, text);

  exported = g_build_filename (g_get_user_cache_dir (), "printed-license.pdf", NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  export_file = g_file_new_for_path (exported);
  g_assert_true (hall_license_printer_print (printer, GTK_WINDOW (fixture->window),
                                             GTK_PRINT_OPERATION_ACTION_EXPORT, export_file,
                                             &error));
  g_assert_no_error (error);
  from_print = hall_license_reader_read_file (exported, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_print, ==, text);
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

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/approval-gui/order", test_lists_in_order);
  ADD ("/approval-gui/keyboard", test_decide_by_keyboard);
  ADD ("/approval-gui/return-needs-reason", test_return_needs_reason);
  ADD ("/approval-gui/supervisor", test_supervisor_counts);
  ADD ("/approval-gui/counter-official", test_counter_official_has_none);
  ADD ("/approval-gui/license-print", test_license_print);
  ADD ("/approval-gui/narrow-folds", test_narrow_folds);
#undef ADD

  return g_test_run ();
}
