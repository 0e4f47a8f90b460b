/* fuzz-client-response.c — libFuzzer target for what the counter makes of
 * the server's answers (hall-sync-response)
 *
 * Input: the first byte picks the reader, the rest is its input:
 *   0 a page of changes (body)
 *   1 a problem (body)
 *   2 an acknowledged version: "ETAG\n" followed by the body
 *   3 a 412's "current": the entity kind is picked by the second byte,
 *     the rest is the body
 *   4 an Upload-Offset header
 *   5 the answer to a batch: the number of operations is the second byte,
 *     the rest is the body
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-error.h"
#include "hall-http-client.h"
#include "hall-sync-response.h"

int LLVMFuzzerInitialize   (int          *argc,
                            char       ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

/* A warning or critical on bad input is a bug too: make it a crash the
 * fuzzer reports. */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

static void
fuzz_changes (const char *body,
              gsize       length)
{
  g_autoptr (JsonArray) changes = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  gboolean more = FALSE;
  guint i;

  if (!hall_sync_response_parse_changes (body, length, &changes, NULL, &next, &more, &error))
    {
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
      g_assert_null (changes);
      g_assert_null (next);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (changes);
  g_assert_nonnull (next);
  g_assert_true (g_utf8_validate (next, -1, NULL));
  /* What the store reads of each change. */
  for (i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      g_assert_nonnull (change);
      g_assert_cmpint (json_object_get_int_member (change, "seq"), >=, 1);
      g_assert_cmpint (json_object_get_int_member (change, "version"), >=, 1);
      g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (change, "uuid")));
      g_assert_nonnull (json_object_get_string_member (change, "entity"));
      g_assert_nonnull (json_object_get_object_member (change, "data"));
    }
  /* Every string of it can go to the store and the screen. */
  node = json_node_init_array (json_node_alloc (), changes);
  text = json_to_string (node, FALSE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

static void
fuzz_problem (const char *body,
              gsize       length)
{
  g_autofree char *field = NULL;
  g_autofree char *reason = hall_sync_response_describe_problem (400, body, length, &field);

  g_assert_nonnull (reason);
  g_assert_true (*reason != '\0');
  g_assert_true (g_utf8_validate (reason, -1, NULL));
  g_assert_true (field == NULL || g_utf8_validate (field, -1, NULL));
}

static void
fuzz_version (const char *input,
              gsize       length)
{
  const char *newline = memchr (input, '\n', length);
  g_autofree char *etag = NULL;
  const char *body = input;
  gsize body_length = length;

  if (newline != NULL)
    {
      etag = g_strndup (input, newline - input);
      body = newline + 1;
      body_length = length - (newline + 1 - input);
    }
  g_assert_cmpint (hall_sync_response_parse_version (etag, body, body_length), >=, 0);
}

static void
fuzz_current (const char *input,
              gsize       length)
{
  static const char *entities[] = { "applicant", "case", "event", "ticket" };
  g_autoptr (GError) error = NULL;
  g_autofree char *current = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (length == 0)
    return;
  current = hall_sync_response_parse_current (entities[(guint8) input[0] % G_N_ELEMENTS (entities)],
                                              input + 1, length - 1, &error);
  if (current == NULL)
    {
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
      return;
    }
  /* The store reads it back as an object. */
  g_assert_true (json_parser_load_from_data (parser, current, -1, NULL));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
}

static void
fuzz_offset (const char *input,
             gsize       length)
{
  g_autofree char *header = g_strndup (input, length);
  goffset offset = -1;

  if (hall_sync_response_parse_offset (header, &offset))
    g_assert_cmpint (offset, >=, 0);
  else
    g_assert_cmpint (offset, ==, -1);
}

static void
fuzz_batch (const char *input,
            gsize       length)
{
  g_autoptr (GPtrArray) responses = NULL;
  g_autoptr (GError) error = NULL;
  guint n_operations;
  guint i;

  if (length == 0)
    return;
  n_operations = (guint8) input[0];
  responses = hall_sync_response_parse_batch (input + 1, length - 1, n_operations, &error);
  if (responses == NULL)
    {
      g_assert_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL);
      return;
    }
  g_assert_cmpuint (responses->len, ==, n_operations);
  /* Each answer then goes through the readers of a single answer. */
  for (i = 0; i < responses->len; i++)
    {
      HallHttpResponse *response = g_ptr_array_index (responses, i);
      g_autofree char *reason = NULL;
      gsize size;
      const char *body = g_bytes_get_data (response->body, &size);

      g_assert_cmpuint (response->status, >=, 100);
      g_assert_cmpuint (response->status, <=, 599);
      g_assert_true (g_utf8_validate_len (body, size, NULL));
      hall_sync_response_parse_version (hall_http_response_get_header (response, "ETag"),
                                        body, size);
      reason = hall_sync_response_describe_problem (response->status, body, size, NULL);
      g_assert_nonnull (reason);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *rest = (const char *) data + 1;
  gsize length;

  if (size == 0)
    return 0;
  length = size - 1;

  switch (data[0] % 6)
    {
    case 0:
      fuzz_changes (rest, length);
      break;
    case 1:
      fuzz_problem (rest, length);
      break;
    case 2:
      fuzz_version (rest, length);
      break;
    case 3:
      fuzz_current (rest, length);
      break;
    case 4:
      fuzz_offset (rest, length);
      break;
    case 5:
    default:
      fuzz_batch (rest, length);
      break;
    }
  return 0;
}
