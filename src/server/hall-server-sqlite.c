/* hall-server-sqlite.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server-sqlite"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "hall-audit.h"
#include "hall-server-error.h"
#include "hall-server-sqlite.h"
#include "hall-server-sqlite-test-hooks.h"
#include "hall-sqlite-checkpointer.h"
#include "hall-sqlite.h"

#define SCHEMA_VERSION 10

/* The identity document of an applicant's JSON @d, as the text the UNIQUE
 * index on applicants.identity holds: "person:<id_type>:<id_number>" or
 * "business::<credit_code>"; NULL when @d lacks them. The same text as the
 * counter's store makes, so a duplicate reads the same at both ends. */
#define IDENTITY_OF(d)                                                         \
  "(CASE WHEN json_valid (" d ") THEN CASE json_extract (" d ", '$.kind')"     \
  " WHEN 'person' THEN 'person:' || json_extract (" d ", '$.id_type') || ':'"  \
  "   || json_extract (" d ", '$.id_number')"                                  \
  " WHEN 'business' THEN 'business::' || json_extract (" d ", '$.credit_code')" \
  " END END)"

typedef enum
{
  STMT_BEGIN,
  STMT_COMMIT,
  STMT_ROLLBACK,
  STMT_SAVEPOINT,
  STMT_RELEASE,
  STMT_ROLLBACK_TO,
  STMT_GET_APPLICANT,
  STMT_GET_CASE,
  STMT_GET_EVENT_ENTITY,
  STMT_FIND_CASE_BY_NUMBER,
  STMT_FIND_APPLICANT_BY_IDENTITY,
  STMT_GET_EVENT,
  STMT_LIST_CHANGES,
  STMT_GET_IDEMPOTENT,
  STMT_GET_OFFICIAL,
  STMT_PUT_APPLICANT,
  STMT_PUT_CASE,
  STMT_PUT_EVENT,
  STMT_PUT_CHANGE,
  STMT_PUT_IDEMPOTENT,
  STMT_PUT_OFFICIAL,
  STMT_SIGN_OUT_OFFICIAL,
  STMT_LIST_CASE_EVENTS,
  STMT_PUT_SIGN_IN_FAILURE,
  STMT_PRUNE_SIGN_IN_FAILURES,
  STMT_LIST_SIGN_IN_FAILURES,
  STMT_GET_CALENDAR,
  STMT_LIST_CALENDARS,
  STMT_PUT_CALENDAR,
  STMT_GET_LICENSE,
  STMT_PUT_LICENSE,
  STMT_GET_PAGE,
  STMT_PUT_PAGE,
  STMT_STATS_CASES,
  STMT_STATS_REASONS,
  STMT_STATS_STEPS,
  STMT_STATS_WAITING,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_BEGIN] = "BEGIN IMMEDIATE",
  [STMT_COMMIT] = "COMMIT",
  [STMT_ROLLBACK] = "ROLLBACK",
  [STMT_SAVEPOINT] = "SAVEPOINT job",
  [STMT_RELEASE] = "RELEASE job",
  [STMT_ROLLBACK_TO] = "ROLLBACK TO job",
  [STMT_GET_APPLICANT] = "SELECT data, version FROM applicants WHERE uuid = ?1",
  [STMT_GET_CASE] = "SELECT data, version FROM cases WHERE uuid = ?1",
  [STMT_GET_EVENT_ENTITY] = "SELECT data, 1 FROM events WHERE uuid = ?1",
  [STMT_FIND_CASE_BY_NUMBER] = "SELECT uuid FROM cases WHERE number = ?1",
  [STMT_FIND_APPLICANT_BY_IDENTITY] = "SELECT uuid FROM applicants"
                                      " WHERE identity = " IDENTITY_OF ("?1"),
  [STMT_GET_EVENT] = "SELECT data, case_uuid, case_version FROM events WHERE uuid = ?1",
  [STMT_LIST_CHANGES] = "SELECT seq, entity, uuid, version, data FROM changes "
                        "WHERE seq > ?1 ORDER BY seq LIMIT ?2",
  [STMT_GET_IDEMPOTENT] = "SELECT request_hash, status, etag, body FROM idempotency WHERE key = ?1",
  [STMT_GET_OFFICIAL] = "SELECT password_hash, roles, signed_out_at FROM officials"
                        " WHERE username = ?1",
  /* An update that keeps the identity document keeps the key it had: a
   * duplicate from before schema 3, which has none, stays writable. */
  [STMT_PUT_APPLICANT] = "INSERT INTO applicants (uuid, version, data, identity)"
                         " VALUES (?1, ?2, ?3, " IDENTITY_OF ("?3") ")"
                         " ON CONFLICT (uuid) DO UPDATE SET version = excluded.version,"
                         " data = excluded.data, identity = CASE"
                         "   WHEN excluded.identity IS " IDENTITY_OF ("applicants.data")
                         "   THEN applicants.identity ELSE excluded.identity END",
  [STMT_PUT_CASE] = "INSERT INTO cases (uuid, version, number, data) VALUES (?1, ?2, ?4, ?3) "
                    "ON CONFLICT (uuid) DO UPDATE SET version = excluded.version, "
                    "number = excluded.number, data = excluded.data",
  [STMT_PUT_EVENT] = "INSERT INTO events (uuid, case_uuid, case_version, data) "
                     "VALUES (?1, ?2, ?3, ?4)",
  [STMT_PUT_CHANGE] = "INSERT INTO changes (entity, uuid, version, data) VALUES (?1, ?2, ?3, ?4)",
  [STMT_PUT_IDEMPOTENT] = "INSERT INTO idempotency (key, request_hash, status, etag, body, created_at) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%s', 'now'))",
  [STMT_PUT_OFFICIAL] = "INSERT INTO officials (username, password_hash, roles) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, "
                        "roles = excluded.roles",
  [STMT_SIGN_OUT_OFFICIAL] = "UPDATE officials SET signed_out_at = max (signed_out_at, ?2)"
                             " WHERE username = ?1",
  [STMT_LIST_CASE_EVENTS] = "SELECT data FROM events WHERE case_uuid = ?1 ORDER BY rowid",
  [STMT_PUT_SIGN_IN_FAILURE] = "INSERT INTO sign_in_failures (at, username, address, reason)"
                               " VALUES (?1, ?2, ?3, ?4)",
  [STMT_PRUNE_SIGN_IN_FAILURES] = "DELETE FROM sign_in_failures"
                                  " WHERE id <= (SELECT max (id) FROM sign_in_failures) - 100000",
  [STMT_LIST_SIGN_IN_FAILURES] = "SELECT at, username, address, reason FROM sign_in_failures"
                                 " WHERE at >= ?1 ORDER BY id DESC LIMIT ?2",
  [STMT_GET_CALENDAR] = "SELECT data, version FROM calendars ORDER BY version DESC LIMIT 1",
  [STMT_LIST_CALENDARS] = "SELECT data FROM calendars ORDER BY version",
  [STMT_PUT_CALENDAR] = "INSERT INTO calendars (version, data, set_by, set_at)"
                        " VALUES (?1, ?2, ?3, strftime('%s', 'now'))",
  [STMT_GET_LICENSE] = "SELECT data FROM licenses WHERE number = ?1",
  [STMT_PUT_LICENSE] = "INSERT INTO licenses (number, case_uuid, data) VALUES (?1, ?2, ?3)",
  [STMT_GET_PAGE] = "SELECT data, version FROM pages WHERE uuid = ?1",
  /* A page stays in its case: the writer refuses a move to another. */
  [STMT_PUT_PAGE] = "INSERT INTO pages (uuid, version, case_uuid, data)"
                    " VALUES (?1, ?2, json_extract (?3, '$.case'), ?3)"
                    " ON CONFLICT (uuid) DO UPDATE SET version = excluded.version,"
                    " data = excluded.data",
  /* From the stats_ tables (schema 10). ?1, ?2: the range of created_at
   * (ISO 8601, UTC, whole hours); ?3: the grouping; ?4: now; ?5: the
   * cells' dim of the grouping. Days and hours are the hall's local time,
   * UTC+08:00. The cells tell overdue by the hour of the promise; the
   * cases promised within the current hour are looked up one by one. */
  [STMT_STATS_CASES] =
    "SELECT k, sum (opened), sum (finished), sum (on_time), sum (late), sum (overdue),"
    "       sum (returned), sum (rejected)"
    " FROM (SELECT CASE ?3 WHEN 'day' THEN strftime ('%Y-%m-%d', hour * 3600 + 28800, 'unixepoch')"
    "                      WHEN 'hour' THEN strftime ('%H', hour * 3600 + 28800, 'unixepoch')"
    "                      ELSE key END AS k,"
    "              opened, finished, on_time, late,"
    "              CASE WHEN promised_hour >= 0"
    "                    AND promised_hour < CAST (strftime ('%s', ?4) AS INTEGER) / 3600"
    "                   THEN open ELSE 0 END AS overdue, returned, rejected"
    "       FROM stats_cells"
    "       WHERE dim = ?5 AND hour >= CAST (strftime ('%s', ?1) AS INTEGER) / 3600"
    "         AND hour < CAST (strftime ('%s', ?2) AS INTEGER) / 3600"
    "       UNION ALL"
    "       SELECT CASE ?3 WHEN 'day' THEN strftime ('%Y-%m-%d', created_at + 28800, 'unixepoch')"
    "                      WHEN 'hour' THEN strftime ('%H', created_at + 28800, 'unixepoch')"
    "                      WHEN 'counter' THEN counter WHEN 'official' THEN official"
    "                      ELSE service END, 0, 0, 0, 0, 1, 0, 0"
    "       FROM stats_cases"
    "       WHERE finished_at IS NULL"
    "         AND promised_at >= CAST (strftime ('%s', ?4) AS INTEGER) / 3600 * 3600"
    "         AND promised_at < CAST (strftime ('%s', ?4) AS INTEGER)"
    "         AND created_at >= CAST (strftime ('%s', ?1) AS INTEGER)"
    "         AND created_at < CAST (strftime ('%s', ?2) AS INTEGER))"
    " GROUP BY k HAVING sum (opened) > 0 ORDER BY k",
  /* ?1, ?2: the range of the cases' created_at. */
  [STMT_STATS_REASONS] =
    "SELECT kind, code, count(*) AS n FROM stats_reasons"
    " WHERE hour >= CAST (strftime ('%s', ?1) AS INTEGER) / 3600"
    "   AND hour < CAST (strftime ('%s', ?2) AS INTEGER) / 3600"
    " GROUP BY kind, code ORDER BY n DESC, kind, code",
  /* ?1, ?2: the range of the cases' created_at. */
  [STMT_STATS_STEPS] =
    "SELECT service, step, minutes, sum (decided) FROM stats_steps"
    " WHERE day >= (CAST (strftime ('%s', ?1) AS INTEGER) + 28800) / 86400"
    "   AND day < (CAST (strftime ('%s', ?2) AS INTEGER) + 28800) / 86400"
    " GROUP BY service, step, minutes ORDER BY service, step, minutes",
  /* ?1, ?2: the range of the cases' created_at; ?3: now. */
  [STMT_STATS_WAITING] =
    "SELECT key, history, sum (waiting), sum (overdue)"
    " FROM (SELECT key, history, waiting,"
    "              CASE WHEN promised_hour >= 0"
    "                    AND promised_hour < CAST (strftime ('%s', ?3) AS INTEGER) / 3600"
    "                   THEN waiting ELSE 0 END AS overdue"
    "       FROM stats_cells"
    "       WHERE dim = 'service' AND hour >= CAST (strftime ('%s', ?1) AS INTEGER) / 3600"
    "         AND hour < CAST (strftime ('%s', ?2) AS INTEGER) / 3600 AND waiting <> 0"
    "       UNION ALL"
    "       SELECT service, history, 0, 1 FROM stats_cases"
    "       WHERE finished_at IS NULL AND waiting"
    "         AND promised_at >= CAST (strftime ('%s', ?3) AS INTEGER) / 3600 * 3600"
    "         AND promised_at < CAST (strftime ('%s', ?3) AS INTEGER)"
    "         AND created_at >= CAST (strftime ('%s', ?1) AS INTEGER)"
    "         AND created_at < CAST (strftime ('%s', ?2) AS INTEGER))"
    " GROUP BY key, history HAVING sum (waiting) > 0",
};

