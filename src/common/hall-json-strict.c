/* hall-json-strict.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-model"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "hall-error.h"
#include "hall-json-strict.h"

/* Beyond this many members an object's names go into a hash table; below
 * it a scan of the few names is cheaper. */
#define LINEAR_NAMES 16

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
  guint       max_depth;
  guint       depth;
  /* The member whose value is being read, for errors (decoded). */
  GString    *member;
  char       *field;
  GError     *error;
  /* A string's or a number's text, decoded, before it goes into its
   * node (or, only checked, a number's, to see that it is finite). */
  GString    *scratch;
} Scanner;

static void
locate (Scanner *s,
        gsize    pos,
        guint   *line,
        guint   *column)
{
  *line = 1;
  *column = 1;
  for (gsize i = 0; i < pos && i < s->length; i++)
    {
      if (s->text[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if (((guchar) s->text[i] & 0xc0) != 0x80)
        (*column)++;
    }
}

G_GNUC_PRINTF (4, 5)
static gboolean
fail_at (Scanner            *s,
         gsize               pos,
         HallValidationError code,
         const char         *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;
  guint line;
  guint column;

  if (s->error != NULL)
    return FALSE;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  locate (s, pos, &line, &column);
  /* Translators: "the member “name” appears twice in one object (at line 1, column 40)";
   * callers put it after "The request body is not valid JSON: " */
  g_set_error (&s->error, HALL_VALIDATION_ERROR, code, _("%s (at line %u, column %u)"),
               what, line, column);
  return FALSE;
}

static void
skip_space (Scanner *s)
{
  while (s->pos < s->length
         && (s->text[s->pos] == ' ' || s->text[s->pos] == '\t' || s->text[s->pos] == '\n'
             || s->text[s->pos] == '\r'))
    s->pos++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits after "\u" at s->pos. */
static gboolean
read_hex4 (Scanner  *s,
           gunichar *value)
{
  *value = 0;
  if (s->length - s->pos < 4)
    return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID,
                    _("a \\u escape needs four hexadecimal digits"));
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (s->text[s->pos + i]);

      if (digit < 0)
        return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID,
                        _("a \\u escape needs four hexadecimal digits"));
      *value = (*value << 4) | (gunichar) digit;
    }
  s->pos += 4;
  return TRUE;
}

/* A string from its opening quote; its decoded text goes to @out when not
 * NULL (member names, which must be compared as decoded text). */
