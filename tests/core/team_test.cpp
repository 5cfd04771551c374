// Teams: require_approval (an editor's post waits, an approver queues or rejects it, an edit
// asks again, a post whose time passed while pending is not published), keys and settings
// managed by admins only, the audit log of who did what, and signed webhooks delivered from the
// outbox with retries: every transition of a post, only the subscribed events, each signature
// checked by an implementation written here with OpenSSL, independently of the sender's.
// Deterministic: FakeClock, RunOnce, a fake HTTP client standing for the receiver.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/key_service.h"
#include "core/team_service.h"
#include "core/webhook_deliverer.h"
#include "core/webhook_service.h"
#include "tests/support/core_env.h"
#include "tests/support/result_matchers.h"
#include "tools/post_views.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using testing::CoreEnv;
using ::testing::ElementsAre;
using testing::FakeAction;
using testing::FakeStep;
using ::testing::HasSubstr;
using ::testing::Not;

// The receiver: records each request, answers with the next queued status (204 when none).
class Receiver final : public platforms::HttpClient {
 public:
  base::Task<base::Result<platforms::HttpResponse>> Send(platforms::HttpRequest request) override {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
    platforms::HttpResponse response;
    response.status = 204;
    if (!statuses_.empty()) {
      response.status = statuses_.front();
      statuses_.erase(statuses_.begin());
    }
    if (response.status >= 300) response.body = "try later";
    co_return response;
  }
  void AnswerNext(int status) {
    std::lock_guard lock(mu_);
    statuses_.push_back(status);
  }
  std::vector<platforms::HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<platforms::HttpRequest> requests_;
  std::vector<int> statuses_;
};

std::string Header(const platforms::HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// Standard Webhooks verification written from the specification with OpenSSL: the secret is
// "whsec_" + base64(key); the signature "v1," + base64(HMAC-SHA256(key, id.timestamp.body)).
bool VerifiedIndependently(const platforms::HttpRequest& r, const std::string& secret) {
  std::string b64 = secret.substr(6);
  std::vector<unsigned char> key(b64.size());
  int n = EVP_DecodeBlock(key.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return false;
  size_t pad = 0;
  while (!b64.empty() && b64[b64.size() - 1 - pad] == '=') ++pad;
  key.resize(static_cast<size_t>(n) - pad);
  std::string content = Header(r, "webhook-id") + "." + Header(r, "webhook-timestamp") + "." + r.body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  std::string expected(4 * ((mac_len + 2) / 3) + 1, '\0');
  int m = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(expected.data()), mac,
                          static_cast<int>(mac_len));
  expected.resize(static_cast<size_t>(m));
  return Header(r, "webhook-signature") == "v1," + expected;
}

class TeamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(keyring_.Add(std::string(32, 'k')).ok());
    account_ = env_.AddAccount("native", "@alice@example.social");
    const base::Time now = env_.clock.Now();
    approver_ = {env_.org.id, base::NewId(base::kKeyPrefix, now), base::Role::kApprover};
    admin_ = {env_.org.id, base::NewId(base::kKeyPrefix, now), base::Role::kAdmin};
    other_admin_ = {env_.other_org.id, base::NewId(base::kKeyPrefix, now), base::Role::kAdmin};
    keys_ = std::make_unique<KeyService>(*env_.store, env_.clock);
    team_ = std::make_unique<TeamService>(*env_.store, *keys_, env_.clock, *env_.pool);
    webhooks_ = std::make_unique<WebhookService>(*env_.store, keyring_, env_.clock, *env_.pool);
    WebhookDelivererOptions options;
    options.owner = "whd_test";
    deliverer_ = std::make_unique<WebhookDeliverer>(*env_.store, receiver_, keyring_, env_.clock,
                                                    *env_.pool, options);
    worker_ = env_.MakeWorker("wrk_team");
  }

  void RequireApproval(bool on) {
    SettingsUpdate update;
    update.require_approval = on;
    ASSERT_THAT(team_->UpdateSettingsSync(admin_, update), IsOk());
  }

  base::Result<PostState> Schedule(const base::Caller& caller, base::Micros in) {
    CreatePostRequest r;
    r.mode = CreateMode::kSchedule;
    r.accounts = {account_.id};
    r.content.text = "hello team";
    r.publish_at = base::FormatRfc3339(env_.clock.Now() + in);
    r.operation = "schedule_post";
    return env_.posts->CreateSync(caller, r);
  }

  int Deliver() { return *testing::Await(deliverer_->RunOnce()); }

  // The event types the receiver got, in order, each verified.
  std::vector<std::string> DeliveredTypes(const std::string& secret) {
    std::vector<std::string> out;
    for (const auto& r : receiver_.requests()) {
      EXPECT_TRUE(VerifiedIndependently(r, secret)) << r.body;
      auto body = base::ParseJson(r.body);
      EXPECT_THAT(body, IsOk());
      out.push_back(body.ok() ? (*body)["type"].get<std::string>() : "");
    }
    return out;
  }

  std::vector<store::AuditEntry> Audit(const std::string& object) {
    AuditRequest request;
    request.object = object;
    auto page = team_->ListAuditSync(admin_, request);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? page->events : std::vector<store::AuditEntry>{};
  }

  CoreEnv env_;
  base::Keyring keyring_;
  Receiver receiver_;
  store::Account account_;
  base::Caller approver_, admin_, other_admin_;
  std::unique_ptr<KeyService> keys_;
  std::unique_ptr<TeamService> team_;
  std::unique_ptr<WebhookService> webhooks_;
  std::unique_ptr<WebhookDeliverer> deliverer_;
  std::unique_ptr<PublishWorker> worker_;
};

