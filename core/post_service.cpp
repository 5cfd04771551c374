#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/post_status.h"
#include "core/post_views.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

constexpr std::chrono::hours kMaxScheduleAhead{24 * 366 * 5};
constexpr size_t kMaxIdempotencyKey = 255;

base::Error FieldError(std::string_view field, std::string message) {
  return base::InvalidArgument(std::string(field) + ": " + std::move(message));
}

std::string Quote(std::string_view s) {
  return "'" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "…'" : "'");
}

Result<void> RequireRole(const Caller& caller, store::Role need) {
  if (store::RoleAllows(caller.role, need)) return base::Ok();
  return base::PermissionDenied("this needs the " + std::string(store::RoleName(need)) +
                                " role; the API key has the " +
                                std::string(store::RoleName(caller.role)) + " role");
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  });
}

// The same "not found" for a post that does not exist and one of another organization.
base::Error PostNotFound(std::string_view id) {
  return base::NotFound("no post " + Quote(id) + " (list_posts shows your posts)");
}

Result<store::Post> GetVisiblePost(store::Tx& tx, const Caller& caller, std::string_view id) {
  if (!base::IsValidId(id, base::kPostPrefix)) {
    return FieldError("post_id", Quote(id) + " is not a post id (post_...)");
  }
  auto post = tx.GetPost(caller.org_id, id);
  if (!post.ok() && post.error().code() == ErrorCode::kNotFound) return PostNotFound(id);
  return post;
}

void Audit(store::Tx& tx, const Caller& caller, std::string_view action, std::string_view subject,
           Json detail, Time now) {
  store::AuditEntry entry;
  entry.org_id = caller.org_id;
  entry.actor = caller.actor();
  entry.action = std::string(action);
  entry.subject = std::string(subject);
  entry.detail = std::move(detail);
  entry.at = now;
  // The audit trail must not make a post fail; an error here is only logged by the store.
  (void)tx.AppendAudit(entry);
}

// The publish job of a target that is still waiting, if any (the newest first).
Result<std::vector<store::Job>> PublishJobs(store::Tx& tx, std::string_view target_id) {
  HERALD_ASSIGN_OR_RETURN(auto jobs, tx.ListJobsForTarget(target_id));
  std::vector<store::Job> out;
  for (auto& j : jobs) {
    if (j.kind == store::JobKind::kPublish) out.push_back(std::move(j));
  }
  return out;
}

base::Error BusyError(std::string_view post_id) {
  return base::FailedPrecondition(
      "post " + Quote(post_id) +
      " is being published right now, so it can no longer be changed; get_post shows the "
      "outcome");
}

store::Job NewPublishJob(const store::PostTarget& target, Time run_at, Time now) {
  store::Job job;
  job.id = base::NewId(base::kJobPrefix, now);
  job.org_id = target.org_id;
  job.kind = store::JobKind::kPublish;
  job.target_id = target.id;
  job.account_id = target.account_id;
  job.run_at = run_at;
  job.state = store::JobState::kQueued;
  job.payload = Json{{"post_id", target.post_id}};
  job.created_at = now;
  job.updated_at = now;
  return job;
}

store::PostTarget NewTarget(const store::Post& post, const store::Account& account, Time now) {
  store::PostTarget t;
  t.id = base::NewId(base::kTargetPrefix, now);
  t.post_id = post.id;
  t.org_id = post.org_id;
  t.account_id = account.id;
  t.platform = account.platform;
  t.status = TargetStatus::kQueued;
  // The stable identity every attempt reuses (Idempotency-Key, record key, nonce): 128 random
  // bits in hex, accepted by every network's key syntax.
  t.idempotency_key = base::HexEncode(base::RandomBytes(16));
  if (post.status != PostStatus::kDraft) t.next_attempt_at = post.publish_at;
  t.created_at = now;
  t.updated_at = now;
  return t;
}

// Where media id `id` is first referenced, for error messages ("thread[1].media[0]").
std::string MediaField(const PostContent& content, std::string_view id) {
  for (size_t i = 0; i < content.media.size(); ++i) {
    if (content.media[i] == id) return "media[" + std::to_string(i) + "]";
  }
  for (size_t p = 0; p < content.thread.size(); ++p) {
    const auto& m = content.thread[p].media;
    for (size_t i = 0; i < m.size(); ++i) {
      if (m[i] == id) return "thread[" + std::to_string(p) + "].media[" + std::to_string(i) + "]";
    }
  }
  for (const auto& [account_id, o] : content.overrides) {
    if (!o.media) continue;
    for (size_t i = 0; i < o.media->size(); ++i) {
      if ((*o.media)[i] == id) {
        return "overrides." + account_id + ".media[" + std::to_string(i) + "]";
      }
    }
  }
  return "media";
}

// Maps an adapter's violation field (about the parts it was given) onto the request's fields.
std::string RequestField(std::string_view field, const PostContent& content,
                         std::string_view account_id) {
  bool overridden = content.overrides.count(account_id) > 0;
  auto override_of = [&](std::string_view what) -> bool {
    auto it = content.overrides.find(account_id);
    if (it == content.overrides.end()) return false;
    return what == "text" ? it->second.text.has_value() : it->second.media.has_value();
  };
  if (overridden && (field == "text" || field.rfind("text", 0) == 0) && override_of("text")) {
    return "overrides." + std::string(account_id) + "." + std::string(field);
  }
  if (overridden && field.rfind("media", 0) == 0 && override_of("media")) {
    return "overrides." + std::string(account_id) + "." + std::string(field);
  }
  return std::string(field);
}

