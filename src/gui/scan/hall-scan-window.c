/* hall-scan-window.c — the pages of one document of a case
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window holds no pages of its own: each scanned or imported page is
 * stored into the slot as soon as it is read, and the list shows what the
 * store holds for the slot. Turning a page stores the turned page in its
 * place; rescanning one replaces it where it was.
 *
 * Document cameras are listed after the scanners. While one is chosen its
 * preview is shown with the sheet it found outlined, and Capture (Space)
 * stores the sheet cut out of the camera's full frame, as a scan would.
 * The same area shows a page being cropped: its corners are dragged, and
 * the part inside is stored in the page's place, as turning does.
 */
#define G_LOG_DOMAIN "hall-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "hall-background-task.h"
#include "hall-camera.h"
#include "hall-scan-window.h"
#include "hall-scan-window-test-hooks.h"
#include "hall-store-pages.h"
#include "hall-sync-engine.h"

#define THUMBNAIL_SIZE 120
/* What HallScanWindow:decoding says of a thumbnail. */
#define THUMBNAIL_DECODING GINT_TO_POINTER (1)
#define THUMBNAIL_FAILED   GINT_TO_POINTER (2)
/* A page being cropped is shown from a copy at most this large. */
#define CROP_VIEW_SIZE 1200
/* A corner is taken by a drag that starts this close to it (pixels). */
#define CROP_GRAB_DISTANCE 32
/* A crop keeps at least this many of the page's pixels a side. */
#define CROP_MIN_SIDE 16
/* New rows wait for frames no longer than this (ms). */
#define ROWS_STALLED_MS 250

struct _HallScanWindow
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  AdwToastOverlay   *toast_overlay;
  GtkDropDown       *device_dropdown;
  GtkDropDown       *source_dropdown;
  GtkDropDown       *mode_dropdown;
  GtkDropDown       *resolution_dropdown;
  GtkProgressBar    *progress_bar;
  GtkLabel          *status_label;
  GtkListView       *page_view;
  GtkWidget         *empty_placeholder;
  GtkDrawingArea    *preview_area;
  GtkStack          *scan_stack;
  GtkButton         *scan_button;
  GtkButton         *cancel_button;
  GtkWidget         *crop_bar;

  HallStore         *store;
  HallScanner       *scanner;
  /* The scanner is every window's (default_scanner()): its signals reach
   * them all, and only the window that started the scan running takes
   * its pages, shows its progress and may cancel it. */
  gboolean           scan_is_mine;
  gboolean           refused_busy;   /* says the scanner reads for another */
  HallCamera        *camera;
  /* The camera too (default_camera()): its preview and capture are the
   * window's that started it, and only that window stops it. */
  gboolean           camera_is_mine;
  char              *case_uuid;
  char              *slot;
  char              *slot_title;
  char              *official;
  GCancellable      *cancellable;
  GtkFileChooserNative *chooser;
  GtkDropTarget     *file_drop;    /* files dropped on the window are imported */

  GPtrArray         *devices;      /* of HallScanDevice */
  GPtrArray         *cameras;      /* of HallCameraDevice: listed after the scanners */
  cairo_surface_t   *preview;      /* the camera's last frame */
  double             outline[8];   /* the sheet in it, in its pixels */
  gboolean           has_outline;
  guint              n_previews;
  char              *crop_uuid;    /* the page being cropped, or NULL */
  guint              crop_serial;  /* counts the pages opened to crop */
  HallPageImage     *crop_image;   /* that page; NULL while it is decoded */
  cairo_surface_t   *crop_view;    /* a copy of it, small enough to show */
  double             crop[4];      /* x0, y0, x1, y1 kept, in the page's pixels */
  int                crop_corner;  /* dragged: clockwise from top left; -1 none */
  double             drag_x;       /* where that corner was when the drag began */
  double             drag_y;
  GArray            *kinds;        /* HallPageKind of each mode row */
  GArray            *resolutions;  /* guint of each resolution row */
  GStrv              sources;
  GPtrArray         *pages;        /* of HallStoredPage: the slot, in order, as last read */
  GtkStringList     *page_model;   /* the uuids of the pages shown, in order */
  GHashTable        *page_index;   /* uuid → HallStoredPage in self->pages */
  GHashTable        *bound;        /* uuid → PageRow: the rows showing a page */
  char              *row_title;    /* what hall_scan_window_get_row_title() said */
  GHashTable        *thumbnails;   /* sha256 → GdkTexture */
  GHashTable        *decoding;     /* sha256 → THUMBNAIL_DECODING or _FAILED */
  guint              n_decoding;   /* thumbnails being decoded */
  guint              n_rows_built; /* rows given a page since the window opened */
  gboolean           listing;      /* the slot's pages being read */
  gboolean           list_again;   /* and changed since that read began */
  guint              rows_tick;    /* rows still to be made, a frame at a time */
  guint              rows_watch;   /* makes them at once if frames stop */
  gint64             rows_ticked_at;
  HallSyncEngine    *engine;       /* fetches pages pulled from other counters */
  GHashTable        *fetches;      /* sha256 → NULL while fetched, or why it failed */
  char              *error_text;
  char              *rescan_uuid;  /* the page a scan replaces, or NULL */
  guint              n_scanned;
  guint              n_storing;    /* pages handed to the store, not yet back */
  guint              n_editing;    /* moves and deletes not yet committed */
  char              *focus_after_move; /* the page moved from the keyboard */
  guint              focus_idle;   /* gives its row the focus */
  gulong             page_id;
  gulong             progress_id;
  gulong             finished_id;
  gulong             preview_id;
  gulong             stopped_id;
  gulong             cameras_id;
  gboolean           ready;
  gboolean           filling;      /* dropdowns being refilled: no option reads */
};

G_DEFINE_FINAL_TYPE (HallScanWindow, hall_scan_window, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SCANNER,
  PROP_CAMERA,
  PROP_CASE_UUID,
  PROP_SLOT,
  PROP_SLOT_TITLE,
  PROP_OFFICIAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_pages (HallScanWindow *self);

/* Messages */

static void
show_error (HallScanWindow *self,
            const char     *message)
{
  g_free (self->error_text);
  self->error_text = g_strdup (message);
  gtk_label_set_text (self->status_label, message);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
show_status (HallScanWindow *self,
             const char     *message)
{
  gtk_label_set_text (self->status_label, message);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static void
show_refusal (HallScanWindow *self,
              const char     *message)
{
  GtkWidget *dialog;

  show_error (self, message);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The file was not imported"), message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* (nullable): the camera chosen in the device list, or NULL for a
 * scanner. */
static HallCameraDevice *
selected_camera (HallScanWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  guint n_scanners = self->devices != NULL ? self->devices->len : 0;

  if (i == GTK_INVALID_LIST_POSITION || i < n_scanners || self->cameras == NULL
      || i - n_scanners >= self->cameras->len)
    return NULL;
  return g_ptr_array_index (self->cameras, i - n_scanners);
}

/* TRUE when pages may be edited: no scan of this window runs and none is
 * being stored. */
static gboolean
pages_editable (HallScanWindow *self)
{
  return !self->scan_is_mine && self->n_storing == 0;
}

static void
update_actions (HallScanWindow *self)
{
  gboolean scanning = self->scan_is_mine;
  /* Another window's scan: SANE reads one device at a time. */
  gboolean scanner_free = self->scanner == NULL || !hall_scanner_get_scanning (self->scanner);
  guint selected = gtk_drop_down_get_selected (self->device_dropdown);
  gboolean camera_on = selected_camera (self) != NULL && self->camera_is_mine
                       && hall_camera_get_running (self->camera);
  gboolean has_device = (selected != GTK_INVALID_LIST_POSITION
                         && self->devices != NULL && selected < self->devices->len)
                        || camera_on;
  gboolean idle = pages_editable (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.scan",
                                 has_device && idle && (scanner_free || camera_on));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.capture", camera_on && idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.cancel", scanning);
  gtk_stack_set_visible_child (self->scan_stack, GTK_WIDGET (scanning ? self->cancel_button
                                                                      : self->scan_button));
  /* A search waits behind another window's scan in the scanner's queue. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.redetect", !scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.import", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.rescan",
                                 has_device && idle && (scanner_free || camera_on));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.rotate", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.move-up", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.move-down", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.delete", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop", idle && self->crop_uuid == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop-apply",
                                 idle && self->crop_image != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop-reset", self->crop_uuid != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.crop-cancel", self->crop_uuid != NULL);
}

/* Thumbnails */

static GdkTexture *
texture_from_image (HallPageImage *image)
{
  g_autoptr (HallPageImage) small = NULL;
  g_autoptr (GBytes) bytes = NULL;
  guint8 *rgb;
  gsize stride;

  /* The scanner's thumbnails and those decoded for the window are small
   * already: only a page from elsewhere is scaled here. */
  if (MAX (image->width, image->height) <= HALL_SCANNER_THUMBNAIL_SIZE
      && image->kind != HALL_PAGE_KIND_BILEVEL)
    small = hall_page_image_ref (image);
  else
    small = hall_page_image_scale_down (image, THUMBNAIL_SIZE * 2);
  stride = (gsize) small->width * 3;

  /* GTK 4.8 has no grey memory format: grey pages are shown as RGB. */
  rgb = g_malloc (stride * small->height);
  for (guint y = 0; y < small->height; y++)
    {
      const guint8 *in = small->pixels + y * small->stride;
      guint8 *out = rgb + y * stride;

      for (guint x = 0; x < small->width; x++)
        {
          if (small->channels == 1)
            out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = in[x];
          else
            memcpy (out + 3 * x, in + 3 * x, 3);
        }
    }
  bytes = g_bytes_new_take (rgb, stride * small->height);

  return gdk_memory_texture_new (small->width, small->height, GDK_MEMORY_R8G8B8, bytes, stride);
}

/* The list of pages
 *
 * A GtkListView over self->page_model, the uuids of the slot's pages as
 * shown: a page that comes costs one bound row, and the rows there are
 * not made or bound again (GTK 4.8's list keeps up to 200 rows around the
 * one in view and reuses them beyond that). Rows are made by the list and given a page to show (bound);
 * self->bound says which row shows which page, so that a page that
 * changes, or a thumbnail that comes, changes its row in place. */

/* What a row of the list is made of, kept on its GtkListItem. */
typedef struct
{
  HallScanWindow *self;    /* not a reference: the list goes with the window */
  char      *uuid;         /* the page shown; NULL while unbound */
  GtkWidget *row;          /* the AdwActionRow, the item's child */
  GtkWidget *picture;
  GtkWidget *buttons[6];   /* in the order of page_actions */
  GtkWidget *menu;
  GtkDragSource *drag_source;  /* the row dragged onto another moves there */
  GtkDropTarget *drop_target;
  char      *sha256;       /* the file the thumbnail shows; NULL: a placeholder */
} PageRow;

/* What a page's buttons do, in the order they are shown, and in its menu
 * when the window is too narrow for the buttons. */
static const struct
{
  const char *label;
  const char *action;
  const char *icon;
  const char *accel;       /* on the focused row; NULL: none */
} page_actions[] = {
  { N_("Move up"), "scan.move-up", "go-up-symbolic", "<Alt>Up" },
  { N_("Move down"), "scan.move-down", "go-down-symbolic", "<Alt>Down" },
  { N_("Turn clockwise"), "scan.rotate", "object-rotate-right-symbolic", NULL },
  { N_("Crop page"), "scan.crop", "edit-cut-symbolic", NULL },
  { N_("Scan this page again"), "scan.rescan", "view-refresh-symbolic", NULL },
  { N_("Delete page"), "scan.delete", "user-trash-symbolic", NULL },
};
#define BUTTON_UP   0
#define BUTTON_DOWN 1

static void
page_row_free (PageRow *row)
{
  g_free (row->uuid);
  g_free (row->sha256);
  g_free (row);
}

static void
show_thumbnail (HallScanWindow *self,
                const char     *sha256)
{
  GdkTexture *texture = g_hash_table_lookup (self->thumbnails, sha256);
  GHashTableIter iter;
  PageRow *row;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      HallStoredPage *page = g_hash_table_lookup (self->page_index, row->uuid);

      if (page == NULL || g_strcmp0 (page->sha256, sha256) != 0)
        continue;
      gtk_picture_set_paintable (GTK_PICTURE (row->picture), GDK_PAINTABLE (texture));
      g_free (row->sha256);
      row->sha256 = g_strdup (sha256);
    }
}

/* Decoding a thumbnail: on a worker thread, from the file to the texture
 * the row shows. */
typedef struct
{
  HallStore      *store;
  HallStoredPage *page;      /* uuid, sha256 and mime: what the file needs */
  guint           max_side;  /* 0: the whole page */
  guint           view_side; /* for a crop: the size of the copy shown */
} DecodeJob;

static void
decode_job_free (DecodeJob *job)
{
  g_object_unref (job->store);
  hall_stored_page_free (job->page);
  g_free (job);
}

static DecodeJob *
decode_job_new (HallScanWindow       *self,
                const HallStoredPage *page,
                guint                 max_side)
{
  DecodeJob *job = g_new0 (DecodeJob, 1);

  job->store = g_object_ref (self->store);
  job->page = g_new0 (HallStoredPage, 1);
  job->page->uuid = g_strdup (page->uuid);
  job->page->sha256 = g_strdup (page->sha256);
  job->page->mime = g_strdup (page->mime);
  job->max_side = max_side;
  return job;
}

static void
thumbnail_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DecodeJob *job = task_data;
  GError *error = NULL;
  g_autoptr (HallPageImage) image = hall_store_load_page_image (job->store, job->page,
                                                                job->max_side, &error);

  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, texture_from_image (image), g_object_unref);
}

typedef struct
{
  HallScanWindow *self;
  char           *sha256;
} ThumbnailData;

static void
thumbnail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ThumbnailData *data = user_data;
  g_autoptr (HallScanWindow) self = data->self;
  g_autofree char *sha256 = data->sha256;
  g_autoptr (GError) error = NULL;
  GdkTexture *texture = g_task_propagate_pointer (G_TASK (result), &error);

  g_free (data);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_object (&texture);
      return;
    }
  self->n_decoding--;
  if (texture == NULL)
    {
      /* The row keeps its placeholder; a broken file is not read again. */
      g_debug ("No thumbnail for file %s: %s", sha256, error->message);
      g_hash_table_insert (self->decoding, g_steal_pointer (&sha256), THUMBNAIL_FAILED);
      return;
    }
  g_hash_table_remove (self->decoding, sha256);
  g_hash_table_insert (self->thumbnails, g_strdup (sha256), texture);
  show_thumbnail (self, sha256);
}

