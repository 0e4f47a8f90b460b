/* hall-server-storage.h — what the server needs from a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "hall-roles.h"

G_BEGIN_DECLS

typedef enum
{
  HALL_ENTITY_APPLICANT,
  HALL_ENTITY_CASE,
  HALL_ENTITY_EVENT,
  HALL_ENTITY_LICENSE,  /* its feed row's uuid is its case's: a case has one */
  HALL_ENTITY_PAGE,     /* a page of a case's documents: its record, not its file */
} HallEntityKind;

/* "applicant", "case", "event", "license", "page": the names used in the
 * change feed. */
const char *hall_entity_kind_to_string (HallEntityKind kind);

/* One row of the change feed. */
typedef struct
{
  gint64          seq;
  HallEntityKind  kind;
  char           *uuid;
  gint64          version;
  char           *data;   /* the entity's JSON */
} HallChange;

void hall_change_free (HallChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallChange, hall_change_free)

/* A stored answer to an Idempotency-Key. */
typedef struct
{
  char   *request_hash;
  guint   status;
  gint64  etag;
  char   *body;
} HallIdempotentAnswer;

void                  hall_idempotent_answer_free (HallIdempotentAnswer       *answer);
/* (transfer full) */
HallIdempotentAnswer *hall_idempotent_answer_copy (const HallIdempotentAnswer *answer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallIdempotentAnswer, hall_idempotent_answer_free)

/* A sign-in the server refused, kept for the administrator. */
typedef struct
{
  gint64  at;          /* Unix seconds */
  char   *username;    /* as typed, cut to 64 characters */
  char   *address;     /* the client's IP address */
  char   *reason;      /* "password" (wrong or unknown user) or "throttled" */
} HallSignInFailure;

void hall_sign_in_failure_free (HallSignInFailure *failure);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallSignInFailure, hall_sign_in_failure_free)

/* One group of the supervision figures (GET /v1/stats). */
typedef struct
{
  char   *key;          /* the service, counter, official, local day or hour */
  gint64  opened;       /* cases created in the range */
  gint64  finished;     /* of those, now completed, rejected or withdrawn */
  gint64  on_time;      /* of the finished, last changed no later than promised_at */
  gint64  late;         /* of the finished, last changed after promised_at */
  gint64  overdue_now;  /* of those not finished, promised_at before now */
  gint64  returned;     /* cases with at least one "return" decision */
  gint64  rejected;     /* cases with at least one "reject" decision */
} HallStatsRow;

void hall_stats_row_free (HallStatsRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsRow, hall_stats_row_free)

/* One reason of the supervision figures: how many of the range's cases
 * had a "return" or "reject" decision giving it. */
typedef struct
{
  char   *kind;     /* "return" or "reject" */
  char   *reason;   /* the reason's code: the catalog's id, or "other" */
  gint64  cases;
} HallStatsReason;

void hall_stats_reason_free (HallStatsReason *reason);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsReason, hall_stats_reason_free)

/* The step figures' raw material: how many decisions of the range's cases
 * @step of @service took @minutes (whole minutes from the step's start);
 * or, for the waiting cases, how many of @service with the decision
 * history @step ("step:decision;" in the order stored) wait for a step,
 * and how many of those are past their promise (@overdue). */
typedef struct
{
  char   *service;
  char   *step;      /* the step, or the waiting cases' history */
  gint64  minutes;
  gint64  count;
  gint64  overdue;
} HallStatsSteps;

void hall_stats_steps_free (HallStatsSteps *steps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallStatsSteps, hall_stats_steps_free)

/* What a batch's writes are about to read (hall_server_storage_read_ahead ()). */
typedef struct
{
  GPtrArray *keys;        /* scoped Idempotency-Keys */
  GPtrArray *applicants;  /* uuids */
  GPtrArray *cases;       /* uuids */
  GPtrArray *numbers;     /* case numbers */
  GPtrArray *events;      /* uuids */
} HallReadAhead;

