// best_time_to_post, analytics_report and schedule_post's publish_at "best" on AnalyticsInsights
// with a scripted history (a known peak) over the core test environment's store: results match
// the output schemas, bad input is refused with the field named and nothing changes, another
// organization's account is not found.
#include <date/date.h>
#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/schema_validator.h"
#include "base/time.h"
#include "core/analytics_insights.h"
#include "core/store_measured_posts.h"
#include "schemas/schemas.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/analytics_report.h"
#include "tools/best_time_to_post.h"
#include "tools/schedule_post.h"

namespace herald::tools {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using testing::CoreEnv;

class Context final : public ToolContext {
 public:
  explicit Context(base::Caller caller) : caller_(std::move(caller)) {}
  const base::Caller& caller() const override { return caller_; }
  bool cancelled() const override { return false; }
  void Progress(double, std::optional<double>, std::string) override {}
  void Log(LogLevel, Json) override {}
  bool CanSample() const override { return false; }
  bool CanElicitForm() const override { return false; }
  bool CanElicitUrl() const override { return false; }
  Task<Result<Json>> Request(std::string, Json, std::chrono::milliseconds) override {
    co_return base::FailedPrecondition("no client");
  }

 private:
  base::Caller caller_;
};

// Rows given by the test, filtered as the store would.
class ScriptedPosts final : public core::MeasuredPostSource {
 public:
  std::vector<core::ReportPost> rows;
  base::Result<std::vector<core::ReportPost>> MeasuredPosts(
      const core::MeasuredPostQuery& q) override {
    std::vector<core::ReportPost> out;
    for (const core::ReportPost& p : rows) {
      if (p.published_at < q.from || p.published_at >= q.to) continue;
      if (!q.account_ids.empty() &&
          std::find(q.account_ids.begin(), q.account_ids.end(), p.account_id) ==
              q.account_ids.end()) {
        continue;
      }
      out.push_back(p);
    }
    return out;
  }
};

void ExpectMatchesOutputSchema(const std::string& tool, const Json& value) {
  auto text = schemas::Find("tools/" + tool + ".output.json");
  ASSERT_TRUE(text.has_value());
  auto validator = base::SchemaValidator::Compile(Json::parse(*text));
  ASSERT_THAT(validator, IsOk());
  auto problems = validator->Validate(value, 8, base::SchemaSubject::kDocument);
  for (const auto& p : problems) ADD_FAILURE() << tool << ": " << p.path << ": " << p.message;
}

class AnalyticsToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Friday 6 March 2026, 12:00 UTC.
    env_.clock.Set(*base::ParseRfc3339("2026-03-06T12:00:00Z"));
    account_ = env_.AddAccount("native", "@me");
    quiet_ = env_.AddAccount("native", "@quiet");
    foreign_ = env_.AddAccount("native", "@them", env_.other_org.id);
    // 12 weeks of posts at 09:00, 13:00 and 18:00 Paris time; Tuesdays 18:00 draw 4× more.
    const auto* paris = date::locate_zone("Europe/Paris");
    date::local_days first = date::local_days(date::year(2025) / 12 / 8);
    int n = 0;
    for (int d = 0; d < 84; ++d) {
      date::local_days day = first + date::days(d);
      for (int hour : {9, 13, 18}) {
        auto sys = paris->to_sys(date::local_seconds(day) + std::chrono::hours(hour),
                                 date::choose::earliest);
        bool peak = date::weekday(day) == date::Tuesday && hour == 18;
        std::string id = std::to_string(n++);
        posts_.rows.push_back(
            {.post_id = "post_h" + id,
             .target_id = "tgt_h" + id,
             .account_id = account_.id,
             .platform = "native",
             .url = "https://native.test/" + id,
             .published_at = std::chrono::time_point_cast<base::Micros>(sys),
             .metrics = {{"likes", peak ? 40.0 : 8.0 + d % 4}, {"replies", peak ? 6.0 : 1.0}},
             .text = "History post " + id,
             .remote_id = ""});
      }
    }
    insights_ = std::make_unique<core::AnalyticsInsights>(*env_.store, posts_, env_.registry,
                                                          env_.clock, *env_.pool);
  }

  Result<ToolOutput> Call(Tool& tool, Json args, const base::Caller& caller) {
    Context ctx(caller);
    return testing::Await(tool.Call(std::move(args), ctx));
  }

  int PostCount() {
    int count = 0;
    EXPECT_THAT(env_.store->Read([&](store::Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(auto posts, tx.ListPosts({.org_id = env_.org.id,
                                                        .status = std::nullopt,
                                                        .account_id = {},
                                                        .from = std::nullopt,
                                                        .to = std::nullopt,
                                                        .limit = 500,
                                                        .after_id = {}}));
      count = static_cast<int>(posts.size());
      return base::Ok();
    }),
                IsOk());
    return count;
  }

  CoreEnv env_;
  ScriptedPosts posts_;
  store::Account account_, quiet_, foreign_;
  std::unique_ptr<core::AnalyticsInsights> insights_;
};

