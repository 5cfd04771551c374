// The Store contract suite: every Tx/Store operation with its error codes, run against every
// backend (instantiated in sqlite_contract_test.cpp and postgres_contract_test.cpp).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "base/ids.h"
#include "tests/store/contract_fixture.h"
#include "tests/support/result_matchers.h"

namespace herald::store::testing {
namespace {

using ::herald::matchers::IsOk;
using ::herald::matchers::StatusIs;
using base::ErrorCode;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// ---- schema ----

TEST_P(StoreContractTest, OpensAtTheKnownSchemaVersion) {
  EXPECT_GE(store_->KnownSchemaVersion(), 1);
  auto v = store_->SchemaVersion();
  HERALD_ASSERT_OK(v);
  EXPECT_EQ(*v, store_->KnownSchemaVersion());
  EXPECT_EQ(store_->backend(), GetParam() == BackendKind::kPostgres ? "postgres" : "sqlite");
}

TEST_P(StoreContractTest, MigrateTwiceAppliesNothing) {
  auto first = store_->Migrate();
  HERALD_ASSERT_OK(first);
  EXPECT_EQ(*first, 0);
  auto second = store_->Migrate();
  HERALD_ASSERT_OK(second);
  EXPECT_EQ(*second, 0);
}

// ---- organizations ----

TEST_P(StoreContractTest, OrganizationsRoundTrip) {
  auto got = InRead([&](Tx& tx) { return tx.GetOrganization(org_.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->name, "acme");
  EXPECT_EQ(got->created_at, org_.created_at);
  auto by_name = InRead([&](Tx& tx) { return tx.GetOrganizationByName("acme"); });
  HERALD_ASSERT_OK(by_name);
  EXPECT_EQ(by_name->id, org_.id);

  clock_.Advance(seconds(1));
  Organization second = MakeOrg(Now(), "beta");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOrganization(second); }));
  auto all = InRead([&](Tx& tx) { return tx.ListOrganizations(); });
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, org_.id);
  EXPECT_EQ((*all)[1].id, second.id);
}

TEST_P(StoreContractTest, OrganizationErrors) {
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetOrganization("org_nope"); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetOrganizationByName("nope"); }),
                     ErrorCode::kNotFound);
  Organization same_name = MakeOrg(Now(), "acme");
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOrganization(same_name); }),
                     ErrorCode::kAlreadyExists);
  Organization same_id = org_;
  same_id.name = "other";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOrganization(same_id); }),
                     ErrorCode::kAlreadyExists);
}

TEST_P(StoreContractTest, TransactionContinuesAfterAlreadyExists) {
  // A caller may look at kAlreadyExists and carry on in the same transaction (e.g. "create or
  // reuse"); the backend must not have poisoned the transaction.
  Organization fresh = MakeOrg(Now(), "fresh");
  auto r = store_->Write([&](Tx& tx) -> Result<void> {
    auto dup = tx.InsertOrganization(MakeOrg(Now(), "acme"));
    if (dup.ok() || dup.error().code() != ErrorCode::kAlreadyExists) {
      return base::Internal("expected kAlreadyExists");
    }
    return tx.InsertOrganization(fresh);
  });
  HERALD_ASSERT_OK(r);
  HERALD_EXPECT_OK(InRead([&](Tx& tx) { return tx.GetOrganization(fresh.id); }));
}

// ---- API keys ----

ApiKey MakeKey(const std::string& org_id, base::Time now, const std::string& prefix) {
  ApiKey k;
  k.id = base::NewId(base::kKeyPrefix, now);
  k.org_id = org_id;
  k.name = "ci";
  k.role = base::Role::kEditor;
  k.prefix = prefix;
  k.hash = std::string(64, 'a');
  k.created_at = now;
  return k;
}

TEST_P(StoreContractTest, ApiKeysRoundTripAndRevoke) {
  ApiKey key = MakeKey(org_.id, Now(), "hk_aaaaaaaaa");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertApiKey(key); }));
  auto found = InRead([&](Tx& tx) { return tx.FindApiKeyByPrefix("hk_aaaaaaaaa"); });
  HERALD_ASSERT_OK(found);
  EXPECT_EQ(found->id, key.id);
  EXPECT_EQ(found->role, base::Role::kEditor);
  EXPECT_EQ(found->hash, key.hash);
  EXPECT_FALSE(found->revoked_at.has_value());
  EXPECT_FALSE(found->last_used_at.has_value());

  clock_.Advance(seconds(5));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.TouchApiKey(key.id, Now()); }));
  auto touched = InRead([&](Tx& tx) { return tx.GetApiKey(key.id); });
  HERALD_ASSERT_OK(touched);
  EXPECT_EQ(touched->last_used_at, Now());

  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.RevokeApiKey(key.id, Now()); }));
  auto revoked = InRead([&](Tx& tx) { return tx.FindApiKeyByPrefix("hk_aaaaaaaaa"); });
  HERALD_ASSERT_OK(revoked);  // revoked keys are still found; the caller checks revoked_at
  EXPECT_EQ(revoked->revoked_at, Now());
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.RevokeApiKey(key.id, Now()); }),
                     ErrorCode::kFailedPrecondition);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.RevokeApiKey("key_nope", Now()); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.TouchApiKey("key_nope", Now()); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetApiKey("key_nope"); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.FindApiKeyByPrefix("hk_zzzzzzzzz"); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ApiKeyPrefixIsUniqueAndListIsScoped) {
  ApiKey a = MakeKey(org_.id, Now(), "hk_prefix001");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertApiKey(a); }));
  ApiKey dup = MakeKey(org_.id, Now(), "hk_prefix001");
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertApiKey(dup); }),
                     ErrorCode::kAlreadyExists);

  Organization other = MakeOrg(Now(), "other");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOrganization(other); }));
  clock_.Advance(seconds(1));
  ApiKey b = MakeKey(other.id, Now(), "hk_prefix002");
  clock_.Advance(seconds(1));
  ApiKey c = MakeKey(org_.id, Now(), "hk_prefix003");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertApiKey(b));
    return tx.InsertApiKey(c);
  }));
  auto mine = InRead([&](Tx& tx) { return tx.ListApiKeys(org_.id); });
  HERALD_ASSERT_OK(mine);
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, a.id);
  EXPECT_EQ((*mine)[1].id, c.id);
  auto all = InRead([&](Tx& tx) { return tx.ListApiKeys(""); });
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[1].id, b.id);
}

