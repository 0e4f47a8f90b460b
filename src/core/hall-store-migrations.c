/* hall-store-migrations.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-audit.h"
#include "hall-search-query.h"
#include "hall-sqlite.h"
#include "hall-store.h"
#include "hall-store-migrations.h"

/* Each step is kept as it shipped: a database of any older version goes
 * through the same steps a new one does, so there is one path to test.
 *
 * Applicants and cases have INTEGER PRIMARY KEYs next to their UUIDs: the
 * search joins and the list's keyset paging run on 8-byte rowids instead of
 * 36-byte strings. applicants.id_number holds the document that identifies
 * the applicant: the ID number of a person, the credit code of a business. */
static const char migration_v1[] =
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT"
  ");"
  "CREATE TABLE officials ("
  "  username      TEXT PRIMARY KEY NOT NULL,"
  "  display_name  TEXT NOT NULL,"
  "  password_hash TEXT NOT NULL,"
  "  roles         TEXT NOT NULL,"
  "  created_at    INTEGER NOT NULL"
  ");"
  "CREATE TABLE applicants ("
  "  id                   INTEGER PRIMARY KEY,"
  "  uuid                 TEXT NOT NULL UNIQUE,"
  "  kind                 TEXT NOT NULL CHECK (kind IN ('person', 'business')),"
  "  name                 TEXT NOT NULL,"
  "  id_type              TEXT,"
  "  id_number            TEXT NOT NULL,"
  "  phone                TEXT,"
  "  legal_representative TEXT,"
  "  version              INTEGER NOT NULL DEFAULT 0,"
  "  created_at           INTEGER NOT NULL,"
  "  updated_at           INTEGER NOT NULL"
  ");"
  "CREATE INDEX applicants_id_number ON applicants (id_number);"
  "CREATE INDEX applicants_phone ON applicants (phone);"
  "CREATE INDEX applicants_name ON applicants (name);"
  /* Per counter and year, so numbers restart each January and two counters
   * never draw from the same sequence. */
  "CREATE TABLE case_sequences ("
  "  counter  TEXT NOT NULL,"
  "  year     INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (counter, year)"
  ") WITHOUT ROWID;"
  "CREATE TABLE cases ("
  "  id           INTEGER PRIMARY KEY,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  number       TEXT NOT NULL UNIQUE,"
  "  seq          INTEGER NOT NULL,"
  "  service_id   TEXT NOT NULL,"
  "  service_name TEXT NOT NULL DEFAULT '',"
  "  applicant_id INTEGER NOT NULL REFERENCES applicants (id),"
  "  state        TEXT NOT NULL,"
  "  created_at   INTEGER NOT NULL,"
  "  promised_at  INTEGER NOT NULL DEFAULT 0,"
  "  updated_at   INTEGER NOT NULL,"
  "  counter      TEXT NOT NULL DEFAULT '',"
  "  official     TEXT NOT NULL DEFAULT '',"
  "  checklist    TEXT NOT NULL DEFAULT '[]',"
  "  version      INTEGER NOT NULL DEFAULT 0"
  ");"
  /* Newest first for the list and the search's walks, which also need the
   * applicant: with it in the index they never touch the table. */
  "CREATE INDEX cases_created ON cases (created_at, id, applicant_id);"
  "CREATE INDEX cases_applicant ON cases (applicant_id, created_at);"
  /* The tail of a case number ("000123") as people read it out. */
  "CREATE INDEX cases_seq ON cases (seq);";

/* Two full-text indexes over applicants, both contentless (the text is in
 * applicants already) and kept in step by the store's writes:
 * - applicant_bigrams: each name as its character bigrams ("张伟明" ->
 *   "张伟 伟明") under unicode61, so a two-character query is one token and
 *   matches anywhere in a name. The trigram tokenizer cannot answer queries
 *   shorter than three characters.
 * - applicant_trigrams: substrings of three or more characters of the name,
 *   phone and document number. */
static const char migration_v2[] =
  "CREATE TABLE case_events ("
  "  id        INTEGER PRIMARY KEY,"
  "  uuid      TEXT NOT NULL UNIQUE,"
  "  case_id   INTEGER NOT NULL REFERENCES cases (id),"
  "  kind      TEXT NOT NULL,"
  "  new_state TEXT,"
  "  note      TEXT,"
  "  official  TEXT,"
  "  at        INTEGER NOT NULL"
  ");"
  "CREATE INDEX case_events_case ON case_events (case_id, at);"
  "CREATE VIRTUAL TABLE applicant_bigrams USING fts5 ("
  "  bigrams, content='', detail='none', tokenize='unicode61'"
  ");"
  "CREATE VIRTUAL TABLE applicant_trigrams USING fts5 ("
  "  name, phone, id_number, content='', tokenize='trigram'"
  ");"
  "INSERT INTO applicant_bigrams (rowid, bigrams)"
  "  SELECT id, hall_name_bigrams (name) FROM applicants;"
  "INSERT INTO applicant_trigrams (rowid, name, phone, id_number)"
  "  SELECT id, name, coalesce (phone, ''), id_number FROM applicants;";

