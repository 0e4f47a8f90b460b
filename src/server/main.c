/* main.c — service-hall-server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall-blob-store.h"
#include "hall-blob-table.h"
#include "hall-i18n.h"
#include "hall-server-backup.h"
#include "hall-server-copy.h"
#include "hall-server-error.h"
#include "hall-server.h"
#include "hall-signature.h"

/* What SIGTERM and SIGINT do: stop at once, or drain first. */
typedef struct
{
  GMainLoop  *loop;
  HallServer *server;
  guint       drain_seconds;
  guint       drain_timeout;   /* source id while draining */
} Stopping;

static gboolean
on_drained (gpointer user_data)
{
  Stopping *stopping = user_data;

  stopping->drain_timeout = 0;
  g_main_loop_quit (stopping->loop);
  return G_SOURCE_REMOVE;
}

/* With --drain, the first signal has /v1/health answer 503 for that long
 * while every request is still served (the balancer's checks take the
 * server out meanwhile); a second signal stops at once. */
static gboolean
on_signal (gpointer user_data)
{
  Stopping *stopping = user_data;

  if (stopping->drain_seconds == 0 || stopping->drain_timeout != 0)
    {
      g_main_loop_quit (stopping->loop);
      return G_SOURCE_CONTINUE;
    }
  hall_server_drain (stopping->server);
  g_message (_("Draining: /v1/health answers 503 for %u s, then the server stops"),
             stopping->drain_seconds);
  /* Not g_timeout_add_seconds (), which may fire up to a second off. */
  stopping->drain_timeout = g_timeout_add (stopping->drain_seconds * 1000, on_drained, stopping);
  return G_SOURCE_CONTINUE;
}

/* --set-official: the password from a file, never from the command line,
 * where other users of the machine could read it. */
static int
set_official (HallServer *server,
              const char *username,
              const char *roles,
              const char *password_file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *newline;

  if (roles == NULL || password_file == NULL)
    {
      g_printerr (_("--set-official needs --roles and --password-file\n"));
      return 2;
    }
  if (g_strcmp0 (password_file, "-") == 0)
    {
      size_t size = 0;

      if (getline (&text, &size, stdin) < 0)
        g_clear_pointer (&text, free);
    }
  else
    g_file_get_contents (password_file, &text, NULL, &error);
  if (text == NULL)
    {
      g_printerr (_("Cannot read the password: %s\n"),
                  error != NULL ? error->message : _("the file is empty"));
      return 1;
    }
  newline = strpbrk (text, "\r\n");
  if (newline != NULL)
    *newline = '\0';
  if (!hall_server_set_official (server, username, text, roles, &error))
    {
      memset (text, 0, strlen (text));
      g_printerr ("%s\n", error->message);
      return 1;
    }
  memset (text, 0, strlen (text));
  g_print (_("Official %s saved\n"), username);
  return 0;
}

/* --copy-to: the hall's SQLite records up into PostgreSQL, then exit. */
static int
copy_to (const char *data_dir,
         const char *uri)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "hall.sqlite", NULL);
  g_autoptr(GPtrArray) report = hall_server_copy_to_postgres (path, uri, &error);

  if (report == NULL)
    {
      g_printerr ("%s\n", error->message);
      return error->domain == HALL_SERVER_ERROR && error->code == HALL_SERVER_ERROR_CONFLICT
             ? 3 : 1;
    }
  for (guint i = 0; i < report->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (report, i));
  g_print (_("Copied and checked: start the servers with --data %s --database URI\n"), data_dir);
  return 0;
}

