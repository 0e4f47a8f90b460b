/* hall-store-sync-private.h — what the sync engine, and only it, asks of
 * the store: the outbox rows to send, what the server answered to each,
 * and the pages of the change feed to apply
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "hall-store.h"

G_BEGIN_DECLS

/* One row of the outbox: a change made here that the server has not yet
 * acknowledged. Written in the same transaction as the change itself. */
typedef struct
{
  gint64  seq;          /* order of sending */
  char   *uuid;         /* the Idempotency-Key */
  char   *method;       /* "PUT" or "POST" */
  char   *path;         /* "/v1/cases/<uuid>" */
  char   *body;         /* JSON */
  char   *entity;       /* "applicant", "case", "event" */
  char   *entity_uuid;
  char   *owner_uuid;   /* the applicant of an applicant row, the case of the others */
  char   *applicant_uuid; /* of a case row: its applicant, which the server needs first */
  gint64  base_version; /* for If-Match; 0 for a creation */
  guint   attempts;
  char   *last_error;
} HallOutboxItem;

void            hall_outbox_item_free            (HallOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallOutboxItem, hall_outbox_item_free)

/* (transfer full) (element-type HallOutboxItem): the first @limit rows of
 * the outbox, in order, but for those held back by an open duplicate. */
GPtrArray      *hall_store_peek_outbox           (HallStore      *self,
                                                  guint           limit,
                                                  GError        **error);
/* (transfer full) (element-type HallOutboxItem): the rows after the one of
 * @seq, in order: what follows rows already sent. */
GPtrArray      *hall_store_peek_outbox_after     (HallStore      *self,
                                                  gint64          seq,
                                                  guint           limit,
                                                  GError        **error);
/* *@found: whether a row up to the one of @through_seq may go now (a peek
 * would give it) and is not one of the @n_sent seqs in @sent. */
gboolean        hall_store_outbox_may_go_outside (HallStore      *self,
                                                  gint64          through_seq,
                                                  const gint64   *sent,
                                                  guint           n_sent,
                                                  gboolean       *found,
                                                  GError        **error);
/* The server acknowledged @item: deletes the row and, in the same
 * transaction, records @server_version on the entity and marks it synced
 * when nothing else of it is waiting. */
gboolean        hall_store_ack_outbox            (HallStore      *self,
                                                  const HallOutboxItem *item,
                                                  gint64          server_version,
                                                  GError        **error);
/* hall_store_ack_outbox for the first @n of @items (element-type
 * HallOutboxItem), in order, with @server_versions[i] for each, in one
 * transaction; one "outbox-changed", one "changed" and one "case-changed"
 * per case after it. */
gboolean        hall_store_ack_outbox_batch      (HallStore      *self,
                                                  GPtrArray      *items,
                                                  const gint64   *server_versions,
                                                  guint           n,
                                                  GError        **error);
/* The server refused @item for good (4xx): the row leaves the queue and
 * its entity (and the case it belongs to) shows @reason. */
gboolean        hall_store_reject_outbox         (HallStore      *self,
                                                  const HallOutboxItem *item,
                                                  int             http_status,
                                                  const char     *reason,
                                                  GError        **error);
/* A transient failure: counts the attempt, keeps the row first in line. */
gboolean        hall_store_defer_outbox          (HallStore      *self,
                                                  const HallOutboxItem *item,
                                                  const char     *reason,
                                                  GError        **error);
/* 412: the server has @server_json; keep both for the official to decide. */
gboolean        hall_store_record_conflict       (HallStore      *self,
                                                  const HallOutboxItem *item,
                                                  const char     *server_json,
                                                  GError        **error);
/* 409 to an applicant's PUT: the server has @existing_json, another
 * applicant with its identity document. Kept as a conflict of the kind
 * HALL_CONFLICT_DUPLICATE, which the official resolves by merging; until
 * then the applicant's rows and its cases' stay in the outbox unsent
 * (hall_store_peek_outbox() passes over them), since the server would
 * refuse each for want of the applicant. */
gboolean        hall_store_record_duplicate      (HallStore      *self,
                                                  const HallOutboxItem *item,
                                                  const char     *existing_json,
                                                  GError        **error);

/* Pull: applies one page of the change feed (an array of {"seq", "entity",
 * "uuid", "version", "data"}) and the next cursor in one transaction.
 * Entities with changes still waiting in the outbox are left alone; for one
 * with an open conflict the server's newer version goes into the conflict,
 * so the official decides against what the server has now. @entities,
 * when not NULL (element-type GObject), holds each change's data read into
 * its model object already (see hall_sync_response_parse_changes()), or
 * NULL. */
gboolean        hall_store_apply_changes         (HallStore      *self,
                                                  JsonArray      *changes,
                                                  GPtrArray      *entities,
                                                  const char     *next_cursor,
                                                  GError        **error);

/* A pull starts and ends. A store that has pulled nothing and holds no
 * applicant or case (a counter's first pull, 100,000 changes and more)
 * writes the search keys of what it pulls once, when the pull ends, in
 * one sorted pass, instead of row by row as each page is applied (two
 * thirds of storing a case went on them). Until then a search does not
 * find the pulled cases. The state is in the store (meta "search_fill",
 * set in the transaction that starts it), so a pull cut off or killed
 * half-way ends it when the store is next opened, or at the end of the
 * next pull. hall_store_end_pull() is called whether or not the pull
 * succeeded; FALSE if writing the keys failed (they are written again
 * later). */
gboolean        hall_store_begin_pull            (HallStore      *self,
                                                  GError        **error);
gboolean        hall_store_end_pull              (HallStore      *self,
                                                  GError        **error);

/* Pages (hall-store-pages.c): the files the server does not hold yet,
 * oldest first, (transfer full) (element-type HallStoredPage); and the
 * record that the server holds the blob @sha256 (every page naming it). */
GPtrArray      *hall_store_list_unsent_pages     (HallStore      *self,
                                                  GError        **error);
guint           hall_store_count_unsent_pages    (HallStore      *self);
gboolean        hall_store_mark_page_sent        (HallStore      *self,
                                                  const char     *sha256,
                                                  GError        **error);
/* The file @sha256 cannot be sent (damaged, unreadable, refused by the
 * server): every case with an unsent page of it shows @reason while it
 * waits; its pages' records wait in the outbox, the rest goes on. */
gboolean        hall_store_hold_page             (HallStore      *self,
                                                  const char     *sha256,
                                                  const char     *reason,
                                                  GError        **error);
/* Keeps @bytes, fetched from the server, as the file of the page @sha256
 * (temporary file, fsync, rename) when they hash to @sha256; otherwise
 * refuses them (G_IO_ERROR_INVALID_DATA) and writes nothing. */
gboolean        hall_store_save_page_file        (HallStore      *self,
                                                  GBytes         *bytes,
                                                  const char     *sha256,
                                                  GError        **error);

G_END_DECLS
