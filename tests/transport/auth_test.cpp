// ApiKeyAuthenticator against a real KeyService on an in-memory SQLite store; OriginPolicy's
// parsing of Host and Origin.
#include "transport/auth/authenticator.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/detached.hpp>
#include <optional>

#include "core/key_service.h"
#include "store/store.h"
#include "tests/support/result_matchers.h"
#include "transport/auth/origin_policy.h"

namespace herald::transport {
namespace {

using ::herald::matchers::IsOk;
using ::testing::Not;

namespace asio = boost::asio;

class ApiKeyAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.url = "sqlite::memory:";
    auto opened = store::OpenStore(options);
    ASSERT_THAT(opened, IsOk()) << opened.error().ToString();
    store_ = std::move(opened).value();
    keys_ = std::make_unique<core::KeyService>(*store_, clock_);
    auto org = keys_->EnsureOrganization("default");
    ASSERT_THAT(org, IsOk());
    org_id_ = org->id;
    auto key = keys_->Create(org_id_, "test", base::Role::kEditor);
    ASSERT_THAT(key, IsOk());
    key_ = key->secret;
    key_id_ = key->key.id;
    auth_ = std::make_unique<ApiKeyAuthenticator>(*keys_, pool_, clock_);
  }
  void TearDown() override { pool_.join(); }

  base::Result<base::Caller> Authenticate(std::string header) {
    asio::io_context io;
    std::optional<base::Result<base::Caller>> out;
    asio::co_spawn(
        io,
        [&]() -> base::Task<void> { out.emplace(co_await auth_->Authenticate(header)); },
        asio::detached);
    io.run();
    return std::move(*out);
  }

  base::FakeClock clock_;
  asio::thread_pool pool_{1};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<core::KeyService> keys_;
  std::unique_ptr<ApiKeyAuthenticator> auth_;
  std::string org_id_, key_, key_id_;
};

TEST_F(ApiKeyAuthenticatorTest, VerifiesThroughTheStoreThenTheCache) {
  // The first call misses the cache and runs KeyService::Verify on the pool (this path used to
  // double-free under GCC 12, see authenticator.cpp).
  for (int i = 0; i < 3; ++i) {
    auto caller = Authenticate("Bearer " + key_);
    ASSERT_THAT(caller, IsOk()) << caller.error().ToString();
    EXPECT_EQ(caller->org_id, org_id_);
    EXPECT_EQ(caller->key_id, key_id_);
    EXPECT_EQ(caller->role, base::Role::kEditor);
  }
  auto lower = Authenticate("bearer   " + key_ + "  ");
  EXPECT_THAT(lower, IsOk());
  // Verified moments ago: answered without blocking; an unknown key needs the store.
  auto fast = auth_->TryAuthenticate("Bearer " + key_);
  ASSERT_TRUE(fast.has_value());
  ASSERT_TRUE(fast->ok());
  EXPECT_EQ((*fast)->key_id, key_id_);
  EXPECT_FALSE(auth_->TryAuthenticate("Bearer hk_" + std::string(43, 'x')).has_value());
  auto missing = auth_->TryAuthenticate("");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->ok());
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_FALSE(auth_->TryAuthenticate("Bearer " + key_).has_value());  // the cache expired
}

TEST_F(ApiKeyAuthenticatorTest, MissingMalformedAndWrongKeys) {
  for (std::string header : std::vector<std::string>{"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", key_}) {
    auto r = Authenticate(header);
    ASSERT_THAT(r, Not(IsOk())) << header;
    EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message().find("missing"), std::string::npos) << r.error().message();
  }
  std::string wrong = key_;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto r = Authenticate("Bearer " + wrong);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message().find(wrong), std::string::npos);  // never echo the key
}

TEST_F(ApiKeyAuthenticatorTest, RevokedKeyFailsOnceTheCachesExpire) {
  ASSERT_THAT(Authenticate("Bearer " + key_), IsOk());
  ASSERT_THAT(keys_->Revoke("", key_id_), IsOk());
  clock_.Advance(std::chrono::seconds(5));  // past kAuthCacheTtl and KeyService's cache
  auto r = Authenticate("Bearer " + key_);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
}

// In the process that revokes a key (or changes its role), it stops working as it was at once.
TEST_F(ApiKeyAuthenticatorTest, ARevocationHereTakesEffectAtOnce) {
  ASSERT_THAT(Authenticate("Bearer " + key_), IsOk());
  ASSERT_TRUE(auth_->TryAuthenticate("Bearer " + key_).has_value());  // cached
  ASSERT_THAT(keys_->Revoke("", key_id_), IsOk());
  EXPECT_FALSE(auth_->TryAuthenticate("Bearer " + key_).has_value());
  auto r = Authenticate("Bearer " + key_);
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
}

