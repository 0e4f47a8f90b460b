/* hall-server-storage.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-server"

#include "hall-server-storage.h"

G_DEFINE_INTERFACE (HallServerStorage, hall_server_storage, G_TYPE_OBJECT)

static void
hall_server_storage_default_init (HallServerStorageInterface *iface)
{
}

const char *
hall_entity_kind_to_string (HallEntityKind kind)
{
  switch (kind)
    {
    case HALL_ENTITY_APPLICANT: return "applicant";
    case HALL_ENTITY_CASE: return "case";
    case HALL_ENTITY_EVENT: return "event";
    case HALL_ENTITY_LICENSE: return "license";
    case HALL_ENTITY_PAGE: return "page";
    default: g_return_val_if_reached ("unknown");
    }
}

void
hall_change_free (HallChange *change)
{
  if (change == NULL)
    return;
  g_free (change->uuid);
  g_free (change->data);
  g_free (change);
}

void
hall_idempotent_answer_free (HallIdempotentAnswer *answer)
{
  if (answer == NULL)
    return;
  g_free (answer->request_hash);
  g_free (answer->body);
  g_free (answer);
}

HallIdempotentAnswer *
hall_idempotent_answer_copy (const HallIdempotentAnswer *answer)
{
  HallIdempotentAnswer *copy = g_new0 (HallIdempotentAnswer, 1);

  copy->request_hash = g_strdup (answer->request_hash);
  copy->status = answer->status;
  copy->etag = answer->etag;
  copy->body = g_strdup (answer->body);
  return copy;
}

#define IFACE(self) HALL_SERVER_STORAGE_GET_IFACE (self)

gboolean
hall_server_storage_begin (HallServerStorage  *self,
                           GError            **error)
{
  return IFACE (self)->begin (self, error);
}

gboolean
hall_server_storage_commit (HallServerStorage  *self,
                            GError            **error)
{
  return IFACE (self)->commit (self, error);
}

void
hall_server_storage_rollback (HallServerStorage *self)
{
  IFACE (self)->rollback (self);
}

gboolean
hall_server_storage_savepoint (HallServerStorage  *self,
                               GError            **error)
{
  return IFACE (self)->savepoint (self, error);
}

gboolean
hall_server_storage_release (HallServerStorage  *self,
                             GError            **error)
{
  return IFACE (self)->release (self, error);
}

gboolean
hall_server_storage_rollback_to (HallServerStorage  *self,
                                 GError            **error)
{
  return IFACE (self)->rollback_to (self, error);
}

gboolean
hall_server_storage_read_ahead (HallServerStorage   *self,
                                const HallReadAhead *what,
                                GError             **error)
{
  if (IFACE (self)->read_ahead == NULL)
    return TRUE;
  return IFACE (self)->read_ahead (self, what, error);
}

gboolean
hall_server_storage_is_outdated (HallServerStorage *self)
{
  return IFACE (self)->is_outdated != NULL && IFACE (self)->is_outdated (self);
}

void
hall_server_storage_defer_writes (HallServerStorage *self)
{
  if (IFACE (self)->defer_writes != NULL)
    IFACE (self)->defer_writes (self);
}

gboolean
hall_server_storage_flush_writes (HallServerStorage  *self,
                                  GError            **error)
{
  if (IFACE (self)->flush_writes == NULL)
    return TRUE;
  return IFACE (self)->flush_writes (self, error);
}

char *
hall_server_storage_get_entity (HallServerStorage  *self,
                                HallEntityKind      kind,
                                const char         *uuid,
                                gint64             *version_out,
                                GError            **error)
{
  return IFACE (self)->get_entity (self, kind, uuid, version_out, error);
}

char *
hall_server_storage_find_case_by_number (HallServerStorage  *self,
                                         const char         *number,
                                         GError            **error)
{
  return IFACE (self)->find_case_by_number (self, number, error);
}

char *
hall_server_storage_find_applicant_by_identity (HallServerStorage  *self,
                                                const char         *data,
                                                GError            **error)
{
  return IFACE (self)->find_applicant_by_identity (self, data, error);
}

char *
hall_server_storage_get_event (HallServerStorage  *self,
                               const char         *uuid,
                               char              **case_uuid_out,
                               gint64             *case_version_out,
                               GError            **error)
{
  return IFACE (self)->get_event (self, uuid, case_uuid_out, case_version_out, error);
}

GPtrArray *
hall_server_storage_list_changes (HallServerStorage  *self,
                                  gint64              since,
                                  guint               limit,
                                  GError            **error)
{
  return IFACE (self)->list_changes (self, since, limit, error);
}

HallIdempotentAnswer *
hall_server_storage_get_idempotent_answer (HallServerStorage  *self,
                                           const char         *key,
                                           GError            **error)
{
  return IFACE (self)->get_idempotent_answer (self, key, error);
}

char *
hall_server_storage_get_official (HallServerStorage  *self,
                                  const char         *username,
                                  HallRoles          *roles_out,
                                  gint64             *signed_out_at_out,
                                  GError            **error)
{
  return IFACE (self)->get_official (self, username, roles_out, signed_out_at_out, error);
}

gboolean
hall_server_storage_put_entity (HallServerStorage  *self,
                                HallEntityKind      kind,
                                const char         *uuid,
                                gint64              version,
                                const char         *case_number,
                                const char         *data,
                                GError            **error)
{
  return IFACE (self)->put_entity (self, kind, uuid, version, case_number, data, error);
}

gboolean
hall_server_storage_put_event (HallServerStorage  *self,
                               const char         *uuid,
                               const char         *case_uuid,
                               gint64              case_version,
                               const char         *data,
                               GError            **error)
{
  return IFACE (self)->put_event (self, uuid, case_uuid, case_version, data, error);
}

gboolean
hall_server_storage_put_idempotent_answer (HallServerStorage          *self,
                                           const char                 *key,
                                           const HallIdempotentAnswer *answer,
                                           GError                    **error)
{
  return IFACE (self)->put_idempotent_answer (self, key, answer, error);
}

gboolean
hall_server_storage_put_official (HallServerStorage  *self,
                                  const char         *username,
                                  const char         *password_hash,
                                  HallRoles           roles,
                                  GError            **error)
{
  return IFACE (self)->put_official (self, username, password_hash, roles, error);
}

gboolean
hall_server_storage_sign_out_official (HallServerStorage  *self,
                                       const char         *username,
                                       gint64              at,
                                       GError            **error)
{
  return IFACE (self)->sign_out_official (self, username, at, error);
}

void
hall_sign_in_failure_free (HallSignInFailure *failure)
{
  if (failure == NULL)
    return;
  g_free (failure->username);
  g_free (failure->address);
  g_free (failure->reason);
  g_free (failure);
}

GPtrArray *
hall_server_storage_list_case_events (HallServerStorage  *self,
                                      const char         *case_uuid,
                                      GError            **error)
{
  return IFACE (self)->list_case_events (self, case_uuid, error);
}

GPtrArray *
hall_server_storage_list_sign_in_failures (HallServerStorage  *self,
                                           gint64              since,
                                           guint               limit,
                                           GError            **error)
{
  return IFACE (self)->list_sign_in_failures (self, since, limit, error);
}

gboolean
hall_server_storage_put_sign_in_failure (HallServerStorage        *self,
                                         const HallSignInFailure  *failure,
                                         GError                  **error)
{
  return IFACE (self)->put_sign_in_failure (self, failure, error);
}

char *
hall_server_storage_get_calendar (HallServerStorage  *self,
                                  gint64             *version_out,
                                  GError            **error)
{
  return IFACE (self)->get_calendar (self, version_out, error);
}

GPtrArray *
hall_server_storage_list_calendars (HallServerStorage  *self,
                                    GError            **error)
{
  return IFACE (self)->list_calendars (self, error);
}

gboolean
hall_server_storage_put_calendar (HallServerStorage  *self,
                                  gint64              version,
                                  const char         *data,
                                  const char         *set_by,
                                  GError            **error)
{
  return IFACE (self)->put_calendar (self, version, data, set_by, error);
}

char *
hall_server_storage_get_license (HallServerStorage  *self,
                                 const char         *number,
                                 GError            **error)
{
  return IFACE (self)->get_license (self, number, error);
}

gboolean
hall_server_storage_put_license (HallServerStorage  *self,
                                 const char         *number,
                                 const char         *case_uuid,
                                 const char         *data,
                                 GError            **error)
{
  return IFACE (self)->put_license (self, number, case_uuid, data, error);
}

void
hall_stats_row_free (HallStatsRow *row)
{
  if (row == NULL)
    return;
  g_free (row->key);
  g_free (row);
}

GPtrArray *
hall_server_storage_stats_cases (HallServerStorage  *self,
                                 const char         *from,
                                 const char         *to,
                                 const char         *by,
                                 const char         *now,
                                 GError            **error)
{
  g_return_val_if_fail (HALL_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->stats_cases (self, from, to, by, now, error);
}

void
hall_stats_reason_free (HallStatsReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->kind);
  g_free (reason->reason);
  g_free (reason);
}

GPtrArray *
hall_server_storage_stats_reasons (HallServerStorage  *self,
                                   const char         *from,
                                   const char         *to,
                                   GError            **error)
{
  g_return_val_if_fail (HALL_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->stats_reasons (self, from, to, error);
}

void
hall_stats_steps_free (HallStatsSteps *steps)
{
  if (steps == NULL)
    return;
  g_free (steps->service);
  g_free (steps->step);
  g_free (steps);
}

GPtrArray *
hall_server_storage_stats_steps (HallServerStorage  *self,
                                 const char         *from,
                                 const char         *to,
                                 GError            **error)
{
  g_return_val_if_fail (HALL_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->stats_steps (self, from, to, error);
}

GPtrArray *
hall_server_storage_stats_waiting (HallServerStorage  *self,
                                   const char         *from,
                                   const char         *to,
                                   const char         *now,
                                   GError            **error)
{
  g_return_val_if_fail (HALL_IS_SERVER_STORAGE (self), NULL);
  return IFACE (self)->stats_waiting (self, from, to, now, error);
}