#define HALL_TYPE_SERVER_STORAGE (hall_server_storage_get_type ())
G_DECLARE_INTERFACE (HallServerStorage, hall_server_storage, HALL, SERVER_STORAGE, GObject)

/* Threading: every call works on a connection that belongs to the calling
 * thread, so reads on request threads never wait for the writer. Writes are
 * only made by one thread at a time (the group committer) between begin()
 * and commit(); reads on that thread see its uncommitted writes.
 *
 * Lookups that find nothing return FALSE/NULL with HALL_SERVER_ERROR_NOT_FOUND;
 * a case number another case holds is HALL_SERVER_ERROR_CONFLICT; an
 * identity document another applicant holds (the same id_type and
 * id_number of a person, the same credit_code of a business) is
 * HALL_SERVER_ERROR_DUPLICATE, and the write leaves nothing behind; every
 * other failure is the database's (HALL_DATABASE_ERROR). put_entity and
 * put_event also append the change to the feed in the same transaction.
 * put_entity of version 1 creates: when another server's writer created
 * the uuid after this transaction read it as missing, it writes nothing
 * and fails with HALL_SERVER_ERROR_EXISTS, so that the caller answers as
 * to a write that came second (one writer per SQLite file never sees it).
 * A page (HALL_ENTITY_PAGE) is kept under its case: put_entity takes the
 * case's uuid from the page's "case" member. */
struct _HallServerStorageInterface
{
  GTypeInterface parent_iface;

  gboolean     (*begin)             (HallServerStorage     *self,
                                     GError               **error);
  gboolean     (*commit)            (HallServerStorage     *self,
                                     GError               **error);
  void         (*rollback)          (HallServerStorage     *self);
  gboolean     (*savepoint)         (HallServerStorage     *self,
                                     GError               **error);
  gboolean     (*release)           (HallServerStorage     *self,
                                     GError               **error);
  gboolean     (*rollback_to)       (HallServerStorage     *self,
                                     GError               **error);
  /* Optional. */
  gboolean     (*read_ahead)        (HallServerStorage     *self,
                                     const HallReadAhead   *what,
                                     GError               **error);
  /* Optional. */
  gboolean     (*is_outdated)       (HallServerStorage     *self);
  /* Optional, together. */
  void         (*defer_writes)      (HallServerStorage     *self);
  gboolean     (*flush_writes)      (HallServerStorage     *self,
                                     GError               **error);

  char        *(*get_entity)        (HallServerStorage     *self,
                                     HallEntityKind         kind,
                                     const char            *uuid,
                                     gint64                *version_out,
                                     GError               **error);
  char        *(*find_case_by_number) (HallServerStorage   *self,
                                     const char            *number,
                                     GError               **error);
  char        *(*find_applicant_by_identity) (HallServerStorage *self,
                                     const char            *data,
                                     GError               **error);
  char        *(*get_event)         (HallServerStorage     *self,
                                     const char            *uuid,
                                     char                 **case_uuid_out,
                                     gint64                *case_version_out,
                                     GError               **error);
  GPtrArray   *(*list_changes)      (HallServerStorage     *self,
                                     gint64                 since,
                                     guint                  limit,
                                     GError               **error);
  HallIdempotentAnswer *(*get_idempotent_answer) (HallServerStorage *self,
                                     const char            *key,
                                     GError               **error);
  char        *(*get_official)      (HallServerStorage     *self,
                                     const char            *username,
                                     HallRoles             *roles_out,
                                     gint64                *signed_out_at_out,
                                     GError               **error);

