/* hall-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-app"

#include "config.h"

#include <malloc.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hall-application.h"
#include "hall-catalog.h"
#include "hall-error.h"
#include "hall-store.h"
#include "hall-sync-engine.h"
#include "hall-window.h"

#define DEMO_PROFILE "demo"
#define DEMO_COUNTER "C01"

struct _HallApplication
{
  AdwApplication  parent_instance;

  char           *profile;
  char           *server_url;
  gboolean        demo;

  HallCatalog    *catalog;
  GThread        *catalog_reader;  /* (nullable): reads it while GTK starts */
  GError         *catalog_error;
  HallStore      *store;
  HallSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (HallApplication, hall_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL,
    N_("Use the counter profile NAME (its own database)"), N_("NAME") },
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Run the demo: profile “demo”, demo officials, counter C01"), NULL },
  { "server", 's', 0, G_OPTION_ARG_STRING, NULL,
    N_("Sync with the server at URL"), N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and quit"), NULL },
  { NULL }
};

static gboolean
profile_name_is_valid (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 64 || name[0] == '.')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

static int
hall_application_handle_local_options (GApplication *application,
                                       GVariantDict *options)
{
  HallApplication *self = HALL_APPLICATION (application);
  const char *profile = NULL;
  const char *server = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("service-hall %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->demo = g_variant_dict_contains (options, "demo");
  g_variant_dict_lookup (options, "profile", "&s", &profile);
  g_variant_dict_lookup (options, "server", "&s", &server);

  if (profile == NULL)
    profile = self->demo ? DEMO_PROFILE : "default";
  if (!profile_name_is_valid (profile))
    {
      g_printerr (_("Profile “%s”: use letters, digits, “-”, “_” and “.”, at most 64\n"), profile);
      return 1;
    }
  g_free (self->profile);
  self->profile = g_strdup (profile);
  /* Another profile is another counter: its own window, not a second
   * activation of the one already running. */
  if (g_strcmp0 (profile, "default") != 0)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  if (server == NULL)
    server = g_getenv ("SERVICE_HALL_SERVER");
  g_free (self->server_url);
  self->server_url = server != NULL && *server != '\0' ? g_strdup (server) : NULL;

  return -1;
}

static void
demo_officials_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (HallWindow) window = user_data;
  g_autoptr (GError) error = NULL;

  if (!hall_store_add_demo_officials_finish (HALL_STORE (object), result, &error))
    g_warning ("Could not add the demo officials: %s", error->message);
  hall_window_hold_sign_in (window, FALSE);
}

/* The hall's calendar as the server last gave it, in place of the shipped
 * file: promises are counted in it, offline too. Connected before the
 * window is made, so that the window's own handler sees it in place. */
static void
use_kept_calendar (HallApplication *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCalendar) calendar = NULL;
  gint64 version = 0;

  calendar = hall_store_load_calendar (self->store, &version, &error);
  if (calendar == NULL)
    {
      if (!g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND))
        g_warning ("%s", error->message);
      return;
    }
  g_debug ("promises count in the hall's calendar, version %" G_GINT64_FORMAT, version);
  hall_catalog_set_calendar (self->catalog, calendar);
}

/* Runs while GTK starts: json-glib takes a few milliseconds of a start for
 * the catalog, and a counter PC has a second core. */
static gpointer
read_catalog (gpointer user_data)
{
  HallApplication *self = user_data;

  return hall_catalog_new_default (&self->catalog_error);
}

static HallCatalog *
join_catalog_reader (HallApplication *self,
                     GError         **error)
{
  HallCatalog *catalog;

  if (self->catalog_reader == NULL)
    return hall_catalog_new_default (error);
  catalog = g_thread_join (g_steal_pointer (&self->catalog_reader));
  if (catalog == NULL)
    g_propagate_error (error, g_steal_pointer (&self->catalog_error));
  return catalog;
}

/* Opens what the window shows; on failure @title_out says what failed for
 * the status page. */