TEST(BearerTokenTest, Parsing) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER  abc "), "abc");
  EXPECT_EQ(BearerToken("Bearerabc"), "");
  EXPECT_EQ(BearerToken("Token abc"), "");
  EXPECT_EQ(BearerToken(""), "");
}

// Host and Origin are parsed as a whole: a loopback name followed by anything is not loopback.
TEST(OriginPolicyTest, TrailingGarbageUserinfoAndBadPortsAreRefused) {
  OriginPolicy loopback({"127.0.0.1", "", {"https://app.example.com"}});
  for (const char* host : {"127.0.0.1:8080@evil.com", "localhost:8080.evil.com", "[::1].evil.com",
                           "127.0.0.1:80.evil.com", "localhost:", "localhost:0",
                           "localhost:65536", "localhost:08080x", "localhost:http",
                           "local%68ost", "localhost/x", "localhost:80 x", "user@localhost",
                           "[::1", "[v1.x]:80", "127.0.0.1.evil.com"}) {
    EXPECT_FALSE(loopback.HostAllowed(host)) << host;
  }
  for (const char* host : {"localhost", "localhost:8080", "LocalHost:1", "127.0.0.1:65535",
                           "127.5.6.7", "[::1]", "[::1]:9", "[0:0:0:0:0:0:0:1]:80"}) {
    EXPECT_TRUE(loopback.HostAllowed(host)) << host;
  }
  for (const char* origin : {"http://[::1].evil.com", "http://127.0.0.1:80.evil.com",
                             "http://127.0.0.1:8080@evil.com", "http://localhost:3000/x",
                             "http://localhost:3000?x", "http://evil.com#localhost",
                             "http://localhost:0", "ftp://localhost", "null", "localhost:3000",
                             "http://localhost:3000//", "https://app.example.com.evil.com"}) {
    EXPECT_FALSE(loopback.OriginAllowed(origin, "localhost")) << origin;
  }
  for (const char* origin : {"http://localhost:3000", "http://localhost:3000/", "HTTP://LOCALHOST",
                             "http://[::1]:5", "http://127.0.0.1", "https://app.example.com"}) {
    EXPECT_TRUE(loopback.OriginAllowed(origin, "localhost")) << origin;
  }

  // Not on loopback: any well-formed Host; Origin must be the same host and port.
  OriginPolicy exposed({"0.0.0.0", "https://herald.example.com", {}});
  EXPECT_TRUE(exposed.HostAllowed("10.0.0.5.nip.io:8080"));
  EXPECT_FALSE(exposed.HostAllowed("herald.example.com@evil.com"));
  EXPECT_TRUE(exposed.OriginAllowed("http://10.0.0.5:8080", "10.0.0.5:8080"));
  EXPECT_TRUE(exposed.OriginAllowed("https://h.example", "h.example"));
  EXPECT_TRUE(exposed.OriginAllowed("https://h.example", "h.example:443"));
  EXPECT_FALSE(exposed.OriginAllowed("https://h.example", "h.example:80"));
  EXPECT_FALSE(exposed.OriginAllowed("http://10.0.0.5:8080.evil.com", "10.0.0.5:8080"));
  EXPECT_FALSE(exposed.OriginAllowed("http://10.0.0.5:8080@evil.com", "10.0.0.5:8080"));
}

TEST(OriginPolicyTest, ParsedHostsAndPorts) {
  auto v6 = ParseHostHeader("[0:0:0:0:0:0:0:1]:08080");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->kind, HostPort::Kind::kIpv6);
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->port, 8080);
  auto name = ParseHostHeader("LocalHost");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
  EXPECT_FALSE(name->port);
  EXPECT_FALSE(ParseHostHeader(""));
  auto origin = ParseOrigin("HTTPS://Example.COM");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->scheme, "https");
  EXPECT_EQ(origin->authority.host, "example.com");
  EXPECT_EQ(origin->effective_port(), 443);
  EXPECT_FALSE(ParseOrigin("http://"));
  OriginPolicy loopback({"127.0.0.1", "", {}});
  EXPECT_EQ(loopback.CheckHost("evil.example.com"), OriginPolicy::Verdict::kForbidden);
  EXPECT_EQ(loopback.CheckHost("localhost:1@evil.example.com"), OriginPolicy::Verdict::kMalformed);
  EXPECT_EQ(loopback.CheckHost(""), OriginPolicy::Verdict::kAllowed);  // absent (HTTP/1.0)
}

}  // namespace
}  // namespace herald::transport