TEST_P(StoreContractTest, ApiKeyForUnknownOrganizationIsRejected) {
  ApiKey k = MakeKey("org_nope", Now(), "hk_orphan001");
  auto r = InWrite([&](Tx& tx) { return tx.InsertApiKey(k); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition) << r.error().ToString();
}

// ---- accounts ----

TEST_P(StoreContractTest, UpsertAccountKeepsIdentityAndUpdatesTheRest) {
  auto got = InRead([&](Tx& tx) { return tx.GetAccount(org_.id, account_.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->handle, account_.handle);
  EXPECT_EQ(got->settings, account_.settings);
  EXPECT_EQ(got->status, AccountStatus::kActive);
  EXPECT_FALSE(got->token_expires_at.has_value());

  clock_.Advance(minutes(1));
  Account again = MakeAccount(org_.id, Now());
  again.external_id = account_.external_id;  // same (org, platform, external_id)
  again.handle = "@alice2@example.social";
  again.credentials_sealed = "v1.test.resealed";
  again.status = AccountStatus::kNeedsReauth;
  again.token_expires_at = Now() + hours(2);
  again.last_error = "token expired";
  auto stored = InWrite([&](Tx& tx) { return tx.UpsertAccount(again); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->id, account_.id);
  EXPECT_EQ(stored->created_at, account_.created_at);
  EXPECT_EQ(stored->updated_at, Now());
  EXPECT_EQ(stored->handle, "@alice2@example.social");
  EXPECT_EQ(stored->credentials_sealed, "v1.test.resealed");
  EXPECT_EQ(stored->status, AccountStatus::kNeedsReauth);
  EXPECT_EQ(stored->token_expires_at, Now() + hours(2));
  EXPECT_EQ(stored->last_error, "token expired");
  auto list = InRead([&](Tx& tx) { return tx.ListAccounts(org_.id); });
  HERALD_ASSERT_OK(list);
  EXPECT_EQ(list->size(), 1u);
}

TEST_P(StoreContractTest, AccountsListUpdateAndScope) {
  clock_.Advance(seconds(1));
  Account second = AddAccount();
  auto list = InRead([&](Tx& tx) { return tx.ListAccounts(org_.id); });
  HERALD_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, account_.id);
  EXPECT_EQ((*list)[1].id, second.id);

  Account changed = second;
  changed.status = AccountStatus::kDisconnected;
  changed.display_name = "Bob";
  changed.settings = {{"chat_id", 42}};
  changed.updated_at = Now() + seconds(9);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateAccount(changed); }));
  auto got = InRead([&](Tx& tx) { return tx.GetAccount(org_.id, second.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->status, AccountStatus::kDisconnected);
  EXPECT_EQ(got->display_name, "Bob");
  EXPECT_EQ(got->settings, changed.settings);
  EXPECT_EQ(got->updated_at, changed.updated_at);

  Account ghost = MakeAccount(org_.id, Now());
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpdateAccount(ghost); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetAccount("org_other", account_.id); }),
                     ErrorCode::kNotFound);
  auto none = InRead([&](Tx& tx) { return tx.ListAccounts("org_other"); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// A grant and the accounts pointing at it round-trip; another organization sees neither.
TEST_P(StoreContractTest, GrantsRoundTripAndListTheirAccounts) {
  OAuthGrant grant = grant_;
  auto got = InRead([&](Tx& tx) { return tx.GetGrant(org_.id, grant.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->platform, "linkedin");
  EXPECT_EQ(got->credentials_sealed, grant.credentials_sealed);
  EXPECT_EQ(got->status, AccountStatus::kActive);
  EXPECT_EQ(got->token_expires_at, grant.token_expires_at);
  EXPECT_EQ(got->created_at, grant.created_at);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertGrant(grant); }),
                     ErrorCode::kAlreadyExists);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetGrant("org_other", grant.id); }),
                     ErrorCode::kNotFound);

  grant.credentials_sealed = "v1.test.renewed";
  grant.status = AccountStatus::kNeedsReauth;
  grant.token_expires_at.reset();
  grant.last_error = "invalid_grant";
  grant.updated_at = Now() + seconds(5);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateGrant(grant); }));
  got = InRead([&](Tx& tx) { return tx.GetGrant(org_.id, grant.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->credentials_sealed, "v1.test.renewed");
  EXPECT_EQ(got->status, AccountStatus::kNeedsReauth);
  EXPECT_FALSE(got->token_expires_at.has_value());
  EXPECT_EQ(got->last_error, "invalid_grant");
  EXPECT_EQ(got->updated_at, Now() + seconds(5));
  OAuthGrant ghost = grant;
  ghost.id = "grant_ghost";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpdateGrant(ghost); }),
                     ErrorCode::kNotFound);

  // Accounts carry grant_id and token_refreshable through insert, update and upsert.
  clock_.Advance(seconds(1));
  Account member = MakeAccount(org_.id, Now());
  member.grant_id = grant.id;
  member.token_refreshable = false;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAccount(member); }));
  clock_.Advance(seconds(1));
  Account page = MakeAccount(org_.id, Now());
  page.platform = "linkedin_page";
  page.grant_id = grant.id;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAccount(page); }));
  auto users = InRead([&](Tx& tx) { return tx.ListGrantAccounts(org_.id, grant.id); });
  HERALD_ASSERT_OK(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, member.id);
  EXPECT_FALSE((*users)[0].token_refreshable);
  EXPECT_EQ((*users)[1].id, page.id);
  EXPECT_TRUE((*users)[1].token_refreshable);
  auto plain = InRead([&](Tx& tx) { return tx.GetAccount(org_.id, account_.id); });
  HERALD_ASSERT_OK(plain);
  EXPECT_EQ(plain->grant_id, "");  // a token network's account has none
  member.grant_id = "grant_other";
  member.token_refreshable = true;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateAccount(member); }));
  users = InRead([&](Tx& tx) { return tx.ListGrantAccounts(org_.id, grant.id); });
  HERALD_ASSERT_OK(users);
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].id, page.id);
  auto none = InRead([&](Tx& tx) { return tx.ListGrantAccounts("org_other", grant.id); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// An account stored before grants is attached to one only once, whoever comes second.
TEST_P(StoreContractTest, AttachAccountToGrantHappensOnce) {
  auto attach = [&](std::string_view grant_id, std::string_view sealed) {
    return InWrite([&](Tx& tx) {
      return tx.AttachAccountToGrant(org_.id, account_.id, grant_id, sealed, Now());
    });
  };
  auto first = attach(grant_.id, "v1.test.own");
  HERALD_ASSERT_OK(first);
  EXPECT_TRUE(*first);
  auto second = attach("grant_other", "v1.test.other");
  HERALD_ASSERT_OK(second);
  EXPECT_FALSE(*second);
  auto got = InRead([&](Tx& tx) { return tx.GetAccount(org_.id, account_.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->grant_id, grant_.id);
  EXPECT_EQ(got->credentials_sealed, "v1.test.own");
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) {
                       return tx.AttachAccountToGrant("org_other", account_.id, grant_.id, "x",
                                                      Now());
                     }),
                     ErrorCode::kNotFound);
}

// One refresh per grant across processes: the lease is taken by one owner at a time, again by
// its owner, by another once released or lapsed; the grant's row is otherwise unchanged.
TEST_P(StoreContractTest, RefreshLeaseHasOneOwnerAtATime) {
  auto take = [&](std::string_view owner, base::Time until) {
    return InWrite([&](Tx& tx) {
      return tx.TakeGrantRefreshLease(org_.id, grant_.id, grant_.credentials_sealed, owner,
                                      until, Now());
    });
  };
  auto first = take("proc-a", Now() + seconds(60));
  HERALD_ASSERT_OK(first);
  EXPECT_TRUE(*first);
  auto second = take("proc-b", Now() + seconds(60));
  HERALD_ASSERT_OK(second);
  EXPECT_FALSE(*second);
  auto again = take("proc-a", Now() + seconds(90));  // its owner may extend it
  HERALD_ASSERT_OK(again);
  EXPECT_TRUE(*again);
  // Releasing by someone else changes nothing; by the owner frees it.
  HERALD_ASSERT_OK(InWrite(
      [&](Tx& tx) { return tx.ReleaseGrantRefreshLease(org_.id, grant_.id, "proc-b"); }));
  EXPECT_FALSE(*take("proc-b", Now() + seconds(60)));
  HERALD_ASSERT_OK(InWrite(
      [&](Tx& tx) { return tx.ReleaseGrantRefreshLease(org_.id, grant_.id, "proc-a"); }));
  EXPECT_TRUE(*take("proc-b", Now() + seconds(60)));
  // A lapsed lease (its holder died) can be taken over.
  EXPECT_FALSE(*take("proc-a", Now() + seconds(60)));
  clock_.Advance(seconds(60));
  EXPECT_TRUE(*take("proc-a", Now() + seconds(60)));

  auto stored = InRead([&](Tx& tx) { return tx.GetGrant(org_.id, grant_.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->credentials_sealed, grant_.credentials_sealed);
  EXPECT_EQ(stored->updated_at, grant_.updated_at);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) {
                       return tx.TakeGrantRefreshLease("org_other", grant_.id,
                                                       grant_.credentials_sealed, "proc-a",
                                                       Now() + seconds(60), Now());
                     }),
                     ErrorCode::kNotFound);
}

