/* hall-workflow.c — where a case stands among its service's approval steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-service-private.h"
#include "hall-workflow.h"

struct _HallWorkflow
{
  HallService   *service;
  HallCaseState  state;
  guint          round_start;
  guint          round_end;
  GHashTable    *approved_by;   /* step id -> official, this round */
};

static const char *
step_name (const HallApprovalStep *step)
{
  return _hall_prefers_chinese () ? step->name_zh : step->name;
}

static void
start_round (HallWorkflow *self,
             guint         start)
{
  guint n = hall_service_get_n_steps (self->service);

  self->round_start = MIN (start, n);
  self->round_end = start < n ? hall_service_get_group_end (self->service, start) : n;
  g_hash_table_remove_all (self->approved_by);
}

static gboolean
round_complete (HallWorkflow *self)
{
  return g_hash_table_size (self->approved_by) == self->round_end - self->round_start;
}

HallWorkflow *
hall_workflow_new (HallService   *service,
                   HallCaseState  state,
                   GPtrArray     *events)
{
  HallWorkflow *self;

  g_return_val_if_fail (HALL_IS_SERVICE (service), NULL);

  self = g_new0 (HallWorkflow, 1);
  self->service = g_object_ref (service);
  self->approved_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  start_round (self, 0);
  for (guint i = 0; events != NULL && i < events->len; i++)
    hall_workflow_apply (self, g_ptr_array_index (events, i));
  /* The case's own state is the word on it: a case withdrawn or returned
   * by a plain state event is so, whatever its decisions were. */
  self->state = state;
  return self;
}

void
hall_workflow_free (HallWorkflow *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->service);
  g_clear_pointer (&self->approved_by, g_hash_table_unref);
  g_free (self);
}

HallService *
hall_workflow_get_service (HallWorkflow *self)
{
  return self->service;
}

HallCaseState
hall_workflow_get_state (HallWorkflow *self)
{
  return self->state;
}

gboolean
hall_workflow_is_waiting (HallWorkflow *self)
{
  return (self->state == HALL_CASE_RECEIVED || self->state == HALL_CASE_IN_REVIEW)
         && self->round_start < hall_service_get_n_steps (self->service);
}

guint
hall_workflow_get_round_start (HallWorkflow *self)
{
  return self->round_start;
}

guint
hall_workflow_get_round_end (HallWorkflow *self)
{
  return self->round_end;
}

const char *
hall_workflow_get_approved_by (HallWorkflow *self,
                               const char   *step_id)
{
  return step_id != NULL ? g_hash_table_lookup (self->approved_by, step_id) : NULL;
}

GPtrArray *
hall_workflow_list_open_steps (HallWorkflow *self)
{
  GPtrArray *steps = g_ptr_array_new ();

  if (!hall_workflow_is_waiting (self))
    return steps;
  for (guint i = self->round_start; i < self->round_end; i++)
    {
      const HallApprovalStep *step = hall_service_get_step (self->service, i);

      if (!g_hash_table_contains (self->approved_by, step->id))
        g_ptr_array_add (steps, (gpointer) step);
    }
  return steps;
}

static gboolean
approved_other_step (HallWorkflow *self,
                     const char   *official,
                     const char  **step_out)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->approved_by);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (official != NULL && g_str_equal (value, official))
      {
        *step_out = key;
        return TRUE;
      }
  return FALSE;
}

const HallApprovalStep *
hall_workflow_find_step_for (HallWorkflow *self,
                             HallRoles     roles,
                             const char   *official)
{
  g_autoptr (GPtrArray) open = hall_workflow_list_open_steps (self);
  const char *other;

  /* One official, one step of a joint review. */
  if (self->round_end - self->round_start > 1 && approved_other_step (self, official, &other))
    return NULL;
  for (guint i = 0; i < open->len; i++)
    {
      const HallApprovalStep *step = g_ptr_array_index (open, i);
      HallRoles needed = 0;

      if (hall_roles_parse (step->role, &needed, NULL) && (roles & needed))
        return step;
    }
  return NULL;
}

