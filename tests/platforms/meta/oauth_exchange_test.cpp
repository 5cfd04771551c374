// The OAuth hook for networks whose access token renews itself (Meta): the long-lived exchange
// right after the code exchange, and the renewal Refresh makes instead of a refresh_token grant
// (platforms/oauth/oauth_provider.h AccessTokenExchange), against a scripted HttpClient.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <deque>

#include "platforms/http/form_urlencoded.h"
#include "platforms/oauth/oauth_client.h"
#include "platforms/oauth/oauth_session.h"
#include "tests/platforms/support/run_task.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::oauth {
namespace {

using base::ErrorCode;
using base::Json;
using base::Result;
using matchers::IsOk;
using matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct ScriptedHttp : HttpClient {
  std::deque<HttpResponse> answers;
  std::vector<HttpRequest> requests;
  Task<Result<HttpResponse>> Send(HttpRequest request) override {
    requests.push_back(request);
    HttpResponse r = answers.front();
    answers.pop_front();
    co_return r;
  }
  void Answer(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    answers.push_back(std::move(r));
  }
};

OAuthProvider ThreadsLike() {
  OAuthProvider p;
  p.platform = "threads";
  p.display_name = "Threads";
  p.authorize_url = "https://threads.example/oauth/authorize";
  p.token_url = "https://graph.threads.example/oauth/access_token";
  p.client_auth = ClientAuthMethod::kPost;
  p.pkce = false;
  p.client_id = "app";
  p.client_secret = "shh";
  p.long_lived_exchange = AccessTokenExchange{"https://graph.threads.example/access_token",
                                              "th_exchange_token", "access_token", false, true};
  p.access_token_renewal = AccessTokenExchange{
      "https://graph.threads.example/refresh_access_token", "th_refresh_token"};
  p.refresh_margin = std::chrono::hours(24 * 10);
  return p;
}

class OAuthExchangeTest : public ::testing::Test {
 protected:
  template <class T>
  T Run(Task<T> task) {
    return herald::testing::RunTask(io_, std::move(task));
  }
  boost::asio::io_context io_;
  base::FakeClock clock_;
  ScriptedHttp http_;
  OAuthClient client_{http_, clock_};
};

TEST_F(OAuthExchangeTest, CodeExchangeReturnsTheLongLivedToken) {
  http_.Answer(200, R"({"access_token":"short","user_id":1789})");
  http_.Answer(200, R"({"access_token":"long","token_type":"bearer","expires_in":5184000})");
  auto t = Run(client_.ExchangeCode(ThreadsLike(), "code1", "https://herald/cb", ""));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->access_token, "long");
  EXPECT_TRUE(t->refresh_token.empty());
  ASSERT_TRUE(t->expires_at.has_value());
  EXPECT_EQ(*t->expires_at - clock_.Now(), std::chrono::seconds(5184000));
  EXPECT_EQ(t->extra["user_id"], 1789);  // from the code's answer
  ASSERT_EQ(http_.requests.size(), 2u);
  EXPECT_EQ(http_.requests[1].method, "GET");
  EXPECT_EQ(http_.requests[1].url,
            "https://graph.threads.example/access_token?grant_type=th_exchange_token&"
            "access_token=short&client_secret=shh");
}

TEST_F(OAuthExchangeTest, RefreshRenewsTheAccessTokenItself) {
  TokenSet current;
  current.access_token = "long";
  current.scope = "threads_basic";
  current.extra = Json{{"user_id", 1789}};
  http_.Answer(200, R"({"access_token":"longer","token_type":"bearer","expires_in":5184000})");
  auto t = Run(client_.Refresh(ThreadsLike(), current));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->access_token, "longer");
  EXPECT_EQ(t->scope, "threads_basic");
  EXPECT_EQ(t->extra["user_id"], 1789);
  EXPECT_EQ(http_.requests[0].url,
            "https://graph.threads.example/refresh_access_token?grant_type=th_refresh_token&"
            "access_token=long");
}

TEST_F(OAuthExchangeTest, DeadTokenIsUnauthenticatedOthersAreNot) {
  TokenSet current;
  current.access_token = "tok-secret-1";
  http_.Answer(400, R"({"error":{"message":"Error validating access token: Session has expired",)"
                    R"("type":"OAuthException","code":190,"error_subcode":463}})");
  auto dead = Run(client_.Refresh(ThreadsLike(), current));
  EXPECT_THAT(dead, StatusIs(ErrorCode::kUnauthenticated));
  EXPECT_THAT(dead.error().message(), HasSubstr("Session has expired"));
  EXPECT_THAT(dead.error().message(), Not(HasSubstr("tok-secret-1")));
  http_.Answer(400, R"({"error":{"message":"(#4) Application request limit reached","code":4}})");
  EXPECT_THAT(Run(client_.Refresh(ThreadsLike(), current)),
              StatusIs(ErrorCode::kResourceExhausted));
  http_.Answer(503, "<html>down</html>");
  EXPECT_THAT(Run(client_.Refresh(ThreadsLike(), current)), StatusIs(ErrorCode::kUnavailable));
}

TEST_F(OAuthExchangeTest, SessionRenewsBeforeTheMarginWithoutARefreshToken) {
  AccountContext account;
  account.account_id = "acc";
  TokenSet stored;
  stored.access_token = "long";
  stored.expires_at = clock_.Now() + std::chrono::hours(24 * 5);  // inside the 10-day margin
  account.credentials = TokenSetToCredentials(stored);
  Json saved;
  account.save_credentials = [&](const Json& c, std::optional<base::Time>) -> Result<void> {
    saved = c;
    return base::Ok();
  };
  http_.Answer(200, R"({"access_token":"renewed","expires_in":5184000})");
  const OAuthProvider provider = ThreadsLike();
  OAuthSession session(client_, provider, clock_, account);
  auto token = Run(session.AccessToken());
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "renewed");
  EXPECT_EQ(saved["access_token"], "renewed");
  EXPECT_THAT(http_.requests[0].url, HasSubstr("grant_type=th_refresh_token"));
}

}  // namespace
}  // namespace herald::platforms::oauth
