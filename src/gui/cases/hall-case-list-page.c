/* hall-case-list-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-cases"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-case-columns.h"
#include "hall-case-format.h"
#include "hall-case-promise.h"
#include "hall-case-list-model.h"
#include "hall-case-list-model-test-hooks.h"
#include "hall-case-list-page.h"
#include "hall-case-list-page-test-hooks.h"
#include "hall-case-row.h"
#include "hall-case-table-header.h"
#include "hall-fill-pacer.h"
#include "hall-list-row.h"
#include "hall-memory-trim.h"
#include "hall-paced-list-model.h"

/* The "Promised" column counts down in minutes; refreshing it twice a
 * minute keeps it within half a minute of the truth. */
#define PROMISED_REFRESH_SECONDS 30

struct _HallCaseListPage
{
  GtkWidget          parent_instance;

  GtkSearchBar      *search_bar;
  GtkSearchEntry    *search_entry;
  GtkStack          *stack;
  GtkScrolledWindow *scrolled_window;
  HallCaseTableHeader *table_header;
  GtkListView       *list_view;
  HallCaseColumns   *columns;
  AdwStatusPage     *empty_page;
  AdwStatusPage     *no_results_page;
  GtkWidget         *empty_intake_button;
  GtkMenuButton     *filter_button;
  GtkBox            *state_box;
  GtkCheckButton    *waiting_check;
  GtkCheckButton    *overdue_check;
  GtkLabel          *count_label;
  GtkWidget         *clear_button;
  GtkWidget         *search_toggle;
  GtkCheckButton    *state_checks[HALL_CASE_WITHDRAWN + 1];
  gboolean           clearing; /* the checks are being unset at once */
  HallCaseSort       sort;
  gulong             sort_paint_id; /* the view went up; then the sort */
  GdkFrameClock     *sort_clock;    /* unowned: whose "after-paint" that is */
  guint              sort_idle_id;  /* painted: the sort, in an iteration of its own */
  gboolean           compact;  /* number, applicant and state only */

  HallStore         *store;
  HallCatalog       *catalog;
  HallCaseListModel *model;
  HallPacedListModel *paced;  /* the model, handed to the table a few rows a frame */
  HallFillPacer     *fill_pacer; /* rows given new cases at once, shown a few a frame */
  GtkSingleSelection *selection;
  gint64             clock;  /* seconds a test set the clock to, else 0 */
  /* GtkListItems of the rows now bound, whose "Promised" counts down */
  GHashTable        *promised_items;
  guint              refresh_id;
  /* Enter came before the results of what was typed */
  gboolean           activate_when_found;
  /* Rows came in at the top while the official was looking at it */
  gboolean           keep_top;
  gboolean           going_top; /* a move back to the top is due */
  gulong             after_paint_id;
  /* The case the window shows, whose row is the one highlighted */
  char              *open_uuid;
  gboolean           following; /* the selection moves to the open case */
};

G_DEFINE_FINAL_TYPE (HallCaseListPage, hall_case_list_page, GTK_TYPE_WIDGET)

/* A row's GtkListItem knows its page by this. */
static GQuark page_quark;

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SEARCH_MODE,
  PROP_SORT,
  N_PROPS
};

