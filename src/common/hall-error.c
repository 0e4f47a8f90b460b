/* hall-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "hall-error.h"

G_DEFINE_QUARK (hall-validation-error-quark, hall_validation_error)
G_DEFINE_QUARK (hall-catalog-error-quark, hall_catalog_error)
G_DEFINE_QUARK (hall-workflow-error-quark, hall_workflow_error)
