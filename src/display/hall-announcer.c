/* hall-announcer.c — the chime and the spoken call, in order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <espeak-ng/espeak_ng.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <math.h>
#include <string.h>

#include "hall-announcer.h"

#define CHIME_RATE 22050

struct _HallAnnouncer
{
  GObject       parent_instance;

  char         *sink;
  GAsyncQueue  *queue;     /* Call *, or the stop mark */
  GThread      *worker;
  GMainContext *context;
  gint          pending;   /* atomic */
};

G_DEFINE_FINAL_TYPE (HallAnnouncer, hall_announcer, G_TYPE_OBJECT)

enum
{
  SIGNAL_UTTERANCE_STARTED,
  SIGNAL_UTTERANCE_FINISHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

typedef struct
{
  char     *number;
  char     *counter;
  gboolean  recall;
  gboolean  stop;
} Call;

static void
call_free (Call *call)
{
  g_free (call->number);
  g_free (call->counter);
  g_free (call);
}

/* What is said. */

static const char *const zh_digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九" };

/* "A001" as "A零零一": Mandarin callers read digits one by one. */
static void
append_code_zh (GString    *out,
                const char *code)
{
  for (; *code != '\0'; code++)
    {
      if (g_ascii_isdigit (*code))
        g_string_append (out, zh_digits[*code - '0']);
      else
        g_string_append_c (out, *code);
    }
}

/* "A001" as "A 0 0 1". */
static void
append_code_en (GString    *out,
                const char *code)
{
  for (const char *c = code; *c != '\0'; c++)
    {
      if (c != code)
        g_string_append_c (out, ' ');
      g_string_append_c (out, *c);
    }
}

char *
hall_announcer_text_zh (const char *number,
                        const char *counter,
                        gboolean    recall)
{
  GString *out = g_string_new (recall ? "再次呼叫，" : "");

  g_string_append (out, "请");
  append_code_zh (out, number);
  g_string_append (out, "号到");
  append_code_zh (out, counter);
  g_string_append (out, "号窗口");
  return g_string_free (out, FALSE);
}

char *
hall_announcer_text_en (const char *number,
                        const char *counter,
                        gboolean    recall)
{
  GString *out = g_string_new (recall ? "Calling again. " : "");

  g_string_append (out, "Number ");
  append_code_en (out, number);
  g_string_append (out, ", please go to counter ");
  append_code_en (out, counter);
  return g_string_free (out, FALSE);
}

/* The worker: synthesis and playback. */

typedef struct
{
  HallAnnouncer *announcer;
  guint          signal;
  char          *kind;
  char          *text;
  gint64         at_us;
} Report;

static void
report_free (gpointer data)
{
  Report *report = data;

  g_object_unref (report->announcer);
  g_free (report->kind);
  g_free (report->text);
  g_free (report);
}

static gboolean
report_cb (gpointer data)
{
  Report *report = data;

  g_signal_emit (report->announcer, signals[report->signal], 0, report->kind, report->text,
                 report->at_us);
  return G_SOURCE_REMOVE;
}

static void
report (HallAnnouncer *self,
        guint          signal,
        const char    *kind,
        const char    *text,
        gint64         at_us)
{
  Report *message = g_new0 (Report, 1);

  message->announcer = g_object_ref (self);
  message->signal = signal;
  message->kind = g_strdup (kind);
  message->text = g_strdup (text);
  message->at_us = at_us;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, report_cb, message, report_free);
}

static int
synth_cb (short         *samples,
          int            count,
          espeak_EVENT  *events)
{
  GArray *pcm = events->user_data;

  if (samples != NULL && count > 0)
    g_array_append_vals (pcm, samples, (guint) count);
  return 0;
}

