/* hall-applicant-form.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-intake"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-applicant-form.h"
#include "hall-applicant-form-private.h"
#include "hall-error.h"
#include "hall-validate.h"

/* How long typing must pause before a field's error is shown: long enough
 * not to flag a number that is still being typed. */
#define PAUSE_MS 600

typedef enum
{
  FIELD_ID_NUMBER,
  FIELD_CREDIT_CODE,
  FIELD_NAME,
  FIELD_PHONE,
  FIELD_BUSINESS_NAME,
  FIELD_LEGAL_REPRESENTATIVE,
  FIELD_CONTACT_PERSON,
  N_FIELDS
} Field;

/* The JSON names hall_applicant_validate() reports, so its verdict lands on
 * the right row. */
static const char * const field_names[N_FIELDS] = {
  "id_number", "credit_code", "name", "phone", "business_name", "legal_representative",
  "contact_person",
};

typedef enum
{
  LOOKUP_IDLE,
  LOOKUP_RUNNING,
  LOOKUP_FOUND,
  LOOKUP_NOT_FOUND,
} LookupState;

struct _HallApplicantForm
{
  AdwBin             parent_instance;

  HallStore         *store;
  HallApplicantKind  kind;
  gboolean           valid;

  LookupState        lookup;
  char              *looked_up;
  HallApplicant     *returning;
  guint              n_earlier_cases;
  GCancellable      *lookup_cancellable;
  GCancellable      *phone_cancellable;
  guint              pause_id;
  gboolean           touched[N_FIELDS];

  GtkToggleButton   *person_button;
  GtkToggleButton   *business_button;
  AdwComboRow       *id_type_row;
  AdwEntryRow       *rows[N_FIELDS];
  GtkLabel          *errors[N_FIELDS];
  AdwActionRow      *returning_row;
  AdwAvatar         *returning_avatar;
  GtkSpinner        *lookup_spinner;
  AdwEntryRow       *returning_phone_row;
  GtkWidget         *returning_phone_status_row;
  GtkLabel          *returning_phone_status;
  GtkWidget         *details_group;
  GtkLabel          *id_number_readout;
};

G_DEFINE_FINAL_TYPE (HallApplicantForm, hall_applicant_form, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_KIND,
  PROP_VALID,
  PROP_RETURNING,
  N_PROPS
};

enum
{
  SUBMITTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
get_text (HallApplicantForm *self,
          Field              field)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->rows[field]));
}

static Field
document_field (HallApplicantForm *self)
{
  return self->kind == HALL_APPLICANT_PERSON ? FIELD_ID_NUMBER : FIELD_CREDIT_CODE;
}

static HallIdType
get_id_type (HallApplicantForm *self)
{
  return (HallIdType) adw_combo_row_get_selected (self->id_type_row);
}

static gboolean
field_is_shown (HallApplicantForm *self,
                Field              field)
{
  gboolean person = self->kind == HALL_APPLICANT_PERSON;
  gboolean details = self->lookup == LOOKUP_NOT_FOUND;

  switch (field)
    {
    case FIELD_ID_NUMBER:
      return person;
    case FIELD_CREDIT_CODE:
      return !person;
    case FIELD_NAME:
      return person && details;
    case FIELD_PHONE:
      /* A business's contact phone too. */
      return details;
    case FIELD_BUSINESS_NAME:
    case FIELD_LEGAL_REPRESENTATIVE:
    case FIELD_CONTACT_PERSON:
      return !person && details;
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
validate_field (HallApplicantForm *self,
                Field              field,
                GError           **error)
{
  g_autofree char *text = NULL;

  if (field == FIELD_NAME || field == FIELD_BUSINESS_NAME || field == FIELD_LEGAL_REPRESENTATIVE
      || field == FIELD_CONTACT_PERSON)
    text = g_strstrip (g_strdup (get_text (self, field)));
  else
    text = hall_normalize_document_number (get_text (self, field));

  switch (field)
    {
    case FIELD_ID_NUMBER:
      switch (get_id_type (self))
        {
        case HALL_ID_TYPE_RESIDENT_ID:
          return hall_validate_resident_id (text, error);
        case HALL_ID_TYPE_PASSPORT:
          return hall_validate_passport (text, error);
        case HALL_ID_TYPE_HK_MACAU_PERMIT:
          return hall_validate_hk_macau_permit (text, error);
        case HALL_ID_TYPE_TAIWAN_PERMIT:
          return hall_validate_taiwan_permit (text, error);
        case HALL_ID_TYPE_FOREIGN_PERMANENT:
          return hall_validate_foreign_permanent (text, error);
        default:
          g_assert_not_reached ();
        }
    case FIELD_CREDIT_CODE:
      return hall_validate_credit_code (text, error);
    case FIELD_NAME:
      return hall_validate_name (text, error);
    case FIELD_PHONE:
      return hall_validate_phone (text, error);
    case FIELD_BUSINESS_NAME:
      return hall_validate_name_field (_("Business name"), text, error);
    case FIELD_LEGAL_REPRESENTATIVE:
      return hall_validate_person_name_field (_("Legal representative"), text, error);
    case FIELD_CONTACT_PERSON:
      /* Whom to call, when it is not the legal representative: optional. */
      return *text == '\0'
             || hall_validate_person_name_field (_("Contact person"), text, error);
    case N_FIELDS:
    default:
      g_assert_not_reached ();
    }
}

static void
set_field_error (HallApplicantForm *self,
                 Field              field,
                 const char        *message)
{
  GtkWidget *error_row = gtk_widget_get_parent (GTK_WIDGET (self->errors[field]));

  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->rows[field]), "error");
      gtk_label_set_label (self->errors[field], message);
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->rows[field]), "error");

  gtk_widget_set_visible (error_row, message != NULL && field_is_shown (self, field));
}

