#include "tests/emulators/common/post_ledger.h"

#include <algorithm>

#include "base/time.h"

namespace herald::emulators {

Json CreatedPost::ToJson() const {
  Json media_json = Json::array();
  for (const MediaRecord& m : media) {
    media_json.push_back({{"id", m.id},
                          {"mime_type", m.mime_type},
                          {"alt_text", m.alt_text},
                          {"size", m.size},
                          {"sha256", m.sha256}});
  }
  return Json{{"seq", seq},
              {"id", id},
              {"account", account},
              {"text", text},
              {"media", media_json},
              {"reply_to", reply_to},
              {"idempotency_key", idempotency_key},
              {"url", url},
              {"created_at", base::FormatRfc3339(created_at)},
              {"deleted", deleted},
              {"extra", extra},
              {"metrics", metrics}};
}

base::Result<CreatedPost> PostLedger::Add(CreatedPost post) {
  std::lock_guard lock(mu_);
  if (posts_.size() >= kMaxPosts) {
    return base::ResourceExhausted("emulator post ledger is full (" + std::to_string(kMaxPosts) +
                                   " posts); reset it");
  }
  post.seq = next_seq_++;
  posts_.push_back(post);
  return post;
}

std::optional<CreatedPost> PostLedger::Find(std::string_view id) const {
  std::lock_guard lock(mu_);
  auto it = std::find_if(posts_.rbegin(), posts_.rend(),
                         [&](const CreatedPost& p) { return p.id == id; });
  if (it == posts_.rend()) return std::nullopt;
  return *it;
}

base::Result<void> PostLedger::Update(std::string_view id,
                                      const std::function<void(CreatedPost&)>& fn) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(posts_.rbegin(), posts_.rend(),
                         [&](const CreatedPost& p) { return p.id == id; });
  if (it == posts_.rend()) return base::NotFound("no post " + std::string(id));
  fn(*it);
  return base::Ok();
}

bool PostLedger::MarkDeleted(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(posts_.rbegin(), posts_.rend(),
                         [&](const CreatedPost& p) { return p.id == id; });
  if (it == posts_.rend() || it->deleted) return false;
  it->deleted = true;
  return true;
}

std::vector<CreatedPost> PostLedger::List() const {
  std::lock_guard lock(mu_);
  return posts_;
}

size_t PostLedger::CountLive(const std::function<bool(const CreatedPost&)>& pred) const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(std::count_if(posts_.begin(), posts_.end(), [&](const CreatedPost& p) {
    return !p.deleted && pred(p);
  }));
}

size_t PostLedger::LiveCount() const {
  std::lock_guard lock(mu_);
  return static_cast<size_t>(
      std::count_if(posts_.begin(), posts_.end(), [](const CreatedPost& p) { return !p.deleted; }));
}

void PostLedger::Clear() {
  std::lock_guard lock(mu_);
  posts_.clear();
  next_seq_ = 1;
}

}  // namespace herald::emulators
