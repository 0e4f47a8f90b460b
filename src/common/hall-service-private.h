/* hall-service-private.h — how the catalog builds its services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-calendar.h"
#include "hall-service.h"

G_BEGIN_DECLS

/* Whether names are shown in Chinese: decided once per process from the
 * first entry of g_get_language_names(). */
gboolean     _hall_prefers_chinese       (void);

/* (transfer full): a service without documents or steps, which the two
 * below add. The catalog has checked every value before it calls these. */
HallService *_hall_service_new           (const char          *id,
                                          const char          *name_en,
                                          const char          *name_zh,
                                          const char          *department_id,
                                          const char          *department_name_en,
                                          const char          *department_name_zh,
                                          const char          *group,
                                          const char          *applicant_kind,
                                          guint                promised_minutes,
                                          guint                fee_cents,
                                          gboolean             online,
                                          const char * const  *keywords);
void         _hall_service_add_document  (HallService         *self,
                                          const char          *id,
                                          const char          *name_en,
                                          const char          *name_zh,
                                          gboolean             original);
void         _hall_service_add_step      (HallService         *self,
                                          const char          *id,
                                          const char          *name_en,
                                          const char          *name_zh,
                                          const char          *role,
                                          guint                promised_minutes,
                                          const char          *department,
                                          const char          *parallel);
void         _hall_service_add_reason    (HallService         *self,
                                          const char          *code,
                                          const char          *text_en,
                                          const char          *text_zh);

/* The calendar its promise is counted in (NULL: plain minutes); the
 * catalog sets it on each of its services. */
void         _hall_service_set_calendar  (HallService         *self,
                                          HallCalendar        *calendar);

G_END_DECLS