static gboolean
open_data (HallApplication *self,
           char           **title_out,
           GError         **error)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *hall_code = g_settings_get_string (settings, "hall-code");
  g_autofree char *counter = g_settings_get_string (settings, "counter");
  g_autofree char *stored_url = NULL;

  g_clear_object (&self->catalog);
  self->catalog = join_catalog_reader (self, error);
  if (self->catalog == NULL)
    {
      *title_out = g_strdup (_("The Service Catalog Cannot Be Read"));
      return FALSE;
    }

  dir = g_build_filename (g_get_user_data_dir (), "service-hall", self->profile, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot create the profile folder %s: %s"), dir, g_strerror (saved_errno));
      *title_out = g_strdup (_("The Counter’s Data Cannot Be Opened"));
      return FALSE;
    }

  if (self->demo || *counter == '\0')
    {
      g_free (counter);
      counter = g_strdup (DEMO_COUNTER);
    }

  path = g_build_filename (dir, "hall.db", NULL);
  self->store = hall_store_open (path, hall_code, counter, error);
  if (self->store == NULL)
    {
      /* Whoever repairs it needs to know which file it is. */
      /* Translators: %s is the path of the counter's database file */
      g_prefix_error (error, _("%s: "), path);
      *title_out = g_strdup (_("The Counter’s Data Cannot Be Opened"));
      return FALSE;
    }

  /* The hall's IT staff and their scripts write the same store with
   * service-hall-ctl (attach, import) while the official works. */
  hall_store_watch_other_processes (self->store, 2);
  use_kept_calendar (self);

  if (self->server_url == NULL)
    {
      stored_url = hall_store_get_meta (self->store, "server_url");
      if (stored_url != NULL && *stored_url != '\0')
        self->server_url = g_steal_pointer (&stored_url);
    }

  if (self->server_url != NULL)
    {
      self->engine = hall_sync_engine_new (self->store, self->server_url);
      hall_sync_engine_apply_environment (self->engine);
      g_signal_connect_swapped (self->engine, "calendar-changed", G_CALLBACK (use_kept_calendar),
                                self);
    }

  return TRUE;
}

static void
hall_application_activate (GApplication *application)
{
  HallApplication *self = HALL_APPLICATION (application);
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  if (!open_data (self, &title, &error))
    g_warning ("%s", error->message);

  window = GTK_WINDOW (hall_window_new (GTK_APPLICATION (self), self->store, self->catalog,
                                        self->engine, self->demo));
  if (error != NULL)
    hall_window_show_error (HALL_WINDOW (window), title, error->message);

  if (self->demo && self->store != NULL)
    {
      /* A missing demo official costs an Argon2 hash: never on the main
       * loop, and never before the window shows; until they are in, a
       * sign-in would be refused. */
      hall_window_hold_sign_in (HALL_WINDOW (window), TRUE);
      hall_store_add_demo_officials_async (self->store, NULL, demo_officials_cb,
                                           g_object_ref (window));
    }

  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (application));

  /* Closing, not destroying, so each window remembers its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *application = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Service Hall developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (application),
                        "application-name", _("Service Hall"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Service Hall developers"),
                        "developers", developers,
                        "comments", _("Take in citizens and businesses at a one-stop service hall counter, approve without paper stamps, and keep working when the network does not."),
                        "website", "https://servicehall.org/",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
hall_application_startup (GApplication *application)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  HallApplication *self = HALL_APPLICATION (application);

  self->catalog_reader = g_thread_new ("hall-catalog", read_catalog, self);
  G_APPLICATION_CLASS (hall_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_actions,
                                   G_N_ELEMENTS (app_actions), application);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (application), "win.show-shortcuts",
                                         shortcuts_accels);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
hall_application_shutdown (GApplication *application)
{
  HallApplication *self = HALL_APPLICATION (application);

  if (self->engine != NULL)
    hall_sync_engine_stop (self->engine);
  /* Started, then never activated: the reader is waited for. */
  if (self->catalog_reader != NULL)
    {
      g_autoptr (HallCatalog) unused = join_catalog_reader (self, NULL);
    }

  G_APPLICATION_CLASS (hall_application_parent_class)->shutdown (application);
}

static void
hall_application_finalize (GObject *object)
{
  HallApplication *self = HALL_APPLICATION (object);

  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_error (&self->catalog_error);
  g_free (self->profile);
  g_free (self->server_url);

  G_OBJECT_CLASS (hall_application_parent_class)->finalize (object);
}

static void
hall_application_class_init (HallApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = hall_application_finalize;
  app_class->handle_local_options = hall_application_handle_local_options;
  app_class->startup = hall_application_startup;
  app_class->activate = hall_application_activate;
  app_class->shutdown = hall_application_shutdown;
}

static void
hall_application_init (HallApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("The counter application of a citizen service hall."));
}

void
hall_application_prepare_renderer (void)
{
  if (g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0 && g_getenv ("GDK_DEBUG") == NULL)
    g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
}

void
hall_application_prepare_memory (void)
{
  if (g_getenv ("MALLOC_ARENA_MAX") == NULL)
    mallopt (M_ARENA_MAX, 2);
}

HallApplication *
hall_application_new (void)
{
  return g_object_new (HALL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/servicehall/Counter",
                       NULL);
}
