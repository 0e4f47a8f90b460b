/* hall-announcer.h — the chime and the spoken call, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HALL_TYPE_ANNOUNCER (hall_announcer_get_type ())
G_DECLARE_FINAL_TYPE (HallAnnouncer, hall_announcer, HALL, ANNOUNCER, GObject)

/* Announces calls one after another: a two-tone chime, then the call in
 * Mandarin ("请A零零一号到C零三号窗口", espeak-ng's "cmn" voice), then in
 * English ("Number A 0 0 1, please go to counter C 0 3", "en"). Each part
 * is synthesised to PCM (espeak-ng without its own audio) and played to
 * the end through a GStreamer pipeline (appsrc ! audioconvert !
 * audioresample ! SINK) before the next one starts, so no call cuts
 * another short; calls queue in the order given, recalls too.
 *
 * One worker thread of its own owns espeak-ng (it is not thread-safe) and
 * the pipelines. "utterance-started" and "utterance-finished" (const char
 * *kind: "chime", "cmn" or "en"; const char *text; gint64 monotonic µs as
 * the worker saw it) are emitted in the main context of the creator's
 * thread. When the sink cannot play (no sound card) the part is logged and
 * skipped; the board never waits for it. */
/* (transfer full): @sink is a gst-launch description of the audio sink,
 * NULL for "autoaudiosink"; tests use "fakesink sync=true", which plays in
 * real time into nothing. */
HallAnnouncer *hall_announcer_new          (const char    *sink);
/* Queues a call; returns at once. */
void           hall_announcer_announce     (HallAnnouncer *self,
                                            const char    *number,
                                            const char    *counter,
                                            gboolean       recall);
/* Calls queued or being spoken. */
guint          hall_announcer_get_pending  (HallAnnouncer *self);

/* (transfer full): what is said, for @number and @counter. */
char          *hall_announcer_text_zh      (const char    *number,
                                            const char    *counter,
                                            gboolean       recall);
char          *hall_announcer_text_en      (const char    *number,
                                            const char    *counter,
                                            gboolean       recall);

G_END_DECLS