static const char schema_v1[] =
  "CREATE TABLE applicants (uuid TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);"
  "CREATE TABLE cases (uuid TEXT PRIMARY KEY, version INTEGER NOT NULL, number TEXT UNIQUE,"
  "                    data TEXT NOT NULL);"
  "CREATE TABLE events (uuid TEXT PRIMARY KEY, case_uuid TEXT NOT NULL,"
  "                     case_version INTEGER NOT NULL, data TEXT NOT NULL);"
  "CREATE INDEX events_case ON events (case_uuid);"
  /* AUTOINCREMENT: a seq is never reused, so a cursor never skips a change. */
  "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL,"
  "                      uuid TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);"
  "CREATE TABLE idempotency (key TEXT PRIMARY KEY, request_hash TEXT NOT NULL,"
  "                          status INTEGER NOT NULL, etag INTEGER, body TEXT NOT NULL,"
  "                          created_at INTEGER NOT NULL);"
  "CREATE TABLE officials (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL,"
  "                        roles TEXT NOT NULL);"
  "PRAGMA user_version = 1;";

/* When an official last signed out everywhere: sessions opened before end. */
static const char schema_v2[] =
  "ALTER TABLE officials ADD COLUMN signed_out_at INTEGER NOT NULL DEFAULT 0;"
  "PRAGMA user_version = 2;";

/* An identity document belongs to one applicant. Before this version a
 * second applicant with the same one was taken in; such duplicates stay
 * as they are, readable and writable, since deciding which record a
 * person's history belongs to is an official's work, not a migration's:
 * the oldest of each group holds the key, the others hold none (NULLs do
 * not clash in a UNIQUE index), and only new duplicates are refused. */
static const char schema_v3[] =
  "ALTER TABLE applicants ADD COLUMN identity TEXT;"
  "UPDATE applicants SET identity = " IDENTITY_OF ("data")
  " WHERE rowid IN (SELECT min (rowid) FROM applicants"
  "                 WHERE " IDENTITY_OF ("data") " IS NOT NULL"
  "                 GROUP BY " IDENTITY_OF ("data") ");"
  "CREATE UNIQUE INDEX applicants_identity ON applicants (identity);"
  "PRAGMA user_version = 3;";

/* The hall's queue (hall-queue.c): tickets, numbered per day and letter;
 * every transition of one with its time, whose id is the id of its event
 * in GET /v1/queue/events; the groups each counter calls for and when it
 * last did; appointments and the ticket each checked in for. */
static const char schema_v4[] =
  "CREATE TABLE tickets (uuid TEXT PRIMARY KEY, day TEXT NOT NULL, letter TEXT NOT NULL,"
  "                      seq INTEGER NOT NULL, number TEXT NOT NULL, grp TEXT NOT NULL,"
  "                      service TEXT NOT NULL, priority TEXT NOT NULL, state TEXT NOT NULL,"
  "                      counter TEXT, targeted INTEGER NOT NULL DEFAULT 0,"
  "                      issued_at INTEGER NOT NULL, queued_at INTEGER NOT NULL,"
  "                      called_at INTEGER, last_called_at INTEGER, served_at INTEGER,"
  "                      finished_at INTEGER, calls INTEGER NOT NULL DEFAULT 0, case_uuid TEXT,"
  "                      UNIQUE (day, letter, seq));"
  "CREATE INDEX tickets_waiting ON tickets (day, state, grp);"
  "CREATE INDEX tickets_done ON tickets (grp, state, finished_at);"
  "CREATE INDEX tickets_called ON tickets (day, last_called_at);"
  "CREATE TABLE ticket_transitions (id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "                                 ticket_uuid TEXT NOT NULL, change TEXT NOT NULL,"
  "                                 from_state TEXT, to_state TEXT NOT NULL, counter TEXT,"
  "                                 official TEXT, at INTEGER NOT NULL, event TEXT NOT NULL);"
  "CREATE INDEX ticket_transitions_ticket ON ticket_transitions (ticket_uuid);"
  "CREATE TABLE queue_counters (counter TEXT PRIMARY KEY, groups TEXT NOT NULL,"
  "                             seen_at INTEGER NOT NULL);"
  "CREATE TABLE appointments (code TEXT PRIMARY KEY, service TEXT NOT NULL,"
  "                           slot_start INTEGER NOT NULL, slot_end INTEGER NOT NULL,"
  "                           case_uuid TEXT, ticket_uuid TEXT, created_by TEXT,"
  "                           created_at INTEGER NOT NULL);"
  "PRAGMA user_version = 4;";

