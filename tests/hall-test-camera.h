/* hall-test-camera.h — the test cameras' picture: a white sheet of
 * HALL_TEST_SHEET_W × HALL_TEST_SHEET_H pixels at HALL_TEST_SHEET_X,
 * HALL_TEST_SHEET_Y on a black desk of 1280 × 960: videotestsrc's white
 * sheet framed by videobox (for hall_camera_test_add_device())
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#define HALL_TEST_SHEET_X 340
#define HALL_TEST_SHEET_Y 80
#define HALL_TEST_SHEET_W 600
#define HALL_TEST_SHEET_H 800

#define HALL_TEST_CAMERA_SOURCE \
  "videotestsrc is-live=true pattern=white " \
  "! video/x-raw,width=600,height=800,framerate=15/1 " \
  "! videobox fill=black top=-80 bottom=-80 left=-340 right=-340"
