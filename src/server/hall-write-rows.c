/* hall-write-rows.c — writes of entities and events gathered as the
 * columns of one statement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "hall-write-rows.h"

typedef enum
{
  COLUMN_KIND,
  COLUMN_UUID,
  COLUMN_VERSION,
  COLUMN_DATA,
  COLUMN_KEY,
  COLUMN_CREATE,
  COLUMN_PREV,
  COLUMN_ENTRY,
} Column;

struct _HallWriteRows
{
  GString  *columns[HALL_WRITE_ROWS_N_COLUMNS];   /* each "{" and its elements so far */
  guint     length;
  gboolean  closed;   /* each column ends with "}" (get_params) */
};

HallWriteRows *
hall_write_rows_new (void)
{
  HallWriteRows *self = g_new0 (HallWriteRows, 1);

  for (guint i = 0; i < HALL_WRITE_ROWS_N_COLUMNS; i++)
    self->columns[i] = g_string_new ("{");
  return self;
}

void
hall_write_rows_free (HallWriteRows *self)
{
  for (guint i = 0; i < HALL_WRITE_ROWS_N_COLUMNS; i++)
    g_string_free (self->columns[i], TRUE);
  g_free (self);
}

void
hall_write_rows_clear (HallWriteRows *self)
{
  for (guint i = 0; i < HALL_WRITE_ROWS_N_COLUMNS; i++)
    g_string_assign (self->columns[i], "{");
  self->length = 0;
  self->closed = FALSE;
}

guint
hall_write_rows_get_length (HallWriteRows *self)
{
  return self->length;
}

/* @value quoted as an element of an array literal, or NULL unquoted. */
static void
append (HallWriteRows *self,
        Column         column,
        const char    *value)
{
  GString *literal = self->columns[column];

  if (self->length > 0)
    g_string_append_c (literal, ',');
  if (value == NULL)
    {
      g_string_append (literal, "NULL");
      return;
    }
  g_string_append_c (literal, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (literal, '\\');
      g_string_append_c (literal, *c);
    }
  g_string_append_c (literal, '"');
}

/* Before a row: the literals opened again after get_params (). */
static void
reopen (HallWriteRows *self)
{
  if (!self->closed)
    return;
  for (guint i = 0; i < HALL_WRITE_ROWS_N_COLUMNS; i++)
    g_string_truncate (self->columns[i], self->columns[i]->len - 1);
  self->closed = FALSE;
}

static void
append_version (HallWriteRows *self,
                gint64         version)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, version);
  append (self, COLUMN_VERSION, text);
}

void
hall_write_rows_add_entity (HallWriteRows *self,
                            const char    *kind,
                            const char    *uuid,
                            gint64         version,
                            const char    *data,
                            const char    *key,
                            gboolean       create)
{
  reopen (self);
  append (self, COLUMN_KIND, kind);
  append (self, COLUMN_UUID, uuid);
  append_version (self, version);
  append (self, COLUMN_DATA, data);
  append (self, COLUMN_KEY, key);
  append (self, COLUMN_CREATE, create ? "t" : "f");
  append (self, COLUMN_PREV, NULL);
  append (self, COLUMN_ENTRY, NULL);
  self->length++;
}

void
hall_write_rows_add_event (HallWriteRows *self,
                           const char    *uuid,
                           const char    *case_uuid,
                           gint64         case_version,
                           const char    *data,
                           const char    *prev,
                           const char    *entry)
{
  reopen (self);
  append (self, COLUMN_KIND, "event");
  append (self, COLUMN_UUID, uuid);
  append_version (self, case_version);
  append (self, COLUMN_DATA, data);
  append (self, COLUMN_KEY, case_uuid);
  append (self, COLUMN_CREATE, "t");
  append (self, COLUMN_PREV, prev);
  append (self, COLUMN_ENTRY, entry);
  self->length++;
}

void
hall_write_rows_get_params (HallWriteRows *self,
                            const char    *params[HALL_WRITE_ROWS_N_COLUMNS])
{
  for (guint i = 0; i < HALL_WRITE_ROWS_N_COLUMNS; i++)
    {
      if (!self->closed)
        g_string_append_c (self->columns[i], '}');
      params[i] = self->columns[i]->str;
    }
  self->closed = TRUE;
}