TEST_F(TeamTest, WithoutRequireApprovalEditorsPostsAreQueued) {
  auto post = Schedule(env_.editor, std::chrono::minutes(10));
  ASSERT_THAT(post, IsOk());
  EXPECT_EQ(post->post.status, store::PostStatus::kScheduled);
}

TEST_F(TeamTest, EditorsPostWaitsForApprovalThenPublishesWithEveryEventSigned) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  auto created = webhooks_->CreateSync(admin_, hook);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->secret.rfind("whsec_", 0), 0u);
  RequireApproval(true);

  auto post = Schedule(env_.editor, std::chrono::minutes(10));
  ASSERT_THAT(post, IsOk());
  const std::string id = post->post.id;
  EXPECT_EQ(post->post.status, store::PostStatus::kPendingApproval);
  EXPECT_TRUE(env_.Jobs(post->targets[0].id).empty());  // not queued
  // The review queue.
  ListPostsRequest queue;
  queue.status = "pending_approval";
  auto listed = env_.posts->ListSync(approver_, queue);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->posts.size(), 1u);
  EXPECT_EQ(listed->posts[0].post.id, id);
  // Nothing is published at its time while it waits.
  env_.clock.Advance(std::chrono::minutes(5));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);

  // An editor cannot approve; an approver can.
  EXPECT_THAT(env_.posts->ApproveSync(env_.editor, id, ""),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("approver")));
  auto approved = env_.posts->ApproveSync(approver_, id, "looks good");
  ASSERT_THAT(approved, IsOk());
  EXPECT_EQ(approved->post.status, store::PostStatus::kScheduled);
  EXPECT_THAT(env_.posts->ApproveSync(approver_, id, ""),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("not pending_approval")));

  env_.clock.Advance(std::chrono::minutes(5));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  auto got = env_.posts->GetSync(env_.viewer, id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->post.status, store::PostStatus::kPublished);
  base::Json view = tools::PostDetailView(*got, env_.registry);
  EXPECT_EQ(view["approval"]["state"], "approved");
  EXPECT_EQ(view["approval"]["comment"], "looks good");
  EXPECT_EQ(view["approval"]["decided_by"], approver_.key_id);

  // Every transition reached the receiver, signed, with one event id per event.
  while (Deliver() > 0) {
  }
  EXPECT_THAT(DeliveredTypes(created->secret),
              ElementsAre("post.approval_requested", "post.approved", "post.scheduled",
                          "target.published", "post.published"));
  auto requests = receiver_.requests();
  auto published = base::ParseJson(requests[3].body);
  ASSERT_THAT(published, IsOk());
  EXPECT_EQ((*published)["data"]["post_id"], id);
  EXPECT_THAT((*published)["data"]["url"].get<std::string>(), HasSubstr("https://"));
  EXPECT_EQ(Header(requests[3], "webhook-id").rfind("msg_", 0), 0u);
  EXPECT_EQ(Header(requests[3], "webhook-timestamp"),
            std::to_string(base::ToUnixMicros(env_.clock.Now()) / 1'000'000));

  // The audit log shows who did what.
  auto audit = Audit(id);
  std::vector<std::string> who;
  for (auto it = audit.rbegin(); it != audit.rend(); ++it) who.push_back(it->action + " " + it->actor);
  EXPECT_THAT(who, ElementsAre("post.approval_request " + env_.editor.key_id,
                               "post.create " + env_.editor.key_id,
                               "post.approve " + approver_.key_id));
}

