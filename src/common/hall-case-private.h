/* hall-case-private.h — what the store's list does to a HallCase
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case.h"

G_BEGIN_DECLS

/* @self, a placeholder a view holds, becomes a copy of the case @source
 * was read as, and notifies "uuid" alone (it is another case now; a view
 * redraws all it shows of it). A page of a hundred placeholders filled
 * through the setters notified some twenty properties each to every cell
 * bound to it. */
void _hall_case_fill_placeholder (HallCase *self,
                                  HallCase *source);

G_END_DECLS
