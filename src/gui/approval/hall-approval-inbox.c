/* hall-approval-inbox.c — the approver's inbox
 *
 * The list is a GtkListBox of at most INBOX_LIMIT rows (the store's walk
 * is bounded the same): what one official can work through in a sitting.
 * Each row keeps its HallInboxItem; a one-second tick rewrites the
 * countdowns. The detail beside it is read with hall_store_load_case_async()
 * for the case selected. The widgets are ui/hall-approval-inbox.ui; the
 * rows, the supervisor's counts and the reasons are built here, from what
 * the store answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-approval"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "hall-approval-inbox.h"
#include "hall-approval-inbox-test-hooks.h"
#include "hall-case-format.h"

#define INBOX_LIMIT 200

struct _HallApprovalInbox
{
  GtkWidget       parent_instance;

  HallStore      *store;
  HallCatalog    *catalog;
  char           *official;
  HallRoles       roles;

  AdwLeaflet     *leaflet;
  GtkWidget      *list_side;
  GtkWidget      *detail_side;
  GtkWidget      *back_button;
  GtkWidget      *counts_group;
  GtkListBox     *counts_list;
  guint           n_step_counts;
  GtkStack       *list_stack;
  GtkListBox     *list;
  GtkLabel       *status;
  GtkWidget      *detail;
  GtkWidget      *buttons;
  GtkLabel       *title;
  GtkLabel       *applicant;
  GtkLabel       *documents;
  GtkLabel       *decisions;
  GtkBox         *reasons_box;
  GPtrArray      *reason_checks;   /* of GtkCheckButton, with "code" data */
  GtkEntry       *reason_entry;
  GtkLabel       *reason_error;

  GPtrArray      *items;           /* of HallInboxItem, as listed */
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  guint           tick_id;
  gulong          changed_id;
  guint           busy;
  char           *select_after;    /* uuid to select when the list comes back */
  guint           select_index;
};

G_DEFINE_FINAL_TYPE (HallApprovalInbox, hall_approval_inbox, GTK_TYPE_WIDGET)

static gboolean
service_speaks_chinese (HallService *service)
{
  return hall_service_get_name (service) == hall_service_get_name_zh (service);
}

static void
set_status (HallApprovalInbox *self,
            const char        *what,
            const GError      *error)
{
  g_autofree char *text = NULL;

  if (error != NULL)
    /* Translators: "Could not decide the case: <the store's words>" */
    text = g_strdup_printf (_("%s: %s"), what, error->message);
  gtk_label_set_text (self->status, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status), text != NULL);
}

/* Countdowns */

static void
update_row_time (GtkListBoxRow *row,
                 gint64         now)
{
  HallInboxItem *item = g_object_get_data (G_OBJECT (row), "item");
  GtkLabel *time = g_object_get_data (G_OBJECT (row), "time");
  gint64 promised_at = hall_case_get_promised_at (hall_inbox_item_get_case (item));
  gboolean overdue = FALSE;
  g_autofree char *text = NULL;

  if (promised_at <= 0)
    {
      gtk_label_set_text (time, "");
      return;
    }
  text = hall_format_countdown (promised_at, now, TRUE, &overdue);
  gtk_label_set_text (time, text);
  if (overdue)
    gtk_widget_add_css_class (GTK_WIDGET (time), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (time), "error");
}

static gboolean
tick_cb (gpointer user_data)
{
  HallApprovalInbox *self = user_data;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GtkListBoxRow *row;

  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->list, i)) != NULL; i++)
    update_row_time (row, now);
  return G_SOURCE_CONTINUE;
}

/* The detail of the case selected */

static void
clear_reasons (HallApprovalInbox *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reasons_box))) != NULL)
    gtk_box_remove (self->reasons_box, child);
  g_ptr_array_set_size (self->reason_checks, 0);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), "");
  gtk_label_set_text (self->reason_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->reason_entry), "error");
}

