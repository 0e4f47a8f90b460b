/* test-intake.c — a whole intake, driven through the dialog's widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <sqlite3.h>
#include <string.h>

#include "hall-applicant-form.h"
#include "hall-applicant-form-private.h"
#include "hall-catalog.h"
#include "hall-gui-resources.h"
#include "hall-intake-dialog.h"
#include "hall-intake-dialog-private.h"
#include "hall-receipt-printer.h"
#include "hall-scan-window.h"
#include "hall-service-row.h"
#include "hall-store.h"
#include "hall-store-sync-private.h"

#define OFFICIAL "demo-official"
/* GB 11643's own example of a valid resident ID, and the same number with
 * a wrong check digit. */
#define ID_VALID   "11010519491231002X"
#define ID_INVALID "110105194912310021"
#define WAIT_SECONDS 10

typedef gboolean (*Condition) (gpointer data);

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @condition holds or the time runs out; the
 * timeout source only makes sure the loop wakes up to look again. */
static gboolean
wait_for (Condition condition,
          gpointer  data)
{
  gint64 end = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;
  guint id = g_timeout_add (20, wake, NULL);
  gboolean ok;

  while (!(ok = condition (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
  return ok;
}

typedef struct
{
  HallStore        *store;
  HallCatalog      *catalog;
  HallIntakeDialog *dialog;
  HallCase         *created;
  guint             n_created;
  gboolean          pdf_done;
  GError           *pdf_error;
} Fixture;

static void
on_case_created (HallIntakeDialog *dialog,
                 HallCase         *kase,
                 Fixture          *fixture)
{
  g_set_object (&fixture->created, kase);
  fixture->n_created++;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "intake.db", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  fixture->store = hall_store_open (path, "YC", "C03", &error);
  g_assert_no_error (error);
  g_assert_true (hall_store_add_demo_officials (fixture->store, &error));
  g_assert_no_error (error);

  fixture->catalog = hall_catalog_new_default (&error);
  g_assert_no_error (error);

  fixture->dialog = hall_intake_dialog_new (NULL, fixture->store, fixture->catalog, OFFICIAL);
  g_object_ref_sink (fixture->dialog);
  g_signal_connect (fixture->dialog, "case-created", G_CALLBACK (on_case_created), fixture);
  gtk_window_present (GTK_WINDOW (fixture->dialog));
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  gpointer dialog = fixture->dialog;
  guint i;

  g_object_add_weak_pointer (G_OBJECT (dialog), &dialog);
  /* A test may have closed the dialog itself. */
  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (window == dialog)
        gtk_window_destroy (GTK_WINDOW (dialog));
    }
  g_object_unref (fixture->dialog);
  g_assert_true (wait_for (window_gone, &dialog));

  g_clear_object (&fixture->created);
  g_clear_error (&fixture->pdf_error);
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
}

/* Conditions */

typedef struct
{
  Fixture    *fixture;
  const char *text;
} Query;

static gboolean
step_is (gpointer data)
{
  Query *q = data;

  return g_strcmp0 (_hall_intake_dialog_get_step (q->fixture->dialog), q->text) == 0;
}

static gboolean
query_applied (gpointer data)
{
  Query *q = data;

  return g_strcmp0 (_hall_intake_dialog_get_search_query (q->fixture->dialog), q->text) == 0;
}

static void
type_search (Fixture    *fixture,
             const char *text)
{
  Query applied = { fixture, text };

  gtk_editable_set_text (_hall_intake_dialog_get_search_entry (fixture->dialog), text);
  g_assert_true (wait_for (query_applied, &applied));
}

static gboolean
selected_service_is (gpointer data)
{
  Query *q = data;
  HallService *service = _hall_intake_dialog_get_selected_service (q->fixture->dialog);

  return service != NULL && g_strcmp0 (hall_service_get_id (service), q->text) == 0;
}

static gboolean
error_shown (gpointer data)
{
  Query *q = data;

  return _hall_applicant_form_get_error (_hall_intake_dialog_get_applicant_form (q->fixture->dialog),
                                         q->text) != NULL;
}

static gboolean
error_cleared (gpointer data)
{
  return !error_shown (data);
}

static gboolean
details_shown (gpointer data)
{
  Fixture *fixture = data;
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);

  return gtk_widget_get_visible (GTK_WIDGET (_hall_applicant_form_get_field (form, "name")));
}

static gboolean
returning (gpointer data)
{
  Fixture *fixture = data;

  return hall_applicant_form_get_returning (_hall_intake_dialog_get_applicant_form (fixture->dialog));
}

static gboolean
next_enabled (gpointer data)
{
  Fixture *fixture = data;

  return gtk_widget_get_sensitive (_hall_intake_dialog_get_next_button (fixture->dialog));
}

static gboolean
case_saved (gpointer data)
{
  Fixture *fixture = data;

  return fixture->created != NULL && !_hall_intake_dialog_is_saving (fixture->dialog);
}

/* The note is written as its own case event once the case exists. */
static gboolean
note_saved (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  events = hall_store_list_case_events (fixture->store, hall_case_get_uuid (fixture->created),
                                        &error);
  g_assert_no_error (error);
  for (i = 0; i < events->len; i++)
    {
      HallCaseEvent *event = g_ptr_array_index (events, i);

      if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_NOTE)
        return g_strcmp0 (hall_case_event_get_note (event),
                          "Brings the lease contract tomorrow") == 0;
    }
  return FALSE;
}

static gboolean
pdf_written (gpointer data)
{
  Fixture *fixture = data;

  return fixture->pdf_done;
}

/* Steps, the way an official goes through them */

