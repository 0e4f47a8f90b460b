/* hall-stats-page.c — the supervisor page: the hall's figures and charts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-stats"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-chart-daily.h"
#include "hall-chart-heatmap.h"
#include "hall-chart-reasons.h"
#include "hall-chart-wait.h"
#include "hall-core-error.h"
#include "hall-error.h"
#include "hall-stats-page-private.h"
#include "hall-stats-page-test-hooks.h"
#include "hall-stats-page.h"


G_DEFINE_FINAL_TYPE (HallStatsPage, hall_stats_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CASE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The clock */

static gint64
page_now (HallStatsPage *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

/* "2026-12-04 15:00" in the hall's time, as the figures count it. */
static char *
format_hall_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc (unix_seconds + HALL_STATS_UTC_OFFSET);

  return g_date_time_format (at, "%Y-%m-%d %H:%M");
}

/* Showing */

/* Export needs figures, read to their end, and one export at a time. */
void
_hall_stats_page_update_actions (HallStatsPage *self)
{
  gboolean ready = !self->busy && !self->exporting && self->month != NULL
                   && self->month->by_day != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export-csv",
                                 ready && self->month->by_service != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stats.export-pdf", ready);
}

static void
set_count (GtkLabel             *label,
           const HallStatsCount *count)
{
  g_autofree char *text = hall_stats_count_to_string (count);

  gtk_label_set_text (label, text);
}

static void
show_month (HallStatsPage *self)
{
  HallStatsFigures *total = self->month != NULL && self->month->by_day != NULL
                              ? self->month->by_day->total : NULL;

  if (total != NULL)
    {
      g_autofree char *share = hall_stats_on_time_to_string (total);

      set_count (self->opened_label, &total->opened);
      set_count (self->finished_label, &total->finished);
      gtk_label_set_text (self->on_time_label, share);
      set_count (self->overdue_label, &total->overdue_now);
    }
  else
    {
      gtk_label_set_text (self->opened_label, "—");
      gtk_label_set_text (self->finished_label, "—");
      gtk_label_set_text (self->on_time_label, "—");
      gtk_label_set_text (self->overdue_label, "—");
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->daily_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->heatmap_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->wait_area));
  gtk_widget_queue_draw (GTK_WIDGET (self->reasons_area));
  _hall_stats_page_update_actions (self);
}

static void
show_range (HallStatsPage *self)
{
  char from[64], to[64];
  g_autofree char *text = NULL;

  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  /* Translators: the days the figures are of, "2026-12-01 – 2026-12-31" */
  text = g_strdup_printf (_("%s – %s"), from, to);
  gtk_label_set_text (self->range_label, text);
}

static void
set_busy (HallStatsPage *self,
          gboolean       busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  _hall_stats_page_update_actions (self);
}

/* The charts */

static HallChartInfo *
begin_chart (HallStatsPage  *self,
             HallStatsChart  chart)
{
  g_clear_pointer (&self->infos[chart], hall_chart_info_free);
  if (self->month == NULL || self->month->by_day == NULL)
    return NULL;
  /* The figures shown while a load runs are the last load's. */
  if (self->first_drawn == 0 && self->month_generation == self->generation)
    self->first_drawn = g_get_monotonic_time ();
  self->infos[chart] = hall_chart_info_new ();
  return self->infos[chart];
}

static void
draw_daily_cb (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  HallStatsPage *self = user_data;
  HallChartInfo *info = begin_chart (self, HALL_STATS_CHART_DAILY);

  if (info != NULL)
    hall_chart_daily_render (self->month->by_day, cr, width, height, info);
}

static void
draw_heatmap_cb (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  HallStatsPage *self = user_data;
  HallChartInfo *info;

  /* Its weeks are still on their way: nothing rather than "no figures". */
  if (self->busy && self->month != NULL && self->month->weeks->len == 0)
    {
      g_clear_pointer (&self->infos[HALL_STATS_CHART_HEATMAP], hall_chart_info_free);
      return;
    }
  info = begin_chart (self, HALL_STATS_CHART_HEATMAP);

  if (info != NULL)
    hall_chart_heatmap_render (self->month->weeks, self->service_labels, cr, width, height, info);
}

static void
draw_wait_cb (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  HallStatsPage *self = user_data;
  HallChartInfo *info = begin_chart (self, HALL_STATS_CHART_WAIT);

  if (info != NULL)
    hall_chart_wait_render (self->month->by_day, cr, width, height, info);
}

static void
draw_reasons_cb (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  HallStatsPage *self = user_data;
  HallChartInfo *info = begin_chart (self, HALL_STATS_CHART_REASONS);

  if (info != NULL)
    hall_chart_reasons_render (self->month->by_day, self->reason_labels, cr, width, height, info);
}

