// FakePlatform: a scriptable in-memory network for core tests.
//
// Each Publish call takes the next scripted step (FIFO; an empty script succeeds): succeed,
// transient error, permanent error, 429 with retry_after, unauthenticated, "accept then
// unknown" (the post is recorded on the fake network, then kUnknown is returned as if the
// answer was lost), "accept then crash" (recorded, then a SimulatedCrash exception: the worker
// dies mid-publish), and "slow" (advances a FakeClock during the call). Threads are posted part
// by part with save_remote_state after each part, and resume from remote_state.
//
// Idempotency is simulated per IdempotencyKind: kNative deduplicates a repeated
// idempotency_key (returns the existing post); kReconcile answers Find truthfully (or "cannot
// tell" when scripted); kNone creates a new post on every call and Find is kUnimplemented.
// Every call and every post on the fake network is recorded. Thread-safe.
#ifndef HERALD_TESTS_SUPPORT_FAKE_PLATFORM_H_
#define HERALD_TESTS_SUPPORT_FAKE_PLATFORM_H_

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/clock.h"
#include "platforms/platform.h"

namespace herald::testing {

// Thrown by a "crash" step: the worker's processing stops as if the process died.
struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated crash") {}
};

enum class FakeAction {
  kSucceed,
  kTransient,          // kUnavailable, nothing posted
  kPermanent,          // kInvalidArgument with `message`, nothing posted
  kRateLimited,        // kResourceExhausted with retry_after, nothing posted
  kQuotaSpent,         // kResourceExhausted with retry_after and quota_wait, nothing posted
  kUnauthenticated,    // kUnauthenticated, nothing posted
  kAcceptThenUnknown,  // posted, then kUnknown
  kAcceptThenCrash,    // posted, then SimulatedCrash thrown
  kCrashBeforeSend,    // SimulatedCrash thrown before anything is posted
  kGone,               // Delete only: kNotFound, the post is already gone
};

struct FakeStep {
  FakeStep(FakeAction a = FakeAction::kSucceed, std::string m = "the network said no",  // NOLINT
           std::chrono::milliseconds after = std::chrono::milliseconds(0))
      : action(a), message(std::move(m)), retry_after(after) {}

  FakeAction action;
  std::string message;
  std::chrono::milliseconds retry_after;
  base::Micros advance_clock{0};  // "slow": the FakeClock moves this much during the call
  int fail_after_parts = -1;       // threads: post this many parts, then apply `action`
  std::function<void()> during;    // runs inside the call, after posting, before answering
};

enum class FindAnswer { kTruth, kCannotTell };

struct FakePost {
  std::string external_id;
  std::string account_id;
  std::string idempotency_key;
  std::vector<std::string> texts;  // one per part
  base::Time at;
};

class FakePlatform final : public platforms::Platform {
 public:
  FakePlatform(std::string id, platforms::IdempotencyKind kind,
               base::FakeClock* clock = nullptr, int max_length = 500);

  platforms::PlatformInfo& info() { return info_; }
  const platforms::PlatformInfo& Info() const override { return info_; }

  void Script(std::vector<FakeStep> steps);
  void ScriptFind(std::vector<FindAnswer> answers);
  // Delete calls take the next step (an empty script deletes): kSucceed deletes, kTransient /
  // kPermanent / kRateLimited / kUnauthenticated fail like Publish, kAcceptThenUnknown deletes
  // then answers kUnknown, kAcceptThenCrash deletes then throws, kCrashBeforeSend throws, and
  // kGone answers kNotFound (already deleted on the network).
  void ScriptDelete(std::vector<FakeStep> steps);
  // Runs `fn` at the start of every Publish call (before the script), e.g. to check state.
  void OnPublish(std::function<void(const platforms::PublishRequest&)> fn);
  // Runs `fn` after every Delete call's answer is decided (outside the fake's lock).
  void OnDelete(std::function<void()> fn);

  // Posts on the fake network (one per part group), calls made.
  std::vector<FakePost> posts() const;
  int PostsWithKey(const std::string& idempotency_key) const;
  int publish_calls() const;
  int find_calls() const;
  int delete_calls() const;
  std::vector<std::string> deleted() const;

  platforms::ValidationReport Validate(const platforms::Content& content) const override;
  base::Task<base::Result<platforms::ConnectedAccount>> Connect(base::Json args) override;
  base::Task<base::Result<platforms::PublishReceipt>> Publish(
      platforms::PublishRequest request) override;
  base::Task<base::Result<std::optional<platforms::PublishReceipt>>> Find(
      platforms::PublishRequest request) override;
  base::Task<base::Result<void>> Delete(platforms::AccountContext account,
                                        platforms::PublishReceipt receipt) override;
  base::Task<base::Result<base::Json>> FetchPostMetrics(platforms::AccountContext account,
                                                        platforms::PublishReceipt receipt) override;
  base::Task<base::Result<base::Json>> FetchAccountMetrics(
      platforms::AccountContext account) override;

 private:
  base::Result<platforms::PublishReceipt> PublishNow(const platforms::PublishRequest& request);
  base::Result<void> DeleteNow(const platforms::PublishReceipt& receipt);
  // The error a failing step answers (kTransient, kPermanent, kRateLimited, kUnauthenticated).
  base::Error FailureOf(const FakeStep& step) const;
  platforms::PublishReceipt ReceiptOf(const FakePost& post) const;

  platforms::PlatformInfo info_;
  base::FakeClock* clock_;
  mutable std::mutex mu_;
  std::deque<FakeStep> script_;
  std::deque<FindAnswer> find_script_;
  std::deque<FakeStep> delete_script_;
  std::function<void(const platforms::PublishRequest&)> on_publish_;
  std::function<void()> on_delete_;
  std::vector<FakePost> posts_;
  std::vector<std::string> deleted_;
  int publish_calls_ = 0;
  int find_calls_ = 0;
  int delete_calls_ = 0;
  int next_id_ = 1;
};

// Counts UTF-8 code points.
int CountCodePoints(std::string_view text);

}  // namespace herald::testing

#endif  // HERALD_TESTS_SUPPORT_FAKE_PLATFORM_H_
