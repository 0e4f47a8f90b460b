/* hall-case-list-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include "hall-case-copy.h"
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
  GPtrArray *cases; /* of HallCase */
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
  HallStoreKey key;
  gboolean     known;
} Anchor;

struct _HallCaseListModel
{
  GObject       parent_instance;

  HallStore    *store;
  gulong        changed_id;
  gulong        case_changed_id;

  /* Paging over the whole store. */
  guint         n_cases;
  HallStoreKey  top;      /* the newest case when last counted */
  gboolean      has_top;
  GHashTable   *pages;    /* page index -> Page */
  GQueue        lru;      /* of Page, most recently used first */
  GArray       *anchors;  /* of Anchor, by page index */
  GArray       *marks;    /* of HallStoreKey: mark i is the case at rank
                           * i * MARK_INTERVAL + marks_shift */
  guint         marks_shift;
  GCancellable *marks_cancellable;
  guint         generation; /* counts changes, to spot stale marks */

  /* Search. */
  char         *query;
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
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
drop_pages (HallCaseListModel *self)
{
  g_queue_clear (&self->lru);
  g_hash_table_remove_all (self->pages);
  g_array_set_size (self->anchors, 0);
}

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
  GArray *marks;
  guint   n_cases;
  guint   generation;
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
  MarksResult *result = g_new0 (MarksResult, 1);
  GError *error = NULL;

  result->generation = GPOINTER_TO_UINT (task_data);
  result->marks = _hall_store_scan_marks (self->store, MARK_INTERVAL, &result->n_cases,
                                          cancellable, &error);
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
  if (result->generation == self->generation && result->n_cases == self->n_cases)
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

  if (self->marks != NULL || self->marks_cancellable != NULL)
    return;
  self->marks_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->marks_cancellable, scan_marks_done, NULL);
  g_task_set_source_tag (task, scan_marks);
  g_task_set_task_data (task, GUINT_TO_POINTER (self->generation), NULL);
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

static Page *
load_page (HallCaseListModel *self,
           guint              index)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  const HallStoreKey *from = NULL;
  const Anchor *anchor;
  guint anchor_page;
  guint from_rank = 0;
  GPtrArray *cases;
  Page *page;
  guint start = index * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->n_cases);

  /* The nearest known key at or above the page: a page start or a mark. */
  anchor = nearest_anchor (self, index, &anchor_page);
  if (anchor != NULL)
    {
      from = &anchor->key;
      from_rank = anchor_page * PAGE_SIZE;
    }
  if (self->marks != NULL && self->marks->len > 0 && start >= self->marks_shift)
    {
      guint mark = MIN ((start - self->marks_shift) / MARK_INTERVAL, self->marks->len - 1);
      guint mark_rank = mark * MARK_INTERVAL + self->marks_shift;

      if (mark_rank >= from_rank)
        {
          from = &g_array_index (self->marks, HallStoreKey, mark);
          from_rank = mark_rank;
        }
    }

  /* No seek reaches a rank in the index: rows before the page are skipped
   * one by one, so skip from whichever end is nearer. */
  if (end > start && self->n_cases - end < start - from_rank)
    {
      if (self->n_cases - end > FAR_SKIP)
        scan_marks (self);
      cases = _hall_store_fetch_page_from_bottom (self->store, self->n_cases - end, end - start,
                                                  keys, &error);
    }
  else
    {
      if (start - from_rank > FAR_SKIP)
        scan_marks (self);
      cases = _hall_store_fetch_page (self->store, from, start - from_rank, PAGE_SIZE, keys,
                                      &error);
    }
  if (cases == NULL)
    {
      g_warning ("Could not read page %u of the cases: %s", index, error->message);
      return NULL;
    }

  if (keys->len > 0)
    {
      Anchor first = { g_array_index (keys, HallStoreKey, 0), TRUE };

      if (self->anchors->len <= index)
        g_array_set_size (self->anchors, index + 1);
      g_array_index (self->anchors, Anchor, index) = first;
    }

  page = g_new0 (Page, 1);
  page->index = index;
  page->cases = cases;
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  g_queue_push_head (&self->lru, page);
  while (self->lru.length > MAX_PAGES)
    {
      Page *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->pages, GUINT_TO_POINTER (old->index));
    }
  return page;
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
    page = load_page (self, index);

  if (page == NULL || position % PAGE_SIZE >= page->cases->len)
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

