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

/* Call before GTK starts. With GTK's cairo renderer (GSK_RENDERER=cairo:
 * a counter PC without a GPU, and every figure in README), GDK would still
 * open OpenGL at start to offer it to renderers that are not used, and
 * Mesa's software OpenGL maps some 60 MB of LLVM for nothing: this tells
 * GDK not to (GDK_DEBUG=gl-disable), unless GDK_DEBUG is set already. */
void             hall_application_prepare_renderer (void);

/* Call before the first thread starts. glibc gives each thread that
 * allocates an arena of its own, up to eight per core; the store's
 * workers each fragment theirs over a day of searches, and that free
 * memory cannot go back to the system. Two arenas are shared by all
 * (unless MALLOC_ARENA_MAX is set already). */
void             hall_application_prepare_memory   (void);

G_END_DECLS
