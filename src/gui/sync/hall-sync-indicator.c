/* hall-sync-indicator.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-case-format.h"
#include "hall-sync-indicator.h"

/* "Synced 5 min ago" has to age while nobody touches anything. */
#define REFRESH_SECONDS 30

struct _HallSyncIndicator
{
  GtkWidget       parent_instance;

  GtkMenuButton  *button;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkLabel       *status_label;
  GtkLabel       *detail_label;
  GtkLabel       *error_label;
  GtkExpander    *details_expander;

  HallStore      *store;
  HallSyncEngine *engine;
  guint           outbox_pending;
  HallOutboxCounts counts;
  guint           recount_id;
  guint           refresh_id;
  char           *status;
};

G_DEFINE_FINAL_TYPE (HallSyncIndicator, hall_sync_indicator, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "2 cases and 1 note": what waits, in the official's words, or NULL. */
static char *
format_waiting (const HallOutboxCounts *counts)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (counts->cases > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case", "%u cases",
                                                          counts->cases),
                                             counts->cases));
  if (counts->notes > 0)
    g_ptr_array_add (parts, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes",
                                                          counts->notes),
                                             counts->notes));
  /* An applicant taken in with a case goes with the case. */
  if (counts->applicants > 0 && counts->cases == 0)
    g_ptr_array_add (parts,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u applicant’s details",
                                                   "%u applicants’ details", counts->applicants),
                                      counts->applicants));
  if (parts->len == 0)
    return NULL;
  if (parts->len == 1)
    return g_strdup (g_ptr_array_index (parts, 0));
  if (parts->len == 2)
    /* Translators: "2 cases and 1 note" */
    return g_strdup_printf (_("%s and %s"), (char *) g_ptr_array_index (parts, 0),
                            (char *) g_ptr_array_index (parts, 1));
  /* Translators: "2 cases, 1 note and 3 applicants’ details" */
  return g_strdup_printf (_("%s, %s and %s"), (char *) g_ptr_array_index (parts, 0),
                          (char *) g_ptr_array_index (parts, 1),
                          (char *) g_ptr_array_index (parts, 2));
}

static void
hall_sync_indicator_update (HallSyncIndicator *self)
{
  g_autofree char *last = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *text = NULL;
  const char *icon_name;
  g_autofree char *status = NULL;
  const char *error = NULL;
  gboolean online = FALSE;
  gboolean syncing = FALSE;
  guint pending = self->outbox_pending;
  gint64 last_sync = 0;

  if (self->engine != NULL)
    {
      online = hall_sync_engine_get_online (self->engine);
      syncing = hall_sync_engine_get_syncing (self->engine);
      pending = hall_sync_engine_get_pending (self->engine);
      last_sync = hall_sync_engine_get_last_sync (self->engine);
      error = hall_sync_engine_get_last_error (self->engine);
    }

  last = hall_format_last_sync (last_sync, g_get_real_time () / G_USEC_PER_SEC);
  if (pending > 0)
    {
      waiting = format_waiting (&self->counts);
      /* Rows not yet counted (the count follows them by a moment). */
      if (waiting == NULL)
        waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change", "%u changes",
                                                pending),
                                   pending);
    }

  if (self->engine == NULL)
    {
      icon_name = "network-offline-symbolic";
      status = g_strdup (_("No server set up: this counter works on its own"));
      /* Translators: "2 cases and 1 note waiting" */
      text = waiting != NULL ? g_strdup_printf (_("%s waiting"), waiting)
                             : g_strdup (_("Offline"));
    }
  else if (syncing)
    {
      icon_name = "emblem-synchronizing-symbolic";
      status = g_strdup (_("Syncing with the server…"));
      text = g_strdup (_("Syncing…"));
    }
  else if (!online && last_sync == 0 && (error == NULL || *error == '\0'))
    {
      /* No request has been answered or refused yet: not offline, just
       * not started. */
      icon_name = "emblem-synchronizing-symbolic";
      status = g_strdup (_("Waiting for the first sync with the server"));
      text = waiting != NULL ? g_strdup_printf (_("%s waiting"), waiting)
                             : g_strdup (_("Not synced yet"));
    }
  else if (!online)
    {
      icon_name = "network-offline-symbolic";
      /* Translators: "Offline — 2 cases and 1 note will be sent when the server is back" */
      status = waiting != NULL
                 ? g_strdup_printf (_("Offline — %s will be sent when the server is back"),
                                    waiting)
                 : g_strdup (_("Offline — changes made here are kept and sent when the server "
                               "is back"));
      /* Translators: "Offline — 2 cases and 1 note waiting" */
      text = waiting != NULL ? g_strdup_printf (_("Offline — %s waiting"), waiting)
                             : g_strdup (_("Offline"));
    }
  else if (waiting != NULL)
    {
      icon_name = "emblem-synchronizing-symbolic";
      /* Translators: "Online — 2 cases and 1 note are on their way to the server" */
      status = g_strdup_printf (_("Online — %s on their way to the server"), waiting);
      text = g_strdup_printf (_("%s waiting"), waiting);
    }
  else
    {
      icon_name = "emblem-ok-symbolic";
      status = g_strdup (_("Online: the server has every change made here"));
      text = g_strdup (last);
    }

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_label_set_label (self->label, text);
  gtk_label_set_label (self->status_label, status);
  gtk_label_set_label (self->detail_label, last);
  /* The technical words are for IT, behind "Details" (and in the log). */
  gtk_label_set_label (self->error_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_expander), error != NULL && *error != '\0');
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), status);
  g_free (self->status);
  self->status = g_steal_pointer (&status);

  if (self->engine != NULL && !online)
    gtk_widget_add_css_class (GTK_WIDGET (self), "offline");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "offline");
}

