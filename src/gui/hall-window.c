/* hall-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-window"

#include "config.h"

#include <glib/gi18n.h>

#include "hall-approval-inbox.h"
#include "hall-case-list-page.h"
#include "hall-case-page.h"
#include "hall-day-summary.h"
#include "hall-dialog-size.h"
#include "hall-error.h"
#include "hall-intake-dialog.h"
#include "hall-lock-page.h"
#include "hall-queue-panel.h"
#include "hall-receipt-printer.h"
#include "hall-reception-page.h"
#include "hall-sign-in-page.h"
#include "hall-stats-page.h"
#include "hall-store-signing.h"
#include "hall-sync-indicator.h"
#include "hall-verify-window.h"
#include "hall-memory-trim.h"
#include "hall-window.h"

struct _HallWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkWidget         *back_button;
  GtkRevealer       *calendar_banner;
  GtkLabel          *calendar_banner_label;
  GtkWidget         *new_intake_button;
  GtkToggleButton   *approval_button;
  HallApprovalInbox *approval_inbox;
  GtkToggleButton   *stats_button;
  HallStatsPage     *stats_page;
  AdwButtonContent  *new_intake_content;
  GtkWidget         *search_button;
  HallSyncIndicator *sync_indicator;
  GtkStack          *stack;
  HallSignInPage    *sign_in_page;
  HallLockPage      *lock_page;
  AdwFlap           *queue_flap;
  GtkWidget         *queue_button;
  GtkScrolledWindow *queue_scrolled;
  AdwLeaflet        *leaflet;
  HallCaseListPage  *list_page;
  HallCasePage      *case_page;
  AdwStatusPage     *error_page;
  GtkWidget         *queue_sidebar;
  AdwViewStack      *queue_stack;
  AdwViewStackPage  *queue_page;
  HallQueuePanel    *queue_panel;
  HallReceptionPage *reception_page;
  HallQueueClient   *queue_client;
  HallTicket        *serving_ticket;   /* the ticket whose intake is open */

  GSettings         *settings;
  HallStore         *store;
  HallCatalog       *catalog;
  HallSyncEngine    *engine;
  GCancellable      *cancellable;
  guint              header_id;
  guint              fold_id;
  gboolean           narrow;   /* a phone's width: the header keeps the essentials */
  gboolean           demo;
  gboolean           failed;
  gboolean           locked;
  GPtrArray         *hidden_dialogs;  /* (element-type GtkWindow): under the lock */

  char              *username;
  char              *display_name;
  char              *roles;
  char              *counter;
};

G_DEFINE_FINAL_TYPE (HallWindow, hall_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  PROP_ENGINE,
  PROP_DEMO,
  PROP_SEARCH_MODE,
  PROP_SIGNED_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (HallWindow *self)
{
  g_autofree char *override = g_settings_get_string (self->settings, "hall-name");
  g_autofree char *subtitle = NULL;
  const char *hall_name = NULL;

  /* The catalog names the hall in the official's language; the setting is
   * for a site whose sign says something else. */
  if (*override != '\0')
    hall_name = override;
  else if (self->catalog != NULL)
    hall_name = hall_catalog_get_hall_name (self->catalog);
  adw_window_title_set_title (self->window_title,
                              hall_name != NULL && *hall_name != '\0' ? hall_name
                                                                      : _("Service Hall"));

  if (self->username != NULL)
    /* Translators: "Wang Li · Counter C03" */
    subtitle = g_strdup_printf (_("%s · Counter %s"), self->display_name, self->counter);
  else if (!self->failed)
    subtitle = g_strdup (_("Not signed in"));

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
}

static void
update_back_button (HallWindow *self)
{
  gboolean visible = self->username != NULL && adw_leaflet_get_folded (self->leaflet) &&
                     adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->case_page);

  gtk_widget_set_visible (self->back_button, visible);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", visible);
}

static gboolean
has_role (HallWindow *self,
          const char *role)
{
  g_auto (GStrv) roles = NULL;

  if (self->roles == NULL)
    return FALSE;

  roles = g_strsplit (self->roles, ",", -1);
  for (guint i = 0; roles[i] != NULL; i++)
    if (g_strcmp0 (g_strstrip (roles[i]), role) == 0)
      return TRUE;

  return FALSE;
}

/* An administrator is told when the holidays of a year a promise may run
 * into are not set: that year counts weekdays only, and citizens would be
 * promised days the hall is closed. */
static void
update_calendar_banner (HallWindow *self)
{
  g_autoptr (HallCalendar) calendar = NULL;
  g_autofree char *text = NULL;
  int year = 0;

  calendar = self->catalog != NULL ? hall_catalog_dup_calendar (self->catalog) : NULL;
  if (calendar != NULL && has_role (self, "administrator"))
    year = hall_calendar_missing_year (calendar, g_get_real_time () / G_USEC_PER_SEC);
  if (year != 0)
    {
      text = g_strdup_printf (_("The holidays of %d are not set: promises that run into %d count "
                                "weekdays only. Set them once the State Council publishes them "
                                "(service-hall-ctl calendar set)."),
                              year, year);
      gtk_label_set_text (self->calendar_banner_label, text);
    }
  gtk_revealer_set_reveal_child (self->calendar_banner, year != 0);
}

