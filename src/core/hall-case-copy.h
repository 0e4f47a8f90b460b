/* hall-case-copy.h — a case read again, copied into the object already
 * shown, so that its rows update in place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-case.h"

G_BEGIN_DECLS

/* Copies every property of @src into @dst (notifying only what changed). */
void       _hall_case_copy           (HallCase           *dst,
                                      HallCase           *src);

G_END_DECLS
