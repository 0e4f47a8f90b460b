/* hall-background-task.h — work on page images that yields to the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @func for @task on a thread of lower priority than the main
 * thread's (nice 10 on Linux), the way g_task_run_in_thread() runs it on
 * GLib's pool. For the page images a batch scans, imports or turns: on two
 * cores their decoding and encoding would otherwise take the window's turn
 * at the CPU while it draws the pages coming in. When the window is idle
 * they have the cores as before. Their own threads, not GLib's: a thread's
 * priority cannot be raised again without privileges, and GLib's pool
 * also runs the store's reads that a window waits on. */
void hall_task_run_in_background (GTask           *task,
                                  GTaskThreadFunc  func);

/* Lowers the calling thread's priority to that of the background tasks:
 * for a thread that only ever does such work (the scanner's). Once only. */
void hall_thread_yield_to_window (void);

G_END_DECLS
