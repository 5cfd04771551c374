#include "core/analytics_plan.h"

#include <cstdint>

namespace herald::core {

using std::chrono::hours;

std::chrono::seconds SpreadOffset(std::string_view key, std::chrono::minutes spread) {
  const int64_t range = std::chrono::duration_cast<std::chrono::seconds>(spread).count();
  if (range <= 0) return std::chrono::seconds(0);
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return std::chrono::seconds(static_cast<int64_t>(h % static_cast<uint64_t>(range)));
}

std::optional<base::Time> NextTargetMeasurement(base::Time published_at, int stage,
                                                std::string_view key, std::chrono::minutes spread) {
  hours after;
  if (stage <= 0) {
    after = hours(1);
  } else if (stage == 1) {
    after = hours(24);
  } else {
    after = hours(24 * 7 * (stage - 1));  // stage 2: +7 d, 3: +14 d, ... 13: +84 d
    if (after > kAnalyticsHorizon) {
      // One last look at the horizon, then the plan ends.
      if (after - hours(24 * 7) >= kAnalyticsHorizon) return std::nullopt;
      after = kAnalyticsHorizon;
    }
  }
  return published_at + after + SpreadOffset(key, spread);
}

std::string TextExcerpt(std::string_view text) {
  if (text.size() <= kTextExcerptChars) return std::string(text);
  size_t cut = kTextExcerptChars;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

store::AnalyticsPost AnalyticsRowOf(const store::PostTarget& target) {
  store::AnalyticsPost row;
  row.org_id = target.org_id;
  row.account_id = target.account_id;
  row.remote_id = target.external_id;
  row.platform = target.platform;
  row.post_id = target.post_id;
  row.target_id = target.id;
  row.url = target.url;
  if (target.published_at) row.published_at = *target.published_at;
  return row;
}

base::Result<void> PlanPublishedTarget(store::Tx& tx, const store::PostTarget& target,
                                       std::string_view text, bool measurable,
                                       std::chrono::minutes spread) {
  if (target.external_id.empty() || !target.published_at) return base::Ok();
  store::AnalyticsPost row = AnalyticsRowOf(target);
  row.text_excerpt = TextExcerpt(text);
  HERALD_RETURN_IF_ERROR(tx.UpsertAnalyticsPost(row));
  if (!measurable) return base::Ok();
  store::CollectionTask task;
  task.org_id = target.org_id;
  task.account_id = target.account_id;
  task.target_id = target.id;
  task.platform = target.platform;
  task.published_at = *target.published_at;
  task.next_at = *NextTargetMeasurement(*target.published_at, 0, target.id, spread);
  return tx.UpsertCollectionTask(task);
}

}  // namespace herald::core
