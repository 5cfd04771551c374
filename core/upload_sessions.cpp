#include "core/upload_sessions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/ids.h"

namespace herald::core {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kUploadPrefix = "upl";

base::Error IoError(const std::string& what, const std::string& path) {
  return base::Internal(what + " " + path + ": " + std::strerror(errno));
}

// Appends `bytes` to the open `fd`.
base::Result<void> WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("cannot write", path);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return base::Ok();
}

// Writes `text` to `path` through a temporary file and a rename, synced.
base::Result<void> WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", tmp);
  base::Result<void> w = WriteAll(fd, text, tmp);
  if (w.ok() && ::fsync(fd) != 0) w = IoError("cannot sync", tmp);
  ::close(fd);
  if (w.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) w = IoError("cannot rename", tmp);
  if (!w.ok()) ::unlink(tmp.c_str());
  return w;
}

base::Json MetadataJson(const UploadMetadata& m) {
  return {{"file_name", m.file_name},
          {"declared_type", m.declared_type},
          {"alt_text", m.alt_text},
          {"keep", m.keep}};
}

}  // namespace

UploadSessions::UploadSessions(std::string data_dir, base::asio::thread_pool& pool,
                               const base::Clock& clock, FinishFn finish, UploadLimits limits)
    : dir_(std::move(data_dir) + "/uploads"),
      pool_(pool),
      clock_(clock),
      finish_(std::move(finish)),
      limits_(limits) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  Load();
}

std::string UploadSessions::PartPath(const std::string& id) const { return dir_ + "/" + id + ".part"; }
std::string UploadSessions::StatePath(const std::string& id) const { return dir_ + "/" + id + ".json"; }

void UploadSessions::Load() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".json") continue;
    const std::string id = entry.path().stem().string();
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = base::ParseJson(text.str());
    Session s;
    bool good = parsed.ok() && parsed->is_object() && base::IsValidId(id, kUploadPrefix);
    if (good) {
      try {
        const base::Json& j = *parsed;
        s.org_id = j.at("org_id").get<std::string>();
        s.key_id = j.at("key_id").get<std::string>();
        s.length = j.at("length").get<int64_t>();
        s.expires = base::FromUnixMicros(j.at("expires_us").get<int64_t>());
        const base::Json& m = j.at("metadata");
        s.metadata.file_name = m.value("file_name", "");
        s.metadata.declared_type = m.value("declared_type", "");
        s.metadata.alt_text = m.value("alt_text", "");
        s.metadata.keep = m.value("keep", false);
      } catch (const std::exception&) {
        good = false;
      }
    }
    std::error_code size_ec;
    auto size = fs::file_size(PartPath(id), size_ec);
    if (!good || size_ec || static_cast<int64_t>(size) > s.length) {
      RemoveFiles(id);
      continue;
    }
    s.offset = static_cast<int64_t>(size);
    sessions_.emplace(id, std::move(s));
  }
}

void UploadSessions::RemoveFiles(const std::string& id) {
  std::error_code ec;
  fs::remove(PartPath(id), ec);
  fs::remove(StatePath(id), ec);
}

size_t UploadSessions::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

UploadSessions::Session* UploadSessions::FindLocked(const base::Caller& caller,
                                                    const std::string& id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.org_id != caller.org_id) return nullptr;
  if (it->second.expires <= clock_.Now()) return nullptr;
  return &it->second;
}

UploadInfo UploadSessions::InfoLocked(const std::string& id, const Session& s) const {
  return UploadInfo{id, s.length, s.offset, s.expires};
}

