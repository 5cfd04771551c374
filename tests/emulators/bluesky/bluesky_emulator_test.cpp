// The Bluesky (PDS) emulator's contract, over raw HTTP: XRPC error names and statuses, JWT
// checks and rotation, record-key rules and collisions, rate-limit headers, and the process mode.
#include "tests/emulators/bluesky/bluesky_emulator.h"
#include "tests/support/result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/emulators/common/emulator_server.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

class BlueskyEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<BlueskyEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
    auto session = Call("POST", "com.atproto.server.createSession", "",
                        Json{{"identifier", "alice.test"}, {"password", "app-pass-alice"}});
    ASSERT_EQ(session.status, 200) << session.body;
    access_ = session.JsonBody()["accessJwt"];
    refresh_ = session.JsonBody()["refreshJwt"];
    did_ = session.JsonBody()["did"];
  }

  RawResponse Call(const std::string& method, const std::string& nsid, const std::string& bearer,
                   const Json& body = Json(), const std::string& query = "") {
    Headers h;
    if (!bearer.empty()) h.emplace_back("Authorization", "Bearer " + bearer);
    std::string payload;
    if (!body.is_null()) {
      h.emplace_back("Content-Type", "application/json");
      payload = base::DumpJson(body);
    }
    auto r =
        client_->Send(method, "/xrpc/" + nsid + (query.empty() ? "" : "?" + query), h, payload);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

  Json Post(const std::string& text) {
    return Json{
        {"$type", "app.bsky.feed.post"}, {"text", text}, {"createdAt", "2026-01-01T00:00:00.000Z"}};
  }

  RawResponse Create(const Json& record, const std::string& rkey = "") {
    Json body{{"repo", did_}, {"collection", "app.bsky.feed.post"}, {"record", record}};
    if (!rkey.empty()) body["rkey"] = rkey;
    return Call("POST", "com.atproto.repo.createRecord", access_, body);
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
  std::string access_, refresh_, did_;
};

TEST_F(BlueskyEmulatorTest, CreateSessionErrors) {
  auto wrong = Call("POST", "com.atproto.server.createSession", "",
                    Json{{"identifier", "alice.test"}, {"password", "nope"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.JsonBody(), (Json{{"error", "AuthenticationRequired"},
                                    {"message", "Invalid identifier or password"}}));
  auto missing = Call("POST", "com.atproto.server.createSession", "", Json{{"password", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.JsonBody()["message"], "Input must have the property \"identifier\"");
  auto by_did = Call("POST", "com.atproto.server.createSession", "",
                     Json{{"identifier", did_}, {"password", "app-pass-alice"}});
  EXPECT_EQ(by_did.status, 200);
  EXPECT_EQ(by_did.Header("RateLimit-Policy"), "30;w=300");
}

TEST_F(BlueskyEmulatorTest, JwtChecks) {
  auto missing = Call("POST", "com.atproto.repo.createRecord", "", Json::object());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.JsonBody()["error"], "AuthMissing");
  std::string tampered = access_;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Create(Post("x"), "").JsonBody().contains("uri"), true);
  auto bad = Call("POST", "com.atproto.repo.createRecord", tampered, Json::object());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.JsonBody()["error"], "InvalidToken");
  auto scope = Call("POST", "com.atproto.server.refreshSession", access_);
  EXPECT_EQ(scope.JsonBody(), (Json{{"error", "InvalidToken"}, {"message", "Bad token scope"}}));
  auto refresh_as_access = Call("POST", "com.atproto.repo.createRecord", refresh_, Json::object());
  EXPECT_EQ(refresh_as_access.JsonBody()["message"], "Bad token scope");
  clock_.Advance(std::chrono::hours(2));
  auto expired = Create(Post("late"));
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.JsonBody(),
            (Json{{"error", "ExpiredToken"}, {"message", "Token has expired"}}));
}

TEST_F(BlueskyEmulatorTest, RefreshRotatesWithAGraceWindow) {
  auto first = Call("POST", "com.atproto.server.refreshSession", refresh_);
  ASSERT_EQ(first.status, 200);
  const std::string successor = first.JsonBody()["refreshJwt"];
  EXPECT_NE(successor, refresh_);
  auto reuse = Call("POST", "com.atproto.server.refreshSession", refresh_);
  ASSERT_EQ(reuse.status, 200);
  EXPECT_EQ(reuse.JsonBody()["refreshJwt"], successor);  // same successor id within the grace
  clock_.Advance(std::chrono::hours(3));
  auto late = Call("POST", "com.atproto.server.refreshSession", refresh_);
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(late.JsonBody(),
            (Json{{"error", "ExpiredToken"}, {"message", "Token has been revoked"}}));
  EXPECT_EQ(Call("POST", "com.atproto.server.refreshSession", successor).status, 200);
}

TEST_F(BlueskyEmulatorTest, RecordKeysMustBeTidsAndADuplicateIsAnInternalError) {
  auto bad_key = Create(Post("x"), "not-a-tid");
  EXPECT_EQ(bad_key.status, 400);
  EXPECT_EQ(bad_key.JsonBody()["error"], "InvalidRequest");
  EXPECT_THAT(bad_key.JsonBody()["message"].get<std::string>(),
              HasSubstr("Invalid record key for app.bsky.feed.post"));
  auto made = Create(Post("x"), "3k4duaz5vfs2b");
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(made.JsonBody()["uri"], "at://" + did_ + "/app.bsky.feed.post/3k4duaz5vfs2b");
  EXPECT_EQ(made.JsonBody()["validationStatus"], "valid");
  EXPECT_TRUE(made.JsonBody()["commit"].contains("rev"));
  auto duplicate = Create(Post("x again"), "3k4duaz5vfs2b");
  EXPECT_EQ(duplicate.status, 500);
  EXPECT_EQ(duplicate.JsonBody(),
            (Json{{"error", "InternalServerError"}, {"message", "Internal Server Error"}}));
  auto got = Call("GET", "com.atproto.repo.getRecord", "", Json(),
                  "repo=" + did_ + "&collection=app.bsky.feed.post&rkey=3k4duaz5vfs2b");
  EXPECT_EQ(got.JsonBody()["cid"], made.JsonBody()["cid"]);
  EXPECT_EQ(got.JsonBody()["value"]["text"], "x");
  auto deleted =
      Call("POST", "com.atproto.repo.deleteRecord", access_,
           Json{{"repo", did_}, {"collection", "app.bsky.feed.post"}, {"rkey", "3k4duaz5vfs2b"}});
  EXPECT_EQ(deleted.status, 200);
  auto gone = Call("GET", "com.atproto.repo.getRecord", "", Json(),
                   "repo=" + did_ + "&collection=app.bsky.feed.post&rkey=3k4duaz5vfs2b");
  EXPECT_EQ(gone.status, 400);
  EXPECT_EQ(gone.JsonBody()["error"], "RecordNotFound");
  EXPECT_EQ(Create(Post("recreated"), "3k4duaz5vfs2b").status, 200);  // the key is free again
}

TEST_F(BlueskyEmulatorTest, DuplicateRecordAnswerIsConfigurable500Or400) {
  EXPECT_EQ(server_->context().config()["duplicate_record_status"], 500);
  ASSERT_EQ(Create(Post("x"), "3k4duaz5vfs2b").status, 200);
  ASSERT_THAT(client_->SetConfig(Json{{"duplicate_record_status", 400}}), IsOk());
  auto refused = Create(Post("x again"), "3k4duaz5vfs2b");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.JsonBody(),
            (Json{{"error", "InvalidRequest"}, {"message", "Record already exists"}}));
  ASSERT_THAT(client_->SetConfig(Json{{"duplicate_record_status", 500}}), IsOk());
  auto generic = Create(Post("x again"), "3k4duaz5vfs2b");
  EXPECT_EQ(generic.status, 500);
  EXPECT_EQ(generic.JsonBody(),
            (Json{{"error", "InternalServerError"}, {"message", "Internal Server Error"}}));
  // Neither answer changed the record, and a reset restores the reference PDS's 500.
  auto got = Call("GET", "com.atproto.repo.getRecord", "", Json(),
                  "repo=" + did_ + "&collection=app.bsky.feed.post&rkey=3k4duaz5vfs2b");
  EXPECT_EQ(got.JsonBody()["value"]["text"], "x");
  EXPECT_EQ(server_->context().posts().List().size(), 1u);
  ASSERT_THAT(client_->SetConfig(Json{{"duplicate_record_status", 400}}), IsOk());
  ASSERT_THAT(client_->Reset(), IsOk());
  EXPECT_EQ(server_->context().config()["duplicate_record_status"], 500);
}

