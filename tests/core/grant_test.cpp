// OAuth grants shared by several accounts (AccountService): one sign-in stores the user and
// every page the network lists, all pointing at one grant that holds the tokens; a page
// publishes with the grant's token and its own credentials; a refresh asked for by any account
// of the grant (in two processes at once) is sent once and serves all; invalid_grant marks the
// grant and every account needs_reauth with a reason to reconnect, and reconnecting reactivates
// them in place; disconnecting one account leaves the others, the last one revokes the grant;
// an account stored before grants existed moves its tokens into a grant on its first refresh
// (once, even with two processes); a token that cannot be renewed expires into needs_reauth.
//
// Against the OAuth emulator, on a SQLite file or on PostgreSQL
// (HERALD_CORE_TEST_BACKEND=postgres).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/credentials.h"
#include "tests/core/oauth_core_fixture.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class GrantTest : public fixture::OAuthCoreFixture {
 protected:
  // Signs in with two pages (one stored under a sibling network id); returns the accounts.
  std::vector<store::Account> SignInWithPages() {
    emulator_->SetPages({{"1", "Acme", ""}, {"2", "Beta", "oauthtest_page"}});
    OAuthCallbackResult done = SignIn();
    EXPECT_THAT(done.accounts, SizeIs(3));
    return done.accounts;
  }

  store::OAuthGrant Grant(const std::string& grant_id) {
    return *store::ReadValue<store::OAuthGrant>(
        *store_a_, [&](store::Tx& tx) { return tx.GetGrant(editor_.org_id, grant_id); });
  }

  std::vector<store::Account> All() {
    return *store::ReadValue<std::vector<store::Account>>(
        *store_a_, [&](store::Tx& tx) { return tx.ListAccounts(editor_.org_id); });
  }
};

TEST_F(GrantTest, OneSignInStoresTheUserAndEveryPageOnOneGrant) {
  emulator_->SetPages({{"1", "Acme", ""}, {"2", "Beta", "oauthtest_page"}});
  OAuthCallbackResult done = SignIn();
  ASSERT_THAT(done.accounts, SizeIs(3));
  EXPECT_EQ(done.message,
            "Connected @tester on OAuth test network and 2 more accounts: Acme and Beta "
            "(oauthtest_page). You can close this window.");
  const store::Account& user = done.accounts[0];
  const store::Account& acme = done.accounts[1];
  const store::Account& beta = done.accounts[2];
  EXPECT_EQ(user.platform, "oauthtest");
  EXPECT_EQ(acme.platform, "oauthtest");
  EXPECT_EQ(acme.external_id, "page-1");
  EXPECT_EQ(beta.platform, "oauthtest_page");
  EXPECT_FALSE(user.grant_id.empty());
  EXPECT_EQ(acme.grant_id, user.grant_id);
  EXPECT_EQ(beta.grant_id, user.grant_id);
  EXPECT_EQ(Grant(user.grant_id).platform, "oauthtest");
  EXPECT_EQ(emulator_->code_exchanges(), 1);

  // The tokens live on the grant; a page's own credentials carry only what is its own.
  store::Account stored_acme = Stored(acme.id);
  auto own = OpenAccountCredentials(keyring_, stored_acme);
  ASSERT_THAT(own, IsOk());
  EXPECT_EQ(*own, (Json{{"page_id", "1"}}));
  auto ctx = service_b_->OpenCredentials(stored_acme);
  ASSERT_THAT(ctx, IsOk());
  EXPECT_EQ(ctx->credentials["page_id"], "1");
  EXPECT_EQ(ctx->credentials["access_token"], StoredAccessToken(user.id));

  // A page publishes as itself with the grant's token.
  ASSERT_THAT(Run(Publish(*service_a_, stored_acme, "from the page")), IsOk());
  EXPECT_EQ(emulator_->last_post_page(), "1");
  ASSERT_THAT(Run(Publish(*service_a_, Stored(user.id), "from the user")), IsOk());
  EXPECT_EQ(emulator_->last_post_page(), "");
}