// The race found under load: a process that read the grant, then another stored refreshed
// tokens (or marked it needs_reauth), must not get the lease with what it read (it would send
// the rotated token again).
TEST_P(StoreContractTest, RefreshLeaseIsNotTakenWithCredentialsThatChanged) {
  auto take = [&](std::string_view sealed) {
    return InWrite([&](Tx& tx) {
      return tx.TakeGrantRefreshLease(org_.id, grant_.id, sealed, "proc-a", Now() + seconds(60),
                                      Now());
    });
  };
  auto stale = take("v1:not-what-is-stored");
  HERALD_ASSERT_OK(stale);
  EXPECT_FALSE(*stale);
  OAuthGrant reauth = grant_;
  reauth.status = AccountStatus::kNeedsReauth;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateGrant(reauth); }));
  auto inactive = take(grant_.credentials_sealed);
  HERALD_ASSERT_OK(inactive);
  EXPECT_FALSE(*inactive);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateGrant(grant_); }));
  auto current = take(grant_.credentials_sealed);
  HERALD_ASSERT_OK(current);
  EXPECT_TRUE(*current);
}

// ---- posts and targets ----

TEST_P(StoreContractTest, PostsRoundTripAndUpdate) {
  Post post = MakePost(org_.id, Now());
  post.content = {{"text", "héllo \"world\" ✓"}, {"thread", {{{"text", "2/2"}}}}};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertPost(post); }));
  auto got = InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->content, post.content);
  EXPECT_EQ(got->publish_at, post.publish_at);
  EXPECT_EQ(got->status, PostStatus::kScheduled);
  EXPECT_EQ(got->time_zone, "Europe/Paris");
  EXPECT_EQ(got->created_by, "key_test");

  Post draft = post;
  draft.status = PostStatus::kPartiallyPublished;
  draft.publish_at.reset();
  draft.time_zone = "";
  draft.content = {{"text", "edited"}};
  draft.updated_at = Now() + minutes(3);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdatePost(draft); }));
  got = InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->status, PostStatus::kPartiallyPublished);
  EXPECT_FALSE(got->publish_at.has_value());
  EXPECT_EQ(got->content, draft.content);
  EXPECT_EQ(got->updated_at, draft.updated_at);
  EXPECT_EQ(got->created_at, post.created_at);

  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertPost(post); }), ErrorCode::kAlreadyExists);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost("org_other", post.id); }),
                     ErrorCode::kNotFound);
  Post ghost = MakePost(org_.id, Now());
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpdatePost(ghost); }), ErrorCode::kNotFound);
  Post foreign = post;
  foreign.org_id = "org_other";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpdatePost(foreign); }), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, LockPostAndSetPostStatusTouchOnlyTheirColumns) {
  Post post = MakePost(org_.id, Now());
  post.content = {{"text", "unchanged"}};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertPost(post); }));
  Post locked;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_ASSIGN_OR_RETURN(locked, tx.LockPost(org_.id, post.id));
    return tx.SetPostStatus(org_.id, post.id, PostStatus::kPublishing, Now() + minutes(1));
  }));
  EXPECT_EQ(locked.content, post.content);
  EXPECT_EQ(locked.status, PostStatus::kScheduled);
  auto got = InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->status, PostStatus::kPublishing);
  EXPECT_EQ(got->updated_at, Now() + minutes(1));
  EXPECT_EQ(got->content, post.content);
  EXPECT_EQ(got->publish_at, post.publish_at);
  // Scoped by organization like every other call.
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.LockPost("org_other", post.id); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) {
                       return tx.SetPostStatus("org_other", post.id, PostStatus::kFailed, Now());
                     }),
                     ErrorCode::kNotFound);
  got = InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); });
  EXPECT_EQ(got->status, PostStatus::kPublishing);
}

TEST_P(StoreContractTest, ListPostsFiltersAndPages) {
  Account other = AddAccount();
  std::vector<Post> posts;
  for (int i = 0; i < 7; ++i) {
    clock_.Advance(seconds(1));
    Post p = MakePost(org_.id, Now());
    p.publish_at = base::FromUnixMicros(0) + hours(100 + i);
    p.status = i % 2 == 0 ? PostStatus::kScheduled : PostStatus::kDraft;
    PostTarget t = MakeTarget(p, i < 3 ? other : account_, Now());
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertPost(p));
      return tx.InsertTarget(t);
    }));
    posts.push_back(p);
  }
  auto ids = [](const std::vector<Post>& v) {
    std::vector<std::string> out;
    for (const auto& p : v) out.push_back(p.id);
    return out;
  };

  PostQuery q;
  q.org_id = org_.id;
  auto all = InRead([&](Tx& tx) { return tx.ListPosts(q); });
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 7u);
  EXPECT_EQ((*all)[0].id, posts[6].id);  // newest first
  EXPECT_EQ((*all)[6].id, posts[0].id);

  // Paging: 3 + 3 + 1, no overlap, same order.
  q.limit = 3;
  std::vector<std::string> paged;
  for (int page = 0; page < 4; ++page) {
    auto r = InRead([&](Tx& tx) { return tx.ListPosts(q); });
    HERALD_ASSERT_OK(r);
    if (r->empty()) break;
    for (const auto& p : *r) paged.push_back(p.id);
    q.after_id = r->back().id;
  }
  EXPECT_EQ(paged, ids(*all));

  PostQuery by_status;
  by_status.org_id = org_.id;
  by_status.status = PostStatus::kDraft;
  auto drafts = InRead([&](Tx& tx) { return tx.ListPosts(by_status); });
  HERALD_ASSERT_OK(drafts);
  EXPECT_EQ(ids(*drafts), (std::vector<std::string>{posts[5].id, posts[3].id, posts[1].id}));

  PostQuery by_account;
  by_account.org_id = org_.id;
  by_account.account_id = other.id;
  auto on_other = InRead([&](Tx& tx) { return tx.ListPosts(by_account); });
  HERALD_ASSERT_OK(on_other);
  EXPECT_EQ(ids(*on_other), (std::vector<std::string>{posts[2].id, posts[1].id, posts[0].id}));

  PostQuery window;
  window.org_id = org_.id;
  window.from = base::FromUnixMicros(0) + hours(102);
  window.to = base::FromUnixMicros(0) + hours(104);
  auto in_window = InRead([&](Tx& tx) { return tx.ListPosts(window); });
  HERALD_ASSERT_OK(in_window);
  EXPECT_EQ(ids(*in_window), (std::vector<std::string>{posts[3].id, posts[2].id}));

  PostQuery foreign;
  foreign.org_id = "org_other";
  auto none = InRead([&](Tx& tx) { return tx.ListPosts(foreign); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  PostQuery bad_cursor;
  bad_cursor.org_id = org_.id;
  bad_cursor.after_id = "post_nope";
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.ListPosts(bad_cursor); }),
                     ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, TargetsRoundTripUpdateAndDelete) {
  Post post = MakePost(org_.id, Now());
  Account second = AddAccount();
  PostTarget t1 = MakeTarget(post, account_, Now());
  PostTarget t2 = MakeTarget(post, second, Now());
  Job job = MakeJob(org_.id, t2.id, second.id, Now(), Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    HERALD_RETURN_IF_ERROR(tx.InsertTarget(t1));
    HERALD_RETURN_IF_ERROR(tx.InsertTarget(t2));
    return tx.InsertJob(job);
  }));
  auto list = InRead([&](Tx& tx) { return tx.ListTargets(org_.id, post.id); });
  HERALD_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, t1.id);
  EXPECT_EQ((*list)[1].id, t2.id);
  EXPECT_EQ((*list)[0].idempotency_key, t1.idempotency_key);
  EXPECT_EQ((*list)[0].status, TargetStatus::kQueued);

  PostTarget done = t1;
  done.status = TargetStatus::kPublished;
  done.external_id = "109";
  done.url = "https://example.social/@alice/109";
  done.attempts = 2;
  done.last_error = "";
  done.next_attempt_at = Now() + minutes(5);
  done.published_at = Now() + minutes(1);
  done.remote_state = {{"thread_ids", {"109", "110"}}};
  done.updated_at = Now() + minutes(1);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpdateTarget(done); }));
  auto got = InRead([&](Tx& tx) { return tx.GetTarget(org_.id, t1.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->status, TargetStatus::kPublished);
  EXPECT_EQ(got->external_id, "109");
  EXPECT_EQ(got->url, done.url);
  EXPECT_EQ(got->attempts, 2);
  EXPECT_EQ(got->next_attempt_at, done.next_attempt_at);
  EXPECT_EQ(got->published_at, done.published_at);
  EXPECT_EQ(got->remote_state, done.remote_state);
  EXPECT_EQ(got->created_at, t1.created_at);

  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetTarget("org_other", t1.id); }),
                     ErrorCode::kNotFound);
  PostTarget ghost = MakeTarget(post, account_, Now());
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpdateTarget(ghost); }), ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertTarget(t1); }),
                     ErrorCode::kAlreadyExists);

  // Deleting a target deletes its jobs.
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.DeleteTarget(org_.id, t2.id); }));
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetJob(job.id); }), ErrorCode::kNotFound);
  list = InRead([&](Tx& tx) { return tx.ListTargets(org_.id, post.id); });
  HERALD_ASSERT_OK(list);
  EXPECT_EQ(list->size(), 1u);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.DeleteTarget(org_.id, t2.id); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.DeleteTarget("org_other", t1.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TargetDeletionRoundTrips) {
  Post post = MakePost(org_.id, Now());
  PostTarget t = MakeTarget(post, account_, Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    return tx.InsertTarget(t);
  }));
  auto got = InRead([&](Tx& tx) { return tx.GetTarget(org_.id, t.id); });
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->deletion, DeletionStatus::kNone);
  EXPECT_EQ(got->deletion_error, "");

  for (DeletionStatus s : {DeletionStatus::kDeleting, DeletionStatus::kFailed,
                           DeletionStatus::kDeleted, DeletionStatus::kNone}) {
    PostTarget changed = *got;
    changed.deletion = s;
    changed.deletion_error = s == DeletionStatus::kFailed ? "Net: the post is pinned" : "";
    ASSERT_THAT(InWrite([&](Tx& tx) { return tx.UpdateTarget(changed); }), IsOk());
    auto list = InRead([&](Tx& tx) { return tx.ListTargets(org_.id, post.id); });
    ASSERT_THAT(list, IsOk());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].deletion, s) << DeletionStatusName(s);
    EXPECT_EQ((*list)[0].deletion_error, changed.deletion_error);
  }
  // Inserted with a deletion state (InsertTargets too).
  PostTarget other = MakeTarget(post, AddAccount(), Now());
  other.deletion = DeletionStatus::kDeleting;
  other.deletion_error = "busy";
  ASSERT_THAT(InWrite([&](Tx& tx) { return tx.InsertTargets({other}); }), IsOk());
  got = InRead([&](Tx& tx) { return tx.GetTarget(org_.id, other.id); });
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->deletion, DeletionStatus::kDeleting);
  EXPECT_EQ(got->deletion_error, "busy");
}

