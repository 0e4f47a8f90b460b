/* hall-curl-library.h — libcurl, loaded by the first request
 *
 * The counter opens its window without libcurl and the thirty libraries it
 * brings (TLS, Kerberos, LDAP, HTTP/2): the sync engine's first request, on
 * its worker thread, loads them. Call hall_curl_library_load() before any
 * sym_curl_* function; it also runs curl_global_init() once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <curl/curl.h>
#include <glib.h>

#include "hall-lazy-library.h"

G_BEGIN_DECLS

#define HALL_CURL_FUNCTIONS(X) \
  X (curl_global_init) \
  X (curl_easy_init) \
  X (curl_easy_setopt) \
  X (curl_easy_perform) \
  X (curl_easy_getinfo) \
  X (curl_easy_strerror) \
  X (curl_easy_cleanup) \
  X (curl_easy_reset) \
  X (curl_share_init) \
  X (curl_share_setopt) \
  X (curl_share_cleanup) \
  X (curl_slist_append) \
  X (curl_slist_free_all) \
  X (curl_getdate)

HALL_CURL_FUNCTIONS (HALL_LAZY_SYMBOL_DECLARE)

/* FALSE with HALL_LIBRARY_ERROR_MISSING when libcurl cannot be loaded. */
gboolean hall_curl_library_load (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, sym_curl_easy_cleanup)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLSH, sym_curl_share_cleanup)
typedef struct curl_slist HallCurlSlist;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallCurlSlist, sym_curl_slist_free_all)

G_END_DECLS