  gboolean     (*put_entity)        (HallServerStorage     *self,
                                     HallEntityKind         kind,
                                     const char            *uuid,
                                     gint64                 version,
                                     const char            *case_number,
                                     const char            *data,
                                     GError               **error);
  gboolean     (*put_event)         (HallServerStorage     *self,
                                     const char            *uuid,
                                     const char            *case_uuid,
                                     gint64                 case_version,
                                     const char            *data,
                                     GError               **error);
  gboolean     (*put_idempotent_answer) (HallServerStorage *self,
                                     const char            *key,
                                     const HallIdempotentAnswer *answer,
                                     GError               **error);
  gboolean     (*put_official)      (HallServerStorage     *self,
                                     const char            *username,
                                     const char            *password_hash,
                                     HallRoles              roles,
                                     GError               **error);
  gboolean     (*sign_out_official) (HallServerStorage     *self,
                                     const char            *username,
                                     gint64                 at,
                                     GError               **error);
  GPtrArray   *(*list_case_events)  (HallServerStorage     *self,
                                     const char            *case_uuid,
                                     GError               **error);
  gboolean     (*put_sign_in_failure) (HallServerStorage   *self,
                                     const HallSignInFailure *failure,
                                     GError               **error);
  GPtrArray   *(*list_sign_in_failures) (HallServerStorage *self,
                                     gint64                 since,
                                     guint                  limit,
                                     GError               **error);
  char        *(*get_calendar)      (HallServerStorage     *self,
                                     gint64                *version_out,
                                     GError               **error);
  GPtrArray   *(*list_calendars)    (HallServerStorage     *self,
                                     GError               **error);
  gboolean     (*put_calendar)      (HallServerStorage     *self,
                                     gint64                 version,
                                     const char            *data,
                                     const char            *set_by,
                                     GError               **error);
  char        *(*get_license)       (HallServerStorage     *self,
                                     const char            *number,
                                     GError               **error);
  gboolean     (*put_license)       (HallServerStorage     *self,
                                     const char            *number,
                                     const char            *case_uuid,
                                     const char            *data,
                                     GError               **error);
  GPtrArray   *(*stats_cases)       (HallServerStorage     *self,
                                     const char            *from,
                                     const char            *to,
                                     const char            *by,
                                     const char            *now,
                                     GError               **error);
  GPtrArray   *(*stats_reasons)     (HallServerStorage     *self,
                                     const char            *from,
                                     const char            *to,
                                     GError               **error);
  GPtrArray   *(*stats_steps)       (HallServerStorage     *self,
                                     const char            *from,
                                     const char            *to,
                                     GError               **error);
  GPtrArray   *(*stats_waiting)     (HallServerStorage     *self,
                                     const char            *from,
                                     const char            *to,
                                     const char            *now,
                                     GError               **error);
};

gboolean              hall_server_storage_begin                 (HallServerStorage  *self,
                                                                 GError            **error);
gboolean              hall_server_storage_commit                (HallServerStorage  *self,
                                                                 GError            **error);
void                  hall_server_storage_rollback              (HallServerStorage  *self);
gboolean              hall_server_storage_savepoint             (HallServerStorage  *self,
                                                                 GError            **error);
gboolean              hall_server_storage_release               (HallServerStorage  *self,
                                                                 GError            **error);
gboolean              hall_server_storage_rollback_to           (HallServerStorage  *self,
                                                                 GError            **error);
/* Inside a transaction, before a batch of writes: reads what they will
 * read (and lock) in one go, for a storage whose every read is a round
 * trip; the others do nothing. Their reads then answer as they would
 * have. */
gboolean              hall_server_storage_read_ahead            (HallServerStorage   *self,
                                                                 const HallReadAhead *what,
                                                                 GError             **error);
/* Whether a newer server has migrated the database since this one began
 * its last transaction, which then failed with HALL_DATABASE_ERROR_OUTDATED
 * (several servers on one database); never for the others. */
gboolean              hall_server_storage_is_outdated           (HallServerStorage   *self);
/* Inside a transaction: the writes of entities and events that follow,
 * until hall_server_storage_flush_writes (), may be sent without waiting
 * for their answers (a storage whose every statement is a round trip sends
 * them all in one go). Each then says it was written; whether it was is
 * known at the flush, which fails when any of them did not. A caller that
 * defers writes must be able to undo them all: back to a savepoint, and
 * written again one by one. The others write at once, and flush nothing. */