std::string AccountLabel(const store::Account& account, const std::string& platform_name,
                         size_t index) {
  std::string label = platform_name + " account";
  if (!account.handle.empty()) label += " " + account.handle;
  return label + " (accounts[" + std::to_string(index) + "])";
}

}  // namespace

std::string_view CreateModeToolName(CreateMode mode) {
  switch (mode) {
    case CreateMode::kSchedule: return "schedule_post";
    case CreateMode::kPublishNow: return "publish_post";
    case CreateMode::kDraft: return "save_draft";
  }
  return "schedule_post";
}

struct PostService::Checked {
  struct Target {
    store::Account account;
    const platforms::Platform* platform = nullptr;
  };
  std::vector<Target> targets;
  std::map<std::string, platforms::MediaItem, std::less<>> media;
};

PostService::PostService(store::Store& store, const platforms::PlatformRegistry& platforms,
                         CredentialSource* credentials, const base::Clock& clock,
                         base::asio::thread_pool& blocking, PostServiceOptions options)
    : store_(store),
      platforms_(platforms),
      credentials_(credentials),
      clock_(clock),
      blocking_(blocking),
      options_(options) {}

// ---- checks ----

Result<void> PostService::CheckShape(const std::vector<std::string>& accounts,
                                     const PostContent& content) const {
  if (accounts.empty()) {
    return FieldError("accounts", "give at least one account id (list_accounts shows them)");
  }
  if (accounts.size() > static_cast<size_t>(options_.max_accounts)) {
    return FieldError("accounts", std::to_string(accounts.size()) + " accounts given; at most " +
                                      std::to_string(options_.max_accounts) + " per post");
  }
  std::map<std::string_view, size_t> seen;
  for (size_t i = 0; i < accounts.size(); ++i) {
    std::string field = "accounts[" + std::to_string(i) + "]";
    if (!base::IsValidId(accounts[i], base::kAccountPrefix)) {
      return FieldError(field, Quote(accounts[i]) + " is not an account id (acc_...)");
    }
    auto [it, inserted] = seen.emplace(accounts[i], i);
    if (!inserted) {
      return FieldError(field, Quote(accounts[i]) + " is listed twice (also accounts[" +
                                   std::to_string(it->second) + "]); list each account once");
    }
  }
  auto check_text = [&](std::string_view field, const std::string& text) -> Result<void> {
    if (text.size() > options_.max_text_bytes) {
      return FieldError(field, "is " + std::to_string(text.size()) + " bytes; at most " +
                                   std::to_string(options_.max_text_bytes));
    }
    return base::Ok();
  };
  auto check_media = [&](const std::string& field,
                         const std::vector<std::string>& ids) -> Result<void> {
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!base::IsValidId(ids[i], base::kMediaPrefix)) {
        return FieldError(field + "[" + std::to_string(i) + "]",
                          Quote(ids[i]) + " is not a media id (med_..., from upload_media)");
      }
    }
    return base::Ok();
  };
  HERALD_RETURN_IF_ERROR(check_text("text", content.text));
  HERALD_RETURN_IF_ERROR(check_media("media", content.media));
  if (content.thread.size() > static_cast<size_t>(options_.max_thread_parts)) {
    return FieldError("thread", std::to_string(content.thread.size()) + " parts given; at most " +
                                    std::to_string(options_.max_thread_parts));
  }
  for (size_t p = 0; p < content.thread.size(); ++p) {
    std::string field = "thread[" + std::to_string(p) + "]";
    HERALD_RETURN_IF_ERROR(check_text(field + ".text", content.thread[p].text));
    HERALD_RETURN_IF_ERROR(check_media(field + ".media", content.thread[p].media));
    if (IsBlank(content.thread[p].text) && content.thread[p].media.empty()) {
      return FieldError(field, "is empty; every thread part needs text, media or both");
    }
  }
  for (const auto& [account_id, o] : content.overrides) {
    std::string field = "overrides." + account_id;
    if (seen.count(account_id) == 0) {
      return FieldError(field, Quote(account_id) + " is not one of accounts; overrides apply "
                                                   "only to the accounts the post goes to");
    }
    if (o.text) HERALD_RETURN_IF_ERROR(check_text(field + ".text", *o.text));
    if (o.media) HERALD_RETURN_IF_ERROR(check_media(field + ".media", *o.media));
  }
  // The main part must say something for every account, after its override.
  for (const auto& account_id : accounts) {
    auto parts = content.PartsFor(account_id);
    if (IsBlank(parts[0].text) && parts[0].media.empty()) {
      auto it = content.overrides.find(account_id);
      if (it != content.overrides.end() && (it->second.text || it->second.media)) {
        return FieldError("overrides." + account_id,
                          "leaves the post empty for this account; give text, media or both");
      }
      return FieldError("text", "is empty and there is no media; give text, media or both");
    }
  }
  return base::Ok();
}