/* Sync: where each entity stands with the server, the outbox of changes
 * not yet acknowledged, and the conflicts the server reported (412).
 * Entities written before there was sync have never been sent: they start
 * as pending and the store queues them after this step. The case count is
 * kept by triggers so the list's length is known without counting a
 * million rows at start-up. */
static const char migration_v3[] =
  "ALTER TABLE applicants ADD COLUMN sync_state TEXT NOT NULL DEFAULT 'pending';"
  "ALTER TABLE applicants ADD COLUMN sync_error TEXT;"
  "ALTER TABLE cases ADD COLUMN sync_state TEXT NOT NULL DEFAULT 'pending';"
  "ALTER TABLE cases ADD COLUMN sync_error TEXT;"
  "UPDATE applicants SET sync_state = 'synced' WHERE version > 0;"
  "UPDATE cases SET sync_state = 'synced' WHERE version > 0;"
  "CREATE TABLE outbox ("
  "  seq          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid         TEXT NOT NULL UNIQUE,"
  "  method       TEXT NOT NULL,"
  "  path         TEXT NOT NULL,"
  "  body         TEXT NOT NULL,"
  "  entity       TEXT NOT NULL CHECK (entity IN ('applicant', 'case', 'event')),"
  "  entity_uuid  TEXT NOT NULL,"
  /* The applicant of an applicant row, the case of a case or event row:
   * what shows the sync state to the official. */
  "  owner_uuid   TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  attempts     INTEGER NOT NULL DEFAULT 0,"
  "  last_error   TEXT,"
  "  created_at   INTEGER NOT NULL"
  ");"
  "CREATE INDEX outbox_entity ON outbox (entity_uuid);"
  "CREATE INDEX outbox_owner ON outbox (owner_uuid);"
  "CREATE TABLE conflicts ("
  "  id          INTEGER PRIMARY KEY,"
  "  entity      TEXT NOT NULL,"
  "  entity_uuid TEXT NOT NULL,"
  "  outbox_uuid TEXT NOT NULL,"
  "  local_json  TEXT NOT NULL,"
  "  server_json TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL"
  ");"
  "CREATE INDEX conflicts_entity ON conflicts (entity_uuid);"
  "CREATE TABLE counts ("
  "  name TEXT PRIMARY KEY NOT NULL,"
  "  n    INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "INSERT INTO counts (name, n) VALUES ('cases', (SELECT count(*) FROM cases));"
  "CREATE TRIGGER cases_count_insert AFTER INSERT ON cases BEGIN"
  "  UPDATE counts SET n = n + 1 WHERE name = 'cases';"
  "END;"
  "CREATE TRIGGER cases_count_delete AFTER DELETE ON cases BEGIN"
  "  UPDATE counts SET n = n - 1 WHERE name = 'cases';"
  "END;";

/* Conflicts are decided by a person: the version the server had (a kept
 * local version is sent again with it in If-Match), and when and how the
 * conflict was decided; an open one has no resolved_at. */
static const char migration_v4[] =
  "ALTER TABLE conflicts ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE conflicts ADD COLUMN resolved_at INTEGER;"
  "ALTER TABLE conflicts ADD COLUMN resolution TEXT"
  "  CHECK (resolution IN ('keep_mine', 'take_theirs', 'superseded'));"
  "UPDATE conflicts SET server_version ="
  "  coalesce (CAST (json_extract (server_json, '$.version') AS INTEGER), 0)"
  "  WHERE json_valid (server_json);";

/* Each acknowledged row leaves the outbox, and with it its entry in every
 * index of the table: in three indexes keyed by random UUIDs, a batch of
 * 500 rows rewrote nearly all their pages, more than half of the cost of
 * acknowledging it. Rows are now taken by seq; the Idempotency-Key needs
 * no index (the counter makes random v4 UUIDs and looks none up), and a
 * PUT's entity is its owner, so the owner's index serves both. The
 * sequence carries on from where it was. */
static const char migration_v5[] =
  "CREATE TABLE outbox_v5 ("
  "  seq          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid         TEXT NOT NULL,"
  "  method       TEXT NOT NULL,"
  "  path         TEXT NOT NULL,"
  "  body         TEXT NOT NULL,"
  "  entity       TEXT NOT NULL CHECK (entity IN ('applicant', 'case', 'event')),"
  "  entity_uuid  TEXT NOT NULL,"
  "  owner_uuid   TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  attempts     INTEGER NOT NULL DEFAULT 0,"
  "  last_error   TEXT,"
  "  created_at   INTEGER NOT NULL,"
  "  CHECK (method <> 'PUT' OR entity_uuid = owner_uuid)"
  ");"
  "INSERT INTO outbox_v5 (seq, uuid, method, path, body, entity, entity_uuid, owner_uuid,"
  "  base_version, attempts, last_error, created_at)"
  "  SELECT seq, uuid, method, path, body, entity, entity_uuid, owner_uuid, base_version,"
  "  attempts, last_error, created_at FROM outbox ORDER BY seq;"
  "DELETE FROM sqlite_sequence WHERE name = 'outbox_v5';"
  "UPDATE sqlite_sequence SET name = 'outbox_v5' WHERE name = 'outbox';"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_v5 RENAME TO outbox;"
  "CREATE INDEX outbox_owner ON outbox (owner_uuid);";

