/* hall-scanner-test-hooks.h — faults a test injects into HallScanner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-scanner.h"

G_BEGIN_DECLS

/* From the next read on, sane_read() is taken to fail with
 * SANE_STATUS_IO_ERROR once a page has @bytes (0: never), as when a USB
 * scanner is unplugged in the middle of a page. */
void            hall_scanner_test_fail_after_bytes (HallScanner *self,
                                                    guint        bytes);

/* From the next read on, the device stops answering once a page has
 * @bytes (0: never): the read waits until the scan is cancelled, as a
 * network scanner that fell off the network does. */
void            hall_scanner_test_hang_after_bytes (HallScanner *self,
                                                    guint        bytes);

/* How many pages so far had a reader thread of the backend's found for
 * them (hall-reader-threads.c): the test backend starts one a page. */
guint           hall_scanner_test_get_readers_found (HallScanner *self);

G_END_DECLS
