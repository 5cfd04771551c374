#include "platforms/facebook/facebook_login.h"

#include <algorithm>

#include "platforms/facebook/facebook_wire.h"
#include "platforms/meta/graph_errors.h"

namespace herald::platforms::facebook {
namespace {

std::string Join(const std::vector<std::string>& list, std::string_view sep) {
  std::string out;
  for (const auto& s : list) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

}  // namespace

oauth::OAuthProvider LoginProvider(std::string_view platform, std::string_view display_name,
                                   const LoginOptions& options) {
  const meta::GraphUrl api(options.api_url, kGraphOrigin, meta::kGraphVersion);
  const meta::GraphUrl login(options.auth_url, kLoginOrigin, meta::kGraphVersion);
  oauth::OAuthProvider p = oauth::MakeProvider(
      platform, display_name, login.Versioned("/dialog/oauth"),
      api.Versioned("/oauth/access_token"), LoginScopes(), oauth::ClientAuthMethod::kPost,
      /*pkce=*/false);
  p.scope_separator = ",";
  // The code's short-lived user token (hours) is exchanged at once for the long-lived one
  // (about 60 days), which the grant keeps.
  p.long_lived_exchange = oauth::AccessTokenExchange{p.token_url, "fb_exchange_token",
                                                     "fb_exchange_token", true, true};
  p.SetClient(options.client);
  return p;
}

Task<Result<HttpResponse>> SendGraph(HttpClient& http, const HttpErrorMapper& errors,
                                     const base::Clock& clock, GraphCall call) {
  HttpRequest req;
  req.method = call.method;
  req.url = call.url;
  req.headers = {{"Authorization", call.auth_scheme + " " + call.token},
                 {"Accept", "application/json"}};
  for (auto& h : call.headers) req.headers.push_back(std::move(h));
  if (!call.form.empty()) {
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.body = http::FormUrlEncode(call.form);
  }
  req.total_timeout = call.timeout;
  auto r = co_await http.Send(std::move(req));
  if (!r.ok()) co_return errors.FromTransport(std::move(r).error(), call.kind, call.token);
  if (r->status >= 200 && r->status <= 299) co_return std::move(*r);
  if (call.duplicate_ok && meta::IsDuplicatePost(*r)) co_return std::move(*r);
  co_return errors.FromResponse(*r, call.action, clock.Now(), call.token);
}

Task<Result<std::vector<ConnectedAccount>>> DiscoverMetaAccounts(
    HttpClient& http, const HttpErrorMapper& errors, const base::Clock& clock,
    const LoginOptions& options, std::string_view own_platform, oauth::TokenSet tokens) {
  const meta::GraphUrl api(options.api_url, kGraphOrigin, meta::kGraphVersion);
  // ExchangeCode already traded the code's short-lived token for the long-lived one
  // (OAuthProvider::long_lived_exchange).
  const oauth::TokenSet& user = tokens;
  auto get = [&](const std::string& path, const http::FormFields& query, const char* action) {
    GraphCall call;
    call.url = api.Versioned(path, query);
    call.token = user.access_token;
    call.action = action;
    call.timeout = options.request_timeout;
    return call;
  };
  // (Calls are built before co_await: GCC rejects braced lists inside a co_await expression.)
  GraphCall perms_call = get("/me/permissions", {}, "reading the granted permissions");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse perms,
                             co_await SendGraph(http, errors, clock, std::move(perms_call)));
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<std::string> granted,
                             ParseGrantedPermissions(perms.body));
  if (std::find(granted.begin(), granted.end(), "pages_show_list") == granted.end()) {
    co_return base::PermissionDenied(
        "Facebook did not grant herald the permission pages_show_list, without which it cannot "
        "see your Pages; sign in again and approve every permission");
  }
  GraphCall me_call = get("/me", {{"fields", "id,name"}}, "reading the user");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse me,
                             co_await SendGraph(http, errors, clock, std::move(me_call)));
  HERALD_CO_ASSIGN_OR_RETURN(User who, ParseUser(me.body));
  GraphCall pages_call =
      get("/me/accounts",
          {{"fields", "id,name,access_token,tasks,instagram_business_account{id,username}"},
           {"limit", "100"}},
          "listing the Pages");
  HERALD_CO_ASSIGN_OR_RETURN(HttpResponse listed,
                             co_await SendGraph(http, errors, clock, std::move(pages_call)));
  HERALD_CO_ASSIGN_OR_RETURN(std::vector<PageEntry> pages, ParsePages(listed.body));

  const std::string scope = Join(granted, ",");
  auto credentials = [&](const PageEntry& page) {
    // The Page token, without expiry (reference 3.1); merged over the grant's tokens.
    return Json{{"kind", "oauth2"},
                {"access_token", page.access_token},
                {"token_type", "bearer"},
                {"scope", scope},
                {"expires_at", ""}};
  };
  auto platform = [&](std::string_view id) {
    return id == own_platform ? std::string() : std::string(id);
  };
  std::vector<ConnectedAccount> out;
  for (const PageEntry& page : pages) {
    ConnectedAccount a;
    a.external_id = page.id;
    a.handle = page.name;
    a.display_name = page.name;
    a.settings = PageSettings(page, granted, who.id);
    a.credentials = credentials(page);
    a.token_expires_at = user.expires_at;
    a.platform = platform(kFacebookId);
    out.push_back(std::move(a));
  }
  for (const PageEntry& page : pages) {
    if (page.instagram_id.empty()) continue;
    ConnectedAccount a;
    a.external_id = page.instagram_id;
    a.handle = page.instagram_username.empty() ? page.instagram_id : page.instagram_username;
    a.display_name = a.handle;
    a.settings = PageSettings(page, granted, who.id);
    a.settings["ig_user_id"] = page.instagram_id;
    a.credentials = credentials(page);
    a.token_expires_at = user.expires_at;
    a.platform = platform(kInstagramId);
    out.push_back(std::move(a));
  }
  co_return out;
}

Features PageTokenFeatures(bool delete_posts) {
  Features f;
  f.threads = false;
  f.delete_posts = delete_posts;
  f.post_metrics = true;
  f.account_metrics = true;
  f.idempotency = IdempotencyKind::kReconcile;
  return f;
}

void RefuseThread(const Content& content, std::string_view network, ValidationReport& report) {
  if (content.parts.size() <= 1) return;
  report.violations.push_back({"thread", std::string(network) + " has no threads: this post has " +
                                             std::to_string(content.parts.size()) +
                                             " parts; publish them as separate posts"});
}

base::Error FirstViolation(const ValidationReport& report) {
  const Violation& v = report.violations.at(0);
  return base::InvalidArgument(v.message.rfind(v.field, 0) == 0 ? v.message
                                                                : v.field + ": " + v.message);
}

}  // namespace herald::platforms::facebook