enum
{
  CASE_ACTIVATED,
  CASE_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The filter the checks of the popover set. */
static void
checked_filter (HallCaseListPage *self,
                HallCaseFilter   *filter)
{
  *filter = (HallCaseFilter) { 0 };
  for (guint i = 0; i < G_N_ELEMENTS (self->state_checks); i++)
    if (self->state_checks[i] != NULL && gtk_check_button_get_active (self->state_checks[i]))
      filter->states |= HALL_CASE_FILTER_STATE (i);
  filter->waiting = gtk_check_button_get_active (self->waiting_check);
  filter->overdue = gtk_check_button_get_active (self->overdue_check);
}

static gboolean
is_filtered (HallCaseListPage *self)
{
  HallCaseFilter filter;

  if (self->model == NULL)
    return FALSE;
  hall_case_list_model_get_filter (self->model, &filter);
  return !hall_case_filter_is_empty (&filter);
}

/* "1,234 cases shown": what the list holds now, in the locale's digits
 * groups. */
static void
update_count (HallCaseListPage *self)
{
  const char *query = self->model != NULL ? hall_case_list_model_get_query (self->model) : NULL;
  guint n_items = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  guint n_matching = self->model != NULL ? hall_case_list_model_get_n_matching (self->model) : 0;
  gboolean filtered = is_filtered (self);
  g_autofree char *shown = g_strdup_printf ("%'u", n_items);
  g_autofree char *all = g_strdup_printf ("%'u", n_matching);
  g_autofree char *text = NULL;

  if (!filtered && query == NULL)
    text = g_strdup_printf (g_dngettext (NULL, "%s case", "%s cases", n_items), shown);
  else if (n_matching > n_items && query == NULL && self->sort != HALL_CASE_SORT_NEWEST)
    /* Translators: "12,345 cases pass the filters; the first 1,000 in
     * this order are shown" (the list sorted oldest first, or by what is
     * due) */
    text = g_strdup_printf (g_dngettext (NULL,
                                         "%s case passes the filters; the first %s in this order are shown",
                                         "%s cases pass the filters; the first %s in this order are shown",
                                         n_matching),
                            all, shown);
  else if (n_matching > n_items)
    /* Translators: "12,345 cases pass the filters; the newest 1,000 are shown" */
    text = g_strdup_printf (g_dngettext (NULL, "%s case passes the filters; the newest %s are shown",
                                         "%s cases pass the filters; the newest %s are shown",
                                         n_matching),
                            all, shown);
  else
    text = g_strdup_printf (g_dngettext (NULL, "%s case shown", "%s cases shown", n_items),
                            shown);
  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_visible (self->clear_button, filtered);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.clear-filters", filtered);
}

/* The case a row of the table shows: NULL for a row that shows nothing
 * (hall-list-row.h). */
static HallCase *
row_case (gpointer row)
{
  return row != NULL ? hall_list_row_get_item (HALL_LIST_ROW (row)) : NULL;
}

static HallCase *
list_item_case (GtkListItem *list_item)
{
  return row_case (gtk_list_item_get_item (list_item));
}

static void
update_view (HallCaseListPage *self)
{
  const char *query = self->model != NULL ? hall_case_list_model_get_query (self->model) : NULL;
  guint n_items = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;
  g_autofree char *before = g_strdup (gtk_stack_get_visible_child_name (self->stack));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean filtered = is_filtered (self);

  update_count (self);
  adw_status_page_set_description (self->no_results_page,
                                   filtered ? _("No case passes these filters: clear them to see every case")
                                            : _("Try a case number, a name, an ID number or a phone number"));
  if (n_items > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else if ((query != NULL && *query != '\0') || filtered)
    {
      /* Until the results are in, "No cases match" would be a guess. */
      if (!hall_case_list_model_get_searching (self->model))
        gtk_stack_set_visible_child_name (self->stack, "no-results");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "empty");

  /* The cases are counted on a worker: the list may turn from empty to
   * full just after signing in, and the keys follow what is on screen. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->stack))
      && g_strcmp0 (before, gtk_stack_get_visible_child_name (self->stack)) != 0)
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
activate_best_match (HallCaseListPage *self)
{
  g_autoptr (HallCase) kase = NULL;

  self->activate_when_found = FALSE;
  kase = g_list_model_get_item (G_LIST_MODEL (self->model), 0);
  if (kase != NULL)
    g_signal_emit (self, signals[CASE_ACTIVATED], 0, kase);
}

/* GTK keeps the row that was first in view where it was, so cases that
 * come in at the top (opened here, or pulled from the server) would stay
 * out of sight above it. When the official was looking at the top, the
 * view stays at the top until the frame that shows them is painted. */
static void
end_keep_top (GdkFrameClock    *frame_clock,
              HallCaseListPage *self)
{
  self->keep_top = FALSE;
  if (self->paced != NULL)
    hall_paced_list_model_set_follow_top (self->paced, FALSE);
  g_clear_signal_handler (&self->after_paint_id, frame_clock);
}

static void
rows_changed_cb (HallCaseListPage *self,
                 guint             position,
                 guint             removed,
                 guint             added)
{
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  /* The list hears of new cases on a worker's answer: a second batch may
   * come before the view went back up for the first (due at the next
   * frame). */
  if (position != 0 || added <= removed || frame_clock == NULL
      || (gtk_adjustment_get_value (vadjustment) > 0 && !self->keep_top && !self->going_top))
    return;
  self->keep_top = TRUE;
  /* Heard before the paced model: the new cases on top are shown in the
   * rows there are. */
  if (self->paced != NULL)
    hall_paced_list_model_set_follow_top (self->paced, TRUE);
  if (self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                    G_CALLBACK (end_keep_top), self, 0);
}

static gboolean
scroll_to_top (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);

  self->going_top = FALSE;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
  return G_SOURCE_REMOVE;
}

/* The table moves the view while it lays the new rows out, and takes no
 * other move then: the view goes back up at the next frame. */
static void
scrolled_cb (HallCaseListPage *self,
             GtkAdjustment    *vadjustment)
{
  if (self->keep_top && gtk_adjustment_get_value (vadjustment) > 0)
    {
      self->keep_top = FALSE;
      self->going_top = TRUE;
      gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_top, NULL, NULL);
    }
}

/* Rows a table builds or destroys in a frame when a search's results or
 * the whole list come (hall-paced-list-model.c). GTK 4.8 measures all the
 * table's rows again in a frame that adds or removes one: with 20, such
 * frames took 15-20 ms of a 2-core PC's CPU (bench-list-stall, searches),
 * with 12 they mostly stay under 16. */
#define ROWS_PER_FRAME 12
/* Rows whose text is laid out and drawn anew in one frame: a view of
 * about thirty took 10-17 ms with GTK's cairo renderer. */
#define FILLS_PER_FRAME 10

/* The highlighted row is the open case's, once it is among the rows read;
 * no other row stays highlighted meanwhile. Nothing is read for it. */
static void
follow_open_case (HallCaseListPage *self)
{
  guint position = GTK_INVALID_LIST_POSITION;
  guint selected;

  if (self->selection == NULL || hall_case_list_model_get_searching (self->model))
    return;

  if (self->open_uuid != NULL)
    {
      position = hall_case_list_model_find (self->model, self->open_uuid);
      if (position == G_MAXUINT
          || position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
        position = GTK_INVALID_LIST_POSITION;
    }
  selected = gtk_single_selection_get_selected (self->selection);
  if (selected == position)
    return;

  /* The page shows this case already: it is not opened again. */
  self->following = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->following = FALSE;
}

static void
items_changed_cb (HallCaseListPage *self)
{
  update_view (self);

  if (hall_case_list_model_get_searching (self->model))
    return;
  if (self->activate_when_found)
    activate_best_match (self);
  /* A search or a refresh replaced rows: their widgets' memory goes back
   * once the counter is idle. */
  hall_memory_trim_when_idle ();
}

/* A search's results, or the whole list back, are shown in the rows the
 * table has (hall-paced-list-model.c): it keeps their widgets, and GTK 4.8
 * does not look for the rows it tracks (the selected, the focused, the one
 * at the top of the view) among a million new ones, one get_item() at a
 * time. The view goes to the top, where the best match is; the case page
 * keeps the case it shows. */
static void
apply_query (HallCaseListPage *self)
{
  const char *typed = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *text = g_strstrip (g_strdup (typed));
  const char *before = hall_case_list_model_get_query (self->model);
  HallCaseFilter filter_before;
  HallCaseFilter filter;

  hall_case_list_model_get_filter (self->model, &filter_before);
  checked_filter (self, &filter);
  if (g_strcmp0 (before != NULL ? before : "", text) == 0
      && hall_case_filter_equal (&filter_before, &filter))
    return;

  /* The filter first: a query and a filter changed together read once. */
  if (*text == '\0')
    hall_case_list_model_set_query (self->model, text);
  hall_case_list_model_set_filter (self->model, &filter);
  hall_case_list_model_set_query (self->model, text);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

static void
filter_toggled_cb (HallCaseListPage *self)
{
  if (self->model == NULL || self->clearing)
    return;

  apply_query (self);
  update_view (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);

  self->clearing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->state_checks); i++)
    if (self->state_checks[i] != NULL)
      gtk_check_button_set_active (self->state_checks[i], FALSE);
  gtk_check_button_set_active (self->waiting_check, FALSE);
  gtk_check_button_set_active (self->overdue_check, FALSE);
  self->clearing = FALSE;
  filter_toggled_cb (self);
}

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);

  gtk_menu_button_popup (self->filter_button);
}

