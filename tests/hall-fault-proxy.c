/* hall-fault-proxy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-test"
/* accept4 (), so that no child a test spawns inherits the sockets */
#define _GNU_SOURCE

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gio.h>

#include "hall-fault-proxy.h"

/* A fault proxy has to write broken HTTP on purpose, which no HTTP library
 * does; it parses only what it must to find where messages end. */
#define MAX_HEAD (64 * 1024)
#define MAX_BODY (64 * 1024 * 1024)
/* A server that takes longer than this to answer one request is broken, and
 * the test must fail rather than hang. */
#define UPSTREAM_TIMEOUT_MS 60000

typedef struct
{
  char          *method;
  GPatternSpec  *path;
  guint          skip;
  guint          times;
  guint          seen;
  HallFaultKind  kind;
} Rule;

typedef struct
{
  HallFaultProxy *proxy;
  int             fd;
  GThread        *thread;
  gint            done;
} Connection;

struct _HallFaultProxy
{
  GObject       parent_instance;

  int           listen_fd;
  guint16       port;
  guint16       upstream_port;
  GThread      *accept_thread;
  GCancellable *cancellable;
  GPollFD       cancel_fd;
  gboolean      stopped;

  /* Guards everything below. */
  GMutex        lock;
  GPtrArray    *rules;
  GPtrArray    *connections;
  GArray       *idle_upstream;  /* of int */
  GRand        *rand;
  double        probability;
  GArray       *random_kinds;
  char         *retry_after;
  guint         n_requests;
  guint         n_connections;
  guint         n_forwarded;
  guint         n_faults[HALL_FAULT_N_KINDS];
  guint         delay_ms;
  guint         latest_forwarded;  /* the latest read of the requests forwarded */
  guint         n_overtaken;
};

G_DEFINE_FINAL_TYPE (HallFaultProxy, hall_fault_proxy, G_TYPE_OBJECT)

static void
rule_free (Rule *rule)
{
  g_free (rule->method);
  g_clear_pointer (&rule->path, g_pattern_spec_free);
  g_free (rule);
}

const char *
hall_fault_kind_to_string (HallFaultKind kind)
{
  static const char *const names[] = {
    "pass", "500", "503", "reset-after-commit", "duplicate", "truncate", "hang",
    "hang-after-commit", "delay", "404", "corrupt", "403",
  };

  g_return_val_if_fail (kind < HALL_FAULT_N_KINDS, "?");
  return names[kind];
}

/* I/O: every wait also watches the cancellable, so stop() ends hung
 * connections. */

static gboolean
wait_fd (HallFaultProxy *self,
         int             fd,
         short           events,
         int             timeout_ms)
{
  struct pollfd fds[2];
  int n;

  fds[0].fd = fd;
  fds[0].events = events;
  fds[0].revents = 0;
  fds[1].fd = self->cancel_fd.fd;
  fds[1].events = POLLIN;
  fds[1].revents = 0;
  do
    n = poll (fds, 2, timeout_ms);
  while (n < 0 && errno == EINTR);
  if (n <= 0 || g_cancellable_is_cancelled (self->cancellable))
    return FALSE;
  return fds[0].revents != 0;
}

/* Appends what is there to @buffer: > 0 bytes read, 0 at the end, -1 on an
 * error, a timeout or a stop. */
