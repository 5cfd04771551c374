#include "tests/accounts/fake_store.h"

#include <algorithm>

namespace herald::testing {
namespace {

using base::Result;
using base::Unimplemented;
namespace s = store;

class FakeTx final : public store::Tx {
 public:
  explicit FakeTx(FakeStore::Data& d) : d_(d) {}

  Result<void> InsertOrganization(const s::Organization& org) override {
    for (const auto& o : d_.orgs) {
      if (o.id == org.id || o.name == org.name) return base::AlreadyExists("organization exists");
    }
    d_.orgs.push_back(org);
    return base::Ok();
  }
  Result<s::Organization> GetOrganization(std::string_view id) override {
    for (const auto& o : d_.orgs) {
      if (o.id == id) return o;
    }
    return base::NotFound("no organization");
  }
  Result<s::Organization> GetOrganizationByName(std::string_view name) override {
    for (const auto& o : d_.orgs) {
      if (o.name == name) return o;
    }
    return base::NotFound("no organization");
  }
  Result<std::vector<s::Organization>> ListOrganizations() override { return d_.orgs; }

  Result<void> InsertApiKey(const s::ApiKey&) override { return Unimplemented("fake"); }
  Result<s::ApiKey> FindApiKeyByPrefix(std::string_view) override { return Unimplemented("fake"); }
  Result<s::ApiKey> GetApiKey(std::string_view) override { return Unimplemented("fake"); }
  Result<std::vector<s::ApiKey>> ListApiKeys(std::string_view) override {
    return Unimplemented("fake");
  }
  Result<void> RevokeApiKey(std::string_view, s::Time) override { return Unimplemented("fake"); }
  Result<void> TouchApiKey(std::string_view, s::Time) override { return Unimplemented("fake"); }

  Result<s::Account> UpsertAccount(const s::Account& a) override {
    for (auto& e : d_.accounts) {
      if (e.org_id == a.org_id && e.platform == a.platform && e.external_id == a.external_id) {
        std::string id = e.id;
        s::Time created = e.created_at;
        e = a;
        e.id = id;
        e.created_at = created;
        return e;
      }
    }
    for (const auto& e : d_.accounts) {
      if (e.id == a.id) return base::AlreadyExists("account id taken");
    }
    d_.accounts.push_back(a);
    return a;
  }
  Result<s::Account> GetAccount(std::string_view org_id, std::string_view id) override {
    for (const auto& e : d_.accounts) {
      if (e.org_id == org_id && e.id == id) return e;
    }
    return base::NotFound("no account");
  }
  Result<std::vector<s::Account>> ListAccounts(std::string_view org_id) override {
    std::vector<s::Account> out;
    for (const auto& e : d_.accounts) {
      if (e.org_id == org_id) out.push_back(e);
    }
    return out;
  }
  Result<void> UpdateAccount(const s::Account& a) override {
    for (auto& e : d_.accounts) {
      if (e.org_id == a.org_id && e.id == a.id) {
        s::Time created = e.created_at;
        e = a;
        e.created_at = created;
        return base::Ok();
      }
    }
    return base::NotFound("no account");
  }

  Result<void> InsertPost(const s::Post& p) override {
    d_.posts.push_back(p);
    return base::Ok();
  }
  Result<s::Post> GetPost(std::string_view, std::string_view) override {
    return Unimplemented("fake");
  }
  Result<void> UpdatePost(const s::Post&) override { return Unimplemented("fake"); }
  Result<std::vector<s::Post>> ListPosts(const s::PostQuery& q) override {
    std::vector<s::Post> out;
    for (const auto& p : d_.posts) {
      if (p.org_id != q.org_id) continue;
      if (q.status && p.status != *q.status) continue;
      if (!q.account_id.empty()) {
        bool has = std::any_of(d_.targets.begin(), d_.targets.end(), [&](const s::PostTarget& t) {
          return t.post_id == p.id && t.account_id == q.account_id;
        });
        if (!has) continue;
      }
      out.push_back(p);
      if (static_cast<int>(out.size()) >= q.limit) break;
    }
    return out;
  }
  Result<void> InsertTarget(const s::PostTarget& t) override {
    d_.targets.push_back(t);
    return base::Ok();
  }
  Result<s::PostTarget> GetTarget(std::string_view, std::string_view) override {
    return Unimplemented("fake");
  }
  Result<std::vector<s::PostTarget>> ListTargets(std::string_view, std::string_view) override {
    return Unimplemented("fake");
  }
  Result<void> UpdateTarget(const s::PostTarget&) override { return Unimplemented("fake"); }
  Result<void> DeleteTarget(std::string_view, std::string_view) override {
    return Unimplemented("fake");
  }

