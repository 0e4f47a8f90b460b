/* hall-case-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hall-case-event.h"
#include "hall-case-format.h"
#include "hall-case-page.h"
#include "hall-dialog-size.h"
#include "hall-case-promise.h"
#include "hall-dossier-printer.h"
#include "hall-license-printer.h"
#include "hall-scan-window.h"
#include "hall-signature.h"
#include "hall-store-pages.h"
#include "hall-store-signing.h"

struct _HallCasePage
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkScrolledWindow *case_scrolled_window;
  GtkLabel      *number_label;
  GtkLabel      *state_label;
  GtkLabel      *countdown_label;
  AdwActionRow  *applicant_row;
  AdwActionRow  *service_row;
  AdwActionRow  *phone_row;
  AdwActionRow  *created_row;
  AdwActionRow  *recorded_row;
  AdwActionRow  *promised_row;
  AdwActionRow  *sync_row;
  GtkImage      *sync_icon;
  GtkImage      *applicant_icon;
  GtkListBox    *checklist_list;
  AdwPreferencesGroup *documents_group;
  AdwPreferencesGroup *license_group;
  GtkListBox    *timeline_list;
  AdwPreferencesGroup *conflict_group;
  GtkListBox    *conflict_list;
  AdwPreferencesGroup *duplicate_group;
  GtkListBox    *duplicate_list;

  HallStore     *store;
  HallCatalog   *catalog;
  HallSyncEngine *engine;
  HallCase      *kase;
  char          *official;
  char          *document_text;
  HallApplicant *applicant;     /* of the case shown, as last read */
  GPtrArray     *conflicts; /* of HallConflict, open ones, as last read */
  char          *conflict_text;
  char          *timeline_text;
  GCancellable  *cancellable;      /* the read in flight: another case or read replaces it */
  GCancellable  *page_cancellable; /* notes and decisions: until the page goes */
  guint          countdown_id;
  guint          n_events;
  HallPromise    promise;       /* in the hall's calendar, once the events are read */
  gboolean       has_promise;
  gboolean       loading;
  HallStoreTrust *trust;        /* the hall key and revocations, read with the case */
};

G_DEFINE_FINAL_TYPE (HallCasePage, hall_case_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  PROP_OFFICIAL,
  PROP_CASE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void hall_case_page_reload (HallCasePage *self);

static gboolean
use_chinese (void)
{
  const char *const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

static void
clear_list_box (GtkListBox *list_box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list_box))) != NULL)
    gtk_list_box_remove (list_box, child);
}

static GtkWidget *
new_row (const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and notes are typed by people: never parse them as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

static void
update_countdown (HallCasePage *self)
{
  g_autofree char *text = NULL;
  gboolean overdue = FALSE;
  HallCaseState state;

  if (self->kase == NULL)
    return;

  state = hall_case_get_state (self->kase);
  if (hall_case_state_is_open (state) && self->has_promise && self->promise.paused)
    text = g_strdup (_("Paused"));
  else if (hall_case_state_is_open (state))
    text = hall_format_countdown (self->has_promise ? self->promise.due
                                                    : hall_case_get_promised_at (self->kase),
                                  g_get_real_time () / G_USEC_PER_SEC, TRUE, &overdue);
  else
    text = g_strdup (_("Finished"));

  gtk_label_set_label (self->countdown_label, text);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), "error");
}

static gboolean
countdown_cb (gpointer user_data)
{
  update_countdown (HALL_CASE_PAGE (user_data));
  return G_SOURCE_CONTINUE;
}

static void
update_countdown_timer (HallCasePage *self)
{
  gboolean wanted = self->kase != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                    hall_case_state_is_open (hall_case_get_state (self->kase));

  if (wanted && self->countdown_id == 0)
    self->countdown_id = g_timeout_add_seconds (1, countdown_cb, self);
  else if (!wanted)
    g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static void
show_case (HallCasePage *self)
{
  HallCase *kase = self->kase;
  HallService *service;
  HallSyncState sync_state;
  const char *reason;
  g_autofree char *created = NULL;
  g_autofree char *recorded = NULL;
  g_autofree char *promised = NULL;
  const char *state_name;

  gtk_label_set_label (self->number_label, hall_case_get_number (kase));
  /* An approved case has its license (issued with the last approval). */
  {
    gboolean licensed = hall_case_get_state (kase) == HALL_CASE_APPROVED
                        || hall_case_get_state (kase) == HALL_CASE_COMPLETED;

    gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.print-license", licensed);
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.save-license", licensed);
    gtk_widget_set_visible (GTK_WIDGET (self->license_group), licensed);
  }

  gtk_label_set_label (self->state_label, hall_case_state_get_label (hall_case_get_state (kase)));
  state_name = hall_case_state_to_string (hall_case_get_state (kase));
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_label),
                              (const char *[]) { "case-state", state_name, NULL });

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->applicant_row),
                                 hall_case_get_applicant_name (kase));

  service = self->catalog != NULL
              ? hall_catalog_lookup (self->catalog, hall_case_get_service_id (kase))
              : NULL;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->service_row),
                                 hall_format_service_name (self->catalog,
                                                           hall_case_get_service_id (kase),
                                                           hall_case_get_service_name (kase)));
  adw_action_row_set_subtitle (self->service_row,
                               service != NULL ? hall_service_get_department_name (service) : "");

  created = hall_format_claim (hall_case_get_official (kase), hall_case_get_created_at (kase));
  adw_action_row_set_subtitle (self->created_row, created);
  /* Only what the server said: until then, nothing in its name. */
  if (hall_case_get_recorded_by (kase) != NULL)
    {
      g_autofree char *at = hall_format_timestamp (hall_case_get_recorded_at (kase));

      /* Translators: "li.na, 2026-11-27 14:42 (server’s clock)" */
      recorded = g_strdup_printf (_("%s, %s (server’s clock)"), hall_case_get_recorded_by (kase),
                                  at);
    }
  else
    recorded = g_strdup (_("Not yet"));
  adw_action_row_set_subtitle (self->recorded_row, recorded);
  promised = hall_format_timestamp (hall_case_get_promised_at (kase));
  adw_action_row_set_subtitle (self->promised_row, promised);

  sync_state = hall_case_get_sync_state (kase);
  reason = hall_case_get_sync_error (kase);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sync_row),
                                 hall_sync_state_get_label (sync_state));
  adw_action_row_set_subtitle (self->sync_row,
                               (sync_state == HALL_SYNC_REJECTED ||
                                sync_state == HALL_SYNC_CONFLICT ||
                                sync_state == HALL_SYNC_PENDING) && reason != NULL ? reason : "");
  gtk_image_set_from_icon_name (self->sync_icon, hall_sync_state_get_icon_name (sync_state));
  if (sync_state == HALL_SYNC_REJECTED)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_row), "error");
  if (sync_state == HALL_SYNC_CONFLICT)
    gtk_widget_add_css_class (GTK_WIDGET (self->sync_row), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->sync_row), "warning");

  update_countdown (self);
  update_countdown_timer (self);
  gtk_stack_set_visible_child_name (self->stack, "case");
}