/* Shows (or clears) the validator's verdict on @field; returns it. */
static gboolean
check_field (HallApplicantForm *self,
             Field              field)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = validate_field (self, field, &error);

  set_field_error (self, field, ok ? NULL : error->message);
  return ok;
}

static HallApplicant *
build_applicant (HallApplicantForm *self)
{
  g_autofree char *number = hall_normalize_document_number (get_text (self, document_field (self)));
  g_autofree char *name = NULL;
  g_autofree char *other = NULL;

  if (self->kind == HALL_APPLICANT_PERSON)
    {
      name = g_strstrip (g_strdup (get_text (self, FIELD_NAME)));
      other = hall_normalize_document_number (get_text (self, FIELD_PHONE));
      return hall_applicant_new_person (name, get_id_type (self), number, other);
    }

  name = g_strstrip (g_strdup (get_text (self, FIELD_BUSINESS_NAME)));
  other = g_strstrip (g_strdup (get_text (self, FIELD_LEGAL_REPRESENTATIVE)));
  {
    HallApplicant *business = hall_applicant_new_business (name, number, other);
    g_autofree char *phone = hall_normalize_document_number (get_text (self, FIELD_PHONE));
    g_autofree char *contact = g_strstrip (g_strdup (get_text (self, FIELD_CONTACT_PERSON)));

    hall_applicant_set_phone (business, phone != NULL && *phone != '\0' ? phone : NULL);
    hall_applicant_set_contact_person (business, *contact != '\0' ? contact : NULL);
    return business;
  }
}

static gboolean
compute_valid (HallApplicantForm *self)
{
  g_autoptr(HallApplicant) applicant = NULL;
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  guint i;

  if (!validate_field (self, document_field (self), NULL))
    return FALSE;
  if (self->lookup == LOOKUP_FOUND)
    return TRUE;
  if (self->lookup != LOOKUP_NOT_FOUND)
    return FALSE;

  for (i = FIELD_NAME; i < N_FIELDS; i++)
    if (field_is_shown (self, i) && !validate_field (self, i, NULL))
      return FALSE;

  /* The model has the last word, with the same messages the server gives. */
  applicant = build_applicant (self);
  if (!hall_applicant_validate (applicant, &field, &error))
    {
      for (i = 0; i < N_FIELDS; i++)
        if (g_strcmp0 (field, field_names[i]) == 0
            || (g_strcmp0 (field, "name") == 0 && i == FIELD_BUSINESS_NAME
                && self->kind == HALL_APPLICANT_BUSINESS))
          set_field_error (self, i, error->message);
      return FALSE;
    }

  return TRUE;
}

