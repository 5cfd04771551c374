// The Store contract suite, analytics part: metric samples over time, analytics posts (herald's
// and imported ones) and the collection plan, on every backend (instantiated with the rest of
// the suite in sqlite_contract_test.cpp and postgres_contract_test.cpp).
#include <set>

#include "tests/store/contract_fixture.h"

namespace herald::store::testing {
namespace {

using base::ErrorCode;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

Json Sample(int likes) {
  return {{"normalized", {{"likes", likes}}}, {"raw", {{"favourites_count", likes}}}};
}

AnalyticsPost MakeAnalyticsPost(const std::string& org_id, const std::string& account_id,
                                const std::string& remote_id, base::Time published_at) {
  AnalyticsPost p;
  p.org_id = org_id;
  p.account_id = account_id;
  p.remote_id = remote_id;
  p.platform = "mastodon";
  p.url = "https://example.social/@alice/" + remote_id;
  p.published_at = published_at;
  p.text_excerpt = "hello " + remote_id;
  return p;
}

TEST_P(StoreContractTest, MetricsHistoryOfATargetAndAnAccountOverARange) {
  for (int i = 0; i < 4; ++i) {
    Metrics target_m{org_.id, "tgt_1", account_.id, Now() + hours(i), Sample(i)};
    Metrics account_m{org_.id,
                      "",
                      account_.id,
                      Now() + hours(24 * i),
                      {{"normalized", {{"followers", 100 + i}}}}};
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertMetrics(target_m));
      return tx.InsertMetrics(account_m);
    }));
  }
  auto t = InRead([&](Tx& tx) {
    return tx.ListMetrics(org_.id, account_.id, "tgt_1", Now(), Now() + hours(100), 0);
  });
  HERALD_ASSERT_OK(t);
  ASSERT_EQ(t->size(), 4u);
  EXPECT_EQ((*t)[0].values["normalized"]["likes"], 0);
  EXPECT_EQ((*t)[3].values["normalized"]["likes"], 3);
  EXPECT_EQ((*t)[3].fetched_at, Now() + hours(3));

  // [from, to): the sample at `to` is left out; limit keeps the oldest.
  auto a = InRead([&](Tx& tx) {
    return tx.ListMetrics(org_.id, account_.id, "", Now() + hours(24), Now() + hours(72), 0);
  });
  HERALD_ASSERT_OK(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].values["normalized"]["followers"], 101);
  EXPECT_EQ((*a)[1].values["normalized"]["followers"], 102);
  auto limited = InRead([&](Tx& tx) {
    return tx.ListMetrics(org_.id, account_.id, "", Now(), Now() + hours(100), 1);
  });
  HERALD_ASSERT_OK(limited);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].values["normalized"]["followers"], 100);

  auto other = InRead([&](Tx& tx) {
    return tx.ListMetrics("org_other", account_.id, "tgt_1", Now(), Now() + hours(100), 0);
  });
  HERALD_ASSERT_OK(other);
  EXPECT_TRUE(other->empty());
}

TEST_P(StoreContractTest, AnalyticsPostUpsertKeepsTheHeraldLinkAndTheNewestMetrics) {
  AnalyticsPost herald_post = MakeAnalyticsPost(org_.id, account_.id, "111", Now());
  herald_post.post_id = "pst_1";
  herald_post.target_id = "tgt_1";
  herald_post.metrics = Sample(5);
  herald_post.collected_at = Now() + hours(2);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPost(herald_post); }));

  // A history import sees the same remote post with older numbers: the link and the newer
  // metrics stay.
  AnalyticsPost imported = MakeAnalyticsPost(org_.id, account_.id, "111", Now());
  imported.metrics = Sample(3);
  imported.collected_at = Now() + hours(1);
  imported.text_excerpt = "";
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPosts({imported}); }));
  auto rows = InRead([&](Tx& tx) { return tx.ListAnalyticsPostsOfPost(org_.id, "pst_1"); });
  HERALD_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].target_id, "tgt_1");
  EXPECT_EQ((*rows)[0].text_excerpt, "hello 111");
  EXPECT_EQ((*rows)[0].metrics["normalized"]["likes"], 5);
  EXPECT_EQ((*rows)[0].collected_at, Now() + hours(2));

  // Newer numbers replace them.
  imported.metrics = Sample(9);
  imported.collected_at = Now() + hours(3);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPost(imported); }));
  rows = InRead([&](Tx& tx) { return tx.ListAnalyticsPostsOfPost(org_.id, "pst_1"); });
  HERALD_ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].metrics["normalized"]["likes"], 9);
  EXPECT_EQ((*rows)[0].metrics["raw"]["favourites_count"], 9);
  EXPECT_EQ((*rows)[0].post_id, "pst_1");

  // Without metrics (not measured yet): the stored ones stay.
  AnalyticsPost bare = MakeAnalyticsPost(org_.id, account_.id, "111", Now());
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPost(bare); }));
  rows = InRead([&](Tx& tx) { return tx.ListAnalyticsPostsOfPost(org_.id, "pst_1"); });
  HERALD_ASSERT_OK(rows);
  EXPECT_EQ((*rows)[0].metrics["normalized"]["likes"], 9);

  AnalyticsPost no_id = bare;
  no_id.remote_id = "";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPost(no_id); }),
                     ErrorCode::kInvalidArgument);
}

