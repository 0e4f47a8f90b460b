/* hall-board.c — what the hall's queue board shows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-display"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "hall-board.h"

struct _HallBoard
{
  GObject    parent_instance;

  char      *hall_name;
  char      *hall_name_zh;
  char      *hall_name_override;
  GPtrArray *current;     /* HallBoardCall, newest first */
  GPtrArray *recent;      /* HallBoardCall, newest first */
  GPtrArray *groups;      /* HallBoardGroup, sorted by letter */
  guint64    last_event_id;
  gboolean   online;
};

G_DEFINE_FINAL_TYPE (HallBoard, hall_board, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_HALL_NAME,
  PROP_ONLINE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  SIGNAL_ANNOUNCE,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_QUARK (hall-board-error-quark, hall_board_error)

static void
call_free (gpointer data)
{
  HallBoardCall *call = data;

  g_free (call->uuid);
  g_free (call->number);
  g_free (call->group);
  g_free (call->counter);
  g_free (call->state);
  g_free (call);
}

static HallBoardCall *
call_copy (const HallBoardCall *call)
{
  HallBoardCall *copy = g_memdup2 (call, sizeof *call);

  copy->uuid = g_strdup (call->uuid);
  copy->number = g_strdup (call->number);
  copy->group = g_strdup (call->group);
  copy->counter = g_strdup (call->counter);
  copy->state = g_strdup (call->state);
  return copy;
}

static void
group_free (gpointer data)
{
  HallBoardGroup *group = data;

  g_free (group->group);
  g_free (group->name_en);
  g_free (group->name_zh);
  g_free (group);
}

static gint
group_compare (gconstpointer a,
               gconstpointer b)
{
  const HallBoardGroup *ga = *(HallBoardGroup * const *) a;
  const HallBoardGroup *gb = *(HallBoardGroup * const *) b;

  return strcmp (ga->group, gb->group);
}

/* Reading what the server sent. */

static gboolean
invalid (GError    **error,
         const char *where,
         const char *member,
         const char *what)
{
  g_set_error (error, HALL_BOARD_ERROR, HALL_BOARD_ERROR_INVALID,
               _("The queue's %s cannot be shown: member “%s” %s"), where, member, what);
  return FALSE;
}

/* @member as a string: NULL when absent or null and @optional. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             gboolean     optional,
             const char  *where,
             const char **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : invalid (error, where, member, _("is missing"));
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, where, member, _("is not a string"));
  *out = json_node_get_string (node);
  return TRUE;
}

/* A fallback of -1 means "not known", which the server may say as -1. */
static gboolean
read_int (JsonObject  *object,
          const char  *member,
          gint64       fallback,
          const char  *where,
          gint64      *out,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = fallback;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < fallback)
    return invalid (error, where, member, _("is not a whole number of 0 or more"));
  *out = MAX (json_node_get_int (node), fallback);
  return TRUE;
}

/* A ticket number is a group letter and digits, a counter a short code
 * of letters and digits: anything else on a wall screen is a fault. */
static gboolean
is_code (const char *text,
         gsize       max_length)
{
  gsize n = strlen (text);

  if (n == 0 || n > max_length || !g_ascii_isalpha (text[0]))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-')
      return FALSE;
  return TRUE;
}

/* (transfer full) (nullable) */
static HallBoardCall *
read_ticket (JsonObject *ticket,
             const char *where,
             GError    **error)
{
  g_autoptr (GPtrArray) hold = g_ptr_array_new_with_free_func (call_free);
  HallBoardCall *call = g_new0 (HallBoardCall, 1);
  const char *uuid, *number, *group, *counter, *state;
  gint64 calls;

  g_ptr_array_add (hold, call);
  if (!read_string (ticket, "uuid", FALSE, where, &uuid, error)
      || !read_string (ticket, "number", FALSE, where, &number, error)
      || !read_string (ticket, "group", FALSE, where, &group, error)
      || !read_string (ticket, "counter", TRUE, where, &counter, error)
      || !read_string (ticket, "state", FALSE, where, &state, error)
      || !read_int (ticket, "calls", 0, where, &calls, error))
    return NULL;
  if (!is_code (number, 8))
    return invalid (error, where, "number", _("is not a ticket number")), NULL;
  if (!is_code (group, 4) || !g_str_has_prefix (number, group))
    return invalid (error, where, "group", _("is not the ticket number's group")), NULL;
  if (counter != NULL && !is_code (counter, 8))
    return invalid (error, where, "counter", _("is not a counter code")), NULL;

  call->uuid = g_strdup (uuid);
  call->number = g_strdup (number);
  call->group = g_strdup (group);
  call->counter = g_strdup (counter);
  call->state = g_strdup (state);
  call->calls = (guint) MIN (calls, G_MAXUINT);
  return g_ptr_array_steal_index (hold, 0);
}