TEST_F(TeamTest, OnlySubscribedEventsAreDeliveredAndFailuresAreRetriedWithTheSameId) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  hook.events = {"post.rejected"};
  hook.secret = "whsec_" + base::Base64Encode(std::string(32, 's'));
  auto created = webhooks_->CreateSync(admin_, hook);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->secret, hook.secret);
  RequireApproval(true);
  auto post = Schedule(env_.editor, std::chrono::minutes(10));
  ASSERT_THAT(post, IsOk());
  EXPECT_THAT(env_.posts->RejectSync(approver_, post->post.id, "  "),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("reason")));
  auto rejected = env_.posts->RejectSync(approver_, post->post.id, "wrong hashtag");
  ASSERT_THAT(rejected, IsOk());
  EXPECT_EQ(rejected->post.status, store::PostStatus::kDraft);

  receiver_.AnswerNext(500);
  EXPECT_EQ(Deliver(), 1);
  EXPECT_EQ(Deliver(), 0);  // backing off
  env_.clock.Advance(kRetrySchedule[0]);
  EXPECT_EQ(Deliver(), 1);
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(Header(requests[0], "webhook-id"), Header(requests[1], "webhook-id"));
  EXPECT_THAT(DeliveredTypes(hook.secret), ElementsAre("post.rejected", "post.rejected"));
  auto deliveries = webhooks_->ListDeliveriesSync(admin_, "", 10);
  ASSERT_THAT(deliveries, IsOk());
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ((*deliveries)[0].state, store::DeliveryState::kDelivered);
  EXPECT_EQ((*deliveries)[0].attempts, 2);
  // get_post says why.
  auto got = env_.posts->GetSync(env_.editor, post->post.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(tools::PostDetailView(*got, env_.registry)["approval"]["reason"], "wrong hashtag");
}

TEST_F(TeamTest, DeliveriesGiveUpAfterADay) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  ASSERT_THAT(webhooks_->CreateSync(admin_, hook), IsOk());
  ASSERT_THAT(Schedule(env_.editor, std::chrono::minutes(10)), IsOk());
  for (int i = 0; i < 20; ++i) receiver_.AnswerNext(503);
  int attempts = 0;
  for (int i = 0; i < 20; ++i) {
    attempts += Deliver();
    auto next = deliverer_->NextDue();
    ASSERT_THAT(next, IsOk());
    if (!next->has_value()) break;
    env_.clock.Set(**next);
  }
  auto deliveries = webhooks_->ListDeliveriesSync(admin_, "", 10);
  ASSERT_THAT(deliveries, IsOk());
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ((*deliveries)[0].state, store::DeliveryState::kFailed);
  EXPECT_EQ((*deliveries)[0].last_status, 503);
  EXPECT_EQ((*deliveries)[0].attempts, attempts);
  EXPECT_GE(env_.clock.Now() - (*deliveries)[0].created_at, std::chrono::hours(24));
}

