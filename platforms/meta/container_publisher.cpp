#include "platforms/meta/container_publisher.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <utility>

#include "base/time.h"

namespace herald::platforms::meta {
namespace {

namespace asio = boost::asio;
using base::Json;
using base::Result;

std::string Joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::vector<std::string> StringsOf(const Json& slot, std::string_view key) {
  std::vector<std::string> out;
  auto it = slot.find(key);
  if (it == slot.end() || !it->is_array()) return out;
  for (const Json& v : *it) out.push_back(v.is_string() ? v.get<std::string>() : "");
  return out;
}

// The container fields of `slot` forgotten: the next container starts afresh.
void ForgetContainers(Json& slot) {
  slot.erase("container");
  slot.erase("container_at");
  slot.erase("children");
}

}  // namespace

ContainerPublisher::ContainerPublisher(ContainerFlow flow, const base::Clock& clock,
                                       ContainerPause pause)
    : flow_(std::move(flow)), clock_(clock), pause_(std::move(pause)) {}

Task<void> ContainerPublisher::Pause(std::chrono::milliseconds delay) const {
  if (pause_) {
    co_await pause_(delay);
    co_return;
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(base::kNoThrow);
}

Task<Result<ContainerStatus>> ContainerPublisher::Status(const GraphCaller& call,
                                                         const std::string& container_id,
                                                         const std::string& what) const {
  GraphRequest req;
  req.path = "/" + container_id;
  req.query = {{"fields", flow_.state_field + "," + flow_.reason_field}};
  req.action = "checking " + what;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await call(std::move(req)));
  co_return ParseContainerStatus(r.body, flow_.state_field, flow_.reason_field);
}

Task<Result<ContainerStatus>> ContainerPublisher::Wait(const GraphCaller& call,
                                                       const std::string& id,
                                                       const std::string& what) const {
  std::chrono::milliseconds wait = std::min(flow_.first_wait, flow_.check_every);
  for (int check = 1;; ++check) {
    HERALD_CO_ASSIGN_OR_RETURN(ContainerStatus status, co_await Status(call, id, what));
    const bool pending = status.state == ContainerState::kInProgress ||
                         status.state == ContainerState::kUnknown;
    if (!pending) co_return status;
    if (check >= flow_.max_checks) {
      co_return base::Unavailable(flow_.network + " was still processing " + what + " after " +
                                  std::to_string(check) +
                                  " checks; herald will check it again later");
    }
    co_await Pause(wait);
    wait = std::min(wait * 2, flow_.check_every);
  }
}

Task<Result<std::string>> ContainerPublisher::Create(const GraphCaller& call,
                                                     const std::string& user_id,
                                                     http::FormFields fields,
                                                     const std::string& what) const {
  GraphRequest req;
  req.method = "POST";
  req.path = "/" + user_id + "/" + flow_.create_edge;
  req.form = std::move(fields);
  req.action = "preparing " + what;
  // A container is invisible until published: making one again is harmless.
  req.kind = CallKind::kRead;
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await call(std::move(req)));
  co_return ParseId(r.body);
}

Task<Result<std::vector<std::string>>> ContainerPublisher::Children(
    const GraphCaller& call, const std::string& user_id, const ContainerPost& post, Json& slot,
    const std::function<Result<void>()>& save) const {
  std::vector<std::string> ids = StringsOf(slot, "children");
  bool reuse = ids.size() == post.children.size();
  for (const std::string& id : ids) reuse = reuse && !id.empty();
  if (!reuse) {
    ids.clear();
    for (size_t i = 0; i < post.children.size(); ++i) {
      const std::string what = "carousel item " + std::to_string(i + 1);
      HERALD_CO_ASSIGN_OR_RETURN(std::string id,
                                 co_await Create(call, user_id, post.children[i], what));
      ids.push_back(std::move(id));
    }
    slot["children"] = ids;
    HERALD_CO_RETURN_IF_ERROR(save());
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string what = "carousel item " + std::to_string(i + 1);
    HERALD_CO_ASSIGN_OR_RETURN(ContainerStatus status, co_await Wait(call, ids[i], what));
    if (status.state == ContainerState::kFinished) continue;
    if (reuse && (status.state == ContainerState::kError ||
                  status.state == ContainerState::kExpired)) {
      // Made by an earlier attempt and no longer usable: make them all again.
      slot.erase("children");
      co_return co_await Children(call, user_id, post, slot, save);
    }
    co_return base::InvalidArgument(
        flow_.network + " could not use " + what + " (" +
        std::string(ContainerStateName(status.state)) + ")" +
        (status.reason.empty() ? std::string() : ": " + status.reason));
  }
  co_return ids;
}

