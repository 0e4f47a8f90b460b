/* hall-store-private.h — what the files of HallStore share: the struct and
 * the helpers that more than one of them calls
 *
 * Functions ending in _locked run inside a write transaction, on the
 * writer (between _hall_store_write_begin and _hall_store_write_commit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-signature.h"
#include "hall-sqlite.h"
#include "hall-sqlite-checkpointer.h"
#include "hall-store.h"
#include "hall-store-sync-private.h"

G_BEGIN_DECLS

struct _HallStore
{
  GObject         parent_instance;

  char           *path;
  char           *hall_code;
  char           *counter;
  int             schema_version;

  GMainContext   *context;
  GThread        *thread;

  /* The one writer. Held across BEGIN IMMEDIATE .. COMMIT. */
  GMutex          write_lock;
  HallSqliteConn *writer;
  HallSqliteCheckpointer *checkpointer;   /* the writer's checkpoints */

  /* Idle read connections; a reader takes one or opens another. */
  GMutex          readers_lock;
  GPtrArray      *readers;

  /* While a page of changes is applied: its writes of the full-text
   * indexes (IndexWrite), held back to the end of the transaction. Under
   * write_lock. */
  GArray         *held_index;

  /* A fresh store's first pull is under way (meta "search_fill"): the
   * search keys (case_search, the applicants' full-text indexes) of what
   * it stores are written once, when it ends (_hall_store_fill_search),
   * and the insert triggers are away until then. Read again from meta at
   * each write's start, since another process may start or end it. Under
   * write_lock. */
  gboolean        search_fill;
  gboolean        fail_fill;  /* tests: the fill fails before its commit */

  /* The signed-in official's key, opened once per session with the
   * password (hall_store_open_session_key()), and its certificate: each
   * decision made here is signed with them. Under write_lock. */
  char           *session_official;
  HallSigningKey *session_key;

  /* Another process's commits (hall-store-watch.c). */
  struct
  {
    GSource      *source;         /* the store's context's */
    gboolean      checking;       /* a look under way; main context only */
    gint64        data_version;   /* the writer's, at the last look; under write_lock */
    gint64        entry;          /* the newest entry seen, -1 before the first look;
                                   * under write_lock */
  } watch;
};

/* Columns of a case as _hall_store_read_case() expects them. */
#define CASE_COLUMNS                                                    \
  "c.id, c.uuid, c.number, c.service_id, c.service_name, a.uuid, a.name, " \
  "c.state, c.created_at, c.promised_at, c.updated_at, c.counter, "     \
  "c.official, c.version, c.sync_state, c.sync_error, c.checklist, "    \
  "c.recorded_by, c.recorded_at"
#define CASE_FROM " FROM cases c CROSS JOIN applicants a ON a.id = c.applicant_id "

/* Columns of a case entry as _hall_store_read_event() expects them, from
 * case_events e. */
#define EVENT_COLUMNS                                                   \
  "e.uuid, e.kind, e.new_state, e.note, e.official, e.at, "             \
  "e.recorded_by, e.recorded_at, e.decision, e.slot"

#define APPLICANT_COLUMNS                                               \
  "id, uuid, kind, name, id_type, id_number, phone, legal_representative, " \
  "version, created_at, updated_at, contact_person"

/* hall-store.c: readers, the writer's transactions, signals */

gint64          _hall_store_now_seconds         (void);

/* Work done on a reader, inside its read transaction: one snapshot. */
typedef gboolean (*HallStoreReadFunc) (HallSqliteConn  *reader,
                                       gpointer         data,
                                       GError         **error);
/* One row of a query, for _hall_store_step_rows(). */
typedef void     (*HallStoreRowFunc)  (HallSqliteStmt  *stmt,
                                       gpointer         data);
/* A row read into a new object (HallCase, HallApplicant, …). */
typedef gpointer (*HallStoreObjectFunc) (HallSqliteStmt *stmt);

/* Takes a reader from the pool, runs @func on it and gives the reader
 * back: the one place where reads get a connection. */
gboolean        _hall_store_read                (HallStore         *self,
                                                 HallStoreReadFunc  func,
                                                 gpointer           data,
                                                 GError           **error);
/* Steps @stmt to its end, handing each row to @row; on a failure, @error
 * says "Could not @doing: …". */
gboolean        _hall_store_step_rows           (HallSqliteStmt    *stmt,
                                                 HallStoreRowFunc   row,
                                                 gpointer           data,
                                                 const char        *doing,
                                                 GError           **error);
/* _hall_store_step_rows() of @sql on a reader, with @param bound to ?1
 * when it is not NULL. */
gboolean        _hall_store_read_rows           (HallStore         *self,
                                                 const char        *sql,
                                                 const char        *param,
                                                 HallStoreRowFunc   row,
                                                 gpointer           data,
                                                 const char        *doing,
                                                 GError           **error);
/* (transfer full) (element-type GObject): an object of each row of
 * _hall_store_read_rows(). */
