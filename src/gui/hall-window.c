/* hall-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-window"

#include "config.h"

#include <glib/gi18n.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "hall-case-list-page.h"
#include "hall-case-page.h"
#include "hall-error.h"
#include "hall-intake-dialog.h"
#include "hall-sign-in-page.h"
#include "hall-sync-indicator.h"
#include "hall-window.h"

struct _HallWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkWidget         *back_button;
  GtkWidget         *new_intake_button;
  AdwButtonContent  *new_intake_content;
  GtkWidget         *search_button;
  HallSyncIndicator *sync_indicator;
  GtkStack          *stack;
  HallSignInPage    *sign_in_page;
  AdwLeaflet        *leaflet;
  HallCaseListPage  *list_page;
  HallCasePage      *case_page;
  AdwStatusPage     *error_page;

  GSettings         *settings;
  HallStore         *store;
  HallCatalog       *catalog;
  HallSyncEngine    *engine;
  GCancellable      *cancellable;
  guint              header_id;
  gboolean           demo;
  gboolean           failed;

  char              *username;
  char              *display_name;
  char              *roles;
  char              *counter;
};

G_DEFINE_FINAL_TYPE (HallWindow, hall_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  PROP_ENGINE,
  PROP_DEMO,
  PROP_SEARCH_MODE,
  PROP_SIGNED_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (HallWindow *self)
{
  g_autofree char *override = g_settings_get_string (self->settings, "hall-name");
  g_autofree char *subtitle = NULL;
  const char *hall_name = NULL;

  /* The catalog names the hall in the official's language; the setting is
   * for a site whose sign says something else. */
  if (*override != '\0')
    hall_name = override;
  else if (self->catalog != NULL)
    hall_name = hall_catalog_get_hall_name (self->catalog);
  adw_window_title_set_title (self->window_title,
                              hall_name != NULL && *hall_name != '\0' ? hall_name
                                                                      : _("Service Hall"));

  if (self->username != NULL)
    /* Translators: "Wang Li · Counter C03" */
    subtitle = g_strdup_printf (_("%s · Counter %s"), self->display_name, self->counter);
  else if (!self->failed)
    subtitle = g_strdup (_("Not signed in"));

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
}

static void
update_back_button (HallWindow *self)
{
  gboolean visible = self->username != NULL && adw_leaflet_get_folded (self->leaflet) &&
                     adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->case_page);

  gtk_widget_set_visible (self->back_button, visible);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", visible);
}

static gboolean
has_role (HallWindow *self,
          const char *role)
{
  g_auto (GStrv) roles = NULL;

  if (self->roles == NULL)
    return FALSE;

  roles = g_strsplit (self->roles, ",", -1);
  for (guint i = 0; roles[i] != NULL; i++)
    if (g_strcmp0 (g_strstrip (roles[i]), role) == 0)
      return TRUE;

  return FALSE;
}

static void
update_state (HallWindow *self)
{
  gboolean signed_in = self->username != NULL;
  /* Taking citizens in is the counter's work; an approver or a supervisor
   * signed in here reads cases but opens none. */
  gboolean may_take_in = has_role (self, "counter_official") || has_role (self, "reception");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-intake",
                                 signed_in && may_take_in && self->store != NULL &&
                                 self->catalog != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now",
                                 signed_in && self->engine != NULL);

  gtk_widget_set_visible (self->new_intake_button, signed_in && may_take_in);
  gtk_widget_set_visible (self->search_button, signed_in);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_indicator), signed_in);

  update_title (self);
  update_back_button (self);
}

static void
leaflet_changed_cb (HallWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  /* Narrow, the header bar keeps icons only; the tooltips still speak. */
  adw_button_content_set_label (self->new_intake_content, folded ? "" : _("_New Intake"));
  hall_sync_indicator_set_compact (self->sync_indicator, folded);
  update_back_button (self);
}

static gboolean
update_header_cb (gpointer user_data)
{
  HallWindow *self = HALL_WINDOW (user_data);

  self->header_id = 0;
  leaflet_changed_cb (self);

  return G_SOURCE_REMOVE;
}

/* The leaflet folds while the window is being laid out, after the header
 * bar was: changing the header bar there left it without an allocation
 * for the frame being drawn. It follows right after instead. */
static void
leaflet_folded_cb (HallWindow *self)
{
  if (self->header_id == 0)
    self->header_id = g_idle_add (update_header_cb, self);
}

void
hall_window_add_toast (HallWindow *self,
                       const char *title)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

