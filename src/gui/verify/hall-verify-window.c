/* hall-verify-window.c — "Verify a License"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-verify"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-license-check.h"
#include "hall-store-signing.h"
#include "hall-verify-window.h"

struct _HallVerifyWindow
{
  AdwWindow             parent_instance;

  HallStore            *store;
  HallStoreTrust       *trust;
  GCancellable         *cancellable;
  GtkFileChooserNative *chooser;
  char                 *pending_path;   /* a check asked for before the trust was read */
  char                 *pending_text;
  gboolean              busy;

  GtkTextView          *text_view;
  GtkLabel             *verdict_label;
  GtkLabel             *details_label;
  GtkLabel             *trust_label;
};

G_DEFINE_FINAL_TYPE (HallVerifyWindow, hall_verify_window, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void run_check (HallVerifyWindow *self,
                       const char       *path,
                       const char       *text);

/* Showing */

static char *
format_date (gint64 at)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (at);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("—");
}

static void
show_trust (HallVerifyWindow *self)
{
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *when_text = NULL;
  g_autofree char *text = NULL;

  if (self->trust == NULL)
    return;
  if (!self->trust->has_hall_key)
    {
      gtk_label_set_text (self->trust_label,
                          _("This counter does not know the hall’s key yet: sync with the "
                            "server first."));
      return;
    }
  if (self->trust->pulled_at <= 0)
    {
      gtk_label_set_text (self->trust_label,
                          _("No revocation list synced yet: a revoked license would show as "
                            "valid."));
      return;
    }
  when = g_date_time_new_from_unix_local (self->trust->pulled_at);
  when_text = g_date_time_format (when, "%Y-%m-%d %H:%M");
  /* Translators: "Revocations as synced at 2026-12-04 08:00." */
  text = g_strdup_printf (_("Revocations as synced at %s."), when_text);
  gtk_label_set_text (self->trust_label, text);
}

static void
show_check (HallVerifyWindow *self,
            HallLicenseCheck *check)
{
  GString *details = g_string_new (NULL);
  HallLicensePayload *payload = check->payload;

  switch (check->verdict)
    {
    case HALL_LICENSE_VALID:
      gtk_label_set_text (self->verdict_label, _("Valid"));
      break;
    case HALL_LICENSE_REVOKED:
      gtk_label_set_text (self->verdict_label, _("Revoked"));
      break;
    case HALL_LICENSE_INVALID:
    default:
      gtk_label_set_text (self->verdict_label, _("Not valid"));
      break;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label),
                            check->verdict == HALL_LICENSE_VALID ? "success" : "error");
  if (check->reason != NULL)
    g_string_append_printf (details, "%s\n\n", check->reason);
  if (payload != NULL)
    {
      g_autofree char *issued = format_date (payload->issued_at);
      g_autofree char *until = payload->valid_until != 0 ? format_date (payload->valid_until)
                                                         : g_strdup (_("no end"));

      g_string_append_printf (details, _("Number: %s\n"), payload->number);
      g_string_append_printf (details, _("Holder: %s\n"), payload->holder);
      if (payload->holder_id != NULL && *payload->holder_id != '\0')
        g_string_append_printf (details, _("Document: %s\n"), payload->holder_id);
      if (payload->scope != NULL && *payload->scope != '\0')
        g_string_append_printf (details, _("Scope: %s\n"), payload->scope);
      g_string_append_printf (details, _("Issued: %s by %s\n"), issued,
                              payload->certificate != NULL ? payload->certificate->official
                                                           : "?");
      g_string_append_printf (details, _("Valid until: %s"), until);
    }
  gtk_label_set_text (self->details_label, details->str);
  g_string_free (details, TRUE);
}

static void
set_busy (HallVerifyWindow *self,
          gboolean          busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "verify.check-text", !busy);
}

/* Checking */

static void
check_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (HallVerifyWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (HallLicenseCheck) check = hall_license_check_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (check == NULL)
    {
      gtk_label_set_text (self->verdict_label, _("Could not read the file"));
      gtk_label_set_text (self->details_label, error->message);
      return;
    }
  show_check (self, check);
}

