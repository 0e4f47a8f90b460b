/* hall-case-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main thread never reads SQLite here. get_item() answers at once: a
 * page not read yet is made of placeholder cases, and a reader on a
 * worker (the store's read-only connections) fills it, most recently
 * wanted page first, and its placeholders become their cases in place
 * (notifying), so a view keeps its row widgets.
 * The count and the first case are read the same way when the store
 * changes, and so is a case that changed in place.
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "hall-background-task.h"
#include "hall-case-copy.h"
#include "hall-case-private.h"
#include "hall-case-list-model.h"
#include "hall-case-list-model-test-hooks.h"
#include "hall-store-paging.h"

/* How many pages of rows to keep; a screen shows well under one. */
#define MAX_PAGES 16

#define PAGE_SIZE HALL_CASE_LIST_MODEL_PAGE_SIZE

/* Beyond this many rows to skip, a jump is far: it is served the slow way
 * once, and the keys of every MARK_INTERVAL-th case are read on a worker so
 * that the next far jump skips fewer than MARK_INTERVAL rows. Read only on
 * demand, as start-up reads only the first page. */
#define FAR_SKIP      10000
#define MARK_INTERVAL 1000

typedef struct
{
  guint      index;
  GPtrArray *cases;  /* of HallCase: placeholders until filled */
  gboolean   filled;
} Page;

static void
page_free (Page *page)
{
  g_ptr_array_unref (page->cases);
  g_free (page);
}
/* Where a page starts: the key of its first row. Pages are found by
 * seeking to the nearest known start at or before them and skipping the
 * rest, so a deep page costs a seek and a short index walk rather than an
 * OFFSET over every row before it. */
typedef struct
{
  HallStorePosition key;
  gboolean          known;
} Anchor;

struct _HallCaseListModel
{
  GObject       parent_instance;

  HallStore    *store;
  gulong        changed_id;
  gulong        case_changed_id;

  /* Paging over the whole store, in the order sort. */
  HallCaseSort  sort;
  guint         n_cases;
  HallStorePosition top;  /* the first case when last counted */
  gboolean      has_top;
  gint64        moves;    /* the store's count of changes that may move a
                           * case in the due order, when last counted */
  GHashTable   *pages;    /* page index -> Page */
  GQueue        lru;      /* of Page, most recently used first */
  GArray       *anchors;  /* of Anchor, by page index */
  GArray       *marks;    /* of HallStorePosition: mark i is the case at rank
                           * i * MARK_INTERVAL + marks_shift */
  guint         marks_shift;
  GCancellable *marks_cancellable;
  guint         generation; /* counts changes, to spot stale marks and pages */

  /* The reader: one page read at a time, the most recently wanted first,
   * so that a drag through the list reads where it stops, not every page
   * it passed. */
  GQueue        wanted;   /* of page indexes, most recent first */
  gboolean      reading;
  GCancellable *cancellable; /* of the reads below, until dispose */
  gboolean      refreshing;
  gboolean      refresh_again;
  HallStorePager *pager;    /* the page reads', made and used on the worker */
  GHashTable   *case_reads; /* uuid -> whether to read it again */
  GHashTable   *live;       /* uuid -> LiveCase: a case handed out and still
                             * alive (weak): a case read again is the same
                             * object, so a view keeps its selection on it */

  /* Search and filters. */
  char         *query;
  HallCaseFilter filter;
  gint64        clock;      /* seconds a test set the clock to, else 0 */
  guint         n_matching; /* cases that pass the filter, in all */
  GPtrArray    *results;  /* of HallCase; non-NULL while they are shown */
  gboolean      emptied;  /* between the two halves of replace_all () */
  GCancellable *search_cancellable;
};

static void hall_case_list_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HallCaseListModel, hall_case_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      hall_case_list_model_list_model_init))

enum
{
  PROP_0,
  PROP_STORE,
  PROP_QUERY,
  PROP_SEARCHING,
  PROP_N_MATCHING,
  PROP_SORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const Anchor *
nearest_anchor (HallCaseListModel *self,
                guint              page,
                guint             *anchor_page)
{
  for (guint i = MIN (page + 1, self->anchors->len); i > 0; i--)
    {
      const Anchor *anchor = &g_array_index (self->anchors, Anchor, i - 1);

      if (anchor->known)
        {
          *anchor_page = i - 1;
          return anchor;
        }
    }
  *anchor_page = 0;
  return NULL;
}

typedef struct
{
  HallCaseSort sort;
  GArray      *marks;
  guint        n_cases;
  guint        generation;
} MarksResult;

static void
marks_result_free (MarksResult *result)
{
  g_clear_pointer (&result->marks, g_array_unref);
  g_free (result);
}

static void
scan_marks_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  HallCaseListModel *self = source_object;
  const MarksResult *asked = task_data;
  MarksResult *result = g_new0 (MarksResult, 1);
  GError *error = NULL;

  /* A walk of the whole index, once: on a connection of its own, whose
   * cache goes when it is done, rather than through a shared reader's. */
  g_autoptr (HallStorePager) pager = _hall_store_pager_new (self->store, NULL);

  result->generation = asked->generation;
  result->sort = asked->sort;
  result->marks = _hall_store_scan_marks (self->store, pager, asked->sort, MARK_INTERVAL,
                                          &result->n_cases, cancellable, &error);
  /* Its cache, some megabytes of pages of the index, goes back to the
   * system, not to this worker's malloc arena. */
  g_clear_pointer (&pager, _hall_store_pager_free);
#ifdef __GLIBC__
  malloc_trim (0);
#endif
  if (result->marks == NULL)
    {
      marks_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) marks_result_free);
}

