/* hall-poppler-library.h — poppler-glib, loaded by the first PDF
 *
 * poppler and NSS are opened when a PDF is first imported or a license is
 * read from one, not when the counter starts. Call
 * hall_poppler_library_load() before any sym_poppler_* function.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <poppler.h>

#include "hall-lazy-library.h"

G_BEGIN_DECLS

#define HALL_POPPLER_FUNCTIONS(X) \
  X (poppler_error_quark) \
  X (poppler_document_new_from_bytes) \
  X (poppler_document_new_from_gfile) \
  X (poppler_document_get_n_pages) \
  X (poppler_document_get_page) \
  X (poppler_page_get_size) \
  X (poppler_page_get_text) \
  X (poppler_page_render_for_printing)

HALL_POPPLER_FUNCTIONS (HALL_LAZY_SYMBOL_DECLARE)

/* FALSE with HALL_LIBRARY_ERROR_MISSING when poppler-glib cannot be loaded. */
gboolean hall_poppler_library_load (GError **error);

/* poppler-glib 22.12 declares no cleanup functions of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

G_END_DECLS
