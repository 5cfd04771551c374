// PostService: construction, the checks every write shares, reads and the coroutine forms.
#include "core/post_service.h"

#include <algorithm>
#include <set>
#include <utility>

#include "base/crypto.h"
#include "base/ids.h"
#include "base/time.h"
#include "core/limits.h"
#include "core/media_probe_json.h"
#include "core/platform_options_check.h"
#include "core/post_service_internal.h"
#include "core/post_status.h"

namespace herald::core {

using base::ErrorCode;
using base::Time;
using store::PostStatus;
using store::TargetStatus;

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
    // Cheap first: a text within the limit in bytes is within it in code points.
    if (text.size() <= options_.max_text_length) return base::Ok();
    if (size_t length = limits::TextLength(text); length > options_.max_text_length) {
      return FieldError(field, "is " + std::to_string(length) + " characters; at most " +
                                   std::to_string(options_.max_text_length));
    }
    return base::Ok();
  };
  auto check_media = [&](const std::string& field,
                         const std::vector<std::string>& ids) -> Result<void> {
    if (ids.size() > static_cast<size_t>(options_.max_media_per_part)) {
      return FieldError(field, std::to_string(ids.size()) + " media given; at most " +
                                   std::to_string(options_.max_media_per_part));
    }
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

Result<PostService::Checked> PostService::CheckContent(store::Tx& tx, const base::Caller& caller,
                                                       const std::vector<std::string>& accounts,
                                                       const PostContent& content,
                                                       bool for_validate_tool,
                                                       std::vector<AccountCheck>* report) {
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
  {
    std::vector<const platforms::Platform*> networks;
    for (const auto& t : checked.targets) networks.push_back(t.platform);
    HERALD_RETURN_IF_ERROR(CheckPlatformOptions(content.platform_options, networks));
  }
  for (const auto& id : content.AllMediaIds()) {
    auto media = tx.GetMedia(caller.org_id, id, /*with_data=*/false);
    if (!media.ok()) {
      if (media.error().code() != ErrorCode::kNotFound) return std::move(media).error();
      return FieldError(MediaField(content, id),
                        "no media " + Quote(id) + " (upload it with upload_media first)");
    }
    checked.media.emplace(id, MediaItemFromRow(*media));
  }
  std::string problems;
  std::vector<AccountCheck> results;
  for (size_t i = 0; i < checked.targets.size(); ++i) {
    const auto& t = checked.targets[i];
    const auto& info = t.platform->Info();
    auto parts = content.PartsFor(t.account.id);
    platforms::Content network_content = ToPlatformContent(parts, checked.media, content.fit);
    network_content.options = content.OptionsFor(info.id);
    network_content.account_settings = t.account.settings;
    platforms::ValidationReport r = t.platform->Validate(network_content);
    if (parts.size() > 1 && !info.features.threads) {
      r.violations.push_back(
          {"thread", info.name + " does not support threads; send the parts as separate posts"});
    }
    AccountCheck check;
    check.account_id = t.account.id;
    check.platform = t.account.platform;
    check.length = r.length;
    check.limit = r.limit;
    check.unit = r.unit;
    for (const auto& v : r.violations) {
      std::string field = RequestField(v.field, content, t.account.id);
      if (!problems.empty()) problems += "; ";
      problems += field + " for " + AccountLabel(t.account, info.name, i) + ": " + v.message;
      check.violations.push_back({std::move(field), v.message});
    }
    for (const auto& c : r.conversions) {
      check.conversions.push_back({RequestField(c.field, content, t.account.id), c.message});
    }
    results.push_back(std::move(check));
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

// ---- reads ----

Result<PostState> PostService::GetSync(const base::Caller& caller, const std::string& post_id) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
  return store::ReadValue<PostState>(store_, [&](store::Tx& tx) -> Result<PostState> {
    PostState state;
    HERALD_ASSIGN_OR_RETURN(state.post, GetVisiblePost(tx, caller, post_id));
    HERALD_ASSIGN_OR_RETURN(state.targets, tx.ListTargets(caller.org_id, state.post.id));
    auto approval = tx.GetPostApproval(caller.org_id, state.post.id);
    if (approval.ok()) {
      state.approval = std::move(approval).value();
    } else if (approval.error().code() != base::ErrorCode::kNotFound) {
      return std::move(approval).error();
    }
    const store::Post& post = state.post;
    if (post.status == store::PostStatus::kPendingApproval) {
      const bool immediate = state.approval && state.approval->immediate;
      if (!immediate && post.publish_at && *post.publish_at < clock_.Now()) {
        state.approval_note =
            "its publish time (" + base::FormatRfc3339(*post.publish_at) +
            ") passed while it waited for approval, so it was not published; reschedule_post "
            "sets a new time, then an approver approves it";
      } else {
        state.approval_note =
            "waiting for an approver (approve_post or reject_post); nothing is sent until then";
      }
    }
    return state;
  });
}

Result<PostPage> PostService::ListSync(const base::Caller& caller,
                                       const ListPostsRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
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
  return store::ReadValue<PostPage>(store_, [&](store::Tx& tx) -> Result<PostPage> {
    HERALD_ASSIGN_OR_RETURN(auto posts, tx.ListPosts(query));
    bool more = posts.size() > static_cast<size_t>(request.limit);
    if (more) posts.resize(static_cast<size_t>(request.limit));
    PostPage page;
    for (auto& post : posts) {
      HERALD_ASSIGN_OR_RETURN(auto targets, tx.ListTargets(caller.org_id, post.id));
      page.posts.push_back({std::move(post), std::move(targets)});
    }
    if (more) page.next_cursor = base::Base64UrlEncode("p1:" + page.posts.back().post.id);
    return page;
  });
}

Result<ValidationResult> PostService::ValidateSync(const base::Caller& caller,
                                                   const ValidatePostRequest& request) {
  HERALD_RETURN_IF_ERROR(RequireRole(caller, base::Role::kViewer));
  HERALD_RETURN_IF_ERROR(CheckShape(request.accounts, request.content));
  std::vector<AccountCheck> report;
  Result<void> tx_result = store_.Read([&](store::Tx& tx) -> Result<void> {
    HERALD_RETURN_IF_ERROR(CheckContent(tx, caller, request.accounts, request.content,
                                        /*for_validate_tool=*/true, &report));
    return base::Ok();
  });
  if (!tx_result.ok()) return std::move(tx_result).error();
  ValidationResult out;
  for (const auto& r : report) out.ok = out.ok && r.ok();
  out.accounts = std::move(report);
  return out;
}

// ---- coroutine forms ----

Task<Result<PostState>> PostService::Create(base::Caller caller, CreatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return CreateSync(caller, request); });
}
Task<Result<PostState>> PostService::Update(base::Caller caller, UpdatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return UpdateSync(caller, request); });
}
Task<Result<PostState>> PostService::Reschedule(base::Caller caller, std::string post_id,
                                                std::string publish_at, std::string time_zone) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return RescheduleSync(caller, post_id, publish_at, time_zone); });
}
Task<Result<PostOutcome>> PostService::Cancel(base::Caller caller, std::string post_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return CancelSync(caller, post_id); });
}
Task<Result<PostOutcome>> PostService::Retry(base::Caller caller, std::string post_id,
                                             bool include_unknown) {
  co_return co_await base::RunBlocking(
      blocking_, [&] { return RetrySync(caller, post_id, include_unknown); });
}
Task<Result<PostState>> PostService::Get(base::Caller caller, std::string post_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return GetSync(caller, post_id); });
}
Task<Result<PostPage>> PostService::List(base::Caller caller, ListPostsRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListSync(caller, request); });
}
Task<Result<ValidationResult>> PostService::Validate(base::Caller caller,
                                                     ValidatePostRequest request) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ValidateSync(caller, request); });
}

}  // namespace herald::core
