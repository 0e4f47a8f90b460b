/* hall-license.h — the license or certificate a case ends in, on A4
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "hall-license-payload.h"

G_BEGIN_DECLS

/* A4 portrait, in PostScript points. */
#define HALL_LICENSE_WIDTH  595.276
#define HALL_LICENSE_HEIGHT 841.890

#define HALL_TYPE_LICENSE (hall_license_get_type ())
G_DECLARE_FINAL_TYPE (HallLicense, hall_license, HALL, LICENSE, GObject)

/* The document handed to the holder: the issuing hall, the license type,
 * its number, holder, the holder's document number, scope, issue date,
 * validity and the official who signed it, in Chinese and in English
 * whatever the reader's language (a license is shown to banks and
 * inspectors), and a QR code (error correction Q) holding the signed
 * payload, which is the license: the printed text is there for people.
 *
 * Immutable once built, so it may be rendered on a worker thread. */
/* (transfer full): @payload_text is the "SH1:" text @payload was read
 * from or signed to; the names (nullable) are the license type's and the
 * hall's, in both languages. */
HallLicense   *hall_license_new           (const HallLicensePayload *payload,
                                           const char               *payload_text,
                                           const char               *type_name_zh,
                                           const char               *type_name_en,
                                           const char               *hall_name_zh,
                                           const char               *hall_name_en);
const char    *hall_license_get_number    (HallLicense *self);
const char    *hall_license_get_payload_text (HallLicense *self);

/* Draws the license into (0, 0, @width, @height) of @cr, in @cr's user
 * units, scaled to fit while keeping A4's proportions, on white. */
void           hall_license_render        (HallLicense *self,
                                           cairo_t     *cr,
                                           double       width,
                                           double       height);
/* Writes a one-page A4 PDF to @file (replacing it). */
gboolean       hall_license_write_pdf     (HallLicense *self,
                                           GFile       *file,
                                           GError     **error);

G_END_DECLS
