#include "platforms/http/address_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "platforms/http/proxy_config.h"

namespace herald::platforms::http {
namespace {

bool Private(const std::string& ip) { return IsPrivateAddress(*ParseIpLiteral(ip)); }

TEST(AddressPolicyTest, PrivateAddresses) {
  for (std::string ip :
       {"0.0.0.0", "10.1.2.3", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.9.9.9",
        "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.0.1", "192.0.0.8",
        "198.18.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::", "::1", "fc00::1",
        "fd12:3456::1", "fe80::1", "fec0::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
        "::10.0.0.1", "64:ff9b::a00:1", "2002:c0a8:101::1", "2001:db8::1"}) {
    EXPECT_TRUE(Private(ip)) << ip;
  }
}

TEST(AddressPolicyTest, PublicAddresses) {
  for (std::string ip : {"1.1.1.1", "8.8.8.8", "93.184.216.34", "100.63.255.255",
                         "100.128.0.1", "172.15.255.255", "172.32.0.1", "192.169.0.1",
                         "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8",
                         "64:ff9b::808:808", "2002:808:808::1"}) {
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
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  auto p = ProxyConfig::Parse("http://alice:s%3Acret@proxy.corp:3128/", "");
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->host, "proxy.corp");
  EXPECT_EQ((*p)->port, 3128);
  EXPECT_EQ((*p)->authorization, "Basic YWxpY2U6czpjcmV0");  // alice:s:cret

  auto bare = ProxyConfig::Parse("proxy.corp", "");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)->port, 1080);
  EXPECT_EQ((*bare)->authorization, "");

  auto v6 = ProxyConfig::Parse("http://[::1]:8080", "");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ((*v6)->host, "::1");

  EXPECT_FALSE(ProxyConfig::Parse("https://proxy:443", "").ok());
  EXPECT_FALSE(ProxyConfig::Parse("socks5://proxy:1080", "").ok());
  EXPECT_FALSE(ProxyConfig::Parse("http://proxy:0", "").ok());
}

TEST(ProxyConfigTest, NoProxyMatching) {
  auto p = ProxyConfig::Parse("http://proxy:3128",
                              "example.com, .internal.corp,10.0.0.0/8 192.168.1.7,[fd00::5],"
                              "Mixed.Case:443");
  ASSERT_TRUE(p.ok());
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
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE((*all)->Applies("mastodon.social"));
}

}  // namespace
}  // namespace herald::platforms::http