static void
search_and_pick (Fixture    *fixture,
                 const char *query)
{
  GtkEditable *search = _hall_intake_dialog_get_search_entry (fixture->dialog);
  Query selected = { fixture, "company_business_license" };
  Query applicant = { fixture, "applicant" };

  g_assert_cmpstr (_hall_intake_dialog_get_step (fixture->dialog), ==, "service");
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (fixture->dialog)),
                                         GTK_WIDGET (search)));

  type_search (fixture, query);
  g_assert_true (selected_service_is (&selected));

  /* Enter in the search entry takes the highlighted service. */
  g_signal_emit_by_name (search, "activate");
  g_assert_true (wait_for (step_is, &applicant));
  g_assert_cmpstr (hall_service_get_id (_hall_intake_dialog_get_service (fixture->dialog)), ==,
                   "company_business_license");
}

static void
set_field (Fixture    *fixture,
           const char *field,
           const char *text)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);

  gtk_editable_set_text (_hall_applicant_form_get_field (form, field), text);
}

/* @summary_part, when not NULL, is read out to the applicant on the
 * confirm step. */
static void
confirm_and_open (Fixture    *fixture,
                  const char *summary_part)
{
  Query confirm = { fixture, "confirm" };
  Query done = { fixture, "done" };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &confirm));
  if (summary_part != NULL)
    g_assert_nonnull (strstr (_hall_intake_dialog_get_applicant_summary (fixture->dialog),
                              summary_part));

  g_clear_object (&fixture->created);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.open-case",
                                             NULL));
  g_assert_true (wait_for (case_saved, fixture));
  g_assert_true (wait_for (step_is, &done));
  g_assert_cmpstr (_hall_intake_dialog_get_case_number_text (fixture->dialog), ==,
                   hall_case_get_number (fixture->created));
}

static void
on_pdf_written (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fixture *fixture = user_data;

  hall_receipt_printer_write_pdf_finish (HALL_RECEIPT_PRINTER (object), result,
                                         &fixture->pdf_error);
  fixture->pdf_done = TRUE;
}