TEST_P(StoreContractTest, AnalyticsPostsOverARangeAndAccounts) {
  Account second = AddAccount();
  std::vector<AnalyticsPost> posts;
  for (int day = 0; day < 10; ++day) {
    for (const Account* a : {&account_, &second}) {
      AnalyticsPost p =
          MakeAnalyticsPost(org_.id, a->id, "r" + std::to_string(day), Now() + hours(24 * day));
      p.metrics = Sample(day);
      p.collected_at = Now() + hours(24 * day + 1);
      posts.push_back(p);
    }
  }
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPosts(posts); }));

  AnalyticsPostQuery q;
  q.org_id = org_.id;
  q.from = Now() + hours(24 * 2);
  q.to = Now() + hours(24 * 5);
  auto all = InRead([&](Tx& tx) { return tx.ListAnalyticsPosts(q); });
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 6u);  // days 2, 3, 4 on two accounts; day 5 is `to`, left out
  EXPECT_EQ((*all)[0].published_at, q.from);
  EXPECT_EQ((*all)[5].published_at, Now() + hours(24 * 4));
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_LE((*all)[i - 1].published_at, (*all)[i].published_at);
  }

  q.account_ids = {second.id};
  auto one = InRead([&](Tx& tx) { return tx.ListAnalyticsPosts(q); });
  HERALD_ASSERT_OK(one);
  ASSERT_EQ(one->size(), 3u);
  for (const AnalyticsPost& p : *one) EXPECT_EQ(p.account_id, second.id);
  EXPECT_EQ((*one)[1].metrics["normalized"]["likes"], 3);

  q.account_ids.clear();
  q.limit = 2;
  auto limited = InRead([&](Tx& tx) { return tx.ListAnalyticsPosts(q); });
  HERALD_ASSERT_OK(limited);
  EXPECT_EQ(limited->size(), 2u);

  q.org_id = "org_other";
  q.limit = 0;
  auto other = InRead([&](Tx& tx) { return tx.ListAnalyticsPosts(q); });
  HERALD_ASSERT_OK(other);
  EXPECT_TRUE(other->empty());
}