static void
scan_marks_done (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (source);
  g_autoptr (GError) error = NULL;
  MarksResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  /* A cancelled scan's cancellable may already be a newer scan's. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->marks_cancellable);
  if (result == NULL)
    {
      g_warning ("Could not index the list of cases: %s", error->message);
      return;
    }

  /* Taken from a snapshot older than what the list shows: of no use. */
  if (result->generation == self->generation && result->sort == self->sort
      && result->n_cases == self->n_cases)
    {
      g_clear_pointer (&self->marks, g_array_unref);
      self->marks = g_steal_pointer (&result->marks);
      self->marks_shift = 0;
    }
  marks_result_free (result);
}

static void
scan_marks (HallCaseListModel *self)
{
  g_autoptr (GTask) task = NULL;
  MarksResult *asked;

  if (self->marks != NULL || self->marks_cancellable != NULL)
    return;
  self->marks_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->marks_cancellable, scan_marks_done, NULL);
  g_task_set_source_tag (task, scan_marks);
  asked = g_new0 (MarksResult, 1);
  asked->generation = self->generation;
  asked->sort = self->sort;
  g_task_set_task_data (task, asked, (GDestroyNotify) marks_result_free);
  g_task_run_in_thread (task, scan_marks_thread);
}

static void
drop_marks (HallCaseListModel *self)
{
  g_cancellable_cancel (self->marks_cancellable);
  g_clear_object (&self->marks_cancellable);
  g_clear_pointer (&self->marks, g_array_unref);
  self->marks_shift = 0;
}

static GQuark
placeholder_quark (void)
{
  static GQuark quark;

  if (quark == 0)
    quark = g_quark_from_static_string ("hall-case-list-model-placeholder");
  return quark;
}

static HallCase *
placeholder_new (void)
{
  HallCase *placeholder = hall_case_new ();

  g_object_set_qdata (G_OBJECT (placeholder), placeholder_quark (), GINT_TO_POINTER (TRUE));
  return placeholder;
}

static Page *
add_page (HallCaseListModel *self,
          guint              index)
{
  guint start = index * PAGE_SIZE;
  guint n = MIN (PAGE_SIZE, self->n_cases - start);
  Page *page = g_new0 (Page, 1);

  page->index = index;
  page->cases = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (page->cases, placeholder_new ());
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head (&self->lru, page);
  while (self->lru.length > MAX_PAGES)
    {
      Page *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (old->index));
    }
  return page;
}

/* A page read, planned on the main thread from what it knows (anchors,
 * marks) and read on a worker. */
typedef struct
{
  guint        index;
  guint        generation;
  HallCaseSort sort;
  gboolean     from_bottom;
  gboolean     has_from;
  HallStorePosition from;
  guint        skip;
  guint        limit;
  GArray      *keys;  /* of HallStorePosition */
  GPtrArray   *cases; /* of HallCase */
  HallStoreListHead head; /* of the snapshot read */
} PageRead;

static void
page_read_free (PageRead *read)
{
  g_clear_pointer (&read->keys, g_array_unref);
  g_clear_pointer (&read->cases, g_ptr_array_unref);
  g_free (read);
}

static void
plan_page_read (HallCaseListModel *self,
                PageRead          *read)
{
  const Anchor *anchor;
  guint anchor_page;
  guint from_rank = 0;
  guint start = read->index * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->n_cases);

  /* The nearest known key at or above the page: a page start or a mark. */
  anchor = nearest_anchor (self, read->index, &anchor_page);
  if (anchor != NULL)
    {
      read->from = anchor->key;
      read->has_from = TRUE;
      from_rank = anchor_page * PAGE_SIZE;
    }
  if (self->marks != NULL && self->marks->len > 0 && start >= self->marks_shift)
    {
      guint mark = MIN ((start - self->marks_shift) / MARK_INTERVAL, self->marks->len - 1);
      guint mark_rank = mark * MARK_INTERVAL + self->marks_shift;

      if (mark_rank >= from_rank)
        {
          read->from = g_array_index (self->marks, HallStorePosition, mark);
          read->has_from = TRUE;
          from_rank = mark_rank;
        }
    }

  /* No seek reaches a rank in the index: rows before the page are skipped
   * one by one, so skip from whichever end is nearer. */
  if (end > start && self->n_cases - end < start - from_rank)
    {
      read->from_bottom = TRUE;
      read->skip = self->n_cases - end;
      read->limit = end - start;
    }
  else
    {
      read->skip = start - from_rank;
      read->limit = PAGE_SIZE;
    }
  if (read->skip > FAR_SKIP)
    scan_marks (self);
}