static gboolean
may_approve (HallWindow *self)
{
  return has_role (self, "approver") || has_role (self, "supervisor");
}

/* The supervisor page: for those who watch the hall's figures. */
static gboolean
may_supervise (HallWindow *self)
{
  return has_role (self, "supervisor") || has_role (self, "administrator");
}

/* Narrow, the queue folds away behind a button of the header bar. */
static void
update_queue_button (HallWindow *self)
{
  gtk_widget_set_visible (self->queue_button,
                          gtk_widget_get_visible (self->queue_sidebar)
                          && adw_flap_get_folded (self->queue_flap)
                          && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main")
                               == 0);
}

static void
update_state (HallWindow *self)
{
  /* Under the lock the official is still signed in, but nothing works. */
  gboolean signed_in = self->username != NULL && !self->locked;
  /* Taking citizens in is the counter's work; an approver or a supervisor
   * signed in here reads cases but opens none. */
  gboolean may_take_in = has_role (self, "counter_official") || has_role (self, "reception");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-intake",
                                 signed_in && may_take_in && self->store != NULL &&
                                 self->catalog != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.day-summary", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.search", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.filter", signed_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-now",
                                 signed_in && self->engine != NULL);

  gtk_widget_set_visible (self->new_intake_button, signed_in && may_take_in);
  /* The inbox: for those who decide approval steps. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.approval-inbox",
                                 signed_in && may_approve (self));
  /* Narrow, the inbox and the figures are in the main menu (and Ctrl+I,
   * Ctrl+U); a button stays while its page is open, to go back by. */
  gtk_widget_set_visible (GTK_WIDGET (self->approval_button),
                          signed_in && may_approve (self)
                          && (!self->narrow || gtk_toggle_button_get_active (self->approval_button)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stats",
                                 signed_in && may_supervise (self));
  gtk_widget_set_visible (GTK_WIDGET (self->stats_button),
                          signed_in && may_supervise (self)
                          && (!self->narrow || gtk_toggle_button_get_active (self->stats_button)));
  /* Narrow, the list's own bar has the search button. */
  gtk_widget_set_visible (self->search_button, signed_in && !self->narrow);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_indicator), signed_in);

  update_title (self);
  update_back_button (self);
  update_queue_button (self);
}

static void
leaflet_changed_cb (HallWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  /* Narrow, the header bar keeps icons only; the tooltips still speak. */
  adw_button_content_set_label (self->new_intake_content, folded ? "" : _("_New Intake"));
  hall_sync_indicator_set_compact (self->sync_indicator, folded);
  update_back_button (self);
  update_queue_button (self);
}

static gboolean
update_header_cb (gpointer user_data)
{
  HallWindow *self = HALL_WINDOW (user_data);

  self->header_id = 0;
  leaflet_changed_cb (self);

  return G_SOURCE_REMOVE;
}

/* The leaflet folds while the window is being laid out, after the header
 * bar was: changing the header bar there left it without an allocation
 * for the frame being drawn. It follows right after instead. */
static void
leaflet_folded_cb (HallWindow *self)
{
  if (self->header_id == 0)
    self->header_id = g_idle_add (update_header_cb, self);
}

/* Side by side, the table needs 600 px beside the case's 360 (narrower it
 * was cut off at "Promised"); folded, the list alone goes down to 360 px
 * with fewer columns. The list's own minimum is the folded one, so the
 * leaflet is let unfold only where both fit as they should. */
#define UNFOLD_WIDTH (600 + 1 + 360)

/* Whether the leaflet, unfolded now, is about to fold (its can-unfold is
 * set after the allocation that found it too narrow), or is not laid out
 * yet: a case shown then must come forward. */
static gboolean
will_fold (HallWindow *self)
{
  return gtk_widget_get_width (GTK_WIDGET (self->leaflet)) < UNFOLD_WIDTH;
}

void
hall_window_add_toast (HallWindow *self,
                       const char *title)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

void
hall_window_show_case (HallWindow *self,
                       HallCase   *kase)
{
  g_return_if_fail (HALL_IS_WINDOW (self));
  g_return_if_fail (HALL_IS_CASE (kase));

  hall_case_page_set_case (self->case_page, kase);
  /* The list highlights the case on show, not the row picked before. */
  hall_case_list_page_set_open_case (self->list_page, kase);
  /* Side by side there is nowhere to go, and moving would pull the focus
   * out of the list. */
  if (adw_leaflet_get_folded (self->leaflet) || will_fold (self))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->case_page));
}

static void
case_activated_cb (HallWindow *self,
                   HallCase   *kase)
{
  hall_window_show_case (self, kase);
}

static void
case_selected_cb (HallWindow *self,
                  HallCase   *kase)
{
  /* The page follows the selection; folded, it only comes forward when the
   * row is activated. */
  hall_case_page_set_case (self->case_page, kase);
}

static void
login_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  HallSyncEngine *engine = HALL_SYNC_ENGINE (object);
  g_autoptr (GError) error = NULL;
  HallWindow *self;
  g_autofree char *message = NULL;

  if (!hall_sync_engine_login_finish (engine, result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self = HALL_WINDOW (user_data);
      if (g_error_matches (error, HALL_SYNC_ERROR, HALL_SYNC_ERROR_OFFLINE))
        message = g_strdup (_("The server does not answer: changes wait here until it does"));
      else
        /* Translators: %s says why the server refused */
        message = g_strdup_printf (_("Signed in here, but not on the server: %s"), error->message);
      hall_window_add_toast (HALL_WINDOW (self), message);
      return;
    }

  hall_sync_engine_sync_now (engine);
}