static gboolean
state_is_at_counter (const char *state)
{
  return g_strcmp0 (state, "called") == 0 || g_strcmp0 (state, "serving") == 0;
}

static void
remove_call (GPtrArray  *calls,
             const char *uuid,
             const char *counter)
{
  for (guint i = calls->len; i > 0; i--)
    {
      HallBoardCall *call = calls->pdata[i - 1];

      if ((uuid != NULL && strcmp (call->uuid, uuid) == 0)
          || (counter != NULL && g_strcmp0 (call->counter, counter) == 0))
        g_ptr_array_remove_index (calls, i - 1);
    }
}

static void
push_front (GPtrArray     *calls,
            HallBoardCall *call,
            guint          max)
{
  g_ptr_array_insert (calls, 0, call);
  while (calls->len > max)
    g_ptr_array_remove_index (calls, calls->len - 1);
}

static HallBoardGroup *
ensure_group (HallBoard  *self,
              const char *letter)
{
  HallBoardGroup *group = hall_board_find_group (self, letter);

  if (group != NULL)
    return group;
  group = g_new0 (HallBoardGroup, 1);
  group->group = g_strdup (letter);
  group->estimated_wait_minutes = -1;
  group->open_counters = -1;
  g_ptr_array_add (self->groups, group);
  g_ptr_array_sort (self->groups, group_compare);
  return group;
}

/* "waiting": {"A": 3, …}, checked whole before any count is changed. */
static gboolean
read_waiting (HallBoard  *self,
              JsonObject *waiting,
              gboolean    apply,
              GError    **error)
{
  g_autoptr (GList) members = json_object_get_members (waiting);

  for (GList *l = members; l != NULL; l = l->next)
    {
      gint64 count;

      if (!is_code (l->data, 4))
        return invalid (error, _("event"), "waiting", _("names a group that is not a group letter"));
      if (!read_int (waiting, l->data, 0, _("event"), &count, error))
        return FALSE;
      if (apply)
        ensure_group (self, l->data)->waiting = (gint) MIN (count, G_MAXINT);
    }
  return TRUE;
}

static void
hall_board_finalize (GObject *object)
{
  HallBoard *self = HALL_BOARD (object);

  g_free (self->hall_name);
  g_free (self->hall_name_zh);
  g_free (self->hall_name_override);
  g_ptr_array_unref (self->current);
  g_ptr_array_unref (self->recent);
  g_ptr_array_unref (self->groups);
  G_OBJECT_CLASS (hall_board_parent_class)->finalize (object);
}