static void
read_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  HallCaseListModel *self = source_object;
  PageRead *read = task_data;
  GError *error = NULL;

  /* One page read at a time: the pager is this thread's until it returns. */
  if (self->pager == NULL)
    self->pager = _hall_store_pager_new (self->store, NULL);
  if (read->from_bottom)
    read->cases = _hall_store_fetch_page_from_bottom (self->store, self->pager, read->sort,
                                                      read->skip, read->limit, read->keys,
                                                      &read->head, &error);
  else
    read->cases = _hall_store_fetch_page (self->store, self->pager, read->sort,
                                          read->has_from ? &read->from : NULL, read->skip,
                                          read->limit, read->keys, &read->head, &error);
  if (read->cases == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* A case of self->live. Its weak reference carries its own key: a case
 * that goes is forgotten in one lookup, where a search through the table
 * for it cost a walk over every live case, for each of a page's two
 * hundred as a far page was dropped while dragging. */
typedef struct
{
  HallCaseListModel *self;
  char              *uuid;
  HallCase          *kase;   /* weak */
} LiveCase;

static void
live_case_free (gpointer data)
{
  LiveCase *live = data;

  g_free (live->uuid);
  g_free (live);
}

static void
case_finalized_cb (gpointer  data,
                   GObject  *where_the_object_was)
{
  LiveCase *live = data;

  g_hash_table_remove (live->self->live, live->uuid);
}

static HallCase *
live_case_lookup (HallCaseListModel *self,
                  const char        *uuid)
{
  LiveCase *live = g_hash_table_lookup (self->live, uuid);

  return live != NULL ? live->kase : NULL;
}

static void
forget_case (gpointer key,
             gpointer value,
             gpointer user_data)
{
  LiveCase *live = value;

  g_object_weak_unref (G_OBJECT (live->kase), case_finalized_cb, live);
}

static void
remember_case (HallCaseListModel *self,
               HallCase          *kase)
{
  LiveCase *live;

  /* Callers remember a case only where none of its uuid is live. */
  g_return_if_fail (!g_hash_table_contains (self->live, hall_case_get_uuid (kase)));
  live = g_new (LiveCase, 1);
  live->self = self;
  live->uuid = g_strdup (hall_case_get_uuid (kase));
  live->kase = kase;
  g_hash_table_insert (self->live, live->uuid, live);
  g_object_weak_ref (G_OBJECT (kase), case_finalized_cb, live);
}

static void
free_cases_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_ptr_array_set_size (task_data, 0);
  g_task_return_boolean (task, TRUE);
}

/* Up to MAX_PAGES pages of cases, each case with its checklist's JSON:
 * finalizing them took 5 ms of the frame in which the list is sorted anew.
 * The cases only their page holds are forgotten here, on the thread that
 * uses self->live, and finalized on a worker: nothing but their page can
 * reach them. The others (a row's, the open case) only lose a reference. */
static void
drop_pages (HallCaseListModel *self)
{
  g_autoptr (GPtrArray) unshared = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  Page *page;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    for (guint i = 0; i < page->cases->len; i++)
      {
        HallCase *kase = page->cases->pdata[i];
        LiveCase *live;

        if (g_atomic_int_get (&G_OBJECT (kase)->ref_count) != 1)
          continue;
        live = g_hash_table_lookup (self->live, hall_case_get_uuid (kase));
        if (live != NULL && live->kase == kase)
          {
            g_object_weak_unref (G_OBJECT (kase), case_finalized_cb, live);
            g_hash_table_remove (self->live, live->uuid);
          }
        g_ptr_array_add (unshared, g_object_ref (kase));
      }
  g_queue_clear (&self->lru);
  g_hash_table_remove_all (self->pages);
  if (unshared->len > 0)
    {
      g_autoptr (GTask) task = g_task_new (NULL, NULL, NULL, NULL);

      g_task_set_task_data (task, g_steal_pointer (&unshared), (GDestroyNotify) g_ptr_array_unref);
      hall_task_run_in_background (task, free_cases_thread);
    }
  g_array_set_size (self->anchors, 0);
  g_queue_clear (&self->wanted);
}

/* Placeholders become their cases in place: the rows bound to them
 * update through "notify", and the view keeps its widgets, which it would
 * make anew for new items. Only where another object must be shown (a
 * case already handed out, selected or open, comes back as the same
 * object) is the row said changed. */
static void
fill_page (HallCaseListModel *self,
           Page              *page,
           GPtrArray         *cases)
{
  guint start = page->index * PAGE_SIZE;
  guint n = MIN (page->cases->len, cases->len);
  gint run = -1;

  page->filled = TRUE;
  for (guint i = 0; i <= n; i++)
    {
      HallCase *fresh = i < n ? cases->pdata[i] : NULL;
      HallCase *shown = i < n ? page->cases->pdata[i] : NULL;
      HallCase *live = NULL;

      if (fresh != NULL)
        {
          live = live_case_lookup (self, hall_case_get_uuid (fresh));
          if (live == shown)
            {
              _hall_case_copy (shown, fresh);
              fresh = NULL;
            }
          else if (live == NULL && hall_case_list_model_is_placeholder (shown))
            {
              g_object_set_qdata (G_OBJECT (shown), placeholder_quark (), NULL);
              _hall_case_fill_placeholder (shown, fresh);
              remember_case (self, shown);
              fresh = NULL;
            }
        }
      if (fresh != NULL)
        {
          if (live != NULL)
            _hall_case_copy (live, fresh);
          else
            remember_case (self, live = fresh);
          g_object_unref (page->cases->pdata[i]);
          page->cases->pdata[i] = g_object_ref (live);
          if (run < 0)
            run = i;
          continue;
        }
      if (run >= 0 && self->results == NULL && !self->emptied)
        g_list_model_items_changed (G_LIST_MODEL (self), start + run, i - run, i - run);
      run = -1;
    }
}

static void read_next_page (HallCaseListModel *self);

static gboolean
same_head (HallCaseListModel       *self,
           const HallStoreListHead *head)
{
  return head->n_cases == self->n_cases && head->has_top == self->has_top
         && (!head->has_top || _hall_store_position_equal (&head->top, &self->top));
}

static void
read_page_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (source);
  PageRead *read = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  Page *page;

  if (!g_task_propagate_boolean (G_TASK (res), &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->reading = FALSE;
  /* Read before the rows moved, or after the store changed and before
   * the list heard of it (its rows would sit a few places off): of no
   * use. The refresh to come asks for the page again. */
  if (read->generation != self->generation
      || (error == NULL && !same_head (self, &read->head)))
    {
      g_clear_pointer (&read->cases, g_ptr_array_unref);
      read_next_page (self);
      return;
    }

  /* Positions come in the list's order from either end: the first is the
   * page's. */
  if (read->keys->len > 0)
    {
      Anchor first = { g_array_index (read->keys, HallStorePosition, 0), TRUE };

      if (self->anchors->len <= read->index)
        g_array_set_size (self->anchors, read->index + 1);
      g_array_index (self->anchors, Anchor, read->index) = first;
    }

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (read->index));
  if (error != NULL)
    {
      g_warning ("Could not read page %u of the cases: %s", read->index, error->message);
      /* Asked for again when the view next wants it. */
      if (page != NULL && !page->filled)
        {
          g_queue_remove (&self->lru, page);
          g_hash_table_remove (self->pages, GUINT_TO_POINTER (read->index));
        }
      read_next_page (self);
      return;
    }

  if (page != NULL && !page->filled)
    fill_page (self, page, read->cases);
  /* Here, not on the worker that may drop the task: the cases are known
   * to self->live. */
  g_clear_pointer (&read->cases, g_ptr_array_unref);
  read_next_page (self);
}

