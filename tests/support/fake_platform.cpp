#include "tests/support/fake_platform.h"

#include "base/time.h"

namespace herald::testing {

using base::Json;
using base::Result;
using base::Task;

int CountCodePoints(std::string_view text) {
  int n = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

FakePlatform::FakePlatform(std::string id, platforms::IdempotencyKind kind,
                           base::FakeClock* clock, int max_length)
    : clock_(clock) {
  info_.id = id;
  info_.name = id.empty() ? "Fake" : std::string(1, static_cast<char>(std::toupper(id[0]))) +
                                         id.substr(1);
  info_.auth_kind = platforms::AuthKind::kToken;
  info_.text.max_length = max_length;
  info_.text.unit = "characters";
  info_.media.max_items = 4;
  info_.media.max_image_bytes = 8 * 1024 * 1024;
  info_.media.mime_types = {"image/png", "image/jpeg", "image/gif", "image/webp"};
  info_.features.threads = true;
  info_.features.delete_posts = true;
  info_.features.idempotency = kind;
}

void FakePlatform::Script(std::vector<FakeStep> steps) {
  std::lock_guard lock(mu_);
  for (auto& s : steps) script_.push_back(std::move(s));
}

void FakePlatform::ScriptDelete(std::vector<FakeStep> steps) {
  std::lock_guard lock(mu_);
  for (auto& s : steps) delete_script_.push_back(std::move(s));
}

void FakePlatform::ScriptFind(std::vector<FindAnswer> answers) {
  std::lock_guard lock(mu_);
  for (auto a : answers) find_script_.push_back(a);
}

void FakePlatform::OnDelete(std::function<void()> fn) {
  std::lock_guard lock(mu_);
  on_delete_ = std::move(fn);
}

void FakePlatform::OnPublish(std::function<void(const platforms::PublishRequest&)> fn) {
  std::lock_guard lock(mu_);
  on_publish_ = std::move(fn);
}

std::vector<FakePost> FakePlatform::posts() const {
  std::lock_guard lock(mu_);
  return posts_;
}

int FakePlatform::PostsWithKey(const std::string& key) const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& p : posts_) n += p.idempotency_key == key ? 1 : 0;
  return n;
}

int FakePlatform::publish_calls() const {
  std::lock_guard lock(mu_);
  return publish_calls_;
}
int FakePlatform::find_calls() const {
  std::lock_guard lock(mu_);
  return find_calls_;
}
int FakePlatform::delete_calls() const {
  std::lock_guard lock(mu_);
  return delete_calls_;
}
std::vector<std::string> FakePlatform::deleted() const {
  std::lock_guard lock(mu_);
  return deleted_;
}

platforms::ValidationReport FakePlatform::Validate(const platforms::Content& content) const {
  platforms::ValidationReport r;
  r.limit = info_.text.max_length;
  r.unit = info_.text.unit;
  for (size_t i = 0; i < content.parts.size(); ++i) {
    const auto& part = content.parts[i];
    int length = CountCodePoints(part.text);
    std::string field = i == 0 ? "text" : "thread[" + std::to_string(i - 1) + "].text";
    if (i == 0) r.length = length;
    if (length > info_.text.max_length) {
      r.violations.push_back(
          {field, "text is " + std::to_string(length) + " characters, " +
                      std::to_string(length - info_.text.max_length) + " over " + info_.name +
                      "'s limit of " + std::to_string(info_.text.max_length)});
    }
    if (static_cast<int>(part.media.size()) > info_.media.max_items) {
      r.violations.push_back({i == 0 ? "media" : "thread[" + std::to_string(i - 1) + "].media",
                              std::to_string(part.media.size()) + " media items; " + info_.name +
                                  " allows " + std::to_string(info_.media.max_items)});
    }
  }
  return r;
}

Task<Result<platforms::ConnectedAccount>> FakePlatform::Connect(Json args) {
  platforms::ConnectedAccount out;
  out.external_id = base::GetString(args, "external_id", "fake-user");
  out.handle = base::GetString(args, "handle", "@fake");
  out.credentials = {{"token", base::GetString(args, "token", "t")}};
  co_return out;
}

platforms::PublishReceipt FakePlatform::ReceiptOf(const FakePost& post) const {
  platforms::PublishReceipt r;
  r.external_id = post.external_id;
  r.url = "https://" + info_.id + ".example/p/" + post.external_id;
  r.remote_state = {{"parts", static_cast<int>(post.texts.size())}};
  return r;
}

base::Error FakePlatform::FailureOf(const FakeStep& step) const {
  switch (step.action) {
    case FakeAction::kPermanent: return base::InvalidArgument(step.message);
    case FakeAction::kUnauthenticated: return base::Unauthenticated("the access token was revoked");
    case FakeAction::kRateLimited: {
      base::Error e = base::ResourceExhausted(info_.name + " rate limit reached (429)");
      e.set_retry_after(step.retry_after);
      return e;
    }
    case FakeAction::kQuotaSpent: {
      base::Error e = base::ResourceExhausted(info_.name + "'s daily posting limit is reached");
      e.set_retry_after(step.retry_after).set_quota_wait();
      return e;
    }
    default: return base::Unavailable(info_.name + " is unavailable (503)");
  }
}