static void
search_changed_cb (HallCaseListPage *self)
{
  if (self->model == NULL)
    return;

  apply_query (self);
  update_view (self);
}

/* Enter in the search box opens the best match, so that a case number
 * typed or scanned there leads straight to its case; a scanner types
 * faster than the search waits, so the match may still be on its way. */
static void
search_activate_cb (HallCaseListPage *self)
{
  if (self->model == NULL)
    return;

  apply_query (self);
  if (hall_case_list_model_get_searching (self->model))
    self->activate_when_found = TRUE;
  else
    activate_best_match (self);
}

/* The button follows win.new-intake: an approver or a supervisor takes
 * nobody in, and is not told to press Ctrl+N. */
static void
intake_allowed_cb (HallCaseListPage *self)
{
  gboolean allowed = gtk_widget_get_sensitive (self->empty_intake_button);

  gtk_widget_set_visible (self->empty_intake_button, allowed);
  adw_status_page_set_description (self->empty_page,
                                   allowed ? _("Press Ctrl+N to take in a citizen")
                                           : _("The cases of this counter will be listed here"));
}

static void
search_mode_cb (HallCaseListPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static void
activate_cb (HallCaseListPage *self,
             guint             position)
{
  g_autoptr (HallListRow) row = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
  HallCase *kase = row_case (row);

  if (kase != NULL && !hall_case_list_model_is_placeholder (kase))
    g_signal_emit (self, signals[CASE_ACTIVATED], 0, kase);
}

static gboolean
open_pressed_cb (gpointer user_data)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (user_data);
  HallCase *kase = self->selection != NULL
                     ? row_case (gtk_single_selection_get_selected_item (self->selection)) : NULL;

  if (kase != NULL && !hall_case_list_model_is_placeholder (kase))
    g_signal_emit (self, signals[CASE_ACTIVATED], 0, kase);
  return G_SOURCE_REMOVE;
}

/* A single click on a row opens its case at every width: the table only
 * selects it, which shows it beside the list, but in a folded window the
 * case must also come forward. Heard before the row (capture phase), which
 * selects itself on the release; the case is asked for once it has. */
static void
row_released_cb (GtkGestureClick  *gesture,
                int               n_press,
                double            x,
                double            y,
                HallCaseListPage *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->list_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *widget;

  if (n_press != 1)
    return;
  for (widget = picked; widget != NULL && widget != GTK_WIDGET (self->list_view);
       widget = gtk_widget_get_parent (widget))
    if (g_strcmp0 (gtk_widget_get_css_name (widget), "row") == 0)
      {
        g_idle_add_full (G_PRIORITY_HIGH, open_pressed_cb, g_object_ref (self), g_object_unref);
        return;
      }
}

static void
selection_changed_cb (HallCaseListPage *self)
{
  HallCase *kase = row_case (gtk_single_selection_get_selected_item (self->selection));

  if (self->following)
    return;
  if (kase != NULL && !hall_case_list_model_is_placeholder (kase))
    {
      g_free (self->open_uuid);
      self->open_uuid = g_strdup (hall_case_get_uuid (kase));
      g_signal_emit (self, signals[CASE_SELECTED], 0, kase);
    }
}

typedef enum
{
  COLUMN_NUMBER,
  COLUMN_APPLICANT,
  COLUMN_SERVICE,
  COLUMN_STATE,
  COLUMN_PROMISED,
  COLUMN_SYNC,
  N_COLUMNS
} Column;

/* The arrow in the header: on Case Number for the order of intake, on
 * Promised for what is due. */