TEST_F(GrantTest, ARefreshForAnyAccountOfTheGrantIsSentOnceAndServesAll) {
  std::vector<store::Account> accounts = SignInWithPages();
  ASSERT_THAT(accounts, SizeIs(3));
  clock_.Advance(std::chrono::seconds(3601));  // the grant's access token expired
  std::vector<store::Account> read;  // outlives the tasks, which keep a reference
  for (const store::Account& a : accounts) read.push_back(Stored(a.id));
  std::vector<Task<Result<platforms::PublishReceipt>>> tasks;
  for (const store::Account& a : read) {
    tasks.push_back(Publish(*service_a_, a, "a " + a.id));
    tasks.push_back(Publish(*service_b_, a, "b " + a.id));
  }
  for (const auto& r : RunAll(std::move(tasks))) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  EXPECT_EQ(emulator_->posts(), 6);
  // Every account of the grant shows the renewed expiry and uses the renewed token.
  std::string token = StoredAccessToken(accounts[0].id);
  EXPECT_TRUE(emulator_->IsTokenActive(token));
  for (const store::Account& a : accounts) {
    store::Account stored = Stored(a.id);
    EXPECT_EQ(stored.status, store::AccountStatus::kActive);
    ASSERT_TRUE(stored.token_expires_at.has_value());
    EXPECT_GT(*stored.token_expires_at, clock_.Now());
    EXPECT_EQ(StoredAccessToken(a.id), token);
  }
  // A refresh job for another account of the grant later sends the rotated refresh token.
  clock_.Advance(std::chrono::seconds(3601));
  auto refreshed = Run(service_b_->Refresh(editor_.org_id, accounts[2].id));
  ASSERT_THAT(refreshed, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 2);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
}

TEST_F(GrantTest, InvalidGrantMarksEveryAccountAndReconnectingReactivatesThemInPlace) {
  std::vector<store::Account> accounts = SignInWithPages();
  ASSERT_THAT(accounts, SizeIs(3));
  const std::string old_grant = accounts[0].grant_id;
  clock_.Advance(std::chrono::seconds(3601));
  emulator_->InvalidateRefreshTokens();
  auto refused = Run(Publish(*service_a_, Stored(accounts[1].id), "from the page"));
  EXPECT_THAT(refused, StatusIs(ErrorCode::kUnauthenticated, HasSubstr("connect_account")));
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(Grant(old_grant).status, store::AccountStatus::kNeedsReauth);
  for (const store::Account& a : accounts) {
    store::Account stored = Stored(a.id);
    EXPECT_EQ(stored.status, store::AccountStatus::kNeedsReauth) << a.handle;
    EXPECT_THAT(stored.last_error, HasSubstr("invalid_grant"));
    EXPECT_THAT(stored.last_error, HasSubstr("reconnect the account with connect_account"));
    // Their publishes fail at once with that reason; nothing more is sent.
    EXPECT_THAT(service_b_->OpenCredentials(stored),
                StatusIs(ErrorCode::kUnauthenticated, HasSubstr("invalid_grant")));
  }
  EXPECT_EQ(emulator_->refresh_requests(), 1);

  // A new sign-in for the same user and pages: the same accounts, active, on the new grant; the
  // old grant is closed.
  OAuthCallbackResult again = SignIn();
  ASSERT_THAT(again.accounts, SizeIs(3));
  for (size_t i = 0; i < accounts.size(); ++i) {
    EXPECT_EQ(again.accounts[i].id, accounts[i].id);
    store::Account stored = Stored(accounts[i].id);
    EXPECT_EQ(stored.status, store::AccountStatus::kActive);
    EXPECT_EQ(stored.last_error, "");
    EXPECT_NE(stored.grant_id, old_grant);
  }
  EXPECT_EQ(Grant(old_grant).status, store::AccountStatus::kDisconnected);
  EXPECT_TRUE(Grant(old_grant).credentials_sealed.empty());
  EXPECT_THAT(All(), SizeIs(3));
  EXPECT_THAT(Run(Publish(*service_b_, Stored(accounts[2].id), "back")), IsOk());
}

TEST_F(GrantTest, DisconnectingOneAccountLeavesTheOthersAndTheLastRevokesTheGrant) {
  std::vector<store::Account> accounts = SignInWithPages();
  ASSERT_THAT(accounts, SizeIs(3));
  const std::string grant_id = accounts[0].grant_id;
  std::string token = StoredAccessToken(accounts[0].id);

  auto first = Run(service_a_->Disconnect(editor_, accounts[1].id));
  ASSERT_THAT(first, IsOk());
  EXPECT_FALSE(first->revoked.has_value());
  EXPECT_EQ(first->grant_shared_with, 2);
  EXPECT_EQ(emulator_->revocations(), 0);
  EXPECT_EQ(Stored(accounts[1].id).status, store::AccountStatus::kDisconnected);
  EXPECT_THAT(service_a_->OpenCredentials(Stored(accounts[1].id)),
              StatusIs(ErrorCode::kPermissionDenied, HasSubstr("was disconnected")));
  // The others still publish.
  EXPECT_THAT(Run(Publish(*service_b_, Stored(accounts[0].id), "still here")), IsOk());
  EXPECT_THAT(Run(Publish(*service_b_, Stored(accounts[2].id), "me too")), IsOk());

  auto second = Run(service_b_->Disconnect(editor_, accounts[2].id));
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->grant_shared_with, 1);
  EXPECT_EQ(emulator_->revocations(), 0);

  auto last = Run(service_a_->Disconnect(editor_, accounts[0].id));
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->grant_shared_with, 0);
  ASSERT_TRUE(last->revoked.has_value());
  EXPECT_TRUE(*last->revoked);
  EXPECT_EQ(emulator_->revocations(), 1);
  EXPECT_FALSE(emulator_->IsTokenActive(token));
  store::OAuthGrant grant = Grant(grant_id);
  EXPECT_EQ(grant.status, store::AccountStatus::kDisconnected);
  EXPECT_TRUE(grant.credentials_sealed.empty());
}