Result<PostService::Checked> PostService::CheckContent(store::Tx& tx, const Caller& caller,
                                                       const std::vector<std::string>& accounts,
                                                       const PostContent& content,
                                                       bool for_validate_tool, Json* report) {
  Checked checked;
  for (size_t i = 0; i < accounts.size(); ++i) {
    std::string field = "accounts[" + std::to_string(i) + "]";
    auto account = tx.GetAccount(caller.org_id, accounts[i]);
    if (!account.ok()) {
      if (account.error().code() != ErrorCode::kNotFound) return std::move(account).error();
      return FieldError(field, "no account " + Quote(accounts[i]) +
                                   " (list_accounts shows the connected accounts)");
    }
    const platforms::Platform* platform = platforms_.Find(account->platform);
    if (platform == nullptr) {
      return FieldError(field, "the network " + Quote(account->platform) +
                                   " of this account is not available in this herald");
    }
    if (!for_validate_tool && account->status != store::AccountStatus::kActive) {
      std::string who = account->handle.empty() ? accounts[i] : account->handle;
      return FieldError(field, "the " + platform->Info().name + " account " + who + " is " +
                                   std::string(store::AccountStatusName(account->status)) +
                                   "; reconnect it with connect_account before posting to it");
    }
    checked.targets.push_back({std::move(*account), platform});
  }
  for (const auto& id : content.AllMediaIds()) {
    auto media = tx.GetMedia(caller.org_id, id, /*with_data=*/false);
    if (!media.ok()) {
      if (media.error().code() != ErrorCode::kNotFound) return std::move(media).error();
      return FieldError(MediaField(content, id),
                        "no media " + Quote(id) + " (upload it with upload_media first)");
    }
    platforms::MediaItem item;
    item.id = media->id;
    item.mime_type = media->mime_type;
    item.file_name = media->file_name;
    item.alt_text = media->alt_text;
    item.size = media->size;
    checked.media.emplace(id, std::move(item));
  }
  std::string problems;
  Json results = Json::array();
  for (size_t i = 0; i < checked.targets.size(); ++i) {
    const auto& t = checked.targets[i];
    const auto& info = t.platform->Info();
    auto parts = content.PartsFor(t.account.id);
    platforms::ValidationReport r =
        t.platform->Validate(ToPlatformContent(parts, checked.media));
    if (parts.size() > 1 && !info.features.threads) {
      r.violations.push_back(
          {"thread", info.name + " does not support threads; send the parts as separate posts"});
    }
    Json violations = Json::array();
    for (const auto& v : r.violations) {
      std::string field = RequestField(v.field, content, t.account.id);
      violations.push_back(Json{{"field", field}, {"message", v.message}});
      if (!problems.empty()) problems += "; ";
      problems += field + " for " + AccountLabel(t.account, info.name, i) + ": " + v.message;
    }
    results.push_back(Json{{"account_id", t.account.id},
                           {"platform", t.account.platform},
                           {"ok", r.violations.empty()},
                           {"length", r.length},
                           {"limit", r.limit},
                           {"unit", r.unit},
                           {"violations", std::move(violations)}});
  }
  if (report != nullptr) *report = std::move(results);
  if (!for_validate_tool && !problems.empty()) return base::InvalidArgument(problems);
  return checked;
}

Result<std::optional<Time>> PostService::ResolvePublishAt(const std::string& publish_at,
                                                          const std::string& time_zone,
                                                          bool required, Time now) const {
  if (!time_zone.empty() && !base::IsValidTimeZone(time_zone)) {
    return FieldError("timezone", Quote(time_zone) +
                                      " is not a known IANA time zone (e.g. 'Europe/Paris', "
                                      "'America/New_York', 'UTC')");
  }
  if (publish_at.empty()) {
    if (required) {
      return FieldError("publish_at",
                        "required: an RFC 3339 time such as 2026-03-29T09:00:00+02:00, or a "
                        "local time such as 2026-03-29T09:00:00 with timezone; use publish_post "
                        "to publish now");
    }
    return std::optional<Time>();
  }
  auto parsed = base::ParseUserTime(publish_at, time_zone);
  if (!parsed.ok()) return FieldError("publish_at", parsed.error().message());
  if (*parsed < now - options_.past_grace) {
    return FieldError("publish_at", base::FormatRfc3339(*parsed) + " is in the past (it is now " +
                                        base::FormatRfc3339(now) +
                                        "); use publish_post to publish now, or give a future "
                                        "time");
  }
  if (*parsed > now + kMaxScheduleAhead) {
    return FieldError("publish_at", base::FormatRfc3339(*parsed) +
                                        " is more than 5 years ahead; give a nearer time");
  }
  return std::optional<Time>(*parsed);
}

// ---- create ----