/* Stamp-free approval (issue 10), the server's half:
 * - what the hall trusts: its public key, the officials' certificates its
 *   root key made, and the revocations (hall-server-trust.c);
 * - each case's timeline as a hash chain (hall-audit.h): an event holds
 *   the hash of the case's event before it and its own, over its stored
 *   JSON; the case holds the last. A trigger keeps them, so no write path
 *   can leave an event out; the events there are chained in the order
 *   they were stored. */
static const char schema_v5[] =
  "CREATE TABLE hall_key (id INTEGER PRIMARY KEY CHECK (id = 1), public_key TEXT NOT NULL);"
  "CREATE TABLE certificates (public_key TEXT PRIMARY KEY, official TEXT NOT NULL,"
  "                           data TEXT NOT NULL);"
  "CREATE TABLE revocations (uuid TEXT PRIMARY KEY, data TEXT NOT NULL,"
  "                          recorded_at INTEGER NOT NULL);"
  "ALTER TABLE events ADD COLUMN prev_hash TEXT;"
  "ALTER TABLE events ADD COLUMN entry_hash TEXT;"
  "ALTER TABLE cases ADD COLUMN audit_head TEXT NOT NULL DEFAULT '';"
  "CREATE TRIGGER events_chain AFTER INSERT ON events BEGIN"
  "  UPDATE events SET prev_hash ="
  "    coalesce ((SELECT audit_head FROM cases WHERE uuid = NEW.case_uuid), '')"
  "    WHERE rowid = NEW.rowid;"
  "  UPDATE events SET entry_hash ="
  "    hall_audit_hash (prev_hash, uuid, NULL, NULL, NULL, NULL, 0, data)"
  "    WHERE rowid = NEW.rowid;"
  "  UPDATE cases SET audit_head = (SELECT entry_hash FROM events WHERE rowid = NEW.rowid)"
  "    WHERE uuid = NEW.case_uuid;"
  "END;"
  "CREATE TEMP TABLE events_v4 AS SELECT rowid AS r, uuid, case_uuid, case_version, data"
  "  FROM events;"
  "DELETE FROM events;"
  "INSERT INTO events (rowid, uuid, case_uuid, case_version, data)"
  "  SELECT r, uuid, case_uuid, case_version, data FROM events_v4 ORDER BY r;"
  "DROP TABLE events_v4;"
  "PRAGMA user_version = 5;";

/* Refused sign-ins, for the administrator to see who is guessing. */
static const char schema_v6[] =
  "CREATE TABLE sign_in_failures (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
  "                               username TEXT NOT NULL, address TEXT NOT NULL,"
  "                               reason TEXT NOT NULL);"
  "CREATE INDEX sign_in_failures_at ON sign_in_failures (at);"
  "PRAGMA user_version = 6;";

/* The hall's calendars as the administrator set them (PUT /v1/calendar),
 * every version kept: a counter offline since may still promise in an
 * older one. Until the first, the file the server was started with. */
static const char schema_v7[] =
  "CREATE TABLE calendars (version INTEGER PRIMARY KEY, data TEXT NOT NULL,"
  "                        set_by TEXT NOT NULL, set_at INTEGER NOT NULL);"
  "PRAGMA user_version = 7;";

/* Licenses issued at the counters (PUT /v1/licenses/{number}): a case has
 * one. */
static const char schema_v8[] =
  "CREATE TABLE licenses (number TEXT PRIMARY KEY, case_uuid TEXT NOT NULL UNIQUE,"
  "                       data TEXT NOT NULL);"
  "PRAGMA user_version = 8;";

/* The records of scanned pages (issue 11): which case and checklist slot a
 * blob is a page of, in which order and turned how. */
static const char schema_v9[] =
  "CREATE TABLE pages (uuid TEXT PRIMARY KEY, version INTEGER NOT NULL,"
  "                    case_uuid TEXT NOT NULL, data TEXT NOT NULL);"
  "CREATE INDEX pages_case ON pages (case_uuid);"
  "PRAGMA user_version = 9;";

/* The supervision figures' own tables (GET /v1/stats, issue 14), so that a
 * month of a city's hall is counted without reading its cases' JSON:
 * - stats_cases: one row per case, what the figures need of it (times as
 *   Unix seconds); "waiting" when a step's decision is awaited (received,
 *   in_review); "history", the case's decisions in the order stored
 *   ("step:decision;"), from which the server's workflow tells the steps a
 *   waiting case waits at; "moved_at", its last decision or change of
 *   state (the start of the next step's time);
 * - stats_cells: the cases' counts added up per kind of group ("dim":
 *   service, counter, official), UTC hour of intake, key, hour of the
 *   promise (-1: none) and, for the waiting cases by service, history;
 * - stats_steps: the decisions per local day (UTC+08:00, days since
 *   1970-01-01) of their case's intake,
 *   service, step and whole minutes from the step's start;
 * - stats_reasons: each case's return and reject reasons, once, with the
 *   UTC hour of its intake.
 * Triggers keep them in the transaction of every write of a case or an
 * event, whichever path writes it; the existing record fills them here. */
#define STATS_CASE_VALUES(d)                                                           \
  "CAST (strftime ('%s', json_extract (" d ", '$.created_at')) AS INTEGER),"              \
  " coalesce (json_extract (" d ", '$.service'), ''),"                                   \
  " coalesce (json_extract (" d ", '$.counter'), ''),"                                   \
  " coalesce (json_extract (" d ", '$.official'), ''),"                                  \
  " CAST (strftime ('%s', json_extract (" d ", '$.promised_at')) AS INTEGER),"           \
  " CASE WHEN json_extract (" d ", '$.state') IN ('completed', 'rejected', 'withdrawn')" \
  "  THEN CAST (strftime ('%s', coalesce (json_extract (" d ", '$.updated_at'),"          \
  "                                      json_extract (" d ", '$.created_at'))) AS INTEGER) END," \
  " json_extract (" d ", '$.state') IN ('received', 'in_review')"
#define STATS_CASE_UPSERT                                                                 \
  " ON CONFLICT (uuid) DO UPDATE SET created_at = excluded.created_at,"                  \
  " service = excluded.service, counter = excluded.counter, official = excluded.official," \
  " promised_at = excluded.promised_at, finished_at = excluded.finished_at,"             \
  " waiting = excluded.waiting"
