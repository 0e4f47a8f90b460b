/* hall-roles.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-roles.h"

/* Indexed by bit: role_names[i] is the name of 1 << i. */
static const char * const role_names[] = {
  "reception", "counter_official", "approver", "supervisor", "administrator",
};

G_STATIC_ASSERT (HALL_ROLES_ALL == (1 << G_N_ELEMENTS (role_names)) - 1);

static HallRoles
role_of_name (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      return 1 << i;
  return 0;
}

gboolean
hall_roles_parse (const char  *text,
                  HallRoles   *roles_out,
                  GError     **error)
{
  g_auto (GStrv) names = g_strsplit (text != NULL ? text : "", ",", -1);
  HallRoles roles = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      HallRoles role;

      if (*name == '\0')
        continue;
      role = role_of_name (name);
      if (role == 0)
        {
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("“%s” is not a role (roles: reception, counter_official, approver, "
                         "supervisor, administrator)"), name);
          return FALSE;
        }
      roles |= role;
    }
  *roles_out = roles;
  return TRUE;
}

HallRoles
hall_roles_from_string (const char *text)
{
  g_auto (GStrv) names = g_strsplit (text != NULL ? text : "", ",", -1);
  HallRoles roles = 0;

  for (guint i = 0; names[i] != NULL; i++)
    roles |= role_of_name (g_strstrip (names[i]));
  return roles;
}

char **
hall_roles_to_strv (HallRoles roles)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (roles & (1 << i))
      g_strv_builder_add (builder, role_names[i]);
  return g_strv_builder_end (builder);
}

char *
hall_roles_to_string (HallRoles roles)
{
  g_auto (GStrv) names = hall_roles_to_strv (roles);

  return g_strjoinv (",", names);
}

const char *
hall_role_to_string (HallRoles role)
{
  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (role == (HallRoles) (1 << i))
      return role_names[i];
  return NULL;
}