/* Pages stored per slot of the case: slot → count. */
static GHashTable *
count_pages (HallCasePage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) pages = NULL;
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (self->store == NULL)
    return counts;
  pages = hall_store_list_case_pages (self->store, hall_case_get_uuid (self->kase), &error);
  if (pages == NULL)
    {
      g_warning ("Could not count the pages of case %s: %s", hall_case_get_uuid (self->kase),
                 error->message);
      return counts;
    }
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, page->slot));

      g_hash_table_insert (counts, g_strdup (page->slot), GUINT_TO_POINTER (n + 1));
    }

  return counts;
}

static GtkWidget *
new_checklist_row (const char *id,
                   const char *name,
                   gboolean    original,
                   gboolean    provided,
                   guint       n_pages,
                   gboolean    can_scan)
{
  GtkWidget *row = new_row (name, original ? _("The original must be shown") : NULL);
  g_autofree char *text = NULL;
  GtkWidget *status;
  GtkWidget *icon;
  gboolean done = provided || n_pages > 0;

  if (n_pages > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", n_pages), n_pages);
  else
    text = g_strdup (provided ? _("Provided") : _("Missing"));
  status = gtk_label_new (text);
  icon = gtk_image_new_from_icon_name (done ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_add_css_class (status, done ? "success" : "warning");
  gtk_widget_add_css_class (icon, done ? "success" : "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), status);

  if (can_scan)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (n_pages > 0 ? _("_Pages…") : _("_Scan…"));
      g_autofree char *tooltip = g_strdup_printf (_("Scan or import the pages of %s"), name);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "case.scan-document");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
show_checklist (HallCasePage *self)
{
  HallService *service = NULL;
  JsonArray *checklist = hall_case_get_checklist (self->kase);
  gboolean zh = use_chinese ();
  g_autoptr (GHashTable) counts = count_pages (self);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  gboolean can_scan = self->store != NULL;

  clear_list_box (self->checklist_list);

  if (self->catalog != NULL)
    service = hall_catalog_lookup (self->catalog, hall_case_get_service_id (self->kase));

  if (service != NULL)
    {
      for (guint i = 0; i < hall_service_get_n_documents (service); i++)
        {
          const HallRequiredDocument *doc = hall_service_get_document (service, i);
          const char *name = zh && doc->name_zh != NULL ? doc->name_zh : doc->name;
          guint n_pages = GPOINTER_TO_UINT (g_hash_table_lookup (counts, doc->id));

          if (n_pages == 0)
            g_ptr_array_add (missing, (gpointer) name);
          gtk_list_box_append (self->checklist_list,
                               new_checklist_row (doc->id, name, doc->original,
                                                  hall_checklist_is_provided (checklist, doc->id),
                                                  n_pages, can_scan));
        }
    }
  else if (checklist != NULL)
    {
      /* A service this catalog does not know: show the checklist's own ids. */
      for (guint i = 0; i < json_array_get_length (checklist); i++)
        {
          JsonObject *item = json_array_get_object_element (checklist, i);
          const char *id;
          guint n_pages;

          if (item == NULL)
            continue;
          id = json_object_get_string_member_with_default (item, "id", "?");
          n_pages = GPOINTER_TO_UINT (g_hash_table_lookup (counts, id));
          if (n_pages == 0)
            g_ptr_array_add (missing, (gpointer) id);
          gtk_list_box_append (self->checklist_list,
                               new_checklist_row (id, id, FALSE,
                                                  json_object_get_boolean_member_with_default (
                                                    item, "provided", FALSE),
                                                  n_pages, can_scan));
        }
    }

  if (gtk_widget_get_first_child (GTK_WIDGET (self->checklist_list)) == NULL)
    {
      gtk_list_box_append (self->checklist_list, new_row (_("No documents needed"), NULL));
      adw_preferences_group_set_description (self->documents_group, NULL);
    }
  else if (missing->len > 0)
    {
      g_autofree char *names = NULL;
      g_autofree char *text = NULL;

      g_ptr_array_add (missing, NULL);
      /* Translators: the separator between names of documents in a list */
      names = g_strjoinv (_(", "), (char **) missing->pdata);
      /* Translators: %s lists the documents of the checklist with no page */
      text = g_strdup_printf (_("Still to scan: %s"), names);
      adw_preferences_group_set_description (self->documents_group, text);
    }
  else
    adw_preferences_group_set_description (self->documents_group,
                                           _("Every document has been scanned"));
}

static void
scan_document_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  const char *slot = g_variant_get_string (parameter, NULL);
  const char *title = slot;
  HallService *service = NULL;
  HallScanWindow *window;
  GtkRoot *root;

  if (self->kase == NULL || self->store == NULL)
    return;
  /* One window a document: it is shown again. */
  window = hall_scan_window_find (hall_case_get_uuid (self->kase), slot);
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }
  if (self->catalog != NULL)
    service = hall_catalog_lookup (self->catalog, hall_case_get_service_id (self->kase));
  for (guint i = 0; service != NULL && i < hall_service_get_n_documents (service); i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (service, i);

      if (g_strcmp0 (doc->id, slot) == 0)
        title = use_chinese () && doc->name_zh != NULL ? doc->name_zh : doc->name;
    }

  window = hall_scan_window_new (self->store, NULL, hall_case_get_uuid (self->kase),
                                 slot, title, self->official);
  hall_scan_window_set_sync_engine (window, self->engine);
  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  hall_dialog_fit_parent (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

static void
show_dossier_message (HallCasePage *self,
                      const char   *heading,
                      const char   *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
print_dossier_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  g_autoptr (HallDossierPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->kase == NULL || self->store == NULL)
    return;
  printer = hall_dossier_printer_new (self->store, self->catalog, self->kase, &error);
  if (printer == NULL
      || !hall_dossier_printer_print (printer, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                      GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error))
    show_dossier_message (self, _("The dossier was not printed"), error->message);
}

static void
save_dossier_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  g_autoptr (HallDossierPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  if (self->kase == NULL || self->store == NULL)
    return;
  printer = hall_dossier_printer_new (self->store, self->catalog, self->kase, &error);
  if (printer != NULL)
    file = hall_dossier_printer_save_pdf (printer, NULL, &error);
  if (file == NULL)
    {
      show_dossier_message (self, _("The dossier was not saved"), error->message);
      return;
    }
  path = g_file_get_parse_name (file);
  /* Translators: %s is the file the dossier was saved as */
  body = g_strdup_printf (_("Saved as %s"), path);
  show_dossier_message (self, _("Dossier Saved"), body);
}

static void
print_license_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  g_autoptr (HallLicensePrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->kase == NULL || self->store == NULL)
    return;
  printer = hall_license_printer_new (self->store, self->catalog, self->kase, &error);
  if (printer == NULL
      || !hall_license_printer_print (printer, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                      GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, NULL, &error))
    show_dossier_message (self, _("The license was not printed"), error->message);
}

static void
save_license_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  g_autoptr (HallLicensePrinter) printer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  if (self->kase == NULL || self->store == NULL)
    return;
  printer = hall_license_printer_new (self->store, self->catalog, self->kase, &error);
  if (printer != NULL)
    file = hall_license_printer_save_pdf (printer, NULL, &error);
  if (file == NULL)
    {
      show_dossier_message (self, _("The license was not saved"), error->message);
      return;
    }
  path = g_file_get_parse_name (file);
  /* Translators: %s is the file the license was saved as */
  body = g_strdup_printf (_("Saved as %s"), path);
  show_dossier_message (self, _("License Saved"), body);
}

static void
show_applicant (HallCasePage *self,
                HallApplicant *applicant)
{
  g_autofree char *masked = NULL;
  g_autofree char *subtitle = NULL;

  g_clear_pointer (&self->document_text, g_free);
  g_set_object (&self->applicant, applicant);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.correct-phone", applicant != NULL);
  if (applicant == NULL)
    {
      adw_action_row_set_subtitle (self->applicant_row, "");
      adw_action_row_set_subtitle (self->phone_row, "");
      return;
    }
  adw_action_row_set_subtitle (self->phone_row,
                               hall_applicant_get_phone (applicant) != NULL
                                 ? hall_applicant_get_phone (applicant)
                                 : _("None given"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->applicant_row),
                                 hall_applicant_get_name (applicant));
  /* A business is not a person: the icon says which at a glance. */
  gtk_image_set_from_icon_name (self->applicant_icon,
                                hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS
                                  ? "hall-business-symbolic"
                                  : "avatar-default-symbolic");

  if (hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS)
    {
      /* A credit code is public record; it stays whole. */
      self->document_text = g_strdup (hall_applicant_get_credit_code (applicant));
      /* Translators: "Unified social credit code · 91640100..." */
      subtitle = g_strdup_printf (_("%s · %s"), _("Unified social credit code"),
                                  self->document_text);
    }
  else
    {
      self->document_text = hall_format_masked_document (hall_applicant_get_id_number (applicant));
      subtitle = g_strdup_printf (_("%s · %s"),
                                  hall_id_type_get_label (hall_applicant_get_id_type (applicant)),
                                  self->document_text);
    }

  adw_action_row_set_subtitle (self->applicant_row, subtitle);
}

/* Whether the decision's signature verifies against the hall key this
 * counter trusts, and still matches the case as it is now: appended to
 * @detail. */
static void
describe_signature (HallCasePage  *self,
                    HallCaseEvent *event,
                    GString       *detail)
{
  const char *signature = hall_case_event_get_signature (event);
  JsonNode *certificate_node = hall_case_event_get_certificate (event);
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallDecisionContent) content = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *now_hash = NULL;

  if (signature == NULL)
    {
      g_string_append (detail, _("Not signed: made before signatures"));
      return;
    }
  if (self->trust == NULL || !self->trust->has_hall_key)
    {
      g_string_append (detail, _("Signed, not checked: this counter does not know the hall’s "
                                 "key yet"));
      return;
    }
  if (certificate_node != NULL && JSON_NODE_HOLDS_VALUE (certificate_node)
      && json_node_get_value_type (certificate_node) == G_TYPE_STRING)
    certificate = hall_certificate_new_from_base64 (json_node_get_string (certificate_node),
                                                    &error);
  else if (certificate_node != NULL)
    certificate = hall_certificate_new_from_json (certificate_node, NULL, &error);
  if (certificate != NULL)
    {
      json = hall_case_event_to_json (event);
      content = hall_decision_content_new_from_json (hall_case_event_get_case_uuid (event),
                                                     json_node_get_object (json), NULL, &error);
    }
  if (content != NULL)
    {
      g_free (content->official);
      content->official = g_strdup (hall_case_event_get_official (event));
    }
  if (certificate == NULL || content == NULL
      || !hall_decision_verify (content, signature, certificate, self->trust->hall_key, &error)
      || (self->trust->revocations != NULL
          && !hall_revocation_list_check (self->trust->revocations, NULL, certificate,
                                          content->at, &error)))
    {
      /* Translators: %s says why, e.g. that the signature does not match */
      g_string_append_printf (detail, _("Signature does not verify: %s"),
                              error != NULL ? error->message : _("no certificate"));
      return;
    }
  now_hash = self->kase != NULL ? hall_case_content_hash (self->kase) : NULL;
  if (g_strcmp0 (now_hash, content->content_hash) != 0)
    {
      g_string_append (detail, _("Signature verified, but the case has changed since: the "
                                 "decision no longer matches it"));
      return;
    }
  /* Translators: %s is the official the hall certified */
  g_string_append_printf (detail, _("Signature verified: signed by %s"), certificate->official);
}