GPtrArray      *_hall_store_read_objects        (HallStore           *self,
                                                 const char          *sql,
                                                 const char          *param,
                                                 HallStoreObjectFunc  read_row,
                                                 const char          *doing,
                                                 GError             **error);
/* (transfer full) (nullable): the object of the first row; NULL without an
 * error when there is none. */
gpointer        _hall_store_read_object         (HallStore           *self,
                                                 const char          *sql,
                                                 const char          *param,
                                                 HallStoreObjectFunc  read_row,
                                                 const char          *doing,
                                                 GError             **error);
/* A HallStoreRowFunc: the first column into the gint64 @data points to. */
void            _hall_store_take_int64          (HallSqliteStmt    *stmt,
                                                 gpointer           data);
/* The first column of the one row of @sql; 0, logged, on a failure. */
gint64          _hall_store_count_query         (HallStore      *self,
                                                 const char     *sql,
                                                 const char     *doing);

gboolean        _hall_store_write_begin         (HallStore      *self,
                                                 GError        **error);
void            _hall_store_write_rollback      (HallStore      *self);
gboolean        _hall_store_write_commit        (HallStore      *self,
                                                 GError        **error);
/* Ends a write transaction: rolls it back when @ok is FALSE (@error set
 * by the caller), else commits it and, when @changed_cases is not NULL,
 * tells of those cases and of the outbox. */
gboolean        _hall_store_write_end           (HallStore      *self,
                                                 gboolean        ok,
                                                 GPtrArray      *changed_cases,
                                                 GError        **error);

/* hall-store-watch.c: stops looking for other processes' commits. */
void            _hall_store_unwatch_other_processes (HallStore  *self);

/* Signals, emitted in the main context the store was opened in. */
void            _hall_store_emit_changed        (HallStore      *self);
void            _hall_store_emit_case_changed   (HallStore      *self,
                                                 const char     *uuid);
void            _hall_store_emit_outbox_changed (HallStore      *self);
void            _hall_store_emit_cases_changed  (HallStore      *self,
                                                 GPtrArray      *cases);
void            _hall_store_emit_cases_changed_once (HallStore  *self,
                                                     GPtrArray  *cases);

gboolean        _hall_store_set_meta_locked     (HallStore      *self,
                                                 const char     *key,
                                                 const char     *value,
                                                 GError        **error);

/* hall-store-rows.c: rows read into objects */

/* (transfer full): the applicant of the row @stmt is on (APPLICANT_COLUMNS). */
HallApplicant  *_hall_store_read_applicant      (sqlite3_stmt   *stmt);
/* (transfer full): the case of the row @stmt is on (CASE_COLUMNS). */
HallCase       *_hall_store_read_case           (sqlite3_stmt   *stmt);
/* (transfer full): the event of the row @stmt is on, an event of @case_uuid. */
HallCaseEvent  *_hall_store_read_event          (sqlite3_stmt   *stmt,
                                                 const char     *case_uuid);
/* (transfer full) (element-type HallCase): in the order of @ids; an id with
 * no case is left out. */
GPtrArray      *_hall_store_read_cases_by_id    (HallSqliteConn *conn,
                                                 const gint64   *ids,
                                                 guint           n_ids,
                                                 GError        **error);
/* (transfer full): @node as compact JSON text; takes @node (transfer full). */
char           *_hall_store_json_to_string_free (JsonNode       *node);

/* hall-store-applicants.c */

gboolean        _hall_store_save_applicant_locked (HallStore     *self,
                                                   HallApplicant *applicant,
                                                   gboolean       from_server,
                                                   gint64        *id_out,
                                                   gboolean      *changed_out,
                                                   GError       **error);
/* A duplicate merged into another applicant: removed, with its index
 * entries, when the server never had it; else kept as the server has it
 * (the feed may still name it) with no identity document. Its cases must
 * have moved first. */
gboolean        _hall_store_retire_applicant_locked (HallStore  *self,
                                                     const char *uuid,
                                                     GError    **error);
void            _hall_store_hold_index_locked   (HallStore      *self);
/* A first pull's end; at open, a first pull killed half-way ends (its
 * transaction reads whether one was under way). */
gboolean        _hall_store_fill_search         (HallStore      *self,
                                                 GError        **error);
gboolean        _hall_store_write_case_keys_locked (HallStore  *self,
                                                    gint64      case_id,
                                                    GError    **error);
/* A first pull's start: its insert triggers go until its end, or until
 * a migration, which may name them. */
gboolean        _hall_store_drop_insert_triggers_locked (HallStore *self,
                                                         GError   **error);
gboolean        _hall_store_restore_insert_triggers_locked (HallStore *self,
                                                            GError   **error);
gboolean        _hall_store_release_index_locked (HallStore     *self,
                                                  gboolean       write,
                                                  GError       **error);

/* hall-store-cases.c */

