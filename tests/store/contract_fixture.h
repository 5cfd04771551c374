// The fixture of the Store contract suite (store_contract_test.cpp), shared by the SQLite and
// PostgreSQL test binaries, which instantiate it for their backends.
#ifndef HERALD_TESTS_STORE_CONTRACT_FIXTURE_H_
#define HERALD_TESTS_STORE_CONTRACT_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>

#include "base/clock.h"
#include "base/ids.h"
#include "store/store.h"
#include "tests/store/test_support.h"

#define HERALD_EXPECT_OK(expr)                                                         \
  do {                                                                                 \
    auto&& herald_r_ = (expr);                                                         \
    EXPECT_TRUE(herald_r_.ok()) << herald_r_.error().ToString() << " ["                \
                                << herald_r_.error().detail() << "]";                  \
  } while (0)
#define HERALD_ASSERT_OK(expr)                                                         \
  do {                                                                                 \
    auto&& herald_r_ = (expr);                                                         \
    ASSERT_TRUE(herald_r_.ok()) << herald_r_.error().ToString() << " ["                \
                                << herald_r_.error().detail() << "]";                  \
  } while (0)
#define HERALD_EXPECT_CODE(expr, code_)                                                \
  do {                                                                                 \
    auto&& herald_r_ = (expr);                                                         \
    ASSERT_FALSE(herald_r_.ok()) << "expected " << base::ErrorCodeName(code_);         \
    EXPECT_EQ(herald_r_.error().code(), code_) << herald_r_.error().ToString() << " [" \
                                               << herald_r_.error().detail() << "]";   \
  } while (0)

namespace herald::store::testing {

class StoreContractTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  void SetUp() override {
    auto db = MakeTestDatabase(GetParam());
    ASSERT_TRUE(db.ok()) << db.error().message();
    db_ = std::move(*db);
    auto opened = OpenTestStore(db_->url());
    ASSERT_TRUE(opened.ok()) << opened.error().ToString() << " [" << opened.error().detail() << "]";
    store_ = std::move(*opened);
    org_ = MakeOrg(Now(), "acme");
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertOrganization(org_); }));
    account_ = MakeAccount(org_.id, Now());
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.UpsertAccount(account_); }));
    grant_.id = base::NewId(base::kGrantPrefix, Now());
    grant_.org_id = org_.id;
    grant_.platform = "linkedin";
    grant_.credentials_sealed = "v1.test.grant-tokens";
    grant_.token_expires_at = Now() + std::chrono::hours(1);
    grant_.created_at = Now();
    grant_.updated_at = Now();
    HERALD_ASSERT_OK(InWrite([&](Tx& tx) { return tx.InsertGrant(grant_); }));
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  base::Time Now() const { return clock_.Now(); }
  bool IsMemory() const { return GetParam() == BackendKind::kSqliteMemory; }

  // Runs `f(tx) -> Result<T>` in Write/Read and returns its result (or the commit error).
  template <class F>
  std::invoke_result_t<F, Tx&> InWrite(F&& f) {
    return Run(/*write=*/true, std::forward<F>(f));
  }
  template <class F>
  std::invoke_result_t<F, Tx&> InRead(F&& f) {
    return Run(/*write=*/false, std::forward<F>(f));
  }

  // A post with one target on `account` and one queued job for it, due at `run_at`.
  Job AddJob(const Account& account, base::Time run_at) {
    Post post = MakePost(org_.id, Now());
    PostTarget target = MakeTarget(post, account, Now());
    Job job = MakeJob(org_.id, target.id, account.id, run_at, Now());
    auto r = InWrite([&](Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
      HERALD_RETURN_IF_ERROR(tx.InsertTarget(target));
      return tx.InsertJob(job);
    });
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return job;
  }
  Account AddAccount() {
    Account a = MakeAccount(org_.id, Now());
    auto r = InWrite([&](Tx& tx) { return tx.UpsertAccount(a); });
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return a;
  }

  base::FakeClock clock_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  Organization org_;
  Account account_;
  OAuthGrant grant_;  // an active OAuth grant no account points at yet

 private:
  template <class F>
  std::invoke_result_t<F, Tx&> Run(bool write, F&& f) {
    using R = std::invoke_result_t<F, Tx&>;
    std::optional<R> out;
    auto body = [&](Tx& tx) -> Result<void> {
      out.emplace(f(tx));
      if (!out->ok()) return out->error();
      return base::Ok();
    };
    Result<void> r = write ? store_->Write(body) : store_->Read(body);
    if (!r.ok() && (!out.has_value() || out->ok())) return R(r.error());
    return std::move(*out);
  }
};

}  // namespace herald::store::testing

#endif  // HERALD_TESTS_STORE_CONTRACT_FIXTURE_H_
