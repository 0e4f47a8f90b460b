/* hall-intake-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-applicant-form.h"
#include "hall-case-event.h"
#include "hall-case-promise.h"
#include "hall-dialog-size.h"
#include "hall-intake-dialog.h"
#include "hall-intake-dialog-private.h"
#include "hall-receipt-printer.h"
#include "hall-scan-window.h"
#include "hall-service-row.h"
#include "hall-store-pages.h"

typedef enum
{
  STEP_SERVICE,
  STEP_APPLICANT,
  STEP_DOCUMENTS,
  STEP_CONFIRM,
  STEP_DONE,
  N_STEPS
} Step;

static const char * const step_names[N_STEPS] = {
  "service", "applicant", "documents", "confirm", "done",
};

struct _HallIntakeDialog
{
  AdwWindow           parent_instance;

  HallStore          *store;
  HallCatalog        *catalog;
  char               *official;
  gint64              started_at;     /* the queue ticket's issue time, or 0 */
  char               *official_name;  /* display name, for the receipt */

  Step                step;
  HallService        *service;
  GPtrArray          *document_rows;
  GPtrArray          *document_checks;
  char               *search_query;
  char              **search_tokens;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;

  GCancellable       *cancellable;
  gboolean            saving;
  gboolean            discard_confirmed;
  HallCase           *pending_case;
  HallCase           *kase;
  HallApplicant      *applicant;
  HallReceipt        *receipt;
  HallReceiptPrinter *printer;

  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  GtkWidget          *back_button;
  GtkWidget          *next_button;
  GtkLabel           *step_labels[N_STEPS];
  GtkStack           *stack;
  GtkSearchEntry     *search_entry;
  GtkStack           *service_stack;
  GtkListView        *service_list;
  GtkLabel           *applicant_service_label;
  HallApplicantForm  *applicant_form;
  AdwPreferencesGroup *documents_group;
  GtkWidget          *missing_box;
  GtkLabel           *missing_label;
  AdwEntryRow        *note_row;
  AdwActionRow       *confirm_service_row;
  AdwActionRow       *confirm_applicant_row;
  AdwActionRow       *confirm_documents_row;
  AdwActionRow       *confirm_promise_row;
  AdwActionRow       *confirm_fee_row;
  AdwActionRow       *confirm_note_row;
  GtkLabel           *confirm_notice_label;
  GtkLabel           *confirm_error_label;
  GtkSpinner         *saving_spinner;
  GtkWidget          *open_case_button;
  GtkLabel           *case_number_label;
  GtkLabel           *done_promise_label;
  GtkLabel           *done_missing_label;
  GtkWidget          *print_button;
};

G_DEFINE_FINAL_TYPE (HallIntakeDialog, hall_intake_dialog, ADW_TYPE_WINDOW)

