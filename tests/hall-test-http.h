/* hall-test-http.h — requests to a server under test, with libcurl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  long        status;        /* or -CURLcode when no answer came */
  char       *content_type;
  GString    *body;
  GHashTable *headers;       /* lower-case name -> value */
} HallTestReply;

void hall_test_reply_free (HallTestReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallTestReply, hall_test_reply_free)

typedef enum
{
  /* Content-Type: application/json, unless @extra names a type. */
  HALL_TEST_HTTP_JSON    = 1 << 0,
  /* Without a Content-Length, so that the server can only count what
   * arrives. */
  HALL_TEST_HTTP_CHUNKED = 1 << 1,
  /* From 127.0.0.2, as a client on another machine: the server counts
   * 127.0.0.1 as a proxy of its own host. */
  HALL_TEST_HTTP_OTHER_ADDRESS = 1 << 2,
} HallTestHttpFlags;

/* (transfer full): one request of @method to @base @path with @length
 * bytes of @body (NULL: that many spaces; NULL and 0: no body, but a PUT or
 * PATCH still says Content-Length: 0). @extra is a NULL-terminated list of
 * "Name: value". */
HallTestReply *hall_test_http_request (const char        *base,
                                       const char        *method,
                                       const char        *path,
                                       const char        *bearer,
                                       const void        *body,
                                       gsize              length,
                                       HallTestHttpFlags  flags,
                                       const char *const *extra);

G_END_DECLS
