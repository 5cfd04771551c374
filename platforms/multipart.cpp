#include "platforms/multipart.h"

#include "base/crypto.h"

namespace herald::platforms {
namespace {

std::string NewBoundary() { return "herald-" + base::HexEncode(base::RandomBytes(16)); }

// Escapes a name or file name for a quoted Content-Disposition parameter (WHATWG form encoding).
std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "%22";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Content types are ours or the network's; strip anything that would break the header.
std::string HeaderSafe(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  }
  return out;
}

}  // namespace

MultipartForm::MultipartForm() : boundary_(NewBoundary()) {}
MultipartForm::MultipartForm(std::string boundary) : boundary_(std::move(boundary)) {}

void MultipartForm::AddField(std::string_view name, std::string_view value) {
  parts_.push_back(Part{std::string(name), {}, false, {}, std::string(value)});
}

void MultipartForm::AddTyped(std::string_view name, std::string_view content_type,
                             std::string_view data) {
  parts_.push_back(Part{std::string(name), {}, false, HeaderSafe(content_type), std::string(data)});
}

void MultipartForm::AddFile(std::string_view name, std::string_view file_name,
                            std::string_view content_type, std::string_view data) {
  std::string type = HeaderSafe(content_type);
  if (type.empty()) type = "application/octet-stream";
  parts_.push_back(Part{std::string(name), std::string(file_name), true, type, std::string(data)});
}

std::string MultipartForm::ContentType() const {
  return "multipart/form-data; boundary=" + boundary_;
}

bool MultipartForm::AnyPartContainsBoundary() const {
  for (const Part& p : parts_) {
    if (p.data.find(boundary_) != std::string::npos) return true;
    if (p.name.find(boundary_) != std::string::npos) return true;
    if (p.file_name.find(boundary_) != std::string::npos) return true;
  }
  return false;
}

std::string MultipartForm::Body() {
  while (AnyPartContainsBoundary()) boundary_ = NewBoundary();
  size_t size = boundary_.size() + 8;
  for (const Part& p : parts_) size += p.data.size() + p.name.size() + p.file_name.size() + 160;
  std::string out;
  out.reserve(size);
  for (const Part& p : parts_) {
    out += "--";
    out += boundary_;
    out += "\r\nContent-Disposition: form-data; name=\"";
    out += Escape(p.name);
    out += '"';
    if (p.has_file_name) {
      out += "; filename=\"";
      out += Escape(p.file_name);
      out += '"';
    }
    out += "\r\n";
    if (!p.content_type.empty()) {
      out += "Content-Type: ";
      out += p.content_type;
      out += "\r\n";
    }
    out += "\r\n";
    out += p.data;
    out += "\r\n";
  }
  out += "--";
  out += boundary_;
  out += "--\r\n";
  return out;
}

MultipartForm::Encoded MultipartForm::ContentTypeAndBody() {
  Encoded e;
  e.body = Body();
  e.content_type = ContentType();
  return e;
}

MultipartForm::Encoded EncodeMultipart(const std::vector<FormPart>& parts) {
  MultipartForm form;
  for (const FormPart& p : parts) {
    if (!p.file_name.empty()) {
      form.AddFile(p.name, p.file_name, p.content_type, p.value);
    } else if (!p.content_type.empty()) {
      form.AddTyped(p.name, p.content_type, p.value);
    } else {
      form.AddField(p.name, p.value);
    }
  }
  return form.ContentTypeAndBody();
}

}  // namespace herald::platforms