base::Task<size_t> UploadSessions::RemoveExpired() {
  std::vector<std::string> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const base::Time now = clock_.Now();
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (it->second.expires <= now && !it->second.busy) {
        gone.push_back(it->first);
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (!gone.empty()) {
    co_await base::RunBlocking(pool_, [this, &gone] {
      for (const auto& id : gone) RemoveFiles(id);
    });
  }
  co_return gone.size();
}

base::Task<base::Result<UploadInfo>> UploadSessions::Create(base::Caller caller, int64_t length,
                                                            UploadMetadata metadata) {
  if (length < 1) co_return base::InvalidArgument("Upload-Length must be at least 1 byte");
  if (length > limits_.max_size) {
    co_return base::InvalidArgument("the upload is " + std::to_string(length) +
                                    " bytes, over the limit of " +
                                    std::to_string(limits_.max_size) + " bytes");
  }
  co_await RemoveExpired();
  const std::string id = base::NewId(kUploadPrefix, clock_.Now());
  Session s;
  s.org_id = caller.org_id;
  s.key_id = caller.key_id;
  s.length = length;
  s.metadata = std::move(metadata);
  s.expires = clock_.Now() + limits_.expiry;
  s.busy = true;  // until its files exist
  {
    std::lock_guard<std::mutex> lock(mu_);
    int open = 0;
    int64_t staged = 0;
    for (const auto& [other_id, o] : sessions_) {
      if (o.org_id != caller.org_id || o.key_id != caller.key_id) continue;
      ++open;
      staged += o.length;
    }
    if (open >= limits_.max_unfinished_per_key) {
      co_return base::ResourceExhausted(
          "this API key already has " + std::to_string(open) +
          " unfinished uploads (the limit); finish or DELETE one, or wait for them to expire");
    }
    if (staged + length > limits_.max_staged_bytes_per_key) {
      co_return base::ResourceExhausted(
          "this API key's unfinished uploads would stage " + std::to_string(staged + length) +
          " bytes, over the limit of " + std::to_string(limits_.max_staged_bytes_per_key) +
          "; finish or DELETE some first");
    }
    sessions_.emplace(id, s);
  }
  base::Json state = {{"org_id", s.org_id},
                      {"key_id", s.key_id},
                      {"length", s.length},
                      {"expires_us", base::ToUnixMicros(s.expires)},
                      {"metadata", MetadataJson(s.metadata)}};
  base::Result<void> written = co_await base::RunBlocking(pool_, [&]() -> base::Result<void> {
    int fd = ::open(PartPath(id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("cannot create", PartPath(id));
    ::close(fd);
    return WriteFileAtomically(StatePath(id), base::DumpJson(state));
  });
  std::lock_guard<std::mutex> lock(mu_);
  if (!written.ok()) {
    sessions_.erase(id);
    RemoveFiles(id);
    co_return std::move(written).error();
  }
  Session& created = sessions_.at(id);
  created.busy = false;
  co_return InfoLocked(id, created);
}

base::Task<base::Result<UploadInfo>> UploadSessions::Get(base::Caller caller, std::string id) {
  std::lock_guard<std::mutex> lock(mu_);
  Session* s = FindLocked(caller, id);
  if (s == nullptr) co_return base::NotFound("no upload " + id);
  co_return InfoLocked(id, *s);
}

base::Task<base::Result<void>> UploadSessions::Terminate(base::Caller caller, std::string id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Session* s = FindLocked(caller, id);
    if (s == nullptr) co_return base::NotFound("no upload " + id);
    if (s->busy) co_return base::Aborted("upload " + id + " is receiving data; try again");
    sessions_.erase(id);
  }
  co_await base::RunBlocking(pool_, [this, &id] { RemoveFiles(id); });
  co_return base::Ok();
}

base::Task<base::Result<AppendOutcome>> UploadSessions::Append(base::Caller caller, std::string id,
                                                               int64_t offset, PieceSource next) {
  int64_t length = 0;
  int64_t at = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Session* s = FindLocked(caller, id);
    if (s == nullptr) co_return base::NotFound("no upload " + id);
    if (s->busy) co_return base::Aborted("upload " + id + " is already receiving data");
    if (offset != s->offset) {
      co_return base::Aborted("Upload-Offset " + std::to_string(offset) +
                              " does not match the upload's offset " + std::to_string(s->offset));
    }
    s->busy = true;
    length = s->length;
    at = s->offset;
  }
  const std::string path = PartPath(id);
  // Bytes past the known offset (an append cut off before its sync) are dropped first, so the
  // file always continues at the offset the client was told.
  int fd = co_await base::RunBlocking(pool_, [&] {
    int f = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (f >= 0 && ::ftruncate(f, at) != 0) {
      ::close(f);
      return -1;
    }
    return f;
  });
  std::optional<base::Error> failure;
  if (fd < 0) failure = IoError("cannot open", path);
  // Cancelled (shutdown) while receiving: the file is closed and the session free again; the
  // bytes written so far stay (unsynced) and the offset is re-read at the next start.
  struct Release {
    UploadSessions* self;
    const std::string& id;
    int& fd;
    bool armed = true;
    ~Release() {
      if (!armed) return;
      if (fd >= 0) ::close(fd);
      std::lock_guard<std::mutex> lock(self->mu_);
      if (auto it = self->sessions_.find(id); it != self->sessions_.end()) it->second.busy = false;
    }
  } release{this, id, fd};
  while (!failure) {
    base::Result<std::string> piece = co_await next();
    if (!piece.ok()) {
      failure = std::move(piece).error();
      break;
    }
    if (piece->empty()) break;
    if (at + static_cast<int64_t>(piece->size()) > length) {
      failure = base::InvalidArgument("the body goes past Upload-Length (" +
                                      std::to_string(length) + " bytes)");
      break;
    }
    base::Result<void> w =
        co_await base::RunBlocking(pool_, [&] { return WriteAll(fd, *piece, path); });
    if (!w.ok()) {
      failure = std::move(w).error();
      break;
    }
    at += static_cast<int64_t>(piece->size());
  }
  // Whatever arrived is made durable, so the offset a client resumes at is on disk.
  if (fd >= 0) {
    bool synced = co_await base::RunBlocking(pool_, [&] {
      bool ok = ::fsync(fd) == 0;
      ::close(fd);
      return ok;
    });
    if (!synced && !failure) failure = IoError("cannot sync", path);
  }
  release.armed = false;
  UploadInfo info;
  Session finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Session& s = sessions_.at(id);
    s.offset = at;
    s.busy = false;
    info = InfoLocked(id, s);
    if (failure) co_return *failure;
    if (at < length) co_return AppendOutcome{info, std::nullopt, std::nullopt};
    finished = s;
    sessions_.erase(id);
  }
  // Complete: the state file goes, the bytes go to finish.
  co_await base::RunBlocking(pool_, [&] {
    std::error_code ec;
    fs::remove(StatePath(id), ec);
  });
  FinishedUpload upload{path, at, finished.metadata.file_name, finished.metadata.declared_type,
                        finished.metadata.alt_text, finished.metadata.keep};
  base::Result<base::Json> media = co_await finish_(caller, std::move(upload));
  AppendOutcome out{info, std::nullopt, std::nullopt};
  if (media.ok()) {
    out.media = std::move(media).value();
  } else {
    out.finish_error = std::move(media).error();
    co_await base::RunBlocking(pool_, [&] {
      std::error_code ec;
      fs::remove(path, ec);
    });
  }
  co_return out;
}