static void
show_reasons (HallApprovalInbox *self,
              HallService       *service)
{
  gboolean chinese = service_speaks_chinese (service);

  clear_reasons (self);
  for (guint i = 0; i < hall_service_get_n_reasons (service); i++)
    {
      const HallCatalogReason *reason = hall_service_get_reason (service, i);
      GtkWidget *check = gtk_check_button_new_with_label (chinese ? reason->text_zh
                                                                  : reason->text);

      g_object_set_data_full (G_OBJECT (check), "code", g_strdup (reason->code), g_free);
      gtk_box_append (self->reasons_box, check);
      g_ptr_array_add (self->reason_checks, check);
    }
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HallApprovalInbox *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCaseRecord) record = hall_store_load_case_finish (HALL_STORE (source), result,
                                                                   &error);
  g_autoptr (GString) documents = g_string_new (NULL);
  g_autoptr (GString) decisions = g_string_new (NULL);
  HallApplicant *applicant;
  HallService *service;
  JsonArray *checklist;
  GPtrArray *events;
  gboolean chinese;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (record == NULL)
    {
      set_status (self, _("Could not read the case"), error);
      return;
    }
  applicant = hall_case_record_get_applicant (record);
  service = hall_catalog_lookup (self->catalog,
                                 hall_case_get_service_id (hall_case_record_get_case (record)));
  if (service == NULL)
    return;
  chinese = service_speaks_chinese (service);
  if (applicant != NULL)
    {
      g_autofree char *masked = hall_format_masked_document (hall_applicant_get_id_number (applicant));
      g_autofree char *text = g_strdup_printf ("%s · %s · %s", hall_applicant_get_name (applicant),
                                               masked, hall_applicant_get_phone (applicant));

      gtk_label_set_text (self->applicant, text);
    }

  checklist = hall_case_get_checklist (hall_case_record_get_case (record));
  for (guint i = 0; i < hall_service_get_n_documents (service); i++)
    {
      const HallRequiredDocument *doc = hall_service_get_document (service, i);
      gboolean provided = FALSE;

      for (guint j = 0; checklist != NULL && j < json_array_get_length (checklist); j++)
        {
          JsonObject *entry = json_array_get_object_element (checklist, j);

          if (g_strcmp0 (json_object_get_string_member_with_default (entry, "id", ""), doc->id) == 0)
            provided = json_object_get_boolean_member_with_default (entry, "provided", FALSE);
        }
      g_string_append_printf (documents, "%s%s %s", documents->len > 0 ? "\n" : "",
                              provided ? "✓" : "✗", chinese ? doc->name_zh : doc->name);
    }
  gtk_label_set_text (self->documents, documents->str);

  events = hall_case_record_get_events (record);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      HallCaseEvent *event = g_ptr_array_index (events, i);
      const HallApprovalStep *step;
      g_autofree char *at = NULL;

      if (hall_case_event_get_kind (event) != HALL_CASE_EVENT_DECISION)
        continue;
      step = hall_service_find_step (service, hall_case_event_get_step (event), NULL);
      at = hall_format_timestamp (hall_case_event_get_at (event));
      g_string_append_printf (decisions, "%s%s · %s · %s · %s", decisions->len > 0 ? "\n" : "",
                              hall_decision_get_label (hall_case_event_get_decision (event)),
                              step != NULL ? (chinese ? step->name_zh : step->name)
                                           : hall_case_event_get_step (event),
                              hall_case_event_get_official (event), at);
    }
  gtk_label_set_text (self->decisions, decisions->len > 0 ? decisions->str : _("None yet"));
}

