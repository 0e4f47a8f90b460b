/* hall-case-promise.c — what a case's promise comes to, and how it reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counter's case page and receipt, the server and ctl all read a
 * promise through here, so that "3 working days" means one thing.
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-case-event.h"
#include "hall-case-promise.h"

static guint
count_missing (HallCase *kase)
{
  JsonArray *checklist = hall_case_get_checklist (kase);
  guint n = 0;

  for (guint i = 0; checklist != NULL && i < json_array_get_length (checklist); i++)
    {
      JsonObject *item = json_array_get_object_element (checklist, i);

      if (item != NULL && !json_object_get_boolean_member_with_default (item, "provided", FALSE))
        n++;
    }
  return n;
}

static int
compare_pauses (gconstpointer a,
                gconstpointer b)
{
  const HallPause *pa = a;
  const HallPause *pb = b;

  return (pa->start > pb->start) - (pa->start < pb->start);
}

GArray *
hall_case_get_pauses (HallCase  *kase,
                      GPtrArray *events)
{
  GArray *raw = g_array_new (FALSE, FALSE, sizeof (HallPause));
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (HallPause));
  gint64 last_document = 0;
  gboolean returned = FALSE;
  HallPause open_return = { 0, 0 };

  g_return_val_if_fail (HALL_IS_CASE (kase), merged);

  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      HallCaseEvent *event = g_ptr_array_index (events, i);

      switch (hall_case_event_get_kind (event))
        {
        case HALL_CASE_EVENT_DOCUMENT:
          last_document = MAX (last_document, hall_case_event_get_at (event));
          break;
        case HALL_CASE_EVENT_STATE:
          if (hall_case_event_get_new_state (event) == HALL_CASE_RETURNED && !returned)
            {
              returned = TRUE;
              open_return.start = hall_case_event_get_at (event);
            }
          else if (hall_case_event_get_new_state (event) != HALL_CASE_RETURNED && returned)
            {
              returned = FALSE;
              open_return.end = MAX (open_return.start, hall_case_event_get_at (event));
              g_array_append_val (raw, open_return);
            }
          break;
        case HALL_CASE_EVENT_CREATED:
        case HALL_CASE_EVENT_NOTE:
        default:
          break;
        }
    }
  if (returned || hall_case_get_state (kase) == HALL_CASE_RETURNED)
    {
      HallPause p = { returned ? open_return.start : hall_case_get_created_at (kase), 0 };

      g_array_append_val (raw, p);
    }
  /* Documents missing now, or brought later: the case waited from intake. */
  if (count_missing (kase) > 0 || last_document > 0)
    {
      HallPause p = { hall_case_get_created_at (kase),
                      count_missing (kase) > 0 ? 0 : MAX (last_document,
                                                          hall_case_get_created_at (kase)) };

      g_array_append_val (raw, p);
    }

  g_array_sort (raw, compare_pauses);
  for (guint i = 0; i < raw->len; i++)
    {
      HallPause p = g_array_index (raw, HallPause, i);
      HallPause *last = merged->len > 0 ? &g_array_index (merged, HallPause, merged->len - 1)
                                        : NULL;

      if (last != NULL && (last->end == 0 || p.start <= last->end))
        {
          if (last->end != 0)
            last->end = p.end == 0 ? 0 : MAX (last->end, p.end);
        }
      else
        g_array_append_val (merged, p);
    }
  g_array_unref (raw);
  return merged;
}

gboolean
hall_case_is_paused (HallCase *kase)
{
  HallCaseState state;

  g_return_val_if_fail (HALL_IS_CASE (kase), FALSE);

  state = hall_case_get_state (kase);
  return state == HALL_CASE_RETURNED
         || ((state == HALL_CASE_RECEIVED || state == HALL_CASE_IN_REVIEW)
             && count_missing (kase) > 0);
}

void
hall_case_compute_promise (HallCase     *kase,
                           HallService  *service,
                           HallCalendar *calendar,
                           GPtrArray    *events,
                           HallPromise  *promise)
{
  g_autoptr (GArray) pauses = NULL;

  g_return_if_fail (HALL_IS_CASE (kase));
  g_return_if_fail (HALL_IS_SERVICE (service));
  g_return_if_fail (HALL_IS_CALENDAR (calendar));

  pauses = hall_case_get_pauses (kase, events);
  hall_calendar_compute_promise (calendar, hall_service_get_promised_minutes (service),
                                 hall_case_get_created_at (kase), (HallPause *) pauses->data,
                                 pauses->len, promise);
}

char *
hall_promise_format_amount (gboolean in_days,
                            guint    amount)
{
  if (in_days)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working day", "%u working days",
                                         amount),
                            amount);
  if (amount % 60 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working hour", "%u working hours",
                                         amount / 60),
                            amount / 60);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u working minute",
                                       "%u working minutes", amount),
                          amount);
}

char *
hall_case_format_promise (HallCase          *kase,
                          HallCalendar      *calendar,
                          const HallPromise *promise)
{
  g_autofree char *amount = NULL;
  guint n_missing;

  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);
  g_return_val_if_fail (HALL_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (promise != NULL, NULL);

  if (promise->paused)
    {
      amount = hall_promise_format_amount (promise->in_days, promise->left);
      n_missing = count_missing (kase);
      if (hall_case_get_state (kase) == HALL_CASE_RETURNED || n_missing == 0)
        /* Translators: %s is "2 working days" */
        return g_strdup_printf (_("Paused — returned to the applicant; %s left when they bring "
                                  "what was asked for"),
                                amount);
      /* Translators: the first %u is a number of documents, %s "2 working days" */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Paused — waiting for %u document; %s left when it "
                                           "is brought",
                                           "Paused — waiting for %u documents; %s left when "
                                           "they are brought",
                                           n_missing),
                              n_missing, amount);
    }
  {
    g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (promise->due);
    g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, hall_calendar_get_timezone (calendar));
    /* Translators: a strftime format of the promised time: "Wed 9 Dec 17:00";
     * in Chinese "12月9日（周三）17:00" */
    g_autofree char *when = g_date_time_format (local, _("%a %-d %b %H:%M"));

    amount = hall_promise_format_amount (promise->in_days, promise->amount);
    /* Translators: "Promised by Wed 9 Dec 17:00 (3 working days)" */
    return g_strdup_printf (_("Promised by %s (%s)"), when, amount);
  }
}
