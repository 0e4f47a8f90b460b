/* hall-server-postgres.c — HallServerStorage on PostgreSQL (libpq)
 *
 * One connection per thread that uses the storage (as the interface's
 * threading note says), each with its statements prepared once. The schema
 * is versioned in hall_schema; a migration runs in one transaction under
 * an advisory lock, so that servers started together migrate once.
 *
 * The change feed never skips. The trap: with several writers (several
 * servers, or one server's writer and another's), a transaction can take
 * seq 7 from a sequence and commit after one that took seq 8 committed; a
 * reader that saw 8 moves its cursor past 7 and never sees it. Here a seq is
 * only ever taken while holding one transaction-scoped advisory lock
 * (FEED_LOCK) per database, taken in the same statement that appends the
 * change, and held until the transaction ends. PostgreSQL releases a
 * transaction's locks only after its commit is visible to others, so a
 * transaction that takes a seq after another's does so after that other
 * committed or rolled back: the seqs any snapshot sees are a prefix of
 * the seqs ever taken (with holes only where a transaction rolled back,
 * which are never filled). A reader's "seq > cursor" therefore never
 * passes a change that commits later. The cost: writers of the feed
 * serialise from their first change to their commit; each server's group
 * committer already batches its writes into one transaction, so that is
 * one lock per batch per server, not per request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server-postgres"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "hall-audit.h"
#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-write-cache.h"
#include "hall-sqlite.h"
#include "hall-stats-follower.h"

#define SCHEMA_VERSION 13
/* The SQLSTATE of hall_schema_at_most () (schema 13); its class is none
 * of PostgreSQL's. */
#define SCHEMA_NEWER_STATE "SH001"
/* Arbitrary, fixed: the keys of pg_advisory_xact_lock. */
#define MIGRATE_LOCK "7402161301"
#define FEED_LOCK    "7402161302"
#define FOLD_LOCK    "7402161303"
#define STATS_LOCK   "7402161304"
/* How often the health check reads the schema's version (pg_is_outdated). */
#define SCHEMA_READ_EVERY_USEC (5 * G_USEC_PER_SEC)

typedef enum
{
  STMT_GET_APPLICANT,
  STMT_GET_CASE,
  STMT_GET_EVENT_ENTITY,
  STMT_GET_APPLICANT_LOCKED,
  STMT_GET_CASE_LOCKED,
  STMT_FIND_CASE_BY_NUMBER,
  STMT_FIND_APPLICANT_BY_IDENTITY,
  STMT_GET_EVENT,
  STMT_LIST_CHANGES,
  STMT_GET_IDEMPOTENT,
  STMT_GET_OFFICIAL,
  STMT_CASE_AUDIT_HEAD,
  STMT_PUT_EVENT,
  STMT_PUT_CHANGE,
  STMT_PUT_ENTITY,
  STMT_PUT_IDEMPOTENT,
  STMT_PUT_IDEMPOTENT_MANY,
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
  STMT_GET_PAGE_LOCKED,
  STMT_STATS_CASES,
  STMT_STATS_REASONS,
  STMT_STATS_STEPS,
  STMT_STATS_WAITING,
  STMT_STATS_FEED,
  STMT_READ_AHEAD_KEYS,
  STMT_READ_AHEAD_APPLICANTS,
  STMT_READ_AHEAD_CASES,
  STMT_READ_AHEAD_NUMBERS,
  STMT_READ_AHEAD_EVENTS,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_GET_APPLICANT] = "SELECT data, version FROM applicants WHERE uuid = $1",
  [STMT_GET_CASE] = "SELECT data, version FROM cases WHERE uuid = $1",
  [STMT_GET_EVENT_ENTITY] = "SELECT data, 1 FROM events WHERE uuid = $1",
  /* The writer reads what it is about to change with the row locked, so
   * that another server's writer cannot change it in between. */
  [STMT_GET_APPLICANT_LOCKED] = "SELECT data, version FROM applicants WHERE uuid = $1 FOR UPDATE",
  [STMT_GET_CASE_LOCKED] = "SELECT data, version FROM cases WHERE uuid = $1 FOR UPDATE",
  [STMT_FIND_CASE_BY_NUMBER] = "SELECT uuid FROM cases WHERE number = $1",
  [STMT_FIND_APPLICANT_BY_IDENTITY] = "SELECT uuid FROM applicants WHERE identity = $1",
  [STMT_GET_EVENT] = "SELECT data, case_uuid, case_version FROM events WHERE uuid = $1",
  [STMT_LIST_CHANGES] = "SELECT seq, entity, uuid, version, data FROM changes"
                        " WHERE seq > $1 ORDER BY seq LIMIT $2",
  [STMT_GET_IDEMPOTENT] = "SELECT request_hash, status, etag, body FROM idempotency WHERE key = $1",
  [STMT_GET_OFFICIAL] = "SELECT password_hash, roles, signed_out_at FROM officials"
                        " WHERE username = $1",
  [STMT_CASE_AUDIT_HEAD] = "SELECT audit_head FROM cases WHERE uuid = $1 FOR UPDATE",
  [STMT_PUT_EVENT] = "SELECT hall_put_event ($1, $2, $3, $4, $5, $6)",
  /* The lock before the seq: see the comment at the top. */
  [STMT_PUT_CHANGE] = "INSERT INTO changes (seq, entity, uuid, version, data)"
                      " SELECT nextval ('changes_seq'), $1, $2, $3, $4"
                      " FROM (SELECT pg_advisory_xact_lock (" FEED_LOCK ")) AS feed_lock",
  [STMT_PUT_ENTITY] = "SELECT hall_put_entity ($1, $2, $3, $4, $5, $6)",
  [STMT_PUT_IDEMPOTENT] = "INSERT INTO idempotency (key, request_hash, status, etag, body,"
                          " created_at) VALUES ($1, $2, $3, $4, $5,"
                          " extract (epoch FROM now ())::bigint)",
  /* A transaction's answers (write_pending_answers ()): one text array
   * per column, so that the statement is parsed and planned once per
   * connection, not again for every batch with its thousands of
   * parameters. */
  [STMT_PUT_IDEMPOTENT_MANY] = "INSERT INTO idempotency (key, request_hash, status, etag, body,"
                               " created_at)"
                               " SELECT k, h, s::integer, e::bigint, b,"
                               "        extract (epoch FROM now ())::bigint"
                               " FROM unnest ($1::text[], $2::text[], $3::text[], $4::text[],"
                               "              $5::text[]) AS a (k, h, s, e, b)",
  [STMT_PUT_OFFICIAL] = "INSERT INTO officials (username, password_hash, roles) VALUES ($1, $2, $3)"
                        " ON CONFLICT (username) DO UPDATE SET"
                        " password_hash = excluded.password_hash, roles = excluded.roles",
  [STMT_SIGN_OUT_OFFICIAL] = "UPDATE officials SET signed_out_at = greatest (signed_out_at, $2)"
                             " WHERE username = $1",
  [STMT_LIST_CASE_EVENTS] = "SELECT data FROM events WHERE case_uuid = $1 ORDER BY stored",
  [STMT_PUT_SIGN_IN_FAILURE] = "INSERT INTO sign_in_failures (at, username, address, reason)"
                               " VALUES ($1, $2, $3, $4)",
  [STMT_PRUNE_SIGN_IN_FAILURES] = "DELETE FROM sign_in_failures"
                                  " WHERE id <= (SELECT max (id) FROM sign_in_failures) - 100000",
  [STMT_LIST_SIGN_IN_FAILURES] = "SELECT at, username, address, reason FROM sign_in_failures"
                                 " WHERE at >= $1 ORDER BY id DESC LIMIT $2",
  [STMT_GET_CALENDAR] = "SELECT data, version FROM calendars ORDER BY version DESC LIMIT 1",
  [STMT_LIST_CALENDARS] = "SELECT data FROM calendars ORDER BY version",
  [STMT_PUT_CALENDAR] = "INSERT INTO calendars (version, data, set_by, set_at)"
                        " VALUES ($1, $2, $3, extract (epoch FROM now ())::bigint)",
  [STMT_GET_LICENSE] = "SELECT data FROM licenses WHERE number = $1",
  [STMT_PUT_LICENSE] = "INSERT INTO licenses (number, case_uuid, data) VALUES ($1, $2, $3)",
  [STMT_GET_PAGE] = "SELECT data, version FROM pages WHERE uuid = $1",
  [STMT_GET_PAGE_LOCKED] = "SELECT data, version FROM pages WHERE uuid = $1 FOR UPDATE",
  /* A batch's reads in one go (pg_read_ahead): $1 a text[]. Rows are
   * locked as the single reads lock them, in the order of their uuids,
   * so that two writers reading ahead overlapping batches do not each
   * hold what the other waits for. */
  [STMT_READ_AHEAD_KEYS] = "SELECT key, request_hash, status, etag, body FROM idempotency"
                           " WHERE key = ANY ($1::text[])",
  [STMT_READ_AHEAD_APPLICANTS] = "SELECT uuid, data, version FROM applicants"
                                 " WHERE uuid = ANY ($1::text[]) ORDER BY uuid FOR UPDATE",
  [STMT_READ_AHEAD_CASES] = "SELECT uuid, data, version, audit_head, number FROM cases"
                            " WHERE uuid = ANY ($1::text[]) ORDER BY uuid FOR UPDATE",
  [STMT_READ_AHEAD_NUMBERS] = "SELECT number, uuid FROM cases WHERE number = ANY ($1::text[])",
  /* Only whether they are in: a batch's events are new, bar a replay. */
  [STMT_READ_AHEAD_EVENTS] = "SELECT uuid FROM events WHERE uuid = ANY ($1::text[])",
  /* From the stats_ tables (schema 9), as SQLite's. $1, $2: the range
   * of created_at (ISO 8601, UTC, whole hours); $3: the grouping; $4: now.
   * Days and hours are the hall's local time, UTC+08:00. */
  [STMT_STATS_CASES] =
    "SELECT k, sum (opened), sum (finished), sum (on_time), sum (late), sum (overdue),"
    "       sum (returned), sum (rejected)"
    " FROM (SELECT CASE $3::text"
    "               WHEN 'day' THEN to_char (to_timestamp (hour * 3600 + 28800) AT TIME ZONE 'UTC',"
    "                                        'YYYY-MM-DD')"
    "               WHEN 'hour' THEN to_char (to_timestamp (hour * 3600 + 28800) AT TIME ZONE 'UTC',"
    "                                         'HH24')"
    "               ELSE key END AS k,"
    "              opened, finished, on_time, late,"
    "              CASE WHEN promised_hour >= 0 AND promised_hour < floor (extract (epoch FROM $4::timestamptz))::bigint / 3600"
    "                   THEN open ELSE 0 END AS overdue, returned, rejected"
    "       FROM stats_cells_all"
    "       WHERE dim = CASE WHEN $3::text IN ('counter', 'official') THEN $3::text"
    "                        ELSE 'service' END"
    "         AND hour >= floor (extract (epoch FROM $1::timestamptz))::bigint / 3600"
    "         AND hour < floor (extract (epoch FROM $2::timestamptz))::bigint / 3600"
    "       UNION ALL"
    "       SELECT CASE $3::text"
    "               WHEN 'day' THEN to_char (to_timestamp (created_at + 28800) AT TIME ZONE 'UTC',"
    "                                        'YYYY-MM-DD')"
    "               WHEN 'hour' THEN to_char (to_timestamp (created_at + 28800) AT TIME ZONE 'UTC',"
    "                                         'HH24')"
    "               WHEN 'counter' THEN counter WHEN 'official' THEN official"
    "               ELSE service END, 0, 0, 0, 0, 1, 0, 0"
    "       FROM stats_cases"
    "       WHERE finished_at IS NULL"
    "         AND promised_at >= floor (extract (epoch FROM $4::timestamptz))::bigint / 3600 * 3600"
    "         AND promised_at < floor (extract (epoch FROM $4::timestamptz))::bigint"
    "         AND created_at >= floor (extract (epoch FROM $1::timestamptz))::bigint"
    "         AND created_at < floor (extract (epoch FROM $2::timestamptz))::bigint) AS s"
    " GROUP BY k HAVING sum (opened) > 0 ORDER BY k COLLATE \"C\"",
  /* $1, $2: the range of the cases' created_at. */
  [STMT_STATS_REASONS] =
    "SELECT kind, code, count(*) AS n FROM stats_reasons"
    " WHERE hour >= floor (extract (epoch FROM $1::timestamptz))::bigint / 3600"
    "   AND hour < floor (extract (epoch FROM $2::timestamptz))::bigint / 3600"
    " GROUP BY kind, code ORDER BY n DESC, kind COLLATE \"C\", code COLLATE \"C\"",
  /* $1, $2: the range of the cases' created_at. */
  [STMT_STATS_STEPS] =
    "SELECT service, step, minutes, sum (decided) FROM stats_steps"
    " WHERE day >= (floor (extract (epoch FROM $1::timestamptz))::bigint + 28800) / 86400"
    "   AND day < (floor (extract (epoch FROM $2::timestamptz))::bigint + 28800) / 86400"
    " GROUP BY service, step, minutes"
    " ORDER BY service COLLATE \"C\", step COLLATE \"C\", minutes",
  /* What the stats follower has not fed yet (schema 12). */
  [STMT_STATS_FEED] = "SELECT stats_feed (true, NULL)",
  /* $1, $2: the range of the cases' created_at; $3: now. */
  [STMT_STATS_WAITING] =
    "SELECT key, history, sum (waiting), sum (overdue)"
    " FROM (SELECT key, history, waiting,"
    "              CASE WHEN promised_hour >= 0 AND promised_hour < floor (extract (epoch FROM $3::timestamptz))::bigint / 3600"
    "                   THEN waiting ELSE 0 END AS overdue"
    "       FROM stats_cells_all"
    "       WHERE dim = 'service' AND hour >= floor (extract (epoch FROM $1::timestamptz))::bigint / 3600"
    "         AND hour < floor (extract (epoch FROM $2::timestamptz))::bigint / 3600 AND waiting <> 0"
    "       UNION ALL"
    "       SELECT service, history, 0, 1 FROM stats_cases"
    "       WHERE finished_at IS NULL AND waiting"
    "         AND promised_at >= floor (extract (epoch FROM $3::timestamptz))::bigint / 3600 * 3600"
    "         AND promised_at < floor (extract (epoch FROM $3::timestamptz))::bigint"
    "         AND created_at >= floor (extract (epoch FROM $1::timestamptz))::bigint"
    "         AND created_at < floor (extract (epoch FROM $2::timestamptz))::bigint) AS s"
    " GROUP BY key, history HAVING sum (waiting) > 0",
};

/* Version 1: what the SQLite storage holds at its schema 5, but for the
 * queue's and the trust's tables (the trust's came in version 3). The
 * audit chain is kept by put_event, not by a trigger, since its hash is
 * computed in C (hall-audit.h). */
static const char schema_v1[] =
  "CREATE TABLE applicants (uuid text PRIMARY KEY, version bigint NOT NULL, data text NOT NULL,"
  "                         identity text UNIQUE);"
  "CREATE TABLE cases (uuid text PRIMARY KEY, version bigint NOT NULL, number text UNIQUE,"
  "                    data text NOT NULL, audit_head text NOT NULL DEFAULT '');"
  "CREATE TABLE events (stored bigserial UNIQUE, uuid text PRIMARY KEY,"
  "                     case_uuid text NOT NULL, case_version bigint NOT NULL,"
  "                     data text NOT NULL, prev_hash text NOT NULL,"
  "                     entry_hash text NOT NULL);"
  "CREATE INDEX events_case ON events (case_uuid);"
  "CREATE SEQUENCE changes_seq;"
  "CREATE TABLE changes (seq bigint PRIMARY KEY, entity text NOT NULL, uuid text NOT NULL,"
  "                      version bigint NOT NULL, data text NOT NULL);"
  "CREATE TABLE idempotency (key text PRIMARY KEY, request_hash text NOT NULL,"
  "                          status integer NOT NULL, etag bigint, body text NOT NULL,"
  "                          created_at bigint NOT NULL);"
  "CREATE TABLE officials (username text PRIMARY KEY, password_hash text NOT NULL,"
  "                        roles text NOT NULL, signed_out_at bigint NOT NULL DEFAULT 0);";

/* Each step takes the schema from the version before it; the next one is
 * appended here, never edited in. */
/* Version 2: refused sign-ins, for the administrator (SQLite's 6). */
static const char schema_v2[] =
  "CREATE TABLE sign_in_failures (id bigserial PRIMARY KEY, at bigint NOT NULL,"
  "                               username text NOT NULL, address text NOT NULL,"
  "                               reason text NOT NULL);"
  "CREATE INDEX sign_in_failures_at ON sign_in_failures (at);";
/* Version 3: what the hall trusts (hall-server-trust.c), which until now
 * stayed in the SQLite file of --data: several servers must agree on it. */
