/* hall-ticket-printer.c — the paper ticket a kiosk prints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-ticket-printer.h"

#define PAPER_WIDTH_MM  80.0
#define PAPER_HEIGHT_MM 100.0

struct _HallTicketPrinter
{
  GObject    parent_instance;

  char      *hall_name;
  char      *number;
  char      *service_zh;
  char      *service_en;
  int        wait_minutes;
  GDateTime *taken_at;
};

G_DEFINE_FINAL_TYPE (HallTicketPrinter, hall_ticket_printer, G_TYPE_OBJECT)

static double
show (cairo_t    *cr,
      PangoLayout *layout,
      const char *text,
      double      points,
      gboolean    bold,
      double      width,
      double      y)
{
  PangoFontDescription *font = pango_font_description_from_string ("Noto Sans CJK SC");
  int w, h;

  pango_font_description_set_size (font, (int) (points * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, 0, y);
  pango_cairo_show_layout (cr, layout);
  return y + h;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              HallTicketPrinter *self)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  g_autoptr (PangoLayout) layout = gtk_print_context_create_pango_layout (context);
  g_autofree char *taken = g_date_time_format (self->taken_at, "%Y-%m-%d %H:%M");
  g_autofree char *wait = NULL;
  double y = 0;

  if (self->wait_minutes >= 0)
    wait = g_strdup_printf (ngettext ("Estimated wait: about %d minute",
                                      "Estimated wait: about %d minutes", self->wait_minutes),
                            self->wait_minutes);
  else
    wait = g_strdup (_("Estimated wait: not known yet"));

  cairo_set_source_rgb (cr, 0, 0, 0);
  y = show (cr, layout, self->hall_name != NULL ? self->hall_name : "", 10, TRUE, width, y) + 6;
  y = show (cr, layout, self->number, 44, TRUE, width, y) + 4;
  y = show (cr, layout, self->service_zh != NULL ? self->service_zh : "", 12, TRUE, width, y);
  y = show (cr, layout, self->service_en != NULL ? self->service_en : "", 9, FALSE, width, y) + 8;
  y = show (cr, layout, wait, 10, FALSE, width, y) + 4;
  y = show (cr, layout, _("Please watch the screens for your number."), 9, FALSE, width, y) + 6;
  show (cr, layout, taken, 8, FALSE, width, y);
}

static void
hall_ticket_printer_finalize (GObject *object)
{
  HallTicketPrinter *self = HALL_TICKET_PRINTER (object);

  g_free (self->hall_name);
  g_free (self->number);
  g_free (self->service_zh);
  g_free (self->service_en);
  g_clear_pointer (&self->taken_at, g_date_time_unref);
  G_OBJECT_CLASS (hall_ticket_printer_parent_class)->finalize (object);
}

static void
hall_ticket_printer_class_init (HallTicketPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_ticket_printer_finalize;
}

static void
hall_ticket_printer_init (HallTicketPrinter *self)
{
}

HallTicketPrinter *
hall_ticket_printer_new (const char *hall_name,
                         const char *number,
                         const char *service_zh,
                         const char *service_en,
                         int         estimated_wait_minutes,
                         GDateTime  *taken_at)
{
  HallTicketPrinter *self = g_object_new (HALL_TYPE_TICKET_PRINTER, NULL);

  self->hall_name = g_strdup (hall_name);
  self->number = g_strdup (number);
  self->service_zh = g_strdup (service_zh);
  self->service_en = g_strdup (service_en);
  self->wait_minutes = estimated_wait_minutes;
  self->taken_at = g_date_time_ref (taken_at);
  return self;
}

gboolean
hall_ticket_printer_print (HallTicketPrinter *self,
                           GtkWindow         *parent,
                           const char        *export_pdf,
                           GError           **error)
{
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr (GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr (GtkPaperSize) paper = gtk_paper_size_new_custom ("hall-ticket", _("Ticket roll"),
                                                              PAPER_WIDTH_MM, PAPER_HEIGHT_MM,
                                                              GTK_UNIT_MM);
  GtkPrintOperationResult result;

  g_return_val_if_fail (HALL_IS_TICKET_PRINTER (self), FALSE);

  gtk_page_setup_set_paper_size (setup, paper);
  gtk_page_setup_set_left_margin (setup, 4, GTK_UNIT_MM);
  gtk_page_setup_set_right_margin (setup, 4, GTK_UNIT_MM);
  gtk_page_setup_set_top_margin (setup, 4, GTK_UNIT_MM);
  gtk_page_setup_set_bottom_margin (setup, 4, GTK_UNIT_MM);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_job_name (operation, self->number);
  gtk_print_operation_set_show_progress (operation, FALSE);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), self);
  if (export_pdf != NULL)
    gtk_print_operation_set_export_filename (operation, export_pdf);

  result = gtk_print_operation_run (operation,
                                    export_pdf != NULL ? GTK_PRINT_OPERATION_ACTION_EXPORT
                                                       : GTK_PRINT_OPERATION_ACTION_PRINT,
                                    parent, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
