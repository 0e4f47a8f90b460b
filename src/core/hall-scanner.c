/* hall-scanner.c — scanners through SANE, owned by one thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SANE is not thread-safe and its calls block (sane_read waits for the
 * device), so one thread owns it all, as GNOME Document Scanner's scanner
 * thread does: requests go in through an async queue, pages, progress and
 * errors come back as signals in the main context. A cancel is a flag the
 * thread reads between sane_read() calls; it then calls sane_cancel() on
 * the handle it owns.
 */
#define G_LOG_DOMAIN "hall-scanner"

#include "config.h"

#include <glib/gi18n.h>
#include <sane/sane.h>
#include <sane/saneopts.h>
#include <string.h>

#include "hall-background-task.h"
#include "hall-reader-threads.h"
#include "hall-scanner.h"
#include "hall-scanner-test-hooks.h"

#define READ_CHUNK (64 * 1024)

typedef enum
{
  REQUEST_LIST,
  REQUEST_OPTIONS,
  REQUEST_SCAN,
  REQUEST_QUIT,
} RequestKind;

typedef struct
{
  RequestKind       kind;
  GTask            *task;
  char             *device;
  HallScanSettings *settings;
} Request;

/* What the thread works with. It has a reference of its own, so that the
 * scanner may go (even from a reference the thread dropped) while the
 * thread finishes; it reaches the scanner only through a weak reference,
 * in the main context. */
typedef struct
{
  gatomicrefcount ref_count;
  GMainContext   *context;
  GAsyncQueue    *requests;
  gint            cancelled;      /* atomic: the scan running is to stop */
  gint            fail_after;     /* atomic, test hook: bytes before the device "goes" */
  gint            hang_after;     /* atomic, test hook: bytes before it stops answering */
  gint            stalled;        /* atomic: the watchdog found the device silent */
  gpointer        reading;        /* atomic: the handle while a page is read, for the watchdog */
  gint            readers_found;  /* atomic, for tests: pages whose reader thread was found */
  GWeakRef        scanner;

  /* The thread's own, never touched elsewhere. */
  SANE_Handle     handle;
  char           *handle_name;
  gboolean        readers_linger; /* this scan's readers outlive their page */
} Worker;

struct _HallScanner
{
  GObject        parent_instance;

  Worker        *worker;
  GThread       *thread;
  gboolean       scanning;        /* main context's view */
  guint          stall_timeout;   /* ms without a word from the device */
  gint64         last_activity;   /* monotonic µs of the last progress or page */
  guint          watchdog_id;
};

G_DEFINE_FINAL_TYPE (HallScanner, hall_scanner, G_TYPE_OBJECT)

/* SANE is one per process: a scanner's thread holds this lock while it
 * handles a request, so that two scanners (one going, one coming) never
 * call into SANE at once. sane_up and open_handles are under it. */
G_LOCK_DEFINE_STATIC (sane);
static gboolean sane_up;
static guint open_handles;

enum
{
  SIGNAL_PROGRESS,
  SIGNAL_PAGE,
  SIGNAL_SCAN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (hall-scanner-error-quark, hall_scanner_error)

/* Plain types */

void
hall_scan_device_free (HallScanDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device->type);
  g_free (device);
}

HallScanSettings *
hall_scan_settings_new (void)
{
  HallScanSettings *settings = g_new0 (HallScanSettings, 1);

  settings->kind = HALL_PAGE_KIND_GREY;
  return settings;
}

HallScanSettings *
hall_scan_settings_copy (const HallScanSettings *settings)
{
  HallScanSettings *copy = g_memdup2 (settings, sizeof *settings);

  copy->source = g_strdup (settings->source);
  return copy;
}

void
hall_scan_settings_free (HallScanSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->source);
  g_free (settings);
}

gboolean
hall_scan_source_is_feeder (const char *source)
{
  g_autofree char *lower = source != NULL ? g_ascii_strdown (source, -1) : NULL;

  return lower != NULL && (strstr (lower, "adf") != NULL || strstr (lower, "feeder") != NULL
                           || strstr (lower, "duplex") != NULL);
}

void
hall_scan_options_free (HallScanOptions *options)
{
  if (options == NULL)
    return;
  g_strfreev (options->sources);
  g_clear_pointer (&options->resolutions, g_array_unref);
  hall_scan_settings_free (options->current);
  g_free (options);
}

static void
request_free (Request *request)
{
  g_clear_object (&request->task);
  g_free (request->device);
  hall_scan_settings_free (request->settings);
  g_free (request);
}

/* Errors */

