/* hall-kiosk-window.c — the touch screen where citizens take a ticket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-catalog.h"
#include "hall-core-error.h"
#include "hall-kiosk-client.h"
#include "hall-kiosk-window.h"
#include "hall-kiosk-window-test-hooks.h"
#include "hall-service.h"
#include "hall-ticket-printer.h"

/* A ticket left on the screen goes away by itself. */
#define TICKET_SHOWN_SECONDS 20

struct _HallKioskWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toasts;
  GtkStack        *stack;
  GtkBox          *groups_box;
  GtkEntry        *code_entry;
  GtkLabel        *number_label;
  GtkLabel        *service_label;
  GtkLabel        *wait_label;
  GtkLabel        *printed_label;

  HallKioskClient *client;
  HallCatalog     *catalog;
  GCancellable    *cancellable;
  char            *hall_name;
  char            *ticket_pdf_dir;
  char            *ticket_number;
  char            *last_error;
  guint            done_id;
};

G_DEFINE_FINAL_TYPE (HallKioskWindow, hall_kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_TICKET_NUMBER,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
set_busy (HallKioskWindow *self,
          gboolean         busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.take-ticket", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kiosk.check-in", !busy);
  gtk_stack_set_visible_child_name (self->stack, busy ? "busy" : "services");
}

static void
show_error (HallKioskWindow *self,
            const char      *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 8);
  adw_toast_overlay_add_toast (self->toasts, toast);
  g_free (self->last_error);
  self->last_error = g_strdup (message);
}

static void
done_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (widget);

  g_clear_handle_id (&self->done_id, g_source_remove);
  g_clear_pointer (&self->ticket_number, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKET_NUMBER]);
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  gtk_stack_set_visible_child_name (self->stack, "services");
}

static gboolean
done_cb (gpointer user_data)
{
  HallKioskWindow *self = user_data;

  self->done_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "kiosk.done", NULL);
  return G_SOURCE_REMOVE;
}

/* Taking the ticket. */

static void
show_ticket (HallKioskWindow *self,
             JsonObject      *ticket)
{
  const char *number = json_object_get_string_member_with_default (ticket, "number", "");
  const char *service_id = json_object_get_string_member_with_default (ticket, "service", NULL);
  int wait = (int) json_object_get_int_member_with_default (ticket, "estimated_wait_minutes", -1);
  HallService *service = service_id != NULL ? hall_catalog_lookup (self->catalog, service_id) : NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *pdf = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (HallTicketPrinter) printer = NULL;
  g_autoptr (GError) error = NULL;

  g_free (self->ticket_number);
  self->ticket_number = g_strdup (number);
  gtk_label_set_label (self->number_label, number);
  gtk_label_set_label (self->service_label, service != NULL ? hall_service_get_name (service) : "");
  if (wait >= 0)
    wait_text = g_strdup_printf (ngettext ("Estimated wait: about %d minute",
                                           "Estimated wait: about %d minutes", wait), wait);
  else
    wait_text = g_strdup (_("Estimated wait: not known yet"));
  gtk_label_set_label (self->wait_label, wait_text);

  printer = hall_ticket_printer_new (self->hall_name, number,
                                     service != NULL ? hall_service_get_name_zh (service) : NULL,
                                     service != NULL ? hall_service_get_name_en (service) : NULL,
                                     wait, now);
  if (self->ticket_pdf_dir != NULL)
    {
      g_autofree char *file = g_strdup_printf ("ticket-%s.pdf", number);

      pdf = g_build_filename (self->ticket_pdf_dir, file, NULL);
    }
  if (hall_ticket_printer_print (printer, GTK_WINDOW (self), pdf, &error))
    gtk_label_set_label (self->printed_label, _("Take your printed ticket below and watch the screens for your number."));
  else
    {
      g_warning ("ticket %s not printed: %s", number, error->message);
      gtk_label_set_label (self->printed_label,
                           _("The ticket could not be printed: please remember your number."));
    }

  gtk_stack_set_visible_child_name (self->stack, "ticket");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKET_NUMBER]);
  g_clear_handle_id (&self->done_id, g_source_remove);
  self->done_id = g_timeout_add_seconds (TICKET_SHOWN_SECONDS, done_cb, self);
}

static void
take_ticket_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (HallKioskWindow) self = user_data;
  g_autoptr (JsonObject) ticket = NULL;
  g_autoptr (GError) error = NULL;

  ticket = hall_kiosk_client_take_ticket_finish (HALL_KIOSK_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (ticket == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE)
          || g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_SERVER))
        message = g_strdup (_("No ticket can be issued right now: please ask at the reception desk."));
      else if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        message = g_strdup (_("This kiosk is not signed in: please ask at the reception desk."));
      else
        message = g_strdup_printf (_("No ticket: %s"), error->message);
      /* A citizen's wrong code is no fault of the kiosk's. */
      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED))
        g_debug ("kiosk: ticket refused");
      else
        g_warning ("kiosk: %s", error->message);
      show_error (self, message);
      return;
    }
  show_ticket (self, ticket);
}

static void
take_ticket_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (widget);

  set_busy (self, TRUE);
  hall_kiosk_client_take_ticket_async (self->client, g_variant_get_string (parameter, NULL), NULL,
                                       self->cancellable, take_ticket_cb, g_object_ref (self));
}

