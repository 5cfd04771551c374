#include "transport/mcp_http/http_session_table.h"

namespace herald::transport {
namespace {

std::string KeyOf(const base::Caller& caller) {
  std::string key = caller.org_id;
  key += '\n';
  key += caller.key_id;
  return key;
}

size_t CountOf(const auto& counts, std::string_view name) {
  auto it = counts.find(name);
  return it == counts.end() ? 0 : it->second;
}

void Decrement(auto& counts, std::string_view name) {
  auto it = counts.find(name);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace

HttpSession::HttpSession(std::shared_ptr<mcp::Session> session, base::Caller caller,
                         EventStreamLimits limits, base::Time now)
    : session_(std::move(session)),
      caller_(std::move(caller)),
      limits_(limits),
      standing_(std::make_shared<EventStream>("g", limits)),
      last_seen_(now) {}

bool HttpSession::BelongsTo(const base::Caller& caller) const {
  return caller.org_id == caller_.org_id && caller.key_id == caller_.key_id;
}

std::shared_ptr<EventStream> HttpSession::NewPostStream() {
  std::lock_guard<std::mutex> lock(mu_);
  // (Not "p" + std::to_string(...): GCC 12 -O2 warns -Wrestrict on that, falsely.)
  std::string id = std::to_string(next_post_stream_++);
  id.insert(id.begin(), 'p');
  auto stream = std::make_shared<EventStream>(std::move(id), limits_);
  post_streams_.push_back(stream);
  while (post_streams_.size() > kKeptPostStreams) post_streams_.pop_front();
  return stream;
}

std::shared_ptr<EventStream> HttpSession::FindStream(std::string_view id) const {
  if (id == standing_->id()) return standing_;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : post_streams_) {
    if (s->id() == id) return s;
  }
  return nullptr;
}

void HttpSession::Touch(base::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  if (now > last_seen_) last_seen_ = now;
}

base::Time HttpSession::last_seen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seen_;
}

bool HttpSession::Idle() const {
  return !standing_->live() && session_->running_requests() == 0;
}

void HttpSession::SetOnClose(std::function<void()> on_close) {
  std::lock_guard<std::mutex> lock(mu_);
  on_close_ = std::move(on_close);
}

void HttpSession::Close() {
  session_->Close();
  standing_->Finish();
  std::function<void()> on_close;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : post_streams_) s->Finish();
    on_close.swap(on_close_);
  }
  if (on_close) on_close();
}

HttpSessionTable::HttpSessionTable(HttpSessionLimits limits,
                                   std::chrono::milliseconds idle_timeout,
                                   const base::Clock& clock)
    : limits_(limits), idle_timeout_(idle_timeout), clock_(clock) {}

std::shared_ptr<HttpSession> HttpSessionTable::EraseLocked(Map::iterator it) {
  std::shared_ptr<HttpSession> session = std::move(it->second);
  sessions_.erase(it);
  Decrement(per_key_, KeyOf(session->caller()));
  Decrement(per_org_, session->caller().org_id);
  return session;
}

template <class Pick, class Group>
HttpSessionTable::Map::iterator HttpSessionTable::VictimLocked(Pick pick, Group group) {
  auto best = sessions_.end();
  size_t best_group = 0;
  uint64_t best_seen = 0;
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    const HttpSession& s = *it->second;
    if (!pick(s) || !s.Idle()) continue;
    const size_t g = group(s);
    const uint64_t seen = s.last_use();
    if (best == sessions_.end() || g > best_group || (g == best_group && seen < best_seen)) {
      best = it;
      best_group = g;
      best_seen = seen;
    }
  }
  return best;
}