/* Adds (@sign 1) or takes away (-1) the case @r of stats_cases to its cells. */
#define STATS_CELL_ADD(r, sign)                                                           \
  "INSERT INTO stats_cells (dim, hour, key, promised_hour, history, opened, finished,"   \
  "                         on_time, late, open, waiting, returned, rejected)"           \
  " SELECT d.dim, " r ".created_at / 3600, d.key, coalesce (" r ".promised_at / 3600, -1)," \
  "        d.history, " sign ", " sign " * (" r ".finished_at IS NOT NULL),"              \
  "        " sign " * coalesce (" r ".finished_at <= " r ".promised_at, 0),"              \
  "        " sign " * coalesce (" r ".finished_at > " r ".promised_at, 0),"               \
  "        " sign " * (" r ".finished_at IS NULL), " sign " * " r ".waiting,"            \
  "        " sign " * " r ".returned, " sign " * " r ".rejected"                           \
  " FROM (SELECT 'service' AS dim, " r ".service AS key,"                                \
  "              CASE WHEN " r ".waiting THEN " r ".history ELSE '' END AS history"       \
  "       UNION ALL SELECT 'counter', " r ".counter, ''"                                  \
  "       UNION ALL SELECT 'official', " r ".official, '') AS d WHERE true"               \
  " ON CONFLICT (dim, hour, key, promised_hour, history) DO UPDATE SET"                  \
  " opened = opened + excluded.opened, finished = finished + excluded.finished,"         \
  " on_time = on_time + excluded.on_time, late = late + excluded.late,"                  \
  " open = open + excluded.open, waiting = waiting + excluded.waiting,"                  \
  " returned = returned + excluded.returned, rejected = rejected + excluded.rejected;"
#define STATS_CELL_PRUNE(r)                                                               \
  "DELETE FROM stats_cells WHERE dim IN ('service', 'counter', 'official')"             \
  " AND hour = " r ".created_at / 3600 AND opened = 0;"
#define EVENT_AT "CAST (strftime ('%s', json_extract (NEW.data, '$.at')) AS INTEGER)"
#define EVENT_DECISION "coalesce (json_extract (NEW.data, '$.decision'), '')"
#define EVENT_STEP "coalesce (json_extract (NEW.data, '$.step'), '')"

static const char schema_v10[] =
  "CREATE TABLE stats_cases (uuid TEXT PRIMARY KEY, created_at INTEGER NOT NULL,"
  "                          service TEXT NOT NULL, counter TEXT NOT NULL,"
  "                          official TEXT NOT NULL, promised_at INTEGER, finished_at INTEGER,"
  "                          waiting INTEGER NOT NULL, history TEXT NOT NULL DEFAULT '',"
  "                          moved_at INTEGER, returned INTEGER NOT NULL DEFAULT 0,"
  "                          rejected INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX stats_cases_promised ON stats_cases (promised_at) WHERE finished_at IS NULL;"
  "CREATE TABLE stats_cells (dim TEXT NOT NULL, hour INTEGER NOT NULL, key TEXT NOT NULL,"
  "                          promised_hour INTEGER NOT NULL, history TEXT NOT NULL,"
  "                          opened INTEGER NOT NULL, finished INTEGER NOT NULL,"
  "                          on_time INTEGER NOT NULL, late INTEGER NOT NULL,"
  "                          open INTEGER NOT NULL, waiting INTEGER NOT NULL,"
  "                          returned INTEGER NOT NULL, rejected INTEGER NOT NULL,"
  "                          PRIMARY KEY (dim, hour, key, promised_hour, history))"
  "  WITHOUT ROWID;"
  "CREATE TABLE stats_steps (day INTEGER NOT NULL, service TEXT NOT NULL, step TEXT NOT NULL,"
  "                          minutes INTEGER NOT NULL, decided INTEGER NOT NULL,"
  "                          PRIMARY KEY (day, service, step, minutes)) WITHOUT ROWID;"
  "CREATE TABLE stats_reasons (case_uuid TEXT NOT NULL, kind TEXT NOT NULL, code TEXT NOT NULL,"
  "                            hour INTEGER NOT NULL,"
  "                            PRIMARY KEY (case_uuid, kind, code)) WITHOUT ROWID;"
  "CREATE INDEX stats_reasons_hour ON stats_reasons (hour, kind, code);"
  "CREATE TRIGGER stats_cases_added AFTER INSERT ON stats_cases BEGIN "
  STATS_CELL_ADD ("NEW", "1")
  "END;"
  "CREATE TRIGGER stats_cases_changed AFTER UPDATE ON stats_cases"
  " WHEN OLD.created_at IS NOT NEW.created_at OR OLD.service IS NOT NEW.service"
  "   OR OLD.counter IS NOT NEW.counter OR OLD.official IS NOT NEW.official"
  "   OR OLD.promised_at IS NOT NEW.promised_at OR OLD.finished_at IS NOT NEW.finished_at"
  "   OR OLD.waiting IS NOT NEW.waiting OR OLD.returned IS NOT NEW.returned"
  "   OR OLD.rejected IS NOT NEW.rejected OR (NEW.waiting AND OLD.history IS NOT NEW.history)"
  " BEGIN "
  STATS_CELL_ADD ("OLD", "-1")
  STATS_CELL_PRUNE ("OLD")
  STATS_CELL_ADD ("NEW", "1")
  "END;"
  "CREATE TRIGGER stats_cases_removed AFTER DELETE ON stats_cases BEGIN "
  STATS_CELL_ADD ("OLD", "-1")
  STATS_CELL_PRUNE ("OLD")
  "END;"
  "CREATE TRIGGER stats_case_written AFTER INSERT ON cases"
  " WHEN json_valid (NEW.data)"
  "  AND strftime ('%s', json_extract (NEW.data, '$.created_at')) IS NOT NULL BEGIN"
  "  INSERT INTO stats_cases (uuid, created_at, service, counter, official, promised_at,"
  "                           finished_at, waiting)"
  "  VALUES (NEW.uuid, " STATS_CASE_VALUES ("NEW.data") ")" STATS_CASE_UPSERT ";"
  "END;"
  "CREATE TRIGGER stats_case_rewritten AFTER UPDATE OF data ON cases"
  " WHEN json_valid (NEW.data)"
  "  AND strftime ('%s', json_extract (NEW.data, '$.created_at')) IS NOT NULL BEGIN"
  "  INSERT INTO stats_cases (uuid, created_at, service, counter, official, promised_at,"
  "                           finished_at, waiting)"
  "  VALUES (NEW.uuid, " STATS_CASE_VALUES ("NEW.data") ")" STATS_CASE_UPSERT ";"
  "END;"
  "CREATE TRIGGER stats_decision AFTER INSERT ON events"
  " WHEN json_valid (NEW.data) AND json_extract (NEW.data, '$.kind') = 'decision' BEGIN"
  "  INSERT INTO stats_steps (day, service, step, minutes, decided)"
  "   SELECT (c.created_at + 28800) / 86400, c.service, " EVENT_STEP ","
  "          max (0, (" EVENT_AT " - coalesce (c.moved_at, c.created_at)) / 60), 1"
  "   FROM stats_cases AS c WHERE c.uuid = NEW.case_uuid AND " EVENT_AT " IS NOT NULL"
  "   ON CONFLICT (day, service, step, minutes) DO UPDATE SET decided = decided + 1;"
  "  UPDATE stats_cases SET returned = returned OR " EVENT_DECISION " = 'return',"
  "    rejected = rejected OR " EVENT_DECISION " = 'reject',"
  "    history = history || " EVENT_STEP " || ':' || " EVENT_DECISION " || ';',"
  "    moved_at = CASE WHEN " EVENT_AT " IS NULL THEN moved_at"
  "                    ELSE max (coalesce (moved_at, " EVENT_AT "), " EVENT_AT ") END"
  "   WHERE uuid = NEW.case_uuid;"
  "  INSERT OR IGNORE INTO stats_reasons (case_uuid, kind, code, hour)"
  "   SELECT NEW.case_uuid, " EVENT_DECISION ", coalesce (json_extract (r.value, '$.code'), 'other'),"
  "          c.created_at / 3600"
  "   FROM stats_cases AS c, json_each (NEW.data, '$.reasons') AS r"
  "   WHERE c.uuid = NEW.case_uuid AND " EVENT_DECISION " IN ('return', 'reject')"
  "     AND json_type (NEW.data, '$.reasons') = 'array';"
  "END;"
  "CREATE TRIGGER stats_state AFTER INSERT ON events"
  " WHEN json_valid (NEW.data) AND json_extract (NEW.data, '$.kind') = 'state'"
  "  AND " EVENT_AT " IS NOT NULL BEGIN"
  "  UPDATE stats_cases SET moved_at = max (coalesce (moved_at, " EVENT_AT "), " EVENT_AT ")"
  "   WHERE uuid = NEW.case_uuid;"
  "END;"
  /* The record so far, as the triggers would have kept it. */
  "CREATE TEMP TABLE stats_moves AS"
  " SELECT e.rowid AS r, e.case_uuid, json_extract (e.data, '$.kind') AS kind,"
  "        coalesce (json_extract (e.data, '$.step'), '') AS step,"
  "        coalesce (json_extract (e.data, '$.decision'), '') AS decision,"
  "        CAST (strftime ('%s', json_extract (e.data, '$.at')) AS INTEGER) AS at"
  " FROM events AS e WHERE json_valid (e.data)"
  "   AND json_extract (e.data, '$.kind') IN ('decision', 'state');"
  "CREATE INDEX temp.stats_moves_case ON stats_moves (case_uuid, r);"
  "INSERT INTO stats_cases (uuid, created_at, service, counter, official, promised_at,"
  "                         finished_at, waiting, history, moved_at, returned, rejected)"
  " SELECT uuid, " STATS_CASE_VALUES ("data") ","
  "  coalesce ((SELECT group_concat (step || ':' || decision || ';', '')"
  "             FROM (SELECT step, decision FROM stats_moves AS m"
  "                   WHERE m.case_uuid = cases.uuid AND m.kind = 'decision' ORDER BY m.r)), ''),"
  "  (SELECT max (at) FROM stats_moves AS m WHERE m.case_uuid = cases.uuid),"
  "  EXISTS (SELECT 1 FROM stats_moves AS m WHERE m.case_uuid = cases.uuid"
  "          AND m.kind = 'decision' AND m.decision = 'return'),"
  "  EXISTS (SELECT 1 FROM stats_moves AS m WHERE m.case_uuid = cases.uuid"
  "          AND m.kind = 'decision' AND m.decision = 'reject')"
  " FROM cases WHERE json_valid (data)"
  "   AND strftime ('%s', json_extract (data, '$.created_at')) IS NOT NULL;"
  "INSERT INTO stats_steps (day, service, step, minutes, decided)"
  " SELECT (c.created_at + 28800) / 86400, c.service, m.step,"
  "        max (0, (m.at - coalesce ((SELECT max (p.at) FROM stats_moves AS p"
  "                                   WHERE p.case_uuid = m.case_uuid AND p.r < m.r),"
  "                                  c.created_at)) / 60) AS minutes, count(*)"
  " FROM stats_moves AS m JOIN stats_cases AS c ON c.uuid = m.case_uuid"
  " WHERE m.kind = 'decision' AND m.at IS NOT NULL"
  " GROUP BY 1, 2, 3, 4;"
  "INSERT OR IGNORE INTO stats_reasons (case_uuid, kind, code, hour)"
  " SELECT e.case_uuid, json_extract (e.data, '$.decision'),"
  "        coalesce (json_extract (r.value, '$.code'), 'other'), c.created_at / 3600"
  " FROM events AS e JOIN stats_cases AS c ON c.uuid = e.case_uuid,"
  "      json_each (e.data, '$.reasons') AS r"
  " WHERE json_valid (e.data) AND json_extract (e.data, '$.kind') = 'decision'"
  "   AND json_extract (e.data, '$.decision') IN ('return', 'reject')"
  "   AND json_type (e.data, '$.reasons') = 'array';"
  "DROP TABLE temp.stats_moves;"
  "PRAGMA user_version = 10;";