/* "Approved · Review of the registration" and, below it, the reasons in
 * the official's language and whether the decision carries a signature. */
static char *
describe_decision (HallCasePage  *self,
                   HallCaseEvent *event,
                   char         **detail_out)
{
  HallService *service = self->catalog != NULL && self->kase != NULL
                         ? hall_catalog_lookup (self->catalog, hall_case_get_service_id (self->kase))
                         : NULL;
  const HallApprovalStep *step = service != NULL
                                 ? hall_service_find_step (service, hall_case_event_get_step (event),
                                                           NULL)
                                 : NULL;
  gboolean chinese = service != NULL
                     && hall_service_get_name (service) == hall_service_get_name_zh (service);
  JsonArray *reasons = hall_case_event_get_reasons (event);
  g_autoptr (GString) detail = g_string_new (NULL);
  const char *step_name = step != NULL ? (chinese ? step->name_zh : step->name)
                                       : hall_case_event_get_step (event);

  for (guint i = 0; reasons != NULL && i < json_array_get_length (reasons); i++)
    {
      JsonObject *reason = json_array_get_object_element (reasons, i);
      const char *code = json_object_get_string_member_with_default (reason, "code", "");
      const char *text = json_object_get_string_member_with_default (reason, "text", NULL);
      const HallCatalogReason *known = service != NULL ? hall_service_find_reason (service, code)
                                                       : NULL;

      if (known != NULL)
        text = chinese ? known->text_zh : known->text;
      g_string_append_printf (detail, "%s%s", detail->len > 0 ? _("; ") : _("Reasons: "),
                              text != NULL ? text : code);
    }
  if (detail->len > 0)
    g_string_append_c (detail, '\n');
  describe_signature (self, event, detail);
  *detail_out = g_string_free (g_steal_pointer (&detail), FALSE);
  /* Translators: a decision and the approval step it decided */
  return g_strdup_printf (_("%s · %s"), hall_decision_get_label (hall_case_event_get_decision (event)),
                          step_name != NULL ? step_name : "");
}

