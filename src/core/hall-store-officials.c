/* hall-store-officials.c — the officials who may sign in at this counter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-password.h"
#include "hall-roles.h"
#include "hall-store-private.h"
#include "hall-store-signing.h"

gboolean
hall_store_add_official (HallStore  *self,
                         const char *username,
                         const char *display_name,
                         const char *password,
                         const char *roles,
                         GError    **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *roles_text = NULL;
  g_autoptr (HallSqliteStmt) stmt = NULL;
  HallRoles flags;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (username != NULL && display_name != NULL, FALSE);
  g_return_val_if_fail (password != NULL && roles != NULL, FALSE);

  if (*username == '\0')
    {
      g_set_error_literal (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                           _("The user name of an official must not be empty"));
      return FALSE;
    }

  /* The roles are kept in their one string form; one that is not a role
   * is refused by name rather than stored to mean nothing. */
  if (!hall_roles_parse (roles, &flags, error))
    return FALSE;
  roles_text = hall_roles_to_string (flags);

  /* Hashing takes a noticeable time and memory by design: outside the lock. */
  hash = hall_password_hash (password, error);
  if (hash == NULL)
    return FALSE;

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "INSERT INTO officials (username, display_name, password_hash,"
                                   " roles, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                                   " ON CONFLICT (username) DO UPDATE"
                                   " SET display_name = excluded.display_name,"
                                   " password_hash = excluded.password_hash,"
                                   " roles = excluded.roles",
                                   error);
  if (stmt == NULL)
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  hall_sqlite_bind_text (stmt, 1, username);
  hall_sqlite_bind_text (stmt, 2, display_name);
  hall_sqlite_bind_text (stmt, 3, hash);
  hall_sqlite_bind_text (stmt, 4, roles_text);
  sqlite3_bind_int64 (stmt, 5, _hall_store_now_seconds ());
  if (!hall_sqlite_stmt_run (stmt, _("save the official"), error))
    {
      g_clear_pointer (&stmt, hall_sqlite_stmt_release);
      _hall_store_write_rollback (self);
      return FALSE;
    }
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  return _hall_store_write_commit (self, error);
}

static void
note_row (HallSqliteStmt *stmt,
          gpointer        data)
{
  *(gboolean *) data = TRUE;
}

static gboolean
official_exists (HallStore  *self,
                 const char *username,
                 gboolean   *exists,
                 GError    **error)
{
  *exists = FALSE;
  return _hall_store_read_rows (self, "SELECT 1 FROM officials WHERE username = ?1", username,
                                note_row, exists, _("look up the official"), error);
}

gboolean
hall_store_add_demo_officials (HallStore  *self,
                               GError    **error)
{
  static const struct
  {
    const char *username;
    const char *display_name;
    const char *roles;
  } demo[] = {
    { "demo", N_("Demo Official"),
      "reception,counter_official,approver,supervisor,administrator" },
    { "wang.fang", "王芳", "counter_official" },
    { "li.na", "李娜", "approver" },
    { "zhao.lei", "赵磊", "supervisor" },
  };

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (demo); i++)
    {
      gboolean exists = FALSE;

      if (!official_exists (self, demo[i].username, &exists, error))
        return FALSE;
      if (!exists
          && !hall_store_add_official (self, demo[i].username, _(demo[i].display_name), "demo",
                                       demo[i].roles, error))
        return FALSE;
    }
  /* Their signing keys, certified by the demo hall key, so that deciding
   * and issuing licenses work out of the box. */
  return hall_store_add_demo_signing (self, error);
}

/* The row's columns into the strings @data points to: display name,
 * password hash, roles. */
static void
take_official (HallSqliteStmt *stmt,
               gpointer        data)
{
  char ***columns = data;

  for (guint i = 0; i < 3; i++)
    {
      g_free (*columns[i]);
      *columns[i] = hall_sqlite_column_dup (stmt, i);
    }
}

char *
hall_store_check_password (HallStore  *self,
                           const char *username,
                           const char *password,
                           char      **roles_out,
                           GError    **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *roles = NULL;
  char **columns[] = { &display_name, &hash, &roles };

  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL && password != NULL, NULL);

  if (!_hall_store_read_rows (self,
                              "SELECT display_name, password_hash, roles FROM officials"
                              " WHERE username = ?1",
                              username, take_official, columns, _("look up the official"), error))
    return NULL;

  /* The same answer, after the same time, for an unknown name and a wrong
   * password, so the form does not tell which user names exist. */
  if (!hall_password_verify (hash, password))
    {
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH,
                           _("The user name or the password is not right"));
      return NULL;
    }
  if (roles_out != NULL)
    *roles_out = g_steal_pointer (&roles);
  return g_steal_pointer (&display_name);
}
