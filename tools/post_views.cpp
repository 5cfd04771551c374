#include "tools/post_views.h"

#include "base/time.h"
#include "core/platform_name.h"
#include "core/post_status.h"
#include "core/upload_progress.h"

namespace herald::tools {
namespace {

Json TargetBrief(const store::PostTarget& t) {
  return Json{{"target_id", t.id},
              {"account_id", t.account_id},
              {"platform", t.platform},
              {"status", store::TargetStatusName(t.status)}};
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string Preview(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

}  // namespace

Json TimeJson(std::optional<base::Time> t) {
  if (!t) return nullptr;
  return base::FormatRfc3339(*t);
}

Json PostSummaryView(const core::PostState& state) {
  const store::Post& post = state.post;
  Json out = Json::object();
  out["post_id"] = post.id;
  out["status"] = store::PostStatusName(post.status);
  out["publish_at"] = TimeJson(post.publish_at);
  if (!post.time_zone.empty()) {
    out["time_zone"] = post.time_zone;
    if (post.publish_at) {
      if (auto local = base::FormatInTimeZone(*post.publish_at, post.time_zone); local.ok()) {
        out["publish_at_local"] = *local;
      }
    }
  }
  Json list = Json::array();
  for (const auto& t : state.targets) list.push_back(TargetBrief(t));
  out["targets"] = std::move(list);
  return out;
}

Json PostDetailView(const core::PostState& state, const platforms::PlatformRegistry& platforms) {
  const store::Post& post = state.post;
  Json out = PostSummaryView(state);
  Json content = post.content;
  if (!content.is_object()) content = Json::object();
  out["content"] = std::move(content);
  out["created_at"] = TimeJson(post.created_at);
  out["updated_at"] = TimeJson(post.updated_at);
  Json list = Json::array();
  for (const auto& t : state.targets) {
    Json item = TargetBrief(t);
    item["attempts"] = t.attempts;
    if (!t.external_id.empty()) item["external_id"] = t.external_id;
    if (!t.url.empty()) item["url"] = t.url;
    if (!t.last_error.empty()) item["last_error"] = t.last_error;
    if (t.next_attempt_at && (t.status == store::TargetStatus::kQueued ||
                              t.status == store::TargetStatus::kPublishing)) {
      item["next_attempt_at"] = TimeJson(t.next_attempt_at);
    }
    if (t.status == store::TargetStatus::kQueued && t.remote_state.is_object()) {
      auto waiting = t.remote_state.find("herald_waiting");  // per-account pacing holds it
      if (waiting != t.remote_state.end() && waiting->is_object()) item["waiting"] = *waiting;
    }
    if (t.published_at) item["published_at"] = TimeJson(t.published_at);
    if (auto p = core::UploadProgressOf(t);  // a long upload's bytes so far
        p && (t.status == store::TargetStatus::kQueued ||
              t.status == store::TargetStatus::kPublishing)) {
      Json progress{{"bytes_sent", p->done}, {"bytes_total", p->total}};
      if (p->total > 0) progress["percent"] = static_cast<int>(p->done * 100 / p->total);
      if (!p->at.empty()) progress["at"] = p->at;
      item["progress"] = std::move(progress);
    }
    if (auto it = t.remote_state.find("herald_deleted_at");
        it != t.remote_state.end() && it->is_string()) {
      item["deleted_at"] = *it;
    }
    if (t.deletion != store::DeletionStatus::kNone) {  // delete_post's progress
      item["deletion"] = store::DeletionStatusName(t.deletion);
      if (!t.deletion_error.empty()) item["deletion_error"] = t.deletion_error;
    }
    if (t.status == store::TargetStatus::kUnknown) {
      item["explanation"] = core::UnknownExplanation(core::PlatformName(platforms, t.platform));
    } else if (t.status == store::TargetStatus::kPublishing) {
      item["explanation"] =
          "being sent, or an earlier attempt was interrupted and herald is checking with the "
          "network whether it went through before sending anything again";
    }
    list.push_back(std::move(item));
  }
  out["targets"] = std::move(list);
  if (state.approval) {
    const store::PostApproval& a = *state.approval;
    Json approval{{"state", store::ApprovalStateName(a.state)},
                  {"requested_by", a.requested_by},
                  {"requested_at", TimeJson(a.requested_at)}};
    if (!a.decided_by.empty()) approval["decided_by"] = a.decided_by;
    if (a.decided_at) approval["decided_at"] = TimeJson(a.decided_at);
    if (!a.note.empty()) {
      approval[a.state == store::ApprovalState::kRejected ? "reason" : "comment"] = a.note;
    }
    if (!state.approval_note.empty()) approval["note"] = state.approval_note;
    out["approval"] = std::move(approval);
  }
  return out;
}

Json PostPageView(const core::PostPage& page) {
  Json items = Json::array();
  for (const auto& state : page.posts) {
    Json item = PostSummaryView(state);
    item["text"] = Preview(base::GetString(state.post.content, "text"), 200);
    item["created_at"] = TimeJson(state.post.created_at);
    items.push_back(std::move(item));
  }
  Json out = {{"posts", std::move(items)}};
  out["next_cursor"] = page.next_cursor.empty() ? Json() : Json(page.next_cursor);
  return out;
}

Json PostOutcomeView(const core::PostOutcome& outcome, OutcomeKind kind) {
  Json targets = Json::array();
  for (const auto& t : outcome.targets) {
    Json item = {{"target_id", t.target_id}, {"account_id", t.account_id}, {"platform", t.platform}};
    switch (kind) {
      case OutcomeKind::kCancel:
        item["status"] = store::TargetStatusName(t.status);
        item["stopped"] = t.done;
        break;
      case OutcomeKind::kRetry:
        item["status"] = store::TargetStatusName(t.status);
        item["retried"] = t.done;
        break;
      case OutcomeKind::kDelete:
        item["result"] = t.result;
        break;
    }
    item["message"] = t.message;
    targets.push_back(std::move(item));
  }
  return Json{{"post_id", outcome.post_id},
              {"status", store::PostStatusName(outcome.status)},
              {"targets", std::move(targets)}};
}

Json ValidationView(const core::ValidationResult& result) {
  Json accounts = Json::array();
  for (const auto& a : result.accounts) {
    Json violations = Json::array();
    for (const auto& v : a.violations) {
      violations.push_back(Json{{"field", v.field}, {"message", v.message}});
    }
    Json entry{{"account_id", a.account_id},
               {"platform", a.platform},
               {"ok", a.ok()},
               {"length", a.length},
               {"limit", a.limit},
               {"unit", a.unit},
               {"violations", std::move(violations)}};
    if (!a.conversions.empty()) {
      Json conversions = Json::array();
      for (const auto& c : a.conversions) {
        conversions.push_back(Json{{"field", c.field}, {"message", c.message}});
      }
      entry["conversions"] = std::move(conversions);
    }
    accounts.push_back(std::move(entry));
  }
  return Json{{"ok", result.ok}, {"accounts", std::move(accounts)}};
}

}  // namespace herald::tools
