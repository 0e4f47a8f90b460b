/* hall-store.h — the counter's local SQLite database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-applicant.h"
#include "hall-core-error.h"
#include "hall-case.h"
#include "hall-case-event.h"
#include "hall-workflow.h"
#include "hall-case-record.h"
#include "hall-case-sort.h"
#include "hall-conflict.h"
#include "hall-catalog.h"
#include "hall-inbox-item.h"
#include "hall-stats-month.h"
#include "hall-service.h"

G_BEGIN_DECLS

#define HALL_STORE_SCHEMA_VERSION 20

#define HALL_TYPE_STORE (hall_store_get_type ())
G_DECLARE_FINAL_TYPE (HallStore, hall_store, HALL, STORE, GObject)

/* Signals:
 *   "changed" (void): something was written; lists over the store refresh.
 *   "case-changed" (const char *uuid)
 *   "outbox-changed" (guint n_pending)
 *
 * Thread safety: every function may be called from any thread; writes are
 * serialised (BEGIN IMMEDIATE on one writer connection) and reads run on a
 * connection of their own, so a read never waits for a write. Signals are
 * emitted in the main context the store was opened in.
 *
 * The case numbers a counter hands out are "<hall>-<year>-<counter>-<seq>",
 * e.g. "YC-2026-C03-000123": the counter code is part of the number, so two
 * counters, each offline, never hand out the same one. */

/* (transfer full): opens (creating and migrating as needed) the database
 * at @path: WAL, synchronous=FULL, busy_timeout, foreign keys. @hall_code
 * is "YC", @counter is "C03". */
HallStore      *hall_store_open                  (const char     *path,
                                                  const char     *hall_code,
                                                  const char     *counter,
                                                  GError        **error);
/* Every @interval_s seconds, on a worker, looks whether another process
 * (service-hall-ctl, a script) committed to the store; then "changed" and
 * "outbox-changed", and "case-changed" for the cases with new entries of
 * their history. 0 stops it. For a program that shows the store while
 * others may write it: the counter app. */
void            hall_store_watch_other_processes (HallStore      *self,
                                                  guint           interval_s);
/* (transfer none) */
const char     *hall_store_get_path              (HallStore      *self);
const char     *hall_store_get_counter           (HallStore      *self);
void            hall_store_set_counter           (HallStore      *self,
                                                  const char     *counter);
int             hall_store_get_schema_version    (HallStore      *self);

/* Officials who may sign in at this counter (the demo ones are added by
 * hall_store_add_demo_officials). Passwords are Argon2id hashes
 * (hall-password.h). @roles is a comma-separated list: "reception",
 * "counter_official", "approver", "supervisor", "administrator"; another
 * name is refused with HALL_VALIDATION_ERROR (see hall_roles_parse()). */
gboolean        hall_store_add_official          (HallStore      *self,
                                                  const char     *username,
                                                  const char     *display_name,
                                                  const char     *password,
                                                  const char     *roles,
                                                  GError        **error);
gboolean        hall_store_add_demo_officials    (HallStore      *self,
                                                  GError        **error);
/* (transfer full): the display name on success, NULL with
 * HALL_STORE_ERROR_AUTH. @roles_out: (out) (optional) (transfer full): the
 * official's roles, as stored. */
char           *hall_store_check_password        (HallStore      *self,
                                                  const char     *username,
                                                  const char     *password,
                                                  char          **roles_out,
                                                  GError        **error);

/* Applicants. save inserts or updates (bumping updated_at) and queues a
 * PUT. An identity document belongs to one applicant: saving one with the
 * type and number of ID (the credit code of a business) of another
 * applicant here is refused with HALL_STORE_ERROR_CONFLICT, whose message
 * names that applicant (hall_store_find_applicant_by_identity() finds it);
 * hall_store_create_case() refuses the same way. */
gboolean        hall_store_save_applicant        (HallStore      *self,
                                                  HallApplicant  *applicant,
                                                  GError        **error);
/* Corrects the phone of a returning applicant: the applicant's row and an
 * event of its record (POST /v1/applicants/{uuid}/phone) in the outbox, in
 * one transaction. A number that is not one is a HALL_VALIDATION_ERROR
 * and changes nothing; HALL_STORE_ERROR_NOT_FOUND when there is no such
 * applicant. The same number again queues nothing. */
gboolean        hall_store_correct_applicant_phone (HallStore  *self,
                                                  const char     *applicant_uuid,
                                                  const char     *phone,
                                                  GError        **error);
