// The web console's pieces without a browser: HTML escaping in every page that shows text from
// users or networks, cookies, calendar days in the viewer's time zone, console sessions (hashed
// in the store, expiring, ended by sign-out or by revoking the key, CSRF token derived), and
// the MCP Apps negotiation helpers. The browser tests (tests/browser) drive the whole thing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "core/console_sessions.h"
#include "core/key_service.h"
#include "mcp/apps/ui_apps.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "transport/console/console_pages.h"
#include "transport/console/console_routes.h"
#include "transport/console/html.h"

namespace herald::transport {
namespace {

using base::Json;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kScript = "<script>alert(1)</script>";

PageFrame Frame() { return PageFrame{"T", "calendar", "csrf123", "Europe/Paris"}; }

TEST(ConsoleHtml, EscapesEverySpecialCharacter) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(UrlEncode("a b/é"), "a%20b%2F%C3%A9");
}

TEST(ConsoleHtml, CookieValueFindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; herald_session=tok; b=2", "herald_session"), "tok");
  EXPECT_EQ(CookieValue("xherald_session=no", "herald_session"), "");
  EXPECT_EQ(CookieValue("", "herald_session"), "");
}

TEST(ConsoleHtml, CookiesAreHttpOnlyStrictAndSecureOnlyOverHttps) {
  EXPECT_EQ(ConsoleCookie(kSessionCookie, "tok", "/", 43200, false),
            "herald_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200");
  EXPECT_EQ(ConsoleCookie(kSessionCookie, "tok", "/", 43200, true),
            "herald_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure");
  EXPECT_EQ(ConsoleCookie(kSignInCsrfCookie, "", "/console/signin", 0, true),
            "herald_signin=; Path=/console/signin; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

TEST(ConsolePages, CalendarShowsPostTextAsTextOnItsLocalDay) {
  // 23:30 UTC on 7 December is 00:30 on 8 December in Paris.
  Json post{{"post_id", "post_1"},
            {"status", "scheduled"},
            {"publish_at", "2026-12-07T23:30:00Z"},
            {"text", std::string(kScript)},
            {"targets", Json::array({{{"platform", "mastodon"}, {"status", "queued"}}})}};
  auto day = ParseCivilDay("2026-12-08");
  ASSERT_TRUE(day.has_value());
  std::string html = CalendarPage(Frame(), "week", *day, {post}, {});
  EXPECT_THAT(html, Not(HasSubstr(std::string(kScript))));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  size_t day_start = html.find("data-date=\"2026-12-08\"");
  size_t next_day = html.find("data-date=\"2026-12-09\"");
  size_t entry = html.find("data-post-id=\"post_1\"");
  ASSERT_NE(entry, std::string::npos);
  EXPECT_GT(entry, day_start);
  EXPECT_LT(entry, next_day);
  EXPECT_THAT(html, HasSubstr("00:30"));
  EXPECT_THAT(html, HasSubstr("draggable=\"true\""));
}

TEST(ConsolePages, MonthStartsOnTheMondayBeforeTheFirst) {
  auto anchor = ParseCivilDay("2026-12-15");
  ASSERT_TRUE(anchor.has_value());
  auto [first, last] = CalendarRange("month", *anchor);
  EXPECT_EQ(FormatCivilDay(first), "2026-11-30");
  EXPECT_EQ(FormatCivilDay(last), "2027-01-11");
  auto week = CalendarRange("week", *anchor);
  EXPECT_EQ(FormatCivilDay(week.first), "2026-12-14");
}

TEST(ConsolePages, PostPageEscapesTextAndReasonsAndLinksOnlyHttpUrls) {
  Json post{{"post_id", "post_1"},
            {"status", "failed"},
            {"publish_at", "2026-12-07T08:00:00Z"},
            {"content", {{"text", std::string(kScript)}}},
            {"targets", Json::array({{{"platform", "x"},
                                      {"account_id", "acc_1"},
                                      {"status", "failed"},
                                      {"url", "javascript:alert(1)"},
                                      {"last_error", "<b>rate</b> limited"}}})}};
  std::string html = PostPage(Frame(), post, {});
  EXPECT_THAT(html, Not(HasSubstr(std::string(kScript))));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(html, HasSubstr("&lt;b&gt;rate&lt;/b&gt; limited"));
  EXPECT_THAT(html, HasSubstr("Retry failed targets"));
  EXPECT_THAT(html, HasSubstr("name=\"csrf_token\" value=\"csrf123\""));
  EXPECT_THAT(html, HasSubstr("value=\"2026-12-07T09:00\""));  // Paris
}

TEST(ConsolePages, AnalyticsEscapesTextAndLinksOnlyHeraldPostsAndHttpUrls) {
  Json accounts{{"accounts", Json::array({{{"account_id", "acc_1"},
                                           {"platform", "x"},
                                           {"platform_name", "X"},
                                           {"handle", std::string(kScript)}}})}};
  Json report{{"from", "2026-03-01T23:00:00Z"},
              {"to", "2026-03-08T23:00:00Z"},
              {"previous_from", "2026-02-22T23:00:00Z"},
              {"group_by", "account"},
              {"timezone", "Europe/Paris"},
              {"totals", {{"posts", 3}, {"engagement", 1234.0}, {"metrics", {{"likes", 1234.0}}}}},
              {"previous_totals", {{"posts", 0}, {"engagement", 0}, {"metrics", Json::object()}}},
              {"change", {{"metrics_pct", Json::object()}}},
              {"rows", Json::array({{{"key", "acc_1"},
                                     {"label", std::string(kScript)},
                                     {"posts", 3},
                                     {"engagement", 1234.0},
                                     {"metrics", {{"likes", 1234.0}}}}})},
              {"top_posts", Json::array({{{"post_id", "post_1"},
                                          {"target_id", "tgt_1"},
                                          {"account_id", "acc_1"},
                                          {"platform", "x"},
                                          {"published_at", "2026-03-02T08:00:00Z"},
                                          {"engagement", 1000.0},
                                          {"metrics", {{"likes", 1000.0}}},
                                          {"text", std::string(kScript)}},
                                         {{"post_id", ""},
                                          {"target_id", "remote:9"},
                                          {"account_id", "acc_1"},
                                          {"platform", "x"},
                                          {"url", "javascript:alert(1)"},
                                          {"published_at", "2026-03-03T08:00:00Z"},
                                          {"engagement", 234.0},
                                          {"metrics", {{"likes", 234.0}}},
                                          {"text", "imported"}}})}};
  AnalyticsForm form;
  form.from = "2026-03-02";
  form.to = "2026-03-08";
  std::string html = AnalyticsPage(Frame(), form, accounts, report, {}, {});
  EXPECT_THAT(html, Not(HasSubstr(std::string(kScript))));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(html, HasSubstr("<a href=\"/console/posts/post_1\">&lt;script&gt;"));
  EXPECT_THAT(html, HasSubstr("X · &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr(">1,234<"));
  EXPECT_THAT(html, HasSubstr("no earlier data"));
  EXPECT_THAT(html, HasSubstr("Mon 2 Mar 2026 – Sun 8 Mar 2026"));

  Json empty = report;
  empty["totals"] = {{"posts", 0}, {"engagement", 0}, {"metrics", Json::object()}};
  empty["rows"] = Json::array();
  empty["top_posts"] = Json::array();
  std::string none = AnalyticsPage(Frame(), form, accounts, empty, {}, {});
  EXPECT_THAT(none, HasSubstr("Nothing measured in this period"));
  EXPECT_THAT(AnalyticsPage(Frame(), form, Json::object(), empty, {}, {}),
              HasSubstr("No account is connected yet"));
}

TEST(ConsolePages, EveryFormCarriesTheCsrfToken) {
  Json accounts{{"accounts", Json::array({{{"account_id", "acc_1"},
                                           {"platform", "x"},
                                           {"status", "needs_reauth"}}})}};
  Json platforms{{"platforms", Json::array({{{"id", "x"}, {"name", "X"}, {"auth_kind", "oauth2"}},
                                            {{"id", "telegram"},
                                             {"name", "Telegram"},
                                             {"auth_kind", "token"},
                                             {"connect", {{"required", {"bot_token"}}}}}})}};
  for (const std::string& html :
       {AccountsPage(Frame(), accounts, platforms, {}), ComposePage(Frame(), accounts, {}, {}),
        PostsPage(Frame(), Json{{"posts", Json::array()}}, {}, {}, accounts, {})}) {
    size_t forms = 0;
    size_t tokens = 0;
    for (size_t at = html.find("method=\"post\""); at != std::string::npos;
         at = html.find("method=\"post\"", at + 1)) {
      ++forms;
      size_t end = html.find("</form>", at);
      if (html.substr(at, end - at).find("name=\"csrf_token\"") != std::string::npos) ++tokens;
    }
    EXPECT_GT(forms, 0u);
    EXPECT_EQ(forms, tokens) << html;
  }
}

class ConsoleSessionsTest : public ::testing::Test {
 protected:
  testing::CoreEnv env;
  core::KeyService keys{*env.store, env.clock};
  core::ConsoleSessions sessions{*env.store, keys, env.clock};
};

TEST_F(ConsoleSessionsTest, SignInStoresOnlyAHashAndResolvesWithTheKeysRole) {
  auto key = keys.Create(env.org.id, "console", base::Role::kViewer);
  ASSERT_THAT(key, IsOk());
  auto in = sessions.SignIn(key->secret);
  ASSERT_THAT(in, IsOk());
  EXPECT_NE(in->token, key->secret);
  EXPECT_EQ(in->csrf_token, core::ConsoleSessions::CsrfTokenFor(in->token));
  EXPECT_NE(in->csrf_token, in->token);
  auto stored = store::ReadValue<store::ConsoleSession>(*env.store, [&](store::Tx& tx) {
    return tx.GetConsoleSession(base::Sha256Hex(in->token), env.clock.Now());
  });
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->key_id, key->key.id);

  auto resolved = sessions.Resolve(in->token);
  ASSERT_THAT(resolved, IsOk());
  EXPECT_EQ(resolved->caller.org_id, env.org.id);
  EXPECT_EQ(resolved->caller.role, base::Role::kViewer);
  EXPECT_EQ(resolved->csrf_token, in->csrf_token);
}

TEST_F(ConsoleSessionsTest, WrongKeysExpiryRevocationAndSignOutEndSessions) {
  EXPECT_THAT(sessions.SignIn("hk_nope"), StatusIs(base::ErrorCode::kUnauthenticated));
  auto key = keys.Create(env.org.id, "console", base::Role::kEditor);
  ASSERT_THAT(key, IsOk());
  auto a = sessions.SignIn(key->secret);
  auto b = sessions.SignIn(key->secret);
  auto c = sessions.SignIn(key->secret);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(sessions.Resolve("forged"), StatusIs(base::ErrorCode::kUnauthenticated));

  ASSERT_THAT(sessions.SignOut(a->token), IsOk());
  EXPECT_THAT(sessions.Resolve(a->token), StatusIs(base::ErrorCode::kUnauthenticated));
  EXPECT_THAT(sessions.Resolve(b->token), IsOk());

  env.clock.Advance(core::kConsoleSessionTtl + std::chrono::seconds(1));
  EXPECT_THAT(sessions.Resolve(b->token), StatusIs(base::ErrorCode::kUnauthenticated));

  auto d = sessions.SignIn(key->secret);
  ASSERT_THAT(d, IsOk());
  ASSERT_THAT(keys.Revoke(env.org.id, key->key.id), IsOk());
  EXPECT_THAT(sessions.Resolve(d->token), StatusIs(base::ErrorCode::kUnauthenticated));
}

TEST(UiApps, TheExtensionIsOfferedOnlyWithTheAppMimeType) {
  EXPECT_FALSE(mcp::OffersUiExtension(Json::object()));
  EXPECT_TRUE(mcp::OffersUiExtension(
      Json{{"extensions", {{"io.modelcontextprotocol/ui", Json::object()}}}}));
  EXPECT_TRUE(mcp::OffersUiExtension(Json{
      {"extensions", {{"io.modelcontextprotocol/ui", {{"mimeTypes", {"text/html;profile=mcp-app"}}}}}}}));
  EXPECT_FALSE(mcp::OffersUiExtension(
      Json{{"extensions", {{"io.modelcontextprotocol/ui", {{"mimeTypes", {"text/plain"}}}}}}}));
}

TEST(UiApps, TheViewsAreSelfContainedAndLinkedFromTheirTools) {
  mcp::ResourceRegistry resources;
  ASSERT_THAT(mcp::RegisterHeraldViews(resources), IsOk());
  Json list{{"tools", Json::array({{{"name", "list_posts"}},
                                   {{"name", "get_post"}},
                                   {{"name", "analytics_report"}}})}};
  mcp::AttachToolViews(list, mcp::HeraldToolViews(), resources);
  EXPECT_EQ(list["tools"][0]["_meta"]["ui"]["resourceUri"], "ui://herald/calendar");
  EXPECT_FALSE(list["tools"][1].contains("_meta"));
  EXPECT_EQ(list["tools"][2]["_meta"]["ui"]["resourceUri"], "ui://herald/analytics");
  EXPECT_TRUE(resources.Knows(std::string(mcp::kAnalyticsViewUri)));
  auto html = mcp::UiAppFile("calendar.html");
  ASSERT_TRUE(html.has_value());
  EXPECT_THAT(std::string(*html), Not(HasSubstr("src=\"http")));
  EXPECT_THAT(std::string(*html), Not(HasSubstr("innerHTML")));
  EXPECT_THAT(std::string(*html), HasSubstr("ui/initialize"));
  auto analytics = mcp::UiAppFile("analytics.html");
  ASSERT_TRUE(analytics.has_value());
  EXPECT_THAT(std::string(*analytics), Not(HasSubstr("src=\"http")));
  EXPECT_THAT(std::string(*analytics), Not(HasSubstr("innerHTML")));
  EXPECT_THAT(std::string(*analytics), HasSubstr("ui/initialize"));
  // Without the view registered, nothing is linked.
  mcp::ResourceRegistry empty;
  Json bare{{"tools", Json::array({{{"name", "list_posts"}}})}};
  mcp::AttachToolViews(bare, mcp::HeraldToolViews(), empty);
  EXPECT_FALSE(bare["tools"][0].contains("_meta"));
}

}  // namespace
}  // namespace herald::transport
