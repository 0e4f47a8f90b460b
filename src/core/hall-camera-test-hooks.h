/* hall-camera-test-hooks.h — test cameras and faults a test puts into
 * HallCamera
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "hall-camera.h"

G_BEGIN_DECLS

/* Adds a camera @id named @name whose pictures come from
 * @source_description, a gst-launch description of raw video (built from
 * videotestsrc in tests), as if it had been plugged in: "devices-changed"
 * is emitted. */
void            hall_camera_test_add_device    (HallCamera *self,
                                                const char *id,
                                                const char *name,
                                                const char *source_description);
/* Takes the camera @id away, as if it had been unplugged. */
void            hall_camera_test_remove_device (HallCamera *self,
                                                const char *id);
/* From the next start on, the camera sends @n_frames frames and then
 * nothing (0: no limit): with @hang FALSE its stream ends, as a USB camera
 * pulled out does; with @hang TRUE it stays silent, as a camera whose
 * driver hangs does. */
void            hall_camera_test_limit_frames  (HallCamera *self,
                                                guint       n_frames,
                                                gboolean    hang);
/* Frames taken from the pipeline since the camera was started. */
guint           hall_camera_test_get_n_frames  (HallCamera *self);

G_END_DECLS
