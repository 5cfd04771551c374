// CoreEnv: a ready publishing core for tests: a store (in-memory SQLite by default, or
// HERALD_TEST_STORE_URL), a FakeClock, a registry of three FakePlatforms (one per
// IdempotencyKind: "native", "reconcile", "none"), fake credentials, two organizations with an
// editor and a viewer caller each, a PostService and workers on demand.
// Also: Await() to run a coroutine to completion in a test.
#ifndef HERALD_TESTS_SUPPORT_CORE_ENV_H_
#define HERALD_TESTS_SUPPORT_CORE_ENV_H_

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/async.h"
#include "base/caller.h"
#include "base/clock.h"
#include "core/credential_source.h"
#include "core/media_service.h"
#include "core/post_service.h"
#include "core/publish_worker.h"
#include "media/local_media_store.h"
#include "platforms/platform_registry.h"
#include "store/store.h"
#include "tests/store/test_support.h"
#include "tests/support/fake_platform.h"

namespace herald::testing {

template <class T>
base::Task<void> AwaitInto(base::Task<T> task, std::optional<T>* out) {
  out->emplace(co_await std::move(task));
}

// Runs `task` on `io` (restarted) until it finishes and returns its value.
template <class T>
T AwaitOn(base::asio::io_context& io, base::Task<T> task) {
  std::optional<T> out;
  std::exception_ptr failure;
  io.restart();
  base::asio::co_spawn(io, AwaitInto(std::move(task), &out),
                       [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

// Runs `task` on a fresh io_context until it finishes and returns its value.
template <class T>
T Await(base::Task<T> task) {
  base::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failure;
  base::asio::co_spawn(io, AwaitInto(std::move(task), &out),
                       [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

class FakeCredentials final : public core::CredentialSource {
 public:
  base::Result<platforms::AccountContext> OpenCredentials(const store::Account& account) override;
  // The next OpenCredentials for `account_id` (and every later one) fails with `error`.
  void FailFor(const std::string& account_id, base::Error error);
  void Clear();
  int opened() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, base::Error> failures_;
  int opened_ = 0;
};

// Which store the core tests run on: HERALD_CORE_TEST_BACKEND = "sqlite" (default, in memory)
// or "postgres" (a fresh database per CoreEnv on HERALD_TEST_PG_URL; the test fails when that
// is unset).
std::string TestBackend();

class CoreEnv {
 public:
  CoreEnv();
  ~CoreEnv();

  std::unique_ptr<store::testing::TestDatabase> db;  // the fresh database (owns PG cleanup)

  base::FakeClock clock;
  std::unique_ptr<store::Store> store;
  platforms::PlatformRegistry registry;
  FakePlatform* native = nullptr;     // IdempotencyKind::kNative, id "native"
  FakePlatform* reconcile = nullptr;  // kReconcile, id "reconcile"
  FakePlatform* none = nullptr;       // kNone, id "none"
  FakeCredentials credentials;
  std::unique_ptr<base::asio::thread_pool> pool;
  std::unique_ptr<core::PostService> posts;
  std::unique_ptr<store::testing::TempDir> media_dir;  // the media store and staging files
  std::unique_ptr<media::LocalMediaStore> media_files;
  std::unique_ptr<core::MediaService> media;

  store::Organization org;        // "acme"
  store::Organization other_org;  // "globex"
  base::Caller editor;            // acme editor
  base::Caller viewer;            // acme viewer
  base::Caller other_editor;      // globex editor

  // A connected, active account of `org_id` on `platform`.
  store::Account AddAccount(const std::string& platform, const std::string& handle,
                            const std::string& org_id = "");
  // A worker with test-friendly options (seeded jitter, small publish_timeout) and `owner`.
  std::unique_ptr<core::PublishWorker> MakeWorker(const std::string& owner,
                                                  core::WorkerOptions options = {});
  core::WorkerOptions DefaultWorkerOptions(const std::string& owner) const;

  // Store reads for assertions.
  store::Post GetPost(const std::string& post_id, const std::string& org_id = "");
  std::vector<store::PostTarget> Targets(const std::string& post_id,
                                         const std::string& org_id = "");
  store::PostTarget Target(const std::string& target_id, const std::string& org_id = "");
  std::vector<store::Job> Jobs(const std::string& target_id);
  store::Account Account(const std::string& account_id, const std::string& org_id = "");
  int CountPosts(const std::string& org_id = "");

  // A scheduled post (schedule_post) to `accounts` at clock + `in`, text `text`; returns the
  // post id. Fails the test on error.
  std::string Schedule(const std::vector<std::string>& accounts, const std::string& text,
                       base::Micros in = std::chrono::minutes(10));
};

}  // namespace herald::testing

#endif  // HERALD_TESTS_SUPPORT_CORE_ENV_H_
