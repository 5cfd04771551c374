// The console's analytics page and the analytics MCP App over real HTTP: herald's production
// tools on the core test environment's store (two organizations, measured posts in both), a
// console session signed in with a viewer key, the MCP endpoint with the same key. The page
// renders for a viewer, sends anyone else to the sign-in page, never shows the other
// organization, escapes labels and post text, and shows analytics_report's own message for a
// bad range; ui://herald/analytics is listed, read as text/html;profile=mcp-app and linked
// from analytics_report for clients that offer the extension.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>

#include "base/crypto.h"
#include "base/time.h"
#include "core/account_service.h"
#include "core/analytics_insights.h"
#include "core/console_sessions.h"
#include "core/key_service.h"
#include "core/store_measured_posts.h"
#include "mcp/apps/ui_apps.h"
#include "mcp/server/dispatcher.h"
#include "platforms/http/https_client.h"
#include "tests/http/test_client.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/tool_set.h"
#include "transport/auth/authenticator.h"
#include "transport/console/console_routes.h"
#include "transport/console/html.h"
#include "transport/http_frontend.h"

namespace herald::transport {
namespace {

using namespace std::chrono_literals;
using base::Json;
using ::herald::matchers::IsOk;
using herald::testing::Reply;
using herald::testing::TestClient;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kScriptHandle = "<script>alert('handle')</script>";
constexpr std::string_view kScriptText = "<script>alert('text')</script> launch day";
constexpr std::string_view kTheirText = "Globex secret launch";
constexpr std::string_view kTheirHandle = "@globex_secret";

class ConsoleAnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Friday 6 March 2026, 12:00 UTC: the last 30 days are 5 February to 6 March.
    env_.clock.Set(*base::ParseRfc3339("2026-03-06T12:00:00Z"));
    ASSERT_THAT(keyring_.Add(base::RandomBytes(32)), IsOk());
    auto http = platforms::http::HttpsClient::Create({});
    ASSERT_THAT(http, IsOk());
    http_ = std::move(*http);
    accounts_ = std::make_unique<core::AccountService>(*env_.store, keyring_, env_.registry, *http_,
                                                       env_.clock, *env_.pool);
    measured_ = std::make_unique<core::StoreMeasuredPosts>(*env_.store);
    insights_ = std::make_unique<core::AnalyticsInsights>(*env_.store, *measured_, env_.registry,
                                                          env_.clock, *env_.pool);
    tools::ToolDeps deps;
    deps.clock = &env_.clock;
    deps.keys = &keys_;
    deps.posts = env_.posts.get();
    deps.accounts = accounts_.get();
    deps.platforms = &env_.registry;
    deps.insights = insights_.get();
    ASSERT_THAT(dispatcher_.tools().RegisterAll(tools::MakeTools(deps)), IsOk());
    ASSERT_THAT(mcp::RegisterHeraldViews(dispatcher_.resources()), IsOk());

    mine_ = env_.AddAccount("native", std::string(kScriptHandle));
    theirs_ = env_.AddAccount("native", std::string(kTheirHandle), env_.other_org.id);
    post_id_ = env_.Schedule({mine_.id}, std::string(kScriptText));
    Measure(env_.org.id, mine_.id, "1", post_id_, env_.Targets(post_id_)[0].id,
            "2026-03-02T10:00:00Z", std::string(kScriptText), 12, 3);
    Measure(env_.org.id, mine_.id, "2", "", "", "2026-03-03T18:00:00Z", "An imported post", 4, 1);
    Measure(env_.org.id, mine_.id, "3", "", "", "2026-01-20T09:00:00Z", "Last period", 5, 0);
    Measure(env_.other_org.id, theirs_.id, "9", "", "", "2026-03-02T11:00:00Z",
            std::string(kTheirText), 900, 90);

    auto key = keys_.Create(env_.org.id, "console", base::Role::kViewer);
    ASSERT_THAT(key, IsOk());
    viewer_key_ = key->secret;
    auto signed_in = sessions_.SignIn(viewer_key_);
    ASSERT_THAT(signed_in, IsOk());
    session_ = signed_in->token;

    auth_ = std::make_unique<ApiKeyAuthenticator>(keys_, *env_.pool, env_.clock);
    HttpFrontendOptions options;
    options.server.header_timeout = 5s;
    options.server.idle_timeout = 10s;
    frontend_ = std::make_unique<HttpFrontend>(options, dispatcher_, *auth_, env_.clock,
                                               HttpFrontend::ReadinessCheck{});
    console_ = std::make_unique<ConsoleRoutes>(dispatcher_.tools(), sessions_, frontend_->guard(),
                                               *env_.pool, env_.clock, ConsoleOptions{});
    console_->AddTo(frontend_->server());
    ASSERT_THAT(frontend_->Start(), IsOk());
    host_ = "127.0.0.1:" + std::to_string(frontend_->port());
  }