static void
show_sort (HallCaseListPage *self)
{
  hall_case_table_header_set_sorted (self->table_header,
                                     self->sort == HALL_CASE_SORT_DUE ? COLUMN_PROMISED
                                                                      : COLUMN_NUMBER,
                                     self->sort == HALL_CASE_SORT_NEWEST ? GTK_SORT_DESCENDING
                                                                         : GTK_SORT_ASCENDING);
}

/* The order the page shows, given to the model now. */
static void
apply_sort_now (HallCaseListPage *self)
{
  if (self->sort_paint_id != 0)
    g_clear_signal_handler (&self->sort_paint_id, self->sort_clock);
  self->sort_clock = NULL;
  g_clear_handle_id (&self->sort_idle_id, g_source_remove);
  if (self->model != NULL)
    hall_case_list_model_set_sort (self->model, self->sort);
}

static gboolean
sort_idle_cb (gpointer user_data)
{
  HallCaseListPage *self = user_data;

  self->sort_idle_id = 0;
  apply_sort_now (self);
  return G_SOURCE_REMOVE;
}

/* Not in the painted frame itself: the model's part of a new order (its
 * pages dropped, the view told, 3-4 ms) would lengthen that frame. */
static void
sort_after_paint (GdkFrameClock    *frame_clock,
                  HallCaseListPage *self)
{
  g_clear_signal_handler (&self->sort_paint_id, self->sort_clock);
  self->sort_clock = NULL;
  if (self->sort_idle_id == 0)
    self->sort_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, sort_idle_cb, self, NULL);
}

/* A new order shows its top. Every row is another case in it: replaced
 * under a view deep in the list, GTK destroys the rows there and builds
 * as many at the top in one frame (30-55 ms of a 2-core PC's CPU). So the
 * view goes up first, in a frame of its own as a jump of the scroll bar
 * does, and the order changes once that frame is painted, where the new
 * rows take the row widgets there are (hall-paced-list-model.c). */
static void
set_sort (HallCaseListPage *self,
          HallCaseSort      sort)
{
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  GdkFrameClock *frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (sort == self->sort)
    return;
  self->sort = sort;
  show_sort (self);
  update_count (self);
  if (self->model != NULL && frame_clock != NULL && gtk_adjustment_get_value (vadjustment) > 0)
    {
      gtk_adjustment_set_value (vadjustment, 0);
      if (self->sort_paint_id == 0 && self->sort_idle_id == 0)
        {
          self->sort_clock = frame_clock;
          self->sort_paint_id = g_signal_connect_object (frame_clock, "after-paint",
                                                         G_CALLBACK (sort_after_paint), self, 0);
        }
    }
  else if (self->model != NULL && self->sort_paint_id == 0 && self->sort_idle_id == 0)
    hall_case_list_model_set_sort (self->model, sort);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT]);
}

/* Case Number turns the order of intake round; Promised sorts by what is
 * due. The other columns are not orders the store keeps an index of. */
static void
title_clicked_cb (HallCaseListPage *self,
                  guint             column)
{
  if (column == COLUMN_NUMBER)
    set_sort (self, self->sort == HALL_CASE_SORT_NEWEST ? HALL_CASE_SORT_OLDEST
                                                        : HALL_CASE_SORT_NEWEST);
  else if (column == COLUMN_PROMISED)
    set_sort (self, HALL_CASE_SORT_DUE);
}

/* Tooltips are asked for when the pointer rests on a cell, not set at
 * each bind: in GTK 4.8 setting one asks the display server where the
 * pointer is, a round trip per cell of every row scrolled into view.
 * Business names and services are often longer than their column: what
 * the ellipsis hides is in the tooltip; the sync icon says its state. */
static gboolean
row_query_tooltip_cb (GtkWidget   *widget,
                      int          x,
                      int          y,
                      gboolean     keyboard,
                      GtkTooltip  *tooltip,
                      GtkListItem *list_item)
{
  HallCaseListPage *self = g_object_get_qdata (G_OBJECT (list_item), page_quark);
  int column = hall_case_row_get_column_at (HALL_CASE_ROW (widget), x);
  HallCase *kase = list_item_case (list_item);
  g_autofree char *text = NULL;

  if (self == NULL || kase == NULL || hall_case_list_model_is_placeholder (kase) || column < 0)
    return FALSE;
  switch (column)
    {
    case COLUMN_APPLICANT:
      text = g_strdup (hall_case_get_applicant_name (kase));
      break;
    case COLUMN_SERVICE:
      text = g_strdup (hall_format_service_name (self->catalog, hall_case_get_service_id (kase),
                                                 hall_case_get_service_name (kase)));
      break;
    case COLUMN_SYNC:
      {
        HallSyncState state = hall_case_get_sync_state (kase);
        const char *reason = hall_case_get_sync_error (kase);

        if (state == HALL_SYNC_REJECTED && reason != NULL && *reason != '\0')
          /* Translators: "Rejected by the server: <the server's reason>" */
          text = g_strdup_printf (_("%s: %s"), hall_sync_state_get_label (state), reason);
        else
          text = g_strdup (hall_sync_state_get_label (state));
      }
      break;
    case COLUMN_NUMBER:
    case COLUMN_STATE:
    case COLUMN_PROMISED:
    default:
      break;
    }
  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* A row of the table: one widget drawing a cell for each column (see
 * hall-case-row.h for why not a GtkColumnView). */
static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              HallCaseListPage         *self)
{
  GtkWidget *row = hall_case_row_new (self->columns);

  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (row_query_tooltip_cb), list_item);
  gtk_list_item_set_child (list_item, row);
}