static const char schema_v3[] =
  "CREATE TABLE hall_key (id integer PRIMARY KEY CHECK (id = 1), public_key text NOT NULL);"
  "CREATE TABLE certificates (public_key text PRIMARY KEY, official text NOT NULL,"
  "                           data text NOT NULL);"
  "CREATE TABLE revocations (uuid text PRIMARY KEY, data text NOT NULL,"
  "                          recorded_at bigint NOT NULL);";
/* Version 4: the hall's calendar as the administrator set it (SQLite's 7). */
static const char schema_v4[] =
  "CREATE TABLE calendars (version bigint PRIMARY KEY, data text NOT NULL,"
  "                        set_by text NOT NULL, set_at bigint NOT NULL);";
/* Version 5: licenses issued at the counters, a case has one (SQLite's 8). */
static const char schema_v5[] =
  "CREATE TABLE licenses (number text PRIMARY KEY, case_uuid text NOT NULL UNIQUE,"
  "                       data text NOT NULL);";
/* Version 6: the records of scanned pages (SQLite's 9). */
static const char schema_v6[] =
  "CREATE TABLE pages (uuid text PRIMARY KEY, version bigint NOT NULL,"
  "                    case_uuid text NOT NULL, data text NOT NULL);"
  "CREATE INDEX pages_case ON pages (case_uuid);";

/* Version 7: the supervision figures' own tables, as SQLite's 10 (see
 * there), kept by triggers in the transaction of every write of a case or
 * an event. The shared rows (cells, steps) are written under the feed's
 * lock, which every write transaction takes anyway before it commits
 * (STMT_PUT_CHANGE): two servers' writers then never wait for each
 * other's rows in opposite orders. */
#define PG_EPOCH(x) "floor (extract (epoch FROM (" x ")::timestamptz))::bigint"
static const char schema_v7[] =
  "CREATE TABLE stats_cases (uuid text PRIMARY KEY, created_at bigint NOT NULL,"
  "                          service text NOT NULL, counter text NOT NULL,"
  "                          official text NOT NULL, promised_at bigint, finished_at bigint,"
  "                          waiting boolean NOT NULL, history text NOT NULL DEFAULT '',"
  "                          moved_at bigint, returned boolean NOT NULL DEFAULT false,"
  "                          rejected boolean NOT NULL DEFAULT false);"
  "CREATE INDEX stats_cases_promised ON stats_cases (promised_at) WHERE finished_at IS NULL;"
  "CREATE TABLE stats_cells (dim text NOT NULL, hour bigint NOT NULL, key text NOT NULL,"
  "                          promised_hour bigint NOT NULL, history text NOT NULL,"
  "                          opened bigint NOT NULL, finished bigint NOT NULL,"
  "                          on_time bigint NOT NULL, late bigint NOT NULL,"
  "                          open bigint NOT NULL, waiting bigint NOT NULL,"
  "                          returned bigint NOT NULL, rejected bigint NOT NULL,"
  "                          PRIMARY KEY (dim, hour, key, promised_hour, history));"
  "CREATE TABLE stats_steps (day bigint NOT NULL, service text NOT NULL, step text NOT NULL,"
  "                          minutes bigint NOT NULL, decided bigint NOT NULL,"
  "                          PRIMARY KEY (day, service, step, minutes));"
  "CREATE TABLE stats_reasons (case_uuid text NOT NULL, kind text NOT NULL, code text NOT NULL,"
  "                            hour bigint NOT NULL, PRIMARY KEY (case_uuid, kind, code));"
  "CREATE INDEX stats_reasons_hour ON stats_reasons (hour, kind, code);"
  "CREATE FUNCTION stats_cell_add (r stats_cases, sign integer) RETURNS void"
  " LANGUAGE sql AS $$"
  "  INSERT INTO stats_cells AS s (dim, hour, key, promised_hour, history, opened, finished,"
  "                                on_time, late, open, waiting, returned, rejected)"
  "  SELECT d.dim, r.created_at / 3600, d.key, coalesce (r.promised_at / 3600, -1), d.history,"
  "         sign, sign * (r.finished_at IS NOT NULL)::int,"
  "         sign * coalesce (r.finished_at <= r.promised_at, false)::int,"
  "         sign * coalesce (r.finished_at > r.promised_at, false)::int,"
  "         sign * (r.finished_at IS NULL)::int, sign * r.waiting::int,"
  "         sign * r.returned::int, sign * r.rejected::int"
  "  FROM (VALUES ('service', r.service, CASE WHEN r.waiting THEN r.history ELSE '' END),"
  "               ('counter', r.counter, ''), ('official', r.official, ''))"
  "       AS d (dim, key, history)"
  "  ON CONFLICT (dim, hour, key, promised_hour, history) DO UPDATE SET"
  "  opened = s.opened + excluded.opened, finished = s.finished + excluded.finished,"
  "  on_time = s.on_time + excluded.on_time, late = s.late + excluded.late,"
  "  open = s.open + excluded.open, waiting = s.waiting + excluded.waiting,"
  "  returned = s.returned + excluded.returned, rejected = s.rejected + excluded.rejected;"
  "  DELETE FROM stats_cells WHERE sign < 0 AND dim IN ('service', 'counter', 'official')"
  "   AND hour = r.created_at / 3600 AND opened = 0;"
  " $$;"
  "CREATE FUNCTION stats_cases_cells () RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  PERFORM pg_advisory_xact_lock (" FEED_LOCK ");"
  "  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_cell_add (OLD, -1); END IF;"
  "  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM stats_cell_add (NEW, 1); END IF;"
  "  RETURN NULL;"
  " END $$;"
  "CREATE FUNCTION stats_case_written () RETURNS trigger LANGUAGE plpgsql AS $$"
  " DECLARE"
  "  d jsonb := NEW.data::jsonb;"
  "  created bigint := " PG_EPOCH ("d ->> 'created_at'") ";"
  " BEGIN"
  "  IF created IS NULL THEN RETURN NULL; END IF;"
  "  INSERT INTO stats_cases AS s (uuid, created_at, service, counter, official, promised_at,"
  "                                finished_at, waiting)"
  "  VALUES (NEW.uuid, created, coalesce (d ->> 'service', ''), coalesce (d ->> 'counter', ''),"
  "          coalesce (d ->> 'official', ''), " PG_EPOCH ("d ->> 'promised_at'") ","
  "          CASE WHEN d ->> 'state' IN ('completed', 'rejected', 'withdrawn')"
  "               THEN coalesce (" PG_EPOCH ("d ->> 'updated_at'") ", created) END,"
  "          coalesce (d ->> 'state' IN ('received', 'in_review'), false))"
  "  ON CONFLICT (uuid) DO UPDATE SET created_at = excluded.created_at,"
  "   service = excluded.service, counter = excluded.counter, official = excluded.official,"
  "   promised_at = excluded.promised_at, finished_at = excluded.finished_at,"
  "   waiting = excluded.waiting"
  "  WHERE (s.created_at, s.service, s.counter, s.official, s.promised_at, s.finished_at,"
  "         s.waiting) IS DISTINCT FROM"
  "        (excluded.created_at, excluded.service, excluded.counter, excluded.official,"
  "         excluded.promised_at, excluded.finished_at, excluded.waiting);"
  "  RETURN NULL;"
  " END $$;"
  "CREATE TRIGGER stats_case_written AFTER INSERT OR UPDATE OF data ON cases"
  " FOR EACH ROW EXECUTE FUNCTION stats_case_written ();"
  "CREATE FUNCTION stats_event_written () RETURNS trigger LANGUAGE plpgsql AS $$"
  " DECLARE"
  "  d jsonb := NEW.data::jsonb;"
  "  v_at bigint := " PG_EPOCH ("d ->> 'at'") ";"
  "  v_decision text := coalesce (d ->> 'decision', '');"
  "  v_step text := coalesce (d ->> 'step', '');"
  " BEGIN"
  "  IF d ->> 'kind' = 'decision' THEN"
  "   PERFORM pg_advisory_xact_lock (" FEED_LOCK ");"
  "   IF v_at IS NOT NULL THEN"
  "    INSERT INTO stats_steps AS s (day, service, step, minutes, decided)"
  "    SELECT (c.created_at + 28800) / 86400, c.service, v_step,"
  "           greatest (0, (v_at - coalesce (c.moved_at, c.created_at)) / 60), 1"
  "    FROM stats_cases AS c WHERE c.uuid = NEW.case_uuid"
  "    ON CONFLICT (day, service, step, minutes) DO UPDATE SET decided = s.decided + 1;"
  "   END IF;"
  "   UPDATE stats_cases SET returned = returned OR v_decision = 'return',"
  "    rejected = rejected OR v_decision = 'reject',"
  "    history = history || v_step || ':' || v_decision || ';',"
  "    moved_at = greatest (moved_at, v_at)"
  "   WHERE uuid = NEW.case_uuid;"
  "   IF v_decision IN ('return', 'reject') AND jsonb_typeof (d -> 'reasons') = 'array' THEN"
  "    INSERT INTO stats_reasons (case_uuid, kind, code, hour)"
  "    SELECT NEW.case_uuid, v_decision, coalesce (r ->> 'code', 'other'), c.created_at / 3600"
  "    FROM stats_cases AS c, jsonb_array_elements (d -> 'reasons') AS r"
  "    WHERE c.uuid = NEW.case_uuid ON CONFLICT DO NOTHING;"
  "   END IF;"
  "  ELSIF d ->> 'kind' = 'state' AND v_at IS NOT NULL THEN"
  "   UPDATE stats_cases SET moved_at = greatest (moved_at, v_at) WHERE uuid = NEW.case_uuid;"
  "  END IF;"
  "  RETURN NULL;"
  " END $$;"
  "CREATE TRIGGER stats_event_written AFTER INSERT ON events"
  " FOR EACH ROW EXECUTE FUNCTION stats_event_written ();"
  /* The record so far, as the triggers would have kept it. */
  "CREATE TEMP TABLE stats_moves ON COMMIT DROP AS"
  " SELECT e.stored AS r, e.case_uuid, e.d ->> 'kind' AS kind,"
  "        coalesce (e.d ->> 'step', '') AS step, coalesce (e.d ->> 'decision', '') AS decision,"
  "        " PG_EPOCH ("e.d ->> 'at'") " AS at"
  " FROM (SELECT stored, case_uuid, data::jsonb AS d FROM events) AS e"
  " WHERE e.d ->> 'kind' IN ('decision', 'state');"
  /* Set-wise, not a subquery per case: a million cases in one pass. */
  "INSERT INTO stats_cases (uuid, created_at, service, counter, official, promised_at,"
  "                         finished_at, waiting, history, moved_at, returned, rejected)"
  " SELECT c.uuid, c.created, coalesce (c.d ->> 'service', ''), coalesce (c.d ->> 'counter', ''),"
  "        coalesce (c.d ->> 'official', ''), " PG_EPOCH ("c.d ->> 'promised_at'") ","
  "        CASE WHEN c.d ->> 'state' IN ('completed', 'rejected', 'withdrawn')"
  "             THEN coalesce (" PG_EPOCH ("c.d ->> 'updated_at'") ", c.created) END,"
  "        coalesce (c.d ->> 'state' IN ('received', 'in_review'), false),"
  "        coalesce (m.history, ''), m.moved_at, coalesce (m.returned, false),"
  "        coalesce (m.rejected, false)"
  " FROM (SELECT uuid, data::jsonb AS d, " PG_EPOCH ("data::jsonb ->> 'created_at'") " AS created"
  "       FROM cases) AS c"
  " LEFT JOIN (SELECT case_uuid,"
  "                   string_agg (step || ':' || decision || ';', '' ORDER BY r)"
  "                     FILTER (WHERE kind = 'decision') AS history,"
  "                   max (at) AS moved_at,"
  "                   bool_or (kind = 'decision' AND decision = 'return') AS returned,"
  "                   bool_or (kind = 'decision' AND decision = 'reject') AS rejected"
  "            FROM stats_moves GROUP BY case_uuid) AS m ON m.case_uuid = c.uuid"
  " WHERE c.created IS NOT NULL;"
  "INSERT INTO stats_steps (day, service, step, minutes, decided)"
  " SELECT (c.created_at + 28800) / 86400, c.service, m.step,"
  "        greatest (0, (m.at - coalesce (m.prev_at, c.created_at)) / 60), count(*)"
  " FROM (SELECT case_uuid, kind, step, at,"
  "              max (at) OVER (PARTITION BY case_uuid ORDER BY r"
  "                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_at"
  "       FROM stats_moves) AS m"
  " JOIN stats_cases AS c ON c.uuid = m.case_uuid"
  " WHERE m.kind = 'decision' AND m.at IS NOT NULL"
  " GROUP BY 1, 2, 3, 4;"
  "INSERT INTO stats_reasons (case_uuid, kind, code, hour)"
  " SELECT e.case_uuid, e.d ->> 'decision', coalesce (r ->> 'code', 'other'), c.created_at / 3600"
  " FROM (SELECT case_uuid, data::jsonb AS d FROM events) AS e"
  " JOIN stats_cases AS c ON c.uuid = e.case_uuid"
  " CROSS JOIN LATERAL jsonb_array_elements (CASE jsonb_typeof (e.d -> 'reasons')"
  "                                          WHEN 'array' THEN e.d -> 'reasons'"
  "                                          ELSE '[]'::jsonb END) AS r"
  " WHERE e.d ->> 'kind' = 'decision' AND e.d ->> 'decision' IN ('return', 'reject')"
  " ON CONFLICT DO NOTHING;"
  "INSERT INTO stats_cells (dim, hour, key, promised_hour, history, opened, finished, on_time,"
  "                         late, open, waiting, returned, rejected)"
  " SELECT d.dim, r.created_at / 3600, d.key, coalesce (r.promised_at / 3600, -1), d.history,"
  "        count(*), count(*) FILTER (WHERE r.finished_at IS NOT NULL),"
  "        count(*) FILTER (WHERE r.finished_at <= r.promised_at),"
  "        count(*) FILTER (WHERE r.finished_at > r.promised_at),"
  "        count(*) FILTER (WHERE r.finished_at IS NULL), count(*) FILTER (WHERE r.waiting),"
  "        count(*) FILTER (WHERE r.returned), count(*) FILTER (WHERE r.rejected)"
  " FROM stats_cases AS r"
  " CROSS JOIN LATERAL (VALUES ('service', r.service,"
  "                             CASE WHEN r.waiting THEN r.history ELSE '' END),"
  "                            ('counter', r.counter, ''), ('official', r.official, ''))"
  "   AS d (dim, key, history)"
  " GROUP BY 1, 2, 3, 4, 5;"
  /* From here on the cells follow every change of a case's row. */
  "CREATE TRIGGER stats_cases_added AFTER INSERT OR DELETE ON stats_cases"
  " FOR EACH ROW EXECUTE FUNCTION stats_cases_cells ();"
  "CREATE TRIGGER stats_cases_changed AFTER UPDATE ON stats_cases FOR EACH ROW"
  " WHEN ((OLD.created_at, OLD.service, OLD.counter, OLD.official, OLD.promised_at,"
  "        OLD.finished_at, OLD.waiting, OLD.returned, OLD.rejected)"
  "       IS DISTINCT FROM (NEW.created_at, NEW.service, NEW.counter, NEW.official,"
  "                         NEW.promised_at, NEW.finished_at, NEW.waiting, NEW.returned,"
  "                         NEW.rejected)"
  "       OR (NEW.waiting AND OLD.history IS DISTINCT FROM NEW.history))"
  " EXECUTE FUNCTION stats_cases_cells ();";

/* Version 8: the hall's queue (hall-queue.c), which until now stayed in
 * the SQLite file of --data: several servers serve one queue. As
 * SQLite's tables of its schema 4, with a rowid of their own for the
 * order of arrival, and booleans. Its writes take an advisory lock
 * (hall-queue-tickets.c), so that the ids of ticket_transitions, the
 * events' ids, are in the order their transactions commit. */
static const char schema_v8[] =
  "CREATE TABLE tickets (rowid bigserial UNIQUE, uuid text PRIMARY KEY, day text NOT NULL,"
  "                      letter text NOT NULL, seq bigint NOT NULL, number text NOT NULL,"
  "                      grp text NOT NULL, service text NOT NULL, priority text NOT NULL,"
  "                      state text NOT NULL, counter text,"
  "                      targeted boolean NOT NULL DEFAULT false,"
  "                      issued_at bigint NOT NULL, queued_at bigint NOT NULL,"
  "                      called_at bigint, last_called_at bigint, served_at bigint,"
  "                      finished_at bigint, calls bigint NOT NULL DEFAULT 0, case_uuid text,"
  "                      UNIQUE (day, letter, seq));"
  "CREATE INDEX tickets_waiting ON tickets (day, state, grp);"
  "CREATE INDEX tickets_done ON tickets (grp, state, finished_at);"
  "CREATE INDEX tickets_called ON tickets (day, last_called_at);"
  "CREATE TABLE ticket_transitions (id bigserial PRIMARY KEY, ticket_uuid text NOT NULL,"
  "                                 change text NOT NULL, from_state text,"
  "                                 to_state text NOT NULL, counter text, official text,"
  "                                 at bigint NOT NULL, event text NOT NULL);"
  "CREATE INDEX ticket_transitions_ticket ON ticket_transitions (ticket_uuid);"
  "CREATE TABLE queue_counters (counter text PRIMARY KEY, groups text NOT NULL,"
  "                             seen_at bigint NOT NULL);"
  "CREATE TABLE appointments (code text PRIMARY KEY, service text NOT NULL,"
  "                           slot_start bigint NOT NULL, slot_end bigint NOT NULL,"
  "                           case_uuid text, ticket_uuid text, created_by text,"
  "                           created_at bigint NOT NULL);";

