#include "core/account_views.h"

#include <algorithm>

#include "base/time.h"

namespace herald::core {

using base::Json;

ConnectArguments ConnectArgumentsOf(const platforms::PlatformInfo& info) {
  ConnectArguments out;
  for (std::string name : info.connect_fields) {
    bool optional = false;
    if (!name.empty() && name.back() == '?') {
      name.pop_back();
      optional = true;
    }
    if (name == "service_url") optional = true;
    (optional ? out.optional : out.required).push_back(name);
  }
  // Optional arguments an adapter reads without listing them in connect_fields.
  if (info.id == "bluesky" &&
      std::find(out.optional.begin(), out.optional.end(), "service_url") == out.optional.end()) {
    out.optional.push_back("service_url");
  }
  return out;
}

Json PlatformInfoView(const platforms::PlatformInfo& info) {
  ConnectArguments args = ConnectArgumentsOf(info);
  return Json{
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
}

Json AccountView(const store::Account& a, const platforms::Platform* platform) {
  return Json{
      {"account_id", a.id},
      {"platform", a.platform},
      {"platform_name", platform != nullptr ? platform->Info().name : a.platform},
      {"handle", a.handle},
      {"display_name", a.display_name},
      {"status", store::AccountStatusName(a.status)},
      {"base_url", a.base_url},
      {"settings", a.settings.is_object() ? a.settings : Json::object()},
      {"token_expires_at",
       a.token_expires_at ? Json(base::FormatRfc3339(*a.token_expires_at)) : Json(nullptr)},
      {"last_error", a.last_error},
      {"connected_at", base::FormatRfc3339(a.created_at)},
      {"updated_at", base::FormatRfc3339(a.updated_at)},
  };
}

Json AccountDetailView(const store::Account& a, const platforms::Platform* platform) {
  Json out = AccountView(a, platform);
  out["network"] = platform != nullptr ? PlatformInfoView(platform->Info()) : Json(nullptr);
  return out;
}

}  // namespace herald::core