static void
password_accepted_cb (HallWindow *self,
                      const char *username,
                      const char *password)
{
  if (self->engine == NULL)
    return;

  hall_sync_engine_login_async (self->engine, username, password, self->cancellable, login_cb,
                                self);
}

/* The queue: the panel for counter officials, the reception page for them
 * and for reception; neither without a server, where tickets live. */
static void
show_queue (HallWindow *self)
{
  gboolean calls = self->username != NULL && self->engine != NULL
                   && has_role (self, "counter_official");
  gboolean issues = self->username != NULL && self->engine != NULL
                    && (calls || has_role (self, "reception"));

  if (issues && self->queue_client == NULL)
    self->queue_client = hall_queue_client_new (self->engine);
  hall_queue_panel_set_client (self->queue_panel, calls ? self->queue_client : NULL,
                               self->counter);
  hall_reception_page_set_client (self->reception_page, issues ? self->queue_client : NULL,
                                  self->catalog);
  adw_view_stack_page_set_visible (self->queue_page, calls);
  if (!calls)
    adw_view_stack_set_visible_child_name (self->queue_stack, "reception");
  gtk_widget_set_visible (self->queue_sidebar, issues);
  update_queue_button (self);
}

static void
serving_case_created_cb (HallWindow *self,
                         HallCase   *kase);

/* The case an appointment was booked for, pulled from the server
 * already: shown instead of an intake. */
static void
appointment_case_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(HallWindow) self = user_data;
  g_autoptr(HallCaseRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = hall_store_load_case_finish (HALL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (record == NULL)
    {
      /* Translators: %s is a ticket number */
      g_autofree char *message = g_strdup_printf (_("The case booked for ticket %s is not here "
                                                    "yet; sync, or take it in anew"),
                                                  self->serving_ticket != NULL
                                                  ? hall_ticket_get_number (self->serving_ticket)
                                                  : "");

      hall_window_add_toast (self, message);
      return;
    }
  hall_window_show_case (self, hall_case_record_get_case (record));
}

/* Start serving: the case booked with the appointment, or an intake for
 * the citizen of the ticket. */
static void
start_serving_cb (HallWindow *self,
                  HallTicket *ticket)
{
  HallIntakeDialog *dialog;

  if (self->username == NULL || self->store == NULL || self->catalog == NULL)
    return;
  if (hall_ticket_get_case (ticket) != NULL)
    {
      g_set_object (&self->serving_ticket, ticket);
      hall_store_load_case_async (self->store, hall_ticket_get_case (ticket), self->cancellable,
                                  appointment_case_cb, g_object_ref (self));
      return;
    }
  g_set_object (&self->serving_ticket, ticket);
  dialog = hall_intake_dialog_new (GTK_WINDOW (self), self->store, self->catalog, self->username);
  hall_intake_dialog_set_started_at (dialog, hall_ticket_get_issued_at (ticket));
  hall_intake_dialog_set_official_name (dialog, self->display_name);
  g_signal_connect_object (dialog, "case-created", G_CALLBACK (serving_case_created_cb), self,
                           G_CONNECT_SWAPPED);
  hall_dialog_fit_parent (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void add_signed_in_pages (HallWindow *self);

static void
signed_in_cb (HallWindow *self,
              const char *username,
              const char *display_name,
              const char *roles,
              const char *counter)
{
  g_free (self->username);
  g_free (self->display_name);
  g_free (self->roles);
  g_free (self->counter);
  self->username = g_strdup (username);
  self->display_name = g_strdup (display_name);
  self->roles = g_strdup (roles);
  self->counter = g_strdup (counter);
  add_signed_in_pages (self);

  if (g_strcmp0 (hall_store_get_counter (self->store), counter) != 0)
    hall_store_set_counter (self->store, counter);

  hall_case_page_set_official (self->case_page, username);
  hall_case_page_set_store (self->case_page, self->store);
  hall_case_page_set_case (self->case_page, NULL);
  hall_case_list_page_set_store (self->list_page, self->store);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->list_page));
  /* Typing anywhere searches the cases, but only once they are on screen. */
  hall_case_list_page_set_key_capture_widget (self->list_page, GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->leaflet), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "main");

  if (self->engine != NULL)
    hall_sync_engine_start (self->engine);
  show_queue (self);
  gtk_toggle_button_set_active (self->approval_button, FALSE);
  hall_approval_inbox_set_context (self->approval_inbox, may_approve (self) ? self->store : NULL,
                                   self->catalog, username, hall_roles_from_string (roles));
  gtk_toggle_button_set_active (self->stats_button, FALSE);

  update_calendar_banner (self);
  /* Actions first: a button of a disabled action takes no focus. */
  update_state (self);
  /* The keys must not stay with the sign-in page, hidden now: with nothing
   * on the list page to take them (an approver's empty list), the window
   * itself does, and its shortcuts work. */
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->list_page)))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  /* Signing in checked a password (Argon2, 64 MiB on a worker) and built
   * the main view: what was freed goes back to the system rather than
   * staying in malloc's arenas for the day. */
  hall_memory_trim_when_idle ();
}

