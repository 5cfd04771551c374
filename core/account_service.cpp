#include "core/account_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <set>

#include "base/ids.h"
#include "base/time.h"
#include "core/connect_arguments.h"
#include "core/credentials.h"
#include "platforms/http/url_policy.h"
#include "platforms/oauth/oauth_network.h"
#include "platforms/oauth/pkce.h"
#include "platforms/oauth/token_set.h"

namespace herald::core {
namespace {

using base::ErrorCode;
using platforms::AuthKind;
using platforms::Platform;
using platforms::oauth::AsOAuthNetwork;
using platforms::oauth::OAuthNetwork;
using platforms::oauth::TokenSet;

constexpr size_t kMaxShownLength = 64;
constexpr size_t kMaxErrorLength = 500;
constexpr int kScheduledPostsScan = 100;

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, kMaxShownLength));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  if (s.size() > kMaxShownLength) out += "...";
  return out;
}

std::string Clip(std::string s) {
  if (s.size() > kMaxErrorLength) {
    s.resize(kMaxErrorLength);
    s += "...";
  }
  return s;
}

base::Error NoSuchAccount(std::string_view id) {
  return base::NotFound("no account with id '" + Shown(id) +
                        "'; list_accounts shows the connected accounts");
}

std::string JoinAnd(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

store::AuditEntry Audit(std::string org_id, std::string actor, std::string action,
                        std::string subject, Json detail, base::Time at) {
  store::AuditEntry e;
  e.org_id = std::move(org_id);
  e.actor = std::move(actor);
  e.action = std::move(action);
  e.subject = std::move(subject);
  e.detail = std::move(detail);
  e.at = at;
  return e;
}

// The credentials JSON after a refresh: the previous object (network-specific fields an
// adapter added) with the token fields replaced.
Json MergeTokens(Json previous, const TokenSet& tokens) {
  if (!previous.is_object()) previous = Json::object();
  const Json fresh = platforms::oauth::TokenSetToCredentials(tokens);  // named: see C++20 range-for
  for (const auto& [k, v] : fresh.items()) previous[k] = v;
  return previous;
}

// Checks connect_account arguments against the network's connect fields. Returns them as a
// string-valued object (integers such as a Telegram chat_id are turned into text).
Result<Json> CheckConnectArgs(const platforms::PlatformInfo& info, const Json& args,
                              bool allow_private_networks) {
  if (!args.is_object()) return base::InvalidArgument("the arguments must be an object");
  ConnectArguments expected = ConnectArgumentsOf(info);
  std::set<std::string, std::less<>> allowed(expected.required.begin(), expected.required.end());
  allowed.insert(expected.optional.begin(), expected.optional.end());
  std::vector<std::string> all = expected.required;
  all.insert(all.end(), expected.optional.begin(), expected.optional.end());
  std::string takes = all.empty() ? "nothing but platform" : JoinAnd(all);

  Json out = Json::object();
  std::vector<std::string> extra;
  for (const auto& [key, value] : args.items()) {
    if (value.is_null()) continue;
    if (!allowed.contains(key)) {
      extra.push_back(key);
      continue;
    }
    std::string text;
    if (value.is_string()) {
      text = value.get<std::string>();
    } else if (value.is_number_integer()) {
      text = std::to_string(value.get<int64_t>());
    } else {
      return base::InvalidArgument(key + " must be a string");
    }
    size_t b = text.find_first_not_of(" \t\r\n");
    size_t e = text.find_last_not_of(" \t\r\n");
    text = b == std::string::npos ? "" : text.substr(b, e - b + 1);
    if (!text.empty()) out[key] = text;
  }
  std::vector<std::string> missing;
  for (const auto& name : expected.required) {
    if (!out.contains(name)) missing.push_back(name);
  }
  if (info.auth_kind == AuthKind::kOAuth2 && !extra.empty()) {
    return base::InvalidArgument(info.id +
                                 " connects through a sign-in link (OAuth) and takes no "
                                 "arguments but platform; remove " +
                                 JoinAnd(extra));
  }
  if (!missing.empty() || !extra.empty()) {
    std::string msg = info.id;
    if (!missing.empty()) msg += " needs " + JoinAnd(missing);
    if (!extra.empty()) {
      msg += missing.empty() ? " does not take " : " and does not take ";
      msg += JoinAnd(extra);
    }
    msg += " (connect_account for " + info.id + " takes " + takes + ")";
    return base::InvalidArgument(msg);
  }
  for (const auto& [key, value] : out.items()) {
    if (key.size() > 4 && key.ends_with("_url")) {
      // A bare host ("mastodon.social") means https://, as the adapters read it.
      std::string url = value.get<std::string>();
      if (url.find("://") == std::string::npos) url = "https://" + url;
      HERALD_RETURN_IF_ERROR(platforms::http::CheckUserUrl(key, url, allow_private_networks));
    }
  }
  return out;
}

// An address-policy refusal from the HTTPS client names the host but not the argument; add it.
base::Error AnnotateUrlError(base::Error error, const Json& args) {
  if (error.code() != ErrorCode::kInvalidArgument) return error;
  const std::string& m = error.message();
  if (m.find("private address") == std::string::npos && m.find("loopback") == std::string::npos) {
    return error;
  }
  for (const auto& [key, value] : args.items()) {
    if (key.ends_with("_url")) {
      base::Error out = base::InvalidArgument(key + ": " + m);
      out.set_detail(error.detail());
      return out;
    }
  }
  return error;
}

}  // namespace

