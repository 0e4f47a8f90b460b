/* hall-queue-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-queue-panel.h"

/* How often the board is asked for while the panel is shown. */
#define REFRESH_SECONDS 5

struct _HallQueuePanel
{
  GtkWidget        parent_instance;

  GtkRevealer     *offline_revealer;
  GtkLabel        *number_label;
  GtkLabel        *state_label;
  GtkLabel        *error_label;
  GtkListBox      *groups_list;
  GtkDropDown     *transfer_dropdown;
  GtkStringList   *transfer_groups;

  HallQueueClient *client;
  char            *counter;
  HallTicket      *ticket;
  GCancellable    *cancellable;
  gboolean         busy;
  gboolean         refreshing;
  guint            refresh_id;
};

G_DEFINE_FINAL_TYPE (HallQueuePanel, hall_queue_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TICKET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_START_SERVING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
state_is (HallQueuePanel *self,
          const char     *a,
          const char     *b)
{
  const char *state = self->ticket ? hall_ticket_get_state (self->ticket) : NULL;

  return state != NULL && (g_strcmp0 (state, a) == 0 || g_strcmp0 (state, b) == 0);
}

static void
update_actions (HallQueuePanel *self)
{
  gboolean ready = self->client != NULL && !self->busy;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "queue.call-next",
                                 ready && !state_is (self, "called", "serving"));
  gtk_widget_action_set_enabled (widget, "queue.recall", ready && state_is (self, "called", NULL));
  gtk_widget_action_set_enabled (widget, "queue.start", ready && state_is (self, "called", NULL));
  gtk_widget_action_set_enabled (widget, "queue.no-show", ready && state_is (self, "called", NULL));
  gtk_widget_action_set_enabled (widget, "queue.park",
                                 ready && state_is (self, "called", "serving"));
  gtk_widget_action_set_enabled (widget, "queue.resume", ready && state_is (self, "parked", NULL));
  gtk_widget_action_set_enabled (widget, "queue.transfer",
                                 ready && state_is (self, "called", "serving")
                                 && g_list_model_get_n_items (G_LIST_MODEL (self->transfer_groups)) > 0);
}

static const char *
state_text (const char *state)
{
  if (g_strcmp0 (state, "called") == 0)
    return _("Called to this counter");
  if (g_strcmp0 (state, "serving") == 0)
    return _("Being served");
  if (g_strcmp0 (state, "done") == 0)
    return _("Served");
  if (g_strcmp0 (state, "no_show") == 0)
    return _("Did not come");
  if (g_strcmp0 (state, "transferred") == 0)
    return _("Transferred");
  if (g_strcmp0 (state, "parked") == 0)
    return _("Parked: fetching a document");
  return _("Waiting");
}

static void
show_ticket (HallQueuePanel *self,
             HallTicket     *ticket)
{
  if (g_set_object (&self->ticket, ticket))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKET]);
  gtk_label_set_label (self->number_label, ticket ? hall_ticket_get_number (ticket) : "—");
  gtk_label_set_label (self->state_label, ticket ? state_text (hall_ticket_get_state (ticket))
                                                 : _("Nobody called yet"));
  update_actions (self);
}

/* Offline is said once, in the banner; a refusal next to the buttons. */
static void
show_error (HallQueuePanel *self,
            const GError   *error)
{
  gboolean offline = g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE);

  gtk_revealer_set_reveal_child (self->offline_revealer, offline);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !offline);
  if (!offline)
    gtk_label_set_label (self->error_label, error->message);
}

