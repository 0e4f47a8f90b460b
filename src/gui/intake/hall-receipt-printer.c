/* hall-receipt-printer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-receipt-printer.h"

struct _HallReceiptPrinter
{
  GObject           parent_instance;

  GtkPageSetup     *page_setup;
  GtkPrintSettings *settings;
  GSettings        *gsettings;        /* (nullable): where the default printer is kept */
  char             *default_printer;  /* (nullable) */
  char             *output_uri;       /* (nullable): for "Print to File" */
};

G_DEFINE_FINAL_TYPE (HallReceiptPrinter, hall_receipt_printer, G_TYPE_OBJECT)

typedef struct
{
  HallReceipt       *receipt;
  GtkPrintOperation *operation;
  gboolean           finished;
  gboolean           dialog;
} PrintData;

typedef struct
{
  HallReceipt          *receipt;
  GFile                *file;
  GtkFileChooserNative *chooser;
} SaveData;

static void
print_data_free (PrintData *data)
{
  g_clear_object (&data->receipt);
  g_clear_object (&data->operation);
  g_free (data);
}

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->receipt);
  g_clear_object (&data->file);
  if (data->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (data->chooser));
  g_clear_object (&data->chooser);
  g_free (data);
}

static void
hall_receipt_printer_dispose (GObject *object)
{
  HallReceiptPrinter *self = HALL_RECEIPT_PRINTER (object);

  g_clear_object (&self->page_setup);
  g_clear_object (&self->settings);
  g_clear_object (&self->gsettings);
  g_clear_pointer (&self->default_printer, g_free);
  g_clear_pointer (&self->output_uri, g_free);

  G_OBJECT_CLASS (hall_receipt_printer_parent_class)->dispose (object);
}

static void
hall_receipt_printer_class_init (HallReceiptPrinterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = hall_receipt_printer_dispose;
}

static void
hall_receipt_printer_init (HallReceiptPrinter *self)
{
  g_autoptr(GtkPaperSize) a5 = gtk_paper_size_new (GTK_PAPER_NAME_A5);

  self->page_setup = gtk_page_setup_new ();
  gtk_page_setup_set_paper_size_and_default_margins (self->page_setup, a5);
  gtk_page_setup_set_orientation (self->page_setup, GTK_PAGE_ORIENTATION_PORTRAIT);

  /* The receipt printer is chosen once per counter and kept. */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema =
      source != NULL ? g_settings_schema_source_lookup (source, "org.servicehall.Counter", TRUE)
                     : NULL;

    if (schema != NULL && g_settings_schema_has_key (schema, "receipt-printer"))
      {
        g_autofree char *name = NULL;

        self->gsettings = g_settings_new ("org.servicehall.Counter");
        name = g_settings_get_string (self->gsettings, "receipt-printer");
        if (*name != '\0')
          self->default_printer = g_steal_pointer (&name);
      }
  }
}

HallReceiptPrinter *
hall_receipt_printer_new (void)
{
  return g_object_new (HALL_TYPE_RECEIPT_PRINTER, NULL);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              PrintData         *data)
{
  hall_receipt_render (data->receipt, gtk_print_context_get_cairo_context (context),
                       gtk_print_context_get_width (context),
                       gtk_print_context_get_height (context));
}

static void on_print_done (GtkPrintOperation       *operation,
                           GtkPrintOperationResult  result,
                           GTask                   *task);