void
hall_window_show_case (HallWindow *self,
                       HallCase   *kase)
{
  g_return_if_fail (HALL_IS_WINDOW (self));
  g_return_if_fail (HALL_IS_CASE (kase));

  hall_case_page_set_case (self->case_page, kase);
  /* Side by side there is nowhere to go, and moving would pull the focus
   * out of the list. */
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->case_page));
}

static void
case_activated_cb (HallWindow *self,
                   HallCase   *kase)
{
  hall_window_show_case (self, kase);
}

static void
case_selected_cb (HallWindow *self,
                  HallCase   *kase)
{
  /* The page follows the selection; folded, it only comes forward when the
   * row is activated. */
  hall_case_page_set_case (self->case_page, kase);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HallSyncEngine *engine = HALL_SYNC_ENGINE (object);
  g_autoptr (GError) error = NULL;
  HallWindow *self;
  g_autofree char *message = NULL;

  if (!hall_sync_engine_login_finish (engine, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self = HALL_WINDOW (user_data);
      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
        message = g_strdup (_("The server does not answer: changes wait here until it does"));
      else
        /* Translators: %s says why the server refused */
        message = g_strdup_printf (_("Signed in here, but not on the server: %s"), error->message);
      hall_window_add_toast (HALL_WINDOW (self), message);
      return;
    }

  hall_sync_engine_sync_now (engine);
}

static void
password_accepted_cb (HallWindow *self,
                      const char *username,
                      const char *password)
{
  if (self->engine == NULL)
    return;

  hall_sync_engine_login_async (self->engine, username, password, self->cancellable, login_cb,
                                self);
}

/* Signing in checked a password (Argon2, 64 MiB on a worker) and built
 * the main view: what was freed goes back to the system rather than
 * staying in malloc's arenas for the day (tests/bench/bench-memory.c). */
static gboolean
trim_memory (gpointer user_data)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  return G_SOURCE_REMOVE;
}

static void
signed_in_cb (HallWindow *self,
              const char *username,
              const char *display_name,
              const char *roles,
              const char *counter)
{
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->roles);
  g_free (self->counter);
  self->username = g_strdup (username);
  self->display_name = g_strdup (display_name);
  self->roles = g_strdup (roles);
  self->counter = g_strdup (counter);

  if (g_strcmp0 (hall_store_get_counter (self->store), counter) != 0)
    hall_store_set_counter (self->store, counter);

  hall_case_page_set_official (self->case_page, username);
  hall_case_page_set_store (self->case_page, self->store);
  hall_case_page_set_case (self->case_page, NULL);
  hall_case_list_page_set_store (self->list_page, self->store);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->list_page));
  /* Typing anywhere searches the cases, but only once they are on screen. */
  hall_case_list_page_set_key_capture_widget (self->list_page, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->leaflet), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "main");

  if (self->engine != NULL)
    hall_sync_engine_start (self->engine);

  /* Actions first: a button of a disabled action takes no focus. */
  update_state (self);
  /* The keys must not stay with the sign-in page, hidden now: with nothing
   * on the list page to take them (an approver's empty list), the window
   * itself does, and its shortcuts work. */
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->list_page)))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_idle_add_full (G_PRIORITY_LOW, trim_memory, NULL, NULL);
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->roles, g_free);
  g_clear_pointer (&self->counter, g_free);

  /* Nothing of the last official's work stays on screen. */
  hall_case_list_page_set_search_mode (self->list_page, FALSE);
  hall_case_list_page_set_key_capture_widget (self->list_page, NULL);
  hall_case_list_page_set_store (self->list_page, NULL);
  hall_case_page_set_case (self->case_page, NULL);
  hall_case_page_set_official (self->case_page, NULL);
  hall_sign_in_page_reset (self->sign_in_page);
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));

  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
case_created_cb (HallWindow *self,
                 HallCase   *kase)
{
  g_autofree char *message = NULL;

  /* The new case is not the row selected before it was inserted. */
  hall_case_list_page_unselect (self->list_page);
  hall_window_show_case (self, kase);
  /* Translators: %s is a case number */
  message = g_strdup_printf (_("Case %s opened"), hall_case_get_number (kase));
  hall_window_add_toast (self, message);
}