static void
show_selected (HallApprovalInbox *self)
{
  HallInboxItem *item = hall_approval_inbox_get_selected (self);
  HallCase *kase;
  HallService *service;
  g_autofree char *title = NULL;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_set_sensitive (self->detail, item != NULL);
  gtk_widget_set_sensitive (self->buttons, item != NULL);
  gtk_label_set_text (self->applicant, "");
  gtk_label_set_text (self->documents, "");
  gtk_label_set_text (self->decisions, "");
  if (item == NULL)
    {
      gtk_label_set_text (self->title, _("No case selected"));
      clear_reasons (self);
      return;
    }
  kase = hall_inbox_item_get_case (item);
  service = hall_catalog_lookup (self->catalog, hall_case_get_service_id (kase));
  /* Translators: case number · approval step */
  title = g_strdup_printf (_("%s · %s"), hall_case_get_number (kase),
                           hall_inbox_item_get_step_name (item));
  gtk_label_set_text (self->title, title);
  if (service != NULL)
    show_reasons (self, service);
  self->load_cancellable = g_cancellable_new ();
  hall_store_load_case_async (self->store, hall_case_get_uuid (kase), self->load_cancellable,
                              load_cb, self);
}

static void
row_selected_cb (HallApprovalInbox *self)
{
  show_selected (self);
}

/* Folded, a case chosen (a click, Enter) comes forward; a selection the
 * inbox makes itself, as the first case on opening, does not. */
static void
row_activated_cb (HallApprovalInbox *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->detail_side);
}

static void
back_clicked_cb (HallApprovalInbox *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Writing a reason answers the field's complaint. */
static void
reason_changed_cb (HallApprovalInbox *self)
{
  gtk_label_set_text (self->reason_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->reason_entry), "error");
}

/* The list */

static GtkWidget *
make_row (HallApprovalInbox *self,
          HallInboxItem     *item)
{
  HallCase *kase = hall_inbox_item_get_case (item);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *number = gtk_label_new (hall_case_get_number (kase));
  GtkWidget *time = gtk_label_new (NULL);
  g_autofree char *what = g_strdup_printf (_("%s · %s"),
                                           hall_format_service_name (self->catalog,
                                                                     hall_case_get_service_id (kase),
                                                                     hall_case_get_service_name (kase)),
                                           hall_inbox_item_get_step_name (item));
  GtkWidget *service = gtk_label_new (what);

  gtk_widget_add_css_class (number, "heading");
  gtk_widget_set_hexpand (number, TRUE);
  gtk_label_set_xalign (GTK_LABEL (number), 0);
  gtk_widget_add_css_class (time, "numeric");
  gtk_box_append (GTK_BOX (top), number);
  gtk_box_append (GTK_BOX (top), time);
  gtk_label_set_xalign (GTK_LABEL (service), 0);
  gtk_label_set_ellipsize (GTK_LABEL (service), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (service, "dim-label");
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), service);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "item", g_object_ref (item), g_object_unref);
  g_object_set_data (G_OBJECT (row), "time", time);
  update_row_time (GTK_LIST_BOX_ROW (row), g_get_real_time () / G_USEC_PER_SEC);
  return row;
}

static void
end_busy (HallApprovalInbox *self)
{
  /* A refresh forgets the reads it cancelled, so this may be 0. */
  if (self->busy > 0)
    self->busy--;
}

static void
list_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HallApprovalInbox *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = hall_store_list_inbox_finish (HALL_STORE (source), result,
                                                              &error);
  GtkListBoxRow *select = NULL;
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  end_busy (self);
  if (items == NULL)
    {
      set_status (self, _("Could not read the inbox"), error);
      return;
    }
  set_status (self, NULL, NULL);
  g_signal_handlers_block_by_func (self->list, row_selected_cb, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < items->len; i++)
    {
      HallInboxItem *item = g_ptr_array_index (items, i);
      GtkWidget *row = make_row (self, item);

      g_ptr_array_add (self->items, g_object_ref (item));
      gtk_list_box_append (self->list, row);
      if (g_strcmp0 (self->select_after,
                     hall_case_get_uuid (hall_inbox_item_get_case (item))) == 0)
        select = GTK_LIST_BOX_ROW (row);
    }
  if (select == NULL && items->len > 0)
    select = gtk_list_box_get_row_at_index (self->list, MIN (self->select_index, items->len - 1));
  g_clear_pointer (&self->select_after, g_free);
  gtk_list_box_select_row (self->list, select);
  g_signal_handlers_unblock_by_func (self->list, row_selected_cb, self);
  gtk_stack_set_visible_child_name (self->list_stack, items->len > 0 ? "list" : "empty");
  show_selected (self);
  if (select != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (select));
}