TEST_F(TeamTest, AFailedPublishAndAnAccountToReconnectReachTheReceiverAndTheAuditLog) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  auto created = webhooks_->CreateSync(admin_, hook);
  ASSERT_THAT(created, IsOk());
  auto post = Schedule(admin_, std::chrono::minutes(1));
  ASSERT_THAT(post, IsOk());
  env_.native->Script({FakeStep(FakeAction::kUnauthenticated, "token revoked")});
  env_.clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  EXPECT_EQ(env_.Account(account_.id).status, store::AccountStatus::kNeedsReauth);

  while (Deliver() > 0) {
  }
  EXPECT_THAT(DeliveredTypes(created->secret), ElementsAre("post.scheduled", "target.failed",
                                                           "account.needs_reauth", "post.failed"));
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 4u);
  auto failed = base::ParseJson(requests[1].body);
  ASSERT_THAT(failed, IsOk());
  EXPECT_THAT((*failed)["data"]["reason"].get<std::string>(), HasSubstr("revoked"));
  auto reauth = base::ParseJson(requests[2].body);
  ASSERT_THAT(reauth, IsOk());
  EXPECT_EQ((*reauth)["data"]["account_id"], account_.id);
  auto audit = Audit(account_.id);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "account.needs_reauth");
  EXPECT_EQ(audit.front().actor, "system");
}

TEST_F(TeamTest, APostDeletedFromTheNetworkSaysItsTargetWasCancelled) {
  auto post = Schedule(admin_, std::chrono::minutes(1));
  ASSERT_THAT(post, IsOk());
  env_.clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  hook.events = {"target.cancelled", "post.cancelled"};
  auto created = webhooks_->CreateSync(admin_, hook);
  ASSERT_THAT(created, IsOk());
  ASSERT_THAT(testing::Await(env_.posts->Delete(admin_, post->post.id)), IsOk());
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
  while (Deliver() > 0) {
  }
  std::vector<std::string> types = DeliveredTypes(created->secret);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "target.cancelled");
}

TEST_F(TeamTest, APendingPublishNowPostGivenATimeWaitsForItOnceApproved) {
  RequireApproval(true);
  CreatePostRequest r;
  r.mode = CreateMode::kPublishNow;
  r.accounts = {account_.id};
  r.content.text = "now, or later";
  r.operation = "publish_post";
  auto post = env_.posts->CreateSync(env_.editor, r);
  ASSERT_THAT(post, IsOk());
  ASSERT_EQ(post->post.status, store::PostStatus::kPendingApproval);
  const std::string later = base::FormatRfc3339(env_.clock.Now() + std::chrono::hours(1));
  ASSERT_THAT(env_.posts->RescheduleSync(env_.editor, post->post.id, later, "UTC"), IsOk());
  ASSERT_THAT(env_.posts->ApproveSync(approver_, post->post.id, ""), IsOk());
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);  // not at the approval: at its new time
  env_.clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 1);
}

TEST_F(TeamTest, WebhookUrlsGoOutEncryptedAndTheAuditKeepsNoQuery) {
  CreateWebhookRequest plain;
  plain.url = "http://receiver.example/hooks";
  EXPECT_THAT(webhooks_->CreateSync(admin_, plain),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("https://")));
  plain.url = "http://127.0.0.1:8080/hooks";
  EXPECT_THAT(webhooks_->CreateSync(admin_, plain), IsOk());
  CreateWebhookRequest tokened;
  tokened.url = "https://receiver.example/hooks?token=s3cret";
  auto created = webhooks_->CreateSync(admin_, tokened);
  ASSERT_THAT(created, IsOk());
  auto audit = Audit(created->webhook.id);
  ASSERT_FALSE(audit.empty());
  EXPECT_THAT(base::DumpJson(audit.front().detail), Not(HasSubstr("s3cret")));
}

TEST_F(TeamTest, AnApprovedPostEditedByAnEditorWaitsAgain) {
  RequireApproval(true);
  auto post = Schedule(env_.editor, std::chrono::minutes(10));
  ASSERT_THAT(post, IsOk());
  ASSERT_THAT(env_.posts->ApproveSync(approver_, post->post.id, ""), IsOk());
  UpdatePostRequest edit;
  edit.post_id = post->post.id;
  edit.text = "hello team, edited";
  auto edited = env_.posts->UpdateSync(env_.editor, edit);
  ASSERT_THAT(edited, IsOk());
  EXPECT_EQ(edited->post.status, store::PostStatus::kPendingApproval);
  env_.clock.Advance(std::chrono::minutes(11));
  EXPECT_EQ(*worker_->RunOnce(env_.clock.Now()), 0);  // its job was cancelled
  // Its time passed while it waited: not published, get_post says so, approving is refused.
  auto got = env_.posts->GetSync(env_.viewer, post->post.id);
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->approval_note, HasSubstr("passed while it waited for approval"));
  EXPECT_THAT(env_.posts->ApproveSync(approver_, post->post.id, ""),
              StatusIs(ErrorCode::kFailedPrecondition, HasSubstr("reschedule_post")));
  // An approver's own edit goes straight through.
  auto own = Schedule(approver_, std::chrono::minutes(10));
  ASSERT_THAT(own, IsOk());
  EXPECT_EQ(own->post.status, store::PostStatus::kScheduled);
}