/* (transfer none) (nullable): the scanning window shown, if any. */
static GtkWidget *
find_scan_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (HALL_IS_SCAN_WINDOW (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static GtkWidget *
find_print_dialog (void)
{
  g_autoptr(GListModel) toplevels = NULL;
  GtkWidget *found = NULL;

  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && found == NULL; i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_str_equal (G_OBJECT_TYPE_NAME (window), "GtkPrintUnixDialog")
          && gtk_widget_get_visible (window))
        found = window;
    }
  return found;
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

static gboolean
has_outbox_row (HallStore  *store,
                const char *entity,
                const char *uuid)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  items = hall_store_peek_outbox (store, 100, &error);
  g_assert_no_error (error);
  for (i = 0; i < items->len; i++)
    {
      HallOutboxItem *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->entity, entity) == 0 && g_strcmp0 (item->entity_uuid, uuid) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
applicant_phone_is (gpointer data)
{
  const Query *query = data;
  g_autoptr (HallApplicant) applicant = hall_store_find_applicant (query->fixture->store, ID_VALID,
                                                                   NULL);

  return applicant != NULL && g_strcmp0 (hall_applicant_get_phone (applicant), query->text) == 0;
}

static void
test_intake_flow (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCase) first = NULL;
  g_autoptr(HallCase) second = NULL;
  g_autoptr(HallCase) stored = NULL;
  g_autoptr(HallApplicant) applicant = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GFile) pdf = NULL;
  g_autofree char *contents = NULL;
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  GtkEditable *search = _hall_intake_dialog_get_search_entry (fixture->dialog);
  Query id_error = { fixture, "id_number" };
  Query phone_error = { fixture, "phone" };
  Query name_error = { fixture, "name" };
  Query documents = { fixture, "documents" };
  Query service = { fixture, "service" };
  Query selected = { fixture, "company_business_license" };
  Query second_selected = { fixture, "individual_business_license" };
  JsonArray *checklist;
  const char *message;
  gsize length;
  guint i, n, n_provided = 0;

  /* 1. Service: in English first, then in Chinese with the arrows. */
  type_search (fixture, "business license");
  g_assert_true (selected_service_is (&selected));
  type_search (fixture, "营业执照");
  g_assert_true (selected_service_is (&selected));
  g_signal_emit_by_name (search, "next-match");
  g_assert_true (selected_service_is (&second_selected));
  g_signal_emit_by_name (search, "previous-match");
  g_assert_true (selected_service_is (&selected));
  search_and_pick (fixture, "营业执照");

  /* 2. Applicant: a company that does not exist yet is registered by a
   * person, its founder, so the form starts on a person. */
  g_assert_cmpint (hall_applicant_form_get_kind (form), ==, HALL_APPLICANT_PERSON);
  g_assert_false (next_enabled (fixture));

  set_field (fixture, "id_number", ID_INVALID);
  g_assert_true (wait_for (error_shown, &id_error));
  message = _hall_applicant_form_get_error (form, "id_number");
  g_assert_nonnull (strstr (message, "check digit"));
  g_assert_false (next_enabled (fixture));
  /* Nothing typed is lost when the error appears. */
  g_assert_cmpstr (gtk_editable_get_text (_hall_applicant_form_get_field (form, "id_number")), ==,
                   ID_INVALID);

  /* The message follows what is typed now: retyping from the start, the
   * old verdict goes at once, and the number is not wrong while half typed. */
  g_assert_null (strstr (message, "should be"));
  g_assert_nonnull (strstr (message, "read it again from the card"));
  set_field (fixture, "id_number", "4405");
  g_assert_null (_hall_applicant_form_get_error (form, "id_number"));

  set_field (fixture, "id_number", ID_VALID);
  g_assert_true (wait_for (error_cleared, &id_error));
  g_assert_true (wait_for (details_shown, fixture));
  g_assert_false (returning (fixture));
  g_assert_false (next_enabled (fixture));

  /* An empty name says so at the field when Enter is pressed in it. */
  g_signal_emit_by_name (_hall_applicant_form_get_field (form, "name"), "entry-activated");
  message = _hall_applicant_form_get_error (form, "name");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Name is required"));
  /* An emoji is refused at the field; the text stays as typed. */
  set_field (fixture, "name", "伟😀");
  g_assert_null (_hall_applicant_form_get_error (form, "name"));
  g_assert_true (wait_for (error_shown, &name_error));
  g_assert_nonnull (strstr (_hall_applicant_form_get_error (form, "name"), "emoji"));
  g_assert_cmpstr (gtk_editable_get_text (_hall_applicant_form_get_field (form, "name")), ==,
                   "伟😀");
  g_assert_false (next_enabled (fixture));

  set_field (fixture, "name", "张伟");
  set_field (fixture, "phone", "1380013800");
  g_assert_true (wait_for (error_shown, &phone_error));
  g_assert_false (next_enabled (fixture));
  set_field (fixture, "phone", "13800138000");
  g_assert_true (wait_for (next_enabled, fixture));
  g_assert_null (_hall_applicant_form_get_error (form, "phone"));

  /* Enter in the last field advances. */
  g_signal_emit_by_name (_hall_applicant_form_get_field (form, "phone"), "entry-activated");
  g_assert_true (wait_for (step_is, &documents));

  /* 3. Documents: all but the lease. */
  n = _hall_intake_dialog_get_n_documents (fixture->dialog);
  g_assert_cmpuint (n, ==, 6);
  g_assert_nonnull (strstr (_hall_intake_dialog_get_missing_text (fixture->dialog), "6"));
  for (i = 0; i < n; i++)
    if (i != 4)
      gtk_check_button_set_active (_hall_intake_dialog_get_document_check (fixture->dialog, i), TRUE);
  g_assert_nonnull (strstr (_hall_intake_dialog_get_missing_text (fixture->dialog), "1 document"));
  gtk_editable_set_text (_hall_intake_dialog_get_note (fixture->dialog),
                         "Brings the lease contract tomorrow");

  /* 4 and 5. Confirm (with the phone to check), open, receipt. */
  confirm_and_open (fixture, "13800138000");
  first = g_object_ref (fixture->created);
  g_assert_cmpuint (fixture->n_created, ==, 1);

  /* The documents can be scanned into the new case at once, the first one
   * still without pages first. */
  {
    GtkWidget *scan;
    g_autofree char *case_uuid = NULL;
    g_autofree char *slot = NULL;

    g_assert_null (find_scan_window ());
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog),
                                               "intake.scan-documents", NULL));
    scan = find_scan_window ();
    g_assert_nonnull (scan);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (scan)) == GTK_WINDOW (fixture->dialog));
    g_object_get (scan, "case-uuid", &case_uuid, "slot", &slot, NULL);
    g_assert_cmpstr (case_uuid, ==, hall_case_get_uuid (first));
    g_assert_cmpstr (slot, ==, hall_service_get_document (
                                 hall_catalog_lookup (fixture->catalog,
                                                      hall_case_get_service_id (first)), 0)->id);
    gtk_window_destroy (GTK_WINDOW (scan));
  }
  g_assert_true (g_str_has_prefix (hall_case_get_number (first), "YC-"));

  stored = hall_store_get_case_by_number (fixture->store, hall_case_get_number (first), &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (hall_case_get_uuid (stored), ==, hall_case_get_uuid (first));
  g_assert_cmpstr (hall_case_get_service_id (stored), ==, "company_business_license");
  g_assert_cmpstr (hall_case_get_counter (stored), ==, "C03");
  g_assert_cmpstr (hall_case_get_official (stored), ==, OFFICIAL);
  g_assert_cmpint (hall_case_get_state (stored), ==, HALL_CASE_RECEIVED);
  g_assert_cmpint (hall_case_get_promised_at (stored), >, hall_case_get_created_at (stored));
  checklist = hall_case_get_checklist (stored);
  g_assert_cmpuint (json_array_get_length (checklist), ==, 6);
  for (i = 0; i < 6; i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (json_object_get_boolean_member (item, "provided"))
        n_provided++;
      else
        g_assert_cmpstr (json_object_get_string_member (item, "id"), ==, "premises_proof");
    }
  g_assert_cmpuint (n_provided, ==, 5);

  applicant = hall_store_get_applicant (fixture->store, hall_case_get_applicant_uuid (stored), &error);
  g_assert_no_error (error);
  g_assert_nonnull (applicant);
  g_assert_cmpstr (hall_applicant_get_name (applicant), ==, "张伟");
  g_assert_cmpstr (hall_applicant_get_id_number (applicant), ==, ID_VALID);
  g_assert_cmpstr (hall_applicant_get_phone (applicant), ==, "13800138000");
  g_assert_cmpint (hall_applicant_get_id_type (applicant), ==, HALL_ID_TYPE_RESIDENT_ID);

  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 1);
  g_assert_true (has_outbox_row (fixture->store, "case", hall_case_get_uuid (first)));
  g_assert_true (has_outbox_row (fixture->store, "applicant", hall_applicant_get_uuid (applicant)));
  g_assert_true (wait_for (note_saved, fixture));

  /* The receipt, as "Save Receipt as PDF" writes it once a place is chosen. */
  g_assert_nonnull (_hall_intake_dialog_get_receipt (fixture->dialog));
  pdf = g_file_new_build_filename (g_get_user_data_dir (), "receipt.pdf", NULL);
  hall_receipt_printer_write_pdf_async (_hall_intake_dialog_get_printer (fixture->dialog),
                                        _hall_intake_dialog_get_receipt (fixture->dialog),
                                        pdf, NULL, on_pdf_written, fixture);
  g_assert_true (wait_for (pdf_written, fixture));
  g_assert_no_error (fixture->pdf_error);
  g_assert_true (g_file_load_contents (pdf, NULL, &contents, &length, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  /* Ctrl+P on the receipt printer chosen once goes straight to it, with no
   * dialog; Ctrl+Shift+P shows the dialog. */
  {
    HallReceiptPrinter *printer = _hall_intake_dialog_get_printer (fixture->dialog);
    g_autoptr(GSettings) settings = g_settings_new ("org.servicehall.Counter");
    g_autofree char *kept = NULL;
    g_autoptr(GFile) folder = hall_receipt_printer_get_pdf_folder ();
    g_autofree char *folder_path = g_file_get_path (folder);
    GtkWidget *print_dialog;

    /* Only GTK's file backend: no CUPS is asked for its printers. */
    g_object_set (gtk_settings_get_default (), "gtk-print-backends", "file", NULL);
    hall_receipt_printer_set_default_printer (printer, "Print to File");
    kept = g_settings_get_string (settings, "receipt-printer");
    g_assert_cmpstr (kept, ==, "Print to File");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog),
                                               "intake.print-receipt", NULL));
    g_assert_null (find_print_dialog ());
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog),
                                               "intake.print-receipt-dialog", NULL));
    g_assert_true (wait_for (print_dialog_shown, NULL));
    print_dialog = find_print_dialog ();
    gtk_dialog_response (GTK_DIALOG (print_dialog), GTK_RESPONSE_CANCEL);
    g_assert_true (wait_for (print_dialog_gone, NULL));
    /* Forgetting it brings the dialog back to Ctrl+P. */
    hall_receipt_printer_set_default_printer (printer, NULL);
    g_clear_pointer (&kept, g_free);
    kept = g_settings_get_string (settings, "receipt-printer");
    g_assert_cmpstr (kept, ==, "");
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog),
                                               "intake.print-receipt", NULL));
    g_assert_true (wait_for (print_dialog_shown, NULL));
    gtk_dialog_response (GTK_DIALOG (find_print_dialog ()), GTK_RESPONSE_CANCEL);
    g_assert_true (wait_for (print_dialog_gone, NULL));

    /* PDFs are saved to the documents folder, not the working directory. */
    g_assert_cmpstr (folder_path, ==, g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS) != NULL
                                        ? g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS)
                                        : g_get_home_dir ());
  }

  /* A second intake for the same person reuses the applicant. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.new-intake",
                                             NULL));
  g_assert_true (wait_for (step_is, &service));
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
  search_and_pick (fixture, "business license");
  hall_applicant_form_set_kind (form, HALL_APPLICANT_PERSON);
  g_assert_cmpstr (gtk_editable_get_text (_hall_applicant_form_get_field (form, "id_number")), ==, "");
  set_field (fixture, "id_number", ID_VALID);
  g_assert_true (wait_for (returning, fixture));
  g_assert_false (details_shown (fixture));

  /* The returning applicant's phone is shown, and can be corrected: a
   * number that is not one is refused at the row and changes nothing. */
  {
    AdwEntryRow *phone_row = ADW_ENTRY_ROW (
      gtk_widget_get_template_child (GTK_WIDGET (form), HALL_TYPE_APPLICANT_FORM,
                                     "returning_phone_row"));
    GtkLabel *status = GTK_LABEL (
      gtk_widget_get_template_child (GTK_WIDGET (form), HALL_TYPE_APPLICANT_FORM,
                                     "returning_phone_status"));
    Query corrected = { fixture, "13987654321" };

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (phone_row)));
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (phone_row)), ==, "13800138000");
    gtk_editable_set_text (GTK_EDITABLE (phone_row), "1398765432");
    g_signal_emit_by_name (phone_row, "apply");
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (phone_row), "error"));
    g_assert_nonnull (strstr (gtk_label_get_text (status), "11"));
    gtk_editable_set_text (GTK_EDITABLE (phone_row), "139 8765 4321");
    g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (phone_row), "error"));
    g_signal_emit_by_name (phone_row, "apply");
    g_assert_true (wait_for (applicant_phone_is, &corrected));
  }

  g_assert_true (wait_for (next_enabled, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &documents));
  confirm_and_open (fixture, NULL);
  second = g_object_ref (fixture->created);
  g_assert_cmpuint (fixture->n_created, ==, 2);

  g_assert_cmpstr (hall_case_get_number (second), !=, hall_case_get_number (first));
  g_assert_cmpstr (hall_case_get_applicant_uuid (second), ==, hall_applicant_get_uuid (applicant));
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 2);
  cases = hall_store_list_applicant_cases (fixture->store, hall_applicant_get_uuid (applicant),
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 2);
  g_clear_object (&applicant);
  applicant = hall_store_find_applicant (fixture->store, ID_VALID, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hall_applicant_get_uuid (applicant), ==, hall_case_get_applicant_uuid (first));
}

