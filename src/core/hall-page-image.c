/* hall-page-image.c — one page in memory, and what can be done to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-pages"

#include "config.h"

#include <math.h>
#include <string.h>

#include "hall-page-image.h"

G_DEFINE_BOXED_TYPE (HallPageImage, hall_page_image, hall_page_image_ref, hall_page_image_unref)

HallPageImage *
hall_page_image_new (HallPageKind kind,
                     guint        width,
                     guint        height,
                     guint        dpi)
{
  HallPageImage *self = g_new0 (HallPageImage, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->width = width;
  self->height = height;
  self->channels = kind == HALL_PAGE_KIND_COLOUR ? 3 : 1;
  self->stride = (gsize) width * self->channels;
  self->dpi = dpi;
  self->pixels = g_malloc ((gsize) self->stride * height);
  memset (self->pixels, 0xff, self->stride * height);
  return self;
}

HallPageImage *
hall_page_image_ref (HallPageImage *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
hall_page_image_unref (HallPageImage *self)
{
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->pixels);
      g_free (self);
    }
}

const char *
hall_page_kind_to_string (HallPageKind kind)
{
  switch (kind)
    {
    case HALL_PAGE_KIND_BILEVEL:
      return "bilevel";
    case HALL_PAGE_KIND_GREY:
      return "grey";
    case HALL_PAGE_KIND_COLOUR:
    default:
      return "colour";
    }
}

gboolean
hall_page_kind_from_string (const char   *str,
                            HallPageKind *kind)
{
  for (int k = HALL_PAGE_KIND_BILEVEL; k <= HALL_PAGE_KIND_COLOUR; k++)
    if (g_strcmp0 (str, hall_page_kind_to_string (k)) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

HallPageImage *
hall_page_image_rotate (HallPageImage *self,
                        int            quarter_turns)
{
  HallPageImage *out;
  int turns = ((quarter_turns % 4) + 4) % 4;
  guint c = self->channels;

  if (turns == 0)
    return hall_page_image_ref (self);
  if (turns == 2)
    out = hall_page_image_new (self->kind, self->width, self->height, self->dpi);
  else
    out = hall_page_image_new (self->kind, self->height, self->width, self->dpi);

  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *src = self->pixels + y * self->stride;

      for (guint x = 0; x < self->width; x++)
        {
          guint nx, ny;

          switch (turns)
            {
            case 1: /* clockwise */
              nx = self->height - 1 - y;
              ny = x;
              break;
            case 2:
              nx = self->width - 1 - x;
              ny = self->height - 1 - y;
              break;
            default:
              nx = y;
              ny = self->width - 1 - x;
              break;
            }
          memcpy (out->pixels + ny * out->stride + nx * c, src + x * c, c);
        }
    }
  return out;
}

HallPageImage *
hall_page_image_crop (HallPageImage *self,
                      guint          x,
                      guint          y,
                      guint          width,
                      guint          height)
{
  HallPageImage *out;

  x = MIN (x, self->width - 1);
  y = MIN (y, self->height - 1);
  width = CLAMP (width, 1, self->width - x);
  height = CLAMP (height, 1, self->height - y);
  out = hall_page_image_new (self->kind, width, height, self->dpi);
  for (guint row = 0; row < height; row++)
    memcpy (out->pixels + row * out->stride,
            self->pixels + (y + row) * self->stride + x * self->channels,
            out->stride);
  return out;
}

HallPageImage *
hall_page_image_simplify (HallPageImage *self)
{
  HallPageImage *out;

  if (self->kind != HALL_PAGE_KIND_COLOUR)
    return hall_page_image_ref (self);
  /* A scanner's grey is rarely exactly grey: allow a little tint. */
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *p = self->pixels + y * self->stride;

      for (guint x = 0; x < self->width; x++, p += 3)
        if (ABS (p[0] - p[1]) > 6 || ABS (p[1] - p[2]) > 6 || ABS (p[0] - p[2]) > 6)
          return hall_page_image_ref (self);
    }
  out = hall_page_image_new (HALL_PAGE_KIND_GREY, self->width, self->height, self->dpi);
  for (guint y = 0; y < self->height; y++)
    {
      const guint8 *p = self->pixels + y * self->stride;
      guint8 *q = out->pixels + y * out->stride;

      for (guint x = 0; x < self->width; x++, p += 3)
        q[x] = (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8;
    }
  return out;
}

