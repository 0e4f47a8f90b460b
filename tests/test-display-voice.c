/* test-display-voice.c — calls are chimed and spoken in order, none cut
 * short by the next, through a sink that plays in real time into nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "hall-announcer.h"

typedef struct
{
  char   *kind;
  char   *text;
  gint64  started;
  gint64  finished;
} Utterance;

static void
utterance_free (gpointer data)
{
  Utterance *utterance = data;

  g_free (utterance->kind);
  g_free (utterance->text);
  g_free (utterance);
}

static void
started_cb (HallAnnouncer *announcer,
            const char    *kind,
            const char    *text,
            gint64         at_us,
            GPtrArray     *log)
{
  Utterance *utterance = g_new0 (Utterance, 1);

  /* The one before has finished before this one starts. */
  if (log->len > 0)
    g_assert_cmpint (((Utterance *) log->pdata[log->len - 1])->finished, >, 0);
  utterance->kind = g_strdup (kind);
  utterance->text = g_strdup (text);
  utterance->started = at_us;
  g_ptr_array_add (log, utterance);
}

static void
finished_cb (HallAnnouncer *announcer,
             const char    *kind,
             const char    *text,
             gint64         at_us,
             GPtrArray     *log)
{
  Utterance *utterance;

  g_assert_cmpuint (log->len, >, 0);
  utterance = log->pdata[log->len - 1];
  g_assert_cmpstr (utterance->kind, ==, kind);
  g_assert_cmpint (utterance->finished, ==, 0);
  utterance->finished = at_us;
}

static void
test_texts (void)
{
  g_autofree char *zh = hall_announcer_text_zh ("A001", "C03", FALSE);
  g_autofree char *en = hall_announcer_text_en ("A001", "C03", FALSE);
  g_autofree char *zh_again = hall_announcer_text_zh ("B120", "C10", TRUE);
  g_autofree char *en_again = hall_announcer_text_en ("B120", "C10", TRUE);

  g_assert_cmpstr (zh, ==, "请A零零一号到C零三号窗口");
  g_assert_cmpstr (en, ==, "Number A 0 0 1, please go to counter C 0 3");
  g_assert_cmpstr (zh_again, ==, "再次呼叫，请B一二零号到C一零号窗口");
  g_assert_cmpstr (en_again, ==, "Calling again. Number B 1 2 0, please go to counter C 1 0");
}

static void
test_in_order_never_overlapping (void)
{
  static const char *const expected[][2] = {
    { "chime", "" }, { "cmn", "请A零零一号到C零三号窗口" }, { "en", "Number A 0 0 1, please go to counter C 0 3" },
    { "chime", "" }, { "cmn", "请B零零二号到C零一号窗口" }, { "en", "Number B 0 0 2, please go to counter C 0 1" },
    { "chime", "" }, { "cmn", "再次呼叫，请A零零一号到C零三号窗口" },
    { "en", "Calling again. Number A 0 0 1, please go to counter C 0 3" },
  };
  g_autoptr (GPtrArray) log = g_ptr_array_new_with_free_func (utterance_free);
  g_autoptr (HallAnnouncer) announcer = hall_announcer_new ("fakesink sync=true");
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  g_signal_connect (announcer, "utterance-started", G_CALLBACK (started_cb), log);
  g_signal_connect (announcer, "utterance-finished", G_CALLBACK (finished_cb), log);

  /* Three calls at once, the last a recall of the first: none may start
   * before the one before it has been heard to its end. */
  hall_announcer_announce (announcer, "A001", "C03", FALSE);
  hall_announcer_announce (announcer, "B002", "C01", FALSE);
  hall_announcer_announce (announcer, "A001", "C03", TRUE);
  g_assert_cmpuint (hall_announcer_get_pending (announcer), ==, 3);

  while ((log->len < G_N_ELEMENTS (expected)
          || ((Utterance *) log->pdata[log->len - 1])->finished == 0)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (log->len, ==, G_N_ELEMENTS (expected));
  g_assert_cmpuint (hall_announcer_get_pending (announcer), ==, 0);
  for (guint i = 0; i < log->len; i++)
    {
      Utterance *utterance = log->pdata[i];
      gint64 length = utterance->finished - utterance->started;

      g_test_message ("%s %.2f s → %.2f s", utterance->kind,
                      (utterance->started - ((Utterance *) log->pdata[0])->started) / 1e6,
                      (utterance->finished - ((Utterance *) log->pdata[0])->started) / 1e6);
      g_assert_cmpstr (utterance->kind, ==, expected[i][0]);
      g_assert_cmpstr (utterance->text, ==, expected[i][1]);
      /* Played in real time to its end: the chime lasts 0.9 s, each
       * spoken sentence well over a second. */
      g_assert_cmpint (length, >=, strcmp (utterance->kind, "chime") == 0 ? 850000 : 1000000);
      if (i > 0)
        g_assert_cmpint (utterance->started, >=, ((Utterance *) log->pdata[i - 1])->finished);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/hall/display/voice/texts", test_texts);
  g_test_add_func ("/hall/display/voice/in-order-never-overlapping", test_in_order_never_overlapping);
  return g_test_run ();
}