static void
update_valid (HallApplicantForm *self)
{
  gboolean valid = compute_valid (self);

  if (valid == self->valid)
    return;
  self->valid = valid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
update_visibility (HallApplicantForm *self)
{
  gboolean person = self->kind == HALL_APPLICANT_PERSON;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  guint i;

  gtk_widget_set_visible (GTK_WIDGET (self->id_type_row), person);
  for (i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *error_row = gtk_widget_get_parent (GTK_WIDGET (self->errors[i]));

      gtk_widget_set_visible (GTK_WIDGET (self->rows[i]), field_is_shown (self, i));
      if (!field_is_shown (self, i))
        gtk_widget_set_visible (error_row, FALSE);
      else if (gtk_widget_has_css_class (GTK_WIDGET (self->rows[i]), "error"))
        gtk_widget_set_visible (error_row, TRUE);
    }
  gtk_widget_set_visible (self->details_group, self->lookup == LOOKUP_NOT_FOUND);

  gtk_widget_set_visible (GTK_WIDGET (self->lookup_spinner), self->lookup == LOOKUP_RUNNING);
  gtk_spinner_set_spinning (self->lookup_spinner, self->lookup == LOOKUP_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->returning_avatar), self->lookup == LOOKUP_FOUND);
  gtk_widget_set_visible (GTK_WIDGET (self->returning_row),
                          self->lookup == LOOKUP_RUNNING || self->lookup == LOOKUP_FOUND);
  gtk_widget_set_visible (GTK_WIDGET (self->returning_phone_row), self->lookup == LOOKUP_FOUND);
  if (self->lookup != LOOKUP_FOUND)
    gtk_widget_set_visible (self->returning_phone_status_row, FALSE);

  if (self->lookup == LOOKUP_RUNNING)
    {
      title = g_strdup (_("Looking for earlier cases…"));
      subtitle = g_strdup ("");
    }
  else if (self->lookup == LOOKUP_FOUND)
    {
      title = g_strdup_printf (_("Returning applicant: %s"),
                               hall_applicant_get_name (self->returning));
      if (self->n_earlier_cases == 0)
        subtitle = g_strdup (_("No earlier cases"));
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u earlier case",
                                                 "%u earlier cases", self->n_earlier_cases),
                                    self->n_earlier_cases);
      adw_avatar_set_text (self->returning_avatar, hall_applicant_get_name (self->returning));
    }

  if (title != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->returning_row), title);
      adw_action_row_set_subtitle (self->returning_row, subtitle);
    }
}

/* A returning applicant's phone */

static void
show_phone_status (HallApplicantForm *self,
                   const char        *text,
                   gboolean           is_error)
{
  gtk_label_set_text (self->returning_phone_status, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->returning_phone_status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->returning_phone_status), "error");
  gtk_widget_set_visible (self->returning_phone_status_row, TRUE);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->returning_phone_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->returning_phone_row), "error");
}

static void
returning_phone_changed_cb (HallApplicantForm *self)
{
  /* An error goes as soon as the number is edited. */
  if (gtk_widget_has_css_class (GTK_WIDGET (self->returning_phone_row), "error"))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->returning_phone_row), "error");
      gtk_widget_set_visible (self->returning_phone_status_row, FALSE);
    }
}

typedef struct
{
  HallApplicantForm *self;
  char              *phone;
} PhoneCorrection;

static void
correct_phone_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PhoneCorrection *correction = user_data;
  g_autoptr(HallApplicantForm) self = correction->self;
  g_autofree char *phone = correction->phone;
  g_autoptr(GError) error = NULL;

  g_free (correction);
  if (!hall_store_correct_applicant_phone_finish (HALL_STORE (object), result, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The phone was not corrected: %s"), error->message);
      show_phone_status (self, message, TRUE);
      return;
    }
  g_clear_object (&self->phone_cancellable);
  if (self->returning != NULL)
    hall_applicant_set_phone (self->returning, phone);
  show_phone_status (self, _("Phone corrected; the hall’s server gets it with the next sync"),
                     FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETURNING]);
}

