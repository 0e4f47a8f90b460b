/* hall-store-search.c — what an official types in the search box, each
 * kind of query routed to the index that answers it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-search-query.h"
#include "hall-store-paging.h"
#include "hall-store-private.h"
#include "hall-store-test-hooks.h"

/* How each kind of query finds its candidates: applicants or cases whose
 * rowids answer it, from one index. */
typedef struct
{
  HallSearchKind  kind;
  gboolean        of_cases;   /* candidates are case rowids, not applicant ones */
  gboolean        two_params; /* a range: ?1 <= col < ?2 */
  const char     *candidates;
  /* How many candidates, up to ?3: counted inside SQLite, which is several
   * times cheaper than stepping them out to decide on a plan. */
  const char     *count;
  /* For a few candidates: their cases, newest first, through an index. */
  const char     *seek;
  /* For candidate sets too large to collect: walk the cases newest first
   * and test each. NULL where the full-text index is cheap to read whole. */
  const char     *walk;
} SearchRoute;

/* SQLite runs the IN list once into a temporary table and seeks each of
 * its rows in cases_applicant, keeping only the newest @limit in its
 * sorter: faster than stepping one statement per candidate from C. */
#define SEEK_APPLICANTS(candidates)                                             \
  "SELECT c.created_at, c.id FROM cases c INDEXED BY cases_applicant"           \
  " WHERE c.applicant_id IN (" candidates ")"                                   \
  " ORDER BY c.created_at DESC, c.id DESC LIMIT ?3"
#define COUNT(candidates) "SELECT count(*) FROM (" candidates " LIMIT ?3)"
#define CANDIDATES_APPLICANTS(cond) "SELECT id FROM applicants WHERE " cond
#define ROUTE_APPLICANTS(kind, two, cond)                                       \
  { kind, FALSE, two, CANDIDATES_APPLICANTS (cond), COUNT (CANDIDATES_APPLICANTS (cond)), \
    SEEK_APPLICANTS (CANDIDATES_APPLICANTS (cond)), WALK_APPLICANT (cond) }
#define FTS_CANDIDATES(table) "SELECT rowid FROM " table " WHERE " table " MATCH ?1"

/* A walk of case_search (schema 14) in the list's order: each row holds
 * its applicant's keys, so a broad query reads a short run of consecutive
 * pages to find its first page of cases, and no applicant row. */
#define WALK_HEAD "SELECT created_at, id FROM case_search WHERE "
#define WALK_TAIL " ORDER BY created_at DESC, id DESC LIMIT ?3"
#define WALK_APPLICANT(cond) WALK_HEAD cond WALK_TAIL

/* A walk inside one bucket of case_search (schema 14): the cases whose key
 * starts like the query's, newest first, the rest of the prefix tested in
 * the index. NULL where no bucket fits the query. */
#define BUCKET_WALK(index, col, n)                                              \
  "SELECT created_at, id FROM case_search INDEXED BY " index                    \
  " WHERE substr (" col ", 1, " #n ") = substr (?1, 1, " #n ")"                 \
  " AND " col " >= ?1 AND " col " < ?2"                                         \
  " ORDER BY created_at DESC, id DESC LIMIT ?3"

static const char *
bucket_walk (HallSearchKind  kind,
             const char     *text)
{
  glong n_chars = g_utf8_strlen (text, -1);

  switch (kind)
    {
    case HALL_SEARCH_PHONE_PREFIX:
      return n_chars >= 4 ? BUCKET_WALK ("case_search_phone4", "phone", 4) : NULL;
    case HALL_SEARCH_DOCUMENT_PREFIX:
      if (n_chars >= 10)
        return BUCKET_WALK ("case_search_id10", "id_number", 10);
      return n_chars >= 6 ? BUCKET_WALK ("case_search_id6", "id_number", 6) : NULL;
    case HALL_SEARCH_NAME_PREFIX:
      return n_chars >= 1 ? BUCKET_WALK ("case_search_name1", "name", 1) : NULL;
    default:
      return NULL;
    }
}

/* Up to this many candidates, seeking each one's cases reads fewer pages
 * than a bucket's walk. */
#define SEARCH_SEEK_BUCKET_MAX 16

/* Case numbers are "<hall>-<year>-<counter>-<seq>". */
#define OF_COUNTER " AND (?4 IS NULL OR instr (number, '-' || ?4 || '-') > 0)"