static char *
describe_event (HallCaseEvent *event)
{
  switch (hall_case_event_get_kind (event))
    {
    case HALL_CASE_EVENT_DECISION:
      return g_strdup (hall_decision_get_label (hall_case_event_get_decision (event)));
    case HALL_CASE_EVENT_CREATED:
      return g_strdup (_("Case opened"));
    case HALL_CASE_EVENT_STATE:
      /* Translators: %s is a case state such as "In review" */
      return g_strdup_printf (_("Moved to “%s”"),
                              hall_case_state_get_label (hall_case_event_get_new_state (event)));
    case HALL_CASE_EVENT_DOCUMENT:
      return g_strdup (_("Document provided"));
    case HALL_CASE_EVENT_NOTE:
    default:
      return g_strdup (_("Note"));
    }
}

/* A document entry's note as the store wrote it names the checklist's
 * documents by their ids ("1 page added to premises_proof"): the official
 * reads their names. Each run of an id's characters that is a whole id is
 * replaced, once. */
static char *
name_documents (HallCasePage *self,
                const char   *note)
{
  HallService *service = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  GString *text;
  gboolean zh = use_chinese ();
  const char *p;

  if (note == NULL)
    return NULL;
  if (self->catalog != NULL)
    service = hall_catalog_lookup (self->catalog, hall_case_get_service_id (self->kase));
  for (guint i = 0; service != NULL && i < hall_service_get_n_documents (service); i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (service, i);

      g_hash_table_insert (names, (gpointer) doc->id,
                           (gpointer) (zh && doc->name_zh != NULL ? doc->name_zh : doc->name));
    }

  text = g_string_sized_new (strlen (note));
  for (p = note; *p != '\0';)
    {
      const char *end = p;

      while (g_ascii_isalnum (*end) || *end == '_' || *end == '-' || *end == '.')
        end++;
      if (end == p)
        {
          g_string_append_c (text, *p++);
          continue;
        }
      {
        g_autofree char *word = g_strndup (p, end - p);
        const char *name = g_hash_table_lookup (names, word);

        g_string_append (text, name != NULL ? name : word);
      }
      p = end;
    }
  return g_string_free (text, FALSE);
}

static void
show_timeline (HallCasePage *self,
               GPtrArray    *events)
{
  g_autoptr (GString) text = g_string_new (NULL);

  clear_list_box (self->timeline_list);
  self->n_events = events != NULL ? events->len : 0;

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      HallCaseEvent *event = g_ptr_array_index (events, i);
      g_autofree char *title = describe_event (event);
      const char *official = hall_case_event_get_official (event);
      const char *note = hall_case_event_get_note (event);
      g_autofree char *document_note = NULL;
      g_autofree char *subtitle = hall_format_claim (official, hall_case_event_get_at (event));
      g_autofree char *record = NULL;
      gboolean differs = FALSE;
      GtkWidget *row;

      record = hall_format_server_record (official, hall_case_event_get_at (event),
                                          hall_case_event_get_recorded_by (event),
                                          hall_case_event_get_recorded_at (event), &differs);
      if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_DECISION)
        {
          g_autofree char *detail = NULL;
          g_autofree char *claim = subtitle;

          g_free (title);
          title = describe_decision (self, event, &detail);
          /* Who decided and when, then why, as an approver reads it. */
          subtitle = g_strconcat (claim, "\n", detail, NULL);
        }
      if (hall_case_event_get_kind (event) == HALL_CASE_EVENT_DOCUMENT)
        note = document_note = name_documents (self, note);
      if (note != NULL && *note != '\0')
        {
          /* The note is what matters; its kind goes in front of the time. */
          g_autofree char *detail = g_strdup_printf (_("%s · %s"), title, subtitle);

          g_free (subtitle);
          subtitle = g_steal_pointer (&detail);
          g_free (title);
          title = g_strdup (note);
        }
      /* The counter's claim, then the server's record under it. */
      if (record != NULL)
        {
          g_autofree char *both = g_strconcat (subtitle, "\n", record, NULL);

          g_free (subtitle);
          subtitle = g_steal_pointer (&both);
        }
      row = new_row (title, subtitle);
      if (differs)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

          gtk_widget_add_css_class (icon, "warning");
          gtk_widget_set_tooltip_text (icon, record);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
        }

      gtk_list_box_append (self->timeline_list, row);
      if (text->len > 0)
        g_string_append (text, "\n\n");
      g_string_append_printf (text, "%s\n%s", title, subtitle);
    }

  if (self->n_events == 0)
    gtk_list_box_append (self->timeline_list, new_row (_("Nothing happened yet"), NULL));
  g_free (self->timeline_text);
  self->timeline_text = g_string_free (g_steal_pointer (&text), FALSE);
}

