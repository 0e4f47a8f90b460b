/* hall-page-header.c — what a page file says it is, from its header alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The counter runs this before it hands a file to libpng, libjpeg, libtiff
 * or poppler, and the server on every blob it is sent: the dimensions come
 * from the header, so a 100,000 × 100,000 pixel bomb of a few kilobytes is
 * refused without a pixel of it being decoded.
 */
#define G_LOG_DOMAIN "hall-common"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "hall-error.h"
#include "hall-page-header.h"

/* TIFF directories followed before the file is deemed hostile. */
#define MAX_TIFF_PAGES 1000

HallPageFormat
hall_page_format_sniff (const guint8 *data,
                        gsize         length)
{
  static const guint8 png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (length >= 8 && memcmp (data, png, 8) == 0)
    return HALL_PAGE_FORMAT_PNG;
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return HALL_PAGE_FORMAT_JPEG;
  if (length >= 4 && ((memcmp (data, "II*\0", 4) == 0) || memcmp (data, "MM\0*", 4) == 0))
    return HALL_PAGE_FORMAT_TIFF;
  if (length >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return HALL_PAGE_FORMAT_PDF;
  return HALL_PAGE_FORMAT_UNKNOWN;
}

HallPageFormat
hall_page_format_from_name (const char *name)
{
  const char *dot = name != NULL ? strrchr (name, '.') : NULL;
  static const struct { const char *ext; HallPageFormat format; } exts[] = {
    { ".png", HALL_PAGE_FORMAT_PNG },
    { ".jpg", HALL_PAGE_FORMAT_JPEG },
    { ".jpeg", HALL_PAGE_FORMAT_JPEG },
    { ".jpe", HALL_PAGE_FORMAT_JPEG },
    { ".tif", HALL_PAGE_FORMAT_TIFF },
    { ".tiff", HALL_PAGE_FORMAT_TIFF },
    { ".pdf", HALL_PAGE_FORMAT_PDF },
  };

  if (dot == NULL)
    return HALL_PAGE_FORMAT_UNKNOWN;
  for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
    if (g_ascii_strcasecmp (dot, exts[i].ext) == 0)
      return exts[i].format;
  return HALL_PAGE_FORMAT_UNKNOWN;
}

const char *
hall_page_format_get_name (HallPageFormat format)
{
  switch (format)
    {
    case HALL_PAGE_FORMAT_PNG:
      return "PNG";
    case HALL_PAGE_FORMAT_JPEG:
      return "JPEG";
    case HALL_PAGE_FORMAT_TIFF:
      return "TIFF";
    case HALL_PAGE_FORMAT_PDF:
      return "PDF";
    case HALL_PAGE_FORMAT_UNKNOWN:
    default:
      return "?";
    }
}

static gboolean
damaged (GError        **error,
         HallPageFormat  format)
{
  g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
               _("The %s file is damaged or cut short: its header cannot be read"),
               hall_page_format_get_name (format));
  return FALSE;
}

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
read_png (const guint8   *data,
          gsize           length,
          HallPageHeader *header,
          GError        **error)
{
  static const guint channels[] = { 1, 0, 3, 1, 2, 0, 4 };

  /* Signature, then IHDR: length 13, type, width, height, depth, colour type. */
  if (length < 8 + 8 + 13 || be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return damaged (error, HALL_PAGE_FORMAT_PNG);
  header->width = be32 (data + 16);
  header->height = be32 (data + 20);
  header->bits = data[24];
  header->channels = data[25] < G_N_ELEMENTS (channels) ? channels[data[25]] : 0;
  header->n_pages = 1;
  if (header->channels == 0)
    return damaged (error, HALL_PAGE_FORMAT_PNG);
  return TRUE;
}

static gboolean
read_jpeg (const guint8   *data,
           gsize           length,
           HallPageHeader *header,
           GError        **error)
{
  gsize i = 2;

  while (i + 4 <= length)
    {
      guint8 marker;
      gsize size;

      if (data[i] != 0xff)
        return damaged (error, HALL_PAGE_FORMAT_JPEG);
      while (i < length && data[i] == 0xff)
        i++;
      if (i >= length)
        break;
      marker = data[i++];
      /* Markers without a length. */
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue;
      if (marker == 0xd9 || marker == 0xda)
        break; /* end of image, or the scan with no frame before it */
      if (i + 2 > length)
        break;
      size = ((gsize) data[i] << 8) | data[i + 1];
      if (size < 2)
        return damaged (error, HALL_PAGE_FORMAT_JPEG);
      /* A start of frame: SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc). */
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8
          && marker != 0xcc)
        {
          if (size < 8 || i + 8 > length)
            break;
          header->bits = data[i + 2];
          header->height = ((guint32) data[i + 3] << 8) | data[i + 4];
          header->width = ((guint32) data[i + 5] << 8) | data[i + 6];
          header->channels = data[i + 7];
          header->n_pages = 1;
          return TRUE;
        }
      i += size;
    }
  return damaged (error, HALL_PAGE_FORMAT_JPEG);
}

typedef struct
{
  const guint8 *data;
  gsize         length;
  gboolean      big;
} Tiff;