TEST_F(BlueskyEmulatorTest, ValidatesPostRecordsAndBlobs) {
  auto long_text = Create(Post(std::string(301, 'a')));
  EXPECT_EQ(long_text.status, 400);
  EXPECT_EQ(long_text.JsonBody()["message"],
            "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes");
  Json no_date{{"$type", "app.bsky.feed.post"}, {"text", "x"}};
  EXPECT_THAT(Create(no_date).JsonBody()["message"].get<std::string>(), HasSubstr("createdAt"));
  Json with_blob = Post("img");
  with_blob["embed"] = Json{{"$type", "app.bsky.embed.images"},
                            {"images", Json::array({Json{{"alt", ""},
                                                         {"image",
                                                          {{"$type", "blob"},
                                                           {"ref", {{"$link", "bafkreinope"}}},
                                                           {"mimeType", "image/png"},
                                                           {"size", 3}}}}})}};
  auto missing_blob = Create(with_blob);
  EXPECT_EQ(missing_blob.status, 400);
  EXPECT_EQ(missing_blob.JsonBody()["error"], "BlobNotFound");
  auto other_repo =
      Call("POST", "com.atproto.repo.createRecord", access_,
           Json{{"repo", "bob.test"}, {"collection", "app.bsky.feed.post"}, {"record", Post("x")}});
  EXPECT_EQ(other_repo.status, 401);
}

