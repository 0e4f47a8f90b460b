/* hall-intake-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-intake-dialog.h"

struct _HallIntakeDialog
{
  AdwWindow    parent_instance;

  HallStore   *store;
  HallCatalog *catalog;
  char        *official;
};

G_DEFINE_FINAL_TYPE (HallIntakeDialog, hall_intake_dialog, ADW_TYPE_WINDOW)

enum
{
  CASE_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
hall_intake_dialog_dispose (GObject *object)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_INTAKE_DIALOG);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (hall_intake_dialog_parent_class)->dispose (object);
}

static void
hall_intake_dialog_finalize (GObject *object)
{
  HallIntakeDialog *self = HALL_INTAKE_DIALOG (object);

  g_free (self->official);

  G_OBJECT_CLASS (hall_intake_dialog_parent_class)->finalize (object);
}

static void
hall_intake_dialog_class_init (HallIntakeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_intake_dialog_dispose;
  object_class->finalize = hall_intake_dialog_finalize;

  signals[CASE_CREATED] =
    g_signal_new ("case-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HALL_TYPE_CASE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-intake-dialog.ui");
}

static void
hall_intake_dialog_init (HallIntakeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HallIntakeDialog *
hall_intake_dialog_new (GtkWindow   *parent,
                        HallStore   *store,
                        HallCatalog *catalog,
                        const char  *official_username)
{
  HallIntakeDialog *self;

  g_return_val_if_fail (HALL_IS_STORE (store), NULL);
  g_return_val_if_fail (HALL_IS_CATALOG (catalog), NULL);

  self = g_object_new (HALL_TYPE_INTAKE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->store = g_object_ref (store);
  self->catalog = g_object_ref (catalog);
  self->official = g_strdup (official_username);

  return self;
}
