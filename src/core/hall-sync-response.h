/* hall-sync-response.h — what the counter makes of the server's answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Pure functions over the bytes and headers of an answer: no I/O, no store,
 * callable from any thread. Bodies need not be NUL-terminated. Failures are
 * HALL_SYNC_ERROR_PROTOCOL errors whose message names the place at fault. */

/* Deepest JSON nesting read from the server; the server's own entities stay
 * far below it. */
#define HALL_SYNC_RESPONSE_MAX_DEPTH 64

/* A page of GET /v1/changes: {"changes": [...], "next", "more"}. Each change
 * must have a whole "seq" and "version" of at least 1, a "uuid", an "entity"
 * and an object "data". The data of an applicant, case or event must be what
 * the model reads (new_from_json) and carry the change's uuid; the data of a
 * kind of entity this counter does not know is passed on unchecked, for the
 * store to skip. A "next" may be a string or a whole number; a missing
 * "more" is FALSE. @entities_out, when not NULL, gets the model objects
 * read while checking (HallApplicant, HallCase, HallCaseEvent, or NULL for
 * another kind), one per change, for hall_store_apply_changes(). Nothing is
 * set on failure. */
gboolean  hall_sync_response_parse_changes     (const char  *body,
                                                gsize        length,
                                                JsonArray  **changes_out,
                                                GPtrArray  **entities_out,
                                                char       **next_out,
                                                gboolean    *more_out,
                                                GError     **error);

/* (transfer full): a person-readable reason from a problem+json body: its
 * "detail" (or its "title"), followed by the field at fault; "the server
 * answered STATUS" when the body says nothing readable. *field_out (may be
 * NULL) gets the field, (transfer full) (nullable). */
char     *hall_sync_response_describe_problem  (guint        status,
                                                const char  *body,
                                                gsize        length,
                                                char       **field_out);

/* The version of an acknowledged entity: the ETag ("3" or W/"3"), else the
 * body's "version" (or an event answer's "case_version"). 0 when neither
 * gives a whole number of at least 1. @etag and @body may be NULL. */
gint64    hall_sync_response_parse_version     (const char  *etag,
                                                const char  *body,
                                                gsize        length);

/* (transfer full): the server's entity in a 412 answer ({"current":
 * {...}}), checked as the data of a change of kind @entity is, as JSON text;
 * NULL with the error set when there is none or it cannot be stored. */
char     *hall_sync_response_parse_current     (const char  *entity,
                                                const char  *body,
                                                gsize        length,
                                                GError     **error);

/* The uuid in a 409 answer's "existing": the applicant that holds the
 * identity document a PUT of another applicant carried; NULL when the
 * answer names none (a 409 of another kind), or not as a uuid. */
char     *hall_sync_response_parse_existing    (const char  *body,
                                                gsize        length);

/* The answer to GET /v1/applicants/@uuid, checked as the data of a change
 * of that applicant is, as JSON text; NULL with the error set when it
 * cannot be stored. */
char     *hall_sync_response_parse_applicant   (const char  *uuid,
                                                const char  *body,
                                                gsize        length,
                                                GError     **error);

/* (transfer full) (element-type HallHttpResponse): the answer to POST
 * /v1/batch: {"results": [{"status", "etag", "body"}]}
 * with exactly @n_operations results, each with a "status" from 100 to 599.
 * Returns one HallHttpResponse per result, as the request alone would have
 * been answered: its status, an "etag" header when the result has one, and
 * its "body" as JSON text (empty when null or absent). */
GPtrArray *hall_sync_response_parse_batch      (const char  *body,
                                                gsize        length,
                                                guint        n_operations,
                                                GError     **error);

/* The same, for a counter that only needs the versions of the accepted:
 * (*@versions_out)[i] is result i's version, as
 * hall_sync_response_parse_version() reads it, for each 2xx result, whose
 * body is then left empty rather than written out as text again (a third
 * of acknowledging a batch went on writing and reading those bodies
 * again); other results keep their body. */
GPtrArray *hall_sync_response_parse_batch_versions (const char  *body,
                                                    gsize        length,
                                                    guint        n_operations,
                                                    gint64     **versions_out,
                                                    GError     **error);

/* The Upload-Offset header of a blob answer: a decimal number of bytes from
 * 0 to G_MAXINT64. FALSE (and *offset untouched) for anything else. */
gboolean  hall_sync_response_parse_offset      (const char  *header,
                                                goffset     *offset);

G_END_DECLS