/* Decodes the thumbnail of @page, and makes its texture, off the main
 * loop; its row shows a placeholder meanwhile. */
static void
decode_thumbnail (HallScanWindow       *self,
                  const HallStoredPage *page)
{
  g_autoptr (GTask) task = NULL;
  ThumbnailData *data;

  if (g_hash_table_contains (self->thumbnails, page->sha256)
      || g_hash_table_contains (self->decoding, page->sha256))
    return;
  g_hash_table_insert (self->decoding, g_strdup (page->sha256), THUMBNAIL_DECODING);
  self->n_decoding++;
  data = g_new0 (ThumbnailData, 1);
  data->self = g_object_ref (self);
  data->sha256 = g_strdup (page->sha256);
  /* No source object: the task may end on the worker, and a window is
   * let go of on the main thread only (by thumbnail_cb). */
  task = g_task_new (NULL, self->cancellable, thumbnail_cb, data);
  g_task_set_task_data (task, decode_job_new (self, page, THUMBNAIL_SIZE * 2),
                        (GDestroyNotify) decode_job_free);
  hall_task_run_in_background (task, thumbnail_thread);
}

static gboolean
page_button_query_tooltip_cb (GtkWidget  *button,
                              int         x,
                              int         y,
                              gboolean    keyboard,
                              GtkTooltip *tooltip,
                              gpointer    text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* @tooltip: a translated string that lives as long as the program. The
 * page it acts on is set when the row is given a page. */
static GtkWidget *
new_page_button (const char *icon,
                 const char *tooltip,
                 const char *action)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  /* The tooltip is given when it is asked for: setting one on a shown
   * widget asks the X server where the pointer is (a round trip each, six
   * buttons a row), and pops the tooltip up under a pointer that did not
   * move. */
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (page_button_query_tooltip_cb),
                    (gpointer) tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* No page yet: a row not bound to one does nothing. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  return button;
}

typedef struct
{
  HallScanWindow *self;
  char           *sha256;
} FetchData;

static void
fetch_page_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FetchData *data = user_data;
  HallScanWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  path = hall_sync_engine_fetch_page_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (path != NULL)
    g_hash_table_remove (self->fetches, data->sha256);
  else if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
    g_hash_table_insert (self->fetches, g_strdup (data->sha256),
                         g_strdup (_("On the server: it will show when the counter is back "
                                     "online")));
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_hash_table_insert (self->fetches, g_strdup (data->sha256),
                         g_strdup_printf (_("On the server, could not be downloaded: %s"),
                                          error->message));
  if (!g_cancellable_is_cancelled (self->cancellable))
    list_pages (self);
  g_object_unref (data->self);
  g_free (data->sha256);
  g_free (data);
}

/* A page pulled from another counter: its file is fetched when the page
 * is shown. (transfer none): what its row says meanwhile. */
static const char *
fetch_page (HallScanWindow       *self,
            const HallStoredPage *page)
{
  FetchData *data;

  if (g_hash_table_contains (self->fetches, page->sha256))
    {
      const char *reason = g_hash_table_lookup (self->fetches, page->sha256);

      return reason != NULL ? reason : _("On the server, downloading…");
    }
  if (self->engine == NULL)
    return _("On the server, not yet downloaded");
  g_hash_table_insert (self->fetches, g_strdup (page->sha256), NULL);
  data = g_new0 (FetchData, 1);
  data->self = g_object_ref (self);
  data->sha256 = g_strdup (page->sha256);
  hall_sync_engine_fetch_page_async (self->engine, page->sha256, self->cancellable,
                                     fetch_page_cb, data);
  return _("On the server, downloading…");
}

/* (transfer full): the title of the row of @page. */
static char *
page_title (const HallStoredPage *page)
{
  return g_strdup_printf (_("Page %u"), page->position + 1);
}

/* (transfer full): @text (taken) with each space after a digit made a
 * no-break space: a narrow row wraps "75 dpi, 4 KB" between its parts,
 * never between a number and its unit. */
static char *
keep_numbers_with_units (char *text)
{
  GString *kept = g_string_sized_new (strlen (text) + 8);

  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == ' ' && c > text && g_ascii_isdigit (c[-1]))
        g_string_append (kept, "\u00a0");
      else
        g_string_append_c (kept, *c);
    }
  g_free (text);
  return g_string_free (kept, FALSE);
}

/* Makes what the row of @page shows say what the page is now: its
 * number, its file, and whether it can move up or down among @n_pages.
 * Setters that are given what the row already says change nothing, so a
 * row whose page did not change is not laid out again. */
static void
update_page_row (HallScanWindow       *self,
                 PageRow              *row,
                 const HallStoredPage *page,
                 guint                 n_pages)
{
  GdkTexture *texture = g_hash_table_lookup (self->thumbnails, page->sha256);
  g_autofree char *title = page_title (page);
  g_autofree char *subtitle = NULL;
  guint kilobytes = (guint) ((page->bytes + 1023) / 1024);

  if (page->kind == HALL_PAGE_KIND_BILEVEL)
    subtitle = g_strdup_printf (_("Black and white, %u dpi, %u KB"),
                                page->dpi, kilobytes);
  else if (page->kind == HALL_PAGE_KIND_GREY)
    subtitle = g_strdup_printf (_("Grey, %u dpi, %u KB"),
                                page->dpi, kilobytes);
  else
    subtitle = g_strdup_printf (_("Colour, %u dpi, %u KB"),
                                page->dpi, kilobytes);

  subtitle = keep_numbers_with_units (subtitle);
  if (texture == NULL)
    {
      if (!hall_store_has_page_file (self->store, page->sha256))
        {
          g_autofree char *known = g_steal_pointer (&subtitle);

          subtitle = g_strdup_printf ("%s\n%s", known, fetch_page (self, page));
        }
      else
        decode_thumbnail (self, page);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), subtitle);
  gtk_widget_set_sensitive (row->buttons[BUTTON_UP], page->position > 0);
  gtk_widget_set_sensitive (row->buttons[BUTTON_DOWN], page->position + 1 < n_pages);

  /* A page turned, cropped or scanned again shows its new file, or a
   * placeholder until that is decoded. */
  if (g_strcmp0 (row->sha256, page->sha256) != 0)
    {
      gtk_picture_set_paintable (GTK_PICTURE (row->picture),
                                 texture != NULL ? GDK_PAINTABLE (texture) : NULL);
      g_free (row->sha256);
      row->sha256 = texture != NULL ? g_strdup (page->sha256) : NULL;
    }
}

/* The menu is made when it is opened, for the page the row shows then. */
static void
page_menu_cb (GtkMenuButton *button,
              gpointer       user_data)
{
  PageRow *row = user_data;
  g_autoptr (GMenu) menu = NULL;

  if (gtk_menu_button_get_menu_model (button) != NULL || row->uuid == NULL)
    return;
  menu = g_menu_new ();
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_(page_actions[i].label), NULL);

      g_menu_item_set_action_and_target_value (item, page_actions[i].action,
                                               g_variant_new_string (row->uuid));
      if (page_actions[i].accel != NULL)
        g_menu_item_set_attribute (item, "accel", "s", page_actions[i].accel);
      g_menu_append_item (menu, item);
    }
  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

/* Dragging a page onto another row moves it there: above that row's page
 * when dropped on its upper half, below it on the lower half. The move is
 * the same as the buttons' (committed on the store's worker), so a drag
 * is undone by another drag and leaves the same history. */

static void move_page_to (HallScanWindow *self,
                          const char     *uuid,
                          guint           position);

#define DRAG_WINDOW_KEY "hall-scan-window"

static GdkContentProvider *
page_drag_prepare_cb (GtkDragSource *source,
                      double         x,
                      double         y,
                      PageRow       *row)
{
  GdkTexture *texture = NULL;

  if (row->uuid == NULL || !pages_editable (row->self))
    return NULL;
  if (row->sha256 != NULL)
    texture = g_hash_table_lookup (row->self->thumbnails, row->sha256);
  if (texture != NULL)
    gtk_drag_source_set_icon (source, GDK_PAINTABLE (texture),
                              gdk_texture_get_width (texture) / 2,
                              gdk_texture_get_height (texture) / 2);

  return gdk_content_provider_new_typed (G_TYPE_STRING, row->uuid);
}

/* The drag is marked as this window's: a drop takes pages dragged from
 * this list only, not text from another program or another slot. */
static void
page_drag_begin_cb (GtkDragSource *source,
                    GdkDrag       *drag,
                    PageRow       *row)
{
  g_object_set_data (G_OBJECT (drag), DRAG_WINDOW_KEY, row->self);
}

static gboolean
page_drop_accept_cb (GtkDropTarget *target,
                     GdkDrop       *drop,
                     PageRow       *row)
{
  GdkDrag *drag = gdk_drop_get_drag (drop);

  return drag != NULL && g_object_get_data (G_OBJECT (drag), DRAG_WINDOW_KEY) == row->self
         && row->uuid != NULL;
}

