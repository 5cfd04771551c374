#include "mcp/server/session.h"

#include <vector>

#include "mcp/server/pending_request.h"

namespace herald::mcp {

Session::Session(std::string id, base::Caller caller, std::string transport)
    : id_(std::move(id)), caller_(std::move(caller)), transport_(std::move(transport)) {}

Session::~Session() { Close(); }

bool Session::initialized() const {
  std::lock_guard lock(mu_);
  return initialized_;
}

bool Session::client_ready() const {
  std::lock_guard lock(mu_);
  return client_ready_;
}

std::string Session::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}

Json Session::client_capabilities() const {
  std::lock_guard lock(mu_);
  return client_capabilities_;
}

Json Session::client_info() const {
  std::lock_guard lock(mu_);
  return client_info_;
}

LogLevel Session::log_level() const {
  std::lock_guard lock(mu_);
  return log_level_;
}

void Session::SetStandingOutbound(std::shared_ptr<Outbound> outbound) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  standing_ = std::move(outbound);
}

std::shared_ptr<Outbound> Session::standing_outbound() const {
  std::lock_guard lock(mu_);
  if (standing_ == nullptr || !standing_->open()) return nullptr;
  return standing_;
}

bool Session::IsSubscribed(std::string_view uri) const {
  std::lock_guard lock(mu_);
  return subscriptions_.find(uri) != subscriptions_.end();
}

void Session::Close() {
  std::vector<std::shared_ptr<PendingClientRequest>> pending;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    closed_ = true;
    standing_.reset();
    for (auto& [key, running] : running_) running->cancelled = true;
    for (auto& [key, p] : pending_) pending.push_back(p);
    pending_.clear();
  }
  for (auto& p : pending) p->Complete(base::Cancelled("the session was closed"));
}

bool Session::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::size_t Session::running_requests() const {
  std::lock_guard lock(mu_);
  return running_.size();
}

void Session::MarkInitialized(std::string version, Json capabilities, Json info) {
  std::lock_guard lock(mu_);
  initialized_ = true;
  protocol_version_ = std::move(version);
  client_capabilities_ = capabilities.is_object() ? std::move(capabilities) : Json::object();
  client_info_ = info.is_object() ? std::move(info) : Json::object();
}

void Session::MarkStateless(std::string version) {
  std::lock_guard lock(mu_);
  stateless_ = true;
  initialized_ = true;
  client_ready_ = true;
  protocol_version_ = std::move(version);
}

void Session::MarkClientReady() {
  std::lock_guard lock(mu_);
  client_ready_ = true;
}

void Session::MarkModern(std::string version, Json capabilities, Json info,
                         std::optional<LogLevel> level) {
  std::lock_guard lock(mu_);
  stateless_ = true;
  initialized_ = true;
  client_ready_ = true;
  protocol_version_ = std::move(version);
  client_capabilities_ = std::move(capabilities);
  client_info_ = std::move(info);
  logging_muted_ = !level.has_value();
  if (level.has_value()) log_level_ = *level;
}

bool Session::logging_muted() const {
  std::lock_guard lock(mu_);
  return logging_muted_;
}

void Session::SetLogLevel(LogLevel level) {
  std::lock_guard lock(mu_);
  log_level_ = level;
}

void Session::Subscribe(std::string uri) {
  std::lock_guard lock(mu_);
  subscriptions_.insert(std::move(uri));
}

void Session::Unsubscribe(std::string_view uri) {
  std::lock_guard lock(mu_);
  auto it = subscriptions_.find(uri);
  if (it != subscriptions_.end()) subscriptions_.erase(it);
}

std::shared_ptr<Session::Running> Session::BeginRequest(const std::string& key) {
  std::lock_guard lock(mu_);
  if (closed_ || running_.count(key) != 0) return nullptr;
  auto running = std::make_shared<Running>();
  running_.emplace(key, running);
  return running;
}

void Session::EndRequest(const std::string& key) {
  std::lock_guard lock(mu_);
  running_.erase(key);
}

bool Session::CancelRequest(const std::string& key) {
  std::shared_ptr<Running> running;
  std::vector<std::shared_ptr<PendingClientRequest>> pending;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(key);
    if (it == running_.end()) return false;
    running = it->second;
    running->cancelled = true;
    std::lock_guard running_lock(running->mu);
    for (const auto& pending_key : running->pending_keys) {
      auto p = pending_.find(pending_key);
      if (p == pending_.end()) continue;
      pending.push_back(p->second);
      pending_.erase(p);
    }
    running->pending_keys.clear();
  }
  for (auto& p : pending) p->Complete(base::Cancelled("the request was cancelled"));
  return true;
}

Json Session::NextOutgoingId() {
  std::lock_guard lock(mu_);
  return next_outgoing_id_++;
}

bool Session::AddPending(const std::string& key, std::shared_ptr<PendingClientRequest> pending) {
  std::lock_guard lock(mu_);
  if (closed_) return false;
  if (!pending->running_key.empty()) {
    auto it = running_.find(pending->running_key);
    if (it != running_.end()) {
      if (it->second->cancelled) return false;
      std::lock_guard running_lock(it->second->mu);
      it->second->pending_keys.insert(key);
    }
  }
  pending_[key] = std::move(pending);
  return true;
}

void Session::RemovePending(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(key);
  if (it == pending_.end()) return;
  auto running = running_.find(it->second->running_key);
  if (running != running_.end()) {
    std::lock_guard running_lock(running->second->mu);
    running->second->pending_keys.erase(key);
  }
  pending_.erase(it);
}

bool Session::ResolvePending(const std::string& key, base::Result<Json> outcome) {
  std::shared_ptr<PendingClientRequest> pending;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(key);
    if (it == pending_.end()) return false;
    pending = it->second;
    pending_.erase(it);
    auto running = running_.find(pending->running_key);
    if (running != running_.end()) {
      std::lock_guard running_lock(running->second->mu);
      running->second->pending_keys.erase(key);
    }
  }
  pending->Complete(std::move(outcome));
  return true;
}

}  // namespace herald::mcp