base::Task<base::Result<base::Json>> UploadSessions::FinishWhole(base::Caller caller,
                                                                 UploadMetadata metadata,
                                                                 std::string bytes) {
  if (bytes.empty()) co_return base::InvalidArgument("the upload is empty");
  const std::string id = base::NewId(kUploadPrefix, clock_.Now());
  const std::string path = PartPath(id);
  base::Result<void> written = co_await base::RunBlocking(pool_, [&]() -> base::Result<void> {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("cannot create", path);
    base::Result<void> w = WriteAll(fd, bytes, path);
    if (w.ok() && ::fsync(fd) != 0) w = IoError("cannot sync", path);
    ::close(fd);
    return w;
  });
  auto remove = [&]() -> base::Task<void> {
    co_await base::RunBlocking(pool_, [&] {
      std::error_code ec;
      fs::remove(path, ec);
    });
  };
  if (!written.ok()) {
    co_await remove();
    co_return std::move(written).error();
  }
  FinishedUpload upload{path,
                        static_cast<int64_t>(bytes.size()),
                        std::move(metadata.file_name),
                        std::move(metadata.declared_type),
                        std::move(metadata.alt_text),
                        metadata.keep};
  bytes.clear();
  base::Result<base::Json> media = co_await finish_(caller, std::move(upload));
  if (!media.ok()) co_await remove();
  co_return media;
}

}  // namespace herald::core
