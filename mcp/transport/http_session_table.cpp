#include "mcp/transport/http_session_table.h"

namespace herald::mcp {

HttpSession::HttpSession(std::shared_ptr<Session> session, core::Caller caller,
                         EventStreamLimits limits, base::Time now)
    : session_(std::move(session)),
      caller_(std::move(caller)),
      limits_(limits),
      standing_(std::make_shared<EventStream>("g", limits)),
      last_seen_(now) {}

bool HttpSession::BelongsTo(const core::Caller& caller) const {
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

void HttpSession::Close() {
  session_->Close();
  standing_->Finish();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : post_streams_) s->Finish();
}

HttpSessionTable::HttpSessionTable(size_t max_sessions, std::chrono::milliseconds idle_timeout,
                                   const base::Clock& clock)
    : max_sessions_(max_sessions), idle_timeout_(idle_timeout), clock_(clock) {}

base::Result<void> HttpSessionTable::Add(std::shared_ptr<HttpSession> session) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.size() < max_sessions_) {
      sessions_.emplace(session->id(), std::move(session));
      return base::Ok();
    }
  }
  ExpireIdle();
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= max_sessions_) {
    return base::ResourceExhausted("too many open MCP sessions (" +
                                   std::to_string(max_sessions_) +
                                   "); close unused ones (HTTP DELETE) or retry later");
  }
  sessions_.emplace(session->id(), std::move(session));
  return base::Ok();
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
  return found;
}

std::shared_ptr<HttpSession> HttpSessionTable::Remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  auto found = std::move(it->second);
  sessions_.erase(it);
  return found;
}

size_t HttpSessionTable::ExpireIdle() {
  const base::Time now = clock_.Now();
  const auto idle = std::chrono::duration_cast<base::Micros>(idle_timeout_);
  std::vector<std::shared_ptr<HttpSession>> expired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      const auto& s = it->second;
      bool busy = s->standing()->live() || s->session()->running_requests() > 0;
      if (!busy && now - s->last_seen() > idle) {
        expired.push_back(std::move(it->second));
        it = sessions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) s->Close();
  return expired.size();
}

void HttpSessionTable::CloseAll() {
  decltype(sessions_) all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(sessions_);
  }
  for (auto& [id, s] : all) s->Close();
}

size_t HttpSessionTable::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace herald::mcp
