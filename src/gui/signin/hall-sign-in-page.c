/* hall-sign-in-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-signin"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-error.h"
#include "hall-sign-in-page.h"

#define COUNTER_MAX_LENGTH 8

struct _HallSignInPage
{
  GtkWidget     parent_instance;

  AdwEntryRow  *username_row;
  AdwEntryRow  *password_row;
  AdwEntryRow  *counter_row;
  GtkLabel     *message_label;
  GtkLabel     *demo_label;
  GtkButton    *sign_in_button;
  GtkSpinner   *spinner;

  HallStore    *store;
  GSettings    *settings;
  GCancellable *cancellable;
  gboolean      busy;
  gboolean      held;
  gboolean      submit_when_released;
};

G_DEFINE_FINAL_TYPE (HallSignInPage, hall_sign_in_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_BUSY,
  N_PROPS
};

enum
{
  SIGNED_IN,
  PASSWORD_ACCEPTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What was typed, until the store has answered. */
typedef struct
{
  HallSignInPage *page;
  char           *username;
  char           *password;
  char           *counter;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->page);
  g_free (sign_in->username);
  if (sign_in->password != NULL)
    memset (sign_in->password, 0, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in->counter);
  g_free (sign_in);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignIn, sign_in_free)

static void
update_action (HallSignInPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit",
                                 !self->busy && self->store != NULL);
}

static void
set_busy (HallSignInPage *self,
          gboolean        busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  update_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_message (HallSignInPage *self,
              const char     *message,
              AdwEntryRow    *at_fault)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->username_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->counter_row), "error");

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);

  if (at_fault != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (at_fault), "error");
      gtk_widget_grab_focus (GTK_WIDGET (at_fault));
    }
}

static void
check_password_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (SignIn) sign_in = user_data;
  HallSignInPage *self = sign_in->page;
  g_autofree char *display_name = NULL;
  g_autofree char *roles = NULL;
  g_autoptr (GError) error = NULL;

  display_name = hall_store_check_password_finish (HALL_STORE (object), result, &roles, &error);
  if (display_name == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_busy (self, FALSE);
      if (g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH))
        show_message (self, _("Wrong username or password"), self->password_row);
      else
        show_message (self, error->message, NULL);
      return;
    }

  set_busy (self, FALSE);
  show_message (self, NULL, NULL);
  g_settings_set_string (self->settings, "counter", sign_in->counter);
  g_settings_set_string (self->settings, "last-username", sign_in->username);

  g_signal_emit (self, signals[SIGNED_IN], 0, sign_in->username, display_name,
                 roles != NULL ? roles : "", sign_in->counter);
  g_signal_emit (self, signals[PASSWORD_ACCEPTED], 0, sign_in->username, sign_in->password);

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
}

static gboolean
counter_is_valid (const char *counter)
{
  gsize len = strlen (counter);

  if (len == 0 || len > COUNTER_MAX_LENGTH)
    return FALSE;
  for (const char *p = counter; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallSignInPage *self = HALL_SIGN_IN_PAGE (widget);
  g_autofree char *username = NULL;
  g_autofree char *counter = NULL;
  const char *password;
  SignIn *sign_in;

  if (self->busy || self->store == NULL)
    return;
  /* Enter pressed a moment too early is kept, not lost. */
  if (self->held)
    {
      self->submit_when_released = TRUE;
      return;
    }

  username = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->username_row))));
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  counter = g_ascii_strup (gtk_editable_get_text (GTK_EDITABLE (self->counter_row)), -1);
  g_strstrip (counter);

  if (*username == '\0')
    {
      show_message (self, _("Enter your user name"), self->username_row);
      return;
    }
  if (*password == '\0')
    {
      show_message (self, _("Enter your password"), self->password_row);
      return;
    }
  if (!counter_is_valid (counter))
    {
      show_message (self, _("Counter number: use up to 8 letters and digits, such as C03"),
                    self->counter_row);
      return;
    }

  show_message (self, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->counter_row), counter);

  sign_in = g_new0 (SignIn, 1);
  sign_in->page = g_object_ref (self);
  sign_in->username = g_steal_pointer (&username);
  sign_in->password = g_strdup (password);
  sign_in->counter = g_steal_pointer (&counter);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  set_busy (self, TRUE);
  hall_store_check_password_async (self->store, sign_in->username, sign_in->password,
                                   self->cancellable, check_password_cb, sign_in);
}

