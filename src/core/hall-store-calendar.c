/* hall-store-calendar.c — the hall's calendar as this counter last heard
 * it from the server, for promises made offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Kept in one meta row ("calendar": the version, a newline, the JSON), so
 * that a version and its calendar are never read apart.
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "hall-core-error.h"
#include "hall-store.h"

#define META_KEY "calendar"

HallCalendar *
hall_store_load_calendar (HallStore *self,
                          gint64    *version_out,
                          GError   **error)
{
  g_autofree char *value = NULL;
  const char *json;
  char *end = NULL;
  gint64 version;

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);

  value = hall_store_get_meta (self, META_KEY);
  if (value == NULL)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                           _("This counter has not yet received the hall’s calendar"));
      return NULL;
    }
  version = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\n' || version <= 0)
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                           _("The hall’s calendar kept on this counter is damaged; it is "
                             "fetched again at the next sync"));
      return NULL;
    }
  json = end + 1;
  if (version_out != NULL)
    *version_out = version;
  return hall_calendar_new_checked (json, -1, _("the hall’s calendar kept on this counter"),
                                    NULL, error);
}

gboolean
hall_store_save_calendar (HallStore    *self,
                          HallCalendar *calendar,
                          gint64        version,
                          GError      **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (HALL_IS_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (version > 0, FALSE);

  value = g_strdup_printf ("%" G_GINT64_FORMAT "\n%s", version, hall_calendar_get_json (calendar));
  return hall_store_set_meta (self, META_KEY, value, error);
}