static void
counts_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HallApprovalInbox *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) counts = hall_store_count_inbox_steps_finish (HALL_STORE (source), result,
                                                                      &error);
  GtkWidget *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  end_busy (self);
  if (counts == NULL)
    {
      set_status (self, _("Could not count the queues"), error);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts_list))) != NULL)
    gtk_list_box_remove (self->counts_list, child);
  self->n_step_counts = counts->len;
  for (guint i = 0; i < counts->len; i++)
    {
      HallInboxStepCount *count = g_ptr_array_index (counts, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *numbers = NULL;
      GtkWidget *label;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     hall_format_service_name (self->catalog, count->service_id,
                                                               count->service_name));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), count->step_name);
      /* Translators: cases waiting at a step, and how many of them are overdue */
      numbers = g_strdup_printf (_("%u waiting · %u overdue"), count->waiting, count->overdue);
      label = gtk_label_new (numbers);
      if (count->overdue > 0)
        gtk_widget_add_css_class (label, "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->counts_list, row);
    }
  gtk_widget_set_visible (self->counts_group, counts->len > 0);
}

/* Deciding */

static void
decide_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (HallApprovalInbox) self = user_data;
  g_autoptr (GError) error = NULL;

  end_busy (self);
  if (!hall_store_decide_case_finish (HALL_STORE (source), result, NULL, &error))
    {
      set_status (self, _("Could not decide the case"), error);
      return;
    }
  hall_approval_inbox_refresh (self);
}

static void
decide (HallApprovalInbox *self,
        HallDecision       decision)
{
  HallInboxItem *item = hall_approval_inbox_get_selected (self);
  g_autoptr (HallCaseEvent) event = NULL;
  HallCase *kase;
  HallService *service;
  const char *text;
  GtkListBoxRow *row;

  if (item == NULL || self->store == NULL || self->busy > 0)
    return;
  kase = hall_inbox_item_get_case (item);
  service = hall_catalog_lookup (self->catalog, hall_case_get_service_id (kase));
  if (service == NULL)
    return;
  event = hall_case_event_new (hall_case_get_uuid (kase), HALL_CASE_EVENT_DECISION);
  hall_case_event_set_decision (event, decision);
  hall_case_event_set_step (event, hall_inbox_item_get_step_id (item));
  if (decision != HALL_DECISION_APPROVE)
    {
      for (guint i = 0; i < self->reason_checks->len; i++)
        {
          GtkCheckButton *check = g_ptr_array_index (self->reason_checks, i);

          if (gtk_check_button_get_active (check))
            hall_case_event_add_reason (event, g_object_get_data (G_OBJECT (check), "code"), NULL);
        }
      text = gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
      if (text != NULL)
        {
          g_autofree char *words = g_strstrip (g_strdup (text));

          if (*words != '\0')
            hall_case_event_add_reason (event, HALL_DECISION_REASON_OTHER, words);
        }
      if (hall_case_event_get_reasons (event) == NULL
          || json_array_get_length (hall_case_event_get_reasons (event)) == 0)
        {
          gtk_label_set_text (self->reason_error,
                              decision == HALL_DECISION_RETURN
                              ? _("Say why the case goes back: tick a reason or write one")
                              : _("Say why the case is rejected: tick a reason or write one"));
          gtk_widget_set_visible (GTK_WIDGET (self->reason_error), TRUE);
          gtk_widget_add_css_class (GTK_WIDGET (self->reason_entry), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->reason_entry));
          return;
        }
    }
  gtk_label_set_text (self->reason_error, "");
  gtk_widget_set_visible (GTK_WIDGET (self->reason_error), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->reason_entry), "error");

  /* The case leaves the list; the one after it takes its place. */
  row = gtk_list_box_get_selected_row (self->list);
  self->select_index = row != NULL ? (guint) gtk_list_box_row_get_index (row) : 0;
  self->busy++;
  hall_store_decide_case_async (self->store, service, event, self->roles, self->official,
                                NULL, decide_cb, g_object_ref (self));
}