/* The approver's inbox takes the place of the case list and the case; the
 * list's typing-to-search stands down while it is shown, so j and k move
 * in the inbox. */
static void
approval_toggled_cb (HallWindow *self)
{
  gboolean inbox = gtk_toggle_button_get_active (self->approval_button);

  if (self->username == NULL || self->locked)
    return;
  if (inbox)
    gtk_toggle_button_set_active (self->stats_button, FALSE);
  else if (gtk_toggle_button_get_active (self->stats_button))
    return;
  hall_case_list_page_set_key_capture_widget (self->list_page, inbox ? NULL : GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, inbox ? "approval" : "main");
  if (inbox)
    gtk_widget_grab_focus (GTK_WIDGET (self->approval_inbox));
  else if (!gtk_widget_grab_focus (GTK_WIDGET (self->list_page)))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

static void
approval_inbox_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  gtk_toggle_button_set_active (self->approval_button,
                                !gtk_toggle_button_get_active (self->approval_button));
}

/* The supervisor page takes the place of the case list, as the inbox does;
 * its figures are read when it opens, never for an official who may not
 * see them. */
static void
stats_toggled_cb (HallWindow *self)
{
  gboolean stats = gtk_toggle_button_get_active (self->stats_button);

  if (self->username == NULL || self->locked)
    return;
  if (stats)
    {
      gtk_toggle_button_set_active (self->approval_button, FALSE);
      hall_case_list_page_set_key_capture_widget (self->list_page, NULL);
      if (may_supervise (self))
        hall_stats_page_set_context (self->stats_page, self->store, self->engine, self->catalog);
      gtk_stack_set_visible_child_name (self->stack, "stats");
      gtk_widget_grab_focus (GTK_WIDGET (self->stats_page));
      return;
    }
  if (gtk_toggle_button_get_active (self->approval_button))
    return;
  hall_case_list_page_set_key_capture_widget (self->list_page, GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "main");
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->list_page)))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
}

static void
stats_case_activated_cb (HallWindow *self,
                         HallCase   *kase)
{
  gtk_toggle_button_set_active (self->stats_button, FALSE);
  hall_window_show_case (self, kase);
}

static void
stats_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  gtk_toggle_button_set_active (self->stats_button,
                                !gtk_toggle_button_get_active (self->stats_button));
}

/* A break: the window is covered and takes no keys but the password; what
 * is under it (the case open, a search typed) stays as it was. Dialogs of
 * the window (an intake) are hidden with it and come back after. */
static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);
  g_autoptr (GListModel) toplevels = NULL;

  if (self->username == NULL || self->locked)
    return;
  self->locked = TRUE;
  hall_case_list_page_set_key_capture_widget (self->list_page, NULL);
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self)
          && gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          g_ptr_array_add (self->hidden_dialogs, g_object_ref (window));
          gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
        }
    }
  hall_lock_page_lock (self->lock_page, self->store, self->username, self->display_name,
                       self->counter);
  gtk_stack_set_visible_child_name (self->stack, "locked");
  update_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->lock_page));
  g_debug ("Counter %s locked", self->counter != NULL ? self->counter : "");
}

static void
unlocked_cb (HallWindow *self)
{
  if (!self->locked)
    return;
  self->locked = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "main");
  hall_case_list_page_set_key_capture_widget (self->list_page, GTK_WIDGET (self));
  /* Back to the inbox if that is where the official was. */
  if (gtk_toggle_button_get_active (self->approval_button))
    approval_toggled_cb (self);
  else if (gtk_toggle_button_get_active (self->stats_button))
    gtk_stack_set_visible_child_name (self->stack, "stats");
  update_state (self);
  if (!gtk_widget_grab_focus (GTK_WIDGET (self->list_page)))
    gtk_window_set_focus (GTK_WINDOW (self), NULL);
  for (guint i = 0; i < self->hidden_dialogs->len; i++)
    gtk_window_present (g_ptr_array_index (self->hidden_dialogs, i));
  g_ptr_array_set_size (self->hidden_dialogs, 0);
}

/* The pages no one reaches before signing in are built at the first sign-in,
 * not with the window: a start shows the sign-in page alone, and building
 * these took a fifth of the window's construction. */
static void
add_signed_in_pages (HallWindow *self)
{
  if (self->lock_page != NULL)
    return;

  self->case_page = g_object_new (HALL_TYPE_CASE_PAGE, "hexpand", FALSE, NULL);
  hall_case_page_set_catalog (self->case_page, self->catalog);
  hall_case_page_set_sync_engine (self->case_page, self->engine);
  adw_leaflet_page_set_name (adw_leaflet_append (self->leaflet, GTK_WIDGET (self->case_page)),
                             "case");

  self->approval_inbox = g_object_new (HALL_TYPE_APPROVAL_INBOX, NULL);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->approval_inbox), "approval");
  self->stats_page = g_object_new (HALL_TYPE_STATS_PAGE, NULL);
  g_signal_connect_object (self->stats_page, "case-activated",
                           G_CALLBACK (stats_case_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->stats_page), "stats");
  self->lock_page = g_object_new (HALL_TYPE_LOCK_PAGE, NULL);
  g_signal_connect_object (self->lock_page, "unlocked", G_CALLBACK (unlocked_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->lock_page), "locked");
}