HallPageImage *
hall_page_image_scale_down (HallPageImage *self,
                            guint          max_side)
{
  guint side = MAX (self->width, self->height);
  guint factor = (side + max_side - 1) / MAX (max_side, 1);
  HallPageKind kind = self->kind == HALL_PAGE_KIND_BILEVEL ? HALL_PAGE_KIND_GREY : self->kind;
  HallPageImage *out;
  guint c = self->channels;

  if (factor <= 1 && self->kind != HALL_PAGE_KIND_BILEVEL)
    return hall_page_image_ref (self);
  factor = MAX (factor, 1);
  out = hall_page_image_new (kind, MAX (self->width / factor, 1),
                             MAX (self->height / factor, 1), self->dpi / factor);
  /* A box filter: each thumbnail pixel is the mean of its block, so thin
   * strokes of a bi-level page stay visible as grey. */
  for (guint y = 0; y < out->height; y++)
    for (guint x = 0; x < out->width; x++)
      for (guint k = 0; k < c; k++)
        {
          guint sum = 0;

          for (guint dy = 0; dy < factor; dy++)
            {
              const guint8 *row = self->pixels + (y * factor + dy) * self->stride;

              for (guint dx = 0; dx < factor; dx++)
                sum += row[(x * factor + dx) * c + k];
            }
          out->pixels[y * out->stride + x * c + k] = sum / (factor * factor);
        }
  return out;
}

/* Auto-crop and deskew of a document camera's frame */

static guint8
luma_at (HallPageImage *self,
         guint          x,
         guint          y)
{
  const guint8 *p = self->pixels + y * self->stride + x * self->channels;

  return self->channels == 3 ? (p[0] * 77 + p[1] * 150 + p[2] * 29) >> 8 : p[0];
}

/* The luminance halfway between the desk and the paper: the middle of the
 * 5th and 95th percentiles; FALSE when they are too close for a sheet to
 * stand out. */
static gboolean
paper_threshold (HallPageImage *self,
                 guint8        *threshold)
{
  guint histogram[256] = { 0 };
  guint n = 0, acc = 0;
  int low = -1, high = -1;
  guint step = MAX (1, MIN (self->width, self->height) / 200);

  for (guint y = 0; y < self->height; y += step)
    for (guint x = 0; x < self->width; x += step, n++)
      histogram[luma_at (self, x, y)]++;
  for (guint v = 0; v < 256; v++)
    {
      acc += histogram[v];
      if (low < 0 && acc > n / 20)
        low = v;
      if (high < 0 && acc > n * 19 / 20)
        high = v;
    }
  *threshold = (low + high) / 2;
  return high - low >= 40;
}

/* Rows and columns with at least 2% of their pixels above @threshold. */
static gboolean
bright_box (HallPageImage *self,
            guint8         threshold,
            guint         *x0,
            guint         *y0,
            guint         *x1,
            guint         *y1)
{
  g_autofree guint *cols = g_new0 (guint, self->width);
  gboolean any = FALSE;

  *x0 = self->width;
  *x1 = 0;
  *y0 = self->height;
  *y1 = 0;
  for (guint y = 0; y < self->height; y++)
    {
      guint row = 0;

      for (guint x = 0; x < self->width; x++)
        if (luma_at (self, x, y) > threshold)
          {
            row++;
            cols[x]++;
          }
      if (row > self->width / 50)
        {
          *y0 = MIN (*y0, y);
          *y1 = MAX (*y1, y);
          any = TRUE;
        }
    }
  for (guint x = 0; x < self->width; x++)
    if (cols[x] > self->height / 50)
      {
        *x0 = MIN (*x0, x);
        *x1 = MAX (*x1, x);
      }
  return any && *x1 > *x0 && *y1 > *y0;
}