TEST_F(BlueskyEmulatorTest, WritesCarryRateLimitHeadersAndPointsRunOut) {
  ASSERT_THAT(client_->SetConfig(Json{{"repo_write_points", 4}}), IsOk());
  auto first = Create(Post("a"));
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.Header("RateLimit-Limit"), "4");
  EXPECT_EQ(first.Header("RateLimit-Remaining"), "1");
  EXPECT_EQ(first.Header("RateLimit-Policy"), "4;w=3600");
  EXPECT_EQ(first.Header("RateLimit-Reset"),
            std::to_string(base::ToUnixMicros(clock_.Now()) / 1'000'000 + 3600));
  auto second = Create(Post("b"));
  EXPECT_EQ(second.status, 429);
  EXPECT_EQ(second.JsonBody()["error"], "RateLimitExceeded");
  EXPECT_EQ(second.Header("Retry-After"), "3600");
}

TEST_F(BlueskyEmulatorTest, QueriesAndUnknownMethods) {
  auto resolved = Call("GET", "com.atproto.identity.resolveHandle", "", Json(), "handle=bob.test");
  EXPECT_EQ(resolved.JsonBody()["did"], BlueskyEmulator::DidFor("bob.test"));
  auto unknown =
      Call("GET", "com.atproto.identity.resolveHandle", "", Json(), "handle=nobody.test");
  EXPECT_EQ(unknown.JsonBody(),
            (Json{{"error", "InvalidRequest"}, {"message", "Unable to resolve handle"}}));
  auto profile = Call("GET", "app.bsky.actor.getProfile", access_, Json(), "actor=alice.test");
  EXPECT_EQ(profile.JsonBody()["followersCount"], 120);
  auto method = Call("GET", "app.bsky.feed.getTimeline", access_);
  EXPECT_EQ(method.status, 501);
  EXPECT_EQ(method.JsonBody()["error"], "MethodNotImplemented");
  std::string many;
  for (int i = 0; i < 26; ++i) many += (i ? "&" : "") + std::string("uris=at%3A%2F%2Fx");
  EXPECT_EQ(Call("GET", "app.bsky.feed.getPosts", "", Json(), many).status, 400);
}

TEST_F(BlueskyEmulatorTest, MetricsAreSetThroughTheControlPlaneByAtUri) {
  auto made = Create(Post("count me"));
  const std::string uri = made.JsonBody()["uri"];
  auto set = client_->SetMetrics(uri, Json{{"likes", 9}});
  ASSERT_THAT(set, IsOk()) << set.error().ToString();
  auto posts = Call("GET", "app.bsky.feed.getPosts", access_, Json(),
                    "uris=" + std::string("at%3A%2F%2F") + uri.substr(5));
  ASSERT_EQ(posts.JsonBody()["posts"].size(), 1u);
  EXPECT_EQ(posts.JsonBody()["posts"][0]["likeCount"], 9);
  auto listed = client_->Posts();
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ((*listed)[0]["extra"]["record"]["text"], "count me");
}

TEST_F(BlueskyEmulatorTest, FaultAnswersLookLikeAPds) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "429"}, {"retry_after", 20}}), IsOk());
  auto limited = Create(Post("x"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After"), "20");
  EXPECT_EQ(limited.Header("RateLimit-Remaining"), "0");
  EXPECT_EQ(limited.Header("RateLimit-Policy"), "3000;w=300");
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "5xx"}, {"status", 503}}), IsOk());
  EXPECT_EQ(Create(Post("x")).JsonBody()["error"], "NotEnoughResources");
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "expired_token"}}), IsOk());
  EXPECT_EQ(Create(Post("x")).JsonBody()["error"], "ExpiredToken");
  EXPECT_EQ(Create(Post("x")).JsonBody()["error"], "ExpiredToken");  // stays expired
}

TEST(BlueskyEmulatorProcessTest, ServesFromHeraldEmulator) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "bluesky");
  ASSERT_THAT(process, IsOk()) << process.error().ToString();
  EmulatorClient client((*process)->base_url());
  auto r = client.Send("POST", "/xrpc/com.atproto.server.createSession",
                       {{"Content-Type", "application/json"}},
                       R"({"identifier":"alice.test","password":"app-pass-alice"})");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["handle"], "alice.test");
}

}  // namespace
}  // namespace herald::emulators
