// BlueskyPlatform against the in-process Bluesky (PDS) emulator over real loopback HTTP (the
// production HttpsClient): sessions and refresh, facets, images, threads, resume, record-key
// idempotency through every fault, length rules, delete and metrics.
#include "platforms/bluesky/bluesky_platform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/time.h"
#include "platforms/bluesky/bluesky_wire.h"
#include "tests/emulators/bluesky/bluesky_emulator.h"
#include "tests/platforms/support/emulator_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::platforms::bluesky {
namespace {

using matchers::IsOk;
using base::ErrorCode;
using emulators::BlueskyEmulator;
using emulators::FaultKind;
using ::testing::HasSubstr;
using ::testing::Not;

class BlueskyPlatformTest : public testing::EmulatorFixture<BlueskyEmulator> {
 protected:
  void SetUp() override {
    EmulatorFixture::SetUp();
    BlueskyOptions options;
    options.request_timeout = std::chrono::seconds(5);
    platform_ = std::make_unique<BlueskyPlatform>(http_.get(), &clock_, options);
    auto connected =
        Run(platform_->Connect(Json{{"handle", BlueskyEmulator::kSeedHandle},
                                    {"app_password", BlueskyEmulator::kSeedAppPassword},
                                    {"service_url", server_->base_url()}}));
    ASSERT_THAT(connected, IsOk());
    credentials_ = connected->credentials;
  }
  void TearDown() override {
    platform_.reset();
    EmulatorFixture::TearDown();
  }

  // The stored account; save_credentials writes back into credentials_ like the core would.
  AccountContext Account() {
    AccountContext a;
    a.account_id = "acc_bsky";
    a.external_id = BlueskyEmulator::DidFor(BlueskyEmulator::kSeedHandle);
    a.handle = BlueskyEmulator::kSeedHandle;
    a.base_url = server_->base_url();
    a.credentials = credentials_;
    a.save_credentials = [this](const Json& c, std::optional<base::Time>) -> Result<void> {
      credentials_ = c;
      ++credential_saves_;
      return base::Ok();
    };
    return a;
  }

  PublishRequest Request(std::vector<PostPart> parts, std::string key = "tgt_b1") {
    PublishRequest r;
    r.account = Account();
    r.content.parts = std::move(parts);
    r.idempotency_key = std::move(key);
    r.save_remote_state = [this](const Json& state) -> Result<void> {
      saved_.push_back(state);
      return base::Ok();
    };
    return r;
  }

  static MediaItem Image(std::string name, std::string alt, std::string bytes = "\x89PNG data") {
    MediaItem m;
    m.id = "med_" + name;
    m.mime_type = "image/png";
    m.file_name = name;
    m.alt_text = std::move(alt);
    m.data = std::move(bytes);
    m.size = static_cast<int64_t>(m.data.size());
    return m;
  }

  int CountRequests(std::string_view path, int status = -1) {
    int n = 0;
    for (const auto& r : emulator().requests().List()) {
      if (r.path == path && (status < 0 || r.status == status)) ++n;
    }
    return n;
  }

  Json RecordOf(const emulators::CreatedPost& p) { return p.extra["record"]; }

