/* hall-sync-push.c — sending the outbox, alone or in batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json.h"
#include "hall-retry-policy.h"
#include "hall-sync-engine-private.h"
#include "hall-sync-response.h"

typedef enum
{
  PUSH_ACKED,
  PUSH_REJECTED,
  PUSH_CONFLICT,
  PUSH_STOP,
} PushOutcome;

static gint64
answer_version (HallHttpResponse *response)
{
  gsize size;
  const char *data = g_bytes_get_data (response->body, &size);

  return hall_sync_response_parse_version (hall_http_response_get_header (response, "ETag"),
                                           data, size);
}

static char *dup_case_uuid (const HallOutboxItem *item);

/* The case a row belongs to, for "case-rejected". */
static void
emit_case_rejected (HallSyncWorker       *worker,
                    const HallOutboxItem *item,
                    const char           *reason)
{
  g_autofree char *case_uuid = dup_case_uuid (item);

  if (case_uuid != NULL)
    _hall_sync_engine_post_case_rejected (worker->engine, case_uuid, reason);
  else if (g_strcmp0 (item->entity, "applicant") == 0)
    {
      g_autoptr (GPtrArray) cases = hall_store_list_applicant_cases (worker->store,
                                                                     item->entity_uuid, NULL);
      guint i;

      for (i = 0; cases != NULL && i < cases->len; i++)
        _hall_sync_engine_post_case_rejected (worker->engine,
                                              hall_case_get_uuid (g_ptr_array_index (cases, i)),
                                              reason);
    }
}

/* The uuid of the case a row belongs to, or NULL for an applicant. */
static char *
dup_case_uuid (const HallOutboxItem *item)
{
  g_auto (GStrv) parts = NULL;

  if (g_strcmp0 (item->entity, "case") == 0)
    return g_strdup (item->entity_uuid);
  if (g_strcmp0 (item->entity, "license") == 0 || g_strcmp0 (item->entity, "page") == 0)
    return g_strdup (item->owner_uuid);
  if (g_strcmp0 (item->entity, "event") != 0 || item->path == NULL)
    return NULL;
  /* path is /v1/cases/<case uuid>/events */
  parts = g_strsplit (item->path, "/", -1);
  return g_strv_length (parts) >= 4 ? g_strdup (parts[3]) : NULL;
}

/* Once the creation of a case (or of its applicant) is refused, the rows
 * after it fail only as a consequence ("no such case"); the official needs
 * to see the first reason, the one to act on. */
static void
keep_first_reason (HallSyncWorker       *worker,
                   const HallOutboxItem *item,
                   char                **reason)
{
  g_autofree char *case_uuid = dup_case_uuid (item);
  g_autoptr (HallCase) kase = NULL;

  if (case_uuid == NULL)
    return;
  kase = hall_store_get_case (worker->store, case_uuid, NULL);
  if (kase != NULL && hall_case_get_sync_state (kase) == HALL_SYNC_REJECTED
      && hall_case_get_sync_error (kase) != NULL && *hall_case_get_sync_error (kase) != '\0')
    {
      g_free (*reason);
      *reason = g_strdup (hall_case_get_sync_error (kase));
    }
}

static PushOutcome
record_conflict (HallSyncWorker       *worker,
                 const HallOutboxItem *item,
                 HallHttpResponse     *refusal,
                 GError              **error)
{
  g_autoptr (HallHttpResponse) current = NULL;
  g_autoptr (GError) fetch_error = NULL;
  g_autofree char *server_json = NULL;

  /* The entity is what the PUT addressed. */
  current = _hall_sync_send_authorized (worker, "GET", item->path, NULL, NULL, &fetch_error);
  if (current != NULL && current->status == 200)
    server_json = hall_http_response_dup_text (current);
  else
    {
      /* The 412 itself carries the server's entity as "current". */
      gsize size;
      const char *data = g_bytes_get_data (refusal->body, &size);

      server_json = hall_sync_response_parse_current (item->entity, data, size, NULL);
    }

  if (server_json == NULL)
    {
      if (fetch_error != NULL)
        g_propagate_error (error, g_steal_pointer (&fetch_error));
      else
        g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                     _("the server reported a conflict but did not send its version (%u)"),
                     current != NULL ? current->status : 0);
      /* Without the server's version there is nothing to show the official
       * yet: the row stays first in line for the next pass. */
      if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        hall_store_defer_outbox (worker->store, item, (*error)->message, NULL);
      return PUSH_STOP;
    }

  if (!hall_store_record_conflict (worker->store, item, server_json, error))
    return PUSH_STOP;
  g_debug ("outbox %" G_GINT64_FORMAT " %s %s: conflict", item->seq, item->entity,
           item->entity_uuid);
  _hall_sync_engine_post_conflict (worker->engine, item->entity, item->entity_uuid);
  return PUSH_CONFLICT;
}