TEST_F(TeamTest, KeysAndSettingsAreForAdminsOfTheirOwnOrganization) {
  EXPECT_THAT(team_->CreateKeySync(env_.viewer, "agent", "editor"),
              StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(team_->CreateKeySync(approver_, "agent", "editor"),
              StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(team_->UpdateSettingsSync(env_.editor, SettingsUpdate{true}),
              StatusIs(ErrorCode::kPermissionDenied));
  EXPECT_THAT(team_->CreateKeySync(admin_, "agent", "owner"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("role")));
  auto created = team_->CreateKeySync(admin_, "agent", "editor");
  ASSERT_THAT(created, IsOk());
  auto verified = keys_->Verify(created->secret);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->role, base::Role::kEditor);
  auto promoted = team_->SetKeyRoleSync(admin_, created->key.id, "approver");
  ASSERT_THAT(promoted, IsOk());
  EXPECT_EQ(keys_->Verify(created->secret)->role, base::Role::kApprover);
  // Another organization's admin sees none of it.
  EXPECT_THAT(team_->RevokeKeySync(other_admin_, created->key.id),
              StatusIs(ErrorCode::kNotFound));
  auto theirs = team_->ListKeysSync(other_admin_);
  ASSERT_THAT(theirs, IsOk());
  EXPECT_TRUE(theirs->empty());
  AuditRequest everything;
  auto their_audit = team_->ListAuditSync(other_admin_, everything);
  ASSERT_THAT(their_audit, IsOk());
  EXPECT_TRUE(their_audit->events.empty());
  // Revoked: the key stops working at once.
  ASSERT_THAT(team_->RevokeKeySync(admin_, created->key.id), IsOk());
  EXPECT_THAT(keys_->Verify(created->secret), StatusIs(ErrorCode::kUnauthenticated));
  // The audit log names the admin, never the key itself.
  auto audit = Audit(created->key.id);
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "key.revoke");
  EXPECT_EQ(audit[1].action, "key.set_role");
  EXPECT_EQ(audit[2].action, "key.create");
  for (const auto& e : audit) {
    EXPECT_EQ(e.actor, admin_.key_id);
    EXPECT_EQ(base::DumpJson(e.detail).find(created->secret), std::string::npos);
  }
}

TEST_F(TeamTest, WebhooksAreCheckedAndScoped) {
  CreateWebhookRequest bad;
  bad.url = "ftp://receiver.example";
  EXPECT_THAT(webhooks_->CreateSync(admin_, bad), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("url")));
  bad.url = "https://user:pw@receiver.example/";
  EXPECT_THAT(webhooks_->CreateSync(admin_, bad), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("password")));
  bad.url = "https://receiver.example/";
  bad.events = {"post.published", "post.exploded"};
  EXPECT_THAT(webhooks_->CreateSync(admin_, bad),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("events[1]")));
  bad.events = {};
  bad.secret = "whsec_short";
  EXPECT_THAT(webhooks_->CreateSync(admin_, bad), StatusIs(ErrorCode::kInvalidArgument, HasSubstr("secret")));
  CreateWebhookRequest good;
  good.url = "https://receiver.example/";
  EXPECT_THAT(webhooks_->CreateSync(env_.editor, good), StatusIs(ErrorCode::kPermissionDenied));
  auto created = webhooks_->CreateSync(admin_, good);
  ASSERT_THAT(created, IsOk());
  // Sealed in the store, never in clear.
  auto stored = webhooks_->ListSync(admin_);
  ASSERT_THAT(stored, IsOk());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].secret_sealed.find(created->secret.substr(6)), std::string::npos);
  EXPECT_THAT(webhooks_->DeleteSync(other_admin_, created->webhook.id), StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(webhooks_->DeleteSync(admin_, created->webhook.id), IsOk());
}

