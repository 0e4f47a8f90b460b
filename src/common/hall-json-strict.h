/* hall-json-strict.h — JSON text from outside, read as RFC 8259 says and
 * no more loosely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib reads more than JSON, and less exactly: comments,
 * single-quoted strings and octal escapes (\315, a byte that is not UTF-8);
 * a later duplicate member silently replaces the first; text after the
 * value is ignored; "\u0000" cuts a string short, so that "demo\u0000evil"
 * reads as "demo". And its parser recurses once per nesting level.
 *
 * This accepts exactly one RFC 8259 value, optionally surrounded by
 * whitespace, nested at most @max_depth deep, in valid UTF-8, with no
 * object holding the same member twice, no string holding U+0000 (which
 * no C string can carry) or a lone surrogate, and no number beyond a
 * double (1e400: JSON has no infinity). Otherwise it is FALSE with a
 * HALL_VALIDATION_ERROR saying what is wrong and where, in words that
 * follow "… is not valid JSON: " ("the member “state” appears twice in one
 * object (at line 1, column 21)"), and,
 * when a member is at fault, its name in *@field_out ((transfer full),
 * NULL otherwise). */
gboolean hall_json_check_strict (const char  *text,
                                 gsize        length,
                                 guint        max_depth,
                                 char       **field_out,
                                 GError     **error);

/* The same reading, in one pass, into nodes: the value of @text (transfer
 * full), as json-glib would read it (a whole number an int64, any other
 * number a double; but a whole number beyond an int64 is a double, where
 * json-glib wraps it round to another number), or NULL as
 * hall_json_check_strict () fails. */
JsonNode *hall_json_parse_strict (const char  *text,
                                  gsize        length,
                                  guint        max_depth,
                                  char       **field_out,
                                  GError     **error);

G_END_DECLS