static gssize
read_some (HallFaultProxy *self,
           int             fd,
           GByteArray     *buffer,
           int             timeout_ms)
{
  guint8 chunk[16384];
  gssize n;

  if (!wait_fd (self, fd, POLLIN, timeout_ms))
    return -1;
  do
    n = recv (fd, chunk, sizeof chunk, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    g_byte_array_append (buffer, chunk, (guint) n);
  return n;
}

static gboolean
write_all (HallFaultProxy *self,
           int             fd,
           const guint8   *data,
           gsize           size)
{
  while (size > 0)
    {
      gssize n;

      if (!wait_fd (self, fd, POLLOUT, UPSTREAM_TIMEOUT_MS))
        return FALSE;
      n = send (fd, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gssize
find_head_end (const guint8 *data,
               gsize         size)
{
  gsize i;

  for (i = 3; i < size; i++)
    if (memcmp (data + i - 3, "\r\n\r\n", 4) == 0)
      return (gssize) i + 1;
  return -1;
}

/* A message head: the start line and the header lines, split. */
typedef struct
{
  char  *start;
  GStrv  lines;
} Head;

static void
head_clear (Head *head)
{
  g_clear_pointer (&head->start, g_free);
  g_clear_pointer (&head->lines, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Head, head_clear)

static void
head_parse (Head         *head,
            const guint8 *data,
            gsize         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  guint i;

  head->start = g_strdup (lines[0] != NULL ? lines[0] : "");
  for (i = 1; lines[0] != NULL && lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_strv_builder_add (builder, lines[i]);
  head->lines = g_strv_builder_end (builder);
}

/* The value of header @name, NULL when absent. */
static const char *
head_get (const Head *head,
          const char *name)
{
  gsize len = strlen (name);
  guint i;

  for (i = 0; head->lines[i] != NULL; i++)
    {
      const char *line = head->lines[i];

      if (g_ascii_strncasecmp (line, name, len) == 0 && line[len] == ':')
        {
          line += len + 1;
          while (*line == ' ' || *line == '\t')
            line++;
          return line;
        }
    }
  return NULL;
}

static gboolean
head_has_token (const Head *head,
                const char *name,
                const char *token)
{
  const char *value = head_get (head, name);
  g_autofree char *lower = value != NULL ? g_ascii_strdown (value, -1) : NULL;

  return lower != NULL && strstr (lower, token) != NULL;
}

/* The head again without the hop-by-hop headers, plus @extra lines. */
static GString *
head_rebuild (const Head *head,
              const char *extra)
{
  static const char *const hop[] = { "Connection", "Keep-Alive", "Expect", "Proxy-Connection" };
  GString *out = g_string_new (head->start);
  guint i, j;

  g_string_append (out, "\r\n");
  for (i = 0; head->lines[i] != NULL; i++)
    {
      gboolean skip = FALSE;

      for (j = 0; j < G_N_ELEMENTS (hop); j++)
        {
          gsize len = strlen (hop[j]);

          if (g_ascii_strncasecmp (head->lines[i], hop[j], len) == 0
              && head->lines[i][len] == ':')
            skip = TRUE;
        }
      if (!skip)
        g_string_append_printf (out, "%s\r\n", head->lines[i]);
    }
  if (extra != NULL)
    g_string_append (out, extra);
  g_string_append (out, "\r\n");
  return out;
}

/* A request as the client sent it. */
typedef struct
{
  Head    head;
  char   *method;
  char   *path;
  GBytes *body;
  gboolean close;
} Request;

static void
request_clear (Request *request)
{
  head_clear (&request->head);
  g_clear_pointer (&request->method, g_free);
  g_clear_pointer (&request->path, g_free);
  g_clear_pointer (&request->body, g_bytes_unref);
}

/* Reads the next request off @fd, keeping bytes past it in @buffer.
 * FALSE when the client closed, broke the protocol or the proxy stops. */
static gboolean
read_request (HallFaultProxy *self,
              int             fd,
              GByteArray     *buffer,
              Request        *request)
{
  g_auto (GStrv) parts = NULL;
  const char *value;
  gssize head_end;
  guint64 length = 0;

  while ((head_end = find_head_end (buffer->data, buffer->len)) < 0)
    if (buffer->len > MAX_HEAD || read_some (self, fd, buffer, -1) <= 0)
      return FALSE;

  head_parse (&request->head, buffer->data, (gsize) head_end);
  g_byte_array_remove_range (buffer, 0, (guint) head_end);
  parts = g_strsplit (request->head.start, " ", 3);
  if (g_strv_length (parts) != 3)
    return FALSE;
  request->method = g_strdup (parts[0]);
  request->path = g_strndup (parts[1], strcspn (parts[1], "?"));
  request->close = head_has_token (&request->head, "Connection", "close");

  /* curl sends bodies with a length; chunked requests are not needed. */
  if (head_get (&request->head, "Transfer-Encoding") != NULL)
    return FALSE;
  value = head_get (&request->head, "Content-Length");
  if (value != NULL && (!g_ascii_string_to_unsigned (value, 10, 0, MAX_BODY, &length, NULL)))
    return FALSE;
  if (length > 0 && head_has_token (&request->head, "Expect", "100-continue"))
    {
      static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

      if (!write_all (self, fd, (const guint8 *) cont, sizeof cont - 1))
        return FALSE;
    }
  while (buffer->len < length)
    if (read_some (self, fd, buffer, -1) <= 0)
      return FALSE;
  request->body = g_bytes_new (buffer->data, (gsize) length);
  g_byte_array_remove_range (buffer, 0, (guint) length);
  return TRUE;
}

static HallFaultKind
choose_fault (HallFaultProxy *self,
              const Request  *request,
              guint          *arrival)
{
  HallFaultKind kind = HALL_FAULT_PASS;
  gboolean decided = FALSE;
  guint i;

  g_mutex_lock (&self->lock);
  *arrival = ++self->n_requests;
  for (i = 0; i < self->rules->len; i++)
    {
      Rule *rule = g_ptr_array_index (self->rules, i);

      if (rule->method != NULL && g_strcmp0 (rule->method, request->method) != 0)
        continue;
      if (rule->path != NULL && !g_pattern_spec_match_string (rule->path, request->path))
        continue;
      rule->seen++;
      if (!decided && rule->seen > rule->skip
          && (rule->times == G_MAXUINT || rule->seen - rule->skip <= rule->times))
        {
          kind = rule->kind;
          decided = TRUE;
        }
    }
  if (!decided && self->random_kinds->len > 0
      && g_rand_double (self->rand) < self->probability)
    kind = g_array_index (self->random_kinds, HallFaultKind,
                          g_rand_int_range (self->rand, 0, (gint32) self->random_kinds->len));
  self->n_faults[kind]++;
  g_mutex_unlock (&self->lock);

  g_debug ("request %s %s: %s", request->method, request->path, hall_fault_kind_to_string (kind));
  return kind;
}

/* Heads and bodies go out in separate writes: without this, Nagle and
 * delayed ACKs add 40 ms to every request. */
static void
set_nodelay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int
connect_upstream (guint16 port)
{
  struct sockaddr_in address = { 0 };
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = htons (port);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }
  set_nodelay (fd);
  return fd;
}

/* An idle connection to the server, or a new one. Connections to the
 * server are kept alive, as a real proxy keeps them: a test then sees what
 * its client does, not what new connections do to the server. */
static int
take_upstream (HallFaultProxy *self,
               gboolean       *reused,
               guint16        *port)
{
  int fd = -1;

  g_mutex_lock (&self->lock);
  *port = self->upstream_port;
  if (self->idle_upstream->len > 0)
    {
      fd = g_array_index (self->idle_upstream, int, self->idle_upstream->len - 1);
      g_array_set_size (self->idle_upstream, self->idle_upstream->len - 1);
    }
  g_mutex_unlock (&self->lock);

  *reused = fd >= 0;
  return fd >= 0 ? fd : connect_upstream (*port);
}

static void
give_back_upstream (HallFaultProxy *self,
                    int             fd,
                    guint16         port)
{
  g_mutex_lock (&self->lock);
  if (port == self->upstream_port && !self->stopped)
    {
      g_array_append_val (self->idle_upstream, fd);
      fd = -1;
    }
  g_mutex_unlock (&self->lock);
  if (fd >= 0)
    close (fd);
}

static void
close_idle_upstream (HallFaultProxy *self)
{
  guint i;

  for (i = 0; i < self->idle_upstream->len; i++)
    close (g_array_index (self->idle_upstream, int, i));
  g_array_set_size (self->idle_upstream, 0);
}

static gssize
find_line_end (const guint8 *data,
               gsize         size,
               gsize         from)
{
  gsize i;

  for (i = from; i + 1 < size; i++)
    if (data[i] == '\r' && data[i + 1] == '\n')
      return (gssize) i;
  return -1;
}

/* How many bytes of @data make the whole answer to a @method request: -1
 * while more must be read, -2 when only the end of the connection tells.
 * @keep: whether the connection may carry another request after it. */
static gssize
answer_length (const guint8 *data,
               gsize         size,
               const char   *method,
               gboolean     *keep)
{
  g_auto (Head) head = { NULL, NULL };
  gssize head_end = find_head_end (data, size);
  const char *length_text;
  guint64 length;
  guint status = 0;
  gsize pos;

  if (head_end < 0)
    return -1;
  head_parse (&head, data, (gsize) head_end);
  if (strlen (head.start) >= 12)
    status = (guint) g_ascii_strtoull (head.start + 9, NULL, 10);
  *keep = !head_has_token (&head, "Connection", "close");

  if (g_str_equal (method, "HEAD") || status / 100 == 1 || status == 204 || status == 304)
    return head_end;

  if (head_has_token (&head, "Transfer-Encoding", "chunked"))
    {
      pos = (gsize) head_end;
      for (;;)
        {
          gssize line_end = find_line_end (data, size, pos);
          guint64 chunk;

          if (line_end < 0)
            return -1;
          chunk = g_ascii_strtoull ((const char *) data + pos, NULL, 16);
          pos = (gsize) line_end + 2;
          if (chunk == 0)
            break;
          pos += chunk + 2;
          if (pos > size)
            return -1;
        }
      /* Trailers, up to an empty line. */
      for (;;)
        {
          gssize line_end = find_line_end (data, size, pos);

          if (line_end < 0)
            return -1;
          if ((gsize) line_end == pos)
            return (gssize) pos + 2;
          pos = (gsize) line_end + 2;
        }
    }

  length_text = head_get (&head, "Content-Length");
  if (length_text != NULL && g_ascii_string_to_unsigned (length_text, 10, 0, MAX_BODY, &length,
                                                         NULL))
    return (gsize) head_end + length <= size ? (gssize) ((gsize) head_end + length) : -1;

  *keep = FALSE;
  return -2;
}

/* Sends @request to the server and reads its whole answer. */
static GBytes *
forward (HallFaultProxy *self,
         const Request  *request)
{
  g_autoptr (GString) head = head_rebuild (&request->head, NULL);
  gsize body_size;
  const guint8 *body = g_bytes_get_data (request->body, &body_size);
  guint attempt;

  for (attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr (GByteArray) answer = g_byte_array_new ();
      gboolean reused, keep = FALSE;
      gssize length, n = 0;
      guint16 port;
      int fd = take_upstream (self, &reused, &port);

      if (fd < 0)
        return NULL;
      if (!write_all (self, fd, (const guint8 *) head->str, head->len)
          || (body_size > 0 && !write_all (self, fd, body, body_size)))
        {
          close (fd);
          if (reused)
            continue;
          return NULL;
        }

      while ((length = answer_length (answer->data, answer->len, request->method, &keep)) == -1
             && (n = read_some (self, fd, answer, UPSTREAM_TIMEOUT_MS)) > 0)
        ;
      if (length == -2)
        {
          while ((n = read_some (self, fd, answer, UPSTREAM_TIMEOUT_MS)) > 0)
            ;
          length = n == 0 ? (gssize) answer->len : -1;
        }
      if (length < 0)
        {
          close (fd);
          /* The server had closed the idle connection before it read
           * anything: once more on a new one, as any client does. */
          if (reused && answer->len == 0)
            continue;
          return NULL;
        }

      g_byte_array_set_size (answer, (guint) length);
      if (keep)
        give_back_upstream (self, fd, port);
      else
        close (fd);
      g_mutex_lock (&self->lock);
      self->n_forwarded++;
      g_mutex_unlock (&self->lock);
      return g_byte_array_free_to_bytes (g_steal_pointer (&answer));
    }
  return NULL;
}

/* The server's answer split into head and body, with the framing the
 * client will see. */
typedef struct
{
  Head          head;
  const guint8 *body;
  gsize         body_size;
  gboolean      delimited;  /* by length or chunks, so the connection can stay */
} Answer;

static void
answer_clear (Answer *answer)
{
  head_clear (&answer->head);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
answer_parse (Answer     *answer,
              GBytes     *raw,
              const char *method)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);
  gssize head_end = find_head_end (data, size);
  guint status = 0;

  head_parse (&answer->head, data, (gsize) head_end);
  answer->body = data + head_end;
  answer->body_size = size - (gsize) head_end;
  if (strlen (answer->head.start) >= 12)
    status = (guint) g_ascii_strtoull (answer->head.start + 9, NULL, 10);
  answer->delimited = g_str_equal (method, "HEAD") || status == 204 || status == 304
                      || head_get (&answer->head, "Content-Length") != NULL
                      || head_has_token (&answer->head, "Transfer-Encoding", "chunked");
}

/* An answer of the proxy's own. */
static gboolean
send_own_answer (HallFaultProxy *self,
                 int             fd,
                 guint           status,
                 const char     *reason,
                 const char     *extra)
{
  g_autofree char *body = g_strdup_printf ("{\"type\": \"about:blank\", \"title\": \"%s\", "
                                           "\"status\": %u, \"detail\": \"%s\"}", reason, status,
                                           status == 502 ? "the server did not answer the proxy"
                                                         : "injected by the fault proxy");
  g_autofree char *text = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                                           "Content-Type: application/problem+json\r\n"
                                           "Content-Length: %zu\r\n"
                                           "%s"
                                           "\r\n%s", status, reason, strlen (body),
                                           extra != NULL ? extra : "", body);

  return write_all (self, fd, (const guint8 *) text, strlen (text));
}

/* Waits until the client gives up (closes) or the proxy stops, reading and
 * dropping whatever comes. */
static void
hang (HallFaultProxy *self,
      int             fd)
{
  g_autoptr (GByteArray) sink = g_byte_array_new ();

  while (read_some (self, fd, sink, -1) > 0)
    g_byte_array_set_size (sink, 0);
}

static void
reset (int fd)
{
  struct linger linger = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
}

/* Before a request read @arrival-th goes to the server. */
static void
note_forwarding (HallFaultProxy *self,
                 guint           arrival)
{
  g_mutex_lock (&self->lock);
  if (arrival < self->latest_forwarded)
    self->n_overtaken++;
  self->latest_forwarded = MAX (self->latest_forwarded, arrival);
  g_mutex_unlock (&self->lock);
}

/* Holds a request back, unless the proxy stops. */
static void
delay (HallFaultProxy *self)
{
  gint64 until;

  g_mutex_lock (&self->lock);
  until = g_get_monotonic_time () + (gint64) self->delay_ms * 1000;
  g_mutex_unlock (&self->lock);
  while (g_get_monotonic_time () < until && !g_cancellable_is_cancelled (self->cancellable))
    g_usleep (5000);
}

/* Serves one request; FALSE when the client connection is to be closed. */
static gboolean
serve (HallFaultProxy *self,
       int             fd,
       Request        *request)
{
  guint arrival = 0;
  HallFaultKind kind = choose_fault (self, request, &arrival);
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (GString) head = NULL;
  g_auto (Answer) answer = { { NULL, NULL }, NULL, 0, FALSE };
  g_autofree char *retry_after = NULL;
  g_autofree char *extra = NULL;

  switch (kind)
    {
    case HALL_FAULT_ERROR_500:
      return send_own_answer (self, fd, 500, "Internal Server Error",
                              request->close ? "Connection: close\r\n" : NULL)
             && !request->close;

    case HALL_FAULT_UNAVAILABLE_503:
      g_mutex_lock (&self->lock);
      retry_after = g_strdup (self->retry_after);
      g_mutex_unlock (&self->lock);
      extra = g_strdup_printf ("Retry-After: %s\r\n%s", retry_after,
                               request->close ? "Connection: close\r\n" : "");
      return send_own_answer (self, fd, 503, "Service Unavailable", extra) && !request->close;

    case HALL_FAULT_NOT_FOUND_404:
      return send_own_answer (self, fd, 404, "Not Found",
                              request->close ? "Connection: close\r\n" : NULL)
             && !request->close;

    case HALL_FAULT_FORBIDDEN_403:
      return send_own_answer (self, fd, 403, "Forbidden",
                              request->close ? "Connection: close\r\n" : NULL)
             && !request->close;

    case HALL_FAULT_HANG:
      hang (self, fd);
      return FALSE;

    case HALL_FAULT_DUPLICATE:
      note_forwarding (self, arrival);
      raw = forward (self, request);
      if (raw == NULL)
        break;
      g_clear_pointer (&raw, g_bytes_unref);
      raw = forward (self, request);
      break;

    case HALL_FAULT_DELAY:
      delay (self);
      note_forwarding (self, arrival);
      raw = forward (self, request);
      break;

    case HALL_FAULT_PASS:
    case HALL_FAULT_RESET_AFTER_COMMIT:
    case HALL_FAULT_TRUNCATE:
    case HALL_FAULT_HANG_AFTER_COMMIT:
    case HALL_FAULT_CORRUPT:
    case HALL_FAULT_N_KINDS:
    default:
      note_forwarding (self, arrival);
      raw = forward (self, request);
      break;
    }

  if (raw == NULL)
    {
      send_own_answer (self, fd, 502, "Bad Gateway", "Connection: close\r\n");
      return FALSE;
    }

  if (kind == HALL_FAULT_RESET_AFTER_COMMIT)
    {
      reset (fd);
      return FALSE;
    }
  if (kind == HALL_FAULT_HANG_AFTER_COMMIT)
    {
      hang (self, fd);
      return FALSE;
    }

  answer_parse (&answer, raw, request->method);
  head = head_rebuild (&answer.head, (answer.delimited && !request->close)
                                     ? NULL : "Connection: close\r\n");
  if (kind == HALL_FAULT_TRUNCATE)
    {
      /* With no body to cut, the head itself is cut. */
      if (answer.body_size == 0)
        write_all (self, fd, (const guint8 *) head->str, head->len / 2);
      else if (write_all (self, fd, (const guint8 *) head->str, head->len))
        write_all (self, fd, answer.body, answer.body_size / 2);
      return FALSE;
    }
  if (kind == HALL_FAULT_CORRUPT && answer.body_size > 0)
    {
      /* The length and the headers stay right: only the bytes lie. */
      g_autofree guint8 *bad = g_memdup2 (answer.body, answer.body_size);

      bad[answer.body_size / 2] ^= 0x5a;
      return write_all (self, fd, (const guint8 *) head->str, head->len)
             && write_all (self, fd, bad, answer.body_size)
             && answer.delimited && !request->close;
    }
  if (!write_all (self, fd, (const guint8 *) head->str, head->len)
      || !write_all (self, fd, answer.body, answer.body_size))
    return FALSE;
  return answer.delimited && !request->close;
}

static gpointer
connection_thread (gpointer user_data)
{
  Connection *connection = user_data;
  HallFaultProxy *self = connection->proxy;
  g_autoptr (GByteArray) buffer = g_byte_array_new ();
  gboolean keep = TRUE;

  while (keep)
    {
      Request request = { { NULL, NULL }, NULL, NULL, NULL, FALSE };

      keep = read_request (self, connection->fd, buffer, &request)
             && serve (self, connection->fd, &request);
      request_clear (&request);
    }
  close (connection->fd);
  g_atomic_int_set (&connection->done, 1);
  return NULL;
}

static void
connection_free (Connection *connection)
{
  g_thread_join (connection->thread);
  g_free (connection);
}

static gpointer
accept_thread (gpointer user_data)
{
  HallFaultProxy *self = user_data;

  while (wait_fd (self, self->listen_fd, POLLIN, -1))
    {
      Connection *connection;
      int fd;
      guint i;

      fd = accept4 (self->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      set_nodelay (fd);

      connection = g_new0 (Connection, 1);
      connection->proxy = self;
      connection->fd = fd;
      g_mutex_lock (&self->lock);
      self->n_connections++;
      /* Joins the threads of closed connections as new ones come. */
      for (i = self->connections->len; i > 0; i--)
        {
          Connection *old = g_ptr_array_index (self->connections, i - 1);

          if (g_atomic_int_get (&old->done))
            g_ptr_array_remove_index_fast (self->connections, i - 1);
        }
      connection->thread = g_thread_new ("fault-proxy-conn", connection_thread, connection);
      g_ptr_array_add (self->connections, connection);
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

void
hall_fault_proxy_stop (HallFaultProxy *self)
{
  g_autoptr (GPtrArray) connections = NULL;

  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  if (self->stopped)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->stopped = TRUE;
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);
  if (self->accept_thread != NULL)
    g_thread_join (g_steal_pointer (&self->accept_thread));
  if (self->listen_fd >= 0)
    close (self->listen_fd);
  self->listen_fd = -1;

  g_mutex_lock (&self->lock);
  close_idle_upstream (self);
  connections = g_steal_pointer (&self->connections);
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  g_mutex_unlock (&self->lock);
}

static void
hall_fault_proxy_dispose (GObject *object)
{
  hall_fault_proxy_stop (HALL_FAULT_PROXY (object));

  G_OBJECT_CLASS (hall_fault_proxy_parent_class)->dispose (object);
}

static void
hall_fault_proxy_finalize (GObject *object)
{
  HallFaultProxy *self = HALL_FAULT_PROXY (object);

  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->idle_upstream, g_array_unref);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->random_kinds, g_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_cancellable_release_fd (self->cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->retry_after);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hall_fault_proxy_parent_class)->finalize (object);
}

static void
hall_fault_proxy_class_init (HallFaultProxyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_fault_proxy_dispose;
  object_class->finalize = hall_fault_proxy_finalize;
}

static void
hall_fault_proxy_init (HallFaultProxy *self)
{
  g_mutex_init (&self->lock);
  self->listen_fd = -1;
  self->cancellable = g_cancellable_new ();
  g_cancellable_make_pollfd (self->cancellable, &self->cancel_fd);
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->connections = g_ptr_array_new_with_free_func ((GDestroyNotify) connection_free);
  self->idle_upstream = g_array_new (FALSE, FALSE, sizeof (int));
  self->rand = g_rand_new_with_seed (0);
  self->random_kinds = g_array_new (FALSE, FALSE, sizeof (HallFaultKind));
  self->retry_after = g_strdup ("1");
  self->delay_ms = 300;
}

HallFaultProxy *
hall_fault_proxy_new (guint16  upstream_port,
                      GError **error)
{
  g_autoptr (HallFaultProxy) self = g_object_new (HALL_TYPE_FAULT_PROXY, NULL);
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int saved_errno;

  self->upstream_port = upstream_port;
  self->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = 0;
  if (self->listen_fd < 0
      || bind (self->listen_fd, (struct sockaddr *) &address, sizeof address) != 0
      || listen (self->listen_fd, 64) != 0
      || getsockname (self->listen_fd, (struct sockaddr *) &address, &length) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "fault proxy cannot listen on 127.0.0.1: %s", g_strerror (saved_errno));
      return NULL;
    }
  self->port = ntohs (address.sin_port);
  self->accept_thread = g_thread_new ("fault-proxy-accept", accept_thread, self);
  return g_steal_pointer (&self);
}

guint16
hall_fault_proxy_get_port (HallFaultProxy *self)
{
  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);

  return self->port;
}

char *
hall_fault_proxy_dup_url (HallFaultProxy *self)
{
  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), NULL);

  return g_strdup_printf ("http://127.0.0.1:%u", self->port);
}