static gboolean
not_returning (gpointer data)
{
  return details_shown (data) && !returning (data);
}

static void
set_id_type (Fixture    *fixture,
             HallIdType  id_type)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  AdwComboRow *row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (form),
                                                                   HALL_TYPE_APPLICANT_FORM,
                                                                   "id_type_row"));

  adw_combo_row_set_selected (row, id_type);
}

static HallApplicant *
save_applicant (Fixture       *fixture,
                HallApplicant *applicant)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (hall_store_save_applicant (fixture->store, applicant, &error));
  g_assert_no_error (error);
  return applicant;
}

/* Whatever the document, typed again it finds the applicant that holds
 * it: a passport, a travel permit and a credit code as a resident ID; the
 * same number as another type of ID is another document. */
static void
test_intake_returning_documents (Fixture       *fixture,
                                 gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  g_autoptr(HallApplicant) passport =
    save_applicant (fixture, hall_applicant_new_person ("John Smith", HALL_ID_TYPE_PASSPORT,
                                                        "E12345678", NULL));
  g_autoptr(HallApplicant) permit =
    save_applicant (fixture, hall_applicant_new_person ("陈大文", HALL_ID_TYPE_HK_MACAU_PERMIT,
                                                        "H12345678", NULL));
  g_autoptr(HallApplicant) company =
    save_applicant (fixture, hall_applicant_new_business ("银川市测试有限公司",
                                                          "91640100694329053P", "李四"));
  g_autoptr(HallApplicant) found = NULL;

  search_and_pick (fixture, "营业执照");
  hall_applicant_form_set_kind (form, HALL_APPLICANT_PERSON);
  set_id_type (fixture, HALL_ID_TYPE_PASSPORT);
  set_field (fixture, "id_number", "e12345678");
  g_assert_true (wait_for (returning, fixture));
  found = hall_applicant_form_dup_applicant (form);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (passport));
  g_clear_object (&found);

  set_id_type (fixture, HALL_ID_TYPE_HK_MACAU_PERMIT);
  set_field (fixture, "id_number", "H12345678");
  g_assert_true (wait_for (returning, fixture));
  found = hall_applicant_form_dup_applicant (form);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (permit));
  g_clear_object (&found);

  /* The same number as a passport: nobody's yet. */
  set_id_type (fixture, HALL_ID_TYPE_PASSPORT);
  g_assert_true (wait_for (not_returning, fixture));

  hall_applicant_form_set_kind (form, HALL_APPLICANT_BUSINESS);
  set_field (fixture, "credit_code", "91640100694329053P");
  g_assert_true (wait_for (returning, fixture));
  found = hall_applicant_form_dup_applicant (form);
  g_assert_cmpstr (hall_applicant_get_uuid (found), ==, hall_applicant_get_uuid (company));
}

