// FakeStore: an in-memory Store with real transactions (a Write works on a copy that replaces
// the data only when the callback succeeds) covering what the account service uses:
// organizations, accounts, OAuth states, audit, posts (listing). Everything else is
// kUnimplemented. For fast unit tests; the SQLite store runs the same tests when available.
#ifndef HERALD_TESTS_ACCOUNTS_FAKE_STORE_H_
#define HERALD_TESTS_ACCOUNTS_FAKE_STORE_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace herald::testing {

class FakeStore final : public store::Store {
 public:
  struct Data {
    std::vector<store::Organization> orgs;
    std::vector<store::Account> accounts;
    std::map<std::string, store::OAuthState> oauth_states;
    std::vector<store::AuditEntry> audit;
    std::vector<store::Post> posts;
    std::vector<store::PostTarget> targets;
    int64_t next_audit_id = 1;
  };

  std::string_view backend() const override { return "fake"; }
  base::Result<void> Read(const store::TxFn& fn) override;
  base::Result<void> Write(const store::TxFn& fn) override;
  base::Result<void> WriteBatched(store::TxFn fn) override { return Write(fn); }
  void SetJobsChangedCallback(std::function<void()>) override {}
  int KnownSchemaVersion() const override { return 1; }
  base::Result<int> SchemaVersion() override { return 1; }
  base::Result<int> Migrate() override { return 1; }

  // A copy of everything stored (for assertions, e.g. that no clear secret is in it).
  Data Snapshot() const;
  // Every stored string, concatenated (accounts, states, audit), for secret scans.
  std::string Dump() const;

 private:
  mutable std::mutex mu_;
  Data data_;
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_ACCOUNTS_FAKE_STORE_H_