void
hall_fault_proxy_set_upstream_port (HallFaultProxy *self,
                                    guint16         upstream_port)
{
  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  self->upstream_port = upstream_port;
  close_idle_upstream (self);
  g_mutex_unlock (&self->lock);
}

void
hall_fault_proxy_add_rule (HallFaultProxy *self,
                           const char     *method,
                           const char     *path_glob,
                           guint           skip,
                           guint           times,
                           HallFaultKind   kind)
{
  Rule *rule;

  g_return_if_fail (HALL_IS_FAULT_PROXY (self));
  g_return_if_fail (kind < HALL_FAULT_N_KINDS);

  rule = g_new0 (Rule, 1);
  rule->method = g_strdup (method);
  rule->path = path_glob != NULL ? g_pattern_spec_new (path_glob) : NULL;
  rule->skip = skip;
  rule->times = times;
  rule->kind = kind;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->rules, rule);
  g_mutex_unlock (&self->lock);
}

void
hall_fault_proxy_set_random (HallFaultProxy      *self,
                             guint32              seed,
                             double               probability,
                             const HallFaultKind *kinds,
                             guint                n_kinds)
{
  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  g_rand_set_seed (self->rand, seed);
  self->probability = probability;
  g_array_set_size (self->random_kinds, 0);
  if (n_kinds > 0)
    g_array_append_vals (self->random_kinds, kinds, n_kinds);
  g_mutex_unlock (&self->lock);
}