std::string_view OAuthCallbackKindName(OAuthCallbackResult::Kind kind) {
  switch (kind) {
    case OAuthCallbackResult::Kind::kConnected:
      return "connected";
    case OAuthCallbackResult::Kind::kStateInvalid:
      return "state_invalid";
    case OAuthCallbackResult::Kind::kDenied:
      return "denied";
    case OAuthCallbackResult::Kind::kFailed:
      return "failed";
  }
  return "failed";
}

AccountService::AccountService(store::Store& store, const base::Keyring& keyring,
                               const platforms::PlatformRegistry& platforms,
                               platforms::HttpClient& http, const base::Clock& clock,
                               base::asio::thread_pool& blocking, AccountServiceOptions options)
    : store_(store),
      keyring_(keyring),
      platforms_(platforms),
      clock_(clock),
      blocking_(blocking),
      options_(std::move(options)),
      oauth_(http, clock),
      lease_owner_("refresh_" + base::RandomToken()) {}

std::string AccountService::PlatformName(std::string_view id) const {
  Platform* p = platforms_.Find(id);
  return p != nullptr ? p->Info().name : std::string(id);
}

std::string AccountService::RedirectUri(std::string_view platform) const {
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/oauth/callback/" + std::string(platform);
}

// ---- connect ----

Task<Result<ConnectResult>> AccountService::Connect(Caller caller, std::string platform_id, Json args) {
  if (!store::RoleAllows(caller.role, store::Role::kEditor)) {
    co_return base::PermissionDenied("connecting an account needs the editor role");
  }
  if (platform_id.empty()) {
    co_return base::InvalidArgument("platform is required; supported: " + platforms_.Names());
  }
  Platform* platform = platforms_.Find(platform_id);
  if (platform == nullptr) {
    co_return base::InvalidArgument("unknown platform '" + Shown(platform_id) +
                                    "'; supported: " + platforms_.Names());
  }
  if (args.is_null()) args = Json::object();
  if (args.is_object()) args.erase("platform");
  HERALD_CO_ASSIGN_OR_RETURN(
      Json checked, CheckConnectArgs(platform->Info(), args, options_.allow_private_networks));
  if (platform->Info().auth_kind == AuthKind::kOAuth2) {
    co_return co_await StartOAuth(std::move(caller), platform);
  }
  co_return co_await ConnectWithToken(std::move(caller), platform, std::move(checked));
}

Task<Result<ConnectResult>> AccountService::ConnectWithToken(Caller caller, Platform* platform,
                                                             Json args) {
  auto connected = co_await platform->Connect(args);
  if (!connected.ok()) co_return AnnotateUrlError(std::move(connected).error(), args);
  if (connected->external_id.empty()) {
    co_return base::Internal(platform->Info().id + " Connect returned no external id");
  }
  co_return co_await base::RunBlocking(blocking_, [&]() -> Result<ConnectResult> {
    return StoreConnected(caller.org_id, caller.actor(), *platform, *connected);
  });
}