static void
show_drop_place (PageRow *row,
                 gboolean below)
{
  gtk_widget_remove_css_class (row->row, below ? "drop-above" : "drop-below");
  gtk_widget_add_css_class (row->row, below ? "drop-below" : "drop-above");
}

static gboolean
drop_is_below (PageRow *row,
               double   y)
{
  return y > gtk_widget_get_height (row->row) / 2.0;
}

static GdkDragAction
page_drop_motion_cb (GtkDropTarget *target,
                     double         x,
                     double         y,
                     PageRow       *row)
{
  show_drop_place (row, drop_is_below (row, y));
  return GDK_ACTION_MOVE;
}

static void
page_drop_leave_cb (GtkDropTarget *target,
                    PageRow       *row)
{
  gtk_widget_remove_css_class (row->row, "drop-above");
  gtk_widget_remove_css_class (row->row, "drop-below");
}

static gboolean
page_drop_cb (GtkDropTarget *target,
              const GValue  *value,
              double         x,
              double         y,
              PageRow       *row)
{
  HallScanWindow *self = row->self;
  HallStoredPage *dragged;
  HallStoredPage *onto;
  guint position;

  page_drop_leave_cb (target, row);
  if (row->uuid == NULL || !G_VALUE_HOLDS_STRING (value) || !pages_editable (self))
    return FALSE;
  dragged = g_hash_table_lookup (self->page_index, g_value_get_string (value));
  onto = g_hash_table_lookup (self->page_index, row->uuid);
  if (dragged == NULL || onto == NULL)
    return FALSE;

  /* The place in the list as it is; the dragged page leaves its own. */
  position = onto->position + (drop_is_below (row, y) ? 1 : 0);
  if (position > dragged->position)
    position--;
  if (position == dragged->position)
    return FALSE;
  move_page_to (self, dragged->uuid, position);
  return TRUE;
}

static void
add_page_drag_and_drop (PageRow *row)
{
  row->drag_source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (row->drag_source, GDK_ACTION_MOVE);
  g_signal_connect (row->drag_source, "prepare", G_CALLBACK (page_drag_prepare_cb), row);
  g_signal_connect (row->drag_source, "drag-begin", G_CALLBACK (page_drag_begin_cb), row);
  gtk_widget_add_controller (row->row, GTK_EVENT_CONTROLLER (row->drag_source));

  row->drop_target = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_MOVE);
  g_signal_connect (row->drop_target, "accept", G_CALLBACK (page_drop_accept_cb), row);
  g_signal_connect (row->drop_target, "motion", G_CALLBACK (page_drop_motion_cb), row);
  g_signal_connect (row->drop_target, "leave", G_CALLBACK (page_drop_leave_cb), row);
  g_signal_connect (row->drop_target, "drop", G_CALLBACK (page_drop_cb), row);
  gtk_widget_add_controller (row->row, GTK_EVENT_CONTROLLER (row->drop_target));
}

/* Alt+Up and Alt+Down move the page whose row has the focus, and the
 * focus goes with the page: a stack is put in order from the keyboard. */

static gboolean move_page (HallScanWindow *self,
                           const char     *uuid,
                           int             delta);

static gboolean
move_shortcut_cb (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  PageRow *row = user_data;

  if (row->uuid == NULL || !pages_editable (row->self))
    return FALSE;
  if (move_page (row->self, row->uuid, g_variant_get_int32 (args)))
    {
      g_free (row->self->focus_after_move);
      row->self->focus_after_move = g_strdup (row->uuid);
    }
  return TRUE;
}

static void
add_page_move_shortcuts (PageRow *row)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  for (guint i = BUTTON_UP; i <= BUTTON_DOWN; i++)
    {
      GtkShortcut *shortcut =
        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (page_actions[i].accel),
                          gtk_callback_action_new (move_shortcut_cb, row, NULL));

      gtk_shortcut_set_arguments (shortcut, g_variant_new_int32 (i == BUTTON_UP ? -1 : 1));
      gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
    }
  gtk_widget_add_controller (row->row, controller);
}

/* Gives the focus to the row of the page last moved from the keyboard,
 * once a row shows it where it went. After the list's layout, not in the
 * splice: the list keeps the focus on the row at the focused position
 * while it lays the moved rows out again. */
static gboolean
focus_moved_page_cb (gpointer user_data)
{
  HallScanWindow *self = user_data;
  PageRow *row;

  self->focus_idle = 0;
  if (self->focus_after_move == NULL)
    return G_SOURCE_REMOVE;
  row = g_hash_table_lookup (self->bound, self->focus_after_move);
  if (row == NULL)
    return G_SOURCE_REMOVE;   /* the page's row, when one is bound, asks again */
  if (gtk_widget_get_mapped (row->row))
    gtk_widget_grab_focus (row->row);
  g_clear_pointer (&self->focus_after_move, g_free);
  return G_SOURCE_REMOVE;
}

static void
focus_moved_page (HallScanWindow *self)
{
  if (self->focus_after_move != NULL && self->focus_idle == 0)
    self->focus_idle = g_idle_add (focus_moved_page_cb, self);
}

/* A row, made by the list when it needs one more on screen; it is given
 * pages to show (bound) and kept for others as the list scrolls. */
static void
page_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               HallScanWindow           *self)
{
  PageRow *row = g_new0 (PageRow, 1);
  AdwActionRow *action_row;
  GtkWidget *buttons;
  GtkWidget *squeezer;
  GtkWidget *box;

  row->self = self;
  row->row = adw_action_row_new ();
  action_row = ADW_ACTION_ROW (row->row);
  row->picture = gtk_picture_new ();
  gtk_widget_set_size_request (row->picture, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_picture_set_can_shrink (GTK_PICTURE (row->picture), TRUE);
  gtk_widget_set_margin_top (row->picture, 6);
  gtk_widget_set_margin_bottom (row->picture, 6);
  gtk_widget_add_css_class (row->picture, "card");
  adw_action_row_add_prefix (action_row, row->picture);

  /* The buttons, or one menu of them when the window is narrower than
   * they need (libadwaita 1.2 has no breakpoints: a squeezer shows the
   * first that fits). */
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    {
      row->buttons[i] = new_page_button (page_actions[i].icon, _(page_actions[i].label),
                                         page_actions[i].action);
      gtk_box_append (GTK_BOX (buttons), row->buttons[i]);
    }
  row->menu = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (row->menu), "view-more-symbolic");
  gtk_widget_set_valign (row->menu, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (row->menu, GTK_ALIGN_END);
  gtk_widget_add_css_class (row->menu, "flat");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (row->menu), page_menu_cb, row, NULL);
  gtk_widget_set_has_tooltip (row->menu, TRUE);
  g_signal_connect (row->menu, "query-tooltip", G_CALLBACK (page_button_query_tooltip_cb),
                    (gpointer) _("What to do with this page"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->menu), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What to do with this page"), -1);
  squeezer = adw_squeezer_new ();
  adw_squeezer_add (ADW_SQUEEZER (squeezer), buttons);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), row->menu);
  adw_action_row_add_suffix (action_row, squeezer);
  add_page_drag_and_drop (row);
  add_page_move_shortcuts (row);

  /* An AdwActionRow is a GtkListBoxRow, and takes the keyboard focus
   * through its list box: each row has one of its own. */
  box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (box), GTK_SELECTION_NONE);
  gtk_list_box_append (GTK_LIST_BOX (box), row->row);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_child (item, box);
  g_object_set_data_full (G_OBJECT (item), "hall-page-row", row, (GDestroyNotify) page_row_free);
}

/* A row given the page of its item to show. */
static void
page_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              HallScanWindow           *self)
{
  PageRow *row = g_object_get_data (G_OBJECT (item), "hall-page-row");
  GtkStringObject *string = gtk_list_item_get_item (item);
  HallStoredPage *page;

  g_free (row->uuid);
  row->uuid = g_strdup (gtk_string_object_get_string (string));
  g_hash_table_replace (self->bound, row->uuid, row);
  for (guint i = 0; i < G_N_ELEMENTS (page_actions); i++)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (row->buttons[i]), "s", row->uuid);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (row->menu), NULL);
  page = g_hash_table_lookup (self->page_index, row->uuid);
  if (page != NULL)
    update_page_row (self, row, page, self->pages->len);
  self->n_rows_built++;
  focus_moved_page (self);
}

static void
page_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                HallScanWindow           *self)
{
  PageRow *row = g_object_get_data (G_OBJECT (item), "hall-page-row");

  if (row->uuid != NULL && self->bound != NULL
      && g_hash_table_lookup (self->bound, row->uuid) == row)
    g_hash_table_remove (self->bound, row->uuid);
  g_clear_pointer (&row->uuid, g_free);
}

/* Makes the list show self->pages: the items of the pages that went are
 * removed, and those that came are put in, at most @max_new of them, in
 * one splice of the part that changed (a page that comes at the end
 * touches no other item; two pages that swap places, two items). Every
 * row bound has its labels set to what its page is now. TRUE while pages
 * are still to be put in. */
static gboolean
sync_rows (HallScanWindow *self,
           guint           max_new)
{
  GListModel *model = G_LIST_MODEL (self->page_model);
  guint n_old = g_list_model_get_n_items (model);
  g_autoptr (GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
  g_autofree char **old = g_new0 (char *, n_old + 1);
  gboolean held = FALSE;
  guint prefix = 0;
  guint suffix = 0;
  GHashTableIter iter;
  PageRow *row;

  for (guint i = 0; i < n_old; i++)
    {
      old[i] = g_strdup (gtk_string_list_get_string (self->page_model, i));
      g_hash_table_add (shown, old[i]);
    }
  for (guint i = 0; i < self->pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (self->pages, i);

      if (!g_hash_table_contains (shown, page->uuid))
        {
          if (max_new == 0)
            {
              held = TRUE;
              continue;
            }
          max_new--;
        }
      g_ptr_array_add (wanted, page->uuid);
    }

  while (prefix < n_old && prefix < wanted->len
         && strcmp (old[prefix], wanted->pdata[prefix]) == 0)
    prefix++;
  while (suffix < n_old - prefix && suffix < wanted->len - prefix
         && strcmp (old[n_old - 1 - suffix], wanted->pdata[wanted->len - 1 - suffix]) == 0)
    suffix++;
  if (prefix + suffix < n_old || prefix + suffix < wanted->len)
    {
      g_autofree const char **added = g_new0 (const char *, wanted->len - prefix - suffix + 1);

      for (guint i = prefix; i < wanted->len - suffix; i++)
        added[i - prefix] = wanted->pdata[i];
      gtk_string_list_splice (self->page_model, prefix, n_old - prefix - suffix, added);
    }

  /* The rows kept say where their page is now (a page deleted renumbers
   * those below it): the rows bound only. */
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &row))
    {
      HallStoredPage *page = g_hash_table_lookup (self->page_index, row->uuid);

      if (page != NULL)
        update_page_row (self, row, page, self->pages->len);
    }
  gtk_widget_set_visible (self->empty_placeholder, self->pages->len == 0);
  focus_moved_page (self);

  return held;
}

static void
stop_adding_rows (HallScanWindow *self)
{
  if (self->rows_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->rows_tick);
  self->rows_tick = 0;
  g_clear_handle_id (&self->rows_watch, g_source_remove);
}

static gboolean
rows_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  self->rows_ticked_at = g_get_monotonic_time ();
  if (sync_rows (self, 1))
    return G_SOURCE_CONTINUE;
  self->rows_tick = 0;
  g_clear_handle_id (&self->rows_watch, g_source_remove);
  return G_SOURCE_REMOVE;
}

/* Frames stop when the window is unmapped or its frame clock is held: the
 * pages still to be put in are then put in at once, so that the list never
 * waits on frames that do not come. */