static char *
open_step_names (HallWorkflow *self)
{
  g_autoptr (GPtrArray) open = hall_workflow_list_open_steps (self);
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < open->len; i++)
    {
      const HallApprovalStep *step = g_ptr_array_index (open, i);

      g_string_append_printf (names, "%s“%s” (%s)", i > 0 ? ", " : "", step_name (step),
                              step->id);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static gboolean
check_reasons (HallWorkflow  *self,
               HallCaseEvent *event,
               const char   **field_out,
               GError       **error)
{
  JsonArray *reasons = hall_case_event_get_reasons (event);
  guint n = reasons != NULL ? json_array_get_length (reasons) : 0;

  if (n == 0 && hall_case_event_get_decision (event) != HALL_DECISION_APPROVE)
    {
      *field_out = "reasons";
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_REASON,
                   _("A case is returned or rejected with its reasons: give at least one, "
                     "from the service’s list or in your own words"));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *reason = json_array_get_object_element (reasons, i);
      const char *code = reason != NULL && json_object_has_member (reason, "code")
                         ? json_object_get_string_member (reason, "code") : NULL;

      if (g_strcmp0 (code, HALL_DECISION_REASON_OTHER) == 0
          || hall_service_find_reason (self->service, code) != NULL)
        continue;
      *field_out = "reasons";
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_REASON,
                   _("Reason %u: “%s” is not one of the reasons of the service “%s”; pick one "
                     "of its list or give your own words with the code “other”"),
                   i + 1, code != NULL ? code : "", hall_service_get_id (self->service));
      return FALSE;
    }
  return TRUE;
}

gboolean
hall_workflow_check_decision (HallWorkflow   *self,
                              HallCaseEvent  *event,
                              HallRoles       roles,
                              const char     *official,
                              HallCaseState  *state_out,
                              const char    **field_out,
                              GError        **error)
{
  const char *step_id = hall_case_event_get_step (event);
  const char *local_field = NULL;
  const HallApprovalStep *step;
  const char *by, *other = NULL;
  HallRoles needed = 0;
  guint index = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (HALL_IS_CASE_EVENT (event), FALSE);

  if (field_out == NULL)
    field_out = &local_field;
  *field_out = "step";

  step = hall_service_find_step (self->service, step_id, &index);
  if (step == NULL)
    {
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_STEP,
                   _("The service “%s” has no step “%s”"), hall_service_get_id (self->service),
                   step_id != NULL ? step_id : "");
      return FALSE;
    }
  if (self->state == HALL_CASE_RETURNED)
    {
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_STEP,
                   _("The case is with the applicant (returned): it comes back to the step "
                     "“%s” when what was missing is brought, and is decided then"),
                   step_name (hall_service_get_step (self->service, self->round_start
                                                     < hall_service_get_n_steps (self->service)
                                                     ? self->round_start : 0)));
      return FALSE;
    }
  if (!hall_workflow_is_waiting (self))
    {
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_STEP,
                   _("The case is “%s”: no step waits for a decision, “%s” neither"),
                   hall_case_state_get_label (self->state), step_name (step));
      return FALSE;
    }
  if (index < self->round_start || index >= self->round_end)
    {
      g_autofree char *open = open_step_names (self);

      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_STEP,
                   index < self->round_start
                   ? _("The step “%s” is done; the case is at %s now")
                   : _("The case is not at the step “%s” yet; it is at %s, and moves along "
                       "its service’s steps in order"),
                   step_name (step), open);
      return FALSE;
    }
  by = g_hash_table_lookup (self->approved_by, step->id);
  if (by != NULL)
    {
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_DECIDED,
                   _("The step “%s” was approved already, by %s"), step_name (step), by);
      return FALSE;
    }
  if (!hall_roles_parse (step->role, &needed, NULL) || !(roles & needed))
    {
      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_ROLE,
                   _("The step “%s” is decided by an official with the role “%s”"),
                   step_name (step), step->role);
      return FALSE;
    }
  if (self->round_end - self->round_start > 1 && approved_other_step (self, official, &other))
    {
      const HallApprovalStep *decided = hall_service_find_step (self->service, other, NULL);

      g_set_error (error, HALL_WORKFLOW_ERROR, HALL_WORKFLOW_ERROR_TWICE,
                   _("You approved the step “%s” of this joint review already; each step of "
                     "a joint review is decided by another official, so that each of its "
                     "departments looks at the case"),
                   decided != NULL ? step_name (decided) : other);
      return FALSE;
    }
  if (!check_reasons (self, event, field_out, error))
    return FALSE;

  if (state_out != NULL)
    {
      switch (hall_case_event_get_decision (event))
        {
        case HALL_DECISION_RETURN:
          *state_out = HALL_CASE_RETURNED;
          break;
        case HALL_DECISION_REJECT:
          *state_out = HALL_CASE_REJECTED;
          break;
        case HALL_DECISION_APPROVE:
        default:
          /* The last open step of the last round makes the case approved. */
          *state_out = self->round_end == hall_service_get_n_steps (self->service)
                       && g_hash_table_size (self->approved_by) + 1
                          == self->round_end - self->round_start
                       ? HALL_CASE_APPROVED : HALL_CASE_IN_REVIEW;
          break;
        }
    }
  *field_out = NULL;
  return TRUE;
}