Result<ConnectResult> AccountService::StoreConnected(const std::string& org_id,
                                                     const std::string& actor,
                                                     const Platform& platform,
                                                     const platforms::ConnectedAccount& connected) {
  const base::Time now = clock_.Now();
  store::Account row;
  row.org_id = org_id;
  row.platform = platform.Info().id;
  row.external_id = connected.external_id;
  row.handle = connected.handle;
  row.display_name = connected.display_name;
  row.base_url = connected.base_url;
  row.settings = connected.settings.is_object() ? connected.settings : Json::object();
  row.status = store::AccountStatus::kActive;
  row.token_expires_at = connected.token_expires_at;
  row.created_at = now;
  row.updated_at = now;
  row.credentials_sealed = SealAccountCredentials(keyring_, row, connected.credentials);
  bool reconnected = false;
  auto stored =
      store::WriteValue<store::Account>(store_, [&](store::Tx& tx) -> Result<store::Account> {
        reconnected = false;
        row.id = base::NewId(base::kAccountPrefix, now);
        HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> existing, tx.ListAccounts(org_id));
        for (const auto& e : existing) {
          if (e.platform == row.platform && e.external_id == row.external_id) {
            row.id = e.id;
            reconnected = true;
          }
        }
        HERALD_ASSIGN_OR_RETURN(store::Account saved, tx.UpsertAccount(row));
        HERALD_RETURN_IF_ERROR(tx.AppendAudit(
            Audit(org_id, actor, reconnected ? "account.reconnect" : "account.connect", saved.id,
                  Json{{"platform", saved.platform},
                       {"handle", saved.handle},
                       {"external_id", saved.external_id}},
                  now)));
        return saved;
      });
  if (!stored.ok()) return std::move(stored).error();
  stored->credentials_sealed.clear();
  ConnectResult out;
  out.account = std::move(*stored);
  out.reconnected = reconnected;
  out.platform = platform.Info().id;
  out.platform_name = platform.Info().name;
  return out;
}

Task<Result<ConnectResult>> AccountService::StartOAuth(Caller caller, Platform* platform) {
  OAuthNetwork* network = AsOAuthNetwork(platform);
  if (network == nullptr) {
    co_return base::Internal(platform->Info().id + " is an OAuth network without an OAuth side");
  }
  const platforms::oauth::OAuthProvider& provider = network->Provider();
  HERALD_CO_RETURN_IF_ERROR(provider.CheckConfigured());
  const std::string& id = platform->Info().id;
  if (options_.public_url.empty()) {
    co_return base::FailedPrecondition(
        "connecting " + platform->Info().name +
        " needs HERALD_PUBLIC_URL: the address browsers use to reach this herald (the network "
        "sends the user back to HERALD_PUBLIC_URL/oauth/callback/" +
        id + ")");
  }
  const base::Time now = clock_.Now();
  std::string state = base::RandomToken();
  std::string verifier = platforms::oauth::NewCodeVerifier();
  store::OAuthState row;
  row.state_hash = base::Sha256Hex(state);
  row.org_id = caller.org_id;
  row.platform = id;
  row.created_by = caller.actor();
  if (provider.pkce) row.verifier_sealed = SealOAuthVerifier(keyring_, row.state_hash, verifier);
  row.redirect_uri = RedirectUri(id);
  row.created_at = now;
  row.expires_at = now + options_.oauth_state_ttl;
  Result<void> saved = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(tx.InsertOAuthState(row));
      return tx.AppendAudit(Audit(caller.org_id, caller.actor(), "account.oauth_start", id,
                                  Json{{"platform", id}}, now));
    });
  });
  if (!saved.ok()) co_return std::move(saved).error();
  std::string url = platforms::oauth::OAuthClient::AuthorizationUrl(
      provider, row.redirect_uri, state,
      provider.pkce ? platforms::oauth::CodeChallengeS256(verifier) : "");
  ConnectResult out;
  out.pending_authorization = true;
  out.platform = id;
  out.platform_name = platform->Info().name;
  out.authorization_url = std::move(url);
  out.expires_at = row.expires_at;
  out.redirect_uri = row.redirect_uri;
  co_return out;
}

// ---- the OAuth callback ----