static void
approve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  decide (HALL_APPROVAL_INBOX (widget), HALL_DECISION_APPROVE);
}

static void
return_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (HALL_APPROVAL_INBOX (widget), HALL_DECISION_RETURN);
}

static void
reject_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  decide (HALL_APPROVAL_INBOX (widget), HALL_DECISION_REJECT);
}

static void
move (HallApprovalInbox *self,
      int                delta)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) + delta : 0;
  GtkListBoxRow *next = index >= 0 ? gtk_list_box_get_row_at_index (self->list, index) : NULL;

  if (next == NULL)
    return;
  gtk_list_box_select_row (self->list, next);
  gtk_widget_grab_focus (GTK_WIDGET (next));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  move (HALL_APPROVAL_INBOX (widget), 1);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  move (HALL_APPROVAL_INBOX (widget), -1);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  hall_approval_inbox_refresh (HALL_APPROVAL_INBOX (widget));
}

/* A decision made elsewhere, or pulled from the server, changes the inbox;
 * read again while on screen. */
static void
store_changed_cb (HallApprovalInbox *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->busy == 0)
    hall_approval_inbox_refresh (self);
}

static void
hall_approval_inbox_map (GtkWidget *widget)
{
  HallApprovalInbox *self = HALL_APPROVAL_INBOX (widget);

  GTK_WIDGET_CLASS (hall_approval_inbox_parent_class)->map (widget);
  if (self->store != NULL && self->busy == 0)
    hall_approval_inbox_refresh (self);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  tick_cb (self);
}

static void
hall_approval_inbox_unmap (GtkWidget *widget)
{
  HallApprovalInbox *self = HALL_APPROVAL_INBOX (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (hall_approval_inbox_parent_class)->unmap (widget);
}

static void
hall_approval_inbox_dispose (GObject *object)
{
  HallApprovalInbox *self = HALL_APPROVAL_INBOX (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  /* Its rows go with it: no selection to show any more. */
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_APPROVAL_INBOX);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (hall_approval_inbox_parent_class)->dispose (object);
}

static void
hall_approval_inbox_finalize (GObject *object)
{
  HallApprovalInbox *self = HALL_APPROVAL_INBOX (object);

  g_free (self->official);
  g_free (self->select_after);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->reason_checks, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_approval_inbox_parent_class)->finalize (object);
}

static void
hall_approval_inbox_class_init (HallApprovalInboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_approval_inbox_dispose;
  object_class->finalize = hall_approval_inbox_finalize;
  widget_class->map = hall_approval_inbox_map;
  widget_class->unmap = hall_approval_inbox_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "approval-inbox");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-approval-inbox.ui");
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, list_side);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, detail_side);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, back_button);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, counts_group);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, counts_list);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, list_stack);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, list);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, status);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, detail);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, buttons);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, title);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, applicant);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, documents);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, decisions);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, reasons_box);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, HallApprovalInbox, reason_error);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reason_changed_cb);

  gtk_widget_class_install_action (widget_class, "inbox.approve", NULL, approve_action);
  gtk_widget_class_install_action (widget_class, "inbox.return", NULL, return_action);
  gtk_widget_class_install_action (widget_class, "inbox.reject", NULL, reject_action);
  gtk_widget_class_install_action (widget_class, "inbox.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "inbox.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "inbox.refresh", NULL, refresh_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "inbox.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "inbox.approve", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "inbox.return", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_X,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "inbox.reject", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, 0, "inbox.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "inbox.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "inbox.refresh", NULL);
}