Result<Json> PostService::CreateSync(const Caller& caller, const CreatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  const Time now = clock_.Now();
  const std::string_view tool = CreateModeToolName(request.mode);
  if (request.idempotency_key.size() > kMaxIdempotencyKey) {
    return FieldError("idempotency_key", "at most 255 characters");
  }
  // The request's fingerprint: a repeated key must come with the same arguments.
  Json canonical = Json{{"tool", tool},
                        {"accounts", request.accounts},
                        {"content", request.content.ToJson()},
                        {"publish_at", request.publish_at},
                        {"timezone", request.time_zone}};
  const std::string request_hash = base::Sha256Hex(base::DumpJson(canonical));
  auto replay = [&](const store::IdempotencyRecord& record) -> Result<Json> {
    if (record.tool != tool || record.request_hash != request_hash) {
      return base::AlreadyExists(
          "idempotency_key " + Quote(request.idempotency_key) +
          " was already used in the last 24 hours for a different request (" + record.tool +
          " with other arguments); repeat the original arguments to get its result, or use a "
          "new key for a new post");
    }
    return record.response;
  };
  if (!request.idempotency_key.empty()) {
    HERALD_ASSIGN_OR_RETURN(auto existing, store::ReadValue<std::optional<store::IdempotencyRecord>>(
                                               store_, [&](store::Tx& tx) {
                                                 return tx.GetIdempotency(
                                                     caller.org_id, request.idempotency_key, now);
                                               }));
    if (existing) return replay(*existing);  // even if publish_at has passed meanwhile
  }

  HERALD_RETURN_IF_ERROR(CheckShape(request.accounts, request.content));

  std::optional<Time> publish_at;
  switch (request.mode) {
    case CreateMode::kSchedule: {
      HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(request.publish_at, request.time_zone,
                                                           /*required=*/true, now));
      break;
    }
    case CreateMode::kDraft: {
      HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(request.publish_at, request.time_zone,
                                                           /*required=*/false, now));
      break;
    }
    case CreateMode::kPublishNow: {
      HERALD_RETURN_IF_ERROR(ResolvePublishAt("", request.time_zone, false, now));
      publish_at = now;
      break;
    }
  }

  // Accounts, media and each network's rules, checked before anything is written.
  HERALD_ASSIGN_OR_RETURN(Checked checked, store::ReadValue<Checked>(store_, [&](store::Tx& tx) {
                            return CheckContent(tx, caller, request.accounts, request.content,
                                                /*for_validate_tool=*/false, nullptr);
                          }));

  store::Post post;
  post.id = base::NewId(base::kPostPrefix, now);
  post.org_id = caller.org_id;
  post.status = request.mode == CreateMode::kDraft ? PostStatus::kDraft : PostStatus::kScheduled;
  post.publish_at = publish_at;
  post.time_zone = request.time_zone;
  post.content = request.content.ToJson();
  post.created_by = caller.key_id;
  post.created_at = now;
  post.updated_at = now;
  std::vector<store::PostTarget> targets;
  for (const auto& t : checked.targets) targets.push_back(NewTarget(post, t.account, now));
  Json response = PostSummaryView(post, targets);

  std::optional<store::IdempotencyRecord> replayed;
  auto written = store_.WriteBatched([&](store::Tx& tx) -> Result<void> {
    if (!request.idempotency_key.empty()) {
      HERALD_ASSIGN_OR_RETURN(auto existing,
                              tx.GetIdempotency(caller.org_id, request.idempotency_key, now));
      if (existing) {
        replayed = std::move(existing);
        return base::Ok();
      }
    }
    HERALD_RETURN_IF_ERROR(tx.InsertPost(post));
    HERALD_RETURN_IF_ERROR(tx.InsertTargets(targets));  // one statement where the backend can
    if (post.status != PostStatus::kDraft) {
      std::vector<store::Job> jobs;
      jobs.reserve(targets.size());
      for (const auto& t : targets) jobs.push_back(NewPublishJob(t, *post.publish_at, now));
      HERALD_RETURN_IF_ERROR(tx.InsertJobs(jobs));
    }
    if (!request.idempotency_key.empty()) {
      store::IdempotencyRecord record;
      record.org_id = caller.org_id;
      record.key = request.idempotency_key;
      record.tool = std::string(tool);
      record.request_hash = request_hash;
      record.response = response;
      record.created_at = now;
      record.expires_at = now + options_.idempotency_ttl;
      HERALD_RETURN_IF_ERROR(tx.InsertIdempotency(record));
    }
    Audit(tx, caller, "post.create", post.id,
          Json{{"tool", tool}, {"targets", targets.size()}}, now);
    return base::Ok();
  });
  if (!written.ok()) {
    // A concurrent call with the same key committed first: answer as a repeat.
    if (written.error().code() == ErrorCode::kAlreadyExists && !request.idempotency_key.empty()) {
      HERALD_ASSIGN_OR_RETURN(auto existing,
                              store::ReadValue<std::optional<store::IdempotencyRecord>>(
                                  store_, [&](store::Tx& tx) {
                                    return tx.GetIdempotency(caller.org_id,
                                                             request.idempotency_key, now);
                                  }));
      if (existing) return replay(*existing);
    }
    return std::move(written).error();
  }
  if (replayed) return replay(*replayed);
  return response;
}

// ---- edit ----