static void
run_check (HallVerifyWindow *self,
           const char       *path,
           const char       *text)
{
  if (self->trust == NULL)
    {
      /* The trust is still being read: check once it is. */
      g_free (self->pending_path);
      g_free (self->pending_text);
      self->pending_path = g_strdup (path);
      self->pending_text = g_strdup (text);
      return;
    }
  if (!self->trust->has_hall_key)
    {
      gtk_label_set_text (self->verdict_label, _("Cannot check yet"));
      gtk_label_set_text (self->details_label,
                          _("This counter does not know the hall’s key yet: sync with the "
                            "server first."));
      return;
    }
  set_busy (self, TRUE);
  gtk_label_set_text (self->verdict_label, _("Checking…"));
  gtk_label_set_text (self->details_label, "");
  hall_license_check_async (path, text, self->trust->hall_key, self->trust->revocations,
                            self->cancellable, check_cb, g_object_ref (self));
}

static void
trust_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (HallVerifyWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  HallStoreTrust *trust = hall_store_get_trust_finish (HALL_STORE (source), result, &error);

  if (trust == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->trust_label, error->message);
      return;
    }
  self->trust = trust;
  show_trust (self);
  if (self->pending_path != NULL || self->pending_text != NULL)
    {
      g_autofree char *path = g_steal_pointer (&self->pending_path);
      g_autofree char *text = g_steal_pointer (&self->pending_text);

      run_check (self, path, text);
    }
}

/* Actions */

static void
chooser_response_cb (GtkNativeDialog  *dialog,
                     int               response,
                     HallVerifyWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        run_check (self, path, NULL);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Licenses, photos and scans"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Open a License"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
check_text_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  run_check (self, NULL, text);
}

/* GObject */

static void
hall_verify_window_constructed (GObject *object)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (object);

  G_OBJECT_CLASS (hall_verify_window_parent_class)->constructed (object);
  if (self->store != NULL)
    hall_store_get_trust_async (self->store, self->cancellable, trust_cb, g_object_ref (self));
}

static void
hall_verify_window_dispose (GObject *object)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_VERIFY_WINDOW);
  G_OBJECT_CLASS (hall_verify_window_parent_class)->dispose (object);
}

static void
hall_verify_window_finalize (GObject *object)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->trust, hall_store_trust_free);
  g_free (self->pending_path);
  g_free (self->pending_text);
  G_OBJECT_CLASS (hall_verify_window_parent_class)->finalize (object);
}

static void
hall_verify_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_verify_window_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HallVerifyWindow *self = HALL_VERIFY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_verify_window_class_init (HallVerifyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hall_verify_window_constructed;
  object_class->dispose = hall_verify_window_dispose;
  object_class->finalize = hall_verify_window_finalize;
  object_class->get_property = hall_verify_window_get_property;
  object_class->set_property = hall_verify_window_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                                  | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-verify-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallVerifyWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, HallVerifyWindow, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, HallVerifyWindow, details_label);
  gtk_widget_class_bind_template_child (widget_class, HallVerifyWindow, trust_label);

  gtk_widget_class_install_action (widget_class, "verify.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "verify.check-text", NULL, check_text_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "verify.open",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "verify.check-text", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
hall_verify_window_init (HallVerifyWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
hall_verify_window_new (HallStore *store)
{
  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  return g_object_new (HALL_TYPE_VERIFY_WINDOW, "store", store, NULL);
}

void
hall_verify_window_check_text (HallVerifyWindow *self,
                               const char       *text)
{
  g_return_if_fail (HALL_IS_VERIFY_WINDOW (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  gtk_widget_activate_action (GTK_WIDGET (self), "verify.check-text", NULL);
}

void
hall_verify_window_check_file (HallVerifyWindow *self,
                               const char       *path)
{
  g_return_if_fail (HALL_IS_VERIFY_WINDOW (self));
  run_check (self, path, NULL);
}

const char *
hall_verify_window_get_verdict (HallVerifyWindow *self)
{
  g_return_val_if_fail (HALL_IS_VERIFY_WINDOW (self), NULL);
  return gtk_label_get_text (self->verdict_label);
}

gboolean
hall_verify_window_get_busy (HallVerifyWindow *self)
{
  g_return_val_if_fail (HALL_IS_VERIFY_WINDOW (self), FALSE);
  return self->busy || self->trust == NULL;
}