Result<platforms::PublishReceipt> FakePlatform::PublishNow(
    const platforms::PublishRequest& request) {
  FakeStep step;
  std::function<void(const platforms::PublishRequest&)> hook;
  {
    std::lock_guard lock(mu_);
    ++publish_calls_;
    if (!script_.empty()) {
      step = std::move(script_.front());
      script_.pop_front();
    }
    hook = on_publish_;
  }
  if (hook) hook(request);
  if (clock_ != nullptr && step.advance_clock.count() > 0) clock_->Advance(step.advance_clock);
  if (step.action == FakeAction::kCrashBeforeSend) throw SimulatedCrash();

  const bool fails = step.action != FakeAction::kSucceed &&
                     step.action != FakeAction::kAcceptThenUnknown &&
                     step.action != FakeAction::kAcceptThenCrash;
  // Native idempotency: a repeated key returns the post made earlier.
  if (info_.features.idempotency == platforms::IdempotencyKind::kNative && !fails) {
    std::lock_guard lock(mu_);
    for (const auto& p : posts_) {
      if (p.idempotency_key == request.idempotency_key) return ReceiptOf(p);
    }
  }
  // Threads: parts already on the network (remote_state.parts) are not posted again.
  int done = 0;
  if (auto it = request.remote_state.find("parts_done");
      it != request.remote_state.end() && it->is_number_integer()) {
    done = it->get<int>();
  }
  int total = static_cast<int>(request.content.parts.size());
  int stop_at = step.fail_after_parts >= 0 ? std::min(total, step.fail_after_parts) : total;
  if (fails && step.fail_after_parts < 0) stop_at = done;  // fail before posting anything
  std::vector<std::string> texts;
  {
    std::lock_guard lock(mu_);
    if (auto it = request.remote_state.find("texts"); it != request.remote_state.end()) {
      for (const auto& t : *it) texts.push_back(t.get<std::string>());
    }
  }
  for (int i = done; i < stop_at; ++i) {
    texts.push_back(request.content.parts[static_cast<size_t>(i)].text);
    if (request.save_remote_state && total > 1) {
      Json state = {{"parts_done", i + 1}, {"texts", texts}};
      auto saved = request.save_remote_state(state);
      if (!saved.ok()) return saved.error();
    }
  }
  if (stop_at < total || fails) return FailureOf(step);
  FakePost post;
  {
    std::lock_guard lock(mu_);
    post.external_id = info_.id + "-" + std::to_string(next_id_++);
    post.account_id = request.account.account_id;
    post.idempotency_key = request.idempotency_key;
    post.texts = texts;
    post.at = clock_ != nullptr ? clock_->Now() : base::SystemClock::Instance().Now();
    posts_.push_back(post);
  }
  if (step.during) step.during();
  if (step.action == FakeAction::kAcceptThenUnknown) {
    return base::Unknown("the connection dropped after the request was sent");
  }
  if (step.action == FakeAction::kAcceptThenCrash) throw SimulatedCrash();
  return ReceiptOf(post);
}

Task<Result<platforms::PublishReceipt>> FakePlatform::Publish(platforms::PublishRequest request) {
  co_return PublishNow(request);
}

Task<Result<std::optional<platforms::PublishReceipt>>> FakePlatform::Find(
    platforms::PublishRequest request) {
  FindAnswer answer = FindAnswer::kTruth;
  {
    std::lock_guard lock(mu_);
    ++find_calls_;
    if (!find_script_.empty()) {
      answer = find_script_.front();
      find_script_.pop_front();
    }
  }
  if (info_.features.idempotency == platforms::IdempotencyKind::kNone) {
    co_return base::Unimplemented(info_.name + " cannot look up posts");
  }
  if (answer == FindAnswer::kCannotTell) {
    co_return base::Unavailable(info_.name + " search is unavailable");
  }
  std::lock_guard lock(mu_);
  for (const auto& p : posts_) {
    if (p.idempotency_key == request.idempotency_key) {
      co_return std::optional<platforms::PublishReceipt>(ReceiptOf(p));
    }
  }
  co_return std::optional<platforms::PublishReceipt>();
}

Result<void> FakePlatform::DeleteNow(const platforms::PublishReceipt& receipt) {
  std::lock_guard lock(mu_);
  ++delete_calls_;
  if (!info_.features.delete_posts) return base::Unimplemented("no delete");
  FakeStep step;
  if (!delete_script_.empty()) {
    step = std::move(delete_script_.front());
    delete_script_.pop_front();
  }
  switch (step.action) {
    case FakeAction::kSucceed:
      break;
    case FakeAction::kAcceptThenUnknown:
      deleted_.push_back(receipt.external_id);
      return base::Unknown("the connection dropped after the request was sent");
    case FakeAction::kAcceptThenCrash:
      deleted_.push_back(receipt.external_id);
      throw SimulatedCrash();
    case FakeAction::kCrashBeforeSend:
      throw SimulatedCrash();
    case FakeAction::kGone:
      return base::NotFound("no such post");
    case FakeAction::kPermanent:
    case FakeAction::kUnauthenticated:
    case FakeAction::kRateLimited:
    case FakeAction::kQuotaSpent:
    case FakeAction::kTransient:
      return FailureOf(step);
  }
  deleted_.push_back(receipt.external_id);
  return base::Ok();
}

Task<Result<void>> FakePlatform::Delete(platforms::AccountContext account,
                                        platforms::PublishReceipt receipt) {
  (void)account;
  Result<void> r = DeleteNow(receipt);
  std::function<void()> hook;
  {
    std::lock_guard lock(mu_);
    hook = on_delete_;
  }
  if (hook) hook();
  co_return r;
}

Task<Result<Json>> FakePlatform::FetchPostMetrics(platforms::AccountContext account,
                                                  platforms::PublishReceipt receipt) {
  (void)account;
  (void)receipt;
  co_return Json{{"likes", 0}};
}

Task<Result<Json>> FakePlatform::FetchAccountMetrics(platforms::AccountContext account) {
  (void)account;
  co_return Json{{"followers", 0}};
}

}  // namespace herald::testing
