// The Mastodon emulator's contract, over raw HTTP: status codes, headers and bodies a Mastodon
// client really sees, Idempotency-Key semantics, media processing, and the process mode.
#include "tests/emulators/mastodon/mastodon_emulator.h"
#include "tests/support/result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/time.h"
#include "tests/emulators/common/emulator_client.h"
#include "tests/emulators/common/emulator_process.h"
#include "tests/emulators/common/emulator_server.h"

using ::herald::matchers::IsOk;

namespace herald::emulators {
namespace {

using ::testing::HasSubstr;
using Headers = std::vector<std::pair<std::string, std::string>>;

class MastodonEmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmulatorOptions options;
    options.clock = &clock_;
    server_ = EmulatorServer::Make<MastodonEmulator>(options);
    ASSERT_THAT(server_->Start(), IsOk());
    client_ = std::make_unique<EmulatorClient>(server_->base_url());
  }

  Headers Auth(const std::string& token = MastodonEmulator::kSeedToken) {
    return {{"Authorization", "Bearer " + token}};
  }

  RawResponse PostStatus(const Json& body, const std::string& key = "",
                         const std::string& token = MastodonEmulator::kSeedToken) {
    Headers h = Auth(token);
    h.emplace_back("Content-Type", "application/json");
    if (!key.empty()) h.emplace_back("Idempotency-Key", key);
    auto r = client_->Send("POST", "/api/v1/statuses", h, base::DumpJson(body));
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

  RawResponse UploadMedia(const std::string& mime = "image/png",
                          const std::string& description = "") {
    std::string body =
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
        "Content-Type: " +
        mime + "\r\n\r\nPNGDATA\r\n";
    if (!description.empty()) {
      body += "--B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n" + description +
              "\r\n";
    }
    body += "--B--\r\n";
    Headers h = Auth();
    h.emplace_back("Content-Type", "multipart/form-data; boundary=B");
    auto r = client_->Send("POST", "/api/v2/media", h, body);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : RawResponse{};
  }

  base::FakeClock clock_;
  std::unique_ptr<EmulatorServer> server_;
  std::unique_ptr<EmulatorClient> client_;
};

TEST_F(MastodonEmulatorTest, BadTokensGetDoorkeepers401) {
  auto none = client_->Send("GET", "/api/v1/accounts/verify_credentials");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->JsonBody()["error"], "The access token is invalid");
  EXPECT_THAT(none->Header("WWW-Authenticate"), HasSubstr("error=\"invalid_token\""));
  auto wrong = client_->Send("GET", "/api/v1/accounts/verify_credentials", Auth("nope"));
  EXPECT_EQ(wrong->status, 401);
  ASSERT_THAT(client_->RevokeToken(MastodonEmulator::kSeedToken), IsOk());
  auto revoked = client_->Send("GET", "/api/v1/accounts/verify_credentials", Auth());
  EXPECT_EQ(revoked->JsonBody()["error"], "The access token was revoked");
}

TEST_F(MastodonEmulatorTest, AnswersCarryIsoRateLimitHeaders) {
  auto r = client_->Send("GET", "/api/v1/accounts/verify_credentials", Auth());
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["username"], "alice");
  EXPECT_EQ(r->JsonBody()["acct"], "alice");
  EXPECT_EQ(r->Header("X-RateLimit-Limit"), "300");
  EXPECT_EQ(r->Header("X-RateLimit-Remaining"), "299");
  auto reset = base::ParseRfc3339(r->Header("X-RateLimit-Reset"));
  ASSERT_THAT(reset, IsOk()) << r->Header("X-RateLimit-Reset");
  EXPECT_EQ(*reset, clock_.Now() + std::chrono::minutes(5));
}

