/* hall-store-async.c — the store's calls a window makes, off its main loop
 *
 * Each _async runs the synchronous store call of the same name on a GTask
 * worker and finishes in the caller's thread-default main context. A window
 * never starts a thread of its own: it calls these and keeps the
 * cancellable.
 *
 * Cancelling: a read finishes at once with G_IO_ERROR_CANCELLED (its worker
 * runs on, and its result is dropped). A write that is cancelled before it
 * begins writes nothing and finishes with G_IO_ERROR_CANCELLED; one that
 * has begun runs to its end and reports what it did, since a cancel cannot
 * take back a commit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <sodium.h>
#include <string.h>

#include "hall-store-signing.h"
#include "hall-store.h"

/* Reads: the caller hears of a cancel at once. */
static GTask *
read_task_new (HallStore           *self,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_return_on_cancel (task, TRUE);
  return task;
}

/* Writes: the result says what was written, cancelled or not. */
static GTask *
write_task_new (HallStore           *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data,
                gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  return task;
}

/* Load a case */

static void
load_case_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  HallStore *self = source_object;
  const char *uuid = task_data;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  const char *applicant_uuid;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  kase = hall_store_get_case (self, uuid, &error);
  if (kase == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  applicant_uuid = hall_case_get_applicant_uuid (kase);
  if (applicant_uuid != NULL)
    {
      applicant = hall_store_get_applicant (self, applicant_uuid, &error);
      if (applicant == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  events = hall_store_list_case_events (self, uuid, &error);
  if (events == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  conflicts = hall_store_list_conflicts (self, uuid, &error);
  if (conflicts == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, hall_case_record_new (kase, applicant, events, conflicts),
                         g_object_unref);
}

void
hall_store_load_case_async (HallStore           *self,
                            const char          *uuid,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (uuid != NULL);

  task = read_task_new (self, cancellable, callback, user_data, hall_store_load_case_async);
  g_task_set_task_data (task, g_strdup (uuid), g_free);
  g_task_run_in_thread (task, load_case_thread);
}

HallCaseRecord *
hall_store_load_case_finish (HallStore     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hall_store_load_case_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Add an event */

static void
add_case_event_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_store_add_case_event (source_object, task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_add_case_event_async (HallStore           *self,
                                 HallCaseEvent       *event,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_CASE_EVENT (event));

  /* When the official made the entry, not when a worker got to it. */
  hall_case_event_set_at (event, g_get_real_time () / G_USEC_PER_SEC);

  task = write_task_new (self, cancellable, callback, user_data, hall_store_add_case_event_async);
  g_task_set_task_data (task, g_object_ref (event), g_object_unref);
  g_task_run_in_thread (task, add_case_event_thread);
}

gboolean
hall_store_add_case_event_finish (HallStore     *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_add_case_event_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Correct an applicant's phone */

static void
correct_phone_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  char **args = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_store_correct_applicant_phone (source_object, args[0], args[1], &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_correct_applicant_phone_async (HallStore           *self,
                                          const char          *applicant_uuid,
                                          const char          *phone,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  char **args;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (applicant_uuid != NULL);

  args = g_new0 (char *, 3);
  args[0] = g_strdup (applicant_uuid);
  args[1] = g_strdup (phone);
  task = write_task_new (self, cancellable, callback, user_data,
                         hall_store_correct_applicant_phone_async);
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, correct_phone_thread);
}

gboolean
hall_store_correct_applicant_phone_finish (HallStore     *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_correct_applicant_phone_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Resolve conflicts */

typedef struct
{
  GArray                 *ids; /* of gint64 */
  HallConflictResolution  resolution;
  char                   *official;
} ResolveData;

static void
resolve_data_free (ResolveData *data)
{
  g_clear_pointer (&data->ids, g_array_unref);
  g_free (data->official);
  g_free (data);
}

static void
resolve_conflicts_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  ResolveData *data = task_data;
  GError *error = NULL;

  /* Once the first is decided the others follow: one choice of the
   * official's is not left half made by a cancel. */
  if (g_task_return_error_if_cancelled (task))
    return;
  for (guint i = 0; i < data->ids->len; i++)
    if (!hall_store_resolve_conflict (source_object, g_array_index (data->ids, gint64, i),
                                      data->resolution, data->official, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  g_task_return_boolean (task, TRUE);
}

void
hall_store_resolve_conflicts_async (HallStore              *self,
                                    const gint64           *conflict_ids,
                                    guint                   n_conflicts,
                                    HallConflictResolution  resolution,
                                    const char             *official,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  g_autoptr (GTask) task = NULL;
  ResolveData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (conflict_ids != NULL || n_conflicts == 0);

  data = g_new0 (ResolveData, 1);
  data->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_conflicts);
  g_array_append_vals (data->ids, conflict_ids, n_conflicts);
  data->resolution = resolution;
  data->official = g_strdup (official);

  task = write_task_new (self, cancellable, callback, user_data,
                         hall_store_resolve_conflicts_async);
  g_task_set_task_data (task, data, (GDestroyNotify) resolve_data_free);
  g_task_run_in_thread (task, resolve_conflicts_thread);
}

gboolean
hall_store_resolve_conflicts_finish (HallStore     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_resolve_conflicts_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Check a password */

typedef struct
{
  char *username;
  char *password;
  char *roles; /* out */
} PasswordData;

static void
password_data_free (PasswordData *data)
{
  g_free (data->username);
  /* The password leaves no copy behind in freed memory. */
  if (data->password != NULL)
    sodium_memzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data->roles);
  g_free (data);
}

static void
check_password_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PasswordData *data = task_data;
  GError *error = NULL;
  char *display_name;

  if (g_task_return_error_if_cancelled (task))
    return;
  display_name = hall_store_check_password (source_object, data->username, data->password,
                                            &data->roles, &error);
  if (display_name == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The official's signing key is made at the first sign-in on this
   * counter, sealed under the password just checked; the private half
   * never leaves the counter. Without one, the official can still work;
   * signing will say why it cannot. */
  {
    g_autoptr (GError) key_error = NULL;
    g_autofree char *sealed = hall_store_get_sealed_key (source_object, data->username,
                                                         &key_error);

    if (sealed == NULL && key_error == NULL)
      {
        g_autoptr (HallSigningKey) key = hall_store_open_signing_key (
          source_object, data->username, data->password, NULL, &key_error);

        if (key != NULL)
          g_debug ("Made the signing key of an official at first sign-in");
      }
    if (key_error != NULL)
      g_warning ("Could not make the official's signing key: %s", key_error->message);
  }
  /* Opened once for the session, so that each decision is signed without
   * another Argon2id unlock; a key the hall has not certified yet stays
   * open and deciding says why it cannot sign. */
  {
    g_autoptr (GError) key_error = NULL;

    if (hall_store_open_session_key (source_object, data->username, data->password,
                                     &key_error))
      ;
    else if (g_error_matches (key_error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH))
      g_debug ("The official's signing key is open but not certified yet");
    else
      g_warning ("Could not open the official's signing key: %s", key_error->message);
  }
  g_task_return_pointer (task, display_name, g_free);
}

void
hall_store_check_password_async (HallStore           *self,
                                 const char          *username,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  PasswordData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (username != NULL);
  g_return_if_fail (password != NULL);

  data = g_new0 (PasswordData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);

  task = read_task_new (self, cancellable, callback, user_data, hall_store_check_password_async);
  g_task_set_task_data (task, data, (GDestroyNotify) password_data_free);
  g_task_run_in_thread (task, check_password_thread);
}

char *
hall_store_check_password_finish (HallStore     *self,
                                  GAsyncResult  *result,
                                  char         **roles_out,
                                  GError       **error)
{
  PasswordData *data;
  char *display_name;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_check_password_async, NULL);

  display_name = g_task_propagate_pointer (G_TASK (result), error);
  if (display_name != NULL && roles_out != NULL)
    {
      data = g_task_get_task_data (G_TASK (result));
      *roles_out = g_steal_pointer (&data->roles);
    }
  return display_name;
}

/* Find an applicant */

typedef struct
{
  HallApplicant *applicant;
  guint          n_cases;
} FoundApplicant;

static void
found_applicant_free (FoundApplicant *found)
{
  g_clear_object (&found->applicant);
  g_free (found);
}

static void
find_applicant_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  HallStore *self = source_object;
  g_autoptr (HallApplicant) applicant = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (GError) error = NULL;
  FoundApplicant *found;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* By identity, the task's data is an applicant of its own with the
   * document. */
  if (g_task_get_source_tag (task) == hall_store_find_applicant_by_identity_async)
    applicant = hall_store_find_applicant_by_identity (self, task_data, &error);
  else
    applicant = hall_store_find_applicant (self, task_data, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  found = g_new0 (FoundApplicant, 1);
  if (applicant != NULL)
    {
      cases = hall_store_list_applicant_cases (self, hall_applicant_get_uuid (applicant), &error);
      /* The count is a courtesy: a failure to read it must not hide the
       * applicant. */
      if (error != NULL)
        g_debug ("Could not count earlier cases: %s", error->message);
      found->n_cases = cases != NULL ? cases->len : 0;
      found->applicant = g_steal_pointer (&applicant);
    }
  g_task_return_pointer (task, found, (GDestroyNotify) found_applicant_free);
}

void
hall_store_find_applicant_async (HallStore           *self,
                                 const char          *document_number,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (document_number != NULL);

  task = read_task_new (self, cancellable, callback, user_data, hall_store_find_applicant_async);
  g_task_set_task_data (task, g_strdup (document_number), g_free);
  g_task_run_in_thread (task, find_applicant_thread);
}

static HallApplicant *
find_applicant_finish (GAsyncResult  *result,
                       guint         *n_cases_out,
                       GError       **error)
{
  FoundApplicant *found;
  HallApplicant *applicant;

  if (n_cases_out != NULL)
    *n_cases_out = 0;
  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return NULL;
  if (n_cases_out != NULL)
    *n_cases_out = found->n_cases;
  applicant = g_steal_pointer (&found->applicant);
  found_applicant_free (found);
  return applicant;
}

HallApplicant *
hall_store_find_applicant_finish (HallStore     *self,
                                  GAsyncResult  *result,
                                  guint         *n_cases_out,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_find_applicant_async, NULL);

  return find_applicant_finish (result, n_cases_out, error);
}

void
hall_store_find_applicant_by_identity_async (HallStore           *self,
                                             HallApplicant       *applicant,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  HallApplicant *probe;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_APPLICANT (applicant));

  task = read_task_new (self, cancellable, callback, user_data,
                        hall_store_find_applicant_by_identity_async);
  /* The caller's applicant stays the caller's: the worker reads a copy. */
  probe = hall_applicant_get_kind (applicant) == HALL_APPLICANT_BUSINESS
          ? hall_applicant_new_business (NULL, hall_applicant_get_document_number (applicant),
                                         NULL)
          : hall_applicant_new_person (NULL, hall_applicant_get_id_type (applicant),
                                       hall_applicant_get_document_number (applicant), NULL);
  g_task_set_task_data (task, probe, g_object_unref);
  g_task_run_in_thread (task, find_applicant_thread);
}

HallApplicant *
hall_store_find_applicant_by_identity_finish (HallStore     *self,
                                              GAsyncResult  *result,
                                              guint         *n_cases_out,
                                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_find_applicant_by_identity_async, NULL);

  return find_applicant_finish (result, n_cases_out, error);
}

/* Demo officials */

static void
add_demo_officials_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_store_add_demo_officials (source_object, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_add_demo_officials_async (HallStore           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (HALL_IS_STORE (self));

  task = write_task_new (self, cancellable, callback, user_data,
                         hall_store_add_demo_officials_async);
  g_task_run_in_thread (task, add_demo_officials_thread);
}

gboolean
hall_store_add_demo_officials_finish (HallStore     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_add_demo_officials_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Decide a case */

typedef struct
{
  HallService   *service;
  HallCaseEvent *decision;
  HallRoles      roles;
  char          *official;
  HallCaseState  state;
} DecideData;

static void
decide_data_free (DecideData *data)
{
  g_clear_object (&data->service);
  g_clear_object (&data->decision);
  g_free (data->official);
  g_free (data);
}

static void
decide_case_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  DecideData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (hall_store_decide_case (source_object, data->service, data->decision, data->roles,
                              data->official, &data->state, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_store_decide_case_async (HallStore           *self,
                              HallService         *service,
                              HallCaseEvent       *decision,
                              HallRoles            roles,
                              const char          *official,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  DecideData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_SERVICE (service));
  g_return_if_fail (HALL_IS_CASE_EVENT (decision));
  g_return_if_fail (official != NULL);

  /* When the official decided, not when a worker got to it. */
  if (hall_case_event_get_at (decision) == 0)
    hall_case_event_set_at (decision, g_get_real_time () / G_USEC_PER_SEC);

  data = g_new0 (DecideData, 1);
  data->service = g_object_ref (service);
  data->decision = g_object_ref (decision);
  data->roles = roles;
  data->official = g_strdup (official);
  task = write_task_new (self, cancellable, callback, user_data, hall_store_decide_case_async);
  g_task_set_task_data (task, data, (GDestroyNotify) decide_data_free);
  g_task_run_in_thread (task, decide_case_thread);
}

gboolean
hall_store_decide_case_finish (HallStore      *self,
                               GAsyncResult   *result,
                               HallCaseState  *state_out,
                               GError        **error)
{
  DecideData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_decide_case_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  data = g_task_get_task_data (G_TASK (result));
  if (state_out != NULL)
    *state_out = data->state;
  return TRUE;
}

/* The inbox */

typedef struct
{
  HallCatalog *catalog;
  HallRoles    roles;
  char        *official;
  gint64       now;
  guint        limit;
} InboxData;

static void
inbox_data_free (InboxData *data)
{
  g_clear_object (&data->catalog);
  g_free (data->official);
  g_free (data);
}

static void
list_inbox_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  InboxData *data = task_data;
  GPtrArray *items;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  items = hall_store_list_inbox (source_object, data->catalog, data->roles, data->official,
                                 data->now, data->limit, &error);
  if (items != NULL)
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_list_inbox_async (HallStore           *self,
                             HallCatalog         *catalog,
                             HallRoles            roles,
                             const char          *official,
                             gint64               now,
                             guint                limit,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  InboxData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_CATALOG (catalog));
  g_return_if_fail (official != NULL);

  data = g_new0 (InboxData, 1);
  data->catalog = g_object_ref (catalog);
  data->roles = roles;
  data->official = g_strdup (official);
  data->now = now;
  data->limit = limit;
  task = read_task_new (self, cancellable, callback, user_data, hall_store_list_inbox_async);
  g_task_set_task_data (task, data, (GDestroyNotify) inbox_data_free);
  g_task_run_in_thread (task, list_inbox_thread);
}

GPtrArray *
hall_store_list_inbox_finish (HallStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_list_inbox_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
count_inbox_steps_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  InboxData *data = task_data;
  GPtrArray *counts;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  counts = hall_store_count_inbox_steps (source_object, data->catalog, data->now, &error);
  if (counts != NULL)
    g_task_return_pointer (task, counts, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
hall_store_count_inbox_steps_async (HallStore           *self,
                                    HallCatalog         *catalog,
                                    gint64               now,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  InboxData *data;

  g_return_if_fail (HALL_IS_STORE (self));
  g_return_if_fail (HALL_IS_CATALOG (catalog));

  data = g_new0 (InboxData, 1);
  data->catalog = g_object_ref (catalog);
  data->now = now;
  task = read_task_new (self, cancellable, callback, user_data,
                        hall_store_count_inbox_steps_async);
  g_task_set_task_data (task, data, (GDestroyNotify) inbox_data_free);
  g_task_run_in_thread (task, count_inbox_steps_thread);
}

GPtrArray *
hall_store_count_inbox_steps_finish (HallStore     *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          hall_store_count_inbox_steps_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
