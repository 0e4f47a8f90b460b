/* hall-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HALL_TYPE_APPLICATION (hall_application_get_type ())
G_DECLARE_FINAL_TYPE (HallApplication, hall_application, HALL, APPLICATION, AdwApplication)

/* The counter app. Options: --profile NAME (default "default"), --demo
 * (profile "demo", the demo officials, counter C01) and --server URL (else
 * $SERVICE_HALL_SERVER, else the store's "server_url").
 *
 * Actions: app.quit (Ctrl+Q), app.about. */

HallApplication *hall_application_new (void);

G_END_DECLS
