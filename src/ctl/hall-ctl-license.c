/* hall-ctl-license.c — service-hall-ctl license and verify
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-ctl"

#include "config.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-ctl.h"
#include "hall-json.h"
#include "hall-license-reader.h"
#include "hall-license.h"
#include "hall-store-signing.h"

/* Exit status of verify for a license that is not valid. */
#define EX_INVALID EX_DATAERR

static HallLicense *
build_license (HallCtl            *ctl,
               HallLicensePayload *payload,
               const char         *text)
{
  g_autoptr (GError) error = NULL;
  HallCatalog *catalog = hall_ctl_get_catalog (ctl, &error);
  HallService *service = catalog != NULL
                           ? hall_catalog_lookup (catalog, payload->license_type)
                           : NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *hall_zh = NULL;
  const char *hall_en = NULL;

  /* The license names the hall in both languages, whatever the locale. */
  if (catalog != NULL
      && json_parser_load_from_data (parser, hall_catalog_get_json (catalog), -1, NULL))
    {
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      JsonObject *hall = json_object_get_object_member (root, "hall");
      JsonObject *names = hall != NULL ? json_object_get_object_member (hall, "name") : NULL;

      hall_zh = names ? json_object_get_string_member_with_default (names, "zh", NULL) : NULL;
      hall_en = names ? json_object_get_string_member_with_default (names, "en", NULL) : NULL;
    }

  return hall_license_new (payload, text, service ? hall_service_get_name_zh (service) : NULL,
                           service ? hall_service_get_name_en (service) : NULL, hall_zh,
                           hall_en);
}

int
hall_ctl_license (HallCtl *ctl,
                  int      argc,
                  char   **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *user = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *password = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallCase) kase = NULL;
  g_autoptr (HallSigningKey) key = NULL;
  g_autoptr (HallCertificate) certificate = NULL;
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (HallLicense) license = NULL;
  g_autoptr (GFile) file = NULL;
  HallCatalog *catalog;
  HallService *service;
  HallStore *store;
  int valid_years = 0;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF to write"), N_("FILE.pdf") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user,
      N_("The official who issues it (default: the one signed in on this profile)"),
      N_("NAME") },
    { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("The official's password, to open their signing key"), N_("FILE") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope, N_("What the license covers"), N_("TEXT") },
    { "valid-years", 0, 0, G_OPTION_ARG_INT, &valid_years,
      N_("Years it is valid (default: no end)"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("CASE_NUMBER --out FILE.pdf — issue a case's license"));
  g_option_context_set_summary (context,
                                _("Issues the license of an approved case (or prints again the "
                                  "one issued), signed\nwith the official's key, as an A4 PDF "
                                  "with its QR code. Works offline."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2 || out == NULL || valid_years < 0)
    {
      g_printerr (_("service-hall-ctl license: give CASE_NUMBER and --out FILE.pdf\n"));
      return EX_USAGE;
    }
  store = hall_ctl_get_store (ctl, &error);
  catalog = store != NULL ? hall_ctl_get_catalog (ctl, &error) : NULL;
  if (catalog == NULL)
    return hall_ctl_fail ("license", error);
  kase = hall_store_get_case_by_number (store, argv[1], &error);
  if (kase == NULL)
    return hall_ctl_fail ("license", error);
  service = hall_catalog_lookup (catalog, hall_case_get_service_id (kase));
  if (service == NULL)
    {
      g_printerr (_("service-hall-ctl license: the catalog has no service “%s”\n"),
                  hall_case_get_service_id (kase));
      return EX_CONFIG;
    }

  text = hall_store_get_license (store, hall_case_get_uuid (kase), &error);
  if (text == NULL && error != NULL)
    return hall_ctl_fail ("license", error);
  if (text == NULL)
    {
      HallCaseState state = hall_case_get_state (kase);

      if (state != HALL_CASE_APPROVED && state != HALL_CASE_COMPLETED)
        {
          g_printerr (_("service-hall-ctl license: case %s is %s, not approved: a license "
                        "is issued once its last step is approved\n"),
                      argv[1], hall_case_state_get_label (state));
          return EX_DATAERR;
        }
      if (user == NULL)
        user = hall_store_get_meta (store, "user");
      if (user == NULL || *user == '\0' || password_file == NULL)
        {
          g_printerr (_("service-hall-ctl license: give --user and --password-file to sign "
                        "it\n"));
          return EX_USAGE;
        }
      password = hall_ctl_read_password (password_file, &error);
      if (password == NULL)
        return hall_ctl_fail ("license", error);
      key = hall_store_open_signing_key (store, user, password, NULL, &error);
      sodium_memzero (password, strlen (password));
      if (key == NULL)
        return hall_ctl_fail ("license", error);
      certificate = hall_store_lookup_certificate (store, user,
                                                   hall_signing_key_get_public_key (key), &error);
      if (certificate == NULL)
        {
          if (error != NULL)
            return hall_ctl_fail ("license", error);
          g_printerr (_("service-hall-ctl license: the key of %s is not certified by the "
                        "hall yet (service-hall-ctl enroll)\n"),
                      user);
          return EX_NOPERM;
        }
      text = hall_store_issue_license (store, hall_case_get_uuid (kase), service, scope,
                                       (guint) valid_years * 365, key, certificate, &error);
      if (text == NULL)
        return hall_ctl_fail ("license", error);
    }

  payload = hall_license_payload_parse (text, &error);
  if (payload == NULL)
    return hall_ctl_fail ("license", error);
  license = build_license (ctl, payload, text);
  file = g_file_new_for_commandline_arg (out);
  if (!hall_license_write_pdf (license, file, &error))
    return hall_ctl_fail ("license", error);
  g_print ("%s\t%s\n", payload->number, out);
  return EX_OK;
}

/* The code's text on standard input; a QR code holds well under 4 KiB, so
 * more is not a code. */
static char *
read_stdin (GError **error)
{
  GString *text = g_string_new (NULL);
  char buffer[4096];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0 && text->len <= 65536)
    g_string_append_len (text, buffer, (gssize) n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Could not read the license code from standard input"));
      return g_string_free (text, TRUE);
    }
  return g_string_free (text, FALSE);
}