Result<void> PostService::EditInTx(store::Tx& tx, const Caller& caller,
                                   const UpdatePostRequest& request, bool schedule_draft,
                                   Json& out) {
  const Time now = clock_.Now();
  HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, request.post_id));
  HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
  bool editable = post.status == PostStatus::kDraft || post.status == PostStatus::kScheduled;
  for (const auto& t : targets) {
    if (t.status != TargetStatus::kQueued || t.attempts > 0) editable = false;
  }
  if (!editable) {
    std::string hint = post.status == PostStatus::kCancelled
                           ? "; create a new post instead"
                           : "; use delete_post to remove what was published and create a new "
                             "post, or cancel_post to stop what has not been sent";
    return base::FailedPrecondition("post " + Quote(post.id) + " is " +
                                    std::string(store::PostStatusName(post.status)) +
                                    ", so it can no longer be edited" + hint);
  }

  HERALD_ASSIGN_OR_RETURN(PostContent content, PostContent::FromJson(post.content));
  if (request.text) content.text = *request.text;
  if (request.media) content.media = *request.media;
  if (request.thread) content.thread = *request.thread;
  if (request.overrides) content.overrides = *request.overrides;
  std::vector<std::string> accounts;
  if (request.accounts) {
    accounts = *request.accounts;
  } else {
    for (const auto& t : targets) accounts.push_back(t.account_id);
  }
  // Overrides for accounts the edit removes go with them.
  if (request.accounts && !request.overrides) {
    for (auto it = content.overrides.begin(); it != content.overrides.end();) {
      bool kept = std::find(accounts.begin(), accounts.end(), it->first) != accounts.end();
      it = kept ? std::next(it) : content.overrides.erase(it);
    }
  }
  HERALD_RETURN_IF_ERROR(CheckShape(accounts, content));

  const bool becomes_scheduled = schedule_draft && post.status == PostStatus::kDraft;
  const bool scheduled = post.status == PostStatus::kScheduled || becomes_scheduled;
  std::string time_zone = request.time_zone ? *request.time_zone : post.time_zone;
  std::optional<Time> publish_at = post.publish_at;
  if (request.publish_at) {
    HERALD_ASSIGN_OR_RETURN(publish_at,
                            ResolvePublishAt(*request.publish_at, time_zone, scheduled, now));
  } else if (request.time_zone && *request.time_zone != post.time_zone && post.publish_at) {
    // A new zone alone keeps the wall-clock time: 09:00 Paris becomes 09:00 New York.
    std::string old_zone = post.time_zone.empty() ? "UTC" : post.time_zone;
    HERALD_ASSIGN_OR_RETURN(std::string local, base::FormatInTimeZone(*post.publish_at, old_zone));
    size_t cut = local.find_last_of("Z+-");
    HERALD_ASSIGN_OR_RETURN(publish_at, ResolvePublishAt(local.substr(0, cut), time_zone,
                                                         scheduled, now));
  } else {
    HERALD_RETURN_IF_ERROR(ResolvePublishAt("", time_zone, false, now));
  }
  if (scheduled && !publish_at) {
    HERALD_RETURN_IF_ERROR(ResolvePublishAt("", time_zone, /*required=*/true, now));
  }

  HERALD_ASSIGN_OR_RETURN(Checked checked, CheckContent(tx, caller, accounts, content,
                                                        /*for_validate_tool=*/false, nullptr));

  // Targets: removed accounts go (their jobs cancelled first: fails if a worker holds one),
  // kept ones get the new time (SetJobRunAt also fails if a worker holds the job), new ones
  // come with their jobs.
  std::map<std::string, store::PostTarget, std::less<>> existing;
  for (auto& t : targets) existing.emplace(t.account_id, std::move(t));
  for (auto& [account_id, t] : existing) {
    bool kept = std::find(accounts.begin(), accounts.end(), account_id) != accounts.end();
    HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
    for (const auto& job : jobs) {
      if (job.state == store::JobState::kLeased) return BusyError(post.id);
      if (job.state != store::JobState::kQueued) continue;
      auto r = kept ? tx.SetJobRunAt(job.id, *publish_at, now) : tx.CancelJob(job.id, now);
      if (!r.ok()) {
        if (r.error().code() == ErrorCode::kFailedPrecondition) return BusyError(post.id);
        return std::move(r).error();
      }
    }
    if (!kept) {
      HERALD_RETURN_IF_ERROR(tx.DeleteTarget(caller.org_id, t.id));
      continue;
    }
    if (becomes_scheduled) HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, *publish_at, now)));
    t.next_attempt_at = scheduled ? publish_at : std::nullopt;
    t.updated_at = now;
    HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
  }
  post.content = content.ToJson();
  post.publish_at = publish_at;
  post.time_zone = time_zone;
  if (becomes_scheduled) post.status = PostStatus::kScheduled;
  post.updated_at = now;
  for (const auto& c : checked.targets) {
    if (existing.count(c.account.id) > 0) continue;
    store::PostTarget t = NewTarget(post, c.account, now);
    HERALD_RETURN_IF_ERROR(tx.InsertTarget(t));
    if (scheduled) HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, *publish_at, now)));
  }
  HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
  Audit(tx, caller, schedule_draft ? "post.reschedule" : "post.update", post.id, Json::object(),
        now);
  HERALD_ASSIGN_OR_RETURN(auto stored, tx.ListTargets(caller.org_id, post.id));
  out = PostSummaryView(post, stored);
  return base::Ok();
}