static const SearchRoute search_routes[] = {
  ROUTE_APPLICANTS (HALL_SEARCH_DOCUMENT, FALSE, "id_number = ?1"),
  ROUTE_APPLICANTS (HALL_SEARCH_DOCUMENT_PREFIX, TRUE, "id_number >= ?1 AND id_number < ?2"),
  ROUTE_APPLICANTS (HALL_SEARCH_PHONE_PREFIX, TRUE, "phone >= ?1 AND phone < ?2"),
  ROUTE_APPLICANTS (HALL_SEARCH_NAME_PREFIX, TRUE, "name >= ?1 AND name < ?2"),
  /* Answered by search_name_bigram (). */
  { HALL_SEARCH_NAME_BIGRAM, TRUE, FALSE, NULL, NULL, NULL, NULL },
  { HALL_SEARCH_SUBSTRING, FALSE, FALSE, FTS_CANDIDATES ("applicant_trigrams"),
    COUNT (FTS_CANDIDATES ("applicant_trigrams")),
    SEEK_APPLICANTS (FTS_CANDIDATES ("applicant_trigrams")), NULL },
  /* Answered by search_case_number (). */
  { HALL_SEARCH_CASE_NUMBER, TRUE, TRUE, NULL, NULL, NULL, NULL },
  /* ?4: the counter of "C03-000123", or NULL. */
  { HALL_SEARCH_CASE_SEQ, TRUE, FALSE, "SELECT id FROM cases WHERE seq = ?1" OF_COUNTER,
    COUNT ("SELECT id FROM cases WHERE seq = ?1" OF_COUNTER),
    "SELECT created_at, id FROM cases WHERE seq = ?1" OF_COUNTER
    " ORDER BY created_at DESC, id DESC LIMIT ?3", NULL },
};

/* Up to this many candidates, each one's cases are looked up through an
 * index and sorted; beyond it, walking case_search newest first finds
 * @limit matches sooner, and on a cold file cache far sooner: the seeks
 * read a random page each. Routes without a walk collect the candidates
 * into a set and walk cases_created. */
#define SEARCH_SEEK_MAX 2048
/* The same for routes with a walk of case_search: it reads consecutive
 * pages, the seeks random ones. */
#define SEARCH_SEEK_WALK_MAX 256

/* How often (in SQLite virtual machine steps) a search looks whether it
 * was cancelled. */
#define SEARCH_PROGRESS_STEPS 4096

static int
key_compare_desc (gconstpointer a,
                  gconstpointer b)
{
  const HallStoreKey *ka = a;
  const HallStoreKey *kb = b;

  if (ka->created_at != kb->created_at)
    return ka->created_at < kb->created_at ? 1 : -1;
  if (ka->id != kb->id)
    return ka->id < kb->id ? 1 : -1;
  return 0;
}

static void
bind_route (sqlite3_stmt      *stmt,
            const SearchRoute *route,
            HallSearchQuery   *query,
            const char        *param1,
            const char        *param2)
{
  if (route->kind == HALL_SEARCH_CASE_SEQ)
    {
      sqlite3_bind_int64 (stmt, 1, query->seq);
      hall_sqlite_bind_text (stmt, 4, query->counter);
    }
  else
    hall_sqlite_bind_text (stmt, 1, param1);
  if (route->two_params)
    sqlite3_bind_text (stmt, 2, param2, -1, SQLITE_TRANSIENT);
}

/* A case number is "<hall>-<year>-<counter>-<seq>", and within one hall,
 * year and counter the sequence grows with time (it is drawn in the same
 * transaction that stamps the case). So the newest cases of a number prefix
 * are the highest numbers of each such group it spans: a few seeks per
 * group, where walking by date would cross every case since the prefix's
 * last one, and collecting by number every case under it. */