Task<OAuthCallbackResult> AccountService::CompleteOAuth(std::string platform_id, std::string state,
                                                        std::string code, std::string error,
                                                        std::string error_description) {
  using Kind = OAuthCallbackResult::Kind;
  OAuthCallbackResult out;
  out.platform = Shown(platform_id);
  out.platform_name = Shown(PlatformName(platform_id));
  auto finish = [&](Kind kind, std::string message) {
    out.kind = kind;
    out.message = std::move(message);
    return out;
  };
  const std::string start_again = " Ask your agent to run connect_account again.";
  if (state.empty()) {
    co_return finish(Kind::kStateInvalid,
                     "This sign-in link is incomplete (no state)." + start_again);
  }
  const base::Time now = clock_.Now();
  const std::string hash = base::Sha256Hex(state);
  try {
    auto consumed = co_await base::RunBlocking(blocking_, [&]() -> Result<store::OAuthState> {
      return store::WriteValue<store::OAuthState>(
          store_, [&](store::Tx& tx) { return tx.ConsumeOAuthState(hash, now); });
    });
    if (!consumed.ok()) {
      if (consumed.error().code() == ErrorCode::kNotFound) {
        co_return finish(Kind::kStateInvalid,
                         "This sign-in link has expired or was already used." + start_again);
      }
      spdlog::error("oauth callback: consuming the state failed: {}", consumed.error().ToString());
      co_return finish(Kind::kFailed,
                       "herald could not check this sign-in right now; please try "
                       "again in a moment." +
                           start_again);
    }
    const store::OAuthState st = std::move(*consumed);
    if (st.platform != platform_id) {
      co_return finish(Kind::kStateInvalid,
                       "This sign-in link belongs to another network." + start_again);
    }
    auto audit = [&](std::string action, Json detail) {
      auto r = store_.Write([&](store::Tx& tx) {
        return tx.AppendAudit(Audit(st.org_id, st.created_by, std::move(action), platform_id,
                                    std::move(detail), clock_.Now()));
      });
      if (!r.ok()) spdlog::error("oauth callback: audit failed: {}", r.error().ToString());
    };
    if (!error.empty()) {
      std::string reason = Clip(Shown(error));
      if (!error_description.empty()) reason += " (" + Clip(error_description) + ")";
      co_await base::RunBlocking(blocking_, [&] {
        audit("account.oauth_denied", Json{{"platform", platform_id}, {"error", Shown(error)}});
      });
      co_return finish(Kind::kDenied, out.platform_name + " did not grant access: " + reason +
                                          ". Nothing was connected.");
    }
    Platform* platform = platforms_.Find(platform_id);
    OAuthNetwork* network = AsOAuthNetwork(platform);
    if (network == nullptr) {
      co_return finish(Kind::kFailed, "herald no longer supports this network.");
    }
    if (code.empty()) {
      co_return finish(Kind::kFailed,
                       out.platform_name + " sent no authorization code." + start_again);
    }
    std::string verifier;
    if (network->Provider().pkce) {
      auto opened = OpenOAuthVerifier(keyring_, hash, st.verifier_sealed);
      if (!opened.ok()) co_return finish(Kind::kFailed, opened.error().message() + start_again);
      verifier = std::move(*opened);
    }
    auto fail = [&](const base::Error& e) -> Task<OAuthCallbackResult> {
      co_await base::RunBlocking(blocking_, [&] {
        audit("account.oauth_failed",
              Json{{"platform", platform_id}, {"error", base::ErrorCodeName(e.code())}});
      });
      co_return finish(Kind::kFailed, "Connecting " + out.platform_name +
                                          " failed: " + e.message() + "." + start_again);
    };
    auto tokens =
        co_await oauth_.ExchangeCode(network->Provider(), code, st.redirect_uri, verifier);
    if (!tokens.ok()) co_return co_await fail(tokens.error());
    auto who = co_await network->Identify(*tokens);
    if (!who.ok()) {
      // Do not leave an orphaned grant behind.
      std::string token =
          tokens->refresh_token.empty() ? tokens->access_token : tokens->refresh_token;
      (void)co_await oauth_.Revoke(
          network->Provider(), token,
          tokens->refresh_token.empty() ? "access_token" : "refresh_token");
      co_return co_await fail(who.error());
    }
    platforms::ConnectedAccount connected = std::move(*who);
    Json credentials = connected.credentials.is_object() ? connected.credentials : Json::object();
    connected.credentials = MergeTokens(std::move(credentials), *tokens);
    if (!connected.token_expires_at) connected.token_expires_at = tokens->expires_at;
    auto stored = co_await base::RunBlocking(blocking_, [&]() -> Result<ConnectResult> {
      return StoreConnected(st.org_id, st.created_by, *platform, connected);
    });
    if (!stored.ok()) co_return co_await fail(stored.error());
    out.account = std::move(stored->account);
    std::string who_text = connected.handle.empty() ? connected.display_name : connected.handle;
    co_return finish(Kind::kConnected, "Connected " + Shown(who_text) + " on " + out.platform_name +
                                           ". You can close this window.");
  } catch (const std::exception& e) {
    spdlog::error("oauth callback: unexpected exception: {}", e.what());
  }
  co_return finish(Kind::kFailed,
                   "herald failed unexpectedly while finishing the sign-in." + start_again);
}

