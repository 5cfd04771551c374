// The weekly_report prompt (mcp/server/analytics_prompts.h): listed, and its text names the
// analytics tools and the arguments given.
#include "mcp/server/analytics_prompts.h"

#include <gtest/gtest.h>

#include "tests/mcp/mcp_test_support.h"
#include "tests/support/result_matchers.h"

namespace herald::mcp {
namespace {

using ::herald::matchers::IsOk;

TEST(AnalyticsPromptsTest, WeeklyReportUsesTheAnalyticsTools) {
  testing::Harness h;
  ASSERT_THAT(RegisterAnalyticsPrompts(h.dispatcher().prompts()), IsOk());
  h.Initialize();
  Json prompts = h.Call("prompts/list")["result"]["prompts"];
  ASSERT_EQ(prompts.size(), 1u);
  EXPECT_EQ(prompts[0]["name"], "weekly_report");
  EXPECT_EQ(prompts[0]["arguments"].size(), 3u);

  Json got = h.Call("prompts/get", {{"name", "weekly_report"},
                                    {"arguments", {{"week_start", "2026-03-02"},
                                                   {"time_zone", "Europe/Paris"}}}});
  std::string text = got["result"]["messages"][0]["content"]["text"];
  for (const char* word :
       {"2026-03-02", "Europe/Paris", "analytics_report", "chart true", "best_time_to_post",
        "network_default", "get_post_analytics", "publish_at \"best\"", "never treat a missing"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  Json defaults = h.Call("prompts/get", {{"name", "weekly_report"}});
  std::string dtext = defaults["result"]["messages"][0]["content"]["text"];
  EXPECT_NE(dtext.find("the Monday of last week"), std::string::npos);
}

}  // namespace
}  // namespace herald::mcp