gboolean
hall_window_get_locked (HallWindow *self)
{
  g_return_val_if_fail (HALL_IS_WINDOW (self), FALSE);

  return self->locked;
}

static void
sign_out_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  self->locked = FALSE;
  /* The next official signs with a key of their own. */
  if (self->store != NULL)
    hall_store_close_session_key (self->store);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->roles, g_free);
  g_clear_pointer (&self->counter, g_free);
  update_calendar_banner (self);

  /* Nothing of the last official's work stays on screen. */
  hall_case_list_page_set_search_mode (self->list_page, FALSE);
  hall_case_list_page_set_key_capture_widget (self->list_page, NULL);
  hall_case_list_page_set_store (self->list_page, NULL);
  hall_case_page_set_case (self->case_page, NULL);
  hall_case_page_set_official (self->case_page, NULL);
  hall_sign_in_page_reset (self->sign_in_page);
  g_clear_object (&self->serving_ticket);
  show_queue (self);
  gtk_toggle_button_set_active (self->approval_button, FALSE);
  gtk_toggle_button_set_active (self->stats_button, FALSE);
  if (self->lock_page != NULL)
    {
      hall_approval_inbox_set_context (self->approval_inbox, NULL, NULL, NULL, 0);
      hall_stats_page_set_context (self->stats_page, NULL, NULL, NULL);
    }
  gtk_stack_set_visible_child_name (self->stack, "sign-in");
  gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));

  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
}

static void
case_created_cb (HallWindow *self,
                 HallCase   *kase)
{
  g_autofree char *message = NULL;

  /* The new case is not the row selected before it was inserted. */
  hall_case_list_page_unselect (self->list_page);
  hall_window_show_case (self, kase);
  /* Translators: %s is a case number */
  message = g_strdup_printf (_("Case %s opened"), hall_case_get_number (kase));
  hall_window_add_toast (self, message);
}

/* The case of a ticket being served: the ticket is done. */
static void
ticket_finished_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HallWindow) self = user_data;
  g_autoptr(HallTicket) ticket = NULL;
  g_autoptr(GError) error = NULL;

  ticket = hall_queue_client_ticket_finish (HALL_QUEUE_CLIENT (source), result, &error);
  if (ticket == NULL)
    hall_window_add_toast (self, error->message);
  hall_queue_panel_refresh (self->queue_panel);
}

static void
ticket_noted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(HallWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!hall_store_add_case_event_finish (HALL_STORE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    hall_window_add_toast (self, error->message);
}

static void
serving_case_created_cb (HallWindow *self,
                         HallCase   *kase)
{
  case_created_cb (self, kase);
  /* The case keeps which ticket it was served for, as a note on its
   * timeline: written with the case's other changes, it reaches the
   * server through the outbox. */
  if (self->serving_ticket != NULL)
    {
      g_autoptr(HallCaseEvent) note = hall_case_event_new (hall_case_get_uuid (kase),
                                                           HALL_CASE_EVENT_NOTE);
      g_autoptr(GDateTime) taken = g_date_time_new_from_unix_local (
        hall_ticket_get_issued_at (self->serving_ticket));
      g_autofree char *time = g_date_time_format (taken, "%H:%M");
      /* Translators: "Queue ticket A001 (uuid), taken at 09:02" */
      g_autofree char *text = g_strdup_printf (_("Queue ticket %s (%s), taken at %s"),
                                               hall_ticket_get_number (self->serving_ticket),
                                               hall_ticket_get_uuid (self->serving_ticket), time);

      hall_case_event_set_note (note, text);
      hall_case_event_set_official (note, self->username);
      hall_store_add_case_event_async (self->store, note, self->cancellable, ticket_noted_cb,
                                       g_object_ref (self));
    }
  /* The panel finishes its own ticket, so that it shows it; another (the
   * panel has called on since) is finished here. */
  if (self->serving_ticket != NULL && hall_queue_panel_get_ticket (self->queue_panel) != NULL
      && g_strcmp0 (hall_ticket_get_uuid (hall_queue_panel_get_ticket (self->queue_panel)),
                    hall_ticket_get_uuid (self->serving_ticket)) == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->queue_panel), "queue.finish", NULL);
  else if (self->serving_ticket != NULL && self->queue_client != NULL)
    hall_queue_client_act_async (self->queue_client, self->serving_ticket, "finish", NULL, NULL,
                                 self->cancellable, ticket_finished_cb, g_object_ref (self));
  g_clear_object (&self->serving_ticket);
}

/* End of day */

static void
summary_draw_page_cb (GtkPrintOperation *operation,
                      GtkPrintContext   *context,
                      int                page_nr,
                      HallDaySummary    *summary)
{
  hall_day_summary_render (summary, gtk_print_context_get_cairo_context (context),
                           gtk_print_context_get_width (context),
                           gtk_print_context_get_height (context));
}