/* Now, in seconds: the wall clock, or where a test set it. */
static gint64
page_now (HallCaseListPage *self)
{
  return self->clock != 0 ? self->clock : g_get_real_time () / G_USEC_PER_SEC;
}

static HallCaseRow *
list_item_row (GtkListItem *list_item)
{
  return HALL_CASE_ROW (gtk_list_item_get_child (list_item));
}

static void
show_promised (GtkListItem *list_item,
               HallCase    *kase,
               gint64       now)
{
  g_autofree char *text = NULL;
  gboolean overdue = FALSE;
  HallCaseRowStyle style = HALL_CASE_ROW_STYLE_NONE;

  /* While the case waits for the applicant its clock stands: not overdue,
   * as the case page and the "Overdue" filter have it. */
  if (hall_case_is_paused (kase))
    {
      text = g_strdup (_("Paused"));
      style = HALL_CASE_ROW_STYLE_DIM;
    }
  else if (hall_case_state_is_open (hall_case_get_state (kase)))
    text = hall_format_countdown (hall_case_get_promised_at (kase), now, FALSE, &overdue);
  else
    text = hall_format_timestamp (hall_case_get_promised_at (kase));

  hall_case_row_set_text (list_item_row (list_item), COLUMN_PROMISED, text,
                          overdue ? HALL_CASE_ROW_STYLE_ERROR : style);
}

static void
show_sync (GtkListItem *list_item,
           HallCase    *kase)
{
  HallSyncState state = hall_case_get_sync_state (kase);
  HallCaseRowStyle style = HALL_CASE_ROW_STYLE_NONE;

  if (state == HALL_SYNC_REJECTED)
    style = HALL_CASE_ROW_STYLE_ERROR;
  else if (state == HALL_SYNC_CONFLICT)
    style = HALL_CASE_ROW_STYLE_WARNING;
  else if (state == HALL_SYNC_PENDING)
    style = HALL_CASE_ROW_STYLE_DIM;
  hall_case_row_set_icon (list_item_row (list_item), COLUMN_SYNC,
                          hall_sync_state_get_icon_name (state),
                          hall_sync_state_get_label (state), style);
}

static void
blank_cell (HallCaseRow *row,
            Column       column)
{
  if (column == COLUMN_SYNC)
    hall_case_row_set_icon (row, column, NULL, NULL, HALL_CASE_ROW_STYLE_NONE);
  else
    hall_case_row_set_text (row, column, NULL, HALL_CASE_ROW_STYLE_NONE);
}

static void
show_cell (HallCaseListPage *self,
           GtkListItem      *list_item,
           Column            column)
{
  HallCase *kase = list_item_case (list_item);
  HallCaseRow *row = list_item_row (list_item);

  if (row == NULL)
    return;

  /* A row not read yet stays blank for the moment it takes, and a row on
   * its way out shows nothing. */
  if (kase == NULL || hall_case_list_model_is_placeholder (kase))
    {
      blank_cell (row, column);
      return;
    }

  switch (column)
    {
    case COLUMN_NUMBER:
      hall_case_row_set_text (row, column, hall_case_get_number (kase),
                              HALL_CASE_ROW_STYLE_NUMERIC);
      break;
    case COLUMN_APPLICANT:
      hall_case_row_set_text (row, column, hall_case_get_applicant_name (kase),
                              HALL_CASE_ROW_STYLE_NONE);
      break;
    case COLUMN_SERVICE:
      hall_case_row_set_text (row, column,
                              hall_format_service_name (self->catalog,
                                                        hall_case_get_service_id (kase),
                                                        hall_case_get_service_name (kase)),
                              HALL_CASE_ROW_STYLE_NONE);
      break;
    case COLUMN_STATE:
      hall_case_row_set_text (row, column, hall_case_state_get_label (hall_case_get_state (kase)),
                              HALL_CASE_ROW_STYLE_NONE);
      break;
    case COLUMN_PROMISED:
      show_promised (list_item, kase, page_now (self));
      break;
    case COLUMN_SYNC:
    default:
      show_sync (list_item, kase);
      break;
    }
}

/* The case's properties a cell shows, as interned names: a placeholder
 * filled in place notifies some twenty at once to each of a row's six
 * cells, and a page fills a hundred rows. Looked up once (class_init). */
static struct
{
  const char *uuid;
  const char *number;
  const char *applicant_name;
  const char *service_id;
  const char *service_name;
  const char *state;
  const char *promised_at;
  const char *sync_state;
  const char *sync_error;
  const char *checklist;
} shown;

/* Whether @property (an interned name) shows in @column: each cell
 * redraws for its own, and all of them for "uuid" (another case). */
static gboolean
column_shows (Column      column,
              const char *property)
{
  if (property == shown.uuid)
    return TRUE;
  switch (column)
    {
    case COLUMN_NUMBER:
      return property == shown.number;
    case COLUMN_APPLICANT:
      return property == shown.applicant_name;
    case COLUMN_SERVICE:
      return property == shown.service_id || property == shown.service_name;
    case COLUMN_STATE:
      return property == shown.state;
    case COLUMN_PROMISED:
      /* Paused while documents are missing. */
      return property == shown.promised_at || property == shown.state
             || property == shown.checklist;
    case COLUMN_SYNC:
    default:
      return property == shown.sync_state || property == shown.sync_error;
    }
}