/* (transfer full) (nullable): @text spoken by @voice as 16-bit mono PCM. */
static GArray *
synthesize (const char *voice,
            const char *text)
{
  g_autoptr (GArray) pcm = g_array_new (FALSE, FALSE, sizeof (short));
  espeak_ng_STATUS status;

  status = espeak_ng_SetVoiceByName (voice);
  if (status != ENS_OK)
    {
      g_warning ("espeak-ng has no voice “%s” (status %d)", voice, (int) status);
      return NULL;
    }
  status = espeak_ng_Synthesize (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                 NULL, pcm);
  if (status == ENS_OK)
    status = espeak_ng_Synchronize ();
  if (status != ENS_OK)
    {
      g_warning ("espeak-ng could not speak with voice “%s” (status %d)", voice, (int) status);
      return NULL;
    }
  return g_steal_pointer (&pcm);
}

/* A two-tone chime (E6, then C6), as halls' calling systems have. */
static GArray *
make_chime (void)
{
  static const double tones[] = { 1318.5, 1046.5 };
  const guint tone_samples = CHIME_RATE * 45 / 100;
  GArray *pcm = g_array_sized_new (FALSE, FALSE, sizeof (short), 2 * tone_samples);

  for (guint t = 0; t < G_N_ELEMENTS (tones); t++)
    for (guint i = 0; i < tone_samples; i++)
      {
        double time = (double) i / CHIME_RATE;
        double envelope = MIN (1.0, time / 0.01) * exp (-4.0 * time);
        short sample = (short) (12000.0 * envelope * sin (2.0 * G_PI * tones[t] * time));

        g_array_append_val (pcm, sample);
      }
  return pcm;
}

/* Plays @pcm to its end; FALSE when the sink could not. */
static gboolean
play (HallAnnouncer *self,
      GArray        *pcm,
      int            rate)
{
  g_autofree char *description = g_strdup_printf (
    "appsrc name=source format=time caps=audio/x-raw,format=S16LE,layout=interleaved,rate=%d,channels=1"
    " ! audioconvert ! audioresample ! %s", rate, self->sink);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) source = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;
  GstBuffer *buffer;
  gsize size = pcm->len * sizeof (short);
  gboolean ok;

  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL)
    {
      g_warning ("Cannot build the audio pipeline: %s", error->message);
      return FALSE;
    }
  source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  buffer = gst_buffer_new_memdup (pcm->data, size);
  GST_BUFFER_PTS (buffer) = 0;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (pcm->len, GST_SECOND, (guint64) rate);
  gst_app_src_push_buffer (GST_APP_SRC (source), buffer);
  gst_app_src_end_of_stream (GST_APP_SRC (source));

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_warning ("The audio sink “%s” cannot play", self->sink);
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return FALSE;
    }
  bus = gst_element_get_bus (pipeline);
  /* The end of the stream comes when the sink has played the last sample. */
  message = gst_bus_timed_pop_filtered (bus, GST_BUFFER_DURATION (buffer) + 10 * GST_SECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  ok = message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS;
  if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) play_error = NULL;

      gst_message_parse_error (message, &play_error, NULL);
      g_warning ("The audio sink “%s” failed: %s", self->sink, play_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return ok;
}

static void
say (HallAnnouncer *self,
     const char    *kind,
     const char    *text,
     GArray        *pcm,
     int            rate)
{
  if (pcm == NULL || pcm->len == 0)
    return;
  report (self, SIGNAL_UTTERANCE_STARTED, kind, text, g_get_monotonic_time ());
  play (self, pcm, rate);
  report (self, SIGNAL_UTTERANCE_FINISHED, kind, text, g_get_monotonic_time ());
}