static gboolean
read_string (Scanner *s,
             GString *out)
{
  gsize start = s->pos;

  s->pos++;
  while (s->pos < s->length)
    {
      guchar c = (guchar) s->text[s->pos];
      const char *end;

      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }
      if (c < 0x20)
        return fail_at (s, s->pos, HALL_VALIDATION_ERROR_CHARACTERS,
                        _("a control character (U+%04X) must be escaped in a string"), c);
      if (c == '\\')
        {
          gsize escape = s->pos;
          gunichar u;

          if (++s->pos >= s->length)
            break;
          c = (guchar) s->text[s->pos++];
          switch (c)
            {
            case '"': case '\\': case '/':
              if (out != NULL)
                g_string_append_c (out, (char) c);
              continue;
            case 'b': case 'f': case 'n': case 'r': case 't':
              if (out != NULL)
                g_string_append_c (out, c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n'
                                                    : c == 'r' ? '\r' : '\t');
              continue;
            case 'u':
              if (!read_hex4 (s, &u))
                return FALSE;
              if (u == 0)
                return fail_at (s, escape, HALL_VALIDATION_ERROR_CHARACTERS,
                                _("a string holds the character U+0000, which would cut it short"));
              if (u >= 0xdc00 && u <= 0xdfff)
                return fail_at (s, escape, HALL_VALIDATION_ERROR_CHARACTERS,
                                _("a string holds half of a surrogate pair"));
              if (u >= 0xd800 && u <= 0xdbff)
                {
                  gunichar low;

                  if (s->length - s->pos < 2 || s->text[s->pos] != '\\'
                      || s->text[s->pos + 1] != 'u')
                    return fail_at (s, escape, HALL_VALIDATION_ERROR_CHARACTERS,
                                    _("a string holds half of a surrogate pair"));
                  s->pos += 2;
                  if (!read_hex4 (s, &low))
                    return FALSE;
                  if (low < 0xdc00 || low > 0xdfff)
                    return fail_at (s, escape, HALL_VALIDATION_ERROR_CHARACTERS,
                                    _("a string holds half of a surrogate pair"));
                  u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
                }
              if (out != NULL)
                g_string_append_unichar (out, u);
              continue;
            default:
              return fail_at (s, escape, HALL_VALIDATION_ERROR_INVALID,
                              _("“\\%c” is not an escape of JSON"), g_ascii_isprint (c) ? c : '?');
            }
        }
      if (c < 0x80)
        {
          if (out != NULL)
            g_string_append_c (out, (char) c);
          s->pos++;
          continue;
        }
      /* One UTF-8 sequence, checked whole. */
      {
        gsize n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

        if (n > s->length - s->pos
            || !g_utf8_validate (s->text + s->pos, (gssize) n, &end)
            || end != s->text + s->pos + n)
          return fail_at (s, s->pos, HALL_VALIDATION_ERROR_CHARACTERS,
                          _("a string is not valid UTF-8"));
        if (out != NULL)
          g_string_append_len (out, s->text + s->pos, (gssize) n);
        s->pos += n;
      }
    }
  return fail_at (s, start, HALL_VALIDATION_ERROR_INVALID, _("a string is not closed"));
}

static gboolean
read_digits (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->length && g_ascii_isdigit (s->text[s->pos]))
    s->pos++;
  return s->pos > start;
}

/* The number just read, from @start, as json-glib reads one: a whole
 * number into an int64 (a double when it does not fit), any other into a
 * double. NULL when it is beyond a double (1e400): JSON has no infinity,
 * and json-glib would write one back as "inf.0", which is not JSON. */
static JsonNode *
number_node (Scanner *s,
             gsize    start)
{
  const char *text;
  char *end;
  gint64 whole;
  double value;

  g_string_truncate (s->scratch, 0);
  g_string_append_len (s->scratch, s->text + start, (gssize) (s->pos - start));
  text = s->scratch->str;
  if (strpbrk (text, ".eE") == NULL)
    {
      errno = 0;
      whole = g_ascii_strtoll (text, &end, 10);
      if (errno == 0 && *end == '\0')
        return json_node_init_int (json_node_alloc (), whole);
    }
  value = g_ascii_strtod (text, NULL);
  if (!isfinite (value))
    return NULL;
  return json_node_init_double (json_node_alloc (), value);
}

static gboolean
read_number (Scanner   *s,
             JsonNode **out)
{
  g_autoptr (JsonNode) node = NULL;
  gsize start = s->pos;

  if (s->text[s->pos] == '-')
    s->pos++;
  if (s->pos < s->length && s->text[s->pos] == '0')
    s->pos++;
  else if (!read_digits (s))
    return fail_at (s, start, HALL_VALIDATION_ERROR_INVALID, _("a number is not written as JSON writes it"));
  if (s->pos < s->length && s->text[s->pos] == '.')
    {
      s->pos++;
      if (!read_digits (s))
        return fail_at (s, start, HALL_VALIDATION_ERROR_INVALID, _("a number is not written as JSON writes it"));
    }
  if (s->pos < s->length && (s->text[s->pos] == 'e' || s->text[s->pos] == 'E'))
    {
      s->pos++;
      if (s->pos < s->length && (s->text[s->pos] == '+' || s->text[s->pos] == '-'))
        s->pos++;
      if (!read_digits (s))
        return fail_at (s, start, HALL_VALIDATION_ERROR_INVALID, _("a number is not written as JSON writes it"));
    }
  /* Only checked, the number is read too: whether it is finite. */
  node = number_node (s, start);
  if (node == NULL)
    return fail_at (s, start, HALL_VALIDATION_ERROR_INVALID, _("a number is too large"));
  if (out != NULL)
    *out = g_steal_pointer (&node);
  return TRUE;
}