gint64          _hall_store_number_seq          (const char     *number);
/* *@case_id (nullable): the new row's id. */
gboolean        _hall_store_insert_case_locked  (HallStore      *self,
                                                 HallCase       *kase,
                                                 gint64          applicant_id,
                                                 gboolean        from_server,
                                                 gint64         *case_id,
                                                 GError        **error);
gboolean        _hall_store_lookup_case_id_locked (HallStore    *self,
                                                   const char   *uuid,
                                                   gint64       *id_out,
                                                   GError      **error);
/* @from_server: the entry came from the server, and with it the server's
 * record of it; an entry made here has none until the server says. */
gboolean        _hall_store_insert_event_locked (HallStore      *self,
                                                 gint64          case_id,
                                                 HallCaseEvent  *event,
                                                 gboolean        from_server,
                                                 GError        **error);
gboolean        _hall_store_enqueue_event_locked (HallStore     *self,
                                                  HallCaseEvent *event,
                                                  GError       **error);
/* This counter's copy of @case_uuid is kept over the server's
 * (@server_json): the documents the server has provided are provided in
 * it too, as the server keeps them. *@checklist_out: its checklist now. */
gboolean        _hall_store_take_provided_locked (HallStore  *self,
                                                  const char *case_uuid,
                                                  const char *server_json,
                                                  char      **checklist_out,
                                                  GError    **error);
/* The server's copy of @case_uuid was taken over this counter's: its
 * entries still waiting to be sent that change the case (documents
 * provided, moves of state) change it again, as they will on the server,
 * which counts a version for each. */
gboolean        _hall_store_reapply_waiting_entries_locked (HallStore  *self,
                                                            const char *case_uuid,
                                                            GError    **error);
/* A document entry with a slot (hall_case_event_set_slot()) provides
 * that document of the checklist; its slot is cleared when the checklist
 * had it already. */
gboolean        _hall_store_add_case_event_locked (HallStore     *self,
                                                   HallCaseEvent *event,
                                                   GError       **error);

/* hall-store-signing.c */

/* Issues the license of @case_uuid (hall_store_issue_license()) in the
 * caller's transaction, with its outbox row (PUT /v1/licenses/{number});
 * *@text_out: its payload text, or the one issued before. */
gboolean        _hall_store_issue_license_locked (HallStore             *self,
                                                  const char            *case_uuid,
                                                  HallService           *service,
                                                  const char            *scope,
                                                  guint                  valid_days,
                                                  HallSigningKey        *key,
                                                  const HallCertificate *certificate,
                                                  char                 **text_out,
                                                  GError               **error);

/* hall-store-outbox.c */

gboolean        _hall_store_enqueue_locked      (HallStore      *self,
                                                 const char     *method,
                                                 const char     *path,
                                                 const char     *body,
                                                 const char     *entity,
                                                 const char     *entity_uuid,
                                                 const char     *owner_uuid,
                                                 gint64          base_version,
                                                 GError        **error);
gboolean        _hall_store_collect_owner_cases_locked (HallStore  *self,
                                                        const char *entity,
                                                        const char *owner,
                                                        GPtrArray  *cases,
                                                        GError    **error);
gboolean        _hall_store_queue_unsent_locked (HallStore      *self,
                                                 GError        **error);

/* hall-store-paging.c */

/* A HallStoreRowFunc: appends the row's (created_at, id) to @keys, a
 * GArray of HallStoreKey. */
void            _hall_store_append_key          (HallSqliteStmt *stmt,
                                                 gpointer        keys);

/* hall-store-pull.c */

gboolean        _hall_store_apply_case_locked   (HallStore      *self,
                                                 JsonNode       *data,
                                                 HallCase       *read,
                                                 gint64          version,
                                                 GPtrArray      *changed_cases,
                                                 GError        **error);

/* hall-store-pages.c: a page's record from the change feed (entity
 * "page", @uuid at @version): kept, moved, or removed when "deleted". Its
 * file stays on the server until the page is opened. A page whose place
 * another still holds waits below zero, in @parked (its uuid → its place
 * + 1), for that one's own record; _hall_store_settle_pages_locked() then
 * gives each its place, or the end of its slot when the place is still
 * held, before the feed's page commits. */
gboolean        _hall_store_apply_page_locked   (HallStore      *self,
                                                 JsonNode       *data,
                                                 const char     *uuid,
                                                 gint64          version,
                                                 GHashTable     *parked,
                                                 GPtrArray      *changed_cases,
                                                 GError        **error);
gboolean        _hall_store_settle_pages_locked (HallStore      *self,
                                                 GHashTable     *parked,
                                                 GError        **error);

/* hall-store-search.c */

/* The ids of the newest @limit cases that answer @text as the search box
 * does, newest first, appended to @ids (of gint64); read on @reader, in
 * the caller's read transaction. Cancelled inside a statement. */
gboolean        _hall_store_search_ids          (HallSqliteConn *reader,
                                                 const char     *text,
                                                 guint           limit,
                                                 GCancellable   *cancellable,
                                                 GArray         *ids,
                                                 GError        **error);

G_END_DECLS