static void
read_next_page (HallCaseListModel *self)
{
  g_autoptr (GTask) task = NULL;
  PageRead *read;
  Page *page = NULL;

  if (self->reading || self->store == NULL)
    return;
  while (page == NULL && self->wanted.length > 0)
    {
      guint index = GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted));

      page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
      if (page != NULL && page->filled)
        page = NULL;
    }
  if (page == NULL)
    return;

  read = g_new0 (PageRead, 1);
  read->index = page->index;
  read->generation = self->generation;
  read->sort = self->sort;
  read->keys = g_array_new (FALSE, FALSE, sizeof (HallStorePosition));
  plan_page_read (self, read);

  self->reading = TRUE;
  task = g_task_new (self, self->cancellable, read_page_cb, NULL);
  g_task_set_source_tag (task, read_next_page);
  g_task_set_task_data (task, read, (GDestroyNotify) page_read_free);
  g_task_run_in_thread (task, read_page_thread);
}

static GType
hall_case_list_model_get_item_type (GListModel *model)
{
  return HALL_TYPE_CASE;
}

static guint
hall_case_list_model_get_n_items (GListModel *model)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (model);

  if (self->emptied)
    return 0;
  return self->results ? self->results->len : self->n_cases;
}

static gpointer
hall_case_list_model_get_item (GListModel *model,
                               guint       position)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (model);
  guint index = position / PAGE_SIZE;
  Page *page;

  if (self->emptied)
    return NULL;
  if (self->results != NULL)
    return position < self->results->len ? g_object_ref (self->results->pdata[position]) : NULL;

  if (position >= self->n_cases)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page != NULL)
    {
      g_queue_remove (&self->lru, page);
      g_queue_push_head (&self->lru, page);
    }
  else
    {
      page = add_page (self, index);
      /* Stale indexes of pages gone from the cache are dropped here and
       * when read_next_page () meets them. */
      if (self->wanted.length > 4 * MAX_PAGES)
        g_queue_clear (&self->wanted);
      g_queue_push_head (&self->wanted, GUINT_TO_POINTER (index));
      read_next_page (self);
    }

  if (position % PAGE_SIZE >= page->cases->len)
    return NULL;
  return g_object_ref (page->cases->pdata[position % PAGE_SIZE]);
}

static void
hall_case_list_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = hall_case_list_model_get_item_type;
  iface->get_n_items = hall_case_list_model_get_n_items;
  iface->get_item = hall_case_list_model_get_item;
}

static void run_search (HallCaseListModel *self);

/* Everything changed. Said as one signal, GTK 4.8's list views look for
 * the rows they track (selection, focus) among all the new items, which
 * reads every page of a million cases on the main thread; said as "all
 * gone, then all new" they simply drop them. While the first half is
 * said, the model is empty, as the signal claims. */
static void
replace_all (HallCaseListModel *self,
             guint              old_n,
             guint              new_n)
{
  if (old_n > 0)
    {
      self->emptied = TRUE;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
      self->emptied = FALSE;
    }
  if (new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n);
}

typedef struct
{
  HallCaseSort      sort;
  gboolean          has_old_top;
  HallStorePosition old_top;
  HallStoreListHead head;
  GPtrArray        *top_cases; /* the cases added at the top, when few */
} HeadRead;

static void
head_read_free (HeadRead *read)
{
  g_clear_pointer (&read->top_cases, g_ptr_array_unref);
  g_free (read);
}

