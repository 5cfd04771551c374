#include "platforms/meta/container_wire.h"

#include "base/time.h"

namespace herald::platforms::meta {
namespace {

base::Result<base::Json> ParseObject(std::string_view body, std::string_view what) {
  auto j = base::ParseJson(body);
  if (!j.ok() || !j->is_object()) {
    return base::Unavailable("Meta's answer about " + std::string(what) + " is unreadable",
                             std::string(body.substr(0, 256)));
  }
  return std::move(*j);
}

std::string IdOf(const base::Json& o) {
  auto it = o.find("id");
  if (it == o.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

int64_t IntOf(const base::Json& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number()) return 0;
  return it->get<int64_t>();
}

std::string_view Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string_view ContainerStateName(ContainerState state) {
  switch (state) {
    case ContainerState::kInProgress:
      return "IN_PROGRESS";
    case ContainerState::kFinished:
      return "FINISHED";
    case ContainerState::kPublished:
      return "PUBLISHED";
    case ContainerState::kError:
      return "ERROR";
    case ContainerState::kExpired:
      return "EXPIRED";
    case ContainerState::kUnknown:
      break;
  }
  return "UNKNOWN";
}

base::Result<ContainerStatus> ParseContainerStatus(std::string_view body,
                                                   std::string_view state_field,
                                                   std::string_view reason_field) {
  HERALD_ASSIGN_OR_RETURN(base::Json j, ParseObject(body, "a container"));
  const std::string state = base::GetString(j, state_field);
  ContainerStatus out;
  if (state == "IN_PROGRESS") out.state = ContainerState::kInProgress;
  if (state == "FINISHED") out.state = ContainerState::kFinished;
  if (state == "PUBLISHED") out.state = ContainerState::kPublished;
  if (state == "ERROR") out.state = ContainerState::kError;
  if (state == "EXPIRED") out.state = ContainerState::kExpired;
  if (!reason_field.empty() && reason_field != state_field) {
    out.reason = base::GetString(j, reason_field);
  }
  return out;
}

base::Result<std::string> ParseId(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(base::Json j, ParseObject(body, "a created object"));
  std::string id = IdOf(j);
  if (id.empty()) {
    return base::Unavailable("Meta's answer names no id", std::string(body.substr(0, 256)));
  }
  return id;
}

base::Result<PublishingLimit> ParsePublishingLimit(std::string_view body) {
  HERALD_ASSIGN_OR_RETURN(base::Json j, ParseObject(body, "the publishing limit"));
  PublishingLimit out;
  auto data = j.find("data");
  if (data == j.end() || !data->is_array()) {
    return base::Unavailable("Meta's answer about the publishing limit has no data",
                             std::string(body.substr(0, 256)));
  }
  if (data->empty() || !data->front().is_object()) return out;
  const base::Json& d = data->front();
  out.usage = IntOf(d, "quota_usage");
  if (auto c = d.find("config"); c != d.end() && c->is_object()) {
    out.total = IntOf(*c, "quota_total");
    out.duration_seconds = IntOf(*c, "quota_duration");
  }
  return out;
}

std::optional<base::Time> ParseGraphTime(std::string_view text) {
  std::string t(text);
  // "+0000" -> "+00:00"
  if (t.size() > 5 && (t[t.size() - 5] == '+' || t[t.size() - 5] == '-') &&
      t.find(':', t.size() - 5) == std::string::npos) {
    t.insert(t.size() - 2, ":");
  }
  auto parsed = base::ParseRfc3339(t);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

base::Result<std::vector<RecentMedia>> ParseRecentMedia(std::string_view body,
                                                        std::string_view text_field) {
  HERALD_ASSIGN_OR_RETURN(base::Json j, ParseObject(body, "recent posts"));
  std::vector<RecentMedia> out;
  auto data = j.find("data");
  if (data == j.end()) return out;
  if (!data->is_array()) {
    return base::Unavailable("Meta's list of recent posts is unreadable",
                             std::string(body.substr(0, 256)));
  }
  for (const base::Json& m : *data) {
    if (!m.is_object()) continue;
    RecentMedia r;
    r.id = IdOf(m);
    if (r.id.empty()) continue;
    r.text = base::GetString(m, text_field);
    r.permalink = base::GetString(m, "permalink");
    r.timestamp = ParseGraphTime(base::GetString(m, "timestamp"));
    if (auto rt = m.find("replied_to"); rt != m.end() && rt->is_object()) r.reply_to = IdOf(*rt);
    out.push_back(std::move(r));
  }
  return out;
}

const RecentMedia* FindRecent(const std::vector<RecentMedia>& recent, std::string_view text,
                              std::string_view reply_to, std::optional<base::Time> not_before) {
  const std::string_view want = Trim(text);
  for (const RecentMedia& m : recent) {
    if (Trim(m.text) != want) continue;
    if (!reply_to.empty() && !m.reply_to.empty() && m.reply_to != reply_to) continue;
    if (not_before && m.timestamp && *m.timestamp < *not_before) continue;
    return &m;
  }
  return nullptr;
}

}  // namespace herald::platforms::meta
