/* hall-i18n.h — every program's translations set up the same way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The user's locale, and the project's messages in UTF-8 from
 * $SERVICE_HALL_LOCALEDIR when set (an uninstalled build's po/), else from
 * where they are installed. First thing in main(). */
void hall_i18n_init (void);

G_END_DECLS