struct _HallServerSqlite
{
  GObject    parent_instance;
  char      *path;
  gsize      id;
  GMutex     mutex;
  GPtrArray *conns;   /* of HallSqliteConn, every thread's */
  HallSqliteCheckpointer *checkpointer;   /* every connection's checkpoints */
};

static void hall_server_sqlite_storage_init (HallServerStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HallServerSqlite, hall_server_sqlite, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HALL_TYPE_SERVER_STORAGE,
                                                      hall_server_sqlite_storage_init))

/* Per thread: instance id -> HallSqliteConn. Keyed by id rather than
 * pointer so that a new instance at a freed address never finds a closed
 * connection. */
static GPrivate thread_conns = G_PRIVATE_INIT ((GDestroyNotify) g_hash_table_unref);
static gsize next_id;

static void
hall_server_sqlite_finalize (GObject *object)
{
  HallServerSqlite *self = HALL_SERVER_SQLITE (object);
  GHashTable *table = g_private_get (&thread_conns);

  g_clear_pointer (&self->checkpointer, hall_sqlite_checkpointer_free);
  if (table != NULL)
    g_hash_table_remove (table, GSIZE_TO_POINTER (self->id));
  g_ptr_array_unref (self->conns);
  g_mutex_clear (&self->mutex);
  g_free (self->path);
  G_OBJECT_CLASS (hall_server_sqlite_parent_class)->finalize (object);
}

static void
hall_server_sqlite_class_init (HallServerSqliteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_server_sqlite_finalize;
}

static void
hall_server_sqlite_init (HallServerSqlite *self)
{
  g_mutex_init (&self->mutex);
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_sqlite_conn_free);
  self->id = g_atomic_pointer_add (&next_id, 1) + 1;
}

static HallSqliteConn *
get_conn (HallServerSqlite  *self,
          GError           **error)
{
  GHashTable *table = g_private_get (&thread_conns);
  HallSqliteConn *conn;

  if (table == NULL)
    {
      table = g_hash_table_new (NULL, NULL);
      g_private_set (&thread_conns, table);
    }
  conn = g_hash_table_lookup (table, GSIZE_TO_POINTER (self->id));
  if (conn != NULL)
    return conn;

  conn = hall_sqlite_conn_open (self->path, HALL_SQLITE_OPEN_DURABLE, error);
  if (conn == NULL)
    return NULL;
  /* The audit chain's trigger (schema 4) calls it on every event written. */
  if (!hall_audit_register_sql_function (hall_sqlite_conn_get_db (conn), error))
    {
      hall_sqlite_conn_free (conn);
      return NULL;
    }
  /* temp_store: each write of a group commit runs in a savepoint, and past
   * 64 KiB SQLite spills the savepoints' journal to a temporary file; a
   * batch of 500 writes spent a quarter of its time writing that file. It
   * only lives for one transaction. */
  if (!hall_sqlite_conn_exec (conn, "PRAGMA temp_store = MEMORY", _("set up the database"),
                              error))
    {
      hall_sqlite_conn_free (conn);
      return NULL;
    }
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->conns, conn);
  if (self->checkpointer != NULL)
    hall_sqlite_checkpointer_watch (self->checkpointer, conn);
  g_mutex_unlock (&self->mutex);
  g_hash_table_insert (table, GSIZE_TO_POINTER (self->id), conn);
  return conn;
}

/* The statement @id of this thread's connection, prepared once: the SQL
 * text is the key of the connection's cache. */
static HallSqliteStmt *
get_stmt (HallServerSqlite  *self,
          StmtId             id,
          GError           **error)
{
  HallSqliteConn *conn = get_conn (self, error);

  if (conn == NULL)
    return NULL;
  return hall_sqlite_conn_prepare (conn, stmt_sql[id], error);
}

static gboolean
exec_stmt (HallServerSqlite  *self,
           StmtId             id,
           const char        *doing,
           GError           **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (self, id, error);

  return stmt != NULL && hall_sqlite_stmt_run (stmt, doing, error);
}