static void
summary_printed_cb (GtkPrintOperation       *operation,
                    GtkPrintOperationResult  result,
                    HallWindow              *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  if (result != GTK_PRINT_OPERATION_RESULT_ERROR)
    return;
  gtk_print_operation_get_error (operation, &error);
  message = g_strdup_printf (_("The summary was not printed: %s"),
                             error != NULL ? error->message : _("unknown error"));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* One A4 page through the print dialog: the receipt printer chosen for
 * Ctrl+P holds receipt paper, so the summary asks where to go. */
static void
print_summary (HallWindow     *self,
               HallDaySummary *summary)
{
  g_autoptr (GtkPrintOperation) operation = gtk_print_operation_new ();
  g_autoptr (GtkPageSetup) page_setup = gtk_page_setup_new ();
  g_autoptr (GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr (GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_page_setup_set_paper_size_and_default_margins (page_setup, a4);
  gtk_page_setup_set_orientation (page_setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("End-of-Day Summary"));
  gtk_print_operation_set_allow_async (operation, TRUE);
  /* The operation outlives the dialog that held the summary. */
  g_object_set_data_full (G_OBJECT (operation), "summary", g_object_ref (summary),
                          g_object_unref);
  g_signal_connect (operation, "draw-page", G_CALLBACK (summary_draw_page_cb), summary);
  g_signal_connect_object (operation, "done", G_CALLBACK (summary_printed_cb), self, 0);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (self), &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *message = g_strdup_printf (_("The summary was not printed: %s"),
                                                  error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

static void
summary_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     HallWindow       *self)
{
  HallDaySummary *summary = g_object_get_data (G_OBJECT (dialog), "summary");
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  g_autofree char *date = NULL;

  if (g_str_equal (response, "print") && summary != NULL)
    {
      print_summary (self, summary);
      return;
    }
  if (!g_str_equal (response, "save") || summary == NULL)
    return;
  now = g_date_time_new_now_local ();
  date = g_date_time_format (now, "%Y-%m-%d");
  /* Translators: file name of the summary; %s the counter, %s the date */
  name = g_strdup_printf (_("day-summary-%s-%s.pdf"), self->counter != NULL ? self->counter : "",
                          date);
  folder = hall_receipt_printer_get_pdf_folder ();
  g_file_make_directory_with_parents (folder, NULL, NULL);
  file = g_file_get_child (folder, name);
  if (hall_day_summary_write_pdf (summary, file, &error))
    {
      g_autofree char *path = g_file_get_path (file);

      message = g_strdup_printf (_("Summary saved as “%s”"), path);
    }
  else
    message = g_strdup_printf (_("The summary was not saved: %s"), error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
day_counts_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (HallWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();
  g_autoptr (HallDaySummary) summary = NULL;
  g_autofree char *text = NULL;
  HallDayCounts counts;
  GtkWidget *dialog;

  if (!hall_store_get_day_counts_finish (HALL_STORE (object), result, &counts, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  summary = hall_day_summary_new (self->catalog != NULL ? hall_catalog_get_hall_name (self->catalog)
                                                        : NULL,
                                  self->counter, self->display_name, today, counts.opened,
                                  counts.completed, counts.waiting, counts.overdue);
  text = hall_day_summary_dup_text (summary);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("End-of-Day Summary"), text);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"),
                                    "print", _("_Print…"), "save", _("_Save as PDF"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_object_set_data_full (G_OBJECT (dialog), "summary", g_steal_pointer (&summary),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (summary_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Opened, completed, waiting and overdue at this counter today, as a page. */
static void
day_summary_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;

  if (self->store == NULL || self->username == NULL)
    return;
  start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  end = g_date_time_add_days (start, 1);
  hall_store_get_day_counts_async (self->store, g_date_time_to_unix (start),
                                   g_date_time_to_unix (end), g_date_time_to_unix (now),
                                   self->cancellable, day_counts_cb, g_object_ref (self));
}

static void
new_intake_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);
  HallIntakeDialog *dialog;

  if (self->username == NULL || self->store == NULL || self->catalog == NULL)
    return;

  dialog = hall_intake_dialog_new (GTK_WINDOW (self), self->store, self->catalog, self->username);
  hall_intake_dialog_set_official_name (dialog, self->display_name);
  g_signal_connect_object (dialog, "case-created", G_CALLBACK (case_created_cb), self,
                           G_CONNECT_SWAPPED);
  hall_dialog_fit_parent (GTK_WINDOW (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  if (self->engine != NULL)
    hall_sync_engine_sync_now (self->engine);
}

/* Open to anyone at the counter, signed in or not: checking a license
 * reads only the hall's key and the revocations the store holds. */
static void
verify_license_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);
  GtkWidget *window;

  if (self->store == NULL)
    return;
  window = hall_verify_window_new (self->store);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  hall_dialog_fit_parent (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

/* Built when asked for, not with the window as GtkApplication builds a
 * gtk/help-overlay.ui resource: that cost 12 ms of every start. */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autoptr (GtkBuilder) builder = NULL;
  GtkWindow *window;

  builder = gtk_builder_new_from_resource ("/org/servicehall/Counter/hall-shortcuts-window.ui");
  window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (window, GTK_WINDOW (widget));
  gtk_window_set_destroy_with_parent (window, TRUE);
  gtk_window_present (window);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Ctrl+Shift+F: the list's filters, from wherever the focus is; a folded
 * window shows the list first. */
static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "main") != 0)
    return;
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->list_page));
  hall_case_list_page_show_filters (self->list_page);
}

/* Ctrl+Shift+Q: the queue, folded away in a narrow window, slides over the list. */
static void
toggle_queue_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  HallWindow *self = HALL_WINDOW (widget);

  if (gtk_widget_get_visible (self->queue_button))
    adw_flap_set_reveal_flap (self->queue_flap, !adw_flap_get_reveal_flap (self->queue_flap));
}

static void
case_rejected_cb (HallWindow *self,
                  const char *case_uuid,
                  const char *reason)
{
  hall_window_add_toast (self, _("The server refused a change: its case shows why"));
}

static void
conflict_cb (HallWindow *self,
             const char *entity,
             const char *uuid)
{
  hall_window_add_toast (self, _("Someone else changed a record first: both versions are kept"));
}

static void
search_mode_cb (HallWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_MODE]);
}

static gboolean
hall_window_close_request (GtkWindow *window)
{
  HallWindow *self = HALL_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (hall_window_parent_class)->close_request (window);
}

static void
hall_window_constructed (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  G_OBJECT_CLASS (hall_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  hall_sync_indicator_set_store (self->sync_indicator, self->store);
  hall_sync_indicator_set_engine (self->sync_indicator, self->engine);
  hall_sign_in_page_set_store (self->sign_in_page, self->store);
  hall_sign_in_page_set_demo (self->sign_in_page, self->demo);
  hall_case_list_page_set_catalog (self->list_page, self->catalog);

  if (self->engine != NULL)
    {
      g_signal_connect_object (self->engine, "case-rejected", G_CALLBACK (case_rejected_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "conflict", G_CALLBACK (conflict_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->engine, "calendar-changed",
                               G_CALLBACK (update_calendar_banner), self, G_CONNECT_SWAPPED);
    }

  g_signal_connect_object (self->settings, "changed::hall-name", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);

  if (self->store == NULL)
    hall_window_show_error (self, _("The Counter’s Data Is Not Open"), NULL);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->sign_in_page));

  update_state (self);
}

/* Below this the header bar cannot hold every button beside the title. */
#define NARROW_WIDTH 600
/* Below this the list keeps the number, the applicant and the state. */
#define COMPACT_LIST_WIDTH 600
/* Above this the queue is as wide as its buttons, as it always was beside
 * the cases; below, it may be narrower and scroll, so that the window can
 * go down to 360 px with the queue folded away. Set by the window's width
 * alone: by the queue's own folding it would fold and unfold in turn. */
#define QUEUE_FULL_WIDTH 760
/* The queue's width beside the cases, and folded over them. */
#define QUEUE_FULL_SIDEBAR 380
#define QUEUE_NARROW_SIDEBAR 300

static gboolean
queue_scrolls (HallWindow *self)
{
  GtkPolicyType policy;

  gtk_scrolled_window_get_policy (self->queue_scrolled, &policy, NULL);
  return policy != GTK_POLICY_NEVER;
}

static gboolean
update_fold_cb (gpointer user_data)
{
  HallWindow *self = HALL_WINDOW (user_data);
  gboolean can_unfold = gtk_widget_get_width (GTK_WIDGET (self->leaflet)) >= UNFOLD_WIDTH;
  gboolean narrow = gtk_widget_get_width (GTK_WIDGET (self)) < NARROW_WIDTH;

  self->fold_id = 0;
  if (can_unfold != adw_leaflet_get_can_unfold (self->leaflet))
    adw_leaflet_set_can_unfold (self->leaflet, can_unfold);
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      update_state (self);
    }
  gtk_scrolled_window_set_policy (self->queue_scrolled,
                                  gtk_widget_get_width (GTK_WIDGET (self)) >= QUEUE_FULL_WIDTH
                                    ? GTK_POLICY_NEVER : GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  /* Its buttons' labels wrap when they must (hall-queue-panel.ui); beside
   * the cases there is room for each on one line. */
  gtk_widget_set_size_request (self->queue_sidebar,
                               gtk_widget_get_width (GTK_WIDGET (self)) >= QUEUE_FULL_WIDTH
                                 ? QUEUE_FULL_SIDEBAR : QUEUE_NARROW_SIDEBAR, -1);
  hall_case_list_page_set_compact (self->list_page,
                                   gtk_widget_get_width (GTK_WIDGET (self->leaflet))
                                     < COMPACT_LIST_WIDTH);
  return G_SOURCE_REMOVE;
}

/* Set after the allocation, not in it: a leaflet changed while it is laid
 * out would not be drawn as it is. */
static void
hall_window_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  HallWindow *self = HALL_WINDOW (widget);

  GTK_WIDGET_CLASS (hall_window_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->fold_id == 0
      && ((gtk_widget_get_width (GTK_WIDGET (self->leaflet)) >= UNFOLD_WIDTH)
            != adw_leaflet_get_can_unfold (self->leaflet)
          || (width < NARROW_WIDTH) != self->narrow
          || (width < QUEUE_FULL_WIDTH) != queue_scrolls (self)
          || (gtk_widget_get_width (GTK_WIDGET (self->leaflet)) < COMPACT_LIST_WIDTH)
               != hall_case_list_page_get_compact (self->list_page)))
    self->fold_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_fold_cb, self, NULL);
}

static void
hall_window_dispose (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->header_id, g_source_remove);
  g_clear_handle_id (&self->fold_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), HALL_TYPE_WINDOW);
  g_clear_object (&self->engine);
  g_clear_object (&self->queue_client);
  g_clear_object (&self->serving_ticket);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->hidden_dialogs, g_ptr_array_unref);

  G_OBJECT_CLASS (hall_window_parent_class)->dispose (object);
}