static gboolean
contact_person_shown (gpointer data)
{
  Fixture *fixture = data;
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);

  return gtk_widget_get_visible (
    GTK_WIDGET (_hall_applicant_form_get_field (form, "contact_person")));
}

/* A business names its contact person beside the contact phone: optional,
 * but a person's name when given, refused at the field otherwise. */
static void
test_intake_business_contact (Fixture       *fixture,
                              gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  g_autoptr(HallApplicant) applicant = NULL;

  search_and_pick (fixture, "营业执照");
  hall_applicant_form_set_kind (form, HALL_APPLICANT_BUSINESS);
  set_field (fixture, "credit_code", "91350100M000100Y43");
  g_assert_true (wait_for (contact_person_shown, fixture));
  g_assert_false (returning (fixture));
  set_field (fixture, "business_name", "某某科技有限公司");
  set_field (fixture, "legal_representative", "王五");
  set_field (fixture, "phone", "0951-5012345");
  /* Left empty it is no error. */
  applicant = hall_applicant_form_dup_applicant (form);
  g_assert_nonnull (applicant);
  g_assert_null (hall_applicant_get_contact_person (applicant));
  g_clear_object (&applicant);

  set_field (fixture, "contact_person", "李明😀");
  g_signal_emit_by_name (_hall_applicant_form_get_field (form, "contact_person"),
                         "entry-activated");
  g_assert_nonnull (_hall_applicant_form_get_error (form, "contact_person"));
  g_assert_null (hall_applicant_form_dup_applicant (form));

  set_field (fixture, "contact_person", "阿依古丽·买买提");
  g_assert_null (_hall_applicant_form_get_error (form, "contact_person"));
  applicant = hall_applicant_form_dup_applicant (form);
  g_assert_nonnull (applicant);
  g_assert_cmpstr (hall_applicant_get_contact_person (applicant), ==, "阿依古丽·买买提");
  g_assert_cmpstr (hall_applicant_get_phone (applicant), ==, "0951-5012345");
}

static gboolean
notice_shown (gpointer data)
{
  Fixture *fixture = data;

  return !_hall_intake_dialog_is_saving (fixture->dialog)
         && _hall_intake_dialog_get_notice_text (fixture->dialog) != NULL
         && returning (fixture);
}

/* The person typed in as new was registered meanwhile (pulled from the
 * server while the official typed): the save meets the holder, the dialog
 * shows it on the confirm step and opens the case for it at the next
 * click, with everything typed kept; no second applicant is made. */
