#include "core/media_service.h"

#include <array>

#include "base/crypto.h"
#include "base/ids.h"

namespace herald::core {
namespace {

constexpr std::array<std::string_view, 4> kSupported = {"image/png", "image/jpeg", "image/gif",
                                                        "image/webp"};

std::string SupportedList() {
  std::string out;
  for (auto t : kSupported) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

std::string Mebibytes(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

std::string_view SniffImageType(std::string_view b) {
  auto starts = [&](std::string_view magic, size_t at = 0) {
    return b.size() >= at + magic.size() && b.substr(at, magic.size()) == magic;
  };
  if (starts(std::string_view("\x89PNG\r\n\x1a\n", 8))) return "image/png";
  if (starts(std::string_view("\xFF\xD8\xFF", 3))) return "image/jpeg";
  if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "image/webp";
  return {};
}

MediaService::MediaService(store::Store& store, const base::Clock& clock,
                           base::asio::thread_pool& blocking, MediaServiceOptions options)
    : store_(store), clock_(clock), blocking_(blocking), options_(options) {}

base::Result<store::Media> MediaService::UploadSync(const Caller& caller,
                                                  const UploadMediaRequest& request) {
  if (!store::RoleAllows(caller.role, store::Role::kEditor)) {
    return base::PermissionDenied("uploading media needs the editor role");
  }
  std::string declared = request.mime_type;
  for (auto& c : declared) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (declared == "image/jpg") declared = "image/jpeg";
  bool supported = false;
  for (auto t : kSupported) supported = supported || t == declared;
  if (!supported) {
    return base::InvalidArgument("mime_type: '" + request.mime_type.substr(0, 64) +
                                 "' is not supported; use one of " + SupportedList());
  }
  // Refuse oversized input before decoding it (4 base64 characters per 3 bytes).
  if (request.data_base64.size() > limits::Base64LengthFor(options_.max_bytes)) {
    return base::InvalidArgument("data_base64: the file is over the limit of " +
                                 Mebibytes(options_.max_bytes));
  }
  auto bytes = base::Base64Decode(request.data_base64);
  if (!bytes.ok()) {
    return base::InvalidArgument("data_base64: not valid base64 (" + bytes.error().message() +
                                 ")");
  }
  if (bytes->empty()) return base::InvalidArgument("data_base64: the file is empty");
  if (static_cast<int64_t>(bytes->size()) > options_.max_bytes) {
    return base::InvalidArgument("data_base64: the file is " + Mebibytes(bytes->size()) +
                                 ", over the limit of " + Mebibytes(options_.max_bytes));
  }
  std::string_view actual = SniffImageType(*bytes);
  if (actual.empty()) {
    return base::InvalidArgument("data_base64: the bytes are not an image herald supports (" +
                                 SupportedList() + ")");
  }
  if (actual != declared) {
    return base::InvalidArgument("mime_type: declared " + declared + " but the bytes are " +
                                 std::string(actual) + "; send the right mime_type");
  }
  if (limits::TextLength(request.alt_text) > options_.max_alt_text) {
    return base::InvalidArgument("alt_text: at most " + std::to_string(options_.max_alt_text) +
                                 " characters");
  }
  if (limits::TextLength(request.file_name) > options_.max_file_name) {
    return base::InvalidArgument("file_name: at most " + std::to_string(options_.max_file_name) +
                                 " characters");
  }
  const base::Time now = clock_.Now();
  store::Media media;
  media.id = base::NewId(base::kMediaPrefix, now);
  media.org_id = caller.org_id;
  media.mime_type = std::string(actual);
  media.file_name = request.file_name;
  media.alt_text = request.alt_text;
  media.sha256 = base::Sha256Hex(*bytes);
  media.size = static_cast<int64_t>(bytes->size());
  media.data = std::move(*bytes);
  media.created_at = now;
  HERALD_RETURN_IF_ERROR(store_.WriteBatched([&](store::Tx& tx) { return tx.InsertMedia(media); }));
  media.data.clear();
  return media;
}

base::Task<base::Result<store::Media>> MediaService::Upload(Caller caller,
                                                          UploadMediaRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return UploadSync(caller, request); });
}

}  // namespace herald::core