static gboolean read_value (Scanner   *s,
                            JsonNode **out);

/* Whether @name was seen in this object already; adds it when not. */
static gboolean
name_seen (GPtrArray  *names,
           GHashTable **table,
           const char  *name)
{
  if (*table != NULL)
    return !g_hash_table_add (*table, g_strdup (name));
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  g_ptr_array_add (names, g_strdup (name));
  if (names->len > LINEAR_NAMES)
    {
      *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < names->len; i++)
        g_hash_table_add (*table, g_strdup (g_ptr_array_index (names, i)));
    }
  return FALSE;
}

/* An object from its "{"; into *@out when not NULL. Read into nodes, the
 * object itself knows its members so far; only checked, @names does. */
static gboolean
read_object (Scanner   *s,
             JsonNode **out)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) table = NULL;
  g_autoptr (GString) name = g_string_new (NULL);
  g_autoptr (JsonObject) object = out != NULL ? json_object_new () : NULL;
  /* The member this object is the value of: the one at fault again after
   * it (in {"x": [{"a": 1}, "\u0000"]}, "x", not "a"). */
  g_autofree char *outer = g_strdup (s->member->str);

  s->pos++;
  skip_space (s);
  if (s->pos < s->length && s->text[s->pos] == '}')
    {
      s->pos++;
      if (out != NULL)
        *out = json_node_init_object (json_node_alloc (), object);
      return TRUE;
    }
  for (;;)
    {
      g_autoptr (JsonNode) value = NULL;
      gsize at = s->pos;
      gboolean seen;

      if (s->pos >= s->length || s->text[s->pos] != '"')
        return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID,
                        _("a member name (a string in double quotes) is expected"));
      g_string_truncate (name, 0);
      if (!read_string (s, name))
        return FALSE;
      seen = object != NULL ? json_object_has_member (object, name->str)
                            : name_seen (names, &table, name->str);
      if (seen)
        {
          g_free (s->field);
          s->field = g_strdup (name->str);
          return fail_at (s, at, HALL_VALIDATION_ERROR_INVALID,
                          _("the member “%s” appears twice in one object"), name->str);
        }
      skip_space (s);
      if (s->pos >= s->length || s->text[s->pos] != ':')
        return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("“:” is expected after a member name"));
      s->pos++;
      g_string_assign (s->member, name->str);
      if (!read_value (s, object != NULL ? &value : NULL))
        return FALSE;
      if (object != NULL)
        json_object_set_member (object, name->str, g_steal_pointer (&value));
      skip_space (s);
      if (s->pos < s->length && s->text[s->pos] == ',')
        {
          s->pos++;
          skip_space (s);
          continue;
        }
      if (s->pos < s->length && s->text[s->pos] == '}')
        {
          s->pos++;
          g_string_assign (s->member, outer);
          if (out != NULL)
            *out = json_node_init_object (json_node_alloc (), object);
          return TRUE;
        }
      return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("“,” or “}” is expected in an object"));
    }
}

static gboolean
read_array (Scanner   *s,
            JsonNode **out)
{
  g_autoptr (JsonArray) array = out != NULL ? json_array_new () : NULL;

  s->pos++;
  skip_space (s);
  if (s->pos < s->length && s->text[s->pos] == ']')
    {
      s->pos++;
      if (out != NULL)
        *out = json_node_init_array (json_node_alloc (), array);
      return TRUE;
    }
  for (;;)
    {
      g_autoptr (JsonNode) element = NULL;

      if (!read_value (s, array != NULL ? &element : NULL))
        return FALSE;
      if (array != NULL)
        json_array_add_element (array, g_steal_pointer (&element));
      skip_space (s);
      if (s->pos < s->length && s->text[s->pos] == ',')
        {
          s->pos++;
          continue;
        }
      if (s->pos < s->length && s->text[s->pos] == ']')
        {
          s->pos++;
          if (out != NULL)
            *out = json_node_init_array (json_node_alloc (), array);
          return TRUE;
        }
      return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("“,” or “]” is expected in an array"));
    }
}