static void
test_intake_holder_arrived (Fixture       *fixture,
                            gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  Query documents = { fixture, "documents" };
  Query confirm = { fixture, "confirm" };
  Query done = { fixture, "done" };
  g_autoptr(HallApplicant) holder = NULL;
  g_autoptr(JsonArray) checklist = NULL;
  g_autoptr(GError) error = NULL;
  guint n_provided = 0;

  search_and_pick (fixture, "营业执照");
  hall_applicant_form_set_kind (form, HALL_APPLICANT_PERSON);
  set_field (fixture, "id_number", ID_VALID);
  g_assert_true (wait_for (details_shown, fixture));
  set_field (fixture, "name", "张伟");
  set_field (fixture, "phone", "13800138000");
  g_assert_true (wait_for (next_enabled, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &documents));
  gtk_check_button_set_active (_hall_intake_dialog_get_document_check (fixture->dialog, 0), TRUE);
  gtk_editable_set_text (_hall_intake_dialog_get_note (fixture->dialog),
                         "Brings the lease contract tomorrow");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &confirm));
  g_assert_nonnull (strstr (_hall_intake_dialog_get_applicant_summary (fixture->dialog),
                            "13800138000"));

  holder = save_applicant (fixture, hall_applicant_new_person ("张伟", HALL_ID_TYPE_RESIDENT_ID,
                                                               ID_VALID, "13900000009"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.open-case",
                                             NULL));
  g_assert_true (wait_for (notice_shown, fixture));
  g_assert_null (fixture->created);
  g_assert_null (_hall_intake_dialog_get_error_text (fixture->dialog));
  g_assert_cmpstr (_hall_intake_dialog_get_step (fixture->dialog), ==, "confirm");
  g_assert_nonnull (strstr (_hall_intake_dialog_get_applicant_summary (fixture->dialog),
                            "13900000009"));
  /* What was typed for the new applicant is still there. */
  g_assert_cmpstr (gtk_editable_get_text (_hall_applicant_form_get_field (form, "phone")), ==,
                   "13800138000");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.open-case",
                                             NULL));
  g_assert_true (wait_for (case_saved, fixture));
  g_assert_true (wait_for (step_is, &done));
  g_assert_cmpstr (hall_case_get_applicant_uuid (fixture->created), ==,
                   hall_applicant_get_uuid (holder));
  g_assert_true (wait_for (note_saved, fixture));
  checklist = json_array_ref (hall_case_get_checklist (fixture->created));
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    if (json_object_get_boolean_member (json_array_get_object_element (checklist, i), "provided"))
      n_provided++;
  g_assert_cmpuint (n_provided, ==, 1);
  /* No applicant was made but the holder. */
  {
    g_autoptr(GPtrArray) items = hall_store_peek_outbox (fixture->store, 100, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < items->len; i++)
      if (g_strcmp0 (((HallOutboxItem *) items->pdata[i])->entity, "applicant") == 0)
        g_assert_cmpstr (((HallOutboxItem *) items->pdata[i])->entity_uuid, ==,
                         hall_applicant_get_uuid (holder));
  }
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 1);
}

static gboolean
open_failed (gpointer data)
{
  Fixture *fixture = data;

  return !_hall_intake_dialog_is_saving (fixture->dialog)
         && _hall_intake_dialog_get_error_text (fixture->dialog) != NULL;
}

/* Another connection to the counter's database, to make writes fail. */
static void
run_sql (Fixture    *fixture,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (hall_store_get_path (fixture->store), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* When the store refuses the case, the official sees why on the confirm
 * step, nothing typed is lost, and a second try goes through. */
static void
test_intake_open_fails (Fixture       *fixture,
                        gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  Query documents = { fixture, "documents" };
  Query confirm = { fixture, "confirm" };
  Query done = { fixture, "done" };

  search_and_pick (fixture, "营业执照");
  hall_applicant_form_set_kind (form, HALL_APPLICANT_PERSON);
  set_field (fixture, "id_number", ID_VALID);
  g_assert_true (wait_for (details_shown, fixture));
  set_field (fixture, "name", "张伟");
  set_field (fixture, "phone", "13800138000");
  g_assert_true (wait_for (next_enabled, fixture));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &documents));
  gtk_check_button_set_active (_hall_intake_dialog_get_document_check (fixture->dialog, 0), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.next", NULL));
  g_assert_true (wait_for (step_is, &confirm));

  run_sql (fixture, "CREATE TRIGGER refuse BEFORE INSERT ON cases "
                    "BEGIN SELECT RAISE (ABORT, 'the disk is full'); END;");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.open-case",
                                             NULL));
  g_assert_true (wait_for (open_failed, fixture));
  g_assert_nonnull (strstr (_hall_intake_dialog_get_error_text (fixture->dialog),
                            "the disk is full"));
  g_assert_cmpstr (_hall_intake_dialog_get_step (fixture->dialog), ==, "confirm");
  g_assert_null (fixture->created);
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (_hall_applicant_form_get_field (form, "name")), ==,
                   "张伟");
  g_assert_true (gtk_check_button_get_active (_hall_intake_dialog_get_document_check (fixture->dialog, 0)));

  run_sql (fixture, "DROP TRIGGER refuse;");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.open-case",
                                             NULL));
  g_assert_true (wait_for (case_saved, fixture));
  g_assert_true (wait_for (step_is, &done));
  g_assert_null (_hall_intake_dialog_get_error_text (fixture->dialog));
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 1);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint i;

  for (i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return find_message_dialog () != NULL;
}

static gboolean
window_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (data));
}

/* Escape goes back a step; on the first step, with something typed, it
 * asks before throwing the intake away. */
static void
test_intake_cancel (Fixture       *fixture,
                    gconstpointer  data)
{
  GtkEditable *search = _hall_intake_dialog_get_search_entry (fixture->dialog);
  Query service = { fixture, "service" };

  search_and_pick (fixture, "营业执照");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.back", NULL));
  g_assert_true (wait_for (step_is, &service));
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "营业执照");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.back", NULL));
  g_assert_true (wait_for (message_dialog_shown, NULL));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));

  adw_message_dialog_response (find_message_dialog (), "cancel");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  g_assert_cmpstr (gtk_editable_get_text (search), ==, "营业执照");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->dialog), "intake.back", NULL));
  g_assert_true (wait_for (message_dialog_shown, NULL));
  adw_message_dialog_response (find_message_dialog (), "discard");
  g_assert_true (wait_for (window_hidden, fixture->dialog));
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 0);
}

/* A barcode scanner, or a quick official, presses Enter before the search
 * entry's delay is over: the service taken is the one for what is typed,
 * not the best match of the query before. */
static void
test_intake_enter_before_search (Fixture       *fixture,
                                 gconstpointer  data)
{
  GtkEditable *search = _hall_intake_dialog_get_search_entry (fixture->dialog);
  Query applicant = { fixture, "applicant" };

  type_search (fixture, "营业执照");
  gtk_editable_set_text (search, "invoice");
  g_signal_emit_by_name (search, "activate");
  g_assert_true (wait_for (step_is, &applicant));
  g_assert_cmpstr (hall_service_get_id (_hall_intake_dialog_get_service (fixture->dialog)), ==,
                   "invoice_application");
}