static void
finish_print (GTask                  *task,
              GtkPrintOperationResult result)
{
  HallReceiptPrinter *self = g_task_get_source_object (task);
  PrintData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (data->finished)
    return;
  data->finished = TRUE;

  switch (result)
    {
    case GTK_PRINT_OPERATION_RESULT_APPLY:
      g_set_object (&self->settings, gtk_print_operation_get_print_settings (data->operation));
      /* The printer chosen in the dialog prints the next receipts. */
      if (data->dialog && self->settings != NULL
          && gtk_print_settings_get_printer (self->settings) != NULL)
        hall_receipt_printer_set_default_printer (self,
                                                  gtk_print_settings_get_printer (self->settings));
      g_task_return_boolean (task, TRUE);
      break;

    case GTK_PRINT_OPERATION_RESULT_CANCEL:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Printing was cancelled"));
      break;

    case GTK_PRINT_OPERATION_RESULT_ERROR:
      gtk_print_operation_get_error (data->operation, &error);
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                     _("The receipt could not be printed"));
      g_task_return_error (task, error);
      break;

    case GTK_PRINT_OPERATION_RESULT_IN_PROGRESS:
    default:
      data->finished = FALSE;
      return;
    }

  /* Drops the task's reference held by the "done" handler: the operation
   * lives in the task's data, and the cycle must break here. */
  g_signal_handlers_disconnect_by_func (data->operation, on_print_done, task);
}

static void
on_print_done (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               GTask                   *task)
{
  finish_print (task, result);
}

static void
print_run (HallReceiptPrinter  *self,
           HallReceipt         *receipt,
           GtkWindow           *parent,
           gboolean             dialog,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *job_name = NULL;
  GtkPrintOperationResult result;
  PrintData *data;

  g_return_if_fail (HALL_IS_RECEIPT_PRINTER (self));
  g_return_if_fail (HALL_IS_RECEIPT (receipt));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, print_run);

  data = g_new0 (PrintData, 1);
  data->receipt = g_object_ref (receipt);
  data->operation = gtk_print_operation_new ();
  data->dialog = dialog || self->default_printer == NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);

  job_name = g_strdup_printf (_("Intake Receipt %s"),
                              hall_case_get_number (hall_receipt_get_case (receipt)));
  gtk_print_operation_set_job_name (data->operation, job_name);
  gtk_print_operation_set_n_pages (data->operation, 1);
  gtk_print_operation_set_unit (data->operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_default_page_setup (data->operation, self->page_setup);
  gtk_print_operation_set_embed_page_setup (data->operation, TRUE);
  gtk_print_operation_set_allow_async (data->operation, TRUE);
  if (self->settings != NULL)
    gtk_print_operation_set_print_settings (data->operation, self->settings);
  if (!data->dialog)
    {
      g_autoptr(GtkPrintSettings) settings =
        self->settings != NULL ? gtk_print_settings_copy (self->settings) : gtk_print_settings_new ();

      gtk_print_settings_set_printer (settings, self->default_printer);
      if (self->output_uri != NULL)
        gtk_print_settings_set (settings, GTK_PRINT_SETTINGS_OUTPUT_URI, self->output_uri);
      gtk_print_operation_set_print_settings (data->operation, settings);
    }

  g_signal_connect (data->operation, "draw-page", G_CALLBACK (on_draw_page), data);
  g_signal_connect_data (data->operation, "done", G_CALLBACK (on_print_done),
                         g_object_ref (task), (GClosureNotify) g_object_unref, 0);

  result = gtk_print_operation_run (data->operation,
                                    data->dialog ? GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG
                                                 : GTK_PRINT_OPERATION_ACTION_PRINT,
                                    parent, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR && error != NULL && !data->finished)
    {
      data->finished = TRUE;
      g_signal_handlers_disconnect_by_func (data->operation, on_print_done, task);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  finish_print (task, result);
}

void
hall_receipt_printer_print_async (HallReceiptPrinter  *self,
                                  HallReceipt         *receipt,
                                  GtkWindow           *parent,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  print_run (self, receipt, parent, FALSE, cancellable, callback, user_data);
}

void
hall_receipt_printer_print_with_dialog_async (HallReceiptPrinter  *self,
                                              HallReceipt         *receipt,
                                              GtkWindow           *parent,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  print_run (self, receipt, parent, TRUE, cancellable, callback, user_data);
}

gboolean
hall_receipt_printer_print_finish (HallReceiptPrinter  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
pdf_written (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (hall_receipt_write_pdf_finish (HALL_RECEIPT (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
hall_receipt_printer_write_pdf_async (HallReceiptPrinter  *self,
                                      HallReceipt         *receipt,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (HALL_IS_RECEIPT_PRINTER (self));
  g_return_if_fail (HALL_IS_RECEIPT (receipt));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_receipt_printer_write_pdf_async);
  /* The receipt writes itself on a worker; the task's own reference
   * travels with that call and answers as the printer. */
  hall_receipt_write_pdf_async (receipt, file, cancellable, pdf_written, task);
}

gboolean
hall_receipt_printer_write_pdf_finish (HallReceiptPrinter  *self,
                                       GAsyncResult        *result,
                                       GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
save_written (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (hall_receipt_printer_write_pdf_finish (HALL_RECEIPT_PRINTER (object), result, &error))
    g_task_return_pointer (task, g_object_ref (data->file), g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     GTask           *task)
{
  HallReceiptPrinter *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Saving was cancelled"));
      g_object_unref (task);
      return;
    }

  data->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  hall_receipt_printer_write_pdf_async (self, data->receipt, data->file,
                                        g_task_get_cancellable (task), save_written, task);
}

void
hall_receipt_printer_save_pdf_async (HallReceiptPrinter  *self,
                                     HallReceipt         *receipt,
                                     GtkWindow           *parent,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GTask *task;
  SaveData *data;

  g_return_if_fail (HALL_IS_RECEIPT_PRINTER (self));
  g_return_if_fail (HALL_IS_RECEIPT (receipt));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hall_receipt_printer_save_pdf_async);

  data = g_new0 (SaveData, 1);
  data->receipt = g_object_ref (receipt);
  data->chooser = gtk_file_chooser_native_new (_("Save Receipt as PDF"), parent,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->chooser), filter);
  /* TRANSLATORS: file name of a saved receipt; %s is the case number */
  name = g_strdup_printf (_("receipt-%s.pdf"), hall_case_get_number (hall_receipt_get_case (receipt)));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->chooser), name);
  /* Not the program's working directory: where a person keeps documents. */
  {
    g_autoptr(GFile) folder = hall_receipt_printer_get_pdf_folder ();

    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (data->chooser), folder, NULL);
  }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->chooser), TRUE);

  /* The task's own reference travels with the chooser until it answers. */
  g_signal_connect (data->chooser, "response", G_CALLBACK (on_chooser_response), task);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->chooser));
}

