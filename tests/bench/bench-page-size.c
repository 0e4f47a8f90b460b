/* bench-page-size.c — bytes of a grey A4 page at 300 dpi, on a rendered
 * document as a scanner sees it, and how faithfully its type comes back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by hand, never by meson test:
 *
 *   _build/tests/bench/bench-page-size [--save DIR]
 *
 * Two pages: a lease rendered with Pango in Chinese and English (10.5-point
 * body, a heading, a signature block), and the dense 12-point type of
 * tests/hall-test-pages.c. Each is made as a scanner delivers it: paper at
 * about 238 with a little shading across the sheet and noise of ±3, ink at
 * about 35, every edge softened over a pixel or two. Each is stored the way
 * the store does (hall_page_image_encode()) and read back; the figures are
 * the bytes, how legible the type stayed (see compare()) and the time to
 * encode. --save writes the clean page and the stored JPEG of each, to
 * look at.
 */
#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>

#include "hall-page-image.h"
#include "hall-test-pages.h"

#define DPI 300

static const char *lease =
  "房屋租赁合同 Residential Lease\n";

static const char *body =
  "出租方（甲方）将位于银川市兴庆区解放西街 118 号 3 单元 502 室的房屋出租给承租方（乙方）"
  "居住使用，建筑面积 86.4 平方米。租赁期限自 2026 年 1 月 1 日起至 2027 年 12 月 31 日止，"
  "月租金人民币贰仟叁佰元整（¥2,300.00），乙方应于每月五日前支付当月租金。押金为一个月租金，"
  "租赁期满房屋无损坏的，甲方应于三个工作日内全额退还。 "
  "The Lessor lets to the Lessee the dwelling described above for residential use only. "
  "The Lessee shall keep the premises in good repair, shall not sublet them without the "
  "Lessor's written consent, and shall pay water, electricity, gas and property charges "
  "when due. Either party may end this lease with sixty days' notice in writing; a party "
  "who ends it early without cause pays the other one month's rent.\n";

/* (transfer full): the lease rendered clean: ink 35 on paper 238. */
static HallPageImage *
render_lease (void)
{
  int width = (int) (210 / 25.4 * DPI), height = (int) (297 / 25.4 * DPI);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font;
  HallPageImage *image = hall_page_image_new (HALL_PAGE_KIND_GREY, width, height, DPI);
  int margin = DPI, y = DPI;
  g_autoptr (GString) text = g_string_new (NULL);
  const guint8 *data;
  int stride;

  pango_cairo_context_set_resolution (pango_layout_get_context (layout), DPI);
  pango_layout_set_width (layout, (width - 2 * margin) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);

  font = pango_font_description_from_string ("Noto Sans CJK SC Bold 16");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, lease, -1);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  cairo_move_to (cr, margin, y);
  pango_cairo_show_layout (cr, layout);
  y += DPI * 2 / 3;

  font = pango_font_description_from_string ("Noto Serif CJK SC 10.5");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_alignment (layout, PANGO_ALIGN_LEFT);
  pango_layout_set_spacing (layout, 6 * PANGO_SCALE);
  for (guint i = 1; i <= 5; i++)
    g_string_append_printf (text, "第%u条 Article %u. %s\n", i, i, body);
  pango_layout_set_text (layout, text->str, -1);
  cairo_move_to (cr, margin, y);
  pango_cairo_show_layout (cr, layout);

  /* The signature block: two rules and their captions. */
  cairo_set_line_width (cr, 3);
  cairo_move_to (cr, margin, height - DPI * 2);
  cairo_line_to (cr, margin + DPI * 2.5, height - DPI * 2);
  cairo_move_to (cr, width - margin - DPI * 2.5, height - DPI * 2);
  cairo_line_to (cr, width - margin, height - DPI * 2);
  cairo_stroke (cr);
  pango_layout_set_text (layout, "甲方（签字）Lessor                                              乙方（签字）Lessee", -1);
  cairo_move_to (cr, margin, height - DPI * 2 + 20);
  pango_cairo_show_layout (cr, layout);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int row = 0; row < height; row++)
    for (int x = 0; x < width; x++)
      image->pixels[row * image->stride + x] = 238 - data[row * stride + x] * (238 - 35) / 255;

  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return image;
}

/* (transfer full): @clean as a scanner delivers it. */
static HallPageImage *
scan (HallPageImage *clean,
      guint32        seed)
{
  HallPageImage *out = hall_page_image_new (HALL_PAGE_KIND_GREY, clean->width, clean->height,
                                            clean->dpi);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (guint y = 1; y + 1 < clean->height; y++)
    for (guint x = 1; x + 1 < clean->width; x++)
      {
        int sum = 0, v;
        /* The lamp is a little brighter in the middle of the sheet. */
        double shade = 4 * cos ((double) x / clean->width * G_PI - G_PI / 2) - 2;

        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            sum += clean->pixels[(y + dy) * clean->stride + x + dx];
        v = sum / 9 + (int) shade + g_rand_int_range (rand, -3, 4);
        out->pixels[y * out->stride + x] = CLAMP (v, 0, 255);
      }
  return out;
}

