#include "tools/account_views.h"

#include <chrono>

#include "base/time.h"
#include "core/connect_arguments.h"

namespace herald::tools {

using base::Json;

Json PlatformInfoView(const platforms::PlatformInfo& info) {
  core::ConnectArguments args = core::ConnectArgumentsOf(info);
  Json out{
      {"id", info.id},
      {"name", info.name},
      {"auth_kind", platforms::AuthKindName(info.auth_kind)},
      {"text",
       {{"max_length", info.text.max_length},
        {"max_caption_length",
         info.text.max_caption_length == 0 ? info.text.max_length : info.text.max_caption_length},
        {"unit", info.text.unit},
        {"url_length", info.text.url_length}}},
      {"media",
       {{"max_items", info.media.max_items},
        {"max_image_bytes", info.media.max_image_bytes},
        {"mime_types", info.media.mime_types},
        {"max_alt_text", info.media.max_alt_text}}},
      {"features",
       {{"threads", info.features.threads},
        {"delete_posts", info.features.delete_posts},
        {"post_metrics", info.features.post_metrics},
        {"account_metrics", info.features.account_metrics},
        {"idempotency", platforms::IdempotencyKindName(info.features.idempotency)}}},
      {"connect", {{"required", args.required}, {"optional", args.optional}}},
  };
  // The platform_options a post may give this network (absent: it takes none).
  if (info.options_schema.is_object()) out["options_schema"] = info.options_schema;
  return out;
}

namespace {

// From when list_accounts warns that a token which cannot be renewed expires.
constexpr std::chrono::hours kExpiryWarning{24 * 7};

}  // namespace

Json AccountView(const store::Account& a, const platforms::Platform* platform, base::Time now) {
  const std::string name = platform != nullptr ? platform->Info().name : a.platform;
  Json out{
      {"account_id", a.id},
      {"platform", a.platform},
      {"platform_name", name},
      {"handle", a.handle},
      {"display_name", a.display_name},
      {"status", store::AccountStatusName(a.status)},
      {"base_url", a.base_url},
      {"settings", a.settings.is_object() ? a.settings : Json::object()},
      {"token_expires_at",
       a.token_expires_at ? Json(base::FormatRfc3339(*a.token_expires_at)) : Json(nullptr)},
      {"token_refreshable", a.token_refreshable || !a.token_expires_at},
      {"last_error", a.last_error},
      {"connected_at", base::FormatRfc3339(a.created_at)},
      {"updated_at", base::FormatRfc3339(a.updated_at)},
      {"attention", nullptr},
  };
  if (a.status == store::AccountStatus::kActive && !a.token_refreshable && a.token_expires_at &&
      *a.token_expires_at - now <= kExpiryWarning) {
    const std::string date = base::FormatRfc3339(*a.token_expires_at);
    out["attention"] = "token_expires_soon";
    out["attention_message"] = "The " + name + " authorization of " +
                               (a.handle.empty() ? a.id : a.handle) + " expires at " + date +
                               " and " + name +
                               " gives no way to renew it: ask the user to run connect_account "
                               "for " + a.platform + " again before then.";
  }
  return out;
}

Json AccountDetailView(const store::Account& a, const platforms::Platform* platform,
                       base::Time now) {
  Json out = AccountView(a, platform, now);
  out["network"] = platform != nullptr ? PlatformInfoView(platform->Info()) : Json(nullptr);
  return out;
}

Json AccountPacingView(const store::Account& a, const core::PacingRules& effective) {
  const std::string key(core::kAccountPacingSetting);
  const bool own = a.settings.is_object() && a.settings.contains(key);
  return Json{{"account_id", a.id},
              {"handle", a.handle},
              {"pacing_override", own ? a.settings[key] : Json(nullptr)},
              {"pacing", core::PacingRulesJson(effective)}};
}

Json AccountListView(const std::vector<store::Account>& accounts,
                     const platforms::PlatformRegistry& platforms, base::Time now) {
  Json list = Json::array();
  for (const auto& a : accounts) list.push_back(AccountView(a, platforms.Find(a.platform), now));
  return Json{{"accounts", std::move(list)}};
}

Json ConnectView(const core::ConnectResult& r, const platforms::PlatformRegistry& platforms,
                 base::Time now) {
  if (r.pending_authorization) {
    return Json{{"platform", r.platform},
                {"platform_name", r.platform_name},
                {"status", "pending_authorization"},
                {"authorization_url", r.authorization_url},
                {"expires_at", base::FormatRfc3339(r.expires_at)},
                {"redirect_uri", r.redirect_uri},
                {"message", "Open authorization_url in a browser and approve herald on " +
                                r.platform_name +
                                ". The account then appears in list_accounts (with every page "
                                "or organization the sign-in gives access to). The link works "
                                "once and expires at expires_at."}};
  }
  const store::Account& a = r.account;
  return Json{{"account_id", a.id},
              {"platform", a.platform},
              {"handle", a.handle},
              {"display_name", a.display_name},
              {"status", store::AccountStatusName(a.status)},
              {"reconnected", r.reconnected},
              {"account", AccountView(a, platforms.Find(a.platform), now)}};
}

Json DisconnectView(const core::DisconnectResult& r) {
  Json out = {{"account_id", r.account.id},
              {"platform", r.account.platform},
              {"handle", r.account.handle},
              {"status", "disconnected"},
              {"revoked", r.revoked ? Json(*r.revoked) : Json(nullptr)},
              {"already_disconnected", r.already_disconnected},
              {"scheduled_posts", r.scheduled_posts}};
  if (!r.revoke_error.empty()) out["revoke_error"] = r.revoke_error;
  out["grant_shared_with"] = r.grant_shared_with;
  std::string message;
  if (r.grant_shared_with > 0) {
    message = "The sign-in it was connected with stays authorized for " +
              std::to_string(r.grant_shared_with) +
              " other connected account(s); it is revoked with the last of them. ";
  }
  if (r.scheduled_posts > 0) {
    message += std::to_string(r.scheduled_posts) + (r.scheduled_posts_capped ? "+" : "") +
                     " scheduled post(s) still target this account; they will fail for it at "
                     "publish time unless you reconnect it or edit them (update_post)";
  }
  if (!message.empty()) {
    while (message.back() == ' ') message.pop_back();
    out["message"] = message;
  }
  return out;
}

}  // namespace herald::tools