static void
returning_phone_apply_cb (HallApplicantForm *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->returning_phone_row));
  g_autofree char *phone = NULL;
  g_autoptr(GError) error = NULL;
  PhoneCorrection *correction;

  if (self->returning == NULL || self->store == NULL)
    return;
  phone = hall_applicant_check_phone (text, &error);
  if (phone == NULL)
    {
      show_phone_status (self, error->message, TRUE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->returning_phone_row), phone);
  if (g_strcmp0 (phone, hall_applicant_get_phone (self->returning)) == 0)
    return;

  g_cancellable_cancel (self->phone_cancellable);
  g_clear_object (&self->phone_cancellable);
  self->phone_cancellable = g_cancellable_new ();
  correction = g_new0 (PhoneCorrection, 1);
  correction->self = g_object_ref (self);
  correction->phone = g_steal_pointer (&phone);
  hall_store_correct_applicant_phone_async (self->store,
                                            hall_applicant_get_uuid (self->returning),
                                            correction->phone, self->phone_cancellable,
                                            correct_phone_cb, correction);
}

static void
lookup_done (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(HallApplicantForm) self = user_data;
  g_autoptr(HallApplicant) applicant = NULL;
  g_autoptr(GError) error = NULL;
  guint n_cases = 0;

  applicant = hall_store_find_applicant_by_identity_finish (HALL_STORE (object), res, &n_cases,
                                                            &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->lookup_cancellable);
  g_clear_object (&self->returning);

  if (applicant != NULL && hall_applicant_get_kind (applicant) == self->kind)
    {
      const char *phone;

      self->returning = g_steal_pointer (&applicant);
      self->n_earlier_cases = n_cases;
      phone = hall_applicant_get_phone (self->returning);
      gtk_editable_set_text (GTK_EDITABLE (self->returning_phone_row), phone ? phone : "");
      gtk_widget_set_visible (self->returning_phone_status_row, FALSE);
      self->lookup = LOOKUP_FOUND;
    }
  else
    {
      /* A store that cannot be read still lets the intake go on: the
       * applicant is then taken in as new. */
      if (error != NULL)
        g_warning ("Could not look up the applicant: %s", error->message);
      self->lookup = LOOKUP_NOT_FOUND;
    }

  update_visibility (self);
  update_valid (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETURNING]);
}

/* What identifies the applicant typed: the kind, the type of ID and the
 * number, as the store keeps one applicant per identity document. */
static char *
identity_key (HallApplicantForm *self)
{
  g_autofree char *number = hall_normalize_document_number (get_text (self, document_field (self)));

  if (self->kind == HALL_APPLICANT_BUSINESS)
    return g_strdup_printf ("business::%s", number);
  return g_strdup_printf ("person:%s:%s", hall_id_type_to_string (get_id_type (self)), number);
}

/* The identity document decides who the applicant is: when it changes,
 * any earlier answer is void, and a valid one is looked up again. */
static void
restart_lookup (HallApplicantForm *self)
{
  g_autofree char *key = identity_key (self);
  gboolean was_returning = self->lookup == LOOKUP_FOUND;

  if (self->looked_up != NULL && g_strcmp0 (key, self->looked_up) == 0
      && self->lookup != LOOKUP_IDLE)
    return;

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  g_clear_object (&self->returning);
  g_clear_pointer (&self->looked_up, g_free);
  self->lookup = LOOKUP_IDLE;

  if (validate_field (self, document_field (self), NULL))
    {
      if (self->store == NULL)
        self->lookup = LOOKUP_NOT_FOUND;
      else
        {
          g_autoptr(HallApplicant) probe = build_applicant (self);

          self->lookup = LOOKUP_RUNNING;
          self->looked_up = g_steal_pointer (&key);
          self->lookup_cancellable = g_cancellable_new ();
          hall_store_find_applicant_by_identity_async (self->store, probe,
                                                       self->lookup_cancellable, lookup_done,
                                                       g_object_ref (self));
        }
    }

  update_visibility (self);
  if (was_returning)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETURNING]);
}

static gboolean
pause_elapsed (gpointer user_data)
{
  HallApplicantForm *self = user_data;
  guint i;

  self->pause_id = 0;
  for (i = 0; i < N_FIELDS; i++)
    if (field_is_shown (self, i) && (self->touched[i] || *get_text (self, i) != '\0'))
      check_field (self, i);

  return G_SOURCE_REMOVE;
}

static Field
field_of_row (HallApplicantForm *self,
              GtkWidget         *row)
{
  guint i;

  for (i = 0; i < N_FIELDS; i++)
    if (GTK_WIDGET (self->rows[i]) == row)
      return i;
  g_assert_not_reached ();
}

/* What a resident ID says of its holder, beside the number, for the
 * official to hold against the card and the person in front of them. */