  Result<void> InsertJob(const s::Job&) override { return Unimplemented("fake"); }
  Result<s::Job> GetJob(std::string_view) override { return Unimplemented("fake"); }
  Result<std::vector<s::Job>> ListJobsForTarget(std::string_view) override {
    return Unimplemented("fake");
  }
  Result<std::vector<s::Job>> ClaimJobs(const store::ClaimRequest&) override {
    return Unimplemented("fake");
  }
  Result<void> CompleteJob(std::string_view, std::string_view, s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> RescheduleJob(std::string_view, std::string_view, s::Time, std::string_view,
                             s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> FailJob(std::string_view, std::string_view, std::string_view, s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> ExtendLease(std::string_view, std::string_view, s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> SetJobRunAt(std::string_view, s::Time, s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> CancelJob(std::string_view, s::Time) override { return Unimplemented("fake"); }
  Result<int> ReclaimExpiredLeases(s::Time) override { return Unimplemented("fake"); }
  Result<std::optional<s::Time>> NextDueTime() override { return Unimplemented("fake"); }

  Result<void> InsertMedia(const s::Media&) override { return Unimplemented("fake"); }
  Result<s::Media> GetMedia(std::string_view, std::string_view, bool) override {
    return Unimplemented("fake");
  }
  Result<void> InsertMetrics(const s::Metrics&) override { return Unimplemented("fake"); }
  Result<s::Metrics> LatestMetrics(std::string_view, std::string_view, std::string_view) override {
    return Unimplemented("fake");
  }

  Result<void> InsertOAuthState(const s::OAuthState& st) override {
    if (d_.oauth_states.contains(st.state_hash)) return base::AlreadyExists("state exists");
    d_.oauth_states[st.state_hash] = st;
    return base::Ok();
  }
  Result<s::OAuthState> ConsumeOAuthState(std::string_view hash, s::Time now) override {
    auto it = d_.oauth_states.find(std::string(hash));
    if (it == d_.oauth_states.end() || it->second.used_at || now >= it->second.expires_at) {
      return base::NotFound("no usable OAuth state");
    }
    it->second.used_at = now;
    return it->second;
  }

  Result<std::optional<s::IdempotencyRecord>> GetIdempotency(std::string_view, std::string_view,
                                                             s::Time) override {
    return Unimplemented("fake");
  }
  Result<void> InsertIdempotency(const s::IdempotencyRecord&) override {
    return Unimplemented("fake");
  }

  Result<void> AppendAudit(const s::AuditEntry& e) override {
    s::AuditEntry copy = e;
    copy.id = d_.next_audit_id++;
    d_.audit.push_back(copy);
    return base::Ok();
  }
  Result<std::vector<s::AuditEntry>> ListAudit(std::string_view org_id, int limit) override {
    std::vector<s::AuditEntry> out;
    for (auto it = d_.audit.rbegin(); it != d_.audit.rend(); ++it) {
      if (it->org_id == org_id) out.push_back(*it);
      if (static_cast<int>(out.size()) >= limit) break;
    }
    return out;
  }
  Result<int> DeleteExpired(s::Time) override { return Unimplemented("fake"); }

 private:
  FakeStore::Data& d_;
};

}  // namespace

base::Result<void> FakeStore::Read(const store::TxFn& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Data copy = data_;
  FakeTx tx(copy);
  return fn(tx);
}

base::Result<void> FakeStore::Write(const store::TxFn& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Data copy = data_;
  FakeTx tx(copy);
  auto r = fn(tx);
  if (r.ok()) data_ = std::move(copy);
  return r;
}

FakeStore::Data FakeStore::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

std::string FakeStore::Dump() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& a : data_.accounts) {
    out += a.id + "|" + a.handle + "|" + a.display_name + "|" + a.base_url + "|" +
           base::DumpJson(a.settings) + "|" + a.credentials_sealed + "|" + a.last_error + "\n";
  }
  for (const auto& [k, st] : data_.oauth_states) {
    out += st.state_hash + "|" + st.verifier_sealed + "|" + st.redirect_uri + "|" +
           base::DumpJson(st.data) + "\n";
  }
  for (const auto& e : data_.audit) {
    out += e.action + "|" + e.subject + "|" + base::DumpJson(e.detail) + "\n";
  }
  return out;
}

}  // namespace herald::testing
