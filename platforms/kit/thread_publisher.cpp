#include "platforms/kit/thread_publisher.h"

#include <cstdint>
#include <utility>

#include "platforms/kit/helpers.h"
#include "platforms/kit/transport_errors.h"

namespace herald::platforms {

ThreadPublisher::ThreadPublisher(std::string network, Layout layout)
    : network_(std::move(network)), layout_(std::move(layout)) {
  if (!layout_.usable) layout_.usable = [](const Json& entry) { return !entry.is_null(); };
}

ThreadLayout ThreadPublisher::IdUrlLayout() {
  return {.key = "parts", .usable = [](const Json& p) {
            return p.is_object() && !base::GetString(p, "id").empty();
          }};
}

PublishReceipt ThreadPublisher::IdUrlReceipt(Json state) const {
  PublishReceipt receipt;
  const Json& parts = state[layout_.key];
  receipt.external_id = base::GetString(parts.front(), "id");
  receipt.url = base::GetString(parts.front(), "url");
  receipt.remote_state = std::move(state);
  return receipt;
}

std::vector<std::string> ThreadPublisher::PartIds(const PublishReceipt& receipt) const {
  std::vector<std::string> ids;
  for (const Json& p : DoneEntries(receipt.remote_state, SIZE_MAX)) {
    ids.push_back(base::GetString(p, "id"));
  }
  if (ids.empty() && !receipt.external_id.empty()) ids.push_back(receipt.external_id);
  return ids;
}

Json ThreadPublisher::DoneEntries(const Json& remote_state, size_t max_parts) const {
  Json done = Json::array();
  if (!remote_state.is_object()) return done;
  auto it = remote_state.find(layout_.key);
  if (it == remote_state.end() || !it->is_array()) return done;
  for (const Json& entry : *it) {
    if (done.size() >= max_parts || !layout_.usable(entry)) break;
    done.push_back(entry);
  }
  return done;
}

Task<Result<Json>> ThreadPublisher::Publish(const PublishRequest& request, Json initial_state,
                                            PostPartFn post) const {
  const auto& parts = request.content.parts;
  const size_t n = parts.size();
  if (n == 0) co_return base::InvalidArgument("the post is empty: nothing to publish");
  Json state = initial_state.is_object() ? std::move(initial_state) : Json::object();
  Json done = DoneEntries(request.remote_state, n);
  state[layout_.key] = done;
  auto save = [&request, &state]() -> Result<void> {
    if (!request.save_remote_state) return base::Ok();
    return request.save_remote_state(state);
  };
  for (size_t i = done.size(); i < n; ++i) {
    PartContext ctx{i, n, &done, &state, save};
    auto entry = co_await post(parts[i], ctx);
    if (!entry.ok()) co_return InPart(std::move(entry).error(), i, n);
    done.push_back(std::move(*entry));
    state[layout_.key] = done;
    if (i + 1 == n) break;
    auto saved = save();
    if (!saved.ok()) {
      co_return base::Unknown(
          (n > 1 ? "thread part " + std::to_string(i + 1) + " of " + std::to_string(n)
                 : std::string("the post")) +
              " was published on " + network_ +
              ", but herald could not record it; it will check before sending again",
          saved.error().ToLogString());
    }
  }
  co_return state;
}

Result<std::optional<Json>> ThreadPublisher::FoundParts(const PublishRequest& request, Json state,
                                                        Json parts, size_t recorded) const {
  const size_t found = parts.size();
  state[layout_.key] = std::move(parts);
  if (found >= request.content.parts.size()) return std::optional<Json>(std::move(state));
  if (found > recorded && request.save_remote_state) {
    if (Result<void> saved = request.save_remote_state(state); !saved.ok()) {
      return LookupFailedError(saved.error(), network_);
    }
  }
  return std::optional<Json>();
}

}  // namespace herald::platforms
