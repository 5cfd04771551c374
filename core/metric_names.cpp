#include "core/metric_names.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace herald::core {
namespace {

using NameMap = std::map<std::string_view, std::string_view>;

// The wire names the adapters read each normalised number from (platforms/*).
const std::map<std::string_view, NameMap>& Names() {
  static const auto* names = new std::map<std::string_view, NameMap>{
      {"mastodon",
       {{"likes", "favourites_count"},
        {"reposts", "reblogs_count"},
        {"replies", "replies_count"},
        {"quotes", "quotes_count"},
        {"followers", "followers_count"}}},
      {"bluesky",
       {{"likes", "likeCount"},
        {"reposts", "repostCount"},
        {"replies", "replyCount"},
        {"quotes", "quoteCount"},
        {"followers", "followersCount"}}},
      {"x",
       {{"likes", "like_count"},
        {"reposts", "retweet_count"},
        {"replies", "reply_count"},
        {"quotes", "quote_count"},
        {"views", "impression_count"},
        {"followers", "followers_count"}}},
      {"tiktok",
       {{"likes", "like_count"},
        {"reposts", "share_count"},
        {"replies", "comment_count"},
        {"views", "view_count"},
        {"followers", "follower_count"}}},
      {"youtube",
       {{"likes", "likeCount"},
        {"replies", "commentCount"},
        {"views", "viewCount"},
        {"followers", "subscriberCount"}}},
      {"facebook",
       {{"likes", "post_reactions_by_type_total"},
        {"views", "post_media_view"},
        {"clicks", "post_clicks"},
        {"reposts", "shares"},
        {"replies", "comments"},
        {"followers", "followers_count"}}},
      {"instagram",
       {{"likes", "likes"},
        {"replies", "comments"},
        {"views", "views"},
        {"shares", "shares"},
        {"saves", "saved"},
        {"followers", "followers_count"}}},
      {"threads",
       {{"likes", "likes"},
        {"replies", "replies"},
        {"reposts", "reposts"},
        {"quotes", "quotes"},
        {"views", "views"},
        {"shares", "shares"},
        {"followers", "followers_count"}}},
      {"linkedin",
       {{"likes", "likeCount"},
        {"replies", "commentCount"},
        {"reposts", "shareCount"},
        {"impressions", "impressionCount"},
        {"clicks", "clickCount"},
        {"followers", "firstDegreeSize"}}},
      {"discord", {{"likes", "reactions"}}},
      {"slack", {{"likes", "reactions"}, {"followers", "num_members"}}},
      {"telegram", {{"followers", "member_count"}}},
  };
  return *names;
}

bool IsNormalized(std::string_view name) {
  return std::find(kNormalizedMetrics.begin(), kNormalizedMetrics.end(), name) !=
         kNormalizedMetrics.end();
}

}  // namespace

std::string_view NetworkMetricName(std::string_view platform, std::string_view normalized) {
  auto p = Names().find(platform);
  if (p == Names().end()) return normalized;
  auto n = p->second.find(normalized);
  return n == p->second.end() ? normalized : n->second;
}

Json NormalizeMetrics(std::string_view platform, const Json& in) {
  Json normalized = Json::object();
  Json raw = Json::object();
  if (in.is_object()) {
    for (auto it = in.begin(); it != in.end(); ++it) {
      const std::string& key = it.key();
      const Json& value = it.value();
      if (key == "raw") continue;
      if (IsNormalized(key) && value.is_number() && value.get<double>() >= 0) {
        normalized[key] = value.is_number_integer() || value.is_number_unsigned()
                              ? Json(value.get<int64_t>())
                              : Json(value.get<double>());
        const std::string own(NetworkMetricName(platform, key));
        // A network name shared by two normalised metrics (rare) keeps the first.
        if (!raw.contains(own)) raw[own] = value;
      } else {
        raw[key] = value;  // another number (following, posts, ...) or not a usable count
      }
    }
    auto extra = in.find("raw");
    if (extra != in.end() && extra->is_object()) {
      for (auto it = extra->begin(); it != extra->end(); ++it) raw[it.key()] = it.value();
    }
  }
  return Json{{"normalized", std::move(normalized)}, {"raw", std::move(raw)}};
}

int64_t EngagementOf(const Json& stored) {
  if (!stored.is_object()) return 0;
  auto n = stored.find("normalized");
  if (n == stored.end() || !n->is_object()) return 0;
  int64_t total = 0;
  for (std::string_view k : kEngagementMetrics) {
    auto v = n->find(std::string(k));
    if (v != n->end() && v->is_number()) total += v->get<int64_t>();
  }
  return total;
}

}  // namespace herald::core
