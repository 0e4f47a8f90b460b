/* hall-retry-policy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-sync"

#include "config.h"

#include "hall-curl-library.h"
#include "hall-retry-policy.h"

G_DEFINE_BOXED_TYPE (HallRetryPolicy, hall_retry_policy, hall_retry_policy_copy, hall_retry_policy_free)

HallRetryPolicy *
hall_retry_policy_new (guint base_ms,
                       guint cap_ms,
                       guint max_attempts)
{
  HallRetryPolicy *self = g_new0 (HallRetryPolicy, 1);

  self->base_ms = MAX (base_ms, 1);
  self->cap_ms = MAX (cap_ms, self->base_ms);
  self->max_attempts = MAX (max_attempts, 1);
  return self;
}

HallRetryPolicy *
hall_retry_policy_copy (const HallRetryPolicy *self)
{
  return g_memdup2 (self, sizeof *self);
}

void
hall_retry_policy_free (HallRetryPolicy *self)
{
  g_free (self);
}

gboolean
hall_retry_policy_status_is_transient (guint http_status)
{
  return http_status == 0 || http_status == 408 || http_status == 429
         || (http_status >= 500 && http_status <= 599);
}

guint
hall_retry_policy_get_ceiling_ms (const HallRetryPolicy *self,
                                  guint                  attempts_made)
{
  guint64 ceiling = self->base_ms;
  guint i;

  g_return_val_if_fail (self != NULL, 0);

  /* Doubling stops at the cap, so this never overflows. */
  for (i = 1; i < attempts_made && ceiling < self->cap_ms; i++)
    ceiling *= 2;
  return (guint) MIN (ceiling, (guint64) self->cap_ms);
}

gboolean
hall_retry_policy_parse_retry_after (const char *value,
                                     gint64      now_unix,
                                     gint64     *delay_ms)
{
  g_autofree char *text = NULL;
  const char *p;
  time_t when;

  if (value == NULL)
    return FALSE;
  text = g_strstrip (g_strdup (value));
  if (*text == '\0')
    return FALSE;

  for (p = text; g_ascii_isdigit (*p); p++)
    ;
  if (*p == '\0')
    {
      guint64 seconds;

      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &seconds, NULL))
        return FALSE;
      *delay_ms = (gint64) seconds * 1000;
      return TRUE;
    }

  /* An HTTP-date in any of the three forms RFC 9110 allows; libcurl knows
   * them all (and is loaded already when the answer came through it). */
  if (!hall_curl_library_load (NULL))
    return FALSE;
  when = sym_curl_getdate (text, NULL);
  if (when == (time_t) -1)
    return FALSE;
  *delay_ms = MAX ((gint64) when - now_unix, 0) * 1000;
  return TRUE;
}

gint64
hall_retry_policy_next_delay_ms (const HallRetryPolicy *self,
                                 guint                  attempts_made,
                                 const char            *retry_after,
                                 gint64                 now_unix,
                                 GRand                 *rand)
{
  guint ceiling;
  gint64 delay;
  gint64 asked;

  g_return_val_if_fail (self != NULL, -1);

  if (attempts_made >= self->max_attempts)
    return -1;

  ceiling = hall_retry_policy_get_ceiling_ms (self, MAX (attempts_made, 1));
  if (rand != NULL)
    delay = g_rand_int_range (rand, 0, (gint32) MIN (ceiling, (guint) G_MAXINT32 - 1) + 1);
  else
    delay = g_random_int_range (0, (gint32) MIN (ceiling, (guint) G_MAXINT32 - 1) + 1);

  if (hall_retry_policy_parse_retry_after (retry_after, now_unix, &asked))
    {
      /* Waiting longer than the cap inside one pass would hold the sync
       * worker hostage; the row is deferred and a later pass tries again. */
      if (asked > self->cap_ms)
        return -1;
      delay = MAX (delay, asked);
    }

  return delay;
}