static void
hall_board_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  HallBoard *self = HALL_BOARD (object);

  switch (prop_id)
    {
    case PROP_HALL_NAME:
      g_value_set_string (value, hall_board_get_hall_name (self));
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_board_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  HallBoard *self = HALL_BOARD (object);

  switch (prop_id)
    {
    case PROP_HALL_NAME:
      hall_board_set_hall_name (self, g_value_get_string (value));
      break;
    case PROP_ONLINE:
      hall_board_set_online (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_board_class_init (HallBoardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hall_board_finalize;
  object_class->get_property = hall_board_get_property;
  object_class->set_property = hall_board_set_property;

  properties[PROP_HALL_NAME] =
    g_param_spec_string ("hall-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_ANNOUNCE] =
    g_signal_new ("announce", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_BOOLEAN);
}

static void
hall_board_init (HallBoard *self)
{
  self->current = g_ptr_array_new_with_free_func (call_free);
  self->recent = g_ptr_array_new_with_free_func (call_free);
  self->groups = g_ptr_array_new_with_free_func (group_free);
}

HallBoard *
hall_board_new (void)
{
  return g_object_new (HALL_TYPE_BOARD, NULL);
}

gboolean
hall_board_apply_snapshot (HallBoard  *self,
                           JsonObject *queue,
                           gint64      now_us,
                           GError    **error)
{
  const char *where = _("board");
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func (group_free);
  g_autoptr (GPtrArray) recent = g_ptr_array_new_with_free_func (call_free);
  g_autoptr (GPtrArray) current = g_ptr_array_new_with_free_func (call_free);
  JsonNode *node;
  const char *hall, *hall_zh = NULL;
  gint64 last_id;
  gboolean stale;

  g_return_val_if_fail (HALL_IS_BOARD (self), FALSE);

  if (!read_string (queue, "hall", TRUE, where, &hall, error)
      || !read_int (queue, "last_event_id", 0, where, &last_id, error))
    return FALSE;
  node = json_object_get_member (queue, "hall_name");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
      && !read_string (json_node_get_object (node), "zh", TRUE, where, &hall_zh, error))
    return FALSE;
  /* A board asked for while events came in may be older than they are:
   * it then only brings the estimates and names. */
  stale = (guint64) last_id < self->last_event_id;

  node = json_object_get_member (queue, "groups");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, where, "groups", _("is not a list"));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (node), i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      HallBoardGroup *group;
      JsonNode *name;
      const char *letter, *en = NULL, *zh = NULL;
      gint64 waiting, wait, open;

      if (object == NULL)
        return invalid (error, where, "groups", _("holds something that is not a group"));
      if (!read_string (object, "group", FALSE, where, &letter, error)
          || !read_int (object, "waiting", 0, where, &waiting, error)
          || !read_int (object, "estimated_wait_minutes", -1, where, &wait, error)
          || !read_int (object, "open_counters", -1, where, &open, error))
        return FALSE;
      if (!is_code (letter, 4))
        return invalid (error, where, "group", _("is not a group letter"));
      name = json_object_get_member (object, "name");
      if (name != NULL && JSON_NODE_HOLDS_OBJECT (name))
        {
          if (!read_string (json_node_get_object (name), "en", TRUE, where, &en, error)
              || !read_string (json_node_get_object (name), "zh", TRUE, where, &zh, error))
            return FALSE;
        }
      group = g_new0 (HallBoardGroup, 1);
      group->group = g_strdup (letter);
      group->name_en = g_strdup (en);
      group->name_zh = g_strdup (zh);
      group->waiting = (gint) MIN (waiting, G_MAXINT);
      group->estimated_wait_minutes = (gint) MIN (wait, G_MAXINT);
      group->open_counters = (gint) MIN (open, G_MAXINT);
      g_ptr_array_add (groups, group);
    }

  node = json_object_get_member (queue, "recent_calls");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, where, "recent_calls", _("is not a list"));
      for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (node), i);
          HallBoardCall *call;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            return invalid (error, where, "recent_calls", _("holds something that is not a ticket"));
          call = read_ticket (json_node_get_object (element), where, error);
          if (call == NULL)
            return FALSE;
          if (call->counter == NULL)
            {
              call_free (call);
              continue;
            }
          /* Newest first: the first call of a counter is its current one. */
          if (state_is_at_counter (call->state) && current->len < HALL_BOARD_MAX_CURRENT)
            {
              gboolean taken = FALSE;

              for (guint j = 0; j < current->len; j++)
                taken |= g_strcmp0 (((HallBoardCall *) current->pdata[j])->counter, call->counter) == 0;
              if (!taken)
                g_ptr_array_add (current, call_copy (call));
            }
          if (recent->len < HALL_BOARD_MAX_RECENT)
            g_ptr_array_add (recent, call);
          else
            call_free (call);
        }
    }

  /* All read: now it replaces what was there. */
  g_ptr_array_sort (groups, group_compare);
  if (stale)
    {
      for (guint i = 0; i < groups->len; i++)
        {
          HallBoardGroup *group = groups->pdata[i];
          HallBoardGroup *known = hall_board_find_group (self, group->group);

          if (known != NULL)
            group->waiting = known->waiting;
        }
      g_ptr_array_unref (recent);
      recent = g_ptr_array_ref (self->recent);
      g_ptr_array_unref (current);
      current = g_ptr_array_ref (self->current);
    }
  g_ptr_array_unref (self->groups);
  self->groups = g_steal_pointer (&groups);
  g_ptr_array_unref (self->recent);
  self->recent = g_steal_pointer (&recent);
  /* A call still highlighted keeps its highlight. */
  for (guint i = 0; !stale && i < current->len; i++)
    {
      HallBoardCall *call = current->pdata[i];

      for (guint j = 0; j < self->current->len; j++)
        {
          HallBoardCall *old = self->current->pdata[j];

          if (strcmp (old->uuid, call->uuid) == 0 && old->calls == call->calls)
            call->highlight_from = old->highlight_from;
        }
    }
  g_ptr_array_unref (self->current);
  self->current = g_steal_pointer (&current);
  if (g_strcmp0 (self->hall_name, hall) != 0 || g_strcmp0 (self->hall_name_zh, hall_zh) != 0)
    {
      g_free (self->hall_name);
      self->hall_name = g_strdup (hall);
      g_free (self->hall_name_zh);
      self->hall_name_zh = g_strdup (hall_zh);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HALL_NAME]);
    }
  /* The first board sets where the events start; after a cut the stream
   * resumes from the last event applied, so calls missed meanwhile are
   * still shown and announced in order. */
  if (self->last_event_id == 0)
    self->last_event_id = (guint64) last_id;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