static void
show_row (gpointer row,
          gpointer user_data)
{
  for (Column column = COLUMN_NUMBER; column < N_COLUMNS; column++)
    show_cell (user_data, row, column);
}

/* Whether the row is on screen: the rows GTK 4.8 binds out of view (some
 * 200 in all) take their turns after those in view. */
static gboolean
row_in_view (gpointer row,
             gpointer user_data)
{
  HallCaseListPage *self = user_data;
  GtkWidget *child = gtk_list_item_get_child (row);
  GtkWidget *viewport = GTK_WIDGET (self->scrolled_window);
  graphene_rect_t bounds;

  if (child == NULL || viewport == NULL || !gtk_widget_get_mapped (child)
      || !gtk_widget_compute_bounds (child, viewport, &bounds))
    return FALSE;
  return bounds.origin.y < gtk_widget_get_height (viewport)
         && bounds.origin.y + bounds.size.height > 0;
}

/* A row waiting its turn shows what a row not read yet does. */
static void
blank_row (GtkListItem *list_item)
{
  HallCaseRow *row = list_item_row (list_item);

  if (row == NULL)
    return;
  for (Column column = COLUMN_NUMBER; column < N_COLUMNS; column++)
    blank_cell (row, column);
}

/* The row shows another case (@pspec NULL), or its case changed: the
 * cells that show what changed show it again. Another case, or its
 * placeholder filled ("uuid"), is the whole row anew, as for every row in
 * view at once when a page is read or the list sorted: those rows take
 * their turns, a few a frame. */
static void
row_changed_cb (HallListRow *row,
                GParamSpec  *pspec,
                gpointer     data)
{
  GtkListItem *list_item = data;
  HallCaseListPage *self = g_object_get_qdata (G_OBJECT (list_item), page_quark);

  if (hall_fill_pacer_is_waiting (self->fill_pacer, list_item))
    return;
  if ((pspec == NULL || pspec->name == shown.uuid)
      && hall_fill_pacer_defer (self->fill_pacer, list_item))
    {
      blank_row (list_item);
      return;
    }
  for (Column column = COLUMN_NUMBER; column < N_COLUMNS; column++)
    if (pspec == NULL || column_shows (column, pspec->name))
      show_cell (self, list_item, column);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             HallCaseListPage         *self)
{
  g_object_set_qdata (G_OBJECT (list_item), page_quark, self);
  g_hash_table_add (self->promised_items, list_item);
  hall_fill_pacer_forget (self->fill_pacer, list_item);
  show_row (list_item, self);

  /* The model updates the cases it handed out in place when the store says
   * they changed (a sync acknowledged, a state moved), and the row is
   * given another case when a search's results replace the list. Bound
   * and unbound for every row that scrolls by: a watch of the row, not a
   * signal handler. */
  hall_list_row_watch (gtk_list_item_get_item (list_item), row_changed_cb, list_item);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               HallCaseListPage         *self)
{
  gpointer row = gtk_list_item_get_item (list_item);

  if (row != NULL)
    hall_list_row_unwatch (row, row_changed_cb, list_item);
  g_hash_table_remove (self->promised_items, list_item);
  hall_fill_pacer_forget (self->fill_pacer, list_item);
}

static void
teardown_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 HallCaseListPage         *self)
{
  g_hash_table_remove (self->promised_items, list_item);
  hall_fill_pacer_forget (self->fill_pacer, list_item);
}

static gboolean
refresh_promised_cb (gpointer user_data)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (user_data);
  gint64 now = page_now (self);
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->promised_items);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    if (list_item_case (list_item) != NULL)
      show_promised (list_item, list_item_case (list_item), now);

  return G_SOURCE_CONTINUE;
}

static void
hall_case_list_page_map (GtkWidget *widget)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);

  GTK_WIDGET_CLASS (hall_case_list_page_parent_class)->map (widget);

  refresh_promised_cb (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (PROMISED_REFRESH_SECONDS, refresh_promised_cb, self);
}

static void
hall_case_list_page_unmap (GtkWidget *widget)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* No frame is painted while unmapped: the order waits for none. */
  if (self->sort_paint_id != 0 || self->sort_idle_id != 0)
    apply_sort_now (self);

  GTK_WIDGET_CLASS (hall_case_list_page_parent_class)->unmap (widget);
}

static gboolean
hall_case_list_page_grab_focus (GtkWidget *widget)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (widget);
  const char *view = gtk_stack_get_visible_child_name (self->stack);

  if (gtk_search_bar_get_search_mode (self->search_bar))
    return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));

  /* Only what is on screen may take the focus: the table of an empty list
   * sits in a hidden page, and keys sent there are lost (after signing in
   * to an empty list, Ctrl+N did nothing until something was clicked). */
  if (g_strcmp0 (view, "list") == 0)
    return gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
  if (g_strcmp0 (view, "empty") == 0)
    return gtk_widget_grab_focus (self->empty_intake_button);
  return FALSE;
}

static void
hall_case_list_page_dispose (GObject *object)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->sort_idle_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_CASE_LIST_PAGE);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  /* After the rows, which forget their turns as they go. */
  g_clear_object (&self->fill_pacer);
  g_clear_object (&self->selection);
  g_clear_object (&self->paced);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_object (&self->columns);
  g_clear_pointer (&self->promised_items, g_hash_table_unref);
  g_clear_pointer (&self->open_uuid, g_free);

  G_OBJECT_CLASS (hall_case_list_page_parent_class)->dispose (object);
}