/* Version 9: blobs kept in the database (--blobs postgresql,
 * hall-blob-table.c), for halls whose servers share no filesystem. Pages
 * are JPEG, PNG or TIFF already: stored as they are, not compressed again. */
static const char schema_v9[] =
  "CREATE TABLE blobs (sha256 text PRIMARY KEY, size bigint NOT NULL, data bytea NOT NULL);"
  "ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;";

/* Version 10: the supervision cells no longer counted in place. Every
 * case of an hour added to the same three rows of stats_cells, so each
 * write updated rows that every other write had just updated: in a batch
 * each update walked a longer chain of dead versions, and the cells cost
 * more than the case itself. A write now only appends its differences to
 * stats_cell_deltas; the writer folds them into stats_cells every
 * thousand writes or so (stats_cells_fold, one folder at a time), and the
 * figures read both (stats_cells_all), so they are exact whether folded
 * or not. */
static const char schema_v10[] =
  "CREATE TABLE stats_cell_deltas (dim text NOT NULL, hour bigint NOT NULL, key text NOT NULL,"
  "                                promised_hour bigint NOT NULL, history text NOT NULL,"
  "                                opened bigint NOT NULL, finished bigint NOT NULL,"
  "                                on_time bigint NOT NULL, late bigint NOT NULL,"
  "                                open bigint NOT NULL, waiting bigint NOT NULL,"
  "                                returned bigint NOT NULL, rejected bigint NOT NULL);"
  /* The cells a fold emptied, found without reading them all. */
  "CREATE INDEX stats_cells_empty ON stats_cells (dim) WHERE opened = 0;"
  /* In PL/pgSQL, which keeps its plan: a SQL function called from the
   * trigger was parsed again at every call, a quarter of a write's time. */
  "CREATE OR REPLACE FUNCTION stats_cell_add (r stats_cases, sign integer) RETURNS void"
  " LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  INSERT INTO stats_cell_deltas (dim, hour, key, promised_hour, history, opened, finished,"
  "                                 on_time, late, open, waiting, returned, rejected)"
  "  SELECT d.dim, r.created_at / 3600, d.key, coalesce (r.promised_at / 3600, -1), d.history,"
  "         sign, sign * (r.finished_at IS NOT NULL)::int,"
  "         sign * coalesce (r.finished_at <= r.promised_at, false)::int,"
  "         sign * coalesce (r.finished_at > r.promised_at, false)::int,"
  "         sign * (r.finished_at IS NULL)::int, sign * r.waiting::int,"
  "         sign * r.returned::int, sign * r.rejected::int"
  "  FROM (VALUES ('service', r.service, CASE WHEN r.waiting THEN r.history ELSE '' END),"
  "               ('counter', r.counter, ''), ('official', r.official, ''))"
  "       AS d (dim, key, history);"
  " END $$;"
  "CREATE VIEW stats_cells_all AS"
  " SELECT dim, hour, key, promised_hour, history, opened, finished, on_time, late, open,"
  "        waiting, returned, rejected FROM stats_cells"
  " UNION ALL"
  " SELECT dim, hour, key, promised_hour, history, opened, finished, on_time, late, open,"
  "        waiting, returned, rejected FROM stats_cell_deltas;"
  /* The deltas it took out of the table, summed into their cells. A
   * second folder at the same time folds nothing (it would only wait);
   * deltas appended while it runs stay for the next fold. */
  "CREATE FUNCTION stats_cells_fold () RETURNS bigint LANGUAGE plpgsql AS $$"
  " DECLARE folded bigint;"
  " BEGIN"
  "  IF NOT pg_try_advisory_xact_lock (" FOLD_LOCK ") THEN RETURN 0; END IF;"
  "  WITH gone AS (DELETE FROM stats_cell_deltas RETURNING *)"
  "  INSERT INTO stats_cells AS s (dim, hour, key, promised_hour, history, opened, finished,"
  "                                on_time, late, open, waiting, returned, rejected)"
  "  SELECT dim, hour, key, promised_hour, history, sum (opened), sum (finished),"
  "         sum (on_time), sum (late), sum (open), sum (waiting), sum (returned),"
  "         sum (rejected)"
  "  FROM gone GROUP BY dim, hour, key, promised_hour, history"
  "  ORDER BY dim, hour, key, promised_hour, history"
  "  ON CONFLICT (dim, hour, key, promised_hour, history) DO UPDATE SET"
  "  opened = s.opened + excluded.opened, finished = s.finished + excluded.finished,"
  "  on_time = s.on_time + excluded.on_time, late = s.late + excluded.late,"
  "  open = s.open + excluded.open, waiting = s.waiting + excluded.waiting,"
  "  returned = s.returned + excluded.returned, rejected = s.rejected + excluded.rejected;"
  "  GET DIAGNOSTICS folded = ROW_COUNT;"
  "  DELETE FROM stats_cells WHERE opened = 0;"
  "  RETURN folded;"
  " END $$;"
  /* A write of an entity and its change in one round trip, where it took
   * four (a savepoint, the row, its release, the change). The block with
   * an exception handler is the savepoint: a unique index's refusal
   * leaves the transaction usable. Answers 'ok', 'exists' or 'unique'
   * (another unique index refused it). A creation never upserts: the
   * writer read the uuid as missing, but another server's writer may
   * create it before this one commits, and an upsert would overwrite that
   * creation and answer 201 to both. Here the second finds it (after the
   * first committed, as a unique index waits for it), writes nothing and
   * answers 'exists'. A page's case is never changed by an update: the
   * writer refuses a move to another. */
  "CREATE FUNCTION hall_put_entity (p_kind text, p_uuid text, p_version bigint, p_data text,"
  "                                 p_key text, p_create boolean) RETURNS text"
  " LANGUAGE plpgsql AS $$"
  " DECLARE written bigint;"
  " BEGIN"
  "  BEGIN"
  "   IF p_kind = 'case' AND p_create THEN"
  "    INSERT INTO cases (uuid, version, number, data) VALUES (p_uuid, p_version, p_key, p_data)"
  "    ON CONFLICT (uuid) DO NOTHING;"
  "   ELSIF p_kind = 'case' THEN"
  "    INSERT INTO cases (uuid, version, number, data) VALUES (p_uuid, p_version, p_key, p_data)"
  "    ON CONFLICT (uuid) DO UPDATE SET version = excluded.version,"
  "    number = excluded.number, data = excluded.data;"
  "   ELSIF p_kind = 'applicant' AND p_create THEN"
  "    INSERT INTO applicants (uuid, version, data, identity)"
  "    VALUES (p_uuid, p_version, p_data, p_key) ON CONFLICT (uuid) DO NOTHING;"
  "   ELSIF p_kind = 'applicant' THEN"
  "    INSERT INTO applicants (uuid, version, data, identity)"
  "    VALUES (p_uuid, p_version, p_data, p_key)"
  "    ON CONFLICT (uuid) DO UPDATE SET version = excluded.version,"
  "    data = excluded.data, identity = excluded.identity;"
  "   ELSIF p_create THEN"
  "    INSERT INTO pages (uuid, version, case_uuid, data)"
  "    VALUES (p_uuid, p_version, p_data::json ->> 'case', p_data) ON CONFLICT (uuid) DO NOTHING;"
  "   ELSE"
  "    INSERT INTO pages (uuid, version, case_uuid, data)"
  "    VALUES (p_uuid, p_version, p_data::json ->> 'case', p_data)"
  "    ON CONFLICT (uuid) DO UPDATE SET version = excluded.version, data = excluded.data;"
  "   END IF;"
  "   GET DIAGNOSTICS written = ROW_COUNT;"
  "  EXCEPTION WHEN unique_violation THEN"
  "   RETURN 'unique';"
  "  END;"
  "  IF written = 0 THEN RETURN 'exists'; END IF;"
  /* The lock before the seq: see the comment at the top of the file. */
  "  PERFORM pg_advisory_xact_lock (" FEED_LOCK ");"
  "  INSERT INTO changes (seq, entity, uuid, version, data)"
  "  VALUES (nextval ('changes_seq'), p_kind, p_uuid, p_version, p_data);"
  "  RETURN 'ok';"
  " END $$;"
  /* An event, its case's new audit head and its change in one round trip
   * (three before); the head was read, its case's row locked, before. */
  "CREATE FUNCTION hall_put_event (p_uuid text, p_case_uuid text, p_case_version bigint,"
  "                                p_data text, p_prev text, p_entry text) RETURNS void"
  " LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  INSERT INTO events (uuid, case_uuid, case_version, data, prev_hash, entry_hash)"
  "  VALUES (p_uuid, p_case_uuid, p_case_version, p_data, p_prev, p_entry);"
  "  UPDATE cases SET audit_head = p_entry WHERE uuid = p_case_uuid;"
  /* The lock before the seq: see the comment at the top of the file. */
  "  PERFORM pg_advisory_xact_lock (" FEED_LOCK ");"
  "  INSERT INTO changes (seq, entity, uuid, version, data)"
  "  VALUES (nextval ('changes_seq'), 'event', p_uuid, 1, p_data);"
  " END $$;";

/* Version 11: uploads in progress kept in the database too (--blobs
 * postgresql), so that one begun through a server resumes through any
 * other. An upload's bytes are rows of blob_upload_parts, one per piece
 * received, never appended to one bytea (each PATCH would rewrite all
 * before it); its record says whose it is, its announced length and when
 * it was last written to (the database's clock, one for every server). */
static const char schema_v11[] =
  "CREATE TABLE blob_uploads (sha256 text PRIMARY KEY, official text NOT NULL,"
  "                           length bigint NOT NULL,"
  "                           created_at timestamptz NOT NULL DEFAULT now (),"
  "                           written_at timestamptz NOT NULL DEFAULT now ());"
  /* The cap on an official's unfinished uploads counts these. */
  "CREATE INDEX blob_uploads_official ON blob_uploads (official);"
  "CREATE TABLE blob_upload_parts (sha256 text NOT NULL"
  "                                  REFERENCES blob_uploads ON DELETE CASCADE,"
  "                                byte_offset bigint NOT NULL, data bytea NOT NULL,"
  "                                PRIMARY KEY (sha256, byte_offset));"
  "ALTER TABLE blob_upload_parts ALTER COLUMN data SET STORAGE EXTERNAL;";

/* A time the feed can always read (stats_epoch, below). */
#define PG_EPOCH_CHECKED(x) "stats_epoch (" x ")"

/* Version 12: the supervision figures fed from the change feed, no
 * longer by triggers in the transaction of every write: they were most
 * of a case PUT's time in the database (README's figures), and the one
 * writer waits on that transaction. Now a server's follower
 * (hall-stats-follower.c) feeds what was committed since stats_fed.seq,
 * in the feed's order, in transactions of its own, one feeder at a time
 * (STATS_LOCK); and a read of the figures feeds the rest first, so they
 * count every change committed before it, as before. The feed's order is
 * its commits' (see the top of the file), so each change is fed exactly
 * once, after those committed before it, as the triggers saw them. (In
 * READ COMMITTED, PostgreSQL's default: stats_feed's reads after its lock
 * see what the feeder before it committed.) The
 * cells' trigger on stats_cases stays, without the feed's lock: only a
 * feeder writes stats_cases now. */
static const char schema_v12[] =
  /* One row, once anything was fed: an empty hall's tables are empty
   * (--copy-to wants them so). */
  /* The triggers first: their drop waits for the writes in flight that
   * fired them (an older server's), so the last seq read next counts
   * them as fed, and every change after it was written without them. */
  "DROP TRIGGER stats_case_written ON cases;"
  "DROP TRIGGER stats_event_written ON events;"
  "CREATE TABLE stats_fed (one boolean PRIMARY KEY DEFAULT true CHECK (one),"
  "                        seq bigint NOT NULL);"
  "INSERT INTO stats_fed (seq) SELECT max (seq) FROM changes HAVING max (seq) IS NOT NULL;"
  "DROP FUNCTION stats_case_written (), stats_event_written ();"
  "CREATE OR REPLACE FUNCTION stats_cases_cells () RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM stats_cell_add (OLD, -1); END IF;"
  "  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM stats_cell_add (NEW, 1); END IF;"
  "  RETURN NULL;"
  " END $$;"
  /* NULL for a time PostgreSQL cannot read, as SQLite's strftime () gives:
   * an error would stop the feed at that change for good. The server
   * writes the times it checked in one form, but a row may come another
   * way (an older server, an administrator). */
  "CREATE FUNCTION stats_epoch (t text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$"
  " BEGIN"
  "  RETURN " PG_EPOCH ("t") ";"
  " EXCEPTION WHEN data_exception THEN"
  "  RETURN NULL;"
  " END $$;"
  /* What stats_case_written did with a case's row. */
  "CREATE FUNCTION stats_feed_case (p_uuid text, d jsonb) RETURNS void LANGUAGE plpgsql AS $$"
  " DECLARE"
  "  created bigint := " PG_EPOCH_CHECKED ("d ->> 'created_at'") ";"
  " BEGIN"
  "  IF created IS NULL THEN RETURN; END IF;"
  "  INSERT INTO stats_cases AS s (uuid, created_at, service, counter, official, promised_at,"
  "                                finished_at, waiting)"
  "  VALUES (p_uuid, created, coalesce (d ->> 'service', ''), coalesce (d ->> 'counter', ''),"
  "          coalesce (d ->> 'official', ''), " PG_EPOCH_CHECKED ("d ->> 'promised_at'") ","
  "          CASE WHEN d ->> 'state' IN ('completed', 'rejected', 'withdrawn')"
  "               THEN coalesce (" PG_EPOCH_CHECKED ("d ->> 'updated_at'") ", created) END,"
  "          coalesce (d ->> 'state' IN ('received', 'in_review'), false))"
  "  ON CONFLICT (uuid) DO UPDATE SET created_at = excluded.created_at,"
  "   service = excluded.service, counter = excluded.counter, official = excluded.official,"
  "   promised_at = excluded.promised_at, finished_at = excluded.finished_at,"
  "   waiting = excluded.waiting"
  "  WHERE (s.created_at, s.service, s.counter, s.official, s.promised_at, s.finished_at,"
  "         s.waiting) IS DISTINCT FROM"
  "        (excluded.created_at, excluded.service, excluded.counter, excluded.official,"
  "         excluded.promised_at, excluded.finished_at, excluded.waiting);"
  " END $$;"
  /* What stats_event_written did with an event's. */
  "CREATE FUNCTION stats_feed_event (p_case_uuid text, d jsonb) RETURNS void"
  " LANGUAGE plpgsql AS $$"
  " DECLARE"
  "  v_at bigint := " PG_EPOCH_CHECKED ("d ->> 'at'") ";"
  "  v_decision text := coalesce (d ->> 'decision', '');"
  "  v_step text := coalesce (d ->> 'step', '');"
  " BEGIN"
  "  IF d ->> 'kind' = 'decision' THEN"
  "   IF v_at IS NOT NULL THEN"
  "    INSERT INTO stats_steps AS s (day, service, step, minutes, decided)"
  "    SELECT (c.created_at + 28800) / 86400, c.service, v_step,"
  "           greatest (0, (v_at - coalesce (c.moved_at, c.created_at)) / 60), 1"
  "    FROM stats_cases AS c WHERE c.uuid = p_case_uuid"
  "    ON CONFLICT (day, service, step, minutes) DO UPDATE SET decided = s.decided + 1;"
  "   END IF;"
  "   UPDATE stats_cases SET returned = returned OR v_decision = 'return',"
  "    rejected = rejected OR v_decision = 'reject',"
  "    history = history || v_step || ':' || v_decision || ';',"
  "    moved_at = greatest (moved_at, v_at)"
  "   WHERE uuid = p_case_uuid;"
  "   IF v_decision IN ('return', 'reject') AND jsonb_typeof (d -> 'reasons') = 'array' THEN"
  "    INSERT INTO stats_reasons (case_uuid, kind, code, hour)"
  "    SELECT p_case_uuid, v_decision, coalesce (r ->> 'code', 'other'), c.created_at / 3600"
  "    FROM stats_cases AS c, jsonb_array_elements (d -> 'reasons') AS r"
  "    WHERE c.uuid = p_case_uuid ON CONFLICT DO NOTHING;"
  "   END IF;"
  "  ELSIF d ->> 'kind' = 'state' AND v_at IS NOT NULL THEN"
  "   UPDATE stats_cases SET moved_at = greatest (moved_at, v_at) WHERE uuid = p_case_uuid;"
  "  END IF;"
  " END $$;"
  /* Feeds up to @p_limit changes (NULL: all) committed since the last
   * feed; the number fed. With @p_wait false it gives way to a feeder
   * already at work (-1), else it waits for it and feeds what is left. */
  "CREATE FUNCTION stats_feed (p_wait boolean, p_limit integer) RETURNS integer"
  " LANGUAGE plpgsql AS $$"
  " DECLARE"
  "  fed bigint;"
  "  c record;"
  "  n integer := 0;"
  " BEGIN"
  "  IF p_wait THEN PERFORM pg_advisory_xact_lock (" STATS_LOCK ");"
  "  ELSIF NOT pg_try_advisory_xact_lock (" STATS_LOCK ") THEN RETURN -1;"
  "  END IF;"
  "  fed := coalesce ((SELECT seq FROM stats_fed), 0);"
  "  FOR c IN SELECT ch.seq, ch.entity, ch.uuid,"
  "                  CASE WHEN ch.entity IN ('case', 'event') THEN ch.data END AS data,"
  "                  e.case_uuid"
  "           FROM changes AS ch"
  "           LEFT JOIN events AS e ON ch.entity = 'event' AND e.uuid = ch.uuid"
  "           WHERE ch.seq > fed ORDER BY ch.seq LIMIT p_limit LOOP"
  "   IF c.entity = 'case' THEN PERFORM stats_feed_case (c.uuid, c.data::jsonb);"
  "   ELSIF c.entity = 'event' THEN PERFORM stats_feed_event (c.case_uuid, c.data::jsonb);"
  "   END IF;"
  "   fed := c.seq;"
  "   n := n + 1;"
  "  END LOOP;"
  "  IF n > 0 THEN"
  "   INSERT INTO stats_fed (seq) VALUES (fed) ON CONFLICT (one) DO UPDATE SET seq = fed;"
  "  END IF;"
  "  RETURN n;"
  " END $$;";