/* An identity document belongs to one applicant. applicants.identity is
 * "<kind>:<id_type>:<document number>" ("business::<credit code>"), the
 * server's text for it, under a UNIQUE index; a new applicant with one
 * another holds is refused by the store. A database may hold duplicates
 * from before: they stay, readable and writable, and the one of each group
 * the server knows (else the oldest) holds the document; the others hold
 * none, since NULLs do not clash. Which of them a person's history belongs
 * to is an official's decision, made by merging.
 *
 * Conflicts get a kind: "changed" (412: the server has a newer version)
 * or "duplicate" (409: the server has another applicant with the
 * document), which the official resolves by merging ("merged"). SQLite
 * cannot change a CHECK, so the table is made anew, rows and ids kept. */
static const char migration_v6[] =
  "ALTER TABLE applicants ADD COLUMN identity TEXT;"
  "UPDATE applicants SET identity = kind || ':' || coalesce (id_type, '') || ':' || id_number"
  "  WHERE id IN (SELECT id FROM (SELECT id, row_number () OVER"
  "    (PARTITION BY kind, coalesce (id_type, ''), id_number"
  "     ORDER BY version > 0 DESC, id) AS n FROM applicants) WHERE n = 1);"
  "CREATE UNIQUE INDEX applicants_identity ON applicants (identity);"
  "CREATE TABLE conflicts_v6 ("
  "  id             INTEGER PRIMARY KEY,"
  "  kind           TEXT NOT NULL DEFAULT 'changed' CHECK (kind IN ('changed', 'duplicate')),"
  "  entity         TEXT NOT NULL,"
  "  entity_uuid    TEXT NOT NULL,"
  "  outbox_uuid    TEXT NOT NULL,"
  "  local_json     TEXT NOT NULL,"
  "  server_json    TEXT NOT NULL,"
  "  created_at     INTEGER NOT NULL,"
  "  server_version INTEGER NOT NULL DEFAULT 0,"
  "  resolved_at    INTEGER,"
  "  resolution     TEXT"
  "    CHECK (resolution IN ('keep_mine', 'take_theirs', 'superseded', 'merged'))"
  ");"
  "INSERT INTO conflicts_v6 (id, entity, entity_uuid, outbox_uuid, local_json, server_json,"
  "  created_at, server_version, resolved_at, resolution)"
  "  SELECT id, entity, entity_uuid, outbox_uuid, local_json, server_json, created_at,"
  "  server_version, resolved_at, resolution FROM conflicts ORDER BY id;"
  "DROP TABLE conflicts;"
  "ALTER TABLE conflicts_v6 RENAME TO conflicts;"
  "CREATE INDEX conflicts_entity ON conflicts (entity_uuid);"
  /* The outbox holds back the rows of an applicant with an open duplicate:
   * the query asks this index, empty nearly always, whether there is one. */
  "CREATE INDEX conflicts_open_duplicates ON conflicts (entity_uuid)"
  "  WHERE kind = 'duplicate' AND resolved_at IS NULL;";

/* The server's own record of a case and of each entry of its timeline
 * (issue 8): the signed-in official whose request wrote it and when, by
 * the server's clock, kept beside the counter's claim ("official",
 * "created_at", an entry's "at"), never in its place. NULL until the
 * server has recorded it. The feed is read again from its start, once, so
 * that what was pulled before this step gets the record too. */
static const char migration_v7[] =
  "ALTER TABLE cases ADD COLUMN recorded_by TEXT;"
  "ALTER TABLE cases ADD COLUMN recorded_at INTEGER;"
  "ALTER TABLE case_events ADD COLUMN recorded_by TEXT;"
  "ALTER TABLE case_events ADD COLUMN recorded_at INTEGER;"
  "DELETE FROM meta WHERE key = 'cursor';";

/* Stamp-free approval (issue 10), the counter's half of the signatures:
 * - trust: what the server says the hall trusts, as last pulled: the
 *   hall's public key, the revocation list (with the time the server made
 *   it) and when it was pulled, so that checks offline say how old it is;
 * - certificates: every official's certified key, pulled, so that the
 *   case page verifies decisions of officials of other counters;
 * - official_keys: the keys made on this counter, sealed under each
 *   official's password (the private half never leaves the counter);
 * - licenses: each license issued here, numbered per counter and year as
 *   cases are, so that two offline counters never issue the same number;
 * - the audit chain: each timeline entry holds the hash of the one before
 *   it and its own (hall-audit.h), the case the hash of its last; a
 *   trigger keeps them, so every path that writes an entry chains it. The
 *   entries already there are chained in the order they were written. */