Result<Json> PostService::UpdateSync(const Caller& caller, const UpdatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  Json out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) {
    return EditInTx(tx, caller, request, /*schedule_draft=*/false, out);
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

Result<Json> PostService::RescheduleSync(const Caller& caller, const std::string& post_id,
                                         const std::string& publish_at,
                                         const std::string& time_zone) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  UpdatePostRequest request;
  request.post_id = post_id;
  request.publish_at = publish_at;
  if (!time_zone.empty()) request.time_zone = time_zone;
  if (publish_at.empty()) {
    return FieldError("publish_at", "required; use cancel_post to stop a post instead");
  }
  Json out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) {
    return EditInTx(tx, caller, request, /*schedule_draft=*/true, out);
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

// ---- cancel, retry ----

Result<Json> PostService::CancelSync(const Caller& caller, const std::string& post_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  Json out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    Json reports = Json::array();
    for (auto& t : targets) {
      Json report = {{"target_id", t.id}, {"account_id", t.account_id}, {"platform", t.platform}};
      bool stopped = false;
      std::string message;
      switch (t.status) {
        case TargetStatus::kQueued: {
          HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
          bool busy = false;
          for (const auto& job : jobs) {
            if (job.state == store::JobState::kLeased) busy = true;
            if (job.state != store::JobState::kQueued) continue;
            auto r = tx.CancelJob(job.id, now);
            if (!r.ok()) {
              if (r.error().code() != ErrorCode::kFailedPrecondition) return std::move(r).error();
              busy = true;
            }
          }
          if (busy) {
            message = "a worker is sending it right now; it could not be stopped";
          } else {
            t.status = TargetStatus::kCancelled;
            t.next_attempt_at.reset();
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            stopped = true;
            message = "cancelled";
          }
          break;
        }
        case TargetStatus::kPublishing:
          message =
              "it was already sent (or is being sent), and herald is confirming the outcome with "
              "the network; it could not be stopped";
          break;
        case TargetStatus::kPublished:
          message = "already published; delete_post removes it from the network";
          break;
        case TargetStatus::kFailed: {
          t.status = TargetStatus::kCancelled;
          t.updated_at = now;
          HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
          stopped = true;
          message = "had failed; now cancelled (it will not be retried)";
          break;
        }
        case TargetStatus::kUnknown:
          message = "its outcome is unknown (it may be on the network); left as it is";
          break;
        case TargetStatus::kCancelled:
          stopped = true;
          message = "already cancelled";
          break;
      }
      report["status"] = store::TargetStatusName(t.status);
      report["stopped"] = stopped;
      report["message"] = message;
      reports.push_back(std::move(report));
    }
    if (post.status == PostStatus::kDraft) {
      post.status = PostStatus::kCancelled;
      post.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
    } else {
      HERALD_ASSIGN_OR_RETURN(post, RollUpPost(tx, caller.org_id, post.id, now));
    }
    Audit(tx, caller, "post.cancel", post.id, Json::object(), now);
    out = Json{{"post_id", post.id},
               {"status", store::PostStatusName(post.status)},
               {"targets", std::move(reports)}};
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

Result<Json> PostService::RetrySync(const Caller& caller, const std::string& post_id,
                                    bool include_unknown) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  Json out;
  Result<void> tx_result = store_.Write([&](store::Tx& tx) -> Result<void> {
    const Time now = clock_.Now();
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    if (post.status == PostStatus::kDraft) {
      return base::FailedPrecondition("post " + Quote(post.id) +
                                      " is a draft; schedule it with reschedule_post");
    }
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    Json reports = Json::array();
    int requeued = 0, unknown_left = 0;
    for (auto& t : targets) {
      Json report = {{"target_id", t.id}, {"account_id", t.account_id}, {"platform", t.platform}};
      bool retry = t.status == TargetStatus::kFailed ||
                   (include_unknown && t.status == TargetStatus::kUnknown);
      std::string message;
      if (retry) {
        message = t.status == TargetStatus::kUnknown
                      ? "queued again on request; it may appear twice if the earlier attempt "
                        "was in fact published"
                      : "queued again";
        t.status = TargetStatus::kQueued;
        t.attempts = 0;
        t.last_error.clear();
        t.next_attempt_at = now;
        t.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
        HERALD_RETURN_IF_ERROR(tx.InsertJob(NewPublishJob(t, now, now)));
        ++requeued;
      } else {
        if (t.status == TargetStatus::kUnknown) ++unknown_left;
        message = t.status == TargetStatus::kUnknown
                      ? "outcome unknown; not retried (pass include_unknown=true to send again)"
                      : "not failed; nothing to retry";
      }
      report["status"] = store::TargetStatusName(t.status);
      report["retried"] = retry;
      report["message"] = message;
      reports.push_back(std::move(report));
    }
    if (requeued == 0) {
      std::string why = unknown_left > 0
                            ? std::to_string(unknown_left) +
                                  " target(s) have an unknown outcome; pass include_unknown=true "
                                  "to send them again (this may post twice)"
                            : "no target has failed";
      return base::FailedPrecondition("nothing to retry for post " + Quote(post.id) + ": " + why);
    }
    HERALD_ASSIGN_OR_RETURN(post, RollUpPost(tx, caller.org_id, post.id, now));
    Audit(tx, caller, "post.retry", post.id, Json{{"include_unknown", include_unknown}}, now);
    out = Json{{"post_id", post.id},
               {"status", store::PostStatusName(post.status)},
               {"targets", std::move(reports)}};
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  return out;
}

// ---- delete ----

Task<Result<Json>> PostService::Delete(Caller caller, std::string post_id) {
  HERALD_CO_RETURN_IF_ERROR(RequireRole(caller, store::Role::kEditor));
  struct Item {
    store::PostTarget target;
    std::optional<store::Account> account;
    Json report;
    bool remote = false;  // ask the network to delete
  };
  // 1. Cancel what has not been sent, and find what is on the networks.
  std::vector<Item> items;
  std::string stored_post_id;
  auto first = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      items.clear();
      const Time now = clock_.Now();
      HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
      stored_post_id = post.id;
      HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
      for (auto& t : targets) {
        Item item;
        item.report = {{"target_id", t.id}, {"account_id", t.account_id}, {"platform", t.platform}};
        std::string result, message;
        if (t.status == TargetStatus::kQueued) {
          HERALD_ASSIGN_OR_RETURN(auto jobs, PublishJobs(tx, t.id));
          bool busy = false;
          for (const auto& job : jobs) {
            if (job.state == store::JobState::kLeased) busy = true;
            if (job.state != store::JobState::kQueued) continue;
            auto r = tx.CancelJob(job.id, now);
            if (!r.ok() && r.error().code() != ErrorCode::kFailedPrecondition) {
              return std::move(r).error();
            }
            if (!r.ok()) busy = true;
          }
          if (busy) {
            result = "busy";
            message = "a worker is sending it right now; try delete_post again in a moment";
          } else {
            t.status = TargetStatus::kCancelled;
            t.updated_at = now;
            HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
            result = "cancelled";
            message = "had not been published; cancelled";
          }
        } else if (t.status == TargetStatus::kPublishing) {
          result = "busy";
          message = "it is being sent or confirmed right now; try delete_post again in a moment";
        } else if (t.status == TargetStatus::kPublished) {
          auto account = tx.GetAccount(caller.org_id, t.account_id);
          if (account.ok()) item.account = std::move(*account);
          item.remote = true;
        } else if (t.status == TargetStatus::kUnknown) {
          result = "unknown";
          message = "herald does not know whether it was published, so it cannot delete it; "
                    "remove it on the network if it is there";
        } else {
          result = "not_published";
          message = "was not published; nothing to delete";
        }
        item.report["result"] = result;
        item.report["message"] = message;
        item.target = std::move(t);
        items.push_back(std::move(item));
      }
      if (post.status == PostStatus::kDraft) {
        post.status = PostStatus::kCancelled;
        post.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdatePost(post));
      } else {
        HERALD_RETURN_IF_ERROR(RollUpPost(tx, caller.org_id, post.id, now));
      }
      Audit(tx, caller, "post.delete", post.id, Json::object(), now);
      return base::Ok();
    });
  });
  HERALD_CO_RETURN_IF_ERROR(first);

  // 2. Ask each network (no store transaction open meanwhile).
  for (auto& item : items) {
    if (!item.remote) continue;
    platforms::Platform* platform = platforms_.Find(item.target.platform);
    std::string name = PlatformName(platforms_, item.target.platform);
    auto set = [&item](std::string result, std::string message) {
      item.report["result"] = std::move(result);
      item.report["message"] = std::move(message);
    };
    if (platform == nullptr || !platform->Info().features.delete_posts) {
      set("not_supported", name + " does not let herald delete posts; it stays published");
      item.remote = false;
      continue;
    }
    if (!item.account || credentials_ == nullptr) {
      set("failed", "the account is no longer connected; delete it on " + name);
      item.remote = false;
      continue;
    }
    auto ctx = co_await base::RunBlocking(
        blocking_, [&] { return credentials_->OpenCredentials(*item.account); });
    if (!ctx.ok()) {
      set("failed", "could not use the account's credentials: " + ctx.error().message());
      item.remote = false;
      continue;
    }
    platforms::PublishReceipt receipt;
    receipt.external_id = item.target.external_id;
    receipt.url = item.target.url;
    receipt.remote_state = item.target.remote_state;
    auto deleted = co_await platform->Delete(std::move(*ctx), std::move(receipt));
    if (deleted.ok()) {
      set("deleted", "deleted from " + name);
    } else if (deleted.error().code() == ErrorCode::kUnimplemented) {
      set("not_supported", name + " does not let herald delete posts; it stays published");
      item.remote = false;
    } else {
      set("failed", "could not delete it from " + name + ": " + deleted.error().message());
      item.remote = false;
    }
  }

  // 3. Record what was deleted.
  Json out;
  auto second = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      const Time now = clock_.Now();
      for (auto& item : items) {
        if (!item.remote) continue;
        HERALD_ASSIGN_OR_RETURN(store::PostTarget t, tx.GetTarget(caller.org_id, item.target.id));
        t.status = TargetStatus::kCancelled;
        if (!t.remote_state.is_object()) t.remote_state = Json::object();
        t.remote_state["herald_deleted_at"] = base::FormatRfc3339(now);
        t.updated_at = now;
        HERALD_RETURN_IF_ERROR(tx.UpdateTarget(t));
      }
      HERALD_ASSIGN_OR_RETURN(store::Post post, RollUpPost(tx, caller.org_id, stored_post_id, now));
      Json reports = Json::array();
      for (auto& item : items) reports.push_back(std::move(item.report));
      out = Json{{"post_id", post.id},
                 {"status", store::PostStatusName(post.status)},
                 {"targets", std::move(reports)}};
      return base::Ok();
    });
  });
  HERALD_CO_RETURN_IF_ERROR(second);
  co_return out;
}