// ---- list, get ----

Result<store::Account> AccountService::LoadAccount(const std::string& org_id,
                                                   const std::string& account_id) {
  if (!base::IsValidId(account_id, base::kAccountPrefix)) return NoSuchAccount(account_id);
  auto found = store::ReadValue<store::Account>(
      store_, [&](store::Tx& tx) { return tx.GetAccount(org_id, account_id); });
  if (!found.ok() && found.error().code() == ErrorCode::kNotFound) return NoSuchAccount(account_id);
  return found;
}

Result<std::vector<store::Account>> AccountService::ListSync(const Caller& caller) {
  HERALD_ASSIGN_OR_RETURN(std::vector<store::Account> accounts,
                          store::ReadValue<std::vector<store::Account>>(store_, [&](store::Tx& tx) {
                            return tx.ListAccounts(caller.org_id);
                          }));
  for (auto& a : accounts) a.credentials_sealed.clear();
  return accounts;
}

Task<Result<std::vector<store::Account>>> AccountService::List(Caller caller) {
  co_return co_await base::RunBlocking(blocking_, [&] { return ListSync(caller); });
}

Result<store::Account> AccountService::GetSync(const Caller& caller,
                                               const std::string& account_id) {
  HERALD_ASSIGN_OR_RETURN(store::Account a, LoadAccount(caller.org_id, account_id));
  a.credentials_sealed.clear();
  return a;
}

Task<Result<store::Account>> AccountService::Get(Caller caller, std::string account_id) {
  co_return co_await base::RunBlocking(blocking_, [&] { return GetSync(caller, account_id); });
}

// ---- disconnect ----

Task<Result<DisconnectResult>> AccountService::Disconnect(Caller caller, std::string account_id) {
  if (!store::RoleAllows(caller.role, store::Role::kEditor)) {
    co_return base::PermissionDenied("disconnecting an account needs the editor role");
  }
  HERALD_CO_ASSIGN_OR_RETURN(store::Account account, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(caller.org_id, account_id);
                             }));
  DisconnectResult out;
  out.already_disconnected = account.status == store::AccountStatus::kDisconnected;

  // Revoke OAuth grants at the network first (best effort, outside any transaction).
  OAuthNetwork* network = AsOAuthNetwork(platforms_.Find(account.platform));
  if (network != nullptr && !account.credentials_sealed.empty() &&
      account.status != store::AccountStatus::kDisconnected) {
    auto creds = OpenAccountCredentials(keyring_, account);
    auto tokens = creds.ok() ? platforms::oauth::TokenSetFromCredentials(*creds)
                             : Result<TokenSet>(creds.error());
    if (tokens.ok()) {
      bool refresh = !tokens->refresh_token.empty();
      auto revoked = co_await oauth_.Revoke(network->Provider(),
                                            refresh ? tokens->refresh_token : tokens->access_token,
                                            refresh ? "refresh_token" : "access_token");
      out.revoked = revoked.ok();
      if (!revoked.ok()) out.revoke_error = revoked.error().message();
    } else {
      out.revoked = false;
      out.revoke_error = tokens.error().message();
    }
  }

  const base::Time now = clock_.Now();
  int scheduled = 0;
  auto written = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_ASSIGN_OR_RETURN(store::Account current, tx.GetAccount(caller.org_id, account.id));
      store::PostQuery q;
      q.org_id = caller.org_id;
      q.status = store::PostStatus::kScheduled;
      q.account_id = account.id;
      q.limit = kScheduledPostsScan;
      auto posts = tx.ListPosts(q);
      scheduled = posts.ok() ? static_cast<int>(posts->size()) : 0;
      if (current.status == store::AccountStatus::kDisconnected &&
          current.credentials_sealed.empty()) {
        return base::Ok();
      }
      current.status = store::AccountStatus::kDisconnected;
      current.credentials_sealed.clear();
      current.token_expires_at.reset();
      current.last_error.clear();
      current.updated_at = now;
      HERALD_RETURN_IF_ERROR(tx.UpdateAccount(current));
      return tx.AppendAudit(Audit(caller.org_id, caller.actor(), "account.disconnect", current.id,
                                  Json{{"platform", current.platform},
                                       {"handle", current.handle},
                                       {"revoked", out.revoked ? Json(*out.revoked) : Json()}},
                                  now));
    });
  });
  if (!written.ok()) co_return std::move(written).error();
  out.scheduled_posts = scheduled;
  out.scheduled_posts_capped = scheduled >= kScheduledPostsScan;
  account.credentials_sealed.clear();
  out.account = std::move(account);
  co_return out;
}

