#include "tests/emulators/common/multipart.h"

#include <strings.h>

#include <cctype>

namespace herald::emulators {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

// The value of parameter `name` in a header value like `form-data; name="file"; filename="a"`.
std::string Param(std::string_view value, std::string_view name) {
  size_t pos = 0;
  while (pos < value.size()) {
    size_t semi = value.find(';', pos);
    if (semi == std::string_view::npos) semi = value.size();
    std::string_view item = Trim(value.substr(pos, semi - pos));
    pos = semi + 1;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = Trim(item.substr(0, eq));
    if (key.size() != name.size() || strncasecmp(key.data(), name.data(), key.size()) != 0) {
      continue;
    }
    std::string_view v = Trim(item.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      std::string out;
      for (size_t i = 1; i + 1 < v.size(); ++i) {
        if (v[i] == '\\' && i + 2 < v.size()) ++i;
        out.push_back(v[i]);
      }
      return out;
    }
    return std::string(v);
  }
  return "";
}

}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
  if (!StartsWithNoCase(Trim(content_type), "multipart/form-data")) return "";
  return Param(content_type, "boundary");
}

base::Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                        std::string_view content_type) {
  const std::string boundary = MultipartBoundary(content_type);
  if (boundary.empty()) {
    return base::InvalidArgument("Content-Type must be multipart/form-data with a boundary");
  }
  const std::string delimiter = "--" + boundary;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return base::InvalidArgument("multipart body has no boundary");
  std::vector<MultipartPart> parts;
  while (true) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // final boundary
    if (body.substr(pos, 2) != "\r\n")
      return base::InvalidArgument("malformed multipart boundary line");
    pos += 2;
    const size_t header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string_view::npos) {
      return base::InvalidArgument("multipart part without a blank line after its headers");
    }
    MultipartPart part;
    std::string_view headers = body.substr(pos, header_end - pos);
    while (!headers.empty()) {
      size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(Trim(line.substr(0, colon)));
      std::string value(Trim(line.substr(colon + 1)));
      if (strcasecmp(name.c_str(), "Content-Disposition") == 0) {
        part.name = Param(value, "name");
        part.filename = Param(value, "filename");
      } else if (strcasecmp(name.c_str(), "Content-Type") == 0) {
        part.content_type = value;
      }
      part.headers.emplace_back(std::move(name), std::move(value));
    }
    if (part.name.empty()) return base::InvalidArgument("multipart part without a field name");
    const size_t data_begin = header_end + 4;
    const size_t next = body.find("\r\n" + delimiter, data_begin);
    if (next == std::string_view::npos) {
      return base::InvalidArgument("multipart body is missing its final boundary");
    }
    part.data = std::string(body.substr(data_begin, next - data_begin));
    parts.push_back(std::move(part));
    pos = next + 2;
  }
}

}  // namespace herald::emulators