/* The midpoint between @image's ink and paper, by @clean's pixels. */
static double
midpoint (HallPageImage *clean,
          HallPageImage *image)
{
  double ink = 0, paper = 0;
  guint64 n_ink = 0, n_paper = 0;

  for (gsize i = 0; i < clean->stride * clean->height; i++)
    if (clean->pixels[i] < 60)
      {
        ink += image->pixels[i];
        n_ink++;
      }
    else if (clean->pixels[i] > 200)
      {
        paper += image->pixels[i];
        n_paper++;
      }
  return (ink / MAX (n_ink, 1) + paper / MAX (n_paper, 1)) / 2;
}

/* How legible the type came back: of the pixels that are ink or next to
 * ink on the clean page, the share (%) that are on the other side of the
 * ink/paper midpoint in the page read back than in the page scanned (a
 * stroke thinned, thickened or smudged by the compression); and the spread
 * (standard deviation) of the paper well away from the type (noise and
 * ringing). Both are blind to the tone curve the store applies. */
static void
compare (HallPageImage *clean,
         HallPageImage *scanned,
         HallPageImage *back,
         double        *flipped,
         double        *paper_spread)
{
  guint64 n_near = 0, n_flipped = 0, n_paper = 0;
  double sum = 0, sum2 = 0;
  double mid_scanned = midpoint (clean, scanned), mid_back = midpoint (clean, back);

  for (guint y = 2; y + 2 < clean->height; y++)
    for (guint x = 2; x + 2 < clean->width; x++)
      {
        gboolean near_ink = FALSE, far = TRUE;
        guint8 c = scanned->pixels[y * scanned->stride + x];
        guint8 b = back->pixels[y * back->stride + x];

        for (int dy = -2; dy <= 2; dy++)
          for (int dx = -2; dx <= 2; dx++)
            {
              gboolean ink = clean->pixels[(y + dy) * clean->stride + x + dx] < 128;

              if (ink && ABS (dx) <= 1 && ABS (dy) <= 1)
                near_ink = TRUE;
              if (ink)
                far = FALSE;
            }
        if (near_ink)
          {
            n_near++;
            n_flipped += (c < mid_scanned) != (b < mid_back);
          }
        else if (far)
          {
            n_paper++;
            sum += b;
            sum2 += (double) b * b;
          }
      }
  *flipped = n_near > 0 ? 100.0 * n_flipped / n_near : 0;
  *paper_spread = n_paper > 0 ? sqrt (MAX (0, sum2 / n_paper - (sum / n_paper) * (sum / n_paper)))
                              : 0;
}

static void
measure (const char    *name,
         const char    *file,
         HallPageImage *clean,
         HallPageImage *scanned,
         const char    *save)
{
  g_autoptr (GError) error = NULL;
  const char *mime = NULL;
  g_autoptr (GBytes) bytes = hall_page_image_encode (scanned, &mime, &error);
  g_autoptr (GPtrArray) back = NULL;
  double flipped, spread;
  gint64 start, encode_us;

  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  g_bytes_unref (hall_page_image_encode (scanned, &mime, NULL));
  encode_us = g_get_monotonic_time () - start;
  back = hall_page_image_load_bytes (bytes, "page.jpg", &error);
  g_assert_no_error (error);
  compare (clean, scanned, g_ptr_array_index (back, 0), &flipped, &spread);
  g_print ("%-30s %7.1f KB   type pixels flipped %5.2f %%   paper spread %4.2f   encode %5.1f ms\n",
           name, g_bytes_get_size (bytes) / 1024.0, flipped, spread, encode_us / 1000.0);
  if (save != NULL)
    {
      g_autofree char *clean_path = g_strdup_printf ("%s/%s-clean.png", save, file);
      g_autofree char *jpeg_path = g_strdup_printf ("%s/%s.jpg", save, file);

      hall_test_write_png (clean, clean_path);
      g_file_set_contents (jpeg_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                           NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *save = NULL;
  g_autoptr (HallPageImage) lease_clean = NULL;
  g_autoptr (HallPageImage) lease_scanned = NULL;
  g_autoptr (HallPageImage) typed = NULL;
  g_autoptr (HallPageImage) typed_clean = NULL;

  if (argc == 3 && g_strcmp0 (argv[1], "--save") == 0)
    save = argv[2];

  lease_clean = render_lease ();
  lease_scanned = scan (lease_clean, 1);
  measure ("lease (rendered, zh+en)", "lease", lease_clean, lease_scanned, save);

  /* The test pages' typed letter comes already softened and noisy: its
   * clean page is itself, thresholded back to ink and paper. */
  typed = hall_test_page_typed (HALL_PAGE_KIND_GREY, DPI, 3);
  typed_clean = hall_page_image_new (HALL_PAGE_KIND_GREY, typed->width, typed->height, DPI);
  for (gsize i = 0; i < typed->stride * typed->height; i++)
    typed_clean->pixels[i] = typed->pixels[i] < 140 ? 35 : 238;
  measure ("typed (tests/hall-test-pages)", "typed", typed_clean, typed, save);
  return 0;
}
