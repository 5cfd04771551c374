// Parsing request bodies the way network servers do: multipart/form-data (RFC 7578, media
// uploads) and the parameter name conventions of Rails ("media_ids[]"). Pure; thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_MULTIPART_H_
#define HERALD_TESTS_EMULATORS_COMMON_MULTIPART_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace herald::emulators {

struct MultipartPart {
  std::string name;          // the form field name
  std::string filename;      // "" when the part is not a file
  std::string content_type;  // "" when the part has none
  std::vector<std::pair<std::string, std::string>> headers;
  std::string data;
};

// The boundary parameter of a "multipart/form-data; boundary=..." Content-Type, or "" when the
// type is not multipart/form-data.
std::string MultipartBoundary(std::string_view content_type);

// Splits a multipart/form-data body. Errors: kInvalidArgument when the Content-Type is not
// multipart/form-data with a boundary, or the body is malformed (missing final boundary, part
// without a Content-Disposition name).
base::Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                        std::string_view content_type);

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_MULTIPART_H_