base::Result<void> HttpSessionTable::AddLocked(std::shared_ptr<HttpSession> session,
                                               std::vector<std::shared_ptr<HttpSession>>& evicted) {
  const base::Caller& caller = session->caller();
  const std::string key = KeyOf(caller);
  auto evict = [&](Map::iterator victim) {
    evicted.push_back(EraseLocked(victim));
    ++evicted_;
  };
  // The key's own cap: its least recently used idle session makes room.
  if (CountOf(per_key_, key) >= limits_.max_per_key) {
    auto victim = VictimLocked([&](const HttpSession& s) { return s.BelongsTo(caller); },
                               [](const HttpSession&) { return size_t{0}; });
    if (victim == sessions_.end()) {
      return base::ResourceExhausted(
          "too many open MCP sessions for this API key (" + std::to_string(limits_.max_per_key) +
          ", all busy); close unused ones (HTTP DELETE) or retry later");
    }
    evict(victim);
  }
  // The organization's cap: its busiest key gives up its least recently used idle session.
  if (CountOf(per_org_, caller.org_id) >= limits_.max_per_org) {
    auto victim = VictimLocked(
        [&](const HttpSession& s) { return s.caller().org_id == caller.org_id; },
        [&](const HttpSession& s) { return CountOf(per_key_, KeyOf(s.caller())); });
    if (victim == sessions_.end()) {
      return base::ResourceExhausted(
          "too many open MCP sessions for this organization (" +
          std::to_string(limits_.max_per_org) +
          ", all busy); close unused ones (HTTP DELETE) or retry later");
    }
    evict(victim);
  }
  // The global cap, last: sessions past the idle timeout, then the busiest organization's least
  // recently used idle session.
  if (sessions_.size() >= limits_.max_sessions) {
    ExpireLocked(clock_.Now(), evicted);
    if (sessions_.size() >= limits_.max_sessions) {
      auto victim = VictimLocked(
          [](const HttpSession&) { return true; },
          [&](const HttpSession& s) { return CountOf(per_org_, s.caller().org_id); });
      if (victim == sessions_.end()) {
        return base::Unavailable("too many open MCP sessions (" +
                                 std::to_string(limits_.max_sessions) +
                                 ", all busy); retry later");
      }
      evict(victim);
    }
  }
  ++per_key_[key];
  ++per_org_[caller.org_id];
  session->MarkUsed(++uses_);
  std::string id = session->id();
  sessions_.emplace(std::move(id), std::move(session));
  return base::Ok();
}

base::Result<void> HttpSessionTable::Add(std::shared_ptr<HttpSession> session) {
  std::vector<std::shared_ptr<HttpSession>> evicted;
  base::Result<void> added = base::Ok();
  {
    std::lock_guard<std::mutex> lock(mu_);
    added = AddLocked(std::move(session), evicted);
  }
  for (auto& s : evicted) s->Close();  // outside the lock: closing may call back (legacy)
  return added;
}

std::shared_ptr<HttpSession> HttpSessionTable::Find(std::string_view id) {
  std::shared_ptr<HttpSession> found;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return nullptr;
    found = it->second;
  }
  found->Touch(clock_.Now());
  found->MarkUsed(++uses_);
  return found;
}

std::shared_ptr<HttpSession> HttpSessionTable::Remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  return EraseLocked(it);
}

void HttpSessionTable::ExpireLocked(base::Time now,
                                    std::vector<std::shared_ptr<HttpSession>>& out) {
  const auto idle = std::chrono::duration_cast<base::Micros>(idle_timeout_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    auto next = std::next(it);
    if (it->second->Idle() && now - it->second->last_seen() > idle) out.push_back(EraseLocked(it));
    it = next;
  }
}

size_t HttpSessionTable::ExpireIdle() {
  std::vector<std::shared_ptr<HttpSession>> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    ExpireLocked(clock_.Now(), expired);
  }
  for (auto& s : expired) s->Close();
  return expired.size();
}

void HttpSessionTable::CloseAll() {
  Map all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(sessions_);
    per_key_.clear();
    per_org_.clear();
  }
  for (auto& [id, s] : all) s->Close();
}

size_t HttpSessionTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

size_t HttpSessionTable::CountForKey(const base::Caller& caller) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CountOf(per_key_, KeyOf(caller));
}

size_t HttpSessionTable::CountForOrg(std::string_view org_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return CountOf(per_org_, org_id);
}

uint64_t HttpSessionTable::evicted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return evicted_;
}

}  // namespace herald::transport
