// The Store contract for teams: organization settings, post approvals, audit queries and
// pruning, webhooks and their delivery outbox. Runs on SQLite and PostgreSQL (the
// instantiations are in sqlite_contract_test.cpp and postgres_contract_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/store/contract_fixture.h"

namespace herald::store::testing {
namespace {

using base::ErrorCode;
using std::chrono::hours;
using std::chrono::seconds;

WebhookDelivery MakeDelivery(const Webhook& hook, const std::string& event_id, base::Time at) {
  WebhookDelivery d;
  d.id = base::NewId(base::kDeliveryPrefix, at);
  d.webhook_id = hook.id;
  d.org_id = hook.org_id;
  d.event_id = event_id;
  d.event_type = "post.scheduled";
  d.payload = {{"type", "post.scheduled"}, {"data", {{"post_id", "post_x"}}}};
  d.next_attempt_at = at;
  d.created_at = at;
  d.updated_at = at;
  return d;
}

}  // namespace

TEST_P(StoreContractTest, OrganizationSettingsDefaultAndUpdate) {
  auto fresh = InRead([&](Tx& tx) { return tx.GetOrganizationSettings(org_.id); });
  HERALD_ASSERT_OK(fresh);
  EXPECT_FALSE(fresh->require_approval);
  OrganizationSettings s{org_.id, true, Now()};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.PutOrganizationSettings(s); }));
  auto got = InRead([&](Tx& tx) { return tx.GetOrganizationSettings(org_.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_TRUE(got->require_approval);
  s.require_approval = false;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.PutOrganizationSettings(s); }));
  got = InRead([&](Tx& tx) { return tx.GetOrganizationSettings(org_.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_FALSE(got->require_approval);
  OrganizationSettings unknown{"org_missing", true, Now()};
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.PutOrganizationSettings(unknown); }),
                     ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContractTest, LockOrganizationKnowsItsOrganizations) {
  HERALD_EXPECT_OK(InWrite([&](Tx& tx) { return tx.LockOrganization(org_.id); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.LockOrganization("org_missing"); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, PostApprovalRoundTripAndScope) {
  Post post = MakePost(org_.id, Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertPost(post); }));
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPostApproval(org_.id, post.id); }),
                     ErrorCode::kNotFound);
  PostApproval a;
  a.post_id = post.id;
  a.org_id = org_.id;
  a.immediate = true;
  a.requested_by = "key_editor";
  a.requested_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.PutPostApproval(a); }));
  a.state = ApprovalState::kRejected;
  a.decided_by = "key_approver";
  a.decided_at = Now() + seconds(5);
  a.note = "fix the typo";
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.PutPostApproval(a); }));
  auto got = InRead([&](Tx& tx) { return tx.GetPostApproval(org_.id, post.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->state, ApprovalState::kRejected);
  EXPECT_TRUE(got->immediate);
  EXPECT_EQ(got->requested_by, "key_editor");
  EXPECT_EQ(got->decided_by, "key_approver");
  EXPECT_EQ(got->decided_at, Now() + seconds(5));
  EXPECT_EQ(got->note, "fix the typo");
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPostApproval("org_other", post.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ApiKeyRoleChanges) {
  ApiKey key;
  key.id = base::NewId(base::kKeyPrefix, Now());
  key.org_id = org_.id;
  key.name = "agent";
  key.role = base::Role::kEditor;
  key.prefix = "hk_rolechan";
  key.hash = "0000";
  key.created_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertApiKey(key); }));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.SetApiKeyRole(key.id, base::Role::kApprover); }));
  auto got = InRead([&](Tx& tx) { return tx.GetApiKey(key.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->role, base::Role::kApprover);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SetApiKeyRole("key_missing", base::Role::kAdmin); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, AuditEventsFilterPageAndPrune) {
  for (int i = 0; i < 6; ++i) {
    AuditEntry e{0,
                 org_.id,
                 i % 2 == 0 ? "key_a" : "key_b",
                 "post.update",
                 i < 3 ? "post_1" : "post_2",
                 {{"i", i}},
                 Now() + seconds(i)};
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.AppendAudit(e); }));
  }
  AuditEntry elsewhere{0, "org_other", "key_a", "key.create", "post_1", {}, Now()};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.AppendAudit(elsewhere); }));

  AuditQuery q;
  q.org_id = org_.id;
  auto all = InRead([&](Tx& tx) { return tx.ListAuditEvents(q); });
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 6u);
  EXPECT_EQ((*all)[0].detail["i"], 5);

  q.subject = "post_1";
  q.actor = "key_a";
  auto filtered = InRead([&](Tx& tx) { return tx.ListAuditEvents(q); });
  HERALD_ASSERT_OK(filtered);
  ASSERT_EQ(filtered->size(), 2u);  // i = 2, 0
  EXPECT_EQ((*filtered)[0].detail["i"], 2);
  EXPECT_EQ((*filtered)[1].detail["i"], 0);

  AuditQuery range;
  range.org_id = org_.id;
  range.from = Now() + seconds(1);
  range.to = Now() + seconds(4);
  range.limit = 2;
  auto page = InRead([&](Tx& tx) { return tx.ListAuditEvents(range); });
  HERALD_ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);  // i = 3, 2
  EXPECT_EQ((*page)[1].detail["i"], 2);
  range.before_id = page->back().id;
  auto next = InRead([&](Tx& tx) { return tx.ListAuditEvents(range); });
  HERALD_ASSERT_OK(next);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].detail["i"], 1);

  auto pruned = InWrite([&](Tx& tx) { return tx.DeleteAuditBefore(Now() + seconds(3), 2); });
  HERALD_ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 2);  // at most `limit`, oldest first
  pruned = InWrite([&](Tx& tx) { return tx.DeleteAuditBefore(Now() + seconds(3), 100); });
  HERALD_ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 2);  // the rest before the cutoff (org_other's one included)
  q = AuditQuery{};
  q.org_id = org_.id;
  all = InRead([&](Tx& tx) { return tx.ListAuditEvents(q); });
  HERALD_ASSERT_OK(all);
  EXPECT_EQ(all->size(), 3u);
}