TEST_P(StoreContractTest, DeleteJobsAreClaimedLeasedRetriedAndReclaimedByKind) {
  // A published target with a delete job: claimed only by a claimer asking for deletes.
  Job publish = AddJob(account_, Now() - seconds(5));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CancelJob(publish.id, Now()); }));
  Job del = MakeJob(org_.id, publish.target_id, account_.id, Now() - seconds(1), Now());
  del.kind = JobKind::kDelete;
  ASSERT_THAT(InWrite([&](Tx& tx) { return tx.InsertJob(del); }), IsOk());
  auto jobs = InRead([&](Tx& tx) { return tx.ListJobsForTarget(publish.target_id); });
  ASSERT_THAT(jobs, IsOk());
  ASSERT_EQ(jobs->size(), 2u);

  ClaimRequest publishes{"w1", Now(), std::chrono::milliseconds(10'000), 5, {JobKind::kPublish}};
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(publishes); });
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE(c->empty());

  ClaimRequest deletes{"w1", Now(), std::chrono::milliseconds(10'000), 5, {JobKind::kDelete}};
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(deletes); });
  ASSERT_THAT(c, IsOk());
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].id, del.id);
  EXPECT_EQ((*c)[0].kind, JobKind::kDelete);
  EXPECT_EQ((*c)[0].target_id, publish.target_id);
  EXPECT_EQ((*c)[0].attempts, 1);

  // A delete job holds its account's lease like a publish does.
  Job other_publish = AddJob(account_, Now() - seconds(3));
  ClaimRequest any{"w2", Now(), std::chrono::milliseconds(10'000), 5, {}};
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(any); });
  ASSERT_THAT(c, IsOk());
  EXPECT_TRUE(c->empty());

  // Retried: back to queued at run_at.
  ASSERT_THAT(InWrite([&](Tx& tx) {
                return tx.RescheduleJob(del.id, "w1", Now() + minutes(1), "503", Now());
              }),
              IsOk());
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(del.id); });
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->state, JobState::kQueued);
  EXPECT_EQ(stored->kind, JobKind::kDelete);
  EXPECT_EQ(stored->last_error, "503");
  ASSERT_THAT(InWrite([&](Tx& tx) { return tx.CancelJob(other_publish.id, Now()); }), IsOk());

  // Claimed again, then the lease expires: another worker takes it over; the first is fenced.
  clock_.Advance(minutes(1));
  deletes.now = Now();
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(deletes); });
  ASSERT_THAT(c, IsOk());
  ASSERT_EQ(c->size(), 1u);
  clock_.Advance(seconds(10));
  ClaimRequest thief{"w2", Now(), std::chrono::milliseconds(10'000), 5, {JobKind::kDelete}};
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(thief); });
  ASSERT_THAT(c, IsOk());
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].lease_owner, "w2");
  EXPECT_EQ((*c)[0].attempts, 3);
  EXPECT_THAT(InWrite([&](Tx& tx) { return tx.CompleteJob(del.id, "w1", Now()); }),
              StatusIs(ErrorCode::kAborted));
  EXPECT_THAT(InWrite([&](Tx& tx) { return tx.FailJob(del.id, "w2", "pinned", Now()); }),
              IsOk());
  stored = InRead([&](Tx& tx) { return tx.GetJob(del.id); });
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->state, JobState::kFailed);
  EXPECT_EQ(stored->last_error, "pinned");
}

TEST_P(StoreContractTest, InsertTargetsAndJobsInOneStatement) {
  Post post = MakePost(org_.id, Now());
  Account second = AddAccount();
  Account third = AddAccount();
  std::vector<PostTarget> targets{MakeTarget(post, account_, Now()), MakeTarget(post, second, Now()),
                                  MakeTarget(post, third, Now())};
  std::vector<Job> jobs;
  for (const auto& t : targets) jobs.push_back(MakeJob(org_.id, t.id, t.account_id, Now(), Now()));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    HERALD_RETURN_IF_ERROR(tx.InsertTargets(targets));
    HERALD_RETURN_IF_ERROR(tx.InsertJobs(jobs));
    HERALD_RETURN_IF_ERROR(tx.InsertTargets({}));
    return tx.InsertJobs({});
  }));
  auto listed = InRead([&](Tx& tx) { return tx.ListTargets(org_.id, post.id); });
  HERALD_ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[2].account_id, targets[2].account_id);
  auto job = InRead([&](Tx& tx) { return tx.GetJob(jobs[1].id); });
  HERALD_ASSERT_OK(job);
  EXPECT_EQ(job->target_id, targets[1].id);
  EXPECT_EQ(job->payload, jobs[1].payload);

  // One duplicate fails the whole call, and the transaction rolls back.
  Post other = MakePost(org_.id, Now());
  std::vector<PostTarget> again{MakeTarget(other, account_, Now()), targets[0]};
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) -> Result<void> {
                       HERALD_RETURN_IF_ERROR(tx.InsertPost(other));
                       return tx.InsertTargets(again);
                     }),
                     ErrorCode::kAlreadyExists);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetTarget(org_.id, again[0].id); }),
                     ErrorCode::kNotFound);
  std::vector<Job> dup_jobs{MakeJob(org_.id, "", account_.id, Now(), Now()), jobs[0]};
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertJobs(dup_jobs); }),
                     ErrorCode::kAlreadyExists);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetJob(dup_jobs[0].id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, TargetOfUnknownPostIsRejected) {
  Post never_stored = MakePost(org_.id, Now());
  PostTarget t = MakeTarget(never_stored, account_, Now());
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertTarget(t); }),
                     ErrorCode::kFailedPrecondition);
}