static gpointer
announce_thread (gpointer data)
{
  HallAnnouncer *self = data;
  g_autoptr (GArray) chime = make_chime ();
  gboolean speech = TRUE;
  int rate = CHIME_RATE;

  espeak_ng_InitializePath (NULL);
  if (espeak_ng_Initialize (NULL) != ENS_OK
      || espeak_ng_InitializeOutput (ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) != ENS_OK)
    {
      g_warning ("espeak-ng cannot start: calls get the chime only");
      speech = FALSE;
    }
  else
    {
      espeak_SetSynthCallback (synth_cb);
      rate = espeak_ng_GetSampleRate ();
    }

  for (;;)
    {
      Call *call = g_async_queue_pop (self->queue);
      g_autofree char *zh = NULL;
      g_autofree char *en = NULL;
      g_autoptr (GArray) zh_pcm = NULL;
      g_autoptr (GArray) en_pcm = NULL;

      if (call->stop)
        {
          call_free (call);
          break;
        }
      zh = hall_announcer_text_zh (call->number, call->counter, call->recall);
      en = hall_announcer_text_en (call->number, call->counter, call->recall);
      if (speech)
        {
          zh_pcm = synthesize ("cmn", zh);
          en_pcm = synthesize ("en", en);
        }
      say (self, "chime", "", chime, CHIME_RATE);
      say (self, "cmn", zh, zh_pcm, rate);
      say (self, "en", en, en_pcm, rate);
      g_atomic_int_dec_and_test (&self->pending);
      call_free (call);
    }
  if (speech)
    espeak_ng_Terminate ();
  return NULL;
}

static void
hall_announcer_dispose (GObject *object)
{
  HallAnnouncer *self = HALL_ANNOUNCER (object);

  if (self->worker != NULL)
    {
      Call *stop = g_new0 (Call, 1);

      /* Jumps the queue: calls not yet spoken are dropped with the board. */
      stop->stop = TRUE;
      g_async_queue_push_front (self->queue, stop);
      g_thread_join (g_steal_pointer (&self->worker));
    }
  G_OBJECT_CLASS (hall_announcer_parent_class)->dispose (object);
}

static void
hall_announcer_finalize (GObject *object)
{
  HallAnnouncer *self = HALL_ANNOUNCER (object);

  g_async_queue_unref (self->queue);
  g_main_context_unref (self->context);
  g_free (self->sink);
  G_OBJECT_CLASS (hall_announcer_parent_class)->finalize (object);
}

static void
hall_announcer_class_init (HallAnnouncerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_announcer_dispose;
  object_class->finalize = hall_announcer_finalize;

  signals[SIGNAL_UTTERANCE_STARTED] =
    g_signal_new ("utterance-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64);
  signals[SIGNAL_UTTERANCE_FINISHED] =
    g_signal_new ("utterance-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT64);
}

static void
hall_announcer_init (HallAnnouncer *self)
{
  self->queue = g_async_queue_new_full ((GDestroyNotify) call_free);
  self->context = g_main_context_ref_thread_default ();
}

HallAnnouncer *
hall_announcer_new (const char *sink)
{
  HallAnnouncer *self = g_object_new (HALL_TYPE_ANNOUNCER, NULL);

  gst_init (NULL, NULL);
  self->sink = g_strdup (sink != NULL && *sink != '\0' ? sink : "autoaudiosink");
  /* The worker holds no reference: dispose joins it. */
  self->worker = g_thread_new ("announcer", announce_thread, self);
  return self;
}

void
hall_announcer_announce (HallAnnouncer *self,
                         const char    *number,
                         const char    *counter,
                         gboolean       recall)
{
  Call *call;

  g_return_if_fail (HALL_IS_ANNOUNCER (self));
  g_return_if_fail (number != NULL && counter != NULL);

  call = g_new0 (Call, 1);
  call->number = g_strdup (number);
  call->counter = g_strdup (counter);
  call->recall = recall;
  g_atomic_int_inc (&self->pending);
  g_async_queue_push (self->queue, call);
}

guint
hall_announcer_get_pending (HallAnnouncer *self)
{
  g_return_val_if_fail (HALL_IS_ANNOUNCER (self), 0);
  return (guint) g_atomic_int_get (&self->pending);
}