static void
set_sane_error (GError      **error,
                const char   *device,
                SANE_Status   status,
                guint         page)
{
  const char *what = sane_strstatus (status);

  switch (status)
    {
    case SANE_STATUS_DEVICE_BUSY:
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_BUSY,
                   _("The scanner %s is busy (%s): another program may be using it"), device,
                   what);
      break;
    case SANE_STATUS_JAMMED:
    case SANE_STATUS_COVER_OPEN:
    case SANE_STATUS_NO_DOCS:
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FEEDER,
                   _("The scanner %s: %s"), device, what);
      break;
    case SANE_STATUS_IO_ERROR:
    case SANE_STATUS_ACCESS_DENIED:
      if (page > 0)
        g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                     _("The scanner %s stopped answering while reading page %u (%s): it may "
                       "have been unplugged or switched off. Check it, then scan that page "
                       "again"), device, page, what);
      else
        g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                     _("The scanner %s cannot be reached (%s): check that it is plugged in "
                       "and switched on"), device, what);
      break;
    default:
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                   _("The scanner %s: %s"), device, what);
      break;
    }
}

/* The thread: SANE and the open handle */

static void
close_handle (Worker *self)
{
  if (self->handle != NULL)
    {
      sane_close (self->handle);
      open_handles--;
    }
  self->handle = NULL;
  g_clear_pointer (&self->handle_name, g_free);
}

static gboolean
ensure_sane (Worker       *self,
             GError      **error)
{
  SANE_Int version = 0;
  SANE_Status status;

  if (sane_up)
    return TRUE;
  status = sane_init (&version, NULL);
  if (status != SANE_STATUS_GOOD)
    {
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FAILED,
                   _("Scanners cannot be used: SANE did not start (%s)"),
                   sane_strstatus (status));
      return FALSE;
    }
  g_debug ("SANE %d.%d.%d", SANE_VERSION_MAJOR (version), SANE_VERSION_MINOR (version),
           SANE_VERSION_BUILD (version));
  sane_up = TRUE;
  return TRUE;
}

static gboolean
open_device (Worker       *self,
             const char   *device,
             GError      **error)
{
  SANE_Status status;

  if (!ensure_sane (self, error))
    return FALSE;
  if (self->handle != NULL && g_strcmp0 (self->handle_name, device) == 0)
    return TRUE;
  close_handle (self);
  status = sane_open (device, &self->handle);
  if (status != SANE_STATUS_GOOD)
    {
      self->handle = NULL;
      if (status == SANE_STATUS_INVAL || status == SANE_STATUS_IO_ERROR)
        g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                     _("There is no scanner %s (any more): look for scanners again"), device);
      else
        set_sane_error (error, device, status, 0);
      return FALSE;
    }
  open_handles++;
  self->handle_name = g_strdup (device);
  return TRUE;
}

static GPtrArray *
list_devices (Worker       *self,
              GError      **error)
{
  const SANE_Device **devices = NULL;
  SANE_Status status;
  GPtrArray *list;

  /* From scratch: some backends find a device plugged in since only
   * after a new sane_init. */
  close_handle (self);
  if (sane_up && open_handles == 0)
    {
      sane_exit ();
      sane_up = FALSE;
    }
  if (!ensure_sane (self, error))
    return NULL;
  status = sane_get_devices (&devices, SANE_FALSE);
  if (status != SANE_STATUS_GOOD)
    {
      set_sane_error (error, "", status, 0);
      return NULL;
    }
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_scan_device_free);
  for (guint i = 0; devices[i] != NULL; i++)
    {
      HallScanDevice *device = g_new0 (HallScanDevice, 1);

      device->name = g_strdup (devices[i]->name);
      device->vendor = g_strdup (devices[i]->vendor);
      device->model = g_strdup (devices[i]->model);
      device->type = g_strdup (devices[i]->type);
      g_ptr_array_add (list, device);
    }
  return list;
}

/* Options */

static int
find_option (SANE_Handle                    handle,
             const char                    *name,
             const SANE_Option_Descriptor **desc_out)
{
  for (int i = 1;; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);

      if (desc == NULL)
        return -1;
      if (desc->name != NULL && g_str_equal (desc->name, name))
        {
          if (desc_out != NULL)
            *desc_out = desc;
          return i;
        }
    }
}