static void
read_head_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  HallCaseListModel *self = source_object;
  HeadRead *read = task_data;
  GError *error = NULL;

  if (!_hall_store_read_list_head (self->store, read->sort,
                                   read->has_old_top ? &read->old_top : NULL, &read->head,
                                   &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A case or a few opened at this counter or pulled: read them now, so
   * that they come into view whole rather than as placeholders; kept only
   * if the store did not change in between. */
  if (read->head.added > 0 && read->head.added <= PAGE_SIZE)
    {
      HallStoreListHead again = { 0, };

      read->top_cases = _hall_store_fetch_page (self->store, NULL, read->sort, NULL, 0,
                                                read->head.added, NULL, &again, NULL);
      if (read->top_cases != NULL
          && (again.n_cases != read->head.n_cases || read->top_cases->len != read->head.added
              || !_hall_store_position_equal (&again.top, &read->head.top)))
        g_clear_pointer (&read->top_cases, g_ptr_array_unref);
    }
  g_task_return_boolean (task, TRUE);
}

static void refresh (HallCaseListModel *self);

static void
want_unfilled (HallCaseListModel *self)
{
  for (GList *l = self->lru.tail; l != NULL; l = l->prev)
    {
      Page *page = l->data;

      if (!page->filled)
        g_queue_push_head (&self->wanted, GUINT_TO_POINTER (page->index));
    }
  read_next_page (self);
}

/* @added cases came in at the top: every row the view holds is @added
 * places further down. The objects it holds stay in the pages, at their
 * new places, so that placeholders among them are still filled; the new
 * rows are @top_cases when they were read, and the rows no page holds
 * become placeholders. */
static void
shift_pages (HallCaseListModel *self,
             guint              added,
             GPtrArray         *top_cases)
{
  g_autoptr (GPtrArray) old_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  GQueue order = G_QUEUE_INIT;

  /* Most recently used first, as the cache will be. */
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      g_hash_table_steal (self->pages, GUINT_TO_POINTER (page->index));
      g_ptr_array_add (old_pages, page);
    }
  g_queue_clear (&self->lru);
  drop_pages (self);

  for (guint p = 0; p < old_pages->len; p++)
    {
      Page *old = old_pages->pdata[p];

      for (guint i = 0; i < old->cases->len; i++)
        {
          guint position = old->index * PAGE_SIZE + i + added;
          guint index = position / PAGE_SIZE;
          Page *page;

          if (position >= self->n_cases)
            break;
          page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
          if (page == NULL)
            {
              guint start = index * PAGE_SIZE;
              guint n = MIN (PAGE_SIZE, self->n_cases - start);

              page = g_new0 (Page, 1);
              page->index = index;
              page->cases = g_ptr_array_new_full (n, g_object_unref);
              page->filled = TRUE;
              g_ptr_array_set_size (page->cases, n);
              g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
              g_queue_push_tail (&order, page);
            }
          g_clear_object (&page->cases->pdata[position % PAGE_SIZE]);
          page->cases->pdata[position % PAGE_SIZE] = g_object_ref (old->cases->pdata[i]);
        }
    }

  /* Rows no old page held: the new ones if read, else placeholders. */
  for (GList *l = order.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      for (guint i = 0; i < page->cases->len; i++)
        {
          guint position = page->index * PAGE_SIZE + i;

          if (page->cases->pdata[i] == NULL && top_cases != NULL && position < top_cases->len)
            {
              HallCase *fresh = top_cases->pdata[position];
              HallCase *live = live_case_lookup (self, hall_case_get_uuid (fresh));

              if (live != NULL)
                _hall_case_copy (live, fresh);
              else
                remember_case (self, live = fresh);
              page->cases->pdata[i] = g_object_ref (live);
            }
          if (page->cases->pdata[i] == NULL)
            page->cases->pdata[i] = placeholder_new ();
          if (hall_case_list_model_is_placeholder (page->cases->pdata[i]))
            page->filled = FALSE;
        }
      g_queue_push_tail (&self->lru, page);
    }
  g_queue_clear (&order);
  while (self->lru.length > 2 * MAX_PAGES)
    {
      Page *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (old->index));
    }
}

/* In an order a case's state or promise sets, a change may have moved
 * cases (one approved leaves the open ones at the top): the pages kept
 * are read again in place, where a row whose case is another now is said
 * changed, and the view keeps its place; positions known before may be
 * another case's now, and are forgotten. */
static void
reread_pages (HallCaseListModel *self)
{
  self->generation++;
  g_array_set_size (self->anchors, 0);
  drop_marks (self);
  for (GList *l = self->lru.head; l != NULL; l = l->next)
    ((Page *) l->data)->filled = FALSE;
}

/* Drops the pages from @first on: the end of the list moved. */
static void
drop_pages_from (HallCaseListModel *self,
                 guint              first)
{
  for (GList *l = self->lru.head; l != NULL;)
    {
      Page *page = l->data;
      GList *next = l->next;

      if (page->index >= first)
        {
          g_queue_delete_link (&self->lru, l);
          g_hash_table_remove (self->pages, GUINT_TO_POINTER (page->index));
        }
      l = next;
    }
}

/* The count and the first case as they are now, against what the list
 * shows: cases added at the top are inserted there, and the view keeps
 * its place and selection; anything else replaces the list. */
static void
read_head_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (source);
  HeadRead *read = g_task_get_task_data (G_TASK (res));
  /* Dropped here, not on the worker that may drop the task last. */
  g_autoptr (GPtrArray) top_cases = g_steal_pointer (&read->top_cases);
  g_autoptr (GError) error = NULL;
  guint old_n = self->n_cases;
  gboolean had_top = self->has_top;
  guint added;

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not count the cases: %s", error->message);
    }
  self->refreshing = FALSE;
  /* Counted in an order the list no longer shows. */
  if (read->sort != self->sort)
    {
      self->refresh_again = FALSE;
      refresh (self);
      return;
    }
  if (error == NULL)
    {
      gboolean moved;
      gboolean on_top;
      gboolean in_place;
      gboolean reread;

      added = read->head.added;
      self->n_cases = read->head.n_cases;
      self->has_top = read->head.has_top;
      self->top = read->head.top;
      /* Cases added at the top move every row, and every mark, down by as
       * many. In an order other than intake's, cases come and go
       * anywhere: the rows keep their places, the end moves, and the
       * pages in view are read again where they stand, so the official
       * keeps his place and selection. Otherwise the list is replaced. */
      moved = self->n_cases != old_n || added != 0;
      on_top = had_top && added > 0 && self->n_cases == old_n + added;
      in_place = moved && had_top && !on_top && self->sort != HALL_CASE_SORT_NEWEST;

      /* In the due order, a change of a state, a promise or a checklist
       * may have moved cases anywhere, beside those that came or went. */
      reread = in_place || (had_top && hall_case_sort_follows_state (self->sort)
                            && read->head.moves != self->moves);
      if (moved)
        {
          guint kept = MIN (old_n, self->n_cases);

          self->generation++;
          if (on_top)
            shift_pages (self, added, top_cases);
          else if (in_place)
            drop_pages_from (self, kept / PAGE_SIZE);
          else
            drop_pages (self);
          if (on_top && self->marks != NULL)
            self->marks_shift += added;
          else
            drop_marks (self);
          if (self->results == NULL)
            {
              if (on_top)
                g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
              else if (in_place && old_n != self->n_cases)
                g_list_model_items_changed (G_LIST_MODEL (self), kept, old_n - kept,
                                            self->n_cases - kept);
              else if (!in_place)
                replace_all (self, old_n, self->n_cases);
            }
        }
      if (reread)
        reread_pages (self);
      self->moves = read->head.moves;
    }

  if (self->refresh_again)
    {
      self->refresh_again = FALSE;
      refresh (self);
      return;
    }
  /* Pages read while the store was changing were put aside. */
  want_unfilled (self);
}