/* 409 to an applicant's PUT: the server has @existing, another applicant
 * with the same identity document (another counter, offline too, took the
 * same person in). Kept for the official to merge, with the server's
 * applicant as it is now; the rows of this one and its cases wait. */
static PushOutcome
record_duplicate (HallSyncWorker       *worker,
                  const HallOutboxItem *item,
                  const char           *existing,
                  GError              **error)
{
  g_autoptr (HallHttpResponse) current = NULL;
  g_autofree char *path = g_strdup_printf ("/v1/applicants/%s", existing);
  g_autofree char *server_json = NULL;

  current = _hall_sync_send_authorized (worker, "GET", path, NULL, NULL, error);
  if (current != NULL && current->status == 200)
    {
      gsize size;
      const char *data = g_bytes_get_data (current->body, &size);

      server_json = hall_sync_response_parse_applicant (existing, data, size, error);
    }
  else if (current != NULL)
    g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
                 _("the server named applicant %s as the holder of this identity document, but"
                   " answered %u for it"),
                 existing, current->status);
  if (server_json == NULL)
    {
      /* Nothing to show the official yet: the row stays first in line. */
      if (!g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (*error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
        hall_store_defer_outbox (worker->store, item, (*error)->message, NULL);
      return PUSH_STOP;
    }

  if (!hall_store_record_duplicate (worker->store, item, server_json, error))
    return PUSH_STOP;
  g_debug ("outbox %" G_GINT64_FORMAT " applicant %s: duplicate of %s", item->seq,
           item->entity_uuid, existing);
  _hall_sync_engine_post_conflict (worker->engine, item->entity, item->entity_uuid);
  return PUSH_CONFLICT;
}

/* A row whose request got no answer stays first in line, with the reason,
 * so that nothing after it goes before it; a cancelled pass or a lost
 * sign-in says nothing about the row. */
static void
defer_unanswered (HallSyncWorker       *worker,
                  const HallOutboxItem *item,
                  const GError         *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_AUTH))
    hall_store_defer_outbox (worker->store, item, error->message, NULL);
}

static PushOutcome handle_answer (HallSyncWorker       *worker,
                                  const HallOutboxItem *item,
                                  HallHttpResponse     *response,
                                  GError              **error);