static void
hall_window_finalize (GObject *object)
{
  HallWindow *self = HALL_WINDOW (object);

  g_free (self->username);
  g_free (self->display_name);
  g_free (self->roles);
  g_free (self->counter);

  G_OBJECT_CLASS (hall_window_parent_class)->finalize (object);
}

static void
hall_window_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HallWindow *self = HALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, self->demo);
      break;
    case PROP_SEARCH_MODE:
      /* The property action asks before the template is built. */
      g_value_set_boolean (value, self->list_page != NULL &&
                                  hall_case_list_page_get_search_mode (self->list_page));
      break;
    case PROP_SIGNED_IN:
      g_value_set_boolean (value, self->username != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_window_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HallWindow *self = HALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    case PROP_ENGINE:
      self->engine = g_value_dup_object (value);
      break;
    case PROP_DEMO:
      self->demo = g_value_get_boolean (value);
      break;
    case PROP_SEARCH_MODE:
      hall_case_list_page_set_search_mode (self->list_page, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hall_window_class_init (HallWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = hall_window_constructed;
  object_class->dispose = hall_window_dispose;
  widget_class->size_allocate = hall_window_size_allocate;
  object_class->finalize = hall_window_finalize;
  object_class->get_property = hall_window_get_property;
  object_class->set_property = hall_window_set_property;
  window_class->close_request = hall_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, HALL_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, HALL_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, HALL_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEMO] =
    g_param_spec_boolean ("demo", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_MODE] =
    g_param_spec_boolean ("search-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HALL_TYPE_SIGN_IN_PAGE);
  g_type_ensure (HALL_TYPE_CASE_LIST_PAGE);
  g_type_ensure (HALL_TYPE_SYNC_INDICATOR);
  g_type_ensure (HALL_TYPE_QUEUE_PANEL);
  g_type_ensure (HALL_TYPE_RECEPTION_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/servicehall/Counter/hall-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HallWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, calendar_banner);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, calendar_banner_label);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, new_intake_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, new_intake_content);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, approval_button);
  gtk_widget_class_bind_template_callback (widget_class, approval_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, stats_button);
  gtk_widget_class_bind_template_callback (widget_class, stats_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_flap);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_button);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_scrolled);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_sidebar);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_stack);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, queue_panel);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, reception_page);
  gtk_widget_class_bind_template_callback (widget_class, start_serving_cb);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, list_page);
  gtk_widget_class_bind_template_child (widget_class, HallWindow, error_page);
  gtk_widget_class_bind_template_callback (widget_class, signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_accepted_cb);
  gtk_widget_class_bind_template_callback (widget_class, case_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, case_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);

  gtk_widget_class_install_action (widget_class, "win.new-intake", NULL, new_intake_action);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.day-summary", NULL, day_summary_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-queue", NULL, toggle_queue_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_q, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.toggle-queue", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f,
                                       GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.filter", NULL);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL,
                                   show_shortcuts_action);
  gtk_widget_class_install_action (widget_class, "win.verify-license", NULL,
                                   verify_license_action);
  gtk_widget_class_install_property_action (widget_class, "win.search", "search-mode");
  gtk_widget_class_install_action (widget_class, "win.approval-inbox", NULL,
                                   approval_inbox_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.approval-inbox", NULL);
  gtk_widget_class_install_action (widget_class, "win.stats", NULL, stats_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_u, GDK_CONTROL_MASK, "win.stats",
                                       NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.new-intake", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  /* Super+L locks the session where the desktop has it; Ctrl+Alt+L and
   * Ctrl+L reach the counter's own lock everywhere. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_SUPER_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_ALT_MASK,
                                       "win.lock", NULL);
}