enum
{
  CASE_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void go_to (HallIntakeDialog *self,
                   Step              step);

static gboolean
prefers_chinese (void)
{
  const char * const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

static const char *
document_name (const HallRequiredDocument *doc)
{
  return prefers_chinese () && doc->name_zh != NULL ? doc->name_zh : doc->name;
}

static void
show_toast (HallIntakeDialog *self,
            const char       *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static HallService *
get_selected_service (HallIntakeDialog *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static guint
count_missing (HallIntakeDialog *self)
{
  guint i, n_missing = 0;

  for (i = 0; i < self->document_checks->len; i++)
    if (!gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
      n_missing++;
  return n_missing;
}

static gboolean
has_input (HallIntakeDialog *self)
{
  return *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0'
         || hall_applicant_form_has_input (self->applicant_form)
         || *gtk_editable_get_text (GTK_EDITABLE (self->note_row)) != '\0'
         || count_missing (self) < self->document_checks->len;
}

static void
update_actions (HallIntakeDialog *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean can_next = FALSE;

  switch (self->step)
    {
    case STEP_SERVICE:
      can_next = get_selected_service (self) != NULL;
      break;
    case STEP_APPLICANT:
      can_next = hall_applicant_form_get_valid (self->applicant_form);
      break;
    case STEP_DOCUMENTS:
      can_next = TRUE;
      break;
    case STEP_CONFIRM:
    case STEP_DONE:
    case N_STEPS:
    default:
      break;
    }

  gtk_widget_action_set_enabled (widget, "intake.next", can_next && !self->saving);
  gtk_widget_action_set_enabled (widget, "intake.back", !self->saving);
  /* A lookup under way (after a save met the document's holder) leaves
   * no applicant to open the case for yet. */
  gtk_widget_action_set_enabled (widget, "intake.open-case",
                                 self->step == STEP_CONFIRM && !self->saving
                                 && hall_applicant_form_get_valid (self->applicant_form));
  gtk_widget_action_set_enabled (widget, "intake.print-receipt",
                                 self->step == STEP_DONE && self->receipt != NULL);
  gtk_widget_action_set_enabled (widget, "intake.print-receipt-dialog",
                                 self->step == STEP_DONE && self->receipt != NULL);
  gtk_widget_action_set_enabled (widget, "intake.save-receipt",
                                 self->step == STEP_DONE && self->receipt != NULL);
  gtk_widget_action_set_enabled (widget, "intake.new-intake", self->step == STEP_DONE);
  gtk_widget_action_set_enabled (widget, "intake.scan-documents",
                                 self->step == STEP_DONE && self->kase != NULL
                                 && self->service != NULL
                                 && hall_service_get_n_documents (self->service) > 0);

  gtk_widget_set_visible (self->next_button, self->step < STEP_CONFIRM);
  gtk_widget_set_visible (self->back_button,
                          self->step > STEP_SERVICE && self->step < STEP_DONE);
}

/* Service step */

static gboolean
service_matches (gpointer item,
                 gpointer user_data)
{
  HallIntakeDialog *self = user_data;
  const char *text = hall_service_get_search_text (HALL_SERVICE (item));
  guint i;

  if (self->search_tokens == NULL)
    return TRUE;

  /* Every word must appear: "营业执照 公司" narrows, it does not widen. */
  for (i = 0; self->search_tokens[i] != NULL; i++)
    if (*self->search_tokens[i] != '\0' && strstr (text, self->search_tokens[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
on_search_changed (HallIntakeDialog *self)
{
  g_autofree char *query = NULL;
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->filtered);

  g_free (self->search_query);
  self->search_query = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  query = g_utf8_strdown (self->search_query, -1);
  g_strfreev (self->search_tokens);
  self->search_tokens = g_strsplit_set (g_strstrip (query), " \t\u3000", -1);
  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);

  /* The best match is the first one: Enter takes it. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      gtk_widget_activate_action (GTK_WIDGET (self->service_list), "list.scroll-to-item", "u", 0);
    }
  gtk_stack_set_visible_child_name (self->service_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0
                                    ? "list" : "empty");
  update_actions (self);
}

static void
choose_service (HallIntakeDialog *self,
                HallService      *service);

static void
on_search_activate (HallIntakeDialog *self)
{
  HallService *service;

  /* Enter can come before the entry's search delay is over: filter by
   * what is typed now, or the service of the last filter would be taken. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                 self->search_query != NULL ? self->search_query : "") != 0)
    on_search_changed (self);

  service = get_selected_service (self);

  if (service != NULL)
    choose_service (self, service);
}

static void
on_search_stop (HallIntakeDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "intake.back", NULL);
}

static void
move_selection (HallIntakeDialog *self,
                int               delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint position = gtk_single_selection_get_selected (self->selection);

  if (n == 0)
    return;
  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  else if (delta < 0)
    position = position > 0 ? position - 1 : 0;
  else
    position = MIN (position + 1, n - 1);

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->service_list), "list.scroll-to-item", "u",
                              position);
}

static void
on_search_next (HallIntakeDialog *self)
{
  move_selection (self, 1);
}

static void
on_search_previous (HallIntakeDialog *self)
{
  move_selection (self, -1);
}

/* The arrows move through the list while the focus stays in the search
 * entry, so the official can refine the query and pick without the mouse. */
static gboolean
on_search_key_pressed (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       HallIntakeDialog      *self)
{
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_service_activated (HallIntakeDialog *self,
                      guint             position)
{
  g_autoptr(HallService) service = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (service != NULL)
    choose_service (self, service);
}

static void
setup_service_row (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  gtk_list_item_set_child (item, hall_service_row_new ());
}

static void
bind_service_row (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  hall_service_row_set_service (HALL_SERVICE_ROW (gtk_list_item_get_child (item)),
                                gtk_list_item_get_item (item));
}

/* Documents step */

static void
update_missing (HallIntakeDialog *self)
{
  guint n_missing = count_missing (self);
  g_autofree char *text = NULL;

  if (n_missing > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u document missing — the case will wait for it",
                                           "%u documents missing — the case will wait for them",
                                           n_missing),
                              n_missing);
      gtk_label_set_label (self->missing_label, text);
    }
  gtk_widget_set_visible (self->missing_box, n_missing > 0);
}

static void
clear_documents (HallIntakeDialog *self)
{
  guint i;

  for (i = 0; i < self->document_rows->len; i++)
    adw_preferences_group_remove (self->documents_group,
                                  g_ptr_array_index (self->document_rows, i));
  g_ptr_array_set_size (self->document_rows, 0);
  g_ptr_array_set_size (self->document_checks, 0);
}

static void
build_documents (HallIntakeDialog *self)
{
  guint i, n;

  clear_documents (self);
  n = hall_service_get_n_documents (self->service);

  for (i = 0; i < n; i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (self->service, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      /* Catalog text is not markup: "&" in a name must stay an ampersand. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), document_name (doc));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   doc->original ? _("Original required") : _("A copy will do"));
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (update_missing), self);

      adw_preferences_group_add (self->documents_group, row);
      g_ptr_array_add (self->document_rows, row);
      g_ptr_array_add (self->document_checks, check);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->documents_group), n > 0);
  update_missing (self);
}

static JsonArray *
build_checklist (HallIntakeDialog *self)
{
  JsonArray *checklist = json_array_new ();
  guint i;

  for (i = 0; i < self->document_checks->len; i++)
    {
      JsonObject *item = json_object_new ();

      json_object_set_string_member (item, "id",
                                     hall_service_get_document (self->service, i)->id);
      json_object_set_boolean_member (item, "provided",
                                      gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)));
      json_array_add_object_element (checklist, item);
    }
  return checklist;
}

static void
on_note_activated (HallIntakeDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "intake.next", NULL);
}

/* Applicant step */

static void
choose_service (HallIntakeDialog *self,
                HallService      *service)
{
  g_autofree char *label = NULL;
  const char *kind;

  if (g_set_object (&self->service, service))
    {
      kind = hall_service_get_applicant_kind (service);
      if (g_strcmp0 (kind, "business") == 0)
        hall_applicant_form_set_kind (self->applicant_form, HALL_APPLICANT_BUSINESS);
      else if (g_strcmp0 (kind, "person") == 0)
        hall_applicant_form_set_kind (self->applicant_form, HALL_APPLICANT_PERSON);
      build_documents (self);
    }

  label = g_strdup_printf (_("For %s — %s"), hall_service_get_name (service),
                           hall_service_get_department_name (service));
  gtk_label_set_label (self->applicant_service_label, label);

  go_to (self, STEP_APPLICANT);
}

static void
on_applicant_submitted (HallIntakeDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "intake.next", NULL);
}

static void
on_applicant_valid_changed (HallIntakeDialog *self)
{
  update_actions (self);
}

/* Confirm step */

static void
update_summary (HallIntakeDialog *self)
{
  g_autoptr(HallApplicant) applicant = hall_applicant_form_dup_applicant (self->applicant_form);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *service = NULL;
  g_autofree char *who = NULL;
  g_autofree char *documents = NULL;
  g_autofree char *promise = NULL;
  g_autofree char *fee = NULL;
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  guint i, n = self->document_checks->len, n_missing = 0;

  service = g_strdup_printf ("%s — %s", hall_service_get_name (self->service),
                             hall_service_get_department_name (self->service));
  adw_action_row_set_subtitle (self->confirm_service_row, service);

  if (applicant != NULL)
    {
      g_autoptr(GPtrArray) parts = g_ptr_array_new ();
      /* What the applicant is asked to confirm: how the hall reaches a
       * person, who answers for a business. */
      const char *contact = hall_applicant_get_kind (applicant) == HALL_APPLICANT_PERSON
                            ? hall_applicant_get_phone (applicant)
                            : hall_applicant_get_legal_representative (applicant);

      g_ptr_array_add (parts, (gpointer) hall_applicant_get_name (applicant));
      g_ptr_array_add (parts, (gpointer) hall_applicant_get_document_number (applicant));
      if (contact != NULL && *contact != '\0')
        g_ptr_array_add (parts, (gpointer) contact);
      g_ptr_array_add (parts, hall_applicant_form_get_returning (self->applicant_form)
                              ? _("returning applicant") : _("new applicant"));
      g_ptr_array_add (parts, NULL);
      who = g_strjoinv (" · ", (char **) parts->pdata);
      adw_action_row_set_subtitle (self->confirm_applicant_row, who);
    }
  else
    adw_action_row_set_subtitle (self->confirm_applicant_row, _("Looking for earlier cases…"));

  for (i = 0; i < n; i++)
    if (!gtk_check_button_get_active (g_ptr_array_index (self->document_checks, i)))
      {
        if (n_missing++ > 0)
          g_string_append (missing, _(", "));
        g_string_append (missing, document_name (hall_service_get_document (self->service, i)));
      }
  if (n == 0)
    documents = g_strdup (_("None required"));
  else if (n_missing == 0)
    documents = g_strdup_printf (_("All %u received"), n);
  else
    documents = g_strdup_printf (_("%u of %u received; missing: %s"), n - n_missing, n,
                                 missing->str);
  adw_action_row_set_subtitle (self->confirm_documents_row, documents);

  promise = hall_service_format_promise (hall_service_get_promised_minutes (self->service));
  adw_action_row_set_subtitle (self->confirm_promise_row, promise);
  fee = hall_service_format_fee (hall_service_get_fee_cents (self->service));
  adw_action_row_set_subtitle (self->confirm_fee_row, fee);

  adw_action_row_set_subtitle (self->confirm_note_row, note);
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_note_row), *note != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_error_label), FALSE);
}

/* The holder of the document was found again after a save met it: the
 * confirm step shows who the case is now for. */
static void
on_applicant_returning_changed (HallIntakeDialog *self)
{
  if (self->step == STEP_CONFIRM
      && gtk_widget_get_visible (GTK_WIDGET (self->confirm_notice_label)))
    update_summary (self);
}

static void
note_saved (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HallIntakeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (hall_store_add_case_event_finish (HALL_STORE (object), result, &error))
    return;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  message = g_strdup_printf (_("The case is open, but its note was not saved: %s"),
                             error->message);
  show_toast (self, message);
}

static void
save_note (HallIntakeDialog *self,
           const char       *note)
{
  g_autoptr(HallCaseEvent) event = NULL;

  event = hall_case_event_new (hall_case_get_uuid (self->kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (event, note);
  hall_case_event_set_official (event, self->official);
  hall_store_add_case_event_async (self->store, event, self->cancellable, note_saved,
                                   g_object_ref (self));
}

static void
show_done (HallIntakeDialog *self)
{
  g_autofree char *promised = NULL;
  g_autofree char *promise_text = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(HallCalendar) calendar = NULL;
  guint n_missing = count_missing (self);

  gtk_label_set_label (self->case_number_label, hall_case_get_number (self->kase));

  calendar = self->service != NULL ? hall_service_dup_calendar (self->service) : NULL;
  if (calendar != NULL)
    {
      /* The receipt's words: in working days, paused while documents are missing. */
      HallPromise promise;

      hall_case_compute_promise (self->kase, self->service, calendar, NULL, &promise);
      promise_text = hall_case_format_promise (self->kase, calendar, &promise);
    }
  else
    {
      when = g_date_time_new_from_unix_local (hall_case_get_promised_at (self->kase));
      promised = g_date_time_format (when, "%Y-%m-%d %H:%M");
      promise_text = g_strdup_printf (_("Promised by %s"), promised);
    }
  gtk_label_set_label (self->done_promise_label, promise_text);

  if (n_missing > 0)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u document missing — the case waits until it is brought in.",
                                           "%u documents missing — the case waits until they are brought in.",
                                           n_missing),
                              n_missing);
      gtk_label_set_label (self->done_missing_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->done_missing_label), n_missing > 0);
}

static void
case_created (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HallIntakeDialog) self = user_data;
  g_autoptr(HallCase) kase = g_steal_pointer (&self->pending_case);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  const char *note;

  /* Closed with its parent while the write ran: the widgets are gone, and
   * the store tells the window about the case by itself. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->saving = FALSE;
  gtk_spinner_set_spinning (self->saving_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->saving_spinner), FALSE);

  if (!hall_store_create_case_finish (HALL_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_object (&self->applicant);
      /* Another applicant holds the document: one that arrived after the
       * form looked (pulled from the server). The case is for that one;
       * the official sees it before opening the case again. */
      if (g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_CONFLICT))
        {
          gtk_widget_set_visible (GTK_WIDGET (self->confirm_notice_label), TRUE);
          hall_applicant_form_look_up_again (self->applicant_form);
          update_summary (self);
          update_actions (self);
          return;
        }
      /* Everything typed stays on the steps before, ready for a retry. */
      message = g_strdup_printf (_("The case was not opened: %s"), error->message);
      gtk_label_set_label (self->confirm_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->confirm_error_label), TRUE);
      show_toast (self, message);
      update_actions (self);
      return;
    }

  g_debug ("Opened case %s", hall_case_get_number (kase));
  self->kase = g_steal_pointer (&kase);
  self->receipt = hall_receipt_new (self->kase, self->applicant, self->service);
  hall_receipt_set_hall_name (self->receipt, hall_catalog_get_hall_name (self->catalog));
  hall_receipt_set_official_name (self->receipt, self->official_name);
  /* The QR code opens the hall's status page for the case when the hall
   * has set one. */
  {
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autofree char *status_url = g_settings_get_string (settings, "status-url");

    if (*status_url != '\0' && !hall_receipt_status_url_is_valid (status_url))
      g_warning ("The status-url setting is not an http(s) address with {number} in it; "
                 "the receipt's code holds the bare case number");
    hall_receipt_set_status_url (self->receipt, status_url);
  }

  note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  if (*note != '\0')
    save_note (self, note);

  show_done (self);
  go_to (self, STEP_DONE);
  g_signal_emit (self, signals[CASE_CREATED], 0, self->kase);
}

/* Scans the documents of the case just taken in, the first one still
 * without pages first; the others are on the case's page. */
static void
scan_documents (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);
  g_autoptr (GPtrArray) missing = NULL;
  const HallRequiredDocument *doc = NULL;
  HallScanWindow *window;
  gboolean zh;