static gboolean
rows_watch_cb (gpointer user_data)
{
  HallScanWindow *self = user_data;

  if (g_get_monotonic_time () - self->rows_ticked_at < ROWS_STALLED_MS * 1000)
    return G_SOURCE_CONTINUE;
  self->rows_watch = 0;
  stop_adding_rows (self);
  sync_rows (self, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

/* Shows @pages (the slot's, in order). The list changes at the next frame,
 * and pages that came are put in one a frame: pages that came together
 * would otherwise bind and draw all their rows in one frame. */
static void
show_pages (HallScanWindow *self,
            GPtrArray      *pages)
{
  g_hash_table_remove_all (self->page_index);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  self->pages = g_ptr_array_ref (pages);
  for (guint i = 0; i < pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (pages, i);

      g_hash_table_insert (self->page_index, page->uuid, page);
    }
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      /* No frames come while the window is not shown. */
      sync_rows (self, G_MAXUINT);
      return;
    }
  if (self->rows_tick != 0)
    return;
  self->rows_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), rows_tick_cb, NULL, NULL);
  self->rows_ticked_at = g_get_monotonic_time ();
  self->rows_watch = g_timeout_add (ROWS_STALLED_MS, rows_watch_cb, self);
}

static void
pages_listed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (HallScanWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = hall_store_list_case_pages_finish (HALL_STORE (source), result,
                                                                 &error);
  g_autoptr (GPtrArray) pages = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->listing = FALSE;
  if (all == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not read the pages: %s"), error->message);

      show_error (self, message);
    }
  else
    {
      pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stored_page_free);
      for (guint i = 0; i < all->len; i++)
        {
          HallStoredPage *page = g_ptr_array_index (all, i);

          if (g_strcmp0 (page->slot, self->slot) == 0)
            g_ptr_array_add (pages, g_ptr_array_steal_index (all, i--));
        }
      /* The placeholder is shown (by sync_rows()) once the store has
       * answered, not while it is asked. */
      show_pages (self, pages);
    }
  if (self->list_again)
    {
      self->list_again = FALSE;
      list_pages (self);
    }
}

/* Reads the slot's pages off the main loop, then shows what changed. A
 * change while a read runs reads again when it ends: the pages of a batch
 * that arrive together are shown together. */
static void
list_pages (HallScanWindow *self)
{
  if (self->listing)
    {
      self->list_again = TRUE;
      return;
    }
  self->listing = TRUE;
  hall_store_list_case_pages_async (self->store, self->case_uuid, self->cancellable,
                                    pages_listed_cb, g_object_ref (self));
}

static HallStoredPage *
find_page (HallScanWindow *self,
           const char     *uuid)
{
  for (guint i = 0; self->pages != NULL && i < self->pages->len; i++)
    {
      HallStoredPage *page = g_ptr_array_index (self->pages, i);

      if (g_strcmp0 (page->uuid, uuid) == 0)
        return page;
    }

  return NULL;
}

/* Storing pages */

typedef struct
{
  HallScanWindow *self;
  char           *replaces;  /* the page the new one takes the place of */
  HallPageImage  *thumbnail; /* the scanner's, for a single scanned page */
} StoreData;

static void
store_data_free (StoreData *data)
{
  g_object_unref (data->self);
  g_free (data->replaces);
  g_clear_pointer (&data->thumbnail, hall_page_image_unref);
  g_free (data);
}

static void
add_pages_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StoreData *data = user_data;
  HallScanWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) added = hall_store_add_pages_finish (HALL_STORE (source), result, &error);

  self->n_storing--;
  /* The scanner made the thumbnail on its thread: the file need not be
   * read back to show it. */
  if (added != NULL && added->len == 1 && data->thumbnail != NULL)
    {
      HallStoredPage *page = g_ptr_array_index (added, 0);

      if (!g_hash_table_contains (self->thumbnails, page->sha256))
        g_hash_table_insert (self->thumbnails, g_strdup (page->sha256),
                             texture_from_image (data->thumbnail));
    }
  if (added == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not store the page: %s"), error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, message);
    }
  else if (data->replaces == NULL && data->thumbnail == NULL)
    {
      /* Imported or captured. A scanner's pages (they come with its
       * thumbnail) are counted when the batch ends: a batch stored after
       * the feeder stopped would say "1 page added" last. */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page added",
                                                            "%u pages added", added->len),
                                               added->len);

      show_status (self, text);
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      list_pages (self);
      update_actions (self);
    }
  store_data_free (data);
}

static void
replace_page_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StoreData *data = user_data;
  HallScanWindow *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStoredPage) page = hall_store_replace_page_finish (HALL_STORE (source), result,
                                                                    &error);

  self->n_storing--;
  if (page != NULL && data->thumbnail != NULL
      && !g_hash_table_contains (self->thumbnails, page->sha256))
    g_hash_table_insert (self->thumbnails, g_strdup (page->sha256),
                         texture_from_image (data->thumbnail));
  if (page == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not replace the page: %s"),
                                                  error->message);

      show_error (self, message);
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      list_pages (self);
      update_actions (self);
    }
  store_data_free (data);
}

static void
store_images (HallScanWindow *self,
              GPtrArray      *images,
              HallPageImage  *thumbnail,
              const char     *replaces)
{
  StoreData *data = g_new0 (StoreData, 1);

  data->self = g_object_ref (self);
  data->thumbnail = thumbnail != NULL ? hall_page_image_ref (thumbnail) : NULL;
  data->replaces = g_strdup (replaces);
  self->n_storing++;
  update_actions (self);
  /* A page turned or scanned again keeps its uuid and place: its new file,
   * row, record and history entry are one transaction, so nothing shows
   * (or reaches the server) as a page added and another removed. */
  if (replaces != NULL && images->len == 1)
    {
      hall_store_replace_page_async (self->store, replaces, g_ptr_array_index (images, 0),
                                     self->official, self->cancellable, replace_page_cb, data);
      return;
    }
  hall_store_add_pages_async (self->store, self->case_uuid, self->slot, images, self->official,
                              self->cancellable, add_pages_cb, data);
}

/* Devices and options */

/* A dropdown's choice ellipsized: a scanner's name or a source can be
 * longer than a narrow window. */
static void
ellipsized_setup_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 8);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
ellipsized_bind_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  const char *text = gtk_string_object_get_string (gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, text);
}

static void
ellipsize_choices (GtkDropDown *dropdown)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (ellipsized_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (ellipsized_bind_cb), NULL);
  gtk_drop_down_set_factory (dropdown, factory);
}

/* A scanner's source in the official's words: the names the SANE
 * standard and the common backends give, else the backend's own. */
static const char *
source_label (const char *source)
{
  static const struct { const char *sane; const char *label; } known[] = {
    { "Flatbed", N_("Flatbed") },
    { "Document Table", N_("Flatbed") },
    { "ADF", N_("Document feeder") },
    { "Automatic Document Feeder", N_("Document feeder") },
    { "ADF Front", N_("Document feeder, front sides") },
    { "ADF Back", N_("Document feeder, back sides") },
    { "ADF Duplex", N_("Document feeder, both sides") },
    { "Transparency Adapter", N_("Transparency adapter") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_ascii_strcasecmp (source, known[i].sane) == 0)
      return _(known[i].label);
  return source;
}

static void
options_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HallScanWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallScanOptions) options = hall_scanner_get_options_finish (HALL_SCANNER (source),
                                                                         result, &error);
  g_autoptr (GtkStringList) sources = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) modes = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) resolutions = gtk_string_list_new (NULL);
  static const guint common[] = { 75, 100, 150, 200, 300, 400, 600 };
  guint selected = 0;
  guint best = G_MAXUINT;

  if (options == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_error (self, error->message);
          self->ready = TRUE;
          update_actions (self);
        }
      g_object_unref (self);
      return;
    }

  self->filling = TRUE;
  g_strfreev (self->sources);
  self->sources = g_strdupv (options->sources);
  for (guint i = 0; self->sources != NULL && self->sources[i] != NULL; i++)
    gtk_string_list_append (sources, source_label (self->sources[i]));
  gtk_drop_down_set_model (self->source_dropdown, G_LIST_MODEL (sources));
  gtk_widget_set_visible (GTK_WIDGET (self->source_dropdown),
                          self->sources != NULL && self->sources[0] != NULL);
  for (guint i = 0; self->sources != NULL && self->sources[i] != NULL; i++)
    if (g_strcmp0 (self->sources[i], options->current->source) == 0)
      gtk_drop_down_set_selected (self->source_dropdown, i);

  /* Grey first: what most documents want, and the smallest that reads well. */
  g_array_set_size (self->kinds, 0);
  {
    static const HallPageKind order[] = { HALL_PAGE_KIND_GREY, HALL_PAGE_KIND_COLOUR,
                                          HALL_PAGE_KIND_BILEVEL };

    for (guint i = 0; i < G_N_ELEMENTS (order); i++)
      {
        if (!options->kinds[order[i]])
          continue;
        g_array_append_val (self->kinds, order[i]);
        gtk_string_list_append (modes, order[i] == HALL_PAGE_KIND_GREY ? _("Grey")
                                       : order[i] == HALL_PAGE_KIND_COLOUR ? _("Colour")
                                                                           : _("Black and white"));
      }
  }
  gtk_drop_down_set_model (self->mode_dropdown, G_LIST_MODEL (modes));

  /* A device with a range lists every step: offer the usual ones in it. */
  g_array_set_size (self->resolutions, 0);
  for (guint i = 0; options->resolutions != NULL && i < options->resolutions->len; i++)
    {
      guint dpi = g_array_index (options->resolutions, guint, i);
      gboolean usual = options->resolutions->len <= 12;

      for (guint j = 0; !usual && j < G_N_ELEMENTS (common); j++)
        usual = dpi == common[j];
      if (!usual)
        continue;
      g_array_append_val (self->resolutions, dpi);
    }
  for (guint i = 0; i < self->resolutions->len; i++)
    {
      guint dpi = g_array_index (self->resolutions, guint, i);
      g_autofree char *label = g_strdup_printf (_("%u dpi"), dpi);
      guint distance = dpi > 300 ? dpi - 300 : 300 - dpi;

      gtk_string_list_append (resolutions, label);
      if (distance < best)
        {
          best = distance;
          selected = i;
        }
    }
  gtk_drop_down_set_model (self->resolution_dropdown, G_LIST_MODEL (resolutions));
  if (self->resolutions->len > 0)
    gtk_drop_down_set_selected (self->resolution_dropdown, selected);
  self->filling = FALSE;

  self->ready = TRUE;
  show_status (self, _("Ready to scan"));
  update_actions (self);
  g_object_unref (self);
}

static void
read_options (HallScanWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  HallScanDevice *device;

  if (self->devices == NULL || i >= self->devices->len)
    return;
  device = g_ptr_array_index (self->devices, i);
  self->ready = FALSE;
  hall_scanner_get_options_async (self->scanner, device->name, NULL, self->cancellable,
                                  options_cb, g_object_ref (self));
}

/* The preview area: a camera's picture, or a page being cropped */

/* Fills @surface (RGB24, the size of @image) with @image's pixels. */
static void
paint_image (cairo_surface_t *surface,
             HallPageImage   *image)
{
  guint8 *data;
  int stride;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < image->height; y++)
    {
      const guint8 *in = image->pixels + y * image->stride;
      guint32 *out = (guint32 *) (data + y * stride);

      for (guint x = 0; x < image->width; x++, in += image->channels)
        out[x] = image->channels == 3 ? 0xff000000u | in[0] << 16 | in[1] << 8 | in[2]
                                      : 0xff000000u | in[0] << 16 | in[0] << 8 | in[0];
    }
  cairo_surface_mark_dirty (surface);
}

/* How the page being cropped is drawn: widget pixels per page pixel, and
 * where the page's top left corner is. */
