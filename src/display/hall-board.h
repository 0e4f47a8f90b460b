/* hall-board.h — what the hall's queue board shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A call on the board: a ticket number sent to a counter. Nothing personal. */
typedef struct
{
  char   *uuid;
  char   *number;         /* "A001" */
  char   *group;          /* "A" */
  char   *counter;        /* "C03" */
  char   *state;          /* "called", "serving", … */
  guint   calls;          /* how often it was called, recalls included */
  gint64  highlight_from; /* monotonic µs when the board learnt of it live; 0: not highlighted */
} HallBoardCall;

/* A service group's line in the hall. */
typedef struct
{
  char *group;                 /* "A" */
  char *name_en;
  char *name_zh;
  gint  waiting;
  gint  estimated_wait_minutes; /* -1 when not known */
  gint  open_counters;          /* -1 when not known */
} HallBoardGroup;

#define HALL_BOARD_ERROR (hall_board_error_quark ())
typedef enum
{
  HALL_BOARD_ERROR_INVALID,  /* a snapshot or event the board cannot read; names the member */
} HallBoardError;

GQuark hall_board_error_quark (void);

/* How long a new call stays highlighted, and the step of its pulse (the
 * board's window draws a frame per step: 8 a second). */
#define HALL_BOARD_HIGHLIGHT_US (8 * G_USEC_PER_SEC)
#define HALL_BOARD_FRAME_US     (G_USEC_PER_SEC / 8)
/* At most this many current calls (one per counter) and last calls. */
#define HALL_BOARD_MAX_CURRENT 5
#define HALL_BOARD_MAX_RECENT  10

#define HALL_TYPE_BOARD (hall_board_get_type ())
G_DECLARE_FINAL_TYPE (HallBoard, hall_board, HALL, BOARD, GObject)

/* The board's model, fed by a HallQueueFeed (or a recorded stream in
 * tests): the current calls (the latest ticket called to each counter,
 * until it is done, a no-show, transferred or parked), the last calls,
 * waiting counts and estimated waits per group, the hall's name, whether
 * the feed is online. Bad input is refused whole with an error naming the
 * member and changes nothing. Events already applied (by id) are skipped.
 * Times are monotonic µs passed in by the caller, so tests need no clock.
 *
 * Properties: "hall-name", "online". Signals: "changed" (anything drawn
 * changed), "announce" (const HallBoardCall *call, gboolean recall): a call
 * learnt live, to be chimed and spoken. Main thread only. */
/* (transfer full) */
HallBoard      *hall_board_new                  (void);

gboolean        hall_board_apply_snapshot       (HallBoard     *self,
                                                 JsonObject    *queue,
                                                 gint64         now_us,
                                                 GError       **error);
gboolean        hall_board_apply_event          (HallBoard     *self,
                                                 const char    *id,
                                                 const char    *type,
                                                 JsonObject    *data,
                                                 gint64         now_us,
                                                 GError       **error);

/* The hall's name in English (or as given on the command line), and in
 * Chinese when the server gave one (NULL otherwise). */
const char     *hall_board_get_hall_name        (HallBoard     *self);
const char     *hall_board_get_hall_name_zh     (HallBoard     *self);
/* A name given on the command line wins over the server's. */
void            hall_board_set_hall_name        (HallBoard     *self,
                                                 const char    *name);
gboolean        hall_board_get_online           (HallBoard     *self);
/* Offline keeps the board as it is and shows that it is reconnecting. */
void            hall_board_set_online           (HallBoard     *self,
                                                 gboolean       online);
/* The id of the last event applied, 0 before any. */
guint64         hall_board_get_last_event_id    (HallBoard     *self);

/* (transfer none) (element-type HallBoardCall): newest first. */
GPtrArray      *hall_board_get_current_calls    (HallBoard     *self);
/* (transfer none) (element-type HallBoardCall): newest first, each ticket once. */
GPtrArray      *hall_board_get_recent_calls     (HallBoard     *self);
/* (transfer none) (element-type HallBoardGroup): by group letter. */
GPtrArray      *hall_board_get_groups           (HallBoard     *self);
/* (transfer none) (nullable) */
HallBoardGroup *hall_board_find_group           (HallBoard     *self,
                                                 const char    *group);

/* The highlight's strength now, 0 (none) to 1. */
double          hall_board_call_highlight       (const HallBoardCall *call,
                                                 gint64         now_us);
/* Whether some highlight still runs at @now_us (the window animates). */
gboolean        hall_board_is_animating         (HallBoard     *self,
                                                 gint64         now_us);

G_END_DECLS