  if (self->kase == NULL || self->service == NULL
      || hall_service_get_n_documents (self->service) == 0)
    return;
  missing = hall_store_list_missing_documents (self->store, hall_case_get_uuid (self->kase), NULL);
  for (guint i = 0; i < hall_service_get_n_documents (self->service) && doc == NULL; i++)
    {
      const HallRequiredDocument *candidate = hall_service_get_document (self->service, i);

      for (guint j = 0; missing != NULL && j < missing->len; j++)
        if (g_strcmp0 (g_ptr_array_index (missing, j), candidate->id) == 0)
          doc = candidate;
    }
  if (doc == NULL)
    doc = hall_service_get_document (self->service, 0);

  window = hall_scan_window_find (hall_case_get_uuid (self->kase), doc->id);
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }
  zh = g_str_has_prefix (g_get_language_names ()[0], "zh");
  window = hall_scan_window_new (self->store, NULL, hall_case_get_uuid (self->kase),
                                 doc->id, zh && doc->name_zh != NULL ? doc->name_zh : doc->name,
                                 self->official);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  hall_dialog_fit_parent (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

static void
open_case (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);
  g_autoptr(JsonArray) checklist = NULL;
  HallCase *kase;

  if (self->saving || self->step != STEP_CONFIRM)
    return;

  g_clear_object (&self->applicant);
  self->applicant = hall_applicant_form_dup_applicant (self->applicant_form);
  if (self->applicant == NULL)
    {
      go_to (self, STEP_APPLICANT);
      return;
    }

  checklist = build_checklist (self);
  kase = hall_case_new ();
  hall_case_set_service_id (kase, hall_service_get_id (self->service));
  hall_case_set_service_name (kase, hall_service_get_name (self->service));
  hall_case_set_applicant_uuid (kase, hall_applicant_get_uuid (self->applicant));
  hall_case_set_applicant_name (kase, hall_applicant_get_name (self->applicant));
  hall_case_set_state (kase, HALL_CASE_RECEIVED);
  hall_case_set_counter (kase, hall_store_get_counter (self->store));
  hall_case_set_official (kase, self->official);
  hall_case_set_checklist (kase, checklist);
  if (self->started_at > 0)
    hall_case_set_created_at (kase, self->started_at);
  g_set_object (&self->pending_case, kase);

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->saving_spinner), TRUE);
  gtk_spinner_set_spinning (self->saving_spinner, TRUE);
  update_actions (self);

  hall_store_create_case_async (self->store, self->applicant, self->service, kase,
                                self->cancellable, case_created, g_object_ref (self));
  g_object_unref (kase);
}