static gboolean
tiff_u16 (const Tiff *t,
          guint64     at,
          guint32    *out)
{
  if (at + 2 > t->length)
    return FALSE;
  *out = t->big ? ((guint32) t->data[at] << 8) | t->data[at + 1]
                : ((guint32) t->data[at + 1] << 8) | t->data[at];
  return TRUE;
}

static gboolean
tiff_u32 (const Tiff *t,
          guint64     at,
          guint32    *out)
{
  guint32 hi, lo;

  if (!tiff_u16 (t, at, t->big ? &hi : &lo) || !tiff_u16 (t, at + 2, t->big ? &lo : &hi))
    return FALSE;
  *out = (hi << 16) | lo;
  return TRUE;
}

/* The first value of an entry of type SHORT (3) or LONG (4). */
static gboolean
tiff_entry_value (const Tiff *t,
                  guint64     entry,
                  guint32    *out)
{
  guint32 type;

  if (!tiff_u16 (t, entry + 2, &type))
    return FALSE;
  if (type == 3)
    return tiff_u16 (t, entry + 8, out);
  if (type == 4)
    return tiff_u32 (t, entry + 8, out);
  return FALSE;
}

static gboolean
read_tiff (const guint8   *data,
           gsize           length,
           HallPageHeader *header,
           GError        **error)
{
  Tiff t = { data, length, data[0] == 'M' };
  guint32 ifd = 0;
  guint pages = 0;

  if (!tiff_u32 (&t, 4, &ifd) || ifd == 0)
    return damaged (error, HALL_PAGE_FORMAT_TIFF);
  while (ifd != 0)
    {
      guint32 n_entries = 0;
      guint32 width = 0, height = 0, bits = 1, channels = 1;

      if (++pages > MAX_TIFF_PAGES || !tiff_u16 (&t, ifd, &n_entries))
        return damaged (error, HALL_PAGE_FORMAT_TIFF);
      for (guint32 e = 0; e < n_entries; e++)
        {
          guint64 entry = (guint64) ifd + 2 + (guint64) e * 12;
          guint32 tag = 0;
          guint32 value = 0;

          if (!tiff_u16 (&t, entry, &tag))
            return damaged (error, HALL_PAGE_FORMAT_TIFF);
          if (tag != 256 && tag != 257 && tag != 258 && tag != 277)
            continue;
          if (!tiff_entry_value (&t, entry, &value))
            return damaged (error, HALL_PAGE_FORMAT_TIFF);
          switch (tag)
            {
            case 256: width = value; break;
            case 257: height = value; break;
            case 258: bits = value; break;
            case 277: channels = value; break;
            default: break;
            }
        }
      if ((guint64) width * height > (guint64) header->width * header->height
          || pages == 1)
        {
          header->width = width;
          header->height = height;
        }
      if (width == 0 || height == 0)
        {
          header->width = 0;
          header->height = 0;
          break;
        }
      if (pages == 1)
        {
          header->bits = bits;
          header->channels = channels;
        }
      if (!tiff_u32 (&t, (guint64) ifd + 2 + (guint64) n_entries * 12, &ifd))
        return damaged (error, HALL_PAGE_FORMAT_TIFF);
    }
  header->n_pages = pages;
  return TRUE;
}

gboolean
hall_page_header_read (const guint8   *data,
                       gsize           length,
                       HallPageHeader *header,
                       GError        **error)
{
  gboolean ok = FALSE;

  memset (header, 0, sizeof *header);
  if (length == 0)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_EMPTY,
                   _("The file is empty (0 bytes)"));
      return FALSE;
    }
  if (length > HALL_PAGE_MAX_BYTES)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("The file has %lu bytes; files may be at most %u MiB"),
                   (unsigned long) length, (guint) (HALL_PAGE_MAX_BYTES / (1024 * 1024)));
      return FALSE;
    }
  header->format = hall_page_format_sniff (data, length);
  switch (header->format)
    {
    case HALL_PAGE_FORMAT_PNG:
      ok = read_png (data, length, header, error);
      break;
    case HALL_PAGE_FORMAT_JPEG:
      ok = read_jpeg (data, length, header, error);
      break;
    case HALL_PAGE_FORMAT_TIFF:
      ok = read_tiff (data, length, header, error);
      break;
    case HALL_PAGE_FORMAT_PDF:
      /* Its pages are sized when the document is opened. */
      return TRUE;
    case HALL_PAGE_FORMAT_UNKNOWN:
    default:
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The file is not a PNG, JPEG, TIFF or PDF document"));
      return FALSE;
    }
  if (!ok)
    return FALSE;
  if (header->width == 0 || header->height == 0)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_INVALID,
                   _("The %s image has no pixels (%u × %u)"),
                   hall_page_format_get_name (header->format), header->width, header->height);
      return FALSE;
    }
  if ((guint64) header->width * header->height > HALL_PAGE_MAX_PIXELS)
    {
      g_set_error (error, HALL_VALIDATION_ERROR, HALL_VALIDATION_ERROR_LENGTH,
                   _("The %s image has %u × %u pixels (%.1f million); a page may have at "
                     "most %u million"),
                   hall_page_format_get_name (header->format), header->width, header->height,
                   (double) header->width * header->height / 1e6,
                   (guint) (HALL_PAGE_MAX_PIXELS / 1000000));
      return FALSE;
    }
  return TRUE;
}