static void
hall_window_init (HallWindow *self)
{
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->hidden_dialogs = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The window list shows the app, whatever hall the header names. */
  gtk_window_set_title (GTK_WINDOW (self), _("Service Hall"));
  /* The groups a counter calls belong to the computer at the counter. */
  g_settings_bind (self->settings, "queue-groups", self->queue_panel, "groups",
                   G_SETTINGS_BIND_DEFAULT);
}

HallWindow *
hall_window_new (GtkApplication *application,
                 HallStore      *store,
                 HallCatalog    *catalog,
                 HallSyncEngine *engine,
                 gboolean        demo)
{
  return g_object_new (HALL_TYPE_WINDOW,
                       "application", application,
                       "store", store,
                       "catalog", catalog,
                       "engine", engine,
                       "demo", demo,
                       NULL);
}

void
hall_window_show_error (HallWindow *self,
                        const char *title,
                        const char *description)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  self->failed = TRUE;
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_title (self);
}

void
hall_window_hold_sign_in (HallWindow *self,
                          gboolean    hold)
{
  g_return_if_fail (HALL_IS_WINDOW (self));

  hall_sign_in_page_set_held (self->sign_in_page, hold);
}

gboolean
hall_window_get_signed_in (HallWindow *self)
{
  g_return_val_if_fail (HALL_IS_WINDOW (self), FALSE);

  return self->username != NULL;
}

const char *
hall_window_get_username (HallWindow *self)
{
  g_return_val_if_fail (HALL_IS_WINDOW (self), NULL);

  return self->username;
}