static void show_message_text (HallStatsPage *self,
                               const char    *text);

/* The cases behind a figure */

static GtkWidget *
case_row (HallCase *kase,
          gint64    now)
{
  GtkWidget *row = adw_action_row_new ();
  gint64 promised = hall_case_get_promised_at (kase);
  HallCaseState state = hall_case_get_state (kase);
  gboolean open = state != HALL_CASE_COMPLETED && state != HALL_CASE_REJECTED
                  && state != HALL_CASE_WITHDRAWN;
  g_autofree char *subtitle = NULL;
  g_autofree char *when = NULL;

  if (promised > 0)
    when = format_hall_time (promised);
  /* Translators: a case's service, state and promised time:
   * "Invoice application · In review · promised 2026-12-04 15:00" */
  subtitle = g_strdup_printf (_("%s · %s · promised %s"), hall_case_get_service_name (kase),
                              hall_case_state_get_label (state), when != NULL ? when : "—");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), hall_case_get_number (kase));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (open && promised > 0 && promised < now)
    {
      GtkWidget *overdue = gtk_label_new (_("Overdue"));

      gtk_widget_add_css_class (overdue, "error");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), overdue);
    }
  return row;
}

static void
cases_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  HallStatsPage *self;
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now;
  GtkWidget *child;

  cases = hall_store_list_stats_cases_finish (HALL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HALL_STATS_PAGE (user_data);
  now = page_now (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cases_list))) != NULL)
    gtk_list_box_remove (self->cases_list, child);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  if (cases == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The figures could not be shown: %s"),
                                               error->message);

      show_message_text (self, text);
      return;
    }
  for (guint i = 0; i < cases->len; i++)
    gtk_list_box_append (self->cases_list, case_row (g_ptr_array_index (cases, i), now));
  self->cases = g_steal_pointer (&cases);
}

/* Lists the cases behind the hit @key of @chart. */
static void
list_cases (HallStatsPage  *self,
            HallStatsChart  chart,
            const char     *key)
{
  char from[16], to[16];
  g_auto (GStrv) parts = NULL;
  g_autofree char *title = NULL;
  const char *service = NULL, *reason = NULL, *first = from, *last = to;

  if (self->store == NULL || key == NULL || chart == HALL_STATS_CHART_WAIT)
    return;
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  parts = g_strsplit (key, "|", 3);
  if (chart == HALL_STATS_CHART_DAILY)
    first = last = key;
  else if (chart == HALL_STATS_CHART_HEATMAP && g_strv_length (parts) == 3)
    {
      service = parts[0];
      first = parts[1];
      last = parts[2];
    }
  else if (chart == HALL_STATS_CHART_REASONS)
    reason = key;
  else
    return;
  /* Translators: the cases listed under the charts, "Cases of 2026-12-01 – 2026-12-07" */
  title = g_strdup_printf (_("Cases of %s – %s"), first, last);
  gtk_label_set_text (self->cases_title, title);
  gtk_widget_set_visible (self->cases_box, TRUE);
  g_cancellable_cancel (self->cases_cancellable);
  g_clear_object (&self->cases_cancellable);
  self->cases_cancellable = g_cancellable_new ();
  hall_store_list_stats_cases_async (self->store, first, last, service, reason,
                                     self->cases_cancellable, cases_cb, self);
}

static void
chart_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  gpointer         user_data)
{
  HallStatsPage *self = user_data;
  GtkWidget *area = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  HallStatsChart chart = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (area), "hall-chart"));

  hall_stats_page_click (self, chart, x, y);
}

static void
case_activated_cb (HallStatsPage *self,
                   GtkListBoxRow *row)
{
  int index = gtk_list_box_row_get_index (row);

  if (self->cases != NULL && index >= 0 && (guint) index < self->cases->len)
    g_signal_emit (self, signals[SIGNAL_CASE_ACTIVATED], 0, g_ptr_array_index (self->cases, index));
}

/* Loading */

static void
show_message_text (HallStatsPage *self,
                   const char    *text)
{
  gtk_label_set_text (self->message_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), TRUE);
}

static void
show_message (HallStatsPage *self,
              const char    *text,
              gboolean       error)
{
  gtk_label_set_text (self->message_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL);
  if (error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
    }
}