void
hall_workflow_apply (HallWorkflow  *self,
                     HallCaseEvent *event)
{
  const char *step_id;
  guint index = 0;

  if (hall_case_event_get_kind (event) != HALL_CASE_EVENT_DECISION)
    return;
  step_id = hall_case_event_get_step (event);
  /* Only a step of the current round counts; anything else was refused
   * by the server and never reached the record. */
  if (hall_service_find_step (self->service, step_id, &index) == NULL
      || index < self->round_start || index >= self->round_end)
    return;

  switch (hall_case_event_get_decision (event))
    {
    case HALL_DECISION_APPROVE:
      g_hash_table_insert (self->approved_by, g_strdup (step_id),
                           g_strdup (hall_case_event_get_decided_by (event) != NULL
                                     ? hall_case_event_get_decided_by (event) : ""));
      if (round_complete (self))
        {
          start_round (self, self->round_end);
          self->state = self->round_start == hall_service_get_n_steps (self->service)
                        ? HALL_CASE_APPROVED : HALL_CASE_IN_REVIEW;
        }
      else
        self->state = HALL_CASE_IN_REVIEW;
      break;
    case HALL_DECISION_RETURN:
      /* The case will change: what was approved of it this round is void. */
      g_hash_table_remove_all (self->approved_by);
      self->state = HALL_CASE_RETURNED;
      break;
    case HALL_DECISION_REJECT:
    default:
      self->state = HALL_CASE_REJECTED;
      break;
    }
}

HallCaseState
hall_workflow_get_resume_state (HallWorkflow *self)
{
  return self->round_start == 0 ? HALL_CASE_RECEIVED : HALL_CASE_IN_REVIEW;
}

gint64
hall_workflow_get_due_at (HallWorkflow *self,
                          gint64        created_at)
{
  guint n = hall_service_get_n_steps (self->service);
  gint64 minutes = 0;

  for (guint i = 0; i < n && i < self->round_end;)
    {
      guint end = hall_service_get_group_end (self->service, i);
      guint slowest = 0;

      for (guint j = i; j < end; j++)
        slowest = MAX (slowest, hall_service_get_step (self->service, j)->promised_minutes);
      minutes += slowest;
      i = end;
    }
  return created_at + minutes * 60;
}
