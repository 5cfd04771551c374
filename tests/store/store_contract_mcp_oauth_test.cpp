// The Store contract for herald's OAuth authorization server: clients, single-use codes, tokens
// with rotation marks and family revocation, and expiry pruning. Runs on SQLite and PostgreSQL
// (the instantiations are in sqlite_contract_test.cpp and postgres_contract_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/store/contract_fixture.h"

namespace herald::store::testing {
namespace {

using base::ErrorCode;
using std::chrono::hours;
using std::chrono::minutes;

OAuthToken MakeOAuthToken(const std::string& hash, const std::string& family,
                          const std::string& org_id, OAuthTokenKind kind, base::Time at) {
  OAuthToken t;
  t.token_hash = hash;
  t.kind = kind;
  t.family_id = family;
  t.client_id = "hc_client";
  t.org_id = org_id;
  t.key_id = "key_1";
  t.role = base::Role::kEditor;
  t.resource = "https://herald.example/mcp";
  t.created_at = at;
  t.expires_at = at + hours(1);
  return t;
}

}  // namespace

TEST_P(StoreContractTest, OAuthClientRoundTrip) {
  OAuthClient c{
      "hc_abc", "", "Inspector", {"http://127.0.0.1:6274/cb", "https://x.test/cb"}, Now()};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOAuthClient(c); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOAuthClient(c); }),
                     ErrorCode::kAlreadyExists);
  auto got = InRead([&](Tx& tx) { return tx.GetOAuthClient("hc_abc"); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->client_name, "Inspector");
  EXPECT_EQ(got->redirect_uris, c.redirect_uris);
  EXPECT_EQ(got->created_at, Now());
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetOAuthClient("hc_missing"); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OAuthCodeIsUsedOnce) {
  OAuthCode code;
  code.code_hash = "h1";
  code.client_id = "hc_abc";
  code.redirect_uri = "http://127.0.0.1/cb";
  code.code_challenge = "challenge";
  code.resource = "https://herald.example/mcp";
  code.org_id = org_.id;
  code.key_id = "key_1";
  code.role = base::Role::kApprover;
  code.family_id = "fam_1";
  code.created_at = Now();
  code.expires_at = Now() + minutes(10);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOAuthCode(code); }));
  auto got = InRead([&](Tx& tx) { return tx.GetOAuthCode("h1"); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->role, base::Role::kApprover);
  EXPECT_EQ(got->family_id, "fam_1");
  EXPECT_FALSE(got->used_at.has_value());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.MarkOAuthCodeUsed("h1", Now()); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.MarkOAuthCodeUsed("h1", Now()); }),
                     ErrorCode::kAborted);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.MarkOAuthCodeUsed("h2", Now()); }),
                     ErrorCode::kNotFound);
  got = InRead([&](Tx& tx) { return tx.GetOAuthCode("h1"); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->used_at, Now());
  code.code_hash = "h_other_org";
  code.org_id = "org_missing";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOAuthCode(code); }),
                     ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContractTest, OAuthTokensRotateAndRevokeByFamily) {
  OAuthToken access = MakeOAuthToken("a1", "fam", org_.id, OAuthTokenKind::kAccess, Now());
  OAuthToken refresh = MakeOAuthToken("r1", "fam", org_.id, OAuthTokenKind::kRefresh, Now());
  OAuthToken other = MakeOAuthToken("a2", "fam2", org_.id, OAuthTokenKind::kAccess, Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthToken(access));
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthToken(refresh));
    return tx.InsertOAuthToken(other);
  }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOAuthToken(access); }),
                     ErrorCode::kAlreadyExists);
  auto got = InRead([&](Tx& tx) { return tx.GetOAuthToken("r1"); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->kind, OAuthTokenKind::kRefresh);
  EXPECT_EQ(got->role, base::Role::kEditor);
  EXPECT_EQ(got->resource, "https://herald.example/mcp");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.MarkOAuthTokenUsed("r1", Now()); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.MarkOAuthTokenUsed("r1", Now()); }),
                     ErrorCode::kAborted);
  auto revoked = InWrite([&](Tx& tx) { return tx.RevokeOAuthTokenFamily("fam", Now()); });
  HERALD_ASSERT_OK(revoked);
  EXPECT_EQ(*revoked, 2);
  revoked = InWrite([&](Tx& tx) { return tx.RevokeOAuthTokenFamily("fam", Now()); });
  HERALD_ASSERT_OK(revoked);
  EXPECT_EQ(*revoked, 0);
  got = InRead([&](Tx& tx) { return tx.GetOAuthToken("a1"); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->revoked_at, Now());
  got = InRead([&](Tx& tx) { return tx.GetOAuthToken("a2"); });
  HERALD_ASSERT_OK(got);
  EXPECT_FALSE(got->revoked_at.has_value());
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetOAuthToken("nope"); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, OAuthExpiredGrantsArePruned) {
  OAuthToken old = MakeOAuthToken("old", "f1", org_.id, OAuthTokenKind::kAccess, Now() - hours(5));
  OAuthToken fresh = MakeOAuthToken("fresh", "f2", org_.id, OAuthTokenKind::kAccess, Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthToken(old));
    return tx.InsertOAuthToken(fresh);
  }));
  auto pruned = InWrite([&](Tx& tx) { return tx.DeleteExpiredOAuthGrants(Now()); });
  HERALD_ASSERT_OK(pruned);
  EXPECT_EQ(*pruned, 1);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetOAuthToken("old"); }), ErrorCode::kNotFound);
  HERALD_ASSERT_OK(InRead([&](Tx& tx) { return tx.GetOAuthToken("fresh"); }));
}

}  // namespace herald::store::testing
