/* hall-kiosk-window-test-hooks.h — what tests type into the kiosk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-kiosk-window.h"

G_BEGIN_DECLS

/* (transfer none): the appointment code entry. */
GtkEditable *hall_kiosk_window_get_code_entry (HallKioskWindow *self);

G_END_DECLS