static void
new_intake_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);
  HallIntakeDialog *dialog;

  if (self->username == NULL || self->store == NULL || self->catalog == NULL)
    return;

  dialog = hall_intake_dialog_new (GTK_WINDOW (self), self->store, self->catalog, self->username);
  g_signal_connect_object (dialog, "case-created", G_CALLBACK (case_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  if (self->engine != NULL)
    hall_sync_engine_sync_now (self->engine);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
case_rejected_cb (HallWindow *self,
                  const char *case_uuid,
                  const char *reason)
{
  hall_window_add_toast (self, _("The server refused a change: its case shows why"));
}

static void
conflict_cb (HallWindow *self,
             const char *entity,
             const char *uuid)
{
  hall_window_add_toast (self, _("Someone else changed a record first: both versions are kept"));
}

static void
search_mode_cb (HallWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static gboolean
hall_window_close_request (GtkWindow *window)
{
  HallWindow *self = HALL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (hall_window_parent_class)->close_request (window);
}

static void
hall_window_constructed (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  G_OBJECT_CLASS (hall_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  hall_sync_indicator_set_store (self->sync_indicator, self->store);
  hall_sync_indicator_set_engine (self->sync_indicator, self->engine);
  hall_sign_in_page_set_store (self->sign_in_page, self->store);
  hall_sign_in_page_set_demo (self->sign_in_page, self->demo);
  hall_case_page_set_catalog (self->case_page, self->catalog);
  hall_case_list_page_set_catalog (self->list_page, self->catalog);

  if (self->engine != NULL)
    {
      g_signal_connect_object (self->engine, "case-rejected", G_CALLBACK (case_rejected_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "conflict", G_CALLBACK (conflict_cb), self,
                               G_CONNECT_SWAPPED);
    }

  g_signal_connect_object (self->settings, "changed::hall-name", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);

  if (self->store == NULL)
    hall_window_show_error (self, _("The Counter’s Data Is Not Open"), NULL);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));

  update_state (self);
}

static void
hall_window_dispose (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->header_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_WINDOW);
  g_clear_object (&self->engine);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hall_window_parent_class)->dispose (object);
}

static void
hall_window_finalize (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  g_free (self->username);
  g_free (self->display_name);
  g_free (self->roles);
  g_free (self->counter);

  G_OBJECT_CLASS (hall_window_parent_class)->finalize (object);
}

static void
hall_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HallWindow *self = HALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case PROP_SEARCH_MODE:
      /* The property action asks before the template is built. */
      g_value_set_boolean (value, self->list_page != NULL &&
                                  hall_case_list_page_get_search_mode (self->list_page));
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->username != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HallWindow *self = HALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_DEMO:
      self->demo = g_value_get_boolean (value);
      break;
    case PROP_SEARCH_MODE:
      hall_case_list_page_set_search_mode (self->list_page, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_window_class_init (HallWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hall_window_constructed;
  object_class->dispose = hall_window_dispose;
  object_class->finalize = hall_window_finalize;
  object_class->get_property = hall_window_get_property;
  object_class->set_property = hall_window_set_property;
  window_class->close_request = hall_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, HALL_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HALL_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HALL_TYPE_SIGN_IN_PAGE);
  g_type_ensure (HALL_TYPE_CASE_LIST_PAGE);
  g_type_ensure (HALL_TYPE_CASE_PAGE);
  g_type_ensure (HALL_TYPE_SYNC_INDICATOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, new_intake_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, new_intake_content);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, case_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_accepted_cb);
  gtk_widget_class_bind_template_callback (widget_class, case_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, case_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);

  gtk_widget_class_install_action (widget_class, "win.new-intake", NULL, new_intake_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_property_action (widget_class, "win.search", "search-mode");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-intake", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static void
hall_window_init (HallWindow *self)
{
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

HallWindow *
hall_window_new (GtkApplication *application,
                 HallStore      *store,
                 HallCatalog    *catalog,
                 HallSyncEngine *engine,
                 gboolean        demo)
{
  return g_object_new (HALL_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "catalog", catalog,
                       "engine", engine,
                       "demo", demo,
                       NULL);
}

void
hall_window_show_error (HallWindow *self,
                        const char *title,
                        const char *description)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  self->failed = TRUE;
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_title (self);
}

void
hall_window_hold_sign_in (HallWindow *self,
                          gboolean    hold)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  hall_sign_in_page_set_held (self->sign_in_page, hold);
}

gboolean
hall_window_get_signed_in (HallWindow *self)
{
  g_return_val_if_fail (HALL_IS_WINDOW (self), FALSE);

  return self->username != NULL;
}

const char *
hall_window_get_username (HallWindow *self)
{
  g_return_val_if_fail (HALL_IS_WINDOW (self), NULL);

  return self->username;
}
