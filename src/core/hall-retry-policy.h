/* hall-retry-policy.h — when and how long to wait before trying again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Exponential backoff with full jitter: before try n+1 (n >= 1 tries made)
 * wait a uniformly random time in [0, min(cap, base * 2^(n-1))]. Full jitter
 * keeps a hall's counters from all hitting a recovering server at once. */
typedef struct
{
  guint base_ms;
  guint cap_ms;
  guint max_attempts;  /* tries of one request, the first one included */
} HallRetryPolicy;

#define HALL_TYPE_RETRY_POLICY (hall_retry_policy_get_type ())
GType            hall_retry_policy_get_type         (void) G_GNUC_CONST;

/* (transfer full): @base_ms and @max_attempts are raised to at least 1,
 * @cap_ms to at least @base_ms. */
HallRetryPolicy *hall_retry_policy_new              (guint                  base_ms,
                                                     guint                  cap_ms,
                                                     guint                  max_attempts);
/* (transfer full) */
HallRetryPolicy *hall_retry_policy_copy             (const HallRetryPolicy *self);
void             hall_retry_policy_free             (HallRetryPolicy       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallRetryPolicy, hall_retry_policy_free)

/* Whether a request that ended with @http_status is worth sending again:
 * 0 (no answer at all), 5xx, 408 and 429 are; every other status is an
 * answer to surface (2xx/3xx done, 4xx refused for a reason). */
gboolean         hall_retry_policy_status_is_transient (guint               http_status);

/* The largest wait after @attempts_made tries (>= 1). */
guint            hall_retry_policy_get_ceiling_ms   (const HallRetryPolicy *self,
                                                     guint                  attempts_made);

/* The wait before the next try, or -1 when no try is left within this
 * policy: @attempts_made tries are used up, or the server's Retry-After
 * (@retry_after, may be NULL: delta seconds or an HTTP-date, read relative to
 * @now_unix) asks for longer than the cap. A Retry-After the policy can honour
 * is the wait (never shorter). @rand may be NULL (the global generator). */
gint64           hall_retry_policy_next_delay_ms    (const HallRetryPolicy *self,
                                                     guint                  attempts_made,
                                                     const char            *retry_after,
                                                     gint64                 now_unix,
                                                     GRand                 *rand);

/* Parses a Retry-After header value: "120" or "Fri, 27 Nov 2026 11:30:00 GMT"
 * (also the obsolete RFC 850 and asctime forms). The result is the wait in
 * milliseconds from @now_unix, 0 for a date in the past. */
gboolean         hall_retry_policy_parse_retry_after (const char           *value,
                                                      gint64                now_unix,
                                                      gint64               *delay_ms);

G_END_DECLS