  void TearDown() override {
    if (frontend_) frontend_->Shutdown(1s);
    frontend_.reset();
    console_.reset();
  }

  // A measured post (an analytics row) of `org_id`.
  void Measure(const std::string& org_id, const std::string& account_id, const std::string& n,
               const std::string& post_id, const std::string& target_id, const char* at,
               const std::string& text, double likes, double reposts) {
    store::AnalyticsPost p;
    p.org_id = org_id;
    p.account_id = account_id;
    p.remote_id = "remote_" + n;
    p.platform = "native";
    p.post_id = post_id;
    p.target_id = target_id;
    p.url = "https://native.test/" + n;
    p.published_at = *base::ParseRfc3339(at);
    p.text_excerpt = text;
    Json normalized{{"likes", likes}, {"reposts", reposts}};
    p.metrics = Json{{"normalized", normalized}, {"raw", normalized}};
    p.collected_at = env_.clock.Now();
    ASSERT_THAT(env_.store->Write([&](store::Tx& tx) { return tx.UpsertAnalyticsPost(p); }),
                IsOk());
  }

  // GET `target` as the signed-in viewer (Paris time), or without a session.
  Reply Get(const std::string& target, bool signed_in = true) {
    TestClient c(frontend_->port());
    TestClient::Headers h{{"Host", host_}};
    if (signed_in) {
      h.emplace_back("Cookie", std::string(kSessionCookie) + "=" + session_ + "; " +
                                   std::string(kTimeZoneCookie) + "=Europe%2FParis");
    }
    auto r = c.Call("GET", target, h, "", 20s);
    EXPECT_TRUE(r.has_value());
    return r ? *r : Reply{};
  }

  // One JSON-RPC request to /mcp with the viewer's key; the result (JSON or SSE answer).
  Json Mcp(const std::string& method, Json params, std::string* session) {
    TestClient c(frontend_->port());
    TestClient::Headers h{{"Host", host_},
                          {"Content-Type", "application/json"},
                          {"Accept", "application/json, text/event-stream"},
                          {"Authorization", "Bearer " + viewer_key_}};
    if (!session->empty()) {
      h.emplace_back("Mcp-Session-Id", *session);
      h.emplace_back("MCP-Protocol-Version", "2025-11-25");
    }
    Json msg{{"jsonrpc", "2.0"}, {"id", ++rpc_id_}, {"method", method}, {"params", params}};
    auto r = c.Call("POST", "/mcp", h, msg.dump(), 20s);
    EXPECT_TRUE(r.has_value());
    if (!r) return Json();
    if (session->empty()) *session = r->Header("mcp-session-id");
    std::string body = r->body;
    if (size_t data = body.find("data: "); data != std::string::npos) {
      body = body.substr(data + 6, body.find('\n', data) - data - 6);
    }
    Json reply = Json::parse(body, nullptr, false);
    EXPECT_TRUE(reply.contains("result")) << r->body;
    return reply.value("result", Json());
  }