/* Done step */

static void
receipt_printed (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HallIntakeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (hall_receipt_printer_print_finish (HALL_RECEIPT_PRINTER (object), result, &error))
    {
      show_toast (self, _("Receipt sent to the printer"));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  message = g_strdup_printf (_("The receipt was not printed: %s"), error->message);
  show_toast (self, message);
}

static void
print_receipt (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  if (self->receipt == NULL)
    return;
  hall_receipt_printer_print_async (self->printer, self->receipt, GTK_WINDOW (self),
                                    self->cancellable, receipt_printed, g_object_ref (self));
}

/* A break in the middle of an intake: the window locks, this dialog hides
 * with it and comes back, as typed, after the password. */
static void
lock_counter (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.lock", NULL);
}

/* Ctrl+Shift+P: another printer, or more copies, this once and after. */
static void
print_receipt_dialog (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  if (self->receipt == NULL)
    return;
  hall_receipt_printer_print_with_dialog_async (self->printer, self->receipt, GTK_WINDOW (self),
                                                self->cancellable, receipt_printed,
                                                g_object_ref (self));
}

static void
receipt_saved (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HallIntakeDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  file = hall_receipt_printer_save_pdf_finish (HALL_RECEIPT_PRINTER (object), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (file != NULL)
    {
      name = g_file_get_basename (file);
      message = g_strdup_printf (_("Receipt saved as “%s”"), name);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup_printf (_("The receipt was not saved: %s"), error->message);

  if (message != NULL)
    show_toast (self, message);
}

static void
save_receipt (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  if (self->receipt == NULL)
    return;
  hall_receipt_printer_save_pdf_async (self->printer, self->receipt, GTK_WINDOW (self),
                                       self->cancellable, receipt_saved, g_object_ref (self));
}

static void
new_intake (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_object (&self->receipt);
  g_clear_object (&self->service);
  clear_documents (self);
  hall_applicant_form_reset (self->applicant_form);
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_error_label), FALSE);
  self->discard_confirmed = FALSE;
  go_to (self, STEP_SERVICE);
}

/* Moving between steps */

static void
focus_step (HallIntakeDialog *self)
{
  switch (self->step)
    {
    case STEP_SERVICE:
      gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
      break;
    case STEP_APPLICANT:
      hall_applicant_form_focus_first (self->applicant_form);
      break;
    case STEP_DOCUMENTS:
      if (self->document_rows->len > 0)
        gtk_widget_grab_focus (g_ptr_array_index (self->document_rows, 0));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->note_row));
      break;
    case STEP_CONFIRM:
      gtk_widget_grab_focus (self->open_case_button);
      break;
    case STEP_DONE:
      gtk_widget_grab_focus (self->print_button);
      break;
    case N_STEPS:
    default:
      g_assert_not_reached ();
    }
}