TEST_F(TeamTest, AnUnrenewableTokenExpiringSoonIsAnnouncedOnce) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  hook.events = {"account.token_expiring"};
  auto created = webhooks_->CreateSync(admin_, hook);
  ASSERT_THAT(created, IsOk());
  store::Account a = env_.Account(account_.id);
  a.token_refreshable = false;
  a.token_expires_at = env_.clock.Now() + std::chrono::hours(72);
  ASSERT_TRUE(env_.store->Write([&](store::Tx& tx) { return tx.UpdateAccount(a); }).ok());
  EXPECT_EQ(*team_->WarnExpiringTokens(std::chrono::hours(24 * 7)), 1);
  env_.clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(*team_->WarnExpiringTokens(std::chrono::hours(24 * 7)), 0);
  EXPECT_EQ(Deliver(), 1);
  EXPECT_THAT(DeliveredTypes(created->secret), ElementsAre("account.token_expiring"));
}

// Several herald processes on one PostgreSQL run the expiry pass at once: one warning in all.
TEST_F(TeamTest, ConcurrentExpiryPassesWarnOnce) {
  store::Account a = env_.Account(account_.id);
  a.token_refreshable = false;
  a.token_expires_at = env_.clock.Now() + std::chrono::hours(72);
  ASSERT_TRUE(env_.store->Write([&](store::Tx& tx) { return tx.UpdateAccount(a); }).ok());
  std::atomic<int> warned{0};
  std::vector<std::thread> passes;
  for (int i = 0; i < 6; ++i) {
    passes.emplace_back([&] {
      auto n = team_->WarnExpiringTokens(std::chrono::hours(24 * 7));
      if (n.ok()) warned += *n;
    });
  }
  for (auto& t : passes) t.join();
  EXPECT_EQ(warned.load(), 1);
}

// Creations racing for the last free webhook: exactly one gets it.
TEST_F(TeamTest, TheWebhookLimitHoldsUnderConcurrentCreation) {
  CreateWebhookRequest hook;
  hook.url = "https://receiver.example/hooks";
  for (int i = 1; i < kMaxWebhooksPerOrganization; ++i) {
    ASSERT_THAT(webhooks_->CreateSync(admin_, hook), IsOk());
  }
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> creators;
  for (int i = 0; i < 6; ++i) {
    creators.emplace_back([&] {
      auto r = webhooks_->CreateSync(admin_, hook);
      if (r.ok()) ++created;
      if (!r.ok() && r.error().code() == ErrorCode::kResourceExhausted) ++refused;
    });
  }
  for (auto& t : creators) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 5);
  EXPECT_EQ(webhooks_->ListSync(admin_)->size(), static_cast<size_t>(kMaxWebhooksPerOrganization));
}

TEST_F(TeamTest, AuditEntriesArePrunedPastTheirRetention) {
  // An entry now, another 200 days later; a year's retention keeps both until the first is
  // older than a year.
  ASSERT_THAT(team_->CreateKeySync(admin_, "first", "viewer"), IsOk());
  env_.clock.Advance(std::chrono::hours(24 * 200));
  ASSERT_THAT(team_->UpdateSettingsSync(admin_, SettingsUpdate{true}), IsOk());
  const std::chrono::hours year(24 * 365);
  auto count = [&] {
    AuditRequest everything;
    everything.limit = 500;
    auto page = team_->ListAuditSync(admin_, everything);
    EXPECT_THAT(page, IsOk());
    return page.ok() ? page->events.size() : size_t{0};
  };
  const size_t before = count();
  ASSERT_GE(before, 2u);
  EXPECT_EQ(*team_->PruneAudit(year), 0);
  EXPECT_EQ(count(), before);
  env_.clock.Advance(std::chrono::hours(24 * 200));  // the first is 400 days old
  EXPECT_EQ(*team_->PruneAudit(year), static_cast<int>(before) - 1);
  AuditRequest everything;
  auto left = team_->ListAuditSync(admin_, everything);
  ASSERT_THAT(left, IsOk());
  ASSERT_EQ(left->events.size(), 1u);
  EXPECT_EQ(left->events[0].action, "organization.update_settings");
  EXPECT_EQ(left->events[0].actor, admin_.key_id);
  // The filters: by key and by time.
  AuditRequest by_key;
  by_key.key = env_.editor.key_id;
  EXPECT_TRUE(team_->ListAuditSync(admin_, by_key)->events.empty());
  AuditRequest by_time;
  by_time.to = base::FormatRfc3339(env_.clock.Now() - std::chrono::hours(24 * 300));
  EXPECT_TRUE(team_->ListAuditSync(admin_, by_time)->events.empty());
  // Bad filters are refused, naming the field; and only admins read the log.
  AuditRequest bad;
  bad.from = "yesterday";
  EXPECT_THAT(team_->ListAuditSync(admin_, bad),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("from")));
  bad.from = "";
  bad.limit = 0;
  EXPECT_THAT(team_->ListAuditSync(admin_, bad),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("limit")));
  EXPECT_THAT(team_->ListAuditSync(approver_, everything), StatusIs(ErrorCode::kPermissionDenied));
}