static void
update_id_readout (HallApplicantForm *self)
{
  g_autofree char *number = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GDate) birth = NULL;
  char date[16];
  HallSex sex = HALL_SEX_UNKNOWN;

  if (self->kind == HALL_APPLICANT_PERSON && get_id_type (self) == HALL_ID_TYPE_RESIDENT_ID)
    {
      number = hall_normalize_document_number (get_text (self, FIELD_ID_NUMBER));
      birth = hall_resident_id_get_birth_date (number);
      sex = hall_resident_id_get_sex (number);
    }
  if (birth == NULL || sex == HALL_SEX_UNKNOWN)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->id_number_readout), FALSE);
      return;
    }

  g_date_strftime (date, sizeof date, "%Y-%m-%d", birth);
  /* Translators: read from a resident ID number: "born 1985-06-12, female" */
  text = g_strdup_printf (_("born %s, %s"), date,
                          sex == HALL_SEX_MALE ? _("male") : _("female"));
  gtk_label_set_label (self->id_number_readout, text);
  gtk_widget_set_visible (GTK_WIDGET (self->id_number_readout), TRUE);
}

static void
on_row_changed (GtkEditable       *editable,
                HallApplicantForm *self)
{
  Field field = field_of_row (self, GTK_WIDGET (editable));

  if (field == FIELD_ID_NUMBER)
    update_id_readout (self);

  /* An error speaks of what was typed before: it goes at once, and what is
   * typed now is judged after a pause (a half-typed number is not wrong). */
  if (gtk_widget_has_css_class (GTK_WIDGET (editable), "error"))
    set_field_error (self, field, NULL);

  g_clear_handle_id (&self->pause_id, g_source_remove);
  self->pause_id = g_timeout_add (PAUSE_MS, pause_elapsed, self);

  if (field == document_field (self))
    restart_lookup (self);
  update_valid (self);
}

static void
on_row_leave (GtkEventControllerFocus *controller,
              HallApplicantForm       *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  Field field = field_of_row (self, row);

  if (!field_is_shown (self, field))
    return;
  /* Left empty, a required field of the details says so at the field,
   * rather than only keeping Next disabled; the number field, where every
   * intake starts, is not scolded for being empty. */
  if (*get_text (self, field) == '\0' && field == document_field (self))
    return;
  self->touched[field] = TRUE;
  check_field (self, field);
}

static void
on_row_activated (AdwEntryRow       *row,
                  HallApplicantForm *self)
{
  Field field = field_of_row (self, GTK_WIDGET (row));
  guint i;

  self->touched[field] = TRUE;
  if (!check_field (self, field))
    return;

  update_valid (self);
  if (self->valid)
    {
      g_signal_emit (self, signals[SUBMITTED], 0);
      return;
    }

  /* Enter walks on to the next field that still needs something. */
  for (i = 0; i < N_FIELDS; i++)
    if (field_is_shown (self, i) && i != field && !validate_field (self, i, NULL))
      {
        gtk_widget_grab_focus (GTK_WIDGET (self->rows[i]));
        return;
      }
}

static void
on_id_type_changed (HallApplicantForm *self)
{
  update_id_readout (self);
  if (*get_text (self, FIELD_ID_NUMBER) != '\0')
    check_field (self, FIELD_ID_NUMBER);
  restart_lookup (self);
  update_valid (self);
}

static void
on_kind_toggled (GtkToggleButton   *button,
                 HallApplicantForm *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  hall_applicant_form_set_kind (self, button == self->person_button ? HALL_APPLICANT_PERSON
                                                                   : HALL_APPLICANT_BUSINESS);
}

/* The official chose by hand (Alt+P, Alt+B, a click): what comes next is
 * the document number, so go there, also when the kind was already the
 * one chosen (then nothing toggles, and the keys stayed on the button). */
static void
on_kind_clicked (GtkButton         *button,
                 HallApplicantForm *self)
{
  if (gtk_widget_has_focus (GTK_WIDGET (button)))
    hall_applicant_form_focus_first (self);
}

