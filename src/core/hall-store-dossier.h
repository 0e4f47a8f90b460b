/* hall-store-dossier.h — a case's documents, as the store holds them, as a
 * dossier to draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-catalog.h"
#include "hall-dossier.h"
#include "hall-store.h"

G_BEGIN_DECLS

/* (transfer full): the dossier of @kase: its applicant and @catalog's
 * service (nullable), the documents of its checklist in order, and its
 * pages, each read from the store's file only when it is drawn (a JPEG
 * keeps its bytes, which a PDF embeds as they are). Built with rendering
 * only (the command line's `dossier`, the case page). */
HallDossier *hall_store_build_dossier (HallStore    *store,
                                       HallCase     *kase,
                                       HallCatalog  *catalog,
                                       GError      **error);

G_END_DECLS
