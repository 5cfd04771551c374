// The one strict URL parser (ParseUrl, ParsePort) and the configuration check built on it
// (CheckBaseUrl, for HERALD_<ID>_API_URL and HERALD_PUBLIC_URL).
#include "platforms/http/url_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/result_matchers.h"

namespace herald::platforms::http {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::Not;

TEST(ParsePortTest, OnlyDigitsFrom1To65535) {
  EXPECT_EQ(ParsePort("1"), 1);
  EXPECT_EQ(ParsePort("80"), 80);
  EXPECT_EQ(ParsePort("08080"), 8080);
  EXPECT_EQ(ParsePort("65535"), 65535);
  for (std::string bad : {"", "0", "00000", "65536", "99999", "100000", "4294967377", "-1", "+80",
                          "80abc", " 80", "80 ", "0x50", "８０"}) {
    EXPECT_FALSE(ParsePort(bad).has_value()) << bad;
  }
}

TEST(ParseUrlTest, SplitsTheParts) {
  auto u = ParseUrl("HTTPS://User:p%40ss@Mastodon.Example.:8443/api/v1?x=1#top", "u");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "mastodon.example");
  EXPECT_FALSE(u->ip.has_value());
  EXPECT_EQ(u->port, 8443);
  EXPECT_TRUE(u->has_userinfo);
  EXPECT_EQ(u->user, "User");
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->path, "/api/v1");
  EXPECT_EQ(u->query, "x=1");
  EXPECT_TRUE(u->has_fragment);
  EXPECT_EQ(u->Authority(), "mastodon.example:8443");

  auto v6 = ParseUrl("http://[::1]/", "u");
  ASSERT_THAT(v6, IsOk());
  EXPECT_EQ(v6->host, "::1");
  ASSERT_TRUE(v6->ip.has_value());
  EXPECT_FALSE(v6->port.has_value());
  EXPECT_EQ(v6->PortOr(80), 80);
  EXPECT_EQ(v6->Authority(), "[::1]");
}

TEST(ParseUrlTest, RefusesBadPortsWithoutShowingThePath) {
  for (std::string port : {"0", "65536", "99999", "-1", "+80", "80abc", ""}) {
    for (std::string base : {"https://a.example:", "http://127.0.0.1:", "http://[::1]:"}) {
      const std::string url = base + port + "/bot123:SECRET/getMe";
      auto u = ParseUrl(url, "HERALD_TELEGRAM_API_URL");
      ASSERT_THAT(u, StatusIs(base::ErrorCode::kInvalidArgument))
          << url << " gave port " << (u.ok() ? u->PortOr(0) : 0);
      EXPECT_NE(u.error().message().find("HERALD_TELEGRAM_API_URL"), std::string::npos);
      EXPECT_EQ(u.error().message().find("SECRET"), std::string::npos) << u.error().message();
    }
  }
  auto wrapped = ParseUrl("http://127.0.0.1:99999/", "the request URL");
  ASSERT_THAT(wrapped, Not(IsOk()));
  EXPECT_NE(wrapped.error().message().find("port 99999"), std::string::npos)
      << wrapped.error().message();
}

TEST(ParseUrlTest, RefusesWhatIsNotAnAbsoluteUrlWithAHost) {
  for (std::string bad : {"", "not a url", "/relative", "mastodon.social", "https://", "https:///x",
                          "https://:443/", "https://exa mple.com/", "https://%00.example/"}) {
    EXPECT_THAT(ParseUrl(bad, "u"), Not(IsOk())) << bad;
  }
}

TEST(CheckBaseUrlTest, ConfigurationUrls) {
  EXPECT_THAT(CheckBaseUrl("HERALD_PUBLIC_URL", "https://herald.example.com/prefix"), IsOk());
  EXPECT_THAT(CheckBaseUrl("HERALD_SLACK_API_URL", "http://127.0.0.1:41234/api"), IsOk());
  for (std::string bad : {"http://127.0.0.1:99999", "http://127.0.0.1:0/api", "127.0.0.1:8080",
                          "ftp://files.example", "https://u:p@herald.example",
                          "https://herald.example/?x=1", "https://herald.example/#f"}) {
    auto r = CheckBaseUrl("HERALD_PUBLIC_URL", bad);
    ASSERT_THAT(r, Not(IsOk())) << bad;
    EXPECT_NE(r.error().message().find("HERALD_PUBLIC_URL"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace herald::platforms::http