static void
hall_applicant_form_dispose (GObject *object)
{
  HallApplicantForm *self = HALL_APPLICANT_FORM (object);

  g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);
  /* A correction asked for is written even when the form goes. */
  g_clear_object (&self->phone_cancellable);
  g_clear_handle_id (&self->pause_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_APPLICANT_FORM);
  g_clear_object (&self->store);
  g_clear_object (&self->returning);

  G_OBJECT_CLASS (hall_applicant_form_parent_class)->dispose (object);
}

static void
hall_applicant_form_finalize (GObject *object)
{
  HallApplicantForm *self = HALL_APPLICANT_FORM (object);

  g_free (self->looked_up);

  G_OBJECT_CLASS (hall_applicant_form_parent_class)->finalize (object);
}

static void
hall_applicant_form_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HallApplicantForm *self = HALL_APPLICANT_FORM (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_VALID:
      g_value_set_boolean (value, self->valid);
      break;

    case PROP_RETURNING:
      g_value_set_boolean (value, self->lookup == LOOKUP_FOUND);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_applicant_form_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HallApplicantForm *self = HALL_APPLICANT_FORM (object);

  switch (prop_id)
    {
    case PROP_STORE:
      hall_applicant_form_set_store (self, g_value_get_object (value));
      break;

    case PROP_KIND:
      hall_applicant_form_set_kind (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_field (GtkWidgetClass *widget_class,
            Field           field,
            const char     *row_id,
            const char     *error_id)
{
  gtk_widget_class_bind_template_child_full (widget_class, row_id, FALSE,
                                             G_STRUCT_OFFSET (HallApplicantForm, rows)
                                             + field * sizeof (gpointer));
  gtk_widget_class_bind_template_child_full (widget_class, error_id, FALSE,
                                             G_STRUCT_OFFSET (HallApplicantForm, errors)
                                             + field * sizeof (gpointer));
}

static void
hall_applicant_form_class_init (HallApplicantFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hall_applicant_form_dispose;
  object_class->finalize = hall_applicant_form_finalize;
  object_class->get_property = hall_applicant_form_get_property;
  object_class->set_property = hall_applicant_form_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, HALL_TYPE_APPLICANT_KIND, HALL_APPLICANT_PERSON,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETURNING] =
    g_param_spec_boolean ("returning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-applicant-form.ui");
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, person_button);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, business_button);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, id_type_row);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, returning_row);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, returning_avatar);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, returning_phone_row);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm,
                                        returning_phone_status_row);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, returning_phone_status);
  gtk_widget_class_bind_template_callback (widget_class, returning_phone_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, returning_phone_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, lookup_spinner);
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, details_group);
  bind_field (widget_class, FIELD_ID_NUMBER, "id_number_row", "id_number_error");
  gtk_widget_class_bind_template_child (widget_class, HallApplicantForm, id_number_readout);
  bind_field (widget_class, FIELD_CREDIT_CODE, "credit_code_row", "credit_code_error");
  bind_field (widget_class, FIELD_NAME, "name_row", "name_error");
  bind_field (widget_class, FIELD_PHONE, "phone_row", "phone_error");
  bind_field (widget_class, FIELD_BUSINESS_NAME, "business_name_row", "business_name_error");
  bind_field (widget_class, FIELD_LEGAL_REPRESENTATIVE, "legal_representative_row",
              "legal_representative_error");
  bind_field (widget_class, FIELD_CONTACT_PERSON, "contact_person_row", "contact_person_error");
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_clicked);
}

static void
hall_applicant_form_init (HallApplicantForm *self)
{
  g_autoptr(GtkStringList) id_types = gtk_string_list_new (NULL);
  guint i;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* In HallIdType order, so the selected position is the type. */
  for (i = HALL_ID_TYPE_RESIDENT_ID; i <= HALL_ID_TYPE_FOREIGN_PERMANENT; i++)
    gtk_string_list_append (id_types, hall_id_type_get_label (i));
  adw_combo_row_set_model (self->id_type_row, G_LIST_MODEL (id_types));
  g_signal_connect_swapped (self->id_type_row, "notify::selected",
                            G_CALLBACK (on_id_type_changed), self);

  for (i = 0; i < N_FIELDS; i++)
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      g_signal_connect (focus, "leave", G_CALLBACK (on_row_leave), self);
      gtk_widget_add_controller (GTK_WIDGET (self->rows[i]), focus);
      g_signal_connect (self->rows[i], "changed", G_CALLBACK (on_row_changed), self);
      g_signal_connect (self->rows[i], "entry-activated", G_CALLBACK (on_row_activated), self);
    }

  self->kind = HALL_APPLICANT_PERSON;
  update_visibility (self);
}