static const char migration_v8[] =
  "CREATE TABLE trust ("
  "  id              INTEGER PRIMARY KEY CHECK (id = 1),"
  "  hall_public_key TEXT,"
  "  revocations     TEXT NOT NULL DEFAULT '{\"as_of\": null, \"revocations\": []}',"
  "  pulled_at       INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO trust (id) VALUES (1);"
  "CREATE TABLE certificates ("
  "  public_key  TEXT PRIMARY KEY NOT NULL,"
  "  official    TEXT NOT NULL,"
  "  certificate TEXT NOT NULL,"
  "  valid_until INTEGER NOT NULL"
  ");"
  "CREATE INDEX certificates_official ON certificates (official, valid_until);"
  "CREATE TABLE official_keys ("
  "  official    TEXT PRIMARY KEY NOT NULL,"
  "  public_key  TEXT NOT NULL,"
  "  sealed      TEXT NOT NULL,"
  "  created_at  INTEGER NOT NULL"
  ");"
  "CREATE TABLE license_sequences ("
  "  counter  TEXT NOT NULL,"
  "  year     INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (counter, year)"
  ") WITHOUT ROWID;"
  "CREATE TABLE licenses ("
  "  number     TEXT PRIMARY KEY NOT NULL,"
  "  case_uuid  TEXT NOT NULL,"
  "  payload    TEXT NOT NULL,"
  "  official   TEXT NOT NULL,"
  "  issued_at  INTEGER NOT NULL"
  ");"
  "CREATE INDEX licenses_case ON licenses (case_uuid);"
  "ALTER TABLE case_events ADD COLUMN prev_hash TEXT;"
  "ALTER TABLE case_events ADD COLUMN entry_hash TEXT;"
  "ALTER TABLE cases ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';"
  "CREATE TRIGGER case_events_chain AFTER INSERT ON case_events BEGIN"
  "  UPDATE case_events SET prev_hash ="
  "    (SELECT audit_head FROM cases WHERE id = NEW.case_id) WHERE id = NEW.id;"
  "  UPDATE case_events SET entry_hash = hall_audit_hash (prev_hash, uuid, kind, new_state,"
  "    note, official, at, NULL) WHERE id = NEW.id;"
  "  UPDATE cases SET audit_head = (SELECT entry_hash FROM case_events WHERE id = NEW.id)"
  "    WHERE id = NEW.case_id;"
  "END;"
  /* Chain what is there: written again in order, through the trigger. */
  "CREATE TEMP TABLE events_v8 AS SELECT * FROM case_events;"
  "DELETE FROM case_events;"
  "INSERT INTO case_events (id, uuid, case_id, kind, new_state, note, official, at,"
  "  recorded_by, recorded_at)"
  "  SELECT id, uuid, case_id, kind, new_state, note, official, at, recorded_by, recorded_at"
  "  FROM events_v8 ORDER BY case_id, id;"
  "DROP TABLE events_v8;";

/* Scanned and imported pages (issue 11): each a file named by its SHA-256
 * in the pages folder beside the database, in a slot of its case's
 * checklist (the catalog's document id) at a position in that slot.
 * uploaded_at stays NULL until the server holds the blob; the partial
 * index is the queue of pages still to send. */
static const char migration_v9[] =
  "CREATE TABLE pages ("
  "  id          INTEGER PRIMARY KEY,"
  "  uuid        TEXT NOT NULL UNIQUE,"
  "  case_id     INTEGER NOT NULL REFERENCES cases (id),"
  "  slot        TEXT NOT NULL,"
  "  position    INTEGER NOT NULL,"
  "  sha256      TEXT NOT NULL CHECK (length (sha256) = 64),"
  "  mime        TEXT NOT NULL,"
  "  kind        TEXT NOT NULL CHECK (kind IN ('bilevel', 'grey', 'colour')),"
  "  width       INTEGER NOT NULL,"
  "  height      INTEGER NOT NULL,"
  "  dpi         INTEGER NOT NULL DEFAULT 0,"
  "  bytes       INTEGER NOT NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  uploaded_at INTEGER,"
  "  UNIQUE (case_id, slot, position)"
  ");"
  "CREATE INDEX pages_unsent ON pages (id) WHERE uploaded_at IS NULL;"
  "CREATE INDEX pages_sha256 ON pages (sha256);";

/* Decisions: what was decided and what the signature covers, as the JSON
 * of the event's decision members. The audit chain covers it: the trigger
 * of v8 hashes it as the entry's data (NULL, as before, for every other
 * entry, so the chains already there stay whole). */
static const char migration_v10[] =
  "ALTER TABLE case_events ADD COLUMN decision TEXT;"
  "DROP TRIGGER case_events_chain;"
  "CREATE TRIGGER case_events_chain AFTER INSERT ON case_events BEGIN"
  "  UPDATE case_events SET prev_hash ="
  "    (SELECT audit_head FROM cases WHERE id = NEW.case_id) WHERE id = NEW.id;"
  "  UPDATE case_events SET entry_hash = hall_audit_hash (prev_hash, uuid, kind, new_state,"
  "    note, official, at, decision) WHERE id = NEW.id;"
  "  UPDATE cases SET audit_head = (SELECT entry_hash FROM case_events WHERE id = NEW.id)"
  "    WHERE id = NEW.case_id;"
  "END;";

/* A business's contact person (issue 16): who the hall calls there, beside
 * the contact phone the applicant row already holds. */
static const char migration_v11[] =
  "ALTER TABLE applicants ADD COLUMN contact_person TEXT;";

