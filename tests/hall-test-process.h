/* hall-test-process.h — ending the programs a test starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only, like hall-test-files.h: test programs that link different
 * helpers share it.
 */
#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

G_BEGIN_DECLS

/* Sends @process SIGTERM, waits for it, and fails unless it exited with
 * status 0: a server stopped this way must shut down cleanly. A process
 * that a signal ended is named with the signal, so that a crash while
 * shutting down says which one. */
static inline void
hall_test_terminate (GSubprocess *process)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_signaled (process))
    g_error ("The process ended by signal %d (%s) instead of exiting",
             g_subprocess_get_term_sig (process), strsignal (g_subprocess_get_term_sig (process)));
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

G_END_DECLS
