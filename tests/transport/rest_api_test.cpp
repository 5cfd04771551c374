// REST (/api/v1), OpenAPI, /healthz, /readyz and /metrics against an HttpFrontend with test
// tools standing in for the production ones.
#include <gtest/gtest.h>

#include "tests/transport/mcp_test_fixture.h"
#include "transport/guard/http_guard.h"
#include "transport/rest/rest_api.h"

namespace herald::transport::testing {
namespace {

class RestApiTest : public McpHttpTest {
 protected:
  std::optional<Reply> Call(const std::string& method, const std::string& target,
                            const std::string& body = {}, const std::string& key = kKeyA) {
    TestClient c(port_);
    TestClient::Headers h = {{"Host", host_}};
    if (!key.empty()) h.emplace_back("Authorization", "Bearer " + key);
    if (!body.empty()) h.emplace_back("Content-Type", "application/json");
    return c.Call(method, target, h, body);
  }
};

TEST_F(RestApiTest, AnyToolByName) {
  Start();
  auto r = Call("POST", "/api/v1/tools/echo", R"({"text":"hello"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json::parse(r->body), Json({{"text", "hello"}}));
  auto who = Call("POST", "/api/v1/tools/whoami", "", kKeyB);
  ASSERT_TRUE(who);
  EXPECT_EQ(Json::parse(who->body)["org"], "org_b");
}

TEST_F(RestApiTest, ErrorsCarryTheToolsCodeAndStatus) {
  Start();
  auto invalid = Call("POST", "/api/v1/tools/echo", R"({"text":7})");
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->status, 400);
  auto e = Json::parse(invalid->body)["error"];
  EXPECT_EQ(e["code"], "invalid_argument");
  EXPECT_NE(e["message"].get<std::string>().find("text"), std::string::npos) << e;

  auto missing = Call("POST", "/api/v1/tools/fail");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["error"]["message"], "no post with id 'p_x'");

  auto role = Call("POST", "/api/v1/tools/editor_only", "", kKeyA2);
  ASSERT_TRUE(role);
  EXPECT_EQ(role->status, 403);
  EXPECT_EQ(Json::parse(role->body)["error"]["code"], "permission_denied");

  auto unknown = Call("POST", "/api/v1/tools/nope");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);

  auto not_json = Call("POST", "/api/v1/tools/echo", "{oops");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  auto array = Call("POST", "/api/v1/tools/echo", "[1]");
  ASSERT_TRUE(array);
  EXPECT_EQ(array->status, 400);
}

TEST_F(RestApiTest, RoutesWithoutTheirToolAreNotAvailable) {
  Start();
  auto r = Call("POST", "/api/v1/posts", R"({"text":"x"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  auto e = Json::parse(r->body)["error"];
  EXPECT_EQ(e["code"], "not_found");
  EXPECT_NE(e["message"].get<std::string>().find("not available"), std::string::npos);
}

TEST_F(RestApiTest, QueryParametersAreTyped) {
  Start();
  auto r = Call("GET", "/api/v1/posts?limit=5&include_deleted=true&status=scheduled,failed&cursor=abc");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto args = Json::parse(r->body)["args"];
  EXPECT_EQ(args["limit"], 5);
  EXPECT_EQ(args["include_deleted"], true);
  EXPECT_EQ(args["status"], Json::array({"scheduled", "failed"}));
  EXPECT_EQ(args["cursor"], "abc");
  auto bad = Call("GET", "/api/v1/posts?limit=many");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("limit"), std::string::npos);
  auto range = Call("GET", "/api/v1/posts?limit=1000");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->status, 400);
  auto unknown = Call("GET", "/api/v1/posts?colour=red");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
}