TEST_P(StoreContractTest, AnalyticsRevisionsListWhatChangedSinceAReaderLastLooked) {
  auto revision = [&](const std::string& org) {
    return InRead([&](Tx& tx) { return tx.GetAnalyticsRevision(org); });
  };
  auto changed = [&](const AnalyticsChangeCursor& cursor, int64_t up_to, int limit) {
    return InRead(
        [&](Tx& tx) { return tx.ListAnalyticsPostsChanged(org_.id, cursor, up_to, limit); });
  };
  HERALD_ASSERT_OK(revision(org_.id));
  EXPECT_EQ(*revision(org_.id), 0);

  // A batch of five is one revision; each single upsert is the next one.
  Account second = AddAccount();
  std::vector<AnalyticsPost> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(MakeAnalyticsPost(org_.id, i % 2 == 0 ? account_.id : second.id,
                                      "b" + std::to_string(i), Now() + hours(i)));
  }
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPosts(batch); }));
  EXPECT_EQ(*revision(org_.id), 1);
  AnalyticsPost single = MakeAnalyticsPost(org_.id, account_.id, "b0", Now());
  single.metrics = Sample(9);
  single.collected_at = Now() + hours(1);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAnalyticsPost(single); }));
  EXPECT_EQ(*revision(org_.id), 2);

  // Everything from -1; only the rewritten post after revision 1; nothing after 2.
  auto all = changed({.revision = -1, .account_id = "", .remote_id = ""}, 2, 0);
  HERALD_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(all->back().remote_id, "b0");
  EXPECT_EQ(all->back().revision, 2);
  EXPECT_EQ(all->back().metrics["normalized"]["likes"], 9);
  auto since_one = changed({.revision = 1, .account_id = "", .remote_id = ""}, 2, 0);
  HERALD_ASSERT_OK(since_one);
  ASSERT_EQ(since_one->size(), 1u);
  EXPECT_EQ((*since_one)[0].remote_id, "b0");
  auto up_to_one = changed({.revision = -1, .account_id = "", .remote_id = ""}, 1, 0);
  HERALD_ASSERT_OK(up_to_one);
  EXPECT_EQ(up_to_one->size(), 4u);  // b0 moved on to revision 2
  EXPECT_TRUE(changed({.revision = 2, .account_id = "", .remote_id = ""}, 2, 0)->empty());

  // Pages of two, resumed from the last row, see every post once.
  std::set<std::string> seen;
  AnalyticsChangeCursor cursor{.revision = -1, .account_id = "", .remote_id = ""};
  for (int page = 0; page < 10; ++page) {
    auto rows = changed(cursor, 2, 2);
    HERALD_ASSERT_OK(rows);
    for (const AnalyticsPost& p : *rows) EXPECT_TRUE(seen.insert(p.remote_id).second);
    if (rows->size() < 2) break;
    cursor = {.revision = rows->back().revision,
              .account_id = rows->back().account_id,
              .remote_id = rows->back().remote_id};
  }
  EXPECT_EQ(seen.size(), 5u);

  // One post by key; another organization sees neither the post nor the revision.
  auto one = InRead([&](Tx& tx) { return tx.GetAnalyticsPost(org_.id, second.id, "b1"); });
  HERALD_ASSERT_OK(one);
  EXPECT_EQ(one->url, "https://example.social/@alice/b1");
  auto foreign = InRead([&](Tx& tx) { return tx.GetAnalyticsPost("org_other", second.id, "b1"); });
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(*revision("org_other"), 0);
  auto other_rows = InRead([&](Tx& tx) {
    return tx.ListAnalyticsPostsChanged(
        "org_other", {.revision = -1, .account_id = "", .remote_id = ""}, 100, 0);
  });
  HERALD_ASSERT_OK(other_rows);
  EXPECT_TRUE(other_rows->empty());
}

CollectionTask MakeTask(const std::string& org_id, const std::string& account_id,
                        const std::string& target_id, base::Time next_at) {
  CollectionTask t;
  t.org_id = org_id;
  t.account_id = account_id;
  t.target_id = target_id;
  t.platform = "mastodon";
  t.published_at = next_at - hours(1);
  t.next_at = next_at;
  return t;
}