/* A value of a differing field as the official reads it; NULL is "none". */
static char *
format_conflict_value (HallCasePage *self,
                       const char   *field,
                       const char   *value)
{
  if (value == NULL || *value == '\0')
    return g_strdup ("—");

  if (g_str_equal (field, "state"))
    {
      HallCaseState state;

      if (hall_case_state_from_string (value, &state))
        return g_strdup (hall_case_state_get_label (state));
    }
  else if (g_str_equal (field, "id_type"))
    {
      HallIdType id_type;

      if (hall_id_type_from_string (value, &id_type))
        return g_strdup (hall_id_type_get_label (id_type));
    }
  else if (g_str_equal (field, "id_number"))
    /* As the applicant row shows it: the page may face the counter's queue. */
    return hall_format_masked_document (value);
  else if (g_str_equal (field, "service"))
    return g_strdup (hall_format_service_name (self->catalog, value, NULL));
  else if (g_str_equal (field, "checklist"))
    {
      g_autoptr (JsonNode) node = json_from_string (value, NULL);

      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *items = json_node_get_array (node);
          guint n = json_array_get_length (items);
          guint provided = 0;

          for (guint i = 0; i < n; i++)
            {
              JsonObject *item = json_array_get_object_element (items, i);

              if (item != NULL &&
                  json_object_get_boolean_member_with_default (item, "provided", FALSE))
                provided++;
            }
          /* Translators: documents of the checklist, "2 of 5 provided" */
          return g_strdup_printf (_("%u of %u provided"), provided, n);
        }
    }

  return g_strdup (value);
}

static GtkWidget *
new_conflict_row (HallCasePage           *self,
                  HallConflict           *conflict,
                  HallConflictDifference *difference,
                  GString                *text)
{
  g_autofree char *mine = format_conflict_value (self, difference->field, difference->mine);
  g_autofree char *theirs = format_conflict_value (self, difference->field, difference->theirs);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  const char *label = hall_conflict_get_field_label (difference->field);
  GtkWidget *row;
  GtkWidget *icon;

  if (g_strcmp0 (hall_conflict_get_entity (conflict), "applicant") == 0)
    /* Translators: a field of the applicant's record, "Applicant · Phone" */
    title = g_strdup_printf (_("Applicant · %s"), label);
  else
    title = g_strdup (label);
  /* Translators: the two values of a field that was changed in both places */
  subtitle = g_strdup_printf (_("This counter: %s\nServer: %s"), mine, theirs);

  row = new_row (title, subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "warning");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  g_string_append_printf (text, "%s%s\n%s", text->len > 0 ? "\n\n" : "", title, subtitle);
  return row;
}

/* One applicant record as the official compares it with another: name,
 * document (masked, as the applicant row shows it) and how to reach them. */
static char *
describe_applicant_json (const char *json)
{
  g_autoptr (JsonNode) node = json_from_string (json, NULL);
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *contact;

  applicant = node != NULL ? hall_applicant_new_from_json (node, NULL, NULL) : NULL;
  if (applicant == NULL)
    return g_strdup ("—");

  g_ptr_array_add (parts, g_strdup (hall_applicant_get_name (applicant)));
  if (hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS)
    {
      g_ptr_array_add (parts, g_strdup (hall_applicant_get_credit_code (applicant)));
      contact = hall_applicant_get_legal_representative (applicant);
    }
  else
    {
      g_autofree char *masked = hall_format_masked_document (hall_applicant_get_id_number (applicant));

      g_ptr_array_add (parts, g_strdup_printf (_("%s · %s"),
                                               hall_id_type_get_label (hall_applicant_get_id_type (applicant)),
                                               masked));
      contact = hall_applicant_get_phone (applicant);
    }
  if (contact != NULL && *contact != '\0')
    g_ptr_array_add (parts, g_strdup (contact));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static GtkWidget *
new_record_row (const char *title,
                const char *subtitle,
                const char *icon_name,
                GString    *text)
{
  GtkWidget *row = new_row (title, subtitle);

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon_name));
  g_string_append_printf (text, "%s%s\n%s", text->len > 0 ? "\n\n" : "", title, subtitle);
  return row;
}

/* A duplicate: both records, the one registered first above (it is kept). */
static void
show_duplicate (HallCasePage *self,
                HallConflict *conflict,
                GString      *text)
{
  g_autofree char *theirs = describe_applicant_json (hall_conflict_get_server_json (conflict));
  g_autofree char *mine = describe_applicant_json (hall_conflict_get_local_json (conflict));

  gtk_list_box_append (self->duplicate_list,
                       new_record_row (_("Registered first, kept"), theirs,
                                       "avatar-default-symbolic", text));
  gtk_list_box_append (self->duplicate_list,
                       new_record_row (_("This counter’s record, merged into it"), mine,
                                       "edit-copy-symbolic", text));
}

/* The conflicts still open, each differing field with both values, and
 * the applicants registered twice with both records; the actions decide
 * all of a group at once. */