static gboolean
migrate (HallServerSqlite  *self,
         GError           **error)
{
  HallSqliteConn *conn = get_conn (self, error);
  int version;

  if (conn == NULL)
    return FALSE;
  version = hall_sqlite_conn_get_user_version (conn, error);
  if (version < 0)
    return FALSE;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                   _("The database %s was made by a newer server (schema %d, this one knows %d)"),
                   self->path, version, SCHEMA_VERSION);
      return FALSE;
    }
  if (version == SCHEMA_VERSION)
    return TRUE;

  if (!hall_sqlite_conn_exec (conn, "BEGIN IMMEDIATE", _("start the schema migration"), error))
    return FALSE;
  if ((version < 1 && !hall_sqlite_conn_exec (conn, schema_v1, _("create the schema"), error))
      || (version < 2 && !hall_sqlite_conn_exec (conn, schema_v2, _("create the schema"), error))
      || (version < 3 && !hall_sqlite_conn_exec (conn, schema_v3, _("create the schema"), error))
      || (version < 4 && !hall_sqlite_conn_exec (conn, schema_v4, _("create the schema"), error))
      || (version < 5 && !hall_sqlite_conn_exec (conn, schema_v5, _("create the schema"), error))
      || (version < 6 && !hall_sqlite_conn_exec (conn, schema_v6, _("create the schema"), error))
      || (version < 7 && !hall_sqlite_conn_exec (conn, schema_v7, _("create the schema"), error))
      || (version < 8 && !hall_sqlite_conn_exec (conn, schema_v8, _("create the schema"), error))
      || (version < 9 && !hall_sqlite_conn_exec (conn, schema_v9, _("create the schema"), error))
      || !hall_sqlite_conn_exec (conn, schema_v10, _("create the schema"), error)
      || !hall_sqlite_conn_exec (conn, "COMMIT", _("create the schema"), error))
    {
      sqlite3_exec (hall_sqlite_conn_get_db (conn), "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

HallServerSqlite *
hall_server_sqlite_new (const char  *path,
                        GError     **error)
{
  g_autoptr(HallServerSqlite) self = g_object_new (HALL_TYPE_SERVER_SQLITE, NULL);
  g_autoptr(GError) local_error = NULL;

  self->path = g_strdup (path);
  if (!migrate (self, error))
    return NULL;
  /* Each thread's connection may write (the group committer's, a
   * request's): their commits only wake the checkpointer's thread, and a
   * batch no longer waits for the log to be copied back and synced. */
  self->checkpointer = hall_sqlite_checkpointer_new (path, &local_error);
  if (self->checkpointer == NULL)
    g_warning ("Only the writers will checkpoint the WAL: %s", local_error->message);
  g_mutex_lock (&self->mutex);
  for (guint i = 0; self->checkpointer != NULL && i < self->conns->len; i++)
    hall_sqlite_checkpointer_watch (self->checkpointer, g_ptr_array_index (self->conns, i));
  g_mutex_unlock (&self->mutex);
  return g_steal_pointer (&self);
}

HallSqliteConn *
hall_server_sqlite_get_conn (HallServerSqlite  *self,
                             GError           **error)
{
  return get_conn (self, error);
}

guint
_hall_server_sqlite_get_checkpoint_runs (HallServerSqlite *self)
{
  return self->checkpointer != NULL ? hall_sqlite_checkpointer_get_runs (self->checkpointer) : 0;
}

static gboolean
sqlite_begin (HallServerStorage  *storage,
              GError            **error)
{
  return exec_stmt (HALL_SERVER_SQLITE (storage), STMT_BEGIN, _("start a transaction"), error);
}

static gboolean
sqlite_commit (HallServerStorage  *storage,
               GError            **error)
{
  return exec_stmt (HALL_SERVER_SQLITE (storage), STMT_COMMIT, _("commit"), error);
}

static void
sqlite_rollback (HallServerStorage *storage)
{
  g_autoptr(GError) error = NULL;

  if (!exec_stmt (HALL_SERVER_SQLITE (storage), STMT_ROLLBACK, _("roll back"), &error))
    g_debug ("%s", error->message);
}

static gboolean
sqlite_savepoint (HallServerStorage  *storage,
                  GError            **error)
{
  return exec_stmt (HALL_SERVER_SQLITE (storage), STMT_SAVEPOINT, _("start a savepoint"), error);
}

static gboolean
sqlite_release (HallServerStorage  *storage,
                GError            **error)
{
  return exec_stmt (HALL_SERVER_SQLITE (storage), STMT_RELEASE, _("release a savepoint"), error);
}

static gboolean
sqlite_rollback_to (HallServerStorage  *storage,
                    GError            **error)
{
  /* ROLLBACK TO keeps the savepoint open; RELEASE ends it. */
  return exec_stmt (HALL_SERVER_SQLITE (storage), STMT_ROLLBACK_TO, _("roll back a savepoint"),
                    error)
         && exec_stmt (HALL_SERVER_SQLITE (storage), STMT_RELEASE, _("release a savepoint"), error);
}

static gboolean
set_not_found (GError    **error,
               const char *what)
{
  g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND, _("No such %s"), what);
  return FALSE;
}

/* Steps @stmt to the one row whose first parameter is @key. FALSE with
 * HALL_SERVER_ERROR_NOT_FOUND naming @what when there is none, or with a
 * database error saying it was to @doing. */
static gboolean
step_row_of_key (HallSqliteStmt *stmt,
                 const char     *key,
                 const char     *what,
                 const char     *doing,
                 GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (hall_sqlite_stmt_step_row (stmt, doing, &local_error))
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return set_not_found (error, what);
}

static char *
sqlite_get_entity (HallServerStorage  *storage,
                   HallEntityKind      kind,
                   const char         *uuid,
                   gint64             *version_out,
                   GError            **error)
{
  static const StmtId ids[] = {
    [HALL_ENTITY_APPLICANT] = STMT_GET_APPLICANT,
    [HALL_ENTITY_CASE] = STMT_GET_CASE,
    [HALL_ENTITY_EVENT] = STMT_GET_EVENT_ENTITY,
    [HALL_ENTITY_PAGE] = STMT_GET_PAGE,
  };
  g_autoptr(HallSqliteStmt) stmt = NULL;

  /* A license is read by its number (get_license). */
  g_return_val_if_fail (kind != HALL_ENTITY_LICENSE && kind < G_N_ELEMENTS (ids), NULL);
  stmt = get_stmt (HALL_SERVER_SQLITE (storage), ids[kind], error);
  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, uuid, hall_entity_kind_to_string (kind), _("read an entity"),
                        error))
    return NULL;
  if (version_out != NULL)
    *version_out = sqlite3_column_int64 (stmt, 1);
  return hall_sqlite_column_dup (stmt, 0);
}

static char *
sqlite_find_case_by_number (HallServerStorage  *storage,
                            const char         *number,
                            GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_FIND_CASE_BY_NUMBER, error);

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, number, "case", _("look up a case number"), error))
    return NULL;
  return hall_sqlite_column_dup (stmt, 0);
}

static char *
sqlite_find_applicant_by_identity (HallServerStorage  *storage,
                                   const char         *data,
                                   GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_FIND_APPLICANT_BY_IDENTITY, error);

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, data, "applicant", _("look up an identity document"), error))
    return NULL;
  return hall_sqlite_column_dup (stmt, 0);
}

static char *
sqlite_get_event (HallServerStorage  *storage,
                  const char         *uuid,
                  char              **case_uuid_out,
                  gint64             *case_version_out,
                  GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_GET_EVENT, error);

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, uuid, "event", _("read an event"), error))
    return NULL;
  if (case_uuid_out != NULL)
    *case_uuid_out = hall_sqlite_column_dup (stmt, 1);
  if (case_version_out != NULL)
    *case_version_out = sqlite3_column_int64 (stmt, 2);
  return hall_sqlite_column_dup (stmt, 0);
}

static GPtrArray *
sqlite_list_changes (HallServerStorage  *storage,
                     gint64              since,
                     guint               limit,
                     GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_LIST_CHANGES,
                                             error);
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_change_free);
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit);
  while (hall_sqlite_stmt_step_row (stmt, _("read the change feed"), &local_error))
    {
      HallChange *change = g_new0 (HallChange, 1);
      const char *entity = (const char *) sqlite3_column_text (stmt, 1);

      change->seq = sqlite3_column_int64 (stmt, 0);
      change->kind = g_str_equal (entity, "applicant") ? HALL_ENTITY_APPLICANT
                     : g_str_equal (entity, "case") ? HALL_ENTITY_CASE
                     : g_str_equal (entity, "license") ? HALL_ENTITY_LICENSE
                     : g_str_equal (entity, "page") ? HALL_ENTITY_PAGE : HALL_ENTITY_EVENT;
      change->uuid = hall_sqlite_column_dup (stmt, 2);
      change->version = sqlite3_column_int64 (stmt, 3);
      change->data = hall_sqlite_column_dup (stmt, 4);
      g_ptr_array_add (changes, change);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&changes);
}