static void
clear_error (HallQueuePanel *self)
{
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

/* The board */

static gboolean
prefers_chinese (void)
{
  const char * const *languages = g_get_language_names ();

  return languages[0] != NULL && g_str_has_prefix (languages[0], "zh");
}

static void
show_board (HallQueuePanel *self,
            GPtrArray      *groups)
{
  GtkWidget *child;
  guint selected = gtk_drop_down_get_selected (self->transfer_dropdown);
  g_autoptr(GPtrArray) letters = g_ptr_array_new ();

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups_list))) != NULL)
    gtk_list_box_remove (self->groups_list, child);
  for (guint i = 0; i < groups->len; i++)
    {
      HallQueueGroupStatus *group = groups->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%s · %s", group->group,
                                                prefers_chinese () ? group->name_zh
                                                                   : group->name_en);
      /* Translators: "3 waiting · about 13 min", then " · 2 counters open" */
      g_autofree char *subtitle = g_strdup_printf (_("%d waiting · about %d min"),
                                                   group->waiting, group->estimated_wait);
      g_autofree char *counters = g_strdup_printf (ngettext (" · %d counter open",
                                                             " · %d counters open",
                                                             group->open_counters),
                                                   group->open_counters);
      g_autofree char *text = g_strconcat (subtitle, counters, NULL);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      gtk_list_box_append (self->groups_list, row);
      g_ptr_array_add (letters, group->group);
    }
  g_ptr_array_add (letters, NULL);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->transfer_groups)) != groups->len)
    {
      gtk_string_list_splice (self->transfer_groups, 0,
                              g_list_model_get_n_items (G_LIST_MODEL (self->transfer_groups)),
                              (const char * const *) letters->pdata);
      if (selected != GTK_INVALID_LIST_POSITION && selected < groups->len)
        gtk_drop_down_set_selected (self->transfer_dropdown, selected);
    }
  update_actions (self);
}

static void
board_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HallQueuePanel) self = user_data;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) error = NULL;

  self->refreshing = FALSE;
  groups = hall_queue_client_board_finish (HALL_QUEUE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (groups == NULL)
    {
      show_error (self, error);
      return;
    }
  gtk_revealer_set_reveal_child (self->offline_revealer, FALSE);
  show_board (self, groups);
}

void
hall_queue_panel_refresh (HallQueuePanel *self)
{
  g_return_if_fail (HALL_IS_QUEUE_PANEL (self));

  if (self->client == NULL || self->refreshing)
    return;
  self->refreshing = TRUE;
  hall_queue_client_board_async (self->client, self->cancellable, board_cb, g_object_ref (self));
}

static gboolean
refresh_cb (gpointer user_data)
{
  hall_queue_panel_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

/* Calls and actions */

static void
ticket_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HallQueuePanel) self = user_data;
  g_autoptr(HallTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = hall_queue_client_ticket_finish (HALL_QUEUE_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  if (ticket == NULL)
    {
      show_error (self, error);
      update_actions (self);
      return;
    }
  clear_error (self);
  show_ticket (self, ticket);
  if (g_strcmp0 (hall_ticket_get_state (ticket), "serving") == 0)
    g_signal_emit (self, signals[SIGNAL_START_SERVING], 0, ticket);
  hall_queue_panel_refresh (self);
}

static void
begin (HallQueuePanel *self)
{
  self->busy = TRUE;
  update_actions (self);
}

static void
call_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (widget);

  begin (self);
  hall_queue_client_call_next_async (self->client, self->counter, NULL, self->cancellable,
                                     ticket_cb, g_object_ref (self));
}

static void
ticket_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (widget);
  const char *action = strchr (action_name, '.') + 1;
  const char *group = NULL;

  if (g_str_equal (action, "transfer"))
    {
      GtkStringObject *item = gtk_drop_down_get_selected_item (self->transfer_dropdown);

      if (item == NULL)
        return;
      group = gtk_string_object_get_string (item);
    }
  begin (self);
  hall_queue_client_act_async (self->client, self->ticket, action, group, NULL, self->cancellable,
                               ticket_cb, g_object_ref (self));
}

/* The GObject */