/* A server older than the database steps aside. Each transaction of a
 * server's writer begins with this check, in the same round trip as its
 * BEGIN: once a newer server has migrated the database, an older one
 * still running writes no records under its old rules (its requests are
 * answered 503 and counters send them again, to the newer servers behind
 * the balancer), and its health check fails so that the balancer takes
 * it out. The migration's lock, shared: a check waits for a migration
 * under way and then reads its version, and a migration waits for the
 * transactions that passed the check before it. VOLATILE, so that the
 * read after the wait has a snapshot of its own. Later migrations keep
 * this function as it is called, and hall_schema's version as the one
 * thing it compares (the health check's read, read_schema (), makes the
 * same comparison). */
static const char schema_v13[] =
  "CREATE FUNCTION hall_schema_at_most (known integer) RETURNS void"
  " LANGUAGE plpgsql VOLATILE AS $$"
  " DECLARE"
  "  current integer;"
  " BEGIN"
  "  PERFORM pg_advisory_xact_lock_shared (" MIGRATE_LOCK ");"
  "  current := (SELECT max (version) FROM hall_schema);"
  "  IF current > known THEN"
  "   RAISE EXCEPTION USING ERRCODE = '" SCHEMA_NEWER_STATE "',"
  "    MESSAGE = format ('the database is at schema %s, newer than this server''s %s',"
  "                      current, known);"
  "  END IF;"
  " END $$;";

static const char * const migrations[SCHEMA_VERSION] = {
  schema_v1,
  schema_v2,
  schema_v3,
  schema_v4,
  schema_v5,
  schema_v6,
  schema_v7,
  schema_v8,
  schema_v9,
  schema_v10,
  schema_v11,
  schema_v12,
  schema_v13,
};

typedef struct
{
  HallServerPostgres *owner;
  PGconn   *pg;
  gboolean  prepared[N_STMTS];
  gboolean  in_transaction;
  gboolean  begin_unsent;       /* BEGIN goes with the next command */
  guint     pending_releases;   /* of savepoint "job", not sent yet */
  GPtrArray *pending_answers;   /* of PendingAnswer: written with the commit */
  GArray    *answer_marks;      /* guint: pending_answers->len at each savepoint */
  HallWriteCache *cache;        /* what the transaction read ahead, read or wrote */
  guint     unfed;       /* writes of cases and events for the stats follower */
  /* Writes deferred (pg_defer_writes): sent in pipeline mode, their
   * answers read at the next statement that waits for one. */
  gboolean  deferring;
  GArray   *in_flight;        /* of StmtId, in the order sent */
  GError   *deferred_error;   /* the first of them that failed */
  /* The connection went in the middle of a transaction, and was made
   * again: until the rollback, no commit of it may succeed. */
  gboolean  transaction_lost;
} Conn;

struct _HallServerPostgres
{
  GObject    parent_instance;
  char      *uri;
  gsize      id;
  GMutex     mutex;
  GPtrArray *conns;   /* of Conn, every thread's */
  HallStatsFollower *follower;   /* from the first write on */
  gint       outdated;  /* the last transaction met a newer schema (schema 13) */
  guint64    schema_noted;     /* how often a transaction's check set or cleared it */
  /* The health check's own reads of the schema's version, on a thread of
   * their own with a connection of their own, never on the request's. */
  GThreadPool *schema_reader;
  PGconn     *schema_pg;
  gboolean   schema_reading;
  gint64     schema_read_at;   /* monotonic, µs: the last read asked for */
};

static void hall_server_postgres_storage_init (HallServerStorageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HallServerPostgres, hall_server_postgres, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HALL_TYPE_SERVER_STORAGE,
                                                      hall_server_postgres_storage_init))

/* Per thread: instance id -> Conn (see hall-server-sqlite.c). */
static GPrivate thread_conns = G_PRIVATE_INIT ((GDestroyNotify) g_hash_table_unref);
static gsize next_id;

/* An idempotency key's answer, kept until its transaction commits. */
typedef struct
{
  char                 *key;
  HallIdempotentAnswer  answer;
} PendingAnswer;

static void
pending_answer_free (PendingAnswer *pending)
{
  g_free (pending->key);
  g_free (pending->answer.request_hash);
  g_free (pending->answer.body);
  g_free (pending);
}

static void
conn_free (Conn *conn)
{
  g_clear_pointer (&conn->pending_answers, g_ptr_array_unref);
  g_clear_pointer (&conn->answer_marks, g_array_unref);
  g_clear_pointer (&conn->cache, hall_write_cache_free);
  g_clear_pointer (&conn->in_flight, g_array_unref);
  g_clear_error (&conn->deferred_error);
  PQfinish (conn->pg);
  g_free (conn);
}

static void
hall_server_postgres_finalize (GObject *object)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (object);
  GHashTable *table = g_private_get (&thread_conns);

  g_clear_pointer (&self->follower, hall_stats_follower_free);
  /* No read is running: each holds a reference. This may be the last
   * read's thread, which must not wait for itself. */
  if (self->schema_reader != NULL)
    g_thread_pool_free (self->schema_reader, TRUE, FALSE);
  g_clear_pointer (&self->schema_pg, PQfinish);
  if (table != NULL)
    g_hash_table_remove (table, GSIZE_TO_POINTER (self->id));
  g_ptr_array_unref (self->conns);
  g_mutex_clear (&self->mutex);
  g_free (self->uri);
  G_OBJECT_CLASS (hall_server_postgres_parent_class)->finalize (object);
}

static void
hall_server_postgres_class_init (HallServerPostgresClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_server_postgres_finalize;
}

static void
hall_server_postgres_init (HallServerPostgres *self)
{
  g_mutex_init (&self->mutex);
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  self->id = g_atomic_pointer_add (&next_id, 1) + 1;
}

/* libpq's message without its trailing newline. */
static char *
message_of (PGconn *pg)
{
  return g_strchomp (g_strdup (PQerrorMessage (pg)));
}

/* Seconds libpq waits for a database to answer (libpq waits forever by
 * default): then the server says so at start, or answers 503 while
 * serving. libpq's minimum is 2. */
#define HALL_SERVER_POSTGRES_CONNECT_TIMEOUT "5"

/* A TCP connection whose other end is gone (the database's machine lost,
 * a firewall that dropped the connection's state) gives no sign on its
 * own: Linux retries a send for about 15 minutes, and an idle connection
 * is probed after 2 hours. So a connection idle for 30 s is probed every
 * 10 s, and one whose sent data or probes go unanswered for 30 s is
 * given up (TCP_USER_TIMEOUT, in milliseconds): the request on it is
 * answered 503 and the connection made again at its next use. The probes
 * also keep a firewall's state for a pooled connection that waits long
 * between requests. Nothing of this applies to a Unix socket. */
#define HALL_SERVER_POSTGRES_KEEPALIVES_IDLE     "30"
#define HALL_SERVER_POSTGRES_KEEPALIVES_INTERVAL "10"
#define HALL_SERVER_POSTGRES_KEEPALIVES_COUNT    "3"
#define HALL_SERVER_POSTGRES_TCP_USER_TIMEOUT    "30000"

static void
ignore_notice (void       *data,
               const char *message)
{
}

/* Keeps the first failure of a transaction's writes that no caller was
 * told of yet (pg_flush_writes (), pg_commit ()). */
static void
set_deferred_error (Conn   *conn,
                    GError *error)
{
  if (conn->deferred_error == NULL)
    conn->deferred_error = error;
  else
    g_error_free (error);
}

/* A connection that broke (the database restarted or went away): made
 * again, its statements to prepare again and no transaction open; FALSE
 * with HALL_DATABASE_ERROR_OPEN while the database cannot be reached, so
 * the request is answered 503 and the next one tries again. */
static gboolean
revive (Conn    *conn,
        GError **error)
{
  PQreset (conn->pg);
  if (PQstatus (conn->pg) != CONNECTION_OK)
    {
      g_autofree char *message = message_of (conn->pg);

      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("Cannot connect to the PostgreSQL database %s on %s as %s: %s"),
                   PQdb (conn->pg) != NULL ? PQdb (conn->pg) : "?",
                   PQhost (conn->pg) != NULL && *PQhost (conn->pg) != '\0' ? PQhost (conn->pg)
                   : "localhost",
                   PQuser (conn->pg) != NULL ? PQuser (conn->pg) : "?", message);
      return FALSE;
    }
  g_message ("Connected again to the PostgreSQL database %s", PQdb (conn->pg));
  memset (conn->prepared, 0, sizeof conn->prepared);
  /* A transaction under way went with the old connection: its commit must
   * fail, not commit what the new connection wrote alone. */
  if (conn->in_transaction || conn->in_flight->len > 0)
    {
      set_deferred_error (conn, g_error_new (HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                                             _("The connection to the database was lost during a transaction")));
      conn->transaction_lost = TRUE;
    }
  conn->in_transaction = FALSE;
  conn->begin_unsent = FALSE;
  conn->deferring = FALSE;
  g_array_set_size (conn->in_flight, 0);
  return TRUE;
}

static Conn *
get_conn (HallServerPostgres  *self,
          GError             **error)
{
  GHashTable *table = g_private_get (&thread_conns);
  Conn *conn;
  PGconn *pg;

  if (table == NULL)
    {
      table = g_hash_table_new (NULL, NULL);
      g_private_set (&thread_conns, table);
    }
  conn = g_hash_table_lookup (table, GSIZE_TO_POINTER (self->id));
  if (conn != NULL)
    {
      if (PQstatus (conn->pg) == CONNECTION_BAD && !revive (conn, error))
        return NULL;
      return conn;
    }

  pg = hall_server_postgres_open (self->uri, error);
  if (pg == NULL)
    return NULL;
  conn = g_new0 (Conn, 1);
  conn->owner = self;
  conn->pg = pg;
  conn->pending_answers = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_answer_free);
  conn->answer_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  conn->cache = hall_write_cache_new ();
  conn->in_flight = g_array_new (FALSE, FALSE, sizeof (StmtId));
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->conns, conn);
  g_mutex_unlock (&self->mutex);
  g_hash_table_insert (table, GSIZE_TO_POINTER (self->id), conn);
  return conn;
}

/* A failed result as a GError saying it was to @doing: unique and check
 * violations are HALL_DATABASE_ERROR_CONSTRAINT, a lost connection
 * HALL_DATABASE_ERROR_OPEN, a full disk FULL, the rest SQL. */
void
hall_server_postgres_set_error (GError    **error,
                                PGconn     *pg,
                                PGresult   *result,
                                const char *doing)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  g_autofree char *message = message_of (pg);
  int code = HALL_DATABASE_ERROR_SQL;

  if (PQstatus (pg) == CONNECTION_BAD || state == NULL || g_str_has_prefix (state, "08")
      || g_str_has_prefix (state, "57P0"))
    code = HALL_DATABASE_ERROR_OPEN;
  else if (g_str_has_prefix (state, "23"))
    code = HALL_DATABASE_ERROR_CONSTRAINT;
  else if (g_str_equal (state, "53100"))
    code = HALL_DATABASE_ERROR_FULL;
  else if (g_str_equal (state, SCHEMA_NEWER_STATE))
    code = HALL_DATABASE_ERROR_OUTDATED;
  else if (g_str_equal (state, "40001") || g_str_equal (state, "40P01")
           || g_str_equal (state, "55P03"))
    code = HALL_DATABASE_ERROR_BUSY;
  g_set_error (error, HALL_DATABASE_ERROR, code, _("Could not %s: %s"), doing, message);
}

static void collect_deferred (Conn *conn);
static gboolean ensure_begun (Conn *conn, GError **error);

/* Runs a statement of no parameters (transaction control, schema). */
static gboolean
exec_simple (Conn        *conn,
             const char  *sql,
             const char  *doing,
             GError     **error)
{
  PGresult *result;
  ExecStatusType status;
  gboolean ok;

  collect_deferred (conn);
  result = PQexec (conn->pg, sql);
  status = PQresultStatus (result);
  ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok)
    hall_server_postgres_set_error (error, conn->pg, result, doing);
  PQclear (result);
  return ok;
}

/* Whether @result failed because the connection is gone: libpq has seen it
 * close, or the backend's last word was FATAL 57P01-57P03 (terminated by
 * an administrator or a shutdown; libpq may still call the connection
 * OK until it next reads) or a connection error (class 08). */
static gboolean
connection_lost (PGconn   *pg,
                 PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  return PQstatus (pg) == CONNECTION_BAD
         || (state != NULL && (g_str_has_prefix (state, "57P0") || g_str_has_prefix (state, "08")));
}

/* Prepares the statement @id as @name on @conn the first time it is
 * used there: NULL once it is prepared, else (transfer full) the failed
 * result. */
static PGresult *
prepare_once (Conn       *conn,
              StmtId      id,
              const char *name)
{
  PGresult *result;

  if (conn->prepared[id])
    return NULL;
  result = PQprepare (conn->pg, name, stmt_sql[id], 0, NULL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    return result;
  PQclear (result);
  conn->prepared[id] = TRUE;
  return NULL;
}

/* Before a statement on @conn: the answers of deferred writes read, and,
 * in a transaction, BEGIN sent. After a deferred write failed, or the
 * connection went in the middle of a transaction: that failure, not the
 * statement's (which an aborted transaction would refuse, and a new
 * connection run outside it). */
static gboolean
ready_for_statement (Conn    *conn,
                     GError **error)
{
  collect_deferred (conn);
  if (conn->deferred_error != NULL)
    {
      g_propagate_error (error, g_error_copy (conn->deferred_error));
      return FALSE;
    }
  return !conn->in_transaction || ensure_begun (conn, error);
}

/* (transfer full): the result of the statement @id with @n_params text
 * parameters (NULL for SQL NULL), prepared on this thread's connection
 * the first time; NULL with @error set when it failed. */
static PGresult *
run_stmt (HallServerPostgres  *self,
          StmtId               id,
          int                  n_params,
          const char * const  *params,
          const char          *doing,
          GError             **error)
{
  Conn *conn = get_conn (self, error);
  char name[16];
  PGresult *result;
  ExecStatusType status;
  gboolean retried = FALSE;

  if (conn == NULL || !ready_for_statement (conn, error))
    return NULL;
  g_snprintf (name, sizeof name, "s%d", id);
again:
  result = prepare_once (conn, id, name);
  if (result != NULL)
    {
      /* The first statement of its kind on this connection finds it
       * broken as well as any other (see below). */
      if (connection_lost (conn->pg, result) && !conn->in_transaction && !retried)
        {
          PQclear (result);
          if (!revive (conn, error))
            return NULL;
          retried = TRUE;
          goto again;
        }
      hall_server_postgres_set_error (error, conn->pg, result, doing);
      PQclear (result);
      return NULL;
    }
  result = PQexecPrepared (conn->pg, name, n_params, params, NULL, NULL, 0);
  status = PQresultStatus (result);
  /* A read on a connection that broke since its last use (the database
   * restarted, or an administrator ended its backend): once more on a
   * new one. A transaction's statement is not
   * tried again: its transaction went with the connection. */
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK
      && connection_lost (conn->pg, result) && !conn->in_transaction && !retried)
    {
      PQclear (result);
      if (!revive (conn, error))
        return NULL;
      retried = TRUE;
      goto again;
    }
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      hall_server_postgres_set_error (error, conn->pg, result, doing);
      PQclear (result);
      return NULL;
    }
  return result;
}

