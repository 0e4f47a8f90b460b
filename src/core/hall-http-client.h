/* hall-http-client.h — one HTTP request at a time, over libcurl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "hall-core-error.h"
#include "hall-curl-library.h"

G_BEGIN_DECLS

/* What came back: always an answer from the server, whatever its status. */
typedef struct
{
  guint       status;
  GHashTable *headers;  /* lower-case name -> value; the last one wins */
  GBytes     *body;     /* never NULL, maybe empty */
} HallHttpResponse;

void        hall_http_response_free       (HallHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallHttpResponse, hall_http_response_free)
/* @name in any case; NULL when absent. */
const char *hall_http_response_get_header (HallHttpResponse *response,
                                           const char       *name);
/* (transfer full): the body as text (NUL-terminated copy). */
char       *hall_http_response_dup_text   (HallHttpResponse *response);
/* (transfer full) (nullable): the body read as strictly as every text
 * from outside (hall_json_parse_strict ()), nested at most @max_depth;
 * NULL when it is empty or not such JSON. */
JsonNode   *hall_http_response_parse_json (HallHttpResponse *response,
                                           guint             max_depth);

#define HALL_TYPE_HTTP_CLIENT (hall_http_client_get_type ())
G_DECLARE_FINAL_TYPE (HallHttpClient, hall_http_client, HALL, HTTP_CLIENT, GObject)

/* TLS peer and host verification are always on. A hall may add its own CA
 * ("ca-file", CURLOPT_CAINFO) and pin its server's key ("pinned-public-key",
 * CURLOPT_PINNEDPUBLICKEY). A dead transfer is detected by the connect
 * timeout and by the low-speed limit (fewer than "low-speed-limit" bytes/s for
 * "low-speed-time" seconds), never by a total timeout: a large upload over a
 * slow but live link must finish. Redirects are not followed.
 *
 * Connections, DNS answers and TLS sessions are shared between requests (a
 * curl share handle), so a pass of many small requests reuses one
 * connection. The settings may be changed at any time and apply to the next
 * request. The object may be used from several threads at once. */
/* (transfer full) */
HallHttpClient   *hall_http_client_new                 (void);

void              hall_http_client_set_ca_file         (HallHttpClient *self,
                                                        const char     *ca_file);
void              hall_http_client_set_pinned_public_key (HallHttpClient *self,
                                                          const char     *pinned);
void              hall_http_client_set_connect_timeout (HallHttpClient *self,
                                                        guint           seconds);
void              hall_http_client_set_low_speed       (HallHttpClient *self,
                                                        guint           bytes_per_second,
                                                        guint           seconds);

/* (transfer full): sends one request and blocks until the answer is in:
 * call it from a worker thread only; free the answer with
 * hall_http_response_free(). @headers are "Name: value" strings
 * (NULL-terminated, may be NULL); @body may be NULL (no body). With no answer
 * at all the error is HALL_SYNC_ERROR_OFFLINE ("cannot reach HOST: ...") or
 * HALL_SYNC_ERROR_TLS; G_IO_ERROR_CANCELLED when @cancellable fired;
 * HALL_LIBRARY_ERROR_MISSING when libcurl is not installed. */
HallHttpResponse *hall_http_client_send                (HallHttpClient     *self,
                                                        const char         *method,
                                                        const char         *url,
                                                        const char * const *headers,
                                                        GBytes             *body,
                                                        GCancellable       *cancellable,
                                                        GError            **error);

/* The same on a worker thread, answered in the caller's thread-default main
 * context. */
void              hall_http_client_send_async          (HallHttpClient     *self,
                                                        const char         *method,
                                                        const char         *url,
                                                        const char * const *headers,
                                                        GBytes             *body,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
/* (transfer full): the answer, or NULL with @error set. */
HallHttpResponse *hall_http_client_send_finish         (HallHttpClient     *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

G_END_DECLS