/* (transfer full): HALL_STORE_ERROR_NOT_FOUND when there is none. */
HallApplicant  *hall_store_get_applicant         (HallStore      *self,
                                                  const char     *uuid,
                                                  GError        **error);
/* (transfer full) (nullable): by resident ID, passport, permit number or
 * credit code; NULL without an error when there is none. */
HallApplicant  *hall_store_find_applicant        (HallStore      *self,
                                                  const char     *document_number,
                                                  GError        **error);

/* (transfer full) (nullable): the applicant here that holds the identity
 * document of @applicant (its kind, type of ID and document number; the
 * rest is not read), which may be @applicant itself; NULL without an
 * error when none does. */
HallApplicant  *hall_store_find_applicant_by_identity (HallStore  *self,
                                                  HallApplicant  *applicant,
                                                  GError        **error);

/* Opens a case: in one transaction saves the applicant if it is new,
 * allocates the case number, writes the case, its "created" event and the
 * outbox rows. Fills in uuid, number, created-at and promised-at of @kase:
 * created-at is now, unless @kase says it started earlier today (within 12
 * hours: the citizen took a queue ticket then), and the promised time
 * counts from it. */
gboolean        hall_store_create_case           (HallStore      *self,
                                                  HallApplicant  *applicant,
                                                  HallService    *service,
                                                  HallCase       *kase,
                                                  GError        **error);
