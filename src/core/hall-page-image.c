/* hall-page-image.c — one page in memory, and what can be done to it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hall-pages"

#include "config.h"

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