/* The message was about what was typed before. */
static void
fields_changed_cb (HallSignInPage *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    show_message (self, NULL, NULL);
}

static void
entry_activated_cb (HallSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

static gboolean
hall_sign_in_page_grab_focus (GtkWidget *widget)
{
  HallSignInPage *self = HALL_SIGN_IN_PAGE (widget);
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));

  if (*username == '\0')
    return gtk_widget_grab_focus (GTK_WIDGET (self->username_row));

  return gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
hall_sign_in_page_dispose (GObject *object)
{
  HallSignInPage *self = HALL_SIGN_IN_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_SIGN_IN_PAGE);
  /* A widget unparents the children its layout holds itself. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (hall_sign_in_page_parent_class)->dispose (object);
}

static void
hall_sign_in_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HallSignInPage *self = HALL_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sign_in_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HallSignInPage *self = HALL_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hall_sign_in_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_sign_in_page_class_init (HallSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_sign_in_page_dispose;
  object_class->get_property = hall_sign_in_page_get_property;
  object_class->set_property = hall_sign_in_page_set_property;
  widget_class->grab_focus = hall_sign_in_page_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING);
  signals[PASSWORD_ACCEPTED] =
    g_signal_new ("password-accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, counter_row);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, demo_label);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, HallSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_sign_in_page_init (HallSignInPage *self)
{
  g_autofree char *counter = NULL;
  g_autofree char *username = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  counter = g_settings_get_string (self->settings, "counter");
  username = g_settings_get_string (self->settings, "last-username");
  gtk_editable_set_text (GTK_EDITABLE (self->counter_row), *counter != '\0' ? counter : "C01");
  gtk_editable_set_text (GTK_EDITABLE (self->username_row), username);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit", FALSE);
}

GtkWidget *
hall_sign_in_page_new (HallStore *store)
{
  return g_object_new (HALL_TYPE_SIGN_IN_PAGE, "store", store, NULL);
}

void
hall_sign_in_page_set_store (HallSignInPage *self,
                             HallStore      *store)
{
  g_return_if_fail (HALL_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (store == NULL || HALL_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  update_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

void
hall_sign_in_page_set_demo (HallSignInPage *self,
                            gboolean        demo)
{
  g_return_if_fail (HALL_IS_SIGN_IN_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), demo);
  if (demo && *gtk_editable_get_text (GTK_EDITABLE (self->username_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->username_row), "demo");
}

void
hall_sign_in_page_set_held (HallSignInPage *self,
                            gboolean        held)
{
  g_return_if_fail (HALL_IS_SIGN_IN_PAGE (self));

  self->held = held;
  if (!held && self->submit_when_released)
    {
      self->submit_when_released = FALSE;
      gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
    }
}

void
hall_sign_in_page_reset (HallSignInPage *self)
{
  g_return_if_fail (HALL_IS_SIGN_IN_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_message (self, NULL, NULL);
}

gboolean
hall_sign_in_page_get_busy (HallSignInPage *self)
{
  g_return_val_if_fail (HALL_IS_SIGN_IN_PAGE (self), FALSE);

  return self->busy;
}

const char *
hall_sign_in_page_get_message (HallSignInPage *self)
{
  g_return_val_if_fail (HALL_IS_SIGN_IN_PAGE (self), NULL);

  return gtk_label_get_label (self->message_label);
}