// ---- jobs ----

TEST_P(StoreContractTest, JobsRoundTrip) {
  Job job = AddJob(account_, Now() + minutes(5));
  auto got = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->state, JobState::kQueued);
  EXPECT_EQ(got->kind, JobKind::kPublish);
  EXPECT_EQ(got->run_at, job.run_at);
  EXPECT_EQ(got->payload, job.payload);
  EXPECT_EQ(got->attempts, 0);
  EXPECT_EQ(got->lease_owner, "");
  EXPECT_FALSE(got->lease_until.has_value());
  auto for_target = InRead([&](Tx& tx) { return tx.ListJobsForTarget(job.target_id); });
  HERALD_ASSERT_OK(for_target);
  ASSERT_EQ(for_target->size(), 1u);
  EXPECT_EQ((*for_target)[0].id, job.id);

  // Account-level job (no target).
  Job refresh = MakeJob(org_.id, "", account_.id, Now(), Now());
  refresh.kind = JobKind::kRefresh;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertJob(refresh); }));
  got = InRead([&](Tx& tx) { return tx.GetJob(refresh.id); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->target_id, "");
  EXPECT_EQ(got->kind, JobKind::kRefresh);

  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertJob(refresh); }),
                     ErrorCode::kAlreadyExists);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetJob("job_nope"); }), ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ClaimTakesDueJobsEarliestFirstAndLeasesThem) {
  Account a2 = AddAccount();
  Account a3 = AddAccount();
  Account a4 = AddAccount();
  Job late = AddJob(a2, Now() - seconds(1));
  Job early = AddJob(account_, Now() - minutes(10));
  Job future = AddJob(a3, Now() + minutes(1));
  Job exact = AddJob(a4, Now());

  ClaimRequest req{"worker-1", Now(), std::chrono::milliseconds(300'000), 10, {}};
  auto claimed = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 3u);
  EXPECT_EQ((*claimed)[0].id, early.id);
  EXPECT_EQ((*claimed)[1].id, late.id);
  EXPECT_EQ((*claimed)[2].id, exact.id);
  for (const Job& j : *claimed) {
    EXPECT_EQ(j.state, JobState::kLeased);
    EXPECT_EQ(j.lease_owner, "worker-1");
    EXPECT_EQ(j.lease_until, Now() + minutes(5));
    EXPECT_EQ(j.attempts, 1);
  }
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(early.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kLeased);
  EXPECT_EQ(stored->attempts, 1);

  // Nothing else is due; the future job becomes due later.
  auto again = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(again);
  EXPECT_TRUE(again->empty());
  clock_.Advance(minutes(1));
  req.now = Now();
  again = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, future.id);
}

TEST_P(StoreContractTest, ClaimRespectsLimitKindsAndOwner) {
  std::vector<Account> accounts;
  for (int i = 0; i < 5; ++i) {
    accounts.push_back(AddAccount());
    AddJob(accounts.back(), Now() - seconds(10 - i));
  }
  Job metrics = MakeJob(org_.id, "", account_.id, Now() - hours(1), Now());
  metrics.kind = JobKind::kMetrics;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertJob(metrics); }));

  ClaimRequest only_metrics{"w", Now(), std::chrono::milliseconds(1000), 10, {JobKind::kMetrics}};
  auto m = InWrite([&](Tx& tx) { return tx.ClaimJobs(only_metrics); });
  HERALD_ASSERT_OK(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].id, metrics.id);

  ClaimRequest two{"w", Now(), std::chrono::milliseconds(1000), 2,
                   {JobKind::kPublish, JobKind::kDelete}};
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(two); });
  HERALD_ASSERT_OK(c);
  EXPECT_EQ(c->size(), 2u);

  ClaimRequest zero{"w", Now(), std::chrono::milliseconds(1000), 0, {}};
  auto none = InWrite([&](Tx& tx) { return tx.ClaimJobs(zero); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  ClaimRequest anonymous{"", Now(), std::chrono::milliseconds(1000), 5, {}};
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.ClaimJobs(anonymous); }),
                     ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, ClaimGivesAtMostOneLeasePerAccount) {
  Job first = AddJob(account_, Now() - minutes(3));
  Job second = AddJob(account_, Now() - minutes(2));
  Account other = AddAccount();
  Job other_job = AddJob(other, Now() - minutes(1));

  ClaimRequest req{"w1", Now(), std::chrono::milliseconds(60'000), 10, {}};
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].id, first.id);
  EXPECT_EQ((*c)[1].id, other_job.id);

  // The account holds an unexpired lease: its second job waits, for any claimer.
  req.owner = "w2";
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  EXPECT_TRUE(c->empty());

  // Once the first finishes, the second is claimable.
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CompleteJob(first.id, "w1", Now()); }));
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].id, second.id);
}

TEST_P(StoreContractTest, ExpiredLeaseIsReclaimedAndFencingHolds) {
  Job job = AddJob(account_, Now() - seconds(1));
  ClaimRequest req{"old-worker", Now(), std::chrono::milliseconds(10'000), 5, {}};
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 1u);

  // Before expiry nobody else gets it.
  clock_.Advance(seconds(9));
  ClaimRequest thief{"new-worker", Now(), std::chrono::milliseconds(10'000), 5, {}};
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(thief); });
  HERALD_ASSERT_OK(c);
  EXPECT_TRUE(c->empty());

  // After expiry the claim takes it over (attempts counts both).
  clock_.Advance(seconds(1));
  thief.now = Now();
  c = InWrite([&](Tx& tx) { return tx.ClaimJobs(thief); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].id, job.id);
  EXPECT_EQ((*c)[0].lease_owner, "new-worker");
  EXPECT_EQ((*c)[0].attempts, 2);

  // The old owner is fenced off from every transition; nothing changes.
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CompleteJob(job.id, "old-worker", Now()); }),
                     ErrorCode::kAborted);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) {
                       return tx.RescheduleJob(job.id, "old-worker", Now(), "x", Now());
                     }),
                     ErrorCode::kAborted);
  HERALD_EXPECT_CODE(
      InWrite([&](Tx& tx) { return tx.FailJob(job.id, "old-worker", "x", Now()); }),
      ErrorCode::kAborted);
  HERALD_EXPECT_CODE(
      InWrite([&](Tx& tx) { return tx.ExtendLease(job.id, "old-worker", Now() + hours(1)); }),
      ErrorCode::kAborted);
  auto r = InWrite([&](Tx& tx) { return tx.CompleteJob(job.id, "old-worker", Now()); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "lease lost");
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kLeased);
  EXPECT_EQ(stored->lease_owner, "new-worker");
  EXPECT_EQ(stored->lease_until, Now() + seconds(10));

  // The new owner can extend and complete.
  HERALD_ASSERT_OK(
      InWrite([&](Tx& tx) { return tx.ExtendLease(job.id, "new-worker", Now() + minutes(5)); }));
  stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->lease_until, Now() + minutes(5));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CompleteJob(job.id, "new-worker", Now()); }));
  stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kDone);
  // Done is final: completing again is a lost lease too.
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CompleteJob(job.id, "new-worker", Now()); }),
                     ErrorCode::kAborted);
}