static void
hall_case_list_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SEARCH_MODE:
      g_value_set_boolean (value, hall_case_list_page_get_search_mode (self));
      break;
    case PROP_SORT:
      g_value_set_string (value, hall_case_sort_to_string (self->sort));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_list_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HallCaseListPage *self = HALL_CASE_LIST_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hall_case_list_page_set_store (self, g_value_get_object (value));
      break;
    case PROP_SEARCH_MODE:
      hall_case_list_page_set_search_mode (self, g_value_get_boolean (value));
      break;
    case PROP_SORT:
      {
        HallCaseSort sort;

        if (hall_case_sort_from_string (g_value_get_string (value), &sort))
          set_sort (self, sort);
        else
          g_warning ("No order of the case list is called “%s”", g_value_get_string (value));
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_case_list_page_class_init (HallCaseListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_case_list_page_dispose;
  object_class->get_property = hall_case_list_page_get_property;

  page_quark = g_quark_from_static_string ("hall-page");
  shown.uuid = g_intern_static_string ("uuid");
  shown.number = g_intern_static_string ("number");
  shown.applicant_name = g_intern_static_string ("applicant-name");
  shown.service_id = g_intern_static_string ("service-id");
  shown.service_name = g_intern_static_string ("service-name");
  shown.state = g_intern_static_string ("state");
  shown.promised_at = g_intern_static_string ("promised-at");
  shown.sync_state = g_intern_static_string ("sync-state");
  shown.sync_error = g_intern_static_string ("sync-error");
  shown.checklist = g_intern_static_string ("checklist");
  object_class->set_property = hall_case_list_page_set_property;
  widget_class->map = hall_case_list_page_map;
  widget_class->unmap = hall_case_list_page_unmap;
  widget_class->grab_focus = hall_case_list_page_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The rows' order by name (hall_case_sort_to_string()): the state of
   * the action "list.sort" the Sort menu's items set. */
  properties[PROP_SORT] =
    g_param_spec_string ("sort", NULL, NULL, "newest",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HALL_TYPE_CASE);
  signals[CASE_SELECTED] =
    g_signal_new ("case-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HALL_TYPE_CASE);

  g_type_ensure (HALL_TYPE_CASE_TABLE_HEADER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-case-list-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, table_header);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, empty_intake_button);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, state_box);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, waiting_check);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, overdue_check);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, clear_button);
  gtk_widget_class_bind_template_child (widget_class, HallCaseListPage, search_toggle);
  gtk_widget_class_bind_template_callback (widget_class, filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, intake_allowed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);

  gtk_widget_class_install_action (widget_class, "list.clear-filters", NULL,
                                   clear_filters_action);
  gtk_widget_class_install_action (widget_class, "list.filter", NULL, filter_action);
  gtk_widget_class_install_property_action (widget_class, "list.sort", "sort");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "list.filter", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_case_list_page_init (HallCaseListPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->promised_items = g_hash_table_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->fill_pacer = hall_fill_pacer_new (GTK_WIDGET (self->list_view), FILLS_PER_FRAME,
                                          show_row, self);
  hall_fill_pacer_set_in_view (self->fill_pacer, row_in_view);

  /* In Column's order. */
  self->columns = hall_case_columns_new ();
  hall_case_columns_add (self->columns, _("Case Number"), 170, 170, FALSE);
  hall_case_columns_add (self->columns, _("Applicant"), -1, 100, TRUE);
  hall_case_columns_add (self->columns, _("Service"), -1, 240, TRUE);
  hall_case_columns_add (self->columns, _("State"), 100, 100, FALSE);
  hall_case_columns_add (self->columns, _("Promised"), 170, 170, FALSE);
  hall_case_columns_add (self->columns, _("Sync"), 64, 64, FALSE);
  hall_case_table_header_set_columns (self->table_header, self->columns);
  g_signal_connect_object (self->table_header, "title-clicked", G_CALLBACK (title_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  hall_case_table_header_set_sortable (self->table_header, COLUMN_NUMBER, TRUE);
  hall_case_table_header_set_sortable (self->table_header, COLUMN_PROMISED, TRUE);
  show_sort (self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  /* A check for each state, named as the table's column names it. */
  for (guint i = 0; i < G_N_ELEMENTS (self->state_checks); i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (hall_case_state_get_label (i));

      self->state_checks[i] = GTK_CHECK_BUTTON (check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (filter_toggled_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (self->state_box, check);
    }
  /* The entry sits in a clamp, so the bar does not find it by itself. */
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  {
    GtkGesture *click = gtk_gesture_click_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
    g_signal_connect (click, "released", G_CALLBACK (row_released_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->list_view), GTK_EVENT_CONTROLLER (click));
  }
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scrolled_window),
                           "value-changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  update_view (self);
}

GtkWidget *
hall_case_list_page_new (void)
{
  return g_object_new (HALL_TYPE_CASE_LIST_PAGE, NULL);
}

void
hall_case_list_page_set_store (HallCaseListPage *self,
                               HallStore        *store)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));
  g_return_if_fail (store == NULL || HALL_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  gtk_list_view_set_model (self->list_view, NULL);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->paced);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  self->activate_when_found = FALSE;
  g_clear_pointer (&self->open_uuid, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  /* Another official's list starts unfiltered. */
  self->clearing = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->state_checks); i++)
    gtk_check_button_set_active (self->state_checks[i], FALSE);
  gtk_check_button_set_active (self->waiting_check, FALSE);
  gtk_check_button_set_active (self->overdue_check, FALSE);
  self->clearing = FALSE;
  set_sort (self, HALL_CASE_SORT_NEWEST);

  if (store != NULL)
    {
      self->model = hall_case_list_model_new (store);
      /* Before the selection, and so before the table, hears of them. */
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (rows_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (items_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::searching", G_CALLBACK (items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->model, "notify::n-matching", G_CALLBACK (update_count),
                               self, G_CONNECT_SWAPPED);
      _hall_case_list_model_set_clock (self->model, self->clock);
      self->paced = hall_paced_list_model_new (G_LIST_MODEL (self->model),
                                               GTK_WIDGET (self->list_view), ROWS_PER_FRAME);
      g_signal_connect_object (self->paced, "notify::pacing", G_CALLBACK (follow_open_case), self,
                               G_CONNECT_SWAPPED);
      /* After the paced model, which may give the rows other cases
       * without a change the selection hears of (a search's results in
       * place of the list): the highlighted row may show another case. */
      g_signal_connect_object (self->model, "items-changed", G_CALLBACK (follow_open_case), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->paced)));
      /* A new GtkSingleSelection has already picked the first row; nobody
       * chose it, so no case is open until someone does. */
      gtk_single_selection_set_autoselect (self->selection, FALSE);
      gtk_single_selection_set_can_unselect (self->selection, TRUE);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      g_signal_connect_object (self->selection, "selection-changed",
                               G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
      /* Once the selection and the table have heard of the rows too: a
       * selection that changes under a table that has not crashes it. */
      g_signal_connect_object (self->selection, "items-changed",
                               G_CALLBACK (follow_open_case), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
    }

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
hall_case_list_page_set_catalog (HallCaseListPage *self,
                                 HallCatalog      *catalog)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));
  g_return_if_fail (catalog == NULL || HALL_IS_CATALOG (catalog));

  g_set_object (&self->catalog, catalog);
}