Task<Result<PublishedContainer>> ContainerPublisher::FindMedia(const GraphCaller& call,
                                                               const std::string& user_id,
                                                               const ContainerPost& post,
                                                               const Json& slot) const {
  GraphRequest req;
  const std::string& edge =
      !post.reply_to.empty() && !flow_.reply_edge.empty() ? flow_.reply_edge : flow_.recent_edge;
  req.path = "/" + user_id + "/" + edge;
  req.query = {{"fields", flow_.recent_fields}, {"limit", std::to_string(flow_.recent_limit)}};
  req.action = "looking up recent posts";
  auto r = co_await call(std::move(req));
  if (!r.ok()) {
    co_return base::Unknown(flow_.network +
                                " published the post, but herald could not look it up: " +
                                r.error().message(),
                            r.error().detail());
  }
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<RecentMedia> recent,
                             ParseRecentMedia(r->body, flow_.text_field));
  std::optional<base::Time> not_before;
  if (auto at = base::ParseRfc3339(base::GetString(slot, "container_at")); at.ok()) {
    not_before = *at - flow_.skew;
  }
  const RecentMedia* found = FindRecent(recent, post.text, post.reply_to, not_before);
  if (found == nullptr) {
    co_return base::Unknown(flow_.network + " says the post was published, but herald could "
                                            "not find it among the account's recent posts");
  }
  co_return PublishedContainer{found->id, found->permalink};
}

Task<Result<PublishedContainer>> ContainerPublisher::Publish(
    const GraphCaller& call, const std::string& user_id, const ContainerPost& post, Json& slot,
    const std::function<Result<void>()>& save) const {
  if (!slot.is_object()) slot = Json::object();
  if (std::string done = base::GetString(slot, "media_id"); !done.empty()) {
    co_return PublishedContainer{done, base::GetString(slot, "permalink")};
  }
  std::string container = base::GetString(slot, "container");
  bool ready = false;
  if (!container.empty()) {
    // Resumed: the container of an earlier attempt decides.
    HERALD_CO_ASSIGN_OR_RETURN(ContainerStatus status, co_await Wait(call, container, "the post"));
    switch (status.state) {
      case ContainerState::kPublished: {
        HERALD_CO_ASSIGN_OR_RETURN(PublishedContainer found,
                                   co_await FindMedia(call, user_id, post, slot));
        slot["media_id"] = found.media_id;
        if (!found.permalink.empty()) slot["permalink"] = found.permalink;
        co_return found;
      }
      case ContainerState::kFinished:
        ready = true;
        break;
      default:  // ERROR, EXPIRED: only now a new container
        ForgetContainers(slot);
        container.clear();
        break;
    }
  }
  if (!ready) {
    http::FormFields fields = post.fields;
    if (!post.children.empty()) {
      HERALD_CO_ASSIGN_OR_RETURN(std::vector<std::string> children,
                                 co_await Children(call, user_id, post, slot, save));
      fields.emplace_back("children", Joined(children));
    }
    HERALD_CO_ASSIGN_OR_RETURN(container, co_await Create(call, user_id, fields, "the post"));
    slot["container"] = container;
    slot["container_at"] = base::FormatRfc3339(clock_.Now());
    // Durable before publishing: a crash from here on finds this container, not a new one.
    HERALD_CO_RETURN_IF_ERROR(save());
    HERALD_CO_ASSIGN_OR_RETURN(ContainerStatus status, co_await Wait(call, container, "the post"));
    if (status.state == ContainerState::kExpired) {
      ForgetContainers(slot);
      co_return base::Unavailable(flow_.network +
                                  " let the post's container expire before it was published; "
                                  "herald will make a new one");
    }
    if (status.state != ContainerState::kFinished) {
      co_return base::InvalidArgument(
          flow_.network + " could not use the post's media (" +
          std::string(ContainerStateName(status.state)) + ")" +
          (status.reason.empty() ? std::string() : ": " + status.reason));
    }
  }
  GraphRequest req;
  req.method = "POST";
  req.path = "/" + user_id + "/" + flow_.publish_edge;
  req.form = {{"creation_id", container}};
  req.action = "publishing the post";
  req.kind = CallKind::kWrite;
  auto published = co_await call(std::move(req));
  if (!published.ok()) {
    // The call may have gone through (an answer lost, or a container already published by an
    // earlier attempt): the container says.
    base::Error failed = std::move(published).error();
    auto status = co_await Status(call, container, "the post");
    if (status.ok() && status->state == ContainerState::kPublished) {
      HERALD_CO_ASSIGN_OR_RETURN(PublishedContainer found,
                                 co_await FindMedia(call, user_id, post, slot));
      slot["media_id"] = found.media_id;
      if (!found.permalink.empty()) slot["permalink"] = found.permalink;
      co_return found;
    }
    co_return failed;
  }
  auto id = ParseId(published->body);
  if (!id.ok()) {
    co_return base::Unknown(flow_.network + " accepted the post but its answer is unreadable",
                            id.error().detail());
  }
  slot["media_id"] = *id;
  co_return PublishedContainer{*id, ""};
}