static void
offline_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HallStatsPage *self;
  g_autoptr (HallStatsMonth) month = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  month = hall_store_compute_stats_finish (HALL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HALL_STATS_PAGE (user_data);
  set_busy (self, FALSE);
  g_clear_pointer (&self->month, hall_stats_month_free);
  if (month == NULL)
    {
      /* Translators: %s says why, in words */
      text = g_strdup_printf (_("The figures could not be shown: %s"), error->message);
      show_message (self, text, TRUE);
      show_month (self);
      return;
    }
  when = format_hall_time (month->as_of);
  /* Translators: %s is a date and time, "2026-12-04 14:05" */
  text = g_strdup_printf (_("The server cannot be reached: these figures are of this counter’s "
                            "own cases only, as of %s, not of the whole hall."),
                          when);
  show_message (self, text, FALSE);
  self->offline = TRUE;
  self->month = g_steal_pointer (&month);
  self->month_generation = self->generation;
  show_month (self);
}

static void
load_offline (HallStatsPage *self)
{
  char from[16], to[16];

  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  set_busy (self, TRUE);
  hall_store_compute_stats_async (self->store, from, to, page_now (self),
                                  self->cancellable, offline_cb, self);
}

/* Says why the server gave no figures. */
static void
show_failure (HallStatsPage *self,
              GError        *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
    text = g_strdup (_("The server cannot be reached, so the hall’s figures cannot be "
                       "shown. Try again once the counter is back online."));
  else
    /* Translators: %s says why, in words */
    text = g_strdup_printf (_("The figures could not be shown: %s"), error->message);
  show_message (self, text, TRUE);
}

static void
load_rest_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  HallStatsPage *self;
  g_autoptr (HallStatsMonth) rest = NULL;
  g_autoptr (GError) error = NULL;

  rest = hall_sync_engine_fetch_stats_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HALL_STATS_PAGE (user_data);
  set_busy (self, FALSE);
  if (rest == NULL)
    {
      /* The figures by day stay; the heat map and the export need these. */
      show_failure (self, error);
      gtk_widget_queue_draw (GTK_WIDGET (self->heatmap_area));
      return;
    }
  self->month->by_service = g_steal_pointer (&rest->by_service);
  g_ptr_array_unref (self->month->weeks);
  self->month->weeks = g_steal_pointer (&rest->weeks);
  self->month->as_of = rest->as_of;
  show_month (self);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  HallStatsPage *self;
  g_autoptr (HallStatsMonth) month = NULL;
  g_autoptr (GError) error = NULL;

  month = hall_sync_engine_fetch_stats_finish (HALL_SYNC_ENGINE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = HALL_STATS_PAGE (user_data);
  if (month == NULL)
    {
      set_busy (self, FALSE);
      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE)
          && self->store != NULL)
        {
          load_offline (self);
          return;
        }
      show_failure (self, error);
      g_clear_pointer (&self->month, hall_stats_month_free);
      show_month (self);
      return;
    }
  show_message (self, NULL, FALSE);
  g_clear_pointer (&self->month, hall_stats_month_free);
  self->month = g_steal_pointer (&month);
  self->month_generation = self->generation;
  show_month (self);
  /* The headline and three charts are drawn now; the heat map's weeks and
   * the range by service (the CSV) follow, the spinner turning. */
  hall_sync_engine_fetch_stats_async (self->engine, self->month->from, self->month->to,
                                      HALL_STATS_PART_SERVICE | HALL_STATS_PART_WEEKS,
                                      self->cancellable, load_rest_cb, self);
}