static void
refresh (HallCaseListModel *self)
{
  g_autoptr (GTask) task = NULL;
  HeadRead *read;

  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  read = g_new0 (HeadRead, 1);
  read->sort = self->sort;
  read->has_old_top = self->has_top;
  read->old_top = self->top;
  self->refreshing = TRUE;
  task = g_task_new (self, self->cancellable, read_head_cb, NULL);
  g_task_set_source_tag (task, refresh);
  g_task_set_task_data (task, read, (GDestroyNotify) head_read_free);
  g_task_run_in_thread (task, read_head_thread);
}

/* Whether the list shows the rows of a search or a filter rather than
 * the whole store. */
static gboolean
shows_results (HallCaseListModel *self)
{
  return self->query != NULL || !hall_case_filter_is_empty (&self->filter);
}

static void
on_store_changed (HallStore         *store,
                  HallCaseListModel *self)
{
  if (shows_results (self))
    run_search (self);
  refresh (self);
}

static gboolean
holds_case (HallCaseListModel *self,
            const char        *uuid)
{
  if (g_hash_table_contains (self->live, uuid))
    return TRUE;
  if (self->results != NULL)
    for (guint i = 0; i < self->results->len; i++)
      if (g_strcmp0 (hall_case_get_uuid (self->results->pdata[i]), uuid) == 0)
        return TRUE;
  return FALSE;
}

guint
hall_case_list_model_find (HallCaseListModel *self,
                           const char        *uuid)
{
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), G_MAXUINT);
  g_return_val_if_fail (uuid != NULL, G_MAXUINT);

  if (self->emptied)
    return G_MAXUINT;
  if (self->results != NULL)
    {
      for (guint i = 0; i < self->results->len; i++)
        if (g_strcmp0 (hall_case_get_uuid (self->results->pdata[i]), uuid) == 0)
          return i;
      return G_MAXUINT;
    }
  if (!g_hash_table_contains (self->live, uuid))
    return G_MAXUINT;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Page *page = value;

      if (!page->filled)
        continue;
      for (guint i = 0; i < page->cases->len; i++)
        if (g_strcmp0 (hall_case_get_uuid (page->cases->pdata[i]), uuid) == 0 &&
            page->index * PAGE_SIZE + i < self->n_cases)
          return page->index * PAGE_SIZE + i;
    }
  return G_MAXUINT;
}

static void
read_case_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  HallCaseListModel *self = source_object;
  GError *error = NULL;
  HallCase *kase = hall_store_get_case (self->store, task_data, &error);

  if (kase == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kase, g_object_unref);
}

static void read_case (HallCaseListModel *self,
                       const char        *uuid);

/* A case read again is copied into every object of it handed out, so
 * rows bound to them show it. */
static void
read_case_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (source);
  const char *uuid = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) fresh = NULL;
  HallCase *live;
  gboolean again;

  fresh = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  again = GPOINTER_TO_INT (g_hash_table_lookup (self->case_reads, uuid));
  if (again)
    {
      /* Changed again while it was read: what was read may be older. */
      g_hash_table_insert (self->case_reads, g_strdup (uuid), GINT_TO_POINTER (FALSE));
      read_case (self, uuid);
      return;
    }
  g_hash_table_remove (self->case_reads, uuid);
  if (fresh == NULL)
    return;

  live = live_case_lookup (self, uuid);
  if (live != NULL)
    _hall_case_copy (live, fresh);
  if (self->results != NULL)
    for (guint i = 0; i < self->results->len; i++)
      {
        HallCase *kase = self->results->pdata[i];

        if (kase != live && g_strcmp0 (hall_case_get_uuid (kase), uuid) == 0)
          _hall_case_copy (kase, fresh);
      }
}

static void
read_case (HallCaseListModel *self,
           const char        *uuid)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, read_case_cb, NULL);

  g_task_set_source_tag (task, read_case);
  g_task_set_task_data (task, g_strdup (uuid), g_free);
  g_task_run_in_thread (task, read_case_thread);
}

static void
on_case_changed (HallStore         *store,
                 const char        *uuid,
                 HallCaseListModel *self)
{
  if (g_hash_table_contains (self->case_reads, uuid))
    {
      g_hash_table_insert (self->case_reads, g_strdup (uuid), GINT_TO_POINTER (TRUE));
      return;
    }
  if (!holds_case (self, uuid))
    return;
  g_hash_table_insert (self->case_reads, g_strdup (uuid), GINT_TO_POINTER (FALSE));
  read_case (self, uuid);
}

/* A search's first rows are read and shown first (a screenful: on a cold
 * cache each row is a page or two to read), the rest up to
 * HALL_CASE_LIST_MODEL_MAX_RESULTS after them, by a second read under the
 * same cancellable. */
#define SEARCH_FIRST_ROWS 50