static void
show_conflicts (HallCasePage *self,
                GPtrArray    *conflicts)
{
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean any = FALSE;
  gboolean any_duplicate = FALSE;
  gboolean only_entries = TRUE;

  clear_list_box (self->conflict_list);
  clear_list_box (self->duplicate_list);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  if (conflicts != NULL)
    self->conflicts = g_ptr_array_ref (conflicts);

  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    {
      HallConflict *conflict = conflicts->pdata[i];
      g_autoptr (GPtrArray) differences = NULL;

      if (hall_conflict_get_kind (conflict) == HALL_CONFLICT_DUPLICATE)
        {
          any_duplicate = TRUE;
          show_duplicate (self, conflict, text);
          continue;
        }
      any = TRUE;
      differences = hall_conflict_list_differences (conflict);
      if (g_strcmp0 (hall_conflict_get_entity (conflict), "event") != 0)
        only_entries = FALSE;
      for (guint j = 0; j < differences->len; j++)
        gtk_list_box_append (self->conflict_list,
                             new_conflict_row (self, conflict, differences->pdata[j], text));
      if (differences->len == 0)
        gtk_list_box_append (self->conflict_list,
                             new_row (_("No field differs; either choice keeps the same data"),
                                      NULL));
    }

  g_free (self->conflict_text);
  self->conflict_text = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->conflict_group), any);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicate_group), any_duplicate);
  /* Nothing was changed twice: the case waits for the merge. */
  if (any_duplicate && !any && self->kase != NULL
      && hall_case_get_sync_state (self->kase) == HALL_SYNC_CONFLICT)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sync_row),
                                   _("Waiting for the two records to be merged"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.keep-mine", any && self->store != NULL);
  /* A timeline entry has no server version to take instead. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.take-theirs",
                                 any && !only_entries && self->store != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.merge-applicant",
                                 any_duplicate && self->store != NULL);
}

static void
set_loading (HallCasePage *self,
             gboolean      loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The promise in the hall's calendar, the clock stopped while the case
 * waited for the applicant (补正). */
static void
show_promise (HallCasePage *self,
              GPtrArray    *events)
{
  HallService *service;
  g_autoptr (HallCalendar) calendar = NULL;
  g_autofree char *text = NULL;

  self->has_promise = FALSE;
  service = self->catalog != NULL
              ? hall_catalog_lookup (self->catalog, hall_case_get_service_id (self->kase))
              : NULL;
  calendar = service != NULL ? hall_service_dup_calendar (service) : NULL;
  if (calendar == NULL)
    return;
  hall_case_compute_promise (self->kase, service, calendar, events, &self->promise);
  self->has_promise = TRUE;
  text = hall_case_format_promise (self->kase, calendar, &self->promise);
  adw_action_row_set_subtitle (self->promised_row, text);
  update_countdown (self);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (HallCasePage) self = user_data;
  g_autoptr (HallCaseRecord) record = NULL;
  g_autoptr (GError) error = NULL;

  /* Cancelled when the page moved to another case or went away. */
  record = hall_store_load_case_finish (HALL_STORE (object), result, &error);
  if (record == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_loading (self, FALSE);
      g_warning ("Could not read case %s: %s", hall_case_get_uuid (self->kase), error->message);
      adw_action_row_set_subtitle (self->applicant_row, error->message);
      return;
    }

  g_set_object (&self->kase, hall_case_record_get_case (record));
  show_case (self);
  show_applicant (self, hall_case_record_get_applicant (record));
  show_checklist (self);
  show_timeline (self, hall_case_record_get_events (record));
  show_promise (self, hall_case_record_get_events (record));
  show_conflicts (self, hall_case_record_get_conflicts (record));
  set_loading (self, FALSE);
}

static void
trust_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (HallCasePage) self = user_data;
  g_autoptr (GError) error = NULL;
  HallStoreTrust *trust;

  trust = hall_store_get_trust_finish (HALL_STORE (object), result, &error);
  if (trust == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Without it, decisions show as not checked. */
  if (trust == NULL)
    g_warning ("Could not read the hall’s key: %s", error->message);
  g_clear_pointer (&self->trust, hall_store_trust_free);
  self->trust = trust;
  if (self->kase == NULL || self->store == NULL)
    return;
  hall_store_load_case_async (self->store, hall_case_get_uuid (self->kase), self->cancellable,
                              load_cb, g_object_ref (self));
}

static void
hall_case_page_reload (HallCasePage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->kase == NULL || self->store == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  /* The hall's key first: the timeline says whether each decision's
   * signature verifies. */
  hall_store_get_trust_async (self->store, self->cancellable, trust_cb, g_object_ref (self));
}

static void
case_changed_cb (HallStore    *store,
                 const char   *uuid,
                 HallCasePage *self)
{
  if (self->kase != NULL && g_strcmp0 (uuid, hall_case_get_uuid (self->kase)) == 0)
    hall_case_page_reload (self);
}

/* While the case waits for the server, any change of the outbox may be its
 * acknowledgement or its rejection. */
static void
outbox_changed_cb (HallStore    *store,
                   guint         n_pending,
                   HallCasePage *self)
{
  if (self->kase != NULL && hall_case_get_sync_state (self->kase) == HALL_SYNC_PENDING)
    hall_case_page_reload (self);
}

static void
add_note_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (HallCasePage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!hall_store_add_case_event_finish (HALL_STORE (object), result, &error))
    {
      GtkRoot *root;
      AdwMessageDialog *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      root = gtk_widget_get_root (GTK_WIDGET (self));
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                              : NULL,
                                                           _("The Note Was Not Saved"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  hall_case_page_reload (self);
}

static void
note_changed_cb (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "add", *text != '\0');
}

static void
note_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  HallCasePage     *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr (HallCaseEvent) event = NULL;

  if (g_strcmp0 (response, "add") != 0 || *note == '\0' || self->kase == NULL ||
      self->store == NULL)
    return;

  event = hall_case_event_new (hall_case_get_uuid (self->kase), HALL_CASE_EVENT_NOTE);
  hall_case_event_set_note (event, note);
  hall_case_event_set_official (event, self->official);
  /* The note belongs to the case it was written on: a move to another case
   * does not stop it. */
  hall_store_add_case_event_async (self->store, event, self->page_cancellable, add_note_cb,
                                   g_object_ref (self));
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  if (self->kase == NULL)
    return;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                          : NULL,
                                                       _("Add Note"),
                                                       _("The note goes on the case’s timeline and to the server.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add Note"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "add", FALSE);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");

  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 2000);
  adw_message_dialog_set_extra_child (dialog, entry);

  g_signal_connect (entry, "changed", G_CALLBACK (note_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (note_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_toast (HallCasePage *self,
            const char   *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
}

/* Correcting the applicant's phone */

static void
correct_phone_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (HallCasePage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!hall_store_correct_applicant_phone_finish (HALL_STORE (object), result, &error))
    {
      GtkRoot *root;
      AdwMessageDialog *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      root = gtk_widget_get_root (GTK_WIDGET (self));
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                              : NULL,
                                                           _("The Phone Was Not Corrected"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  show_toast (self, _("Phone corrected"));
  hall_case_page_reload (self);
}

/* What is typed now is judged now: the body says what is wrong with it,
 * and Correct is there only for a number that is one, and new. */
static void
phone_changed_cb (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  HallApplicant *applicant = g_object_get_data (G_OBJECT (dialog), "applicant");
  g_autofree char *phone = NULL;
  g_autoptr (GError) error = NULL;

  phone = hall_applicant_check_phone (gtk_editable_get_text (entry), &error);
  if (phone == NULL && *gtk_editable_get_text (entry) != '\0')
    {
      adw_message_dialog_set_body (dialog, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
    }
  else
    {
      adw_message_dialog_set_body (dialog, _("The applicant’s record changes here at once, and "
                                             "on the hall’s server with the next sync."));
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
    }
  adw_message_dialog_set_response_enabled (dialog, "correct",
                                           phone != NULL
                                           && g_strcmp0 (phone,
                                                         hall_applicant_get_phone (applicant)) != 0);
}

static void
phone_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   HallCasePage     *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  HallApplicant *applicant = g_object_get_data (G_OBJECT (dialog), "applicant");

  if (g_strcmp0 (response, "correct") != 0 || self->store == NULL)
    return;
  hall_store_correct_applicant_phone_async (self->store, hall_applicant_get_uuid (applicant),
                                            gtk_editable_get_text (entry), self->page_cancellable,
                                            correct_phone_cb, g_object_ref (self));
}

static void
correct_phone_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  const char *phone;

  if (self->applicant == NULL)
    return;
  phone = hall_applicant_get_phone (self->applicant);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                          : NULL,
                                                       _("Correct the Phone"), NULL));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "correct", _("C_orrect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "correct", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "correct");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "applicant", g_object_ref (self->applicant),
                          g_object_unref);

  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PHONE);
  gtk_editable_set_text (GTK_EDITABLE (entry), phone != NULL ? phone : "");
  adw_message_dialog_set_extra_child (dialog, entry);

  g_signal_connect (entry, "changed", G_CALLBACK (phone_changed_cb), dialog);
  phone_changed_cb (GTK_EDITABLE (entry), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (phone_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  HallCasePage           *page;
  HallConflictResolution  resolution;
} ConflictDecision;

static void
conflict_decision_free (ConflictDecision *decision)
{
  g_clear_object (&decision->page);
  g_free (decision);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConflictDecision, conflict_decision_free)

static void
resolve_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (ConflictDecision) decision = user_data;
  HallCasePage *self = decision->page;
  g_autoptr (GError) error = NULL;

  if (!hall_store_resolve_conflicts_finish (HALL_STORE (object), result, &error))
    {
      GtkRoot *root;
      AdwMessageDialog *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      root = gtk_widget_get_root (GTK_WIDGET (self));
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                              : NULL,
                                                           _("The Choice Was Not Saved"),
                                                           error->message));
      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  else if (decision->resolution == HALL_CONFLICT_KEEP_MINE)
    show_toast (self, _("Kept this counter’s version: it goes to the server with the next sync"));
  else if (decision->resolution == HALL_CONFLICT_MERGE)
    show_toast (self, _("Merged: the cases go to the server with the next sync, under the record"
                        " registered first"));
  else
    show_toast (self, _("Took the server’s version: this counter’s change is in the timeline"));

  /* Read again whatever happened: the buttons follow what is still open. */
  hall_case_page_reload (self);
}