static void
go_to (HallIntakeDialog *self,
       Step              step)
{
  g_autofree char *subtitle = NULL;
  guint i;

  self->step = step;
  gtk_widget_set_visible (GTK_WIDGET (self->confirm_notice_label), FALSE);
  if (step == STEP_CONFIRM)
    update_summary (self);

  gtk_stack_set_visible_child_name (self->stack, step_names[step]);

  for (i = 0; i < N_STEPS; i++)
    {
      GtkWidget *label = GTK_WIDGET (self->step_labels[i]);

      if (i == step)
        {
          gtk_widget_add_css_class (label, "accent");
          gtk_widget_add_css_class (label, "heading");
          gtk_widget_remove_css_class (label, "dim-label");
        }
      else
        {
          gtk_widget_remove_css_class (label, "accent");
          gtk_widget_remove_css_class (label, "heading");
          if (i > step)
            gtk_widget_add_css_class (label, "dim-label");
          else
            gtk_widget_remove_css_class (label, "dim-label");
        }
    }

  /* TRANSLATORS: window subtitle, e.g. "Step 2 of 5: Applicant" */
  subtitle = g_strdup_printf (_("Step %u of %u: %s"), step + 1, N_STEPS,
                              gtk_stack_page_get_title (gtk_stack_get_page (self->stack,
                                                                            gtk_stack_get_visible_child (self->stack))));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  update_actions (self);
  focus_step (self);
}