  // An initialized MCP session; `ui` offers the MCP Apps extension.
  std::string McpSession(bool ui) {
    std::string session;
    Json caps = Json::object();
    if (ui) {
      caps["extensions"][std::string(mcp::kUiExtension)] =
          Json{{"mimeTypes", {std::string(mcp::kUiMimeType)}}};
    }
    Mcp("initialize",
        {{"protocolVersion", "2025-11-25"},
         {"capabilities", caps},
         {"clientInfo", {{"name", "gtest"}, {"version", "1"}}}},
        &session);
    TestClient c(frontend_->port());
    c.Call("POST", "/mcp",
           {{"Host", host_},
            {"Content-Type", "application/json"},
            {"Accept", "application/json, text/event-stream"},
            {"Authorization", "Bearer " + viewer_key_},
            {"Mcp-Session-Id", session},
            {"MCP-Protocol-Version", "2025-11-25"}},
           R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    return session;
  }

  testing::CoreEnv env_;
  base::Keyring keyring_;
  core::KeyService keys_{*env_.store, env_.clock};
  core::ConsoleSessions sessions_{*env_.store, keys_, env_.clock};
  std::unique_ptr<platforms::http::HttpsClient> http_;
  std::unique_ptr<core::AccountService> accounts_;
  std::unique_ptr<core::StoreMeasuredPosts> measured_;
  std::unique_ptr<core::AnalyticsInsights> insights_;
  mcp::Dispatcher dispatcher_;
  std::unique_ptr<ApiKeyAuthenticator> auth_;
  std::unique_ptr<ConsoleRoutes> console_;  // destroyed after the frontend
  std::unique_ptr<HttpFrontend> frontend_;
  store::Account mine_, theirs_;
  std::string post_id_;
  std::string viewer_key_;
  std::string session_;
  std::string host_;
  int rpc_id_ = 0;
};

TEST_F(ConsoleAnalyticsTest, RendersTheReportForASignedInViewer) {
  Reply r = Get("/console/analytics");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.Header("content-security-policy"), HasSubstr("script-src 'self'"));
  // The navigation links the page and marks it current.
  EXPECT_THAT(r.body,
              HasSubstr("<a href=\"/console/analytics\" aria-current=\"page\">Analytics</a>"));
  // The form: labelled fields, the preset's dates in Paris.
  EXPECT_THAT(r.body, HasSubstr("<label for=\"a-range\">Period</label>"));
  EXPECT_THAT(r.body, HasSubstr("value=\"2026-02-05\""));
  EXPECT_THAT(r.body, HasSubstr("value=\"2026-03-06\""));
  // The chart (the report's own SVG, labelled), the totals with the change, rows, top posts.
  EXPECT_THAT(r.body, HasSubstr("<svg"));
  EXPECT_THAT(r.body, HasSubstr("role=\"img\" aria-labelledby=\"chart-title chart-desc\""));
  EXPECT_THAT(r.body, HasSubstr("<th scope=\"col\" class=\"num\">Change</th>"));
  EXPECT_THAT(r.body, HasSubstr("<span class=\"chg up\">+300.0% vs previous period</span>"));
  EXPECT_THAT(r.body, HasSubstr("Top posts"));
  EXPECT_THAT(r.body, HasSubstr("<a href=\"/console/posts/" + post_id_ + "\">"));
  EXPECT_THAT(r.body, HasSubstr("Best times to post"));
}

TEST_F(ConsoleAnalyticsTest, WithoutASessionGoesToSignIn) {
  Reply r = Get("/console/analytics?group_by=account", false);
  EXPECT_EQ(r.status, 303);
  EXPECT_THAT(r.Header("location"), HasSubstr("/console/signin?next="));
  EXPECT_THAT(r.body, Not(HasSubstr("launch")));
  TestClient c(frontend_->port());
  auto forged =
      c.Call("GET", "/console/analytics", {{"Host", host_}, {"Cookie", "herald_session=forged"}});
  ASSERT_TRUE(forged.has_value());
  EXPECT_EQ(forged->status, 303);
}

TEST_F(ConsoleAnalyticsTest, NeverShowsAnotherOrganization) {
  for (const char* group : {"account", "platform", "day", "week"}) {
    Reply r = Get(std::string("/console/analytics?range=90&group_by=") + group);
    ASSERT_EQ(r.status, 200) << group;
    EXPECT_THAT(r.body, Not(HasSubstr(std::string(kTheirText)))) << group;
    EXPECT_THAT(r.body, Not(HasSubstr(std::string(kTheirHandle)))) << group;
    EXPECT_THAT(r.body, Not(HasSubstr(theirs_.id))) << group;
  }
  // Asking for their account by id is refused like an unknown account, without their data.
  Reply r = Get("/console/analytics?accounts=" + theirs_.id);
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("no account"));
  EXPECT_THAT(r.body, Not(HasSubstr(std::string(kTheirText))));
  EXPECT_THAT(r.body, Not(HasSubstr(std::string(kTheirHandle))));
}

TEST_F(ConsoleAnalyticsTest, LabelsAndPostTextAreEscaped) {
  Reply r = Get("/console/analytics?group_by=account");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, Not(HasSubstr("<script>")));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(&#39;handle&#39;)&lt;/script&gt;"));
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt; launch day"));
  // Inside the chart too (XML-escaped by the chart writer).
  EXPECT_THAT(r.body, HasSubstr("&lt;script&gt;alert(&apos;handle&apos;)&lt;/script&gt;"));
}

