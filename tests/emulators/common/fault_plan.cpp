#include "tests/emulators/common/fault_plan.h"

#include <algorithm>

namespace herald::emulators {

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kRateLimit:
      return "429";
    case FaultKind::kServerError:
      return "5xx";
    case FaultKind::kSlow:
      return "slow";
    case FaultKind::kDropAfterAccept:
      return "drop_after_accept";
    case FaultKind::kDropBefore:
      return "drop_before";
    case FaultKind::kExpiredToken:
      return "expired_token";
  }
  return "5xx";
}

std::optional<FaultKind> ParseFaultKind(std::string_view name) {
  if (name == "429" || name == "rate_limit") return FaultKind::kRateLimit;
  if (name == "5xx" || name == "server_error") return FaultKind::kServerError;
  if (name == "slow") return FaultKind::kSlow;
  if (name == "drop_after_accept") return FaultKind::kDropAfterAccept;
  if (name == "drop_before") return FaultKind::kDropBefore;
  if (name == "expired_token") return FaultKind::kExpiredToken;
  return std::nullopt;
}

Json Fault::ToJson() const {
  return Json{{"id", id},
              {"kind", FaultKindName(kind)},
              {"method", method},
              {"path", path},
              {"count", count},
              {"status", status},
              {"retry_after", retry_after.count()},
              {"delay_ms", delay.count()},
              {"fired", fired}};
}

base::Result<Fault> Fault::FromJson(const Json& body) {
  if (!body.is_object()) return base::InvalidArgument("fault must be a JSON object");
  Fault f;
  auto kind_it = body.find("kind");
  if (kind_it == body.end() || !kind_it->is_string()) {
    return base::InvalidArgument(
        "kind is required: one of 429, 5xx, slow, drop_after_accept, drop_before, "
        "expired_token");
  }
  auto kind = ParseFaultKind(kind_it->get<std::string>());
  if (!kind) {
    return base::InvalidArgument("kind \"" + kind_it->get<std::string>() +
                                 "\" is unknown: expected 429, 5xx, slow, drop_after_accept, "
                                 "drop_before or expired_token");
  }
  f.kind = *kind;
  auto str = [&](const char* key, std::string& out) -> base::Result<void> {
    auto it = body.find(key);
    if (it == body.end()) return base::Ok();
    if (!it->is_string() || it->get<std::string>().empty()) {
      return base::InvalidArgument(std::string(key) + " must be a non-empty string");
    }
    out = it->get<std::string>();
    return base::Ok();
  };
  auto num = [&](const char* key, int64_t lo, int64_t hi, auto& out) -> base::Result<void> {
    auto it = body.find(key);
    if (it == body.end()) return base::Ok();
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return base::InvalidArgument(std::string(key) + " must be an integer from " +
                                   std::to_string(lo) + " to " + std::to_string(hi));
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(it->get<int64_t>());
    return base::Ok();
  };
  HERALD_RETURN_IF_ERROR(str("method", f.method));
  HERALD_RETURN_IF_ERROR(str("path", f.path));
  HERALD_RETURN_IF_ERROR(num("count", -1, 1'000'000, f.count));
  if (f.count == 0) return base::InvalidArgument("count must not be 0 (-1 = unlimited)");
  int64_t retry_after = f.retry_after.count();
  int64_t delay_ms = f.delay.count();
  HERALD_RETURN_IF_ERROR(num("retry_after", 0, 86'400, retry_after));
  HERALD_RETURN_IF_ERROR(num("delay_ms", 0, 600'000, delay_ms));
  f.retry_after = std::chrono::seconds(retry_after);
  f.delay = std::chrono::milliseconds(delay_ms);
  if (f.kind == FaultKind::kServerError) {
    f.status = 503;
    HERALD_RETURN_IF_ERROR(num("status", 500, 599, f.status));
  } else if (f.kind == FaultKind::kRateLimit) {
    f.status = 429;
  }
  return f;
}

bool PathMatches(std::string_view pattern, std::string_view path) {
  // Iterative glob with backtracking to the last '*'.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

base::Result<std::string> FaultPlan::Add(Fault fault) {
  std::lock_guard lock(mu_);
  if (faults_.size() >= kMaxFaults) {
    return base::ResourceExhausted("too many armed faults (at most " + std::to_string(kMaxFaults) +
                                   ")");
  }
  fault.id = "f" + std::to_string(next_id_++);
  fault.fired = 0;
  faults_.push_back(fault);
  return fault.id;
}

std::optional<Fault> FaultPlan::Take(std::string_view method, std::string_view path) {
  std::lock_guard lock(mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->method != "*" && it->method != method) continue;
    if (!PathMatches(it->path, path)) continue;
    ++it->fired;
    Fault fired = *it;
    if (it->count > 0 && --it->count == 0) faults_.erase(it);
    return fired;
  }
  return std::nullopt;
}

base::Result<void> FaultPlan::Remove(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it =
      std::find_if(faults_.begin(), faults_.end(), [&](const Fault& f) { return f.id == id; });
  if (it == faults_.end()) return base::NotFound("no armed fault " + std::string(id));
  faults_.erase(it);
  return base::Ok();
}

void FaultPlan::Clear() {
  std::lock_guard lock(mu_);
  faults_.clear();
}

std::vector<Fault> FaultPlan::List() const {
  std::lock_guard lock(mu_);
  return faults_;
}

}  // namespace herald::emulators