void            hall_store_create_case_async     (HallStore      *self,
                                                  HallApplicant  *applicant,
                                                  HallService    *service,
                                                  HallCase       *kase,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_create_case_finish    (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* (transfer full): HALL_STORE_ERROR_NOT_FOUND when there is none. */
HallCase       *hall_store_get_case              (HallStore      *self,
                                                  const char     *uuid,
                                                  GError        **error);
HallCase       *hall_store_get_case_by_number    (HallStore      *self,
                                                  const char     *number,
                                                  GError        **error);
/* Appends an event (and, for a state event, moves the case) and queues it. */
gboolean        hall_store_add_case_event        (HallStore      *self,
                                                  HallCaseEvent  *event,
                                                  GError        **error);
/* Decides the step of the case @case_uuid (of @service) that @decision
 * names, or, when it names none, the first one waiting that @official
 * holding @roles may decide; checked by the catalog's rule
 * (hall-workflow.h) against the decisions this counter knows, the same
 * the server holds it to. Sets the event's step, official and time,
 * writes it, moves the case to its new state (in *@state_out, optional)
 * and queues it, in one transaction. FALSE with HALL_WORKFLOW_ERROR (and
 * nothing written) when the rule refuses it, HALL_STORE_ERROR_NOT_FOUND
 * for an unknown case. */
gboolean        hall_store_decide_case           (HallStore      *self,
                                                  HallService    *service,
                                                  HallCaseEvent  *decision,
                                                  HallRoles       roles,
                                                  const char     *official,
                                                  HallCaseState  *state_out,
                                                  GError        **error);
/* hall_store_decide_case() on the store's worker; the event's time is set
 * to this moment (here, on the caller's thread) unless it has one. The
 * worker reads and fills in @decision: leave it alone until @callback.
 * @state_out of _finish (optional): the case's state after it. */
void            hall_store_decide_case_async     (HallStore      *self,
                                                  HallService    *service,
                                                  HallCaseEvent  *decision,
                                                  HallRoles       roles,
                                                  const char     *official,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_decide_case_finish    (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  HallCaseState  *state_out,
                                                  GError        **error);
/* An approver's inbox: the open cases with a step that @official holding
 * @roles may decide now by the catalog's rule (the current step, or a step
 * of the joint review in hand that they have not decided one of), soonest
 * promised first, at most @limit; each marked overdue when its promised
 * time is before @now (Unix seconds). Cases of services @catalog does not
 * know are left out. (transfer full) (element-type HallInboxItem), from
 * _finish too. */
GPtrArray      *hall_store_list_inbox            (HallStore      *self,
                                                  HallCatalog    *catalog,
                                                  HallRoles       roles,
                                                  const char     *official,
                                                  gint64          now,
                                                  guint           limit,
                                                  GError        **error);
void            hall_store_list_inbox_async      (HallStore      *self,
                                                  HallCatalog    *catalog,
                                                  HallRoles       roles,
                                                  const char     *official,
                                                  gint64          now,
                                                  guint           limit,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
GPtrArray      *hall_store_list_inbox_finish     (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* A supervisor's view: for each step of each service at which open cases
 * wait (each open step of a joint review counts), how many wait and how
 * many of them are past their promised time at @now; in the order the
 * first case waiting at each was promised. One aggregate query over the
 * open cases (not the closed ones); the catalog's rule runs once per group
 * of cases with the same decisions. (transfer full) (element-type
 * HallInboxStepCount), from _finish too. */
GPtrArray      *hall_store_count_inbox_steps     (HallStore      *self,
                                                  HallCatalog    *catalog,
                                                  gint64          now,
                                                  GError        **error);
void            hall_store_count_inbox_steps_async (HallStore    *self,
                                                  HallCatalog    *catalog,
                                                  gint64          now,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
GPtrArray      *hall_store_count_inbox_steps_finish (HallStore   *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* (transfer full) (nullable): where the case @case_uuid of @service stands
 * among its steps, from the decisions this counter knows. */
HallWorkflow   *hall_store_get_workflow          (HallStore      *self,
                                                  HallService    *service,
                                                  const char     *case_uuid,
                                                  GError        **error);
/* (transfer full) (element-type HallCaseEvent): oldest first. */
GPtrArray      *hall_store_list_case_events      (HallStore      *self,
                                                  const char     *case_uuid,
                                                  GError        **error);
/* (transfer full) (element-type HallCase): newest first. */
GPtrArray      *hall_store_list_applicant_cases  (HallStore      *self,
                                                  const char     *applicant_uuid,
                                                  GError        **error);

/* Paging for HallCaseListModel: newest first. */
guint           hall_store_count_cases           (HallStore      *self);
/* (transfer full) (element-type HallCase) */
GPtrArray      *hall_store_fetch_cases           (HallStore      *self,
                                                  guint           offset,
                                                  guint           limit,
                                                  GError        **error);

/* What an official types in the search box: a full or partial ID number, a
 * phone prefix, a case number, a name or part of one. Each kind of query is
 * routed to the index that answers it (see hall-search-query.h). Newest
 * first, at most @limit cases: (transfer full) (element-type HallCase),
 * from _finish too. */
GPtrArray      *hall_store_search_cases          (HallStore      *self,
                                                  const char     *query,
                                                  guint           limit,
                                                  GError        **error);
void            hall_store_search_cases_async    (HallStore      *self,
                                                  const char     *query,
                                                  guint           limit,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
GPtrArray      *hall_store_search_cases_finish   (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* Which cases the list shows (issue 16): cases in one of @states (bits
 * 1 << HallCaseState; 0 for any state) and, when @waiting or @overdue is
 * set, that wait for the applicant (returned, or open with a document of
 * the checklist still missing) or are overdue (open, not waiting, the
 * promised time past): either of the two that is set. All zero is no
 * filter. */
typedef struct
{
  guint    states;
  gboolean waiting;
  gboolean overdue;
} HallCaseFilter;

#define HALL_CASE_FILTER_STATE(state) (1u << (state))

gboolean        hall_case_filter_is_empty        (const HallCaseFilter *filter);
gboolean        hall_case_filter_equal           (const HallCaseFilter *a,
                                                  const HallCaseFilter *b);

/* The first @limit cases in the order @sort that pass @filter, and answer
 * @query as the search box does when @query is not NULL or empty (then
 * the newest answers that pass, sorted); overdue as of @now
 * (seconds since the epoch). In *@n_matching (when not NULL) how many
 * cases pass in all: exact without a query; with one, among the newest
 * HALL_STORE_FILTER_SEARCH_MAX answers of the search. (transfer full)
 * (element-type HallCase), from _finish too. */
#define HALL_STORE_FILTER_SEARCH_MAX 2000
GPtrArray      *hall_store_filter_cases          (HallStore            *self,
                                                  const char           *query,
                                                  const HallCaseFilter *filter,
                                                  HallCaseSort          sort,
                                                  gint64                now,
                                                  guint                 limit,
                                                  guint                *n_matching,
                                                  GError              **error);
void            hall_store_filter_cases_async    (HallStore            *self,
                                                  const char           *query,
                                                  const HallCaseFilter *filter,
                                                  HallCaseSort          sort,
                                                  gint64                now,
                                                  guint                 limit,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GPtrArray      *hall_store_filter_cases_finish   (HallStore            *self,
                                                  GAsyncResult         *result,
                                                  guint                *n_matching,
                                                  GError              **error);

/* How many changes wait to be sent. The rest of the outbox is the sync
 * engine's (hall-store-sync-private.h). */
guint           hall_store_count_outbox          (HallStore      *self);

/* What waits to be sent, in an official's words: the cases changed (made,
 * moved, documents brought), the notes added, the applicants made or
 * corrected; each counted once however many rows it has in the outbox. */
typedef struct
{
  guint cases;
  guint notes;
  guint applicants;
} HallOutboxCounts;

void            hall_store_count_outbox_entities (HallStore        *self,
                                                  HallOutboxCounts *counts);

/* The counter's day, for the end-of-day summary: cases this counter opened
 * and completed between @day_start and @day_end (Unix seconds), and of its
 * open cases those waiting for the applicant (returned, or a document
 * missing) and those past their promised time at @now (not counting the
 * waiting ones, whose clock stands). */
typedef struct
{
  guint opened;
  guint completed;
  guint waiting;
  guint overdue;
} HallDayCounts;

gboolean        hall_store_get_day_counts        (HallStore        *self,
                                                  gint64            day_start,
                                                  gint64            day_end,
                                                  gint64            now,
                                                  HallDayCounts    *counts,
                                                  GError          **error);
void            hall_store_get_day_counts_async  (HallStore        *self,
                                                  gint64            day_start,
                                                  gint64            day_end,
                                                  gint64            now,
                                                  GCancellable     *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer          user_data);
gboolean        hall_store_get_day_counts_finish (HallStore        *self,
                                                  GAsyncResult     *result,
                                                  HallDayCounts    *counts,
                                                  GError          **error);

/* (transfer full) (element-type HallConflict): the open conflicts an
 * official can decide on the page of @case_uuid: of the case itself, of its
 * applicant (which its cases share) and of its timeline; oldest first, at
 * most one per entity (a newer conflict of the same entity supersedes an
 * older one). Empty when there is none. */
GPtrArray      *hall_store_list_conflicts        (HallStore      *self,
                                                  const char     *case_uuid,
                                                  GError        **error);
/* Decides conflict @conflict_id, in one transaction:
 * - HALL_CONFLICT_KEEP_MINE queues this counter's version again with
 *   If-Match the server's version (or rebases a later change of the same
 *   entity still waiting, which carries it);
 * - HALL_CONFLICT_TAKE_THEIRS writes the server's version here and drops
 *   the changes of the entity still waiting (a timeline entry cannot be
 *   taken back: HALL_STORE_ERROR_CONFLICT).
 * Either way every open conflict of the entity is closed, the side given up
 * is written into the timeline of each case concerned as a note by
 * @official, and the cases' sync state follows. HALL_STORE_ERROR_NOT_FOUND
 * when there is no such conflict, HALL_STORE_ERROR_CONFLICT when it was
 * already decided. */
gboolean        hall_store_resolve_conflict      (HallStore      *self,
                                                  gint64          conflict_id,
                                                  HallConflictResolution resolution,
                                                  const char     *official,
                                                  GError        **error);

/* Small key/value settings kept with the data: "cursor", "last_sync",
 * "server_url", "token". get: (transfer full) (nullable). */
char           *hall_store_get_meta              (HallStore      *self,
                                                  const char     *key);
gboolean        hall_store_set_meta              (HallStore      *self,
                                                  const char     *key,
                                                  const char     *value,
                                                  GError        **error);

/* The hall's calendar as the server last gave it (hall-store-calendar.c),
 * for promises counted offline: (transfer full), and *@version_out its
 * version; HALL_STORE_ERROR_NOT_FOUND before the first sync that got one. */
HallCalendar   *hall_store_load_calendar         (HallStore      *self,
                                                  gint64         *version_out,
                                                  GError        **error);
/* Keeps @calendar as the server's @version, in place of the one before. */
gboolean        hall_store_save_calendar         (HallStore      *self,
                                                  HallCalendar   *calendar,
                                                  gint64          version,
                                                  GError        **error);

/* What a window needs, off its main loop (hall-store-async.c). Each _async
 * runs the synchronous call of the same name on a worker and calls
 * @callback in the caller's thread-default main context; _finish returns
 * what that call returns. Cancelled, a read finishes at once with
 * G_IO_ERROR_CANCELLED; a write cancelled before it begins writes nothing
 * and finishes so, and one that has begun reports what it did. */

/* The case @uuid with its applicant, its timeline and its open conflicts,
 * read on one worker for the case's page. */
void            hall_store_load_case_async       (HallStore      *self,
                                                  const char     *uuid,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* (transfer full): NULL with @error set (HALL_STORE_ERROR_NOT_FOUND when
 * there is no such case). */
HallCaseRecord *hall_store_load_case_finish      (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* An entry an official makes now, a note say: sets the time of @event to
 * this moment (here, on the caller's thread), then adds it as
 * hall_store_add_case_event() does. The worker reads @event: leave it
 * unchanged until @callback. */
void            hall_store_add_case_event_async  (HallStore      *self,
                                                  HallCaseEvent  *event,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_add_case_event_finish (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* hall_store_correct_applicant_phone() on a worker. */
void            hall_store_correct_applicant_phone_async (HallStore *self,
                                                  const char     *applicant_uuid,
                                                  const char     *phone,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_correct_applicant_phone_finish (HallStore *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
/* hall_store_resolve_conflict() for each of @conflict_ids in turn: the
 * official decides the conflicts on a page at once. The first failure
 * stops the rest (those before it stay decided). */
void            hall_store_resolve_conflicts_async (HallStore    *self,
                                                  const gint64   *conflict_ids,
                                                  guint           n_conflicts,
                                                  HallConflictResolution resolution,
                                                  const char     *official,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_resolve_conflicts_finish (HallStore   *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);
void            hall_store_check_password_async  (HallStore      *self,
                                                  const char     *username,
                                                  const char     *password,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* (transfer full): the display name, NULL with HALL_STORE_ERROR_AUTH;
 * @roles_out (optional) (transfer full): the comma-separated roles. */
char           *hall_store_check_password_finish (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  char          **roles_out,
                                                  GError        **error);
/* hall_store_find_applicant(), and how many cases the applicant has at
 * this counter: what an intake form shows of a returning applicant. */
void            hall_store_find_applicant_async  (HallStore      *self,
                                                  const char     *document_number,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* (transfer full) (nullable): NULL without an error when there is none.
 * @n_cases_out (optional): 0 when the cases could not be counted, a
 * courtesy that must not hide the applicant. */
HallApplicant  *hall_store_find_applicant_finish (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  guint          *n_cases_out,
                                                  GError        **error);
/* hall_store_find_applicant_by_identity(), with the count of cases as
 * hall_store_find_applicant_async() gives it: who an intake form offers
 * for the document typed. @applicant is read before this returns. */
void            hall_store_find_applicant_by_identity_async (HallStore *self,
                                                  HallApplicant  *applicant,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* (transfer full) (nullable): as hall_store_find_applicant_finish(). */
HallApplicant  *hall_store_find_applicant_by_identity_finish (HallStore *self,
                                                  GAsyncResult   *result,
                                                  guint          *n_cases_out,
                                                  GError        **error);
void            hall_store_add_demo_officials_async (HallStore   *self,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
gboolean        hall_store_add_demo_officials_finish (HallStore  *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* The supervisor's figures of the hall's days @from … @to (YYYY-MM-DD)
 * from this counter's own cases (those it took in), by README's
 * definitions and "< 5" rule, for when the server cannot be reached
 * (hall-store-stats.c); @now decides what is overdue. (transfer full). */
HallStatsMonth *hall_store_compute_stats         (HallStore      *self,
                                                  const char     *from,
                                                  const char     *to,
                                                  gint64          now,
                                                  GError        **error);
void            hall_store_compute_stats_async   (HallStore      *self,
                                                  const char     *from,
                                                  const char     *to,
                                                  gint64          now,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
HallStatsMonth *hall_store_compute_stats_finish  (HallStore      *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

/* The most cases hall_store_list_stats_cases() lists. */
#define HALL_STORE_STATS_CASES_MAX 500
/* (transfer full) (element-type HallCase): the cases behind a figure, from
 * every case this store holds (its own and those pulled from the server),
 * opened on the hall's days @from … @to, of @service_id (nullable: any)
 * or returned for @reason (nullable; not both); soonest promised first,
 * at most HALL_STORE_STATS_CASES_MAX. */
GPtrArray      *hall_store_list_stats_cases      (HallStore      *self,
                                                  const char     *from,
                                                  const char     *to,
                                                  const char     *service_id,
                                                  const char     *reason,
                                                  GError        **error);
void            hall_store_list_stats_cases_async (HallStore     *self,
                                                  const char     *from,
                                                  const char     *to,
                                                  const char     *service_id,
                                                  const char     *reason,
                                                  GCancellable   *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer        user_data);
/* (transfer full) (element-type HallCase) */
GPtrArray      *hall_store_list_stats_cases_finish (HallStore    *self,
                                                  GAsyncResult   *result,
                                                  GError        **error);

G_END_DECLS