/* Reads the count and the newest case's key: what start-up costs. */
static void
read_top (HallCaseListModel *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) keys = g_array_new (FALSE, FALSE, sizeof (HallStoreKey));
  g_autoptr (GPtrArray) first = NULL;

  self->n_cases = hall_store_count_cases (self->store);
  first = _hall_store_fetch_page (self->store, NULL, 0, 1, keys, &error);
  if (first == NULL)
    g_warning ("Could not read the newest case: %s", error->message);
  self->has_top = keys->len > 0;
  if (self->has_top)
    self->top = g_array_index (keys, HallStoreKey, 0);
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

static void
on_store_changed (HallStore         *store,
                  HallCaseListModel *self)
{
  guint old_n = self->n_cases;
  gboolean had_top = self->has_top;
  HallStoreKey old_top = self->top;
  guint added = 0;

  if (self->query != NULL)
    run_search (self);

  if (had_top)
    added = _hall_store_count_newer (self->store, &old_top);
  read_top (self);
  if (self->n_cases == old_n && added == 0)
    return;

  /* Rows moved: every page boundary is somewhere else now. Cases added
   * at the top move every mark down by as many; anything else makes them
   * unknown. */
  self->generation++;
  drop_pages (self);
  if (had_top && added > 0 && self->n_cases == old_n + added && self->marks != NULL)
    self->marks_shift += added;
  else
    drop_marks (self);
  if (self->results != NULL)
    return;

  /* New cases are the newest, so usually they are only inserted at the
   * top and the view keeps its place and selection. */
  if (had_top && added > 0 && self->n_cases == old_n + added)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, added);
  else
    replace_all (self, old_n, self->n_cases);
}

/* A case that changed in place is updated in the objects already handed
 * out, so rows bound to them show it. */
static void
on_case_changed (HallStore         *store,
                 const char        *uuid,
                 HallCaseListModel *self)
{
  g_autoptr (HallCase) fresh = NULL;
  GPtrArray *arrays[MAX_PAGES + 1];
  guint n_arrays = 0;

  for (GList *l = self->lru.head; l != NULL; l = l->next)
    arrays[n_arrays++] = ((Page *) l->data)->cases;
  if (self->results != NULL)
    arrays[n_arrays++] = self->results;

  for (guint a = 0; a < n_arrays; a++)
    for (guint i = 0; i < arrays[a]->len; i++)
      {
        HallCase *kase = arrays[a]->pdata[i];

        if (g_strcmp0 (hall_case_get_uuid (kase), uuid) != 0)
          continue;
        if (fresh == NULL)
          fresh = hall_store_get_case (self->store, uuid, NULL);
        if (fresh != NULL)
          _hall_case_copy (kase, fresh);
      }
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (HallCaseListModel) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  guint old_n;

  cases = hall_store_search_cases_finish (HALL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->search_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
  if (self->query == NULL)
    return;
  if (cases == NULL)
    {
      /* The error says what failed in the database, never what was typed. */
      g_warning ("Search failed: %s", error->message);
      cases = g_ptr_array_new_with_free_func (g_object_unref);
    }

  old_n = g_list_model_get_n_items (G_LIST_MODEL (self));
  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->results = g_steal_pointer (&cases);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->results->len);
}

static void
run_search (HallCaseListModel *self)
{
  gboolean was_searching = self->search_cancellable != NULL;

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  self->search_cancellable = g_cancellable_new ();
  hall_store_search_cases_async (self->store, self->query, HALL_CASE_LIST_MODEL_MAX_RESULTS,
                                 self->search_cancellable, search_done, g_object_ref (self));
  if (!was_searching)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
}

static void
hall_case_list_model_dispose (GObject *object)
{
  HallCaseListModel *self = HALL_CASE_LIST_MODEL (object);

  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
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
  g_hash_table_unref (self->pages);
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
  read_top (self);
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
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hall_case_list_model_init (HallCaseListModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->anchors = g_array_new (FALSE, TRUE, sizeof (Anchor));
  g_queue_init (&self->lru);
}

gboolean
_hall_case_list_model_has_marks (HallCaseListModel *self)
{
  return self->marks != NULL;
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

  if (self->query != NULL)
    {
      run_search (self);
      return;
    }

  /* Back to the whole list. */
  g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCHING]);
  if (self->results != NULL)
    {
      guint old_n = self->results->len;

      g_clear_pointer (&self->results, g_ptr_array_unref);
      replace_all (self, old_n, self->n_cases);
    }
}