static gboolean
run_command (HallServerPostgres  *self,
             StmtId               id,
             int                  n_params,
             const char * const  *params,
             const char          *doing,
             GError             **error)
{
  PGresult *result = run_stmt (self, id, n_params, params, doing, error);

  PQclear (result);
  return result != NULL;
}

/* Deferred writes. A batch's writes of entities and events went one round
 * trip each, the server waiting on the database and the database on the
 * server: 30,000 of them took seconds, most of it spent waiting. Deferred, they go
 * in libpq's pipeline mode, up to MAX_IN_FLIGHT before their answers are
 * read, and each says it was written; the answers are read at the flush
 * or before any statement whose answer is waited for. A write that was
 * refused (or failed) is the flush's error, and the caller writes the
 * batch again one operation at a time (hall-server-batch.c). */
#define MAX_IN_FLIGHT 200


/* A pipeline whose sync could not be sent: no answer comes without it.
 * The connection is made again, its transaction gone, and @error (taken)
 * makes sure nothing of the transaction is taken as committed. */
static void
pipeline_broke (Conn   *conn,
                GError *error)
{
  set_deferred_error (conn, error);
  g_array_set_size (conn->in_flight, 0);
  PQreset (conn->pg);
  memset (conn->prepared, 0, sizeof conn->prepared);
  conn->transaction_lost |= conn->in_transaction;
  conn->in_transaction = FALSE;
}

/* Reads a pipeline's sync point's answer and leaves pipeline mode. */
static gboolean
end_pipeline (Conn *conn)
{
  PGresult *result;

  while ((result = PQgetResult (conn->pg)) != NULL)
    {
      gboolean synced = PQresultStatus (result) == PGRES_PIPELINE_SYNC;

      PQclear (result);
      if (synced)
        break;
    }
  return PQexitPipelineMode (conn->pg);
}

/* Reads the answers of the writes sent, and leaves pipeline mode. */
static void
collect_deferred (Conn *conn)
{
  PGresult *result;

  if (PQpipelineStatus (conn->pg) == PQ_PIPELINE_OFF)
    return;
  if (!PQpipelineSync (conn->pg))
    {
      GError *error = NULL;

      hall_server_postgres_set_error (&error, conn->pg, NULL, _("write a batch"));
      pipeline_broke (conn, error);
      return;
    }
  for (guint i = 0; i < conn->in_flight->len; i++)
    {
      StmtId id = g_array_index (conn->in_flight, StmtId, i);
      ExecStatusType status;

      result = PQgetResult (conn->pg);
      if (result == NULL)
        {
          GError *error = NULL;

          /* The connection went: nothing more will answer. */
          hall_server_postgres_set_error (&error, conn->pg, NULL, _("write a batch"));
          set_deferred_error (conn, error);
          break;
        }
      status = PQresultStatus (result);
      if (status == PGRES_PIPELINE_ABORTED)
        ;  /* after a write that failed, which said why */
      else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        {
          GError *error = NULL;

          hall_server_postgres_set_error (&error, conn->pg, result, _("write a batch"));
          set_deferred_error (conn, error);
        }
      else if (id == STMT_PUT_ENTITY && !g_str_equal (PQgetvalue (result, 0, 0), "ok"))
        set_deferred_error (conn, g_error_new (HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                                               _("A write of the batch was refused (%s)"),
                                               PQgetvalue (result, 0, 0)));
      PQclear (result);
      /* Each statement's answer ends with a NULL. */
      while ((result = PQgetResult (conn->pg)) != NULL)
        PQclear (result);
    }
  g_array_set_size (conn->in_flight, 0);
  if (!end_pipeline (conn))
    {
      GError *error = NULL;

      hall_server_postgres_set_error (&error, conn->pg, NULL, _("write a batch"));
      set_deferred_error (conn, error);
    }
}

/* Sends the write @id without waiting for its answer, when writes are
 * deferred; FALSE when it could not be sent. */
static gboolean
send_deferred (Conn                *conn,
               StmtId               id,
               int                  n_params,
               const char * const  *params,
               const char          *doing,
               GError             **error)
{
  char name[16];

  /* After a write that failed, the rest of the batch is undone anyway. */
  if (conn->deferred_error != NULL)
    {
      g_propagate_error (error, g_error_copy (conn->deferred_error));
      return FALSE;
    }
  if (conn->begin_unsent && !ensure_begun (conn, error))
    return FALSE;
  g_snprintf (name, sizeof name, "s%d", id);
  /* Preparing waits for its answer: not in pipeline mode. */
  if (!conn->prepared[id])
    {
      PGresult *result;

      collect_deferred (conn);
      if (conn->deferred_error != NULL)
        {
          g_propagate_error (error, g_error_copy (conn->deferred_error));
          return FALSE;
        }
      result = prepare_once (conn, id, name);
      if (result != NULL)
        {
          hall_server_postgres_set_error (error, conn->pg, result, doing);
          PQclear (result);
          return FALSE;
        }
    }
  if (conn->in_flight->len >= MAX_IN_FLIGHT)
    {
      /* Their answers may say the connection went: nothing goes on it. */
      collect_deferred (conn);
      if (conn->deferred_error != NULL)
        {
          g_propagate_error (error, g_error_copy (conn->deferred_error));
          return FALSE;
        }
    }
  if ((PQpipelineStatus (conn->pg) == PQ_PIPELINE_OFF && !PQenterPipelineMode (conn->pg))
      || !PQsendQueryPrepared (conn->pg, name, n_params, params, NULL, NULL, 0))
    {
      hall_server_postgres_set_error (error, conn->pg, NULL, doing);
      return FALSE;
    }
  g_array_append_val (conn->in_flight, id);
  return TRUE;
}

/* The OID of PostgreSQL's type text (pg_type.h, which libpq does not
 * install). */
#define PG_TEXT_OID 25

/* (transfer full): @values, strings or NULL, as a one-dimensional text[]
 * in PostgreSQL's binary format (array_send ()): sent as they are,
 * neither escaped here nor read back character by character by the
 * database's array_in (). */
static GBytes *
binary_text_array (GPtrArray *values)
{
  GByteArray *array = g_byte_array_new ();
  gboolean has_nulls = FALSE;
  guint32 header[5];

  for (guint i = 0; i < values->len; i++)
    has_nulls |= g_ptr_array_index (values, i) == NULL;
  /* Dimensions, flags, the elements' type, then the one dimension's
   * length and lower bound. */
  header[0] = g_htonl (values->len > 0 ? 1 : 0);
  header[1] = g_htonl (has_nulls ? 1 : 0);
  header[2] = g_htonl (PG_TEXT_OID);
  header[3] = g_htonl (values->len);
  header[4] = g_htonl (1);
  g_byte_array_append (array, (const guint8 *) header,
                       values->len > 0 ? sizeof header : 3 * sizeof header[0]);
  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);
      guint32 length = value != NULL ? strlen (value) : 0;
      /* -1: NULL. */
      guint32 length_be = g_htonl (value != NULL ? length : G_MAXUINT32);

      g_byte_array_append (array, (const guint8 *) &length_be, sizeof length_be);
      if (value != NULL)
        g_byte_array_append (array, (const guint8 *) value, length);
    }
  return g_byte_array_free_to_bytes (array);
}

/* Runs the statements @ids, each with the one text[] parameter of @params
 * in binary format (binary_text_array (); those with NULL are not run),
 * in one round trip: sent together in pipeline mode, then answered. In a
 * transaction only. (transfer full) Each one's result in @results, NULL
 * for those not run; FALSE with @error set, and no results, when one of
 * them failed. */
static gboolean
run_stmts_together (Conn                *conn,
                    guint                n,
                    const StmtId        *ids,
                    GBytes * const      *params,
                    PGresult           **results,
                    const char          *doing,
                    GError             **error)
{
  g_autoptr(GError) failure = NULL;
  char name[16];
  guint n_sent;

  g_return_val_if_fail (conn->in_transaction, FALSE);

  memset (results, 0, n * sizeof *results);
  for (n_sent = 0; n_sent < n && params[n_sent] == NULL; n_sent++)
    ;
  if (n_sent == n)
    return TRUE;
  if (!ready_for_statement (conn, error))
    return FALSE;
  /* Preparing waits for its answer: not in pipeline mode. */
  for (guint i = 0; i < n; i++)
    {
      PGresult *result;

      g_snprintf (name, sizeof name, "s%d", ids[i]);
      if (params[i] != NULL && (result = prepare_once (conn, ids[i], name)) != NULL)
        {
          hall_server_postgres_set_error (error, conn->pg, result, doing);
          PQclear (result);
          return FALSE;
        }
    }

  if (!PQenterPipelineMode (conn->pg))
    {
      hall_server_postgres_set_error (error, conn->pg, NULL, doing);
      return FALSE;
    }
  for (n_sent = 0; n_sent < n; n_sent++)
    {
      const char *value;
      gsize size;
      int length;
      const int binary = 1;

      if (params[n_sent] == NULL)
        continue;
      g_snprintf (name, sizeof name, "s%d", ids[n_sent]);
      value = g_bytes_get_data (params[n_sent], &size);
      length = (int) size;
      if (!PQsendQueryPrepared (conn->pg, name, 1, &value, &length, &binary, 0))
        {
          hall_server_postgres_set_error (&failure, conn->pg, NULL, doing);
          break;
        }
    }
  if (!PQpipelineSync (conn->pg))
    {
      if (failure == NULL)
        hall_server_postgres_set_error (&failure, conn->pg, NULL, doing);
      g_propagate_error (error, g_error_copy (failure));
      pipeline_broke (conn, g_steal_pointer (&failure));
      return FALSE;
    }

  for (guint i = 0; i < n_sent; i++)
    {
      PGresult *result;

      if (params[i] == NULL)
        continue;
      result = PQgetResult (conn->pg);
      if (result == NULL)
        {
          /* The connection went: nothing more answers. */
          if (failure == NULL)
            hall_server_postgres_set_error (&failure, conn->pg, NULL, doing);
          break;
        }
      if (PQresultStatus (result) == PGRES_TUPLES_OK)
        results[i] = result;
      else
        {
          /* The first failure says why; those after it were not run. */
          if (failure == NULL)
            hall_server_postgres_set_error (&failure, conn->pg, result, doing);
          PQclear (result);
        }
      /* Each statement's answer ends with a NULL. */
      while ((result = PQgetResult (conn->pg)) != NULL)
        PQclear (result);
    }
  if (!end_pipeline (conn) && failure == NULL)
    hall_server_postgres_set_error (&failure, conn->pg, NULL, doing);

  if (failure != NULL)
    {
      for (guint i = 0; i < n; i++)
        g_clear_pointer (&results[i], PQclear);
      g_propagate_error (error, g_steal_pointer (&failure));
      return FALSE;
    }
  return TRUE;
}

static void
pg_defer_writes (HallServerStorage *storage)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), NULL);

  if (conn != NULL && conn->in_transaction)
    conn->deferring = TRUE;
}

static gboolean
pg_flush_writes (HallServerStorage  *storage,
                 GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);

  if (conn == NULL)
    return FALSE;
  collect_deferred (conn);
  conn->deferring = FALSE;
  if (conn->deferred_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&conn->deferred_error));
      return FALSE;
    }
  return TRUE;
}

/* Writes deferred and not flushed are forgotten with what they wrote. */
static void
forget_deferred (Conn *conn)
{
  collect_deferred (conn);
  conn->deferring = FALSE;
  g_clear_error (&conn->deferred_error);
}

static gboolean
set_not_found (GError    **error,
               const char *what)
{
  g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_NOT_FOUND, _("No such %s"), what);
  return FALSE;
}

/* (transfer full): the one row of @id for @key, or NULL with NOT_FOUND
 * naming @what, or the database's error. */
static PGresult *
row_of_key (HallServerPostgres  *self,
            StmtId               id,
            const char          *key,
            const char          *what,
            const char          *doing,
            GError             **error)
{
  const char *params[] = { key };
  PGresult *result = run_stmt (self, id, 1, params, doing, error);

  if (result != NULL && PQntuples (result) == 0)
    {
      PQclear (result);
      set_not_found (error, what);
      return NULL;
    }
  return result;
}

static char *
value_dup (PGresult *result,
           int       column)
{
  return PQgetisnull (result, 0, column) ? NULL : g_strdup (PQgetvalue (result, 0, column));
}

static gint64
value_int (PGresult *result,
           int       column)
{
  return PQgetisnull (result, 0, column) ? 0
         : g_ascii_strtoll (PQgetvalue (result, 0, column), NULL, 10);
}

static gboolean
migrate (HallServerPostgres  *self,
         GError             **error)
{
  Conn *conn = get_conn (self, error);
  PGresult *result;
  int version = 0;

  if (conn == NULL)
    return FALSE;
  if (!exec_simple (conn, "BEGIN", _("start the schema migration"), error))
    return FALSE;
  /* Servers started together wait here for the first to finish. */
  if (!exec_simple (conn, "SELECT pg_advisory_xact_lock (" MIGRATE_LOCK ")",
                    _("start the schema migration"), error)
      || !exec_simple (conn, "CREATE TABLE IF NOT EXISTS hall_schema (version integer NOT NULL)",
                       _("create the schema"), error))
    goto fail;
  result = PQexec (conn->pg, "SELECT max (version) FROM hall_schema");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      hall_server_postgres_set_error (error, conn->pg, result, _("read the schema version"));
      PQclear (result);
      goto fail;
    }
  version = (int) value_int (result, 0);
  PQclear (result);
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_SCHEMA,
                   _("The database %s was made by a newer server (schema %d, this one knows %d)"),
                   PQdb (conn->pg), version, SCHEMA_VERSION);
      goto fail;
    }
  for (; version < SCHEMA_VERSION; version++)
    {
      g_autofree char *record = g_strdup_printf ("DELETE FROM hall_schema;"
                                                 "INSERT INTO hall_schema VALUES (%d)",
                                                 version + 1);

      if (!exec_simple (conn, migrations[version], _("create the schema"), error)
          || !exec_simple (conn, record, _("create the schema"), error))
        goto fail;
    }
  return exec_simple (conn, "COMMIT", _("create the schema"), error);

fail:
  exec_simple (conn, "ROLLBACK", _("roll back"), NULL);
  return FALSE;
}