static void
load (HallStatsPage *self)
{
  char from[16], to[16];

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  show_range (self);
  self->offline = FALSE;
  self->generation++;
  self->first_drawn = 0;
  if (self->engine == NULL && self->store == NULL)
    {
      set_busy (self, FALSE);
      g_clear_pointer (&self->month, hall_stats_month_free);
      show_month (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  if (self->engine == NULL)
    {
      load_offline (self);
      return;
    }
  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  set_busy (self, TRUE);
  /* The page holds itself only through the cancellable: load_cb returns
   * at once when the page went away. */
  hall_sync_engine_fetch_stats_async (self->engine, from, to, HALL_STATS_PART_DAY,
                                      self->cancellable, load_cb, self);
}

/* Ranges */

static void
set_month_of (HallStatsPage *self,
              const GDate   *day)
{
  g_date_clear (&self->from, 1);
  g_date_set_dmy (&self->from, 1, g_date_get_month (day), g_date_get_year (day));
  self->to = self->from;
  g_date_add_months (&self->to, 1);
  g_date_subtract_days (&self->to, 1);
}

static void
move_month (HallStatsPage *self,
            int            months)
{
  GDate day = self->from;

  if (months < 0)
    g_date_subtract_months (&day, -months);
  else
    g_date_add_months (&day, months);
  set_month_of (self, &day);
  load (self);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  move_month (HALL_STATS_PAGE (widget), -1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  move_month (HALL_STATS_PAGE (widget), 1);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  load (HALL_STATS_PAGE (widget));
}

/* The range popover: two dates, checked before they are asked for */

static void
clear_range_error (GtkEntry *entry,
                   GtkLabel *label)
{
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_label_set_text (label, "");
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
}

static void
range_popover_show_cb (HallStatsPage *self)
{
  char from[16], to[16];

  g_date_strftime (from, sizeof from, "%Y-%m-%d", &self->from);
  g_date_strftime (to, sizeof to, "%Y-%m-%d", &self->to);
  gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
  gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
  clear_range_error (self->from_entry, self->from_error);
  clear_range_error (self->to_entry, self->to_error);
}

static void
range_entry_changed_cb (HallStatsPage *self,
                        GtkEntry      *entry)
{
  if (entry == self->from_entry)
    clear_range_error (self->from_entry, self->from_error);
  else
    clear_range_error (self->to_entry, self->to_error);
}

static void
range_entry_activate_cb (HallStatsPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "stats.show-range", NULL);
}

static void
show_range_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallStatsPage *self = HALL_STATS_PAGE (widget);
  const char *from_text = gtk_editable_get_text (GTK_EDITABLE (self->from_entry));
  const char *to_text = gtk_editable_get_text (GTK_EDITABLE (self->to_entry));
  g_autofree char *from = g_strstrip (g_strdup (from_text));
  g_autofree char *to = g_strstrip (g_strdup (to_text));
  g_autoptr (GError) error = NULL;
  HallStatsRangeField field;

  clear_range_error (self->from_entry, self->from_error);
  clear_range_error (self->to_entry, self->to_error);
  if (!hall_stats_month_check_range (from, to, &field, &error))
    {
      /* The message goes under the date at fault; the dates shown stay. */
      GtkEntry *entry = field == HALL_STATS_RANGE_FROM ? self->from_entry : self->to_entry;
      GtkLabel *label = field == HALL_STATS_RANGE_FROM ? self->from_error : self->to_error;

      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_label_set_text (label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (entry));
      return;
    }
  gtk_popover_popdown (self->range_popover);
  hall_stats_month_parse_day (from, &self->from);
  hall_stats_month_parse_day (to, &self->to);
  load (self);
}

/* GObject */

static void
hall_stats_page_dispose (GObject *object)
{
  HallStatsPage *self = HALL_STATS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->cases_cancellable);
  g_clear_object (&self->cases_cancellable);
  _hall_stats_page_export_dispose (self);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_STATS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->engine);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->service_labels, g_hash_table_unref);
  g_clear_pointer (&self->reason_labels, g_hash_table_unref);
  g_clear_pointer (&self->month, hall_stats_month_free);
  for (guint i = 0; i < HALL_STATS_N_CHARTS; i++)
    g_clear_pointer (&self->infos[i], hall_chart_info_free);

  G_OBJECT_CLASS (hall_stats_page_parent_class)->dispose (object);
}

