/* hall-audit.h — the hash chain of a case's timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each entry of a case's timeline holds the hash of the entry before it
 * ("" for the first) and its own hash: SHA-256 over the length-prefixed
 * fields "service-hall audit v1", the previous hash, the entry's uuid,
 * kind, new state, note, official, time (ISO 8601 UTC) and data (the
 * JSON of whatever else the entry carries, "" when nothing). The case
 * keeps the hash of its last entry. An entry edited no longer matches its
 * own hash; one removed leaves the next entry pointing at a hash that is
 * not its predecessor's (or the case's head at a hash no entry has). The
 * counter's store and the server each keep their chain in SQLite, where
 * this is the SQL function hall_audit_hash().
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* (transfer full): lower-case hex. NULL fields count as "". */
char     *hall_audit_entry_hash            (const char  *prev_hash,
                                            const char  *uuid,
                                            const char  *kind,
                                            const char  *new_state,
                                            const char  *note,
                                            const char  *official,
                                            gint64       at,
                                            const char  *data);

/* Registers hall_audit_hash(prev, uuid, kind, new_state, note, official,
 * at, data) on @db. */
gboolean  hall_audit_register_sql_function (sqlite3     *db,
                                            GError     **error);

/* One entry as the store or the server read it back, for checking. */
typedef struct
{
  char   *uuid;
  char   *kind;
  char   *new_state;
  char   *note;
  char   *official;
  gint64  at;
  char   *data;
  char   *prev_hash;
  char   *entry_hash;
} HallAuditEntry;

void      hall_audit_entry_free            (HallAuditEntry *self);

/* Walks @entries (element-type HallAuditEntry, in the order of the
 * chain) and @head, the case's last hash. TRUE when the chain is whole;
 * otherwise FALSE with a HALL_VALIDATION_ERROR naming the first entry
 * (number from 1, uuid, kind) that was altered, or after which an entry
 * was removed, and *@bad_index (nullable) set to its index (entries->len
 * when only the head is wrong: the last entries were removed). */
gboolean  hall_audit_check_chain           (GPtrArray      *entries,
                                            const char     *head,
                                            guint          *bad_index,
                                            GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallAuditEntry, hall_audit_entry_free)

G_END_DECLS