static gboolean
search_case_number (HallSqliteConn   *conn,
                    HallSearchQuery  *query,
                    guint             limit,
                    GArray           *keys,
                    GError          **error)
{
  g_autofree char *end = hall_search_prefix_end (query->text);
  g_autofree char *cursor = g_strdup (query->text);
  g_autoptr (HallSqliteStmt) first = NULL;
  g_autoptr (HallSqliteStmt) top = NULL;
  int rc;

  first = hall_sqlite_conn_prepare (conn,
                                    "SELECT number FROM cases WHERE number >= ?1 AND number < ?2"
                                    " ORDER BY number LIMIT 1",
                                    error);
  top = first == NULL ? NULL
                      : hall_sqlite_conn_prepare (conn,
                                                  "SELECT created_at, id FROM cases"
                                                  " WHERE number >= ?1 AND number < ?2"
                                                  " ORDER BY number DESC LIMIT ?3",
                                                  error);
  if (top == NULL)
    return FALSE;

  while (TRUE)
    {
      g_autofree char *group = NULL;
      g_autofree char *group_end = NULL;
      const char *number;
      const char *p;
      guint dashes = 0;

      sqlite3_bind_text (first, 1, cursor, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (first, 2, end, -1, SQLITE_STATIC);
      rc = sqlite3_step (first);
      if (rc == SQLITE_DONE)
        break;
      if (rc != SQLITE_ROW)
        {
          hall_sqlite_set_error (error, sqlite3_db_handle (first), _("search"));
          return FALSE;
        }
      number = (const char *) sqlite3_column_text (first, 0);
      for (p = number; *p != '\0' && dashes < 3; p++)
        if (*p == '-')
          dashes++;
      group = g_strndup (number, p - number);
      sqlite3_reset (first);

      /* The prefix may reach into the group ("YC-2026-C03-00"). */
      group_end = hall_search_prefix_end (group);
      sqlite3_bind_text (top, 1, strlen (group) > strlen (query->text) ? group : query->text, -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_text (top, 2, strcmp (group_end, end) < 0 ? group_end : end, -1,
                         SQLITE_TRANSIENT);
      sqlite3_bind_int64 (top, 3, limit);
      if (!_hall_store_step_rows (top, _hall_store_append_key, keys, _("search"), error))
        return FALSE;
      sqlite3_reset (top);
      if (strcmp (group_end, end) >= 0)
        break;
      g_free (cursor);
      cursor = g_steal_pointer (&group_end);
    }
  return TRUE;
}

/* Two Chinese characters anywhere in the name: the newest cases whose
 * name holds the bigram are one range of case_bigrams (schema 16). */
static gboolean
search_name_bigram (HallSqliteConn   *conn,
                    HallSearchQuery  *query,
                    guint             limit,
                    GArray           *keys,
                    GError          **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (conn,
                                   "SELECT created_at, id FROM case_bigrams WHERE bigram = ?1"
                                   " ORDER BY created_at DESC, id DESC LIMIT ?2",
                                   error);
  if (stmt == NULL)
    return FALSE;
  hall_sqlite_bind_text (stmt, 1, query->text);
  sqlite3_bind_int64 (stmt, 2, limit);
  return _hall_store_step_rows (stmt, _hall_store_append_key, keys, _("search"), error);
}

static void
append_id (HallSqliteStmt *stmt,
           gpointer        ids)
{
  gint64 id = sqlite3_column_int64 (stmt, 0);

  g_array_append_val (ids, id);
}

/* Appends the keys of the newest @limit cases that answer @route. */
static gboolean
search_route (HallSqliteConn     *conn,
              const SearchRoute  *route,
              HallSearchQuery    *query,
              guint               limit,
              GArray             *keys,
              GCancellable       *cancellable,
              GError            **error)
{
  g_autofree char *param1 = NULL;
  g_autofree char *param2 = NULL;
  gint64 n_candidates = 0;
  const char *bucket;
  guint found = 0;
  int rc;

  if (route->kind == HALL_SEARCH_CASE_NUMBER)
    return search_case_number (conn, query, limit, keys, error);
  if (route->kind == HALL_SEARCH_NAME_BIGRAM)
    return search_name_bigram (conn, query, limit, keys, error);

  if (route->kind == HALL_SEARCH_SUBSTRING)
    param1 = hall_search_fts_phrase (query->text);
  else
    param1 = g_strdup (query->text);
  if (route->two_params)
    param2 = hall_search_prefix_end (param1);

  {
    g_autoptr (HallSqliteStmt) stmt = hall_sqlite_conn_prepare (conn, route->count, error);

    if (stmt == NULL)
      return FALSE;
    bind_route (stmt, route, query, param1, param2);
    /* Without a walk, every candidate is collected however many. */
    sqlite3_bind_int64 (stmt, 3, route->walk != NULL ? SEARCH_SEEK_WALK_MAX + 1 : -1);
    rc = sqlite3_step (stmt);
    if (rc != SQLITE_ROW)
      {
        hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("search"));
        return FALSE;
      }
    n_candidates = sqlite3_column_int64 (stmt, 0);
  }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (n_candidates == 0)
    return TRUE;
  bucket = bucket_walk (route->kind, param1);
  if (n_candidates <= SEARCH_SEEK_MAX || route->walk != NULL)
    {
      g_autoptr (HallSqliteStmt) stmt = NULL;
      const char *sql = route->walk;

      if (route->walk == NULL
          || n_candidates <= (bucket != NULL ? SEARCH_SEEK_BUCKET_MAX : SEARCH_SEEK_WALK_MAX))
        sql = route->seek;
      else if (bucket != NULL)
        sql = bucket;
      stmt = hall_sqlite_conn_prepare (conn, sql, error);
      if (stmt == NULL)
        return FALSE;
      bind_route (stmt, route, query, param1, param2);
      sqlite3_bind_int64 (stmt, 3, limit);
      return _hall_store_step_rows (stmt, _hall_store_append_key, keys, _("search"), error);
    }
  else
    {
      g_autoptr (GArray) candidates = g_array_sized_new (FALSE, FALSE, sizeof (gint64),
                                                         n_candidates);
      g_autoptr (GHashTable) set = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr (HallSqliteStmt) collect = hall_sqlite_conn_prepare (conn, route->candidates,
                                                                     error);
      g_autoptr (HallSqliteStmt) stmt = NULL;

      if (collect == NULL)
        return FALSE;
      bind_route (collect, route, query, param1, param2);
      if (!_hall_store_step_rows (collect, append_id, candidates, _("search"), error))
        return FALSE;
      /* The array is not resized past here: pointers into it hold. */
      for (guint i = 0; i < candidates->len; i++)
        g_hash_table_add (set, &g_array_index (candidates, gint64, i));

      /* An index-only walk: cases_created holds the applicant's rowid. */
      stmt = hall_sqlite_conn_prepare (conn,
                                       "SELECT created_at, id, applicant_id"
                                       " FROM cases INDEXED BY cases_created"
                                       " ORDER BY created_at DESC, id DESC",
                                       error);
      if (stmt == NULL)
        return FALSE;
      while (found < limit && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 probe = sqlite3_column_int64 (stmt, route->of_cases ? 1 : 2);

          if (g_hash_table_contains (set, &probe))
            {
              _hall_store_append_key (stmt, keys);
              found++;
            }
        }
      rc = found == limit ? SQLITE_DONE : rc;
    }

  if (rc != SQLITE_DONE)
    {
      hall_sqlite_set_error (error, hall_sqlite_conn_get_db (conn), _("search"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  HallSearchQuery *query;
  guint            limit;
  GCancellable    *cancellable;
  GPtrArray       *cases;
} SearchRead;

/* Every few thousand steps of SQLite's machine: a newer keystroke's
 * search stops this one inside a statement, not after it. */
static int
search_cancelled (gpointer data)
{
  return g_cancellable_is_cancelled (data);
}

static gboolean
search_routes_all (HallSqliteConn  *reader,
                   SearchRead      *read,
                   GArray          *keys,
                   GError         **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (search_routes); i++)
    {
      if (!(read->query->kinds & search_routes[i].kind))
        continue;
      if (!search_route (reader, &search_routes[i], read->query, read->limit, keys,
                         read->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

/* The ids of the newest @read->limit cases that answer the query, newest
 * first, into @ids. */
static gboolean
search_ids (HallSqliteConn  *reader,
            SearchRead      *read,
            GArray          *ids,
            GError         **error)
{
  sqlite3 *db = hall_sqlite_conn_get_db (reader);
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gboolean ok;

  if (read->cancellable != NULL)
    sqlite3_progress_handler (db, SEARCH_PROGRESS_STEPS, search_cancelled, read->cancellable);
  ok = search_routes_all (reader, read, keys, error);
  /* The reader goes back to the pool: the handler must not stay on it. */
  sqlite3_progress_handler (db, 0, NULL, NULL);
  if (!ok)
    {
      /* Interrupted: said as what it is, not as a database error. */
      if (g_cancellable_is_cancelled (read->cancellable))
        {
          g_clear_error (error);
          g_cancellable_set_error_if_cancelled (read->cancellable, error);
        }
      return FALSE;
    }

  /* Several readings of one query can find the same case. */
  g_array_sort (keys, key_compare_desc);
  for (guint i = 0; i < keys->len && ids->len < read->limit; i++)
    {
      HallStoreKey *key = &g_array_index (keys, HallStoreKey, i);

      if (g_hash_table_add (seen, &key->id))
        g_array_append_val (ids, key->id);
    }
  return TRUE;
}

static gboolean
read_search (HallSqliteConn  *reader,
             gpointer         data,
             GError         **error)
{
  SearchRead *read = data;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (!search_ids (reader, read, ids, error))
    return FALSE;
  read->cases = _hall_store_read_cases_by_id (reader, (gint64 *) ids->data, ids->len, error);
  return read->cases != NULL;
}

gboolean
_hall_store_search_ids (HallSqliteConn  *reader,
                        const char      *text,
                        guint            limit,
                        GCancellable    *cancellable,
                        GArray          *ids,
                        GError         **error)
{
  g_autoptr (HallSearchQuery) query = hall_search_query_new (text);
  SearchRead read = { query, limit, cancellable, NULL };

  if (query->kinds == HALL_SEARCH_NONE || limit == 0)
    return TRUE;
  return search_ids (reader, &read, ids, error);
}

static GPtrArray *
search_cases (HallStore     *self,
              const char    *text,
              guint          limit,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (HallSearchQuery) query = hall_search_query_new (text);
  SearchRead read = { query, limit, cancellable, NULL };

  if (query->kinds == HALL_SEARCH_NONE || limit == 0)
    return g_ptr_array_new_with_free_func (g_object_unref);
  if (!_hall_store_read (self, read_search, &read, error))
    return NULL;
  return read.cases;
}

GPtrArray *
hall_store_search_cases (HallStore   *self,
                         const char  *query,
                         guint        limit,
                         GError     **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return search_cases (self, query, limit, NULL, error);
}

GPtrArray *
_hall_store_search_cases_cancellable (HallStore     *self,
                                      const char    *query,
                                      guint          limit,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_return_val_if_fail (HALL_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  return search_cases (self, query, limit, cancellable, error);
}

typedef struct
{
  char  *query;
  guint  limit;
} SearchData;

static void
search_data_free (SearchData *data)
{
  g_free (data->query);
  g_free (data);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchData *data = task_data;
  GError *error = NULL;
  GPtrArray *cases;

  if (g_task_return_error_if_cancelled (task))
    return;
  cases = search_cases (source_object, data->query, data->limit, cancellable, &error);
  if (cases == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, cases, (GDestroyNotify) g_ptr_array_unref);
}

void
hall_store_search_cases_async (HallStore           *self,
                               const char          *query,
                               guint                limit,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  SearchData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_store_search_cases_async);
  g_task_set_return_on_cancel (task, TRUE);
  data = g_new0 (SearchData, 1);
  data->query = g_strdup (query);
  data->limit = limit;
  g_task_set_task_data (task, data, (GDestroyNotify) search_data_free);
  g_task_run_in_thread (task, search_thread);
}

GPtrArray *
hall_store_search_cases_finish (HallStore     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A first pull's search keys, written in one pass (hall_store_begin_pull()):
 * the cases without a row in case_search get one, in its order, and with
 * it their name bigrams (its triggers); the full-text indexes, which saw no
 * applicant while the pull ran, are made again from the applicants, as
 * migration 2 made them. */
#define INSERT_CASE_KEYS_SQL                                                               \
  "INSERT INTO case_search (created_at, id, applicant_id, id_number, phone, name)"         \
  "  SELECT c.created_at, c.id, c.applicant_id, a.id_number, coalesce (a.phone, ''), a.name" \
  "  FROM cases c JOIN applicants a ON a.id = c.applicant_id"

static const char fill_search_sql[] =
  INSERT_CASE_KEYS_SQL
  "  WHERE NOT EXISTS (SELECT 1 FROM case_search s"
  "                    WHERE s.created_at = c.created_at AND s.id = c.id)"
  "  ORDER BY c.created_at, c.id;"
  "INSERT INTO applicant_bigrams (applicant_bigrams) VALUES ('delete-all');"
  "INSERT INTO applicant_trigrams (applicant_trigrams) VALUES ('delete-all');"
  "INSERT INTO applicant_bigrams (rowid, bigrams)"
  "  SELECT id, hall_name_bigrams (name) FROM applicants;"
  "INSERT INTO applicant_trigrams (rowid, name, phone, id_number)"
  "  SELECT id, name, coalesce (phone, ''), id_number FROM applicants;"
  "DELETE FROM meta WHERE key = 'search_fill';";

/* The insert triggers a first pull loads without, as a bulk load does
 * (each costs a pulled case or applicant about as much as its insert, for
 * being there at all): meanwhile the store writes a case's two counts
 * itself (_hall_store_insert_case_locked()), gives every case its due
 * group and every entry its hashes as it inserts them, and leaves the
 * search keys to the pull's end, which puts the triggers back as
 * sqlite_master had them, kept in meta ("trigger:NN:NAME") until then. */
static const char save_first_pull_triggers_sql[] =
  /* Numbered in the order they were made, the order they are made again:
   * SQLite fires a table's triggers by it. */
  "INSERT INTO meta (key, value)"
  "  SELECT printf ('trigger:%02d:%s', row_number () OVER (ORDER BY rowid), name), sql"
  "  FROM sqlite_master WHERE type = 'trigger' AND name IN"
  "  ('cases_count_insert', 'cases_state_count_insert', 'cases_due_rank_insert',"
  "   'case_search_insert', 'case_search_applicant_insert', 'case_events_chain');"
  "DROP TRIGGER IF EXISTS cases_count_insert;"
  "DROP TRIGGER IF EXISTS cases_state_count_insert;"
  "DROP TRIGGER IF EXISTS cases_due_rank_insert;"
  "DROP TRIGGER IF EXISTS case_search_insert;"
  "DROP TRIGGER IF EXISTS case_search_applicant_insert;"
  "DROP TRIGGER IF EXISTS case_events_chain;";

gboolean
_hall_store_drop_insert_triggers_locked (HallStore  *self,
                                         GError    **error)
{
  return hall_sqlite_conn_exec (self->writer, save_first_pull_triggers_sql,
                                _("set up the first pull"), error);
}

gboolean
_hall_store_restore_insert_triggers_locked (HallStore  *self,
                                            GError    **error)
{
  g_autoptr (GPtrArray) triggers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (HallSqliteStmt) stmt = NULL;
  int rc;

  stmt = hall_sqlite_conn_prepare (self->writer,
                                   "SELECT value FROM meta WHERE key LIKE 'trigger:%' ORDER BY key",
                                   error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (triggers, hall_sqlite_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    return hall_sqlite_set_error (error, sqlite3_db_handle (stmt), _("look at the store"));
  g_clear_pointer (&stmt, hall_sqlite_stmt_release);
  for (guint i = 0; i < triggers->len; i++)
    if (!hall_sqlite_conn_exec (self->writer, g_ptr_array_index (triggers, i),
                                _("index the pulled cases for search"), error))
      return FALSE;
  return hall_sqlite_conn_exec (self->writer, "DELETE FROM meta WHERE key LIKE 'trigger:%'",
                                _("index the pulled cases for search"), error);
}

/* A case taken in here while a first pull runs is found at once, as the
 * trigger away meanwhile would have it (case_search_insert). */
gboolean
_hall_store_write_case_keys_locked (HallStore  *self,
                                    gint64      case_id,
                                    GError    **error)
{
  g_autoptr (HallSqliteStmt) stmt = NULL;

  stmt = hall_sqlite_conn_prepare (self->writer, INSERT_CASE_KEYS_SQL " WHERE c.id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, case_id);
  return hall_sqlite_stmt_run (stmt, _("save the case"), error);
}

/* Writes what a first pull left out, with the end of its state, in one
 * transaction: cut off half-way it leaves the state as it was, and is
 * done again. */
gboolean
_hall_store_fill_search (HallStore *self,
                         GError   **error)
{
  gboolean ok;

  if (!_hall_store_write_begin (self, error))
    return FALSE;
  if (!self->search_fill)
    {
      _hall_store_write_rollback (self);
      return TRUE;
    }
  ok = hall_sqlite_conn_exec (self->writer, fill_search_sql,
                              _("index the pulled cases for search"), error)
       && _hall_store_restore_insert_triggers_locked (self, error);
  if (ok && self->fail_fill)
    {
      self->fail_fill = FALSE;
      g_set_error_literal (error, HALL_STORE_ERROR, HALL_STORE_ERROR_SQL,
                           "search keys: failing before the commit, as asked");
      ok = FALSE;
    }
  /* Cleared before the commit, under the lock, so that no write after it
   * leaves its keys out; a failed commit sets it again first. */
  self->search_fill = !ok;
  if (ok && !hall_sqlite_conn_exec (self->writer, "COMMIT", _("save the changes"), error))
    {
      self->search_fill = TRUE;
      ok = FALSE;
    }
  if (!ok)
    {
      _hall_store_write_rollback (self);
      return FALSE;
    }
  g_mutex_unlock (&self->write_lock);
  return TRUE;
}

void
_hall_store_fail_next_search_fill (HallStore *self)
{
  g_return_if_fail (HALL_IS_STORE (self));
  self->fail_fill = TRUE;
}