TEST_F(AnalyticsToolsTest, BestTimeFindsThePeakInTheAccountsTimeZone) {
  BestTimeToPostTool tool(*insights_);
  auto out = Call(tool, {{"account_id", account_.id}, {"timezone", "Europe/Paris"}},
                  env_.viewer);
  ASSERT_THAT(out, IsOk());
  const Json& r = out->structured;
  ExpectMatchesOutputSchema("best_time_to_post", r);
  EXPECT_EQ(r["source"], "history");
  EXPECT_EQ(r["confidence"], "high");
  EXPECT_EQ(r["based_on_posts"], 252);
  EXPECT_EQ(r["slots"][0]["weekday"], "Tuesday");
  EXPECT_EQ(r["slots"][0]["hour"], 18);
  EXPECT_EQ(r["slots"][0]["next_at"], "2026-03-10T18:00:00+01:00");
  // In UTC the same peak is Tuesday 17:00.
  auto utc = Call(tool, {{"account_id", account_.id}}, env_.viewer);
  ASSERT_THAT(utc, IsOk());
  EXPECT_EQ(utc->structured["timezone"], "UTC");
  EXPECT_EQ(utc->structured["slots"][0]["hour"], 17);
}

TEST_F(AnalyticsToolsTest, BestTimeWithoutHistorySaysSo) {
  BestTimeToPostTool tool(*insights_);
  auto out = Call(tool, {{"account_id", quiet_.id}}, env_.viewer);
  ASSERT_THAT(out, IsOk());
  ExpectMatchesOutputSchema("best_time_to_post", out->structured);
  EXPECT_EQ(out->structured["source"], "network_default");
  EXPECT_EQ(out->structured["confidence"], "none");
  EXPECT_EQ(out->structured["based_on_posts"], 0);
}

TEST_F(AnalyticsToolsTest, BestTimeBadInput) {
  BestTimeToPostTool tool(*insights_);
  EXPECT_THAT(Call(tool, {{"account_id", foreign_.id}}, env_.viewer),
              StatusIs(base::ErrorCode::kNotFound, HasSubstr("account_id")));
  EXPECT_THAT(Call(tool, {{"account_id", account_.id}, {"timezone", "Europe/Nowhere"}},
                   env_.viewer),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("timezone")));
}

TEST_F(AnalyticsToolsTest, ReportWithAPngChart) {
  AnalyticsReportTool tool(*insights_);
  auto out = Call(tool,
                  {{"from", "2026-02-02T00:00:00+01:00"},
                   {"to", "2026-03-02T00:00:00+01:00"},
                   {"group_by", "week"},
                   {"timezone", "Europe/Paris"},
                   {"chart", true}},
                  env_.viewer);
  ASSERT_THAT(out, IsOk());
  const Json& r = out->structured;
  ExpectMatchesOutputSchema("analytics_report", r);
  EXPECT_EQ(r["totals"]["posts"], 84);
  EXPECT_EQ(r["rows"].size(), 4u);
  EXPECT_EQ(r["rows"][0]["key"], "2026-02-02");
  EXPECT_EQ(r["previous_totals"]["posts"], 84);
  EXPECT_TRUE(r["change"].contains("engagement_pct"));
  EXPECT_EQ(r["top_posts"].size(), 5u);
  EXPECT_THAT(r["top_posts"][0]["text"].get<std::string>(), HasSubstr("History post "));
  EXPECT_EQ(r["chart"]["mime_type"], "image/png");
  ASSERT_EQ(out->content.size(), 2u);
  EXPECT_EQ(out->content[1]["type"], "image");
  EXPECT_EQ(out->content[1]["mimeType"], "image/png");
  auto png = base::Base64Decode(out->content[1]["data"].get<std::string>());
  ASSERT_THAT(png, IsOk());
  EXPECT_EQ(png->substr(1, 3), "PNG");
  // The text block leaves the base64 out.
  EXPECT_THAT(out->content[0]["text"].get<std::string>(), ::testing::Not(HasSubstr("iVBOR")));
}