Task<Result<std::optional<PublishedContainer>>> ContainerPublisher::FindPublished(
    const GraphCaller& call, const std::string& user_id, const ContainerPost& post,
    const Json& slot) const {
  if (!slot.is_object()) co_return std::optional<PublishedContainer>();
  if (std::string done = base::GetString(slot, "media_id"); !done.empty()) {
    co_return std::optional<PublishedContainer>(
        PublishedContainer{done, base::GetString(slot, "permalink")});
  }
  const std::string container = base::GetString(slot, "container");
  if (container.empty()) co_return std::optional<PublishedContainer>();
  HERALD_CO_ASSIGN_OR_RETURN(ContainerStatus status, co_await Status(call, container, "the post"));
  if (status.state != ContainerState::kPublished) co_return std::optional<PublishedContainer>();
  HERALD_CO_ASSIGN_OR_RETURN(PublishedContainer found,
                             co_await FindMedia(call, user_id, post, slot));
  co_return std::optional<PublishedContainer>(std::move(found));
}

Task<Result<PublishingLimit>> ContainerPublisher::CheckLimit(const GraphCaller& call,
                                                             const std::string& user_id) const {
  GraphRequest req;
  req.path = "/" + user_id + "/" + flow_.limit_edge;
  req.query = {{"fields", "quota_usage,config"}};
  req.action = "reading the publishing limit";
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse r, co_await call(std::move(req)));
  HERALD_CO_ASSIGN_OR_RETURN(PublishingLimit limit, ParsePublishingLimit(r.body));
  if (!limit.spent()) co_return limit;
  std::chrono::milliseconds wait = flow_.quota_recheck;
  if (limit.duration_seconds > 0) {
    wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(limit.duration_seconds));
  }
  std::string window = limit.duration_seconds == 86400 || limit.duration_seconds == 0
                           ? "24 hours"
                           : std::to_string(limit.duration_seconds) + " seconds";
  base::Error e = base::ResourceExhausted(
      "the " + flow_.network + " account published its limit of " + std::to_string(limit.total) +
      " posts in " + window + " through the API; herald publishes this post when the limit "
      "allows");
  e.set_retry_after(wait);
  e.set_quota_wait();
  co_return e;
}

}  // namespace herald::platforms::meta