void                  hall_server_storage_defer_writes          (HallServerStorage   *self);
gboolean              hall_server_storage_flush_writes          (HallServerStorage   *self,
                                                                 GError             **error);

/* (transfer full): the entity's JSON, and its version. */
char                 *hall_server_storage_get_entity            (HallServerStorage  *self,
                                                                 HallEntityKind      kind,
                                                                 const char         *uuid,
                                                                 gint64             *version_out,
                                                                 GError            **error);
/* (transfer full): the uuid of the case numbered @number. */
char                 *hall_server_storage_find_case_by_number   (HallServerStorage  *self,
                                                                 const char         *number,
                                                                 GError            **error);
/* (transfer full): the uuid of the applicant that holds the identity
 * document of @data (an applicant's JSON); NOT_FOUND when none does. */
char                 *hall_server_storage_find_applicant_by_identity (HallServerStorage *self,
                                                                 const char         *data,
                                                                 GError            **error);
/* (transfer full): the event's JSON; *@case_uuid_out (transfer full) and
 * *@case_version_out: the case it is of, and the case's version after it. */
char                 *hall_server_storage_get_event             (HallServerStorage  *self,
                                                                 const char         *uuid,
                                                                 char              **case_uuid_out,
                                                                 gint64             *case_version_out,
                                                                 GError            **error);
/* (transfer full) (element-type utf8): the JSON of the events of the case
 * @case_uuid, in the order they were written. */
GPtrArray            *hall_server_storage_list_case_events      (HallServerStorage  *self,
                                                                 const char         *case_uuid,
                                                                 GError            **error);
/* (transfer full) (element-type HallSignInFailure): refused sign-ins at
 * or after @since (Unix seconds), newest first, at most @limit. */
GPtrArray            *hall_server_storage_list_sign_in_failures (HallServerStorage  *self,
                                                                 gint64              since,
                                                                 guint               limit,
                                                                 GError            **error);
/* Keeps a refused sign-in (the oldest beyond 100,000 are let go). */
gboolean              hall_server_storage_put_sign_in_failure   (HallServerStorage  *self,
                                                                 const HallSignInFailure *failure,
                                                                 GError            **error);
/* (transfer full) (element-type HallChange): changes with seq > @since,
 * oldest first, at most @limit. */
GPtrArray            *hall_server_storage_list_changes          (HallServerStorage  *self,
                                                                 gint64              since,
                                                                 guint               limit,
                                                                 GError            **error);
/* (transfer full) */
HallIdempotentAnswer *hall_server_storage_get_idempotent_answer (HallServerStorage  *self,
                                                                 const char         *key,
                                                                 GError            **error);
/* (transfer full): the password hash; *@roles_out: the official's roles
 * (names a newer version wrote, unknown here, are left out);
 * *@signed_out_at_out: when the official last signed out everywhere
 * (microseconds since the epoch, 0 for never). */
char                 *hall_server_storage_get_official          (HallServerStorage  *self,
                                                                 const char         *username,
                                                                 HallRoles          *roles_out,
                                                                 gint64             *signed_out_at_out,
                                                                 GError            **error);

gboolean              hall_server_storage_put_entity            (HallServerStorage  *self,
                                                                 HallEntityKind      kind,
                                                                 const char         *uuid,
                                                                 gint64              version,
                                                                 const char         *case_number,
                                                                 const char         *data,
                                                                 GError            **error);
gboolean              hall_server_storage_put_event             (HallServerStorage  *self,
                                                                 const char         *uuid,
                                                                 const char         *case_uuid,
                                                                 gint64              case_version,
                                                                 const char         *data,
                                                                 GError            **error);