/* The approver's inbox walks the open cases soonest promised first: an
 * index of those only, so closed cases cost nothing however many. */
static const char migration_v12[] =
  "CREATE INDEX cases_waiting ON cases (promised_at, id)"
  "  WHERE state IN ('received', 'in_review');";

/* Licenses travel to the server through the outbox (PUT
 * /v1/licenses/{number}), in the transaction of the approval that issues
 * them: the outbox takes rows of the entity "license", whose entity_uuid
 * is the license's number and owner its case (so that no query of a
 * case's own PUTs finds it). SQLite cannot change a CHECK, so the table is
 * made again, as v5 did, its sequence carrying on.
 *
 * Pages reach the server as records through the outbox too: a row of
 * entity "page" is a PUT of the page's record, owned by its case (its case
 * shows it waiting, and it waits for its case to reach the server first). */
static const char migration_v13[] =
  "CREATE TABLE outbox_v13 ("
  "  seq          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid         TEXT NOT NULL,"
  "  method       TEXT NOT NULL,"
  "  path         TEXT NOT NULL,"
  "  body         TEXT NOT NULL,"
  "  entity       TEXT NOT NULL"
  "               CHECK (entity IN ('applicant', 'case', 'event', 'license', 'page')),"
  "  entity_uuid  TEXT NOT NULL,"
  "  owner_uuid   TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  attempts     INTEGER NOT NULL DEFAULT 0,"
  "  last_error   TEXT,"
  "  created_at   INTEGER NOT NULL,"
  "  CHECK (method <> 'PUT' OR entity_uuid = owner_uuid OR entity IN ('license', 'page'))"
  ");"
  "INSERT INTO outbox_v13 (seq, uuid, method, path, body, entity, entity_uuid, owner_uuid,"
  "  base_version, attempts, last_error, created_at)"
  "  SELECT seq, uuid, method, path, body, entity, entity_uuid, owner_uuid, base_version,"
  "  attempts, last_error, created_at FROM outbox ORDER BY seq;"
  "DELETE FROM sqlite_sequence WHERE name = 'outbox_v13';"
  "UPDATE sqlite_sequence SET name = 'outbox_v13' WHERE name = 'outbox';"
  "DROP TABLE outbox;"
  "ALTER TABLE outbox_v13 RENAME TO outbox;"
  "CREATE INDEX outbox_owner ON outbox (owner_uuid);"
  /* The version of the page's record the server last acknowledged: the
   * If-Match of its next change (a move, a removal). */
  "ALTER TABLE pages ADD COLUMN version INTEGER NOT NULL DEFAULT 0;";

/* Search keys beside each case, newest first (issue 9). A broad query (a
 * surname, a 4-digit phone prefix, a region's ID prefix) matches thousands
 * of applicants; its first page is the newest cases whose applicant
 * answers it. Walking this table in the list's order and testing the keys
 * in the row itself reads a few dozen consecutive pages, where testing
 * each case against applicants read one random page per case, and
 * collecting the candidates first read all of them: on a cold file cache
 * that was 100-700 ms on a million cases. Triggers keep it in step with
 * every write to cases and applicants, in the writer's transaction. */