TEST_F(MastodonEmulatorTest, IdempotencyKeyReturnsTheSameStatusPerAccountWithinAnHour) {
  auto first = PostStatus(Json{{"status", "hello"}}, "k1");
  ASSERT_EQ(first.status, 200);
  auto again = PostStatus(Json{{"status", "different text"}}, "k1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.JsonBody()["id"], first.JsonBody()["id"]);
  EXPECT_EQ(again.JsonBody()["content"], "<p>hello</p>");
  // Another account with the same key gets its own status.
  auto bob = client_->CreateToken(Json{{"username", "bob"}});
  ASSERT_THAT(bob, IsOk());
  auto other = PostStatus(Json{{"status", "hello"}}, "k1", (*bob)["token"]);
  EXPECT_NE(other.JsonBody()["id"], first.JsonBody()["id"]);
  // After the hour the key is forgotten.
  clock_.Advance(std::chrono::seconds(3601));
  auto later = PostStatus(Json{{"status", "hello"}}, "k1");
  EXPECT_NE(later.JsonBody()["id"], first.JsonBody()["id"]);
  EXPECT_EQ(server_->context().posts().List().size(), 3u);
}

TEST_F(MastodonEmulatorTest, AcceptsFormEncodedStatusesWithMediaIds) {
  auto media = UploadMedia("image/png", "alt text");
  ASSERT_EQ(media.status, 200);
  const std::string id = media.JsonBody()["id"];
  Headers h = Auth();
  h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  auto r = client_->Send("POST", "/api/v1/statuses", h,
                         "status=hi+there%21&media_ids%5B%5D=" + id + "&visibility=unlisted");
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->JsonBody()["visibility"], "unlisted");
  EXPECT_EQ(r->JsonBody()["media_attachments"][0]["description"], "alt text");
  EXPECT_EQ(server_->context().posts().List()[0].text, "hi there!");
}

TEST_F(MastodonEmulatorTest, ValidationFailuresAre422And404) {
  EXPECT_EQ(PostStatus(Json{{"status", ""}}).JsonBody()["error"],
            "Validation failed: Text can't be blank");
  auto longer = PostStatus(Json{{"status", std::string(501, 'a')}});
  EXPECT_EQ(longer.status, 422);
  EXPECT_EQ(longer.JsonBody()["error"], "Validation failed: Text character limit of 500 exceeded");
  // Counted like Mastodon: a 600-character URL is 23.
  EXPECT_EQ(PostStatus(Json{{"status", "https://example.com/" + std::string(600, 'a')}}).status,
            200);
  auto orphan = PostStatus(Json{{"status", "reply"}, {"in_reply_to_id", "42"}});
  EXPECT_EQ(orphan.status, 404);
  EXPECT_EQ(orphan.JsonBody()["error"], "Record not found");
  EXPECT_EQ(UploadMedia("application/pdf").JsonBody()["error"],
            "Validation failed: File content type is invalid, File is invalid");
  EXPECT_EQ(UploadMedia("image/png", std::string(1501, 'd')).status, 422);
}

TEST_F(MastodonEmulatorTest, MediaProcessingIs202Then206Then200AndAttachedMediaIsGone) {
  ASSERT_THAT(client_->SetConfig(Json{{"media_processing_polls", 1}}), IsOk());
  auto media = UploadMedia();
  ASSERT_EQ(media.status, 202);
  EXPECT_TRUE(media.JsonBody()["url"].is_null());
  const std::string id = media.JsonBody()["id"];
  auto not_ready = PostStatus(Json{{"status", "x"}, {"media_ids", Json::array({id})}});
  EXPECT_EQ(not_ready.status, 422);
  EXPECT_THAT(not_ready.JsonBody()["error"].get<std::string>(), HasSubstr("finished processing"));
  EXPECT_EQ(client_->Send("GET", "/api/v1/media/" + id, Auth())->status, 206);
  auto ready = client_->Send("GET", "/api/v1/media/" + id, Auth());
  EXPECT_EQ(ready->status, 200);
  EXPECT_TRUE(ready->JsonBody()["url"].is_string());
  EXPECT_EQ(PostStatus(Json{{"status", "x"}, {"media_ids", Json::array({id})}}).status, 200);
  EXPECT_EQ(client_->Send("GET", "/api/v1/media/" + id, Auth())->status, 404);
  std::vector<std::string> five;
  for (int i = 0; i < 5; ++i) five.push_back("1");
  EXPECT_EQ(PostStatus(Json{{"status", "x"}, {"media_ids", five}}).JsonBody()["error"],
            "Cannot attach more than 4 files");
}