gboolean              hall_server_storage_put_idempotent_answer (HallServerStorage  *self,
                                                                 const char         *key,
                                                                 const HallIdempotentAnswer *answer,
                                                                 GError            **error);
gboolean              hall_server_storage_put_official          (HallServerStorage  *self,
                                                                 const char         *username,
                                                                 const char         *password_hash,
                                                                 HallRoles           roles,
                                                                 GError            **error);
/* (transfer full): the JSON of the license numbered @number
 * ({"number", "case", "payload", "official", "issued_at", "recorded_by",
 * "recorded_at"}); NOT_FOUND when there is none. */
char                 *hall_server_storage_get_license           (HallServerStorage  *self,
                                                                 const char         *number,
                                                                 GError            **error);
/* Keeps the license @number of case @case_uuid and appends it to the
 * change feed (entity "license", the case's uuid); a case has one license:
 * HALL_SERVER_ERROR_CONFLICT when it holds another, and nothing is
 * written. */
gboolean              hall_server_storage_put_license           (HallServerStorage  *self,
                                                                 const char         *number,
                                                                 const char         *case_uuid,
                                                                 const char         *data,
                                                                 GError            **error);
/* Ends the official's sessions opened before @at (microseconds since the
 * epoch); HALL_SERVER_ERROR_NOT_FOUND when there is no such official. */
gboolean              hall_server_storage_sign_out_official     (HallServerStorage  *self,
                                                                 const char         *username,
                                                                 gint64              at,
                                                                 GError            **error);
/* (transfer full) (element-type HallStatsRow): the cases whose created_at
 * (ISO 8601, UTC, whole hours) is in [@from, @to), grouped by @by
 * ("service" or "department" (both by service), "counter", "official",
 * "day" or "hour" of the hall's time), ordered by key. */
GPtrArray            *hall_server_storage_stats_cases           (HallServerStorage  *self,
                                                                 const char         *from,
                                                                 const char         *to,
                                                                 const char         *by,
                                                                 const char         *now,
                                                                 GError            **error);
/* (element-type HallStatsReason): the reasons of the cases created from
 * @from to @to, most cases first (then by kind and code). */
GPtrArray            *hall_server_storage_stats_reasons         (HallServerStorage  *self,
                                                                 const char         *from,
                                                                 const char         *to,
                                                                 GError            **error);
/* (element-type HallStatsSteps): the decisions of the cases created from
 * @from to @to by service, step and minutes, ordered so. */
GPtrArray            *hall_server_storage_stats_steps           (HallServerStorage  *self,
                                                                 const char         *from,
                                                                 const char         *to,
                                                                 GError            **error);
/* (element-type HallStatsSteps): the cases created from @from to @to that
 * wait for a step's decision @now, by service and decision history. */
GPtrArray            *hall_server_storage_stats_waiting         (HallServerStorage  *self,
                                                                 const char         *from,
                                                                 const char         *to,
                                                                 const char         *now,
                                                                 GError            **error);

/* (transfer full): the hall's calendar as the administrator last set it
 * (its JSON, hall-calendar.h) and *@version_out its version;
 * HALL_SERVER_ERROR_NOT_FOUND when none was ever set. */
char                 *hall_server_storage_get_calendar          (HallServerStorage  *self,
                                                                 gint64             *version_out,
                                                                 GError            **error);
/* (transfer full) (element-type utf8): the JSON of every calendar the
 * administrator set, oldest first. */
GPtrArray            *hall_server_storage_list_calendars        (HallServerStorage  *self,
                                                                 GError            **error);
/* Keeps @data (a calendar's JSON, validated) as the calendar's @version,
 * set by the official @set_by; the newest version is the hall's calendar.
 * A version kept already is HALL_DATABASE_ERROR_CONSTRAINT. */
gboolean              hall_server_storage_put_calendar          (HallServerStorage  *self,
                                                                 gint64              version,
                                                                 const char         *data,
                                                                 const char         *set_by,
                                                                 GError            **error);

G_END_DECLS