static char *
format_date (gint64 at)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (at);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("?");
}

static void
print_fields (HallCtl            *ctl,
              HallLicensePayload *payload)
{
  g_autoptr (GError) error = NULL;
  HallCatalog *catalog = hall_ctl_get_catalog (ctl, &error);
  HallService *service = catalog != NULL ? hall_catalog_lookup (catalog, payload->license_type)
                                         : NULL;
  g_autofree char *issued = format_date (payload->issued_at);
  g_autofree char *until = payload->valid_until != 0 ? format_date (payload->valid_until)
                                                     : g_strdup (_("no end"));

  g_print (_("  number:       %s\n"), payload->number);
  g_print (_("  type:         %s\n"),
           service != NULL ? hall_service_get_name (service) : payload->license_type);
  g_print (_("  holder:       %s\n"), payload->holder);
  if (payload->holder_id != NULL && *payload->holder_id != '\0')
    g_print (_("  document:     %s\n"), payload->holder_id);
  if (payload->scope != NULL && *payload->scope != '\0')
    g_print (_("  scope:        %s\n"), payload->scope);
  g_print (_("  issued:       %s by %s\n"), issued,
           payload->certificate != NULL ? payload->certificate->official : "?");
  g_print (_("  valid until:  %s\n"), until);
  g_print (_("  hall:         %s\n"), payload->hall);
}

