// ApiKeyAuthenticator against a real KeyService on an in-memory SQLite store.
#include "mcp/auth/authenticator.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/detached.hpp>
#include <optional>

#include "core/key_service.h"
#include "store/store.h"

namespace herald::mcp {
namespace {

namespace asio = boost::asio;

class ApiKeyAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.url = "sqlite::memory:";
    auto opened = store::OpenStore(options);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    store_ = std::move(opened).value();
    keys_ = std::make_unique<core::KeyService>(*store_, clock_);
    auto org = keys_->EnsureOrganization("default");
    ASSERT_TRUE(org.ok());
    org_id_ = org->id;
    auto key = keys_->Create(org_id_, "test", store::Role::kEditor);
    ASSERT_TRUE(key.ok());
    key_ = key->secret;
    key_id_ = key->key.id;
    auth_ = std::make_unique<ApiKeyAuthenticator>(*keys_, pool_, clock_);
  }
  void TearDown() override { pool_.join(); }

  base::Result<core::Caller> Authenticate(std::string header) {
    asio::io_context io;
    std::optional<base::Result<core::Caller>> out;
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
    ASSERT_TRUE(caller.ok()) << caller.error().ToString();
    EXPECT_EQ(caller->org_id, org_id_);
    EXPECT_EQ(caller->key_id, key_id_);
    EXPECT_EQ(caller->role, store::Role::kEditor);
  }
  auto lower = Authenticate("bearer   " + key_ + "  ");
  EXPECT_TRUE(lower.ok());
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
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
    EXPECT_NE(r.error().message().find("missing"), std::string::npos) << r.error().message();
  }
  std::string wrong = key_;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto r = Authenticate("Bearer " + wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
  EXPECT_EQ(r.error().message().find(wrong), std::string::npos);  // never echo the key
}

TEST_F(ApiKeyAuthenticatorTest, RevokedKeyFailsOnceTheCachesExpire) {
  ASSERT_TRUE(Authenticate("Bearer " + key_).ok());
  ASSERT_TRUE(keys_->Revoke("", key_id_).ok());
  clock_.Advance(std::chrono::seconds(5));  // past kAuthCacheTtl and KeyService's cache
  auto r = Authenticate("Bearer " + key_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), base::ErrorCode::kUnauthenticated);
}

TEST(BearerTokenTest, Parsing) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("BEARER  abc "), "abc");
  EXPECT_EQ(BearerToken("Bearerabc"), "");
  EXPECT_EQ(BearerToken("Token abc"), "");
  EXPECT_EQ(BearerToken(""), "");
}

}  // namespace
}  // namespace herald::mcp