TEST_P(StoreContractTest, CollectionPlanClaimsDueEntriesOnceAndSettlesThem) {
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(tx.UpsertCollectionTask(MakeTask(org_.id, account_.id, "tgt_a", Now())));
    HERALD_RETURN_IF_ERROR(
        tx.UpsertCollectionTask(MakeTask(org_.id, account_.id, "", Now() - minutes(5))));
    return tx.UpsertCollectionTask(MakeTask(org_.id, account_.id, "tgt_b", Now() + hours(1)));
  }));
  auto next = InRead([&](Tx& tx) { return tx.NextCollectionDue(); });
  HERALD_ASSERT_OK(next);
  EXPECT_EQ(*next, Now() - minutes(5));

  auto claimed =
      InWrite([&](Tx& tx) { return tx.ClaimCollectionTasks("w1", Now(), seconds(60), 10); });
  HERALD_ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 2u);  // the due ones, earliest first; tgt_b is not due
  EXPECT_EQ((*claimed)[0].target_id, "");
  EXPECT_EQ((*claimed)[1].target_id, "tgt_a");
  EXPECT_EQ((*claimed)[1].lease_owner, "w1");
  EXPECT_EQ((*claimed)[1].lease_until, Now() + seconds(60));

  // Claimed once: a second claimer gets nothing until the lease lapses.
  auto again =
      InWrite([&](Tx& tx) { return tx.ClaimCollectionTasks("w2", Now(), seconds(60), 10); });
  HERALD_ASSERT_OK(again);
  EXPECT_TRUE(again->empty());
  next = InRead([&](Tx& tx) { return tx.NextCollectionDue(); });
  HERALD_ASSERT_OK(next);
  EXPECT_EQ(*next, Now() + seconds(60));

  // Settling: only the holder; the entry moves on.
  CollectionTask done = (*claimed)[1];
  done.stage = 1;
  done.next_at = Now() + hours(24);
  done.last_error = "";
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SettleCollectionTask(done, "w2"); }),
                     ErrorCode::kAborted);
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.SettleCollectionTask(done, "w1"); }));
  HERALD_EXPECT_CODE(InWrite([&](Tx& tx) { return tx.SettleCollectionTask(done, "w1"); }),
                     ErrorCode::kAborted);  // already settled: the lease is gone
  auto stored = InRead([&](Tx& tx) { return tx.GetCollectionTask(org_.id, account_.id, "tgt_a"); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->stage, 1);
  EXPECT_EQ(stored->next_at, Now() + hours(24));
  EXPECT_TRUE(stored->lease_owner.empty());
  EXPECT_FALSE(stored->lease_until.has_value());

  // A lapsed lease is claimed again by another worker.
  auto lapsed = InWrite(
      [&](Tx& tx) { return tx.ClaimCollectionTasks("w2", Now() + seconds(61), seconds(60), 10); });
  HERALD_ASSERT_OK(lapsed);
  ASSERT_EQ(lapsed->size(), 1u);
  EXPECT_EQ((*lapsed)[0].target_id, "");
  EXPECT_EQ((*lapsed)[0].lease_owner, "w2");

  auto plan = InRead([&](Tx& tx) { return tx.ListCollectionTasks(org_.id, account_.id); });
  HERALD_ASSERT_OK(plan);
  EXPECT_EQ(plan->size(), 3u);
  auto other = InRead([&](Tx& tx) { return tx.ListCollectionTasks("org_other", ""); });
  HERALD_ASSERT_OK(other);
  EXPECT_TRUE(other->empty());
  HERALD_EXPECT_CODE(
      InRead([&](Tx& tx) { return tx.GetCollectionTask("org_other", account_.id, "tgt_a"); }),
      ErrorCode::kNotFound);

  HERALD_ASSERT_OK(
      InWrite([&](Tx& tx) { return tx.DeleteCollectionTask(org_.id, account_.id, "tgt_a"); }));
  HERALD_ASSERT_OK(
      InWrite([&](Tx& tx) { return tx.DeleteCollectionTask(org_.id, account_.id, "tgt_a"); }));
  HERALD_EXPECT_CODE(
      InRead([&](Tx& tx) { return tx.GetCollectionTask(org_.id, account_.id, "tgt_a"); }),
      ErrorCode::kNotFound);
}

TEST_P(StoreContractTest, CollectionPlanUpsertReplacesAndFreesTheLease) {
  HERALD_ASSERT_OK(InWrite(
      [&](Tx& tx) { return tx.UpsertCollectionTask(MakeTask(org_.id, account_.id, "", Now())); }));
  HERALD_ASSERT_OK(
      InWrite([&](Tx& tx) { return tx.ClaimCollectionTasks("w1", Now(), seconds(60), 1); }));
  CollectionTask soon = MakeTask(org_.id, account_.id, "", Now());
  soon.failures = 2;
  soon.last_error = "rate limited";
  HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertCollectionTask(soon); }));
  auto stored = InRead([&](Tx& tx) { return tx.GetCollectionTask(org_.id, account_.id, ""); });
  HERALD_ASSERT_OK(stored);
  EXPECT_EQ(stored->failures, 2);
  EXPECT_EQ(stored->last_error, "rate limited");
  EXPECT_TRUE(stored->lease_owner.empty());
  auto claimed =
      InWrite([&](Tx& tx) { return tx.ClaimCollectionTasks("w2", Now(), seconds(60), 5); });
  HERALD_ASSERT_OK(claimed);
  EXPECT_EQ(claimed->size(), 1u);
}

TEST_P(StoreContractTest, EmptyCollectionPlanHasNoDueTime) {
  auto next = InRead([&](Tx& tx) { return tx.NextCollectionDue(); });
  HERALD_ASSERT_OK(next);
  EXPECT_FALSE(next->has_value());
}

}  // namespace
}  // namespace herald::store::testing