// ---- reads ----

Result<Json> PostService::GetSync(const Caller& caller, const std::string& post_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kViewer));
  return store::ReadValue<Json>(store_, [&](store::Tx& tx) -> Result<Json> {
    HERALD_ASSIGN_OR_RETURN(store::Post post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
    return PostDetailView(post, targets, platforms_);
  });
}

Result<Json> PostService::ListSync(const Caller& caller, const ListPostsRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kViewer));
  store::PostQuery query;
  query.org_id = caller.org_id;
  if (request.status) {
    auto status = store::ParsePostStatus(*request.status);
    if (!status.ok()) return FieldError("status", status.error().message());
    query.status = *status;
  }
  if (!request.account_id.empty()) {
    if (!base::IsValidId(request.account_id, base::kAccountPrefix)) {
      return FieldError("account_id", Quote(request.account_id) + " is not an account id");
    }
    query.account_id = request.account_id;
  }
  if (!request.from.empty()) {
    auto t = base::ParseRfc3339(request.from);
    if (!t.ok()) return FieldError("from", t.error().message());
    query.from = *t;
  }
  if (!request.to.empty()) {
    auto t = base::ParseRfc3339(request.to);
    if (!t.ok()) return FieldError("to", t.error().message());
    query.to = *t;
  }
  if (query.from && query.to && *query.to <= *query.from) {
    return FieldError("to", "must be after from");
  }
  if (request.limit < 1 || request.limit > options_.max_list_limit) {
    return FieldError("limit", "must be 1 to " + std::to_string(options_.max_list_limit));
  }
  query.limit = request.limit + 1;  // one more tells whether there is a next page
  if (!request.cursor.empty()) {
    auto decoded = base::Base64UrlDecode(request.cursor);
    std::string_view text = decoded.ok() ? std::string_view(*decoded) : std::string_view();
    if (!decoded.ok() || text.rfind("p1:", 0) != 0 ||
        !base::IsValidId(text.substr(3), base::kPostPrefix)) {
      return FieldError("cursor", "not a cursor returned by list_posts");
    }
    query.after_id = std::string(text.substr(3));
  }
  return store::ReadValue<Json>(store_, [&](store::Tx& tx) -> Result<Json> {
    HERALD_ASSIGN_OR_RETURN(auto posts, tx.ListPosts(query));
    bool more = posts.size() > static_cast<size_t>(request.limit);
    if (more) posts.resize(static_cast<size_t>(request.limit));
    Json items = Json::array();
    for (const auto& post : posts) {
      HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
      items.push_back(PostListItemView(post, targets));
    }
    Json out = {{"posts", std::move(items)}};
    out["next_cursor"] = more ? Json(base::Base64UrlEncode("p1:" + posts.back().id)) : Json();
    return out;
  });
}

