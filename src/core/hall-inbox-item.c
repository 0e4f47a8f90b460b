/* hall-inbox-item.c — a case waiting for an approver's decision
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-store"

#include "config.h"

#include <string.h>

#include "hall-inbox-item.h"

struct _HallInboxItem
{
  GObject   parent_instance;

  HallCase *kase;
  char     *step_id;
  char     *step_name;
  gboolean  overdue;
};

G_DEFINE_FINAL_TYPE (HallInboxItem, hall_inbox_item, G_TYPE_OBJECT)

static gboolean
messages_are_chinese (void)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      if (g_str_has_prefix (languages[i], "zh"))
        return TRUE;
      if (g_str_has_prefix (languages[i], "en") || strcmp (languages[i], "C") == 0)
        return FALSE;
    }
  return FALSE;
}

static void
hall_inbox_item_finalize (GObject *object)
{
  HallInboxItem *self = HALL_INBOX_ITEM (object);

  g_clear_object (&self->kase);
  g_free (self->step_id);
  g_free (self->step_name);

  G_OBJECT_CLASS (hall_inbox_item_parent_class)->finalize (object);
}

static void
hall_inbox_item_class_init (HallInboxItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_inbox_item_finalize;
}

static void
hall_inbox_item_init (HallInboxItem *self)
{
}

HallInboxItem *
hall_inbox_item_new (HallCase   *kase,
                     const char *step_id,
                     const char *step_name,
                     const char *step_name_zh,
                     gboolean    overdue)
{
  HallInboxItem *self;

  g_return_val_if_fail (HALL_IS_CASE (kase), NULL);
  g_return_val_if_fail (step_id != NULL, NULL);

  self = g_object_new (HALL_TYPE_INBOX_ITEM, NULL);
  self->kase = g_object_ref (kase);
  self->step_id = g_strdup (step_id);
  if (step_name_zh != NULL && *step_name_zh != '\0' && messages_are_chinese ())
    self->step_name = g_strdup (step_name_zh);
  else
    self->step_name = g_strdup (step_name != NULL && *step_name != '\0' ? step_name : step_id);
  self->overdue = overdue;
  return self;
}

HallCase *
hall_inbox_item_get_case (HallInboxItem *self)
{
  g_return_val_if_fail (HALL_IS_INBOX_ITEM (self), NULL);
  return self->kase;
}

const char *
hall_inbox_item_get_step_id (HallInboxItem *self)
{
  g_return_val_if_fail (HALL_IS_INBOX_ITEM (self), NULL);
  return self->step_id;
}

const char *
hall_inbox_item_get_step_name (HallInboxItem *self)
{
  g_return_val_if_fail (HALL_IS_INBOX_ITEM (self), NULL);
  return self->step_name;
}

gboolean
hall_inbox_item_get_overdue (HallInboxItem *self)
{
  g_return_val_if_fail (HALL_IS_INBOX_ITEM (self), FALSE);
  return self->overdue;
}

void
hall_inbox_step_count_free (HallInboxStepCount *count)
{
  if (count == NULL)
    return;
  g_free (count->service_id);
  g_free (count->service_name);
  g_free (count->step_id);
  g_free (count->step_name);
  g_free (count);
}