static void
search_show (HallCaseListModel *self,
             GPtrArray         *cases,
             guint              n_matching,
             GError            *error,
             gboolean           rest)
{
  guint old_n;
  guint same = 0;

  if (cases == NULL)
    {
      /* The error says what failed in the database, never what was typed. */
      g_warning ("Search failed: %s", error->message);
      cases = g_ptr_array_new_with_free_func (g_object_unref);
      n_matching = 0;
    }

  old_n = g_list_model_get_n_items (G_LIST_MODEL (self));
  /* The second read begins with the rows already shown: only what comes
   * after them changes, unless the store changed in between. */
  while (rest && self->results != NULL && same < self->results->len && same < cases->len
         && g_strcmp0 (hall_case_get_uuid (self->results->pdata[same]),
                       hall_case_get_uuid (cases->pdata[same])) == 0)
    same++;
  /* Those rows keep the objects the view was handed. */
  for (guint i = 0; i < same; i++)
    {
      g_object_unref (cases->pdata[i]);
      cases->pdata[i] = g_object_ref (self->results->pdata[i]);
    }
  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->results = cases;
  g_list_model_items_changed (G_LIST_MODEL (self), same, old_n - same,
                              self->results->len - same);
  /* A search alone counts what it shows; a filter counts every case that
   * passes. */
  n_matching = hall_case_filter_is_empty (&self->filter) ? self->results->len : n_matching;
  if (n_matching != self->n_matching)
    {
      self->n_matching = n_matching;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHING]);
    }
}

static gint64
model_now (HallCaseListModel *self)
{
  return self->clock != 0 ? self->clock : g_get_real_time () / G_USEC_PER_SEC;
}

/* The results of a search or a filter, whichever @result is. */
static GPtrArray *
read_results_finish (HallCaseListModel  *self,
                     GAsyncResult       *result,
                     guint              *n_matching,
                     GError            **error)
{
  *n_matching = 0;
  if (g_task_get_source_tag (G_TASK (result)) == hall_store_filter_cases_async)
    return hall_store_filter_cases_finish (self->store, result, n_matching, error);
  return hall_store_search_cases_finish (self->store, result, error);
}

/* A filter alone may show more than a search: its rows are all alike, and
 * an official looks down them rather than for one. */
static guint
results_limit (HallCaseListModel *self)
{
  if (self->query == NULL)
    return HALL_CASE_LIST_MODEL_MAX_FILTERED;
  return HALL_CASE_LIST_MODEL_MAX_RESULTS;
}

static void
read_results (HallCaseListModel   *self,
              guint                limit,
              GAsyncReadyCallback  callback)
{
  if (hall_case_filter_is_empty (&self->filter))
    hall_store_search_cases_async (self->store, self->query, limit, self->search_cancellable,
                                   callback, g_object_ref (self));
  else
    hall_store_filter_cases_async (self->store, self->query, &self->filter, self->sort,
                                   model_now (self), limit, self->search_cancellable, callback,
                                   g_object_ref (self));
}

/* A search's answers come newest first, a filter's in the list's order:
 * at most HALL_CASE_LIST_MODEL_MAX_RESULTS, sorted here in a blink. */
static void
sort_results (HallCaseListModel *self,
              GPtrArray         *cases)
{
  if (cases != NULL && self->sort != HALL_CASE_SORT_NEWEST
      && hall_case_filter_is_empty (&self->filter))
    g_ptr_array_sort_with_data (cases, hall_case_sort_compare_in_array,
                                GINT_TO_POINTER (self->sort));
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (HallCaseListModel) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *cases;
  guint n_matching;

  cases = read_results_finish (self, result, &n_matching, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->search_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
  if (!shows_results (self))
    {
      g_clear_pointer (&cases, g_ptr_array_unref);
      return;
    }
  sort_results (self, cases);
  search_show (self, cases, n_matching, error, TRUE);
}

static void
search_first_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (HallCaseListModel) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *cases;
  guint n_matching;
  gboolean more;

  cases = read_results_finish (self, result, &n_matching, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  more = cases != NULL && cases->len == SEARCH_FIRST_ROWS && shows_results (self);
  if (!more)
    {
      g_clear_object (&self->search_cancellable);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
    }
  if (!shows_results (self))
    {
      g_clear_pointer (&cases, g_ptr_array_unref);
      return;
    }
  sort_results (self, cases);
  search_show (self, cases, n_matching, error, FALSE);
  if (more)
    read_results (self, results_limit (self), search_done);
}

static void
run_search (HallCaseListModel *self)
{
  gboolean was_searching = self->search_cancellable != NULL;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_cancellable = g_cancellable_new ();
  /* The first rows first only where they stay first: a search's answers
   * sorted otherwise than newest first are sorted all at once. */
  if (self->query != NULL && self->sort != HALL_CASE_SORT_NEWEST)
    read_results (self, results_limit (self), search_done);
  else
    read_results (self, SEARCH_FIRST_ROWS, search_first_done);
  if (!was_searching)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

static void
hall_case_list_model_dispose (GObject *object)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_cancellable_cancel (self->cancellable);
  drop_marks (self);
  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_signal_handler (&self->case_changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hall_case_list_model_parent_class)->dispose (object);
}

static void
hall_case_list_model_finalize (GObject *object)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  g_queue_clear (&self->lru);
  g_queue_clear (&self->wanted);
  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->case_reads);
  g_clear_pointer (&self->pager, _hall_store_pager_free);
  g_hash_table_foreach (self->live, forget_case, NULL);
  g_hash_table_unref (self->live);
  g_clear_object (&self->cancellable);
  g_array_unref (self->anchors);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_free (self->query);

  G_OBJECT_CLASS (hall_case_list_model_parent_class)->finalize (object);
}

static void
hall_case_list_model_constructed (GObject *object)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  G_OBJECT_CLASS (hall_case_list_model_parent_class)->constructed (object);

  g_return_if_fail (HALL_IS_STORE (self->store));
  self->changed_id = g_signal_connect (self->store, "changed",
                                       G_CALLBACK (on_store_changed), self);
  self->case_changed_id = g_signal_connect (self->store, "case-changed",
                                            G_CALLBACK (on_case_changed), self);
  /* The list is empty until the count is in, soon after. */
  refresh (self);
}