static PushOutcome
push_one (HallSyncWorker       *worker,
          const HallOutboxItem *item,
          GError              **error)
{
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *key_header = g_strdup_printf ("Idempotency-Key: %s", item->uuid);
  g_autofree char *if_match = NULL;
  const char *extra[4] = { "Content-Type: application/json", key_header, NULL, NULL };

  if (item->base_version > 0)
    {
      if_match = g_strdup_printf ("If-Match: \"%" G_GINT64_FORMAT "\"", item->base_version);
      extra[2] = if_match;
    }
  body = g_bytes_new (item->body, item->body != NULL ? strlen (item->body) : 0);

  response = _hall_sync_send_authorized (worker, item->method, item->path, extra, body,
                                         &local_error);
  if (response == NULL)
    {
      defer_unanswered (worker, item, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return PUSH_STOP;
    }
  return handle_answer (worker, item, response, error);
}

/* What the server's answer to @item, alone or in a batch, does to it. */
static PushOutcome
handle_answer (HallSyncWorker       *worker,
               const HallOutboxItem *item,
               HallHttpResponse     *response,
               GError              **error)
{
  g_autofree char *reason = NULL;

  g_debug ("outbox %" G_GINT64_FORMAT " %s %s -> %u", item->seq, item->entity,
           item->entity_uuid, response->status);

  if (response->status >= 200 && response->status < 300)
    {
      if (!hall_store_ack_outbox (worker->store, item, answer_version (response), error))
        return PUSH_STOP;
      return PUSH_ACKED;
    }

  if (response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return PUSH_STOP;
    }

  /* 428: a creation met different content; the same as a stale version. */
  if (response->status == 412 || response->status == 428)
    return record_conflict (worker, item, response, error);

  if (response->status == 409 && g_strcmp0 (item->entity, "applicant") == 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (response->body, &size);
      g_autofree char *existing = hall_sync_response_parse_existing (data, size);

      if (existing != NULL)
        return record_duplicate (worker, item, existing, error);
    }

  if (response->status >= 400 && response->status < 500)
    {
      reason = _hall_sync_describe_problem (response);
      keep_first_reason (worker, item, &reason);
      if (!hall_store_reject_outbox (worker->store, item, (int) response->status, reason, error))
        return PUSH_STOP;
      emit_case_rejected (worker, item, reason);
      return PUSH_REJECTED;
    }

  /* 1xx and 3xx: nothing this client asked for. */
  reason = g_strdup_printf (_("unexpected answer %u from the server"), response->status);
  hall_store_defer_outbox (worker->store, item, reason, NULL);
  g_set_error_literal (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL, reason);
  return PUSH_STOP;
}

static void
count_outcome (HallSyncReport *report,
               PushOutcome     outcome)
{
  if (outcome == PUSH_ACKED)
    report->pushed++;
  else if (outcome == PUSH_REJECTED)
    report->rejected++;
  else if (outcome == PUSH_CONFLICT)
    report->conflicts++;
}

/* Batches in flight at once: a server reads one while its writer writes
 * another, and meanwhile the counter acknowledges the one answered
 * before. Four, not two: behind a balancer, two servers then have about
 * two each; a push of 10,000 cases through two servers on PostgreSQL was
 * faster in 7 of 8 alternated pairs, by 8-17 % (README's figures). */
#define MAX_BATCHES_IN_FLIGHT 4

/* One POST /v1/batch, sent on a thread of its own. */
typedef struct
{
  HallSyncWorker   *worker;
  GPtrArray        *items;     /* of HallOutboxItem: the batch's rows */
  GHashTable       *owners;    /* the applicants and cases its rows change */
  GBytes           *body;
  GThread          *thread;
  HallHttpResponse *response;
  GError           *error;
} Batch;

static void
batch_free (Batch *batch)
{
  if (batch->thread != NULL)
    g_thread_join (batch->thread);
  g_ptr_array_unref (batch->items);
  g_hash_table_unref (batch->owners);
  g_bytes_unref (batch->body);
  g_clear_pointer (&batch->response, hall_http_response_free);
  g_clear_error (&batch->error);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Batch, batch_free)

static gboolean
changed_in_flight (GQueue     *in_flight,
                   const char *owner)
{
  if (owner == NULL)
    return FALSE;
  for (GList *l = in_flight->head; l != NULL; l = l->next)
    if (g_hash_table_contains (((Batch *) l->data)->owners, owner))
      return TRUE;
  return FALSE;
}

/* A batch in flight may reach the server's writer after the one sent
 * after it, so a row waits while it needs one of them done first: a
 * change of an applicant or case a batch in flight changes, or a case
 * whose applicant it does. In its own batch, a row waits behind an
 * earlier change of the same entity when it is a PUT, whose If-Match the
 * earlier row's answer sets. */
static gboolean
row_must_wait (const HallOutboxItem *item,
               GHashTable           *owners,
               GQueue               *in_flight)
{
  if (changed_in_flight (in_flight, item->owner_uuid)
      || changed_in_flight (in_flight, item->applicant_uuid))
    return TRUE;
  /* A page's record is its own entity in its case: the pages of one case
   * go in one batch, each behind its case's rows, and an update of a page
   * behind that page's earlier row. */
  if (g_strcmp0 (item->entity, "page") == 0)
    return g_hash_table_contains (owners, item->entity_uuid);
  return g_strcmp0 (item->method, "PUT") == 0 && g_hash_table_contains (owners, item->owner_uuid);
}

/* Whether @item needs @before (the row before it) done first. */
static gboolean
row_needs (const HallOutboxItem *item,
           const HallOutboxItem *before)
{
  return g_strcmp0 (item->owner_uuid, before->owner_uuid) == 0
         || g_strcmp0 (item->applicant_uuid, before->owner_uuid) == 0;
}

/* How many of @items, from the first, go in a batch after those in
 * @in_flight; @owners gets what they change. A full batch ends where one
 * applicant's or case's rows do, when that leaves at least half of it, so
 * that the next batch need not wait for this one. */
static guint
batch_rows (GPtrArray  *items,
            guint       limit,
            GHashTable *owners,
            GQueue     *in_flight)
{
  guint n;

  for (n = 0; n < items->len && n < limit; n++)
    {
      const HallOutboxItem *item = g_ptr_array_index (items, n);

      /* Not an object: the row goes alone, and is refused on its own. A
       * license goes alone too: batches carry the changes of cases. */
      if (item->body == NULL || *item->body != '{' || item->owner_uuid == NULL
          || g_strcmp0 (item->entity, "license") == 0
          || row_must_wait (item, owners, in_flight))
        break;
      g_hash_table_add (owners, item->owner_uuid);
      if (g_strcmp0 (item->entity, "page") == 0)
        g_hash_table_add (owners, item->entity_uuid);
    }
  if (n == limit && n < items->len)
    {
      guint whole = n;

      while (whole > limit / 2
             && row_needs (g_ptr_array_index (items, whole), g_ptr_array_index (items, whole - 1)))
        whole--;
      if (whole > limit / 2)
        n = whole;
    }
  return n;
}

/* {"operations": [...]} of the first @n of @items; each row's body is the
 * JSON text the store holds, put in as it is. */
static GBytes *
batch_body (GPtrArray *items,
            guint      n)
{
  GString *out = g_string_sized_new (1024 * n);

  g_string_append (out, "{\"operations\":[");
  for (guint i = 0; i < n; i++)
    {
      const HallOutboxItem *item = g_ptr_array_index (items, i);

      g_string_append (out, i == 0 ? "{\"key\":" : ",{\"key\":");
      hall_json_append_string (out, item->uuid);
      g_string_append (out, ",\"method\":");
      hall_json_append_string (out, item->method);
      g_string_append (out, ",\"path\":");
      hall_json_append_string (out, item->path);
      if (item->base_version > 0)
        g_string_append_printf (out, ",\"if_match\":\"\\\"%" G_GINT64_FORMAT "\\\"\"",
                                item->base_version);
      g_string_append (out, ",\"body\":");
      g_string_append (out, item->body);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}");
  return g_string_free_to_bytes (out);
}

/* A batch of the first rows of @items that can go after those in
 * @in_flight, or NULL when fewer than two rows can. The rows it takes are
 * stolen from @items. */
static Batch *
batch_new (HallSyncWorker *worker,
           GPtrArray      *items,
           GQueue         *in_flight)
{
  g_autoptr (GHashTable) owners = g_hash_table_new (g_str_hash, g_str_equal);
  Batch *batch;
  guint n;

  n = batch_rows (items, worker->push_batch_size, owners, in_flight);
  if (n < 2)
    return NULL;

  batch = g_new0 (Batch, 1);
  batch->worker = worker;
  batch->body = batch_body (items, n);
  batch->items = g_ptr_array_new_with_free_func ((GDestroyNotify) hall_outbox_item_free);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (batch->items, g_steal_pointer (&g_ptr_array_index (items, i)));
  /* The keys were the rows' strings. */
  batch->owners = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    g_hash_table_add (batch->owners,
                      ((HallOutboxItem *) g_ptr_array_index (batch->items, i))->owner_uuid);
  return batch;
}

static gpointer
batch_send_thread (gpointer data)
{
  /* Of an accepted row's answer only its version counts here (its ETag):
   * the server's record of it comes with the pull. A server that knows
   * the preference leaves those bodies out, most of what there was to
   * read. */
  const char *extra[] = { "Content-Type: application/json", "Prefer: return=minimal", NULL };
  Batch *batch = data;

  batch->response = _hall_sync_send_authorized (batch->worker, "POST", "/v1/batch", extra,
                                                batch->body, &batch->error);
  return NULL;
}

static void
batch_start (Batch *batch)
{
  batch->thread = g_thread_new ("hall-sync-batch", batch_send_thread, batch);
}

/* Whether a row before the last in flight (@last_seq) may go now and is
 * not in flight. Every row before it that could go was in a batch when
 * that batch was read, so such a row was held back until a moment ago (a
 * duplicate merged during the push, a page's file sent), and a later row
 * of its case or applicant, read after the rows in flight, must not
 * overtake it: no batch goes until those in flight are answered, and the
 * next round starts from the head of the outbox. */
static gboolean
released_behind (HallSyncWorker *worker,
                 GQueue         *in_flight,
                 gint64          last_seq)
{
  g_autoptr (GArray) sent = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean found = TRUE;

  for (GList *l = in_flight->head; l != NULL; l = l->next)
    {
      GPtrArray *items = ((Batch *) l->data)->items;

      for (guint i = 0; i < items->len; i++)
        g_array_append_val (sent, ((HallOutboxItem *) g_ptr_array_index (items, i))->seq);
    }
  if (!hall_store_outbox_may_go_outside (worker->store, last_seq, (gint64 *) sent->data,
                                         sent->len, &found, NULL))
    return TRUE;
  return found;
}

/* Sends batches of the rows after those in @in_flight until it holds
 * MAX_BATCHES_IN_FLIGHT, or no batch can go yet. */
static void
send_more (HallSyncWorker *worker,
           GQueue         *in_flight)
{
  while (in_flight->length < MAX_BATCHES_IN_FLIGHT)
    {
      Batch *last = g_queue_peek_tail (in_flight);
      const HallOutboxItem *last_row = last != NULL
                                       ? g_ptr_array_index (last->items, last->items->len - 1)
                                       : NULL;
      g_autoptr (GPtrArray) items = NULL;
      Batch *batch;

      /* Only this worker takes rows off the outbox. */
      items = hall_store_peek_outbox_after (worker->store, last_row != NULL ? last_row->seq : 0,
                                            worker->push_batch_size + 1, NULL);
      /* Checked after the read: a row released after it is not in it. */
      if (items != NULL && last_row != NULL && released_behind (worker, in_flight, last_row->seq))
        return;
      batch = items != NULL ? batch_new (worker, items, in_flight) : NULL;
      if (batch == NULL)
        return;
      batch_start (batch);
      g_queue_push_tail (in_flight, batch);
    }
}

typedef enum
{
  BATCH_DONE,         /* all of it acknowledged */
  BATCH_STOPPED,      /* a row was handled alone: read the outbox again */
  BATCH_UNSUPPORTED,  /* refused whole: send the rows one by one */
  BATCH_FAILED,
} BatchOutcome;

/* Waits for the answer to @batch and takes it in order: the 2xx up to the
 * first other answer are acknowledged in one transaction, that answer is
 * handled as if its row had gone alone, and the rows after it stay queued
 * even when the server did them: sent again under the same keys, they get
 * the stored answers. So the outbox keeps its order.
 *
 * A batch answered after one before it stopped (@first_in_line FALSE)
 * only has its acknowledged rows taken: its first other answer and the
 * rows after it wait for the next round, which starts from the head. */
static BatchOutcome
batch_finish (Batch          *batch,
              gboolean        first_in_line,
              HallSyncReport *report,
              GError        **error)
{
  HallSyncWorker *worker = batch->worker;
  g_autoptr (GPtrArray) answers = NULL;
  g_autofree gint64 *versions = NULL;
  const HallOutboxItem *first = g_ptr_array_index (batch->items, 0);
  const HallOutboxItem *item;
  HallHttpResponse *answer;
  guint n = batch->items->len;
  PushOutcome outcome;
  const char *data;
  gsize size;
  guint acked;

  g_thread_join (g_steal_pointer (&batch->thread));
  if (batch->response == NULL)
    {
      if (first_in_line)
        defer_unanswered (worker, first, batch->error);
      g_propagate_error (error, g_steal_pointer (&batch->error));
      return BATCH_FAILED;
    }
  if (batch->response->status == 401)
    {
      _hall_sync_set_auth_error (error);
      return BATCH_FAILED;
    }
  if (batch->response->status != 200)
    {
      /* An older server (404, 405), or one that will not take this batch:
       * each row alone gets its own answer. */
      g_debug ("batch of %u refused (%u): sending rows one by one", n,
               batch->response->status);
      return BATCH_UNSUPPORTED;
    }

  data = g_bytes_get_data (batch->response->body, &size);
  answers = hall_sync_response_parse_batch_versions (data, size, n, &versions, error);
  if (answers == NULL)
    {
      if (first_in_line)
        hall_store_defer_outbox (worker->store, first, (*error)->message, NULL);
      return BATCH_FAILED;
    }
  for (acked = 0; acked < n; acked++)
    {
      answer = g_ptr_array_index (answers, acked);
      if (answer->status < 200 || answer->status >= 300)
        break;
    }

  if (!hall_store_ack_outbox_batch (worker->store, batch->items, versions, acked, error))
    return BATCH_FAILED;
  report->pushed += acked;
  g_debug ("batch of %u: %u acknowledged", n, acked);
  if (acked == n)
    return BATCH_DONE;
  if (!first_in_line)
    return BATCH_STOPPED;

  item = g_ptr_array_index (batch->items, acked);
  answer = g_ptr_array_index (answers, acked);
  /* Alone it would have been tried again; the next pass does that. */
  if (hall_retry_policy_status_is_transient (answer->status) || answer->status == 401)
    {
      g_autofree char *problem = _hall_sync_describe_problem (answer);

      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_SERVER,
                   _("the server could not take a change now (%u: %s); "
                     "sync will try again later"),
                   answer->status, problem);
      hall_store_defer_outbox (worker->store, item, (*error)->message, NULL);
      return BATCH_FAILED;
    }
  outcome = handle_answer (worker, item, answer, error);
  count_outcome (report, outcome);
  return outcome == PUSH_STOP ? BATCH_FAILED : BATCH_STOPPED;
}