static const char migration_v14[] =
  "CREATE TABLE case_search ("
  "  created_at   INTEGER NOT NULL,"
  "  id           INTEGER NOT NULL,"
  "  applicant_id INTEGER NOT NULL,"
  "  id_number    TEXT NOT NULL,"
  "  phone        TEXT NOT NULL,"
  "  name         TEXT NOT NULL,"
  "  PRIMARY KEY (created_at, id)"
  ") WITHOUT ROWID;"
  "INSERT INTO case_search (created_at, id, applicant_id, id_number, phone, name)"
  "  SELECT c.created_at, c.id, c.applicant_id, a.id_number, coalesce (a.phone, ''), a.name"
  "  FROM cases c JOIN applicants a ON a.id = c.applicant_id ORDER BY c.created_at, c.id;"
  /* Buckets for the broad prefixes, each newest first inside and holding
   * the whole key, so the rest of the prefix is tested in the index: a
   * 4-digit phone prefix, a region (6 digits) and a region and birth year
   * (10 digits) of an ID number, the first character of a name. On a cold
   * cache a walk of case_search reads a few hundred pages backwards (no
   * read-ahead); a bucket's first page of cases is a handful. */
  "CREATE INDEX case_search_phone4 ON case_search (substr (phone, 1, 4), created_at, id, phone);"
  "CREATE INDEX case_search_id6 ON case_search (substr (id_number, 1, 6), created_at, id,"
  "  id_number);"
  "CREATE INDEX case_search_id10 ON case_search (substr (id_number, 1, 10), created_at, id,"
  "  id_number);"
  "CREATE INDEX case_search_name1 ON case_search (substr (name, 1, 1), created_at, id, name);"
  "CREATE TRIGGER case_search_insert AFTER INSERT ON cases BEGIN"
  "  INSERT OR REPLACE INTO case_search (created_at, id, applicant_id, id_number, phone, name)"
  "    SELECT NEW.created_at, NEW.id, NEW.applicant_id, a.id_number, coalesce (a.phone, ''),"
  "    a.name FROM applicants a WHERE a.id = NEW.applicant_id;"
  "END;"
  "CREATE TRIGGER case_search_delete AFTER DELETE ON cases BEGIN"
  "  DELETE FROM case_search WHERE created_at = OLD.created_at AND id = OLD.id;"
  "END;"
  "CREATE TRIGGER case_search_move AFTER UPDATE OF created_at, id, applicant_id ON cases BEGIN"
  "  DELETE FROM case_search WHERE created_at = OLD.created_at AND id = OLD.id;"
  "  INSERT OR REPLACE INTO case_search (created_at, id, applicant_id, id_number, phone, name)"
  "    SELECT NEW.created_at, NEW.id, NEW.applicant_id, a.id_number, coalesce (a.phone, ''),"
  "    a.name FROM applicants a WHERE a.id = NEW.applicant_id;"
  "END;"
  /* A case pulled before its applicant gets its keys when the applicant
   * arrives. */
  "CREATE TRIGGER case_search_applicant_insert AFTER INSERT ON applicants BEGIN"
  "  INSERT OR REPLACE INTO case_search (created_at, id, applicant_id, id_number, phone, name)"
  "    SELECT c.created_at, c.id, c.applicant_id, NEW.id_number, coalesce (NEW.phone, ''),"
  "    NEW.name FROM cases c WHERE c.applicant_id = NEW.id;"
  "END;"
  "CREATE TRIGGER case_search_applicant_update"
  "  AFTER UPDATE OF name, id_number, phone ON applicants BEGIN"
  "  UPDATE case_search SET id_number = NEW.id_number, phone = coalesce (NEW.phone, ''),"
  "    name = NEW.name"
  "    WHERE (created_at, id) IN (SELECT created_at, id FROM cases WHERE applicant_id = NEW.id);"
  "END;"
  "CREATE TRIGGER case_search_applicant_delete AFTER DELETE ON applicants BEGIN"
  "  DELETE FROM case_search"
  "    WHERE (created_at, id) IN (SELECT created_at, id FROM cases WHERE applicant_id = OLD.id);"
  "END;";

/* The list's filter by state (issue 16): each state's cases newest first,
 * so that a state's first page is a short walk of its own and the open
 * cases (those waiting for the applicant or overdue) are found without
 * reading the closed ones; and each state's count kept by triggers. */
static const char migration_v15[] =
  "CREATE INDEX cases_state ON cases (state, created_at, id);"
  /* The count of a state, as the count of all cases is kept: read from
   * the index it is a scan of every case in it, 60-120 ms for the million
   * completed ones. */
  "INSERT INTO counts (name, n) SELECT 'state:' || state, count(*) FROM cases GROUP BY state;"
  "CREATE TRIGGER cases_state_count_insert AFTER INSERT ON cases BEGIN"
  "  INSERT INTO counts (name, n) VALUES ('state:' || NEW.state, 1)"
  "    ON CONFLICT (name) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER cases_state_count_delete AFTER DELETE ON cases BEGIN"
  "  UPDATE counts SET n = n - 1 WHERE name = 'state:' || OLD.state;"
  "END;"
  "CREATE TRIGGER cases_state_count_update AFTER UPDATE OF state ON cases"
  "  WHEN OLD.state IS NOT NEW.state BEGIN"
  "  UPDATE counts SET n = n - 1 WHERE name = 'state:' || OLD.state;"
  "  INSERT INTO counts (name, n) VALUES ('state:' || NEW.state, 1)"
  "    ON CONFLICT (name) DO UPDATE SET n = n + 1;"
  "END;";

/* Two Chinese characters (issue 9): a given name, or a surname and the
 * first character of a given name, matched anywhere in the name. The
 * full-text index gives the applicants whose names hold the bigram, up
 * to thousands for a common one, and each one's cases were then sought
 * one random page at a time: 100-120 ms p99 on a cold cache over a
 * million cases. Here each case's name bigrams sit beside its place in
 * the list, so a bigram's newest cases are one short range of the key.
 * Kept from case_search by triggers; only pairs of CJK characters (from
 * U+2E80), the only two-character queries that search by bigram, for
 * names of up to 65 characters. */
