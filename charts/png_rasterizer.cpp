#include "charts/png_rasterizer.h"

#include <cairo.h>
#include <librsvg/rsvg.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace herald::charts {
namespace {

struct GObjectUnref {
  void operator()(RsvgHandle* h) const { g_object_unref(h); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDestroy {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

base::Result<Png> RasterizeSvg(std::string_view svg, const RasterOptions& options) {
  GError* error = nullptr;
  std::unique_ptr<RsvgHandle, GObjectUnref> handle(rsvg_handle_new_from_data(
      reinterpret_cast<const guint8*>(svg.data()), svg.size(), &error));
  if (!handle) {
    std::string why = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    return base::InvalidArgument("the chart SVG could not be parsed: " + why.substr(0, 200));
  }
  rsvg_handle_set_dpi(handle.get(), 96);
  gdouble w = 0, h = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(handle.get(), &w, &h) || w <= 0 || h <= 0) {
    return base::InvalidArgument("the chart SVG has no width and height in pixels");
  }
  double scale = options.scale > 0 ? options.scale : 1.0;
  const double long_edge = std::max(w, h) * scale;
  if (long_edge > options.max_long_edge) scale *= options.max_long_edge / long_edge;
  Png png;
  png.width = std::max(1, static_cast<int>(std::floor(w * scale)));
  png.height = std::max(1, static_cast<int>(std::floor(h * scale)));

  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, png.width, png.height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return base::Internal("cairo_image_surface_create failed");
  }
  std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
  cairo_set_source_rgb(cr.get(), 1, 1, 1);
  cairo_paint(cr.get());
  RsvgRectangle viewport{0, 0, static_cast<double>(png.width), static_cast<double>(png.height)};
  if (!rsvg_handle_render_document(handle.get(), cr.get(), &viewport, &error)) {
    std::string why = error != nullptr ? error->message : "unknown error";
    if (error != nullptr) g_error_free(error);
    return base::InvalidArgument("the chart SVG could not be drawn: " + why.substr(0, 200));
  }
  cr.reset();
  cairo_surface_flush(surface.get());
  if (cairo_surface_write_to_png_stream(surface.get(), &AppendBytes, &png.bytes) !=
      CAIRO_STATUS_SUCCESS) {
    return base::Internal("cairo_surface_write_to_png_stream failed");
  }
  return png;
}

}  // namespace herald::charts