  std::unique_ptr<BlueskyPlatform> platform_;
  Json credentials_;
  int credential_saves_ = 0;
  std::vector<Json> saved_;
};

TEST_F(BlueskyPlatformTest, DescribesItself) {
  const PlatformInfo& info = platform_->Info();
  EXPECT_EQ(info.id, "bluesky");
  EXPECT_EQ(info.auth_kind, AuthKind::kAppPassword);
  EXPECT_EQ(info.text.max_length, 300);
  EXPECT_EQ(info.text.unit, "graphemes");
  EXPECT_EQ(info.media.max_items, 4);
  EXPECT_EQ(info.media.max_image_bytes, 2'000'000);
  EXPECT_EQ(info.features.idempotency, IdempotencyKind::kNative);
}

TEST_F(BlueskyPlatformTest, ConnectCreatesASessionAndStoresAppPasswordAndTokens) {
  auto connected = Run(platform_->Connect(Json{{"handle", "@Alice.Test"},
                                               {"app_password", BlueskyEmulator::kSeedAppPassword},
                                               {"service_url", server_->base_url() + "/"}}));
  ASSERT_THAT(connected, IsOk());
  EXPECT_EQ(connected->external_id, BlueskyEmulator::DidFor("alice.test"));
  EXPECT_EQ(connected->handle, "alice.test");
  EXPECT_EQ(connected->display_name, "Alice Example");
  EXPECT_EQ(connected->base_url, server_->base_url());
  EXPECT_EQ(connected->credentials["app_password"], BlueskyEmulator::kSeedAppPassword);
  EXPECT_FALSE(connected->credentials["access_jwt"].get<std::string>().empty());
  EXPECT_FALSE(connected->credentials["refresh_jwt"].get<std::string>().empty());
  EXPECT_EQ(connected->credentials["did"], connected->external_id);
}

TEST_F(BlueskyPlatformTest, ConnectRejectsAWrongPasswordAndMissingFields) {
  auto wrong = Run(platform_->Connect(Json{{"handle", "alice.test"},
                                           {"app_password", "nope-nope-nope"},
                                           {"service_url", server_->base_url()}}));
  ASSERT_THAT(wrong, Not(IsOk()));
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(wrong.error().message(), HasSubstr("Invalid identifier or password"));
  EXPECT_THAT(wrong.error().message(), Not(HasSubstr("nope-nope-nope")));
  auto no_handle = Run(platform_->Connect(Json{{"app_password", "x"}}));
  EXPECT_THAT(no_handle.error().message(), HasSubstr("handle"));
  auto no_password = Run(platform_->Connect(Json{{"handle", "alice.test"}}));
  EXPECT_THAT(no_password.error().message(), HasSubstr("app_password"));
  EXPECT_EQ(*NormalizeServiceUrl(""), "https://bsky.social");
  EXPECT_EQ(*NormalizeServiceUrl("pds.example.com"), "https://pds.example.com");
  EXPECT_THAT(NormalizeServiceUrl("http://pds.example.com"), Not(IsOk()));
}

TEST_F(BlueskyPlatformTest, PublishesWithFacetsAtUtf8ByteOffsetsAndResolvedMentions) {
  const std::string text =
      "\xE2\x9C\xA8 hi @bob.test and @nobody.test, see https://example.com/a #launch";
  auto receipt = Run(platform_->Publish(Request({{text, {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  const Json record = RecordOf(posts[0]);
  EXPECT_EQ(record["$type"], "app.bsky.feed.post");
  EXPECT_EQ(record["text"], text);
  EXPECT_THAT(base::ParseRfc3339(record["createdAt"].get<std::string>()), IsOk());
  const Json& facets = record["facets"];
  ASSERT_EQ(facets.size(), 3u);  // bob, the link, the tag; @nobody.test is plain text
  auto slice = [&](const Json& f) {
    const size_t start = f["index"]["byteStart"];
    const size_t end = f["index"]["byteEnd"];
    return text.substr(start, end - start);
  };
  EXPECT_EQ(slice(facets[0]), "@bob.test");
  EXPECT_EQ(facets[0]["index"]["byteStart"], 7);  // 3 bytes of sparkles + " hi "
  EXPECT_EQ(facets[0]["features"][0]["$type"], "app.bsky.richtext.facet#mention");
  EXPECT_EQ(facets[0]["features"][0]["did"], BlueskyEmulator::DidFor("bob.test"));
  EXPECT_EQ(slice(facets[1]), "https://example.com/a");
  EXPECT_EQ(facets[1]["features"][0]["uri"], "https://example.com/a");
  EXPECT_EQ(slice(facets[2]), "#launch");
  EXPECT_EQ(facets[2]["features"][0]["tag"], "launch");
  EXPECT_EQ(receipt->external_id, posts[0].id);
  EXPECT_EQ(receipt->url, "https://bsky.app/profile/alice.test/post/" + posts[0].idempotency_key);
}

TEST_F(BlueskyPlatformTest, UsesDeterministicTidRecordKeys) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0].idempotency_key, RecordKeyFor("tgt_b1", 0));
  EXPECT_EQ(posts[1].idempotency_key, RecordKeyFor("tgt_b1", 1));
  EXPECT_TRUE(IsValidTid(posts[0].idempotency_key));
  EXPECT_EQ(posts[0].id, "at://" + BlueskyEmulator::DidFor("alice.test") + "/app.bsky.feed.post/" +
                             RecordKeyFor("tgt_b1", 0));
}

TEST_F(BlueskyPlatformTest, PublishesImagesWithAltText) {
  auto receipt = Run(platform_->Publish(
      Request({{"", {Image("a.png", "a cat on a mat"), Image("b.png", "", "other")}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  ASSERT_EQ(posts[0].media.size(), 2u);
  EXPECT_EQ(posts[0].media[0].alt_text, "a cat on a mat");
  EXPECT_EQ(posts[0].media[0].sha256, base::Sha256Hex("\x89PNG data"));
  const Json embed = RecordOf(posts[0])["embed"];
  EXPECT_EQ(embed["$type"], "app.bsky.embed.images");
  EXPECT_EQ(embed["images"][0]["alt"], "a cat on a mat");
  EXPECT_EQ(embed["images"][1]["alt"], "");
  EXPECT_EQ(embed["images"][0]["image"]["mimeType"], "image/png");
}

TEST_F(BlueskyPlatformTest, PublishesAThreadWithRootAndParentStrongRefs) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}, {"three", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_FALSE(RecordOf(posts[0]).contains("reply"));
  const Json reply1 = RecordOf(posts[1])["reply"];
  EXPECT_EQ(reply1["root"]["uri"], posts[0].id);
  EXPECT_EQ(reply1["root"]["cid"], posts[0].extra["cid"]);
  EXPECT_EQ(reply1["parent"]["uri"], posts[0].id);
  const Json reply2 = RecordOf(posts[2])["reply"];
  EXPECT_EQ(reply2["root"]["uri"], posts[0].id);
  EXPECT_EQ(reply2["parent"]["uri"], posts[1].id);
  EXPECT_EQ(reply2["parent"]["cid"], posts[1].extra["cid"]);
  ASSERT_EQ(saved_.size(), 2u);  // after each part but the last (the receipt has it)
  EXPECT_EQ(saved_[1]["parts"].size(), 2u);
  EXPECT_EQ(receipt->remote_state["parts"].size(), 3u);
  EXPECT_EQ(receipt->remote_state["did"], BlueskyEmulator::DidFor("alice.test"));
}

TEST_F(BlueskyPlatformTest, ResumesAPartialThreadFromRemoteState) {
  PublishRequest first = Request({{"one", {}}, {"two", {}}, {"three", {}}});
  first.save_remote_state = [this](const Json& state) -> Result<void> {
    saved_.push_back(state);
    if (saved_.size() == 1) {
      Arm(FaultKind::kServerError, "POST", "/xrpc/com.atproto.repo.createRecord", 1, 503);
    }
    return base::Ok();
  };
  auto failed = Run(platform_->Publish(first));
  ASSERT_THAT(failed, Not(IsOk()));
  EXPECT_EQ(failed.error().code(), ErrorCode::kUnavailable);
  ASSERT_EQ(Posts().size(), 1u);
  PublishRequest retry = Request({{"one", {}}, {"two", {}}, {"three", {}}});
  retry.remote_state = saved_.back();
  auto receipt = Run(platform_->Publish(retry));
  ASSERT_THAT(receipt, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 3u);
  EXPECT_EQ(RecordOf(posts[2])["reply"]["parent"]["uri"], posts[1].id);
  EXPECT_EQ(RecordOf(posts[2])["reply"]["root"]["uri"], posts[0].id);
}

TEST_F(BlueskyPlatformTest, DropAfterAcceptIsUnknownAndTheRetryFindsTheExistingRecord) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/xrpc/com.atproto.repo.createRecord");
  auto first = Run(platform_->Publish(Request({{"exactly once", {}}})));
  ASSERT_THAT(first, Not(IsOk()));
  EXPECT_EQ(first.error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(Posts().size(), 1u);

  auto retry = Run(platform_->Publish(Request({{"exactly once", {}}})));
  ASSERT_THAT(retry, IsOk());
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_EQ(retry->external_id, Posts()[0].id);
  // The PDS refused the duplicate key (500) and the adapter looked the record up.
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.createRecord", 500), 1);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.getRecord", 200), 1);
}

// Issue 9: the create reached the PDS but its answer was lost; the retry with the same record
// key is refused (500 from the reference PDS, 400 "Record already exists" from others), and the
// getRecord lookup that follows fails too. That must be a transient error (try again later),
// never the create's refusal: a 400 refusal would fail a target whose post is on Bluesky.
enum class LookupFault { k429, k5xx, kDrop };

std::string LookupFaultName(LookupFault f) {
  switch (f) {
    case LookupFault::k429: return "429";
    case LookupFault::k5xx: return "5xx";
    case LookupFault::kDrop: return "dropped";
  }
  return "?";
}

class BlueskyLostAnswerTest
    : public BlueskyPlatformTest,
      public ::testing::WithParamInterface<std::tuple<int, LookupFault>> {
 protected:
  int DuplicateStatus() const { return std::get<0>(GetParam()); }
  LookupFault Fault() const { return std::get<1>(GetParam()); }

  void SetUp() override {
    BlueskyPlatformTest::SetUp();
    emulator().MergeConfig(Json{{"duplicate_record_status", DuplicateStatus()}});
  }

  // The next getRecord fails the way the parameter says.
  void ArmLookupFault() {
    switch (Fault()) {
      case LookupFault::k429:
        Arm(FaultKind::kRateLimit, "GET", "/xrpc/com.atproto.repo.getRecord", 1, 429, 40);
        break;
      case LookupFault::k5xx:
        Arm(FaultKind::kServerError, "GET", "/xrpc/com.atproto.repo.getRecord", 1, 502);
        break;
      case LookupFault::kDrop:
        // Twice: the HTTP client sends a GET again, once, when a reused keep-alive connection
        // fails before any answer (it may just have been closed by the server).
        Arm(FaultKind::kDropBefore, "GET", "/xrpc/com.atproto.repo.getRecord", 2);
        break;
    }
  }

  // The lookup's failure came back as "try again later", not as a verdict on the post.
  void ExpectTransient(const Result<PublishReceipt>& r) {
    ASSERT_THAT(r, Not(IsOk()));
    if (Fault() == LookupFault::k429) {
      EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted) << r.error().ToString();
      ASSERT_TRUE(r.error().retry_after().has_value());
      EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(40));
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable) << r.error().ToString();
    }
    EXPECT_THAT(r.error().message(), HasSubstr("could not check with Bluesky"));
    EXPECT_THAT(r.error().message(), Not(HasSubstr("Record already exists")));
  }
};

TEST_P(BlueskyLostAnswerTest, RefusedRetryWithAFailedLookupIsTransientAndALaterOneFindsThePost) {
  Arm(FaultKind::kDropAfterAccept, "POST", "/xrpc/com.atproto.repo.createRecord");
  auto lost = Run(platform_->Publish(Request({{"lost answer", {}}})));
  ASSERT_THAT(lost, Not(IsOk()));
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(Posts().size(), 1u);

  ArmLookupFault();
  ExpectTransient(Run(platform_->Publish(Request({{"lost answer", {}}}))));
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.createRecord", DuplicateStatus()), 1);
  EXPECT_EQ(Posts().size(), 1u);

  // The next attempt's lookup works: the post is the one the first attempt made.
  auto found = Run(platform_->Publish(Request({{"lost answer", {}}})));
  ASSERT_THAT(found, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  const std::string rkey = RecordKeyFor("tgt_b1", 0);
  EXPECT_EQ(found->external_id, posts[0].id);
  EXPECT_EQ(found->external_id,
            "at://" + BlueskyEmulator::DidFor("alice.test") + "/app.bsky.feed.post/" + rkey);
  EXPECT_EQ(found->url, "https://bsky.app/profile/alice.test/post/" + rkey);
  EXPECT_EQ(found->remote_state["parts"][0]["cid"], posts[0].extra["cid"]);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.createRecord", DuplicateStatus()), 2);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.getRecord", 200), 1);
}

TEST_P(BlueskyLostAnswerTest, AThreadReplyWhoseLookupFailsResumesWithoutDuplicates) {
  PublishRequest first = Request({{"one", {}}, {"two", {}}});
  first.save_remote_state = [this](const Json& state) -> Result<void> {
    saved_.push_back(state);
    // Part 1 is saved: the answer to part 2's create is lost.
    Arm(FaultKind::kDropAfterAccept, "POST", "/xrpc/com.atproto.repo.createRecord");
    return base::Ok();
  };
  auto lost = Run(platform_->Publish(first));
  ASSERT_THAT(lost, Not(IsOk()));
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnknown);
  ASSERT_EQ(Posts().size(), 2u);
  ASSERT_EQ(saved_.size(), 1u);

  PublishRequest retry = Request({{"one", {}}, {"two", {}}});
  retry.remote_state = saved_.back();
  ArmLookupFault();
  ExpectTransient(Run(platform_->Publish(retry)));
  EXPECT_EQ(Posts().size(), 2u);

  auto done = Run(platform_->Publish(retry));
  ASSERT_THAT(done, IsOk());
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(done->external_id, posts[0].id);
  ASSERT_EQ(done->remote_state["parts"].size(), 2u);
  EXPECT_EQ(done->remote_state["parts"][1]["uri"], posts[1].id);
  EXPECT_EQ(RecordOf(posts[1])["reply"]["parent"]["uri"], posts[0].id);
}

// Find answers "cannot tell now" when its lookup fails, never "not there" (which would send
// the post again).
TEST_P(BlueskyLostAnswerTest, FindWithAFailedLookupIsTransient) {
  ASSERT_THAT(Run(platform_->Publish(Request({{"here", {}}}))), IsOk());
  ArmLookupFault();
  auto r = Run(platform_->Find(Request({{"here", {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(),
            Fault() == LookupFault::k429 ? ErrorCode::kResourceExhausted : ErrorCode::kUnavailable);
  auto found = Run(platform_->Find(Request({{"here", {}}})));
  ASSERT_THAT(found, IsOk());
  EXPECT_TRUE(found->has_value());
}

INSTANTIATE_TEST_SUITE_P(
    DuplicateAnswersAndLookupFaults, BlueskyLostAnswerTest,
    ::testing::Combine(::testing::Values(500, 400),
                       ::testing::Values(LookupFault::k429, LookupFault::k5xx,
                                         LookupFault::kDrop)),
    [](const ::testing::TestParamInfo<std::tuple<int, LookupFault>>& param_info) {
      return "Duplicate" + std::to_string(std::get<0>(param_info.param)) + "Lookup" +
             LookupFaultName(std::get<1>(param_info.param));
    });

// A genuine refusal stays a verdict: the lookup says the record is not there.
TEST_F(BlueskyPlatformTest, ARefusedCreateWhoseRecordIsAbsentIsReportedAsRefused) {
  emulator().MergeConfig(Json{{"duplicate_record_status", 400}});
  auto r = Run(platform_->Publish(Request({{std::string(301, 'x'), {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.getRecord", 400), 1);  // RecordNotFound
  EXPECT_TRUE(Posts().empty());
}

// A lookup refused for reasons that say nothing about the post (here: a repository the PDS
// does not know) is no verdict either.
TEST_F(BlueskyPlatformTest, FindWhoseLookupIsRefusedIsUndeterminedNotInvalid) {
  PublishRequest r = Request({{"x", {}}});
  r.account.credentials["did"] = "did:plc:nosuchrepo0000000000000";
  auto found = Run(platform_->Find(r));
  ASSERT_THAT(found, Not(IsOk()));
  EXPECT_EQ(found.error().code(), ErrorCode::kUnavailable) << found.error().ToString();
}

TEST_F(BlueskyPlatformTest, DropBeforeIsUnknownAndTheRetryPostsOnce) {
  Arm(FaultKind::kDropBefore, "POST", "/xrpc/com.atproto.repo.createRecord");
  EXPECT_EQ(Run(platform_->Publish(Request({{"x", {}}}))).error().code(), ErrorCode::kUnknown);
  EXPECT_TRUE(Posts().empty());
  ASSERT_THAT(Run(platform_->Publish(Request({{"x", {}}}))), IsOk());
  EXPECT_EQ(Posts().size(), 1u);
}

TEST_F(BlueskyPlatformTest, RateLimitIsResourceExhaustedWithRetryAfter) {
  Arm(FaultKind::kRateLimit, "POST", "/xrpc/com.atproto.repo.createRecord", 1, 429, 45);
  auto r = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*r.error().retry_after(), std::chrono::seconds(45));
  EXPECT_THAT(r.error().message(), HasSubstr("RateLimitExceeded"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(BlueskyPlatformTest, RealRepoWriteLimitAnswersWithRateLimitHeaders) {
  emulator().MergeConfig(Json{{"repo_write_points", 6}});  // two creates
  ASSERT_THAT(Run(platform_->Publish(Request({{"a", {}}}, "k1"))), IsOk());
  ASSERT_THAT(Run(platform_->Publish(Request({{"b", {}}}, "k2"))), IsOk());
  clock_.Advance(std::chrono::minutes(10));
  auto third = Run(platform_->Publish(Request({{"c", {}}}, "k3")));
  ASSERT_THAT(third, Not(IsOk()));
  EXPECT_EQ(third.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(*third.error().retry_after(), std::chrono::minutes(50));
  auto requests = emulator().requests().List();
  const auto& last = requests.back();
  EXPECT_EQ(last.status, 429);
}

TEST_F(BlueskyPlatformTest, ServerErrorsAreUnavailable) {
  Arm(FaultKind::kServerError, "POST", "/xrpc/com.atproto.repo.createRecord", 1, 502);
  auto r = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message(), HasSubstr("UpstreamFailure"));
  Arm(FaultKind::kServerError, "POST", "/xrpc/com.atproto.repo.uploadBlob", 1, 500);
  EXPECT_EQ(Run(platform_->Publish(Request({{"x", {Image("a.png", "")}}}))).error().code(),
            ErrorCode::kUnavailable);
  EXPECT_TRUE(Posts().empty());
}

TEST_F(BlueskyPlatformTest, ExpiredAccessTokenIsRefreshedAndPersisted) {
  const std::string old_refresh = credentials_["refresh_jwt"];
  ASSERT_TRUE(emulator().faults().List().empty());
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());  // every access token issued so far
  auto receipt = Run(platform_->Publish(Request({{"after expiry", {}}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.createRecord", 400), 1);  // ExpiredToken
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.server.refreshSession", 200), 1);
  EXPECT_EQ(credential_saves_, 1);
  EXPECT_NE(credentials_["refresh_jwt"], old_refresh);  // rotated and saved
  EXPECT_EQ(credentials_["app_password"], BlueskyEmulator::kSeedAppPassword);
}

TEST_F(BlueskyPlatformTest, ExpiredTokenFaultRefreshesOnceAndPostsOnce) {
  Arm(FaultKind::kExpiredToken, "POST", "/xrpc/com.atproto.repo.createRecord");
  auto receipt = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_EQ(credential_saves_, 1);
}

TEST_F(BlueskyPlatformTest, RefreshesBeforeTheAccessTokenExpires) {
  clock_.Advance(std::chrono::hours(2));  // access JWTs live 2 h
  auto receipt = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.repo.createRecord", 400), 0);  // no failed round trip
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.server.refreshSession", 200), 1);
}

TEST_F(BlueskyPlatformTest, FallsBackToTheAppPasswordWhenTheRefreshTokenIsRevoked) {
  ASSERT_THAT(server_->network().RevokeToken(credentials_["refresh_jwt"].get<std::string>()), IsOk());
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  auto receipt = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(receipt, IsOk());
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.server.refreshSession", 400), 1);
  EXPECT_EQ(CountRequests("/xrpc/com.atproto.server.createSession", 200), 2);  // connect + fallback
  EXPECT_EQ(credential_saves_, 1);
}

TEST_F(BlueskyPlatformTest, RevokedAppPasswordIsUnauthenticated) {
  ASSERT_THAT(server_->network().RevokeToken(BlueskyEmulator::kSeedAppPassword), IsOk());
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  auto r = Run(platform_->Publish(Request({{"x", {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(r.error().message(), HasSubstr("connect the account again"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(BlueskyPlatformTest, SlowAnswerTimesOutAsUnknownAndTheRetryMakesNoDuplicate) {
  BlueskyOptions options;
  options.request_timeout = std::chrono::milliseconds(150);
  BlueskyPlatform hasty(http_.get(), &clock_, options);
  Arm(FaultKind::kSlow, "POST", "/xrpc/com.atproto.repo.createRecord", 1, 0, 0, 400);
  auto first = Run(hasty.Publish(Request({{"slow", {}}})));
  ASSERT_THAT(first, Not(IsOk()));
  EXPECT_EQ(first.error().code(), ErrorCode::kUnknown);
  auto retry = Run(platform_->Publish(Request({{"slow", {}}})));
  ASSERT_THAT(retry, IsOk());
  server_->Stop();  // lets the delayed first request finish
  auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(retry->external_id, posts[0].id);
}

TEST_F(BlueskyPlatformTest, ValidateCountsGraphemesAndBytes) {
  auto over = platform_->Validate(Content{{{std::string(301, 'a'), {}}}});
  EXPECT_EQ(over.length, 301);
  ASSERT_EQ(over.violations.size(), 1u);
  EXPECT_EQ(over.violations[0].message, "text is 301 characters, 1 over Bluesky's limit of 300");
  // 300 family emoji: 300 graphemes (fine) but 5400 bytes.
  std::string families;
  for (int i = 0; i < 300; ++i)
    families += "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
  auto bytes = platform_->Validate(Content{{{families, {}}}});
  EXPECT_EQ(bytes.length, 300);
  ASSERT_EQ(bytes.violations.size(), 1u);
  EXPECT_EQ(bytes.violations[0].message, "text is 5400 bytes, 2400 over Bluesky's limit of 3000");
  // A long URL counts as written on Bluesky.
  auto url = platform_->Validate(
      Content{{{std::string(250, 'a') + " https://example.com/" + std::string(40, 'p'), {}}}});
  EXPECT_FALSE(url.ok());
  MediaItem big = Image("big.png", "");
  big.size = 2'000'001;
  EXPECT_THAT(platform_->Validate(Content{{{"x", {big}}}}).violations[0].message,
              HasSubstr("2,000,000"));
  MediaItem video = Image("v.mp4", "");
  video.mime_type = "video/mp4";
  EXPECT_EQ(platform_->Validate(Content{{{"x", {video}}}}).violations[0].field, "media[0]");
  // The first reply is thread[0], as the caller wrote it.
  EXPECT_EQ(platform_->Validate(Content{{{"ok", {}}, {"", {}}}}).violations[0].field,
            "thread[0].text");
}

TEST_F(BlueskyPlatformTest, OverlongTextRejectedByThePdsIsInvalidArgument) {
  auto r = Run(platform_->Publish(Request({{std::string(301, 'x'), {}}})));
  ASSERT_THAT(r, Not(IsOk()));
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("must not be longer than 300 graphemes"));
  EXPECT_TRUE(Posts().empty());
}

TEST_F(BlueskyPlatformTest, DeletesEveryPart) {
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_TRUE(LivePosts().empty());
  EXPECT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());  // idempotent
}

TEST_F(BlueskyPlatformTest, FetchesPostAndAccountMetrics) {
  auto receipt = Run(platform_->Publish(Request({{"count me", {}}})));
  ASSERT_THAT(receipt, IsOk());
  ASSERT_TRUE(
      emulator()
          .posts()
          .Update(receipt->external_id,
                  [](emulators::CreatedPost& p) {
                    p.metrics = Json{{"likes", 7}, {"reposts", 3}, {"replies", 2}, {"quotes", 1}};
                  })
          .ok());
  auto metrics = Run(platform_->FetchPostMetrics(Account(), *receipt));
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(*metrics, (Json{{"likes", 7}, {"reposts", 3}, {"replies", 2}, {"quotes", 1}}));
  auto account = Run(platform_->FetchAccountMetrics(Account()));
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ((*account)["followers"], 120);
  EXPECT_EQ((*account)["posts"], 1);
  ASSERT_THAT(Run(platform_->Delete(Account(), *receipt)), IsOk());
  EXPECT_EQ(Run(platform_->FetchPostMetrics(Account(), *receipt)).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(BlueskyPlatformTest, FindLooksTheRecordKeysUp) {
  auto before = Run(platform_->Find(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(before, IsOk());
  EXPECT_FALSE(before->has_value());
  auto receipt = Run(platform_->Publish(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(receipt, IsOk());
  auto found = Run(platform_->Find(Request({{"one", {}}, {"two", {}}})));
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->external_id, receipt->external_id);
  EXPECT_EQ((*found)->remote_state["parts"], receipt->remote_state["parts"]);
  // A three-part request whose third part is missing: not complete.
  auto partial = Run(platform_->Find(Request({{"one", {}}, {"two", {}}, {"three", {}}})));
  ASSERT_THAT(partial, IsOk());
  EXPECT_FALSE(partial->has_value());
}

TEST_F(BlueskyPlatformTest, FailingToSaveRotatedCredentialsStopsTheCall) {
  ASSERT_THAT(server_->network().ExpireTokens(""), IsOk());
  PublishRequest r = Request({{"x", {}}});
  r.account.save_credentials = [](const Json&, std::optional<base::Time>) -> Result<void> {
    return base::Unavailable("database is busy");
  };
  auto result = Run(platform_->Publish(r));
  ASSERT_THAT(result, Not(IsOk()));
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(Posts().empty());
}

// ---- outgoing URLs and what errors reveal ----

TEST_F(BlueskyPlatformTest, ServiceUrlPortMustBe1To65535) {
  for (std::string port : {"0", "65536", "99999", "-1", "+80", "80abc", ""}) {
    for (std::string base : {"https://pds.example:", "http://127.0.0.1:"}) {
      auto normalized = NormalizeServiceUrl(base + port);
      EXPECT_THAT(normalized, Not(IsOk()));
    }
    auto connected = Run(platform_->Connect(Json{{"handle", "alice.test"},
                                                 {"app_password", "x"},
                                                 {"service_url", "http://127.0.0.1:" + port}}));
    ASSERT_THAT(connected, Not(IsOk()));
    EXPECT_EQ(connected.error().code(), ErrorCode::kInvalidArgument)
        << port << ": " << connected.error().ToString();
    EXPECT_THAT(connected.error().message(), HasSubstr("service_url"));
  }
}

// A user-given service URL that reaches a loopback service while private networks are not
// allowed: its own error text is not quoted (only logged through the detail).
TEST_F(BlueskyPlatformTest, ErrorTextFromAPrivateServiceIsNotQuoted) {
  auto strict = platforms::http::HttpsClient::Create(platforms::http::HttpsClientOptions{});
  ASSERT_THAT(strict, IsOk());
  BlueskyPlatform platform(strict->get(), &clock_, BlueskyOptions{});
  auto wrong = Run(platform.Connect(Json{{"handle", "alice.test"},
                                         {"app_password", "nope-nope-nope"},
                                         {"service_url", server_->base_url()}}));
  ASSERT_THAT(wrong, Not(IsOk()));
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_THAT(wrong.error().message(), Not(HasSubstr("Invalid identifier or password")));
  EXPECT_THAT(wrong.error().detail(), HasSubstr("Invalid identifier or password"));
}

TEST_F(BlueskyPlatformTest, FetchHistoryFollowsTheCursorBackToSince) {
  auto seeded = server_->network().Control(
      "history", Json{{"account", BlueskyEmulator::kSeedHandle},
                      {"count", 120},
                      {"days", 60},
                      {"base", {{"likes", 3}, {"reposts", 1}, {"replies", 2}, {"quotes", 1}}}});
  ASSERT_THAT(seeded, IsOk());
  ASSERT_EQ((*seeded)["created"], 120);
  auto published = Run(platform_->Publish(Request({{"fresh post", {}}})));
  ASSERT_THAT(published, IsOk());

  HistoryRequest all;
  all.since = clock_.Now() - std::chrono::hours(24 * 90);
  auto history = Run(platform_->FetchHistory(Account(), all));
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 121u);  // two pages of 100
  EXPECT_EQ((*history)[0].remote_id, published->external_id);
  EXPECT_EQ((*history)[0].url, published->url);
  EXPECT_EQ((*history)[0].text, "fresh post");
  for (size_t i = 1; i < history->size(); ++i) {
    EXPECT_GE((*history)[i - 1].published_at, (*history)[i].published_at);
    EXPECT_EQ((*history)[i].metrics,
              (Json{{"likes", 3}, {"reposts", 1}, {"replies", 2}, {"quotes", 1}}));
    EXPECT_THAT((*history)[i].url, HasSubstr("https://bsky.app/profile/alice.test/post/"));
  }

  HistoryRequest week;
  week.since = clock_.Now() - std::chrono::hours(24 * 7);
  auto recent = Run(platform_->FetchHistory(Account(), week));
  ASSERT_THAT(recent, IsOk());
  EXPECT_EQ(recent->size(), 1u + 7 * 3);  // three a day over the past week, plus the new one
  HistoryRequest few = all;
  few.max_posts = 3;
  auto three = Run(platform_->FetchHistory(Account(), few));
  ASSERT_THAT(three, IsOk());
  EXPECT_EQ(three->size(), 3u);
}

}  // namespace
}  // namespace herald::platforms::bluesky
