#include "tools/analytics_views.h"

#include "base/crypto.h"
#include "base/time.h"

namespace herald::tools {
namespace {

using base::Json;

Json SlotView(const core::BestTimeSlot& slot) {
  return Json{{"weekday", std::string(core::WeekdayName(slot.weekday))},
              {"weekday_index", slot.weekday},
              {"hour", slot.hour},
              {"posts", slot.posts},
              {"score", slot.score}};
}

Json Local(base::Time t, const std::string& zone) {
  auto local = base::FormatInTimeZone(t, zone);
  return local.ok() ? Json(*local) : Json(base::FormatRfc3339(t));
}

Json MetricsView(const std::map<std::string, double>& metrics) {
  Json out = Json::object();
  for (const auto& [name, value] : metrics) out[name] = value;
  return out;
}

Json TotalsView(const core::ReportTotals& totals) {
  return Json{{"posts", totals.posts},
              {"engagement", totals.engagement},
              {"metrics", MetricsView(totals.metrics)}};
}

}  // namespace

Json BestTimeView(const core::BestTimeResult& result) {
  const core::BestTimeAnswer& a = result.answer;
  Json slots = Json::array();
  for (size_t i = 0; i < a.slots.size(); ++i) {
    Json slot = SlotView(a.slots[i]);
    if (i < result.next_at.size()) slot["next_at"] = Local(result.next_at[i], a.time_zone);
    slots.push_back(std::move(slot));
  }
  return Json{{"account_id", result.account.id},
              {"platform", result.account.platform},
              {"timezone", a.time_zone},
              {"source", std::string(core::BestTimeSourceName(a.source))},
              {"confidence", std::string(core::BestTimeConfidenceName(a.confidence))},
              {"based_on_posts", a.based_on_posts},
              {"metric", a.metric},
              {"slots", std::move(slots)},
              {"explanation", a.explanation}};
}

Json ReportView(const core::ReportResult& result) {
  const core::AnalyticsReport& r = result.report;
  Json change{{"metrics_pct", MetricsView(r.change.metrics_pct)}};
  if (r.change.posts_pct) change["posts_pct"] = *r.change.posts_pct;
  if (r.change.engagement_pct) change["engagement_pct"] = *r.change.engagement_pct;
  Json rows = Json::array();
  for (const core::ReportRow& row : r.rows) {
    auto label = result.labels.find(row.key);
    rows.push_back({{"key", row.key},
                    {"label", label != result.labels.end() ? label->second : row.key},
                    {"posts", row.totals.posts},
                    {"engagement", row.totals.engagement},
                    {"metrics", MetricsView(row.totals.metrics)}});
  }
  Json top = Json::array();
  for (const core::ReportTopPost& t : r.top_posts) {
    Json post{{"post_id", t.post.post_id},
              {"target_id", t.post.target_id},
              {"account_id", t.post.account_id},
              {"platform", t.post.platform},
              {"published_at", base::FormatRfc3339(t.post.published_at)},
              {"engagement", t.engagement},
              {"metrics", MetricsView(t.post.metrics)}};
    if (!t.post.url.empty()) post["url"] = t.post.url;
    if (!t.post.text.empty()) post["text"] = t.post.text;
    top.push_back(std::move(post));
  }
  Json out{{"from", base::FormatRfc3339(r.from)},
           {"to", base::FormatRfc3339(r.to)},
           {"previous_from", base::FormatRfc3339(r.previous_from)},
           {"group_by", std::string(core::ReportGroupByName(r.group_by))},
           {"timezone", r.time_zone},
           {"totals", TotalsView(r.totals)},
           {"previous_totals", TotalsView(r.previous_totals)},
           {"change", std::move(change)},
           {"rows", std::move(rows)},
           {"top_posts", std::move(top)}};
  if (result.chart) {
    const core::ReportChart& c = *result.chart;
    out["chart"] = {{"format", c.format},
                    {"mime_type", c.mime_type},
                    {"width", c.width},
                    {"height", c.height},
                    {"title", c.title},
                    {"data", c.format == "png" ? base::Base64Encode(c.data) : c.data}};
  }
  return out;
}

Json BestPickView(const core::BestSlotResult& result) {
  const core::BestTimeAnswer& a = result.ranking;
  return Json{{"account_id", result.account_id},
              {"timezone", result.time_zone},
              {"publish_at", base::FormatRfc3339(result.picked.at)},
              {"publish_at_local", Local(result.picked.at, result.time_zone)},
              {"slot", SlotView(result.picked.slot)},
              {"rank", result.picked.rank},
              {"source", std::string(core::BestTimeSourceName(a.source))},
              {"confidence", std::string(core::BestTimeConfidenceName(a.confidence))},
              {"based_on_posts", a.based_on_posts},
              {"reason", result.picked.reason}};
}

}  // namespace herald::tools