HallServerPostgres *
hall_server_postgres_new (const char  *uri,
                          GError     **error)
{
  g_autoptr(HallServerPostgres) self = g_object_new (HALL_TYPE_SERVER_POSTGRES, NULL);

  self->uri = g_strdup (uri);
  if (!migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

PGconn *
hall_server_postgres_open (const char  *uri,
                           GError     **error)
{
  PGconn *pg = hall_server_postgres_connect (uri);

  if (PQstatus (pg) != CONNECTION_OK)
    {
      g_autofree char *message = message_of (pg);

      /* libpq names the host, the database or the role that failed. */
      g_set_error (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                   _("Cannot connect to the PostgreSQL database %s on %s as %s: %s"),
                   PQdb (pg) != NULL ? PQdb (pg) : "?",
                   PQhost (pg) != NULL && *PQhost (pg) != '\0' ? PQhost (pg) : "localhost",
                   PQuser (pg) != NULL ? PQuser (pg) : "?", message);
      PQfinish (pg);
      return NULL;
    }
  /* NOTICEs ("already exists, skipping") are not for the server's log. */
  PQsetNoticeProcessor (pg, ignore_notice, NULL);
  return pg;
}

PGconn *
hall_server_postgres_get_thread_pg (HallServerPostgres  *self,
                                    GError             **error)
{
  Conn *conn = get_conn (self, error);

  /* Its user runs statements of the transaction on it. */
  if (conn == NULL || !ready_for_statement (conn, error))
    return NULL;
  return conn->pg;
}

const char *
hall_server_postgres_get_uri (HallServerPostgres *self)
{
  return self->uri;
}

PGconn *
hall_server_postgres_connect (const char *uri)
{
  /* Array entries before the expanded dbname are overridden by the
   * URI's own parameters: a hall's connect_timeout or keepalives_idle in
   * the URI wins. A service file's do not (libpq fills in a service's
   * values only where nothing is set), so README says to name them in the
   * URI. The name is what pg_stat_activity and the database's log show a
   * DBA, unless the URI, PGAPPNAME or a service file names the hall or
   * the machine instead (fallback_application_name gives way to all). */
  const char *const keywords[] = {
    "connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count",
    "tcp_user_timeout", "fallback_application_name", "dbname", NULL,
  };
  const char *const values[] = {
    HALL_SERVER_POSTGRES_CONNECT_TIMEOUT, HALL_SERVER_POSTGRES_KEEPALIVES_IDLE,
    HALL_SERVER_POSTGRES_KEEPALIVES_INTERVAL, HALL_SERVER_POSTGRES_KEEPALIVES_COUNT,
    HALL_SERVER_POSTGRES_TCP_USER_TIMEOUT, "service-hall-server", uri, NULL,
  };

  return PQconnectdbParams (keywords, values, 1);
}

static void
forget_pending_answers (Conn *conn)
{
  g_ptr_array_set_size (conn->pending_answers, 0);
  g_array_set_size (conn->answer_marks, 0);
}

/* The idempotency keys' answers of the transaction, in a statement for
 * up to ANSWERS_PER_INSERT rows or about ANSWER_BYTES_PER_INSERT of them
 * before its COMMIT, where each took a round trip of its own. (A message
 * to PostgreSQL may not pass 1 GB, and a transaction of the group
 * committer's can hold hundreds of batches of 8 MB.) A key another
 * server's writer committed meanwhile fails the whole transaction, whose
 * writers all retry and then find that answer. */
#define ANSWERS_PER_INSERT 5000
#define ANSWER_BYTES_PER_INSERT (32 * 1024 * 1024)

/* Writes the answers [@first, @end) of @conn's pending ones. */
static gboolean
write_answers (Conn    *conn,
               guint    first,
               guint    end,
               GError **error)
{
  GPtrArray *columns[5];
  GBytes *arrays[G_N_ELEMENTS (columns)];
  const char *values[G_N_ELEMENTS (columns)];
  int lengths[G_N_ELEMENTS (columns)];
  const int formats[G_N_ELEMENTS (columns)] = { 1, 1, 1, 1, 1 };
  char name[16];
  PGresult *result;
  gboolean ok;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    columns[c] = g_ptr_array_new_full (end - first, c == 2 || c == 3 ? g_free : NULL);
  for (guint i = first; i < end; i++)
    {
      PendingAnswer *answer = g_ptr_array_index (conn->pending_answers, i);

      g_ptr_array_add (columns[0], answer->key);
      g_ptr_array_add (columns[1], answer->answer.request_hash);
      g_ptr_array_add (columns[2], g_strdup_printf ("%u", answer->answer.status));
      g_ptr_array_add (columns[3], g_strdup_printf ("%" G_GINT64_FORMAT, answer->answer.etag));
      g_ptr_array_add (columns[4], answer->answer.body);
    }
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      gsize size;

      arrays[c] = binary_text_array (columns[c]);
      values[c] = g_bytes_get_data (arrays[c], &size);
      lengths[c] = (int) size;
      g_ptr_array_unref (columns[c]);
    }
  g_snprintf (name, sizeof name, "s%d", STMT_PUT_IDEMPOTENT_MANY);
  result = prepare_once (conn, STMT_PUT_IDEMPOTENT_MANY, name);
  if (result == NULL)
    result = PQexecPrepared (conn->pg, name, G_N_ELEMENTS (values), values, lengths, formats, 0);
  for (guint c = 0; c < G_N_ELEMENTS (arrays); c++)
    g_bytes_unref (arrays[c]);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    hall_server_postgres_set_error (error, conn->pg, result, _("record the idempotency keys"));
  PQclear (result);
  return ok;
}

static gboolean
write_pending_answers (Conn    *conn,
                       GError **error)
{
  GPtrArray *pending = conn->pending_answers;
  guint first = 0;

  if (pending->len == 0)
    return TRUE;
  if (!ensure_begun (conn, error))
    return FALSE;
  while (first < pending->len)
    {
      gsize bytes = 0;
      guint end = first;

      while (end < pending->len && end - first < ANSWERS_PER_INSERT
             && (end == first || bytes < ANSWER_BYTES_PER_INSERT))
        {
          PendingAnswer *answer = g_ptr_array_index (pending, end++);

          bytes += answer->answer.body != NULL ? strlen (answer->answer.body) : 0;
        }
      if (!write_answers (conn, first, end, error))
        return FALSE;
      first = end;
    }
  g_ptr_array_set_size (pending, 0);
  return TRUE;
}

/* BEGIN goes with the transaction's first command (send_transaction_control ()),
 * in the same round trip. */
static gboolean
pg_begin (HallServerStorage  *storage,
          GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);

  if (conn == NULL)
    return FALSE;
  conn->pending_releases = 0;
  forget_pending_answers (conn);
  forget_deferred (conn);
  hall_write_cache_clear (conn->cache);
  conn->in_transaction = TRUE;
  conn->begin_unsent = TRUE;
  conn->transaction_lost = FALSE;
  conn->unfed = 0;
  return TRUE;
}

/* The figures' tables are fed after the commit (schema 12), by a thread
 * started at the first write. */
static void
wake_stats_follower (HallServerPostgres *self)
{
  g_mutex_lock (&self->mutex);
  if (self->follower == NULL)
    self->follower = hall_stats_follower_new (self->uri, hall_server_postgres_open);
  hall_stats_follower_wake (self->follower);
  g_mutex_unlock (&self->mutex);
}

static gboolean
pg_commit (HallServerStorage  *storage,
           GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  /* Never a commit of writes one of which failed unseen. */
  if (!pg_flush_writes (storage, error))
    return FALSE;
  /* Nor of a transaction that went with its connection, whose COMMIT on
   * the new one would commit nothing and succeed. */
  if (conn->transaction_lost)
    {
      g_set_error_literal (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN,
                           _("The connection to the database was lost during a transaction"));
      return FALSE;
    }
  /* COMMIT releases the savepoints still open. */
  conn->pending_releases = 0;
  g_array_set_size (conn->answer_marks, 0);
  hall_write_cache_clear (conn->cache);
  if (!write_pending_answers (conn, error))
    return FALSE;
  /* Nothing was sent: nothing to commit. */
  ok = conn->begin_unsent || exec_simple (conn, "COMMIT", _("commit"), error);
  conn->begin_unsent = FALSE;
  conn->in_transaction = FALSE;
  if (ok && conn->unfed > 0)
    {
      conn->unfed = 0;
      wake_stats_follower (HALL_SERVER_POSTGRES (storage));
    }
  return ok;
}

/* Sets or clears what the health check answers, with a warning when a
 * newer server is first met. A transaction's check (@read_since NULL) is
 * always right; a read (@read_since: how often the checks had noted the
 * schema when it began) yields to a check noted since. */
static void
set_outdated (HallServerPostgres *self,
              gboolean            newer,
              const char         *why,
              const guint64      *read_since)
{
  gboolean warn = FALSE;

  g_mutex_lock (&self->mutex);
  if (read_since == NULL || *read_since == self->schema_noted)
    {
      warn = newer && !g_atomic_int_get (&self->outdated);
      g_atomic_int_set (&self->outdated, newer);
    }
  if (read_since == NULL)
    self->schema_noted++;
  g_mutex_unlock (&self->mutex);
  if (warn)
    g_warning ("A newer server has migrated the database: this one writes nothing more, "
               "and its health check fails. Upgrade it. (%s)", why);
}

/* On the schema reader's thread, holding a reference to @data. What
 * hall_schema_at_most () would say, read without its lock: until a
 * migration commits, the version before it. A database that does not
 * answer keeps this thread, not a request's, waiting. */
static void
read_schema (gpointer data,
             gpointer user_data)
{
  HallServerPostgres *self = data;
  guint64 noted;
  PGresult *result;

  g_mutex_lock (&self->mutex);
  noted = self->schema_noted;
  g_mutex_unlock (&self->mutex);

  if (self->schema_pg != NULL && PQstatus (self->schema_pg) != CONNECTION_OK)
    g_clear_pointer (&self->schema_pg, PQfinish);
  if (self->schema_pg == NULL)
    self->schema_pg = hall_server_postgres_open (self->uri, NULL);
  if (self->schema_pg != NULL)
    {
      result = PQexec (self->schema_pg, "SELECT max (version) FROM hall_schema");
      if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) == 1)
        {
          gint64 version = value_int (result, 0);
          g_autofree char *why = g_strdup_printf ("the database is at schema %" G_GINT64_FORMAT
                                                  ", newer than this server's %d",
                                                  version, SCHEMA_VERSION);

          set_outdated (self, version > SCHEMA_VERSION, why, &noted);
        }
      PQclear (result);
    }
  g_mutex_lock (&self->mutex);
  self->schema_reading = FALSE;
  g_mutex_unlock (&self->mutex);
  g_object_unref (self);
}

/* Whether a newer server migrated the database. The writer learns it at
 * each transaction's BEGIN; a server that writes nothing (no counter sent
 * it a write since the migration) learns it from the reads the health
 * check asks for, at most every few seconds, and answers from the last
 * one without waiting for the next. */
static gboolean
pg_is_outdated (HallServerStorage *storage)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  gint64 now = g_get_monotonic_time ();
  gboolean due;

  g_mutex_lock (&self->mutex);
  due = !self->schema_reading
        && (self->schema_read_at == 0 || now - self->schema_read_at >= SCHEMA_READ_EVERY_USEC);
  if (due)
    {
      self->schema_read_at = now;
      self->schema_reading = TRUE;
      if (self->schema_reader == NULL)
        self->schema_reader = g_thread_pool_new (read_schema, NULL, 1, FALSE, NULL);
    }
  g_mutex_unlock (&self->mutex);
  if (due && !g_thread_pool_push (self->schema_reader, g_object_ref (self), NULL))
    {
      /* No thread for it: the next check asks again. */
      g_mutex_lock (&self->mutex);
      self->schema_reading = FALSE;
      g_mutex_unlock (&self->mutex);
      g_object_unref (self);
    }
  return g_atomic_int_get (&self->outdated);
}

static void
pg_rollback (HallServerStorage *storage)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), NULL);
  g_autoptr(GError) error = NULL;

  if (conn == NULL)
    return;
  conn->pending_releases = 0;
  forget_pending_answers (conn);
  forget_deferred (conn);
  hall_write_cache_clear (conn->cache);
  if (!conn->begin_unsent && !exec_simple (conn, "ROLLBACK", _("roll back"), &error))
    g_debug ("%s", error->message);
  conn->begin_unsent = FALSE;
  conn->in_transaction = FALSE;
  conn->transaction_lost = FALSE;
}

static void note_schema (Conn         *conn,
                         const GError *error);

/* Transaction control waits to go with the next command, in one round
 * trip: BEGIN with the first savepoint ("BEGIN; SAVEPOINT job"), and a
 * job's release with the next one's start ("RELEASE SAVEPOINT job;
 * SAVEPOINT job") or the commit. The group committer's jobs each took
 * two round trips for their savepoints alone, and its transactions one
 * more for BEGIN. Only a savepoint, a release or a commit follows a
 * release (see hall-group-committer.c and hall-server-batch.c), so
 * nothing runs in between that the release should have come before; any
 * other statement sends BEGIN first (ensure_begun ()). BEGIN goes with
 * the check of the schema (hall_schema_at_most (), schema 13). */
static gboolean
send_transaction_control (Conn        *conn,
                          const char  *then,
                          const char  *doing,
                          GError     **error)
{
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  gboolean begins = conn->begin_unsent;

  if (begins)
    g_string_append (sql, "BEGIN; SELECT hall_schema_at_most (" G_STRINGIFY (SCHEMA_VERSION) ")");
  for (; conn->pending_releases > 0; conn->pending_releases--)
    g_string_append_printf (sql, "%sRELEASE SAVEPOINT job", sql->len > 0 ? "; " : "");
  if (then != NULL)
    g_string_append_printf (sql, "%s%s", sql->len > 0 ? "; " : "", then);
  conn->begin_unsent = FALSE;
  if (sql->len == 0 || exec_simple (conn, sql->str, doing, &local_error))
    {
      if (begins)
        note_schema (conn, NULL);
      return TRUE;
    }
  if (begins)
    note_schema (conn, local_error);

  /* The connection broke since the last transaction (libpq may still
   * call it OK after the backend's FATAL): nothing of this transaction
   * was on it, so it goes on a new one. */
  if (begins && (PQstatus (conn->pg) == CONNECTION_BAD
                 || g_error_matches (local_error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OPEN)))
    {
      g_clear_error (&local_error);
      conn->in_transaction = FALSE;
      if (revive (conn, &local_error) && exec_simple (conn, sql->str, doing, &local_error))
        {
          note_schema (conn, NULL);
          conn->in_transaction = TRUE;
          return TRUE;
        }
      note_schema (conn, local_error);
      conn->in_transaction = TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* What the check at a transaction's BEGIN says of the database's schema
 * (@error its failure, or NULL), for the health check. */
static void
note_schema (Conn         *conn,
             const GError *error)
{
  gboolean newer = g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_OUTDATED);

  if (newer || error == NULL)
    set_outdated (conn->owner, newer, newer ? error->message : NULL, NULL);
}

/* Sends BEGIN (and any release) before a statement of the transaction. */
static gboolean
ensure_begun (Conn    *conn,
              GError **error)
{
  return !conn->begin_unsent
         || send_transaction_control (conn, NULL, _("start a transaction"), error);
}

static gboolean
pg_savepoint (HallServerStorage  *storage,
              GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);

  if (conn == NULL
      || !send_transaction_control (conn, "SAVEPOINT job", _("start a savepoint"), error))
    return FALSE;
  g_array_append_val (conn->answer_marks, conn->pending_answers->len);
  return TRUE;
}

static gboolean
pg_release (HallServerStorage  *storage,
            GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);

  if (conn == NULL)
    return FALSE;
  conn->pending_releases++;
  /* Its answers now belong to the savepoint around it, or to the
   * transaction. */
  if (conn->answer_marks->len > 0)
    g_array_set_size (conn->answer_marks, conn->answer_marks->len - 1);
  return TRUE;
}

static gboolean
pg_rollback_to (HallServerStorage  *storage,
                GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);

  if (conn == NULL)
    return FALSE;
  if (conn->answer_marks->len > 0)
    {
      guint mark = g_array_index (conn->answer_marks, guint, conn->answer_marks->len - 1);

      g_ptr_array_set_size (conn->pending_answers, mark);
      g_array_set_size (conn->answer_marks, conn->answer_marks->len - 1);
    }
  /* What was written since the savepoint goes: the rest of the
   * transaction reads from the database again. */
  forget_deferred (conn);
  hall_write_cache_clear (conn->cache);
  return send_transaction_control (conn, "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job",
                                   _("roll back a savepoint"), error);
}

/* (transfer container) (nullable): those of @values not known yet
 * (@known tells), or NULL when all are. */
static GPtrArray *
unknown_values (HallWriteCache  *cache,
                GPtrArray       *values,
                gboolean       (*known) (HallWriteCache *cache, const char *value))
{
  GPtrArray *unknown = NULL;

  for (guint i = 0; values != NULL && i < values->len; i++)
    if (!known (cache, g_ptr_array_index (values, i)))
      {
        if (unknown == NULL)
          unknown = g_ptr_array_new ();
        g_ptr_array_add (unknown, g_ptr_array_index (values, i));
      }
  return unknown;
}

static gboolean
key_known (HallWriteCache *cache,
           const char     *key)
{
  const HallIdempotentAnswer *answer;

  return hall_write_cache_get_answer (cache, key, &answer);
}

static gboolean
applicant_known (HallWriteCache *cache,
                 const char     *uuid)
{
  const char *data;

  return hall_write_cache_get_entity (cache, HALL_ENTITY_APPLICANT, uuid, &data, NULL);
}

static gboolean
case_known (HallWriteCache *cache,
            const char     *uuid)
{
  const char *data;

  return hall_write_cache_get_entity (cache, HALL_ENTITY_CASE, uuid, &data, NULL);
}

static gboolean
event_known (HallWriteCache *cache,
             const char     *uuid)
{
  const char *data;

  return hall_write_cache_get_entity (cache, HALL_ENTITY_EVENT, uuid, &data, NULL);
}

static gboolean
number_known (HallWriteCache *cache,
              const char     *number)
{
  const char *uuid;

  return hall_write_cache_get_number (cache, number, &uuid);
}

/* What the read-ahead of @keys found (@result), and that the others are
 * not there. */
static void
note_answers (HallWriteCache *cache,
              GPtrArray      *keys,
              PGresult       *result)
{
  for (guint i = 0; i < keys->len; i++)
    hall_write_cache_set_answer (cache, g_ptr_array_index (keys, i), NULL);
  for (int row = 0; row < PQntuples (result); row++)
    {
      HallIdempotentAnswer answer = {
        .request_hash = PQgetvalue (result, row, 1),
        .status = (guint) g_ascii_strtoull (PQgetvalue (result, row, 2), NULL, 10),
        .etag = PQgetisnull (result, row, 3) ? 0
                : g_ascii_strtoll (PQgetvalue (result, row, 3), NULL, 10),
        .body = PQgetvalue (result, row, 4),
      };

      hall_write_cache_set_answer (cache, PQgetvalue (result, row, 0), &answer);
    }
}

