// Small definitions for the value types of platform.h.
#include "platforms/platform.h"

#include <cstdio>

namespace herald::platforms {

std::string_view MediaFitName(MediaFit fit) {
  switch (fit) {
    case MediaFit::kPad:
      return "pad";
    case MediaFit::kCrop:
      return "crop";
    case MediaFit::kNone:
      break;
  }
  return "none";
}

std::string ConversionSpec::Key() const {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, "%dx%d;ar=%.4f-%.4f;fit=%s;strip=%d;tv=%d;fps=%.3f;max=%lld",
                max_width, max_height, min_aspect_ratio, max_aspect_ratio,
                std::string(MediaFitName(fit)).c_str(), strip_metadata ? 1 : 0,
                transcode_video ? 1 : 0, max_frame_rate, static_cast<long long>(max_bytes));
  return mime_type + ";" + buffer;
}

Task<Result<std::vector<HistoryPost>>> Platform::FetchHistory(AccountContext account,
                                                              HistoryRequest request) {
  (void)account;
  (void)request;
  co_return base::Unimplemented(Info().name + " cannot read an account's history");
}

}  // namespace herald::platforms