TEST_F(ConsoleAnalyticsTest, ABadRangeShowsTheToolsMessage) {
  struct Case {
    std::string query;
    std::string from, to;  // what the page sends analytics_report
  };
  const Case cases[] = {
      // The last day before the first: from is not before to.
      {"range=custom&from=2026-03-10&to=2026-03-01", "2026-03-09T23:00:00Z",
       "2026-03-01T23:00:00Z"},
      // Over two years.
      {"range=custom&from=2023-01-01&to=2026-03-01", "2022-12-31T23:00:00Z",
       "2026-03-01T23:00:00Z"},
      // Not a date: sent as typed, so the tool names the field.
      {"range=custom&from=yesterday&to=2026-03-01", "yesterday", "2026-03-01T23:00:00Z"},
  };
  for (const Case& c : cases) {
    core::ReportRequest request;
    request.from = c.from;
    request.to = c.to;
    request.time_zone = "Europe/Paris";
    auto direct = insights_->ReportSync(env_.viewer, request);
    ASSERT_FALSE(direct.ok()) << c.query;
    Reply r = Get("/console/analytics?" + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    EXPECT_THAT(r.body, HasSubstr("role=\"alert\">" + HtmlEscape(direct.error().message())))
        << c.query << "\n"
        << r.body;
    EXPECT_THAT(r.body, Not(HasSubstr("<svg"))) << c.query;
    // The form keeps what was typed.
    EXPECT_THAT(r.body, HasSubstr("<option value=\"custom\" selected>")) << c.query;
  }
  Reply group = Get("/console/analytics?group_by=month");
  EXPECT_EQ(group.status, 400);
  EXPECT_THAT(group.body, HasSubstr("group_by"));
}

TEST_F(ConsoleAnalyticsTest, AnEmptyPeriodSaysSo) {
  Reply r = Get("/console/analytics?range=custom&from=2025-06-01&to=2025-06-30");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, HasSubstr("Nothing measured in this period"));
  EXPECT_THAT(r.body, Not(HasSubstr("<svg")));
}

TEST_F(ConsoleAnalyticsTest, TheAnalyticsViewIsListedReadAndLinkedFromAnalyticsReport) {
  std::string ui = McpSession(true);
  Json resources = Mcp("resources/list", Json::object(), &ui);
  bool listed = false;
  for (const Json& r : resources["resources"]) {
    if (r["uri"] == mcp::kAnalyticsViewUri) {
      listed = true;
      EXPECT_EQ(r["mimeType"], mcp::kUiMimeType);
    }
  }
  EXPECT_TRUE(listed) << resources.dump();
  Json read = Mcp("resources/read", {{"uri", std::string(mcp::kAnalyticsViewUri)}}, &ui);
  ASSERT_EQ(read["contents"].size(), 1u) << read.dump();
  EXPECT_EQ(read["contents"][0]["mimeType"], "text/html;profile=mcp-app");
  std::string html = read["contents"][0]["text"];
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("innerHTML")));

  Json tools = Mcp("tools/list", Json::object(), &ui);
  Json report_tool, list_posts;
  for (const Json& t : tools["tools"]) {
    if (t["name"] == "analytics_report") report_tool = t;
    if (t["name"] == "list_posts") list_posts = t;
  }
  ASSERT_TRUE(report_tool.is_object()) << tools.dump();
  EXPECT_EQ(report_tool["_meta"]["ui"]["resourceUri"], "ui://herald/analytics");
  EXPECT_EQ(list_posts["_meta"]["ui"]["resourceUri"], "ui://herald/calendar");

  // The tool still answers with text, and its structured result is what the view reads.
  Json call =
      Mcp("tools/call",
          {{"name", "analytics_report"},
           {"arguments", {{"from", "2026-02-01T00:00:00Z"}, {"to", "2026-03-06T00:00:00Z"}}}},
          &ui);
  ASSERT_FALSE(call.value("isError", false)) << call.dump();
  EXPECT_EQ(call["content"][0]["type"], "text");
  EXPECT_THAT(call["content"][0]["text"].get<std::string>(), HasSubstr("totals"));
  EXPECT_EQ(call["structuredContent"]["totals"]["posts"], 2);
  EXPECT_EQ(call["structuredContent"]["top_posts"][0]["post_id"], post_id_);
  EXPECT_EQ(call["structuredContent"]["top_posts"][0]["text"], kScriptText);

  // A client without the extension: no view linked.
  std::string plain = McpSession(false);
  Json bare = Mcp("tools/list", Json::object(), &plain);
  for (const Json& t : bare["tools"]) EXPECT_FALSE(t.contains("_meta")) << t["name"];
}

}  // namespace
}  // namespace herald::transport
