/* hall-server-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hall-server-error.h"

G_DEFINE_QUARK (hall-server-error-quark, hall_server_error)