TEST_P(StoreContractTest, RescheduleAndFail) {
  Job job = AddJob(account_, Now());
  ClaimRequest req{"w", Now(), std::chrono::milliseconds(10'000), 5, {}};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.ClaimJobs(req); }));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) {
    return tx.RescheduleJob(job.id, "w", Now() + minutes(2), "429 rate limited", Now());
  }));
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kQueued);
  EXPECT_EQ(stored->run_at, Now() + minutes(2));
  EXPECT_EQ(stored->last_error, "429 rate limited");
  EXPECT_EQ(stored->attempts, 1);
  EXPECT_FALSE(stored->lease_until.has_value());

  auto early = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(early);
  EXPECT_TRUE(early->empty());
  req.now = Now() + minutes(2);
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].attempts, 2);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.FailJob(job.id, "w", "content rejected", Now()); }));
  stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kFailed);
  EXPECT_EQ(stored->last_error, "content rejected");
  auto none = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

// Pacing holds an account: its queued publishes due before the held time move to it; later
// ones, other accounts' and leased jobs stay.
TEST_P(StoreContractTest, DeferAccountPublishJobsMovesOnlyThatAccountsDueOnes) {
  Account other = AddAccount();
  Job due1 = AddJob(account_, Now() - seconds(5));
  Job due2 = AddJob(account_, Now() + seconds(30));
  Job later = AddJob(account_, Now() + hours(2));
  Job elsewhere = AddJob(other, Now() - seconds(5));
  const base::Time until = Now() + hours(1);
  auto moved =
      InWrite([&](Tx& tx) { return tx.DeferAccountPublishJobs(account_.id, until, Now()); });
  HERALD_ASSERT_OK(moved);
  EXPECT_EQ(*moved, 2);
  auto run_at = [&](const Job& j) {
    return InRead([&](Tx& tx) { return tx.GetJob(j.id); })->run_at;
  };
  EXPECT_EQ(run_at(due1), until);
  EXPECT_EQ(run_at(due2), until);
  EXPECT_EQ(run_at(later), Now() + hours(2));
  EXPECT_EQ(run_at(elsewhere), Now() - seconds(5));
  moved = InWrite([&](Tx& tx) { return tx.DeferAccountPublishJobs("acc_none", until, Now()); });
  HERALD_ASSERT_OK(moved);
  EXPECT_EQ(*moved, 0);
}

TEST_P(StoreContractTest, SetJobRunAtAndCancel) {
  Job job = AddJob(account_, Now() + hours(1));
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.SetJobRunAt(job.id, Now() + hours(2), Now()); }));
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->run_at, Now() + hours(2));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SetJobRunAt("job_nope", Now(), Now()); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CancelJob("job_nope", Now()); }),
                     ErrorCode::kNotFound);

  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CancelJob(job.id, Now()); }));
  stored = InRead([&](Tx& tx) { return tx.GetJob(job.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kCancelled);
  HERALD_EXPECT_OK(InWrite([&](Tx& tx) { return tx.CancelJob(job.id, Now()); }));  // idempotent
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SetJobRunAt(job.id, Now(), Now()); }),
                     ErrorCode::kFailedPrecondition);
  ClaimRequest req{"w", Now() + hours(3), std::chrono::milliseconds(1000), 5, {}};
  auto none = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  // Leased and done jobs cannot be cancelled or moved.
  Job leased = AddJob(account_, Now());
  req.now = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.ClaimJobs(req); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CancelJob(leased.id, Now()); }),
                     ErrorCode::kFailedPrecondition);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SetJobRunAt(leased.id, Now(), Now()); }),
                     ErrorCode::kFailedPrecondition);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CompleteJob(leased.id, "w", Now()); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CancelJob(leased.id, Now()); }),
                     ErrorCode::kFailedPrecondition);
}

TEST_P(StoreContractTest, ReclaimExpiredLeasesAndNextDueTime) {
  auto empty = InRead([&](Tx& tx) { return tx.NextDueTime(); });
  HERALD_ASSERT_OK(empty);
  EXPECT_FALSE(empty->has_value());

  Account other = AddAccount();
  Job soon = AddJob(account_, Now());
  Job later = AddJob(other, Now() + hours(1));
  auto next = InRead([&](Tx& tx) { return tx.NextDueTime(); });
  HERALD_ASSERT_OK(next);
  EXPECT_EQ(*next, Now());

  ClaimRequest req{"w", Now(), std::chrono::milliseconds(60'000), 5, {}};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.ClaimJobs(req); }));
  next = InRead([&](Tx& tx) { return tx.NextDueTime(); });
  HERALD_ASSERT_OK(next);
  EXPECT_EQ(*next, Now() + minutes(1));  // the lease expiry comes before the later job

  auto none = InWrite([&](Tx& tx) { return tx.ReclaimExpiredLeases(Now()); });
  HERALD_ASSERT_OK(none);
  EXPECT_EQ(*none, 0);
  clock_.Advance(minutes(1));
  auto one = InWrite([&](Tx& tx) { return tx.ReclaimExpiredLeases(Now()); });
  HERALD_ASSERT_OK(one);
  EXPECT_EQ(*one, 1);
  auto stored = InRead([&](Tx& tx) { return tx.GetJob(soon.id); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->state, JobState::kQueued);
  EXPECT_EQ(stored->attempts, 1);  // untouched by reclaiming
  EXPECT_EQ(stored->lease_owner, "");
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.CompleteJob(soon.id, "w", Now()); }),
                     ErrorCode::kAborted);

  // Finished jobs do not count.
  req.now = Now();
  auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
  HERALD_ASSERT_OK(c);
  ASSERT_EQ(c->size(), 1u);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.CompleteJob(soon.id, "w", Now()); }));
  next = InRead([&](Tx& tx) { return tx.NextDueTime(); });
  HERALD_ASSERT_OK(next);
  EXPECT_EQ(*next, later.run_at);
}

TEST_P(StoreContractTest, ConcurrentClaimersNeverShareAJob) {
  constexpr int kJobs = 120;
  std::vector<Account> accounts;
  for (int i = 0; i < kJobs; ++i) accounts.push_back(AddAccount());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    for (int i = 0; i < kJobs; ++i) {
      Post p = MakePost(org_.id, Now());
      PostTarget t = MakeTarget(p, accounts[static_cast<size_t>(i)], Now());
      HERALD_RETURN_IF_ERROR(tx.InsertPost(p));
      HERALD_RETURN_IF_ERROR(tx.InsertTarget(t));
      HERALD_RETURN_IF_ERROR(
          tx.InsertJob(MakeJob(org_.id, t.id, t.account_id, Now() - seconds(i), Now())));
    }
    return base::Ok();
  }));
  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> got(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ClaimRequest req{"w" + std::to_string(t), Now(), std::chrono::milliseconds(60'000), 7, {}};
      while (true) {
        auto c = InWrite([&](Tx& tx) { return tx.ClaimJobs(req); });
        if (!c.ok()) {
          if (c.error().code() == ErrorCode::kUnavailable) continue;  // busy: retry
          ++errors;
          return;
        }
        if (c->empty()) return;
        for (const Job& j : *c) got[static_cast<size_t>(t)].push_back(j.id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::set<std::string> all;
  size_t total = 0;
  for (const auto& v : got) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(all.size(), static_cast<size_t>(kJobs));
}

// ---- media, metrics ----

TEST_P(StoreContractTest, MediaKeepsBinaryBytes) {
  Media m;
  m.id = base::NewId(base::kMediaPrefix, Now());
  m.org_id = org_.id;
  m.mime_type = "image/png";
  m.file_name = "cat.png";
  m.alt_text = "a cat";
  for (int i = 0; i < 70'000; ++i) m.data.push_back(static_cast<char>(i * 7 % 256));
  m.data[10] = '\0';
  m.size = static_cast<int64_t>(m.data.size());
  m.sha256 = "ab";
  m.created_at = Now();
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertMedia(m); }));
  auto meta = InRead([&](Tx& tx) { return tx.GetMedia(org_.id, m.id, false); });
  HERALD_ASSERT_OK(meta);
  EXPECT_TRUE(meta->data.empty());
  EXPECT_EQ(meta->size, 70'000);
  EXPECT_EQ(meta->mime_type, "image/png");
  EXPECT_EQ(meta->alt_text, "a cat");
  auto full = InRead([&](Tx& tx) { return tx.GetMedia(org_.id, m.id, true); });
  HERALD_ASSERT_OK(full);
  EXPECT_TRUE(full->data == m.data);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetMedia("org_other", m.id, false); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertMedia(m); }), ErrorCode::kAlreadyExists);
}

