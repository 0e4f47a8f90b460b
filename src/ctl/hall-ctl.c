/* hall-ctl.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "hall-error.h"
#include "hall-ctl.h"
#include "hall-lazy-library.h"
#include "hall-signature.h"
#include "hall-sqlite.h"

void
hall_ctl_clear (HallCtl *ctl)
{
  g_clear_pointer (&ctl->profile, g_free);
  g_clear_pointer (&ctl->counter, g_free);
  g_clear_pointer (&ctl->server_url, g_free);
  g_clear_pointer (&ctl->ca_file, g_free);
  g_clear_pointer (&ctl->pinned_key, g_free);
  g_clear_object (&ctl->store);
  g_clear_object (&ctl->catalog);
}

HallCatalog *
hall_ctl_get_catalog (HallCtl *ctl,
                      GError **error)
{
  if (ctl->catalog == NULL)
    ctl->catalog = hall_catalog_new_default (error);
  return ctl->catalog;
}

HallStore *
hall_ctl_get_store (HallCtl *ctl,
                    GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *stored_counter = NULL;
  g_autoptr (HallCalendar) kept = NULL;
  HallCatalog *catalog;

  if (ctl->store != NULL)
    return ctl->store;

  catalog = hall_ctl_get_catalog (ctl, error);
  if (catalog == NULL)
    return NULL;

  if (g_mkdir_with_parents (ctl->profile, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("cannot create the profile directory %s: %s"), ctl->profile,
                   g_strerror (saved_errno));
      return NULL;
    }
  path = g_build_filename (ctl->profile, "hall.db", NULL);
  ctl->store = hall_store_open (path, hall_catalog_get_hall_code (catalog),
                                ctl->counter != NULL ? ctl->counter : "C01", error);
  if (ctl->store == NULL)
    return NULL;

  /* Promises count in the hall's calendar as this profile last heard it
   * from the server, as the counter app's do. */
  kept = hall_store_load_calendar (ctl->store, NULL, NULL);
  if (kept != NULL)
    hall_catalog_set_calendar (catalog, kept);

  /* The profile remembers its counter, so that its case numbers stay in
   * one series whichever command opened it. */
  stored_counter = hall_store_get_meta (ctl->store, "counter");
  if (ctl->counter != NULL)
    {
      if (g_strcmp0 (stored_counter, ctl->counter) != 0
          && !hall_store_set_meta (ctl->store, "counter", ctl->counter, error))
        {
          g_clear_object (&ctl->store);
          return NULL;
        }
    }
  else if (stored_counter != NULL && *stored_counter != '\0')
    hall_store_set_counter (ctl->store, stored_counter);

  return ctl->store;
}

HallSyncEngine *
hall_ctl_new_engine (HallCtl    *ctl,
                     const char *server_url)
{
  g_autofree char *stored_url = NULL;
  HallSyncEngine *engine;

  if (server_url == NULL)
    server_url = ctl->server_url;
  if (server_url == NULL)
    server_url = stored_url = hall_store_get_meta (ctl->store, "server_url");

  engine = hall_sync_engine_new (ctl->store, server_url);
  /* The environment first, so that explicit options win. */
  hall_sync_engine_apply_environment (engine);
  if (ctl->low_speed_time > 0)
    g_object_set (engine, "low-speed-time", (guint) ctl->low_speed_time, NULL);
  if (ctl->connect_timeout > 0)
    g_object_set (engine, "connect-timeout", (guint) ctl->connect_timeout, NULL);
  if (ctl->attempts > 0)
    g_object_set (engine, "max-attempts", (guint) ctl->attempts, NULL);
  if (ctl->ca_file != NULL)
    g_object_set (engine, "ca-file", ctl->ca_file, NULL);
  if (ctl->pinned_key != NULL)
    g_object_set (engine, "pinned-public-key", ctl->pinned_key, NULL);
  return engine;
}

void
hall_ctl_store_result (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
hall_ctl_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The password comes from a file, never from the command line, where any
 * user of the machine could read it in the process list. */
char *
hall_ctl_read_password (const char *path,
                        GError    **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  if (length > 0 && contents[length - 1] == '\r')
    contents[--length] = '\0';
  if (length == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the password file %s is empty"), path);
      return NULL;
    }
  return g_steal_pointer (&contents);
}

int
hall_ctl_exit_code (const GError *error)
{
  if (error == NULL)
    return EX_OK;

  if (error->domain == HALL_SYNC_ERROR)
    {
      switch ((HallSyncError) error->code)
        {
        case HALL_SYNC_ERROR_OFFLINE:
        case HALL_SYNC_ERROR_SERVER:
          return EX_TEMPFAIL;
        case HALL_SYNC_ERROR_AUTH:
          return EX_NOPERM;
        case HALL_SYNC_ERROR_REJECTED:
        case HALL_SYNC_ERROR_CONFLICT:
          return EX_DATAERR;
        case HALL_SYNC_ERROR_TLS:
          return EX_UNAVAILABLE;
        case HALL_SYNC_ERROR_PROTOCOL:
        default:
          return EX_PROTOCOL;
        }
    }
  if (error->domain == HALL_VALIDATION_ERROR)
    return EX_DATAERR;
  /* libcurl (or poppler, zbar) not installed: trying again will not help. */
  if (error->domain == HALL_LIBRARY_ERROR)
    return EX_UNAVAILABLE;
  /* A wrong password is the user's to fix; anything else signed is bad data. */
  if (g_error_matches (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_WRONG_PASSWORD))
    return EX_NOPERM;
  if (error->domain == HALL_SIGNATURE_ERROR)
    return EX_DATAERR;
  if (error->domain == HALL_CATALOG_ERROR)
    return EX_CONFIG;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return EX_NOINPUT;
  /* A decision the catalog's steps do not allow, or of no such case. */
  if (error->domain == HALL_WORKFLOW_ERROR
      || g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND))
    return EX_DATAERR;
  /* No official signed in, or the password is not theirs. */
  if (g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH))
    return EX_NOPERM;
  /* The profile's database cannot be opened, or is not one. */
  if ((error->domain == HALL_STORE_ERROR && error->code == HALL_STORE_ERROR_OPEN)
      || g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN)
      || g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA))
    return EX_CANTCREAT;
  return EX_IOERR;
}

char *
hall_ctl_problem_detail (HallHttpResponse *response)
{
  g_autoptr (JsonNode) root = hall_http_response_parse_json (response, 16);

  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "detail"))
    return g_strdup (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                 "detail", ""));
  return hall_http_response_dup_text (response);
}

int
hall_ctl_fail (const char   *command,
               const GError *error)
{
  g_printerr ("service-hall-ctl %s: %s\n", command, error->message);
  return hall_ctl_exit_code (error);
}

gboolean
hall_ctl_parse_options (GOptionContext *context,
                        int            *argc,
                        char         ***argv,
                        int            *exit_code)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("service-hall-ctl %s: %s\n", (*argv)[0], error->message);
      g_printerr (_("Try “service-hall-ctl %s --help”.\n"), (*argv)[0]);
      *exit_code = EX_USAGE;
      return FALSE;
    }
  return TRUE;
}
