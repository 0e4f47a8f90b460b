/* hall-test-http.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <curl/curl.h>
#include <string.h>

#include "hall-test-http.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)

typedef struct curl_slist HallTestCurlHeaders;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HallTestCurlHeaders, curl_slist_free_all)

typedef struct
{
  const guint8 *data;   /* NULL: spaces */
  gsize         left;
} Source;

void
hall_test_reply_free (HallTestReply *reply)
{
  if (reply == NULL)
    return;
  g_free (reply->content_type);
  g_string_free (reply->body, TRUE);
  g_hash_table_unref (reply->headers);
  g_free (reply);
}

static size_t
on_body (char  *data,
         size_t size,
         size_t n,
         void  *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

static size_t
on_header (char  *data,
           size_t size,
           size_t n,
           void  *user_data)
{
  g_autofree char *line = g_strndup (data, size * n);
  char *colon = strchr (line, ':');

  if (colon != NULL)
    {
      *colon = '\0';
      g_hash_table_insert (user_data, g_ascii_strdown (line, -1),
                           g_strdup (g_strstrip (colon + 1)));
    }
  return size * n;
}

static size_t
on_read (char  *buffer,
         size_t size,
         size_t n,
         void  *user_data)
{
  Source *source = user_data;
  gsize chunk = MIN (source->left, size * n);

  if (source->data != NULL)
    {
      memcpy (buffer, source->data, chunk);
      source->data += chunk;
    }
  else
    memset (buffer, ' ', chunk);
  source->left -= chunk;
  return chunk;
}

HallTestReply *
hall_test_http_request (const char        *base,
                        const char        *method,
                        const char        *path,
                        const char        *bearer,
                        const void        *body,
                        gsize              length,
                        HallTestHttpFlags  flags,
                        const char *const *extra)
{
  g_autoptr(CURL) curl = curl_easy_init ();
  g_autoptr(HallTestCurlHeaders) headers = NULL;
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autofree char *auth = NULL;
  HallTestReply *reply = g_new0 (HallTestReply, 1);
  Source source = { body, length };
  gboolean chunked = (flags & HALL_TEST_HTTP_CHUNKED) != 0;
  gboolean has_type = FALSE;
  char *content_type = NULL;
  CURLcode rc;

  reply->body = g_string_new (NULL);
  reply->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (bearer != NULL)
    {
      auth = g_strconcat ("Authorization: Bearer ", bearer, NULL);
      headers = curl_slist_append (headers, auth);
    }
  if (chunked)
    headers = curl_slist_append (headers, "Transfer-Encoding: chunked");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    {
      headers = curl_slist_append (headers, extra[i]);
      has_type = has_type || g_ascii_strncasecmp (extra[i], "Content-Type:", 13) == 0;
    }
  if ((flags & HALL_TEST_HTTP_JSON) != 0 && !has_type)
    headers = curl_slist_append (headers, "Content-Type: application/json");

  curl_easy_setopt (curl, CURLOPT_URL, url);
  if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else if (body != NULL || length > 0 || chunked || g_str_equal (method, "PUT")
           || g_str_equal (method, "PATCH"))
    {
      curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (curl, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt (curl, CURLOPT_READDATA, &source);
      if (!chunked)
        curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) length);
    }
  if ((flags & HALL_TEST_HTTP_OTHER_ADDRESS) != 0)
    curl_easy_setopt (curl, CURLOPT_INTERFACE, "127.0.0.2");
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, reply->headers);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  rc = curl_easy_perform (curl);
  if (rc != CURLE_OK)
    {
      reply->status = -(long) rc;
      return reply;
    }
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &content_type);
  reply->content_type = g_strdup (content_type);
  return reply;
}
