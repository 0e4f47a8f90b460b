/* hall-ctl-keys.c — service-hall-ctl hall-key, enroll and revoke: the
 * administrator's side of stamp-free approval
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

#include "hall-core-error.h"
#include "hall-ctl.h"
#include "hall-http-client.h"
#include "hall-json.h"
#include "hall-store-signing.h"

/* The root key file: created 0600 and never over an existing file, so a
 * hall's key is not lost by a slip of the keyboard. */
static gboolean
write_new_private_file (const char  *path,
                        const char  *text,
                        GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  gsize length = strlen (text);
  gsize done = 0;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  while (done < length)
    {
      gssize n = write (fd, text + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          close (fd);
          g_unlink (path);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not write “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Sends what the administrator decided to the profile's server, when this
 * profile is signed in to one (service-hall-ctl login as an
 * administrator): PUT @path with @json. TRUE when there is no server, or
 * it kept it; FALSE with the server's reason otherwise. */
static gboolean
upload (HallCtl     *ctl,
        HallStore   *store,
        const char  *path,
        JsonNode    *json,
        gboolean    *uploaded,
        GError     **error)
{
  g_autofree char *server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *text = NULL;
  g_autoptr (HallHttpClient) client = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (HallHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  const char *headers[3];

  *uploaded = FALSE;
  server = ctl->server_url != NULL ? g_strdup (ctl->server_url)
                                   : hall_store_get_meta (store, "server_url");
  token = hall_store_get_meta (store, "token");
  if (server == NULL || *server == '\0' || token == NULL || *token == '\0')
    return TRUE;
  url = g_strconcat (server, path, NULL);
  authorization = g_strconcat ("Authorization: Bearer ", token, NULL);
  headers[0] = authorization;
  headers[1] = "Content-Type: application/json";
  headers[2] = NULL;
  text = json_to_string (json, FALSE);
  body = g_bytes_new (text, strlen (text));
  client = hall_http_client_new ();
  if (ctl->ca_file != NULL)
    hall_http_client_set_ca_file (client, ctl->ca_file);
  if (ctl->pinned_key != NULL)
    hall_http_client_set_pinned_public_key (client, ctl->pinned_key);
  hall_http_client_send_async (client, "PUT", url, headers, body, NULL, hall_ctl_store_result,
                               &result);
  hall_ctl_wait (&result);
  response = hall_http_client_send_finish (client, result, error);
  if (response == NULL)
    return FALSE;
  if (response->status != 200)
    {
      g_autofree char *detail = NULL;
      gsize size = 0;
      const char *data = response->body ? g_bytes_get_data (response->body, &size) : NULL;

      detail = data != NULL ? g_strndup (data, size) : g_strdup ("");
      g_set_error (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_REJECTED,
                   _("The server refused it (%u): %s"), response->status, detail);
      return FALSE;
    }
  *uploaded = TRUE;
  return TRUE;
}

static HallRootKey *
read_root_key (const char  *path,
               GError     **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  HallRootKey *key;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  key = hall_root_key_new_from_data (text, length, error);
  sodium_memzero (text, length);
  if (key == NULL)
    g_prefix_error (error, "%s: ", path);
  return key;
}

static int
hall_key_create (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autofree char *out = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallRootKey) key = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *fingerprint = NULL;
  char *text;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Where to write the hall's private root key (a new file, mode 0600)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("create --out FILE — make the hall's root key"));
  g_option_context_set_summary (context,
                                _("Makes the hall's Ed25519 root key, writes it to a new file "
                                  "and prints its public key.\nKeep the file offline (a USB key "
                                  "in the safe): whoever has it can certify\nofficials' keys. "
                                  "Give the public key to the server (--hall-public-key) and\n"
                                  "to counters (service-hall-ctl hall-key trust)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (out == NULL || argc > 1)
    {
      g_printerr (_("service-hall-ctl hall-key create: --out FILE is required\n"));
      return EX_USAGE;
    }
  key = hall_root_key_generate ();
  text = hall_root_key_to_data (key);
  if (!write_new_private_file (out, text, &error))
    {
      sodium_memzero (text, strlen (text));
      g_free (text);
      return hall_ctl_fail ("hall-key create", error);
    }
  sodium_memzero (text, strlen (text));
  g_free (text);
  public_key = hall_public_key_to_base64 (hall_root_key_get_public_key (key));
  fingerprint = hall_public_key_fingerprint (hall_root_key_get_public_key (key));
  g_print (_("Hall key written to %s (keep it offline).\n"), out);
  g_print (_("Public key: %s\nFingerprint: %s\n"), public_key, fingerprint);
  return EX_OK;
}

static int
hall_key_trust (HallCtl *ctl,
                int      argc,
                char   **argv)
{
  g_autofree char *public_key_text = NULL;
  g_autofree char *key_file = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallRootKey) key = NULL;
  g_autofree char *fingerprint = NULL;
  guint8 public_key[HALL_PUBLIC_KEY_BYTES];
  HallStore *store;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "public-key", 0, 0, G_OPTION_ARG_STRING, &public_key_text,
      N_("The hall's public key (base64)"), N_("KEY") },
    { "hall-key", 0, 0, G_OPTION_ARG_FILENAME, &key_file,
      N_("Or the hall key file, to take the public key from"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (_("trust --public-key KEY — set the hall's key on this "
                                    "counter"));
  g_option_context_set_summary (context,
                                _("Sets the hall's public key this counter checks signatures "
                                  "against, before the\nfirst sync brings it (or for a "
                                  "verifying station with no server)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if ((public_key_text == NULL) == (key_file == NULL) || argc > 1)
    {
      g_printerr (_("service-hall-ctl hall-key trust: give --public-key or --hall-key\n"));
      return EX_USAGE;
    }
  if (key_file != NULL)
    {
      key = read_root_key (key_file, &error);
      if (key == NULL)
        return hall_ctl_fail ("hall-key trust", error);
      memcpy (public_key, hall_root_key_get_public_key (key), HALL_PUBLIC_KEY_BYTES);
    }
  else if (!hall_public_key_from_base64 (public_key_text, public_key, &error))
    return hall_ctl_fail ("hall-key trust", error);
  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL
      || !hall_store_set_trust (store, public_key, NULL, NULL, 0, &error))
    return hall_ctl_fail ("hall-key trust", error);
  fingerprint = hall_public_key_fingerprint (public_key);
  g_print (_("This counter now trusts the hall key %s\n"), fingerprint);
  return EX_OK;
}

int
hall_ctl_hall_key (HallCtl *ctl,
                   int      argc,
                   char   **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "create"))
    return hall_key_create (ctl, argc - 1, argv + 1);
  if (argc >= 2 && g_str_equal (argv[1], "trust"))
    return hall_key_trust (ctl, argc - 1, argv + 1);
  g_printerr (_("service-hall-ctl hall-key: say “create --out FILE” or “trust --public-key "
                "KEY”\n"));
  return EX_USAGE;
}

int
hall_ctl_enroll (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autofree char *key_file = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *public_key_text = NULL;
  g_autofree char *password = NULL;
  g_autofree char *sealed = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallRootKey) root = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *json_text = NULL;
  g_autofree char *fingerprint = NULL;
  guint8 public_key[HALL_PUBLIC_KEY_BYTES];
  const char *official;
  HallStore *store;
  int valid_days = 365 * 3;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "hall-key", 'k', 0, G_OPTION_ARG_FILENAME, &key_file,
      N_("The hall's root key file"), N_("FILE") },
    { "public-key", 0, 0, G_OPTION_ARG_STRING, &public_key_text,
      N_("The official's public key (base64), as their counter shows it; default: the "
         "key kept for the official on this counter"), N_("KEY") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("The official's password, to make their key on this counter when it has none"),
      N_("FILE") },
    { "valid-days", 0, 0, G_OPTION_ARG_INT, &valid_days,
      N_("Days the certificate is valid (default 1095)"), N_("DAYS") },
    { NULL }
  };

  context = g_option_context_new (_("OFFICIAL --hall-key FILE — certify an official's key"));
  g_option_context_set_summary (context,
                                _("Certifies an official's public key with the hall's root "
                                  "key, keeps the certificate\nin this profile and prints it "
                                  "(JSON) for the server. The official's key pair is\nmade on "
                                  "their counter at the first sign-in; its private half never "
                                  "leaves it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || key_file == NULL || valid_days <= 0)
    {
      g_printerr (_("service-hall-ctl enroll: give OFFICIAL and --hall-key FILE\n"));
      return EX_USAGE;
    }
  official = argv[1];
  if (strlen (official) > 64 || *official == '\0')
    {
      g_printerr (_("service-hall-ctl enroll: an official's name has 1 to 64 bytes\n"));
      return EX_USAGE;
    }
  root = read_root_key (key_file, &error);
  if (root == NULL)
    return hall_ctl_fail ("enroll", error);
  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("enroll", error);

  if (public_key_text != NULL)
    {
      if (!hall_public_key_from_base64 (public_key_text, public_key, &error))
        return hall_ctl_fail ("enroll", error);
    }
  else
    {
      sealed = hall_store_get_sealed_key (store, official, &error);
      if (sealed == NULL && error != NULL)
        return hall_ctl_fail ("enroll", error);
      if (sealed == NULL && password_file != NULL)
        {
          g_autoptr (HallSigningKey) key = NULL;

          password = hall_ctl_read_password (password_file, &error);
          if (password == NULL)
            return hall_ctl_fail ("enroll", error);
          key = hall_store_open_signing_key (store, official, password, NULL, &error);
          sodium_memzero (password, strlen (password));
          if (key == NULL)
            return hall_ctl_fail ("enroll", error);
          sealed = hall_store_get_sealed_key (store, official, &error);
        }
      if (sealed == NULL)
        {
          g_printerr (_("service-hall-ctl enroll: %s has no key on this counter: give "
                        "--public-key, or --password-file to make one here\n"),
                      official);
          return EX_DATAERR;
        }
      if (!hall_sealed_key_get_public_key (sealed, public_key, &error))
        return hall_ctl_fail ("enroll", error);
    }

  certificate = hall_root_key_certify (root, official, public_key, now,
                                       now + (gint64) valid_days * 86400);
  /* Counters trust what the root key certified: this profile too. */
  if (!hall_store_set_trust (store, hall_root_key_get_public_key (root), NULL, NULL, 0, &error)
      || !hall_store_add_certificate (store, certificate, &error))
    return hall_ctl_fail ("enroll", error);
  json = hall_certificate_to_json (certificate);
  json_text = json_to_string (json, FALSE);
  fingerprint = hall_public_key_fingerprint (public_key);
  g_printerr (_("Certified the key %s of %s for %d days.\n"), fingerprint, official, valid_days);
  g_print ("%s\n", json_text);
  {
    g_autofree char *path = g_strconcat ("/v1/certificates/", official, NULL);
    gboolean uploaded = FALSE;

    if (!upload (ctl, store, path, json, &uploaded, &error))
      return hall_ctl_fail ("enroll", error);
    if (uploaded)
      g_printerr (_("The server keeps it; counters get it at their next sync.\n"));
  }
  return EX_OK;
}

int
hall_ctl_revoke (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autofree char *license = NULL;
  g_autofree char *official = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *reason = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallRevocationList) list = NULL;
  g_autoptr (HallRevocationList) updated = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (JsonNode) added = NULL;
  g_autofree char *added_text = NULL;
  HallRevocation *revocation;
  HallStore *store;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  gint64 pulled_at = 0;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "license", 'l', 0, G_OPTION_ARG_STRING, &license, N_("Revoke this license"),
      N_("NUMBER") },
    { "official", 'o', 0, G_OPTION_ARG_STRING, &official,
      N_("Revoke this official's key (every one certified for them)"), N_("NAME") },
    { "from", 'f', 0, G_OPTION_ARG_STRING, &from_text,
      N_("From when (ISO 8601; default: now): what the key signed from then on is revoked"),
      N_("TIME") },
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Why, for whoever checks"),
      N_("TEXT") },
    { NULL }
  };

  context = g_option_context_new (_("--license NUMBER | --official NAME [--from TIME] — revoke"));
  g_option_context_set_summary (context,
                                _("Adds a revocation to this profile's list and prints it "
                                  "(JSON) for the server,\nwhich hands it to every counter at "
                                  "their next sync. A revoked license, or one\nsigned with a "
                                  "revoked key from its date on, is reported as revoked."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if ((license == NULL) == (official == NULL) || argc > 1)
    {
      g_printerr (_("service-hall-ctl revoke: give --license NUMBER or --official NAME\n"));
      return EX_USAGE;
    }
  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL || !hall_store_get_hall_public_key (store, hall_key, &error))
    return hall_ctl_fail ("revoke", error);
  list = hall_store_get_revocations (store, &pulled_at, &error);
  if (list == NULL)
    return hall_ctl_fail ("revoke", error);

  json = hall_revocation_list_to_json (list);
  revocation = g_new0 (HallRevocation, 1);
  revocation->uuid = g_uuid_string_random ();
  revocation->reason = g_strdup (reason != NULL ? reason : "");
  revocation->from = g_get_real_time () / G_USEC_PER_SEC;
  if (from_text != NULL && !hall_timestamp_from_iso8601 (from_text, &revocation->from))
    {
      hall_revocation_free (revocation);
      g_printerr (_("service-hall-ctl revoke: --from “%s” is not an ISO 8601 time\n"),
                  from_text);
      return EX_USAGE;
    }
  if (license != NULL)
    {
      revocation->kind = g_strdup ("license");
      revocation->license_number = g_strdup (license);
      added = hall_revocation_to_json (revocation);
      json_array_add_element (json_object_get_array_member (json_node_get_object (json),
                                                            "revocations"),
                              json_node_copy (added));
    }
  else
    {
      g_autoptr (HallCertificate) certificate = NULL;

      certificate = hall_store_lookup_certificate (store, official, NULL, &error);
      if (certificate == NULL)
        {
          hall_revocation_free (revocation);
          if (error != NULL)
            return hall_ctl_fail ("revoke", error);
          g_printerr (_("service-hall-ctl revoke: this profile has no certificate of %s\n"),
                      official);
          return EX_DATAERR;
        }
      revocation->kind = g_strdup ("key");
      revocation->official = g_strdup (official);
      memcpy (revocation->public_key, certificate->public_key, HALL_PUBLIC_KEY_BYTES);
      added = hall_revocation_to_json (revocation);
      json_array_add_element (json_object_get_array_member (json_node_get_object (json),
                                                            "revocations"),
                              json_node_copy (added));
    }
  hall_revocation_free (revocation);
  updated = hall_revocation_list_new_from_json (json, &error);
  if (updated == NULL
      || !hall_store_set_trust (store, hall_key, NULL, updated, pulled_at, &error))
    return hall_ctl_fail ("revoke", error);
  added_text = json_to_string (added, FALSE);
  g_print ("%s\n", added_text);
  {
    JsonObject *object = json_node_get_object (added);
    g_autofree char *path = g_strconcat ("/v1/revocations/",
                                         json_object_get_string_member (object, "uuid"), NULL);
    gboolean uploaded = FALSE;

    if (!upload (ctl, store, path, added, &uploaded, &error))
      return hall_ctl_fail ("revoke", error);
    if (uploaded)
      g_printerr (_("The server keeps it; counters get it at their next sync.\n"));
  }
  return EX_OK;
}

int
hall_ctl_audit (HallCtl *ctl,
                int      argc,
                char   **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  HallStore *store;
  guint n = 0;
  int exit_code = EX_OK;

  context = g_option_context_new (_("CASE_NUMBER — check a case's audit trail"));
  g_option_context_set_summary (context,
                                _("Checks the hash chain of the case's timeline on this "
                                  "counter and names the first\nentry that was altered or "
                                  "removed. Exit status: 0 whole, 65 broken."));
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      g_printerr (_("service-hall-ctl audit: give one CASE_NUMBER\n"));
      return EX_USAGE;
    }
  store = hall_ctl_get_store (ctl, &error);
  if (store == NULL)
    return hall_ctl_fail ("audit", error);
  if (!hall_store_audit_case (store, argv[1], &n, &error))
    {
      if (error->domain == HALL_STORE_ERROR)
        return hall_ctl_fail ("audit", error);
      g_print (_("%s: audit trail broken\n%s\n"), argv[1], error->message);
      return EX_DATAERR;
    }
  g_print (_("%s: audit trail whole (%u entries)\n"), argv[1], n);
  return EX_OK;
}
