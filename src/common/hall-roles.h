/* hall-roles.h — what an official may do, one representation for the
 * counter's store and the server alike
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bit flags in memory and in tokens; "reception,counter_official" in
 * databases, the command line and JSON. */
typedef enum
{
  HALL_ROLE_RECEPTION        = 1 << 0,
  HALL_ROLE_COUNTER_OFFICIAL = 1 << 1,
  HALL_ROLE_APPROVER         = 1 << 2,
  HALL_ROLE_SUPERVISOR       = 1 << 3,
  HALL_ROLE_ADMINISTRATOR    = 1 << 4,
} HallRoles;

#define HALL_ROLES_ALL (HALL_ROLE_RECEPTION | HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER \
                        | HALL_ROLE_SUPERVISOR | HALL_ROLE_ADMINISTRATOR)

/* The roles whose work is citizens' cases, who read applicants, cases and
 * their events: the others (reception, administrator) read none. */
#define HALL_ROLES_CASE_WORK (HALL_ROLE_COUNTER_OFFICIAL | HALL_ROLE_APPROVER \
                              | HALL_ROLE_SUPERVISOR)

/* Flags of a comma-separated list; spaces around names are ignored. FALSE
 * naming the first unknown role in @error (HALL_VALIDATION_ERROR). */
gboolean   hall_roles_parse        (const char  *text,
                                    HallRoles   *roles_out,
                                    GError     **error);
/* The same, ignoring unknown names: for what a database already holds,
 * written by a newer version perhaps. */
HallRoles  hall_roles_from_string  (const char  *text);
/* (transfer full): "counter_official,approver", in the order above; "" for
 * none. */
char      *hall_roles_to_string    (HallRoles    roles);
/* (transfer full) (array zero-terminated=1): the names, in the order above. */
char     **hall_roles_to_strv      (HallRoles    roles);
/* (transfer none) (nullable): the name of one role flag. */
const char *hall_role_to_string    (HallRoles    role);

G_END_DECLS