static void
resolve_conflicts (HallCasePage           *self,
                   HallConflictResolution  resolution)
{
  g_autoptr (GArray) ids = NULL;
  ConflictDecision *decision;

  if (self->store == NULL || self->conflicts == NULL || self->conflicts->len == 0)
    return;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->conflicts->len; i++)
    {
      HallConflict *conflict = self->conflicts->pdata[i];
      gint64 id = hall_conflict_get_id (conflict);

      /* A duplicate is merged, and only a duplicate. */
      if ((hall_conflict_get_kind (conflict) == HALL_CONFLICT_DUPLICATE)
          != (resolution == HALL_CONFLICT_MERGE))
        continue;
      /* A timeline entry can only be sent again: it stays for "keep". */
      if (resolution == HALL_CONFLICT_TAKE_THEIRS &&
          g_strcmp0 (hall_conflict_get_entity (conflict), "event") == 0)
        continue;
      g_array_append_val (ids, id);
    }

  /* One decision per conflict: no second click while this one is saved. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.keep-mine", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.take-theirs", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.merge-applicant", FALSE);

  decision = g_new0 (ConflictDecision, 1);
  decision->page = g_object_ref (self);
  decision->resolution = resolution;
  hall_store_resolve_conflicts_async (self->store, (const gint64 *) ids->data, ids->len,
                                      resolution, self->official, self->page_cancellable,
                                      resolve_cb, decision);
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve_conflicts (HALL_CASE_PAGE (widget), HALL_CONFLICT_KEEP_MINE);
}

static void
take_theirs_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  resolve_conflicts (HALL_CASE_PAGE (widget), HALL_CONFLICT_TAKE_THEIRS);
}

static void
merge_applicant_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  resolve_conflicts (HALL_CASE_PAGE (widget), HALL_CONFLICT_MERGE);
}

static void
hall_case_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (hall_case_page_parent_class)->map (widget);

  update_countdown (HALL_CASE_PAGE (widget));
  update_countdown_timer (HALL_CASE_PAGE (widget));
}

static void
hall_case_page_unmap (GtkWidget *widget)
{
  HallCasePage *self = HALL_CASE_PAGE (widget);

  g_clear_handle_id (&self->countdown_id, g_source_remove);

  GTK_WIDGET_CLASS (hall_case_page_parent_class)->unmap (widget);
}

static void
hall_case_page_dispose (GObject *object)
{
  HallCasePage *self = HALL_CASE_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->page_cancellable);
  g_clear_object (&self->page_cancellable);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_CASE_PAGE);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->kase);
  g_clear_object (&self->applicant);
  g_clear_pointer (&self->trust, hall_store_trust_free);
  g_clear_object (&self->catalog);
  g_clear_object (&self->engine);
  /* A call still running holds the page past its dispose: the store must
   * not reach it meanwhile. */
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_case_page_parent_class)->dispose (object);
}