gboolean
hall_board_apply_event (HallBoard  *self,
                        const char *id,
                        const char *type,
                        JsonObject *data,
                        gint64      now_us,
                        GError    **error)
{
  const char *where = _("event");
  g_autoptr (GPtrArray) hold = g_ptr_array_new_with_free_func (call_free);
  HallBoardCall *call;
  JsonNode *node;
  JsonObject *waiting = NULL;
  const char *change;
  guint64 event_id;
  gboolean announce = FALSE, recall = FALSE;

  g_return_val_if_fail (HALL_IS_BOARD (self), FALSE);

  if (id == NULL || !g_ascii_string_to_unsigned (id, 10, 1, G_MAXUINT64, &event_id, NULL))
    return invalid (error, where, "id", _("is not an event number"));
  if (event_id <= self->last_event_id)
    return TRUE;
  if (g_strcmp0 (type, "ticket") != 0)
    {
      /* Kinds of event a newer server may add are not the board's. */
      self->last_event_id = event_id;
      return TRUE;
    }

  if (!read_string (data, "change", FALSE, where, &change, error))
    return FALSE;
  node = json_object_get_member (data, "ticket");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, where, "ticket", _("is not a ticket"));
  call = read_ticket (json_node_get_object (node), where, error);
  if (call == NULL)
    return FALSE;
  g_ptr_array_add (hold, call);
  node = json_object_get_member (data, "waiting");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, where, "waiting", _("is not an object of counts"));
      waiting = json_node_get_object (node);
      if (!read_waiting (self, waiting, FALSE, error))
        return FALSE;
    }
  if ((strcmp (change, "called") == 0 || strcmp (change, "recalled") == 0) && call->counter == NULL)
    return invalid (error, where, "counter", _("is missing from a call"));

  /* All read: apply. */
  self->last_event_id = event_id;
  if (waiting != NULL)
    read_waiting (self, waiting, TRUE, NULL);

  if (strcmp (change, "called") == 0 || strcmp (change, "recalled") == 0)
    {
      recall = strcmp (change, "recalled") == 0 || call->calls > 1;
      call->highlight_from = MAX (now_us, 1);
      remove_call (self->current, call->uuid, call->counter);
      remove_call (self->recent, call->uuid, NULL);
      push_front (self->current, call_copy (call), HALL_BOARD_MAX_CURRENT);
      push_front (self->recent, call_copy (call), HALL_BOARD_MAX_RECENT);
      announce = TRUE;
    }
  else
    {
      /* Any other change: a ticket that left its counter leaves the
       * current calls and stays among the last ones. */
      for (guint i = 0; i < self->recent->len; i++)
        {
          HallBoardCall *known = self->recent->pdata[i];

          if (strcmp (known->uuid, call->uuid) == 0)
            {
              g_free (known->state);
              known->state = g_strdup (call->state);
            }
        }
      if (!state_is_at_counter (call->state))
        remove_call (self->current, call->uuid, NULL);
      else
        for (guint i = 0; i < self->current->len; i++)
          {
            HallBoardCall *known = self->current->pdata[i];

            if (strcmp (known->uuid, call->uuid) == 0)
              {
                g_free (known->state);
                known->state = g_strdup (call->state);
              }
          }
    }

  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  if (announce)
    g_signal_emit (self, signals[SIGNAL_ANNOUNCE], 0, call, recall);
  return TRUE;
}