// ---- tokens ----

Result<void> AccountService::SaveRefreshedTx(store::Tx& tx, const store::Account& account,
                                             const Json& credentials,
                                             std::optional<base::Time> expires_at, base::Time now) {
  auto current = tx.GetAccount(account.org_id, account.id);
  if (!current.ok()) {
    return current.error().code() == ErrorCode::kNotFound ? NoSuchAccount(account.id)
                                                          : current.error();
  }
  if (current->status == store::AccountStatus::kDisconnected) {
    return base::FailedPrecondition("the account was disconnected meanwhile");
  }
  current->credentials_sealed = SealAccountCredentials(keyring_, *current, credentials);
  current->token_expires_at = expires_at;
  current->status = store::AccountStatus::kActive;
  current->last_error.clear();
  current->updated_at = now;
  HERALD_RETURN_IF_ERROR(tx.UpdateAccount(*current));
  Json detail = {{"platform", current->platform}};
  detail["expires_at"] = expires_at ? Json(base::FormatRfc3339(*expires_at)) : Json(nullptr);
  return tx.AppendAudit(
      Audit(current->org_id, "system", "account.token_refresh", current->id, detail, now));
}

Result<void> AccountService::SaveRefreshed(const store::Account& account, const Json& credentials,
                                           std::optional<base::Time> expires_at) {
  const base::Time now = clock_.Now();
  return store_.Write([&](store::Tx& tx) -> Result<void> {
    return SaveRefreshedTx(tx, account, credentials, expires_at, now);
  });
}

Result<platforms::AccountContext> AccountService::OpenCredentials(const store::Account& account) {
  // The caller has just read `account` (the worker loads it with the job): reading it again
  // would cost a transaction per publish.
  const store::Account& current = account;
  std::string who = PlatformName(current.platform) + " account " +
                    (current.handle.empty() ? current.id : current.handle);
  if (current.status == store::AccountStatus::kDisconnected || current.credentials_sealed.empty()) {
    return base::PermissionDenied("the " + who +
                                  " was disconnected; reconnect it with connect_account, then "
                                  "retry the post");
  }
  if (current.status == store::AccountStatus::kNeedsReauth) {
    return base::Unauthenticated(
        "the " + who + " needs to be reconnected (" +
        (current.last_error.empty() ? "its authorization expired" : current.last_error) +
        "); run connect_account again, then retry the post");
  }
  HERALD_ASSIGN_OR_RETURN(Json credentials, OpenAccountCredentials(keyring_, current));
  platforms::AccountContext ctx;
  ctx.account_id = current.id;
  ctx.external_id = current.external_id;
  ctx.handle = current.handle;
  ctx.base_url = current.base_url;
  ctx.settings = current.settings;
  ctx.credentials = std::move(credentials);
  ctx.save_credentials = [this, current](const Json& creds,
                                         std::optional<base::Time> expires_at) -> Result<void> {
    return SaveRefreshed(current, creds, expires_at);
  };
  if (AsOAuthNetwork(platforms_.Find(current.platform)) != nullptr) {
    ctx.refresh_credentials = [this, current]() -> Task<Result<Json>> {
      return RefreshShared(current);
    };
  }
  return ctx;
}

Result<void> AccountService::MarkNeedsReauthTx(store::Tx& tx, const std::string& org_id,
                                               const std::string& account_id,
                                               const std::string& reason, base::Time now) {
  auto current = tx.GetAccount(org_id, account_id);
  if (!current.ok()) {
    return current.error().code() == ErrorCode::kNotFound ? NoSuchAccount(account_id)
                                                          : current.error();
  }
  if (current->status != store::AccountStatus::kActive) return base::Ok();
  current->status = store::AccountStatus::kNeedsReauth;
  current->last_error = Clip(reason);
  current->updated_at = now;
  HERALD_RETURN_IF_ERROR(tx.UpdateAccount(*current));
  return tx.AppendAudit(Audit(org_id, "system", "account.needs_reauth", account_id,
                              Json{{"platform", current->platform}, {"reason", Clip(reason)}},
                              now));
}

