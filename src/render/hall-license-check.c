/* hall-license-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-license"

#include "config.h"

#include <string.h>

#include "hall-license-check.h"
#include "hall-license-reader.h"

typedef struct
{
  char               *path;
  char               *text;
  guint8              hall_key[HALL_PUBLIC_KEY_BYTES];
  HallRevocationList *revocations;
} CheckData;

static void
check_data_free (gpointer data)
{
  CheckData *check = data;

  g_free (check->path);
  g_free (check->text);
  g_clear_pointer (&check->revocations, hall_revocation_list_unref);
  g_free (check);
}

void
hall_license_check_free (HallLicenseCheck *self)
{
  if (self == NULL)
    return;
  g_free (self->reason);
  hall_license_payload_free (self->payload);
  g_free (self);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  g_autoptr (HallLicenseCheck) check = g_new0 (HallLicenseCheck, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (data->path != NULL)
    {
      text = hall_license_reader_read_file (data->path, NULL, &error);
      if (text == NULL && error->domain != HALL_SIGNATURE_ERROR)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    text = g_strdup (data->text);

  if (text != NULL
      && hall_license_payload_verify (text, data->hall_key, data->revocations,
                                      g_get_real_time () / G_USEC_PER_SEC, &check->payload,
                                      &error))
    check->verdict = HALL_LICENSE_VALID;
  else
    {
      check->verdict = g_error_matches (error, HALL_SIGNATURE_ERROR,
                                        HALL_SIGNATURE_ERROR_REVOKED)
                         ? HALL_LICENSE_REVOKED
                         : HALL_LICENSE_INVALID;
      check->reason = g_strdup (error->message);
    }
  g_task_return_pointer (task, g_steal_pointer (&check), (GDestroyNotify) hall_license_check_free);
}

void
hall_license_check_async (const char          *path,
                          const char          *text,
                          const guint8         hall_key[HALL_PUBLIC_KEY_BYTES],
                          HallRevocationList  *revocations,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (path != NULL || text != NULL);
  g_return_if_fail (hall_key != NULL);

  data = g_new0 (CheckData, 1);
  data->path = g_strdup (path);
  data->text = g_strdup (text);
  memcpy (data->hall_key, hall_key, HALL_PUBLIC_KEY_BYTES);
  data->revocations = revocations != NULL ? hall_revocation_list_ref (revocations) : NULL;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_license_check_async);
  g_task_set_task_data (task, data, check_data_free);
  g_task_run_in_thread (task, check_thread);
}

HallLicenseCheck *
hall_license_check_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
