/* hall-fault-proxy.h — an HTTP/1.1 proxy for tests that breaks requests on cue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What happens to one request. Every kind but PASS is one of the ways a
 * network or a server lets a client down; the interesting ones are those
 * where the server did the work and the client cannot know it. */
typedef enum
{
  HALL_FAULT_PASS,              /* forwarded, answered untouched */
  HALL_FAULT_ERROR_500,         /* answered 500 without forwarding */
  HALL_FAULT_UNAVAILABLE_503,   /* answered 503 + Retry-After without forwarding */
  HALL_FAULT_RESET_AFTER_COMMIT, /* forwarded and answered by the server, then the
                                  * client's connection is reset (SO_LINGER 0) */
  HALL_FAULT_DUPLICATE,         /* delivered to the server twice; the client gets
                                 * the second answer */
  HALL_FAULT_TRUNCATE,          /* forwarded; the client gets the head and half
                                 * the body, then the connection closes */
  HALL_FAULT_HANG,              /* taken in, never forwarded, never answered */
  HALL_FAULT_HANG_AFTER_COMMIT, /* forwarded, the answer is never passed on */
  HALL_FAULT_DELAY,             /* held back for a while (set_delay), then passed:
                                 * a request sent after it may reach the server
                                 * first */
  HALL_FAULT_NOT_FOUND_404,     /* answered 404 without forwarding, as a server
                                 * of an older version without the route */
  HALL_FAULT_CORRUPT,           /* forwarded; the client gets the whole answer with
                                 * one byte of its body changed (a bad disk or
                                 * cache on the way), as long as it has a body */
  HALL_FAULT_FORBIDDEN_403,     /* answered 403 without forwarding, as a proxy or
                                 * firewall in front of the server would */
  HALL_FAULT_N_KINDS
} HallFaultKind;

#define HALL_TYPE_FAULT_PROXY (hall_fault_proxy_get_type ())
G_DECLARE_FINAL_TYPE (HallFaultProxy, hall_fault_proxy, HALL, FAULT_PROXY, GObject)

/* Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:@upstream_port.
 * Each request goes to the server on a connection of its own; the client's
 * connection is kept alive as HTTP/1.1 allows, so libcurl's connection reuse
 * (and its resending on a dead reused connection) is exercised too. A hung
 * request stays hung until the client closes or the proxy stops. */
HallFaultProxy *hall_fault_proxy_new            (guint16         upstream_port,
                                                 GError        **error);
guint16         hall_fault_proxy_get_port       (HallFaultProxy *self);
/* "http://127.0.0.1:PORT" */
char           *hall_fault_proxy_dup_url        (HallFaultProxy *self);
void            hall_fault_proxy_set_upstream_port (HallFaultProxy *self,
                                                    guint16         upstream_port);

/* After the first @skip requests that match @method (NULL: any) and
 * @path_glob (NULL: any; a GPatternSpec glob over the path without its
 * query), the next @times of them (G_MAXUINT: all) get @kind. Rules are
 * looked at in the order they were added; the first whose window holds the
 * request decides, and every matching rule counts the request. */
void            hall_fault_proxy_add_rule       (HallFaultProxy *self,
                                                 const char     *method,
                                                 const char     *path_glob,
                                                 guint           skip,
                                                 guint           times,
                                                 HallFaultKind   kind);
/* Requests no rule decides get a fault with @probability (0..1), drawn
 * uniformly from @kinds, from a generator seeded with @seed (so a failing
 * run can be replayed). @n_kinds 0 turns it off. */
void            hall_fault_proxy_set_random     (HallFaultProxy *self,
                                                 guint32         seed,
                                                 double          probability,
                                                 const HallFaultKind *kinds,
                                                 guint           n_kinds);
void            hall_fault_proxy_clear_rules    (HallFaultProxy *self);
/* The Retry-After of UNAVAILABLE_503 ("1" unless set). */
void            hall_fault_proxy_set_retry_after (HallFaultProxy *self,
                                                  const char     *value);

/* How long HALL_FAULT_DELAY holds a request back (300 ms unless set). */
void            hall_fault_proxy_set_delay      (HallFaultProxy *self,
                                                 guint           milliseconds);

/* Requests read from clients so far, connections accepted, and faults of
 * each kind injected (PASS counts the requests passed untouched). */
guint           hall_fault_proxy_get_n_requests (HallFaultProxy *self);
guint           hall_fault_proxy_get_n_connections (HallFaultProxy *self);
guint           hall_fault_proxy_get_n_faults   (HallFaultProxy *self,
                                                 HallFaultKind   kind);
/* Requests delivered to the server (a duplicate counts twice). */
guint           hall_fault_proxy_get_n_forwarded (HallFaultProxy *self);
/* Requests delivered to the server after one that the proxy read later. */
guint           hall_fault_proxy_get_n_overtaken (HallFaultProxy *self);

/* Closes the listener and every connection, hung ones included, and waits
 * for the threads. Also done on dispose. */
void            hall_fault_proxy_stop           (HallFaultProxy *self);

const char     *hall_fault_kind_to_string       (HallFaultKind   kind);

G_END_DECLS
