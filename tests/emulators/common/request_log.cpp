#include "tests/emulators/common/request_log.h"

#include <strings.h>

namespace herald::emulators {

std::string LoggedRequest::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

Json LoggedRequest::ToJson() const {
  Json h = Json::object();
  for (const auto& [k, v] : headers) h[k] = v;
  return Json{{"seq", seq},     {"method", method}, {"path", path},
              {"query", query}, {"headers", h},     {"body_size", body_size},
              {"body", body},   {"status", status}, {"fault", fault}};
}

int64_t RequestLog::Add(LoggedRequest request) {
  std::lock_guard lock(mu_);
  request.seq = next_seq_++;
  if (request.body.size() > kBodyPrefix) request.body.resize(kBodyPrefix);
  entries_.push_back(std::move(request));
  while (entries_.size() > kCapacity) entries_.pop_front();
  return entries_.back().seq;
}

void RequestLog::Finish(int64_t seq, int status, std::string fault) {
  std::lock_guard lock(mu_);
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->seq == seq) {
      it->status = status;
      it->fault = std::move(fault);
      return;
    }
  }
}

std::vector<LoggedRequest> RequestLog::List() const {
  std::lock_guard lock(mu_);
  return {entries_.begin(), entries_.end()};
}

void RequestLog::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

}  // namespace herald::emulators