TEST_P(StoreContractTest, WebhooksRoundTripScopeAndDelete) {
  Webhook w;
  w.id = base::NewId(base::kWebhookPrefix, Now());
  w.org_id = org_.id;
  w.url = "https://example.com/hook";
  w.events = {"post.published", "target.failed"};
  w.secret_sealed = "v1.test.sealed";
  w.created_by = "key_admin";
  w.created_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertWebhook(w); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertWebhook(w); }),
                     ErrorCode::kAlreadyExists);
  auto got = InRead([&](Tx& tx) { return tx.GetWebhook(org_.id, w.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->url, w.url);
  EXPECT_EQ(got->events, w.events);
  EXPECT_EQ(got->secret_sealed, w.secret_sealed);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetWebhook("org_other", w.id); }),
                     ErrorCode::kNotFound);
  auto listed = InRead([&](Tx& tx) { return tx.ListWebhooks(org_.id); });
  HERALD_ASSERT_OK(listed);
  EXPECT_EQ(listed->size(), 1u);

  WebhookDelivery pending = MakeDelivery(w, "msg_1", Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertWebhookDeliveries({pending}); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.DeleteWebhook("org_other", w.id); }),
                     ErrorCode::kNotFound);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.DeleteWebhook(org_.id, w.id); }));
  auto left = InRead([&](Tx& tx) { return tx.ListWebhookDeliveries(org_.id, "", 10); });
  HERALD_ASSERT_OK(left);
  EXPECT_TRUE(left->empty());  // pending deliveries go with their webhook
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.DeleteWebhook(org_.id, w.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, FinishedWebhookDeliveriesArePrunedPendingOnesStay) {
  Webhook w;
  w.id = base::NewId(base::kWebhookPrefix, Now());
  w.org_id = org_.id;
  w.url = "https://example.com/hook";
  w.secret_sealed = "v1.test.sealed";
  w.created_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertWebhook(w); }));
  const base::Time old = Now() - hours(24 * 40);
  WebhookDelivery delivered = MakeDelivery(w, "msg_delivered", old);
  delivered.state = DeliveryState::kDelivered;
  WebhookDelivery failed = MakeDelivery(w, "msg_failed", old + seconds(1));
  failed.state = DeliveryState::kFailed;
  WebhookDelivery pending = MakeDelivery(w, "msg_pending", old + seconds(2));
  WebhookDelivery recent = MakeDelivery(w, "msg_recent", Now());
  recent.state = DeliveryState::kDelivered;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) {
    return tx.InsertWebhookDeliveries({delivered, failed, pending, recent});
  }));
  auto pruned =
      InWrite([&](Tx& tx) { return tx.DeleteSettledWebhookDeliveries(Now() - hours(24 * 30), 1); });
  HERALD_ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 1);  // at most `limit`
  pruned = InWrite(
      [&](Tx& tx) { return tx.DeleteSettledWebhookDeliveries(Now() - hours(24 * 30), 100); });
  HERALD_ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 1);
  auto left = InRead([&](Tx& tx) { return tx.ListWebhookDeliveries(org_.id, "", 10); });
  HERALD_ASSERT_OK(left);
  std::set<std::string> events;
  for (const WebhookDelivery& d : *left) events.insert(d.event_id);
  EXPECT_EQ(events, (std::set<std::string>{"msg_pending", "msg_recent"}));
}

