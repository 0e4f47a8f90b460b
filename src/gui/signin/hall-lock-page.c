/* hall-lock-page.c — the counter locked for a break
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window keeps every page as it was underneath (an intake half typed,
 * the case open); the lock only covers it and takes the keys, so that
 * nothing is lost and nothing is seen.
 */
#define G_LOG_DOMAIN "hall-signin"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-core-error.h"
#include "hall-lock-page.h"

struct _HallLockPage
{
  GtkWidget            parent_instance;

  AdwStatusPage       *status_page;
  AdwPasswordEntryRow *password_row;
  GtkLabel            *error_label;

  HallStore           *store;
  char                *username;
  GCancellable        *cancellable;
  gboolean             checking;
};

G_DEFINE_FINAL_TYPE (HallLockPage, hall_lock_page, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (HallLockPage *self,
            const char   *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
}

static void
set_checking (HallLockPage *self,
              gboolean      checking)
{
  self->checking = checking;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "lock.unlock", !checking);
}

static void
check_password_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (HallLockPage) self = user_data;
  g_autofree char *display_name = NULL;
  g_autoptr (GError) error = NULL;

  display_name = hall_store_check_password_finish (HALL_STORE (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_checking (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  if (display_name == NULL)
    {
      show_error (self, g_error_matches (error, HALL_STORE_ERROR, HALL_STORE_ERROR_AUTH)
                          ? _("Wrong password: the counter stays locked")
                          : error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  show_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_UNLOCKED], 0);
}

static void
unlock_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallLockPage *self = HALL_LOCK_PAGE (widget);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->checking || self->store == NULL || self->username == NULL)
    return;
  if (*password == '\0')
    {
      show_error (self, _("Enter your password to unlock the counter"));
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }
  set_checking (self, TRUE);
  hall_store_check_password_async (self->store, self->username, password, self->cancellable,
                                   check_password_cb, g_object_ref (self));
}

static void
password_activated_cb (HallLockPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "lock.unlock", NULL);
}

static gboolean
hall_lock_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (HALL_LOCK_PAGE (widget)->password_row));
}

static void
hall_lock_page_dispose (GObject *object)
{
  HallLockPage *self = HALL_LOCK_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_LOCK_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (hall_lock_page_parent_class)->dispose (object);
}

static void
hall_lock_page_finalize (GObject *object)
{
  HallLockPage *self = HALL_LOCK_PAGE (object);

  g_free (self->username);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (hall_lock_page_parent_class)->finalize (object);
}

static void
hall_lock_page_class_init (HallLockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_lock_page_dispose;
  object_class->finalize = hall_lock_page_finalize;
  widget_class->grab_focus = hall_lock_page_grab_focus;

  signals[SIGNAL_UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HallLockPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, HallLockPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, HallLockPage, error_label);
  gtk_widget_class_bind_template_callback (widget_class, password_activated_cb);
  gtk_widget_class_install_action (widget_class, "lock.unlock", NULL, unlock_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
hall_lock_page_init (HallLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
hall_lock_page_new (void)
{
  return g_object_new (HALL_TYPE_LOCK_PAGE, NULL);
}

void
hall_lock_page_lock (HallLockPage *self,
                     HallStore    *store,
                     const char   *username,
                     const char   *display_name,
                     const char   *counter)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *since = g_date_time_format (now, "%H:%M");
  g_autofree char *description = NULL;

  g_return_if_fail (HALL_IS_LOCK_PAGE (self));
  g_return_if_fail (HALL_IS_STORE (store));
  g_return_if_fail (username != NULL);

  g_set_object (&self->store, store);
  g_free (self->username);
  self->username = g_strdup (username);
  set_checking (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);

  /* Translators: "Wang Fang is on a break since 10:42 · Counter C03" */
  description = g_strdup_printf (_("%s is on a break since %s · Counter %s"),
                                 display_name != NULL ? display_name : username, since,
                                 counter != NULL ? counter : "");
  adw_status_page_set_description (self->status_page, description);
}

const char *
hall_lock_page_get_error (HallLockPage *self)
{
  g_return_val_if_fail (HALL_IS_LOCK_PAGE (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
           ? gtk_label_get_label (self->error_label)
           : NULL;
}

GtkEditable *
hall_lock_page_get_password (HallLockPage *self)
{
  g_return_val_if_fail (HALL_IS_LOCK_PAGE (self), NULL);

  return GTK_EDITABLE (self->password_row);
}