static void
hall_approval_inbox_init (HallApprovalInbox *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->reason_checks = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  show_selected (self);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
}

GtkWidget *
hall_approval_inbox_new (void)
{
  return g_object_new (HALL_TYPE_APPROVAL_INBOX, NULL);
}

void
hall_approval_inbox_set_context (HallApprovalInbox *self,
                                 HallStore         *store,
                                 HallCatalog       *catalog,
                                 const char        *official,
                                 HallRoles          roles)
{
  g_return_if_fail (HALL_IS_APPROVAL_INBOX (self));

  if (self->store != NULL)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->changed_id = g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb),
                                                 self);
  g_set_object (&self->catalog, catalog);
  g_free (self->official);
  self->official = g_strdup (official);
  self->roles = roles;
  /* Hidden, it reads nothing: mapping it reads (hall_approval_inbox_map). */
  if (store == NULL || gtk_widget_get_mapped (GTK_WIDGET (self)))
    hall_approval_inbox_refresh (self);
}

void
hall_approval_inbox_refresh (HallApprovalInbox *self)
{
  HallInboxItem *selected;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_if_fail (HALL_IS_APPROVAL_INBOX (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A read cancelled never comes back: it is not busy any more. */
  self->busy = 0;
  if (self->store == NULL || self->catalog == NULL || self->official == NULL)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
        gtk_list_box_remove (self->list, child);
      g_ptr_array_set_size (self->items, 0);
      gtk_widget_set_visible (self->counts_group, FALSE);
      gtk_stack_set_visible_child_name (self->list_stack, "empty");
      show_selected (self);
      return;
    }
  selected = hall_approval_inbox_get_selected (self);
  g_free (self->select_after);
  self->select_after = selected != NULL
                       ? g_strdup (hall_case_get_uuid (hall_inbox_item_get_case (selected)))
                       : NULL;
  self->cancellable = g_cancellable_new ();
  self->busy++;
  hall_store_list_inbox_async (self->store, self->catalog, self->roles, self->official, now,
                               INBOX_LIMIT, self->cancellable, list_cb, self);
  if (self->roles & HALL_ROLE_SUPERVISOR)
    {
      self->busy++;
      hall_store_count_inbox_steps_async (self->store, self->catalog, now, self->cancellable,
                                          counts_cb, self);
    }
  else
    gtk_widget_set_visible (self->counts_group, FALSE);
}

guint
hall_approval_inbox_get_n_cases (HallApprovalInbox *self)
{
  g_return_val_if_fail (HALL_IS_APPROVAL_INBOX (self), 0);
  return self->items->len;
}

HallInboxItem *
hall_approval_inbox_get_item (HallApprovalInbox *self,
                              guint              index)
{
  g_return_val_if_fail (HALL_IS_APPROVAL_INBOX (self), NULL);
  return index < self->items->len ? g_ptr_array_index (self->items, index) : NULL;
}

HallInboxItem *
hall_approval_inbox_get_selected (HallApprovalInbox *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (HALL_IS_APPROVAL_INBOX (self), NULL);
  row = gtk_list_box_get_selected_row (self->list);
  return row != NULL ? g_object_get_data (G_OBJECT (row), "item") : NULL;
}

gboolean
hall_approval_inbox_get_busy (HallApprovalInbox *self)
{
  g_return_val_if_fail (HALL_IS_APPROVAL_INBOX (self), FALSE);
  return self->busy > 0;
}

GtkEditable *
hall_approval_inbox_get_reason_entry (HallApprovalInbox *self)
{
  return GTK_EDITABLE (self->reason_entry);
}

const char *
hall_approval_inbox_get_reason_error (HallApprovalInbox *self)
{
  return gtk_label_get_text (self->reason_error);
}

const char *
hall_approval_inbox_get_status (HallApprovalInbox *self)
{
  return gtk_label_get_text (self->status);
}

guint
hall_approval_inbox_get_n_step_counts (HallApprovalInbox *self)
{
  return self->n_step_counts;
}