const char *
hall_board_get_hall_name (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  return self->hall_name_override != NULL ? self->hall_name_override : self->hall_name;
}

const char *
hall_board_get_hall_name_zh (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  return self->hall_name_override != NULL ? NULL : self->hall_name_zh;
}

void
hall_board_set_hall_name (HallBoard  *self,
                          const char *name)
{
  g_return_if_fail (HALL_IS_BOARD (self));
  if (g_strcmp0 (self->hall_name_override, name) == 0)
    return;
  g_free (self->hall_name_override);
  self->hall_name_override = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HALL_NAME]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
hall_board_get_online (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), FALSE);
  return self->online;
}

void
hall_board_set_online (HallBoard *self,
                       gboolean   online)
{
  g_return_if_fail (HALL_IS_BOARD (self));
  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint64
hall_board_get_last_event_id (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), 0);
  return self->last_event_id;
}

GPtrArray *
hall_board_get_current_calls (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  return self->current;
}

GPtrArray *
hall_board_get_recent_calls (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  return self->recent;
}

GPtrArray *
hall_board_get_groups (HallBoard *self)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  return self->groups;
}

HallBoardGroup *
hall_board_find_group (HallBoard  *self,
                       const char *group)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), NULL);
  for (guint i = 0; i < self->groups->len; i++)
    if (g_strcmp0 (((HallBoardGroup *) self->groups->pdata[i])->group, group) == 0)
      return self->groups->pdata[i];
  return NULL;
}

double
hall_board_call_highlight (const HallBoardCall *call,
                           gint64               now_us)
{
  gint64 age;

  if (call->highlight_from == 0)
    return 0.0;
  age = now_us - call->highlight_from;
  if (age < 0 || age >= HALL_BOARD_HIGHLIGHT_US)
    return 0.0;
  /* In steps of a frame (HALL_BOARD_FRAME_US), so that a window redrawing
   * once a frame shows every step and draws nothing in between: a pulse a
   * second between 0.6 and 1 (never so faint that the number is hard to
   * read), fading out over the last two seconds. */
  age -= age % HALL_BOARD_FRAME_US;
  {
    double pulse = 0.8 + 0.2 * cos (2.0 * G_PI * (double) age / G_USEC_PER_SEC);
    double fade = MIN (1.0, (double) (HALL_BOARD_HIGHLIGHT_US - age) / (2.0 * G_USEC_PER_SEC));

    return pulse * fade;
  }
}

gboolean
hall_board_is_animating (HallBoard *self,
                         gint64     now_us)
{
  g_return_val_if_fail (HALL_IS_BOARD (self), FALSE);
  for (guint i = 0; i < self->current->len; i++)
    {
      HallBoardCall *call = self->current->pdata[i];

      if (call->highlight_from != 0 && now_us - call->highlight_from < HALL_BOARD_HIGHLIGHT_US)
        return TRUE;
    }
  return FALSE;
}