static void
crop_geometry (HallScanWindow *self,
               double         *scale,
               double         *ox,
               double         *oy)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self->preview_area));
  double height = gtk_widget_get_height (GTK_WIDGET (self->preview_area));

  *scale = MIN (width / self->crop_image->width, height / self->crop_image->height);
  *ox = (width - self->crop_image->width * *scale) / 2;
  *oy = (height - self->crop_image->height * *scale) / 2;
}

static void
crop_corner_at (HallScanWindow *self,
                int             corner,
                double         *x,
                double         *y)
{
  *x = corner == 0 || corner == 3 ? self->crop[0] : self->crop[2];
  *y = corner < 2 ? self->crop[1] : self->crop[3];
}

static void
draw_crop (HallScanWindow *self,
           cairo_t        *cr,
           int             width,
           int             height)
{
  double scale, ox, oy;
  double x0, y0, x1, y1;

  crop_geometry (self, &scale, &ox, &oy);
  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale * self->crop_image->width / cairo_image_surface_get_width (self->crop_view),
               scale * self->crop_image->height / cairo_image_surface_get_height (self->crop_view));
  cairo_set_source_surface (cr, self->crop_view, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);

  x0 = ox + self->crop[0] * scale;
  y0 = oy + self->crop[1] * scale;
  x1 = ox + self->crop[2] * scale;
  y1 = oy + self->crop[3] * scale;
  /* What goes is dimmed; what stays is framed, with a handle at each corner. */
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.5);
  cairo_fill (cr);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  for (int corner = 0; corner < 4; corner++)
    {
      double x, y;

      crop_corner_at (self, corner, &x, &y);
      cairo_arc (cr, ox + x * scale, oy + y * scale, 8, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
      cairo_stroke (cr);
    }
}

/* Moves @corner of the crop to @x, @y (the page's pixels), within the
 * page and keeping the crop at least CROP_MIN_SIDE a side. */
static void
move_crop_corner (HallScanWindow *self,
                  int             corner,
                  double          x,
                  double          y)
{
  double w = self->crop_image->width, h = self->crop_image->height;

  if (corner == 0 || corner == 3)
    self->crop[0] = CLAMP (x, 0, self->crop[2] - CROP_MIN_SIDE);
  else
    self->crop[2] = CLAMP (x, self->crop[0] + CROP_MIN_SIDE, w);
  if (corner < 2)
    self->crop[1] = CLAMP (y, 0, self->crop[3] - CROP_MIN_SIDE);
  else
    self->crop[3] = CLAMP (y, self->crop[1] + CROP_MIN_SIDE, h);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void
crop_drag_begin_cb (GtkGestureDrag *gesture,
                    double          start_x,
                    double          start_y,
                    HallScanWindow *self)
{
  double scale, ox, oy;
  double best = CROP_GRAB_DISTANCE;

  self->crop_corner = -1;
  if (self->crop_image == NULL)
    return;
  crop_geometry (self, &scale, &ox, &oy);
  for (int corner = 0; corner < 4; corner++)
    {
      double x, y, distance;

      crop_corner_at (self, corner, &x, &y);
      distance = hypot (ox + x * scale - start_x, oy + y * scale - start_y);
      if (distance < best)
        {
          best = distance;
          self->crop_corner = corner;
          self->drag_x = x;
          self->drag_y = y;
        }
    }
}

static void
crop_drag_update_cb (GtkGestureDrag *gesture,
                     double          offset_x,
                     double          offset_y,
                     HallScanWindow *self)
{
  double scale, ox, oy;

  if (self->crop_image == NULL || self->crop_corner < 0)
    return;
  crop_geometry (self, &scale, &ox, &oy);
  move_crop_corner (self, self->crop_corner, self->drag_x + offset_x / scale,
                    self->drag_y + offset_y / scale);
}

/* Cameras */

static void
draw_preview (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  HallScanWindow *self = user_data;
  double iw, ih, scale, ox, oy;

  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_paint (cr);
  if (self->crop_image != NULL)
    {
      draw_crop (self, cr, width, height);
      return;
    }
  if (self->crop_uuid != NULL)
    {
      /* The page is being decoded (crop_action()). */
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (area),
                                                                      _("Opening the page…"));
      int text_width, text_height;

      pango_layout_set_width (layout, width * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      cairo_move_to (cr, 0, (height - text_height) / 2.0);
      cairo_set_source_rgb (cr, 0.9, 0.9, 0.9);
      pango_cairo_show_layout (cr, layout);
      return;
    }
  if (self->preview == NULL)
    return;
  iw = cairo_image_surface_get_width (self->preview);
  ih = cairo_image_surface_get_height (self->preview);
  scale = MIN (width / iw, height / ih);
  ox = (width - iw * scale) / 2;
  oy = (height - ih * scale) / 2;

  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, self->preview, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);

  if (!self->has_outline)
    return;
  /* The sheet a capture will keep, in the accent blue. */
  cairo_move_to (cr, ox + self->outline[0] * scale, oy + self->outline[1] * scale);
  for (guint i = 1; i < 4; i++)
    cairo_line_to (cr, ox + self->outline[2 * i] * scale, oy + self->outline[2 * i + 1] * scale);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
  cairo_set_line_width (cr, 3);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke (cr);
}

static void
camera_preview_cb (HallCamera     *camera,
                   HallPageImage  *frame,
                   HallScanWindow *self)
{
  if (!self->camera_is_mine || selected_camera (self) == NULL)
    return;
  if (self->preview == NULL
      || cairo_image_surface_get_width (self->preview) != (int) frame->width
      || cairo_image_surface_get_height (self->preview) != (int) frame->height)
    {
      g_clear_pointer (&self->preview, cairo_surface_destroy);
      self->preview = cairo_image_surface_create (CAIRO_FORMAT_RGB24, frame->width, frame->height);
    }
  paint_image (self->preview, frame);
  self->has_outline = hall_camera_get_outline (camera, self->outline);
  self->n_previews++;
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void start_camera (HallScanWindow   *self,
                          HallCameraDevice *device);

static void
camera_stopped_cb (HallCamera     *camera,
                   GError         *error,
                   HallScanWindow *self)
{
  HallCameraDevice *chosen = selected_camera (self);

  /* Another window's camera stopped: one waiting for it here takes it. */
  if (!self->camera_is_mine)
    {
      if (chosen != NULL && self->ready && !hall_camera_get_running (camera))
        start_camera (self, chosen);
      update_actions (self);
      return;
    }
  self->camera_is_mine = FALSE;
  self->has_outline = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
  if (error != NULL)
    {
      show_error (self, error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
    }
  update_actions (self);
}

/* Shows the controls of a scanner or of a camera. */
static void
show_camera_controls (HallScanWindow *self,
                      gboolean        camera)
{
  gtk_widget_set_visible (GTK_WIDGET (self->preview_area), camera || self->crop_uuid != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), !camera);
  gtk_widget_set_visible (GTK_WIDGET (self->resolution_dropdown), !camera);
  if (camera)
    gtk_widget_set_visible (GTK_WIDGET (self->source_dropdown), FALSE);
  gtk_button_set_label (self->scan_button, camera ? _("_Capture") : _("_Scan"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->scan_button),
                               camera ? _("Take the page under the camera into this document (Space)")
                                      : _("Scan pages into this document (Ctrl+S)"));
}

static void
start_camera (HallScanWindow   *self,
              HallCameraDevice *device)
{
  g_autoptr (GtkStringList) modes = gtk_string_list_new (NULL);
  g_autoptr (GError) error = NULL;
  static const HallPageKind kinds[] = { HALL_PAGE_KIND_GREY, HALL_PAGE_KIND_COLOUR };

  self->filling = TRUE;
  g_array_set_size (self->kinds, 0);
  g_array_append_vals (self->kinds, kinds, G_N_ELEMENTS (kinds));
  gtk_string_list_append (modes, _("Grey"));
  gtk_string_list_append (modes, _("Colour"));
  gtk_drop_down_set_model (self->mode_dropdown, G_LIST_MODEL (modes));
  g_array_set_size (self->resolutions, 0);
  self->filling = FALSE;
  show_camera_controls (self, TRUE);

  self->ready = TRUE;
  if (!self->camera_is_mine && hall_camera_get_running (self->camera))
    {
      show_error (self, _("The camera is in use in another scanning window: close that window "
                          "or choose a scanner there, and this one takes the camera"));
      return;
    }
  if ((!hall_camera_get_running (self->camera)
       || g_strcmp0 (hall_camera_get_device (self->camera), device->id) != 0)
      && !hall_camera_start (self->camera, device->id, &error))
    {
      show_error (self, error->message);
      return;
    }
  self->camera_is_mine = TRUE;
  g_clear_pointer (&self->error_text, g_free);
  show_status (self, _("Lay the page under the camera, then press Capture (Space)"));
}

/* Starts what the device list has chosen: a camera's preview, or reading
 * a scanner's options. */
static void
select_device (HallScanWindow *self)
{
  HallCameraDevice *camera = selected_camera (self);

  if (camera != NULL)
    {
      start_camera (self, camera);
      update_actions (self);
      return;
    }
  if (self->camera_is_mine)
    {
      self->camera_is_mine = FALSE;
      hall_camera_stop (self->camera);
    }
  g_clear_pointer (&self->preview, cairo_surface_destroy);
  show_camera_controls (self, FALSE);
  read_options (self);
  update_actions (self);
}

/* (transfer full) (nullable): what the chosen row is: a scanner's SANE
 * name or a camera's id. */
static char *
selected_device_id (HallScanWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  HallCameraDevice *camera = selected_camera (self);

  if (camera != NULL)
    return g_strdup (camera->id);
  if (self->devices != NULL && i < self->devices->len)
    return g_strdup (((HallScanDevice *) g_ptr_array_index (self->devices, i))->name);
  return NULL;
}

/* Fills the device list with the scanners, then the cameras; the row
 * chosen stays chosen while it is there. TRUE when the choice changed. */
static gboolean
fill_device_list (HallScanWindow *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *chosen = selected_device_id (self);
  g_autofree char *now = NULL;
  guint keep = 0;
  guint row = 0;

  g_clear_pointer (&self->cameras, g_ptr_array_unref);
  self->cameras = hall_camera_list_devices (self->camera);
  for (guint i = 0; self->devices != NULL && i < self->devices->len; i++, row++)
    {
      HallScanDevice *device = g_ptr_array_index (self->devices, i);
      g_autofree char *label = g_strdup_printf ("%s %s (%s)", device->vendor, device->model,
                                                device->name);

      gtk_string_list_append (names, label);
      if (g_strcmp0 (device->name, chosen) == 0)
        keep = row;
    }
  for (guint i = 0; i < self->cameras->len; i++, row++)
    {
      HallCameraDevice *camera = g_ptr_array_index (self->cameras, i);
      g_autofree char *label = g_strdup_printf (_("%s (document camera)"), camera->name);

      gtk_string_list_append (names, label);
      if (g_strcmp0 (camera->id, chosen) == 0)
        keep = row;
    }
  self->filling = TRUE;
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (names));
  if (row > 0)
    gtk_drop_down_set_selected (self->device_dropdown, keep);
  self->filling = FALSE;
  now = selected_device_id (self);
  return g_strcmp0 (now, chosen) != 0;
}

static void
cameras_changed_cb (HallCamera     *camera,
                    HallScanWindow *self)
{
  if (fill_device_list (self) && self->ready)
    select_device (self);
  update_actions (self);
}

static void
device_selected_cb (HallScanWindow *self)
{
  if (!self->filling)
    select_device (self);
  update_actions (self);
}

