#include "core/post_results.h"

#include "base/time.h"

namespace herald::core {

using base::Json;

Json PostSnapshotJson(const PostState& state) {
  const store::Post& post = state.post;
  Json out = Json::object();
  out["post_id"] = post.id;
  out["status"] = store::PostStatusName(post.status);
  out["publish_at"] = post.publish_at ? Json(base::FormatRfc3339(*post.publish_at)) : Json();
  if (!post.time_zone.empty()) out["time_zone"] = post.time_zone;
  Json targets = Json::array();
  for (const auto& t : state.targets) {
    targets.push_back(Json{{"target_id", t.id},
                           {"account_id", t.account_id},
                           {"platform", t.platform},
                           {"status", store::TargetStatusName(t.status)}});
  }
  out["targets"] = std::move(targets);
  return out;
}

base::Result<PostState> PostStateFromSnapshot(const Json& json) {
  auto bad = [] { return base::Internal("an idempotency record does not hold a post"); };
  if (!json.is_object() || !json.contains("targets") || !json["targets"].is_array()) return bad();
  PostState state;
  state.post.id = base::GetString(json, "post_id");
  auto status = store::ParsePostStatus(base::GetString(json, "status"));
  if (state.post.id.empty() || !status.ok()) return bad();
  state.post.status = *status;
  if (std::string at = base::GetString(json, "publish_at"); !at.empty()) {
    auto parsed = base::ParseRfc3339(at);
    if (!parsed.ok()) return bad();
    state.post.publish_at = *parsed;
  }
  state.post.time_zone = base::GetString(json, "time_zone");
  for (const auto& t : json["targets"]) {
    if (!t.is_object()) return bad();
    store::PostTarget target;
    target.id = base::GetString(t, "target_id");
    target.post_id = state.post.id;
    target.account_id = base::GetString(t, "account_id");
    target.platform = base::GetString(t, "platform");
    auto target_status = store::ParseTargetStatus(base::GetString(t, "status"));
    if (!target_status.ok()) return bad();
    target.status = *target_status;
    state.targets.push_back(std::move(target));
  }
  return state;
}

}  // namespace herald::core