static void
check_in_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (widget);
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));

  if (*code == '\0')
    {
      show_error (self, _("Type the code of your appointment first."));
      gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
      return;
    }
  set_busy (self, TRUE);
  hall_kiosk_client_take_ticket_async (self->client, NULL, code, self->cancellable,
                                       take_ticket_cb, g_object_ref (self));
}

static void
code_activate_cb (GtkEntry        *entry,
                  HallKioskWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "kiosk.check-in", NULL);
}

/* The service buttons, under their group. */

static void
fill_services (HallKioskWindow *self)
{
  GListModel *services = G_LIST_MODEL (self->catalog);
  g_autoptr (GHashTable) boxes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) letters = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (services); i++)
    {
      g_autoptr (HallService) service = g_list_model_get_item (services, i);
      const char *group = hall_service_get_group (service);
      GtkFlowBox *box = g_hash_table_lookup (boxes, group);
      GtkWidget *button, *label;

      if (group == NULL)
        continue;
      if (box == NULL)
        {
          g_autofree char *heading = g_strdup_printf ("%s · %s", group,
                                                      hall_service_get_department_name (service));

          label = gtk_label_new (heading);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "kiosk-group");
          gtk_box_append (self->groups_box, label);
          box = GTK_FLOW_BOX (gtk_flow_box_new ());
          gtk_flow_box_set_selection_mode (box, GTK_SELECTION_NONE);
          gtk_flow_box_set_homogeneous (box, TRUE);
          gtk_flow_box_set_max_children_per_line (box, 4);
          gtk_flow_box_set_column_spacing (box, 12);
          gtk_flow_box_set_row_spacing (box, 12);
          gtk_box_append (self->groups_box, GTK_WIDGET (box));
          g_hash_table_insert (boxes, (gpointer) group, box);
        }
      label = gtk_label_new (hall_service_get_name (service));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "kiosk-service");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "kiosk.take-ticket");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", hall_service_get_id (service));
      gtk_flow_box_append (box, button);
    }
}

static void
hall_kiosk_window_dispose (GObject *object)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->done_id, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->catalog);
  G_OBJECT_CLASS (hall_kiosk_window_parent_class)->dispose (object);
}

static void
hall_kiosk_window_finalize (GObject *object)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (object);

  g_free (self->hall_name);
  g_free (self->ticket_pdf_dir);
  g_free (self->ticket_number);
  g_free (self->last_error);
  G_OBJECT_CLASS (hall_kiosk_window_parent_class)->finalize (object);
}

static void
hall_kiosk_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HallKioskWindow *self = HALL_KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_TICKET_NUMBER:
      g_value_set_string (value, self->ticket_number);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_kiosk_window_class_init (HallKioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_kiosk_window_dispose;
  object_class->finalize = hall_kiosk_window_finalize;
  object_class->get_property = hall_kiosk_window_get_property;

  properties[PROP_TICKET_NUMBER] =
    g_param_spec_string ("ticket-number", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Display/hall-kiosk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, groups_box);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, code_entry);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, number_label);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, service_label);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, wait_label);
  gtk_widget_class_bind_template_child (widget_class, HallKioskWindow, printed_label);
  gtk_widget_class_bind_template_callback (widget_class, code_activate_cb);

  gtk_widget_class_install_action (widget_class, "kiosk.take-ticket", "s", take_ticket_action);
  gtk_widget_class_install_action (widget_class, "kiosk.check-in", NULL, check_in_action);
  gtk_widget_class_install_action (widget_class, "kiosk.done", NULL, done_action);
}

static void
hall_kiosk_window_init (HallKioskWindow *self)
{
  static gsize css_loaded = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  if (g_once_init_enter (&css_loaded))
    {
      g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (css, "/org/servicehall/Display/hall-kiosk.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&css_loaded, 1);
    }
}

HallKioskWindow *
hall_kiosk_window_new (GtkApplication           *application,
                       const HallDisplayOptions *options)
{
  HallKioskWindow *self;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (options != NULL && options->server_url != NULL, NULL);

  self = g_object_new (HALL_TYPE_KIOSK_WINDOW, "application", application, NULL);
  self->client = hall_kiosk_client_new (options->server_url, options->user, options->password);
  self->hall_name = g_strdup (options->hall_name);
  self->ticket_pdf_dir = g_strdup (options->ticket_pdf_dir);
  self->catalog = hall_catalog_new_default (&error);
  if (self->catalog == NULL)
    {
      /* Without its catalog the kiosk still takes appointment codes. */
      g_warning ("%s", error->message);
      show_error (self, _("The list of services cannot be read: please ask at the reception desk."));
      self->catalog = hall_catalog_new_from_data ("{\"departments\": [], \"services\": []}", -1,
                                                  "empty", NULL);
    }
  if (self->catalog != NULL)
    fill_services (self);
  return self;
}

const char *
hall_kiosk_window_get_ticket_number (HallKioskWindow *self)
{
  g_return_val_if_fail (HALL_IS_KIOSK_WINDOW (self), NULL);
  return self->ticket_number;
}

const char *
hall_kiosk_window_get_last_error (HallKioskWindow *self)
{
  g_return_val_if_fail (HALL_IS_KIOSK_WINDOW (self), NULL);
  return self->last_error;
}

GtkEditable *
hall_kiosk_window_get_code_entry (HallKioskWindow *self)
{
  g_return_val_if_fail (HALL_IS_KIOSK_WINDOW (self), NULL);
  return GTK_EDITABLE (self->code_entry);
}