/* The slope of the sheet's top edge, fitted over the middle half of it. */
static double
top_edge_angle (HallPageImage *self,
                guint8         threshold,
                guint          x0,
                guint          y0,
                guint          x1,
                guint          y1)
{
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  guint n = 0;
  guint width = x1 - x0;

  for (guint x = x0 + width / 4; x < x1 - width / 4; x += MAX (1, width / 100))
    for (guint y = y0; y <= y1; y++)
      if (luma_at (self, x, y) > threshold)
        {
          sx += x;
          sy += y;
          sxx += (double) x * x;
          sxy += (double) x * y;
          n++;
          break;
        }
  if (n < 3 || n * sxx - sx * sx == 0)
    return 0;
  return atan ((n * sxy - sx * sy) / (n * sxx - sx * sx)) * 180 / G_PI;
}

/* @self turned by @degrees, the same size; what comes from outside it is
 * black, like the desk, so that finding the sheet again ignores it. */
static HallPageImage *
rotate_degrees (HallPageImage *self,
                double         degrees)
{
  HallPageImage *out = hall_page_image_new (self->kind, self->width, self->height, self->dpi);
  double a = degrees * G_PI / 180, c = cos (a), s = sin (a);
  double cx = self->width / 2.0, cy = self->height / 2.0;
  guint ch = self->channels;

  memset (out->pixels, 0, out->stride * out->height);
  for (guint y = 0; y < out->height; y++)
    for (guint x = 0; x < out->width; x++)
      {
        /* Where this pixel comes from: the inverse rotation. */
        double dx = x - cx, dy = y - cy;
        int sx = (int) (cx + dx * c - dy * s + 0.5);
        int sy = (int) (cy + dx * s + dy * c + 0.5);

        if (sx >= 0 && sy >= 0 && sx < (int) self->width && sy < (int) self->height)
          memcpy (out->pixels + y * out->stride + x * ch,
                  self->pixels + sy * self->stride + sx * ch, ch);
      }
  return out;
}

HallPageImage *
hall_page_image_find_page (HallPageImage *self,
                           double        *angle_out)
{
  g_autoptr (HallPageImage) straight = NULL;
  guint8 threshold = 0;
  guint x0, y0, x1, y1;
  double angle;

  if (angle_out != NULL)
    *angle_out = 0;
  if (!paper_threshold (self, &threshold)
      || !bright_box (self, threshold, &x0, &y0, &x1, &y1))
    return NULL;
  angle = top_edge_angle (self, threshold, x0, y0, x1, y1);
  if (fabs (angle) > 15)
    angle = 0; /* not a sheet's edge: leave it as it is */
  if (fabs (angle) >= 0.2)
    {
      straight = rotate_degrees (self, angle);
      /* The sheet, now straight, has straight edges to cut along. */
      if (!bright_box (straight, threshold, &x0, &y0, &x1, &y1))
        return NULL;
    }
  else
    straight = hall_page_image_ref (self);
  if (angle_out != NULL)
    *angle_out = angle;
  return hall_page_image_crop (straight, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
}

gboolean
hall_page_image_find_outline (HallPageImage *self,
                              double         corners[8])
{
  guint8 threshold = 0;
  guint x0, y0, x1, y1;
  double angle, a, c, s;
  double cx = self->width / 2.0, cy = self->height / 2.0;

  if (!paper_threshold (self, &threshold)
      || !bright_box (self, threshold, &x0, &y0, &x1, &y1))
    return FALSE;
  angle = top_edge_angle (self, threshold, x0, y0, x1, y1);
  if (fabs (angle) > 15)
    angle = 0;
  if (fabs (angle) >= 0.2)
    {
      g_autoptr (HallPageImage) straight = rotate_degrees (self, angle);

      if (!bright_box (straight, threshold, &x0, &y0, &x1, &y1))
        return FALSE;
    }
  else
    angle = 0;

  /* The straight box's corners, taken back through the turn that
   * rotate_degrees() made: the same mapping it samples with. */
  a = angle * G_PI / 180;
  c = cos (a);
  s = sin (a);
  {
    const double box[8] = { x0, y0, x1 + 1, y0, x1 + 1, y1 + 1, x0, y1 + 1 };

    for (guint i = 0; i < 4; i++)
      {
        double dx = box[2 * i] - cx, dy = box[2 * i + 1] - cy;

        corners[2 * i] = cx + dx * c - dy * s;
        corners[2 * i + 1] = cy + dx * s + dy * c;
      }
  }
  return TRUE;
}