/* --backup: a consistent copy of the SQLite file, made while serving. */
static int
backup (const char *data_dir,
        const char *target,
        const char *blob_dir,
        gboolean    on_postgres)
{
  g_autofree char *blobs = blob_dir != NULL ? g_strdup (blob_dir)
                           : g_build_filename (data_dir, "blobs", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (data_dir, "hall.sqlite", NULL);
  g_autoptr(GPtrArray) report = hall_server_backup_sqlite (path, target, &error);

  if (report == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < report->len; i++)
    g_print ("%s\n", (char *) g_ptr_array_index (report, i));
  if (g_strcmp0 (blob_dir, "postgresql") == 0)
    g_print (_("Backed up %s to %s; the blobs are in PostgreSQL\n"), path, target);
  else
    g_print (_("Backed up %s to %s; now copy the folder %s (README, “Backups”)\n"), path,
             target, blobs);
  if (on_postgres)
    g_print (_("The records kept in PostgreSQL are backed up with pg_dump "
               "(README, “Backups”)\n"));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HallCatalog) catalog = NULL;
  g_autoptr(HallServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *copy_uri = NULL;
  g_autofree char *backup_path = NULL;
  g_autofree char *blob_dir = NULL;
  g_autofree char *catalog_path = NULL;
  g_autofree char *calendar_path = NULL;
  g_autoptr(HallCalendar) calendar = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *official = NULL;
  g_autofree char *roles = NULL;
  g_autofree char *password_file = NULL;
  gint64 partial_ttl = HALL_BLOB_PARTIAL_TTL_DEFAULT;
  gint64 partial_cap = HALL_BLOB_PARTIAL_CAP_DEFAULT;
  int blob_uploads = HALL_BLOB_TABLE_MAX_UPLOADS_DEFAULT;
  g_autofree char *hall_public_key = NULL;
  gboolean demo = FALSE;
  gboolean no_group_commit = FALSE;
  gint64 max_offline_hours = HALL_SERVER_MAX_OFFLINE_DEFAULT / 3600;
  int drain_seconds = 0;
  Stopping stopping = { 0 };
  GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)"),
      N_("ADDRESS:PORT") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Directory of the database, the blobs and the session key"), N_("DIR") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database,
      N_("Keep cases, applicants, officials and the change feed in this PostgreSQL database "
         "(a libpq URI: postgresql://USER@HOST/DB) instead of the SQLite file of --data"),
      N_("URI") },
    { "copy-to", 0, 0, G_OPTION_ARG_STRING, &copy_uri,
      N_("Copy the hall's records from the SQLite file of --data into this new, empty "
         "PostgreSQL database (a libpq URI), check them, then exit"), N_("URI") },
    { "backup", 0, 0, G_OPTION_ARG_FILENAME, &backup_path,
      N_("Write a consistent copy of the SQLite file of --data to FILE, also while servers "
         "run on it, then exit"), N_("FILE") },
    { "blobs", 0, 0, G_OPTION_ARG_FILENAME, &blob_dir,
      N_("Keep the blobs (scanned pages) in DIR, which several servers may share, "
         "or with “postgresql” in the --database (default: blobs/ in --data)"), N_("DIR") },
    { "catalog", 'c', 0, G_OPTION_ARG_FILENAME, &catalog_path,
      N_("Catalog of services (default: the installed one)"), N_("FILE") },
    { "calendar", 0, 0, G_OPTION_ARG_FILENAME, &calendar_path,
      N_("The hall's calendar of opening hours and holidays (default: the shipped calendar.json)"),
      N_("FILE") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
      N_("Serve HTTPS with this certificate chain (PEM)"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
      N_("The private key of --tls-cert (PEM)"), N_("FILE") },
    { "set-official", 0, 0, G_OPTION_ARG_STRING, &official,
      N_("Add an official (or change one's password and roles), then exit; with --roles "
         "and --password-file"), N_("USERNAME") },
    { "roles", 0, 0, G_OPTION_ARG_STRING, &roles,
      N_("Roles of --set-official: reception, counter_official, approver, supervisor, "
         "administrator"), N_("ROLE,…") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("File whose first line is the password of --set-official (“-”: standard input)"),
      N_("FILE") },
    { "partial-ttl", 0, 0, G_OPTION_ARG_INT64, &partial_ttl,
      N_("Remove an unfinished upload nobody wrote to for this long (default 86400: a day)"),
      N_("SECONDS") },
    { "partial-cap", 0, 0, G_OPTION_ARG_INT64, &partial_cap,
      N_("Bytes the unfinished uploads of one official may hold, each counted with its "
         "announced length (default 209715200: 200 MiB)"), N_("BYTES") },
    { "blob-uploads", 0, 0, G_OPTION_ARG_INT, &blob_uploads,
      N_("With --blobs postgresql: uploads written at once, each on a database connection "
         "of its own; more are answered 503 and retried (default 32)"), N_("N") },
    { "hall-public-key", 0, 0, G_OPTION_ARG_STRING, &hall_public_key,
      N_("The hall's public key (base64, from service-hall-ctl hall-key create): kept, and "
         "used to check certificates, decisions and licenses"), N_("KEY") },
    { "max-offline-hours", 0, 0, G_OPTION_ARG_INT64, &max_offline_hours,
      N_("The hall's longest allowed offline period: a decision or license signed with a "
         "revoked key before its revocation is taken until this long after it (default 72)"),
      N_("HOURS") },
    { "drain", 0, 0, G_OPTION_ARG_INT, &drain_seconds,
      N_("When stopped (SIGTERM), answer /v1/health with 503 for this long while still "
         "serving every request, so that a balancer takes the server out first; a second "
         "SIGTERM stops at once (default 0: stop at once)"), N_("SECONDS") },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      N_("Add the demo officials “demo” and “reception1” (password “demo”) and trust the "
         "published demo hall key"), NULL },
    /* Only for the benchmark that measures what group commit is worth. */
    { "no-group-commit", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &no_group_commit,
      NULL, NULL },
    { NULL }
  };

  hall_i18n_init ();

  context = g_option_context_new (_("— the Service Hall backend"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    {
      g_printerr (_("Say where the data is kept: --data DIR\n"));
      return 2;
    }

  if (backup_path != NULL)
    return backup (data_dir, backup_path, blob_dir, database != NULL);
  if (copy_uri != NULL)
    {
      if (database != NULL)
        {
          g_printerr (_("--copy-to copies from the SQLite file of --data: leave out --database\n"));
          return 2;
        }
      return copy_to (data_dir, copy_uri);
    }

  if (partial_ttl < 1 || partial_cap < 1)
    {
      g_printerr (_("--partial-ttl and --partial-cap must be at least 1\n"));
      return 2;
    }
  if (blob_uploads < 1)
    {
      g_printerr (_("--blob-uploads must be at least 1\n"));
      return 2;
    }
  if (drain_seconds < 0 || drain_seconds > 3600)
    {
      g_printerr (_("--drain must be from 0 to 3600 seconds, not %d\n"), drain_seconds);
      return 2;
    }

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr (_("HTTPS needs both --tls-cert and --tls-key\n"));
      return 2;
    }

  if (catalog_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (catalog_path);

      catalog = hall_catalog_new_from_file (file, &error);
    }
  else
    catalog = hall_catalog_new_default (&error);
  if (catalog == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Promises are checked in the hall's calendar, as the counters count them. */
  if (calendar_path != NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (calendar_path);

      calendar = hall_calendar_new_from_file (file, &error);
    }
  else
    calendar = hall_calendar_new_default (&error);
  if (calendar == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  hall_catalog_set_calendar (catalog, calendar);

  server = hall_server_new_with_database (data_dir, database, catalog, !no_group_commit, &error);
  if (server != NULL && official != NULL)
    return set_official (server, official, roles, password_file);
  /* "--blobs postgresql": into the database (a folder of that name is
   * "./postgresql"). */
  if (server != NULL && blob_dir != NULL
      && (g_str_equal (blob_dir, "postgresql")
          ? !hall_server_keep_blobs_in_database (server, blob_uploads, &error)
          : !hall_server_set_blob_dir (server, blob_dir, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  if (server != NULL)
    hall_server_set_partial_limits (server, partial_ttl, partial_cap);
  if (max_offline_hours < 0 || max_offline_hours > 24 * 365)
    {
      g_autofree char *given = g_strdup_printf ("%" G_GINT64_FORMAT, max_offline_hours);

      g_printerr (_("--max-offline-hours must be from 0 to 8760, not %s\n"), given);
      return 2;
    }
  if (server != NULL)
    hall_server_set_max_offline (server, max_offline_hours * 3600);
  if (server != NULL && hall_public_key != NULL)
    {
      guint8 key[HALL_PUBLIC_KEY_BYTES];

      if (!hall_public_key_from_base64 (hall_public_key, key, &error))
        {
          g_printerr ("--hall-public-key: %s\n", error->message);
          return 2;
        }
      if (!hall_server_set_hall_public_key (server, key, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
    }
  if (server == NULL
      || (demo && !hall_server_add_demo_users (server, &error))
      || (demo && hall_public_key == NULL && !hall_server_add_demo_hall_key (server, &error))
      || (tls_cert != NULL && !hall_server_set_tls (server, tls_cert, tls_key, &error))
      || !hall_server_start (server, listen ? listen : "127.0.0.1:8080", &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Before the line that says it is up: whoever reads it may stop it at
   * once, and a SIGTERM before this would kill it without its shutdown. */
  loop = g_main_loop_new (NULL, FALSE);
  stopping.loop = loop;
  stopping.server = server;
  stopping.drain_seconds = (guint) drain_seconds;
  g_unix_signal_add (SIGTERM, on_signal, &stopping);
  g_unix_signal_add (SIGINT, on_signal, &stopping);

  /* Tests and scripts read the port from this first line. */
  {
    g_autofree char *host = g_strdup (listen ? listen : "127.0.0.1:8080");

    *strrchr (host, ':') = '\0';
    printf ("listening on %s://%s:%u\n", tls_cert != NULL ? "https" : "http", host,
            hall_server_get_port (server));
    fflush (stdout);
  }
  if (!hall_server_has_hall_key (server))
    g_printerr (_("No hall key (--hall-public-key): this server cannot check the signatures "
                  "of decisions and refuses every decision\n"));

  g_main_loop_run (loop);

  g_clear_handle_id (&stopping.drain_timeout, g_source_remove);
  hall_server_stop (server);
  return 0;
}
