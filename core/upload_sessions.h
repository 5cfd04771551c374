// UploadSessions: resumable uploads (the state machine behind tus 1.0 on /api/v1/uploads) and
// whole small uploads (POST /api/v1/media), staged as files, never whole in memory.
//
// State lives only in files under <data_dir>/uploads/: <id>.part (the bytes received so far,
// synced after every append, so its size is the durable offset) and <id>.json (organization,
// key id, length, metadata, expiry). Sessions are reloaded from there at construction. Each
// session belongs to the organization that created it (another organization's id is
// kNotFound) and expires 24 hours after creation (expired ones are removed on the next
// Create or RemoveExpired). Per API key, the number of unfinished uploads and the bytes they
// declare are capped, so one client cannot fill the disk. When the last byte arrives the
// finish callback takes the file (MediaService: probe, store, returns the media JSON); a
// failing finish removes the staged file. Blocking file I/O runs on the blocking pool.
// Thread-safe.
#ifndef HERALD_CORE_UPLOAD_SESSIONS_H_
#define HERALD_CORE_UPLOAD_SESSIONS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::core {

// What the client said about the file (tus Upload-Metadata, or POST query parameters).
struct UploadMetadata {
  std::string file_name;
  std::string declared_type;  // the client's claim; the finish callback sniffs the bytes
  std::string alt_text;
  bool keep = false;
};

// A complete staged file handed to the finish callback, which takes ownership of `path`.
struct FinishedUpload {
  std::string path;
  int64_t size = 0;
  std::string file_name;
  std::string declared_type;
  std::string alt_text;
  bool keep = false;
};

struct UploadLimits {
  int64_t max_size = 2LL << 30;                  // one upload (Upload-Length)
  int max_unfinished_per_key = 8;                // uploads one API key may have open
  int64_t max_staged_bytes_per_key = 8LL << 30;  // declared lengths of those, together
  std::chrono::hours expiry{24};
};

struct UploadInfo {
  std::string id;
  int64_t length = 0;
  int64_t offset = 0;  // bytes durably received
  base::Time expires;
};

// The outcome of an append: the new state and, when it completed the upload, what finish
// answered (media JSON, or finish_error: the file was not acceptable media and is gone).
struct AppendOutcome {
  UploadInfo info;
  std::optional<base::Json> media;
  std::optional<base::Error> finish_error;
};

class UploadSessions {
 public:
  using FinishFn = std::function<base::Task<base::Result<base::Json>>(base::Caller, FinishedUpload)>;
  // The next piece of a request body, "" at its end, an error when the client went away.
  using PieceSource = std::function<base::Task<base::Result<std::string>>()>;

  // `pool` and `clock` must outlive this object. Creates <data_dir>/uploads and loads the
  // sessions found there (a malformed one is removed).
  UploadSessions(std::string data_dir, base::asio::thread_pool& pool, const base::Clock& clock,
                 FinishFn finish, UploadLimits limits = {});

  const UploadLimits& limits() const { return limits_; }

  // A new session of `length` bytes. Errors: kInvalidArgument (length < 1 or over max_size,
  // naming the limit), kResourceExhausted (the key's cap on unfinished uploads or staged
  // bytes: the message says which and how to free room), kInternal for an I/O failure.
  base::Task<base::Result<UploadInfo>> Create(base::Caller caller, int64_t length,
                                              UploadMetadata metadata);

  // The state of `id`; kNotFound when unknown, expired or another organization's.
  base::Task<base::Result<UploadInfo>> Get(base::Caller caller, std::string id);

  // Appends the body read from `next` at `offset`. Errors: kNotFound (as Get); kAborted when
  // `offset` is not the current offset (the message gives it) or another append to it is
  // running; kInvalidArgument when the body goes past the declared length (nothing past it is
  // written); the body source's error when the client went away (what arrived is kept and
  // synced: HEAD then shows it, and the client resumes there).
  base::Task<base::Result<AppendOutcome>> Append(base::Caller caller, std::string id,
                                                 int64_t offset, PieceSource next);

  // Removes the session and its file (tus termination). kNotFound as Get; kAborted while an
  // append runs.
  base::Task<base::Result<void>> Terminate(base::Caller caller, std::string id);

  // Stages `bytes` (a whole small upload) and hands it to finish. The finish error, if any,
  // comes back as is (the file is removed).
  base::Task<base::Result<base::Json>> FinishWhole(base::Caller caller, UploadMetadata metadata,
                                                   std::string bytes);

  // Removes expired sessions not being appended to. Returns how many.
  base::Task<size_t> RemoveExpired();

  size_t size() const;

 private:
  struct Session {
    std::string org_id;
    std::string key_id;
    int64_t length = 0;
    int64_t offset = 0;
    UploadMetadata metadata;
    base::Time expires;
    bool busy = false;
  };

  std::string PartPath(const std::string& id) const;
  std::string StatePath(const std::string& id) const;
  void Load();
  // Under mu_: the session `id` of `caller`'s organization that has not expired, or null.
  Session* FindLocked(const base::Caller& caller, const std::string& id);
  UploadInfo InfoLocked(const std::string& id, const Session& s) const;
  void RemoveFiles(const std::string& id);

  const std::string dir_;
  base::asio::thread_pool& pool_;
  const base::Clock& clock_;
  FinishFn finish_;
  const UploadLimits limits_;
  mutable std::mutex mu_;
  std::map<std::string, Session> sessions_;
};

}  // namespace herald::core

#endif  // HERALD_CORE_UPLOAD_SESSIONS_H_