Result<void> AccountService::MarkNeedsReauth(const std::string& org_id,
                                             const std::string& account_id,
                                             const std::string& reason) {
  const base::Time now = clock_.Now();
  return store_.Write(
      [&](store::Tx& tx) { return MarkNeedsReauthTx(tx, org_id, account_id, reason, now); });
}

Task<Result<store::Account>> AccountService::Refresh(std::string org_id, std::string account_id) {
  HERALD_CO_ASSIGN_OR_RETURN(store::Account account, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(org_id, account_id);
                             }));
  if (AsOAuthNetwork(platforms_.Find(account.platform)) == nullptr) {
    co_return base::FailedPrecondition(PlatformName(account.platform) +
                                       " accounts have no OAuth tokens to refresh");
  }
  if (account.status == store::AccountStatus::kDisconnected) {
    co_return base::FailedPrecondition("the account is disconnected");
  }
  HERALD_CO_RETURN_IF_ERROR(co_await RefreshShared(std::move(account)));
  HERALD_CO_ASSIGN_OR_RETURN(store::Account stored, co_await base::RunBlocking(blocking_, [&] {
                               return LoadAccount(org_id, account_id);
                             }));
  stored.credentials_sealed.clear();
  co_return stored;
}

// ---- single-flight refresh ----

Task<Result<Json>> AccountService::RefreshShared(store::Account seen) {
  // Named, not temporaries in the co_await expression (GCC 12 destroys those twice).
  SingleFlight::Work work = [this, seen]() { return RefreshAcrossProcesses(seen); };
  Task<Result<Json>> shared = refreshes_.Run(seen.id, std::move(work));
  co_return co_await std::move(shared);
}

namespace {

// What one look at the account's row found.
struct LeaseStep {
  enum class Kind { kTaken, kHeld, kFresh };
  Kind kind = Kind::kHeld;
  store::Account account;  // as stored
};

}  // namespace

Task<Result<Json>> AccountService::RefreshAcrossProcesses(store::Account seen) {
  OAuthNetwork* network = AsOAuthNetwork(platforms_.Find(seen.platform));
  if (network == nullptr) {
    co_return base::FailedPrecondition(PlatformName(seen.platform) +
                                       " accounts have no OAuth tokens to refresh");
  }
  const std::string who =
      PlatformName(seen.platform) + " account " + (seen.handle.empty() ? seen.id : seen.handle);
  const base::Time deadline = clock_.Now() + options_.refresh_wait;
  const int64_t max_polls = std::max<int64_t>(
      1, std::chrono::duration_cast<std::chrono::milliseconds>(options_.refresh_wait).count() /
             std::max<int64_t>(1, options_.refresh_poll.count()));
  for (int64_t polls = 0;; ++polls) {
    auto step = co_await base::RunBlocking(blocking_, [&]() -> Result<LeaseStep> {
      const base::Time now = clock_.Now();
      return store::WriteValue<LeaseStep>(store_, [&](store::Tx& tx) -> Result<LeaseStep> {
        auto current = tx.GetAccount(seen.org_id, seen.id);
        if (!current.ok()) {
          return current.error().code() == ErrorCode::kNotFound ? NoSuchAccount(seen.id)
                                                                : current.error();
        }
        if (current->status == store::AccountStatus::kDisconnected ||
            current->credentials_sealed.empty()) {
          return base::FailedPrecondition("the " + who + " was disconnected meanwhile");
        }
        if (current->status == store::AccountStatus::kNeedsReauth) {
          return base::Unauthenticated(
              "the " + who + " needs to be reconnected (" +
              (current->last_error.empty() ? "its authorization expired" : current->last_error) +
              "); run connect_account again");
        }
        LeaseStep out;
        if (current->credentials_sealed != seen.credentials_sealed) {
          out.kind = LeaseStep::Kind::kFresh;  // refreshed (or reconnected) meanwhile
        } else {
          HERALD_ASSIGN_OR_RETURN(bool taken,
                                  tx.TakeRefreshLease(seen.org_id, seen.id, seen.credentials_sealed, lease_owner_,
                                                      now + options_.refresh_lease, now));
          out.kind = taken ? LeaseStep::Kind::kTaken : LeaseStep::Kind::kHeld;
        }
        out.account = std::move(*current);
        return out;
      });
    });
    if (!step.ok()) co_return std::move(step).error();
    switch (step->kind) {
      case LeaseStep::Kind::kFresh:
        co_return OpenAccountCredentials(keyring_, step->account);
      case LeaseStep::Kind::kTaken:
        co_return co_await RefreshHoldingLease(*network, std::move(step->account));
      case LeaseStep::Kind::kHeld:
        break;
    }
    if (polls + 1 >= max_polls || clock_.Now() >= deadline) {
      co_return base::Unavailable("another herald process is refreshing the tokens of the " + who +
                                  " and has not finished; try again later");
    }
    co_await Pause(std::chrono::duration_cast<base::Micros>(options_.refresh_poll));
  }
}

