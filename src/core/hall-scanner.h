/* hall-scanner.h — scanners through SANE, owned by one thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "hall-page-image.h"

G_BEGIN_DECLS

#define HALL_SCANNER_ERROR (hall_scanner_error_quark ())
typedef enum
{
  HALL_SCANNER_ERROR_NO_DEVICE,   /* not found, or gone (unplugged, switched off) */
  HALL_SCANNER_ERROR_BUSY,        /* another program uses it, or it is warming up */
  HALL_SCANNER_ERROR_FEEDER,      /* jammed, cover open, no paper in the feeder */
  HALL_SCANNER_ERROR_OPTION,      /* the device refused a setting */
  HALL_SCANNER_ERROR_FAILED,      /* anything else the device said */
} HallScannerError;

GQuark hall_scanner_error_quark (void);

/* A device as SANE lists it. */
typedef struct
{
  char *name;     /* "test:0", "escl:https://…", what --device takes */
  char *vendor;
  char *model;
  char *type;     /* "flatbed scanner", "sheetfed scanner", … */
} HallScanDevice;

void            hall_scan_device_free       (HallScanDevice   *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallScanDevice, hall_scan_device_free)

/* How to scan. A NULL @source, 0 @dpi or 0 sizes keep the device's own. */
typedef struct
{
  char         *source;     /* one of the device's sources: "Flatbed", "ADF Duplex", … */
  HallPageKind  kind;       /* black and white, grey or colour */
  guint         dpi;
  double        width_mm;   /* the area from the top left corner */
  double        height_mm;
} HallScanSettings;

HallScanSettings *hall_scan_settings_new    (void);
HallScanSettings *hall_scan_settings_copy   (const HallScanSettings *settings);
void            hall_scan_settings_free     (HallScanSettings *settings);
/* A source that feeds sheets ("ADF", "Automatic Document Feeder", "ADF
 * Duplex"): scanning goes on until the feeder is empty. */
gboolean        hall_scan_source_is_feeder  (const char       *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallScanSettings, hall_scan_settings_free)

/* What a device offers, and its settings now. */
typedef struct
{
  GStrv             sources;       /* empty when it has one */
  gboolean          kinds[3];      /* indexed by HallPageKind */
  GArray           *resolutions;   /* guint dpi; a range is listed in steps */
  HallScanSettings *current;
} HallScanOptions;

void            hall_scan_options_free      (HallScanOptions  *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallScanOptions, hall_scan_options_free)

#define HALL_SCANNER_THUMBNAIL_SIZE 256

#define HALL_TYPE_SCANNER (hall_scanner_get_type ())
G_DECLARE_FINAL_TYPE (HallScanner, hall_scanner, HALL, SCANNER, GObject)

/* The scanners of a counter, the way GNOME Document Scanner drives them: a
 * thread of the scanner's own owns SANE (sane_init to sane_exit) and every
 * handle, and takes requests from a queue; whatever it has to say comes
 * back in the main context the scanner was made in.
 *
 * Signals:
 *   "progress" (guint page, double fraction): of the page being read
 *   "page" (guint page, HallPageImage *image, HallPageImage *thumbnail): a
 *       page was read whole; the thumbnail (at most
 *       HALL_SCANNER_THUMBNAIL_SIZE pixels a side) is made on the scanner's
 *       thread, so the main context only shows it
 *   "scan-finished" (guint n_pages, GError *error): the scan ended: every
 *       page was read (error NULL), it was cancelled (G_IO_ERROR_CANCELLED)
 *       or it failed (HALL_SCANNER_ERROR, the message naming the device
 *       and what it said). A feeder scan ends when the feeder is empty.
 *
 * One scan at a time: a scan asked for while one runs ends at once with
 * HALL_SCANNER_ERROR_BUSY. */
HallScanner    *hall_scanner_new                 (void);

/* Asks SANE for its devices again, from scratch (devices plugged in or
 * switched on since). (transfer full) (element-type HallScanDevice) */
void            hall_scanner_list_devices_async  (HallScanner         *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
GPtrArray      *hall_scanner_list_devices_finish (HallScanner         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Opens @device and applies @settings (NULL: none), then reads back what
 * the device holds: a device may round a resolution, for instance. */
void            hall_scanner_get_options_async   (HallScanner         *self,
                                                  const char          *device,
                                                  const HallScanSettings *settings,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
HallScanOptions *hall_scanner_get_options_finish (HallScanner         *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Starts a scan of @device with @settings; see the signals. */
void            hall_scanner_scan                (HallScanner         *self,
                                                  const char          *device,
                                                  const HallScanSettings *settings);
/* Stops the scan at once (the page being read is dropped); the scan ends
 * with G_IO_ERROR_CANCELLED. Nothing when none runs. */
void            hall_scanner_cancel              (HallScanner         *self);
gboolean        hall_scanner_get_scanning        (HallScanner         *self);
/* A device that sends nothing (no progress, no page) for @milliseconds
 * while it scans is taken to be gone: the read is cancelled and the scan
 * ends with HALL_SCANNER_ERROR_NO_DEVICE. 0: wait for ever. */
#define HALL_SCANNER_STALL_TIMEOUT_DEFAULT 60000
void            hall_scanner_set_stall_timeout   (HallScanner         *self,
                                                  guint                milliseconds);

G_END_DECLS