TEST_P(StoreContractTest, WebhookDeliveriesClaimOnceRetryAndFinish) {
  Webhook w;
  w.id = base::NewId(base::kWebhookPrefix, Now());
  w.org_id = org_.id;
  w.url = "https://example.com/hook";
  w.secret_sealed = "v1.test.sealed";
  w.created_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertWebhook(w); }));
  std::vector<WebhookDelivery> batch{MakeDelivery(w, "msg_a", Now()),
                                     MakeDelivery(w, "msg_b", Now() + seconds(1)),
                                     MakeDelivery(w, "msg_c", Now() + hours(1))};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertWebhookDeliveries(batch); }));
  auto next = InRead([&](Tx& tx) { return tx.NextWebhookDeliveryTime(); });
  HERALD_ASSERT_OK(next);
  ASSERT_TRUE(next->has_value());
  EXPECT_EQ(**next, Now());

  const base::Time t = Now() + seconds(2);
  auto claimed = InWrite([&](Tx& tx) { return tx.ClaimWebhookDeliveries("w1", t, t + seconds(60), 10); });
  HERALD_ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 2u);  // the third is not due
  EXPECT_EQ((*claimed)[0].event_id, "msg_a");
  EXPECT_EQ((*claimed)[0].payload["data"]["post_id"], "post_x");
  auto again = InWrite([&](Tx& tx) { return tx.ClaimWebhookDeliveries("w2", t, t + seconds(60), 10); });
  HERALD_ASSERT_OK(again);
  EXPECT_TRUE(again->empty());  // leased to w1

  WebhookDelivery done = (*claimed)[0];
  done.state = DeliveryState::kDelivered;
  done.attempts = 1;
  done.last_status = 204;
  done.updated_at = t;
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.FinishWebhookAttempt(done, "w2"); }),
                     ErrorCode::kAborted);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.FinishWebhookAttempt(done, "w1"); }));
  WebhookDelivery retry = (*claimed)[1];
  retry.attempts = 1;
  retry.last_status = 500;
  retry.last_response = "boom";
  retry.next_attempt_at = t + seconds(5);
  retry.updated_at = t;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.FinishWebhookAttempt(retry, "w1"); }));

  // The retry is due at t + 5 s, the lapsed lease of a crashed claimer is taken over.
  auto later = InWrite([&](Tx& tx) {
    return tx.ClaimWebhookDeliveries("w2", t + seconds(5), t + seconds(65), 10);
  });
  HERALD_ASSERT_OK(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].event_id, "msg_b");
  EXPECT_EQ((*later)[0].attempts, 1);
  EXPECT_EQ((*later)[0].last_response, "boom");
  auto takeover = InWrite([&](Tx& tx) {
    return tx.ClaimWebhookDeliveries("w3", t + seconds(66), t + seconds(120), 1);
  });
  HERALD_ASSERT_OK(takeover);
  ASSERT_EQ(takeover->size(), 1u);
  EXPECT_EQ((*takeover)[0].event_id, "msg_b");

  auto listed = InRead([&](Tx& tx) { return tx.ListWebhookDeliveries(org_.id, w.id, 10); });
  HERALD_ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].event_id, "msg_c");  // newest first
  EXPECT_EQ((*listed)[2].state, DeliveryState::kDelivered);
  EXPECT_EQ((*listed)[2].last_status, 204);
  auto theirs = InRead([&](Tx& tx) { return tx.ListWebhookDeliveries("org_other", "", 10); });
  HERALD_ASSERT_OK(theirs);
  EXPECT_TRUE(theirs->empty());
}

}  // namespace herald::store::testing