static const char migration_v16[] =
  "CREATE TABLE search_positions (n INTEGER PRIMARY KEY);"
  "WITH RECURSIVE i (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 64)"
  "  INSERT INTO search_positions (n) SELECT n FROM i;"
  "CREATE TABLE case_bigrams ("
  "  bigram     TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  id         INTEGER NOT NULL,"
  "  PRIMARY KEY (bigram, created_at, id)"
  ") WITHOUT ROWID;"
  "INSERT OR IGNORE INTO case_bigrams (bigram, created_at, id)"
  "  SELECT substr (s.name, p.n, 2), s.created_at, s.id"
  "  FROM case_search s JOIN search_positions p ON p.n < length (s.name)"
  "  WHERE unicode (substr (s.name, p.n, 1)) >= 11904"
  "  AND unicode (substr (s.name, p.n + 1, 1)) >= 11904"
  "  ORDER BY 1, 2, 3;"
  /* case_search is written with INSERT OR REPLACE, whose deletion fires
   * no delete trigger: the row it replaces takes its bigrams along first. */
  "CREATE TRIGGER case_bigrams_replace BEFORE INSERT ON case_search BEGIN"
  "  DELETE FROM case_bigrams WHERE created_at = NEW.created_at AND id = NEW.id"
  "    AND bigram IN (SELECT substr (s.name, p.n, 2)"
  "      FROM case_search s JOIN search_positions p ON p.n < length (s.name)"
  "      WHERE s.created_at = NEW.created_at AND s.id = NEW.id);"
  "END;"
  "CREATE TRIGGER case_bigrams_insert AFTER INSERT ON case_search BEGIN"
  "  INSERT OR IGNORE INTO case_bigrams (bigram, created_at, id)"
  "    SELECT substr (NEW.name, p.n, 2), NEW.created_at, NEW.id FROM search_positions p"
  "    WHERE p.n < length (NEW.name) AND unicode (substr (NEW.name, p.n, 1)) >= 11904"
  "    AND unicode (substr (NEW.name, p.n + 1, 1)) >= 11904;"
  "END;"
  "CREATE TRIGGER case_bigrams_delete AFTER DELETE ON case_search BEGIN"
  "  DELETE FROM case_bigrams WHERE created_at = OLD.created_at AND id = OLD.id"
  "    AND bigram IN (SELECT substr (OLD.name, p.n, 2) FROM search_positions p"
  "      WHERE p.n < length (OLD.name));"
  "END;"
  "CREATE TRIGGER case_bigrams_update AFTER UPDATE OF name, created_at, id ON case_search BEGIN"
  "  DELETE FROM case_bigrams WHERE created_at = OLD.created_at AND id = OLD.id"
  "    AND bigram IN (SELECT substr (OLD.name, p.n, 2) FROM search_positions p"
  "      WHERE p.n < length (OLD.name));"
  "  INSERT OR IGNORE INTO case_bigrams (bigram, created_at, id)"
  "    SELECT substr (NEW.name, p.n, 2), NEW.created_at, NEW.id FROM search_positions p"
  "    WHERE p.n < length (NEW.name) AND unicode (substr (NEW.name, p.n, 1)) >= 11904"
  "    AND unicode (substr (NEW.name, p.n + 1, 1)) >= 11904;"
  "END;";

/* The list sorted by what is due (issue 9): open cases soonest promised
 * first, walked in an index as the list of intake is, so that sorting a
 * million cases reads a page, never the million. The group is a column of
 * its own, kept by triggers: SQLite 3.40 neither seeks to a row value in
 * an index on the expression nor reads the index alone for it, so each
 * page would read the table. Closed cases, most of a year, are the
 * default, and cost an insert nothing. */
static const char migration_v17[] =
  "ALTER TABLE cases ADD COLUMN due_rank INTEGER NOT NULL DEFAULT 2;"
  "UPDATE cases SET due_rank = " HALL_STORE_DUE_RANK
  "  WHERE state IN ('received', 'in_review', 'returned');"
  "CREATE INDEX cases_due ON cases (due_rank, promised_at, id);"
  /* A filter by state in that order: without it, a state with no case
   * ("returned") walked the whole of cases_due, 0.6 s on a million. */
  "CREATE INDEX cases_state_due ON cases (state, due_rank, promised_at, id);"
  "CREATE TRIGGER cases_due_rank_insert AFTER INSERT ON cases"
  "  WHEN NEW.state IN ('received', 'in_review', 'returned') BEGIN"
  "  UPDATE cases SET due_rank = " HALL_STORE_DUE_RANK " WHERE id = NEW.id;"
  "END;"
  /* Pulls write every column: only a real change counts. The list
   * model reads the count of them, and reads its rows again only when
   * it moved, not at each change of a case's sync state. */
  "CREATE TRIGGER cases_due_rank_update AFTER UPDATE OF state, promised_at, checklist ON cases"
  "  WHEN OLD.state IS NOT NEW.state OR OLD.promised_at IS NOT NEW.promised_at"
  "  OR OLD.checklist IS NOT NEW.checklist BEGIN"
  "  UPDATE cases SET due_rank = " HALL_STORE_DUE_RANK " WHERE id = NEW.id;"
  "  INSERT INTO counts (name, n) VALUES ('due_moves', 1)"
  "    ON CONFLICT (name) DO UPDATE SET n = n + 1;"
  "END;";

/* A document entry names the checklist's document it provides (issue
 * 11): the history keeps which, and an entry read back from its row says
 * so as it did when it was made. The audit chain covers it as the entry's
 * data, as it covers a decision's members: an entry has one or the other,
 * and NULL for both hashes as before, so the chains already there stay
 * whole; the mark keeps a slot from reading as a decision's JSON. */