TEST_F(TeamTest, BadInputIsRefusedClearlyAndChangesNothing) {
  RequireApproval(true);
  auto post = Schedule(env_.editor, std::chrono::minutes(10));
  ASSERT_THAT(post, IsOk());
  const std::string id = post->post.id;
  const size_t audited = Audit(id).size();
  // Approving or rejecting: too long a comment, a missing reason, another organization's
  // approver, an unknown post.
  EXPECT_THAT(env_.posts->ApproveSync(approver_, id, std::string(2001, 'x')),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("comment")));
  EXPECT_THAT(env_.posts->RejectSync(approver_, id, ""),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("reason")));
  const base::Caller other_approver{env_.other_org.id, "key_other", base::Role::kApprover};
  EXPECT_THAT(env_.posts->ApproveSync(other_approver, id, ""), StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(env_.posts->RejectSync(other_approver, id, "no"), StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(
      env_.posts->ApproveSync(approver_, base::NewId(base::kPostPrefix, env_.clock.Now()), ""),
      StatusIs(ErrorCode::kNotFound));
  ListPostsRequest queue;
  queue.status = "pending_approval";
  auto theirs = env_.posts->ListSync(other_approver, queue);
  ASSERT_THAT(theirs, IsOk());
  EXPECT_TRUE(theirs->posts.empty());
  auto got = env_.posts->GetSync(env_.viewer, id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->post.status, store::PostStatus::kPendingApproval);
  EXPECT_TRUE(env_.Jobs(got->targets[0].id).empty());
  EXPECT_EQ(Audit(id).size(), audited);

  // Keys: an unknown role, a malformed or unknown id; the role stays.
  auto key = team_->CreateKeySync(admin_, "agent", "editor");
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(team_->SetKeyRoleSync(admin_, key->key.id, "owner"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("role")));
  EXPECT_THAT(team_->SetKeyRoleSync(admin_, "not-a-key", "viewer"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("key_id")));
  EXPECT_THAT(team_->RevokeKeySync(admin_, base::NewId(base::kKeyPrefix, env_.clock.Now())),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(team_->CreateKeySync(admin_, "   ", "editor"),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_EQ(keys_->Verify(key->secret)->role, base::Role::kEditor);
  auto keys = team_->ListKeysSync(admin_);
  ASSERT_THAT(keys, IsOk());
  EXPECT_EQ(keys->size(), 1u);
  // Webhooks: a refused one is not stored.
  CreateWebhookRequest bad;
  bad.url = "https://receiver.example/";
  bad.events = {"post.exploded"};
  EXPECT_THAT(webhooks_->CreateSync(admin_, bad), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_TRUE(webhooks_->ListSync(admin_)->empty());
  EXPECT_THAT(webhooks_->DeleteSync(admin_, base::NewId(base::kWebhookPrefix, env_.clock.Now())),
              StatusIs(ErrorCode::kNotFound));
  EXPECT_THAT(webhooks_->ListDeliveriesSync(admin_, "", 0),
              StatusIs(ErrorCode::kInvalidArgument, HasSubstr("limit")));
}

}  // namespace
}  // namespace herald::core