TEST_F(AnalyticsToolsTest, ReportWithAnSvgChartAndAccountLabels) {
  AnalyticsReportTool tool(*insights_);
  auto out = Call(tool,
                  {{"from", "2026-02-01T00:00:00Z"},
                   {"to", "2026-03-01T00:00:00Z"},
                   {"accounts", {account_.id, quiet_.id}},
                   {"chart", true},
                   {"chart_format", "svg"}},
                  env_.viewer);
  ASSERT_THAT(out, IsOk());
  ExpectMatchesOutputSchema("analytics_report", out->structured);
  EXPECT_EQ(out->structured["rows"][0]["label"], "@me");
  EXPECT_THAT(out->structured["chart"]["data"].get<std::string>(), HasSubstr("<svg"));
  EXPECT_THAT(out->structured["chart"]["data"].get<std::string>(), HasSubstr("@me"));
  EXPECT_TRUE(out->content.empty());
}

TEST_F(AnalyticsToolsTest, ReportBadInputNamesTheField) {
  AnalyticsReportTool tool(*insights_);
  auto call = [&](Json args) { return Call(tool, std::move(args), env_.viewer); };
  EXPECT_THAT(call({{"from", "2026-03-02T00:00:00Z"}, {"to", "2026-03-01T00:00:00Z"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("is not before to")));
  EXPECT_THAT(call({{"from", "2023-03-01T00:00:00Z"}, {"to", "2026-03-01T00:00:00Z"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("longer than 2 years")));
  EXPECT_THAT(call({{"from", "yesterday"}, {"to", "2026-03-01T00:00:00Z"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("from:")));
  EXPECT_THAT(call({{"from", "2026-02-01T00:00:00Z"},
                    {"to", "2026-03-01T00:00:00Z"},
                    {"group_by", "month"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("group_by")));
  EXPECT_THAT(call({{"from", "2026-02-01T00:00:00Z"},
                    {"to", "2026-03-01T00:00:00Z"},
                    {"timezone", "Atlantis/Capital"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("timezone")));
  EXPECT_THAT(call({{"from", "2026-02-01T00:00:00Z"},
                    {"to", "2026-03-01T00:00:00Z"},
                    {"accounts", {foreign_.id}}}),
              StatusIs(base::ErrorCode::kNotFound, HasSubstr("accounts")));
}

TEST_F(AnalyticsToolsTest, SchedulePostAtBestLandsInThePeakAndAvoidsCollisions) {
  SchedulePostTool tool(*env_.posts, insights_.get());
  Json args{{"accounts", {account_.id}},
            {"text", "at the best time"},
            {"publish_at", "best"},
            {"timezone", "Europe/Paris"},
            {"best_window", {{"to", "2026-03-31T00:00:00+02:00"}}}};
  auto first = Call(tool, args, env_.editor);
  ASSERT_THAT(first, IsOk());
  const Json& r = first->structured;
  ExpectMatchesOutputSchema("schedule_post", r);
  EXPECT_EQ(r["publish_at"], "2026-03-10T17:00:00Z");  // Tuesday 18:00 in Paris
  EXPECT_EQ(r["best_time"]["rank"], 1);
  EXPECT_EQ(r["best_time"]["slot"]["weekday"], "Tuesday");
  EXPECT_THAT(r["best_time"]["reason"].get<std::string>(),
              HasSubstr("Tuesday 18:00 (Europe/Paris)"));

  // The next "best" post keeps away from the first: the Tuesday after.
  args["text"] = "the next one";
  auto second = Call(tool, args, env_.editor);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->structured["publish_at"], "2026-03-17T17:00:00Z");

  // After the DST change (29 March) 18:00 in Paris is 16:00 UTC.
  args["best_window"] = {{"from", "2026-03-28T00:00:00+01:00"},
                         {"to", "2026-04-05T00:00:00+02:00"}};
  auto third = Call(tool, args, env_.editor);
  ASSERT_THAT(third, IsOk());
  EXPECT_EQ(third->structured["publish_at"], "2026-03-31T16:00:00Z");
}

TEST_F(AnalyticsToolsTest, SchedulePostAtBestRefusesBadInputAndChangesNothing) {
  SchedulePostTool tool(*env_.posts, insights_.get());
  const int before = PostCount();
  auto call = [&](Json extra) {
    Json args{{"accounts", {account_.id}}, {"text", "x"}, {"publish_at", "best"}};
    args.update(extra);
    return Call(tool, std::move(args), env_.editor);
  };
  EXPECT_THAT(call({{"best_window", {{"to", "2026-03-01T00:00:00Z"}}}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("best_window.to")));
  EXPECT_THAT(call({{"timezone", "Nowhere/Land"}}),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("timezone")));
  EXPECT_THAT(call({{"accounts", {foreign_.id}}}),
              StatusIs(base::ErrorCode::kNotFound, HasSubstr("accounts")));
  // Within one Saturday there is no Tuesday, nor any other ranked slot: say so.
  EXPECT_THAT(call({{"best_window",
                     {{"from", "2026-03-07T08:00:00Z"}, {"to", "2026-03-07T09:00:00Z"}}}}),
              StatusIs(base::ErrorCode::kFailedPrecondition, HasSubstr("widen the window")));
  Json plain{{"accounts", {account_.id}}, {"text", "x"},
             {"publish_at", "2026-03-09T10:00:00Z"}, {"best_window", Json::object()}};
  EXPECT_THAT(Call(tool, plain, env_.editor),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("best_window")));
  EXPECT_EQ(PostCount(), before);
  // Without analytics on the server, "best" is refused.
  SchedulePostTool bare(*env_.posts);
  EXPECT_THAT(Call(bare, {{"accounts", {account_.id}}, {"text", "x"}, {"publish_at", "best"}},
                   env_.editor),
              StatusIs(base::ErrorCode::kInvalidArgument, HasSubstr("publish_at")));
}

// The real source: the store's analytics posts (herald's and imported ones), normalised metrics
// only, newest kept under a limit; then the whole path from the store to best_time_to_post.
TEST_F(AnalyticsToolsTest, StoreMeasuredPostsFeedTheRealPath) {
  std::vector<store::AnalyticsPost> rows;
  for (const core::ReportPost& p : posts_.rows) {
    store::AnalyticsPost row;
    row.org_id = env_.org.id;
    row.account_id = p.account_id;
    row.remote_id = p.target_id;
    row.platform = p.platform;
    row.url = p.url;
    row.published_at = p.published_at;
    Json normalized = Json::object();
    for (const auto& [name, value] : p.metrics) normalized[name] = value;
    row.metrics = {{"normalized", normalized}, {"raw", {{"favourites_count", 1}}}};
    row.collected_at = p.published_at + std::chrono::hours(24);
    rows.push_back(std::move(row));
  }
  ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPosts(rows); }),
              IsOk());
  core::StoreMeasuredPosts source(*env_.store);
  auto all = source.MeasuredPosts({.org_id = env_.org.id,
                                   .account_ids = {account_.id},
                                   .from = *base::ParseRfc3339("2025-01-01T00:00:00Z"),
                                   .to = env_.clock.Now(),
                                   .limit = 0});
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), posts_.rows.size());
  EXPECT_FALSE(all->front().metrics.contains("favourites_count"));  // raw names stay out
  EXPECT_TRUE(all->front().metrics.contains("likes"));
  EXPECT_EQ(all->front().post_id, "");  // imported, not a herald post
  auto newest = source.MeasuredPosts({.org_id = env_.org.id,
                                      .account_ids = {},
                                      .from = *base::ParseRfc3339("2025-01-01T00:00:00Z"),
                                      .to = env_.clock.Now(),
                                      .limit = 3});
  ASSERT_THAT(newest, IsOk());
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ(newest->back().published_at, all->back().published_at);
  auto foreign = source.MeasuredPosts({.org_id = env_.other_org.id,
                                       .account_ids = {},
                                       .from = *base::ParseRfc3339("2025-01-01T00:00:00Z"),
                                       .to = env_.clock.Now(),
                                       .limit = 0});
  ASSERT_THAT(foreign, IsOk());
  EXPECT_TRUE(foreign->empty());

  core::AnalyticsInsights insights(*env_.store, source, env_.registry, env_.clock, *env_.pool);
  BestTimeToPostTool tool(insights);
  auto out = Call(tool, {{"account_id", account_.id}, {"timezone", "Europe/Paris"}}, env_.viewer);
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->structured["source"], "history");
  EXPECT_EQ(out->structured["slots"][0]["weekday"], "Tuesday");
  EXPECT_EQ(out->structured["slots"][0]["hour"], 18);
}

}  // namespace
}  // namespace herald::tools