static gboolean
set_option (Worker       *self,
            const char   *name,
            void         *value,
            GError      **error)
{
  const SANE_Option_Descriptor *desc = NULL;
  int index = find_option (self->handle, name, &desc);
  SANE_Status status;

  if (index < 0 || !SANE_OPTION_IS_ACTIVE (desc->cap) || !SANE_OPTION_IS_SETTABLE (desc->cap))
    return TRUE; /* the device has no such setting: its own way is kept */
  status = sane_control_option (self->handle, index, SANE_ACTION_SET_VALUE, value, NULL);
  if (status != SANE_STATUS_GOOD)
    {
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_OPTION,
                   _("The scanner %s refused the setting %s (%s)"), self->handle_name, name,
                   sane_strstatus (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_number (Worker       *self,
            const char   *name,
            double        value,
            GError      **error)
{
  const SANE_Option_Descriptor *desc = NULL;
  SANE_Word word;

  if (find_option (self->handle, name, &desc) < 0)
    return TRUE;
  word = desc->type == SANE_TYPE_FIXED ? SANE_FIX (value) : (SANE_Word) (value + 0.5);
  return set_option (self, name, &word, error);
}

static gboolean
get_number (Worker *self,
            const char  *name,
            double      *value)
{
  const SANE_Option_Descriptor *desc = NULL;
  int index = find_option (self->handle, name, &desc);
  SANE_Word word = 0;

  if (index < 0 || !SANE_OPTION_IS_ACTIVE (desc->cap) || desc->size != sizeof (SANE_Word)
      || sane_control_option (self->handle, index, SANE_ACTION_GET_VALUE, &word, NULL)
           != SANE_STATUS_GOOD)
    return FALSE;
  *value = desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (word) : word;
  return TRUE;
}

static char *
get_string (Worker *self,
            const char  *name)
{
  const SANE_Option_Descriptor *desc = NULL;
  int index = find_option (self->handle, name, &desc);
  g_autofree char *value = NULL;

  if (index < 0 || desc->type != SANE_TYPE_STRING || !SANE_OPTION_IS_ACTIVE (desc->cap))
    return NULL;
  value = g_malloc0 (desc->size + 1);
  if (sane_control_option (self->handle, index, SANE_ACTION_GET_VALUE, value, NULL)
      != SANE_STATUS_GOOD)
    return NULL;
  return g_steal_pointer (&value);
}

static const SANE_String_Const *
string_list (Worker *self,
             const char  *name)
{
  const SANE_Option_Descriptor *desc = NULL;

  if (find_option (self->handle, name, &desc) < 0
      || desc->constraint_type != SANE_CONSTRAINT_STRING_LIST)
    return NULL;
  return desc->constraint.string_list;
}

/* The device's name for a scan mode, among the usual ones. */
static const char *
mode_for_kind (Worker       *self,
               HallPageKind  kind,
               gboolean     *needs_depth_1)
{
  static const char *const bilevel[] = { "Lineart", "Binary", "Black & White", "Halftone", NULL };
  static const char *const grey[] = { "Gray", "Grayscale", "Grey", "True Gray", NULL };
  static const char *const colour[] = { "Color", "Colour", "24bit Color", NULL };
  const char *const *wanted = kind == HALL_PAGE_KIND_BILEVEL ? bilevel
                              : kind == HALL_PAGE_KIND_GREY ? grey : colour;
  const SANE_String_Const *modes = string_list (self, SANE_NAME_SCAN_MODE);

  *needs_depth_1 = FALSE;
  if (modes == NULL)
    return NULL;
  for (guint w = 0; wanted[w] != NULL; w++)
    for (guint m = 0; modes[m] != NULL; m++)
      if (g_ascii_strcasecmp (modes[m], wanted[w]) == 0)
        return modes[m];
  /* No lineart mode: grey at one bit a pixel, as SANE's test backend. */
  if (kind == HALL_PAGE_KIND_BILEVEL)
    {
      gboolean unused;
      const char *grey_mode = mode_for_kind (self, HALL_PAGE_KIND_GREY, &unused);

      *needs_depth_1 = grey_mode != NULL;
      return grey_mode;
    }
  return NULL;
}

static gboolean
apply_settings (Worker                  *self,
                const HallScanSettings  *settings,
                GError                 **error)
{
  gboolean depth_1 = FALSE;
  const char *mode;
  double tl = 0;

  if (settings->source != NULL
      && !set_option (self, SANE_NAME_SCAN_SOURCE, settings->source, error))
    return FALSE;
  mode = mode_for_kind (self, settings->kind, &depth_1);
  if (mode != NULL && !set_option (self, SANE_NAME_SCAN_MODE, (void *) mode, error))
    return FALSE;
  if (!set_number (self, SANE_NAME_BIT_DEPTH, depth_1 ? 1 : 8, error))
    return FALSE;
  if (settings->dpi > 0 && !set_number (self, SANE_NAME_SCAN_RESOLUTION, settings->dpi, error))
    return FALSE;
  if (settings->width_mm > 0)
    {
      if (!get_number (self, SANE_NAME_SCAN_TL_X, &tl))
        tl = 0;
      if (!set_number (self, SANE_NAME_SCAN_BR_X, tl + settings->width_mm, error))
        return FALSE;
    }
  if (settings->height_mm > 0)
    {
      if (!get_number (self, SANE_NAME_SCAN_TL_Y, &tl))
        tl = 0;
      if (!set_number (self, SANE_NAME_SCAN_BR_Y, tl + settings->height_mm, error))
        return FALSE;
    }
  return TRUE;
}

static HallScanOptions *
read_options (Worker *self)
{
  HallScanOptions *options = g_new0 (HallScanOptions, 1);
  const SANE_String_Const *sources = string_list (self, SANE_NAME_SCAN_SOURCE);
  const SANE_Option_Descriptor *desc = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *mode = NULL;
  double value = 0, tl = 0;

  for (guint i = 0; sources != NULL && sources[i] != NULL; i++)
    g_strv_builder_add (builder, sources[i]);
  options->sources = g_strv_builder_end (builder);
  for (int k = HALL_PAGE_KIND_BILEVEL; k <= HALL_PAGE_KIND_COLOUR; k++)
    {
      gboolean depth_1;

      options->kinds[k] = mode_for_kind (self, k, &depth_1) != NULL;
    }

  options->resolutions = g_array_new (FALSE, FALSE, sizeof (guint));
  if (find_option (self->handle, SANE_NAME_SCAN_RESOLUTION, &desc) >= 0)
    {
      gboolean fixed = desc->type == SANE_TYPE_FIXED;

      if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
        for (int i = 1; i <= desc->constraint.word_list[0]; i++)
          {
            guint dpi = fixed ? (guint) SANE_UNFIX (desc->constraint.word_list[i])
                              : (guint) desc->constraint.word_list[i];

            g_array_append_val (options->resolutions, dpi);
          }
      else if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
        {
          static const guint usual[] = { 75, 100, 150, 200, 300, 400, 600, 1200 };
          double min = fixed ? SANE_UNFIX (desc->constraint.range->min)
                             : desc->constraint.range->min;
          double max = fixed ? SANE_UNFIX (desc->constraint.range->max)
                             : desc->constraint.range->max;

          for (guint i = 0; i < G_N_ELEMENTS (usual); i++)
            if (usual[i] >= min && usual[i] <= max)
              g_array_append_val (options->resolutions, usual[i]);
        }
    }

  options->current = hall_scan_settings_new ();
  options->current->source = get_string (self, SANE_NAME_SCAN_SOURCE);
  mode = get_string (self, SANE_NAME_SCAN_MODE);
  if (mode != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (mode, -1);

      if (strstr (lower, "color") != NULL || strstr (lower, "colour") != NULL)
        options->current->kind = HALL_PAGE_KIND_COLOUR;
      else if (strstr (lower, "gray") != NULL || strstr (lower, "grey") != NULL)
        options->current->kind = get_number (self, SANE_NAME_BIT_DEPTH, &value) && value == 1
                                 ? HALL_PAGE_KIND_BILEVEL : HALL_PAGE_KIND_GREY;
      else
        options->current->kind = HALL_PAGE_KIND_BILEVEL;
    }
  if (get_number (self, SANE_NAME_SCAN_RESOLUTION, &value))
    options->current->dpi = (guint) (value + 0.5);
  if (get_number (self, SANE_NAME_SCAN_BR_X, &value))
    options->current->width_mm = value - (get_number (self, SANE_NAME_SCAN_TL_X, &tl) ? tl : 0);
  if (get_number (self, SANE_NAME_SCAN_BR_Y, &value))
    options->current->height_mm = value - (get_number (self, SANE_NAME_SCAN_TL_Y, &tl) ? tl : 0);
  return options;
}

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;
  g_async_queue_unref (worker->requests);
  g_main_context_unref (worker->context);
  g_weak_ref_clear (&worker->scanner);
  g_free (worker);
}

/* Scanning, on the thread; what it says goes to the main context. */

typedef struct
{
  Worker        *worker;
  guint          signal;
  guint          page;
  double         fraction;
  HallPageImage *image;
  HallPageImage *thumbnail;
  GError        *error;
  gboolean       refusal;   /* a scan refused while another runs */
} Emission;

static gboolean
emit_cb (gpointer data)
{
  Emission *e = data;
  g_autoptr (HallScanner) scanner = g_weak_ref_get (&e->worker->scanner);

  if (scanner == NULL)
    return G_SOURCE_REMOVE;
  scanner->last_activity = g_get_monotonic_time ();
  switch (e->signal)
    {
    case SIGNAL_PROGRESS:
      g_signal_emit (scanner, signals[SIGNAL_PROGRESS], 0, e->page, e->fraction);
      break;
    case SIGNAL_PAGE:
      g_signal_emit (scanner, signals[SIGNAL_PAGE], 0, e->page, e->image, e->thumbnail);
      break;
    case SIGNAL_SCAN_FINISHED:
    default:
      /* A refusal ends the scan asked for, not the one that runs. */
      if (!e->refusal)
        {
          scanner->scanning = FALSE;
          g_clear_handle_id (&scanner->watchdog_id, g_source_remove);
        }
      g_signal_emit (scanner, signals[SIGNAL_SCAN_FINISHED], 0, e->page, e->error);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
emission_free (gpointer data)
{
  Emission *e = data;

  worker_unref (e->worker);
  g_clear_pointer (&e->image, hall_page_image_unref);
  g_clear_pointer (&e->thumbnail, hall_page_image_unref);
  g_clear_error (&e->error);
  g_free (e);
}

static void
post (Worker   *self,
      Emission *e)
{
  GSource *source;

  /* Not g_main_context_invoke(): with the context free at that moment it
   * would run the handler here, on the scanner's thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_cb, e, emission_free);
  g_source_set_static_name (source, "[hall-scanner] emit");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
emit (Worker        *self,
      guint          signal,
      guint          page,
      double         fraction,
      HallPageImage *image,
      GError        *error)
{
  Emission *e = g_new0 (Emission, 1);

  e->worker = worker_ref (self);
  e->signal = signal;
  e->page = page;
  e->fraction = fraction;
  e->image = image != NULL ? hall_page_image_ref (image) : NULL;
  /* Made here, so that the window only shows it. */
  e->thumbnail = image != NULL ? hall_page_image_scale_down (image, HALL_SCANNER_THUMBNAIL_SIZE)
                               : NULL;
  e->error = error;
  post (self, e);
}

/* The bytes of one frame as a page: SANE's 1-bit grey has 1 for black. */
static HallPageImage *
frame_to_page (const SANE_Parameters *p,
               const guint8          *data,
               gsize                  size,
               guint                  dpi)
{
  guint lines = p->lines > 0 ? (guint) p->lines : (guint) (size / p->bytes_per_line);
  gboolean colour = p->format == SANE_FRAME_RGB;
  HallPageKind kind = p->depth == 1 && !colour ? HALL_PAGE_KIND_BILEVEL
                      : colour ? HALL_PAGE_KIND_COLOUR : HALL_PAGE_KIND_GREY;
  HallPageImage *image;

  lines = MIN (lines, (guint) (size / p->bytes_per_line));
  image = hall_page_image_new (kind, p->pixels_per_line, MAX (lines, 1), dpi);
  for (guint y = 0; y < lines; y++)
    {
      const guint8 *src = data + (gsize) y * p->bytes_per_line;
      guint8 *dst = image->pixels + y * image->stride;
      guint samples = p->pixels_per_line * image->channels;

      for (guint s = 0; s < samples; s++)
        {
          if (p->depth == 1)
            {
              gboolean bit = (src[s >> 3] >> (7 - (s & 7))) & 1;

              dst[s] = colour ? (bit ? 255 : 0) : (bit ? 0 : 255);
            }
          else if (p->depth == 16)
            dst[s] = ((const guint16 *) src)[s] >> 8;
          else
            dst[s] = src[s];
        }
    }
  return image;
}

/* Cancelled by the official, or by the watchdog of a silent device. */
static void
set_cancelled_error (Worker      *self,
                     const char  *device,
                     guint        page,
                     GError     **error)
{
  if (g_atomic_int_get (&self->stalled))
    g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_NO_DEVICE,
                 _("The scanner %s stopped answering while reading page %u: it sent "
                   "nothing for too long. Check it, then scan that page again"), device,
                 MAX (page, 1));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled"));
}

/* How much the next sane_read() may take. The backend ends its reader in
 * the read that returns the page's last bytes: until the reader has gone
 * by itself, that read is held back, and the one before it leaves a byte
 * for it, so that the reader can finish its writes and go. */
static SANE_Int
next_read_length (Worker            *self,
                  HallReaderThreads *readers,
                  gsize              left)
{
  if (left == 0 || left > READ_CHUNK || self->readers_linger
      || hall_reader_threads_count (readers) == 0)
    return READ_CHUNK;
  if (left > 1)
    return (SANE_Int) left - 1;
  if (!hall_reader_threads_wait_gone (readers, G_USEC_PER_SEC / 2))
    {
      g_debug ("%s: the reader thread outlives its page; not waiting for it again",
               self->handle_name);
      self->readers_linger = TRUE;
    }
  return READ_CHUNK;
}

/* Ends the page being read with sane_cancel(), once the backend's readers
 * may be cancelled without harm (hall-reader-threads.c): a reader waiting
 * to write is let on by reading what it wrote, which is dropped. @left is
 * what the page still has to come (0: not known). */
static void
cancel_page (Worker            *self,
             HallReaderThreads *readers,
             guint8            *chunk,
             gsize              left)
{
  gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;
  gulong pause = 50;

  for (;;)
    {
      HallReadersState state = hall_reader_threads_get_state (readers);

      if (state >= HALL_READERS_WAITING)
        break;
      if (g_get_monotonic_time () >= until)
        {
          g_debug ("%s: the reader thread is still busy; cancelling anyway", self->handle_name);
          break;
        }
      /* A page of no known length is drained too: the read might be its
       * last, but a reader left blocked in its write is woken into its
       * error path for certain. */
      if (state == HALL_READERS_WRITING && left != 1)
        {
          SANE_Int length = 0;
          SANE_Status status;

          g_atomic_pointer_set (&self->reading, self->handle);
          status = sane_read (self->handle, chunk, next_read_length (self, readers, left),
                              &length);
          g_atomic_pointer_set (&self->reading, NULL);
          if (status != SANE_STATUS_GOOD)
            break;
          left = left > (gsize) length ? left - length : 0;
        }
      else if (state == HALL_READERS_WRITING)
        {
          /* Its last byte fits the pipe: it is about to go. */
          hall_reader_threads_wait_gone (readers, G_USEC_PER_SEC / 2);
          break;
        }
      else
        {
          g_usleep (pause);
          pause = MIN (pause * 2, 2000);
        }
    }
  sane_cancel (self->handle);
}

static gboolean
read_page (Worker            *self,
           HallReaderThreads *readers,
           const char        *device,
           guint              page,
           guint              dpi,
           HallPageImage    **image_out,
           GError           **error)
{
  SANE_Parameters params;
  SANE_Status status;
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_autofree guint8 *chunk = g_malloc (READ_CHUNK);
  gsize expected;
  double last = -1;
  gint fail_after = g_atomic_int_get (&self->fail_after);
  gint hang_after = g_atomic_int_get (&self->hang_after);

  status = sane_get_parameters (self->handle, &params);
  if (status != SANE_STATUS_GOOD)
    {
      set_sane_error (error, device, status, page);
      return FALSE;
    }
  if (params.format != SANE_FRAME_GRAY && params.format != SANE_FRAME_RGB)
    {
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_OPTION,
                   _("The scanner %s sends colour in three passes, which is not supported: "
                     "scan in grey or choose another colour setting"), device);
      return FALSE;
    }
  if (params.bytes_per_line <= 0 || params.pixels_per_line <= 0)
    {
      set_sane_error (error, device, SANE_STATUS_INVAL, page);
      return FALSE;
    }
  expected = params.lines > 0 ? (gsize) params.lines * params.bytes_per_line : 0;

  for (;;)
    {
      SANE_Int length = 0;
      SANE_Int max_length;

      if (g_atomic_int_get (&self->cancelled))
        {
          cancel_page (self, readers, chunk, expected > data->len ? expected - data->len : 0);
          set_cancelled_error (self, device, page, error);
          return FALSE;
        }
      max_length = next_read_length (self, readers,
                                     expected > data->len ? expected - data->len : 0);
      g_atomic_pointer_set (&self->reading, self->handle);
      status = sane_read (self->handle, chunk, max_length, &length);
      /* Test hooks: the device goes away, or stops answering, after so
       * many bytes (the watchdog's sane_cancel() ends the wait). */
      if (fail_after > 0 && data->len + length >= (guint) fail_after)
        status = SANE_STATUS_IO_ERROR;
      if (hang_after > 0 && data->len + length >= (guint) hang_after)
        while (!g_atomic_int_get (&self->cancelled))
          g_usleep (1000);
      g_atomic_pointer_set (&self->reading, NULL);
      if (status == SANE_STATUS_EOF)
        break;
      if (g_atomic_int_get (&self->stalled))
        status = SANE_STATUS_CANCELLED;
      if (status != SANE_STATUS_GOOD)
        {
          cancel_page (self, readers, chunk, expected > data->len + length
                                               ? expected - data->len - length : 0);
          if (status == SANE_STATUS_CANCELLED)
            set_cancelled_error (self, device, page, error);
          else
            set_sane_error (error, device, status, page);
          return FALSE;
        }
      g_byte_array_append (data, chunk, length);
      if (expected > 0)
        {
          double fraction = MIN ((double) data->len / expected, 1.0);

          if (fraction - last >= 0.02)
            {
              emit (self, SIGNAL_PROGRESS, page, fraction, NULL, NULL);
              last = fraction;
            }
        }
    }
  if (!params.last_frame)
    {
      g_set_error (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_OPTION,
                   _("The scanner %s sends colour in three passes, which is not supported: "
                     "scan in grey or choose another colour setting"), device);
      return FALSE;
    }
  if (data->len < (guint) params.bytes_per_line)
    {
      set_sane_error (error, device, SANE_STATUS_IO_ERROR, page);
      return FALSE;
    }
  *image_out = frame_to_page (&params, data->data, data->len, dpi);
  return TRUE;
}

static void
scan (Worker                 *self,
      const char             *device,
      const HallScanSettings *settings)
{
  GError *error = NULL;
  gboolean feeder;
  guint page = 0;
  double dpi = 0;

  if (!open_device (self, device, &error) || !apply_settings (self, settings, &error))
    {
      emit (self, SIGNAL_SCAN_FINISHED, 0, 0, NULL, error);
      return;
    }
  {
    g_autofree char *source = get_string (self, SANE_NAME_SCAN_SOURCE);

    feeder = hall_scan_source_is_feeder (source);
  }
  get_number (self, SANE_NAME_SCAN_RESOLUTION, &dpi);
  /* A reader slow to go once (a loaded machine) does not switch the
   * waits off for every scan after. */
  self->readers_linger = FALSE;

  for (;;)
    {
      g_autoptr (HallPageImage) image = NULL;
      g_autoptr (HallReaderThreads) readers = NULL;
      SANE_Status status;

      if (g_atomic_int_get (&self->cancelled))
        {
          set_cancelled_error (self, device, page + 1, &error);
          break;
        }
      readers = hall_reader_threads_before ();
      status = sane_start (self->handle);
      hall_reader_threads_started (readers);
      if (hall_reader_threads_count (readers) > 0)
        g_atomic_int_inc (&self->readers_found);
      /* A trace of each step, so that a scan that never ends (seen once
       * in CI) says where it stopped. */
      g_debug ("%s: page %u: %s", device, page + 1, sane_strstatus (status));
      if (status == SANE_STATUS_NO_DOCS && feeder && page > 0)
        break; /* the feeder is empty: the batch is done */
      if (status == SANE_STATUS_NO_DOCS && feeder)
        {
          g_set_error (&error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FEEDER,
                       _("There is no paper in the feeder of %s"), device);
          break;
        }
      if (status == SANE_STATUS_CANCELLED)
        {
          set_cancelled_error (self, device, page + 1, &error);
          break;
        }
      if (status != SANE_STATUS_GOOD)
        {
          set_sane_error (&error, device, status, page);
          break;
        }
      if (!read_page (self, readers, device, page + 1, (guint) (dpi + 0.5), &image, &error))
        break;
      page++;
      g_debug ("%s: page %u read", device, page);
      emit (self, SIGNAL_PAGE, page, 1.0, image, NULL);
      if (!feeder)
        break;
    }
  sane_cancel (self->handle);
  /* A device that failed is opened again next time: it may be back. */
  if (error != NULL && error->domain == HALL_SCANNER_ERROR)
    close_handle (self);
  g_debug ("%s: finished after %u pages%s%s", device, page, error != NULL ? ": " : "",
           error != NULL ? error->message : "");
  emit (self, SIGNAL_SCAN_FINISHED, page, 0, NULL, error);
}

static gpointer
scanner_thread (gpointer data)
{
  Worker *self = data;

  /* Reading a page and making it a HallPageImage yields to the window
   * that shows the pages coming in. */
  hall_thread_yield_to_window ();

  for (;;)
    {
      Request *request = g_async_queue_pop (self->requests);
      GError *error = NULL;

      G_LOCK (sane);
      switch (request->kind)
        {
        case REQUEST_LIST:
          {
            GPtrArray *devices = list_devices (self, &error);

            if (devices != NULL)
              g_task_return_pointer (request->task, devices, (GDestroyNotify) g_ptr_array_unref);
            else
              g_task_return_error (request->task, error);
          }
          break;

        case REQUEST_OPTIONS:
          if (open_device (self, request->device, &error)
              && (request->settings == NULL
                  || apply_settings (self, request->settings, &error)))
            g_task_return_pointer (request->task, read_options (self),
                                   (GDestroyNotify) hall_scan_options_free);
          else
            g_task_return_error (request->task, error);
          break;

        case REQUEST_SCAN:
          scan (self, request->device, request->settings);
          break;

        case REQUEST_QUIT:
        default:
          request_free (request);
          close_handle (self);
          if (sane_up && open_handles == 0)
            {
              sane_exit ();
              sane_up = FALSE;
            }
          G_UNLOCK (sane);
          worker_unref (self);
          return NULL;
        }
      G_UNLOCK (sane);
      request_free (request);
    }
}

static void
push (HallScanner *self,
      Request     *request)
{
  if (self->thread == NULL)
    self->thread = g_thread_new ("hall-scanner", scanner_thread, worker_ref (self->worker));
  g_async_queue_push (self->worker->requests, request);
}

/* GObject */

static void
hall_scanner_dispose (GObject *object)
{
  HallScanner *self = HALL_SCANNER (object);

  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (self->thread != NULL)
    {
      Request *quit = g_new0 (Request, 1);

      quit->kind = REQUEST_QUIT;
      g_atomic_int_set (&self->worker->cancelled, 1);
      g_async_queue_push (self->worker->requests, quit);
      /* The thread may hold the last reference (a task it finished):
       * then it ends by itself after this. */
      if (g_thread_self () == self->thread)
        g_thread_unref (self->thread);
      else
        g_thread_join (self->thread);
      self->thread = NULL;
    }
  G_OBJECT_CLASS (hall_scanner_parent_class)->dispose (object);
}

static void
hall_scanner_finalize (GObject *object)
{
  HallScanner *self = HALL_SCANNER (object);

  g_clear_pointer (&self->worker, worker_unref);
  G_OBJECT_CLASS (hall_scanner_parent_class)->finalize (object);
}

static void
hall_scanner_class_init (HallScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_scanner_dispose;
  object_class->finalize = hall_scanner_finalize;

  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_DOUBLE);
  signals[SIGNAL_PAGE] = g_signal_new ("page", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT,
                                       HALL_TYPE_PAGE_IMAGE, HALL_TYPE_PAGE_IMAGE);
  signals[SIGNAL_SCAN_FINISHED] = g_signal_new ("scan-finished", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
}

static void
hall_scanner_init (HallScanner *self)
{
  self->worker = g_new0 (Worker, 1);
  g_atomic_ref_count_init (&self->worker->ref_count);
  self->worker->context = g_main_context_ref_thread_default ();
  self->worker->requests = g_async_queue_new ();
  g_weak_ref_init (&self->worker->scanner, self);
  self->stall_timeout = HALL_SCANNER_STALL_TIMEOUT_DEFAULT;
}

HallScanner *
hall_scanner_new (void)
{
  return g_object_new (HALL_TYPE_SCANNER, NULL);
}

void
hall_scanner_list_devices_async (HallScanner         *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Request *request = g_new0 (Request, 1);

  g_return_if_fail (HALL_IS_SCANNER (self));

  request->kind = REQUEST_LIST;
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, hall_scanner_list_devices_async);
  push (self, request);
}

GPtrArray *
hall_scanner_list_devices_finish (HallScanner   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hall_scanner_get_options_async (HallScanner            *self,
                                const char             *device,
                                const HallScanSettings *settings,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  Request *request = g_new0 (Request, 1);

  g_return_if_fail (HALL_IS_SCANNER (self));
  g_return_if_fail (device != NULL);

  request->kind = REQUEST_OPTIONS;
  request->device = g_strdup (device);
  request->settings = settings != NULL ? hall_scan_settings_copy (settings) : NULL;
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, hall_scanner_get_options_async);
  push (self, request);
}

HallScanOptions *
hall_scanner_get_options_finish (HallScanner   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A device that sends nothing for stall_timeout: SANE lets sane_cancel()
 * be called while another thread waits in sane_read(), which then
 * returns; the scan ends as "stopped answering", not as a hang. */
static gboolean
watchdog_cb (gpointer data)
{
  HallScanner *self = data;
  SANE_Handle handle;

  if (g_get_monotonic_time () - self->last_activity < (gint64) self->stall_timeout * 1000)
    return G_SOURCE_CONTINUE;
  g_atomic_int_set (&self->worker->stalled, 1);
  g_atomic_int_set (&self->worker->cancelled, 1);
  handle = g_atomic_pointer_get (&self->worker->reading);
  if (handle != NULL)
    sane_cancel (handle);
  self->watchdog_id = 0;
  return G_SOURCE_REMOVE;
}

void
hall_scanner_scan (HallScanner            *self,
                   const char             *device,
                   const HallScanSettings *settings)
{
  Request *request;

  g_return_if_fail (HALL_IS_SCANNER (self));
  g_return_if_fail (device != NULL && settings != NULL);

  if (self->scanning)
    {
      Emission *e = g_new0 (Emission, 1);

      e->worker = worker_ref (self->worker);
      e->signal = SIGNAL_SCAN_FINISHED;
      e->refusal = TRUE;
      e->error = g_error_new (HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_BUSY,
                              _("A scan is running already: wait for it or cancel it"));
      post (self->worker, e);
      return;
    }
  self->scanning = TRUE;
  /* Cleared here, not when the thread takes the request: a cancel that
   * comes while the request waits behind another (a search for devices)
   * must still end it. */
  g_atomic_int_set (&self->worker->cancelled, 0);
  g_atomic_int_set (&self->worker->stalled, 0);
  self->last_activity = g_get_monotonic_time ();
  if (self->stall_timeout > 0)
    self->watchdog_id = g_timeout_add (MAX (self->stall_timeout / 4, 10), watchdog_cb, self);
  request = g_new0 (Request, 1);
  request->kind = REQUEST_SCAN;
  request->device = g_strdup (device);
  request->settings = hall_scan_settings_copy (settings);
  push (self, request);
}

void
hall_scanner_cancel (HallScanner *self)
{
  g_return_if_fail (HALL_IS_SCANNER (self));

  if (self->scanning)
    g_atomic_int_set (&self->worker->cancelled, 1);
}

gboolean
hall_scanner_get_scanning (HallScanner *self)
{
  g_return_val_if_fail (HALL_IS_SCANNER (self), FALSE);

  return self->scanning;
}

void
hall_scanner_set_stall_timeout (HallScanner *self,
                                guint        milliseconds)
{
  g_return_if_fail (HALL_IS_SCANNER (self));

  self->stall_timeout = milliseconds;
}

guint
hall_scanner_test_get_readers_found (HallScanner *self)
{
  return (guint) g_atomic_int_get (&self->worker->readers_found);
}

void
hall_scanner_test_hang_after_bytes (HallScanner *self,
                                    guint        bytes)
{
  g_atomic_int_set (&self->worker->hang_after, (gint) bytes);
}

void
hall_scanner_test_fail_after_bytes (HallScanner *self,
                                    guint        bytes)
{
  g_atomic_int_set (&self->worker->fail_after, (gint) bytes);
}