static void
hall_queue_panel_map (GtkWidget *widget)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (widget);

  GTK_WIDGET_CLASS (hall_queue_panel_parent_class)->map (widget);
  hall_queue_panel_refresh (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
hall_queue_panel_unmap (GtkWidget *widget)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (hall_queue_panel_parent_class)->unmap (widget);
}

static void
hall_queue_panel_dispose (GObject *object)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_QUEUE_PANEL);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->client);
  g_clear_object (&self->ticket);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->transfer_groups);
  G_OBJECT_CLASS (hall_queue_panel_parent_class)->dispose (object);
}

static void
hall_queue_panel_finalize (GObject *object)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (object);

  g_free (self->counter);
  G_OBJECT_CLASS (hall_queue_panel_parent_class)->finalize (object);
}

static void
hall_queue_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HallQueuePanel *self = HALL_QUEUE_PANEL (object);

  switch (prop_id)
    {
    case PROP_TICKET:
      g_value_set_object (value, self->ticket);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static const struct
{
  guint           key;
  GdkModifierType modifiers;
  const char     *action;
} shortcuts[] = {
  { GDK_KEY_F5, 0, "queue.call-next" },
  { GDK_KEY_F6, 0, "queue.recall" },
  { GDK_KEY_F7, 0, "queue.start" },
  { GDK_KEY_F8, 0, "queue.no-show" },
  { GDK_KEY_F9, 0, "queue.park" },
  { GDK_KEY_F9, GDK_SHIFT_MASK, "queue.resume" },
  { GDK_KEY_F10, 0, "queue.transfer" },
};

static void
hall_queue_panel_class_init (HallQueuePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_queue_panel_dispose;
  object_class->finalize = hall_queue_panel_finalize;
  object_class->get_property = hall_queue_panel_get_property;
  widget_class->map = hall_queue_panel_map;
  widget_class->unmap = hall_queue_panel_unmap;

  properties[PROP_TICKET] =
    g_param_spec_object ("ticket", NULL, NULL, HALL_TYPE_TICKET,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_START_SERVING] =
    g_signal_new ("start-serving", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HALL_TYPE_TICKET);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-queue-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, number_label);
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, state_label);
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, error_label);
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, groups_list);
  gtk_widget_class_bind_template_child (widget_class, HallQueuePanel, transfer_dropdown);

  gtk_widget_class_install_action (widget_class, "queue.call-next", NULL, call_next_action);
  gtk_widget_class_install_action (widget_class, "queue.recall", NULL, ticket_action);
  gtk_widget_class_install_action (widget_class, "queue.start", NULL, ticket_action);
  gtk_widget_class_install_action (widget_class, "queue.no-show", NULL, ticket_action);
  gtk_widget_class_install_action (widget_class, "queue.park", NULL, ticket_action);
  gtk_widget_class_install_action (widget_class, "queue.resume", NULL, ticket_action);
  gtk_widget_class_install_action (widget_class, "queue.transfer", NULL, ticket_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_queue_panel_init (HallQueuePanel *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->transfer_groups = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->transfer_dropdown, G_LIST_MODEL (self->transfer_groups));

  /* The official's hands stay on the keyboard wherever the focus is. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller),
                                     GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].key,
                                                                                    shortcuts[i].modifiers),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  update_actions (self);
}

HallQueuePanel *
hall_queue_panel_new (void)
{
  return g_object_new (HALL_TYPE_QUEUE_PANEL, NULL);
}

void
hall_queue_panel_set_client (HallQueuePanel  *self,
                             HallQueueClient *client,
                             const char      *counter)
{
  g_return_if_fail (HALL_IS_QUEUE_PANEL (self));

  g_set_object (&self->client, client);
  g_free (self->counter);
  self->counter = g_strdup (counter);
  show_ticket (self, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    hall_queue_panel_refresh (self);
}

HallTicket *
hall_queue_panel_get_ticket (HallQueuePanel *self)
{
  g_return_val_if_fail (HALL_IS_QUEUE_PANEL (self), NULL);
  return self->ticket;
}