/* Sends the head of the outbox in batches (POST /v1/batch), up to
 * MAX_BATCHES_IN_FLIGHT at once, so that the counter and the server work
 * at the same time: the server reads a batch while it writes the one
 * before, and the counter acknowledges one while the server does the
 * next. A batch holds no row that needs a batch in flight done first
 * (row_must_wait()).
 *
 * *@unsupported is set when the server has no batches (or refused one
 * whole): send the rows one by one instead. FALSE ends the push with
 * @error; TRUE with nothing done when the head of the outbox is a row to
 * send alone. */
static gboolean
push_batches (HallSyncWorker *worker,
              HallSyncReport *report,
              gboolean       *unsupported,
              GError        **error)
{
  GQueue *in_flight = g_queue_new ();
  BatchOutcome outcome = BATCH_DONE;

  send_more (worker, in_flight);
  while (outcome == BATCH_DONE && !g_queue_is_empty (in_flight))
    {
      g_autoptr (Batch) batch = g_queue_pop_head (in_flight);

      outcome = batch_finish (batch, TRUE, report, error);
      if (outcome == BATCH_DONE)
        send_more (worker, in_flight);
    }
  /* The batches still in flight were sent after the one that stopped,
   * but none holds a row that needs it (row_must_wait()), and the server
   * may have done them already: what it acknowledged leaves the outbox
   * now instead of going again, up to 1,500 rows with four in flight. */
  while (!g_queue_is_empty (in_flight))
    {
      g_autoptr (Batch) later = g_queue_pop_head (in_flight);
      g_autoptr (GError) later_error = NULL;

      /* The push has its error already; the network's or the server's
       * here only means these rows go again, but the store's is news. */
      if (batch_finish (later, FALSE, report, &later_error) == BATCH_FAILED)
        {
          if (later_error->domain == HALL_SYNC_ERROR || later_error->domain == G_IO_ERROR)
            g_debug ("a batch answered after the push stopped: %s", later_error->message);
          else
            g_warning ("Could not take the answer to a batch sent before the push stopped: %s",
                       later_error->message);
        }
    }
  g_queue_free (in_flight);
  *unsupported = outcome == BATCH_UNSUPPORTED;
  return outcome != BATCH_FAILED;
}

gboolean
_hall_sync_push (HallSyncWorker *worker,
                 HallSyncReport *report,
                 GError        **error)
{
  gboolean unbatched = worker->push_batch_size <= 1;

  /* Each round reads the outbox again: acknowledging a row rewrites the
   * If-Match version of the rows after it. */
  for (;;)
    {
      g_autoptr (GPtrArray) items = NULL;
      PushOutcome outcome;

      items = hall_store_peek_outbox (worker->store, 1, error);
      if (items == NULL)
        return FALSE;
      if (items->len == 0)
        return TRUE;

      if (!unbatched)
        {
          guint before = report->pushed + report->rejected + report->conflicts;

          if (!push_batches (worker, report, &unbatched, error))
            return FALSE;
          /* Nothing could go in a batch: its head goes alone. */
          if (unbatched || report->pushed + report->rejected + report->conflicts != before)
            continue;
        }

      outcome = push_one (worker, g_ptr_array_index (items, 0), error);
      if (outcome == PUSH_STOP)
        return FALSE;
      count_outcome (report, outcome);
    }
}