static void
devices_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HallScanWindow *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = hall_scanner_list_devices_finish (HALL_SCANNER (source), result,
                                                                    &error);

  if (devices == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* SANE failing leaves the cameras usable. */
          g_clear_pointer (&self->devices, g_ptr_array_unref);
          self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_scan_device_free);
          fill_device_list (self);
          if (selected_camera (self) != NULL)
            select_device (self);
          show_error (self, error->message);
          self->ready = TRUE;
          update_actions (self);
        }
      g_object_unref (self);
      return;
    }

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = g_steal_pointer (&devices);
  fill_device_list (self);

  if (self->devices->len == 0 && self->cameras->len == 0)
    {
      show_error (self, _("No scanner found. Switch it on or plug it in, then look again."));
      self->ready = TRUE;
    }
  else if (selected_camera (self) != NULL)
    select_device (self);
  else
    {
      show_status (self, _("Reading the scanner's settings…"));
      select_device (self);
    }
  update_actions (self);
  g_object_unref (self);
}

static void
redetect_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  self->ready = FALSE;
  show_status (self, _("Looking for scanners…"));
  hall_scanner_list_devices_async (self->scanner, self->cancellable, devices_cb,
                                   g_object_ref (self));
}

/* Scanning */

static void
progress_cb (HallScanner    *scanner,
             guint           page,
             double          fraction,
             HallScanWindow *self)
{
  g_autofree char *text = NULL;

  /* Another window's scan: this one's Scan button waits for its end. */
  if (!self->scan_is_mine)
    {
      update_actions (self);
      return;
    }
  text = g_strdup_printf (_("Scanning page %u…"), page + 1);
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
page_cb (HallScanner    *scanner,
         guint           page,
         HallPageImage  *image,
         HallPageImage  *thumbnail,
         HallScanWindow *self)
{
  g_autoptr (GPtrArray) images = NULL;
  HallStoredPage *old;

  /* Another window's page, for its own case and document. */
  if (!self->scan_is_mine)
    return;
  images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  old = self->rescan_uuid != NULL ? find_page (self, self->rescan_uuid) : NULL;
  self->n_scanned++;
  g_ptr_array_add (images, hall_page_image_ref (image));
  if (old != NULL)
    {
      store_images (self, images, thumbnail, old->uuid);
      /* One page replaces one page; a feeder's further sheets are added. */
      g_clear_pointer (&self->rescan_uuid, g_free);
    }
  else
    store_images (self, images, thumbnail, NULL);
}

static void
scan_finished_cb (HallScanner    *scanner,
                  guint           n_pages,
                  GError         *error,
                  HallScanWindow *self)
{
  /* Another window's scan ended: this one may scan again. */
  if (!self->scan_is_mine)
    {
      if (self->refused_busy)
        {
          self->refused_busy = FALSE;
          g_clear_pointer (&self->error_text, g_free);
          show_status (self, "");
        }
      update_actions (self);
      return;
    }
  self->scan_is_mine = FALSE;
  /* Faded out, not hidden: hiding it would move up everything under it,
   * and the whole list would be drawn again. */
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 0);
  g_clear_pointer (&self->rescan_uuid, g_free);

  if (error == NULL)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page scanned",
                                                            "%u pages scanned", self->n_scanned),
                                               self->n_scanned);

      show_status (self, text);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_status (self, _("Scan cancelled; the pages read before are kept"));
  else if (g_error_matches (error, HALL_SCANNER_ERROR, HALL_SCANNER_ERROR_FEEDER)
           && self->n_scanned > 0)
    {
      /* A feeder that ran out after some sheets is a batch that ended. */
      g_autofree char *text = g_strdup_printf (_("%u pages scanned; the feeder says: %s"),
                                               self->n_scanned, error->message);

      show_status (self, text);
    }
  else
    show_error (self, error->message);

  update_actions (self);
}

typedef struct
{
  HallScanWindow *self;
  char           *replaces;
} CaptureData;

static void
capture_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CaptureData *data = user_data;
  g_autoptr (HallScanWindow) self = data->self;
  g_autofree char *replaces = data->replaces;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallPageImage) page = hall_camera_capture_finish (HALL_CAMERA (source), result,
                                                               &error);
  g_autoptr (GPtrArray) images = NULL;
  HallStoredPage *old;

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_storing--;
  if (page == NULL)
    {
      show_error (self, error->message);
      update_actions (self);
      return;
    }
  images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  g_ptr_array_add (images, g_steal_pointer (&page));
  old = replaces != NULL ? find_page (self, replaces) : NULL;
  if (old != NULL)
    store_images (self, images, NULL, old->uuid);
  else
    store_images (self, images, NULL, NULL);
}

/* Takes the page under the camera into the slot, or in place of the page
 * @replaces. */
static void
capture (HallScanWindow *self,
         const char     *replaces)
{
  guint mode = gtk_drop_down_get_selected (self->mode_dropdown);
  HallPageKind kind = mode < self->kinds->len ? g_array_index (self->kinds, HallPageKind, mode)
                                              : HALL_PAGE_KIND_GREY;
  CaptureData *data;

  if (!self->camera_is_mine)
    return;
  data = g_new0 (CaptureData, 1);
  data->self = g_object_ref (self);
  data->replaces = g_strdup (replaces);
  g_clear_pointer (&self->error_text, g_free);
  show_status (self, _("Capturing the page…"));
  self->n_storing++;
  update_actions (self);
  hall_camera_capture_async (self->camera, kind, self->cancellable, capture_cb, data);
}

static void
start_scan (HallScanWindow *self,
            const char     *replaces)
{
  g_autoptr (HallScanSettings) settings = hall_scan_settings_new ();
  guint device = gtk_drop_down_get_selected (self->device_dropdown);
  guint source = gtk_drop_down_get_selected (self->source_dropdown);
  guint mode = gtk_drop_down_get_selected (self->mode_dropdown);
  guint dpi = gtk_drop_down_get_selected (self->resolution_dropdown);

  if (selected_camera (self) != NULL)
    {
      capture (self, replaces);
      return;
    }
  if (self->devices == NULL || device >= self->devices->len)
    return;
  if (hall_scanner_get_scanning (self->scanner))
    {
      show_error (self, _("The scanner is reading for another window: wait for that scan to end, "
                          "then scan again"));
      self->refused_busy = TRUE;
      return;
    }

  if (self->sources != NULL && source < g_strv_length (self->sources))
    settings->source = g_strdup (self->sources[source]);
  settings->kind = mode < self->kinds->len ? g_array_index (self->kinds, HallPageKind, mode)
                                           : HALL_PAGE_KIND_GREY;
  if (dpi < self->resolutions->len)
    settings->dpi = g_array_index (self->resolutions, guint, dpi);

  /* Rescanning one page reads one sheet, whatever the source. */
  if (replaces != NULL && settings->source != NULL && hall_scan_source_is_feeder (settings->source))
    {
      for (guint i = 0; self->sources[i] != NULL; i++)
        if (!hall_scan_source_is_feeder (self->sources[i]))
          {
            g_free (settings->source);
            settings->source = g_strdup (self->sources[i]);
            break;
          }
    }

  g_free (self->rescan_uuid);
  self->rescan_uuid = g_strdup (replaces);
  self->n_scanned = 0;
  g_clear_pointer (&self->error_text, g_free);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting the scanner…"));
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 1);
  show_status (self, "");
  self->scan_is_mine = TRUE;
  hall_scanner_scan (self->scanner, ((HallScanDevice *) g_ptr_array_index (self->devices, device))->name,
                     settings);
  update_actions (self);
}

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_scan (HALL_SCAN_WINDOW (widget), NULL);
}

static void
capture_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  if (selected_camera (self) != NULL)
    capture (self, NULL);
}

static void
rescan_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  start_scan (HALL_SCAN_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  if (self->scan_is_mine)
    hall_scanner_cancel (self->scanner);
}

/* Pages */

static void
page_turned_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (HallScanWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallStoredPage) page = hall_store_turn_page_finish (HALL_STORE (source), result,
                                                                 &error);

  self->n_storing--;
  if (page == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *message = g_strdup_printf (_("Could not turn the page: %s"), error->message);

      show_error (self, message);
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    {
      list_pages (self);
      update_actions (self);
    }
}

/* The page is read, turned and stored on the store's worker: a whole
 * page decoded on the main loop would hold it for a tenth of a second. */
static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);
  HallStoredPage *page = find_page (self, g_variant_get_string (parameter, NULL));

  if (page == NULL)
    return;
  self->n_storing++;
  update_actions (self);
  hall_store_turn_page_async (self->store, page, 1, self->official, self->cancellable,
                              page_turned_cb, g_object_ref (self));
}

static void
page_moved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (HallScanWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  self->n_editing--;
  if (!hall_store_move_page_finish (HALL_STORE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not move the page: %s"), error->message);

      show_error (self, message);
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    list_pages (self);
}

/* Moves and deletes commit (and fsync) on the store's worker, not on the
 * main loop. */
static void
move_page_to (HallScanWindow *self,
              const char     *uuid,
              guint           position)
{
  self->n_editing++;
  hall_store_move_page_async (self->store, uuid, position, self->cancellable,
                              page_moved_cb, g_object_ref (self));
}

/* FALSE when @uuid is not a page, or already first (or last). */
static gboolean
move_page (HallScanWindow *self,
           const char     *uuid,
           int             delta)
{
  HallStoredPage *page = find_page (self, uuid);

  if (page == NULL || ((int) page->position + delta) < 0
      || (guint) ((int) page->position + delta) >= self->pages->len)
    return FALSE;
  move_page_to (self, uuid, page->position + delta);
  return TRUE;
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  move_page (HALL_SCAN_WINDOW (widget), g_variant_get_string (parameter, NULL), -1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  move_page (HALL_SCAN_WINDOW (widget), g_variant_get_string (parameter, NULL), 1);
}

static void
page_removed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (HallScanWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  self->n_editing--;
  if (!hall_store_remove_page_finish (HALL_STORE (source), result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the page: %s"),
                                                  error->message);

      show_error (self, message);
    }
  else if (!g_cancellable_is_cancelled (self->cancellable))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Page deleted")));
  if (!g_cancellable_is_cancelled (self->cancellable))
    list_pages (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  self->n_editing++;
  hall_store_remove_page_async (self->store, g_variant_get_string (parameter, NULL),
                                self->cancellable, page_removed_cb, g_object_ref (self));
}

/* Cropping */

static void
leave_crop (HallScanWindow *self)
{
  g_clear_pointer (&self->crop_uuid, g_free);
  g_clear_pointer (&self->crop_image, hall_page_image_unref);
  g_clear_pointer (&self->crop_view, cairo_surface_destroy);
  self->crop_corner = -1;
  gtk_widget_set_visible (self->crop_bar, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_area), selected_camera (self) != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
  update_actions (self);
}

/* A page opened to crop, decoded on a worker: the page, and a copy of it
 * small enough to draw. */
typedef struct
{
  HallPageImage   *image;
  cairo_surface_t *view;
} CropPage;

static void
crop_page_free (CropPage *crop)
{
  g_clear_pointer (&crop->image, hall_page_image_unref);
  g_clear_pointer (&crop->view, cairo_surface_destroy);
  g_free (crop);
}

static void
crop_page_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DecodeJob *job = task_data;
  GError *error = NULL;
  g_autoptr (HallPageImage) view = NULL;
  CropPage *crop = g_new0 (CropPage, 1);

  crop->image = hall_store_load_page_image (job->store, job->page, 0, &error);
  if (crop->image == NULL)
    {
      crop_page_free (crop);
      g_task_return_error (task, error);
      return;
    }
  view = hall_page_image_scale_down (crop->image, CROP_VIEW_SIZE);
  crop->view = cairo_image_surface_create (CAIRO_FORMAT_RGB24, view->width, view->height);
  paint_image (crop->view, view);
  g_task_return_pointer (task, crop, (GDestroyNotify) crop_page_free);
}

typedef struct
{
  HallScanWindow *self;
  guint           serial;
} CropData;

static void
crop_page_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CropData *data = user_data;
  g_autoptr (HallScanWindow) self = data->self;
  guint serial = data->serial;
  g_autoptr (GError) error = NULL;
  CropPage *crop = g_task_propagate_pointer (G_TASK (result), &error);

  g_free (data);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&crop, crop_page_free);
      return;
    }
  self->n_decoding--;
  /* Cancelled, or another page opened since. */
  if (serial != self->crop_serial || self->crop_uuid == NULL)
    {
      g_clear_pointer (&crop, crop_page_free);
      return;
    }
  if (crop == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not crop the page: %s"), error->message);

      leave_crop (self);
      show_error (self, message);
      return;
    }
  g_clear_pointer (&self->crop_image, hall_page_image_unref);
  self->crop_image = g_steal_pointer (&crop->image);
  g_clear_pointer (&self->crop_view, cairo_surface_destroy);
  self->crop_view = g_steal_pointer (&crop->view);
  crop_page_free (crop);
  self->crop[0] = self->crop[1] = 0;
  self->crop[2] = self->crop_image->width;
  self->crop[3] = self->crop_image->height;
  self->crop_corner = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
  update_actions (self);
}

