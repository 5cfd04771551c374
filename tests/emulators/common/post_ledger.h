// PostLedger: every post an emulator created (a Mastodon status, a Bluesky record, a Telegram
// message, ...), in creation order, so tests can assert "exactly once": what text, media and
// reply-to each has, which idempotency key it came with, whether it was deleted.
//
// Networks add posts when they apply a create request and mark them deleted; tests read them
// through List() or GET /__emulator/posts. Bounded (kMaxPosts); thread-safe.
#ifndef HERALD_TESTS_EMULATORS_COMMON_POST_LEDGER_H_
#define HERALD_TESTS_EMULATORS_COMMON_POST_LEDGER_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace herald::emulators {

using base::Json;

struct MediaRecord {
  std::string id;  // the network's media id (Mastodon id, Bluesky blob CID, ...)
  std::string mime_type;
  std::string alt_text;
  int64_t size = 0;
  std::string sha256;  // hex digest of the bytes, to check what was uploaded
};

struct CreatedPost {
  int64_t seq = 0;      // creation order, from 1 (assigned by the ledger)
  std::string id;       // the network's id (status id, at-uri, message id, ...)
  std::string account;  // the network's account id (or chat/channel)
  std::string text;
  std::vector<MediaRecord> media;
  std::string reply_to;         // the network's id of the post this replies to, or ""
  std::string idempotency_key;  // Idempotency-Key, record key, nonce, ... as the network saw it
  std::string url;              // the public link the network gave
  base::Time created_at{};
  bool deleted = false;
  Json extra = Json::object();    // network-specific: the whole record, facets, cid, ...
  Json metrics = Json::object();  // engagement set by tests: {"likes": 3, "reposts": 1, ...}

  // {"seq","id","account","text","media":[{"id","mime_type","alt_text","size","sha256"}],
  //  "reply_to","idempotency_key","url","created_at","deleted","extra","metrics"}
  Json ToJson() const;
};

class PostLedger {
 public:
  static constexpr size_t kMaxPosts = 10'000;

  // Records `post` and returns it with its seq. Errors: kResourceExhausted when full.
  base::Result<CreatedPost> Add(CreatedPost post);
  // Find, Update and MarkDeleted act on the most recent post with `id` (an id can come back
  // after a delete, e.g. a Bluesky record key).
  std::optional<CreatedPost> Find(std::string_view id) const;
  // Applies `fn` to the post with `id` under the lock. Errors: kNotFound.
  base::Result<void> Update(std::string_view id, const std::function<void(CreatedPost&)>& fn);
  // Marks the post deleted; false if unknown or already deleted.
  bool MarkDeleted(std::string_view id);
  // Every post in creation order (deleted ones too, flagged).
  std::vector<CreatedPost> List() const;
  // Posts not deleted.
  size_t LiveCount() const;
  // Live posts for which `pred` holds, counted under the lock without copying the ledger
  // (answers that count replies run on every post; a copy made them O(ledger) each).
  size_t CountLive(const std::function<bool(const CreatedPost&)>& pred) const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::vector<CreatedPost> posts_;
  int64_t next_seq_ = 1;
};

}  // namespace herald::emulators

#endif  // HERALD_TESTS_EMULATORS_COMMON_POST_LEDGER_H_