TEST_F(GrantTest, AnAccountWithItsOwnTokensMovesThemIntoAGrantOnceOnItsFirstRefresh) {
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  // Make it an account stored before grants: its tokens on its own row.
  store::Account stored = Stored(id);
  auto ctx = service_a_->OpenCredentials(stored);
  ASSERT_THAT(ctx, IsOk());
  const std::string old_grant = stored.grant_id;
  ASSERT_THAT(store_a_->Write([&](store::Tx& tx) -> Result<void> {
    stored.grant_id.clear();
    stored.credentials_sealed = SealAccountCredentials(keyring_, stored, ctx->credentials);
    return tx.UpdateAccount(stored);
  }),
              IsOk());
  store::Account legacy = Stored(id);
  ASSERT_TRUE(legacy.grant_id.empty());
  EXPECT_THAT(Run(Publish(*service_a_, legacy, "works as before")), IsOk());

  clock_.Advance(std::chrono::seconds(3601));
  for (const auto& r : PublishFromBoth(legacy, 3)) EXPECT_THAT(r, IsOk());
  EXPECT_EQ(emulator_->refresh_requests(), 1);
  EXPECT_EQ(emulator_->refresh_token_reuses(), 0);
  store::Account moved = Stored(id);
  EXPECT_FALSE(moved.grant_id.empty());
  EXPECT_NE(moved.grant_id, old_grant);
  auto own = OpenAccountCredentials(keyring_, moved);
  ASSERT_THAT(own, IsOk());
  EXPECT_FALSE(own->contains("access_token"));
  EXPECT_FALSE(own->contains("refresh_token"));
  EXPECT_TRUE(emulator_->IsTokenActive(StoredAccessToken(id)));
}

TEST_F(GrantTest, ATokenThatCannotBeRenewedExpiresIntoNeedsReauth) {
  emulator_->SetIssueRefreshTokens(false);
  emulator_->SetPages({{"1", "Acme", ""}});
  OAuthCallbackResult done = SignIn();
  ASSERT_THAT(done.accounts, SizeIs(2));
  for (const store::Account& a : done.accounts) {
    EXPECT_FALSE(a.token_refreshable);
    EXPECT_TRUE(a.token_expires_at.has_value());
  }
  // Listing before expiry changes nothing; after it, every account of the grant needs reauth,
  // saying why.
  auto listed = service_a_->ListSync(editor_);
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ((*listed)[0].status, store::AccountStatus::kActive);
  clock_.Advance(std::chrono::seconds(3601));
  auto expired = service_b_->GetSync(editor_, done.accounts[1].id);
  ASSERT_THAT(expired, IsOk());
  EXPECT_EQ(expired->status, store::AccountStatus::kNeedsReauth);
  EXPECT_THAT(expired->last_error, HasSubstr("gives no refresh token"));
  EXPECT_THAT(expired->last_error, HasSubstr("connect_account"));
  EXPECT_EQ(Stored(done.accounts[0].id).status, store::AccountStatus::kNeedsReauth);
  EXPECT_EQ(emulator_->refresh_requests(), 0);
}

TEST_F(GrantTest, PublishingPastTheExpiryOfATokenThatCannotBeRenewedMarksTheGrant) {
  emulator_->SetIssueRefreshTokens(false);
  std::string id = ConnectOAuth();
  ASSERT_FALSE(id.empty());
  clock_.Advance(std::chrono::seconds(3601));
  auto r = Run(Publish(*service_a_, Stored(id), "too late"));
  EXPECT_THAT(r, StatusIs(ErrorCode::kUnauthenticated, HasSubstr("no refresh token")));
  store::Account after = Stored(id);
  EXPECT_EQ(after.status, store::AccountStatus::kNeedsReauth);
  EXPECT_THAT(after.last_error, HasSubstr("reconnect"));
  EXPECT_EQ(emulator_->refresh_requests(), 0);
}

}  // namespace
}  // namespace herald::core