/* Opens a page to crop. It is read and decoded on a worker (a page at
 * 300 dpi takes longer than a frame): the area says so until then. */
static void
crop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);
  HallStoredPage *page = find_page (self, g_variant_get_string (parameter, NULL));
  g_autoptr (GTask) task = NULL;
  CropData *data;

  if (page == NULL)
    return;
  g_free (self->crop_uuid);
  self->crop_uuid = g_strdup (page->uuid);
  self->crop_serial++;
  g_clear_pointer (&self->crop_image, hall_page_image_unref);
  g_clear_pointer (&self->crop_view, cairo_surface_destroy);
  self->crop_corner = -1;
  gtk_widget_set_visible (self->crop_bar, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_area), TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
  update_actions (self);

  self->n_decoding++;
  data = g_new0 (CropData, 1);
  data->self = g_object_ref (self);
  data->serial = self->crop_serial;
  task = g_task_new (NULL, self->cancellable, crop_page_cb, data);
  g_task_set_task_data (task, decode_job_new (self, page, 0), (GDestroyNotify) decode_job_free);
  g_task_run_in_thread (task, crop_page_thread);
}

static void
crop_reset_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);

  if (self->crop_image == NULL)
    return;
  self->crop[0] = self->crop[1] = 0;
  self->crop[2] = self->crop_image->width;
  self->crop[3] = self->crop_image->height;
  gtk_widget_queue_draw (GTK_WIDGET (self->preview_area));
}

static void
crop_cancel_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  leave_crop (HALL_SCAN_WINDOW (widget));
}

/* The kept rectangle of a page, cut on a worker: a page at 300 dpi is
 * megabytes of pixels to copy, longer than a frame. */
typedef struct
{
  HallPageImage *image;
  guint          x, y, width, height;
} CropCut;

static void
crop_cut_free (CropCut *cut)
{
  hall_page_image_unref (cut->image);
  g_free (cut);
}

static void
crop_cut_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CropCut *cut = task_data;

  g_task_return_pointer (task,
                         hall_page_image_crop (cut->image, cut->x, cut->y, cut->width, cut->height),
                         (GDestroyNotify) hall_page_image_unref);
}

typedef struct
{
  HallScanWindow *self;
  char           *uuid;   /* the page it replaces */
} CropCutData;

static void
crop_cut_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CropCutData *data = user_data;
  g_autoptr (HallScanWindow) self = data->self;
  g_autofree char *uuid = data->uuid;
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_page_image_unref);
  HallPageImage *image = g_task_propagate_pointer (G_TASK (result), NULL);

  g_free (data);
  g_ptr_array_add (images, image);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->n_storing--;
  store_images (self, images, NULL, uuid);
}

static void
crop_apply_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);
  HallStoredPage *page = self->crop_uuid != NULL ? find_page (self, self->crop_uuid) : NULL;
  guint x0, y0, x1, y1;

  if (page != NULL && self->crop_image == NULL)
    return; /* still being decoded: the action is off meanwhile */
  if (page == NULL)
    {
      leave_crop (self);
      return;
    }
  x0 = (guint) (self->crop[0] + 0.5);
  y0 = (guint) (self->crop[1] + 0.5);
  x1 = MIN ((guint) (self->crop[2] + 0.5), self->crop_image->width);
  y1 = MIN ((guint) (self->crop[3] + 0.5), self->crop_image->height);
  /* The whole page kept: nothing to store. */
  if (x0 > 0 || y0 > 0 || x1 < self->crop_image->width || y1 < self->crop_image->height)
    {
      CropCut *cut = g_new0 (CropCut, 1);
      CropCutData *data = g_new0 (CropCutData, 1);
      g_autoptr (GTask) task = NULL;

      cut->image = hall_page_image_ref (self->crop_image);
      cut->x = x0;
      cut->y = y0;
      cut->width = x1 - x0;
      cut->height = y1 - y0;
      data->self = g_object_ref (self);
      data->uuid = g_strdup (page->uuid);
      /* Counted as storing from now: the page's actions wait for it. */
      self->n_storing++;
      task = g_task_new (NULL, self->cancellable, crop_cut_cb, data);
      g_task_set_task_data (task, cut, (GDestroyNotify) crop_cut_free);
      hall_task_run_in_background (task, crop_cut_thread);
    }
  leave_crop (self);
}

/* Import */

static void
import_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (HallScanWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) images = hall_page_image_load_files_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_storing--;
  if (images == NULL)
    {
      show_refusal (self, error->message);
      update_actions (self);
      return;
    }
  if (images->len == 0)
    {
      update_actions (self);
      return;
    }
  show_status (self, _("Storing the imported pages…"));
  store_images (self, images, NULL, NULL);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     HallScanWindow  *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

      hall_scan_window_import_files (self, files);
    }
  g_clear_object (&self->chooser);
}

/* Files dragged from a file manager onto the window are imported as if
 * chosen with Import, with the same checks. */
static gboolean
files_drop_cb (GtkDropTarget  *target,
               const GValue   *value,
               double          x,
               double          y,
               HallScanWindow *self)
{
  g_autoptr (GListStore) files = g_list_store_new (G_TYPE_FILE);
  GSList *list;

  if (!pages_editable (self))
    {
      adw_toast_overlay_add_toast (self->toast_overlay,
                                   adw_toast_new (_("Pages are being stored: drop the files "
                                                    "again when they are")));
      return FALSE;
    }
  list = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = list; l != NULL; l = l->next)
    g_list_store_append (files, l->data);
  g_slist_free (list);
  hall_scan_window_import_files (self, G_LIST_MODEL (files));
  return TRUE;
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  gtk_file_filter_set_name (filter, _("Images and PDF"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  self->chooser = gtk_file_chooser_native_new (_("Import Pages"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject */

/* SANE is one library state per process: every window shares one scanner
 * thread, kept for the life of the program once made. */
static HallScanner *
default_scanner (void)
{
  static HallScanner *scanner;

  if (scanner == NULL)
    scanner = hall_scanner_new ();
  return g_object_ref (scanner);
}

/* One device monitor and one pipeline for the program, as for SANE. */
static HallCamera *
default_camera (void)
{
  static HallCamera *camera;

  if (camera == NULL)
    camera = hall_camera_new ();
  return g_object_ref (camera);
}

/* The windows open, for hall_scan_window_find() (the main thread's). */
static GList *open_windows;

static void
hall_scan_window_constructed (GObject *object)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (object);

  open_windows = g_list_prepend (open_windows, self);

  G_OBJECT_CLASS (hall_scan_window_parent_class)->constructed (object);

  if (self->scanner == NULL)
    self->scanner = default_scanner ();
  self->page_id = g_signal_connect (self->scanner, "page", G_CALLBACK (page_cb), self);
  self->progress_id = g_signal_connect (self->scanner, "progress", G_CALLBACK (progress_cb), self);
  self->finished_id = g_signal_connect (self->scanner, "scan-finished",
                                        G_CALLBACK (scan_finished_cb), self);
  if (self->camera == NULL)
    self->camera = default_camera ();
  self->preview_id = g_signal_connect (self->camera, "preview", G_CALLBACK (camera_preview_cb),
                                       self);
  self->stopped_id = g_signal_connect (self->camera, "stopped", G_CALLBACK (camera_stopped_cb),
                                       self);
  self->cameras_id = g_signal_connect (self->camera, "devices-changed",
                                       G_CALLBACK (cameras_changed_cb), self);

  adw_window_title_set_subtitle (self->window_title, self->slot_title != NULL ? self->slot_title
                                                                              : self->slot);
  list_pages (self);
  update_actions (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "scan.redetect", NULL);
}

static void
hall_scan_window_dispose (GObject *object)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (object);

  open_windows = g_list_remove (open_windows, self);

  g_cancellable_cancel (self->cancellable);
  if (self->scanner != NULL)
    {
      /* Only its own: a window freed late (a task held it) must not end
       * the scan another window has started meanwhile. */
      if (self->scan_is_mine)
        hall_scanner_cancel (self->scanner);
      g_clear_signal_handler (&self->page_id, self->scanner);
      g_clear_signal_handler (&self->progress_id, self->scanner);
      g_clear_signal_handler (&self->finished_id, self->scanner);
    }
  if (self->camera != NULL)
    {
      g_clear_signal_handler (&self->preview_id, self->camera);
      g_clear_signal_handler (&self->stopped_id, self->camera);
      g_clear_signal_handler (&self->cameras_id, self->camera);
      /* The camera's light and stream are for the window using it only. */
      if (self->camera_is_mine)
        hall_camera_stop (self->camera);
    }
  g_clear_object (&self->camera);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_object (&self->scanner);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  stop_adding_rows (self);
  g_clear_handle_id (&self->focus_idle, g_source_remove);
  /* The rows are let go of with the list: none is bound any more. */
  if (self->page_view != NULL)
    gtk_list_view_set_model (self->page_view, NULL);
  g_clear_pointer (&self->bound, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_SCAN_WINDOW);

  G_OBJECT_CLASS (hall_scan_window_parent_class)->dispose (object);
}

static void
hall_scan_window_finalize (GObject *object)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->cameras, g_ptr_array_unref);
  g_clear_pointer (&self->preview, cairo_surface_destroy);
  g_clear_pointer (&self->crop_view, cairo_surface_destroy);
  g_clear_pointer (&self->crop_image, hall_page_image_unref);
  g_free (self->crop_uuid);
  g_clear_pointer (&self->page_index, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_object (&self->page_model);
  g_free (self->row_title);
  g_clear_pointer (&self->fetches, g_hash_table_unref);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_clear_pointer (&self->resolutions, g_array_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->decoding, g_hash_table_unref);
  g_strfreev (self->sources);
  g_free (self->case_uuid);
  g_free (self->slot);
  g_free (self->slot_title);
  g_free (self->official);
  g_free (self->error_text);
  g_free (self->rescan_uuid);
  g_free (self->focus_after_move);

  G_OBJECT_CLASS (hall_scan_window_parent_class)->finalize (object);
}

static void
hall_scan_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SCANNER:
      g_value_set_object (value, self->scanner);
      break;
    case PROP_CAMERA:
      g_value_set_object (value, self->camera);
      break;
    case PROP_CASE_UUID:
      g_value_set_string (value, self->case_uuid);
      break;
    case PROP_SLOT:
      g_value_set_string (value, self->slot);
      break;
    case PROP_SLOT_TITLE:
      g_value_set_string (value, self->slot_title);
      break;
    case PROP_OFFICIAL:
      g_value_set_string (value, self->official);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_scan_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HallScanWindow *self = HALL_SCAN_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SCANNER:
      self->scanner = g_value_dup_object (value);
      break;
    case PROP_CAMERA:
      self->camera = g_value_dup_object (value);
      break;
    case PROP_CASE_UUID:
      self->case_uuid = g_value_dup_string (value);
      break;
    case PROP_SLOT:
      self->slot = g_value_dup_string (value);
      break;
    case PROP_SLOT_TITLE:
      self->slot_title = g_value_dup_string (value);
      break;
    case PROP_OFFICIAL:
      self->official = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_scan_window_class_init (HallScanWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hall_scan_window_constructed;
  object_class->dispose = hall_scan_window_dispose;
  object_class->finalize = hall_scan_window_finalize;
  object_class->get_property = hall_scan_window_get_property;
  object_class->set_property = hall_scan_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNER] =
    g_param_spec_object ("scanner", NULL, NULL, HALL_TYPE_SCANNER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA] =
    g_param_spec_object ("camera", NULL, NULL, HALL_TYPE_CAMERA,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CASE_UUID] =
    g_param_spec_string ("case-uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SLOT] =
    g_param_spec_string ("slot", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SLOT_TITLE] =
    g_param_spec_string ("slot-title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFICIAL] =
    g_param_spec_string ("official", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-scan-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, device_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, resolution_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, page_view);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, empty_placeholder);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, preview_area);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, scan_stack);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, scan_button);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HallScanWindow, crop_bar);
  gtk_widget_class_bind_template_callback (widget_class, device_selected_cb);

  gtk_widget_class_install_action (widget_class, "scan.redetect", NULL, redetect_action);
  gtk_widget_class_install_action (widget_class, "scan.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "scan.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scan.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "scan.rotate", "s", rotate_action);
  gtk_widget_class_install_action (widget_class, "scan.move-up", "s", move_up_action);
  gtk_widget_class_install_action (widget_class, "scan.move-down", "s", move_down_action);
  gtk_widget_class_install_action (widget_class, "scan.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "scan.rescan", "s", rescan_action);
  gtk_widget_class_install_action (widget_class, "scan.capture", NULL, capture_action);
  gtk_widget_class_install_action (widget_class, "scan.crop", "s", crop_action);
  gtk_widget_class_install_action (widget_class, "scan.crop-apply", NULL, crop_apply_action);
  gtk_widget_class_install_action (widget_class, "scan.crop-reset", NULL, crop_reset_action);
  gtk_widget_class_install_action (widget_class, "scan.crop-cancel", NULL, crop_cancel_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "scan.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "scan.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "scan.redetect", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "scan.capture", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0,
                                (GtkShortcutFunc) gtk_window_close, NULL);
}

