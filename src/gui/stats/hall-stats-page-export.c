/* hall-stats-page-export.c — the supervisor page's figures saved as CSV or
 * as the PDF report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code as service-hall-ctl stats writes them (src/common's CSV,
 * src/render's PDF), from the figures the page shows: the server's, or
 * this counter's own when the server could not be reached, which the PDF
 * and the toast then say. The file is written asynchronously.
 */
#define G_LOG_DOMAIN "hall-stats"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-stats-page-private.h"
#include "hall-stats-pdf.h"

/* Export: the figures shown, as CSV (by service) or as the PDF report,
 * written by the same code as service-hall-ctl stats. */

static GFile *
documents_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  /* Where a person keeps documents; the home folder when there is none. */
  if (documents == NULL || !g_file_test (documents, G_FILE_TEST_IS_DIR))
    documents = g_get_home_dir ();
  return g_file_new_for_path (documents);
}

static void
show_toast (HallStatsPage *self,
            const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HallStatsPage *self;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  g_file_replace_contents_finish (G_FILE (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HALL_STATS_PAGE (user_data);
  self->exporting = FALSE;
  g_free (self->export_message);
  name = g_file_get_parse_name (G_FILE (source));
  if (error != NULL)
    /* Translators: %s says why, in words */
    self->export_message = g_strdup_printf (_("The figures could not be saved: %s"),
                                            error->message);
  else if (self->offline)
    /* Translators: %s is the file's name */
    self->export_message = g_strdup_printf (_("Saved “%s”: this counter’s own figures only, "
                                              "the server could not be reached"),
                                            name);
  else
    /* Translators: %s is the file's name */
    self->export_message = g_strdup_printf (_("Saved “%s”"), name);
  show_toast (self, self->export_message);
  _hall_stats_page_update_actions (self);
}

static gboolean
export_to (HallStatsPage   *self,
           HallStatsExport  kind,
           GFile           *file)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  /* While figures are read, those shown may be another range's, or lack
   * the heat map's weeks: nothing is written until they are all in. */
  if (self->busy || self->month == NULL || self->month->by_day == NULL || self->exporting)
    return FALSE;
  if (kind == HALL_STATS_EXPORT_CSV)
    {
      char *csv;

      if (self->month->by_service == NULL)
        return FALSE;
      csv = hall_stats_report_to_csv (self->month->by_service, self->service_labels);
      bytes = g_bytes_new_take (csv, strlen (csv));
    }
  else
    {
      /* One page: about 25 ms on the main loop once the fonts are
       * loaded, which the charts on screen have done (2-core VM); the
       * writing is what may wait (a network folder), so it runs
       * asynchronously. */
      bytes = hall_stats_pdf_render (self->month->by_day, self->month->weeks,
                                     self->service_labels, self->reason_labels,
                                     self->catalog != NULL
                                       ? hall_catalog_get_hall_name (self->catalog) : NULL,
                                     &error);
      if (bytes == NULL)
        {
          g_free (self->export_message);
          self->export_message = g_strdup_printf (_("The figures could not be saved: %s"),
                                                  error->message);
          show_toast (self, self->export_message);
          return FALSE;
        }
    }
  self->exporting = TRUE;
  g_clear_pointer (&self->export_message, g_free);
  _hall_stats_page_update_actions (self);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->export_cancellable, export_cb, self);
  return TRUE;
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  HallStatsPage *self = user_data;
  HallStatsExport kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "hall-export"));
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_signal_handlers_disconnect_by_data (chooser, self);
  g_clear_object (&self->chooser);
  if (file != NULL)
    export_to (self, kind, file);
}

void
_hall_stats_page_export_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  HallStatsPage *self = HALL_STATS_PAGE (widget);
  HallStatsExport kind = g_str_equal (action_name, "stats.export-pdf") ? HALL_STATS_EXPORT_PDF
                                                                       : HALL_STATS_EXPORT_CSV;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr (GFile) folder = documents_folder ();
  g_autofree char *name = hall_stats_page_dup_export_name (self, kind);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (kind == HALL_STATS_EXPORT_CSV
                                                 ? _("Export the Figures as CSV")
                                                 : _("Save the Monthly Report"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  if (kind == HALL_STATS_EXPORT_CSV)
    {
      gtk_file_filter_set_name (filter, _("CSV spreadsheets"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
      gtk_file_filter_add_pattern (filter, "*.csv");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PDF documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "hall-export", GUINT_TO_POINTER (kind));
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

void
_hall_stats_page_export_dispose (HallStatsPage *self)
{
  g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  g_clear_pointer (&self->export_message, g_free);
}

/* Test hooks */

char *
hall_stats_page_dup_export_name (HallStatsPage   *self,
                                 HallStatsExport  kind)
{
  const char *extension = kind == HALL_STATS_EXPORT_PDF ? "pdf" : "csv";
  GDate end_of_month = self->from;
  char from[16], to[16];

  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);

  g_date_set_day (&end_of_month, g_date_get_days_in_month (g_date_get_month (&self->from),
                                                           g_date_get_year (&self->from)));
  /* A whole month is named by it, a whole year by it; any other range by
   * its two days. The name is the same in every language, as the files a
   * hall keeps are. */
  if (g_date_get_day (&self->from) == 1 && g_date_compare (&self->to, &end_of_month) == 0)
    {
      g_date_strftime (from, sizeof from, "%Y-%m", &self->from);
      return g_strdup_printf ("service-hall-%s.%s", from, extension);
    }
  if (g_date_get_day_of_year (&self->from) == 1 && g_date_is_last_of_month (&self->to)
      && g_date_get_month (&self->to) == G_DATE_DECEMBER
      && g_date_get_year (&self->to) == g_date_get_year (&self->from))
    return g_strdup_printf ("service-hall-%u.%s", g_date_get_year (&self->from), extension);
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  return g_strdup_printf ("service-hall-%s_%s.%s", from, to, extension);
}

gboolean
hall_stats_page_export (HallStatsPage   *self,
                        HallStatsExport  kind,
                        GFile           *file)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  return export_to (self, kind, file);
}

gboolean
hall_stats_page_get_exporting (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), FALSE);

  return self->exporting;
}

const char *
hall_stats_page_get_export_message (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);

  return self->export_message;
}

GtkFileChooser *
hall_stats_page_get_chooser (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);

  return self->chooser != NULL ? GTK_FILE_CHOOSER (self->chooser) : NULL;
}
