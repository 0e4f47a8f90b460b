/* hall-display-application.h — service-hall-display: the board or the kiosk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* What the command line chose. */
typedef struct
{
  char     *server_url;     /* required */
  char     *hall_name;      /* NULL: the server's */
  char     *audio_sink;     /* NULL: autoaudiosink */
  char     *user;           /* the kiosk's reception official */
  char     *password;       /* read from --password-file */
  char     *ticket_pdf_dir; /* the kiosk prints to PDF files here instead */
  gboolean  kiosk;
  gboolean  windowed;
  gboolean  mute;
} HallDisplayOptions;

void hall_display_options_clear (HallDisplayOptions *options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HallDisplayOptions, hall_display_options_clear)

#define HALL_TYPE_DISPLAY_APPLICATION (hall_display_application_get_type ())
G_DECLARE_FINAL_TYPE (HallDisplayApplication, hall_display_application, HALL, DISPLAY_APPLICATION,
                      AdwApplication)

/* The board (a HallQueueFeed into a HallBoard, drawn full screen, calls
 * chimed and spoken) or, with options->kiosk, the ticket kiosk. Not
 * unique: a hall's machine may run a board and a kiosk. */
/* (transfer full): @options are copied. */
HallDisplayApplication *hall_display_application_new (const HallDisplayOptions *options);

G_END_DECLS
