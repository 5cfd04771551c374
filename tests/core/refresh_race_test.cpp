// Single-flight OAuth token refresh (AccountService): concurrent publishes of one account in one
// process send one refresh; two AccountService instances on one database (two herald processes)
// send one refresh between them and both end with the winner's tokens; a rotated refresh token
// is never sent twice; a 5xx keeps the account and the next attempt refreshes; invalid_grant
// marks it needs_reauth; a lease whose holder died lapses; a waiter gives up in bounded time.
//
// Against the OAuth emulator (rotating refresh tokens). On a SQLite file, or on PostgreSQL with
// HERALD_CORE_TEST_BACKEND=postgres. Nothing sleeps: a service that finds the lease held pauses
// through an injected hook that advances the FakeClock by the poll interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/core/oauth_core_fixture.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;

using RefreshRaceTest = fixture::OAuthCoreFixture;

TEST_F(RefreshRaceTest, ConcurrentPublishesOfOneAccountShareOneRefresh) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));  // the access token expired
  store::Account account = Stored(id);
  constexpr int kPublishes = 6;
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  for (int i = 0; i < kPublishes; ++i) {
    tasks.push_back(Publish(*service_a_, account, "post " + std::to_string(i)));
  }
  for (const auto& r : RunAll(std::move(tasks))) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->posts(), kPublishes);
  EXPECT_EQ(emulator_->api_unauthorized(), 0);
  EXPECT_TRUE(emulator_->IsTokenActive(StoredAccessToken(id)));

  // A caller that opened its credentials before the refresh gets the stored ones: no second
  // refresh with the rotated-away refresh token.
  auto late = Run(Publish(*service_a_, account, "late"));
  EXPECT_THAT(late, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
}

TEST_F(RefreshRaceTest, TwoServicesOnOneDatabaseSendOneRefresh) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  store::Account account = Stored(id);
  for (const auto& r : PublishFromBoth(account, 3)) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->token_errors(), 0);
  EXPECT_EQ(emulator_->posts(), 6);
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kActive);
  // Both services read the winner's tokens.
  auto a = service_a_->OpenCredentials(after);
  auto b = service_b_->OpenCredentials(after);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->credentials, b->credentials);
  EXPECT_TRUE(emulator_->IsTokenActive(a->credentials["access_token"]));
}

TEST_F(RefreshRaceTest, RefreshJobsOfTwoServicesRefreshOnceAndBothSeeTheWinnersTokens) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  // A's refresh is held at the token endpoint until B has found the grant's lease taken
  // (B read the same tokens and paused), so the two really overlap however slow the machine.
  emulator_->HoldTokenRequests(true);
  std::vector<Task<Result<store::Account>>> tasks;
  tasks.push_back(service_a_->Refresh(editor_.org_id, id));
  tasks.push_back(service_b_->Refresh(editor_.org_id, id));
  auto release = [this]() -> Task<Result<store::Account>> {
    while (pauses_.load() == 0 || emulator_->held_token_requests() == 0) {
      co_await base::RunBlocking(pool_, [] {});
    }
    emulator_->HoldTokenRequests(false);
    co_return store::Account{};
  };
  tasks.push_back(release());
  auto results = RunAll(std::move(tasks));
  ASSERT_THAT(results[0], IsOk());
  ASSERT_THAT(results[1], IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(results[0]->updated_at, results[1]->updated_at);
  EXPECT_TRUE(emulator_->IsTokenActive(StoredAccessToken(id)));
}

TEST_F(RefreshRaceTest, AServerErrorKeepsTheAccountAndTheNextAttemptRefreshes) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  store::Account before = Stored(id);
  std::string access_before = StoredAccessToken(id);
  emulator_->FailNextTokenRequests(5, 503);
  auto failed = Run(Publish(*service_a_, before, "during the outage"));
  EXPECT_THAT(failed, StatusIs(ErrorCode::kUnavailable));
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kActive);
  EXPECT_EQ(after.last_error, "");
  EXPECT_EQ(after.credentials_sealed, before.credentials_sealed);
  EXPECT_EQ(StoredAccessToken(id), access_before);  // the grant's tokens too
  EXPECT_EQ(emulator_->posts(), 0);

  // The lease was freed: the other process's next attempt refreshes at once.
  emulator_->FailNextTokenRequests(0);
  int pauses = pauses_.load();
  auto ok = Run(Publish(*service_b_, after, "after the outage"));
  EXPECT_THAT(ok, IsOk());
  EXPECT_EQ(pauses_.load(), pauses);
  EXPECT_EQ(emulator_->refreshes(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->posts(), 1);
}

TEST_F(RefreshRaceTest, InvalidGrantMarksNeedsReauthForEveryWaiter) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  emulator_->InvalidateRefreshTokens();
  store::Account account = Stored(id);
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  tasks.push_back(Publish(*service_a_, account, "a"));
  tasks.push_back(Publish(*service_b_, account, "b"));
  for (const auto& r : RunAll(std::move(tasks))) {
    EXPECT_THAT(r, StatusIs(ErrorCode::kUnauthenticated));
  }
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kNeedsReauth);
  EXPECT_THAT(after.last_error, HasSubstr("invalid_grant"));
  EXPECT_THAT(service_b_->OpenCredentials(after), StatusIs(ErrorCode::kUnauthenticated));
}

TEST_F(RefreshRaceTest, ALeaseWhoseHolderDiedLapsesAndAWaiterGivesUpInTime) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  // Another process took the lease of the account's grant and died.
  auto take = [&](base::Time until) {
    return store::WriteValue<bool>(*store_a_, [&](store::Tx& tx) -> base::Result<bool> {
      HERALD_ASSIGN_OR_RETURN(store::Account stored, tx.GetAccount(editor_.org_id, id));
      HERALD_ASSIGN_OR_RETURN(store::OAuthGrant grant,
                              tx.GetGrant(editor_.org_id, stored.grant_id));
      return tx.TakeGrantRefreshLease(editor_.org_id, grant.id, grant.credentials_sealed,
                                      "dead-process", until, clock_.Now());
    });
  };
  ASSERT_THAT(take(clock_.Now() + std::chrono::seconds(2)), IsOk());
  auto r = Run(service_a_->Refresh(editor_.org_id, id));
  EXPECT_THAT(r, IsOk());
  EXPECT_GE(pauses_.load(), 1);  // it waited for the lease to lapse, then refreshed
  EXPECT_EQ(emulator_->refresh_requests(), 1);

  // A lease held longer than the caller waits: kUnavailable, nothing changed, nothing sent.
  store::Account before = Stored(id);
  std::string access_before = StoredAccessToken(id);
  ASSERT_THAT(take(clock_.Now() + 2 * options_.refresh_wait), IsOk());
  base::Time started = clock_.Now();
  auto gave_up = Run(service_b_->Refresh(editor_.org_id, id));
  EXPECT_THAT(gave_up, StatusIs(ErrorCode::kUnavailable, HasSubstr("another herald process")));
  EXPECT_LE(clock_.Now() - started, options_.refresh_wait + options_.refresh_poll);
  EXPECT_EQ(Stored(id).credentials_sealed, before.credentials_sealed);
  EXPECT_EQ(StoredAccessToken(id), access_before);
  EXPECT_EQ(emulator_->refresh_requests(), 1);
}

}  // namespace
}  // namespace herald::core