static void
note_applicants (HallWriteCache *cache,
                 GPtrArray      *uuids,
                 PGresult       *result)
{
  for (guint i = 0; i < uuids->len; i++)
    hall_write_cache_set_entity (cache, HALL_ENTITY_APPLICANT, g_ptr_array_index (uuids, i),
                                 NULL, 0);
  for (int row = 0; row < PQntuples (result); row++)
    hall_write_cache_set_entity (cache, HALL_ENTITY_APPLICANT, PQgetvalue (result, row, 0),
                                 PQgetvalue (result, row, 1),
                                 g_ascii_strtoll (PQgetvalue (result, row, 2), NULL, 10));
}

static void
note_cases (HallWriteCache *cache,
            GPtrArray      *uuids,
            PGresult       *result)
{
  for (guint i = 0; i < uuids->len; i++)
    hall_write_cache_set_entity (cache, HALL_ENTITY_CASE, g_ptr_array_index (uuids, i), NULL, 0);
  for (int row = 0; row < PQntuples (result); row++)
    {
      const char *uuid = PQgetvalue (result, row, 0);

      hall_write_cache_set_entity (cache, HALL_ENTITY_CASE, uuid, PQgetvalue (result, row, 1),
                                   g_ascii_strtoll (PQgetvalue (result, row, 2), NULL, 10));
      hall_write_cache_set_audit_head (cache, uuid, PQgetvalue (result, row, 3));
      if (!PQgetisnull (result, row, 4))
        hall_write_cache_note_number (cache, PQgetvalue (result, row, 4), uuid);
    }
}

static void
note_numbers (HallWriteCache *cache,
              GPtrArray      *numbers,
              PGresult       *result)
{
  for (guint i = 0; i < numbers->len; i++)
    hall_write_cache_note_number (cache, g_ptr_array_index (numbers, i), NULL);
  for (int row = 0; row < PQntuples (result); row++)
    hall_write_cache_note_number (cache, PQgetvalue (result, row, 0), PQgetvalue (result, row, 1));
}

/* Events found are read again when asked for (a replay, rare); those not
 * found are known to be missing. */
static void
note_missing_events (HallWriteCache *cache,
                     GPtrArray      *uuids,
                     PGresult       *result)
{
  g_autoptr(GHashTable) found = g_hash_table_new (g_str_hash, g_str_equal);

  for (int row = 0; row < PQntuples (result); row++)
    g_hash_table_add (found, PQgetvalue (result, row, 0));
  for (guint i = 0; i < uuids->len; i++)
    if (!g_hash_table_contains (found, g_ptr_array_index (uuids, i)))
      hall_write_cache_set_entity (cache, HALL_ENTITY_EVENT, g_ptr_array_index (uuids, i),
                                   NULL, 0);
}

/* A batch of 500 operations read one record at a time took some 1,500
 * round trips before its first write; read ahead, one: a statement for
 * each kind of record, sent together. What is not found is known not to
 * exist, until this transaction writes it. */
static gboolean
pg_read_ahead (HallServerStorage    *storage,
               const HallReadAhead  *what,
               GError              **error)
{
  static const StmtId ids[] = {
    STMT_READ_AHEAD_KEYS, STMT_READ_AHEAD_APPLICANTS, STMT_READ_AHEAD_CASES,
    STMT_READ_AHEAD_NUMBERS, STMT_READ_AHEAD_EVENTS,
  };
  static void (* const note[]) (HallWriteCache *, GPtrArray *, PGresult *) = {
    note_answers, note_applicants, note_cases, note_numbers, note_missing_events,
  };
  static gboolean (* const known[]) (HallWriteCache *, const char *) = {
    key_known, applicant_known, case_known, number_known, event_known,
  };
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);
  GPtrArray *values[] = { what->keys, what->applicants, what->cases, what->numbers,
                          what->events };
  GPtrArray *unknown[G_N_ELEMENTS (ids)];
  GBytes *arrays[G_N_ELEMENTS (ids)];
  PGresult *results[G_N_ELEMENTS (ids)];
  gboolean ok;

  if (conn == NULL)
    return FALSE;
  g_return_val_if_fail (conn->in_transaction, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      unknown[i] = unknown_values (conn->cache, values[i], known[i]);
      arrays[i] = unknown[i] != NULL ? binary_text_array (unknown[i]) : NULL;
    }
  ok = run_stmts_together (conn, G_N_ELEMENTS (ids), ids, arrays,
                           results, _("read ahead a batch's records"), error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      if (ok && results[i] != NULL)
        note[i] (conn->cache, unknown[i], results[i]);
      g_clear_pointer (&results[i], PQclear);
      g_clear_pointer (&unknown[i], g_ptr_array_unref);
      g_clear_pointer (&arrays[i], g_bytes_unref);
    }
  return ok;
}

static gboolean
in_transaction (HallServerPostgres *self)
{
  Conn *conn = get_conn (self, NULL);

  return conn != NULL && conn->in_transaction;
}

static char *
pg_get_entity (HallServerStorage  *storage,
               HallEntityKind      kind,
               const char         *uuid,
               gint64             *version_out,
               GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  gboolean locked = in_transaction (self);
  StmtId id = kind == HALL_ENTITY_APPLICANT ? (locked ? STMT_GET_APPLICANT_LOCKED
                                                      : STMT_GET_APPLICANT)
              : kind == HALL_ENTITY_CASE ? (locked ? STMT_GET_CASE_LOCKED : STMT_GET_CASE)
              : kind == HALL_ENTITY_PAGE ? (locked ? STMT_GET_PAGE_LOCKED : STMT_GET_PAGE)
              : STMT_GET_EVENT_ENTITY;
  gboolean cached = locked && (kind == HALL_ENTITY_APPLICANT || kind == HALL_ENTITY_CASE);
  Conn *conn = cached ? get_conn (self, NULL) : NULL;
  const char *known;
  PGresult *result;
  char *data;

  if (conn != NULL && hall_write_cache_get_entity (conn->cache, kind, uuid, &known, version_out))
    {
      if (known == NULL)
        set_not_found (error, hall_entity_kind_to_string (kind));
      return g_strdup (known);
    }
  result = row_of_key (self, id, uuid, hall_entity_kind_to_string (kind), _("read an entity"),
                       error);
  if (result == NULL)
    return NULL;
  if (version_out != NULL)
    *version_out = value_int (result, 1);
  data = value_dup (result, 0);
  /* Locked now: no other writer changes it before this one commits. */
  if (conn != NULL)
    hall_write_cache_set_entity (conn->cache, kind, uuid, data, value_int (result, 1));
  PQclear (result);
  return data;
}

static char *
pg_find_case_by_number (HallServerStorage  *storage,
                        const char         *number,
                        GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  Conn *conn = in_transaction (self) ? get_conn (self, NULL) : NULL;
  const char *known;
  PGresult *result;
  char *uuid;

  if (conn != NULL && hall_write_cache_get_number (conn->cache, number, &known))
    {
      if (known == NULL)
        set_not_found (error, "case");
      return g_strdup (known);
    }
  result = row_of_key (self, STMT_FIND_CASE_BY_NUMBER, number, "case",
                       _("look up a case number"), error);
  if (result == NULL)
    return NULL;
  uuid = value_dup (result, 0);
  PQclear (result);
  return uuid;
}

/* (transfer full) (nullable): the identity document of the applicant's
 * JSON @data, as hall-server-sqlite.c's IDENTITY_OF makes it:
 * "person:<id_type>:<id_number>" or "business::<credit_code>". */
static char *
identity_of (const char *data)
{
  g_autoptr(JsonNode) node = json_from_string (data, NULL);
  JsonObject *object;
  const char *kind;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  kind = json_object_get_string_member_with_default (object, "kind", NULL);
  if (g_strcmp0 (kind, "person") == 0)
    {
      const char *type = json_object_get_string_member_with_default (object, "id_type", NULL);
      const char *number = json_object_get_string_member_with_default (object, "id_number", NULL);

      return type != NULL && number != NULL ? g_strdup_printf ("person:%s:%s", type, number)
                                            : NULL;
    }
  if (g_strcmp0 (kind, "business") == 0)
    {
      const char *code = json_object_get_string_member_with_default (object, "credit_code", NULL);

      return code != NULL ? g_strdup_printf ("business::%s", code) : NULL;
    }
  return NULL;
}

static char *
pg_find_applicant_by_identity (HallServerStorage  *storage,
                               const char         *data,
                               GError            **error)
{
  g_autofree char *identity = identity_of (data);
  PGresult *result;
  char *uuid;

  if (identity == NULL)
    {
      set_not_found (error, "applicant");
      return NULL;
    }
  result = row_of_key (HALL_SERVER_POSTGRES (storage), STMT_FIND_APPLICANT_BY_IDENTITY, identity,
                       "applicant", _("look up an identity document"), error);
  if (result == NULL)
    return NULL;
  uuid = value_dup (result, 0);
  PQclear (result);
  return uuid;
}

static char *
pg_get_event (HallServerStorage  *storage,
              const char         *uuid,
              char              **case_uuid_out,
              gint64             *case_version_out,
              GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);
  PGresult *result;
  const char *known;
  char *data;

  if (conn == NULL)
    return NULL;
  /* Read ahead as missing by the batch being written (the cache keeps no
   * events that are in). Only then: another server may write the event
   * before a later write of the same transaction asks. */
  if (conn->deferring
      && hall_write_cache_get_entity (conn->cache, HALL_ENTITY_EVENT, uuid, &known, NULL))
    {
      set_not_found (error, "event");
      return NULL;
    }
  result = row_of_key (HALL_SERVER_POSTGRES (storage), STMT_GET_EVENT, uuid, "event",
                       _("read an event"), error);
  if (result == NULL)
    return NULL;
  if (case_uuid_out != NULL)
    *case_uuid_out = value_dup (result, 1);
  if (case_version_out != NULL)
    *case_version_out = value_int (result, 2);
  data = value_dup (result, 0);
  PQclear (result);
  return data;
}

static GPtrArray *
pg_list_changes (HallServerStorage  *storage,
                 gint64              since,
                 guint               limit,
                 GError            **error)
{
  char since_text[24], limit_text[16];
  const char *params[] = { since_text, limit_text };
  PGresult *result;
  GPtrArray *changes;

  g_snprintf (since_text, sizeof since_text, "%" G_GINT64_FORMAT, since);
  g_snprintf (limit_text, sizeof limit_text, "%u", limit);
  result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_LIST_CHANGES, 2, params,
                     _("read the change feed"), error);
  if (result == NULL)
    return NULL;
  changes = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_change_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      HallChange *change = g_new0 (HallChange, 1);
      const char *entity = PQgetvalue (result, i, 1);

      change->seq = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10);
      change->kind = g_str_equal (entity, "applicant") ? HALL_ENTITY_APPLICANT
                     : g_str_equal (entity, "case") ? HALL_ENTITY_CASE
                     : g_str_equal (entity, "license") ? HALL_ENTITY_LICENSE
                     : g_str_equal (entity, "page") ? HALL_ENTITY_PAGE : HALL_ENTITY_EVENT;
      change->uuid = g_strdup (PQgetvalue (result, i, 2));
      change->version = g_ascii_strtoll (PQgetvalue (result, i, 3), NULL, 10);
      change->data = g_strdup (PQgetvalue (result, i, 4));
      g_ptr_array_add (changes, change);
    }
  PQclear (result);
  return changes;
}

static HallIdempotentAnswer *
pg_get_idempotent_answer (HallServerStorage  *storage,
                          const char         *key,
                          GError            **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);
  PGresult *result;
  HallIdempotentAnswer *answer;

  if (conn == NULL)
    return NULL;
  /* An answer of this very transaction, not written yet. */
  for (guint i = conn->pending_answers->len; i > 0; i--)
    {
      PendingAnswer *pending = g_ptr_array_index (conn->pending_answers, i - 1);

      if (g_str_equal (pending->key, key))
        {
          return hall_idempotent_answer_copy (&pending->answer);
        }
    }
  if (conn->in_transaction)
    {
      const HallIdempotentAnswer *known;

      if (hall_write_cache_get_answer (conn->cache, key, &known))
        {
          if (known == NULL)
            {
              set_not_found (error, "idempotency key");
              return NULL;
            }
          return hall_idempotent_answer_copy (known);
        }
    }
  result = row_of_key (HALL_SERVER_POSTGRES (storage), STMT_GET_IDEMPOTENT, key,
                       "idempotency key", _("read an idempotency key"), error);
  if (result == NULL)
    return NULL;
  answer = g_new0 (HallIdempotentAnswer, 1);
  answer->request_hash = value_dup (result, 0);
  answer->status = (guint) value_int (result, 1);
  answer->etag = value_int (result, 2);
  answer->body = value_dup (result, 3);
  PQclear (result);
  return answer;
}

static char *
pg_get_official (HallServerStorage  *storage,
                 const char         *username,
                 HallRoles          *roles_out,
                 gint64             *signed_out_at_out,
                 GError            **error)
{
  PGresult *result = row_of_key (HALL_SERVER_POSTGRES (storage), STMT_GET_OFFICIAL, username,
                                 "official", _("read an official"), error);
  char *hash;

  if (result == NULL)
    return NULL;
  if (roles_out != NULL)
    *roles_out = hall_roles_from_string (PQgetvalue (result, 0, 1));
  if (signed_out_at_out != NULL)
    *signed_out_at_out = value_int (result, 2);
  hash = value_dup (result, 0);
  PQclear (result);
  return hash;
}

static gboolean
put_change (HallServerPostgres  *self,
            HallEntityKind       kind,
            const char          *uuid,
            gint64               version,
            const char          *data,
            GError             **error)
{
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  const char *params[] = { hall_entity_kind_to_string (kind), uuid, version_text, data };

  return run_command (self, STMT_PUT_CHANGE, 4, params, _("append to the change feed"), error);
}

/* The failed write's constraint, when it is a unique one. */
static gboolean
is_unique_violation (const GError *error)
{
  return g_error_matches (error, HALL_DATABASE_ERROR, HALL_DATABASE_ERROR_CONSTRAINT);
}

/* Whether @uuid exists now (committed by another server's writer). */
static gboolean
created_meanwhile (HallServerPostgres *self,
                   HallEntityKind      kind,
                   const char         *uuid)
{
  const char *params[] = { uuid };
  PGresult *result = run_stmt (self, kind == HALL_ENTITY_CASE ? STMT_GET_CASE
                               : kind == HALL_ENTITY_PAGE ? STMT_GET_PAGE : STMT_GET_APPLICANT,
                               1, params, _("read an entity"), NULL);
  gboolean exists = result != NULL && PQntuples (result) > 0;

  PQclear (result);
  return exists;
}

static gboolean
pg_put_entity (HallServerStorage  *storage,
               HallEntityKind      kind,
               const char         *uuid,
               gint64              version,
               const char         *case_number,
               const char         *data,
               GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  Conn *conn = get_conn (self, error);
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  g_autofree char *identity = NULL;
  const char *params[6] = { hall_entity_kind_to_string (kind), uuid, version_text, data, NULL,
                            version == 1 ? "true" : "false" };
  g_autofree char *outcome = NULL;
  PGresult *result;

  g_return_val_if_fail (kind != HALL_ENTITY_EVENT, FALSE);

  if (conn == NULL)
    return FALSE;
  if (kind == HALL_ENTITY_CASE)
    params[4] = case_number != NULL && *case_number != '\0' ? case_number : NULL;
  else if (kind == HALL_ENTITY_APPLICANT)
    params[4] = identity = identity_of (data);
  /* A refused write leaves the transaction usable ("the write leaves
   * nothing behind"): hall_put_entity (schema 10) writes in a block of
   * its own, and says what refused it. Deferred, it is taken as written
   * until the flush reads what it said. */
  if (conn->deferring)
    {
      if (!send_deferred (conn, STMT_PUT_ENTITY, 6, params, _("write an entity"), error))
        return FALSE;
      outcome = g_strdup ("ok");
    }
  else
    {
      result = run_stmt (self, STMT_PUT_ENTITY, 6, params, _("write an entity"), error);
      if (result == NULL)
        return FALSE;
      outcome = value_dup (result, 0);
      PQclear (result);
    }
  if (g_str_equal (outcome, "ok"))
    {
      if (kind == HALL_ENTITY_CASE)
        {
          conn->unfed++;
          hall_write_cache_set_case_number (conn->cache, uuid, params[4]);
        }
      if (kind != HALL_ENTITY_PAGE)
        hall_write_cache_set_entity (conn->cache, kind, uuid, data, version);
      return TRUE;
    }
  /* Refused: someone else's write came first, which the next read must
   * see. */
  hall_write_cache_forget_entity (conn->cache, kind, uuid);
  if (kind == HALL_ENTITY_CASE && params[4] != NULL)
    hall_write_cache_forget_number (conn->cache, params[4]);
  if (g_str_equal (outcome, "exists")
      /* The other creation's identity or number clashed before its uuid
       * did: the same race, the same answer. */
      || (version == 1 && created_meanwhile (self, kind, uuid)))
    g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_EXISTS,
                 _("%s was created meanwhile through another server"), uuid);
  else if (kind == HALL_ENTITY_CASE)
    g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                 _("Another case already has the number %s"), case_number);
  else
    {
      g_autofree char *holder = pg_find_applicant_by_identity (storage, data, NULL);

      g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_DUPLICATE,
                   _("Applicant %s already has this identity document"),
                   holder != NULL ? holder : "?");
    }
  return FALSE;
}