static void
next_step (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  switch (self->step)
    {
    case STEP_SERVICE:
      on_search_activate (self);
      break;
    case STEP_APPLICANT:
      if (hall_applicant_form_get_valid (self->applicant_form))
        go_to (self, STEP_DOCUMENTS);
      break;
    case STEP_DOCUMENTS:
      go_to (self, STEP_CONFIRM);
      break;
    case STEP_CONFIRM:
    case STEP_DONE:
    case N_STEPS:
    default:
      break;
    }
}

/* Ctrl+Enter goes on from wherever the focus is, on every step: to the
 * next step, then opens the case on Confirm, then starts the next
 * intake on Done, so an official with a queue never reaches for the
 * mouse. Whatever the step's action refuses (nothing chosen, a field not
 * valid) it refuses here too. */
static gboolean
advance (GtkWidget *widget,
         GVariant  *args,
         gpointer   user_data)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);
  const char *action;

  switch (self->step)
    {
    case STEP_SERVICE:
    case STEP_APPLICANT:
    case STEP_DOCUMENTS:
      action = "intake.next";
      break;
    case STEP_CONFIRM:
      action = "intake.open-case";
      break;
    case STEP_DONE:
      action = "intake.new-intake";
      break;
    case N_STEPS:
    default:
      return FALSE;
    }
  gtk_widget_activate_action (widget, action, NULL);
  /* Handled even when refused: the key must not reach the entry. */
  return TRUE;
}

