/* hall-dossier.h — a case's documents as one PDF, for the file or to print
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "hall-applicant.h"
#include "hall-case.h"
#include "hall-service.h"

G_BEGIN_DECLS

/* A4 portrait, in PostScript points. */
#define HALL_DOSSIER_WIDTH  595.276
#define HALL_DOSSIER_HEIGHT 841.890

/* Loads one page when the dossier draws it: (transfer full) an image
 * surface (RGB24 or A8), with the bytes of its JPEG attached as
 * CAIRO_MIME_TYPE_JPEG where it has them so that the PDF embeds the JPEG
 * as it is; NULL with @error set when the page cannot be read. */
typedef cairo_surface_t *(*HallDossierPageFunc) (gpointer   data,
                                                 GError   **error);

#define HALL_TYPE_DOSSIER (hall_dossier_get_type ())
G_DECLARE_FINAL_TYPE (HallDossier, hall_dossier, HALL, DOSSIER, GObject)

/* The dossier of a case: a cover page (case number, applicant, service,
 * when it was taken in, and each document of the checklist with its number
 * of pages, or "missing"), then the pages of each document in the order of
 * the checklist, each scaled to fit an A4 page at its resolution. Pages
 * are loaded one at a time while the PDF is written, so a dossier of a
 * hundred pages never holds more than one in memory. */
/* (transfer full): @applicant and @service may be NULL. */
HallDossier    *hall_dossier_new          (HallCase            *kase,
                                           HallApplicant       *applicant,
                                           HallService         *service);
/* Adds a document to the list, in order; @title NULL: the service's name
 * for @slot, else @slot itself. */
void            hall_dossier_add_document (HallDossier         *self,
                                           const char          *slot,
                                           const char          *title);
/* Adds a page at the end of @slot's pages (a slot not added yet is added).
 * @dpi 0 means the page is fit to A4. */
void            hall_dossier_add_page     (HallDossier         *self,
                                           const char          *slot,
                                           guint                dpi,
                                           HallDossierPageFunc  load,
                                           gpointer             data,
                                           GDestroyNotify       destroy);
/* Pages in the PDF: the cover and every page added. */
guint           hall_dossier_get_n_pages  (HallDossier         *self);

/* Draws page @index (0 is the cover) on @cr at A4 size in points; for a
 * GtkPrintOperation too. */
gboolean        hall_dossier_render_page  (HallDossier         *self,
                                           cairo_t             *cr,
                                           guint                index,
                                           GError             **error);
/* Writes the whole dossier as a PDF to @file (replacing it): written to a
 * temporary file beside it and renamed, so a failure leaves no half file. */
gboolean        hall_dossier_write_pdf    (HallDossier         *self,
                                           GFile               *file,
                                           GError             **error);

G_END_DECLS