static gboolean
read_literal (Scanner    *s,
              const char *word)
{
  gsize n = strlen (word);

  if (s->length - s->pos < n || memcmp (s->text + s->pos, word, n) != 0)
    return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("a JSON value is expected"));
  s->pos += n;
  return TRUE;
}

/* One value; into *@out, a new node, when not NULL. */
static gboolean
read_value (Scanner   *s,
            JsonNode **out)
{
  gboolean ok;
  char c;

  skip_space (s);
  if (s->pos >= s->length)
    return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("the text ends where a value is expected"));
  c = s->text[s->pos];
  switch (c)
    {
    case '{':
    case '[':
      if (++s->depth > s->max_depth)
        return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID,
                        _("objects and arrays nest deeper than %u levels"), s->max_depth);
      ok = c == '{' ? read_object (s, out) : read_array (s, out);
      s->depth--;
      return ok;
    case '"':
      if (out != NULL)
        g_string_truncate (s->scratch, 0);
      if (!read_string (s, out != NULL ? s->scratch : NULL))
        {
          if (s->field == NULL && s->member->len > 0)
            s->field = g_strdup (s->member->str);
          return FALSE;
        }
      if (out != NULL)
        *out = json_node_init_string (json_node_alloc (), s->scratch->str);
      return TRUE;
    case 't':
      ok = read_literal (s, "true");
      if (ok && out != NULL)
        *out = json_node_init_boolean (json_node_alloc (), TRUE);
      return ok;
    case 'f':
      ok = read_literal (s, "false");
      if (ok && out != NULL)
        *out = json_node_init_boolean (json_node_alloc (), FALSE);
      return ok;
    case 'n':
      ok = read_literal (s, "null");
      if (ok && out != NULL)
        *out = json_node_init_null (json_node_alloc ());
      return ok;
    default:
      if (c == '-' || g_ascii_isdigit (c))
        return read_number (s, out);
      return fail_at (s, s->pos, HALL_VALIDATION_ERROR_INVALID, _("a JSON value is expected"));
    }
}

/* Reads @text whole; the value into *@out when not NULL. */
static gboolean
read_text (const char  *text,
           gsize        length,
           guint        max_depth,
           JsonNode   **out,
           char       **field_out,
           GError     **error)
{
  Scanner s = { text, length, 0, max_depth, 0, NULL, NULL, NULL, NULL };
  g_autoptr (JsonNode) value = NULL;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);

  s.member = g_string_new (NULL);
  s.scratch = g_string_new (NULL);
  ok = read_value (&s, out != NULL ? &value : NULL);
  if (ok)
    {
      skip_space (&s);
      if (s.pos < s.length)
        ok = fail_at (&s, s.pos, HALL_VALIDATION_ERROR_INVALID,
                      _("there is more after the value"));
    }
  g_string_free (s.member, TRUE);
  g_string_free (s.scratch, TRUE);
  if (ok)
    {
      if (out != NULL)
        *out = g_steal_pointer (&value);
      return TRUE;
    }
  if (field_out != NULL)
    *field_out = g_steal_pointer (&s.field);
  g_free (s.field);
  g_propagate_error (error, s.error);
  return FALSE;
}

gboolean
hall_json_check_strict (const char  *text,
                        gsize        length,
                        guint        max_depth,
                        char       **field_out,
                        GError     **error)
{
  return read_text (text, length, max_depth, NULL, field_out, error);
}

JsonNode *
hall_json_parse_strict (const char  *text,
                        gsize        length,
                        guint        max_depth,
                        char       **field_out,
                        GError     **error)
{
  JsonNode *root = NULL;

  if (!read_text (text, length, max_depth, &root, field_out, error))
    return NULL;
  return root;
}