TEST_F(MastodonEmulatorTest, DeleteReturnsTheSourceTextOnceAndOnlyToTheOwner) {
  auto status = PostStatus(Json{{"status", "bye"}});
  const std::string id = status.JsonBody()["id"];
  auto bob = client_->CreateToken(Json{{"username", "bob"}});
  EXPECT_EQ(client_->Send("DELETE", "/api/v1/statuses/" + id, Auth((*bob)["token"]))->status, 404);
  auto deleted = client_->Send("DELETE", "/api/v1/statuses/" + id, Auth());
  EXPECT_EQ(deleted->status, 200);
  EXPECT_EQ(deleted->JsonBody()["text"], "bye");
  EXPECT_EQ(client_->Send("DELETE", "/api/v1/statuses/" + id, Auth())->status, 404);
  EXPECT_EQ(client_->Send("GET", "/api/v1/statuses/" + id, Auth())->status, 404);
}

TEST_F(MastodonEmulatorTest, FaultAnswersLookLikeMastodon) {
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "429"}, {"retry_after", 90}}), IsOk());
  auto limited = client_->Send("GET", "/api/v1/accounts/verify_credentials", Auth());
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->JsonBody()["error"], "Too many requests");
  EXPECT_EQ(limited->Header("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(*base::ParseRfc3339(limited->Header("X-RateLimit-Reset")),
            clock_.Now() + std::chrono::seconds(90));
  EXPECT_EQ(limited->Header("Retry-After"), "");
  ASSERT_THAT(client_->ArmFault(Json{{"kind", "5xx"}, {"status", 502}}), IsOk());
  auto gateway = client_->Send("GET", "/api/v1/accounts/verify_credentials", Auth());
  EXPECT_EQ(gateway->status, 502);
  EXPECT_THAT(gateway->Header("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(gateway->body, HasSubstr("502 Bad Gateway"));
}

TEST_F(MastodonEmulatorTest, StatusShowsMetricsSetByTests) {
  auto status = PostStatus(Json{{"status", "x"}});
  const std::string id = status.JsonBody()["id"];
  PostStatus(Json{{"status", "reply"}, {"in_reply_to_id", id}});
  auto before = client_->Send("GET", "/api/v1/statuses/" + id, Auth());
  EXPECT_EQ(before->JsonBody()["replies_count"], 1);  // counted from live replies
  ASSERT_THAT(client_->SetMetrics(id, Json{{"likes", 4}, {"reposts", 2}}), IsOk());
  auto after = client_->Send("GET", "/api/v1/statuses/" + id, Auth());
  EXPECT_EQ(after->JsonBody()["favourites_count"], 4);
  EXPECT_EQ(after->JsonBody()["reblogs_count"], 2);
}

TEST(MastodonEmulatorProcessTest, ServesFromHeraldEmulator) {
  auto process = EmulatorProcess::Start(EmulatorProcess::DefaultBinary(), "mastodon");
  ASSERT_THAT(process, IsOk()) << process.error().ToString();
  EmulatorClient client((*process)->base_url());
  auto r = client.Send("GET", "/api/v1/accounts/verify_credentials",
                       {{"Authorization", std::string("Bearer ") + MastodonEmulator::kSeedToken}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->JsonBody()["id"], MastodonEmulator::kSeedAccountId);
}

}  // namespace
}  // namespace herald::emulators
