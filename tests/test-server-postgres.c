/* test-server-postgres.c — the PostgreSQL storage itself, on a cluster of
 * the test's own: the change feed under concurrent writers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "hall-server-error.h"
#include "hall-server-postgres.h"
#include "hall-sqlite.h"
#include "hall-test-postgres.h"

#define WRITERS 3
#define TRANSACTIONS 150

static HallTestPostgres *postgres;
static gint finished;   /* writers done */

typedef struct
{
  HallServerStorage *storage;   /* a writer's own: as a server of its own */
  guint              index;
  GPtrArray         *written;   /* uuids committed */
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;
  GRand *rand = g_rand_new_with_seed (writer->index + 1);

  for (guint t = 0; t < TRANSACTIONS; t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
      guint n = g_rand_int_range (rand, 1, 4);
      gboolean roll_back = g_rand_int_range (rand, 0, 10) == 0;

      g_assert_true (hall_server_storage_begin (writer->storage, &error));
      for (guint i = 0; i < n; i++)
        {
          char *uuid = g_uuid_string_random ();
          g_autofree char *json = g_strdup_printf ("{\"uuid\":\"%s\",\"kind\":\"person\"}", uuid);

          g_assert_true (hall_server_storage_put_entity (writer->storage, HALL_ENTITY_APPLICANT,
                                                         uuid, 1, NULL, json, &error));
          g_assert_no_error (error);
          g_ptr_array_add (uuids, uuid);
        }
      /* The trap's window: the change is numbered, not yet committed,
       * while the other writers number and commit theirs. */
      g_usleep (g_rand_int_range (rand, 0, 3000));
      if (roll_back)
        {
          hall_server_storage_rollback (writer->storage);
          continue;
        }
      g_assert_true (hall_server_storage_commit (writer->storage, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < uuids->len; i++)
        g_ptr_array_add (writer->written, g_strdup (g_ptr_array_index (uuids, i)));
    }
  g_rand_free (rand);
  g_atomic_int_inc (&finished);
  return NULL;
}

/* Three writers, each on a storage of its own (so, connections and
 * transactions of its own, as three servers would have), number changes
 * and commit them in random order and at random times; a reader follows
 * the feed all along with its cursor. Every committed change is read, and
 * read once, in increasing seq; none rolled back is. */
static void
test_feed_never_skips (void)
{
  g_autofree char *uri = hall_test_postgres_create_database (postgres, "feed");
  g_autoptr(HallServerPostgres) reader_storage = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  Writer writers[WRITERS];
  GThread *threads[WRITERS];
  gint64 cursor = 0;
  guint written = 0;

  reader_storage = hall_server_postgres_new (uri, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < WRITERS; i++)
    {
      writers[i].storage = HALL_SERVER_STORAGE (hall_server_postgres_new (uri, &error));
      g_assert_no_error (error);
      writers[i].index = i;
      writers[i].written = g_ptr_array_new_with_free_func (g_free);
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }

  /* Follows the feed until the writers are done, then drains it once more. */
  for (gboolean last = FALSE; ; )
    {
      g_autoptr(GPtrArray) changes = NULL;
      gboolean all_done = g_atomic_int_get (&finished) == WRITERS;

      changes = hall_server_storage_list_changes (HALL_SERVER_STORAGE (reader_storage), cursor,
                                                  50, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < changes->len; i++)
        {
          HallChange *change = g_ptr_array_index (changes, i);

          g_assert_cmpint (change->seq, >, cursor);
          cursor = change->seq;
          g_assert_false (g_hash_table_contains (seen, change->uuid));
          g_hash_table_add (seen, g_strdup (change->uuid));
        }
      if (changes->len > 0)
        continue;
      if (last)
        break;
      last = all_done;
      g_usleep (500);
    }
  for (guint i = 0; i < WRITERS; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < WRITERS; i++)
    {
      written += writers[i].written->len;
      for (guint j = 0; j < writers[i].written->len; j++)
        g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (writers[i].written, j)));
      g_ptr_array_unref (writers[i].written);
      g_object_unref (writers[i].storage);
    }
  /* Nothing rolled back was read. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, written);
  g_assert_cmpuint (written, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int rc;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  postgres = hall_test_postgres_start (&error);
  g_assert_no_error (error);
  if (postgres == NULL)
    {
      g_printerr ("PostgreSQL is not installed: skipped\n");
      return 77;
    }
  g_test_add_func ("/hall/server-postgres/feed/never-skips", test_feed_never_skips);
  rc = g_test_run ();
  hall_test_postgres_stop (postgres);
  return rc;
}
