#include "platforms/http/address_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "platforms/http/proxy_config.h"
#include "platforms/http/url_policy.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::http {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::Not;

bool Private(const std::string& ip) { return IsPrivateAddress(*ParseIpLiteral(ip)); }

TEST(AddressPolicyTest, PrivateAddresses) {
  for (std::string ip : {"0.0.0.0",
                         "10.1.2.3",
                         "100.64.0.1",
                         "100.127.255.255",
                         "127.0.0.1",
                         "127.9.9.9",
                         "169.254.169.254",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.0.1",
                         "192.0.0.8",
                         "198.18.0.1",
                         "224.0.0.1",
                         "240.0.0.1",
                         "255.255.255.255",
                         "::",
                         "::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "fe80::1",
                         "fec0::1",
                         "ff02::1",
                         "::ffff:10.0.0.1",
                         "::ffff:127.0.0.1",
                         "::10.0.0.1",
                         "64:ff9b::a00:1",
                         "2002:c0a8:101::1",
                         "2001:db8::1"}) {
    EXPECT_TRUE(Private(ip)) << ip;
  }
}

TEST(AddressPolicyTest, PublicAddresses) {
  for (std::string ip :
       {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255", "100.128.0.1", "172.15.255.255",
        "172.32.0.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e",
        "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"}) {
    EXPECT_FALSE(Private(ip)) << ip;
  }
}

TEST(AddressPolicyTest, Loopback) {
  EXPECT_TRUE(IsLoopbackAddress(*ParseIpLiteral("127.0.0.1")));
  EXPECT_TRUE(IsLoopbackAddress(*ParseIpLiteral("127.1.2.3")));
  EXPECT_TRUE(IsLoopbackAddress(*ParseIpLiteral("::1")));
  EXPECT_TRUE(IsLoopbackAddress(*ParseIpLiteral("::ffff:127.0.0.1")));
  EXPECT_FALSE(IsLoopbackAddress(*ParseIpLiteral("10.0.0.1")));
  EXPECT_FALSE(IsLoopbackAddress(*ParseIpLiteral("::")));
}

TEST(AddressPolicyTest, ParseIpLiteral) {
  EXPECT_TRUE(ParseIpLiteral("[::1]").has_value());
  EXPECT_TRUE(ParseIpLiteral("10.0.0.1").has_value());
  EXPECT_FALSE(ParseIpLiteral("example.com").has_value());
  EXPECT_FALSE(ParseIpLiteral("").has_value());
  EXPECT_FALSE(ParseIpLiteral("[]").has_value());
}

TEST(ProxyConfigTest, ParsesUrlsAndCredentials) {
  auto none = ProxyConfig::Parse("", "");
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());

  auto p = ProxyConfig::Parse("http://alice:s%3Acret@proxy.corp:3128/", "");
  ASSERT_THAT(p, IsOk());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->host, "proxy.corp");
  EXPECT_EQ((*p)->port, 3128);
  EXPECT_EQ((*p)->authorization, "Basic YWxpY2U6czpjcmV0");  // alice:s:cret

  auto bare = ProxyConfig::Parse("proxy.corp", "");
  ASSERT_THAT(bare, IsOk());
  EXPECT_EQ((*bare)->port, 1080);
  EXPECT_EQ((*bare)->authorization, "");

  auto v6 = ProxyConfig::Parse("http://[::1]:8080", "");
  ASSERT_THAT(v6, IsOk());
  EXPECT_EQ((*v6)->host, "::1");

  EXPECT_THAT(ProxyConfig::Parse("https://proxy:443", ""), Not(IsOk()));
  EXPECT_THAT(ProxyConfig::Parse("socks5://proxy:1080", ""), Not(IsOk()));
  EXPECT_THAT(ProxyConfig::Parse("http://proxy:0", ""), Not(IsOk()));
}