int
hall_ctl_verify (HallCtl *ctl,
                 int      argc,
                 char   **argv)
{
  g_autofree char *public_key_text = NULL;
  g_autofree char *expect_number = NULL;
  g_autofree char *text = NULL;
  g_autofree char *page_text = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallLicensePayload) payload = NULL;
  g_autoptr (HallRevocationList) revocations = NULL;
  guint8 hall_key[HALL_PUBLIC_KEY_BYTES];
  gint64 pulled_at = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  HallStore *store = NULL;
  gboolean valid;
  int exit_code = EX_OK;
  const GOptionEntry entries[] = {
    { "hall-public-key", 0, 0, G_OPTION_ARG_STRING, &public_key_text,
      N_("The hall's public key (base64; default: the one this counter synced)"), N_("KEY") },
    { "number", 'n', 0, G_OPTION_ARG_STRING, &expect_number,
      N_("The number printed on the license in hand: a code of another license is refused"),
      N_("NUMBER") },
    { NULL }
  };

  context = g_option_context_new (_("FILE|- — check a license, offline"));
  g_option_context_set_summary (context,
                                _("Reads the license's code from its PDF, a photo or scan "
                                  "(PNG, JPEG), or the\ncode's text on standard input (“-”), "
                                  "and checks it with the hall's key and the\nrevocation list "
                                  "this counter last synced. Prints valid and the fields, or\n"
                                  "invalid or revoked and why. Exit status: 0 valid, 65 "
                                  "invalid or revoked,\n66 no such file, 78 no hall key "
                                  "known."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!hall_ctl_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    {
      g_printerr (_("service-hall-ctl verify: give one FILE, or - for the text on standard "
                    "input\n"));
      return EX_USAGE;
    }

  if (public_key_text != NULL)
    {
      if (!hall_public_key_from_base64 (public_key_text, hall_key, &error))
        return hall_ctl_fail ("verify", error);
    }
  else
    {
      store = hall_ctl_get_store (ctl, &error);
      if (store == NULL)
        return hall_ctl_fail ("verify", error);
      if (!hall_store_get_hall_public_key (store, hall_key, &error))
        {
          g_printerr ("service-hall-ctl verify: %s\n", error->message);
          return EX_CONFIG;
        }
    }
  if (store == NULL)
    store = hall_ctl_get_store (ctl, NULL);
  if (store != NULL)
    revocations = hall_store_get_revocations (store, &pulled_at, NULL);

  if (g_str_equal (argv[1], "-"))
    text = read_stdin (&error);
  else
    text = hall_license_reader_read_file (argv[1], &page_text, &error);
  if (text == NULL)
    {
      if (error->domain == HALL_SIGNATURE_ERROR)
        {
          g_print ("INVALID: %s\n", error->message);
          return EX_INVALID;
        }
      return hall_ctl_fail ("verify", error);
    }

  valid = hall_license_payload_verify (text, hall_key, revocations, now, &payload, &error);
  /* The code of another license on this page: what is printed is not what
   * is signed. */
  if (valid && expect_number != NULL && g_strcmp0 (payload->number, expect_number) != 0)
    {
      g_clear_error (&error);
      g_set_error (&error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                   _("The code is that of license %s, not of %s: it was copied from another "
                     "license"),
                   payload->number, expect_number);
      valid = FALSE;
    }
  /* A PDF with text of its own (ours has): it must say what the code
   * signs. A scan saved as PDF has none, and its fields are the ones
   * printed below for the person to compare. */
  if (page_text != NULL)
    g_strstrip (page_text);
  if (valid && page_text != NULL && *page_text != '\0'
      && (strstr (page_text, payload->number) == NULL
          || strstr (page_text, payload->holder) == NULL))
    {
      g_set_error (&error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_BAD_SIGNATURE,
                   _("The page does not say what its code signs (license %s, holder %s): "
                     "the page was altered, or the code copied from another license"),
                   payload->number, payload->holder);
      valid = FALSE;
    }

  /* The verdict's first word is for scripts: never translated. */
  if (valid)
    g_print ("VALID\n");
  else if (g_error_matches (error, HALL_SIGNATURE_ERROR, HALL_SIGNATURE_ERROR_REVOKED))
    g_print ("REVOKED: %s\n", error->message);
  else
    g_print ("INVALID: %s\n", error->message);
  if (payload != NULL)
    print_fields (ctl, payload);
  if (pulled_at > 0)
    {
      g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (pulled_at);
      g_autofree char *when_text = g_date_time_format (when, "%Y-%m-%d %H:%M");

      g_autofree char *hours = g_strdup_printf ("%" G_GINT64_FORMAT, (now - pulled_at) / 3600);

      g_print (_("Revocations as synced at %s (%s hours ago).\n"), when_text, hours);
    }
  else
    g_print (_("No revocation list synced yet: a revoked license would show as valid.\n"));
  return valid ? EX_OK : EX_INVALID;
}