static void
hall_stats_page_class_init (HallStatsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_stats_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statspage");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-stats-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, range_button);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, range_popover);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, from_error);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, to_error);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, opened_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, finished_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, on_time_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, overdue_label);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, daily_area);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, heatmap_area);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, wait_area);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, reasons_area);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, cases_box);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, cases_title);
  gtk_widget_class_bind_template_child (widget_class, HallStatsPage, cases_list);
  gtk_widget_class_bind_template_callback (widget_class, case_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_popover_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_entry_activate_cb);

  signals[SIGNAL_CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, HALL_TYPE_CASE);

  gtk_widget_class_install_action (widget_class, "stats.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "stats.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "stats.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "stats.show-range", NULL, show_range_action);
  gtk_widget_class_install_action (widget_class, "stats.export-csv", NULL,
                                   _hall_stats_page_export_action);
  gtk_widget_class_install_action (widget_class, "stats.export-pdf", NULL,
                                   _hall_stats_page_export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "stats.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "stats.next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "stats.refresh", NULL);
}

static void
hall_stats_page_init (HallStatsPage *self)
{
  GDate today;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (self->daily_area, draw_daily_cb, self, NULL);
  gtk_drawing_area_set_draw_func (self->heatmap_area, draw_heatmap_cb, self, NULL);
  gtk_drawing_area_set_draw_func (self->wait_area, draw_wait_cb, self, NULL);
  gtk_drawing_area_set_draw_func (self->reasons_area, draw_reasons_cb, self, NULL);
  {
    GtkDrawingArea *areas[] = { self->daily_area, self->heatmap_area, self->wait_area,
                                self->reasons_area };

    for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
      {
        GtkGesture *click = gtk_gesture_click_new ();

        g_object_set_data (G_OBJECT (areas[i]), "hall-chart", GUINT_TO_POINTER (i));
        g_signal_connect (click, "pressed", G_CALLBACK (chart_pressed_cb), self);
        gtk_widget_add_controller (GTK_WIDGET (areas[i]), GTK_EVENT_CONTROLLER (click));
      }
  }
  /* This month is the hall's (+08:00), not the machine's zone's: at
   * 20:00 UTC on the last of a month the hall is in the next one. */
  hall_stats_month_hall_day (page_now (self), &today);
  set_month_of (self, &today);
  show_range (self);
  show_month (self);
}

/* Public */

GtkWidget *
hall_stats_page_new (void)
{
  return g_object_new (HALL_TYPE_STATS_PAGE, NULL);
}

void
hall_stats_page_set_context (HallStatsPage  *self,
                             HallStore      *store,
                             HallSyncEngine *engine,
                             HallCatalog    *catalog)
{
  g_return_if_fail (HALL_IS_STATS_PAGE (self));

  g_set_object (&self->store, store);
  g_set_object (&self->engine, engine);
  g_set_object (&self->catalog, catalog);
  g_clear_pointer (&self->service_labels, g_hash_table_unref);
  g_clear_pointer (&self->reason_labels, g_hash_table_unref);
  if (catalog != NULL)
    {
      self->service_labels = hall_stats_service_labels (catalog);
      self->reason_labels = hall_stats_reason_labels (catalog, FALSE);
    }
  show_message (self, NULL, FALSE);
  load (self);
}

void
hall_stats_page_set_range (HallStatsPage *self,
                           const char    *from,
                           const char    *to)
{
  g_return_if_fail (HALL_IS_STATS_PAGE (self));

  g_return_if_fail (hall_stats_month_check_range (from, to, NULL, NULL));
  hall_stats_month_parse_day (from, &self->from);
  hall_stats_month_parse_day (to, &self->to);
  load (self);
}

void
hall_stats_page_refresh (HallStatsPage *self)
{
  g_return_if_fail (HALL_IS_STATS_PAGE (self));

  load (self);
}

gboolean
hall_stats_page_get_busy (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), FALSE);

  return self->busy;
}

HallChartInfo *
hall_stats_page_get_chart_info (HallStatsPage  *self,
                                HallStatsChart  chart)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);
  g_return_val_if_fail (chart < HALL_STATS_N_CHARTS, NULL);

  return self->infos[chart];
}

HallStatsMonth *
hall_stats_page_get_month (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);

  return self->month;
}

const char *
hall_stats_page_get_headline (HallStatsPage *self,
                              guint          index)
{
  GtkLabel *labels[] = { self->opened_label, self->finished_label, self->on_time_label,
                         self->overdue_label };

  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);
  g_return_val_if_fail (index < G_N_ELEMENTS (labels), NULL);

  return gtk_label_get_text (labels[index]);
}

const char *
hall_stats_page_get_message (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), NULL);

  return gtk_label_get_text (self->message_label);
}

gboolean
hall_stats_page_get_offline (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), FALSE);

  return self->offline;
}

gboolean
hall_stats_page_click (HallStatsPage  *self,
                       HallStatsChart  chart,
                       double          x,
                       double          y)
{
  const char *key;

  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), FALSE);
  g_return_val_if_fail (chart < HALL_STATS_N_CHARTS, FALSE);

  if (self->infos[chart] == NULL)
    return FALSE;
  key = hall_chart_info_hit (self->infos[chart], x, y);
  if (key == NULL)
    return FALSE;
  list_cases (self, chart, key);
  return TRUE;
}

guint
hall_stats_page_get_n_listed (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), 0);

  return self->cases != NULL ? self->cases->len : 0;
}

void
hall_stats_page_activate_listed (HallStatsPage *self,
                                 guint          index)
{
  g_return_if_fail (HALL_IS_STATS_PAGE (self));

  case_activated_cb (self, gtk_list_box_get_row_at_index (self->cases_list, index));
}

gint64
hall_stats_page_get_first_drawn (HallStatsPage *self)
{
  g_return_val_if_fail (HALL_IS_STATS_PAGE (self), 0);

  return self->first_drawn;
}

void
hall_stats_page_set_now (HallStatsPage *self,
                         gint64         unix_seconds)
{
  GDate today;

  g_return_if_fail (HALL_IS_STATS_PAGE (self));

  self->now = unix_seconds;
  hall_stats_month_hall_day (page_now (self), &today);
  set_month_of (self, &today);
  show_range (self);
}