static gboolean
refresh_cb (gpointer user_data)
{
  hall_sync_indicator_update (HALL_SYNC_INDICATOR (user_data));
  return G_SOURCE_CONTINUE;
}

static gboolean
recount_cb (gpointer user_data)
{
  HallSyncIndicator *self = user_data;

  self->recount_id = 0;
  if (self->store != NULL)
    hall_store_count_outbox_entities (self->store, &self->counts);
  hall_sync_indicator_update (self);
  return G_SOURCE_REMOVE;
}

static void
outbox_changed_cb (HallStore         *store,
                   guint              n_pending,
                   HallSyncIndicator *self)
{
  self->outbox_pending = n_pending;
  if (n_pending == 0)
    self->counts = (HallOutboxCounts) { 0 };
  /* A burst of writes is counted once. */
  else if (self->recount_id == 0)
    self->recount_id = g_timeout_add (200, recount_cb, self);
  hall_sync_indicator_update (self);
}

static void
engine_notify_cb (HallSyncIndicator *self)
{
  hall_sync_indicator_update (self);
}

static void
hall_sync_indicator_map (GtkWidget *widget)
{
  HallSyncIndicator *self = HALL_SYNC_INDICATOR (widget);

  GTK_WIDGET_CLASS (hall_sync_indicator_parent_class)->map (widget);

  hall_sync_indicator_update (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
}

static void
hall_sync_indicator_unmap (GtkWidget *widget)
{
  HallSyncIndicator *self = HALL_SYNC_INDICATOR (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);

  GTK_WIDGET_CLASS (hall_sync_indicator_parent_class)->unmap (widget);
}

static void
hall_sync_indicator_dispose (GObject *object)
{
  HallSyncIndicator *self = HALL_SYNC_INDICATOR (object);
  GtkWidget *child;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->recount_id, g_source_remove);
  g_clear_pointer (&self->status, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_SYNC_INDICATOR);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  /* Whoever still holds the indicator, the store and the engine stop
   * reaching it here. */
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hall_sync_indicator_parent_class)->dispose (object);
}

static void
hall_sync_indicator_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HallSyncIndicator *self = HALL_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sync_indicator_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HallSyncIndicator *self = HALL_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hall_sync_indicator_set_store (self, g_value_get_object (value));
      break;
    case PROP_ENGINE:
      hall_sync_indicator_set_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sync_indicator_class_init (HallSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_sync_indicator_dispose;
  object_class->get_property = hall_sync_indicator_get_property;
  object_class->set_property = hall_sync_indicator_set_property;
  widget_class->map = hall_sync_indicator_map;
  widget_class->unmap = hall_sync_indicator_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HALL_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, status_label);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, error_label);
  gtk_widget_class_bind_template_child (widget_class, HallSyncIndicator, details_expander);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncindicator");
}

static void
hall_sync_indicator_init (HallSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  hall_sync_indicator_update (self);
}

GtkWidget *
hall_sync_indicator_new (void)
{
  return g_object_new (HALL_TYPE_SYNC_INDICATOR, NULL);
}

HallStore *
hall_sync_indicator_get_store (HallSyncIndicator *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_INDICATOR (self), NULL);

  return self->store;
}

void
hall_sync_indicator_set_store (HallSyncIndicator *self,
                               HallStore         *store)
{
  g_return_if_fail (HALL_IS_SYNC_INDICATOR (self));
  g_return_if_fail (store == NULL || HALL_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  self->outbox_pending = 0;
  self->counts = (HallOutboxCounts) { 0 };

  if (store != NULL)
    {
      self->outbox_pending = hall_store_count_outbox (store);
      hall_store_count_outbox_entities (store, &self->counts);
      g_signal_connect_object (store, "outbox-changed", G_CALLBACK (outbox_changed_cb), self, 0);
    }

  hall_sync_indicator_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

HallSyncEngine *
hall_sync_indicator_get_engine (HallSyncIndicator *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_INDICATOR (self), NULL);

  return self->engine;
}

void
hall_sync_indicator_set_engine (HallSyncIndicator *self,
                                HallSyncEngine    *engine)
{
  static const char *const watched[] = {
    "notify::online", "notify::syncing", "notify::pending", "notify::last-sync",
    "notify::last-error",
  };

  g_return_if_fail (HALL_IS_SYNC_INDICATOR (self));
  g_return_if_fail (engine == NULL || HALL_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);

  if (engine != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
      g_signal_connect_object (engine, watched[i], G_CALLBACK (engine_notify_cb), self,
                               G_CONNECT_SWAPPED);

  hall_sync_indicator_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

void
hall_sync_indicator_set_compact (HallSyncIndicator *self,
                                 gboolean           compact)
{
  g_return_if_fail (HALL_IS_SYNC_INDICATOR (self));

  gtk_widget_set_visible (GTK_WIDGET (self->label), !compact);
}

const char *
hall_sync_indicator_get_text (HallSyncIndicator *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_INDICATOR (self), NULL);

  return gtk_label_get_label (self->label);
}

const char *
hall_sync_indicator_get_status (HallSyncIndicator *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_INDICATOR (self), NULL);

  return self->status;
}

const char *
hall_sync_indicator_get_details (HallSyncIndicator *self)
{
  g_return_val_if_fail (HALL_IS_SYNC_INDICATOR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->details_expander))
           ? gtk_label_get_label (self->error_label)
           : NULL;
}