static HallIdempotentAnswer *
sqlite_get_idempotent_answer (HallServerStorage  *storage,
                              const char         *key,
                              GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_GET_IDEMPOTENT,
                                             error);
  HallIdempotentAnswer *answer;

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, key, "idempotency key", _("read an idempotency key"), error))
    return NULL;
  answer = g_new0 (HallIdempotentAnswer, 1);
  answer->request_hash = hall_sqlite_column_dup (stmt, 0);
  answer->status = sqlite3_column_int (stmt, 1);
  answer->etag = sqlite3_column_int64 (stmt, 2);
  answer->body = hall_sqlite_column_dup (stmt, 3);
  return answer;
}

static char *
sqlite_get_official (HallServerStorage  *storage,
                     const char         *username,
                     HallRoles          *roles_out,
                     gint64             *signed_out_at_out,
                     GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_GET_OFFICIAL,
                                             error);

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, username, "official", _("read an official"), error))
    return NULL;
  if (roles_out != NULL)
    *roles_out = hall_roles_from_string ((const char *) sqlite3_column_text (stmt, 1));
  if (signed_out_at_out != NULL)
    *signed_out_at_out = sqlite3_column_int64 (stmt, 2);
  return hall_sqlite_column_dup (stmt, 0);
}

static gboolean
put_change (HallServerSqlite  *self,
            HallEntityKind     kind,
            const char        *uuid,
            gint64             version,
            const char        *data,
            GError           **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (self, STMT_PUT_CHANGE, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hall_entity_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, version);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
  return hall_sqlite_stmt_run (stmt, _("append to the change feed"), error);
}

static gboolean
sqlite_put_entity (HallServerStorage  *storage,
                   HallEntityKind      kind,
                   const char         *uuid,
                   gint64              version,
                   const char         *case_number,
                   const char         *data,
                   GError            **error)
{
  HallServerSqlite *self = HALL_SERVER_SQLITE (storage);
  g_autoptr(HallSqliteStmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (kind != HALL_ENTITY_EVENT, FALSE);

  stmt = get_stmt (self, kind == HALL_ENTITY_CASE ? STMT_PUT_CASE
                         : kind == HALL_ENTITY_PAGE ? STMT_PUT_PAGE : STMT_PUT_APPLICANT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, data, -1, SQLITE_STATIC);
  if (kind == HALL_ENTITY_CASE && case_number != NULL && *case_number != '\0')
    sqlite3_bind_text (stmt, 4, case_number, -1, SQLITE_STATIC);
  if (!hall_sqlite_stmt_run (stmt, _("write an entity"), &local_error))
    {
      if (!g_error_matches (local_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_CONSTRAINT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (kind == HALL_ENTITY_CASE)
        g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                     _("Another case already has the number %s"), case_number);
      else
        {
          /* The uuid's clash is the upsert's: only the identity is left. */
          g_autofree char *holder = sqlite_find_applicant_by_identity (storage, data, NULL);

          g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_DUPLICATE,
                       _("Applicant %s already has this identity document"),
                       holder != NULL ? holder : "?");
        }
      return FALSE;
    }
  return put_change (self, kind, uuid, version, data, error);
}

static gboolean
sqlite_put_event (HallServerStorage  *storage,
                  const char         *uuid,
                  const char         *case_uuid,
                  gint64              case_version,
                  const char         *data,
                  GError            **error)
{
  HallServerSqlite *self = HALL_SERVER_SQLITE (storage);
  g_autoptr(HallSqliteStmt) stmt = get_stmt (self, STMT_PUT_EVENT, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, case_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, case_version);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_STATIC);
  if (!hall_sqlite_stmt_run (stmt, _("write an event"), error))
    return FALSE;
  return put_change (self, HALL_ENTITY_EVENT, uuid, 1, data, error);
}

static gboolean
sqlite_put_idempotent_answer (HallServerStorage          *storage,
                              const char                 *key,
                              const HallIdempotentAnswer *answer,
                              GError                    **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_PUT_IDEMPOTENT,
                                             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, answer->request_hash, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, answer->status);
  sqlite3_bind_int64 (stmt, 4, answer->etag);
  sqlite3_bind_text (stmt, 5, answer->body, -1, SQLITE_STATIC);
  return hall_sqlite_stmt_run (stmt, _("record an idempotency key"), error);
}

static gboolean
sqlite_put_official (HallServerStorage  *storage,
                     const char         *username,
                     const char         *password_hash,
                     HallRoles           roles,
                     GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_PUT_OFFICIAL,
                                             error);
  g_autofree char *roles_text = hall_roles_to_string (roles);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, password_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, roles_text, -1, SQLITE_STATIC);
  return hall_sqlite_stmt_run (stmt, _("write an official"), error);
}

static gboolean
sqlite_sign_out_official (HallServerStorage  *storage,
                          const char         *username,
                          gint64              at,
                          GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_SIGN_OUT_OFFICIAL, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!hall_sqlite_stmt_run (stmt, _("sign an official out"), error))
    return FALSE;
  if (sqlite3_changes (sqlite3_db_handle (stmt)) == 0)
    return set_not_found (error, "official");
  return TRUE;
}

static GPtrArray *
sqlite_list_case_events (HallServerStorage  *storage,
                         const char         *case_uuid,
                         GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_LIST_CASE_EVENTS,
                                             error);
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func (g_free);
  sqlite3_bind_text (stmt, 1, case_uuid, -1, SQLITE_STATIC);
  while (hall_sqlite_stmt_step_row (stmt, _("read the case’s events"), &local_error))
    g_ptr_array_add (events, hall_sqlite_column_dup (stmt, 0));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&events);
}

static gboolean
sqlite_put_sign_in_failure (HallServerStorage        *storage,
                            const HallSignInFailure  *failure,
                            GError                  **error)
{
  HallServerSqlite *self = HALL_SERVER_SQLITE (storage);
  g_autoptr(HallSqliteStmt) stmt = get_stmt (self, STMT_PUT_SIGN_IN_FAILURE, error);
  g_autoptr(HallSqliteStmt) prune = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, failure->at);
  sqlite3_bind_text (stmt, 2, failure->username, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, failure->address, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, failure->reason, -1, SQLITE_STATIC);
  if (!hall_sqlite_stmt_run (stmt, _("record a refused sign-in"), error))
    return FALSE;
  /* A flood of guesses must not fill the disk. */
  prune = get_stmt (self, STMT_PRUNE_SIGN_IN_FAILURES, error);
  return prune != NULL && hall_sqlite_stmt_run (prune, _("record a refused sign-in"), error);
}

static GPtrArray *
sqlite_list_sign_in_failures (HallServerStorage  *storage,
                              gint64              since,
                              guint               limit,
                              GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_LIST_SIGN_IN_FAILURES, error);
  g_autoptr(GPtrArray) failures = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  failures = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_sign_in_failure_free);
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, limit);
  while (hall_sqlite_stmt_step_row (stmt, _("read the refused sign-ins"), &local_error))
    {
      HallSignInFailure *failure = g_new0 (HallSignInFailure, 1);

      failure->at = sqlite3_column_int64 (stmt, 0);
      failure->username = hall_sqlite_column_dup (stmt, 1);
      failure->address = hall_sqlite_column_dup (stmt, 2);
      failure->reason = hall_sqlite_column_dup (stmt, 3);
      g_ptr_array_add (failures, failure);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&failures);
}

