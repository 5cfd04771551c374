// MultipartForm: builds a multipart/form-data request body (RFC 7578) for media uploads
// (Mastodon /api/v2/media, Telegram sendPhoto/sendMediaGroup, Slack upload, Discord files[n]).
//
//   MultipartForm form;
//   form.AddField("chat_id", "-100123");
//   form.AddFile("photo", "cat.png", "image/png", bytes);
//   request.headers.emplace_back("Content-Type", form.ContentType());
//   request.body = form.Body();
//
// Parts are kept in order and rendered by Body(). The boundary is random (128 bits); if a part
// ever contains it, Body() picks another. Names and file names are escaped as browsers do
// ('"' -> %22, CR -> %0D, LF -> %0A). A value type; not thread-safe.
#ifndef HERALD_PLATFORMS_MULTIPART_H_
#define HERALD_PLATFORMS_MULTIPART_H_

#include <string>
#include <string_view>
#include <vector>

namespace herald::platforms {

class MultipartForm {
 public:
  MultipartForm();
  // A fixed boundary (tests); replaced only if a part contains it.
  explicit MultipartForm(std::string boundary);

  // A text field: Content-Disposition: form-data; name="<name>".
  void AddField(std::string_view name, std::string_view value);
  // A field with its own content type and no file name (Discord's payload_json).
  void AddTyped(std::string_view name, std::string_view content_type, std::string_view data);
  // A file: adds filename="<file_name>" and Content-Type (application/octet-stream if empty).
  void AddFile(std::string_view name, std::string_view file_name, std::string_view content_type,
               std::string_view data);

  // "multipart/form-data; boundary=<boundary>". Call after Body() if parts may contain the
  // boundary (Body() may change it); ContentTypeAndBody() does both in the right order.
  std::string ContentType() const;
  // The encoded body.
  std::string Body();
  struct Encoded {
    std::string content_type;
    std::string body;
  };
  Encoded ContentTypeAndBody();

  const std::string& boundary() const { return boundary_; }
  size_t part_count() const { return parts_.size(); }

 private:
  struct Part {
    std::string name;
    std::string file_name;  // empty: no filename parameter
    bool has_file_name = false;
    std::string content_type;  // empty: no Content-Type header
    std::string data;
  };
  bool AnyPartContainsBoundary() const;

  std::string boundary_;
  std::vector<Part> parts_;
};

// One multipart/form-data field as a wire mapping describes it, before encoding: `file_name`
// set = a file part; else `content_type` set = a typed field (Discord's payload_json); else a
// plain text field.
struct FormPart {
  std::string name;
  std::string value;
  std::string file_name;
  std::string content_type;
};

// `parts` encoded in order with a fresh MultipartForm.
MultipartForm::Encoded EncodeMultipart(const std::vector<FormPart>& parts);

}  // namespace herald::platforms

#endif  // HERALD_PLATFORMS_MULTIPART_H_