TEST_F(RestApiTest, PathIdBecomesTheToolArgument) {
  Start();
  auto get = Call("GET", "/api/v1/posts/post_123");
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  EXPECT_EQ(Json::parse(get->body)["post_id"], "post_123");
  auto patch = Call("PATCH", "/api/v1/posts/post_9", R"({"text":"new"})");
  ASSERT_TRUE(patch);
  ASSERT_EQ(patch->status, 200) << patch->body;
  EXPECT_EQ(Json::parse(patch->body), Json({{"post_id", "post_9"}, {"text", "new"}}));
  auto viewer = Call("PATCH", "/api/v1/posts/post_9", R"({"text":"new"})", kKeyA2);
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->status, 403);
}

TEST_F(RestApiTest, ArgumentsThatAreNotUtf8AreRefused) {
  // Query parameters and path segments are percent-decoded bytes, which need not be UTF-8: such
  // an argument is a 400 naming it (it was a 500, or an out-of-bounds read in valijson's length
  // check). Found by fuzz/rest_fuzz; reproducers in fuzz/corpus/rest/crash_invalid_utf8_*.
  Start();
  for (const char* target : {"/api/v1/posts?%FF=1", "/api/v1/posts?cursor=ab%8F%8F%8F%8F%8F%8F%8F",
                             "/api/v1/posts/%8F%8F%8F%8F%8F%8F%8F"}) {
    auto r = Call("GET", target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 400) << target << ": " << r->body;
    EXPECT_NE(r->body.find("is not valid UTF-8 text"), std::string::npos) << r->body;
  }
}

TEST_F(RestApiTest, OpenApiIsGeneratedFromSchemasAndRoutes) {
  Start();
  auto r = Call("GET", "/api/v1/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto doc = Json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["servers"][0]["url"], "http://" + host_);
  auto& paths = doc["paths"];
  ASSERT_TRUE(paths.contains("/api/v1/tools/echo"));
  EXPECT_EQ(paths["/api/v1/tools/echo"]["post"]["requestBody"]["content"]["application/json"]
                 ["schema"]["properties"]["text"]["type"],
            "string");
  ASSERT_TRUE(paths.contains("/api/v1/posts"));
  auto params = paths["/api/v1/posts"]["get"]["parameters"];
  bool has_limit = false;
  for (const auto& p : params) has_limit |= p["name"] == "limit" && p["in"] == "query";
  EXPECT_TRUE(has_limit);
  EXPECT_EQ(paths["/api/v1/posts/{id}"]["get"]["parameters"][0]["in"], "path");
  EXPECT_TRUE(paths["/api/v1/posts/{id}"]["patch"]["responses"].contains("409"));
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
}

TEST_F(RestApiTest, HealthReadinessAndMetrics) {
  bool ready = true;
  readiness_ = [&ready]() -> base::Task<base::Result<void>> {
    if (ready) co_return base::Ok();
    co_return base::Unavailable("database is down");
  };
  Start();
  auto health = Call("GET", "/healthz", "", "");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto ok = Call("GET", "/readyz", "", "");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  ready = false;
  auto down = Call("GET", "/readyz", "", "");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);

  std::string s = Initialize();
  ASSERT_TRUE(Call("POST", "/api/v1/tools/echo", R"({"text":"m"})"));
  auto anonymous = Call("GET", "/metrics", "", "");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto metrics = Call("GET", "/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  const std::string& text = metrics->body;
  EXPECT_NE(text.find("herald_http_requests_total{method=\"POST\",route=\"/api/v1/tools/{name}\","
                      "status=\"200\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("herald_mcp_sessions 1"), std::string::npos) << text;
  EXPECT_NE(text.find("herald_tool_calls_in_flight 0"), std::string::npos);
}

TEST(HttpStatusForTest, Mapping) {
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(base::ErrorCode::kUnavailable), 503);
  auto limited = RestErrorFor(base::ResourceExhausted("slow down").set_retry_after(std::chrono::milliseconds(1500)));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers.GetOr("Retry-After"), "2");
  auto internal = RestErrorFor(base::Internal("secret detail"));
  EXPECT_EQ(internal.body.find("secret"), std::string::npos);
}

}  // namespace
}  // namespace herald::transport::testing