Task<Result<Json>> AccountService::RefreshHoldingLease(const OAuthNetwork& network,
                                                       store::Account account) {
  auto release = [&]() -> Task<void> {
    auto freed = co_await base::RunBlocking(blocking_, [&] {
      return store_.Write([&](store::Tx& tx) {
        return tx.ReleaseRefreshLease(account.org_id, account.id, lease_owner_);
      });
    });
    if (!freed.ok()) {
      spdlog::warn("token refresh: could not free the lease of account {}: {}", account.id,
                   freed.error().ToString());
    }
  };
  auto credentials = OpenAccountCredentials(keyring_, account);
  auto tokens = credentials.ok() ? platforms::oauth::TokenSetFromCredentials(*credentials)
                                 : Result<TokenSet>(credentials.error());
  if (!tokens.ok()) {
    co_await release();
    co_return std::move(tokens).error();
  }
  auto next = co_await oauth_.Refresh(network.Provider(), *tokens);
  if (!next.ok()) {
    base::Error failed = std::move(next).error();
    if (failed.code() != ErrorCode::kUnauthenticated) {
      co_await release();  // transient: the account is unchanged
      co_return failed;
    }
    // A definitive refusal: needs_reauth, unless the account was reconnected meanwhile.
    auto marked = co_await base::RunBlocking(blocking_, [&]() -> Result<std::optional<Json>> {
      const base::Time now = clock_.Now();
      return store::WriteValue<std::optional<Json>>(
          store_, [&](store::Tx& tx) -> Result<std::optional<Json>> {
            HERALD_RETURN_IF_ERROR(
                tx.ReleaseRefreshLease(account.org_id, account.id, lease_owner_));
            HERALD_ASSIGN_OR_RETURN(store::Account current,
                                    tx.GetAccount(account.org_id, account.id));
            if (current.credentials_sealed != account.credentials_sealed &&
                !current.credentials_sealed.empty()) {
              HERALD_ASSIGN_OR_RETURN(Json fresh, OpenAccountCredentials(keyring_, current));
              return std::optional<Json>(std::move(fresh));
            }
            HERALD_RETURN_IF_ERROR(
                MarkNeedsReauthTx(tx, account.org_id, account.id, failed.message(), now));
            return std::optional<Json>();
          });
    });
    if (!marked.ok()) co_return std::move(marked).error();
    if (marked->has_value()) co_return std::move(**marked);
    co_return failed;
  }
  // Store the new pair (and free the lease) before anyone uses it.
  Json merged = MergeTokens(std::move(*credentials), *next);
  auto saved = co_await base::RunBlocking(blocking_, [&]() -> Result<void> {
    const base::Time now = clock_.Now();
    return store_.Write([&](store::Tx& tx) -> Result<void> {
      HERALD_RETURN_IF_ERROR(SaveRefreshedTx(tx, account, merged, next->expires_at, now));
      return tx.ReleaseRefreshLease(account.org_id, account.id, lease_owner_);
    });
  });
  if (!saved.ok()) {
    spdlog::error("token refresh: could not store the renewed tokens of account {}: {}", account.id,
                  saved.error().ToString());
    co_await release();
    co_return std::move(saved).error();
  }
  co_return merged;
}

Task<void> AccountService::Pause(base::Micros delay) {
  if (options_.pause) {
    co_await options_.pause(delay);
    co_return;
  }
  base::asio::steady_timer timer(co_await base::asio::this_coro::executor, delay);
  co_await timer.async_wait(base::kNoThrow);
}

}  // namespace herald::core
