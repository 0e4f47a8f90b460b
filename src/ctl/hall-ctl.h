/* hall-ctl.h — what the commands of service-hall-ctl share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sysexits.h>

#include "hall-catalog.h"
#include "hall-store.h"
#include "hall-sync-engine.h"

G_BEGIN_DECLS

/* The options before the command, and what they open on demand. */
typedef struct
{
  char           *profile;          /* directory holding hall.db */
  char           *counter;          /* --counter, or NULL */
  char           *server_url;       /* --server, or NULL: the profile's */
  int             low_speed_time;   /* 0: the engine's default or env */
  int             connect_timeout;
  int             attempts;
  char           *ca_file;
  char           *pinned_key;

  HallCatalog    *catalog;
  HallStore      *store;
} HallCtl;

void            hall_ctl_clear              (HallCtl        *ctl);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HallCtl, hall_ctl_clear)

/* The catalog: $SERVICE_HALL_CATALOG or the installed one. */
HallCatalog    *hall_ctl_get_catalog        (HallCtl        *ctl,
                                             GError        **error);
/* Opens (creating if needed) PROFILE/hall.db for the hall of the catalog
 * and the counter of --counter, the store's meta "counter", or "C01". */
HallStore      *hall_ctl_get_store          (HallCtl        *ctl,
                                             GError        **error);
/* An engine for @server_url (NULL: --server, else the profile's meta
 * "server_url") with the knobs of the command line and the environment. */
HallSyncEngine *hall_ctl_new_engine         (HallCtl        *ctl,
                                             const char     *server_url);

/* Iterates the default main context until *@slot is set. */
GAsyncResult   *hall_ctl_wait               (GAsyncResult  **slot);
/* A GAsyncReadyCallback that stores a reference to the result in the
 * GAsyncResult * that @user_data points to. */
void            hall_ctl_store_result       (GObject        *source,
                                             GAsyncResult   *result,
                                             gpointer        user_data);

/* Reads a password file, without its trailing newline; refuses an empty
 * one. Passwords never come on the command line, where every user of the
 * machine can read them in the process list. */
char           *hall_ctl_read_password      (const char     *path,
                                             GError        **error);

/* (transfer full): the "detail" of a problem+json answer, or else its body
 * as it came. */
char           *hall_ctl_problem_detail     (HallHttpResponse *response);

/* The sysexits code for a failure. */
int             hall_ctl_exit_code          (const GError   *error);
/* "service-hall-ctl COMMAND: MESSAGE" on stderr; returns the exit code. */
int             hall_ctl_fail               (const char     *command,
                                             const GError   *error);

/* Parses the options of one command (--help prints it and exits 0). On a
 * bad option prints why and sets *exit_code to EX_USAGE. */
gboolean        hall_ctl_parse_options      (GOptionContext *context,
                                             int            *argc,
                                             char         ***argv,
                                             int            *exit_code);

/* The commands: argv[0] is the command's name. */
int             hall_ctl_login              (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_logout             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_import             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_sync               (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_status             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
/* The hall's calendar on the server (hall-ctl-calendar.c). */
int             hall_ctl_calendar           (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
/* Stamp-free approval (hall-ctl-keys.c, hall-ctl-license.c). */
int             hall_ctl_hall_key           (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_enroll             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_revoke             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_audit              (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_license            (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_verify             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_attach             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
int             hall_ctl_scan               (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
#ifdef HAVE_RENDERING
int             hall_ctl_dossier            (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
/* The supervisor's figures as CSV or the monthly PDF (hall-ctl-stats.c). */
int             hall_ctl_stats              (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);
#endif
int             hall_ctl_decide             (HallCtl        *ctl,
                                             int             argc,
                                             char          **argv);

G_END_DECLS
