/* hall-audit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-audit"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-audit.h"
#include "hall-error.h"
#include "hall-json.h"
#include "hall-sqlite.h"

static void
put_field (GChecksum  *checksum,
           const char *text)
{
  guint32 be;

  if (text == NULL)
    text = "";
  be = GUINT32_TO_BE ((guint32) strlen (text));
  g_checksum_update (checksum, (const guchar *) &be, 4);
  g_checksum_update (checksum, (const guchar *) text, (gssize) strlen (text));
}

char *
hall_audit_entry_hash (const char *prev_hash,
                       const char *uuid,
                       const char *kind,
                       const char *new_state,
                       const char *note,
                       const char *official,
                       gint64      at,
                       const char *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *time = hall_timestamp_to_iso8601 (at);

  put_field (checksum, "service-hall audit v1");
  put_field (checksum, prev_hash);
  put_field (checksum, uuid);
  put_field (checksum, kind);
  put_field (checksum, new_state);
  put_field (checksum, note);
  put_field (checksum, official);
  put_field (checksum, time);
  put_field (checksum, data);
  return g_strdup (g_checksum_get_string (checksum));
}

static void
audit_hash_func (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  char *hash = hall_audit_entry_hash ((const char *) sqlite3_value_text (argv[0]),
                                      (const char *) sqlite3_value_text (argv[1]),
                                      (const char *) sqlite3_value_text (argv[2]),
                                      (const char *) sqlite3_value_text (argv[3]),
                                      (const char *) sqlite3_value_text (argv[4]),
                                      (const char *) sqlite3_value_text (argv[5]),
                                      sqlite3_value_int64 (argv[6]),
                                      (const char *) sqlite3_value_text (argv[7]));

  sqlite3_result_text (context, hash, -1, g_free);
}

gboolean
hall_audit_register_sql_function (sqlite3  *db,
                                  GError  **error)
{
  if (sqlite3_create_function (db, "hall_audit_hash", 8, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                               NULL, audit_hash_func, NULL, NULL) != SQLITE_OK)
    return hall_sqlite_set_error (error, db, _("set up the database"));
  return TRUE;
}

void
hall_audit_entry_free (HallAuditEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->kind);
  g_free (self->new_state);
  g_free (self->note);
  g_free (self->official);
  g_free (self->data);
  g_free (self->prev_hash);
  g_free (self->entry_hash);
  g_free (self);
}

gboolean
hall_audit_check_chain (GPtrArray   *entries,
                        const char  *head,
                        guint       *bad_index,
                        GError     **error)
{
  const char *expected_prev = "";
  guint i;

  for (i = 0; i < entries->len; i++)
    {
      HallAuditEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *hash = NULL;

      if (g_strcmp0 (entry->prev_hash != NULL ? entry->prev_hash : "", expected_prev) != 0)
        {
          if (bad_index != NULL)
            *bad_index = i;
          if (i == 0)
            /* Translators: "… before entry 1 (3f2a…, created) …" */
            g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                         _("The audit trail is broken before entry 1 (%s, %s): an entry "
                           "before it was removed"),
                         entry->uuid, entry->kind);
          else
            g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                         _("The audit trail is broken between entries %u and %u (%s, %s): "
                           "an entry between them was removed, or entry %u was altered"),
                         i, i + 1, entry->uuid, entry->kind, i + 1);
          return FALSE;
        }
      hash = hall_audit_entry_hash (entry->prev_hash, entry->uuid, entry->kind,
                                    entry->new_state, entry->note, entry->official, entry->at,
                                    entry->data);
      if (g_strcmp0 (hash, entry->entry_hash) != 0)
        {
          if (bad_index != NULL)
            *bad_index = i;
          g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                       _("Entry %u of the audit trail (%s, %s) was altered: it no longer "
                         "matches its hash"),
                       i + 1, entry->uuid, entry->kind);
          return FALSE;
        }
      expected_prev = entry->entry_hash;
    }
  if (g_strcmp0 (head != NULL ? head : "", expected_prev) != 0)
    {
      if (bad_index != NULL)
        *bad_index = entries->len;
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The audit trail ends early: the last entry or entries after entry %u "
                     "were removed"),
                   entries->len);
      return FALSE;
    }
  return TRUE;
}