static gboolean
focus_in (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Alt+P on "Person" when the applicant already is a person: the keys go
 * on to the ID number, as they do when the kind changes. */
static void
test_intake_kind_mnemonic (Fixture       *fixture,
                           gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  GtkWidget *person = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (form),
                                                                 HALL_TYPE_APPLICANT_FORM,
                                                                 "person_button"));
  GtkWidget *id_number = GTK_WIDGET (_hall_applicant_form_get_field (form, "id_number"));

  search_and_pick (fixture, "营业执照");
  g_assert_cmpint (hall_applicant_form_get_kind (form), ==, HALL_APPLICANT_PERSON);
  g_assert_true (gtk_widget_mnemonic_activate (person, FALSE));
  g_assert_true (wait_for (focus_in, id_number));
}

/* Ctrl+Enter as a keyboard sends it: the X server's XTest extension
 * (xdotool) presses the keys into the dialog, given the input focus, so
 * the key travels from the focused widget up as a real one does. */
static void
press_ctrl_enter (Fixture *fixture)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (fixture->dialog));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autoptr(GError) error = NULL;
  const char *focus[] = { "xdotool", "windowfocus", "--sync", xid, NULL };
  const char *key[] = { "xdotool", "key", "--clearmodifiers", "ctrl+Return", NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) focus, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) key, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static gboolean
spun (gpointer data)
{
  gint64 *until = data;

  return g_get_monotonic_time () >= *until;
}

/* Lets the key (or whatever it would do) arrive. */
static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  wait_for (spun, &until);
}

/* Ctrl+Enter goes on from every step, wherever the focus is: service,
 * applicant (from inside a field), documents, confirm (opens the case),
 * done (the next intake); on a form not valid yet it does nothing. */
static void
test_intake_ctrl_enter (Fixture       *fixture,
                        gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  Query applicant = { fixture, "applicant" };
  Query documents = { fixture, "documents" };
  Query confirm = { fixture, "confirm" };
  Query done = { fixture, "done" };
  Query service = { fixture, "service" };

  type_search (fixture, "营业执照");
  press_ctrl_enter (fixture);
  g_assert_true (wait_for (step_is, &applicant));
  g_assert_cmpstr (hall_service_get_id (_hall_intake_dialog_get_service (fixture->dialog)), ==,
                   "company_business_license");

  /* A form not valid yet keeps the official on it. */
  set_field (fixture, "id_number", ID_VALID);
  g_assert_true (wait_for (details_shown, fixture));
  press_ctrl_enter (fixture);
  spin_for (200);
  g_assert_cmpstr (_hall_intake_dialog_get_step (fixture->dialog), ==, "applicant");

  set_field (fixture, "name", "张伟");
  set_field (fixture, "phone", "13800138000");
  g_assert_true (wait_for (next_enabled, fixture));
  gtk_widget_grab_focus (GTK_WIDGET (_hall_applicant_form_get_field (form, "name")));
  press_ctrl_enter (fixture);
  g_assert_true (wait_for (step_is, &documents));

  press_ctrl_enter (fixture);
  g_assert_true (wait_for (step_is, &confirm));

  g_clear_object (&fixture->created);
  press_ctrl_enter (fixture);
  g_assert_true (wait_for (case_saved, fixture));
  g_assert_true (wait_for (step_is, &done));
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 1);

  press_ctrl_enter (fixture);
  g_assert_true (wait_for (step_is, &service));
  g_assert_cmpstr (gtk_editable_get_text (_hall_intake_dialog_get_search_entry (fixture->dialog)),
                   ==, "");
  g_assert_cmpuint (hall_store_count_cases (fixture->store), ==, 1);
}

static const char *
id_readout (HallApplicantForm *form)
{
  GtkWidget *label = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (form),
                                                                HALL_TYPE_APPLICANT_FORM,
                                                                "id_number_readout"));

  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

/* The birth date and sex a resident ID records show beside it, to be
 * compared with the card; only for a valid resident ID. */
static void
test_intake_id_readout (Fixture       *fixture,
                        gconstpointer  data)
{
  HallApplicantForm *form = _hall_intake_dialog_get_applicant_form (fixture->dialog);
  AdwComboRow *id_type = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (form),
                                                                       HALL_TYPE_APPLICANT_FORM,
                                                                       "id_type_row"));

  search_and_pick (fixture, "营业执照");
  g_assert_null (id_readout (form));

  /* GB 11643's example: born 1949-12-31, sequence 002, a woman. */
  set_field (fixture, "id_number", ID_VALID);
  g_assert_cmpstr (id_readout (form), ==, "born 1949-12-31, female");
  /* Typed with a small x, as it often is. */
  set_field (fixture, "id_number", "11010519491231002x");
  g_assert_cmpstr (id_readout (form), ==, "born 1949-12-31, female");
  /* Born 1985-06-12, sequence 001: a man. */
  set_field (fixture, "id_number", "640104198506120015");
  g_assert_cmpstr (id_readout (form), ==, "born 1985-06-12, male");

  /* Nothing is read from a number that is not valid, or half typed. */
  set_field (fixture, "id_number", ID_INVALID);
  g_assert_null (id_readout (form));
  set_field (fixture, "id_number", "64010419850612");
  g_assert_null (id_readout (form));

  /* Nor from another kind of document. */
  set_field (fixture, "id_number", ID_VALID);
  g_assert_nonnull (id_readout (form));
  adw_combo_row_set_selected (id_type, HALL_ID_TYPE_PASSPORT);
  g_assert_null (id_readout (form));
  adw_combo_row_set_selected (id_type, HALL_ID_TYPE_RESIDENT_ID);
  g_assert_cmpstr (id_readout (form), ==, "born 1949-12-31, female");

  hall_applicant_form_reset (form);
  g_assert_null (id_readout (form));
}

