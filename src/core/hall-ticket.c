/* hall-ticket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-queue"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hall-core-error.h"
#include "hall-json.h"
#include "hall-ticket.h"

struct _HallTicket
{
  GObject  parent_instance;
  char    *uuid;
  char    *number;
  char    *group;
  char    *service;
  char    *priority;
  char    *state;
  char    *counter;
  char    *case_uuid;
  gint64   issued_at;
  int      estimated_wait;
  int      calls;
};

G_DEFINE_FINAL_TYPE (HallTicket, hall_ticket, G_TYPE_OBJECT)

static void
hall_ticket_finalize (GObject *object)
{
  HallTicket *self = HALL_TICKET (object);

  g_free (self->uuid);
  g_free (self->number);
  g_free (self->group);
  g_free (self->service);
  g_free (self->priority);
  g_free (self->state);
  g_free (self->counter);
  g_free (self->case_uuid);
  G_OBJECT_CLASS (hall_ticket_parent_class)->finalize (object);
}

static void
hall_ticket_class_init (HallTicketClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hall_ticket_finalize;
}

static void
hall_ticket_init (HallTicket *self)
{
}

/* (transfer full) (nullable): a string member, NULL when absent, null or
 * not a string. */
static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

HallTicket *
hall_ticket_new_from_json (const char  *text,
                           GError     **error)
{
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  g_autoptr(HallTicket) self = NULL;
  g_autofree char *issued = NULL;
  JsonObject *object;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  object = json_node_get_object (root);
  self = g_object_new (HALL_TYPE_TICKET, NULL);
  self->uuid = dup_member (object, "uuid");
  self->number = dup_member (object, "number");
  self->group = dup_member (object, "group");
  self->service = dup_member (object, "service");
  self->priority = dup_member (object, "priority");
  self->state = dup_member (object, "state");
  self->counter = dup_member (object, "counter");
  self->case_uuid = dup_member (object, "case");
  issued = dup_member (object, "issued_at");
  self->estimated_wait = (int) json_object_get_int_member_with_default (object,
                                                                        "estimated_wait_minutes",
                                                                        0);
  self->calls = (int) json_object_get_int_member_with_default (object, "calls", 0);
  if (self->uuid == NULL || self->number == NULL || self->state == NULL || issued == NULL
      || !hall_timestamp_from_iso8601 (issued, &self->issued_at))
    goto bad;
  return g_steal_pointer (&self);

bad:
  g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_PROTOCOL,
               _("The server's answer is not a ticket"));
  return NULL;
}

const char *
hall_ticket_get_uuid (HallTicket *self)
{
  return self->uuid;
}

const char *
hall_ticket_get_number (HallTicket *self)
{
  return self->number;
}

const char *
hall_ticket_get_group (HallTicket *self)
{
  return self->group;
}

const char *
hall_ticket_get_service (HallTicket *self)
{
  return self->service;
}

const char *
hall_ticket_get_priority (HallTicket *self)
{
  return self->priority;
}

const char *
hall_ticket_get_state (HallTicket *self)
{
  return self->state;
}

const char *
hall_ticket_get_counter (HallTicket *self)
{
  return self->counter;
}

const char *
hall_ticket_get_case (HallTicket *self)
{
  return self->case_uuid;
}

gint64
hall_ticket_get_issued_at (HallTicket *self)
{
  return self->issued_at;
}

int
hall_ticket_get_estimated_wait (HallTicket *self)
{
  return self->estimated_wait;
}

int
hall_ticket_get_calls (HallTicket *self)
{
  return self->calls;
}