GtkWidget *
hall_applicant_form_new (void)
{
  return g_object_new (HALL_TYPE_APPLICANT_FORM, NULL);
}

void
hall_applicant_form_set_store (HallApplicantForm *self,
                               HallStore         *store)
{
  g_return_if_fail (HALL_IS_APPLICANT_FORM (self));
  g_return_if_fail (store == NULL || HALL_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;
  self->lookup = LOOKUP_IDLE;
  restart_lookup (self);
  update_valid (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

HallApplicantKind
hall_applicant_form_get_kind (HallApplicantForm *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT_FORM (self), HALL_APPLICANT_PERSON);

  return self->kind;
}

void
hall_applicant_form_set_kind (HallApplicantForm *self,
                              HallApplicantKind  kind)
{
  g_return_if_fail (HALL_IS_APPLICANT_FORM (self));

  gtk_toggle_button_set_active (kind == HALL_APPLICANT_PERSON ? self->person_button
                                                              : self->business_button, TRUE);
  if (kind == self->kind)
    return;

  self->kind = kind;
  restart_lookup (self);
  update_visibility (self);
  update_valid (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

gboolean
hall_applicant_form_get_valid (HallApplicantForm *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT_FORM (self), FALSE);

  return self->valid;
}

gboolean
hall_applicant_form_get_returning (HallApplicantForm *self)
{
  g_return_val_if_fail (HALL_IS_APPLICANT_FORM (self), FALSE);

  return self->lookup == LOOKUP_FOUND;
}

gboolean
hall_applicant_form_has_input (HallApplicantForm *self)
{
  guint i;

  g_return_val_if_fail (HALL_IS_APPLICANT_FORM (self), FALSE);

  for (i = 0; i < N_FIELDS; i++)
    if (*get_text (self, i) != '\0')
      return TRUE;
  return FALSE;
}

HallApplicant *
hall_applicant_form_dup_applicant (HallApplicantForm *self)
{
  g_autoptr(HallApplicant) applicant = NULL;

  g_return_val_if_fail (HALL_IS_APPLICANT_FORM (self), NULL);

  if (!self->valid)
    return NULL;
  if (self->lookup == LOOKUP_FOUND)
    return g_object_ref (self->returning);

  applicant = build_applicant (self);
  if (!hall_applicant_validate (applicant, NULL, NULL))
    return NULL;
  return g_steal_pointer (&applicant);
}

void
hall_applicant_form_look_up_again (HallApplicantForm *self)
{
  g_return_if_fail (HALL_IS_APPLICANT_FORM (self));

  g_clear_pointer (&self->looked_up, g_free);
  restart_lookup (self);
  update_valid (self);
}

void
hall_applicant_form_focus_first (HallApplicantForm *self)
{
  g_return_if_fail (HALL_IS_APPLICANT_FORM (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->rows[document_field (self)]));
}

void
hall_applicant_form_reset (HallApplicantForm *self)
{
  guint i;

  g_return_if_fail (HALL_IS_APPLICANT_FORM (self));

  for (i = 0; i < N_FIELDS; i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->rows[i]), "");
      set_field_error (self, i, NULL);
      self->touched[i] = FALSE;
    }
  g_clear_handle_id (&self->pause_id, g_source_remove);
  adw_combo_row_set_selected (self->id_type_row, HALL_ID_TYPE_RESIDENT_ID);
  restart_lookup (self);
  update_valid (self);
}

GtkEditable *
_hall_applicant_form_get_field (HallApplicantForm *self,
                                const char        *field)
{
  guint i;

  for (i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (field_names[i], field) == 0)
      return GTK_EDITABLE (self->rows[i]);
  return NULL;
}

const char *
_hall_applicant_form_get_error (HallApplicantForm *self,
                                const char        *field)
{
  guint i;

  for (i = 0; i < N_FIELDS; i++)
    if (g_strcmp0 (field_names[i], field) == 0)
      {
        GtkWidget *error_row = gtk_widget_get_parent (GTK_WIDGET (self->errors[i]));

        if (!gtk_widget_get_visible (error_row))
          return NULL;
        return gtk_label_get_label (self->errors[i]);
      }
  return NULL;
}