void
hall_fault_proxy_clear_rules (HallFaultProxy *self)
{
  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->rules, 0);
  g_array_set_size (self->random_kinds, 0);
  g_mutex_unlock (&self->lock);
}

void
hall_fault_proxy_set_retry_after (HallFaultProxy *self,
                                  const char     *value)
{
  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  g_free (self->retry_after);
  self->retry_after = g_strdup (value);
  g_mutex_unlock (&self->lock);
}

void
hall_fault_proxy_set_delay (HallFaultProxy *self,
                            guint           milliseconds)
{
  g_return_if_fail (HALL_IS_FAULT_PROXY (self));

  g_mutex_lock (&self->lock);
  self->delay_ms = milliseconds;
  g_mutex_unlock (&self->lock);
}

guint
hall_fault_proxy_get_n_overtaken (HallFaultProxy *self)
{
  guint n;

  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_overtaken;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hall_fault_proxy_get_n_requests (HallFaultProxy *self)
{
  guint n;

  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_requests;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hall_fault_proxy_get_n_connections (HallFaultProxy *self)
{
  guint n;

  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_connections;
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hall_fault_proxy_get_n_faults (HallFaultProxy *self,
                               HallFaultKind   kind)
{
  guint n;

  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);
  g_return_val_if_fail (kind < HALL_FAULT_N_KINDS, 0);

  g_mutex_lock (&self->lock);
  n = self->n_faults[kind];
  g_mutex_unlock (&self->lock);
  return n;
}

guint
hall_fault_proxy_get_n_forwarded (HallFaultProxy *self)
{
  guint n;

  g_return_val_if_fail (HALL_IS_FAULT_PROXY (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_forwarded;
  g_mutex_unlock (&self->lock);
  return n;
}