TEST(ProxyConfigTest, NoProxyMatching) {
  auto p = ProxyConfig::Parse("http://proxy:3128",
                              "example.com, .internal.corp,10.0.0.0/8 192.168.1.7,[fd00::5],"
                              "Mixed.Case:443");
  ASSERT_THAT(p, IsOk());
  const ProxyConfig& c = **p;
  EXPECT_FALSE(c.Applies("example.com"));
  EXPECT_FALSE(c.Applies("api.example.com"));
  EXPECT_TRUE(c.Applies("notexample.com"));
  EXPECT_FALSE(c.Applies("internal.corp"));
  EXPECT_FALSE(c.Applies("a.internal.corp"));
  EXPECT_FALSE(c.Applies("10.20.30.40"));
  EXPECT_TRUE(c.Applies("11.0.0.1"));
  EXPECT_FALSE(c.Applies("192.168.1.7"));
  EXPECT_TRUE(c.Applies("192.168.1.8"));
  EXPECT_FALSE(c.Applies("fd00::5"));
  EXPECT_FALSE(c.Applies("mixed.case"));
  EXPECT_TRUE(c.Applies("mastodon.social"));
  // Loopback never goes through the proxy.
  EXPECT_FALSE(c.Applies("localhost"));
  EXPECT_FALSE(c.Applies("127.0.0.1"));
  EXPECT_FALSE(c.Applies("::1"));

  auto all = ProxyConfig::Parse("http://proxy:3128", "*");
  ASSERT_THAT(all, IsOk());
  EXPECT_FALSE((*all)->Applies("mastodon.social"));
}

TEST(UrlPolicyTest, UserUrls) {
  auto msg = [](std::string url, bool allow = false) {
    auto r = CheckUserUrl("instance_url", url, allow);
    return r.ok() ? std::string() : r.error().message();
  };
  EXPECT_EQ(msg("https://mastodon.social"), "");
  EXPECT_EQ(msg("https://discord.com/api/webhooks/1/SECRET"), "");
  EXPECT_EQ(msg("http://127.0.0.1:8080"), "");
  EXPECT_EQ(msg("http://localhost:3000/x"), "");
  EXPECT_EQ(msg("https://10.0.0.5", /*allow=*/true), "");
  EXPECT_EQ(msg("https://nas.local", /*allow=*/true), "");
  std::string http = msg("http://example.com/hook/SECRET");
  EXPECT_NE(http.find("instance_url must be an https:// URL"), std::string::npos) << http;
  EXPECT_EQ(http.find("SECRET"), std::string::npos) << http;
  EXPECT_NE(msg("ftp://example.com").find("https://"), std::string::npos);
  EXPECT_NE(msg("not a url").find("instance_url"), std::string::npos);
  EXPECT_NE(msg("https://u:p@example.com").find("user name"), std::string::npos);
  for (std::string url : {"https://10.0.0.5", "https://[fd00::1]/", "https://169.254.169.254",
                          "https://nas.local", "https://localhost", "https://127.0.0.1"}) {
    EXPECT_NE(msg(url).find("instance_url points to a private address"), std::string::npos) << url;
  }
}

// Bad port texts, for every entry point that parses a URL: out of range (Boost.URL alone takes
// "99999" and wraps it to 34463), signed, with letters, or empty after the colon.
const char* const kBadPorts[] = {"0", "65536", "99999", "-1", "+80", "80abc", ""};

TEST(UrlPolicyTest, UserUrlPortsMustBe1To65535) {
  for (const char* port : kBadPorts) {
    for (std::string base : {"https://mastodon.example:", "http://127.0.0.1:", "https://[::1]:"}) {
      for (std::string tail : {"", "/"}) {
        const std::string url = base + port + tail;
        auto r = CheckUserUrl("instance_url", url, /*allow_private_networks=*/true);
        ASSERT_THAT(r, StatusIs(base::ErrorCode::kInvalidArgument)) << url;
        EXPECT_NE(r.error().message().find("instance_url"), std::string::npos)
            << url << ": " << r.error().message();
      }
    }
  }
  for (std::string url : {"https://mastodon.example:1", "https://mastodon.example:443/",
                          "https://mastodon.example:65535", "http://127.0.0.1:8080"}) {
    EXPECT_THAT(CheckUserUrl("instance_url", url, false), IsOk()) << url;
  }
}

TEST(ProxyConfigTest, PortsMustBe1To65535) {
  for (const char* port : kBadPorts) {
    for (std::string base : {"http://proxy.corp:", "proxy.corp:"}) {
      const std::string url = base + port;
      auto r = ProxyConfig::Parse(url, "");
      ASSERT_THAT(r, Not(IsOk())) << url << " gave port " << (r.ok() && *r ? (**r).port : 0);
      EXPECT_NE(r.error().message().find("HTTPS_PROXY"), std::string::npos) << url;
    }
  }
  auto top = ProxyConfig::Parse("http://proxy.corp:65535", "");
  ASSERT_THAT(top, IsOk());
  EXPECT_EQ((*top)->port, 65535);
}

}  // namespace
}  // namespace herald::platforms::http