static void
previous_step (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (widget);

  if (self->saving)
    return;

  switch (self->step)
    {
    case STEP_SERVICE:
    case STEP_DONE:
      gtk_window_close (GTK_WINDOW (self));
      break;
    case STEP_APPLICANT:
    case STEP_DOCUMENTS:
    case STEP_CONFIRM:
      go_to (self, self->step - 1);
      break;
    case N_STEPS:
    default:
      g_assert_not_reached ();
    }
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     HallIntakeDialog *self)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  self->discard_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
hall_intake_dialog_close_request (GtkWindow *window)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (window);
  AdwMessageDialog *dialog;

  /* The case is being written: closing now would hide its number. */
  if (self->saving)
    {
      show_toast (self, _("Wait a moment: the case is being saved"));
      return TRUE;
    }

  if (self->step != STEP_DONE && !self->discard_confirmed && has_input (self))
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Discard This Intake?"),
                                                           _("What was typed for this applicant will be lost.")));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Keep Editing"),
                                        "discard", _("_Discard"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (hall_intake_dialog_parent_class)->close_request (window);
}

static void
hall_intake_dialog_dispose (GObject *object)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_INTAKE_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->service);
  g_clear_object (&self->filtered);
  g_clear_object (&self->selection);
  g_clear_object (&self->pending_case);
  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_object (&self->receipt);
  g_clear_object (&self->printer);
  g_clear_pointer (&self->document_rows, g_ptr_array_unref);
  g_clear_pointer (&self->document_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_intake_dialog_parent_class)->dispose (object);
}

static void
hall_intake_dialog_finalize (GObject *object)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->official);
  g_free (self->official_name);
  g_free (self->search_query);
  g_strfreev (self->search_tokens);

  G_OBJECT_CLASS (hall_intake_dialog_parent_class)->finalize (object);
}

static void
bind_step_label (GtkWidgetClass *widget_class,
                 Step            step,
                 const char     *id)
{
  gtk_widget_class_bind_template_child_full (widget_class, id, FALSE,
                                             G_STRUCT_OFFSET (HallIntakeDialog, step_labels)
                                             + step * sizeof (gpointer));
}

static void
hall_intake_dialog_class_init (HallIntakeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = hall_intake_dialog_dispose;
  object_class->finalize = hall_intake_dialog_finalize;
  window_class->close_request = hall_intake_dialog_close_request;

  signals[CASE_CREATED] =
    g_signal_new ("case-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HALL_TYPE_CASE);

  g_type_ensure (HALL_TYPE_APPLICANT_FORM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-intake-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, service_stack);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, service_list);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, applicant_service_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, applicant_form);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, documents_group);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, missing_box);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, missing_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, note_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_service_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_applicant_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_documents_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_promise_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_fee_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_note_row);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_notice_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, confirm_error_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, saving_spinner);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, open_case_button);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, case_number_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, done_promise_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, done_missing_label);
  gtk_widget_class_bind_template_child (widget_class, HallIntakeDialog, print_button);
  bind_step_label (widget_class, STEP_SERVICE, "step_service");
  bind_step_label (widget_class, STEP_APPLICANT, "step_applicant");
  bind_step_label (widget_class, STEP_DOCUMENTS, "step_documents");
  bind_step_label (widget_class, STEP_CONFIRM, "step_confirm");
  bind_step_label (widget_class, STEP_DONE, "step_done");

  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_search_stop);
  gtk_widget_class_bind_template_callback (widget_class, on_search_next);
  gtk_widget_class_bind_template_callback (widget_class, on_search_previous);
  gtk_widget_class_bind_template_callback (widget_class, on_service_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_applicant_submitted);
  gtk_widget_class_bind_template_callback (widget_class, on_applicant_valid_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_applicant_returning_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_note_activated);

  gtk_widget_class_install_action (widget_class, "intake.next", NULL, next_step);
  gtk_widget_class_install_action (widget_class, "intake.back", NULL, previous_step);
  gtk_widget_class_install_action (widget_class, "intake.open-case", NULL, open_case);
  gtk_widget_class_install_action (widget_class, "intake.scan-documents", NULL, scan_documents);
  gtk_widget_class_install_action (widget_class, "intake.print-receipt", NULL, print_receipt);
  gtk_widget_class_install_action (widget_class, "intake.print-receipt-dialog", NULL,
                                   print_receipt_dialog);
  gtk_widget_class_install_action (widget_class, "intake.lock", NULL, lock_counter);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_SUPER_MASK, "intake.lock",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "intake.lock", NULL);
  gtk_widget_class_install_action (widget_class, "intake.save-receipt", NULL, save_receipt);
  gtk_widget_class_install_action (widget_class, "intake.new-intake", NULL, new_intake);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "intake.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "intake.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "intake.next", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, advance, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, advance, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_ISO_Enter, GDK_CONTROL_MASK, advance, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "intake.print-receipt", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "intake.print-receipt-dialog", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "intake.new-intake", NULL);
}