static char *
sqlite_get_calendar (HallServerStorage  *storage,
                     gint64             *version_out,
                     GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_GET_CALENDAR,
                                             error);
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  if (!hall_sqlite_stmt_step_row (stmt, _("read the calendar"), &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_not_found (error, "calendar");
      return NULL;
    }
  if (version_out != NULL)
    *version_out = sqlite3_column_int64 (stmt, 1);
  return hall_sqlite_column_dup (stmt, 0);
}

static GPtrArray *
sqlite_list_calendars (HallServerStorage  *storage,
                       GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_LIST_CALENDARS,
                                             error);
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  calendars = g_ptr_array_new_with_free_func (g_free);
  while (hall_sqlite_stmt_step_row (stmt, _("read the calendars"), &local_error))
    g_ptr_array_add (calendars, hall_sqlite_column_dup (stmt, 0));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&calendars);
}

static gboolean
sqlite_put_calendar (HallServerStorage  *storage,
                     gint64              version,
                     const char         *data,
                     const char         *set_by,
                     GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_PUT_CALENDAR,
                                             error);
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, version);
  sqlite3_bind_text (stmt, 2, data, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, set_by, -1, SQLITE_STATIC);
  if (!hall_sqlite_stmt_run (stmt, _("write the calendar"), &local_error))
    {
      /* As on PostgreSQL; one writer per file never meets it. */
      if (g_error_matches (local_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_CONSTRAINT))
        g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                     _("The calendar’s version %" PRId64 " was stored meanwhile "
                       "through another server"), (int64_t) version);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static char *
sqlite_get_license (HallServerStorage  *storage,
                    const char         *number,
                    GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), STMT_GET_LICENSE,
                                             error);

  if (stmt == NULL)
    return NULL;
  if (!step_row_of_key (stmt, number, "license", _("read a license"), error))
    return NULL;
  return hall_sqlite_column_dup (stmt, 0);
}

static gboolean
sqlite_put_license (HallServerStorage  *storage,
                    const char         *number,
                    const char         *case_uuid,
                    const char         *data,
                    GError            **error)
{
  HallServerSqlite *self = HALL_SERVER_SQLITE (storage);
  g_autoptr(HallSqliteStmt) stmt = get_stmt (self, STMT_PUT_LICENSE, error);
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, number, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, case_uuid, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, data, -1, SQLITE_STATIC);
  if (!hall_sqlite_stmt_run (stmt, _("write a license"), &local_error))
    {
      if (g_error_matches (local_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_CONSTRAINT))
        g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                     _("The case %s has another license already"), case_uuid);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return put_change (self, HALL_ENTITY_LICENSE, case_uuid, 1, data, error);
}

static GPtrArray *
sqlite_stats_cases (HallServerStorage  *storage,
                    const char         *from,
                    const char         *to,
                    const char         *by,
                    const char         *now,
                    GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_STATS_CASES, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_row_free);
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, by, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, now, -1, SQLITE_TRANSIENT);
  /* The cells by service serve the department, the day and the hour. */
  sqlite3_bind_text (stmt, 5,
                     g_str_equal (by, "counter") || g_str_equal (by, "official") ? by : "service",
                     -1, SQLITE_TRANSIENT);
  while (hall_sqlite_stmt_step_row (stmt, _("count the cases"), &local_error))
    {
      HallStatsRow *row = g_new0 (HallStatsRow, 1);

      row->key = sqlite3_column_type (stmt, 0) == SQLITE_NULL
                 ? g_strdup ("") : hall_sqlite_column_dup (stmt, 0);
      row->opened = sqlite3_column_int64 (stmt, 1);
      row->finished = sqlite3_column_int64 (stmt, 2);
      row->on_time = sqlite3_column_int64 (stmt, 3);
      row->late = sqlite3_column_int64 (stmt, 4);
      row->overdue_now = sqlite3_column_int64 (stmt, 5);
      row->returned = sqlite3_column_int64 (stmt, 6);
      row->rejected = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (rows, row);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static GPtrArray *
sqlite_stats_reasons (HallServerStorage  *storage,
                      const char         *from,
                      const char         *to,
                      GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage),
                                             STMT_STATS_REASONS, error);
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_reason_free);
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);
  while (hall_sqlite_stmt_step_row (stmt, _("count the reasons"), &local_error))
    {
      HallStatsReason *reason = g_new0 (HallStatsReason, 1);

      reason->kind = hall_sqlite_column_dup (stmt, 0);
      reason->reason = sqlite3_column_type (stmt, 1) == SQLITE_NULL
                       ? g_strdup ("other") : hall_sqlite_column_dup (stmt, 1);
      reason->cases = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (reasons, reason);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&reasons);
}

/* Both step queries: columns service, step or history, a number, a count. */
static GPtrArray *
sqlite_stats_steps_query (HallServerStorage  *storage,
                          StmtId              id,
                          const char         *from,
                          const char         *to,
                          const char         *now,
                          GError            **error)
{
  g_autoptr(HallSqliteStmt) stmt = get_stmt (HALL_SERVER_SQLITE (storage), id, error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) local_error = NULL;

  if (stmt == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_steps_free);
  sqlite3_bind_text (stmt, 1, from, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, to, -1, SQLITE_TRANSIENT);
  if (now != NULL)
    sqlite3_bind_text (stmt, 3, now, -1, SQLITE_TRANSIENT);
  while (hall_sqlite_stmt_step_row (stmt, _("count the steps"), &local_error))
    {
      HallStatsSteps *row = g_new0 (HallStatsSteps, 1);

      row->service = hall_sqlite_column_dup (stmt, 0);
      row->step = hall_sqlite_column_dup (stmt, 1);
      if (now == NULL)
        {
          row->minutes = sqlite3_column_int64 (stmt, 2);
          row->count = sqlite3_column_int64 (stmt, 3);
        }
      else
        {
          row->count = sqlite3_column_int64 (stmt, 2);
          row->overdue = sqlite3_column_int64 (stmt, 3);
        }
      g_ptr_array_add (rows, row);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static GPtrArray *
sqlite_stats_steps (HallServerStorage  *storage,
                    const char         *from,
                    const char         *to,
                    GError            **error)
{
  return sqlite_stats_steps_query (storage, STMT_STATS_STEPS, from, to, NULL, error);
}

static GPtrArray *
sqlite_stats_waiting (HallServerStorage  *storage,
                      const char         *from,
                      const char         *to,
                      const char         *now,
                      GError            **error)
{
  return sqlite_stats_steps_query (storage, STMT_STATS_WAITING, from, to, now, error);
}

static void
hall_server_sqlite_storage_init (HallServerStorageInterface *iface)
{
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->savepoint = sqlite_savepoint;
  iface->release = sqlite_release;
  iface->rollback_to = sqlite_rollback_to;
  iface->get_entity = sqlite_get_entity;
  iface->find_case_by_number = sqlite_find_case_by_number;
  iface->find_applicant_by_identity = sqlite_find_applicant_by_identity;
  iface->get_event = sqlite_get_event;
  iface->list_changes = sqlite_list_changes;
  iface->get_idempotent_answer = sqlite_get_idempotent_answer;
  iface->get_official = sqlite_get_official;
  iface->put_entity = sqlite_put_entity;
  iface->put_event = sqlite_put_event;
  iface->put_idempotent_answer = sqlite_put_idempotent_answer;
  iface->put_official = sqlite_put_official;
  iface->sign_out_official = sqlite_sign_out_official;
  iface->list_case_events = sqlite_list_case_events;
  iface->put_sign_in_failure = sqlite_put_sign_in_failure;
  iface->list_sign_in_failures = sqlite_list_sign_in_failures;
  iface->get_calendar = sqlite_get_calendar;
  iface->list_calendars = sqlite_list_calendars;
  iface->put_calendar = sqlite_put_calendar;
  iface->get_license = sqlite_get_license;
  iface->put_license = sqlite_put_license;
  iface->stats_cases = sqlite_stats_cases;
  iface->stats_reasons = sqlite_stats_reasons;
  iface->stats_steps = sqlite_stats_steps;
  iface->stats_waiting = sqlite_stats_waiting;
}