TEST_P(StoreContractTest, LatestMetricsPerTargetAndAccount) {
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.LatestMetrics(org_.id, account_.id, ""); }),
                     ErrorCode::kNotFound);
  for (int i = 0; i < 3; ++i) {
    Metrics target_m{org_.id, "tgt_1", account_.id, Now() + minutes(i), {{"likes", i}}};
    Metrics account_m{org_.id, "", account_.id, Now() + minutes(i), {{"followers", 100 + i}}};
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertMetrics(target_m));
      return tx.InsertMetrics(account_m);
    }));
  }
  auto t = InRead([&](Tx& tx) { return tx.LatestMetrics(org_.id, account_.id, "tgt_1"); });
  HERALD_ASSERT_OK(t);
  EXPECT_EQ(t->values["likes"], 2);
  EXPECT_EQ(t->target_id, "tgt_1");
  EXPECT_EQ(t->fetched_at, Now() + minutes(2));
  auto a = InRead([&](Tx& tx) { return tx.LatestMetrics(org_.id, account_.id, ""); });
  HERALD_ASSERT_OK(a);
  EXPECT_EQ(a->values["followers"], 102);
  EXPECT_EQ(a->target_id, "");
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.LatestMetrics("org_other", account_.id, ""); }),
                     ErrorCode::kNotFound);
}

// ---- OAuth, idempotency, audit, housekeeping ----

TEST_P(StoreContractTest, OAuthStateIsSingleUse) {
  OAuthState s{"hash-1", org_.id, "mastodon", "key_x", "v1.k.sealed", "http://127.0.0.1/cb",
               {{"instance", "https://example.social"}}, Now(), Now() + minutes(10), std::nullopt};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOAuthState(s); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertOAuthState(s); }),
                     ErrorCode::kAlreadyExists);
  auto used = InWrite([&](Tx& tx) { return tx.ConsumeOAuthState("hash-1", Now() + minutes(1)); });
  HERALD_ASSERT_OK(used);
  EXPECT_EQ(used->platform, "mastodon");
  EXPECT_EQ(used->data, s.data);
  EXPECT_EQ(used->verifier_sealed, "v1.k.sealed");
  EXPECT_EQ(used->used_at, Now() + minutes(1));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.ConsumeOAuthState("hash-1", Now()); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.ConsumeOAuthState("hash-x", Now()); }),
                     ErrorCode::kNotFound);
  OAuthState old = s;
  old.state_hash = "hash-2";
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOAuthState(old); }));
  HERALD_EXPECT_CODE(
      InWrite([&](Tx& tx) { return tx.ConsumeOAuthState("hash-2", Now() + minutes(10)); }),
      ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, IdempotencyRecords) {
  IdempotencyRecord r{org_.id, "k1", "schedule_post", "h1", {{"post_id", "post_1"}}, Now(),
                      Now() + hours(24)};
  auto none = InRead([&](Tx& tx) { return tx.GetIdempotency(org_.id, "k1", Now()); });
  HERALD_ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertIdempotency(r); }));
  auto got = InRead([&](Tx& tx) { return tx.GetIdempotency(org_.id, "k1", Now()); });
  HERALD_ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->response, r.response);
  EXPECT_EQ((*got)->request_hash, "h1");
  EXPECT_EQ((*got)->tool, "schedule_post");
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertIdempotency(r); }),
                     ErrorCode::kAlreadyExists);
  // Another organization may use the same key.
  Organization other = MakeOrg(Now(), "other");
  IdempotencyRecord theirs = r;
  theirs.org_id = other.id;
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOrganization(other));
    return tx.InsertIdempotency(theirs);
  }));
  // Expired: invisible, and replaced by a new insert.
  auto expired = InRead([&](Tx& tx) { return tx.GetIdempotency(org_.id, "k1", Now() + hours(24)); });
  HERALD_ASSERT_OK(expired);
  EXPECT_FALSE(expired->has_value());
  IdempotencyRecord fresh = r;
  fresh.request_hash = "h2";
  fresh.created_at = Now() + hours(25);
  fresh.expires_at = Now() + hours(49);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertIdempotency(fresh); }));
  got = InRead([&](Tx& tx) { return tx.GetIdempotency(org_.id, "k1", Now() + hours(25)); });
  HERALD_ASSERT_OK(got);
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->request_hash, "h2");
}

TEST_P(StoreContractTest, AuditLogNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    AuditEntry e{0, org_.id, "local", "post.create", "post_" + std::to_string(i), {{"i", i}},
                 Now() + seconds(i)};
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.AppendAudit(e); }));
  }
  AuditEntry elsewhere{0, "org_other", "local", "key.create", "key_1", {}, Now()};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.AppendAudit(elsewhere); }));
  auto list = InRead([&](Tx& tx) { return tx.ListAudit(org_.id, 3); });
  HERALD_ASSERT_OK(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].subject, "post_4");
  EXPECT_EQ((*list)[2].subject, "post_2");
  EXPECT_GT((*list)[0].id, (*list)[1].id);
  EXPECT_EQ((*list)[0].detail["i"], 4);
  EXPECT_EQ((*list)[0].at, Now() + seconds(4));
  auto all = InRead([&](Tx& tx) { return tx.ListAudit("", 100); });
  HERALD_ASSERT_OK(all);
  EXPECT_EQ(all->size(), 6u);
}

TEST_P(StoreContractTest, DeleteExpiredRemovesOnlyExpired) {
  OAuthState live{"live", org_.id, "x", "", "", "", {}, Now(), Now() + hours(1), std::nullopt};
  OAuthState dead{"dead", org_.id, "x", "", "", "", {}, Now(), Now() - seconds(1), std::nullopt};
  IdempotencyRecord live_i{org_.id, "a", "t", "h", {}, Now(), Now() + hours(1)};
  IdempotencyRecord dead_i{org_.id, "b", "t", "h", {}, Now() - hours(2), Now() - hours(1)};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthState(live));
    HERALD_RETURN_IF_ERROR(tx.InsertOAuthState(dead));
    HERALD_RETURN_IF_ERROR(tx.InsertIdempotency(live_i));
    return tx.InsertIdempotency(dead_i);
  }));
  auto n = InWrite([&](Tx& tx) { return tx.DeleteExpired(Now()); });
  HERALD_ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  n = InWrite([&](Tx& tx) { return tx.DeleteExpired(Now()); });
  HERALD_ASSERT_OK(n);
  EXPECT_EQ(*n, 0);
  HERALD_EXPECT_OK(InWrite([&](Tx& tx) { return tx.ConsumeOAuthState("live", Now()); }));
}

// ---- transactions ----