static void
hall_intake_dialog_init (HallIntakeDialog *self)
{
  GtkEventController *keys;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->printer = hall_receipt_printer_new ();
  self->document_rows = g_ptr_array_new ();
  self->document_checks = g_ptr_array_new ();

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_service_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_service_row), NULL);
  gtk_list_view_set_factory (self->service_list, factory);
  g_object_unref (factory);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_search_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->service_list));
}

static void
set_catalog (HallIntakeDialog *self,
             HallCatalog      *catalog)
{
  GtkCustomFilter *filter;

  self->catalog = g_object_ref (catalog);
  filter = gtk_custom_filter_new (service_matches, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (catalog)),
                                              GTK_FILTER (filter));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  gtk_list_view_set_model (self->service_list, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (update_actions), self);
}

HallIntakeDialog *
hall_intake_dialog_new (GtkWindow   *parent,
                        HallStore   *store,
                        HallCatalog *catalog,
                        const char  *official_username)
{
  HallIntakeDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (HALL_IS_CATALOG (catalog), NULL);

  self = g_object_new (HALL_TYPE_INTAKE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->official = g_strdup (official_username);
  set_catalog (self, catalog);
  hall_applicant_form_set_store (self->applicant_form, store);

  go_to (self, STEP_SERVICE);
  return self;
}

GtkEditable *
_hall_intake_dialog_get_search_entry (HallIntakeDialog *self)
{
  return GTK_EDITABLE (self->search_entry);
}

HallApplicantForm *
_hall_intake_dialog_get_applicant_form (HallIntakeDialog *self)
{
  return self->applicant_form;
}

const char *
_hall_intake_dialog_get_step (HallIntakeDialog *self)
{
  return step_names[self->step];
}

const char *
_hall_intake_dialog_get_search_query (HallIntakeDialog *self)
{
  return self->search_query ? self->search_query : "";
}

HallService *
_hall_intake_dialog_get_selected_service (HallIntakeDialog *self)
{
  return get_selected_service (self);
}

HallService *
_hall_intake_dialog_get_service (HallIntakeDialog *self)
{
  return self->service;
}

guint
_hall_intake_dialog_get_n_documents (HallIntakeDialog *self)
{
  return self->document_checks->len;
}

GtkCheckButton *
_hall_intake_dialog_get_document_check (HallIntakeDialog *self,
                                        guint             index)
{
  g_return_val_if_fail (index < self->document_checks->len, NULL);

  return g_ptr_array_index (self->document_checks, index);
}

const char *
_hall_intake_dialog_get_missing_text (HallIntakeDialog *self)
{
  if (!gtk_widget_get_visible (self->missing_box))
    return NULL;
  return gtk_label_get_label (self->missing_label);
}

GtkEditable *
_hall_intake_dialog_get_note (HallIntakeDialog *self)
{
  return GTK_EDITABLE (self->note_row);
}

GtkWidget *
_hall_intake_dialog_get_next_button (HallIntakeDialog *self)
{
  return self->next_button;
}

gboolean
_hall_intake_dialog_is_saving (HallIntakeDialog *self)
{
  return self->saving;
}

HallCase *
_hall_intake_dialog_get_case (HallIntakeDialog *self)
{
  return self->kase;
}

HallReceipt *
_hall_intake_dialog_get_receipt (HallIntakeDialog *self)
{
  return self->receipt;
}

HallReceiptPrinter *
_hall_intake_dialog_get_printer (HallIntakeDialog *self)
{
  return self->printer;
}

const char *
_hall_intake_dialog_get_applicant_summary (HallIntakeDialog *self)
{
  return adw_action_row_get_subtitle (self->confirm_applicant_row);
}

const char *
_hall_intake_dialog_get_notice_text (HallIntakeDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->confirm_notice_label)))
    return NULL;
  return gtk_label_get_label (self->confirm_notice_label);
}

const char *
_hall_intake_dialog_get_error_text (HallIntakeDialog *self)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (self->confirm_error_label)))
    return NULL;
  return gtk_label_get_label (self->confirm_error_label);
}

const char *
_hall_intake_dialog_get_case_number_text (HallIntakeDialog *self)
{
  return gtk_label_get_label (self->case_number_label);
}

void
hall_intake_dialog_set_started_at (HallIntakeDialog *self,
                                   gint64            started_at)
{
  g_return_if_fail (HALL_IS_INTAKE_DIALOG (self));
  self->started_at = started_at;
}

void
hall_intake_dialog_set_official_name (HallIntakeDialog *self,
                                      const char       *official_name)
{
  g_return_if_fail (HALL_IS_INTAKE_DIALOG (self));

  g_free (self->official_name);
  self->official_name = g_strdup (official_name);
}