/* Every template this area owns must build: a bad .ui fails only at run
 * time. */
static void
test_intake_templates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = hall_catalog_new_default (&error);
  GtkWidget *row;
  GtkWidget *form;
  GtkWidget *window;
  GtkWidget *id_type_row;
  GtkLabel *badge;

  g_assert_no_error (error);

  row = g_object_ref_sink (hall_service_row_new ());
  hall_service_row_set_service (HALL_SERVICE_ROW (row),
                                hall_catalog_lookup (catalog, "resident_id_card_renewal"));
  g_assert_cmpstr (hall_service_get_id (hall_service_row_get_service (HALL_SERVICE_ROW (row))), ==,
                   "resident_id_card_renewal");
  /* Not "Online", which next to the counter's own "Offline" read as the
   * state of the network. */
  badge = GTK_LABEL (gtk_widget_get_template_child (row, HALL_TYPE_SERVICE_ROW, "online_badge"));
  g_assert_cmpstr (gtk_label_get_label (badge), ==, "Also online");
  g_object_unref (row);

  form = g_object_ref_sink (hall_applicant_form_new ());
  g_assert_false (hall_applicant_form_get_valid (HALL_APPLICANT_FORM (form)));
  g_assert_false (hall_applicant_form_has_input (HALL_APPLICANT_FORM (form)));
  g_assert_null (hall_applicant_form_dup_applicant (HALL_APPLICANT_FORM (form)));

  /* The ID types have item templates of their own, for the row and for
   * the popover; both are built only when shown. */
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), form);
  gtk_window_present (GTK_WINDOW (window));
  id_type_row = GTK_WIDGET (gtk_widget_get_template_child (form, HALL_TYPE_APPLICANT_FORM,
                                                          "id_type_row"));
  g_assert_true (ADW_IS_COMBO_ROW (id_type_row));
  g_assert_true (gtk_widget_activate (id_type_row));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  /* Down first, so no event is left for a popover whose surface is gone. */
  gtk_widget_set_visible (window, FALSE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (form);
}

static void
test_intake_format (void)
{
  g_autofree char *minutes = hall_service_format_promise (30);
  g_autofree char *hours = hall_service_format_promise (240);
  g_autofree char *mixed = hall_service_format_promise (90);
  g_autofree char *days = hall_service_format_promise (7200);
  g_autofree char *free_fee = hall_service_format_fee (0);
  g_autofree char *fee = hall_service_format_fee (2000);

  g_assert_cmpstr (minutes, ==, "30 minutes");
  g_assert_cmpstr (hours, ==, "4 hours");
  g_assert_cmpstr (mixed, ==, "1 h 30 min");
  g_assert_cmpstr (days, ==, "5 working days");
  g_assert_cmpstr (free_fee, ==, "Free");
  g_assert_cmpstr (fee, ==, "¥20.00");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sane = NULL;
  g_autoptr(GPtrArray) mime_dirs = g_ptr_array_new_with_free_func (g_free);
  const char * const *data_dirs = g_get_system_data_dirs ();
  guint i;

  /* The strings the tests compare are the English source strings. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  /* The isolated data dirs have no MIME database, and without one the icon
   * loader cannot tell an SVG icon from junk: keep the system's. */
  for (i = 0; data_dirs[i] != NULL; i++)
    g_ptr_array_add (mime_dirs, g_build_filename (data_dirs[i], "mime", NULL));
  g_ptr_array_add (mime_dirs, NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  /* SANE's test backend alone: no real scanner or network probe. */
  sane = g_test_build_filename (G_TEST_DIST, "data", "sane", NULL);
  g_setenv ("SANE_CONFIG_DIR", sane, TRUE);
  g_content_type_set_mime_dirs ((const char * const *) mime_dirs->pdata);
  gtk_init ();
  adw_init ();
  /* Pulls the templates' resource bundle out of the static library. */
  g_assert_nonnull (hall_gui_get_resource ());

  g_test_add_func ("/hall/intake/templates", test_intake_templates);
  g_test_add_func ("/hall/intake/format", test_intake_format);
  g_test_add ("/hall/intake/flow", Fixture, NULL, fixture_set_up, test_intake_flow,
              fixture_tear_down);
  g_test_add ("/hall/intake/ctrl-enter", Fixture, NULL, fixture_set_up, test_intake_ctrl_enter,
              fixture_tear_down);
  g_test_add ("/hall/intake/id-readout", Fixture, NULL, fixture_set_up, test_intake_id_readout,
              fixture_tear_down);
  g_test_add ("/hall/intake/cancel", Fixture, NULL, fixture_set_up, test_intake_cancel,
              fixture_tear_down);
  g_test_add ("/hall/intake/enter-before-search", Fixture, NULL, fixture_set_up,
              test_intake_enter_before_search, fixture_tear_down);
  g_test_add ("/hall/intake/kind-mnemonic", Fixture, NULL, fixture_set_up,
              test_intake_kind_mnemonic, fixture_tear_down);
  g_test_add ("/hall/intake/business-contact", Fixture, NULL, fixture_set_up,
              test_intake_business_contact, fixture_tear_down);
  g_test_add ("/hall/intake/returning-documents", Fixture, NULL, fixture_set_up,
              test_intake_returning_documents, fixture_tear_down);
  g_test_add ("/hall/intake/holder-arrived", Fixture, NULL, fixture_set_up,
              test_intake_holder_arrived, fixture_tear_down);
  g_test_add ("/hall/intake/open-fails", Fixture, NULL, fixture_set_up, test_intake_open_fails,
              fixture_tear_down);

  return g_test_run ();
}