gboolean
hall_case_list_page_get_search_mode (HallCaseListPage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_PAGE (self), FALSE);

  return gtk_search_bar_get_search_mode (self->search_bar);
}

void
hall_case_list_page_set_search_mode (HallCaseListPage *self,
                                     gboolean          search_mode)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  gtk_search_bar_set_search_mode (self->search_bar, search_mode);
  if (search_mode)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
hall_case_list_page_show_filters (HallCaseListPage *self)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  gtk_menu_button_popup (self->filter_button);
}

void
hall_case_list_page_set_compact (HallCaseListPage *self,
                                 gboolean          compact)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  compact = !!compact;
  if (compact == self->compact)
    return;
  self->compact = compact;
  /* The header bar has no room for its search button then. */
  gtk_widget_set_visible (self->search_toggle, compact);
  hall_case_columns_set_visible (self->columns, COLUMN_SERVICE, !compact);
  hall_case_columns_set_visible (self->columns, COLUMN_PROMISED, !compact);
  hall_case_columns_set_visible (self->columns, COLUMN_SYNC, !compact);
  /* The names get the room the number and the state can spare. */
  hall_case_columns_set_fixed_width (self->columns, COLUMN_NUMBER, compact ? 150 : 170);
  hall_case_columns_set_fixed_width (self->columns, COLUMN_STATE, compact ? 84 : 100);
}

gboolean
hall_case_list_page_get_compact (HallCaseListPage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_PAGE (self), FALSE);

  return self->compact;
}

void
hall_case_list_page_set_key_capture_widget (HallCaseListPage *self,
                                            GtkWidget        *widget)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  gtk_search_bar_set_key_capture_widget (self->search_bar, widget);
}

void
hall_case_list_page_unselect (HallCaseListPage *self)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  if (self->selection != NULL)
    gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->selection));
}

void
hall_case_list_page_set_open_case (HallCaseListPage *self,
                                   HallCase         *kase)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));
  g_return_if_fail (kase == NULL || HALL_IS_CASE (kase));

  g_free (self->open_uuid);
  self->open_uuid = kase != NULL ? g_strdup (hall_case_get_uuid (kase)) : NULL;
  follow_open_case (self);
}

GListModel *
hall_case_list_page_get_model (HallCaseListPage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_PAGE (self), NULL);

  return self->model != NULL ? G_LIST_MODEL (self->model) : NULL;
}

const char *
hall_case_list_page_get_view (HallCaseListPage *self)
{
  g_return_val_if_fail (HALL_IS_CASE_LIST_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
hall_case_list_page_set_clock (HallCaseListPage *self,
                               gint64            now)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  self->clock = now;
  if (self->model != NULL)
    _hall_case_list_model_set_clock (self->model, now);
}

void
hall_case_list_page_tick (HallCaseListPage *self)
{
  g_return_if_fail (HALL_IS_CASE_LIST_PAGE (self));

  refresh_promised_cb (self);
}

char *
hall_case_list_page_dup_promised_text (HallCaseListPage *self,
                                       const char       *case_uuid)
{
  GHashTableIter iter;
  gpointer list_item;

  g_return_val_if_fail (HALL_IS_CASE_LIST_PAGE (self), NULL);

  g_hash_table_iter_init (&iter, self->promised_items);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    {
      HallCase *kase = list_item_case (list_item);

      if (kase != NULL && g_strcmp0 (hall_case_get_uuid (kase), case_uuid) == 0)
        return g_strdup (hall_case_row_get_text (list_item_row (list_item), COLUMN_PROMISED));
    }
  return NULL;
}