static void
hall_case_page_finalize (GObject *object)
{
  HallCasePage *self = HALL_CASE_PAGE (object);

  g_free (self->official);
  g_free (self->document_text);
  g_free (self->conflict_text);
  g_free (self->timeline_text);

  G_OBJECT_CLASS (hall_case_page_parent_class)->finalize (object);
}

static void
hall_case_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HallCasePage *self = HALL_CASE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_OFFICIAL:
      g_value_set_string (value, self->official);
      break;
    case PROP_CASE:
      g_value_set_object (value, self->kase);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  HallCasePage *self = HALL_CASE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hall_case_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_CATALOG:
      hall_case_page_set_catalog (self, g_value_get_object (value));
      break;
    case PROP_OFFICIAL:
      hall_case_page_set_official (self, g_value_get_string (value));
      break;
    case PROP_CASE:
      hall_case_page_set_case (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_page_class_init (HallCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_case_page_dispose;
  object_class->finalize = hall_case_page_finalize;
  object_class->get_property = hall_case_page_get_property;
  object_class->set_property = hall_case_page_set_property;
  widget_class->map = hall_case_page_map;
  widget_class->unmap = hall_case_page_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, HALL_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFICIAL] =
    g_param_spec_string ("official", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CASE] =
    g_param_spec_object ("case", NULL, NULL, HALL_TYPE_CASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, stack);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, case_scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, number_label);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, state_label);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, applicant_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, service_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, phone_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, created_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, recorded_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, promised_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, sync_row);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, applicant_icon);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, checklist_list);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, documents_group);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, license_group);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, conflict_group);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, conflict_list);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, duplicate_group);
  gtk_widget_class_bind_template_child (widget_class, HallCasePage, duplicate_list);

  gtk_widget_class_install_action (widget_class, "case.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "case.correct-phone", NULL,
                                   correct_phone_action);
  gtk_widget_class_install_action (widget_class, "case.scan-document", "s", scan_document_action);
  gtk_widget_class_install_action (widget_class, "case.print-dossier", NULL, print_dossier_action);
  gtk_widget_class_install_action (widget_class, "case.save-dossier", NULL, save_dossier_action);
  gtk_widget_class_install_action (widget_class, "case.print-license", NULL, print_license_action);
  gtk_widget_class_install_action (widget_class, "case.save-license", NULL, save_license_action);
  gtk_widget_class_install_action (widget_class, "case.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "case.take-theirs", NULL, take_theirs_action);
  gtk_widget_class_install_action (widget_class, "case.merge-applicant", NULL,
                                   merge_applicant_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_case_page_init (HallCasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->page_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.add-note", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.correct-phone", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.print-license", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.save-license", FALSE);
  show_conflicts (self, NULL);
}

GtkWidget *
hall_case_page_new (void)
{
  return g_object_new (HALL_TYPE_CASE_PAGE, NULL);
}

void
hall_case_page_set_store (HallCasePage *self,
                          HallStore    *store)
{
  g_return_if_fail (HALL_IS_CASE_PAGE (self));
  g_return_if_fail (store == NULL || HALL_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      g_signal_connect_object (store, "case-changed", G_CALLBACK (case_changed_cb), self, 0);
      g_signal_connect_object (store, "outbox-changed", G_CALLBACK (outbox_changed_cb), self, 0);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.add-note",
                                 self->kase != NULL && store != NULL);
  hall_case_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
hall_case_page_set_catalog (HallCasePage *self,
                            HallCatalog  *catalog)
{
  g_return_if_fail (HALL_IS_CASE_PAGE (self));
  g_return_if_fail (catalog == NULL || HALL_IS_CATALOG (catalog));

  if (g_set_object (&self->catalog, catalog))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATALOG]);
}

void
hall_case_page_set_sync_engine (HallCasePage   *self,
                                HallSyncEngine *engine)
{
  g_return_if_fail (HALL_IS_CASE_PAGE (self));
  g_return_if_fail (engine == NULL || HALL_IS_SYNC_ENGINE (engine));

  g_set_object (&self->engine, engine);
}

void
hall_case_page_set_official (HallCasePage *self,
                             const char   *official)
{
  g_return_if_fail (HALL_IS_CASE_PAGE (self));

  if (g_strcmp0 (self->official, official) == 0)
    return;

  g_free (self->official);
  self->official = g_strdup (official);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFICIAL]);
}

HallCase *
hall_case_page_get_case (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return self->kase;
}

void
hall_case_page_set_case (HallCasePage *self,
                         HallCase     *kase)
{
  g_return_if_fail (HALL_IS_CASE_PAGE (self));
  g_return_if_fail (kase == NULL || HALL_IS_CASE (kase));

  if (self->kase == kase)
    return;

  g_set_object (&self->kase, kase);
  /* The previous case's promise must not count down for this one. */
  self->has_promise = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.add-note",
                                 kase != NULL && self->store != NULL);

  /* Another case's conflict must not stay on show while this one loads. */
  show_conflicts (self, NULL);
  if (kase == NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_handle_id (&self->countdown_id, g_source_remove);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      set_loading (self, FALSE);
    }
  else
    {
      /* Another case opens at its top, its number and state in sight, not
       * where the previous case was scrolled to. */
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->case_scrolled_window),
                                0);
      /* What the list already knows shows at once; the rest follows. */
      show_case (self);
      show_applicant (self, NULL);
      show_checklist (self);
      clear_list_box (self->timeline_list);
      self->n_events = 0;
      hall_case_page_reload (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE]);
}

gboolean
hall_case_page_get_loading (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), FALSE);

  return self->loading;
}

const char *
hall_case_page_get_countdown_text (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return gtk_label_get_label (self->countdown_label);
}

const char *
hall_case_page_get_document_text (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return self->document_text;
}

guint
hall_case_page_get_n_events (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), 0);

  return self->n_events;
}

const char *
hall_case_page_get_conflict_text (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return self->conflict_text != NULL ? self->conflict_text : "";
}

const char *
hall_case_page_get_timeline_text (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return self->timeline_text != NULL ? self->timeline_text : "";
}

const char *
hall_case_page_get_applicant_icon_name (HallCasePage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_PAGE (self), NULL);

  return gtk_image_get_icon_name (self->applicant_icon);
}