static void
hall_scan_window_init (HallScanWindow *self)
{
  GtkGesture *drag;
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));
  ellipsize_choices (self->device_dropdown);
  ellipsize_choices (self->source_dropdown);
  gtk_drawing_area_set_draw_func (self->preview_area, draw_preview, self, NULL);
  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (crop_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (crop_drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->preview_area), GTK_EVENT_CONTROLLER (drag));
  self->crop_corner = -1;
  self->file_drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (self->file_drop, "drop", G_CALLBACK (files_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (self->file_drop));

  self->cancellable = g_cancellable_new ();
  self->kinds = g_array_new (FALSE, FALSE, sizeof (HallPageKind));
  self->resolutions = g_array_new (FALSE, FALSE, sizeof (guint));
  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->decoding = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->page_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->bound = g_hash_table_new (g_str_hash, g_str_equal);
  self->page_model = gtk_string_list_new (NULL);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (page_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (page_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (page_unbind_cb), self);
  gtk_list_view_set_factory (self->page_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->page_view,
                           GTK_SELECTION_MODEL (gtk_no_selection_new (
                             G_LIST_MODEL (g_object_ref (self->page_model)))));
  self->fetches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HallScanWindow *
hall_scan_window_find (const char *case_uuid,
                       const char *slot)
{
  for (GList *l = open_windows; l != NULL; l = l->next)
    {
      HallScanWindow *window = l->data;

      if (g_strcmp0 (window->case_uuid, case_uuid) == 0 && g_strcmp0 (window->slot, slot) == 0)
        return window;
    }
  return NULL;
}

HallScanWindow *
hall_scan_window_new (HallStore   *store,
                      HallScanner *scanner,
                      const char  *case_uuid,
                      const char  *slot,
                      const char  *slot_title,
                      const char  *official)
{
  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (case_uuid != NULL && slot != NULL, NULL);

  return g_object_new (HALL_TYPE_SCAN_WINDOW,
                       "store", store,
                       "scanner", scanner,
                       "case-uuid", case_uuid,
                       "slot", slot,
                       "slot-title", slot_title,
                       "official", official,
                       NULL);
}

void
hall_scan_window_set_sync_engine (HallScanWindow *self,
                                  HallSyncEngine *engine)
{
  g_return_if_fail (HALL_IS_SCAN_WINDOW (self));
  g_return_if_fail (engine == NULL || HALL_IS_SYNC_ENGINE (engine));

  if (!g_set_object (&self->engine, engine))
    return;
  g_hash_table_remove_all (self->fetches);
  list_pages (self);
}

void
hall_scan_window_import_files (HallScanWindow *self,
                               GListModel     *files)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (files);

  g_return_if_fail (HALL_IS_SCAN_WINDOW (self));

  g_clear_pointer (&self->error_text, g_free);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GFile) file = g_list_model_get_item (files, i);
      char *path = g_file_get_path (file);

      if (path == NULL)
        {
          g_autofree char *name = g_file_get_parse_name (file);
          g_autofree char *message = g_strdup_printf (_("%s is not a local file"), name);

          show_refusal (self, message);
          return;
        }
      g_ptr_array_add (paths, path);
    }
  if (paths->len == 0)
    return;
  g_ptr_array_add (paths, NULL);

  /* Every file is decoded and checked, off the main thread, before any
   * page is stored: all or none. */
  show_status (self, _("Reading the files…"));
  self->n_storing++;
  update_actions (self);
  hall_page_image_load_files_async ((const char *const *) paths->pdata, self->cancellable,
                                    import_cb, g_object_ref (self));
}

guint
hall_scan_window_get_n_pages (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), 0);

  return self->pages != NULL ? self->pages->len : 0;
}

gboolean
hall_scan_window_get_ready (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);

  return self->ready && self->n_storing == 0;
}

gboolean
hall_scan_window_get_scanning (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);

  return self->scan_is_mine || self->n_storing > 0 || self->n_editing > 0
         || self->listing || self->n_decoding > 0 || self->rows_tick != 0;
}

const char *
hall_scan_window_get_status_text (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  return gtk_label_get_text (self->status_label);
}

const char *
hall_scan_window_get_error_text (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  return self->error_text;
}

const char *
hall_scan_window_get_page_note (HallScanWindow *self,
                                guint           position)
{
  HallStoredPage *page;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  if (self->pages == NULL || position >= self->pages->len)
    return NULL;
  page = g_ptr_array_index (self->pages, position);
  if (hall_store_has_page_file (self->store, page->sha256))
    return NULL;
  if (g_hash_table_contains (self->fetches, page->sha256))
    {
      const char *reason = g_hash_table_lookup (self->fetches, page->sha256);

      return reason != NULL ? reason : _("On the server, downloading…");
    }
  return _("On the server, not yet downloaded");
}

GdkPaintable *
hall_scan_window_get_thumbnail (HallScanWindow *self,
                                guint           position)
{
  const char *uuid;
  HallStoredPage *page;
  PageRow *row;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  uuid = gtk_string_list_get_string (self->page_model, position);
  if (uuid == NULL || (page = g_hash_table_lookup (self->page_index, uuid)) == NULL)
    return NULL;
  /* A row on screen: what it shows; one scrolled away: what it would be
   * given when it comes back. */
  row = g_hash_table_lookup (self->bound, uuid);
  if (row != NULL)
    return gtk_picture_get_paintable (GTK_PICTURE (row->picture));
  return g_hash_table_lookup (self->thumbnails, page->sha256);
}

guint
hall_scan_window_get_n_rows_built (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), 0);

  return self->n_rows_built;
}

guint
hall_scan_window_get_n_rows_bound (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), 0);

  return g_hash_table_size (self->bound);
}

const char *
hall_scan_window_get_row_title (HallScanWindow *self,
                                guint           position,
                                const char    **uuid_out)
{
  const char *uuid;
  HallStoredPage *page;
  PageRow *row;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  uuid = gtk_string_list_get_string (self->page_model, position);
  if (uuid == NULL || (page = g_hash_table_lookup (self->page_index, uuid)) == NULL)
    return NULL;
  if (uuid_out != NULL)
    *uuid_out = page->uuid;
  row = g_hash_table_lookup (self->bound, uuid);
  if (row != NULL)
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row->row));
  g_free (self->row_title);
  self->row_title = page_title (page);
  return self->row_title;
}

gboolean
hall_scan_window_choose (HallScanWindow *self,
                         const char     *source,
                         guint           dpi)
{
  guint source_index = GTK_INVALID_LIST_POSITION;
  guint dpi_index = GTK_INVALID_LIST_POSITION;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);

  for (guint i = 0; self->sources != NULL && self->sources[i] != NULL; i++)
    if (g_strcmp0 (self->sources[i], source) == 0)
      source_index = i;
  for (guint i = 0; i < self->resolutions->len; i++)
    if (g_array_index (self->resolutions, guint, i) == dpi)
      dpi_index = i;
  if (source_index == GTK_INVALID_LIST_POSITION || dpi_index == GTK_INVALID_LIST_POSITION)
    return FALSE;
  gtk_drop_down_set_selected (self->source_dropdown, source_index);
  gtk_drop_down_set_selected (self->resolution_dropdown, dpi_index);
  return TRUE;
}

guint
hall_scan_window_get_n_previews (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), 0);

  return self->n_previews;
}

gboolean
hall_scan_window_get_outline_shown (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);

  return self->has_outline && gtk_widget_get_visible (GTK_WIDGET (self->preview_area));
}

gboolean
hall_scan_window_choose_device (HallScanWindow *self,
                                const char     *id)
{
  guint n_scanners;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);

  n_scanners = self->devices != NULL ? self->devices->len : 0;
  for (guint i = 0; i < n_scanners; i++)
    if (g_strcmp0 (((HallScanDevice *) g_ptr_array_index (self->devices, i))->name, id) == 0)
      {
        gtk_drop_down_set_selected (self->device_dropdown, i);
        return TRUE;
      }
  for (guint i = 0; self->cameras != NULL && i < self->cameras->len; i++)
    if (g_strcmp0 (((HallCameraDevice *) g_ptr_array_index (self->cameras, i))->id, id) == 0)
      {
        gtk_drop_down_set_selected (self->device_dropdown, n_scanners + i);
        return TRUE;
      }
  return FALSE;
}

gboolean
hall_scan_window_drag_crop_corner (HallScanWindow *self,
                                   int             corner,
                                   double          x,
                                   double          y)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), FALSE);
  g_return_val_if_fail (corner >= 0 && corner < 4, FALSE);

  if (self->crop_image == NULL)
    return FALSE;
  move_crop_corner (self, corner, x, y);
  return TRUE;
}

/* The row showing page @position, if one does. */
static PageRow *
bound_row (HallScanWindow *self,
           guint           position)
{
  const char *uuid = gtk_string_list_get_string (self->page_model, position);

  return uuid != NULL ? g_hash_table_lookup (self->bound, uuid) : NULL;
}

GtkDragSource *
hall_scan_window_get_page_drag_source (HallScanWindow *self,
                                       guint           position)
{
  PageRow *row;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  row = bound_row (self, position);
  return row != NULL ? row->drag_source : NULL;
}

GtkDropTarget *
hall_scan_window_get_page_drop_target (HallScanWindow *self,
                                       guint           position)
{
  PageRow *row;

  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  row = bound_row (self, position);
  return row != NULL ? row->drop_target : NULL;
}

GtkDropTarget *
hall_scan_window_get_file_drop_target (HallScanWindow *self)
{
  g_return_val_if_fail (HALL_IS_SCAN_WINDOW (self), NULL);

  return self->file_drop;
}