static void
hall_case_list_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_QUERY:
      g_value_set_string (value, self->query);
      break;
    case PROP_SEARCHING:
      g_value_set_boolean (value, hall_case_list_model_get_searching (self));
      break;
    case PROP_N_MATCHING:
      g_value_set_uint (value, hall_case_list_model_get_n_matching (self));
      break;
    case PROP_SORT:
      g_value_set_enum (value, self->sort);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_list_model_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_QUERY:
      hall_case_list_model_set_query (self, g_value_get_string (value));
      break;
    case PROP_SORT:
      hall_case_list_model_set_sort (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_list_model_class_init (HallCaseListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hall_case_list_model_constructed;
  object_class->dispose = hall_case_list_model_dispose;
  object_class->finalize = hall_case_list_model_finalize;
  object_class->get_property = hall_case_list_model_get_property;
  object_class->set_property = hall_case_list_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_QUERY] =
    g_param_spec_string ("query", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCHING] =
    g_param_spec_boolean ("searching", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_MATCHING] =
    g_param_spec_uint ("n-matching", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SORT] =
    g_param_spec_enum ("sort", NULL, NULL, HALL_TYPE_CASE_SORT, HALL_CASE_SORT_NEWEST,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_case_list_model_init (HallCaseListModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->anchors = g_array_new (FALSE, TRUE, sizeof (Anchor));
  self->case_reads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, live_case_free);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->lru);
  g_queue_init (&self->wanted);
}

gboolean
_hall_case_list_model_has_marks (HallCaseListModel *self)
{
  return self->marks != NULL;
}

guint
_hall_case_list_model_get_n_live (HallCaseListModel *self)
{
  return g_hash_table_size (self->live);
}

void
_hall_case_list_model_set_clock (HallCaseListModel *self,
                                 gint64             now)
{
  self->clock = now;
}

gboolean
_hall_case_list_model_is_busy (HallCaseListModel *self)
{
  return self->reading || self->refreshing || self->wanted.length > 0
         || g_hash_table_size (self->case_reads) > 0;
}

HallCaseListModel *
hall_case_list_model_new (HallStore *store)
{
  g_return_val_if_fail (HALL_IS_STORE (store), NULL);

  return g_object_new (HALL_TYPE_CASE_LIST_MODEL, "store", store, NULL);
}

HallStore *
hall_case_list_model_get_store (HallCaseListModel *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), NULL);
  return self->store;
}

const char *
hall_case_list_model_get_query (HallCaseListModel *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), NULL);
  return self->query;
}

gboolean
hall_case_list_model_get_searching (HallCaseListModel *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), FALSE);
  return self->search_cancellable != NULL;
}

static void
back_to_whole_list (HallCaseListModel *self)
{
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
  if (self->results != NULL)
    {
      guint old_n = self->results->len;

      g_clear_pointer (&self->results, g_ptr_array_unref);
      replace_all (self, old_n, self->n_cases);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_MATCHING]);
}

void
hall_case_list_model_set_query (HallCaseListModel *self,
                                const char        *query)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (HALL_IS_CASE_LIST_MODEL (self));

  stripped = g_strstrip (g_strdup (query ? query : ""));
  if (*stripped == '\0')
    g_clear_pointer (&stripped, g_free);
  if (g_strcmp0 (stripped, self->query) == 0)
    return;

  g_free (self->query);
  self->query = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUERY]);

  if (shows_results (self))
    {
      run_search (self);
      return;
    }
  back_to_whole_list (self);
}

void
hall_case_list_model_set_filter (HallCaseListModel    *self,
                                 const HallCaseFilter *filter)
{
  HallCaseFilter empty = { 0 };

  g_return_if_fail (HALL_IS_CASE_LIST_MODEL (self));

  if (filter == NULL)
    filter = &empty;
  if (hall_case_filter_equal (filter, &self->filter))
    return;
  self->filter = *filter;
  if (shows_results (self))
    run_search (self);
  else
    back_to_whole_list (self);
}

void
hall_case_list_model_get_filter (HallCaseListModel *self,
                                 HallCaseFilter    *filter)
{
  g_return_if_fail (HALL_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (filter != NULL);

  *filter = self->filter;
}

void
hall_case_list_model_set_sort (HallCaseListModel *self,
                               HallCaseSort       sort)
{
  g_return_if_fail (HALL_IS_CASE_LIST_MODEL (self));
  g_return_if_fail (sort <= HALL_CASE_SORT_LAST);

  if (sort == self->sort)
    return;
  self->sort = sort;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);

  /* Every position known is one of the old order. The view is told of
   * new rows, placeholders filled as for a far jump; the first case is
   * counted again, and pages read before it is are read again. */
  self->generation++;
  drop_pages (self);
  drop_marks (self);
  self->has_top = FALSE;
  if (shows_results (self))
    run_search (self);
  else
    replace_all (self, self->n_cases, self->n_cases);
  refresh (self);
}

HallCaseSort
hall_case_list_model_get_sort (HallCaseListModel *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), HALL_CASE_SORT_NEWEST);
  return self->sort;
}

guint
hall_case_list_model_get_n_matching (HallCaseListModel *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_MODEL (self), 0);

  if (self->results == NULL)
    return self->n_cases;
  return self->n_matching;
}

gboolean
hall_case_list_model_is_placeholder (HallCase *kase)
{
  g_return_val_if_fail (HALL_IS_CASE (kase), FALSE);

  return g_object_get_qdata (G_OBJECT (kase), placeholder_quark ()) != NULL;
}