Result<Json> PostService::ValidateSync(const Caller& caller, const ValidatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, store::Role::kViewer));
  HERALD_RETURN_IF_ERROR(CheckShape(request.accounts, request.content));
  Json report;
  Result<void> tx_result = store_.Read([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(CheckContent(tx, caller, request.accounts, request.content,
                                        /*for_validate_tool=*/true, &report));
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  bool ok = true;
  for (const auto& r : report) ok = ok && r["ok"].get<bool>();
  return Json{{"ok", ok}, {"accounts", std::move(report)}};
}

// ---- coroutine forms ----

Task<Result<Json>> PostService::Create(Caller caller, CreatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return CreateSync(caller, request); });
}
Task<Result<Json>> PostService::Update(Caller caller, UpdatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return UpdateSync(caller, request); });
}
Task<Result<Json>> PostService::Reschedule(Caller caller, std::string post_id,
                                           std::string publish_at, std::string time_zone) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return RescheduleSync(caller, post_id, publish_at, time_zone); });
}
Task<Result<Json>> PostService::Cancel(Caller caller, std::string post_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return CancelSync(caller, post_id); });
}
Task<Result<Json>> PostService::Retry(Caller caller, std::string post_id, bool include_unknown) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return RetrySync(caller, post_id, include_unknown); });
}
Task<Result<Json>> PostService::Get(Caller caller, std::string post_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return GetSync(caller, post_id); });
}
Task<Result<Json>> PostService::List(Caller caller, ListPostsRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListSync(caller, request); });
}
Task<Result<Json>> PostService::Validate(Caller caller, ValidatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ValidateSync(caller, request); });
}

}  // namespace herald::core