static const char migration_v18[] =
  "ALTER TABLE case_events ADD COLUMN slot TEXT;"
  "DROP TRIGGER case_events_chain;"
  "CREATE TRIGGER case_events_chain AFTER INSERT ON case_events BEGIN"
  "  UPDATE case_events SET prev_hash ="
  "    (SELECT audit_head FROM cases WHERE id = NEW.case_id) WHERE id = NEW.id;"
  "  UPDATE case_events SET entry_hash = hall_audit_hash (prev_hash, uuid, kind, new_state,"
  "    note, official, at, coalesce (decision, 'slot:' || slot)) WHERE id = NEW.id;"
  "  UPDATE cases SET audit_head = (SELECT entry_hash FROM case_events WHERE id = NEW.id)"
  "    WHERE id = NEW.case_id;"
  "END;";

/* A pull writes each case and entry once (issue 13's pull of 100,000
 * changes): the store gives a case its due group and an entry its hashes
 * as it inserts them, and the triggers of v8, v17 and v18 that wrote the
 * row again for them now only do so for a row inserted without them (an
 * open case left in the closed group, an entry with no hash). */
static const char migration_v19[] =
  "DROP TRIGGER cases_due_rank_insert;"
  "CREATE TRIGGER cases_due_rank_insert AFTER INSERT ON cases"
  "  WHEN NEW.state IN ('received', 'in_review', 'returned') AND NEW.due_rank = 2 BEGIN"
  "  UPDATE cases SET due_rank = " HALL_STORE_DUE_RANK " WHERE id = NEW.id;"
  "END;"
  "DROP TRIGGER case_events_chain;"
  "CREATE TRIGGER case_events_chain AFTER INSERT ON case_events"
  "  WHEN NEW.entry_hash IS NULL BEGIN"
  "  UPDATE case_events SET prev_hash ="
  "    (SELECT audit_head FROM cases WHERE id = NEW.case_id) WHERE id = NEW.id;"
  "  UPDATE case_events SET entry_hash = hall_audit_hash (prev_hash, uuid, kind, new_state,"
  "    note, official, at, coalesce (decision, 'slot:' || slot)) WHERE id = NEW.id;"
  "  UPDATE cases SET audit_head = (SELECT entry_hash FROM case_events WHERE id = NEW.id)"
  "    WHERE id = NEW.case_id;"
  "END;";

/* Nothing changes in the tables: from this version on, a first pull
 * drops the insert triggers of cases, applicants and case_events while it
 * runs, keeping their SQL in meta ("trigger:NN:NAME"), and its end creates
 * them again (hall-store-search.c). A version before this one would not,
 * and would leave a store cut off in its first pull without them for
 * good: the version tells it the store is newer than it knows. */
static const char migration_v20[] = "";

static const char *const migrations[] = {
  NULL,
  migration_v1,
  migration_v2,
  migration_v3,
  migration_v4,
  migration_v5,
  migration_v6,
  migration_v7,
  migration_v8,
  migration_v9,
  migration_v10,
  migration_v11,
  migration_v12,
  migration_v13,
  migration_v14,
  migration_v15,
  migration_v16,
  migration_v17,
  migration_v18,
  migration_v19,
  migration_v20,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == HALL_STORE_SCHEMA_VERSION + 1);

const char *
hall_store_migration_get_sql (int version)
{
  g_return_val_if_fail (version >= 1 && version <= HALL_STORE_SCHEMA_VERSION, NULL);

  return migrations[version];
}

gboolean
hall_store_read_schema_version (sqlite3  *db,
                                int      *version,
                                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      hall_sqlite_set_error (error, db, _("read the version of the database"));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return TRUE;
}

static void
name_bigrams_func (sqlite3_context  *context,
                   int               argc,
                   sqlite3_value   **argv)
{
  const char *name = (const char *) sqlite3_value_text (argv[0]);
  char *bigrams;

  bigrams = hall_search_name_bigrams (name ? name : "");
  sqlite3_result_text (context, bigrams, -1, g_free);
}

gboolean
hall_store_register_functions (sqlite3  *db,
                               GError  **error)
{
  if (sqlite3_create_function (db, "hall_name_bigrams", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                               name_bigrams_func, NULL, NULL) != SQLITE_OK)
    return hall_sqlite_set_error (error, db, _("set up the database"));
  return hall_audit_register_sql_function (db, error);
}

gboolean
hall_store_migrate (sqlite3  *db,
                    int       from_version,
                    GError  **error)
{
  g_autofree char *pragma = NULL;

  g_return_val_if_fail (from_version >= 0 && from_version <= HALL_STORE_SCHEMA_VERSION, FALSE);

  for (int version = from_version + 1; version <= HALL_STORE_SCHEMA_VERSION; version++)
    {
      g_debug ("Migrating the database to version %d", version);
      if (sqlite3_exec (db, migrations[version], NULL, NULL, NULL) != SQLITE_OK)
        {
          /* Translators: completes "Could not %s: %s" */
          g_autofree char *doing = g_strdup_printf (_("bring the database to version %d"),
                                                    version);

          return hall_sqlite_set_error (error, db, doing);
        }
    }

  pragma = g_strdup_printf ("PRAGMA user_version = %d", HALL_STORE_SCHEMA_VERSION);
  if (sqlite3_exec (db, pragma, NULL, NULL, NULL) != SQLITE_OK)
    return hall_sqlite_set_error (error, db, _("record the version of the database"));
  return TRUE;
}
