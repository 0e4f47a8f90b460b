/* hall-inbox-item.h — a case waiting for an approver's decision
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "hall-case.h"
#include "hall-service.h"

G_BEGIN_DECLS

#define HALL_TYPE_INBOX_ITEM (hall_inbox_item_get_type ())
G_DECLARE_FINAL_TYPE (HallInboxItem, hall_inbox_item, HALL, INBOX_ITEM, GObject)

/* One row of an approver's inbox (hall_store_list_inbox()): the case, the
 * step of it the official may decide now, and whether it is past its
 * promised time. Immutable; any thread. */

/* (transfer full) */
HallInboxItem  *hall_inbox_item_new              (HallCase       *kase,
                                                  const char     *step_id,
                                                  const char     *step_name,
                                                  const char     *step_name_zh,
                                                  gboolean        overdue);
/* (transfer none) */
HallCase       *hall_inbox_item_get_case         (HallInboxItem  *self);
const char     *hall_inbox_item_get_step_id      (HallInboxItem  *self);
/* The step's name in the official's language (Chinese when the messages
 * are). */
const char     *hall_inbox_item_get_step_name    (HallInboxItem  *self);
/* Whether the case was past its promised time when the inbox was read. */
gboolean        hall_inbox_item_get_overdue      (HallInboxItem  *self);

/* How many cases wait at one step of one service, and how many of them are
 * past their promised time: a supervisor's view of the queues. */
typedef struct
{
  char  *service_id;
  char  *service_name;
  char  *step_id;
  char  *step_name;
  guint  waiting;
  guint  overdue;
} HallInboxStepCount;

void            hall_inbox_step_count_free       (HallInboxStepCount *count);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallInboxStepCount, hall_inbox_step_count_free)

G_END_DECLS