TEST_P(StoreContractTest, FailedWriteRollsBackEverything) {
  Post post = MakePost(org_.id, Now());
  auto r = store_->Write([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    return base::FailedPrecondition("changed my mind");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message(), "changed my mind");
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, SwallowedStatementErrorFailsTheCommit) {
  // The callback ignores a failed statement and returns Ok: the store must not report success
  // for a transaction the database has aborted (PostgreSQL) and must not commit half of it.
  Post post = MakePost(org_.id, Now());
  Post never = MakePost(org_.id, Now());
  PostTarget orphan = MakeTarget(never, account_, Now());
  auto r = store_->Write([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    (void)tx.InsertTarget(orphan);  // foreign-key violation, ignored
    return base::Ok();
  });
  EXPECT_FALSE(r.ok());
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, ReadSeesCommittedWritesAndCannotWrite) {
  Post post = MakePost(org_.id, Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertPost(post); }));
  HERALD_EXPECT_OK(InRead([&](Tx& tx) { return tx.GetPost(org_.id, post.id); }));
  if (IsMemory()) return;  // one shared connection; Read is not enforced read-only there
  Post other = MakePost(org_.id, Now());
  auto r = store_->Read([&](Tx& tx) { return tx.InsertPost(other); });
  EXPECT_FALSE(r.ok());
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost(org_.id, other.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, WriteBatchedCommitsConcurrentUnits) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        Post p = MakePost(org_.id, Now());
        PostTarget target = MakeTarget(p, account_, Now());
        auto r = store_->WriteBatched([&](Tx& tx) -> Result<void> {
          HERALD_RETURN_IF_ERROR(tx.InsertPost(p));
          HERALD_RETURN_IF_ERROR(tx.InsertTarget(target));
          return tx.InsertJob(MakeJob(org_.id, target.id, account_.id, Now(), Now()));
        });
        if (!r.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  PostQuery q;
  q.org_id = org_.id;
  q.limit = 1000;
  auto posts = InRead([&](Tx& tx) { return tx.ListPosts(q); });
  HERALD_ASSERT_OK(posts);
  EXPECT_EQ(posts->size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST_P(StoreContractTest, WriteBatchedFailingUnitRollsBackOnlyItself) {
  // Several units share one transaction: hold the batch open with a gate so they all queue.
  Post good1 = MakePost(org_.id, Now());
  Post good2 = MakePost(org_.id, Now());
  Post bad_logic = MakePost(org_.id, Now());
  Post bad_db = MakePost(org_.id, Now());
  Post never = MakePost(org_.id, Now());
  PostTarget orphan = MakeTarget(never, account_, Now());

  std::mutex mu;
  std::condition_variable cv;
  bool gate_entered = false, release = false;
  std::thread holder([&] {
    auto r = store_->WriteBatched([&](Tx&) -> Result<void> {
      std::unique_lock lock(mu);
      gate_entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
      return base::Ok();
    });
    EXPECT_THAT(r, IsOk());
  });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, seconds(30), [&] { return gate_entered; }));
  }
  // Only one batch runs at a time on SQLite; on PostgreSQL the pool of 4 allows 2. Fill the
  // queue anyway: each unit gets its own result regardless of how they are grouped.
  Result<void> r_good1, r_good2, r_bad_logic, r_bad_db;
  std::vector<std::thread> units;
  units.emplace_back([&] {
    r_good1 = store_->WriteBatched([&](Tx& tx) { return tx.InsertPost(good1); });
  });
  units.emplace_back([&] {
    r_bad_logic = store_->WriteBatched([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertPost(bad_logic));
      return base::FailedPrecondition("unit says no");
    });
  });
  units.emplace_back([&] {
    r_bad_db = store_->WriteBatched([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertPost(bad_db));
      return tx.InsertTarget(orphan);  // a database error inside the unit
    });
  });
  units.emplace_back([&] {
    r_good2 = store_->WriteBatched([&](Tx& tx) { return tx.InsertPost(good2); });
  });
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& th : units) th.join();
  holder.join();

  HERALD_EXPECT_OK(r_good1);
  HERALD_EXPECT_OK(r_good2);
  ASSERT_FALSE(r_bad_logic.ok());
  EXPECT_EQ(r_bad_logic.error().message(), "unit says no");
  ASSERT_THAT(r_bad_db, StatusIs(ErrorCode::kFailedPrecondition));
  HERALD_EXPECT_OK(InRead([&](Tx& tx) { return tx.GetPost(org_.id, good1.id); }));
  HERALD_EXPECT_OK(InRead([&](Tx& tx) { return tx.GetPost(org_.id, good2.id); }));
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost(org_.id, bad_logic.id); }),
                     ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetPost(org_.id, bad_db.id); }),
                     ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, JobsChangedCallbackFiresAfterCommit) {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  store_->SetJobsChangedCallback([&] {
    std::lock_guard lock(mu);
    ++calls;
    cv.notify_all();
  });
  auto wait_for_call = [&]() {
    std::unique_lock lock(mu);
    bool fired = cv.wait_for(lock, seconds(20), [&] { return calls > 0; });
    calls = 0;
    return fired;
  };
  if (GetParam() == BackendKind::kPostgres) {
    // The listener signals once when it is (re)connected.
    ASSERT_TRUE(wait_for_call());
  }
  Job job = AddJob(account_, Now());
  EXPECT_TRUE(wait_for_call()) << "no callback after InsertJob";
  ClaimRequest req{"w", Now(), std::chrono::milliseconds(1000), 1, {}};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.ClaimJobs(req); }));
  {
    std::lock_guard lock(mu);
    calls = 0;
  }
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) {
    return tx.RescheduleJob(job.id, "w", Now() + minutes(1), "later", Now());
  }));
  EXPECT_TRUE(wait_for_call()) << "no callback after RescheduleJob";
  // Through group commit too.
  HERALD_ASSERT_OK(store_->WriteBatched(
      [&](Tx& tx) { return tx.SetJobRunAt(job.id, Now() + minutes(2), Now()); }));
  EXPECT_TRUE(wait_for_call()) << "no callback after a batched SetJobRunAt";
  store_->SetJobsChangedCallback(nullptr);
}

// ---- web console sessions ----

TEST_P(StoreContractTest, ConsoleSessionsExpireAndSignOut) {
  ApiKey key = MakeKey(org_.id, Now(), "hk_console01");
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertApiKey(key); }));
  ConsoleSession s{std::string(64, 'c'), org_.id, key.id, Now(), Now() + hours(12)};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertConsoleSession(s); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.InsertConsoleSession(s); }),
                     ErrorCode::kAlreadyExists);
  auto got = InRead([&](Tx& tx) { return tx.GetConsoleSession(s.token_hash, Now()); });
  HERALD_ASSERT_OK(got);
  EXPECT_EQ(got->org_id, org_.id);
  EXPECT_EQ(got->key_id, key.id);
  EXPECT_EQ(got->expires_at, Now() + hours(12));
  HERALD_EXPECT_CODE(
      InRead([&](Tx& tx) { return tx.GetConsoleSession(s.token_hash, Now() + hours(12)); }),
      ErrorCode::kNotFound);
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetConsoleSession("nope", Now()); }),
                     ErrorCode::kNotFound);

  ConsoleSession old{std::string(64, 'd'), org_.id, key.id, Now() - hours(13), Now() - hours(1)};
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertConsoleSession(old); }));
  auto swept = InWrite([&](Tx& tx) { return tx.DeleteExpiredConsoleSessions(Now()); });
  HERALD_ASSERT_OK(swept);
  EXPECT_EQ(*swept, 1);
  HERALD_EXPECT_OK(InRead([&](Tx& tx) { return tx.GetConsoleSession(s.token_hash, Now()); }));

  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.DeleteConsoleSession(s.token_hash); }));
  HERALD_EXPECT_OK(InWrite([&](Tx& tx) { return tx.DeleteConsoleSession(s.token_hash); }));
  HERALD_EXPECT_CODE(InRead([&](Tx& tx) { return tx.GetConsoleSession(s.token_hash, Now()); }),
                     ErrorCode::kNotFound);
}

}  // namespace
}  // namespace herald::store::testing
