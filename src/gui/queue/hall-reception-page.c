/* hall-reception-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-core-error.h"
#include "hall-reception-page.h"
#include "hall-service.h"

struct _HallReceptionPage
{
  GtkWidget        parent_instance;

  GtkDropDown     *service_dropdown;
  GtkCheckButton  *priority_check;
  GtkEntry        *code_entry;
  GtkLabel        *number_label;
  GtkLabel        *result_label;

  HallQueueClient *client;
  HallTicket      *ticket;
  GCancellable    *cancellable;
  gboolean         busy;
};

G_DEFINE_FINAL_TYPE (HallReceptionPage, hall_reception_page, GTK_TYPE_WIDGET)

static void
update_actions (HallReceptionPage *self)
{
  gboolean ready = self->client != NULL && !self->busy;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reception.issue",
                                 ready && gtk_drop_down_get_selected_item (self->service_dropdown));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reception.check-in",
                                 ready && gtk_entry_get_text_length (self->code_entry) > 0);
}

static void
ticket_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HallReceptionPage) self = user_data;
  g_autoptr(HallTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = hall_queue_client_ticket_finish (HALL_QUEUE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  update_actions (self);
  if (ticket == NULL)
    {
      gtk_label_set_label (self->number_label, "");
      gtk_label_set_label (self->result_label,
                           g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE)
                           ? _("The queue cannot be reached: the citizen is served without a "
                               "ticket, in order of arrival.")
                           : error->message);
      return;
    }
  g_set_object (&self->ticket, ticket);
  gtk_label_set_label (self->number_label, hall_ticket_get_number (ticket));
  {
    /* Translators: the estimated wait of a new ticket, in minutes */
    g_autofree char *text = g_strdup_printf (_("About %d min of waiting"),
                                             hall_ticket_get_estimated_wait (ticket));

    gtk_label_set_label (self->result_label, text);
  }
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  gtk_check_button_set_active (self->priority_check, FALSE);
}

static void
issue_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HallReceptionPage *self = HALL_RECEPTION_PAGE (widget);
  HallService *service = gtk_drop_down_get_selected_item (self->service_dropdown);

  if (service == NULL)
    return;
  self->busy = TRUE;
  update_actions (self);
  hall_queue_client_issue_async (self->client, hall_service_get_id (service),
                                 gtk_check_button_get_active (self->priority_check)
                                 ? "priority" : NULL,
                                 self->cancellable, ticket_cb, g_object_ref (self));
}

static void
check_in_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallReceptionPage *self = HALL_RECEPTION_PAGE (widget);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));

  if (*code == '\0')
    return;
  self->busy = TRUE;
  update_actions (self);
  hall_queue_client_check_in_async (self->client, code, self->cancellable, ticket_cb,
                                    g_object_ref (self));
}

static void
code_activate_cb (HallReceptionPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "reception.check-in", NULL);
}

static char *
service_name (HallService *service)
{
  return g_strdup (service ? hall_service_get_name (service) : "");
}

static void
hall_reception_page_dispose (GObject *object)
{
  HallReceptionPage *self = HALL_RECEPTION_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_RECEPTION_PAGE);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->client);
  g_clear_object (&self->ticket);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (hall_reception_page_parent_class)->dispose (object);
}

static void
hall_reception_page_class_init (HallReceptionPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hall_reception_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-reception-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallReceptionPage, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HallReceptionPage, priority_check);
  gtk_widget_class_bind_template_child (widget_class, HallReceptionPage, code_entry);
  gtk_widget_class_bind_template_child (widget_class, HallReceptionPage, number_label);
  gtk_widget_class_bind_template_child (widget_class, HallReceptionPage, result_label);
  gtk_widget_class_bind_template_callback (widget_class, code_activate_cb);
  gtk_widget_class_install_action (widget_class, "reception.issue", NULL, issue_action);
  gtk_widget_class_install_action (widget_class, "reception.check-in", NULL, check_in_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_reception_page_init (HallReceptionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_drop_down_set_expression (self->service_dropdown,
                                gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                                             G_CALLBACK (service_name), NULL,
                                                             NULL));
  g_signal_connect_swapped (self->service_dropdown, "notify::selected",
                            G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->code_entry, "changed", G_CALLBACK (update_actions), self);
  update_actions (self);
}

HallReceptionPage *
hall_reception_page_new (void)
{
  return g_object_new (HALL_TYPE_RECEPTION_PAGE, NULL);
}

void
hall_reception_page_set_client (HallReceptionPage *self,
                                HallQueueClient   *client,
                                HallCatalog       *catalog)
{
  g_return_if_fail (HALL_IS_RECEPTION_PAGE (self));

  g_set_object (&self->client, client);
  gtk_drop_down_set_model (self->service_dropdown, catalog ? G_LIST_MODEL (catalog) : NULL);
  update_actions (self);
}

HallTicket *
hall_reception_page_get_ticket (HallReceptionPage *self)
{
  g_return_val_if_fail (HALL_IS_RECEPTION_PAGE (self), NULL);
  return self->ticket;
}