GFile *
hall_receipt_printer_save_pdf_finish (HallReceiptPrinter  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
hall_receipt_printer_get_default_printer (HallReceiptPrinter *self)
{
  g_return_val_if_fail (HALL_IS_RECEIPT_PRINTER (self), NULL);

  return self->default_printer;
}

void
hall_receipt_printer_set_default_printer (HallReceiptPrinter *self,
                                          const char         *name)
{
  g_return_if_fail (HALL_IS_RECEIPT_PRINTER (self));

  if (name != NULL && *name == '\0')
    name = NULL;
  if (g_strcmp0 (self->default_printer, name) == 0)
    return;
  g_free (self->default_printer);
  self->default_printer = g_strdup (name);
  if (self->gsettings != NULL)
    g_settings_set_string (self->gsettings, "receipt-printer", name != NULL ? name : "");
}

void
hall_receipt_printer_set_output_uri (HallReceiptPrinter *self,
                                     const char         *uri)
{
  g_return_if_fail (HALL_IS_RECEIPT_PRINTER (self));

  g_free (self->output_uri);
  self->output_uri = g_strdup (uri);
}

GFile *
hall_receipt_printer_get_pdf_folder (void)
{
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  return g_file_new_for_path (documents != NULL ? documents : g_get_home_dir ());
}