static gboolean
pg_put_event (HallServerStorage  *storage,
              const char         *uuid,
              const char         *case_uuid,
              gint64              case_version,
              const char         *data,
              GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, case_version);
  g_autofree char *prev = NULL;
  g_autofree char *entry = NULL;
  const char *head_params[] = { case_uuid };
  Conn *conn = get_conn (self, error);
  PGresult *result;

  if (conn == NULL)
    return FALSE;
  conn->unfed++;

  /* The audit chain (hall-audit.h), as the SQLite storage's trigger keeps
   * it: the case's row is locked, so events of one case chain in order. */
  {
    const char *known;

    if (hall_write_cache_get_audit_head (conn->cache, case_uuid, &known))
      prev = g_strdup (known);
  }
  if (prev == NULL)
    {
      result = run_stmt (self, STMT_CASE_AUDIT_HEAD, 1, head_params, _("write an event"),
                         error);
      if (result == NULL)
        return FALSE;
      prev = PQntuples (result) > 0 ? value_dup (result, 0) : g_strdup ("");
      PQclear (result);
    }
  entry = hall_audit_entry_hash (prev, uuid, NULL, NULL, NULL, NULL, 0, data);
  {
    const char *params[] = { uuid, case_uuid, version_text, data, prev, entry };

    if (conn->deferring
        ? !send_deferred (conn, STMT_PUT_EVENT, 6, params, _("write an event"), error)
        : !run_command (self, STMT_PUT_EVENT, 6, params, _("write an event"), error))
      return FALSE;
    hall_write_cache_forget_entity (conn->cache, HALL_ENTITY_EVENT, uuid);
    hall_write_cache_set_audit_head (conn->cache, case_uuid, entry);
    return TRUE;
  }
}

static gboolean
pg_put_idempotent_answer (HallServerStorage          *storage,
                          const char                 *key,
                          const HallIdempotentAnswer *answer,
                          GError                    **error)
{
  Conn *conn = get_conn (HALL_SERVER_POSTGRES (storage), error);
  PendingAnswer *pending;

  if (conn == NULL)
    return FALSE;
  if (!conn->in_transaction)
    {
      g_autofree char *status = g_strdup_printf ("%u", answer->status);
      g_autofree char *etag = g_strdup_printf ("%" G_GINT64_FORMAT, answer->etag);
      const char *params[] = { key, answer->request_hash, status, etag, answer->body };

      return run_command (HALL_SERVER_POSTGRES (storage), STMT_PUT_IDEMPOTENT, 5, params,
                          _("record an idempotency key"), error);
    }
  /* Written with the commit (write_pending_answers). */
  pending = g_new0 (PendingAnswer, 1);
  pending->key = g_strdup (key);
  pending->answer.request_hash = g_strdup (answer->request_hash);
  pending->answer.status = answer->status;
  pending->answer.etag = answer->etag;
  pending->answer.body = g_strdup (answer->body);
  g_ptr_array_add (conn->pending_answers, pending);
  return TRUE;
}

static gboolean
pg_put_official (HallServerStorage  *storage,
                 const char         *username,
                 const char         *password_hash,
                 HallRoles           roles,
                 GError            **error)
{
  g_autofree char *roles_text = hall_roles_to_string (roles);
  const char *params[] = { username, password_hash, roles_text };

  return run_command (HALL_SERVER_POSTGRES (storage), STMT_PUT_OFFICIAL, 3, params,
                      _("write an official"), error);
}

static gboolean
pg_sign_out_official (HallServerStorage  *storage,
                      const char         *username,
                      gint64              at,
                      GError            **error)
{
  g_autofree char *at_text = g_strdup_printf ("%" G_GINT64_FORMAT, at);
  const char *params[] = { username, at_text };
  PGresult *result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_SIGN_OUT_OFFICIAL, 2, params,
                               _("sign an official out"), error);
  gboolean found;

  if (result == NULL)
    return FALSE;
  found = g_strcmp0 (PQcmdTuples (result), "0") != 0;
  PQclear (result);
  if (!found)
    return set_not_found (error, "official");
  return TRUE;
}

/* The case's events in the order they were stored (the workflow replays
 * its decisions). */
static GPtrArray *
pg_list_case_events (HallServerStorage  *storage,
                     const char         *case_uuid,
                     GError            **error)
{
  const char *params[] = { case_uuid };
  g_autoptr(GPtrArray) events = NULL;
  PGresult *result;

  result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_LIST_CASE_EVENTS, 1, params,
                     _("read the case’s events"), error);
  if (result == NULL)
    return NULL;
  events = g_ptr_array_new_with_free_func (g_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (events, g_strdup (PQgetvalue (result, row, 0)));
  PQclear (result);
  return g_steal_pointer (&events);
}

static gboolean
pg_put_sign_in_failure (HallServerStorage        *storage,
                        const HallSignInFailure  *failure,
                        GError                  **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  g_autofree char *at = g_strdup_printf ("%" G_GINT64_FORMAT, failure->at);
  const char *params[] = { at, failure->username, failure->address, failure->reason };

  /* A flood of guesses must not fill the disk. */
  return run_command (self, STMT_PUT_SIGN_IN_FAILURE, 4, params,
                      _("record a refused sign-in"), error)
         && run_command (self, STMT_PRUNE_SIGN_IN_FAILURES, 0, NULL,
                         _("record a refused sign-in"), error);
}

static GPtrArray *
pg_list_sign_in_failures (HallServerStorage  *storage,
                          gint64              since,
                          guint               limit,
                          GError            **error)
{
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *params[] = { since_text, limit_text };
  g_autoptr(GPtrArray) failures = NULL;
  PGresult *result;

  result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_LIST_SIGN_IN_FAILURES, 2, params,
                     _("read the refused sign-ins"), error);
  if (result == NULL)
    return NULL;
  failures = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_sign_in_failure_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      HallSignInFailure *failure = g_new0 (HallSignInFailure, 1);

      failure->at = g_ascii_strtoll (PQgetvalue (result, row, 0), NULL, 10);
      failure->username = g_strdup (PQgetvalue (result, row, 1));
      failure->address = g_strdup (PQgetvalue (result, row, 2));
      failure->reason = g_strdup (PQgetvalue (result, row, 3));
      g_ptr_array_add (failures, failure);
    }
  PQclear (result);
  return g_steal_pointer (&failures);
}

static char *
pg_get_calendar (HallServerStorage  *storage,
                 gint64             *version_out,
                 GError            **error)
{
  PGresult *result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_GET_CALENDAR, 0, NULL,
                               _("read the calendar"), error);
  char *data;

  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      PQclear (result);
      set_not_found (error, "calendar");
      return NULL;
    }
  if (version_out != NULL)
    *version_out = value_int (result, 1);
  data = value_dup (result, 0);
  PQclear (result);
  return data;
}

static GPtrArray *
pg_list_calendars (HallServerStorage  *storage,
                   GError            **error)
{
  PGresult *result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_LIST_CALENDARS, 0, NULL,
                               _("read the calendars"), error);
  GPtrArray *calendars;

  if (result == NULL)
    return NULL;
  calendars = g_ptr_array_new_with_free_func (g_free);
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (calendars, g_strdup (PQgetvalue (result, row, 0)));
  PQclear (result);
  return calendars;
}

static gboolean
pg_put_calendar (HallServerStorage  *storage,
                 gint64              version,
                 const char         *data,
                 const char         *set_by,
                 GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  Conn *conn = get_conn (self, error);
  g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
  g_autoptr(GError) local_error = NULL;
  const char *params[] = { version_text, data, set_by };

  if (conn == NULL)
    return FALSE;
  /* Another server's writer may have stored this version since this one
   * read the one before: a refusal, and the transaction stays usable. */
  if (!ensure_begun (conn, error)
      || !exec_simple (conn, "SAVEPOINT put", _("write the calendar"), error))
    return FALSE;
  if (!run_command (self, STMT_PUT_CALENDAR, 3, params, _("write the calendar"), &local_error))
    {
      exec_simple (conn, "ROLLBACK TO SAVEPOINT put; RELEASE SAVEPOINT put", _("roll back"),
                   NULL);
      if (is_unique_violation (local_error))
        g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                     _("The calendar’s version %" PRId64 " was stored meanwhile "
                       "through another server"), (int64_t) version);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return exec_simple (conn, "RELEASE SAVEPOINT put", _("write the calendar"), error);
}

static char *
pg_get_license (HallServerStorage  *storage,
                const char         *number,
                GError            **error)
{
  PGresult *result = row_of_key (HALL_SERVER_POSTGRES (storage), STMT_GET_LICENSE, number,
                                 "license", _("read a license"), error);
  char *data;

  if (result == NULL)
    return NULL;
  data = value_dup (result, 0);
  PQclear (result);
  return data;
}

static gboolean
pg_put_license (HallServerStorage  *storage,
                const char         *number,
                const char         *case_uuid,
                const char         *data,
                GError            **error)
{
  HallServerPostgres *self = HALL_SERVER_POSTGRES (storage);
  Conn *conn = get_conn (self, error);
  g_autoptr(GError) local_error = NULL;
  const char *params[] = { number, case_uuid, data };

  if (conn == NULL)
    return FALSE;
  /* As pg_put_entity(): a refusal leaves the transaction usable. */
  if (!ensure_begun (conn, error)
      || !exec_simple (conn, "SAVEPOINT put", _("write a license"), error))
    return FALSE;
  if (!run_command (self, STMT_PUT_LICENSE, 3, params, _("write a license"), &local_error))
    {
      exec_simple (conn, "ROLLBACK TO SAVEPOINT put; RELEASE SAVEPOINT put", _("roll back"),
                   NULL);
      if (is_unique_violation (local_error))
        g_set_error (error, HALL_SERVER_ERROR, HALL_SERVER_ERROR_CONFLICT,
                     _("The case %s has another license already"), case_uuid);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!exec_simple (conn, "RELEASE SAVEPOINT put", _("write a license"), error))
    return FALSE;
  return put_change (self, HALL_ENTITY_LICENSE, case_uuid, 1, data, error);
}

/* The figures count every change committed before they are read: what
 * the follower has not fed yet, the reader feeds (after the follower's
 * turn, if it is at work). */
static gboolean
feed_stats (HallServerPostgres  *self,
            GError             **error)
{
  PGresult *result = run_stmt (self, STMT_STATS_FEED, 0, NULL,
                               _("count the latest changes into the figures"), error);

  PQclear (result);
  return result != NULL;
}

static GPtrArray *
pg_stats_cases (HallServerStorage  *storage,
                const char         *from,
                const char         *to,
                const char         *by,
                const char         *now,
                GError            **error)
{
  const char *params[] = { from, to, by, now };
  g_autoptr(GPtrArray) rows = NULL;
  PGresult *result;

  if (!feed_stats (HALL_SERVER_POSTGRES (storage), error))
    return NULL;
  result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_STATS_CASES, 4, params,
                     _("count the cases"), error);
  if (result == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_row_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      HallStatsRow *row = g_new0 (HallStatsRow, 1);

      row->key = g_strdup (PQgetvalue (result, i, 0));
      row->opened = g_ascii_strtoll (PQgetvalue (result, i, 1), NULL, 10);
      row->finished = g_ascii_strtoll (PQgetvalue (result, i, 2), NULL, 10);
      row->on_time = g_ascii_strtoll (PQgetvalue (result, i, 3), NULL, 10);
      row->late = g_ascii_strtoll (PQgetvalue (result, i, 4), NULL, 10);
      row->overdue_now = g_ascii_strtoll (PQgetvalue (result, i, 5), NULL, 10);
      row->returned = g_ascii_strtoll (PQgetvalue (result, i, 6), NULL, 10);
      row->rejected = g_ascii_strtoll (PQgetvalue (result, i, 7), NULL, 10);
      g_ptr_array_add (rows, row);
    }
  PQclear (result);
  return g_steal_pointer (&rows);
}

static GPtrArray *
pg_stats_reasons (HallServerStorage  *storage,
                  const char         *from,
                  const char         *to,
                  GError            **error)
{
  const char *params[] = { from, to };
  g_autoptr(GPtrArray) reasons = NULL;
  PGresult *result;

  if (!feed_stats (HALL_SERVER_POSTGRES (storage), error))
    return NULL;
  result = run_stmt (HALL_SERVER_POSTGRES (storage), STMT_STATS_REASONS, 2, params,
                     _("count the reasons"), error);
  if (result == NULL)
    return NULL;
  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_reason_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      HallStatsReason *reason = g_new0 (HallStatsReason, 1);

      reason->kind = g_strdup (PQgetvalue (result, i, 0));
      reason->reason = g_strdup (PQgetvalue (result, i, 1));
      reason->cases = g_ascii_strtoll (PQgetvalue (result, i, 2), NULL, 10);
      g_ptr_array_add (reasons, reason);
    }
  PQclear (result);
  return g_steal_pointer (&reasons);
}

/* Both step queries: columns service, step or history, a number, a count. */
static GPtrArray *
pg_stats_steps_query (HallServerStorage  *storage,
                      StmtId              id,
                      const char         *from,
                      const char         *to,
                      const char         *now,
                      GError            **error)
{
  const char *params[] = { from, to, now };
  g_autoptr(GPtrArray) rows = NULL;
  PGresult *result;

  if (!feed_stats (HALL_SERVER_POSTGRES (storage), error))
    return NULL;
  result = run_stmt (HALL_SERVER_POSTGRES (storage), id, now != NULL ? 3 : 2, params,
                     _("count the steps"), error);
  if (result == NULL)
    return NULL;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_stats_steps_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      HallStatsSteps *row = g_new0 (HallStatsSteps, 1);
      gint64 a = g_ascii_strtoll (PQgetvalue (result, i, 2), NULL, 10);
      gint64 b = g_ascii_strtoll (PQgetvalue (result, i, 3), NULL, 10);

      row->service = g_strdup (PQgetvalue (result, i, 0));
      row->step = g_strdup (PQgetvalue (result, i, 1));
      if (now == NULL)
        {
          row->minutes = a;
          row->count = b;
        }
      else
        {
          row->count = a;
          row->overdue = b;
        }
      g_ptr_array_add (rows, row);
    }
  PQclear (result);
  return g_steal_pointer (&rows);
}

static GPtrArray *
pg_stats_steps (HallServerStorage  *storage,
                const char         *from,
                const char         *to,
                GError            **error)
{
  return pg_stats_steps_query (storage, STMT_STATS_STEPS, from, to, NULL, error);
}

static GPtrArray *
pg_stats_waiting (HallServerStorage  *storage,
                  const char         *from,
                  const char         *to,
                  const char         *now,
                  GError            **error)
{
  return pg_stats_steps_query (storage, STMT_STATS_WAITING, from, to, now, error);
}

static void
hall_server_postgres_storage_init (HallServerStorageInterface *iface)
{
  iface->begin = pg_begin;
  iface->commit = pg_commit;
  iface->rollback = pg_rollback;
  iface->savepoint = pg_savepoint;
  iface->release = pg_release;
  iface->rollback_to = pg_rollback_to;
  iface->read_ahead = pg_read_ahead;
  iface->is_outdated = pg_is_outdated;
  iface->defer_writes = pg_defer_writes;
  iface->flush_writes = pg_flush_writes;
  iface->get_entity = pg_get_entity;
  iface->find_case_by_number = pg_find_case_by_number;
  iface->find_applicant_by_identity = pg_find_applicant_by_identity;
  iface->get_event = pg_get_event;
  iface->list_changes = pg_list_changes;
  iface->get_idempotent_answer = pg_get_idempotent_answer;
  iface->get_official = pg_get_official;
  iface->put_entity = pg_put_entity;
  iface->put_event = pg_put_event;
  iface->put_idempotent_answer = pg_put_idempotent_answer;
  iface->put_official = pg_put_official;
  iface->sign_out_official = pg_sign_out_official;
  iface->list_case_events = pg_list_case_events;
  iface->put_sign_in_failure = pg_put_sign_in_failure;
  iface->list_sign_in_failures = pg_list_sign_in_failures;
  iface->get_calendar = pg_get_calendar;
  iface->list_calendars = pg_list_calendars;
  iface->put_calendar = pg_put_calendar;
  iface->get_license = pg_get_license;
  iface->put_license = pg_put_license;
  iface->stats_cases = pg_stats_cases;
  iface->stats_reasons = pg_stats_reasons;
  iface->stats_steps = pg_stats_steps;
  iface->stats_waiting = pg_stats_waiting;
}
