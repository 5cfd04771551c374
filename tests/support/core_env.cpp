#include "tests/support/core_env.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/ids.h"
#include "base/time.h"
#include "tests/support/result_matchers.h"

using ::herald::matchers::IsOk;

namespace herald::testing {

base::Result<platforms::AccountContext> FakeCredentials::OpenCredentials(
    const store::Account& account) {
  std::lock_guard lock(mu_);
  ++opened_;
  if (auto it = failures_.find(account.id); it != failures_.end()) return it->second;
  platforms::AccountContext ctx;
  ctx.account_id = account.id;
  ctx.external_id = account.external_id;
  ctx.handle = account.handle;
  ctx.base_url = account.base_url;
  ctx.settings = account.settings;
  ctx.credentials = {{"token", "test-token-" + account.id}};
  return ctx;
}

void FakeCredentials::FailFor(const std::string& account_id, base::Error error) {
  std::lock_guard lock(mu_);
  failures_.insert_or_assign(account_id, std::move(error));
}

void FakeCredentials::Clear() {
  std::lock_guard lock(mu_);
  failures_.clear();
}

int FakeCredentials::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

std::string TestBackend() {
  const char* b = std::getenv("HERALD_CORE_TEST_BACKEND");
  return (b != nullptr && *b != '\0') ? b : "sqlite";
}

namespace {

store::Organization MakeOrg(store::Store& s, const std::string& name, base::Time now) {
  store::Organization org;
  org.id = base::NewId(base::kOrgPrefix, now);
  org.name = name;
  org.created_at = now;
  auto r = s.Write([&](store::Tx& tx) { return tx.InsertOrganization(org); });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return org;
}

}  // namespace

CoreEnv::CoreEnv() {
  auto made = store::testing::MakeTestDatabase(TestBackend() == "postgres"
                                                   ? store::testing::BackendKind::kPostgres
                                                   : store::testing::BackendKind::kSqliteMemory);
  if (!made.ok()) {
    ADD_FAILURE() << "cannot make the test database: " << made.error().ToString();
    std::abort();
  }
  db = std::move(*made);
  auto opened = store::testing::OpenTestStore(db->url());
  if (!opened.ok()) {
    ADD_FAILURE() << "cannot open the test store: " << opened.error().ToString();
    std::abort();
  }
  store = std::move(*opened);
  auto n = std::make_unique<FakePlatform>("native", platforms::IdempotencyKind::kNative, &clock);
  auto r = std::make_unique<FakePlatform>("reconcile", platforms::IdempotencyKind::kReconcile,
                                          &clock);
  auto z = std::make_unique<FakePlatform>("none", platforms::IdempotencyKind::kNone, &clock, 280);
  native = n.get();
  reconcile = r.get();
  none = z.get();
  registry.Add(std::move(n));
  registry.Add(std::move(r));
  registry.Add(std::move(z));
  pool = std::make_unique<base::asio::thread_pool>(2);
  posts = std::make_unique<core::PostService>(*store, registry, &credentials, clock, *pool);
  media_dir = std::make_unique<store::testing::TempDir>();
  media_files = std::make_unique<media::LocalMediaStore>(media_dir->path() + "/media", pool.get());
  core::MediaServiceOptions media_options;
  media_options.staging_dir = media_dir->path() + "/staging";
  media = std::make_unique<core::MediaService>(*store, *media_files, nullptr, registry, clock,
                                               *pool, media_options);

  const base::Time now = clock.Now();
  org = MakeOrg(*store, "acme", now);
  other_org = MakeOrg(*store, "globex", now);
  editor = {org.id, base::NewId(base::kKeyPrefix, now), base::Role::kEditor};
  viewer = {org.id, base::NewId(base::kKeyPrefix, now), base::Role::kViewer};
  other_editor = {other_org.id, base::NewId(base::kKeyPrefix, now), base::Role::kEditor};
}

CoreEnv::~CoreEnv() {
  if (pool) pool->join();
  media.reset();
  media_files.reset();
  posts.reset();
  store.reset();  // before the database is dropped
}

store::Account CoreEnv::AddAccount(const std::string& platform, const std::string& handle,
                                   const std::string& org_id) {
  const base::Time now = clock.Now();
  store::Account a;
  a.id = base::NewId(base::kAccountPrefix, now);
  a.org_id = org_id.empty() ? org.id : org_id;
  a.platform = platform;
  a.external_id = "ext-" + a.id;
  a.handle = handle;
  a.display_name = handle;
  a.credentials_sealed = "v1.test.sealed";
  a.status = store::AccountStatus::kActive;
  a.created_at = now;
  a.updated_at = now;
  auto stored = store::WriteValue<store::Account>(
      *store, [&](store::Tx& tx) { return tx.UpsertAccount(a); });
  EXPECT_THAT(stored, IsOk()) << stored.error().ToString();
  return stored.ok() ? *stored : a;
}

core::WorkerOptions CoreEnv::DefaultWorkerOptions(const std::string& owner) const {
  core::WorkerOptions o;
  o.owner = owner;
  o.lease_for = std::chrono::seconds(60);
  o.publish_timeout = std::chrono::seconds(20);
  o.retry.seed = 42;
  o.retry.initial = std::chrono::seconds(2);
  o.retry.max_attempts = 5;
  o.retry.max_reconcile_attempts = 3;
  return o;
}

std::unique_ptr<core::PublishWorker> CoreEnv::MakeWorker(const std::string& owner,
                                                         core::WorkerOptions options) {
  if (options.owner.empty()) options = DefaultWorkerOptions(owner);
  return std::make_unique<core::PublishWorker>(*store, registry, credentials, clock, *pool,
                                               options);
}

store::Post CoreEnv::GetPost(const std::string& post_id, const std::string& org_id) {
  auto r = store::ReadValue<store::Post>(*store, [&](store::Tx& tx) {
    return tx.GetPost(org_id.empty() ? org.id : org_id, post_id);
  });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? *r : store::Post{};
}

std::vector<store::PostTarget> CoreEnv::Targets(const std::string& post_id,
                                                const std::string& org_id) {
  auto r = store::ReadValue<std::vector<store::PostTarget>>(*store, [&](store::Tx& tx) {
    return tx.ListTargets(org_id.empty() ? org.id : org_id, post_id);
  });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? *r : std::vector<store::PostTarget>{};
}

store::PostTarget CoreEnv::Target(const std::string& target_id, const std::string& org_id) {
  auto r = store::ReadValue<store::PostTarget>(*store, [&](store::Tx& tx) {
    return tx.GetTarget(org_id.empty() ? org.id : org_id, target_id);
  });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? *r : store::PostTarget{};
}

std::vector<store::Job> CoreEnv::Jobs(const std::string& target_id) {
  auto r = store::ReadValue<std::vector<store::Job>>(
      *store, [&](store::Tx& tx) { return tx.ListJobsForTarget(target_id); });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? *r : std::vector<store::Job>{};
}

store::Account CoreEnv::Account(const std::string& account_id, const std::string& org_id) {
  auto r = store::ReadValue<store::Account>(*store, [&](store::Tx& tx) {
    return tx.GetAccount(org_id.empty() ? org.id : org_id, account_id);
  });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? *r : store::Account{};
}

int CoreEnv::CountPosts(const std::string& org_id) {
  store::PostQuery q;
  q.org_id = org_id.empty() ? org.id : org_id;
  q.limit = 100'000;
  auto r = store::ReadValue<std::vector<store::Post>>(*store,
                                                      [&](store::Tx& tx) { return tx.ListPosts(q); });
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? static_cast<int>(r->size()) : -1;
}

std::string CoreEnv::Schedule(const std::vector<std::string>& accounts, const std::string& text,
                              base::Micros in) {
  core::CreatePostRequest req;
  req.mode = core::CreateMode::kSchedule;
  req.accounts = accounts;
  req.content.text = text;
  req.publish_at = base::FormatRfc3339(clock.Now() + in);
  auto r = posts->CreateSync(editor, req);
  EXPECT_THAT(r, IsOk()) << r.error().ToString();
  return r.ok() ? r->post.id : std::string();
}

}  // namespace herald::testing
