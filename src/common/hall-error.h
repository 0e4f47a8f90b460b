/* hall-error.h — the error domains of what every program shares: bad input
 * and a bad catalog (the SQLite layer's is in hall-sqlite.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bad input from a person or a file: the message names the field at fault. */
#define HALL_VALIDATION_ERROR (hall_validation_error_quark ())
typedef enum
{
  HALL_VALIDATION_ERROR_EMPTY,
  HALL_VALIDATION_ERROR_LENGTH,
  HALL_VALIDATION_ERROR_CHARACTERS,
  HALL_VALIDATION_ERROR_CHECK_DIGIT,
  HALL_VALIDATION_ERROR_DATE,
  HALL_VALIDATION_ERROR_REGION,
  HALL_VALIDATION_ERROR_INVALID,
} HallValidationError;

#define HALL_CATALOG_ERROR (hall_catalog_error_quark ())
typedef enum
{
  HALL_CATALOG_ERROR_READ,
  HALL_CATALOG_ERROR_SYNTAX,
  HALL_CATALOG_ERROR_FIELD,
  HALL_CATALOG_ERROR_DUPLICATE,
} HallCatalogError;

/* A decision the catalog's steps do not allow: the server answers each
 * with its own status (422, 403, 409, 409, 422). */
#define HALL_WORKFLOW_ERROR (hall_workflow_error_quark ())
typedef enum
{
  HALL_WORKFLOW_ERROR_STEP,     /* not a step the case waits for now */
  HALL_WORKFLOW_ERROR_ROLE,     /* the official lacks the step's role */
  HALL_WORKFLOW_ERROR_DECIDED,  /* someone decided the step already */
  HALL_WORKFLOW_ERROR_TWICE,    /* the official decided another step of the joint review */
  HALL_WORKFLOW_ERROR_REASON,   /* reasons missing or not the service's */
} HallWorkflowError;

GQuark hall_validation_error_quark (void);
GQuark hall_catalog_error_quark (void);
GQuark hall_workflow_error_quark (void);

G_END_DECLS
