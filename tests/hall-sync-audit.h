/* hall-sync-audit.h — does a counter agree with the server, nothing lost, nothing twice?
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-store.h"

G_BEGIN_DECLS

/* What the server's change feed held. */
typedef struct
{
  guint changes;     /* entries in the feed */
  guint cases;       /* distinct cases */
  guint events;
  guint applicants;
  guint licenses;
  guint pages;       /* distinct pages */
} HallSyncAudit;

/* Asserts, after a clean sync of @store with the server at @server_url
 * (signed in with the store's token):
 *   - nothing waits in the outbox, no case is rejected, in conflict or
 *     pending;
 *   - the change feed, read from its start, names no (entity, uuid,
 *     version) twice;
 *   - its cases are exactly the store's cases (none lost, none extra), every
 *     event of the store is in it, and every case's applicant;
 *   - GET /v1/cases/UUID of each case answers it with the store's number and
 *     state, at version 1 + its state events in the feed (a state event
 *     applied twice would show), which is also the store's version;
 *   - every license the store holds is in the feed once, under its case,
 *     with the same payload, and the feed has no other;
 *   - every page the store holds is in the feed under its case with the
 *     store's SHA-256, the feed has no other, and the server's blob of that
 *     name has exactly those bytes (hashed here);
 *   - PRAGMA integrity_check is "ok" on the store's file and, when
 *     @server_db is not NULL, on the server's.
 * @audit (may be NULL) gets the counts. */
void hall_sync_audit_assert (HallStore     *store,
                             const char    *server_url,
                             const char    *server_db,
                             HallSyncAudit *audit);

G_END_DECLS
