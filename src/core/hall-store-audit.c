/* hall-store-audit.c — checking a case's audit chain in the counter's
 * store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-audit.h"
#include "hall-core-error.h"
#include "hall-store-private.h"
#include "hall-store-signing.h"

typedef struct
{
  GPtrArray *entries;
  char      *head;
  gboolean   found;
} AuditRead;

static void
take_head (HallSqliteStmt *stmt,
           gpointer        data)
{
  AuditRead *read = data;

  read->found = TRUE;
  read->head = hall_sqlite_column_dup (stmt, 0);
}

static void
take_entry (HallSqliteStmt *stmt,
            gpointer        data)
{
  AuditRead *read = data;
  HallAuditEntry *entry = g_new0 (HallAuditEntry, 1);

  entry->uuid = hall_sqlite_column_dup (stmt, 0);
  entry->kind = hall_sqlite_column_dup (stmt, 1);
  entry->new_state = hall_sqlite_column_dup (stmt, 2);
  entry->note = hall_sqlite_column_dup (stmt, 3);
  entry->official = hall_sqlite_column_dup (stmt, 4);
  entry->at = sqlite3_column_int64 (stmt, 5);
  entry->prev_hash = hall_sqlite_column_dup (stmt, 6);
  entry->entry_hash = hall_sqlite_column_dup (stmt, 7);
  entry->data = hall_sqlite_column_dup (stmt, 8);
  g_ptr_array_add (read->entries, entry);
}

gboolean
hall_store_audit_case (HallStore   *self,
                       const char  *number,
                       guint       *n_entries,
                       GError     **error)
{
  AuditRead read = { 0 };
  gboolean ok;

  g_return_val_if_fail (HALL_IS_STORE (self), FALSE);
  g_return_val_if_fail (number != NULL, FALSE);

  read.entries = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_audit_entry_free);
  /* Both reads in one call each; an entry written between them shows as
   * a head that does not match, so the check is run again on a mismatch. */
  ok = _hall_store_read_rows (self, "SELECT audit_head FROM cases WHERE number = ?1", number,
                              take_head, &read, _("read the case’s audit trail"), error)
       && _hall_store_read_rows (self,
                                 "SELECT e.uuid, e.kind, e.new_state, e.note, e.official, e.at,"
                                 " e.prev_hash, e.entry_hash, coalesce (e.decision, 'slot:' || e.slot)"
                                 " FROM case_events e"
                                 " JOIN cases c ON c.id = e.case_id WHERE c.number = ?1"
                                 " ORDER BY e.id",
                                 number, take_entry, &read, _("read the case’s audit trail"),
                                 error);
  if (ok && !read.found)
    {
      g_set_error (error, HALL_STORE_ERROR, HALL_STORE_ERROR_NOT_FOUND,
                   _("There is no case %s on this counter"), number);
      ok = FALSE;
    }
  if (ok)
    {
      if (n_entries != NULL)
        *n_entries = read.entries->len;
      ok = hall_audit_check_chain (read.entries, read.head, NULL, error);
    }
  g_ptr_array_unref (read.entries);
  g_free (read.head);
  return ok;
}
